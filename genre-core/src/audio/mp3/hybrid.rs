//! The synthesis half of Layer III's hybrid filterbank (ISO/IEC 11172-3
//! 2.4.3.4.10): alias-reduction butterflies, IMDCT (one 36-point transform,
//! or three 12-point ones for short windows), the four block windows,
//! overlap-add with the previous granule and frequency inversion.

use std::sync::OnceLock;

use super::granule::{Block, GRANULE, Spectrum, Subbands};

/// Subbands of the polyphase filterbank.
const SUBBANDS: usize = 32;
/// Spectral lines per subband, and time slots per granule.
const SLOTS: usize = 18;

/// The alias-reduction coefficients c_i of Table B.9.
const ALIAS_C: [f64; 8] = [
    -0.6, -0.535, -0.33, -0.185, -0.095, -0.041, -0.0142, -0.0037,
];

/// IMDCT stage of one output channel: its overlap state.
pub(crate) struct Hybrid {
    /// The second half of the previous granule's windowed IMDCT outputs.
    overlap: [[f32; SLOTS]; SUBBANDS],
}

impl Hybrid {
    /// A stage with silence before the first granule.
    pub(crate) fn new() -> Self {
        Self {
            overlap: [[0.0; SLOTS]; SUBBANDS],
        }
    }

    /// Antialias (in place, per its block type) and IMDCT + window each
    /// spectrum of `spectra` (one or two, each with its own block type), sum
    /// their windowed outputs, overlap-add with this channel's state, apply
    /// frequency inversion, write `out`.
    pub(crate) fn granule(&mut self, spectra: &mut [Spectrum], out: &mut Subbands) {
        let t = tables();
        for s in spectra.iter_mut() {
            antialias(&mut s.xr, s.block, t);
        }
        for (sb, prev) in self.overlap.iter_mut().enumerate() {
            let mut z = [0.0f32; 2 * SLOTS];
            for s in spectra.iter() {
                let lines = &s.xr[sb * SLOTS..(sb + 1) * SLOTS];
                match (s.block, sb) {
                    (Block::Long, _) | (Block::Mixed, 0..2) => {
                        imdct36(lines, &t.long, &t.windows[0], &mut z)
                    }
                    (Block::Start, _) => imdct36(lines, &t.long, &t.windows[1], &mut z),
                    (Block::Stop, _) => imdct36(lines, &t.long, &t.windows[2], &mut z),
                    (Block::Short | Block::Mixed, _) => imdct12x3(lines, t, &mut z),
                }
            }
            let invert = sb % 2 == 1;
            for (i, (p, (&head, &tail))) in
                prev.iter_mut().zip(z.iter().zip(&z[SLOTS..])).enumerate()
            {
                let v = head + *p;
                out.0[i * SUBBANDS + sb] = if invert && i % 2 == 1 { -v } else { v };
                *p = tail;
            }
        }
    }
}

/// The alias-reduction butterflies between adjacent long subbands: all 31
/// boundaries of a long block, the one between subbands 0 and 1 of a mixed
/// block, none for short blocks.
fn antialias(xr: &mut [f32; GRANULE], block: Block, t: &Tables) {
    let boundaries = match block {
        Block::Short => 0,
        Block::Mixed => 1,
        Block::Long | Block::Start | Block::Stop => SUBBANDS - 1,
    };
    for b in 1..=boundaries {
        let edge = b * SLOTS;
        for i in 0..8 {
            let lo = xr[edge - 1 - i];
            let hi = xr[edge + i];
            xr[edge - 1 - i] = lo * t.cs[i] - hi * t.ca[i];
            xr[edge + i] = hi * t.cs[i] + lo * t.ca[i];
        }
    }
}

/// Adds the windowed 36-point IMDCT of one subband's 18 lines to `z`.
fn imdct36(
    lines: &[f32],
    cos: &[[f32; SLOTS]; 2 * SLOTS],
    window: &[f32; 2 * SLOTS],
    z: &mut [f32; 2 * SLOTS],
) {
    for ((zi, row), w) in z.iter_mut().zip(cos).zip(window) {
        let x: f32 = row.iter().zip(lines).map(|(c, x)| c * x).sum();
        *zi += x * w;
    }
}

/// Adds the three windowed 12-point IMDCTs of one short subband (lines
/// `window * 6 + k`) to `z`, window `w` at offset `6 + 6 w`.
fn imdct12x3(lines: &[f32], t: &Tables, z: &mut [f32; 2 * SLOTS]) {
    for (w, short) in lines.chunks_exact(6).enumerate() {
        let dst = &mut z[6 + 6 * w..18 + 6 * w];
        for ((zi, row), win) in dst.iter_mut().zip(&t.short).zip(&t.short_window) {
            let x: f32 = row.iter().zip(short).map(|(c, x)| c * x).sum();
            *zi += x * win;
        }
    }
}

/// Coefficients computed once in f64 and rounded to f32.
struct Tables {
    /// Butterfly factors 1/√(1+c²) and c/√(1+c²).
    cs: [f32; 8],
    ca: [f32; 8],
    /// `cos(π/72 (2i + 1 + 18)(2k + 1))`, row i (0..36), column k (0..18).
    long: [[f32; SLOTS]; 2 * SLOTS],
    /// `cos(π/24 (2i + 1 + 6)(2k + 1))`, row i (0..12), column k (0..6).
    short: [[f32; 6]; 12],
    /// The block windows of block_type 0, 1 and 3.
    windows: [[f32; 2 * SLOTS]; 3],
    /// The block_type 2 window of each 12-point transform.
    short_window: [f32; 12],
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(Tables::new)
}

impl Tables {
    fn new() -> Self {
        use std::f64::consts::PI;
        let mut t = Self {
            cs: [0.0; 8],
            ca: [0.0; 8],
            long: [[0.0; SLOTS]; 2 * SLOTS],
            short: [[0.0; 6]; 12],
            windows: [[0.0; 2 * SLOTS]; 3],
            short_window: [0.0; 12],
        };
        for (i, &c) in ALIAS_C.iter().enumerate() {
            let r = (1.0 + c * c).sqrt();
            t.cs[i] = (1.0 / r) as f32;
            t.ca[i] = (c / r) as f32;
        }
        for (i, row) in t.long.iter_mut().enumerate() {
            for (k, v) in row.iter_mut().enumerate() {
                *v = (PI / 72.0 * (2 * i + 1 + 18) as f64 * (2 * k + 1) as f64).cos() as f32;
            }
        }
        for (i, row) in t.short.iter_mut().enumerate() {
            for (k, v) in row.iter_mut().enumerate() {
                *v = (PI / 24.0 * (2 * i + 1 + 6) as f64 * (2 * k + 1) as f64).cos() as f32;
            }
        }
        for (i, w) in t.short_window.iter_mut().enumerate() {
            *w = (PI / 12.0 * (i as f64 + 0.5)).sin() as f32;
        }
        let long = |i: usize| (PI / 36.0 * (i as f64 + 0.5)).sin();
        let short = |i: usize| (PI / 12.0 * (i as f64 + 0.5)).sin();
        for i in 0..2 * SLOTS {
            t.windows[0][i] = long(i) as f32;
            t.windows[1][i] = match i {
                0..18 => long(i),
                18..24 => 1.0,
                24..30 => short(i - 18),
                _ => 0.0,
            } as f32;
            t.windows[2][i] = match i {
                0..6 => 0.0,
                6..12 => short(i - 6),
                12..18 => 1.0,
                _ => long(i),
            } as f32;
        }
        t
    }
}

#[cfg(test)]
#[path = "hybrid_tests.rs"]
mod tests;
