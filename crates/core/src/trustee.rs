//! The counting committee's keys (the trustees of the election key).
//!
//! Each member `i` (0-based) makes a key share `xᵢ` on his or her own device
//! and publishes `Yᵢ = xᵢ·G` with a proof of knowledge: a Schnorr signature in
//! context `trustee-key` on `election hash ‖ u32le(i)`. The proof stops a
//! member from choosing `Yᵢ` as a function of the others' shares (a rogue
//! key). The election key is `Y = Σ Yᵢ`; decrypting needs every member
//! (n-of-n; threshold sharing is future work, PROTOCOL.md §9).
//!
//! The same share signs the member's committee statements (quorum,
//! credentials, open, close, result), each under its own context string.
//!
//! At the end member `i` publishes, for every total `(A, B)`, the partial
//! decryption `Dᵢ = xᵢ·A` with a [`DecryptionProof`]. Then
//! `B − Σ Dᵢ = m·G` and the small `m` is found by search.

use alloc::vec::Vec;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::traits::Identity;
use rand_core::CryptoRngCore;

use crate::elgamal::Ciphertext;
use crate::proofs::{DecryptionContext, DecryptionProof};
use crate::schnorr::{PublicKey, SecretKey, Signature};
use crate::{DecodeError, ProofError};

/// Context string of the proof of knowledge of a key share.
pub const KEY_PROOF_CONTEXT: &str = "trustee-key";

/// A trustee's secret key share. Zeroized on drop; `Debug` is redacted.
#[derive(Clone, Debug)]
pub struct TrusteeKey {
    secret: SecretKey,
}

/// A published key share with its proof of knowledge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyShare {
    /// The trustee's index.
    pub index: u32,
    /// `Yᵢ`.
    pub key: PublicKey,
    /// The proof of knowledge of `xᵢ`.
    pub proof: Signature,
}

/// One partial decryption `Dᵢ = xᵢ·A` with its proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartialDecryption {
    /// `Dᵢ`, encoded.
    pub share: CompressedRistretto,
    /// The proof that `Dᵢ` used `xᵢ`.
    pub proof: DecryptionProof,
}

/// The message of a key proof: `election hash ‖ u32le(index)`.
pub fn key_proof_message(election: &[u8; 32], index: u32) -> [u8; 36] {
    let mut m = [0u8; 36];
    m[..32].copy_from_slice(election);
    m[32..].copy_from_slice(&index.to_le_bytes());
    m
}

impl TrusteeKey {
    /// A fresh key share.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        TrusteeKey {
            secret: SecretKey::random(rng),
        }
    }

    /// From a key file's 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, DecodeError> {
        Ok(TrusteeKey {
            secret: SecretKey::from_bytes(bytes)?,
        })
    }

    /// The key file's 32 bytes (they stay with the member).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.secret.to_bytes()
    }

    /// `Yᵢ`.
    pub fn public(&self) -> PublicKey {
        self.secret.public()
    }

    /// The share to publish for trustee `index` of the election.
    pub fn key_share(
        &self,
        election: &[u8; 32],
        index: u32,
        rng: &mut impl CryptoRngCore,
    ) -> KeyShare {
        KeyShare {
            index,
            key: self.public(),
            proof: self
                .secret
                .sign(KEY_PROOF_CONTEXT, &key_proof_message(election, index), rng),
        }
    }

    /// The secret scalar, for the protocol's own computations (the
    /// threshold ceremony of [`crate::dkg`] decrypts dealt shares with it).
    pub(crate) fn scalar(&self) -> &curve25519_dalek::scalar::Scalar {
        self.secret.scalar()
    }

    /// Signs a committee statement.
    pub fn sign(&self, context: &str, message: &[u8], rng: &mut impl CryptoRngCore) -> Signature {
        self.secret.sign(context, message, rng)
    }

    /// Partial decryptions of `totals` (item `k` is `totals[k]`).
    pub fn partial_decrypt(
        &self,
        election: &[u8; 32],
        index: u32,
        totals: &[Ciphertext],
        rng: &mut impl CryptoRngCore,
    ) -> Vec<PartialDecryption> {
        partial_decryptions(&self.secret, election, index, totals, rng)
    }
}

/// `D = x·A` with its Chaum-Pedersen proof for each of `totals`, by the
/// holder of `secret` (a trustee key of the n-of-n ceremony, or a member's
/// share of the threshold ceremony, [`crate::dkg::ThresholdKey`]) signing as
/// `trustee`.
pub(crate) fn partial_decryptions(
    secret: &SecretKey,
    election: &[u8; 32],
    trustee: u32,
    totals: &[Ciphertext],
    rng: &mut impl CryptoRngCore,
) -> Vec<PartialDecryption> {
    let key = secret.public();
    totals
        .iter()
        .enumerate()
        .map(|(item, ct)| {
            let share = (secret.scalar() * ct.a).compress();
            let ctx = DecryptionContext {
                election,
                trustee,
                item: item as u32,
                key: key.as_bytes(),
            };
            let proof = DecryptionProof::prove(&ctx, secret.scalar(), &ct.a, &share, rng);
            PartialDecryption { share, proof }
        })
        .collect()
}

impl KeyShare {
    /// Checks the proof of knowledge.
    pub fn verify(&self, election: &[u8; 32]) -> Result<(), ProofError> {
        self.proof
            .verify(
                &self.key,
                KEY_PROOF_CONTEXT,
                &key_proof_message(election, self.index),
            )
            .map_err(|_| ProofError::KeyProof)
    }
}

impl PartialDecryption {
    /// `Dᵢ ‖ T1 ‖ T2 ‖ s`, 128 bytes, as in the log.
    pub fn to_bytes(&self) -> [u8; 128] {
        let mut out = [0u8; 128];
        out[..32].copy_from_slice(self.share.as_bytes());
        out[32..].copy_from_slice(&self.proof.to_bytes());
        out
    }
}

/// Splits a logged partial decryption into `Dᵢ` and the proof's 96 bytes.
pub fn split_share(bytes: &[u8; 128]) -> ([u8; 32], [u8; 96]) {
    let mut d = [0u8; 32];
    let mut p = [0u8; 96];
    d.copy_from_slice(&bytes[..32]);
    p.copy_from_slice(&bytes[32..]);
    (d, p)
}

/// The election key `Y = Σ Yᵢ`.
pub fn combine(shares: &[PublicKey]) -> RistrettoPoint {
    shares
        .iter()
        .fold(RistrettoPoint::identity(), |acc, k| acc + k.point())
}
