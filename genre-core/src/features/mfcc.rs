//! `librosa.feature.mfcc` with a reusable, thread-shareable extractor.

use super::Matrix;
use super::db::{DbConfig, clip};
use super::dct::{Dct, DctScratch};
use super::melspec::{
    FeatureScratch, MelSpectrogram, MelSpectrogramConfig, TASK_FRAMES, grow_zeroed, splits,
};
use super::signal::check_range;
use super::simd::{self, Kernel};
use super::tasks::pull_each;
use crate::{Error, Result};
use pulp::Simd;

/// Parameters of `librosa.feature.mfcc(y, sr=22050, n_mfcc=20, dct_type=2,
/// norm="ortho", lifter=0, **melspectrogram_kwargs)`; `Default` is exactly
/// librosa's defaults.
///
/// ```
/// use genre_core::features::{MfccConfig, MelSpectrogramConfig};
/// let seed = MfccConfig { n_mfcc: 13, ..MfccConfig::default() };
/// let small = MfccConfig {
///     mel: MelSpectrogramConfig { n_fft: 1024, hop_length: 256, ..Default::default() },
///     ..seed
/// };
/// assert_eq!(small.mel.n_mels, 128);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MfccConfig {
    /// Number of coefficients kept (≤ `n_mels`).
    pub n_mfcc: usize,
    /// Cepstral liftering coefficient (0 = none).
    pub lifter: f32,
    /// `power_to_db` parameters (librosa's mfcc uses the defaults).
    pub db: DbConfig,
    /// The mel spectrogram underneath.
    pub mel: MelSpectrogramConfig,
}

impl Default for MfccConfig {
    fn default() -> Self {
        Self {
            n_mfcc: 20,
            lifter: 0.0,
            db: DbConfig::default(),
            mel: MelSpectrogramConfig::default(),
        }
    }
}

impl MfccConfig {
    /// Checks the MFCC-specific parameters (the mel part is checked when the
    /// plan is built).
    pub fn validate(&self) -> Result<()> {
        check_range("n_mels", self.mel.n_mels, 1, super::MAX_N_MELS)?;
        check_range("n_mfcc", self.n_mfcc, 1, self.mel.n_mels)?;
        if !(self.lifter.is_finite() && self.lifter >= 0.0) {
            return Err(Error::InvalidConfig {
                parameter: "lifter",
                reason: format!("{} must be a non-negative number", self.lifter),
            });
        }
        self.db.validate()
    }
}

/// A reusable MFCC extractor: window, FFT plan, sparse mel filterbank and
/// DCT basis built once. It is `Send + Sync`: share one across threads and
/// give each thread its own [`FeatureScratch`] for the allocation-free
/// [`Mfcc::compute_into`].
///
/// ```
/// use genre_core::features::{Mfcc, MfccConfig, Matrix};
/// let mfcc = Mfcc::new(MfccConfig { n_mfcc: 13, ..Default::default() })?;
/// let y: Vec<f32> = (0..66_150).map(|i| (i as f32 * 0.0628).sin() * 0.5).collect();
/// let m = mfcc.compute(&y)?;
/// assert_eq!(m.shape(), (13, 130)); // (n_mfcc, frames), like librosa
///
/// // Reuse memory across calls:
/// let mut scratch = mfcc.scratch();
/// let mut out = Matrix::default();
/// mfcc.compute_into(&y, &mut scratch, &mut out)?;
/// assert_eq!(out, m);
/// # Ok::<(), genre_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Mfcc {
    config: MfccConfig,
    mel: MelSpectrogram,
    dct: Dct,
    lifter: Option<Vec<f32>>,
}

impl Mfcc {
    /// Validates `config` and builds the plan.
    pub fn new(config: MfccConfig) -> Result<Self> {
        config.validate()?;
        let mel = MelSpectrogram::new(config.mel)?;
        let dct = Dct::new(config.mel.n_mels, config.n_mfcc);
        let lifter = (config.lifter > 0.0).then(|| {
            // librosa, in float32: 1 + (lifter / 2) * sin(pi * arange(1, 1 + n_mfcc) / lifter)
            let l = config.lifter;
            (1..=config.n_mfcc)
                .map(|n| {
                    let arg = std::f32::consts::PI * n as f32 / l;
                    1.0 + (l / 2.0) * arg.sin()
                })
                .collect()
        });
        Ok(Self {
            config,
            mel,
            dct,
            lifter,
        })
    }

    /// The configuration of this extractor.
    pub fn config(&self) -> &MfccConfig {
        &self.config
    }

    /// The mel-spectrogram plan underneath.
    pub fn mel_spectrogram(&self) -> &MelSpectrogram {
        &self.mel
    }

    /// Fresh working memory for one thread.
    pub fn scratch(&self) -> FeatureScratch {
        let mut scratch = self.mel.scratch();
        scratch.dct = self.dct.scratch();
        scratch
    }

    /// Number of frames for a signal of `n_samples`.
    pub fn n_frames(&self, n_samples: usize) -> Result<usize> {
        self.mel.n_frames(n_samples)
    }

    /// MFCCs `(n_mfcc, frames)`, like `librosa.feature.mfcc`. Long
    /// signals are split over rayon's threads when it has more than one
    /// ([`Self::compute_parallel`]); the values are bit-identical either
    /// way. [`Self::compute_into`] is the single-threaded path.
    pub fn compute(&self, signal: &[f32]) -> Result<Matrix> {
        let frames = self.n_frames(signal.len()).unwrap_or(0);
        if splits(frames) {
            return self.compute_parallel(signal);
        }
        let mut out = Matrix::default();
        self.compute_into(signal, &mut self.scratch(), &mut out)?;
        Ok(out)
    }

    /// MFCCs `(n_mfcc, frames)` of one signal on all of rayon's threads:
    /// small tasks of frames are transformed and projected onto the mel
    /// bands, then `top_db` clips at the maximum over the whole signal and
    /// the frames go through the DCT, each pass's tasks pulled by the
    /// calling thread and whichever of rayon's threads come (the caller
    /// never waits for a task no worker has started).
    /// Bit-identical to [`Self::compute_into`].
    ///
    /// ```
    /// use genre_core::features::{Mfcc, MfccConfig};
    /// let mfcc = Mfcc::new(MfccConfig { n_mfcc: 13, ..Default::default() })?;
    /// let y: Vec<f32> = (0..220_500).map(|i| (i as f32 * 0.0628).sin() * 0.5).collect();
    /// let m = mfcc.compute_parallel(&y)?;
    /// assert_eq!(m.shape(), (13, 431));
    /// let mut scratch = mfcc.scratch();
    /// let mut one = Default::default();
    /// mfcc.compute_into(&y, &mut scratch, &mut one)?;
    /// assert_eq!(m, one);
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn compute_parallel(&self, signal: &[f32]) -> Result<Matrix> {
        // Only the spectrogram buffers: each thread makes its own FFT
        // working memory.
        let (mut mel, mut coeffs, mut out) = (Vec::new(), Vec::new(), Matrix::default());
        self.parallel_into(signal, &mut mel, &mut coeffs, &mut out)?;
        Ok(out)
    }

    /// [`Self::compute_parallel`] reusing `scratch`'s spectrogram buffers
    /// and `out` (each task still makes its own FFT working memory).
    pub fn compute_parallel_into(
        &self,
        signal: &[f32],
        scratch: &mut FeatureScratch,
        out: &mut Matrix,
    ) -> Result<()> {
        self.parallel_into(signal, &mut scratch.mel, &mut scratch.coeffs, out)
    }

    /// [`Self::compute_parallel_into`] with the frame-major mel and DCT
    /// buffers given separately.
    fn parallel_into(
        &self,
        signal: &[f32],
        mel: &mut Vec<f32>,
        coeffs: &mut Vec<f32>,
        out: &mut Matrix,
    ) -> Result<()> {
        let (n_mels, n_mfcc) = (self.config.mel.n_mels, self.config.n_mfcc);
        let db = &self.config.db;
        let (frames, max) = self.mel.db_frames_parallel(signal, db, TASK_FRAMES, mel)?;
        let floor = db.top_db.map(|t| max - t);
        grow_zeroed(coeffs, frames * n_mfcc);
        let tasks = mel
            .chunks_mut(DCT_TASK_FRAMES * n_mels)
            .zip(coeffs.chunks_mut(DCT_TASK_FRAMES * n_mfcc))
            .collect();
        pull_each(
            tasks,
            || self.dct.scratch(),
            |dct, (mel, coeffs): (&mut [f32], &mut [f32])| {
                if let Some(floor) = floor {
                    clip(mel, floor);
                }
                simd::run(DctKernel {
                    mfcc: self,
                    mel,
                    frames: coeffs.len() / n_mfcc,
                    dct,
                    out: coeffs,
                });
                Ok(())
            },
            |(), ()| (),
        )?;
        transpose_into(coeffs, n_mfcc, frames, out);
        Ok(())
    }

    /// MFCCs into `out`, reshaped to `(n_mfcc, frames)`. Once `scratch` and
    /// `out` have grown to a signal length, later calls of that length or
    /// shorter allocate nothing.
    pub fn compute_into(
        &self,
        signal: &[f32],
        scratch: &mut FeatureScratch,
        out: &mut Matrix,
    ) -> Result<()> {
        let frames = self.mel.db_frames_into(signal, &self.config.db, scratch)?;
        let n_mfcc = self.config.n_mfcc;
        let mut coeffs = std::mem::take(&mut scratch.coeffs);
        coeffs.resize(frames * n_mfcc, 0.0);
        self.dct_frames(scratch, frames, &mut coeffs);
        transpose_into(&coeffs, n_mfcc, frames, out);
        scratch.coeffs = coeffs;
        Ok(())
    }

    /// MFCCs transposed, `(frames, n_mfcc)` row-major (the seed's
    /// `mfcc.T`), written into `out`; `out.len()` must be
    /// `frames * n_mfcc`. Returns the number of frames.
    pub fn compute_transposed_into(
        &self,
        signal: &[f32],
        scratch: &mut FeatureScratch,
        out: &mut [f32],
    ) -> Result<usize> {
        let frames = self.mel.db_frames_into(signal, &self.config.db, scratch)?;
        let n_mfcc = self.config.n_mfcc;
        if out.len() != frames * n_mfcc {
            return Err(Error::InvalidConfig {
                parameter: "out",
                reason: format!("needs {} values, got {}", frames * n_mfcc, out.len()),
            });
        }
        self.dct_frames(scratch, frames, out);
        Ok(frames)
    }

    /// DCT (and lifter) of every frame of `scratch.mel` into `out`,
    /// frame-major `(frames, n_mfcc)`.
    fn dct_frames(&self, scratch: &mut FeatureScratch, frames: usize, out: &mut [f32]) {
        simd::run(DctKernel {
            mfcc: self,
            mel: &scratch.mel,
            frames,
            dct: &mut scratch.dct,
            out,
        });
    }
}

/// Frames per task of the parallel clip + DCT pass (~20 µs of work).
const DCT_TASK_FRAMES: usize = 64;

/// Frame-major `(frames, n_mfcc)` coefficients into `out`, `(n_mfcc, frames)`.
fn transpose_into(coeffs: &[f32], n_mfcc: usize, frames: usize, out: &mut Matrix) {
    out.resize(n_mfcc, frames);
    let data = out.as_mut_slice();
    for (t, frame) in coeffs.chunks_exact(n_mfcc.max(1)).enumerate() {
        for (k, &v) in frame.iter().enumerate() {
            if let Some(o) = data.get_mut(k * frames + t) {
                *o = v;
            }
        }
    }
}

/// The DCT of all frames, run under [`simd::run`].
struct DctKernel<'a> {
    mfcc: &'a Mfcc,
    mel: &'a [f32],
    frames: usize,
    dct: &'a mut DctScratch,
    out: &'a mut [f32],
}

impl Kernel for DctKernel<'_> {
    type Output = ();

    #[inline(always)]
    fn call<S: Simd>(self, simd: S) {
        let n_mels = self.mfcc.config.mel.n_mels;
        let n_mfcc = self.mfcc.config.n_mfcc;
        let frames = self.mel.chunks_exact(n_mels).take(self.frames);
        for (frame, coeffs) in frames.zip(self.out.chunks_exact_mut(n_mfcc)) {
            self.mfcc.dct.apply_with(simd, frame, coeffs, self.dct);
            if let Some(l) = &self.mfcc.lifter {
                for (c, w) in coeffs.iter_mut().zip(l) {
                    *c *= w;
                }
            }
        }
    }
}

/// One-shot `librosa.feature.mfcc(y=signal, **config)`; build an [`Mfcc`]
/// once instead when computing many.
pub fn mfcc(signal: &[f32], config: &MfccConfig) -> Result<Matrix> {
    Mfcc::new(*config)?.compute(signal)
}

/// One-shot `librosa.feature.melspectrogram(y=signal, **config)`.
pub fn melspectrogram(signal: &[f32], config: &MelSpectrogramConfig) -> Result<Matrix> {
    MelSpectrogram::new(*config)?.compute(signal)
}
