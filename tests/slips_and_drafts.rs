//! Issue 13 through the real server: cancelling slips (`POST …/cancel`),
//! the organizer's list of elections, deleting a draft, editing a draft in
//! everything, and duplicate leaders.

mod common;

use hyper::Method;
use rand::rngs::OsRng;
use serde_json::json;
use tinnhiem::client::ClientError;
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{CredentialsBody, Hex, Payload};
use tinnhiem_server::election::{CredentialStatus, Edited, ElectionSummary};

use common::{assert_refused, input, login, marks, Meeting, Server, TempDir, PASSWORD};

/// A signed `cancel` of these public credentials for the next place in the
/// log, by member 0.
async fn cancel_body(m: &Meeting, credentials: &[[u8; 32]]) -> CredentialsBody {
    let mut b = CredentialsBody {
        credentials: credentials.iter().map(|c| Hex(*c)).collect(),
        signer: 0,
        signature: Hex([0; 64]),
    };
    b.signature = m.sign_as(0, &Payload::Cancel(b.clone())).await;
    b
}

fn public(m: &Meeting, c: &Credential) -> [u8; 32] {
    *c.public(m.id()).as_bytes()
}

/// The Vietnamese and English messages of a refusal with `status` and `code`.
fn refusal<T: std::fmt::Debug>(
    r: Result<T, ClientError>,
    status: u16,
    code: &str,
) -> (String, String) {
    match r {
        Err(ClientError::Refused {
            status: s,
            error,
            message,
            message_en,
        }) => {
            assert_eq!((s.as_u16(), error.as_str()), (status, code), "{message_en}");
            (message, message_en)
        }
        other => panic!("expected a refusal {status} {code}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_slip_is_replaced_within_the_attendance_and_its_ballot_refused() {
    let dir = TempDir::new("cancel");
    let server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 4, 1)).await;
    // 3 present, 3 slips: the attendance is used up.
    m.prepare(3, 3).await;
    let [used, lost, torn] = [0, 1, 2].map(|i| m.credentials[i].clone());
    let receipt = m
        .cast(&m.ballot(&used, &marks(&["high", "low"]), None).await)
        .await
        .expect("slip 1 votes");

    // A slip that voted cannot be cancelled: 422 naming it (its number, its
    // ballot's line), and nothing is cancelled, not even the other slip.
    let both = cancel_body(&m, &[public(&m, &lost), public(&m, &used)]).await;
    let before = m.log().await;
    let (vi, en) = refusal(m.post("/cancel", &both, None).await, 422, "cancel_used");
    assert!(
        vi.contains("phiếu mã số 1") && vi.contains(&format!("dòng {}", receipt.seq)),
        "{vi}"
    );
    assert!(
        en.contains("slip no. 1") && en.contains("has voted"),
        "{en}"
    );
    assert_eq!(m.log().await, before, "a refused cancel changes nothing");

    // A credential never issued: named, refused.
    let stranger = Credential::generate(&mut OsRng);
    let body = cancel_body(&m, &[public(&m, &stranger)]).await;
    let (vi, _) = refusal(m.post("/cancel", &body, None).await, 422, "cancel_invalid");
    assert!(vi.contains("chưa phát hành"), "{vi}");

    // No room for a new slip before the cancellation.
    let extra = Credential::generate(&mut OsRng);
    let mut fresh = CredentialsBody {
        credentials: vec![Hex(public(&m, &extra))],
        signer: 0,
        signature: Hex([0; 64]),
    };
    fresh.signature = m.sign_as(0, &Payload::Credentials(fresh.clone())).await;
    m.refused(
        "a fourth slip for three present",
        422,
        "rejected",
        m.post("/credentials", &fresh, None),
    )
    .await;

    // Slips 2 and 3 lost and torn: cancelled; sent again, the same
    // statement is a success that appends nothing.
    let body = cancel_body(&m, &[public(&m, &lost), public(&m, &torn)]).await;
    m.post("/cancel", &body, None)
        .await
        .expect("cancel two slips");
    let length = m.view().await.log_length;
    m.post("/cancel", &body, None)
        .await
        .expect("the same statement again");
    let view = m.view().await;
    assert_eq!(view.log_length, length, "nothing appended the second time");
    assert_eq!(
        (view.issued, view.cancelled, view.returned, view.unused),
        (1, 2, 1, 0)
    );
    // Cancelled again, in a new statement: refused, naming the slip.
    let again = cancel_body(&m, &[public(&m, &torn)]).await;
    let (vi, en) = refusal(m.post("/cancel", &again, None).await, 422, "cancel_invalid");
    assert!(
        vi.contains("Phiếu mã số 3") && vi.contains("đã bị huỷ"),
        "{vi}"
    );
    assert!(en.contains("slip no. 3"), "{en}");

    let status: CredentialStatus = m
        .get(&format!("/credentials/{}", hex(&public(&m, &lost))), None)
        .await
        .unwrap();
    assert_eq!(
        (status.issued, status.cancelled, status.voted),
        (true, true, false)
    );
    let status: CredentialStatus = m
        .get(&format!("/credentials/{}", hex(&public(&m, &used))), None)
        .await
        .unwrap();
    assert_eq!(
        (status.issued, status.cancelled, status.voted),
        (true, false, true)
    );

    // The lost slip's ballot (someone found it) is refused with 403.
    let found = m.ballot(&lost, &marks(&["low", "low"]), None).await;
    m.refused(
        "a cancelled slip's ballot",
        403,
        "cancelled",
        m.cast(&found),
    )
    .await;
    // Two new slips within the attendance, and they vote.
    m.issue(2).await;
    assert_eq!(m.view().await.issued, 3);
    for c in &m.credentials[3..] {
        let b = m.ballot(c, &marks(&["confidence", "none"]), None).await;
        m.cast(&b).await.expect("a replacement slip votes");
    }
    let outcome = m.finish().await;
    assert_eq!((outcome.result.issued, outcome.result.returned), (3, 3));
    assert!(
        outcome.exclusions.is_empty(),
        "the server refused the cancelled slip's ballot"
    );
    // After the close, nothing is cancelled any more.
    let late = cancel_body(&m, &[public(&m, &m.credentials[4].clone())]).await;
    m.refused(
        "a cancel after the close",
        409,
        "phase",
        m.post("/cancel", &late, None),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_organizer_lists_elections_newest_first_and_nobody_else_does() {
    let dir = TempDir::new("list");
    let server = Server::start(dir.path()).await;
    let c = &server.client;
    for bearer in [None, Some("AAAA-BBBB-CCCC-DDDD")] {
        assert_refused(
            c.call::<Vec<ElectionSummary>>(Method::GET, "/api/elections", None::<&()>, bearer)
                .await,
            403,
            "forbidden",
            "the list without an organizer session",
        );
    }
    let mut first = Meeting::create(c, &input(2, 4, 1)).await;
    let mut second_input = input(3, 9, 3);
    second_input.title = "Lấy phiếu tín nhiệm lần hai".into();
    let second = Meeting::create(c, &second_input).await;
    // A committee code is not an organizer session either.
    assert_refused(
        c.call::<Vec<ElectionSummary>>(
            Method::GET,
            "/api/elections",
            None::<&()>,
            Some(&second.created.trustee_codes[0]),
        )
        .await,
        403,
        "forbidden",
        "the list with an enrollment code",
    );
    first.prepare(3, 3).await;
    let b = first
        .ballot(
            &first.credentials[0].clone(),
            &marks(&["high", "low"]),
            None,
        )
        .await;
    first.cast(&b).await.unwrap();

    let list: Vec<ElectionSummary> = c
        .call(
            Method::GET,
            "/api/elections",
            None::<&()>,
            Some(&first.token),
        )
        .await
        .unwrap();
    let ids: Vec<&str> = list.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [second.id(), first.id()], "newest first");
    let s = &list[0];
    assert_eq!(
        (
            s.title.as_str(),
            s.phase.as_str(),
            s.summoned,
            s.present,
            s.committee,
            s.threshold
        ),
        ("Lấy phiếu tín nhiệm lần hai", "draft", 9, None, 3, 2)
    );
    let f = &list[1];
    assert_eq!(
        (
            f.phase.as_str(),
            f.present,
            f.issued,
            f.returned,
            f.committee,
            f.threshold
        ),
        ("voting", Some(3), 3, 1, 1, 1)
    );
    assert_eq!(
        (f.unit.as_str(), f.date.as_str()),
        ("Sở Y tế tỉnh Nam Định", "2025-11-20")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_is_deleted_for_good_and_a_sealed_election_never() {
    let dir = TempDir::new("delete");
    let mut server = Server::start(dir.path()).await;
    let c = server.client.clone();
    let draft = Meeting::create(&c, &input(2, 4, 2)).await;
    let mut sealed = Meeting::create(&c, &input(2, 4, 1)).await;
    sealed.seal().await;

    for bearer in [None, Some(draft.created.trustee_codes[0].as_str())] {
        draft
            .refused(
                "a delete without an organizer session",
                403,
                "forbidden",
                c.send(Method::DELETE, &draft.base, None::<&()>, bearer),
            )
            .await;
    }
    let (vi, _) = refusal(
        c.send(
            Method::DELETE,
            &sealed.base,
            None::<&()>,
            Some(&sealed.token),
        )
        .await,
        409,
        "phase",
    );
    assert!(vi.contains("niêm phong"), "{vi}");
    c.send(Method::DELETE, &draft.base, None::<&()>, Some(&draft.token))
        .await
        .expect("delete the draft");
    assert_refused(
        c.send(Method::GET, &draft.base, None::<&()>, None).await,
        404,
        "not_found",
        "the deleted draft's view",
    );
    assert_refused(
        c.send(Method::DELETE, &draft.base, None::<&()>, Some(&draft.token))
            .await,
        404,
        "not_found",
        "a second delete",
    );
    assert_refused(
        c.send(
            Method::PUT,
            &draft.base,
            Some(&input(2, 4, 2)),
            Some(&draft.token),
        )
        .await,
        404,
        "not_found",
        "an edit of the deleted draft",
    );

    // Killed at once (no graceful shutdown): the deletion was durable
    // before its answer, and the sealed election is whole.
    server.kill();
    let server = Server::start(dir.path()).await;
    let c = server.client.clone();
    let token = login(&c, PASSWORD).await.unwrap();
    assert_refused(
        c.send(Method::GET, &draft.base, None::<&()>, None).await,
        404,
        "not_found",
        "the deleted draft after a restart",
    );
    let list: Vec<ElectionSummary> = c
        .call(Method::GET, "/api/elections", None::<&()>, Some(&token))
        .await
        .unwrap();
    let ids: Vec<&str> = list.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [sealed.id()]);
    sealed.client = c.clone();
    sealed.token = token;
    assert_eq!(sealed.view().await.log_length, 1);
    sealed.enroll_all().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_changes_its_committee_and_leaders_and_the_codes_are_issued_anew() {
    let dir = TempDir::new("edit");
    let server = Server::start(dir.path()).await;
    let c = &server.client;
    let mut m = Meeting::create(c, &input(2, 6, 2)).await;
    let put = |body: serde_json::Value| {
        let (c, base, token) = (c.clone(), m.base.clone(), m.token.clone());
        async move {
            c.call::<Edited>(Method::PUT, &base, Some(&body), Some(&token))
                .await
        }
    };
    // The same numbers: the codes handed out still hold.
    let mut same = serde_json::to_value(input(2, 6, 2)).unwrap();
    same["title"] = json!("Đã sửa tên");
    let e = put(same).await.expect("edit the title");
    assert!(e.trustee_codes.is_none() && e.candidate_codes.is_none());

    // Three members and three leaders: every code of both kinds is new.
    let bigger = input(3, 6, 3);
    let e = put(serde_json::to_value(&bigger).unwrap())
        .await
        .expect("edit the numbers");
    let trustee_codes = e.trustee_codes.expect("new enrollment codes");
    let candidate_codes = e.candidate_codes.expect("new access codes");
    assert_eq!((trustee_codes.len(), candidate_codes.len()), (3, 3));
    for old in &m.created.trustee_codes {
        assert!(
            !trustee_codes.contains(old),
            "an old code is not issued again"
        );
    }
    let view = m.view().await;
    assert_eq!(
        (view.committee.len(), view.candidates.len(), view.threshold),
        (3, 3, 2)
    );

    // Sealed as edited; the old enrollment code is refused, the new one
    // enrolls member 0.
    m.trustees
        .push(tinnhiem_core::trustee::TrusteeKey::generate(&mut OsRng));
    m.candidates = 3;
    m.seal().await;
    let old = m.created.trustee_codes[0].clone();
    m.refused(
        "the old enrollment code",
        403,
        "forbidden",
        m.post("/trustees", &m.key_share(0, &old), None),
    )
    .await;
    m.post("/trustees", &m.key_share(0, &trustee_codes[0]), None)
        .await
        .expect("the new enrollment code");
    m.created.trustee_codes = trustee_codes;
    let old_access = std::mem::replace(&mut m.created.candidate_codes, candidate_codes);
    m.enroll_all().await;
    m.quorum(5).await.unwrap();
    m.issue(1).await;
    m.open().await.unwrap();
    let b = m
        .ballot(
            &m.credentials[0].clone(),
            &marks(&["high", "low", "none"]),
            None,
        )
        .await;
    m.cast(&b).await.unwrap();
    m.finish().await;
    // The new result access code reads its own line; the old one nothing.
    let own = m
        .result(Some(&m.created.candidate_codes[2].clone()))
        .await
        .unwrap();
    assert_eq!(own.candidates.len(), 1);
    assert_eq!(own.candidates[0].name, "Nguyễn Văn C");
    m.refused(
        "the old result access code",
        403,
        "forbidden",
        m.result(Some(&old_access[0])),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_leader_entered_twice_is_refused_with_both_lines() {
    let dir = TempDir::new("duplicate");
    let server = Server::start(dir.path()).await;
    let c = &server.client;
    let token = login(c, PASSWORD).await.unwrap();
    let mut twice = input(5, 9, 1);
    // Line 5 repeats line 2, typed decomposed (as some keyboards do), in
    // other case and with extra spaces.
    twice.candidates[1].name = "Nguyễn Thị Bích".into();
    twice.candidates[4].name = "  nguye\u{302}\u{303}n  THI\u{323} bích ".into();
    twice.candidates[4].position = twice.candidates[1].position.to_uppercase();
    let (vi, en) = refusal(
        c.send(Method::POST, "/api/elections", Some(&twice), Some(&token))
            .await,
        422,
        "duplicate_candidate",
    );
    assert_eq!(vi, "Dòng 2 và dòng 5 trùng họ tên và chức vụ.");
    assert!(en.contains("lines 2 and 5"), "{en}");
    let list: Vec<ElectionSummary> = c
        .call(Method::GET, "/api/elections", None::<&()>, Some(&token))
        .await
        .unwrap();
    assert!(list.is_empty(), "nothing was created");

    // The same name in another position is another leader; an edit that
    // makes them the same is refused too.
    let mut other = twice.clone();
    other.candidates[4].position = "Chánh Văn phòng".into();
    let m = Meeting::create(c, &other).await;
    m.refused(
        "an edit bringing a duplicate",
        422,
        "duplicate_candidate",
        c.send(Method::PUT, &m.base, Some(&twice), Some(&token)),
    )
    .await;
    assert_eq!(m.view().await.candidates[4].position, "Chánh Văn phòng");
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_of_the_organizer_s_input_are_vietnamese_with_english_beside() {
    let dir = TempDir::new("messages");
    let server = Server::start(dir.path()).await;
    let c = &server.client;
    let token = login(c, PASSWORD).await.unwrap();
    let mut bad_threshold = input(2, 4, 3);
    bad_threshold.threshold = Some(4);
    let mut blank_name = input(3, 4, 1);
    blank_name.candidates[2].name = "   ".into();
    let mut bad_date = input(2, 4, 1);
    bad_date.date = "20/11/2025".into();
    for (what, body, vi_has) in [
        (
            "a threshold over the members",
            bad_threshold,
            "Ngưỡng giải mã 4",
        ),
        ("a blank name", blank_name, "Dòng 3: họ tên"),
        ("a date in another form", bad_date, "Ngày họp"),
    ] {
        let (vi, en) = refusal(
            c.send(Method::POST, "/api/elections", Some(&body), Some(&token))
                .await,
            422,
            "invalid",
        );
        assert!(vi.contains(vi_has), "{what}: {vi}");
        // No English in the Vietnamese message, and English beside it.
        for english in ["the ", "must", "threshold", "line"] {
            assert!(!vi.contains(english), "{what}: English in {vi:?}");
        }
        assert!(!en.is_empty() && en != vi, "{what}: {en}");
    }
}
