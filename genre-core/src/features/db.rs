//! `librosa.power_to_db` in float32.

use rayon::prelude::*;

use super::simd::{self, Avx, Kernel};
use super::stft::{BLOCK, Lanes};
use crate::{Error, Result};

/// Arrays of at least this many values are split over rayon's threads by
/// [`power_to_db`] and [`super::delta`] (when it has more than one); shorter
/// ones never touch rayon.
pub const PARALLEL_MIN_VALUES: usize = 1 << 16;

/// Values per parallel task of [`power_to_db`].
const CHUNK: usize = 1 << 14;

/// Parameters of `librosa.power_to_db` with its defaults
/// (`ref=1.0`, `amin=1e-10`, `top_db=80.0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DbConfig {
    /// Reference power mapped to 0 dB (a fixed value; librosa's `ref`).
    pub reference: f64,
    /// Floor applied to powers before the logarithm.
    pub amin: f32,
    /// Clip everything more than this many dB below the maximum of the
    /// whole array (`None` = no clipping).
    pub top_db: Option<f32>,
}

impl Default for DbConfig {
    fn default() -> Self {
        Self {
            reference: 1.0,
            amin: 1e-10,
            top_db: Some(80.0),
        }
    }
}

impl DbConfig {
    /// Checks the parameters (librosa raises for `amin <= 0` and `top_db < 0`).
    pub fn validate(&self) -> Result<()> {
        if !(self.amin.is_finite() && self.amin > 0.0) {
            return Err(Error::InvalidConfig {
                parameter: "amin",
                reason: format!("{} must be strictly positive", self.amin),
            });
        }
        if let Some(t) = self.top_db
            && !(t.is_finite() && t >= 0.0)
        {
            return Err(Error::InvalidConfig {
                parameter: "top_db",
                reason: format!("{t} must be non-negative"),
            });
        }
        if !(self.reference.is_finite() && self.reference > 0.0) {
            return Err(Error::InvalidConfig {
                parameter: "ref",
                reason: format!("{} must be strictly positive", self.reference),
            });
        }
        Ok(())
    }

    /// `10 * log10(max(amin, ref))`, subtracted from every value.
    pub(crate) fn offset(&self) -> f64 {
        10.0 * f64::from(self.amin).max(self.reference).log10()
    }
}

/// `librosa.power_to_db(S, ref, amin, top_db)` over the whole slice, in place.
///
/// ```
/// use genre_core::features::{power_to_db, DbConfig};
/// let mut s = vec![1.0_f32, 0.1, 1e-12];
/// power_to_db(&mut s, &DbConfig::default())?;
/// assert_eq!(s[0], 0.0);
/// assert!((s[1] + 10.0).abs() < 1e-5);
/// assert_eq!(s[2], -80.0); // clipped at max - top_db
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn power_to_db(values: &mut [f32], config: &DbConfig) -> Result<()> {
    config.validate()?;
    let kernel = |values| DbKernel {
        values,
        amin: config.amin,
        offset: config.offset(),
    };
    if values.len() >= PARALLEL_MIN_VALUES && rayon::current_num_threads() > 1 {
        // Bit-identical to one thread: each value is independent, and the
        // maximum is the same whichever way it is reduced.
        let max = values
            .par_chunks_mut(CHUNK)
            .map(|chunk| simd::run(kernel(chunk)))
            .reduce(|| f32::NEG_INFINITY, |a, b| if b > a { b } else { a });
        if let Some(top_db) = config.top_db {
            let floor = max - top_db;
            values
                .par_chunks_mut(CHUNK)
                .for_each(|chunk| clip(chunk, floor));
        }
    } else {
        let max = simd::run(kernel(&mut *values));
        if let Some(top_db) = config.top_db {
            clip(values, max - top_db);
        }
    }
    Ok(())
}

/// The dB values of one array, in place, run under [`simd::run`]: their
/// largest.
struct DbKernel<'a> {
    values: &'a mut [f32],
    amin: f32,
    offset: f64,
}

impl Kernel for DbKernel<'_> {
    type Output = f32;

    #[inline(always)]
    fn call<S: pulp::Simd>(self, simd: S) -> f32 {
        let (amin, offset) = (self.amin, self.offset);
        let avx = simd::avx(simd);
        let mut lanes = [f32::NEG_INFINITY; BLOCK];
        let (rows, rest) = self.values.as_chunks_mut::<BLOCK>();
        db_block(avx, rows, amin, offset, &mut lanes);
        for v in rest.iter_mut() {
            *v = db(*v, amin, offset);
        }
        lanes
            .iter()
            .chain(rest.iter())
            .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m })
    }
}

/// One value of `power_to_db` before clipping, as numpy computes it in
/// float32: `10 * log10(maximum(amin, s))`, then minus the float64
/// reference offset (computed in float64, stored as float32).
#[inline(always)]
pub(crate) fn db(s: f32, amin: f32, offset: f64) -> f32 {
    let db = 10.0_f32 * log10(if s > amin { s } else { amin }) as f32;
    // Exact (a no-op) for the default offset 0.
    (f64::from(db) - offset) as f32
}

/// Raises every value below `floor` to it (`top_db` clipping).
#[inline(always)]
pub(crate) fn clip(values: &mut [f32], floor: f32) {
    for v in values.iter_mut() {
        *v = if *v > floor { *v } else { floor };
    }
}

/// `log10(x)` of a positive `f32` (normal, subnormal or `+inf`) in float64,
/// accurate to a few float64 ulps, so `as f32` gives the correctly rounded
/// float32 logarithm numpy returns. Branch-free (vectorises): exponent and
/// mantissa from the bits, `ln m = 2 atanh(s)` with `s = (m-1)/(m+1)`,
/// `|s| ≤ 0.1716`, as an odd series to `s²¹`.
#[inline(always)]
pub(crate) fn log10(x: f32) -> f64 {
    let d = f64::from(x);
    let bits = d.to_bits();
    // The biased exponent as a float64 (exact, via the 2^52 trick).
    let e = f64::from_bits(0x4330_0000_0000_0000 | (bits >> 52)) - TWO_52 - 1023.0;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    let e = if big { e + 1.0 } else { e };
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    // 1 + z/3 + z²/5 + … + z¹⁰/21 by Horner, innermost term first.
    let mut acc = LOG10_POLY[0];
    for c in LOG10_POLY.iter().skip(1) {
        acc = c + z * acc;
    }
    let poly = 1.0 + z * acc;
    let ln_m = 2.0 * s * poly;
    let r = e * std::f64::consts::LOG10_2 + ln_m * std::f64::consts::LOG10_E;
    if x == f32::INFINITY { f64::INFINITY } else { r }
}

/// 2^52: adding it to a small integer's bits makes that integer a float64.
pub(crate) const TWO_52: f64 = 4_503_599_627_370_496.0;

/// The Horner coefficients of [`log10`]'s series, innermost first.
pub(crate) const LOG10_POLY: [f64; 10] = [
    1.0 / 21.0,
    1.0 / 19.0,
    1.0 / 17.0,
    1.0 / 15.0,
    1.0 / 13.0,
    1.0 / 11.0,
    1.0 / 9.0,
    1.0 / 7.0,
    1.0 / 5.0,
    1.0 / 3.0,
];

/// [`db`] of every value of `block` in place, and the running per-lane
/// maximum `max[l] = larger(max[l], v[l])` over its rows in order; AVX2
/// when `avx` is given (bit-identical).
#[inline(always)]
pub(crate) fn db_block(
    avx: Option<Avx>,
    block: &mut [Lanes],
    amin: f32,
    offset: f64,
    max: &mut Lanes,
) {
    #[cfg(target_arch = "x86_64")]
    if let Some(v3) = avx {
        return super::avx::db_block(v3, block, amin, offset, max);
    }
    let _ = avx;
    for lanes in block.iter_mut() {
        for (v, m) in lanes.iter_mut().zip(max.iter_mut()) {
            *v = db(*v, amin, offset);
            *m = if *v > *m { *v } else { *m };
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fast_log10_matches_libm() {
        let mut worst = 0.0_f64;
        let mut x = 1.0e-10_f32;
        while x < 1.0e12 {
            let want = f64::from(x).log10();
            let got = super::log10(x);
            worst = worst.max(((got - want) / want.abs().max(1.0)).abs());
            assert_eq!(got as f32, want as f32, "{x}");
            x *= 1.000_37;
        }
        assert!(worst < 1e-14, "{worst}");
        // Subnormals, the extremes and exact powers of ten.
        for x in [
            f32::from_bits(1),
            1e-40,
            f32::MIN_POSITIVE,
            1.0,
            10.0,
            1e-10,
            f32::MAX,
        ] {
            assert_eq!(super::log10(x) as f32, f64::from(x).log10() as f32, "{x}");
        }
        assert_eq!(super::log10(f32::INFINITY), f64::INFINITY);
    }

    #[test]
    fn scalar_and_dispatched_agree() {
        let mut x: Vec<f32> = (0..10_000)
            .map(|i| ((i * 7_919 % 10_007) as f32 * 1e-3).powi(6) * 1e-9)
            .collect();
        // Edge values (subnormal, zero, the floor, +inf), at every lane.
        for special in [f32::from_bits(1), 0.0, 1e-10, 1.0, f32::MAX, f32::INFINITY] {
            x.extend(std::iter::repeat_n(special, 9));
        }
        let mut y = x.clone();
        let kernel = |v| super::DbKernel {
            values: v,
            amin: 1e-10,
            offset: 3.0,
        };
        let max = super::simd::run(kernel(&mut x));
        let slow = super::simd::scalar(|| super::simd::run(kernel(&mut y)));
        assert_eq!(max.to_bits(), slow.to_bits());
        assert!(x.iter().zip(&y).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
