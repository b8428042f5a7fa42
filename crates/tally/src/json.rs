//! The verifier's answer as data: each failure and exclusion reason by its
//! name (PROTOCOL.md §6.6) with its fields, and the documents that
//! `tinnhiem verify --json` prints (PROTOCOL.md §7.6).
//!
//! Members are written in a fixed order (structs and [`Fields`], never a
//! `serde_json::Value` object, whose order depends on serde_json's
//! features), so that the output is the same bytes everywhere.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use tinnhiem_core::ballot::{BallotError, Choice, Level};
use tinnhiem_core::ProofError;

use crate::result::ElectionResult;
use crate::state::{Audit, Exclusion, ExclusionReason, Phase, Reason, VerifyError};

/// A reason's fields, in order: serialized as a JSON object with exactly
/// these members (`{}` when there are none).
#[derive(Debug, Clone, PartialEq)]
pub struct Fields(pub Vec<(&'static str, Value)>);

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Phase {
    /// The phase's name: `Empty`, `Setup`, `Voting`, `Closed`, `Done`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Empty => "Empty",
            Phase::Setup => "Setup",
            Phase::Voting => "Voting",
            Phase::Closed => "Closed",
            Phase::Done => "Done",
        }
    }
}

fn f(pairs: &[(&'static str, Value)]) -> Fields {
    Fields(pairs.to_vec())
}

impl Reason {
    /// The reason's name (PROTOCOL.md §6.6), normative.
    pub fn name(&self) -> &'static str {
        match self {
            Reason::Malformed(_) => "Malformed",
            Reason::Sequence { .. } => "Sequence",
            Reason::Chain => "Chain",
            Reason::ServerSignature => "ServerSignature",
            Reason::OutOfPhase { .. } => "OutOfPhase",
            Reason::UnknownTrustee(_) => "UnknownTrustee",
            Reason::Duplicate(_) => "Duplicate",
            Reason::KeyProof(_) => "KeyProof",
            Reason::CommitteeSignature(_) => "CommitteeSignature",
            Reason::ElectionKey => "ElectionKey",
            Reason::Attendance { .. } => "Attendance",
            Reason::NoQuorum { .. } => "NoQuorum",
            Reason::TooManyCredentials { .. } => "TooManyCredentials",
            Reason::BadCredential { .. } => "BadCredential",
            Reason::CancelUsed { .. } => "CancelUsed",
            Reason::Decryption { .. } => "Decryption",
            Reason::DecryptionCount { .. } => "DecryptionCount",
            Reason::ResultTooEarly => "ResultTooEarly",
            Reason::Undecryptable { .. } => "Undecryptable",
            Reason::WrongResult { .. } => "WrongResult",
            Reason::Incomplete(_) => "Incomplete",
            Reason::Dealing { .. } => "Dealing",
            Reason::Complaint { .. } => "Complaint",
            Reason::NotQualified(_) => "NotQualified",
            Reason::TooFewQualified { .. } => "TooFewQualified",
            Reason::BadAudit { .. } => "BadAudit",
        }
    }

    /// The reason's fields (PROTOCOL.md §6.6). All are normative but the
    /// `detail` of `Malformed`, an informative English text.
    pub fn fields(&self) -> Fields {
        match self {
            Reason::Malformed(e) => f(&[("detail", json!(e.to_string()))]),
            Reason::Sequence { expected, found } => {
                f(&[("expected", json!(expected)), ("found", json!(found))])
            }
            Reason::Chain
            | Reason::ServerSignature
            | Reason::ElectionKey
            | Reason::ResultTooEarly => f(&[]),
            Reason::OutOfPhase { kind, phase } => {
                f(&[("kind", json!(kind)), ("phase", json!(phase.name()))])
            }
            Reason::UnknownTrustee(t)
            | Reason::Duplicate(t)
            | Reason::KeyProof(t)
            | Reason::NotQualified(t) => f(&[("trustee", json!(t))]),
            Reason::CommitteeSignature(kind) => f(&[("kind", json!(kind))]),
            Reason::Attendance { present, summoned } | Reason::NoQuorum { present, summoned } => {
                f(&[("present", json!(present)), ("summoned", json!(summoned))])
            }
            Reason::TooManyCredentials { issued, present } => {
                f(&[("issued", json!(issued)), ("present", json!(present))])
            }
            Reason::BadCredential { index } => f(&[("index", json!(index))]),
            Reason::CancelUsed { index, used_by } => {
                f(&[("index", json!(index)), ("used_by", json!(used_by))])
            }
            Reason::Decryption { trustee, item } => {
                f(&[("trustee", json!(trustee)), ("item", json!(item))])
            }
            Reason::DecryptionCount {
                trustee,
                expected,
                found,
            } => f(&[
                ("trustee", json!(trustee)),
                ("expected", json!(expected)),
                ("found", json!(found)),
            ]),
            Reason::Undecryptable { candidate, option } => {
                f(&[("candidate", json!(candidate)), ("option", json!(option))])
            }
            Reason::BadAudit { candidate, option } => {
                f(&[("candidate", json!(candidate)), ("option", json!(option))])
            }
            Reason::WrongResult {
                candidate,
                published,
                decrypted,
            } => f(&[
                ("candidate", json!(candidate)),
                ("published", json!(published)),
                ("decrypted", json!(decrypted)),
            ]),
            Reason::Incomplete(phase) => f(&[("phase", json!(phase.name()))]),
            Reason::Dealing { dealer, fault } => {
                f(&[("dealer", json!(dealer)), ("fault", json!(fault))])
            }
            Reason::Complaint { dealer, complainer } => {
                f(&[("dealer", json!(dealer)), ("complainer", json!(complainer))])
            }
            Reason::TooFewQualified { qualified, needed } => {
                f(&[("qualified", json!(qualified)), ("needed", json!(needed))])
            }
        }
    }
}

impl ExclusionReason {
    /// The exclusion's name (PROTOCOL.md §6.4), normative.
    pub fn name(&self) -> &'static str {
        match self {
            ExclusionReason::OutsideVoting => "OutsideVoting",
            ExclusionReason::NotIssued => "NotIssued",
            ExclusionReason::Repeated(_) => "Repeated",
            ExclusionReason::Cancelled => "Cancelled",
            ExclusionReason::Invalid(_) => "Invalid",
        }
    }

    /// The exclusion's fields: `Repeated` has `used_by` (the line of the
    /// counted ballot with the same credential); `Invalid` has `detail`,
    /// the name of what fails, with that detail's own fields (informative,
    /// PROTOCOL.md §6.4).
    pub fn fields(&self) -> Fields {
        match self {
            ExclusionReason::OutsideVoting
            | ExclusionReason::NotIssued
            | ExclusionReason::Cancelled => f(&[]),
            ExclusionReason::Repeated(seq) => f(&[("used_by", json!(seq))]),
            ExclusionReason::Invalid(e) => invalid_detail(e),
        }
    }
}

fn invalid_detail(e: &BallotError) -> Fields {
    let detail = |name: &str| ("detail", json!(name));
    match e {
        BallotError::AnswerCount { expected, found } => f(&[
            detail("AnswerCount"),
            ("expected", json!(expected)),
            ("found", json!(found)),
        ]),
        BallotError::Decode(d) => f(&[detail("Decode"), ("message", json!(d.to_string()))]),
        BallotError::IdentityCiphertext { candidate, option } => f(&[
            detail("IdentityCiphertext"),
            ("candidate", json!(candidate)),
            ("option", json!(option)),
        ]),
        BallotError::Proof(ProofError::Signature) => f(&[detail("Signature")]),
        BallotError::Proof(ProofError::ZeroOne { candidate, option }) => f(&[
            detail("ZeroOne"),
            ("candidate", json!(candidate)),
            ("option", json!(option)),
        ]),
        // Not produced for a ballot; named for completeness.
        BallotError::Proof(p) => f(&[detail("Proof"), ("message", json!(p.to_string()))]),
    }
}

/// One exclusion as `verify --json` writes it:
/// `{"seq": n, "reason": name, "fields": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExclusionJson {
    /// The ballot's line.
    pub seq: u64,
    /// [`ExclusionReason::name`].
    pub reason: &'static str,
    /// [`ExclusionReason::fields`].
    pub fields: Fields,
}

impl From<&Exclusion> for ExclusionJson {
    fn from(e: &Exclusion) -> Self {
        ExclusionJson {
            seq: e.seq,
            reason: e.reason.name(),
            fields: e.reason.fields(),
        }
    }
}

/// One audit as `verify --json` writes it:
/// `{"seq": n, "seal": "XXXX-XXXX-XXXX-XXXX", "choices": [...]}`, each
/// choice `"high"`, `"confidence"`, `"low"` or `"none"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditJson {
    /// The audit's line.
    pub seq: u64,
    /// Its seal code.
    pub seal: String,
    /// The marks it opened to.
    pub choices: Vec<&'static str>,
}

/// A choice's name in an audit: `high`, `confidence`, `low` or `none`.
pub fn choice_name(c: Choice) -> &'static str {
    match c {
        Some(Level::High) => "high",
        Some(Level::Confidence) => "confidence",
        Some(Level::Low) => "low",
        None => "none",
    }
}

impl From<&Audit> for AuditJson {
    fn from(a: &Audit) -> Self {
        AuditJson {
            seq: a.seq,
            seal: a.seal.clone(),
            choices: a.choices.iter().map(|&c| choice_name(c)).collect(),
        }
    }
}

/// A verified log as `verify --json` writes it: every member of
/// `result.json`, in its order, then `exclusions` (all of them, in log
/// order; `[]` when there are none), then `audits` (in log order; `[]`
/// when there are none).
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedJson<'a> {
    /// The result (`result.json`).
    #[serde(flatten)]
    pub result: &'a ElectionResult,
    /// The excluded ballot entries.
    pub exclusions: Vec<ExclusionJson>,
    /// The opened ballots (PROTOCOL.md §6.3 `audit`).
    pub audits: Vec<AuditJson>,
}

impl<'a> VerifiedJson<'a> {
    /// The document for a result, its exclusions and its audits.
    pub fn new(result: &'a ElectionResult, exclusions: &[Exclusion], audits: &[Audit]) -> Self {
        VerifiedJson {
            result,
            exclusions: exclusions.iter().map(ExclusionJson::from).collect(),
            audits: audits.iter().map(AuditJson::from).collect(),
        }
    }
}

/// The failure member of `verify --json`'s answer for a log that fails.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureJson {
    /// The failing line (for `Incomplete`, the number of lines).
    pub seq: u64,
    /// [`Reason::name`].
    pub reason: &'static str,
    /// [`Reason::fields`].
    pub fields: Fields,
    /// The English message (informative).
    pub message: String,
    /// The exclusions found before the failing line, in log order.
    pub exclusions: Vec<ExclusionJson>,
}

/// A log that fails, as `verify --json` writes it: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedJson {
    /// The failure.
    pub error: FailureJson,
}

impl FailedJson {
    /// The document for a failure, with the exclusions found before it.
    pub fn new(e: &VerifyError, exclusions: &[Exclusion]) -> Self {
        FailedJson {
            error: FailureJson {
                seq: e.seq,
                reason: e.reason.name(),
                fields: e.reason.fields(),
                message: e.reason.to_string(),
                exclusions: exclusions.iter().map(ExclusionJson::from).collect(),
            },
        }
    }
}
