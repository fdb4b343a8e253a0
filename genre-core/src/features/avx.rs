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

/// [`super::rfft::PowerFft`]'s untangling of bins `1 ..= 4G` and their
/// mirrors `N - k`, `G = (N/2 - 1) / 4` groups of four bins (`N =
/// z.len()`), into `power` (one value per bin): returns `4G`; the caller
/// does bin 0 and the rest. Per bin the same float operations, in the same
/// order, as the portable `pair_power`.
#[inline(always)]
pub(crate) fn untangle(
    v3: V3,
    z: &[Complex<f64>],
    twiddle_re: &[f64],
    twiddle_im: &[f64],
    power: &mut [f32],
) -> usize {
    let (avx, avx2, sse) = (v3.avx, v3.avx2, v3.sse);
    let n = z.len();
    let groups = (n / 2).saturating_sub(1) / 4;
    let flat: &[f64] = pulp::bytemuck::cast_slice(z);
    // Bins 1 .. 1 + 4G, and bins N - 4G .. N, which mirror them backwards.
    let (left, right) = power.split_at_mut((n - 4 * groups).min(power.len()));
    let (Some(up), Some(down), Some(wr), Some(wi), Some(lo), Some(hi)) = (
        flat.get(2..2 + 8 * groups),
        flat.get(2 * (n - 4 * groups)..2 * n),
        twiddle_re.get(1..1 + 4 * groups),
        twiddle_im.get(1..1 + 4 * groups),
        left.get_mut(1..1 + 4 * groups),
        right.get_mut(..4 * groups),
    ) else {
        return 0;
    };
    let (up, _) = up.as_chunks::<8>();
    let (down, _) = down.as_chunks::<8>();
    let (wr, _) = wr.as_chunks::<4>();
    let (wi, _) = wi.as_chunks::<4>();
    let (lo, _) = lo.as_chunks_mut::<4>();
    let (hi, _) = hi.as_chunks_mut::<4>();
    // All `groups` long: with that known, the indexing below needs no
    // checks and the loop keeps one counter (zipped iterators cost ~15
    // instructions of bookkeeping per group).
    if [up.len(), down.len(), wr.len(), wi.len(), lo.len(), hi.len()] != [groups; 6] {
        return 0;
    }
    for g in 0..groups {
        let back = groups - 1 - g;
        let (z, y, wr, wi) = (&up[g], &down[back], &wr[g], &wi[g]);
        // z: bins k .. k+4 as [re, im] pairs; y: bins N-k-3 ..= N-k.
        let z01: __m256d = cast(*z.first_chunk::<4>().unwrap_or(&[0.0; 4]));
        let z23: __m256d = cast(*z.last_chunk::<4>().unwrap_or(&[0.0; 4]));
        let y32: __m256d = cast(*y.first_chunk::<4>().unwrap_or(&[0.0; 4]));
        let y10: __m256d = cast(*y.last_chunk::<4>().unwrap_or(&[0.0; 4]));
        // unpack gives lanes [0, 2, 1, 3] of z and [1, 3, 0, 2] of y
        // (y_i = bin N-k-i); the permutes restore the order 0, 1, 2, 3.
        let zr = avx2._mm256_permute4x64_pd::<0b11_01_10_00>(avx._mm256_unpacklo_pd(z01, z23));
        let zi = avx2._mm256_permute4x64_pd::<0b11_01_10_00>(avx._mm256_unpackhi_pd(z01, z23));
        let yr = avx2._mm256_permute4x64_pd::<0b01_11_00_10>(avx._mm256_unpacklo_pd(y10, y32));
        let yi = avx2._mm256_permute4x64_pd::<0b01_11_00_10>(avx._mm256_unpackhi_pd(y10, y32));
        let (ar, ai) = (avx._mm256_add_pd(zr, yr), avx._mm256_sub_pd(zi, yi));
        let (br, bi) = (avx._mm256_sub_pd(zr, yr), avx._mm256_add_pd(zi, yi));
        let (wr, wi): (__m256d, __m256d) = (cast(*wr), cast(*wi));
        let cr = avx._mm256_add_pd(avx._mm256_mul_pd(wr, bi), avx._mm256_mul_pd(wi, br));
        let ci = avx._mm256_sub_pd(avx._mm256_mul_pd(wi, bi), avx._mm256_mul_pd(wr, br));
        let square = |re: __m256d, im: __m256d| -> __m128 {
            let (re, im) = (avx._mm256_cvtpd_ps(re), avx._mm256_cvtpd_ps(im));
            sse._mm_add_ps(sse._mm_mul_ps(re, re), sse._mm_mul_ps(im, im))
        };
        lo[g] = cast(square(avx._mm256_add_pd(ar, cr), avx._mm256_add_pd(ai, ci)));
        // Bins N-k-i for i = 0, 1, 2, 3, stored in memory order.
        let pn = square(avx._mm256_sub_pd(ar, cr), avx._mm256_sub_pd(ai, ci));
        hi[back] = cast(sse._mm_shuffle_ps::<0b00_01_10_11>(pn, pn));
    }
    4 * groups
}

/// [`super::stft`]'s `transpose` of the first `8G` bins, `G = n_bins / 8`:
/// `power[k][l] = rows[l * n_bins + k]` for the eight rows of `rows`, by
/// 8 × 8 register transposes. Returns `8G`; the caller does the rest.
#[inline(always)]
pub(crate) fn transpose(v3: V3, rows: &[f32], n_bins: usize, power: &mut [Lanes]) -> usize {
    let avx = v3.avx;
    let groups = n_bins / 8;
    let row = |l: usize| -> &[[f32; 8]] {
        let r = rows.get(l * n_bins..l * n_bins + 8 * groups);
        r.unwrap_or_default().as_chunks::<8>().0
    };
    let r: [&[[f32; 8]]; 8] = std::array::from_fn(row);
    let Some(out) = power.get_mut(..8 * groups) else {
        return 0;
    };
    if r.iter().any(|r| r.len() != groups) {
        return 0;
    }
    for (g, out) in out.as_chunks_mut::<8>().0.iter_mut().enumerate() {
        let v: [__m256; 8] = std::array::from_fn(|l| {
            let bins = r.get(l).and_then(|r| r.get(g));
            cast(bins.copied().unwrap_or_default())
        });
        // Rows 2i and 2i+1 interleaved: bins 0, 1, 4, 5 (lo) and 2, 3, 6, 7 (hi).
        let lo: [__m256; 4] =
            std::array::from_fn(|i| avx._mm256_unpacklo_ps(v[2 * i], v[2 * i + 1]));
        let hi: [__m256; 4] =
            std::array::from_fn(|i| avx._mm256_unpackhi_ps(v[2 * i], v[2 * i + 1]));
        // Four rows of bins j and j + 4, j = 0, 1, 2, 3 (rows 0-3 in s[j],
        // rows 4-7 in s[j + 4]).
        let s: [__m256; 8] = [
            avx._mm256_shuffle_ps::<0x44>(lo[0], lo[1]),
            avx._mm256_shuffle_ps::<0xEE>(lo[0], lo[1]),
            avx._mm256_shuffle_ps::<0x44>(hi[0], hi[1]),
            avx._mm256_shuffle_ps::<0xEE>(hi[0], hi[1]),
            avx._mm256_shuffle_ps::<0x44>(lo[2], lo[3]),
            avx._mm256_shuffle_ps::<0xEE>(lo[2], lo[3]),
            avx._mm256_shuffle_ps::<0x44>(hi[2], hi[3]),
            avx._mm256_shuffle_ps::<0xEE>(hi[2], hi[3]),
        ];
        for (j, o) in out.iter_mut().enumerate() {
            let (a, b) = (s[j % 4], s[j % 4 + 4]);
            *o = cast(if j < 4 {
                avx._mm256_permute2f128_ps::<0x20>(a, b)
            } else {
                avx._mm256_permute2f128_ps::<0x31>(a, b)
            });
        }
    }
    8 * groups
}
