//! Threshold key generation and t-of-n decryption for the counting committee
//! (PROTOCOL.md §10, a draft: the log, the tally and the pages do not use it
//! yet).
//!
//! The scheme is Pedersen's distributed key generation (Pedersen 1991, "A
//! threshold cryptosystem without a trusted party") with Feldman commitments,
//! a proof of knowledge of each dealer's constant term, shares encrypted to
//! the recipients' long-term trustee keys and publicly adjudicable complaints.
//! Members are numbered `0..n` as trustees are; member `j` evaluates at the
//! point `j + 1`.
//!
//! 1. **Dealing** ([`deal`]): member `i` draws `f_i(z) = a_0 + a_1·z + … +
//!    a_{t−1}·z^{t−1}`, publishes `A_k = a_k·G`, a Schnorr proof of knowledge
//!    of `a_0`, and for every member `j` (itself included) the share
//!    `s_ij = f_i(j + 1)` encrypted to `j`'s trustee key `P_j`
//!    (ephemeral Diffie-Hellman and a SHA-512 pad), all signed with its own
//!    trustee key. The coefficients are wiped when [`deal`] returns.
//! 2. **Checking** ([`Dealing::verify`], [`VerifiedDealing::open`]): anyone
//!    checks the dealing's proofs; member `j` decrypts its share and checks
//!    `s_ij·G = Σ_k (j+1)^k·A_k`. If that fails it publishes a [`Complaint`]
//!    revealing the Diffie-Hellman secret of that one share with a proof that
//!    it is the right one.
//! 3. **Qualification** ([`qualify`]): a dealer is disqualified when its
//!    dealing is absent, malformed, fails its proofs, or draws a valid
//!    complaint ([`adjudicate`]). With the qualified set `Q` (at least `t`
//!    members), the election key is `Y = Σ_{i∈Q} A_i0` and member `j`'s
//!    verification key `Y_j = Σ_{i∈Q} Σ_k (j+1)^k·A_ik`
//!    ([`ThresholdPublic`]); member `j`'s secret share is
//!    `x_j = Σ_{i∈Q} s_ij` ([`Qualification::secret_share`]), rebuilt from
//!    the public dealings and its trustee key alone.
//! 4. **Decryption** ([`ThresholdKey::partial_decrypt`], [`combine`]): a
//!    qualified member publishes `D_j = x_j·A` with the Chaum-Pedersen proof
//!    of [`crate::proofs::DecryptionProof`] against `Y_j`; any `t` valid ones
//!    give `m·G = B − Σ_j λ_j·D_j` with the Lagrange coefficients at 0.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, IsIdentity, VartimeMultiscalarMul};
use rand_core::CryptoRngCore;
use thiserror::Error;
use zeroize::{Zeroize, Zeroizing};

use crate::batch::BatchVerifier;
use crate::elgamal::Ciphertext;
use crate::encoding::{chunk32, point, public_point, scalar};
use crate::proofs::DecryptionContext;
use crate::schnorr::{PublicKey, SecretKey, Signature};
use crate::transcript::Transcript;
use crate::trustee::{key_proof_message, PartialDecryption, TrusteeKey};
use crate::DecodeError;

/// The largest committee (the election entry allows 20 trustees, §4.4).
pub const MAX_MEMBERS: u32 = 20;

/// Signature context of the proof of knowledge of a dealer's `a_0`.
pub const COEFFICIENT_PROOF_CONTEXT: &str = "dkg-coefficient";

/// Signature context of a dealer's signature on its dealing.
pub const DEALING_CONTEXT: &str = "dkg-dealing";

/// Signature context of the proof of knowledge of a dealing's ephemeral
/// secret `r` (PROTOCOL.md §10.3): without it, a dealer could publish another
/// member's ephemeral key shifted by a known offset and learn, from that
/// member's complaint, the pad of a share it was never dealt.
pub const EPHEMERAL_PROOF_CONTEXT: &str = "dkg-ephemeral";

/// The default threshold: the smallest majority of `n` (2 of 3, 3 of 5).
pub fn default_threshold(n: u32) -> u32 {
    n / 2 + 1
}

/// The committee's size `n` and threshold `t`, `1 ≤ t ≤ n ≤ MAX_MEMBERS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    n: u32,
    t: u32,
}

impl Params {
    /// Checks `1 ≤ t ≤ n ≤ MAX_MEMBERS`.
    pub fn new(n: u32, t: u32) -> Result<Self, DkgError> {
        if n == 0 || n > MAX_MEMBERS || t == 0 || t > n {
            return Err(DkgError::Parameters { n, t });
        }
        Ok(Params { n, t })
    }

    /// `n` members with the [`default_threshold`].
    pub fn with_default_threshold(n: u32) -> Result<Self, DkgError> {
        Self::new(n, default_threshold(n))
    }

    /// The number of members.
    pub fn n(&self) -> u32 {
        self.n
    }

    /// The threshold.
    pub fn t(&self) -> u32 {
        self.t
    }

    /// The length in bytes of a dealing's encoding:
    /// `12 + 32·t + 64 + 32 + 64 + 32·n + 64 = 236 + 32·t + 32·n`.
    pub fn dealing_len(&self) -> usize {
        236 + 32 * self.t as usize + 32 * self.n as usize
    }

    fn member(&self, index: u32) -> Result<(), DkgError> {
        if index < self.n {
            Ok(())
        } else {
            Err(DkgError::Member { index, n: self.n })
        }
    }
}

/// Member `j`'s evaluation point, `j + 1` (never 0: `f(0)` is the secret).
pub fn evaluation_point(member: u32) -> Scalar {
    Scalar::from(u64::from(member) + 1)
}

/// Why the ceremony or a combination cannot proceed. Carries no secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DkgError {
    /// `n` or `t` out of range.
    #[error("threshold parameters: need 1 ≤ t ≤ n ≤ 20, got n = {n}, t = {t}")]
    Parameters {
        /// Members.
        n: u32,
        /// Threshold.
        t: u32,
    },
    /// A member index `≥ n`.
    #[error("member {index} is not one of the {n} members")]
    Member {
        /// The index given.
        index: u32,
        /// The committee size.
        n: u32,
    },
    /// The same member twice in a list that needs distinct members.
    #[error("member {index} appears twice")]
    DuplicateMember {
        /// The repeated index.
        index: u32,
    },
    /// A list whose length is not the one required.
    #[error("expected {expected} items, found {found}")]
    Count {
        /// Required length.
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// Fewer than `t` qualified dealers: the ceremony must be run again.
    #[error("only {qualified} qualified members, the threshold needs {needed}")]
    TooFewQualified {
        /// Qualified dealers.
        qualified: u32,
        /// The threshold `t`.
        needed: u32,
    },
    /// The qualified constant terms sum to the identity (no usable key).
    #[error("the election key is the identity")]
    IdentityKey,
    /// A qualified dealer's share to this member does not check: the member
    /// should have complained (its share would not match its verification
    /// key).
    #[error("the share dealt by member {dealer} does not match its commitments")]
    BadShare {
        /// The dealer.
        dealer: u32,
    },
}

/// Why a dealer is disqualified.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DealingFault {
    /// No dealing was published.
    #[error("no dealing")]
    Missing,
    /// The bytes do not decode ([`Dealing::from_bytes`]).
    #[error("malformed dealing: {0}")]
    Malformed(DecodeError),
    /// The dealing names another dealer, committee size or threshold.
    #[error("the dealing's dealer, n or t is wrong")]
    Header,
    /// Commitment `k` is not a point.
    #[error("commitment {k} is not a point")]
    Commitment {
        /// Coefficient index.
        k: u32,
    },
    /// `A_0` is the identity.
    #[error("the constant commitment is the identity")]
    ZeroConstant,
    /// The proof of knowledge of `a_0` does not verify.
    #[error("the proof of knowledge of the constant term does not verify")]
    CoefficientProof,
    /// The dealing's ephemeral key `E` is not a public point.
    #[error("the dealing's ephemeral key is invalid")]
    Ephemeral,
    /// The proof of knowledge of the ephemeral secret does not verify.
    #[error("the proof of knowledge of the ephemeral secret does not verify")]
    EphemeralProof,
    /// The dealer's signature does not verify.
    #[error("the dealer's signature does not verify")]
    Signature,
    /// A valid complaint: the share for `by` does not match the commitments.
    #[error("member {by} proved that its share does not match the commitments")]
    Complaint {
        /// The (first) member whose complaint was upheld.
        by: u32,
    },
}

// ---------------------------------------------------------------------------
// Dealing

/// One share encrypted to its recipient, `c = s ⊕ pad` (the pad from the
/// dealing's one ephemeral key, PROTOCOL.md §10.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncryptedShare {
    /// The 32-byte share encoding XORed with the pad.
    pub ciphertext: [u8; 32],
}

/// A dealer's public message (PROTOCOL.md §10.3). Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dealing {
    /// The dealer's index.
    pub dealer: u32,
    /// `n`, as the dealer saw it.
    pub n: u32,
    /// `t`, as the dealer saw it.
    pub t: u32,
    /// `A_0 … A_{t−1}`, encoded.
    pub commitments: Vec<CompressedRistretto>,
    /// The proof of knowledge of `a_0` (a signature by `a_0`).
    pub proof: Signature,
    /// The ephemeral key `E = r·G` of every share's encryption, encoded.
    pub ephemeral: CompressedRistretto,
    /// The proof of knowledge of `r` (a signature by `r`).
    pub ephemeral_proof: Signature,
    /// One share per member `0..n`, the dealer's own included.
    pub shares: Vec<EncryptedShare>,
    /// The dealer's trustee-key signature on everything above.
    pub signature: Signature,
}

/// A hedged random scalar: fresh randomness bound to the dealer's trustee
/// secret, so that a broken generator does not reveal the polynomial.
fn hedged(
    domain: &str,
    key: &TrusteeKey,
    election: &[u8; 32],
    dealer: u32,
    index: u32,
    rng: &mut impl CryptoRngCore,
) -> Scalar {
    let mut fresh = [0u8; 32];
    rng.fill_bytes(&mut fresh);
    let secret = Zeroizing::new(key.to_bytes());
    let mut t = Transcript::new(domain);
    t.append("secret", &*secret);
    t.append("random", &fresh);
    t.append("election", election);
    t.append_u32("dealer", dealer);
    t.append_u32("index", index);
    fresh.zeroize();
    t.challenge()
}

/// The 32-byte pad of the share from `dealer` to `recipient` (§10.4).
fn share_pad(
    election: &[u8; 32],
    dealer: u32,
    recipient: u32,
    recipient_key: &[u8; 32],
    ephemeral: &[u8; 32],
    secret: &[u8; 32],
) -> Zeroizing<[u8; 32]> {
    let mut t = Transcript::new("tinnhiem/v1/dkg-share-pad");
    t.append("election", election);
    t.append_u32("dealer", dealer);
    t.append_u32("recipient", recipient);
    t.append("key", recipient_key);
    t.append("ephemeral", ephemeral);
    t.append("secret", secret);
    let digest = Zeroizing::new(t.digest());
    let mut pad = Zeroizing::new([0u8; 32]);
    pad.copy_from_slice(&digest[..32]);
    pad
}

fn xor32(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, (x, y)) in out.iter_mut().zip(a.iter().zip(b.iter())) {
        *o = x ^ y;
    }
    out
}

/// `Σ_k x^k·C_k` for the evaluation point of `member`.
fn eval_commitments(commitments: &[RistrettoPoint], member: u32) -> RistrettoPoint {
    let x = evaluation_point(member);
    let mut powers = Vec::with_capacity(commitments.len());
    let mut p = Scalar::ONE;
    for _ in commitments {
        powers.push(p);
        p *= x;
    }
    RistrettoPoint::vartime_multiscalar_mul(&powers, commitments)
}

/// Member `dealer` deals: draws a polynomial of degree `t − 1`, commits to
/// it, proves knowledge of `a_0`, encrypts `f(j + 1)` to every member `j`'s
/// trustee key in `keys` (all `n` of them, in member order) and signs the
/// whole with its own trustee key `key`. The polynomial is wiped on return.
pub fn deal(
    params: &Params,
    election: &[u8; 32],
    dealer: u32,
    key: &TrusteeKey,
    keys: &[PublicKey],
    rng: &mut impl CryptoRngCore,
) -> Result<Dealing, DkgError> {
    params.member(dealer)?;
    if keys.len() != params.n as usize {
        return Err(DkgError::Count {
            expected: params.n as usize,
            found: keys.len(),
        });
    }
    let coefficients: Zeroizing<Vec<Scalar>> = Zeroizing::new(
        (0..params.t)
            .map(|k| hedged("tinnhiem/v1/dkg-coefficient", key, election, dealer, k, rng))
            .collect(),
    );
    let commitments: Vec<CompressedRistretto> = coefficients
        .iter()
        .map(|a| (a * RISTRETTO_BASEPOINT_TABLE).compress())
        .collect();
    let proof = SecretKey::from_scalar(coefficients[0]).sign(
        COEFFICIENT_PROOF_CONTEXT,
        &key_proof_message(election, dealer),
        rng,
    );
    // One ephemeral secret for the whole dealing, with a proof that the
    // dealer knows it (§10.3): a complaint then reveals `r·P_j`, which the
    // dealer could compute itself.
    let r = Zeroizing::new(hedged(
        "tinnhiem/v1/dkg-ephemeral",
        key,
        election,
        dealer,
        0,
        rng,
    ));
    let ephemeral = (&*r * RISTRETTO_BASEPOINT_TABLE).compress();
    let ephemeral_proof = SecretKey::from_scalar(*r).sign(
        EPHEMERAL_PROOF_CONTEXT,
        &key_proof_message(election, dealer),
        rng,
    );
    let shares = keys
        .iter()
        .enumerate()
        .map(|(j, pk)| {
            let j = j as u32;
            // s = f(j + 1) by Horner's rule.
            let x = evaluation_point(j);
            let mut s = Zeroizing::new(Scalar::ZERO);
            for a in coefficients.iter().rev() {
                *s = *s * x + a;
            }
            let secret = Zeroizing::new((*r * pk.point()).compress().to_bytes());
            let pad = share_pad(
                election,
                dealer,
                j,
                pk.as_bytes(),
                ephemeral.as_bytes(),
                &secret,
            );
            let plain = Zeroizing::new(s.to_bytes());
            EncryptedShare {
                ciphertext: xor32(&plain, &pad),
            }
        })
        .collect();
    let mut dealing = Dealing {
        dealer,
        n: params.n,
        t: params.t,
        commitments,
        proof,
        ephemeral,
        ephemeral_proof,
        shares,
        signature: Signature {
            r: CompressedRistretto([0; 32]),
            s: Scalar::ZERO,
        },
    };
    dealing.signature = key.sign(DEALING_CONTEXT, &dealing.signed_message(election), rng);
    Ok(dealing)
}

impl Dealing {
    fn unsigned_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            12 + 32 * self.commitments.len() + 64 + 32 + 64 + 32 * self.shares.len() + 64,
        );
        out.extend_from_slice(&self.dealer.to_le_bytes());
        out.extend_from_slice(&self.n.to_le_bytes());
        out.extend_from_slice(&self.t.to_le_bytes());
        for a in &self.commitments {
            out.extend_from_slice(a.as_bytes());
        }
        out.extend_from_slice(&self.proof.to_bytes());
        out.extend_from_slice(self.ephemeral.as_bytes());
        out.extend_from_slice(&self.ephemeral_proof.to_bytes());
        for s in &self.shares {
            out.extend_from_slice(&s.ciphertext);
        }
        out
    }

    /// The message the dealer signs: `H ‖` the encoding without its last 64
    /// bytes.
    fn signed_message(&self, election: &[u8; 32]) -> Vec<u8> {
        let mut m = election.to_vec();
        m.extend_from_slice(&self.unsigned_bytes());
        m
    }

    /// The canonical encoding (PROTOCOL.md §10.3):
    /// `u32le(dealer) ‖ u32le(n) ‖ u32le(t) ‖ A_0 ‖ … ‖ A_{t−1} ‖ proof ‖
    /// E ‖ ephemeral_proof ‖ c_0 ‖ … ‖ c_{n−1} ‖ signature`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.unsigned_bytes();
        out.extend_from_slice(&self.signature.to_bytes());
        out
    }

    /// Decodes a dealing for the committee `params`: the header must carry
    /// the same `n` and `t`, the dealer must be a member, the length must be
    /// exact and the three signatures' scalars canonical. Points are
    /// decompressed by [`Dealing::verify`].
    pub fn from_bytes(bytes: &[u8], params: &Params) -> Result<Self, DecodeError> {
        const FIELD: &str = "dkg dealing";
        if bytes.len() < 12 {
            return Err(DecodeError::Length {
                field: FIELD,
                expected: params.dealing_len(),
                found: bytes.len(),
            });
        }
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let (dealer, n, t) = (u32_at(0), u32_at(4), u32_at(8));
        if n != params.n || t != params.t {
            return Err(DecodeError::Format(
                "dkg dealing: n or t differs from the election's",
            ));
        }
        if dealer >= n {
            return Err(DecodeError::Format(
                "dkg dealing: the dealer is not a member",
            ));
        }
        if bytes.len() != params.dealing_len() {
            return Err(DecodeError::Length {
                field: FIELD,
                expected: params.dealing_len(),
                found: bytes.len(),
            });
        }
        let body = &bytes[12..];
        let t = t as usize;
        let commitments = (0..t)
            .map(|k| CompressedRistretto(chunk32(body, k)))
            .collect();
        let sig_at = |off: usize| -> Result<Signature, DecodeError> {
            let mut b = [0u8; 64];
            b.copy_from_slice(&body[off..off + 64]);
            Signature::from_bytes(&b)
        };
        let proof = sig_at(32 * t)?;
        let ephemeral = CompressedRistretto(chunk32(&body[32 * t + 64..], 0));
        let ephemeral_proof = sig_at(32 * t + 96)?;
        let shares_at = 32 * t + 160;
        let shares = (0..n as usize)
            .map(|j| EncryptedShare {
                ciphertext: chunk32(&body[shares_at..], j),
            })
            .collect();
        let signature = sig_at(shares_at + 32 * n as usize)?;
        Ok(Dealing {
            dealer,
            n,
            t: t as u32,
            commitments,
            proof,
            ephemeral,
            ephemeral_proof,
            shares,
            signature,
        })
    }

    /// The public checks anyone makes (PROTOCOL.md §10.5): the header
    /// matches `params` and the dealer, every commitment is a point and `A_0`
    /// not the identity, the proof of knowledge of `a_0` verifies, the
    /// ephemeral key is a public point with a valid proof of knowledge of
    /// its secret, and the dealer's signature with its trustee key
    /// `dealer_key` verifies.
    pub fn verify(
        &self,
        params: &Params,
        election: &[u8; 32],
        dealer: u32,
        dealer_key: &PublicKey,
    ) -> Result<VerifiedDealing, DealingFault> {
        if self.dealer != dealer
            || self.n != params.n
            || self.t != params.t
            || self.commitments.len() != params.t as usize
            || self.shares.len() != params.n as usize
        {
            return Err(DealingFault::Header);
        }
        let commitments = self
            .commitments
            .iter()
            .enumerate()
            .map(|(k, c)| {
                point(c.as_bytes(), "dkg commitment")
                    .map_err(|_| DealingFault::Commitment { k: k as u32 })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if commitments[0].is_identity() {
            return Err(DealingFault::ZeroConstant);
        }
        self.proof
            .verify(
                &PublicKey::from_point(commitments[0]),
                COEFFICIENT_PROOF_CONTEXT,
                &key_proof_message(election, dealer),
            )
            .map_err(|_| DealingFault::CoefficientProof)?;
        let ephemeral = public_point(self.ephemeral.as_bytes(), "dkg ephemeral")
            .map_err(|_| DealingFault::Ephemeral)?;
        self.ephemeral_proof
            .verify(
                &PublicKey::from_point(ephemeral),
                EPHEMERAL_PROOF_CONTEXT,
                &key_proof_message(election, dealer),
            )
            .map_err(|_| DealingFault::EphemeralProof)?;
        self.signature
            .verify(dealer_key, DEALING_CONTEXT, &self.signed_message(election))
            .map_err(|_| DealingFault::Signature)?;
        Ok(VerifiedDealing {
            dealer,
            commitments,
            ephemeral,
            ciphertexts: self.shares.iter().map(|s| s.ciphertext).collect(),
        })
    }
}

/// A dealing that passed [`Dealing::verify`], with its points decompressed.
#[derive(Clone, Debug)]
pub struct VerifiedDealing {
    dealer: u32,
    commitments: Vec<RistrettoPoint>,
    ephemeral: RistrettoPoint,
    ciphertexts: Vec<[u8; 32]>,
}

/// A share dealt to this member that checked against its commitments.
/// Zeroized on drop; never printed or serialized.
pub struct ReceivedShare {
    dealer: u32,
    value: Zeroizing<Scalar>,
}

impl core::fmt::Debug for ReceivedShare {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "ReceivedShare {{ dealer: {}, value: <redacted> }}",
            self.dealer
        )
    }
}

impl ReceivedShare {
    /// The dealer.
    pub fn dealer(&self) -> u32 {
        self.dealer
    }
}

/// Decrypts the share for `recipient` with the revealed or computed
/// Diffie-Hellman secret and checks it: `Some(s)` iff it is a canonical
/// scalar with `s·G = Σ_k (j+1)^k·A_k`.
fn check_share(
    dealing: &VerifiedDealing,
    election: &[u8; 32],
    recipient: u32,
    recipient_key: &[u8; 32],
    secret: &[u8; 32],
) -> Option<Zeroizing<Scalar>> {
    let j = recipient as usize;
    let pad = share_pad(
        election,
        dealing.dealer,
        recipient,
        recipient_key,
        dealing.ephemeral.compress().as_bytes(),
        secret,
    );
    let plain = Zeroizing::new(xor32(&dealing.ciphertexts[j], &pad));
    let s = Zeroizing::new(Option::<Scalar>::from(Scalar::from_canonical_bytes(
        *plain,
    ))?);
    let expected = eval_commitments(&dealing.commitments, recipient);
    (&*s * RISTRETTO_BASEPOINT_TABLE == expected).then_some(s)
}

impl VerifiedDealing {
    /// The dealer.
    pub fn dealer(&self) -> u32 {
        self.dealer
    }

    /// The commitments `A_0 … A_{t−1}`.
    pub fn commitments(&self) -> &[RistrettoPoint] {
        &self.commitments
    }

    /// Member `recipient` opens its share with its trustee key (§10.6). A
    /// share that is not a canonical scalar or fails
    /// `s·G = Σ_k (j+1)^k·A_k` gives the [`Complaint`] to publish instead.
    ///
    /// # Panics
    ///
    /// If `recipient ≥ n` (a member opens with its own index).
    pub fn open(
        &self,
        election: &[u8; 32],
        recipient: u32,
        key: &TrusteeKey,
        rng: &mut impl CryptoRngCore,
    ) -> Result<ReceivedShare, Box<Complaint>> {
        let e = self.ephemeral;
        let secret = Zeroizing::new(key.scalar() * e);
        let secret_bytes = Zeroizing::new(secret.compress().to_bytes());
        let public = key.public();
        match check_share(self, election, recipient, public.as_bytes(), &secret_bytes) {
            Some(value) => Ok(ReceivedShare {
                dealer: self.dealer,
                value,
            }),
            None => Err(Box::new(Complaint::prove(
                election,
                self.dealer,
                recipient,
                key,
                &e,
                &secret,
                rng,
            ))),
        }
    }
}

impl VerifiedDealing {
    /// A complaint by `recipient` whatever its share (a member who believes
    /// its share is wrong; [`VerifiedDealing::open`] makes one only when it
    /// is). If the share is in fact correct, [`adjudicate`] rejects it — and
    /// the share is then public.
    ///
    /// # Panics
    ///
    /// If `recipient ≥ n`.
    pub fn complain(
        &self,
        election: &[u8; 32],
        recipient: u32,
        key: &TrusteeKey,
        rng: &mut impl CryptoRngCore,
    ) -> Complaint {
        let e = self.ephemeral;
        let secret = Zeroizing::new(key.scalar() * e);
        Complaint::prove(election, self.dealer, recipient, key, &e, &secret, rng)
    }
}

// ---------------------------------------------------------------------------
// Complaints

/// A complaint by `complainer` against `dealer`'s share: the Diffie-Hellman
/// secret `K = x_j·E` of that share with a Chaum-Pedersen proof that
/// `log_G(P_j) = log_E(K)` (PROTOCOL.md §10.7). It reveals that one share
/// and nothing else of the complainer's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Complaint {
    /// The dealer complained about.
    pub dealer: u32,
    /// The complaining member.
    pub complainer: u32,
    /// `K`, encoded.
    pub secret: CompressedRistretto,
    /// `T1 = w·G`, encoded.
    pub t1: CompressedRistretto,
    /// `T2 = w·E`, encoded.
    pub t2: CompressedRistretto,
    /// `s = w + e·x_j`.
    pub s: Scalar,
}

#[allow(clippy::too_many_arguments)]
fn complaint_challenge(
    election: &[u8; 32],
    dealer: u32,
    complainer: u32,
    key: &[u8; 32],
    ephemeral: &[u8; 32],
    secret: &[u8; 32],
    t1: &CompressedRistretto,
    t2: &CompressedRistretto,
) -> Scalar {
    let mut t = Transcript::new("tinnhiem/v1/dkg-complaint");
    t.append("election", election);
    t.append_u32("dealer", dealer);
    t.append_u32("complainer", complainer);
    t.append("key", key);
    t.append("ephemeral", ephemeral);
    t.append("secret", secret);
    let mut c = [0u8; 64];
    c[..32].copy_from_slice(t1.as_bytes());
    c[32..].copy_from_slice(t2.as_bytes());
    t.append("commitments", &c);
    t.challenge()
}

/// Why a complaint is rejected (the dealer keeps its place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ComplaintRejection {
    /// The complainer or the dealer is not a member.
    #[error("not a member")]
    NotAMember,
    /// `K` is not a point or a proof commitment is not a point.
    #[error("malformed complaint")]
    Malformed,
    /// The proof that `K = x_j·E` does not verify.
    #[error("the proof of the revealed secret does not verify")]
    Proof,
    /// The revealed share checks against the commitments: the complaint is
    /// false.
    #[error("the revealed share is correct")]
    ShareValid,
}

/// The verdict on one complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The revealed share is wrong: the dealer is disqualified.
    DealerAtFault,
    /// The complaint is rejected.
    Rejected(ComplaintRejection),
    /// The dealer was already disqualified by the public checks (or never
    /// dealt): nothing to decide.
    Moot,
}

impl Complaint {
    /// Length of the encoding.
    pub const LEN: usize = 136;

    fn prove(
        election: &[u8; 32],
        dealer: u32,
        complainer: u32,
        key: &TrusteeKey,
        ephemeral: &RistrettoPoint,
        secret: &RistrettoPoint,
        rng: &mut impl CryptoRngCore,
    ) -> Complaint {
        let public = key.public();
        let secret = secret.compress();
        let w = Zeroizing::new(Scalar::random(rng));
        let t1 = (&*w * RISTRETTO_BASEPOINT_TABLE).compress();
        let t2 = (*w * ephemeral).compress();
        let e = complaint_challenge(
            election,
            dealer,
            complainer,
            public.as_bytes(),
            ephemeral.compress().as_bytes(),
            secret.as_bytes(),
            &t1,
            &t2,
        );
        Complaint {
            dealer,
            complainer,
            secret,
            t1,
            t2,
            s: *w + e * key.scalar(),
        }
    }

    /// `u32le(dealer) ‖ u32le(complainer) ‖ K ‖ T1 ‖ T2 ‖ s`, 136 bytes.
    pub fn to_bytes(&self) -> [u8; 136] {
        let mut out = [0u8; 136];
        out[..4].copy_from_slice(&self.dealer.to_le_bytes());
        out[4..8].copy_from_slice(&self.complainer.to_le_bytes());
        out[8..40].copy_from_slice(self.secret.as_bytes());
        out[40..72].copy_from_slice(self.t1.as_bytes());
        out[72..104].copy_from_slice(self.t2.as_bytes());
        out[104..].copy_from_slice(self.s.as_bytes());
        out
    }

    /// Reads the encoding; `s` must be canonical. Points are decompressed
    /// when the complaint is adjudicated.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != Self::LEN {
            return Err(DecodeError::Length {
                field: "dkg complaint",
                expected: Self::LEN,
                found: bytes.len(),
            });
        }
        let body = &bytes[8..];
        Ok(Complaint {
            dealer: u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            complainer: u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
            secret: CompressedRistretto(chunk32(body, 0)),
            t1: CompressedRistretto(chunk32(body, 1)),
            t2: CompressedRistretto(chunk32(body, 2)),
            s: scalar(&chunk32(body, 3), "dkg complaint")?,
        })
    }
}

/// Decides a complaint from public data alone (PROTOCOL.md §10.7): the
/// dealing (already publicly verified), the complaint and the complainer's
/// trustee key. Valid iff the proof `log_G(P_j) = log_E(K)` verifies and the
/// share decrypted with `K` is not a canonical scalar matching the
/// commitments.
pub fn adjudicate(
    params: &Params,
    election: &[u8; 32],
    dealing: &VerifiedDealing,
    complaint: &Complaint,
    complainer_key: &PublicKey,
) -> Verdict {
    use ComplaintRejection::*;
    if complaint.complainer >= params.n || complaint.dealer != dealing.dealer {
        return Verdict::Rejected(NotAMember);
    }
    let e_point = dealing.ephemeral;
    let e_bytes = e_point.compress().to_bytes();
    let (Ok(k), Ok(t1), Ok(t2)) = (
        point(complaint.secret.as_bytes(), "dkg complaint"),
        point(complaint.t1.as_bytes(), "dkg complaint"),
        point(complaint.t2.as_bytes(), "dkg complaint"),
    ) else {
        return Verdict::Rejected(Malformed);
    };
    let e = complaint_challenge(
        election,
        complaint.dealer,
        complaint.complainer,
        complainer_key.as_bytes(),
        &e_bytes,
        complaint.secret.as_bytes(),
        &complaint.t1,
        &complaint.t2,
    );
    // s·G = T1 + e·P_j and s·E = T2 + e·K.
    let ok1 = &complaint.s * RISTRETTO_BASEPOINT_TABLE == t1 + e * complainer_key.point();
    let ok2 = complaint.s * e_point == t2 + e * k;
    if !(ok1 && ok2) {
        return Verdict::Rejected(Proof);
    }
    match check_share(
        dealing,
        election,
        complaint.complainer,
        complainer_key.as_bytes(),
        complaint.secret.as_bytes(),
    ) {
        Some(_) => Verdict::Rejected(ShareValid),
        None => Verdict::DealerAtFault,
    }
}

// ---------------------------------------------------------------------------
// Qualification

/// The outcome of the dealing and complaint rounds (PROTOCOL.md §10.8).
#[derive(Clone, Debug)]
pub struct Qualification {
    params: Params,
    /// The disqualified dealers and why, in member order.
    pub disqualified: Vec<(u32, DealingFault)>,
    /// The verdict on each complaint, in the order given.
    pub verdicts: Vec<Verdict>,
    dealings: Vec<Option<VerifiedDealing>>,
}

/// Runs the public checks of every dealing and adjudicates every complaint.
/// `keys` are the `n` trustee keys in member order; `dealings[i]` is member
/// `i`'s dealing bytes, `None` if it published none.
pub fn qualify(
    params: &Params,
    election: &[u8; 32],
    keys: &[PublicKey],
    dealings: &[Option<&[u8]>],
    complaints: &[Complaint],
) -> Result<Qualification, DkgError> {
    let n = params.n as usize;
    for (expected, found) in [(n, keys.len()), (n, dealings.len())] {
        if expected != found {
            return Err(DkgError::Count { expected, found });
        }
    }
    let mut disqualified = Vec::new();
    let mut verified: Vec<Option<VerifiedDealing>> = dealings
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let i32_ = i as u32;
            let r = match d {
                None => Err(DealingFault::Missing),
                Some(bytes) => Dealing::from_bytes(bytes, params)
                    .map_err(DealingFault::Malformed)
                    .and_then(|d| d.verify(params, election, i32_, &keys[i])),
            };
            r.map_err(|f| disqualified.push((i32_, f))).ok()
        })
        .collect();
    let verdicts: Vec<Verdict> = complaints
        .iter()
        .map(|c| {
            if c.dealer >= params.n || c.complainer >= params.n {
                return Verdict::Rejected(ComplaintRejection::NotAMember);
            }
            match &verified[c.dealer as usize] {
                None => Verdict::Moot,
                Some(d) => adjudicate(params, election, d, c, &keys[c.complainer as usize]),
            }
        })
        .collect();
    // A dealer drops out at its first upheld complaint.
    for (c, v) in complaints.iter().zip(&verdicts) {
        if *v == Verdict::DealerAtFault && verified[c.dealer as usize].take().is_some() {
            disqualified.push((c.dealer, DealingFault::Complaint { by: c.complainer }));
        }
    }
    disqualified.sort_by_key(|(i, _)| *i);
    Ok(Qualification {
        params: *params,
        disqualified,
        verdicts,
        dealings: verified,
    })
}

impl Qualification {
    /// The qualified dealers `Q`, in member order.
    pub fn qualified(&self) -> Vec<u32> {
        (0..self.params.n)
            .filter(|i| self.dealings[*i as usize].is_some())
            .collect()
    }

    fn enough(&self) -> Result<Vec<&VerifiedDealing>, DkgError> {
        let q: Vec<&VerifiedDealing> = self.dealings.iter().flatten().collect();
        if (q.len() as u32) < self.params.t {
            return Err(DkgError::TooFewQualified {
                qualified: q.len() as u32,
                needed: self.params.t,
            });
        }
        Ok(q)
    }

    /// The public result: `Y`, every member's `Y_j` and `Q`. Fails when
    /// fewer than `t` dealers qualified.
    pub fn public(&self) -> Result<ThresholdPublic, DkgError> {
        let q = self.enough()?;
        // C_k = Σ_{i∈Q} A_ik, then Y_j = Σ_k (j+1)^k·C_k and Y = C_0.
        let mut sum = vec![RistrettoPoint::identity(); self.params.t as usize];
        for d in &q {
            for (c, a) in sum.iter_mut().zip(&d.commitments) {
                *c += a;
            }
        }
        if sum[0].is_identity() {
            return Err(DkgError::IdentityKey);
        }
        Ok(ThresholdPublic {
            params: self.params,
            qualified: self.qualified(),
            election_key: PublicKey::from_point(sum[0]),
            verification_keys: (0..self.params.n)
                .map(|j| PublicKey::from_point(eval_commitments(&sum, j)))
                .collect(),
        })
    }

    /// Member `member`'s secret share `x_j = Σ_{i∈Q} s_ij`, from the public
    /// dealings and its trustee key alone (nothing else to keep between the
    /// rounds). Fails if a qualified dealer's share to it does not check
    /// (it should have complained).
    pub fn secret_share(
        &self,
        election: &[u8; 32],
        member: u32,
        key: &TrusteeKey,
        rng: &mut impl CryptoRngCore,
    ) -> Result<ThresholdKey, DkgError> {
        self.params.member(member)?;
        let q = self.enough()?;
        let mut x = Zeroizing::new(Scalar::ZERO);
        for d in q {
            let share = d
                .open(election, member, key, rng)
                .map_err(|_| DkgError::BadShare { dealer: d.dealer })?;
            *x += &*share.value;
        }
        Ok(ThresholdKey {
            member,
            secret: SecretKey::from_scalar(*x),
        })
    }
}

/// The public outcome of a successful ceremony.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThresholdPublic {
    params: Params,
    qualified: Vec<u32>,
    election_key: PublicKey,
    verification_keys: Vec<PublicKey>,
}

impl ThresholdPublic {
    /// The parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The election key `Y = Σ_{i∈Q} A_i0`.
    pub fn election_key(&self) -> &PublicKey {
        &self.election_key
    }

    /// Member `j`'s verification key `Y_j = x_j·G`.
    pub fn verification_key(&self, member: u32) -> Option<&PublicKey> {
        self.verification_keys.get(member as usize)
    }

    /// The qualified members, who alone may decrypt.
    pub fn qualified(&self) -> &[u32] {
        &self.qualified
    }

    /// Whether `member` may take part in decryption.
    pub fn is_qualified(&self, member: u32) -> bool {
        self.qualified.binary_search(&member).is_ok()
    }
}

/// A member's secret share `x_j` of the election key. Zeroized on drop;
/// `Debug` is redacted; not serializable (it is rebuilt from the log and the
/// member's trustee key, [`Qualification::secret_share`]).
#[derive(Clone, Debug)]
pub struct ThresholdKey {
    member: u32,
    secret: SecretKey,
}

impl ThresholdKey {
    /// The member.
    pub fn member(&self) -> u32 {
        self.member
    }

    /// `Y_j = x_j·G` (equal to [`ThresholdPublic::verification_key`] when
    /// the ceremony was followed).
    pub fn public(&self) -> PublicKey {
        self.secret.public()
    }

    /// Partial decryptions of `totals` (item `k` is `totals[k]`):
    /// `D_j = x_j·A` with the proof of §2.6, context
    /// `(H, j, k, encode(Y_j))`.
    pub fn partial_decrypt(
        &self,
        election: &[u8; 32],
        totals: &[Ciphertext],
        rng: &mut impl CryptoRngCore,
    ) -> Vec<PartialDecryption> {
        crate::trustee::partial_decryptions(&self.secret, election, self.member, totals, rng)
    }
}

// ---------------------------------------------------------------------------
// Combination

/// The Lagrange coefficients at 0 for the distinct members `members`
/// (evaluation points `j + 1`): `λ_j = Π_{m≠j} x_m / (x_m − x_j)`.
pub fn lagrange_at_zero(members: &[u32]) -> Result<Vec<Scalar>, DkgError> {
    for (a, m) in members.iter().enumerate() {
        if members[..a].contains(m) {
            return Err(DkgError::DuplicateMember { index: *m });
        }
    }
    let xs: Vec<Scalar> = members.iter().map(|m| evaluation_point(*m)).collect();
    let mut nums = Vec::with_capacity(xs.len());
    let mut dens = Vec::with_capacity(xs.len());
    for (a, xa) in xs.iter().enumerate() {
        let mut num = Scalar::ONE;
        let mut den = Scalar::ONE;
        for (b, xb) in xs.iter().enumerate() {
            if a != b {
                num *= xb;
                den *= xb - xa;
            }
        }
        nums.push(num);
        dens.push(den);
    }
    Scalar::batch_invert(&mut dens);
    Ok(nums.iter().zip(&dens).map(|(n, d)| n * d).collect())
}

/// `Σ_j λ_j·D_j` over the given members' partial decryptions of one item,
/// without any check: with `t` correct shares of the same ciphertext it is
/// `x·A`.
pub fn interpolate(members: &[u32], shares: &[RistrettoPoint]) -> Result<RistrettoPoint, DkgError> {
    if members.len() != shares.len() {
        return Err(DkgError::Count {
            expected: members.len(),
            found: shares.len(),
        });
    }
    let lambdas = lagrange_at_zero(members)?;
    Ok(RistrettoPoint::vartime_multiscalar_mul(&lambdas, shares))
}

/// How many more valid partial decryptions are needed, having `valid`.
pub fn more_needed(params: &Params, valid: usize) -> u32 {
    params
        .t
        .saturating_sub(u32::try_from(valid).unwrap_or(u32::MAX))
}

/// Why a member's partial decryptions were set aside (the member is named).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ShareRejection {
    /// The member is not in the qualified set.
    #[error("not a qualified member")]
    NotQualified,
    /// The member already submitted a set that was counted or rejected.
    #[error("a second submission by the same member")]
    Duplicate,
    /// Not one share per total.
    #[error("expected {expected} shares, found {found}")]
    Count {
        /// The number of totals.
        expected: u32,
        /// The number of shares.
        found: u32,
    },
    /// A share or a proof commitment is not a point.
    #[error("share {item} is not a point")]
    Point {
        /// The item.
        item: u32,
    },
    /// A Chaum-Pedersen proof does not verify.
    #[error("the proof of share {item} does not verify")]
    Proof {
        /// The first failing item.
        item: u32,
    },
}

/// The answer of [`combine`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Combined {
    /// `M_k = B_k − Σ_j λ_j·D_jk` for every total, from the first `t` valid
    /// members (`used`); any other `t` give the same points.
    Complete {
        /// `M_k = m_k·G`.
        plaintexts: Vec<RistrettoPoint>,
        /// The members whose shares were combined.
        used: Vec<u32>,
    },
    /// Too few valid submissions: the count waits.
    Waiting {
        /// Valid submissions so far.
        valid: u32,
        /// How many more are needed.
        more_needed: u32,
    },
}

/// The verdict on every submission and the combination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Combination {
    /// The members whose partial decryptions all verified, in member order.
    pub valid: Vec<u32>,
    /// The members whose submission was set aside, and why.
    pub rejected: Vec<(u32, ShareRejection)>,
    /// The combined plaintext points, or how many more members are needed.
    pub result: Combined,
}

fn check_submission(
    public: &ThresholdPublic,
    election: &[u8; 32],
    totals: &[Ciphertext],
    member: u32,
    shares: &[PartialDecryption],
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<RistrettoPoint>, ShareRejection> {
    if !public.is_qualified(member) {
        return Err(ShareRejection::NotQualified);
    }
    if shares.len() != totals.len() {
        return Err(ShareRejection::Count {
            expected: totals.len() as u32,
            found: shares.len() as u32,
        });
    }
    let key = public.verification_keys[member as usize];
    let points = shares
        .iter()
        .enumerate()
        .map(|(k, s)| {
            point(s.share.as_bytes(), "partial decryption")
                .map_err(|_| ShareRejection::Point { item: k as u32 })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // One batch per member; on failure, one item at a time to name it.
    let mut batch = BatchVerifier::with_capacity(6 * totals.len());
    for k in 0..totals.len() {
        add_share(
            &mut batch, rng, election, member, &key, totals, shares, &points, k,
        )?;
    }
    if batch.verify() {
        return Ok(points);
    }
    for k in 0..totals.len() {
        let mut one = BatchVerifier::with_capacity(6);
        add_share(
            &mut one, rng, election, member, &key, totals, shares, &points, k,
        )?;
        if !one.verify() {
            return Err(ShareRejection::Proof { item: k as u32 });
        }
    }
    // Unreachable unless the batch failed by chance (probability 2⁻¹²⁸).
    Err(ShareRejection::Proof { item: 0 })
}

#[allow(clippy::too_many_arguments)]
fn add_share(
    batch: &mut BatchVerifier,
    rng: &mut impl CryptoRngCore,
    election: &[u8; 32],
    member: u32,
    key: &PublicKey,
    totals: &[Ciphertext],
    shares: &[PartialDecryption],
    points: &[RistrettoPoint],
    k: usize,
) -> Result<(), ShareRejection> {
    let ctx = DecryptionContext {
        election,
        trustee: member,
        item: k as u32,
        key: key.as_bytes(),
    };
    shares[k]
        .proof
        .add_to_batch(
            batch,
            rng,
            &ctx,
            key.point(),
            &totals[k].a,
            &points[k],
            shares[k].share.as_bytes(),
        )
        .map_err(|_| ShareRejection::Point { item: k as u32 })
}

/// Checks every member's partial decryptions of `totals` (PROTOCOL.md
/// §10.9), names the wrong ones, and combines the first `t` valid ones by
/// Lagrange interpolation in the exponent. `submissions` are
/// `(member, shares)` in any order; a member's second submission is
/// rejected as [`ShareRejection::Duplicate`] unless the first was rejected
/// (a member may correct a wrong one).
pub fn combine(
    public: &ThresholdPublic,
    election: &[u8; 32],
    totals: &[Ciphertext],
    submissions: &[(u32, &[PartialDecryption])],
    rng: &mut impl CryptoRngCore,
) -> Combination {
    let mut valid: Vec<(u32, Vec<RistrettoPoint>)> = Vec::new();
    let mut rejected = Vec::new();
    for (member, shares) in submissions {
        if valid.iter().any(|(m, _)| m == member) {
            rejected.push((*member, ShareRejection::Duplicate));
            continue;
        }
        match check_submission(public, election, totals, *member, shares, rng) {
            Ok(points) => valid.push((*member, points)),
            Err(r) => rejected.push((*member, r)),
        }
    }
    valid.sort_by_key(|(m, _)| *m);
    let t = public.params.t as usize;
    let result = if valid.len() < t {
        Combined::Waiting {
            valid: valid.len() as u32,
            more_needed: more_needed(&public.params, valid.len()),
        }
    } else {
        let used: Vec<u32> = valid[..t].iter().map(|(m, _)| *m).collect();
        let lambdas = lagrange_at_zero(&used).expect("distinct members");
        let plaintexts = totals
            .iter()
            .enumerate()
            .map(|(k, ct)| {
                let ds: Vec<RistrettoPoint> = valid[..t].iter().map(|(_, p)| p[k]).collect();
                ct.b - RistrettoPoint::vartime_multiscalar_mul(&lambdas, &ds)
            })
            .collect();
        Combined::Complete { plaintexts, used }
    };
    Combination {
        valid: valid.into_iter().map(|(m, _)| m).collect(),
        rejected,
        result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    const H: [u8; 32] = [3; 32];

    #[test]
    fn default_threshold_is_the_smallest_majority() {
        let got: Vec<u32> = (1..=9).map(default_threshold).collect();
        assert_eq!(got, [1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert!(Params::with_default_threshold(3).is_ok());
        assert_eq!(Params::new(5, 5).map(|p| p.t()), Ok(5));
        for (n, t) in [(0, 0), (3, 0), (3, 4), (21, 1)] {
            assert_eq!(Params::new(n, t), Err(DkgError::Parameters { n, t }));
        }
    }

    #[test]
    fn lagrange_recovers_the_constant_term() {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let f: Vec<Scalar> = (0..4).map(|_| Scalar::random(&mut rng)).collect();
        let eval = |x: Scalar| f.iter().rev().fold(Scalar::ZERO, |acc, a| acc * x + a);
        for set in [[0u32, 1, 2, 3], [6, 2, 9, 4], [19, 0, 11, 5]] {
            let l = lagrange_at_zero(&set).unwrap();
            let sum: Scalar = set
                .iter()
                .zip(&l)
                .map(|(m, l)| l * eval(evaluation_point(*m)))
                .sum();
            assert_eq!(sum, f[0]);
        }
        assert_eq!(
            lagrange_at_zero(&[1, 2, 1]),
            Err(DkgError::DuplicateMember { index: 1 })
        );
    }

    fn one_dealing(n: u32, t: u32) -> (Params, Vec<TrusteeKey>, Dealing) {
        let mut rng = ChaCha20Rng::seed_from_u64(n as u64 * 31 + t as u64);
        let params = Params::new(n, t).unwrap();
        let keys: Vec<TrusteeKey> = (0..n).map(|_| TrusteeKey::generate(&mut rng)).collect();
        let publics: Vec<PublicKey> = keys.iter().map(|k| k.public()).collect();
        let d = deal(
            &params,
            &H,
            n - 1,
            &keys[n as usize - 1],
            &publics,
            &mut rng,
        )
        .unwrap();
        (params, keys, d)
    }

    #[test]
    fn dealing_encoding_round_trips_and_refuses_the_rest() {
        let (params, keys, d) = one_dealing(4, 3);
        let bytes = d.to_bytes();
        assert_eq!(bytes.len(), params.dealing_len());
        assert_eq!(bytes.len(), 12 + 32 * 3 + 64 + 32 + 64 + 32 * 4 + 64);
        assert_eq!(Dealing::from_bytes(&bytes, &params).unwrap(), d);
        assert!(d.verify(&params, &H, 3, &keys[3].public()).is_ok());
        // Signed by someone else, or claimed by another dealer.
        assert_eq!(
            d.verify(&params, &H, 3, &keys[0].public()).unwrap_err(),
            DealingFault::Signature
        );
        assert_eq!(
            d.verify(&params, &H, 2, &keys[3].public()).unwrap_err(),
            DealingFault::Header
        );
        // Another election.
        assert_eq!(
            d.verify(&params, &[4; 32], 3, &keys[3].public())
                .unwrap_err(),
            DealingFault::CoefficientProof
        );
        let other = Params::new(4, 2).unwrap();
        assert!(matches!(
            Dealing::from_bytes(&bytes, &other),
            Err(DecodeError::Format(_))
        ));
        assert!(matches!(
            Dealing::from_bytes(&bytes[..bytes.len() - 1], &params),
            Err(DecodeError::Length { found, .. }) if found == bytes.len() - 1
        ));
        assert!(matches!(
            Dealing::from_bytes(&bytes[..5], &params),
            Err(DecodeError::Length { .. })
        ));
        let mut far = bytes.clone();
        far[0] = 4;
        assert!(matches!(
            Dealing::from_bytes(&far, &params),
            Err(DecodeError::Format(_))
        ));
        // The last scalar of the signature made non-canonical.
        let mut high = bytes.clone();
        let last = high.len() - 1;
        high[last] = 0xff;
        assert!(matches!(
            Dealing::from_bytes(&high, &params),
            Err(DecodeError::Scalar { .. })
        ));
        // An invalid commitment encoding.
        let mut bad = d.clone();
        bad.commitments[1].0 = [0xff; 32];
        assert_eq!(
            bad.verify(&params, &H, 3, &keys[3].public()).unwrap_err(),
            DealingFault::Commitment { k: 1 }
        );
        let mut bad = d.clone();
        bad.ephemeral.0 = [0; 32];
        assert_eq!(
            bad.verify(&params, &H, 3, &keys[3].public()).unwrap_err(),
            DealingFault::Ephemeral
        );
        // Another point without a proof of knowledge of its secret.
        let mut bad = d.clone();
        bad.ephemeral = d.commitments[0];
        assert_eq!(
            bad.verify(&params, &H, 3, &keys[3].public()).unwrap_err(),
            DealingFault::EphemeralProof
        );
    }

    #[test]
    fn each_member_opens_only_its_own_share() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let (params, keys, d) = one_dealing(3, 2);
        let v = d.verify(&params, &H, 2, &keys[2].public()).unwrap();
        for (j, k) in keys.iter().enumerate() {
            let s = v.open(&H, j as u32, k, &mut rng).unwrap();
            assert_eq!(s.dealer(), 2);
            assert_eq!(
                &*s.value * RISTRETTO_BASEPOINT_TABLE,
                eval_commitments(v.commitments(), j as u32)
            );
        }
        // Member 0's key does not open member 1's share.
        let c = v.open(&H, 1, &keys[0], &mut rng).unwrap_err();
        assert_eq!(
            adjudicate(&params, &H, &v, &c, &keys[1].public()),
            Verdict::Rejected(ComplaintRejection::Proof)
        );
    }

    #[test]
    fn secrets_are_redacted() {
        let mut rng = ChaCha20Rng::seed_from_u64(12);
        let (params, keys, d) = one_dealing(2, 1);
        let v = d.verify(&params, &H, 1, &keys[1].public()).unwrap();
        let s = v.open(&H, 0, &keys[0], &mut rng).unwrap();
        let text = format!("{s:?}");
        assert!(text.contains("redacted"));
        assert!(!text.contains(&crate::encoding::hex(&s.value.to_bytes())));
        let q = qualify(
            &params,
            &H,
            &[keys[0].public(), keys[1].public()],
            &[None, Some(&d.to_bytes())],
            &[],
        )
        .unwrap();
        let x = q.secret_share(&H, 0, &keys[0], &mut rng).unwrap();
        let text = format!("{x:?}");
        assert!(text.contains("redacted"), "{text}");
        assert_eq!(more_needed(&params, 0), 1);
        assert_eq!(more_needed(&params, 3), 0);
    }
}
