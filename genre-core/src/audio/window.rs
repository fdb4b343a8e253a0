//! The frames a load keeps: librosa's `offset`/`duration` truncation at the
//! native rate (on the timeline that starts after the container's
//! [`lead`](Window::lead)), the `max_duration` memory guard, and (for mono loads) the
//! channel mean, taken while the frames arrive so no interleaved copy of the
//! whole file is ever made.

use std::path::{Path, PathBuf};

use symphonia::core::audio::conv::FromSample;
use symphonia::core::audio::sample::Sample;
use symphonia::core::audio::{Audio, AudioBuffer, GenericAudioBufferRef};

use super::decode::Decoded;
use super::pcm::{self, Encoding};
use super::signal::Truncation;
use super::sink::Sink;
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
    /// Keep the f32 channel mean (`np.mean(y, axis=0)`) instead of every
    /// channel interleaved.
    pub mono: bool,
    /// Resample a mono signal to this rate while it decodes (when the native
    /// rate differs).
    pub resample_to: Option<u32>,
    /// Refuse NaN/±inf samples, as librosa does when it mixes or resamples.
    pub check_finite: bool,
    /// Frames the container says to drop before the timeline starts (an
    /// MP4 edit list's start: the AAC encoder priming). `offset` and
    /// `duration` count from there, as in librosa (whose ffmpeg drops them).
    pub lead: u64,
}

impl Window {
    /// The whole stream, up to `max_duration`.
    pub fn all(max_duration: f64) -> Self {
        Window {
            offset: 0.0,
            duration: None,
            max_duration,
            mono: false,
            resample_to: None,
            check_finite: false,
            lead: 0,
        }
    }

    /// Whether the window is the whole decoded stream (no offset, no
    /// duration, no lead to drop).
    pub fn is_whole(&self) -> bool {
        self.offset == 0.0 && self.duration.is_none() && self.lead == 0
    }
}

/// Frame positions of a [`Window`] at one sample rate, librosa-style:
/// `start = lead + int(offset * sr)`, `len = int(duration * sr)` (positions
/// count every decoded frame, the lead included).
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
            start: window.lead.saturating_add((window.offset * sr) as u64),
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

/// Keeps the samples inside a [`FrameRange`] (interleaved, or the channel
/// mean when the window is mono), refusing to grow past the `max_duration`
/// limit.
pub(crate) struct Collector {
    range: FrameRange,
    channels: usize,
    mono: bool,
    /// Interleaved copy of the last block (when not mixing to mono).
    scratch: Vec<f32>,
    sample_rate: u32,
    /// Frames seen so far in the stream (kept or skipped, the lead included).
    position: u64,
    /// The window's lead (frames dropped before the timeline starts).
    lead: u64,
    /// Frames kept so far.
    kept: u64,
    sink: Sink,
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
        let mono = window.mono && channels > 1;
        let kept_channels = if mono { 1 } else { channels };
        let mut reserve = 0;
        if let Some(total) = claimed_frames {
            let wanted = range.frames_wanted(total);
            if wanted > range.limit {
                return Err(too_long(path, wanted, sample_rate, window.max_duration));
            }
            // Reserve once for what the header claims, but never more than
            // MAX_RESERVE up front: past that the buffer grows with real data.
            reserve = usize::try_from(wanted)
                .ok()
                .and_then(|frames| frames.checked_mul(kept_channels))
                .unwrap_or(MAX_RESERVE)
                .min(MAX_RESERVE)
                / kept_channels.max(1);
        }
        let sink = Sink::new(
            kept_channels,
            sample_rate,
            window.resample_to,
            window.check_finite,
            reserve,
        )?;
        Ok(Collector {
            range,
            channels,
            mono,
            scratch: Vec::new(),
            sample_rate,
            position: 0,
            lead: window.lead,
            kept: 0,
            sink,
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

    /// Frames seen so far (kept or skipped), the lead included.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Frames dropped before the timeline starts (see [`Window::lead`]).
    pub fn lead(&self) -> u64 {
        self.lead
    }

    /// Channels of the collected samples: 1 when mixing to mono.
    pub fn kept_channels(&self) -> usize {
        if self.mono { 1 } else { self.channels }
    }

    /// Advances past a block of `frames` frames and returns the part of it
    /// to keep, as frame indices within the block.
    fn keep(&mut self, frames: usize) -> Result<Option<(usize, usize)>> {
        let block_start = self.position;
        let block_end = block_start + frames as u64;
        self.position = block_end;

        let keep_start = self.range.start.max(block_start);
        let keep_end = match self.range.len {
            Some(len) => self.range.start.saturating_add(len).min(block_end),
            None => block_end,
        };
        if keep_end <= keep_start {
            return Ok(None);
        }
        let kept = self.kept + (keep_end - keep_start);
        if kept > self.range.limit {
            return Err(too_long(
                &self.path,
                kept,
                self.sample_rate,
                self.max_duration,
            ));
        }
        self.kept = kept;
        // Both offsets are within the block, so they fit in usize.
        Ok(Some((
            (keep_start - block_start) as usize,
            (keep_end - block_start) as usize,
        )))
    }

    /// Offers a block of whole interleaved PCM frames as stored in the file;
    /// converts and (for mono) mixes the kept ones in one pass.
    pub fn push_pcm(&mut self, bytes: &[u8], encoding: Encoding) -> Result<()> {
        let frame_bytes = encoding.width() * self.channels.max(1);
        let Some((from, to)) = self.keep(bytes.len() / frame_bytes)? else {
            return Ok(());
        };
        let block = bytes
            .get(from * frame_bytes..to * frame_bytes)
            .unwrap_or_default();
        let start = self.sink.buffer().len();
        pcm::convert(
            encoding,
            block,
            self.channels,
            self.mono,
            self.sink.buffer(),
        );
        self.sink.commit(start)
    }

    /// Offers a block of `frames` frames that `fill(from, to, mono, out)`
    /// appends to `out` when asked: frames `from..to` of the block, every
    /// channel interleaved or (`mono`) the f32 channel mean. For decoders
    /// that convert from their own buffers (the FLAC decoder).
    pub fn push_with(
        &mut self,
        frames: usize,
        fill: impl FnOnce(usize, usize, bool, &mut Vec<f32>),
    ) -> Result<()> {
        let Some((from, to)) = self.keep(frames)? else {
            return Ok(());
        };
        let start = self.sink.buffer().len();
        fill(from, to, self.mono, self.sink.buffer());
        self.sink.commit(start)
    }

    /// Offers a decoded symphonia buffer (planar, any sample type): converts
    /// to f32 like `copy_to_vec_interleaved` and, for mono, averages the
    /// channels in the same pass.
    pub fn push_buffer(&mut self, buffer: &GenericAudioBufferRef<'_>) -> Result<()> {
        let Some((from, to)) = self.keep(buffer.frames())? else {
            return Ok(());
        };
        let start = self.sink.buffer().len();
        if !self.mono {
            buffer.copy_to_vec_interleaved(&mut self.scratch);
            let channels = self.channels.max(1);
            let kept = self
                .scratch
                .get(from * channels..to * channels)
                .unwrap_or_default();
            self.sink.buffer().extend_from_slice(kept);
            return self.sink.commit(start);
        }
        let out = self.sink.buffer();
        match buffer {
            GenericAudioBufferRef::U8(b) => mix(b, from, to, out),
            GenericAudioBufferRef::U16(b) => mix(b, from, to, out),
            GenericAudioBufferRef::U24(b) => mix(b, from, to, out),
            GenericAudioBufferRef::U32(b) => mix(b, from, to, out),
            GenericAudioBufferRef::S8(b) => mix(b, from, to, out),
            GenericAudioBufferRef::S16(b) => mix(b, from, to, out),
            GenericAudioBufferRef::S24(b) => mix(b, from, to, out),
            GenericAudioBufferRef::S32(b) => mix(b, from, to, out),
            GenericAudioBufferRef::F32(b) => mix(b, from, to, out),
            GenericAudioBufferRef::F64(b) => mix(b, from, to, out),
        }
        self.sink.commit(start)
    }

    /// Appends the samples another collector kept after this one's (the
    /// second half of a split decode); checks the limit on the total.
    pub fn append(&mut self, later: Collector) -> Result<()> {
        self.position += later.position;
        let kept = self.kept + later.kept;
        if kept > self.range.limit {
            return Err(too_long(
                &self.path,
                kept,
                self.sample_rate,
                self.max_duration,
            ));
        }
        self.sink.append(later.sink, self.kept)?;
        self.kept = kept;
        Ok(())
    }

    /// The sink of the kept samples (forwarding between split halves).
    pub fn sink(&mut self) -> &mut Sink {
        &mut self.sink
    }

    /// The kept interleaved samples and their rate: the native rate, or the
    /// target rate when they were resampled while decoding. Fails when the
    /// window refuses non-finite samples and one was kept.
    pub fn finish(self) -> Result<(Vec<f32>, u32)> {
        self.sink.finish(self.sample_rate, &self.path)
    }

    /// [`Collector::finish`] as a [`Decoded`] with its truncation report.
    pub fn into_decoded(self, truncated: Option<Truncation>) -> Result<Decoded> {
        let channels = self.kept_channels();
        let (samples, sample_rate) = self.finish()?;
        Ok(Decoded {
            channels,
            samples,
            sample_rate,
            truncated,
        })
    }
}

/// Appends the f32 channel mean of frames `from..to` of a planar buffer.
fn mix<S>(buffer: &AudioBuffer<S>, from: usize, to: usize, out: &mut Vec<f32>)
where
    S: Sample,
    f32: FromSample<S>,
{
    let plane = |c: usize| {
        buffer
            .plane(c)
            .and_then(|p| p.get(from..to))
            .unwrap_or_default()
    };
    let channels = buffer.num_planes();
    match channels {
        0 => {}
        1 => out.extend(plane(0).iter().map(|&s| f32::from_sample(s))),
        2 => out.extend(
            plane(0)
                .iter()
                .zip(plane(1))
                .map(|(&l, &r)| (f32::from_sample(l) + f32::from_sample(r)) / 2.0),
        ),
        _ => {
            let start = out.len();
            out.extend(plane(0).iter().map(|&s| f32::from_sample(s)));
            let sums = out.get_mut(start..).unwrap_or_default();
            for c in 1..channels {
                for (acc, &s) in sums.iter_mut().zip(plane(c)) {
                    *acc += f32::from_sample(s);
                }
            }
            let scale = channels as f32;
            for acc in sums.iter_mut() {
                *acc /= scale;
            }
        }
    }
}

pub(crate) fn too_long(path: &Path, frames: u64, sample_rate: u32, max_duration: f64) -> Error {
    Error::TooLong {
        path: path.to_path_buf(),
        seconds: frames as f64 / f64::from(sample_rate.max(1)),
        max_seconds: max_duration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_collector_keeps_the_mean_inside_the_window() {
        let window = Window {
            offset: 1.0,
            duration: Some(2.0),
            max_duration: 10.0,
            mono: true,
            resample_to: None,
            check_finite: false,
            lead: 0,
        };
        let path = Path::new("x");
        let mut c = Collector::new(&window, 1, 2, None, path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.kept_channels(), 1);
        // Frames 0..4 of a 1 Hz stereo stream: keeps frames 1 and 2.
        let bytes: Vec<u8> = [0.0f32, 1.0, 0.5, 0.25, -1.0, 1.0, 9.0, 9.0]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        c.push_pcm(&bytes, Encoding::F32(false))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(c.is_full());
        assert_eq!(
            c.finish().unwrap_or_else(|e| panic!("{e}")),
            (vec![0.375, 0.0], 1)
        );
    }

    #[test]
    fn the_window_starts_after_the_lead() {
        // 1 Hz mono, lead 2: the offset (1 s) counts from frame 2.
        let window = Window {
            offset: 1.0,
            duration: Some(2.0),
            lead: 2,
            ..Window::all(10.0)
        };
        assert!(
            !window.is_whole()
                && !Window {
                    lead: 2,
                    ..Window::all(1.0)
                }
                .is_whole()
        );
        let range = FrameRange::new(&window, 1);
        assert_eq!((range.start, range.len), (3, Some(2)));
        assert_eq!(range.frames_wanted(4), 1);
        let path = Path::new("x");
        let mut c = Collector::new(&window, 1, 1, Some(9), path).unwrap_or_else(|e| panic!("{e}"));
        let bytes: Vec<u8> = (0..9u8).flat_map(|s| f32::from(s).to_le_bytes()).collect();
        c.push_pcm(&bytes, Encoding::F32(false))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((c.position(), c.lead()), (9, 2));
        assert_eq!(
            c.finish().unwrap_or_else(|e| panic!("{e}")),
            (vec![3.0, 4.0], 1)
        );
    }
}
