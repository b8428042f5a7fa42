//! The browser's operations, run natively: a ballot made through the JSON
//! interface verifies with the core and counts in an in-memory meeting.

use rand::rngs::OsRng;
use rand::RngCore;
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::Candidate;
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_wasm::api::{call, op};

fn meeting() -> Meeting {
    let mut m = Meeting::create(
        Setup {
            id: None,
            title: "Thử".into(),
            unit: "Sở".into(),
            date: "2026-11-28".into(),
            candidates: vec![
                Candidate {
                    name: "A".into(),
                    position: "P".into(),
                },
                Candidate {
                    name: "B".into(),
                    position: "Q".into(),
                },
            ],
            summoned: 3,
            trustees: vec!["T".into()],
        },
        &mut OsRng,
    )
    .unwrap();
    m.record_quorum(3, &mut OsRng).unwrap();
    m
}

fn seed() -> String {
    let mut s = [0u8; 32];
    OsRng.fill_bytes(&mut s);
    hex(&s)
}

#[test]
fn ballot_encrypted_through_json_interface_is_counted() {
    let mut m = meeting();
    let creds = m.issue_credentials(1, &mut OsRng).unwrap();
    m.open(&mut OsRng).unwrap();
    let ctx = m.tally.ballot_context().unwrap();
    let req = serde_json::json!({
        "election_id": m.id,
        "election_hash": hex(&ctx.election_hash),
        "election_key": hex(ctx.key.as_bytes()),
        "credential": creds[0].to_text().as_str(),
        "choices": ["low", null],
        "signed_by": null,
        "seed": seed(),
    });
    let out = call(op::ENCRYPT_BALLOT, req.to_string().as_bytes()).expect("encrypts");
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let ballot: tinnhiem_core::ballot::Ballot =
        serde_json::from_value(v["ballot"].clone()).unwrap();
    let receipt = m.submit(ballot, &mut OsRng).expect("accepted");
    assert_eq!(receipt.tracking, v["tracking"].as_str().unwrap());
    m.close(&mut OsRng).unwrap();
    m.decrypt(&mut OsRng).unwrap();
    assert_eq!(m.tally.counts().unwrap(), &[[0, 0, 1], [0, 0, 0]]);
}

#[test]
fn mistyped_credential_is_an_error_without_the_secret() {
    let m = meeting();
    let ctx = m.tally.ballot_context().unwrap();
    let cred = tinnhiem_core::credential::Credential::generate(&mut OsRng);
    let mut text = cred.to_text().to_string();
    // Change one character to another valid one.
    let c = text.remove(0);
    text.insert(0, if c == 'A' { 'B' } else { 'A' });
    let req = serde_json::json!({
        "election_id": m.id,
        "election_hash": hex(&ctx.election_hash),
        "election_key": hex(ctx.key.as_bytes()),
        "credential": text,
        "choices": ["high", "high"],
        "seed": seed(),
    });
    let err = call(op::ENCRYPT_BALLOT, req.to_string().as_bytes()).unwrap_err();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("mistyped"), "{err}");
    assert!(
        !err.contains(&text[5..]),
        "the error must not echo the credential"
    );
}

#[test]
fn unknown_operation_is_refused() {
    let err = call(99, b"{}").unwrap_err();
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("unknown operation"));
}
