//! Encodings shared by every format: lowercase hex for bytes, Crockford's
//! base32 for what people type, and checked decoding of group elements.
//!
//! A point is always the 32-byte canonical Ristretto255 encoding; a scalar is
//! always 32 bytes little-endian and fully reduced modulo the group order ℓ.
//! Decoding refuses anything else, so every value has exactly one encoding.

use alloc::string::String;
use alloc::vec::Vec;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;

use crate::DecodeError;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Decodes lowercase hex (uppercase is refused: one value, one encoding).
pub fn unhex(s: &str, field: &'static str) -> Result<Vec<u8>, DecodeError> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return Err(DecodeError::Hex { field });
    }
    b.chunks_exact(2)
        .map(|p| match (nibble(p[0]), nibble(p[1])) {
            (Some(h), Some(l)) => Ok(h << 4 | l),
            _ => Err(DecodeError::Hex { field }),
        })
        .collect()
}

/// Decodes lowercase hex of exactly `N` bytes.
pub fn unhex_array<const N: usize>(s: &str, field: &'static str) -> Result<[u8; N], DecodeError> {
    let v = unhex(s, field)?;
    v.as_slice().try_into().map_err(|_| DecodeError::Length {
        field,
        expected: N,
        found: v.len(),
    })
}

/// Decompresses a point, refusing non-canonical encodings.
pub fn point(bytes: &[u8; 32], field: &'static str) -> Result<RistrettoPoint, DecodeError> {
    CompressedRistretto(*bytes)
        .decompress()
        .ok_or(DecodeError::Point { field })
}

/// Decompresses a point that must not be the identity (public keys,
/// credentials: the identity would be the key of the secret 0).
pub fn public_point(bytes: &[u8; 32], field: &'static str) -> Result<RistrettoPoint, DecodeError> {
    let p = point(bytes, field)?;
    if p.is_identity() {
        return Err(DecodeError::Identity { field });
    }
    Ok(p)
}

/// Reads a canonical scalar.
pub fn scalar(bytes: &[u8; 32], field: &'static str) -> Result<Scalar, DecodeError> {
    Option::from(Scalar::from_canonical_bytes(*bytes)).ok_or(DecodeError::Scalar { field })
}

/// Splits `bytes` into the 32-byte chunk at `index`.
pub(crate) fn chunk32(bytes: &[u8], index: usize) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&bytes[index * 32..index * 32 + 32]);
    out
}

/// Crockford's base32 alphabet (no I, L, O, U).
pub const BASE32: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Crockford base32 of `bytes`, most significant bit first; the last
/// character is padded with zero bits.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The value of one base32 character, reading case-insensitively and taking
/// `I`/`L` as 1 and `O` as 0 (Crockford's rule for what people type).
pub fn base32_value(c: u8) -> Option<u8> {
    let c = c.to_ascii_uppercase();
    match c {
        b'O' => Some(0),
        b'I' | b'L' => Some(1),
        _ => BASE32.iter().position(|&a| a == c).map(|p| p as u8),
    }
}
