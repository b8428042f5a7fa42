//! The log's rules against a malicious committee member in the key ceremony
//! (PROTOCOL.md §6.3 `complaint`, §5.3 statements, §4.4 `threshold`;
//! issue 21): one upheld complaint per dealer at most, none about a dealer's
//! share to itself, no statement signed by a disqualified member, and a
//! threshold that is a majority.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::dkg::{self, Dealing, DEALING_CONTEXT};
use tinnhiem_core::log::Candidate;
use tinnhiem_core::log::{
    parse_line, shares_ok_message, ComplaintBody, DealingBody, Hex, HexBytes, Payload, QuorumBody,
    StatementBody, SHARES_OK_CONTEXT,
};
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_tally::{Reason, VerifyError};

fn setup(trustees: usize) -> Setup {
    Setup {
        id: Some("ban-kiem-phieu-gian-doi".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Nội vụ".into(),
        date: "2026-12-08".into(),
        candidates: vec![Candidate {
            name: "Nguyễn Văn A".into(),
            position: "Giám đốc".into(),
            person: None,
        }],
        summoned: 9,
        trustees: (0..trustees).map(|i| format!("Thành viên {i}")).collect(),
    }
}

/// A 2-of-3 meeting in which every member has dealt, member 2 dealing bad
/// shares to the members in `bad_to` (its dealing signed again, so that it
/// passes every public check).
fn dealt(bad_to: &[u32], seed: u64) -> Meeting {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut m = Meeting::begin(setup(3), Some(2), &mut rng).unwrap();
    let params = m.tally.threshold_params().unwrap();
    let hash = m.tally.election_hash().unwrap();
    let keys: Vec<_> = m.trustees.iter().map(|t| t.public()).collect();
    for i in 0..3u32 {
        let mut d = dkg::deal(&params, &hash, i, &m.trustees[i as usize], &keys, &mut rng).unwrap();
        if i == 2 {
            for &j in bad_to {
                d.shares[j as usize].ciphertext[0] ^= 1;
            }
            let bytes = d.to_bytes();
            let mut msg = hash.to_vec();
            msg.extend_from_slice(&bytes[..bytes.len() - 64]);
            d.signature = m.trustees[2].sign(DEALING_CONTEXT, &msg, &mut rng);
        }
        m.append(
            Payload::Dealing(DealingBody {
                dealing: HexBytes(d.to_bytes()),
            }),
            &mut rng,
        )
        .unwrap();
    }
    m
}

/// Member `j`'s complaint against member 2's dealing, as its software makes
/// it (or, for a share that checks, as a member that complains anyway).
fn complaint(m: &Meeting, j: u32, seed: u64) -> Payload {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let params = m.tally.threshold_params().unwrap();
    let hash = m.tally.election_hash().unwrap();
    let line = m
        .lines
        .iter()
        .rev()
        .find(|l| matches!(parse_line(l).unwrap().payload, Payload::Dealing(_)))
        .unwrap();
    let Payload::Dealing(b) = parse_line(line).unwrap().payload else {
        unreachable!()
    };
    let d = Dealing::from_bytes(&b.dealing.0, &params).unwrap();
    assert_eq!(d.dealer, 2);
    let key = m.tally.trustee_keys()[2].unwrap();
    let v = d.verify(&params, &hash, 2, &key).unwrap();
    let c = match v.open(&hash, j, &m.trustees[j as usize], &mut rng) {
        Err(c) => *c,
        Ok(_) => v.complain(&hash, j, &m.trustees[j as usize], &mut rng),
    };
    Payload::Complaint(ComplaintBody {
        complaint: Hex(c.to_bytes()),
    })
}

fn refused(m: &mut Meeting, payload: Payload, seed: u64) -> Reason {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let before = m.lines.len();
    let e: VerifyError = m
        .append(payload, &mut rng)
        .expect_err("the log's rules refuse this line");
    assert_eq!(e.seq as usize, before);
    e.reason
}

/// Two members whose shares from the same dealer are both bad complain at
/// the same moment: the first complaint disqualifies the dealer, the second
/// is refused (it would only publish one more share of a dealer that is out).
#[test]
fn a_second_complaint_against_a_disqualified_dealer_is_refused() {
    let mut m = dealt(&[0, 1], 1);
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let first = complaint(&m, 0, 3);
    let second = complaint(&m, 1, 4);
    m.append(first, &mut rng)
        .expect("the first complaint is upheld");
    assert_eq!(
        refused(&mut m, second, 5),
        Reason::Complaint {
            dealer: 2,
            complainer: 1
        }
    );
}

/// One member cannot fill the log with the same upheld complaint.
#[test]
fn the_same_complaint_twice_is_refused() {
    let mut m = dealt(&[0], 6);
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let first = complaint(&m, 0, 8);
    m.append(first, &mut rng).unwrap();
    for seed in 9..12 {
        let again = complaint(&m, 0, seed);
        assert_eq!(
            refused(&mut m, again, seed),
            Reason::Complaint {
                dealer: 2,
                complainer: 0
            }
        );
    }
}

/// A dealer that dealt itself a bad share cannot complain about it (it would
/// publish the Diffie-Hellman secret of its own share, and disqualify itself
/// at a moment of its choosing).
#[test]
fn a_complaint_about_the_dealers_own_share_is_refused() {
    let mut m = dealt(&[2], 12);
    let own = complaint(&m, 2, 13);
    assert_eq!(
        refused(&mut m, own, 14),
        Reason::Complaint {
            dealer: 2,
            complainer: 2
        }
    );
}

/// A member disqualified in the ceremony signs no committee statement
/// afterwards: not the attendance, the slips, the opening, the close or the
/// result.
#[test]
fn a_disqualified_member_signs_no_statement() {
    let mut m = dealt(&[0], 15);
    let mut rng = ChaCha20Rng::seed_from_u64(16);
    let upheld = complaint(&m, 0, 17);
    m.append(upheld, &mut rng).unwrap();
    let hash = m.tally.election_hash().unwrap();
    let dealings = m.tally.dealings_hash().unwrap();
    for j in 0..3u32 {
        let sig = m.trustees[j as usize].sign(
            SHARES_OK_CONTEXT,
            &shares_ok_message(&hash, &dealings),
            &mut rng,
        );
        m.append(
            Payload::SharesOk(StatementBody {
                signer: j,
                signature: Hex(sig.to_bytes()),
            }),
            &mut rng,
        )
        .unwrap();
    }
    assert!(m.append_qualified_election_key(&mut rng).unwrap());
    let mut body = QuorumBody {
        present: 7,
        signer: 2,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(2, &Payload::Quorum(body.clone()), &mut rng);
    assert_eq!(
        refused(&mut m, Payload::Quorum(body.clone()), 18),
        Reason::NotQualified(2)
    );
    // The same statement by a qualified member is taken.
    body.signer = 1;
    body.signature = m.sign_statement(1, &Payload::Quorum(body.clone()), &mut rng);
    m.append(Payload::Quorum(body), &mut rng).unwrap();
}

/// With `t` below a majority of `n`, fewer than half the committee could
/// decrypt any ballot: line 0 is refused. Every majority up to `n` is taken.
#[test]
fn the_threshold_is_a_majority() {
    for (n, t, ok) in [
        (5, 1, false),
        (5, 2, false),
        (5, 3, true),
        (5, 4, true),
        (5, 5, true),
        (2, 1, false),
        (2, 2, true),
        (3, 1, false),
        (3, 2, true),
        (4, 2, false),
        (4, 3, true),
        (1, 1, true),
    ] {
        let mut rng = ChaCha20Rng::seed_from_u64(u64::from(n * 10 + t));
        let r = Meeting::begin(setup(n as usize), Some(t), &mut rng);
        match (ok, r) {
            (true, Ok(_)) => {}
            (false, Err(e)) => {
                assert_eq!(e.seq, 0, "{t} of {n}");
                assert!(matches!(e.reason, Reason::Malformed(_)), "{t} of {n}: {e}");
            }
            (ok, r) => panic!("{t} of {n}: expected ok = {ok}, got {:?}", r.map(|_| ())),
        }
    }
}

/// A rogue trustee key: member 1 publishes `P = x·G − P_0` (so that a sum of
/// keys would cancel member 0's) with member 0's proof, or with a proof made
/// for another election: both are `KeyProof(1)` at that line.
#[test]
fn a_rogue_or_copied_trustee_key_is_refused() {
    use tinnhiem_core::log::{entry_hash, Entry, TrusteeKeyBody};
    use tinnhiem_core::trustee::TrusteeKey;
    let mut rng = ChaCha20Rng::seed_from_u64(30);
    let m = Meeting::begin(setup(3), Some(2), &mut rng).unwrap();
    let Payload::TrusteeKey(first) = parse_line(&m.lines[1]).unwrap().payload else {
        unreachable!()
    };
    let p0 = tinnhiem_core::schnorr::PublicKey::from_bytes(&first.key.0, "key").unwrap();
    let mine = TrusteeKey::generate(&mut rng);
    let rogue = (mine.public().point() - p0.point()).compress();
    let elsewhere = mine.key_share(&[1; 32], 1, &mut rng);
    for (key, proof) in [
        (rogue.to_bytes(), first.proof.0),
        (*mine.public().as_bytes(), elsewhere.proof.to_bytes()),
    ] {
        let body = Payload::TrusteeKey(TrusteeKeyBody {
            trustee: 1,
            key: Hex(key),
            proof: Hex(proof),
        });
        let (_, line) = Entry::seal(2, entry_hash(&m.lines[1]), body, &m.server, &mut rng);
        let mut lines = m.lines[..2].to_vec();
        lines.push(line);
        let mut t = tinnhiem_tally::Tally::new();
        let mut last = Ok(());
        for l in &lines {
            if let Err(e) = t.push(l, &mut rng) {
                last = Err(e);
                break;
            }
        }
        let e = last.expect_err("refused");
        assert_eq!((e.seq, e.reason), (2, Reason::KeyProof(1)));
    }
}
