//! The scenario file of `tinnhiem simulate` (DESIGN.md, "Scenario file").
//!
//! Decoding refuses unknown fields (a typo must not silently change a
//! simulated meeting) and checks every count before anything runs.

use serde::Deserialize;
use thiserror::Error;
use tinnhiem_core::ballot::{check_name, Choice, Level};

/// One mark in a scenario ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// "Tín nhiệm cao".
    High,
    /// "Tín nhiệm".
    Confidence,
    /// "Tín nhiệm thấp".
    Low,
    /// Left blank (an invalid entry, R5).
    None,
}

impl Mark {
    /// As a ballot choice.
    pub fn choice(self) -> Choice {
        match self {
            Mark::High => Some(Level::High),
            Mark::Confidence => Some(Level::Confidence),
            Mark::Low => Some(Level::Low),
            Mark::None => None,
        }
    }
}

/// A candidate in the scenario.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioCandidate {
    /// Full name.
    pub name: String,
    /// Position.
    pub position: String,
}

/// One voter's ballot in the scenario.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioBallot {
    /// One mark per candidate, in order.
    pub marks: Vec<Mark>,
    /// The optional declared name (R4).
    #[serde(default)]
    pub signed_by: Option<String>,
}

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The meeting's title.
    pub title: String,
    /// The unit.
    pub unit: String,
    /// The meeting's date (`YYYY-MM-DD`); today when absent.
    #[serde(default)]
    pub date: Option<String>,
    /// The candidates.
    pub candidates: Vec<ScenarioCandidate>,
    /// People summoned.
    pub summoned: u32,
    /// People present (one credential each).
    pub present: u32,
    /// Members of the counting committee.
    pub trustees: u32,
    /// The ballots cast, one credential each.
    pub ballots: Vec<ScenarioBallot>,
    /// Ballots cast with credentials the committee never issued.
    #[serde(default)]
    pub forged: u32,
    /// Extra ballots cast with already used credentials.
    #[serde(default)]
    pub repeated: u32,
}

/// Why a scenario file was refused.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// Not JSON of the scenario's shape.
    #[error("the scenario is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    /// A count or field that does not fit the rules.
    #[error("the scenario is inconsistent: {0}")]
    Invalid(String),
}

impl Scenario {
    /// Decodes and checks a scenario file's bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        let s: Scenario = serde_json::from_slice(bytes)?;
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), ScenarioError> {
        let bad = |m: String| Err(ScenarioError::Invalid(m));
        if self.candidates.is_empty() || self.candidates.len() > 100 {
            return bad(format!(
                "{} candidates (1 to 100 allowed)",
                self.candidates.len()
            ));
        }
        if self.trustees == 0 || self.trustees > 20 {
            return bad(format!(
                "{} committee members (1 to 20 allowed)",
                self.trustees
            ));
        }
        if self.summoned == 0 || self.summoned > 100_000 {
            return bad(format!(
                "summoned = {} (1 to 100000 allowed)",
                self.summoned
            ));
        }
        if self.present > self.summoned {
            return bad(format!(
                "present ({}) exceeds summoned ({})",
                self.present, self.summoned
            ));
        }
        if self.ballots.len() > self.present as usize {
            return bad(format!(
                "{} ballots but only {} credentials (one per person present)",
                self.ballots.len(),
                self.present
            ));
        }
        if self.repeated > 0 && self.ballots.is_empty() {
            return bad("repeated ballots need at least one ballot to repeat".into());
        }
        if self.forged > 100_000 || self.repeated > 100_000 {
            return bad("forged and repeated: at most 100000 each".into());
        }
        for (i, b) in self.ballots.iter().enumerate() {
            if b.marks.len() != self.candidates.len() {
                return bad(format!(
                    "ballot {i} has {} marks for {} candidates",
                    b.marks.len(),
                    self.candidates.len()
                ));
            }
            if let Some(name) = &b.signed_by {
                if check_name(name).is_err() {
                    return bad(format!(
                        "ballot {i}: signed_by must be 1 to 200 bytes of text"
                    ));
                }
            }
        }
        Ok(())
    }
}
