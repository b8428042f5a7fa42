//! Schnorr signatures over Ristretto255, in the form that allows batch
//! verification: a signature is `(R, s)`, not `(e, s)`.
//!
//! Signing with the secret `x` (public `P = x·G`), a `context` naming what is
//! signed and a `message`:
//!
//! ```text
//! k = hedged nonce (below)          R = k·G
//! e = challenge(context, P, R, message)
//! s = k + e·x
//! ```
//!
//! where `challenge` is the transcript `tinnhiem/v1/schnorr` with the fields
//! `context`, `key` (P), `commitment` (R) and `message`, in that order
//! (PROTOCOL.md §3.2). Verification checks `s·G − R − e·P = 0`.
//!
//! A signature on the statement "I know x" is also the proof of knowledge
//! that trustee keys carry.
//!
//! The nonce is hedged: `k` is the challenge of the transcript
//! `tinnhiem/v1/nonce` over the secret, 32 fresh random bytes, the context and
//! the message,
//! so that a weak random generator in a browser cannot leak the key by
//! repeating a nonce.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::batch::{Base, BatchVerifier};
use crate::encoding::{chunk32, point, public_point, scalar};
use crate::transcript::Transcript;
use crate::{DecodeError, ProofError};

/// A secret scalar (a credential, a trustee's key share, the server's key).
///
/// It is zeroized when dropped, is never serialized by serde and its `Debug`
/// output is redacted.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey(Scalar);

impl core::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A public key `P = x·G`, kept both decompressed and encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey {
    point: RistrettoPoint,
    bytes: [u8; 32],
}

/// A signature `(R, s)`; its encoding is the 64 bytes `R ‖ s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The commitment `R`, encoded.
    pub r: CompressedRistretto,
    /// The response `s`.
    pub s: Scalar,
}

impl SecretKey {
    /// A uniformly random secret.
    pub fn random(rng: &mut impl CryptoRngCore) -> Self {
        SecretKey(Scalar::random(rng))
    }

    /// Wraps a scalar (derived credentials).
    pub fn from_scalar(x: Scalar) -> Self {
        SecretKey(x)
    }

    /// Reads the 32-byte encoding of a secret (a key file).
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, DecodeError> {
        Ok(SecretKey(scalar(bytes, "secret key")?))
    }

    /// The 32-byte encoding, for a key file that stays with its owner.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The scalar itself, for the protocol's own computations.
    pub(crate) fn scalar(&self) -> &Scalar {
        &self.0
    }

    /// `P = x·G`.
    pub fn public(&self) -> PublicKey {
        PublicKey::from_point(&self.0 * RISTRETTO_BASEPOINT_TABLE)
    }

    /// Signs `message` in `context`.
    pub fn sign(&self, context: &str, message: &[u8], rng: &mut impl CryptoRngCore) -> Signature {
        let public = self.public();
        // The nonce would reveal the secret from `s`: wiped on return.
        let k = Zeroizing::new(self.nonce(context, message, rng));
        let r = (&*k * RISTRETTO_BASEPOINT_TABLE).compress();
        let e = challenge(context, &public.bytes, r.as_bytes(), message);
        Signature {
            r,
            s: *k + e * self.0,
        }
    }

    /// A hedged nonce: random, but also bound to the secret, the context and
    /// the message (two statements with the same message in different
    /// contexts, like `open` and `close`, never share a nonce even if the
    /// random generator is broken).
    pub(crate) fn nonce(
        &self,
        context: &str,
        message: &[u8],
        rng: &mut impl CryptoRngCore,
    ) -> Scalar {
        let mut fresh = [0u8; 32];
        rng.fill_bytes(&mut fresh);
        let mut secret = self.0.to_bytes();
        let mut t = Transcript::new("tinnhiem/v1/nonce");
        t.append("secret", &secret);
        t.append("random", &fresh);
        t.append("context", context.as_bytes());
        t.append("message", message);
        secret.zeroize();
        t.challenge()
    }
}

impl PublicKey {
    /// From a point (computed, so already valid).
    pub fn from_point(point: RistrettoPoint) -> Self {
        PublicKey {
            point,
            bytes: point.compress().to_bytes(),
        }
    }

    /// Decodes a public key, refusing invalid encodings and the identity.
    pub fn from_bytes(bytes: &[u8; 32], field: &'static str) -> Result<Self, DecodeError> {
        Ok(PublicKey {
            point: public_point(bytes, field)?,
            bytes: *bytes,
        })
    }

    /// The point.
    pub fn point(&self) -> &RistrettoPoint {
        &self.point
    }

    /// The 32-byte encoding.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }
}

/// `e = challenge(context, P, R, message)` (PROTOCOL.md §3.2).
pub fn challenge(context: &str, key: &[u8; 32], r: &[u8; 32], message: &[u8]) -> Scalar {
    let mut t = Transcript::new("tinnhiem/v1/schnorr");
    t.append("context", context.as_bytes());
    t.append("key", key);
    t.append("commitment", r);
    t.append("message", message);
    t.challenge()
}

/// Where a signer's key enters a batch: as its own term, or folded into a
/// registered base (the server's key, which signs every line).
#[derive(Clone, Copy)]
pub enum KeyTerm<'a> {
    /// A key used once in the batch.
    Point(&'a RistrettoPoint),
    /// A key registered with [`BatchVerifier::add_base`].
    Base(Base),
}

impl Signature {
    /// Length of the encoding.
    pub const LEN: usize = 64;

    /// `R ‖ s`.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(self.r.as_bytes());
        out[32..].copy_from_slice(self.s.as_bytes());
        out
    }

    /// Reads `R ‖ s`; `s` must be canonical. `R` is decompressed only when the
    /// signature is verified.
    pub fn from_bytes(bytes: &[u8; 64]) -> Result<Self, DecodeError> {
        Ok(Signature {
            r: CompressedRistretto(chunk32(bytes, 0)),
            s: scalar(&chunk32(bytes, 1), "signature")?,
        })
    }

    /// Verifies the signature alone: `s·G − e·P = R`.
    pub fn verify(&self, key: &PublicKey, context: &str, message: &[u8]) -> Result<(), ProofError> {
        let e = challenge(context, &key.bytes, self.r.as_bytes(), message);
        let r = RistrettoPoint::vartime_double_scalar_mul_basepoint(&-e, &key.point, &self.s);
        if r.compress() == self.r {
            Ok(())
        } else {
            Err(ProofError::Signature)
        }
    }

    /// Adds `z·(s·G − R − e·P)` to a batch.
    pub fn add_to_batch(
        &self,
        batch: &mut BatchVerifier,
        rng: &mut impl CryptoRngCore,
        key: &[u8; 32],
        key_term: KeyTerm<'_>,
        context: &str,
        message: &[u8],
    ) -> Result<(), DecodeError> {
        let r = point(self.r.as_bytes(), "signature")?;
        let e = challenge(context, key, self.r.as_bytes(), message);
        let z = BatchVerifier::weight(rng);
        batch.g(z * self.s);
        batch.term(-z, r);
        match key_term {
            KeyTerm::Point(p) => batch.term(-(z * e), *p),
            KeyTerm::Base(b) => batch.base(b, -(z * e)),
        }
        Ok(())
    }
}
