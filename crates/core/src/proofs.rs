//! Zero-knowledge proofs, in the batchable "commitments included" form.
//!
//! ## Disjunctive 0/1 proof ([`OrProof`])
//!
//! Statement: the ciphertext `(A, B)` under the election key `Y` encrypts 0
//! or 1, that is, there is `r` with `A = r·G` and either `B = r·Y` (branch 0)
//! or `B − G = r·Y` (branch 1). This is the Cramer-Damgård-Schoenmakers OR
//! composition of two Chaum-Pedersen proofs.
//!
//! Proof: `(T0a, T0b, T1a, T1b, c0, s0, s1)`, 224 bytes. The prover knows the
//! branch `m` and `r`; for the other branch `j` it picks `cⱼ, sⱼ` at random and
//! sets `Tⱼa = sⱼ·G − cⱼ·A`, `Tⱼb = sⱼ·Y − cⱼ·(B − j·G)`; for its own branch it
//! picks `w` and sets `Tₘa = w·G`, `Tₘb = w·Y`. The challenge `c` is the
//! transcript `tinnhiem/v1/or-proof` over `election` (the election hash),
//! `key` (Y), `credential`, `candidate` (u32), `option` (u32: 0 high,
//! 1 confidence, 2 low, 3 the sum), `ciphertext` (A ‖ B) and `commitments`
//! (T0a ‖ T0b ‖ T1a ‖ T1b). Then `cₘ = c − cⱼ`, `sₘ = w + cₘ·r`. Binding the
//! credential, candidate and option stops a proof from being copied into
//! another ballot or another slot.
//!
//! Verification, with `c1 = c − c0`:
//!
//! ```text
//! s0·G = T0a + c0·A        s0·Y = T0b + c0·B
//! s1·G = T1a + c1·A        s1·Y = T1b + c1·(B − G)
//! ```
//!
//! ## Chaum-Pedersen decryption proof ([`DecryptionProof`])
//!
//! Statement: the partial decryption `D` of a total `(A, B)` by trustee `i`
//! uses the trustee's key: `log_G(Yᵢ) = log_A(D)`. Proof `(T1, T2, s)`, 96
//! bytes, with `T1 = w·G`, `T2 = w·A`, `e` the transcript
//! `tinnhiem/v1/decryption` over `election`, `trustee` (u32), `item` (u32),
//! `key` (Yᵢ), `base` (A), `share` (D) and `commitments` (T1 ‖ T2), and
//! `s = w + e·xᵢ`. Verification: `s·G = T1 + e·Yᵢ` and `s·A = T2 + e·D`.

use curve25519_dalek::constants::{RISTRETTO_BASEPOINT_POINT, RISTRETTO_BASEPOINT_TABLE};
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRngCore;

use crate::batch::{Base, BatchVerifier};
use crate::elgamal::CompressedCiphertext;
use crate::encoding::{chunk32, point, scalar};
use crate::transcript::Transcript;
use crate::DecodeError;
use zeroize::Zeroizing;

/// What a 0/1 proof is bound to besides its ciphertext.
#[derive(Clone, Copy, Debug)]
pub struct OrContext<'a> {
    /// The election hash (PROTOCOL.md §5.1).
    pub election: &'a [u8; 32],
    /// The election key `Y`, encoded.
    pub key: &'a [u8; 32],
    /// The ballot's public credential, encoded.
    pub credential: &'a [u8; 32],
    /// 0-based candidate index.
    pub candidate: u32,
    /// 0 high, 1 confidence, 2 low, 3 the sum of the three.
    pub option: u32,
}

/// A disjunctive proof that a ciphertext encrypts 0 or 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrProof {
    /// `T0a, T0b, T1a, T1b`, encoded.
    pub commitments: [CompressedRistretto; 4],
    /// The challenge of branch 0.
    pub c0: Scalar,
    /// The response of branch 0.
    pub s0: Scalar,
    /// The response of branch 1.
    pub s1: Scalar,
}

fn or_challenge(
    ctx: &OrContext<'_>,
    ct: &[u8; 64],
    commitments: &[CompressedRistretto; 4],
) -> Scalar {
    let mut t = Transcript::new("tinnhiem/v1/or-proof");
    t.append("election", ctx.election);
    t.append("key", ctx.key);
    t.append("credential", ctx.credential);
    t.append_u32("candidate", ctx.candidate);
    t.append_u32("option", ctx.option);
    t.append("ciphertext", ct);
    let mut c = [0u8; 128];
    for (i, p) in commitments.iter().enumerate() {
        c[i * 32..i * 32 + 32].copy_from_slice(p.as_bytes());
    }
    t.append("commitments", &c);
    t.challenge()
}

impl OrProof {
    /// Length of the encoding.
    pub const LEN: usize = 224;

    /// Proves that `(a, b) = (r·G, m·G + r·Y)` with `m ∈ {0, 1}`.
    #[allow(clippy::too_many_arguments)]
    pub fn prove(
        ctx: &OrContext<'_>,
        key: &RistrettoPoint,
        a: &RistrettoPoint,
        b: &RistrettoPoint,
        encoded: &CompressedCiphertext,
        m: bool,
        r: &Scalar,
        rng: &mut impl CryptoRngCore,
    ) -> OrProof {
        let g = RISTRETTO_BASEPOINT_POINT;
        // `w` would reveal `r`, and with it the choice, from `s_real`; it is
        // wiped when this function returns (the simulated branch's values
        // end up in the proof and are public anyway).
        let w = Zeroizing::new(Scalar::random(rng));
        let w = &*w;
        let c_fake = Scalar::random(rng);
        let s_fake = Scalar::random(rng);
        let real = [(w * RISTRETTO_BASEPOINT_TABLE), w * key];
        // The other branch j = 1 − m is simulated.
        let b_j = if m { *b } else { b - g };
        let fake = [
            &s_fake * RISTRETTO_BASEPOINT_TABLE - c_fake * a,
            s_fake * key - c_fake * b_j,
        ];
        let (t0, t1) = if m { (fake, real) } else { (real, fake) };
        let commitments = [
            t0[0].compress(),
            t0[1].compress(),
            t1[0].compress(),
            t1[1].compress(),
        ];
        let c = or_challenge(ctx, &encoded.to_bytes(), &commitments);
        let c_real = c - c_fake;
        let s_real = w + c_real * r;
        let (c0, s0, s1) = if m {
            (c_fake, s_fake, s_real)
        } else {
            (c_real, s_real, s_fake)
        };
        OrProof {
            commitments,
            c0,
            s0,
            s1,
        }
    }

    /// The 224-byte encoding `T0a ‖ T0b ‖ T1a ‖ T1b ‖ c0 ‖ s0 ‖ s1`.
    pub fn write(&self, out: &mut [u8]) {
        for (i, p) in self.commitments.iter().enumerate() {
            out[i * 32..i * 32 + 32].copy_from_slice(p.as_bytes());
        }
        out[128..160].copy_from_slice(self.c0.as_bytes());
        out[160..192].copy_from_slice(self.s0.as_bytes());
        out[192..224].copy_from_slice(self.s1.as_bytes());
    }

    /// Reads the encoding; the scalars must be canonical. Points are
    /// decompressed when the proof is verified.
    pub fn read(bytes: &[u8]) -> Result<OrProof, DecodeError> {
        if bytes.len() != Self::LEN {
            return Err(DecodeError::Length {
                field: "0/1 proof",
                expected: Self::LEN,
                found: bytes.len(),
            });
        }
        Ok(OrProof {
            commitments: [0, 1, 2, 3].map(|i| CompressedRistretto(chunk32(bytes, i))),
            c0: scalar(&chunk32(bytes, 4), "0/1 proof")?,
            s0: scalar(&chunk32(bytes, 5), "0/1 proof")?,
            s1: scalar(&chunk32(bytes, 6), "0/1 proof")?,
        })
    }

    /// Adds the four weighted equations to `batch` and returns the
    /// coefficients of `A` and `B`, which the caller adds (a ballot folds the
    /// coefficients of the sum proof into those of its three ciphertexts).
    ///
    /// Each equation goes in as `zᵢ·(Tᵢ + cⱼ·X − sⱼ·Base) = 0`, with the
    /// random 128-bit weight `zᵢ` on the commitment: its coefficient stays a
    /// short scalar, which the multiscalar multiplication handles in half the
    /// digits of a full one, and no scalar is negated.
    pub fn add_to_batch(
        &self,
        batch: &mut BatchVerifier,
        rng: &mut impl CryptoRngCore,
        ctx: &OrContext<'_>,
        key: Base,
        encoded: &[u8; 64],
    ) -> Result<(Scalar, Scalar), DecodeError> {
        let c = or_challenge(ctx, encoded, &self.commitments);
        let c1 = c - self.c0;
        let mut t = [RISTRETTO_BASEPOINT_POINT; 4];
        for (ti, ci) in t.iter_mut().zip(self.commitments.iter()) {
            *ti = point(ci.as_bytes(), "0/1 proof")?;
        }
        let z = [0; 4].map(|_| BatchVerifier::weight(rng));
        // The fourth equation, on `B − G`, is `z3·(T1b + c1·B − c1·G − s1·Y)`.
        batch.sub_g(z[0] * self.s0 + z[2] * self.s1 + z[3] * c1);
        batch.sub_base(key, z[1] * self.s0 + z[3] * self.s1);
        for (zi, ti) in z.iter().zip(t) {
            batch.term(*zi, ti);
        }
        Ok((z[0] * self.c0 + z[2] * c1, z[1] * self.c0 + z[3] * c1))
    }
}

/// Identifies one partial decryption.
#[derive(Clone, Copy, Debug)]
pub struct DecryptionContext<'a> {
    /// The election hash.
    pub election: &'a [u8; 32],
    /// The trustee's 0-based index.
    pub trustee: u32,
    /// The total's index: candidate * 3 + option.
    pub item: u32,
    /// The trustee's public key share `Yᵢ`, encoded.
    pub key: &'a [u8; 32],
}

/// A Chaum-Pedersen proof `(T1, T2, s)` that `log_G(Yᵢ) = log_A(D)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecryptionProof {
    /// `T1 = w·G`, encoded.
    pub t1: CompressedRistretto,
    /// `T2 = w·A`, encoded.
    pub t2: CompressedRistretto,
    /// `s = w + e·xᵢ`.
    pub s: Scalar,
}

fn decryption_challenge(
    ctx: &DecryptionContext<'_>,
    base: &[u8; 32],
    share: &[u8; 32],
    t1: &CompressedRistretto,
    t2: &CompressedRistretto,
) -> Scalar {
    let mut t = Transcript::new("tinnhiem/v1/decryption");
    t.append("election", ctx.election);
    t.append_u32("trustee", ctx.trustee);
    t.append_u32("item", ctx.item);
    t.append("key", ctx.key);
    t.append("base", base);
    t.append("share", share);
    let mut c = [0u8; 64];
    c[..32].copy_from_slice(t1.as_bytes());
    c[32..].copy_from_slice(t2.as_bytes());
    t.append("commitments", &c);
    t.challenge()
}

impl DecryptionProof {
    /// Length of the encoding.
    pub const LEN: usize = 96;

    /// Proves `D = x·A` for the trustee key `x`.
    pub(crate) fn prove(
        ctx: &DecryptionContext<'_>,
        x: &Scalar,
        a: &RistrettoPoint,
        share: &CompressedRistretto,
        rng: &mut impl CryptoRngCore,
    ) -> DecryptionProof {
        // `w` would reveal the key share `x` from `s`: wiped on return.
        let w = Zeroizing::new(Scalar::random(rng));
        let t1 = (&*w * RISTRETTO_BASEPOINT_TABLE).compress();
        let t2 = (*w * a).compress();
        let e = decryption_challenge(ctx, a.compress().as_bytes(), share.as_bytes(), &t1, &t2);
        DecryptionProof {
            t1,
            t2,
            s: *w + e * x,
        }
    }

    /// `T1 ‖ T2 ‖ s`.
    pub fn to_bytes(&self) -> [u8; 96] {
        let mut out = [0u8; 96];
        out[..32].copy_from_slice(self.t1.as_bytes());
        out[32..64].copy_from_slice(self.t2.as_bytes());
        out[64..].copy_from_slice(self.s.as_bytes());
        out
    }

    /// Reads `T1 ‖ T2 ‖ s`.
    pub fn from_bytes(bytes: &[u8; 96]) -> Result<Self, DecodeError> {
        Ok(DecryptionProof {
            t1: CompressedRistretto(chunk32(bytes, 0)),
            t2: CompressedRistretto(chunk32(bytes, 1)),
            s: scalar(&chunk32(bytes, 2), "decryption proof")?,
        })
    }

    /// Adds `z1·(s·G − T1 − e·Yᵢ) + z2·(s·A − T2 − e·D)` to `batch`.
    #[allow(clippy::too_many_arguments)]
    pub fn add_to_batch(
        &self,
        batch: &mut BatchVerifier,
        rng: &mut impl CryptoRngCore,
        ctx: &DecryptionContext<'_>,
        key: &RistrettoPoint,
        a: &RistrettoPoint,
        share: &RistrettoPoint,
        share_bytes: &[u8; 32],
    ) -> Result<(), DecodeError> {
        let e = decryption_challenge(
            ctx,
            a.compress().as_bytes(),
            share_bytes,
            &self.t1,
            &self.t2,
        );
        let t1 = point(self.t1.as_bytes(), "decryption proof")?;
        let t2 = point(self.t2.as_bytes(), "decryption proof")?;
        let z1 = BatchVerifier::weight(rng);
        let z2 = BatchVerifier::weight(rng);
        batch.g(z1 * self.s);
        batch.term(-z1, t1);
        batch.term(-(z1 * e), *key);
        batch.term(z2 * self.s, *a);
        batch.term(-z2, t2);
        batch.term(-(z2 * e), *share);
        Ok(())
    }
}
