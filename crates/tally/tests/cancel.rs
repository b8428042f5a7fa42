//! Cancelled slips (PROTOCOL.md §6.3 `cancel`, §6.4): the committee cancels
//! unused credentials (a slip torn, lost or misprinted) and may then issue
//! as many new ones within the attendance; a cancelled credential's ballot
//! is not counted; a credential that voted cannot be cancelled. Every log
//! is verified line by line and by the batch path on one and two threads,
//! which must agree.
//!
//! `tests/vectors/cancel.jsonl` is a whole log with a cancelled slip, made
//! from a fixed seed; to change it on purpose, run
//! `TINNHIEM_REGENERATE_VECTORS=1 cargo test -p tinnhiem-tally --test cancel`.

mod common;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::Level;
use tinnhiem_core::credential::Credential;
use tinnhiem_core::log::{Candidate, CredentialsBody, Hex, Payload};
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_tally::{ExclusionReason, Phase, Reason, VerifyError};

use common::{committed_vector, failure, verify};

fn meeting(rng: &mut ChaCha20Rng) -> Meeting {
    let setup = Setup {
        id: Some("huy-phieu-ma".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Y tế".into(),
        date: "2026-05-04".into(),
        candidates: vec![Candidate {
            name: "Nguyễn Văn A".into(),
            position: "Giám đốc".into(),
            person: None,
        }],
        summoned: 4,
        trustees: vec!["Trần Thị B".into()],
    };
    let mut m = Meeting::create(setup, rng).expect("created");
    m.record_quorum(3, rng).expect("quorum");
    m
}

/// Forces a `cancel` of `list`, signed for its place, into the log (as a
/// careless server could) and returns the verifiers' common failure.
fn forced_cancel(m: &mut Meeting, list: &[&Credential], rng: &mut ChaCha20Rng) -> VerifyError {
    let entry = m.credentials_entry(list, true, rng);
    m.force(entry, rng);
    failure(&m.lines)
}

fn cast(m: &mut Meeting, c: &Credential, rng: &mut ChaCha20Rng) {
    let b = m.fill(c, &[Some(Level::High)], None, rng);
    m.submit(b, rng).expect("accepted");
}

/// A lost slip is cancelled, a new one issued in its place within the
/// three present; the lost slip's ballot (forced into the log) is left out
/// as `Cancelled`; the count and `issued` are the slips that could vote.
#[test]
fn a_cancelled_slip_is_replaced_and_its_ballot_not_counted() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let mut m = meeting(&mut rng);
    let creds = m.issue_credentials(3, &mut rng).expect("three slips");
    m.cancel_credentials(&[&creds[1]], &mut rng)
        .expect("cancel");
    assert_eq!((m.tally.issued(), m.tally.cancelled()), (2, 1));
    let new = m.issue_credentials(1, &mut rng).expect("a new slip");
    m.open(&mut rng).expect("open");
    cast(&mut m, &creds[0], &mut rng);
    cast(&mut m, &new[0], &mut rng);
    let lost = m.fill(&creds[1], &[Some(Level::Low)], None, &mut rng);
    assert_eq!(
        m.tally.ballot_admissible(&lost),
        Err(ExclusionReason::Cancelled)
    );
    let seq = m.lines.len() as u64;
    m.force(Payload::Ballot(lost), &mut rng);
    m.close(&mut rng).expect("close");
    m.decrypt(&mut rng).expect("decrypt");
    let (result, excluded) = verify(&m.lines).expect("the log verifies");
    assert_eq!(excluded.len(), 1);
    assert_eq!(
        (excluded[0].seq, &excluded[0].reason),
        (seq, &ExclusionReason::Cancelled)
    );
    assert_eq!((result.issued, result.returned), (3, 2));
    assert_eq!(result.candidates[0].high.count, 2);
    assert_eq!(result.candidates[0].low.count, 0);
}

/// Cancelling does not raise the bound: live slips stay within the people
/// present.
#[test]
fn new_slips_after_a_cancel_stay_within_the_attendance() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mut m = meeting(&mut rng);
    let creds = m.issue_credentials(3, &mut rng).expect("three slips");
    m.cancel_credentials(&[&creds[2]], &mut rng)
        .expect("cancel");
    let e = m
        .issue_credentials(2, &mut rng)
        .expect_err("four live slips");
    assert_eq!(
        e.reason,
        Reason::TooManyCredentials {
            issued: 4,
            present: 3
        }
    );
}

/// A slip that voted cannot be cancelled: the entry fails, naming the
/// credential's place in the entry and the ballot's line.
#[test]
fn a_slip_that_voted_cannot_be_cancelled() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let mut m = meeting(&mut rng);
    let creds = m.issue_credentials(3, &mut rng).expect("slips");
    m.open(&mut rng).expect("open");
    cast(&mut m, &creds[2], &mut rng);
    let used_by = m.lines.len() as u64 - 1;
    let e = m
        .cancel_credentials(&[&creds[0], &creds[2]], &mut rng)
        .expect_err("a used slip");
    assert_eq!(e.reason, Reason::CancelUsed { index: 1, used_by });
    assert_eq!(forced_cancel(&mut m, &[&creds[0], &creds[2]], &mut rng), e);
}

/// A credential never issued, one cancelled twice, or named twice in one
/// entry is a `BadCredential` at its index.
#[test]
fn only_issued_uncancelled_slips_can_be_cancelled() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let stranger = Credential::generate(&mut rng);
    for case in 0..3 {
        let mut m = meeting(&mut rng);
        let creds = m.issue_credentials(2, &mut rng).expect("slips");
        let (list, index): (Vec<&Credential>, usize) = match case {
            0 => (vec![&creds[0], &stranger], 1),
            1 => {
                m.cancel_credentials(&[&creds[1]], &mut rng).expect("first");
                (vec![&creds[1]], 0)
            }
            _ => (vec![&creds[0], &creds[1], &creds[0]], 2),
        };
        let e = m.cancel_credentials(&list, &mut rng).expect_err("refused");
        assert_eq!(e.reason, Reason::BadCredential { index }, "case {case}");
        assert_eq!(forced_cancel(&mut m, &list, &mut rng), e);
    }
}

/// A `cancel` signed for another place in the log (before the opening,
/// appended after it) is a bad committee signature, as any replayed
/// statement.
#[test]
fn a_cancel_signed_for_another_place_fails() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let mut m = meeting(&mut rng);
    let creds = m.issue_credentials(3, &mut rng).expect("slips");
    let mut stale = CredentialsBody {
        credentials: vec![Hex(*creds[0].public(&m.id).as_bytes())],
        signer: 0,
        signature: Hex([0; 64]),
    };
    stale.signature = m.sign_statement(0, &Payload::Cancel(stale.clone()), &mut rng);
    m.open(&mut rng).expect("open");
    m.force(Payload::Cancel(stale), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(
        (e.seq, e.reason),
        (
            m.lines.len() as u64 - 1,
            Reason::CommitteeSignature("cancel")
        )
    );
}

/// After the close, unused slips are void already: a `cancel` is out of
/// phase.
#[test]
fn a_cancel_after_the_close_is_out_of_phase() {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let mut m = meeting(&mut rng);
    let creds = m.issue_credentials(3, &mut rng).expect("slips");
    m.open(&mut rng).expect("open");
    m.close(&mut rng).expect("close");
    let e = m
        .cancel_credentials(&[&creds[0]], &mut rng)
        .expect_err("after the close");
    assert_eq!(
        e.reason,
        Reason::OutOfPhase {
            kind: "cancel",
            phase: Phase::Closed
        }
    );
}

/// The committed vector (PROTOCOL.md §8.2): seed `cancelled-slips`, one
/// trustee, 4 summoned, 3 present; slip 1 of 3 cancelled and replaced; the
/// cancelled slip's ballot forced into the log after two counted ones.
#[test]
fn the_committed_cancel_vector_regenerates_and_verifies() {
    let mut seed = [0u8; 32];
    seed[..15].copy_from_slice(b"cancelled-slips");
    let mut rng = ChaCha20Rng::from_seed(seed);
    let mut m = meeting(&mut rng);
    let creds = m.issue_credentials(3, &mut rng).expect("slips");
    m.cancel_credentials(&[&creds[1]], &mut rng)
        .expect("cancel");
    let new = m.issue_credentials(1, &mut rng).expect("a new slip");
    m.open(&mut rng).expect("open");
    cast(&mut m, &creds[0], &mut rng);
    cast(&mut m, &new[0], &mut rng);
    let lost = m.fill(&creds[1], &[Some(Level::Low)], None, &mut rng);
    m.force(Payload::Ballot(lost), &mut rng);
    m.close(&mut rng).expect("close");
    m.decrypt(&mut rng).expect("decrypt");
    let (r, exclusions) = committed_vector("cancel", &m.lines);
    assert_eq!(exclusions.len(), 1);
    assert_eq!(exclusions[0].reason, ExclusionReason::Cancelled);
    assert_eq!(
        (r.issued, r.returned, r.candidates[0].high.count),
        (3, 2, 2)
    );
}
