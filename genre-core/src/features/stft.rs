//! Short-time Fourier transform power spectra, as `librosa.stft` +
//! `np.abs(D) ** 2`.
//!
//! Precision follows librosa: the float64 periodic Hann window times the
//! float32 samples gives float64 frames, transformed by a float64 FFT.
//! Frames are transformed two at a time — one as the real part, the next as
//! the imaginary part of one complex FFT — and separated by symmetry, which
//! costs less than two real FFTs.

use std::ops::Range;
use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

use super::Matrix;
use super::signal::{check_range, check_signal};
use super::simd::{self, Avx, Kernel};
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

/// Frames transformed together: four complex FFTs of two real frames each.
pub(crate) const BLOCK: usize = 8;

/// One value per frame of a block.
pub(crate) type Lanes = [f32; BLOCK];

/// FFT buffers per block.
const PAIRS: usize = BLOCK / 2;

/// Per-thread working memory for [`Stft`]; make one with [`Stft::scratch`].
#[derive(Debug, Clone)]
pub struct StftScratch {
    /// One FFT buffer of `n_fft` values (two frames at a time).
    buffer: Vec<Complex<f64>>,
    fft_scratch: Vec<Complex<f64>>,
    /// Per bin `k < 1 + n_fft/2`, four times the power of the block's frames.
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

    /// Calls `sink.block` for every block of [`BLOCK`] frames starting in
    /// `range` (its start a multiple of [`BLOCK`], its end at most the
    /// number of frames), in order. Each frame is paired with the same
    /// neighbour whatever the range, so splitting the frames into ranges
    /// gives bit-identical results. The caller checks the signal; allocation-free.
    /// Runs inside a [`simd::run`] kernel. Returns the signal's frame count.
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
        let end = range.end.min(frames);
        let mut t0 = range.start;
        while t0 < end {
            for j in 0..PAIRS {
                let t = t0 + 2 * j;
                let power = &mut scratch.power;
                if t < end {
                    // Transformed and separated while it is in L1.
                    self.load_pair(signal, t, frames, &mut scratch.buffer);
                    self.fft
                        .process_with_scratch(&mut scratch.buffer, &mut scratch.fft_scratch);
                    match j {
                        0 => separate::<0>(avx, &scratch.buffer, power),
                        1 => separate::<1>(avx, &scratch.buffer, power),
                        2 => separate::<2>(avx, &scratch.buffer, power),
                        _ => separate::<3>(avx, &scratch.buffer, power),
                    }
                } else {
                    for p in power.iter_mut() {
                        for v in p.iter_mut().skip(2 * j).take(2) {
                            *v = 0.0;
                        }
                    }
                }
            }
            sink.block(simd, t0, (end - t0).min(BLOCK), &scratch.power);
            t0 += BLOCK;
        }
        Ok(frames)
    }
}

/// Splits the FFT `Z` of `a + i b` into the power spectra of the two real
/// frames: `A[k] = (Z[k] + conj Z[n-k]) / 2`, `B[k] = (Z[k] - conj Z[n-k]) / 2i`.
/// librosa stores the STFT as complex64, so each part is rounded to float32
/// before squaring (in float32). The halving is left out — it commutes
/// exactly with the rounding — so the powers are four times the true ones.
/// The buffer holds frames `2J` and `2J + 1` of the block: their powers go
/// to lanes `2J` and `2J + 1` of every bin.
#[inline(always)]
fn separate<const J: usize>(avx: Option<Avx>, buffer: &[Complex<f64>], power: &mut [Lanes]) {
    #[inline(always)]
    fn pair(z: Complex<f64>, zn: Complex<f64>) -> (f32, f32) {
        let are = (z.re + zn.re) as f32;
        let aim = (z.im - zn.im) as f32;
        let bre = (z.im + zn.im) as f32;
        let bim = (zn.re - z.re) as f32;
        (are * are + aim * aim, bre * bre + bim * bim)
    }
    #[inline(always)]
    fn put<const J: usize>(p: &mut Lanes, (a, b): (f32, f32)) {
        if let Some(v) = p.get_mut(2 * J..2 * J + 2) {
            v.copy_from_slice(&[a, b]);
        }
    }
    let n = buffer.len();
    if let (Some(&z), Some(p)) = (buffer.first(), power.first_mut()) {
        put::<J>(p, pair(z, z));
    }
    // Bins k = 1 ..= n/2 pair with bins n - k = n - 1 ..= n - n/2; the
    // first `done` of them in AVX2.
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if let Some(v3) = avx {
        done = super::avx::separate::<J>(v3, buffer, power);
    }
    let _ = avx;
    let h = n / 2 + 1;
    let up = buffer.get(1 + done..h).unwrap_or_default();
    let lo = buffer.get(n + 1 - h..n - done).unwrap_or_default();
    let bins = power
        .iter_mut()
        .skip(1 + done)
        .zip(up.iter().zip(lo.iter().rev()));
    for (p, (&z, &zn)) in bins {
        put::<J>(p, pair(z, zn));
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
