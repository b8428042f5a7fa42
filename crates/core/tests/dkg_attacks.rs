//! Attacks on the key ceremony by a malicious committee member (issue 21,
//! PROTOCOL.md §10.12): none of them may give the attacker an honest
//! member's share, the election key's secret, or any share it did not deal.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::dkg::{self, deal, Dealing, Params};
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::transcript::Transcript;
use tinnhiem_core::trustee::TrusteeKey;

const H: [u8; 32] = [9; 32];

/// The pad of §10.4, written from the spec (the attacker's own code).
fn pad(
    dealer: u32,
    recipient: u32,
    key: &PublicKey,
    ephemeral: &[u8; 32],
    secret: &[u8; 32],
) -> [u8; 32] {
    let mut t = Transcript::new("tinnhiem/v1/dkg-share-pad");
    t.append("election", &H);
    t.append_u32("dealer", dealer);
    t.append_u32("recipient", recipient);
    t.append("key", key.as_bytes());
    t.append("ephemeral", ephemeral);
    t.append("secret", secret);
    let d = t.digest();
    let mut out = [0u8; 32];
    out.copy_from_slice(&d[..32]);
    out
}

fn xor(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    core::array::from_fn(|i| a[i] ^ b[i])
}

/// `Σ_k u^k·A_k` at member `j`'s point.
fn expected(commitments: &[RistrettoPoint], j: u32) -> RistrettoPoint {
    let u = dkg::evaluation_point(j);
    let mut p = Scalar::ONE;
    let powers: Vec<Scalar> = commitments
        .iter()
        .map(|_| {
            let q = p;
            p *= u;
            q
        })
        .collect();
    RistrettoPoint::vartime_multiscalar_mul(&powers, commitments)
}

fn resign(d: &mut Dealing, key: &TrusteeKey, rng: &mut ChaCha20Rng) {
    let bytes = d.to_bytes();
    let mut message = H.to_vec();
    message.extend_from_slice(&bytes[..bytes.len() - 64]);
    d.signature = key.sign(dkg::DEALING_CONTEXT, &message, rng);
}

/// A proof of knowledge of `r` as dealer `dealer` would make it (§10.3).
fn ephemeral_proof(
    r: Scalar,
    dealer: u32,
    rng: &mut ChaCha20Rng,
) -> tinnhiem_core::schnorr::Signature {
    tinnhiem_core::schnorr::SecretKey::from_scalar(r).sign(
        dkg::EPHEMERAL_PROOF_CONTEXT,
        &tinnhiem_core::trustee::key_proof_message(&H, dealer),
        rng,
    )
}

/// The attack of issue 21: the last dealer publishes as its ephemeral key
/// `E_j + r·G` (`E_j` from honest member `j`'s dealing) and garbage shares,
/// so that `j`'s complaint `K = p_j·(E_j + r·G)` would give
/// `K − r·P_j = p_j·E_j`, the pad of `j`'s share to itself. The dealing must
/// be refused (its ephemeral key comes without a proof of knowledge), and
/// even a dealing whose proof verifies must not let a complaint open an
/// honest share.
#[test]
fn a_complaint_does_not_open_an_honest_share() {
    let mut rng = ChaCha20Rng::seed_from_u64(21);
    let params = Params::new(3, 2).unwrap();
    let keys: Vec<TrusteeKey> = (0..3).map(|_| TrusteeKey::generate(&mut rng)).collect();
    let pks: Vec<PublicKey> = keys.iter().map(|k| k.public()).collect();
    let honest: Vec<Dealing> = (0..2)
        .map(|i| deal(&params, &H, i, &keys[i as usize], &pks, &mut rng).unwrap())
        .collect();
    for j in 0..2u32 {
        let ju = j as usize;
        let offset = Scalar::from(1000u32 + rng.next_u32());
        let e_j = honest[ju].ephemeral.decompress().unwrap();
        // Three ways to attach a proof to the shifted key: the victim's own
        // (bound to the victim as dealer), one made with the offset alone,
        // and the attacker's own proof of its honest ephemeral.
        let mine = deal(&params, &H, 2, &keys[2], &pks, &mut rng).unwrap();
        let by_offset = ephemeral_proof(offset, 2, &mut rng);
        for proof in [honest[ju].ephemeral_proof, by_offset, mine.ephemeral_proof] {
            let mut evil = mine.clone();
            evil.ephemeral = (e_j + &offset * RISTRETTO_BASEPOINT_TABLE).compress();
            evil.ephemeral_proof = proof;
            evil.shares[ju].ciphertext = [0x55; 32];
            resign(&mut evil, &keys[2], &mut rng);
            match evil.verify(&params, &H, 2, &pks[2]) {
                Err(fault) => assert_eq!(fault, dkg::DealingFault::EphemeralProof),
                Ok(verified) => {
                    // Had it been taken, the victim's complaint would be
                    // the attacker's key to the victim's own share.
                    let complaint = verified
                        .open(&H, j, &keys[ju], &mut rng)
                        .expect_err("the share is garbage: the honest member complains");
                    let k = complaint.secret.decompress().unwrap() - offset * pks[ju].point();
                    let p = pad(
                        j,
                        j,
                        &pks[ju],
                        honest[ju].ephemeral.as_bytes(),
                        &k.compress().to_bytes(),
                    );
                    let opened = Option::<Scalar>::from(Scalar::from_canonical_bytes(xor(
                        &honest[ju].shares[ju].ciphertext,
                        &p,
                    )));
                    let commitments: Vec<RistrettoPoint> = honest[ju]
                        .commitments
                        .iter()
                        .map(|c| c.decompress().unwrap())
                        .collect();
                    assert!(
                        opened.is_none_or(
                            |s| &s * RISTRETTO_BASEPOINT_TABLE != expected(&commitments, j)
                        ),
                        "member {j}'s complaint opened its own share"
                    );
                }
            }
        }
    }
}

/// What an upheld complaint publishes, `K = p_j·E`, the dealer computes
/// itself from its ephemeral secret: `K = r·P_j`. So a dealer that deals a
/// bad share on purpose learns nothing from the complaint it draws.
#[test]
fn a_complaint_reveals_only_what_the_dealer_knew() {
    let mut rng = ChaCha20Rng::seed_from_u64(22);
    let params = Params::new(3, 2).unwrap();
    let keys: Vec<TrusteeKey> = (0..3).map(|_| TrusteeKey::generate(&mut rng)).collect();
    let pks: Vec<PublicKey> = keys.iter().map(|k| k.public()).collect();
    let mut d = deal(&params, &H, 2, &keys[2], &pks, &mut rng).unwrap();
    // The attacker's own ephemeral secret, proven as the rules require.
    let r = Scalar::from(424242u32);
    d.ephemeral = (&r * RISTRETTO_BASEPOINT_TABLE).compress();
    d.ephemeral_proof = ephemeral_proof(r, 2, &mut rng);
    d.shares[0].ciphertext = [0x33; 32];
    resign(&mut d, &keys[2], &mut rng);
    let v = d
        .verify(&params, &H, 2, &pks[2])
        .expect("a well-formed dealing");
    let complaint = v.open(&H, 0, &keys[0], &mut rng).expect_err("a bad share");
    assert_eq!(complaint.secret, (r * pks[0].point()).compress());
}
