//! Short-time Fourier transform power spectra, as `librosa.stft` +
//! `np.abs(D) ** 2`.
//!
//! Precision follows librosa: the float64 periodic Hann window times the
//! float32 samples gives float64 frames, transformed by a float64 FFT.
//! Frames are transformed two at a time — one as the real part, the next as
//! the imaginary part of one complex FFT — and separated by symmetry, which
//! costs less than two real FFTs.

use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

use super::Matrix;
use super::signal::{check_range, check_signal};
use super::window::{hann_periodic, pad_center};
use crate::{Error, Result};

/// Largest accepted `n_fft` (2^20 points).
pub const MAX_N_FFT: usize = 1 << 20;

/// STFT parameters with librosa's defaults (`n_fft=2048`, `hop_length=512`,
/// `win_length=n_fft`, periodic Hann window, `center=True` zero padding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StftConfig {
    /// FFT size in samples.
    pub n_fft: usize,
    /// Samples between successive frames.
    pub hop_length: usize,
    /// Window length (`None` = `n_fft`); the window is zero-padded to `n_fft`.
    pub win_length: Option<usize>,
    /// Pad `n_fft / 2` zeros on both sides so frame `t` is centred at `t * hop_length`.
    pub center: bool,
}

impl Default for StftConfig {
    fn default() -> Self {
        Self {
            n_fft: 2048,
            hop_length: 512,
            win_length: None,
            center: true,
        }
    }
}

impl StftConfig {
    /// Checks the parameters; called by [`Stft::new`].
    pub fn validate(&self) -> Result<()> {
        check_range("n_fft", self.n_fft, 1, MAX_N_FFT)?;
        check_range("hop_length", self.hop_length, 1, MAX_N_FFT)?;
        if let Some(w) = self.win_length {
            check_range("win_length", w, 1, self.n_fft)?;
        }
        Ok(())
    }

    /// Number of frequency bins, `1 + n_fft / 2`.
    pub fn n_bins(&self) -> usize {
        1 + self.n_fft / 2
    }

    /// Number of frames librosa produces for `n_samples` samples.
    ///
    /// ```
    /// use genre_core::features::StftConfig;
    /// let c = StftConfig::default();
    /// assert_eq!(c.n_frames(66_150)?, 130);
    /// assert_eq!(c.n_frames(661_500)?, 1_292);
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn n_frames(&self, n_samples: usize) -> Result<usize> {
        let padded = if self.center {
            n_samples + 2 * (self.n_fft / 2)
        } else {
            n_samples
        };
        if n_samples == 0 || padded < self.n_fft || self.hop_length == 0 {
            return Err(Error::InvalidSignal {
                operation: "stft",
                reason: format!(
                    "{n_samples} samples are too few for n_fft={} (center={})",
                    self.n_fft, self.center
                ),
            });
        }
        Ok(1 + (padded - self.n_fft) / self.hop_length)
    }
}

/// A reusable STFT plan: window and FFT plan, `Send + Sync`.
#[derive(Clone)]
pub struct Stft {
    config: StftConfig,
    window: Vec<f64>,
    fft: Arc<dyn Fft<f64>>,
}

impl std::fmt::Debug for Stft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stft")
            .field("config", &self.config)
            .finish()
    }
}

/// Per-thread working memory for [`Stft`]; make one with [`Stft::scratch`].
#[derive(Debug, Clone)]
pub struct StftScratch {
    buffer: Vec<Complex<f64>>,
    fft_scratch: Vec<Complex<f64>>,
    power_a: Vec<f64>,
    power_b: Vec<f64>,
}

impl Stft {
    /// Builds the window and FFT plan for `config`.
    pub fn new(config: StftConfig) -> Result<Self> {
        config.validate()?;
        let win_length = config.win_length.unwrap_or(config.n_fft);
        let window = pad_center(&hann_periodic(win_length), config.n_fft);
        let fft = FftPlanner::<f64>::new().plan_fft_forward(config.n_fft);
        Ok(Self {
            config,
            window,
            fft,
        })
    }

    /// The configuration this plan was built for.
    pub fn config(&self) -> &StftConfig {
        &self.config
    }

    /// Fresh working memory for one thread.
    pub fn scratch(&self) -> StftScratch {
        let zero = Complex::new(0.0, 0.0);
        StftScratch {
            buffer: vec![zero; self.config.n_fft],
            fft_scratch: vec![zero; self.fft.get_inplace_scratch_len()],
            power_a: vec![0.0; self.config.n_bins()],
            power_b: vec![0.0; self.config.n_bins()],
        }
    }

    /// Power spectrogram `|STFT|²`, shaped `(1 + n_fft/2, frames)` like
    /// `np.abs(librosa.stft(y)) ** 2`.
    ///
    /// ```
    /// use genre_core::features::{Stft, StftConfig};
    /// let stft = Stft::new(StftConfig::default())?;
    /// let p = stft.power(&vec![0.1_f32; 22_050])?;
    /// assert_eq!(p.shape(), (1025, 44));
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn power(&self, signal: &[f32]) -> Result<Matrix> {
        let frames = self.config.n_frames(signal.len())?;
        let mut out = Matrix::zeros(self.config.n_bins(), frames);
        let mut scratch = self.scratch();
        let data = out.as_mut_slice();
        self.for_each_frame(signal, &mut scratch, |t, power| {
            for (b, &p) in power.iter().enumerate() {
                if let Some(o) = data.get_mut(b * frames + t) {
                    *o = p as f32;
                }
            }
        })?;
        Ok(out)
    }

    /// Windowed frame `t` (zero-padded at the edges) into the real
    /// (`IMAG == false`) or imaginary parts of `buffer`.
    fn load_frame<const IMAG: bool>(&self, signal: &[f32], t: usize, buffer: &mut [Complex<f64>]) {
        let n_fft = self.config.n_fft;
        let pad = if self.config.center { n_fft / 2 } else { 0 };
        let len = signal.len();
        // Frame t covers padded samples [t*hop, t*hop + n_fft), i.e.
        // signal samples [t*hop - pad, t*hop - pad + n_fft).
        let start = t * self.config.hop_length;
        let first = pad.saturating_sub(start).min(n_fft);
        let sig_start = (start + first).saturating_sub(pad).min(len);
        let count = len.saturating_sub(sig_start).min(n_fft - first);
        let samples = signal.get(sig_start..sig_start + count).unwrap_or_default();
        let window = self.window.get(first..first + count).unwrap_or_default();
        let (head, rest) = buffer.split_at_mut(first.min(buffer.len()));
        let (body, tail) = rest.split_at_mut(count.min(rest.len()));
        if IMAG {
            head.iter_mut().for_each(|c| c.im = 0.0);
            tail.iter_mut().for_each(|c| c.im = 0.0);
            for ((c, &w), &x) in body.iter_mut().zip(window).zip(samples) {
                c.im = w * f64::from(x);
            }
        } else {
            head.iter_mut().for_each(|c| c.re = 0.0);
            tail.iter_mut().for_each(|c| c.re = 0.0);
            for ((c, &w), &x) in body.iter_mut().zip(window).zip(samples) {
                c.re = w * f64::from(x);
            }
        }
    }

    /// Calls `f(frame_index, power)` for every frame in order, `power`
    /// holding the `1 + n_fft/2` power values. Checks the signal;
    /// allocation-free.
    pub(crate) fn for_each_frame(
        &self,
        signal: &[f32],
        scratch: &mut StftScratch,
        mut f: impl FnMut(usize, &[f64]),
    ) -> Result<usize> {
        check_signal("stft", signal)?;
        let frames = self.config.n_frames(signal.len())?;
        let n = self.config.n_fft;
        let mut t = 0;
        while t < frames {
            let pair = t + 1 < frames;
            self.load_frame::<false>(signal, t, &mut scratch.buffer);
            if pair {
                self.load_frame::<true>(signal, t + 1, &mut scratch.buffer);
            } else {
                scratch.buffer.iter_mut().for_each(|c| c.im = 0.0);
            }
            self.fft
                .process_with_scratch(&mut scratch.buffer, &mut scratch.fft_scratch);
            // z = a + i b  =>  A[k] = (Z[k] + conj Z[n-k]) / 2,
            //                   B[k] = (Z[k] - conj Z[n-k]) / 2i.
            // librosa stores the STFT as complex64, then squares |D| in float32.
            let buf = &scratch.buffer;
            let (pa, pb) = (&mut scratch.power_a, &mut scratch.power_b);
            let separate = |z: Complex<f64>, zn: Complex<f64>| {
                let are = f64::from(((z.re + zn.re) * 0.5) as f32);
                let aim = f64::from(((z.im - zn.im) * 0.5) as f32);
                let bre = f64::from(((z.im + zn.im) * 0.5) as f32);
                let bim = f64::from(((zn.re - z.re) * 0.5) as f32);
                (are * are + aim * aim, bre * bre + bim * bim)
            };
            if let (Some(&z0), Some(a0), Some(b0)) = (buf.first(), pa.first_mut(), pb.first_mut()) {
                (*a0, *b0) = separate(z0, z0);
            }
            // k = 1 ..= n/2 pairs with n-k = n-1 ..= n - n/2.
            let upper = buf.get(1..).unwrap_or_default();
            let lower = buf.get(n - n / 2..).unwrap_or_default();
            let bins = upper.iter().zip(lower.iter().rev());
            let outs = pa.iter_mut().skip(1).zip(pb.iter_mut().skip(1));
            for ((&z, &zn), (a, b)) in bins.zip(outs) {
                (*a, *b) = separate(z, zn);
            }
            f(t, &scratch.power_a);
            if pair {
                f(t + 1, &scratch.power_b);
            }
            t += 2;
        }
        Ok(frames)
    }
}
