//! The result table (R6, R7) in the shape of `result.json` (docs/INTERFACES.md).

use serde::{Deserialize, Serialize};
use tinnhiem_core::log::Refused;
use tinnhiem_core::rules::{percent_hundredths, quorum_met, Consequence};

/// Attendance (R2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuorumResult {
    /// People summoned.
    pub summoned: u32,
    /// People present.
    pub present: u32,
    /// `present * 3 >= summoned * 2`.
    pub met: bool,
}

/// One level's count and its percentage of ballots returned (R6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelCount {
    /// How many ballots marked this level.
    pub count: u64,
    /// `count / returned` in percent, rounded to two decimals.
    pub percent: f64,
}

/// One candidate's line of the table (R6, R7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// Full name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Credentials issued.
    pub issued: u64,
    /// Ballots returned (counted).
    pub returned: u64,
    /// Entries with exactly one level marked.
    pub valid: u64,
    /// Blank entries (R5).
    pub invalid: u64,
    /// "Tín nhiệm cao".
    pub high: LevelCount,
    /// "Tín nhiệm".
    pub confidence: LevelCount,
    /// "Tín nhiệm thấp".
    pub low: LevelCount,
    /// `none`, `9.2` or `9.3` (R7).
    pub consequence: String,
}

/// The whole result, as written to `result.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ElectionResult {
    /// Attendance.
    pub quorum: QuorumResult,
    /// Credentials issued.
    pub issued: u64,
    /// Ballots returned.
    pub returned: u64,
    /// One line per candidate.
    pub candidates: Vec<CandidateResult>,
    /// What the server refused while voting was open.
    pub refused: Refused,
    /// Ballot entries the tally left out.
    pub excluded: u64,
    /// Entry hash of the last line, hex.
    pub log_head: String,
}

fn level(count: u64, returned: u64) -> LevelCount {
    LevelCount {
        count,
        percent: percent_hundredths(count, returned) as f64 / 100.0,
    }
}

impl CandidateResult {
    /// A candidate's line from the decrypted counts `[high, confidence, low]`.
    pub fn new(name: &str, position: &str, issued: u64, returned: u64, counts: [u64; 3]) -> Self {
        let valid = counts.iter().sum::<u64>();
        CandidateResult {
            name: name.to_owned(),
            position: position.to_owned(),
            issued,
            returned,
            valid,
            invalid: returned.saturating_sub(valid),
            high: level(counts[0], returned),
            confidence: level(counts[1], returned),
            low: level(counts[2], returned),
            consequence: Consequence::of(counts[2], returned).code().to_owned(),
        }
    }
}

impl QuorumResult {
    /// R2 for these numbers.
    pub fn new(summoned: u32, present: u32) -> Self {
        QuorumResult {
            summoned,
            present,
            met: quorum_met(summoned, present),
        }
    }
}
