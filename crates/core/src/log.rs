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
//! that starts with the election hash.

use alloc::string::String;
use alloc::vec::Vec;
use rand_core::CryptoRngCore;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::ballot::Ballot;
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
    /// The server's public key for this election's log.
    pub server_key: Hex<32>,
}

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

/// What the server turned away while voting was open (DESIGN.md `refused`).
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
            _ => return Err(DecodeError::Format("unknown entry kind")),
        })
    }

    /// For a committee statement: `(context, message, signer, signature)`
    /// where the message is the election hash followed by the statement's
    /// own bytes (PROTOCOL.md §5.3). `None` for other kinds.
    pub fn statement(&self, election: &[u8; 32]) -> Option<(&'static str, Vec<u8>, u32, &Hex<64>)> {
        let mut m = Vec::from(&election[..]);
        let (signer, sig) = match self {
            Payload::Quorum(b) => {
                m.extend_from_slice(&b.present.to_le_bytes());
                (b.signer, &b.signature)
            }
            Payload::Credentials(b) => {
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
pub fn parse_line(line: &[u8]) -> Result<Entry, DecodeError> {
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
    if e.candidates.is_empty() || e.candidates.len() > 100 {
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
    if e.trustees.is_empty() || e.trustees.len() > 20 || !e.trustees.iter().all(|t| text(t, 200)) {
        return Err(DecodeError::Format("trustees: 1 to 20 names"));
    }
    if e.summoned == 0 || e.summoned > 1_000_000 {
        return Err(DecodeError::Format("summoned: 1 to 1000000"));
    }
    Ok(())
}
