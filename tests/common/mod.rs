//! What the server tests share: the real `tinnhiem serve` binary on a free
//! port with a temporary store (killed when dropped), a raw HTTP helper that
//! shows statuses and headers, and a [`Meeting`] that plays every actor the
//! way `src/cli/meeting.rs` does (organizer, committee members with their
//! own key shares, voters encrypting and signing on their side).

#![allow(dead_code)] // each test file uses a different part of this module

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::HeaderMap;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use rand::rngs::OsRng;
use serde::de::DeserializeOwned;
use serde_json::json;
use tinnhiem::client::{Client, ClientError};
use tinnhiem_core::ballot::{Ballot, Choice, ElectionContext, Level};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::elgamal::{Ciphertext, CompressedCiphertext};
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::log::DecryptionBody;
use tinnhiem_core::log::{
    CloseBody, CredentialsBody, Hex, Payload, QuorumBody, Refused, ResultBody, StatementBody,
};
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_core::CompressedRistretto;
use tinnhiem_server::election::{CandidateInput, Created, ElectionInput, ElectionView, Totals};
use tinnhiem_server::http::api::LoginAnswer;
use tinnhiem_tally::member::{self, Step};
use tinnhiem_tally::sim::Receipt;
use tinnhiem_tally::{ElectionResult, Tally};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_tinnhiem");
/// The organizer's password given with `--organizer-password`.
pub const PASSWORD: &str = "mat-khau-thu-nghiem";

/// A fresh, empty directory under the system's temporary directory, removed
/// again when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new directory whose name contains `name`.
    pub fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "tinnhiem-server-{name}-{}-{nanos}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port nobody listens on right now: bind port 0, read it, let it go.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local address").port()
}

/// A running `tinnhiem serve`, killed (SIGKILL) and reaped when dropped.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client for it.
    pub client: Client,
    stderr: PathBuf,
}

impl Server {
    /// Starts the binary on `data` with the organizer password [`PASSWORD`]
    /// and waits until it answers.
    pub async fn start(data: &Path) -> Server {
        Server::start_with(data, Some(PASSWORD)).await
    }

    /// Starts the binary on `data`, with `--organizer-password` when
    /// `password` is given, and waits until `GET /api/openapi.json` answers.
    /// A port taken between choosing and binding is retried with another.
    pub async fn start_with(data: &Path, password: Option<&str>) -> Server {
        Server::start_logged(data, password, "warn").await
    }

    /// [`Server::start_with`] with the server's log filter (`RUST_LOG`).
    pub async fn start_logged(data: &Path, password: Option<&str>, rust_log: &str) -> Server {
        Server::start_args(data, password, rust_log, &[]).await
    }

    /// [`Server::start_logged`] with more arguments for `serve`.
    pub async fn start_args(
        data: &Path,
        password: Option<&str>,
        rust_log: &str,
        extra: &[&str],
    ) -> Server {
        let store = data.join("store");
        for attempt in 0..5 {
            let port = free_port();
            let stderr = data.join(format!("serve-{port}-{attempt}.log"));
            let mut cmd = Command::new(BIN);
            cmd.arg("serve")
                .arg("--data")
                .arg(&store)
                .arg("--bind")
                .arg(format!("127.0.0.1:{port}"))
                .env_remove("TINNHIEM_ORGANIZER_PASSWORD")
                .env("RUST_LOG", rust_log)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(File::create(&stderr).expect("server log file"));
            if let Some(p) = password {
                cmd.arg("--organizer-password").arg(p);
            }
            cmd.args(extra);
            let child = cmd.spawn().expect("start tinnhiem serve");
            let base = format!("http://127.0.0.1:{port}");
            let mut server = Server {
                child: Some(child),
                client: Client::new(&base),
                base,
                stderr,
            };
            if server.wait_ready().await {
                return server;
            }
            let log = server.stderr_text();
            server.kill();
            if !log.contains("cannot listen") {
                panic!("tinnhiem serve did not start:\n{log}");
            }
        }
        panic!("tinnhiem serve found no free port in 5 attempts");
    }

    async fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if child.try_wait().expect("poll the server").is_some() {
                    return false;
                }
            }
            if let Ok((status, _)) = self
                .client
                .raw(Method::GET, "/api/openapi.json", None, None)
                .await
            {
                if status == StatusCode::OK {
                    return true;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// What the server wrote to stderr.
    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Kills the process at once (SIGKILL on Unix: no graceful shutdown,
    /// no final flush) and reaps it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An answer with its status, headers and body.
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Answer {
    /// The `error` code of a JSON error body, if it is one.
    pub fn code(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v.get("error")?.as_str().map(str::to_owned)
    }

    /// The body as text (for messages).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends a request exactly as given (any content type, any body, any
/// headers) and returns everything about the answer.
pub async fn raw(
    base: &str,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
    bearer: Option<&str>,
) -> Answer {
    let http: HyperClient<_, Full<Bytes>> = HyperClient::builder(TokioExecutor::new()).build_http();
    let mut req = Request::builder()
        .method(method)
        .uri(format!("{base}{path}"));
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    if let Some(t) = bearer {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = http
        .request(req.body(Full::new(Bytes::from(body))).expect("request"))
        .await
        .expect("the server answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .expect("answer body")
        .to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

/// Asserts that `r` is a refusal with `status` and error `code`.
#[track_caller]
pub fn assert_refused<T: std::fmt::Debug>(
    r: Result<T, ClientError>,
    status: u16,
    code: &str,
    what: &str,
) {
    match r {
        Err(ClientError::Refused {
            status: s, error, ..
        }) => {
            assert_eq!(
                (s.as_u16(), error.as_str()),
                (status, code),
                "{what}: wrong refusal"
            );
        }
        other => panic!("{what}: expected a refusal {status} {code}, got {other:?}"),
    }
}

/// The organizer logs in.
pub async fn login(client: &Client, password: &str) -> Result<String, ClientError> {
    let a: LoginAnswer = client
        .call(
            Method::POST,
            "/api/login",
            Some(&json!({ "password": password })),
            None,
        )
        .await?;
    Ok(a.token)
}

/// A meeting's description: `candidates` candidates, `summoned` people and
/// `committee` members.
pub fn input(candidates: usize, summoned: u32, committee: usize) -> ElectionInput {
    ElectionInput {
        title: "Lấy phiếu tín nhiệm năm 2025".into(),
        unit: "Sở Y tế tỉnh Nam Định".into(),
        date: "2025-11-20".into(),
        candidates: (0..candidates)
            .map(|i| CandidateInput {
                name: format!("Nguyễn Văn {}", (b'A' + i as u8) as char),
                position: if i == 0 {
                    "Giám đốc Sở".into()
                } else {
                    "Phó Giám đốc Sở".into()
                },
                retiring: false,
                appointed_this_year: false,
                person: None,
            })
            .collect(),
        summoned,
        committee: (1..=committee)
            .map(|i| format!("Thành viên Ban kiểm phiếu {i}"))
            .collect(),
        threshold: None,
        campaign: None,
    }
}

/// A filled-in ballot's marks, in the scenario's words.
pub fn marks(m: &[&str]) -> Vec<Choice> {
    m.iter()
        .map(|s| match *s {
            "high" => Some(Level::High),
            "confidence" => Some(Level::Confidence),
            "low" => Some(Level::Low),
            "none" => None,
            other => panic!("unknown mark {other}"),
        })
        .collect()
}

/// `[high, confidence, low]` per candidate of plaintext ballots.
pub fn count_marks(ballots: &[Vec<Choice>], candidates: usize) -> Vec<[u64; 3]> {
    let mut counts = vec![[0u64; 3]; candidates];
    for b in ballots {
        for (j, c) in b.iter().enumerate() {
            if let Some(level) = c {
                counts[j][level.index()] += 1;
            }
        }
    }
    counts
}

/// A meeting on the server, with every actor's secrets on "their devices".
pub struct Meeting {
    /// The client.
    pub client: Client,
    /// The organizer's session.
    pub token: String,
    /// What creation returned (id and codes).
    pub created: Created,
    /// `/api/elections/{id}`.
    pub base: String,
    /// Number of candidates.
    pub candidates: usize,
    /// The committee members' key shares (secret, theirs).
    pub trustees: Vec<TrusteeKey>,
    /// The election hash, once sealed.
    pub election_hash: [u8; 32],
    /// The credentials printed on the sheet (secret, handed out).
    pub credentials: Vec<Credential>,
}

impl Meeting {
    /// The organizer logs in and creates the meeting.
    pub async fn create(client: &Client, input: &ElectionInput) -> Meeting {
        let token = login(client, PASSWORD).await.expect("organizer login");
        let created: Created = client
            .call(Method::POST, "/api/elections", Some(input), Some(&token))
            .await
            .expect("create the election");
        Meeting {
            client: client.clone(),
            token,
            base: format!("/api/elections/{}", created.id),
            created,
            candidates: input.candidates.len(),
            trustees: input
                .committee
                .iter()
                .map(|_| TrusteeKey::generate(&mut OsRng))
                .collect(),
            election_hash: [0; 32],
            credentials: Vec::new(),
        }
    }

    /// The election id.
    pub fn id(&self) -> &str {
        &self.created.id
    }

    /// `base + suffix`.
    pub fn path(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.base)
    }

    /// GET and decode.
    pub async fn get<T: DeserializeOwned>(
        &self,
        suffix: &str,
        bearer: Option<&str>,
    ) -> Result<T, ClientError> {
        self.client
            .call(Method::GET, &self.path(suffix), None::<&()>, bearer)
            .await
    }

    /// POST JSON; the answer's bytes.
    pub async fn post(
        &self,
        suffix: &str,
        body: &impl serde::Serialize,
        bearer: Option<&str>,
    ) -> Result<Bytes, ClientError> {
        self.client
            .send(Method::POST, &self.path(suffix), Some(body), bearer)
            .await
    }

    /// The public view.
    pub async fn view(&self) -> ElectionView {
        self.get("", None).await.expect("view")
    }

    /// The log's bytes, as anyone with the link downloads them.
    pub async fn log(&self) -> Bytes {
        self.client
            .send(Method::GET, &self.path("/log"), None::<&()>, None)
            .await
            .expect("download the log")
    }

    /// The log's lines.
    pub async fn lines(&self) -> Vec<Vec<u8>> {
        let log = self.log().await;
        tinnhiem_tally::split_lines(&log)
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect()
    }

    /// Runs a request that must be refused with `status` and `code`, and
    /// checks that the log is byte for byte what it was before.
    pub async fn refused<T: std::fmt::Debug>(
        &self,
        what: &str,
        status: u16,
        code: &str,
        request: impl std::future::Future<Output = Result<T, ClientError>>,
    ) {
        let before = self.log().await;
        assert_refused(request.await, status, code, what);
        let after = self.log().await;
        assert!(before == after, "{what}: a refused request changed the log");
    }

    /// The organizer seals the draft; reads the election hash.
    pub async fn seal(&mut self) {
        self.post("/seal", &json!({}), Some(&self.token))
            .await
            .expect("seal");
        self.read_hash().await;
    }

    /// Reads the election hash from the public view (after a restart too).
    pub async fn read_hash(&mut self) {
        let view = self.view().await;
        self.election_hash = unhex_array(
            view.election_hash.as_deref().expect("sealed"),
            "election_hash",
        )
        .expect("hex election hash");
    }

    /// Member `i`'s key share request, with enrollment `code`.
    pub fn key_share(&self, i: usize, code: &str) -> serde_json::Value {
        let share = self.trustees[i].key_share(&self.election_hash, i as u32, &mut OsRng);
        json!({
            "trustee": i,
            "key": hex(share.key.as_bytes()),
            "proof": hex(&share.proof.to_bytes()),
            "code": code,
        })
    }

    /// The log as a member's device reads it: downloaded and verified line
    /// by line.
    pub async fn tally(&self) -> Tally {
        let log = self.log().await;
        let mut tally = Tally::new();
        for line in tinnhiem_tally::split_lines(&log) {
            tally.push(line, &mut OsRng).expect("the log verifies");
        }
        tally
    }

    /// Member `i`, holding trustee key `key`, reads the log and takes its
    /// next step of the key ceremony ([`member::next_step`]): enrolls the
    /// key (with its code), deals, complains or posts `shares_ok`. Returns
    /// the step.
    pub async fn step_with(&self, i: usize, key: &TrusteeKey) -> Step {
        let tally = self.tally().await;
        let step = member::next_step(&tally, i as u32, key, &mut OsRng).expect("a next step");
        let posted = match &step {
            Step::Register => {
                let share = key.key_share(&self.election_hash, i as u32, &mut OsRng);
                let body = json!({
                    "trustee": i,
                    "key": hex(share.key.as_bytes()),
                    "proof": hex(&share.proof.to_bytes()),
                    "code": self.created.trustee_codes[i],
                });
                Some(self.post("/trustees", &body, None).await)
            }
            Step::Deal(b) => Some(self.post("/dealings", b, None).await),
            Step::Complain { body, .. } => Some(self.post("/complaints", body, None).await),
            Step::SharesOk(b) => Some(self.post("/shares_ok", b, None).await),
            _ => None,
        };
        if let Some(r) = posted {
            r.unwrap_or_else(|e| panic!("member {i}, step {step:?}: {e}"));
        }
        step
    }

    /// [`Meeting::step_with`] with member `i`'s own key.
    pub async fn step(&self, i: usize) -> Step {
        self.step_with(i, &self.trustees[i]).await
    }

    /// The whole key ceremony: in turn, each member reads the log and takes
    /// its next step, until every member sees the election key.
    pub async fn enroll_all(&self) {
        let n = self.trustees.len();
        for _ in 0..4 * n + 8 {
            let mut done = 0;
            for i in 0..n {
                if self.step(i).await == Step::Done {
                    done += 1;
                }
            }
            if done == n {
                return;
            }
        }
        panic!("the key ceremony did not end");
    }

    /// Every member enrolls its trustee key, and nothing more.
    pub async fn enroll_keys(&self) {
        for i in 0..self.trustees.len() {
            self.post(
                "/trustees",
                &self.key_share(i, &self.created.trustee_codes[i]),
                None,
            )
            .await
            .expect("enroll a key share");
        }
    }

    /// The anchor of the next committee statement, from the public view.
    pub async fn anchor(&self) -> [u8; 32] {
        let view = self.view().await;
        unhex_array(view.anchor.as_deref().expect("sealed"), "anchor").expect("hex anchor")
    }

    /// Member `signer` signs a committee statement (its signature field is
    /// ignored) for the next place in the log: its anchor is the view's.
    pub async fn sign_as(&self, signer: usize, payload: &Payload) -> Hex<64> {
        let anchor = self.anchor().await;
        let (context, message, _, _) = payload
            .statement(&self.election_hash, &anchor)
            .expect("a committee statement");
        Hex(self.trustees[signer]
            .sign(context, &message, &mut OsRng)
            .to_bytes())
    }

    /// A signed attendance.
    pub async fn quorum_body(&self, present: u32) -> QuorumBody {
        let mut q = QuorumBody {
            present,
            signer: 0,
            signature: Hex([0; 64]),
        };
        q.signature = self.sign_as(0, &Payload::Quorum(q.clone())).await;
        q
    }

    /// Records attendance.
    pub async fn quorum(&self, present: u32) -> Result<Bytes, ClientError> {
        self.post("/quorum", &self.quorum_body(present).await, None)
            .await
    }

    /// The committee prints `n` more credentials and posts their public
    /// parts, signed.
    pub async fn issue(&mut self, n: usize) {
        let fresh: Vec<Credential> = (0..n).map(|_| Credential::generate(&mut OsRng)).collect();
        let mut cb = CredentialsBody {
            credentials: fresh
                .iter()
                .map(|c| Hex(*c.public(&self.created.id).as_bytes()))
                .collect(),
            signer: 0,
            signature: Hex([0; 64]),
        };
        cb.signature = self.sign_as(0, &Payload::Credentials(cb.clone())).await;
        self.post("/credentials", &cb, None)
            .await
            .expect("post the credentials");
        self.credentials.extend(fresh);
    }

    /// A signed opening.
    pub async fn open_body(&self) -> StatementBody {
        let mut open = StatementBody {
            signer: 0,
            signature: Hex([0; 64]),
        };
        open.signature = self.sign_as(0, &Payload::Open(open.clone())).await;
        open
    }

    /// Opens voting.
    pub async fn open(&self) -> Result<Bytes, ClientError> {
        self.post("/open", &self.open_body().await, None).await
    }

    /// A signed close request `{signer, signature}`.
    pub async fn close_body(&self) -> serde_json::Value {
        let close = CloseBody {
            refused: Refused::default(),
            signer: 0,
            signature: Hex([0; 64]),
        };
        let signature = self.sign_as(0, &Payload::Close(close)).await;
        json!({ "signer": 0, "signature": signature })
    }

    /// Closes voting.
    pub async fn close(&self) -> Result<Bytes, ClientError> {
        self.post("/close", &self.close_body().await, None).await
    }

    /// The ballot context from the public view (election key published).
    pub async fn context(&self) -> ElectionContext {
        let view = self.view().await;
        let key = PublicKey::from_bytes(
            &unhex_array(
                view.election_key.as_deref().expect("election key"),
                "election_key",
            )
            .expect("hex election key"),
            "election_key",
        )
        .expect("election key");
        ElectionContext {
            election_hash: self.election_hash,
            key,
            candidates: self.candidates as u32,
        }
    }

    /// A ballot filled in with `choices` and signed with `credential`.
    pub async fn ballot(
        &self,
        credential: &Credential,
        choices: &[Choice],
        signed_by: Option<&str>,
    ) -> Ballot {
        let ctx = self.context().await;
        let (id, credential, choices, signed_by) = (
            self.created.id.clone(),
            credential.clone(),
            choices.to_vec(),
            signed_by.map(str::to_owned),
        );
        tokio::task::spawn_blocking(move || {
            Ballot::cast(&ctx, &id, &credential, &choices, signed_by, &mut OsRng)
        })
        .await
        .expect("encrypt a ballot")
    }

    /// Casts a ballot.
    pub async fn cast(&self, ballot: &Ballot) -> Result<Receipt, ClientError> {
        self.client
            .call(Method::POST, &self.path("/ballots"), Some(ballot), None)
            .await
    }

    /// The encrypted totals, decoded.
    pub async fn totals(&self) -> Result<Vec<Ciphertext>, ClientError> {
        let totals: Totals = self.get("/totals", None).await?;
        Ok(totals
            .items
            .iter()
            .map(|h| {
                let b: [u8; 64] = unhex_array(h, "total").expect("hex total");
                let mut a = [0u8; 32];
                let mut bb = [0u8; 32];
                a.copy_from_slice(&b[..32]);
                bb.copy_from_slice(&b[32..]);
                CompressedCiphertext {
                    a: CompressedRistretto(a),
                    b: CompressedRistretto(bb),
                }
                .decompress()
                .expect("a valid total")
            })
            .collect())
    }

    /// Member `i`'s partial decryption request of `totals` with its trustee
    /// key, as under n of n (under the threshold ceremony its proofs fail:
    /// the member's decryption key is its share, [`Meeting::member_decryption`]).
    pub fn decryption(&self, i: usize, totals: &[Ciphertext]) -> serde_json::Value {
        let parts =
            self.trustees[i].partial_decrypt(&self.election_hash, i as u32, totals, &mut OsRng);
        json!({
            "trustee": i,
            "shares": parts.iter().map(|p| hex(&p.to_bytes())).collect::<Vec<_>>(),
        })
    }

    /// Member `i`'s partial decryption as its device makes it from the log
    /// ([`member::decryption`]: with its share of the threshold key, or its
    /// trustee key under n of n).
    pub async fn member_decryption(&self, i: usize) -> DecryptionBody {
        let tally = self.tally().await;
        member::decryption(&tally, i as u32, &self.trustees[i], &mut OsRng)
            .unwrap_or_else(|e| panic!("member {i} cannot decrypt: {e}"))
    }

    /// Member `i` posts its partial decryption.
    pub async fn decrypt(&self, i: usize) -> Result<Bytes, ClientError> {
        self.post("/decryptions", &self.member_decryption(i).await, None)
            .await
    }

    /// Every member posts a partial decryption of the totals.
    pub async fn decrypt_all(&self) {
        for i in 0..self.trustees.len() {
            self.decrypt(i).await.expect("post a partial decryption");
        }
    }

    /// The counts the published partial decryptions give (the committee
    /// combines them from the log).
    pub async fn decrypted_counts(&self) -> Vec<[u64; 3]> {
        let log = self.log().await;
        let mut tally = Tally::new();
        for line in tinnhiem_tally::split_lines(&log) {
            tally
                .push(line, &mut OsRng)
                .expect("the log so far verifies");
        }
        tally.decrypted_counts().expect("every share is published")
    }

    /// A signed result with `counts`.
    pub async fn result_body(&self, counts: Vec<[u64; 3]>) -> ResultBody {
        let mut rb = ResultBody {
            counts,
            signer: 0,
            signature: Hex([0; 64]),
        };
        rb.signature = self.sign_as(0, &Payload::Result(rb.clone())).await;
        rb
    }

    /// Publishes the result.
    pub async fn publish(&self, counts: Vec<[u64; 3]>) -> Result<Bytes, ClientError> {
        self.post("/result", &self.result_body(counts).await, None)
            .await
    }

    /// Set-up through opening: seal, key ceremony, attendance, `issued`
    /// credentials, open.
    pub async fn prepare(&mut self, present: u32, issued: usize) {
        self.seal().await;
        self.enroll_all().await;
        self.quorum(present).await.expect("attendance");
        self.issue(issued).await;
        self.open().await.expect("open voting");
    }

    /// Close, decrypt, publish the decrypted counts; the verified outcome of
    /// the downloaded log.
    pub async fn finish(&self) -> tinnhiem_tally::Outcome {
        self.close().await.expect("close voting");
        self.finish_after_close().await
    }

    /// Decrypt and publish after the close; the verified outcome.
    pub async fn finish_after_close(&self) -> tinnhiem_tally::Outcome {
        self.decrypt_all().await;
        let counts = self.decrypted_counts().await;
        self.publish(counts).await.expect("publish the result");
        let log = self.log().await;
        tinnhiem_tally::verify_log(&log, &mut OsRng, &mut |_, _| {}).expect("the log verifies")
    }

    /// The result as a reader with `bearer` sees it.
    pub async fn result(&self, bearer: Option<&str>) -> Result<ElectionResult, ClientError> {
        self.get("/result", bearer).await
    }
}

/// Checks a receipt's head signature with the server's public key.
pub fn check_receipt_signature(receipt: &Receipt, server_key: &str) {
    let key = PublicKey::from_bytes(
        &unhex_array(server_key, "server_key").expect("hex server key"),
        "server_key",
    )
    .expect("server key");
    let head: [u8; 32] = unhex_array(&receipt.head, "head").expect("hex head");
    let sig = tinnhiem_core::schnorr::Signature::from_bytes(
        &unhex_array(&receipt.head_signature, "head_signature").expect("hex signature"),
    )
    .expect("signature");
    sig.verify(
        &key,
        tinnhiem_core::log::SERVER_HEAD_CONTEXT,
        &tinnhiem_core::log::head_message(&head, receipt.seq),
    )
    .expect("the receipt's head signature verifies");
}
