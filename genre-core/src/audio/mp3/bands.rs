//! Scalefactor band boundaries (ISO/IEC 11172-3 Table B.8, ISO/IEC 13818-3
//! Table B.2, and the MPEG-2.5 extension), indexed by
//! [`Header::rate_index`](super::header::Header::rate_index). Standard
//! data.

/// Start line of each long-block scalefactor band (22 bands) and 576.
#[rustfmt::skip]
pub(crate) const LONG: [[u16; 23]; 9] = [
    // 44.1 kHz (MPEG-1)
    [0, 4, 8, 12, 16, 20, 24, 30, 36, 44, 52, 62, 74, 90, 110, 134, 162, 196, 238, 288, 342, 418, 576],
    // 48 kHz
    [0, 4, 8, 12, 16, 20, 24, 30, 36, 42, 50, 60, 72, 88, 106, 128, 156, 190, 230, 276, 330, 384, 576],
    // 32 kHz
    [0, 4, 8, 12, 16, 20, 24, 30, 36, 44, 54, 66, 82, 102, 126, 156, 194, 240, 296, 364, 448, 550, 576],
    // 22.05 kHz (MPEG-2)
    [0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200, 238, 284, 336, 396, 464, 522, 576],
    // 24 kHz
    [0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 114, 136, 162, 194, 232, 278, 332, 394, 464, 540, 576],
    // 16 kHz
    [0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200, 238, 284, 336, 396, 464, 522, 576],
    // 11.025 kHz (MPEG-2.5)
    [0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200, 238, 284, 336, 396, 464, 522, 576],
    // 12 kHz
    [0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200, 238, 284, 336, 396, 464, 522, 576],
    // 8 kHz
    [0, 12, 24, 36, 48, 60, 72, 88, 108, 132, 160, 192, 232, 280, 336, 400, 476, 566, 568, 570, 572, 574, 576],
];

/// Start frequency (within one window of 192 lines) of each short-block
/// scalefactor band (13 bands) and 192.
#[rustfmt::skip]
pub(crate) const SHORT: [[u16; 14]; 9] = [
    // 44.1 kHz (MPEG-1)
    [0, 4, 8, 12, 16, 22, 30, 40, 52, 66, 84, 106, 136, 192],
    // 48 kHz
    [0, 4, 8, 12, 16, 22, 28, 38, 50, 64, 80, 100, 126, 192],
    // 32 kHz
    [0, 4, 8, 12, 16, 22, 30, 42, 58, 78, 104, 138, 180, 192],
    // 22.05 kHz (MPEG-2)
    [0, 4, 8, 12, 18, 24, 32, 42, 56, 74, 100, 132, 174, 192],
    // 24 kHz
    [0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 136, 180, 192],
    // 16 kHz
    [0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 134, 174, 192],
    // 11.025 kHz (MPEG-2.5)
    [0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 134, 174, 192],
    // 12 kHz
    [0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 134, 174, 192],
    // 8 kHz
    [0, 8, 16, 24, 36, 52, 72, 96, 124, 160, 162, 164, 166, 192],
];

/// Pre-emphasis added to the long-block scalefactors when `preflag` is set
/// (Table B.6).
pub(crate) const PRETAB: [u8; 22] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 2, 0,
];

/// Long scalefactor bands before the short part of a mixed block (lines
/// 0..36): 8 for MPEG-1, 6 for MPEG-2/2.5, and 3 at 8 kHz where the long
/// bands are 12 lines wide.
pub(crate) fn mixed_long_bands(rate_index: usize) -> usize {
    match rate_index {
        0..=2 => 8,
        8 => 3,
        _ => 6,
    }
}

/// How a granule's scalefactors map onto bands for its block type: the
/// number of long bands, the first short band, and the index of the first
/// short-band scalefactor (`(0, 0, 0)` for short blocks, `(22, 13, 0)` for
/// long ones, the long prefix then the short rest for mixed blocks).
pub(crate) fn layout(block: super::granule::Block, rate_index: usize) -> (usize, usize, usize) {
    use super::granule::Block;
    match block {
        Block::Short => (0, 0, 0),
        Block::Mixed => (
            mixed_long_bands(rate_index),
            3,
            if rate_index < 3 { 8 } else { 6 },
        ),
        _ => (22, 13, 0),
    }
}
