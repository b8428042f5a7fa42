//! The raw exports. The page calls `tn_alloc(len)` for a request buffer,
//! writes the JSON request, calls `tn_call(op, ptr, len)` (which frees the
//! request), then reads `tn_result_len()` bytes at `tn_result_ptr()`.
//! `tn_call` returns 0 on success and 1 when the answer is an error.
#![allow(unsafe_code)]

use std::cell::RefCell;

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

/// Runs operation `op` on the request at `ptr..ptr+len` and frees it.
#[no_mangle]
pub extern "C" fn tn_call(op: u32, ptr: *mut u8, len: usize) -> u32 {
    // SAFETY: `ptr` and `len` come from `tn_alloc(len)` and are used once.
    let input = unsafe { Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr, len)) };
    let (code, out) = match crate::api::call(op, &input) {
        Ok(v) => (0, v),
        Err(v) => (1, v),
    };
    RESULT.with(|r| *r.borrow_mut() = out);
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
