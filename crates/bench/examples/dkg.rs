//! The threshold ceremony of `tinnhiem_core::dkg` (PROTOCOL.md §10) for
//! n = 3, 5, 9, 15 at the default threshold: CPU time per member and in
//! total for each round, and the bytes each round would add to the log.
//! The decryption is of 45 totals (15 candidates × 3 levels) of 1,000
//! ballots' worth of randomness.
//!
//! CPU time is this thread's own (`/proc/thread-self/schedstat`), so that a
//! machine shared with other work does not inflate it as it does wall time.
//! Each figure is the median of 5 runs of about 0.1 s each.
//!
//! `cargo run --release -p tinnhiem-bench --example dkg`

use tinnhiem_bench::rng;
use tinnhiem_core::dkg::{
    combine, deal, default_threshold, qualify, Combined, Dealing, Params, ThresholdKey,
};
use tinnhiem_core::elgamal::Ciphertext;
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::trustee::{PartialDecryption, TrusteeKey};

const H: [u8; 32] = [1; 32];
const TOTALS: usize = 45;

/// This thread's CPU time in nanoseconds (Linux).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux only)")
}

/// Median over 5 runs of the CPU milliseconds of `f`; each run repeats `f`
/// enough times to take about 100 ms of wall time (the CPU clock advances in
/// scheduler ticks of a few milliseconds).
fn median_ms<T>(mut f: impl FnMut() -> T) -> (f64, T) {
    let start = std::time::Instant::now();
    let mut out = f();
    let once = start.elapsed().as_secs_f64();
    let reps = ((0.1 / once.max(1e-6)) as usize).clamp(1, 10_000);
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let t = cpu_ns();
            for _ in 0..reps {
                out = f();
            }
            (cpu_ns() - t) as f64 / 1e6 / reps as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    (runs[2], out)
}

fn main() {
    println!(
        "| n | t | dealing (ms, per member) | checking the n dealings + opening its shares (ms, per member) | qualification by a verifier (ms) | secret share (ms, per member) | ceremony CPU, all members + verifier (ms) | dealing bytes (each / all n) | partial decryption of {TOTALS} totals (ms, per member) | check + combine t of n (ms) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for n in [3u32, 5, 9, 15] {
        let t = default_threshold(n);
        let params = Params::new(n, t).unwrap();
        let mut r = rng(u64::from(n));
        let keys: Vec<TrusteeKey> = (0..n).map(|_| TrusteeKey::generate(&mut r)).collect();
        let publics: Vec<PublicKey> = keys.iter().map(|k| k.public()).collect();

        // Round 1: each member deals (member 0 timed; all members do the same work).
        let (deal_ms, _) = median_ms(|| deal(&params, &H, 0, &keys[0], &publics, &mut r).unwrap());
        let dealings: Vec<Vec<u8>> = (0..n)
            .map(|i| {
                deal(&params, &H, i, &keys[i as usize], &publics, &mut r)
                    .unwrap()
                    .to_bytes()
            })
            .collect();

        // Round 2: member 0 checks every dealing and opens its share of each.
        let (check_ms, complaints) = median_ms(|| {
            let mut complaints = 0;
            for (i, bytes) in dealings.iter().enumerate() {
                let v = Dealing::from_bytes(bytes, &params)
                    .unwrap()
                    .verify(&params, &H, i as u32, &publics[i])
                    .unwrap();
                if v.open(&H, 0, &keys[0], &mut r).is_err() {
                    complaints += 1;
                }
            }
            complaints
        });
        assert_eq!(complaints, 0);

        // Round 3: anyone qualifies the dealers from the log.
        let slices: Vec<Option<&[u8]>> = dealings.iter().map(|d| Some(&d[..])).collect();
        let (qualify_ms, q) = median_ms(|| qualify(&params, &H, &publics, &slices, &[]).unwrap());
        let public = q.public().unwrap();
        let (share_ms, _) = median_ms(|| q.secret_share(&H, 0, &keys[0], &mut r).unwrap());
        let shares: Vec<ThresholdKey> = (0..n)
            .map(|j| q.secret_share(&H, j, &keys[j as usize], &mut r).unwrap())
            .collect();

        // Decryption of 45 totals.
        let totals: Vec<Ciphertext> = (0..TOTALS)
            .map(|k| Ciphertext::encrypt(public.election_key().point(), k as u64, &mut r).0)
            .collect();
        let (pd_ms, _) = median_ms(|| shares[0].partial_decrypt(&H, &totals, &mut r));
        let partials: Vec<Vec<PartialDecryption>> = shares
            .iter()
            .map(|s| s.partial_decrypt(&H, &totals, &mut r))
            .collect();
        let subs: Vec<(u32, &[PartialDecryption])> =
            (0..t).map(|j| (j, &partials[j as usize][..])).collect();
        let (combine_ms, c) = median_ms(|| combine(&public, &H, &totals, &subs, &mut r));
        assert!(matches!(c.result, Combined::Complete { .. }));

        let each = params.dealing_len();
        let total_ms = f64::from(n) * (deal_ms + check_ms + share_ms) + qualify_ms;
        println!(
            "| {n} | {t} | {deal_ms:.2} | {check_ms:.2} | {qualify_ms:.2} | {share_ms:.2} | {total_ms:.1} | {each} / {} | {pd_ms:.2} | {combine_ms:.2} |",
            each * n as usize
        );
    }
    println!(
        "\nA partial decryption entry is {} bytes of shares per member ({TOTALS} × 128); a complaint is 136 bytes.",
        TOTALS * 128
    );
}
