//! The scenario file of `tinnhiem simulate` (docs/INTERFACES.md, "Scenario file").
//!
//! Decoding refuses unknown fields (a typo must not silently change a
//! simulated meeting) and checks every count before anything runs.

use serde::Deserialize;
use thiserror::Error;
use tinnhiem_core::ballot::{check_name, Choice, Level};
use tinnhiem_core::log::{check_election, Candidate, ElectionBody, Hex};

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
    /// The personnel code (mã cán bộ), R8.
    #[serde(default)]
    pub person: Option<String>,
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
    /// How many members must take part in decryption (1 to `trustees`,
    /// which gives n of n); absent, the smallest majority of `trustees`.
    #[serde(default)]
    pub threshold: Option<u32>,
    /// The members, from 0, who decrypt at the count; absent, the first
    /// `threshold` members. Fewer than `threshold` of them: the meeting
    /// stops after voting, with the log kept and no result.
    #[serde(default)]
    pub decrypting: Option<Vec<u32>>,
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
    /// The threshold `t`: the file's, or the smallest majority of the
    /// committee (as for an election created without one).
    pub fn threshold(&self) -> u32 {
        self.threshold
            .unwrap_or_else(|| tinnhiem_core::dkg::default_threshold(self.trustees))
    }

    /// The members, from 0, who decrypt at the count: the file's, or the
    /// first `threshold` members.
    pub fn decrypting(&self) -> Vec<u32> {
        self.decrypting
            .clone()
            .unwrap_or_else(|| (0..self.threshold()).collect())
    }

    /// Decodes and checks a scenario file's bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        let s: Scenario = serde_json::from_slice(bytes)?;
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), ScenarioError> {
        let bad = |m: String| Err(ScenarioError::Invalid(m));
        if let Some(date) = &self.date {
            if !tinnhiem_core::rules::is_calendar_date(date) {
                return bad(format!("date {date:?} is not a day written YYYY-MM-DD"));
            }
        }
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
        if let Some(t) = self.threshold {
            let min = tinnhiem_core::dkg::default_threshold(self.trustees);
            if t < min || t > self.trustees {
                return bad(format!(
                    "threshold = {t} (a majority, {min} to trustees = {} allowed)",
                    self.trustees
                ));
            }
        }
        if let Some(members) = &self.decrypting {
            for (i, m) in members.iter().enumerate() {
                if *m >= self.trustees {
                    return bad(format!(
                        "decrypting names member {m}, but members are numbered 0 to {}",
                        self.trustees - 1
                    ));
                }
                if members[..i].contains(m) {
                    return bad(format!("decrypting names member {m} twice"));
                }
            }
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
        // The texts go into line 0 as they are: check them by the verifier's
        // own rules, or the meeting would stop at its first line.
        let line0 = ElectionBody {
            id: "scenario".into(),
            title: self.title.clone(),
            unit: self.unit.clone(),
            date: self.date.clone().unwrap_or_else(|| "YYYY-MM-DD".into()),
            candidates: self
                .candidates
                .iter()
                .map(|c| Candidate {
                    name: c.name.clone(),
                    position: c.position.clone(),
                    person: c.person.clone(),
                })
                .collect(),
            summoned: self.summoned,
            trustees: vec!["trustee".into(); self.trustees as usize],
            threshold: Some(self.threshold()),
            dossier: None,
            server_key: Hex([0; 32]),
        };
        if let Err(e) = check_election(&line0) {
            return bad(e.to_string());
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

#[cfg(test)]
mod fuzz_regressions {
    use super::*;

    fn with(field: &str, value: &str) -> Vec<u8> {
        let mut v: serde_json::Value = serde_json::from_str(
            r#"{"title":"T","unit":"U","date":"2024-01-01",
                "candidates":[{"name":"A","position":"P"}],
                "summoned":3,"present":2,"trustees":2,
                "ballots":[{"marks":["low"]}]}"#,
        )
        .unwrap();
        match field {
            "name" => v["candidates"][0]["name"] = value.into(),
            f => v[f] = value.into(),
        }
        serde_json::to_vec(&v).unwrap()
    }

    /// Found by `fuzz/fuzz_targets/scenario.rs`: a date of more than 32 bytes
    /// (or an empty title, a control character in a name, ...) decoded, and
    /// `simulate` then failed at line 0 with "the meeting's log failed
    /// verification (a bug)" instead of a scenario error.
    #[test]
    fn scenario_text_accepted_that_line_0_refuses() {
        assert!(Scenario::from_slice(&with("title", "T")).is_ok());
        let long_name = "x".repeat(201);
        for (field, value) in [
            ("date", "2024-0jjjjjjjjjjjjjjjjjjjjjjjjjj01"),
            ("date", "2026-02-30"),
            ("date", "29/11/2026"),
            ("title", ""),
            ("unit", "   "),
            ("name", "A\u{7}"),
            ("name", long_name.as_str()),
        ] {
            let r = Scenario::from_slice(&with(field, value));
            assert!(
                matches!(r, Err(ScenarioError::Invalid(_))),
                "{field} = {value:?}: {r:?}"
            );
        }
    }
}
