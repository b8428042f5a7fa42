//! One log line (`tinnhiem_core::log::parse_line`): never panics; a line that
//! decodes is canonical (`to_line` gives back the same bytes), decodes again
//! to the same entry, and has the signed part the server signs. An `audit`
//! body that decodes has `192·m`/`96·m` bytes for its `m` choices, and its
//! check (PROTOCOL.md §6.3) answers without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::ballot::seal_code;
use tinnhiem_core::log::{check_election, parse_line, server_message, signed_part, Payload};
use tinnhiem_core::schnorr::SecretKey;

fuzz_target!(|data: &[u8]| {
    let signed = signed_part(data);
    let Ok(entry) = parse_line(data) else {
        return;
    };
    let line = entry.to_line();
    assert_eq!(line, data, "a decoded line is not its own canonical form");
    assert_eq!(
        parse_line(&line).as_ref(),
        Ok(&entry),
        "re-decoding differs"
    );
    assert!(
        signed.is_some(),
        "a canonical line without its server_sig member"
    );
    let msg = server_message(data).expect("signed part");
    assert_eq!(msg.len(), signed.map_or(0, |(h, t)| h.len() + t.len()));
    // What the verifier does next with a decoded entry must not panic either.
    let _ = entry.payload.statement(&[0; 32], &[0; 32]);
    if let Payload::Election(b) = &entry.payload {
        let _ = check_election(b);
    }
    if let Payload::Audit(a) = &entry.payload {
        let m = a.choices.len();
        assert_eq!((a.ciphertexts.len(), a.randomness.len()), (m, m));
        assert_eq!(a.ciphertext_bytes().len(), 192 * m);
        let _ = seal_code(&a.seal_digest(&[0; 32]));
        let mut one = [0u8; 32];
        one[0] = 1;
        let key = SecretKey::from_bytes(&one).expect("1 is canonical").public();
        if let Err(e) = a.check(&key) {
            assert!((e.candidate as usize) < m && e.option < 3, "{e:?}");
        }
    }
});
