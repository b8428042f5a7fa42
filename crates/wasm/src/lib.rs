//! # tinnhiem-wasm
//!
//! The browser's binding to `tinnhiem-core`, so that the voter's phone runs
//! the same cryptography as the server and the tally: one implementation of
//! the protocol, not two.
//!
//! The interface is deliberately small and needs no generated glue: the page
//! writes a JSON request into memory the module allocates, calls
//! `tn_call(op, ptr, len)`, and reads a JSON answer. [`api`] holds all the
//! logic in safe Rust (and is what the native tests call); [`shim`] is the
//! only code in the project with `unsafe`, the raw pointer handling of the
//! exports.
//!
//! Randomness comes from the page: each request that needs it carries a
//! 32-byte `seed` from `crypto.getRandomValues`, which seeds a ChaCha20
//! generator for that call only.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
#[cfg(target_arch = "wasm32")]
mod shim;
