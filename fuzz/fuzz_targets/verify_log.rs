//! The whole-log verifier on arbitrary bytes (`verify_log`,
//! `verify_log_with`, `Tally::push`): never panics; for a fixed rng seed
//! the answer (result, or the first failing entry and why) is the same
//! twice, on one thread and on every core, line by line through
//! `Tally::push`, and in the chunks of the inspector's Web Workers
//! (`check_chunk`, `apply_checked`; a garbled summary never panics); an accepted log's result is self-consistent. Seeded with
//! honest logs, so byte mutations start from a valid election.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tinnhiem_fuzz::verify::check_log(data);
});
