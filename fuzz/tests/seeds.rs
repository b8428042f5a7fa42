//! The seed corpora are what the targets say they are: the honest logs and
//! the honest script verify, and the script with bad ballots leaves exactly
//! those out. (Run with `cargo +nightly test` in `fuzz/`.)

use std::path::Path;

use rand_chacha::rand_core::SeedableRng;

use tinnhiem_fuzz::script::build_log;
use tinnhiem_fuzz::verify::{check_log, fast};
use tinnhiem_tally::ExclusionReason;

fn corpus(target: &str, name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target)
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn mini_log_verifies() {
    let log = corpus("verify_log", "mini.log");
    check_log(&log);
    let (result, exclusions, _) = fast(&log, Some(1)).expect("honest log");
    assert_eq!(result.returned, 2);
    assert!(exclusions.is_empty());
}

#[test]
fn honest_script_verifies() {
    let log = build_log(&corpus("verify_script", "honest")).expect("script");
    check_log(&log);
    let (result, exclusions, entries) = fast(&log, Some(1)).expect("honest script");
    assert_eq!(entries, 14);
    assert_eq!(result.returned, 3);
    assert_eq!(result.issued, 4);
    assert!(exclusions.is_empty());
    assert_eq!(result.candidates[0].high.count, 1);
    assert_eq!(result.candidates[0].invalid, 1);
}

#[test]
fn exclusions_script_leaves_out_the_bad_ballots() {
    let log = build_log(&corpus("verify_script", "exclusions")).expect("script");
    check_log(&log);
    let (result, exclusions, _) = fast(&log, Some(1)).expect("the log itself is sound");
    assert_eq!(result.returned, 3);
    let reasons: Vec<_> = exclusions.iter().map(|e| e.reason.clone()).collect();
    assert!(
        matches!(reasons[0], ExclusionReason::Repeated(_)),
        "{reasons:?}"
    );
    assert_eq!(reasons[1], ExclusionReason::NotIssued);
    assert_eq!(reasons[2], ExclusionReason::OutsideVoting);
    assert_eq!(reasons.len(), 3);
}

#[test]
fn long_seeds_take_the_parallel_path() {
    // More than one chunk of lines after the header.
    let log = corpus("verify_log", "long.log");
    assert!(tinnhiem_tally::split_lines(&log).len() > 64 + 3);
    check_log(&log);
    assert_eq!(fast(&log, Some(2)).expect("honest").0.returned, 80);
    let log = build_log(&corpus("verify_script", "long")).expect("script");
    assert!(tinnhiem_tally::split_lines(&log).len() > 64 + 4);
    check_log(&log);
    let (result, exclusions, _) = fast(&log, Some(2)).expect("sound");
    assert_eq!(result.returned, 4);
    assert_eq!(exclusions.len(), 2);
}

#[test]
fn committee_failure_seeds_fail_where_they_should() {
    use tinnhiem_tally::Reason;
    let reason = |name: &str| {
        let log = build_log(&corpus("verify_script", name)).expect("script");
        check_log(&log);
        fast(&log, Some(1)).expect_err("a bad log").reason
    };
    assert_eq!(
        reason("bad-share"),
        Reason::Decryption {
            trustee: 1,
            item: 0
        }
    );
    assert!(matches!(
        reason("short-decryption"),
        Reason::DecryptionCount { found: 1, .. }
    ));
    assert!(matches!(reason("wrong-result"), Reason::WrongResult { .. }));
}

#[test]
fn threshold_script_runs_the_ceremony_with_an_upheld_complaint_and_verifies() {
    let log = build_log(&corpus("verify_script", "threshold")).expect("script");
    check_log(&log);
    let kinds: Vec<String> = tinnhiem_tally::split_lines(&log)
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            v["kind"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "dealing").count(), 3);
    assert_eq!(kinds.iter().filter(|k| *k == "complaint").count(), 1);
    assert_eq!(kinds.iter().filter(|k| *k == "shares_ok").count(), 3);
    let (result, exclusions, entries) = fast(&log, Some(1)).expect("a 2-of-3 log that holds");
    assert_eq!(entries, 22);
    assert!(exclusions.is_empty());
    assert_eq!(result.returned, 3);
    assert_eq!(result.candidates[0].low.count, 2);
    // Member 0, the bad dealer, was disqualified: its decryption fails.
    let script = String::from_utf8(corpus("verify_script", "threshold")).unwrap();
    let disqualified = script.replace(
        "decryption {\"trustee\":1,\"shares\":[]}",
        "decryption {\"trustee\":0,\"shares\":[]}",
    );
    let log = build_log(disqualified.as_bytes()).expect("script");
    assert_eq!(
        fast(&log, Some(1))
            .expect_err("a disqualified member decrypts")
            .reason,
        tinnhiem_tally::Reason::NotQualified(0)
    );
}

#[test]
fn audit_scripts_publish_openings_and_catch_a_lie() {
    // Two honest audits before the casts: listed, never counted.
    let log = build_log(&corpus("verify_script", "audit")).expect("script");
    check_log(&log);
    let (result, exclusions, entries) = fast(&log, Some(1)).expect("honest audits");
    assert_eq!(entries, 16);
    assert_eq!(result.returned, 3);
    assert!(exclusions.is_empty());
    let mut rng = rand_chacha::ChaCha20Rng::from_seed([1; 32]);
    let mut t = tinnhiem_tally::Tally::new();
    for l in tinnhiem_tally::split_lines(&log) {
        t.push(l, &mut rng).expect("verifies");
    }
    assert_eq!(t.audits().len(), 2);
    // A stated mark that is not the encrypted one fails at the audit.
    let log = build_log(&corpus("verify_script", "audit-lie")).expect("script");
    check_log(&log);
    assert_eq!(
        fast(&log, Some(1)).expect_err("a lying audit").reason,
        tinnhiem_tally::Reason::BadAudit {
            candidate: 1,
            option: 0
        }
    );
    // The committed vector, a seed of verify_log, verifies.
    let log = corpus("verify_log", "audit.log");
    check_log(&log);
    fast(&log, Some(1)).expect("the audit vector");
}

#[test]
fn wasm_call_seeds_reach_their_operations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/wasm_call");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus/wasm_call") {
        let data = std::fs::read(entry.expect("entry").path()).expect("seed");
        tinnhiem_fuzz::wasm::check_call(&data);
        seen += 1;
    }
    assert!(seen >= 7, "{seen} seeds");
    // Each seed gets the answer it was written for, not a decoding error.
    let answer = |name: &str| {
        let data = corpus("wasm_call", name);
        tinnhiem_wasm::api::call(u32::from(data[0]), &data[1..])
    };
    let ok = |name: &str| {
        let a = answer(name).unwrap_or_else(|e| panic!("{name}: {}", String::from_utf8_lossy(&e)));
        serde_json::from_slice::<serde_json::Value>(&a).expect("JSON")
    };
    assert!(ok("credential")["public"].is_string());
    assert!(ok("seal")["seal"].as_str().is_some_and(|s| s.len() == 19));
    assert!(ok("fingerprint")["fingerprint"].is_string());
    assert_eq!(ok("tally-begin")["failed"], false);
    // The log just loaded, not yet verified: no audit found in it.
    assert_eq!(ok("find-audit")["seq"], serde_json::Value::Null);
    for refused in ["credential-mistyped", "open-other", "unknown-op"] {
        let e = answer(refused).expect_err(refused);
        let text = String::from_utf8_lossy(&e);
        assert!(!text.contains("bad request"), "{refused}: {text}");
    }
}

#[test]
fn a_wasm_error_never_repeats_the_credential_it_was_given() {
    // A credential text that is long enough to be a secret and does not
    // decode: the module must say so without quoting it.
    let body = br#"{"election_id":"x","credential":"ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"}"#;
    let e = tinnhiem_wasm::api::call(2, body).expect_err("not a credential");
    assert!(!String::from_utf8_lossy(&e).contains("ZZZZ-ZZZZ"));
    tinnhiem_fuzz::wasm::check_call(&[&[2u8][..], body].concat());
}
