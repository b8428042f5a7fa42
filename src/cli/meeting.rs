//! A whole meeting over the HTTP API, each actor doing what it would do on
//! its own device: the organizer creates and seals the election; each
//! committee member makes its trustee key locally and runs the key ceremony
//! from the log it downloads and verifies ([`tinnhiem_tally::member`]:
//! enrolls its key, deals, complains or confirms its shares, in turn until
//! the server appends the election key); members sign the attendance, the
//! credential sheet, the opening and the close, and the members present at
//! the count decrypt the totals; voters encrypt and sign on their side; the
//! inspector downloads the log and verifies it with the tally crate.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hyper::Method;
use rand::rngs::OsRng;
use serde_json::json;
use thiserror::Error;
use tinnhiem_core::ballot::{Ballot, ElectionContext};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::log::{
    CloseBody, CredentialsBody, Hex, Payload, QuorumBody, Refused, ResultBody, StatementBody,
};
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_tally::member::{self, Step};
use tinnhiem_tally::sim::Receipt;
use tinnhiem_tally::{ElectionResult, Tally, VerifyError};

use crate::client::{Client, ClientError};
use crate::scenario::{Scenario, ScenarioError};
use tinnhiem_server::election::{CandidateInput, Created, ElectionInput, ElectionView};
use tinnhiem_server::http::api::LoginAnswer;

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
    /// Fewer committee members decrypted than the threshold: the totals
    /// cannot be decrypted, so there is no result. The log is kept.
    #[error(
        "chỉ {decrypting} thành viên Ban kiểm phiếu giải mã, trong khi ngưỡng giải mã là {threshold}: \
         không tính được kết quả; nhật ký được giữ tại {} (only {decrypting} committee member(s) \
         decrypted where the threshold is {threshold}: the result cannot be computed; the log is \
         kept in {})",
        .log.display(),
        .log.display()
    )]
    TooFewDecrypting {
        /// Members that decrypted.
        decrypting: u32,
        /// The threshold `t`.
        threshold: u32,
        /// Where the log was written.
        log: PathBuf,
    },
    /// Fewer than `t` dealers qualified in the key ceremony: no election key.
    #[error(
        "chỉ {qualified} thành viên đạt yêu cầu ở bước tạo khoá, cần {needed}: không có khoá chung, \
         phải tạo lại cuộc lấy phiếu (only {qualified} dealers qualified in the key ceremony where \
         {needed} are needed: no election key; the election must be created again)"
    )]
    TooFewQualified {
        /// Qualified dealers.
        qualified: u32,
        /// The threshold.
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
            | SimulateError::TooFewDecrypting { .. }
            | SimulateError::TooFewQualified { .. }
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

fn io<T>(path: &Path, r: std::io::Result<T>) -> Result<T, SimulateError> {
    r.map_err(|source| SimulateError::Io {
        path: path.to_owned(),
        source,
    })
}

fn http(e: ClientError) -> SimulateError {
    SimulateError::Unexpected(e.to_string())
}

struct Committee {
    keys: Vec<TrusteeKey>,
    codes: Vec<String>,
}

impl Committee {
    /// Member 0 signs a statement for `payload` (its signature field is
    /// ignored) at the place after `anchor` (PROTOCOL.md §5.3) and returns
    /// the signature's hex.
    fn sign(&self, election_hash: &[u8; 32], anchor: &[u8; 32], payload: &Payload) -> Hex<64> {
        let (context, message, signer, _) = payload
            .statement(election_hash, anchor)
            .expect("a statement");
        Hex(self.keys[signer as usize]
            .sign(context, &message, &mut OsRng)
            .to_bytes())
    }
}

/// Reads the lines of the log after those `tally` has (the member's device
/// downloads what is new) and verifies them into it.
pub(crate) async fn read_log(
    client: &Client,
    base: &str,
    tally: &mut Tally,
) -> Result<(), SimulateError> {
    let new = client
        .send(
            Method::GET,
            &format!("{base}/log?from={}", tally.len()),
            None::<&()>,
            None,
        )
        .await
        .map_err(http)?;
    for line in tinnhiem_tally::split_lines(&new) {
        tally.push(line, &mut OsRng)?;
    }
    Ok(())
}

/// The key ceremony over HTTP: in turn, each member reads the log (what is
/// new since its last look), asks [`member::next_step`] what to do with its
/// own key and posts it (its trustee key with its enrollment code, its
/// dealing, a complaint, its `shares_ok`), until every member sees the
/// election key. Under n of n the steps are only the trustee keys.
async fn key_ceremony(
    client: &Client,
    base: &str,
    committee: &Committee,
) -> Result<(), SimulateError> {
    let n = committee.keys.len();
    let mut logs: Vec<Tally> = (0..n).map(|_| Tally::new()).collect();
    loop {
        let (mut done, mut acted) = (0, false);
        for (i, key) in committee.keys.iter().enumerate() {
            let log = &mut logs[i];
            read_log(client, base, log).await?;
            let step = member::next_step(log, i as u32, key, &mut OsRng)
                .map_err(|e| SimulateError::Unexpected(format!("member {i}: {e}")))?;
            let (route, body) = match step {
                Step::Done => {
                    done += 1;
                    continue;
                }
                Step::AwaitKeys { .. }
                | Step::AwaitDealings { .. }
                | Step::AwaitSharesOk { .. }
                | Step::AwaitElectionKey => continue,
                Step::TooFewQualified { qualified, needed } => {
                    return Err(SimulateError::TooFewQualified { qualified, needed })
                }
                Step::Register => {
                    let hash = log.election_hash().expect("a step after line 0");
                    let share = key.key_share(&hash, i as u32, &mut OsRng);
                    let body = json!({
                        "trustee": i,
                        "key": hex(share.key.as_bytes()),
                        "proof": hex(&share.proof.to_bytes()),
                        "code": committee.codes[i],
                    });
                    ("trustees", body)
                }
                Step::Deal(b) => ("dealings", json!(b)),
                Step::Complain { body, .. } => ("complaints", json!(body)),
                Step::SharesOk(b) => ("shares_ok", json!(b)),
            };
            client
                .send(Method::POST, &format!("{base}/{route}"), Some(&body), None)
                .await
                .map_err(|e| SimulateError::Unexpected(format!("member {i}, {route}: {e}")))?;
            acted = true;
        }
        if done == n {
            return Ok(());
        }
        if !acted {
            return Err(SimulateError::Unexpected(
                "the key ceremony is stuck: every member is waiting and no election key came"
                    .into(),
            ));
        }
    }
}

/// The anchor of the next committee statement, as the election's view
/// gives it (the driver does not verify the log at every step; the
/// inspector verifies all of it at the end).
async fn anchor(client: &Client, base: &str) -> Result<[u8; 32], SimulateError> {
    let view: ElectionView = client
        .call(Method::GET, base, None::<&()>, None)
        .await
        .map_err(http)?;
    unhex_array(view.anchor.as_deref().unwrap_or_default(), "anchor")
        .map_err(|e| SimulateError::Unexpected(e.to_string()))
}

fn unsigned() -> Hex<64> {
    Hex([0; 64])
}

/// An election after set-up, open for voting: what the committee and the
/// voters hold on their devices.
pub(crate) struct Opened {
    /// Election id.
    pub id: String,
    /// `/api/elections/{id}`.
    pub base: String,
    /// The election hash (line 0's).
    pub election_hash: [u8; 32],
    /// The committee's keys and enrollment codes.
    committee: Committee,
    /// The credential sheet, one per person present.
    pub credentials: Vec<Credential>,
    /// What every ballot is bound to.
    pub ctx: ElectionContext,
}

/// The organizer logs in; returns the session token.
pub(crate) async fn login(client: &Client, password: &str) -> Result<String, SimulateError> {
    let login: LoginAnswer = client
        .call(
            Method::POST,
            "/api/login",
            Some(&json!({"password": password})),
            None,
        )
        .await
        .map_err(|e| SimulateError::Unexpected(format!("organizer login: {e}")))?;
    Ok(login.token)
}

/// The organizer creates the election (a draft).
pub(crate) async fn create(
    client: &Client,
    token: &str,
    input: &ElectionInput,
) -> Result<Created, SimulateError> {
    client
        .call(Method::POST, "/api/elections", Some(input), Some(token))
        .await
        .map_err(http)
}

/// From the draft `created` from `input` to open voting: the organizer
/// seals it, each committee member makes its trustee key and the members
/// run the key ceremony ([`key_ceremony`]), member 0 signs the attendance (`present` people), a sheet of `present` credentials
/// and the opening. [`SimulateError::NoQuorum`] when the server refuses to
/// open.
pub(crate) async fn open_voting(
    client: &Client,
    token: &str,
    created: &Created,
    input: &ElectionInput,
    present: u32,
) -> Result<Opened, SimulateError> {
    let trustees = input.committee.len() as u32;
    let summoned = input.summoned;
    let id = created.id.clone();
    let base = format!("/api/elections/{id}");
    client
        .send(
            Method::POST,
            &format!("{base}/seal"),
            None::<&()>,
            Some(token),
        )
        .await
        .map_err(http)?;
    let view: ElectionView = client
        .call(Method::GET, &base, None::<&()>, None)
        .await
        .map_err(http)?;
    let election_hash: [u8; 32] = unhex_array(
        view.election_hash.as_deref().unwrap_or_default(),
        "election_hash",
    )
    .map_err(|e| SimulateError::Unexpected(e.to_string()))?;

    // Key ceremony: each member on his or her own device, from the log.
    let committee = Committee {
        keys: (0..trustees)
            .map(|_| TrusteeKey::generate(&mut OsRng))
            .collect(),
        codes: created.trustee_codes.clone(),
    };
    key_ceremony(client, &base, &committee).await?;

    // Attendance (R2).
    let mut q = QuorumBody {
        present,
        signer: 0,
        signature: unsigned(),
    };
    let at = anchor(client, &base).await?;
    q.signature = committee.sign(&election_hash, &at, &Payload::Quorum(q.clone()));
    client
        .send(Method::POST, &format!("{base}/quorum"), Some(&q), None)
        .await
        .map_err(http)?;

    // The credential sheet, made by the committee; the server gets only the
    // public parts.
    let creds: Vec<Credential> = (0..present)
        .map(|_| Credential::generate(&mut OsRng))
        .collect();
    let mut cb = CredentialsBody {
        credentials: creds
            .iter()
            .map(|c| Hex(*c.public(&id).as_bytes()))
            .collect(),
        signer: 0,
        signature: unsigned(),
    };
    let at = anchor(client, &base).await?;
    cb.signature = committee.sign(&election_hash, &at, &Payload::Credentials(cb.clone()));
    client
        .send(
            Method::POST,
            &format!("{base}/credentials"),
            Some(&cb),
            None,
        )
        .await
        .map_err(http)?;

    // Opening: refused by the server without the quorum.
    let mut open = StatementBody {
        signer: 0,
        signature: unsigned(),
    };
    let at = anchor(client, &base).await?;
    open.signature = committee.sign(&election_hash, &at, &Payload::Open(open.clone()));
    match client
        .send(Method::POST, &format!("{base}/open"), Some(&open), None)
        .await
    {
        Ok(_) => {}
        Err(e) if e.code() == Some("quorum") => {
            return Err(SimulateError::NoQuorum {
                present,
                summoned,
                needed: (summoned * 2).div_ceil(3),
            })
        }
        Err(e) => return Err(http(e)),
    }
    let view: ElectionView = client
        .call(Method::GET, &base, None::<&()>, None)
        .await
        .map_err(http)?;
    let key = PublicKey::from_bytes(
        &unhex_array(
            view.election_key.as_deref().unwrap_or_default(),
            "election_key",
        )
        .map_err(|e| SimulateError::Unexpected(e.to_string()))?,
        "election_key",
    )
    .map_err(|e| SimulateError::Unexpected(e.to_string()))?;
    let ctx = ElectionContext {
        election_hash,
        key,
        candidates: input.candidates.len() as u32,
    };
    Ok(Opened {
        id,
        base,
        election_hash,
        committee,
        credentials: creds,
        ctx,
    })
}

/// Runs `scenario` against the server at `client`, logged in with
/// `password`, writing the files of docs/INTERFACES.md to `out`.
pub async fn run(
    scenario: &Scenario,
    client: &Client,
    password: &str,
    out: &Path,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Summary, SimulateError> {
    io(out, std::fs::create_dir_all(out))?;
    // Organizer.
    let token = login(client, password).await?;
    let input = ElectionInput {
        title: scenario.title.clone(),
        unit: scenario.unit.clone(),
        date: scenario.date.clone().unwrap_or_else(today),
        candidates: scenario
            .candidates
            .iter()
            .map(|c| CandidateInput {
                name: c.name.clone(),
                position: c.position.clone(),
                retiring: false,
                appointed_this_year: false,
                person: c.person.clone(),
            })
            .collect(),
        summoned: scenario.summoned,
        committee: (1..=scenario.trustees)
            .map(|i| format!("Thành viên Ban kiểm phiếu {i}"))
            .collect(),
        threshold: Some(scenario.threshold()),
        campaign: None,
    };
    let created = create(client, &token, &input).await?;
    let id = created.id.clone();
    let election_json = out.join("election.json");
    io(
        &election_json,
        std::fs::write(
            &election_json,
            json!({"id": id, "server": client.base()}).to_string() + "\n",
        ),
    )?;
    let opened = open_voting(client, &token, &created, &input, scenario.present).await?;
    let (base, creds, ctx) = (&opened.base, &opened.credentials, opened.ctx);

    // Voters, several at a time, each encrypting on "their phone".
    let receipts_path = out.join("receipts.jsonl");
    let receipts = Arc::new(Mutex::new(io(
        &receipts_path,
        File::create(&receipts_path),
    )?));
    let total =
        (scenario.ballots.len() + scenario.forged as usize + scenario.repeated as usize) as u64;
    let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut refused = Refused::default();
    let voters: Vec<(Credential, Vec<_>, Option<String>)> = scenario
        .ballots
        .iter()
        .zip(creds)
        .map(|(b, c)| {
            (
                c.clone(),
                b.marks.iter().map(|m| m.choice()).collect(),
                b.signed_by.clone(),
            )
        })
        .collect();
    let concurrency = 8;
    let mut queue = voters.into_iter();
    loop {
        let batch: Vec<_> = queue.by_ref().take(concurrency).collect();
        if batch.is_empty() {
            break;
        }
        let mut tasks = Vec::new();
        for (cred, choices, signed_by) in batch {
            let client = client.clone();
            let path = format!("{base}/ballots");
            let id = id.clone();
            let receipts = receipts.clone();
            let receipts_path = receipts_path.clone();
            tasks.push(tokio::spawn(async move {
                let ballot = tokio::task::spawn_blocking(move || {
                    Ballot::cast(&ctx, &id, &cred, &choices, signed_by, &mut OsRng)
                })
                .await
                .map_err(|e| SimulateError::Unexpected(e.to_string()))?;
                let receipt: Receipt = client
                    .call(Method::POST, &path, Some(&ballot), None)
                    .await
                    .map_err(|e| {
                        SimulateError::Unexpected(format!("an honest ballot was refused: {e}"))
                    })?;
                let line = serde_json::to_string(&receipt).expect("receipt serializes") + "\n";
                let mut f = receipts.lock().expect("receipts lock");
                io(&receipts_path, f.write_all(line.as_bytes()))?;
                io(&receipts_path, f.flush())?;
                Ok::<_, SimulateError>(())
            }));
        }
        for t in tasks {
            t.await
                .map_err(|e| SimulateError::Unexpected(e.to_string()))??;
            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(d, total);
        }
    }
    // Forged ballots: credentials the committee never issued (R3, R5);
    // then repeated ones: a used credential votes again.
    let blank = vec![None; scenario.candidates.len()];
    let forged = (0..scenario.forged).map(|_| (Credential::generate(&mut OsRng), "forged"));
    let repeated = (0..scenario.repeated as usize)
        .map(|i| (creds[i % scenario.ballots.len()].clone(), "repeated"));
    for (cred, want) in forged.chain(repeated) {
        let ballot = Ballot::cast(&ctx, &id, &cred, &blank, None, &mut OsRng);
        match client
            .send(
                Method::POST,
                &format!("{base}/ballots"),
                Some(&ballot),
                None,
            )
            .await
        {
            Err(e) if e.code() == Some(want) => match want {
                "forged" => refused.forged += 1,
                _ => refused.repeated += 1,
            },
            other => {
                return Err(SimulateError::Unexpected(format!(
                    "a {want} ballot was not refused: {other:?}"
                )))
            }
        }
        let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(d, total);
    }

    let counted = close_and_publish(client, &opened, &scenario.decrypting()).await;

    // The inspector: download and verify (the log is kept also when there
    // is no result).
    let log = client
        .send(Method::GET, &format!("{base}/log"), None::<&()>, None)
        .await
        .map_err(http)?;
    let log_path = out.join("log.jsonl");
    io(&log_path, std::fs::write(&log_path, &log))?;
    match counted {
        Err(SimulateError::TooFewDecrypting {
            decrypting,
            threshold,
            ..
        }) => {
            return Err(SimulateError::TooFewDecrypting {
                decrypting,
                threshold,
                log: log_path,
            })
        }
        other => other?,
    }
    let outcome = tinnhiem_tally::verify_log(&log, &mut OsRng, &mut |_, _| {})?;
    let result: ElectionResult = outcome.result;
    if result.refused != refused {
        return Err(SimulateError::Unexpected(format!(
            "the server recorded {:?} refusals, the voters saw {:?}",
            result.refused, refused
        )));
    }
    let result_path = out.join("result.json");
    io(
        &result_path,
        std::fs::write(
            &result_path,
            serde_json::to_string_pretty(&result).expect("serializes") + "\n",
        ),
    )?;
    let minutes_html = client
        .send(
            Method::GET,
            &format!("{base}/minutes"),
            None::<&()>,
            Some(&opened.committee.codes[0]),
        )
        .await
        .map_err(http)?;
    let minutes = out.join("minutes.html");
    io(&minutes, std::fs::write(&minutes, &minutes_html))?;
    Ok(Summary {
        result,
        log: log_path,
        minutes,
    })
}

/// After the voting: member 0 closes it, each member of `decrypting` (from
/// 0) reads the log and posts its partial decryption
/// ([`member::decryption`]), and the first of them signs and publishes the
/// counts combined from the published shares.
/// [`SimulateError::TooFewDecrypting`] (with an empty path) when they are
/// fewer than the threshold.
pub(crate) async fn close_and_publish(
    client: &Client,
    opened: &Opened,
    decrypting: &[u32],
) -> Result<(), SimulateError> {
    let Opened {
        base,
        election_hash,
        committee,
        ..
    } = opened;
    let election_hash = *election_hash;
    // Close, then each member decrypts its share of the totals.
    let mut close = CloseBody {
        refused: Refused::default(), // the server fills in its own count
        signer: 0,
        signature: unsigned(),
    };
    let at = anchor(client, base).await?;
    close.signature = committee.sign(&election_hash, &at, &Payload::Close(close.clone()));
    client
        .send(
            Method::POST,
            &format!("{base}/close"),
            Some(&json!({"signer": 0, "signature": close.signature})),
            None,
        )
        .await
        .map_err(http)?;
    // Each member present at the count reads the log (the totals are in
    // it) and decrypts with its own key.
    let mut tally = Tally::new();
    for &i in decrypting {
        read_log(client, base, &mut tally).await?;
        let key = committee.keys.get(i as usize).ok_or_else(|| {
            SimulateError::Unexpected(format!("member {i} is not on the committee"))
        })?;
        let body = member::decryption(&tally, i, key, &mut OsRng)
            .map_err(|e| SimulateError::Unexpected(format!("member {i}: {e}")))?;
        client
            .send(
                Method::POST,
                &format!("{base}/decryptions"),
                Some(&body),
                None,
            )
            .await
            .map_err(|e| SimulateError::Unexpected(format!("member {i}, decryption: {e}")))?;
    }
    // The committee combines the published shares (from the log) and signs
    // the counts.
    read_log(client, base, &mut tally).await?;
    if member::decryptions_needed(&tally) > 0 {
        return Err(SimulateError::TooFewDecrypting {
            decrypting: decrypting.len() as u32,
            threshold: tally
                .threshold_params()
                .map_or(committee.keys.len() as u32, |p| p.t()),
            log: PathBuf::new(),
        });
    }
    let counts = tally
        .decrypted_counts()
        .map_err(|r| SimulateError::Unexpected(r.to_string()))?;
    let mut rb = ResultBody {
        counts,
        signer: decrypting.first().copied().unwrap_or(0),
        signature: unsigned(),
    };
    rb.signature = committee.sign(
        &election_hash,
        &tally.anchor(),
        &Payload::Result(rb.clone()),
    );
    client
        .send(Method::POST, &format!("{base}/result"), Some(&rb), None)
        .await
        .map_err(http)?;
    Ok(())
}
