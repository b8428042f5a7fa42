//! The meeting on the server: every phase's rules, one function each, so
//! that the HTTP handlers only parse, call and map errors.
//!
//! Each election has one writer task that alone appends to its log. Ballots
//! are verified (signature and proofs, the costly part) before they reach
//! it, in parallel on the blocking pool; the writer then checks the state
//! rules (phase, credential issued and unused) in order, seals the lines of
//! everything that queued up meanwhile, writes them, flushes once (group
//! commit) and only then answers. So a receipt always means "durable", and
//! many voters share one disk flush.
//!
//! Verification is CPU-bound (about 2.3 ms for 15 candidates), so only a
//! few ballots per core are verified at a time (`VERIFIERS_PER_CORE`) and
//! the others wait their turn in arrival order (a fair semaphore). Without
//! the bound a burst of voters would start hundreds of verifications at once,
//! each holding its working set, and could fill tokio's blocking pool (512
//! threads), which the writer's disk flushes also use: every receipt would
//! then wait behind the verifications queued before its flush.
//!
//! Every line is pushed through [`Tally`], the same state machine the
//! inspector's verifier runs, so the server cannot write a log that the
//! verifier would refuse.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

mod audit;
pub use audit::{AuditReceipt, AuditRefusal, AuditView, AUDITS_PER_SLIP};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use tinnhiem_core::ballot::{tracking_code, Ballot};
use tinnhiem_core::calendar::{Calendar, Date};
use tinnhiem_core::elgamal::Ciphertext;
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::log::{
    head_message, shares_ok_message, Candidate, CloseBody, ComplaintBody, CredentialsBody,
    DealingBody, DecryptionBody, DossierDocument, ElectionBody, ElectionKeyBody, Entry, Hex,
    Payload, QuorumBody, Refused, ResultBody, StatementBody, TrusteeKeyBody, DOSSIER_MAX,
    DOSSIER_NAME_MAX, SERVER_HEAD_CONTEXT, SHARES_OK_CONTEXT,
};
use tinnhiem_core::schnorr::SecretKey;
use tinnhiem_core::trustee::combine;
use tinnhiem_tally::sim::Receipt;
use tinnhiem_tally::{ElectionResult, ExclusionReason, Phase, Pushed, Reason, Tally};
use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::auth::{code_hash, code_matches, new_code, Sessions};
use crate::store::{Store, StoreError};

/// Why a request was refused. Each maps to an HTTP status and a message in
/// Vietnamese and English at the edge ([`crate::http`]).
#[derive(Debug, Error)]
pub enum DomainError {
    /// No such election.
    #[error("no such election")]
    NotFound,
    /// No ballot in the log has this tracking code.
    #[error("no ballot in the log has this tracking code")]
    NoSuchBallot,
    /// Missing or wrong credentials for this role.
    #[error("not allowed for this role")]
    Unauthorized,
    /// The request does not fit the current phase.
    #[error("not allowed in phase {0}")]
    Phase(&'static str),
    /// A candidate excluded by R9.
    #[error("candidate {index} may not be rated (R9): {reason}")]
    Excluded {
        /// Candidate index.
        index: usize,
        /// Which exclusion.
        reason: &'static str,
    },
    /// Input that does not decode or does not fit the format.
    #[error("invalid request: {en}")]
    Invalid {
        /// Why, in Vietnamese.
        vi: String,
        /// Why, in English.
        en: String,
    },
    /// Two candidates of a draft are the same leader (same name and
    /// position as [`crate::names::same_leader`] compares them).
    #[error("lines {first} and {second} name the same leader")]
    DuplicateCandidate {
        /// The first line, from 1.
        first: usize,
        /// The second line, from 1.
        second: usize,
    },
    /// A `cancel` statement the log's rules refuse, naming the slip.
    #[error("{0}")]
    Cancel(CancelError),
    /// R2: voting may not open.
    #[error("quorum not met (R2): {present} present of {summoned} summoned")]
    Quorum {
        /// Present.
        present: u32,
        /// Summoned.
        summoned: u32,
    },
    /// A ballot whose credential the committee never issued (R3, R5).
    #[error("credential not issued by the counting committee")]
    Forged,
    /// A second ballot with a used credential.
    #[error("this credential has already voted")]
    Repeated,
    /// A ballot whose credential the committee cancelled (a `cancel` entry).
    #[error("this credential was cancelled by the counting committee")]
    Cancelled,
    /// A ballot whose signature or proofs fail.
    #[error("invalid ballot: {0}")]
    InvalidBallot(String),
    /// A committee statement the log's rules refuse.
    #[error("refused by the log's rules: {0}")]
    Rejected(Reason),
    /// A step of the threshold ceremony, or of the count under it, that the
    /// log's rules refuse (PROTOCOL.md §6.8).
    #[error("{0}")]
    Ceremony(CeremonyError),
    /// The store failed; the election refuses writes until a restart.
    #[error("storage failure: {0}")]
    Storage(String),
    /// A voter's audit refused (PROTOCOL.md §6.3 `audit`).
    #[error("{0}")]
    Audit(AuditRefusal),
}

/// Why the log's rules refuse a step of the threshold key ceremony or of
/// the count under it (PROTOCOL.md §6.3, §6.8), in words a committee member
/// can act on. Members are numbered from 0, as in the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CeremonyError {
    /// A `dealing`, `complaint` or `shares_ok` for an n-of-n election.
    NotThreshold,
    /// The election key is published: the key ceremony is over.
    Over,
    /// A dealing before every member's trustee key is in the log.
    KeysMissing(Vec<u32>),
    /// Another dealing by this member is in the log already.
    AlreadyDealt(u32),
    /// A dealing that fails its public checks (§10.5).
    BadDealing {
        /// The dealer.
        dealer: u32,
        /// The failing check's name.
        fault: &'static str,
    },
    /// A complaint that is not upheld (§10.7).
    ComplaintNotUpheld {
        /// The dealer complained about.
        dealer: u32,
        /// The complaining member.
        complainer: u32,
    },
    /// A complaint by a member that has posted `shares_ok`.
    ComplaintAfterSharesOk(u32),
    /// A complaint by a dealer about its own share.
    ComplaintOwnShare(u32),
    /// A complaint against a dealer already disqualified by an upheld one
    /// (another member's complaint came first).
    DealerAlreadyOut {
        /// The dealer complained about.
        dealer: u32,
        /// The complaining member.
        complainer: u32,
    },
    /// A `shares_ok` before every member has dealt.
    DealingsMissing(Vec<u32>),
    /// A partial decryption by a member disqualified in the key ceremony.
    NotQualified(u32),
    /// A partial decryption whose proof fails.
    BadDecryption {
        /// The member.
        trustee: u32,
        /// The first failing item (candidate · 3 + option).
        item: u32,
    },
    /// The result before `t` members have decrypted.
    DecryptionsNeeded {
        /// Valid partial decryptions still needed.
        needed: u32,
        /// The threshold `t`.
        threshold: u32,
    },
}

fn members(list: &[u32]) -> String {
    list.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A slip named in a `cancel` request: its place in the request, its
/// public credential and, when the committee issued it, its number (the
/// position of its public credential among every credential the log
/// publishes, from 1: the number printed on the slip, docs/INTERFACES.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipName {
    /// Index in the request's list, from 0.
    pub index: usize,
    /// The public credential.
    pub credential: [u8; 32],
    /// Its number in the log, from 1; `None` when the log never issued it.
    pub number: Option<u64>,
}

impl SlipName {
    /// "phiếu mã số 3 (mã công khai 1a2b3c4d…)".
    fn vi(&self) -> String {
        let short = &hex(&self.credential)[..8];
        match self.number {
            Some(n) => format!("phiếu mã số {n} (mã công khai {short}…)"),
            None => format!(
                "mã công khai {short}… (thứ {} trong danh sách huỷ)",
                self.index + 1
            ),
        }
    }

    /// "slip no. 3 (public credential 1a2b3c4d…)".
    fn en(&self) -> String {
        let short = &hex(&self.credential)[..8];
        match self.number {
            Some(n) => format!("slip no. {n} (public credential {short}…)"),
            None => format!(
                "public credential {short}… (number {} in the list)",
                self.index + 1
            ),
        }
    }
}

/// Why the log's rules refuse a `cancel` statement (PROTOCOL.md §6.3
/// `cancel`), naming the first slip at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelError {
    /// The slip has voted (`CancelUsed`): its ballot is at line `used_by`.
    Used {
        /// The slip.
        slip: SlipName,
        /// The line of its ballot.
        used_by: u64,
    },
    /// The committee never issued this credential (`BadCredential`).
    NotIssued(SlipName),
    /// The slip is cancelled already (`BadCredential`).
    AlreadyCancelled(SlipName),
    /// The request names the slip twice (`BadCredential`).
    Twice(SlipName),
}

impl CancelError {
    /// The message in Vietnamese.
    pub fn vi(&self) -> String {
        match self {
            CancelError::Used { slip, used_by } => {
                let s = slip.vi();
                format!(
                    "Không huỷ được {s}: phiếu mã này đã được dùng để bỏ phiếu (phiếu ở dòng \
                     {used_by} của nhật ký). Phiếu mã đã bỏ phiếu thì không huỷ được; không có \
                     phiếu mã nào bị huỷ."
                )
            }
            CancelError::NotIssued(slip) => format!(
                "Không huỷ được {}: Ban kiểm phiếu chưa phát hành mã này. Không có phiếu mã nào \
                 bị huỷ.",
                slip.vi()
            ),
            CancelError::AlreadyCancelled(slip) => format!(
                "{} đã bị huỷ trước đó. Không có phiếu mã nào bị huỷ thêm.",
                upper_first(&slip.vi())
            ),
            CancelError::Twice(slip) => format!(
                "{} được nêu hai lần trong danh sách huỷ. Không có phiếu mã nào bị huỷ.",
                upper_first(&slip.vi())
            ),
        }
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl std::fmt::Display for CancelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CancelError::Used { slip, used_by } => write!(
                f,
                "{} cannot be cancelled: it has voted (the ballot at line {used_by} of the log); \
                 nothing was cancelled",
                slip.en()
            ),
            CancelError::NotIssued(slip) => write!(
                f,
                "{} cannot be cancelled: the committee never issued it; nothing was cancelled",
                slip.en()
            ),
            CancelError::AlreadyCancelled(slip) => write!(
                f,
                "{} is cancelled already; nothing more was cancelled",
                slip.en()
            ),
            CancelError::Twice(slip) => write!(
                f,
                "{} is named twice in the list; nothing was cancelled",
                slip.en()
            ),
        }
    }
}

impl CeremonyError {
    /// The message in Vietnamese.
    pub fn vi(&self) -> String {
        use CeremonyError as C;
        match self {
            C::NotThreshold => "Cuộc lấy phiếu này không dùng ngưỡng giải mã (cần đủ mọi thành viên): \
                                không có bước chia phần khoá."
                .into(),
            C::Over => "Khoá chung đã được công bố: bước tạo khoá đã kết thúc.".into(),
            C::KeysMissing(m) => format!(
                "Chưa chia phần khoá được: còn chờ khoá của thành viên số {}.",
                members(m)
            ),
            C::AlreadyDealt(i) => format!(
                "Thành viên số {i} đã công bố một phần chia khoá khác; mỗi thành viên chỉ chia một lần."
            ),
            C::BadDealing { dealer, fault } => format!(
                "Phần chia khoá của thành viên số {dealer} không qua được kiểm tra công khai ({fault})."
            ),
            C::ComplaintNotUpheld { dealer, complainer } => format!(
                "Khiếu nại của thành viên số {complainer} đối với phần chia khoá của thành viên số \
                 {dealer} không có căn cứ: phần khoá đã chia là đúng."
            ),
            C::ComplaintAfterSharesOk(j) => format!(
                "Thành viên số {j} đã xác nhận các phần khoá nhận được (shares_ok), nên không thể \
                 khiếu nại sau đó."
            ),
            C::DealingsMissing(m) => format!(
                "Chưa xác nhận được: còn chờ phần chia khoá của thành viên số {}.",
                members(m)
            ),
            C::NotQualified(i) => format!(
                "Thành viên số {i} đã bị loại ở bước tạo khoá nên không được giải mã hay ký."
            ),
            C::ComplaintOwnShare(i) => format!(
                "Thành viên số {i} không thể khiếu nại phần khoá do chính mình chia."
            ),
            C::DealerAlreadyOut { dealer, complainer } => format!(
                "Khiếu nại của thành viên số {complainer} không cần nữa: thành viên số {dealer} đã bị \
                 loại do một khiếu nại được chấp nhận trước đó."
            ),
            C::BadDecryption { trustee, item } => format!(
                "Phần giải mã của thành viên số {trustee} sai ở mục {item}: chứng minh không hợp lệ."
            ),
            C::DecryptionsNeeded { needed, threshold } => format!(
                "Chưa đủ phần giải mã để tính kết quả: cần {threshold} thành viên giải mã, còn thiếu {needed}."
            ),
        }
    }
}

impl std::fmt::Display for CeremonyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use CeremonyError as C;
        match self {
            C::NotThreshold => f.write_str(
                "this election has no threshold ceremony (every member decrypts): there is no dealing step",
            ),
            C::Over => f.write_str("the election key is published: the key ceremony is over"),
            C::KeysMissing(m) => write!(
                f,
                "no dealing yet: waiting for the trustee keys of member(s) {}",
                members(m)
            ),
            C::AlreadyDealt(i) => write!(
                f,
                "member {i} has published another dealing; each member deals once"
            ),
            C::BadDealing { dealer, fault } => write!(
                f,
                "member {dealer}'s dealing fails its public check {fault}"
            ),
            C::ComplaintNotUpheld { dealer, complainer } => write!(
                f,
                "member {complainer}'s complaint against member {dealer}'s dealing is not upheld: the share is correct"
            ),
            C::ComplaintAfterSharesOk(j) => write!(
                f,
                "member {j} has posted shares_ok and may no longer complain"
            ),
            C::DealingsMissing(m) => write!(
                f,
                "shares_ok too early: waiting for the dealings of member(s) {}",
                members(m)
            ),
            C::NotQualified(i) => write!(
                f,
                "member {i} was disqualified in the key ceremony and may not decrypt or sign"
            ),
            C::ComplaintOwnShare(i) => {
                write!(f, "member {i} may not complain about a share it dealt itself")
            }
            C::DealerAlreadyOut { dealer, complainer } => write!(
                f,
                "member {complainer}'s complaint is not needed: member {dealer} is already \
                 disqualified by an earlier upheld complaint"
            ),
            C::BadDecryption { trustee, item } => write!(
                f,
                "member {trustee}'s partial decryption {item} does not verify"
            ),
            C::DecryptionsNeeded { needed, threshold } => write!(
                f,
                "not enough partial decryptions for the result: {threshold} members must decrypt, {needed} more needed"
            ),
        }
    }
}

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
        DomainError::Storage(e.to_string())
    }
}

/// A candidate as the organizer enters it, with the facts R9 needs.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateInput {
    /// Full name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Announced as retiring (R9: not rated).
    #[serde(default)]
    pub retiring: bool,
    /// Appointed or elected in the year of the vote (R9: not rated).
    #[serde(default)]
    pub appointed_this_year: bool,
    /// The personnel code (mã cán bộ) naming the same leader across
    /// meetings (R8); goes into line 0 as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

/// The organizer's description of a meeting.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElectionInput {
    /// Title.
    pub title: String,
    /// Unit.
    pub unit: String,
    /// Date of the meeting, `YYYY-MM-DD`.
    pub date: String,
    /// Candidates, in ballot order.
    pub candidates: Vec<CandidateInput>,
    /// People summoned.
    pub summoned: u32,
    /// Members of the counting committee.
    pub committee: Vec<String>,
    /// How many members must take part in decryption (`t` of `n`, 1 to the
    /// number of members); absent, the smallest majority
    /// ([`tinnhiem_core::dkg::default_threshold`]). The number of members
    /// gives n of n.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    /// The superior body's campaign this meeting belongs to (its id, from
    /// the campaign page): on creation or on an edit of the draft the
    /// election joins it, and its ballot is checked against the campaign's
    /// other meetings (R8, [`crate::campaign`]). Not in line 0; absent on
    /// an edit, the election stays where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
}

/// What the organizer gets back on creation: the codes to hand out. They
/// are shown once; the server keeps only their hashes.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Created {
    /// Election id.
    pub id: String,
    /// One enrollment code per committee member, in order.
    pub trustee_codes: Vec<String>,
    /// One result access code per candidate, in order.
    pub candidate_codes: Vec<String>,
}

/// What the server keeps about an election besides its log.
#[derive(Clone, Serialize, Deserialize)]
struct Meta {
    input: ElectionInput,
    sealed: bool,
    /// The server's signing key for this log (not a voter's or trustee's
    /// secret; it signs lines and heads).
    server_key: Hex<32>,
    trustee_codes: Vec<Hex<32>>,
    candidate_codes: Vec<Hex<32>>,
    refused: Refused,
    /// When the organizer created it, milliseconds since 1970 (0 for an
    /// election stored before this was kept): the order of the
    /// organizer's list.
    #[serde(default)]
    created: u64,
    /// The leader's dossier attached to the draft (R12), in order; its
    /// bytes are in the settings tree under [`dossier_key`]. Written into
    /// line 0 at the seal.
    #[serde(default)]
    dossier: Vec<DossierDocument>,
    /// Line 0 has been handed to the writer (in memory only): from then on
    /// the draft may not change, so that line 0 is the draft as sealed.
    #[serde(skip)]
    sealing: bool,
    /// The draft was deleted (in memory only): an edit or a seal that
    /// waited for the lock finds it gone.
    #[serde(skip)]
    deleted: bool,
    /// The audits waiting for the close as an older server kept them, all
    /// in the metadata (rewritten whole at each audit). Read only: on start
    /// they move to the store's items, one each ([`audit::item_key`]), and
    /// the metadata is written again without them.
    #[serde(default, skip_serializing)]
    pending_audits: Vec<tinnhiem_core::log::AuditBody>,
}

/// The answer to an edit of a draft (`PUT /api/elections/{id}`): the codes
/// issued anew, when the number of members or of candidates changed (the
/// old ones of that kind stop working); shown once, like those of
/// [`Created`].
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Edited {
    /// Every member's enrollment code, in order, when the number of
    /// members changed; otherwise `None` (the codes handed out still hold).
    pub trustee_codes: Option<Vec<String>>,
    /// Every candidate's result access code, in order, when the number of
    /// candidates changed; otherwise `None`.
    pub candidate_codes: Option<Vec<String>>,
}

/// One election in the organizer's list (`GET /api/elections`).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ElectionSummary {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit.
    pub unit: String,
    /// Date of the meeting.
    pub date: String,
    /// `draft`, `setup`, `voting`, `closed` or `done`.
    pub phase: String,
    /// People summoned.
    pub summoned: u32,
    /// People present, once recorded.
    pub present: Option<u32>,
    /// Slips that may vote: issued less cancelled.
    pub issued: u64,
    /// Ballots returned.
    pub returned: u64,
    /// Members of the counting committee.
    pub committee: u32,
    /// Members needed to decrypt (`t`).
    pub threshold: u32,
    /// When it was created, milliseconds since 1970 (0: before this was
    /// kept).
    pub created: u64,
}

struct LogState {
    tally: Tally,
    lines: Vec<Arc<[u8]>>,
    /// Lines known to be on disk; only these are served.
    durable: usize,
    /// Ballot digest → line, for idempotent resubmission.
    digests: HashMap<[u8; 32], u64>,
    /// Every public credential the log publishes, in log order: a slip's
    /// number is its position here plus one.
    slips: Vec<[u8; 32]>,
    /// The `cancel` entries in the log, for a statement sent again.
    cancels: Vec<CredentialsBody>,
    refused: Refused,
    failed: Option<String>,
    /// The audits waiting for the close ([`audit`]).
    pending: audit::Pending,
}

enum Job {
    Ballot(Box<Ballot>, [u8; 32], Vec<[Ciphertext; 3]>),
    Entry(Payload),
    /// The election key, when every share is in and it is not (see
    /// [`append_election_key`]).
    ElectionKey,
    /// Nothing to append: makes the refusal counts durable.
    Sync,
}

type Reply = oneshot::Sender<Result<u64, DomainError>>;

/// One election on the server.
pub(crate) struct Election {
    id: String,
    meta: Mutex<Meta>,
    server_key: SecretKey,
    state: Mutex<LogState>,
    jobs: mpsc::Sender<(Job, Reply)>,
    /// Shared by every election: one permit per ballot verified at a time.
    verifiers: Arc<Semaphore>,
}

/// Ballot verifications under way at once, per core. One per core would
/// keep the order strict, but the threads that read requests and send
/// answers then take the cores from the verifications: on 2 cores the load
/// test accepted about 20 % fewer ballots per second (docs/PERFORMANCE.md,
/// "Server: accepting ballots"). Four per core measured the same as no bound.
const VERIFIERS_PER_CORE: usize = 4;

/// The answer to "has this credential voted?" (`GET /api/elections/{id}/credentials/{public}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CredentialStatus {
    /// The committee issued this public credential (a credentials entry
    /// lists it).
    pub issued: bool,
    /// A ballot signed with it is in the log (counted once, R5).
    pub voted: bool,
    /// The committee cancelled it (a `cancel` entry): its ballot is refused
    /// (`cancelled`).
    pub cancelled: bool,
    /// That ballot's receipt, once its line is durable.
    #[schema(value_type = Option<ReceiptSchema>)]
    pub receipt: Option<Receipt>,
}

/// The OpenAPI shape of a receipt ([`Receipt`]), for the routes' description:
/// the receipt of a ballot (docs/INTERFACES.md, "Receipts").
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ReceiptSchema {
    /// Tracking code.
    pub tracking: String,
    /// Line.
    pub seq: u64,
    /// Entry hash, hex.
    pub entry_hash: String,
    /// Head after the append, hex.
    pub head: String,
    /// Server signature on the head, hex.
    pub head_signature: String,
}

/// Every election, and the organizer's sessions.
pub(crate) struct Registry {
    store: Arc<dyn Store>,
    elections: RwLock<HashMap<String, Arc<Election>>>,
    /// Organizer sessions.
    pub sessions: Sessions,
    /// Ballot verifications under way at once (see the module
    /// documentation).
    verifiers: Arc<Semaphore>,
}

/// The phase as the API names it.
pub(crate) fn phase_name(sealed: bool, p: Phase) -> &'static str {
    match (sealed, p) {
        (false, _) => "draft",
        (true, Phase::Empty | Phase::Setup) => "setup",
        (true, Phase::Voting) => "voting",
        (true, Phase::Closed) => "closed",
        (true, Phase::Done) => "done",
    }
}

/// A refusal of the organizer's input, in both languages.
fn invalid(vi: impl Into<String>, en: impl Into<String>) -> DomainError {
    DomainError::Invalid {
        vi: vi.into(),
        en: en.into(),
    }
}

/// Text as line 0 takes it (PROTOCOL.md §1.7): not blank, at most `max`
/// bytes, no control character.
fn is_text(s: &str, max: usize) -> bool {
    !s.trim().is_empty() && s.len() <= max && !s.chars().any(char::is_control)
}

/// Checks the organizer's input, each refusal in the organizer's words
/// (lines of the candidate list and members counted from 1); then the
/// core's own check of line 0, the last word.
fn check_input(input: &ElectionInput) -> Result<(), DomainError> {
    let n = input.committee.len();
    for (what_vi, what_en, text, max) in [
        ("Tên cuộc lấy phiếu", "The title", &input.title, 300),
        ("Tên đơn vị", "The unit", &input.unit, 300),
    ] {
        if !is_text(text, max) {
            return Err(invalid(
                format!(
                    "{what_vi} phải có nội dung, tối đa {max} byte, không có ký tự điều khiển."
                ),
                format!(
                    "{what_en} must not be blank, at most {max} bytes, without control characters."
                ),
            ));
        }
    }
    if !tinnhiem_core::rules::is_calendar_date(&input.date) {
        return Err(invalid(
            format!(
                "Ngày họp “{}” không phải một ngày dạng YYYY-MM-DD.",
                input.date
            ),
            format!(
                "The meeting's date {:?} is not a day written YYYY-MM-DD.",
                input.date
            ),
        ));
    }
    if input.candidates.is_empty() || input.candidates.len() > 100 {
        return Err(invalid(
            format!(
                "Danh sách phải có từ 1 đến 100 người được lấy phiếu (đang có {}).",
                input.candidates.len()
            ),
            format!(
                "The list must have 1 to 100 leaders ({} given).",
                input.candidates.len()
            ),
        ));
    }
    for (i, c) in input.candidates.iter().enumerate() {
        let line = i + 1;
        if !is_text(&c.name, 200) {
            return Err(invalid(
                format!("Dòng {line}: họ tên phải có nội dung, tối đa 200 byte, không có ký tự điều khiển."),
                format!("Line {line}: the name must not be blank, at most 200 bytes, without control characters."),
            ));
        }
        if !is_text(&c.position, 300) {
            return Err(invalid(
                format!("Dòng {line}: chức vụ phải có nội dung, tối đa 300 byte, không có ký tự điều khiển."),
                format!("Line {line}: the position must not be blank, at most 300 bytes, without control characters."),
            ));
        }
        if let Some(p) = &c.person {
            if !tinnhiem_core::log::check_person(p) {
                return Err(invalid(
                    format!(
                        "Dòng {line}: mã cán bộ “{p}” không hợp lệ (1 đến 32 ký tự A-Z, a-z, 0-9, -, _, ., /; ký tự đầu là chữ hoặc số)."
                    ),
                    format!(
                        "Line {line}: the personnel code {p:?} is invalid (1 to 32 of A-Z, a-z, 0-9, -, _, ., /, first a letter or digit)."
                    ),
                ));
            }
        }
        for (j, earlier) in input.candidates[..i].iter().enumerate() {
            if crate::names::same_leader((&earlier.name, &earlier.position), (&c.name, &c.position))
            {
                return Err(DomainError::DuplicateCandidate {
                    first: j + 1,
                    second: line,
                });
            }
            if c.person.is_some() && earlier.person == c.person {
                return Err(invalid(
                    format!("Dòng {} và dòng {line} có cùng mã cán bộ: mỗi người chỉ được lấy phiếu một lần.", j + 1),
                    format!("Lines {} and {line} have the same personnel code: each leader is rated once.", j + 1),
                ));
            }
        }
        if c.retiring {
            return Err(DomainError::Excluded {
                index: i,
                reason: "announced as retiring",
            });
        }
        if c.appointed_this_year {
            return Err(DomainError::Excluded {
                index: i,
                reason: "appointed or elected in the year of the vote",
            });
        }
    }
    if n == 0 || n > 20 {
        return Err(invalid(
            format!("Ban kiểm phiếu phải có từ 1 đến 20 thành viên (đang có {n})."),
            format!("The counting committee must have 1 to 20 members ({n} given)."),
        ));
    }
    for (i, m) in input.committee.iter().enumerate() {
        if !is_text(m, 200) {
            return Err(invalid(
                format!("Thành viên thứ {} của Ban kiểm phiếu: họ tên phải có nội dung, tối đa 200 byte, không có ký tự điều khiển.", i + 1),
                format!("Committee member {}: the name must not be blank, at most 200 bytes, without control characters.", i + 1),
            ));
        }
    }
    if input.summoned == 0 || input.summoned > 1_000_000 {
        return Err(invalid(
            format!(
                "Số người được triệu tập phải từ 1 đến 1.000.000 (đang là {}).",
                input.summoned
            ),
            format!(
                "The number of people summoned must be 1 to 1,000,000 ({} given).",
                input.summoned
            ),
        ));
    }
    if let Some(t) = input.threshold {
        let min = tinnhiem_core::dkg::default_threshold(n as u32);
        if t < min || t as usize > n {
            return Err(invalid(
                format!("Ngưỡng giải mã {t} không hợp lệ: cần từ {min} đến {n} (quá nửa số thành viên Ban kiểm phiếu, tới tất cả)."),
                format!("The threshold {t} is out of range: it must be {min} to {n} (a majority of the committee, up to all of it)."),
            ));
        }
    }
    let probe = body_of("probe", input, &[], [0; 32]);
    tinnhiem_core::log::check_election(&probe).map_err(|e| {
        invalid(
            "Thông tin cuộc lấy phiếu không đúng quy cách của nhật ký.",
            e.to_string(),
        )
    })
}

fn body_of(
    id: &str,
    input: &ElectionInput,
    dossier: &[DossierDocument],
    server_key: [u8; 32],
) -> ElectionBody {
    ElectionBody {
        id: id.to_owned(),
        title: input.title.clone(),
        unit: input.unit.clone(),
        date: input.date.clone(),
        candidates: input
            .candidates
            .iter()
            .map(|c| Candidate {
                name: c.name.clone(),
                position: c.position.clone(),
                person: c.person.clone(),
            })
            .collect(),
        summoned: input.summoned,
        trustees: input.committee.clone(),
        threshold: Some(threshold_of(input)),
        dossier: (!dossier.is_empty()).then(|| dossier.to_vec()),
        server_key: Hex(server_key),
    }
}

/// The election's threshold `t`: the input's, or the smallest majority.
fn threshold_of(input: &ElectionInput) -> u32 {
    input
        .threshold
        .unwrap_or_else(|| tinnhiem_core::dkg::default_threshold(input.committee.len() as u32))
}

/// Whether line 0 is the election the settings describe. A log written
/// before the threshold ceremony (no `threshold` in line 0) matches
/// settings that name none.
fn line0_matches(
    id: &str,
    input: &ElectionInput,
    dossier: &[DossierDocument],
    server_key: [u8; 32],
    line0: &ElectionBody,
) -> bool {
    let mut expected = body_of(id, input, dossier, server_key);
    if line0.threshold.is_none() && input.threshold.is_none() {
        expected.threshold = None;
    }
    expected == *line0
}

fn exclusion_error(r: ExclusionReason) -> DomainError {
    match r {
        ExclusionReason::NotIssued => DomainError::Forged,
        ExclusionReason::Repeated(_) => DomainError::Repeated,
        ExclusionReason::Cancelled => DomainError::Cancelled,
        ExclusionReason::OutsideVoting => DomainError::Phase("not voting"),
        ExclusionReason::Invalid(e) => DomainError::InvalidBallot(e.to_string()),
    }
}

impl Registry {
    /// Loads every election from the store, replaying and checking each log.
    pub fn open(store: Arc<dyn Store>) -> Result<Arc<Registry>, DomainError> {
        let reg = Arc::new(Registry {
            store,
            elections: RwLock::new(HashMap::new()),
            sessions: Sessions::default(),
            verifiers: Arc::new(Semaphore::new(
                VERIFIERS_PER_CORE * std::thread::available_parallelism().map_or(1, |n| n.get()),
            )),
        });
        let metas = reg.store.metas()?;
        let mut recovered = Vec::new();
        let mut audits_tidied = Vec::new();
        for id in reg.store.witnessed()? {
            if !metas.iter().any(|(m, _)| *m == id) {
                return Err(DomainError::Storage(format!(
                    "election {id} has acknowledged lines but its data is missing from the store \
                     (the data directory is damaged or was restored from an older copy)"
                )));
            }
        }
        for (id, bytes) in metas {
            let meta: Meta = serde_json::from_slice(&bytes).map_err(|e| {
                DomainError::Storage(format!("election {id}: metadata damaged: {e}"))
            })?;
            let lines = reg.store.lines(&id)?;
            if let Some((seq, head)) = reg.store.witness(&id)? {
                match lines.get(seq as usize) {
                    None => {
                        return Err(DomainError::Storage(format!(
                            "election {id}: the stored log has {} lines but line {seq} was acknowledged \
                             (the data directory was truncated or restored from an older copy); \
                             restore it from a backup or export the log from a copy that has it",
                            lines.len()
                        )))
                    }
                    Some(l) if tinnhiem_core::log::entry_hash(l) != head => {
                        return Err(DomainError::Storage(format!(
                            "election {id}: stored log line {seq} is not the one acknowledged (the data directory is damaged)"
                        )))
                    }
                    Some(_) => {}
                }
            }
            let mut tally = Tally::new();
            let mut digests = HashMap::new();
            let mut slips = Vec::new();
            let mut cancels = Vec::new();
            let mut rng = rand::rngs::OsRng;
            for line in &lines {
                tally.push(line, &mut rng).map_err(|e| {
                    DomainError::Storage(format!(
                        "election {id}: stored log fails verification at {e}"
                    ))
                })?;
                match tinnhiem_core::log::parse_line(line) {
                    Ok(Entry {
                        seq,
                        payload: Payload::Ballot(b),
                        ..
                    }) => {
                        let ctx = tally.ballot_context().expect("ballots follow the key");
                        digests.insert(b.digest(&ctx), seq);
                    }
                    Ok(Entry {
                        payload: Payload::Credentials(b),
                        ..
                    }) => slips.extend(b.credentials.iter().map(|c| c.0)),
                    Ok(Entry {
                        payload: Payload::Cancel(b),
                        ..
                    }) => cancels.push(b),
                    _ => {}
                }
            }
            let mut meta = meta;
            match tally.election() {
                None if meta.sealed => {
                    return Err(DomainError::Storage(format!(
                        "election {id}: metadata and log disagree (sealed, but the log is empty)"
                    )))
                }
                None => {}
                Some(line0) => {
                    // Everything the pages show comes from line 0; settings
                    // that say otherwise are damage, not a newer draft.
                    let server_key = SecretKey::from_bytes(&meta.server_key.0).map_err(|_| {
                        DomainError::Storage(format!(
                            "election {id}: metadata damaged: the server key"
                        ))
                    })?;
                    if !line0_matches(
                        &id,
                        &meta.input,
                        &meta.dossier,
                        *server_key.public().as_bytes(),
                        line0,
                    ) {
                        return Err(DomainError::Storage(format!(
                            "election {id}: the stored settings differ from line 0 of its log \
                             (the election every ballot is bound to); the data directory is \
                             damaged or was edited"
                        )));
                    }
                    if !meta.sealed {
                        // Line 0 was durable, the settings not yet saved as
                        // sealed (a crash in between): line 0 decides.
                        meta.sealed = true;
                        recovered.push((
                            id.clone(),
                            serde_json::to_vec(&meta).expect("meta serializes"),
                        ));
                    }
                }
            }
            let items = reg.store.items(&id, audit::ITEM_PREFIX)?;
            let legacy = std::mem::take(&mut meta.pending_audits);
            let (pending, tidy) = audit::restore(&id, &tally, &items, legacy)?;
            if !tidy.is_empty() {
                audits_tidied.push((id.clone(), tidy));
            }
            let state = LogState {
                tally,
                durable: lines.len(),
                lines: lines.into_iter().map(Arc::from).collect(),
                digests,
                slips,
                cancels,
                refused: meta.refused,
                failed: None,
                pending,
            };
            let missing_key = election_key_due(&state.tally).is_some();
            let e = reg.insert(id, meta, state);
            if missing_key {
                // Every share (n of n) or every `shares_ok` (threshold), no
                // election key: a crash between the two (or a store written
                // before they were appended together).
                tokio::spawn(async move {
                    if let Err(err) = e.submit(Job::ElectionKey).await {
                        tracing::error!(election = %e.id, error = %err, "cannot append the election key");
                    }
                });
            }
        }
        // Written only once every election has been checked: a damaged
        // store is refused before anything is written to it. Pending
        // audits first (moved out of an older metadata, each to its own
        // item), durable before a metadata without them is written.
        if !audits_tidied.is_empty() {
            for (id, tidy) in &audits_tidied {
                for (k, v) in &tidy.put {
                    reg.store.put_item(id, k, v)?;
                }
            }
            reg.store.flush()?;
            for (id, tidy) in &audits_tidied {
                if tidy.migrated {
                    let meta = reg.get(id)?.meta.lock().expect("meta lock").clone();
                    reg.store
                        .put_meta(id, &serde_json::to_vec(&meta).expect("meta serializes"))?;
                }
                reg.store.remove_items(id, &tidy.remove)?;
            }
            reg.store.flush()?;
        }
        if !recovered.is_empty() {
            for (id, meta) in recovered {
                reg.store.put_meta(&id, &meta)?;
            }
            reg.store.flush()?;
        }
        Ok(reg)
    }

    fn insert(self: &Arc<Self>, id: String, meta: Meta, state: LogState) -> Arc<Election> {
        let server_key =
            SecretKey::from_bytes(&meta.server_key.0).expect("stored key is canonical");
        let (tx, rx) = mpsc::channel(1024);
        let e = Arc::new(Election {
            id: id.clone(),
            meta: Mutex::new(meta),
            server_key,
            state: Mutex::new(state),
            jobs: tx,
            verifiers: self.verifiers.clone(),
        });
        tokio::spawn(writer(e.clone(), self.store.clone(), rx));
        self.elections
            .write()
            .expect("registry lock")
            .insert(id, e.clone());
        e
    }

    /// The election `id`.
    pub fn get(&self, id: &str) -> Result<Arc<Election>, DomainError> {
        self.elections
            .read()
            .expect("registry lock")
            .get(id)
            .cloned()
            .ok_or(DomainError::NotFound)
    }

    /// The organizer creates a meeting (a draft until sealed).
    pub fn create(self: &Arc<Self>, input: ElectionInput) -> Result<Created, DomainError> {
        check_input(&input)?;
        let id = tinnhiem_tally::sim::random_id(&mut rand::rngs::OsRng);
        let trustee_codes: Vec<String> = input.committee.iter().map(|_| new_code()).collect();
        let candidate_codes: Vec<String> = input.candidates.iter().map(|_| new_code()).collect();
        let meta = Meta {
            server_key: Hex(SecretKey::random(&mut rand::rngs::OsRng).to_bytes()),
            trustee_codes: trustee_codes.iter().map(|c| Hex(code_hash(c))).collect(),
            candidate_codes: candidate_codes.iter().map(|c| Hex(code_hash(c))).collect(),
            input,
            sealed: false,
            refused: Refused::default(),
            created: self.next_created(),
            dossier: Vec::new(),
            sealing: false,
            deleted: false,
            pending_audits: Vec::new(),
        };
        self.store
            .put_meta(&id, &serde_json::to_vec(&meta).expect("meta serializes"))?;
        self.store.flush()?;
        self.insert(
            id.clone(),
            meta,
            LogState {
                tally: Tally::new(),
                lines: Vec::new(),
                durable: 0,
                digests: HashMap::new(),
                slips: Vec::new(),
                cancels: Vec::new(),
                refused: Refused::default(),
                failed: None,
                pending: audit::Pending::default(),
            },
        );
        Ok(Created {
            id,
            trustee_codes,
            candidate_codes,
        })
    }

    /// The creation time of a new election: now, or just after the newest
    /// one when the clock has not moved on (two created in the same
    /// millisecond, a clock set back), so the list's order is the order of
    /// creation.
    fn next_created(&self) -> u64 {
        let newest = self
            .elections
            .read()
            .expect("registry lock")
            .values()
            .map(|e| e.meta.lock().expect("meta lock").created)
            .max()
            .unwrap_or(0);
        now_millis().max(newest + 1)
    }

    /// Every election, newest first (by creation, then id), for the
    /// organizer's list.
    pub fn list(&self) -> Vec<ElectionSummary> {
        let elections: Vec<Arc<Election>> = self
            .elections
            .read()
            .expect("registry lock")
            .values()
            .cloned()
            .collect();
        let mut out: Vec<ElectionSummary> = elections.iter().map(|e| e.summary()).collect();
        out.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// Deletes a draft: its settings and anything stored under its id,
    /// durably, before it answers. A sealed election (or one being sealed)
    /// is refused with [`DomainError::Phase`]: its log is the record of the
    /// vote and is never deleted.
    pub fn delete(&self, id: &str) -> Result<(), DomainError> {
        let e = self.get(id)?;
        // The meta lock is held to the end, as `edit` and `seal` hold it:
        // a seal that comes after finds the draft deleted, one that came
        // before has set `sealing`.
        let mut meta = e.meta.lock().expect("meta lock");
        if meta.deleted {
            return Err(DomainError::NotFound);
        }
        if meta.sealed || meta.sealing {
            return Err(DomainError::Phase("sealed"));
        }
        self.store.delete(id)?;
        meta.deleted = true;
        self.elections.write().expect("registry lock").remove(id);
        // Then its dossier's bytes, which nothing names any more (a crash
        // before leaves them unnamed, never served).
        let docs = std::mem::take(&mut meta.dossier);
        for (i, doc) in docs.iter().enumerate() {
            if docs[..i].iter().all(|d| d.sha256 != doc.sha256) {
                e.forget_dossier_bytes(self.store.as_ref(), &meta, doc);
            }
        }
        Ok(())
    }
}

/// Milliseconds since 1970 (0 if the clock is before it).
fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// An answer to "how is the election going" (no secrets, no ballot content).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ElectionView {
    /// Id.
    pub id: String,
    /// `draft`, `setup`, `voting`, `closed` or `done`.
    pub phase: String,
    /// Title.
    pub title: String,
    /// Unit.
    pub unit: String,
    /// Date.
    pub date: String,
    /// Candidates `{name, position}`.
    #[schema(value_type = Vec<Object>)]
    pub candidates: Vec<Candidate>,
    /// People summoned.
    pub summoned: u32,
    /// Committee members.
    pub committee: Vec<String>,
    /// Election hash (hex), once sealed.
    pub election_hash: Option<String>,
    /// The server's public key for the log (hex), once sealed.
    pub server_key: Option<String>,
    /// Election key (hex), once the key ceremony is complete.
    pub election_key: Option<String>,
    /// Per committee member, the published key share (hex) or null.
    pub trustee_keys: Vec<Option<String>>,
    /// People present, once recorded.
    pub present: Option<u32>,
    /// Slips that may vote: credentials issued less those cancelled.
    pub issued: u64,
    /// Slips cancelled by the committee (`cancel` entries). The next slip
    /// printed is number `issued + cancelled + 1` (docs/INTERFACES.md).
    pub cancelled: u64,
    /// Ballots returned.
    pub returned: u64,
    /// Slips issued, not cancelled and not used (voided at close).
    pub unused: u64,
    /// Refused so far: `{forged, repeated}`.
    #[schema(value_type = Object)]
    pub refused: Refused,
    /// How many members must take part in decryption: `t`, or the number
    /// of members for an n-of-n log.
    pub threshold: u32,
    /// The threshold key ceremony's progress; `None` for an n-of-n log.
    pub ceremony: Option<CeremonyView>,
    /// Per committee member, whether the partial decryption is published.
    pub decrypted_by: Vec<bool>,
    /// Valid partial decryptions still needed before the result can be
    /// computed: `t` minus those published (threshold), the members that
    /// have not decrypted (n of n); 0 when it can.
    pub decryptions_needed: u32,
    /// Lines in the log.
    pub log_length: u64,
    /// Head (hex).
    pub head: Option<String>,
    /// The anchor the next committee statement signs (hex; PROTOCOL.md
    /// §5.3): the entry hash of the last line that is not a ballot. `None`
    /// before the log is sealed. Clients that verify the log compute it
    /// themselves.
    pub anchor: Option<String>,
    /// The plan's deadlines around the meeting's date (R12), from the
    /// built-in Vietnamese calendar; `None` when the date does not parse.
    pub timeline: Option<TimelineView>,
    /// The leader's dossier (R12), in order: the draft's documents until
    /// the seal, then exactly those line 0 commits. Empty when none.
    pub dossier: Vec<DossierView>,
}

/// One document of the leader's dossier as the view lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DossierView {
    /// The file's name.
    pub name: String,
    /// SHA-256 of the file's bytes, lowercase hex (64 digits).
    pub sha256: String,
    /// The file's length in bytes.
    pub bytes: u64,
    /// Where anyone with the election id downloads it:
    /// `/api/elections/{id}/dossier/{n}`, `n` from 0.
    pub url: String,
}

/// The plan's deadlines for the meeting (R12, [`Calendar::timeline`]):
/// dates `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimelineView {
    /// The leader's self-report to the organizer (20 days before).
    pub self_report: String,
    /// The dossier to the voters (15 days before).
    pub dossier: String,
    /// The voters' written questions (at least 10 days before).
    pub questions: String,
    /// The leader's supplementary answers (at least 3 days before).
    pub answers: String,
    /// The result to the superior body (7 working days after).
    pub report_due: String,
    /// Every year the deadlines run through has its holidays in the
    /// calendar; `false`: a lunar holiday or a swap may be missing.
    pub complete: bool,
}

/// The built-in calendar, read once.
fn calendar() -> &'static Calendar {
    static CALENDAR: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    CALENDAR.get_or_init(Calendar::vietnam)
}

/// The deadlines of a meeting on `date`, if it parses.
pub fn timeline_view(date: &str) -> Option<TimelineView> {
    let tl = calendar().timeline(Date::parse(date)?)?;
    Some(TimelineView {
        self_report: tl.self_report.to_string(),
        dossier: tl.dossier.to_string(),
        questions: tl.questions.to_string(),
        answers: tl.answers.to_string(),
        report_due: tl.report_due.to_string(),
        complete: tl.complete,
    })
}

/// The view's list of the dossier's documents `docs` of election `id`.
fn dossier_view(id: &str, docs: &[DossierDocument]) -> Vec<DossierView> {
    docs.iter()
        .enumerate()
        .map(|(n, d)| DossierView {
            name: d.name.clone(),
            sha256: hex(&d.sha256.0),
            bytes: d.bytes,
            url: format!("/api/elections/{}/dossier/{n}", urlencoding_path(id)),
        })
        .collect()
}

/// An election id as one path segment: ids are made of URL-safe
/// characters, anything else is percent-encoded all the same.
fn urlencoding_path(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Largest dossier document, in bytes (20 MiB).
pub const DOSSIER_BYTES_MAX: usize = 20 << 20;

/// Where a dossier document's bytes are kept in the settings tree: by
/// election and SHA-256, so that a replaced document's old bytes are never
/// served for the new name.
fn dossier_key(id: &str, sha: &[u8; 32]) -> String {
    format!("dossier/{id}/{}", hex(sha))
}

/// Whether `name` may name a dossier document (line 0's rule, PROTOCOL.md
/// §4.4): 1 to 200 bytes of text.
fn dossier_name_ok(name: &str) -> bool {
    !name.trim().is_empty() && name.len() <= DOSSIER_NAME_MAX && !name.chars().any(char::is_control)
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// The threshold key ceremony as the log tells it (PROTOCOL.md §5.4, §10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CeremonyView {
    /// Per member, whether its dealing is in the log.
    pub dealt: Vec<bool>,
    /// The upheld complaints, in log order.
    pub complaints: Vec<ComplaintView>,
    /// Per member, whether its `shares_ok` is in the log.
    pub shares_ok: Vec<bool>,
    /// The qualified dealers `Q`, once every member has dealt (it only
    /// shrinks as complaints are upheld); `None` before.
    pub qualified: Option<Vec<u32>>,
    /// Fewer than `t` dealers are qualified: this ceremony cannot give an
    /// election key, and the election must be created again.
    pub too_few_qualified: bool,
}

/// An upheld complaint: `complainer` showed that `dealer`'s share to it is
/// wrong, and `dealer` is out of `Q`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComplaintView {
    /// The dealer complained about.
    pub dealer: u32,
    /// The complaining member.
    pub complainer: u32,
}

/// The ceremony's view from the log. Every dealing in the log passed its
/// public checks (§10.5) and every complaint in it is upheld (the log's
/// rules refuse the others), so `Q` is every dealer no complaint names
/// (what [`tinnhiem_core::dkg::qualify`] gives, without checking the
/// dealings again).
fn ceremony_view(t: &Tally) -> Option<CeremonyView> {
    let params = t.threshold_params()?;
    let dealings = t.dealings()?;
    let shares_ok = t.shares_ok()?.to_vec();
    let complaints: Vec<ComplaintView> = t
        .complaints()
        .iter()
        .map(|c| ComplaintView {
            dealer: c.dealer,
            complainer: c.complainer,
        })
        .collect();
    let qualified = t.dealings_hash().map(|_| {
        (0..params.n())
            .filter(|i| !complaints.iter().any(|c| c.dealer == *i))
            .collect::<Vec<u32>>()
    });
    Some(CeremonyView {
        dealt: dealings.iter().map(Option::is_some).collect(),
        complaints,
        shares_ok,
        too_few_qualified: qualified
            .as_ref()
            .is_some_and(|q| (q.len() as u32) < params.t()),
        qualified,
    })
}

/// The totals for the committee to decrypt: item `3·candidate + option`.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Totals {
    /// `A ‖ B` per item, hex.
    pub items: Vec<String>,
    /// Ballots counted.
    pub returned: u64,
}

/// The signed head of the log.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignedHead {
    /// Sequence number of the last line.
    pub seq: u64,
    /// Its entry hash (hex).
    pub head: String,
    /// The server's signature (context `log-head`), hex.
    pub signature: String,
}

/// Who asks for the result (R11).
pub(crate) enum Reader<'a> {
    /// The organizer (a session) or a committee member (an enrollment code).
    Committee,
    /// A candidate's access code: only his or her own line.
    Candidate(&'a str),
}

impl Election {
    /// A snapshot for the pages. Once sealed, everything it says about the
    /// election (title, candidates in their order, committee, ...) is line
    /// 0's, the election every ballot is bound to: never the stored draft.
    pub fn view(&self) -> ElectionView {
        let meta = self.meta.lock().expect("meta lock");
        let st = self.state.lock().expect("state lock");
        let t = &st.tally;
        let draft;
        let (sealed, election) = match t.election() {
            Some(line0) => (true, line0),
            None => {
                draft = body_of(&self.id, &meta.input, &meta.dossier, [0; 32]);
                (false, &draft)
            }
        };
        ElectionView {
            id: self.id.clone(),
            phase: phase_name(sealed, t.phase()).into(),
            title: election.title.clone(),
            unit: election.unit.clone(),
            date: election.date.clone(),
            candidates: election.candidates.clone(),
            summoned: election.summoned,
            committee: election.trustees.clone(),
            election_hash: t.election_hash().map(|h| hex(&h)),
            server_key: sealed.then(|| hex(self.server_key.public().as_bytes())),
            election_key: t.ballot_context().map(|c| hex(c.key.as_bytes())),
            trustee_keys: if sealed {
                t.trustee_keys()
                    .iter()
                    .map(|k| k.map(|k| hex(k.as_bytes())))
                    .collect()
            } else {
                vec![None; election.trustees.len()]
            },
            present: t.present(),
            issued: t.issued(),
            cancelled: t.cancelled(),
            returned: t.returned(),
            unused: t.issued() - t.returned(),
            refused: st.refused,
            threshold: election.threshold.unwrap_or(election.trustees.len() as u32),
            ceremony: if sealed {
                ceremony_view(t)
            } else {
                let n = election.trustees.len();
                Some(CeremonyView {
                    dealt: vec![false; n],
                    complaints: Vec::new(),
                    shares_ok: vec![false; n],
                    qualified: None,
                    too_few_qualified: false,
                })
            },
            decrypted_by: if sealed {
                t.decrypted_by()
            } else {
                vec![false; election.trustees.len()]
            },
            decryptions_needed: if sealed {
                tinnhiem_tally::member::decryptions_needed(t)
            } else {
                threshold_of(&meta.input)
            },
            log_length: st.durable as u64,
            head: (st.durable > 0)
                .then(|| hex(&tinnhiem_core::log::entry_hash(&st.lines[st.durable - 1]))),
            anchor: (!t.is_empty()).then(|| hex(&t.anchor())),
            timeline: timeline_view(&election.date),
            dossier: dossier_view(&self.id, election.dossier.as_deref().unwrap_or(&[])),
        }
    }

    /// One line of the organizer's list.
    fn summary(&self) -> ElectionSummary {
        let v = self.view();
        let created = self.meta.lock().expect("meta lock").created;
        ElectionSummary {
            committee: v.committee.len() as u32,
            id: v.id,
            title: v.title,
            unit: v.unit,
            date: v.date,
            phase: v.phase,
            summoned: v.summoned,
            present: v.present,
            issued: v.issued,
            returned: v.returned,
            threshold: v.threshold,
            created,
        }
    }

    /// The organizer edits the draft (refused once the log is sealed):
    /// anything may change. When the number of members (of candidates)
    /// changes, every enrollment code (result access code) is issued anew
    /// and returned, and the old ones stop working; otherwise the codes
    /// handed out still hold.
    pub fn edit(&self, store: &dyn Store, input: ElectionInput) -> Result<Edited, DomainError> {
        check_input(&input)?;
        // The meta lock is held to the end: sealing takes it to read the
        // draft it writes as line 0, so an edit lands wholly before the seal
        // (and is in line 0) or is refused.
        let mut meta = self.meta.lock().expect("meta lock");
        if meta.deleted {
            return Err(DomainError::NotFound);
        }
        if meta.sealed || meta.sealing {
            return Err(DomainError::Phase("sealed"));
        }
        let fresh = |n: usize| -> Vec<String> { (0..n).map(|_| new_code()).collect() };
        let trustee_codes = (input.committee.len() != meta.input.committee.len())
            .then(|| fresh(input.committee.len()));
        let candidate_codes = (input.candidates.len() != meta.input.candidates.len())
            .then(|| fresh(input.candidates.len()));
        let mut edited = meta.clone();
        edited.input = input;
        if let Some(codes) = &trustee_codes {
            edited.trustee_codes = codes.iter().map(|c| Hex(code_hash(c))).collect();
        }
        if let Some(codes) = &candidate_codes {
            edited.candidate_codes = codes.iter().map(|c| Hex(code_hash(c))).collect();
        }
        // Stored first: the new codes are answered, and the old ones
        // refused, only once the settings holding them are durable.
        store.put_meta(
            &self.id,
            &serde_json::to_vec(&edited).expect("meta serializes"),
        )?;
        store.flush()?;
        *meta = edited;
        Ok(Edited {
            trustee_codes,
            candidate_codes,
        })
    }

    /// The organizer attaches a document of the leader's dossier (R12) to
    /// the draft, or replaces the one of the same name: a PDF (its first
    /// bytes `%PDF-`) of at most [`DOSSIER_BYTES_MAX`] bytes, at most
    /// [`DOSSIER_MAX`] documents. The bytes are stored durably before the
    /// draft names them; line 0 commits their SHA-256 at the seal.
    pub fn put_dossier(
        &self,
        store: &dyn Store,
        name: &str,
        bytes: &[u8],
    ) -> Result<DossierDocument, DomainError> {
        if !dossier_name_ok(name) {
            return Err(DomainError::Invalid {
                vi: format!("Tên tệp hồ sơ phải có từ 1 đến {DOSSIER_NAME_MAX} byte, không có ký tự điều khiển."),
                en: format!("The dossier file's name must be 1 to {DOSSIER_NAME_MAX} bytes of text."),
            });
        }
        if bytes.len() > DOSSIER_BYTES_MAX {
            return Err(DomainError::Invalid {
                vi: format!(
                    "Tệp hồ sơ quá lớn (tối đa {} MiB).",
                    DOSSIER_BYTES_MAX >> 20
                ),
                en: format!(
                    "The dossier file is too large (at most {} MiB).",
                    DOSSIER_BYTES_MAX >> 20
                ),
            });
        }
        if !bytes.starts_with(b"%PDF-") {
            return Err(DomainError::Invalid {
                vi: format!("Tệp “{name}” không phải tệp PDF: hồ sơ chỉ nhận tệp PDF."),
                en: format!("The file \"{name}\" is not a PDF: the dossier takes PDF files only."),
            });
        }
        let mut meta = self.meta.lock().expect("meta lock");
        if meta.deleted {
            return Err(DomainError::NotFound);
        }
        if meta.sealed || meta.sealing {
            return Err(DomainError::Phase("sealed"));
        }
        let doc = DossierDocument {
            name: name.to_owned(),
            sha256: Hex(sha256(bytes)),
            bytes: bytes.len() as u64,
        };
        let mut edited = meta.clone();
        let count = edited.dossier.len();
        let mut replaced = None;
        match edited.dossier.iter_mut().find(|d| d.name == name) {
            Some(d) => replaced = Some(std::mem::replace(d, doc.clone())),
            None if count >= DOSSIER_MAX => {
                return Err(DomainError::Invalid {
                    vi: format!("Hồ sơ có tối đa {DOSSIER_MAX} tệp."),
                    en: format!("A dossier holds at most {DOSSIER_MAX} files."),
                })
            }
            None => edited.dossier.push(doc.clone()),
        }
        store.put_setting(&dossier_key(&self.id, &doc.sha256.0), bytes)?;
        store.put_meta(
            &self.id,
            &serde_json::to_vec(&edited).expect("meta serializes"),
        )?;
        store.flush()?;
        *meta = edited;
        if let Some(old) = replaced {
            self.forget_dossier_bytes(store, &meta, &old);
        }
        Ok(doc)
    }

    /// Removes the stored bytes of `old`, a document just taken out of the
    /// draft's dossier `meta` (durably), unless another document of it has
    /// the same bytes. A failure, or a crash before, leaves bytes that
    /// nothing names (never served: a document's bytes are found by its
    /// SHA-256); it is logged, the edit stands.
    fn forget_dossier_bytes(&self, store: &dyn Store, meta: &Meta, old: &DossierDocument) {
        if meta.dossier.iter().any(|d| d.sha256 == old.sha256) {
            return;
        }
        if let Err(err) = store.delete_setting(&dossier_key(&self.id, &old.sha256.0)) {
            tracing::error!(election = %self.id, error = %err, "cannot remove a dossier document's bytes");
        }
    }

    /// The organizer removes a document from the draft's dossier.
    pub fn delete_dossier(&self, store: &dyn Store, n: usize) -> Result<(), DomainError> {
        let mut meta = self.meta.lock().expect("meta lock");
        if meta.deleted {
            return Err(DomainError::NotFound);
        }
        if meta.sealed || meta.sealing {
            return Err(DomainError::Phase("sealed"));
        }
        if n >= meta.dossier.len() {
            return Err(DomainError::NotFound);
        }
        let mut edited = meta.clone();
        let old = edited.dossier.remove(n);
        store.put_meta(
            &self.id,
            &serde_json::to_vec(&edited).expect("meta serializes"),
        )?;
        store.flush()?;
        *meta = edited;
        self.forget_dossier_bytes(store, &meta, &old);
        Ok(())
    }

    /// Document `n` of the dossier and its bytes: once sealed, line 0's,
    /// and only bytes whose SHA-256 is the one line 0 commits.
    pub fn dossier_document(
        &self,
        store: &dyn Store,
        n: usize,
    ) -> Result<(DossierDocument, Vec<u8>), DomainError> {
        let meta = self.meta.lock().expect("meta lock");
        let sealed = {
            let st = self.state.lock().expect("state lock");
            st.tally
                .election()
                .map(|line0| line0.dossier.as_ref().and_then(|d| d.get(n)).cloned())
        };
        let (doc, _draft) = match sealed {
            // Line 0's bytes are never removed: read without the lock.
            Some(doc) => {
                drop(meta);
                (doc, None)
            }
            // A draft's are removed once replaced or deleted: read under
            // the lock, so that they are the bytes the draft names.
            None => (meta.dossier.get(n).cloned(), Some(meta)),
        };
        let doc = doc.ok_or(DomainError::NotFound)?;
        let bytes = store
            .get_setting(&dossier_key(&self.id, &doc.sha256.0))?
            .filter(|b| sha256(b) == doc.sha256.0)
            .ok_or_else(|| {
                DomainError::Storage(format!("dossier document {n}: bytes missing or changed"))
            })?;
        Ok((doc, bytes))
    }

    /// Seals the draft: writes line 0, which starts the key ceremony.
    ///
    /// The draft is read and marked as sealing under one lock, so no edit
    /// can come between what line 0 says and what the settings say. The
    /// work runs in its own task: a request dropped half-way (the client
    /// gone, the time limit) cannot leave line 0 written and the settings
    /// unmarked. A crash in between is recovered from line 0 on start
    /// ([`Registry::open`]).
    pub async fn seal(self: Arc<Self>, store: Arc<dyn Store>) -> Result<(), DomainError> {
        let payload = {
            let mut meta = self.meta.lock().expect("meta lock");
            if meta.deleted {
                return Err(DomainError::NotFound);
            }
            if meta.sealed || meta.sealing {
                return Err(DomainError::Phase("sealed"));
            }
            meta.sealing = true;
            Payload::Election(body_of(
                &self.id,
                &meta.input,
                &meta.dossier,
                *self.server_key.public().as_bytes(),
            ))
        };
        tokio::spawn(async move {
            let written = self.submit(Job::Entry(payload)).await;
            let mut meta = self.meta.lock().expect("meta lock");
            if let Err(e) = written {
                // Still a draft only when line 0 is not in the log.
                meta.sealing = self
                    .state
                    .lock()
                    .expect("state lock")
                    .tally
                    .election()
                    .is_some();
                return Err(e);
            }
            meta.sealed = true;
            store.put_meta(
                &self.id,
                &serde_json::to_vec(&*meta).expect("meta serializes"),
            )?;
            store.flush()?;
            Ok(())
        })
        .await
        .map_err(|e| DomainError::Storage(format!("sealing task: {e}")))?
    }

    fn trustee_code_ok(&self, index: usize, code: &str) -> bool {
        let meta = self.meta.lock().expect("meta lock");
        meta.trustee_codes
            .get(index)
            .is_some_and(|h| code_matches(code, &h.0))
    }

    /// True when `code` is any committee member's enrollment code.
    pub fn is_committee_code(&self, code: &str) -> bool {
        let meta = self.meta.lock().expect("meta lock");
        meta.trustee_codes
            .iter()
            .fold(false, |acc, h| acc | code_matches(code, &h.0))
    }

    /// A committee member enrolls its trustee key with the enrollment code.
    /// Under n of n, the election key follows the last one; under the
    /// threshold ceremony, the dealings come next. A key that is in the log
    /// already (the member sent it again) is a success.
    pub async fn add_trustee_key(
        &self,
        body: TrusteeKeyBody,
        code: &str,
    ) -> Result<(), DomainError> {
        if !self.trustee_code_ok(body.trustee as usize, code) {
            return Err(DomainError::Unauthorized);
        }
        // Under n of n the writer appends the election key right after the
        // last share, in the same commit: members enrolling at the same
        // moment cannot each try to append it.
        self.submit(Job::Entry(Payload::TrusteeKey(body))).await?;
        Ok(())
    }

    /// Appends a committee entry through the writer (which checks it with
    /// the log's own rules), once it is durable.
    async fn append(&self, payload: Payload) -> Result<(), DomainError> {
        self.submit(Job::Entry(payload)).await.map(|_| ())
    }

    /// Threshold ceremony: a member's dealing (signed inside with its
    /// trustee key). The same dealing sent again is a success.
    pub async fn add_dealing(&self, body: DealingBody) -> Result<(), DomainError> {
        self.append(Payload::Dealing(body)).await
    }

    /// Threshold ceremony: a member's complaint against a dealer's share,
    /// adjudicated here: one that is not upheld is refused. The same
    /// complaint sent again is a success.
    pub async fn add_complaint(&self, body: ComplaintBody) -> Result<(), DomainError> {
        self.append(Payload::Complaint(body)).await
    }

    /// Threshold ceremony: a member has checked every share dealt to it.
    /// After the last one, the election key follows in the same commit. A
    /// second `shares_ok` of a member already recorded, whose signature
    /// verifies, is a success.
    pub async fn add_shares_ok(&self, body: StatementBody) -> Result<(), DomainError> {
        self.append(Payload::SharesOk(body)).await
    }

    /// Attendance (R2), signed by a committee member.
    pub async fn record_quorum(&self, body: QuorumBody) -> Result<(), DomainError> {
        self.append(Payload::Quorum(body)).await
    }

    /// The public credentials of a printed sheet, signed by a member.
    pub async fn add_credentials(&self, body: CredentialsBody) -> Result<(), DomainError> {
        self.append(Payload::Credentials(body)).await
    }

    /// Cancels unused slips (torn, lost, misprinted), signed by a member:
    /// as many new ones may then be issued within the attendance. Refused,
    /// naming the slip, when one has voted, was never issued, is cancelled
    /// already or is named twice; the same statement sent again (an answer
    /// lost) is a success.
    pub async fn cancel(&self, body: CredentialsBody) -> Result<(), DomainError> {
        self.append(Payload::Cancel(body)).await
    }

    /// Opens voting (refused without the quorum of R2).
    pub async fn open(&self, body: StatementBody) -> Result<(), DomainError> {
        self.append(Payload::Open(body)).await
    }

    /// Closes voting; the server adds what it refused. Unused credentials
    /// are void from here on: no ballot is accepted after the close.
    pub async fn close(&self, signer: u32, signature: Hex<64>) -> Result<(), DomainError> {
        let refused = self.state.lock().expect("state lock").refused;
        self.append(Payload::Close(CloseBody {
            refused,
            signer,
            signature,
        }))
        .await
    }

    /// A member's partial decryption of the totals.
    pub async fn add_decryption(&self, body: DecryptionBody) -> Result<(), DomainError> {
        self.append(Payload::Decryption(body)).await
    }

    /// The result, signed by a member; refused unless it equals the
    /// decryption.
    pub async fn publish_result(&self, body: ResultBody) -> Result<(), DomainError> {
        self.append(Payload::Result(body)).await
    }

    /// A voter's ballot: verified here (in parallel with others), then
    /// appended by the writer. The same ballot sent twice gets the same
    /// receipt.
    pub async fn cast(&self, ballot: Ballot) -> Result<Receipt, DomainError> {
        let ctx = self
            .state
            .lock()
            .expect("state lock")
            .tally
            .ballot_context();
        let Some(ctx) = ctx else {
            return Err(DomainError::Phase("setup"));
        };
        // Hashing the ballot (tens of KB) needs no lock.
        let digest = ballot.digest(&ctx);
        let existing = {
            let st = self.state.lock().expect("state lock");
            if let Some(&seq) = st.digests.get(&digest) {
                Ok(Some(seq))
            } else if let Err(r) = st.tally.ballot_admissible(&ballot) {
                Err(r)
            } else {
                audit::not_opened(&st, &ballot)?;
                Ok(None)
            }
        };
        let existing = match existing {
            Ok(existing) => existing,
            Err(r) => {
                // A forgery or a repeat is counted only when the credential
                // signed it: anyone can post a random credential and a
                // zero signature, which is a malformed request, not a
                // forgery (and must not cost a disk flush).
                if matches!(r, ExclusionReason::NotIssued | ExclusionReason::Repeated(_)) {
                    credential_signed(&ballot, &digest)?;
                    let counted = {
                        let mut st = self.state.lock().expect("state lock");
                        count_refusal(&mut st, &r)
                    };
                    // What the server turned away goes into the close entry
                    // (docs/INTERFACES.md `refused`): the count is made
                    // durable before the answer, so that a crash does not
                    // forget it.
                    if counted {
                        let _ = self.submit(Job::Sync).await;
                    }
                }
                return Err(exclusion_error(r));
            }
        };
        if let Some(seq) = existing {
            // The digest leaves the signature out: the stored receipt goes
            // only to the ballot as the credential signed it.
            credential_signed(&ballot, &digest)?;
            return self.wait_durable(seq).await.map(|_| self.receipt(seq));
        }
        // Wait for a verification slot; the permit goes with the work, so
        // that a request dropped meanwhile (a client gone, the time limit)
        // frees it only when its verification is really over.
        let permit = self
            .verifiers
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| DomainError::Storage(format!("verification queue: {e}")))?;
        let (ballot, cts) = tokio::task::spawn_blocking(move || {
            // The batch's random weights (about 60 per ballot) from a CSPRNG
            // seeded once, not one system call each.
            let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_entropy();
            let r = ballot.verify(&ctx, &mut rng);
            drop(permit);
            (ballot, r)
        })
        .await
        .map_err(|e| DomainError::Storage(format!("verification task: {e}")))?;
        let cts = cts.map_err(|e| DomainError::InvalidBallot(e.to_string()))?;
        let seq = self
            .submit(Job::Ballot(Box::new(ballot), digest, cts))
            .await?;
        let line = self.line(seq);
        Ok(self.receipt_for(seq, &line, tracking_code(&digest)))
    }

    /// Waits until line `seq` is durable (a resubmission that raced the
    /// first submission's flush).
    async fn wait_durable(&self, seq: u64) -> Result<(), DomainError> {
        for _ in 0..200 {
            {
                let st = self.state.lock().expect("state lock");
                if let Some(f) = &st.failed {
                    return Err(DomainError::Storage(f.clone()));
                }
                if st.durable as u64 > seq {
                    return Ok(());
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        Err(DomainError::Storage(
            "the ballot is not yet durable; send it again".into(),
        ))
    }

    /// Line `seq` (which exists).
    fn line(&self, seq: u64) -> Arc<[u8]> {
        self.state.lock().expect("state lock").lines[seq as usize].clone()
    }

    /// The receipt of the ballot at line `seq`.
    pub fn receipt(&self, seq: u64) -> Receipt {
        // Only the copy of the line's handle holds the lock: decoding,
        // hashing and signing would stall the writer and every other voter.
        let (line, ctx) = {
            let st = self.state.lock().expect("state lock");
            (st.lines[seq as usize].clone(), st.tally.ballot_context())
        };
        let tracking = match tinnhiem_core::log::parse_line(&line).map(|e| e.payload) {
            Ok(Payload::Ballot(b)) => tracking_code(&b.digest(&ctx.expect("voting"))),
            _ => String::new(),
        };
        self.receipt_for(seq, &line, tracking)
    }

    /// The receipt of line `seq`, `line`, whose ballot has the tracking code
    /// `tracking`.
    fn receipt_for(&self, seq: u64, line: &[u8], tracking: String) -> Receipt {
        let hash = tinnhiem_core::log::entry_hash(line);
        let sig = self.server_key.sign(
            SERVER_HEAD_CONTEXT,
            &head_message(&hash, seq),
            &mut rand::rngs::OsRng,
        );
        Receipt {
            tracking,
            seq,
            entry_hash: hex(&hash),
            head: hex(&hash),
            head_signature: hex(&sig.to_bytes()),
        }
    }

    /// What the log says of public credential `public`: whether the
    /// committee issued it, and the receipt of its ballot once that ballot is
    /// durable. Everything here is public in the log already (the credentials
    /// entries, the ballots' `credential`); it lets a voter's phone say "this
    /// code has already voted" before the ballot is filled in (R5).
    pub fn credential_status(&self, public: &[u8; 32]) -> CredentialStatus {
        let (issued, cancelled, seq) = {
            let st = self.state.lock().expect("state lock");
            let cancelled = st.tally.is_cancelled(public);
            match st.tally.credential(public) {
                None => (false, cancelled, None),
                Some(None) => (true, cancelled, None),
                Some(Some(seq)) => (true, cancelled, Some((seq, (seq as usize) < st.durable))),
            }
        };
        CredentialStatus {
            issued,
            cancelled,
            voted: seq.is_some(),
            receipt: seq.and_then(|(seq, durable)| durable.then(|| self.receipt(seq))),
        }
    }

    /// Finds a ballot by its tracking code.
    pub fn lookup(&self, tracking: &str) -> Option<Receipt> {
        let want = tracking.trim().to_ascii_uppercase();
        let seq = {
            let st = self.state.lock().expect("state lock");
            st.digests
                .iter()
                .find(|(d, s)| tracking_code(d) == want && (**s as usize) < st.durable)
                .map(|(_, s)| *s)
        }?;
        Some(self.receipt(seq))
    }

    /// Lines `range.from..range.to` of the durable log (`to` clamped to its
    /// end, `from` past it giving no lines) as JSON Lines, exactly the
    /// stored bytes each followed by `\n`; or [`LogAnswer::NotModified`]
    /// when `if_none_match` names the log as it is ([`log_etag`]).
    ///
    /// The lock is held only to copy the lines' handles (reference counts,
    /// not bytes); the bytes are hashed and joined after it is released, so
    /// a reader of a large log never stalls the writer or the voters.
    pub fn log_range(&self, range: LogRange, if_none_match: Option<&str>) -> LogAnswer {
        let (last, count, lines) = {
            let st = self.state.lock().expect("state lock");
            let n = st.durable;
            let to = range
                .to
                .map_or(n, |t| usize::try_from(t).unwrap_or(n).min(n));
            let from = usize::try_from(range.from).unwrap_or(to).min(to);
            let lines: Vec<Arc<[u8]>> = if if_none_match.is_some() {
                Vec::new()
            } else {
                st.lines[from..to].to_vec()
            };
            (n.checked_sub(1).map(|i| st.lines[i].clone()), n, lines)
        };
        let head = last.map(|l| tinnhiem_core::log::entry_hash(&l));
        let etag = log_etag(head.as_ref(), count as u64);
        if let Some(tags) = if_none_match {
            if etag_matches(tags, &etag) {
                return LogAnswer::NotModified { etag };
            }
            // Not the same log: take the lines now (it may have grown).
            return self.log_range(range, None);
        }
        let mut bytes = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
        for l in &lines {
            bytes.extend_from_slice(l);
            bytes.push(b'\n');
        }
        LogAnswer::Lines { etag, bytes }
    }

    /// The signed head.
    pub fn head(&self) -> Option<SignedHead> {
        let (hash, seq) = {
            let st = self.state.lock().expect("state lock");
            if st.durable == 0 {
                return None;
            }
            (
                tinnhiem_core::log::entry_hash(&st.lines[st.durable - 1]),
                st.durable as u64 - 1,
            )
        };
        let sig = self.server_key.sign(
            SERVER_HEAD_CONTEXT,
            &head_message(&hash, seq),
            &mut rand::rngs::OsRng,
        );
        Some(SignedHead {
            seq,
            head: hex(&hash),
            signature: hex(&sig.to_bytes()),
        })
    }

    /// The encrypted totals, once voting is closed.
    pub fn totals(&self) -> Result<Totals, DomainError> {
        let st = self.state.lock().expect("state lock");
        if !matches!(st.tally.phase(), Phase::Closed | Phase::Done) {
            return Err(DomainError::Phase("voting"));
        }
        Ok(Totals {
            items: st
                .tally
                .totals()
                .iter()
                .map(|c| hex(&c.compress().to_bytes()))
                .collect(),
            returned: st.tally.returned(),
        })
    }

    /// The result for a reader R11 allows.
    pub fn result(&self, reader: Reader<'_>) -> Result<ElectionResult, DomainError> {
        let mut r = {
            let st = self.state.lock().expect("state lock");
            st.tally
                .finish()
                .map_err(|_| DomainError::Phase("not done"))?
        };
        if let Reader::Candidate(code) = reader {
            let meta = self.meta.lock().expect("meta lock");
            let Some(i) = meta
                .candidate_codes
                .iter()
                .position(|h| code_matches(code, &h.0))
            else {
                return Err(DomainError::Unauthorized);
            };
            r.candidates = vec![r.candidates[i].clone()];
        }
        Ok(r)
    }

    /// True when `code` is candidate access code.
    pub fn is_candidate_code(&self, code: &str) -> bool {
        let meta = self.meta.lock().expect("meta lock");
        meta.candidate_codes
            .iter()
            .fold(false, |acc, h| acc | code_matches(code, &h.0))
    }

    /// A voter asks for the result (R11: the people who voted) by signing
    /// the election hash with the credential of a counted ballot.
    pub fn result_for_voter(
        &self,
        credential: &[u8; 32],
        signature: &[u8; 64],
    ) -> Result<ElectionResult, DomainError> {
        let hash = {
            let st = self.state.lock().expect("state lock");
            if !matches!(st.tally.credential(credential), Some(Some(_))) {
                return Err(DomainError::Unauthorized);
            }
            st.tally.election_hash().ok_or(DomainError::NotFound)?
        };
        let key = tinnhiem_core::schnorr::PublicKey::from_bytes(credential, "credential")
            .map_err(|_| DomainError::Unauthorized)?;
        let sig = tinnhiem_core::schnorr::Signature::from_bytes(signature)
            .map_err(|_| DomainError::Unauthorized)?;
        sig.verify(&key, RESULT_ACCESS_CONTEXT, &hash)
            .map_err(|_| DomainError::Unauthorized)?;
        self.result(Reader::Committee)
    }

    /// Line 0's election (for the minutes).
    pub fn body(&self) -> Option<ElectionBody> {
        self.state
            .lock()
            .expect("state lock")
            .tally
            .election()
            .cloned()
    }

    async fn submit(&self, job: Job) -> Result<u64, DomainError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send((job, tx))
            .await
            .map_err(|_| DomainError::Storage("the election's writer stopped".into()))?;
        rx.await
            .map_err(|_| DomainError::Storage("the election's writer stopped".into()))?
    }
}

/// Which lines of the log to serve: `from..to`, `to` exclusive, both from 0
/// (`GET /api/elections/{id}/log?from=A&to=B`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LogRange {
    /// The first line.
    pub from: u64,
    /// One past the last line; `None`: to the end.
    pub to: Option<u64>,
}

/// The answer to a request for the log.
#[derive(Debug)]
pub(crate) enum LogAnswer {
    /// The lines asked for.
    Lines {
        /// The log's tag ([`log_etag`]).
        etag: String,
        /// JSON Lines.
        bytes: Vec<u8>,
    },
    /// The client's copy is the log as it is.
    NotModified {
        /// The log's tag.
        etag: String,
    },
}

/// The `ETag` of a log: its line count and head (the entry hash of its last
/// line), `W/"<count>-<head hex>"` (weak, since the body may be sent
/// compressed). Lines are only ever appended, so equal tags mean the same
/// log, and the same range of it the same bytes.
pub(crate) fn log_etag(head: Option<&[u8; 32]>, count: u64) -> String {
    match head {
        Some(h) => format!("W/\"{count}-{}\"", hex(h)),
        None => format!("W/\"{count}\""),
    }
}

/// Whether an `If-None-Match` value names `etag` (`*`, or one of a
/// comma-separated list, compared weakly).
fn etag_matches(header: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    header
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

/// Context of a voter's request for the result (R11): a signature by the
/// credential on the election hash.
pub const RESULT_ACCESS_CONTEXT: &str = "result-access";

/// Checks the credential's signature on a ballot whose digest is `digest`
/// (one signature, not the proofs): refused as an invalid ballot otherwise.
fn credential_signed(ballot: &Ballot, digest: &[u8; 32]) -> Result<(), DomainError> {
    let bad = || DomainError::InvalidBallot("the credential signature does not verify".into());
    let key = tinnhiem_core::schnorr::PublicKey::from_bytes(&ballot.credential, "credential")
        .map_err(|_| bad())?;
    ballot
        .signature
        .verify(&key, tinnhiem_core::ballot::SIGNATURE_CONTEXT, digest)
        .map_err(|_| bad())
}

/// Counts a forged or repeated ballot; true when it was one.
fn count_refusal(st: &mut LogState, r: &ExclusionReason) -> bool {
    match r {
        ExclusionReason::NotIssued => st.refused.forged += 1,
        ExclusionReason::Repeated(_) => st.refused.repeated += 1,
        _ => return false,
    }
    true
}

/// The election's only appender (see the module documentation).
async fn writer(e: Arc<Election>, store: Arc<dyn Store>, mut rx: mpsc::Receiver<(Job, Reply)>) {
    let mut rng = rand::rngs::OsRng;
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < 512 {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut replies: Vec<(Reply, Result<u64, DomainError>)> = Vec::with_capacity(jobs.len());
        let (first_seq, new_lines) = {
            let mut st = e.state.lock().expect("state lock");
            if let Some(f) = st.failed.clone() {
                for (_, reply) in jobs {
                    let _ = reply.send(Err(DomainError::Storage(f.clone())));
                }
                continue;
            }
            let first_seq = st.lines.len() as u64;
            for (job, reply) in jobs {
                let r = append_one(&e, &mut st, job, &mut rng);
                replies.push((reply, r));
            }
            let new_lines: Vec<Vec<u8>> = st.lines[first_seq as usize..]
                .iter()
                .map(|l| l.to_vec())
                .collect();
            (first_seq, new_lines)
        };
        // Refusals are counted outside the writer too (`cast`), so compare
        // with what is stored, not with the count before this batch.
        let meta_bytes = {
            let mut meta = e.meta.lock().expect("meta lock");
            let refused = e.state.lock().expect("state lock").refused;
            (meta.refused != refused).then(|| {
                meta.refused = refused;
                serde_json::to_vec(&*meta).expect("meta serializes")
            })
        };
        // The audits accepted since the last commit, each written alone,
        // and those just appended to the log, removed once it is durable.
        let (audit_puts, audit_removals) =
            e.state.lock().expect("state lock").pending.take_writes();
        let s = store.clone();
        let id = e.id.clone();
        let n = new_lines.len();
        let witness = new_lines
            .last()
            .map(|l| (first_seq + n as u64 - 1, tinnhiem_core::log::entry_hash(l)));
        let started = std::time::Instant::now();
        let written = tokio::task::spawn_blocking(move || -> Result<(), StoreError> {
            if !new_lines.is_empty() {
                s.append(&id, first_seq, &new_lines)?;
            }
            for (k, v) in &audit_puts {
                s.put_item(&id, k, v)?;
            }
            if let Some(m) = meta_bytes {
                s.put_meta(&id, &m)?;
            }
            s.flush()?;
            if let Some((seq, head)) = witness {
                s.put_witness(&id, seq, &head)?;
            }
            if !audit_removals.is_empty() {
                // Only once the log holding them is durable. A failure here
                // loses nothing: what is left is dropped on the next start
                // (`audit::restore`), the log being closed.
                if let Err(err) = s
                    .remove_items(&id, &audit_removals)
                    .and_then(|()| s.flush())
                {
                    tracing::error!(election = %id, error = %err, "cannot remove the published audits from the pending ones");
                }
            }
            Ok(())
        })
        .await;
        tracing::debug!(election = %e.id, lines = n, ms = started.elapsed().as_secs_f64() * 1e3, "group commit");
        let failure = match written {
            Ok(Ok(())) => None,
            Ok(Err(err)) => Some(err.to_string()),
            Err(err) => Some(format!("storage task: {err}")),
        };
        {
            let mut st = e.state.lock().expect("state lock");
            match &failure {
                None => st.durable = first_seq as usize + n,
                Some(f) => {
                    tracing::error!(election = %e.id, error = %f, "storage failure; the election refuses writes until restart");
                    st.failed = Some(f.clone());
                }
            }
        }
        for (reply, r) in replies {
            let r = match (&failure, r) {
                (Some(f), Ok(_)) => Err(DomainError::Storage(f.clone())),
                (_, r) => r,
            };
            let _ = reply.send(r);
        }
    }
}

fn append_one(
    e: &Election,
    st: &mut LogState,
    job: Job,
    rng: &mut rand::rngs::OsRng,
) -> Result<u64, DomainError> {
    let seq = st.lines.len() as u64;
    let prev = st.tally.head();
    match job {
        Job::Ballot(ballot, digest, cts) => {
            if let Some(&seq) = st.digests.get(&digest) {
                return Ok(seq);
            }
            if let Err(r) = st.tally.ballot_admissible(&ballot) {
                count_refusal(st, &r);
                return Err(exclusion_error(r));
            }
            // An audit of these very ciphertexts may have come in since
            // `cast` looked.
            audit::not_opened(st, &ballot)?;
            let (entry, line) =
                Entry::seal(seq, prev, Payload::Ballot(*ballot), &e.server_key, rng);
            match st.tally.push_sealed(&line, entry, Some(cts), rng) {
                Ok(Pushed::Accepted) => {}
                Ok(Pushed::Excluded(r)) => return Err(exclusion_error(r)),
                Err(v) => return Err(DomainError::Rejected(v.reason)),
            }
            st.digests.insert(digest, seq);
            st.lines.push(line.into());
            Ok(seq)
        }
        Job::Sync => Ok(seq),
        Job::ElectionKey => {
            append_election_key(e, st, rng);
            Ok(seq)
        }
        Job::Entry(payload) => {
            let sent_again = match &payload {
                Payload::Cancel(b) => st.cancels.contains(b),
                _ => false,
            };
            if sent_again || already_logged(&st.tally, &payload) {
                // Sent again (an answer lost, a member's retry): the entry
                // is in the log, which is success.
                return Ok(seq);
            }
            let key_may_follow = matches!(payload, Payload::TrusteeKey(_) | Payload::SharesOk(_));
            let (seq, prev) = if matches!(payload, Payload::Close(_))
                && !st.pending.audits.is_empty()
                && audit::close_verifies(&st.tally, &payload)
            {
                append_pending_audits(e, st, rng)?;
                (st.lines.len() as u64, st.tally.head())
            } else {
                (seq, prev)
            };
            let (entry, line) = Entry::seal(seq, prev, payload.clone(), &e.server_key, rng);
            st.tally
                .push_sealed(&line, entry, None, rng)
                .map_err(|v| refusal(st, &payload, v.reason))?;
            st.lines.push(line.into());
            match payload {
                Payload::Credentials(b) => st.slips.extend(b.credentials.iter().map(|c| c.0)),
                Payload::Cancel(b) => st.cancels.push(b),
                _ => {}
            }
            if key_may_follow {
                append_election_key(e, st, rng);
            }
            Ok(seq)
        }
    }
}

/// Appends every pending audit, sorted by seal digest, at the end of the
/// log (just before the `close` the caller appends next, in the same
/// commit): PROTOCOL.md §6.3 `audit`.
fn append_pending_audits(
    e: &Election,
    st: &mut LogState,
    rng: &mut rand::rngs::OsRng,
) -> Result<(), DomainError> {
    let pending = std::mem::take(&mut st.pending.audits);
    st.pending.published.extend(pending.keys().copied());
    for (_, body) in pending {
        let seq = st.lines.len() as u64;
        let (entry, line) = Entry::seal(
            seq,
            st.tally.head(),
            Payload::Audit(body),
            &e.server_key,
            rng,
        );
        st.tally
            .push_sealed(&line, entry, None, rng)
            .map_err(|v| DomainError::Rejected(v.reason))?;
        st.lines.push(line.into());
    }
    Ok(())
}

/// Whether `payload` is in the log already, sent again: the same trustee
/// key, dealing or complaint, or a `shares_ok` of a member already recorded
/// whose signature verifies.
fn already_logged(t: &Tally, payload: &Payload) -> bool {
    match payload {
        Payload::TrusteeKey(b) => t
            .trustee_keys()
            .get(b.trustee as usize)
            .copied()
            .flatten()
            .is_some_and(|k| k.as_bytes() == &b.key.0),
        Payload::Dealing(b) => t
            .dealings()
            .is_some_and(|d| d.iter().flatten().any(|logged| *logged == b.dealing.0)),
        Payload::Complaint(b) => t.complaints().iter().any(|c| c.to_bytes() == b.complaint.0),
        Payload::SharesOk(b) => {
            let recorded = t
                .shares_ok()
                .and_then(|ok| ok.get(b.signer as usize).copied())
                .unwrap_or(false);
            let (Some(hash), Some(d), Some(key)) = (
                t.election_hash(),
                t.dealings_hash(),
                t.trustee_keys().get(b.signer as usize).copied().flatten(),
            ) else {
                return false;
            };
            recorded
                && tinnhiem_core::schnorr::Signature::from_bytes(&b.signature.0).is_ok_and(|s| {
                    s.verify(&key, SHARES_OK_CONTEXT, &shares_ok_message(&hash, &d))
                        .is_ok()
                })
        }
        _ => false,
    }
}

fn phase_error(phase: Phase) -> DomainError {
    DomainError::Phase(match phase {
        Phase::Empty | Phase::Setup => "setup",
        Phase::Voting => "voting",
        Phase::Closed => "closed",
        Phase::Done => "done",
    })
}

/// The refusal of `payload`, which the log's rules refused for `reason`;
/// `t` is the state it was refused in (unchanged by the refusal).
fn refusal(st: &LogState, payload: &Payload, reason: Reason) -> DomainError {
    use CeremonyError as C;
    let t = &st.tally;
    let ceremony = |c: CeremonyError| DomainError::Ceremony(c);
    let slip = |b: &CredentialsBody, index: usize| {
        let credential = b.credentials.get(index).map_or([0; 32], |c| c.0);
        SlipName {
            index,
            credential,
            number: st
                .slips
                .iter()
                .position(|s| *s == credential)
                .map(|p| p as u64 + 1),
        }
    };
    match (payload, reason) {
        (Payload::Cancel(b), Reason::CancelUsed { index, used_by }) => {
            DomainError::Cancel(CancelError::Used {
                slip: slip(b, index),
                used_by,
            })
        }
        (Payload::Cancel(b), Reason::BadCredential { index }) => {
            let s = slip(b, index);
            DomainError::Cancel(if t.credential(&s.credential).is_none() {
                CancelError::NotIssued(s)
            } else if t.is_cancelled(&s.credential) {
                CancelError::AlreadyCancelled(s)
            } else {
                CancelError::Twice(s)
            })
        }
        (_, Reason::NoQuorum { present, summoned }) => DomainError::Quorum { present, summoned },
        (
            Payload::Dealing(_) | Payload::Complaint(_) | Payload::SharesOk(_),
            Reason::OutOfPhase { phase, .. },
        ) => ceremony_order(t, payload).map_or_else(|| phase_error(phase), ceremony),
        (_, Reason::OutOfPhase { phase, .. }) => phase_error(phase),
        (_, Reason::Dealing { dealer, fault }) => ceremony(C::BadDealing { dealer, fault }),
        (Payload::Dealing(_), Reason::Duplicate(i)) => ceremony(C::AlreadyDealt(i)),
        (_, Reason::Complaint { dealer, complainer }) if dealer == complainer => {
            ceremony(C::ComplaintOwnShare(dealer))
        }
        (_, Reason::Complaint { dealer, complainer }) if t.disqualified(dealer) => {
            ceremony(C::DealerAlreadyOut { dealer, complainer })
        }
        (_, Reason::Complaint { dealer, complainer }) => {
            ceremony(C::ComplaintNotUpheld { dealer, complainer })
        }
        (_, Reason::NotQualified(i)) => ceremony(C::NotQualified(i)),
        (Payload::Decryption(_), Reason::Decryption { trustee, item }) => {
            ceremony(C::BadDecryption { trustee, item })
        }
        (_, Reason::ResultTooEarly) => match t.threshold_params() {
            Some(params) => ceremony(C::DecryptionsNeeded {
                needed: tinnhiem_tally::member::decryptions_needed(t),
                threshold: params.t(),
            }),
            None => DomainError::Rejected(Reason::ResultTooEarly),
        },
        (_, r) => DomainError::Rejected(r),
    }
}

/// Why a ceremony entry is out of its order, when the log's rules say it
/// is (PROTOCOL.md §6.3): `None` when none of these applies.
fn ceremony_order(t: &Tally, payload: &Payload) -> Option<CeremonyError> {
    use CeremonyError as C;
    let missing = |flags: &mut dyn Iterator<Item = bool>| -> Vec<u32> {
        flags
            .enumerate()
            .filter(|(_, present)| !present)
            .map(|(i, _)| i as u32)
            .collect()
    };
    if t.election().is_none() || t.phase() != Phase::Setup {
        return None;
    }
    let Some(dealings) = t.dealings() else {
        return Some(C::NotThreshold);
    };
    if t.ballot_context().is_some() {
        return Some(C::Over);
    }
    let keys = missing(&mut t.trustee_keys().iter().map(Option::is_some));
    match payload {
        Payload::Dealing(_) if !keys.is_empty() => Some(C::KeysMissing(keys)),
        Payload::SharesOk(_) if t.dealings_hash().is_none() => Some(C::DealingsMissing(missing(
            &mut dealings.iter().map(Option::is_some),
        ))),
        Payload::Complaint(b) => {
            let complainer = tinnhiem_core::dkg::Complaint::from_bytes(&b.complaint.0)
                .ok()?
                .complainer;
            t.shares_ok()?
                .get(complainer as usize)
                .copied()
                .unwrap_or(false)
                .then_some(C::ComplaintAfterSharesOk(complainer))
        }
        _ => None,
    }
}

/// The election key that is due: every share is in the log (n of n), or
/// every member has posted `shares_ok` and at least `t` dealers qualified
/// (threshold: `Σ_{i∈Q} A_i0`, PROTOCOL.md §10.8), and no key yet.
fn election_key_due(t: &Tally) -> Option<[u8; 32]> {
    if t.ballot_context().is_some() || t.phase() != Phase::Setup {
        return None;
    }
    match t.shares_ok() {
        Some(ok) => {
            if !ok.iter().all(|b| *b) {
                return None;
            }
            let public = t.qualification()?.public().ok()?;
            Some(*public.election_key().as_bytes())
        }
        None => {
            let keys = t
                .trustee_keys()
                .iter()
                .copied()
                .collect::<Option<Vec<_>>>()?;
            if keys.is_empty() {
                return None;
            }
            Some(combine(&keys).compress().to_bytes())
        }
    }
}

/// Appends the election key when it is due ([`election_key_due`]): right
/// after the last share (n of n) or the last `shares_ok` (threshold), in the
/// same commit, so that it is appended exactly once however the members'
/// requests interleave.
fn append_election_key(e: &Election, st: &mut LogState, rng: &mut rand::rngs::OsRng) {
    let Some(key) = election_key_due(&st.tally) else {
        return;
    };
    let seq = st.lines.len() as u64;
    let (entry, line) = Entry::seal(
        seq,
        st.tally.head(),
        Payload::ElectionKey(ElectionKeyBody { key: Hex(key) }),
        &e.server_key,
        rng,
    );
    match st.tally.push_sealed(&line, entry, None, rng) {
        Ok(_) => st.lines.push(line.into()),
        // The key is due: the log's rules take it. Should they not, the
        // last entry stays, and the log says why.
        Err(v) => tracing::error!(election = %e.id, error = %v, "the election key was refused"),
    }
}

/// Parses a hex field of a request.
pub(crate) fn hex_field<const N: usize>(
    s: &str,
    field: &'static str,
) -> Result<[u8; N], DomainError> {
    unhex_array(s, field).map_err(|e| {
        invalid(
            format!("Trường “{field}” phải là {} chữ số hex.", 2 * N),
            e.to_string(),
        )
    })
}
