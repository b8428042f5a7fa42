//! The command line through the real binary: `simulate` writes the files of
//! docs/INTERFACES.md, `verify` checks them with the exit codes 0 / 1 / 2, and the
//! scenario's rules (R2 quorum, one credential per person present) stop a
//! meeting with a clear message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::entry_hash;

const BIN: &str = env!("CARGO_BIN_EXE_tinnhiem");
const KIND_BALLOT: &[u8] = b"\"kind\":\"ballot\"";

/// A fresh, empty directory under the system's temporary directory, removed
/// again when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "tinnhiem-cli-{name}-{}-{nanos}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN).args(args).output().expect("run tinnhiem")
}

fn simulate(scenario: &Value, dir: &TempDir) -> (Output, PathBuf) {
    let file = dir.path().join("scenario.json");
    std::fs::write(&file, serde_json::to_vec_pretty(scenario).unwrap()).unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "simulate".as_ref(),
        file.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    (o, out)
}

fn verify(log: &Path, json: bool) -> Output {
    let mut args = vec!["verify".as_ref(), log.as_os_str()];
    if json {
        args.push("--json".as_ref());
    }
    run(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// 2 candidates, 6 summoned, 5 present (quorum met), 2 trustees, 4 ballots
/// (a blank entry, a signed ballot), 2 forged and 1 repeated attempt.
fn scenario() -> Value {
    serde_json::json!({
        "title": "Lấy phiếu tín nhiệm năm 2023",
        "unit": "Sở Y tế tỉnh Nam Định",
        "date": "2023-11-20",
        "candidates": [
            {"name": "Nguyễn Văn A", "position": "Giám đốc Sở"},
            {"name": "Trần Thị B", "position": "Phó Giám đốc Sở"}
        ],
        "summoned": 6,
        "present": 5,
        "trustees": 2,
        "ballots": [
            {"marks": ["high", "low"]},
            {"marks": ["none", "low"], "signed_by": "Lê Văn C"},
            {"marks": ["confidence", "low"]},
            {"marks": ["high", "high"]}
        ],
        "forged": 2,
        "repeated": 1
    })
}

/// Runs the standard scenario once and checks that it succeeded.
fn simulated(name: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new(name);
    let (o, out) = simulate(&scenario(), &dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "simulate failed:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    (dir, out)
}

#[test]
fn simulate_writes_every_file_of_the_meeting() {
    let (_dir, out) = simulated("files");
    for f in [
        "election.json",
        "receipts.jsonl",
        "log.jsonl",
        "result.json",
        "minutes.html",
    ] {
        assert!(out.join(f).is_file(), "{f} is missing");
    }

    let election: Value =
        serde_json::from_slice(&std::fs::read(out.join("election.json")).unwrap()).unwrap();
    let id = election["id"].as_str().expect("election id");
    assert!(!id.is_empty());
    assert!(election.get("server").is_some());

    // One receipt per accepted ballot (not for the forged or repeated
    // attempts), each naming its line of the log and that line's hash.
    let log = std::fs::read(out.join("log.jsonl")).unwrap();
    let lines: Vec<&[u8]> = log
        .strip_suffix(b"\n")
        .unwrap()
        .split(|&b| b == b'\n')
        .collect();
    let receipts = std::fs::read_to_string(out.join("receipts.jsonl")).unwrap();
    let receipts: Vec<Value> = receipts
        .lines()
        .map(|l| serde_json::from_str(l).expect("a receipt is JSON"))
        .collect();
    assert_eq!(receipts.len(), 4);
    let mut tracking = Vec::new();
    for r in &receipts {
        let seq = r["seq"].as_u64().expect("seq") as usize;
        let line = lines[seq];
        assert!(
            line.windows(KIND_BALLOT.len()).any(|w| w == KIND_BALLOT),
            "receipt seq {seq} is a ballot line"
        );
        assert_eq!(r["entry_hash"].as_str().unwrap(), hex(&entry_hash(line)));
        assert_eq!(r["head"].as_str().unwrap().len(), 64);
        assert_eq!(r["head_signature"].as_str().unwrap().len(), 128);
        let t = r["tracking"].as_str().unwrap();
        assert_eq!(t.len(), 9, "tracking code XXXX-XXXX: {t}");
        tracking.push(t.to_owned());
    }
    tracking.sort();
    tracking.dedup();
    assert_eq!(tracking.len(), 4, "tracking codes are distinct");

    // The result.json of docs/INTERFACES.md, counted from the scenario's marks.
    let result: Value =
        serde_json::from_slice(&std::fs::read(out.join("result.json")).unwrap()).unwrap();
    assert_eq!(
        result["quorum"],
        serde_json::json!({"summoned": 6, "present": 5, "met": true})
    );
    assert_eq!(result["issued"], 5);
    assert_eq!(result["returned"], 4);
    assert_eq!(
        result["refused"],
        serde_json::json!({"forged": 2, "repeated": 1})
    );
    assert_eq!(result["excluded"], 0);
    assert_eq!(
        result["log_head"].as_str().unwrap(),
        hex(&entry_hash(lines[lines.len() - 1]))
    );
    let a = &result["candidates"][0];
    assert_eq!(a["name"], "Nguyễn Văn A");
    assert_eq!(a["position"], "Giám đốc Sở");
    assert_eq!(
        (a["issued"].as_u64(), a["returned"].as_u64()),
        (Some(5), Some(4))
    );
    assert_eq!(
        (a["valid"].as_u64(), a["invalid"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(a["high"], serde_json::json!({"count": 2, "percent": 50.0}));
    assert_eq!(
        a["confidence"],
        serde_json::json!({"count": 1, "percent": 25.0})
    );
    assert_eq!(a["low"], serde_json::json!({"count": 0, "percent": 0.0}));
    assert_eq!(a["consequence"], "none");
    let b = &result["candidates"][1];
    assert_eq!(b["low"], serde_json::json!({"count": 3, "percent": 75.0}));
    assert_eq!(b["high"], serde_json::json!({"count": 1, "percent": 25.0}));
    assert_eq!(b["consequence"], "9.3");

    let minutes = std::fs::read_to_string(out.join("minutes.html")).unwrap();
    assert!(minutes.contains("BIÊN BẢN KIỂM PHIẾU"));
    assert!(minutes.contains("Nguyễn Văn A"));
    assert!(minutes.contains("Trần Thị B"));
    assert!(minutes.contains(result["log_head"].as_str().unwrap()));
}

#[test]
fn verify_accepts_the_simulated_log_and_prints_the_table() {
    let (_dir, out) = simulated("verify-table");
    let o = verify(&out.join("log.jsonl"), false);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}\n{}", stderr(&o));
    assert!(text.contains("Nhật ký hợp lệ"), "{text}");
    for needle in [
        "Nguyễn Văn A",
        "Trần Thị B",
        "Tín nhiệm cao",
        "Tín nhiệm thấp",
        "75.00%",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn verify_counts_cancelled_slips_and_names_a_forced_cancelled_ballot() {
    // The committed vector: one slip cancelled and one issued in its
    // place; the cancelled slip's ballot forced into the log at line 10.
    let log = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/tally/tests/vectors/cancel.jsonl");
    let o = verify(&log, false);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}\n{}", stderr(&o));
    for needle in [
        "Phiếu mã đã huỷ (hỏng, mất), không tính vào phiếu phát ra: 1",
        "Dòng 10: bị loại khi kiểm: mã đã bị Ban kiểm phiếu huỷ",
        "entry 10: excluded: credential cancelled by the counting committee",
        "Phiếu phát ra 3 · phiếu thu vào 2",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn verify_json_prints_result_json_and_the_exclusions() {
    // PROTOCOL.md §7.6: result.json's text, byte for byte, with two more
    // members, `exclusions` and `audits`, last.
    let (_dir, out) = simulated("verify-json");
    let o = verify(&out.join("log.jsonl"), true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = std::fs::read_to_string(out.join("result.json")).unwrap();
    let expected = format!(
        "{},\n  \"exclusions\": [],\n  \"audits\": []\n}}\n",
        expected.strip_suffix("\n}\n").unwrap()
    );
    assert_eq!(stdout(&o), expected);
}

#[test]
fn verify_lists_the_audits_of_the_audit_vector_in_text_and_json() {
    // PROTOCOL.md §7.6, §8.2: the committed log with three audits, and the
    // `--json` document committed beside it.
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/tally/tests/vectors"
    ));
    let o = verify(&dir.join("audit.jsonl"), false);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}\n{}", stderr(&o));
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dir.join("audit.verify.json")).unwrap()).unwrap();
    let audits = doc["audits"].as_array().unwrap();
    assert_eq!(audits.len(), 3);
    assert!(text.contains("Phiếu kiểm tra mã hoá"), "{text}");
    for a in audits {
        let needle = format!(
            "Dòng {} (entry {}): mã niêm phong (seal) {}:",
            a["seq"],
            a["seq"],
            a["seal"].as_str().unwrap()
        );
        assert!(text.contains(&needle), "{needle:?} missing from:\n{text}");
    }
    let o = verify(&dir.join("audit.jsonl"), true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string(dir.join("audit.verify.json")).unwrap()
    );
    // The forged one fails at its audit line with BadAudit.
    let o = verify(&dir.join("audit-forged.jsonl"), true);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string(dir.join("audit-forged.verify.json")).unwrap()
    );
}

#[test]
fn verify_json_names_every_exclusion_with_its_fields() {
    // The forced log of the test vectors: five ballots a compromised server
    // forced in (PROTOCOL.md §8.2).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/crates/tally/tests/vectors");
    let o = verify(&Path::new(dir).join("forced.jsonl"), true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("--json prints JSON");
    let forced: Value =
        serde_json::from_slice(&std::fs::read(Path::new(dir).join("forced.json")).unwrap())
            .unwrap();
    let names: Vec<&Value> = v["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["reason"])
        .collect();
    let want: Vec<&Value> = forced["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["reason"])
        .collect();
    assert_eq!(names, want);
    assert_eq!(v["excluded"], want.len());
    let x = &v["exclusions"];
    assert_eq!(x[0]["fields"], json!({}));
    assert_eq!(x[1]["fields"], json!({"used_by": 7}));
    assert_eq!(
        x[4]["fields"],
        json!({"detail": "IdentityCiphertext", "candidate": 0, "option": 0})
    );
    assert_eq!(
        x[3]["fields"],
        json!({"detail": "ZeroOne", "candidate": 0, "option": 0})
    );
}

#[test]
fn verify_fails_with_exit_1_at_the_tampered_line() {
    let (_dir, out) = simulated("tampered");
    let log = std::fs::read(out.join("log.jsonl")).unwrap();
    let mut lines: Vec<Vec<u8>> = log
        .strip_suffix(b"\n")
        .unwrap()
        .split(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    // The third ballot: change one digit of it.
    let k = lines
        .iter()
        .position(|l| l.windows(KIND_BALLOT.len()).any(|w| w == KIND_BALLOT))
        .expect("a ballot")
        + 2;
    let p = lines[k].len() / 2;
    lines[k][p] = if lines[k][p] == b'0' { b'1' } else { b'0' };
    let tampered = out.join("tampered.jsonl");
    let mut bytes = lines.join(&b'\n');
    bytes.push(b'\n');
    std::fs::write(&tampered, bytes).unwrap();

    let o = verify(&tampered, false);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("entry {k}:")), "{text}");
    // Vietnamese first: the server's signature no longer matches the line.
    assert!(
        text.contains(&format!(
            "Dòng {k}: chữ ký của máy chủ trên dòng này không hợp lệ"
        )),
        "{text}"
    );

    let o = verify(&tampered, true);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("--json prints JSON");
    assert_eq!(
        stdout(&o),
        format!(
            "{{\"error\":{{\"seq\":{k},\"reason\":\"ServerSignature\",\"fields\":{{}},\"message\":{},\"exclusions\":[]}}}}\n",
            json!(v["error"]["message"])
        )
    );
    assert_eq!(v["error"]["seq"], k);
    assert_eq!(v["error"]["reason"], "ServerSignature");
}

#[test]
fn verify_fails_with_exit_1_on_a_truncated_log() {
    let (_dir, out) = simulated("truncated");
    let log = std::fs::read_to_string(out.join("log.jsonl")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let n = lines.len();
    let truncated = out.join("truncated.jsonl");
    std::fs::write(&truncated, lines[..n - 1].join("\n") + "\n").unwrap();
    let o = verify(&truncated, false);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!("entry {}:", n - 1)),
        "{}",
        stdout(&o)
    );
}

#[test]
fn verify_of_a_missing_file_exits_2() {
    let dir = TempDir::new("missing");
    let o = verify(&dir.path().join("no-such-log.jsonl"), false);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-log.jsonl"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["verify".as_ref()]).status.code(), Some(2));
    assert_eq!(run(&["no-such-command".as_ref()]).status.code(), Some(2));
}

#[test]
fn simulate_without_quorum_exits_1_before_voting() {
    // R2: 3 of 6 present is under 2/3.
    let dir = TempDir::new("no-quorum");
    let mut s = scenario();
    s["present"] = 3.into();
    s["ballots"] = serde_json::json!([{"marks": ["high", "low"]}]);
    let (o, out) = simulate(&s, &dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}\n{err}", stdout(&o));
    assert!(err.contains("quorum not met"), "{err}");
    assert!(err.contains("R2"), "{err}");
    assert!(err.contains("3 present of 6 summoned"), "{err}");
    for f in ["log.jsonl", "result.json", "minutes.html", "receipts.jsonl"] {
        assert!(
            !out.join(f).exists(),
            "{f} written although voting never opened"
        );
    }
}

#[test]
fn simulate_at_exactly_two_thirds_runs() {
    // R2: 4 of 6 is exactly 2/3.
    let dir = TempDir::new("exact-quorum");
    let mut s = scenario();
    s["present"] = 4.into();
    s["forged"] = 0.into();
    s["repeated"] = 0.into();
    let (o, out) = simulate(&s, &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let result: Value =
        serde_json::from_slice(&std::fs::read(out.join("result.json")).unwrap()).unwrap();
    assert_eq!(result["quorum"]["met"], true);
    assert_eq!(result["returned"], 4);
}

/// The lines of a log file, each decoded as JSON.
fn log_entries(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The members whose partial decryption is in the log, in log order.
fn decrypted_by(entries: &[Value]) -> Vec<u64> {
    entries
        .iter()
        .filter(|e| e["kind"] == "decryption")
        .map(|e| e["body"]["trustee"].as_u64().unwrap())
        .collect()
}

#[test]
fn simulate_runs_the_threshold_ceremony_and_counts_with_the_members_decrypting() {
    // By default: the smallest majority of the committee (2 of 2 here), and
    // the first members decrypt.
    let (_dir, out) = simulated("default-threshold");
    let entries = log_entries(&out.join("log.jsonl"));
    assert_eq!(entries[0]["body"]["threshold"], 2);
    assert_eq!(decrypted_by(&entries), vec![0, 1]);

    // 2 of 3, members 2 and 0 at the count (member 1 absent).
    let dir = TempDir::new("decrypting");
    let mut s = scenario();
    s["trustees"] = 3.into();
    s["threshold"] = 2.into();
    s["decrypting"] = json!([2, 0]);
    let (o, out) = simulate(&s, &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let entries = log_entries(&out.join("log.jsonl"));
    assert_eq!(entries[0]["body"]["threshold"], 2);
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for (kind, count) in [("trustee_key", 3), ("dealing", 3), ("shares_ok", 3)] {
        assert_eq!(
            kinds.iter().filter(|k| **k == kind).count(),
            count,
            "{kind}"
        );
    }
    assert_eq!(decrypted_by(&entries), vec![2, 0]);
    let result: Value =
        serde_json::from_slice(&std::fs::read(out.join("result.json")).unwrap()).unwrap();
    assert_eq!(result["returned"], 4);
    let o = verify(&out.join("log.jsonl"), false);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // `threshold` = `trustees`: n of n, every member decrypts by default.
    let dir = TempDir::new("n-of-n");
    let mut s = scenario();
    s["trustees"] = 3.into();
    s["threshold"] = 3.into();
    let (o, out) = simulate(&s, &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        decrypted_by(&log_entries(&out.join("log.jsonl"))),
        vec![0, 1, 2]
    );
}

#[test]
fn simulate_with_fewer_members_decrypting_than_the_threshold_exits_1_and_keeps_the_log() {
    let dir = TempDir::new("too-few-decrypting");
    let mut s = scenario();
    s["trustees"] = 3.into();
    s["threshold"] = 3.into();
    s["decrypting"] = json!([0, 1]);
    let (o, out) = simulate(&s, &dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}\n{err}", stdout(&o));
    assert!(err.contains("ngưỡng giải mã là 3"), "{err}");
    assert!(err.contains("the threshold is 3"), "{err}");
    let log = out.join("log.jsonl");
    assert!(err.contains(&log.display().to_string()), "{err}");
    // Voting happened and the log is kept, up to the two decryptions.
    let entries = log_entries(&log);
    assert_eq!(entries.iter().filter(|e| e["kind"] == "ballot").count(), 4);
    assert_eq!(decrypted_by(&entries), vec![0, 1]);
    assert_eq!(entries.last().unwrap()["kind"], "decryption");
    assert!(out.join("receipts.jsonl").exists());
    for f in ["result.json", "minutes.html"] {
        assert!(!out.join(f).exists(), "{f} written without a result");
    }
    // The log is sound, only unfinished.
    let o = verify(&log, true);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["error"]["reason"], "Incomplete", "{v}");
}

#[test]
fn demo_runs_two_of_three_with_a_member_absent_at_the_count() {
    let dir = TempDir::new("demo");
    let out = dir.path().join("out");
    let o = run(&["demo".as_ref(), "--out".as_ref(), out.as_os_str()]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}\n{}", stderr(&o));
    assert!(
        text.contains("threshold 2 of 3: member 3 absent at the count, 2 decrypt"),
        "{text}"
    );
    assert!(text.contains("log verified"), "{text}");
    let entries = log_entries(&out.join("log.jsonl"));
    assert_eq!(entries[0]["body"]["threshold"], 2);
    assert_eq!(decrypted_by(&entries), vec![0, 1]);
    for f in [
        "election.json",
        "receipts.jsonl",
        "result.json",
        "minutes.html",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
}

#[test]
fn a_threshold_or_decrypting_member_out_of_range_is_a_scenario_error() {
    for (field, value, said) in [
        ("threshold", json!(0), "threshold = 0"),
        ("threshold", json!(3), "threshold = 3"),
        ("decrypting", json!([2]), "member 2"),
        ("decrypting", json!([1, 1]), "member 1 twice"),
    ] {
        let dir = TempDir::new("bad-threshold");
        let mut s = scenario();
        s[field] = value;
        let (o, out) = simulate(&s, &dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{field}: {err}");
        assert!(err.contains(said), "{field}: {err}");
        assert!(!out.join("election.json").exists());
    }
}

#[test]
fn more_ballots_than_people_present_is_a_scenario_error() {
    let dir = TempDir::new("too-many");
    let mut s = scenario();
    s["present"] = 4.into();
    s["ballots"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"marks": ["low", "low"]}));
    let (o, out) = simulate(&s, &dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}\n{err}", stdout(&o));
    assert!(err.contains("5 ballots"), "{err}");
    assert!(!out.join("log.jsonl").exists());
}

#[test]
fn malformed_scenario_is_a_scenario_error() {
    let dir = TempDir::new("malformed");
    let mut s = scenario();
    s["ballots"][0]["marks"] = serde_json::json!(["high", "maybe"]);
    let (o, _) = simulate(&s, &dir);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    let o = run(&[
        "simulate".as_ref(),
        dir.path().join("nothing-here.json").as_os_str(),
        "--out".as_ref(),
        dir.path().join("out2").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// Starts `serve --bind <bind>` on a fresh store and returns what it printed
/// on stdout once it listens (it prints the addresses right after binding).
fn serve_announcement(name: &str, bind: &str) -> String {
    use std::io::{BufRead, BufReader};
    let dir = TempDir::new(name);
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--bind",
            bind,
            "--organizer-password",
            "a-test-password",
        ])
        .arg("--data")
        .arg(dir.path().join("store"))
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start tinnhiem serve");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut text = String::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    // The announcement ends with its English sentence (a single address or
    // the loopback warning) or with the last address of the list, which is
    // followed by nothing: read until a quiet half second after the first line.
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        let wait = if text.is_empty() {
            left
        } else {
            std::time::Duration::from_millis(500)
        };
        match rx.recv_timeout(wait) {
            Ok(line) => {
                text.push_str(&line);
                text.push('\n');
            }
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    text
}

/// The port of the first `http://…:PORT/committee` URL in `text`.
fn announced_port(text: &str) -> u16 {
    let at = text.find("/committee").expect("a console URL");
    let before = &text[..at];
    let colon = before.rfind(':').expect("a port");
    before[colon + 1..].parse().expect("a port number")
}

#[test]
fn serve_on_loopback_warns_that_phones_cannot_reach_it_and_says_how() {
    let text = serve_announcement("serve-loopback", "127.0.0.1:0");
    let port = announced_port(&text);
    assert_ne!(port, 0, "{text}");
    assert!(
        text.contains(&format!("http://127.0.0.1:{port}/committee")),
        "{text}"
    );
    assert!(
        text.contains("điện thoại của cử tri không kết nối được"),
        "{text}"
    );
    assert!(
        text.contains("the voters' phones cannot reach it"),
        "{text}"
    );
    assert!(text.contains(&format!("--bind 0.0.0.0:{port}")), "{text}");
}

#[test]
fn serve_on_every_network_lists_each_address_of_the_machine() {
    let text = serve_announcement("serve-any", "0.0.0.0:0");
    let port = announced_port(&text);
    assert!(!text.contains("Warning"), "{text}");
    let v4: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .expect("the machine's interfaces")
        .into_iter()
        .map(|i| i.ip())
        .filter(std::net::IpAddr::is_ipv4)
        .collect();
    assert!(
        !v4.is_empty(),
        "a machine has at least its loopback address"
    );
    for ip in v4 {
        let url = format!("http://{ip}:{port}/committee");
        assert!(text.contains(&url), "{url} missing from:\n{text}");
    }
}

#[test]
fn verify_into_a_closed_pipe_keeps_its_exit_code() {
    // `tinnhiem verify log --json | head -c 1`: the reader leaves before the
    // verdict is written. The exit code must still be the verdict (0 here),
    // never a panic's 101.
    let (_dir, out) = simulated("closed-pipe");
    for json in [true, false] {
        let mut cmd = Command::new(BIN);
        cmd.arg("verify").arg(out.join("log.jsonl"));
        if json {
            cmd.arg("--json");
        }
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run tinnhiem verify");
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait for verify");
        assert_eq!(o.status.code(), Some(0), "json {json}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
}

/// A 2-of-3 threshold log (members 0 and 2 decrypt) whose member 2's
/// partial decryption has its first two shares swapped: each is a valid
/// point with a proof, but not of its own total. Sealed by the meeting's
/// server key, so only the decryption's proof can fail.
fn threshold_log_with_a_bad_decryption(dir: &TempDir) -> (PathBuf, u64) {
    use rand::rngs::OsRng;
    use tinnhiem_core::log::{Candidate, Payload};
    use tinnhiem_tally::sim::{Meeting, Setup, Threshold};
    let rng = &mut OsRng;
    let setup = Setup {
        id: None,
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Y tế".into(),
        date: "2026-11-28".into(),
        candidates: vec![Candidate {
            name: "Nguyễn Văn A".into(),
            position: "Giám đốc".into(),
            person: None,
        }],
        summoned: 3,
        trustees: vec!["Trưởng ban".into(), "Uỷ viên".into(), "Thư ký".into()],
    };
    let t = Threshold {
        t: 2,
        bad_dealer: None,
    };
    let mut m = Meeting::create_threshold(setup, t, rng).unwrap();
    m.record_quorum(3, rng).unwrap();
    let creds = m.issue_credentials(2, rng).unwrap();
    m.open(rng).unwrap();
    for c in &creds {
        let b = m.fill(c, &[Some(tinnhiem_core::ballot::Level::Low)], None, rng);
        m.submit(b, rng).unwrap();
    }
    m.close(rng).unwrap();
    let good = m.partial_decryption(0, rng);
    m.append(Payload::Decryption(good), rng).unwrap();
    let mut bad = m.partial_decryption(2, rng);
    bad.shares.swap(0, 1);
    let seq = m.lines.len() as u64;
    m.force(Payload::Decryption(bad), rng);
    let path = dir.path().join("threshold-bad-decryption.jsonl");
    std::fs::write(&path, m.log_bytes()).unwrap();
    (path, seq)
}

#[test]
fn verify_names_a_bad_partial_decryption_in_a_threshold_log_with_exit_1() {
    let dir = TempDir::new("threshold-bad");
    let (log, seq) = threshold_log_with_a_bad_decryption(&dir);
    let o = verify(&log, false);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("Dòng {seq}: ")) && text.contains(&format!("(entry {seq}: ")),
        "{text}"
    );
    assert!(
        text.contains("trustee 2: partial decryption 0 does not verify"),
        "{text}"
    );
    // The committee as the lines before the failure show it.
    assert!(
        text.contains("Ban kiểm phiếu: 2/3 thành viên cần để giải mã (threshold 2 of 3)")
            && text.contains("Đã giải mã (decrypted by): 0 (Trưởng ban)\n"),
        "{text}"
    );

    let o = verify(&log, true);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("--json prints JSON");
    assert_eq!(
        stdout(&o),
        format!(
            "{{\"error\":{{\"seq\":{seq},\"reason\":\"Decryption\",\"fields\":{{\"trustee\":2,\"item\":0}},\"message\":{},\"exclusions\":[]}}}}\n",
            json!(v["error"]["message"])
        )
    );
}

#[test]
fn verify_prints_the_threshold_of_a_threshold_log_and_keeps_the_json_shape() {
    let dir = TempDir::new("threshold-vector");
    let vector = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/tally/tests/vectors");
    let o = verify(&vector.join("threshold.jsonl"), false);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Ban kiểm phiếu: 2/3 thành viên cần để giải mã (threshold 2 of 3)\n"),
        "{text}"
    );
    assert!(
        text.contains("Thành viên hợp lệ (qualified members): "),
        "{text}"
    );
    assert!(text.contains("Đã giải mã (decrypted by): "), "{text}");
    // --json is result.json and the exclusions, nothing more (§7.6).
    let o = verify(&vector.join("threshold.jsonl"), true);
    assert_eq!(o.status.code(), Some(0));
    let result = std::fs::read_to_string(vector.join("threshold.result.json")).unwrap();
    let expected = format!(
        "{},\n  \"exclusions\": [],\n  \"audits\": []\n}}\n",
        result.strip_suffix("\n}\n").unwrap()
    );
    assert_eq!(stdout(&o), expected);
    // An n-of-n log says every member must decrypt.
    let o = verify(&vector.join("honest.jsonl"), false);
    assert!(
        stdout(&o).contains("(threshold 2 of 2), mọi thành viên đều phải giải mã"),
        "{}",
        stdout(&o)
    );
    drop(dir);
}
