//! `tinnhiem simulate SCENARIO.json --out DIR`: a whole meeting driven by a
//! scenario file. For now the meeting runs in this process, through the same
//! steps the server takes ([`tinnhiem_tally::sim::Meeting`]); the server issue
//! moves it onto HTTP.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rand_core::CryptoRngCore;
use thiserror::Error;
use tinnhiem_core::credential::Credential;
use tinnhiem_core::log::Candidate;
use tinnhiem_core::rules::quorum_met;
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_tally::{ElectionResult, ExclusionReason, VerifyError};

use super::progress::Progress;
use crate::report;
use crate::scenario::{Scenario, ScenarioError};

/// Why a simulation stopped.
#[derive(Debug, Error)]
pub enum SimulateError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The scenario file is wrong.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// R2: not enough people present; voting never opened.
    #[error("không đủ 2/3 số người được triệu tập (quorum not met, R2): {present} present of {summoned} summoned, {needed} needed; voting was not opened")]
    NoQuorum {
        /// Present.
        present: u32,
        /// Summoned.
        summoned: u32,
        /// Smallest quorum.
        needed: u32,
    },
    /// The meeting's own log failed verification (a bug: report it).
    #[error("the meeting's log failed verification: {0}")]
    Verify(#[from] VerifyError),
    /// The server did something the scenario did not expect.
    #[error("unexpected answer from the server: {0}")]
    Unexpected(String),
}

impl SimulateError {
    /// 1 for a rule that stopped the meeting, 2 for input and I/O problems.
    pub fn exit_code(&self) -> u8 {
        match self {
            SimulateError::NoQuorum { .. }
            | SimulateError::Verify(_)
            | SimulateError::Unexpected(_) => 1,
            SimulateError::Io { .. } | SimulateError::Scenario(_) => 2,
        }
    }
}

/// What a finished simulation produced.
pub struct Summary {
    /// The result.
    pub result: ElectionResult,
    /// Paths written.
    pub log: PathBuf,
    /// The minutes.
    pub minutes: PathBuf,
}

fn io<T>(path: &Path, r: std::io::Result<T>) -> Result<T, SimulateError> {
    r.map_err(|source| SimulateError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Today's date, `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days to civil date (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Runs `scenario`, writing its files to `out`.
pub fn run_scenario(
    scenario: &Scenario,
    out: &Path,
    rng: &mut impl CryptoRngCore,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Summary, SimulateError> {
    io(out, std::fs::create_dir_all(out))?;
    let setup = Setup {
        id: None,
        title: scenario.title.clone(),
        unit: scenario.unit.clone(),
        date: scenario.date.clone().unwrap_or_else(today),
        candidates: scenario
            .candidates
            .iter()
            .map(|c| Candidate {
                name: c.name.clone(),
                position: c.position.clone(),
            })
            .collect(),
        summoned: scenario.summoned,
        trustees: (1..=scenario.trustees)
            .map(|i| format!("Thành viên Ban kiểm phiếu {i}"))
            .collect(),
    };
    let mut m = Meeting::create(setup, rng)?;
    let election_json = out.join("election.json");
    io(
        &election_json,
        std::fs::write(
            &election_json,
            serde_json::json!({"id": m.id, "server": "in-process"}).to_string() + "\n",
        ),
    )?;
    m.record_quorum(scenario.present, rng)?;
    if !quorum_met(scenario.summoned, scenario.present) {
        return Err(SimulateError::NoQuorum {
            present: scenario.present,
            summoned: scenario.summoned,
            needed: (scenario.summoned * 2).div_ceil(3),
        });
    }
    let creds = m.issue_credentials(scenario.present as usize, rng)?;
    m.open(rng)?;

    let receipts_path = out.join("receipts.jsonl");
    let mut receipts = io(&receipts_path, File::create(&receipts_path))?;
    let total =
        (scenario.ballots.len() + scenario.forged as usize + scenario.repeated as usize) as u64;
    let mut done = 0;
    for (b, cred) in scenario.ballots.iter().zip(&creds) {
        let choices: Vec<_> = b.marks.iter().map(|m| m.choice()).collect();
        let ballot = m.fill(cred, &choices, b.signed_by.clone(), rng);
        let receipt = m
            .submit(ballot, rng)
            .map_err(|r| SimulateError::Unexpected(format!("an honest ballot was refused: {r}")))?;
        let line = serde_json::to_string(&receipt).expect("receipt serializes") + "\n";
        io(&receipts_path, receipts.write_all(line.as_bytes()))?;
        io(&receipts_path, receipts.flush())?;
        done += 1;
        progress(done, total);
    }
    let blank = vec![None; scenario.candidates.len()];
    for _ in 0..scenario.forged {
        let fake = Credential::generate(rng);
        let ballot = m.fill(&fake, &blank, None, rng);
        match m.submit(ballot, rng) {
            Err(ExclusionReason::NotIssued) => {}
            other => {
                return Err(SimulateError::Unexpected(format!(
                    "forged ballot not refused: {other:?}"
                )))
            }
        }
        done += 1;
        progress(done, total);
    }
    for i in 0..scenario.repeated as usize {
        let cred = &creds[i % scenario.ballots.len()];
        let ballot = m.fill(cred, &blank, None, rng);
        match m.submit(ballot, rng) {
            Err(ExclusionReason::Repeated(_)) => {}
            other => {
                return Err(SimulateError::Unexpected(format!(
                    "repeated ballot not refused: {other:?}"
                )))
            }
        }
        done += 1;
        progress(done, total);
    }
    m.close(rng)?;
    m.decrypt(rng)?;

    let log_path = out.join("log.jsonl");
    let bytes = m.log_bytes();
    io(&log_path, std::fs::write(&log_path, &bytes))?;
    // The inspector's check on the written bytes, as `verify` does it.
    let outcome = tinnhiem_tally::verify_log(&bytes, rng, &mut |_, _| {})?;
    let result = outcome.result;
    let result_path = out.join("result.json");
    io(
        &result_path,
        std::fs::write(
            &result_path,
            serde_json::to_string_pretty(&result).expect("serializes") + "\n",
        ),
    )?;
    let minutes = out.join("minutes.html");
    let election = m.tally.election().expect("line 0");
    io(
        &minutes,
        std::fs::write(&minutes, report::minutes_html(election, &result)),
    )?;
    Ok(Summary {
        result,
        log: log_path,
        minutes,
    })
}

pub fn run(scenario: &Path, out: &Path) -> ExitCode {
    let bytes = match std::fs::read(scenario) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("tinnhiem simulate: cannot read {}: {e}", scenario.display());
            return ExitCode::from(2);
        }
    };
    let s = match Scenario::from_slice(&bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "tinnhiem simulate: {}: {e}\nSee DESIGN.md, \"Scenario file\", for the format.",
                scenario.display()
            );
            return ExitCode::from(2);
        }
    };
    let mut bar = Progress::new("Bỏ phiếu (casting)");
    match run_scenario(&s, out, &mut rand::rngs::OsRng, &mut |d, t| {
        bar.update(d, t)
    }) {
        Ok(summary) => {
            print!("{}", report::table(&summary.result));
            println!("Nhật ký (log): {}", summary.log.display());
            println!("Biên bản (minutes): {}", summary.minutes.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tinnhiem simulate: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
