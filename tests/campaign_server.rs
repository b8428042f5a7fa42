//! The superior body's campaign on the server, through the real binary and
//! its HTTP API (R8, R11, R12): a campaign with its units, three units'
//! meetings (two elections of this server, one log from a unit's own
//! server uploaded as a file), a leader with a personnel code rated in two
//! of them side by side, a third place refused at creation, on an edit and
//! at the seal (naming the two places), a tampered log refused at its
//! line, each unit's status against the deadlines, the consolidated table
//! equal to the command line's, and every route closed to anyone but an
//! officer.

mod common;

use std::path::Path;

use common::{raw, Meeting, Server, TempDir, PASSWORD};
use hyper::Method;
use serde_json::{json, Value};
use tinnhiem_core::ballot::Choice;
use tinnhiem_server::election::{CandidateInput, ElectionInput};

const OFFICER: &str = "mat-khau-can-bo-cap-tren";
/// The day the server under test takes as today.
const TODAY: &str = "2026-08-20";

async fn start_with_officer(dir: &Path) -> Server {
    let file = dir.join("officer-password");
    std::fs::write(&file, format!("{OFFICER}\n")).unwrap();
    Server::start_args(
        dir,
        Some(PASSWORD),
        "warn",
        &[
            "--officer-password-file",
            file.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    )
    .await
}

/// JSON request with an optional bearer: status and JSON answer.
async fn call(
    server: &Server,
    method: Method,
    path: &str,
    body: Option<Value>,
    bearer: Option<&str>,
) -> (u16, Value) {
    let a = raw(
        &server.base,
        method,
        path,
        body.as_ref().map(|_| "application/json"),
        body.map(|b| serde_json::to_vec(&b).unwrap())
            .unwrap_or_default(),
        bearer,
    )
    .await;
    let v = serde_json::from_slice(&a.body).unwrap_or(Value::Null);
    (a.status.as_u16(), v)
}

async fn officer_login(server: &Server) -> String {
    let (s, v) = call(
        server,
        Method::POST,
        "/api/officer/login",
        Some(json!({"password": OFFICER})),
        None,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v["token"].as_str().unwrap().to_owned()
}

/// A meeting's set-up: `unit`, `date`, leaders `(name, position, code)`.
fn setup(
    unit: &str,
    date: &str,
    leaders: &[(&str, &str, Option<&str>)],
    campaign: Option<&str>,
) -> ElectionInput {
    let mut input = common::input(leaders.len(), 5, 3);
    input.title = format!("Lấy phiếu tín nhiệm năm 2026 — {unit}");
    input.unit = unit.into();
    input.date = date.into();
    input.candidates = leaders
        .iter()
        .map(|&(name, position, person)| CandidateInput {
            name: name.into(),
            position: position.into(),
            retiring: false,
            appointed_this_year: false,
            person: person.map(Into::into),
        })
        .collect();
    input.campaign = campaign.map(Into::into);
    input
}

/// Runs a whole meeting on `server` with one ballot per row of `marks`;
/// returns it (its log is complete and verifies).
async fn hold(server: &Server, input: &ElectionInput, marks: &[&[&str]]) -> Meeting {
    let mut m = Meeting::create(&server.client, input).await;
    m.prepare(5, marks.len()).await;
    for (i, row) in marks.iter().enumerate() {
        let choices: Vec<Choice> = common::marks(row);
        let b = m.ballot(&m.credentials[i].clone(), &choices, None).await;
        m.cast(&b).await.expect("cast");
    }
    m.finish().await;
    m
}

const SO_Y_TE: &str = "Sở Y tế tỉnh Nam Định";
const BENH_VIEN: &str = "Bệnh viện Đa khoa tỉnh";
const CDC: &str = "Trung tâm Kiểm soát bệnh tật tỉnh";
const CHI_BO: &str = "Chi bộ Văn phòng Sở";

struct World {
    _dir: TempDir,
    _other_dir: TempDir,
    server: Server,
    officer: String,
    campaign: String,
    so_y_te: Meeting,
    benh_vien: Meeting,
    /// The log of the CDC's meeting, held on its own server.
    cdc_log: Vec<u8>,
    /// A committee member's code and a candidate's code of a meeting here.
    trustee_code: String,
    candidate_code: String,
    /// A voter's credential (secret) of a meeting here.
    credential: String,
}

/// The campaign: Sở Y tế and Bệnh viện meet on this server (Nguyễn Văn A,
/// CB-0042, rated in both), the CDC on its own server (its log uploaded),
/// the Chi bộ has not met.
async fn world() -> World {
    let dir = TempDir::new("campaign-server");
    let server = start_with_officer(dir.path()).await;
    let officer = officer_login(&server).await;
    let (s, c) = call(
        &server,
        Method::POST,
        "/api/campaigns",
        Some(json!({
            "name": "Lấy phiếu tín nhiệm năm 2026",
            "deadline": "2026-08-31",
            "units": [SO_Y_TE, BENH_VIEN, CDC, CHI_BO],
            "office": "Sở Y tế tỉnh Nam Định — Phòng Tổ chức cán bộ",
        })),
        Some(&officer),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let campaign = c["id"].as_str().unwrap().to_owned();

    // Sở Y tế: created with the campaign's id in its set-up.
    let so_y_te = hold(
        &server,
        &setup(
            SO_Y_TE,
            "2026-08-13",
            &[
                ("Nguyễn Văn A", "Giám đốc Sở", Some("CB-0042")),
                ("Trần Thị B", "Phó Giám đốc Sở", None),
            ],
            Some(&campaign),
        ),
        &[
            &["high", "low"],
            &["confidence", "low"],
            &["low", "low"],
            &["low", "none"],
        ],
    )
    .await;
    // Bệnh viện: held without the campaign, attached by the officer.
    let benh_vien = hold(
        &server,
        &setup(
            BENH_VIEN,
            "2026-08-12",
            &[
                ("Nguyễn Văn A", "Chủ tịch Hội đồng quản lý", Some("CB-0042")),
                ("Lê Văn C", "Giám đốc Bệnh viện", Some("CB-0101")),
            ],
            None,
        ),
        &[&["low", "high"], &["low", "high"], &["high", "confidence"]],
    )
    .await;
    let (s, v) = call(
        &server,
        Method::POST,
        &format!("/api/campaigns/{campaign}/elections"),
        Some(json!({"election": benh_vien.id()})),
        Some(&officer),
    )
    .await;
    assert_eq!(s, 204, "{v}");

    // The CDC on its own server.
    let other_dir = TempDir::new("campaign-other");
    let other = Server::start(other_dir.path()).await;
    let cdc = hold(
        &other,
        &setup(
            CDC,
            "2026-08-07",
            &[
                ("Phạm Thị D", "Giám đốc Trung tâm", Some("CB-0200")),
                ("Vũ Văn E", "Phó Giám đốc Trung tâm", None),
            ],
            None,
        ),
        &[
            &["high", "confidence"],
            &["high", "low"],
            &["confidence", "high"],
        ],
    )
    .await;
    let cdc_log = cdc.log().await.to_vec();

    let credential = hex_credential(&so_y_te);
    World {
        trustee_code: so_y_te.created.trustee_codes[0].clone(),
        candidate_code: so_y_te.created.candidate_codes[0].clone(),
        credential,
        _dir: dir,
        _other_dir: other_dir,
        server,
        officer,
        campaign,
        so_y_te,
        benh_vien,
        cdc_log,
    }
}

fn hex_credential(m: &Meeting) -> String {
    m.credentials[0].to_text().to_string()
}

async fn upload(w: &World, name: &str, log: &[u8], bearer: Option<&str>) -> (u16, Value) {
    let a = raw(
        &w.server.base,
        Method::POST,
        &format!("/api/campaigns/{}/logs?name={name}", w.campaign),
        Some("application/jsonl"),
        log.to_vec(),
        bearer,
    )
    .await;
    (
        a.status.as_u16(),
        serde_json::from_slice(&a.body).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn three_units_consolidate_with_an_uploaded_log_and_a_third_place_is_refused_naming_the_two()
{
    let mut w = world().await;
    let officer_token = w.officer.clone();
    let officer = Some(officer_token.as_str());

    // A tampered log is refused, naming its first bad line; nothing kept.
    let mut tampered = w.cdc_log.clone();
    let lines: Vec<usize> = tampered
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // A digit inside line 5's JSON (the bytes just after line 4 ends).
    let start = lines[4] + 1;
    let at = start
        + tampered[start..]
            .iter()
            .position(|b| b.is_ascii_digit())
            .unwrap();
    tampered[at] = if tampered[at] == b'0' { b'1' } else { b'0' };
    let (s, v) = upload(&w, "cdc-sua.jsonl", &tampered, officer).await;
    assert_eq!((s, v["error"].as_str()), (422, Some("bad_log")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("dòng 5"), "{v}");
    assert!(v["message_en"].as_str().unwrap().contains("line 5"), "{v}");

    // The true log is verified and kept.
    let (s, v) = upload(&w, "cdc.jsonl", &w.cdc_log, officer).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["source"], "upload");
    assert_eq!(v["verified"], true);
    assert_eq!(v["unit"], CDC);
    // Again: the same file is a success, not a second meeting.
    let (s, _) = upload(&w, "cdc.jsonl", &w.cdc_log, officer).await;
    assert_eq!(s, 201);

    // R8: a third place for CB-0042 is refused at creation, naming both.
    let third = setup(
        CHI_BO,
        "2026-08-25",
        &[
            ("Nguyễn Văn A", "Bí thư Chi bộ", Some("CB-0042")),
            ("Đỗ Thị G", "Phó Bí thư Chi bộ", Some("CB-0300")),
        ],
        Some(&w.campaign),
    );
    let organizer = w.so_y_te.token.clone();
    let (s, v) = call(
        &w.server,
        Method::POST,
        "/api/elections",
        Some(serde_json::to_value(&third).unwrap()),
        Some(&organizer),
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (422, Some("r8_places")), "{v}");
    let msg = v["message"].as_str().unwrap();
    for part in [
        "CB-0042",
        SO_Y_TE,
        BENH_VIEN,
        "Giám đốc Sở",
        "Chủ tịch Hội đồng quản lý",
        "R8",
    ] {
        assert!(msg.contains(part), "the refusal names {part}: {msg}");
    }
    // The same leader on a ballot outside the campaign is not its business.
    let mut outside = third.clone();
    outside.campaign = None;
    let (s, v) = call(
        &w.server,
        Method::POST,
        "/api/elections",
        Some(serde_json::to_value(&outside).unwrap()),
        Some(&organizer),
    )
    .await;
    assert_eq!(s, 201, "{v}");

    // A draft of the campaign without the code, then edited to add it: refused.
    let mut chi_bo = third.clone();
    chi_bo.candidates[0].person = Some("CB-0301".into());
    let (s, v) = call(
        &w.server,
        Method::POST,
        "/api/elections",
        Some(serde_json::to_value(&chi_bo).unwrap()),
        Some(&organizer),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let draft = v["id"].as_str().unwrap().to_owned();
    let (s, v) = call(
        &w.server,
        Method::PUT,
        &format!("/api/elections/{draft}"),
        Some(serde_json::to_value(&third).unwrap()),
        Some(&organizer),
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (422, Some("r8_places")), "{v}");
    let view: Value = call(
        &w.server,
        Method::GET,
        &format!("/api/elections/{draft}"),
        None,
        None,
    )
    .await
    .1;
    assert_eq!(
        view["candidates"][0]["person"], "CB-0301",
        "the refused edit changed nothing"
    );

    // A draft that passed with one place, sealed after a second one came
    // in (a unit's log uploaded): the seal is refused.
    let late = setup(
        "Đảng uỷ Sở",
        "2026-08-26",
        &[
            ("Lê Văn C", "Phó Bí thư Đảng uỷ", Some("CB-0101")),
            ("Hồ Văn H", "Uỷ viên", None),
        ],
        Some(&w.campaign),
    );
    let (s, v) = call(
        &w.server,
        Method::POST,
        "/api/elections",
        Some(serde_json::to_value(&late).unwrap()),
        Some(&organizer),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let late_id = v["id"].as_str().unwrap().to_owned();
    let other_dir = TempDir::new("campaign-third");
    let other = Server::start(other_dir.path()).await;
    let cong_doan = hold(
        &other,
        &setup(
            "Công đoàn ngành Y tế",
            "2026-08-14",
            &[("Lê Văn C", "Chủ tịch Công đoàn", Some("CB-0101"))],
            None,
        ),
        &[&["high"], &["confidence"]],
    )
    .await;
    let (s, v) = upload(&w, "cong-doan.jsonl", &cong_doan.log().await, officer).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = call(
        &w.server,
        Method::POST,
        &format!("/api/elections/{late_id}/seal"),
        Some(json!({})),
        Some(&organizer),
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (422, Some("r8_places")), "{v}");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.contains(BENH_VIEN) && msg.contains("Công đoàn ngành Y tế"),
        "{msg}"
    );
    let view: Value = call(
        &w.server,
        Method::GET,
        &format!("/api/elections/{late_id}"),
        None,
        None,
    )
    .await
    .1;
    assert_eq!(view["phase"], "draft");

    // Each unit's status (R12), with --today 2026-08-20.
    let (s, c) = call(
        &w.server,
        Method::GET,
        &format!("/api/campaigns/{}", w.campaign),
        None,
        officer,
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["today"], TODAY);
    let unit = |name: &str| {
        c["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("unit {name}: {c}"))
    };
    let so = unit(SO_Y_TE);
    assert_eq!(so["status"], "reported");
    assert_eq!(so["meetings"][0]["source"], "server");
    assert_eq!(so["meetings"][0]["verified"], true);
    assert_eq!(so["meetings"][0]["report_due"], "2026-08-24");
    assert_eq!(so["meetings"][0]["received"], TODAY);
    assert_eq!(so["meetings"][0]["timeliness"], "on_time");
    assert_eq!(unit(BENH_VIEN)["meetings"][0]["timeliness"], "on_time");
    // The CDC met on Friday 7 August: due Tuesday 18 August, received the 20th.
    let cdc = unit(CDC);
    assert_eq!(cdc["status"], "reported");
    assert_eq!(cdc["meetings"][0]["source"], "upload");
    assert_eq!(cdc["meetings"][0]["report_due"], "2026-08-18");
    assert_eq!(cdc["meetings"][0]["timeliness"], "late");
    assert!(cdc["meetings"][0]["timeliness_note"]
        .as_str()
        .unwrap()
        .contains("7 ngày làm việc"));
    // The Chi bộ: a draft with no result yet; not yet due.
    let chi = unit(CHI_BO);
    assert_eq!(chi["expected"], true);
    assert_eq!(chi["status"], "in_progress");
    assert_eq!(chi["meetings"][0]["phase"], "draft");
    assert_eq!(chi["meetings"][0]["timeliness"], "pending");
    // Units the campaign does not list are shown apart.
    assert_eq!(unit("Công đoàn ngành Y tế")["expected"], false);

    // The consolidated table: the tally's own consolidation of the logs.
    let (s, report) = call(
        &w.server,
        Method::GET,
        &format!("/api/campaigns/{}/report", w.campaign),
        None,
        officer,
    )
    .await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["elections"].as_array().unwrap().len(), 4);
    let a = report["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"] == "CB-0042")
        .unwrap();
    let places = a["places"].as_array().unwrap();
    assert_eq!(places.len(), 2);
    // In date order: the hospital (12 August), then the department (13th).
    assert_eq!(places[0]["unit"], BENH_VIEN);
    assert_eq!(places[1]["unit"], SO_Y_TE);
    assert_eq!(places[0]["low"]["count"], 2);
    assert_eq!(places[0]["consequence"], "9.3", "2 of 3 low");
    assert_eq!(
        places[1]["consequence"], "none",
        "exactly half is not over half"
    );
    assert_eq!(places[1]["low"]["count"], 2);
    assert_eq!(places[1]["returned"], 4);
    assert_eq!(report["violations"], json!([]));
    let c = report["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"] == "CB-0101")
        .unwrap();
    assert_eq!(
        c["places"].as_array().unwrap().len(),
        2,
        "the hospital and the union"
    );

    // The CSV is the command line's, byte for byte, over the same logs.
    let dir = TempDir::new("campaign-csv");
    let mut names = Vec::new();
    for e in report["elections"].as_array().unwrap() {
        let name = e["log"].as_str().unwrap().to_owned();
        let bytes = if name == "cdc.jsonl" {
            w.cdc_log.clone()
        } else if name == "cong-doan.jsonl" {
            cong_doan.log().await.to_vec()
        } else {
            let id = name.strip_suffix(".jsonl").unwrap();
            raw(
                &w.server.base,
                Method::GET,
                &format!("/api/elections/{id}/log"),
                None,
                Vec::new(),
                None,
            )
            .await
            .body
            .to_vec()
        };
        std::fs::write(dir.path().join(&name), bytes).unwrap();
        names.push(name);
    }
    let out = std::process::Command::new(common::BIN)
        .current_dir(dir.path())
        .args(["campaign", "report", "--csv", "cli.csv", "--json"])
        .args(&names)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli_json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        cli_json, report,
        "the server's report is the command line's"
    );
    let csv = raw(
        &w.server.base,
        Method::GET,
        &format!("/api/campaigns/{}/report.csv", w.campaign),
        None,
        Vec::new(),
        officer,
    )
    .await;
    assert_eq!(csv.status.as_u16(), 200);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    assert!(csv
        .body
        .starts_with("\u{feff}Mã cán bộ (person)".as_bytes()));
    assert_eq!(
        csv.body.to_vec(),
        std::fs::read(dir.path().join("cli.csv")).unwrap()
    );

    // The printable report: its own policy, the office, the two places.
    let html = raw(
        &w.server.base,
        Method::GET,
        &format!("/api/campaigns/{}/report.html", w.campaign),
        None,
        Vec::new(),
        officer,
    )
    .await;
    assert_eq!(html.status.as_u16(), 200);
    assert!(html.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'; style-src 'sha256-"));
    let text = html.text();
    assert!(text.contains("Phòng Tổ chức cán bộ"));
    assert!(text.contains("BÁO CÁO TỔNG HỢP KẾT QUẢ LẤY PHIẾU TÍN NHIỆM"));
    assert!(text.contains("Nơi 2 <span class=\"en\">(place 2)</span>"));
    // The status column judges each meeting by the day its result reached
    // the superior body against its 7 working days (R12), as the page's
    // statuses do, not by the meeting's date: the CDC met on 7 August,
    // before the campaign's deadline, was due on the 18th and reported on
    // the 20th; the Sở Y tế met on the 13th, due the 24th, reported the 20th.
    let row = |unit: &str| {
        text.lines()
            .find(|l| {
                l.starts_with("<tr><td class=\"n\">") && l.contains(&format!("<td>{unit}</td>"))
            })
            .unwrap_or_else(|| panic!("a row for {unit} in {text}"))
            .to_owned()
    };
    let cdc_row = row(CDC);
    assert!(cdc_row.contains("<td class=\"late\">TRỄ HẠN"), "{cdc_row}");
    assert!(
        cdc_row.contains("2026-08-20"),
        "the day it reported: {cdc_row}"
    );
    assert!(!cdc_row.contains("Đúng hạn"), "{cdc_row}");
    let so_row = row(SO_Y_TE);
    assert!(so_row.contains("Đúng hạn"), "{so_row}");
    assert!(!so_row.contains("class=\"late\""), "{so_row}");

    // The uploaded file, as it was uploaded.
    let n = c_file(&w, "cdc.jsonl").await;
    let back = raw(
        &w.server.base,
        Method::GET,
        &format!("/api/campaigns/{}/logs/{n}", w.campaign),
        None,
        Vec::new(),
        officer,
    )
    .await;
    assert_eq!(back.body.to_vec(), w.cdc_log);

    // Kept across a restart (the store): the campaign, its uploads, the
    // report (every log verified again).
    w.server.kill();
    w.server = start_with_officer(w._dir.path()).await;
    let (s, _) = call(
        &w.server,
        Method::GET,
        &format!("/api/campaigns/{}/report", w.campaign),
        None,
        officer,
    )
    .await;
    assert_eq!(s, 403, "sessions do not outlive the server");
    let officer = officer_login(&w.server).await;
    let (s, again) = call(
        &w.server,
        Method::GET,
        &format!("/api/campaigns/{}/report", w.campaign),
        None,
        Some(&officer),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(again, report);
    let _ = (&w.so_y_te, &w.benh_vien);
}

/// The number of the uploaded file named `name`.
async fn c_file(w: &World, name: &str) -> u64 {
    let (_, c) = call(
        &w.server,
        Method::GET,
        &format!("/api/campaigns/{}", w.campaign),
        None,
        Some(&w.officer),
    )
    .await;
    c["units"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| u["meetings"].as_array().unwrap().iter())
        .find(|m| m["file_name"] == name)
        .and_then(|m| m["file"].as_u64())
        .unwrap_or_else(|| panic!("no file {name}: {c}"))
}

#[tokio::test]
async fn campaign_results_are_for_officers_only() {
    let w = world().await;
    let organizer = common::login(&w.server.client, PASSWORD).await.unwrap();
    let id = &w.campaign;
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/campaigns".into(), None),
        (
            Method::POST,
            "/api/campaigns".into(),
            Some(json!({"name": "X", "deadline": "2026-09-01", "units": []})),
        ),
        (Method::GET, format!("/api/campaigns/{id}"), None),
        (Method::GET, format!("/api/campaigns/{id}/report"), None),
        (Method::GET, format!("/api/campaigns/{id}/report.csv"), None),
        (
            Method::GET,
            format!("/api/campaigns/{id}/report.html"),
            None,
        ),
        (Method::GET, format!("/api/campaigns/{id}/logs/0"), None),
        (
            Method::POST,
            format!("/api/campaigns/{id}/elections"),
            Some(json!({"election": w.benh_vien.id()})),
        ),
    ];
    let who: [(&str, Option<&str>); 5] = [
        ("no session", None),
        ("the organizer's session", Some(&organizer)),
        ("a committee member's code", Some(&w.trustee_code)),
        ("a candidate's code", Some(&w.candidate_code)),
        ("a voter's credential", Some(&w.credential)),
    ];
    for (method, path, body) in &routes {
        for (name, bearer) in who {
            let (s, v) = call(&w.server, method.clone(), path, body.clone(), bearer).await;
            assert_eq!(
                (s, v["error"].as_str()),
                (403, Some("forbidden")),
                "{name} on {method} {path}: {v}"
            );
        }
    }
    let (s, v) = upload(&w, "cdc.jsonl", &w.cdc_log, Some(&organizer)).await;
    assert_eq!((s, v["error"].as_str()), (403, Some("forbidden")), "{v}");
    // The officer's password is not the organizer's, nor the other way.
    let (s, _) = call(
        &w.server,
        Method::POST,
        "/api/officer/login",
        Some(json!({"password": PASSWORD})),
        None,
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = call(
        &w.server,
        Method::POST,
        "/api/login",
        Some(json!({"password": OFFICER})),
        None,
    )
    .await;
    assert_eq!(s, 403);
    // An officer's session is not the organizer's.
    let (s, _) = call(
        &w.server,
        Method::POST,
        "/api/elections",
        Some(serde_json::to_value(common::input(1, 3, 1)).unwrap()),
        Some(&w.officer),
    )
    .await;
    assert_eq!(s, 403);
    // The officer reads it.
    let (s, _) = call(
        &w.server,
        Method::GET,
        &format!("/api/campaigns/{id}/report"),
        None,
        Some(&w.officer),
    )
    .await;
    assert_eq!(s, 200);

    // A server never given an officer password has no officer account.
    let dir = TempDir::new("campaign-no-officer");
    let plain = Server::start(dir.path()).await;
    let (s, v) = call(
        &plain,
        Method::POST,
        "/api/officer/login",
        Some(json!({"password": ""})),
        None,
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (403, Some("no_officer")), "{v}");
}
