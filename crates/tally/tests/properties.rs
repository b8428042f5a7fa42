//! Property tests of the tally: any honest election verifies and counts
//! exactly as its plaintext marks (R5, R6, R7), and the batch verifier
//! (`verify_log_with`, one thread or two) gives exactly the answer of pushing
//! the lines one by one through `Tally::push`, on honest and on broken logs.

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::{BallotError, Choice, Level, SIGNATURE_CONTEXT};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{
    entry_hash, head_message, parse_line, Candidate, Payload, SERVER_HEAD_CONTEXT,
};
use tinnhiem_core::schnorr::Signature;
use tinnhiem_core::ProofError;
use tinnhiem_tally::sim::{Meeting, Receipt, Setup};
use tinnhiem_tally::{
    apply_checked, batch_header, check_chunk, split_lines, verify_header, verify_log_with,
    verify_step, CandidateResult, ElectionResult, Exclusion, ExclusionReason, Pushed, Tally,
    VerifyError, CHUNK_LINES,
};

/// One voter's ballot in a generated election.
#[derive(Clone, Debug)]
struct Vote {
    choices: Vec<Choice>,
    signed_by: Option<String>,
}

/// A generated honest election.
#[derive(Clone, Debug)]
struct Plan {
    candidates: usize,
    trustees: usize,
    summoned: u32,
    present: u32,
    votes: Vec<Vote>,
    seed: u64,
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        Just(None),
        Just(Some(Level::High)),
        Just(Some(Level::Confidence)),
        Just(Some(Level::Low)),
    ]
}

fn signer() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some("Trần Thị B".to_owned())),
        1 => Just(Some("Nguyễn Văn \"Tư\" <tu@example>".to_owned())),
    ]
}

fn plan() -> impl Strategy<Value = Plan> {
    (1usize..=4, 1usize..=3, 0usize..=12)
        .prop_flat_map(|(candidates, trustees, n)| {
            let votes = prop::collection::vec(
                (prop::collection::vec(choice(), candidates), signer())
                    .prop_map(|(choices, signed_by)| Vote { choices, signed_by }),
                n,
            );
            (
                Just(candidates),
                Just(trustees),
                votes,
                0u32..=3,
                0u32..=100,
                any::<u64>(),
            )
        })
        .prop_map(|(candidates, trustees, votes, extra, absent_pct, seed)| {
            // Everyone who votes is present, perhaps a few more; the absent
            // are at most what R2 allows (present ≥ 2·absent).
            let present = (votes.len() as u32).max(1) + extra;
            let absent = present / 2 * absent_pct / 100;
            Plan {
                candidates,
                trustees,
                summoned: present + absent,
                present,
                votes,
                seed,
            }
        })
}

fn setup(candidates: usize, trustees: usize, summoned: u32) -> Setup {
    Setup {
        id: None,
        title: "Lấy phiếu tín nhiệm năm 2023".into(),
        unit: "Sở Y tế tỉnh Nam Định".into(),
        date: "2023-11-20".into(),
        candidates: (0..candidates)
            .map(|j| Candidate {
                name: format!("Ứng viên {j}"),
                position: format!("Phó Giám đốc {j}"),
                person: None,
            })
            .collect(),
        summoned,
        trustees: (0..trustees).map(|i| format!("Thành viên {i}")).collect(),
    }
}

/// Runs the plan's meeting honestly and returns it with the receipts.
fn run(plan: &Plan) -> (Meeting, Vec<Receipt>) {
    let mut rng = ChaCha20Rng::seed_from_u64(plan.seed);
    let mut m = Meeting::create(
        setup(plan.candidates, plan.trustees, plan.summoned),
        &mut rng,
    )
    .expect("create");
    m.record_quorum(plan.present, &mut rng).expect("quorum");
    let creds = m
        .issue_credentials(plan.present as usize, &mut rng)
        .expect("credentials");
    m.open(&mut rng).expect("open");
    let mut receipts = Vec::new();
    for (vote, cred) in plan.votes.iter().zip(&creds) {
        let b = m.fill(cred, &vote.choices, vote.signed_by.clone(), &mut rng);
        receipts.push(m.submit(b, &mut rng).expect("an honest ballot is accepted"));
    }
    m.close(&mut rng).expect("close");
    m.decrypt(&mut rng).expect("decrypt");
    (m, receipts)
}

/// A bad ballot that a compromised server seals into the log.
#[derive(Clone, Copy, Debug)]
enum Attack {
    /// With a credential the committee never issued.
    Forged,
    /// A second ballot with the credential of the vote just cast.
    Repeated,
    /// In the name of an issued, unused credential, signed with another
    /// credential's key (or, with none unused, a forgery).
    OtherKey,
}

fn attack() -> impl Strategy<Value = Attack> {
    prop_oneof![
        Just(Attack::Forged),
        Just(Attack::Repeated),
        Just(Attack::OtherKey)
    ]
}

/// Runs the plan's meeting with `attacks[i] = (after, attack)` forced into
/// the log right after vote `after` (an index into the votes); returns the
/// meeting and the exclusions the forced lines must cause.
fn run_attacked(plan: &Plan, attacks: &[(usize, Attack)]) -> (Meeting, Vec<Exclusion>) {
    let mut rng = ChaCha20Rng::seed_from_u64(plan.seed);
    let mut m = Meeting::create(
        setup(plan.candidates, plan.trustees, plan.summoned),
        &mut rng,
    )
    .unwrap();
    m.record_quorum(plan.present, &mut rng).unwrap();
    let creds = m
        .issue_credentials(plan.present as usize, &mut rng)
        .unwrap();
    m.open(&mut rng).unwrap();
    let mut expected = Vec::new();
    let ctx = m.tally.ballot_context().unwrap();
    let unused = creds.get(plan.votes.len()..).unwrap_or_default();
    for (i, (vote, cred)) in plan.votes.iter().zip(&creds).enumerate() {
        let b = m.fill(cred, &vote.choices, vote.signed_by.clone(), &mut rng);
        let first = m.submit(b, &mut rng).unwrap().seq;
        for &(after, a) in attacks {
            if after != i {
                continue;
            }
            let marks = vec![Some(Level::Low); plan.candidates];
            let (ballot, reason) = match (a, unused.first()) {
                (Attack::Repeated, _) => (
                    m.fill(cred, &marks, None, &mut rng),
                    ExclusionReason::Repeated(first),
                ),
                (Attack::OtherKey, Some(victim)) => {
                    let mut b = m.fill(victim, &marks, None, &mut rng);
                    let digest = b.digest(&ctx);
                    b.signature = cred
                        .secret_key(&m.id)
                        .sign(SIGNATURE_CONTEXT, &digest, &mut rng);
                    (
                        b,
                        ExclusionReason::Invalid(BallotError::Proof(ProofError::Signature)),
                    )
                }
                (Attack::Forged | Attack::OtherKey, _) => (
                    m.fill(&Credential::generate(&mut rng), &marks, None, &mut rng),
                    ExclusionReason::NotIssued,
                ),
            };
            m.force(Payload::Ballot(ballot), &mut rng);
            expected.push(Exclusion {
                seq: m.lines.len() as u64 - 1,
                reason,
            });
        }
    }
    m.close(&mut rng).unwrap();
    m.decrypt(&mut rng).unwrap();
    (m, expected)
}

/// What the three ways of verifying agree on.
type Verdict = Result<(ElectionResult, Vec<Exclusion>), VerifyError>;

/// Pushes every line through one `Tally`, as an inspector reading the log
/// line by line would.
fn verify_by_push(bytes: &[u8], seed: u64) -> Verdict {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut t = Tally::new();
    for line in split_lines(bytes) {
        t.push(line, &mut rng)?;
    }
    let result = t.finish()?;
    Ok((result, t.exclusions().to_vec()))
}

fn verify_batch(bytes: &[u8], threads: usize, seed: u64) -> Verdict {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut last = (0, 0);
    let out = verify_log_with(bytes, threads, &mut rng, &mut |done, total| {
        assert!(done > last.0 && done <= total, "progress goes forward");
        last = (done, total);
    })?;
    let n = split_lines(bytes).len() as u64;
    assert_eq!(out.entries, n);
    assert_eq!(last, (n, n), "the last progress report is the whole log");
    Ok((out.result, out.exclusions))
}

/// `verify_step` in steps of `step` lines (the inspector's page).
fn verify_in_steps(bytes: &[u8], step: usize, seed: u64) -> Verdict {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut t = Tally::new();
    for lines in split_lines(bytes).chunks(step) {
        verify_step(&mut t, lines, &mut rng)?;
    }
    let result = t.finish()?;
    Ok((result, t.exclusions().to_vec()))
}

/// The chunked path of the inspector's Web Workers: the header here, each
/// chunk summarized by `check_chunk` (out of order, as workers finish in
/// any order) and applied in log order by `apply_checked`.
fn verify_by_workers(bytes: &[u8], seed: u64) -> Verdict {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut t = Tally::new();
    let lines = split_lines(bytes);
    let i = verify_header(&mut t, &lines, &mut rng)?;
    if i < lines.len() {
        let header = batch_header(&t).expect("the header is read");
        let chunks: Vec<&[&[u8]]> = lines[i..].chunks(CHUNK_LINES).collect();
        let mut summaries: Vec<Vec<u8>> = chunks
            .iter()
            .rev()
            .map(|c| check_chunk(&header, c, &mut rng).expect("a good header"))
            .collect();
        summaries.reverse();
        for (chunk, summary) in chunks.iter().zip(&summaries) {
            apply_checked(&mut t, chunk, summary, &mut rng)?;
        }
    }
    let result = t.finish()?;
    Ok((result, t.exclusions().to_vec()))
}

/// Verifies `bytes` line by line, in a batch on one thread and on two, and
/// in steps of 5 and of 70 lines, and checks that all give the same answer.
fn verify_all_ways(bytes: &[u8], seed: u64) -> Verdict {
    let by_push = verify_by_push(bytes, seed);
    let one = verify_batch(bytes, 1, seed ^ 1);
    let two = verify_batch(bytes, 2, seed ^ 2);
    assert_eq!(one, by_push, "batch (1 thread) differs from Tally::push");
    assert_eq!(two, by_push, "batch (2 threads) differs from Tally::push");
    for step in [5, 70] {
        let stepped = verify_in_steps(bytes, step, seed ^ 3);
        assert_eq!(stepped, by_push, "steps of {step} differ from Tally::push");
    }
    let workers = verify_by_workers(bytes, seed ^ 4);
    assert_eq!(
        workers, by_push,
        "the chunked path differs from Tally::push"
    );
    by_push
}

/// The result table computed from the plaintext marks alone, with the
/// rules written out independently of the crate (R5, R6, R7).
fn expected_candidate(plan: &Plan, j: usize) -> (u64, u64, [u64; 3], [f64; 3], &'static str) {
    let returned = plan.votes.len() as u64;
    let mut counts = [0u64; 3];
    for v in &plan.votes {
        match v.choices[j] {
            Some(Level::High) => counts[0] += 1,
            Some(Level::Confidence) => counts[1] += 1,
            Some(Level::Low) => counts[2] += 1,
            None => {}
        }
    }
    let valid: u64 = counts.iter().sum();
    let percent = counts.map(|c| {
        if returned == 0 {
            0.0
        } else {
            // Rounded half up to two decimals, of ballots returned (R6).
            let exact = c as f64 * 10_000.0 / returned as f64;
            (exact + 0.5).floor() / 100.0
        }
    });
    let low = counts[2];
    let consequence = if returned > 0 && 3 * low >= 2 * returned {
        "9.3"
    } else if 2 * low > returned {
        "9.2"
    } else {
        "none"
    };
    (valid, returned - valid, counts, percent, consequence)
}

fn check_result(plan: &Plan, m: &Meeting, r: &ElectionResult) {
    let returned = plan.votes.len() as u64;
    assert_eq!(r.quorum.summoned, plan.summoned);
    assert_eq!(r.quorum.present, plan.present);
    assert!(r.quorum.met);
    assert_eq!(r.issued, u64::from(plan.present));
    assert_eq!(r.returned, returned);
    assert_eq!(r.excluded, 0);
    assert_eq!((r.refused.forged, r.refused.repeated), (0, 0));
    assert_eq!(r.log_head, hex(&entry_hash(m.lines.last().unwrap())));
    assert_eq!(r.candidates.len(), plan.candidates);
    for (j, c) in r.candidates.iter().enumerate() {
        let (valid, invalid, counts, percent, consequence) = expected_candidate(plan, j);
        assert_eq!(c.name, format!("Ứng viên {j}"));
        assert_eq!(c.position, format!("Phó Giám đốc {j}"));
        assert_eq!(c.issued, u64::from(plan.present), "candidate {j}");
        assert_eq!(c.returned, returned, "candidate {j}");
        assert_eq!(c.valid, valid, "candidate {j}");
        assert_eq!(c.invalid, invalid, "candidate {j}");
        assert_eq!(
            [c.high.count, c.confidence.count, c.low.count],
            counts,
            "candidate {j}"
        );
        assert_eq!(
            [c.high.percent, c.confidence.percent, c.low.percent],
            percent,
            "candidate {j}"
        );
        assert_eq!(c.consequence, consequence, "candidate {j}");
    }
}

/// Each receipt names its ballot's line, that line's hash, and a head
/// signature the server's key verifies; the signed name (R4) is in the line.
fn check_receipts(plan: &Plan, m: &Meeting, receipts: &[Receipt]) {
    let server = m.server.public();
    assert_eq!(receipts.len(), plan.votes.len());
    for (vote, r) in plan.votes.iter().zip(receipts) {
        let line = &m.lines[r.seq as usize];
        assert_eq!(r.entry_hash, hex(&entry_hash(line)));
        let entry = parse_line(line).expect("a logged line parses");
        let Payload::Ballot(b) = entry.payload else {
            panic!("receipt {} points at a non-ballot line", r.seq)
        };
        assert_eq!(b.signed_by, vote.signed_by);
        let ctx = m.tally.ballot_context().unwrap();
        assert_eq!(
            r.tracking,
            tinnhiem_core::ballot::tracking_code(&b.digest(&ctx))
        );
        let mut sig = [0u8; 64];
        for (i, byte) in sig.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&r.head_signature[2 * i..2 * i + 2], 16).unwrap();
        }
        let mut head = [0u8; 32];
        for (i, byte) in head.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&r.head[2 * i..2 * i + 2], 16).unwrap();
        }
        Signature::from_bytes(&sig)
            .unwrap()
            .verify(&server, SERVER_HEAD_CONTEXT, &head_message(&head, r.seq))
            .expect("head signature verifies");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any honest election verifies, and the table is exactly the count of
    /// the plaintext marks: returned, valid, invalid (blank, R5), each
    /// level's count and percentage of ballots returned (R6), and the
    /// consequence (R7). One thread, two threads and line-by-line agree.
    #[test]
    fn honest_elections_verify_and_count_exactly_as_the_plaintext(plan in plan()) {
        let (m, receipts) = run(&plan);
        let bytes = m.log_bytes();
        let (result, exclusions) = verify_all_ways(&bytes, plan.seed)
            .unwrap_or_else(|e| panic!("an honest log fails: {e}"));
        prop_assert!(exclusions.is_empty());
        check_result(&plan, &m, &result);
        check_receipts(&plan, &m, &receipts);
        // What the meeting's own verifier saw, line by line, is the same.
        prop_assert_eq!(m.tally.finish().unwrap(), result);
    }

    /// Bad ballots forced into the log by a compromised server (forged
    /// credential, repeated credential, another credential's signature) are
    /// excluded, each at its line and for its reason, and the count is that
    /// of the honest ballots alone; batch and line-by-line agree.
    #[test]
    fn forced_bad_ballots_are_excluded_and_the_count_is_unchanged(
        plan in plan(),
        attacks in prop::collection::vec((any::<prop::sample::Index>(), attack()), 1..5),
    ) {
        prop_assume!(!plan.votes.is_empty());
        let attacks: Vec<(usize, Attack)> = attacks
            .iter()
            .map(|(i, a)| (i.index(plan.votes.len()), *a))
            .collect();
        let (m, expected) = run_attacked(&plan, &attacks);
        let (mut result, exclusions) = verify_all_ways(&m.log_bytes(), plan.seed)
            .unwrap_or_else(|e| panic!("a log with excluded ballots fails: {e}"));
        prop_assert_eq!(&exclusions, &expected);
        prop_assert_eq!(result.excluded, expected.len() as u64);
        // Apart from the exclusions, the table is the honest one.
        result.excluded = 0;
        check_result(&plan, &m, &result);
    }

    /// On a log with any single changed byte, the batch verifier on one or
    /// two threads fails at exactly the line and with exactly the reason
    /// that pushing the lines one by one gives.
    #[test]
    fn batch_and_line_by_line_agree_on_tampered_logs(
        seed in any::<u64>(),
        line in any::<prop::sample::Index>(),
        pos in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let plan = Plan {
            candidates: 2,
            trustees: 2,
            summoned: 4,
            present: 3,
            votes: vec![
                Vote { choices: vec![Some(Level::High), None], signed_by: None },
                Vote { choices: vec![Some(Level::Low), Some(Level::Confidence)], signed_by: Some("Lê Văn C".into()) },
            ],
            seed,
        };
        let (m, _) = run(&plan);
        let mut lines = m.lines.clone();
        let k = line.index(lines.len());
        let p = pos.index(lines[k].len());
        prop_assume!(lines[k][p] != byte);
        lines[k][p] = byte;
        let bytes: Vec<u8> = lines.iter().flat_map(|l| l.iter().copied().chain([b'\n'])).collect();
        let err = verify_all_ways(&bytes, seed).expect_err("a changed byte is detected");
        prop_assert_eq!(err.seq, k as u64);
    }
}

/// Pushing the lines of an honest log accepts every one of them, and each
/// line's state is the verifier's at that point.
#[test]
fn every_line_of_an_honest_log_is_accepted() {
    let plan = Plan {
        candidates: 3,
        trustees: 3,
        summoned: 7,
        present: 5,
        votes: vec![
            Vote {
                choices: vec![Some(Level::High), Some(Level::Low), None],
                signed_by: None,
            },
            Vote {
                choices: vec![None, None, None],
                signed_by: Some("Phạm Thị D".into()),
            },
        ],
        seed: 7,
    };
    let (m, _) = run(&plan);
    let mut rng = ChaCha20Rng::seed_from_u64(8);
    let mut t = Tally::new();
    for (seq, line) in m.lines.iter().enumerate() {
        assert_eq!(t.len(), seq as u64);
        assert_eq!(t.push(line, &mut rng), Ok(Pushed::Accepted), "line {seq}");
        assert_eq!(t.head(), entry_hash(line));
    }
    check_result(&plan, &m, &t.finish().unwrap());
}

/// A log longer than one round of the batch verifier (128 lines per thread)
/// with entries that must be excluded in the later rounds: one thread, two
/// threads and line-by-line agree on the result and on every exclusion.
#[test]
fn batch_rounds_agree_with_line_by_line_on_a_long_log_with_exclusions() {
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let voters = 300u32;
    let mut m = Meeting::create(setup(1, 1, voters), &mut rng).unwrap();
    m.record_quorum(voters, &mut rng).unwrap();
    let creds = m.issue_credentials(voters as usize, &mut rng).unwrap();
    m.open(&mut rng).unwrap();
    let levels = [
        Some(Level::High),
        Some(Level::Confidence),
        Some(Level::Low),
        None,
    ];
    let mut counts = [0u64; 3];
    let mut forced = Vec::new();
    for (i, cred) in creds.iter().enumerate().take(280) {
        let c = levels[i % 4];
        if let Some(l) = c {
            counts[l.index()] += 1;
        }
        let b = m.fill(cred, &[c], None, &mut rng);
        m.submit(b, &mut rng).unwrap();
        if i == 150 || i == 270 {
            // A compromised server appends a second ballot with the same
            // credential: excluded, in the second and third rounds.
            let again = m.fill(cred, &[Some(Level::Low)], None, &mut rng);
            m.force(Payload::Ballot(again), &mut rng);
            forced.push(m.lines.len() as u64 - 1);
        }
    }
    m.close(&mut rng).unwrap();
    m.decrypt(&mut rng).unwrap();
    let bytes = m.log_bytes();
    assert!(m.lines.len() > 2 * 128, "spans several rounds");
    let (result, exclusions) = verify_all_ways(&bytes, 43).expect("verifies");
    assert_eq!(result.returned, 280);
    assert_eq!(result.excluded, 2);
    let c = &result.candidates[0];
    assert_eq!([c.high.count, c.confidence.count, c.low.count], counts);
    assert_eq!(exclusions.iter().map(|e| e.seq).collect::<Vec<_>>(), forced);

    // And a changed byte in the last round fails at the same line whichever
    // way the log is read.
    let mut lines = m.lines.clone();
    let k = lines.len() - 5;
    let p = lines[k].len() / 2;
    lines[k][p] ^= 0x04;
    let bytes: Vec<u8> = lines
        .iter()
        .flat_map(|l| l.iter().copied().chain([b'\n']))
        .collect();
    assert_eq!(verify_all_ways(&bytes, 44).unwrap_err().seq, k as u64);
}

/// R6: the percentages are of ballots returned, blanks included, not of the
/// valid entries.
#[test]
fn percentages_are_of_ballots_returned_including_blank_entries() {
    // 10 returned, 2 blank for this candidate: 4 high is 40%, not 50%.
    let c = CandidateResult::new("Nguyễn Văn A", "Giám đốc Sở", 12, 10, [4, 3, 1]);
    assert_eq!((c.valid, c.invalid), (8, 2));
    assert_eq!(c.high.percent, 40.0);
    assert_eq!(c.confidence.percent, 30.0);
    assert_eq!(c.low.percent, 10.0);
    // 1 of 3 and 2 of 3 round half up to two decimals.
    let c = CandidateResult::new("B", "Phó Giám đốc", 3, 3, [1, 0, 2]);
    assert_eq!(c.high.percent, 33.33);
    assert_eq!(c.low.percent, 66.67);
    assert_eq!(c.consequence, "9.3");
}

/// R7 on the table: exactly half "low" has no consequence, just over half
/// is 9.2, exactly 2/3 is 9.3, and nothing returned is no consequence.
#[test]
fn consequences_on_the_result_table_follow_r7() {
    let r = |low, returned| CandidateResult::new("A", "B", returned, returned, [0, 0, low]);
    assert_eq!(r(5, 10).consequence, "none");
    assert_eq!(r(6, 10).consequence, "9.2");
    assert_eq!(r(19, 30).consequence, "9.2");
    assert_eq!(r(20, 30).consequence, "9.3");
    assert_eq!(r(0, 0).consequence, "none");
}
