//! Writes the seed corpora under `corpus/<target>/` (deterministic: fixed
//! rng seeds). Run from `fuzz/`:
//!
//! ```text
//! cargo run --release -- demo --out /tmp/x   # in the main tree
//! cargo +nightly run --example gen_corpus -- /tmp/x/log.jsonl
//! ```
//!
//! The demo log's path is optional; without it the corpora hold only the
//! small deterministic meeting made here.

use std::fs;
use std::path::Path;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::{Ballot, Level};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::log::{parse_line, Candidate, Payload};
use tinnhiem_tally::sim::{Meeting, Setup, Threshold};
use tinnhiem_tally::split_lines;

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("corpus").join(target);
    fs::create_dir_all(&dir).expect("corpus dir");
    fs::write(dir.join(name), bytes).expect("corpus file");
}

/// A small honest meeting: 1 candidate, 2 trustees, 4 summoned, 3 present,
/// 2 ballots (one signed under R4).
fn mini_log() -> Vec<u8> {
    let mut rng = ChaCha20Rng::from_seed([42; 32]);
    let setup = Setup {
        id: Some("fuzz-mini".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Y tế".into(),
        date: "2024-01-01".into(),
        candidates: vec![Candidate {
            name: "Nguyễn Văn A".into(),
            position: "Giám đốc Sở".into(),
            person: None,
        }],
        summoned: 4,
        trustees: vec!["Thành viên 1".into(), "Thành viên 2".into()],
    };
    let mut m = Meeting::create(setup, &mut rng).expect("create");
    m.record_quorum(3, &mut rng).expect("quorum");
    let creds = m.issue_credentials(3, &mut rng).expect("credentials");
    m.open(&mut rng).expect("open");
    let b = m.fill(&creds[0], &[Some(Level::High)], None, &mut rng);
    m.submit(b, &mut rng).expect("ballot 1");
    let b = m.fill(&creds[1], &[None], Some("Trần Thị B".into()), &mut rng);
    m.submit(b, &mut rng).expect("ballot 2");
    m.close(&mut rng).expect("close");
    m.decrypt(&mut rng).expect("decrypt");
    m.log_bytes()
}

/// A small 2-of-3 meeting under the threshold ceremony: member 1 deals a
/// bad share to member 2, who complains; one ballot; members 2 and 0
/// decrypt (PROTOCOL.md §6.3, §10).
fn threshold_log() -> Vec<u8> {
    let mut rng = ChaCha20Rng::from_seed([43; 32]);
    let setup = Setup {
        id: Some("fuzz-threshold".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Tư pháp".into(),
        date: "2024-01-02".into(),
        candidates: vec![Candidate {
            name: "Nguyễn Văn A".into(),
            position: "Giám đốc Sở".into(),
            person: None,
        }],
        summoned: 3,
        trustees: (1..=3).map(|i| format!("Thành viên {i}")).collect(),
    };
    let threshold = Threshold {
        t: 2,
        bad_dealer: Some(1),
    };
    let mut m = Meeting::create_threshold(setup, threshold, &mut rng).expect("ceremony");
    m.record_quorum(2, &mut rng).expect("quorum");
    let creds = m.issue_credentials(1, &mut rng).expect("credentials");
    m.open(&mut rng).expect("open");
    let b = m.fill(&creds[0], &[Some(Level::Low)], None, &mut rng);
    m.submit(b, &mut rng).expect("ballot");
    m.close(&mut rng).expect("close");
    m.decrypt_by(&[2, 0], &mut rng).expect("decrypt");
    m.log_bytes()
}

/// An honest meeting with more lines after the header than one batch
/// chunk of the verifier (1 candidate, 1 trustee, 80 ballots).
fn long_log() -> Vec<u8> {
    let mut rng = ChaCha20Rng::from_seed([43; 32]);
    let setup = Setup {
        id: Some("fuzz-long".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Y tế".into(),
        date: "2024-01-01".into(),
        candidates: vec![Candidate {
            name: "Nguyễn Văn A".into(),
            position: "Giám đốc Sở".into(),
            person: None,
        }],
        summoned: 90,
        trustees: vec!["Thành viên 1".into()],
    };
    let mut m = Meeting::create(setup, &mut rng).expect("create");
    m.record_quorum(80, &mut rng).expect("quorum");
    let creds = m.issue_credentials(80, &mut rng).expect("credentials");
    m.open(&mut rng).expect("open");
    let levels = [
        Some(Level::High),
        Some(Level::Confidence),
        Some(Level::Low),
        None,
    ];
    for (i, c) in creds.iter().enumerate() {
        let b = m.fill(c, &[levels[i % 4]], None, &mut rng);
        m.submit(b, &mut rng).expect("ballot");
    }
    m.close(&mut rng).expect("close");
    m.decrypt(&mut rng).expect("decrypt");
    m.log_bytes()
}

fn ballots_of(log: &[u8]) -> Vec<Ballot> {
    split_lines(log)
        .into_iter()
        .filter_map(|l| match parse_line(l).ok()?.payload {
            Payload::Ballot(b) => Some(b),
            _ => None,
        })
        .collect()
}

const HONEST_SCRIPT: &str = r#"election {"id":"fuzz","title":"Lấy phiếu tín nhiệm","unit":"Sở Y tế","date":"2024-01-01","candidates":[{"name":"Nguyễn Văn A","position":"Giám đốc Sở"},{"name":"Trần Thị B","position":"Phó Giám đốc Sở"}],"summoned":5,"trustees":["Một","Hai"],"server_key":"0000000000000000000000000000000000000000000000000000000000000000"}
trustee_key {"trustee":0,"key":"0000000000000000000000000000000000000000000000000000000000000000","proof":"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}
trustee_key {"trustee":1,"key":"0000000000000000000000000000000000000000000000000000000000000000","proof":"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}
election_key {"key":"0000000000000000000000000000000000000000000000000000000000000000"}
quorum {"present":4,"signer":0,"signature":"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}
issue [1,2,3,4]
open {"signer":0,"signature":"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}
cast {"cred":1,"marks":["high","low"]}
cast {"cred":2,"marks":[null,"confidence"],"signed_by":"Lê Văn C"}
cast {"cred":3,"marks":["low","low"]}
close {"refused":{"forged":0,"repeated":0},"signer":1,"signature":"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}
decryption {"trustee":0,"shares":[]}
decryption {"trustee":1,"shares":[]}
result {"counts":[],"signer":0,"signature":"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}
"#;

fn main() {
    let demo = std::env::args()
        .nth(1)
        .map(|p| fs::read(p).expect("demo log"));
    let mini = mini_log();

    // verify_log: whole honest logs.
    write("verify_log", "mini.log", &mini);
    if let Some(d) = &demo {
        write("verify_log", "demo.log", d);
    }
    write("verify_log", "empty.log", b"");
    write("verify_log", "long.log", &long_log());
    let threshold = threshold_log();
    write("verify_log", "threshold.log", &threshold);

    // log_line: every line of the small meeting; every kind of the demo
    // (its first two ballots only: they are 9 KB each).
    for (i, l) in split_lines(&mini).iter().enumerate() {
        write("log_line", &format!("mini-{i:02}"), l);
    }
    for (i, l) in split_lines(&threshold).iter().enumerate() {
        write("log_line", &format!("threshold-{i:02}"), l);
    }
    if let Some(d) = &demo {
        let mut ballots = 0;
        for (i, l) in split_lines(d).iter().enumerate() {
            let is_ballot = matches!(parse_line(l).map(|e| e.payload), Ok(Payload::Ballot(_)));
            if is_ballot {
                ballots += 1;
                if ballots > 2 {
                    continue;
                }
            }
            write("log_line", &format!("demo-{i:02}"), l);
        }
    }

    // ballot_json and answer_bytes: the ballot bodies and their answers.
    let mut all = ballots_of(&mini);
    if let Some(d) = &demo {
        // A signed one (R4) and an anonymous one.
        let b = ballots_of(d);
        all.extend(b.iter().find(|b| b.signed_by.is_some()).cloned());
        all.extend(b.iter().find(|b| b.signed_by.is_none()).cloned());
    }
    for (i, b) in all.iter().enumerate() {
        write(
            "ballot_json",
            &format!("ballot-{i}.json"),
            &serde_json::to_vec(b).expect("ballot json"),
        );
        write(
            "answer_bytes",
            &format!("answer-{i}"),
            &b.answers[0].to_bytes(),
        );
    }

    // credential_text: printed texts and what people type.
    for i in 0..3u8 {
        let t = Credential::from_seed([i * 37 + 1; 16]).to_text();
        write("credential_text", &format!("printed-{i}"), t.as_bytes());
        let typed = t.replace('-', " ").to_lowercase();
        write("credential_text", &format!("typed-{i}"), typed.as_bytes());
        let confused = t.replace('-', "").replace('0', "o").replace('1', "l");
        write(
            "credential_text",
            &format!("confused-{i}"),
            confused.as_bytes(),
        );
    }

    // encoding: hex, base32 and group element bytes.
    write("encoding", "hex", b"00ff7a");
    write("encoding", "base32", b"0123456789ABCDEFGHJKMNPQRSTVWXYZoil");
    let b = &all[0];
    write("encoding", "point-and-scalar", &b.signature.to_bytes());
    write("encoding", "credential", &b.credential);

    // scenario: a one-candidate example and a two-candidate meeting.
    write(
        "scenario",
        "design-example.json",
        r#"{
  "title": "Lấy phiếu tín nhiệm năm 2023",
  "unit": "Sở Y tế tỉnh Nam Định",
  "candidates": [{"name": "Nguyễn Văn A", "position": "Giám đốc Sở"}],
  "summoned": 30,
  "present": 21,
  "trustees": 3,
  "ballots": [
    {"marks": ["high"]},
    {"marks": ["none"], "signed_by": "Trần Thị B"}
  ],
  "forged": 2,
  "repeated": 1
}
"#
        .as_bytes(),
    );
    write(
        "scenario",
        "two-candidates.json",
        br#"{"title":"T","unit":"U","date":"2024-01-01","candidates":[{"name":"A","position":"P"},{"name":"B","position":"Q"}],"summoned":3,"present":2,"trustees":1,"ballots":[{"marks":["confidence","low"]}]}"#,
    );

    // dkg_messages: an honest 2-of-3 dealing (prefixed by its n and t as
    // the target reads them) and a (false) complaint against it.
    {
        use tinnhiem_core::dkg::{deal, Params};
        use tinnhiem_core::trustee::TrusteeKey;
        // The target's own fixture: the same seed and draws, so that the
        // complaint reaches the share check (and is rejected there).
        let mut r = tinnhiem_fuzz::verify::rng();
        let params = Params::new(3, 2).expect("2 of 3");
        let keys: Vec<TrusteeKey> = (0..3).map(|_| TrusteeKey::generate(&mut r)).collect();
        let publics: Vec<_> = keys.iter().map(|k| k.public()).collect();
        let d = deal(&params, &[1; 32], 0, &keys[0], &publics, &mut r).expect("deal");
        let mut bytes = vec![2u8, 1];
        bytes.extend_from_slice(&d.to_bytes());
        write("dkg_messages", "dealing-2-of-3", &bytes);
        let v = d.verify(&params, &[1; 32], 0, &publics[0]).expect("honest");
        let c = v.complain(&[1; 32], 1, &keys[1], &mut r);
        let mut bytes = vec![2u8, 1];
        bytes.extend_from_slice(&c.to_bytes());
        write("dkg_messages", "complaint", &bytes);
    }

    // verify_script: an honest meeting, and the same with a repeated
    // credential, a credential never issued and a ballot after the close.
    write("verify_script", "honest", HONEST_SCRIPT.as_bytes());
    let bad = HONEST_SCRIPT
        .replace(
            "cast {\"cred\":3,\"marks\":[\"low\",\"low\"]}",
            "cast {\"cred\":3,\"marks\":[\"low\",\"low\"]}\ncast {\"cred\":1,\"marks\":[\"low\",\"low\"]}\ncast {\"cred\":9,\"marks\":[\"high\",\"high\"]}",
        )
        .replace(
            "decryption {\"trustee\":0",
            "cast {\"cred\":4,\"marks\":[\"high\",null]}\ndecryption {\"trustee\":0",
        );
    write("verify_script", "exclusions", bad.as_bytes());
    // More lines after the header than one batch chunk: the parallel path.
    let long = HONEST_SCRIPT
        .replace("issue [1,2,3,4]", "issue [1,2,3,4]\n70 issue []")
        .replace(
            "cast {\"cred\":3,\"marks\":[\"low\",\"low\"]}",
            "cast {\"cred\":3,\"marks\":[\"low\",\"low\"]}\n3 cast {\"cred\":4,\"marks\":[\"low\",\"low\"]}",
        );
    write("verify_script", "long", long.as_bytes());
    // The committee's failures: a share that does not verify, a wrong count
    // of shares, a published result that is not the decryption.
    let zero_share = format!("\"{}\"", "0".repeat(256));
    let bad_share = HONEST_SCRIPT.replace(
        "decryption {\"trustee\":1,\"shares\":[]}",
        &format!(
            "decryption {{\"trustee\":1,\"shares\":[{}]}}",
            [zero_share.as_str(); 6].join(",")
        ),
    );
    write("verify_script", "bad-share", bad_share.as_bytes());
    let short = HONEST_SCRIPT.replace(
        "decryption {\"trustee\":1,\"shares\":[]}",
        &format!("decryption {{\"trustee\":1,\"shares\":[{zero_share}]}}"),
    );
    write("verify_script", "short-decryption", short.as_bytes());
    let wrong = HONEST_SCRIPT.replace(
        "result {\"counts\":[]",
        "result {\"counts\":[[2,0,0],[0,1,2]]",
    );
    write("verify_script", "wrong-result", wrong.as_bytes());
    // Audits (PROTOCOL.md §6.3 `audit`): two honest openings before the
    // casts, and one whose stated mark is not the encrypted one.
    let open_line = HONEST_SCRIPT
        .lines()
        .find(|l| l.starts_with("open "))
        .expect("the honest script opens");
    let audits = HONEST_SCRIPT.replace(open_line, &format!("{open_line}\n{AUDITS}"));
    write("verify_script", "audit", audits.as_bytes());
    let lie = HONEST_SCRIPT.replace(open_line, &format!("{open_line}\n{AUDIT_LIE}"));
    write("verify_script", "audit-lie", lie.as_bytes());
    // log_line and verify_log: the committed audit vectors (PROTOCOL.md
    // §8.2): an audit line, a forged one, and the whole log.
    let vectors = Path::new("../crates/tally/tests/vectors");
    let audit_log = fs::read(vectors.join("audit.jsonl")).expect("audit.jsonl");
    let forged_log = fs::read(vectors.join("audit-forged.jsonl")).expect("audit-forged.jsonl");
    write("log_line", "audit-09", split_lines(&audit_log)[9]);
    write("log_line", "audit-forged-06", split_lines(&forged_log)[6]);
    write("verify_log", "audit.log", &audit_log);
    // api_request: an opening sent to the audit route (pick 0x85: POST
    // /audits on the sealed election) and a seal code looked up (0x86).
    let body = parse_line(split_lines(&audit_log)[9])
        .map(|e| match e.payload {
            Payload::Audit(a) => serde_json::to_string(&a).expect("serializes"),
            _ => unreachable!("line 9 is an audit"),
        })
        .expect("an audit line");
    let request = format!(
        "{{\"audit\":{body},\"credential\":\"{}\",\"signature\":\"{}\"}}",
        "0".repeat(64),
        "0".repeat(128)
    );
    write(
        "api_request",
        "audit",
        &[&[0x85u8][..], request.as_bytes()].concat(),
    );
    write("api_request", "audit-get", b"\x863JSE-S3K2-7RE5-BXY3");

    wasm_seeds(&mini);
}

/// Two honest audits for the honest script's election.
const AUDITS: &str = r#"audit {"cred":1,"marks":["low","high"]}
audit {"cred":2,"marks":[null,"confidence"]}"#;

/// An opening whose second mark is stated as "low" though "high" was
/// encrypted: the log fails there (`BadAudit`).
const AUDIT_LIE: &str = r#"audit {"cred":1,"marks":["low","high"],"lie":[1,"low"]}"#;

/// wasm_call: one request per op family the page uses (the first byte is
/// the op): a credential read and one mistyped, a ballot sealed and an
/// opening asked for another seal, a fingerprint, a whole log to verify,
/// and an op that does not exist.
fn wasm_seeds(mini: &[u8]) {
    let credential = Credential::from_seed([7; 16]).to_text();
    // The Ristretto base point: a valid election key.
    let key = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76";
    let hash = "11".repeat(32);
    let op = |n: u8, body: String| [&[n][..], body.as_bytes()].concat();
    write(
        "wasm_call",
        "credential",
        &op(
            2,
            format!(
                r#"{{"election_id":"fuzz","credential":"{}"}}"#,
                &*credential
            ),
        ),
    );
    write(
        "wasm_call",
        "credential-mistyped",
        &op(
            2,
            r#"{"election_id":"fuzz","credential":"QQQQ-QQQQ-QQQQ-QQQQ-QQQQ"}"#.into(),
        ),
    );
    write(
        "wasm_call",
        "seal",
        &op(
            22,
            format!(
                r#"{{"election_id":"fuzz","election_hash":"{hash}","election_key":"{key}","credential":"{}","choices":["high",null],"seed":"{}"}}"#,
                &*credential,
                "07".repeat(32)
            ),
        ),
    );
    write(
        "wasm_call",
        "open-other",
        &op(23, r#"{"seal":"0000-0000-0000-0000"}"#.into()),
    );
    write(
        "wasm_call",
        "fingerprint",
        &op(
            12,
            format!(r#"{{"election_hash":"{hash}","election_key":"{key}"}}"#),
        ),
    );
    let log = serde_json::to_string(&String::from_utf8_lossy(mini)).expect("text");
    write(
        "wasm_call",
        "tally-begin",
        &op(7, format!(r#"{{"log":{log}}}"#)),
    );
    write("wasm_call", "unknown-op", &op(31, "{}".into()));
}
