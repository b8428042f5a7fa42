//! The voter's audit of the page's encryption (Benaloh's challenge,
//! PROTOCOL.md §5.6, §6.3 `audit`; docs/SECURITY.md "Cast as intended").
//!
//! A voter's page seals a ballot and shows its seal code; the voter may
//! open it instead of sending it. The opening (ciphertexts, randomness,
//! marks: no credential, no proof, no name) is checked here with the log's
//! own check, kept *pending* (in the store, one item per audit under
//! [`item_key`], written alone when it comes in: nothing in it is secret,
//! the marks are those of a ballot that is never counted) and appended to the log only at the close, all pending audits sorted by
//! seal digest, just before the `close` line and in the same commit, so
//! that the order of the log cannot link an audit to the ballot its slip
//! casts a minute later. Meanwhile the server gives the voter its
//! *promise*: its signature, context `audit-promise`, on `H ‖ seal digest`.
//!
//! The request carries the public credential and its signature on the seal
//! digest (context `audit`), so that only the holder of a live slip can
//! have openings published; neither is stored nor published. A slip may
//! open at most [`AUDITS_PER_SLIP`] ballots per server run (counted in
//! memory only).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tinnhiem_core::ballot::{
    read_seal_code, seal_code, AUDIT_PROMISE_CONTEXT, AUDIT_SIGNATURE_CONTEXT,
};
use tinnhiem_core::log::{AuditBody, Entry, Payload};
use tinnhiem_core::schnorr::{PublicKey, Signature};
use tinnhiem_tally::{Phase, Tally};

use super::{phase_error, DomainError, Election, Job, LogState};
use crate::store::Item;

/// Most ballots one slip may open in one run of the server.
pub const AUDITS_PER_SLIP: u32 = 5;

/// Why an audit is refused (each with its HTTP code in [`crate::http`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditRefusal {
    /// The committee never issued this credential (`not_issued`).
    NotIssued,
    /// The committee cancelled the slip (`cancelled`).
    Cancelled,
    /// The slip has voted (`already_voted`): a voter audits before casting.
    AlreadyVoted,
    /// The credential's signature on the seal digest fails (`bad_signature`).
    BadSignature,
    /// The slip opened [`AUDITS_PER_SLIP`] ballots already (`too_many_audits`).
    TooMany,
    /// The opening has another number of candidates than the election
    /// (`bad_audit`).
    CandidateCount {
        /// The election's.
        expected: usize,
        /// The opening's.
        found: usize,
    },
    /// A ballot cast with the very ciphertexts of an opening (`audited`):
    /// its randomness is public, so it would count with its marks known;
    /// an opened ballot is never cast (a ballot refusal, not an audit's).
    Opened,
    /// A ciphertext does not open to its mark (`bad_audit`): the log's
    /// `BadAudit`.
    Bad {
        /// 0-based candidate.
        candidate: u32,
        /// 0 high, 1 confidence, 2 low.
        option: u32,
    },
}

const LEVELS_VI: [&str; 3] = ["tín nhiệm cao", "tín nhiệm", "tín nhiệm thấp"];
const LEVELS_EN: [&str; 3] = ["high confidence", "confidence", "low confidence"];

impl AuditRefusal {
    /// The stable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            AuditRefusal::NotIssued => "not_issued",
            AuditRefusal::Cancelled => "cancelled",
            AuditRefusal::AlreadyVoted => "already_voted",
            AuditRefusal::BadSignature => "bad_signature",
            AuditRefusal::TooMany => "too_many_audits",
            AuditRefusal::Opened => "audited",
            AuditRefusal::CandidateCount { .. } | AuditRefusal::Bad { .. } => "bad_audit",
        }
    }

    /// The message in Vietnamese.
    pub fn vi(&self) -> String {
        match self {
            AuditRefusal::NotIssued => {
                "Phiếu mã này không do Ban kiểm phiếu phát hành: không kiểm tra mã hoá được.".into()
            }
            AuditRefusal::Cancelled => {
                "Phiếu mã này đã bị Ban kiểm phiếu huỷ: không kiểm tra mã hoá được.".into()
            }
            AuditRefusal::AlreadyVoted => "Phiếu mã này đã được dùng để bỏ phiếu: chỉ kiểm tra \
                                           mã hoá được trước khi gửi phiếu."
                .into(),
            AuditRefusal::BadSignature => "Chữ ký của phiếu mã trên mã niêm phong không đúng: \
                                           xin tải lại trang bỏ phiếu rồi thử lại."
                .into(),
            AuditRefusal::TooMany => format!(
                "Mỗi phiếu mã chỉ được kiểm tra mã hoá tối đa {AUDITS_PER_SLIP} lần. Xin gửi phiếu."
            ),
            AuditRefusal::Opened => "Phiếu này đã được mở để kiểm tra mã hoá nên không gửi được: \
                                     xin điền lại phiếu (trang sẽ mã hoá lại)."
                .into(),
            AuditRefusal::CandidateCount { expected, found } => format!(
                "Phiếu kiểm tra có {found} người được lấy phiếu, cuộc lấy phiếu có {expected}."
            ),
            AuditRefusal::Bad { candidate, option } => format!(
                "Phiếu kiểm tra không khớp: ở người thứ {}, mức “{}”, bản mã không phải là mã hoá \
                 của lựa chọn đã nêu. Trang bỏ phiếu có thể đã bị sửa; xin báo Ban kiểm phiếu.",
                candidate + 1,
                LEVELS_VI[*option as usize % 3]
            ),
        }
    }
}

impl std::fmt::Display for AuditRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditRefusal::NotIssued => {
                f.write_str("the committee did not issue this credential: no audit")
            }
            AuditRefusal::Cancelled => f.write_str("the committee cancelled this slip: no audit"),
            AuditRefusal::AlreadyVoted => {
                f.write_str("this slip has voted: a ballot is checked before it is sent")
            }
            AuditRefusal::BadSignature => {
                f.write_str("the credential's signature on the seal digest does not verify")
            }
            AuditRefusal::TooMany => write!(
                f,
                "a slip may open at most {AUDITS_PER_SLIP} ballots: send the ballot"
            ),
            AuditRefusal::Opened => f.write_str(
                "this ballot was opened to check its encryption and cannot be cast: fill it in again",
            ),
            AuditRefusal::CandidateCount { expected, found } => write!(
                f,
                "the opening has {found} candidates, the election {expected}"
            ),
            AuditRefusal::Bad { candidate, option } => write!(
                f,
                "the opening does not match: candidate {}, level \"{}\": the ciphertext is not \
                 the encryption of the stated mark (the voting page may have been altered; \
                 tell the committee)",
                candidate + 1,
                LEVELS_EN[*option as usize % 3]
            ),
        }
    }
}

/// The audits waiting for the close, and the count of audits per slip.
#[derive(Default)]
pub(crate) struct Pending {
    /// Seal digest → opening; sorted by digest, the order of publication.
    pub audits: BTreeMap<[u8; 32], AuditBody>,
    /// Public credential → audits accepted in this run.
    pub per_slip: HashMap<[u8; 32], u32>,
    /// Seal digests of audits accepted and not yet handed to the store.
    pub unsaved: Vec<[u8; 32]>,
    /// Seal digests of audits appended to the log, whose items the store
    /// still holds.
    pub published: Vec<[u8; 32]>,
}

/// The prefix of the pending audits' keys among an election's items.
pub(crate) const ITEM_PREFIX: &[u8] = b"audit/";

/// The store item key of the pending audit with seal digest `digest`.
pub(crate) fn item_key(digest: &[u8; 32]) -> Vec<u8> {
    [ITEM_PREFIX, digest].concat()
}

impl Pending {
    /// What the writer hands to the store at its next commit: the items of
    /// the audits accepted since the last one (`(key, JSON body)`), and the
    /// keys of those the log now holds. Both lists are emptied.
    pub fn take_writes(&mut self) -> (Vec<Item>, Vec<Vec<u8>>) {
        let puts = std::mem::take(&mut self.unsaved)
            .into_iter()
            .filter_map(|d| {
                // Appended at the close in the same commit: not pending.
                let body = self.audits.get(&d)?;
                Some((
                    item_key(&d),
                    serde_json::to_vec(body).expect("an audit serializes"),
                ))
            })
            .collect();
        let removals = std::mem::take(&mut self.published)
            .iter()
            .map(item_key)
            .collect();
        (puts, removals)
    }
}

/// What [`restore`] asks of the store to put the pending audits in order.
#[derive(Default)]
pub(crate) struct Tidy {
    /// Items to write: audits of an older metadata, or stored under a key
    /// that is not their seal digest's.
    pub put: Vec<Item>,
    /// Items to remove: audits the log holds (a crash before their removal
    /// after the close), or no longer pending.
    pub remove: Vec<Vec<u8>>,
    /// The metadata carried audits and is to be written again without.
    pub migrated: bool,
}

impl Tidy {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.put.is_empty() && self.remove.is_empty() && !self.migrated
    }
}

/// The answer to an accepted audit.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AuditReceipt {
    /// The seal code, `XXXX-XXXX-XXXX-XXXX`.
    pub seal: String,
    /// The server's promise: its signature (context `audit-promise`) on
    /// the election hash followed by the seal digest, hex.
    pub promise: String,
}

/// An audit, pending or in the log (`GET /api/elections/{id}/audits/{seal}`).
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    /// The seal code.
    pub seal: String,
    /// The opening.
    pub audit: AuditBody,
    /// Its line once in the log; `null` while pending.
    pub seq: Option<u64>,
    /// The server's promise, hex.
    pub promise: String,
}

/// The state rules of an audit of `credential` with seal digest `digest`:
/// `Ok(true)` when it is pending already (a retry), `Ok(false)` when it may
/// be added.
fn admissible(
    st: &LogState,
    credential: &[u8; 32],
    digest: &[u8; 32],
) -> Result<bool, DomainError> {
    let t = &st.tally;
    if t.phase() != Phase::Voting {
        return Err(phase_error(t.phase()));
    }
    if st.pending.audits.contains_key(digest) {
        return Ok(true);
    }
    let refuse = |r| Err(DomainError::Audit(r));
    match t.credential(credential) {
        None => return refuse(AuditRefusal::NotIssued),
        Some(_) if t.is_cancelled(credential) => return refuse(AuditRefusal::Cancelled),
        Some(Some(_)) => return refuse(AuditRefusal::AlreadyVoted),
        Some(None) => {}
    }
    if st.pending.per_slip.get(credential).copied().unwrap_or(0) >= AUDITS_PER_SLIP {
        return refuse(AuditRefusal::TooMany);
    }
    Ok(false)
}

impl Election {
    /// The server's promise to publish the audit with seal digest `digest`.
    fn promise(&self, election: &[u8; 32], digest: &[u8; 32]) -> String {
        let mut m = [0u8; 64];
        m[..32].copy_from_slice(election);
        m[32..].copy_from_slice(digest);
        let sig = self
            .server_key
            .sign(AUDIT_PROMISE_CONTEXT, &m, &mut rand::rngs::OsRng);
        tinnhiem_core::encoding::hex(&sig.to_bytes())
    }

    /// A voter opens a sealed ballot (see the module documentation). The
    /// answer comes once the pending audit is durable; the same audit sent
    /// again is a success.
    pub async fn add_audit(
        &self,
        body: AuditBody,
        credential: [u8; 32],
        signature: [u8; 64],
    ) -> Result<AuditReceipt, DomainError> {
        let (hash, key, candidates) = {
            let st = self.state.lock().expect("state lock");
            let t = &st.tally;
            match (t.phase(), t.ballot_context()) {
                (Phase::Voting, Some(ctx)) => (ctx.election_hash, ctx.key, ctx.candidates),
                (p, _) => return Err(phase_error(p)),
            }
        };
        let digest = body.seal_digest(&hash);
        let signed = PublicKey::from_bytes(&credential, "credential")
            .ok()
            .zip(Signature::from_bytes(&signature).ok())
            .is_some_and(|(c, s)| s.verify(&c, AUDIT_SIGNATURE_CONTEXT, &digest).is_ok());
        if !signed {
            return Err(DomainError::Audit(AuditRefusal::BadSignature));
        }
        let retry = {
            let st = self.state.lock().expect("state lock");
            admissible(&st, &credential, &digest)?
        };
        if !retry {
            if body.choices.len() != candidates as usize {
                return Err(DomainError::Audit(AuditRefusal::CandidateCount {
                    expected: candidates as usize,
                    found: body.choices.len(),
                }));
            }
            // The log's own check (PROTOCOL.md §6.3 `audit`), outside the
            // lock: 6 scalar multiplications per candidate.
            body.check(&key).map_err(|e| {
                DomainError::Audit(AuditRefusal::Bad {
                    candidate: e.candidate,
                    option: e.option,
                })
            })?;
            let mut st = self.state.lock().expect("state lock");
            // Checked again: the close or the slip's ballot may have come
            // in meanwhile.
            if !admissible(&st, &credential, &digest)? {
                st.pending.audits.insert(digest, body);
                *st.pending.per_slip.entry(credential).or_insert(0) += 1;
                st.pending.unsaved.push(digest);
            }
        }
        // Durable before the answer (a retry waits too: the first request
        // may still be on its way to the disk).
        self.submit(Job::Sync).await?;
        Ok(AuditReceipt {
            seal: seal_code(&digest),
            promise: self.promise(&hash, &digest),
        })
    }

    /// An audit by its seal code (dashes optional, any case): pending, or
    /// in the durable log.
    pub fn audit(&self, code: &str) -> Option<AuditView> {
        let code = read_seal_code(code)?;
        let st = self.state.lock().expect("state lock");
        let hash = st.tally.election_hash()?;
        if let Some((digest, body)) = st.pending.audits.iter().find(|(d, _)| seal_code(d) == code) {
            return Some(AuditView {
                seal: code,
                audit: body.clone(),
                seq: None,
                promise: self.promise(&hash, digest),
            });
        }
        let a = st
            .tally
            .audits()
            .iter()
            .find(|a| a.seal == code && (a.seq as usize) < st.durable)?;
        let line = st.lines[a.seq as usize].clone();
        let digest = a.seal_digest;
        let seq = a.seq;
        drop(st);
        match tinnhiem_core::log::parse_line(&line) {
            Ok(Entry {
                payload: Payload::Audit(body),
                ..
            }) => Some(AuditView {
                seal: code,
                audit: body,
                seq: Some(seq),
                promise: self.promise(&hash, &digest),
            }),
            _ => None,
        }
    }
}

/// Refuses a ballot whose ciphertexts a pending audit opened
/// ([`AuditRefusal::Opened`]).
pub(crate) fn not_opened(
    st: &LogState,
    ballot: &tinnhiem_core::ballot::Ballot,
) -> Result<(), DomainError> {
    if st.pending.audits.is_empty() {
        return Ok(());
    }
    let Some(hash) = st.tally.election_hash() else {
        return Ok(());
    };
    if st.pending.audits.contains_key(&ballot.seal_digest(&hash)) {
        return Err(DomainError::Audit(AuditRefusal::Opened));
    }
    Ok(())
}

/// Whether `close` would be accepted at the end of the log as it is
/// (voting, the member's signature valid for the current anchor): checked
/// before the pending audits are appended ahead of it, so that a refused
/// close leaves them pending.
pub(crate) fn close_verifies(t: &Tally, close: &Payload) -> bool {
    let (Phase::Voting, Some(hash)) = (t.phase(), t.election_hash()) else {
        return false;
    };
    let Some((context, message, signer, sig)) = close.statement(&hash, &t.anchor()) else {
        return false;
    };
    let Some(key) = t.trustee_keys().get(signer as usize).copied().flatten() else {
        return false;
    };
    Signature::from_bytes(&sig.0).is_ok_and(|s| s.verify(&key, context, &message).is_ok())
}

/// Restores the pending audits after the log of election `id` was
/// replayed, from the store's `items` (under [`ITEM_PREFIX`]) and the
/// `legacy` audits of an older metadata: only while voting, and none the
/// log already holds. Also says what to write so that the store then holds
/// exactly the pending audits, one item each.
pub(crate) fn restore(
    id: &str,
    t: &Tally,
    items: &[Item],
    legacy: Vec<AuditBody>,
) -> Result<(Pending, Tidy), DomainError> {
    let mut stored = Vec::with_capacity(items.len());
    for (key, value) in items {
        let body: AuditBody = serde_json::from_slice(value).map_err(|e| {
            DomainError::Storage(format!("election {id}: a pending audit is damaged: {e}"))
        })?;
        stored.push((key.as_slice(), body));
    }
    let mut p = Pending::default();
    let mut tidy = Tidy {
        migrated: !legacy.is_empty(),
        ..Tidy::default()
    };
    let hash = t.election_hash();
    let voting = t.phase() == Phase::Voting;
    let from_meta = legacy.into_iter().map(|a| (None, a));
    for (key, body) in stored
        .into_iter()
        .map(|(k, a)| (Some(k), a))
        .chain(from_meta)
    {
        let keep = match hash {
            Some(hash) if voting => {
                let d = body.seal_digest(&hash);
                let logged = t.audits().iter().any(|l| l.seal_digest == d);
                (!logged).then_some(d)
            }
            _ => None,
        };
        match (keep, key) {
            (Some(d), Some(k)) if k == item_key(&d) => {
                p.audits.insert(d, body);
            }
            (Some(d), k) => {
                tidy.remove.extend(k.map(<[u8]>::to_vec));
                if let std::collections::btree_map::Entry::Vacant(v) = p.audits.entry(d) {
                    tidy.put.push((
                        item_key(&d),
                        serde_json::to_vec(&body).expect("an audit serializes"),
                    ));
                    v.insert(body);
                }
            }
            (None, k) => tidy.remove.extend(k.map(<[u8]>::to_vec)),
        }
    }
    // An item both removed (a wrong key) and written (its right key) is
    // never the same key: the right key would have matched above.
    Ok((p, tidy))
}
