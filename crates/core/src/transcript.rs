//! Fiat-Shamir transcripts.
//!
//! A transcript is a SHA-512 hash fed with framed fields: each field is
//! `u32le(len(label)) ‖ label ‖ u32le(len(data)) ‖ data`. It starts with the
//! field `("domain", tag)` where `tag` is a fixed ASCII string naming the
//! statement (for example `tinnhiem/v1/or-proof`). The challenge is the
//! 64-byte digest reduced modulo ℓ (`Scalar::from_bytes_mod_order_wide`).
//! Framing every field with its length makes the encoding injective, so two
//! different statements never hash the same bytes.

use curve25519_dalek::scalar::Scalar;
use sha2::{Digest, Sha512};

/// A domain-separated Fiat-Shamir transcript (PROTOCOL.md §3).
#[derive(Clone)]
pub struct Transcript {
    hash: Sha512,
}

impl Transcript {
    /// Starts a transcript for the statement named `domain`.
    pub fn new(domain: &str) -> Self {
        let mut t = Transcript {
            hash: Sha512::new(),
        };
        t.append("domain", domain.as_bytes());
        t
    }

    /// Appends one framed field.
    pub fn append(&mut self, label: &str, data: &[u8]) {
        self.hash.update((label.len() as u32).to_le_bytes());
        self.hash.update(label.as_bytes());
        self.hash.update((data.len() as u32).to_le_bytes());
        self.hash.update(data);
    }

    /// Appends a `u32` as 4 little-endian bytes.
    pub fn append_u32(&mut self, label: &str, v: u32) {
        self.append(label, &v.to_le_bytes());
    }

    /// The raw 64-byte SHA-512 digest of everything appended (for derived
    /// keys and pads, where no reduction modulo ℓ is wanted).
    pub fn digest(self) -> [u8; 64] {
        self.hash.finalize().into()
    }

    /// The challenge scalar: SHA-512 of everything appended, reduced mod ℓ.
    pub fn challenge(self) -> Scalar {
        let digest: [u8; 64] = self.hash.finalize().into();
        Scalar::from_bytes_mod_order_wide(&digest)
    }
}
