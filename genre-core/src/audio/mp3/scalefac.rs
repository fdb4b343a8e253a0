//! Scalefactors (part 2 of a granule's main data): MPEG-1 with slen1/slen2
//! and scfsi reuse (ISO/IEC 11172-3 2.4.2.7), MPEG-2/2.5 with the
//! `scalefac_compress` → slen/nr_of_sfb tables (ISO/IEC 13818-3 2.4.3.2).
//!
//! Layout of the 39 values: long blocks by band (0..21); short blocks by
//! `band * 3 + window`; mixed blocks the long bands first, then the short
//! bands from 3 on, `(band - 3) * 3 + window` after them.

use super::bits::Bits;
use super::granule::Block;
use super::sideinfo::Channel;

/// Scalefactors of one granule of one channel.
pub(crate) type Scalefacs = [u8; 39];

/// (slen1, slen2) by MPEG-1 `scalefac_compress` (Table B.8 of 11172-3,
/// "scalefac_compress").
const SLEN: [(u32, u32); 16] = [
    (0, 0),
    (0, 1),
    (0, 2),
    (0, 3),
    (3, 0),
    (1, 1),
    (1, 2),
    (1, 3),
    (2, 1),
    (2, 2),
    (2, 3),
    (3, 1),
    (3, 2),
    (3, 3),
    (4, 2),
    (4, 3),
];

/// MPEG-1 long-block band groups that scfsi can reuse.
const GROUPS: [(usize, usize); 4] = [(0, 6), (6, 11), (11, 16), (16, 21)];

/// Reads an MPEG-1 granule's scalefactors into `out` (zeroed by the
/// caller); `first` holds granule 0's of the same channel (for scfsi in
/// granule 1). Returns the bits read.
pub(crate) fn read_mpeg1(
    bits: &mut Bits<'_>,
    ch: &Channel,
    scfsi: &[bool; 4],
    granule: usize,
    first: &Scalefacs,
    out: &mut Scalefacs,
) -> u32 {
    let (slen1, slen2) = SLEN[(ch.scalefac_compress & 15) as usize];
    let mut read = 0;
    match ch.block.0 {
        Block::Short | Block::Mixed => {
            let n1 = if ch.block.0 == Block::Mixed {
                8 + 9
            } else {
                18
            };
            let (first, rest) = out.split_at_mut(n1);
            read_run(bits, first, slen1);
            read_run(bits, rest.get_mut(..18).unwrap_or_default(), slen2);
            read = slen1 * n1 as u32 + slen2 * 18;
        }
        _ => {
            for (g, &(start, end)) in GROUPS.iter().enumerate() {
                let slen = if g < 2 { slen1 } else { slen2 };
                if granule > 0 && scfsi[g] {
                    for (o, f) in out[start..end].iter_mut().zip(&first[start..end]) {
                        *o = *f;
                    }
                } else {
                    read_run(bits, &mut out[start..end], slen);
                    read += slen * (end - start) as u32;
                }
            }
        }
    }
    read
}

/// Reads `out.len()` scalefactors of `slen` bits each (at most 4 in a
/// valid stream), with one refill per `56 / slen` of them.
fn read_run(bits: &mut Bits<'_>, out: &mut [u8], slen: u32) {
    if slen == 0 {
        out.fill(0);
        return;
    }
    let slen = slen.min(32);
    for chunk in out.chunks_mut((56 / slen) as usize) {
        bits.refill();
        for sf in chunk {
            *sf = bits.peek(slen) as u8;
            bits.skip(slen);
        }
    }
}

/// nr_of_sfb by table row and block kind (long, short, mixed):
/// ISO/IEC 13818-3 Table B.1 (rows 0..3 for the intensity stereo right
/// channel, 3..6 otherwise).
const NR_OF_SFB: [[[usize; 4]; 3]; 6] = [
    [[7, 7, 7, 0], [12, 12, 12, 0], [6, 15, 12, 0]],
    [[6, 6, 6, 3], [12, 9, 9, 6], [6, 12, 9, 6]],
    [[8, 8, 5, 0], [15, 12, 9, 0], [6, 18, 9, 0]],
    [[6, 5, 5, 5], [9, 9, 9, 9], [6, 9, 9, 9]],
    [[6, 5, 7, 3], [9, 9, 12, 6], [6, 9, 12, 6]],
    [[11, 10, 0, 0], [18, 18, 0, 0], [15, 18, 0, 0]],
];

/// Reads an MPEG-2/2.5 granule's scalefactors into `out` (zeroed by the
/// caller). `intensity_right`: the right channel of an intensity stereo
/// frame (other tables, no preflag). Returns the bits read and the
/// preflag.
pub(crate) fn read_lsf(
    bits: &mut Bits<'_>,
    ch: &Channel,
    intensity_right: bool,
    out: &mut Scalefacs,
) -> (u32, bool) {
    let kind = match ch.block.0 {
        Block::Short => 1,
        Block::Mixed => 2,
        _ => 0,
    };
    let sfc = ch.scalefac_compress;
    let (slen, row, preflag) = if intensity_right {
        let s = sfc >> 1;
        match s {
            0..=179 => ([s / 36, (s % 36) / 6, s % 6, 0], 0, false),
            180..=243 => {
                let t = s - 180;
                ([(t % 64) >> 4, (t % 16) >> 2, t % 4, 0], 1, false)
            }
            _ => {
                let t = s.saturating_sub(244);
                ([t / 3, t % 3, 0, 0], 2, false)
            }
        }
    } else {
        match sfc {
            0..=399 => (
                [(sfc >> 4) / 5, (sfc >> 4) % 5, (sfc % 16) >> 2, sfc % 4],
                3,
                false,
            ),
            400..=499 => {
                let t = sfc - 400;
                ([(t >> 2) / 5, (t >> 2) % 5, t % 4, 0], 4, false)
            }
            _ => {
                let t = sfc.saturating_sub(500);
                ([t / 3, t % 3, 0, 0], 5, true)
            }
        }
    };
    let counts = &NR_OF_SFB[row][kind];
    let mut read = 0;
    let mut at = 0;
    for (&len, &n) in slen.iter().zip(counts) {
        let end = (at + n).min(out.len());
        read_run(bits, out.get_mut(at.min(end)..end).unwrap_or_default(), len);
        read += len * n as u32;
        at += n;
    }
    (read, preflag)
}
