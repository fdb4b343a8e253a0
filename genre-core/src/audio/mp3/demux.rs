//! Finding frames in an MPEG audio elementary stream, the way symphonia's
//! reader does (genre reproduces its output): scan byte by byte for a sync
//! word with plausible fields, take the frame its header describes, repeat;
//! garbage between frames is skipped by the scan; a frame cut by the end of
//! the data ends the stream.

use super::header::{self, Header};
use super::tag;

/// An MP3 stream genre decodes: where its audio frames start and what its
/// first frame's tag says.
pub(crate) struct Stream<'a> {
    data: &'a [u8],
    /// Where the scan for audio frames starts (after the tag frame).
    pub audio_start: usize,
    /// The stream's length in PCM frames (tag, or symphonia's estimate).
    pub claimed: Option<u64>,
    /// Timeline position of the first audio frame: minus the encoder and
    /// decoder delay.
    pub first_ts: i64,
}

impl<'a> Stream<'a> {
    /// `None` when `data` is not a stream genre decodes (see
    /// [`stream_start`]).
    pub fn open(data: &'a [u8]) -> Option<Self> {
        let start = stream_start(data)?;
        let mut frames = Frames::new(data, start);
        let (first, first_frame) = frames.next_frame()?;
        let found = tag::read(first_frame, &first);
        let (audio_start, claimed) = match found {
            Some(t) => (
                frames.pos,
                t.frames.map(|n| {
                    (u64::from(n) * first.samples())
                        .saturating_sub(u64::from(t.delay) + u64::from(t.padding))
                }),
            ),
            None => (
                start,
                estimate_frames(data, start).map(|n| n * first.samples()),
            ),
        };
        Some(Stream {
            data,
            audio_start,
            claimed,
            first_ts: -found.map_or(0, |t| i64::from(t.delay)),
        })
    }

    /// The stream's bytes.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The audio frames from the one whose header is at `pos` (a frame of
    /// [`Self::frames`]), whose timeline position is `ts`.
    pub fn frames_from(&self, pos: usize, ts: i64) -> AudioFrames<'a> {
        AudioFrames {
            frames: Frames::new(self.data, pos),
            ts,
        }
    }

    /// The audio frames, in order.
    pub fn frames(&self) -> AudioFrames<'a> {
        AudioFrames {
            frames: Frames::new(self.data, self.audio_start),
            ts: self.first_ts,
        }
    }
}

/// One audio frame of a stream.
pub(crate) struct AudioFrame<'a> {
    /// Byte offset of its header (where a split decode may cut).
    pub pos: usize,
    /// Timeline position of its first sample (negative inside the delay).
    pub ts: i64,
    pub header: Header,
    /// The whole frame, header included.
    pub bytes: &'a [u8],
}

/// The frames of a stream that carry audio (tag frames in the middle of a
/// stream are dropped, as symphonia drops them), with their positions.
pub(crate) struct AudioFrames<'a> {
    frames: Frames<'a>,
    ts: i64,
}

impl<'a> Iterator for AudioFrames<'a> {
    type Item = AudioFrame<'a>;

    fn next(&mut self) -> Option<AudioFrame<'a>> {
        loop {
            let (header, bytes) = self.frames.next_frame()?;
            if tag::read(bytes, &header).is_some() {
                continue;
            }
            let ts = self.ts;
            self.ts = ts.saturating_add(header.samples() as i64);
            return Some(AudioFrame {
                pos: self.frames.pos - header.frame_len,
                ts,
                header,
                bytes,
            });
        }
    }
}

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
