//! `librosa.power_to_db` in float32.

use crate::{Error, Result};

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

    /// Converts one power to dB without the `top_db` clip; returns the
    /// value, mirroring numpy's float32 `10 * log10(maximum(amin, S))`.
    #[inline]
    pub(crate) fn db(&self, power: f32, offset: f64, table: &LogTable) -> f32 {
        let clamped = if power > self.amin { power } else { self.amin };
        let l = log10(clamped, table) as f32;
        let db = 10.0_f32 * l;
        if offset == 0.0 {
            db
        } else {
            (f64::from(db) - offset) as f32
        }
    }

    /// `10 * log10(max(amin, ref))`, subtracted from every value.
    pub(crate) fn offset(&self) -> f64 {
        10.0 * f64::from(self.amin).max(self.reference).log10()
    }

    /// The `top_db` floor for an array whose largest dB value is `max`.
    pub(crate) fn floor(&self, max: f32) -> Option<f32> {
        self.top_db.map(|t| max - t)
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
    let offset = config.offset();
    let table = log_table();
    for v in values.iter_mut() {
        *v = config.db(*v, offset, table);
    }
    let max = values
        .iter()
        .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m });
    if let Some(floor) = config.floor(max) {
        for v in values.iter_mut() {
            *v = v.max(floor);
        }
    }
    Ok(())
}

/// `(1/c, -ln(1/c))` for the 128 mantissa intervals `c ≈ 1 + (i + ½)/128`,
/// `1/c` rounded to 9 significant bits so `m · (1/c)` is exact in float64.
pub(crate) type LogTable = [(f64, f64); 128];

fn log_table() -> &'static LogTable {
    static TABLE: std::sync::OnceLock<LogTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [(0.0, 0.0); 128];
        for (i, e) in t.iter_mut().enumerate() {
            let c = 1.0 + (i as f64 + 0.5) / 128.0;
            let inv = (512.0 / c).round() / 512.0;
            *e = (inv, -inv.ln());
        }
        t
    })
}

/// `log10(x)` of a positive, finite, normal `f32`, in float64 to ~1e-15
/// relative accuracy (libm's `log10` is an opaque call per value; this is a
/// table lookup and a short polynomial). Callers clamp to `amin` first.
#[inline]
pub(crate) fn log10(x: f32, table: &LogTable) -> f64 {
    let bits = x.to_bits();
    let e = f64::from(((bits >> 23) & 0xff) as i32 - 127);
    let m = f64::from(f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000)); // [1, 2)
    let (inv, ln_c) = table[((bits >> 16) & 0x7f) as usize];
    let r = m * inv - 1.0; // exact, |r| < 2^-7
    let r2 = r * r;
    let a = r + r2 * (-0.5 + r * (1.0 / 3.0));
    let b = (r2 * r2) * ((-0.25 + r * 0.2) + r2 * (-1.0 / 6.0 + r * (1.0 / 7.0)));
    let ln = e * std::f64::consts::LN_2 + ln_c + (a + b);
    ln * std::f64::consts::LOG10_E
}

#[cfg(test)]
mod tests {
    #[test]
    fn fast_log10_matches_libm() {
        let mut worst = 0.0_f64;
        let mut x = 1.0e-10_f32;
        while x < 1.0e12 {
            let want = f64::from(x).log10();
            let got = super::log10(x, super::log_table());
            worst = worst.max(((got - want) / want.abs().max(1.0)).abs());
            assert_eq!(got as f32, want as f32, "{x}");
            x *= 1.000_37;
        }
        assert!(worst < 1e-14, "{worst}");
    }
}
