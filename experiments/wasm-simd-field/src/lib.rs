//! Field multiplication modulo 2^255 - 19 in radix 2^25.5 (ten limbs of 26
//! and 25 bits, the layout of curve25519-dalek's 32-bit backend), written
//! three ways for wasm32 with `+simd128`:
//! - `scalar`: one product at a time, 100 `i64.mul` of 32-bit limbs;
//! - `simd`: two products at once, limbs of two elements in the lanes of a
//!   `u32x4`, each partial product an `i64x2.extmul_low_i32x4_u`;
//! - `simd4`: four products at once, `extmul_low` and `extmul_high`.
//!
//! Each export runs chains of `n` multiplications and returns a digest of
//! the results, equal between the scalar and the SIMD form of a width (the
//! check that both compute the same thing). `#[no_mangle]` exports only:
//! the experiment's shim to the page that times it (bench.py).
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
// Limb indices carry meaning here (their parity, i + j), as in the formulas.
#![allow(clippy::needless_range_loop)]
use core::arch::wasm32::*;
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

// Radix 2^25.5: limbs i even 26 bits, odd 25 bits. p = 2^255 - 19.
type Fe = [u32; 10];

#[inline(always)]
fn mul(a: &Fe, b: &Fe) -> Fe {
    let mut z = [0u64; 10];
    for i in 0..10 {
        for j in 0..10 {
            let k = i + j;
            // odd*odd limbs carry a factor 2
            let f2 = if (i & 1) == 1 && (j & 1) == 1 { 2 } else { 1 };
            let bj = if k >= 10 {
                b[j] as u64 * 19
            } else {
                b[j] as u64
            };
            let t = (a[i] as u64) * bj * f2;
            z[k % 10] += t;
        }
    }
    carry(z)
}
#[inline(always)]
fn carry(mut z: [u64; 10]) -> Fe {
    let mut out = [0u32; 10];
    for _ in 0..2 {
        for i in 0..10 {
            let bits = if i & 1 == 0 { 26 } else { 25 };
            let c = z[i] >> bits;
            z[i] &= (1u64 << bits) - 1;
            if i == 9 {
                z[0] += c * 19;
            } else {
                z[i + 1] += c;
            }
        }
    }
    for i in 0..10 {
        out[i] = z[i] as u32;
    }
    out
}

/// The operands of a lane-wise product: `a` with its limbs doubled (odd
/// times odd limbs carry a factor 2) and `b` times 19 (the wrap-around of
/// 2^255 = 19).
#[inline(always)]
fn operands(a: &[v128; 10], b: &[v128; 10]) -> ([v128; 10], [v128; 10]) {
    let mut a2 = [u32x4_splat(0); 10];
    let mut b19 = [u32x4_splat(0); 10];
    for j in 0..10 {
        a2[j] = u32x4_shl(a[j], 1);
        b19[j] = u32x4_mul(b[j], u32x4_splat(19));
    }
    (a2, b19)
}

/// The partial products of limbs `i` and `j`: which of `a`'s and `b`'s
/// forms they take, and the limb `k` they add to.
#[inline(always)]
fn term(
    a: &[v128; 10],
    a2: &[v128; 10],
    b: &[v128; 10],
    b19: &[v128; 10],
    i: usize,
    j: usize,
) -> (v128, v128, usize) {
    let ai = if (i & 1) == 1 && (j & 1) == 1 {
        a2[i]
    } else {
        a[i]
    };
    let bj = if i + j >= 10 { b19[j] } else { b[j] };
    (ai, bj, (i + j) % 10)
}

/// Two passes of carries over the ten 64-bit lane pairs.
#[inline(always)]
fn reduce(z: &mut [v128; 10]) {
    for _ in 0..2 {
        for i in 0..10 {
            let bits = if i & 1 == 0 { 26 } else { 25 };
            let c = u64x2_shr(z[i], bits);
            z[i] = v128_and(z[i], u64x2_splat((1u64 << bits) - 1));
            if i == 9 {
                z[0] = u64x2_add(
                    z[0],
                    u64x2_add(u64x2_shl(c, 4), u64x2_add(u64x2_shl(c, 1), c)),
                );
            } else {
                z[i + 1] = u64x2_add(z[i + 1], c);
            }
        }
    }
}

#[inline(always)]
fn mul2(a: &[v128; 10], b: &[v128; 10]) -> [v128; 10] {
    // lanes: u32x4(x_i, y_i, 0, 0); products in u64x2
    let (a2, b19) = operands(a, b);
    let mut z = [u64x2_splat(0); 10];
    for i in 0..10 {
        for j in 0..10 {
            let (ai, bj, k) = term(a, &a2, b, &b19, i, j);
            z[k] = u64x2_add(z[k], u64x2_extmul_low_u32x4(ai, bj));
        }
    }
    reduce(&mut z);
    let mut out = [u32x4_splat(0); 10];
    for i in 0..10 {
        out[i] = u32x4_shuffle::<0, 2, 1, 3>(z[i], z[i]);
    }
    out
}

fn seed(s: u32) -> Fe {
    let mut f = [0u32; 10];
    let mut x = s.wrapping_mul(2654435761);
    for i in 0..10 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        f[i] = x & if i & 1 == 0 { 0x3ffffff } else { 0x1ffffff };
    }
    f
}

#[no_mangle]
pub extern "C" fn scalar(n: u32) -> u32 {
    let mut a = seed(1);
    let mut b = seed(2);
    let c = seed(3);
    let d = seed(4);
    for _ in 0..n {
        a = mul(&a, &c);
        b = mul(&b, &d);
    }
    a[0] ^ b[0]
}
#[no_mangle]
pub extern "C" fn simd(n: u32) -> u32 {
    let (a0, b0, c0, d0) = (seed(1), seed(2), seed(3), seed(4));
    let mut x = [u32x4_splat(0); 10];
    let mut y = [u32x4_splat(0); 10];
    for i in 0..10 {
        x[i] = u32x4(a0[i], b0[i], 0, 0);
        y[i] = u32x4(c0[i], d0[i], 0, 0);
    }
    for _ in 0..n {
        x = mul2(&x, &y);
    }
    u32x4_extract_lane::<0>(x[0]) ^ u32x4_extract_lane::<1>(x[0])
}

#[inline(always)]
fn mul4(a: &[v128; 10], b: &[v128; 10]) -> [v128; 10] {
    // lanes: u32x4(x0_i, x1_i, x2_i, x3_i); low products lanes 0,1; high lanes 2,3
    let (a2, b19) = operands(a, b);
    let mut lo = [u64x2_splat(0); 10];
    let mut hi = [u64x2_splat(0); 10];
    for i in 0..10 {
        for j in 0..10 {
            let (ai, bj, k) = term(a, &a2, b, &b19, i, j);
            lo[k] = u64x2_add(lo[k], u64x2_extmul_low_u32x4(ai, bj));
            hi[k] = u64x2_add(hi[k], u64x2_extmul_high_u32x4(ai, bj));
        }
    }
    reduce(&mut lo);
    reduce(&mut hi);
    let mut out = [u32x4_splat(0); 10];
    for i in 0..10 {
        out[i] = u32x4_shuffle::<0, 2, 4, 6>(lo[i], hi[i]);
    }
    out
}
#[no_mangle]
pub extern "C" fn scalar4(n: u32) -> u32 {
    let mut a = seed(1);
    let mut b = seed(2);
    let mut e = seed(5);
    let mut f = seed(6);
    let c = seed(3);
    let d = seed(4);
    let g = seed(7);
    let h = seed(8);
    for _ in 0..n {
        a = mul(&a, &c);
        b = mul(&b, &d);
        e = mul(&e, &g);
        f = mul(&f, &h);
    }
    a[0] ^ b[0] ^ e[0] ^ f[0]
}
#[no_mangle]
pub extern "C" fn simd4(n: u32) -> u32 {
    let s = [seed(1), seed(2), seed(5), seed(6)];
    let t = [seed(3), seed(4), seed(7), seed(8)];
    let mut x = [u32x4_splat(0); 10];
    let mut y = [u32x4_splat(0); 10];
    for i in 0..10 {
        x[i] = u32x4(s[0][i], s[1][i], s[2][i], s[3][i]);
        y[i] = u32x4(t[0][i], t[1][i], t[2][i], t[3][i]);
    }
    for _ in 0..n {
        x = mul4(&x, &y);
    }
    u32x4_extract_lane::<0>(x[0])
        ^ u32x4_extract_lane::<1>(x[0])
        ^ u32x4_extract_lane::<2>(x[0])
        ^ u32x4_extract_lane::<3>(x[0])
}
