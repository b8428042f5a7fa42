//! The threshold ceremony of `dkg.rs` end to end (PROTOCOL.md §10): every
//! t-subset of members decrypts, t − 1 cannot, a bad dealer is disqualified
//! through an adjudicated complaint, a false complaint is rejected and a bad
//! partial decryption is named and replaced.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::dkg::{
    self, combine, deal, interpolate, qualify, Combined, Complaint, ComplaintRejection, Dealing,
    DealingFault, DkgError, Params, ShareRejection, ThresholdKey, ThresholdPublic, Verdict,
};
use tinnhiem_core::elgamal::{small_dlog, Ciphertext};
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::trustee::{PartialDecryption, TrusteeKey};

const H: [u8; 32] = [7; 32];

struct Committee {
    params: Params,
    keys: Vec<TrusteeKey>,
    public_keys: Vec<PublicKey>,
    dealings: Vec<Vec<u8>>,
}

fn committee(n: u32, t: u32, rng: &mut ChaCha20Rng) -> Committee {
    let params = Params::new(n, t).unwrap();
    let keys: Vec<TrusteeKey> = (0..n).map(|_| TrusteeKey::generate(rng)).collect();
    let public_keys: Vec<PublicKey> = keys.iter().map(|k| k.public()).collect();
    let dealings = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            deal(&params, &H, i as u32, k, &public_keys, rng)
                .unwrap()
                .to_bytes()
        })
        .collect();
    Committee {
        params,
        keys,
        public_keys,
        dealings,
    }
}

impl Committee {
    /// Every member opens every publicly valid dealing; the complaints of
    /// the members who got a bad share.
    fn complaints(&self, rng: &mut ChaCha20Rng) -> Vec<Complaint> {
        let mut out = Vec::new();
        for (i, bytes) in self.dealings.iter().enumerate() {
            let Ok(d) = Dealing::from_bytes(bytes, &self.params) else {
                continue;
            };
            let Ok(v) = d.verify(&self.params, &H, i as u32, &self.public_keys[i]) else {
                continue;
            };
            for (j, k) in self.keys.iter().enumerate() {
                if let Err(c) = v.open(&H, j as u32, k, rng) {
                    out.push(*c);
                }
            }
        }
        out
    }

    fn qualify(&self, complaints: &[Complaint]) -> dkg::Qualification {
        let slices: Vec<Option<&[u8]>> = self.dealings.iter().map(|d| Some(&d[..])).collect();
        qualify(&self.params, &H, &self.public_keys, &slices, complaints).unwrap()
    }

    /// The re-signed dealing of `dealer` with its share to `victim` changed.
    fn corrupt_share(&mut self, dealer: u32, victim: u32, rng: &mut ChaCha20Rng) {
        let mut d = Dealing::from_bytes(&self.dealings[dealer as usize], &self.params).unwrap();
        d.shares[victim as usize].ciphertext[0] ^= 1;
        let bytes = d.to_bytes();
        let mut message = H.to_vec();
        message.extend_from_slice(&bytes[..bytes.len() - 64]);
        d.signature = self.keys[dealer as usize].sign(dkg::DEALING_CONTEXT, &message, rng);
        self.dealings[dealer as usize] = d.to_bytes();
    }
}

/// Totals: sums of several 0/1 encryptions, with their plaintexts.
fn totals(
    key: &RistrettoPoint,
    votes: &[Vec<bool>],
    rng: &mut ChaCha20Rng,
) -> (Vec<Ciphertext>, Vec<u64>) {
    votes
        .iter()
        .map(|column| {
            column
                .iter()
                .fold((Ciphertext::zero(), 0u64), |(ct, m), v| {
                    let (c, _r) = Ciphertext::encrypt(key, u64::from(*v), rng);
                    (ct.add(&c), m + u64::from(*v))
                })
        })
        .unzip()
}

fn subsets(items: &[u32], k: usize) -> Vec<Vec<u32>> {
    if k == 0 {
        return vec![vec![]];
    }
    if items.len() < k {
        return vec![];
    }
    let mut with: Vec<Vec<u32>> = subsets(&items[1..], k - 1)
        .into_iter()
        .map(|mut s| {
            s.insert(0, items[0]);
            s
        })
        .collect();
    with.extend(subsets(&items[1..], k));
    with
}

/// Every member's secret share, checked against its verification key.
fn shares(
    c: &Committee,
    q: &dkg::Qualification,
    public: &ThresholdPublic,
    rng: &mut ChaCha20Rng,
) -> Vec<Option<ThresholdKey>> {
    (0..c.params.n())
        .map(|j| {
            if !public.is_qualified(j) {
                return None;
            }
            let x = q.secret_share(&H, j, &c.keys[j as usize], rng).unwrap();
            assert_eq!(Some(&x.public()), public.verification_key(j));
            Some(x)
        })
        .collect()
}

/// For every t-subset of the qualified members: `combine` gives the
/// plaintexts; for every (t−1)-subset it waits for one more, and the
/// unchecked interpolation is not the plaintext.
fn check_subsets(
    public: &ThresholdPublic,
    keys: &[Option<ThresholdKey>],
    cts: &[Ciphertext],
    plain: &[u64],
    rng: &mut ChaCha20Rng,
) {
    let t = public.params().t() as usize;
    let partials: Vec<Option<Vec<PartialDecryption>>> = keys
        .iter()
        .map(|k| k.as_ref().map(|k| k.partial_decrypt(&H, cts, rng)))
        .collect();
    let q = public.qualified().to_vec();
    let max = plain.iter().copied().max().unwrap_or(0);
    for set in subsets(&q, t) {
        let subs: Vec<(u32, &[PartialDecryption])> = set
            .iter()
            .map(|m| (*m, partials[*m as usize].as_deref().unwrap()))
            .collect();
        let c = combine(public, &H, cts, &subs, rng);
        assert!(c.rejected.is_empty(), "{:?}", c.rejected);
        let Combined::Complete { plaintexts, used } = c.result else {
            panic!("subset {set:?} of t = {t} did not complete");
        };
        assert_eq!(used, set);
        let counts: Vec<u64> = plaintexts
            .iter()
            .map(|p| small_dlog(p, max).expect("a count in range"))
            .collect();
        assert_eq!(counts, plain, "subset {set:?}");
    }
    for set in subsets(&q, t - 1) {
        let subs: Vec<(u32, &[PartialDecryption])> = set
            .iter()
            .map(|m| (*m, partials[*m as usize].as_deref().unwrap()))
            .collect();
        let c = combine(public, &H, cts, &subs, rng);
        assert_eq!(
            c.result,
            Combined::Waiting {
                valid: (t - 1) as u32,
                more_needed: 1
            }
        );
        // The unchecked combination of t − 1 shares misses the plaintext.
        for (k, ct) in cts.iter().enumerate() {
            let ds: Vec<RistrettoPoint> = set
                .iter()
                .map(|m| {
                    partials[*m as usize].as_ref().unwrap()[k]
                        .share
                        .decompress()
                        .unwrap()
                })
                .collect();
            let m = ct.b - interpolate(&set, &ds).unwrap();
            assert_ne!(
                m,
                &Scalar::from(plain[k]) * RISTRETTO_BASEPOINT_TABLE,
                "t − 1 = {} decrypted",
                t - 1
            );
        }
    }
}

/// One to two totals of one to five ballots each. (A total of no ballots is
/// the trivial `(0, 0)`, which anyone "decrypts" without any share.)
fn votes_strategy() -> impl Strategy<Value = Vec<Vec<bool>>> {
    prop::collection::vec(prop::collection::vec(any::<bool>(), 1..6), 1..3)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Random n ≤ 7 and t ≤ n: every t-subset decrypts to the plaintext
    /// totals, every (t−1)-subset cannot.
    #[test]
    fn every_t_subset_decrypts(
        (n, t) in (1u32..=7).prop_flat_map(|n| (Just(n), 1..=n)),
        seed in any::<u64>(),
        votes in votes_strategy(),
    ) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let c = committee(n, t, &mut rng);
        let complaints = c.complaints(&mut rng);
        prop_assert!(complaints.is_empty());
        let q = c.qualify(&complaints);
        prop_assert!(q.disqualified.is_empty());
        let public = q.public().unwrap();
        prop_assert_eq!(public.qualified().len() as u32, n);
        let keys = shares(&c, &q, &public, &mut rng);
        let (cts, plain) = totals(public.election_key().point(), &votes, &mut rng);
        check_subsets(&public, &keys, &cts, &plain, &mut rng);
    }

    /// A dealer who deals one bad share is disqualified by the victim's
    /// complaint; a false complaint against another dealer is rejected; the
    /// election completes with the others when at least t remain, and
    /// stops with `TooFewQualified` otherwise.
    #[test]
    fn bad_dealer_is_disqualified(
        (n, t) in (2u32..=7).prop_flat_map(|n| (Just(n), 1..=n)),
        seed in any::<u64>(),
        picks in (any::<u32>(), any::<u32>(), any::<u32>()),
        votes in votes_strategy(),
    ) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut c = committee(n, t, &mut rng);
        let bad = picks.0 % n;
        let victim = picks.1 % n;
        c.corrupt_share(bad, victim, &mut rng);
        let mut complaints = c.complaints(&mut rng);
        prop_assert_eq!(complaints.len(), 1);
        prop_assert_eq!((complaints[0].dealer, complaints[0].complainer), (bad, victim));
        // A false complaint by some member against a good dealer.
        let good = (bad + 1 + picks.2 % (n - 1)) % n;
        let liar = picks.2 % n;
        let honest = Dealing::from_bytes(&c.dealings[good as usize], &c.params)
            .unwrap()
            .verify(&c.params, &H, good, &c.public_keys[good as usize])
            .unwrap();
        complaints.push(honest.complain(&H, liar, &c.keys[liar as usize], &mut rng));
        let q = c.qualify(&complaints);
        prop_assert_eq!(&q.verdicts, &vec![Verdict::DealerAtFault, Verdict::Rejected(ComplaintRejection::ShareValid)]);
        prop_assert_eq!(&q.disqualified, &vec![(bad, DealingFault::Complaint { by: victim })]);
        let expected: Vec<u32> = (0..n).filter(|i| *i != bad).collect();
        prop_assert_eq!(q.qualified(), expected);
        if n - 1 < t {
            prop_assert_eq!(q.public(), Err(DkgError::TooFewQualified { qualified: n - 1, needed: t }));
            return Ok(());
        }
        let public = q.public().unwrap();
        let keys = shares(&c, &q, &public, &mut rng);
        let (cts, plain) = totals(public.election_key().point(), &votes, &mut rng);
        check_subsets(&public, &keys, &cts, &plain, &mut rng);
    }
}

#[test]
fn bad_partial_decryption_is_named_and_replaced() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let c = committee(5, 3, &mut rng);
    let q = c.qualify(&[]);
    let public = q.public().unwrap();
    let keys = shares(&c, &q, &public, &mut rng);
    let votes = vec![vec![true, true, false], vec![true; 4]];
    let (cts, plain) = totals(public.election_key().point(), &votes, &mut rng);
    let p: Vec<Vec<PartialDecryption>> = keys
        .iter()
        .map(|k| k.as_ref().unwrap().partial_decrypt(&H, &cts, &mut rng))
        .collect();
    // Member 1 publishes D + G for item 1: its proof fails.
    let mut wrong = p[1].clone();
    let d = wrong[1].share.decompress().unwrap();
    wrong[1].share = (d + RistrettoPoint::mul_base(&Scalar::ONE)).compress();
    let c1 = combine(
        &public,
        &H,
        &cts,
        &[(0, &p[0]), (1, &wrong), (2, &p[2])],
        &mut rng,
    );
    assert_eq!(c1.rejected, vec![(1, ShareRejection::Proof { item: 1 })]);
    assert_eq!(c1.valid, vec![0, 2]);
    assert_eq!(
        c1.result,
        Combined::Waiting {
            valid: 2,
            more_needed: 1
        }
    );
    // Another member replaces it.
    let c2 = combine(
        &public,
        &H,
        &cts,
        &[(0, &p[0]), (1, &wrong), (2, &p[2]), (4, &p[4])],
        &mut rng,
    );
    let Combined::Complete { plaintexts, used } = c2.result else {
        panic!("not complete");
    };
    assert_eq!(used, vec![0, 2, 4]);
    let counts: Vec<u64> = plaintexts
        .iter()
        .map(|m| small_dlog(m, 10).unwrap())
        .collect();
    assert_eq!(counts, plain);
    // Or member 1 corrects its own.
    let c3 = combine(
        &public,
        &H,
        &cts,
        &[(0, &p[0]), (1, &wrong), (1, &p[1])],
        &mut rng,
    );
    assert_eq!(c3.valid, vec![0, 1]);
    // Shares under another member's index, and a second valid submission,
    // are refused.
    let c4 = combine(
        &public,
        &H,
        &cts,
        &[(3, &p[2]), (0, &p[0]), (0, &p[0])],
        &mut rng,
    );
    assert_eq!(
        c4.rejected,
        vec![
            (3, ShareRejection::Proof { item: 0 }),
            (0, ShareRejection::Duplicate)
        ]
    );
    // Too few shares for the totals.
    let c5 = combine(&public, &H, &cts, &[(0, &p[0][..1])], &mut rng);
    assert_eq!(
        c5.rejected,
        vec![(
            0,
            ShareRejection::Count {
                expected: 2,
                found: 1
            }
        )]
    );
}

#[test]
fn disqualified_member_cannot_decrypt() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mut c = committee(4, 2, &mut rng);
    c.corrupt_share(3, 0, &mut rng);
    let complaints = c.complaints(&mut rng);
    let q = c.qualify(&complaints);
    let public = q.public().unwrap();
    assert_eq!(public.qualified(), &[0, 1, 2]);
    // Member 3 still gets its share from the qualified dealers, but its
    // partial decryptions are not counted.
    let x3 = q.secret_share(&H, 3, &c.keys[3], &mut rng).unwrap();
    assert_eq!(Some(&x3.public()), public.verification_key(3));
    let (cts, _) = totals(public.election_key().point(), &[vec![true]], &mut rng);
    let p3 = x3.partial_decrypt(&H, &cts, &mut rng);
    let r = combine(&public, &H, &cts, &[(3, &p3)], &mut rng);
    assert_eq!(r.rejected, vec![(3, ShareRejection::NotQualified)]);
    // Member 0, who did not get a good share from 3, no longer needs it.
    assert!(q.secret_share(&H, 0, &c.keys[0], &mut rng).is_ok());
}

#[test]
fn member_without_complaint_cannot_build_its_share() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let mut c = committee(3, 2, &mut rng);
    c.corrupt_share(2, 1, &mut rng);
    // Member 1 stays silent: dealer 2 stays qualified and member 1's share
    // cannot be built (it would not match Y_1).
    let q = c.qualify(&[]);
    assert!(q.disqualified.is_empty());
    assert_eq!(
        q.secret_share(&H, 1, &c.keys[1], &mut rng).unwrap_err(),
        DkgError::BadShare { dealer: 2 }
    );
}

#[test]
fn forged_complaints_are_rejected() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let c = committee(3, 2, &mut rng);
    let d = Dealing::from_bytes(&c.dealings[0], &c.params)
        .unwrap()
        .verify(&c.params, &H, 0, &c.public_keys[0])
        .unwrap();
    let honest = d.complain(&H, 1, &c.keys[1], &mut rng);
    // Another member's key cannot complain in member 1's name.
    let mut other = d.complain(&H, 2, &c.keys[2], &mut rng);
    other.complainer = 1;
    // A made-up secret with member 1's proof.
    let mut made_up = honest;
    made_up.secret = RistrettoPoint::mul_base(&Scalar::from(5u8)).compress();
    // An invalid point.
    let mut junk = honest;
    junk.t1.0 = [0xff; 32];
    let q = c.qualify(&[other, made_up, junk, honest]);
    assert_eq!(
        q.verdicts,
        vec![
            Verdict::Rejected(ComplaintRejection::Proof),
            Verdict::Rejected(ComplaintRejection::Proof),
            Verdict::Rejected(ComplaintRejection::Malformed),
            Verdict::Rejected(ComplaintRejection::ShareValid),
        ]
    );
    assert!(q.disqualified.is_empty());
    // Out of range members.
    let mut far = honest;
    far.complainer = 3;
    let q = c.qualify(&[far]);
    assert_eq!(
        q.verdicts,
        vec![Verdict::Rejected(ComplaintRejection::NotAMember)]
    );
    // Round trip of the encoding.
    assert_eq!(Complaint::from_bytes(&honest.to_bytes()).unwrap(), honest);
}

#[test]
fn absent_or_broken_dealings_disqualify() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let c = committee(5, 3, &mut rng);
    let mut bad_sig = c.dealings[1].clone();
    bad_sig[20] ^= 1; // in A_0 (or its encoding): not signed any more
    let mut short = c.dealings[2].clone();
    short.pop();
    // Dealer 3's dealing published as dealer 4's.
    let swapped = c.dealings[3].clone();
    let dealings: Vec<Option<&[u8]>> = vec![
        None,
        Some(&bad_sig),
        Some(&short),
        Some(&c.dealings[3]),
        Some(&swapped),
    ];
    let q = qualify(&c.params, &H, &c.public_keys, &dealings, &[]).unwrap();
    let faults: Vec<u32> = q.disqualified.iter().map(|(i, _)| *i).collect();
    assert_eq!(faults, vec![0, 1, 2, 4]);
    assert_eq!(q.disqualified[0].1, DealingFault::Missing);
    assert!(matches!(
        q.disqualified[1].1,
        DealingFault::Commitment { k: 0 }
            | DealingFault::CoefficientProof
            | DealingFault::Signature
    ));
    assert!(matches!(q.disqualified[2].1, DealingFault::Malformed(_)));
    assert_eq!(q.disqualified[3].1, DealingFault::Header);
    assert_eq!(
        q.public(),
        Err(DkgError::TooFewQualified {
            qualified: 1,
            needed: 3
        })
    );
}
