//! The committee's ceremony through `tinnhiem committee ...` against a real
//! `tinnhiem serve`, and the server over HTTPS: what an operator without the
//! web console does, end to end.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::Duration;

use hyper::Method;
use rand::rngs::OsRng;
use serde_json::json;
use tinnhiem::client::Client;
use tinnhiem_core::ballot::{Ballot, ElectionContext, Level};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::unhex_array;
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_server::election::{Created, ElectionView};
use tinnhiem_server::http::api::LoginAnswer;

const BIN: &str = env!("CARGO_BIN_EXE_tinnhiem");

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tinnhiem-{name}-{}-{}",
        std::process::id(),
        tinnhiem_server::auth::new_code()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(dir: &Path, extra: &[&str]) -> (Server, u16) {
    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["serve", "--data"])
        .arg(dir.join("data"))
        .args([
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--organizer-password",
            "mat-khau",
        ])
        .args(extra)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (Server(child), port);
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

fn committee(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("committee")
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn committee_cli_runs_the_ceremony_and_the_log_verifies() {
    let dir = temp("committee");
    let (_server, port) = start(&dir, &[]);
    let url = format!("http://127.0.0.1:{port}");
    let client = Client::new(&url);
    let created = sealed_election(
        &client,
        &[["Nguyễn Văn A", "Giám đốc"], ["Trần Thị B", "Phó Giám đốc"]],
    )
    .await;
    let id = created.id.clone();

    let keys: Vec<PathBuf> = (0..2).map(|i| dir.join(format!("member{i}.key"))).collect();
    for (i, k) in keys.iter().enumerate() {
        ok(committee(&[
            "keygen",
            "--server",
            &url,
            "--election",
            &id,
            "--member",
            &i.to_string(),
            "--code",
            &created.trustee_codes[i],
            "--key-file",
            k.to_str().unwrap(),
        ]));
    }
    // A second enrollment with the same code is refused (the slot is taken).
    let again = committee(&[
        "keygen",
        "--server",
        &url,
        "--election",
        &id,
        "--member",
        "0",
        "--code",
        &created.trustee_codes[0],
        "--key-file",
        dir.join("again.key").to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(
        !dir.join("again.key").exists(),
        "a refused enrollment leaves no key file"
    );

    let k0 = keys[0].to_str().unwrap();
    let k1 = keys[1].to_str().unwrap();
    ceremony_in_turns(&url, None, &keys);
    ok(committee(&[
        "quorum",
        "--server",
        &url,
        "--key-file",
        k0,
        "--present",
        "3",
    ]));
    let sheet = dir.join("sheet.html");
    ok(committee(&[
        "credentials",
        "--server",
        &url,
        "--key-file",
        k1,
        "--count",
        "3",
        "--out",
        sheet.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(&sheet).unwrap();
    assert!(html.contains("<svg"), "the sheet has QR codes");
    // Every slip prints the fingerprint of the election key in the log.
    let keyed: ElectionView = view_of(&client, &id).await;
    let fingerprint = tinnhiem_core::ballot::fingerprint(
        &unhex_array(keyed.election_hash.as_deref().unwrap(), "h").unwrap(),
        &unhex_array(keyed.election_key.as_deref().unwrap(), "k").unwrap(),
    );
    assert_eq!(
        html.matches(&format!("<b>{fingerprint}</b>")).count(),
        3,
        "the fingerprint on each of the 3 slips"
    );
    assert!(
        html.contains(&format!("{url}/v/{id}#")),
        "the QR text is the voter URL with the credential in the fragment"
    );
    // Every voter URL ends with the election check of the log's election
    // hash and key (docs/PROTOCOL.md §5.10), after the credential.
    let check = tinnhiem_core::ballot::election_check(
        &unhex_array(keyed.election_hash.as_deref().unwrap(), "h").unwrap(),
        &unhex_array(keyed.election_key.as_deref().unwrap(), "k").unwrap(),
    );
    assert_eq!(
        html.matches(&format!(".{check}</p>")).count(),
        3,
        "the election check ends each of the 3 printed voter URLs"
    );
    ok(committee(&["open", "--server", &url, "--key-file", k0]));

    // Voters scan the sheet: read the credentials back from it.
    let creds: Vec<Credential> = html
        .split(&format!("/v/{id}#"))
        .skip(1)
        .map(|rest| Credential::from_text(&rest[..39]).unwrap())
        .collect();
    assert_eq!(creds.len(), 3);
    let view = keyed;
    let ctx = ElectionContext {
        election_hash: unhex_array(view.election_hash.as_deref().unwrap(), "h").unwrap(),
        key: PublicKey::from_bytes(
            &unhex_array(view.election_key.as_deref().unwrap(), "k").unwrap(),
            "k",
        )
        .unwrap(),
        candidates: 2,
    };
    let marks = [
        [Some(Level::High), Some(Level::Low)],
        [Some(Level::Low), None],
    ];
    for (c, m) in creds.iter().zip(marks) {
        let b = Ballot::cast(&ctx, &id, c, &m, None, &mut OsRng);
        client
            .send(
                Method::POST,
                &format!("/api/elections/{id}/ballots"),
                Some(&b),
                None,
            )
            .await
            .unwrap();
    }
    ok(committee(&["close", "--server", &url, "--key-file", k1]));
    // Member 0 decrypts through a server that lies about the totals: the
    // member's share must be of the totals of the verified log (which the
    // real server checks it against), never of what GET /totals says;
    // otherwise a server could pass one ballot off as the totals and have
    // it decrypted (docs/SECURITY.md).
    let proxy = lying_about_totals(&url, &id).await;
    let key0 = k0.to_owned();
    let through = tokio::task::spawn_blocking(move || {
        committee(&["decrypt", "--server", &proxy, "--key-file", &key0])
    })
    .await
    .unwrap();
    ok(through);
    ok(committee(&["decrypt", "--server", &url, "--key-file", k1]));
    ok(committee(&["result", "--server", &url, "--key-file", k0]));

    let log = log_of(&client, &id).await;
    let log_path = dir.join("log.jsonl");
    std::fs::write(&log_path, &log).unwrap();
    let out = Command::new(BIN)
        .args(["verify", "--json"])
        .arg(&log_path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["issued"], 3);
    assert_eq!(r["returned"], 2);
    assert_eq!(r["candidates"][0]["high"]["count"], 1);
    assert_eq!(r["candidates"][0]["low"]["count"], 1);
    assert_eq!(r["candidates"][1]["low"]["count"], 1);
    assert_eq!(r["candidates"][1]["invalid"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server in front of `real` that forwards every request to it but
/// `GET .../totals`, answered with the real totals' first two items swapped
/// (valid ciphertexts, not the totals). Returns its URL.
async fn lying_about_totals(real: &str, id: &str) -> String {
    use axum::response::IntoResponse;
    let upstream = Client::new(real);
    let mut totals: serde_json::Value = upstream
        .call(
            Method::GET,
            &format!("/api/elections/{id}/totals"),
            None::<&()>,
            None,
        )
        .await
        .unwrap();
    let items = totals["items"].as_array_mut().unwrap();
    assert!(items.len() >= 2 && items[0] != items[1]);
    items.swap(0, 1);
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (upstream, totals) = (upstream.clone(), totals.clone());
        async move {
            let method = req.method().clone();
            let path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            if method == Method::GET && path.ends_with("/totals") {
                return axum::Json(totals).into_response();
            }
            let bearer = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_owned);
            let body = axum::body::to_bytes(req.into_body(), 1 << 26)
                .await
                .unwrap();
            let (status, bytes) = upstream
                .raw(
                    method,
                    &path,
                    (!body.is_empty()).then(|| body.to_vec()),
                    bearer.as_deref(),
                )
                .await
                .unwrap();
            (status, bytes).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A self-signed certificate for 127.0.0.1 as `openssl req -x509` makes it
/// (a CA certificate, `CA:TRUE`, as most operators' will be), with the
/// subject `CN=NAME`: `NAME.pem` and `NAME-key.pem` in `dir`.
fn self_signed(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let cert = dir.join(format!("{name}.pem"));
    let key = dir.join(format!("{name}-key.pem"));
    let gen = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
        ])
        .args(["-subj", &format!("/CN={name}")])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed (scripts/test.sh installs it)");
    assert!(gen.status.success());
    (cert, key)
}

/// A server over HTTPS with a fresh self-signed certificate: the server,
/// its `https://` URL and the certificate's file.
fn start_tls(dir: &Path) -> (Server, String, PathBuf) {
    let (cert, key) = self_signed(dir, "cert");
    let (server, port) = start(
        dir,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    (server, format!("https://127.0.0.1:{port}"), cert)
}

#[test]
fn server_speaks_https_with_the_given_certificate() {
    let dir = temp("tls");
    let (_server, url, cert) = start_tls(&dir);
    let port = url.rsplit(':').next().unwrap();
    let out = Command::new("curl")
        .args(["-s", "-D", "-", "--cacert"])
        .arg(&cert)
        .arg(format!("https://127.0.0.1:{port}/api/openapi.json"))
        .output()
        .expect("curl is installed (scripts/test.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"openapi\""));
    assert!(text.to_ascii_lowercase().contains("x-frame-options: deny"));
    // Under TLS, browsers are told to come back over HTTPS only.
    assert!(
        text.to_ascii_lowercase()
            .contains("strict-transport-security: max-age=31536000"),
        "{text}"
    );
    // Plain HTTP to the TLS port gets no answer.
    let plain = Command::new("curl")
        .args([
            "-s",
            "-m",
            "3",
            &format!("http://127.0.0.1:{port}/api/openapi.json"),
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("openapi"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `tinnhiem ARGS`, with no `TINNHIEM_CA` from the environment.
fn cli(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).env_remove("TINNHIEM_CA");
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `tinnhiem committee keygen` on `url` for member `member` of election `id`,
/// enrolled with `code`, the key written to `key`; `ca` adds `--ca`.
fn keygen(url: &str, ca: Option<&Path>, id: &str, member: u32, code: &str, key: &Path) -> Command {
    let member = member.to_string();
    let mut args = vec![
        "committee",
        "keygen",
        "--server",
        url,
        "--election",
        id,
        "--member",
        &member,
        "--code",
        code,
        "--key-file",
        key.to_str().unwrap(),
    ];
    if let Some(ca) = ca {
        args.extend(["--ca", ca.to_str().unwrap()]);
    }
    cli(&args)
}

/// Logs in as the organizer, creates an election with a committee of two
/// and these candidates (`[name, position]`), and seals it.
async fn sealed_election(client: &Client, candidates: &[[&str; 2]]) -> Created {
    sealed_election_of(client, candidates, 2).await
}

/// [`sealed_election`] with a committee of `members` (the server's default
/// threshold).
async fn sealed_election_of(client: &Client, candidates: &[[&str; 2]], members: usize) -> Created {
    sealed_election_with(client, candidates, members, None).await
}

/// [`sealed_election_of`] with `threshold` in the election input.
async fn sealed_election_with(
    client: &Client,
    candidates: &[[&str; 2]],
    members: usize,
    threshold: Option<u32>,
) -> Created {
    let committee: Vec<String> = (1..=members).map(|i| format!("Uỷ viên {i}")).collect();
    let candidates: Vec<serde_json::Value> = candidates
        .iter()
        .map(|[name, position]| json!({"name": name, "position": position}))
        .collect();
    let token = client
        .call::<LoginAnswer>(
            Method::POST,
            "/api/login",
            Some(&json!({"password": "mat-khau"})),
            None,
        )
        .await
        .unwrap()
        .token;
    let created: Created = client
        .call(
            Method::POST,
            "/api/elections",
            Some(&{
                let mut input = json!({
                    "title": "Lấy phiếu tín nhiệm", "unit": "Sở Y tế", "date": "2026-11-28",
                    "candidates": candidates,
                    "summoned": 4, "committee": committee
                });
                if let Some(t) = threshold {
                    input["threshold"] = json!(t);
                }
                input
            }),
            Some(&token),
        )
        .await
        .unwrap();
    client
        .send(
            Method::POST,
            &format!("/api/elections/{}/seal", created.id),
            None::<&()>,
            Some(&token),
        )
        .await
        .unwrap();
    created
}

/// The election's public view, decoded as `T`.
async fn view_of<T: serde::de::DeserializeOwned>(client: &Client, id: &str) -> T {
    client
        .call(
            Method::GET,
            &format!("/api/elections/{id}"),
            None::<&()>,
            None,
        )
        .await
        .unwrap()
}

async fn log_of(client: &Client, id: &str) -> Vec<u8> {
    client
        .send(
            Method::GET,
            &format!("/api/elections/{id}/log"),
            None::<&()>,
            None,
        )
        .await
        .unwrap()
        .to_vec()
}

fn kinds(log: &[u8]) -> Vec<String> {
    tinnhiem_tally::split_lines(log)
        .into_iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            v["kind"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_talks_to_an_https_server_whose_certificate_it_is_given() {
    let dir = temp("tls-cli");
    let (_server, url, cert) = start_tls(&dir);
    let ca = cert.to_str().unwrap();
    // The library's client, as the commands make it.
    let client = Client::with_ca(&url, Some(&cert)).unwrap();
    let created = sealed_election(&client, &[["Nguyễn Văn A", "Giám đốc"]]).await;
    let id = &created.id;

    let k0 = dir.join("member0.key");
    let k1 = dir.join("member1.key");
    // Member 0 with --ca, member 1 with TINNHIEM_CA.
    let out = ok(keygen(
        &url,
        Some(Path::new(ca)),
        id,
        0,
        &created.trustee_codes[0],
        &k0,
    )
    .output()
    .unwrap());
    assert!(out.contains("key share enrolled"), "{out}");
    let out = ok(keygen(&url, None, id, 1, &created.trustee_codes[1], &k1)
        .env("TINNHIEM_CA", &cert)
        .output()
        .unwrap());
    assert!(out.contains("key share enrolled"), "{out}");
    // The key ceremony over HTTPS, each member's CLI with --ca.
    ceremony_in_turns(&url, Some(&cert), &[k0.clone(), k1.clone()]);
    let out = ok(cli(&[
        "committee",
        "quorum",
        "--server",
        &url,
        "--ca",
        ca,
        "--key-file",
        k0.to_str().unwrap(),
        "--present",
        "3",
    ])
    .output()
    .unwrap());
    assert!(out.contains("attendance recorded"), "{out}");

    // The server recorded what the commands sent.
    let view: ElectionView = view_of(&client, id).await;
    assert!(view.trustee_keys.iter().all(Option::is_some));
    assert!(view.election_key.is_some());
    assert_eq!(view.present, Some(3));
    let log = log_of(&client, id).await;
    assert_eq!(
        kinds(&log),
        [
            "election",
            "trustee_key",
            "trustee_key",
            "dealing",
            "dealing",
            "shares_ok",
            "shares_ok",
            "election_key",
            "quorum"
        ]
    );

    // `export` reads the same log over HTTPS (not finished yet: exit 1).
    let file = dir.join("export.jsonl");
    let out = cli(&[
        "export",
        "--server",
        &url,
        "--ca",
        ca,
        "--election",
        id,
        "--out",
        file.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("log written"));
    let mut exported = std::fs::read(&file).unwrap();
    if !log.ends_with(b"\n") {
        exported.pop();
    }
    assert_eq!(exported, log);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_from_another_ca_or_for_another_name_is_refused_and_changes_nothing() {
    let dir = temp("tls-refused");
    let (_server, url, cert) = start_tls(&dir);
    let (other, _) = self_signed(&dir, "other");
    let client = Client::with_ca(&url, Some(&cert)).unwrap();
    let created = sealed_election(&client, &[["Nguyễn Văn A", "Giám đốc"]]).await;
    let id = &created.id;
    let k0 = dir.join("member0.key");
    ok(
        keygen(&url, Some(&cert), id, 0, &created.trustee_codes[0], &k0)
            .output()
            .unwrap(),
    );
    let log_before = log_of(&client, id).await;
    let view_before: serde_json::Value = view_of(&client, id).await;

    // Another certificate as the CA: the server's is unknown.
    let k1 = dir.join("member1.key");
    let keygen = keygen(&url, Some(&other), id, 1, &created.trustee_codes[1], &k1)
        .output()
        .unwrap();
    assert!(!keygen.status.success());
    let e = stderr(&keygen);
    assert!(
        e.contains(&format!("the certificate of {url} is not trusted"))
            && e.contains("not a certificate in --ca nor signed by one"),
        "{e}"
    );
    assert!(!k1.exists(), "a refused keygen leaves no key file");
    let quorum = |server: &str, ca: &Path| {
        cli(&[
            "committee",
            "quorum",
            "--server",
            server,
            "--ca",
            ca.to_str().unwrap(),
            "--key-file",
            k0.to_str().unwrap(),
            "--present",
            "3",
        ])
        .output()
        .unwrap()
    };
    let refused = quorum(&url, &other);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("not a certificate in --ca nor signed by one"),
        "{}",
        stderr(&refused)
    );

    // The right certificate, reached by a name it was not issued for (it
    // names only 127.0.0.1).
    let by_name = url.replace("127.0.0.1", "localhost");
    let refused = quorum(&by_name, &cert);
    assert!(!refused.status.success());
    let e = stderr(&refused);
    assert!(
        e.contains(&format!("the certificate of {by_name} is not trusted"))
            && e.contains("not issued for this name or address"),
        "{e}"
    );

    // Nothing reached the server.
    assert_eq!(log_of(&client, id).await, log_before);
    let view_after: serde_json::Value = view_of(&client, id).await;
    assert_eq!(view_after, view_before);
    assert_eq!(view_after["present"], serde_json::Value::Null);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn https_without_ca_is_refused_before_connecting_with_the_way_out() {
    let dir = temp("tls-no-ca");
    // Nobody listens here: a command that tried to connect would fail
    // with another error.
    let url = format!("https://127.0.0.1:{}", free_port());
    let out_file = dir.join("log.jsonl");
    let export = cli(&[
        "export",
        "--server",
        &url,
        "--election",
        "x",
        "--out",
        out_file.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(export.status.code(), Some(2));
    let e = stderr(&export);
    assert!(
        e.contains(&format!(
            "{url} uses HTTPS and no certificate to trust was given"
        )) && e.contains("--ca")
            && e.contains("TINNHIEM_CA")
            && e.contains("chưa có chứng chỉ"),
        "{e}"
    );
    assert!(!out_file.exists());
    let key = dir.join("member.key");
    let keygen = keygen(&url, None, "x", 0, "c", &key).output().unwrap();
    assert!(!keygen.status.success());
    assert!(stderr(&keygen).contains("no certificate to trust was given"));
    assert!(!key.exists());

    // A --ca that cannot be used, or one given for plain http://.
    let missing = dir.join("missing.pem");
    let export = cli(&[
        "export",
        "--server",
        &url,
        "--ca",
        missing.to_str().unwrap(),
        "--election",
        "x",
        "--out",
        out_file.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(export.status.code(), Some(2));
    assert!(stderr(&export).contains("cannot use the certificate file"));
    let not_pem = dir.join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let export = cli(&[
        "export",
        "--server",
        &url,
        "--election",
        "x",
        "--out",
        out_file.to_str().unwrap(),
    ])
    .env("TINNHIEM_CA", &not_pem)
    .output()
    .unwrap();
    assert_eq!(export.status.code(), Some(2));
    assert!(
        stderr(&export).contains("no usable certificate"),
        "{}",
        stderr(&export)
    );
    let export = cli(&[
        "export",
        "--server",
        &url.replace("https", "http"),
        "--ca",
        not_pem.to_str().unwrap(),
        "--election",
        "x",
        "--out",
        out_file.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(export.status.code(), Some(2));
    assert!(
        stderr(&export).contains("is not https://"),
        "{}",
        stderr(&export)
    );
    assert!(!out_file.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A CA and a server certificate for 127.0.0.1 signed by it (`CA:FALSE`,
/// as mkcert or a company CA makes them): the CA's file, then the server's
/// certificate and key.
fn ca_signed(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (ca, ca_key) = self_signed(dir, "ca");
    let (cert, key) = (dir.join("leaf.pem"), dir.join("leaf-key.pem"));
    let csr = dir.join("leaf.csr");
    let ext = dir.join("leaf.ext");
    std::fs::write(
        &ext,
        "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\n",
    )
    .unwrap();
    let openssl = |args: &[&std::ffi::OsStr]| {
        let o = Command::new("openssl").args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    openssl(&[
        "req".as_ref(),
        "-newkey".as_ref(),
        "ec".as_ref(),
        "-pkeyopt".as_ref(),
        "ec_paramgen_curve:prime256v1".as_ref(),
        "-nodes".as_ref(),
        "-subj".as_ref(),
        "/CN=tinnhiem".as_ref(),
        "-keyout".as_ref(),
        key.as_ref(),
        "-out".as_ref(),
        csr.as_ref(),
    ]);
    openssl(&[
        "x509".as_ref(),
        "-req".as_ref(),
        "-in".as_ref(),
        csr.as_ref(),
        "-CA".as_ref(),
        ca.as_ref(),
        "-CAkey".as_ref(),
        ca_key.as_ref(),
        "-set_serial".as_ref(),
        "2".as_ref(),
        "-days".as_ref(),
        "2".as_ref(),
        "-extfile".as_ref(),
        ext.as_ref(),
        "-out".as_ref(),
        cert.as_ref(),
    ]);
    (ca, cert, key)
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_trusts_a_ca_signed_server_through_its_ca_or_its_own_certificate_only() {
    let dir = temp("tls-ca");
    let (ca, cert, key) = ca_signed(&dir);
    let (_server, port) = start(
        &dir,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let url = format!("https://127.0.0.1:{port}");
    let client = Client::with_ca(&url, Some(&ca)).unwrap();
    let created = sealed_election(&client, &[["Nguyễn Văn A", "Giám đốc"]]).await;
    let export = |ca: &Path, file: &Path| {
        cli(&[
            "export",
            "--server",
            &url,
            "--ca",
            ca.to_str().unwrap(),
            "--election",
            &created.id,
            "--out",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap()
    };
    let file = dir.join("export.jsonl");
    let out = export(&ca, &file);
    // The log holds the sealed election only: not finished, exit 1.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        kinds(&std::fs::read(&file).unwrap()),
        kinds(&log_of(&client, &created.id).await)
    );
    assert_eq!(kinds(&std::fs::read(&file).unwrap()), ["election"]);

    // The server's own certificate, pinned, will do too.
    let pinned = dir.join("pinned.jsonl");
    let out = export(&cert, &pinned);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&pinned).unwrap(),
        std::fs::read(&file).unwrap()
    );

    // A CA that did not sign it will not, whatever its name.
    let (other, _) = self_signed(&dir, "other");
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let (same_name, _) = self_signed(&elsewhere, "ca");
    let refused_file = dir.join("refused.jsonl");
    for (ca, problem) in [
        (&other, "not a certificate in --ca nor signed by one"),
        (&same_name, "a signature does not match"),
    ] {
        let out = export(ca, &refused_file);
        assert_eq!(out.status.code(), Some(2));
        let e = stderr(&out);
        assert!(
            e.contains(&format!(
                "the certificate of {url} is not trusted: {problem}"
            )),
            "{e}"
        );
    }
    assert!(!refused_file.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 10, item 5: the members enroll at the same moment. Each gets
/// success and keeps the key file (a lost key file is a member that can
/// never deal nor decrypt); every key is in the log once. In the last
/// round the three run the key ceremony at the same moment too (`ceremony
/// --wait`), and the election key is in the log once, after the last
/// `shares_ok`.
#[tokio::test(flavor = "multi_thread")]
async fn members_enrolling_at_once_all_succeed_and_keep_their_key_files() {
    let dir = temp("keygen-race");
    let (_server, port) = start(&dir, &[]);
    let url = format!("http://127.0.0.1:{port}");
    let client = Client::new(&url);
    for round in 0..8 {
        let created = sealed_election_of(&client, &[["Nguyễn Văn A", "Giám đốc"]], 3).await;
        let keys: Vec<PathBuf> = (0..3)
            .map(|i| dir.join(format!("r{round}-member{i}.key")))
            .collect();
        let children: Vec<Child> = (0..3)
            .map(|i| {
                keygen(
                    &url,
                    None,
                    &created.id,
                    i,
                    &created.trustee_codes[i as usize],
                    &keys[i as usize],
                )
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
            })
            .collect();
        for (i, c) in children.into_iter().enumerate() {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}, member {i}: {}",
                stderr(&out)
            );
            assert!(
                keys[i].exists(),
                "round {round}: member {i} keeps the key file"
            );
        }
        let log = log_of(&client, &created.id).await;
        assert_eq!(
            kinds(&log),
            ["election", "trustee_key", "trustee_key", "trustee_key"],
            "round {round}"
        );
        if round < 7 {
            continue;
        }
        let children: Vec<Child> = keys
            .iter()
            .map(|k| {
                ceremony_cmd(&url, None, k, true)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for (i, c) in children.into_iter().enumerate() {
            let out = ok(c.wait_with_output().unwrap());
            assert!(out.contains("key ceremony complete"), "member {i}: {out}");
        }
        let kinds = kinds(&log_of(&client, &created.id).await);
        assert_eq!(kinds.iter().filter(|k| *k == "dealing").count(), 3);
        assert_eq!(kinds.iter().filter(|k| *k == "shares_ok").count(), 3);
        assert_eq!(kinds.last().map(String::as_str), Some("election_key"));
        let view: ElectionView = view_of(&client, &created.id).await;
        assert!(view.election_key.is_some());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `tinnhiem committee ceremony` for the member of key file `key` (`--ca`
/// when given; `--wait` polling every 0.1 s when `wait`).
fn ceremony_cmd(url: &str, ca: Option<&Path>, key: &Path, wait: bool) -> Command {
    let mut args = vec![
        "committee",
        "ceremony",
        "--server",
        url,
        "--key-file",
        key.to_str().unwrap(),
    ];
    if wait {
        args.extend(["--wait", "--interval", "0.1"]);
    }
    if let Some(ca) = ca {
        args.extend(["--ca", ca.to_str().unwrap()]);
    }
    cli(&args)
}

/// Runs `ceremony` (without --wait) for each member in turn, round after
/// round, until every member's says the ceremony is complete: what members
/// who each run the command now and then do. Three rounds always suffice
/// without complaints (deal; shares_ok; done).
fn ceremony_in_turns(url: &str, ca: Option<&Path>, keys: &[PathBuf]) -> Vec<String> {
    let mut outputs = vec![String::new(); keys.len()];
    for _round in 0..4 {
        let mut done = true;
        for (i, k) in keys.iter().enumerate() {
            let out = ok(ceremony_cmd(url, ca, k, false).output().unwrap());
            done &= out.contains("key ceremony complete");
            outputs[i].push_str(&out);
        }
        if done {
            return outputs;
        }
    }
    panic!("the ceremony did not finish: {outputs:?}");
}

/// The credentials printed on a sheet that `committee credentials` wrote.
fn sheet_credentials(html: &str, id: &str) -> Vec<Credential> {
    html.split(&format!("/v/{id}#"))
        .skip(1)
        .map(|rest| Credential::from_text(&rest[..39]).unwrap())
        .collect()
}

/// Casts one ballot per credential with `marks[i]`, on the key in the view.
async fn cast(client: &Client, id: &str, creds: &[Credential], marks: &[Vec<Option<Level>>]) {
    let view: ElectionView = view_of(client, id).await;
    let ctx = ElectionContext {
        election_hash: unhex_array(view.election_hash.as_deref().unwrap(), "h").unwrap(),
        key: PublicKey::from_bytes(
            &unhex_array(view.election_key.as_deref().unwrap(), "k").unwrap(),
            "k",
        )
        .unwrap(),
        candidates: view.candidates.len() as u32,
    };
    for (c, m) in creds.iter().zip(marks) {
        let b = Ballot::cast(&ctx, id, c, m, None, &mut OsRng);
        client
            .send(
                Method::POST,
                &format!("/api/elections/{id}/ballots"),
                Some(&b),
                None,
            )
            .await
            .unwrap();
    }
}

/// Polls the view until `done` holds of it (10 s at most).
async fn until(client: &Client, id: &str, what: &str, done: impl Fn(&ElectionView) -> bool) {
    for _ in 0..200 {
        let view: ElectionView = view_of(client, id).await;
        if done(&view) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// `args` of `tinnhiem committee`, run off the async runtime.
async fn committee_async(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        committee(&args)
    })
    .await
    .unwrap()
}

/// `committee ACTION --server URL --key-file KEY`.
fn member_args(action: &str, url: &str, key: &Path) -> Vec<String> {
    vec![
        action.into(),
        "--server".into(),
        url.into(),
        "--key-file".into(),
        key.to_str().unwrap().into(),
    ]
}

fn failed(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "expected a refusal: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(o.status.code(), Some(1));
    stderr(o)
}

/// Issue 12: three members, any two decrypt. Each member runs the key
/// ceremony from a terminal; one member's command is killed after its
/// dealing and run again, and it goes on from the log (nothing else is
/// kept but the key file); two members decrypt, the result is published,
/// and the third member's decryption after the result is refused with the
/// reason. `verify` shows the threshold, the qualified members and who
/// decrypted.
#[tokio::test(flavor = "multi_thread")]
async fn two_of_three_members_run_the_ceremony_one_resumes_after_an_interruption_and_two_decrypt() {
    let dir = temp("threshold");
    let (_server, port) = start(&dir, &[]);
    let url = format!("http://127.0.0.1:{port}");
    let client = Client::new(&url);
    let created = sealed_election_with(
        &client,
        &[["Nguyễn Văn A", "Giám đốc"], ["Trần Thị B", "Phó Giám đốc"]],
        3,
        Some(2),
    )
    .await;
    let id = created.id.clone();
    let keys: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("member{i}.key"))).collect();
    let enrolled = ok(
        keygen(&url, None, &id, 0, &created.trustee_codes[0], &keys[0])
            .output()
            .unwrap(),
    );
    assert!(
        enrolled.contains("Ban kiểm phiếu: 2/3 thành viên cần để giải mã (threshold 2 of 3)")
            && enrolled.contains("committee ceremony"),
        "keygen states t of n and the next step: {enrolled}"
    );
    // Alone so far: the command says whom it waits for and stops.
    let alone = ok(ceremony_cmd(&url, None, &keys[0], false).output().unwrap());
    assert!(
        alone.contains("đang chờ khoá của thành viên 1 (Uỷ viên 2), 2 (Uỷ viên 3)")
            && alone.contains("waiting for the key of member 1 (Uỷ viên 2), 2 (Uỷ viên 3)")
            && alone.contains("--wait"),
        "{alone}"
    );
    for i in 1..3 {
        ok(keygen(
            &url,
            None,
            &id,
            i,
            &created.trustee_codes[i as usize],
            &keys[i as usize],
        )
        .output()
        .unwrap());
    }
    // A key file naming member 1 with member 2's key: not member 1's.
    let member2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&keys[2]).unwrap()).unwrap();
    let wrong = dir.join("wrong.key");
    std::fs::write(
        &wrong,
        json!({"election": id, "member": 1, "key": member2["key"]}).to_string(),
    )
    .unwrap();
    let e = failed(&ceremony_cmd(&url, None, &wrong, false).output().unwrap());
    assert!(
        e.contains("this key file is not member 1's") && e.contains("không phải của thành viên 1"),
        "{e}"
    );

    // Member 2 starts and is stopped (its terminal closed) once its dealing
    // is in the log.
    let mut interrupted = ceremony_cmd(&url, None, &keys[2], true)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    until(&client, &id, "member 2's dealing", |v| {
        v.ceremony.as_ref().is_some_and(|c| c.dealt[2])
    })
    .await;
    interrupted.kill().unwrap();
    let first = interrupted.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&first.stdout).contains("dealing published"));

    // Members 0 and 1 go through and wait for member 2's shares_ok.
    let waiting: Vec<Child> = keys[..2]
        .iter()
        .map(|k| {
            ceremony_cmd(&url, None, k, true)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    until(&client, &id, "the shares_ok of members 0 and 1", |v| {
        v.ceremony
            .as_ref()
            .is_some_and(|c| c.shares_ok[0] && c.shares_ok[1])
    })
    .await;
    let view: ElectionView = view_of(&client, &id).await;
    assert!(
        view.election_key.is_none(),
        "member 2 has not confirmed yet"
    );

    // Member 2 again: it goes on from the log, without dealing again.
    let resumed = ok(ceremony_cmd(&url, None, &keys[2], false).output().unwrap());
    assert!(!resumed.contains("dealing published"), "{resumed}");
    assert!(resumed.contains("shares_ok published"), "{resumed}");
    for text in [
        "key ceremony complete",
        "Ban kiểm phiếu: 2/3 thành viên cần để giải mã (threshold 2 of 3)",
        "qualified members): 0 (Uỷ viên 1), 1 (Uỷ viên 2), 2 (Uỷ viên 3)",
        "election fingerprint",
    ] {
        assert!(resumed.contains(text), "{text}: {resumed}");
    }
    for (i, c) in waiting.into_iter().enumerate() {
        let out = ok(c.wait_with_output().unwrap());
        // The members awaited shrink as they confirm: member 2 is among
        // them in the last wait line.
        let last_wait = out
            .lines()
            .rfind(|l| l.contains("đang chờ xác nhận phần chia (shares_ok) của thành viên"))
            .unwrap_or_default();
        assert!(
            last_wait.contains("2 (Uỷ viên 3))")
                && last_wait.contains("(waiting for the shares_ok of member "),
            "member {i} named whom it waited for: {out}"
        );
        assert!(out.contains("key ceremony complete"), "member {i}: {out}");
    }
    let kinds = kinds(&log_of(&client, &id).await);
    assert_eq!(kinds.iter().filter(|k| *k == "dealing").count(), 3);
    assert_eq!(kinds.iter().filter(|k| *k == "shares_ok").count(), 3);
    assert_eq!(kinds.iter().filter(|k| *k == "election_key").count(), 1);

    // Voting.
    ok(committee(&[
        "quorum",
        "--server",
        &url,
        "--key-file",
        keys[0].to_str().unwrap(),
        "--present",
        "3",
    ]));
    let sheet = dir.join("sheet.html");
    ok(committee(&[
        "credentials",
        "--server",
        &url,
        "--key-file",
        keys[1].to_str().unwrap(),
        "--count",
        "3",
        "--out",
        sheet.to_str().unwrap(),
    ]));
    let creds = sheet_credentials(&std::fs::read_to_string(&sheet).unwrap(), &id);
    ok(committee_async(member_args("open", &url, &keys[0])).await);
    cast(
        &client,
        &id,
        &creds,
        &[
            vec![Some(Level::High), Some(Level::Low)],
            vec![Some(Level::Low), None],
            vec![Some(Level::High), Some(Level::Confidence)],
        ],
    )
    .await;
    ok(committee_async(member_args("close", &url, &keys[2])).await);

    // No result before two members have decrypted.
    let e = failed(&committee_async(member_args("result", &url, &keys[1])).await);
    assert!(e.contains("the count needs 2 more member(s)"), "{e}");
    let out = ok(committee_async(member_args("decrypt", &url, &keys[0])).await);
    assert!(
        out.contains("partial decryption published")
            && out.contains("Còn cần 1 thành viên giải mã nữa")
            && out.contains("the count needs 1 more member(s) to decrypt"),
        "{out}"
    );
    let out = ok(committee_async(member_args("decrypt", &url, &keys[2])).await);
    assert!(out.contains("enough partial decryptions"), "{out}");
    let out = ok(committee_async(member_args("result", &url, &keys[1])).await);
    assert!(
        out.contains("result published")
            && out.contains("decrypted by member 0 (Uỷ viên 1), 2 (Uỷ viên 3)"),
        "{out}"
    );
    // The third member, too late.
    let e = failed(&committee_async(member_args("decrypt", &url, &keys[1])).await);
    assert!(
        e.contains("kết quả đã được công bố") && e.contains("the result is already published"),
        "{e}"
    );

    let log_path = dir.join("log.jsonl");
    std::fs::write(&log_path, log_of(&client, &id).await).unwrap();
    let out = ok(cli(&["verify", log_path.to_str().unwrap()])
        .output()
        .unwrap());
    for text in [
        "Ban kiểm phiếu: 2/3 thành viên cần để giải mã (threshold 2 of 3)",
        "Thành viên hợp lệ (qualified members): 0 (Uỷ viên 1), 1 (Uỷ viên 2), 2 (Uỷ viên 3)",
        "Đã giải mã (decrypted by): 0 (Uỷ viên 1), 2 (Uỷ viên 3)",
    ] {
        assert!(out.contains(text), "{text}: {out}");
    }
    let out = ok(cli(&["verify", "--json", log_path.to_str().unwrap()])
        .output()
        .unwrap());
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["returned"], 3);
    assert_eq!(r["candidates"][0]["high"]["count"], 2);
    assert_eq!(r["candidates"][1]["confidence"]["count"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A member whose dealing gives member 1 a share that does not check: member
/// 1's `ceremony` complains (the server upholds it), the dealer is out of
/// the qualified members, its `credentials` and `decrypt` are refused with
/// the reason, and the two others count.
#[tokio::test(flavor = "multi_thread")]
async fn a_bad_dealing_draws_the_cli_s_complaint_and_its_dealer_may_not_decrypt() {
    use tinnhiem_core::dkg::{self, DEALING_CONTEXT};
    use tinnhiem_core::trustee::TrusteeKey;

    let dir = temp("complaint");
    let (_server, port) = start(&dir, &[]);
    let url = format!("http://127.0.0.1:{port}");
    let client = Client::new(&url);
    let created = sealed_election_with(&client, &[["Nguyễn Văn A", "Giám đốc"]], 3, Some(2)).await;
    let id = created.id.clone();
    let keys: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("member{i}.key"))).collect();
    for i in 0..3 {
        ok(keygen(
            &url,
            None,
            &id,
            i,
            &created.trustee_codes[i as usize],
            &keys[i as usize],
        )
        .output()
        .unwrap());
    }
    // Member 0's dealing, made here with its key file, with member 1's
    // share changed and the dealing signed again.
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&keys[0]).unwrap()).unwrap();
    let key =
        TrusteeKey::from_bytes(&unhex_array(file["key"].as_str().unwrap(), "k").unwrap()).unwrap();
    let mut tally = tinnhiem_tally::Tally::new();
    for line in tinnhiem_tally::split_lines(&log_of(&client, &id).await) {
        tally.push(line, &mut OsRng).unwrap();
    }
    let hash = tally.election_hash().unwrap();
    let params = tally.threshold_params().unwrap();
    let publics: Vec<PublicKey> = tally.trustee_keys().iter().flatten().copied().collect();
    let mut d = dkg::deal(&params, &hash, 0, &key, &publics, &mut OsRng).unwrap();
    d.shares[1].ciphertext[0] ^= 1;
    let bytes = d.to_bytes();
    let mut msg = hash.to_vec();
    msg.extend_from_slice(&bytes[..bytes.len() - 64]);
    d.signature = key.sign(DEALING_CONTEXT, &msg, &mut OsRng);
    client
        .send(
            Method::POST,
            &format!("/api/elections/{id}/dealings"),
            Some(&json!({"dealing": tinnhiem_core::encoding::hex(&d.to_bytes())})),
            None,
        )
        .await
        .unwrap();

    let outputs = ceremony_in_turns(&url, None, &keys);
    assert!(
        outputs[1].contains(
            "the share dealt by member 0 (Uỷ viên 1) does not check: complaint published"
        ),
        "{}",
        outputs[1]
    );
    assert!(
        !outputs[0].contains("dealing published"),
        "member 0 had dealt: {}",
        outputs[0]
    );
    assert!(
        outputs[0].contains("qualified members): 1 (Uỷ viên 2), 2 (Uỷ viên 3)")
            && outputs[0].contains("member 0 was disqualified"),
        "{}",
        outputs[0]
    );
    let view: ElectionView = view_of(&client, &id).await;
    let c = view.ceremony.as_ref().unwrap();
    assert_eq!(c.qualified.as_deref(), Some(&[1, 2][..]));
    assert_eq!(c.complaints.len(), 1);
    assert_eq!((c.complaints[0].dealer, c.complaints[0].complainer), (0, 1));

    ok(committee_async(vec![
        "quorum".into(),
        "--server".into(),
        url.clone(),
        "--key-file".into(),
        keys[2].to_str().unwrap().into(),
        "--present".into(),
        "3".into(),
    ])
    .await);
    // The disqualified member's share is not in the election key: it may
    // not vouch for the fingerprint on the sheet.
    let sheet = dir.join("sheet.html");
    let sheet_args = |k: &Path| {
        vec![
            "credentials".to_string(),
            "--server".into(),
            url.clone(),
            "--key-file".into(),
            k.to_str().unwrap().into(),
            "--count".into(),
            "1".into(),
            "--out".into(),
            sheet.to_str().unwrap().into(),
        ]
    };
    let e = failed(&committee_async(sheet_args(&keys[0])).await);
    assert!(e.contains("member 0 was disqualified"), "{e}");
    assert!(!sheet.exists());
    ok(committee_async(sheet_args(&keys[1])).await);
    let creds = sheet_credentials(&std::fs::read_to_string(&sheet).unwrap(), &id);
    ok(committee_async(member_args("open", &url, &keys[1])).await);
    cast(&client, &id, &creds, &[vec![Some(Level::Low)]]).await;
    ok(committee_async(member_args("close", &url, &keys[1])).await);

    let e = failed(&committee_async(member_args("decrypt", &url, &keys[0])).await);
    assert!(
        e.contains("member 0 was disqualified in the key ceremony")
            && e.contains("đã bị loại trong lễ tạo khoá"),
        "{e}"
    );
    ok(committee_async(member_args("decrypt", &url, &keys[2])).await);
    ok(committee_async(member_args("decrypt", &url, &keys[1])).await);
    ok(committee_async(member_args("result", &url, &keys[2])).await);
    let log_path = dir.join("log.jsonl");
    std::fs::write(&log_path, log_of(&client, &id).await).unwrap();
    let out = ok(cli(&["verify", log_path.to_str().unwrap()])
        .output()
        .unwrap());
    assert!(
        out.contains("Thành viên hợp lệ (qualified members): 1 (Uỷ viên 2), 2 (Uỷ viên 3)")
            && out.contains("Đã giải mã (decrypted by): 1 (Uỷ viên 2), 2 (Uỷ viên 3)"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 13: a slip lost and a slip torn are cancelled by the numbers
/// printed on them (from the log alone, and from the sheet file), a slip
/// that voted cannot be, new slips are issued within the attendance and
/// numbered on, the lost slip's ballot is refused, and `verify` counts the
/// cancelled slips.
#[tokio::test(flavor = "multi_thread")]
async fn slips_are_cancelled_by_their_printed_numbers_and_replaced_within_the_attendance() {
    let dir = temp("cancel");
    let (_server, port) = start(&dir, &[]);
    let url = format!("http://127.0.0.1:{port}");
    let client = Client::new(&url);
    let created = sealed_election_of(
        &client,
        &[["Nguyễn Văn A", "Giám đốc"], ["Trần Thị B", "Phó Giám đốc"]],
        1,
    )
    .await;
    let id = created.id.clone();
    let key = dir.join("member0.key");
    ok(keygen(&url, None, &id, 0, &created.trustee_codes[0], &key)
        .output()
        .unwrap());
    ceremony_in_turns(&url, None, std::slice::from_ref(&key));
    let run = |action: &str, extra: &[&str]| {
        let mut args = member_args(action, &url, &key);
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        committee(&args)
    };
    ok(run("quorum", &["--present", "3"]));
    let first = dir.join("sheet1.html");
    let issued = ok(run(
        "credentials",
        &["--count", "3", "--out", first.to_str().unwrap()],
    ));
    assert!(
        issued.contains("số 1 đến 3") && issued.contains("no. 1 to 3"),
        "{issued}"
    );
    let html = std::fs::read_to_string(&first).unwrap();
    for n in 1..=3 {
        assert!(html.contains(&format!("№ {n}</p>")), "slip {n} is numbered");
    }
    // The attendance is used up: a fourth slip is refused before anything
    // is written, with the way out.
    let more = dir.join("too-many.html");
    let e = failed(&run(
        "credentials",
        &["--count", "1", "--out", more.to_str().unwrap()],
    ));
    assert!(
        e.contains("chỉ còn phát được 0 phiếu mã") && e.contains("committee cancel"),
        "{e}"
    );
    assert!(!more.exists());
    ok(run("open", &[]));
    let creds = sheet_credentials(&html, &id);
    cast(
        &client,
        &id,
        &creds[..1],
        &[vec![Some(Level::High), Some(Level::Low)]],
    )
    .await;

    // Slip 1 has voted: refused, naming it, and nothing cancelled.
    let log_before = log_of(&client, &id).await;
    let e = failed(&run("cancel", &["--numbers", "2,1"]));
    assert!(
        e.contains("phiếu mã số 1 đã được dùng để bỏ phiếu") && e.contains("slip no. 1 has voted"),
        "{e}"
    );
    assert_eq!(log_of(&client, &id).await, log_before);
    // A number the log never issued.
    let e = failed(&run("cancel", &["--numbers", "9"]));
    assert!(
        e.contains("không có phiếu mã số 9") && e.contains("no slip no. 9"),
        "{e}"
    );

    // Slip 2, lost: by its number alone. Slip 3, torn: from the sheet file.
    let out = ok(run("cancel", &["--numbers", "2"]));
    let mut lines = out.lines();
    let (vi, en) = (lines.next().unwrap(), lines.next().unwrap());
    assert!(
        vi.starts_with("Đã huỷ 1 phiếu mã: số 2.") && vi.contains("tối đa 1 phiếu mã mới"),
        "{out}"
    );
    assert!(
        en.starts_with("Cancelled 1 slip(s): no. 2.") && en.contains("Up to 1 new"),
        "{out}"
    );
    let out = ok(run(
        "cancel",
        &["--sheet", first.to_str().unwrap(), "--numbers", "3"],
    ));
    assert!(out.contains("Đã huỷ 1 phiếu mã: số 3."), "{out}");
    // Run again (an answer lost): nothing more to do, and said so.
    let length = log_of(&client, &id).await.len();
    let out = ok(run("cancel", &["--numbers", "3"]));
    assert!(
        out.contains("đã bị huỷ từ trước") && out.contains("nothing more to cancel"),
        "{out}"
    );
    assert_eq!(log_of(&client, &id).await.len(), length);
    let view: ElectionView = view_of(&client, &id).await;
    assert_eq!((view.issued, view.cancelled), (1, 2));

    // The lost slip, found by someone, does not vote.
    let lost = &creds[1];
    let ctx = ElectionContext {
        election_hash: unhex_array(view.election_hash.as_deref().unwrap(), "h").unwrap(),
        key: PublicKey::from_bytes(
            &unhex_array(view.election_key.as_deref().unwrap(), "k").unwrap(),
            "k",
        )
        .unwrap(),
        candidates: 2,
    };
    let b = Ballot::cast(
        &ctx,
        &id,
        lost,
        &[Some(Level::Low), Some(Level::Low)],
        None,
        &mut OsRng,
    );
    let refused = client
        .send(
            Method::POST,
            &format!("/api/elections/{id}/ballots"),
            Some(&b),
            None,
        )
        .await;
    match refused {
        Err(tinnhiem::client::ClientError::Refused { status, error, .. }) => {
            assert_eq!((status.as_u16(), error.as_str()), (403, "cancelled"))
        }
        other => panic!("the cancelled slip's ballot: {other:?}"),
    }

    // Two new slips, numbered on from the log: 4 and 5.
    let second = dir.join("sheet2.html");
    let issued = ok(run(
        "credentials",
        &["--count", "2", "--out", second.to_str().unwrap()],
    ));
    assert!(issued.contains("số 4 đến 5"), "{issued}");
    let html2 = std::fs::read_to_string(&second).unwrap();
    assert!(html2.contains("№ 4</p>") && html2.contains("№ 5</p>") && !html2.contains("№ 1</p>"));
    cast(
        &client,
        &id,
        &sheet_credentials(&html2, &id),
        &[
            vec![Some(Level::Confidence), None],
            vec![Some(Level::Low), Some(Level::High)],
        ],
    )
    .await;
    ok(run("close", &[]));
    ok(run("decrypt", &[]));
    ok(run("result", &[]));

    let log_path = dir.join("log.jsonl");
    std::fs::write(&log_path, log_of(&client, &id).await).unwrap();
    let text = Command::new(BIN)
        .arg("verify")
        .arg(&log_path)
        .output()
        .unwrap();
    let text = ok(text);
    assert!(
        text.contains("Phiếu mã đã huỷ (hỏng, mất), không tính vào phiếu phát ra: 2")
            && text.contains("cancelled slips, not counted as issued: 2")
            && text.contains("Phiếu phát ra 3 · phiếu thu vào 3"),
        "{text}"
    );
    let json = Command::new(BIN)
        .args(["verify", "--json"])
        .arg(&log_path)
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(ok(json).as_bytes()).unwrap();
    assert_eq!(
        (r["issued"].as_u64(), r["returned"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(r["exclusions"], json!([]));
    let _ = std::fs::remove_dir_all(&dir);
}
