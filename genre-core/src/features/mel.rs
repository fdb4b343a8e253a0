//! Mel filterbank exactly as `librosa.filters.mel`, stored sparse.
//!
//! Triangular weights are computed in float64, stored as float32 and
//! scaled in place by the float64 Slaney area normalisation, as librosa
//! does for a float32 spectrogram. Only the non-zero span of each band is
//! kept (≈2,018 of 128 × 1,025 weights for the defaults).

use std::sync::{Arc, Mutex, OnceLock};

use super::Matrix;
use super::signal::check_range;
use super::stft::{BLOCK, Lanes};
use crate::{Error, Result};

/// Largest accepted `n_mels`.
pub const MAX_N_MELS: usize = 4096;

/// Filter normalisation (`norm=` of `librosa.filters.mel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MelNorm {
    /// `norm="slaney"`: divide each triangle by its width in Hz (constant energy per band).
    #[default]
    Slaney,
    /// `norm=None`: peak-1 triangles.
    None,
}

/// Parameters of `librosa.filters.mel`, with its defaults (`n_mels=128`,
/// `fmin=0`, `fmax=sr/2`, Slaney mel scale, Slaney normalisation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MelConfig {
    /// Sample rate in Hz.
    pub sample_rate: f64,
    /// FFT size the filterbank applies to.
    pub n_fft: usize,
    /// Number of mel bands.
    pub n_mels: usize,
    /// Lowest frequency in Hz.
    pub fmin: f64,
    /// Highest frequency in Hz (`None` = `sample_rate / 2`).
    pub fmax: Option<f64>,
    /// Use the HTK mel formula instead of Slaney's.
    pub htk: bool,
    /// Band normalisation.
    pub norm: MelNorm,
}

impl Default for MelConfig {
    fn default() -> Self {
        Self {
            sample_rate: 22_050.0,
            n_fft: 2048,
            n_mels: 128,
            fmin: 0.0,
            fmax: None,
            htk: false,
            norm: MelNorm::Slaney,
        }
    }
}

impl MelConfig {
    /// Checks the parameters; called by [`MelFilterbank::new`].
    pub fn validate(&self) -> Result<()> {
        let sr = self.sample_rate;
        if !(sr.is_finite() && sr > 0.0) {
            return Err(Error::InvalidConfig {
                parameter: "sample_rate",
                reason: format!("{sr} is not a positive sample rate"),
            });
        }
        check_range("n_fft", self.n_fft, 1, super::stft::MAX_N_FFT)?;
        check_range("n_mels", self.n_mels, 1, MAX_N_MELS)?;
        let fmax = self.fmax_hz();
        if !(self.fmin.is_finite() && self.fmin >= 0.0) {
            return Err(Error::InvalidConfig {
                parameter: "fmin",
                reason: format!("{} is not a frequency ≥ 0", self.fmin),
            });
        }
        if !(fmax.is_finite() && fmax > self.fmin && fmax <= sr / 2.0) {
            return Err(Error::InvalidConfig {
                parameter: "fmax",
                reason: format!(
                    "{fmax} must lie in ({}, {}] (above fmin, at most sr/2)",
                    self.fmin,
                    sr / 2.0
                ),
            });
        }
        Ok(())
    }

    /// The effective upper frequency.
    pub fn fmax_hz(&self) -> f64 {
        self.fmax.unwrap_or(self.sample_rate / 2.0)
    }

    fn key(&self) -> [u64; 7] {
        [
            self.sample_rate.to_bits(),
            self.n_fft as u64,
            self.n_mels as u64,
            self.fmin.to_bits(),
            self.fmax_hz().to_bits(),
            u64::from(self.htk),
            u64::from(self.norm == MelNorm::Slaney),
        ]
    }
}

/// `librosa.hz_to_mel` for one frequency.
///
/// ```
/// use genre_core::features::{hz_to_mel, mel_to_hz};
/// assert!((hz_to_mel(1000.0, false) - 15.0).abs() < 1e-12);
/// assert!((mel_to_hz(hz_to_mel(4000.0, true), true) - 4000.0).abs() < 1e-9);
/// ```
pub fn hz_to_mel(hz: f64, htk: bool) -> f64 {
    if htk {
        return 2595.0 * (1.0 + hz / 700.0).log10();
    }
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4_f64.ln() / 27.0;
    if hz >= min_log_hz {
        min_log_mel + (hz / min_log_hz).ln() / logstep
    } else {
        hz / f_sp
    }
}

/// `librosa.mel_to_hz` for one mel value.
pub fn mel_to_hz(mel: f64, htk: bool) -> f64 {
    if htk {
        return 700.0 * (10.0_f64.powf(mel / 2595.0) - 1.0);
    }
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4_f64.ln() / 27.0;
    if mel >= min_log_mel {
        min_log_hz * (logstep * (mel - min_log_mel)).exp()
    } else {
        f_sp * mel
    }
}

/// `numpy.linspace(start, stop, num)` with numpy's rounding.
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let div = num.saturating_sub(1).max(1) as f64;
    let step = (stop - start) / div;
    let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    if num > 1
        && let Some(last) = v.last_mut()
    {
        *last = stop;
    }
    v
}

/// librosa's weight of the FFT bin at `freq` in the band whose lower, centre
/// and upper frequencies are `f` (float64 like numpy, stored as float32;
/// Slaney normalisation applied to the float32 value as numpy does).
fn band_weight(f: &[f64], freq: f64, norm: MelNorm) -> f32 {
    let (f0, f1, f2) = (
        f.first().copied().unwrap_or(0.0),
        f.get(1).copied().unwrap_or(0.0),
        f.get(2).copied().unwrap_or(0.0),
    );
    let lower = -(f0 - freq) / (f1 - f0);
    let upper = (f2 - freq) / (f2 - f1);
    let w = 0.0_f64.max(lower.min(upper)) as f32;
    match norm {
        MelNorm::Slaney => (f64::from(w) * (2.0 / (f2 - f0))) as f32,
        MelNorm::None => w,
    }
}

/// A mel filterbank `(n_mels, 1 + n_fft/2)` stored as one contiguous
/// non-zero span of float32 weights per band. Immutable, `Send + Sync`.
///
/// ```
/// use genre_core::features::{MelConfig, MelFilterbank};
/// let bank = MelFilterbank::new(MelConfig::default())?;
/// assert_eq!(bank.shape(), (128, 1025));
/// assert!(bank.nnz() < 2_100);
/// # Ok::<(), genre_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MelFilterbank {
    n_mels: usize,
    n_bins: usize,
    /// First FFT bin of band `m`.
    starts: Vec<usize>,
    /// Number of bins in band `m`'s span.
    lens: Vec<usize>,
    /// Band `m`'s weights are `weights[offsets[m]..offsets[m + 1]]`.
    offsets: Vec<usize>,
    /// float32 weights, as librosa stores them.
    weights: Vec<f32>,
}

type Cache = Mutex<Vec<([u64; 7], Arc<MelFilterbank>)>>;

impl MelFilterbank {
    /// Computes the filterbank for `config` (like `librosa.filters.mel(..., dtype=float32)`).
    pub fn new(config: MelConfig) -> Result<Self> {
        config.validate()?;
        let n_bins = 1 + config.n_fft / 2;
        // np.fft.rfftfreq(n_fft, d=1/sr)
        let val = 1.0 / (config.n_fft as f64 * (1.0 / config.sample_rate));
        let fftfreqs: Vec<f64> = (0..n_bins).map(|k| k as f64 * val).collect();
        let mels = linspace(
            hz_to_mel(config.fmin, config.htk),
            hz_to_mel(config.fmax_hz(), config.htk),
            config.n_mels + 2,
        );
        let mel_f: Vec<f64> = mels.iter().map(|&m| mel_to_hz(m, config.htk)).collect();
        let mut starts = Vec::with_capacity(config.n_mels);
        let mut lens = Vec::with_capacity(config.n_mels);
        let mut offsets = Vec::with_capacity(config.n_mels + 1);
        let mut weights = Vec::new();
        offsets.push(0);
        for f in mel_f.windows(3).take(config.n_mels) {
            let (f0, f2) = (f[0], f[2]);
            // Outside [f0, f2] librosa's weight is max(0, negative) = 0, so
            // only the bins inside are evaluated (numpy evaluates them all).
            let lo = fftfreqs.partition_point(|&freq| freq < f0);
            let hi = fftfreqs.partition_point(|&freq| freq <= f2);
            let span = fftfreqs.get(lo..hi).unwrap_or_default();
            let band: Vec<f32> = span
                .iter()
                .map(|&freq| band_weight(f, freq, config.norm))
                .collect();
            // Keep the contiguous span of non-zero weights (zeros inside it,
            // if any, included).
            let first = band.iter().position(|&w| w != 0.0);
            let last = band.iter().rposition(|&w| w != 0.0);
            let (start, kept) = match (first, last) {
                (Some(a), Some(b)) => (lo + a, band.get(a..=b).unwrap_or_default()),
                _ => (0, &[][..]),
            };
            starts.push(start);
            weights.extend_from_slice(kept);
            lens.push(kept.len());
            offsets.push(weights.len());
        }
        Ok(Self {
            n_mels: config.n_mels,
            n_bins,
            starts,
            lens,
            offsets,
            weights,
        })
    }

    /// The filterbank for `config` from a process-wide cache (built once).
    pub fn cached(config: MelConfig) -> Result<Arc<Self>> {
        static CACHE: OnceLock<Cache> = OnceLock::new();
        config.validate()?;
        let key = config.key();
        let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
        if let Ok(guard) = cache.lock()
            && let Some((_, bank)) = guard.iter().find(|(k, _)| *k == key)
        {
            return Ok(Arc::clone(bank));
        }
        let bank = Arc::new(Self::new(config)?);
        if let Ok(mut guard) = cache.lock() {
            if guard.len() >= 64 {
                guard.remove(0);
            }
            guard.push((key, Arc::clone(&bank)));
        }
        Ok(bank)
    }

    /// `(n_mels, 1 + n_fft/2)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.n_mels, self.n_bins)
    }

    /// Number of stored weights (the non-zero span of every band).
    pub fn nnz(&self) -> usize {
        self.lens.iter().sum()
    }

    /// The dense matrix, as `librosa.filters.mel` returns it.
    pub fn to_dense(&self) -> Matrix {
        let mut m = Matrix::zeros(self.n_mels, self.n_bins);
        let data = m.as_mut_slice();
        for band in 0..self.n_mels {
            let (start, w) = self.band(band);
            for (j, &v) in w.iter().enumerate() {
                if let Some(o) = data.get_mut(band * self.n_bins + start + j) {
                    *o = v;
                }
            }
        }
        m
    }

    /// Band `m`: its first bin and its weights.
    #[inline(always)]
    fn band(&self, m: usize) -> (usize, &[f32]) {
        let start = self.starts.get(m).copied().unwrap_or(0);
        let lo = self.offsets.get(m).copied().unwrap_or(0);
        let hi = self.offsets.get(m + 1).copied().unwrap_or(lo);
        (start, self.weights.get(lo..hi).unwrap_or_default())
    }

    /// Projects one power spectrum (`1 + n_fft/2` values) onto the mel
    /// bands: `out[m] = Σ_k w[m, k] · power[k]`, accumulated in float64.
    ///
    /// ```
    /// use genre_core::features::{MelConfig, MelFilterbank};
    /// let bank = MelFilterbank::new(MelConfig::default())?;
    /// let mut mel = vec![0.0_f32; 128];
    /// bank.apply(&vec![1.0; 1025], &mut mel);
    /// assert!(mel.iter().all(|&m| m > 0.0));
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn apply(&self, power: &[f64], out: &mut [f32]) {
        for (m, o) in out.iter_mut().enumerate().take(self.n_mels) {
            let (start, w) = self.band(m);
            let p = power.get(start..).unwrap_or_default();
            *o = w
                .iter()
                .zip(p)
                .fold(0.0, |acc, (&w, &p)| acc + f64::from(w) * p) as f32;
        }
    }

    /// Projects the power spectra of a block of frames (one lane per
    /// frame, `1 + n_fft/2` bins) onto the mel bands, in float32 like
    /// librosa's `mel_basis @ S` (sgemm): `out[m][l] = scale · Σ_k w[m, k] ·
    /// power[k][l]`, summed in order of `k`. Every lane is independent.
    #[inline(always)]
    pub(crate) fn apply_block(&self, power: &[Lanes], scale: f32, out: &mut [Lanes]) {
        for (m, o) in out.iter_mut().enumerate().take(self.n_mels) {
            let (start, w) = self.band(m);
            let p = power.get(start..).unwrap_or_default();
            let mut acc = [0.0_f32; BLOCK];
            for (&w, p) in w.iter().zip(p) {
                for (a, &v) in acc.iter_mut().zip(p) {
                    *a += w * v;
                }
            }
            for (o, a) in o.iter_mut().zip(acc) {
                *o = a * scale;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Every bin of every band, as numpy computes the dense matrix.
    fn dense(config: MelConfig) -> Vec<Vec<f32>> {
        let n_bins = 1 + config.n_fft / 2;
        let val = 1.0 / (config.n_fft as f64 * (1.0 / config.sample_rate));
        let mels = linspace(
            hz_to_mel(config.fmin, config.htk),
            hz_to_mel(config.fmax_hz(), config.htk),
            config.n_mels + 2,
        );
        let mel_f: Vec<f64> = mels.iter().map(|&m| mel_to_hz(m, config.htk)).collect();
        mel_f
            .windows(3)
            .take(config.n_mels)
            .map(|f| {
                (0..n_bins)
                    .map(|k| band_weight(f, k as f64 * val, config.norm))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn sparse_bands_equal_the_dense_matrix() {
        let configs = [
            MelConfig::default(),
            MelConfig {
                htk: true,
                norm: MelNorm::None,
                ..Default::default()
            },
            MelConfig {
                sample_rate: 16_000.0,
                n_fft: 511,
                n_mels: 200,
                fmin: 30.0,
                fmax: Some(7_000.0),
                ..Default::default()
            },
            MelConfig {
                sample_rate: 8_000.0,
                n_fft: 4_096,
                n_mels: 13,
                ..Default::default()
            },
        ];
        for config in configs {
            let bank = MelFilterbank::new(config).unwrap();
            for (m, row) in dense(config).iter().enumerate() {
                let (start, w) = bank.band(m);
                for (k, &want) in row.iter().enumerate() {
                    let got = k
                        .checked_sub(start)
                        .and_then(|i| w.get(i))
                        .copied()
                        .unwrap_or(0.0);
                    assert_eq!(got.to_bits(), want.to_bits(), "{config:?} band {m} bin {k}");
                }
            }
        }
    }
}
