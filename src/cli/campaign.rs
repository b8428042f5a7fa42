//! `tinnhiem campaign report LOG.jsonl... [--json] [--html FILE] [--csv
//! FILE]`: the superior body's consolidated report of a campaign, from the
//! units' logs alone (R8, R12; docs/INTERFACES.md, "Campaign report").
//!
//! Every log is verified first, several at once (`tinnhiem_tally::campaign`);
//! one that fails stops the report: nothing is consolidated, no file is
//! written, and the answer names the log and its first bad line. Exit codes:
//! 0 every log verifies and no leader is rated in more than two places; 1 a
//! log fails, or a leader is rated in more than two places (R8); 2 usage
//! and I/O errors (a log or the calendar file unreadable, a bad calendar
//! file, the same election given twice, an output file that cannot be
//! written).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rand::RngCore;
use tinnhiem_core::calendar::{Calendar, Date};
use tinnhiem_server::html::esc;
use tinnhiem_server::minutes::consequence_vi;
use tinnhiem_tally::campaign::{self, Campaign, Meeting, Person, Place, Verdict, MAX_PLACES};
use tinnhiem_tally::json::FailureJson;
use tinnhiem_tally::{Failed, LevelCount};

/// `tinnhiem campaign ...`.
#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Verify every unit's log and print the consolidated table: one row
    /// per leader and place, a leader rated in two places side by side
    /// (9.4), each meeting's report due date (R12). Exit 1 if a log fails
    /// (naming it and its first bad line) or a leader is rated in more than
    /// two places (R8); exit 2 on usage or I/O errors.
    Report(ReportArgs),
}

/// Options of `campaign report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The units' logs, as JSON Lines (GET /api/elections/{id}/log, or
    /// `tinnhiem export`).
    #[arg(required = true, value_name = "LOG.jsonl")]
    pub logs: Vec<PathBuf>,
    /// Print the consolidated campaign as JSON (docs/INTERFACES.md).
    #[arg(long)]
    pub json: bool,
    /// Also write the printable report (HTML, A4) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write the table as CSV (UTF-8 with a byte-order mark) to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// The campaign's deadline for the units' reports (YYYY-MM-DD): the
    /// report marks a meeting held after it as late, and one whose own
    /// 7-working-day deadline (R12) runs past it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub deadline: Option<Date>,
    /// Extra days off, holidays and swapped working days, in the calendar
    /// file format (docs/INTERFACES.md), added to the built-in calendar.
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    /// The body that consolidates, for the printed report's heading
    /// (default: "Cơ quan tổng hợp").
    #[arg(long, value_name = "TEXT")]
    pub office: Option<String>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("{s:?} is not a day written YYYY-MM-DD"))
}

/// Runs `campaign ACTION`.
pub fn run(action: Action) -> ExitCode {
    match action {
        Action::Report(args) => report(&args),
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("tinnhiem campaign report: {msg}");
    ExitCode::from(2)
}

fn report(args: &ReportArgs) -> ExitCode {
    let mut calendar = Calendar::vietnam();
    if let Some(path) = &args.calendar {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return usage(&format!("cannot read {}: {e}", path.display())),
        };
        if let Err(e) = calendar.extend(&bytes) {
            return usage(&format!(
                "lịch {} không hợp lệ, dòng {} (calendar file refused): {}\n\
                 The format is in docs/INTERFACES.md, \"Calendar file\".",
                path.display(),
                e.line,
                e.kind
            ));
        }
    }
    let names: Vec<String> = args.logs.iter().map(|p| p.display().to_string()).collect();
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = |i: usize| std::fs::read(&args.logs[i]).map_err(|e| e.to_string());
    let verdicts = campaign::verify_logs(&names, threads, seed, &load);

    let mut meetings = Vec::new();
    let mut failed: Vec<(&str, Failed)> = Vec::new();
    let mut unreadable = false;
    for (name, v) in names.iter().zip(verdicts) {
        match v {
            Verdict::Verified(m) => meetings.push(*m),
            Verdict::Failed(f) => failed.push((name, f)),
            Verdict::Unreadable(e) => {
                unreadable = true;
                eprintln!(
                    "tinnhiem campaign report: cannot read {name}: {e}\n\
                     Check the path; a unit's log is the file downloaded from /api/elections/<id>/log."
                );
            }
        }
    }
    if !failed.is_empty() {
        print_failures(&failed, args.json);
    }
    if unreadable {
        return ExitCode::from(2);
    }
    if !failed.is_empty() {
        return ExitCode::from(1);
    }
    let campaign = match campaign::consolidate(&meetings, &calendar) {
        Ok(c) => c,
        Err(d) => {
            return usage(&format!(
                "{} và {} là cùng một hội nghị (the same election, {}): give each unit's log once",
                d.first, d.second, d.id
            ))
        }
    };
    warn(&campaign, &meetings);
    if args.json {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&campaign).expect("campaign serializes")
        ));
    } else {
        emit(&table(&campaign, args.deadline));
    }
    let office = args.office.as_deref().unwrap_or("Cơ quan tổng hợp");
    if let Some(path) = &args.html {
        if let Err(e) = write(path, html(&campaign, office, args.deadline).as_bytes()) {
            return usage(&e);
        }
    }
    if let Some(path) = &args.csv {
        if let Err(e) = write(path, &csv(&campaign)) {
            return usage(&e);
        }
    }
    if campaign.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes to stdout, ignoring a reader that went away (as `verify` does).
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn print_failures(failed: &[(&str, Failed)], json: bool) {
    if json {
        #[derive(serde::Serialize)]
        struct LogFailure<'a> {
            log: &'a str,
            error: FailureJson,
        }
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            failed: Vec<LogFailure<'a>>,
        }
        let doc = Doc {
            failed: failed
                .iter()
                .map(|(log, f)| LogFailure {
                    log,
                    error: tinnhiem_tally::json::FailedJson::new(&f.error, &f.exclusions).error,
                })
                .collect(),
        };
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("failure serializes")
        ));
        return;
    }
    let mut s = String::from(
        "NHẬT KÝ KHÔNG HỢP LỆ, KHÔNG TỔNG HỢP (a log fails verification; nothing consolidated)\n",
    );
    for (log, f) in failed {
        let e = &f.error;
        let _ = writeln!(
            s,
            "{log}: dòng {}: {} (entry {}: {})",
            e.seq,
            tinnhiem_tally::vi::reason(&e.reason),
            e.seq,
            e.reason
        );
    }
    s.push_str(
        "Kiểm tra riêng từng nhật ký bằng `tinnhiem verify LOG.jsonl` (check each with tinnhiem verify).\n",
    );
    emit(&s);
}

/// Notes on stderr that do not change the verdict: a meeting whose date
/// is not a day, a deadline computed with a calendar that lacks that year,
/// one code carried under two names.
fn warn(c: &Campaign, meetings: &[Meeting]) {
    for (e, m) in c.elections.iter().zip(meetings) {
        match &e.report_due {
            None => eprintln!(
                "lưu ý (note): {}: ngày họp {:?} không phải dạng YYYY-MM-DD, không tính được hạn báo cáo \
                 (the meeting's date is not a day; no report deadline)",
                m.log, e.date
            ),
            Some(due) if !e.calendar_complete => eprintln!(
                "lưu ý (note): {}: hạn báo cáo {due} tính theo lịch chưa đủ năm đó (Tết, Giỗ Tổ, hoán đổi); \
                 thêm bằng --calendar (the calendar lacks that year's lunar holidays and decisions; add them with --calendar)",
                m.log
            ),
            Some(_) => {}
        }
    }
    for p in &c.people {
        if let Some(other) = p.places.iter().find(|pl| pl.name != p.name) {
            eprintln!(
                "lưu ý (note): mã {} mang hai tên: {:?} và {:?} (one code, two names: check the set-up)",
                p.person.as_deref().unwrap_or(""),
                p.name,
                other.name
            );
        }
    }
}

fn level(l: &LevelCount) -> String {
    format!("{} ({:.2}%)", l.count, l.percent)
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_owned();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
}

/// The rows of one leader's places, a column per place.
fn place_rows(c: &Campaign, places: &[Place]) -> Vec<(&'static str, Vec<String>)> {
    let col = |f: &dyn Fn(&Place) -> String| places.iter().map(f).collect::<Vec<_>>();
    vec![
        ("Đơn vị (unit)", col(&|p| p.unit.clone())),
        (
            "Hội nghị (meeting)",
            col(&|p| c.elections[p.meeting].id.clone()),
        ),
        (
            "Ngày họp (date)",
            col(&|p| c.elections[p.meeting].date.clone()),
        ),
        ("Chức vụ (position)", col(&|p| p.position.clone())),
        (
            "Phát ra / thu vào (issued / returned)",
            col(&|p| format!("{} / {}", p.issued, p.returned)),
        ),
        (
            "Hợp lệ / không hợp lệ (valid / invalid)",
            col(&|p| format!("{} / {}", p.valid, p.invalid)),
        ),
        ("Tín nhiệm cao (high)", col(&|p| level(&p.high))),
        ("Tín nhiệm (confidence)", col(&|p| level(&p.confidence))),
        ("Tín nhiệm thấp (low)", col(&|p| level(&p.low))),
        (
            "Hệ quả R7 (consequence)",
            col(&|p| consequence_vi(&p.consequence).to_owned()),
        ),
    ]
}

/// The consolidated table for a terminal.
pub fn table(c: &Campaign, deadline: Option<Date>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Tổng hợp đợt lấy phiếu: {} hội nghị, mọi nhật ký hợp lệ (campaign: {} meetings, every log verified)",
        c.elections.len(),
        c.elections.len()
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "Các hội nghị (meetings)");
    for (i, e) in c.elections.iter().enumerate() {
        let _ = writeln!(s, "{:>3}. {} — {}", i + 1, e.unit, e.title);
        let _ = writeln!(
            s,
            "     ngày họp (date) {} · hạn báo cáo (report due, R12) {}{}",
            e.date,
            e.report_due.as_deref().unwrap_or("—"),
            lateness(e, deadline)
                .map(|l| format!(" · {l}"))
                .unwrap_or_default()
        );
        let _ = writeln!(s, "     {} · mã băm cuối (log head) {}", e.log, e.log_head);
    }
    for p in &c.people {
        let _ = writeln!(s);
        let code = p.person.as_deref().unwrap_or("chưa có mã (no code)");
        let places = p.places.len();
        let note = match places {
            1 => String::new(),
            n if n <= MAX_PLACES => {
                " — xem xét tổng thể cả hai nơi (judged on both places together, 9.4)".to_owned()
            }
            n => format!(" — VI PHẠM R8: {n} nơi, tối đa 2 (violation: {n} places, at most 2)"),
        };
        let _ = writeln!(
            s,
            "{} · {} · {places} nơi ({places} place{}){note}",
            code,
            p.name,
            if places == 1 { "" } else { "s" }
        );
        let rows = place_rows(c, &p.places);
        let label_w = rows.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
        let col_w: Vec<usize> = (0..places)
            .map(|k| {
                rows.iter()
                    .map(|(_, v)| width(&v[k]))
                    .max()
                    .unwrap_or(0)
                    .max(14)
            })
            .collect();
        if places > 1 {
            let mut line = format!("  {}", pad("", label_w));
            for (k, w) in col_w.iter().enumerate() {
                line.push_str(" │ ");
                line.push_str(&pad(&format!("Nơi {} (place {})", k + 1, k + 1), *w));
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
        for (label, values) in &rows {
            let mut line = format!("  {}", pad(label, label_w));
            for (v, w) in values.iter().zip(&col_w) {
                line.push_str(" │ ");
                line.push_str(&pad(v, *w));
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    let _ = writeln!(s);
    if c.violations.is_empty() {
        let _ = writeln!(
            s,
            "Không cán bộ nào được lấy phiếu quá 2 nơi (R8 holds: no leader rated in more than two places)."
        );
    } else {
        for v in &c.violations {
            let _ = writeln!(
                s,
                "VI PHẠM R8 (violation): cán bộ {} được lấy phiếu ở {} nơi, tối đa 2 (rated in {} places, at most 2)",
                v.person, v.places, v.places
            );
        }
    }
    s
}

/// Against the campaign's deadline: a meeting held after it is late; one
/// whose own report deadline runs past it may report late.
fn lateness(e: &campaign::ElectionRow, deadline: Option<Date>) -> Option<&'static str> {
    let deadline = deadline?;
    let date = Date::parse(&e.date)?;
    if date > deadline {
        return Some("TRỄ HẠN: họp sau hạn của đợt (late: met after the campaign's deadline)");
    }
    let due = Date::parse(e.report_due.as_deref()?)?;
    (due > deadline)
        .then_some("hạn báo cáo R12 sau hạn của đợt (its R12 deadline is after the campaign's)")
}

/// The consequence in words, Vietnamese then English (R7; plan 9.2, 9.3).
fn consequence_words(code: &str) -> (&'static str, &'static str) {
    match code {
        "9.2" => (
            "Trên 50% đến dưới 2/3 tín nhiệm thấp: đưa ra khỏi quy hoạch chức vụ cao hơn; xem xét cho thôi giữ chức vụ, \
             bố trí công tác khác, cho từ chức hoặc bỏ phiếu tín nhiệm (mục 9.2)",
            "over half and under two thirds low: removed from planning for higher posts; reassignment, resignation or a \
             no-confidence vote considered",
        ),
        "9.3" => (
            "Từ 2/3 trở lên tín nhiệm thấp: miễn nhiệm chức vụ đang đảm nhiệm, bố trí công tác khác thấp hơn, \
             không chờ hết nhiệm kỳ (mục 9.3)",
            "two thirds or more low: dismissed and moved to a lower post without waiting for the term to end",
        ),
        _ => ("Không", "none"),
    }
}

/// The report's only style sheet: A4, the type and layout of an office's
/// report.
const CSS: &str = "\
@page { size: A4; margin: 20mm 15mm 20mm 25mm; }\n\
body { font-family: \"Times New Roman\", serif; font-size: 13pt; color: #000; max-width: 60rem; margin: 1rem auto; }\n\
.head { display: flex; justify-content: space-between; text-align: center; }\n\
.head div { width: 48%; }\n\
h1 { text-align: center; font-size: 15pt; margin: 1.5rem 0 0.2rem; }\n\
h2 { font-size: 13pt; margin-top: 1.2rem; }\n\
.en { font-style: italic; font-size: 10pt; font-weight: normal; }\n\
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; page-break-inside: auto; }\n\
tr { page-break-inside: avoid; }\n\
th, td { border: 1px solid #000; padding: 0.2rem 0.3rem; vertical-align: top; }\n\
td.n { text-align: right; white-space: nowrap; }\n\
.hash { font-family: monospace; font-size: 8pt; word-break: break-all; }\n\
.late { font-weight: bold; }\n\
.sign { display: flex; justify-content: space-between; margin-top: 2rem; }\n\
.sign div { width: 45%; text-align: center; }\n\
";

/// The printable consolidated report (HTML to print on A4), in the form an
/// office sends upward: heading, the units and their meetings, the results
/// of every leader and place with the consequences in words, the leaders
/// rated in two places, R8 violations, and the units late against
/// `deadline`.
pub fn html(c: &Campaign, office: &str, deadline: Option<Date>) -> String {
    let mut units = String::new();
    for (i, e) in c.elections.iter().enumerate() {
        let late = lateness(e, deadline);
        let _ = writeln!(
            units,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td{}>{}</td><td class=\"hash\">{}<br>{}</td></tr>",
            i + 1,
            esc(&e.unit),
            esc(&e.title),
            esc(&e.date),
            esc(e.report_due.as_deref().unwrap_or("—")),
            if late.is_some() { " class=\"late\"" } else { "" },
            match (deadline, late) {
                (None, _) => "—".to_owned(),
                (Some(_), None) => "Đúng hạn <span class=\"en\">(on time)</span>".to_owned(),
                (Some(_), Some(l)) => esc(l),
            },
            esc(&e.log),
            esc(&e.log_head),
        );
    }
    let mut rows = String::new();
    let mut n = 0;
    for p in &c.people {
        for (k, pl) in p.places.iter().enumerate() {
            n += 1;
            let (vi, en) = consequence_words(&pl.consequence);
            let who = if k == 0 {
                format!(
                    "<td rowspan=\"{}\">{}<br><span class=\"en\">{}</span></td>",
                    p.places.len(),
                    esc(&p.name),
                    esc(p.person.as_deref().unwrap_or("chưa có mã (no code)"))
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                rows,
                "<tr><td class=\"n\">{n}</td>{who}<td>{}<br><span class=\"en\">{} · {}</span></td><td>{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}<br><span class=\"en\">{}</span></td></tr>",
                esc(&pl.unit),
                esc(&c.elections[pl.meeting].date),
                esc(&pl.election),
                esc(&pl.position),
                pl.issued,
                pl.returned,
                pl.valid,
                esc(&level(&pl.high)),
                esc(&level(&pl.confidence)),
                esc(&level(&pl.low)),
                esc(vi),
                esc(en),
            );
        }
    }
    let two: Vec<String> = c
        .people
        .iter()
        .filter(|p| p.places.len() == MAX_PLACES)
        .map(|p| two_places(c, p))
        .collect();
    let violations: Vec<String> = c
        .violations
        .iter()
        .map(|v| {
            format!(
                "<li>Cán bộ mã <b>{}</b> được lấy phiếu ở <b>{}</b> nơi, quá 2 nơi theo quy định (R8) \
                 <span class=\"en\">(rated in {} places; at most two)</span></li>",
                esc(&v.person),
                v.places,
                v.places
            )
        })
        .collect();
    let deadline_text = deadline.map_or_else(String::new, |d| {
        format!(
            "<p>Hạn báo cáo của đợt <span class=\"en\">(the campaign's deadline)</span>: <b>{d}</b>. \
             Đơn vị họp sau hạn này là trễ hạn; đơn vị có hạn 7 ngày làm việc (R12) sau hạn này được ghi chú. \
             <span class=\"en\">A unit that met after it is late; one whose 7-working-day deadline runs past it is noted.</span></p>"
        )
    });
    format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Báo cáo tổng hợp kết quả lấy phiếu tín nhiệm</title>
<style>{css}</style>
</head>
<body>
<div class="head"><div><b>{office}</b></div><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><u>Độc lập - Tự do - Hạnh phúc</u></div></div>
<p><b>MẬT</b> <span class="en">(confidential: results go only to those R11 names)</span></p>
<h1>BÁO CÁO TỔNG HỢP KẾT QUẢ LẤY PHIẾU TÍN NHIỆM<br><span class="en">Consolidated report of the confidence votes</span></h1>
<p>Tổng hợp từ nhật ký của {meetings} hội nghị; mọi nhật ký đã được kiểm tra độc lập và hợp lệ (chuỗi băm, chữ ký, chứng minh, giải mã và kết quả).
<span class="en">Consolidated from the logs of {meetings} meetings, each verified independently.</span></p>
<h2>I. Các đơn vị và hội nghị <span class="en">(units and meetings)</span></h2>
{deadline_text}
<table>
<thead><tr><th>TT</th><th>Đơn vị <span class="en">(unit)</span></th><th>Hội nghị <span class="en">(meeting)</span></th><th>Ngày họp <span class="en">(date)</span></th>
<th>Hạn báo cáo <span class="en">(due, 7 working days, R12)</span></th><th>Tình trạng <span class="en">(status)</span></th><th>Nhật ký, mã băm cuối <span class="en">(log, head)</span></th></tr></thead>
<tbody>
{units}</tbody>
</table>
<h2>II. Kết quả lấy phiếu <span class="en">(results per leader and place; percentages of ballots returned, R6)</span></h2>
<table>
<thead><tr><th>TT</th><th>Họ và tên, mã cán bộ <span class="en">(name, code)</span></th><th>Đơn vị <span class="en">(unit)</span></th><th>Chức vụ <span class="en">(position)</span></th>
<th>Phát ra <span class="en">(issued)</span></th><th>Thu vào <span class="en">(returned)</span></th><th>Hợp lệ <span class="en">(valid)</span></th><th>Tín nhiệm cao <span class="en">(high)</span></th><th>Tín nhiệm <span class="en">(confidence)</span></th><th>Tín nhiệm thấp <span class="en">(low)</span></th><th>Hệ quả <span class="en">(consequence, R7)</span></th></tr></thead>
<tbody>
{rows}</tbody>
</table>
<h2>III. Cán bộ được lấy phiếu ở 2 nơi <span class="en">(leaders rated in two places, judged on both together, 9.4)</span></h2>
{two}
<h2>IV. Vi phạm quy định lấy phiếu tối đa 2 nơi <span class="en">(R8 violations)</span></h2>
{violations}
<div class="sign"><div><i>Nơi nhận:</i><br>- Như trên;<br>- Lưu.</div><div><b>NGƯỜI LẬP BÁO CÁO</b><br><span class="en">(prepared by)</span></div></div>
</body>
</html>
"#,
        css = CSS,
        office = esc(office),
        meetings = c.elections.len(),
        two = if two.is_empty() {
            "<p>Không có <span class=\"en\">(none)</span>.</p>".to_owned()
        } else {
            two.join("\n")
        },
        violations = if violations.is_empty() {
            "<p>Không có <span class=\"en\">(none)</span>.</p>".to_owned()
        } else {
            format!("<ul>{}</ul>", violations.join(""))
        },
    )
}

/// One leader's two places side by side.
fn two_places(c: &Campaign, p: &Person) -> String {
    let rows = place_rows(c, &p.places);
    let mut t = format!(
        "<table><thead><tr><th>{} <span class=\"en\">{}</span></th>",
        esc(&p.name),
        esc(p.person.as_deref().unwrap_or(""))
    );
    for k in 1..=p.places.len() {
        let _ = write!(t, "<th>Nơi {k} <span class=\"en\">(place {k})</span></th>");
    }
    t.push_str("</tr></thead><tbody>");
    for (label, values) in rows {
        let _ = write!(t, "<tr><td>{}</td>", esc(label));
        for v in values {
            let _ = write!(t, "<td>{}</td>", esc(&v));
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
/// break. Text from the logs that a spreadsheet would read as a formula
/// (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return) is
/// prefixed with `'`, so that a name in a log cannot run in the office's
/// spreadsheet.
fn csv_text(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The table for the office's spreadsheet: UTF-8 with a byte-order mark (so
/// that Excel reads the Vietnamese letters), CRLF line ends, one row per
/// leader and place. Counts are integers; percentages are numbers with a
/// decimal point and two decimals.
pub fn csv(c: &Campaign) -> Vec<u8> {
    let mut s = String::from('\u{feff}');
    s.push_str(
        "Mã cán bộ (person),Họ và tên (name),Số nơi (places),Đơn vị (unit),Hội nghị (election),Ngày họp (date),\
         Hạn báo cáo (report_due),Chức vụ (position),Phát ra (issued),Thu vào (returned),Hợp lệ (valid),\
         Không hợp lệ (invalid),Tín nhiệm cao (high),% cao,Tín nhiệm (confidence),% tín nhiệm,\
         Tín nhiệm thấp (low),% thấp,Hệ quả (consequence),Hệ quả bằng lời (in words),Nhật ký (log),\
         Mã băm cuối (log_head)\r\n",
    );
    for p in &c.people {
        for pl in &p.places {
            let e = &c.elections[pl.meeting];
            let fields = [
                csv_text(p.person.as_deref().unwrap_or("")),
                csv_text(&p.name),
                p.places.len().to_string(),
                csv_text(&pl.unit),
                csv_text(&pl.election),
                csv_text(&e.date),
                csv_text(e.report_due.as_deref().unwrap_or("")),
                csv_text(&pl.position),
                pl.issued.to_string(),
                pl.returned.to_string(),
                pl.valid.to_string(),
                pl.invalid.to_string(),
                pl.high.count.to_string(),
                format!("{:.2}", pl.high.percent),
                pl.confidence.count.to_string(),
                format!("{:.2}", pl.confidence.percent),
                pl.low.count.to_string(),
                format!("{:.2}", pl.low.percent),
                csv_text(&pl.consequence),
                csv_text(consequence_words(&pl.consequence).0),
                csv_text(&e.log),
                csv_text(&e.log_head),
            ];
            s.push_str(&fields.join(","));
            s.push_str("\r\n");
        }
    }
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_text_from_a_log_cannot_become_a_spreadsheet_formula() {
        assert_eq!(csv_text("Nguyễn Văn A"), "Nguyễn Văn A");
        assert_eq!(csv_text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_text("+1"), "'+1");
        assert_eq!(csv_text("-1"), "'-1");
        assert_eq!(csv_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_text("a, b"), "\"a, b\"");
        assert_eq!(csv_text("dòng\nhai"), "\"dòng\nhai\"");
    }

    #[test]
    fn consequences_in_words_follow_r7_codes() {
        assert_eq!(consequence_words("none").0, "Không");
        assert!(consequence_words("9.2").0.contains("mục 9.2"));
        assert!(consequence_words("9.3").0.contains("mục 9.3"));
    }
}
