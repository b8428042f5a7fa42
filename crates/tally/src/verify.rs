//! The fast path over a whole log: batch verification on every core, then
//! the state machine in order (see the crate documentation).

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_core::CryptoRngCore;
use tinnhiem_core::ballot::ElectionContext;
use tinnhiem_core::batch::BatchVerifier;
use tinnhiem_core::log::{parse_line, server_message, Payload, SERVER_ENTRY_CONTEXT};
use tinnhiem_core::schnorr::{KeyTerm, PublicKey};

use crate::result::ElectionResult;
use crate::state::{Exclusion, Prechecked, Tally, VerifyError};

/// Lines per round of batch verification (between progress reports).
const ROUND: usize = 128;

/// A verified log.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The result table.
    pub result: ElectionResult,
    /// The ballot entries left out, in log order.
    pub exclusions: Vec<Exclusion>,
    /// Number of lines.
    pub entries: u64,
}

/// Splits JSON Lines: each line ends with `\n` (the last one may omit it).
/// Nothing is trimmed: a `\r` or a blank line is part of a line and fails to
/// decode, at its position.
pub fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if body.is_empty() {
        return Vec::new();
    }
    body.split(|&b| b == b'\n').collect()
}

/// How many threads to use natively.
fn default_threads() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Verifies a whole log and computes the result, on every core.
/// `progress(done, total)` is called after each round of lines.
pub fn verify_log(
    bytes: &[u8],
    rng: &mut impl CryptoRngCore,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Outcome, VerifyError> {
    verify_log_with(bytes, default_threads(), rng, progress)
}

/// [`verify_log`] with a chosen number of threads (1 for single-threaded).
pub fn verify_log_with(
    bytes: &[u8],
    threads: usize,
    rng: &mut impl CryptoRngCore,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Outcome, VerifyError> {
    let lines = split_lines(bytes);
    let total = lines.len() as u64;
    let mut tally = Tally::new();
    let mut i = 0;
    // The header (up to the election key) one line at a time.
    while i < lines.len() && tally.ballot_context().is_none() {
        tally.push(lines[i], rng)?;
        i += 1;
    }
    let threads = threads.max(1);
    while i < lines.len() {
        let end = (i + ROUND * threads).min(lines.len());
        let ctx = tally.ballot_context().expect("header read");
        let server = tally.server_key().expect("header read");
        let round = &lines[i..end];
        let per = round.len().div_ceil(threads);
        let seeds: Vec<[u8; 32]> = (0..threads)
            .map(|_| {
                let mut s = [0u8; 32];
                rng.fill_bytes(&mut s);
                s
            })
            .collect();
        let prechecked: Vec<Option<Prechecked>> = run_chunks(round, per, &seeds, &ctx, &server);
        for (line, pre) in round.iter().zip(prechecked) {
            match pre {
                Some(pre) => tally.apply(line, pre, rng)?,
                None => tally.push(line, rng)?,
            };
        }
        i = end;
        progress(i as u64, total);
    }
    let result = tally.finish()?;
    Ok(Outcome {
        result,
        exclusions: tally.exclusions().to_vec(),
        entries: total,
    })
}

fn run_chunks(
    round: &[&[u8]],
    per: usize,
    seeds: &[[u8; 32]],
    ctx: &ElectionContext,
    server: &PublicKey,
) -> Vec<Option<Prechecked>> {
    let chunks: Vec<&[&[u8]]> = round.chunks(per.max(1)).collect();
    #[cfg(not(target_arch = "wasm32"))]
    if chunks.len() > 1 {
        return std::thread::scope(|s| {
            let handles: Vec<_> = chunks
                .iter()
                .zip(seeds)
                .map(|(c, seed)| s.spawn(move || precheck(c, seed, ctx, server)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("verification thread"))
                .collect()
        });
    }
    chunks
        .iter()
        .zip(seeds)
        .flat_map(|(c, seed)| precheck(c, seed, ctx, server))
        .collect()
}

/// Decodes a chunk of lines and checks, in one batch, every server
/// signature and every ballot's signature and proofs. When the batch fails,
/// nothing of the chunk counts as checked.
fn precheck(
    lines: &[&[u8]],
    seed: &[u8; 32],
    ctx: &ElectionContext,
    server: &PublicKey,
) -> Vec<Option<Prechecked>> {
    let mut rng = ChaCha20Rng::from_seed(*seed);
    let mut batch = BatchVerifier::with_capacity(lines.len() * (22 * ctx.candidates as usize + 4));
    let y = batch.add_base(*ctx.key.point());
    let sk = batch.add_base(*server.point());
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let Ok(entry) = parse_line(line) else {
            out.push(None);
            continue;
        };
        let Some(msg) = server_message(line) else {
            out.push(None);
            continue;
        };
        // A line that does not decode halfway through leaves nothing behind.
        let mark = batch.checkpoint();
        if entry
            .server_sig
            .add_to_batch(
                &mut batch,
                &mut rng,
                server.as_bytes(),
                KeyTerm::Base(sk),
                SERVER_ENTRY_CONTEXT,
                &msg,
            )
            .is_err()
        {
            batch.rollback(mark);
            out.push(None);
            continue;
        }
        let ballot = match &entry.payload {
            Payload::Ballot(b) => match b.add_to_batch(ctx, &mut batch, y, &mut rng) {
                Ok(cts) => Some(cts),
                Err(_) => {
                    batch.rollback(mark);
                    out.push(None);
                    continue;
                }
            },
            _ => None,
        };
        out.push(Some(Prechecked {
            entry,
            server_sig: true,
            ballot,
        }));
    }
    if batch.verify() {
        out
    } else {
        lines.iter().map(|_| None).collect()
    }
}
