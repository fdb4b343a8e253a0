//! Tags at the start of an MP3 stream: ID3v2 (skipped), and the Xing/Info
//! (+ LAME extension) or VBRI tag that encoders put in a silent first frame.
//! genre reads them exactly as symphonia does (the output it reproduces):
//! the frame count gives the length, the LAME tag's encoder delay (+ 529
//! decoder delay) and padding (− 529) are trimmed; a LAME tag whose CRC
//! fails is ignored; a VBRI tag gives only the frame count.

use super::header::Header;

/// What the first frame's tag says about the stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StreamTag {
    /// MPEG frames in the stream (Xing/Info/VBRI).
    pub frames: Option<u32>,
    /// PCM frames to drop at the start and end (LAME tag).
    pub delay: u32,
    pub padding: u32,
    /// Whether the delay/padding came from a valid LAME tag.
    pub lame: bool,
}

/// Length of the ID3v2 tag(s) at the start of `data` (0 when none).
pub(crate) fn id3v2_len(data: &[u8]) -> usize {
    let mut at = 0usize;
    while let Some(h) = data.get(at..at + 10) {
        if &h[..3] != b"ID3"
            || h[3] == 0xff
            || h[4] == 0xff
            || h[6..10].iter().any(|b| b & 0x80 != 0)
        {
            break;
        }
        let size = h[6..10]
            .iter()
            .fold(0usize, |acc, &b| acc << 7 | usize::from(b));
        let footer = if h[5] & 0x10 != 0 { 10 } else { 0 };
        at += 10 + size + footer;
    }
    at
}

/// Reads a Xing/Info or VBRI tag from the frame `frame` (header included);
/// `None` when the frame is audio.
pub(crate) fn read(frame: &[u8], header: &Header) -> Option<StreamTag> {
    if header.layer != 3 {
        return None;
    }
    xing(frame, header).or_else(|| vbri(frame, header))
}

/// Whether the side info bytes of `frame` before `end` are all zero.
fn zero_side_info(frame: &[u8], header: &Header, end: usize) -> bool {
    frame
        .get(header.header_len()..end)
        .is_some_and(|b| b.iter().all(|&x| x == 0))
}

/// A reader past the 4-byte tag id at `at`, when the side info before the
/// tag is all zero (a tag frame carries no audio).
fn body<'a>(frame: &'a [u8], header: &Header, at: usize) -> Option<Reader<'a>> {
    zero_side_info(frame, header, at).then_some(Reader {
        data: frame,
        at: at + 4,
    })
}

fn xing(frame: &[u8], header: &Header) -> Option<StreamTag> {
    // The tag follows the side info; its offset does not count the CRC.
    let offset = 4 + header.side_info_len();
    let id = frame.get(offset..offset + 4)?;
    if frame.len() < offset + 8 || (id != b"Xing" && id != b"Info") {
        return None;
    }
    let mut r = body(frame, header, offset)?;
    let flags = r.u32()?;
    let mut tag = StreamTag::default();
    if flags & 1 != 0 {
        tag.frames = Some(r.u32()?);
    }
    if flags & 2 != 0 {
        r.u32()?;
    }
    if flags & 4 != 0 {
        r.bytes(100)?;
    }
    if flags & 8 != 0 {
        r.u32()?;
    }
    if frame.len() - r.at < 24 {
        return Some(tag);
    }
    let encoder = r.bytes(9)?;
    let known = matches!(encoder.get(..4), Some(b"LAME" | b"Lavf" | b"Lavc"));
    let is_lame = encoder.get(..4) == Some(b"LAME");
    r.bytes(12)?;
    let trim = r.bytes(3)?.iter().fold(0u32, |a, &b| a << 8 | u32::from(b));
    let (delay, padding) = if known {
        (529 + (trim >> 12), (trim & 0xfff).saturating_sub(529))
    } else {
        (0, 0)
    };
    let mut crc_ok = true;
    if frame.len() - r.at >= 12 {
        r.bytes(10)?;
        if header.has_crc || is_lame {
            let covered = r.at;
            let stored = u16::from_be_bytes([*frame.get(covered)?, *frame.get(covered + 1)?]);
            crc_ok = stored == 0 || stored == crc16(frame.get(..covered)?);
        }
    }
    if crc_ok {
        tag.delay = delay;
        tag.padding = padding;
        tag.lame = true;
    }
    Some(tag)
}

fn vbri(frame: &[u8], header: &Header) -> Option<StreamTag> {
    const AT: usize = 4 + 32;
    if frame.len() < AT + 26 || frame.get(AT..AT + 4)? != b"VBRI" {
        return None;
    }
    let mut r = body(frame, header, AT)?;
    if r.bytes(2)? != [0, 1] {
        return None;
    }
    r.bytes(8)?;
    Some(StreamTag {
        frames: Some(r.u32()?),
        ..StreamTag::default()
    })
}

/// CRC-16 (polynomial 0x8005, reflected, initial 0) of the LAME tag.
fn crc16(data: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in data {
        crc ^= u16::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xa001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let b = self.data.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(b)
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.bytes(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc16_matches_the_arc_check_value() {
        assert_eq!(crc16(b"123456789"), 0xbb3d);
    }

    #[test]
    fn id3v2_tags_are_skipped_with_footer_and_repeats() {
        let mut data = b"ID3\x04\x00\x00\x00\x00\x01\x00".to_vec();
        data.extend(vec![0u8; 128]);
        assert_eq!(id3v2_len(&data), 138);
        data.extend(b"ID3\x04\x00\x10\x00\x00\x00\x02");
        data.extend([0u8; 12]);
        assert_eq!(id3v2_len(&data), 138 + 10 + 2 + 10);
        assert_eq!(id3v2_len(b"ID3\x04\x00\x00\x80\x00\x00\x00"), 0);
        assert_eq!(id3v2_len(b"\xff\xfb\x90\x64"), 0);
    }
}
