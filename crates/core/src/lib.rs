//! # tinnhiem-core
//!
//! The election types, their canonical encodings and all of the cryptography
//! of tinnhiem, the confidence-vote (lấy phiếu tín nhiệm) server. This crate is
//! pure: no I/O, no clock and no global random number generator (every
//! function that needs randomness takes `&mut impl CryptoRngCore`), so that the
//! same code runs in the server, in the separate tally and in the browser
//! (`wasm32-unknown-unknown`).
//!
//! The byte-level specification of everything here is `docs/PROTOCOL.md`; each
//! section of that document names the function that implements it, and each
//! function's documentation states the equations it checks.
//!
//! Map of the crate:
//! - [`encoding`]: hex, Crockford base32 and the decoding of group elements.
//! - [`transcript`]: domain-separated Fiat-Shamir transcripts (SHA-512).
//! - [`elgamal`]: exponential ElGamal over Ristretto255.
//! - [`schnorr`]: Schnorr signatures and proofs of knowledge.
//! - [`proofs`]: disjunctive 0/1 proofs and Chaum-Pedersen equality proofs.
//! - [`batch`]: the batch verifier (one multiscalar multiplication).
//! - [`credential`]: the voter's credential (rule R3) and its QR text.
//! - [`trustee`]: the counting committee's key shares and partial decryptions.
//! - [`dkg`]: threshold key generation and t-of-n decryption (draft, not yet
//!   used by the log).
//! - [`ballot`]: the encrypted ballot (R1, R4, R5), its hash and tracking code.
//! - [`keycard`]: the check code printed on a member's key card.
//! - [`log`]: the log entries and their exact JSON Lines form.
//! - [`rules`]: the arithmetic of the rules R2, R6 and R7.
//! - [`calendar`]: working days in Viet Nam and the plan's deadlines (R12).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![no_std]

extern crate alloc;

pub mod ballot;
pub mod batch;
pub mod calendar;
pub mod credential;
pub mod dkg;
pub mod elgamal;
pub mod encoding;
pub mod error;
pub mod keycard;
pub mod log;
pub mod proofs;
pub mod rules;
pub mod schnorr;
pub mod transcript;
pub mod trustee;

pub use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
pub use curve25519_dalek::scalar::Scalar;
pub use error::{DecodeError, ProofError};
