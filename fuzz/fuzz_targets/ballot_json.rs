//! A ballot body (`serde_json::from_slice::<Ballot>`, through
//! `TryFrom<BallotJson>`): never panics; a decoded ballot re-encodes to JSON
//! that decodes to the same ballot; hashing it and checking its signature
//! and proofs against a fixed election returns an answer, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::ballot::{check_name, tracking_code, Ballot, ElectionContext};
use tinnhiem_core::schnorr::SecretKey;
use tinnhiem_fuzz::verify::rng;

fuzz_target!(|data: &[u8]| {
    let Ok(ballot) = serde_json::from_slice::<Ballot>(data) else {
        return;
    };
    if let Some(name) = &ballot.signed_by {
        assert!(
            check_name(name).is_ok(),
            "a ballot with a bad declared name decoded"
        );
    }
    let json = serde_json::to_vec(&ballot).expect("a ballot serializes");
    let again: Ballot = serde_json::from_slice(&json).expect("a re-encoded ballot decodes");
    assert_eq!(again, ballot, "JSON round trip changed the ballot");
    let mut b = [0u8; 32];
    b[0] = 9;
    let key = SecretKey::from_bytes(&b).expect("canonical").public();
    let ctx = ElectionContext {
        election_hash: [1; 32],
        key,
        candidates: ballot.answers.len() as u32,
    };
    let _ = tracking_code(&ballot.digest(&ctx));
    if ballot.answers.len() <= 8 {
        let _ = ballot.verify(&ctx, &mut rng());
    }
});
