//! What the threshold committee costs a verifier: the 1,000 × 15 log of
//! the same election verified with a 3-of-3 committee (n-of-n, before) and
//! with a 2-of-3 committee (threshold ceremony, after), measured in turns
//! (one of each, then again) so that a change in the machine's load hits
//! both alike. Median wall and CPU time of 7 turns, 1 and 2 threads; then
//! the key ceremony's lines alone (line 0 to the election key, line by
//! line through `Tally::push`) and the decryption lines with the result
//! (median of 3).
//!
//! `cargo run --release -p tinnhiem-bench --example threshold_cost`

use std::time::Instant;

use tinnhiem_bench::{log_1000x15_of, rng, Committee, VOTERS};
use tinnhiem_tally::{split_lines, verify_log_with, verify_step, Tally};

/// CPU time of the whole process so far (all threads), from /proc.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    f.get(11)
        .zip(f.get(12))
        .map_or(0.0, |(u, s)| (u + s) * 10.0)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Wall and CPU time of `f`, in ms.
fn time(f: impl FnOnce()) -> (f64, f64) {
    let (t, c) = (Instant::now(), cpu_ms());
    f();
    (t.elapsed().as_secs_f64() * 1e3, cpu_ms() - c)
}

const TURNS: usize = 7;

fn main() {
    let committees = [Committee::AllOf3, Committee::TwoOf3];
    let logs: Vec<Vec<u8>> = committees.iter().map(|c| log_1000x15_of(*c)).collect();
    for (c, bytes) in committees.iter().zip(&logs) {
        println!(
            "log {}: {} lines, {:.1} MB, {VOTERS} ballots",
            c.name(),
            split_lines(bytes).len(),
            bytes.len() as f64 / 1e6
        );
    }
    let mut r = rng(5);
    for threads in [1, 2] {
        // [committee] -> (walls, cpus)
        let mut walls = vec![Vec::new(); 2];
        let mut cpus = vec![Vec::new(); 2];
        for _ in 0..TURNS {
            for (k, bytes) in logs.iter().enumerate() {
                let (w, c) = time(|| {
                    let o =
                        verify_log_with(bytes, threads, &mut r, &mut |_, _| {}).expect("verifies");
                    assert_eq!(o.result.returned, VOTERS as u64);
                });
                walls[k].push(w);
                cpus[k].push(c);
            }
        }
        let w: Vec<f64> = walls.iter_mut().map(|v| median(v)).collect();
        let c: Vec<f64> = cpus.iter_mut().map(|v| median(v)).collect();
        for (k, committee) in committees.iter().enumerate() {
            println!(
                "verify_log_with, {threads} thread(s), {}: {:8.1} ms wall, {:7.0} ms CPU",
                committee.name(),
                w[k],
                c[k]
            );
        }
        println!(
            "  2of3 / 3of3, {threads} thread(s): wall {:+.1} %, CPU {:+.1} %",
            (w[1] / w[0] - 1.0) * 100.0,
            (c[1] / c[0] - 1.0) * 100.0
        );
    }
    // The committee's own lines, one at a time: the key ceremony (up to
    // the election key) and, after the ballots, the decryptions and the
    // result.
    for (committee, bytes) in committees.iter().zip(&logs) {
        let lines = split_lines(bytes);
        let key_line = lines
            .iter()
            .position(|l| l.windows(20).any(|w| w == b"\"kind\":\"election_key"))
            .expect("an election key");
        let first_decryption = lines
            .iter()
            .position(|l| l.windows(18).any(|w| w == b"\"kind\":\"decryption"))
            .expect("a decryption");
        let mut header = Vec::new();
        let mut tail = Vec::new();
        for _ in 0..3 {
            let mut tally = Tally::new();
            header.push(
                time(|| {
                    for l in &lines[..=key_line] {
                        tally.push(l, &mut r).expect("header");
                    }
                })
                .0,
            );
            verify_step(&mut tally, &lines[key_line + 1..first_decryption], &mut r)
                .expect("ballots");
            tail.push(
                time(|| {
                    for l in &lines[first_decryption..] {
                        tally.push(l, &mut r).expect("decryptions and result");
                    }
                })
                .0,
            );
        }
        println!(
            "{}: key ceremony, lines 0-{key_line}: {:.2} ms; decryptions and result, lines {first_decryption}-{}: {:.2} ms",
            committee.name(),
            median(&mut header),
            lines.len() - 1,
            median(&mut tail)
        );
    }
}
