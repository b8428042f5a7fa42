//! The verifier's state machine, through logs that the harness seals with
//! keys it knows (see `src/script.rs`): the same checks as `verify_log`,
//! on logs whose every line carries a good server signature and, unless the
//! fuzzer changed them, good committee signatures, ballots and decryptions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(log) = tinnhiem_fuzz::script::build_log(data) {
        tinnhiem_fuzz::verify::check_log(&log);
    }
});
