//! The leader's dossier (R12) through the real binary: attached to a draft
//! by the organizer, refused when it is not a PDF or once sealed, committed
//! in line 0 at the seal, and served to anyone with the election id as
//! exactly the bytes line 0 commits.

mod common;

use common::{input, raw, Meeting, Server, TempDir};
use hyper::Method;
use sha2::{Digest, Sha256};
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{parse_line, DossierDocument, Payload};

fn sha(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// `PUT .../dossier?name=NAME` with `bytes`, as the organizer (or not).
async fn attach(
    server: &Server,
    m: &Meeting,
    name: &str,
    bytes: &[u8],
    auth: bool,
) -> common::Answer {
    raw(
        &server.base,
        Method::PUT,
        &m.path(&format!("/dossier?name={name}")),
        Some("application/pdf"),
        bytes.to_vec(),
        auth.then_some(m.token.as_str()),
    )
    .await
}

async fn fetch(server: &Server, m: &Meeting, n: usize) -> common::Answer {
    raw(
        &server.base,
        Method::GET,
        &m.path(&format!("/dossier/{n}")),
        None,
        Vec::new(),
        None,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dossier_attached_to_the_draft_is_committed_in_line_0_and_served_as_committed() {
    let dir = TempDir::new("dossier");
    let mut server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 4, 1)).await;

    let report = b"%PDF-1.7\nthe leader's self-report\n%%EOF\n".to_vec();
    let answers_v1 = b"%PDF-1.4\nanswers, first version\n%%EOF\n".to_vec();
    let answers = b"%PDF-1.4\nanswers, as sent to the voters\n%%EOF\n".to_vec();

    // Only the organizer attaches; only a PDF.
    let a = attach(&server, &m, "bao-cao.pdf", &report, false).await;
    assert_eq!(a.status.as_u16(), 403, "{}", a.text());
    let a = attach(&server, &m, "bao-cao.pdf", b"<html>not a pdf</html>", true).await;
    assert_eq!(
        (a.status.as_u16(), a.code().as_deref()),
        (422, Some("invalid"))
    );
    let msg: serde_json::Value = serde_json::from_slice(&a.body).expect("a JSON error");
    assert!(
        msg["message"]
            .as_str()
            .unwrap()
            .contains("không phải tệp PDF"),
        "{msg}"
    );
    assert!(
        msg["message_en"].as_str().unwrap().contains("not a PDF"),
        "{msg}"
    );
    let a = attach(&server, &m, "", &report, true).await;
    assert_eq!(a.status.as_u16(), 422, "a file with no name");

    let a = attach(&server, &m, "bao-cao.pdf", &report, true).await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.text());
    let doc: DossierDocument = serde_json::from_slice(&a.body).expect("the document");
    assert_eq!(
        (doc.sha256.0, doc.bytes),
        (sha(&report), report.len() as u64)
    );
    assert_eq!(
        attach(&server, &m, "giai-trinh.pdf", &answers_v1, true)
            .await
            .status
            .as_u16(),
        200
    );
    // The same name again replaces the document while a draft.
    assert_eq!(
        attach(&server, &m, "giai-trinh.pdf", &answers, true)
            .await
            .status
            .as_u16(),
        200
    );
    let a = fetch(&server, &m, 1).await;
    assert_eq!(a.body.as_ref(), answers.as_slice(), "the replaced document");
    // A third one, removed again.
    assert_eq!(
        attach(&server, &m, "nham.pdf", &report, true)
            .await
            .status
            .as_u16(),
        200
    );
    let a = raw(
        &server.base,
        Method::DELETE,
        &m.path("/dossier/2"),
        None,
        Vec::new(),
        Some(&m.token),
    )
    .await;
    assert_eq!(a.status.as_u16(), 204, "{}", a.text());
    assert_eq!(fetch(&server, &m, 2).await.status.as_u16(), 404);

    m.seal().await;
    let lines = m.lines().await;
    let line0 = match parse_line(&lines[0]).expect("line 0").payload {
        Payload::Election(b) => b,
        other => panic!("line 0 is {other:?}"),
    };
    let committed = line0.dossier.expect("line 0 carries the dossier");
    assert_eq!(
        committed
            .iter()
            .map(|d| (d.name.as_str(), d.sha256.0, d.bytes))
            .collect::<Vec<_>>(),
        [
            ("bao-cao.pdf", sha(&report), report.len() as u64),
            ("giai-trinh.pdf", sha(&answers), answers.len() as u64)
        ]
    );
    let text = String::from_utf8(lines[0].clone()).expect("UTF-8");
    assert!(
        text.contains(&format!(
            "\"threshold\":1,\"dossier\":[{{\"name\":\"bao-cao.pdf\",\"sha256\":\"{}\",\"bytes\":{}}},",
            hex(&sha(&report)),
            report.len()
        )),
        "between threshold and server_key, in the documented form: {text}"
    );
    m.tally().await;

    // Anyone with the id downloads exactly the committed bytes.
    for (n, d) in committed.iter().enumerate() {
        let a = fetch(&server, &m, n).await;
        assert_eq!(a.status.as_u16(), 200);
        assert_eq!(sha(&a.body), d.sha256.0, "document {n} hashes to line 0");
        assert_eq!(a.headers[hyper::header::CONTENT_TYPE], "application/pdf");
        let disposition = a.headers[hyper::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap();
        assert!(
            disposition.contains(&format!("filename*=UTF-8''{}", d.name)),
            "{disposition}"
        );
    }
    assert_eq!(fetch(&server, &m, 2).await.status.as_u16(), 404);

    // Sealed: the dossier no longer changes.
    let before = m.log().await;
    let a = attach(&server, &m, "bao-cao.pdf", &answers, true).await;
    assert_eq!(
        (a.status.as_u16(), a.code().as_deref()),
        (409, Some("phase"))
    );
    let a = attach(&server, &m, "moi.pdf", &answers, true).await;
    assert_eq!(
        (a.status.as_u16(), a.code().as_deref()),
        (409, Some("phase"))
    );
    let a = raw(
        &server.base,
        Method::DELETE,
        &m.path("/dossier/0"),
        None,
        Vec::new(),
        Some(&m.token),
    )
    .await;
    assert_eq!(
        (a.status.as_u16(), a.code().as_deref()),
        (409, Some("phase"))
    );
    assert_eq!(m.log().await, before, "refusals change nothing");
    assert_eq!(fetch(&server, &m, 0).await.body.as_ref(), report.as_slice());

    // The meeting runs to its result as any other.
    m.enroll_all().await;
    m.quorum(3).await.expect("attendance");
    m.issue(1).await;
    m.open().await.expect("open voting");
    m.finish().await;

    // `tinnhiem verify` names each document with its SHA-256.
    let file = dir.path().join("log.jsonl");
    std::fs::write(&file, m.log().await).expect("write the log");
    let out = std::process::Command::new(common::BIN)
        .arg("verify")
        .arg(&file)
        .output()
        .expect("run tinnhiem verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    for (i, (name, bytes)) in [("bao-cao.pdf", &report), ("giai-trinh.pdf", &answers)]
        .iter()
        .enumerate()
    {
        let line = format!(
            "  {}. {name} · {} byte · SHA-256 {}",
            i + 1,
            bytes.len(),
            hex(&sha(bytes))
        );
        assert!(printed.contains(&line), "{line} in {printed}");
    }

    // A draft with a document too; then the server is killed and started
    // again on the same store: both are still served, the sealed one as
    // line 0 commits it.
    let draft = Meeting::create(&server.client, &input(1, 3, 1)).await;
    assert_eq!(
        attach(&server, &draft, "du-thao.pdf", &answers_v1, true)
            .await
            .status
            .as_u16(),
        200
    );
    server.kill();
    let server = Server::start(dir.path()).await;
    for (n, d) in committed.iter().enumerate() {
        let a = fetch(&server, &m, n).await;
        assert_eq!(a.status.as_u16(), 200, "{}", a.text());
        assert_eq!(sha(&a.body), d.sha256.0, "document {n} after the restart");
    }
    assert_eq!(
        fetch(&server, &draft, 0).await.body.as_ref(),
        answers_v1.as_slice()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_line_0_without_a_dossier_has_no_dossier_member() {
    let dir = TempDir::new("no-dossier");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 4, 1)).await;
    m.seal().await;
    let line0 = String::from_utf8(m.lines().await[0].clone()).expect("UTF-8");
    assert!(line0.contains("\"threshold\":1,\"server_key\":"), "{line0}");
    assert_eq!(fetch(&server, &m, 0).await.status.as_u16(), 404);
}

/// The view lists the dossier (the console shows it): the draft's
/// documents while they change, then exactly what line 0 commits, each
/// with its size, SHA-256 and a link that serves those bytes.
#[tokio::test(flavor = "multi_thread")]
async fn the_view_lists_the_draft_dossier_then_line_0s_with_links_that_serve_the_bytes() {
    let dir = TempDir::new("dossier-view");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 4, 1)).await;
    assert!(m.view().await.dossier.is_empty(), "no document yet");

    let one = b"%PDF-1.7\nself-report\n%%EOF\n".to_vec();
    let two = b"%PDF-1.7\nanswers\n%%EOF\n".to_vec();
    let three = b"%PDF-1.7\nleft out\n%%EOF\n".to_vec();
    for (name, bytes) in [("mot.pdf", &one), ("hai.pdf", &two), ("ba.pdf", &three)] {
        assert_eq!(
            attach(&server, &m, name, bytes, true).await.status.as_u16(),
            200
        );
    }
    let listed = |v: &tinnhiem_server::election::ElectionView| {
        v.dossier
            .iter()
            .map(|d| (d.name.clone(), d.bytes, d.sha256.clone(), d.url.clone()))
            .collect::<Vec<_>>()
    };
    let expect = |docs: &[(&str, &Vec<u8>)]| {
        docs.iter()
            .enumerate()
            .map(|(n, (name, b))| {
                (
                    name.to_string(),
                    b.len() as u64,
                    hex(&sha(b)),
                    format!("/api/elections/{}/dossier/{n}", m.id()),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        listed(&m.view().await),
        expect(&[("mot.pdf", &one), ("hai.pdf", &two), ("ba.pdf", &three)])
    );

    // The organizer removes the second; the third moves up.
    let a = raw(
        &server.base,
        Method::DELETE,
        &m.path("/dossier/1"),
        None,
        Vec::new(),
        Some(&m.token),
    )
    .await;
    assert_eq!(a.status.as_u16(), 204);
    assert_eq!(
        listed(&m.view().await),
        expect(&[("mot.pdf", &one), ("ba.pdf", &three)])
    );

    // Sealed: the view is line 0's list, and each link serves its bytes.
    m.seal().await;
    let line0 = parse_line(&m.lines().await[0]).expect("line 0 parses");
    let Payload::Election(body) = line0.payload else {
        panic!("line 0 is the election")
    };
    let committed = body.dossier.expect("line 0 carries the dossier");
    let view = m.view().await;
    assert_eq!(view.dossier.len(), committed.len());
    for (d, c) in view.dossier.iter().zip(&committed) {
        assert_eq!(
            (&d.name, d.bytes, d.sha256.clone()),
            (&c.name, c.bytes, hex(&c.sha256.0))
        );
        let a = raw(&server.base, Method::GET, &d.url, None, Vec::new(), None).await;
        assert_eq!(a.status.as_u16(), 200);
        assert_eq!(hex(&sha(&a.body)), d.sha256, "{} serves its bytes", d.url);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replaced_or_deleted_dossier_file_leaves_no_bytes_in_the_store() {
    let dir = TempDir::new("dossier-bytes");
    let mut server = Server::start(dir.path()).await;
    let m = Meeting::create(&server.client, &input(2, 4, 1)).await;
    let v1 = b"%PDF-1.4\nthe report, first version\n%%EOF\n".to_vec();
    let v2 = b"%PDF-1.4\nthe report, as sent\n%%EOF\n".to_vec();
    let gone = b"%PDF-1.4\na file attached by mistake\n%%EOF\n".to_vec();
    let drafted = b"%PDF-1.4\nthe dossier of a draft deleted\n%%EOF\n".to_vec();
    let ok = |a: common::Answer, what: &str| assert!(a.status.is_success(), "{what}: {}", a.text());
    ok(attach(&server, &m, "bao-cao.pdf", &v1, true).await, "v1");
    ok(attach(&server, &m, "bao-cao.pdf", &v2, true).await, "v2");
    ok(
        attach(&server, &m, "nham.pdf", &gone, true).await,
        "mistake",
    );
    // A second name for the very bytes of v2, removed again: v2 stays.
    ok(attach(&server, &m, "ban-sao.pdf", &v2, true).await, "copy");
    for n in [2, 1] {
        let a = raw(
            &server.base,
            Method::DELETE,
            &m.path(&format!("/dossier/{n}")),
            None,
            Vec::new(),
            Some(&m.token),
        )
        .await;
        ok(a, "delete");
    }
    // A draft with a dossier, deleted whole.
    let d = Meeting::create(&server.client, &input(2, 4, 1)).await;
    ok(
        attach(&server, &d, "ho-so.pdf", &drafted, true).await,
        "draft's",
    );
    let a = raw(
        &server.base,
        Method::DELETE,
        &d.path(""),
        None,
        Vec::new(),
        Some(&d.token),
    )
    .await;
    ok(a, "delete the draft");
    server.kill();

    {
        use tinnhiem_server::store::{SledStore, Store};
        let store = SledStore::open(&dir.path().join("store")).unwrap();
        let held = |id: &str, bytes: &[u8]| {
            store
                .get_setting(&format!("dossier/{id}/{}", hex(&sha(bytes))))
                .unwrap()
                .is_some()
        };
        assert!(!held(m.id(), &v1), "the replaced version's bytes");
        assert!(!held(m.id(), &gone), "a deleted file's bytes");
        assert!(!held(d.id(), &drafted), "a deleted draft's dossier bytes");
        assert!(held(m.id(), &v2), "the file the draft names");
    }
    let server = Server::start(dir.path()).await;
    let a = fetch(&server, &m, 0).await;
    assert_eq!(a.body.as_ref(), v2.as_slice(), "still served");
    assert_eq!(fetch(&server, &m, 1).await.status.as_u16(), 404);
}
