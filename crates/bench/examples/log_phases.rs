//! Where the time of a whole-log verification goes: the 1,000 × 15 log
//! verified end to end (1 and 2 threads), then its phases one by one on a
//! single thread, as `verify_log_with` runs them: decoding every line
//! (`parse_line`), the Fiat-Shamir challenges and point decompressions that
//! fill the batch, and the multiscalar multiplication. Median of 5 runs each.
//!
//! `cargo run --release -p tinnhiem-bench --example log_phases [verify|generate]`
//! (`verify`: the end-to-end figures only; `generate`: time making the log).

use std::time::Instant;

use tinnhiem_bench::{log_1000x15, rng, VOTERS};
use tinnhiem_core::batch::BatchVerifier;
use tinnhiem_core::log::{parse_line, server_message, Entry, Payload, SERVER_ENTRY_CONTEXT};
use tinnhiem_core::schnorr::KeyTerm;
use tinnhiem_tally::{split_lines, verify_log_with, Tally};

/// CPU time of the whole process so far (all threads, finished ones
/// included), from /proc: what the machine spent, whatever else it ran.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which ends with ')': utime is the
    // 12th of them, stime the 13th, in clock ticks of 10 ms.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    f.get(11)
        .zip(f.get(12))
        .map_or(0.0, |(u, s)| (u + s) * 10.0)
}

/// Median wall and CPU time of 5 runs, in ms.
fn median_ms(mut f: impl FnMut()) -> (f64, f64) {
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..5 {
        let (t, c) = (Instant::now(), cpu_ms());
        f();
        wall.push(t.elapsed().as_secs_f64() * 1e3);
        cpu.push(cpu_ms() - c);
    }
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    (wall[2], cpu[2])
}

fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    if what == "generate" {
        // The in-memory meeting that makes the log (casting on every core,
        // then the server's check and append of each ballot).
        let t = Instant::now();
        let bytes = tinnhiem_bench::make_log(VOTERS, tinnhiem_bench::CANDIDATES);
        println!(
            "made the log ({} bytes) in {:.1} s",
            bytes.len(),
            t.elapsed().as_secs_f64()
        );
        return;
    }
    let bytes = log_1000x15();
    let lines = split_lines(&bytes);
    println!(
        "log: {} lines, {:.1} MB, {} ballots",
        lines.len(),
        bytes.len() as f64 / 1e6,
        VOTERS
    );
    let mut r = rng(3);
    for threads in [1, 2] {
        let (ms, cpu) = median_ms(|| {
            verify_log_with(&bytes, threads, &mut r, &mut |_, _| {}).expect("verifies");
        });
        println!(
            "verify_log_with, {threads} thread(s): {ms:8.1} ms wall ({:.3} ms per ballot), {cpu:6.0} ms CPU",
            ms / VOTERS as f64
        );
    }

    if what == "verify" {
        return;
    }

    // The header, to get the context the batch needs.
    let mut tally = Tally::new();
    let mut i = 0;
    while tally.ballot_context().is_none() {
        tally.push(lines[i], &mut r).expect("header");
        i += 1;
    }
    let ctx = tally.ballot_context().unwrap();
    let server = tally.server_key().unwrap();

    let (parse, _) = median_ms(|| {
        for l in &lines {
            std::hint::black_box(parse_line(l).ok());
        }
    });
    println!("phase: parse_line, all lines:        {parse:8.1} ms");
    let entries: Vec<Entry> = lines.iter().filter_map(|l| parse_line(l).ok()).collect();

    let fill = |entries: &[Entry], r: &mut rand_chacha::ChaCha20Rng| {
        let mut batch = BatchVerifier::with_capacity(entries.len() * (22 * 15 + 4));
        let y = batch.add_base(*ctx.key.point());
        let sk = batch.add_base(*server.point());
        for (e, l) in entries.iter().zip(&lines) {
            let msg = server_message(l).unwrap();
            e.server_sig
                .add_to_batch(
                    &mut batch,
                    r,
                    server.as_bytes(),
                    KeyTerm::Base(sk),
                    SERVER_ENTRY_CONTEXT,
                    &msg,
                )
                .unwrap();
            if let Payload::Ballot(b) = &e.payload {
                b.add_to_batch(&ctx, &mut batch, y, r).unwrap();
            }
        }
        batch
    };
    let (fill_ms, _) = median_ms(|| {
        std::hint::black_box(fill(&entries, &mut r));
    });
    println!("phase: challenges + decompression:   {fill_ms:8.1} ms");
    let mut batches: Vec<BatchVerifier> = (0..5).map(|_| fill(&entries, &mut r)).collect();
    let terms = batches[0].len();
    let (msm, _) = median_ms(|| {
        assert!(batches.pop().unwrap().verify());
    });
    println!("phase: one multiscalar multiplication of {terms} terms: {msm:8.1} ms");
}
