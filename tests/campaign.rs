//! `tinnhiem campaign report` through the real binary (R8, R12): three
//! units' logs (two n-of-n, one 2-of-3 threshold) consolidated, a leader
//! with a code rated in two of them side by side, a leader in three places
//! (R8, exit 1), a tampered log that stops the report, the `--json`
//! document field by field, the CSV and the printable HTML. And the
//! server's side of the code: `person` in the election's set-up goes into
//! line 0 as it is, a bad one is refused.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::Value;
use tinnhiem::scenario::{Scenario, ScenarioError};
use tinnhiem_core::ballot::{Choice, Level};
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{entry_hash, Candidate};
use tinnhiem_tally::sim::{Meeting, Setup, Threshold};

const BIN: &str = env!("CARGO_BIN_EXE_tinnhiem");

const H: Choice = Some(Level::High);
const C: Choice = Some(Level::Confidence);
const L: Choice = Some(Level::Low);
const N: Choice = None;

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "tinnhiem-campaign-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Unit {
    id: &'static str,
    unit: &'static str,
    date: &'static str,
    candidates: [(&'static str, &'static str, Option<&'static str>); 2],
    /// One row per voter, one mark per candidate.
    marks: &'static [[Choice; 2]],
    threshold: bool,
}

/// The meeting of `u`, run in memory and verified line by line as it is
/// made (`sim`): its log file's bytes.
fn make_log(u: &Unit, seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let voters = u.marks.len() as u32;
    let setup = Setup {
        id: Some(u.id.into()),
        title: format!("Lấy phiếu tín nhiệm năm 2026 — {}", u.unit),
        unit: u.unit.into(),
        date: u.date.into(),
        candidates: u
            .candidates
            .iter()
            .map(|&(name, position, person)| Candidate {
                name: name.into(),
                position: position.into(),
                person: person.map(Into::into),
            })
            .collect(),
        summoned: voters,
        trustees: vec!["Trưởng ban".into(), "Thành viên".into(), "Thư ký".into()],
    };
    let mut m = if u.threshold {
        let t = Threshold {
            t: 2,
            bad_dealer: None,
        };
        Meeting::create_threshold(setup, t, &mut rng).unwrap()
    } else {
        Meeting::create(setup, &mut rng).unwrap()
    };
    m.record_quorum(voters, &mut rng).unwrap();
    let creds = m.issue_credentials(u.marks.len(), &mut rng).unwrap();
    m.open(&mut rng).unwrap();
    for (c, marks) in creds.iter().zip(u.marks) {
        let b = m.fill(c, marks, None, &mut rng);
        m.submit(b, &mut rng).unwrap();
    }
    m.close(&mut rng).unwrap();
    if u.threshold {
        m.decrypt_by(&[2, 0], &mut rng).unwrap();
    } else {
        m.decrypt(&mut rng).unwrap();
    }
    m.log_bytes()
}

/// Sở Y tế: Nguyễn Văn A (CB-0042) 40% low, Trần Thị B (no code) 80% low.
const SO_Y_TE: Unit = Unit {
    id: "so-y-te",
    unit: "Sở Y tế tỉnh Nam Định",
    date: "2026-08-13",
    candidates: [
        ("Nguyễn Văn A", "Giám đốc Sở", Some("CB-0042")),
        ("Trần Thị B", "Phó Giám đốc Sở", None),
    ],
    marks: &[[H, L], [C, L], [C, L], [L, L], [L, N]],
    threshold: false,
};

/// Bệnh viện (2 of 3 committee): Nguyễn Văn A again, 60% low (9.2).
const BENH_VIEN: Unit = Unit {
    id: "bv-da-khoa",
    unit: "Bệnh viện Đa khoa tỉnh",
    date: "2026-08-11",
    candidates: [
        ("Nguyễn Văn A", "Chủ tịch Hội đồng quản lý", Some("CB-0042")),
        ("Lê Văn C", "Giám đốc Bệnh viện", Some("CB-0101")),
    ],
    marks: &[[L, H], [L, H], [L, H], [H, C], [C, N]],
    threshold: true,
};

/// Trung tâm Kiểm soát bệnh tật: no one from the other meetings.
const CDC: Unit = Unit {
    id: "cdc",
    unit: "Trung tâm Kiểm soát bệnh tật tỉnh",
    date: "2026-08-20",
    candidates: [
        ("Phạm Thị D", "Giám đốc Trung tâm", Some("CB-0200")),
        ("Vũ Văn E", "Phó Giám đốc Trung tâm", Some("CB-0201")),
    ],
    marks: &[[H, C], [H, L], [C, H]],
    threshold: false,
};

/// A fourth meeting where Nguyễn Văn A is rated a third time.
const CHI_BO: Unit = Unit {
    id: "chi-bo",
    unit: "Chi bộ Văn phòng Sở",
    date: "2026-08-18",
    candidates: [
        ("Nguyễn Văn A", "Bí thư Chi bộ", Some("CB-0042")),
        ("Đỗ Thị G", "Phó Bí thư Chi bộ", Some("CB-0300")),
    ],
    marks: &[[H, H], [C, C], [H, L]],
    threshold: false,
};

fn logs() -> &'static [Vec<u8>; 4] {
    static LOGS: OnceLock<[Vec<u8>; 4]> = OnceLock::new();
    LOGS.get_or_init(|| {
        [
            make_log(&SO_Y_TE, 1),
            make_log(&BENH_VIEN, 2),
            make_log(&CDC, 3),
            make_log(&CHI_BO, 4),
        ]
    })
}

/// Writes the chosen logs (0 Sở Y tế, 1 Bệnh viện, 2 CDC, 3 Chi bộ) into
/// `dir` and returns their paths, in that order.
fn write_logs(dir: &TempDir, which: &[usize]) -> Vec<PathBuf> {
    let names = [
        "so-y-te.jsonl",
        "benh-vien.jsonl",
        "cdc.jsonl",
        "chi-bo.jsonl",
    ];
    which
        .iter()
        .map(|&i| {
            let p = dir.file(names[i]);
            std::fs::write(&p, &logs()[i]).unwrap();
            p
        })
        .collect()
}

fn report(logs: &[PathBuf], extra: &[&str]) -> Output {
    Command::new(BIN)
        .arg("campaign")
        .arg("report")
        .args(logs)
        .args(extra)
        .output()
        .expect("run tinnhiem")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn head_of(log: &[u8]) -> String {
    let last = log
        .strip_suffix(b"\n")
        .unwrap()
        .rsplit(|&b| b == b'\n')
        .next()
        .unwrap();
    hex(&entry_hash(last))
}

#[test]
fn three_units_consolidate_with_a_leader_in_two_places_side_by_side() {
    let dir = TempDir::new("three");
    let paths = write_logs(&dir, &[0, 1, 2]);
    let o = report(&paths, &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", stderr(&o));
    assert!(out.contains("3 hội nghị, mọi nhật ký hợp lệ"), "{out}");
    // Nguyễn Văn A's block: both places, the earlier meeting first.
    let a = &out[out
        .find("CB-0042 · Nguyễn Văn A · 2 nơi")
        .expect("two places")..];
    let a = &a[..a.find("\n\n").unwrap()];
    assert!(a.contains("9.4"), "{a}");
    let header = a.lines().nth(1).unwrap();
    assert!(header.contains("Nơi 1 (place 1)") && header.contains("Nơi 2 (place 2)"));
    let unit_row = a.lines().find(|l| l.contains("Đơn vị (unit)")).unwrap();
    let (bv, syt) = (
        unit_row.find("Bệnh viện Đa khoa tỉnh").unwrap(),
        unit_row.find("Sở Y tế tỉnh Nam Định").unwrap(),
    );
    assert!(bv < syt, "places not in date order: {unit_row}");
    let low_row = a.lines().find(|l| l.contains("Tín nhiệm thấp")).unwrap();
    assert!(
        low_row.contains("3 (60,00%)") && low_row.contains("2 (40,00%)"),
        "percentages as Vietnamese writes them: {low_row}"
    );
    let r7 = a.lines().find(|l| l.contains("Hệ quả R7")).unwrap();
    assert!(r7.contains("9.2") && r7.contains("không"), "{r7}");
    // A candidate without a code stands alone.
    assert!(out.contains("chưa có mã (no code) · Trần Thị B · 1 nơi"));
    // Report deadlines (R12): 13/8/2026 + 7 working days, Monday to Friday
    // (the Saturday 22/8 worked in the National Day swap does not count).
    assert!(out.contains("ngày họp (date) 2026-08-13 · hạn báo cáo (report due, R12) 2026-08-24"));
    assert!(out.contains("R8 holds"));
}

#[test]
fn campaign_json_has_the_documented_fields_and_values() {
    let dir = TempDir::new("json");
    let paths = write_logs(&dir, &[0, 1, 2]);
    let o = report(&paths, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(keys(&doc), ["elections", "people", "violations"]);
    let elections = doc["elections"].as_array().unwrap();
    assert_eq!(elections.len(), 3);
    let expect = [
        ("so-y-te", &SO_Y_TE, "2026-08-24", 0),
        ("bv-da-khoa", &BENH_VIEN, "2026-08-20", 1),
        ("cdc", &CDC, "2026-09-03", 2),
    ];
    for (e, (id, unit, due, i)) in elections.iter().zip(expect) {
        assert_eq!(
            keys(e),
            [
                "date",
                "id",
                "log",
                "log_head",
                "report_due",
                "title",
                "unit"
            ]
        );
        assert_eq!(e["log"], paths[i].display().to_string());
        assert_eq!(e["id"], id);
        assert_eq!(e["unit"], unit.unit);
        assert_eq!(
            e["title"],
            format!("Lấy phiếu tín nhiệm năm 2026 — {}", unit.unit)
        );
        assert_eq!(e["date"], unit.date);
        assert_eq!(e["log_head"], head_of(&logs()[i]));
        assert_eq!(e["report_due"], due);
    }
    let people = doc["people"].as_array().unwrap();
    let codes: Vec<&Value> = people.iter().map(|p| &p["person"]).collect();
    assert_eq!(
        codes,
        [
            &Value::from("CB-0042"),
            &Value::Null,
            &Value::from("CB-0101"),
            &Value::from("CB-0200"),
            &Value::from("CB-0201"),
        ],
        "one entry per code, in order of first appearance"
    );
    let a = &people[0];
    assert_eq!(keys(a), ["name", "person", "places"]);
    assert_eq!(a["name"], "Nguyễn Văn A");
    let places = a["places"].as_array().unwrap();
    assert_eq!(places.len(), 2);
    for p in places {
        assert_eq!(
            keys(p),
            [
                "confidence",
                "consequence",
                "election",
                "high",
                "low",
                "position",
                "returned",
                "unit",
                "valid"
            ]
        );
        for level in ["high", "confidence", "low"] {
            assert_eq!(keys(&p[level]), ["count", "percent"]);
        }
    }
    // Date order: the hospital (11/8) before the department (13/8).
    let bv = &places[0];
    assert_eq!(bv["election"], "bv-da-khoa");
    assert_eq!(bv["unit"], "Bệnh viện Đa khoa tỉnh");
    assert_eq!(bv["position"], "Chủ tịch Hội đồng quản lý");
    assert_eq!(bv["returned"], 5);
    assert_eq!(bv["valid"], 5);
    assert_eq!(bv["high"]["count"], 1);
    assert_eq!(bv["high"]["percent"], 20.0);
    assert_eq!(bv["confidence"]["count"], 1);
    assert_eq!(bv["low"]["count"], 3);
    assert_eq!(bv["low"]["percent"], 60.0);
    assert_eq!(bv["consequence"], "9.2");
    let syt = &places[1];
    assert_eq!(syt["election"], "so-y-te");
    assert_eq!(syt["low"]["count"], 2);
    assert_eq!(syt["confidence"]["count"], 2);
    assert_eq!(syt["consequence"], "none");
    // Trần Thị B: 4 low of 5 returned, one blank entry (R5).
    let b = &people[1];
    assert_eq!(b["name"], "Trần Thị B");
    let bp = &b["places"][0];
    assert_eq!(
        (bp["returned"].clone(), bp["valid"].clone()),
        (5.into(), 4.into())
    );
    assert_eq!(bp["low"]["percent"], 80.0);
    assert_eq!(bp["consequence"], "9.3");
    assert_eq!(doc["violations"], Value::Array(vec![]));
}

#[test]
fn a_leader_rated_in_three_places_is_an_r8_violation_with_exit_1() {
    let dir = TempDir::new("r8");
    let paths = write_logs(&dir, &[0, 1, 3]);
    let o = report(&paths, &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("CB-0042 · Nguyễn Văn A · 3 nơi"), "{out}");
    assert!(out.contains("VI PHẠM R8 (violation): cán bộ CB-0042 được lấy phiếu ở 3 nơi, tối đa 2"));
    let o = report(&paths, &["--json"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        doc["violations"],
        serde_json::json!([{"rule": "R8", "person": "CB-0042", "places": 3}])
    );
    let dates: Vec<&str> = doc["people"][0]["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["election"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["bv-da-khoa", "so-y-te", "chi-bo"]);
}

#[test]
fn a_tampered_log_stops_the_report_naming_it_and_its_first_bad_line() {
    let dir = TempDir::new("tamper");
    let mut paths = write_logs(&dir, &[0, 2]);
    // The hospital's log with one byte of its 12th line changed.
    let mut bad = logs()[1].clone();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            bad.iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    let at = starts[12] + 40;
    bad[at] = if bad[at] == b'0' { b'1' } else { b'0' };
    let tampered = dir.file("benh-vien-sua.jsonl");
    std::fs::write(&tampered, &bad).unwrap();
    paths.insert(1, tampered.clone());
    let (html, csv) = (dir.file("r.html"), dir.file("r.csv"));
    let o = report(
        &paths,
        &[
            "--html",
            html.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("NHẬT KÝ KHÔNG HỢP LỆ, KHÔNG TỔNG HỢP"),
        "{out}"
    );
    assert!(
        out.contains(&format!("{}: dòng 12:", tampered.display())),
        "{out}"
    );
    assert!(!out.contains("so-y-te.jsonl"), "only the bad log is named");
    assert!(!out.contains("Nơi 1"), "nothing consolidated");
    assert!(!html.exists() && !csv.exists(), "no report written");
    let o = report(&paths, &["--json"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let failed = doc["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["log"], tampered.display().to_string());
    assert_eq!(failed[0]["error"]["seq"], 12);
}

#[test]
fn the_office_gets_a_csv_for_its_spreadsheet_and_a_printable_report() {
    let dir = TempDir::new("files");
    let paths = write_logs(&dir, &[0, 1, 2]);
    let (html, csv) = (dir.file("bao-cao.html"), dir.file("bao-cao.csv"));
    let o = report(
        &paths,
        &[
            "--html",
            html.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
            "--deadline",
            "2026-08-19",
            "--office",
            "SỞ Y TẾ TỈNH NAM ĐỊNH — PHÒNG TỔ CHỨC CÁN BỘ",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read(&csv).unwrap();
    assert!(
        csv.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte-order mark"
    );
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let rows: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(
        rows.len(),
        1 + 6,
        "a header and one row per leader and place"
    );
    assert!(rows[0].starts_with("Mã cán bộ (person),Họ và tên (name),Số nơi (places)"));
    let a: Vec<&str> = rows
        .iter()
        .filter(|r| r.starts_with("CB-0042,"))
        .copied()
        .collect();
    assert_eq!(a.len(), 2);
    let first: Vec<&str> = a[0].split(',').collect();
    assert_eq!(
        &first[..8],
        [
            "CB-0042",
            "Nguyễn Văn A",
            "2",
            "Bệnh viện Đa khoa tỉnh",
            "bv-da-khoa",
            "2026-08-11",
            "2026-08-20",
            "Chủ tịch Hội đồng quản lý"
        ]
    );
    assert_eq!(
        &first[8..19],
        ["5", "5", "5", "0", "1", "20.00", "1", "20.00", "3", "60.00", "9.2"]
    );
    let html = std::fs::read_to_string(&html).unwrap();
    for needle in [
        "<html lang=\"vi\">",
        "@page { size: A4;",
        "SỞ Y TẾ TỈNH NAM ĐỊNH — PHÒNG TỔ CHỨC CÁN BỘ",
        "BÁO CÁO TỔNG HỢP KẾT QUẢ LẤY PHIẾU TÍN NHIỆM",
        "Hạn báo cáo của đợt <span class=\"en\">(the campaign's deadline)</span>: <b>2026-08-19</b>",
        "Cán bộ được lấy phiếu ở 2 nơi",
        "miễn nhiệm chức vụ đang đảm nhiệm",
        "đưa ra khỏi quy hoạch chức vụ cao hơn",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // The CDC met on 20/8, after the campaign's deadline: late; the
    // others met before it, with their own deadlines past it.
    assert_eq!(html.matches("TRỄ HẠN: họp sau hạn của đợt").count(), 1);
    assert_eq!(html.matches("hạn báo cáo R12 sau hạn của đợt").count(), 2);
    let late = html.find("TRỄ HẠN").unwrap();
    let row = &html[html[..late].rfind("<tr>").unwrap()..late];
    assert!(row.contains("Trung tâm Kiểm soát bệnh tật tỉnh"), "{row}");
}

#[test]
fn a_calendar_file_moves_the_report_deadline() {
    let dir = TempDir::new("calendar");
    let paths = write_logs(&dir, &[0]);
    let cal = dir.file("lich.txt");
    std::fs::write(&cal, "# thử\noff 2026-08-14 Nghỉ (thử)\n").unwrap();
    let o = report(&paths, &["--json", "--calendar", cal.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["elections"][0]["report_due"], "2026-08-25");
    std::fs::write(&cal, "holiday 2026-08-14\nwork 2026-08-17 thứ Hai\n").unwrap();
    let o = report(&paths, &["--calendar", cal.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("dòng 2"), "{}", stderr(&o));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = TempDir::new("usage");
    let paths = write_logs(&dir, &[0, 1]);
    let o = report(&[dir.file("missing.jsonl")], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read"));
    // The same election twice would count its leaders twice.
    let copy = dir.file("copy.jsonl");
    std::fs::copy(&paths[0], &copy).unwrap();
    let o = report(&[paths[0].clone(), paths[1].clone(), copy], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cùng một hội nghị"), "{}", stderr(&o));
    let o = report(&[], &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = report(&paths, &["--deadline", "30/8/2026"]);
    assert_eq!(o.status.code(), Some(2));
    let o = report(
        &paths,
        &["--csv", dir.file("no/such/dir.csv").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_scenario_candidate_may_carry_a_person_code() {
    let with = |person: &str| {
        format!(
            r#"{{"title":"T","unit":"U","date":"2026-08-13",
                "candidates":[{{"name":"A","position":"P","person":{person}}}],
                "summoned":3,"present":2,"trustees":2,"ballots":[{{"marks":["low"]}}]}}"#
        )
    };
    let s = Scenario::from_slice(with("\"CB-0042\"").as_bytes()).unwrap();
    assert_eq!(s.candidates[0].person.as_deref(), Some("CB-0042"));
    assert_eq!(
        Scenario::from_slice(with("null").as_bytes())
            .unwrap()
            .candidates[0]
            .person,
        None
    );
    for bad in ["\"\"", "\"CB 42\"", "\"=1+1\""] {
        let r = Scenario::from_slice(with(bad).as_bytes());
        assert!(matches!(r, Err(ScenarioError::Invalid(_))), "{bad}: {r:?}");
    }
}

#[tokio::test]
async fn the_server_puts_the_person_code_into_line_0_and_refuses_a_bad_one() {
    let dir = common::TempDir::new("campaign-server");
    let server = common::Server::start(dir.path()).await;
    let mut input = common::input(2, 5, 1);
    input.candidates[0].person = Some("CB-0042".into());
    let mut m = common::Meeting::create(&server.client, &input).await;
    m.seal().await;
    let log = m.log().await;
    let line0 = std::str::from_utf8(log.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert!(
        line0.contains(r#""position":"Giám đốc Sở","person":"CB-0042"},{"name":"Nguyễn Văn B","position":"Phó Giám đốc Sở"}"#),
        "{line0}"
    );
    let token = common::login(&server.client, common::PASSWORD)
        .await
        .unwrap();
    input.candidates[1].person = Some("CB 7".into());
    let r: Result<serde_json::Value, _> = server
        .client
        .call(
            hyper::Method::POST,
            "/api/elections",
            Some(&input),
            Some(&token),
        )
        .await;
    common::assert_refused(r, 422, "invalid", "a person code with a space");
}
