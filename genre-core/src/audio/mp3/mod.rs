//! genre's own MPEG-1/2/2.5 Layer III decoder (ISO/IEC 11172-3, 13818-3).
//!
//! It reproduces what symphonia (genre's decoder for every other format)
//! returns for an MP3 — the same frames and the same length: the
//! Xing/Info/VBRI frame is dropped, the LAME tag's encoder delay (+ 529) and
//! padding are trimmed, a stream without a tag is cut to symphonia's length
//! estimate, a frame that fails to decode is skipped, garbage between
//! frames is skipped — with samples equal to symphonia's up to float
//! rounding. A load that wants the channel mean of a stereo file takes the
//! mono shortcut of [`frame`] (about half the work).
//!
//! Left to symphonia (the whole file restarts there): streams that do not
//! start, after ID3v2 tags, with two consistent Layer III frame headers;
//! Layer I/II; free format; intensity stereo; mixed blocks at 8 kHz.
//!
//! The CRC of a frame (when present) is skipped, not checked, as symphonia
//! and libmpg123 do by default. Bad data never panics: impossible side info
//! or main data skips the frame (the next frame whose reservoir reaches
//! into it decodes its missing granules as silence), and 64 undecodable
//! frames in a row fail the load.

mod bands;
#[doc(hidden)]
pub mod bench;
mod bits;
mod demux;
mod frame;
mod granule;
mod header;
mod huffman;
mod huffman_tables;
mod hybrid;
mod lanes;
mod polyphase;
mod requantize;
mod reservoir;
mod scalefac;
mod sideinfo;
mod tag;
#[cfg(test)]
mod test_rng;
#[cfg(test)]
mod tests;

use std::path::Path;

use super::decode::Decoded;
use super::signal::Truncation;
use super::window::{Collector, Window};
use crate::{Error, Result};
use demux::Frames;
use frame::{FrameDecoder, FrameError};
use header::Header;

/// Consecutive undecodable frames after which a stream is declared corrupt
/// (as for symphonia's packets).
const MAX_CONSECUTIVE_ERRORS: usize = 64;

/// Whether a file starting with `magic` may be an MP3 (an ID3v2 tag or a
/// frame sync): worth reading whole to look closer.
pub(crate) fn may_start(magic: &[u8; 4]) -> bool {
    magic.starts_with(b"ID3") || header::synced(u32::from_be_bytes(*magic))
}

/// [`decode`] on a whole file read into memory.
pub(crate) fn decode_file(
    file: std::fs::File,
    path: &Path,
    window: &Window,
) -> Result<Option<Decoded>> {
    Ok(super::whole_file::with_bytes(file, path, |data| decode(data, path, window))?.flatten())
}

/// Decodes the frames of `window` from an MP3 in memory; `None` when the
/// stream is one genre leaves to symphonia.
pub(crate) fn decode(data: &[u8], path: &Path, window: &Window) -> Result<Option<Decoded>> {
    let Some(start) = demux::stream_start(data) else {
        return Ok(None);
    };
    let mut frames = Frames::new(data, start);
    let Some((first, first_frame)) = frames.next_frame() else {
        return Ok(None);
    };
    let tag = tag::read(first_frame, &first);
    let claimed = match tag {
        Some(t) => t.frames.map(|n| {
            (u64::from(n) * first.samples())
                .saturating_sub(u64::from(t.delay) + u64::from(t.padding))
        }),
        None => {
            frames.pos = start;
            demux::estimate_frames(data, start).map(|n| n * first.samples())
        }
    };
    let delay = tag.map_or(0, |t| i64::from(t.delay));
    let mut run = Run {
        decoder: FrameDecoder::new(window.mono),
        collector: None,
        spec: None,
        window,
        claimed,
        path,
    };
    // Timeline position of the next frame's first sample: negative inside
    // the encoder delay; samples at or past `claimed` are padding.
    let mut ts = -delay;
    let mut consecutive = 0;
    while let Some((header, bytes)) = frames.next_frame() {
        if tag::read(bytes, &header).is_some() {
            // A tag frame in the middle of the stream: not audio.
            continue;
        }
        let dur = header.samples() as i64;
        match run.frame(&header, bytes, ts)? {
            Ok(()) => consecutive = 0,
            Err(FrameError::Unsupported(_)) => return Ok(None),
            Err(FrameError::Bad(why)) => {
                consecutive += 1;
                if consecutive >= MAX_CONSECUTIVE_ERRORS {
                    return Err(Error::Decode {
                        path: path.to_path_buf(),
                        reason: format!(
                            "{consecutive} consecutive MP3 frames failed to decode ({why})"
                        ),
                    });
                }
            }
        }
        ts += dur;
        if run.collector.as_ref().is_some_and(Collector::is_full) {
            break;
        }
    }
    run.finish().map(Some)
}

/// One decode of a stream into a collector.
struct Run<'w> {
    decoder: FrameDecoder,
    /// Created by the first frame that decodes (its rate and channels).
    collector: Option<Collector>,
    /// (sample rate, channels) of the stream: the first audio frame's.
    spec: Option<(u32, usize)>,
    window: &'w Window,
    claimed: Option<u64>,
    path: &'w Path,
}

impl Run<'_> {
    /// Decodes one frame starting at timeline position `ts` and keeps its
    /// samples inside `[0, claimed)`.
    /// The outer error fails the load; the inner one is the frame's.
    fn frame(
        &mut self,
        header: &Header,
        bytes: &[u8],
        ts: i64,
    ) -> Result<std::result::Result<(), FrameError>> {
        let spec = *self
            .spec
            .get_or_insert((header.sample_rate, header.channels()));
        if spec != (header.sample_rate, header.channels()) {
            return Ok(Err(FrameError::Bad("the stream changes rate or channels")));
        }
        if header.layer != 3 {
            return Ok(Err(FrameError::Bad("not a Layer III frame")));
        }
        if let Err(e) = self.decoder.decode(header, bytes) {
            return Ok(Err(e));
        }
        let dur = header.samples() as i64;
        let from = (-ts).clamp(0, dur);
        let to = match self.claimed {
            Some(end) => {
                (i64::try_from(end).unwrap_or(i64::MAX).saturating_sub(ts)).clamp(from, dur)
            }
            None => dur,
        };
        let collector = match self.collector.as_mut() {
            Some(c) => c,
            None => {
                let c = Collector::new(self.window, spec.0, spec.1, self.claimed, self.path)?;
                self.collector.insert(c)
            }
        };
        let channels = self.decoder.out_channels(header);
        let pcm = &self.decoder.pcm;
        collector.push_with((to - from) as usize, |a, b, _mono, out| {
            push_pcm(pcm, channels, a + from as usize, b + from as usize, out);
        })?;
        Ok(Ok(()))
    }

    fn finish(self) -> Result<Decoded> {
        let Some(collector) = self.collector else {
            return Err(Error::EmptyAudio {
                path: self.path.to_path_buf(),
                detail: ": the stream holds no audio frames".into(),
            });
        };
        let decoded_frames = collector.position();
        let truncated = self
            .claimed
            .filter(|&expected| decoded_frames < expected && !collector.is_full())
            .map(|expected| Truncation {
                expected_frames: Some(expected),
                decoded_frames,
                reason: "the data ends early".into(),
            });
        collector.into_decoded(truncated)
    }
}

/// Appends samples `from..to` of a frame's PCM (granules back to back),
/// interleaving `channels` channels.
fn push_pcm(pcm: &frame::FramePcm, channels: usize, from: usize, to: usize, out: &mut Vec<f32>) {
    const G: usize = granule::GRANULE;
    for (gr, granule) in pcm.iter().enumerate() {
        let (a, b) = (from.max(gr * G), to.min(gr * G + G));
        if a >= b {
            continue;
        }
        let (a, b) = (a - gr * G, b - gr * G);
        match channels {
            1 => out.extend_from_slice(&granule[0][a..b]),
            _ => {
                for (l, r) in granule[0][a..b].iter().zip(&granule[1][a..b]) {
                    out.push(*l);
                    out.push(*r);
                }
            }
        }
    }
}
