//! No secret reaches a log line, the server's disk or `Debug` output: a
//! whole meeting runs against `tinnhiem serve` at the most verbose log level,
//! then the server's log and every byte of its data directory are searched
//! for every credential, key share, code and password the meeting used, in
//! every encoding they travel in.

mod common;

use common::{input, marks, Meeting, Server, TempDir, PASSWORD};
use hyper::Method;
use rand::rngs::OsRng;
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::hex;
use tinnhiem_core::trustee::TrusteeKey;

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn every_file(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            every_file(&p, out);
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_logs_or_the_servers_disk() {
    let dir = TempDir::new("secrets");
    let mut server = Server::start_logged(dir.path(), Some(PASSWORD), "trace").await;
    let mut m = Meeting::create(&server.client, &input(3, 9, 3)).await;
    m.prepare(8, 8).await;
    let choices = [
        marks(&["high", "low", "none"]),
        marks(&["confidence", "none", "low"]),
        marks(&["low", "low", "low"]),
    ];
    for (i, c) in choices.iter().enumerate() {
        let signed = (i == 1).then_some("Nguyễn Thị Ký");
        let b = m.ballot(&m.credentials[i].clone(), c, signed).await;
        m.cast(&b).await.expect("cast");
        // Resent: same receipt, and the log has it once.
        m.cast(&b).await.expect("resent");
    }
    let forged = Credential::generate(&mut OsRng);
    let b = m
        .ballot(&forged, &marks(&["high", "high", "high"]), None)
        .await;
    assert!(m.cast(&b).await.is_err());
    let b = m
        .ballot(
            &m.credentials[0].clone(),
            &marks(&["low", "low", "low"]),
            None,
        )
        .await;
    assert!(m.cast(&b).await.is_err());
    m.finish().await;
    // The result as a candidate and as a committee member.
    for code in m
        .created
        .candidate_codes
        .iter()
        .chain(&m.created.trustee_codes)
    {
        m.client
            .send(Method::GET, &m.path("/result"), None::<&()>, Some(code))
            .await
            .expect("result");
    }
    server.kill();

    let id = m.created.id.clone();
    let mut secrets: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |what: String, bytes: Vec<u8>| secrets.push((what, bytes));
    for (i, c) in m
        .credentials
        .iter()
        .chain(std::iter::once(&forged))
        .enumerate()
    {
        let text = c.to_text().to_string();
        add(format!("credential {i} text"), text.clone().into_bytes());
        add(
            format!("credential {i} text without dashes"),
            text.replace('-', "").into_bytes(),
        );
        add(
            format!("credential {i} text lowercase"),
            text.to_lowercase().into_bytes(),
        );
        let scalar = c.secret_key(&id).to_bytes();
        add(format!("credential {i} scalar"), scalar.to_vec());
        add(
            format!("credential {i} scalar hex"),
            hex(&scalar).into_bytes(),
        );
    }
    for (i, t) in m.trustees.iter().enumerate() {
        add(format!("trustee {i} key share"), t.to_bytes().to_vec());
        add(
            format!("trustee {i} key share hex"),
            hex(&t.to_bytes()).into_bytes(),
        );
    }
    for (i, code) in m.created.trustee_codes.iter().enumerate() {
        add(format!("enrollment code {i}"), code.clone().into_bytes());
        add(
            format!("enrollment code {i} without dashes"),
            code.replace('-', "").into_bytes(),
        );
    }
    for (i, code) in m.created.candidate_codes.iter().enumerate() {
        add(format!("candidate code {i}"), code.clone().into_bytes());
    }
    add("organizer password".into(), PASSWORD.as_bytes().to_vec());
    add(
        "organizer session token".into(),
        m.token.clone().into_bytes(),
    );

    let stderr = server.stderr_text();
    assert!(
        stderr.contains("request"),
        "trace logging was on and logged requests:\n{stderr}"
    );
    let mut files = Vec::new();
    every_file(&dir.path().join("store"), &mut files);
    assert!(!files.is_empty());
    for (what, bytes) in &secrets {
        assert!(
            !find(stderr.as_bytes(), bytes),
            "{what} appears in the server's log"
        );
        for (path, content) in &files {
            assert!(
                !find(content, bytes),
                "{what} appears in the server's file {path}"
            );
        }
    }
}

#[test]
fn debug_output_of_secrets_is_redacted() {
    let c = Credential::generate(&mut OsRng);
    let text = c.to_text().to_string();
    let shown = format!(
        "{c:?} {:?} {:?}",
        c.secret_key("x"),
        TrusteeKey::generate(&mut OsRng)
    );
    assert!(!shown.contains(&text));
    assert!(shown.contains("redacted"), "{shown}");
    let longest_hex_run = shown
        .split(|ch: char| !ch.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(longest_hex_run < 8, "no key material: {shown}");
}
