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
use tinnhiem_server::campaign::print::{csv, html, lateness, place_rows};
use tinnhiem_tally::campaign::{self, Campaign, Meeting, Verdict, MAX_PLACES};
use tinnhiem_tally::json::FailureJson;
use tinnhiem_tally::Failed;

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
        if let Err(e) = write(
            path,
            html(&campaign, office, args.deadline, None).as_bytes(),
        ) {
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

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_owned();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
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
