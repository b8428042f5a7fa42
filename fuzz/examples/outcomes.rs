//! What a corpus of the `verify_script` or `verify_log` target reaches: the
//! verifier's answer for every file, counted by kind. Run from `fuzz/`:
//!
//! ```text
//! cargo +nightly run --release --example outcomes -- script corpus/verify_script
//! cargo +nightly run --release --example outcomes -- log corpus/verify_log
//! ```

use std::collections::BTreeMap;

use tinnhiem_fuzz::script::build_log;
use tinnhiem_fuzz::verify::fast;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().expect("script or log");
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for dir in args {
        for f in std::fs::read_dir(&dir).expect("corpus dir") {
            let bytes = std::fs::read(f.expect("entry").path()).expect("file");
            let log = match mode.as_str() {
                "script" => match build_log(&bytes) {
                    Some(l) => l,
                    None => {
                        *counts.entry("(not a script)".into()).or_default() += 1;
                        continue;
                    }
                },
                _ => bytes,
            };
            let key = match fast(&log, Some(1)) {
                Ok((_, ex, _)) if ex.is_empty() => "ok".to_string(),
                Ok((_, ex, _)) => format!("ok with {} exclusion(s)", ex.len()),
                Err(e) => {
                    let r = format!("{:?}", e.reason);
                    r.split(['(', ' ', '{']).next().unwrap_or("").to_string()
                }
            };
            *counts.entry(key).or_default() += 1;
        }
    }
    for (k, n) in counts {
        println!("{n:8}  {k}");
    }
}
