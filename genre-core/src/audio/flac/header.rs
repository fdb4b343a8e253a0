//! Frame headers (RFC 9639 §9.1): sync code, block size, sample rate,
//! channel assignment, bit depth, coded frame/sample number and CRC-8.

use super::crc::crc8;
use super::metadata::StreamInfo;

/// How the channels of a frame are coded (§9.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Assignment {
    /// Every channel on its own.
    Independent,
    /// Left, then side (left − right).
    LeftSide,
    /// Side, then right.
    SideRight,
    /// Mid ((left + right) >> 1), then side.
    MidSide,
}

/// A parsed and checked frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// Variable block size (the number counts samples, not frames).
    pub variable: bool,
    /// Samples per channel, 1–65535.
    pub block_size: usize,
    /// Channels, 1–8.
    pub channels: usize,
    pub assignment: Assignment,
    /// Bits per sample of the frame.
    pub bits: u32,
    /// Frame number (fixed block size) or first sample number (variable).
    pub number: u64,
    /// Header length in bytes, CRC-8 included.
    pub len: usize,
}

/// Parses the header at `data[at..]` and accepts it only when its CRC-8
/// matches and its fixed fields agree with STREAMINFO (sample rate,
/// channels, bits) and, when known, with the blocking strategy of the
/// stream's first frame. `None` for anything else: not a frame here.
pub(crate) fn parse(
    data: &[u8],
    at: usize,
    info: &StreamInfo,
    variable: Option<bool>,
) -> Option<Header> {
    let rest = data.get(at..)?;
    let &[b0, b1, b2, b3] = rest.first_chunk::<4>()?;
    if b0 != 0xFF || b1 & 0xFE != 0xF8 || b3 & 1 != 0 {
        return None;
    }
    let is_variable = b1 & 1 == 1;
    if variable.is_some_and(|v| v != is_variable) {
        return None;
    }
    let (channels, assignment) = match b3 >> 4 {
        n @ 0..=7 => (usize::from(n) + 1, Assignment::Independent),
        8 => (2, Assignment::LeftSide),
        9 => (2, Assignment::SideRight),
        10 => (2, Assignment::MidSide),
        _ => return None,
    };
    let bits = match (b3 >> 1) & 7 {
        0 => info.bits,
        1 => 8,
        2 => 12,
        4 => 16,
        5 => 20,
        6 => 24,
        7 => 32,
        _ => return None,
    };
    if channels != info.channels || bits != info.bits {
        return None;
    }
    // The coded number: UTF-8-like, up to 7 bytes (36 bits).
    let mut pos = 4;
    let first = *rest.get(pos)?;
    let extra = match first.leading_ones() {
        0 => 0,
        n @ 2..=7 => n as usize - 1,
        _ => return None,
    };
    if extra > if is_variable { 6 } else { 5 } {
        return None;
    }
    let mask = if extra == 0 {
        0x7F
    } else {
        0xFFu32 >> (extra + 2)
    };
    let mut number = u64::from(u32::from(first) & mask);
    for i in 1..=extra {
        let b = *rest.get(pos + i)?;
        if b & 0xC0 != 0x80 {
            return None;
        }
        number = number << 6 | u64::from(b & 0x3F);
    }
    pos += 1 + extra;
    let mut take = |n: usize| -> Option<u32> {
        let bytes = rest.get(pos..pos + n)?;
        pos += n;
        Some(bytes.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)))
    };
    let block_size = match b2 >> 4 {
        0 => return None,
        1 => 192,
        n @ 2..=5 => 576 << (n - 2),
        6 => take(1)? as usize + 1,
        7 => take(2)? as usize + 1,
        n => 256 << (n - 8),
    };
    if block_size > 65_535 {
        return None;
    }
    let rate = match b2 & 15 {
        0 => None,
        1 => Some(88_200),
        2 => Some(176_400),
        3 => Some(192_000),
        4 => Some(8_000),
        5 => Some(16_000),
        6 => Some(22_050),
        7 => Some(24_000),
        8 => Some(32_000),
        9 => Some(44_100),
        10 => Some(48_000),
        11 => Some(96_000),
        12 => Some(take(1)? * 1000),
        13 => Some(take(2)?),
        14 => Some(take(2)? * 10),
        _ => return None,
    };
    if rate.is_some_and(|r| r != info.sample_rate) {
        return None;
    }
    let crc = *rest.get(pos)?;
    if crc8(rest.get(..pos)?) != crc {
        return None;
    }
    Some(Header {
        variable: is_variable,
        block_size,
        channels,
        assignment,
        bits,
        number,
        len: pos + 1,
    })
}

/// Offset of the first header at or after `from` that [`parse`] accepts.
pub(crate) fn find(
    data: &[u8],
    from: usize,
    info: &StreamInfo,
    variable: Option<bool>,
) -> Option<(usize, Header)> {
    let mut at = from;
    loop {
        let rest = data.get(at..)?;
        let sync = rest
            .windows(2)
            .position(|w| w[0] == 0xFF && w[1] & 0xFE == 0xF8)?;
        at += sync;
        if let Some(header) = parse(data, at, info, variable) {
            return Some((at, header));
        }
        at += 1;
    }
}
