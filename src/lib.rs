//! # tinnhiem
//!
//! The binary's library: the command line and its commands, the HTTP
//! client, the scenario file, the terminal's result table and the
//! committee's credential sheet. The cryptography is in `tinnhiem-core`, the
//! verifier in `tinnhiem-tally`, the meeting server in `tinnhiem-server`;
//! this crate wires them together.
#![forbid(unsafe_code)]

pub mod cli;
pub mod client;
pub mod report;
pub mod scenario;
pub mod sheet;
