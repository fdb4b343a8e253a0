//! `librosa.feature.melspectrogram` (power 2) with a reusable plan.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Matrix;
use super::db::{self, DbConfig};
use super::dct::DctScratch;
use super::mel::{MelConfig, MelFilterbank, MelNorm};
use super::signal::{all_finite, check_signal};
use super::simd;
use super::stft::{BLOCK, BlockSink, BlocksKernel, Lanes, Stft, StftConfig, StftScratch};
use super::tasks::pull_each;
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

    /// Mel power spectrogram `(n_mels, frames)`. Long signals are split
    /// over rayon's threads when it has more than one; the values are
    /// bit-identical either way. [`Self::compute_into`] is the
    /// single-threaded path.
    pub fn compute(&self, signal: &[f32]) -> Result<Matrix> {
        let mut out = Matrix::default();
        self.bands_auto(signal, None, &mut out)?;
        Ok(out)
    }

    /// `power_to_db(melspectrogram(y))`, `(n_mels, frames)`; `top_db`
    /// applies over the whole spectrogram. Parallel like [`Self::compute`].
    pub fn compute_db(&self, signal: &[f32], db: &DbConfig) -> Result<Matrix> {
        db.validate()?;
        let mut out = Matrix::default();
        let max = self.bands_auto(signal, Some(db), &mut out)?;
        let parallel = splits(out.shape().1);
        clip_top(out.as_mut_slice(), max, db, parallel)?;
        Ok(out)
    }

    /// The mel power spectrogram `(n_mels, frames)` on this thread, into
    /// `out`. Once `scratch` and `out` have grown to a signal length, later
    /// calls of that length or shorter allocate nothing.
    ///
    /// ```
    /// use genre_core::features::{Matrix, MelSpectrogram, MelSpectrogramConfig};
    /// let plan = MelSpectrogram::new(MelSpectrogramConfig::default())?;
    /// let y: Vec<f32> = (0..22_050).map(|i| (i as f32 * 0.05).sin()).collect();
    /// let (mut scratch, mut out) = (plan.scratch(), Matrix::default());
    /// plan.compute_into(&y, &mut scratch, &mut out)?;
    /// assert_eq!(out, plan.compute(&y)?);
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn compute_into(
        &self,
        signal: &[f32],
        scratch: &mut FeatureScratch,
        out: &mut Matrix,
    ) -> Result<()> {
        check_signal("stft", signal)?;
        let frames = self.n_frames(signal.len())?;
        out.resize(self.config.n_mels, frames);
        let bands = MelOut::bands(out.as_mut_slice(), frames, frames).pop();
        let FeatureScratch { stft, block, .. } = scratch;
        if let Some(bands) = bands {
            self.run_blocks(signal, 0..frames, stft, block, bands, None)?;
        }
        Ok(())
    }

    /// Band-major `(n_mels, frames)` values (dB without clipping when `db`
    /// is given) into `out`, split over rayon's threads for long signals:
    /// the largest value written (dB mode) or `-inf`.
    fn bands_auto(&self, signal: &[f32], db: Option<&DbConfig>, out: &mut Matrix) -> Result<f32> {
        let frames = self.frames_of(signal)?;
        out.resize(self.config.n_mels, frames);
        let chunk = if splits(frames) { TASK_FRAMES } else { frames };
        let pieces = MelOut::bands(out.as_mut_slice(), frames, chunk);
        if pieces.len() > 1 {
            return self.run_parallel(signal, frames, chunk, pieces, db);
        }
        check_signal("stft", signal)?;
        let mut scratch = self.scratch();
        let FeatureScratch { stft, block, .. } = &mut scratch;
        let mut max = f32::NEG_INFINITY;
        for bands in pieces {
            max = self.run_blocks(signal, 0..frames, stft, block, bands, db)?;
        }
        Ok(max)
    }

    /// Fills `scratch.mel` with the frame-major `power_to_db` mel
    /// spectrogram (`top_db` applied over the whole array; the logarithm
    /// is taken block by block while the values are in cache); returns the
    /// number of frames.
    pub(crate) fn db_frames_into(
        &self,
        signal: &[f32],
        db: &DbConfig,
        scratch: &mut FeatureScratch,
    ) -> Result<usize> {
        db.validate()?;
        check_signal("stft", signal)?;
        let frames = self.n_frames(signal.len())?;
        scratch.mel.resize(frames * self.config.n_mels, 0.0);
        let FeatureScratch {
            stft, block, mel, ..
        } = scratch;
        let out = MelOut::Frames(mel);
        let max = self.run_blocks(signal, 0..frames, stft, block, out, Some(db))?;
        clip_top(mel, max, db, false)?;
        Ok(frames)
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
        let n_mels = self.config.n_mels;
        let frames = self.frames_of(signal)?;
        let chunk = chunk.next_multiple_of(BLOCK).max(BLOCK);
        grow_zeroed(mel, frames * n_mels);
        let pieces = mel
            .chunks_mut(chunk * n_mels.max(1))
            .map(MelOut::Frames)
            .collect();
        let max = self.run_parallel(signal, frames, chunk, pieces, Some(db))?;
        Ok((frames, max))
    }

    /// The number of frames of `signal`, whose samples are not checked
    /// yet; when it has too few samples, the error [`check_signal`] gives
    /// first (empty, then non-finite), like the single-threaded paths.
    fn frames_of(&self, signal: &[f32]) -> Result<usize> {
        self.n_frames(signal.len()).or_else(|e| {
            check_signal("stft", signal)?;
            Err(e)
        })
    }

    /// Runs [`Self::run_blocks`] for piece `i` = frames `i * chunk ..` of
    /// `pieces`, the pieces pulled one by one by this thread and rayon's
    /// others ([`pull_each`]): the largest value written. The samples are
    /// checked here, not before: piece `i` also checks the `i`-th of as
    /// many equal parts of the signal (so a thread reads about the samples
    /// its frames need), and a non-finite sample anywhere gives
    /// [`check_signal`]'s error once all pieces are done.
    fn run_parallel(
        &self,
        signal: &[f32],
        frames: usize,
        chunk: usize,
        pieces: Vec<MelOut<'_>>,
        db: Option<&DbConfig>,
    ) -> Result<f32> {
        let n_mels = self.config.n_mels;
        let part = signal.len().div_ceil(pieces.len().max(1)).max(1);
        let finite = AtomicBool::new(true);
        let max = pull_each(
            pieces.into_iter().enumerate().collect(),
            || (self.stft.scratch(), vec![[0.0; BLOCK]; n_mels]),
            |(stft, block), (i, out)| {
                let samples = signal.get(i * part..).unwrap_or_default();
                if !all_finite(samples.get(..part).unwrap_or(samples)) {
                    finite.store(false, Ordering::Relaxed);
                }
                let t0 = i * chunk;
                let range = t0..(t0 + chunk).min(frames);
                self.run_blocks(signal, range, stft, block, out, db)
            },
            larger,
        )?;
        if !finite.load(Ordering::Relaxed) {
            check_signal("stft", signal)?;
        }
        Ok(max.unwrap_or(f32::NEG_INFINITY))
    }

    /// Mel spectrogram (dB without clipping when `db` is given) of the
    /// frames in `range` (starting at a multiple of [`BLOCK`]) into `out`,
    /// which starts at frame `range.start`. Returns the largest value
    /// written (dB mode) or `-inf`. `signal` must be checked (before the result is used).
    fn run_blocks(
        &self,
        signal: &[f32],
        range: Range<usize>,
        stft: &mut StftScratch,
        block: &mut [Lanes],
        out: MelOut<'_>,
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
        Ok(sink.max.iter().copied().fold(f32::NEG_INFINITY, larger))
    }
}

/// Signals with fewer frames are computed on one thread by the automatic
/// paths ([`MelSpectrogram::compute`], [`super::Mfcc::compute`]), which
/// then never touch rayon.
pub const PARALLEL_MIN_FRAMES: usize = 256;

/// Frames per task when one signal's frames are split over threads (a
/// multiple of [`BLOCK`]): ~50 µs of work, so the threads pull ~80 tasks
/// for 30 s and a late or preempted worker holds up little
/// ([`pull_each`]).
pub(crate) const TASK_FRAMES: usize = 2 * BLOCK;

/// Whether the automatic paths split a signal of `frames` frames (enough
/// frames and more than one thread).
pub(crate) fn splits(frames: usize) -> bool {
    frames >= PARALLEL_MIN_FRAMES && rayon::current_num_threads() > 1
}

/// Sets `v`'s length to `len`, for a buffer whose every value is about to
/// be overwritten. A buffer too small is replaced by a zeroed allocation:
/// large ones come zeroed from the system, so the caller does not fill
/// them with zeros before the threads overwrite them.
pub(crate) fn grow_zeroed(v: &mut Vec<f32>, len: usize) {
    if v.capacity() < len {
        *v = vec![0.0; len];
    } else {
        v.resize(len, 0.0);
    }
}

/// Values per task of the parallel `top_db` clipping (~10 µs of work).
const CLIP_TASK_VALUES: usize = 1 << 15;

/// `top_db` clipping of dB `values` whose largest is `max`, split over
/// rayon's threads when `parallel` (each value is independent: the same
/// result either way).
fn clip_top(values: &mut [f32], max: f32, db: &DbConfig, parallel: bool) -> Result<()> {
    let Some(top_db) = db.top_db else {
        return Ok(());
    };
    let floor = max - top_db;
    if parallel {
        let tasks = values.chunks_mut(CLIP_TASK_VALUES).collect();
        let clip = |(): &mut (), chunk: &mut [f32]| {
            db::clip(chunk, floor);
            Ok(())
        };
        pull_each(tasks, || (), clip, |(), ()| ())?;
    } else {
        db::clip(values, floor);
    }
    Ok(())
}

/// The larger of two values, keeping `m` when `v` is NaN.
fn larger(m: f32, v: f32) -> f32 {
    if v > m { v } else { m }
}

/// Where [`MelSink`] stores the mel values of a range of frames.
pub(crate) enum MelOut<'a> {
    /// Frame-major `(frames, n_mels)` rows of the range.
    Frames(&'a mut [f32]),
    /// One slice per mel band holding the range's frames: a column block
    /// of the band-major `(n_mels, frames)` layout librosa returns.
    Bands(Vec<&'a mut [f32]>),
}

impl<'a> MelOut<'a> {
    /// Band-major `data` (`frames` per band) cut into column blocks of
    /// `chunk` frames, one [`MelOut::Bands`] per block.
    fn bands(data: &'a mut [f32], frames: usize, chunk: usize) -> Vec<Self> {
        let blocks = frames.div_ceil(chunk.max(1));
        let rows = data.len() / frames.max(1);
        let mut pieces: Vec<Vec<&mut [f32]>> =
            (0..blocks).map(|_| Vec::with_capacity(rows)).collect();
        for row in data.chunks_exact_mut(frames.max(1)) {
            for (piece, cols) in pieces.iter_mut().zip(row.chunks_mut(chunk.max(1))) {
                piece.push(cols);
            }
        }
        pieces.into_iter().map(MelOut::Bands).collect()
    }
}

/// Projects each block's power onto the mel bands (and takes the
/// logarithm in dB mode), storing it in either layout.
struct MelSink<'a> {
    bank: &'a MelFilterbank,
    /// Frame of `out`'s first row.
    base: usize,
    block: &'a mut [Lanes],
    out: MelOut<'a>,
    /// `(amin, offset)` of `power_to_db`, or `None` for power.
    db: Option<(f32, f64)>,
    /// Largest dB value per lane so far.
    max: Lanes,
}

impl BlockSink for MelSink<'_> {
    #[inline(always)]
    fn block<S: Simd>(&mut self, simd: S, t0: usize, count: usize, power: &[Lanes]) {
        // The powers are four times the true ones (see `rfft::PowerFft::power`).
        self.bank.apply_block(power, 0.25, self.block);
        if let Some((amin, offset)) = self.db {
            db::db_block(simd::avx(simd), self.block, amin, offset, &mut self.max);
        }
        let t = t0 - self.base;
        match &mut self.out {
            MelOut::Frames(out) => {
                let n_mels = self.block.len();
                let Some(rows) = out.get_mut(t * n_mels..(t + count) * n_mels) else {
                    return;
                };
                for (l, row) in rows.chunks_exact_mut(n_mels.max(1)).enumerate() {
                    for (o, lanes) in row.iter_mut().zip(self.block.iter()) {
                        *o = lanes.get(l).copied().unwrap_or(0.0);
                    }
                }
            }
            MelOut::Bands(bands) => {
                for (band, lanes) in bands.iter_mut().zip(self.block.iter()) {
                    if let (Some(o), Some(v)) = (band.get_mut(t..t + count), lanes.get(..count)) {
                        o.copy_from_slice(v);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The frame-major path the MFCCs use, transposed to `(n_mels, frames)`.
    fn frame_major(plan: &MelSpectrogram, y: &[f32], db: Option<&DbConfig>) -> Matrix {
        let n_mels = plan.config.n_mels;
        let frames = plan.n_frames(y.len()).unwrap();
        let mut scratch = plan.scratch();
        let mut mel = vec![0.0; frames * n_mels];
        let FeatureScratch { stft, block, .. } = &mut scratch;
        let out = MelOut::Frames(&mut mel);
        let max = plan.run_blocks(y, 0..frames, stft, block, out, db).unwrap();
        if let Some(db) = db {
            clip_top(&mut mel, max, db, false).unwrap();
        }
        let mut t = Matrix::zeros(n_mels, frames);
        for (f, row) in mel.chunks_exact(n_mels).enumerate() {
            for (m, &v) in row.iter().enumerate() {
                t.as_mut_slice()[m * frames + f] = v;
            }
        }
        t
    }

    #[test]
    fn band_major_equals_frame_major_on_any_number_of_threads() {
        let y: Vec<f32> = (0..22_050 * 4 + 77)
            .map(|i| (i as f32 * 0.031).sin() * (1.0 + (i % 5_000) as f32 / 500.0))
            .collect();
        let configs = [
            MelSpectrogramConfig::default(),
            MelSpectrogramConfig {
                n_fft: 999,
                hop_length: 333,
                n_mels: 37,
                center: false,
                ..Default::default()
            },
        ];
        let db = DbConfig::default();
        for config in configs {
            let plan = MelSpectrogram::new(config).unwrap();
            for len in [y.len(), 4_096, 512 * 150] {
                let y = &y[..len];
                let power = frame_major(&plan, y, None);
                let decibels = frame_major(&plan, y, Some(&db));
                let mut one = Matrix::default();
                plan.compute_into(y, &mut plan.scratch(), &mut one).unwrap();
                assert_eq!(one, power, "compute_into, {len}");
                for threads in [1, 2, 3, 5] {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap();
                    let (p, d) = pool
                        .install(|| (plan.compute(y).unwrap(), plan.compute_db(y, &db).unwrap()));
                    assert_eq!(p, power, "compute, {len} samples, {threads} threads");
                    assert_eq!(d, decibels, "compute_db, {len} samples, {threads} threads");
                }
            }
        }
    }
}
