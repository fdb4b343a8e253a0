//! librosa's default resampler: libsoxr "HQ", as python-soxr drives it.
//!
//! `librosa.resample(y, res_type="soxr_hq")` calls `soxr.resample` once per
//! channel; python-soxr creates a libsoxr resampler with float32 I/O and
//! `soxr_quality_spec(SOXR_HQ, 0)`, feeds the input in blocks of
//! `max(1000, 48000 * in / out)` frames, flushes, and librosa then fixes the
//! length to `ceil(n * (out / in))`. [`Resampler`] does the same as a stream
//! (blocks can arrive while the file is still decoding) with the libsoxr that
//! `genre-soxr` builds from source (LGPL-2.1-or-later) with the SSE engine
//! python-soxr's wheels run on x86_64: the output is bit-identical.

use std::ffi::CStr;

use super::resample_grid::Grid;
use crate::{Error, Result};

/// Input frames handed to libsoxr per call by [`Resampler::feed`] (keeps
/// its FIFO small and in cache).
pub(crate) const FEED_FRAMES: usize = 1 << 14;

/// librosa's `fix_length` target: `ceil(n * to / from)` frames.
pub(crate) fn fixed_length(frames_in: usize, ratio: f64) -> usize {
    (frames_in as f64 * ratio).ceil() as usize
}

/// Resamples one channel from `from` Hz to `to` Hz exactly like
/// `librosa.resample(y, orig_sr=from, target_sr=to)` (`res_type="soxr_hq"`).
///
/// Long buffers (≥ 65,536 frames) resample on two threads of rayon's pool
/// when a second thread is free: a second libsoxr stream starts at a point
/// where its blocks line up with the first's, and the outputs are the one
/// stream's bit for bit (checked on an overlap at run time).
///
/// ```
/// let tone: Vec<f32> = (0..44_100).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
/// let y = genre_core::audio::resample(&tone, 44_100, 22_050)?;
/// assert_eq!(y.len(), 22_050);
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn resample(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>> {
    if from == to && from != 0 {
        return Ok(input.to_vec());
    }
    super::resample_split::resample_whole(input, from, to)
}

/// RAII owner of a libsoxr resampler.
struct Soxr(genre_soxr::soxr_t);

// SAFETY: a libsoxr resampler is plain heap state with no thread affinity;
// it is used by one thread at a time (`&mut self`).
#[allow(unsafe_code)]
unsafe impl Send for Soxr {}

impl Drop for Soxr {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful `soxr_create` and is
        // deleted exactly once, here.
        unsafe { genre_soxr::soxr_delete(self.0) }
    }
}

fn soxr_failure(what: &str, err: genre_soxr::soxr_error_t) -> Error {
    let message = if err.is_null() {
        "unknown error".into()
    } else {
        // SAFETY: libsoxr error values are pointers to static, NUL-terminated
        // messages.
        #[allow(unsafe_code)]
        let message = unsafe { CStr::from_ptr(err) };
        message.to_string_lossy().into_owned()
    };
    Error::InvalidConfig {
        parameter: "sr",
        reason: format!("libsoxr {what}: {message}"),
    }
}

/// A streaming, one-channel `soxr.resample(x, from, to, "soxr_hq")`:
/// [`push`](Self::push) samples as they decode, then [`finish`](Self::finish).
pub(crate) struct Resampler {
    soxr: Soxr,
    /// python-soxr's input block: `max(1000, 48000 * from / to)` frames.
    block: Vec<f32>,
    block_len: usize,
    output: Vec<f32>,
    frames_in: usize,
    ratio: f64,
}

impl Resampler {
    /// A resampler from `from` Hz to `to` Hz; `expected_frames` (a hint,
    /// already bounded by the caller) sizes the output once.
    #[allow(unsafe_code)]
    pub fn new(from: u32, to: u32, expected_frames: usize) -> Result<Self> {
        if from == 0 || to == 0 {
            return Err(Error::InvalidConfig {
                parameter: "sr",
                reason: format!("cannot resample from {from} Hz to {to} Hz"),
            });
        }
        let (from, to) = (f64::from(from), f64::from(to));
        let mut err: genre_soxr::soxr_error_t = std::ptr::null();
        // SAFETY: `err` is a valid out-pointer; null io/quality/runtime specs
        // select float32 I/O and `soxr_quality_spec(SOXR_HQ, 0)`, the specs
        // python-soxr passes for quality="soxr_hq".
        let handle = unsafe {
            genre_soxr::soxr_create(
                from,
                to,
                1,
                &mut err,
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        if !err.is_null() || handle.is_null() {
            if !handle.is_null() {
                drop(Soxr(handle));
            }
            return Err(soxr_failure("create", err));
        }
        let block_len = (48_000.0 * from / to).max(1000.0) as usize;
        let ratio = to / from;
        Ok(Resampler {
            soxr: Soxr(handle),
            // Grown by real samples only: `block_len` follows the (untrusted)
            // native rate and can be billions.
            block: Vec::new(),
            block_len,
            output: Vec::with_capacity((expected_frames as f64 * ratio) as usize + 2),
            frames_in: 0,
            ratio,
        })
    }

    /// Appends input samples.
    pub fn push(&mut self, mut samples: &[f32]) -> Result<()> {
        while !samples.is_empty() {
            if self.block.is_empty() && samples.len() >= self.block_len {
                // A whole block straight from the caller's buffer, no copy.
                let (block, rest) = samples.split_at(self.block_len);
                self.frames_in += block.len();
                self.drain(Some(block))?;
                samples = rest;
                continue;
            }
            let take = (self.block_len - self.block.len()).min(samples.len());
            let (now, rest) = samples.split_at(take);
            self.block.extend_from_slice(now);
            samples = rest;
            if self.block.len() == self.block_len {
                self.process_block()?;
            }
        }
        Ok(())
    }

    /// The input not yet resampled: append samples to it, then call
    /// [`flush_full`](Self::flush_full) (saves a copy when the caller can
    /// write its samples here directly).
    pub fn pending(&mut self) -> &mut Vec<f32> {
        &mut self.block
    }

    /// Resamples every whole block of [`pending`](Self::pending) input.
    pub fn flush_full(&mut self) -> Result<()> {
        if self.block.len() < self.block_len {
            return Ok(());
        }
        let block = std::mem::take(&mut self.block);
        let mut done = 0;
        let mut result = Ok(());
        while result.is_ok() {
            let Some(next) = block.get(done..done + self.block_len) else {
                break;
            };
            self.frames_in += next.len();
            result = self.drain(Some(next));
            done += self.block_len;
        }
        self.block = block;
        let done = done.min(self.block.len());
        let rest = self.block.len() - done;
        self.block.copy_within(done.., 0);
        self.block.truncate(rest);
        result
    }

    /// Flushes libsoxr and returns `ceil(n * to / from)` samples, as librosa
    /// fixes the length.
    pub fn finish(mut self) -> Result<Vec<f32>> {
        self.flush()?;
        let wanted = fixed_length(self.frames_in, self.ratio);
        self.output.resize(wanted, 0.0);
        Ok(self.output)
    }

    /// Flushes libsoxr and returns every sample it gives (no length fix).
    pub fn finish_raw(mut self) -> Result<Vec<f32>> {
        self.flush()?;
        Ok(self.output)
    }

    fn flush(&mut self) -> Result<()> {
        if !self.block.is_empty() {
            self.process_block()?;
        }
        self.drain(None)
    }

    /// Feeds `samples` to libsoxr straight away (no python-soxr blocks:
    /// how the input is cut does not change libsoxr's output, only the
    /// end of the input does). Only for a resampler with nothing pending.
    pub fn feed(&mut self, samples: &[f32]) -> Result<()> {
        debug_assert!(self.block.is_empty());
        for chunk in samples.chunks(FEED_FRAMES) {
            self.frames_in += chunk.len();
            self.drain(Some(chunk))?;
        }
        Ok(())
    }

    /// The samples libsoxr has given so far.
    pub fn output(&self) -> &[f32] {
        &self.output
    }

    /// [`output`](Self::output), owned (no flush).
    pub fn into_output(self) -> Vec<f32> {
        self.output
    }

    /// Where a fresh resampler of the same rates may start bit-exactly
    /// (see [`Grid`]); `None` when its stages cannot be restarted.
    pub fn grid(&self) -> Option<Grid> {
        Grid::of_soxr(self.soxr.0)
    }

    fn process_block(&mut self) -> Result<()> {
        let block = std::mem::take(&mut self.block);
        self.frames_in += block.len();
        let result = self.drain(Some(&block));
        self.block = block;
        self.block.clear();
        result
    }

    /// Feeds `input` (or flushes with `None`) and collects every output
    /// sample libsoxr has ready.
    #[allow(unsafe_code)]
    fn drain(&mut self, input: Option<&[f32]>) -> Result<()> {
        let mut input = input;
        loop {
            let wanted = (input.map_or(0.0, |x| x.len() as f64) * self.ratio) as usize + 64;
            self.output.reserve(wanted);
            let spare = self.output.spare_capacity_mut();
            let room = spare.len();
            let mut done = 0usize;
            let (ptr, len) = match input {
                Some(x) => (x.as_ptr().cast(), x.len()),
                // A zero-length, non-null input reads nothing; null flushes.
                None => (std::ptr::null(), 0),
            };
            // SAFETY: `ptr` is valid for `len` f32 reads (or null to flush);
            // `spare` is valid for `room` f32 writes and libsoxr writes at
            // most `room` samples, reporting how many in `done`.
            let e = unsafe {
                genre_soxr::soxr_process(
                    self.soxr.0,
                    ptr,
                    len,
                    std::ptr::null_mut(),
                    spare.as_mut_ptr().cast(),
                    room,
                    &mut done,
                )
            };
            if !e.is_null() {
                return Err(soxr_failure("process", e));
            }
            let done = done.min(room);
            // SAFETY: libsoxr initialised the first `done` spare slots.
            unsafe { self.output.set_len(self.output.len() + done) };
            if done < room {
                return Ok(());
            }
            // Output was full: ask for the rest without new input.
            input = input.map(|_| &[][..]);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// How the input is cut does not change libsoxr's output: python-soxr's
    /// blocks ([`Resampler::push`]) and [`Resampler::feed`]'s chunks give
    /// the same bits (the two-thread split relies on it).
    #[test]
    fn feeding_in_any_chunks_gives_python_soxrs_bits() {
        let x: Vec<f32> = (0..150_001u32)
            .map(|i| ((i as f32 * 0.031).sin() + (i % 97) as f32 / 200.0) * 0.5)
            .collect();
        for from in [44_100, 48_000, 32_000, 16_000, 96_000] {
            let mut blocks = Resampler::new(from, 22_050, x.len()).unwrap();
            blocks.push(&x).unwrap();
            let blocks = blocks.finish().unwrap();
            let mut fed = Resampler::new(from, 22_050, 0).unwrap();
            for part in x.chunks(33_333) {
                fed.feed(part).unwrap();
            }
            let fed = fed.finish().unwrap();
            assert_eq!(blocks.len(), fed.len(), "{from}");
            let first_diff = blocks
                .iter()
                .zip(&fed)
                .position(|(a, b)| a.to_bits() != b.to_bits());
            let diffs = blocks
                .iter()
                .zip(&fed)
                .filter(|(a, b)| a.to_bits() != b.to_bits())
                .count();
            assert_eq!(first_diff, None, "{from}: {diffs} of {} differ", fed.len());
        }
    }
}
