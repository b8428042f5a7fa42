//! Audits (PROTOCOL.md §5.6, §6.3 `audit`): a voter opens a sealed ballot
//! to check the page's encryption (Benaloh's challenge); the opening is
//! published, never counted, and the slip still votes. The server appends
//! the audits sorted by seal digest just before the `close`, which the
//! committee signed before they were appended: audits are not anchors.
//! Every log is verified line by line and by the batch path on one and two
//! threads, which must agree.
//!
//! `tests/vectors/audit.jsonl` is a whole log with two audits, and
//! `tests/vectors/audit-forged.jsonl` the same meeting with an audit whose
//! marks were changed (it fails with `BadAudit`), both made from fixed
//! seeds; to change them on purpose, run
//! `TINNHIEM_REGENERATE_VECTORS=1 cargo test -p tinnhiem-tally --test audit`.

mod common;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::{seal_code, Choice, Level};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::log::{AuditBody, Candidate, Payload};
use tinnhiem_tally::json::{FailedJson, VerifiedJson};
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_tally::{verify_log_report, Phase, Reason, Tally, VerifyError};

use common::{committed_vector, failure, join, verify};

const HIGH: Choice = Some(Level::High);
const CONF: Choice = Some(Level::Confidence);
const LOW: Choice = Some(Level::Low);

fn meeting(rng: &mut ChaCha20Rng) -> Meeting {
    let setup = Setup {
        id: Some("kiem-tra-ma-hoa".into()),
        title: "Lấy phiếu tín nhiệm".into(),
        unit: "Sở Tư pháp".into(),
        date: "2026-12-01".into(),
        candidates: vec![
            Candidate {
                name: "Nguyễn Văn A".into(),
                position: "Giám đốc".into(),
                person: None,
            },
            Candidate {
                name: "Lê Thị C".into(),
                position: "Phó Giám đốc".into(),
                person: None,
            },
        ],
        summoned: 4,
        trustees: vec!["Trần Thị B".into()],
    };
    let mut m = Meeting::create(setup, rng).expect("created");
    m.record_quorum(3, rng).expect("quorum");
    m
}

/// The meeting of the vector: three slips; the first voter audits a
/// sealed ballot, then seals another and casts it; the second audits twice
/// (once with a blank entry) then casts; the third casts. The audits wait
/// for the close, sorted by seal digest, as the server keeps them.
/// Returns the meeting (closed and decrypted) and the audits in the order
/// they were made.
fn meeting_with_audits(rng: &mut ChaCha20Rng) -> (Meeting, Vec<AuditBody>) {
    let mut m = meeting(rng);
    let creds = m.issue_credentials(3, rng).expect("slips");
    m.open(rng).expect("open");
    let mut audits = Vec::new();
    let s = m.seal(&creds[0], &[HIGH, LOW], rng);
    audits.push(s.audit_body().expect("held"));
    let s = m.seal(&creds[0], &[HIGH, LOW], rng);
    m.submit(s.into_ballot(), rng)
        .expect("the audited slip votes");
    for choices in [[CONF, None], [LOW, HIGH]] {
        let s = m.seal(&creds[1], &choices, rng);
        audits.push(s.audit_body().expect("held"));
    }
    let b = m.fill(&creds[1], &[LOW, HIGH], None, rng);
    m.submit(b, rng).expect("counted");
    let b = m.fill(&creds[2], &[CONF, CONF], None, rng);
    m.submit(b, rng).expect("counted");
    m.close_with_audits(audits.clone(), rng).expect("close");
    m.decrypt(rng).expect("decrypt");
    (m, audits)
}

fn tally_of(lines: &[Vec<u8>]) -> Tally {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let mut t = Tally::new();
    for l in lines {
        t.push(l, &mut rng).expect("verifies");
    }
    t
}

/// Honest audits: published, never counted, the audited slip still votes,
/// and the close signed before they were appended verifies (audits are not
/// anchors).
#[test]
fn honest_audits_are_listed_not_counted_and_the_slip_still_votes() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let (m, audits) = meeting_with_audits(&mut rng);
    let (r, exclusions) = verify(&m.lines).expect("the log verifies");
    assert!(exclusions.is_empty());
    assert_eq!((r.issued, r.returned), (3, 3));
    let counts: Vec<[u64; 3]> = r
        .candidates
        .iter()
        .map(|c| [c.high.count, c.confidence.count, c.low.count])
        .collect();
    assert_eq!(counts, vec![[1, 1, 1], [1, 1, 1]], "only the cast ballots");
    let t = tally_of(&m.lines);
    let listed = t.audits();
    assert_eq!(listed.len(), 3);
    // Sorted by seal digest, immediately before the close.
    let close_seq = m.lines.len() as u64 - 3;
    let seqs: Vec<u64> = listed.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, vec![close_seq - 3, close_seq - 2, close_seq - 1]);
    assert!(listed
        .windows(2)
        .all(|w| w[0].seal_digest < w[1].seal_digest));
    let hash = m.tally.election_hash().unwrap();
    for a in &audits {
        let d = a.seal_digest(&hash);
        let found = listed.iter().find(|l| l.seal_digest == d).expect("listed");
        assert_eq!(found.seal, seal_code(&d));
        assert_eq!(found.choices, a.choices);
    }
}

/// An audit whose marks were changed fails at its line with `BadAudit`,
/// naming the first ciphertext that does not open.
#[test]
fn a_forged_audit_fails_at_its_line() {
    let (mut m, mut body, mut rng) = open_meeting(2, &[LOW, HIGH]);
    // The page encrypted "low" for candidate 0 and shows "high".
    body.choices[0] = HIGH;
    let seq = m.lines.len() as u64;
    m.force(Payload::Audit(body), &mut rng);
    assert_eq!(
        failure(&m.lines),
        VerifyError {
            seq,
            reason: Reason::BadAudit {
                candidate: 0,
                option: 0
            }
        }
    );
}

/// A meeting open for voting with one slip, and a sealed ballot of it.
fn open_meeting(seed: u64, choices: &[Choice]) -> (Meeting, AuditBody, ChaCha20Rng) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (m, _, body) = sealed_in_open_meeting(&mut rng, choices);
    (m, body, rng)
}

/// [`open_meeting`] from a given generator: the meeting, its one slip and
/// the opening of a ballot sealed with it.
fn sealed_in_open_meeting(
    rng: &mut ChaCha20Rng,
    choices: &[Choice],
) -> (Meeting, Credential, AuditBody) {
    let mut m = meeting(rng);
    let creds = m.issue_credentials(1, rng).expect("slips");
    m.open(rng).expect("open");
    let body = m.seal(&creds[0], choices, rng).audit_body().unwrap();
    let slip = creds.into_iter().next().expect("one slip");
    (m, slip, body)
}

/// A randomness changed by one fails at that ciphertext.
#[test]
fn a_wrong_randomness_fails_at_its_ciphertext() {
    let (mut m, mut body, mut rng) = open_meeting(3, &[LOW, None]);
    body.randomness[1][1] += tinnhiem_core::Scalar::ONE;
    let seq = m.lines.len() as u64;
    m.force(Payload::Audit(body), &mut rng);
    assert_eq!(
        failure(&m.lines),
        VerifyError {
            seq,
            reason: Reason::BadAudit {
                candidate: 1,
                option: 1
            }
        }
    );
}

/// An opening of another number of candidates than the election's is
/// malformed (the lengths are wrong), before any ciphertext is checked.
#[test]
fn an_audit_of_another_candidate_count_is_malformed() {
    let (mut m, mut one, mut rng) = open_meeting(4, &[LOW, None]);
    one.ciphertexts.pop();
    one.randomness.pop();
    one.choices.pop();
    let seq = m.lines.len() as u64;
    m.force(Payload::Audit(one), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, seq);
    assert!(matches!(e.reason, Reason::Malformed(_)), "{e}");
}

/// An audit before voting opens is out of phase.
#[test]
fn an_audit_before_the_open_is_out_of_phase() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let mut m = meeting(&mut rng);
    let creds = m.issue_credentials(1, &mut rng).expect("slips");
    // Sealed against the key, but appended before the open.
    let body = m
        .seal(&creds[0], &[CONF, CONF], &mut rng)
        .audit_body()
        .unwrap();
    let seq = m.lines.len() as u64;
    m.force(Payload::Audit(body), &mut rng);
    assert_eq!(
        failure(&m.lines),
        VerifyError {
            seq,
            reason: Reason::OutOfPhase {
                kind: "audit",
                phase: Phase::Setup
            }
        }
    );
}

/// An audit after the close is out of phase.
#[test]
fn an_audit_after_the_close_is_out_of_phase() {
    let (mut m, body, mut rng) = open_meeting(6, &[CONF, HIGH]);
    m.close(&mut rng).expect("close");
    let seq = m.lines.len() as u64;
    m.force(Payload::Audit(body), &mut rng);
    assert_eq!(
        failure(&m.lines),
        VerifyError {
            seq,
            reason: Reason::OutOfPhase {
                kind: "audit",
                phase: Phase::Closed
            }
        }
    );
}

/// An audit appended after the committee signed the `close` does not
/// move the anchor: the close still verifies, as does one after an audit
/// appended during voting.
#[test]
fn audits_are_not_anchors() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let mut m = meeting(&mut rng);
    let creds = m.issue_credentials(2, &mut rng).expect("slips");
    m.open(&mut rng).expect("open");
    let during = m
        .seal(&creds[0], &[HIGH, HIGH], &mut rng)
        .audit_body()
        .unwrap();
    m.audit(during, &mut rng).expect("an audit during voting");
    let deferred = m
        .seal(&creds[1], &[LOW, CONF], &mut rng)
        .audit_body()
        .unwrap();
    // close_with_audits signs the close, then appends the audit before it.
    m.close_with_audits(vec![deferred], &mut rng)
        .expect("the close signed before the audit verifies");
    m.decrypt(&mut rng).expect("decrypt");
    verify(&m.lines).expect("the log verifies");
    assert_eq!(tally_of(&m.lines).audits().len(), 2);
}

/// `verify --json` gains `audits` after `exclusions`, each with its line,
/// seal code and marks.
#[test]
fn the_json_document_lists_the_audits_after_the_exclusions() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let (m, _) = meeting_with_audits(&mut rng);
    let mut vr = ChaCha20Rng::seed_from_u64(6);
    let out = verify_log_report(&join(&m.lines), 2, &mut vr, &mut |_, _| {}).expect("verifies");
    let doc = serde_json::to_string(&VerifiedJson::new(
        &out.result,
        &out.exclusions,
        &out.audits,
    ))
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let audits = v["audits"].as_array().expect("an array");
    assert_eq!(audits.len(), 3);
    for (a, listed) in audits.iter().zip(&out.audits) {
        assert_eq!(a["seq"], listed.seq);
        assert_eq!(a["seal"], listed.seal.as_str());
        assert_eq!(a.as_object().unwrap().len(), 3);
    }
    let blank = audits
        .iter()
        .find(|a| a["choices"] == serde_json::json!(["confidence", "none"]));
    assert!(blank.is_some(), "a blank entry is \"none\": {doc}");
    let e = doc.find("\"exclusions\":").unwrap();
    let a = doc.find("\"audits\":").unwrap();
    assert!(e < a && doc.ends_with('}'), "audits is the last member");
}

/// The committed vectors (PROTOCOL.md §8.2): `audit.jsonl` with its result
/// and `verify --json` document; `audit-forged.jsonl`, the same meeting
/// whose first audit shows other marks than it encrypts, with its failure
/// document.
#[test]
fn the_committed_audit_vectors_regenerate_and_verify() {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors"));
    let regenerate = std::env::var("TINNHIEM_REGENERATE_VECTORS").is_ok_and(|v| v == "1");
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(b"benaloh-audits!!");
    let mut rng = ChaCha20Rng::from_seed(seed);
    let (m, _) = meeting_with_audits(&mut rng);
    let (r, exclusions) = committed_vector("audit", &m.lines);
    assert!(exclusions.is_empty());
    assert_eq!(r.returned, 3);
    let mut vr = ChaCha20Rng::seed_from_u64(0);
    let out = verify_log_report(&join(&m.lines), 1, &mut vr, &mut |_, _| {}).expect("verifies");
    let doc = serde_json::to_string_pretty(&VerifiedJson::new(
        &out.result,
        &out.exclusions,
        &out.audits,
    ))
    .unwrap()
        + "\n";
    let path = dir.join("audit.verify.json");
    if regenerate {
        std::fs::write(&path, &doc).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).expect("committed"), doc);

    // The forged one: the first audit line's first mark changed, the line
    // signed again by the (compromised) server.
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(b"forged-audit!!!!");
    let mut rng = ChaCha20Rng::from_seed(seed);
    let (mut m, slip, mut body) = sealed_in_open_meeting(&mut rng, &[LOW, CONF]);
    body.choices[1] = LOW;
    let seq = m.lines.len() as u64;
    m.force(Payload::Audit(body), &mut rng);
    let b = m.fill(&slip, &[LOW, CONF], None, &mut rng);
    m.force(Payload::Ballot(b), &mut rng);
    let bytes = join(&m.lines);
    let e = failure(&m.lines);
    assert_eq!(
        e,
        VerifyError {
            seq,
            reason: Reason::BadAudit {
                candidate: 1,
                option: 1
            }
        }
    );
    let doc = serde_json::to_string(&FailedJson::new(&e, &[])).unwrap() + "\n";
    let (log_path, doc_path) = (
        dir.join("audit-forged.jsonl"),
        dir.join("audit-forged.verify.json"),
    );
    if regenerate {
        std::fs::write(&log_path, &bytes).unwrap();
        std::fs::write(&doc_path, &doc).unwrap();
    }
    assert!(
        std::fs::read(&log_path).expect("committed") == bytes,
        "audit-forged.jsonl does not regenerate"
    );
    assert_eq!(std::fs::read_to_string(&doc_path).expect("committed"), doc);
}
