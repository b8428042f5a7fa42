//! Tampering with a log, as a compromised server or a careless copy could.
//!
//! Two kinds of finding (crate documentation):
//! - a **failure**, at exactly the line that is wrong: any changed byte, a
//!   dropped, swapped or replayed line, a wrong result, a bad decryption
//!   share, a committee statement signed by someone outside the committee;
//! - an **exclusion**: a ballot line the server sealed but the protocol does
//!   not count (a credential the committee never issued, a credential used
//!   twice, a signature by another credential's key, a plaintext outside
//!   0/1 with a forged proof). The result is still produced, without it.
//!
//! Every log here is verified three ways (line by line with `Tally::push`,
//! and by `verify_log_with` on one and on two threads), which must agree.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tinnhiem_core::ballot::{
    ballot_digest, Answer, Ballot, BallotError, Choice, ElectionContext, Level, SIGNATURE_CONTEXT,
};
use tinnhiem_core::credential::Credential;
use tinnhiem_core::elgamal::Ciphertext;
use tinnhiem_core::log::{
    Candidate, CredentialsBody, DecryptionBody, Hex, Payload, ResultBody, StatementBody,
};
use tinnhiem_core::proofs::{OrContext, OrProof};
use tinnhiem_core::schnorr::SecretKey;
use tinnhiem_core::{CompressedRistretto, ProofError, RistrettoPoint, Scalar};
use tinnhiem_tally::sim::{Meeting, Setup};
use tinnhiem_tally::{Exclusion, ExclusionReason, Phase, Reason};

// ------------------------------------------------------------- helpers

use common::{failure, join, verify, verify_by_push};

fn setup(candidates: usize, trustees: usize, summoned: u32) -> Setup {
    Setup {
        id: Some("so-y-te-nam-dinh-2023".into()),
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

/// A meeting with voting open: 2 candidates, 2 trustees, 6 summoned, 5
/// present, 5 credentials.
struct Voting {
    m: Meeting,
    creds: Vec<Credential>,
    rng: ChaCha20Rng,
    /// Plaintext counts of the ballots accepted so far.
    counts: Vec<[u64; 3]>,
    returned: u64,
}

impl Voting {
    fn new(seed: u64) -> Voting {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut m = Meeting::create(setup(2, 2, 6), &mut rng).unwrap();
        m.record_quorum(5, &mut rng).unwrap();
        let creds = m.issue_credentials(5, &mut rng).unwrap();
        m.open(&mut rng).unwrap();
        Voting {
            m,
            creds,
            rng,
            counts: vec![[0; 3]; 2],
            returned: 0,
        }
    }

    fn ctx(&self) -> ElectionContext {
        self.m.tally.ballot_context().unwrap()
    }

    /// An honest ballot with credential `i`, submitted and accepted.
    fn vote(&mut self, i: usize, choices: [Choice; 2]) {
        let b = self.m.fill(&self.creds[i], &choices, None, &mut self.rng);
        self.m.submit(b, &mut self.rng).expect("accepted");
        for (j, c) in choices.iter().enumerate() {
            if let Some(l) = c {
                self.counts[j][l.index()] += 1;
            }
        }
        self.returned += 1;
    }

    /// Forces `ballot` into the log; returns its seq.
    fn force(&mut self, ballot: Ballot) -> u64 {
        self.m.force(Payload::Ballot(ballot), &mut self.rng);
        self.m.lines.len() as u64 - 1
    }

    /// Closes, decrypts, verifies; checks the count is that of the honest
    /// ballots and returns the exclusions.
    fn finish(mut self) -> Vec<Exclusion> {
        self.m.close(&mut self.rng).unwrap();
        self.m.decrypt(&mut self.rng).unwrap();
        let (result, exclusions) = verify(&self.m.lines).expect("the log verifies");
        assert_eq!(result.returned, self.returned);
        assert_eq!(result.issued, 5);
        assert_eq!(result.excluded, exclusions.len() as u64);
        for (j, c) in result.candidates.iter().enumerate() {
            assert_eq!(
                [c.high.count, c.confidence.count, c.low.count],
                self.counts[j],
                "candidate {j}: the count is that of the honest ballots only"
            );
        }
        exclusions
    }
}

/// The 0/1-proof context of slot `option` of candidate `candidate`.
fn orc<'a>(
    ctx: &'a ElectionContext,
    credential: &'a [u8; 32],
    candidate: u32,
    option: u32,
) -> OrContext<'a> {
    OrContext {
        election: &ctx.election_hash,
        key: ctx.key.as_bytes(),
        credential,
        candidate,
        option,
    }
}

/// `G`, without a direct dependency on curve25519-dalek: the encryption of
/// 1 with randomness 0 is `(0, G)`.
fn g() -> RistrettoPoint {
    Ciphertext::encrypt_with(&RistrettoPoint::default(), 1, &Scalar::ZERO).b
}

/// Encrypts the scalar `m` (any value, even −1) under `key` with `r`.
fn encrypt_scalar(key: &RistrettoPoint, m: Scalar, r: Scalar) -> Ciphertext {
    let zero = Ciphertext::encrypt_with(key, 0, &r);
    Ciphertext {
        a: zero.a,
        b: zero.b + m * g(),
    }
}

/// A fully simulated 0/1 proof: both branches made up from random
/// challenges and responses, as a prover who knows neither opening would.
/// The verifier recomputes `c1 = H(...) − c0`, which is not the `c1` used.
fn simulated_proof(key: &RistrettoPoint, ct: &Ciphertext, rng: &mut ChaCha20Rng) -> OrProof {
    let [c0, c1, s0, s1] = [0; 4].map(|_| Scalar::random(rng));
    let t0a = s0 * g() - c0 * ct.a;
    let t0b = s0 * key - c0 * ct.b;
    let t1a = s1 * g() - c1 * ct.a;
    let t1b = s1 * key - c1 * (ct.b - g());
    OrProof {
        commitments: [t0a, t0b, t1a, t1b].map(|p| p.compress()),
        c0,
        s0,
        s1,
    }
}

/// Signs a ballot made of `answers` with credential `cred` and declares it
/// as coming from `public` (normally `cred`'s own public credential).
fn sign_ballot(
    ctx: &ElectionContext,
    election_id: &str,
    cred: &Credential,
    public: [u8; 32],
    answers: Vec<Answer>,
    rng: &mut ChaCha20Rng,
) -> Ballot {
    let digest = ballot_digest(&ctx.election_hash, &public, &answers, None);
    let signature = cred
        .secret_key(election_id)
        .sign(SIGNATURE_CONTEXT, &digest, rng);
    Ballot {
        credential: public,
        answers,
        signed_by: None,
        signature,
    }
}

fn invalid(candidate: u32, option: u32) -> ExclusionReason {
    ExclusionReason::Invalid(BallotError::Proof(ProofError::ZeroOne {
        candidate,
        option,
    }))
}

// ----------------------------------------------------- the fixed honest log

/// A small honest log: 2 candidates, 2 trustees, 6 summoned, 5 present, 3
/// ballots (one with a blank entry, one signed, R4). Its lines are:
/// 0 election, 1–2 trustee keys, 3 election key, 4 quorum, 5 credentials,
/// 6 open, 7–9 ballots, 10 close, 11–12 decryptions, 13 result.
fn honest() -> &'static [Vec<u8>] {
    static LOG: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(2023);
        let mut m = Meeting::create(setup(2, 2, 6), &mut rng).unwrap();
        m.record_quorum(5, &mut rng).unwrap();
        let creds = m.issue_credentials(5, &mut rng).unwrap();
        m.open(&mut rng).unwrap();
        let votes: [([Choice; 2], Option<&str>); 3] = [
            ([Some(Level::High), Some(Level::Low)], None),
            ([None, Some(Level::Low)], Some("Trần Thị B")),
            ([Some(Level::Confidence), Some(Level::Low)], None),
        ];
        for ((choices, name), cred) in votes.iter().zip(&creds) {
            let b = m.fill(cred, choices, name.map(String::from), &mut rng);
            m.submit(b, &mut rng).unwrap();
        }
        m.close(&mut rng).unwrap();
        m.decrypt(&mut rng).unwrap();
        assert_eq!(m.lines.len(), 14);
        m.lines
    })
}

const FIRST_BALLOT: usize = 7;
const CLOSE: usize = 10;
const RESULT: usize = 13;

#[test]
fn the_fixed_honest_log_verifies_and_counts_right() {
    let (r, exclusions) = verify(honest()).expect("verifies");
    assert!(exclusions.is_empty());
    assert_eq!((r.issued, r.returned, r.excluded), (5, 3, 0));
    let c = &r.candidates;
    assert_eq!(
        [c[0].high.count, c[0].confidence.count, c[0].low.count],
        [1, 1, 0]
    );
    assert_eq!((c[0].valid, c[0].invalid), (2, 1));
    assert_eq!(
        [c[1].high.count, c[1].confidence.count, c[1].low.count],
        [0, 0, 3]
    );
    assert_eq!(c[1].consequence, "9.3");
}

// ------------------------------------------------------- changed bytes

/// Changes byte `pos` of line `k` to `byte` and checks the failure is at `k`.
fn assert_change_fails_at_its_line(k: usize, pos: usize, byte: u8) {
    let mut lines = honest().to_vec();
    assert_ne!(lines[k][pos], byte);
    lines[k][pos] = byte;
    let e = failure(&lines);
    assert_eq!(
        e.seq, k as u64,
        "byte {pos} of line {k} changed to {byte:#04x}: {e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any single changed byte in any line makes verification fail at that
    /// line.
    #[test]
    fn any_changed_byte_fails_at_its_line(
        line in any::<prop::sample::Index>(),
        pos in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let lines = honest();
        let k = line.index(lines.len());
        let p = pos.index(lines[k].len());
        prop_assume!(lines[k][p] != byte);
        assert_change_fails_at_its_line(k, p, byte);
    }
}

/// A sweep over every line: the first and last bytes, bytes at regular
/// intervals, and the start of each member's value (`seq`, `prev`, `kind`,
/// `body`, `server_sig`), each changed to a neighbouring character (which
/// keeps hex digits hex) and to a newline (which splits the line).
#[test]
fn changed_bytes_swept_over_every_line_fail_at_that_line() {
    let lines = honest();
    for (k, line) in lines.iter().enumerate() {
        let n = line.len();
        let mut positions: Vec<usize> = (0..n).step_by((n / 12).max(1)).collect();
        positions.extend([1, n - 3, n - 2, n - 1]);
        for member in [
            &b"\"seq\":"[..],
            b"\"prev\":\"",
            b"\"kind\":\"",
            b"\"body\":",
            b"\"server_sig\":\"",
        ] {
            positions.push(after(line, member));
        }
        positions.sort_unstable();
        positions.dedup();
        for p in positions {
            let b = line[p];
            let neighbour = match b {
                b'9' => b'a',
                b'f' => b'0',
                _ => b + 1,
            };
            assert_change_fails_at_its_line(k, p, neighbour);
            assert_change_fails_at_its_line(k, p, b'\n');
        }
    }
}

/// The position just after `member` in `line`.
fn after(line: &[u8], member: &[u8]) -> usize {
    line.windows(member.len())
        .position(|w| w == member)
        .expect("member present")
        + member.len()
}

/// A hex digit changed to another one, so that the line still decodes.
fn other_hex(b: u8) -> u8 {
    if b == b'0' {
        b'1'
    } else {
        b'0'
    }
}

#[test]
fn a_changed_server_signature_fails_at_its_line_as_a_bad_signature() {
    for k in [0, FIRST_BALLOT + 1, RESULT] {
        let mut lines = honest().to_vec();
        // The first digit of the signature's commitment `R`.
        let p = after(&lines[k], b"\"server_sig\":\"");
        lines[k][p] = other_hex(lines[k][p]);
        let e = failure(&lines);
        assert_eq!(e.seq, k as u64);
        assert_eq!(e.reason, Reason::ServerSignature);
    }
}

#[test]
fn a_changed_ciphertext_in_a_ballot_fails_at_the_ballot_line() {
    // The server's signature covers the ballot, so a change to a logged
    // ballot is a failure of the log, not an excluded ballot.
    for k in FIRST_BALLOT..FIRST_BALLOT + 3 {
        let mut lines = honest().to_vec();
        let p = after(&lines[k], b"\"answers\":[\"") + 10;
        lines[k][p] = other_hex(lines[k][p]);
        let e = failure(&lines);
        assert_eq!(e.seq, k as u64);
        assert_eq!(e.reason, Reason::ServerSignature);
    }
}

#[test]
fn windows_line_endings_fail_at_the_first_line() {
    let bytes = join(honest());
    let crlf: Vec<u8> = bytes
        .split(|&b| b == b'\n')
        .flat_map(|l| l.iter().copied().chain(*b"\r\n"))
        .collect();
    let e = verify_by_push(&crlf).unwrap_err();
    assert_eq!(e.seq, 0);
    assert!(matches!(e.reason, Reason::Malformed(_)), "{e}");
}

// ------------------------------------------- dropped, swapped, replayed

#[test]
fn a_dropped_line_fails_at_its_position() {
    let n = honest().len();
    for k in 0..n {
        let mut lines = honest().to_vec();
        lines.remove(k);
        let e = failure(&lines);
        assert_eq!(e.seq, k as u64, "line {k} dropped: {e}");
        if k == n - 1 {
            // The result is missing: the log ends before it.
            assert_eq!(e.reason, Reason::Incomplete(Phase::Closed));
        } else if k > 0 {
            assert_eq!(
                e.reason,
                Reason::Sequence {
                    expected: k as u64,
                    found: k as u64 + 1
                }
            );
        }
    }
}

#[test]
fn an_empty_log_is_incomplete_at_line_0() {
    let e = failure(&[]);
    assert_eq!(e.seq, 0);
    assert_eq!(e.reason, Reason::Incomplete(Phase::Empty));
}

#[test]
fn a_swapped_pair_of_lines_fails_at_the_first_of_the_two() {
    for k in 0..honest().len() - 1 {
        let mut lines = honest().to_vec();
        lines.swap(k, k + 1);
        let e = failure(&lines);
        assert_eq!(e.seq, k as u64, "lines {k} and {} swapped: {e}", k + 1);
    }
}

#[test]
fn a_replayed_ballot_line_fails_where_it_is_inserted() {
    let ballot = honest()[FIRST_BALLOT].clone();
    // Right after itself, just before the close, and after the result.
    for at in [FIRST_BALLOT + 1, CLOSE, RESULT + 1] {
        let mut lines = honest().to_vec();
        lines.insert(at, ballot.clone());
        let e = failure(&lines);
        assert_eq!(e.seq, at as u64, "replayed at {at}: {e}");
        assert!(
            matches!(e.reason, Reason::Sequence { .. }),
            "replayed at {at}: {e}"
        );
    }
    // In place of another ballot.
    let mut lines = honest().to_vec();
    lines[FIRST_BALLOT + 2] = ballot;
    let e = failure(&lines);
    assert_eq!(e.seq, FIRST_BALLOT as u64 + 2);
}

#[test]
fn a_line_of_another_election_fails_at_its_position() {
    // Same structure, other keys: the chain breaks at the spliced line.
    let mut rng = ChaCha20Rng::seed_from_u64(99);
    let mut other = Meeting::create(setup(2, 2, 6), &mut rng).unwrap();
    other.record_quorum(5, &mut rng).unwrap();
    let mut lines = honest().to_vec();
    lines[4] = other.lines[4].clone();
    let e = failure(&lines);
    assert_eq!(e.seq, 4);
    assert_eq!(e.reason, Reason::Chain);
}

// ------------------------------------------ forced ballots: exclusions

#[test]
fn forged_credential_is_excluded_from_tally() {
    let mut v = Voting::new(10);
    v.vote(0, [Some(Level::High), Some(Level::Low)]);
    // A credential the committee never issued (R3, R5), with a perfectly
    // valid ballot: signature and proofs hold.
    let fake = Credential::generate(&mut v.rng);
    let b = v.m.fill(
        &fake,
        &[Some(Level::Low), Some(Level::Low)],
        None,
        &mut v.rng,
    );
    let seq = v.force(b);
    v.vote(1, [Some(Level::Confidence), None]);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: ExclusionReason::NotIssued
        }]
    );
}

#[test]
fn replayed_ballot_resealed_by_the_server_is_excluded_from_tally() {
    let mut v = Voting::new(11);
    v.vote(0, [Some(Level::Low), Some(Level::Low)]);
    let first = v.m.lines.len() as u64 - 1;
    let Payload::Ballot(original) = tinnhiem_core::log::parse_line(&v.m.lines[first as usize])
        .unwrap()
        .payload
    else {
        unreachable!()
    };
    // The same ballot sealed again at a new position: the credential is
    // used twice.
    let replay = v.force(original);
    v.vote(1, [Some(Level::High), Some(Level::High)]);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq: replay,
            reason: ExclusionReason::Repeated(first)
        }]
    );
}

#[test]
fn second_ballot_with_a_used_credential_is_excluded_from_tally() {
    let mut v = Voting::new(12);
    v.vote(2, [None, Some(Level::Confidence)]);
    let first = v.m.lines.len() as u64 - 1;
    let again = v.m.fill(
        &v.creds[2],
        &[Some(Level::Low), Some(Level::Low)],
        None,
        &mut v.rng,
    );
    let seq = v.force(again);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: ExclusionReason::Repeated(first)
        }]
    );
}

#[test]
fn ballot_signed_with_another_credentials_key_is_excluded_from_tally() {
    let mut v = Voting::new(13);
    let ctx = v.ctx();
    // The holder of credential 0 casts in the name of credential 1 (issued,
    // unused): answers bound to credential 1, signature by credential 0.
    let victim = *v.creds[1].public(&v.m.id).as_bytes();
    let answers = (0..2)
        .map(|j| Answer::encrypt(&ctx, &victim, j, Some(Level::Low), &mut v.rng))
        .collect();
    let b = sign_ballot(
        &ctx,
        &v.m.id.clone(),
        &v.creds[0],
        victim,
        answers,
        &mut v.rng,
    );
    let seq = v.force(b);
    // Neither credential was used up: both owners still vote, and count.
    v.vote(1, [Some(Level::High), Some(Level::High)]);
    v.vote(0, [Some(Level::Confidence), None]);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: ExclusionReason::Invalid(BallotError::Proof(ProofError::Signature))
        }]
    );
}

#[test]
fn ballot_with_a_changed_answer_after_signing_is_excluded_from_tally() {
    // An honest ballot whose answer for candidate 1 is swapped for another
    // honest answer after the voter signed: the credential's signature no
    // longer covers it.
    let mut v = Voting::new(14);
    let ctx = v.ctx();
    let mut b = v.m.fill(
        &v.creds[3],
        &[Some(Level::High), Some(Level::High)],
        None,
        &mut v.rng,
    );
    b.answers[1] = Answer::encrypt(&ctx, &b.credential, 1, Some(Level::Low), &mut v.rng);
    let seq = v.force(b);
    v.vote(3, [Some(Level::Low), None]);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: ExclusionReason::Invalid(BallotError::Proof(ProofError::Signature))
        }]
    );
}

#[test]
fn two_in_a_zero_one_slot_with_a_borrowed_proof_is_excluded_from_tally() {
    // "+2 high, −1 low" for candidate 1: the sum is 1, so the sum proof is
    // honest; each slot carries a proof made for another ciphertext.
    let mut v = Voting::new(15);
    let ctx = v.ctx();
    let id = v.m.id.clone();
    let cred = v.creds[4].clone();
    let public = *cred.public(&id).as_bytes();
    let key = *ctx.key.point();
    let mut answers: Vec<Answer> = (0..2)
        .map(|j| Answer::encrypt(&ctx, &public, j, Some(Level::Confidence), &mut v.rng))
        .collect();
    let rs = [0; 3].map(|_| Scalar::random(&mut v.rng));
    let ms = [Scalar::from(2u64), Scalar::ZERO, -Scalar::ONE];
    let cts: Vec<Ciphertext> = (0..3).map(|k| encrypt_scalar(&key, ms[k], rs[k])).collect();
    let mut proofs = Vec::new();
    for (k, ct) in cts.iter().enumerate() {
        if k == 1 {
            proofs.push(OrProof::prove(
                &orc(&ctx, &public, 1, 1),
                &key,
                &ct.a,
                &ct.b,
                &ct.compress(),
                false,
                &rs[k],
                &mut v.rng,
            ));
        } else {
            // An honest proof, for an honest encryption of 0 in this slot.
            let (other, r) = Ciphertext::encrypt(&key, 0, &mut v.rng);
            proofs.push(OrProof::prove(
                &orc(&ctx, &public, 1, k as u32),
                &key,
                &other.a,
                &other.b,
                &other.compress(),
                false,
                &r,
                &mut v.rng,
            ));
        }
    }
    let sum = cts[0].add(&cts[1]).add(&cts[2]);
    let sum_proof = OrProof::prove(
        &orc(&ctx, &public, 1, 3),
        &key,
        &sum.a,
        &sum.b,
        &sum.compress(),
        true,
        &(rs[0] + rs[1] + rs[2]),
        &mut v.rng,
    );
    answers[1] = Answer {
        ciphertexts: [cts[0].compress(), cts[1].compress(), cts[2].compress()],
        proofs: [proofs[0], proofs[1], proofs[2]],
        sum_proof,
    };
    let b = sign_ballot(&ctx, &id, &cred, public, answers, &mut v.rng);
    let seq = v.force(b);
    // The credential is not used up by the excluded ballot.
    v.vote(4, [Some(Level::High), Some(Level::High)]);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: invalid(1, 0)
        }]
    );
}

#[test]
fn two_in_a_zero_one_slot_with_a_forged_proof_is_excluded_from_tally() {
    // Candidate 0, slot "low" encrypts 2; its proof is made as if it were 1
    // (the honest branch does not hold) and the sum's as if it were 1 too.
    let mut v = Voting::new(16);
    let ctx = v.ctx();
    let id = v.m.id.clone();
    let cred = v.creds[2].clone();
    let public = *cred.public(&id).as_bytes();
    let key = *ctx.key.point();
    let mut answers: Vec<Answer> = (0..2)
        .map(|j| Answer::encrypt(&ctx, &public, j, None, &mut v.rng))
        .collect();
    let rs = [0; 3].map(|_| Scalar::random(&mut v.rng));
    let ms = [0u64, 0, 2];
    let cts: Vec<Ciphertext> = (0..3)
        .map(|k| Ciphertext::encrypt_with(&key, ms[k], &rs[k]))
        .collect();
    let proofs: Vec<OrProof> = (0..3)
        .map(|k| {
            OrProof::prove(
                &orc(&ctx, &public, 0, k as u32),
                &key,
                &cts[k].a,
                &cts[k].b,
                &cts[k].compress(),
                ms[k] != 0,
                &rs[k],
                &mut v.rng,
            )
        })
        .collect();
    let sum = cts[0].add(&cts[1]).add(&cts[2]);
    let sum_proof = OrProof::prove(
        &orc(&ctx, &public, 0, 3),
        &key,
        &sum.a,
        &sum.b,
        &sum.compress(),
        true,
        &(rs[0] + rs[1] + rs[2]),
        &mut v.rng,
    );
    answers[0] = Answer {
        ciphertexts: [cts[0].compress(), cts[1].compress(), cts[2].compress()],
        proofs: [proofs[0], proofs[1], proofs[2]],
        sum_proof,
    };
    let b = sign_ballot(&ctx, &id, &cred, public, answers, &mut v.rng);
    let seq = v.force(b);
    v.vote(2, [Some(Level::Low), Some(Level::Low)]);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: invalid(0, 2)
        }]
    );
}

#[test]
fn two_in_a_zero_one_slot_with_a_simulated_proof_is_excluded_from_tally() {
    // Candidate 1, slot "high" encrypts 2 with a fully simulated proof (both
    // branches made up); the sum (2) carries a simulated proof as well.
    let mut v = Voting::new(17);
    let ctx = v.ctx();
    let id = v.m.id.clone();
    let cred = v.creds[0].clone();
    let public = *cred.public(&id).as_bytes();
    let key = *ctx.key.point();
    let mut answers: Vec<Answer> = (0..2)
        .map(|j| Answer::encrypt(&ctx, &public, j, Some(Level::High), &mut v.rng))
        .collect();
    let honest = answers[1];
    let r = Scalar::random(&mut v.rng);
    let two = Ciphertext::encrypt_with(&key, 2, &r);
    let mut cts = honest.ciphertexts.map(|c| c.decompress().unwrap());
    cts[0] = two;
    let sum = cts[0].add(&cts[1]).add(&cts[2]);
    answers[1] = Answer {
        ciphertexts: cts.map(|c| c.compress()),
        proofs: [
            simulated_proof(&key, &two, &mut v.rng),
            honest.proofs[1],
            honest.proofs[2],
        ],
        sum_proof: simulated_proof(&key, &sum, &mut v.rng),
    };
    let b = sign_ballot(&ctx, &id, &cred, public, answers, &mut v.rng);
    let seq = v.force(b);
    v.vote(0, [None, Some(Level::Confidence)]);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: invalid(1, 0)
        }]
    );
}

#[test]
fn two_levels_for_one_candidate_with_a_forged_sum_proof_is_excluded_from_tally() {
    // Candidate 0 marked both "high" and "confidence": each slot is an
    // honest 0/1 with an honest proof, but the sum encrypts 2 and its proof
    // (made as if it were 1) cannot hold.
    let mut v = Voting::new(18);
    let ctx = v.ctx();
    let id = v.m.id.clone();
    let cred = v.creds[1].clone();
    let public = *cred.public(&id).as_bytes();
    let key = *ctx.key.point();
    let mut answers: Vec<Answer> = (0..2)
        .map(|j| Answer::encrypt(&ctx, &public, j, Some(Level::Low), &mut v.rng))
        .collect();
    let ms = [true, true, false];
    let mut cts = [Ciphertext::zero(); 3];
    let mut rs = [Scalar::ZERO; 3];
    let mut proofs = Vec::new();
    for k in 0..3 {
        let (ct, r) = Ciphertext::encrypt(&key, u64::from(ms[k]), &mut v.rng);
        proofs.push(OrProof::prove(
            &orc(&ctx, &public, 0, k as u32),
            &key,
            &ct.a,
            &ct.b,
            &ct.compress(),
            ms[k],
            &r,
            &mut v.rng,
        ));
        cts[k] = ct;
        rs[k] = r;
    }
    let sum = cts[0].add(&cts[1]).add(&cts[2]);
    let forged = OrProof::prove(
        &orc(&ctx, &public, 0, 3),
        &key,
        &sum.a,
        &sum.b,
        &sum.compress(),
        true,
        &(rs[0] + rs[1] + rs[2]),
        &mut v.rng,
    );
    answers[0] = Answer {
        ciphertexts: cts.map(|c| c.compress()),
        proofs: [proofs[0], proofs[1], proofs[2]],
        sum_proof: forged,
    };
    let b = sign_ballot(&ctx, &id, &cred, public, answers.clone(), &mut v.rng);
    let seq = v.force(b);

    // Same again with the sum proof of an honest answer of the same slot
    // (bound to another ciphertext) and with a simulated one.
    let borrowed = Answer::encrypt(&ctx, &public, 0, Some(Level::High), &mut v.rng).sum_proof;
    answers[0].sum_proof = borrowed;
    let b = sign_ballot(&ctx, &id, &cred, public, answers.clone(), &mut v.rng);
    let seq2 = v.force(b);
    answers[0].sum_proof = simulated_proof(&key, &sum, &mut v.rng);
    let b = sign_ballot(&ctx, &id, &cred, public, answers, &mut v.rng);
    let seq3 = v.force(b);

    v.vote(1, [Some(Level::High), Some(Level::Confidence)]);
    let ex = v.finish();
    assert_eq!(
        ex,
        [seq, seq2, seq3]
            .map(|seq| Exclusion {
                seq,
                reason: invalid(0, 3)
            })
            .to_vec()
    );
}

#[test]
fn proof_copied_from_another_slot_is_excluded_from_tally() {
    // The transcript binds candidate and option: an honest answer for
    // candidate 0 placed as candidate 1's answer does not verify.
    let mut v = Voting::new(19);
    let ctx = v.ctx();
    let mut b = v.m.fill(
        &v.creds[0],
        &[Some(Level::Low), Some(Level::High)],
        None,
        &mut v.rng,
    );
    b.answers[1] = b.answers[0];
    let id = v.m.id.clone();
    let cred = v.creds[0].clone();
    let b = sign_ballot(&ctx, &id, &cred, b.credential, b.answers, &mut v.rng);
    let seq = v.force(b);
    v.vote(0, [Some(Level::Low), Some(Level::High)]);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: invalid(1, 0)
        }]
    );
}

#[test]
fn ballot_with_a_missing_answer_is_excluded_from_tally() {
    let mut v = Voting::new(20);
    let ctx = v.ctx();
    let id = v.m.id.clone();
    let cred = v.creds[3].clone();
    let public = *cred.public(&id).as_bytes();
    let answers = vec![Answer::encrypt(
        &ctx,
        &public,
        0,
        Some(Level::High),
        &mut v.rng,
    )];
    let b = sign_ballot(&ctx, &id, &cred, public, answers, &mut v.rng);
    let seq = v.force(b);
    let ex = v.finish();
    assert_eq!(
        ex,
        vec![Exclusion {
            seq,
            reason: ExclusionReason::Invalid(BallotError::AnswerCount {
                expected: 2,
                found: 1
            })
        }]
    );
}

#[test]
fn ballots_outside_the_voting_window_are_excluded_from_tally() {
    let mut rng = ChaCha20Rng::seed_from_u64(21);
    let mut m = Meeting::create(setup(1, 1, 3), &mut rng).unwrap();
    m.record_quorum(3, &mut rng).unwrap();
    let creds = m.issue_credentials(3, &mut rng).unwrap();
    // Before voting opens.
    let early = m.fill(&creds[0], &[Some(Level::Low)], None, &mut rng);
    m.force(Payload::Ballot(early), &mut rng);
    let early_seq = m.lines.len() as u64 - 1;
    m.open(&mut rng).unwrap();
    let b = m.fill(&creds[0], &[Some(Level::High)], None, &mut rng);
    m.submit(b, &mut rng).unwrap();
    m.close(&mut rng).unwrap();
    // After it closed, with an unused credential.
    let late = m.fill(&creds[1], &[Some(Level::Low)], None, &mut rng);
    m.force(Payload::Ballot(late), &mut rng);
    let late_seq = m.lines.len() as u64 - 1;
    m.decrypt(&mut rng).unwrap();
    let (r, ex) = verify(&m.lines).expect("verifies");
    assert_eq!((r.returned, r.excluded), (1, 2));
    assert_eq!(r.candidates[0].high.count, 1);
    assert_eq!(r.candidates[0].low.count, 0);
    assert_eq!(
        ex,
        vec![
            Exclusion {
                seq: early_seq,
                reason: ExclusionReason::OutsideVoting
            },
            Exclusion {
                seq: late_seq,
                reason: ExclusionReason::OutsideVoting
            },
        ]
    );
}

// ------------------------------------------- forced statements: failures

/// An honest meeting up to and including the close.
fn closed(seed: u64) -> (Meeting, ChaCha20Rng) {
    let mut v = Voting::new(seed);
    v.vote(0, [Some(Level::High), Some(Level::Low)]);
    v.vote(1, [Some(Level::Low), Some(Level::Low)]);
    v.vote(2, [None, Some(Level::Confidence)]);
    v.m.close(&mut v.rng).unwrap();
    (v.m, v.rng)
}

#[test]
fn wrong_result_entry_fails_at_the_result() {
    let (mut m, mut rng) = closed(30);
    m.decrypt(&mut rng).unwrap();
    let honest_counts = m.tally.counts().unwrap().to_vec();
    assert_eq!(honest_counts, vec![[1, 0, 1], [0, 1, 2]]);
    // The result replaced by one that moves a "low" to "high" for candidate
    // 1, properly signed by a committee member.
    m.lines.pop();
    let mut counts = honest_counts.clone();
    counts[1] = [1, 1, 1];
    let mut body = ResultBody {
        counts: counts.clone(),
        signer: 1,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(1, &Payload::Result(body.clone()), &mut rng);
    m.force(Payload::Result(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(
        e.reason,
        Reason::WrongResult {
            candidate: 1,
            published: Some([1, 1, 1]),
            decrypted: Some([0, 1, 2])
        }
    );
}

#[test]
fn result_with_a_missing_candidate_fails_at_the_result() {
    let (mut m, mut rng) = closed(31);
    m.decrypt(&mut rng).unwrap();
    let all = m.tally.counts().unwrap().to_vec();
    let counts = all[..1].to_vec();
    m.lines.pop();
    let mut body = ResultBody {
        counts,
        signer: 0,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(0, &Payload::Result(body.clone()), &mut rng);
    m.force(Payload::Result(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    // The missing row is named as missing, not printed as [0, 0, 0].
    assert_eq!(
        e.reason,
        Reason::WrongResult {
            candidate: 1,
            published: None,
            decrypted: Some(all[1]),
        }
    );
    assert!(e.to_string().contains("published no row"), "{e}");
}

#[test]
fn result_with_an_extra_candidate_fails_at_the_result() {
    let (mut m, mut rng) = closed(32);
    m.decrypt(&mut rng).unwrap();
    let mut counts = m.tally.counts().unwrap().to_vec();
    counts.push([0, 0, 0]);
    m.lines.pop();
    let mut body = ResultBody {
        counts,
        signer: 0,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(0, &Payload::Result(body.clone()), &mut rng);
    m.force(Payload::Result(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(
        e.reason,
        Reason::WrongResult {
            candidate: 2,
            published: Some([0, 0, 0]),
            decrypted: None,
        }
    );
}

#[test]
fn result_changed_without_a_committee_signature_fails_at_the_result() {
    let (mut m, mut rng) = closed(32);
    m.decrypt(&mut rng).unwrap();
    let Payload::Result(mut body) = tinnhiem_core::log::parse_line(m.lines.last().unwrap())
        .unwrap()
        .payload
    else {
        unreachable!()
    };
    m.lines.pop();
    body.counts[0] = [2, 0, 0];
    m.force(Payload::Result(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(e.reason, Reason::CommitteeSignature("result"));
}

#[test]
fn bad_decryption_share_fails_at_its_entry() {
    let (mut m, mut rng) = closed(33);
    let hash = m.tally.election_hash().unwrap();
    let totals = m.tally.totals().to_vec();
    let mut parts = m.trustees[0].partial_decrypt(&hash, 0, &totals, &mut rng);
    // Share 4 (candidate 1, confidence) shifted by G, its proof kept: the
    // total would decrypt to one less.
    let d = parts[4].share.decompress().unwrap();
    parts[4].share = (d + g()).compress();
    m.force(
        Payload::Decryption(DecryptionBody {
            trustee: 0,
            shares: parts.iter().map(|p| Hex(p.to_bytes())).collect(),
        }),
        &mut rng,
    );
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(
        e.reason,
        Reason::Decryption {
            trustee: 0,
            item: 4
        }
    );
}

#[test]
fn decryption_share_made_with_another_trustees_key_fails_at_its_entry() {
    let (mut m, mut rng) = closed(34);
    let hash = m.tally.election_hash().unwrap();
    let totals = m.tally.totals().to_vec();
    // Trustee 1 publishes, as trustee 1, shares computed with trustee 0's
    // key: valid proofs, but for the wrong key.
    let parts = m.trustees[0].partial_decrypt(&hash, 1, &totals, &mut rng);
    m.force(
        Payload::Decryption(DecryptionBody {
            trustee: 1,
            shares: parts.iter().map(|p| Hex(p.to_bytes())).collect(),
        }),
        &mut rng,
    );
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(
        e.reason,
        Reason::Decryption {
            trustee: 1,
            item: 0
        }
    );
}

#[test]
fn decryption_share_with_a_changed_proof_fails_at_its_entry() {
    let (mut m, mut rng) = closed(35);
    let hash = m.tally.election_hash().unwrap();
    let totals = m.tally.totals().to_vec();
    let mut parts = m.trustees[1].partial_decrypt(&hash, 1, &totals, &mut rng);
    parts[5].proof.s += Scalar::ONE;
    let honest0 = m.trustees[0].partial_decrypt(&hash, 0, &totals, &mut rng);
    m.force(
        Payload::Decryption(DecryptionBody {
            trustee: 0,
            shares: honest0.iter().map(|p| Hex(p.to_bytes())).collect(),
        }),
        &mut rng,
    );
    m.force(
        Payload::Decryption(DecryptionBody {
            trustee: 1,
            shares: parts.iter().map(|p| Hex(p.to_bytes())).collect(),
        }),
        &mut rng,
    );
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(
        e.reason,
        Reason::Decryption {
            trustee: 1,
            item: 5
        }
    );
}

/// A meeting after the key ceremony and attendance (5 of 6 present).
fn attended(seed: u64) -> (Meeting, ChaCha20Rng) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut m = Meeting::create(setup(2, 2, 6), &mut rng).unwrap();
    m.record_quorum(5, &mut rng).unwrap();
    (m, rng)
}

#[test]
fn credentials_signed_by_a_non_trustee_key_fail_at_that_entry() {
    // The server (not a committee member) issues itself a credential,
    // claiming trustee 0 signed.
    let (mut m, mut rng) = attended(40);
    m.issue_credentials(3, &mut rng).unwrap();
    let hash = m.tally.election_hash().unwrap();
    let extra = Credential::generate(&mut rng);
    let mut body = CredentialsBody {
        credentials: vec![Hex(*extra.public(&m.id).as_bytes())],
        signer: 0,
        signature: Hex([0; 64]),
    };
    let (context, message, _, _) = Payload::Credentials(body.clone())
        .statement(&hash, &m.anchor())
        .unwrap();
    body.signature = Hex(m.server.sign(context, &message, &mut rng).to_bytes());
    m.force(Payload::Credentials(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(e.reason, Reason::CommitteeSignature("credentials"));
}

#[test]
fn open_signed_by_a_non_trustee_key_fails_at_that_entry() {
    let (mut m, mut rng) = attended(41);
    m.issue_credentials(5, &mut rng).unwrap();
    let hash = m.tally.election_hash().unwrap();
    let outsider = SecretKey::random(&mut rng);
    let mut body = StatementBody {
        signer: 1,
        signature: Hex([0; 64]),
    };
    let (context, message, _, _) = Payload::Open(body.clone())
        .statement(&hash, &m.anchor())
        .unwrap();
    body.signature = Hex(outsider.sign(context, &message, &mut rng).to_bytes());
    m.force(Payload::Open(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(e.reason, Reason::CommitteeSignature("open"));
}

#[test]
fn statement_signed_for_another_kind_fails_at_that_entry() {
    // A trustee's genuine "open" signature reused on a "close": the context
    // string is the kind, so it does not verify.
    let (mut m, mut rng) = attended(42);
    m.issue_credentials(5, &mut rng).unwrap();
    m.open(&mut rng).unwrap();
    let Payload::Open(open) = tinnhiem_core::log::parse_line(m.lines.last().unwrap())
        .unwrap()
        .payload
    else {
        unreachable!()
    };
    m.force(
        Payload::Close(tinnhiem_core::log::CloseBody {
            refused: Default::default(),
            signer: open.signer,
            signature: open.signature,
        }),
        &mut rng,
    );
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(e.reason, Reason::CommitteeSignature("close"));
}

#[test]
fn statement_by_a_trustee_who_does_not_exist_fails_at_that_entry() {
    let (mut m, mut rng) = attended(43);
    let mut body = StatementBody {
        signer: 7,
        signature: Hex([0; 64]),
    };
    let hash = m.tally.election_hash().unwrap();
    let (context, message, _, _) = Payload::Open(body.clone())
        .statement(&hash, &m.anchor())
        .unwrap();
    body.signature = Hex(m.server.sign(context, &message, &mut rng).to_bytes());
    m.force(Payload::Open(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(e.reason, Reason::UnknownTrustee(7));
}

#[test]
fn voting_opened_without_the_quorum_fails_at_the_open_entry() {
    // R2: 3 of 6 present is under 2/3; the committee's own signature on the
    // open does not make it valid.
    let mut rng = ChaCha20Rng::seed_from_u64(44);
    let mut m = Meeting::create(setup(1, 1, 6), &mut rng).unwrap();
    m.record_quorum(3, &mut rng).unwrap();
    m.issue_credentials(3, &mut rng).unwrap();
    let mut body = StatementBody {
        signer: 0,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(0, &Payload::Open(body.clone()), &mut rng);
    m.force(Payload::Open(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(
        e.reason,
        Reason::NoQuorum {
            present: 3,
            summoned: 6
        }
    );
}

#[test]
fn more_credentials_than_people_present_fail_at_that_entry() {
    // R3: one credential per person present.
    let (mut m, mut rng) = attended(45);
    m.issue_credentials(4, &mut rng).unwrap();
    let creds: Vec<Hex<32>> = (0..2)
        .map(|_| Hex(*Credential::generate(&mut rng).public(&m.id).as_bytes()))
        .collect();
    let mut body = CredentialsBody {
        credentials: creds,
        signer: 0,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(0, &Payload::Credentials(body.clone()), &mut rng);
    m.force(Payload::Credentials(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(
        e.reason,
        Reason::TooManyCredentials {
            issued: 6,
            present: 5
        }
    );
}

#[test]
fn identity_point_as_a_credential_fails_at_that_entry() {
    let (mut m, mut rng) = attended(46);
    let mut body = CredentialsBody {
        credentials: vec![
            Hex(*Credential::generate(&mut rng).public(&m.id).as_bytes()),
            Hex(CompressedRistretto::default().to_bytes()),
        ],
        signer: 0,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(0, &Payload::Credentials(body.clone()), &mut rng);
    m.force(Payload::Credentials(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(e.reason, Reason::BadCredential { index: 1 });
}

// ------------------------------------------- issue 10: replay, randomness 0

#[test]
fn a_replayed_attendance_fails_at_that_entry() {
    // The committee records 9 present, then corrects it to 7; the server
    // appends the first statement again. Its signature covers the election
    // and the count but must also cover its place in the log.
    let mut rng = ChaCha20Rng::seed_from_u64(60);
    let mut m = Meeting::create(setup(2, 2, 10), &mut rng).unwrap();
    m.record_quorum(9, &mut rng).unwrap();
    let first = tinnhiem_core::log::parse_line(m.lines.last().unwrap())
        .unwrap()
        .payload;
    m.record_quorum(7, &mut rng).unwrap();
    m.force(first, &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(e.reason, Reason::CommitteeSignature("quorum"));
}

/// Forces a ballot whose first candidate is marked high with honest proofs
/// over the randomness `randomness` draws (after the other candidates are
/// encrypted), and checks that the server's check refuses it and the tally
/// excludes it, both as an identity ciphertext at `option`.
fn identity_ciphertext_is_excluded(
    seed: u64,
    randomness: impl FnOnce(&mut ChaCha20Rng) -> [Scalar; 3],
    option: u32,
) {
    let mut v = Voting::new(seed);
    let ctx = v.ctx();
    let id = v.m.id.clone();
    let cred = v.creds[2].clone();
    let public = *cred.public(&id).as_bytes();
    let key = *ctx.key.point();
    let mut answers: Vec<Answer> = (0..2)
        .map(|j| Answer::encrypt(&ctx, &public, j, Some(Level::Low), &mut v.rng))
        .collect();
    let rs = randomness(&mut v.rng);
    let cts = [0, 1, 2].map(|k| Ciphertext::encrypt_with(&key, u64::from(k == 0), &rs[k]));
    let proofs = [0, 1, 2].map(|k| {
        OrProof::prove(
            &orc(&ctx, &public, 0, k as u32),
            &key,
            &cts[k].a,
            &cts[k].b,
            &cts[k].compress(),
            k == 0,
            &rs[k],
            &mut v.rng,
        )
    });
    let sum = cts[0].add(&cts[1]).add(&cts[2]);
    let sum_proof = OrProof::prove(
        &orc(&ctx, &public, 0, 3),
        &key,
        &sum.a,
        &sum.b,
        &sum.compress(),
        true,
        &(rs[0] + rs[1] + rs[2]),
        &mut v.rng,
    );
    answers[0] = Answer {
        ciphertexts: cts.map(|c| c.compress()),
        proofs,
        sum_proof,
    };
    let b = sign_ballot(&ctx, &id, &cred, public, answers, &mut v.rng);
    let reason = ExclusionReason::Invalid(BallotError::IdentityCiphertext {
        candidate: 0,
        option,
    });
    assert_eq!(
        v.m.tally.check_ballot(&b, &mut v.rng),
        Err(reason.clone()),
        "the server's check"
    );
    let seq = v.force(b);
    v.vote(2, [Some(Level::High), None]);
    assert_eq!(v.finish(), [Exclusion { seq, reason }]);
}

#[test]
fn a_ballot_encrypted_with_zero_randomness_is_excluded() {
    // Issue 10, item 7: with r = 0 a ciphertext is (0, m·G), its choice
    // public in the log, yet an honest proof for it verifies.
    identity_ciphertext_is_excluded(
        61,
        |rng| [Scalar::ZERO, Scalar::random(rng), Scalar::random(rng)],
        0,
    );
}

#[test]
fn a_ballot_whose_randomness_sums_to_zero_is_excluded() {
    // Each level's A is not the identity, but r_h + r_c + r_l = 0: the sum
    // is (0, m·G) and shows whether the candidate was left blank.
    identity_ciphertext_is_excluded(
        63,
        |rng| {
            let (r0, r1) = (Scalar::random(rng), Scalar::random(rng));
            [r0, r1, -(r0 + r1)]
        },
        3,
    );
}

#[test]
fn a_close_signed_before_more_ballots_arrive_still_holds() {
    // The anchor is the last line that is not a ballot: ballots appended
    // between the signing and the appending of a close do not move it.
    let mut v = Voting::new(62);
    v.vote(0, [Some(Level::High), None]);
    let mut body = tinnhiem_core::log::CloseBody {
        refused: Default::default(),
        signer: 1,
        signature: Hex([0; 64]),
    };
    body.signature =
        v.m.sign_statement(1, &Payload::Close(body.clone()), &mut v.rng);
    v.vote(1, [Some(Level::Low), Some(Level::Low)]);
    v.vote(2, [None, Some(Level::Confidence)]);
    v.m.append(Payload::Close(body), &mut v.rng)
        .expect("the close holds after the ballots");
    v.m.decrypt(&mut v.rng).unwrap();
    let (result, exclusions) = verify(&v.m.lines).expect("the log verifies");
    assert_eq!(result.returned, 3);
    assert!(exclusions.is_empty());
}

#[test]
fn a_statement_signed_before_another_statement_fails() {
    // Two members sign at once: the second to arrive no longer holds, as
    // the first moved the anchor (its member signs again).
    let (mut m, mut rng) = attended(63);
    let mut body = CredentialsBody {
        credentials: vec![Hex(*Credential::generate(&mut rng)
            .public(&m.id)
            .as_bytes())],
        signer: 1,
        signature: Hex([0; 64]),
    };
    body.signature = m.sign_statement(1, &Payload::Credentials(body.clone()), &mut rng);
    m.issue_credentials(2, &mut rng).unwrap();
    m.force(Payload::Credentials(body), &mut rng);
    let e = failure(&m.lines);
    assert_eq!(e.seq, m.lines.len() as u64 - 1);
    assert_eq!(e.reason, Reason::CommitteeSignature("credentials"));
}
