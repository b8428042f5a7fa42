//! # tinnhiem
//!
//! The binary's library: the command line, the scenario file and the
//! reports (result table, minutes). The cryptography is in `tinnhiem-core`,
//! the verifier in `tinnhiem-tally`; this crate wires them together.
#![forbid(unsafe_code)]

pub mod auth;
pub mod cli;
pub mod client;
pub mod election;
pub mod html;
pub mod report;
pub mod scenario;
pub mod server;
pub mod sheet;
pub mod store;
pub mod web;
