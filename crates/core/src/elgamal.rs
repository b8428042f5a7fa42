//! Exponential ElGamal over Ristretto255.
//!
//! With the election key `Y = x·G`, a message `m` (a small integer: 0 or 1 in a
//! ballot, a count in a total) and randomness `r`, the ciphertext is
//! `(A, B) = (r·G, m·G + r·Y)`. Ciphertexts add: the sum of the encryptions of
//! `m₁` and `m₂` encrypts `m₁ + m₂`, which is how totals are formed without
//! decrypting any ballot. Decryption computes `B − x·A = m·G` and finds the
//! small `m` by search ([`small_dlog`]).

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use rand_core::CryptoRngCore;

use crate::encoding::point;
use crate::DecodeError;

/// A ciphertext `(A, B)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ciphertext {
    /// `A = r·G`.
    pub a: RistrettoPoint,
    /// `B = m·G + r·Y`.
    pub b: RistrettoPoint,
}

/// A ciphertext as its 64 encoded bytes, `A ‖ B`, not yet decompressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompressedCiphertext {
    /// Encoding of `A`.
    pub a: CompressedRistretto,
    /// Encoding of `B`.
    pub b: CompressedRistretto,
}

impl Ciphertext {
    /// The encryption of 0 with randomness 0: the neutral element of addition.
    pub fn zero() -> Self {
        Ciphertext {
            a: RistrettoPoint::identity(),
            b: RistrettoPoint::identity(),
        }
    }

    /// Encrypts `m` under `key` with the randomness `r`.
    pub fn encrypt_with(key: &RistrettoPoint, m: u64, r: &Scalar) -> Self {
        Ciphertext {
            a: r * RISTRETTO_BASEPOINT_TABLE,
            b: &Scalar::from(m) * RISTRETTO_BASEPOINT_TABLE + r * key,
        }
    }

    /// Encrypts `m` under `key` with fresh randomness, returned for the
    /// proofs. The randomness opens the ciphertext: the caller wipes it once
    /// the proofs are made (as [`crate::ballot::Answer::encrypt`] does).
    pub fn encrypt(key: &RistrettoPoint, m: u64, rng: &mut impl CryptoRngCore) -> (Self, Scalar) {
        let r = Scalar::random(rng);
        (Self::encrypt_with(key, m, &r), r)
    }

    /// Homomorphic addition.
    pub fn add(&self, other: &Ciphertext) -> Ciphertext {
        Ciphertext {
            a: self.a + other.a,
            b: self.b + other.b,
        }
    }

    /// The 64-byte encoding `A ‖ B`.
    pub fn compress(&self) -> CompressedCiphertext {
        CompressedCiphertext {
            a: self.a.compress(),
            b: self.b.compress(),
        }
    }
}

impl CompressedCiphertext {
    /// `A ‖ B`.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(self.a.as_bytes());
        out[32..].copy_from_slice(self.b.as_bytes());
        out
    }

    /// Decompresses both points.
    pub fn decompress(&self) -> Result<Ciphertext, DecodeError> {
        Ok(Ciphertext {
            a: point(&self.a.0, "ciphertext")?,
            b: point(&self.b.0, "ciphertext")?,
        })
    }
}

/// Finds `m` in `0..=max` with `m·G = target`, or `None`.
///
/// Totals are at most the number of ballots, so a baby-step giant-step search
/// over `0..=max` is enough; it costs about `2·√max` additions.
pub fn small_dlog(target: &RistrettoPoint, max: u64) -> Option<u64> {
    use alloc::collections::BTreeMap;
    let g = curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
    let mut step = 1u64;
    while step * step <= max {
        step += 1;
    }
    // Baby steps: j·G for j in 0..step, keyed by encoding.
    let mut baby = BTreeMap::new();
    let mut p = RistrettoPoint::identity();
    for j in 0..step {
        baby.insert(p.compress().to_bytes(), j);
        p += g;
    }
    // Giant steps: target − i·step·G.
    let giant = Scalar::from(step) * g;
    let mut t = *target;
    let mut i = 0u64;
    while i * step <= max {
        if let Some(j) = baby.get(&t.compress().to_bytes()) {
            let m = i * step + j;
            return (m <= max).then_some(m);
        }
        t -= giant;
        i += 1;
    }
    None
}
