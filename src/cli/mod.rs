//! The command line: `verify`, `simulate` and `demo` (DESIGN.md,
//! "Interfaces others rely on"). Exit codes: 0 when everything holds, 1 when
//! the log (or the scenario's meeting) fails a rule, 2 for usage and I/O
//! errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod demo;
mod progress;
mod simulate;
mod verify;

pub use simulate::{run_scenario, SimulateError};

/// tinnhiem: secure, anonymous, verifiable confidence votes (lấy phiếu tín nhiệm).
#[derive(Parser, Debug)]
#[command(name = "tinnhiem", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Verify a published log (the inspector's check, R13): the hash chain,
    /// every signature and proof, the decryption and the result. Exit 0 and
    /// the result table when everything holds; exit 1 and the first bad
    /// entry when anything does not; exit 2 on usage or I/O errors.
    Verify {
        /// The log, as JSON Lines (GET /api/elections/{id}/log).
        log: PathBuf,
        /// Print the result as in result.json instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Run a whole meeting from a scenario file and write election.json,
    /// receipts.jsonl, log.jsonl, result.json and minutes.html to --out.
    Simulate {
        /// The scenario (JSON, see DESIGN.md).
        scenario: PathBuf,
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Run a realistic meeting with no set-up and print the verified result.
    Demo {
        /// Where to write the log and the minutes (default: a new temporary
        /// directory).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Verify { log, json } => verify::run(&log, json),
        Command::Simulate { scenario, out } => simulate::run(&scenario, &out),
        Command::Demo { out } => demo::run(out),
    }
}
