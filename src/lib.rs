//! # tinnhiem
//!
//! The binary's library: the command line, the scenario file and the
//! reports (result table, minutes). The cryptography is in `tinnhiem-core`,
//! the verifier in `tinnhiem-tally`; this crate wires them together.
#![forbid(unsafe_code)]

pub mod cli;
pub mod report;
pub mod scenario;
