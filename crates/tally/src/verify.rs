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
use crate::state::{Audit, Committee, Exclusion, Prechecked, Tally, VerifyError};

/// Lines per batch: one multiscalar multiplication each (about 10,000
/// terms for ballots of 15 candidates, past which Pippenger's method gains
/// nothing per term), and the step of the progress reports. Small enough
/// that the threads end together; a batch that fails sends its lines, one
/// at a time, through the full check.
const CHUNK: usize = 32;

/// A verified log.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The result table.
    pub result: ElectionResult,
    /// The ballot entries left out, in log order.
    pub exclusions: Vec<Exclusion>,
    /// Number of lines.
    pub entries: u64,
    /// The counting committee: `t` of `n`, the qualified members, who
    /// decrypted.
    pub committee: Committee,
    /// The opened ballots (PROTOCOL.md §6.3 `audit`), in log order.
    pub audits: Vec<Audit>,
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
/// `progress(done, total)` is called after each chunk of lines.
pub fn verify_log(
    bytes: &[u8],
    rng: &mut impl CryptoRngCore,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Outcome, VerifyError> {
    verify_log_with(bytes, default_threads(), rng, progress)
}

/// [`verify_log`] with a chosen number of threads (1 for single-threaded).
///
/// After the header (read one line at a time, up to the election key), the
/// lines are cut into chunks of `CHUNK`. Each chunk is decoded and its
/// signatures and proofs checked in one batch (`precheck`), which needs
/// nothing of the state but the header; the state machine then takes the
/// chunks in log order. With more than one thread, `threads` workers check
/// chunks while this thread applies those already checked, so the in-order
/// part overlaps the batches instead of waiting for them.
pub fn verify_log_with(
    bytes: &[u8],
    threads: usize,
    rng: &mut impl CryptoRngCore,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Outcome, VerifyError> {
    verify_log_report(bytes, threads, rng, progress).map_err(|f| f.error)
}

/// A log that fails: the failure and the exclusions found before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// The first failing line and why.
    pub error: VerifyError,
    /// The ballot entries left out before that line, in log order.
    pub exclusions: Vec<Exclusion>,
    /// The counting committee as the lines before the failing one show it
    /// (boxed: the error stays small).
    pub committee: Box<Committee>,
}

/// [`verify_log_with`], with the exclusions found before a failure
/// (what `tinnhiem verify --json` reports).
pub fn verify_log_report(
    bytes: &[u8],
    threads: usize,
    rng: &mut impl CryptoRngCore,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Outcome, Failed> {
    let mut tally = Tally::new();
    run(&mut tally, bytes, threads, rng, progress).map_err(|error| Failed {
        error,
        exclusions: tally.exclusions().to_vec(),
        committee: Box::new(tally.committee()),
    })
}

fn run(
    tally: &mut Tally,
    bytes: &[u8],
    threads: usize,
    rng: &mut impl CryptoRngCore,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Outcome, VerifyError> {
    let lines = split_lines(bytes);
    let total = lines.len() as u64;
    let i = read_header(tally, &lines, rng)?;
    if let Some(header) = Header::of(tally).filter(|_| i < lines.len()) {
        let chunks: Vec<&[&[u8]]> = lines[i..].chunks(CHUNK).collect();
        let mut applied = i as u64;
        let mut apply = |tally: &mut Tally,
                         chunk: &[&[u8]],
                         pre: Vec<Option<Prechecked>>,
                         rng: &mut _|
         -> Result<(), VerifyError> {
            apply_chunk(tally, chunk, pre, rng)?;
            applied += chunk.len() as u64;
            progress(applied, total);
            Ok(())
        };
        #[cfg(not(target_arch = "wasm32"))]
        if threads > 1 && chunks.len() > 1 {
            parallel(tally, &chunks, threads, &header, rng, &mut apply)?;
            return finish(tally, total);
        }
        #[cfg(target_arch = "wasm32")]
        let _ = threads;
        let mut batch_rng = ChaCha20Rng::from_seed(seed(rng));
        for chunk in &chunks {
            let pre = precheck(chunk, &mut batch_rng, &header);
            apply(tally, chunk, pre, rng)?;
        }
    }
    finish(tally, total)
}

/// Verifies the next `lines` of a log into `tally`, in steps chosen by the
/// caller (the inspector's page: one thread, a progress bar between steps),
/// with the same checks and answers as [`verify_log_with`]: the header one
/// line at a time, then chunks of at most `CHUNK` lines whose signatures and
/// proofs are checked in one batch. On a failure, lines before the failing
/// one (its `seq`) have been applied, none after.
pub fn verify_step(
    tally: &mut Tally,
    lines: &[&[u8]],
    rng: &mut impl CryptoRngCore,
) -> Result<(), VerifyError> {
    let i = read_header(tally, lines, rng)?;
    let Some(header) = Header::of(tally).filter(|_| i < lines.len()) else {
        return Ok(());
    };
    let mut batch_rng = ChaCha20Rng::from_seed(seed(rng));
    for chunk in lines[i..].chunks(CHUNK) {
        let pre = precheck(chunk, &mut batch_rng, &header);
        apply_chunk(tally, chunk, pre, rng)?;
    }
    Ok(())
}

/// Pushes lines one at a time until the header (up to the election key) is
/// read; returns how many of `lines` it took.
fn read_header(
    tally: &mut Tally,
    lines: &[&[u8]],
    rng: &mut impl CryptoRngCore,
) -> Result<usize, VerifyError> {
    let mut i = 0;
    while i < lines.len() && tally.ballot_context().is_none() {
        tally.push(lines[i], rng)?;
        i += 1;
    }
    Ok(i)
}

/// Runs the state machine over a chunk with its batch results: a line the
/// batch checked is applied, any other goes through `Tally::push`, which
/// names the failing line.
fn apply_chunk(
    tally: &mut Tally,
    chunk: &[&[u8]],
    pre: Vec<Option<Prechecked>>,
    rng: &mut impl CryptoRngCore,
) -> Result<(), VerifyError> {
    for (line, pre) in chunk.iter().zip(pre) {
        match pre {
            Some(pre) => tally.apply(line, pre, rng)?,
            None => tally.push(line, rng)?,
        };
    }
    Ok(())
}

fn finish(tally: &Tally, total: u64) -> Result<Outcome, VerifyError> {
    let result = tally.finish()?;
    Ok(Outcome {
        result,
        exclusions: tally.exclusions().to_vec(),
        entries: total,
        committee: tally.committee(),
        audits: tally.audits().to_vec(),
    })
}

/// What a batch needs of the state: fixed once the header is read.
struct Header {
    ctx: ElectionContext,
    server: PublicKey,
}

impl Header {
    /// `None` until the header is read.
    fn of(tally: &Tally) -> Option<Header> {
        Some(Header {
            ctx: tally.ballot_context()?,
            server: tally.server_key()?,
        })
    }
}

fn seed(rng: &mut impl CryptoRngCore) -> [u8; 32] {
    let mut s = [0u8; 32];
    rng.fill_bytes(&mut s);
    s
}

/// Runs the state machine over a chunk of lines and their batch results.
#[cfg(not(target_arch = "wasm32"))]
type ApplyChunk<'a, R> = dyn FnMut(&mut Tally, &[&[u8]], Vec<Option<Prechecked>>, &mut R) -> Result<(), VerifyError>
    + 'a;

/// `threads` workers take the chunks in order and batch-check them; this
/// thread applies their results in log order as they arrive. On a failure
/// the workers stop after their current chunk.
#[cfg(not(target_arch = "wasm32"))]
fn parallel<R: CryptoRngCore>(
    tally: &mut Tally,
    chunks: &[&[&[u8]]],
    threads: usize,
    header: &Header,
    rng: &mut R,
    apply: &mut ApplyChunk<'_, R>,
) -> Result<(), VerifyError> {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::mpsc;

    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let seeds: Vec<[u8; 32]> = (0..threads).map(|_| seed(rng)).collect();
    std::thread::scope(|s| {
        // Bounded, so that the workers cannot run far ahead of this thread.
        let (tx, rx) = mpsc::sync_channel(2 * threads);
        for seed in seeds {
            let (tx, next, stop) = (tx.clone(), &next, &stop);
            s.spawn(move || {
                let mut batch_rng = ChaCha20Rng::from_seed(seed);
                while !stop.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(k) else { break };
                    if tx
                        .send((k, precheck(chunk, &mut batch_rng, header)))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (k, pre) in &rx {
            waiting.insert(k, pre);
            while let Some(pre) = waiting.remove(&due) {
                if let Err(e) = apply(tally, chunks[due], pre, rng) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                due += 1;
            }
        }
        debug_assert_eq!(due, chunks.len(), "every chunk applied");
        Ok(())
    })
}

/// Decodes a chunk of lines and checks, in one batch, every server
/// signature and every ballot's signature and proofs. When the batch fails,
/// nothing of the chunk counts as checked.
fn precheck(lines: &[&[u8]], rng: &mut ChaCha20Rng, header: &Header) -> Vec<Option<Prechecked>> {
    let (ctx, server) = (&header.ctx, &header.server);
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
                rng,
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
            Payload::Ballot(b) => match b.add_to_batch(ctx, &mut batch, y, rng) {
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
