//! The threshold ceremony in the log (PROTOCOL.md §4.4, §6.3, §10): a t-of-n
//! committee deals, complains, acknowledges, and any `t` qualified members
//! decrypt. Every log is verified line by line and by the batch path on one
//! and two threads, which must agree.
//!
//! `tests/vectors/threshold.jsonl` is a whole 2-of-3 log with one complaint,
//! made from a fixed seed; to change it on purpose, run
//! `TINNHIEM_REGENERATE_VECTORS=1 cargo test -p tinnhiem-tally --test threshold`.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::{Choice, Level};
use tinnhiem_core::dkg::{Dealing, Params};
use tinnhiem_core::log::{
    entry_hash, parse_line, Candidate, ComplaintBody, DealingBody, Entry, Hex, HexBytes, Payload,
    ResultBody,
};
use tinnhiem_tally::sim::{Meeting, Setup, Threshold};
use tinnhiem_tally::{ElectionResult, Phase, Reason, VerifyError};

use common::{committed_vector, failure, verify};

fn setup(candidates: usize, trustees: usize, summoned: u32) -> Setup {
    Setup {
        id: Some("nguong-2-tren-3".into()),
        title: "Lấy phiếu tín nhiệm, ban kiểm phiếu t trên n".into(),
        unit: "Sở Tư pháp".into(),
        date: "2024-05-02".into(),
        candidates: (0..candidates)
            .map(|j| Candidate {
                name: format!("Ứng viên {j}"),
                position: format!("Phó Giám đốc {j}"),
                person: None,
            })
            .collect(),
        summoned,
        trustees: (0..trustees).map(|i| format!("Thành viên {i}")).collect(),
    }
}

/// Seals `payload` as the line after `lines` with the meeting's server key
/// (as a compromised or careless server could), and returns the new log.
fn seal_after(m: &Meeting, lines: &[Vec<u8>], payload: Payload, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let prev = lines.last().map_or([0; 32], |l| entry_hash(l));
    let (_, line) = Entry::seal(lines.len() as u64, prev, payload, &m.server, &mut rng);
    let mut out = lines.to_vec();
    out.push(line);
    out
}

fn kind_of(line: &[u8]) -> &'static str {
    parse_line(line).expect("a line").payload.kind()
}

fn position(m: &Meeting, kind: &str) -> usize {
    m.lines
        .iter()
        .position(|l| kind_of(l) == kind)
        .expect("kind present")
}

/// A meeting with voting done: each voter's marks, plaintext counts.
struct Voted {
    m: Meeting,
    counts: Vec<[u64; 3]>,
    rng: ChaCha20Rng,
}

fn vote(
    trustees: usize,
    threshold: Threshold,
    marks: &[Vec<Choice>],
    candidates: usize,
    seed: u64,
) -> Voted {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let voters = marks.len() as u32;
    let mut m = Meeting::create_threshold(
        setup(candidates, trustees, voters.max(1)),
        threshold,
        &mut rng,
    )
    .expect("ceremony");
    m.record_quorum(voters.max(1), &mut rng).unwrap();
    let creds = m.issue_credentials(marks.len(), &mut rng).unwrap();
    m.open(&mut rng).unwrap();
    let mut counts = vec![[0u64; 3]; candidates];
    for (cred, choices) in creds.iter().zip(marks) {
        let b = m.fill(cred, choices, None, &mut rng);
        m.submit(b, &mut rng).unwrap();
        for (j, c) in choices.iter().enumerate() {
            if let Some(level) = c {
                let option = match level {
                    Level::High => 0,
                    Level::Confidence => 1,
                    Level::Low => 2,
                };
                counts[j][option] += 1;
            }
        }
    }
    m.close(&mut rng).unwrap();
    Voted { m, counts, rng }
}

fn counts_of(r: &ElectionResult) -> Vec<[u64; 3]> {
    r.candidates
        .iter()
        .map(|c| [c.high.count, c.confidence.count, c.low.count])
        .collect()
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        Just(None),
        Just(Some(Level::High)),
        Just(Some(Level::Confidence)),
        Just(Some(Level::Low)),
    ]
}

/// `n`, `t`, a bad dealer or not, the decrypting members (at least `t` of
/// the qualified ones, in random order) and the marks.
#[derive(Debug, Clone)]
struct Plan {
    n: u32,
    t: u32,
    bad_dealer: Option<u32>,
    order: Vec<prop::sample::Index>,
    extra: usize,
    marks: Vec<Vec<Choice>>,
    seed: u64,
}

fn plan() -> impl Strategy<Value = Plan> {
    (1u32..=5)
        .prop_flat_map(|n| (Just(n), n / 2 + 1..=n))
        .prop_flat_map(|(n, t)| {
            // A bad dealer only when t members remain qualified.
            let bad = if n > t {
                prop::option::of(0..n).boxed()
            } else {
                Just(None).boxed()
            };
            (
                Just(n),
                Just(t),
                bad,
                prop::collection::vec(any::<prop::sample::Index>(), 5),
                0usize..=5,
                prop::collection::vec(prop::collection::vec(choice(), 2), 0..4),
                any::<u64>(),
            )
        })
        .prop_map(|(n, t, bad_dealer, order, extra, marks, seed)| Plan {
            n,
            t,
            bad_dealer,
            order,
            extra,
            marks,
            seed,
        })
}

/// The qualified members in a random order, `t + extra` of them (at most
/// all).
fn decrypting(plan: &Plan, qualified: &[u32]) -> Vec<u32> {
    let mut pool = qualified.to_vec();
    let mut out = Vec::new();
    let k = (plan.t as usize + plan.extra).min(pool.len());
    for i in 0..k {
        out.push(pool.remove(plan.order[i].index(pool.len())));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any `n ≤ 5`, `t ≤ n`, perhaps a dealer disqualified by a complaint,
    /// and any `t` or more qualified members decrypting: the log verifies
    /// and the result is the marks.
    #[test]
    fn any_t_qualified_members_decrypt_to_the_marks(plan in plan()) {
        let threshold = Threshold { t: plan.t, bad_dealer: plan.bad_dealer };
        let mut v = vote(plan.n as usize, threshold, &plan.marks, 2, plan.seed);
        let public = v.m.tally.threshold_public().expect("threshold").clone();
        let complaints = v.m.lines.iter().filter(|l| kind_of(l) == "complaint").count();
        match plan.bad_dealer {
            Some(bad) => {
                prop_assert_eq!(complaints, 1);
                prop_assert!(!public.is_qualified(bad));
                prop_assert_eq!(public.qualified().len() as u32, plan.n - 1);
            }
            None => {
                prop_assert_eq!(complaints, 0);
                prop_assert_eq!(public.qualified().len() as u32, plan.n);
            }
        }
        let members = decrypting(&plan, public.qualified());
        v.m.decrypt_by(&members, &mut v.rng).expect("decrypts");
        let (r, exclusions) = verify(&v.m.lines).expect("verifies");
        prop_assert!(exclusions.is_empty());
        prop_assert_eq!(counts_of(&r), v.counts);
        prop_assert_eq!(r.returned, plan.marks.len() as u64);
    }

    /// Any changed byte of any share of a qualified member's partial
    /// decryption fails at that line, naming the member and the item.
    #[test]
    fn a_changed_partial_decryption_is_named_at_its_line(
        plan in plan(),
        item in any::<prop::sample::Index>(),
        byte in 0usize..128,
        flip in 1u8..=255,
    ) {
        let threshold = Threshold { t: plan.t, bad_dealer: plan.bad_dealer };
        let mut v = vote(plan.n as usize, threshold, &plan.marks, 2, plan.seed);
        let qualified = v.m.tally.threshold_public().unwrap().qualified().to_vec();
        let member = decrypting(&plan, &qualified)[0];
        let mut body = v.m.partial_decryption(member, &mut v.rng);
        let k = item.index(body.shares.len());
        body.shares[k].0[byte] ^= flip;
        let seq = v.m.lines.len() as u64;
        v.m.force(Payload::Decryption(body), &mut v.rng);
        let e = failure(&v.m.lines);
        prop_assert_eq!(
            e,
            VerifyError { seq, reason: Reason::Decryption { trustee: member, item: k as u32 } }
        );
    }

    /// With fewer than `t` partial decryptions no result can be published:
    /// the committee cannot compute it, and a result line (even with the
    /// right counts) fails as `ResultTooEarly`.
    #[test]
    fn fewer_than_t_decryptions_publish_no_result(plan in plan()) {
        prop_assume!(plan.t >= 2);
        let threshold = Threshold { t: plan.t, bad_dealer: plan.bad_dealer };
        let mut v = vote(plan.n as usize, threshold, &plan.marks, 2, plan.seed);
        let qualified = v.m.tally.threshold_public().unwrap().qualified().to_vec();
        let mut members = decrypting(&plan, &qualified);
        members.truncate(plan.t as usize - 1);
        for &j in &members {
            let body = v.m.partial_decryption(j, &mut v.rng);
            v.m.append(Payload::Decryption(body), &mut v.rng).unwrap();
        }
        prop_assert_eq!(v.m.tally.decrypted_counts(), Err(Reason::ResultTooEarly));
        let seq = v.m.lines.len() as u64;
        let signer = v.m.signer();
        let mut body = ResultBody { counts: v.counts.clone(), signer, signature: Hex([0; 64]) };
        body.signature = v.m.sign_statement(signer, &Payload::Result(body.clone()), &mut v.rng);
        v.m.force(Payload::Result(body), &mut v.rng);
        let e = failure(&v.m.lines);
        prop_assert_eq!(e, VerifyError { seq, reason: Reason::ResultTooEarly });
    }
}

// ------------------------------------------------------------ failures

/// A 2-of-3 meeting with member 1 a bad dealer, voting closed.
fn closed_2_of_3(seed: u64) -> Voted {
    let marks = vec![
        vec![Some(Level::High), Some(Level::Low)],
        vec![None, Some(Level::Confidence)],
        vec![Some(Level::High), Some(Level::High)],
    ];
    vote(
        3,
        Threshold {
            t: 2,
            bad_dealer: Some(1),
        },
        &marks,
        2,
        seed,
    )
}

#[test]
fn a_bad_partial_decryption_is_named_at_its_line() {
    let mut v = closed_2_of_3(7);
    let mut body = v.m.partial_decryption(2, &mut v.rng);
    // Item 4's proof response (the last 32 bytes of the 128).
    body.shares[4].0[127] ^= 0x01;
    body.shares[4].0[100] ^= 0x10;
    let seq = v.m.lines.len() as u64;
    v.m.force(Payload::Decryption(body), &mut v.rng);
    assert_eq!(
        failure(&v.m.lines),
        VerifyError {
            seq,
            reason: Reason::Decryption {
                trustee: 2,
                item: 4
            }
        }
    );
}

#[test]
fn a_disqualified_dealer_may_not_decrypt_and_the_others_complete() {
    let mut v = closed_2_of_3(8);
    let public = v.m.tally.threshold_public().unwrap().clone();
    assert_eq!(public.qualified(), [0, 2]);
    // Member 1 rebuilt a share (its own dealers were honest) but was
    // disqualified as a dealer.
    let body = v.m.partial_decryption(1, &mut v.rng);
    let mut lines = v.m.lines.clone();
    lines = seal_after(&v.m, &lines, Payload::Decryption(body), 1);
    let e = failure(&lines);
    assert_eq!(e.seq as usize, lines.len() - 1);
    assert_eq!(e.reason, Reason::NotQualified(1));
    // The two qualified members complete the count.
    v.m.decrypt(&mut v.rng).unwrap();
    let (r, _) = verify(&v.m.lines).unwrap();
    assert_eq!(counts_of(&r), v.counts);
}

#[test]
fn the_result_is_the_same_whichever_t_members_decrypt() {
    let mut results = Vec::new();
    for members in [[0u32, 1], [0, 2], [1, 2], [2, 0]] {
        let marks = vec![
            vec![Some(Level::Low)],
            vec![Some(Level::High)],
            vec![Some(Level::Low)],
        ];
        let mut v = vote(
            3,
            Threshold {
                t: 2,
                bad_dealer: None,
            },
            &marks,
            1,
            11,
        );
        v.m.decrypt_by(&members, &mut v.rng).unwrap();
        let (r, _) = verify(&v.m.lines).unwrap();
        assert_eq!(counts_of(&r), [[1, 0, 2]]);
        results.push(counts_of(&r));
    }
    results.dedup();
    assert_eq!(results.len(), 1);
}

/// The meeting's lines up to and including the last dealing.
fn through_dealings(m: &Meeting) -> Vec<Vec<u8>> {
    let last = m
        .lines
        .iter()
        .rposition(|l| kind_of(l) == "dealing")
        .unwrap();
    m.lines[..=last].to_vec()
}

#[test]
fn a_false_complaint_fails_at_its_line() {
    let mut rng = ChaCha20Rng::seed_from_u64(21);
    let m = Meeting::create_threshold(
        setup(1, 3, 5),
        Threshold {
            t: 2,
            bad_dealer: None,
        },
        &mut rng,
    )
    .unwrap();
    let hash = m.tally.election_hash().unwrap();
    let params = Params::new(3, 2).unwrap();
    let prefix = through_dealings(&m);
    let dealing_line = m.lines.iter().find(|l| kind_of(l) == "dealing").unwrap();
    let Payload::Dealing(d) = parse_line(dealing_line).unwrap().payload else {
        unreachable!()
    };
    let dealing = Dealing::from_bytes(&d.dealing.0, &params).unwrap();
    let key = m.tally.trustee_keys()[dealing.dealer as usize].unwrap();
    let verified = dealing
        .verify(&params, &hash, dealing.dealer, &key)
        .unwrap();
    let c = verified.complain(&hash, 2, &m.trustees[2], &mut rng);
    let lines = seal_after(
        &m,
        &prefix,
        Payload::Complaint(ComplaintBody {
            complaint: Hex(c.to_bytes()),
        }),
        2,
    );
    let e = failure(&lines);
    assert_eq!(e.seq as usize, prefix.len());
    assert_eq!(
        e.reason,
        Reason::Complaint {
            dealer: dealing.dealer,
            complainer: 2
        }
    );
}

#[test]
fn a_complaint_after_the_members_acknowledgement_is_out_of_phase() {
    let mut rng = ChaCha20Rng::seed_from_u64(22);
    let m = Meeting::create_threshold(
        setup(1, 3, 5),
        Threshold {
            t: 2,
            bad_dealer: Some(0),
        },
        &mut rng,
    )
    .unwrap();
    // Lines: election, 3 keys, 3 dealings, complaint (1 against 0),
    // shares_ok 0, 1, 2, election_key.
    let kinds: Vec<_> = m.lines.iter().map(|l| kind_of(l)).collect();
    assert_eq!(
        kinds,
        [
            "election",
            "trustee_key",
            "trustee_key",
            "trustee_key",
            "dealing",
            "dealing",
            "dealing",
            "complaint",
            "shares_ok",
            "shares_ok",
            "shares_ok",
            "election_key"
        ]
    );
    // Member 1's upheld complaint, repeated after its own `shares_ok`:
    // out of phase (checked before the dealer being out already).
    let complaint = parse_line(&m.lines[7]).unwrap().payload;
    let lines = seal_after(&m, &m.lines[..11], complaint, 3);
    let e = failure(&lines);
    assert_eq!(
        e,
        VerifyError {
            seq: 11,
            reason: Reason::OutOfPhase {
                kind: "complaint",
                phase: Phase::Setup
            }
        }
    );
}

#[test]
fn the_election_key_waits_for_every_acknowledgement_and_must_be_the_qualified_sum() {
    let mut rng = ChaCha20Rng::seed_from_u64(23);
    let m = Meeting::create_threshold(
        setup(1, 3, 5),
        Threshold {
            t: 2,
            bad_dealer: Some(2),
        },
        &mut rng,
    )
    .unwrap();
    let key_at = position(&m, "election_key");
    let key_line = parse_line(&m.lines[key_at]).unwrap().payload;
    // Without the last shares_ok.
    let lines = seal_after(&m, &m.lines[..key_at - 1], key_line.clone(), 4);
    assert_eq!(failure(&lines).reason, Reason::ElectionKey);
    // The sum over every dealer, the disqualified one included.
    let params = Params::new(3, 2).unwrap();
    let hash = m.tally.election_hash().unwrap();
    let mut all = tinnhiem_core::RistrettoPoint::default();
    for l in &m.lines {
        if let Payload::Dealing(d) = parse_line(l).unwrap().payload {
            let dealing = Dealing::from_bytes(&d.dealing.0, &params).unwrap();
            let key = m.tally.trustee_keys()[dealing.dealer as usize].unwrap();
            all += dealing
                .verify(&params, &hash, dealing.dealer, &key)
                .unwrap()
                .commitments()[0];
        }
    }
    let wrong = Payload::ElectionKey(tinnhiem_core::log::ElectionKeyBody {
        key: Hex(all.compress().to_bytes()),
    });
    let lines = seal_after(&m, &m.lines[..key_at], wrong, 5);
    let e = failure(&lines);
    assert_eq!((e.seq as usize, e.reason), (key_at, Reason::ElectionKey));
}

#[test]
fn a_second_dealing_or_a_tampered_one_fails_at_its_line() {
    let mut rng = ChaCha20Rng::seed_from_u64(24);
    let m = Meeting::create_threshold(
        setup(1, 3, 5),
        Threshold {
            t: 2,
            bad_dealer: None,
        },
        &mut rng,
    )
    .unwrap();
    let first = position(&m, "dealing");
    let Payload::Dealing(d) = parse_line(&m.lines[first]).unwrap().payload else {
        unreachable!()
    };
    let lines = seal_after(&m, &m.lines[..=first], Payload::Dealing(d.clone()), 6);
    assert_eq!(failure(&lines).reason, Reason::Duplicate(0));
    // A changed share ciphertext: the dealer's signature fails.
    let mut bytes = d.dealing.0.clone();
    let n = bytes.len();
    bytes[n - 70] ^= 1;
    let lines = seal_after(
        &m,
        &m.lines[..first],
        Payload::Dealing(DealingBody {
            dealing: HexBytes(bytes),
        }),
        7,
    );
    assert_eq!(
        failure(&lines).reason,
        Reason::Dealing {
            dealer: 0,
            fault: "Signature"
        }
    );
    // Cut short: it does not decode for this committee.
    let lines = seal_after(
        &m,
        &m.lines[..first],
        Payload::Dealing(DealingBody {
            dealing: HexBytes(d.dealing.0[..n - 1].to_vec()),
        }),
        8,
    );
    assert!(matches!(failure(&lines).reason, Reason::Malformed(_)));
    // Before every trustee key.
    let lines = seal_after(&m, &m.lines[..first - 1], Payload::Dealing(d), 9);
    assert_eq!(
        failure(&lines).reason,
        Reason::OutOfPhase {
            kind: "dealing",
            phase: Phase::Setup
        }
    );
}

#[test]
fn an_n_of_n_log_refuses_the_threshold_kinds() {
    let mut rng = ChaCha20Rng::seed_from_u64(25);
    let t = Meeting::create_threshold(
        setup(1, 2, 5),
        Threshold {
            t: 2,
            bad_dealer: None,
        },
        &mut rng,
    )
    .unwrap();
    let d = parse_line(&t.lines[position(&t, "dealing")])
        .unwrap()
        .payload;
    let m = Meeting::create(setup(1, 2, 5), &mut rng).unwrap();
    // After the trustee keys of an n-of-n log.
    let lines = seal_after(&m, &m.lines[..3], d, 10);
    assert_eq!(
        failure(&lines).reason,
        Reason::OutOfPhase {
            kind: "dealing",
            phase: Phase::Setup
        }
    );
}

#[test]
fn line_0_threshold_is_checked_and_written_only_when_present() {
    let mut rng = ChaCha20Rng::seed_from_u64(26);
    let m = Meeting::create(setup(1, 2, 5), &mut rng).unwrap();
    assert!(!String::from_utf8_lossy(&m.lines[0]).contains("threshold"));
    let t = Meeting::create_threshold(
        setup(1, 2, 5),
        Threshold {
            t: 2,
            bad_dealer: None,
        },
        &mut rng,
    )
    .unwrap();
    let text = String::from_utf8(t.lines[0].clone()).unwrap();
    assert!(
        text.contains(r#""trustees":["Thành viên 0","Thành viên 1"],"threshold":2,"server_key":""#)
    );
    // 1 of 2 is no majority.
    for bad in [0u32, 1, 3] {
        let Payload::Election(mut body) = parse_line(&t.lines[0]).unwrap().payload else {
            unreachable!()
        };
        body.threshold = Some(bad);
        let lines = seal_after(&t, &[], Payload::Election(body), 11);
        let e = failure(&lines);
        assert_eq!(e.seq, 0);
        assert!(matches!(e.reason, Reason::Malformed(_)), "{e}");
    }
    // `"threshold":null` is not the canonical form of an absent threshold.
    let text = String::from_utf8(m.lines[0].clone()).unwrap();
    let null = text.replacen(r#","server_key""#, r#","threshold":null,"server_key""#, 1);
    assert!(matches!(
        parse_line(null.as_bytes()),
        Err(tinnhiem_core::DecodeError::NotCanonical)
    ));
}

// ------------------------------------------------ the vector and tampering

/// A log's lines and its expected counts.
type VectorLog = (Vec<Vec<u8>>, Vec<[u64; 3]>);

/// The 2-of-3 vector: seed `threshold-2-of-3`, member 1 deals a bad share
/// to member 2, who complains; 4 ballots; members 2 and 0 decrypt.
fn threshold_vector() -> &'static VectorLog {
    static LOG: OnceLock<VectorLog> = OnceLock::new();
    LOG.get_or_init(|| {
        let mut seed = [0u8; 32];
        seed[..16].copy_from_slice(b"threshold-2-of-3");
        let mut rng = ChaCha20Rng::from_seed(seed);
        let mut m = Meeting::create_threshold(
            setup(2, 3, 5),
            Threshold {
                t: 2,
                bad_dealer: Some(1),
            },
            &mut rng,
        )
        .unwrap();
        m.record_quorum(4, &mut rng).unwrap();
        let creds = m.issue_credentials(4, &mut rng).unwrap();
        m.open(&mut rng).unwrap();
        let marks: [[Choice; 2]; 4] = [
            [Some(Level::High), Some(Level::Low)],
            [Some(Level::Confidence), None],
            [Some(Level::High), Some(Level::Low)],
            [Some(Level::Low), Some(Level::High)],
        ];
        for (c, choices) in creds.iter().zip(&marks) {
            let b = m.fill(c, choices, None, &mut rng);
            m.submit(b, &mut rng).unwrap();
        }
        m.close(&mut rng).unwrap();
        m.decrypt_by(&[2, 0], &mut rng).unwrap();
        (m.lines, vec![[2, 1, 1], [1, 0, 2]])
    })
}

#[test]
fn the_committed_2_of_3_vector_regenerates_and_verifies() {
    let (lines, counts) = threshold_vector();
    let (r, exclusions) = committed_vector("threshold", lines);
    assert!(exclusions.is_empty());
    assert_eq!(&counts_of(&r), counts);
    let kinds: Vec<_> = lines.iter().map(|l| kind_of(l)).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "complaint").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "decryption").count(), 2);
}

/// Every line of the threshold vector, at regular positions and at the
/// start of each member: a changed byte fails at that line.
#[test]
fn changed_bytes_of_the_threshold_log_fail_at_their_line() {
    let (lines, _) = threshold_vector();
    for (k, line) in lines.iter().enumerate() {
        let n = line.len();
        let mut positions: Vec<usize> = (0..n).step_by((n / 10).max(1)).collect();
        positions.extend([1, n - 3, n - 2, n - 1]);
        for member in [
            &b"\"seq\":"[..],
            b"\"prev\":\"",
            b"\"kind\":\"",
            b"\"body\":",
            b"\"server_sig\":\"",
        ] {
            let at = line
                .windows(member.len())
                .position(|w| w == member)
                .unwrap();
            positions.push(at + member.len());
        }
        positions.sort_unstable();
        positions.dedup();
        for p in positions {
            let b = line[p];
            for changed in [
                match b {
                    b'9' => b'a',
                    b'f' => b'0',
                    _ => b + 1,
                },
                b'\n',
            ] {
                let mut copy = lines.clone();
                copy[k][p] = changed;
                let e = failure(&copy);
                assert_eq!(
                    e.seq, k as u64,
                    "byte {p} of line {k} set to {changed:#04x}: {e}"
                );
            }
        }
    }
}

#[test]
fn with_fewer_than_t_qualified_dealers_no_election_key_can_be_published() {
    let mut rng = ChaCha20Rng::seed_from_u64(27);
    let threshold = Threshold {
        t: 2,
        bad_dealer: Some(0),
    };
    let Err(e) = Meeting::create_threshold(setup(1, 2, 5), threshold, &mut rng) else {
        panic!("a 2-of-2 ceremony with a disqualified dealer made a key");
    };
    assert_eq!(
        e.reason,
        Reason::TooFewQualified {
            qualified: 1,
            needed: 2
        }
    );
    // The key line is where the log fails: 2 keys, 2 dealings, 1
    // complaint, 2 shares_ok, then the key at line 8.
    assert_eq!(e.seq, 8);
}
