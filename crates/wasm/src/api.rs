//! The operations offered to the browser, JSON in and JSON out.
//!
//! | op | name | request | answer |
//! |---|---|---|---|
//! | 1 | `encrypt_ballot` | [`EncryptRequest`] | [`EncryptAnswer`] |
//! | 2 | `credential_public` | [`CredentialRequest`] | [`CredentialAnswer`] |
//! | 3 | `trustee_keygen` | [`KeygenRequest`] | [`KeygenAnswer`] |
//! | 4 | `sign_statement` | [`StatementRequest`] | [`SignatureAnswer`] |
//! | 5 | `make_credentials` | [`MakeCredentialsRequest`] | [`MakeCredentialsAnswer`] |
//! | 6 | `partial_decrypt` | [`DecryptRequest`] | [`DecryptAnswer`] |
//! | 7 | `tally_begin` | [`TallyBeginRequest`] | [`TallyProgress`] |
//! | 8 | `tally_step` | [`TallyStepRequest`] | [`TallyProgress`] |
//! | 9 | `tally_finish` | `{}` | [`TallyAnswer`] |
//! | 10 | `voter_result_signature` | [`VoterSignatureRequest`] | [`VoterSignatureAnswer`] |
//! | 11 | `qr_svg` | [`QrRequest`] | [`QrAnswer`] |
//! | 12 | `fingerprint` | [`FingerprintRequest`] | [`FingerprintAnswer`] |
//! | 13 | `trustee_public` | [`TrusteePublicRequest`] | [`TrusteePublicAnswer`] |
//! | 14 | `election_check` | [`ElectionCheckRequest`] | [`ElectionCheckAnswer`] |
//! | 15 | `check_receipt` | [`ReceiptCheckRequest`] | [`ReceiptCheckAnswer`] |
//! | 16 | `member_step` | [`MemberStepRequest`] | [`MemberStepAnswer`] |
//! | 17 | `member_decryption` | [`MemberDecryptionRequest`] | [`MemberDecryptionAnswer`] |
//! | 18 | `check_key` | [`CheckKeyRequest`] | [`CheckKeyAnswer`] |
//! | 19 | `slips` | [`SlipsRequest`] | `[`[`SlipView`]`]` |
//! | 20 | `key_check_code` | [`KeyCheckCodeRequest`] | [`KeyCheckCodeAnswer`] |
//! | 21 | `campaign_report` | [`CampaignRequest`] | [`CampaignAnswer`] |
//! | 22 | `seal_ballot` | [`EncryptRequest`] | [`SealAnswer`] |
//! | 23 | `open_sealed` | [`OpenSealedRequest`] | [`AuditRequest`] |
//! | 24 | `forget_sealed` | `{}` | `{}` |
//! | 25 | `check_audit` | [`CheckAuditRequest`] | [`CheckAuditAnswer`] |
//! | 26 | `tally_plan` | [`TallyPlanRequest`] | [`TallyPlan`] |
//! | 27 | `tally_check_chunk` | bytes: see [`tally_check_chunk`] | [`CheckChunkAnswer`] |
//! | 28 | `tally_apply_chunk` | [`ApplyChunkRequest`] | [`TallyProgress`] |
//! | 29 | `tally_load` | bytes: the log | [`TallyProgress`] |
//! | 30 | `find_ballot` | [`FindBallotRequest`] | [`FindBallotAnswer`] |
//! | 31 | `find_audit` | [`FindAuditRequest`] | [`FindAuditAnswer`] |
//!
//! The voter's audit (PROTOCOL.md §5.6, §6.3 `audit`) uses 22–25:
//! `seal_ballot` encrypts, proves and signs a ballot as `encrypt_ballot`
//! does and keeps its randomness and marks in the module's memory (one
//! sealed ballot at a time; a new seal wipes the old one); the page shows
//! the seal code, then either sends the ballot and calls `forget_sealed`,
//! or calls `open_sealed` for the body of `POST /api/elections/{id}/audits`
//! (which wipes the sealed state too). `check_audit` is the second device's
//! check of a published opening, computed in its page; given the server's
//! promise and line 0's `server_key` it checks the promise too. `find_ballot`
//! (30) finds a cast ballot by its seal code (the receipt shows it) among
//! the lines of the log verified in the page's session, by either path
//! (`tally_step` or the workers'); `find_audit` (31) finds a published
//! audit there the same way, for the page to open with `check_audit` when
//! the server does not answer for it (and to see that a closed log lacks
//! an audit the server serves).
//!
//! Ops 26–29 split `tally_step` for the inspector's Web Workers (each has its
//! own copy of the module): the page's module loads the log (`tally_load`,
//! as `tally_begin` but the request is the log's bytes, not JSON: a 33 MB
//! log's JSON string costs seconds) and reads the header (`tally_plan`),
//! the workers check chunks of lines (`tally_check_chunk`, which needs no
//! session, only the header's bytes; its request is bytes too), and the
//! page's module applies their summaries in log order
//! (`tally_apply_chunk`), with the answers `tally_step` would give
//! (`tinnhiem_tally::apply_checked`).
//!
//! The committee member's operations (16–18) work on the log the page has
//! just verified with `tally_begin` and `tally_step` (the console downloads
//! it and checks every line, [`TallyAnswer`]): they refuse a log that is not
//! verified to its end, and one whose last line is not the `head` the page
//! read from `tally_finish` (another verification replaced it meanwhile).
//!
//! Errors are answered as `{"error": "..."}`; an error message never
//! contains the credential or any other secret. Secrets that the page must
//! keep (a trustee's key share, for the key file the member downloads) are
//! returned to the page only by the operation that makes them. The request
//! fields that carry a secret (a credential text, a key share, a random
//! seed) are wiped as soon as they are read, and the export shims wipe the
//! request and answer buffers (`shim.rs`).

use std::cell::RefCell;

use qrcode::{EcLevel, QrCode};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use tinnhiem_core::ballot::{
    check_name, read_seal_code, seal_code, tracking_code, Ballot, Choice, ElectionContext,
    SealedBallot,
};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::elgamal::{Ciphertext, CompressedCiphertext};
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::log::{
    AuditBody, CloseBody, CredentialsBody, DecryptionBody, Hex, Payload, QuorumBody, ResultBody,
    StatementBody,
};
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_core::CompressedRistretto;
use tinnhiem_tally::member::{self, MemberError, Step};
use tinnhiem_tally::{Tally, VerifyError};
use zeroize::{Zeroize, Zeroizing};

/// Operation codes of `tn_call`.
pub mod op {
    /// [`super::encrypt_ballot`].
    pub const ENCRYPT_BALLOT: u32 = 1;
    /// [`super::credential_public`].
    pub const CREDENTIAL_PUBLIC: u32 = 2;
    /// [`super::trustee_keygen`].
    pub const TRUSTEE_KEYGEN: u32 = 3;
    /// [`super::sign_statement`].
    pub const SIGN_STATEMENT: u32 = 4;
    /// [`super::make_credentials`].
    pub const MAKE_CREDENTIALS: u32 = 5;
    /// [`super::partial_decrypt`].
    pub const PARTIAL_DECRYPT: u32 = 6;
    /// [`super::tally_begin`].
    pub const TALLY_BEGIN: u32 = 7;
    /// [`super::tally_step`].
    pub const TALLY_STEP: u32 = 8;
    /// [`super::tally_finish`].
    pub const TALLY_FINISH: u32 = 9;
    /// [`super::voter_result_signature`].
    pub const VOTER_RESULT_SIGNATURE: u32 = 10;
    /// [`super::qr_svg`].
    pub const QR_SVG: u32 = 11;
    /// [`super::fingerprint`].
    pub const FINGERPRINT: u32 = 12;
    /// [`super::trustee_public`].
    pub const TRUSTEE_PUBLIC: u32 = 13;
    /// [`super::election_check`].
    pub const ELECTION_CHECK: u32 = 14;
    /// [`super::check_receipt`].
    pub const CHECK_RECEIPT: u32 = 15;
    /// [`super::member_step`].
    pub const MEMBER_STEP: u32 = 16;
    /// [`super::member_decryption`].
    pub const MEMBER_DECRYPTION: u32 = 17;
    /// [`super::check_key`].
    pub const CHECK_KEY: u32 = 18;
    /// [`super::slips`].
    pub const SLIPS: u32 = 19;
    /// [`super::key_check_code`].
    pub const KEY_CHECK_CODE: u32 = 20;
    /// [`super::campaign_report`].
    pub const CAMPAIGN_REPORT: u32 = 21;
    /// [`super::seal_ballot`].
    pub const SEAL_BALLOT: u32 = 22;
    /// [`super::open_sealed`].
    pub const OPEN_SEALED: u32 = 23;
    /// [`super::forget_sealed`].
    pub const FORGET_SEALED: u32 = 24;
    /// [`super::check_audit`].
    pub const CHECK_AUDIT: u32 = 25;
    /// [`super::tally_plan`].
    pub const TALLY_PLAN: u32 = 26;
    /// [`super::tally_check_chunk`].
    pub const TALLY_CHECK_CHUNK: u32 = 27;
    /// [`super::tally_apply_chunk`].
    pub const TALLY_APPLY_CHUNK: u32 = 28;
    /// [`super::tally_load`].
    pub const TALLY_LOAD: u32 = 29;
    /// [`super::find_ballot`].
    pub const FIND_BALLOT: u32 = 30;
    /// [`super::find_audit`].
    pub const FIND_AUDIT: u32 = 31;
}

/// Fill in, encrypt and sign a ballot.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptRequest {
    /// The election id (from the voter URL).
    pub election_id: String,
    /// The election hash, hex (from the server's ballot description).
    pub election_hash: String,
    /// The election key, hex.
    pub election_key: String,
    /// The credential text from the URL fragment.
    pub credential: String,
    /// One choice per candidate: `"high"`, `"confidence"`, `"low"` or null.
    pub choices: Vec<Choice>,
    /// The optional declared name (R4).
    #[serde(default)]
    pub signed_by: Option<String>,
    /// 32 random bytes, hex.
    pub seed: String,
}

/// The encrypted ballot and its tracking code.
#[derive(Serialize)]
pub struct EncryptAnswer {
    /// The ballot, as the server takes it.
    pub ballot: Ballot,
    /// The tracking code the receipt will show.
    pub tracking: String,
}

/// Derive the public credential from the text (to check a typed code).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialRequest {
    /// The election id.
    pub election_id: String,
    /// The credential text.
    pub credential: String,
}

/// The public credential.
#[derive(Serialize)]
pub struct CredentialAnswer {
    /// `C`, hex.
    pub public: String,
}

fn err(e: impl core::fmt::Display) -> String {
    e.to_string()
}

/// What `encrypt_ballot` and `seal_ballot` read of their request: the
/// credential and the seed texts are wiped as soon as they are read.
struct BallotInputs {
    ctx: ElectionContext,
    election_id: String,
    credential: Credential,
    choices: Vec<Choice>,
    signed_by: Option<String>,
    rng: PageRng,
}

impl BallotInputs {
    fn read(req: EncryptRequest) -> Result<BallotInputs, String> {
        let secret_text = Zeroizing::new(req.credential);
        let seed_text = Zeroizing::new(req.seed);
        let election_hash = unhex_array::<32>(&req.election_hash, "election_hash").map_err(err)?;
        let key = PublicKey::from_bytes(
            &unhex_array(&req.election_key, "election_key").map_err(err)?,
            "election_key",
        )
        .map_err(err)?;
        let credential = Credential::from_text(&secret_text).map_err(err)?;
        if let Some(n) = &req.signed_by {
            check_name(n).map_err(err)?;
        }
        Ok(BallotInputs {
            rng: rng(&seed_text)?,
            ctx: ElectionContext {
                election_hash,
                key,
                candidates: req.choices.len() as u32,
            },
            election_id: req.election_id,
            credential,
            choices: req.choices,
            signed_by: req.signed_by,
        })
    }
}

/// Encrypts and signs a ballot.
pub fn encrypt_ballot(req: EncryptRequest) -> Result<EncryptAnswer, String> {
    let b = BallotInputs::read(req)?;
    let mut rng = b.rng;
    let ballot = Ballot::cast(
        &b.ctx,
        &b.election_id,
        &b.credential,
        &b.choices,
        b.signed_by,
        &mut rng,
    );
    let ctx = b.ctx;
    let tracking = tracking_code(&ballot.digest(&ctx));
    Ok(EncryptAnswer { ballot, tracking })
}

/// The sealed ballot and its codes.
#[derive(Serialize)]
pub struct SealAnswer {
    /// The ballot, as the server takes it (as `encrypt_ballot` answers).
    pub ballot: Ballot,
    /// Its tracking code, `XXXX-XXXX`.
    pub tracking: String,
    /// Its seal code, `XXXX-XXXX-XXXX-XXXX` (PROTOCOL.md §5.6).
    pub seal: String,
}

/// The ballot sealed by `seal_ballot`, waiting to be sent or opened.
struct Sealed {
    ballot: SealedBallot,
}

thread_local! {
    static SEALED: RefCell<Option<Sealed>> = const { RefCell::new(None) };
}

/// Encrypts, proves and signs a ballot, keeping what opens it.
pub fn seal_ballot(req: EncryptRequest) -> Result<SealAnswer, String> {
    // A new seal first wipes the old one, whatever happens next.
    SEALED.with(|s| s.borrow_mut().take());
    let b = BallotInputs::read(req)?;
    let mut rng = b.rng;
    let sealed = SealedBallot::seal(
        &b.ctx,
        &b.election_id,
        &b.credential,
        &b.choices,
        b.signed_by,
        &mut rng,
    );
    let ctx = b.ctx;
    let answer = SealAnswer {
        ballot: sealed.ballot().clone(),
        tracking: tracking_code(&sealed.ballot().digest(&ctx)),
        seal: sealed.seal_code(),
    };
    SEALED.with(|s| *s.borrow_mut() = Some(Sealed { ballot: sealed }));
    Ok(answer)
}

/// Open the ballot held, for an audit.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenSealedRequest {
    /// The seal code the page showed (dashes optional, any case).
    pub seal: String,
}

/// The body of `POST /api/elections/{id}/audits`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRequest {
    /// The opening.
    pub audit: AuditBody,
    /// The public credential, hex.
    pub credential: String,
    /// The credential's signature (context `audit`) on the seal digest, hex.
    pub signature: String,
}

/// Opens the sealed ballot: the audit request; the sealed state is wiped.
pub fn open_sealed(req: OpenSealedRequest) -> Result<AuditRequest, String> {
    let wanted = read_seal_code(&req.seal).ok_or("not a seal code")?;
    SEALED.with(|s| {
        let mut s = s.borrow_mut();
        let held = s.as_ref().ok_or("no sealed ballot is held")?;
        if held.ballot.seal_code() != wanted {
            return Err("the seal code is not the sealed ballot's".to_string());
        }
        let held = s.take().expect("checked above");
        let audit = held
            .ballot
            .audit_body()
            .ok_or("the sealed ballot can no longer be opened")?;
        Ok(AuditRequest {
            audit,
            credential: hex(&held.ballot.ballot().credential),
            signature: hex(&held.ballot.audit_signature().to_bytes()),
        })
    })
}

/// Wipes the sealed ballot's randomness and marks (the page calls it as it
/// sends the ballot).
pub fn forget_sealed(_: Empty) -> Result<Empty, String> {
    SEALED.with(|s| {
        if let Some(mut held) = s.borrow_mut().take() {
            held.ballot.forget();
        }
    });
    Ok(Empty {})
}

/// The election an audit belongs to: what `encrypt_ballot` takes of it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditElection {
    /// The election hash, hex.
    pub election_hash: String,
    /// The election key, hex.
    pub election_key: String,
    /// Line 0's `server_key`, hex: needed to check a `promise`.
    #[serde(default)]
    pub server_key: Option<String>,
}

/// Check a published opening.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckAuditRequest {
    /// The election.
    pub election: AuditElection,
    /// The audit body (as the log and `GET /audits/{seal}` carry it).
    pub audit: AuditBody,
    /// The server's promise as `GET /audits/{seal}` gives it (hex, 64
    /// bytes): its signature, context `audit-promise`, on `H ‖ seal digest`
    /// with the seal digest computed here. Needs `election.server_key`.
    #[serde(default)]
    pub promise: Option<String>,
}

/// What the opening shows.
#[derive(Serialize)]
pub struct CheckAuditAnswer {
    /// The seal code, computed here.
    pub seal: String,
    /// The marks, `"high"`, `"confidence"`, `"low"` or `"none"`.
    pub choices: Vec<&'static str>,
    /// Whether every ciphertext opens to its mark.
    pub ok: bool,
    /// When not `ok`: the first candidate (0-based) whose ciphertext does not
    /// open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate: Option<u32>,
    /// When not `ok`: that ciphertext's level (`"high"`, `"confidence"`,
    /// `"low"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<&'static str>,
    /// When the request has a `promise`: whether it verifies under
    /// `server_key` on this election hash and this seal digest (a promise
    /// that does not decode does not verify).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promise_ok: Option<bool>,
}

/// Checks an opening against the election's key, in the page.
pub fn check_audit(req: CheckAuditRequest) -> Result<CheckAuditAnswer, String> {
    let hash = hash32(&req.election.election_hash, "election_hash")?;
    let key = PublicKey::from_bytes(
        &hash32(&req.election.election_key, "election_key")?,
        "election_key",
    )
    .map_err(err)?;
    let digest = req.audit.seal_digest(&hash);
    let promise_ok = match &req.promise {
        None => None,
        Some(promise) => {
            let server = req
                .election
                .server_key
                .as_deref()
                .ok_or("a promise is checked with election.server_key")?;
            let server =
                PublicKey::from_bytes(&hash32(server, "server_key")?, "server_key").map_err(err)?;
            let mut message = [0u8; 64];
            message[..32].copy_from_slice(&hash);
            message[32..].copy_from_slice(&digest);
            Some(
                unhex_array::<64>(promise, "promise")
                    .ok()
                    .and_then(|b| tinnhiem_core::schnorr::Signature::from_bytes(&b).ok())
                    .is_some_and(|sig| {
                        sig.verify(
                            &server,
                            tinnhiem_core::ballot::AUDIT_PROMISE_CONTEXT,
                            &message,
                        )
                        .is_ok()
                    }),
            )
        }
    };
    let seal = seal_code(&digest);
    let choices = req
        .audit
        .choices
        .iter()
        .map(|&c| tinnhiem_tally::json::choice_name(c))
        .collect();
    let (ok, candidate, level) = match req.audit.check(&key) {
        Ok(()) => (true, None, None),
        Err(e) => (
            false,
            Some(e.candidate),
            Some(["high", "confidence", "low"][e.option as usize % 3]),
        ),
    };
    Ok(CheckAuditAnswer {
        seal,
        choices,
        ok,
        candidate,
        level,
        promise_ok,
    })
}

/// The public credential of a credential text.
pub fn credential_public(req: CredentialRequest) -> Result<CredentialAnswer, String> {
    let text = Zeroizing::new(req.credential);
    let c = Credential::from_text(&text).map_err(err)?;
    Ok(CredentialAnswer {
        public: hex(c.public(&req.election_id).as_bytes()),
    })
}

/// Dispatches one call: `Ok(answer JSON)` or `Err(error JSON)`.
pub fn call(op: u32, input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    fn run<Q: for<'a> Deserialize<'a>, A: Serialize>(
        input: &[u8],
        f: fn(Q) -> Result<A, String>,
    ) -> Result<Vec<u8>, String> {
        let q: Q = serde_json::from_slice(input).map_err(|e| format!("bad request: {e}"))?;
        let a = f(q)?;
        answer_bytes(&a)
    }
    let r = match op {
        op::ENCRYPT_BALLOT => run(input, encrypt_ballot),
        op::CREDENTIAL_PUBLIC => run(input, credential_public),
        op::TRUSTEE_KEYGEN => run(input, trustee_keygen),
        op::SIGN_STATEMENT => run(input, sign_statement),
        op::MAKE_CREDENTIALS => run(input, make_credentials),
        op::PARTIAL_DECRYPT => run(input, partial_decrypt),
        op::TALLY_BEGIN => run(input, tally_begin),
        op::TALLY_STEP => run(input, tally_step),
        op::TALLY_FINISH => run(input, tally_finish),
        op::VOTER_RESULT_SIGNATURE => run(input, voter_result_signature),
        op::QR_SVG => run(input, qr_svg),
        op::FINGERPRINT => run(input, fingerprint),
        op::TRUSTEE_PUBLIC => run(input, trustee_public),
        op::ELECTION_CHECK => run(input, election_check),
        op::CHECK_RECEIPT => run(input, check_receipt),
        op::MEMBER_STEP => run(input, member_step),
        op::MEMBER_DECRYPTION => run(input, member_decryption),
        op::CHECK_KEY => run(input, check_key),
        op::SLIPS => run(input, slips),
        op::KEY_CHECK_CODE => run(input, key_check_code),
        op::CAMPAIGN_REPORT => run(input, campaign_report),
        op::SEAL_BALLOT => run(input, seal_ballot),
        op::OPEN_SEALED => run(input, open_sealed),
        op::FORGET_SEALED => run(input, forget_sealed),
        op::CHECK_AUDIT => run(input, check_audit),
        op::TALLY_PLAN => run(input, tally_plan),
        op::TALLY_CHECK_CHUNK => tally_check_chunk(input).and_then(|a| answer_bytes(&a)),
        op::TALLY_APPLY_CHUNK => run(input, tally_apply_chunk),
        op::TALLY_LOAD => answer_bytes(&tally_load(input.to_vec())),
        op::FIND_BALLOT => run(input, find_ballot),
        op::FIND_AUDIT => run(input, find_audit),
        _ => Err(format!("unknown operation {op}")),
    };
    r.map_err(|e| {
        let mut v = Vec::from(&b"{\"error\":"[..]);
        v.extend_from_slice(&serde_json::to_vec(&e).unwrap_or_default());
        v.push(b'}');
        v
    })
}

/// Serializes an answer into a buffer of exactly its size, so that growing
/// the buffer never leaves copies of an answer's secrets (a key share, a
/// sheet's credentials) behind in freed memory.
fn answer_bytes<A: Serialize>(a: &A) -> Result<Vec<u8>, String> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    serde_json::to_writer(&mut n, a).map_err(err)?;
    let mut out = Vec::with_capacity(n.0);
    serde_json::to_writer(&mut out, a).map_err(err)?;
    Ok(out)
}

fn rng(seed: &str) -> Result<PageRng, String> {
    let bytes = Zeroizing::new(unhex_array::<32>(seed, "seed").map_err(err)?);
    Ok(PageRng(ChaCha20Rng::from_seed(*bytes)))
}

/// The generator an operation seeds from the page's randomness. Its state
/// is the seed itself (the key of ChaCha20) and decides every secret the
/// operation draws (a dealing's polynomial, a ballot's randomness), so it
/// is overwritten when the operation ends, like the seed text.
pub(crate) struct PageRng(ChaCha20Rng);

impl PageRng {
    /// Replaces the state with that of the all-zero seed.
    fn wipe(&mut self) {
        self.0 = ChaCha20Rng::from_seed([0u8; 32]);
        // Keep the store: nothing reads the state after a drop.
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for PageRng {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl rand_chacha::rand_core::RngCore for PageRng {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_chacha::rand_core::Error> {
        self.0.try_fill_bytes(dest)
    }
}

impl rand_chacha::rand_core::CryptoRng for PageRng {}

#[cfg(test)]
mod page_rng_tests {
    use super::*;
    use rand_chacha::rand_core::RngCore;

    #[test]
    fn a_page_seeded_generator_forgets_its_seed_when_wiped() {
        let seed = "07".repeat(32);
        let mut page = rng(&seed).unwrap();
        let mut same = ChaCha20Rng::from_seed([7u8; 32]);
        assert_eq!(page.next_u64(), same.next_u64(), "seeded from the page");
        page.wipe();
        let mut zero = ChaCha20Rng::from_seed([0u8; 32]);
        assert_eq!(page.next_u64(), zero.next_u64(), "the seed's state is gone");
    }
}

fn hash32(s: &str, field: &'static str) -> Result<[u8; 32], String> {
    unhex_array(s, field).map_err(err)
}

fn trustee(secret: &str) -> Result<TrusteeKey, String> {
    let bytes = Zeroizing::new(
        unhex_array::<32>(secret, "secret").map_err(|_| "the key file is damaged".to_string())?,
    );
    TrusteeKey::from_bytes(&bytes).map_err(|_| "the key file is damaged".to_string())
}

/// The election's fingerprint (PROTOCOL.md §5.9).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FingerprintRequest {
    /// Election hash, hex.
    pub election_hash: String,
    /// Election key, hex.
    pub election_key: String,
}

/// `XXXX-XXXX`.
#[derive(Serialize)]
pub struct FingerprintAnswer {
    /// The fingerprint.
    pub fingerprint: String,
}

/// What the voter's page shows and the slips print: equal when the phone
/// encrypts to the key the committee made.
pub fn fingerprint(req: FingerprintRequest) -> Result<FingerprintAnswer, String> {
    let hash = hash32(&req.election_hash, "election_hash")?;
    let key = hash32(&req.election_key, "election_key")?;
    PublicKey::from_bytes(&key, "election_key").map_err(err)?;
    Ok(FingerprintAnswer {
        fingerprint: tinnhiem_core::ballot::fingerprint(&hash, &key),
    })
}

/// A member's key share.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteePublicRequest {
    /// The member's key share (secret), hex.
    pub secret: String,
}

/// Its public part.
#[derive(Serialize)]
pub struct TrusteePublicAnswer {
    /// `Yᵢ`, hex.
    pub public: String,
}

/// The public part of a member's key share, computed from the key file (so
/// that the console compares the log with the member's own key, not with
/// what a server says it is).
pub fn trustee_public(req: TrusteePublicRequest) -> Result<TrusteePublicAnswer, String> {
    let secret = Zeroizing::new(req.secret);
    Ok(TrusteePublicAnswer {
        public: hex(trustee(&secret)?.public().as_bytes()),
    })
}

/// The election check (PROTOCOL.md §5.10).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionCheckRequest {
    /// Election hash, hex: on the voter's phone, the SHA-256 of the line 0
    /// it was served; on the committee's device, from the log it verified.
    pub election_hash: String,
    /// Election key, hex.
    pub election_key: String,
}

/// The check and the fingerprint of one election hash and key.
#[derive(Serialize)]
pub struct ElectionCheckAnswer {
    /// 32 base32 characters (160 bits), as in the QR code's fragment.
    pub check: String,
    /// `XXXX-XXXX` (PROTOCOL.md §5.9), for the slip printed by hand.
    pub fingerprint: String,
}

fn check_of(election_hash: &str, election_key: &str) -> Result<(String, String), String> {
    let hash = hash32(election_hash, "election_hash")?;
    let key = hash32(election_key, "election_key")?;
    PublicKey::from_bytes(&key, "election_key").map_err(err)?;
    Ok((
        tinnhiem_core::ballot::election_check(&hash, &key),
        tinnhiem_core::ballot::fingerprint(&hash, &key),
    ))
}

/// What the QR code carries after the credential, and what the phone
/// compares it with before it shows the ballot.
pub fn election_check(req: ElectionCheckRequest) -> Result<ElectionCheckAnswer, String> {
    let (check, fingerprint) = check_of(&req.election_hash, &req.election_key)?;
    Ok(ElectionCheckAnswer { check, fingerprint })
}

/// A receipt as the server gave it (PROTOCOL.md §5.8).
#[derive(Deserialize)]
pub struct ReceiptIn {
    /// Tracking code.
    pub tracking: String,
    /// The ballot's line.
    pub seq: u64,
    /// SHA-256 of that line, hex.
    pub entry_hash: String,
    /// The server's `log-head` signature on `entry_hash ‖ u64le(seq)`, hex.
    pub head_signature: String,
}

/// A signed head (`GET /api/elections/{id}/head`).
#[derive(Deserialize)]
pub struct HeadIn {
    /// The line the head is the hash of.
    pub seq: u64,
    /// Its entry hash, hex.
    pub head: String,
    /// The server's `log-head` signature, hex.
    pub signature: String,
}

/// Check a receipt against the published log.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptCheckRequest {
    /// Line 0 of the log, as served (without its `\n`).
    pub election: String,
    /// The election hash the phone verified before it voted (against the
    /// QR code's check), hex; line 0 must hash to it. Optional for a page
    /// that knows no election hash of its own.
    #[serde(default)]
    pub election_hash: Option<String>,
    /// The receipt the phone kept.
    pub receipt: ReceiptIn,
    /// The current signed head.
    pub head: HeadIn,
    /// Lines `receipt.seq ..= head.seq` as served, without their `\n`.
    pub lines: Vec<String>,
}

/// The outcome: `ok`, or the first thing that does not hold.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct ReceiptCheckAnswer {
    /// Everything holds.
    pub ok: bool,
    /// `election` (line 0 is not the election the phone voted in),
    /// `receipt` (the receipt is not signed by line 0's server key),
    /// `missing` (the log served does not reach the receipt's line),
    /// `mismatch` (the line at the receipt's place is not this ballot),
    /// `chain` (the lines after it do not chain up to the head),
    /// `head` (the head is not signed by line 0's server key).
    pub problem: Option<String>,
}

/// Checks a receipt against the log itself rather than the server's word
/// (`/tracking`): line 0 is the election (and hashes to `election_hash`),
/// the receipt is signed with line 0's server key, the line at the
/// receipt's `seq` hashes to its `entry_hash` and is a ballot with its
/// tracking code and a credential signature that verifies, every line after it links to the one before (`seq`,
/// `prev`) up to the signed head, and the head's signature verifies with
/// line 0's server key (PROTOCOL.md §5.8).
pub fn check_receipt(req: ReceiptCheckRequest) -> Result<ReceiptCheckAnswer, String> {
    use tinnhiem_core::log::{entry_hash, head_message, parse_line, SERVER_HEAD_CONTEXT};
    use tinnhiem_core::schnorr::Signature;
    let fail = |p: &str| {
        Ok(ReceiptCheckAnswer {
            ok: false,
            problem: Some(p.to_owned()),
        })
    };
    let hash = entry_hash(req.election.as_bytes());
    if let Some(h) = &req.election_hash {
        if hash32(h, "election_hash")? != hash {
            return fail("election");
        }
    }
    let server_key = match parse_line(req.election.as_bytes()) {
        Ok(e) => match e.payload {
            Payload::Election(b) if e.seq == 0 => b.server_key.0,
            _ => return fail("election"),
        },
        Err(_) => return fail("election"),
    };
    let Ok(server_key) = PublicKey::from_bytes(&server_key, "server_key") else {
        return fail("election");
    };
    let signed = |head: &[u8; 32], seq: u64, sig: &str| -> Result<bool, String> {
        let sig: [u8; 64] = unhex_array(sig, "signature").map_err(err)?;
        Ok(Signature::from_bytes(&sig).is_ok_and(|s| {
            s.verify(&server_key, SERVER_HEAD_CONTEXT, &head_message(head, seq))
                .is_ok()
        }))
    };
    let r = &req.receipt;
    let receipt_hash = hash32(&r.entry_hash, "entry_hash")?;
    if !signed(&receipt_hash, r.seq, &r.head_signature)? {
        return fail("receipt");
    }
    let head_hash = hash32(&req.head.head, "head")?;
    // In u64: on wasm32 a usize would wrap a huge `head.seq`.
    let want = req
        .head
        .seq
        .checked_sub(r.seq)
        .and_then(|n| n.checked_add(1));
    if want != Some(req.lines.len() as u64) || req.lines.is_empty() {
        return fail("missing");
    }
    let first = req.lines[0].as_bytes();
    if entry_hash(first) != receipt_hash {
        return fail("mismatch");
    }
    match parse_line(first) {
        Ok(e) if e.seq == r.seq => match e.payload {
            Payload::Ballot(b) => {
                let digest = tinnhiem_core::ballot::ballot_digest(
                    &hash,
                    &b.credential,
                    &b.answers,
                    b.signed_by.as_deref(),
                );
                if tracking_code(&digest) != r.tracking.trim().to_ascii_uppercase() {
                    return fail("mismatch");
                }
                // The digest leaves the signature out: a line with this
                // ballot and a signature that does not verify is excluded
                // by the tally (`Invalid`), so it is not this vote.
                let signed = PublicKey::from_bytes(&b.credential, "credential").is_ok_and(|c| {
                    b.signature
                        .verify(&c, tinnhiem_core::ballot::SIGNATURE_CONTEXT, &digest)
                        .is_ok()
                });
                if !signed {
                    return fail("mismatch");
                }
            }
            _ => return fail("mismatch"),
        },
        _ => return fail("mismatch"),
    }
    let mut prev = receipt_hash;
    for (i, line) in req.lines.iter().enumerate().skip(1) {
        match parse_line(line.as_bytes()) {
            Ok(e) if e.seq == r.seq + i as u64 && e.prev == prev => {}
            _ => return fail("chain"),
        }
        prev = entry_hash(line.as_bytes());
    }
    if prev != head_hash {
        return fail("chain");
    }
    if !signed(&head_hash, req.head.seq, &req.head.signature)? {
        return fail("head");
    }
    Ok(ReceiptCheckAnswer {
        ok: true,
        problem: None,
    })
}

/// Make a committee member's key share.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeygenRequest {
    /// Election hash, hex.
    pub election_hash: String,
    /// The member's index.
    pub trustee: u32,
    /// 32 random bytes, hex.
    pub seed: String,
    /// A key made before (a key file or key card whose key the log does not
    /// hold yet), hex: its share and proof instead of a new key's.
    #[serde(default)]
    pub secret: Option<String>,
}

/// A new key share: `secret` goes only into the member's key file.
#[derive(Serialize)]
pub struct KeygenAnswer {
    /// The key share, hex (secret: for the key file only).
    pub secret: String,
    /// `Yᵢ`, hex.
    pub key: String,
    /// Proof of knowledge, hex.
    pub proof: String,
}

impl Drop for KeygenAnswer {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

/// Makes a key share with its proof of knowledge (of a new key, or of the
/// key `secret` made before).
pub fn trustee_keygen(req: KeygenRequest) -> Result<KeygenAnswer, String> {
    let hash = hash32(&req.election_hash, "election_hash")?;
    let seed = Zeroizing::new(req.seed);
    let mut rng = rng(&seed)?;
    let key = match req.secret.map(Zeroizing::new) {
        Some(secret) => trustee(&secret)?,
        None => TrusteeKey::generate(&mut rng),
    };
    let share = key.key_share(&hash, req.trustee, &mut rng);
    Ok(KeygenAnswer {
        secret: hex(&key.to_bytes()),
        key: hex(share.key.as_bytes()),
        proof: hex(&share.proof.to_bytes()),
    })
}

/// Sign a committee statement (PROTOCOL.md §5.3).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementRequest {
    /// Election hash, hex.
    pub election_hash: String,
    /// The statement's anchor, hex (PROTOCOL.md §5.3): the entry hash of the
    /// last line that is not a ballot in the log the page verified
    /// ([`TallyAnswer::anchor`]) or, without that log, the view's `anchor`.
    pub anchor: String,
    /// The member's key share, hex (from the key file).
    pub secret: String,
    /// The member's index.
    pub signer: u32,
    /// `quorum`, `credentials`, `cancel`, `open`, `close` or `result`.
    pub kind: String,
    /// For `quorum`: people present.
    #[serde(default)]
    pub present: Option<u32>,
    /// For `credentials` and `cancel`: the public credentials, hex.
    #[serde(default)]
    pub credentials: Option<Vec<String>>,
    /// For `result`: counts per candidate.
    #[serde(default)]
    pub counts: Option<Vec<[u64; 3]>>,
}

/// A signature, hex.
#[derive(Serialize)]
pub struct SignatureAnswer {
    /// `R ‖ s`, hex.
    pub signature: String,
}

/// Signs a committee statement with the member's key share.
pub fn sign_statement(req: StatementRequest) -> Result<SignatureAnswer, String> {
    let hash = hash32(&req.election_hash, "election_hash")?;
    let anchor = hash32(&req.anchor, "anchor")?;
    let key = trustee(&req.secret)?;
    let zero = Hex([0u8; 64]);
    let payload = match req.kind.as_str() {
        "quorum" => Payload::Quorum(QuorumBody {
            present: req.present.ok_or("quorum needs present")?,
            signer: req.signer,
            signature: zero,
        }),
        "credentials" | "cancel" => {
            let body = CredentialsBody {
                credentials: req
                    .credentials
                    .ok_or("credentials and cancel need the list")?
                    .iter()
                    .map(|c| hash32(c, "credential").map(Hex))
                    .collect::<Result<_, _>>()?,
                signer: req.signer,
                signature: zero,
            };
            // The same message, another context (PROTOCOL.md §5.3).
            if req.kind == "cancel" {
                Payload::Cancel(body)
            } else {
                Payload::Credentials(body)
            }
        }
        "open" => Payload::Open(StatementBody {
            signer: req.signer,
            signature: zero,
        }),
        "close" => Payload::Close(CloseBody {
            refused: Default::default(),
            signer: req.signer,
            signature: zero,
        }),
        "result" => Payload::Result(ResultBody {
            counts: req.counts.ok_or("result needs counts")?,
            signer: req.signer,
            signature: zero,
        }),
        other => return Err(format!("unknown statement kind {other:?}")),
    };
    let (context, message, _, _) = payload.statement(&hash, &anchor).expect("a statement kind");
    let mut seed = [0u8; 32];
    // The nonce is hedged with the key and message; no page seed is needed.
    seed[..32].copy_from_slice(&tinnhiem_core::log::entry_hash(&message));
    let sig = key.sign(context, &message, &mut ChaCha20Rng::from_seed(seed));
    Ok(SignatureAnswer {
        signature: hex(&sig.to_bytes()),
    })
}

/// Make the credentials of a sheet.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MakeCredentialsRequest {
    /// Election id.
    pub election_id: String,
    /// How many (at most 5000).
    pub count: u32,
    /// The address voters' phones use (`https://host:port`).
    pub base: String,
    /// The election hash, hex, from the log this device verified.
    pub election_hash: String,
    /// The election key, hex, from the same log.
    pub election_key: String,
    /// 32 random bytes, hex.
    pub seed: String,
}

/// One credential for the printed sheet.
#[derive(Serialize)]
pub struct SheetCredential {
    /// The credential text (secret: print it, never send it).
    pub text: String,
    /// The voter URL `{base}/v/{id}#{text}.{check}` (secret, same reason).
    pub url: String,
    /// The QR code of the URL, SVG.
    pub qr: String,
    /// `C`, hex (this is what the server receives).
    pub public: String,
}

impl Drop for SheetCredential {
    fn drop(&mut self) {
        self.text.zeroize();
        self.url.zeroize();
        self.qr.zeroize();
    }
}

/// A sheet's credentials.
#[derive(Serialize)]
pub struct MakeCredentialsAnswer {
    /// The credentials.
    pub credentials: Vec<SheetCredential>,
    /// The election check in every URL (PROTOCOL.md §5.10).
    pub check: String,
    /// The election's fingerprint (PROTOCOL.md §5.9), for the slips.
    pub fingerprint: String,
}

/// Makes credentials with their voter URLs and QR codes.
pub fn make_credentials(req: MakeCredentialsRequest) -> Result<MakeCredentialsAnswer, String> {
    if req.count == 0 || req.count > 5000 {
        return Err("count: 1 to 5000".into());
    }
    let (check, fingerprint) = check_of(&req.election_hash, &req.election_key)?;
    let seed = Zeroizing::new(req.seed);
    let mut rng = rng(&seed)?;
    let base = req.base.trim_end_matches('/');
    let credentials = (0..req.count)
        .map(|_| {
            let c = Credential::generate(&mut rng);
            let text = c.to_text().to_string();
            let url = format!("{base}/v/{}#{text}.{check}", req.election_id);
            SheetCredential {
                qr: svg(&url),
                public: hex(c.public(&req.election_id).as_bytes()),
                text,
                url,
            }
        })
        .collect();
    Ok(MakeCredentialsAnswer {
        credentials,
        check,
        fingerprint,
    })
}

/// Partial decryption of the totals.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptRequest {
    /// Election hash, hex.
    pub election_hash: String,
    /// The member's index.
    pub trustee: u32,
    /// The member's key share, hex.
    pub secret: String,
    /// The totals from `/totals`: `A ‖ B` hex per item.
    pub totals: Vec<String>,
    /// 32 random bytes, hex.
    pub seed: String,
}

/// The shares to post.
#[derive(Serialize)]
pub struct DecryptAnswer {
    /// `D ‖ T1 ‖ T2 ‖ s` hex per item.
    pub shares: Vec<String>,
}

/// Computes the member's partial decryptions with their proofs.
pub fn partial_decrypt(req: DecryptRequest) -> Result<DecryptAnswer, String> {
    let hash = hash32(&req.election_hash, "election_hash")?;
    let secret = Zeroizing::new(req.secret);
    let seed = Zeroizing::new(req.seed);
    let key = trustee(&secret)?;
    let totals = req
        .totals
        .iter()
        .map(|t| {
            let b: [u8; 64] = unhex_array(t, "total").map_err(err)?;
            let mut a = [0u8; 32];
            let mut bb = [0u8; 32];
            a.copy_from_slice(&b[..32]);
            bb.copy_from_slice(&b[32..]);
            CompressedCiphertext {
                a: CompressedRistretto(a),
                b: CompressedRistretto(bb),
            }
            .decompress()
            .map_err(err)
        })
        .collect::<Result<Vec<Ciphertext>, String>>()?;
    let parts = key.partial_decrypt(&hash, req.trustee, &totals, &mut rng(&seed)?);
    Ok(DecryptAnswer {
        shares: parts.iter().map(|p| hex(&p.to_bytes())).collect(),
    })
}

struct TallySession {
    log: Vec<u8>,
    lines: Vec<(usize, usize)>,
    next: usize,
    tally: Tally,
    error: Option<VerifyError>,
}

thread_local! {
    static SESSION: RefCell<Option<TallySession>> = const { RefCell::new(None) };
}

/// Start verifying a log (the inspector's page).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyBeginRequest {
    /// The log, JSON Lines.
    pub log: String,
}

/// Verify the next lines.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyStepRequest {
    /// How many lines at most.
    pub lines: u32,
    /// 32 random bytes, hex (batch weights).
    pub seed: String,
}

/// How far verification is.
#[derive(Serialize)]
pub struct TallyProgress {
    /// Lines checked.
    pub done: u64,
    /// Lines in the log.
    pub total: u64,
    /// A failure was found (details from `tally_finish`).
    pub failed: bool,
}

/// A failure.
#[derive(Serialize)]
pub struct Failure {
    /// The line.
    pub seq: u64,
    /// What is wrong (English).
    pub reason: String,
    /// The same in Vietnamese.
    pub reason_vi: String,
}

/// An excluded ballot.
#[derive(Serialize)]
pub struct ExclusionView {
    /// The line.
    pub seq: u64,
    /// Why (English).
    pub reason: String,
    /// The same in Vietnamese.
    pub reason_vi: String,
}

/// The outcome.
#[derive(Serialize)]
pub struct TallyAnswer {
    /// Lines read.
    pub entries: u64,
    /// The phase reached.
    pub phase: String,
    /// The first failure, if any.
    pub failure: Option<Failure>,
    /// The result, when the log is complete and holds.
    pub result: Option<tinnhiem_tally::ElectionResult>,
    /// Ballots left out.
    pub exclusions: Vec<ExclusionView>,
    /// The counts the published decryptions give (before the result is
    /// published: what the committee signs).
    pub decrypted_counts: Option<Vec<[u64; 3]>>,
    /// Per line: kind (for the inspector's list of entries).
    pub kinds: Vec<String>,
    /// The election hash (line 0), once read.
    pub election_hash: Option<String>,
    /// The election key, once the key ceremony is in the log.
    pub election_key: Option<String>,
    /// The members' published key shares, by index (`None`: not yet).
    pub trustee_keys: Vec<Option<String>>,
    /// The election's fingerprint (PROTOCOL.md §5.9), once there is a key.
    pub fingerprint: Option<String>,
    /// The election check (PROTOCOL.md §5.10), once there is a key.
    pub election_check: Option<String>,
    /// Line 0's election (title, unit, date, candidates, committee): what
    /// a page shows of the election once the log is sealed.
    pub election: Option<tinnhiem_core::log::ElectionBody>,
    /// The encrypted totals of the counted ballots as this verifier summed
    /// them (hex, 64 bytes each), once voting is closed. What a committee
    /// member decrypts: never the server's word for them.
    pub totals: Option<Vec<String>>,
    /// The anchor of the next committee statement after the lines verified
    /// (hex, PROTOCOL.md §5.3), once line 0 is read.
    pub anchor: Option<String>,
    /// The entry hash of the last line verified (hex), once line 0 is read:
    /// what the member's operations are given back, so that they act on
    /// this very log.
    pub head: Option<String>,
    /// The threshold `t` of line 0 (PROTOCOL.md §10), or the number of
    /// members for an n-of-n log; once line 0 is read.
    pub threshold: Option<u32>,
    /// Once voting is closed: how many more partial decryptions the count
    /// needs (0: the result can be computed).
    pub decryptions_needed: Option<u32>,
}

/// Loads a log for stepwise verification.
pub fn tally_begin(req: TallyBeginRequest) -> Result<TallyProgress, String> {
    Ok(tally_load(req.log.into_bytes()))
}

/// [`tally_begin`] with the log's bytes (op 29: the request is the log).
pub fn tally_load(log: Vec<u8>) -> TallyProgress {
    let mut lines = Vec::new();
    let mut start = 0;
    for part in tinnhiem_tally::split_lines(&log) {
        lines.push((start, start + part.len()));
        start += part.len() + 1;
    }
    let total = lines.len() as u64;
    SESSION.with(|s| {
        *s.borrow_mut() = Some(TallySession {
            log,
            lines,
            next: 0,
            tally: Tally::new(),
            error: None,
        })
    });
    TallyProgress {
        done: 0,
        total,
        failed: false,
    }
}

/// Verifies up to `lines` more lines.
pub fn tally_step(req: TallyStepRequest) -> Result<TallyProgress, String> {
    let mut rng = rng(&req.seed)?;
    // The batch path (one multiscalar multiplication per chunk of ballots),
    // as `tinnhiem verify` on one thread.
    advance(Some(req.lines.max(1) as usize), |tally, lines| {
        tinnhiem_tally::verify_step(tally, lines, &mut rng).map(|()| lines.len())
    })
    .map(|(p, _)| p)
}

/// Runs `f` on the session's next lines (`count` of them, or all that are
/// left); `f` answers how many it verified. A failure stops the session at
/// the failing line.
fn advance(
    count: Option<usize>,
    f: impl FnOnce(&mut Tally, &[&[u8]]) -> Result<usize, VerifyError>,
) -> Result<(TallyProgress, Option<Vec<u8>>), String> {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        let sess = s.as_mut().ok_or("no log loaded (tally_begin)")?;
        let end = count.map_or(sess.lines.len(), |n| (sess.next + n).min(sess.lines.len()));
        if sess.error.is_none() && sess.next < end {
            let lines: Vec<&[u8]> = sess.lines[sess.next..end]
                .iter()
                .map(|&(a, b)| &sess.log[a..b])
                .collect();
            match f(&mut sess.tally, &lines) {
                Ok(n) => sess.next += n,
                Err(e) => {
                    sess.next = e.seq as usize;
                    sess.error = Some(e);
                }
            }
        }
        Ok((
            TallyProgress {
                done: sess.next as u64,
                total: sess.lines.len() as u64,
                failed: sess.error.is_some(),
            },
            tinnhiem_tally::batch_header(&sess.tally),
        ))
    })
}

/// Verify the header of the loaded log (op 26).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyPlanRequest {
    /// 32 random bytes, hex.
    pub seed: String,
}

/// The header verified: where the chunks start and what a worker needs.
#[derive(Serialize)]
pub struct TallyPlan {
    /// How far verification is (`done`: the first line after the header).
    #[serde(flatten)]
    pub progress: TallyProgress,
    /// What `tally_check_chunk` needs (hex), once the header is read; null
    /// when the log ends before or fails in it.
    pub header: Option<String>,
    /// Lines per chunk.
    pub chunk: u32,
}

/// Verifies the loaded log's lines up to the election key (the header), one
/// at a time, as `tinnhiem verify` does before its batches.
pub fn tally_plan(req: TallyPlanRequest) -> Result<TallyPlan, String> {
    let mut rng = rng(&req.seed)?;
    let (progress, header) = advance(None, |tally, lines| {
        tinnhiem_tally::verify_header(tally, lines, &mut rng)
    })?;
    Ok(TallyPlan {
        header: header.filter(|_| !progress.failed).map(|h| hex(&h)),
        progress,
        chunk: tinnhiem_tally::CHUNK_LINES as u32,
    })
}

/// A chunk's summary.
#[derive(Serialize)]
pub struct CheckChunkAnswer {
    /// What `tally_apply_chunk` takes (hex).
    pub summary: String,
    /// Lines in the chunk.
    pub lines: u32,
}

/// Decodes a chunk and checks its signatures and proofs in one batch
/// (`tinnhiem_tally::check_chunk`); needs no session. The request is bytes:
/// `tally_plan`'s header (decoded from hex, [`tinnhiem_tally::BATCH_HEADER_LEN`]
/// bytes), 32 random bytes (the batch weights), then the chunk's lines
/// joined by `\n` (none after the last).
pub fn tally_check_chunk(req: &[u8]) -> Result<CheckChunkAnswer, String> {
    const SEED: usize = 32;
    let n = tinnhiem_tally::BATCH_HEADER_LEN;
    if req.len() < n + SEED {
        return Err("bad request: shorter than a header and a seed".into());
    }
    let (header, rest) = req.split_at(n);
    let (seed, body) = rest.split_at(SEED);
    let mut rng = ChaCha20Rng::from_seed(seed.try_into().expect("32 bytes"));
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let summary = tinnhiem_tally::check_chunk(header, &lines, &mut rng).map_err(err)?;
    Ok(CheckChunkAnswer {
        summary: hex(&summary),
        lines: lines.len() as u32,
    })
}

/// Apply a worker's summary to the next lines (op 28).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyChunkRequest {
    /// How many lines the summary covers (the chunk's `lines`).
    pub lines: u32,
    /// `tally_check_chunk`'s `summary`.
    pub summary: String,
    /// 32 random bytes, hex (for lines checked here again).
    pub seed: String,
}

/// Applies the next `lines` lines with a worker's summary, in log order,
/// with the answers `tally_step` gives on them.
pub fn tally_apply_chunk(req: ApplyChunkRequest) -> Result<TallyProgress, String> {
    let mut rng = rng(&req.seed)?;
    let summary = tinnhiem_core::encoding::unhex(&req.summary, "summary").map_err(err)?;
    advance(Some(req.lines.max(1) as usize), |tally, lines| {
        tinnhiem_tally::apply_checked(tally, lines, &summary, &mut rng).map(|()| lines.len())
    })
    .map(|(p, _)| p)
}

/// The empty request of `tally_finish`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// The outcome of the lines verified so far.
pub fn tally_finish(_: Empty) -> Result<TallyAnswer, String> {
    SESSION.with(|s| {
        let s = s.borrow();
        let sess = s.as_ref().ok_or("no log loaded (tally_begin)")?;
        let kinds = sess
            .lines
            .iter()
            .map(|&(a, b)| {
                let line = &sess.log[a..b];
                // The kind field's value, for display only.
                std::str::from_utf8(line)
                    .ok()
                    .and_then(|t| t.split("\"kind\":\"").nth(1))
                    .and_then(|t| t.split('"').next())
                    .unwrap_or("?")
                    .to_owned()
            })
            .collect();
        let finished = sess.next == sess.lines.len() && sess.error.is_none();
        let (result, failure) = match (&sess.error, finished) {
            (Some(e), _) => (None, Some(e.clone())),
            (None, true) => match sess.tally.finish() {
                Ok(r) => (Some(r), None),
                Err(e) => (None, Some(e)),
            },
            (None, false) => (None, None),
        };
        let ctx = sess.tally.ballot_context();
        Ok(TallyAnswer {
            entries: sess.next as u64,
            phase: format!("{:?}", sess.tally.phase()),
            failure: failure.map(|e| Failure {
                seq: e.seq,
                reason: e.reason.to_string(),
                reason_vi: tinnhiem_tally::vi::reason(&e.reason),
            }),
            result,
            exclusions: sess
                .tally
                .exclusions()
                .iter()
                .map(|x| ExclusionView {
                    seq: x.seq,
                    reason: x.reason.to_string(),
                    reason_vi: tinnhiem_tally::vi::exclusion(&x.reason),
                })
                .collect(),
            decrypted_counts: sess.tally.decrypted_counts().ok(),
            kinds,
            election_hash: sess.tally.election_hash().map(|h| hex(&h)),
            election_key: ctx.as_ref().map(|c| hex(c.key.as_bytes())),
            trustee_keys: sess
                .tally
                .trustee_keys()
                .iter()
                .map(|k| k.as_ref().map(|k| hex(k.as_bytes())))
                .collect(),
            anchor: (!sess.tally.is_empty()).then(|| hex(&sess.tally.anchor())),
            head: (!sess.tally.is_empty()).then(|| hex(&sess.tally.head())),
            threshold: sess.tally.election().map(|e| {
                e.threshold
                    .unwrap_or_else(|| u32::try_from(e.trustees.len()).unwrap_or(u32::MAX))
            }),
            decryptions_needed: matches!(
                sess.tally.phase(),
                tinnhiem_tally::Phase::Closed | tinnhiem_tally::Phase::Done
            )
            .then(|| tinnhiem_tally::member::decryptions_needed(&sess.tally)),
            fingerprint: ctx
                .as_ref()
                .map(|c| tinnhiem_core::ballot::fingerprint(&c.election_hash, c.key.as_bytes())),
            election_check: ctx
                .as_ref()
                .map(|c| tinnhiem_core::ballot::election_check(&c.election_hash, c.key.as_bytes())),
            election: sess.tally.election().cloned(),
            totals: matches!(
                sess.tally.phase(),
                tinnhiem_tally::Phase::Closed | tinnhiem_tally::Phase::Done
            )
            .then(|| {
                sess.tally
                    .totals()
                    .iter()
                    .map(|c| hex(&c.compress().to_bytes()))
                    .collect()
            }),
        })
    })
}

/// Runs `f` on the log verified in this session, if every line of it holds
/// and its last line is `head` (hex, [`TallyAnswer::head`]).
fn on_verified_log<R>(head: &str, f: impl FnOnce(&Tally) -> R) -> Result<R, String> {
    let head = hash32(head, "head")?;
    SESSION.with(|s| {
        let s = s.borrow();
        let sess = s.as_ref().ok_or("no log loaded (tally_begin)")?;
        if sess.error.is_some() || sess.next != sess.lines.len() || sess.tally.is_empty() {
            return Err("the log is not verified to its end".to_string());
        }
        if sess.tally.head() != head {
            return Err("the log verified is not the one the page read (head)".to_string());
        }
        Ok(f(&sess.tally))
    })
}

/// Why a member cannot act on the log ([`tinnhiem_tally::member::MemberError`]),
/// for the page to say in its own words.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct MemberRefusal {
    /// `no_election`, `unknown_member`, `wrong_key` (the key file is not
    /// this member's key in the log), `not_closed`, `not_qualified`,
    /// `bad_share`, `already_decrypted`.
    pub code: &'static str,
    /// The member concerned (all but `no_election` and `bad_share`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<u32>,
    /// For `bad_share`: the dealer whose share does not check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dealer: Option<u32>,
    /// The reason in English.
    pub reason: String,
}

impl From<MemberError> for MemberRefusal {
    fn from(e: MemberError) -> Self {
        let (code, member, dealer) = match e {
            MemberError::NoElection => ("no_election", None, None),
            MemberError::UnknownMember(m) => ("unknown_member", Some(m), None),
            MemberError::WrongKey(m) => ("wrong_key", Some(m), None),
            MemberError::NotClosed => ("not_closed", None, None),
            MemberError::NotQualified(m) => ("not_qualified", Some(m), None),
            MemberError::BadShare { dealer } => ("bad_share", None, Some(dealer)),
            MemberError::AlreadyDecrypted(m) => ("already_decrypted", Some(m), None),
        };
        MemberRefusal {
            code,
            member,
            dealer,
            reason: e.to_string(),
        }
    }
}

/// A member's next step in the key ceremony.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberStepRequest {
    /// The member's index.
    pub member: u32,
    /// The member's trustee key (secret), hex, from the key file.
    pub secret: String,
    /// [`TallyAnswer::head`] of the log the page verified.
    pub head: String,
    /// 32 random bytes, hex (a dealing's polynomial, a signature's nonce).
    pub seed: String,
}

/// What the page posts for a step.
#[derive(Serialize)]
pub struct MemberPost {
    /// The route under `/api/elections/{id}/`: `dealings`, `complaints` or
    /// `shares_ok`.
    pub route: &'static str,
    /// The JSON body: `{"dealing"}`, `{"complaint"}` or `{"signer",
    /// "signature"}`.
    pub body: serde_json::Value,
}

/// The step ([`tinnhiem_tally::member::Step`]).
#[derive(Serialize)]
pub struct MemberStepAnswer {
    /// `register` (the member's trustee key is not in the log), `await_keys`,
    /// `deal`, `await_dealings`, `complain`, `shares_ok`, `await_shares_ok`,
    /// `await_election_key`, `too_few_qualified`, `done`, or `refused`.
    pub kind: &'static str,
    /// For `deal`, `complain` and `shares_ok`: what to post.
    pub post: Option<MemberPost>,
    /// For the waits: the members (from 0) it waits for.
    pub waiting_for: Vec<u32>,
    /// For `complain`: the dealer complained about.
    pub dealer: Option<u32>,
    /// For `too_few_qualified`: the qualified dealers and the threshold.
    pub qualified: Option<u32>,
    /// For `too_few_qualified`: the threshold.
    pub needed: Option<u32>,
    /// For `refused`: why.
    pub refused: Option<MemberRefusal>,
}

impl MemberStepAnswer {
    fn of(kind: &'static str) -> Self {
        MemberStepAnswer {
            kind,
            post: None,
            waiting_for: Vec::new(),
            dealer: None,
            qualified: None,
            needed: None,
            refused: None,
        }
    }
}

fn posting(kind: &'static str, route: &'static str, body: impl Serialize) -> MemberStepAnswer {
    MemberStepAnswer {
        post: Some(MemberPost {
            route,
            body: serde_json::to_value(body).expect("a log body serializes"),
        }),
        ..MemberStepAnswer::of(kind)
    }
}

fn waiting(kind: &'static str, missing: Vec<u32>) -> MemberStepAnswer {
    MemberStepAnswer {
        waiting_for: missing,
        ..MemberStepAnswer::of(kind)
    }
}

/// The member's next step in the key ceremony, worked out from the
/// verified log and the trustee key alone (`member::next_step`): a member
/// whose page was closed mid-ceremony loads the key file, verifies the log
/// and is told what is left to do.
pub fn member_step(req: MemberStepRequest) -> Result<MemberStepAnswer, String> {
    let secret = Zeroizing::new(req.secret);
    let seed = Zeroizing::new(req.seed);
    let key = trustee(&secret)?;
    let mut rng = rng(&seed)?;
    let step = on_verified_log(&req.head, |tally| {
        member::next_step(tally, req.member, &key, &mut rng)
    })?;
    Ok(match step {
        Err(e) => MemberStepAnswer {
            refused: Some(e.into()),
            ..MemberStepAnswer::of("refused")
        },
        Ok(Step::Register) => MemberStepAnswer::of("register"),
        Ok(Step::AwaitKeys { missing }) => waiting("await_keys", missing),
        Ok(Step::Deal(body)) => posting("deal", "dealings", body),
        Ok(Step::AwaitDealings { missing }) => waiting("await_dealings", missing),
        Ok(Step::Complain { dealer, body }) => MemberStepAnswer {
            dealer: Some(dealer),
            ..posting("complain", "complaints", body)
        },
        Ok(Step::SharesOk(body)) => posting("shares_ok", "shares_ok", body),
        Ok(Step::AwaitSharesOk { missing }) => waiting("await_shares_ok", missing),
        Ok(Step::AwaitElectionKey) => MemberStepAnswer::of("await_election_key"),
        Ok(Step::TooFewQualified { qualified, needed }) => MemberStepAnswer {
            qualified: Some(qualified),
            needed: Some(needed),
            ..MemberStepAnswer::of("too_few_qualified")
        },
        Ok(Step::Done) => MemberStepAnswer::of("done"),
    })
}

/// A member's partial decryption of the totals.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDecryptionRequest {
    /// The member's index.
    pub member: u32,
    /// The member's trustee key (secret), hex, from the key file.
    pub secret: String,
    /// [`TallyAnswer::head`] of the log the page verified.
    pub head: String,
    /// 32 random bytes, hex.
    pub seed: String,
}

/// The partial decryption to post to `/decryptions`, or why there is none.
#[derive(Serialize)]
pub struct MemberDecryptionAnswer {
    /// `{"trustee", "shares"}`, as `/decryptions` takes it.
    pub decryption: Option<DecryptionBody>,
    /// Why the member cannot decrypt.
    pub refused: Option<MemberRefusal>,
}

/// The member's partial decryption of the totals this page summed from the
/// verified log (never the server's `/totals`): with the trustee key
/// (n-of-n) or with the share of the election key rebuilt from the dealings
/// in the log (threshold), `member::decryption`.
pub fn member_decryption(req: MemberDecryptionRequest) -> Result<MemberDecryptionAnswer, String> {
    let secret = Zeroizing::new(req.secret);
    let seed = Zeroizing::new(req.seed);
    let key = trustee(&secret)?;
    let mut rng = rng(&seed)?;
    let out = on_verified_log(&req.head, |tally| {
        member::decryption(tally, req.member, &key, &mut rng)
    })?;
    Ok(match out {
        Ok(body) => MemberDecryptionAnswer {
            decryption: Some(body),
            refused: None,
        },
        Err(e) => MemberDecryptionAnswer {
            decryption: None,
            refused: Some(e.into()),
        },
    })
}

/// Whether a key file is the member's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckKeyRequest {
    /// The member's index.
    pub member: u32,
    /// The trustee key from the key file (secret), hex.
    pub secret: String,
    /// [`TallyAnswer::head`] of the log the page verified.
    pub head: String,
}

/// The outcome.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct CheckKeyAnswer {
    /// The log holds this key for the member, or no key for it yet.
    pub ok: bool,
    /// The log holds this key for the member.
    pub registered: bool,
    /// Why not (`wrong_key`, `unknown_member`, `no_election`).
    pub refused: Option<MemberRefusal>,
}

/// Checks a key file against the verified log at once, before the page
/// uses it (`member::check_key`): the log must hold this key for the member,
/// or no key for the member yet.
pub fn check_key(req: CheckKeyRequest) -> Result<CheckKeyAnswer, String> {
    let secret = Zeroizing::new(req.secret);
    let key = trustee(&secret)?;
    let public = key.public();
    on_verified_log(&req.head, |tally| {
        match member::check_key(tally, req.member, &key) {
            Ok(()) => CheckKeyAnswer {
                ok: true,
                registered: tally.trustee_keys().get(req.member as usize) == Some(&Some(public)),
                refused: None,
            },
            Err(e) => CheckKeyAnswer {
                ok: false,
                registered: false,
                refused: Some(e.into()),
            },
        }
    })
}

/// The slips of a verified log (the console's list of slips to cancel).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlipsRequest {
    /// [`TallyAnswer::head`] of the log the page verified.
    pub head: String,
}

/// One issued slip, numbered as printed (from 1, in the order of issue,
/// cancelled ones included).
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct SlipView {
    /// The number printed on the slip.
    pub n: u64,
    /// The public credential, hex.
    pub public: String,
    /// `unused`, `used` (a counted ballot used it) or `cancelled`.
    pub state: &'static str,
}

/// Every slip issued in the verified log, in the order of issue.
pub fn slips(req: SlipsRequest) -> Result<Vec<SlipView>, String> {
    let head = hash32(&req.head, "head")?;
    SESSION.with(|s| {
        let s = s.borrow();
        let sess = s.as_ref().ok_or("no log loaded (tally_begin)")?;
        if sess.error.is_some() || sess.next != sess.lines.len() || sess.tally.is_empty() {
            return Err("the log is not verified to its end".to_string());
        }
        if sess.tally.head() != head {
            return Err("the log verified is not the one the page read (head)".to_string());
        }
        let mut out = Vec::new();
        for &(a, b) in &sess.lines {
            let line = &sess.log[a..b];
            // Only `credentials` lines are decoded again (a ballot never
            // holds this text).
            const NEEDLE: &[u8] = b"\"kind\":\"credentials\"";
            if !line.windows(NEEDLE.len()).any(|w| w == NEEDLE) {
                continue;
            }
            let Ok(entry) = tinnhiem_core::log::parse_line(line) else {
                continue;
            };
            if let Payload::Credentials(body) = entry.payload {
                for c in body.credentials {
                    let state = if sess.tally.is_cancelled(&c.0) {
                        "cancelled"
                    } else if matches!(sess.tally.credential(&c.0), Some(Some(_))) {
                        "used"
                    } else {
                        "unused"
                    };
                    out.push(SlipView {
                        n: out.len() as u64 + 1,
                        public: hex(&c.0),
                        state,
                    });
                }
            }
        }
        Ok(out)
    })
}

/// A key typed from the key card (or read from the key file).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyCheckCodeRequest {
    /// The trustee key (secret), hex.
    pub secret: String,
}

/// The key card's check code of that key.
#[derive(Serialize)]
pub struct KeyCheckCodeAnswer {
    /// 4 Crockford base32 characters (PROTOCOL.md §5.11).
    pub code: String,
}

/// The check code printed on the key card ([`tinnhiem_core::keycard`]).
pub fn key_check_code(req: KeyCheckCodeRequest) -> Result<KeyCheckCodeAnswer, String> {
    let secret = Zeroizing::new(req.secret);
    let bytes = Zeroizing::new(unhex_array::<32>(&secret, "secret").map_err(err)?);
    Ok(KeyCheckCodeAnswer {
        code: tinnhiem_core::keycard::key_check_code(&bytes),
    })
}

/// A voter's request for the result (R11).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoterSignatureRequest {
    /// Election id.
    pub election_id: String,
    /// Election hash, hex.
    pub election_hash: String,
    /// The credential text.
    pub credential: String,
    /// 32 random bytes, hex.
    pub seed: String,
}

/// What to post to `/result/voter`.
#[derive(Serialize)]
pub struct VoterSignatureAnswer {
    /// `C`, hex.
    pub credential: String,
    /// Signature (context `result-access`) on the election hash, hex.
    pub signature: String,
}

/// Signs the election hash with the credential, to ask for the result.
pub fn voter_result_signature(req: VoterSignatureRequest) -> Result<VoterSignatureAnswer, String> {
    let hash = hash32(&req.election_hash, "election_hash")?;
    let text = Zeroizing::new(req.credential);
    let seed = Zeroizing::new(req.seed);
    let c = Credential::from_text(&text).map_err(err)?;
    let secret = c.secret_key(&req.election_id);
    let sig = secret.sign("result-access", &hash, &mut rng(&seed)?);
    Ok(VoterSignatureAnswer {
        credential: hex(secret.public().as_bytes()),
        signature: hex(&sig.to_bytes()),
    })
}

/// A QR code to draw.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrRequest {
    /// The text.
    pub text: String,
}

/// The QR code.
#[derive(Serialize)]
pub struct QrAnswer {
    /// SVG markup.
    pub svg: String,
}

fn svg(text: &str) -> String {
    match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(160, 160)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Draws a QR code as SVG.
pub fn qr_svg(req: QrRequest) -> Result<QrAnswer, String> {
    if req.text.len() > 1000 {
        return Err("text too long for a QR code".into());
    }
    Ok(QrAnswer {
        svg: svg(&req.text),
    })
}

/// One log of a campaign, as the page read it from a file or the server.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignLog {
    /// Its name (the file's), for the answer.
    pub name: String,
    /// The log, JSON Lines.
    pub log: String,
}

/// Verify logs and consolidate them, as `tinnhiem campaign report` does.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    /// The logs.
    pub logs: Vec<CampaignLog>,
    /// 32 random bytes, hex (batch weights).
    pub seed: String,
}

/// A log that does not verify.
#[derive(Serialize)]
pub struct CampaignFailure {
    /// The log's name.
    pub log: String,
    /// Its first bad line and why.
    pub failure: Failure,
}

/// The outcome: the failures, or the consolidated campaign.
#[derive(Serialize)]
pub struct CampaignAnswer {
    /// Every log that does not verify (nothing is consolidated then).
    pub failed: Vec<CampaignFailure>,
    /// The consolidated campaign, the document of `tinnhiem campaign
    /// report --json`, when every log verifies.
    pub campaign: Option<tinnhiem_tally::campaign::Campaign>,
    /// Per log, in order: its election id and the entry hash of its line 0
    /// (the election hash), hex, for a log that verifies.
    pub elections: Vec<Option<(String, String)>>,
    /// Two logs of one election (`"a and b"`), which are not consolidated.
    pub duplicate: Option<String>,
}

/// Verifies every log with the inspector's verifier, one after the other
/// on this thread, and consolidates them (per leader and place, R8; the
/// report due dates of R12 with the built-in calendar), exactly as
/// `tinnhiem campaign report` does: the campaign page checks a unit's file
/// before sending it, and the office's logs without the command line.
pub fn campaign_report(req: CampaignRequest) -> Result<CampaignAnswer, String> {
    use tinnhiem_tally::campaign::{consolidate, verify_logs, Verdict};
    let seed = *Zeroizing::new(unhex_array::<32>(&req.seed, "seed").map_err(err)?);
    let names: Vec<String> = req.logs.iter().map(|l| l.name.clone()).collect();
    let load = |i: usize| Ok::<_, ()>(req.logs[i].log.as_bytes().to_vec());
    let verdicts = verify_logs(&names, 1, seed, &load);
    let mut failed = Vec::new();
    let mut meetings = Vec::new();
    let mut elections = Vec::new();
    for (name, v) in names.iter().zip(verdicts) {
        match v {
            Verdict::Verified(m) => {
                elections.push(Some((m.election.id.clone(), hex(&m.election_hash))));
                meetings.push(*m);
            }
            Verdict::Failed(f) => {
                elections.push(None);
                failed.push(CampaignFailure {
                    log: name.clone(),
                    failure: Failure {
                        seq: f.error.seq,
                        reason: f.error.reason.to_string(),
                        reason_vi: tinnhiem_tally::vi::reason(&f.error.reason),
                    },
                });
            }
            Verdict::Unreadable(()) => unreachable!("the logs are in memory"),
        }
    }
    if !failed.is_empty() {
        return Ok(CampaignAnswer {
            failed,
            campaign: None,
            elections,
            duplicate: None,
        });
    }
    let calendar = tinnhiem_core::calendar::Calendar::vietnam();
    Ok(match consolidate(&meetings, &calendar) {
        Ok(c) => CampaignAnswer {
            failed,
            campaign: Some(c),
            elections,
            duplicate: None,
        },
        Err(d) => CampaignAnswer {
            failed,
            campaign: None,
            elections,
            duplicate: Some(format!("{} và {} ({})", d.first, d.second, d.id)),
        },
    })
}

/// Find a cast ballot by its seal code (op 30).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindBallotRequest {
    /// The seal code (dashes optional, any case), as the receipt shows it.
    pub seal: String,
}

/// Where the ballot with that seal code is in the log verified so far.
#[derive(Serialize)]
pub struct FindBallotAnswer {
    /// The seal code, in its printed form.
    pub seal: String,
    /// The `ballot` line whose seal code it is, among the lines verified
    /// (`null`: none; an audit's seal code is looked up with
    /// [`find_audit`]).
    pub seq: Option<u64>,
    /// The ballot is counted (verified and not excluded).
    pub counted: bool,
    /// Why it is excluded (English), when found and not counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The same in Vietnamese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_vi: Option<String>,
}

/// The answers' ciphertexts of a ballot line, the only part of it the seal
/// digest covers: the JSON is read without decoding the proofs.
#[derive(Deserialize)]
struct BallotLine {
    kind: String,
    body: BallotLineBody,
}

#[derive(Deserialize)]
struct BallotLineBody {
    #[serde(default)]
    answers: Vec<String>,
}

/// The seal digest of a ballot line (`None`: not a ballot, or its answers
/// do not decode; the verifier has accepted every line looked at here).
fn ballot_seal_digest(election: &[u8; 32], line: &[u8]) -> Option<[u8; 32]> {
    let l: BallotLine = serde_json::from_slice(line).ok()?;
    if l.kind != "ballot" {
        return None;
    }
    let mut cts = Vec::with_capacity(192 * l.body.answers.len());
    for a in &l.body.answers {
        // An answer's first 192 bytes are its three ciphertexts
        // (`Answer::to_bytes`).
        cts.extend_from_slice(&tinnhiem_core::encoding::unhex(a.get(..384)?, "answer").ok()?);
    }
    Some(tinnhiem_core::ballot::seal_digest(election, &cts))
}

/// Finds the cast ballot whose seal code is `seal` among the lines of the
/// session's log verified so far (whichever path verified them), with
/// whether it was counted. The seal code of each ballot line is computed
/// here from its ciphertexts (one hash per ballot, no point decoded).
pub fn find_ballot(req: FindBallotRequest) -> Result<FindBallotAnswer, String> {
    let seal = read_seal_code(&req.seal).ok_or("not a seal code (16 characters)")?;
    SESSION.with(|s| {
        let s = s.borrow();
        let sess = s.as_ref().ok_or("no log loaded (tally_begin)")?;
        let mut answer = FindBallotAnswer {
            seal: seal.clone(),
            seq: None,
            counted: false,
            reason: None,
            reason_vi: None,
        };
        let Some(election) = sess.tally.election_hash() else {
            return Ok(answer);
        };
        const NEEDLE: &[u8] = b"\"kind\":\"ballot\"";
        for (seq, &(a, b)) in sess.lines[..sess.next].iter().enumerate() {
            let line = &sess.log[a..b];
            if !line.windows(NEEDLE.len()).any(|w| w == NEEDLE) {
                continue;
            }
            if ballot_seal_digest(&election, line).is_some_and(|d| seal_code(&d) == seal) {
                let seq = seq as u64;
                answer.seq = Some(seq);
                match sess.tally.exclusions().iter().find(|x| x.seq == seq) {
                    Some(x) => {
                        answer.reason = Some(x.reason.to_string());
                        answer.reason_vi = Some(tinnhiem_tally::vi::exclusion(&x.reason));
                    }
                    None => answer.counted = true,
                }
                break;
            }
        }
        Ok(answer)
    })
}

/// Find an audit by its seal code (op 31).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindAuditRequest {
    /// The seal code (dashes optional, any case).
    pub seal: String,
}

/// Where the audit with that seal code is in the log verified so far.
#[derive(Serialize)]
pub struct FindAuditAnswer {
    /// The seal code, in its printed form.
    pub seal: String,
    /// The `audit` line with that seal code among the lines verified
    /// (`null`: none).
    pub seq: Option<u64>,
    /// That line's body, as the log has it (what `check_audit` takes as
    /// `audit`), when found.
    pub audit: Option<serde_json::Value>,
    /// The lines verified include the `close`: every audit the server took
    /// is published before it (PROTOCOL.md §6.3 `audit`), so a code not
    /// found here was never published.
    pub closed: bool,
}

/// Finds the audit whose seal code is `seal` among the lines of the
/// session's log verified so far (whichever path verified them): the
/// verifier's own list of the audits it accepted, each with the seal code
/// it computed from the line's ciphertexts. The page then opens the line's
/// body with [`check_audit`], trusting no server for it.
pub fn find_audit(req: FindAuditRequest) -> Result<FindAuditAnswer, String> {
    let seal = read_seal_code(&req.seal).ok_or("not a seal code (16 characters)")?;
    SESSION.with(|s| {
        let s = s.borrow();
        let sess = s.as_ref().ok_or("no log loaded (tally_begin)")?;
        let closed = matches!(
            sess.tally.phase(),
            tinnhiem_tally::Phase::Closed | tinnhiem_tally::Phase::Done
        );
        let Some(found) = sess.tally.audits().iter().find(|a| a.seal == seal) else {
            return Ok(FindAuditAnswer {
                seal,
                seq: None,
                audit: None,
                closed,
            });
        };
        let line = usize::try_from(found.seq)
            .ok()
            .and_then(|i| sess.lines.get(i))
            .map(|&(a, b)| &sess.log[a..b])
            .ok_or("the audit's line is not in the log loaded")?;
        let mut entry: serde_json::Value =
            serde_json::from_slice(line).map_err(|e| format!("the audit's line: {e}"))?;
        Ok(FindAuditAnswer {
            seal,
            seq: Some(found.seq),
            audit: Some(entry["body"].take()),
            closed,
        })
    })
}
