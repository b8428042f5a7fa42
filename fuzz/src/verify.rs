//! The properties every verifier target checks on a log.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_tally::{
    apply_checked, batch_header, check_chunk, split_lines, verify_header, verify_log,
    verify_log_with, ElectionResult, Exclusion, Tally, VerifyError, CHUNK_LINES,
};

/// The fixed seed of every verification rng in the fuzz targets.
pub const SEED: [u8; 32] = [7; 32];

/// A fresh rng with [`SEED`].
pub fn rng() -> ChaCha20Rng {
    ChaCha20Rng::from_seed(SEED)
}

/// What a verification comes to: the result, the exclusions and the line
/// count, or the first failure.
pub type Answer = Result<(ElectionResult, Vec<Exclusion>, u64), VerifyError>;

/// `verify_log_with(log, threads)` with a fresh [`rng`], checking the
/// progress reports on the way.
pub fn fast(log: &[u8], threads: Option<usize>) -> Answer {
    let total = split_lines(log).len() as u64;
    let mut last = 0u64;
    let mut progress = |done: u64, all: u64| {
        assert_eq!(all, total, "progress total is not the line count");
        assert!(
            done >= last && done <= all,
            "progress went back or past the end"
        );
        last = done;
    };
    let out = match threads {
        None => verify_log(log, &mut rng(), &mut progress),
        Some(t) => verify_log_with(log, t, &mut rng(), &mut progress),
    };
    out.map(|o| (o.result, o.exclusions, o.entries))
}

/// The log pushed through [`Tally::push`] one line at a time.
pub fn one_at_a_time(log: &[u8]) -> Answer {
    let mut tally = Tally::new();
    let mut rng = rng();
    for line in split_lines(log) {
        tally.push(line, &mut rng)?;
    }
    let result = tally.finish()?;
    Ok((result, tally.exclusions().to_vec(), tally.len()))
}

/// The chunked path of the inspector's Web Workers: the header, then each
/// chunk summarized by `check_chunk` and applied by `apply_checked`. A
/// summary cut short or with a byte changed (`garble`) must never panic:
/// the chunk is then checked by the page's own module, or (a changed sum or
/// credential, taken as the worker said it) the answer may differ, but
/// nothing breaks.
pub fn by_chunks(log: &[u8], garble: Option<usize>) -> Answer {
    let mut tally = Tally::new();
    let mut rng = rng();
    let lines = split_lines(log);
    let i = verify_header(&mut tally, &lines, &mut rng)?;
    if let Some(header) = batch_header(&tally).filter(|_| i < lines.len()) {
        for chunk in lines[i..].chunks(CHUNK_LINES) {
            let mut summary =
                check_chunk(&header, chunk, &mut rng).expect("the header's own bytes");
            if let Some(g) = garble {
                let at = g % summary.len();
                if g & 1 == 0 {
                    summary.truncate(at);
                } else {
                    summary[at] ^= 0x55;
                }
            }
            apply_checked(&mut tally, chunk, &summary, &mut rng)?;
        }
    }
    let result = tally.finish()?;
    Ok((result, tally.exclusions().to_vec(), tally.len()))
}

/// Checks the invariants of an accepted log's result (R2, R3, R5, R6).
pub fn check_result(r: &ElectionResult, exclusions: &[Exclusion]) {
    assert!(r.quorum.met, "voting opened without the quorum");
    assert!(r.quorum.present <= r.quorum.summoned, "present > summoned");
    assert!(r.issued <= u64::from(r.quorum.present), "issued > present");
    assert!(r.returned <= r.issued, "returned > issued");
    assert_eq!(r.excluded, exclusions.len() as u64, "excluded count");
    assert!(!r.candidates.is_empty(), "a result without candidates");
    for c in &r.candidates {
        assert_eq!(c.returned, r.returned);
        assert_eq!(c.issued, r.issued);
        let valid = c.high.count + c.confidence.count + c.low.count;
        assert_eq!(c.valid, valid, "valid is not the sum of the levels");
        assert!(valid <= c.returned, "more marks than ballots returned");
        assert_eq!(
            c.valid + c.invalid,
            c.returned,
            "valid + invalid != returned"
        );
        for l in [&c.high, &c.confidence, &c.low] {
            assert!((0.0..=100.0).contains(&l.percent), "percent out of range");
        }
    }
}

/// The whole check: no panic; the same answer (result or first failing
/// entry) for the same seed, for one thread and for every core, for the
/// batch path, the one-line-at-a-time path and the workers' chunks; a
/// consistent result; a garbled chunk summary does not panic.
pub fn check_log(log: &[u8]) {
    let single = fast(log, Some(1));
    let again = fast(log, Some(1));
    assert_eq!(
        single, again,
        "verify_log is not deterministic for a fixed seed"
    );
    let all_cores = fast(log, None);
    assert_eq!(
        single, all_cores,
        "the answer depends on the number of threads"
    );
    let slow = one_at_a_time(log);
    assert_eq!(single, slow, "verify_log and Tally::push disagree");
    let chunked = by_chunks(log, None);
    assert_eq!(
        single, chunked,
        "verify_log and the workers' chunks disagree"
    );
    let _ = by_chunks(log, Some(log.len().wrapping_mul(31)));
    if let Ok((result, exclusions, entries)) = &single {
        assert_eq!(*entries, split_lines(log).len() as u64);
        check_result(result, exclusions);
    }
}
