//! The raw exports. The page calls `tn_alloc(len)` for a request buffer,
//! writes the JSON request, calls `tn_call(op, ptr, len)` (which wipes and
//! frees the request), reads `tn_result_len()` bytes at `tn_result_ptr()`,
//! then calls `tn_result_clear()` to wipe the answer. `tn_call` returns 0 on
//! success and 1 when the answer is an error.
//!
//! Requests and answers may hold secrets (a credential text, a trustee's key
//! share, a ballot's random seed, a new sheet's credentials): neither buffer
//! is left in the module's memory after use. The request is wiped before it
//! is freed; the previous answer is wiped before it is replaced, and the
//! page wipes the last one as soon as it has read it.
#![allow(unsafe_code)]

use std::cell::RefCell;

use zeroize::Zeroize;

thread_local! {
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Allocates `len` bytes for a request.
#[no_mangle]
pub extern "C" fn tn_alloc(len: usize) -> *mut u8 {
    let mut v = vec![0u8; len].into_boxed_slice();
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Runs operation `op` on the request at `ptr..ptr+len`, then wipes and
/// frees it.
#[no_mangle]
pub extern "C" fn tn_call(op: u32, ptr: *mut u8, len: usize) -> u32 {
    // SAFETY: `ptr` and `len` come from `tn_alloc(len)` and are used once.
    let mut input = unsafe { Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr, len)) };
    let (code, out) = match crate::api::call(op, &input) {
        Ok(v) => (0, v),
        Err(v) => (1, v),
    };
    input.zeroize();
    drop(input);
    RESULT.with(|r| {
        let mut r = r.borrow_mut();
        r.zeroize();
        *r = out;
    });
    code
}

/// Address of the last answer.
#[no_mangle]
pub extern "C" fn tn_result_ptr() -> *const u8 {
    RESULT.with(|r| r.borrow().as_ptr())
}

/// Length of the last answer.
#[no_mangle]
pub extern "C" fn tn_result_len() -> usize {
    RESULT.with(|r| r.borrow().len())
}

/// Wipes and frees the last answer (the page has read it).
#[no_mangle]
pub extern "C" fn tn_result_clear() {
    RESULT.with(|r| {
        let mut r = r.borrow_mut();
        r.zeroize();
        *r = Vec::new();
    });
}
