//! Consolidating a campaign (`tinnhiem campaign report`): 100 meetings of
//! 50 voters × 10 leaders, verified and consolidated as the command does
//! (`tinnhiem_tally::campaign::{verify_logs, consolidate}`), on one thread
//! and on every core. Figures in docs/PERFORMANCE.md, "Campaign report".
//!
//! ```sh
//! cargo run --release -p tinnhiem-bench --example campaign -- make DIR
//! cargo run --release -p tinnhiem-bench --example campaign -- run DIR 1
//! cargo run --release -p tinnhiem-bench --example campaign -- run DIR 2
//! ```
//!
//! `make` writes the 100 logs (seeded, so two runs make the same work);
//! `run DIR THREADS` reads them as the command does (each log read by the
//! worker that verifies it, dropped after), verifies and consolidates them
//! 5 times, and prints the median wall time, the CPU time and the process's
//! peak resident memory (`VmHWM`). Each `run` is its own process, so the
//! peak is that of consolidating alone.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tinnhiem_bench::{cast_all, rng};
use tinnhiem_core::calendar::Calendar;
use tinnhiem_core::log::Candidate;
use tinnhiem_tally::campaign::{consolidate, verify_logs, Verdict};
use tinnhiem_tally::sim::{Meeting, Setup};

const MEETINGS: usize = 100;
const VOTERS: usize = 50;
const LEADERS: usize = 10;

/// Meeting `k`'s log: its first leader is also the first leader of meeting
/// `k ^ 1` (50 leaders rated in two places), the others are its own.
fn make_log(k: usize) -> Vec<u8> {
    let mut r = rng(1000 + k as u64);
    let setup = Setup {
        id: Some(format!("don-vi-{k:03}")),
        title: "Lấy phiếu tín nhiệm năm 2026".into(),
        unit: format!("Đơn vị {k:03}"),
        date: format!("2026-08-{:02}", 3 + k % 25),
        candidates: (0..LEADERS)
            .map(|j| Candidate {
                name: format!("Cán bộ {k}-{j}"),
                position: format!("Chức vụ {j}"),
                person: Some(if j == 0 {
                    format!("CB-{}", k / 2)
                } else {
                    format!("CB-{k}-{j}")
                }),
            })
            .collect(),
        summoned: VOTERS as u32,
        trustees: vec!["Trưởng ban".into(), "Thành viên".into(), "Thư ký".into()],
    };
    let mut m = Meeting::create(setup, &mut r).expect("meeting");
    m.record_quorum(VOTERS as u32, &mut r).expect("quorum");
    let creds = m.issue_credentials(VOTERS, &mut r).expect("credentials");
    m.open(&mut r).expect("open");
    for b in cast_all(&m, &creds, LEADERS, 100 + k as u64) {
        m.submit(b, &mut r).expect("an honest ballot");
    }
    m.close(&mut r).expect("close");
    m.decrypt(&mut r).expect("decrypt");
    m.log_bytes()
}

fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) * 10.0
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn logs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the logs' directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    v.sort();
    v
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("make") => {
            let dir = PathBuf::from(&args[2]);
            std::fs::create_dir_all(&dir).expect("create the directory");
            let t = Instant::now();
            let mut bytes = 0;
            for k in 0..MEETINGS {
                let log = make_log(k);
                bytes += log.len();
                std::fs::write(dir.join(format!("don-vi-{k:03}.jsonl")), log).expect("write");
            }
            println!(
                "made {MEETINGS} logs of {VOTERS} × {LEADERS} ({:.1} MB) in {:.1} s",
                bytes as f64 / 1e6,
                t.elapsed().as_secs_f64()
            );
        }
        Some("run") => {
            let dir = PathBuf::from(&args[2]);
            let threads: usize = args[3].parse().expect("threads");
            let paths = logs_in(&dir);
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            let load = |i: usize| std::fs::read(&paths[i]).map_err(|e| e.to_string());
            let calendar = Calendar::vietnam();
            let mut walls = Vec::new();
            let cpu0 = cpu_ms();
            let runs = 5;
            let mut people = 0;
            for run in 0..runs {
                let t = Instant::now();
                let meetings: Vec<_> = verify_logs(&names, threads, [run as u8; 32], &load)
                    .into_iter()
                    .map(|v| match v {
                        Verdict::Verified(m) => *m,
                        _ => panic!("every log verifies"),
                    })
                    .collect();
                let c = consolidate(&meetings, &calendar).expect("no duplicate");
                walls.push(t.elapsed().as_secs_f64());
                people = c.people.len();
                assert_eq!(c.people.iter().filter(|p| p.places.len() == 2).count(), 50);
            }
            walls.sort_by(f64::total_cmp);
            println!(
                "{} logs, {people} leaders, {threads} thread(s): median {:.2} s wall \
                 (min {:.2}, max {:.2}), {:.2} s CPU per run, peak memory {:.1} MiB",
                paths.len(),
                walls[runs / 2],
                walls[0],
                walls[runs - 1],
                (cpu_ms() - cpu0) / 1000.0 / runs as f64,
                peak_kib() as f64 / 1024.0
            );
        }
        _ => eprintln!("usage: campaign make DIR | campaign run DIR THREADS"),
    }
}
