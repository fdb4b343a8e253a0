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
    pub(crate) fn db(&self, power: f32, offset: f64) -> f32 {
        let l = f64::from(power.max(self.amin)).log10() as f32;
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
    let mut max = f32::NEG_INFINITY;
    for v in values.iter_mut() {
        *v = config.db(*v, offset);
        max = max.max(*v);
    }
    if let Some(floor) = config.floor(max) {
        for v in values.iter_mut() {
            *v = v.max(floor);
        }
    }
    Ok(())
}
