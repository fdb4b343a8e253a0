//! Huffman decoding of a granule's spectral values (part 3 of its main
//! data, ISO/IEC 11172-3 2.4.3.4.6): the big-values pairs by region with
//! linbits escapes, then count1 quadruples, each value raised to the 4/3
//! power and signed. Codes decode through per-table lookups: the first
//! (up to) [`PRIMARY`] bits in one table hit, longer codes through one
//! subtable.
//!
//! The partition rules follow symphonia's decoder bit for bit (the output
//! genre reproduces): decoding of a partition stops once `part2_3_length`
//! is used up; a count1 quadruple that crosses that end is dropped; stuffing
//! bits after the data are skipped.

use std::sync::OnceLock;

use super::bits::Bits;
use super::granule::GRANULE;
use super::huffman_tables::{self, Code};
use super::sideinfo::Channel;

/// Bits of a code resolved by the first lookup.
const PRIMARY: u32 = 8;
/// Entry flag: the entry points to a subtable.
const SUB: u32 = 1 << 31;

/// The lookup of one code table.
struct Lut {
    entries: Vec<u32>,
    /// Bits of the first lookup (the longest code, at most [`PRIMARY`]).
    width: u32,
}

impl Lut {
    /// Builds the lookup of a table whose `codes[i]` codes the value `i`
    /// (`x * size + y` stored as `x << 4 | y`, or a quadruple 0..16).
    fn new(codes: &[Code], size: usize) -> Lut {
        let longest = codes.iter().map(|c| u32::from(c.0)).max().unwrap_or(1);
        let width = longest.clamp(1, PRIMARY);
        let mut entries = vec![0u32; 1 << width];
        let value = |i: usize| ((i / size.max(1)) << 4 | (i % size.max(1))) as u32;
        // Codes that fit the first lookup.
        for (i, &(len, code)) in codes.iter().enumerate() {
            let len = u32::from(len);
            if len == 0 || len > width {
                continue;
            }
            let first = (code << (width - len)) as usize;
            for e in entries.iter_mut().skip(first).take(1 << (width - len)) {
                *e = len << 8 | value(i);
            }
        }
        // Longer codes: one subtable per first-lookup prefix, sized by the
        // longest code of that prefix.
        let mut long: Vec<(u32, u32, u32, usize)> = codes
            .iter()
            .enumerate()
            .filter(|(_, c)| u32::from(c.0) > width)
            .map(|(i, &(len, code))| {
                let rest = u32::from(len) - width;
                (code >> rest, rest, code & ((1 << rest) - 1), i)
            })
            .collect();
        long.sort_unstable();
        for group in long.chunk_by(|a, b| a.0 == b.0) {
            let prefix = group[0].0;
            let sub_width = group.iter().map(|g| g.1).max().unwrap_or(1);
            let offset = entries.len();
            entries.resize(offset + (1 << sub_width), 0);
            if let Some(e) = entries.get_mut(prefix as usize) {
                *e = SUB | sub_width << 24 | offset as u32;
            }
            for &(_, len, rest, i) in group {
                let first = offset + (rest << (sub_width - len)) as usize;
                for e in entries.iter_mut().skip(first).take(1 << (sub_width - len)) {
                    *e = len << 8 | value(i);
                }
            }
        }
        Lut { entries, width }
    }

    /// Decodes one code: its value (`x << 4 | y`, or the quadruple).
    #[inline(always)]
    fn decode(&self, bits: &mut Bits<'_>) -> u32 {
        let mut e = self.entry(bits.peek(self.width) as usize);
        if e & SUB != 0 {
            bits.skip(self.width);
            let w = (e >> 24) & 31;
            e = self.entry((e & 0xff_ffff) as usize + bits.peek(w.max(1)) as usize);
        }
        // An entry no code reaches (not in a complete table): consume one
        // bit so decoding always advances.
        bits.skip(((e >> 8) & 31).max(1));
        e & 0xff
    }

    #[inline(always)]
    fn entry(&self, i: usize) -> u32 {
        self.entries.get(i).copied().unwrap_or(0)
    }
}

/// Lookups of big-values tables 0..=31 (`None` for tables without codes)
/// and of count1 table A.
struct Luts {
    big: Vec<Option<(Lut, u32)>>,
    quad_a: Lut,
    /// `(-1)^s · v^(4/3)` at `v | s << 4` for v in 0..16.
    signed: [f32; 32],
}

fn luts() -> &'static Luts {
    static LUTS: OnceLock<Luts> = OnceLock::new();
    LUTS.get_or_init(|| Luts {
        big: (0..32)
            .map(|n| {
                let (codes, size, linbits) = huffman_tables::table(n);
                (!codes.is_empty()).then(|| (Lut::new(codes, size), linbits))
            })
            .collect(),
        quad_a: Lut::new(&huffman_tables::QUAD_A, 16),
        signed: std::array::from_fn(|i| {
            let v = pow43().get(i & 15).copied().unwrap_or(0.0);
            if i < 16 { v } else { -v }
        }),
    })
}

/// `|x|^(4/3)` for every value a code can carry (15 + 2^13 - 1), in f32 as
/// symphonia computes it.
fn pow43() -> &'static [f32] {
    static POW43: OnceLock<Vec<f32>> = OnceLock::new();
    POW43.get_or_init(|| (0..8207).map(|i| (i as f32).powf(4.0 / 3.0)).collect())
}

/// Decodes `part3` bits of Huffman data at the reader's position into
/// `out` (signed `|x|^(4/3)` values in bitstream order); returns the count
/// of decoded lines (every line from there on is 0).
pub(crate) fn decode(
    bits: &mut Bits<'_>,
    ch: &Channel,
    part3: u32,
    out: &mut [f32; GRANULE],
) -> usize {
    if part3 == 0 {
        out.fill(0.0);
        return 0;
    }
    let luts = luts();
    let pow43 = pow43();
    let signed = &luts.signed;
    let start = bits.position();
    let end = start + u64::from(part3);
    let big = ch.big_values.min(GRANULE);
    let regions = [ch.region1_start.min(big), ch.region2_start.min(big), big];
    let mut i = 0;
    for (region, &region_end) in regions.iter().enumerate() {
        let table = usize::from(ch.table_select.get(region).copied().unwrap_or(0));
        let Some(Some((lut, linbits))) = luts.big.get(table) else {
            // Tables 0, 4 and 14: the region is zero.
            if let Some(zero) = out.get_mut(i..region_end) {
                zero.fill(0.0);
            }
            i = i.max(region_end);
            continue;
        };
        let linbits = *linbits;
        if linbits == 0 {
            i = small_pairs(bits, lut, i, region_end, end, signed, out);
            continue;
        }
        // One refill per pair: a code (≤ 17 bits), two escapes (≤ 13
        // bits each) and two signs use at most 45 of the ≥ 57 cached bits.
        while i < region_end && bits.position() < end {
            bits.refill();
            let xy = lut.decode(bits);
            let x = escaped(bits, (xy >> 4) as usize, linbits, pow43);
            let y = escaped(bits, (xy & 15) as usize, linbits, pow43);
            if let Some(pair) = out.get_mut(i..i + 2) {
                pair[0] = x;
                pair[1] = y;
            }
            i += 2;
        }
    }
    while i + 4 <= GRANULE && bits.position() < end {
        bits.refill();
        let quad = if ch.count1_table_b {
            let v = 15 - bits.peek(4);
            bits.skip(4);
            v
        } else {
            luts.quad_a.decode(bits)
        };
        if let Some(four) = out.get_mut(i..i + 4) {
            // Branch-free: a sign bit only for a nonzero value.
            const ONES: [f32; 4] = [0.0, 1.0, 0.0, -1.0];
            for (k, v) in four.iter_mut().enumerate() {
                let nonzero = quad >> (3 - k) & 1;
                let negative = bits.peek(1) & nonzero;
                bits.skip(nonzero);
                *v = ONES[(nonzero | negative << 1) as usize];
            }
        }
        i += 4;
    }
    let pos = bits.position();
    if pos < end {
        bits.skip_long(end - pos);
    } else if pos > end && i > big {
        // The last quadruple ran past the granule's bits: drop it.
        i -= 4;
    }
    if let Some(rest) = out.get_mut(i..) {
        rest.fill(0.0);
    }
    i
}

/// Pairs of a table without linbits (values 0..=15) from line `i` to
/// `region_end` or the end of the granule's bits; returns the next line.
/// Branch-free signs: `signed[v | s << 4]` is `(-1)^s · v^(4/3)`, and a
/// sign bit is consumed only for a nonzero value. A code (≤ 19 bits) and
/// two signs take ≤ 21 bits: two pairs per refill.
#[inline(always)]
fn small_pairs(
    bits: &mut Bits<'_>,
    lut: &Lut,
    mut i: usize,
    region_end: usize,
    end: u64,
    signed: &[f32; 32],
    out: &mut [f32; GRANULE],
) -> usize {
    let mut pair = |bits: &mut Bits<'_>, i: usize| {
        let xy = lut.decode(bits) as usize;
        let (x, y) = (xy >> 4 & 15, xy & 15);
        let c = bits.peek(2) as usize;
        let (nx, ny) = (usize::from(x != 0), usize::from(y != 0));
        let sx = (c >> 1) & nx;
        let sy = (c >> (1 - nx)) & 1 & ny;
        bits.skip((nx + ny) as u32);
        if let Some(p) = out.get_mut(i..i + 2) {
            p[0] = signed[x | sx << 4];
            p[1] = signed[y | sy << 4];
        }
    };
    while i < region_end && bits.position() < end {
        bits.refill();
        pair(bits, i);
        i += 2;
        if i < region_end && bits.position() < end {
            pair(bits, i);
            i += 2;
        }
    }
    i
}

/// The signed `|v|^(4/3)` of a decoded magnitude `v` (with its linbits
/// escape and sign bit read from the cache).
#[inline(always)]
fn escaped(bits: &mut Bits<'_>, mut v: usize, linbits: u32, pow43: &[f32]) -> f32 {
    if v == 15 {
        v += bits.peek(linbits) as usize;
        bits.skip(linbits);
    }
    // Branch-free: a sign bit only for a nonzero value (0^(4/3) = +0).
    let nonzero = u32::from(v != 0);
    let sign = (bits.peek(1) & nonzero) << 31;
    bits.skip(nonzero);
    f32::from_bits(pow43.get(v).copied().unwrap_or(0.0).to_bits() | sign)
}
