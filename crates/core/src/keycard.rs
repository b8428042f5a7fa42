//! The check code printed on a committee member's key card (PROTOCOL.md
//! §5.11, informative): four Crockford base32 characters that the console
//! shows beside a key typed from the card, so that a member sees at once
//! that one character was mistyped, before the key is checked against the
//! log (or when the log holds no key for the member yet).
//!
//! A hash alone would catch a mistyped character only with high
//! probability; half of the code is a weighted sum of the key's 64 hex
//! digits modulo the prime 1021, which catches *every* single mistyped
//! digit and every swap of two different digits, for every key (the
//! argument is in [`key_check_code`]). The other half is 10 bits of a
//! domain-separated SHA-256 of the key, for the errors the sum does not
//! cover. The code is no part of the log or of any signature.

use alloc::string::String;
use sha2::{Digest, Sha256};

use crate::encoding::BASE32;

/// The domain of the hash half (ASCII, no length prefix, as the
/// fingerprint's, PROTOCOL.md §5.9).
pub const KEY_CHECK_DOMAIN: &[u8] = b"tinnhiem/key-check/v1";

/// The prime modulus of the weighted sum: larger than the 64 weights and
/// than any difference of two hex digits, and below 2¹⁰.
const MODULUS: u32 = 1021;

/// The check code of a trustee key as the key card prints it: the 32 bytes
/// whose lowercase hex (64 digits, `d₀ … d₆₃`, high nibble first) the card
/// shows.
///
/// `a = Σ (i + 1)·dᵢ mod 1021`, `b` = the first 10 bits of
/// `SHA-256("tinnhiem/key-check/v1" ‖ key)`, and the code is the 20-bit
/// value `a·1024 + b` as 4 base32 characters, most significant first.
///
/// Why every single mistyped digit changes `a`: changing `dᵢ` into `dᵢ'`
/// moves the sum by `(i + 1)(dᵢ' − dᵢ)`; both factors are non-zero and
/// smaller than the prime 1021 in absolute value, so their product is not
/// a multiple of 1021. Swapping two different digits at positions `i < j`
/// moves it by `(j − i)(dᵢ − dⱼ)`, non-zero for the same reason.
pub fn key_check_code(key: &[u8; 32]) -> String {
    let mut a: u32 = 0;
    for (i, byte) in key.iter().enumerate() {
        let w = 2 * i as u32 + 1;
        a = (a + w * u32::from(byte >> 4) + (w + 1) * u32::from(byte & 15)) % MODULUS;
    }
    let digest = Sha256::new()
        .chain_update(KEY_CHECK_DOMAIN)
        .chain_update(key)
        .finalize();
    let b = (u32::from(digest[0]) << 2) | u32::from(digest[1] >> 6);
    let v = a * 1024 + b;
    (0..4)
        .rev()
        .map(|k| BASE32[((v >> (5 * k)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::hex;
    use proptest::prelude::*;

    /// The key whose hex text has digit `d` at position `i` instead.
    fn with_digit(key: &[u8; 32], i: usize, d: u8) -> [u8; 32] {
        let mut k = *key;
        let b = &mut k[i / 2];
        *b = if i.is_multiple_of(2) {
            (*b & 0x0f) | (d << 4)
        } else {
            (*b & 0xf0) | d
        };
        k
    }

    fn digit(key: &[u8; 32], i: usize) -> u8 {
        if i.is_multiple_of(2) {
            key[i / 2] >> 4
        } else {
            key[i / 2] & 15
        }
    }

    #[test]
    fn code_is_four_base32_characters_and_matches_the_spec_example() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let code = key_check_code(&key);
        assert_eq!(code.len(), 4);
        assert!(code.bytes().all(|c| BASE32.contains(&c)));
        // The example of PROTOCOL.md §5.11 (key 00 01 … 1f).
        assert_eq!(code, "TVZA");
        assert_eq!(hex(&key).len(), 64);
    }

    #[test]
    fn every_single_digit_change_of_extreme_keys_is_caught() {
        for key in [[0u8; 32], [0xff; 32], [0x0f; 32], [0xf0; 32]] {
            let code = key_check_code(&key);
            for i in 0..64 {
                for d in 0..16u8 {
                    if d != digit(&key, i) {
                        assert_ne!(
                            key_check_code(&with_digit(&key, i, d)),
                            code,
                            "digit {i} → {d:x}"
                        );
                    }
                }
            }
        }
    }

    proptest! {
        /// Any key, any one of its 64 hex digits typed as any other digit:
        /// the code differs (64 × 15 changes per key).
        #[test]
        fn every_single_mistyped_character_of_a_key_changes_its_code(key in any::<[u8; 32]>()) {
            let code = key_check_code(&key);
            for i in 0..64 {
                for d in 0..16u8 {
                    if d != digit(&key, i) {
                        prop_assert_ne!(key_check_code(&with_digit(&key, i, d)), code.clone());
                    }
                }
            }
        }

        /// Any two different digits of a key swapped: the code differs.
        #[test]
        fn every_swap_of_two_different_characters_changes_its_code(key in any::<[u8; 32]>(), i in 0usize..64, j in 0usize..64) {
            let (di, dj) = (digit(&key, i), digit(&key, j));
            prop_assume!(di != dj);
            let swapped = with_digit(&with_digit(&key, i, dj), j, di);
            prop_assert_ne!(key_check_code(&swapped), key_check_code(&key));
        }
    }
}
