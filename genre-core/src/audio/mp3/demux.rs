//! Finding frames in an MPEG audio elementary stream, the way symphonia's
//! reader does (genre reproduces its output): scan byte by byte for a sync
//! word with plausible fields, take the frame its header describes, repeat;
//! garbage between frames is skipped by the scan; a frame cut by the end of
//! the data ends the stream.

use super::header::{self, Header};

/// Frames of `data` from a position.
pub(crate) struct Frames<'a> {
    data: &'a [u8],
    pub pos: usize,
}

impl<'a> Frames<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Frames { data, pos }
    }

    /// The next frame (header included), or `None` at the end of the data.
    pub fn next_frame(&mut self) -> Option<(Header, &'a [u8])> {
        loop {
            let at = self.sync()?;
            match Header::parse(word(self.data, at)?) {
                Some(h) => {
                    let frame = self.data.get(at..at.checked_add(h.frame_len)?)?;
                    self.pos = at + h.frame_len;
                    return Some((h, frame));
                }
                // Resume the scan after the rejected word.
                None => self.pos = at + 4,
            }
        }
    }

    /// Position of the next sync word with plausible fields.
    fn sync(&self) -> Option<usize> {
        let rest = self.data.get(self.pos..)?;
        rest.windows(4)
            .position(|w| {
                let v = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
                header::synced(v) && header::plausible(v)
            })
            .map(|i| self.pos + i)
    }
}

/// The big-endian word at `at`.
pub(crate) fn word(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Where the stream starts: after any ID3v2 tags, a Layer III frame whose
/// next frame follows right after it with the same version, layer, rate
/// and channel count (or the data ends there). `None` otherwise (the file
/// goes to symphonia). Also `None` when an ID3v2 tag holds bytes that
/// symphonia's probe (which does not parse ID3v2 here) would take for a
/// stream, so both always start at the same frame.
pub(crate) fn stream_start(data: &[u8]) -> Option<usize> {
    let start = super::tag::id3v2_len(data);
    let tag = data.get(..start)?;
    if (0..start).any(|p| probe_accepts(data, p) && tag.get(p + 1).is_some()) {
        return None;
    }
    let first = Header::parse(word(data, start)?)?;
    if first.layer != 3 {
        return None;
    }
    let next_at = start + first.frame_len;
    if next_at + 4 > data.len() {
        return (next_at <= data.len()).then_some(start);
    }
    let next = Header::parse(word(data, next_at)?)?;
    first.similar(&next).then_some(start)
}

/// Whether symphonia's probe would start an MPEG audio stream at `p`: one
/// of its two-byte markers (Layer I/II/III, any version, with or without
/// CRC), a header that parses, and either the data ends within the frame
/// or another header that parses follows it.
fn probe_accepts(data: &[u8], p: usize) -> bool {
    let marker = matches!(data.get(p..p + 2), Some(&[0xff, b]) if matches!(b, 0xe2..=0xe7 | 0xf2..=0xf7 | 0xfa..=0xff));
    if !marker {
        return false;
    }
    let Some(h) = word(data, p).and_then(Header::parse) else {
        return false;
    };
    let next = p + h.frame_len;
    next + 4 > data.len() || word(data, next).and_then(Header::parse).is_some()
}

/// symphonia's length estimate of a stream without a Xing/Info/VBRI tag:
/// the mean length of the first (up to) 17 frames or 16 KiB of frames,
/// read back to back from `start`, divided into the bytes from `start` to
/// the end. `None` when the data ends first or a header does not parse.
pub(crate) fn estimate_frames(data: &[u8], start: usize) -> Option<u64> {
    let (mut frames, mut bytes, mut at) = (0u64, 0usize, start);
    loop {
        let h = Header::parse(word(data, at)?)?;
        bytes += h.frame_len;
        frames += 1;
        at += h.frame_len;
        if at > data.len() {
            return None;
        }
        if frames > 16 || bytes > 16 * 1024 {
            let mean = bytes as f64 / frames as f64;
            return Some(((data.len() - start) as f64 / mean) as u64);
        }
    }
}
