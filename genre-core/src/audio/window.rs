//! The frames a load keeps: librosa's `offset`/`duration` truncation at the
//! native rate, plus the `max_duration` memory guard.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Most samples reserved up front from an (untrusted) header: 2^24 (64 MiB),
/// about 3 min of 44.1 kHz stereo.
const MAX_RESERVE: usize = 1 << 24;

/// Which part of a stream to keep, in seconds; turned into frames once the
/// native sample rate is known.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Window {
    /// Seconds to skip from the start.
    pub offset: f64,
    /// Seconds to keep after `offset`, or everything.
    pub duration: Option<f64>,
    /// Largest amount of audio (seconds) this load may hold in memory.
    pub max_duration: f64,
}

impl Window {
    /// The whole stream, up to `max_duration`.
    pub fn all(max_duration: f64) -> Self {
        Window {
            offset: 0.0,
            duration: None,
            max_duration,
        }
    }
}

/// Frame positions of a [`Window`] at one sample rate, librosa-style:
/// `start = int(offset * sr)`, `len = int(duration * sr)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FrameRange {
    pub start: u64,
    pub len: Option<u64>,
    pub limit: u64,
}

impl FrameRange {
    pub fn new(window: &Window, sample_rate: u32) -> Self {
        let sr = f64::from(sample_rate);
        // `as` saturates: huge or infinite values clamp to u64::MAX.
        FrameRange {
            start: (window.offset * sr) as u64,
            len: window.duration.map(|d| (d * sr) as u64),
            limit: (window.max_duration * sr) as u64,
        }
    }

    /// Frames the load would hold when the stream claims `total` frames.
    pub fn frames_wanted(&self, total: u64) -> u64 {
        let available = total.saturating_sub(self.start);
        self.len.map_or(available, |len| len.min(available))
    }
}

/// Keeps the interleaved samples inside a [`FrameRange`], refusing to grow
/// past the `max_duration` limit.
pub(crate) struct Collector {
    range: FrameRange,
    channels: usize,
    sample_rate: u32,
    /// Frames seen so far in the stream (kept or skipped).
    position: u64,
    samples: Vec<f32>,
    max_duration: f64,
    path: PathBuf,
}

impl Collector {
    /// A collector for `channels`-channel audio; `claimed_frames` (from the
    /// header, untrusted) is checked against the limit and, when it passes,
    /// used to reserve memory once.
    pub fn new(
        window: &Window,
        sample_rate: u32,
        channels: usize,
        claimed_frames: Option<u64>,
        path: &Path,
    ) -> Result<Self> {
        let range = FrameRange::new(window, sample_rate);
        let mut samples = Vec::new();
        if let Some(total) = claimed_frames {
            let wanted = range.frames_wanted(total);
            if wanted > range.limit {
                return Err(too_long(path, wanted, sample_rate, window.max_duration));
            }
            // Reserve once for what the header claims, but never more than
            // MAX_RESERVE up front: past that the buffer grows with real data.
            let reserve = usize::try_from(wanted)
                .ok()
                .and_then(|frames| frames.checked_mul(channels))
                .unwrap_or(MAX_RESERVE)
                .min(MAX_RESERVE);
            samples.reserve_exact(reserve);
        }
        Ok(Collector {
            range,
            channels,
            sample_rate,
            position: 0,
            samples,
            max_duration: window.max_duration,
            path: path.to_path_buf(),
        })
    }

    /// Whether every wanted frame has been collected.
    pub fn is_full(&self) -> bool {
        self.range
            .len
            .is_some_and(|len| self.position >= self.range.start.saturating_add(len))
    }

    /// Frames seen so far (kept or skipped).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Offers a block of interleaved frames; keeps the ones inside the range.
    pub fn push(&mut self, interleaved: &[f32]) -> Result<()> {
        let channels = self.channels.max(1);
        let frames = (interleaved.len() / channels) as u64;
        let block_start = self.position;
        let block_end = block_start + frames;
        self.position = block_end;

        let keep_start = self.range.start.max(block_start);
        let keep_end = match self.range.len {
            Some(len) => self.range.start.saturating_add(len).min(block_end),
            None => block_end,
        };
        if keep_end <= keep_start {
            return Ok(());
        }
        let kept = (self.samples.len() / channels) as u64 + (keep_end - keep_start);
        if kept > self.range.limit {
            return Err(too_long(
                &self.path,
                kept,
                self.sample_rate,
                self.max_duration,
            ));
        }
        // Both offsets are within the block, so they fit in usize.
        let from = (keep_start - block_start) as usize * channels;
        let to = (keep_end - block_start) as usize * channels;
        if let Some(block) = interleaved.get(from..to) {
            self.samples.extend_from_slice(block);
        }
        Ok(())
    }

    /// The kept interleaved samples.
    pub fn into_samples(self) -> Vec<f32> {
        self.samples
    }
}

fn too_long(path: &Path, frames: u64, sample_rate: u32, max_duration: f64) -> Error {
    Error::TooLong {
        path: path.to_path_buf(),
        seconds: frames as f64 / f64::from(sample_rate.max(1)),
        max_seconds: max_duration,
    }
}
