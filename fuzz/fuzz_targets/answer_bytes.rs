//! One encoded answer (`tinnhiem_core::ballot::Answer::from_bytes`): never
//! panics; a decoded answer encodes back to the same 1088 bytes; adding it
//! to a batch against a fixed election (which decompresses its points)
//! returns an answer, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::ballot::{Answer, ElectionContext, ANSWER_LEN};
use tinnhiem_core::batch::BatchVerifier;
use tinnhiem_core::schnorr::SecretKey;
use tinnhiem_fuzz::verify::rng;

fuzz_target!(|data: &[u8]| {
    let decoded = Answer::from_bytes(data);
    if data.len() != ANSWER_LEN {
        assert!(decoded.is_err(), "an answer of the wrong length decoded");
        return;
    }
    let Ok(answer) = decoded else {
        return;
    };
    assert_eq!(
        &answer.to_bytes()[..],
        data,
        "an answer is not its own encoding"
    );
    let mut b = [0u8; 32];
    b[0] = 9;
    let key = SecretKey::from_bytes(&b).expect("canonical").public();
    let ctx = ElectionContext {
        election_hash: [1; 32],
        key,
        candidates: 1,
    };
    let mut batch = BatchVerifier::new();
    let base = batch.add_base(*key.point());
    if answer
        .add_to_batch(&ctx, &[2; 32], 0, &mut batch, base, &mut rng())
        .is_ok()
    {
        let _ = batch.verify();
    }
});
