//! The 4-byte MPEG audio frame header (ISO/IEC 11172-3 2.4.1.3, 13818-3
//! 2.4.1.3, and the MPEG-2.5 extension): sync, version, layer, bitrate,
//! sample rate, padding, channel mode. Headers of every layer parse (the
//! demuxer must know the length of Layer I/II frames to step over them);
//! the decoder itself only decodes Layer III.

/// MPEG version of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    Mpeg1,
    Mpeg2,
    Mpeg25,
}

/// Channel mode (with the Layer III mode extension for joint stereo).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Stereo,
    /// Joint stereo: mid/side and intensity stereo flags.
    Joint {
        mid_side: bool,
        intensity: bool,
    },
    DualMono,
    Mono,
}

/// A parsed frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub version: Version,
    /// 1, 2 or 3.
    pub layer: u8,
    /// A 16-bit CRC follows the header.
    pub has_crc: bool,
    pub sample_rate: u32,
    /// Row of the scalefactor band tables: 0..3 MPEG-1 (44.1, 48, 32 kHz),
    /// 3..6 MPEG-2 (22.05, 24, 16), 6..9 MPEG-2.5 (11.025, 12, 8).
    pub rate_index: usize,
    pub mode: Mode,
    /// Whole frame length in bytes, header included.
    pub frame_len: usize,
}

/// Bitrates in kb/s by index (Table 2.4.2.3): MPEG-1 Layer I, II, III, then
/// MPEG-2/2.5 Layer I and Layer II/III.
const BITRATES: [[u16; 15]; 5] = [
    [
        0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
    ],
    [
        0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
    ],
    [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ],
    [
        0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
    ],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];

/// Sample rates by `rate_index`.
pub(crate) const SAMPLE_RATES: [u32; 9] = [
    44_100, 48_000, 32_000, 22_050, 24_000, 16_000, 11_025, 12_000, 8_000,
];

/// Whether the 32-bit word starts with the 11-bit frame sync.
pub(crate) fn synced(word: u32) -> bool {
    word & 0xffe0_0000 == 0xffe0_0000
}

/// The quick plausibility check made while scanning for sync: no reserved
/// version, layer, bitrate or sample rate.
pub(crate) fn plausible(word: u32) -> bool {
    (word >> 19) & 3 != 1
        && (word >> 17) & 3 != 0
        && (word >> 12) & 15 != 15
        && (word >> 10) & 3 != 3
}

impl Header {
    /// Parses a header word; `None` for reserved fields, free format
    /// (bitrate index 0, not supported) and the Layer II
    /// bitrate/mode combinations the standard forbids.
    pub fn parse(word: u32) -> Option<Header> {
        if !synced(word) || !plausible(word) {
            return None;
        }
        let version = match (word >> 19) & 3 {
            0 => Version::Mpeg25,
            2 => Version::Mpeg2,
            _ => Version::Mpeg1,
        };
        let layer = 4 - ((word >> 17) & 3) as u8;
        let bitrate_index = ((word >> 12) & 15) as usize;
        if bitrate_index == 0 {
            return None;
        }
        let row = match (version, layer) {
            (Version::Mpeg1, l) => usize::from(l - 1),
            (_, 1) => 3,
            _ => 4,
        };
        let bitrate = u32::from(BITRATES[row][bitrate_index]) * 1000;
        let rate_index = ((word >> 10) & 3) as usize
            + match version {
                Version::Mpeg1 => 0,
                Version::Mpeg2 => 3,
                Version::Mpeg25 => 6,
            };
        let sample_rate = SAMPLE_RATES[rate_index];
        let mode = match (word >> 6) & 3 {
            0 => Mode::Stereo,
            1 => Mode::Joint {
                mid_side: word & 0x20 != 0,
                intensity: word & 0x10 != 0,
            },
            2 => Mode::DualMono,
            _ => Mode::Mono,
        };
        if layer == 2 {
            let kbps = bitrate / 1000;
            let forbidden = if mode == Mode::Mono {
                matches!(kbps, 224 | 256 | 320 | 384)
            } else {
                matches!(kbps, 32 | 48 | 56 | 80)
            };
            if forbidden {
                return None;
            }
        }
        let padding = (word >> 9) & 1;
        let frame_len = match (layer, version) {
            (1, _) => (12 * bitrate / sample_rate + padding) * 4,
            (3, Version::Mpeg2 | Version::Mpeg25) => 72 * bitrate / sample_rate + padding,
            _ => 144 * bitrate / sample_rate + padding,
        } as usize;
        Some(Header {
            version,
            layer,
            has_crc: word & 0x1_0000 == 0,
            sample_rate,
            rate_index,
            mode,
            frame_len,
        })
    }

    /// Output channels: 1 or 2.
    pub fn channels(&self) -> usize {
        if self.mode == Mode::Mono { 1 } else { 2 }
    }

    pub fn is_mpeg1(&self) -> bool {
        self.version == Version::Mpeg1
    }

    /// Granules per frame (Layer III): 2 for MPEG-1, 1 for MPEG-2/2.5.
    pub fn granules(&self) -> usize {
        if self.is_mpeg1() { 2 } else { 1 }
    }

    /// PCM frames (samples per channel) the frame decodes to.
    pub fn samples(&self) -> u64 {
        match (self.layer, self.version) {
            (1, _) => 384,
            (3, Version::Mpeg2 | Version::Mpeg25) => 576,
            _ => 1152,
        }
    }

    /// Bytes of header plus CRC.
    pub fn header_len(&self) -> usize {
        if self.has_crc { 6 } else { 4 }
    }

    /// Bytes of Layer III side information.
    pub fn side_info_len(&self) -> usize {
        match (self.is_mpeg1(), self.channels()) {
            (true, 1) => 17,
            (true, _) => 32,
            (false, 1) => 9,
            (false, _) => 17,
        }
    }

    /// Whether `other` continues the same stream: same version, layer,
    /// sample rate and channel count (the check made on the first frame).
    pub fn similar(&self, other: &Header) -> bool {
        self.version == other.version
            && self.layer == other.layer
            && self.sample_rate == other.sample_rate
            && self.channels() == other.channels()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_headers() {
        // MPEG-1 Layer III, 128 kb/s, 44.1 kHz, joint stereo (M/S), no CRC.
        let h = Header::parse(0xfffb_9064).unwrap_or_else(|| panic!("valid"));
        assert_eq!(
            (h.version, h.layer, h.sample_rate),
            (Version::Mpeg1, 3, 44_100)
        );
        assert_eq!(h.frame_len, 417);
        assert_eq!(
            h.mode,
            Mode::Joint {
                mid_side: true,
                intensity: false
            }
        );
        assert_eq!(
            (h.samples(), h.side_info_len(), h.header_len()),
            (1152, 32, 4)
        );
        // MPEG-2.5, 8 kHz, 8 kb/s, mono, with CRC.
        let h = Header::parse(0xffe2_18c0).unwrap_or_else(|| panic!("valid"));
        assert_eq!(
            (h.version, h.sample_rate, h.channels()),
            (Version::Mpeg25, 8000, 1)
        );
        assert_eq!((h.frame_len, h.samples(), h.header_len()), (72, 576, 6));
        // Free format and reserved values.
        assert!(Header::parse(0xfffb_0064).is_none());
        assert!(Header::parse(0xfffb_f064).is_none());
        assert!(Header::parse(0xfffb_9c64).is_none());
        assert!(Header::parse(0xfff9_9064).is_none());
        assert!(Header::parse(0x0000_0000).is_none());
    }
}
