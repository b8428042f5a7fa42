//! A scenario file (`tinnhiem::scenario::Scenario::from_slice`, compiled
//! from `src/scenario.rs` by `tinnhiem_fuzz::scenario`): never
//! panics; a scenario that decodes satisfies every count it promises (its
//! threshold and decrypting members among them), and
//! the election it makes (line 0 of the simulated log) passes the
//! verifier's checks, so `simulate` never fails on a scenario it accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::ballot::check_name;
use tinnhiem_core::log::{check_election, Candidate, ElectionBody, Hex};
use tinnhiem_fuzz::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = Scenario::from_slice(data) else {
        return;
    };
    assert!((1..=100).contains(&s.candidates.len()));
    assert!((1..=20).contains(&s.trustees));
    assert!(s.summoned >= 1 && s.present <= s.summoned);
    assert!(s.ballots.len() <= s.present as usize);
    assert!(s.repeated == 0 || !s.ballots.is_empty());
    assert!((1..=s.trustees).contains(&s.threshold()));
    let decrypting = s.decrypting();
    for (i, m) in decrypting.iter().enumerate() {
        assert!(*m < s.trustees && !decrypting[..i].contains(m));
    }
    for b in &s.ballots {
        assert_eq!(b.marks.len(), s.candidates.len());
        if let Some(n) = &b.signed_by {
            assert!(check_name(n).is_ok());
        }
    }
    // Line 0 as `simulate` builds it (date: today when absent).
    let body = ElectionBody {
        id: "fuzz".into(),
        title: s.title.clone(),
        unit: s.unit.clone(),
        date: s.date.clone().unwrap_or_else(|| "2024-01-01".into()),
        candidates: s
            .candidates
            .iter()
            .map(|c| Candidate {
                name: c.name.clone(),
                position: c.position.clone(),
                person: c.person.clone(),
            })
            .collect(),
        summoned: s.summoned,
        trustees: (1..=s.trustees)
            .map(|i| format!("Thành viên Ban kiểm phiếu {i}"))
            .collect(),
        threshold: Some(s.threshold()),
        dossier: None,
        server_key: Hex([0; 32]),
    };
    if let Err(e) = check_election(&body) {
        panic!("an accepted scenario makes an election the verifier refuses: {e}");
    }
});
