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
use tinnhiem::election::{Created, ElectionView};
use tinnhiem::server::api::LoginAnswer;
use tinnhiem_core::ballot::{Ballot, ElectionContext, Level};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::unhex_array;
use tinnhiem_core::schnorr::PublicKey;

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
        tinnhiem::auth::new_code()
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
            Some(&json!({
                "title": "Lấy phiếu tín nhiệm", "unit": "Sở Y tế", "date": "2026-11-28",
                "candidates": [{"name": "Nguyễn Văn A", "position": "Giám đốc"}, {"name": "Trần Thị B", "position": "Phó Giám đốc"}],
                "summoned": 4, "committee": ["Uỷ viên 1", "Uỷ viên 2"]
            })),
            Some(&token),
        )
        .await
        .unwrap();
    let id = created.id.clone();
    client
        .send(
            Method::POST,
            &format!("/api/elections/{id}/seal"),
            None::<&()>,
            Some(&token),
        )
        .await
        .unwrap();

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
    assert!(
        html.contains(&format!("{url}/v/{id}#")),
        "the QR text is the voter URL with the credential in the fragment"
    );
    ok(committee(&["open", "--server", &url, "--key-file", k0]));

    // Voters scan the sheet: read the credentials back from it.
    let creds: Vec<Credential> = html
        .split(&format!("/v/{id}#"))
        .skip(1)
        .map(|rest| Credential::from_text(&rest[..39]).unwrap())
        .collect();
    assert_eq!(creds.len(), 3);
    let view: ElectionView = client
        .call(
            Method::GET,
            &format!("/api/elections/{id}"),
            None::<&()>,
            None,
        )
        .await
        .unwrap();
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
    ok(committee(&["decrypt", "--server", &url, "--key-file", k0]));
    ok(committee(&["decrypt", "--server", &url, "--key-file", k1]));
    ok(committee(&["result", "--server", &url, "--key-file", k0]));

    let log = client
        .send(
            Method::GET,
            &format!("/api/elections/{id}/log"),
            None::<&()>,
            None,
        )
        .await
        .unwrap();
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

#[test]
fn server_speaks_https_with_the_given_certificate() {
    let dir = temp("tls");
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
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .expect("openssl is installed (scripts/test.sh installs it)");
    assert!(gen.status.success());
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let (_server, port) = start(
        &dir,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
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
