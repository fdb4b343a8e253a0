//! `librosa.feature.melspectrogram` (power 2) with a reusable plan.

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::Matrix;
use super::db::{self, DbConfig};
use super::dct::DctScratch;
use super::mel::{MelConfig, MelFilterbank, MelNorm};
use super::signal::check_signal;
use super::simd;
use super::stft::{BLOCK, BlockSink, BlocksKernel, Lanes, Stft, StftConfig, StftScratch};
use crate::Result;

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
    /// The mel bands of one block of frames.
    pub(crate) block: Vec<Lanes>,
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
            block: vec![[0.0; BLOCK]; self.config.n_mels],
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
        self.all_frames_into(signal, scratch, None)
            .map(|(frames, _)| frames)
    }

    /// As [`Self::frames_into`], then `power_to_db` over the whole array
    /// (the logarithm is taken block by block while the values are in cache).
    pub(crate) fn db_frames_into(
        &self,
        signal: &[f32],
        db: &DbConfig,
        scratch: &mut FeatureScratch,
    ) -> Result<usize> {
        db.validate()?;
        let (frames, max) = self.all_frames_into(signal, scratch, Some(db))?;
        if let Some(top_db) = db.top_db {
            db::clip(&mut scratch.mel, max - top_db);
        }
        Ok(frames)
    }

    /// Every frame into `scratch.mel` on this thread (dB without clipping
    /// when `db` is given): the number of frames and the largest value.
    fn all_frames_into(
        &self,
        signal: &[f32],
        scratch: &mut FeatureScratch,
        db: Option<&DbConfig>,
    ) -> Result<(usize, f32)> {
        check_signal("stft", signal)?;
        let frames = self.n_frames(signal.len())?;
        scratch.mel.resize(frames * self.config.n_mels, 0.0);
        let FeatureScratch {
            stft, block, mel, ..
        } = scratch;
        let max = self.run_blocks(signal, 0..frames, stft, block, mel, db)?;
        Ok((frames, max))
    }

    /// As [`Self::db_frames_into`] but without the `top_db` clipping, the
    /// frames split over rayon's threads in chunks of `chunk` frames (a
    /// multiple of [`BLOCK`]). Returns the number of frames and the
    /// largest dB value. Bit-identical to the single-threaded path.
    pub(crate) fn db_frames_parallel(
        &self,
        signal: &[f32],
        db: &DbConfig,
        chunk: usize,
        mel: &mut Vec<f32>,
    ) -> Result<(usize, f32)> {
        db.validate()?;
        check_signal("stft", signal)?;
        let n_mels = self.config.n_mels;
        let frames = self.n_frames(signal.len())?;
        let chunk = chunk.next_multiple_of(BLOCK).max(BLOCK);
        mel.resize(frames * n_mels, 0.0);
        let maxima = mel
            .par_chunks_mut(chunk * n_mels)
            .enumerate()
            .map_init(
                || (self.stft.scratch(), vec![[0.0; BLOCK]; n_mels]),
                |(stft, block), (i, out)| {
                    let t0 = i * chunk;
                    let range = t0..t0 + out.len() / n_mels.max(1);
                    self.run_blocks(signal, range, stft, block, out, Some(db))
                },
            )
            .collect::<Result<Vec<f32>>>()?;
        let max = maxima
            .into_iter()
            .fold(f32::NEG_INFINITY, |m, v| if v > m { v } else { m });
        Ok((frames, max))
    }

    /// Mel spectrogram (dB without clipping when `db` is given) of the
    /// frames in `range` (starting at a multiple of [`BLOCK`]) into the
    /// frame-major `out`, which starts at frame `range.start`. Returns the
    /// largest value written (dB mode) or `-inf`. `signal` must be checked.
    fn run_blocks(
        &self,
        signal: &[f32],
        range: Range<usize>,
        stft: &mut StftScratch,
        block: &mut [Lanes],
        out: &mut [f32],
        db: Option<&DbConfig>,
    ) -> Result<f32> {
        let mut sink = MelSink {
            bank: &self.bank,
            base: range.start,
            block,
            out,
            db: db.map(|d| (d.amin, d.offset())),
            max: [f32::NEG_INFINITY; BLOCK],
        };
        simd::run(BlocksKernel {
            stft: &self.stft,
            signal,
            frames: range,
            scratch: stft,
            sink: &mut sink,
        })?;
        Ok(sink
            .max
            .iter()
            .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m }))
    }
}

/// Projects each block's power onto the mel bands (and takes the
/// logarithm in dB mode), storing frame-major.
struct MelSink<'a> {
    bank: &'a MelFilterbank,
    /// Frame of `out`'s first row.
    base: usize,
    block: &'a mut [Lanes],
    out: &'a mut [f32],
    /// `(amin, offset)` of `power_to_db`, or `None` for power.
    db: Option<(f32, f64)>,
    /// Largest dB value per lane so far.
    max: Lanes,
}

impl BlockSink for MelSink<'_> {
    #[inline(always)]
    fn block(&mut self, t0: usize, count: usize, power: &[Lanes]) {
        // The powers are four times the true ones (see `stft::separate`).
        self.bank.apply_block(power, 0.25, self.block);
        if let Some((amin, offset)) = self.db {
            for lanes in self.block.iter_mut() {
                for v in lanes.iter_mut() {
                    *v = db::db(*v, amin, offset);
                }
                for (&v, m) in lanes.iter().zip(self.max.iter_mut()) {
                    *m = if v > *m { v } else { *m };
                }
            }
        }
        let n_mels = self.block.len();
        let first = (t0 - self.base) * n_mels;
        let Some(rows) = self.out.get_mut(first..first + count * n_mels) else {
            return;
        };
        for (l, row) in rows.chunks_exact_mut(n_mels.max(1)).enumerate() {
            for (o, lanes) in row.iter_mut().zip(self.block.iter()) {
                *o = lanes.get(l).copied().unwrap_or(0.0);
            }
        }
    }
}
