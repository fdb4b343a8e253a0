//! Layer III side information (ISO/IEC 11172-3 2.4.1.7, 13818-3 2.4.1.7):
//! where the main data starts, scfsi, and per granule and channel the
//! lengths, gains, block type, Huffman table selection and regions.

use super::bands;
use super::bits::Bits;
use super::granule::Block;
use super::header::Header;

/// Side info of one granule of one channel.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Channel {
    /// Bits of scalefactors plus Huffman data.
    pub part2_3_length: u32,
    /// Lines in the big-values partition (twice the field).
    pub big_values: usize,
    pub global_gain: i32,
    pub scalefac_compress: u32,
    pub block: BlockField,
    pub table_select: [u8; 3],
    pub subblock_gain: [i32; 3],
    /// First line of region 1 and of region 2.
    pub region1_start: usize,
    pub region2_start: usize,
    pub preflag: bool,
    pub scalefac_scale: bool,
    pub count1_table_b: bool,
}

/// The block type as a field with a default (Long).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BlockField(pub Block);

impl Default for BlockField {
    fn default() -> Self {
        BlockField(Block::Long)
    }
}

/// Side info of a frame.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SideInfo {
    /// Bytes of main data taken from earlier frames.
    pub main_data_begin: usize,
    /// scfsi per channel and band group (MPEG-1).
    pub scfsi: [[bool; 4]; 2],
    pub granules: [[Channel; 2]; 2],
}

/// Impossible side info (the frame is skipped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SideInfoError {
    /// big_values over 288.
    BigValues,
    /// window switching with block_type 0.
    BlockType,
}

impl SideInfo {
    /// Reads the side info that follows the header (and CRC) of a frame;
    /// `data` holds at least [`Header::side_info_len`] bytes (more may
    /// follow: exactly that many are read).
    pub fn read(data: &[u8], header: &Header) -> Result<SideInfo, SideInfoError> {
        let mut bits = Bits::new(data, 0);
        let mut si = SideInfo::default();
        let channels = header.channels();
        if header.is_mpeg1() {
            si.main_data_begin = bits.read(9) as usize;
            bits.read(if channels == 1 { 5 } else { 3 });
            for scfsi in si.scfsi.iter_mut().take(channels) {
                for band in scfsi.iter_mut() {
                    *band = bits.flag();
                }
            }
        } else {
            si.main_data_begin = bits.read(8) as usize;
            bits.read(if channels == 1 { 1 } else { 2 });
        }
        for granule in si.granules.iter_mut().take(header.granules()) {
            for ch in granule.iter_mut().take(channels) {
                *ch = read_channel(&mut bits, header)?;
            }
        }
        Ok(si)
    }
}

fn read_channel(bits: &mut Bits<'_>, header: &Header) -> Result<Channel, SideInfoError> {
    let mut ch = Channel {
        part2_3_length: bits.read(12),
        ..Channel::default()
    };
    let big_values = bits.read(9) as usize;
    if big_values > 288 {
        return Err(SideInfoError::BigValues);
    }
    ch.big_values = 2 * big_values;
    ch.global_gain = bits.read(8) as i32;
    ch.scalefac_compress = bits.read(if header.is_mpeg1() { 4 } else { 9 });
    let long = &bands::LONG[header.rate_index.min(8)];
    let line = |band: usize| usize::from(long.get(band).copied().unwrap_or(576));
    if bits.flag() {
        let block_type = bits.read(2);
        let mixed = bits.flag();
        ch.block = BlockField(match (block_type, mixed) {
            (0, _) => return Err(SideInfoError::BlockType),
            (1, _) => Block::Start,
            (2, false) => Block::Short,
            (2, true) => Block::Mixed,
            _ => Block::Stop,
        });
        for t in ch.table_select.iter_mut().take(2) {
            *t = bits.read(5) as u8;
        }
        for g in ch.subblock_gain.iter_mut() {
            *g = bits.read(3) as i32;
        }
        // Region 0 is implicit with window switching: 36 lines (MPEG-1,
        // and MPEG-2 short blocks), 54 (MPEG-2 start/stop blocks). For
        // MPEG-2.5 genre follows symphonia (the decoder whose output it
        // reproduces): 8 long bands, 6 for pure short blocks.
        ch.region1_start = if header.version == super::header::Version::Mpeg25 {
            line(if ch.block.0 == Block::Short { 6 } else { 8 })
        } else if header.is_mpeg1() || block_type == 2 {
            36
        } else {
            54
        };
        ch.region2_start = 576;
    } else {
        for t in ch.table_select.iter_mut() {
            *t = bits.read(5) as u8;
        }
        let region0 = bits.read(4) as usize + 1;
        let region01 = region0 + bits.read(3) as usize + 1;
        ch.region1_start = line(region0);
        ch.region2_start = if region01 <= 22 { line(region01) } else { 576 };
    }
    if header.is_mpeg1() {
        ch.preflag = bits.flag();
    }
    ch.scalefac_scale = bits.flag();
    ch.count1_table_b = bits.flag();
    Ok(ch)
}
