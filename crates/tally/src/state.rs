//! The log's state machine: what each entry may be, given what came before
//! (PROTOCOL.md §6). [`Tally::push`] checks one line completely; the batch
//! path of [`crate::verify_log`] hands it lines whose signatures and proofs it
//! has already checked.

use std::collections::{BTreeMap, BTreeSet};

use rand_core::CryptoRngCore;
use tinnhiem_core::ballot::{seal_code, Ballot, BallotError, Choice, ElectionContext};
use tinnhiem_core::batch::BatchVerifier;
use tinnhiem_core::dkg::{
    self, adjudicate, lagrange_at_zero, Complaint, Dealing, DealingFault, DkgError, Params,
    ThresholdPublic, Verdict, VerifiedDealing,
};
use tinnhiem_core::elgamal::{small_dlog, Ciphertext};
use tinnhiem_core::encoding::{hex, point};
use tinnhiem_core::log::{
    check_election, entry_hash, is_anchor, parse_line, server_message, shares_ok_message,
    ElectionBody, Entry, Payload, Refused, SERVER_ENTRY_CONTEXT, SHARES_OK_CONTEXT,
};
use tinnhiem_core::proofs::{DecryptionContext, DecryptionProof};
use tinnhiem_core::rules::quorum_met;
use tinnhiem_core::schnorr::{PublicKey, Signature};
use tinnhiem_core::trustee::{combine, key_proof_message, split_share, KEY_PROOF_CONTEXT};
use tinnhiem_core::{DecodeError, RistrettoPoint};

use crate::result::{CandidateResult, ElectionResult, QuorumResult};

/// The phase the log is in after the entries read so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing read yet.
    Empty,
    /// Set-up: key ceremony, attendance, credentials.
    Setup,
    /// Voting is open.
    Voting,
    /// Voting closed; decryption under way.
    Closed,
    /// The result is published; nothing may follow.
    Done,
}

/// Why an entry makes the log fail (PROTOCOL.md §6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// The line does not decode or is not canonical.
    #[error("malformed entry: {0}")]
    Malformed(#[from] DecodeError),
    /// `seq` is not the line's position.
    #[error("sequence number {found} where {expected} was expected (a line was dropped, added or moved)")]
    Sequence {
        /// The line's position.
        expected: u64,
        /// The `seq` it carries.
        found: u64,
    },
    /// `prev` is not the hash of the previous line.
    #[error("prev does not match the hash of the previous line (the chain is broken)")]
    Chain,
    /// The server's signature on the line fails.
    #[error("the server's signature on this line does not verify (the line was changed)")]
    ServerSignature,
    /// An entry of a kind that may not appear here.
    #[error("a {kind} entry may not appear in phase {phase:?}")]
    OutOfPhase {
        /// The entry's kind.
        kind: &'static str,
        /// The phase the log was in.
        phase: Phase,
    },
    /// A trustee index that does not exist or has no key yet.
    #[error("trustee {0} does not exist or has not published a key")]
    UnknownTrustee(u32),
    /// A trustee published twice.
    #[error("trustee {0} already published this")]
    Duplicate(u32),
    /// A trustee's proof of knowledge fails.
    #[error("trustee {0}: proof of knowledge of the key share does not verify")]
    KeyProof(u32),
    /// A committee signature fails: changed content, a signer outside the
    /// committee, or a statement signed for another place in the log (its
    /// anchor, PROTOCOL.md §5.3: a replayed statement).
    #[error("the committee member's signature on this {0} entry does not verify at this place in the log")]
    CommitteeSignature(&'static str),
    /// The election key is not the sum of the shares, or comes too early.
    #[error("the election key is not the sum of all published key shares")]
    ElectionKey,
    /// Attendance larger than the people summoned.
    #[error("present ({present}) exceeds summoned ({summoned})")]
    Attendance {
        /// Present.
        present: u32,
        /// Summoned.
        summoned: u32,
    },
    /// Voting opened without a quorum (R2) or without attendance.
    #[error("voting opened without the quorum of R2 (present {present} of {summoned})")]
    NoQuorum {
        /// Present.
        present: u32,
        /// Summoned.
        summoned: u32,
    },
    /// More credentials than people present (R3).
    #[error("{issued} credentials issued for {present} people present")]
    TooManyCredentials {
        /// Issued so far.
        issued: u64,
        /// Present.
        present: u32,
    },
    /// A public credential that is invalid or issued twice.
    #[error("credential {index} of this entry is invalid or was already issued")]
    BadCredential {
        /// Index within the entry.
        index: usize,
    },
    /// A `cancel` entry names a credential that a counted ballot has used:
    /// a slip that voted cannot be cancelled.
    #[error("credential {index} of this entry was used by the ballot at entry {used_by} and cannot be cancelled")]
    CancelUsed {
        /// Index within the entry.
        index: usize,
        /// The line of the counted ballot that used it.
        used_by: u64,
    },
    /// A partial decryption of the wrong size or with a failing proof.
    #[error("trustee {trustee}: partial decryption {item} does not verify")]
    Decryption {
        /// Trustee.
        trustee: u32,
        /// Item (candidate * 3 + option).
        item: u32,
    },
    /// The partial decryptions have the wrong count.
    #[error("trustee {trustee}: {found} partial decryptions for {expected} totals")]
    DecryptionCount {
        /// Trustee.
        trustee: u32,
        /// Expected.
        expected: usize,
        /// Found.
        found: usize,
    },
    /// The result came before every trustee's decryption.
    #[error("the result was published before every trustee's partial decryption")]
    ResultTooEarly,
    /// A decrypted total is out of range (the decryptions are inconsistent).
    #[error("candidate {candidate}, option {option}: the decrypted total is not a count of at most the ballots returned")]
    Undecryptable {
        /// Candidate.
        candidate: usize,
        /// Option.
        option: usize,
    },
    /// The published counts differ from the decryption. When the entry has
    /// fewer or more rows than there are candidates, `candidate` is the first
    /// row only one side has, and the other side is `None` (no row).
    #[error("the published counts differ from the decrypted totals: candidate {candidate} published {}, decrypted {}", row(.published), row(.decrypted))]
    WrongResult {
        /// Candidate.
        candidate: usize,
        /// What the entry says (`None`: the entry has no row for it).
        published: Option<[u64; 3]>,
        /// What the decryption gives (`None`: there is no such candidate).
        decrypted: Option<[u64; 3]>,
    },
    /// The log stops before the result.
    #[error("the log ends in phase {0:?}, before the result was published")]
    Incomplete(Phase),
    /// A dealing that fails its public checks (PROTOCOL.md §10.5).
    #[error("member {dealer}: the dealing fails its public check {fault}")]
    Dealing {
        /// The dealer.
        dealer: u32,
        /// The failing check's name (§10.5).
        fault: &'static str,
    },
    /// A complaint that is not upheld (PROTOCOL.md §6.3 `complaint`).
    #[error("member {complainer}'s complaint against member {dealer}'s dealing is not upheld")]
    Complaint {
        /// The dealer complained about.
        dealer: u32,
        /// The complaining member.
        complainer: u32,
    },
    /// A partial decryption or a committee statement by a member
    /// disqualified as a dealer.
    #[error("member {0} was disqualified in the key ceremony and may not decrypt or sign")]
    NotQualified(u32),
    /// Fewer than `t` dealers qualified: the election key cannot be made.
    #[error("only {qualified} dealers qualified where {needed} are needed")]
    TooFewQualified {
        /// Qualified dealers.
        qualified: u32,
        /// The threshold `t`.
        needed: u32,
    },
    /// An `audit` entry whose ciphertext is not the encryption of the
    /// stated mark with the stated randomness (PROTOCOL.md §6.3 `audit`):
    /// the first such ciphertext.
    #[error("audit: candidate {candidate}, option {option}: the ciphertext is not the encryption of the stated mark with the stated randomness")]
    BadAudit {
        /// 0-based candidate index.
        candidate: u32,
        /// 0 high, 1 confidence, 2 low.
        option: u32,
    },
}

/// An opened ballot the log publishes (PROTOCOL.md §6.3 `audit`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// Its line.
    pub seq: u64,
    /// Its seal digest (PROTOCOL.md §5.6).
    pub seal_digest: [u8; 32],
    /// The seal code, `XXXX-XXXX-XXXX-XXXX`.
    pub seal: String,
    /// The marks its ciphertexts encrypt.
    pub choices: Vec<Choice>,
}

/// The name of a dealing's failing public check (PROTOCOL.md §10.5).
fn fault_name(f: &DealingFault) -> &'static str {
    match f {
        DealingFault::Missing => "Missing",
        DealingFault::Malformed(_) => "Malformed",
        DealingFault::Header => "Header",
        DealingFault::Commitment { .. } => "Commitment",
        DealingFault::ZeroConstant => "ZeroConstant",
        DealingFault::CoefficientProof => "CoefficientProof",
        DealingFault::Ephemeral => "Ephemeral",
        DealingFault::EphemeralProof => "EphemeralProof",
        DealingFault::Signature => "Signature",
        DealingFault::Complaint { .. } => "Complaint",
    }
}

/// A row of counts as the messages print it: `[high, confidence, low]`, or
/// `no row`.
fn row(r: &Option<[u64; 3]>) -> String {
    match r {
        Some(c) => format!("{c:?}"),
        None => "no row".into(),
    }
}

/// A failure: the first entry at which the log is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entry {seq}: {reason}")]
pub struct VerifyError {
    /// The line's position (0-based); for an incomplete log, the position of
    /// the missing line.
    pub seq: u64,
    /// What is wrong.
    pub reason: Reason,
}

/// Why a ballot entry is not counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExclusionReason {
    /// Cast before voting opened or after it closed.
    #[error("cast outside the voting window")]
    OutsideVoting,
    /// The credential was never issued by the committee (a forgery, R5).
    #[error("credential not issued by the counting committee (forged, R5)")]
    NotIssued,
    /// The credential already cast a counted ballot.
    #[error("credential already used by the ballot at entry {0}")]
    Repeated(u64),
    /// The committee cancelled the credential (a `cancel` entry) before
    /// this ballot.
    #[error("credential cancelled by the counting committee")]
    Cancelled,
    /// The signature or a proof fails, or the shape is wrong.
    #[error("invalid ballot: {0}")]
    Invalid(BallotError),
}

/// A ballot entry left out of the count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The entry's position.
    pub seq: u64,
    /// Why.
    pub reason: ExclusionReason,
}

/// What became of a pushed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// The entry is part of the election (a ballot is counted).
    Accepted,
    /// A ballot entry that is not counted.
    Excluded(ExclusionReason),
}

/// Checks done ahead of time by the batch path.
pub(crate) struct Prechecked {
    /// The decoded entry.
    pub entry: Entry,
    /// The server signature was verified.
    pub server_sig: bool,
    /// For a ballot whose signature and proofs were verified: its ciphertexts.
    pub ballot: Option<Vec<[Ciphertext; 3]>>,
}

/// What the state machine needs of a ballot line checked elsewhere
/// ([`Tally::apply_counted`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CountedBallot {
    /// The line's `seq`.
    pub seq: u64,
    /// The line's `prev`.
    pub prev: [u8; 32],
    /// The line's entry hash.
    pub hash: [u8; 32],
    /// The ballot's public credential.
    pub credential: [u8; 32],
}

struct Election {
    body: ElectionBody,
    hash: [u8; 32],
    server_key: PublicKey,
}

/// The threshold ceremony's state (PROTOCOL.md §6.1, `threshold` present).
struct Ceremony {
    params: Params,
    /// Each member's dealing bytes, once published.
    dealings: Vec<Option<Vec<u8>>>,
    /// The same, checked.
    verified: Vec<Option<VerifiedDealing>>,
    /// The upheld complaints, in log order.
    complaints: Vec<Complaint>,
    /// Entry hash of the line of the last dealing, once every member dealt.
    dealings_hash: Option<[u8; 32]>,
    /// Which members have posted `shares_ok`.
    shares_ok: Vec<bool>,
    /// `Q`, `Y` and every `Y_j`, once the election key is published.
    public: Option<ThresholdPublic>,
}

/// The counting committee as the lines read so far show it: what
/// `tinnhiem verify` prints beside the result (informative, PROTOCOL.md
/// §7.6; every fact follows from line 0, the `complaint` and the
/// `decryption` lines).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Committee {
    /// The members' names from line 0, in member order (`n` of them).
    pub members: Vec<String>,
    /// `t`, the members needed to decrypt: line 0's `threshold`, or `n` for
    /// an n-of-n log.
    pub threshold: u32,
    /// Whether line 0 has `threshold` (the threshold ceremony, §5.4).
    pub threshold_ceremony: bool,
    /// Under the threshold ceremony, once every member has dealt: the
    /// qualified members `Q` (§10.8), in member order.
    pub qualified: Option<Vec<u32>>,
    /// The members whose partial decryption is in the log, in member order.
    pub decrypted_by: Vec<u32>,
}

/// The verifier's state after the lines pushed so far.
pub struct Tally {
    next_seq: u64,
    head: [u8; 32],
    /// Entry hash of the last line read that is not a ballot: what the next
    /// committee statement signs (PROTOCOL.md §5.3).
    anchor: [u8; 32],
    phase: Phase,
    election: Option<Election>,
    trustee_keys: Vec<Option<PublicKey>>,
    election_key: Option<PublicKey>,
    present: Option<u32>,
    /// Public credential → the entry of the ballot that used it, if any.
    credentials: BTreeMap<[u8; 32], Option<u64>>,
    /// Every credential ever issued, cancelled ones included.
    issued: u64,
    /// Public credentials cancelled by a `cancel` entry.
    cancelled: BTreeSet<[u8; 32]>,
    returned: u64,
    totals: Vec<Ciphertext>,
    excluded: Vec<Exclusion>,
    refused: Refused,
    decryptions: Vec<Option<Vec<RistrettoPoint>>>,
    counts: Option<Vec<[u64; 3]>>,
    ceremony: Option<Ceremony>,
    audits: Vec<Audit>,
}

impl Default for Tally {
    fn default() -> Self {
        Self::new()
    }
}

fn fail<T>(seq: u64, reason: Reason) -> Result<T, VerifyError> {
    Err(VerifyError { seq, reason })
}

impl Tally {
    /// A verifier that has read nothing.
    pub fn new() -> Self {
        Tally {
            next_seq: 0,
            head: [0; 32],
            anchor: [0; 32],
            phase: Phase::Empty,
            election: None,
            trustee_keys: Vec::new(),
            election_key: None,
            present: None,
            credentials: BTreeMap::new(),
            issued: 0,
            cancelled: BTreeSet::new(),
            returned: 0,
            totals: Vec::new(),
            excluded: Vec::new(),
            refused: Refused::default(),
            decryptions: Vec::new(),
            counts: None,
            ceremony: None,
            audits: Vec::new(),
        }
    }

    /// The phase after the lines read so far.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Entry hash of the last line read (zeros before any).
    pub fn head(&self) -> [u8; 32] {
        self.head
    }

    /// The anchor of the next committee statement: the entry hash of the
    /// last line read whose kind is not `ballot` (zeros before any line).
    pub fn anchor(&self) -> [u8; 32] {
        self.anchor
    }

    /// Number of lines read.
    pub fn len(&self) -> u64 {
        self.next_seq
    }

    /// True before any line.
    pub fn is_empty(&self) -> bool {
        self.next_seq == 0
    }

    /// Line 0's election, once read.
    pub fn election(&self) -> Option<&ElectionBody> {
        self.election.as_ref().map(|e| &e.body)
    }

    /// The election hash, once line 0 is read.
    pub fn election_hash(&self) -> Option<[u8; 32]> {
        self.election.as_ref().map(|e| e.hash)
    }

    /// The context every ballot is bound to, once the election key is known.
    pub fn ballot_context(&self) -> Option<ElectionContext> {
        let e = self.election.as_ref()?;
        Some(ElectionContext {
            election_hash: e.hash,
            key: self.election_key?,
            candidates: e.body.candidates.len() as u32,
        })
    }

    /// The server's key for this log, once line 0 is read.
    pub fn server_key(&self) -> Option<PublicKey> {
        self.election.as_ref().map(|e| e.server_key)
    }

    /// Published key shares, by trustee (`None` until published).
    pub fn trustee_keys(&self) -> &[Option<PublicKey>] {
        &self.trustee_keys
    }

    /// Whether this public credential was issued, and by which entry's
    /// ballot it was used: `None` if never issued, `Some(None)` if unused.
    pub fn credential(&self, c: &[u8; 32]) -> Option<Option<u64>> {
        self.credentials.get(c).copied()
    }

    /// The encrypted totals, item `3·candidate + option` (what the trustees
    /// decrypt).
    pub fn totals(&self) -> &[Ciphertext] {
        &self.totals
    }

    /// Credentials issued so far and not cancelled: the slips that may
    /// vote (R3 bounds them by the people present).
    pub fn issued(&self) -> u64 {
        self.issued - self.cancelled.len() as u64
    }

    /// Credentials cancelled so far (`cancel` entries).
    pub fn cancelled(&self) -> u64 {
        self.cancelled.len() as u64
    }

    /// Whether the committee cancelled this public credential.
    pub fn is_cancelled(&self, c: &[u8; 32]) -> bool {
        self.cancelled.contains(c)
    }

    /// The credential checks of §6.4 (steps 2, 3 and the cancellation),
    /// in their order.
    fn credential_usable(&self, c: &[u8; 32]) -> Result<(), ExclusionReason> {
        match self.credentials.get(c) {
            None => Err(ExclusionReason::NotIssued),
            Some(_) if self.cancelled.contains(c) => Err(ExclusionReason::Cancelled),
            Some(Some(used)) => Err(ExclusionReason::Repeated(*used)),
            Some(None) => Ok(()),
        }
    }

    /// Ballots counted so far.
    pub fn returned(&self) -> u64 {
        self.returned
    }

    /// Attendance recorded (latest).
    pub fn present(&self) -> Option<u32> {
        self.present
    }

    /// Under the threshold ceremony, once the election key is published:
    /// the qualified members, `Y` and every member's verification key.
    pub fn threshold_public(&self) -> Option<&ThresholdPublic> {
        self.ceremony.as_ref()?.public.as_ref()
    }

    /// The threshold ceremony's parameters (`None` for an n-of-n log).
    pub fn threshold_params(&self) -> Option<Params> {
        self.ceremony.as_ref().map(|c| c.params)
    }

    /// Under the threshold ceremony: each member's dealing bytes as
    /// published (`None` for a member that has not dealt yet).
    pub fn dealings(&self) -> Option<&[Option<Vec<u8>>]> {
        self.ceremony.as_ref().map(|c| c.dealings.as_slice())
    }

    /// Under the threshold ceremony: the upheld complaints, in log order.
    pub fn complaints(&self) -> &[Complaint] {
        self.ceremony
            .as_ref()
            .map_or(&[], |c| c.complaints.as_slice())
    }

    /// Under the threshold ceremony: whether an upheld complaint names
    /// `member` as its dealer (it is out of `Q`, signs and decrypts
    /// nothing, and draws no further complaint; PROTOCOL.md §5.3, §6.3).
    /// Always false for an n-of-n log.
    pub fn disqualified(&self, member: u32) -> bool {
        self.complaints().iter().any(|c| c.dealer == member)
    }

    /// Under the threshold ceremony: which members have posted `shares_ok`.
    pub fn shares_ok(&self) -> Option<&[bool]> {
        self.ceremony.as_ref().map(|c| c.shares_ok.as_slice())
    }

    /// Under the threshold ceremony, once every member has dealt: the entry
    /// hash of the last dealing's line, `D` (what `shares_ok` signs).
    pub fn dealings_hash(&self) -> Option<[u8; 32]> {
        self.ceremony.as_ref()?.dealings_hash
    }

    /// Under the threshold ceremony, once every member has dealt: the
    /// qualification of PROTOCOL.md §10.8 from the dealings and the upheld
    /// complaints so far (recomputed; the dealings are checked again).
    pub fn qualification(&self) -> Option<dkg::Qualification> {
        let c = self.ceremony.as_ref()?;
        c.dealings_hash?;
        let hash = self.election.as_ref()?.hash;
        let keys: Vec<PublicKey> = self.trustee_keys.iter().flatten().copied().collect();
        let dealings: Vec<Option<&[u8]>> = c.dealings.iter().map(|d| d.as_deref()).collect();
        dkg::qualify(&c.params, &hash, &keys, &dealings, &c.complaints).ok()
    }

    /// The committee's facts after the lines read so far ([`Committee`]).
    pub fn committee(&self) -> Committee {
        let Some(e) = self.election.as_ref() else {
            return Committee::default();
        };
        let members = e.body.trustees.clone();
        let params = self.threshold_params();
        let qualified = match self.threshold_public() {
            Some(p) => Some(p.qualified().to_vec()),
            None => self.qualification().map(|q| q.qualified()),
        };
        Committee {
            threshold: params.map_or(members.len() as u32, |p| p.t()),
            threshold_ceremony: params.is_some(),
            members,
            qualified,
            decrypted_by: (0..)
                .zip(&self.decryptions)
                .filter(|(_, d)| d.is_some())
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// Which trustees have published their partial decryption.
    pub fn decrypted_by(&self) -> Vec<bool> {
        self.decryptions.iter().map(Option::is_some).collect()
    }

    /// Ballot entries left out so far.
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.excluded
    }

    /// The audits read so far, in log order.
    pub fn audits(&self) -> &[Audit] {
        &self.audits
    }

    /// The decrypted counts, once published.
    pub fn counts(&self) -> Option<&[[u64; 3]]> {
        self.counts.as_deref()
    }

    /// Checks one line completely and adds it to the state. On a failure the
    /// state is left unchanged.
    pub fn push(
        &mut self,
        line: &[u8],
        rng: &mut impl CryptoRngCore,
    ) -> Result<Pushed, VerifyError> {
        let seq = self.next_seq;
        let entry = parse_line(line).map_err(|e| VerifyError {
            seq,
            reason: Reason::Malformed(e),
        })?;
        self.apply(
            line,
            Prechecked {
                entry,
                server_sig: false,
                ballot: None,
            },
            rng,
        )
    }

    /// Computes, without changing the state, what pushing a ballot would
    /// give: the server's check before it appends a ballot.
    pub fn check_ballot(
        &self,
        ballot: &Ballot,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<[Ciphertext; 3]>, ExclusionReason> {
        self.ballot_admissible(ballot)?;
        let ctx = self
            .ballot_context()
            .ok_or(ExclusionReason::OutsideVoting)?;
        ballot.verify(&ctx, rng).map_err(ExclusionReason::Invalid)
    }

    /// The state checks of a ballot (phase, issued, not used), without its
    /// signature and proofs: the server runs these under its append lock after
    /// verifying the proofs outside it.
    pub fn ballot_admissible(&self, ballot: &Ballot) -> Result<(), ExclusionReason> {
        if self.phase != Phase::Voting {
            return Err(ExclusionReason::OutsideVoting);
        }
        self.credential_usable(&ballot.credential)
    }

    /// For the server: adds a line it has just sealed itself, skipping the
    /// check of its own signature and, for a ballot whose signature and
    /// proofs it has verified, their check (`ballot` holds the ciphertexts
    /// that verification returned). Every other rule is checked as in
    /// [`Tally::push`].
    pub fn push_sealed(
        &mut self,
        line: &[u8],
        entry: Entry,
        ballot: Option<Vec<[Ciphertext; 3]>>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Pushed, VerifyError> {
        self.apply(
            line,
            Prechecked {
                entry,
                server_sig: true,
                ballot,
            },
            rng,
        )
    }

    /// Adds a line whose decoding (and perhaps signatures) was done already.
    pub(crate) fn apply(
        &mut self,
        line: &[u8],
        pre: Prechecked,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Pushed, VerifyError> {
        let seq = self.next_seq;
        let Prechecked {
            entry,
            server_sig,
            ballot,
        } = pre;
        if entry.seq != seq {
            return fail(
                seq,
                Reason::Sequence {
                    expected: seq,
                    found: entry.seq,
                },
            );
        }
        if entry.prev != self.head {
            return fail(seq, Reason::Chain);
        }
        let is_election = matches!(entry.payload, Payload::Election(_));
        if (seq == 0) != is_election {
            return fail(
                seq,
                Reason::OutOfPhase {
                    kind: entry.payload.kind(),
                    phase: self.phase,
                },
            );
        }
        if self.phase == Phase::Done {
            return fail(
                seq,
                Reason::OutOfPhase {
                    kind: entry.payload.kind(),
                    phase: self.phase,
                },
            );
        }
        // The server's key comes from line 0 itself.
        let server_key = match (&entry.payload, &self.election) {
            (Payload::Election(b), _) => PublicKey::from_bytes(&b.server_key.0, "server_key")
                .map_err(|e| VerifyError {
                    seq,
                    reason: Reason::Malformed(e),
                })?,
            (_, Some(e)) => e.server_key,
            (_, None) => unreachable!("line 0 is the election"),
        };
        if !server_sig {
            let msg = server_message(line).ok_or(VerifyError {
                seq,
                reason: Reason::ServerSignature,
            })?;
            entry
                .server_sig
                .verify(&server_key, SERVER_ENTRY_CONTEXT, &msg)
                .map_err(|_| VerifyError {
                    seq,
                    reason: Reason::ServerSignature,
                })?;
        }
        let moves_anchor = is_anchor(&entry.payload);
        let outcome = self.apply_payload(seq, line, entry.payload, ballot, rng)?;
        if let Pushed::Excluded(reason) = &outcome {
            self.excluded.push(Exclusion {
                seq,
                reason: reason.clone(),
            });
        }
        self.next_seq += 1;
        self.head = entry_hash(line);
        if moves_anchor {
            self.anchor = self.head;
        }
        Ok(outcome)
    }

    /// Adds a run of ballot lines that a worker has decoded and batch-checked
    /// (server signatures, ballot signatures and proofs), given what
    /// [`Tally::apply`] needs of them and the sum of their ciphertexts.
    /// Commits only if every line would be accepted as [`Tally::apply`]
    /// accepts it (position, chain, voting phase, a usable credential used
    /// once); otherwise changes nothing and returns false, and the caller
    /// checks the lines one at a time, which names the failing line or the
    /// exclusion.
    pub(crate) fn apply_counted(&mut self, ballots: &[CountedBallot], sums: &[Ciphertext]) -> bool {
        if self.phase != Phase::Voting || sums.len() != self.totals.len() || ballots.is_empty() {
            return false;
        }
        let (mut seq, mut head) = (self.next_seq, self.head);
        let mut seen = BTreeSet::new();
        for b in ballots {
            if b.seq != seq
                || b.prev != head
                || self.credential_usable(&b.credential).is_err()
                || !seen.insert(b.credential)
            {
                return false;
            }
            seq += 1;
            head = b.hash;
        }
        for b in ballots {
            self.credentials.insert(b.credential, Some(b.seq));
        }
        for (total, sum) in self.totals.iter_mut().zip(sums) {
            *total = total.add(sum);
        }
        self.returned += ballots.len() as u64;
        self.next_seq = seq;
        self.head = head;
        true
    }

    fn check_signer(&self, seq: u64, payload: &Payload) -> Result<(), VerifyError> {
        let e = self.election.as_ref().expect("after line 0");
        let (context, message, signer, sig) = payload
            .statement(&e.hash, &self.anchor)
            .expect("a committee statement");
        let key = self
            .trustee_keys
            .get(signer as usize)
            .copied()
            .flatten()
            .ok_or(VerifyError {
                seq,
                reason: Reason::UnknownTrustee(signer),
            })?;
        let bad = VerifyError {
            seq,
            reason: Reason::CommitteeSignature(context),
        };
        let sig = Signature::from_bytes(&sig.0).map_err(|_| bad.clone())?;
        sig.verify(&key, context, &message).map_err(|_| bad)?;
        // A member disqualified in the key ceremony signs nothing more
        // (§5.3, §10.8): its dealing drew an upheld complaint.
        if self.disqualified(signer) {
            return fail(seq, Reason::NotQualified(signer));
        }
        Ok(())
    }

    fn apply_payload(
        &mut self,
        seq: u64,
        line: &[u8],
        payload: Payload,
        ballot_cts: Option<Vec<[Ciphertext; 3]>>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Pushed, VerifyError> {
        let out_of_phase = |kind, phase| fail(seq, Reason::OutOfPhase { kind, phase });
        let kind = payload.kind();
        let malformed = |e: DecodeError| VerifyError {
            seq,
            reason: Reason::Malformed(e),
        };
        match payload {
            Payload::Election(body) => {
                check_election(&body).map_err(malformed)?;
                let server_key =
                    PublicKey::from_bytes(&body.server_key.0, "server_key").map_err(malformed)?;
                let n = body.trustees.len();
                self.ceremony = body.threshold.map(|t| Ceremony {
                    params: Params::new(n as u32, t).expect("checked by check_election"),
                    dealings: vec![None; n],
                    verified: vec![None; n],
                    complaints: Vec::new(),
                    dealings_hash: None,
                    shares_ok: vec![false; n],
                    public: None,
                });
                self.trustee_keys = vec![None; n];
                self.decryptions = vec![None; n];
                self.totals = vec![Ciphertext::zero(); 3 * body.candidates.len()];
                self.election = Some(Election {
                    body,
                    hash: entry_hash(line),
                    server_key,
                });
                self.phase = Phase::Setup;
            }
            Payload::TrusteeKey(b) => {
                if self.phase != Phase::Setup || self.election_key.is_some() {
                    return out_of_phase(kind, self.phase);
                }
                let slot = self
                    .trustee_keys
                    .get(b.trustee as usize)
                    .ok_or(VerifyError {
                        seq,
                        reason: Reason::UnknownTrustee(b.trustee),
                    })?;
                if slot.is_some() {
                    return fail(seq, Reason::Duplicate(b.trustee));
                }
                let bad = VerifyError {
                    seq,
                    reason: Reason::KeyProof(b.trustee),
                };
                let key = PublicKey::from_bytes(&b.key.0, "key").map_err(malformed)?;
                let proof = Signature::from_bytes(&b.proof.0).map_err(|_| bad.clone())?;
                let hash = self.election.as_ref().expect("after line 0").hash;
                proof
                    .verify(
                        &key,
                        KEY_PROOF_CONTEXT,
                        &key_proof_message(&hash, b.trustee),
                    )
                    .map_err(|_| bad)?;
                self.trustee_keys[b.trustee as usize] = Some(key);
            }
            Payload::ElectionKey(b) if self.ceremony.is_some() => {
                if self.phase != Phase::Setup || self.election_key.is_some() {
                    return out_of_phase(kind, self.phase);
                }
                let hash = self.election.as_ref().expect("after line 0").hash;
                let c = self.ceremony.as_mut().expect("threshold");
                if !c.shares_ok.iter().all(|ok| *ok) {
                    return fail(seq, Reason::ElectionKey);
                }
                let keys: Vec<PublicKey> = self.trustee_keys.iter().flatten().copied().collect();
                let dealings: Vec<Option<&[u8]>> =
                    c.dealings.iter().map(|d| d.as_deref()).collect();
                let public = dkg::qualify(&c.params, &hash, &keys, &dealings, &c.complaints)
                    .and_then(|q| q.public());
                let public = match public {
                    Ok(p) => p,
                    Err(DkgError::TooFewQualified { qualified, needed }) => {
                        return fail(seq, Reason::TooFewQualified { qualified, needed })
                    }
                    // Σ A_i0 is the identity: only the identity's encoding
                    // would match, and it is no public point.
                    Err(_) if b.key.0 == [0; 32] => {
                        PublicKey::from_bytes(&b.key.0, "key").map_err(malformed)?;
                        return fail(seq, Reason::ElectionKey);
                    }
                    Err(_) => return fail(seq, Reason::ElectionKey),
                };
                if public.election_key().as_bytes() != &b.key.0 {
                    return fail(seq, Reason::ElectionKey);
                }
                self.election_key = Some(*public.election_key());
                c.public = Some(public);
            }
            Payload::Dealing(b) => {
                let all_keys = self.trustee_keys.iter().all(Option::is_some);
                let hash = self.election.as_ref().expect("after line 0").hash;
                let (Some(c), Phase::Setup, None, true) = (
                    self.ceremony.as_mut(),
                    self.phase,
                    self.election_key,
                    all_keys,
                ) else {
                    return out_of_phase(kind, self.phase);
                };
                let dealing = Dealing::from_bytes(&b.dealing.0, &c.params).map_err(malformed)?;
                let i = dealing.dealer;
                if c.dealings[i as usize].is_some() {
                    return fail(seq, Reason::Duplicate(i));
                }
                let key = self.trustee_keys[i as usize].expect("every key is published");
                let verified =
                    dealing
                        .verify(&c.params, &hash, i, &key)
                        .map_err(|f| VerifyError {
                            seq,
                            reason: Reason::Dealing {
                                dealer: i,
                                fault: fault_name(&f),
                            },
                        })?;
                c.dealings[i as usize] = Some(b.dealing.0);
                c.verified[i as usize] = Some(verified);
                if c.dealings.iter().all(Option::is_some) {
                    c.dealings_hash = Some(entry_hash(line));
                }
            }
            Payload::Complaint(b) => {
                let hash = self.election.as_ref().expect("after line 0").hash;
                let (Some(c), Phase::Setup, None) =
                    (self.ceremony.as_mut(), self.phase, self.election_key)
                else {
                    return out_of_phase(kind, self.phase);
                };
                let complaint = Complaint::from_bytes(&b.complaint.0).map_err(malformed)?;
                let (i, j) = (complaint.dealer, complaint.complainer);
                for m in [i, j] {
                    if m >= c.params.n() {
                        return fail(seq, Reason::UnknownTrustee(m));
                    }
                }
                if c.shares_ok[j as usize] {
                    return out_of_phase(kind, self.phase);
                }
                let not_upheld = VerifyError {
                    seq,
                    reason: Reason::Complaint {
                        dealer: i,
                        complainer: j,
                    },
                };
                // No complaint about a dealer's share to itself, and none
                // against a dealer already out: at most one upheld
                // complaint per dealer (§6.3 `complaint` 5, 6).
                if i == j || c.complaints.iter().any(|u| u.dealer == i) {
                    return Err(not_upheld);
                }
                let Some(dealing) = &c.verified[i as usize] else {
                    return Err(not_upheld);
                };
                let key = self.trustee_keys[j as usize].expect("a dealing needs every key");
                if adjudicate(&c.params, &hash, dealing, &complaint, &key) != Verdict::DealerAtFault
                {
                    return Err(not_upheld);
                }
                c.complaints.push(complaint);
            }
            Payload::SharesOk(b) => {
                let hash = self.election.as_ref().expect("after line 0").hash;
                let (Some(c), Phase::Setup, None) =
                    (self.ceremony.as_mut(), self.phase, self.election_key)
                else {
                    return out_of_phase(kind, self.phase);
                };
                let Some(dealings_hash) = c.dealings_hash else {
                    return out_of_phase(kind, self.phase);
                };
                let Some(key) = self.trustee_keys.get(b.signer as usize).copied().flatten() else {
                    return fail(seq, Reason::UnknownTrustee(b.signer));
                };
                if c.shares_ok[b.signer as usize] {
                    return fail(seq, Reason::Duplicate(b.signer));
                }
                let bad = VerifyError {
                    seq,
                    reason: Reason::CommitteeSignature(kind),
                };
                let sig = Signature::from_bytes(&b.signature.0).map_err(|_| bad.clone())?;
                sig.verify(
                    &key,
                    SHARES_OK_CONTEXT,
                    &shares_ok_message(&hash, &dealings_hash),
                )
                .map_err(|_| bad)?;
                c.shares_ok[b.signer as usize] = true;
            }
            Payload::ElectionKey(b) => {
                if self.phase != Phase::Setup || self.election_key.is_some() {
                    return out_of_phase(kind, self.phase);
                }
                let Some(shares) = self
                    .trustee_keys
                    .iter()
                    .copied()
                    .collect::<Option<Vec<_>>>()
                else {
                    return fail(seq, Reason::ElectionKey);
                };
                let y = combine(&shares);
                if y.compress().to_bytes() != b.key.0 {
                    return fail(seq, Reason::ElectionKey);
                }
                self.election_key =
                    Some(PublicKey::from_bytes(&b.key.0, "key").map_err(malformed)?);
            }
            Payload::Quorum(ref b) => {
                if self.phase != Phase::Setup {
                    return out_of_phase(kind, self.phase);
                }
                self.check_signer(seq, &payload)?;
                let summoned = self.election.as_ref().expect("after line 0").body.summoned;
                if b.present > summoned {
                    return fail(
                        seq,
                        Reason::Attendance {
                            present: b.present,
                            summoned,
                        },
                    );
                }
                if u64::from(b.present) < self.issued() {
                    return fail(
                        seq,
                        Reason::TooManyCredentials {
                            issued: self.issued(),
                            present: b.present,
                        },
                    );
                }
                self.present = Some(b.present);
            }
            Payload::Credentials(ref b) => {
                if !matches!(self.phase, Phase::Setup | Phase::Voting) {
                    return out_of_phase(kind, self.phase);
                }
                self.check_signer(seq, &payload)?;
                let present = self.present.ok_or(VerifyError {
                    seq,
                    reason: Reason::OutOfPhase {
                        kind,
                        phase: self.phase,
                    },
                })?;
                let live = self.issued() + b.credentials.len() as u64;
                if live > u64::from(present) {
                    return fail(
                        seq,
                        Reason::TooManyCredentials {
                            issued: live,
                            present,
                        },
                    );
                }
                let mut fresh = BTreeMap::new();
                for (index, c) in b.credentials.iter().enumerate() {
                    let valid = PublicKey::from_bytes(&c.0, "credential").is_ok();
                    if !valid
                        || self.credentials.contains_key(&c.0)
                        || fresh.insert(c.0, None).is_some()
                    {
                        return fail(seq, Reason::BadCredential { index });
                    }
                }
                self.issued += fresh.len() as u64;
                self.credentials.append(&mut fresh);
            }
            Payload::Cancel(ref b) => {
                if !matches!(self.phase, Phase::Setup | Phase::Voting) {
                    return out_of_phase(kind, self.phase);
                }
                self.check_signer(seq, &payload)?;
                let mut named = BTreeSet::new();
                for (index, c) in b.credentials.iter().enumerate() {
                    match self.credentials.get(&c.0) {
                        Some(_) if self.cancelled.contains(&c.0) || !named.insert(c.0) => {
                            return fail(seq, Reason::BadCredential { index })
                        }
                        None => return fail(seq, Reason::BadCredential { index }),
                        Some(Some(used_by)) => {
                            return fail(
                                seq,
                                Reason::CancelUsed {
                                    index,
                                    used_by: *used_by,
                                },
                            )
                        }
                        Some(None) => {}
                    }
                }
                self.cancelled.append(&mut named);
            }
            Payload::Open(_) => {
                if self.phase != Phase::Setup || self.election_key.is_none() {
                    return out_of_phase(kind, self.phase);
                }
                self.check_signer(seq, &payload)?;
                let summoned = self.election.as_ref().expect("after line 0").body.summoned;
                let present = self.present.unwrap_or(0);
                if !quorum_met(summoned, present) {
                    return fail(seq, Reason::NoQuorum { present, summoned });
                }
                self.phase = Phase::Voting;
            }
            Payload::Ballot(ballot) => {
                let verdict = match ballot_cts {
                    Some(cts) if self.phase == Phase::Voting => {
                        self.credential_usable(&ballot.credential).map(|()| cts)
                    }
                    _ => self.check_ballot(&ballot, rng),
                };
                match verdict {
                    Ok(cts) => {
                        self.credentials.insert(ballot.credential, Some(seq));
                        for (j, answer) in cts.iter().enumerate() {
                            for (k, ct) in answer.iter().enumerate() {
                                self.totals[3 * j + k] = self.totals[3 * j + k].add(ct);
                            }
                        }
                        self.returned += 1;
                    }
                    Err(reason) => return Ok(Pushed::Excluded(reason)),
                }
            }
            Payload::Audit(body) => {
                if self.phase != Phase::Voting {
                    return out_of_phase(kind, self.phase);
                }
                let e = self.election.as_ref().expect("after line 0");
                let m = e.body.candidates.len();
                if body.choices.len() != m {
                    return Err(malformed(DecodeError::Length {
                        field: "audit ciphertexts",
                        expected: 192 * m,
                        found: 192 * body.choices.len(),
                    }));
                }
                let key = self.election_key.expect("voting has a key");
                body.check(&key).map_err(|a| VerifyError {
                    seq,
                    reason: Reason::BadAudit {
                        candidate: a.candidate,
                        option: a.option,
                    },
                })?;
                let seal_digest = body.seal_digest(&e.hash);
                self.audits.push(Audit {
                    seq,
                    seal_digest,
                    seal: seal_code(&seal_digest),
                    choices: body.choices,
                });
            }
            Payload::Close(ref b) => {
                if self.phase != Phase::Voting {
                    return out_of_phase(kind, self.phase);
                }
                self.check_signer(seq, &payload)?;
                self.refused = b.refused;
                self.phase = Phase::Closed;
            }
            Payload::Decryption(b) => {
                if self.phase != Phase::Closed {
                    return out_of_phase(kind, self.phase);
                }
                let t = b.trustee;
                let key =
                    self.trustee_keys
                        .get(t as usize)
                        .copied()
                        .flatten()
                        .ok_or(VerifyError {
                            seq,
                            reason: Reason::UnknownTrustee(t),
                        })?;
                // Under the threshold ceremony, a qualified member decrypts
                // with its verification key `Y_j` (PROTOCOL.md §10.9).
                let key = match self.threshold_public() {
                    None => key,
                    Some(p) if p.is_qualified(t) => *p.verification_key(t).expect("a member"),
                    Some(_) => return fail(seq, Reason::NotQualified(t)),
                };
                if self.decryptions[t as usize].is_some() {
                    return fail(seq, Reason::Duplicate(t));
                }
                if b.shares.len() != self.totals.len() {
                    return fail(
                        seq,
                        Reason::DecryptionCount {
                            trustee: t,
                            expected: self.totals.len(),
                            found: b.shares.len(),
                        },
                    );
                }
                let hash = self.election.as_ref().expect("after line 0").hash;
                let mut batch = BatchVerifier::with_capacity(self.totals.len() * 5);
                let mut shares = Vec::with_capacity(b.shares.len());
                for (item, s) in b.shares.iter().enumerate() {
                    let bad = VerifyError {
                        seq,
                        reason: Reason::Decryption {
                            trustee: t,
                            item: item as u32,
                        },
                    };
                    let (d_bytes, proof_bytes) = split_share(&s.0);
                    let d = point(&d_bytes, "share").map_err(|_| bad.clone())?;
                    let proof =
                        DecryptionProof::from_bytes(&proof_bytes).map_err(|_| bad.clone())?;
                    let ctx = DecryptionContext {
                        election: &hash,
                        trustee: t,
                        item: item as u32,
                        key: key.as_bytes(),
                    };
                    proof
                        .add_to_batch(
                            &mut batch,
                            rng,
                            &ctx,
                            key.point(),
                            &self.totals[item].a,
                            &d,
                            &d_bytes,
                        )
                        .map_err(|_| bad)?;
                    shares.push(d);
                }
                if !batch.verify() {
                    // Name the first failing item.
                    let item = self.first_bad_share(&hash, t, &key, &b.shares, rng);
                    return fail(seq, Reason::Decryption { trustee: t, item });
                }
                self.decryptions[t as usize] = Some(shares);
            }
            Payload::Result(ref b) => {
                if self.phase != Phase::Closed {
                    return out_of_phase(kind, self.phase);
                }
                let Some(plaintexts) = self.plaintexts() else {
                    return fail(seq, Reason::ResultTooEarly);
                };
                self.check_signer(seq, &payload)?;
                let counts = self.decrypt(seq, &plaintexts)?;
                for (candidate, (published, decrypted)) in
                    b.counts.iter().zip(counts.iter()).enumerate()
                {
                    if published != decrypted {
                        return fail(
                            seq,
                            Reason::WrongResult {
                                candidate,
                                published: Some(*published),
                                decrypted: Some(*decrypted),
                            },
                        );
                    }
                }
                if b.counts.len() != counts.len() {
                    // The first row only one side has; the other has none.
                    let candidate = b.counts.len().min(counts.len());
                    return fail(
                        seq,
                        Reason::WrongResult {
                            candidate,
                            published: b.counts.get(candidate).copied(),
                            decrypted: counts.get(candidate).copied(),
                        },
                    );
                }
                self.counts = Some(counts);
                self.phase = Phase::Done;
            }
        }
        Ok(Pushed::Accepted)
    }

    fn first_bad_share(
        &self,
        hash: &[u8; 32],
        t: u32,
        key: &PublicKey,
        shares: &[tinnhiem_core::log::Hex<128>],
        rng: &mut impl CryptoRngCore,
    ) -> u32 {
        for (item, s) in shares.iter().enumerate() {
            let (d_bytes, proof_bytes) = split_share(&s.0);
            let mut batch = BatchVerifier::new();
            let ctx = DecryptionContext {
                election: hash,
                trustee: t,
                item: item as u32,
                key: key.as_bytes(),
            };
            let ok = match (
                point(&d_bytes, "share"),
                DecryptionProof::from_bytes(&proof_bytes),
            ) {
                (Ok(d), Ok(p)) => p
                    .add_to_batch(
                        &mut batch,
                        rng,
                        &ctx,
                        key.point(),
                        &self.totals[item].a,
                        &d,
                        &d_bytes,
                    )
                    .is_ok_and(|_| batch.verify()),
                _ => false,
            };
            if !ok {
                return item as u32;
            }
        }
        0
    }

    /// The counts that every trustee's published partial decryption gives,
    /// before the result entry (what the committee publishes).
    pub fn decrypted_counts(&self) -> Result<Vec<[u64; 3]>, Reason> {
        let Some(plaintexts) = self.plaintexts() else {
            return Err(Reason::ResultTooEarly);
        };
        self.decrypt(self.next_seq, &plaintexts)
            .map_err(|e| e.reason)
    }

    /// `M_k = count_k·G` for every total, once enough partial decryptions
    /// are in: all `n` (`M_k = B_k − Σ_i D_ik`), or under the threshold
    /// ceremony the first `t` members in member order that decrypted
    /// (`M_k = B_k − Σ_{j∈S} λ_j·D_jk`, PROTOCOL.md §10.9). `None` before.
    fn plaintexts(&self) -> Option<Vec<RistrettoPoint>> {
        let (members, lambdas): (Vec<usize>, Option<Vec<_>>) = match &self.ceremony {
            None => {
                if self.decryptions.iter().any(Option::is_none) {
                    return None;
                }
                ((0..self.decryptions.len()).collect(), None)
            }
            Some(c) => {
                let t = c.params.t() as usize;
                let s: Vec<usize> = (0..self.decryptions.len())
                    .filter(|j| self.decryptions[*j].is_some())
                    .take(t)
                    .collect();
                if s.len() < t {
                    return None;
                }
                let ids: Vec<u32> = s.iter().map(|j| *j as u32).collect();
                let l = lagrange_at_zero(&ids).expect("distinct members");
                (s, Some(l))
            }
        };
        Some(
            self.totals
                .iter()
                .enumerate()
                .map(|(item, total)| {
                    let ds = members
                        .iter()
                        .map(|j| self.decryptions[*j].as_ref().expect("decrypted")[item]);
                    match &lambdas {
                        None => ds.fold(total.b, |acc, d| acc - d),
                        Some(l) => ds.zip(l).fold(total.b, |acc, (d, l)| acc - l * d),
                    }
                })
                .collect(),
        )
    }

    /// Solves each small logarithm of [`Tally::plaintexts`].
    fn decrypt(
        &self,
        seq: u64,
        plaintexts: &[RistrettoPoint],
    ) -> Result<Vec<[u64; 3]>, VerifyError> {
        let mut counts = vec![[0u64; 3]; self.totals.len() / 3];
        for (item, m) in plaintexts.iter().enumerate() {
            let m = *m;
            let (candidate, option) = (item / 3, item % 3);
            counts[candidate][option] = small_dlog(&m, self.returned).ok_or(VerifyError {
                seq,
                reason: Reason::Undecryptable { candidate, option },
            })?;
        }
        Ok(counts)
    }

    /// The result table, once the log is complete; otherwise the failure
    /// "the log ends before the result".
    pub fn finish(&self) -> Result<ElectionResult, VerifyError> {
        let (Phase::Done, Some(counts), Some(e)) = (self.phase, &self.counts, &self.election)
        else {
            return fail(self.next_seq, Reason::Incomplete(self.phase));
        };
        Ok(ElectionResult {
            quorum: QuorumResult::new(e.body.summoned, self.present.unwrap_or(0)),
            issued: self.issued(),
            returned: self.returned,
            candidates: e
                .body
                .candidates
                .iter()
                .zip(counts)
                .map(|(c, n)| {
                    CandidateResult::new(&c.name, &c.position, self.issued(), self.returned, *n)
                })
                .collect(),
            refused: self.refused,
            excluded: self.excluded.len() as u64,
            log_head: hex(&self.head),
        })
    }
}
