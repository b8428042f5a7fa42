//! Fixtures for tinnhiem's benchmarks: an in-memory meeting with voting
//! open, ballots of a given size, and the 1,000 × 15 logs that
//! `benches/verify.rs` verifies (n-of-n and threshold 2 of 3), made once and
//! kept under `target/`.
//!
//! Everything is seeded, so two runs measure the same work. The figures and
//! the commands are in `docs/PERFORMANCE.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::PathBuf;
use std::time::Instant;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::{Ballot, Choice, ElectionContext, Level};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::log::Candidate;
use tinnhiem_tally::sim::{Meeting, Setup, Threshold};

/// Candidates on the benchmarked ballot.
pub const CANDIDATES: usize = 15;
/// Ballots in the benchmarked log.
pub const VOTERS: usize = 1_000;

/// A seeded generator (benchmarks only: never for real keys).
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Voter `v`'s choices: every level and the blank entry, spread over the
/// candidates so that each candidate gets a mix.
pub fn choices(v: usize, candidates: usize) -> Vec<Choice> {
    (0..candidates)
        .map(|j| match (v * 7 + j * 3) % 10 {
            0..=3 => Some(Level::High),
            4..=6 => Some(Level::Confidence),
            7 | 8 => Some(Level::Low),
            _ => None,
        })
        .collect()
}

/// The committee's key ceremony of a benchmarked log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Committee {
    /// Every member's key share (no `threshold` in line 0): 3 of 3.
    AllOf3,
    /// The threshold ceremony, 2 of 3 (dealings, `shares_ok`, any 2
    /// members decrypt; PROTOCOL.md §10).
    TwoOf3,
}

impl Committee {
    /// The name in file names and benchmark ids: `3of3`, `2of3`.
    pub fn name(self) -> &'static str {
        match self {
            Committee::AllOf3 => "3of3",
            Committee::TwoOf3 => "2of3",
        }
    }
}

/// A meeting with `voters` people present, one credential each, and voting
/// open (n-of-n committee of 3).
pub fn open_meeting(
    voters: usize,
    candidates: usize,
    rng: &mut ChaCha20Rng,
) -> (Meeting, Vec<Credential>) {
    open_meeting_of(Committee::AllOf3, voters, candidates, rng)
}

/// [`open_meeting`] with the committee's ceremony `committee`.
pub fn open_meeting_of(
    committee: Committee,
    voters: usize,
    candidates: usize,
    rng: &mut ChaCha20Rng,
) -> (Meeting, Vec<Credential>) {
    let setup = Setup {
        id: Some("bench-1000x15".into()),
        title: "Lấy phiếu tín nhiệm (benchmark)".into(),
        unit: "Hội đồng nhân dân tỉnh".into(),
        date: "2026-11-28".into(),
        candidates: (0..candidates)
            .map(|j| Candidate {
                name: format!("Ứng viên {j}"),
                position: "Chức danh".into(),
                person: None,
            })
            .collect(),
        summoned: voters as u32,
        trustees: vec!["Trưởng ban".into(), "Thành viên".into(), "Thư ký".into()],
    };
    let mut m = match committee {
        Committee::AllOf3 => Meeting::create(setup, rng),
        Committee::TwoOf3 => Meeting::create_threshold(
            setup,
            Threshold {
                t: 2,
                bad_dealer: None,
            },
            rng,
        ),
    }
    .expect("meeting created");
    m.record_quorum(voters as u32, rng).expect("quorum");
    let creds = m.issue_credentials(voters, rng).expect("credentials");
    m.open(rng).expect("open");
    (m, creds)
}

/// The context every ballot of `m` is bound to.
pub fn context(m: &Meeting) -> ElectionContext {
    m.tally.ballot_context().expect("voting open")
}

/// One ballot per credential, filled on every core.
pub fn cast_all(m: &Meeting, creds: &[Credential], candidates: usize, seed: u64) -> Vec<Ballot> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = creds.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = creds
            .chunks(per)
            .enumerate()
            .map(|(t, chunk)| {
                s.spawn(move || {
                    let mut rng = rng(seed + t as u64);
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(i, c)| m.fill(c, &choices(t * per + i, candidates), None, &mut rng))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("casting thread"))
            .collect()
    })
}

/// Runs a whole election of `voters` ballots of `candidates` candidates
/// and returns its log (n-of-n committee of 3).
pub fn make_log(voters: usize, candidates: usize) -> Vec<u8> {
    make_log_of(Committee::AllOf3, voters, candidates)
}

/// [`make_log`] with the committee's ceremony `committee`. Under the
/// threshold ceremony members 0 and 2 decrypt (any `t` will do; not the
/// first `t`, so that the combination's Lagrange coefficients are not 1
/// and 0's).
pub fn make_log_of(committee: Committee, voters: usize, candidates: usize) -> Vec<u8> {
    let mut rng = rng(1);
    let (mut m, creds) = open_meeting_of(committee, voters, candidates, &mut rng);
    for b in cast_all(&m, &creds, candidates, 100) {
        m.submit(b, &mut rng).expect("an honest ballot is accepted");
    }
    m.close(&mut rng).expect("close");
    match committee {
        Committee::AllOf3 => m.decrypt(&mut rng),
        Committee::TwoOf3 => m.decrypt_by(&[0, 2], &mut rng),
    }
    .expect("decrypt");
    m.log_bytes()
}

/// The cargo target directory (where the cached log lives).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")))
}

/// The log of [`VOTERS`] ballots × [`CANDIDATES`] candidates, read from
/// `target/tinnhiem-bench/` when a previous run left one that still verifies
/// with today's code (else made again, about 15 s, and written there).
pub fn log_1000x15() -> Vec<u8> {
    log_1000x15_of(Committee::AllOf3)
}

/// [`log_1000x15`] with the committee's ceremony `committee`: the n-of-n
/// log is `log-1000x15.jsonl` (as before), the threshold one
/// `log-1000x15-2of3.jsonl`.
pub fn log_1000x15_of(committee: Committee) -> Vec<u8> {
    let dir = target_dir().join("tinnhiem-bench");
    let suffix = match committee {
        Committee::AllOf3 => String::new(),
        c => format!("-{}", c.name()),
    };
    let path = dir.join(format!("log-{VOTERS}x{CANDIDATES}{suffix}.jsonl"));
    if let Ok(bytes) = std::fs::read(&path) {
        if is_complete_log(&bytes) {
            return bytes;
        }
        eprintln!(
            "tinnhiem-bench: {} no longer verifies; making it again",
            path.display()
        );
    }
    let t = Instant::now();
    let bytes = make_log_of(committee, VOTERS, CANDIDATES);
    eprintln!(
        "tinnhiem-bench: made the {VOTERS}×{CANDIDATES} log ({} bytes) in {:.1} s",
        bytes.len(),
        t.elapsed().as_secs_f64()
    );
    if std::fs::create_dir_all(&dir).is_ok() {
        let tmp = path.with_extension("tmp");
        if std::fs::write(&tmp, &bytes).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
    }
    bytes
}

/// True when `bytes` is a log that verifies, counts [`VOTERS`] ballots and
/// excludes none.
pub fn is_complete_log(bytes: &[u8]) -> bool {
    let mut rng = rng(7);
    matches!(
        tinnhiem_tally::verify_log(bytes, &mut rng, &mut |_, _| {}),
        Ok(o) if o.result.returned == VOTERS as u64 && o.exclusions.is_empty()
    )
}
