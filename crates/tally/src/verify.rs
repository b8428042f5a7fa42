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
use crate::state::{Audit, Committee, CountedBallot, Exclusion, Prechecked, Tally, VerifyError};
use tinnhiem_core::elgamal::Ciphertext;
use tinnhiem_core::encoding::point;
use tinnhiem_core::log::entry_hash;

/// Lines per batch: one multiscalar multiplication each (about 10,000
/// terms for ballots of 15 candidates, past which Pippenger's method gains
/// nothing per term), and the step of the progress reports. Small enough
/// that the threads end together; a batch that fails sends its lines, one
/// at a time, through the full check.
const CHUNK: usize = 32;

/// Lines per chunk of [`check_chunk`] (the same as the batch path's).
pub const CHUNK_LINES: usize = CHUNK;

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
/// read; returns how many of `lines` it took. The start of
/// [`verify_log_with`] and of the chunked path ([`check_chunk`]).
pub fn verify_header(
    tally: &mut Tally,
    lines: &[&[u8]],
    rng: &mut impl CryptoRngCore,
) -> Result<usize, VerifyError> {
    read_header(tally, lines, rng)
}

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

// The chunked path, for a caller that checks chunks elsewhere (the
// inspector's Web Workers, each with its own copy of the module): a worker
// runs [`check_chunk`] on a chunk of lines with the bytes of
// [`batch_header`] and answers a short summary; the page's own module applies
// the summaries in log order with [`apply_checked`], which costs little: no
// decoding, no proof, no point decompression but the chunk's sums. Whatever
// the summary says, `apply_checked` gives the answer of [`verify_step`] on
// the same lines: a chunk that is not all accepted ballots, or a summary
// that does not fit the state, is checked again line by line here.

/// What a worker needs of the state to check chunks: the election hash, the
/// election key, the number of candidates and the server's key (100 bytes),
/// once the header is read.
pub fn batch_header(tally: &Tally) -> Option<Vec<u8>> {
    let h = Header::of(tally)?;
    let mut out = Vec::with_capacity(HEADER_LEN);
    out.extend_from_slice(&h.ctx.election_hash);
    out.extend_from_slice(h.ctx.key.as_bytes());
    out.extend_from_slice(&h.ctx.candidates.to_le_bytes());
    out.extend_from_slice(h.server.as_bytes());
    Some(out)
}

const HEADER_LEN: usize = 32 + 32 + 4 + 32;

/// Length of [`batch_header`]'s bytes.
pub const BATCH_HEADER_LEN: usize = HEADER_LEN;

/// The bytes given to [`check_chunk`] are not those of [`batch_header`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a batch header: {0}")]
pub struct BadHeader(&'static str);

impl Header {
    fn from_bytes(b: &[u8]) -> Result<Header, BadHeader> {
        if b.len() != HEADER_LEN {
            return Err(BadHeader("length"));
        }
        let arr = |at: usize| -> [u8; 32] { b[at..at + 32].try_into().expect("32 bytes") };
        let key = PublicKey::from_bytes(&arr(32), "election_key")
            .map_err(|_| BadHeader("election key"))?;
        let candidates = u32::from_le_bytes(b[64..68].try_into().expect("4 bytes"));
        if candidates == 0 || candidates > 1000 {
            return Err(BadHeader("candidates"));
        }
        let server =
            PublicKey::from_bytes(&arr(68), "server_key").map_err(|_| BadHeader("server key"))?;
        Ok(Header {
            ctx: ElectionContext {
                election_hash: arr(0),
                key,
                candidates,
            },
            server,
        })
    }
}

/// Size of one ballot line in a summary: seq, prev, entry hash, credential.
const COUNTED_LEN: usize = 8 + 32 + 32 + 32;

/// Checks a chunk of lines after the header (a Web Worker's step): decodes
/// them and checks every server signature and every ballot's signature and
/// proofs in one batch, as [`verify_log_with`] does. Answers the summary
/// [`apply_checked`] takes: the number of lines (u32), then the lines in
/// order as segments: `0`, a line the state machine checks itself (not a
/// ballot, or one the batch could not take; every line when the batch
/// fails); or `1`, a count `k` (u32) and a run of `k` ballots the batch
/// verified, each as its seq (u64), prev, entry hash and credential, then
/// the sum of their ciphertexts (64 bytes each, item `3·candidate +
/// option`). Integers are little-endian.
pub fn check_chunk(
    header: &[u8],
    lines: &[&[u8]],
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<u8>, BadHeader> {
    let header = Header::from_bytes(header)?;
    let mut out = (lines.len() as u32).to_le_bytes().to_vec();
    let mut batch_rng = ChaCha20Rng::from_seed(seed(rng));
    let pre = precheck(lines, &mut batch_rng, &header);
    let items = 3 * header.ctx.candidates as usize;
    // The run of ballots being written: where its count goes, its sums.
    let mut run: Option<(usize, u32, Vec<Ciphertext>)> = None;
    let end_run = |out: &mut Vec<u8>, run: &mut Option<(usize, u32, Vec<Ciphertext>)>| {
        if let Some((at, k, sums)) = run.take() {
            out[at..at + 4].copy_from_slice(&k.to_le_bytes());
            for sum in &sums {
                out.extend_from_slice(&sum.compress().to_bytes());
            }
        }
    };
    for (line, pre) in lines.iter().zip(pre) {
        let counted = pre.and_then(|p| match (p.entry.payload, p.ballot) {
            (Payload::Ballot(b), Some(cts)) => Some((p.entry.seq, p.entry.prev, b.credential, cts)),
            _ => None,
        });
        let Some((seq, prev, credential, cts)) = counted else {
            end_run(&mut out, &mut run);
            out.push(0);
            continue;
        };
        let (_, k, sums) = run.get_or_insert_with(|| {
            out.push(1);
            out.extend_from_slice(&[0; 4]);
            (out.len() - 4, 0, vec![Ciphertext::zero(); items])
        });
        *k += 1;
        for (sum, ct) in sums.iter_mut().zip(cts.iter().flatten()) {
            *sum = sum.add(ct);
        }
        out.extend_from_slice(&seq.to_le_bytes());
        out.extend_from_slice(&prev);
        out.extend_from_slice(&entry_hash(line));
        out.extend_from_slice(&credential);
    }
    end_run(&mut out, &mut run);
    Ok(out)
}

/// A segment of a summary.
#[derive(Debug)]
enum Segment {
    /// One line for the state machine to check.
    Line,
    /// A run of ballots checked by the batch, with their ciphertexts' sum.
    Ballots(Vec<CountedBallot>, Vec<Ciphertext>),
}

/// The segments of a summary of `lines` lines for an election of `items`
/// encrypted totals, if it decodes and covers exactly those lines.
fn read_summary(summary: &[u8], lines: usize, items: usize) -> Option<Vec<Segment>> {
    let u32_at = |b: &[u8], at: usize| -> Option<usize> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    if u32_at(summary, 0)? != lines {
        return None;
    }
    let arr = |b: &[u8]| -> [u8; 32] { b.try_into().expect("32 bytes") };
    let (mut at, mut covered, mut out) = (4, 0, Vec::new());
    while at < summary.len() {
        match summary[at] {
            0 => {
                out.push(Segment::Line);
                covered += 1;
                at += 1;
            }
            1 => {
                let k = u32_at(summary, at + 1)?;
                at += 5;
                let counted = summary.get(at..at + k.checked_mul(COUNTED_LEN)?)?;
                at += counted.len();
                let sums = summary.get(at..at + items * 64)?;
                at += sums.len();
                let ballots: Vec<CountedBallot> = counted
                    .chunks_exact(COUNTED_LEN)
                    .map(|c| CountedBallot {
                        seq: u64::from_le_bytes(c[..8].try_into().expect("8 bytes")),
                        prev: arr(&c[8..40]),
                        hash: arr(&c[40..72]),
                        credential: arr(&c[72..104]),
                    })
                    .collect();
                let sums = sums
                    .chunks_exact(64)
                    .map(|c| {
                        Some(Ciphertext {
                            a: point(&arr(&c[..32]), "sum").ok()?,
                            b: point(&arr(&c[32..]), "sum").ok()?,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                covered += k;
                out.push(Segment::Ballots(ballots, sums));
            }
            _ => return None,
        }
    }
    (covered == lines).then_some(out)
}

/// Applies a chunk checked by [`check_chunk`] to `tally`, which has read
/// every line before it: the in-order part of the chunked path. Gives
/// exactly the answer of [`verify_step`] on the same lines when `summary` is
/// what `check_chunk` answered for them (the page's own code in a worker;
/// what it says of the lines is taken as said). A run of ballots that the
/// state accepts in turn (its position, the chain, the phase, a usable
/// credential used once) is taken at once, one addition per encrypted
/// total; any other line is checked here by [`Tally::push`]; from a run the
/// state does not accept, and for a summary that does not decode or does
/// not fit, the lines are checked here as [`verify_step`] does, which names
/// the failing line or the exclusions.
pub fn apply_checked(
    tally: &mut Tally,
    lines: &[&[u8]],
    summary: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Result<(), VerifyError> {
    let segments = match tally.ballot_context() {
        Some(ctx) => read_summary(summary, lines.len(), 3 * ctx.candidates as usize),
        None => None,
    };
    let Some(segments) = segments else {
        return verify_step(tally, lines, rng);
    };
    let mut i = 0;
    for segment in segments {
        match segment {
            Segment::Line => {
                tally.push(lines[i], rng)?;
                i += 1;
            }
            Segment::Ballots(ballots, sums) => {
                if !tally.apply_counted(&ballots, &sums) {
                    return verify_step(tally, &lines[i..], rng);
                }
                i += ballots.len();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    const HONEST: &[u8] = include_bytes!("../tests/vectors/honest.jsonl");

    /// The honest vector's six ballots (lines 7 to 12) and a verifier that
    /// has read the lines before them.
    fn before_ballots(rng: &mut ChaCha20Rng) -> (Vec<&'static [u8]>, Tally) {
        let lines = split_lines(HONEST);
        let mut t = Tally::new();
        verify_step(&mut t, &lines[..7], rng).expect("the honest vector");
        (lines, t)
    }

    #[test]
    fn a_chunk_of_accepted_ballots_is_applied_from_its_summary_alone() {
        let mut rng = ChaCha20Rng::seed_from_u64(15);
        let (lines, mut fast) = before_ballots(&mut rng);
        let (_, mut slow) = before_ballots(&mut rng);
        let header = batch_header(&fast).expect("the header is read");
        let summary = check_chunk(&header, &lines[7..13], &mut rng).expect("a good header");
        let segments = read_summary(&summary, 6, 6);
        let Some([Segment::Ballots(counted, sums)]) = segments.as_deref() else {
            panic!("six accepted ballots: one run")
        };
        assert!(
            fast.apply_counted(counted, sums),
            "taken without a line checked again"
        );
        verify_step(&mut slow, &lines[7..13], &mut rng).expect("the honest vector");
        assert_eq!(fast.totals(), slow.totals());
        assert_eq!((fast.len(), fast.head()), (slow.len(), slow.head()));
        // Both go on to the same result.
        verify_step(&mut fast, &lines[13..], &mut rng).expect("the rest");
        verify_step(&mut slow, &lines[13..], &mut rng).expect("the rest");
        assert_eq!(fast.finish(), slow.finish());
    }

    #[test]
    fn a_summary_that_does_not_fit_the_state_changes_nothing() {
        let mut rng = ChaCha20Rng::seed_from_u64(16);
        let (lines, mut t) = before_ballots(&mut rng);
        let header = batch_header(&t).expect("the header is read");
        // Ballots 8.. summarized, but the state expects line 7 next.
        let summary = check_chunk(&header, &lines[8..13], &mut rng).expect("a good header");
        let segments = read_summary(&summary, 5, 6);
        let Some([Segment::Ballots(counted, sums)]) = segments.as_deref() else {
            panic!("five accepted ballots: one run")
        };
        let (len, head, totals) = (t.len(), t.head(), t.totals().to_vec());
        assert!(!t.apply_counted(counted, sums));
        assert_eq!((t.len(), t.head(), t.totals()), (len, head, &totals[..]));
        // The close and the decryption after two ballots: a run, then two
        // lines for the state machine.
        let summary = check_chunk(&header, &lines[11..15], &mut rng).expect("a good header");
        assert!(matches!(
            read_summary(&summary, 4, 6).as_deref(),
            Some([Segment::Ballots(b, _), Segment::Line, Segment::Line]) if b.len() == 2
        ));
        // A summary of another length, cut short, or with a sum too many
        // does not decode.
        let summary = check_chunk(&header, &lines[7..13], &mut rng).expect("a good header");
        assert!(read_summary(&summary, 5, 6).is_none());
        assert!(read_summary(&summary[..summary.len() - 1], 6, 6).is_none());
        assert!(read_summary(&summary, 6, 3).is_none());
        assert!(check_chunk(&header[1..], &lines[7..13], &mut rng).is_err());
    }
}
