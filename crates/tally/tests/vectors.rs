//! Whole-log test vectors (PROTOCOL.md §8.2).
//!
//! `tests/vectors/` holds short, complete logs made by
//! [`tinnhiem_tally::sim::Meeting`] from `ChaCha20Rng::from_seed(..)` with the
//! seeds recorded there, with their expected `result.json`, head and
//! receipts, and a list of changed logs with the exact entry and reason at
//! which verification must fail. The tests check that:
//!
//! - every file regenerates byte for byte from its seed, so that the log
//!   format, the result format and the state machine cannot drift silently;
//! - the committed logs verify to the committed results (batch path on one
//!   and on two threads, and line by line through [`Tally::push`]), the
//!   receipts match the log, and each changed log fails where it says.
//!
//! To change the files on purpose, run
//! `TINNHIEM_REGENERATE_VECTORS=1 cargo test -p tinnhiem-tally --test vectors`
//! and commit them with the change that explains it.

use std::path::PathBuf;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use tinnhiem_core::ballot::{tracking_code, Ballot, Choice, Level};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::{hex, unhex_array};
use tinnhiem_core::log::{
    entry_hash, head_message, parse_line, Candidate, DecryptionBody, Entry, Hex, Payload,
    ResultBody, SERVER_HEAD_CONTEXT,
};
use tinnhiem_core::schnorr::{PublicKey, Signature};
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_tally::sim::{Meeting, Receipt, Setup};
use tinnhiem_tally::{
    split_lines, verify_log_with, ElectionResult, ExclusionReason, Pushed, Tally, VerifyError,
};

const REGENERATE: &str = "TINNHIEM_REGENERATE_VECTORS";

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors"))
}

fn regenerating() -> bool {
    std::env::var(REGENERATE).is_ok_and(|v| v == "1")
}

/// A 32-byte seed spelled in ASCII, zero-padded.
fn seed(tag: &str) -> [u8; 32] {
    let mut s = [0u8; 32];
    s[..tag.len()].copy_from_slice(tag.as_bytes());
    s
}

fn rng(seed: [u8; 32]) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(seed)
}

// ---------------------------------------------------------------------------
// The files' shapes (structs, so that key order is declaration order).

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct SetupVector {
    id: String,
    title: String,
    unit: String,
    date: String,
    candidates: Vec<Candidate>,
    summoned: u32,
    trustees: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct BallotScript {
    choices: Vec<Choice>,
    signed_by: Option<String>,
}

/// Secrets of a test meeting (test data only: nothing real is ever logged).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Secrets {
    server: String,
    trustees: Vec<String>,
    credentials: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct ExclusionVector {
    seq: u64,
    reason: String,
    message: String,
}

/// A meeting: how it was made and what verifying its log must give.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct MeetingVector {
    about: String,
    rng_seed: String,
    setup: SetupVector,
    present: u32,
    /// Honest ballots, cast with credentials 0, 1, ... in order.
    ballots: Vec<BallotScript>,
    /// What else happened while voting was open, in order.
    events: Vec<String>,
    secrets: Secrets,
    log: String,
    result: String,
    receipts: Option<String>,
    lines: u64,
    election_hash: String,
    head: String,
    exclusions: Vec<ExclusionVector>,
}

/// One change to the honest log.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Op {
    /// Replace the byte at `column` (0-based) of line `line` by `byte`.
    SetByte {
        line: usize,
        column: usize,
        byte: char,
    },
    /// Remove line `line`.
    Drop { line: usize },
    /// Exchange lines `line` and `line + 1`.
    Swap { line: usize },
    /// Insert a copy of line `line` after it.
    Duplicate { line: usize },
    /// Keep the first `lines` lines.
    Truncate { lines: usize },
    /// Replace line `line` by `text`.
    Replace { line: usize, text: String },
    /// Append raw bytes to the file.
    AppendRaw { text: String },
    /// End every line with `\r\n` instead of `\n`.
    Crlf,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct FailureVector {
    name: String,
    /// Applied to `honest.jsonl` in order.
    ops: Vec<Op>,
    seq: u64,
    reason: String,
    message: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct FailuresVector {
    about: String,
    log: String,
    failures: Vec<FailureVector>,
}

/// Everything the directory holds, as (file name, bytes).
struct Files(Vec<(String, Vec<u8>)>);

fn pretty<T: Serialize>(v: &T) -> Vec<u8> {
    (serde_json::to_string_pretty(v).unwrap() + "\n").into_bytes()
}

/// The enum variant of a reason: `Sequence { .. }` → `Sequence`.
fn variant(debug: String) -> String {
    debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap()
        .to_owned()
}

fn exclusion_vector(seq: u64, r: &ExclusionReason) -> ExclusionVector {
    ExclusionVector {
        seq,
        reason: variant(format!("{r:?}")),
        message: r.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Generation.

fn setup() -> SetupVector {
    SetupVector {
        id: "vectors-2023-11".into(),
        title: "Lấy phiếu tín nhiệm năm 2023".into(),
        unit: "Sở Y tế tỉnh Nam Định".into(),
        date: "2023-11-20".into(),
        candidates: vec![
            Candidate {
                name: "Nguyễn Văn A".into(),
                position: "Giám đốc Sở".into(),
                person: None,
            },
            Candidate {
                // A quote and a backslash, to show the escaping of §4.2.
                name: "Lê Thị \"Hoa\" C".into(),
                position: "Phó Giám đốc Sở \\ Trưởng phòng Kế hoạch".into(),
                person: None,
            },
        ],
        summoned: 9,
        trustees: vec!["Trần Văn D".into(), "Phạm Thị E".into()],
    }
}

fn to_setup(s: &SetupVector) -> Setup {
    Setup {
        id: Some(s.id.clone()),
        title: s.title.clone(),
        unit: s.unit.clone(),
        date: s.date.clone(),
        candidates: s.candidates.clone(),
        summoned: s.summoned,
        trustees: s.trustees.clone(),
    }
}

fn secrets(m: &Meeting, creds: &[Credential]) -> Secrets {
    Secrets {
        server: hex(&m.server.to_bytes()),
        trustees: m.trustees.iter().map(|t| hex(&t.to_bytes())).collect(),
        credentials: creds.iter().map(|c| c.to_text().to_string()).collect(),
    }
}

fn result_of(log: &[u8]) -> ElectionResult {
    verify_log_with(log, 1, &mut rng([0; 32]), &mut |_, _| {})
        .expect("the generated log verifies")
        .result
}

const HIGH: Choice = Some(Level::High);
const CONF: Choice = Some(Level::Confidence);
const LOW: Choice = Some(Level::Low);

/// The honest meeting: 2 candidates, 2 trustees, 9 summoned, 6 present
/// (R2 exactly at 2/3), 6 ballots (one blank entry, one signed), one forged
/// and one repeated ballot refused by the server. Candidate 0 gets exactly
/// 50% low (R7: no consequence), candidate 1 exactly 2/3 low (R7: 9.3).
fn honest(files: &mut Files) -> (MeetingVector, Vec<u8>) {
    let rng_seed = seed("tinnhiem/vectors/honest");
    let mut r = rng(rng_seed);
    let s = setup();
    let ballots: Vec<BallotScript> = [
        ([HIGH, LOW], None),
        ([HIGH, LOW], None),
        ([CONF, LOW], None),
        ([LOW, LOW], Some("Trần Thị B")),
        ([LOW, None], None),
        ([LOW, HIGH], None),
    ]
    .into_iter()
    .map(|(c, n)| BallotScript {
        choices: c.to_vec(),
        signed_by: n.map(str::to_owned),
    })
    .collect();
    let present = 6;
    let mut m = Meeting::create(to_setup(&s), &mut r).unwrap();
    m.record_quorum(present, &mut r).unwrap();
    let creds = m.issue_credentials(present as usize, &mut r).unwrap();
    m.open(&mut r).unwrap();
    let mut receipts = Vec::new();
    for (b, c) in ballots.iter().zip(&creds) {
        let ballot = m.fill(c, &b.choices, b.signed_by.clone(), &mut r);
        let receipt = m.submit(ballot, &mut r).expect("honest ballot accepted");
        receipts.extend(serde_json::to_vec(&receipt).unwrap());
        receipts.push(b'\n');
    }
    let blank = vec![None; s.candidates.len()];
    let fake = Credential::generate(&mut r);
    let forged = m.fill(&fake, &blank, None, &mut r);
    assert_eq!(m.submit(forged, &mut r), Err(ExclusionReason::NotIssued));
    let again = m.fill(&creds[0], &blank, None, &mut r);
    assert!(matches!(
        m.submit(again, &mut r),
        Err(ExclusionReason::Repeated(7))
    ));
    m.close(&mut r).unwrap();
    m.decrypt(&mut r).unwrap();
    let log = m.log_bytes();
    let result = result_of(&log);
    let v = MeetingVector {
        about: "An honest meeting made by tinnhiem_tally::sim::Meeting (PROTOCOL.md §8.2)".into(),
        rng_seed: hex(&rng_seed),
        setup: s,
        present,
        ballots,
        events: vec![
            "a ballot with a fresh, never issued credential: refused (forged)".into(),
            "a blank ballot with credential 0 again: refused (repeated)".into(),
        ],
        secrets: secrets(&m, &creds),
        log: "honest.jsonl".into(),
        result: "honest.result.json".into(),
        receipts: Some("honest.receipts.jsonl".into()),
        lines: m.lines.len() as u64,
        election_hash: hex(&entry_hash(&m.lines[0])),
        head: hex(&m.tally.head()),
        exclusions: Vec::new(),
    };
    files.0.push(("honest.json".into(), pretty(&v)));
    files.0.push(("honest.jsonl".into(), log.clone()));
    files.0.push(("honest.result.json".into(), pretty(&result)));
    files.0.push(("honest.receipts.jsonl".into(), receipts));
    (v, log)
}

/// Seals `payload` as the next line without the server's checks, as a
/// compromised server could (not through `Meeting::force`, so that these
/// vectors do not depend on what it does besides sealing).
fn seal_unchecked(m: &mut Meeting, payload: Payload, r: &mut ChaCha20Rng) -> Vec<u8> {
    let prev = m.lines.last().map_or([0; 32], |l| entry_hash(l));
    let (_, line) = Entry::seal(m.lines.len() as u64, prev, payload, &m.server, r);
    m.lines.push(line.clone());
    line
}

/// [`seal_unchecked`], then reads the line into the meeting's verifier.
fn force(m: &mut Meeting, payload: Payload, r: &mut ChaCha20Rng) -> ExclusionReason {
    let line = seal_unchecked(m, payload, r);
    match m
        .tally
        .push(&line, r)
        .expect("a forced ballot is an exclusion")
    {
        Pushed::Excluded(reason) => reason,
        Pushed::Accepted => panic!("forced ballot was counted"),
    }
}

/// A ballot with `cred` whose candidate 0 "high" is encrypted with
/// randomness 0, with honest proofs (candidate 1: "low", honest).
fn zero_randomness(m: &Meeting, cred: &Credential, r: &mut ChaCha20Rng) -> Ballot {
    use tinnhiem_core::ballot::{ballot_digest, Answer};
    use tinnhiem_core::elgamal::Ciphertext;
    use tinnhiem_core::proofs::{OrContext, OrProof};
    use tinnhiem_core::Scalar;
    let ctx = m.tally.ballot_context().unwrap();
    let public = *cred.public(&m.id).as_bytes();
    let key = *ctx.key.point();
    let orc = |option| OrContext {
        election: &ctx.election_hash,
        key: ctx.key.as_bytes(),
        credential: &public,
        candidate: 0,
        option,
    };
    let rs = [Scalar::ZERO, Scalar::random(r), Scalar::random(r)];
    let cts = [0, 1, 2].map(|k| Ciphertext::encrypt_with(&key, u64::from(k == 0), &rs[k]));
    let proofs = [0, 1, 2].map(|k| {
        let ct = &cts[k];
        OrProof::prove(
            &orc(k as u32),
            &key,
            &ct.a,
            &ct.b,
            &ct.compress(),
            k == 0,
            &rs[k],
            r,
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
        r,
    );
    let answers = vec![
        Answer {
            ciphertexts: cts.map(|c| c.compress()),
            proofs,
            sum_proof,
        },
        Answer::encrypt(&ctx, &public, 1, LOW, r),
    ];
    let digest = ballot_digest(&ctx.election_hash, &public, &answers, None);
    let signature = cred.secret_key(&m.id).sign("ballot", &digest, r);
    Ballot {
        credential: public,
        answers,
        signed_by: None,
        signature,
    }
}

/// A log in which a compromised server appended ballots the protocol does
/// not count: each is an exclusion, and the count goes on without it.
fn forced(files: &mut Files) {
    let rng_seed = seed("tinnhiem/vectors/forced");
    let mut r = rng(rng_seed);
    let mut s = setup();
    s.id = "vectors-2023-11-forced".into();
    s.summoned = 3;
    let present = 3;
    let mut m = Meeting::create(to_setup(&s), &mut r).unwrap();
    m.record_quorum(present, &mut r).unwrap();
    let creds = m.issue_credentials(present as usize, &mut r).unwrap();
    m.open(&mut r).unwrap();
    let ctx = m.tally.ballot_context().unwrap();
    let mut exclusions = Vec::new();
    let mut note = |m: &Meeting, reason: ExclusionReason| {
        exclusions.push(exclusion_vector(m.lines.len() as u64 - 1, &reason));
    };

    let ballots = vec![
        BallotScript {
            choices: vec![HIGH, LOW],
            signed_by: None,
        },
        BallotScript {
            choices: vec![LOW, None],
            signed_by: None,
        },
    ];
    // Credential 0 votes.
    let b = m.fill(&creds[0], &ballots[0].choices, None, &mut r);
    m.submit(b, &mut r).unwrap();
    // A credential the committee never issued.
    let fake = Credential::generate(&mut r);
    let b = m.fill(&fake, &[HIGH, HIGH], None, &mut r);
    let reason = force(&mut m, Payload::Ballot(b), &mut r);
    note(&m, reason);
    // Credential 0 again.
    let b = m.fill(&creds[0], &[LOW, LOW], None, &mut r);
    let reason = force(&mut m, Payload::Ballot(b), &mut r);
    note(&m, reason);
    // Credential 2's public part with credential 1's signature.
    let mut b = m.fill(&creds[1], &[LOW, LOW], None, &mut r);
    b.credential = *creds[2].public(&m.id).as_bytes();
    let reason = force(&mut m, Payload::Ballot(b), &mut r);
    note(&m, reason);
    // Credential 1, correctly signed, but candidate 0's "high" encrypts 2
    // (the proof cannot follow).
    let mut b = m.fill(&creds[1], &[HIGH, LOW], None, &mut r);
    let mut bytes = b.answers[0].to_bytes();
    let bpt = tinnhiem_core::CompressedRistretto(bytes[32..64].try_into().unwrap())
        .decompress()
        .unwrap()
        + tinnhiem_core::elgamal::Ciphertext::encrypt_with(
            ctx.key.point(),
            1,
            &tinnhiem_core::Scalar::ZERO,
        )
        .b;
    bytes[32..64].copy_from_slice(bpt.compress().as_bytes());
    b.answers[0] = tinnhiem_core::ballot::Answer::from_bytes(&bytes).unwrap();
    let digest = b.digest(&ctx);
    b.signature = creds[1].secret_key(&m.id).sign("ballot", &digest, &mut r);
    let reason = force(&mut m, Payload::Ballot(b), &mut r);
    note(&m, reason);
    // Credential 1, candidate 0's "high" encrypted with randomness 0: the
    // ciphertext is (0, G), the choice public, its proofs honest.
    let b = zero_randomness(&m, &creds[1], &mut r);
    let reason = force(&mut m, Payload::Ballot(b), &mut r);
    note(&m, reason);
    // Credential 2 votes (the bad ballots above did not use it up).
    let b = m.fill(&creds[2], &ballots[1].choices, None, &mut r);
    m.submit(b, &mut r).unwrap();
    m.close(&mut r).unwrap();
    // Credential 1, unused, but voting is closed.
    let b = Ballot::cast(&ctx, &m.id, &creds[1], &[CONF, CONF], None, &mut r);
    let reason = force(&mut m, Payload::Ballot(b), &mut r);
    note(&m, reason);
    m.decrypt(&mut r).unwrap();

    let log = m.log_bytes();
    let result = result_of(&log);
    let v = MeetingVector {
        about: "A log with ballots forced in by a compromised server; each is excluded \
                (PROTOCOL.md §6.4, §8.2)"
            .into(),
        rng_seed: hex(&rng_seed),
        setup: s,
        present,
        ballots,
        events: vec![
            "ballot 0 (credential 0) accepted".into(),
            "forced: a ballot with a never issued credential".into(),
            "forced: a ballot with credential 0 again".into(),
            "forced: credential 2's public part with credential 1's signature".into(),
            "forced: credential 1, signed, candidate 0 high encrypts 2 (proof fails)".into(),
            "forced: credential 1, candidate 0 high encrypted with randomness 0 (A is the identity)"
                .into(),
            "ballot 1 (credential 2) accepted".into(),
            "close".into(),
            "forced: credential 1 after close".into(),
        ],
        secrets: secrets(&m, &creds),
        log: "forced.jsonl".into(),
        result: "forced.result.json".into(),
        receipts: None,
        lines: m.lines.len() as u64,
        election_hash: hex(&entry_hash(&m.lines[0])),
        head: hex(&m.tally.head()),
        exclusions,
    };
    files.0.push(("forced.json".into(), pretty(&v)));
    files.0.push(("forced.jsonl".into(), log));
    files.0.push(("forced.result.json".into(), pretty(&result)));
}

/// The honest meeting again, to its decryptions, then a result entry with
/// candidate 0's high and low counts swapped, correctly signed by the server
/// and by trustee 0: the line that replaces the honest result line.
fn wrong_result_line(v: &MeetingVector) -> String {
    let mut r = rng(unhex_array(&v.rng_seed, "seed").unwrap());
    let mut m = Meeting::create(to_setup(&v.setup), &mut r).unwrap();
    m.record_quorum(v.present, &mut r).unwrap();
    let creds = m.issue_credentials(v.present as usize, &mut r).unwrap();
    m.open(&mut r).unwrap();
    for (b, c) in v.ballots.iter().zip(&creds) {
        let ballot = m.fill(c, &b.choices, b.signed_by.clone(), &mut r);
        m.submit(ballot, &mut r).unwrap();
    }
    let blank = vec![None; v.setup.candidates.len()];
    let fake = Credential::generate(&mut r);
    let forged = m.fill(&fake, &blank, None, &mut r);
    let _ = m.submit(forged, &mut r);
    let again = m.fill(&creds[0], &blank, None, &mut r);
    let _ = m.submit(again, &mut r);
    m.close(&mut r).unwrap();
    let hash = m.tally.election_hash().unwrap();
    for i in 0..m.trustees.len() {
        let totals = m.tally.totals().to_vec();
        let parts = m.trustees[i].partial_decrypt(&hash, i as u32, &totals, &mut r);
        m.append(
            Payload::Decryption(DecryptionBody {
                trustee: i as u32,
                shares: parts.iter().map(|p| Hex(p.to_bytes())).collect(),
            }),
            &mut r,
        )
        .unwrap();
    }
    let mut counts = m.tally.decrypted_counts().unwrap();
    counts[0].swap(0, 2);
    let mut body = ResultBody {
        counts,
        signer: 0,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(0, &Payload::Result(body.clone()), &mut r);
    let line = seal_unchecked(&mut m, Payload::Result(body), &mut r);
    String::from_utf8(line).unwrap()
}

/// Line 4 (the quorum) with one byte of the committee's signature changed,
/// sealed again with the server's key: only the committee's signature fails.
fn resealed_quorum(v: &MeetingVector, line: &[u8]) -> String {
    let e = parse_line(line).unwrap();
    let Payload::Quorum(mut q) = e.payload else {
        panic!("line 4 is the quorum")
    };
    q.signature.0[5] ^= 0x10;
    let server = tinnhiem_core::schnorr::SecretKey::from_bytes(
        &unhex_array(&v.secrets.server, "server").unwrap(),
    )
    .unwrap();
    let (_, resealed) = Entry::seal(
        e.seq,
        e.prev,
        Payload::Quorum(q),
        &server,
        &mut rng(seed("tinnhiem/vectors/reseal")),
    );
    String::from_utf8(resealed).unwrap()
}

fn apply(log: &[u8], ops: &[Op]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = split_lines(log).into_iter().map(<[u8]>::to_vec).collect();
    let mut crlf = false;
    let mut tail = Vec::new();
    for op in ops {
        match op {
            Op::SetByte { line, column, byte } => lines[*line][*column] = *byte as u8,
            Op::Drop { line } => {
                lines.remove(*line);
            }
            Op::Swap { line } => lines.swap(*line, *line + 1),
            Op::Duplicate { line } => {
                let l = lines[*line].clone();
                lines.insert(*line + 1, l);
            }
            Op::Truncate { lines: n } => lines.truncate(*n),
            Op::Replace { line, text } => lines[*line] = text.clone().into_bytes(),
            Op::AppendRaw { text } => tail.extend_from_slice(text.as_bytes()),
            Op::Crlf => crlf = true,
        }
    }
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(&l);
        if crlf {
            out.push(b'\r');
        }
        out.push(b'\n');
    }
    out.extend(tail);
    out
}

/// The first column of `line` holding a hex digit inside `"<key>":"` or
/// `"<key>":["`, `skip` digits in.
fn hex_column(line: &[u8], key: &str, skip: usize) -> usize {
    let text = std::str::from_utf8(line).unwrap();
    let pattern = format!("\"{key}\":");
    let at = text.find(&pattern).expect("key present") + pattern.len();
    let start = at + text[at..].find(|c: char| c.is_ascii_hexdigit()).unwrap();
    start + skip
}

fn other_hex_digit(c: u8) -> char {
    if c == b'0' {
        '1'
    } else {
        '0'
    }
}

fn failures(files: &mut Files, v: &MeetingVector, log: &[u8]) {
    let lines = split_lines(log);
    let ballot_line = 8;
    let col = hex_column(lines[ballot_line], "answers", 1000);
    let sig_col = hex_column(lines[4], "signature", 10);
    let prev_col = hex_column(lines[3], "prev", 0);
    let prev_digit = lines[3][prev_col..]
        .iter()
        .position(|c| c.is_ascii_lowercase())
        .map(|p| prev_col + p)
        .expect("a letter in prev");
    let n = lines.len();
    let cases: Vec<(&str, Vec<Op>)> = vec![
        (
            "one hex digit of a ballot's answer changed",
            vec![Op::SetByte {
                line: ballot_line,
                column: col,
                byte: other_hex_digit(lines[ballot_line][col]),
            }],
        ),
        (
            "one hex digit of the quorum line changed",
            vec![Op::SetByte {
                line: 4,
                column: sig_col,
                byte: other_hex_digit(lines[4][sig_col]),
            }],
        ),
        (
            "the quorum's committee signature changed and the line signed again by the server",
            vec![Op::Replace {
                line: 4,
                text: resealed_quorum(v, lines[4]),
            }],
        ),
        (
            "a hex letter of prev written in upper case",
            vec![Op::SetByte {
                line: 3,
                column: prev_digit,
                byte: (lines[3][prev_digit] as char).to_ascii_uppercase(),
            }],
        ),
        ("a ballot line dropped", vec![Op::Drop { line: 9 }]),
        ("two ballot lines swapped", vec![Op::Swap { line: 8 }]),
        ("a ballot line replayed", vec![Op::Duplicate { line: 7 }]),
        (
            "the log stops after voting closed",
            vec![Op::Truncate { lines: 14 }],
        ),
        (
            "a blank line at the end",
            vec![Op::AppendRaw { text: "\n".into() }],
        ),
        ("CRLF line endings", vec![Op::Crlf]),
        (
            "the result with candidate 0's high and low counts swapped, correctly signed",
            vec![Op::Replace {
                line: n - 1,
                text: wrong_result_line(v),
            }],
        ),
        (
            "the election line moved after the key shares",
            vec![Op::Swap { line: 0 }],
        ),
    ];
    let failures = cases
        .into_iter()
        .map(|(name, ops)| {
            let bytes = apply(log, &ops);
            let e = verify_log_with(&bytes, 1, &mut rng([0; 32]), &mut |_, _| {})
                .expect_err("the changed log fails");
            FailureVector {
                name: name.into(),
                ops,
                seq: e.seq,
                reason: variant(format!("{:?}", e.reason)),
                message: e.reason.to_string(),
            }
        })
        .collect();
    let f = FailuresVector {
        about: "Changes to honest.jsonl and where verification must fail (PROTOCOL.md §6, §8.2). \
                `reason` is the Reason variant; `message` its text in this implementation."
            .into(),
        log: "honest.jsonl".into(),
        failures,
    };
    files.0.push(("failures.json".into(), pretty(&f)));
}

fn generate() -> Files {
    let mut files = Files(Vec::new());
    let (v, log) = honest(&mut files);
    forced(&mut files);
    failures(&mut files, &v, &log);
    files
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("tests/vectors/{name}: {e}"))
}

/// The committed file `name` (or, when regenerating, the fresh one).
fn load(name: &str) -> Vec<u8> {
    if regenerating() {
        let files = generate();
        return files
            .0
            .into_iter()
            .find(|(n, _)| n == name)
            .expect("a generated file")
            .1;
    }
    read(name)
}

fn load_json<T: for<'a> Deserialize<'a>>(name: &str) -> T {
    serde_json::from_slice(&load(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// ---------------------------------------------------------------------------
// (a) The files regenerate byte for byte.

#[test]
fn vectors_regenerate_byte_for_byte_from_their_seeds() {
    let files = generate();
    if regenerating() {
        std::fs::create_dir_all(dir()).unwrap();
        for (name, bytes) in &files.0 {
            std::fs::write(dir().join(name), bytes).unwrap();
        }
        return;
    }
    let mut differ = Vec::new();
    for (name, bytes) in &files.0 {
        if std::fs::read(dir().join(name)).ok().as_ref() != Some(bytes) {
            differ.push(name.as_str());
        }
    }
    assert!(
        differ.is_empty(),
        "tests/vectors/{{{}}} no longer regenerate from their seeds. The log format, the result \
         format, the state machine or the meeting's use of randomness changed. If that is \
         intended, run `{REGENERATE}=1 cargo test -p tinnhiem-tally --test vectors`, update \
         docs/PROTOCOL.md and commit the files.",
        differ.join(",")
    );
}

// ---------------------------------------------------------------------------
// (b) The committed logs verify to the committed results.

fn check_meeting(name: &str) -> (MeetingVector, Vec<u8>) {
    let v: MeetingVector = load_json(name);
    let log = load(&v.log);
    let expected: ElectionResult = load_json(&v.result);
    for threads in [1, 2] {
        let out = verify_log_with(&log, threads, &mut rng([threads as u8; 32]), &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{}: {e}", v.log));
        assert_eq!(out.result, expected, "{} on {threads} threads", v.log);
        assert_eq!(out.entries, v.lines);
        let ex: Vec<ExclusionVector> = out
            .exclusions
            .iter()
            .map(|e| exclusion_vector(e.seq, &e.reason))
            .collect();
        assert_eq!(ex, v.exclusions, "{}", v.log);
    }
    // result.json is the pretty JSON of the result, with a final newline.
    assert_eq!(pretty(&expected), load(&v.result));
    assert_eq!(expected.log_head, v.head);
    // Line by line through the state machine, the same.
    let mut t = Tally::new();
    let mut r = rng([3; 32]);
    for line in split_lines(&log) {
        t.push(line, &mut r)
            .unwrap_or_else(|e: VerifyError| panic!("{}: {e}", v.log));
    }
    assert_eq!(t.finish().unwrap(), expected);
    assert_eq!(hex(&t.head()), v.head);
    let lines = split_lines(&log);
    assert_eq!(hex(&entry_hash(lines[0])), v.election_hash);
    assert_eq!(hex(&entry_hash(lines[lines.len() - 1])), v.head);
    // The secrets are those of the log.
    let Payload::Election(e) = parse_line(lines[0]).unwrap().payload else {
        panic!("line 0 is the election")
    };
    let server = tinnhiem_core::schnorr::SecretKey::from_bytes(
        &unhex_array(&v.secrets.server, "server").unwrap(),
    )
    .unwrap();
    assert_eq!(server.public().as_bytes(), &e.server_key.0);
    for (i, s) in v.secrets.trustees.iter().enumerate() {
        let k = TrusteeKey::from_bytes(&unhex_array(s, "trustee").unwrap()).unwrap();
        assert_eq!(Some(k.public()), t.trustee_keys()[i]);
    }
    for c in &v.secrets.credentials {
        let c = Credential::from_text(c).unwrap();
        assert!(t.credential(c.public(&e.id).as_bytes()).is_some());
    }
    (v, log)
}

#[test]
fn honest_log_verifies_to_the_recorded_result_and_head() {
    let (v, log) = check_meeting("honest.json");
    let result: ElectionResult = load_json(&v.result);
    // The rules the meeting was chosen to show.
    assert!(result.quorum.met && result.quorum.present * 3 == result.quorum.summoned * 2);
    assert_eq!(result.candidates[0].low.percent, 50.0);
    assert_eq!(result.candidates[0].consequence, "none");
    assert_eq!(result.candidates[1].low.percent, 66.67);
    assert_eq!(result.candidates[1].consequence, "9.3");
    assert_eq!((result.refused.forged, result.refused.repeated), (1, 1));
    assert_eq!(result.excluded, 0);

    // Every receipt names its line, the head after it and the server's
    // signature on that head.
    let lines = split_lines(&log);
    let Payload::Election(e) = parse_line(lines[0]).unwrap().payload else {
        panic!("line 0 is the election")
    };
    let server = PublicKey::from_bytes(&e.server_key.0, "server_key").unwrap();
    let mut t = Tally::new();
    let mut r = rng([4; 32]);
    let receipts = load(v.receipts.as_deref().unwrap());
    let receipts: Vec<Receipt> = split_lines(&receipts)
        .into_iter()
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(receipts.len(), v.ballots.len());
    let mut next = receipts.iter();
    for (seq, line) in lines.iter().enumerate() {
        t.push(line, &mut r).unwrap();
        let Payload::Ballot(b) = parse_line(line).unwrap().payload else {
            continue;
        };
        let rc = next.next().expect("a receipt per ballot");
        assert_eq!(rc.seq, seq as u64);
        assert_eq!(rc.entry_hash, hex(&entry_hash(line)));
        assert_eq!(rc.head, hex(&t.head()));
        let ctx = t.ballot_context().unwrap();
        assert_eq!(rc.tracking, tracking_code(&b.digest(&ctx)));
        let sig = Signature::from_bytes(&unhex_array(&rc.head_signature, "sig").unwrap()).unwrap();
        let head: [u8; 32] = unhex_array(&rc.head, "head").unwrap();
        sig.verify(&server, SERVER_HEAD_CONTEXT, &head_message(&head, rc.seq))
            .expect("head signature");
    }
    assert!(next.next().is_none());
}

#[test]
fn forced_log_counts_without_its_excluded_ballots() {
    let (v, _) = check_meeting("forced.json");
    let result: ElectionResult = load_json(&v.result);
    assert_eq!(result.excluded, v.exclusions.len() as u64);
    let reasons: Vec<&str> = v.exclusions.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "NotIssued",
            "Repeated",
            "Invalid",
            "Invalid",
            "Invalid",
            "OutsideVoting"
        ]
    );
    // The ballot with randomness 0 is named as such.
    assert!(
        v.exclusions[4].message.contains("A is the identity"),
        "{}",
        v.exclusions[4].message
    );
    assert_eq!((result.issued, result.returned), (3, 2));
}

#[test]
fn changed_logs_fail_at_the_recorded_entry_with_the_recorded_reason() {
    let f: FailuresVector = load_json("failures.json");
    let log = load(&f.log);
    for case in &f.failures {
        let bytes = apply(&log, &case.ops);
        for threads in [1, 2] {
            let e = verify_log_with(&bytes, threads, &mut rng([5; 32]), &mut |_, _| {})
                .expect_err(&case.name);
            assert_eq!(
                (
                    e.seq,
                    variant(format!("{:?}", e.reason)),
                    e.reason.to_string()
                ),
                (case.seq, case.reason.clone(), case.message.clone()),
                "{}",
                case.name
            );
        }
    }
}

#[test]
fn a_log_without_its_final_newline_is_the_same_log() {
    let log = load("honest.jsonl");
    let expected: ElectionResult = load_json("honest.result.json");
    let out = verify_log_with(&log[..log.len() - 1], 1, &mut rng([6; 32]), &mut |_, _| {}).unwrap();
    assert_eq!(out.result, expected);
}
