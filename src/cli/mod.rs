//! The command line: `verify`, `simulate`, `demo`, `campaign report`... (docs/INTERFACES.md,
//! "Interfaces others rely on"). Exit codes: 0 when everything holds, 1 when
//! the log (or the scenario's meeting) fails a rule, 2 for usage and I/O
//! errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod campaign;
mod committee;
mod demo;
mod export;
mod loadtest;
mod local;
mod meeting;
mod progress;
mod reach;
mod simulate;
mod verify;

pub use local::LocalServer;
pub use meeting::SimulateError;
pub use simulate::run_scenario;

use tinnhiem_server::{shutdown_signal, Server};

use crate::client::{Client, ClientError};

/// `--ca`: what to trust on an `https://` server, for every command that
/// takes a server's URL.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Trust {
    /// With an https:// server: a PEM file of the certificate(s) to trust,
    /// the server's own (self-signed) certificate or the CA that signed it
    /// (or TINNHIEM_CA). Required with https://; there is no option to skip
    /// the check.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
}

impl Trust {
    /// A client for `server`, trusting `--ca`, else `TINNHIEM_CA`.
    pub fn client(&self, server: &str) -> Result<Client, ClientError> {
        let from_env = || {
            std::env::var_os("TINNHIEM_CA")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Client::with_ca(server, self.ca.clone().or_else(from_env).as_deref())
    }
}

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
    /// Run a whole meeting from a scenario file over the HTTP API and write
    /// election.json, receipts.jsonl, log.jsonl, result.json and
    /// minutes.html to --out.
    Simulate {
        /// The scenario (JSON, see docs/INTERFACES.md).
        scenario: PathBuf,
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// A running server (`http://host:port`, or `https://host:port` with
        /// --ca); without it, a fresh local server is started.
        #[arg(long)]
        server: Option<String>,
        /// The organizer's password on --server (or TINNHIEM_ORGANIZER_PASSWORD).
        #[arg(long)]
        password: Option<String>,
        #[command(flatten)]
        trust: Trust,
    },
    /// Load test: a whole meeting with N voters casting at once against a
    /// server (a fresh local one by default); reports ballots per second and
    /// latency percentiles.
    Loadtest(loadtest::Args),
    /// The counting committee's ceremony (key share, attendance, credential
    /// sheet, open, close, decryption, result), from a member's own computer.
    #[command(subcommand)]
    Committee(committee::Action),
    /// Write an election's log to a file for archiving with the minutes
    /// (R10), and verify it.
    Export(export::Args),
    /// The superior body's campaign (R8, R12): `campaign report LOG...`
    /// consolidates many units' meetings from their logs alone.
    #[command(subcommand)]
    Campaign(campaign::Action),
    /// Run the server: the meeting's API, data in an embedded store.
    Serve {
        /// Data directory.
        #[arg(long, default_value = "./tinnhiem-data")]
        data: PathBuf,
        /// Address to listen on; use the meeting room's network address (for
        /// example 0.0.0.0:8080) so that phones can reach it.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// Set (or reset) the organizer's password instead of generating one
        /// on first run (or TINNHIEM_ORGANIZER_PASSWORD). A password given
        /// here is visible to every user of this machine in the process
        /// list: prefer --organizer-password-file.
        #[arg(long, conflicts_with = "organizer_password_file")]
        organizer_password: Option<String>,
        /// Read the organizer's password to set from FILE (its first line),
        /// or from standard input with `-`: unlike --organizer-password it
        /// does not appear in the process list.
        #[arg(long, value_name = "FILE")]
        organizer_password_file: Option<PathBuf>,
        /// Set (or reset) the password of the superior body's officers, read
        /// from FILE (its first line; `-` for standard input), or from
        /// TINNHIEM_OFFICER_PASSWORD: their own login to the campaign page
        /// (/campaign), which consolidates the units' results (R11). Without
        /// it the stored one is kept; a server never given one has no officer
        /// account.
        #[arg(long, value_name = "FILE")]
        officer_password_file: Option<PathBuf>,
        /// The day the campaigns take as today (YYYY-MM-DD), for tests and
        /// demonstrations; default: the clock's day in Vietnam.
        #[arg(long, hide = true, value_name = "YYYY-MM-DD")]
        today: Option<String>,
        /// Requests per second per address on the open endpoints (casting,
        /// the voter's result, the login); 0 turns the limit off (a load
        /// test from one address).
        #[arg(long, default_value_t = 5.0)]
        rate_limit: f64,
        /// PEM certificate chain for HTTPS (with --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key for HTTPS (with --tls-cert).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
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
        Command::Campaign(action) => campaign::run(action),
        Command::Simulate {
            scenario,
            out,
            server,
            password,
            trust,
        } => {
            init_tracing("warn");
            simulate::run(&scenario, &out, server, password, &trust)
        }
        Command::Demo { out } => {
            init_tracing("warn");
            demo::run(out)
        }
        Command::Committee(action) => {
            init_tracing("warn");
            committee::run(action)
        }
        Command::Export(args) => {
            init_tracing("warn");
            export::run(args)
        }
        Command::Loadtest(args) => {
            init_tracing("warn");
            loadtest::run(args)
        }
        Command::Serve {
            data,
            bind,
            organizer_password,
            organizer_password_file,
            officer_password_file,
            today,
            tls_cert,
            tls_key,
            rate_limit,
        } => {
            init_tracing("info");
            let from_file = match organizer_password_file
                .as_deref()
                .map(|p| read_password(p, "organizer's"))
                .transpose()
            {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("tinnhiem serve: {e}");
                    return ExitCode::from(2);
                }
            };
            let password = from_file
                .or(organizer_password)
                .or_else(|| std::env::var("TINNHIEM_ORGANIZER_PASSWORD").ok());
            let officer = match officer_password_file
                .as_deref()
                .map(|p| read_password(p, "officers'"))
                .transpose()
            {
                Ok(p) => p.or_else(|| std::env::var("TINNHIEM_OFFICER_PASSWORD").ok()),
                Err(e) => {
                    eprintln!("tinnhiem serve: {e}");
                    return ExitCode::from(2);
                }
            };
            let today = match today.as_deref().map(tinnhiem_core::calendar::Date::parse) {
                None => None,
                Some(Some(d)) => Some(d),
                Some(None) => {
                    eprintln!("tinnhiem serve: --today is not a day written YYYY-MM-DD");
                    return ExitCode::from(2);
                }
            };
            let tls = tls_cert.zip(tls_key);
            let https = tls.is_some();
            let served = runtime().block_on(async move {
                let mut builder = Server::builder()
                    .data(data)
                    .bind(bind)
                    .rate_limit(rate_limit);
                if let Some(p) = password {
                    builder = builder.organizer_password(p);
                }
                if let Some(p) = officer {
                    builder = builder.officer_password(p);
                }
                if let Some(d) = today {
                    builder = builder.today(d);
                }
                if let Some((cert, key)) = tls {
                    builder = builder.tls(cert, key);
                }
                let listening = builder.build()?.listen().await?;
                // Where the room can open the pages, once the port is bound.
                print!(
                    "{}",
                    reach::announce(listening.local_addr(), https, &reach::machine_interfaces())
                );
                let _ = std::io::Write::flush(&mut std::io::stdout());
                listening.serve(shutdown_signal()).await
            });
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("tinnhiem serve: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// The organizer's password from `path` (`-`: standard input): its first
/// line, without the line ending. The error names the file, never what it
/// holds.
fn read_password(path: &std::path::Path, whose: &str) -> Result<String, String> {
    use std::io::Read;
    let mut text = zeroize::Zeroizing::new(String::new());
    let read = if path == std::path::Path::new("-") {
        std::io::stdin().read_line(&mut text).map(|_| ())
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map(|_| ())
    };
    let name = if path == std::path::Path::new("-") {
        "standard input".to_string()
    } else {
        path.display().to_string()
    };
    read.map_err(|e| format!("cannot read the {whose} password from {name}: {e}"))?;
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(format!("{name}: the {whose} password is empty"));
    }
    Ok(line.to_owned())
}

/// The tokio runtime of the commands that need one.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Logs to stderr, at `default` unless RUST_LOG says otherwise.
fn init_tracing(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
