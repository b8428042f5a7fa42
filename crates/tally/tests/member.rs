//! The member's side of the ceremony (`tinnhiem_tally::member`): driven by
//! nothing but `next_step` on the log, in any order of the members, it
//! reaches the election key; a member that starts again from its key file
//! takes up where it stopped; a bad dealer is complained about and left out;
//! any `t` qualified members decrypt with `member::decryption`.

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::dkg::Dealing;
use tinnhiem_core::log::{Candidate, Payload};
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_tally::member::{self, MemberError, Step};
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_tally::Tally;

fn setup(trustees: usize) -> Setup {
    Setup {
        id: Some("thanh-vien".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Y tế".into(),
        date: "2026-05-04".into(),
        candidates: (0..2)
            .map(|j| Candidate {
                name: format!("Ứng viên {j}"),
                position: format!("Phó Giám đốc {j}"),
                person: None,
            })
            .collect(),
        summoned: 9,
        trustees: (0..trustees).map(|i| format!("Thành viên {i}")).collect(),
    }
}

/// What the server appends for a step; `None` for a wait.
fn payload(step: Step) -> Option<Payload> {
    match step {
        Step::Deal(b) => Some(Payload::Dealing(b)),
        Step::Complain { body, .. } => Some(Payload::Complaint(body)),
        Step::SharesOk(b) => Some(Payload::SharesOk(b)),
        _ => None,
    }
}

fn run_ceremony(m: &mut Meeting, order: &[u32], rng: &mut ChaCha20Rng) -> Vec<Step> {
    m.run_member_steps(order, rng)
        .expect("the log accepts every member's step")
}

fn vote_and_close(m: &mut Meeting, rng: &mut ChaCha20Rng) -> Vec<[u64; 3]> {
    m.vote_in_turn(7, 3, rng).expect("a vote")
}

fn decrypt(m: &mut Meeting, members: &[u32], rng: &mut ChaCha20Rng) {
    for &j in members {
        let body = member::decryption(&m.tally, j, &m.trustees[j as usize], rng)
            .expect("a qualified member decrypts");
        m.append(Payload::Decryption(body), rng)
            .expect("the log accepts it");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Any order of the members reaches the key; any t of them decrypt to
    /// the marks; t − 1 leave the count waiting.
    #[test]
    fn members_alone_reach_the_key_and_any_t_decrypt(
        n in 1usize..=5, t_off in 0usize..5, seed in any::<u64>(),
    ) {
        // A majority up to all (PROTOCOL.md §4.4).
        let min = n / 2 + 1;
        let t = min + t_off % (n - min + 1);
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut m = Meeting::begin(setup(n), Some(t as u32), &mut rng).expect("begin");
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.rotate_left(seed as usize % n);
        let last = run_ceremony(&mut m, &order, &mut rng);
        prop_assert!(last.iter().all(|s| *s == Step::AwaitElectionKey), "{last:?}");
        for j in 0..n as u32 {
            prop_assert_eq!(
                member::next_step(&m.tally, j, &m.trustees[j as usize], &mut rng),
                Ok(Step::Done)
            );
        }
        let expected = vote_and_close(&mut m, &mut rng);
        let mut members: Vec<u32> = (0..n as u32).collect();
        members.rotate_left((seed >> 8) as usize % n);
        decrypt(&mut m, &members[..t - 1], &mut rng);
        prop_assert_eq!(member::decryptions_needed(&m.tally), 1);
        prop_assert!(m.tally.decrypted_counts().is_err());
        decrypt(&mut m, &members[t - 1..t], &mut rng);
        prop_assert_eq!(member::decryptions_needed(&m.tally), 0);
        prop_assert_eq!(m.tally.decrypted_counts().expect("t decrypted"), expected);
    }
}

/// Stops after each member's first step and starts everyone again from the
/// key bytes: the log alone says what is left.
#[test]
fn a_member_resumes_from_the_key_file_and_the_log() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let mut m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    // Members 0 and 1 deal; member 2's tab is closed before it deals.
    for j in 0..2u32 {
        let step = member::next_step(&m.tally, j, &m.trustees[j as usize], &mut rng).unwrap();
        assert!(matches!(step, Step::Deal(_)), "{step:?}");
        m.append(payload(step).unwrap(), &mut rng).unwrap();
    }
    let step = member::next_step(&m.tally, 0, &m.trustees[0], &mut rng).unwrap();
    assert_eq!(step, Step::AwaitDealings { missing: vec![2] });
    let reopened = TrusteeKey::from_bytes(&m.trustees[2].to_bytes()).unwrap();
    let step = member::next_step(&m.tally, 2, &reopened, &mut rng).unwrap();
    assert!(matches!(step, Step::Deal(_)), "{step:?}");
    m.append(payload(step).unwrap(), &mut rng).unwrap();
    let last = run_ceremony(&mut m, &[2, 1, 0], &mut rng);
    assert_eq!(last, vec![Step::AwaitElectionKey; 3]);
    assert!(m.tally.ballot_context().is_some());
}

/// A dealer whose share to the next member is wrong: that member's next
/// step is the complaint, the dealer is disqualified, may not decrypt, and
/// the others count.
#[test]
fn a_bad_share_is_complained_about_and_its_dealer_left_out() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let mut m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    let params = m.tally.threshold_params().unwrap();
    for j in 0..3u32 {
        let mut step = member::next_step(&m.tally, j, &m.trustees[j as usize], &mut rng).unwrap();
        if j == 1 {
            // Member 1 deals member 2 a wrong share (and signs it again).
            let Step::Deal(body) = &mut step else {
                panic!("{step:?}")
            };
            let mut d = Dealing::from_bytes(&body.dealing.0, &params).unwrap();
            d.shares[2].ciphertext[0] ^= 1;
            let bytes = d.to_bytes();
            let mut msg = m.tally.election_hash().unwrap().to_vec();
            msg.extend_from_slice(&bytes[..bytes.len() - 64]);
            d.signature = m.trustees[1].sign(tinnhiem_core::dkg::DEALING_CONTEXT, &msg, &mut rng);
            body.dealing.0 = d.to_bytes();
        }
        m.append(payload(step).unwrap(), &mut rng).unwrap();
    }
    let step = member::next_step(&m.tally, 2, &m.trustees[2], &mut rng).unwrap();
    assert!(matches!(step, Step::Complain { dealer: 1, .. }), "{step:?}");
    run_ceremony(&mut m, &[2, 0, 1], &mut rng);
    let public = m.tally.threshold_public().expect("the key is published");
    assert_eq!(public.qualified(), &[0, 2]);
    vote_and_close(&mut m, &mut rng);
    assert_eq!(
        member::decryption(&m.tally, 1, &m.trustees[1], &mut rng),
        Err(MemberError::NotQualified(1))
    );
    decrypt(&mut m, &[2, 0], &mut rng);
    assert_eq!(member::decryptions_needed(&m.tally), 0);
    m.publish_result(&mut rng)
        .expect("the result of members 0 and 2");
}

/// Another member's key file, or a mistyped key, is refused at once.
#[test]
fn a_key_that_is_not_the_members_is_named() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    assert_eq!(
        member::next_step(&m.tally, 0, &m.trustees[1], &mut rng),
        Err(MemberError::WrongKey(0))
    );
    assert_eq!(
        member::check_key(&m.tally, 5, &m.trustees[1]),
        Err(MemberError::UnknownMember(5))
    );
    assert_eq!(
        member::next_step(&Tally::new(), 0, &m.trustees[0], &mut rng),
        Err(MemberError::NoElection)
    );
}
