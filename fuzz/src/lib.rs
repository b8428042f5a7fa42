//! Shared checks of the fuzz targets (see `README.md`).
//!
//! - [`verify`]: the whole-log verifier, run three ways (both cores, one
//!   thread, one line at a time) with a fixed rng seed; all three must give
//!   the same answer, and an accepted log's result must be self-consistent.
//! - [`script`]: turns a small script into a log sealed with keys the
//!   harness knows, so that mutations reach the verifier's state machine
//!   instead of stopping at the server's signature on line 0.
//! - [`wasm`]: one request to the browser module's operations.
#![forbid(unsafe_code)]

pub mod script;
pub mod verify;
pub mod wasm;

/// `tinnhiem::scenario`, compiled here from its own source file: the root
/// package's library pulls in the whole server (axum, tokio, sled, ...),
/// which the scenario decoder does not use and which would make every fuzz
/// build several minutes longer. The file is the one `tinnhiem simulate`
/// uses; if it ever needs more of its crate, depend on `tinnhiem` instead.
#[path = "../../src/scenario.rs"]
pub mod scenario;
