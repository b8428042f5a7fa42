//! Batch verification.
//!
//! Every verification equation of this protocol has the form
//! `Σ kᵢ·Pᵢ = 0` (each proof type documents its own). To check many at once
//! the verifier multiplies each equation by an independent random 128-bit
//! weight `z` and checks that the sum of all of them is the identity, with one
//! multiscalar multiplication. If any single equation is false, the sum is the
//! identity with probability at most 2⁻¹²⁸ over the weights. When a batch fails
//! the caller finds the culprit by verifying the items one at a time.
//!
//! Terms on the base point `G` and on a few long-lived bases (the election
//! key) are accumulated into one coefficient each instead of one term per
//! equation, which keeps the multiplication at about one term per point that
//! actually varies.

use alloc::vec::Vec;
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use rand_core::CryptoRngCore;

/// An index into the verifier's fixed bases (see [`BatchVerifier::add_base`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Base(usize);

/// A state of a [`BatchVerifier`] to return to.
pub struct Checkpoint {
    g: Scalar,
    bases: Vec<Scalar>,
    terms: usize,
}

/// Accumulates weighted verification equations and checks them together.
pub struct BatchVerifier {
    g: Scalar,
    bases: Vec<(Scalar, RistrettoPoint)>,
    scalars: Vec<Scalar>,
    points: Vec<RistrettoPoint>,
}

impl Default for BatchVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl BatchVerifier {
    /// An empty batch.
    pub fn new() -> Self {
        BatchVerifier {
            g: Scalar::ZERO,
            bases: Vec::new(),
            scalars: Vec::new(),
            points: Vec::new(),
        }
    }

    /// An empty batch with room for `n` variable terms.
    pub fn with_capacity(n: usize) -> Self {
        let mut b = Self::new();
        b.scalars.reserve(n);
        b.points.reserve(n);
        b
    }

    /// Registers a base used by many equations (the election key, a signer's
    /// key); its coefficients are summed into one term.
    pub fn add_base(&mut self, point: RistrettoPoint) -> Base {
        self.bases.push((Scalar::ZERO, point));
        Base(self.bases.len() - 1)
    }

    /// A fresh random 128-bit weight for one equation.
    pub fn weight(rng: &mut impl CryptoRngCore) -> Scalar {
        let mut w = [0u8; 16];
        rng.fill_bytes(&mut w);
        // Below ℓ already, so no reduction is needed.
        Scalar::from(u128::from_le_bytes(w))
    }

    /// Adds `k·G` to the sum.
    pub fn g(&mut self, k: Scalar) {
        self.g += k;
    }

    /// Adds `k·B` to the sum for a registered base `B`.
    pub fn base(&mut self, base: Base, k: Scalar) {
        self.bases[base.0].0 += k;
    }

    /// Adds `−k·G` to the sum (cheaper than negating `k`).
    pub fn sub_g(&mut self, k: Scalar) {
        self.g -= k;
    }

    /// Adds `−k·B` to the sum for a registered base `B`.
    pub fn sub_base(&mut self, base: Base, k: Scalar) {
        self.bases[base.0].0 -= k;
    }

    /// Adds `k·P` to the sum.
    pub fn term(&mut self, k: Scalar, p: RistrettoPoint) {
        self.scalars.push(k);
        self.points.push(p);
    }

    /// Number of variable terms so far.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True when no variable term has been added.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Marks the current state, to go back to with [`BatchVerifier::rollback`]
    /// (when an item turns out not to decode halfway through adding it).
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            g: self.g,
            bases: self.bases.iter().map(|(k, _)| *k).collect(),
            terms: self.points.len(),
        }
    }

    /// Removes every equation added since `mark` was taken.
    pub fn rollback(&mut self, mark: Checkpoint) {
        self.g = mark.g;
        self.bases.truncate(mark.bases.len());
        for ((k, _), old) in self.bases.iter_mut().zip(mark.bases) {
            *k = old;
        }
        self.scalars.truncate(mark.terms);
        self.points.truncate(mark.terms);
    }

    /// Adds another batch's equations to this one; the other batch's base
    /// `i` is folded into this batch's base `bases[i]`.
    pub fn absorb(&mut self, other: BatchVerifier, bases: &[Base]) {
        assert_eq!(other.bases.len(), bases.len(), "one target base per base");
        self.g += other.g;
        for ((k, _), b) in other.bases.into_iter().zip(bases) {
            self.bases[b.0].0 += k;
        }
        self.scalars.extend(other.scalars);
        self.points.extend(other.points);
    }

    /// The weighted sum of every equation added, as a point: the identity when
    /// all of them hold. Used to combine the partial sums of several threads.
    pub fn sum(self) -> RistrettoPoint {
        let scalars = self
            .scalars
            .iter()
            .chain(self.bases.iter().map(|(k, _)| k))
            .chain(core::iter::once(&self.g));
        let points = self
            .points
            .iter()
            .chain(self.bases.iter().map(|(_, p)| p))
            .chain(core::iter::once(&RISTRETTO_BASEPOINT_POINT));
        RistrettoPoint::vartime_multiscalar_mul(scalars, points)
    }

    /// True when every equation added holds (up to probability 2⁻¹²⁸).
    pub fn verify(self) -> bool {
        self.sum().is_identity()
    }
}
