//! GTZAN segmentation exactly as the seed's data preparation: 3 s windows
//! of the first 30 s, MFCC per window, `(130, 13)` each.

use std::sync::OnceLock;

use rayon::prelude::*;

use super::MelSpectrogramConfig;
use super::melspec::FeatureScratch;
use super::mfcc::{Mfcc, MfccConfig};
use super::signal::{check_range, check_signal};
use super::tasks::pull_each;
use crate::{Error, Result};

/// The seed's GTZAN feature configuration (its `preprocess` script).
///
/// `samples_per_segment = sample_rate * track_seconds / num_segments`
/// (66,150) and `frames_per_segment = ceil(samples_per_segment /
/// hop_length)` (130).
///
/// **Track length.** Like the seed, only the first `track_seconds` are cut
/// into `num_segments` windows: longer tracks ignore the rest (to use all
/// of a long track, raise `track_seconds` and `num_segments` together);
/// shorter tracks give the complete windows they have (a trailing window is
/// kept only if its MFCC still has exactly `frames_per_segment` frames, as
/// in the seed, which also keeps windows of 66,048..66,150 samples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentConfig {
    /// Sample rate the signal is at (Hz).
    pub sample_rate: u32,
    /// Seconds of the track that are segmented.
    pub track_seconds: u32,
    /// Windows per track.
    pub num_segments: usize,
    /// MFCC coefficients per frame.
    pub n_mfcc: usize,
    /// FFT size.
    pub n_fft: usize,
    /// Hop between frames.
    pub hop_length: usize,
}

impl Default for SegmentConfig {
    fn default() -> Self {
        Self {
            sample_rate: 22_050,
            track_seconds: 30,
            num_segments: 10,
            n_mfcc: 13,
            n_fft: 2048,
            hop_length: 512,
        }
    }
}

impl SegmentConfig {
    /// Samples per window (66,150 for the defaults).
    pub fn samples_per_segment(&self) -> usize {
        (self.sample_rate as usize * self.track_seconds as usize) / self.num_segments.max(1)
    }

    /// MFCC frames per kept window (130 for the defaults).
    pub fn frames_per_segment(&self) -> usize {
        self.samples_per_segment().div_ceil(self.hop_length.max(1))
    }

    /// The per-window MFCC configuration (librosa defaults otherwise).
    pub fn mfcc(&self) -> MfccConfig {
        MfccConfig {
            n_mfcc: self.n_mfcc,
            mel: MelSpectrogramConfig {
                sample_rate: f64::from(self.sample_rate),
                n_fft: self.n_fft,
                hop_length: self.hop_length,
                ..MelSpectrogramConfig::default()
            },
            ..MfccConfig::default()
        }
    }

    fn validate(&self) -> Result<()> {
        check_range("num_segments", self.num_segments, 1, 100_000)?;
        check_range("track_seconds", self.track_seconds as usize, 1, 86_400)?;
        if self.samples_per_segment() == 0 {
            return Err(Error::InvalidConfig {
                parameter: "num_segments",
                reason: "segments would be empty".into(),
            });
        }
        Ok(())
    }
}

/// MFCC segments `(count, frames, n_mfcc)`, row-major and contiguous: the
/// seed's `mfcc.T` of each kept window stacked, ready as a `[N, 130, 13]`
/// model input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Segments {
    frames: usize,
    n_mfcc: usize,
    windows: Vec<usize>,
    data: Vec<f32>,
}

impl Segments {
    /// Number of kept segments.
    pub fn count(&self) -> usize {
        self.windows.len()
    }

    /// `(count, frames, n_mfcc)`.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.count(), self.frames, self.n_mfcc)
    }

    /// Which window (0-based, of `num_segments`) each kept segment came from.
    pub fn windows(&self) -> &[usize] {
        &self.windows
    }

    /// All values, row-major `(count, frames, n_mfcc)`.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// Consumes the segments, returning their values.
    pub fn into_vec(self) -> Vec<f32> {
        self.data
    }

    /// Segment `i` as `(frames, n_mfcc)` row-major.
    pub fn segment(&self, i: usize) -> Option<&[f32]> {
        let size = self.frames * self.n_mfcc;
        self.data.get(i * size..(i + 1) * size)
    }
}

/// The seed's segment extractor, built once and shared (`Send + Sync`).
///
/// ```
/// use genre_core::features::{SegmentConfig, SegmentExtractor};
/// let ex = SegmentExtractor::new(SegmentConfig::default())?;
/// let y: Vec<f32> = (0..22_050 * 7).map(|i| (i as f32 * 0.01).sin()).collect();
/// let s = ex.extract(&y)?;
/// assert_eq!(s.shape(), (2, 130, 13)); // 7 s: two complete 3 s windows
/// assert_eq!(ex.mean_mfcc(&y)?.len(), 13);
/// # Ok::<(), genre_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SegmentExtractor {
    config: SegmentConfig,
    mfcc: Mfcc,
}

impl SegmentExtractor {
    /// Validates `config` and builds the MFCC plan.
    pub fn new(config: SegmentConfig) -> Result<Self> {
        config.validate()?;
        Ok(Self {
            config,
            mfcc: Mfcc::new(config.mfcc())?,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &SegmentConfig {
        &self.config
    }

    /// The per-window MFCC extractor.
    pub fn mfcc(&self) -> &Mfcc {
        &self.mfcc
    }

    /// Segments of `signal` (at `config.sample_rate`). With more than one
    /// rayon thread the windows are computed in parallel; the values are
    /// the same either way. [`Self::extract_with`] is the single-threaded
    /// path.
    pub fn extract(&self, signal: &[f32]) -> Result<Segments> {
        if rayon::current_num_threads() > 1 {
            self.extract_parallel(signal)
        } else {
            self.extract_with(signal, &mut self.mfcc.scratch())
        }
    }

    /// The windows to keep: `(window index, samples)`, in order.
    fn windows<'a>(&self, signal: &'a [f32]) -> Vec<(usize, &'a [f32])> {
        let per = self.config.samples_per_segment();
        let frames = self.config.frames_per_segment();
        (0..self.config.num_segments)
            .filter_map(|d| {
                let start = d.saturating_mul(per).min(signal.len());
                let end = start.saturating_add(per).min(signal.len());
                let window = signal.get(start..end)?;
                let keep =
                    !window.is_empty() && self.mfcc.n_frames(window.len()).ok() == Some(frames);
                keep.then_some((d, window))
            })
            .collect()
    }

    fn empty_segments(&self, windows: &[(usize, &[f32])]) -> Segments {
        let (frames, n_mfcc) = (self.config.frames_per_segment(), self.config.n_mfcc);
        Segments {
            frames,
            n_mfcc,
            windows: windows.iter().map(|w| w.0).collect(),
            data: vec![0.0; windows.len() * frames * n_mfcc],
        }
    }

    /// As [`Self::extract`], on this thread only, reusing `scratch`.
    pub fn extract_with(&self, signal: &[f32], scratch: &mut FeatureScratch) -> Result<Segments> {
        check_signal("segments", signal)?;
        let windows = self.windows(signal);
        let mut out = self.empty_segments(&windows);
        let size = (out.frames * out.n_mfcc).max(1);
        for ((_, window), chunk) in windows.iter().zip(out.data.chunks_exact_mut(size)) {
            self.mfcc.compute_transposed_into(window, scratch, chunk)?;
        }
        Ok(out)
    }

    /// As [`Self::extract`], the windows pulled one by one by this thread
    /// and rayon's others (this thread never waits for a window no worker
    /// has started).
    pub fn extract_parallel(&self, signal: &[f32]) -> Result<Segments> {
        check_signal("segments", signal)?;
        let windows = self.windows(signal);
        let mut out = self.empty_segments(&windows);
        let size = (out.frames * out.n_mfcc).max(1);
        let tasks = out.data.chunks_exact_mut(size).zip(&windows).collect();
        pull_each(
            tasks,
            || self.mfcc.scratch(),
            |scratch, (chunk, (_, window))| {
                self.mfcc
                    .compute_transposed_into(window, scratch, chunk)
                    .map(|_| ())
            },
            |(), ()| (),
        )?;
        Ok(out)
    }

    /// Segments of many signals in parallel (rayon, one scratch per thread).
    pub fn extract_batch<S: AsRef<[f32]> + Sync>(&self, signals: &[S]) -> Vec<Result<Segments>> {
        signals
            .par_iter()
            .map_init(
                || self.mfcc.scratch(),
                |scratch, s| self.extract_with(s.as_ref(), scratch),
            )
            .collect()
    }

    /// The seed's monitoring vector: `librosa.feature.mfcc(y, n_mfcc=13)`
    /// over the whole clip, averaged over frames (`mfcc.mean(axis=1)`).
    pub fn mean_mfcc(&self, signal: &[f32]) -> Result<Vec<f32>> {
        Ok(self.mfcc.compute(signal)?.row_means())
    }
}

fn default_extractor() -> Result<&'static SegmentExtractor> {
    static DEFAULT: OnceLock<SegmentExtractor> = OnceLock::new();
    if let Some(ex) = DEFAULT.get() {
        return Ok(ex);
    }
    let ex = SegmentExtractor::new(SegmentConfig::default())?;
    Ok(DEFAULT.get_or_init(|| ex))
}

/// The seed's GTZAN segments of a 22,050 Hz mono signal: `(n, 130, 13)`
/// with `n ≤ 10`, using a process-wide default [`SegmentExtractor`].
///
/// ```
/// let y = vec![0.25_f32; 22_050 * 30];
/// let s = genre_core::features::segments(&y)?;
/// assert_eq!(s.shape(), (10, 130, 13));
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn segments(signal: &[f32]) -> Result<Segments> {
    default_extractor()?.extract(signal)
}

/// The seed's monitoring vector (13 mean MFCCs over the whole clip) of a
/// 22,050 Hz mono signal.
pub fn mean_mfcc(signal: &[f32]) -> Result<Vec<f32>> {
    default_extractor()?.mean_mfcc(signal)
}
