//! The voter's credential: the electronic form of "a ballot issued by the
//! counting committee" (R3, R5).
//!
//! A credential is 16 random bytes, the *seed*, made where the credential
//! sheet is printed and never sent to the server. Its secret scalar is
//! `c = challenge(tinnhiem/v1/credential: election = id, seed = seed)` and its
//! public part `C = c·G` is what the committee publishes in the log. A ballot
//! counts only if it is signed with the `c` of a published `C`.
//!
//! The text in the QR code and under it is Crockford base32 of
//! `seed ‖ check`, where `check` is the first 4 bytes of SHA-512 transcript
//! `tinnhiem/v1/credential-check` over `seed`: 20 bytes, 32 characters,
//! printed in 8 groups of 4 separated by `-`. People may type it in either
//! case, with or without the dashes; `I`, `L` read as `1` and `O` as `0`. The
//! check catches a mistyped code (all but one in 2³² typos).

use alloc::string::String;
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha512};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::encoding::{base32, base32_value};
use crate::schnorr::{PublicKey, SecretKey};
use crate::transcript::Transcript;
use crate::DecodeError;

/// Number of significant characters in a credential text.
pub const TEXT_LEN: usize = 32;

/// A voter's credential (secret). Zeroized on drop; `Debug` is redacted.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Credential {
    seed: [u8; 16],
}

impl core::fmt::Debug for Credential {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Credential(<redacted>)")
    }
}

fn check(seed: &[u8; 16]) -> [u8; 4] {
    // Framed exactly as a transcript (PROTOCOL.md §3.1), but the raw digest.
    let mut h = Sha512::new();
    for (label, data) in [
        ("domain", &b"tinnhiem/v1/credential-check"[..]),
        ("seed", seed),
    ] {
        h.update((label.len() as u32).to_le_bytes());
        h.update(label.as_bytes());
        h.update((data.len() as u32).to_le_bytes());
        h.update(data);
    }
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

impl Credential {
    /// A fresh credential.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut seed = [0u8; 16];
        rng.fill_bytes(&mut seed);
        Credential { seed }
    }

    /// From a seed (test vectors).
    pub fn from_seed(seed: [u8; 16]) -> Self {
        Credential { seed }
    }

    /// Reads the text of a QR code or of what a voter typed.
    pub fn from_text(text: &str) -> Result<Self, DecodeError> {
        let mut bytes = Zeroizing::new([0u8; 20]);
        let mut acc: u32 = 0;
        let mut bits = 0u32;
        let mut n = 0usize;
        let mut out = 0usize;
        for &c in text.as_bytes() {
            if c == b'-' || c == b' ' {
                continue;
            }
            let v = base32_value(c).ok_or(DecodeError::CredentialCharacter { position: n })?;
            n += 1;
            if n > TEXT_LEN {
                continue;
            }
            acc = (acc << 5) | u32::from(v);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes[out] = (acc >> bits) as u8;
                out += 1;
            }
        }
        acc.zeroize();
        if n != TEXT_LEN {
            return Err(DecodeError::CredentialLength { found: n });
        }
        let mut seed = [0u8; 16];
        seed.copy_from_slice(&bytes[..16]);
        let cred = Credential { seed };
        if check(&cred.seed) != bytes[16..20] {
            return Err(DecodeError::CredentialChecksum);
        }
        Ok(cred)
    }

    /// The printed text: 8 groups of 4 characters separated by `-`.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new([0u8; 20]);
        raw[..16].copy_from_slice(&self.seed);
        raw[16..].copy_from_slice(&check(&self.seed));
        let plain = Zeroizing::new(base32(&raw[..]));
        let mut out = Zeroizing::new(String::with_capacity(39));
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// The secret scalar `c` for the election `election_id`.
    pub fn secret_key(&self, election_id: &str) -> SecretKey {
        let mut t = Transcript::new("tinnhiem/v1/credential");
        t.append("election", election_id.as_bytes());
        t.append("seed", &self.seed);
        let c: Scalar = t.challenge();
        SecretKey::from_scalar(c)
    }

    /// The public credential `C = c·G` that the committee publishes.
    pub fn public(&self, election_id: &str) -> PublicKey {
        self.secret_key(election_id).public()
    }
}
