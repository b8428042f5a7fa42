//! What the tally's test files share: one log verified three ways (line by
//! line, and by the batch path on one and on two threads), which must agree.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_tally::{split_lines, verify_log_with, ElectionResult, Exclusion, Tally, VerifyError};

/// A log's verdict: the result with its exclusions, or its first failure.
pub type Verdict = Result<(ElectionResult, Vec<Exclusion>), VerifyError>;

/// The log file of `lines`: each followed by a newline.
pub fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

/// `Tally::push`, line by line.
pub fn verify_by_push(bytes: &[u8]) -> Verdict {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let mut t = Tally::new();
    for line in split_lines(bytes) {
        t.push(line, &mut rng)?;
    }
    let result = t.finish()?;
    Ok((result, t.exclusions().to_vec()))
}

/// The batch path on `threads` threads.
pub fn verify_batch(bytes: &[u8], threads: usize) -> Verdict {
    let mut rng = ChaCha20Rng::seed_from_u64(2 + threads as u64);
    let out = verify_log_with(bytes, threads, &mut rng, &mut |_, _| {})?;
    Ok((out.result, out.exclusions))
}

/// Verifies the log line by line and in batches on one and two threads;
/// all three must agree.
pub fn verify(lines: &[Vec<u8>]) -> Verdict {
    let bytes = join(lines);
    let by_push = verify_by_push(&bytes);
    assert_eq!(
        verify_batch(&bytes, 1),
        by_push,
        "batch (1 thread) differs from Tally::push"
    );
    assert_eq!(
        verify_batch(&bytes, 2),
        by_push,
        "batch (2 threads) differs from Tally::push"
    );
    by_push
}

/// The failure of a log that must fail.
pub fn failure(lines: &[Vec<u8>]) -> VerifyError {
    match verify(lines) {
        Ok(_) => panic!("the log verifies, though it must fail"),
        Err(e) => e,
    }
}

/// A whole-log vector `NAME.jsonl` with its `NAME.result.json`
/// (PROTOCOL.md §8.2): written from `lines` when
/// `TINNHIEM_REGENERATE_VECTORS=1`, else compared byte for byte with the
/// committed files, which must verify by themselves to the committed
/// result. Returns the result and exclusions of `lines`.
// Not every test file that includes this module has a vector.
#[allow(dead_code)]
pub fn committed_vector(name: &str, lines: &[Vec<u8>]) -> (ElectionResult, Vec<Exclusion>) {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors"));
    let bytes = join(lines);
    let (r, exclusions) = verify(lines).expect("the vector verifies");
    let result = serde_json::to_string_pretty(&r).expect("a result serializes") + "\n";
    let (log_path, result_path) = (
        dir.join(format!("{name}.jsonl")),
        dir.join(format!("{name}.result.json")),
    );
    if std::env::var("TINNHIEM_REGENERATE_VECTORS").is_ok_and(|v| v == "1") {
        std::fs::write(&log_path, &bytes).expect("write the log");
        std::fs::write(&result_path, &result).expect("write the result");
    }
    let committed = std::fs::read(&log_path).expect("the committed log");
    assert!(committed == bytes, "{name}.jsonl does not regenerate");
    assert_eq!(
        std::fs::read_to_string(&result_path).expect("the committed result"),
        result
    );
    let (r2, _) = verify_by_push(&committed).expect("the committed log verifies");
    assert_eq!(
        serde_json::to_string_pretty(&r2).expect("a result serializes") + "\n",
        result
    );
    (r, exclusions)
}
