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
    let wide: [__m256d; W] = std::array::from_fn(|j| {
        let row = lanes.get(j / 2).copied().unwrap_or([amin; 8]);
        // `if s > amin { s } else { amin }` is exactly MAXPS(s, amin).
        let (lo, hi) = widen(v3, avx._mm256_max_ps(cast(row), floor));
        if j % 2 == 0 { lo } else { hi }
    });
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
