//! The log: its entries and their exact JSON Lines form (PROTOCOL.md §4–§6).
//!
//! Every entry is one line of canonical JSON (no trailing newline in what is
//! hashed):
//!
//! ```text
//! {"seq":N,"prev":"<hex 32>","kind":"<kind>","body":{...},"server_sig":"<hex 64>"}
//! ```
//!
//! - `seq` is the line's position from 0; `prev` is the SHA-256 of the
//!   previous line's bytes (32 zero bytes for line 0). The *entry hash* of a
//!   line is SHA-256 of its bytes; the *head* is the entry hash of the last
//!   line; the *election hash* is the entry hash of line 0.
//! - `server_sig` is the server's Schnorr signature (context `log-entry`) on
//!   the line with its last member removed: the bytes before
//!   `,"server_sig":"` followed by `}`. So any change to any byte of a line
//!   is caught at that line.
//! - A line must be exactly the canonical serialization of what it decodes
//!   to (field order as documented, no white space, serde_json's escaping);
//!   [`parse_line`] refuses anything else.
//!
//! Committee statements carry `signer` (the trustee index) and `signature`,
//! a Schnorr signature by that trustee's key share on
//! [`Payload::statement`]: a context string equal to the kind, and a message
//! that starts with the election hash and the statement's anchor (the entry
//! hash of the last line before it that is not a ballot).

use alloc::string::String;
use alloc::vec::Vec;
use rand_core::CryptoRngCore;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::ballot::{check_name, Answer, Ballot, ANSWER_LEN};
pub use crate::ballot::{AuditBody, AuditError, MAX_CANDIDATES};
use crate::encoding::{hex, unhex_array};
use crate::schnorr::{SecretKey, Signature};
use crate::DecodeError;

/// `N` bytes, serialized as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hex<const N: usize>(pub [u8; N]);

impl<const N: usize> core::fmt::Debug for Hex<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl<const N: usize> Serialize for Hex<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex(&self.0))
    }
}

impl<'de, const N: usize> Deserialize<'de> for Hex<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: alloc::borrow::Cow<'de, str> = Deserialize::deserialize(d)?;
        unhex_array::<N>(&s, "hex field")
            .map(Hex)
            .map_err(D::Error::custom)
    }
}

/// A candidate on the ballot (R1): full name and position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// Full name.
    pub name: String,
    /// Position.
    pub position: String,
    /// The personnel code (mã cán bộ) that names the same leader in every
    /// meeting where he or she is rated (R8): [`check_person`]'s characters.
    /// Written only when present, after `position`, so that a candidate
    /// without one is byte for byte what it was before the member existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

/// Longest personnel code, in bytes.
pub const PERSON_MAX: usize = 32;

/// Whether `code` is a personnel code (R8): 1 to [`PERSON_MAX`] bytes of
/// ASCII letters, digits, `-`, `_`, `.` and `/`, beginning with a letter or
/// a digit. Codes are compared byte for byte across logs, so no white
/// space, no case folding and no Unicode (whose equal-looking spellings
/// would name two people); the first character is never one that a
/// spreadsheet reads as the start of a formula.
pub fn check_person(code: &str) -> bool {
    let b = code.as_bytes();
    !b.is_empty()
        && b.len() <= PERSON_MAX
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/'))
}

/// Line 0: the election as the organizer set it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionBody {
    /// The election id (`[a-z0-9-]`, 1 to 64 characters).
    pub id: String,
    /// The meeting's title.
    pub title: String,
    /// The unit (cơ quan, đơn vị).
    pub unit: String,
    /// The date of the meeting, `YYYY-MM-DD`.
    pub date: String,
    /// The candidates, in ballot order (R1).
    pub candidates: Vec<Candidate>,
    /// People summoned (R2).
    pub summoned: u32,
    /// The counting committee's members, in trustee order (R3).
    pub trustees: Vec<String>,
    /// The threshold `t` of a t-of-n committee (PROTOCOL.md §10): absent,
    /// the n-of-n ceremony of §5.4; present, `1 ≤ t ≤ n` and the threshold
    /// ceremony. Written only when present, between `trustees` and
    /// `server_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    /// The leader's dossier (R12): the documents attached to the draft, in
    /// order, each named with its SHA-256. Written only when present (1 to
    /// [`DOSSIER_MAX`] documents), between `threshold` and `server_key`, so
    /// that a line 0 without one is byte for byte what it was before the
    /// member existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier: Option<Vec<DossierDocument>>,
    /// The server's public key for this election's log.
    pub server_key: Hex<32>,
}

/// One document of the leader's dossier in line 0 (R12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierDocument {
    /// The file's name: 1 to [`DOSSIER_NAME_MAX`] bytes of text.
    pub name: String,
    /// SHA-256 of the file's bytes.
    pub sha256: Hex<32>,
    /// The file's length in bytes.
    pub bytes: u64,
}

/// Most documents in a dossier.
pub const DOSSIER_MAX: usize = 20;
/// Longest document name, in bytes.
pub const DOSSIER_NAME_MAX: usize = 200;

/// A trustee's public key share with its proof of knowledge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteeKeyBody {
    /// Trustee index.
    pub trustee: u32,
    /// `Yᵢ`.
    pub key: Hex<32>,
    /// Schnorr proof of knowledge (`R ‖ s`).
    pub proof: Hex<64>,
}

/// Bytes of any length, serialized as lowercase hex.
#[derive(Clone, PartialEq, Eq)]
pub struct HexBytes(pub Vec<u8>);

impl core::fmt::Debug for HexBytes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl Serialize for HexBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex(&self.0))
    }
}

impl<'de> Deserialize<'de> for HexBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: alloc::borrow::Cow<'de, str> = Deserialize::deserialize(d)?;
        crate::encoding::unhex(&s, "hex field")
            .map(HexBytes)
            .map_err(D::Error::custom)
    }
}

/// A member's dealing in the threshold ceremony (PROTOCOL.md §10.3): the
/// bytes of `dkg::Dealing::to_bytes`, which name the dealer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealingBody {
    /// The dealing.
    pub dealing: HexBytes,
}

/// A member's complaint against a dealer's share (PROTOCOL.md §10.7): the
/// 136 bytes of `dkg::Complaint::to_bytes`, which name both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintBody {
    /// The complaint.
    pub complaint: Hex<136>,
}

/// The election key `Y = Σ Yᵢ`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionKeyBody {
    /// `Y`.
    pub key: Hex<32>,
}

/// Attendance recorded by the committee (R2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuorumBody {
    /// People present.
    pub present: u32,
    /// Signing trustee.
    pub signer: u32,
    /// Trustee signature.
    pub signature: Hex<64>,
}

/// Public credentials of a printed sheet (R3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsBody {
    /// The public credentials `C`.
    pub credentials: Vec<Hex<32>>,
    /// Signing trustee.
    pub signer: u32,
    /// Trustee signature.
    pub signature: Hex<64>,
}

/// A committee statement with no content of its own (voting opened).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementBody {
    /// Signing trustee.
    pub signer: u32,
    /// Trustee signature.
    pub signature: Hex<64>,
}

/// What the server turned away while voting was open (`refused`, docs/INTERFACES.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refused {
    /// Ballots with a credential the committee never issued.
    pub forged: u64,
    /// Further ballots with an already used credential.
    pub repeated: u64,
}

/// Voting closed. `refused` is the server's count (covered by its line
/// signature, not by the committee's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    /// What the server refused.
    pub refused: Refused,
    /// Signing trustee.
    pub signer: u32,
    /// Trustee signature.
    pub signature: Hex<64>,
}

/// A trustee's partial decryptions of every total, item `k = 3·candidate +
/// option`, each `Dᵢ ‖ T1 ‖ T2 ‖ s` (128 bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptionBody {
    /// Trustee index.
    pub trustee: u32,
    /// One share with its proof per total.
    pub shares: Vec<Hex<128>>,
}

/// The decrypted totals, per candidate `[high, confidence, low]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultBody {
    /// Counts per candidate.
    pub counts: Vec<[u64; 3]>,
    /// Signing trustee.
    pub signer: u32,
    /// Trustee signature.
    pub signature: Hex<64>,
}

/// The content of an entry, by kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// `election`.
    Election(ElectionBody),
    /// `trustee_key`.
    TrusteeKey(TrusteeKeyBody),
    /// `election_key`.
    ElectionKey(ElectionKeyBody),
    /// `quorum`.
    Quorum(QuorumBody),
    /// `credentials`.
    Credentials(CredentialsBody),
    /// `open`.
    Open(StatementBody),
    /// `ballot`.
    Ballot(Ballot),
    /// `close`.
    Close(CloseBody),
    /// `decryption`.
    Decryption(DecryptionBody),
    /// `result`.
    Result(ResultBody),
    /// `dealing` (threshold ceremony only).
    Dealing(DealingBody),
    /// `complaint` (threshold ceremony only).
    Complaint(ComplaintBody),
    /// `shares_ok` (threshold ceremony only): member `signer` has checked
    /// every share dealt to it ([`shares_ok_message`]).
    SharesOk(StatementBody),
    /// Public credentials of slips cancelled by the committee (torn, lost,
    /// misprinted) before they were used: their ballots are not counted,
    /// and as many new ones may be issued (PROTOCOL.md §6.3 `cancel`).
    Cancel(CredentialsBody),
    /// A sealed ballot opened by its voter to check the page's encryption
    /// (Benaloh's challenge, PROTOCOL.md §6.3 `audit`): never counted, no
    /// credential, no proof, no name.
    Audit(AuditBody),
}

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position from 0.
    pub seq: u64,
    /// Entry hash of the previous line.
    pub prev: [u8; 32],
    /// The content.
    pub payload: Payload,
    /// The server's signature.
    pub server_sig: Signature,
}

/// Context of the server's signature on each line.
pub const SERVER_ENTRY_CONTEXT: &str = "log-entry";
/// Context of the server's signature on a head.
pub const SERVER_HEAD_CONTEXT: &str = "log-head";

impl Payload {
    /// The `kind` string.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Election(_) => "election",
            Payload::TrusteeKey(_) => "trustee_key",
            Payload::ElectionKey(_) => "election_key",
            Payload::Quorum(_) => "quorum",
            Payload::Credentials(_) => "credentials",
            Payload::Open(_) => "open",
            Payload::Ballot(_) => "ballot",
            Payload::Close(_) => "close",
            Payload::Decryption(_) => "decryption",
            Payload::Result(_) => "result",
            Payload::Dealing(_) => "dealing",
            Payload::Complaint(_) => "complaint",
            Payload::SharesOk(_) => "shares_ok",
            Payload::Cancel(_) => "cancel",
            Payload::Audit(_) => "audit",
        }
    }

    fn body_json(&self) -> Vec<u8> {
        let r = match self {
            Payload::Election(b) => serde_json::to_vec(b),
            Payload::TrusteeKey(b) => serde_json::to_vec(b),
            Payload::ElectionKey(b) => serde_json::to_vec(b),
            Payload::Quorum(b) => serde_json::to_vec(b),
            Payload::Credentials(b) => serde_json::to_vec(b),
            Payload::Open(b) => serde_json::to_vec(b),
            Payload::Ballot(b) => serde_json::to_vec(b),
            Payload::Close(b) => serde_json::to_vec(b),
            Payload::Decryption(b) => serde_json::to_vec(b),
            Payload::Result(b) => serde_json::to_vec(b),
            Payload::Dealing(b) => serde_json::to_vec(b),
            Payload::Complaint(b) => serde_json::to_vec(b),
            Payload::SharesOk(b) => serde_json::to_vec(b),
            Payload::Cancel(b) => serde_json::to_vec(b),
            Payload::Audit(b) => serde_json::to_vec(b),
        };
        r.expect("entry bodies always serialize")
    }

    fn from_json(kind: &str, body: &str) -> Result<Payload, DecodeError> {
        fn p<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, DecodeError> {
            serde_json::from_str(s).map_err(|e| DecodeError::Json(alloc::format!("{e}")))
        }
        Ok(match kind {
            "election" => Payload::Election(p(body)?),
            "trustee_key" => Payload::TrusteeKey(p(body)?),
            "election_key" => Payload::ElectionKey(p(body)?),
            "quorum" => Payload::Quorum(p(body)?),
            "credentials" => Payload::Credentials(p(body)?),
            "open" => Payload::Open(p(body)?),
            "ballot" => Payload::Ballot(p(body)?),
            "close" => Payload::Close(p(body)?),
            "decryption" => Payload::Decryption(p(body)?),
            "result" => Payload::Result(p(body)?),
            "dealing" => Payload::Dealing(p(body)?),
            "complaint" => Payload::Complaint(p(body)?),
            "shares_ok" => Payload::SharesOk(p(body)?),
            "cancel" => Payload::Cancel(p(body)?),
            // Read in two steps so that a wrong length or encoding keeps its
            // typed error (serde would fold it into `Json`).
            "audit" => Payload::Audit(AuditBody::from_json(body)?),
            _ => return Err(DecodeError::Format("unknown entry kind")),
        })
    }

    /// For a committee statement: `(context, message, signer, signature)`
    /// where the message is the election hash, then the statement's
    /// *anchor*, then the statement's own bytes (PROTOCOL.md §5.2, §5.3).
    /// `None` for other kinds.
    ///
    /// The anchor is the entry hash of the last line before the statement
    /// whose kind is not `ballot` ([`is_anchor`]): a statement is valid at
    /// one place of the log only, so that no one can append it again later
    /// (a replayed attendance), while ballots that arrive between the
    /// signing and the appending do not invalidate it (a `close`).
    pub fn statement(
        &self,
        election: &[u8; 32],
        anchor: &[u8; 32],
    ) -> Option<(&'static str, Vec<u8>, u32, &Hex<64>)> {
        let mut m = Vec::with_capacity(64 + 8);
        m.extend_from_slice(election);
        m.extend_from_slice(anchor);
        let (signer, sig) = match self {
            Payload::Quorum(b) => {
                m.extend_from_slice(&b.present.to_le_bytes());
                (b.signer, &b.signature)
            }
            Payload::Credentials(b) | Payload::Cancel(b) => {
                m.extend_from_slice(&(b.credentials.len() as u32).to_le_bytes());
                for c in &b.credentials {
                    m.extend_from_slice(&c.0);
                }
                (b.signer, &b.signature)
            }
            Payload::Open(b) => (b.signer, &b.signature),
            Payload::Close(b) => (b.signer, &b.signature),
            Payload::Result(b) => {
                m.extend_from_slice(&(b.counts.len() as u32).to_le_bytes());
                for c in &b.counts {
                    for v in c {
                        m.extend_from_slice(&v.to_le_bytes());
                    }
                }
                (b.signer, &b.signature)
            }
            _ => return None,
        };
        Some((self.kind(), m, signer, sig))
    }
}

/// Context of a `shares_ok` entry's signature (PROTOCOL.md §5.2).
pub const SHARES_OK_CONTEXT: &str = "shares_ok";

/// The message a member signs in a `shares_ok` entry: `H ‖ D`, where `D`
/// is the entry hash of the line of the last dealing (PROTOCOL.md §5.2),
/// so that the statement covers every dealing of the log (by the hash
/// chain) and no other.
pub fn shares_ok_message(election: &[u8; 32], dealings: &[u8; 32]) -> [u8; 64] {
    let mut m = [0u8; 64];
    m[..32].copy_from_slice(election);
    m[32..].copy_from_slice(dealings);
    m
}

/// True for the kinds whose lines move the anchor of the next committee
/// statement ([`Payload::statement`]): every kind but `ballot` and
/// `audit` (audits are appended just before the `close`, which the
/// committee signed before they were).
pub fn is_anchor(payload: &Payload) -> bool {
    !matches!(payload, Payload::Ballot(_) | Payload::Audit(_))
}

/// SHA-256 of a line's bytes.
pub fn entry_hash(line: &[u8]) -> [u8; 32] {
    Sha256::digest(line).into()
}

const SIG_SUFFIX_LEN: usize = ",\"server_sig\":\"".len() + 128 + 2;

/// The bytes the server signs for a line: the line without its last member.
/// Returns `None` when the line does not end with a `server_sig` member.
pub fn signed_part(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let cut = line.len().checked_sub(SIG_SUFFIX_LEN)?;
    let (head, tail) = line.split_at(cut);
    if !tail.starts_with(b",\"server_sig\":\"") || !tail.ends_with(b"\"}") {
        return None;
    }
    Some((head, b"}"))
}

/// The server's signing message for a line: [`signed_part`] concatenated.
pub fn server_message(line: &[u8]) -> Option<Vec<u8>> {
    let (head, tail) = signed_part(line)?;
    let mut m = Vec::with_capacity(head.len() + 1);
    m.extend_from_slice(head);
    m.extend_from_slice(tail);
    Some(m)
}

fn unsigned_json(seq: u64, prev: &[u8; 32], payload: &Payload) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"seq\":");
    out.extend_from_slice(alloc::format!("{seq}").as_bytes());
    out.extend_from_slice(b",\"prev\":\"");
    out.extend_from_slice(hex(prev).as_bytes());
    out.extend_from_slice(b"\",\"kind\":\"");
    out.extend_from_slice(payload.kind().as_bytes());
    out.extend_from_slice(b"\",\"body\":");
    out.extend_from_slice(&payload.body_json());
    out.push(b'}');
    out
}

fn attach_signature(mut unsigned: Vec<u8>, sig: &Signature) -> Vec<u8> {
    unsigned.pop();
    unsigned.extend_from_slice(b",\"server_sig\":\"");
    unsigned.extend_from_slice(hex(&sig.to_bytes()).as_bytes());
    unsigned.extend_from_slice(b"\"}");
    unsigned
}

impl Entry {
    /// Builds and signs the line for `payload` at `seq` after `prev`.
    /// Returns the entry and its exact bytes.
    pub fn seal(
        seq: u64,
        prev: [u8; 32],
        payload: Payload,
        server: &SecretKey,
        rng: &mut impl CryptoRngCore,
    ) -> (Entry, Vec<u8>) {
        let unsigned = unsigned_json(seq, &prev, &payload);
        let server_sig = server.sign(SERVER_ENTRY_CONTEXT, &unsigned, rng);
        let line = attach_signature(unsigned, &server_sig);
        (
            Entry {
                seq,
                prev,
                payload,
                server_sig,
            },
            line,
        )
    }

    /// The canonical line of this entry.
    pub fn to_line(&self) -> Vec<u8> {
        attach_signature(
            unsigned_json(self.seq, &self.prev, &self.payload),
            &self.server_sig,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry<'a> {
    seq: u64,
    prev: &'a str,
    kind: &'a str,
    #[serde(borrow)]
    body: &'a RawValue,
    server_sig: &'a str,
}

/// Decodes one line (without its newline) and checks that it is canonical.
/// Signatures are not checked here.
///
/// A ballot line, nearly all of a log's bytes, is first read by
/// [`parse_canonical_ballot`], which only accepts the exact canonical form;
/// anything it does not accept goes through the general path below, so the
/// answer (and any error) is the general path's.
pub fn parse_line(line: &[u8]) -> Result<Entry, DecodeError> {
    if let Some(entry) = parse_canonical_ballot(line) {
        debug_assert!(
            entry.to_line() == line,
            "fast path accepted a non-canonical line"
        );
        return Ok(entry);
    }
    parse_line_general(line)
}

/// [`parse_line`] for any kind: serde_json, then the comparison with the
/// entry's canonical line.
fn parse_line_general(line: &[u8]) -> Result<Entry, DecodeError> {
    let text = core::str::from_utf8(line).map_err(|_| DecodeError::Format("line is not UTF-8"))?;
    let raw: RawEntry<'_> =
        serde_json::from_str(text).map_err(|e| DecodeError::Json(alloc::format!("{e}")))?;
    let entry = Entry {
        seq: raw.seq,
        prev: unhex_array(raw.prev, "prev")?,
        payload: Payload::from_json(raw.kind, raw.body.get())?,
        server_sig: Signature::from_bytes(&unhex_array(raw.server_sig, "server_sig")?)?,
    };
    if entry.to_line() != line {
        return Err(DecodeError::NotCanonical);
    }
    Ok(entry)
}

/// Reads a line that is exactly the canonical serialization of a ballot
/// entry, in one pass and without building its canonical form again:
/// `{"seq":N,"prev":"<hex>","kind":"ballot","body":{"credential":"<hex>",
/// "answers":["<hex>",...],"signed_by":null|"<name>","signature":"<hex>"},
/// "server_sig":"<hex>"}`. Lowercase hex is the only encoding of its bytes,
/// a `u64` has one decimal form, and a name that [`check_name`] accepts has no
/// escape in serde_json's output but `\"` and `\\`; so a line read to its
/// end here is its entry's [`Entry::to_line`]. `None` for anything else
/// (another kind, another layout, a value that does not decode): the caller
/// then takes the general path, which gives the precise error.
///
/// [`check_name`]: crate::ballot::check_name
fn parse_canonical_ballot(line: &[u8]) -> Option<Entry> {
    let mut r = Cursor(line);
    r.lit(b"{\"seq\":")?;
    let seq = r.u64()?;
    r.lit(b",\"prev\":\"")?;
    let prev = r.hex::<32>()?;
    r.lit(b"\",\"kind\":\"ballot\",\"body\":{\"credential\":\"")?;
    let credential = r.hex::<32>()?;
    r.lit(b"\",\"answers\":[")?;
    let mut answers = Vec::new();
    if r.lit(b"]").is_none() {
        let mut buf = [0u8; ANSWER_LEN];
        loop {
            r.lit(b"\"")?;
            r.hex_into(&mut buf)?;
            answers.push(Answer::from_bytes(&buf).ok()?);
            r.lit(b"\"")?;
            if r.lit(b",").is_none() {
                break;
            }
        }
        r.lit(b"]")?;
    }
    r.lit(b",\"signed_by\":")?;
    let signed_by = if r.lit(b"null").is_some() {
        None
    } else {
        let name = r.name()?;
        check_name(&name).ok()?;
        Some(name)
    };
    r.lit(b",\"signature\":\"")?;
    let signature = Signature::from_bytes(&r.hex::<64>()?).ok()?;
    r.lit(b"\"},\"server_sig\":\"")?;
    let server_sig = Signature::from_bytes(&r.hex::<64>()?).ok()?;
    r.lit(b"\"}")?;
    if !r.0.is_empty() {
        return None;
    }
    Some(Entry {
        seq,
        prev,
        payload: Payload::Ballot(Ballot {
            credential,
            answers,
            signed_by,
            signature,
        }),
        server_sig,
    })
}

/// The rest of a line being read by [`parse_canonical_ballot`]; every
/// method consumes what it matched, or returns `None`.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn lit(&mut self, s: &[u8]) -> Option<()> {
        self.0 = self.0.strip_prefix(s)?;
        Some(())
    }

    /// A `u64` as serde_json writes it: no sign, no leading zero.
    fn u64(&mut self) -> Option<u64> {
        let n = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 || (n > 1 && self.0[0] == b'0') {
            return None;
        }
        let mut v: u64 = 0;
        for &b in &self.0[..n] {
            v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        }
        self.0 = &self.0[n..];
        Some(v)
    }

    /// Exactly `2 * out.len()` lowercase hex digits.
    fn hex_into(&mut self, out: &mut [u8]) -> Option<()> {
        let (digits, rest) = self.0.split_at_checked(2 * out.len())?;
        let mut bad = 0u8;
        for (o, p) in out.iter_mut().zip(digits.chunks_exact(2)) {
            let (h, l) = (HEX_VALUE[p[0] as usize], HEX_VALUE[p[1] as usize]);
            bad |= (h | l) & 0x80;
            *o = (h << 4) | (l & 0x0f);
        }
        if bad != 0 {
            return None;
        }
        self.0 = rest;
        Some(())
    }

    fn hex<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut out = [0u8; N];
        self.hex_into(&mut out)?;
        Some(out)
    }

    /// A JSON string whose only escapes are `\"` and `\\` and that has no
    /// control character: the form serde_json gives a valid name.
    fn name(&mut self) -> Option<String> {
        self.lit(b"\"")?;
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            match *self.0.get(i)? {
                b'"' => break,
                b'\\' => {
                    let e = *self.0.get(i + 1)?;
                    if e != b'"' && e != b'\\' {
                        return None;
                    }
                    out.push(e);
                    i += 2;
                }
                c if c < 0x20 => return None,
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        self.0 = &self.0[i + 1..];
        String::from_utf8(out).ok()
    }
}

/// The value of each lowercase hex digit; `0x80` for every other byte.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0x80u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// The message of the server's head signature: `head ‖ u64le(seq)` where
/// `seq` is the last line's sequence number.
pub fn head_message(head: &[u8; 32], seq: u64) -> [u8; 40] {
    let mut m = [0u8; 40];
    m[..32].copy_from_slice(head);
    m[32..].copy_from_slice(&seq.to_le_bytes());
    m
}

/// Checks the text fields of line 0 (lengths, characters, counts).
pub fn check_election(e: &ElectionBody) -> Result<(), DecodeError> {
    fn text(s: &str, max: usize) -> bool {
        !s.trim().is_empty() && s.len() <= max && !s.chars().any(char::is_control)
    }
    let id_ok = !e.id.is_empty()
        && e.id.len() <= 64
        && e.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(DecodeError::Format("election id: 1 to 64 of a-z, 0-9, -"));
    }
    if !text(&e.title, 300) || !text(&e.unit, 300) || !text(&e.date, 32) {
        return Err(DecodeError::Format(
            "title, unit, date: 1 to 300 bytes of text",
        ));
    }
    if e.candidates.is_empty() || e.candidates.len() > MAX_CANDIDATES {
        return Err(DecodeError::Format("candidates: 1 to 100"));
    }
    if !e
        .candidates
        .iter()
        .all(|c| text(&c.name, 200) && text(&c.position, 300))
    {
        return Err(DecodeError::Format(
            "candidate name and position: 1 to 200/300 bytes of text",
        ));
    }
    let codes: Vec<&str> = e
        .candidates
        .iter()
        .filter_map(|c| c.person.as_deref())
        .collect();
    if !codes.iter().all(|p| check_person(p)) {
        return Err(DecodeError::Format(
            "candidate person: 1 to 32 of A-Z, a-z, 0-9, -, _, ., / (first a letter or digit)",
        ));
    }
    // One leader is rated once per meeting: a code on two candidates of
    // the same ballot is a mistake in the set-up (R8 counts places).
    for (i, p) in codes.iter().enumerate() {
        if codes[..i].contains(p) {
            return Err(DecodeError::Format(
                "candidate person: the same code on two candidates",
            ));
        }
    }
    if e.trustees.is_empty() || e.trustees.len() > 20 || !e.trustees.iter().all(|t| text(t, 200)) {
        return Err(DecodeError::Format("trustees: 1 to 20 names"));
    }
    if e.summoned == 0 || e.summoned > 1_000_000 {
        return Err(DecodeError::Format("summoned: 1 to 1000000"));
    }
    if let Some(t) = e.threshold {
        // A majority of the committee, up to all of it (§4.4).
        let n = e.trustees.len() as u32;
        if t < crate::dkg::default_threshold(n) || t > n {
            return Err(DecodeError::Format(
                "threshold: a majority of the trustees (n / 2 + 1 to n)",
            ));
        }
    }
    if let Some(docs) = &e.dossier {
        if docs.is_empty()
            || docs.len() > DOSSIER_MAX
            || !docs.iter().all(|d| text(&d.name, DOSSIER_NAME_MAX))
        {
            return Err(DecodeError::Format(
                "dossier: 1 to 20 documents, each name 1 to 200 bytes of text",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ballot::{ElectionContext, Level};
    use crate::credential::Credential;
    use crate::schnorr::PublicKey;
    use alloc::string::ToString;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn ballot_line(seq: u64, signed_by: Option<&str>) -> Vec<u8> {
        let mut rng = ChaCha20Rng::seed_from_u64(seq);
        let server = SecretKey::random(&mut rng);
        let ctx = ElectionContext {
            election_hash: [7; 32],
            key: PublicKey::from_point(*SecretKey::random(&mut rng).public().point()),
            candidates: 2,
        };
        let ballot = Ballot::cast(
            &ctx,
            "e",
            &Credential::generate(&mut rng),
            &[Some(Level::High), None],
            signed_by.map(ToString::to_string),
            &mut rng,
        );
        Entry::seal(seq, [9; 32], Payload::Ballot(ballot), &server, &mut rng).1
    }

    fn election_with(dossier: Option<Vec<DossierDocument>>) -> ElectionBody {
        ElectionBody {
            id: "hs".into(),
            title: "Lấy phiếu".into(),
            unit: "Sở Y tế".into(),
            date: "2026-11-20".into(),
            candidates: alloc::vec![Candidate {
                name: "Nguyễn Văn A".into(),
                position: "Giám đốc".into(),
                person: None,
            }],
            summoned: 3,
            trustees: alloc::vec!["Trưởng ban".into()],
            threshold: Some(1),
            dossier,
            server_key: Hex([0; 32]),
        }
    }

    #[test]
    fn line_0_writes_the_dossier_between_threshold_and_server_key_only_when_present() {
        let doc = |name: &str| DossierDocument {
            name: name.into(),
            sha256: Hex([0xab; 32]),
            bytes: 1234,
        };
        let zero = "0".repeat(64);
        let without = serde_json::to_string(&election_with(None)).unwrap();
        assert!(without.ends_with(&alloc::format!(r#""threshold":1,"server_key":"{zero}"}}"#)));
        let e = election_with(Some(alloc::vec![doc("Báo cáo.pdf"), doc("b.pdf")]));
        let with = serde_json::to_string(&e).unwrap();
        let ab = "ab".repeat(32);
        assert!(with.ends_with(&alloc::format!(
            r#""threshold":1,"dossier":[{{"name":"Báo cáo.pdf","sha256":"{ab}","bytes":1234}},{{"name":"b.pdf","sha256":"{ab}","bytes":1234}}],"server_key":"{zero}"}}"#
        )), "{with}");
        assert_eq!(serde_json::from_str::<ElectionBody>(&with).unwrap(), e);
        assert_eq!(check_election(&e), Ok(()));

        for bad in [
            alloc::vec![],
            (0..=DOSSIER_MAX).map(|_| doc("a.pdf")).collect(),
            alloc::vec![doc("")],
            alloc::vec![doc("  ")],
            alloc::vec![doc("a\nb.pdf")],
            alloc::vec![doc(&"x".repeat(DOSSIER_NAME_MAX + 1))],
        ] {
            assert!(
                check_election(&election_with(Some(bad.clone()))).is_err(),
                "{bad:?}"
            );
        }
        let longest = alloc::vec![doc(&"x".repeat(DOSSIER_NAME_MAX)); DOSSIER_MAX];
        assert_eq!(check_election(&election_with(Some(longest))), Ok(()));
    }

    #[test]
    fn fast_ballot_path_reads_canonical_lines_as_the_general_path_does() {
        for (seq, name) in [
            (0, None),
            (10, Some("Nguyễn Văn A")),
            (u64::MAX, Some(r#"a "quoted" \ name"#)),
        ] {
            let line = ballot_line(seq, name);
            let fast = parse_canonical_ballot(&line).expect("canonical ballot line");
            assert_eq!(Ok(fast), parse_line_general(&line));
        }
    }

    #[test]
    fn any_changed_byte_of_a_ballot_line_gets_the_general_paths_answer() {
        let line = ballot_line(12, Some(r#"Trần "B" \ C"#));
        let original = parse_line_general(&line).expect("canonical");
        for i in 0..line.len() {
            for b in [b'0', b'a', b'F', b'"', b'\\', b' ', 0x1f, 0x80] {
                if line[i] == b {
                    continue;
                }
                let mut changed = line.clone();
                changed[i] = b;
                let expected = parse_line_general(&changed);
                if let Some(e) = parse_canonical_ballot(&changed) {
                    assert_eq!(Ok(&e), expected.as_ref(), "byte {i} set to {b:#x}");
                    assert_ne!(e, original, "a changed line reads as the original");
                }
                assert_eq!(parse_line(&changed), expected, "byte {i} set to {b:#x}");
            }
        }
        // A byte less, or a space more, at every place but inside hex.
        for i in 0..line.len() {
            if i > 0 && line[i].is_ascii_hexdigit() && line[i - 1].is_ascii_hexdigit() {
                continue;
            }
            let mut cut = line.clone();
            cut.remove(i);
            assert_eq!(
                parse_line(&cut),
                parse_line_general(&cut),
                "byte {i} removed"
            );
            let mut longer = line.clone();
            longer.insert(i, b' ');
            assert_eq!(
                parse_line(&longer),
                parse_line_general(&longer),
                "space at {i}"
            );
        }
    }

    #[test]
    fn non_canonical_numbers_and_escapes_are_left_to_the_general_path() {
        let text = String::from_utf8(ballot_line(5, None)).unwrap();
        for bad in [
            text.replacen(r#"{"seq":5"#, r#"{"seq":05"#, 1),
            text.replacen(r#"{"seq":5"#, r#"{"seq":5.0"#, 1),
            text.replacen(r#""signed_by":null"#, r#""signed_by":"\u0041""#, 1),
            text.replacen(r#""credential":""#, r#""credential":"\u0030"#, 1),
        ] {
            assert!(parse_canonical_ballot(bad.as_bytes()).is_none());
            assert_eq!(
                parse_line(bad.as_bytes()),
                parse_line_general(bad.as_bytes())
            );
        }
    }
}

#[cfg(test)]
mod audit_tests {
    use super::*;
    use crate::ballot::{
        read_seal_code, seal_code, seal_digest, Choice, ElectionContext, Level, SealedBallot,
    };
    use crate::credential::Credential;
    use crate::schnorr::PublicKey;
    use alloc::format;
    use alloc::string::ToString;
    use curve25519_dalek::scalar::Scalar;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn sealed(choices: &[Choice]) -> (ElectionContext, SealedBallot) {
        let mut rng = ChaCha20Rng::seed_from_u64(15);
        let ctx = ElectionContext {
            election_hash: [7; 32],
            key: PublicKey::from_point(*SecretKey::random(&mut rng).public().point()),
            candidates: choices.len() as u32,
        };
        let s = SealedBallot::seal(
            &ctx,
            "e",
            &Credential::generate(&mut rng),
            choices,
            None,
            &mut rng,
        );
        (ctx, s)
    }

    /// The vector computed from PROTOCOL.md §3.1 and §5.6 alone (Python's
    /// hashlib, struct and the base32 alphabet).
    #[test]
    fn seal_digest_and_code_match_the_spec() {
        let election: [u8; 32] = core::array::from_fn(|i| i as u8);
        let cts: Vec<u8> = (0..192).map(|i| ((i * 7) % 256) as u8).collect();
        let d = seal_digest(&election, &cts);
        assert_eq!(
            hex(&d),
            "975e010a1ff98ecb212d2b8340128d9b1339828d295c9b8790ed96ffdcc8cbd9"
        );
        assert_eq!(seal_code(&d), "JXF0-22GZ-Z67C-P89D");
        // 80 bits: the 11th byte does not enter the code, the 10th does.
        let mut d2 = d;
        d2[10] ^= 1;
        assert_eq!(seal_code(&d2), seal_code(&d));
        d2[9] ^= 1;
        assert_ne!(seal_code(&d2), seal_code(&d));
    }

    #[test]
    fn a_typed_seal_code_reads_back() {
        let c = "JXF0-22GZ-Z67C-P89D";
        assert_eq!(read_seal_code(c).as_deref(), Some(c));
        assert_eq!(read_seal_code("jxfo22gzz67cp89d").as_deref(), Some(c));
        assert_eq!(read_seal_code("JXF0 22GZ Z67C P89D").as_deref(), Some(c));
        assert_eq!(read_seal_code("JXF0-22GZ-Z67C-P89"), None, "15 characters");
        assert_eq!(
            read_seal_code("JXF0-22GZ-Z67C-P89DD"),
            None,
            "17 characters"
        );
        assert_eq!(
            read_seal_code("JXF0-22GZ-Z67C-P89U"),
            None,
            "U is not a digit"
        );
        assert_eq!(read_seal_code(""), None);
    }

    #[test]
    fn a_sealed_ballot_opens_to_its_marks_with_the_cast_ballots_seal() {
        let choices = [Some(Level::High), None, Some(Level::Low)];
        let (ctx, s) = sealed(&choices);
        let body = s.audit_body().expect("not forgotten");
        assert_eq!(body.check(&ctx.key), Ok(()));
        assert_eq!(body.choices, choices);
        // The audit, the sealed ballot and the cast ballot share one seal.
        assert_eq!(body.seal_digest(&ctx.election_hash), s.seal_digest());
        assert_eq!(s.ballot().seal_digest(&ctx.election_hash), s.seal_digest());
        assert_eq!(s.seal_code(), seal_code(&s.seal_digest()));
        // The credential's signature on it (what the server checks).
        let c = PublicKey::from_bytes(&s.ballot().credential, "c").unwrap();
        s.audit_signature()
            .verify(&c, crate::ballot::AUDIT_SIGNATURE_CONTEXT, &s.seal_digest())
            .expect("audit signature");
        // The ballot still verifies: sealing is casting, kept open.
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        s.ballot().verify(&ctx, &mut rng).expect("valid ballot");
    }

    #[test]
    fn a_wrong_randomness_fails_at_its_ciphertext() {
        let (ctx, s) = sealed(&[Some(Level::High), Some(Level::Confidence)]);
        let mut body = s.audit_body().unwrap();
        body.randomness[1][2] += Scalar::ONE;
        assert_eq!(
            body.check(&ctx.key),
            Err(AuditError {
                candidate: 1,
                option: 2
            })
        );
    }

    #[test]
    fn a_wrong_mark_fails_at_the_first_level_that_differs() {
        let (ctx, s) = sealed(&[Some(Level::Low), Some(Level::Confidence)]);
        let mut body = s.audit_body().unwrap();
        // Encrypted confidence (level 1), claimed high (level 0).
        body.choices[1] = Some(Level::High);
        assert_eq!(
            body.check(&ctx.key),
            Err(AuditError {
                candidate: 1,
                option: 0
            })
        );
        // Claimed blank: the confidence ciphertext encrypts 1, not 0.
        body.choices[1] = None;
        assert_eq!(
            body.check(&ctx.key),
            Err(AuditError {
                candidate: 1,
                option: 1
            })
        );
        // Another election key: nothing opens.
        let other = PublicKey::from_point(
            *SecretKey::random(&mut ChaCha20Rng::seed_from_u64(9))
                .public()
                .point(),
        );
        let body = s.audit_body().unwrap();
        assert_eq!(
            body.check(&other),
            Err(AuditError {
                candidate: 0,
                option: 0
            })
        );
    }

    #[test]
    fn lists_of_unequal_lengths_fail_where_one_ends() {
        let (ctx, s) = sealed(&[Some(Level::Low), None]);
        let mut body = s.audit_body().unwrap();
        body.randomness.pop();
        assert_eq!(
            body.check(&ctx.key),
            Err(AuditError {
                candidate: 1,
                option: 0
            })
        );
    }

    fn audit_json(s: &SealedBallot) -> serde_json::Value {
        serde_json::to_value(s.audit_body().unwrap()).unwrap()
    }

    fn decode(v: &serde_json::Value) -> Result<AuditBody, DecodeError> {
        Payload::from_json("audit", &v.to_string()).map(|p| match p {
            Payload::Audit(b) => b,
            _ => unreachable!("an audit"),
        })
    }

    #[test]
    fn the_audit_body_decoder_refuses_wrong_lengths_and_encodings() {
        let (_, s) = sealed(&[Some(Level::Low), None]);
        let v = audit_json(&s);
        assert_eq!(
            v["choices"],
            serde_json::json!(["low", "none"]),
            "a blank is \"none\""
        );
        assert!(decode(&v).is_ok());
        let with = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut w = v.clone();
            f(&mut w);
            decode(&w)
        };
        let cts = v["ciphertexts"].as_str().unwrap().to_string();
        let rs = v["randomness"].as_str().unwrap().to_string();
        assert_eq!(
            with(&|w| w["ciphertexts"] = cts[..cts.len() - 2].into()),
            Err(DecodeError::Length {
                field: "audit ciphertexts",
                expected: 384,
                found: 383
            })
        );
        assert_eq!(
            with(&|w| w["randomness"] = format!("{rs}00").into()),
            Err(DecodeError::Length {
                field: "audit randomness",
                expected: 192,
                found: 193
            })
        );
        assert!(matches!(
            with(&|w| w["choices"] = serde_json::json!(["low"])),
            Err(DecodeError::Length { .. })
        ));
        assert!(matches!(
            with(&|w| w["choices"] = serde_json::json!([])),
            Err(DecodeError::Format(_))
        ));
        assert!(matches!(
            with(&|w| w["choices"] = serde_json::json!(["low", null])),
            Err(DecodeError::Json(_))
        ));
        assert!(matches!(
            with(&|w| w["extra"] = 1.into()),
            Err(DecodeError::Json(_))
        ));
        // A scalar that is not reduced (ℓ's top byte is 0x10: 0xff is not).
        assert_eq!(
            with(&|w| w["randomness"] = format!("{}ff{}", &rs[..62], &rs[64..]).into()),
            Err(DecodeError::Scalar {
                field: "audit randomness"
            })
        );
        // 32 bytes that are no point's encoding.
        assert_eq!(
            with(&|w| w["ciphertexts"] = format!("ff{}", &cts[2..]).into()),
            Err(DecodeError::Point {
                field: "audit ciphertext"
            })
        );
        assert!(matches!(
            with(&|w| w["ciphertexts"] = cts.to_uppercase().into()),
            Err(DecodeError::Hex { .. })
        ));
    }

    #[test]
    fn an_audit_line_is_canonical_and_not_an_anchor() {
        let (_, s) = sealed(&[Some(Level::Confidence), None]);
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let server = SecretKey::random(&mut rng);
        let payload = Payload::Audit(s.audit_body().unwrap());
        assert!(!is_anchor(&payload));
        let (entry, line) = Entry::seal(5, [1; 32], payload, &server, &mut rng);
        assert_eq!(parse_line(&line).unwrap(), entry);
        let text = core::str::from_utf8(&line).unwrap();
        assert!(text.contains(r#""kind":"audit","body":{"ciphertexts":""#));
        assert!(text.contains(r#""choices":["confidence","none"]}"#));
    }

    #[test]
    fn a_sealed_ballot_never_shows_its_randomness_and_forgets_it() {
        let (_, mut s) = sealed(&[Some(Level::Confidence)]);
        let body = s.audit_body().unwrap();
        let r = hex(body.randomness[0][0].as_bytes());
        let shown = format!("{s:?}");
        assert!(!shown.contains(&r), "Debug shows no randomness");
        assert!(shown.contains(&s.seal_code()));
        s.forget();
        assert!(s.audit_body().is_none(), "forgotten: cannot be opened");
        assert!(!s.can_open());
    }
}
