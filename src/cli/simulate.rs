//! `tinnhiem simulate SCENARIO.json --out DIR [--server URL]`: a whole
//! meeting driven by a scenario file, over the HTTP API, against a fresh
//! local server or a running one.

use std::path::Path;
use std::process::ExitCode;

use super::meeting::{SimulateError, Summary};
use super::progress::Progress;
use crate::report;
use crate::scenario::Scenario;

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
