//! Roles and authentication.
//!
//! - The **organizer** has one account, created on first run: its password
//!   is printed once (or set with `--organizer-password-file`), and only its
//!   argon2 hash is stored. Logging in gives a session token, kept in memory
//!   as a SHA-256 hash.
//! - A **committee member** enrolls his or her key share with a one-time
//!   enrollment code given out when the election is created; after that every
//!   write of the member is a statement signed with the key share, which the
//!   log's verifier checks. The same code lets the member read the result.
//! - A **candidate** reads his or her own result line with an access code.
//! - A **voter** is known only by a credential signature.
//!
//! Codes and tokens are 128 random bits; only their SHA-256 is stored, and
//! comparisons are constant-time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2_compat::sha256;
use subtle::ConstantTimeEq;
use tinnhiem_core::encoding::base32;

/// How long an organizer session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// A fresh random code, Crockford base32 of 16 bytes, in groups of 4.
pub fn new_code() -> String {
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    let s = base32(&b);
    s.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect::<Vec<_>>()
        .join("-")
}

/// The stored form of a code: SHA-256 of its normalized text.
pub(crate) fn code_hash(code: &str) -> [u8; 32] {
    let norm: String = code
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256(norm.as_bytes())
}

/// Constant-time comparison of a presented code with a stored hash.
pub(crate) fn code_matches(code: &str, stored: &[u8; 32]) -> bool {
    code_hash(code).ct_eq(stored).into()
}

/// Hashes the organizer's password with argon2id.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters")
        .to_string()
}

/// Checks a password against its stored argon2 hash.
pub(crate) fn check_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The organizer's sessions, in memory.
#[derive(Default)]
pub(crate) struct Sessions {
    tokens: Mutex<HashMap<[u8; 32], Instant>>,
}

impl Sessions {
    /// A new session token.
    pub fn create(&self) -> String {
        let token = new_code();
        let mut t = self.tokens.lock().expect("sessions lock");
        let now = Instant::now();
        t.retain(|_, exp| *exp > now);
        t.insert(code_hash(&token), now + SESSION_LIFETIME);
        token
    }

    /// True when `token` is a live session. The lookup is by hash, so the
    /// comparison never touches the token's bytes directly.
    pub fn check(&self, token: &str) -> bool {
        let t = self.tokens.lock().expect("sessions lock");
        t.get(&code_hash(token))
            .is_some_and(|exp| *exp > Instant::now())
    }
}

/// SHA-256 through the core's dependency (no second copy of the crate).
mod sha2_compat {
    pub fn sha256(data: &[u8]) -> [u8; 32] {
        tinnhiem_core::log::entry_hash(data)
    }
}
