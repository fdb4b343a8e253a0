//! Requantization (ISO/IEC 11172-3 2.4.3.4.7.1): each Huffman value
//! `sign · |x|^(4/3)` times `2^(¼ (global_gain − 210 − 8 · subblock_gain))
//! · 2^(−(scalefac_scale + 1)/2 · (scalefac + preflag · pretab))`, per
//! scalefactor band ([`Gains`], applied by the Huffman decoder as it
//! writes each value); then the reorder of short blocks into the subband
//! order of [`Spectrum`].
//!
//! The gain is one power of two per band, `2^(¼ e)` computed in f64 and
//! rounded to f32 (as symphonia does, so the products are bit-identical).

use std::sync::OnceLock;

use super::bands;
use super::granule::{Block, GRANULE, Spectrum};
use super::scalefac::Scalefacs;
use super::sideinfo::Channel;

/// Smallest exponent `e` of `2^(¼ e)` in the table; larger ranges are
/// computed directly.
const GAIN_MIN: i32 = -400;
const GAIN_LEN: usize = 512;

fn gain(e: i32) -> f32 {
    static GAINS: OnceLock<Vec<f32>> = OnceLock::new();
    let table = GAINS.get_or_init(|| {
        (0..GAIN_LEN as i32)
            .map(|i| 2f64.powf(0.25 * f64::from(i + GAIN_MIN)) as f32)
            .collect()
    });
    usize::try_from(e - GAIN_MIN)
        .ok()
        .and_then(|i| table.get(i).copied())
        .unwrap_or_else(|| 2f64.powf(0.25 * f64::from(e)) as f32)
}

/// The gain of every line of one granule of one channel: segments of lines
/// in bitstream order, each with its gain — the long scalefactor bands,
/// then the (band, window) runs of the short ones. The Huffman decoder
/// multiplies each value by its line's gain as it writes it (the same f32
/// product a separate pass would make).
pub(crate) struct Gains<'a> {
    sf: &'a Scalefacs,
    long: &'static [u16; 23],
    short: &'static [u16; 14],
    /// `global_gain - 210`.
    global: i32,
    /// Scalefactor shift: 1, or 2 with `scalefac_scale`.
    shift: u32,
    preflag: bool,
    subblock_gain: [i32; 3],
    /// Long bands, the first short band and the scalefactor index of its
    /// first window.
    long_bands: usize,
    first_short: usize,
    short_sf: usize,
}

impl<'a> Gains<'a> {
    pub fn new(ch: &Channel, sf: &'a Scalefacs, preflag: bool, rate_index: usize) -> Self {
        let rate = rate_index.min(8);
        let (long_bands, first_short, short_sf) = bands::layout(ch.block.0, rate);
        Gains {
            sf,
            long: &bands::LONG[rate],
            short: &bands::SHORT[rate],
            global: ch.global_gain - 210,
            shift: if ch.scalefac_scale { 2 } else { 1 },
            preflag,
            subblock_gain: ch.subblock_gain,
            long_bands,
            first_short,
            short_sf,
        }
    }

    /// Segment `k`: the line it ends before and its gain. The segments
    /// cover lines 0..576 back to back; past the last, `(576, 0.0)`.
    #[inline]
    pub fn segment(&self, k: usize) -> (usize, f32) {
        let sf = |i: usize| i32::from(self.sf.get(i).copied().unwrap_or(0));
        if k < self.long_bands {
            let pre = if self.preflag {
                bands::PRETAB.get(k).copied().unwrap_or(0)
            } else {
                0
            };
            let s = sf(k) + i32::from(pre);
            let end = self.long.get(k + 1).copied().unwrap_or(GRANULE as u16);
            return (usize::from(end), gain(self.global - (s << self.shift)));
        }
        let j = k - self.long_bands;
        let (band, window) = (self.first_short + j / 3, j % 3);
        match (self.short.get(band), self.short.get(band + 1)) {
            (Some(&f0), Some(&f1)) => {
                let width = usize::from(f1 - f0);
                let end = 3 * usize::from(f0) + (window + 1) * width;
                let s = sf(self.short_sf + (band - self.first_short) * 3 + window);
                let a = self.global - 8 * self.subblock_gain[window];
                (end, gain(a - (s << self.shift)))
            }
            _ => (GRANULE, 0.0),
        }
    }
}

/// [`reorder`] of the lines `spectrum.xr[..rzero]` in place: long blocks
/// stay as they are (no copy); short and mixed ones go through `scratch`.
pub(crate) fn reorder_in_place(
    spectrum: &mut Spectrum,
    rzero: usize,
    block: Block,
    rate_index: usize,
    scratch: &mut [f32; GRANULE],
) {
    match block {
        Block::Short | Block::Mixed => {
            *scratch = spectrum.xr;
            reorder(scratch, rzero, block, rate_index, spectrum);
        }
        _ => {
            spectrum.block = block;
            spectrum.nonzero = rzero.min(GRANULE);
        }
    }
}

/// Writes the lines `x[..rzero]` (bitstream order) of a granule with
/// block type `block` into `out` in subband order: long lines as they are;
/// short lines (window `w`, frequency `f`) to `(f / 6) * 18 + w * 6 + f % 6`.
pub(crate) fn reorder(
    x: &[f32; GRANULE],
    rzero: usize,
    block: Block,
    rate_index: usize,
    out: &mut Spectrum,
) {
    out.block = block;
    let first_short = match block {
        Block::Short => 0,
        Block::Mixed => 3,
        _ => {
            out.xr = *x;
            out.nonzero = rzero.min(GRANULE);
            return;
        }
    };
    out.xr.fill(0.0);
    let short = &bands::SHORT[rate_index.min(8)];
    let mut nonzero = 0;
    if block == Block::Mixed {
        // Lines 0..36: the two long subbands.
        let long = rzero.min(36);
        out.xr[..long].copy_from_slice(&x[..long]);
        nonzero = long;
    }
    for band in first_short..13 {
        let (f0, f1) = (usize::from(short[band]), usize::from(short[band + 1]));
        let width = f1 - f0;
        let start = 3 * f0;
        if start >= rzero {
            break;
        }
        for window in 0..3 {
            let src = start + window * width;
            for k in 0..width {
                let f = f0 + k;
                let dst = (f / 6) * 18 + window * 6 + f % 6;
                if let (Some(&v), Some(d)) = (x.get(src + k), out.xr.get_mut(dst)) {
                    *d = v;
                }
            }
        }
        nonzero = nonzero.max(f1.div_ceil(6) * 18);
    }
    out.nonzero = nonzero.min(GRANULE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gains_are_powers_of_two_in_quarter_steps() {
        assert_eq!(gain(0), 1.0);
        assert_eq!(gain(4), 2.0);
        assert_eq!(gain(-8), 0.25);
        assert_eq!(gain(-1000), 2f64.powf(-250.0) as f32);
    }

    #[test]
    fn short_blocks_reorder_into_windows_per_subband() {
        let mut x = [0f32; GRANULE];
        for (i, v) in x.iter_mut().enumerate() {
            *v = i as f32 + 1.0;
        }
        let mut out = Spectrum {
            xr: [0.0; GRANULE],
            block: Block::Long,
            nonzero: 0,
        };
        reorder(&x, GRANULE, Block::Short, 0, &mut out);
        assert_eq!(out.nonzero, GRANULE);
        // 44.1 kHz band 0 is 4 lines wide: window 1 starts at line 4.
        assert_eq!(out.xr[6], x[4]);
        // Frequency 5 of window 2 (band 1: f 4..8, bitstream 12 + 2*4 + 1).
        assert_eq!(out.xr[12 + 5], x[21]);
        // Every line lands exactly once.
        let mut seen: Vec<f32> = out.xr.to_vec();
        seen.sort_by(f32::total_cmp);
        assert_eq!(seen, x.to_vec());
        // Mixed: the first 36 lines stay.
        reorder(&x, GRANULE, Block::Mixed, 0, &mut out);
        assert_eq!(out.xr[..36], x[..36]);
        assert_eq!(out.block, Block::Mixed);
    }
}
