//! `tinnhiem verify LOG.jsonl [--json]`.

use std::path::Path;
use std::process::ExitCode;

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
    match tinnhiem_tally::verify_log(&bytes, &mut rand::rngs::OsRng, &mut |d, t| bar.update(d, t)) {
        Ok(outcome) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&outcome.result).expect("result serializes")
                );
            } else {
                println!("Nhật ký hợp lệ (log verified): {} entries", outcome.entries);
                print!("{}", report::exclusions(&outcome.exclusions));
                print!("{}", report::table(&outcome.result));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                let v =
                    serde_json::json!({"error": {"seq": e.seq, "reason": e.reason.to_string()}});
                println!("{v}");
            } else {
                println!("NHẬT KÝ KHÔNG HỢP LỆ (log verification failed)");
                println!("Dòng {}: {}", e.seq, tinnhiem_tally::vi::reason(&e.reason));
                println!("(entry {}: {})", e.seq, e.reason);
            }
            ExitCode::from(1)
        }
    }
}
