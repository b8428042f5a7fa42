//! `tinnhiem loadtest`: a whole meeting with many voters casting at once,
//! to measure how fast the server accepts ballots (issues 3 and 5).
//!
//! The set-up is [`super::meeting`]'s: the organizer creates and seals the
//! election, the committee runs the key ceremony, records the attendance, posts
//! the credential sheet and opens the voting. Then every voter's ballot is
//! encrypted and signed *before* the clock starts (on a phone each voter
//! pays that cost alone; here one machine would pay it for all and measure
//! itself), and the ballots are sent with at most `--concurrency` requests
//! in flight: all together as fast as the server answers (a closed load:
//! each ballot's latency then includes its wait behind the others), or with
//! `--rate R` one every 1/R second (an open load, as voters arriving on
//! their own; latency counts from each ballot's due time, so a server that
//! falls behind cannot hide it). Latency runs to the moment the receipt is
//! decoded; the rate is accepted ballots over the wall time of the whole
//! sending phase.
//!
//! Nothing is taken on trust afterwards: the committee closes and decrypts,
//! the log is downloaded and verified with the tally crate, every receipt
//! is checked against the log (its line holds this voter's ballot, the hash
//! and the head signature match), and the decrypted counts must equal the
//! choices of the ballots in the log. So "durable and counted" is checked,
//! not assumed.
//!
//! The load generator and a local server share the machine's cores; the
//! report says how many there are, and how much CPU time each ballot cost.
//! Against `--server`, start the server with `--rate-limit 0`: its
//! per-address limit would otherwise refuse nearly every ballot of a test
//! that comes from one address.
//!
//! Exit code: 0 when every ballot got a receipt and every check held; 1
//! when one did not (the figures are printed either way) or when the
//! meeting could not be run; 2 for usage errors.

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::Method;
use rand::Rng;
use serde::Serialize;
use serde_json::value::RawValue;
use tinnhiem_core::ballot::{tracking_code, Ballot, Choice, ElectionContext, Level};
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::log::{head_message, parse_line, Payload, SERVER_HEAD_CONTEXT};
use tinnhiem_core::schnorr::{PublicKey, Signature};
use tinnhiem_tally::sim::Receipt;

use super::meeting::{self, Opened};
use super::meeting::{today, SimulateError};
use super::progress::Progress;
use crate::client::{Client, ClientError};
use tinnhiem_server::election::{CandidateInput, ElectionInput, ElectionView};

/// Options of the load test.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A running server (`http://host:port`, or `https://host:port` with
    /// --ca); without it a fresh local server.
    #[arg(long)]
    pub server: Option<String>,
    #[command(flatten)]
    pub trust: super::Trust,
    /// The organizer's password on --server (or TINNHIEM_ORGANIZER_PASSWORD).
    #[arg(long)]
    pub password: Option<String>,
    /// Number of voters (one ballot each).
    #[arg(long, default_value_t = 200)]
    pub voters: u32,
    /// Candidates on the ballot.
    #[arg(long, default_value_t = 15)]
    pub candidates: u32,
    /// Ballots in flight at once (at most).
    #[arg(long, default_value_t = 200)]
    pub concurrency: u32,
    /// Send at this many ballots per second (an open load, as voters arriving
    /// on their own) instead of as fast as the server answers; latency then
    /// counts from each ballot's due time.
    #[arg(long)]
    pub rate: Option<f64>,
    /// Members of the counting committee.
    #[arg(long, default_value_t = 3)]
    pub trustees: u32,
    /// Print the report as JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Latency percentiles of the accepted ballots, in milliseconds.
#[derive(Debug, Default, Serialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

/// What the check after the close found.
#[derive(Debug, Default, Serialize)]
pub struct Checked {
    /// Lines in the downloaded log.
    pub log_lines: u64,
    /// Ballot lines in the log.
    pub ballots_in_log: u64,
    /// The log verified with the tally crate.
    pub log_verified: bool,
    /// Receipts whose line, entry hash, tracking code and head signature
    /// match the log.
    pub receipts_matching: u64,
    /// Ballots in the log whose voter got no receipt (an error after the
    /// server had accepted them).
    pub in_log_without_receipt: u64,
    /// The decrypted counts equal the choices of the ballots in the log.
    pub counts_match: bool,
    /// What went wrong, if anything.
    pub problems: Vec<String>,
}

/// The figures of one run.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The server measured (`local` for the one started here).
    pub server: String,
    /// Voters (ballots sent).
    pub voters: u32,
    /// Candidates per ballot.
    pub candidates: u32,
    /// Requests in flight at once (at most).
    pub concurrency: u32,
    /// Ballots per second offered (open load), or `None` for as fast as
    /// the server answers.
    pub rate: Option<f64>,
    /// Committee members.
    pub trustees: u32,
    /// CPUs of this machine (shared by the load generator and a local
    /// server).
    pub cpus: usize,
    /// CPU model, when known.
    pub cpu_model: Option<String>,
    /// Seconds spent encrypting every ballot before the measure.
    pub encrypt_seconds: f64,
    /// Size of one ballot's request body, in bytes.
    pub ballot_bytes: usize,
    /// Ballots that got a receipt.
    pub accepted: u64,
    /// Ballots the server refused, by its error code.
    pub refused: BTreeMap<String, u64>,
    /// Ballots that got no answer or an answer that does not decode, by kind.
    pub errors: BTreeMap<String, u64>,
    /// The first message of each kind of error.
    pub error_samples: BTreeMap<String, String>,
    /// Seconds from the first request to the last answer.
    pub wall_seconds: f64,
    /// Accepted ballots per second of wall time.
    pub ballots_per_second: f64,
    /// CPU time this process spent while sending, per accepted ballot, in
    /// milliseconds (Linux only): with a local server, the server's work and
    /// the load generator's together, which does not depend on what else
    /// the machine runs; `cpus` divided by it bounds the rate this machine
    /// could reach with nothing else running.
    pub cpu_ms_per_ballot: Option<f64>,
    /// Send → receipt, accepted ballots only.
    pub latency_ms: Latency,
    /// The check after the close.
    pub checked: Checked,
}

impl Report {
    /// True when every ballot was accepted and every check held.
    pub fn clean(&self) -> bool {
        self.accepted == u64::from(self.voters)
            && self.refused.is_empty()
            && self.errors.is_empty()
            && self.checked.problems.is_empty()
    }
}

/// The answer to one ballot.
enum Outcome {
    Accepted(Receipt),
    Refused(String),
    Error(&'static str, String),
}

/// A voter of the test: the credential, the choices, the ready request body.
struct Voter {
    credential: [u8; 32],
    choices: Vec<Choice>,
    body: Box<RawValue>,
}

pub fn run(args: Args) -> ExitCode {
    if args.voters == 0 || args.candidates == 0 || args.concurrency == 0 || args.trustees == 0 {
        eprintln!("tinnhiem loadtest: --voters, --candidates, --concurrency and --trustees must be at least 1");
        return ExitCode::from(2);
    }
    if args.rate.is_some_and(|r| !(r.is_finite() && r > 0.0)) {
        eprintln!("tinnhiem loadtest: --rate must be a positive number of ballots per second");
        return ExitCode::from(2);
    }
    let password = args
        .password
        .clone()
        .or_else(|| std::env::var("TINNHIEM_ORGANIZER_PASSWORD").ok());
    if args.server.is_some() && password.is_none() {
        eprintln!("tinnhiem loadtest: --server needs the organizer's password (--password or TINNHIEM_ORGANIZER_PASSWORD)");
        return ExitCode::from(2);
    }
    let remote = match args.server.as_deref().map(|url| args.trust.client(url)) {
        None => None,
        Some(Ok(client)) => Some(client),
        Some(Err(e)) => {
            eprintln!("tinnhiem loadtest: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = super::runtime();
    let outcome = rt.block_on(async {
        match (&remote, &password) {
            (Some(client), Some(password)) => measure(&args, client, password, client.base()).await,
            _ => {
                let local = super::LocalServer::start()
                    .await
                    .map_err(SimulateError::Unexpected)?;
                let client = Client::new(&local.base);
                let r = measure(&args, &client, &local.password, "local").await;
                local.stop().await;
                r
            }
        }
    });
    match outcome {
        Ok(report) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("report serializes")
                );
            } else {
                print!("{}", table(&report));
            }
            if report.clean() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("tinnhiem loadtest: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn unexpected(e: impl std::fmt::Display) -> SimulateError {
    SimulateError::Unexpected(e.to_string())
}

/// Runs the whole meeting against `client` and measures the voting.
pub async fn measure(
    args: &Args,
    client: &Client,
    password: &str,
    server: &str,
) -> Result<Report, SimulateError> {
    // Set-up, as the organizer and the committee would do it.
    let token = meeting::login(client, password).await?;
    let input = ElectionInput {
        title: format!(
            "Thử tải: {} cử tri, {} ứng viên (load test)",
            args.voters, args.candidates
        ),
        unit: "tinnhiem loadtest".into(),
        date: today(),
        candidates: (1..=args.candidates)
            .map(|i| CandidateInput {
                name: format!("Ứng viên {i}"),
                position: format!("Chức vụ {i}"),
                retiring: false,
                appointed_this_year: false,
                person: None,
            })
            .collect(),
        summoned: args.voters,
        committee: (1..=args.trustees)
            .map(|i| format!("Thành viên Ban kiểm phiếu {i}"))
            .collect(),
        threshold: None,
        campaign: None,
    };
    let created = meeting::create(client, &token, &input).await?;
    let opened = meeting::open_voting(client, &token, &created, &input, args.voters).await?;

    // Every ballot, ready to send, before the clock starts.
    let started = Instant::now();
    let voters = encrypt_all(&opened)?;
    let encrypt_seconds = started.elapsed().as_secs_f64();
    let ballot_bytes = voters.first().map_or(0, |v| v.body.get().len());

    // The measure.
    let cpu_before = process_cpu_seconds();
    let (outcomes, wall) = send_all(
        client,
        &opened.base,
        &voters,
        args.concurrency as usize,
        args.rate,
    )
    .await;
    let cpu = cpu_before.zip(process_cpu_seconds()).map(|(a, b)| b - a);
    let mut accepted = 0u64;
    let mut refused = BTreeMap::new();
    let mut errors = BTreeMap::new();
    let mut error_samples = BTreeMap::new();
    let mut latencies = Vec::with_capacity(outcomes.len());
    let mut receipts: Vec<Option<Receipt>> = Vec::with_capacity(outcomes.len());
    for (outcome, elapsed) in outcomes {
        match outcome {
            Outcome::Accepted(r) => {
                accepted += 1;
                latencies.push(elapsed);
                receipts.push(Some(r));
            }
            Outcome::Refused(code) => {
                *refused.entry(code).or_insert(0) += 1;
                receipts.push(None);
            }
            Outcome::Error(kind, message) => {
                *errors.entry(kind.to_owned()).or_insert(0) += 1;
                error_samples.entry(kind.to_owned()).or_insert(message);
                receipts.push(None);
            }
        }
    }

    // Close, decrypt, publish; then check what the server acknowledged.
    // The smallest majority decrypts (the server's default threshold).
    let decrypting: Vec<u32> = (0..tinnhiem_core::dkg::default_threshold(args.trustees)).collect();
    meeting::close_and_publish(client, &opened, &decrypting).await?;
    let checked = check(client, &opened, &voters, &receipts).await?;

    Ok(Report {
        server: server.to_owned(),
        voters: args.voters,
        candidates: args.candidates,
        concurrency: args.concurrency,
        rate: args.rate,
        trustees: args.trustees,
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu_model: cpu_model(),
        encrypt_seconds,
        ballot_bytes,
        accepted,
        refused,
        errors,
        error_samples,
        wall_seconds: wall.as_secs_f64(),
        ballots_per_second: accepted as f64 / wall.as_secs_f64().max(1e-9),
        cpu_ms_per_ballot: cpu
            .filter(|_| accepted > 0)
            .map(|c| c * 1000.0 / accepted as f64),
        latency_ms: latency(&mut latencies),
        checked,
    })
}

/// Encrypts and signs one ballot per credential on every core, with random
/// choices (a blank entry now and then).
fn encrypt_all(opened: &Opened) -> Result<Vec<Voter>, SimulateError> {
    let total = opened.credentials.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total.max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicU64::new(0);
    let bar = Mutex::new(Progress::new("Mã hoá phiếu (encrypting)"));
    let ctx: ElectionContext = opened.ctx;
    let candidates = ctx.candidates as usize;
    let mut voters: Vec<(usize, Voter)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut rng = rand::rngs::OsRng;
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(cred) = opened.credentials.get(i) else {
                            break;
                        };
                        let choices: Vec<Choice> = (0..candidates)
                            .map(|_| match rng.gen_range(0..20) {
                                0..=8 => Some(Level::High),
                                9..=15 => Some(Level::Confidence),
                                16..=18 => Some(Level::Low),
                                _ => None,
                            })
                            .collect();
                        let ballot = Ballot::cast(&ctx, &opened.id, cred, &choices, None, &mut rng);
                        let body =
                            serde_json::value::to_raw_value(&ballot).expect("a ballot serializes");
                        mine.push((
                            i,
                            Voter {
                                credential: ballot.credential,
                                choices,
                                body,
                            },
                        ));
                        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if let Ok(mut b) = bar.try_lock() {
                            b.update(d, total as u64);
                        }
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("an encryption thread panicked"))
            .collect()
    });
    bar.lock()
        .expect("progress lock")
        .update(total as u64, total as u64);
    voters.sort_by_key(|(i, _)| *i);
    if voters.len() != total {
        return Err(unexpected("some ballots were not encrypted"));
    }
    Ok(voters.into_iter().map(|(_, v)| v).collect())
}

/// Sends every ballot with at most `concurrency` requests in flight; with a
/// `rate`, ballot `i` is due at `i / rate` seconds (an open load: voters do
/// not wait for each other) and its latency counts from that moment, so time
/// spent waiting for a free slot is not hidden. Returns each ballot's outcome
/// and latency (in the voters' order) and the wall time.
async fn send_all(
    client: &Client,
    base: &str,
    voters: &[Voter],
    concurrency: usize,
    rate: Option<f64>,
) -> (Vec<(Outcome, Duration)>, Duration) {
    let total = voters.len();
    let slots = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let done = Arc::new(AtomicU64::new(0));
    let bar = Arc::new(Mutex::new(Progress::new("Bỏ phiếu (casting)")));
    let path: Arc<str> = format!("{base}/ballots").into();
    let started = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for (i, voter) in voters.iter().enumerate() {
        let due = match rate {
            Some(r) => {
                let due = started + Duration::from_secs_f64(i as f64 / r);
                tokio::time::sleep_until(due).await;
                Some(due)
            }
            None => None,
        };
        let slot = slots
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let (client, body, done, bar, path) = (
            client.clone(),
            voter.body.clone(),
            done.clone(),
            bar.clone(),
            path.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let sent = due.unwrap_or_else(tokio::time::Instant::now);
            let answer = client
                .call::<Receipt>(Method::POST, &path, Some(&body), None)
                .await;
            let elapsed = sent.elapsed();
            drop(slot);
            let outcome = match answer {
                Ok(r) => Outcome::Accepted(r),
                Err(e @ ClientError::Refused { .. }) => {
                    Outcome::Refused(e.code().unwrap_or("http").to_owned())
                }
                Err(e @ ClientError::Transport(_)) => Outcome::Error("transport", e.to_string()),
                Err(e @ ClientError::Decode(_)) => {
                    Outcome::Error("undecodable answer", e.to_string())
                }
                Err(e) => Outcome::Error("tls", e.to_string()),
            };
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            bar.lock().expect("progress lock").update(d, total as u64);
            (outcome, elapsed)
        }));
    }
    let mut all = Vec::with_capacity(total);
    for t in tasks {
        all.push(t.await.expect("a sending task panicked"));
    }
    (all, started.elapsed())
}

/// Nearest-rank percentiles, in milliseconds.
fn latency(samples: &mut [Duration]) -> Latency {
    if samples.is_empty() {
        return Latency::default();
    }
    samples.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let rank = |p: f64| {
        let k = ((p / 100.0) * samples.len() as f64).ceil() as usize;
        ms(samples[k.clamp(1, samples.len()) - 1])
    };
    Latency {
        p50: rank(50.0),
        p90: rank(90.0),
        p99: rank(99.0),
        max: ms(samples[samples.len() - 1]),
        mean: samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64,
    }
}

/// Downloads the log, verifies it, and checks every receipt and the counts
/// against it.
async fn check(
    client: &Client,
    opened: &Opened,
    voters: &[Voter],
    receipts: &[Option<Receipt>],
) -> Result<Checked, SimulateError> {
    let base = &opened.base;
    let log = client
        .send(Method::GET, &format!("{base}/log"), None::<&()>, None)
        .await
        .map_err(unexpected)?;
    let view: ElectionView = client
        .call(Method::GET, base, None::<&()>, None)
        .await
        .map_err(unexpected)?;
    let server_key = view
        .server_key
        .as_deref()
        .ok_or_else(|| unexpected("the election has no server key"))
        .and_then(|k| unhex_array::<32>(k, "server_key").map_err(unexpected))
        .and_then(|k| PublicKey::from_bytes(&k, "server_key").map_err(unexpected))?;
    let ctx = opened.ctx;
    let candidates = ctx.candidates as usize;
    tokio::task::block_in_place(|| {
        let mut c = Checked::default();
        let lines = tinnhiem_tally::split_lines(&log);
        c.log_lines = lines.len() as u64;
        let result = match tinnhiem_tally::verify_log(&log, &mut rand::rngs::OsRng, &mut |_, _| {})
        {
            Ok(outcome) => {
                c.log_verified = true;
                Some(outcome.result)
            }
            Err(e) => {
                c.problems.push(format!("the log fails verification: {e}"));
                None
            }
        };
        // Ballot lines by credential.
        let mut in_log: HashMap<[u8; 32], (u64, [u8; 32])> = HashMap::new();
        for (seq, line) in lines.iter().enumerate() {
            if let Ok(entry) = parse_line(line) {
                if let Payload::Ballot(b) = entry.payload {
                    if in_log
                        .insert(b.credential, (seq as u64, b.digest(&ctx)))
                        .is_some()
                    {
                        c.problems.push(format!(
                            "a credential has two ballots in the log (line {seq})"
                        ));
                    }
                }
            }
        }
        c.ballots_in_log = in_log.len() as u64;
        let mut expected = vec![[0u64; 3]; candidates];
        for (voter, receipt) in voters.iter().zip(receipts) {
            let logged = in_log.get(&voter.credential);
            if let Some(r) = receipt {
                match receipt_problem(r, logged, &lines, &server_key) {
                    None => c.receipts_matching += 1,
                    Some(p) => c.problems.push(p),
                }
            } else if logged.is_some() {
                c.in_log_without_receipt += 1;
            }
            if logged.is_some() {
                for (j, choice) in voter.choices.iter().enumerate() {
                    if let Some(level) = choice {
                        expected[j][level.index()] += 1;
                    }
                }
            }
        }
        if let Some(result) = result {
            let counted: Vec<[u64; 3]> = result
                .candidates
                .iter()
                .map(|r| [r.high.count, r.confidence.count, r.low.count])
                .collect();
            c.counts_match = counted == expected && result.returned == c.ballots_in_log;
            if !c.counts_match {
                c.problems.push(
                    "the decrypted counts differ from the choices of the ballots in the log".into(),
                );
            }
        }
        Ok(c)
    })
}

/// Why a receipt does not match the log, or `None` when it does.
fn receipt_problem(
    r: &Receipt,
    logged: Option<&(u64, [u8; 32])>,
    lines: &[&[u8]],
    server_key: &PublicKey,
) -> Option<String> {
    let Some(&(seq, digest)) = logged else {
        return Some(format!(
            "receipt for line {} but the voter's ballot is not in the log",
            r.seq
        ));
    };
    if r.seq != seq {
        return Some(format!(
            "receipt says line {} but the ballot is at line {seq}",
            r.seq
        ));
    }
    let hash = tinnhiem_core::log::entry_hash(lines[seq as usize]);
    if r.entry_hash != hex(&hash) || r.head != r.entry_hash {
        return Some(format!(
            "receipt for line {seq}: the entry hash differs from the log's"
        ));
    }
    if r.tracking != tracking_code(&digest) {
        return Some(format!("receipt for line {seq}: wrong tracking code"));
    }
    let signed = unhex_array::<64>(&r.head_signature, "head_signature")
        .ok()
        .and_then(|s| Signature::from_bytes(&s).ok())
        .is_some_and(|s| {
            s.verify(server_key, SERVER_HEAD_CONTEXT, &head_message(&hash, seq))
                .is_ok()
        });
    if !signed {
        return Some(format!(
            "receipt for line {seq}: the head signature does not verify"
        ));
    }
    None
}

/// User and system CPU time of this process so far, from /proc/self/stat
/// (Linux; its clock ticks are USER_HZ, 100 per second).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name, in parentheses, may hold spaces: count after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ');
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

/// The CPU model, from /proc/cpuinfo (Linux).
fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_owned())
}

/// The report as a table for a terminal.
pub fn table(r: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let kinds = |m: &BTreeMap<String, u64>| {
        if m.is_empty() {
            "0".to_owned()
        } else {
            m.iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let l = &r.latency_ms;
    let c = &r.checked;
    let _ = writeln!(
        s,
        "Máy chủ (server): {} · {} cử tri (voters) × {} ứng viên (candidates) · ≤ {} đồng thời (in flight){}",
        r.server,
        r.voters,
        r.candidates,
        r.concurrency,
        r.rate.map(|x| format!(" · offered {x} ballots/s")).unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "Máy (machine): {} CPU{} — {}",
        r.cpus,
        r.cpu_model
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default(),
        if r.server == "local" {
            "shared by the load generator and the server"
        } else {
            "the load generator's (the server's, if on the same machine, shares them)"
        }
    );
    let _ = writeln!(
        s,
        "Encrypted {} ballots ({} bytes each) in {:.1} s before the measure",
        r.voters, r.ballot_bytes, r.encrypt_seconds
    );
    let _ = writeln!(s, "Accepted:   {} of {}", r.accepted, r.voters);
    let _ = writeln!(s, "Refused:    {}", kinds(&r.refused));
    if r.refused.contains_key("rate_limited") {
        let _ = writeln!(
            s,
            "            the server limits requests per address: for a load test from one \
             machine start it with `tinnhiem serve --rate-limit 0`"
        );
    }
    let _ = writeln!(s, "Errors:     {}", kinds(&r.errors));
    for (kind, message) in &r.error_samples {
        let _ = writeln!(s, "            first {kind} error: {message}");
    }
    let _ = writeln!(s, "Wall time:  {:.2} s", r.wall_seconds);
    let _ = writeln!(s, "Throughput: {:.0} ballots/s", r.ballots_per_second);
    if let Some(c) = r.cpu_ms_per_ballot {
        let _ = writeln!(
            s,
            "CPU:        {c:.2} ms per ballot in this process ({})",
            if r.server == "local" {
                "server and load generator"
            } else {
                "load generator only"
            }
        );
    }
    let _ = writeln!(
        s,
        "Latency (send → receipt, ms): p50 {:.1} · p90 {:.1} · p99 {:.1} · max {:.1} · mean {:.1}",
        l.p50, l.p90, l.p99, l.max, l.mean
    );
    let _ = writeln!(
        s,
        "After the close: log of {} lines {}; {} ballots in it; {} of {} receipts match it; counts {}",
        c.log_lines,
        if c.log_verified { "verified" } else { "NOT verified" },
        c.ballots_in_log,
        c.receipts_matching,
        r.accepted,
        if c.counts_match { "match the ballots" } else { "DO NOT match" }
    );
    if c.in_log_without_receipt > 0 {
        let _ = writeln!(
            s,
            "{} ballots are in the log but their voters got no receipt",
            c.in_log_without_receipt
        );
    }
    for p in &c.problems {
        let _ = writeln!(s, "PROBLEM: {p}");
    }
    s
}
