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
mod claims;
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
mod run;
mod scalefac;
mod sideinfo;
mod split;
#[cfg(test)]
mod split_tests;
mod tag;
#[cfg(test)]
mod test_rng;
#[cfg(test)]
mod tests;

use std::path::Path;

use super::decode::Decoded;
use super::window::Window;
use crate::Result;
use run::Run;

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
    decode_planned(data, path, window, split::plan)
}

/// [`decode`], on two threads where `planner` finds a cut.
fn decode_planned(
    data: &[u8],
    path: &Path,
    window: &Window,
    planner: impl Fn(&demux::Stream<'_>, &Window) -> Option<split::Plan>,
) -> Result<Option<Decoded>> {
    let Some(stream) = demux::Stream::open(data) else {
        return Ok(None);
    };
    if let Some(plan) = planner(&stream, window) {
        return split::decode(&stream, plan, window, path);
    }
    let mut run = Run::new(window, stream.claimed, path);
    for frame in stream.frames() {
        if !run.feed(&frame)? {
            return Ok(None);
        }
        if run.is_full() {
            break;
        }
    }
    run.finish().map(Some)
}
