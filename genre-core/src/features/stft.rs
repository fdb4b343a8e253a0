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
use super::simd::{self, Kernel};
use super::window::{hann_periodic, pad_center};
use crate::{Error, Result};
use pulp::Simd;

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
    /// Power of the two frames; [`POWER_PAD`] zeros follow the `1 + n_fft/2` bins.
    power_a: Vec<f64>,
    power_b: Vec<f64>,
}

/// Zeros after the power bins, so the mel kernel can read whole lanes.
pub(crate) const POWER_PAD: usize = 4;

/// Receives the power spectrum of each frame from [`Stft::for_each_frame`].
pub(crate) trait FrameSink {
    /// `power` holds `1 + n_fft/2` values followed by [`POWER_PAD`] zeros.
    fn frame<S: Simd>(&mut self, simd: S, t: usize, power: &[f64]);
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
        let n = self.config.n_fft;
        StftScratch {
            buffer: vec![zero; n],
            fft_scratch: vec![zero; self.fft.get_inplace_scratch_len()],
            power_a: vec![0.0; self.config.n_bins() + POWER_PAD],
            power_b: vec![0.0; self.config.n_bins() + POWER_PAD],
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
        let mut sink = PowerSink {
            frames,
            data: out.as_mut_slice(),
        };
        simd::run(FramesKernel {
            stft: self,
            signal,
            scratch: &mut scratch,
            sink: &mut sink,
        })?;
        Ok(out)
    }

    /// Windowed frame `t` (zero-padded at the edges) into the real
    /// (`IMAG == false`) or imaginary parts of `buffer`.
    fn load_edge_frame<const IMAG: bool>(
        &self,
        signal: &[f32],
        t: usize,
        buffer: &mut [Complex<f64>],
    ) {
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

    /// The `n_fft` samples of frame `t` when it lies wholly inside the signal.
    #[inline(always)]
    fn interior<'a>(&self, signal: &'a [f32], t: usize) -> Option<&'a [f32]> {
        let pad = if self.config.center {
            self.config.n_fft / 2
        } else {
            0
        };
        let start = (t * self.config.hop_length).checked_sub(pad)?;
        signal.get(start..start + self.config.n_fft)
    }

    /// Frames `t` and `t + 1` (or zeros when `t + 1` is past the end) into
    /// the real and imaginary parts of `buffer`.
    #[inline(always)]
    fn load_pair(&self, signal: &[f32], t: usize, frames: usize, buffer: &mut [Complex<f64>]) {
        let window = &self.window;
        let a = self.interior(signal, t);
        let b = if t + 1 < frames {
            self.interior(signal, t + 1)
        } else {
            None
        };
        match (a, b) {
            (Some(a), Some(b)) => {
                for (((c, &w), &x), &y) in buffer.iter_mut().zip(window).zip(a).zip(b) {
                    *c = Complex::new(w * f64::from(x), w * f64::from(y));
                }
            }
            _ => {
                self.load_edge_frame::<false>(signal, t, buffer);
                if t + 1 < frames {
                    self.load_edge_frame::<true>(signal, t + 1, buffer);
                } else {
                    buffer.iter_mut().for_each(|c| c.im = 0.0);
                }
            }
        }
    }

    /// Calls `sink.frame(t, power)` for every frame in order. Checks the
    /// signal; allocation-free. Runs inside a [`simd::run`] kernel.
    #[inline(always)]
    pub(crate) fn for_each_frame<S: Simd>(
        &self,
        simd: S,
        signal: &[f32],
        scratch: &mut StftScratch,
        sink: &mut impl FrameSink,
    ) -> Result<usize> {
        check_signal("stft", signal)?;
        let frames = self.config.n_frames(signal.len())?;
        let mut t = 0;
        while t < frames {
            self.load_pair(signal, t, frames, &mut scratch.buffer);
            self.fft
                .process_with_scratch(&mut scratch.buffer, &mut scratch.fft_scratch);
            separate(scratch);
            sink.frame(simd, t, &scratch.power_a);
            if t + 1 < frames {
                sink.frame(simd, t + 1, &scratch.power_b);
            }
            t += 2;
        }
        Ok(frames)
    }
}

/// Splits the FFT `Z` of `a + i b` into the power spectra of the two real
/// frames: `A[k] = (Z[k] + conj Z[n-k]) / 2`, `B[k] = (Z[k] - conj Z[n-k]) / 2i`.
/// librosa stores the STFT as complex64, so each part is rounded to float32
/// before squaring.
#[inline(always)]
fn separate(scratch: &mut StftScratch) {
    let StftScratch {
        buffer,
        power_a,
        power_b,
        ..
    } = scratch;
    let n = buffer.len();
    let h = n / 2 + 1;
    let round = |v: f64| f64::from(v as f32);
    let pair = |z: Complex<f64>, zn: Complex<f64>| {
        let are = round((z.re + zn.re) * 0.5);
        let aim = round((z.im - zn.im) * 0.5);
        let bre = round((z.im + zn.im) * 0.5);
        let bim = round((zn.re - z.re) * 0.5);
        (are * are + aim * aim, bre * bre + bim * bim)
    };
    if let (Some(&z0), Some(a0), Some(b0)) =
        (buffer.first(), power_a.first_mut(), power_b.first_mut())
    {
        (*a0, *b0) = pair(z0, z0);
    }
    // Bins k = 1 ..= n/2 pair with bins n - k = n - 1 ..= n - n/2.
    let upper = buffer.get(1..h).unwrap_or_default();
    let lower = buffer.get(n + 1 - h..).unwrap_or_default();
    let outs = power_a.iter_mut().skip(1).zip(power_b.iter_mut().skip(1));
    for ((&z, &zn), (a, b)) in upper.iter().zip(lower.iter().rev()).zip(outs) {
        (*a, *b) = pair(z, zn);
    }
}

/// Runs [`Stft::for_each_frame`] under [`simd::run`].
pub(crate) struct FramesKernel<'a, S> {
    pub(crate) stft: &'a Stft,
    pub(crate) signal: &'a [f32],
    pub(crate) scratch: &'a mut StftScratch,
    pub(crate) sink: &'a mut S,
}

impl<S: FrameSink> Kernel for FramesKernel<'_, S> {
    type Output = Result<usize>;

    #[inline(always)]
    fn call<T: Simd>(self, simd: T) -> Result<usize> {
        self.stft
            .for_each_frame(simd, self.signal, self.scratch, self.sink)
    }
}

/// Writes each frame's power as a column of a `(bins, frames)` matrix.
struct PowerSink<'a> {
    frames: usize,
    data: &'a mut [f32],
}

impl FrameSink for PowerSink<'_> {
    #[inline(always)]
    fn frame<S: Simd>(&mut self, _simd: S, t: usize, power: &[f64]) {
        let bins = self.data.len() / self.frames.max(1);
        for (b, &p) in power.iter().take(bins).enumerate() {
            if let Some(o) = self.data.get_mut(b * self.frames + t) {
                *o = p as f32;
            }
        }
    }
}
