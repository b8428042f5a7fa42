//! The errors of this crate. Decoding errors say which field was wrong and
//! how; proof errors say which statement failed. Neither ever carries a secret
//! value: only lengths, positions and public field names.

use thiserror::Error;

/// Why bytes from outside (a log line, a QR code, an API body) were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// A hex string had an odd length or a character outside `0-9a-f`.
    #[error("{field}: not lowercase hex")]
    Hex {
        /// The field being decoded.
        field: &'static str,
    },
    /// A field had the wrong number of bytes.
    #[error("{field}: expected {expected} bytes, found {found}")]
    Length {
        /// The field being decoded.
        field: &'static str,
        /// The length the format requires.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// 32 bytes that are not the canonical encoding of a Ristretto255 point.
    #[error("{field}: not a valid Ristretto255 point encoding")]
    Point {
        /// The field being decoded.
        field: &'static str,
    },
    /// The identity point where a public key is required.
    #[error("{field}: the identity point is not allowed here")]
    Identity {
        /// The field being decoded.
        field: &'static str,
    },
    /// 32 bytes that are not a canonical (reduced) scalar.
    #[error("{field}: not a canonical scalar")]
    Scalar {
        /// The field being decoded.
        field: &'static str,
    },
    /// A credential text with a character outside Crockford's base32.
    #[error("credential: character {position} is not in the credential alphabet")]
    CredentialCharacter {
        /// The 0-based position among the significant characters.
        position: usize,
    },
    /// A credential text of the wrong length.
    #[error("credential: expected 32 characters, found {found}")]
    CredentialLength {
        /// How many significant characters were found.
        found: usize,
    },
    /// A credential text whose check digits do not match (a typing mistake).
    #[error("credential: the check characters do not match; the code was mistyped")]
    CredentialChecksum,
    /// Malformed JSON or a JSON value of the wrong shape.
    #[error("JSON: {0}")]
    Json(alloc::string::String),
    /// JSON that parses but is not in the canonical form of PROTOCOL.md §4.
    #[error("not in canonical form (PROTOCOL.md §4)")]
    NotCanonical,
    /// A structural rule of the format (see the message).
    #[error("{0}")]
    Format(&'static str),
}

/// Which statement a proof or signature failed to establish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ProofError {
    /// A Schnorr signature did not verify.
    #[error("signature does not verify")]
    Signature,
    /// A trustee's proof of knowledge of its key share did not verify.
    #[error("proof of knowledge of the key share does not verify")]
    KeyProof,
    /// A disjunctive 0/1 proof did not verify.
    #[error("0/1 proof does not verify (candidate {candidate}, option {option})")]
    ZeroOne {
        /// 0-based candidate index.
        candidate: u32,
        /// 0 high, 1 confidence, 2 low, 3 the sum of the three.
        option: u32,
    },
    /// A Chaum-Pedersen proof of a partial decryption did not verify.
    #[error("decryption proof does not verify (item {item})")]
    Decryption {
        /// Index of the aggregate ciphertext (candidate * 3 + option).
        item: u32,
    },
    /// A batch of proofs did not verify (at least one in it is wrong).
    #[error("batch verification failed")]
    Batch,
}
