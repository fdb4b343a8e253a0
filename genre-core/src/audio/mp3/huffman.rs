//! Huffman decoding of a granule's spectral values (part 3 of its main
//! data, ISO/IEC 11172-3 2.4.3.4.6): the big-values pairs by region with
//! linbits escapes, then count1 quadruples, each value raised to the 4/3
//! power, signed and requantized (times its line's [`Gains`] factor).
//!
//! Codes decode through per-table lookups: the first (up to) [`PRIMARY`]
//! bits in one table hit, longer codes through one subtable. On top of
//! that, every table has a *fused* lookup on the next [`FUSED`] bits: when
//! a pair's code and its sign bits all lie in them (and it has no escape),
//! one entry gives the bits to consume and both signed values; count1
//! quadruples (≤ 6 code bits + 4 signs) always resolve in one entry. The
//! fused entries are derived from the plain lookup by decoding each bit
//! pattern with it, so both paths decode every stream alike.
//!
//! The partition rules follow symphonia's decoder bit for bit (the output
//! genre reproduces): decoding of a partition stops once `part2_3_length`
//! is used up; a count1 quadruple that crosses that end is dropped; stuffing
//! bits after the data are skipped.

use std::sync::OnceLock;

use super::bits::Bits;
use super::granule::GRANULE;
use super::huffman_tables::{self, Code};
use super::requantize::Gains;
use super::sideinfo::Channel;

/// Bits of a code resolved by the first lookup.
const PRIMARY: u32 = 8;
/// Entry flag: the entry points to a subtable.
const SUB: u32 = 1 << 31;
/// Bits of a fused lookup (a refill leaves at least 56: five lookups).
const FUSED: u32 = 10;
/// Entries of a fused lookup.
const FUSED_LEN: usize = 1 << FUSED;

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

    /// The first-lookup entry of the [`FUSED`]-bit pattern `p`, when it
    /// resolves there: (bits consumed, value).
    fn resolve(&self, p: u32) -> Option<(u32, u32)> {
        let e = self.entry((p >> (FUSED - self.width)) as usize);
        (e & SUB == 0).then_some((((e >> 8) & 31).max(1), e & 0xff))
    }

    #[inline(always)]
    fn entry(&self, i: usize) -> u32 {
        self.entries.get(i).copied().unwrap_or(0)
    }
}

/// Bit `k` (from the first) of the [`FUSED`]-bit pattern `p` (0 past it).
fn bit(p: u32, k: u32) -> u32 {
    if k < FUSED {
        (p >> (FUSED - 1 - k)) & 1
    } else {
        0
    }
}

/// A big-values code table: its lookup, and its fused lookup whose entry
/// holds in bits 0..6 the bits a pair takes with its sign bits when they
/// all lie in the pattern and no value escapes (0 otherwise: decode with
/// the plain lookup), in bits 8..13 and 16..21 the signed values
/// `v | s << 4` of x and y.
struct Book {
    lut: Lut,
    fused: Box<[u32; FUSED_LEN]>,
}

impl Book {
    /// `escapes`: the value 15 takes linbits (tables 16..31).
    fn new(codes: &[Code], size: usize, escapes: bool) -> Book {
        let lut = Lut::new(codes, size);
        let fused = Box::new(std::array::from_fn(|p| {
            let p = p as u32;
            let Some((len, xy)) = lut.resolve(p) else {
                return 0;
            };
            let (x, y) = ((xy >> 4) & 15, xy & 15);
            if escapes && (x == 15 || y == 15) {
                return 0;
            }
            let (nx, ny) = (u32::from(x != 0), u32::from(y != 0));
            let total = len + nx + ny;
            if total > FUSED {
                return 0;
            }
            let sx = bit(p, len) & nx;
            let sy = bit(p, len + nx) & ny;
            total | (x | sx << 4) << 8 | (y | sy << 4) << 16
        }));
        Book { lut, fused }
    }
}

/// A count1 table's fused lookup: bits 0..6 the bits a quadruple takes
/// with its signs, then per value k (bits `8 + 2k`) `nonzero | negative << 1`.
type Quads = Box<[u32; FUSED_LEN]>;

/// `quad(p)`: (code bits, quadruple) of the pattern `p`.
fn quads(quad: impl Fn(u32) -> (u32, u32)) -> Quads {
    Box::new(std::array::from_fn(|p| {
        let p = p as u32;
        let (len, q) = quad(p);
        let mut at = len;
        let mut e = 0;
        for k in 0..4 {
            let nonzero = (q >> (3 - k)) & 1;
            let negative = bit(p, at) & nonzero;
            at += nonzero;
            e |= (nonzero | negative << 1) << (8 + 2 * k);
        }
        e | at
    }))
}

/// Lookups of big-values tables 0..=31 (`None` for tables without codes;
/// tables 16..23 and 24..31 share theirs), count1 tables A and B, and
/// the values the fused entries index.
struct Luts {
    books: Vec<Book>,
    /// Book and linbits of each table.
    tables: [Option<(usize, u32)>; 32],
    quad_a: Quads,
    quad_b: Quads,
    /// `(-1)^s · v^(4/3)` at `v | s << 4` for v in 0..16.
    signed: [f32; 32],
}

fn luts() -> &'static Luts {
    static LUTS: OnceLock<Luts> = OnceLock::new();
    LUTS.get_or_init(|| {
        let mut books = Vec::new();
        let mut tables = [None; 32];
        let mut shared: Vec<(&[Code], usize)> = Vec::new();
        for (n, slot) in tables.iter_mut().enumerate() {
            let (codes, size, linbits) = huffman_tables::table(n);
            if codes.is_empty() {
                continue;
            }
            let book = match shared.iter().find(|(c, _)| std::ptr::eq(*c, codes)) {
                Some(&(_, b)) => b,
                None => {
                    books.push(Book::new(codes, size, linbits > 0));
                    shared.push((codes, books.len() - 1));
                    books.len() - 1
                }
            };
            *slot = Some((book, linbits));
        }
        let quad_a = Lut::new(&huffman_tables::QUAD_A, 16);
        Luts {
            books,
            tables,
            quad_a: quads(|p| quad_a.resolve(p).unwrap_or((1, 0))),
            quad_b: quads(|p| (4, 15 - (p >> (FUSED - 4)))),
            signed: std::array::from_fn(|i| {
                let v = pow43().get(i & 15).copied().unwrap_or(0.0);
                if i < 16 { v } else { -v }
            }),
        }
    })
}

/// `|x|^(4/3)` for every value a code can carry (15 + 2^13 - 1), in f32 as
/// symphonia computes it.
fn pow43() -> &'static [f32] {
    static POW43: OnceLock<Vec<f32>> = OnceLock::new();
    POW43.get_or_init(|| (0..8207).map(|i| (i as f32).powf(4.0 / 3.0)).collect())
}

/// The gain segment ([`Gains::segment`]) of the lines being decoded.
struct Band<'g, 'a> {
    gains: &'g Gains<'a>,
    k: usize,
    /// The line the segment ends before, and its gain.
    end: usize,
    gain: f32,
}

impl<'g, 'a> Band<'g, 'a> {
    fn new(gains: &'g Gains<'a>) -> Self {
        let (end, gain) = gains.segment(0);
        Band {
            gains,
            k: 0,
            end,
            gain,
        }
    }

    /// Moves to the segment of `line` (< 576; segments only go forward).
    #[inline(always)]
    fn reach(&mut self, line: usize) {
        while self.end <= line {
            self.k += 1;
            (self.end, self.gain) = self.gains.segment(self.k);
        }
    }
}

/// Decodes `part3` bits of Huffman data at the reader's position into
/// `out` (requantized values in bitstream order); returns the count of
/// decoded lines (every line from there on is 0).
pub(crate) fn decode(
    bits: &mut Bits<'_>,
    ch: &Channel,
    part3: u32,
    gains: &Gains<'_>,
    out: &mut [f32; GRANULE],
) -> usize {
    if part3 == 0 {
        out.fill(0.0);
        return 0;
    }
    let luts = luts();
    // A copy that lives in registers (its address never escapes),
    // written back at the end.
    let mut r = *bits;
    let end = r.position() + u64::from(part3);
    // Bits of the partition not yet consumed (negative: overrun).
    let mut left = i64::from(part3);
    let big = ch.big_values.min(GRANULE);
    let regions = [ch.region1_start.min(big), ch.region2_start.min(big), big];
    let mut band = Band::new(gains);
    let mut i = 0;
    for (region, &region_end) in regions.iter().enumerate() {
        let table = usize::from(ch.table_select.get(region).copied().unwrap_or(0));
        let Some(&Some((book, linbits))) = luts.tables.get(table) else {
            // Tables 0, 4 and 14: the region is zero.
            if let Some(zero) = out.get_mut(i..region_end) {
                zero.fill(0.0);
            }
            i = i.max(region_end);
            continue;
        };
        let Some(book) = luts.books.get(book) else {
            continue;
        };
        while i < region_end && left > 0 {
            band.reach(i);
            let segment_end = band.end.min(region_end);
            let g = band.gain;
            // Band and region edges are even: pairs never straddle them.
            while i < segment_end && left > 0 {
                if r.cached() < FUSED {
                    r.refill();
                }
                let e = book.fused[r.peek(FUSED) as usize];
                let n = e & 63;
                let (x, y) = if n != 0 {
                    r.skip(n);
                    left -= i64::from(n);
                    (
                        luts.signed[(e >> 8) as usize & 31],
                        luts.signed[(e >> 16) as usize & 31],
                    )
                } else {
                    let xy = slow_pair(&mut r, book, linbits, luts);
                    left = end as i64 - r.position() as i64;
                    xy
                };
                if let Some(pair) = out.get_mut(i..i + 2) {
                    pair[0] = x * g;
                    pair[1] = y * g;
                }
                i += 2;
            }
        }
    }
    let quads = if ch.count1_table_b {
        &luts.quad_b
    } else {
        &luts.quad_a
    };
    // `ONES[nonzero | negative << 1]`.
    const ONES: [f32; 4] = [0.0, 1.0, 0.0, -1.0];
    while i + 4 <= GRANULE && left > 0 {
        if r.cached() < FUSED {
            r.refill();
        }
        let e = quads[r.peek(FUSED) as usize];
        let n = e & 63;
        r.skip(n);
        left -= i64::from(n);
        band.reach(i);
        if i + 4 <= band.end {
            let g = band.gain;
            if let Some(four) = out.get_mut(i..i + 4) {
                for (k, v) in four.iter_mut().enumerate() {
                    *v = ONES[(e >> (8 + 2 * k)) as usize & 3] * g;
                }
            }
        } else {
            // The quadruple crosses a band edge.
            for k in 0..4 {
                band.reach(i + k);
                if let Some(v) = out.get_mut(i + k) {
                    *v = ONES[(e >> (8 + 2 * k)) as usize & 3] * band.gain;
                }
            }
        }
        i += 4;
    }
    *bits = r;
    if left > 0 {
        bits.skip_long(left as u64);
    } else if left < 0 && i > big {
        // The last quadruple ran past the granule's bits: drop it.
        i -= 4;
    }
    if let Some(rest) = out.get_mut(i..) {
        rest.fill(0.0);
    }
    i
}

/// A pair the fused lookup does not resolve (a long code, or an escape,
/// or sign bits past the pattern): its two signed `|v|^(4/3)` values.
/// Takes at most 47 bits: a code (≤ 19), two escapes (≤ 13 each) and two
/// signs.
#[inline(always)]
fn slow_pair(r: &mut Bits<'_>, book: &Book, linbits: u32, luts: &Luts) -> (f32, f32) {
    r.refill();
    let xy = book.lut.decode(r) as usize;
    let (x, y) = (xy >> 4 & 15, xy & 15);
    if linbits == 0 {
        let (nx, ny) = (usize::from(x != 0), usize::from(y != 0));
        let c = r.peek(2) as usize;
        let sx = (c >> 1) & nx;
        let sy = (c >> (1 - nx)) & 1 & ny;
        r.skip((nx + ny) as u32);
        (luts.signed[x | sx << 4], luts.signed[y | sy << 4])
    } else {
        let pow43 = pow43();
        let x = escaped(r, x, linbits, pow43);
        (x, escaped(r, y, linbits, pow43))
    }
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

#[cfg(test)]
#[path = "huffman_tests.rs"]
mod tests;
