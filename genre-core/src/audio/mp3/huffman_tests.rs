//! The fused decoder against a plain one (one code lookup per pair, signs
//! and escapes read one by one, then requantization as a separate pass
//! band by band: the decoder genre had before the fused lookups), on
//! random bits and random side info: same values bit for bit, same line
//! count, same bits consumed.

#![allow(clippy::unwrap_used)]

use super::super::bands;
use super::super::granule::Block;
use super::super::scalefac::Scalefacs;
use super::super::sideinfo::BlockField;
use super::super::test_rng::Rng;
use super::*;

/// The plain decoder: unscaled values, then [`plain_requantize`].
fn plain_decode(bits: &mut Bits<'_>, ch: &Channel, part3: u32, out: &mut [f32; GRANULE]) -> usize {
    if part3 == 0 {
        out.fill(0.0);
        return 0;
    }
    let luts = luts();
    let end = bits.position() + u64::from(part3);
    let big = ch.big_values.min(GRANULE);
    let regions = [ch.region1_start.min(big), ch.region2_start.min(big), big];
    let mut i = 0;
    for (region, &region_end) in regions.iter().enumerate() {
        let table = usize::from(ch.table_select[region]);
        let Some((book, linbits)) = luts.tables[table] else {
            out[i..region_end.max(i)].fill(0.0);
            i = i.max(region_end);
            continue;
        };
        while i < region_end && bits.position() < end {
            let (x, y) = slow_pair(bits, &luts.books[book], linbits, luts);
            out[i] = x;
            out[i + 1] = y;
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
            Lut::new(&huffman_tables::QUAD_A, 16).decode(bits)
        };
        for k in 0..4 {
            let nonzero = quad >> (3 - k) & 1;
            let negative = bits.peek(1) & nonzero;
            bits.skip(nonzero);
            out[i + k] = [0.0, 1.0, 0.0, -1.0][(nonzero | negative << 1) as usize];
        }
        i += 4;
    }
    let pos = bits.position();
    if pos < end {
        bits.skip_long(end - pos);
    } else if pos > end && i > big {
        i -= 4;
    }
    out[i..].fill(0.0);
    i
}

/// Requantization as a pass of its own, band by band up to `rzero`.
fn plain_requantize(
    x: &mut [f32; GRANULE],
    rzero: usize,
    ch: &Channel,
    sf: &Scalefacs,
    preflag: bool,
    rate: usize,
) {
    let gain = |e: i32| 2f64.powf(0.25 * f64::from(e)) as f32;
    let global = ch.global_gain - 210;
    let shift = if ch.scalefac_scale { 2 } else { 1 };
    let mut scale = |from: usize, to: usize, g: f32| {
        for v in &mut x[from.min(rzero)..to.min(rzero)] {
            *v *= g;
        }
    };
    let (long, short) = (&bands::LONG[rate], &bands::SHORT[rate]);
    let (long_bands, first_short, short_sf) = bands::layout(ch.block.0, rate);
    for band in 0..long_bands {
        let pre = if preflag { bands::PRETAB[band] } else { 0 };
        let s = i32::from(sf[band]) + i32::from(pre);
        let (from, to) = (usize::from(long[band]), usize::from(long[band + 1]));
        scale(from, to, gain(global - (s << shift)));
    }
    for band in first_short..13 {
        let (f0, f1) = (usize::from(short[band]), usize::from(short[band + 1]));
        for window in 0..3 {
            let from = 3 * f0 + window * (f1 - f0);
            let s = i32::from(sf[short_sf + (band - first_short) * 3 + window]);
            let a = global - 8 * ch.subblock_gain[window];
            scale(from, from + f1 - f0, gain(a - (s << shift)));
        }
    }
}

/// Random side info for a granule of `rate`.
fn random_channel(rng: &mut Rng, rate: usize) -> Channel {
    let mut pick = |n: usize| ((rng.next() + 1.0) / 2.0 * n as f64) as usize % n;
    let block = [
        Block::Long,
        Block::Start,
        Block::Short,
        Block::Mixed,
        Block::Stop,
    ][pick(5)];
    let big_values = 2 * pick(289);
    let long = &bands::LONG[rate];
    let (region1_start, region2_start) = if block == Block::Long {
        let r0 = pick(16) + 1;
        let r01 = r0 + pick(8) + 1;
        (
            usize::from(long[r0]),
            if r01 <= 22 {
                usize::from(long[r01])
            } else {
                576
            },
        )
    } else {
        (36, 576)
    };
    let mut table_select = [0u8; 3];
    for t in &mut table_select {
        *t = pick(32) as u8;
    }
    Channel {
        part2_3_length: pick(4096) as u32,
        big_values,
        global_gain: pick(256) as i32,
        scalefac_compress: 0,
        block: BlockField(block),
        table_select,
        subblock_gain: [pick(8) as i32, pick(8) as i32, pick(8) as i32],
        region1_start,
        region2_start,
        preflag: pick(2) == 1,
        scalefac_scale: pick(2) == 1,
        count1_table_b: pick(2) == 1,
    }
}

#[test]
fn fused_decode_matches_the_plain_decoder_bit_for_bit() {
    let mut rng = Rng::new(0x05ee_d0f4_u64);
    for case in 0..4000 {
        let rate = case % 8;
        let ch = random_channel(&mut rng, rate);
        let mut sf: Scalefacs = [0; 39];
        for s in &mut sf {
            *s = ((rng.next() + 1.0) * 8.0) as u8;
        }
        // Mostly short codes (zero-heavy bytes, like real spectra), some
        // dense noise for long codes and escapes.
        let dense = case % 4 == 0;
        let data: Vec<u8> = (0..600)
            .map(|_| {
                let b = ((rng.next() + 1.0) * 128.0) as u8;
                if dense {
                    b
                } else {
                    b & ((rng.next() + 1.0) * 128.0) as u8
                }
            })
            .collect();
        let start = case % 13;
        let part3 = ch.part2_3_length;

        let mut plain = Bits::new(&data, start);
        let mut expected = [0f32; GRANULE];
        let n = plain_decode(&mut plain, &ch, part3, &mut expected);
        plain_requantize(&mut expected, n, &ch, &sf, ch.preflag, rate);

        let gains = Gains::new(&ch, &sf, ch.preflag, rate);
        let mut fused = Bits::new(&data, start);
        let mut got = [1f32; GRANULE];
        let m = decode(&mut fused, &ch, part3, &gains, &mut got);

        assert_eq!(m, n, "case {case}: lines");
        assert_eq!(fused.position(), plain.position(), "case {case}: bits");
        for (k, (a, b)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(a.to_bits(), b.to_bits(), "case {case} line {k}: {a} vs {b}");
        }
    }
}

#[test]
fn band_edges_are_even_so_pairs_never_straddle_them() {
    for rate in 0..9 {
        assert!(bands::LONG[rate].iter().all(|&e| e % 2 == 0));
        let short = &bands::SHORT[rate];
        assert!(short.iter().all(|&f| f % 2 == 0));
    }
}

#[test]
fn every_table_has_a_fused_lookup_that_resolves_its_short_codes() {
    let luts = luts();
    // Tables 16..23 and 24..31 share one book each.
    assert_eq!(luts.books.len(), 15);
    for book in &luts.books {
        let resolved = book.fused.iter().filter(|&&e| e & 63 != 0).count();
        assert!(resolved * 2 > FUSED_LEN, "{resolved}");
    }
    assert!(luts.quad_a.iter().all(|&e| (1..=10).contains(&(e & 63))));
    assert!(luts.quad_b.iter().all(|&e| (4..=8).contains(&(e & 63))));
}
