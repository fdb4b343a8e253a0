//! AVX2 versions of the feature kernels' inner loops, for the x86-64-v3
//! path of [`super::simd::run`].
//!
//! Each function computes exactly the same float operations, in the same
//! order per value, as the portable code it stands in for (named in its
//! doc); only the data movement differs (fewer shuffles, whole vectors).
//! So both paths give bit-identical results, which the
//! `scalar_and_dispatched_agree` tests check. No FMA contraction: every
//! `a * b + c` is a separate multiply and add, as in the portable code.

use core::arch::x86_64::{__m128, __m256, __m256d, __m256i};

use pulp::bytemuck::cast;
use pulp::x86::V3;
use rustfft::num_complex::Complex;

use super::db::{LOG10_POLY, TWO_52};
use super::stft::Lanes;

/// `_CMP_GT_OQ` and `_CMP_EQ_OQ` of `_mm256_cmp_pd`.
const CMP_GT: i32 = 30;
const CMP_EQ: i32 = 0;

#[inline(always)]
fn pd(v3: V3, x: f64) -> __m256d {
    v3.avx._mm256_set1_pd(x)
}

/// [`super::db::log10`] of `N` vectors of four float64 values that came
/// from positive float32 values, in lockstep: the Horner chain is serial,
/// so independent vectors side by side keep the pipelines busy.
#[inline(always)]
fn log10_pd<const N: usize>(v3: V3, d: [__m256d; N]) -> [__m256d; N] {
    let (avx, avx2) = (v3.avx, v3.avx2);
    let each = |f: &dyn Fn(usize) -> __m256d| -> [__m256d; N] { std::array::from_fn(f) };
    let bits: [__m256i; N] = d.map(cast);
    let e = each(&|i| {
        let exp_bits = avx2._mm256_or_si256(
            avx2._mm256_srli_epi64::<52>(bits[i]),
            avx._mm256_set1_epi64x(0x4330_0000_0000_0000),
        );
        avx._mm256_sub_pd(
            avx._mm256_sub_pd(cast(exp_bits), pd(v3, TWO_52)),
            pd(v3, 1023.0),
        )
    });
    let m = each(&|i| {
        cast(avx2._mm256_or_si256(
            avx2._mm256_and_si256(bits[i], avx._mm256_set1_epi64x(0x000f_ffff_ffff_ffff)),
            avx._mm256_set1_epi64x(0x3ff0_0000_0000_0000),
        ))
    });
    let big = each(&|i| avx._mm256_cmp_pd::<CMP_GT>(m[i], pd(v3, std::f64::consts::SQRT_2)));
    let m = each(&|i| avx._mm256_blendv_pd(m[i], avx._mm256_mul_pd(m[i], pd(v3, 0.5)), big[i]));
    let e = each(&|i| avx._mm256_blendv_pd(e[i], avx._mm256_add_pd(e[i], pd(v3, 1.0)), big[i]));
    let f = each(&|i| avx._mm256_sub_pd(m[i], pd(v3, 1.0)));
    let s = each(&|i| avx._mm256_div_pd(f[i], avx._mm256_add_pd(pd(v3, 2.0), f[i])));
    let z = each(&|i| avx._mm256_mul_pd(s[i], s[i]));
    let mut acc = [pd(v3, LOG10_POLY[0]); N];
    for &c in LOG10_POLY.iter().skip(1) {
        acc = each(&|i| avx._mm256_add_pd(pd(v3, c), avx._mm256_mul_pd(z[i], acc[i])));
    }
    let poly = each(&|i| avx._mm256_add_pd(pd(v3, 1.0), avx._mm256_mul_pd(z[i], acc[i])));
    let ln_m = each(&|i| avx._mm256_mul_pd(avx._mm256_mul_pd(pd(v3, 2.0), s[i]), poly[i]));
    let inf = pd(v3, f64::INFINITY);
    each(&|i| {
        let r = avx._mm256_add_pd(
            avx._mm256_mul_pd(e[i], pd(v3, std::f64::consts::LOG10_2)),
            avx._mm256_mul_pd(ln_m[i], pd(v3, std::f64::consts::LOG10_E)),
        );
        avx._mm256_blendv_pd(r, inf, avx._mm256_cmp_pd::<CMP_EQ>(d[i], inf))
    })
}

/// float32 → two float64 vectors (low and high four lanes).
#[inline(always)]
fn widen(v3: V3, x: __m256) -> (__m256d, __m256d) {
    let avx = v3.avx;
    let lo = avx._mm256_cvtps_pd(avx._mm256_castps256_ps128(x));
    let hi = avx._mm256_cvtps_pd(avx._mm256_extractf128_ps::<1>(x));
    (lo, hi)
}

/// Two float64 vectors → one float32 vector (each value rounded).
#[inline(always)]
fn narrow(v3: V3, lo: __m256d, hi: __m256d) -> __m256 {
    let avx = v3.avx;
    let (lo, hi): (__m128, __m128) = (avx._mm256_cvtpd_ps(lo), avx._mm256_cvtpd_ps(hi));
    avx._mm256_set_m128(hi, lo)
}

/// [`super::db::db`] of every value of the first `W / 2` rows of `lanes`
/// (`W` float64 vectors), in place, and `max[l] = larger(max[l], v[l])`
/// over those rows in order.
#[inline(always)]
fn db_rows<const W: usize>(v3: V3, lanes: &mut [Lanes], amin: f32, offset: f64, max: &mut Lanes) {
    let avx = v3.avx;
    let floor = avx._mm256_set1_ps(amin);
    let mut wide = [avx._mm256_setzero_pd(); W];
    for (pair, row) in wide.as_chunks_mut::<2>().0.iter_mut().zip(lanes.iter()) {
        // `if s > amin { s } else { amin }` is exactly MAXPS(s, amin).
        let (lo, hi) = widen(v3, avx._mm256_max_ps(cast(*row), floor));
        *pair = [lo, hi];
    }
    let logs = log10_pd(v3, wide);
    let mut m: __m256 = cast(*max);
    for (v, pair) in lanes.iter_mut().zip(logs.chunks_exact(2)) {
        let (lo, hi) = (pair[0], pair[1]);
        let mut db = avx._mm256_mul_ps(avx._mm256_set1_ps(10.0), narrow(v3, lo, hi));
        if offset.to_bits() != 0 {
            // `v - (+0.0)` is `v` for every value, so offset +0 skips this.
            let (lo, hi) = widen(v3, db);
            let off = pd(v3, offset);
            db = narrow(v3, avx._mm256_sub_pd(lo, off), avx._mm256_sub_pd(hi, off));
        }
        // `if v > m { v } else { m }` is exactly MAXPS(v, m).
        m = avx._mm256_max_ps(db, m);
        *v = cast(db);
    }
    *max = cast(m);
}

/// [`super::db::db`] of every value of `block`, in place, and the running
/// per-lane maximum `max[l] = larger(max[l], v[l])` over its rows in order.
#[inline(always)]
pub(crate) fn db_block(v3: V3, block: &mut [Lanes], amin: f32, offset: f64, max: &mut Lanes) {
    let mut rows = block.chunks_exact_mut(4);
    for four in &mut rows {
        db_rows::<8>(v3, four, amin, offset, max);
    }
    for one in rows.into_remainder().chunks_mut(1) {
        db_rows::<2>(v3, one, amin, offset, max);
    }
}

/// [`super::stft::separate`] for bins `1 ..= 4G`, `G = (n/2) / 4` groups
/// of four bins: returns `4G`; the caller does bin 0 and the rest.
/// Per bin the same float operations as the portable `pair`: the sum
/// `z + zn` and difference `z - zn` in float64 give `are`, `bre` and `aim`
/// exactly, and `-bim` (its square is the same), rounded to float32,
/// squared and added in float32.
#[inline(always)]
pub(crate) fn separate<const J: usize>(
    v3: V3,
    buffer: &[Complex<f64>],
    power: &mut [Lanes],
) -> usize {
    let avx = v3.avx;
    let n = buffer.len();
    let groups = (n / 2) / 4;
    let flat: &[f64] = pulp::bytemuck::cast_slice(buffer);
    let (Some(up), Some(down), Some(out)) = (
        flat.get(2..2 + 8 * groups),
        flat.get(2 * (n - 4 * groups)..2 * n),
        power.get_mut(1..1 + 4 * groups),
    ) else {
        return 0;
    };
    let (up, _) = up.as_chunks::<8>();
    let (down, _) = down.as_chunks::<8>();
    let (out, _) = out.as_chunks_mut::<4>();
    for ((z, zn), p) in up.iter().zip(down.iter().rev()).zip(out) {
        // Bins k..k+4 and, in memory order, bins n-k-3 ..= n-k.
        let z01: __m256d = cast([z[0], z[1], z[2], z[3]]);
        let z23: __m256d = cast([z[4], z[5], z[6], z[7]]);
        let m0: __m256d = cast([zn[0], zn[1], zn[2], zn[3]]);
        let m1: __m256d = cast([zn[4], zn[5], zn[6], zn[7]]);
        // Swap the two complex values: [n-k, n-k-1] and [n-k-2, n-k-3].
        let zn01 = avx._mm256_permute2f128_pd::<1>(m1, m1);
        let zn23 = avx._mm256_permute2f128_pd::<1>(m0, m0);
        let (a01, b01) = parts(v3, z01, zn01);
        let (a23, b23) = parts(v3, z23, zn23);
        let a = avx._mm256_set_m128(a23, a01);
        let b = avx._mm256_set_m128(b23, b01);
        let (a2, b2) = (avx._mm256_mul_ps(a, a), avx._mm256_mul_ps(b, b));
        // [A_k, A_k+1, B_k, B_k+1 | A_k+2, A_k+3, B_k+2, B_k+3] …
        let ab = avx._mm256_hadd_ps(a2, b2);
        // … to [A_k, B_k, A_k+1, B_k+1 | …].
        let ab: [f32; 8] = cast(avx._mm256_permute_ps::<0b11_01_10_00>(ab));
        for (bin, pair) in p.iter_mut().zip(ab.as_chunks::<2>().0) {
            if let Some(v) = bin.get_mut(2 * J..2 * J + 2) {
                v.copy_from_slice(pair);
            }
        }
    }
    4 * groups
}

/// `[are, aim]` and `[-bim, bre]` of two bins `z` paired with `zn`, in
/// float32 (see [`separate`]).
#[inline(always)]
fn parts(v3: V3, z: __m256d, zn: __m256d) -> (__m128, __m128) {
    let avx = v3.avx;
    let sum = avx._mm256_add_pd(z, zn);
    let diff = avx._mm256_sub_pd(z, zn);
    let a = avx._mm256_cvtpd_ps(avx._mm256_blend_pd::<0b1010>(sum, diff));
    let b = avx._mm256_cvtpd_ps(avx._mm256_blend_pd::<0b1010>(diff, sum));
    (a, b)
}
