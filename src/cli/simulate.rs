//! `tinnhiem simulate SCENARIO.json --out DIR [--server URL]`: a whole
//! meeting driven by a scenario file, over the HTTP API, against a fresh
//! local server or a running one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use thiserror::Error;
use tinnhiem_tally::{ElectionResult, VerifyError};

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

/// Runs a scenario against `server` (with the organizer's `password`) or,
/// without one, against a fresh local server.
pub async fn run_scenario(
    scenario: &Scenario,
    out: &Path,
    server: Option<(&str, &str)>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Summary, SimulateError> {
    let client = server.map(|(url, password)| (crate::client::Client::new(url), password));
    run_scenario_with(
        scenario,
        out,
        client.as_ref().map(|(c, p)| (c, *p)),
        progress,
    )
    .await
}

/// Like [`run_scenario`], with a client made by the caller (an `https://`
/// server with its `--ca`).
pub async fn run_scenario_with(
    scenario: &Scenario,
    out: &Path,
    server: Option<(&crate::client::Client, &str)>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Summary, SimulateError> {
    match server {
        Some((client, password)) => {
            super::meeting::run(scenario, client, password, out, progress).await
        }
        None => {
            let local = super::local::LocalServer::start()
                .await
                .map_err(SimulateError::Unexpected)?;
            let client = crate::client::Client::new(&local.base);
            let r = super::meeting::run(scenario, &client, &local.password, out, progress).await;
            local.stop().await;
            r
        }
    }
}

pub fn run(
    scenario: &Path,
    out: &Path,
    server: Option<String>,
    password: Option<String>,
    trust: &super::Trust,
) -> ExitCode {
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
                "tinnhiem simulate: {}: {e}\nSee docs/INTERFACES.md, \"Scenario file\", for the format.",
                scenario.display()
            );
            return ExitCode::from(2);
        }
    };
    let password = password.or_else(|| std::env::var("TINNHIEM_ORGANIZER_PASSWORD").ok());
    if server.is_some() && password.is_none() {
        eprintln!("tinnhiem simulate: --server needs the organizer's password (--password or TINNHIEM_ORGANIZER_PASSWORD)");
        return ExitCode::from(2);
    }
    let client = match server.as_deref().map(|url| trust.client(url)).transpose() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tinnhiem simulate: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = super::runtime();
    let mut bar = Progress::new("Bỏ phiếu (casting)");
    let target = client.as_ref().zip(password.as_deref());
    match rt.block_on(run_scenario_with(&s, out, target, &mut |d, t| {
        bar.update(d, t)
    })) {
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
