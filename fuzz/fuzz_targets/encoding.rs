//! The shared encodings (`tinnhiem_core::encoding`): `unhex` accepts only
//! lowercase hex and round-trips; `base32_value` reads every character that
//! `base32` writes back to its value, in either case; points and scalars
//! decode only from their one canonical encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::encoding::{
    base32, base32_value, hex, point, public_point, scalar, unhex, unhex_array, BASE32,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(bytes) = unhex(s, "fuzz") {
            assert_eq!(hex(&bytes), s, "unhex accepted a non-canonical string");
        }
        if let Ok(a) = unhex_array::<32>(s, "fuzz") {
            assert_eq!(hex(&a), s);
        }
    }
    for &c in data {
        let v = base32_value(c);
        let upper = c.to_ascii_uppercase();
        let expected = match upper {
            b'O' => Some(0),
            b'I' | b'L' => Some(1),
            _ => BASE32.iter().position(|&a| a == upper).map(|p| p as u8),
        };
        assert_eq!(v, expected, "base32_value({c})");
    }
    let text = base32(data);
    assert_eq!(text.len(), (data.len() * 8).div_ceil(5));
    let mut bits = Vec::with_capacity(text.len() * 5);
    for c in text.bytes() {
        let v = base32_value(c).expect("base32 writes its own alphabet");
        assert_eq!(base32_value(c.to_ascii_lowercase()), Some(v));
        for i in (0..5).rev() {
            bits.push((v >> i) & 1);
        }
    }
    let decoded: Vec<u8> = bits
        .chunks_exact(8)
        .map(|b| b.iter().fold(0u8, |acc, &x| acc << 1 | x))
        .collect();
    assert_eq!(decoded, data, "base32 does not round-trip");
    for chunk in data.chunks_exact(32) {
        let b: [u8; 32] = chunk.try_into().expect("32 bytes");
        if let Ok(p) = point(&b, "fuzz") {
            assert_eq!(p.compress().to_bytes(), b, "a non-canonical point decoded");
        }
        if let Ok(p) = public_point(&b, "fuzz") {
            assert_eq!(p.compress().to_bytes(), b);
            assert_ne!(b, [0; 32], "the identity decoded as a public point");
        }
        if let Ok(s) = scalar(&b, "fuzz") {
            assert_eq!(s.to_bytes(), b, "a non-canonical scalar decoded");
        }
    }
});
