//! The figures of docs/PERFORMANCE.md, in one run:
//!
//! - `ballot/encrypt`: fill in and sign one ballot of 15 candidates;
//! - `ballot/verify_single`: verify it alone (`Ballot::verify`);
//! - `ballot/verify_batch_64`: 64 such ballots in one batch (throughput per
//!   ballot);
//! - `log_1000x15/threads_1` and `threads_2`: `verify_log_with` over the
//!   whole 1,000 × 15 log, single-threaded and on two cores;
//! - `log_1000x15_2of3/threads_1` and `threads_2`: the same election with a
//!   2-of-3 threshold committee (dealings, `shares_ok`, two partial
//!   decryptions checked against verification keys, Lagrange combination);
//! - `or_proof/tinnhiem` and `or_proof/elastic_elgamal`: one 0/1 proof
//!   verified alone, ours and the `elastic-elgamal` crate's, followed by
//!   the ratio of their medians.
//!
//! Run with `cargo bench -p tinnhiem-bench`; the log is made once and kept
//! in `target/tinnhiem-bench/`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BatchSize, Criterion, SamplingMode, Throughput};
use curve25519_dalek::ristretto::RistrettoPoint;
use elastic_elgamal::group::Ristretto;
use elastic_elgamal::Keypair;
use tinnhiem_bench::{
    cast_all, choices, context, log_1000x15_of, open_meeting, rng, Committee, CANDIDATES,
};
use tinnhiem_core::ballot::ElectionContext;
use tinnhiem_core::batch::BatchVerifier;
use tinnhiem_core::elgamal::Ciphertext;
use tinnhiem_core::proofs::{OrContext, OrProof};
use tinnhiem_tally::verify_log_with;

/// Ballots in the batch benchmark.
const BATCH: usize = 64;

fn ballots(c: &mut Criterion) {
    let mut r = rng(10);
    let (m, creds) = open_meeting(BATCH, CANDIDATES, &mut r);
    let ctx = context(&m);
    let cast = cast_all(&m, &creds, CANDIDATES, 20);
    let mut g = c.benchmark_group("ballot");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    g.warm_up_time(Duration::from_secs(1));
    let mut voter = 0;
    g.bench_function("encrypt", |b| {
        b.iter(|| {
            voter += 1;
            let choices = choices(voter, CANDIDATES);
            black_box(m.fill(&creds[voter % BATCH], &choices, None, &mut r))
        })
    });
    g.bench_function("verify_single", |b| {
        b.iter(|| black_box(cast[0].verify(&ctx, &mut r).expect("valid ballot")))
    });
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function(format!("verify_batch_{BATCH}"), |b| {
        b.iter(|| {
            let mut batch = BatchVerifier::with_capacity(BATCH * (22 * CANDIDATES + 2));
            let key = batch.add_base(*ctx.key.point());
            for ballot in &cast {
                black_box(ballot.add_to_batch(&ctx, &mut batch, key, &mut r).unwrap());
            }
            assert!(batch.verify());
        })
    });
    g.finish();
}

fn log(c: &mut Criterion) {
    for committee in [Committee::AllOf3, Committee::TwoOf3] {
        log_of(c, committee);
    }
}

/// The 1,000 × 15 log's group for `committee`: `log_1000x15` for the
/// n-of-n log (its name since the first figures), `log_1000x15_2of3`.
fn log_of(c: &mut Criterion, committee: Committee) {
    let bytes = log_1000x15_of(committee);
    let name = match committee {
        Committee::AllOf3 => "log_1000x15".to_owned(),
        c => format!("log_1000x15_{}", c.name()),
    };
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(tinnhiem_bench::VOTERS as u64));
    let mut r = rng(30);
    for threads in [1, 2] {
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| {
                let o = verify_log_with(&bytes, threads, &mut r, &mut |_, _| {}).expect("verifies");
                assert_eq!(o.result.returned, tinnhiem_bench::VOTERS as u64);
            })
        });
    }
    g.finish();
}

/// One of our 0/1 proofs on a decompressed ciphertext, as `Ballot::verify`
/// checks a proof that fails its batch: challenge, four commitments
/// decompressed, one multiscalar multiplication of 7 terms.
struct Ours {
    ctx: ElectionContext,
    credential: [u8; 32],
    ct: Ciphertext,
    encoded: [u8; 64],
    proof: OrProof,
}

impl Ours {
    fn new(ctx: ElectionContext) -> Ours {
        let mut r = rng(40);
        let credential = RistrettoPoint::random(&mut r).compress().to_bytes();
        let (ct, secret) = Ciphertext::encrypt(ctx.key.point(), 1, &mut r);
        let compressed = ct.compress();
        let proof = OrProof::prove(
            &Self::or_context(&ctx, &credential),
            ctx.key.point(),
            &ct.a,
            &ct.b,
            &compressed,
            true,
            &secret,
            &mut r,
        );
        Ours {
            ctx,
            credential,
            ct,
            encoded: compressed.to_bytes(),
            proof,
        }
    }

    fn or_context<'a>(ctx: &'a ElectionContext, credential: &'a [u8; 32]) -> OrContext<'a> {
        OrContext {
            election: &ctx.election_hash,
            key: ctx.key.as_bytes(),
            credential,
            candidate: 0,
            option: 0,
        }
    }

    fn verify(&self, r: &mut rand_chacha::ChaCha20Rng) -> bool {
        let mut b = BatchVerifier::with_capacity(6);
        let key = b.add_base(*self.ctx.key.point());
        let orc = Self::or_context(&self.ctx, &self.credential);
        let (ka, kb) = self
            .proof
            .add_to_batch(&mut b, r, &orc, key, &self.encoded)
            .expect("decodes");
        b.term(ka, self.ct.a);
        b.term(kb, self.ct.b);
        b.verify()
    }
}

fn or_proofs(c: &mut Criterion) {
    let mut r = rng(50);
    let (m, _) = open_meeting(1, 1, &mut r);
    let ours = Ours::new(context(&m));
    let keys = Keypair::<Ristretto>::generate(&mut r);
    let (ct, proof) = keys.public().encrypt_bool(true, &mut r);
    assert!(ours.verify(&mut r));
    keys.public().verify_bool(ct, &proof).expect("valid");

    let mut g = c.benchmark_group("or_proof");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("tinnhiem", |b| b.iter(|| assert!(ours.verify(&mut r))));
    g.bench_function("elastic_elgamal", |b| {
        b.iter(|| keys.public().verify_bool(black_box(ct), &proof).unwrap())
    });
    // A batch of 0/1 proofs is what the log path pays per proof (elastic's
    // ring proofs have no batch verification).
    g.throughput(Throughput::Elements(256));
    g.bench_function("tinnhiem_batch_256", |b| {
        b.iter_batched(
            || (),
            |()| {
                let mut batch = BatchVerifier::with_capacity(256 * 6);
                let key = batch.add_base(*ours.ctx.key.point());
                let orc = Ours::or_context(&ours.ctx, &ours.credential);
                for _ in 0..256 {
                    let (ka, kb) = ours
                        .proof
                        .add_to_batch(&mut batch, &mut r, &orc, key, &ours.encoded)
                        .unwrap();
                    batch.term(ka, ours.ct.a);
                    batch.term(kb, ours.ct.b);
                }
                assert!(batch.verify());
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    // The ratio, measured here with both verifiers interleaved so that
    // frequency changes hit both alike: median of 15 rounds of 200 each.
    let mut ours_t = Vec::new();
    let mut theirs_t = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        for _ in 0..200 {
            assert!(ours.verify(&mut r));
        }
        ours_t.push(t.elapsed().as_secs_f64() / 200.0);
        let t = Instant::now();
        for _ in 0..200 {
            keys.public().verify_bool(black_box(ct), &proof).unwrap();
        }
        theirs_t.push(t.elapsed().as_secs_f64() / 200.0);
    }
    let (o, e) = (median(&mut ours_t), median(&mut theirs_t));
    println!(
        "or_proof ratio: tinnhiem {:.1} µs, elastic-elgamal {:.1} µs per 0/1 proof verified alone; \
         tinnhiem / elastic-elgamal = {:.2}",
        o * 1e6,
        e * 1e6,
        o / e
    );
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

criterion_group!(benches, ballots, or_proofs, log);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
