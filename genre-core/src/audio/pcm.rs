//! Raw PCM sample encodings: bytes to f32 (scaled like libsndfile and
//! symphonia) and the channel mean, in one pass.
//!
//! Shared by the Sun `.au` reader and the WAV/AIFF fast path
//! ([`super::raw`]), which both hand whole frames of file bytes straight to
//! the [`Collector`](super::window::Collector).

use std::io::Read;
use std::path::Path;

use super::decode::Decoded;
use super::resample_split;
use super::signal::Truncation;
use super::window::{Collector, FrameRange, Window};
use crate::{Error, Result};

/// Bytes read (and converted) per block while streaming PCM data.
const BLOCK_BYTES: usize = 1 << 16;

/// How one sample is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Unsigned 8-bit (WAV), offset 128.
    U8,
    /// Signed 8-bit.
    S8,
    /// Signed 16-bit; `true` = big-endian.
    S16(bool),
    /// Signed 24-bit packed in 3 bytes.
    S24(bool),
    /// Signed 32-bit.
    S32(bool),
    /// IEEE float 32.
    F32(bool),
    /// IEEE float 64.
    F64(bool),
    /// G.711 μ-law (8-bit, expanded to 16-bit linear).
    MuLaw,
    /// G.711 A-law (8-bit, expanded to 16-bit linear).
    ALaw,
}

impl Encoding {
    /// Bytes per sample.
    pub fn width(self) -> usize {
        match self {
            Encoding::U8 | Encoding::S8 | Encoding::MuLaw | Encoding::ALaw => 1,
            Encoding::S16(_) => 2,
            Encoding::S24(_) => 3,
            Encoding::S32(_) | Encoding::F32(_) => 4,
            Encoding::F64(_) => 8,
        }
    }
}

/// Appends the samples of the whole frames in `bytes` to `out`: every
/// channel interleaved, or (`mono`) the f32 channel mean, `np.mean` style
/// (a running sum in channel order, one division).
pub(crate) fn convert(
    encoding: Encoding,
    bytes: &[u8],
    channels: usize,
    mono: bool,
    out: &mut Vec<f32>,
) {
    let ch = channels.max(1);
    let mono = mono && ch > 1;
    let frame = ch * encoding.width();
    let bytes = bytes
        .get(..bytes.len() - bytes.len() % frame)
        .unwrap_or_default();
    match encoding {
        Encoding::U8 => run::<1>(bytes, ch, mono, out, |[b]| f32::from(b) / 128.0 - 1.0),
        Encoding::S8 => run::<1>(bytes, ch, mono, out, |[b]| f32::from(b as i8) / 128.0),
        Encoding::MuLaw => run::<1>(bytes, ch, mono, out, |[b]| {
            f32::from(ulaw_to_i16(b)) / 32_768.0
        }),
        Encoding::ALaw => run::<1>(bytes, ch, mono, out, |[b]| {
            f32::from(alaw_to_i16(b)) / 32_768.0
        }),
        Encoding::S16(false) => run::<2>(bytes, ch, mono, out, |b| {
            f32::from(i16::from_le_bytes(b)) / 32_768.0
        }),
        Encoding::S16(true) => run::<2>(bytes, ch, mono, out, |b| {
            f32::from(i16::from_be_bytes(b)) / 32_768.0
        }),
        Encoding::S24(false) => run::<3>(bytes, ch, mono, out, |[a, b, c]| {
            (i32::from_le_bytes([0, a, b, c]) >> 8) as f32 / 8_388_608.0
        }),
        Encoding::S24(true) => run::<3>(bytes, ch, mono, out, |[a, b, c]| {
            (i32::from_be_bytes([a, b, c, 0]) >> 8) as f32 / 8_388_608.0
        }),
        // `as f32` rounds once; dividing by 2^31 is then exact, so this
        // equals symphonia's `(s as f64 / 2^31) as f32`.
        Encoding::S32(false) => run::<4>(bytes, ch, mono, out, |b| {
            i32::from_le_bytes(b) as f32 / 2_147_483_648.0
        }),
        Encoding::S32(true) => run::<4>(bytes, ch, mono, out, |b| {
            i32::from_be_bytes(b) as f32 / 2_147_483_648.0
        }),
        Encoding::F32(false) => run::<4>(bytes, ch, mono, out, f32::from_le_bytes),
        Encoding::F32(true) => run::<4>(bytes, ch, mono, out, f32::from_be_bytes),
        Encoding::F64(false) => run::<8>(bytes, ch, mono, out, |b| f64::from_le_bytes(b) as f32),
        Encoding::F64(true) => run::<8>(bytes, ch, mono, out, |b| f64::from_be_bytes(b) as f32),
    }
}

/// One conversion loop per sample width, channel count class and mixing
/// (over fixed-size arrays, so the loops have no bounds checks).
#[inline(always)]
fn run<const W: usize>(
    bytes: &[u8],
    channels: usize,
    mono: bool,
    out: &mut Vec<f32>,
    sample: impl Fn([u8; W]) -> f32 + Copy,
) {
    let (samples, _) = bytes.as_chunks::<W>();
    match (mono, channels) {
        (false, _) => out.extend(samples.iter().map(|&s| sample(s))),
        (true, 2) => {
            let (frames, _) = samples.as_chunks::<2>();
            out.extend(frames.iter().map(|&[l, r]| (sample(l) + sample(r)) / 2.0));
        }
        (true, _) => {
            let scale = channels as f32;
            out.extend(samples.chunks_exact(channels).map(|frame| {
                let mut frame = frame.iter().map(|&s| sample(s));
                let first = frame.next().unwrap_or(0.0);
                frame.fold(first, |acc, s| acc + s) / scale
            }));
        }
    }
}

/// G.711 μ-law byte to 16-bit linear (the table libsndfile uses).
fn ulaw_to_i16(byte: u8) -> i16 {
    let u = !byte;
    let exponent = (u >> 4) & 0x07;
    let mantissa = i32::from(u & 0x0F);
    let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    let value = if u & 0x80 != 0 { -magnitude } else { magnitude };
    value as i16
}

/// G.711 A-law byte to 16-bit linear (the table libsndfile uses).
fn alaw_to_i16(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let exponent = (a >> 4) & 0x07;
    let mantissa = i32::from(a & 0x0F);
    let magnitude = match exponent {
        0 => (mantissa << 4) + 8,
        e => ((mantissa << 4) + 0x108) << (e - 1),
    };
    let value = if a & 0x80 != 0 { magnitude } else { -magnitude };
    value as i16
}

/// The layout of an interleaved PCM stream.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    pub encoding: Encoding,
    pub channels: usize,
    pub sample_rate: u32,
}

impl Layout {
    pub fn frame_bytes(&self) -> usize {
        self.encoding.width() * self.channels.max(1)
    }
}

/// Decodes the interleaved PCM frames that `data` yields (already limited
/// to the data chunk) inside `window`. `claimed` is the header's frame
/// count: when the data ends before it (and before the window is full),
/// the whole frames present are returned with a [`Truncation`], as
/// libsndfile reads them.
pub(crate) fn decode_stream(
    data: &mut impl Read,
    layout: Layout,
    claimed: Option<u64>,
    window: &Window,
    path: &Path,
) -> Result<Decoded> {
    // A long mono load resamples the whole buffer at the end, on two
    // threads, instead of streaming into one resampler while it reads.
    let split_to = window.resample_to.filter(|&to| {
        to != layout.sample_rate
            && (window.mono || layout.channels == 1)
            && claimed.is_some_and(|total| {
                let frames = FrameRange::new(window, layout.sample_rate).frames_wanted(total);
                resample_split::worthwhile(usize::try_from(frames).unwrap_or(usize::MAX))
            })
    });
    let collect = Window {
        resample_to: window.resample_to.filter(|_| split_to.is_none()),
        ..*window
    };
    let mut collector =
        Collector::new(&collect, layout.sample_rate, layout.channels, claimed, path)?;
    let frame_bytes = layout.frame_bytes();
    let mut bytes = vec![0u8; (BLOCK_BYTES / frame_bytes).max(1) * frame_bytes];
    let mut at_end = false;
    while !at_end && !collector.is_full() {
        let n = read_full(data, &mut bytes, path)?;
        at_end = n < bytes.len();
        let whole = n - n % frame_bytes;
        collector.push_pcm(bytes.get(..whole).unwrap_or_default(), layout.encoding)?;
    }
    let truncated = match claimed {
        Some(expected) if at_end && collector.position() < expected && !collector.is_full() => {
            Some(Truncation {
                expected_frames: Some(expected),
                decoded_frames: collector.position(),
                reason: "the data ends early".into(),
            })
        }
        _ => None,
    };
    let mut decoded = collector.into_decoded(truncated)?;
    if let Some(to) = split_to {
        decoded.samples =
            resample_split::resample_whole(&decoded.samples, decoded.sample_rate, to)?;
        decoded.sample_rate = to;
    }
    Ok(decoded)
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
pub(crate) fn read_full(reader: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(buf.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g711_matches_known_values() {
        // Reference points of the ITU-T G.711 tables (as in libsndfile).
        assert_eq!(ulaw_to_i16(0x00), -32124);
        assert_eq!(ulaw_to_i16(0x80), 32124);
        assert_eq!(ulaw_to_i16(0xFF), 0);
        assert_eq!(ulaw_to_i16(0x7F), 0);
        assert_eq!(alaw_to_i16(0xD5), 8);
        assert_eq!(alaw_to_i16(0x55), -8);
        assert_eq!(alaw_to_i16(0x2A), -32256);
        assert_eq!(alaw_to_i16(0xAA), 32256);
    }

    fn one(encoding: Encoding, bytes: &[u8]) -> f32 {
        let mut out = Vec::new();
        convert(encoding, bytes, 1, false, &mut out);
        assert_eq!(out.len(), 1);
        out[0]
    }

    #[test]
    fn integer_scaling_is_libsndfiles() {
        assert_eq!(one(Encoding::U8, &[0]), -1.0);
        assert_eq!(one(Encoding::U8, &[192]), 0.5);
        assert_eq!(one(Encoding::S8, &[0x80]), -1.0);
        assert_eq!(one(Encoding::S16(false), &[0x00, 0x40]), 0.5);
        assert_eq!(one(Encoding::S16(true), &[0x80, 0x00]), -1.0);
        assert_eq!(one(Encoding::S24(false), &[0, 0, 0xC0]), -0.5);
        assert_eq!(one(Encoding::S24(true), &[0xC0, 0, 0]), -0.5);
        assert_eq!(one(Encoding::S32(false), &[0, 0, 0, 0x40]), 0.5);
        assert_eq!(one(Encoding::S32(true), &[0x7F, 0xFF, 0xFF, 0xFF]), 1.0);
        assert_eq!(one(Encoding::F32(true), &0.25f32.to_be_bytes()), 0.25);
        assert_eq!(one(Encoding::F64(false), &0.1f64.to_le_bytes()), 0.1f32);
    }

    #[test]
    fn mono_mix_is_the_f32_mean_and_drops_partial_frames() {
        let bytes: Vec<u8> = [0.1f32, 0.2, 0.4, 1.0, 2.0, 4.0, 9.0]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let mut out = Vec::new();
        convert(Encoding::F32(false), &bytes, 3, true, &mut out);
        assert_eq!(out, vec![(0.1f32 + 0.2 + 0.4) / 3.0, 7.0 / 3.0]);
        out.clear();
        convert(Encoding::F32(false), &bytes[..16], 2, true, &mut out);
        assert_eq!(out, vec![(0.1f32 + 0.2) / 2.0, (0.4f32 + 1.0) / 2.0]);
    }
}
