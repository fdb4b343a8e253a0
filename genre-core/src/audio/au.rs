//! Sun/NeXT `.au` reader (GTZAN's original format; symphonia has none).
//!
//! Layout: a big-endian header `".snd"`, data offset, data size (or
//! `0xFFFF_FFFF` = unknown), encoding, sample rate, channels, then an
//! annotation up to the data offset, then interleaved big-endian samples.
//! Scaling is libsndfile's: integers divided by 2^(bits-1), μ-law and A-law
//! expanded to 16-bit (ITU-T G.711) then divided by 2^15, floats as is.

use std::io::Read;
use std::path::Path;

use super::decode::Decoded;
use super::signal::Truncation;
use super::window::{Collector, Window};
use crate::{Error, Result};

/// The four magic bytes that open every `.au` file.
pub(crate) const MAGIC: &[u8; 4] = b".snd";

const HEADER_LEN: u32 = 24;
const UNKNOWN_SIZE: u32 = 0xFFFF_FFFF;
/// Frames converted per block while streaming the data.
const BLOCK_FRAMES: usize = 4096;
/// Channel counts above this are treated as a corrupt header.
const MAX_CHANNELS: u32 = 1024;

/// Sample encodings of the `.au` format that genre reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    MuLaw,
    ALaw,
    Pcm8,
    Pcm16,
    Pcm24,
    Pcm32,
    Float32,
    Float64,
}

impl Encoding {
    fn from_code(code: u32) -> Option<Self> {
        Some(match code {
            1 => Encoding::MuLaw,
            2 => Encoding::Pcm8,
            3 => Encoding::Pcm16,
            4 => Encoding::Pcm24,
            5 => Encoding::Pcm32,
            6 => Encoding::Float32,
            7 => Encoding::Float64,
            27 => Encoding::ALaw,
            _ => return None,
        })
    }

    /// Bytes per sample.
    fn width(self) -> usize {
        match self {
            Encoding::MuLaw | Encoding::ALaw | Encoding::Pcm8 => 1,
            Encoding::Pcm16 => 2,
            Encoding::Pcm24 => 3,
            Encoding::Pcm32 | Encoding::Float32 => 4,
            Encoding::Float64 => 8,
        }
    }

    /// A short codec name, as `genre info` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::MuLaw => "ulaw",
            Encoding::ALaw => "alaw",
            Encoding::Pcm8 => "pcm_s8",
            Encoding::Pcm16 => "pcm_s16be",
            Encoding::Pcm24 => "pcm_s24be",
            Encoding::Pcm32 => "pcm_s32be",
            Encoding::Float32 => "pcm_f32be",
            Encoding::Float64 => "pcm_f64be",
        }
    }

    /// One sample from exactly `width()` big-endian bytes.
    fn sample(self, b: &[u8]) -> f32 {
        match (self, b) {
            (Encoding::MuLaw, [x]) => f32::from(ulaw_to_i16(*x)) / 32_768.0,
            (Encoding::ALaw, [x]) => f32::from(alaw_to_i16(*x)) / 32_768.0,
            (Encoding::Pcm8, [x]) => f32::from(*x as i8) / 128.0,
            (Encoding::Pcm16, [a, b]) => f32::from(i16::from_be_bytes([*a, *b])) / 32_768.0,
            (Encoding::Pcm24, [a, b, c]) => {
                (i32::from_be_bytes([*a, *b, *c, 0]) >> 8) as f32 / 8_388_608.0
            }
            (Encoding::Pcm32, [a, b, c, d]) => {
                i32::from_be_bytes([*a, *b, *c, *d]) as f32 / 2_147_483_648.0
            }
            (Encoding::Float32, [a, b, c, d]) => f32::from_be_bytes([*a, *b, *c, *d]),
            (Encoding::Float64, [a, b, c, d, e, f, g, h]) => {
                f64::from_be_bytes([*a, *b, *c, *d, *e, *f, *g, *h]) as f32
            }
            _ => 0.0,
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

/// A parsed `.au` header.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    pub encoding: Encoding,
    pub sample_rate: u32,
    pub channels: usize,
    /// Bytes between the end of the header fields and the data.
    annotation_len: u32,
    /// Claimed data length in bytes, `None` when unknown.
    data_len: Option<u64>,
}

impl Header {
    /// Reads and validates the header, leaving `reader` at the first data byte.
    pub fn read(reader: &mut impl Read, path: &Path) -> Result<Self> {
        let mut raw = [0u8; HEADER_LEN as usize];
        read_full(reader, &mut raw, path).and_then(|n| {
            if n == raw.len() {
                Ok(())
            } else {
                Err(decode_error(
                    path,
                    format!("header is {n} bytes, expected {HEADER_LEN}"),
                ))
            }
        })?;
        let field = |i: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(raw.get(i * 4..i * 4 + 4).unwrap_or(&[0; 4]));
            u32::from_be_bytes(b)
        };
        if raw.get(..4) != Some(MAGIC.as_slice()) {
            return Err(Error::UnsupportedFormat {
                path: path.to_path_buf(),
                reason: "not a Sun .au file".into(),
            });
        }
        let (offset, size, code, sample_rate, channels) =
            (field(1), field(2), field(3), field(4), field(5));
        if offset < HEADER_LEN {
            return Err(decode_error(
                path,
                format!("data offset {offset} is inside the {HEADER_LEN}-byte header"),
            ));
        }
        let encoding = Encoding::from_code(code).ok_or_else(|| Error::UnsupportedFormat {
            path: path.to_path_buf(),
            reason: format!("Sun .au encoding {code} is not supported"),
        })?;
        if sample_rate == 0 {
            return Err(decode_error(path, "sample rate is 0".into()));
        }
        if channels == 0 || channels > MAX_CHANNELS {
            return Err(decode_error(path, format!("{channels} channels")));
        }
        let mut header = Header {
            encoding,
            sample_rate,
            channels: channels as usize,
            annotation_len: offset - HEADER_LEN,
            data_len: (size != UNKNOWN_SIZE).then_some(u64::from(size)),
        };
        header.skip_annotation(reader, path)?;
        header.annotation_len = 0;
        Ok(header)
    }

    fn skip_annotation(&self, reader: &mut impl Read, path: &Path) -> Result<()> {
        let wanted = u64::from(self.annotation_len);
        let skipped = std::io::copy(&mut reader.take(wanted), &mut std::io::sink())
            .map_err(|source| io_error(path, source))?;
        if skipped < wanted {
            return Err(decode_error(
                path,
                format!("file ends inside the header (data offset {})", wanted + 24),
            ));
        }
        Ok(())
    }

    fn frame_bytes(&self) -> usize {
        self.encoding.width() * self.channels
    }

    /// Frames claimed by the header, if it states a data size.
    pub fn claimed_frames(&self) -> Option<u64> {
        self.data_len.map(|len| len / self.frame_bytes() as u64)
    }
}

/// Decodes an `.au` stream (positioned at its start) inside `window`.
pub(crate) fn decode(reader: &mut impl Read, path: &Path, window: &Window) -> Result<Decoded> {
    let header = Header::read(reader, path)?;
    let claimed = header.claimed_frames();
    let mut collector = Collector::new(window, header.sample_rate, header.channels, claimed, path)?;

    let frame_bytes = header.frame_bytes();
    let width = header.encoding.width();
    let mut data = reader.take(header.data_len.unwrap_or(u64::MAX));
    let mut bytes = vec![0u8; BLOCK_FRAMES * frame_bytes];
    let mut block = Vec::with_capacity(BLOCK_FRAMES * header.channels);
    let mut at_end = false;
    while !at_end && !collector.is_full() {
        let n = read_full(&mut data, &mut bytes, path)?;
        at_end = n < bytes.len();
        let whole = n - n % frame_bytes;
        block.clear();
        block.extend(
            bytes
                .get(..whole)
                .unwrap_or_default()
                .chunks_exact(width)
                .map(|b| header.encoding.sample(b)),
        );
        collector.push(&block)?;
    }
    let truncated = match claimed {
        Some(expected) if at_end && collector.position() < expected => Some(Truncation {
            expected_frames: Some(expected),
            decoded_frames: collector.position(),
            reason: "the data ends early".into(),
        }),
        _ => None,
    };
    Ok(Decoded {
        channels: collector.kept_channels(),
        samples: collector.into_samples(),
        sample_rate: header.sample_rate,
        truncated,
    })
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_full(reader: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(buf.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => return Err(io_error(path, source)),
        }
    }
    Ok(filled)
}

fn decode_error(path: &Path, reason: String) -> Error {
    Error::Decode {
        path: path.to_path_buf(),
        reason,
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
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
}
