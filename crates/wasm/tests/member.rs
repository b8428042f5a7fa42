//! A committee member's operations (`member_step`, `member_decryption`,
//! `check_key`), run natively through the JSON interface as the console
//! runs them: the page verifies the log (`tally_begin`, `tally_step`,
//! `tally_finish`), gives back the head it read with the member's key, and
//! posts what the answer says. Three members reach the election key this
//! way, any two of them decrypt, a bad dealing is complained about, and a
//! key that is not the member's is refused at once.

use rand::RngCore;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use tinnhiem_core::dkg::{Dealing, DEALING_CONTEXT};
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{Candidate, Payload};
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_wasm::api::{call, op};

fn setup(n: usize) -> Setup {
    Setup {
        id: Some("ban-kiem-phieu".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Y tế".into(),
        date: "2026-11-28".into(),
        candidates: (0..2)
            .map(|j| Candidate {
                name: format!("Người {j}"),
                position: "Phó Giám đốc".into(),
                person: None,
            })
            .collect(),
        summoned: 9,
        trustees: (0..n).map(|i| format!("Thành viên {i}")).collect(),
    }
}

fn seed(rng: &mut ChaCha20Rng) -> String {
    let mut s = [0u8; 32];
    rng.fill_bytes(&mut s);
    hex(&s)
}

fn ask(op: u32, req: Value) -> Value {
    let out = call(op, req.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("op {op}: {}", String::from_utf8_lossy(&e)));
    serde_json::from_slice(&out).expect("JSON")
}

fn refused(op: u32, req: Value) -> String {
    let e = call(op, req.to_string().as_bytes()).expect_err("refused");
    let v: Value = serde_json::from_slice(&e).expect("JSON");
    v["error"].as_str().expect("an error text").to_owned()
}

/// The page's verification of the log: every line, then the outcome.
fn verify(lines: &[Vec<u8>]) -> Value {
    let mut log = Vec::new();
    for l in lines {
        log.extend_from_slice(l);
        log.push(b'\n');
    }
    let log = String::from_utf8(log).expect("UTF-8");
    ask(op::TALLY_BEGIN, json!({ "log": log }));
    let p = ask(
        op::TALLY_STEP,
        json!({ "lines": 100000, "seed": "00".repeat(32) }),
    );
    assert_eq!(p["failed"], false, "the log verifies");
    ask(op::TALLY_FINISH, json!({}))
}

fn secret(m: &Meeting, j: u32) -> String {
    hex(&m.trustees[j as usize].to_bytes())
}

fn step(m: &Meeting, j: u32, rng: &mut ChaCha20Rng) -> Value {
    let a = verify(&m.lines);
    ask(
        op::MEMBER_STEP,
        json!({ "member": j, "secret": secret(m, j), "head": a["head"], "seed": seed(rng) }),
    )
}

/// What the server appends for a post (the body as the route takes it).
fn post(m: &mut Meeting, answer: &Value, rng: &mut ChaCha20Rng) {
    let body = answer["post"]["body"].clone();
    let payload = match answer["post"]["route"].as_str().expect("a route") {
        "dealings" => Payload::Dealing(serde_json::from_value(body).expect("a dealing body")),
        "complaints" => Payload::Complaint(serde_json::from_value(body).expect("a complaint")),
        "shares_ok" => Payload::SharesOk(serde_json::from_value(body).expect("a statement")),
        other => panic!("unknown route {other}"),
    };
    m.append(payload, rng).expect("the log accepts the post");
}

/// Every member in `order` asks for its step and posts it, until no one has
/// anything to post; then the server appends the election key. Returns each
/// member's last step kind.
fn ceremony(m: &mut Meeting, order: &[u32], rng: &mut ChaCha20Rng) -> Vec<String> {
    let mut last = vec![String::new(); m.trustees.len()];
    loop {
        let mut posted = false;
        for &j in order {
            let a = step(m, j, rng);
            last[j as usize] = a["kind"].as_str().expect("a kind").to_owned();
            if !a["post"].is_null() {
                post(m, &a, rng);
                posted = true;
            }
        }
        if !posted {
            break;
        }
    }
    assert!(
        m.append_qualified_election_key(rng)
            .expect("the election key"),
        "the election key"
    );
    last
}

fn vote_and_close(m: &mut Meeting, rng: &mut ChaCha20Rng) -> Vec<[u64; 3]> {
    m.vote_in_turn(7, 3, rng).expect("a vote")
}

fn decrypt(m: &Meeting, j: u32, rng: &mut ChaCha20Rng) -> Value {
    let a = verify(&m.lines);
    ask(
        op::MEMBER_DECRYPTION,
        json!({ "member": j, "secret": secret(m, j), "head": a["head"], "seed": seed(rng) }),
    )
}

#[test]
fn three_members_reach_the_election_key_by_member_step_one_resuming_mid_way() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let mut m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    let a = verify(&m.lines);
    assert_eq!(a["threshold"], 2);
    // Members 0 and 1 deal; member 2's page is closed before it does.
    for j in 0..2 {
        let s = step(&m, j, &mut rng);
        assert_eq!(s["kind"], "deal", "{s}");
        assert_eq!(s["post"]["route"], "dealings");
        assert!(s["post"]["body"]["dealing"].is_string());
        post(&mut m, &s, &mut rng);
    }
    let s = step(&m, 0, &mut rng);
    assert_eq!(s["kind"], "await_dealings");
    assert_eq!(s["waiting_for"], json!([2]));
    // Member 2 comes back with its key file: the log says it has to deal.
    let s = step(&m, 2, &mut rng);
    assert_eq!(s["kind"], "deal");
    post(&mut m, &s, &mut rng);
    // Member 1 confirms its shares; member 0 then waits for 2 only.
    let s = step(&m, 1, &mut rng);
    assert_eq!(s["kind"], "shares_ok", "{s}");
    assert_eq!(s["post"]["route"], "shares_ok");
    assert_eq!(s["post"]["body"]["signer"], 1);
    post(&mut m, &s, &mut rng);
    let s = step(&m, 1, &mut rng);
    assert_eq!(s["kind"], "await_shares_ok");
    assert_eq!(s["waiting_for"], json!([0, 2]));
    let last = ceremony(&mut m, &[2, 0, 1], &mut rng);
    assert_eq!(last, vec!["await_election_key"; 3]);
    for j in 0..3 {
        assert_eq!(step(&m, j, &mut rng)["kind"], "done");
    }
    assert!(verify(&m.lines)["election_key"].is_string());
}

#[test]
fn any_two_of_three_decrypt_and_the_count_says_how_many_more() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mut m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    ceremony(&mut m, &[0, 1, 2], &mut rng);
    let expected = vote_and_close(&mut m, &mut rng);
    let a = verify(&m.lines);
    assert_eq!(a["decryptions_needed"], 2);
    let d = decrypt(&m, 2, &mut rng);
    assert!(d["refused"].is_null(), "{d}");
    assert_eq!(d["decryption"]["trustee"], 2);
    assert_eq!(d["decryption"]["shares"].as_array().map(Vec::len), Some(6));
    let body = serde_json::from_value(d["decryption"].clone()).expect("a decryption body");
    m.append(Payload::Decryption(body), &mut rng)
        .expect("the log accepts it");
    assert_eq!(verify(&m.lines)["decryptions_needed"], 1);
    assert_eq!(
        decrypt(&m, 2, &mut rng)["refused"],
        json!({ "code": "already_decrypted", "member": 2, "reason": "member 2 has already decrypted" })
    );
    let d = decrypt(&m, 0, &mut rng);
    let body = serde_json::from_value(d["decryption"].clone()).expect("a decryption body");
    m.append(Payload::Decryption(body), &mut rng)
        .expect("the log accepts it");
    let a = verify(&m.lines);
    assert_eq!(a["decryptions_needed"], 0);
    assert_eq!(a["decrypted_counts"], json!(expected));
    m.publish_result(&mut rng)
        .expect("the result of members 0 and 2");
}

#[test]
fn before_the_close_a_member_is_told_voting_is_not_closed() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let mut m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    ceremony(&mut m, &[1, 2, 0], &mut rng);
    let d = decrypt(&m, 0, &mut rng);
    assert!(d["decryption"].is_null());
    assert_eq!(d["refused"]["code"], "not_closed");
}

#[test]
fn a_bad_dealing_is_complained_about_and_its_dealer_may_not_decrypt() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let mut m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    let params = m.tally.threshold_params().expect("threshold");
    for j in 0..3 {
        let mut s = step(&m, j, &mut rng);
        if j == 0 {
            // Member 0 deals member 1 a wrong share, signed again.
            let hexed = s["post"]["body"]["dealing"].as_str().unwrap().to_owned();
            let bytes = tinnhiem_core::encoding::unhex(&hexed, "dealing").unwrap();
            let mut d = Dealing::from_bytes(&bytes, &params).unwrap();
            d.shares[1].ciphertext[0] ^= 1;
            let bytes = d.to_bytes();
            let mut msg = m.tally.election_hash().unwrap().to_vec();
            msg.extend_from_slice(&bytes[..bytes.len() - 64]);
            d.signature = m.trustees[0].sign(DEALING_CONTEXT, &msg, &mut rng);
            s["post"]["body"]["dealing"] = json!(hex(&d.to_bytes()));
        }
        post(&mut m, &s, &mut rng);
    }
    let s = step(&m, 1, &mut rng);
    assert_eq!(s["kind"], "complain", "{s}");
    assert_eq!(s["dealer"], 0);
    assert_eq!(s["post"]["route"], "complaints");
    ceremony(&mut m, &[1, 2, 0], &mut rng);
    assert_eq!(
        m.tally.threshold_public().expect("a key").qualified(),
        &[1, 2]
    );
    vote_and_close(&mut m, &mut rng);
    let d = decrypt(&m, 0, &mut rng);
    assert_eq!(d["refused"]["code"], "not_qualified");
    assert_eq!(d["refused"]["member"], 0);
}

#[test]
fn a_key_that_is_not_the_members_is_refused_at_once() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    let a = verify(&m.lines);
    let check = |member: u32, key: String| {
        ask(
            op::CHECK_KEY,
            json!({ "member": member, "secret": key, "head": a["head"] }),
        )
    };
    let own = check(0, secret(&m, 0));
    assert_eq!(
        own,
        json!({ "ok": true, "registered": true, "refused": null })
    );
    let other = check(0, secret(&m, 1));
    assert_eq!(other["ok"], false);
    assert_eq!(other["refused"]["code"], "wrong_key");
    assert_eq!(other["refused"]["member"], 0);
    assert_eq!(check(7, secret(&m, 1))["refused"]["code"], "unknown_member");
    // The step is refused the same way, and names no key.
    let s = ask(
        op::MEMBER_STEP,
        json!({ "member": 0, "secret": secret(&m, 1), "head": a["head"], "seed": seed(&mut rng) }),
    );
    assert_eq!(s["kind"], "refused");
    assert_eq!(s["refused"]["code"], "wrong_key");
    assert!(!s.to_string().contains(&secret(&m, 1)));
    // With line 0 alone, any key may still be enrolled: the step is to register.
    let a0 = verify(&m.lines[..1]);
    let c = ask(
        op::CHECK_KEY,
        json!({ "member": 0, "secret": secret(&m, 1), "head": a0["head"] }),
    );
    assert_eq!(
        c,
        json!({ "ok": true, "registered": false, "refused": null })
    );
    let s = ask(
        op::MEMBER_STEP,
        json!({ "member": 0, "secret": secret(&m, 0), "head": a0["head"], "seed": seed(&mut rng) }),
    );
    assert_eq!(s["kind"], "register");
}

#[test]
fn the_member_operations_act_only_on_the_log_verified_to_its_end_with_the_head_read() {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let mut m = Meeting::begin(setup(3), Some(2), &mut rng).expect("begin");
    let before = verify(&m.lines);
    let s = step(&m, 0, &mut rng);
    post(&mut m, &s, &mut rng);
    // The session now holds a longer log than the head the page read.
    verify(&m.lines);
    let req = |head: &Value| json!({ "member": 1, "secret": secret(&m, 1), "head": head, "seed": "11".repeat(32) });
    let e = refused(op::MEMBER_STEP, req(&before["head"]));
    assert_eq!(e, "the log verified is not the one the page read (head)");
    // A log whose lines are not all verified yet.
    let mut log = Vec::new();
    for l in &m.lines {
        log.extend_from_slice(l);
        log.push(b'\n');
    }
    ask(
        op::TALLY_BEGIN,
        json!({ "log": String::from_utf8(log).unwrap() }),
    );
    ask(
        op::TALLY_STEP,
        json!({ "lines": 1, "seed": "00".repeat(32) }),
    );
    let e = refused(op::MEMBER_DECRYPTION, req(&before["head"]));
    assert_eq!(e, "the log is not verified to its end");
}

#[test]
fn a_damaged_key_is_refused_without_echoing_it() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let m = Meeting::begin(setup(2), Some(2), &mut rng).expect("begin");
    let a = verify(&m.lines);
    let mut damaged = secret(&m, 0);
    damaged.truncate(62);
    for op in [op::MEMBER_STEP, op::MEMBER_DECRYPTION] {
        let e = refused(
            op,
            json!({ "member": 0, "secret": damaged, "head": a["head"], "seed": seed(&mut rng) }),
        );
        assert_eq!(e, "the key file is damaged");
    }
    let e = refused(
        op::CHECK_KEY,
        json!({ "member": 0, "secret": damaged, "head": a["head"] }),
    );
    assert_eq!(e, "the key file is damaged");
}
