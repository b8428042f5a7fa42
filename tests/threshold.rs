//! The threshold ceremony through the real binary and the real HTTP API:
//! a committee of three of whom any two decrypt, each member taking its
//! steps from the log it downloads (`tinnhiem_tally::member`), one member
//! reopening its key from its bytes half-way; the view's account of the
//! ceremony and of the decryptions still needed; retries that are
//! successes; every refusal of PROTOCOL.md §6.8 with its status and code
//! (and the log unchanged); a server killed mid-ceremony that finishes it
//! after the restart; and a log written before the threshold ceremony
//! (n of n) that still loads and runs to its result.

mod common;

use common::{input, marks, Meeting, Server, TempDir};
use rand::rngs::OsRng;
use serde_json::json;
use tinnhiem_core::dkg::{Dealing, DEALING_CONTEXT};
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{
    parse_line, shares_ok_message, ComplaintBody, DealingBody, Hex, Payload, StatementBody,
    SHARES_OK_CONTEXT,
};
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_server::election::{CeremonyView, ComplaintView, ElectionView};
use tinnhiem_tally::member::{self, Step};

/// Every member takes its steps, in turn, until none has anything to post.
async fn run_ceremony(m: &Meeting) {
    m.enroll_all().await;
}

/// The ceremony part of the view (a threshold election has one).
fn ceremony(view: &ElectionView) -> &CeremonyView {
    view.ceremony.as_ref().expect("a threshold election")
}

/// Member `i`'s next step, computed from the log (nothing posted).
async fn next_step(m: &Meeting, i: usize) -> Step {
    let tally = m.tally().await;
    member::next_step(&tally, i as u32, &m.trustees[i], &mut OsRng).expect("a step")
}

/// Member 1 deals member 2 a wrong share, signed again so that the dealing
/// passes every public check (PROTOCOL.md §10.5): only member 2 can tell.
async fn deal_a_bad_share(m: &Meeting) {
    let tally = m.tally().await;
    let params = tally.threshold_params().expect("threshold");
    let Step::Deal(body) = member::next_step(&tally, 1, &m.trustees[1], &mut OsRng).unwrap() else {
        panic!("member 1 deals next")
    };
    let mut d = Dealing::from_bytes(&body.dealing.0, &params).unwrap();
    d.shares[2].ciphertext[0] ^= 1;
    let bytes = d.to_bytes();
    let mut msg = m.election_hash.to_vec();
    msg.extend_from_slice(&bytes[..bytes.len() - 64]);
    d.signature = m.trustees[1].sign(DEALING_CONTEXT, &msg, &mut OsRng);
    m.post(
        "/dealings",
        &DealingBody {
            dealing: tinnhiem_core::log::HexBytes(d.to_bytes()),
        },
        None,
    )
    .await
    .expect("a dealing that passes the public checks is taken");
}

/// Member `i`'s `shares_ok`, signed on `dealings` as `D` (whatever the log
/// says).
fn shares_ok_on(m: &Meeting, i: usize, dealings: &[u8; 32]) -> StatementBody {
    let sig = m.trustees[i].sign(
        SHARES_OK_CONTEXT,
        &shares_ok_message(&m.election_hash, dealings),
        &mut OsRng,
    );
    StatementBody {
        signer: i as u32,
        signature: Hex(sig.to_bytes()),
    }
}

/// Opens voting with `present` people and casts `ballots`.
async fn vote(m: &mut Meeting, present: u32, ballots: &[&[&str]]) {
    m.quorum(present).await.expect("attendance");
    m.issue(present as usize).await;
    m.open().await.expect("open voting");
    for (i, b) in ballots.iter().enumerate() {
        let ballot = m.ballot(&m.credentials[i], &marks(b), None).await;
        m.cast(&ballot).await.expect("an honest ballot");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_of_three_run_the_ceremony_over_http_with_a_member_reopening_its_key_and_two_decrypt() {
    let dir = TempDir::new("threshold-ceremony");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 6, 3)).await;

    // The draft already says 2 of 3 (the smallest majority).
    let draft = m.view().await;
    assert_eq!((draft.threshold, draft.decryptions_needed), (2, 2));
    assert_eq!(ceremony(&draft).dealt, vec![false; 3]);
    m.seal().await;
    match parse_line(&m.lines().await[0]).unwrap().payload {
        Payload::Election(b) => assert_eq!(b.threshold, Some(2), "line 0 carries the threshold"),
        other => panic!("line 0 is {other:?}"),
    }

    // Trustee keys: then every member deals.
    for i in 0..3 {
        assert_eq!(m.step(i).await, Step::Register);
    }
    let view = m.view().await;
    // Under the threshold ceremony the key does not follow the trustee
    // keys: the server does not even try (it would be refused and logged).
    assert!(view.election_key.is_none());
    assert!(
        !server.stderr_text().contains("election key"),
        "{}",
        server.stderr_text()
    );
    assert_eq!(
        *ceremony(&view),
        CeremonyView {
            dealt: vec![false; 3],
            complaints: vec![],
            shares_ok: vec![false; 3],
            qualified: None,
            too_few_qualified: false,
        }
    );
    assert!(matches!(m.step(0).await, Step::Deal(_)));
    // A dealing sent again (an answer lost) is a success and adds nothing.
    let dealing = m.lines().await.last().cloned().unwrap();
    let Payload::Dealing(body) = parse_line(&dealing).unwrap().payload else {
        panic!("member 0's dealing")
    };
    let before = m.log().await;
    m.post("/dealings", &body, None)
        .await
        .expect("the same dealing again");
    assert!(
        m.log().await == before,
        "a dealing sent again changed the log"
    );

    // Member 1's terminal is closed after it dealt: it starts again from
    // its 32-byte key, and the log tells it what is left.
    assert!(matches!(m.step(1).await, Step::Deal(_)));
    let reopened = TrusteeKey::from_bytes(&m.trustees[1].to_bytes()).expect("the key file");
    assert_eq!(
        m.step_with(1, &reopened).await,
        Step::AwaitDealings { missing: vec![2] }
    );
    assert!(matches!(m.step(2).await, Step::Deal(_)));
    let view = m.view().await;
    assert_eq!(ceremony(&view).dealt, vec![true; 3]);
    assert_eq!(ceremony(&view).qualified, Some(vec![0, 1, 2]));
    assert!(view.election_key.is_none());

    // shares_ok, the reopened key for member 1; the key after the last.
    assert!(matches!(m.step(0).await, Step::SharesOk(_)));
    assert!(matches!(m.step_with(1, &reopened).await, Step::SharesOk(_)));
    assert_eq!(ceremony(&m.view().await).shares_ok, vec![true, true, false]);
    assert!(matches!(m.step(2).await, Step::SharesOk(_)));
    let view = m.view().await;
    assert!(
        view.election_key.is_some(),
        "the key follows the last shares_ok"
    );
    let lines = m.lines().await;
    assert_eq!(lines.len(), 11); // election, 3 keys, 3 dealings, 3 shares_ok, key
    assert_eq!(
        parse_line(&lines[10]).unwrap().payload.kind(),
        "election_key"
    );
    // The last shares_ok sent again, after the key: a success, nothing added.
    let Payload::SharesOk(last) = parse_line(&lines[9]).unwrap().payload else {
        panic!("member 2's shares_ok")
    };
    m.post("/shares_ok", &last, None)
        .await
        .expect("the same shares_ok again");
    assert_eq!(m.lines().await.len(), 11);
    for i in 0..3 {
        assert_eq!(m.step(i).await, Step::Done);
    }

    // Voting; member 2 is absent at the count: members 0 and 1 decrypt.
    let ballots: [&[&str]; 3] = [&["high", "low"], &["confidence", "none"], &["high", "high"]];
    vote(&mut m, 5, &ballots).await;
    m.close().await.expect("close voting");
    assert_eq!(m.view().await.decryptions_needed, 2);
    m.decrypt(1)
        .await
        .expect("member 1 decrypts (reopened key)");
    assert_eq!(m.view().await.decryptions_needed, 1);
    m.decrypt(0).await.expect("member 0 decrypts");
    let view = m.view().await;
    assert_eq!(view.decryptions_needed, 0);
    assert_eq!(view.decrypted_by, vec![true, true, false]);
    let counts = m.decrypted_counts().await;
    let plain: Vec<_> = ballots.iter().map(|b| marks(b)).collect();
    assert_eq!(counts, common::count_marks(&plain, 2));
    m.publish(counts).await.expect("the result of two of three");
    let outcome = tinnhiem_tally::verify_log(&m.log().await, &mut OsRng, &mut |_, _| {})
        .expect("the log verifies");
    assert_eq!(outcome.result.returned, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn dealings_out_of_order_or_failing_their_checks_are_refused() {
    let dir = TempDir::new("threshold-dealings");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(1, 3, 3)).await;
    m.seal().await;
    assert_eq!(m.step(0).await, Step::Register);
    // A dealing made before every trustee key is in (member 0 deals to the
    // keys it has): the server waits for the others.
    let tally = m.tally().await;
    let params = tally.threshold_params().unwrap();
    let keys: Vec<_> = (0..3).map(|i| m.trustees[i].public()).collect();
    let early = tinnhiem_core::dkg::deal(
        &params,
        &m.election_hash,
        0,
        &m.trustees[0],
        &keys,
        &mut OsRng,
    )
    .unwrap();
    let early = DealingBody {
        dealing: tinnhiem_core::log::HexBytes(early.to_bytes()),
    };
    m.refused(
        "a dealing before every trustee key",
        409,
        "ceremony",
        m.post("/dealings", &early, None),
    )
    .await;
    assert_eq!(m.step(1).await, Step::Register);
    assert_eq!(m.step(2).await, Step::Register);

    // A dealing changed after it was signed fails its public checks.
    let Step::Deal(mut bad) = next_step(&m, 0).await else {
        panic!("member 0 deals")
    };
    let at = bad.dealing.0.len() - 64 - 1; // the last share's last byte
    bad.dealing.0[at] ^= 1;
    m.refused(
        "a dealing that fails its public checks",
        422,
        "bad_dealing",
        m.post("/dealings", &bad, None),
    )
    .await;
    assert_eq!(ceremony(&m.view().await).dealt, vec![false; 3]);
    // The honest one, then another dealing by the same member.
    assert!(matches!(m.step(0).await, Step::Deal(_)));
    let again = tinnhiem_core::dkg::deal(
        &params,
        &m.election_hash,
        0,
        &m.trustees[0],
        &keys,
        &mut OsRng,
    )
    .unwrap();
    m.refused(
        "a second, different dealing by the same member",
        409,
        "ceremony",
        m.post(
            "/dealings",
            &DealingBody {
                dealing: tinnhiem_core::log::HexBytes(again.to_bytes()),
            },
            None,
        ),
    )
    .await;

    // shares_ok before the last dealing: refused, whatever it signs.
    let head: [u8; 32] =
        tinnhiem_core::encoding::unhex_array(m.view().await.head.as_deref().unwrap(), "head")
            .unwrap();
    m.refused(
        "shares_ok before the last dealing",
        409,
        "ceremony",
        m.post("/shares_ok", &shares_ok_on(&m, 0, &head), None),
    )
    .await;
    // And a shares_ok that does not verify, once every member has dealt.
    assert!(matches!(m.step(1).await, Step::Deal(_)));
    assert!(matches!(m.step(2).await, Step::Deal(_)));
    m.refused(
        "shares_ok signed on another D",
        422,
        "rejected",
        m.post("/shares_ok", &shares_ok_on(&m, 0, &head), None),
    )
    .await;
    run_ceremony(&m).await;
    assert!(m.view().await.election_key.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn complaints_are_adjudicated_and_a_disqualified_member_may_not_decrypt() {
    let dir = TempDir::new("threshold-complaints");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 6, 3)).await;
    m.seal().await;
    for i in 0..3 {
        m.step(i).await;
    }
    assert!(matches!(m.step(0).await, Step::Deal(_)));
    deal_a_bad_share(&m).await;
    assert!(matches!(m.step(2).await, Step::Deal(_)));

    // A complaint against an honest share is not upheld (the share is
    // then public, but the log does not take it).
    let tally = m.tally().await;
    let params = tally.threshold_params().unwrap();
    let keys: Vec<_> = (0..3).map(|i| m.trustees[i].public()).collect();
    let honest = Dealing::from_bytes(tally.dealings().unwrap()[0].as_deref().unwrap(), &params)
        .unwrap()
        .verify(&params, &m.election_hash, 0, &keys[0])
        .unwrap();
    let false_complaint = ComplaintBody {
        complaint: Hex(honest
            .complain(&m.election_hash, 2, &m.trustees[2], &mut OsRng)
            .to_bytes()),
    };
    m.refused(
        "a complaint that is not upheld",
        422,
        "complaint_not_upheld",
        m.post("/complaints", &false_complaint, None),
    )
    .await;

    // Member 2's step is the complaint against member 1: upheld.
    let Step::Complain { dealer: 1, body } = m.step(2).await else {
        panic!("member 2 complains about member 1")
    };
    let view = m.view().await;
    assert_eq!(
        ceremony(&view).complaints,
        vec![ComplaintView {
            dealer: 1,
            complainer: 2
        }]
    );
    assert_eq!(ceremony(&view).qualified, Some(vec![0, 2]));
    assert!(!ceremony(&view).too_few_qualified);
    // Sent again: a success, nothing added.
    let before = m.log().await;
    m.post("/complaints", &body, None)
        .await
        .expect("the same complaint again");
    assert!(m.log().await == before);

    // After its shares_ok, member 2 may no longer complain.
    assert!(matches!(m.step(2).await, Step::SharesOk(_)));
    m.refused(
        "a complaint after its author's shares_ok",
        409,
        "ceremony",
        m.post("/complaints", &false_complaint, None),
    )
    .await;
    run_ceremony(&m).await;
    let view = m.view().await;
    assert!(view.election_key.is_some());

    // The count: member 1 was disqualified.
    let ballots: [&[&str]; 2] = [&["high", "low"], &["low", "low"]];
    vote(&mut m, 4, &ballots).await;
    m.close().await.expect("close voting");
    let totals = m.totals().await.unwrap();
    m.refused(
        "a decryption by a member not in Q",
        422,
        "not_qualified",
        m.post("/decryptions", &m.decryption(1, &totals), None),
    )
    .await;
    let mut bad = m.member_decryption(0).await;
    bad.shares[1].0[0] ^= 1;
    m.refused(
        "a decryption whose proof fails",
        422,
        "bad_decryption",
        m.post("/decryptions", &bad, None),
    )
    .await;
    m.decrypt(0).await.expect("member 0 decrypts");
    let right = {
        let plain: Vec<_> = ballots.iter().map(|b| marks(b)).collect();
        common::count_marks(&plain, 2)
    };
    m.refused(
        "a result before t decryptions",
        409,
        "decryptions_needed",
        m.publish(right.clone()),
    )
    .await;
    assert_eq!(m.view().await.decryptions_needed, 1);
    m.decrypt(2).await.expect("member 2 decrypts");
    assert_eq!(m.decrypted_counts().await, right);
    m.publish(right)
        .await
        .expect("the result of members 0 and 2");
    let outcome = tinnhiem_tally::verify_log(&m.log().await, &mut OsRng, &mut |_, _| {})
        .expect("the log verifies");
    assert_eq!(outcome.result.returned, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_name_the_rule_in_vietnamese_and_english() {
    let dir = TempDir::new("threshold-messages");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(1, 3, 3)).await;
    m.seal().await;
    m.step(0).await;
    let head: [u8; 32] =
        tinnhiem_core::encoding::unhex_array(m.view().await.head.as_deref().unwrap(), "head")
            .unwrap();
    let a = common::raw(
        &server.base,
        hyper::Method::POST,
        &m.path("/shares_ok"),
        Some("application/json"),
        serde_json::to_vec(&shares_ok_on(&m, 0, &head)).unwrap(),
        None,
    )
    .await;
    assert_eq!(a.status.as_u16(), 409);
    let body: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(body["error"], "ceremony");
    let (vi, en) = (
        body["message"].as_str().unwrap(),
        body["message_en"].as_str().unwrap(),
    );
    assert!(vi.contains("phần chia khoá"), "{vi}");
    assert!(en.contains("dealings") && en.contains("1, 2"), "{en}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_threshold_is_checked_and_may_change_while_a_draft() {
    let dir = TempDir::new("threshold-input");
    let server = Server::start(dir.path()).await;
    let token = common::login(&server.client, common::PASSWORD)
        .await
        .unwrap();
    // 1 of 3 is no majority: one member alone could decrypt any ballot.
    for t in [0, 1, 4] {
        let mut bad = input(1, 3, 3);
        bad.threshold = Some(t);
        let r = server
            .client
            .send(
                hyper::Method::POST,
                "/api/elections",
                Some(&bad),
                Some(&token),
            )
            .await;
        match r {
            Err(tinnhiem::client::ClientError::Refused {
                status,
                error,
                message,
                message_en,
            }) => {
                assert_eq!((status.as_u16(), error.as_str()), (422, "invalid"));
                assert!(message.contains("Ngưỡng giải mã"), "{message}");
                assert!(message_en.contains("2 to 3"), "{message_en}");
            }
            other => panic!("threshold {t}: {other:?}"),
        }
    }
    let mut m = Meeting::create(&server.client, &input(1, 3, 3)).await;
    assert_eq!(m.view().await.threshold, 2);
    let mut edited = input(1, 3, 3);
    edited.threshold = Some(3);
    m.client
        .send(hyper::Method::PUT, &m.base, Some(&edited), Some(&m.token))
        .await
        .expect("edit the threshold of the draft");
    assert_eq!(m.view().await.threshold, 3);
    m.seal().await;
    match parse_line(&m.lines().await[0]).unwrap().payload {
        Payload::Election(b) => assert_eq!(b.threshold, Some(3)),
        other => panic!("line 0 is {other:?}"),
    }
    // 3 of 3 runs the same ceremony and needs every member at the count.
    run_ceremony(&m).await;
    vote(&mut m, 3, &[&["high"]]).await;
    m.close().await.unwrap();
    assert_eq!(m.view().await.decryptions_needed, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_mid_ceremony_restarts_and_the_ceremony_finishes() {
    let dir = TempDir::new("threshold-restart");
    let mut server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(1, 3, 3)).await;
    m.seal().await;
    for i in 0..3 {
        m.step(i).await;
    }
    assert!(matches!(m.step(0).await, Step::Deal(_)));
    assert!(matches!(m.step(1).await, Step::Deal(_)));
    let before = m.view().await;

    server.kill();
    let server = Server::start(dir.path()).await;
    m.client = server.client.clone();
    m.token = common::login(&m.client, common::PASSWORD).await.unwrap();
    let after = m.view().await;
    assert_eq!(after.ceremony, before.ceremony);
    assert_eq!(after.log_length, 6);
    assert_eq!(ceremony(&after).dealt, vec![true, true, false]);
    run_ceremony(&m).await;
    assert!(m.view().await.election_key.is_some());
    vote(&mut m, 3, &[&["low"], &["high"]]).await;
    let outcome = m.finish().await;
    assert_eq!(outcome.result.returned, 2);
}

/// A log written before the threshold ceremony: line 0 without
/// `threshold`, every trustee key, no election key yet (the server stopped
/// in between), and settings that name no threshold.
#[tokio::test(flavor = "multi_thread")]
async fn a_store_with_an_n_of_n_log_loads_and_runs_to_its_result() {
    use sha2::{Digest, Sha256};
    let dir = TempDir::new("threshold-legacy");
    let input = input(2, 3, 2);
    let setup = tinnhiem_tally::sim::Setup {
        id: Some("nofnlegacy".into()),
        title: input.title.clone(),
        unit: input.unit.clone(),
        date: input.date.clone(),
        candidates: input
            .candidates
            .iter()
            .map(|c| tinnhiem_core::log::Candidate {
                name: c.name.clone(),
                position: c.position.clone(),
                person: c.person.clone(),
            })
            .collect(),
        summoned: input.summoned,
        trustees: input.committee.clone(),
    };
    let sim = tinnhiem_tally::sim::Meeting::begin(setup, None, &mut OsRng).unwrap();
    let code_hash = |code: &str| hex(&Sha256::digest(code.replace('-', "").as_bytes()));
    {
        use tinnhiem_server::store::Store;
        let store = tinnhiem_server::store::SledStore::open(&dir.path().join("store")).unwrap();
        let meta = json!({
            "input": input,
            "sealed": true,
            "server_key": hex(&sim.server.to_bytes()),
            "trustee_codes": [code_hash("AAAA-BBBB-CCCC-DDDD"), code_hash("EEEE-FFFF-GGGG-HHHH")],
            "candidate_codes": [code_hash("JJJJ-KKKK-MMMM-NNNN"), code_hash("PPPP-QQQQ-RRRR-SSSS")],
            "refused": {"forged": 0, "repeated": 0},
        });
        store
            .put_meta("nofnlegacy", &serde_json::to_vec(&meta).unwrap())
            .unwrap();
        store.append("nofnlegacy", 0, &sim.lines).unwrap();
        store.flush().unwrap();
    }
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &common::input(1, 3, 1)).await;
    m.base = "/api/elections/nofnlegacy".into();
    m.created.id = "nofnlegacy".into();
    m.candidates = 2;
    m.trustees = sim
        .trustees
        .iter()
        .map(|k| TrusteeKey::from_bytes(&k.to_bytes()).unwrap())
        .collect();
    m.read_hash().await;
    // On start the server appends the election key the log was waiting for.
    let mut view = m.view().await;
    for _ in 0..100 {
        if view.election_key.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        view = m.view().await;
    }
    assert!(
        view.election_key.is_some(),
        "the n-of-n key after the last share"
    );
    assert_eq!((view.threshold, view.ceremony.as_ref()), (2, None));
    assert_eq!(m.step(0).await, Step::Done);
    vote(&mut m, 3, &[&["high", "low"]]).await;
    m.close().await.unwrap();
    assert_eq!(m.view().await.decryptions_needed, 2);
    let outcome = m.finish_after_close().await;
    assert_eq!(outcome.result.returned, 1);
    let line0 = parse_line(&m.lines().await[0]).unwrap().payload;
    assert!(matches!(line0, Payload::Election(b) if b.threshold.is_none()));
}
