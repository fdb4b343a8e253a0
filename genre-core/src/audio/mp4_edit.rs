//! The start of an MP4 track's edit list: the encoder priming that ffmpeg
//! (and so librosa, which reads MP4 through audioread → ffmpeg) drops.
//!
//! An AAC encoder emits its first real sample after a *priming* delay
//! (1,024 frames for ffmpeg's `aac`, 2,112 for Apple's); the container
//! records it as the `media_time` of the track's edit list
//! (`moov/trak/edts/elst`), in the media timescale of `moov/trak/mdia/mdhd`.
//! symphonia 0.6.1 parses `elst` but neither applies nor exposes it, so this
//! module reads it with a small box walker of its own.
//!
//! What ffmpeg does, and so genre:
//! - the first edit with a `media_time` ≥ 0 says how many media-timescale
//!   units to drop from the start of the decoded track (converted to frames
//!   at the track's sample rate, rounded to nearest, as ffmpeg's
//!   `skip_samples`);
//! - *empty* edits before it (`media_time` = -1, a leading gap) only delay
//!   the stream's start time, which ffmpeg's raw PCM output (what audioread
//!   reads) ignores: no silence is inserted;
//! - the end of the edit is **not** applied: ffmpeg keeps the whole last
//!   packet, trailing encoder padding included (the fixture made from a
//!   44,100-frame WAV decodes to 46,080 frames, 45,056 after the priming,
//!   with ffmpeg 5.1 as with genre); later edits are ignored.
//!
//! The walker reads box headers only (32- and 64-bit sizes, size 0 = to the
//! end of the parent), descends only `moov` → `trak` → `edts`/`mdia`, caps
//! the boxes it visits per level and the edit entries it reads, and never
//! allocates from a header. Anything malformed or missing means "no edit"
//! (0 frames): the decode is then what it was before this module.

use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};

use super::source::Source;

/// Most boxes looked at in one parent (top level included). Real files have
/// a handful per level; fragmented ones put `moov` before their fragments.
const MAX_BOXES: usize = 4096;

/// Most edit-list entries read while looking for the first non-empty one.
const MAX_EDITS: u32 = 64;

/// Frames to drop from the start of the decoded track `track_id` (the
/// symphonia track id, i.e. the `tkhd` track id) of the MP4 in `source`,
/// whose audio is at `sample_rate`. 0 when the track has no usable edit.
pub(crate) fn lead_frames(source: Source<'_>, track_id: u32, sample_rate: u32) -> u64 {
    let edit = match source {
        Source::Bytes { data, .. } => find(&mut Cursor::new(data), data.len() as u64, track_id),
        Source::Path(path) => File::open(path).ok().and_then(|mut file| {
            let len = file.metadata().ok()?.len();
            find(&mut file, len, track_id)
        }),
    };
    edit.map_or(0, |edit| edit.frames(sample_rate))
}

/// The first non-empty edit of a track, in its media timescale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Edit {
    media_time: u64,
    timescale: u32,
}

impl Edit {
    /// `media_time` in frames at `sample_rate`, rounded to nearest.
    fn frames(self, sample_rate: u32) -> u64 {
        if self.timescale == 0 {
            return 0;
        }
        let scale = u128::from(self.timescale);
        let frames = (u128::from(self.media_time) * u128::from(sample_rate) + scale / 2) / scale;
        u64::try_from(frames).unwrap_or(u64::MAX)
    }
}

/// A box: its four-character type and the byte range of its body.
#[derive(Clone, Copy, Debug)]
struct Header {
    kind: [u8; 4],
    body: u64,
    end: u64,
}

/// The boxes inside `[pos, end)`, one header at a time.
struct Children {
    pos: u64,
    end: u64,
    left: usize,
}

impl Children {
    fn of(parent: Header) -> Self {
        Children::within(parent.body, parent.end)
    }

    fn within(pos: u64, end: u64) -> Self {
        Children {
            pos,
            end,
            left: MAX_BOXES,
        }
    }

    /// The next box; `None` at the end, past the cap, or at a malformed or
    /// unreadable header (a box reaching past its parent ends the walk).
    fn next<R: Read + Seek>(&mut self, r: &mut R) -> Option<Header> {
        if self.left == 0 || self.end.saturating_sub(self.pos) < 8 {
            return None;
        }
        self.left -= 1;
        let start = self.pos;
        let head: [u8; 8] = read_at(r, start)?;
        let [s0, s1, s2, s3, k0, k1, k2, k3] = head;
        let (size, header_len) = match u32::from_be_bytes([s0, s1, s2, s3]) {
            0 => (self.end - start, 8),
            1 => (u64::from_be_bytes(read_at(r, start + 8)?), 16),
            n => (u64::from(n), 8),
        };
        let end = start.checked_add(size)?;
        if size < header_len || end > self.end {
            self.left = 0;
            return None;
        }
        self.pos = end;
        Some(Header {
            kind: [k0, k1, k2, k3],
            body: start + header_len,
            end,
        })
    }

    /// The next box of type `kind`.
    fn find<R: Read + Seek>(&mut self, r: &mut R, kind: &[u8; 4]) -> Option<Header> {
        while let Some(header) = self.next(r) {
            if &header.kind == kind {
                return Some(header);
            }
        }
        None
    }
}

/// `N` bytes at `pos` (`None` when the source ends before).
fn read_at<R: Read + Seek, const N: usize>(r: &mut R, pos: u64) -> Option<[u8; N]> {
    let mut buf = [0u8; N];
    r.seek(SeekFrom::Start(pos)).ok()?;
    r.read_exact(&mut buf).ok()?;
    Some(buf)
}

/// `N` bytes at `offset` into the body of `header`, if the box holds them.
fn field<R: Read + Seek, const N: usize>(
    r: &mut R,
    header: Header,
    offset: u64,
) -> Option<[u8; N]> {
    let pos = header.body.checked_add(offset)?;
    (pos.checked_add(N as u64)? <= header.end).then_some(())?;
    read_at(r, pos)
}

fn be_u32(b: [u8; 4]) -> u32 {
    u32::from_be_bytes(b)
}

/// The first non-empty edit of track `track_id` in the source (`len` bytes).
fn find<R: Read + Seek>(r: &mut R, len: u64, track_id: u32) -> Option<Edit> {
    let moov = Children::within(0, len).find(r, b"moov")?;
    let mut traks = Children::of(moov);
    while let Some(trak) = traks.find(r, b"trak") {
        let mut id = None;
        let mut media_time = None;
        let mut timescale = None;
        let mut children = Children::of(trak);
        while let Some(child) = children.next(r) {
            match &child.kind {
                b"tkhd" => id = u32_after_times(r, child),
                b"edts" => {
                    media_time = Children::of(child)
                        .find(r, b"elst")
                        .and_then(|elst| first_media_time(r, elst));
                }
                b"mdia" => {
                    timescale = Children::of(child)
                        .find(r, b"mdhd")
                        .and_then(|mdhd| u32_after_times(r, mdhd));
                }
                _ => {}
            }
        }
        if id == Some(track_id) {
            return Some(Edit {
                media_time: media_time?,
                timescale: timescale?,
            });
        }
    }
    None
}

/// The `u32` after the version/flags and the creation and modification
/// times (32 or 64 bits each, by version) of a `tkhd` (its track id) or an
/// `mdhd` (its timescale).
fn u32_after_times<R: Read + Seek>(r: &mut R, header: Header) -> Option<u32> {
    let [version, ..] = field::<_, 4>(r, header, 0)?;
    let at = if version == 1 { 20 } else { 12 };
    field(r, header, at).map(be_u32)
}

/// `elst`: version/flags, entry count, then entries of (segment duration,
/// media time, rate) with 32-bit (version 0) or 64-bit (version 1) times.
/// The media time of the first entry that is not empty (≥ 0); entries past
/// the box's end or [`MAX_EDITS`] are not read.
fn first_media_time<R: Read + Seek>(r: &mut R, elst: Header) -> Option<u64> {
    let [version, ..] = field::<_, 4>(r, elst, 0)?;
    let count = be_u32(field(r, elst, 4)?).min(MAX_EDITS);
    let (entry, time) = match version {
        0 => (12u64, 4u64),
        1 => (20, 8),
        _ => return None,
    };
    for i in 0..u64::from(count) {
        let at = 8 + i * entry + time;
        let media_time = match version {
            0 => i64::from(i32::from_be_bytes(field(r, elst, at)?)),
            _ => i64::from_be_bytes(field(r, elst, at)?),
        };
        if let Ok(media_time) = u64::try_from(media_time) {
            return Some(media_time);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A box of type `kind` around `body`.
    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = (8 + body.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    /// A full box body: version, zero flags, then `rest`.
    fn full(version: u8, rest: &[u8]) -> Vec<u8> {
        let mut out = vec![version, 0, 0, 0];
        out.extend_from_slice(rest);
        out
    }

    /// A version-0 `elst` with `(segment duration, media time)` entries.
    fn elst(entries: &[(u32, i32)]) -> Vec<u8> {
        let mut rest = (entries.len() as u32).to_be_bytes().to_vec();
        for &(duration, time) in entries {
            rest.extend_from_slice(&duration.to_be_bytes());
            rest.extend_from_slice(&time.to_be_bytes());
            rest.extend_from_slice(&[0, 1, 0, 0]);
        }
        boxed(b"elst", &full(0, &rest))
    }

    /// `moov` with one `trak` (`tkhd` id, `edts` holding `edit`, `mdhd`
    /// timescale), after an `mdat`.
    fn mp4(id: u32, edit: &[u8], timescale: u32) -> Vec<u8> {
        let mut tkhd = vec![0u8; 8];
        tkhd.extend_from_slice(&id.to_be_bytes());
        tkhd.extend_from_slice(&[0; 68]);
        let mut mdhd = vec![0u8; 8];
        mdhd.extend_from_slice(&timescale.to_be_bytes());
        mdhd.extend_from_slice(&[0; 8]);
        let trak = [
            boxed(b"tkhd", &full(0, &tkhd)),
            boxed(b"edts", edit),
            boxed(b"mdia", &boxed(b"mdhd", &full(0, &mdhd))),
        ]
        .concat();
        [
            boxed(b"ftyp", b"M4A \0\0\0\0"),
            boxed(b"mdat", &[7; 100]),
            boxed(b"moov", &boxed(b"trak", &trak)),
        ]
        .concat()
    }

    fn lead(data: &[u8], id: u32, rate: u32) -> u64 {
        lead_frames(Source::bytes(data, None), id, rate)
    }

    #[test]
    fn the_first_non_empty_edit_is_the_lead() {
        assert_eq!(
            lead(&mp4(1, &elst(&[(2000, 1024)]), 22_050), 1, 22_050),
            1024
        );
        // Empty edits before it are a start delay: no frames.
        let gap = elst(&[(453, -1), (2000, 2112)]);
        assert_eq!(lead(&mp4(1, &gap, 44_100), 1, 44_100), 2112);
        // Another media timescale: converted, rounded to nearest.
        assert_eq!(lead(&mp4(1, &elst(&[(9, 1000)]), 48_000), 1, 44_100), 919);
        assert_eq!(lead(&mp4(1, &elst(&[(9, 1001)]), 48_000), 1, 44_100), 920);
        // Version 1: 64-bit times.
        let mut rest = 2u32.to_be_bytes().to_vec();
        for (d, t) in [(5u64, -1i64), (5, 5000)] {
            rest.extend_from_slice(&d.to_be_bytes());
            rest.extend_from_slice(&t.to_be_bytes());
            rest.extend_from_slice(&[0, 1, 0, 0]);
        }
        let v1 = boxed(b"elst", &full(1, &rest));
        assert_eq!(lead(&mp4(3, &v1, 8000), 3, 8000), 5000);
    }

    #[test]
    fn no_usable_edit_is_no_lead() {
        let one = elst(&[(2000, 1024)]);
        // Another track id, only empty edits, no elst, a zero timescale.
        assert_eq!(lead(&mp4(2, &one, 22_050), 1, 22_050), 0);
        assert_eq!(
            lead(&mp4(1, &elst(&[(5, -1), (5, -7)]), 22_050), 1, 22_050),
            0
        );
        assert_eq!(lead(&mp4(1, &boxed(b"free", &[]), 22_050), 1, 22_050), 0);
        assert_eq!(lead(&mp4(1, &one, 0), 1, 22_050), 0);
        // An entry count past the box: only whole entries are read.
        let mut short = elst(&[(5, -1)]);
        short[15] = 200;
        assert_eq!(lead(&mp4(1, &short, 22_050), 1, 22_050), 0);
        // Cut anywhere: never a panic, and a lead only when the file holds it.
        let whole = mp4(1, &one, 22_050);
        for cut in 0..whole.len() {
            assert!(matches!(lead(&whole[..cut], 1, 22_050), 0 | 1024));
        }
    }

    #[test]
    fn box_sizes_are_bounded_by_their_parent() {
        let whole = mp4(1, &elst(&[(2000, 1024)]), 22_050);
        // A 64-bit size and a size 0 (to the end) at the top level.
        let moov_at = 16 + 108; // after ftyp and mdat
        let (head, moov) = whole.split_at(moov_at);
        let mut large = head.to_vec();
        large.extend_from_slice(&1u32.to_be_bytes());
        large.extend_from_slice(b"moov");
        large.extend_from_slice(&(moov.len() as u64 + 8).to_be_bytes());
        large.extend_from_slice(&moov[8..]);
        assert_eq!(lead(&large, 1, 22_050), 1024);
        let mut to_end = whole.clone();
        to_end[moov_at..moov_at + 4].fill(0);
        assert_eq!(lead(&to_end, 1, 22_050), 1024);
        // Sizes past the parent, below the header, or u64::MAX: no lead.
        for size in [u32::MAX, 7, 2] {
            let mut bad = whole.clone();
            bad[moov_at + 8..moov_at + 12].copy_from_slice(&size.to_be_bytes());
            assert_eq!(lead(&bad, 1, 22_050), 0, "trak size {size}");
        }
        let mut huge = head.to_vec();
        huge.extend_from_slice(&1u32.to_be_bytes());
        huge.extend_from_slice(b"moov");
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        assert_eq!(lead(&huge, 1, 22_050), 0);
    }
}
