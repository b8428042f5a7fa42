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
                    person: None,
                },
                Candidate {
                    name: "B".into(),
                    position: "Q".into(),
                    person: None,
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

fn ask(op: u32, req: serde_json::Value) -> serde_json::Value {
    match call(op, req.to_string().as_bytes()) {
        Ok(v) => serde_json::from_slice(&v).unwrap(),
        Err(e) => panic!("op {op}: {}", String::from_utf8_lossy(&e)),
    }
}

#[test]
fn committee_operations_make_what_the_log_accepts() {
    use tinnhiem_core::encoding::unhex_array;
    use tinnhiem_core::log::{DecryptionBody, Hex, Payload, StatementBody};
    use tinnhiem_core::schnorr::{PublicKey, Signature};
    use tinnhiem_core::trustee::KeyShare;

    let mut m = meeting();
    let hash = m.tally.election_hash().unwrap();
    // A key share made in the page proves knowledge of its secret.
    let kg = ask(
        op::TRUSTEE_KEYGEN,
        serde_json::json!({"election_hash": hex(&hash), "trustee": 0, "seed": seed()}),
    );
    let share = KeyShare {
        index: 0,
        key: PublicKey::from_bytes(&unhex_array(kg["key"].as_str().unwrap(), "k").unwrap(), "k")
            .unwrap(),
        proof: Signature::from_bytes(&unhex_array(kg["proof"].as_str().unwrap(), "p").unwrap())
            .unwrap(),
    };
    share.verify(&hash).expect("proof of knowledge");

    // The meeting's own trustee signs "open" through the page's operation.
    let secret = hex(&m.trustees[0].to_bytes());
    // Its public part, from the key file alone, is the share in the log.
    let own = ask(op::TRUSTEE_PUBLIC, serde_json::json!({"secret": secret}));
    assert_eq!(
        own["public"].as_str().unwrap(),
        hex(m.tally.trustee_keys()[0].unwrap().as_bytes())
    );
    // The fingerprint the voter's page shows is the one the core computes.
    let ctx = m.tally.ballot_context().unwrap();
    let fp = ask(
        op::FINGERPRINT,
        serde_json::json!({"election_hash": hex(&hash), "election_key": hex(ctx.key.as_bytes())}),
    );
    assert_eq!(
        fp["fingerprint"].as_str().unwrap(),
        tinnhiem_core::ballot::fingerprint(&hash, ctx.key.as_bytes())
    );
    assert_eq!(fp["fingerprint"].as_str().unwrap().len(), 9);
    // The election check the slips carry is the core's (PROTOCOL.md §5.10).
    let check = tinnhiem_core::ballot::election_check(&hash, ctx.key.as_bytes());
    let ec = ask(
        op::ELECTION_CHECK,
        serde_json::json!({"election_hash": hex(&hash), "election_key": hex(ctx.key.as_bytes())}),
    );
    assert_eq!(ec["check"].as_str().unwrap(), check);
    assert_eq!(ec["fingerprint"], fp["fingerprint"]);
    let creds = ask(
        op::MAKE_CREDENTIALS,
        serde_json::json!({"election_id": m.id, "count": 2, "base": "https://phong-hop:8443",
            "election_hash": hex(&hash), "election_key": hex(ctx.key.as_bytes()), "seed": seed()}),
    );
    assert_eq!(creds["check"].as_str().unwrap(), check);
    assert_eq!(creds["fingerprint"], fp["fingerprint"]);
    let list: Vec<String> = creds["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["public"].as_str().unwrap().to_owned())
        .collect();
    let first = &creds["credentials"][0];
    let text = first["text"].as_str().unwrap();
    assert_eq!(
        first["url"].as_str().unwrap(),
        format!("https://phong-hop:8443/v/{}#{text}.{check}", m.id)
    );
    assert!(
        first["qr"].as_str().unwrap().starts_with("<?xml")
            || first["qr"].as_str().unwrap().contains("<svg")
    );
    let c = tinnhiem_core::credential::Credential::from_text(text).unwrap();
    assert_eq!(hex(c.public(&m.id).as_bytes()), list[0]);
    let sig = ask(
        op::SIGN_STATEMENT,
        serde_json::json!({"election_hash": hex(&hash), "anchor": hex(&m.anchor()), "secret": secret, "signer": 0, "kind": "credentials", "credentials": list}),
    );
    let body = tinnhiem_core::log::CredentialsBody {
        credentials: list
            .iter()
            .map(|h| Hex(unhex_array(h, "c").unwrap()))
            .collect(),
        signer: 0,
        signature: Hex(unhex_array(sig["signature"].as_str().unwrap(), "s").unwrap()),
    };
    m.append(Payload::Credentials(body), &mut OsRng)
        .expect("signed credentials accepted");
    let sig = ask(
        op::SIGN_STATEMENT,
        serde_json::json!({"election_hash": hex(&hash), "anchor": hex(&m.anchor()), "secret": secret, "signer": 0, "kind": "open"}),
    );
    m.append(
        Payload::Open(StatementBody {
            signer: 0,
            signature: Hex(unhex_array(sig["signature"].as_str().unwrap(), "s").unwrap()),
        }),
        &mut OsRng,
    )
    .expect("signed open accepted");
    let b = m.fill(
        &c,
        &[Some(tinnhiem_core::ballot::Level::Confidence), None],
        None,
        &mut OsRng,
    );
    m.submit(b, &mut OsRng).unwrap();
    m.close(&mut OsRng).unwrap();

    // Partial decryption in the page.
    let totals: Vec<String> = m
        .tally
        .totals()
        .iter()
        .map(|t| hex(&t.compress().to_bytes()))
        .collect();
    let dec = ask(
        op::PARTIAL_DECRYPT,
        serde_json::json!({"election_hash": hex(&hash), "trustee": 0, "secret": secret, "totals": totals, "seed": seed()}),
    );
    let shares = dec["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Hex(unhex_array(s.as_str().unwrap(), "d").unwrap()))
        .collect();
    m.append(
        Payload::Decryption(DecryptionBody { trustee: 0, shares }),
        &mut OsRng,
    )
    .expect("decryption accepted");

    // The page's stepwise tally gives the counts to sign, then the result.
    let log = String::from_utf8(m.log_bytes()).unwrap();
    ask(op::TALLY_BEGIN, serde_json::json!({"log": log}));
    let p = ask(
        op::TALLY_STEP,
        serde_json::json!({"lines": 1000, "seed": seed()}),
    );
    assert_eq!(p["done"], p["total"]);
    let t = ask(op::TALLY_FINISH, serde_json::json!({}));
    assert_eq!(
        t["decrypted_counts"],
        serde_json::json!([[0, 1, 0], [0, 0, 0]])
    );
    assert!(t["failure"]["reason"]
        .as_str()
        .unwrap()
        .contains("before the result"));
    assert!(t["failure"]["reason_vi"]
        .as_str()
        .unwrap()
        .contains("trước khi công bố kết quả"));
    let sig = ask(
        op::SIGN_STATEMENT,
        serde_json::json!({"election_hash": hex(&hash), "anchor": hex(&m.anchor()), "secret": secret, "signer": 0, "kind": "result", "counts": [[0, 1, 0], [0, 0, 0]]}),
    );
    m.append(
        Payload::Result(tinnhiem_core::log::ResultBody {
            counts: vec![[0, 1, 0], [0, 0, 0]],
            signer: 0,
            signature: Hex(unhex_array(sig["signature"].as_str().unwrap(), "s").unwrap()),
        }),
        &mut OsRng,
    )
    .expect("signed result accepted");
    let log = String::from_utf8(m.log_bytes()).unwrap();
    ask(op::TALLY_BEGIN, serde_json::json!({"log": log}));
    ask(
        op::TALLY_STEP,
        serde_json::json!({"lines": 3, "seed": seed()}),
    );
    ask(
        op::TALLY_STEP,
        serde_json::json!({"lines": 1000, "seed": seed()}),
    );
    let t = ask(op::TALLY_FINISH, serde_json::json!({}));
    assert!(t["failure"].is_null(), "{t}");
    assert_eq!(t["result"]["returned"], 1);
    assert_eq!(t["result"]["candidates"][0]["confidence"]["count"], 1);
    assert_eq!(t["kinds"][0], "election");

    // A changed byte is reported at its line.
    let mut bad = log.clone().into_bytes();
    let pos = bad.iter().position(|&b| b == b'\n').unwrap() + 20;
    bad[pos] = if bad[pos] == b'0' { b'1' } else { b'0' };
    ask(
        op::TALLY_BEGIN,
        serde_json::json!({"log": String::from_utf8(bad).unwrap()}),
    );
    let p = ask(
        op::TALLY_STEP,
        serde_json::json!({"lines": 1000, "seed": seed()}),
    );
    assert_eq!(p["failed"], true);
    let t = ask(op::TALLY_FINISH, serde_json::json!({}));
    assert_eq!(t["failure"]["seq"], 1);

    // The voter's request for the result verifies with the credential.
    let v = ask(
        op::VOTER_RESULT_SIGNATURE,
        serde_json::json!({"election_id": m.id, "election_hash": hex(&hash), "credential": text, "seed": seed()}),
    );
    let key = PublicKey::from_bytes(
        &unhex_array(v["credential"].as_str().unwrap(), "c").unwrap(),
        "c",
    )
    .unwrap();
    Signature::from_bytes(&unhex_array(v["signature"].as_str().unwrap(), "s").unwrap())
        .unwrap()
        .verify(&key, "result-access", &hash)
        .expect("result access signature");

    let q = ask(op::QR_SVG, serde_json::json!({"text": "ABCD-EFGH"}));
    assert!(q["svg"].as_str().unwrap().contains("<svg"));
}

/// The election check of a key that is not a point is an error, and a
/// request without the election is refused (no URL without a check).
#[test]
fn election_check_needs_a_real_key_and_credentials_need_the_election() {
    let bad = call(
        op::ELECTION_CHECK,
        serde_json::json!({"election_hash": "00".repeat(32), "election_key": "ff".repeat(32)})
            .to_string()
            .as_bytes(),
    )
    .expect_err("not a point");
    assert!(String::from_utf8(bad).unwrap().contains("election_key"));
    call(
        op::MAKE_CREDENTIALS,
        serde_json::json!({"election_id": "x", "count": 1, "base": "https://h", "seed": seed()})
            .to_string()
            .as_bytes(),
    )
    .expect_err("the election hash and key are required");
}

const HONEST: &str = include_str!("../../tally/tests/vectors/honest.jsonl");
const HONEST_RECEIPTS: &str = include_str!("../../tally/tests/vectors/honest.receipts.jsonl");

/// The honest vector log's lines and receipts: each receipt's own head and
/// signature is a signed head of the log (the server's key of line 0).
struct Log {
    lines: Vec<String>,
    receipts: Vec<serde_json::Value>,
}

fn honest_log() -> Log {
    Log {
        lines: HONEST.lines().map(str::to_owned).collect(),
        receipts: HONEST_RECEIPTS
            .lines()
            .map(|r| serde_json::from_str(r).unwrap())
            .collect(),
    }
}

impl Log {
    /// The signed head that receipt `i` carries.
    fn head(&self, i: usize) -> serde_json::Value {
        let r = &self.receipts[i];
        serde_json::json!({"seq": r["seq"], "head": r["head"], "signature": r["head_signature"]})
    }

    fn seq(&self, i: usize) -> usize {
        self.receipts[i]["seq"].as_u64().unwrap() as usize
    }

    fn check(
        &self,
        receipt: &serde_json::Value,
        head: serde_json::Value,
        lines: &[String],
    ) -> serde_json::Value {
        ask(
            op::CHECK_RECEIPT,
            serde_json::json!({
                "election": self.lines[0],
                "election_hash": hex(&tinnhiem_core::log::entry_hash(self.lines[0].as_bytes())),
                "receipt": receipt,
                "head": head,
                "lines": lines,
            }),
        )
    }
}

fn problem(out: serde_json::Value) -> String {
    out["problem"].as_str().unwrap_or("none").to_owned()
}

#[test]
fn a_receipt_checks_against_the_log_up_to_the_signed_head() {
    let log = honest_log();
    let last = log.receipts.len() - 1;
    assert!(last >= 2, "the vectors hold several receipts");
    for (i, r) in log.receipts.iter().enumerate() {
        let seq = log.seq(i);
        // Against its own head, and against the last receipt's head.
        let out = log.check(r, log.head(i), &log.lines[seq..=seq]);
        assert_eq!(out, serde_json::json!({"ok": true, "problem": null}));
        let out = log.check(r, log.head(last), &log.lines[seq..=log.seq(last)]);
        assert_eq!(out, serde_json::json!({"ok": true, "problem": null}));
    }
}

/// A server that dropped or replaced the ballot in the log it publishes
/// cannot pass the check, however it answers `/tracking`.
#[test]
fn a_dropped_or_replaced_ballot_fails_the_receipt_check() {
    let log = honest_log();
    let last = log.receipts.len() - 1;
    let r = &log.receipts[0];
    let (seq, end) = (log.seq(0), log.seq(last));
    // Another ballot's line served in its place.
    let mut lines = log.lines[seq..=end].to_vec();
    lines[0] = log.lines[log.seq(1)].clone();
    assert_eq!(problem(log.check(r, log.head(last), &lines)), "mismatch");
    // The line dropped: one line short of the head.
    assert_eq!(
        problem(log.check(r, log.head(last), &log.lines[seq + 1..=end])),
        "missing"
    );
    // A line after it changed: the chain no longer reaches the head.
    let mut lines = log.lines[seq..=end].to_vec();
    let n = lines.len() - 1;
    lines[n] = lines[n].replacen("\"seq\":", "\"seq\": ", 1);
    assert_eq!(problem(log.check(r, log.head(last), &lines)), "chain");
    // A head whose signature is another head's.
    let mut head = log.head(last);
    head["signature"] = log.head(0)["signature"].clone();
    assert_eq!(problem(log.check(r, head, &log.lines[seq..=end])), "head");
    // A receipt not signed by line 0's server.
    let mut forged = r.clone();
    forged["head_signature"] = log.receipts[1]["head_signature"].clone();
    assert_eq!(
        problem(log.check(&forged, log.head(last), &log.lines[seq..=end])),
        "receipt"
    );
    // Another election's line 0 than the one the phone voted in.
    let out = ask(
        op::CHECK_RECEIPT,
        serde_json::json!({
            "election": log.lines[0],
            "election_hash": "00".repeat(32),
            "receipt": r,
            "head": log.head(last),
            "lines": &log.lines[seq..=end],
        }),
    );
    assert_eq!(problem(out), "election");
}

/// A server that logs the voter's ballot with a credential signature that
/// does not verify: the line has the ballot's tracking code (the digest
/// leaves the signature out) and the receipt signs its hash, but the tally
/// excludes it (`Invalid`), so the vote is not counted. The phone's check
/// must not call that line its ballot.
#[test]
fn a_ballot_logged_with_a_broken_signature_fails_the_receipt_check() {
    use tinnhiem_core::ballot::{tracking_code, Level};
    use tinnhiem_core::log::{entry_hash, head_message, Payload, SERVER_HEAD_CONTEXT};
    use tinnhiem_tally::ExclusionReason;
    let mut m = meeting();
    let creds = m.issue_credentials(2, &mut OsRng).unwrap();
    m.open(&mut OsRng).unwrap();
    let ctx = m.tally.ballot_context().unwrap();
    let mine = m.fill(&creds[0], &[Some(Level::Low), None], None, &mut OsRng);
    let other = m.fill(&creds[1], &[Some(Level::High), None], None, &mut OsRng);
    let tracking = tracking_code(&mine.digest(&ctx));
    let mut broken = mine.clone();
    broken.signature = other.signature;
    let line = m.force(Payload::Ballot(broken), &mut OsRng);
    let seq = m.lines.len() as u64 - 1;
    let excluded = m.tally.exclusions().last().expect("excluded");
    assert_eq!(excluded.seq, seq);
    assert!(matches!(excluded.reason, ExclusionReason::Invalid(_)));
    let hash = entry_hash(&line);
    let sig = m
        .server
        .sign(SERVER_HEAD_CONTEXT, &head_message(&hash, seq), &mut OsRng);
    let line0 = String::from_utf8(m.lines[0].clone()).unwrap();
    let out = ask(
        op::CHECK_RECEIPT,
        serde_json::json!({
            "election": line0,
            "election_hash": hex(&ctx.election_hash),
            "receipt": {"tracking": tracking, "seq": seq, "entry_hash": hex(&hash),
                        "head_signature": hex(&sig.to_bytes())},
            "head": {"seq": seq, "head": hex(&hash), "signature": hex(&sig.to_bytes())},
            "lines": [String::from_utf8(line).unwrap()],
        }),
    );
    assert_eq!(problem(out), "mismatch");
}

/// A `cancel` statement signed through the page's operation is accepted by
/// the log, and the page's list of slips (numbered as printed) then says
/// which slip voted, which is cancelled and which is still unused.
#[test]
fn cancel_signed_in_the_page_is_accepted_and_the_slips_list_follows_it() {
    use tinnhiem_core::encoding::unhex_array;
    use tinnhiem_core::log::{CredentialsBody, Hex, Payload, StatementBody};

    let mut m = meeting();
    let hash = m.tally.election_hash().unwrap();
    let secret = hex(&m.trustees[0].to_bytes());
    let key = m.tally.ballot_context().unwrap().key;
    let creds = ask(
        op::MAKE_CREDENTIALS,
        serde_json::json!({"election_id": m.id, "count": 3, "base": "https://phong-hop",
            "election_hash": hex(&hash), "election_key": hex(key.as_bytes()), "seed": seed()}),
    );
    let list: Vec<String> = creds["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["public"].as_str().unwrap().to_owned())
        .collect();
    let statement = |m: &Meeting, kind: &str, list: &[String]| {
        let sig = ask(
            op::SIGN_STATEMENT,
            serde_json::json!({"election_hash": hex(&hash), "anchor": hex(&m.anchor()), "secret": secret, "signer": 0, "kind": kind, "credentials": list}),
        );
        CredentialsBody {
            credentials: list
                .iter()
                .map(|h| Hex(unhex_array(h, "c").unwrap()))
                .collect(),
            signer: 0,
            signature: Hex(unhex_array(sig["signature"].as_str().unwrap(), "s").unwrap()),
        }
    };
    let body = statement(&m, "credentials", &list);
    m.append(Payload::Credentials(body), &mut OsRng).unwrap();
    let sig = ask(
        op::SIGN_STATEMENT,
        serde_json::json!({"election_hash": hex(&hash), "anchor": hex(&m.anchor()), "secret": secret, "signer": 0, "kind": "open"}),
    );
    m.append(
        Payload::Open(StatementBody {
            signer: 0,
            signature: Hex(unhex_array(sig["signature"].as_str().unwrap(), "s").unwrap()),
        }),
        &mut OsRng,
    )
    .unwrap();
    let c = tinnhiem_core::credential::Credential::from_text(
        creds["credentials"][0]["text"].as_str().unwrap(),
    )
    .unwrap();
    let b = m.fill(&c, &[None, None], None, &mut OsRng);
    m.submit(b, &mut OsRng).unwrap();

    // A `credentials` signature does not pass for a `cancel` (another context).
    let wrong = statement(&m, "credentials", &list[1..2]);
    assert!(m.append(Payload::Cancel(wrong), &mut OsRng).is_err());
    // The slip that voted cannot be cancelled; the second can.
    let used = statement(&m, "cancel", &list[0..1]);
    assert!(m.append(Payload::Cancel(used), &mut OsRng).is_err());
    let body = statement(&m, "cancel", &list[1..2]);
    m.append(Payload::Cancel(body), &mut OsRng)
        .expect("a cancel signed in the page is accepted");

    let log = String::from_utf8(m.log_bytes()).unwrap();
    ask(op::TALLY_BEGIN, serde_json::json!({"log": log}));
    ask(
        op::TALLY_STEP,
        serde_json::json!({"lines": 1000, "seed": seed()}),
    );
    let t = ask(op::TALLY_FINISH, serde_json::json!({}));
    let slips = ask(op::SLIPS, serde_json::json!({"head": t["head"]}));
    assert_eq!(
        slips,
        serde_json::json!([
            {"n": 1, "public": list[0], "state": "used"},
            {"n": 2, "public": list[1], "state": "cancelled"},
            {"n": 3, "public": list[2], "state": "unused"},
        ])
    );
    // Another head is refused: the list is of the log the page read.
    assert!(call(
        op::SLIPS,
        br#"{"head":"0000000000000000000000000000000000000000000000000000000000000000"}"#
    )
    .is_err());
}

/// The key card's check code through the page's operation is the core's.
#[test]
fn key_check_code_in_the_page_is_the_cores() {
    let key: [u8; 32] = core::array::from_fn(|i| i as u8);
    let a = ask(op::KEY_CHECK_CODE, serde_json::json!({"secret": hex(&key)}));
    assert_eq!(a["code"], "TVZA");
    assert!(call(op::KEY_CHECK_CODE, br#"{"secret":"00"}"#).is_err());
}

/// A key made before (a key file saved, then a wrong enrollment code) gets
/// a fresh proof of knowledge for its own public key, for a later enrollment.
#[test]
fn keygen_with_a_key_made_before_proves_that_key() {
    use tinnhiem_core::encoding::unhex_array;
    use tinnhiem_core::schnorr::{PublicKey, Signature};
    use tinnhiem_core::trustee::KeyShare;

    let hash = [7u8; 32];
    let first = ask(
        op::TRUSTEE_KEYGEN,
        serde_json::json!({"election_hash": hex(&hash), "trustee": 1, "seed": seed()}),
    );
    let again = ask(
        op::TRUSTEE_KEYGEN,
        serde_json::json!({"election_hash": hex(&hash), "trustee": 1, "seed": seed(), "secret": first["secret"]}),
    );
    assert_eq!(again["secret"], first["secret"]);
    assert_eq!(again["key"], first["key"]);
    let share = KeyShare {
        index: 1,
        key: PublicKey::from_bytes(
            &unhex_array(again["key"].as_str().unwrap(), "k").unwrap(),
            "k",
        )
        .unwrap(),
        proof: Signature::from_bytes(&unhex_array(again["proof"].as_str().unwrap(), "p").unwrap())
            .unwrap(),
    };
    share
        .verify(&hash)
        .expect("proof of knowledge of the key made before");
}

/// A finished meeting of `unit` on `date` rating `person` first: its log.
fn campaign_log(unit: &str, date: &str, person: &str) -> String {
    let mut m = Meeting::create(
        Setup {
            id: None,
            title: format!("Lấy phiếu — {unit}"),
            unit: unit.into(),
            date: date.into(),
            candidates: vec![Candidate {
                name: "Nguyễn Văn A".into(),
                position: "Giám đốc".into(),
                person: Some(person.into()),
            }],
            summoned: 3,
            trustees: vec!["T".into()],
        },
        &mut OsRng,
    )
    .unwrap();
    m.record_quorum(3, &mut OsRng).unwrap();
    let creds = m.issue_credentials(2, &mut OsRng).unwrap();
    m.open(&mut OsRng).unwrap();
    use tinnhiem_core::ballot::Level;
    for (c, level) in creds.iter().zip([Level::Low, Level::High]) {
        let b = m.fill(c, &[Some(level)], None, &mut OsRng);
        m.submit(b, &mut OsRng).unwrap();
    }
    m.close(&mut OsRng).unwrap();
    m.decrypt(&mut OsRng).unwrap();
    String::from_utf8(m.log_bytes()).unwrap()
}

#[test]
fn the_campaign_page_consolidates_logs_as_the_command_line_does() {
    let a = campaign_log("Sở Y tế", "2026-08-13", "CB-0042");
    let b = campaign_log("Bệnh viện", "2026-08-11", "CB-0042");
    let out = ask(
        op::CAMPAIGN_REPORT,
        serde_json::json!({"logs": [{"name": "a.jsonl", "log": a}, {"name": "b.jsonl", "log": b}], "seed": seed()}),
    );
    assert_eq!(out["failed"], serde_json::json!([]));
    let c = &out["campaign"];
    assert_eq!(c["elections"][0]["report_due"], "2026-08-24");
    let places = c["people"][0]["places"].as_array().unwrap();
    assert_eq!(places.len(), 2, "one leader, two places: {c}");
    assert_eq!(places[0]["unit"], "Bệnh viện", "in date order");
    assert_eq!(places[0]["low"]["count"], 1);
    assert_eq!(c["violations"], serde_json::json!([]));

    // A changed byte in line 6 stops it, naming the log and the line.
    let mut lines: Vec<String> = b.lines().map(str::to_owned).collect();
    lines[6] = lines[6].replacen("\"seq\":6", "\"seq\":7", 1);
    let tampered = lines.join("\n") + "\n";
    let out = ask(
        op::CAMPAIGN_REPORT,
        serde_json::json!({"logs": [{"name": "a.jsonl", "log": a}, {"name": "b.jsonl", "log": tampered}], "seed": seed()}),
    );
    assert!(out["campaign"].is_null());
    assert_eq!(out["failed"][0]["log"], "b.jsonl");
    assert_eq!(out["failed"][0]["failure"]["seq"], 6);
    // The same election twice is not consolidated.
    let out = ask(
        op::CAMPAIGN_REPORT,
        serde_json::json!({"logs": [{"name": "a.jsonl", "log": a}, {"name": "a2.jsonl", "log": a}], "seed": seed()}),
    );
    assert!(out["duplicate"]
        .as_str()
        .unwrap()
        .contains("a.jsonl và a2.jsonl"));
}

fn ask_err(op: u32, req: serde_json::Value) -> String {
    match call(op, req.to_string().as_bytes()) {
        Ok(v) => panic!("op {op} answered {}", String::from_utf8_lossy(&v)),
        Err(e) => serde_json::from_slice::<serde_json::Value>(&e).unwrap()["error"]
            .as_str()
            .unwrap()
            .to_owned(),
    }
}

#[test]
fn a_sealed_ballot_opens_to_its_marks_and_the_log_accepts_the_audit() {
    let mut m = meeting();
    let creds = m.issue_credentials(1, &mut OsRng).unwrap();
    m.open(&mut OsRng).unwrap();
    let ctx = m.tally.ballot_context().unwrap();
    let election = serde_json::json!({
        "election_hash": hex(&ctx.election_hash),
        "election_key": hex(ctx.key.as_bytes()),
    });
    let req = serde_json::json!({
        "election_id": m.id,
        "election_hash": hex(&ctx.election_hash),
        "election_key": hex(ctx.key.as_bytes()),
        "credential": creds[0].to_text().as_str(),
        "choices": ["confidence", null],
        "signed_by": null,
        "seed": seed(),
    });
    let sealed = ask(op::SEAL_BALLOT, req.clone());
    let seal = sealed["seal"].as_str().unwrap().to_owned();
    assert_eq!(seal.len(), 19);
    assert_eq!(sealed["tracking"].as_str().unwrap().len(), 9);
    // Another seal code is refused, and the sealed ballot stays held.
    assert!(ask_err(
        op::OPEN_SEALED,
        serde_json::json!({"seal": "0000-0000-0000-0000"})
    )
    .contains("not the sealed ballot"));
    let opened = ask(
        op::OPEN_SEALED,
        serde_json::json!({"seal": seal.to_lowercase().replace('-', "")}),
    );
    assert_eq!(
        opened["audit"]["choices"],
        serde_json::json!(["confidence", "none"])
    );
    // Opening wiped the sealed state: a second opening is refused.
    assert!(
        ask_err(op::OPEN_SEALED, serde_json::json!({"seal": seal})).contains("no sealed ballot")
    );
    // The second device's check.
    let checked = ask(
        op::CHECK_AUDIT,
        serde_json::json!({"election": election, "audit": opened["audit"]}),
    );
    assert_eq!(checked["ok"], true);
    assert_eq!(checked["seal"], seal.as_str());
    assert_eq!(
        checked["choices"],
        serde_json::json!(["confidence", "none"])
    );
    // The log accepts the opening as an audit line.
    let body: tinnhiem_core::log::AuditBody =
        serde_json::from_value(opened["audit"].clone()).unwrap();
    m.audit(body, &mut OsRng).expect("the audit verifies");
    assert_eq!(m.tally.audits()[0].seal, seal);
    // The credential's signature on the seal digest verifies.
    let public = tinnhiem_core::schnorr::PublicKey::from_bytes(
        &tinnhiem_core::encoding::unhex_array(opened["credential"].as_str().unwrap(), "c").unwrap(),
        "c",
    )
    .unwrap();
    let sig = tinnhiem_core::schnorr::Signature::from_bytes(
        &tinnhiem_core::encoding::unhex_array(opened["signature"].as_str().unwrap(), "s").unwrap(),
    )
    .unwrap();
    let digest = m.tally.audits()[0].seal_digest;
    sig.verify(&public, "audit", &digest)
        .expect("audit signature");
}

/// A meeting open for voting with one slip issued, and the `seal_ballot`
/// (or `encrypt_ballot`) request of that slip for `choices`.
fn seal_request(
    choices: serde_json::Value,
) -> (
    Meeting,
    tinnhiem_core::ballot::ElectionContext,
    serde_json::Value,
) {
    let mut m = meeting();
    let creds = m.issue_credentials(1, &mut OsRng).unwrap();
    m.open(&mut OsRng).unwrap();
    let ctx = m.tally.ballot_context().unwrap();
    let req = serde_json::json!({
        "election_id": m.id,
        "election_hash": hex(&ctx.election_hash),
        "election_key": hex(ctx.key.as_bytes()),
        "credential": creds[0].to_text().as_str(),
        "choices": choices,
        "seed": seed(),
    });
    (m, ctx, req)
}

#[test]
fn a_page_that_encrypts_other_marks_is_caught_by_check_audit() {
    let (_m, ctx, req) = seal_request(serde_json::json!(["low", "high"]));
    let seal = ask(op::SEAL_BALLOT, req)["seal"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut opened = ask(op::OPEN_SEALED, serde_json::json!({ "seal": seal }));
    // A dishonest page claims the second mark was "confidence".
    opened["audit"]["choices"][1] = "confidence".into();
    let checked = ask(
        op::CHECK_AUDIT,
        serde_json::json!({
            "election": {"election_hash": hex(&ctx.election_hash), "election_key": hex(ctx.key.as_bytes())},
            "audit": opened["audit"],
        }),
    );
    assert_eq!(checked["ok"], false);
    assert_eq!(checked["candidate"], 1);
    assert_eq!(checked["level"], "high");
}

#[test]
fn forget_sealed_wipes_the_opening() {
    let (mut m, _ctx, req) = seal_request(serde_json::json!(["low", "high"]));
    let sealed = ask(op::SEAL_BALLOT, req);
    assert_eq!(
        ask(op::FORGET_SEALED, serde_json::json!({})),
        serde_json::json!({})
    );
    assert!(
        ask_err(op::OPEN_SEALED, serde_json::json!({"seal": sealed["seal"]}))
            .contains("no sealed ballot")
    );
    // The ballot itself is still cast and counted.
    let ballot: tinnhiem_core::ballot::Ballot =
        serde_json::from_value(sealed["ballot"].clone()).unwrap();
    m.submit(ballot, &mut OsRng).expect("counted");
}

/// The server's promise on an audit (PROTOCOL.md §6.8): its signature,
/// context `audit-promise`, on `H ‖ seal digest`.
fn promise(m: &Meeting, digest: &[u8; 32]) -> String {
    let mut msg = [0u8; 64];
    msg[..32].copy_from_slice(&m.tally.election_hash().unwrap());
    msg[32..].copy_from_slice(digest);
    hex(&m.server.sign("audit-promise", &msg, &mut OsRng).to_bytes())
}

#[test]
fn check_audit_verifies_the_servers_promise_and_flags_a_forged_one() {
    let (m, ctx, req) = seal_request(serde_json::json!(["high", "low"]));
    let seal = ask(op::SEAL_BALLOT, req)["seal"]
        .as_str()
        .unwrap()
        .to_owned();
    let opened = ask(op::OPEN_SEALED, serde_json::json!({ "seal": seal }));
    let body: tinnhiem_core::log::AuditBody =
        serde_json::from_value(opened["audit"].clone()).unwrap();
    let good = promise(&m, &body.seal_digest(&ctx.election_hash));
    let server_key = hex(m.server.public().as_bytes());
    let check = |promise: &str| {
        ask(
            op::CHECK_AUDIT,
            serde_json::json!({
                "election": {
                    "election_hash": hex(&ctx.election_hash),
                    "election_key": hex(ctx.key.as_bytes()),
                    "server_key": server_key,
                },
                "audit": opened["audit"],
                "promise": promise,
            }),
        )
    };
    let ok = check(&good);
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["promise_ok"], true);
    // One hex digit changed, anywhere: the promise no longer verifies
    // (a signature that does not decode is a promise that fails too).
    for at in [0, 63, 64, 127] {
        let mut forged = good.clone().into_bytes();
        forged[at] = if forged[at] == b'0' { b'1' } else { b'0' };
        let out = check(&String::from_utf8(forged).unwrap());
        assert_eq!(out["ok"], true, "the opening itself still holds");
        assert_eq!(out["promise_ok"], false, "digit {at} changed");
    }
    // A promise of another audit (another seal digest) fails too.
    assert_eq!(check(&promise(&m, &[7; 32]))["promise_ok"], false);
    assert_eq!(check("not hex")["promise_ok"], false);
    // Without a promise the answer says nothing of it; a promise without
    // the server's key is an error, never a silent success.
    let plain = ask(
        op::CHECK_AUDIT,
        serde_json::json!({
            "election": {"election_hash": hex(&ctx.election_hash), "election_key": hex(ctx.key.as_bytes())},
            "audit": opened["audit"],
        }),
    );
    assert!(plain.get("promise_ok").is_none());
    assert!(ask_err(
        op::CHECK_AUDIT,
        serde_json::json!({
            "election": {"election_hash": hex(&ctx.election_hash), "election_key": hex(ctx.key.as_bytes())},
            "audit": opened["audit"],
            "promise": good,
        }),
    )
    .contains("server_key"));
}

#[test]
fn a_cast_ballot_is_found_by_its_seal_code_in_the_verified_log_counted_or_excluded() {
    let mut m = meeting();
    let creds = m.issue_credentials(2, &mut OsRng).unwrap();
    m.open(&mut OsRng).unwrap();
    let ctx = m.tally.ballot_context().unwrap();
    // The voter's page seals, shows the seal code, and sends.
    let sealed = ask(
        op::SEAL_BALLOT,
        serde_json::json!({
            "election_id": m.id,
            "election_hash": hex(&ctx.election_hash),
            "election_key": hex(ctx.key.as_bytes()),
            "credential": creds[0].to_text().as_str(),
            "choices": ["confidence", "high"],
            "seed": seed(),
        }),
    );
    ask(op::FORGET_SEALED, serde_json::json!({}));
    let seal = sealed["seal"].as_str().unwrap().to_owned();
    let ballot: tinnhiem_core::ballot::Ballot =
        serde_json::from_value(sealed["ballot"].clone()).unwrap();
    let counted_at = m.submit(ballot, &mut OsRng).expect("counted").seq;
    // Another ballot with the same slip, forced into the log: excluded.
    let again = m.seal(
        &creds[0],
        &[None, Some(tinnhiem_core::ballot::Level::Low)],
        &mut OsRng,
    );
    let again_seal = again.seal_code();
    m.force(
        tinnhiem_core::log::Payload::Ballot(again.into_ballot()),
        &mut OsRng,
    );
    let excluded_at = m.lines.len() as u64 - 1;
    // An audit's seal code is not a cast ballot's.
    let audited = m.seal(
        &creds[1],
        &[Some(tinnhiem_core::ballot::Level::High), None],
        &mut OsRng,
    );
    let audited_seal = audited.seal_code();
    m.audit(audited.audit_body().unwrap(), &mut OsRng).unwrap();

    let log = String::from_utf8(m.log_bytes()).unwrap();
    ask(op::TALLY_BEGIN, serde_json::json!({ "log": log }));
    ask(
        op::TALLY_STEP,
        serde_json::json!({"lines": 1000, "seed": seed()}),
    );
    let found = ask(
        op::FIND_BALLOT,
        serde_json::json!({ "seal": seal.to_lowercase().replace('-', "") }),
    );
    assert_eq!(found["seal"], seal.as_str());
    assert_eq!(found["seq"], counted_at);
    assert_eq!(found["counted"], true);
    assert!(found.get("reason").is_none());
    let excluded = ask(op::FIND_BALLOT, serde_json::json!({ "seal": again_seal }));
    assert_eq!(excluded["seq"], excluded_at);
    assert_eq!(excluded["counted"], false);
    assert!(excluded["reason"]
        .as_str()
        .unwrap()
        .contains(&format!("entry {counted_at}")));
    assert!(!excluded["reason_vi"].as_str().unwrap().is_empty());
    for unknown in [audited_seal.as_str(), "ZZZZ-ZZZZ-ZZZZ-ZZZZ"] {
        let none = ask(op::FIND_BALLOT, serde_json::json!({ "seal": unknown }));
        assert_eq!(none["seq"], serde_json::Value::Null, "{unknown}");
        assert_eq!(none["counted"], false);
    }
    assert!(ask_err(op::FIND_BALLOT, serde_json::json!({"seal": "ABC"})).contains("seal code"));
    // Only the lines verified: a log loaded and not yet stepped finds
    // nothing.
    ask(op::TALLY_BEGIN, serde_json::json!({ "log": log }));
    assert_eq!(
        ask(op::FIND_BALLOT, serde_json::json!({ "seal": seal }))["seq"],
        serde_json::Value::Null
    );
}

#[test]
fn an_audit_is_found_by_its_seal_code_in_the_verified_log_with_its_body_and_whether_voting_is_closed(
) {
    let mut m = meeting();
    let creds = m.issue_credentials(2, &mut OsRng).unwrap();
    m.open(&mut OsRng).unwrap();
    let ctx = m.tally.ballot_context().unwrap();
    let election = serde_json::json!({
        "election_hash": hex(&ctx.election_hash),
        "election_key": hex(ctx.key.as_bytes()),
    });
    let opened = m.seal(
        &creds[0],
        &[Some(tinnhiem_core::ballot::Level::Low), None],
        &mut OsRng,
    );
    let seal = opened.seal_code();
    let other = m.seal(
        &creds[1],
        &[None, Some(tinnhiem_core::ballot::Level::High)],
        &mut OsRng,
    );
    let other_seal = other.seal_code();
    // A cast ballot's seal code is not an audit's.
    let cast = m.seal(
        &creds[1],
        &[Some(tinnhiem_core::ballot::Level::High), None],
        &mut OsRng,
    );
    let cast_seal = cast.seal_code();
    m.submit(cast.into_ballot(), &mut OsRng).expect("counted");
    let voting = String::from_utf8(m.log_bytes()).unwrap();
    m.close_with_audits(
        vec![opened.audit_body().unwrap(), other.audit_body().unwrap()],
        &mut OsRng,
    )
    .unwrap();
    let log = String::from_utf8(m.log_bytes()).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let at = lines
        .iter()
        .position(|l| {
            l["kind"] == "audit"
                && ask(
                    op::CHECK_AUDIT,
                    serde_json::json!({"election": election, "audit": l["body"]}),
                )["seal"]
                    == seal.as_str()
        })
        .expect("the audit is in the log");

    ask(op::TALLY_BEGIN, serde_json::json!({ "log": log }));
    ask(
        op::TALLY_STEP,
        serde_json::json!({"lines": 1000, "seed": seed()}),
    );
    let found = ask(
        op::FIND_AUDIT,
        serde_json::json!({ "seal": seal.to_lowercase().replace('-', "") }),
    );
    assert_eq!(found["seal"], seal.as_str());
    assert_eq!(found["seq"], at as u64);
    assert_eq!(
        found["audit"], lines[at]["body"],
        "the line's body as the log has it"
    );
    assert_eq!(found["closed"], true);
    // The page opens it with op 25: the same seal code, the voter's marks.
    let checked = ask(
        op::CHECK_AUDIT,
        serde_json::json!({"election": election, "audit": found["audit"]}),
    );
    assert_eq!(checked["seal"], seal.as_str());
    assert_eq!(checked["ok"], true);
    assert_eq!(checked["choices"], serde_json::json!(["low", "none"]));
    assert_ne!(
        ask(op::FIND_AUDIT, serde_json::json!({ "seal": other_seal }))["seq"],
        serde_json::Value::Null
    );
    // A cast ballot's code and a code nobody has: not found, in a closed log
    // (so never published).
    for unknown in [cast_seal.as_str(), "ZZZZ-ZZZZ-ZZZZ-ZZZZ"] {
        let none = ask(op::FIND_AUDIT, serde_json::json!({ "seal": unknown }));
        assert_eq!(none["seq"], serde_json::Value::Null, "{unknown}");
        assert_eq!(none["audit"], serde_json::Value::Null, "{unknown}");
        assert_eq!(none["closed"], true);
    }
    assert!(ask_err(op::FIND_AUDIT, serde_json::json!({"seal": "ABC"})).contains("seal code"));
    // Only the lines verified: a log loaded and not yet stepped finds
    // nothing and is not closed; the log of the voting phase has no audit
    // yet (they are published at the close) and is not closed either.
    ask(op::TALLY_BEGIN, serde_json::json!({ "log": log }));
    let early = ask(op::FIND_AUDIT, serde_json::json!({ "seal": seal }));
    assert_eq!(early["seq"], serde_json::Value::Null);
    assert_eq!(early["closed"], false);
    ask(op::TALLY_BEGIN, serde_json::json!({ "log": voting }));
    ask(
        op::TALLY_STEP,
        serde_json::json!({"lines": 1000, "seed": seed()}),
    );
    let pending = ask(op::FIND_AUDIT, serde_json::json!({ "seal": seal }));
    assert_eq!(pending["seq"], serde_json::Value::Null);
    assert_eq!(pending["closed"], false);
}
