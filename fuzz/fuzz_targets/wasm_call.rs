//! Any request to any operation of the browser module (`tinnhiem_wasm`):
//! never a panic, always a JSON answer, and no error that repeats a secret
//! of its request. The first byte picks the op; see `src/wasm.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tinnhiem_fuzz::wasm::check_call(data);
});
