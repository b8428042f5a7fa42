//! The voter's audit through the real binary and HTTP API (PROTOCOL.md
//! §5.6, §6.3 `audit`; docs/INTERFACES.md "Audits"): an opening is pending
//! with the server's promise, survives a restart, is published at the
//! close sorted by seal digest just before the `close` line, and the slip
//! that audited still votes; every refusal with its status and code; and
//! `tinnhiem verify` lists the audits of the resulting log.

mod common;

use common::{assert_refused, input, Meeting, Server, TempDir, BIN, PASSWORD};
use hyper::Method;
use rand::rngs::OsRng;
use serde_json::{json, Value};
use tinnhiem_core::ballot::{
    read_seal_code, seal_code, Choice, Level, SealedBallot, AUDIT_PROMISE_CONTEXT,
};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::log::{parse_line, AuditBody, Payload};
use tinnhiem_core::schnorr::{PublicKey, Signature};
use tinnhiem_server::store::{Item, Store, StoreError};

use std::sync::Arc;

const HIGH: Choice = Some(Level::High);
const CONF: Choice = Some(Level::Confidence);
const LOW: Choice = Some(Level::Low);

/// A meeting with 2 candidates, 3 slips issued and voting open.
async fn voting(server: &Server) -> Meeting {
    voting_with(&server.client).await
}

/// [`voting`] on the server of `client`.
async fn voting_with(client: &tinnhiem::client::Client) -> Meeting {
    let mut m = Meeting::create(client, &input(2, 3, 1)).await;
    m.prepare(3, 3).await;
    m
}

/// Seals a ballot as the voter's page does.
async fn seal(m: &Meeting, credential: &Credential, choices: &[Choice]) -> SealedBallot {
    let ctx = m.context().await;
    let (id, credential, choices) = (m.id().to_owned(), credential.clone(), choices.to_vec());
    tokio::task::spawn_blocking(move || {
        SealedBallot::seal(&ctx, &id, &credential, &choices, None, &mut OsRng)
    })
    .await
    .expect("seal a ballot")
}

/// The body of `POST /audits` for a sealed ballot (what the page's
/// `open_sealed` answers).
fn request(s: &SealedBallot) -> Value {
    json!({
        "audit": s.audit_body().expect("held"),
        "credential": hex(&s.ballot().credential),
        "signature": hex(&s.audit_signature().to_bytes()),
    })
}

async fn post_audit(m: &Meeting, body: &Value) -> Result<Value, tinnhiem::client::ClientError> {
    m.client
        .call(Method::POST, &m.path("/audits"), Some(body), None)
        .await
}

/// The server's key, from line 0.
async fn server_key(m: &Meeting) -> PublicKey {
    let lines = m.lines().await;
    match parse_line(&lines[0]).expect("line 0").payload {
        Payload::Election(b) => PublicKey::from_bytes(&b.server_key.0, "server_key").unwrap(),
        _ => unreachable!("line 0 is the election"),
    }
}

/// Asserts that `promise` is the server's signature on `H ‖ seal digest`.
fn assert_promise(key: &PublicKey, election: &[u8; 32], digest: &[u8; 32], promise: &Value) {
    let sig =
        Signature::from_bytes(&unhex_array(promise.as_str().unwrap(), "promise").unwrap()).unwrap();
    let mut m = election.to_vec();
    m.extend_from_slice(digest);
    sig.verify(key, AUDIT_PROMISE_CONTEXT, &m)
        .expect("the promise verifies");
}

#[tokio::test(flavor = "multi_thread")]
async fn audits_are_promised_kept_over_a_restart_and_published_sorted_before_the_close() {
    let dir = TempDir::new("audits");
    let mut server = Server::start(dir.path()).await;
    let mut m = voting(&server).await;
    let key = server_key(&m).await;
    let h = m.election_hash;

    // Slip 0 audits a ballot: pending, with a promise; the log is unchanged.
    let before = m.log().await;
    let s0 = seal(&m, &m.credentials[0], &[HIGH, LOW]).await;
    let a = post_audit(&m, &request(&s0))
        .await
        .expect("an honest audit");
    assert_eq!(a["seal"], s0.seal_code().as_str());
    assert_promise(&key, &h, &s0.seal_digest(), &a["promise"]);
    assert!(m.log().await == before, "an audit waits for the close");
    // Sent again (an answer lost): the same success.
    let again = post_audit(&m, &request(&s0)).await.expect("a retry");
    assert_eq!(again["seal"], a["seal"]);
    // Served by its seal code, typed any way.
    let typed = s0.seal_code().to_lowercase().replace('-', "");
    let got: Value = m
        .get(&format!("/audits/{typed}"), None)
        .await
        .expect("found");
    assert_eq!(got["seal"], s0.seal_code().as_str());
    assert_eq!(got["seq"], Value::Null);
    assert_eq!(got["audit"], json!(s0.audit_body().unwrap()));
    assert_promise(&key, &h, &s0.seal_digest(), &got["promise"]);

    // The slip that audited still votes, with a new encryption.
    let b0 = m.ballot(&m.credentials[0], &[HIGH, LOW], None).await;
    m.cast(&b0).await.expect("the audited slip votes");
    // Slip 1 audits twice, then votes.
    let s1 = seal(&m, &m.credentials[1], &[CONF, None]).await;
    let s2 = seal(&m, &m.credentials[1], &[LOW, HIGH]).await;
    for s in [&s1, &s2] {
        post_audit(&m, &request(s)).await.expect("an honest audit");
    }
    let b1 = m.ballot(&m.credentials[1], &[LOW, HIGH], None).await;
    m.cast(&b1).await.expect("counted");

    // A crash: the pending audits are in the store.
    server.kill();
    let server = Server::start(dir.path()).await;
    m.client = server.client.clone();
    let got: Value = m
        .get(&format!("/audits/{}", s2.seal_code()), None)
        .await
        .expect("pending after a restart");
    assert_eq!(got["seq"], Value::Null);

    m.close().await.expect("close");
    let lines = m.lines().await;
    let n = lines.len();
    assert!(matches!(
        parse_line(&lines[n - 1]).unwrap().payload,
        Payload::Close(_)
    ));
    let published: Vec<AuditBody> = lines[n - 4..n - 1]
        .iter()
        .map(|l| match parse_line(l).unwrap().payload {
            Payload::Audit(a) => a,
            other => panic!("an audit before the close, not {}", other.kind()),
        })
        .collect();
    let digests: Vec<[u8; 32]> = published.iter().map(|a| a.seal_digest(&h)).collect();
    let mut sorted = digests.clone();
    sorted.sort();
    assert_eq!(digests, sorted, "sorted by seal digest");
    let mut want: Vec<[u8; 32]> = [&s0, &s1, &s2].iter().map(|s| s.seal_digest()).collect();
    want.sort();
    assert_eq!(digests, want);
    assert!(
        !lines[..n - 4]
            .iter()
            .any(|l| matches!(parse_line(l).unwrap().payload, Payload::Audit(_))),
        "no audit before the close's commit"
    );
    // Found in the log now, with its line.
    let got: Value = m
        .get(&format!("/audits/{}", s1.seal_code()), None)
        .await
        .expect("in the log");
    let seq = got["seq"].as_u64().expect("a line");
    assert_eq!(
        published[(seq as usize) - (n - 4)].seal_digest(&h),
        s1.seal_digest()
    );
    assert_promise(&key, &h, &s1.seal_digest(), &got["promise"]);

    // Counted: only the two cast ballots. `tinnhiem verify` lists the audits.
    m.decrypt_all().await;
    // Two ballots: [HIGH, LOW] and [LOW, HIGH].
    m.publish(vec![[1, 0, 1], [1, 0, 1]])
        .await
        .expect("the result");
    let tally = m.tally().await;
    assert_eq!(tally.returned(), 2);
    assert_eq!(tally.audits().len(), 3);
    let path = dir.path().join("audited.jsonl");
    std::fs::write(&path, m.log().await).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["verify".as_ref(), path.as_os_str(), "--json".as_ref()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let seals: Vec<&str> = v["audits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["seal"].as_str().unwrap())
        .collect();
    let want: Vec<String> = want.iter().map(seal_code).collect();
    assert_eq!(seals, want);
    let text = std::process::Command::new(BIN)
        .args(["verify".as_ref(), path.as_os_str()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for s in &want {
        assert!(text.contains(s.as_str()), "{s} missing from:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_refusals_have_their_status_and_code_and_change_nothing() {
    let dir = TempDir::new("audit-refusals");
    // Many requests from one address: the per-address limit (which the
    // audit route has, as the ballot route) is not what is tested here.
    let server =
        Server::start_args(dir.path(), Some(PASSWORD), "warn", &["--rate-limit", "0"]).await;
    let mut m = Meeting::create(&server.client, &input(2, 3, 1)).await;
    m.seal().await;
    m.enroll_all().await;
    m.quorum(3).await.expect("quorum");
    m.issue(3).await;
    // Before voting opens.
    let early = seal(&m, &m.credentials[0], &[HIGH, HIGH]).await;
    m.refused(
        "an audit before the open",
        409,
        "phase",
        post_audit(&m, &request(&early)),
    )
    .await;
    m.open().await.expect("open");

    // A forged opening: the page encrypted "low" and shows "high".
    let s = seal(&m, &m.credentials[0], &[LOW, CONF]).await;
    let mut forged = request(&s);
    forged["audit"]["choices"][0] = "high".into();
    // The signature is on the seal digest, which the marks do not enter.
    m.refused(
        "a forged opening",
        422,
        "bad_audit",
        post_audit(&m, &forged),
    )
    .await;
    // An opening that does not decode.
    let mut short = request(&s);
    short["audit"]["randomness"] = "00".into();
    m.refused("a short randomness", 422, "invalid", post_audit(&m, &short))
        .await;
    // A slip the committee never issued.
    let stranger = Credential::generate(&mut OsRng);
    let s_unknown = seal(&m, &stranger, &[LOW, CONF]).await;
    m.refused(
        "an unknown slip",
        403,
        "not_issued",
        post_audit(&m, &request(&s_unknown)),
    )
    .await;
    // Another slip's signature.
    let mut borrowed = request(&s);
    borrowed["credential"] = hex(m.credentials[1].public(m.id()).as_bytes()).into();
    m.refused(
        "a signature by another slip",
        403,
        "bad_signature",
        post_audit(&m, &borrowed),
    )
    .await;
    // Five audits per slip; the sixth is refused, a retry of one is not.
    let mut sealed = Vec::new();
    for i in 0..5 {
        let marks = [
            [HIGH, LOW],
            [CONF, None],
            [LOW, LOW],
            [None, None],
            [HIGH, CONF],
        ][i];
        let s = seal(&m, &m.credentials[0], &marks).await;
        post_audit(&m, &request(&s)).await.expect("within the cap");
        sealed.push(s);
    }
    let sixth = seal(&m, &m.credentials[0], &[HIGH, HIGH]).await;
    m.refused(
        "a sixth audit",
        429,
        "too_many_audits",
        post_audit(&m, &request(&sixth)),
    )
    .await;
    post_audit(&m, &request(&sealed[2]))
        .await
        .expect("a retry is not a new audit");
    // The slip still votes; then it may no longer audit.
    let b = m.ballot(&m.credentials[0], &[HIGH, LOW], None).await;
    m.cast(&b).await.expect("the slip votes");
    let b = m.ballot(&m.credentials[1], &[HIGH, LOW], None).await;
    m.cast(&b).await.expect("another slip votes");
    let late = seal(&m, &m.credentials[1], &[LOW, LOW]).await;
    m.refused(
        "an audit after the slip voted",
        403,
        "already_voted",
        post_audit(&m, &request(&late)),
    )
    .await;
    // An unknown seal code, and text that is no seal code.
    let r: Result<Value, _> = m.get("/audits/0000-0000-0000-0000", None).await;
    assert_refused(r, 404, "not_found", "an unknown seal code");
    let r: Result<Value, _> = m.get("/audits/not-a-code", None).await;
    assert_refused(r, 404, "not_found", "not a seal code");
    // After the close.
    m.close().await.expect("close");
    let s3 = seal(&m, &m.credentials[2], &[LOW, LOW]).await;
    m.refused(
        "an audit after the close",
        409,
        "phase",
        post_audit(&m, &request(&s3)),
    )
    .await;
    // The five audits are in the log, checked by the verifier.
    let tally = m.tally().await;
    assert_eq!(tally.audits().len(), 5);
    for s in &sealed {
        assert!(tally
            .audits()
            .iter()
            .any(|a| read_seal_code(&a.seal) == Some(s.seal_code())));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_opened_ballot_is_never_cast() {
    // The opening publishes the ballot's randomness: cast afterwards (a
    // page that sends the very ballot the voter opened), it would be
    // counted with its marks public. The server refuses it, and the slip
    // votes with a new encryption.
    let dir = TempDir::new("audit-then-cast-the-same");
    let server = Server::start(dir.path()).await;
    let m = voting(&server).await;
    let s = seal(&m, &m.credentials[0], &[HIGH, LOW]).await;
    post_audit(&m, &request(&s)).await.expect("an honest audit");
    let opened = s.into_ballot();
    m.refused("the opened ballot cast", 409, "audited", m.cast(&opened))
        .await;
    let fresh = m.ballot(&m.credentials[0], &[HIGH, LOW], None).await;
    m.cast(&fresh).await.expect("a new encryption is counted");
}

/// A store that counts the bytes the server asks it to write (values of
/// metadata, settings, log lines), around a real sled store.
struct Counting {
    inner: tinnhiem_server::store::SledStore,
    written: std::sync::atomic::AtomicU64,
}

/// The stored metadata of election `id`, as JSON.
fn meta_of(store: &Counting, id: &str) -> Value {
    let (_, meta) = store
        .inner
        .metas()
        .unwrap()
        .into_iter()
        .find(|(i, _)| i == id)
        .unwrap();
    serde_json::from_slice(&meta).unwrap()
}

impl Counting {
    /// A counting store on a new sled store in `dir`.
    fn open(dir: &TempDir) -> Arc<Self> {
        Arc::new(Counting {
            inner: tinnhiem_server::store::SledStore::open(&dir.path().join("store")).unwrap(),
            written: Default::default(),
        })
    }

    fn add(&self, n: usize) {
        self.written
            .fetch_add(n as u64, std::sync::atomic::Ordering::SeqCst);
    }

    fn written(&self) -> u64 {
        self.written.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Store for Counting {
    fn metas(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.inner.metas()
    }
    fn put_meta(&self, id: &str, meta: &[u8]) -> Result<(), StoreError> {
        self.add(meta.len());
        self.inner.put_meta(id, meta)
    }
    fn get_setting(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get_setting(key)
    }
    fn put_setting(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.add(value.len());
        self.inner.put_setting(key, value)
    }
    fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        self.inner.delete_setting(key)
    }
    fn put_item(&self, id: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.add(key.len() + value.len());
        self.inner.put_item(id, key, value)
    }
    fn items(&self, id: &str, prefix: &[u8]) -> Result<Vec<Item>, StoreError> {
        self.inner.items(id, prefix)
    }
    fn remove_items(&self, id: &str, keys: &[Vec<u8>]) -> Result<(), StoreError> {
        self.inner.remove_items(id, keys)
    }
    fn lines(&self, id: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        self.inner.lines(id)
    }
    fn append(&self, id: &str, first_seq: u64, lines: &[Vec<u8>]) -> Result<(), StoreError> {
        self.add(lines.iter().map(Vec::len).sum());
        self.inner.append(id, first_seq, lines)
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.inner.flush()
    }
    fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.inner.delete(id)
    }
    fn put_witness(&self, id: &str, seq: u64, head: &[u8; 32]) -> Result<(), StoreError> {
        self.inner.put_witness(id, seq, head)
    }
    fn witnessed(&self) -> Result<Vec<String>, StoreError> {
        self.inner.witnessed()
    }
    fn witness(&self, id: &str) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        self.inner.witness(id)
    }
}

/// The server in this process on `store`, listening on a free port (no
/// per-address limit); its client.
async fn serve_in_process(store: Arc<Counting>) -> tinnhiem::client::Client {
    let server = tinnhiem_server::Server::builder()
        .store(store)
        .bind(([127, 0, 0, 1], 0).into())
        .organizer_password(PASSWORD)
        .rate_limit(0.0)
        .build()
        .expect("the server on the counting store");
    let listening = server.listen().await.expect("listen");
    let base = format!("http://{}", listening.local_addr());
    tokio::spawn(listening.serve(std::future::pending()));
    tinnhiem::client::Client::new(&base)
}

#[tokio::test(flavor = "multi_thread")]
async fn each_audit_writes_only_itself_and_pending_audits_leave_the_store_at_the_close() {
    let dir = TempDir::new("audit-writes");
    let store = Counting::open(&dir);
    let client = serve_in_process(store.clone()).await;
    // 15 candidates, the largest ballot; 3 slips, 5 audits each.
    let mut m = Meeting::create(&client, &input(15, 3, 1)).await;
    m.prepare(3, 3).await;
    let marks = |i: usize| -> Vec<Choice> {
        (0..15)
            .map(|j| [HIGH, CONF, LOW, None][(i + j) % 4])
            .collect()
    };
    let mut sealed = Vec::new();
    let mut per_audit = Vec::new();
    for i in 0..15 {
        let s = seal(&m, &m.credentials[i / 5], &marks(i)).await;
        let before = store.written();
        post_audit(&m, &request(&s)).await.expect("an honest audit");
        per_audit.push(store.written() - before);
        sealed.push(s);
    }
    // What one audit costs to write does not grow with those pending: the
    // audit alone (about 9 KB of JSON at 15 candidates) and its key, not
    // the list of those before it.
    for (i, (s, &n)) in sealed.iter().zip(&per_audit).enumerate() {
        let body = serde_json::to_vec(&s.audit_body().unwrap()).unwrap().len() as u64;
        assert!(
            (body..body + 64).contains(&n),
            "audit {i} wrote {n} bytes for a body of {body}; per audit: {per_audit:?}"
        );
    }
    let id = m.id().to_owned();
    let held = |store: &Counting| store.inner.items(&id, b"").unwrap();
    assert_eq!(held(&store).len(), 15, "one item per pending audit");

    // A restart on the same store: every audit is pending again.
    let client = serve_in_process(store.clone()).await;
    m.client = client;
    for s in &sealed {
        let got: Value = m
            .get(&format!("/audits/{}", s.seal_code()), None)
            .await
            .expect("pending after a restart");
        assert_eq!(got["seq"], Value::Null);
        assert_eq!(got["audit"], json!(s.audit_body().unwrap()));
    }

    // The close publishes them sorted just before it, and the store no
    // longer keeps them pending.
    m.close().await.expect("close");
    let lines = m.lines().await;
    let n = lines.len();
    let digests: Vec<[u8; 32]> = lines[n - 16..n - 1]
        .iter()
        .map(|l| match parse_line(l).unwrap().payload {
            Payload::Audit(a) => a.seal_digest(&m.election_hash),
            other => panic!("an audit before the close, not {}", other.kind()),
        })
        .collect();
    let mut want: Vec<[u8; 32]> = sealed.iter().map(SealedBallot::seal_digest).collect();
    want.sort();
    assert_eq!(digests, want, "every audit, sorted by seal digest");
    assert!(matches!(
        parse_line(&lines[n - 1]).unwrap().payload,
        Payload::Close(_)
    ));
    assert_eq!(held(&store), Vec::new(), "nothing pending after the close");
    // Started again, the closed election has none either.
    let client = serve_in_process(store.clone()).await;
    m.client = client;
    let got: Value = m
        .get(&format!("/audits/{}", sealed[3].seal_code()), None)
        .await
        .expect("in the log");
    assert!(got["seq"].is_u64());
    assert_eq!(held(&store), Vec::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn audits_kept_in_an_older_metadata_move_to_their_own_items_on_start() {
    let dir = TempDir::new("audit-legacy");
    let store = Counting::open(&dir);
    let client = serve_in_process(store.clone()).await;
    let mut m = voting_with(&client).await;
    let s0 = seal(&m, &m.credentials[0], &[HIGH, LOW]).await;
    let s1 = seal(&m, &m.credentials[1], &[None, CONF]).await;
    for s in [&s0, &s1] {
        post_audit(&m, &request(s)).await.expect("an honest audit");
    }
    // The store as an older server left it: the pending audits in the
    // election's metadata, no item.
    let items = store.inner.items(m.id(), b"").unwrap();
    assert_eq!(items.len(), 2);
    let bodies: Vec<Value> = items
        .iter()
        .map(|(_, v)| serde_json::from_slice(v).unwrap())
        .collect();
    let mut meta = meta_of(&store, m.id());
    meta["pending_audits"] = bodies.into();
    store
        .inner
        .put_meta(m.id(), &serde_json::to_vec(&meta).unwrap())
        .unwrap();
    let keys: Vec<Vec<u8>> = items.into_iter().map(|(k, _)| k).collect();
    store.inner.remove_items(m.id(), &keys).unwrap();
    store.inner.flush().unwrap();

    let client = serve_in_process(store.clone()).await;
    m.client = client;
    for s in [&s0, &s1] {
        let got: Value = m
            .get(&format!("/audits/{}", s.seal_code()), None)
            .await
            .expect("pending after the upgrade");
        assert_eq!(got["seq"], Value::Null);
    }
    assert_eq!(store.inner.items(m.id(), b"").unwrap().len(), 2);
    let meta = meta_of(&store, m.id());
    assert!(meta.get("pending_audits").is_none(), "moved out: {meta}");
    m.close().await.expect("close");
    assert_eq!(m.tally().await.audits().len(), 2);
    assert!(store.inner.items(m.id(), b"").unwrap().is_empty());
}
