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
                // result.json's members, then the exclusions (§7.6).
                let doc = VerifiedJson::new(&outcome.result, &outcome.exclusions);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&doc).expect("result serializes")
                );
            } else {
                println!("Nhật ký hợp lệ (log verified): {} entries", outcome.entries);
                print!("{}", report::exclusions(&outcome.exclusions));
                print!("{}", report::table(&outcome.result));
            }
            ExitCode::SUCCESS
        }
        Err(failed) => {
            let e = &failed.error;
            if json {
                let doc = FailedJson::new(e, &failed.exclusions);
                println!(
                    "{}",
                    serde_json::to_string(&doc).expect("failure serializes")
                );
            } else {
                println!("NHẬT KÝ KHÔNG HỢP LỆ (log verification failed)");
                println!("Dòng {}: {}", e.seq, tinnhiem_tally::vi::reason(&e.reason));
                println!("(entry {}: {})", e.seq, e.reason);
                print!("{}", report::exclusions(&failed.exclusions));
            }
            ExitCode::from(1)
        }
    }
}
