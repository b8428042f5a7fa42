//! # tinnhiem-tally
//!
//! The separate tally and verifier. It reads a published log (the bytes of a
//! JSON Lines file), checks the hash chain and every entry, counts only the
//! ballots cast with committee-issued credentials (R3, R5), checks the
//! committee's partial decryptions, decrypts nothing but the totals, and
//! builds the result (R2, R5, R6, R7). It knows nothing of the server, of
//! files or of the network, so the inspector's page can run it compiled to
//! wasm.
//!
//! Two kinds of finding:
//! - a **failure** ([`VerifyError`]): the log is not what the protocol says
//!   (a changed byte, a broken chain, a bad committee signature or
//!   decryption, a wrong result). Verification stops at the first failing
//!   entry and names it.
//! - an **exclusion** ([`Exclusion`]): a ballot entry that the server signed
//!   but the protocol does not count (a credential never issued, a credential
//!   used before, a signature or proof that fails, a ballot outside the
//!   voting window). The count goes on without it; the server should have
//!   refused it, so any exclusion is a finding against the server.
//!
//! [`verify_log`] is the fast path: it checks every line's server signature
//! and every ballot's signature and proofs in batches (one multiscalar
//! multiplication each), on both cores natively, then replays the log through
//! the same state machine that [`Tally::push`] runs line by line. If a batch
//! fails, the lines it covered are checked one at a time, so the answer is
//! exactly the one-at-a-time answer.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod campaign;
pub mod json;
pub mod member;
mod result;
mod state;
mod verify;
pub mod vi;

pub use result::{CandidateResult, ElectionResult, LevelCount, QuorumResult};
pub use state::{
    Audit, Committee, Exclusion, ExclusionReason, Phase, Pushed, Reason, Tally, VerifyError,
};
pub use verify::{
    split_lines, verify_log, verify_log_report, verify_log_with, verify_step, Failed, Outcome,
};

pub mod sim;
