//! The encrypted ballot (R1, R4, R5).
//!
//! For each candidate the voter chooses one of the three levels of R1 or
//! leaves the entry blank (an invalid entry under R5, counted but not
//! rejected). The choice becomes three ciphertexts, one per level, each an
//! encryption of 0 or 1, with a 0/1 proof for each and a fourth 0/1 proof for
//! their sum (so at most one level is marked; a sum of 0 is a blank).
//!
//! An *answer* (one candidate) is 1088 bytes:
//! `ct_high ‖ ct_confidence ‖ ct_low ‖ proof_high ‖ proof_confidence ‖
//! proof_low ‖ proof_sum`, each ciphertext 64 bytes and each proof 224.
//!
//! The whole ballot is signed with the credential's secret `c`: a Schnorr
//! signature in context `ballot` on the *ballot digest*, the SHA-256 framed
//! hash (PROTOCOL.md §3.1) `tinnhiem/v1/ballot` over `election` (the election
//! hash), `credential` (C), `answers` (all answers concatenated) and
//! `signed_by` (empty when unsigned, else `0x01 ‖ UTF-8 name`). The optional
//! voter signature of R4 is this declared name: covered by the credential's
//! signature, it shows who voted, never what.
//!
//! The tracking code is Crockford base32 of the digest's first 5 bytes, as
//! `XXXX-XXXX`.

use alloc::string::String;
use alloc::vec::Vec;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::batch::{Base, BatchVerifier};
use crate::credential::Credential;
use crate::elgamal::{Ciphertext, CompressedCiphertext};
use crate::encoding::{
    base32, base32_value, chunk32, hex, public_point, unhex, unhex_array, BASE32 as BASE32_ALPHABET,
};
use crate::proofs::{OrContext, OrProof};
use crate::schnorr::{KeyTerm, PublicKey, Signature};
use crate::{DecodeError, ProofError};
use zeroize::Zeroizing;

/// Context string of the ballot signature.
pub const SIGNATURE_CONTEXT: &str = "ballot";
/// Length of one encoded answer.
pub const ANSWER_LEN: usize = 3 * 64 + 4 * OrProof::LEN;
/// Longest declared name (R4), in bytes of UTF-8.
pub const MAX_NAME: usize = 200;

/// The three levels of R1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// "Tín nhiệm cao".
    High,
    /// "Tín nhiệm".
    Confidence,
    /// "Tín nhiệm thấp".
    Low,
}

impl Level {
    /// The index of the level's ciphertext in an answer (0, 1, 2).
    pub fn index(self) -> usize {
        match self {
            Level::High => 0,
            Level::Confidence => 1,
            Level::Low => 2,
        }
    }
}

/// A choice for one candidate: a level, or `None` for a blank entry (R5).
pub type Choice = Option<Level>;

/// What every ballot of an election is bound to.
#[derive(Clone, Copy, Debug)]
pub struct ElectionContext {
    /// The election hash (PROTOCOL.md §5.1), bound into every proof.
    pub election_hash: [u8; 32],
    /// The election key `Y`.
    pub key: PublicKey,
    /// Number of candidates on the ballot.
    pub candidates: u32,
}

/// One candidate's encrypted answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    /// High, confidence, low.
    pub ciphertexts: [CompressedCiphertext; 3],
    /// The 0/1 proof of each ciphertext.
    pub proofs: [OrProof; 3],
    /// The 0/1 proof of their sum.
    pub sum_proof: OrProof,
}

/// A cast ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BallotJson", into = "BallotJson")]
pub struct Ballot {
    /// The public credential `C`, encoded.
    pub credential: [u8; 32],
    /// One answer per candidate, in the order of the election.
    pub answers: Vec<Answer>,
    /// The declared name of a voter who signs (R4); `None` is anonymous.
    pub signed_by: Option<String>,
    /// The credential's signature on the ballot digest.
    pub signature: Signature,
}

/// Why a ballot is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    /// It does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A signature or proof fails.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// A ciphertext whose first component `A` is the identity: made with
    /// randomness 0, it shows its plaintext (`B = m·G`) to every reader of
    /// the log. Option 3 is the sum of the three ciphertexts.
    #[error("candidate {candidate}, option {option}: the ciphertext's A is the identity (randomness 0: the choice would be public)")]
    IdentityCiphertext {
        /// 0-based candidate index.
        candidate: u32,
        /// 0 high, 1 confidence, 2 low, 3 the sum of the three.
        option: u32,
    },
    /// It has an answer count other than the number of candidates.
    #[error("ballot has {found} answers for {expected} candidates")]
    AnswerCount {
        /// Number of candidates.
        expected: u32,
        /// Number of answers.
        found: usize,
    },
}

impl Answer {
    /// Encrypts one choice with its four proofs.
    pub fn encrypt(
        ctx: &ElectionContext,
        credential: &[u8; 32],
        candidate: u32,
        choice: Choice,
        rng: &mut impl CryptoRngCore,
    ) -> Answer {
        Answer::encrypt_keeping(ctx, credential, candidate, choice, rng).0
    }

    /// [`Answer::encrypt`], also returning the randomness of the three
    /// ciphertexts (high, confidence, low): what opens them in an audit
    /// (PROTOCOL.md §4.4 `audit`). The caller keeps it wiped
    /// ([`SealedBallot`] does).
    pub fn encrypt_keeping(
        ctx: &ElectionContext,
        credential: &[u8; 32],
        candidate: u32,
        choice: Choice,
        rng: &mut impl CryptoRngCore,
    ) -> (Answer, Zeroizing<[curve25519_dalek::Scalar; 3]>) {
        let key = ctx.key.point();
        let mut cts = [Ciphertext::zero(); 3];
        // The randomness opens the ciphertexts (it is how a voter could
        // prove the choice): every copy is wiped when this function returns.
        let mut rs = Zeroizing::new([curve25519_dalek::Scalar::ZERO; 3]);
        let mut proofs = [None; 3];
        for k in 0..3 {
            let m = choice.map(|l| l.index()) == Some(k);
            let (ct, r) = Ciphertext::encrypt(key, u64::from(m), rng);
            let r = Zeroizing::new(r);
            let orc = OrContext {
                election: &ctx.election_hash,
                key: ctx.key.as_bytes(),
                credential,
                candidate,
                option: k as u32,
            };
            proofs[k] = Some(OrProof::prove(
                &orc,
                key,
                &ct.a,
                &ct.b,
                &ct.compress(),
                m,
                &r,
                rng,
            ));
            cts[k] = ct;
            rs[k] = *r;
        }
        let sum = cts[0].add(&cts[1]).add(&cts[2]);
        let orc = OrContext {
            election: &ctx.election_hash,
            key: ctx.key.as_bytes(),
            credential,
            candidate,
            option: 3,
        };
        let r_sum = Zeroizing::new(rs[0] + rs[1] + rs[2]);
        let sum_proof = OrProof::prove(
            &orc,
            key,
            &sum.a,
            &sum.b,
            &sum.compress(),
            choice.is_some(),
            &r_sum,
            rng,
        );
        let answer = Answer {
            ciphertexts: cts.map(|c| c.compress()),
            proofs: proofs.map(|p| p.expect("all three proved")),
            sum_proof,
        };
        (answer, rs)
    }

    /// The three ciphertexts' 192 bytes, high, confidence, low: what the
    /// seal digest covers of the answer.
    pub fn ciphertext_bytes(&self) -> [u8; 192] {
        let mut out = [0u8; 192];
        for (k, ct) in self.ciphertexts.iter().enumerate() {
            out[k * 64..k * 64 + 64].copy_from_slice(&ct.to_bytes());
        }
        out
    }

    /// The 1088-byte encoding.
    pub fn to_bytes(&self) -> [u8; ANSWER_LEN] {
        let mut out = [0u8; ANSWER_LEN];
        for (k, ct) in self.ciphertexts.iter().enumerate() {
            out[k * 64..k * 64 + 64].copy_from_slice(&ct.to_bytes());
        }
        for (k, p) in self
            .proofs
            .iter()
            .chain(core::iter::once(&self.sum_proof))
            .enumerate()
        {
            p.write(&mut out[192 + k * OrProof::LEN..192 + (k + 1) * OrProof::LEN]);
        }
        out
    }

    /// Reads the 1088-byte encoding (scalars checked; points are checked when
    /// the proofs are verified).
    pub fn from_bytes(bytes: &[u8]) -> Result<Answer, DecodeError> {
        if bytes.len() != ANSWER_LEN {
            return Err(DecodeError::Length {
                field: "answer",
                expected: ANSWER_LEN,
                found: bytes.len(),
            });
        }
        let ct = |k: usize| CompressedCiphertext {
            a: CompressedRistretto(chunk32(bytes, 2 * k)),
            b: CompressedRistretto(chunk32(bytes, 2 * k + 1)),
        };
        let proof =
            |k: usize| OrProof::read(&bytes[192 + k * OrProof::LEN..192 + (k + 1) * OrProof::LEN]);
        Ok(Answer {
            ciphertexts: [ct(0), ct(1), ct(2)],
            proofs: [proof(0)?, proof(1)?, proof(2)?],
            sum_proof: proof(3)?,
        })
    }

    /// Adds the answer's four proofs to `batch` (their coefficients on the
    /// ciphertexts folded into three terms each for `A` and `B`) and returns
    /// the decompressed ciphertexts.
    ///
    /// Refuses, before any proof, a ciphertext (or the sum of the three)
    /// whose `A` is the identity ([`BallotError::IdentityCiphertext`]): it
    /// was made with randomness 0, so its `B = m·G` shows the choice to
    /// anyone who reads the log, although its 0/1 proof holds.
    pub fn add_to_batch(
        &self,
        ctx: &ElectionContext,
        credential: &[u8; 32],
        candidate: u32,
        batch: &mut BatchVerifier,
        key: Base,
        rng: &mut impl CryptoRngCore,
    ) -> Result<[Ciphertext; 3], BallotError> {
        let mut cts = [Ciphertext::zero(); 3];
        for (out, c) in cts.iter_mut().zip(self.ciphertexts.iter()) {
            *out = c.decompress()?;
        }
        // The identity's only encoding is 32 zero bytes (PROTOCOL.md §1.2).
        let identity = |a: &CompressedRistretto| a.0 == [0u8; 32];
        if let Some(option) = self.ciphertexts.iter().position(|c| identity(&c.a)) {
            return Err(BallotError::IdentityCiphertext {
                candidate,
                option: option as u32,
            });
        }
        let orc = |option| OrContext {
            election: &ctx.election_hash,
            key: ctx.key.as_bytes(),
            credential,
            candidate,
            option,
        };
        let sum = cts[0].add(&cts[1]).add(&cts[2]).compress();
        if identity(&sum.a) {
            return Err(BallotError::IdentityCiphertext {
                candidate,
                option: 3,
            });
        }
        let (ka, kb) = self
            .sum_proof
            .add_to_batch(batch, rng, &orc(3), key, &sum.to_bytes())?;
        for (k, ((proof, encoded), ct)) in self
            .proofs
            .iter()
            .zip(&self.ciphertexts)
            .zip(&cts)
            .enumerate()
        {
            let (a, b) =
                proof.add_to_batch(batch, rng, &orc(k as u32), key, &encoded.to_bytes())?;
            batch.term(a + ka, ct.a);
            batch.term(b + kb, ct.b);
        }
        Ok(cts)
    }
}

/// The ballot digest (see the module documentation).
pub fn ballot_digest(
    election: &[u8; 32],
    credential: &[u8; 32],
    answers: &[Answer],
    signed_by: Option<&str>,
) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |label: &str, parts: &[&[u8]]| {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        h.update((label.len() as u32).to_le_bytes());
        h.update(label.as_bytes());
        h.update((len as u32).to_le_bytes());
        for p in parts {
            h.update(p);
        }
    };
    field("domain", &[b"tinnhiem/v1/ballot"]);
    field("election", &[election]);
    field("credential", &[credential]);
    let encoded: Vec<[u8; ANSWER_LEN]> = answers.iter().map(Answer::to_bytes).collect();
    let parts: Vec<&[u8]> = encoded.iter().map(|a| &a[..]).collect();
    field("answers", &parts);
    match signed_by {
        None => field("signed_by", &[]),
        Some(name) => field("signed_by", &[&[1u8], name.as_bytes()]),
    }
    h.finalize().into()
}

/// The tracking code of a digest: `XXXX-XXXX`.
pub fn tracking_code(digest: &[u8; 32]) -> String {
    let s = base32(&digest[..5]);
    let mut out = String::with_capacity(9);
    out.push_str(&s[..4]);
    out.push('-');
    out.push_str(&s[4..]);
    out
}

/// Context of the credential's signature on a seal digest that sends an
/// audit to the server (PROTOCOL.md §5.6): it proves that the sender holds
/// a live slip, and the server neither keeps nor publishes it.
pub const AUDIT_SIGNATURE_CONTEXT: &str = "audit";
/// Context of the server's promise to publish a pending audit: its Schnorr
/// signature on `H ‖ seal digest` (PROTOCOL.md §5.6).
pub const AUDIT_PROMISE_CONTEXT: &str = "audit-promise";
/// Bytes of the seal digest the seal code shows: 80 bits.
pub const SEAL_CODE_BYTES: usize = 10;

/// The seal digest (PROTOCOL.md §5.6): the framed hash with domain
/// `tinnhiem/v1/seal` over `election` (the election hash) and `ciphertexts`
/// (every answer's three 64-byte ciphertexts, candidates in order, high,
/// confidence, low; `192·m` bytes). No credential, no proof, no name: an
/// audit and a cast ballot with the same ciphertexts have the same digest,
/// and nothing else of the ballot enters it.
pub fn seal_digest(election: &[u8; 32], ciphertexts: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |label: &str, bytes: &[u8]| {
        h.update((label.len() as u32).to_le_bytes());
        h.update(label.as_bytes());
        h.update((bytes.len() as u32).to_le_bytes());
        h.update(bytes);
    };
    field("domain", b"tinnhiem/v1/seal");
    field("election", election);
    field("ciphertexts", ciphertexts);
    h.finalize().into()
}

/// The seal code of a seal digest: Crockford base32 of its first
/// [`SEAL_CODE_BYTES`] bytes (exactly 16 characters), as
/// `XXXX-XXXX-XXXX-XXXX`.
pub fn seal_code(digest: &[u8; 32]) -> String {
    let s = base32(&digest[..SEAL_CODE_BYTES]);
    let mut out = String::with_capacity(19);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// Reads a seal code as people type it: dashes and spaces optional,
/// case-insensitive, `I`/`L` read as 1 and `O` as 0. Returns the code in
/// its printed form, or `None` when it is not 16 base32 characters (or its
/// last character has bits that no code has).
pub fn read_seal_code(text: &str) -> Option<String> {
    let mut digits = String::with_capacity(16);
    for c in text.bytes() {
        if c == b'-' || c == b' ' {
            continue;
        }
        digits.push(BASE32_ALPHABET[base32_value(c)? as usize] as char);
        if digits.len() > 16 {
            return None;
        }
    }
    if digits.len() != 16 {
        return None;
    }
    let mut out = String::with_capacity(19);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    Some(out)
}

/// A ballot encrypted, proven and signed, with the randomness and the marks
/// that open it: what the voter's page holds between showing the seal code
/// and either sending the ballot ([`SealedBallot::into_ballot`], which wipes
/// the randomness) or opening it for an audit ([`SealedBallot::audit_body`]).
///
/// The randomness is kept in wiped memory and never printed: `Debug` shows
/// the seal code and the number of candidates only.
pub struct SealedBallot {
    ballot: Ballot,
    choices: Vec<Choice>,
    randomness: Option<Zeroizing<Vec<[curve25519_dalek::Scalar; 3]>>>,
    digest: [u8; 32],
    audit_signature: Signature,
}

impl core::fmt::Debug for SealedBallot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SealedBallot")
            .field("seal", &self.seal_code())
            .field("candidates", &self.choices.len())
            .field("randomness", &"<redacted>")
            .finish()
    }
}

impl SealedBallot {
    /// Fills in, encrypts, proves and signs a ballot as [`Ballot::cast`]
    /// does, keeping the randomness; also signs the seal digest with the
    /// credential (context [`AUDIT_SIGNATURE_CONTEXT`]), so that the audit
    /// can be sent later without the credential.
    pub fn seal(
        ctx: &ElectionContext,
        election_id: &str,
        credential: &Credential,
        choices: &[Choice],
        signed_by: Option<String>,
        rng: &mut impl CryptoRngCore,
    ) -> SealedBallot {
        let secret = credential.secret_key(election_id);
        let public = *secret.public().as_bytes();
        let mut randomness = Zeroizing::new(Vec::with_capacity(choices.len()));
        let mut answers = Vec::with_capacity(choices.len());
        for (j, &c) in choices.iter().enumerate() {
            let (a, r) = Answer::encrypt_keeping(ctx, &public, j as u32, c, rng);
            answers.push(a);
            randomness.push(*r);
        }
        let digest = ballot_digest(&ctx.election_hash, &public, &answers, signed_by.as_deref());
        let signature = secret.sign(SIGNATURE_CONTEXT, &digest, rng);
        let ballot = Ballot {
            credential: public,
            answers,
            signed_by,
            signature,
        };
        let seal = ballot.seal_digest(&ctx.election_hash);
        let audit_signature = secret.sign(AUDIT_SIGNATURE_CONTEXT, &seal, rng);
        SealedBallot {
            ballot,
            choices: choices.to_vec(),
            randomness: Some(randomness),
            digest: seal,
            audit_signature,
        }
    }

    /// The ballot, as it would be cast.
    pub fn ballot(&self) -> &Ballot {
        &self.ballot
    }

    /// The seal digest.
    pub fn seal_digest(&self) -> [u8; 32] {
        self.digest
    }

    /// The seal code the page shows.
    pub fn seal_code(&self) -> String {
        seal_code(&self.digest)
    }

    /// The credential's signature on the seal digest (context
    /// [`AUDIT_SIGNATURE_CONTEXT`]).
    pub fn audit_signature(&self) -> Signature {
        self.audit_signature
    }

    /// The marks the ballot encrypts.
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }

    /// The opening: the ciphertexts, their randomness and the marks, as
    /// the `audit` entry publishes them. `None` once the randomness was
    /// forgotten.
    pub fn audit_body(&self) -> Option<crate::log::AuditBody> {
        let r = self.randomness.as_ref()?;
        Some(crate::log::AuditBody {
            ciphertexts: self.ballot.answers.iter().map(|a| a.ciphertexts).collect(),
            randomness: r.to_vec(),
            choices: self.choices.clone(),
        })
    }

    /// Wipes the randomness (the page calls it as it sends the ballot): the
    /// ballot can no longer be opened, by anyone.
    pub fn forget(&mut self) {
        self.randomness = None;
        self.choices.iter_mut().for_each(|c| *c = None);
        self.choices.clear();
    }

    /// Whether the randomness is still held (the ballot can be opened).
    pub fn can_open(&self) -> bool {
        self.randomness.is_some()
    }

    /// The ballot to cast; the randomness is wiped.
    pub fn into_ballot(mut self) -> Ballot {
        self.forget();
        let SealedBallot { ballot, .. } = self;
        ballot
    }
}

/// Domain separation of [`fingerprint`].
pub const FINGERPRINT_CONTEXT: &[u8] = b"tinnhiem/fingerprint/v1";

/// The election's fingerprint (PROTOCOL.md §5.9): `XXXX-XXXX`, the first 5
/// bytes in base32 of SHA-256(`tinnhiem/fingerprint/v1` ‖ election hash ‖
/// election key). The committee prints it on every credential slip from the
/// log it verified itself; the voter's page shows the one of the key it is
/// about to encrypt to. Equal fingerprints mean the phone encrypts to the
/// key the committee's members made, not to one a server substituted.
pub fn fingerprint(election_hash: &[u8; 32], election_key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(FINGERPRINT_CONTEXT);
    h.update(election_hash);
    h.update(election_key);
    tracking_code(&h.finalize().into())
}

/// Domain of [`election_check`] (PROTOCOL.md §5.10).
pub const ELECTION_CHECK_DOMAIN: &str = "tinnhiem/election-check/v1";

/// Length of [`election_check`]'s text: 20 bytes (160 bits) in base32.
pub const ELECTION_CHECK_LEN: usize = 32;

/// The election check (PROTOCOL.md §5.10): base32 of the first 20 bytes of
/// SHA-256 over the framed fields (§3.1) `domain` =
/// `tinnhiem/election-check/v1`, `election` = the election hash and `key` =
/// the election key. The committee's device computes it from the log it
/// verified and puts it in the QR code's fragment after the credential
/// (`#credential.check`); the voter's phone recomputes it from the line 0
/// and election key it is served and refuses to show the ballot when the
/// two differ. At 160 bits, a server cannot search for an election hash and
/// key of its own with the same check, as it could for the 40-bit
/// [`fingerprint`].
pub fn election_check(election_hash: &[u8; 32], election_key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    for (label, data) in [
        ("domain", ELECTION_CHECK_DOMAIN.as_bytes()),
        ("election", &election_hash[..]),
        ("key", &election_key[..]),
    ] {
        h.update((label.len() as u32).to_le_bytes());
        h.update(label.as_bytes());
        h.update((data.len() as u32).to_le_bytes());
        h.update(data);
    }
    let digest: [u8; 32] = h.finalize().into();
    base32(&digest[..20])
}

/// Reads an election check as printed or typed: `-` and spaces skipped,
/// case-insensitive, `O` read as 0 and `I`, `L` as 1 (PROTOCOL.md §1.6);
/// `None` unless exactly [`ELECTION_CHECK_LEN`] characters of the alphabet
/// remain. The canonical text is what [`election_check`] returns.
pub fn read_election_check(text: &str) -> Option<String> {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut out = String::with_capacity(ELECTION_CHECK_LEN);
    for &c in text.as_bytes() {
        if c == b'-' || c == b' ' {
            continue;
        }
        let v = crate::encoding::base32_value(c)?;
        out.push(ALPHABET[v as usize] as char);
    }
    (out.len() == ELECTION_CHECK_LEN).then_some(out)
}

/// Checks a declared name (R4): 1 to [`MAX_NAME`] bytes, no control characters.
pub fn check_name(name: &str) -> Result<(), DecodeError> {
    if name.trim().is_empty() || name.len() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(DecodeError::Format(
            "signed_by: 1 to 200 bytes of text without control characters",
        ));
    }
    Ok(())
}

impl Ballot {
    /// Fills in and signs a ballot with `credential` for the election
    /// `election_id`.
    pub fn cast(
        ctx: &ElectionContext,
        election_id: &str,
        credential: &Credential,
        choices: &[Choice],
        signed_by: Option<String>,
        rng: &mut impl CryptoRngCore,
    ) -> Ballot {
        let secret = credential.secret_key(election_id);
        let public = *secret.public().as_bytes();
        let answers: Vec<Answer> = choices
            .iter()
            .enumerate()
            .map(|(j, &c)| Answer::encrypt(ctx, &public, j as u32, c, rng))
            .collect();
        let digest = ballot_digest(&ctx.election_hash, &public, &answers, signed_by.as_deref());
        let signature = secret.sign(SIGNATURE_CONTEXT, &digest, rng);
        Ballot {
            credential: public,
            answers,
            signed_by,
            signature,
        }
    }

    /// Every answer's three ciphertexts, in order (`192·m` bytes).
    pub fn ciphertext_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(192 * self.answers.len());
        for a in &self.answers {
            out.extend_from_slice(&a.ciphertext_bytes());
        }
        out
    }

    /// The seal digest of this ballot's ciphertexts ([`seal_digest`]).
    pub fn seal_digest(&self, election: &[u8; 32]) -> [u8; 32] {
        seal_digest(election, &self.ciphertext_bytes())
    }

    /// The ballot digest.
    pub fn digest(&self, ctx: &ElectionContext) -> [u8; 32] {
        ballot_digest(
            &ctx.election_hash,
            &self.credential,
            &self.answers,
            self.signed_by.as_deref(),
        )
    }

    /// Adds the signature and every proof to `batch`; returns the
    /// decompressed ciphertexts, per candidate.
    pub fn add_to_batch(
        &self,
        ctx: &ElectionContext,
        batch: &mut BatchVerifier,
        key: Base,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<[Ciphertext; 3]>, BallotError> {
        if self.answers.len() != ctx.candidates as usize {
            return Err(BallotError::AnswerCount {
                expected: ctx.candidates,
                found: self.answers.len(),
            });
        }
        let c: RistrettoPoint = public_point(&self.credential, "credential")?;
        let digest = self.digest(ctx);
        self.signature.add_to_batch(
            batch,
            rng,
            &self.credential,
            KeyTerm::Point(&c),
            SIGNATURE_CONTEXT,
            &digest,
        )?;
        let mut out = Vec::with_capacity(self.answers.len());
        for (j, a) in self.answers.iter().enumerate() {
            out.push(a.add_to_batch(ctx, &self.credential, j as u32, batch, key, rng)?);
        }
        Ok(out)
    }

    /// Verifies this ballot alone and returns its ciphertexts; on failure,
    /// names the first statement that fails (the signature, then each proof
    /// in order).
    pub fn verify(
        &self,
        ctx: &ElectionContext,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<[Ciphertext; 3]>, BallotError> {
        let mut batch = BatchVerifier::with_capacity(self.answers.len() * 22 + 2);
        let key = batch.add_base(*ctx.key.point());
        let cts = self.add_to_batch(ctx, &mut batch, key, rng)?;
        if batch.verify() {
            return Ok(cts);
        }
        Err(self.diagnose(ctx, rng).into())
    }

    /// Finds which statement of a ballot fails, one at a time.
    fn diagnose(&self, ctx: &ElectionContext, rng: &mut impl CryptoRngCore) -> ProofError {
        let Ok(c) = PublicKey::from_bytes(&self.credential, "credential") else {
            return ProofError::Signature;
        };
        if self
            .signature
            .verify(&c, SIGNATURE_CONTEXT, &self.digest(ctx))
            .is_err()
        {
            return ProofError::Signature;
        }
        for (j, a) in self.answers.iter().enumerate() {
            let Ok(cts) = a
                .ciphertexts
                .map(|c| c.decompress())
                .into_iter()
                .collect::<Result<Vec<_>, _>>()
            else {
                return ProofError::ZeroOne {
                    candidate: j as u32,
                    option: 0,
                };
            };
            let sum = cts[0].add(&cts[1]).add(&cts[2]);
            let items = [
                (0u32, a.proofs[0], cts[0], a.ciphertexts[0].to_bytes()),
                (1, a.proofs[1], cts[1], a.ciphertexts[1].to_bytes()),
                (2, a.proofs[2], cts[2], a.ciphertexts[2].to_bytes()),
                (3, a.sum_proof, sum, sum.compress().to_bytes()),
            ];
            for (option, proof, ct, enc) in items {
                let mut b = BatchVerifier::new();
                let key = b.add_base(*ctx.key.point());
                let orc = OrContext {
                    election: &ctx.election_hash,
                    key: ctx.key.as_bytes(),
                    credential: &self.credential,
                    candidate: j as u32,
                    option,
                };
                let ok = proof
                    .add_to_batch(&mut b, rng, &orc, key, &enc)
                    .map(|(ka, kb)| {
                        b.term(ka, ct.a);
                        b.term(kb, ct.b);
                        b.verify()
                    });
                if ok != Ok(true) {
                    return ProofError::ZeroOne {
                        candidate: j as u32,
                        option,
                    };
                }
            }
        }
        ProofError::Batch
    }
}

/// The JSON form of a ballot: `{"credential": hex, "answers": [hex, ...],
/// "signed_by": null | string, "signature": hex}`.
#[derive(Serialize, Deserialize)]
struct BallotJson {
    credential: String,
    answers: Vec<String>,
    signed_by: Option<String>,
    signature: String,
}

impl TryFrom<BallotJson> for Ballot {
    type Error = DecodeError;
    fn try_from(j: BallotJson) -> Result<Self, DecodeError> {
        if let Some(name) = &j.signed_by {
            check_name(name)?;
        }
        let answers = j
            .answers
            .iter()
            .map(|a| Answer::from_bytes(&unhex(a, "answer")?))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Ballot {
            credential: unhex_array(&j.credential, "credential")?,
            answers,
            signed_by: j.signed_by,
            signature: Signature::from_bytes(&unhex_array(&j.signature, "signature")?)?,
        })
    }
}

impl From<Ballot> for BallotJson {
    fn from(b: Ballot) -> Self {
        BallotJson {
            credential: hex(&b.credential),
            answers: b.answers.iter().map(|a| hex(&a.to_bytes())).collect(),
            signed_by: b.signed_by,
            signature: hex(&b.signature.to_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    /// The vector of PROTOCOL.md §5.10, computed from the spec alone
    /// (Python's hashlib, struct and the base32 alphabet).
    #[test]
    fn election_check_matches_the_spec() {
        let hash: [u8; 32] = core::array::from_fn(|i| i as u8);
        let key: [u8; 32] = core::array::from_fn(|i| 100 + i as u8);
        let check = election_check(&hash, &key);
        assert_eq!(check, "7T6H211CCMHHKVS2NH35FP1VA1AN9EKE");
        assert_eq!(check.len(), ELECTION_CHECK_LEN);
        // Each input is bound: one bit changed in either, another check.
        let mut k2 = key;
        k2[0] ^= 1;
        assert_ne!(election_check(&hash, &k2), check);
        let mut h2 = hash;
        h2[31] ^= 0x80;
        assert_ne!(election_check(&h2, &key), check);
        // Swapping the fields changes it too (the labels frame them).
        assert_ne!(election_check(&key, &hash), check);
    }

    #[test]
    fn a_printed_or_typed_check_reads_back() {
        let c = "7T6H211CCMHHKVS2NH35FP1VA1AN9EKE";
        assert_eq!(read_election_check(c).as_deref(), Some(c));
        assert_eq!(
            read_election_check("7t6h-2ii-ccmh hkvs-2nh3-5fpl-va1a-n9ek-e").as_deref(),
            Some(c)
        );
        assert_eq!(read_election_check(&c[1..]), None, "too short");
        assert_eq!(read_election_check(&format!("{c}0")), None, "too long");
        assert_eq!(
            read_election_check(&c.replace('T', "U")),
            None,
            "U is not a digit"
        );
        assert_eq!(read_election_check(""), None);
    }
}
