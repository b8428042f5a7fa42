//! Crash durability: voters cast in parallel while the server is killed
//! with SIGKILL at random moments and restarted on the same data directory.
//! Every ballot that got a receipt must be in the log at the receipt's
//! position with the receipt's hash; ballots without a receipt are sent
//! again and must count exactly once; the final log must verify.
//!
//! CI runs 6 kills; `TINNHIEM_CRASH_KILLS=25 TINNHIEM_CRASH_VOTERS=300 cargo
//! test --release --test crash` is the full run recorded in
//! docs/RELIABILITY.md.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use common::{input, Meeting, Server, TempDir};
use rand::{Rng, RngCore};
use tinnhiem_core::ballot::{Ballot, Level};
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::entry_hash;
use tinnhiem_tally::sim::Receipt;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_ballots_survive_kill_9_and_count_once() {
    let kills = env("TINNHIEM_CRASH_KILLS", 6);
    let voters = env("TINNHIEM_CRASH_VOTERS", 150);
    let dir = TempDir::new("crash");
    // All the test's voters share one address: no rate limit here.
    let start = |password| Server::start_args(dir.path(), password, "warn", &["--rate-limit", "0"]);
    let mut server = start(Some(common::PASSWORD)).await;
    let mut m = Meeting::create(&server.client, &input(3, voters as u32, 2)).await;
    m.prepare(voters as u32, voters).await;

    // Every voter's ballot, made once (a voter's page resends the same one).
    let mut rng = rand::thread_rng();
    let mut ballots: Vec<Ballot> = Vec::new();
    let mut expected = [[0u64; 3]; 3];
    for i in 0..voters {
        let choices: Vec<Option<Level>> = (0..3)
            .map(|_| match rng.next_u32() % 4 {
                0 => Some(Level::High),
                1 => Some(Level::Confidence),
                2 => Some(Level::Low),
                _ => None,
            })
            .collect();
        for (j, c) in choices.iter().enumerate() {
            if let Some(l) = c {
                expected[j][l.index()] += 1;
            }
        }
        let b = m.ballot(&m.credentials[i].clone(), &choices, None).await;
        ballots.push(b);
    }
    let ballots = Arc::new(ballots);
    let mut receipts: HashMap<usize, Receipt> = HashMap::new();
    let mut survived = 0;

    for round in 0..=kills {
        // Each round brings a new wave of voters, plus those still without a
        // receipt, plus a few resends of acknowledged ballots (a page that
        // did not see its receipt): all are in flight when the kill comes.
        let wave_end = (voters * (round + 1)).div_ceil(kills + 1);
        let mut pending: Vec<usize> = (0..wave_end)
            .filter(|i| !receipts.contains_key(i))
            .collect();
        pending.extend(receipts.keys().take(5).copied());
        let client = server.client.clone();
        let path = m.path("/ballots");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for chunk in pending.chunks(pending.len().div_ceil(16).max(1)) {
            let chunk = chunk.to_vec();
            let (client, path, ballots, tx) =
                (client.clone(), path.clone(), ballots.clone(), tx.clone());
            tokio::spawn(async move {
                for i in chunk {
                    match client
                        .call::<Receipt>(hyper::Method::POST, &path, Some(&ballots[i]), None)
                        .await
                    {
                        Ok(r) => {
                            let _ = tx.send((i, r));
                        }
                        Err(_) => return, // the server is gone; retried next round
                    }
                }
            });
        }
        drop(tx);
        if round < kills {
            // Kill at a random moment while ballots are in flight.
            let ms = rand::thread_rng().gen_range(2..60);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            server.kill();
            survived += 1;
        }
        let before = receipts.len();
        while let Some((i, r)) = rx.recv().await {
            if let Some(old) = receipts.get(&i) {
                assert_eq!(
                    (old.seq, &old.entry_hash),
                    (r.seq, &r.entry_hash),
                    "a resent ballot keeps its receipt"
                );
            }
            receipts.insert(i, r);
        }
        eprintln!(
            "round {round}: {} new receipts, {} in all",
            receipts.len() - before,
            receipts.len()
        );
        if round < kills {
            server = start(None).await;
            m.client = server.client.clone();
        }
        // Every receipt so far names its ballot's line in the log.
        let lines = m.lines().await;
        for (i, r) in &receipts {
            let line = lines.get(r.seq as usize).unwrap_or_else(|| {
                panic!(
                    "round {round}: receipt of voter {i} names line {} beyond the log",
                    r.seq
                )
            });
            assert_eq!(
                hex(&entry_hash(line)),
                r.entry_hash,
                "round {round}: voter {i}'s line changed"
            );
        }
    }
    assert_eq!(
        receipts.len(),
        voters,
        "every voter got a receipt in the end"
    );
    let outcome = m.finish().await;
    assert_eq!(
        outcome.result.returned, voters as u64,
        "each ballot counted exactly once"
    );
    assert_eq!(outcome.result.excluded, 0);
    for (j, c) in outcome.result.candidates.iter().enumerate() {
        assert_eq!([c.high.count, c.confidence.count, c.low.count], expected[j]);
    }
    eprintln!("crash test: {survived} kills survived, {voters} voters, 0 ballots lost");
}
