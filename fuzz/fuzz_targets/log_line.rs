//! One log line (`tinnhiem_core::log::parse_line`): never panics; a line that
//! decodes is canonical (`to_line` gives back the same bytes), decodes again
//! to the same entry, and has the signed part the server signs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::log::{check_election, parse_line, server_message, signed_part, Payload};

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
});
