//! `tinnhiem_tally::campaign`: many logs verified at once give the same
//! answer on one thread and on several, a log that fails or cannot be read
//! is reported as such and in its place, and the same election given twice
//! is refused.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::Level;
use tinnhiem_core::calendar::Calendar;
use tinnhiem_core::log::Candidate;
use tinnhiem_tally::campaign::{consolidate, verify_logs, Duplicate, Verdict};
use tinnhiem_tally::sim::{Meeting, Setup};

fn log(id: &str, date: &str, code: &str, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let setup = Setup {
        id: Some(id.into()),
        title: "Lấy phiếu".into(),
        unit: format!("Đơn vị {id}"),
        date: date.into(),
        candidates: vec![Candidate {
            name: "Nguyễn Văn A".into(),
            position: "Giám đốc".into(),
            person: Some(code.into()),
        }],
        summoned: 2,
        trustees: vec!["T".into()],
    };
    let mut m = Meeting::create(setup, &mut rng).unwrap();
    m.record_quorum(2, &mut rng).unwrap();
    let creds = m.issue_credentials(2, &mut rng).unwrap();
    m.open(&mut rng).unwrap();
    for (i, c) in creds.iter().enumerate() {
        let level = if i == 0 { Level::Low } else { Level::High };
        let b = m.fill(c, &[Some(level)], None, &mut rng);
        m.submit(b, &mut rng).unwrap();
    }
    m.close(&mut rng).unwrap();
    m.decrypt(&mut rng).unwrap();
    m.log_bytes()
}

fn run(logs: &[Option<Vec<u8>>], threads: usize) -> Vec<Verdict<&'static str>> {
    let names: Vec<String> = (0..logs.len()).map(|i| format!("log-{i}")).collect();
    let load = |i: usize| logs[i].clone().ok_or("missing");
    verify_logs(&names, threads, [9; 32], &load)
}

#[test]
fn one_thread_and_several_consolidate_the_same_campaign() {
    let logs: Vec<Option<Vec<u8>>> = [
        ("a", "2026-08-20", "CB-1"),
        ("b", "2026-08-11", "CB-1"),
        ("c", "2026-08-13", "CB-2"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (id, date, code))| Some(log(id, date, code, i as u64)))
    .collect();
    let calendar = Calendar::vietnam();
    let mut campaigns = Vec::new();
    for threads in [1, 2, 5] {
        let meetings: Vec<_> = run(&logs, threads)
            .into_iter()
            .map(|v| match v {
                Verdict::Verified(m) => *m,
                other => panic!("{other:?}"),
            })
            .collect();
        campaigns.push(consolidate(&meetings, &calendar).unwrap());
    }
    assert_eq!(campaigns[0], campaigns[1]);
    assert_eq!(campaigns[0], campaigns[2]);
    let c = &campaigns[0];
    assert_eq!(c.people.len(), 2);
    let order: Vec<&str> = c.people[0]
        .places
        .iter()
        .map(|p| p.election.as_str())
        .collect();
    assert_eq!(order, ["b", "a"], "places in date order");
    assert!(c.violations.is_empty());
}

#[test]
fn a_bad_or_missing_log_is_reported_in_its_place() {
    let good = log("a", "2026-08-20", "CB-1", 1);
    let mut bad = good.clone();
    let n = bad.len();
    bad[n - 10] ^= 1; // inside the last line's server signature
    let last = good.iter().filter(|&&b| b == b'\n').count() as u64 - 1;
    for threads in [1, 2] {
        let v = run(&[Some(good.clone()), Some(bad.clone()), None], threads);
        assert!(matches!(v[0], Verdict::Verified(_)));
        assert!(
            matches!(&v[1], Verdict::Failed(f) if f.error.seq == last),
            "{:?}",
            v[1]
        );
        assert!(matches!(v[2], Verdict::Unreadable("missing")));
    }
}

#[test]
fn the_same_election_twice_is_refused() {
    let a = log("a", "2026-08-20", "CB-1", 1);
    let meetings: Vec<_> = run(&[Some(a.clone()), Some(a)], 2)
        .into_iter()
        .map(|v| match v {
            Verdict::Verified(m) => *m,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        consolidate(&meetings, &Calendar::vietnam()).unwrap_err(),
        Duplicate {
            first: "log-0".into(),
            second: "log-1".into(),
            id: "a".into()
        }
    );
}
