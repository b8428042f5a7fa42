//! `tinnhiem verify LOG.jsonl [--json]` (PROTOCOL.md §7.6).
//!
//! Exit codes: 0 the log verifies; 1 it does not (the first failing line is
//! printed); 2 the file cannot be read.

use std::path::Path;
use std::process::ExitCode;

use tinnhiem_tally::json::{FailedJson, VerifiedJson};

use super::progress::Progress;
use crate::report;

pub fn run(path: &Path, json: bool) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "tinnhiem verify: cannot read {}: {e}\nCheck the path; the log is the file downloaded from /api/elections/<id>/log.",
                path.display()
            );
            return ExitCode::from(2);
        }
    };
    let mut bar = Progress::new("Kiểm tra nhật ký (verifying)");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    match tinnhiem_tally::verify_log_report(&bytes, threads, &mut rand::rngs::OsRng, &mut |d, t| {
        bar.update(d, t)
    }) {
        Ok(outcome) => {
            if json {
                // result.json's members, then the exclusions and the
                // audits (§7.6).
                let doc = VerifiedJson::new(&outcome.result, &outcome.exclusions, &outcome.audits);
                emit(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&doc).expect("result serializes")
                ));
            } else {
                emit(&format!(
                    "Nhật ký hợp lệ (log verified): {} entries\n{}{}{}{}{}{}",
                    outcome.entries,
                    report::dossier(&dossier(&bytes)),
                    report::committee(&outcome.committee),
                    report::cancelled(cancelled(&bytes)),
                    report::exclusions(&outcome.exclusions),
                    report::audits(&outcome.audits),
                    report::table(&outcome.result)
                ));
            }
            ExitCode::SUCCESS
        }
        Err(failed) => {
            let e = &failed.error;
            if json {
                let doc = FailedJson::new(e, &failed.exclusions);
                emit(&format!(
                    "{}\n",
                    serde_json::to_string(&doc).expect("failure serializes")
                ));
            } else {
                emit(&format!(
                    "NHẬT KÝ KHÔNG HỢP LỆ (log verification failed)\nDòng {}: {}\n(entry {}: {})\n{}{}",
                    e.seq,
                    tinnhiem_tally::vi::reason(&e.reason),
                    e.seq,
                    e.reason,
                    report::committee(&failed.committee),
                    report::exclusions(&failed.exclusions)
                ));
            }
            ExitCode::from(1)
        }
    }
}

/// The slips the `cancel` entries of a verified log cancel (each credential
/// once: the log's rules refuse a second cancellation).
fn cancelled(log: &[u8]) -> u64 {
    tinnhiem_tally::split_lines(log)
        .into_iter()
        .filter(|l| l.windows(15).any(|w| w == br#""kind":"cancel""#))
        .filter_map(
            |l| match tinnhiem_core::log::parse_line(l).map(|e| e.payload) {
                Ok(tinnhiem_core::log::Payload::Cancel(b)) => Some(b.credentials.len() as u64),
                _ => None,
            },
        )
        .sum()
}

/// The dossier line 0 of a verified log commits (none when it has none).
fn dossier(log: &[u8]) -> Vec<tinnhiem_core::log::DossierDocument> {
    tinnhiem_tally::split_lines(log)
        .first()
        .and_then(|l| match tinnhiem_core::log::parse_line(l).ok()?.payload {
            tinnhiem_core::log::Payload::Election(b) => b.dossier,
            _ => None,
        })
        .unwrap_or_default()
}

/// Writes the verdict to stdout. A reader that went away (`verify … | head`)
/// does not change the exit code, which is the verdict: the write error is
/// ignored instead of panicking as `print!` does.
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
