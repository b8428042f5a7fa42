//! The cost of the operations a whole-log verification is made of, on this
//! machine: point decompression and compression (one inverse square root
//! each), a Fiat-Shamir challenge, scalar negation against subtraction, and
//! the multiscalar multiplication per term with full-size scalars, 128-bit
//! scalars (the batch weights) and negated 128-bit scalars. Median of 5 runs
//! each.
//!
//! `cargo run --release -p tinnhiem-bench --example primitives`

use std::hint::black_box;
use std::time::Instant;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use tinnhiem_bench::rng;
use tinnhiem_core::batch::BatchVerifier;
use tinnhiem_core::transcript::Transcript;

fn median_ns(n: usize, mut f: impl FnMut()) -> f64 {
    let mut v: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e9 / n as f64
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[2]
}

fn main() {
    let mut r = rng(5);
    const N: usize = 20_000;
    let points: Vec<RistrettoPoint> = (0..N).map(|_| RistrettoPoint::random(&mut r)).collect();
    let encoded: Vec<_> = points.iter().map(|p| p.compress()).collect();
    let full: Vec<Scalar> = (0..N).map(|_| Scalar::random(&mut r)).collect();
    let short: Vec<Scalar> = (0..N).map(|_| BatchVerifier::weight(&mut r)).collect();

    let k = median_ns(N, || {
        for x in &full {
            black_box(-x);
        }
    });
    println!("negate one scalar:               {k:8.0} ns");
    let k = median_ns(N, || {
        for x in &full {
            black_box(Scalar::ZERO - x);
        }
    });
    println!("0 - scalar:                      {k:8.0} ns");
    let d = median_ns(N, || {
        for e in &encoded {
            black_box(e.decompress());
        }
    });
    println!("decompress one point:            {d:8.0} ns");
    let c = median_ns(N, || {
        for p in &points {
            black_box(p.compress());
        }
    });
    println!("compress one point:              {c:8.0} ns");
    let h = median_ns(N, || {
        for e in &encoded {
            let mut t = Transcript::new("tinnhiem/v1/or-proof");
            t.append("election", e.as_bytes());
            t.append("key", e.as_bytes());
            t.append("credential", e.as_bytes());
            t.append_u32("candidate", 1);
            t.append_u32("option", 2);
            t.append("ciphertext", &[0; 64]);
            t.append("commitments", &[0; 128]);
            black_box(t.challenge());
        }
    });
    println!("0/1 proof challenge (SHA-512):   {h:8.0} ns");
    for n in [1_000, 5_000, 10_000, 20_000, 40_000, 80_000] {
        let full: Vec<Scalar> = full.iter().cycle().take(n).copied().collect();
        let short: Vec<Scalar> = short.iter().cycle().take(n).copied().collect();
        let points: Vec<RistrettoPoint> = points.iter().cycle().take(n).copied().collect();
        let f = median_ns(n, || {
            black_box(RistrettoPoint::vartime_multiscalar_mul(&full, &points));
        });
        let s = median_ns(n, || {
            black_box(RistrettoPoint::vartime_multiscalar_mul(&short, &points));
        });
        let negated: Vec<Scalar> = short.iter().map(|k| -k).collect();
        let g = median_ns(n, || {
            black_box(RistrettoPoint::vartime_multiscalar_mul(&negated, &points));
        });
        println!(
            "MSM of {n:6} terms, per term:  {f:6.0} ns (full scalars), {s:6.0} ns (128-bit), {g:6.0} ns (−128-bit)"
        );
    }
}
