//! Prints two logs of a 2-of-3 committee and the members' trustee keys, as
//! JSON, for the browser module's tests in Node (`crates/wasm/js/`):
//! `setup`, the log once every trustee key is in (each member's step is to
//! deal), and `closed`, a whole ceremony, three ballots and the close (each
//! member may decrypt), with `counts`, what any two decryptions give. The
//! keys are made for this test and for nothing else.

use rand::rngs::OsRng;
use tinnhiem_core::ballot::{Choice, Level};
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{Candidate, ElectionKeyBody, Hex, Payload};
use tinnhiem_tally::member::{self, Step};
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
    loop {
        let mut posted = false;
        for j in 0..3u32 {
            let payload = match member::next_step(&m.tally, j, &m.trustees[j as usize], rng) {
                Ok(Step::Deal(b)) => Payload::Dealing(b),
                Ok(Step::Complain { body, .. }) => Payload::Complaint(body),
                Ok(Step::SharesOk(b)) => Payload::SharesOk(b),
                _ => continue,
            };
            m.append(payload, rng).expect("a member's step");
            posted = true;
        }
        if !posted {
            break;
        }
    }
    let q = m.tally.qualification().expect("every member dealt");
    let key = Hex(*q.public().expect("qualified").election_key().as_bytes());
    m.append(Payload::ElectionKey(ElectionKeyBody { key }), rng)
        .expect("the key");
    m.record_quorum(4, rng).expect("quorum");
    let creds = m.issue_credentials(3, rng).expect("credentials");
    m.open(rng).expect("open");
    let marks = [Level::High, Level::Confidence, Level::Low];
    let mut counts = vec![[0u64; 3]; 2];
    for (v, c) in creds.iter().enumerate() {
        let choices: Vec<Choice> = (0..2).map(|j| Some(marks[(v + j) % 3])).collect();
        for (j, row) in counts.iter_mut().enumerate() {
            row[(v + j) % 3] += 1;
        }
        let b = m.fill(c, &choices, None, rng);
        m.submit(b, rng).expect("a ballot");
    }
    m.close(rng).expect("close");
    let out = serde_json::json!({
        "setup": setup_log,
        "closed": text(&m),
        "secrets": m.trustees.iter().map(|k| hex(&k.to_bytes())).collect::<Vec<_>>(),
        "counts": counts,
    });
    println!("{out}");
}
