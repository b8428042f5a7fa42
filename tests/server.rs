//! The server through the real binary and the real HTTP API: every phase of
//! a meeting in order, every refusal with its status and code (and the log
//! unchanged after it), the disclosure rules of R11, a crash and restart on
//! the same store, the OpenAPI description and the security headers.

mod common;

use common::{
    assert_refused, check_receipt_signature, count_marks, input, login, marks, raw, Meeting,
    Server, TempDir, PASSWORD,
};
use hyper::Method;
use rand::rngs::OsRng;
use serde_json::json;
use tinnhiem_core::ballot::Choice;
use tinnhiem_core::credential::Credential;
use tinnhiem_core::elgamal::Ciphertext;
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{entry_hash, parse_line, Hex, Payload, Refused};
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_server::election::ElectionView;
use tinnhiem_tally::sim::Receipt;
use tinnhiem_tally::ElectionResult;

/// Asserts that the result's lines are the plaintext counts, with blank
/// entries as invalid (R5, R6).
fn assert_counts(result: &ElectionResult, ballots: &[Vec<Choice>]) {
    let counts = count_marks(ballots, result.candidates.len());
    assert_eq!(result.returned, ballots.len() as u64);
    for (line, want) in result.candidates.iter().zip(&counts) {
        assert_eq!(
            [line.high.count, line.confidence.count, line.low.count],
            *want,
            "{}",
            line.name
        );
        assert_eq!(line.valid, want.iter().sum::<u64>(), "{}", line.name);
        assert_eq!(
            line.invalid,
            ballots.len() as u64 - line.valid,
            "{}",
            line.name
        );
        assert_eq!(line.returned, ballots.len() as u64);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_phase_in_order_gives_a_verified_result_equal_to_the_marks() {
    let dir = TempDir::new("phases");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(3, 6, 2)).await;
    assert_eq!(m.created.trustee_codes.len(), 2);
    assert_eq!(m.created.candidate_codes.len(), 3);

    // Draft: the organizer edits, nothing is logged yet.
    let view = m.view().await;
    assert_eq!(view.phase, "draft");
    assert!(m.log().await.is_empty());
    let mut edited = input(3, 6, 2);
    edited.title = "Lấy phiếu tín nhiệm giữa nhiệm kỳ".into();
    m.client
        .send(Method::PUT, &m.base, Some(&edited), Some(&m.token))
        .await
        .expect("edit the draft");
    assert_eq!(m.view().await.title, edited.title);

    // Sealed: line 0 is the election as edited.
    m.seal().await;
    let view = m.view().await;
    assert_eq!((view.phase.as_str(), view.log_length), ("setup", 1));
    let lines = m.lines().await;
    match parse_line(&lines[0]).expect("line 0").payload {
        Payload::Election(b) => {
            assert_eq!(b.title, edited.title);
            assert_eq!(b.candidates.len(), 3);
            assert_eq!(b.summoned, 6);
        }
        other => panic!("line 0 is {other:?}"),
    }
    assert_eq!(
        hex(&entry_hash(&lines[0])),
        view.election_hash.clone().unwrap()
    );

    // Key ceremony (2 of 2: the smallest majority of 2): trustee keys,
    // dealings, shares_ok, then the election key.
    m.enroll_all().await;
    let view = m.view().await;
    assert!(view.election_key.is_some());
    assert!(view.trustee_keys.iter().all(Option::is_some));
    assert_eq!(view.threshold, 2);
    // election, 2 trustee keys, 2 dealings, 2 shares_ok, election key
    assert_eq!(view.log_length, 8);

    // Attendance, credentials, opening.
    m.quorum(5).await.expect("attendance");
    m.issue(5).await;
    assert_eq!(m.view().await.issued, 5);
    m.open().await.expect("open voting");
    assert_eq!(m.view().await.phase, "voting");

    // Voters: blank entries, a declared name (R4), one credential unused.
    let ballots = vec![
        marks(&["high", "confidence", "low"]),
        marks(&["high", "low", "low"]),
        marks(&["confidence", "none", "low"]),
        marks(&["low", "high", "none"]),
    ];
    let server_key = m.view().await.server_key.expect("server key");
    let mut receipts = Vec::new();
    for (i, b) in ballots.iter().enumerate() {
        let signed_by = (i == 1).then_some("Trần Thị B");
        let ballot = m.ballot(&m.credentials[i], b, signed_by).await;
        let receipt = m.cast(&ballot).await.expect("an honest ballot is accepted");
        check_receipt_signature(&receipt, &server_key);
        receipts.push(receipt);
    }
    let lines = m.lines().await;
    for r in &receipts {
        assert_eq!(hex(&entry_hash(&lines[r.seq as usize])), r.entry_hash);
    }
    let view = m.view().await;
    assert_eq!((view.returned, view.unused), (4, 1));

    // Close, decrypt, publish.
    m.close().await.expect("close voting");
    assert_eq!(m.view().await.phase, "closed");
    m.decrypt_all().await;
    assert!(m.view().await.decrypted_by.iter().all(|d| *d));
    let counts = m.decrypted_counts().await;
    assert_eq!(counts, count_marks(&ballots, 3));
    m.publish(counts).await.expect("publish the result");
    assert_eq!(m.view().await.phase, "done");

    // The inspector: the downloaded log verifies and gives the marks.
    let log = m.log().await;
    let outcome =
        tinnhiem_tally::verify_log(&log, &mut OsRng, &mut |_, _| {}).expect("the log verifies");
    assert_counts(&outcome.result, &ballots);
    assert_eq!(outcome.result.issued, 5);
    assert!(outcome.result.quorum.met);
    assert_eq!(outcome.result.refused, Refused::default());
    assert!(outcome.exclusions.is_empty());
    // The organizer's result is the verifier's.
    let served = m
        .result(Some(&m.token))
        .await
        .expect("the organizer reads the result");
    assert_eq!(served, outcome.result);
    // The signed head names the last line.
    let head: tinnhiem_server::election::SignedHead = m.get("/head", None).await.expect("head");
    let last = tinnhiem_tally::split_lines(&log).len() as u64 - 1;
    assert_eq!(head.seq, last);
    assert_eq!(head.head, outcome.result.log_head);
    check_receipt_signature(
        &Receipt {
            tracking: String::new(),
            seq: head.seq,
            entry_hash: head.head.clone(),
            head: head.head.clone(),
            head_signature: head.signature.clone(),
        },
        &server_key,
    );
    // The minutes, for the committee.
    let minutes = m
        .client
        .send(
            Method::GET,
            &m.path("/minutes"),
            None::<&()>,
            Some(&m.created.trustee_codes[1]),
        )
        .await
        .expect("the committee reads the minutes");
    let minutes = String::from_utf8_lossy(&minutes);
    assert!(minutes.contains("Nguyễn Văn A"));
    assert!(minutes.contains(&outcome.result.log_head));
    // Its policy allows its inline style sheet, by the hash of exactly the
    // text between <style> and </style> (so a browser applies it), and
    // nothing else.
    let a = raw(
        &server.base,
        Method::GET,
        &m.path("/minutes"),
        None,
        Vec::new(),
        Some(&m.created.trustee_codes[1]),
    )
    .await;
    assert_eq!(a.status.as_u16(), 200);
    let page = String::from_utf8_lossy(&a.body);
    let sheet = page
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .expect("the minutes have a style sheet")
        .0;
    assert_eq!(page.matches("<style").count(), 1);
    assert!(!page.contains(" style="), "no style attribute");
    let csp = a.headers["content-security-policy"].to_str().unwrap();
    use sha2::{Digest, Sha256};
    let hash = tinnhiem_server::minutes::base64(&Sha256::digest(sheet.as_bytes()));
    assert_eq!(
        csp,
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; \
             form-action 'none'; frame-ancestors 'none'"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_role_is_refused_and_changes_nothing() {
    let dir = TempDir::new("roles");
    let server = Server::start(dir.path()).await;
    let c = &server.client;

    assert_refused(
        login(c, "not the password").await,
        403,
        "forbidden",
        "login with a wrong password",
    );
    let draft = input(2, 3, 2);
    for bearer in [None, Some("AAAA-BBBB-CCCC-DDDD")] {
        assert_refused(
            c.send(Method::POST, "/api/elections", Some(&draft), bearer)
                .await,
            403,
            "forbidden",
            "create without an organizer session",
        );
    }

    let mut m = Meeting::create(c, &draft).await;
    let before: ElectionView = m.view().await;
    let mut edited = draft.clone();
    edited.title = "Đã sửa".into();
    let candidate_code = m.created.candidate_codes[0].clone();
    let trustee_code = m.created.trustee_codes[0].clone();
    for bearer in [
        None,
        Some("AAAA-BBBB-CCCC-DDDD"),
        Some(candidate_code.as_str()),
        Some(trustee_code.as_str()),
    ] {
        m.refused(
            "edit without an organizer session",
            403,
            "forbidden",
            c.send(Method::PUT, &m.base, Some(&edited), bearer),
        )
        .await;
        m.refused(
            "seal without an organizer session",
            403,
            "forbidden",
            m.post("/seal", &json!({}), bearer),
        )
        .await;
    }
    let after = m.view().await;
    assert_eq!(
        (after.phase.as_str(), after.title.as_str()),
        ("draft", before.title.as_str())
    );

    m.seal().await;
    // A key share with a wrong code, or with another member's code.
    m.refused(
        "a key share with a wrong enrollment code",
        403,
        "forbidden",
        m.post("/trustees", &m.key_share(0, "AAAA-BBBB-CCCC-DDDD"), None),
    )
    .await;
    let other = m.created.trustee_codes[1].clone();
    m.refused(
        "a key share with another member's code",
        403,
        "forbidden",
        m.post("/trustees", &m.key_share(0, &other), None),
    )
    .await;
    m.refused(
        "a key share with a candidate's code",
        403,
        "forbidden",
        m.post("/trustees", &m.key_share(0, &candidate_code), None),
    )
    .await;
    assert!(m.view().await.trustee_keys.iter().all(Option::is_none));

    // The result and the minutes without a code, or with a wrong one.
    for bearer in [None, Some("AAAA-BBBB-CCCC-DDDD")] {
        m.refused(
            "the result without a code",
            403,
            "forbidden",
            m.result(bearer),
        )
        .await;
        m.refused(
            "the minutes without a code",
            403,
            "forbidden",
            m.client
                .send(Method::GET, &m.path("/minutes"), None::<&()>, bearer),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_phase_is_refused_and_changes_nothing() {
    let dir = TempDir::new("phase");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 3, 2)).await;
    let draft = input(2, 3, 2);

    // Before the seal: no log, no statements.
    m.refused(
        "attendance before the seal",
        409,
        "phase",
        m.post(
            "/quorum",
            &json!({"present": 3, "signer": 0, "signature": hex(&[0; 64])}),
            None,
        ),
    )
    .await;
    m.seal().await;
    m.refused(
        "edit after the seal",
        409,
        "phase",
        m.client
            .send(Method::PUT, &m.base, Some(&draft), Some(&m.token)),
    )
    .await;
    m.refused(
        "seal twice",
        409,
        "phase",
        m.post("/seal", &json!({}), Some(&m.token)),
    )
    .await;
    m.refused("open before the key ceremony", 409, "phase", m.open())
        .await;

    m.enroll_all().await;
    // A member's own share sent again is in the log already: a success
    // that adds nothing. Another key for the slot is refused.
    let before = m.log().await;
    m.post(
        "/trustees",
        &m.key_share(0, &m.created.trustee_codes[0]),
        None,
    )
    .await
    .expect("the member's own share again");
    assert!(
        m.log().await == before,
        "a share sent again changed the log"
    );
    let other = TrusteeKey::generate(&mut OsRng).key_share(&m.election_hash, 0, &mut OsRng);
    m.refused(
        "a key share after the key ceremony",
        409,
        "phase",
        m.post(
            "/trustees",
            &json!({
                "trustee": 0,
                "key": hex(other.key.as_bytes()),
                "proof": hex(&other.proof.to_bytes()),
                "code": m.created.trustee_codes[0],
            }),
            None,
        ),
    )
    .await;
    m.quorum(3).await.expect("attendance");
    m.issue(3).await;

    let early = m
        .ballot(&m.credentials[0], &marks(&["high", "low"]), None)
        .await;
    m.refused("a ballot before the opening", 409, "phase", m.cast(&early))
        .await;
    m.refused(
        "totals before the close",
        409,
        "phase",
        m.get::<serde_json::Value>("/totals", None),
    )
    .await;
    m.refused("close before the opening", 409, "phase", m.close())
        .await;

    m.open().await.expect("open voting");
    m.refused("open twice", 409, "phase", m.open()).await;
    m.refused("attendance after the opening", 409, "phase", m.quorum(3))
        .await;
    let zeros = vec![Ciphertext::zero(); 6];
    m.refused(
        "a partial decryption before the close",
        409,
        "phase",
        m.post("/decryptions", &m.decryption(0, &zeros), None),
    )
    .await;
    m.refused(
        "a result before the close",
        409,
        "phase",
        m.publish(vec![[0; 3]; 2]),
    )
    .await;

    // The early ballot was refused, not kept: the same ballot counts now.
    m.cast(&early)
        .await
        .expect("the ballot refused before the opening is accepted once open");
    m.close().await.expect("close voting");
    let late = m
        .ballot(&m.credentials[1], &marks(&["high", "high"]), None)
        .await;
    m.refused("a ballot after the close", 409, "phase", m.cast(&late))
        .await;
    m.refused("close twice", 409, "phase", m.close()).await;

    let outcome = m.finish_after_close().await;
    assert_eq!(outcome.result.returned, 1);
    m.refused("a ballot after the result", 409, "phase", m.cast(&late))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn open_without_the_quorum_is_refused_r2() {
    let dir = TempDir::new("quorum");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 9, 2)).await;
    m.seal().await;
    m.enroll_all().await;
    m.refused("open without attendance", 409, "quorum", m.open())
        .await;
    // 5 of 9: 15 < 18.
    m.quorum(5).await.expect("attendance");
    m.issue(5).await;
    m.refused("open with 5 of 9 present", 409, "quorum", m.open())
        .await;
    assert_eq!(m.view().await.phase, "setup");
    // More present than summoned is not attendance.
    m.refused("10 present of 9 summoned", 422, "rejected", m.quorum(10))
        .await;
    // 6 of 9 is exactly two thirds.
    m.quorum(6).await.expect("a corrected attendance");
    m.open().await.expect("open with 6 of 9 present");
}

#[tokio::test(flavor = "multi_thread")]
async fn candidate_excluded_by_r9_is_refused_at_creation() {
    let dir = TempDir::new("r9");
    let server = Server::start(dir.path()).await;
    let token = login(&server.client, PASSWORD).await.expect("login");
    for (retiring, appointed) in [(true, false), (false, true)] {
        let mut e = input(3, 6, 2);
        e.candidates[1].retiring = retiring;
        e.candidates[1].appointed_this_year = appointed;
        let r = server
            .client
            .send(Method::POST, "/api/elections", Some(&e), Some(&token))
            .await;
        match &r {
            Err(tinnhiem::client::ClientError::Refused { message, .. }) => {
                assert!(
                    message.contains("Người thứ 2"),
                    "the message names the candidate: {message}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_refused(r, 422, "excluded_r9", "an R9 exclusion");
    }
    // An edit may not bring one in either.
    let m = Meeting::create(&server.client, &input(3, 6, 2)).await;
    let mut e = input(3, 6, 2);
    e.candidates[2].retiring = true;
    m.refused(
        "an edit adding an R9 exclusion",
        422,
        "excluded_r9",
        m.client
            .send(Method::PUT, &m.base, Some(&e), Some(&m.token)),
    )
    .await;
    assert!(!m.view().await.candidates.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_and_repeated_ballots_are_refused_and_a_resent_ballot_is_counted_once() {
    let dir = TempDir::new("ballots");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 4, 2)).await;
    m.prepare(4, 4).await;

    let honest = m
        .ballot(&m.credentials[0], &marks(&["high", "low"]), None)
        .await;
    let first = m.cast(&honest).await.expect("an honest ballot");
    let log = m.log().await;
    // Sent again (a lost answer): the same receipt, nothing added.
    let again = m.cast(&honest).await.expect("the same ballot again");
    assert_eq!(
        (&again.tracking, again.seq, &again.entry_hash),
        (&first.tracking, first.seq, &first.entry_hash)
    );
    assert!(m.log().await == log, "a resent ballot changed the log");
    assert_eq!(m.view().await.returned, 1);

    let forged_credential = Credential::generate(&mut OsRng);
    let forged = m
        .ballot(&forged_credential, &marks(&["high", "high"]), None)
        .await;
    m.refused("a forged ballot", 403, "forged", m.cast(&forged))
        .await;
    let repeated = m
        .ballot(&m.credentials[0], &marks(&["low", "low"]), None)
        .await;
    m.refused("a repeated ballot", 409, "repeated", m.cast(&repeated))
        .await;
    // A ballot whose signature was made for other content.
    let mut tampered = m
        .ballot(&m.credentials[1], &marks(&["high", "high"]), None)
        .await;
    tampered.answers.swap(0, 1);
    m.refused(
        "a tampered ballot",
        422,
        "invalid_ballot",
        m.cast(&tampered),
    )
    .await;
    let view = m.view().await;
    assert_eq!(view.returned, 1);
    assert_eq!(
        view.refused,
        Refused {
            forged: 1,
            repeated: 1
        }
    );

    let second = m
        .ballot(&m.credentials[1], &marks(&["confidence", "none"]), None)
        .await;
    m.cast(&second).await.expect("another honest ballot");
    let outcome = m.finish().await;
    assert_counts(
        &outcome.result,
        &[marks(&["high", "low"]), marks(&["confidence", "none"])],
    );
    assert_eq!(
        outcome.result.refused,
        Refused {
            forged: 1,
            repeated: 1
        }
    );
    assert_eq!(outcome.result.excluded, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_mistyped_and_oversized_bodies_are_refused_and_change_nothing() {
    let dir = TempDir::new("bodies");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 3, 2)).await;
    m.prepare(3, 3).await;
    let ballot = m
        .ballot(&m.credentials[0], &marks(&["high", "low"]), None)
        .await;
    let good = serde_json::to_vec(&ballot).expect("ballot JSON");
    let ballots = m.path("/ballots");

    // What is sent, its content type and body, and the status and code.
    type Case = (
        &'static str,
        Option<&'static str>,
        Vec<u8>,
        u16,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "not JSON",
            Some("application/json"),
            b"{\"credential\": ".to_vec(),
            400,
            "malformed",
        ),
        (
            "JSON of another shape",
            Some("application/json"),
            b"{\"hello\": 1}".to_vec(),
            400,
            "malformed",
        ),
        (
            "an empty body",
            Some("application/json"),
            Vec::new(),
            400,
            "malformed",
        ),
        (
            "a ballot as text/plain",
            Some("text/plain"),
            good.clone(),
            415,
            "content_type",
        ),
        (
            "a ballot without a content type",
            None,
            good.clone(),
            415,
            "content_type",
        ),
        (
            "a ballot as a form",
            Some("application/x-www-form-urlencoded"),
            good.clone(),
            415,
            "content_type",
        ),
    ];
    for (what, ct, body, status, code) in cases {
        let before = m.log().await;
        let a = raw(&server.base, Method::POST, &ballots, ct, body, None).await;
        assert_eq!(
            (a.status.as_u16(), a.code().as_deref()),
            (status, Some(code)),
            "{what}: {}",
            a.text()
        );
        assert!(m.log().await == before, "{what}: the log changed");
    }

    // Over 1 MiB: refused before it is read.
    let mut big = b"{\"credential\": \"".to_vec();
    big.resize(1024 * 1024 + 1, b'a');
    for path in [
        ballots.clone(),
        m.path("/quorum"),
        "/api/elections".to_owned(),
    ] {
        let before = m.log().await;
        let a = raw(
            &server.base,
            Method::POST,
            &path,
            Some("application/json"),
            big.clone(),
            Some(&m.token),
        )
        .await;
        assert_eq!(
            a.status.as_u16(),
            413,
            "an oversized body to {path}: {}",
            a.text()
        );
        assert_eq!(
            a.code().as_deref(),
            Some("too_large"),
            "an oversized body to {path}: {}",
            a.text()
        );
        assert!(
            m.log().await == before,
            "an oversized body to {path}: the log changed"
        );
    }
    // Malformed statements and a malformed creation.
    for (path, body) in [
        (
            m.path("/quorum"),
            json!({"present": "many", "signer": 0, "signature": "00"}),
        ),
        (
            m.path("/close"),
            json!({"signer": 0, "signature": "not hex"}),
        ),
        (
            m.path("/result"),
            json!({"counts": [[1, 2]], "signer": 0, "signature": hex(&[0; 64])}),
        ),
        (
            "/api/elections".to_owned(),
            json!({"title": "no candidates"}),
        ),
    ] {
        let before = m.log().await;
        let a = raw(
            &server.base,
            Method::POST,
            &path,
            Some("application/json"),
            body.to_string().into_bytes(),
            Some(&m.token),
        )
        .await;
        assert_eq!(
            (a.status.as_u16(), a.code().as_deref()),
            (400, Some("malformed")),
            "{path}: {}",
            a.text()
        );
        assert!(m.log().await == before, "{path}: the log changed");
    }
    // Nothing was stored: the ballot still counts once.
    m.cast(&ballot).await.expect("the well-formed ballot");
    assert_eq!(m.view().await.returned, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_committee_signatures_and_a_wrong_result_are_refused() {
    let dir = TempDir::new("statements");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 3, 2)).await;
    m.seal().await;
    m.enroll_all().await;

    // Signed by someone outside the committee, or for other content.
    let outsider = TrusteeKey::generate(&mut OsRng);
    let mut q = m.quorum_body(3).await;
    let (context, message, _, _) = Payload::Quorum(q.clone())
        .statement(&m.election_hash, &m.anchor().await)
        .expect("statement");
    q.signature = Hex(outsider.sign(context, &message, &mut OsRng).to_bytes());
    m.refused(
        "attendance signed by an outsider",
        422,
        "rejected",
        m.post("/quorum", &q, None),
    )
    .await;
    let mut q = m.quorum_body(3).await;
    q.present = 2;
    m.refused(
        "attendance changed after signing",
        422,
        "rejected",
        m.post("/quorum", &q, None),
    )
    .await;
    let mut q = m.quorum_body(3).await;
    q.signer = 1;
    m.refused(
        "attendance under another member's name",
        422,
        "rejected",
        m.post("/quorum", &q, None),
    )
    .await;
    let mut q = m.quorum_body(3).await;
    q.signer = 7;
    m.refused(
        "attendance by a member who does not exist",
        422,
        "rejected",
        m.post("/quorum", &q, None),
    )
    .await;
    m.quorum(3).await.expect("attendance");
    m.issue(3).await;
    let mut open = m.open_body().await;
    open.signature.0[5] ^= 1;
    m.refused(
        "an opening with a damaged signature",
        422,
        "rejected",
        m.post("/open", &open, None),
    )
    .await;
    m.open().await.expect("open voting");
    let marked = vec![marks(&["high", "low"]), marks(&["low", "low"])];
    for (i, b) in marked.iter().enumerate() {
        let ballot = m.ballot(&m.credentials[i], b, None).await;
        m.cast(&ballot).await.expect("an honest ballot");
    }
    let close = json!({"signer": 1, "signature": m.close_body().await["signature"]});
    m.refused(
        "a close signed by member 0 sent as member 1",
        422,
        "rejected",
        m.post("/close", &close, None),
    )
    .await;
    m.close().await.expect("close voting");

    // A partial decryption made with the wrong key.
    let mut wrong = m.member_decryption(0).await;
    wrong.trustee = 1;
    m.refused(
        "member 0's decryption sent as member 1's",
        422,
        "bad_decryption",
        m.post("/decryptions", &wrong, None),
    )
    .await;
    m.decrypt(0).await.expect("member 0 decrypts");
    m.refused(
        "a result before every decryption (2 of 2)",
        409,
        "decryptions_needed",
        m.publish(count_marks(&marked, 2)),
    )
    .await;
    m.decrypt(1).await.expect("member 1 decrypts");

    // A result that is not the decryption, though properly signed.
    let right = m.decrypted_counts().await;
    assert_eq!(right, count_marks(&marked, 2));
    let mut wrong = right.clone();
    wrong[1] = [1, 0, 1];
    m.refused(
        "a result whose counts differ from the decryption",
        422,
        "rejected",
        m.publish(wrong),
    )
    .await;
    m.refused(
        "a result with a candidate missing",
        422,
        "rejected",
        m.publish(right[..1].to_vec()),
    )
    .await;
    let mut forged = m.result_body(right.clone()).await;
    forged.counts[0] = [0, 0, 2];
    m.refused(
        "a result changed after signing",
        422,
        "rejected",
        m.post("/result", &forged, None),
    )
    .await;
    m.publish(right).await.expect("the right result");
    let log = m.log().await;
    let outcome = tinnhiem_tally::verify_log(&log, &mut OsRng, &mut |_, _| {}).expect("verifies");
    assert_counts(&outcome.result, &marked);
    m.refused(
        "a second result",
        409,
        "phase",
        m.publish(count_marks(&marked, 2)),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn results_reach_only_those_r11_allows() {
    let dir = TempDir::new("r11");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(3, 4, 2)).await;
    m.prepare(4, 4).await;
    let marked = vec![
        marks(&["high", "low", "confidence"]),
        marks(&["low", "low", "high"]),
    ];
    for (i, b) in marked.iter().enumerate() {
        let ballot = m.ballot(&m.credentials[i], b, None).await;
        m.cast(&ballot).await.expect("an honest ballot");
    }
    // Before the result: nobody reads one.
    let sign_access = |c: &Credential, hash: &[u8; 32]| {
        let key = c.secret_key(m.id());
        json!({
            "credential": hex(key.public().as_bytes()),
            "signature": hex(&key.sign(tinnhiem_server::election::RESULT_ACCESS_CONTEXT, hash, &mut OsRng).to_bytes()),
        })
    };
    let voter = sign_access(&m.credentials[0], &m.election_hash);
    m.refused(
        "a voter before the result",
        409,
        "phase",
        m.post("/result/voter", &voter, None),
    )
    .await;
    let organizer = m.token.clone();
    m.refused(
        "the organizer before the result",
        409,
        "phase",
        m.result(Some(&organizer)),
    )
    .await;

    let outcome = m.finish().await;
    let full = outcome.result;
    assert_counts(&full, &marked);

    // The organizer and every committee member see every line.
    assert_eq!(m.result(Some(&m.token)).await.expect("organizer"), full);
    for code in &m.created.trustee_codes {
        assert_eq!(m.result(Some(code)).await.expect("committee"), full);
    }
    // Each candidate sees his or her own line only (codes are read
    // whatever their case and dashes).
    for (i, code) in m.created.candidate_codes.iter().enumerate() {
        let own = m.result(Some(code)).await.expect("candidate");
        assert_eq!(
            own.candidates,
            vec![full.candidates[i].clone()],
            "candidate {i}"
        );
        let loose = code.replace('-', "").to_lowercase();
        assert_eq!(
            m.result(Some(&loose)).await.expect("candidate").candidates,
            own.candidates
        );
        m.refused(
            "the minutes for a candidate",
            403,
            "forbidden",
            m.client
                .send(Method::GET, &m.path("/minutes"), None::<&()>, Some(code)),
        )
        .await;
    }
    m.refused(
        "the result without a code",
        403,
        "forbidden",
        m.result(None),
    )
    .await;
    m.refused(
        "the result with a wrong code",
        403,
        "forbidden",
        m.result(Some("AAAA-BBBB-CCCC-DDDD")),
    )
    .await;

    // A voter who voted, through the credential.
    for c in &m.credentials[..2] {
        let r: ElectionResult = serde_json::from_slice(
            &m.post("/result/voter", &sign_access(c, &m.election_hash), None)
                .await
                .expect("a voter who voted"),
        )
        .expect("a result");
        assert_eq!(r, full);
    }
    // A credential that did not vote, one never issued, a signature on
    // something else, another voter's signature.
    m.refused(
        "a credential that did not vote",
        403,
        "forbidden",
        m.post(
            "/result/voter",
            &sign_access(&m.credentials[2], &m.election_hash),
            None,
        ),
    )
    .await;
    m.refused(
        "a credential never issued",
        403,
        "forbidden",
        m.post(
            "/result/voter",
            &sign_access(&Credential::generate(&mut OsRng), &m.election_hash),
            None,
        ),
    )
    .await;
    m.refused(
        "a voter's signature on something else",
        403,
        "forbidden",
        m.post(
            "/result/voter",
            &sign_access(&m.credentials[0], &[7; 32]),
            None,
        ),
    )
    .await;
    let mut borrowed = sign_access(&m.credentials[1], &m.election_hash);
    borrowed["credential"] = sign_access(&m.credentials[0], &m.election_hash)["credential"].clone();
    m.refused(
        "another voter's signature",
        403,
        "forbidden",
        m.post("/result/voter", &borrowed, None),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_server_restarts_with_every_election_and_acknowledged_ballot() {
    let dir = TempDir::new("restart");
    let mut server = Server::start(dir.path()).await;

    // A draft, a sealed meeting in set-up, and a meeting with ballots.
    let draft = Meeting::create(&server.client, &input(2, 3, 1)).await;
    let mut setup = Meeting::create(&server.client, &input(1, 3, 1)).await;
    setup.seal().await;
    let mut m = Meeting::create(&server.client, &input(2, 6, 2)).await;
    m.prepare(6, 6).await;
    let ballots = vec![
        marks(&["high", "low"]),
        marks(&["low", "low"]),
        marks(&["confidence", "none"]),
        marks(&["high", "high"]),
        marks(&["low", "confidence"]),
    ];
    let mut receipts: Vec<Receipt> = Vec::new();
    // Three ballots at once, then one more.
    let mut tasks = Vec::new();
    for (i, b) in ballots[..3].iter().enumerate() {
        let ballot = m.ballot(&m.credentials[i], b, None).await;
        let client = m.client.clone();
        let path = m.path("/ballots");
        tasks.push(tokio::spawn(async move {
            client
                .call::<Receipt>(Method::POST, &path, Some(&ballot), None)
                .await
        }));
    }
    for t in tasks {
        receipts.push(t.await.expect("task").expect("an honest ballot"));
    }
    let fourth = m
        .ballot(&m.credentials[3], &ballots[3], Some("Lê Văn C"))
        .await;
    receipts.push(m.cast(&fourth).await.expect("an honest ballot"));
    let forged = m
        .ballot(&Credential::generate(&mut OsRng), &ballots[0], None)
        .await;
    assert_refused(m.cast(&forged).await, 403, "forged", "a forged ballot");
    let views_before: Vec<ElectionView> =
        vec![draft.view().await, setup.view().await, m.view().await];
    let log_before = m.log().await;

    // Crash: no graceful shutdown, no final flush.
    server.kill();
    let server = Server::start_with(dir.path(), None).await;
    let c = server.client.clone();
    // The organizer's password survives (only its hash is stored); the old
    // session does not.
    let token = login(&c, PASSWORD)
        .await
        .expect("the same password after the restart");
    assert_refused(
        c.send(
            Method::PUT,
            &draft.base,
            Some(&input(2, 3, 1)),
            Some(&m.token),
        )
        .await,
        403,
        "forbidden",
        "a session from before the restart",
    );
    let (mut draft, mut setup) = (draft, setup);
    for meeting in [&mut draft, &mut setup, &mut m] {
        meeting.client = c.clone();
        meeting.token = token.clone();
    }
    for (before, meeting) in views_before.iter().zip([&draft, &setup, &m]) {
        let after = meeting.view().await;
        assert_eq!(
            serde_json::to_value(&after).unwrap(),
            serde_json::to_value(before).unwrap(),
            "election {} after the restart",
            meeting.id()
        );
    }
    let lines = m.lines().await;
    for r in &receipts {
        let line = &lines[r.seq as usize];
        assert_eq!(
            hex(&entry_hash(line)),
            r.entry_hash,
            "the ballot at {}",
            r.seq
        );
        assert!(matches!(
            parse_line(line).expect("line").payload,
            Payload::Ballot(_)
        ));
        let found: Receipt = m
            .get(&format!("/tracking/{}", r.tracking), None)
            .await
            .expect("tracking");
        assert_eq!((found.seq, &found.entry_hash), (r.seq, &r.entry_hash));
    }
    assert!(
        m.log().await == log_before,
        "the log changed across the restart"
    );

    // The meeting goes on with the new server: a resent ballot gets its old
    // receipt, a used credential is still used, the others still vote.
    let again = m
        .cast(&fourth)
        .await
        .expect("a ballot resent after the restart");
    assert_eq!(
        (again.seq, &again.entry_hash),
        (receipts[3].seq, &receipts[3].entry_hash)
    );
    let repeated = m.ballot(&m.credentials[0], &ballots[1], None).await;
    m.refused(
        "a repeated ballot after the restart",
        409,
        "repeated",
        m.cast(&repeated),
    )
    .await;
    let fifth = m.ballot(&m.credentials[4], &ballots[4], None).await;
    m.cast(&fifth)
        .await
        .expect("an honest ballot after the restart");
    let outcome = m.finish().await;
    assert_counts(&outcome.result, &ballots);
    assert_eq!(
        outcome.result.refused,
        Refused {
            forged: 1,
            repeated: 1
        },
        "what the server refused, before and after the restart"
    );
    // The draft and the sealed meeting go on too.
    draft
        .client
        .send(
            Method::PUT,
            &draft.base,
            Some(&input(2, 3, 1)),
            Some(&draft.token),
        )
        .await
        .expect("edit the draft after the restart");
    draft.seal().await;
    setup.read_hash().await;
    setup.enroll_all().await;
    assert!(setup.view().await.election_key.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_lists_the_paths_and_every_answer_carries_security_headers() {
    let dir = TempDir::new("openapi");
    let server = Server::start(dir.path()).await;
    let a = raw(
        &server.base,
        Method::GET,
        "/api/openapi.json",
        None,
        Vec::new(),
        None,
    )
    .await;
    assert_eq!(a.status.as_u16(), 200);
    let doc: serde_json::Value = serde_json::from_slice(&a.body).expect("the description is JSON");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/api/login",
        "/api/elections",
        "/api/elections/{id}",
        "/api/elections/{id}/seal",
        "/api/elections/{id}/trustees",
        "/api/elections/{id}/dealings",
        "/api/elections/{id}/complaints",
        "/api/elections/{id}/shares_ok",
        "/api/elections/{id}/quorum",
        "/api/elections/{id}/credentials",
        "/api/elections/{id}/cancel",
        "/api/elections/{id}/open",
        "/api/elections/{id}/close",
        "/api/elections/{id}/ballots",
        "/api/elections/{id}/log",
        "/api/elections/{id}/head",
        "/api/elections/{id}/tracking/{code}",
        "/api/elections/{id}/audits",
        "/api/elections/{id}/audits/{seal}",
        "/api/elections/{id}/totals",
        "/api/elections/{id}/decryptions",
        "/api/elections/{id}/result",
        "/api/elections/{id}/result/voter",
        "/api/elections/{id}/minutes",
    ] {
        assert!(paths.contains_key(p), "the description lists {p}");
    }
    assert!(paths["/api/elections/{id}"].get("put").is_some());
    assert!(paths["/api/elections/{id}"].get("delete").is_some());
    assert!(paths["/api/elections"].get("get").is_some());
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["ElectionRequest"]["properties"]["threshold"].is_object());
    for field in ["threshold", "ceremony", "decryptions_needed", "cancelled"] {
        assert!(
            schemas["ElectionView"]["properties"][field].is_object(),
            "the view documents {field}"
        );
    }
    assert!(paths["/api/elections/{id}/result"].get("post").is_some());
    // The voter's audit (PROTOCOL.md §5.6): every refusal it can answer.
    let audits = &paths["/api/elections/{id}/audits"]["post"]["responses"];
    for status in ["200", "403", "409", "422", "429"] {
        assert!(
            audits[status].is_object(),
            "POST /audits documents {status}"
        );
    }
    for field in ["audit", "credential", "signature"] {
        assert!(
            schemas["AuditRequest"]["properties"][field].is_object(),
            "the audit request documents {field}"
        );
    }
    assert!(paths["/api/elections/{id}/audits/{seal}"]["get"]["responses"]["404"].is_object());

    let m = Meeting::create(&server.client, &input(1, 3, 1)).await;
    let mut big = vec![b' '; 2 * 1024 * 1024];
    big[0] = b'{';
    let answers = vec![
        ("the description", a),
        (
            "a view",
            raw(&server.base, Method::GET, &m.base, None, Vec::new(), None).await,
        ),
        (
            "an empty log",
            raw(
                &server.base,
                Method::GET,
                &m.path("/log"),
                None,
                Vec::new(),
                None,
            )
            .await,
        ),
        (
            "an unknown page",
            raw(
                &server.base,
                Method::GET,
                "/nowhere",
                None,
                Vec::new(),
                None,
            )
            .await,
        ),
        (
            "an unknown election",
            raw(
                &server.base,
                Method::GET,
                "/api/elections/nope",
                None,
                Vec::new(),
                None,
            )
            .await,
        ),
        (
            "a refusal",
            raw(
                &server.base,
                Method::POST,
                "/api/login",
                Some("application/json"),
                b"{\"password\":\"x\"}".to_vec(),
                None,
            )
            .await,
        ),
        (
            "an oversized body",
            raw(
                &server.base,
                Method::POST,
                &m.path("/ballots"),
                Some("application/json"),
                big,
                None,
            )
            .await,
        ),
        (
            "a wrong method",
            raw(&server.base, Method::PATCH, &m.base, None, Vec::new(), None).await,
        ),
    ];
    for (what, a) in &answers {
        let h = |name: &str| {
            a.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let csp = h("content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{what}: CSP {csp:?}");
        assert!(
            csp.contains("frame-ancestors 'none'"),
            "{what}: CSP {csp:?}"
        );
        assert!(csp.contains("object-src 'none'"), "{what}: CSP {csp:?}");
        assert_eq!(h("x-frame-options"), "DENY", "{what}");
        assert_eq!(h("referrer-policy"), "no-referrer", "{what}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
        // The public log may be kept and revalidated with its ETag; nothing
        // else may be stored.
        let cache = if *what == "an empty log" {
            "no-cache"
        } else {
            "no-store"
        };
        assert_eq!(h("cache-control"), cache, "{what}");
    }
    // Every refusal is a JSON error with both languages.
    for (what, a) in &answers[3..] {
        let body: serde_json::Value = serde_json::from_slice(&a.body).unwrap_or_else(|_| {
            panic!("{what}: a JSON error body, got {:?} {}", a.status, a.text())
        });
        assert!(body["error"].is_string(), "{what}: {body}");
        assert!(
            body["message"].is_string() && body["message_en"].is_string(),
            "{what}: {body}"
        );
    }
    assert_eq!(answers[3].1.status.as_u16(), 404);
    assert_eq!(answers[4].1.code().as_deref(), Some("not_found"));
    assert_eq!(answers[6].1.status.as_u16(), 413);
    assert_eq!(answers[7].1.status.as_u16(), 405);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tracking_code_finds_its_cast_ballot() {
    let dir = TempDir::new("tracking");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 3, 1)).await;
    m.prepare(3, 3).await;
    let mut receipts = Vec::new();
    for (i, b) in [marks(&["high", "low"]), marks(&["none", "confidence"])]
        .iter()
        .enumerate()
    {
        let ballot = m.ballot(&m.credentials[i], b, None).await;
        receipts.push(m.cast(&ballot).await.expect("an honest ballot"));
    }
    assert_ne!(receipts[0].tracking, receipts[1].tracking);
    let lines = m.lines().await;
    for r in &receipts {
        assert!(!r.tracking.is_empty());
        for code in [r.tracking.clone(), r.tracking.to_lowercase()] {
            let found: Receipt = m
                .get(&format!("/tracking/{code}"), None)
                .await
                .expect("the code is found");
            assert_eq!(
                (&found.tracking, found.seq, &found.entry_hash),
                (&r.tracking, r.seq, &r.entry_hash)
            );
        }
        // The line it names is the ballot, as downloaded.
        assert_eq!(hex(&entry_hash(&lines[r.seq as usize])), r.entry_hash);
        assert!(matches!(
            parse_line(&lines[r.seq as usize]).expect("line").payload,
            Payload::Ballot(_)
        ));
    }
    let unknown = format!("/tracking/{}", "Z".repeat(receipts[0].tracking.len()));
    assert_refused(
        m.get::<Receipt>(&unknown, None).await,
        404,
        "not_found",
        "an unknown tracking code",
    );
    // A refused ballot has no tracking code.
    let forged = m
        .ballot(
            &Credential::generate(&mut OsRng),
            &marks(&["high", "high"]),
            None,
        )
        .await;
    assert_refused(m.cast(&forged).await, 403, "forged", "a forged ballot");
    let ctx = m.context().await;
    let code = tinnhiem_core::ballot::tracking_code(&forged.digest(&ctx));
    assert_refused(
        m.get::<Receipt>(&format!("/tracking/{code}"), None).await,
        404,
        "not_found",
        "a refused ballot's code",
    );
}

/// R5: a voter's phone asks whether its credential was issued and has voted
/// before showing the ballot; the answer follows the log.
#[tokio::test(flavor = "multi_thread")]
async fn credential_status_follows_the_log() {
    use tinnhiem_server::election::CredentialStatus;
    let dir = TempDir::new("credstatus");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 4, 1)).await;
    m.seal().await;
    m.enroll_all().await;
    m.quorum(3).await.expect("attendance");
    m.issue(2).await;
    m.open().await.expect("open voting");
    let status = |c: &Credential| format!("/credentials/{}", hex(c.public(m.id()).as_bytes()));
    let (first, second) = (m.credentials[0].clone(), m.credentials[1].clone());
    let forged = Credential::generate(&mut OsRng);

    let s: CredentialStatus = m.get(&status(&first), None).await.expect("status");
    assert_eq!((s.issued, s.voted, s.receipt), (true, false, None));
    let s: CredentialStatus = m.get(&status(&forged), None).await.expect("status");
    assert_eq!((s.issued, s.voted, s.receipt), (false, false, None));

    let receipt = m
        .cast(&m.ballot(&first, &marks(&["high", "low"]), None).await)
        .await
        .expect("cast");
    let s: CredentialStatus = m.get(&status(&first), None).await.expect("status");
    assert!(s.issued && s.voted);
    let again = s.receipt.expect("the receipt of the ballot in the log");
    assert_eq!(
        (again.seq, &again.entry_hash, &again.tracking),
        (receipt.seq, &receipt.entry_hash, &receipt.tracking)
    );
    let s: CredentialStatus = m.get(&status(&second), None).await.expect("status");
    assert_eq!((s.issued, s.voted), (true, false));

    // Not a credential: refused, typed; another election: not found.
    let log = m.log().await;
    for (path, want) in [
        (m.path("/credentials/zz"), 422),
        (m.path(&format!("/credentials/{}", "0".repeat(63))), 422),
        (
            format!(
                "/api/elections/nosuchelection/credentials/{}",
                hex(first.public(m.id()).as_bytes())
            ),
            404,
        ),
    ] {
        let a = raw(&server.base, Method::GET, &path, None, Vec::new(), None).await;
        assert_eq!(a.status.as_u16(), want, "{path}");
        assert!(a.code().is_some(), "a typed JSON error for {path}");
    }
    assert_eq!(m.log().await, log, "asking changes nothing");
}

/// The view's `timeline` (R12): the plan's deadlines from the meeting's
/// date in the built-in calendar, in the draft and in line 0 after the
/// seal; `complete` false in a year the calendar has no data for; none
/// for a date that does not parse.
#[tokio::test(flavor = "multi_thread")]
async fn the_view_carries_the_plans_deadlines_from_the_meeting_date() {
    use tinnhiem_server::election::TimelineView;
    let dir = TempDir::new("timeline");
    let server = Server::start(dir.path()).await;
    let mut inp = input(2, 4, 1);
    let mut m = Meeting::create(&server.client, &inp).await;
    // Thursday 20 November 2025: 31/10 (Fri), 5/11 (Wed), 10/11 (Mon),
    // 17/11 (Mon); seven working days after: Monday 1 December.
    let want = TimelineView {
        self_report: "2025-10-31".into(),
        dossier: "2025-11-05".into(),
        questions: "2025-11-10".into(),
        answers: "2025-11-17".into(),
        report_due: "2025-12-01".into(),
        complete: true,
    };
    assert_eq!(m.view().await.timeline.as_ref(), Some(&want), "draft");

    // Wednesday 6 May 2026, around weekends and the holidays: 20 days
    // before is Thursday 16 April; 15 before, Tuesday 21 April; 10 before
    // is Sunday 26 April (Giỗ Tổ), so back to Friday 24 April; 3 before is
    // Sunday 3 May, and Friday 1 May and Thursday 30 April are holidays,
    // so Wednesday 29 April. The report: Thu 7, Fri 8, Mon 11 ... Fri 15
    // May, the seventh working day.
    inp.date = "2026-05-06".into();
    m.client
        .send(Method::PUT, &m.base, Some(&inp), Some(&m.token))
        .await
        .expect("edit the draft's date");
    let tl = m.view().await.timeline.expect("a timeline");
    assert_eq!(
        [
            tl.self_report.as_str(),
            &tl.dossier,
            &tl.questions,
            &tl.answers,
            &tl.report_due
        ],
        [
            "2026-04-16",
            "2026-04-21",
            "2026-04-24",
            "2026-04-29",
            "2026-05-15"
        ]
    );
    assert!(tl.complete);

    // 2027 has no Tết or Giỗ Tổ data: the dates come from the rules alone.
    inp.date = "2027-11-18".into();
    m.client
        .send(Method::PUT, &m.base, Some(&inp), Some(&m.token))
        .await
        .expect("edit the draft's date");
    let tl = m.view().await.timeline.expect("a timeline");
    assert!(!tl.complete, "2027 is not in the built-in data: {tl:?}");

    // The server refuses such a date; a log made elsewhere may carry one.
    assert_eq!(
        tinnhiem_server::election::timeline_view("20/11/2025"),
        None,
        "a date that does not parse"
    );

    // Sealed: from line 0's date.
    inp.date = "2025-11-20".into();
    m.client
        .send(Method::PUT, &m.base, Some(&inp), Some(&m.token))
        .await
        .expect("edit the draft's date");
    m.seal().await;
    let v = m.view().await;
    assert_eq!(v.phase, "setup");
    assert_eq!(v.timeline, Some(want), "sealed");
}

// ---- The log route's ranges and tags (docs/INTERFACES.md, issue 10) ----

/// `GET {base}{path}` with an optional `If-None-Match`: status, headers, body.
async fn get_tagged(base: &str, path: &str, if_none_match: Option<&str>) -> common::Answer {
    use http_body_util::{BodyExt, Full};
    let http: hyper_util::client::legacy::Client<_, Full<axum::body::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let mut req = hyper::Request::builder()
        .method(Method::GET)
        .uri(format!("{base}{path}"));
    if let Some(t) = if_none_match {
        req = req.header("if-none-match", t);
    }
    let resp = http
        .request(req.body(Full::new(axum::body::Bytes::new())).unwrap())
        .await
        .expect("the server answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    common::Answer {
        status,
        headers,
        body,
    }
}

/// A range of the log is exactly those stored lines; `to` past the end is
/// clamped; without parameters the answer is the whole log as before; bad
/// numbers and `from` after `to` are 400 with a typed error.
#[tokio::test(flavor = "multi_thread")]
async fn the_log_route_serves_ranges_of_the_stored_lines() {
    let dir = TempDir::new("log-range");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 3, 2)).await;
    m.prepare(3, 3).await;
    let ballot = m
        .ballot(&m.credentials[0], &marks(&["high", "low"]), None)
        .await;
    m.cast(&ballot).await.expect("an honest ballot");
    let whole = m.log().await;
    let lines = m.lines().await;
    let n = lines.len();
    assert!(
        n >= 6,
        "election, 2 keys, election key, quorum, credentials, open, ballot"
    );
    let log_path = format!("/api/elections/{}/log", m.id());
    let joined = |a: usize, b: usize| -> Vec<u8> {
        lines[a..b]
            .iter()
            .flat_map(|l| l.iter().copied().chain([b'\n']))
            .collect()
    };
    // No parameters: the whole log, as today.
    let all = get_tagged(&server.base, &log_path, None).await;
    assert_eq!(all.status, 200);
    assert!(all.body == whole, "the whole log without parameters");
    for (q, a, b) in [
        ("?from=0&to=1", 0, 1),
        ("?to=1", 0, 1),
        ("?from=1&to=3", 1, 3),
        ("?from=2", 2, n),
        (&format!("?from={}&to={}", n - 1, n) as &str, n - 1, n),
        (&format!("?from=3&to={}", n + 50) as &str, 3, n),
        (&format!("?from={n}") as &str, n, n),
        ("?from=2&to=2", 2, 2),
        ("?from=0&to=1&_=12345", 0, 1),
    ] {
        let r = get_tagged(&server.base, &format!("{log_path}{q}"), None).await;
        assert_eq!(r.status, 200, "{q}");
        assert!(
            r.body.to_vec() == joined(a, b),
            "{q}: lines {a}..{b} expected, got {} bytes",
            r.body.len()
        );
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/jsonl; charset=utf-8"
        );
        assert_eq!(r.headers.get("etag"), all.headers.get("etag"), "{q}");
    }
    for q in [
        "?from=3&to=2",
        "?from=x",
        "?to=-1",
        "?from=",
        "?from=1.5",
        "?from=99999999999999999999999",
        "?from=1&from=2",
    ] {
        let r = get_tagged(&server.base, &format!("{log_path}{q}"), None).await;
        assert_eq!(r.status, 400, "{q}: {}", r.text());
        assert_eq!(r.code().as_deref(), Some("malformed"), "{q}");
    }
    // The OpenAPI description names both parameters.
    let api = get_tagged(&server.base, "/api/openapi.json", None).await;
    let api: serde_json::Value = serde_json::from_slice(&api.body).unwrap();
    let params = api["paths"]["/api/elections/{id}/log"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    for want in ["from", "to"] {
        assert!(params.iter().any(|p| p == want), "{want} in {params:?}");
    }
}

/// The log's `ETag` names its line count and head; `If-None-Match` with it
/// is a 304 without a body until a line is appended, then a 200 again.
#[tokio::test(flavor = "multi_thread")]
async fn the_log_route_answers_304_to_the_current_tag() {
    let dir = TempDir::new("log-etag");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 3, 1)).await;
    m.prepare(3, 3).await;
    let log_path = format!("/api/elections/{}/log", m.id());
    let first = get_tagged(&server.base, &log_path, None).await;
    // A tag is only of use if the browser may keep the answer and ask again
    // with it: `no-cache` (revalidate every time), not `no-store`.
    assert_eq!(
        first
            .headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap(),
        "no-cache"
    );
    let tag = first
        .headers
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_owned();
    let lines = m.lines().await;
    let head = hex(&entry_hash(lines.last().unwrap()));
    assert!(
        tag.contains(&head) && tag.contains(&lines.len().to_string()),
        "{tag} names the head {head} and {} lines",
        lines.len()
    );
    for (path, sent) in [
        (log_path.clone(), tag.clone()),
        (format!("{log_path}?from=0&to=1"), tag.clone()),
        (log_path.clone(), format!("\"other\", {tag}")),
        (log_path.clone(), tag.trim_start_matches("W/").to_owned()),
    ] {
        let r = get_tagged(&server.base, &path, Some(&sent)).await;
        assert_eq!(r.status, 304, "{path} with {sent}");
        assert!(r.body.is_empty());
        assert_eq!(r.headers.get("etag").unwrap().to_str().unwrap(), tag);
    }
    let other = get_tagged(&server.base, &log_path, Some("W/\"1-00\"")).await;
    assert_eq!(other.status, 200);
    assert_eq!(other.body, first.body);
    // A ballot appended: the old tag no longer matches.
    let ballot = m
        .ballot(&m.credentials[0], &marks(&["high", "low"]), None)
        .await;
    m.cast(&ballot).await.expect("an honest ballot");
    let after = get_tagged(&server.base, &log_path, Some(&tag)).await;
    assert_eq!(after.status, 200);
    assert_eq!(after.body, m.log().await);
    assert_ne!(after.headers.get("etag").unwrap().to_str().unwrap(), tag);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replayed_committee_statement_is_refused_and_changes_nothing() {
    // Issue 10, item 3: the committee records 9 present, then corrects it to
    // 7; anyone re-posting the first body from the public log must not bring
    // the attendance (and so the number of credentials allowed) back to 9.
    let dir = TempDir::new("replay");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 10, 2)).await;
    m.seal().await;
    m.enroll_all().await;
    let first = m.quorum_body(9).await;
    m.post("/quorum", &first, None).await.expect("attendance 9");
    m.quorum(7).await.expect("attendance corrected to 7");
    assert_eq!(m.view().await.present, Some(7));
    m.refused(
        "the first attendance posted again",
        422,
        "rejected",
        m.post("/quorum", &first, None),
    )
    .await;
    assert_eq!(m.view().await.present, Some(7));
    // The statement as it is in the public log, byte for byte.
    let lines = m.lines().await;
    let logged = parse_line(&lines[lines.len() - 2]).expect("a logged line");
    let Payload::Quorum(logged) = logged.payload else {
        panic!("line {} is not the first attendance", lines.len() - 2)
    };
    assert_eq!(logged, first);
    m.refused(
        "the first attendance copied from the log",
        422,
        "rejected",
        m.post("/quorum", &logged, None),
    )
    .await;
    // The view tells a client where the next statement goes: after the
    // last line (no ballot yet).
    let view = m.view().await;
    assert_eq!(
        view.anchor.as_deref(),
        Some(hex(&entry_hash(lines.last().expect("lines"))).as_str())
    );
    // Signed for its place, the same attendance is recorded again.
    m.quorum(9).await.expect("attendance 9, signed anew");
    assert_eq!(m.view().await.present, Some(9));
}

/// A ballot whose choice for candidate 0 is encrypted with randomness 0:
/// `(A, B) = (0, G)`, with an honest 0/1 proof (the prover knows r = 0), so
/// that its choice is public in the log. The other entries are honest.
fn ballot_with_zero_randomness(
    ctx: &tinnhiem_core::ballot::ElectionContext,
    id: &str,
    cred: &Credential,
) -> tinnhiem_core::ballot::Ballot {
    use tinnhiem_core::ballot::{ballot_digest, Answer, Ballot, Level, SIGNATURE_CONTEXT};
    use tinnhiem_core::proofs::{OrContext, OrProof};
    use tinnhiem_core::Scalar;
    let public = *cred.public(id).as_bytes();
    let key = *ctx.key.point();
    let orc = |option| OrContext {
        election: &ctx.election_hash,
        key: ctx.key.as_bytes(),
        credential: &public,
        candidate: 0,
        option,
    };
    let rs = [
        Scalar::ZERO,
        Scalar::random(&mut OsRng),
        Scalar::random(&mut OsRng),
    ];
    let cts = [0, 1, 2].map(|k| Ciphertext::encrypt_with(&key, u64::from(k == 0), &rs[k]));
    let proofs = [0, 1, 2].map(|k| {
        OrProof::prove(
            &orc(k as u32),
            &key,
            &cts[k].a,
            &cts[k].b,
            &cts[k].compress(),
            k == 0,
            &rs[k],
            &mut OsRng,
        )
    });
    let sum = cts[0].add(&cts[1]).add(&cts[2]);
    let sum_proof = OrProof::prove(
        &orc(3),
        &key,
        &sum.a,
        &sum.b,
        &sum.compress(),
        true,
        &(rs[0] + rs[1] + rs[2]),
        &mut OsRng,
    );
    let mut answers = vec![Answer {
        ciphertexts: cts.map(|c| c.compress()),
        proofs,
        sum_proof,
    }];
    for j in 1..ctx.candidates {
        answers.push(Answer::encrypt(
            ctx,
            &public,
            j,
            Some(Level::Low),
            &mut OsRng,
        ));
    }
    let digest = ballot_digest(&ctx.election_hash, &public, &answers, None);
    let signature = cred
        .secret_key(id)
        .sign(SIGNATURE_CONTEXT, &digest, &mut OsRng);
    Ballot {
        credential: public,
        answers,
        signed_by: None,
        signature,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ballot_encrypted_with_zero_randomness_is_refused() {
    // Issue 10, item 7: with r = 0 a ciphertext is (0, m·G), its choice
    // public in the log, yet its proofs verify.
    let dir = TempDir::new("zero-r");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 3, 2)).await;
    m.prepare(3, 3).await;
    let ctx = m.context().await;
    let ballot = ballot_with_zero_randomness(&ctx, m.id(), &m.credentials[0]);
    m.refused(
        "a ballot with randomness 0",
        422,
        "invalid_ballot",
        m.cast(&ballot),
    )
    .await;
    assert_eq!(m.view().await.returned, 0);
    // The credential is not used up: an honest ballot with it counts.
    let honest = m
        .ballot(&m.credentials[0], &marks(&["high", "low"]), None)
        .await;
    m.cast(&honest).await.expect("an honest ballot");
    assert_eq!(m.view().await.returned, 1);
}

/// The candidates, title and counts of line 0, the election every ballot is
/// bound to.
fn line0_body(lines: &[Vec<u8>]) -> tinnhiem_core::log::ElectionBody {
    match parse_line(&lines[0]).expect("line 0").payload {
        Payload::Election(b) => b,
        other => panic!("line 0 is {other:?}"),
    }
}

/// Issue 10, item 1: sealing and an edit sent at the same moment. Whatever
/// order they land in, the page's view of the election is line 0's, before
/// and after a restart: never the edit that arrived while line 0 was being
/// written.
#[tokio::test(flavor = "multi_thread")]
async fn an_edit_racing_the_seal_never_shows_other_candidates_than_line_0() {
    let dir = TempDir::new("seal-race");
    // Every meeting logs in: no limit on the logins.
    let no_limit = ["--rate-limit", "0"];
    let mut server = Server::start_args(dir.path(), Some(PASSWORD), "warn", &no_limit).await;
    let token = login(&server.client, PASSWORD).await.expect("login");
    let original = input(2, 3, 1);
    let mut swapped = original.clone();
    swapped.candidates.swap(0, 1);
    let mut meetings = Vec::new();
    let (mut edits_won, mut seals_won) = (0, 0);
    for i in 0..200 {
        let m = Meeting::create(&server.client, &original).await;
        let empty = json!({});
        let seal_path = m.path("/seal");
        let seal = m
            .client
            .send(Method::POST, &seal_path, Some(&empty), Some(&token));
        let edit = m
            .client
            .send(Method::PUT, &m.base, Some(&swapped), Some(&token));
        let (sealed, edited) = tokio::join!(seal, edit);
        sealed.expect("the seal succeeds");
        match edited {
            Ok(_) => edits_won += 1,
            Err(e) => {
                assert_refused::<()>(Err(e), 409, "phase", "an edit after the seal");
                seals_won += 1;
            }
        }
        let view = m.view().await;
        let body = line0_body(&m.lines().await);
        assert_eq!(view.candidates, body.candidates, "iteration {i}");
        assert_eq!(
            (
                &view.title,
                &view.unit,
                &view.date,
                view.summoned,
                &view.committee
            ),
            (
                &body.title,
                &body.unit,
                &body.date,
                body.summoned,
                &body.trustees
            ),
            "iteration {i}"
        );
        meetings.push(m);
    }
    eprintln!("edits before the seal: {edits_won}, refused: {seals_won}");
    server.kill();
    let server = Server::start_args(dir.path(), Some(PASSWORD), "warn", &no_limit).await;
    for mut m in meetings {
        m.client = server.client.clone();
        let view = m.view().await;
        assert_eq!(view.phase, "setup");
        assert_eq!(
            view.candidates,
            line0_body(&m.lines().await).candidates,
            "after a restart"
        );
    }
}

/// Issue 10, item 4: posts that no secret key signed are malformed
/// requests, not forgeries or repeats: they leave the refusal counts (the
/// close entry's, the minutes') alone. A properly signed forged or repeated
/// ballot is still counted.
#[tokio::test(flavor = "multi_thread")]
async fn unsigned_junk_does_not_inflate_the_refusal_counts() {
    let dir = TempDir::new("junk");
    let server =
        Server::start_args(dir.path(), Some(PASSWORD), "warn", &["--rate-limit", "0"]).await;
    let mut m = Meeting::create(&server.client, &input(2, 4, 1)).await;
    m.prepare(4, 4).await;
    let honest = m
        .ballot(&m.credentials[0], &marks(&["high", "low"]), None)
        .await;
    m.cast(&honest).await.expect("an honest ballot");
    let used = hex(&honest.credential);
    let junk = |credential: String| {
        json!({
            "credential": credential,
            "answers": [],
            "signed_by": null,
            "signature": "00".repeat(64),
        })
    };
    for i in 0..40 {
        let credential = if i % 2 == 0 {
            let mut c = [0u8; 32];
            rand::RngCore::fill_bytes(&mut OsRng, &mut c);
            hex(&c)
        } else {
            used.clone()
        };
        let a = raw(
            &server.base,
            Method::POST,
            &m.path("/ballots"),
            Some("application/json"),
            serde_json::to_vec(&junk(credential)).unwrap(),
            None,
        )
        .await;
        assert!(
            a.status.is_client_error(),
            "junk is refused: {} {}",
            a.status,
            a.text()
        );
        assert!(
            !matches!(a.code().as_deref(), Some("forged" | "repeated")),
            "junk is not a forgery or a repeat: {}",
            a.text()
        );
    }
    // An honest ballot whose signature is someone else's.
    let mut stolen = m
        .ballot(&m.credentials[1], &marks(&["low", "low"]), None)
        .await;
    stolen.signature = honest.signature;
    m.refused("a copied signature", 422, "invalid_ballot", m.cast(&stolen))
        .await;
    assert_eq!(m.view().await.refused, Refused::default(), "junk counted");
    // Signed by a key the committee never issued; signed again by a used
    // credential: each counts once.
    let forged = m
        .ballot(
            &Credential::generate(&mut OsRng),
            &marks(&["high", "high"]),
            None,
        )
        .await;
    m.refused("a forged ballot", 403, "forged", m.cast(&forged))
        .await;
    let repeated = m
        .ballot(&m.credentials[0], &marks(&["low", "high"]), None)
        .await;
    m.refused("a repeated ballot", 409, "repeated", m.cast(&repeated))
        .await;
    assert_eq!(
        m.view().await.refused,
        Refused {
            forged: 1,
            repeated: 1
        }
    );
    let outcome = m.finish().await;
    assert_eq!(
        outcome.result.refused,
        Refused {
            forged: 1,
            repeated: 1
        }
    );
}

/// Issue 10, item 8: the ballot body refuses unknown fields like every other
/// body; a cast ballot's content with a signature that is not its own gets
/// no receipt; an unknown tracking code is not "no such election".
#[tokio::test(flavor = "multi_thread")]
async fn ballot_bodies_are_strict_and_a_receipt_needs_the_ballots_own_signature() {
    let dir = TempDir::new("strict-ballot");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 4, 1)).await;
    m.prepare(4, 4).await;
    let honest = m
        .ballot(&m.credentials[0], &marks(&["high", "low"]), None)
        .await;
    let mut extra = serde_json::to_value(&honest).unwrap();
    extra["note"] = json!("x");
    m.refused("a ballot with an unknown field", 400, "malformed", async {
        m.client
            .send(Method::POST, &m.path("/ballots"), Some(&extra), None)
            .await
    })
    .await;
    let receipt = m.cast(&honest).await.expect("the ballot itself");
    // The same content (so the same digest) under a garbage signature, and
    // under the signature of another ballot.
    let other = m
        .ballot(&m.credentials[1], &marks(&["low", "low"]), None)
        .await;
    for (what, signature) in [
        (
            "zero",
            tinnhiem_core::schnorr::Signature::from_bytes(&[0; 64]).unwrap(),
        ),
        ("another ballot's", other.signature),
    ] {
        let mut b = honest.clone();
        b.signature = signature;
        m.refused(
            &format!("a cast ballot with a {what} signature"),
            422,
            "invalid_ballot",
            m.cast(&b),
        )
        .await;
    }
    assert_eq!(m.view().await.refused, Refused::default());
    let again = m.cast(&honest).await.expect("resent as it was");
    assert_eq!(
        (again.seq, &again.entry_hash),
        (receipt.seq, &receipt.entry_hash)
    );
    match m.get::<Receipt>("/tracking/ZZZZ-ZZZZ", None).await {
        Err(tinnhiem::client::ClientError::Refused {
            status,
            error,
            message_en,
            ..
        }) => {
            assert_eq!((status.as_u16(), error.as_str()), (404, "not_found"));
            assert!(
                !message_en.contains("no such election") && message_en.contains("tracking code"),
                "{message_en}"
            );
        }
        other => panic!("an unknown tracking code: {other:?}"),
    }
    assert_refused(
        server
            .client
            .call::<Receipt>(
                Method::GET,
                "/api/elections/nope/tracking/ZZZZ-ZZZZ",
                None::<&()>,
                None,
            )
            .await,
        404,
        "not_found",
        "no such election",
    );
}

/// Issue 10, item 8: over plain HTTP there is no `Strict-Transport-Security`
/// (it would lock browsers out of a server without TLS); the TLS test in
/// tests/committee_cli.rs checks that HTTPS sends it.
#[tokio::test(flavor = "multi_thread")]
async fn plain_http_sends_no_hsts() {
    let dir = TempDir::new("no-hsts");
    let server = Server::start(dir.path()).await;
    let a = raw(
        &server.base,
        Method::GET,
        "/api/openapi.json",
        None,
        Vec::new(),
        None,
    )
    .await;
    assert_eq!(a.status.as_u16(), 200);
    assert!(a.headers.get("strict-transport-security").is_none());
}

/// `tinnhiem serve` with the organizer's password read from a file or from
/// standard input: logging in works with it, and it never appears in what
/// the server prints.
async fn serve_with_password_from(dir: &std::path::Path, from: &str, stdin: &[u8]) {
    use std::io::Write;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(common::BIN)
        .arg("serve")
        .arg("--data")
        .arg(dir.join("store"))
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--organizer-password-file", from])
        .env_remove("TINNHIEM_ORGANIZER_PASSWORD")
        .env("RUST_LOG", "info")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin).unwrap();
    }
    let base = format!("http://127.0.0.1:{port}");
    let client = tinnhiem::client::Client::new(&base);
    let mut token = None;
    for _ in 0..300 {
        if let Ok(t) = login(&client, "mat khau tu tep").await {
            token = Some(t);
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_refused(
        login(&client, "mat khau tu tep\n").await,
        403,
        "forbidden",
        "the newline is not part of it",
    );
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        token.is_some(),
        "logged in with the password from {from}: {printed}"
    );
    assert!(
        !printed.contains("mat khau"),
        "the password is never echoed: {printed}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_organizer_password_comes_from_a_file_or_standard_input() {
    let dir = TempDir::new("password-file");
    let file = dir.path().join("password.txt");
    std::fs::write(&file, "mat khau tu tep\n").unwrap();
    serve_with_password_from(&dir.path().join("a"), file.to_str().unwrap(), b"").await;
    serve_with_password_from(&dir.path().join("b"), "-", b"mat khau tu tep\r\n").await;
    // --help says where the password is safe to give.
    let help = std::process::Command::new(common::BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--organizer-password-file"), "{help}");
    assert!(help.contains("process list"), "{help}");
    // An empty file is refused, naming the file, before anything starts.
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n").unwrap();
    let out = std::process::Command::new(common::BIN)
        .arg("serve")
        .arg("--data")
        .arg(dir.path().join("c"))
        .args(["--bind", "127.0.0.1:0", "--organizer-password-file"])
        .arg(&empty)
        .env_remove("TINNHIEM_ORGANIZER_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty.txt"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_meeting_date_that_is_not_a_calendar_date_is_refused() {
    // The meeting's date feeds the report deadline (R12): it must be a real
    // day, written YYYY-MM-DD.
    let dir = TempDir::new("dates");
    let server = Server::start(dir.path()).await;
    let token = login(&server.client, PASSWORD).await.expect("login");
    for date in [
        "29/11/2026",
        "2026-02-30",
        "2026-13-01",
        "2026-1-05",
        "",
        "2027-02-29",
    ] {
        let mut e = input(2, 3, 2);
        e.date = date.into();
        assert_refused(
            server
                .client
                .send(Method::POST, "/api/elections", Some(&e), Some(&token))
                .await,
            422,
            "invalid",
            date,
        );
    }
    let mut e = input(2, 3, 2);
    e.date = "2028-02-29".into();
    let r: Result<serde_json::Value, _> = server
        .client
        .call(Method::POST, "/api/elections", Some(&e), Some(&token))
        .await;
    assert!(r.is_ok(), "a leap day is a day: {r:?}");
}
