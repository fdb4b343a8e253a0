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
use super::pcm;
use super::window::Window;
use crate::{Error, Result};

/// The four magic bytes that open every `.au` file.
pub(crate) const MAGIC: &[u8; 4] = b".snd";

const HEADER_LEN: u32 = 24;
const UNKNOWN_SIZE: u32 = 0xFFFF_FFFF;
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

    /// The sample encoding (all big-endian).
    fn pcm(self) -> pcm::Encoding {
        match self {
            Encoding::MuLaw => pcm::Encoding::MuLaw,
            Encoding::ALaw => pcm::Encoding::ALaw,
            Encoding::Pcm8 => pcm::Encoding::S8,
            Encoding::Pcm16 => pcm::Encoding::S16(true),
            Encoding::Pcm24 => pcm::Encoding::S24(true),
            Encoding::Pcm32 => pcm::Encoding::S32(true),
            Encoding::Float32 => pcm::Encoding::F32(true),
            Encoding::Float64 => pcm::Encoding::F64(true),
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
        pcm::read_full(reader, &mut raw, path).and_then(|n| {
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
        self.encoding.pcm().width() * self.channels
    }

    /// Frames claimed by the header, if it states a data size.
    pub fn claimed_frames(&self) -> Option<u64> {
        self.data_len.map(|len| len / self.frame_bytes() as u64)
    }
}

/// Decodes an `.au` stream (positioned at its start) inside `window`.
pub(crate) fn decode(reader: &mut impl Read, path: &Path, window: &Window) -> Result<Decoded> {
    let header = Header::read(reader, path)?;
    let layout = pcm::Layout {
        encoding: header.encoding.pcm(),
        channels: header.channels,
        sample_rate: header.sample_rate,
    };
    let mut data = reader.take(header.data_len.unwrap_or(u64::MAX));
    pcm::decode_stream(&mut data, layout, header.claimed_frames(), window, path)
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
