//! genre's own decoder of native FLAC streams (`fLaC` + metadata +
//! frames), written from RFC 9639. FLAC inside Ogg or MP4 stays with
//! symphonia.
//!
//! Everything the format allows: 4–32 bits per sample, 1–8 channels, the
//! four stereo decorrelations, wasted bits, fixed and variable block sizes
//! up to 65,535, fixed predictors and LPC up to order 32 with precision up
//! to 15. Samples come out as symphonia scales them
//! (`(s << (32 - bits)) / 2^31` in f32), bit for bit, and a mono load takes
//! the f32 channel mean in channel order as every other path does.
//!
//! Corrupt and truncated data follow libFLAC (what librosa reads through
//! libsndfile); see [`walk`]. A stream that ends inside a frame or before
//! the length STREAMINFO claims returns every whole frame with a
//! [`Truncation`].
//!
//! A whole-file load on two or more rayon threads decodes in two parts at
//! once, split at a byte offset ([`split`]); the result is always that of
//! one sequential decode.

mod bits;
mod cpu;
mod crc;
mod frame;
mod header;
mod metadata;
mod predict;
mod residual;
mod split;
#[cfg(test)]
mod split_tests;
mod subframe;
mod walk;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::decode::Decoded;
use super::signal::Truncation;
use super::whole_file;
use super::window::{Collector, Window};
use crate::{Error, Result};
pub(crate) use metadata::MAGIC;
use metadata::MetaError;
use walk::{Stop, Walker};

/// Decodes the FLAC file `file` (already known to start with [`MAGIC`]);
/// `None` when it is too large to hold in memory (it then streams through
/// symphonia).
pub(crate) fn decode_file(
    file: std::fs::File,
    path: &Path,
    window: &Window,
) -> Result<Option<Decoded>> {
    whole_file::with_bytes(file, path, |data| decode(data, path, window))
}

/// Decodes the frames of `window` from a native FLAC stream.
pub(crate) fn decode(data: &[u8], path: &Path, window: &Window) -> Result<Decoded> {
    let info = metadata::read(data).map_err(|e| {
        let reason = match e {
            MetaError::Eof => "unexpected end of file (reading the header)".to_string(),
            MetaError::Invalid(what) => format!("{what} (reading the header)"),
        };
        Error::Decode {
            path: path.to_path_buf(),
            reason,
        }
    })?;
    let mut collector = Collector::new(window, info.sample_rate, info.channels, info.total, path)?;
    let Some((start, first)) = header::find(data, info.audio_start, &info, None) else {
        return finish(collector, Stop::End { eof: false }, &info, 0, path);
    };
    let mut walker = Walker::new(data, info, first.variable);
    let stop = match split::plan(data, start, &info, window) {
        Some(target) => split::decode(&mut walker, &mut collector, start, target, window, path)?,
        None => walker.run(start, data.len(), &mut collector, &AtomicBool::new(false))?,
    };
    finish(collector, stop, &info, walker.malformed, path)
}

/// The decoded audio, given where the walk stopped.
fn finish(
    collector: Collector,
    stop: Stop,
    info: &metadata::StreamInfo,
    malformed: usize,
    path: &Path,
) -> Result<Decoded> {
    let eof = stop == Stop::End { eof: true };
    let decoded_frames = collector.position();
    if decoded_frames == 0 {
        if malformed > 0 {
            return Err(Error::Decode {
                path: path.to_path_buf(),
                reason: format!("no decodable FLAC frame ({malformed} malformed)"),
            });
        }
        return Err(Error::EmptyAudio {
            path: path.to_path_buf(),
            detail: if eof {
                ": decoding stopped before the first frame (unexpected end of file)".into()
            } else {
                ": the stream holds no audio frames".into()
            },
        });
    }
    let short = info
        .total
        .filter(|&expected| decoded_frames < expected && !collector.is_full());
    let truncated = match (short, eof) {
        (None, false) => None,
        (expected, eof) => Some(Truncation {
            expected_frames: expected.or(info.total),
            decoded_frames,
            reason: if eof {
                "unexpected end of file".into()
            } else {
                "the data ends early".into()
            },
        }),
    };
    collector.into_decoded(truncated)
}
