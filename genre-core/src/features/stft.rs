//! Short-time Fourier transform power spectra, as `librosa.stft` +
//! `np.abs(D) ** 2`.
//!
//! Precision follows librosa: the float64 periodic Hann window times the
//! float32 samples gives float64 frames, transformed by a float64 real FFT
//! ([`super::rfft`]), rounded to complex64 and squared in float32.

use std::ops::Range;

use super::Matrix;
use super::rfft::{PowerFft, PowerFftScratch};
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

/// A reusable STFT plan: window, FFT plan and twiddles, `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Stft {
    config: StftConfig,
    window: Vec<f64>,
    fft: PowerFft,
}

/// Frames whose power spectra are handed on together.
pub(crate) const BLOCK: usize = 8;

/// One value per frame of a block.
pub(crate) type Lanes = [f32; BLOCK];

/// Per-thread working memory for [`Stft`]; make one with [`Stft::scratch`].
#[derive(Debug, Clone)]
pub struct StftScratch {
    fft: PowerFftScratch,
    /// Four times the power of each frame of a block, one row of
    /// `1 + n_fft/2` bins per frame, written while the FFT output is in L1.
    rows: Vec<f32>,
    /// The same transposed: per bin, the block's frames side by side.
    power: Vec<Lanes>,
}

/// Receives the power spectra of each block of frames from
/// [`Stft::for_each_block`].
pub(crate) trait BlockSink {
    /// `power[k][l]` is **four times** `|X_{t0 + l}[k]|²` for the
    /// `1 + n_fft/2` bins `k`; lanes `l >= count` are frames past the end
    /// (zero power). Called in order of `t0`, a multiple of [`BLOCK`].
    /// `simd` is the instruction set the kernel runs with.
    fn block<S: Simd>(&mut self, simd: S, t0: usize, count: usize, power: &[Lanes]);
}

impl Stft {
    /// Builds the window and FFT plan for `config`.
    pub fn new(config: StftConfig) -> Result<Self> {
        config.validate()?;
        let win_length = config.win_length.unwrap_or(config.n_fft);
        let window = pad_center(&hann_periodic(win_length), config.n_fft);
        let fft = PowerFft::new(config.n_fft);
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
        StftScratch {
            fft: self.fft.scratch(),
            rows: vec![0.0; BLOCK * self.config.n_bins()],
            power: vec![[0.0; BLOCK]; self.config.n_bins()],
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
        check_signal("stft", signal)?;
        let frames = self.config.n_frames(signal.len())?;
        let mut out = Matrix::zeros(self.config.n_bins(), frames);
        let mut scratch = self.scratch();
        let mut sink = PowerSink {
            frames,
            data: out.as_mut_slice(),
        };
        simd::run(BlocksKernel {
            stft: self,
            signal,
            frames: 0..frames,
            scratch: &mut scratch,
            sink: &mut sink,
        })?;
        Ok(out)
    }

    /// Windowed frame `t` (zero-padded at the edges) into `out`, `n_fft` values.
    #[inline(always)]
    fn load_frame(&self, signal: &[f32], t: usize, out: &mut [f64]) {
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
        let (head, rest) = out.split_at_mut(first.min(out.len()));
        let (body, tail) = rest.split_at_mut(count.min(rest.len()));
        head.fill(0.0);
        tail.fill(0.0);
        for ((o, &w), &x) in body.iter_mut().zip(window).zip(samples) {
            *o = w * f64::from(x);
        }
    }

    /// Calls `sink.block` for every block of [`BLOCK`] frames starting in
    /// `range` (its start a multiple of [`BLOCK`], its end at most the
    /// number of frames), in order. Every frame is transformed on its own,
    /// so splitting the frames into ranges gives bit-identical results.
    /// The caller checks the signal; allocation-free. Runs inside a
    /// [`simd::run`] kernel. Returns the signal's frame count.
    #[inline(always)]
    pub(crate) fn for_each_block<S: Simd>(
        &self,
        simd: S,
        signal: &[f32],
        range: Range<usize>,
        scratch: &mut StftScratch,
        sink: &mut impl BlockSink,
    ) -> Result<usize> {
        let frames = self.config.n_frames(signal.len())?;
        let avx = simd::avx(simd);
        let n_bins = self.config.n_bins();
        let end = range.end.min(frames);
        let mut t0 = range.start;
        while t0 < end {
            let StftScratch { fft, rows, power } = scratch;
            for (lane, row) in rows.chunks_exact_mut(n_bins).enumerate() {
                let t = t0 + lane;
                if t < end {
                    self.load_frame(signal, t, self.fft.input(fft));
                    self.fft.power(avx, fft, row);
                } else {
                    row.fill(0.0);
                }
            }
            transpose(avx, rows, n_bins, power);
            sink.block(simd, t0, (end - t0).min(BLOCK), power);
            t0 += BLOCK;
        }
        Ok(frames)
    }
}

/// `power[k][l] = rows[l * n_bins + k]`: the block's [`BLOCK`] rows of
/// `n_bins` values, bin by bin.
#[inline(always)]
fn transpose(avx: Option<simd::Avx>, rows: &[f32], n_bins: usize, power: &mut [Lanes]) {
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if let Some(v3) = avx {
        done = super::avx::transpose(v3, rows, n_bins, power);
    }
    let _ = avx;
    for (k, p) in power.iter_mut().enumerate().take(n_bins).skip(done) {
        for (l, v) in p.iter_mut().enumerate() {
            *v = rows.get(l * n_bins + k).copied().unwrap_or(0.0);
        }
    }
}

/// Runs [`Stft::for_each_block`] under [`simd::run`].
pub(crate) struct BlocksKernel<'a, S> {
    pub(crate) stft: &'a Stft,
    pub(crate) signal: &'a [f32],
    pub(crate) frames: Range<usize>,
    pub(crate) scratch: &'a mut StftScratch,
    pub(crate) sink: &'a mut S,
}

impl<S: BlockSink> Kernel for BlocksKernel<'_, S> {
    type Output = Result<usize>;

    #[inline(always)]
    fn call<T: Simd>(self, simd: T) -> Result<usize> {
        self.stft
            .for_each_block(simd, self.signal, self.frames, self.scratch, self.sink)
    }
}

/// Writes each frame's power as a column of a `(bins, frames)` matrix.
struct PowerSink<'a> {
    frames: usize,
    data: &'a mut [f32],
}

impl BlockSink for PowerSink<'_> {
    #[inline(always)]
    fn block<S: Simd>(&mut self, _simd: S, t0: usize, count: usize, power: &[Lanes]) {
        let frames = self.frames;
        for (row, p) in self.data.chunks_exact_mut(frames.max(1)).zip(power) {
            if let Some(out) = row.get_mut(t0..t0 + count) {
                for (o, &v) in out.iter_mut().zip(p) {
                    *o = v * 0.25;
                }
            }
        }
    }
}
