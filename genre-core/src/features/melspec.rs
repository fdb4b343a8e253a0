//! `librosa.feature.melspectrogram` (power 2) with a reusable plan.

use std::sync::Arc;

use super::Matrix;
use super::db::DbConfig;
use super::dct::DctScratch;
use super::mel::{MelConfig, MelFilterbank, MelNorm};
use super::simd;
use super::stft::{FrameSink, FramesKernel, Stft, StftConfig, StftScratch};
use crate::Result;
use pulp::Simd;

/// Parameters of `librosa.feature.melspectrogram(y, sr=22050, n_fft=2048,
/// hop_length=512, win_length=None, window="hann", center=True,
/// pad_mode="constant", power=2.0, n_mels=128, fmin=0, fmax=sr/2,
/// htk=False, norm="slaney")`; `Default` is exactly that.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MelSpectrogramConfig {
    /// Sample rate of the signal in Hz.
    pub sample_rate: f64,
    /// FFT size.
    pub n_fft: usize,
    /// Samples between frames.
    pub hop_length: usize,
    /// Window length (`None` = `n_fft`).
    pub win_length: Option<usize>,
    /// Centre frames with `n_fft / 2` zeros of padding on both sides.
    pub center: bool,
    /// Number of mel bands.
    pub n_mels: usize,
    /// Lowest filter frequency in Hz.
    pub fmin: f64,
    /// Highest filter frequency in Hz (`None` = `sample_rate / 2`).
    pub fmax: Option<f64>,
    /// HTK mel formula instead of Slaney's.
    pub htk: bool,
    /// Filter normalisation.
    pub norm: MelNorm,
}

impl Default for MelSpectrogramConfig {
    fn default() -> Self {
        let stft = StftConfig::default();
        let mel = MelConfig::default();
        Self {
            sample_rate: mel.sample_rate,
            n_fft: stft.n_fft,
            hop_length: stft.hop_length,
            win_length: stft.win_length,
            center: stft.center,
            n_mels: mel.n_mels,
            fmin: mel.fmin,
            fmax: mel.fmax,
            htk: mel.htk,
            norm: mel.norm,
        }
    }
}

impl MelSpectrogramConfig {
    /// The STFT part of the configuration.
    pub fn stft(&self) -> StftConfig {
        StftConfig {
            n_fft: self.n_fft,
            hop_length: self.hop_length,
            win_length: self.win_length,
            center: self.center,
        }
    }

    /// The filterbank part of the configuration.
    pub fn mel(&self) -> MelConfig {
        MelConfig {
            sample_rate: self.sample_rate,
            n_fft: self.n_fft,
            n_mels: self.n_mels,
            fmin: self.fmin,
            fmax: self.fmax,
            htk: self.htk,
            norm: self.norm,
        }
    }
}

/// A reusable mel-spectrogram plan (window, FFT plan, sparse filterbank):
/// `Send + Sync`, share it across threads and give each its own
/// [`FeatureScratch`].
///
/// ```
/// use genre_core::features::{MelSpectrogram, MelSpectrogramConfig, DbConfig};
/// let plan = MelSpectrogram::new(MelSpectrogramConfig::default())?;
/// let y: Vec<f32> = (0..22_050).map(|i| (i as f32 * 0.05).sin()).collect();
/// let s = plan.compute(&y)?;
/// assert_eq!(s.shape(), (128, 44));
/// let db = plan.compute_db(&y, &DbConfig::default())?;
/// assert_eq!(db.shape(), (128, 44));
/// # Ok::<(), genre_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MelSpectrogram {
    config: MelSpectrogramConfig,
    stft: Stft,
    bank: Arc<MelFilterbank>,
}

/// Per-thread working memory for [`MelSpectrogram`] and [`super::Mfcc`].
#[derive(Debug, Clone)]
pub struct FeatureScratch {
    pub(crate) stft: StftScratch,
    /// Frame-major `(frames, n_mels)` mel values.
    pub(crate) mel: Vec<f32>,
    /// Frame-major DCT output.
    pub(crate) coeffs: Vec<f32>,
    /// DCT working memory.
    pub(crate) dct: DctScratch,
}

impl MelSpectrogram {
    /// Validates `config` and builds the plan (the filterbank comes from a
    /// process-wide cache).
    pub fn new(config: MelSpectrogramConfig) -> Result<Self> {
        let stft = Stft::new(config.stft())?;
        let bank = MelFilterbank::cached(config.mel())?;
        Ok(Self { config, stft, bank })
    }

    /// The configuration of this plan.
    pub fn config(&self) -> &MelSpectrogramConfig {
        &self.config
    }

    /// The sparse filterbank in use.
    pub fn filterbank(&self) -> &MelFilterbank {
        &self.bank
    }

    /// Fresh working memory for one thread.
    pub fn scratch(&self) -> FeatureScratch {
        FeatureScratch {
            stft: self.stft.scratch(),
            mel: Vec::new(),
            coeffs: Vec::new(),
            dct: DctScratch::default(),
        }
    }

    /// Number of frames for a signal of `n_samples`.
    pub fn n_frames(&self, n_samples: usize) -> Result<usize> {
        self.config.stft().n_frames(n_samples)
    }

    /// Mel power spectrogram `(n_mels, frames)`.
    pub fn compute(&self, signal: &[f32]) -> Result<Matrix> {
        let mut scratch = self.scratch();
        let frames = self.frames_into(signal, &mut scratch)?;
        Ok(self.transpose_out(&scratch.mel, frames))
    }

    /// `power_to_db(melspectrogram(y))`, `(n_mels, frames)`; `top_db`
    /// applies over the whole spectrogram.
    pub fn compute_db(&self, signal: &[f32], db: &DbConfig) -> Result<Matrix> {
        let mut scratch = self.scratch();
        let frames = self.db_frames_into(signal, db, &mut scratch)?;
        Ok(self.transpose_out(&scratch.mel, frames))
    }

    fn transpose_out(&self, frame_major: &[f32], frames: usize) -> Matrix {
        let n_mels = self.config.n_mels;
        let mut out = Matrix::zeros(n_mels, frames);
        let data = out.as_mut_slice();
        for (t, frame) in frame_major.chunks_exact(n_mels).enumerate() {
            for (m, &v) in frame.iter().enumerate() {
                if let Some(o) = data.get_mut(m * frames + t) {
                    *o = v;
                }
            }
        }
        out
    }

    /// Fills `scratch.mel` with the frame-major mel power spectrogram;
    /// returns the number of frames.
    pub(crate) fn frames_into(
        &self,
        signal: &[f32],
        scratch: &mut FeatureScratch,
    ) -> Result<usize> {
        let n_mels = self.config.n_mels;
        let frames = self.n_frames(signal.len())?;
        scratch.mel.resize(frames * n_mels, 0.0);
        let mut sink = MelSink {
            bank: &self.bank,
            n_mels,
            mel: &mut scratch.mel,
        };
        simd::run(FramesKernel {
            stft: &self.stft,
            signal,
            scratch: &mut scratch.stft,
            sink: &mut sink,
        })
    }

    /// As [`Self::frames_into`], then `power_to_db` over the whole array.
    pub(crate) fn db_frames_into(
        &self,
        signal: &[f32],
        db: &DbConfig,
        scratch: &mut FeatureScratch,
    ) -> Result<usize> {
        db.validate()?;
        let frames = self.frames_into(signal, scratch)?;
        super::db::power_to_db(&mut scratch.mel, db)?;
        Ok(frames)
    }
}

/// Projects each frame's power onto the mel bands, frame-major.
struct MelSink<'a> {
    bank: &'a MelFilterbank,
    n_mels: usize,
    mel: &'a mut [f32],
}

impl FrameSink for MelSink<'_> {
    #[inline(always)]
    fn frame<S: Simd>(&mut self, simd: S, t: usize, power: &[f64]) {
        let n = self.n_mels;
        if let Some(out) = self.mel.get_mut(t * n..(t + 1) * n) {
            self.bank.apply_padded(simd, power, out);
        }
    }
}
