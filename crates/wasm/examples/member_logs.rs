//! Prints two logs of a 2-of-3 committee and the members' trustee keys, as
//! JSON, for the browser module's tests in Node (`crates/wasm/js/`):
//! `setup`, the log once every trustee key is in (each member's step is to
//! deal), and `closed`, a whole ceremony, three ballots and the close (each
//! member may decrypt), with `counts`, what any two decryptions give. The
//! keys are made for this test and for nothing else.

use rand::rngs::OsRng;
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::Candidate;
use tinnhiem_tally::sim::{Meeting, Setup};

fn text(m: &Meeting) -> String {
    String::from_utf8(m.log_bytes()).expect("a log is UTF-8")
}

fn main() {
    let rng = &mut OsRng;
    let setup = Setup {
        id: Some("thu-node".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Y tế".into(),
        date: "2026-11-28".into(),
        candidates: (0..2)
            .map(|j| Candidate {
                name: format!("Người {j}"),
                position: "Phó Giám đốc".into(),
                person: None,
            })
            .collect(),
        summoned: 5,
        trustees: (0..3).map(|i| format!("Thành viên {i}")).collect(),
    };
    let mut m = Meeting::begin(setup, Some(2), rng).expect("begin");
    let setup_log = text(&m);
    m.run_member_steps(&[0, 1, 2], rng).expect("the ceremony");
    let counts = m.vote_in_turn(4, 3, rng).expect("a vote");
    let out = serde_json::json!({
        "setup": setup_log,
        "closed": text(&m),
        "secrets": m.trustees.iter().map(|k| hex(&k.to_bytes())).collect::<Vec<_>>(),
        "counts": counts,
    });
    println!("{out}");
}
