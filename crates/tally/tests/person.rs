//! The personnel code (`person`, mã cán bộ) on a candidate of line 0
//! (PROTOCOL.md §4.4, R8): written only when present, checked by
//! `check_election` at line 0, and carried through a whole meeting.
//!
//! `tests/vectors/person.jsonl` is a whole meeting whose line 0 has one
//! candidate with a code and one without, made from a fixed seed; to change
//! it on purpose, run
//! `TINNHIEM_REGENERATE_VECTORS=1 cargo test -p tinnhiem-tally --test person`.

mod common;

use std::path::PathBuf;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::Level;
use tinnhiem_core::log::{parse_line, Candidate, Payload};
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_tally::{Reason, VerifyError};

use common::{failure, join, verify, verify_by_push};

fn setup(codes: [Option<&str>; 2]) -> Setup {
    Setup {
        id: Some("ma-can-bo".into()),
        title: "Lấy phiếu tín nhiệm năm 2026".into(),
        unit: "Bệnh viện Đa khoa tỉnh".into(),
        date: "2026-08-13".into(),
        candidates: vec![
            Candidate {
                name: "Nguyễn Văn A".into(),
                position: "Giám đốc Bệnh viện".into(),
                person: codes[0].map(Into::into),
            },
            Candidate {
                name: "Trần Thị B".into(),
                position: "Phó Giám đốc Bệnh viện".into(),
                person: codes[1].map(Into::into),
            },
        ],
        summoned: 4,
        trustees: vec!["Trưởng ban".into(), "Thành viên".into()],
    }
}

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn meeting_with_codes(seed: [u8; 32]) -> Meeting {
    let mut rng = ChaCha20Rng::from_seed(seed);
    let mut m = Meeting::create(setup([Some("CB-0042"), None]), &mut rng).unwrap();
    m.record_quorum(3, &mut rng).unwrap();
    let creds = m.issue_credentials(3, &mut rng).unwrap();
    m.open(&mut rng).unwrap();
    let marks = [
        [Some(Level::High), Some(Level::Low)],
        [Some(Level::Confidence), Some(Level::Low)],
        [Some(Level::Confidence), None],
    ];
    for (c, choices) in creds.iter().zip(&marks) {
        let b = m.fill(c, choices, None, &mut rng);
        m.submit(b, &mut rng).unwrap();
    }
    m.close(&mut rng).unwrap();
    m.decrypt(&mut rng).unwrap();
    m
}

#[test]
fn line_0_writes_person_after_position_and_only_when_present() {
    let mut seed = [0u8; 32];
    seed[..10].copy_from_slice(b"person-r8!");
    let m = meeting_with_codes(seed);
    let line0 = String::from_utf8(m.lines[0].clone()).unwrap();
    assert!(line0.contains(
        r#""candidates":[{"name":"Nguyễn Văn A","position":"Giám đốc Bệnh viện","person":"CB-0042"},{"name":"Trần Thị B","position":"Phó Giám đốc Bệnh viện"}]"#
    ), "{line0}");
    let Payload::Election(e) = parse_line(&m.lines[0]).unwrap().payload else {
        panic!("line 0 is the election");
    };
    assert_eq!(e.candidates[0].person.as_deref(), Some("CB-0042"));
    assert_eq!(e.candidates[1].person, None);
}

#[test]
fn the_committed_person_vector_regenerates_and_verifies() {
    let mut seed = [0u8; 32];
    seed[..10].copy_from_slice(b"person-r8!");
    let m = meeting_with_codes(seed);
    let bytes = join(&m.lines);
    let (r, exclusions) = verify(&m.lines).expect("verifies");
    assert!(exclusions.is_empty());
    let counts: Vec<[u64; 3]> = r
        .candidates
        .iter()
        .map(|c| [c.high.count, c.confidence.count, c.low.count])
        .collect();
    assert_eq!(counts, vec![[1, 2, 0], [0, 0, 2]]);
    let path = vectors().join("person.jsonl");
    if std::env::var("TINNHIEM_REGENERATE_VECTORS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &bytes).unwrap();
    }
    let committed = std::fs::read(&path).expect("person.jsonl");
    assert!(committed == bytes, "person.jsonl does not regenerate");
    let (r2, _) = verify_by_push(&committed).unwrap();
    assert_eq!(r2, r);
}

fn refused_at_line_0(codes: [Option<&str>; 2]) -> VerifyError {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    match Meeting::create(setup(codes), &mut rng) {
        Ok(_) => panic!("line 0 with codes {codes:?} was accepted"),
        Err(e) => e,
    }
}

#[test]
fn a_person_code_with_other_characters_or_too_long_fails_line_0() {
    let long = "A".repeat(33);
    for bad in [
        "",
        " CB-1",
        "CB 1",
        "CB-1\u{0}",
        "-CB1",
        "=HYPERLINK(1)",
        "Cán-bộ-1",
        long.as_str(),
    ] {
        let e = refused_at_line_0([Some(bad), None]);
        assert_eq!(e.seq, 0, "{bad:?}");
        assert!(matches!(e.reason, Reason::Malformed(_)), "{bad:?}: {e}");
    }
    let longest = "A".repeat(32);
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    for good in ["CB-0042", "0042", "BYT/2026.a_1", longest.as_str()] {
        Meeting::create(setup([Some(good), None]), &mut rng)
            .unwrap_or_else(|e| panic!("{good:?} refused: {e}"));
    }
}

#[test]
fn the_same_person_code_on_two_candidates_of_one_ballot_fails_line_0() {
    let e = refused_at_line_0([Some("CB-7"), Some("CB-7")]);
    assert_eq!(e.seq, 0);
    assert!(
        e.to_string().contains("the same code on two candidates"),
        "{e}"
    );
}

#[test]
fn a_changed_person_code_in_a_signed_line_0_fails_there() {
    let mut seed = [0u8; 32];
    seed[..10].copy_from_slice(b"person-r8!");
    let m = meeting_with_codes(seed);
    let mut lines = m.lines.clone();
    let text = String::from_utf8(lines[0].clone()).unwrap();
    lines[0] = text.replace("CB-0042", "CB-0043").into_bytes();
    let e = failure(&lines);
    assert_eq!(e.seq, 0, "{e}");
}
