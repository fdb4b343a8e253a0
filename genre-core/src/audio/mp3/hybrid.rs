//! The synthesis half of Layer III's hybrid filterbank (ISO/IEC 11172-3
//! 2.4.3.4.10): alias-reduction butterflies, IMDCT (one 36-point transform,
//! or three 12-point ones for short windows), the four block windows,
//! overlap-add with the previous granule and frequency inversion.
//!
//! An n-point IMDCT `x_i = Σ_k X_k cos(π/2n (2i + 1 + n/2)(2k + 1))` is the
//! n/2-point DCT-IV `y` of the same lines read with its symmetries
//! (`x_i = y[i + n/4]` for the first quarter, `-y[3n/4 - 1 - i]` for the
//! middle half, `-y[i - 3n/4]` for the last quarter); the signs and the
//! windows are folded into one table per block type. Eight subbands go
//! through the transforms at once (one per lane); subbands past the last
//! nonzero line only release their overlap.

use std::sync::OnceLock;

use super::granule::{Block, GRANULE, Spectrum, Subbands};
use pulp::Simd;

use super::lanes::{Kernel, LANES, Lane, load, run, store};

/// Subbands of the polyphase filterbank.
const SUBBANDS: usize = 32;
/// Spectral lines per subband, and time slots per granule.
const SLOTS: usize = 18;
/// Groups of eight subbands.
const GROUPS: usize = SUBBANDS / LANES;
/// Outputs of a long IMDCT.
const LONG: usize = 2 * SLOTS;

/// The alias-reduction coefficients c_i of Table B.9.
const ALIAS_C: [f64; 8] = [
    -0.6, -0.535, -0.33, -0.185, -0.095, -0.041, -0.0142, -0.0037,
];

/// IMDCT stage of one output channel: its overlap state.
#[derive(Clone)]
pub(crate) struct Hybrid {
    /// The second half of the previous granule's windowed IMDCT outputs:
    /// group, slot, lane (subband `8 group + lane`).
    overlap: [[Lane; SLOTS]; GROUPS],
}

impl Hybrid {
    /// A stage with silence before the first granule.
    pub(crate) fn new() -> Self {
        Self {
            overlap: [[[0.0; LANES]; SLOTS]; GROUPS],
        }
    }

    /// Whether `other` holds the same state, bit for bit.
    pub(crate) fn same_state(&self, other: &Self) -> bool {
        let bits = |h: &Self| {
            h.overlap
                .as_flattened()
                .as_flattened()
                .iter()
                .map(|v| v.to_bits())
                .collect::<Vec<_>>()
        };
        bits(self) == bits(other)
    }

    /// Antialias (in place, per its block type) and IMDCT + window each
    /// spectrum of `spectra` (one or two, each with its own block type), sum
    /// their windowed outputs, overlap-add with this channel's state, apply
    /// frequency inversion, write `out`.
    pub(crate) fn granule(&mut self, spectra: &mut [Spectrum], out: &mut Subbands) {
        let t = tables();
        let mut live = 0;
        for s in spectra.iter_mut() {
            live = live.max(antialias(s, t));
        }
        run(Synthesis {
            overlap: &mut self.overlap,
            t,
            spectra,
            live_groups: live.div_ceil(LANES),
            out,
        });
    }
}

/// One granule's transforms and overlap-add, for dispatch.
struct Synthesis<'a> {
    overlap: &'a mut [[Lane; SLOTS]; GROUPS],
    t: &'a Tables,
    spectra: &'a [Spectrum],
    live_groups: usize,
    out: &'a mut Subbands,
}

impl Kernel for Synthesis<'_> {
    #[inline(always)]
    fn call<S: Simd>(self, simd: S) {
        let Self {
            overlap,
            t,
            spectra,
            live_groups,
            out,
        } = self;
        let zero = simd.splat_f32s(0.0);
        for (g, (overlap, out)) in overlap
            .iter_mut()
            .zip(out.0.chunks_exact_mut(LANES * SLOTS))
            .enumerate()
        {
            let mut z = [zero; LONG];
            if g < live_groups {
                for s in spectra {
                    transform(simd, t, s, g, &mut z);
                }
            }
            for (i, (ov, &tail)) in overlap.iter_mut().zip(&z[SLOTS..]).enumerate() {
                let v = simd.add_f32s(z[i], load::<S>(ov));
                let v = simd.mul_f32s(v, load::<S>(&t.inversion[i % 2]));
                let mut lanes = [0.0f32; LANES];
                store::<S>(&mut lanes, v);
                for (l, &v) in lanes.iter().enumerate() {
                    out[l * SLOTS + i] = v;
                }
                store::<S>(ov, tail);
            }
        }
    }
}

/// Adds the windowed IMDCT outputs of subbands `8 g .. 8 g + 8` of `s` to `z`.
#[inline(always)]
fn transform<S: Simd>(simd: S, t: &Tables, s: &Spectrum, g: usize, z: &mut [S::f32s; LONG]) {
    let mut lines = [[0.0f32; LANES]; SLOTS];
    for (l, sb) in s.xr[g * LANES * SLOTS..(g + 1) * LANES * SLOTS]
        .chunks_exact(SLOTS)
        .enumerate()
    {
        for (k, &v) in sb.iter().enumerate() {
            lines[k][l] = v;
        }
    }
    let mut x = [simd.splat_f32s(0.0); SLOTS];
    for (x, lane) in x.iter_mut().zip(&lines) {
        *x = load::<S>(lane);
    }
    match (s.block, g) {
        (Block::Long, _) => long(simd, t, &x, &t.windows[0], z),
        (Block::Start, _) => long(simd, t, &x, &t.windows[1], z),
        (Block::Stop, _) => long(simd, t, &x, &t.windows[2], z),
        (Block::Short, _) | (Block::Mixed, 1..) => short(simd, t, &x, z),
        (Block::Mixed, 0) => {
            // Subbands 0 and 1 long (block_type 0's window), the rest short.
            let zero = simd.splat_f32s(0.0);
            let mut zl = [zero; LONG];
            let mut zs = [zero; LONG];
            long(simd, t, &x, &t.windows[0], &mut zl);
            short(simd, t, &x, &mut zs);
            for ((zi, &a), &b) in z.iter_mut().zip(&zl).zip(&zs) {
                let (mut a8, mut b8) = ([0.0f32; LANES], [0.0f32; LANES]);
                store::<S>(&mut a8, a);
                store::<S>(&mut b8, b);
                b8[..2].copy_from_slice(&a8[..2]);
                *zi = simd.add_f32s(*zi, load::<S>(&b8));
            }
        }
    }
}

/// The 36-point IMDCT through the 18-point DCT-IV, windowed by a folded
/// window (`LONG_FOLD` gives the DCT-IV output of each sample).
#[inline(always)]
fn long<S: Simd>(
    simd: S,
    t: &Tables,
    x: &[S::f32s; SLOTS],
    window: &[Lane; LONG],
    z: &mut [S::f32s; LONG],
) {
    let mut y = [simd.splat_f32s(0.0); SLOTS];
    for (yn, row) in y.iter_mut().zip(t.dct18.chunks_exact(SLOTS)) {
        for (&xk, c) in x.iter().zip(row) {
            *yn = simd.add_f32s(*yn, simd.mul_f32s(xk, load::<S>(c)));
        }
    }
    for ((zi, w), &n) in z.iter_mut().zip(window).zip(&LONG_FOLD) {
        *zi = simd.add_f32s(*zi, simd.mul_f32s(y[n], load::<S>(w)));
    }
}

/// Three 12-point IMDCTs through the 6-point DCT-IV, windowed and placed at
/// samples `6 + 6 w`.
#[inline(always)]
fn short<S: Simd>(simd: S, t: &Tables, x: &[S::f32s; SLOTS], z: &mut [S::f32s; LONG]) {
    for w in 0..3 {
        let mut y = [simd.splat_f32s(0.0); 6];
        for (yn, row) in y.iter_mut().zip(t.dct6.chunks_exact(6)) {
            for (&xk, c) in x[6 * w..6 * w + 6].iter().zip(row) {
                *yn = simd.add_f32s(*yn, simd.mul_f32s(xk, load::<S>(c)));
            }
        }
        for ((zi, win), &n) in z[6 + 6 * w..18 + 6 * w]
            .iter_mut()
            .zip(&t.short_window)
            .zip(&SHORT_FOLD)
        {
            *zi = simd.add_f32s(*zi, simd.mul_f32s(y[n], load::<S>(win)));
        }
    }
}

/// The DCT-IV output behind each sample of a 36-point IMDCT.
const LONG_FOLD: [usize; LONG] = {
    let mut f = [0; LONG];
    let mut i = 0;
    while i < LONG {
        f[i] = if i < 9 {
            i + 9
        } else if i < 27 {
            26 - i
        } else {
            i - 27
        };
        i += 1;
    }
    f
};

/// The DCT-IV output behind each sample of a 12-point IMDCT.
const SHORT_FOLD: [usize; 12] = [3, 4, 5, 5, 4, 3, 2, 1, 0, 0, 1, 2];

/// The sign of the DCT-IV output in sample i of an n-point IMDCT.
fn fold_sign(i: usize, n: usize) -> f64 {
    if i < n / 4 { 1.0 } else { -1.0 }
}

/// The alias-reduction butterflies between adjacent long subbands (all 31
/// boundaries of a long block, the one between subbands 0 and 1 of a mixed
/// block, none for short blocks) that touch a nonzero line; returns the
/// number of subbands that may hold nonzero lines afterwards.
fn antialias(s: &mut Spectrum, t: &Tables) -> usize {
    let nonzero = s.nonzero.min(GRANULE);
    let boundaries = match s.block {
        Block::Short => 0,
        Block::Mixed => 1,
        Block::Long | Block::Start | Block::Stop => SUBBANDS - 1,
    };
    // Boundary b touches lines 18 b - 8 .. 18 b + 8.
    let last = boundaries.min((nonzero + 7) / SLOTS);
    for b in 1..=last {
        let (lower, upper) = s.xr.split_at_mut(b * SLOTS);
        if let (Some(lo), Some(hi)) = (lower.last_chunk_mut::<8>(), upper.first_chunk_mut::<8>()) {
            // Line `18 b - 1 - i` with line `18 b + i`.
            for i in 0..8 {
                let (l, h) = (lo[7 - i], hi[i]);
                lo[7 - i] = l * t.cs[i] - h * t.ca[i];
                hi[i] = h * t.cs[i] + l * t.ca[i];
            }
        }
    }
    nonzero
        .div_ceil(SLOTS)
        .max(if last > 0 { last + 1 } else { 0 })
}

/// Coefficients computed once in f64 and rounded to f32 (those of the
/// transforms repeated in 8 lanes).
struct Tables {
    /// Butterfly factors 1/√(1+c²) and c/√(1+c²).
    cs: [f32; 8],
    ca: [f32; 8],
    /// The 18-point DCT-IV, `cos(π/72 (2n + 1)(2k + 1))` at `18 n + k`.
    dct18: [Lane; SLOTS * SLOTS],
    /// The 6-point DCT-IV, `cos(π/24 (2n + 1)(2k + 1))` at `6 n + k`.
    dct6: [Lane; 36],
    /// The windows of block_type 0, 1 and 3 times the fold's signs.
    windows: [[Lane; LONG]; 3],
    /// The block_type 2 window times the fold's signs.
    short_window: [Lane; 12],
    /// Frequency inversion: the factor of every lane (subband parity) for
    /// even and odd time slots.
    inversion: [Lane; 2],
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
            dct18: [[0.0; LANES]; SLOTS * SLOTS],
            dct6: [[0.0; LANES]; 36],
            windows: [[[0.0; LANES]; LONG]; 3],
            short_window: [[0.0; LANES]; 12],
            inversion: [[1.0; LANES], [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0]],
        };
        for (i, &c) in ALIAS_C.iter().enumerate() {
            let r = (1.0 + c * c).sqrt();
            t.cs[i] = (1.0 / r) as f32;
            t.ca[i] = (c / r) as f32;
        }
        for (nk, v) in t.dct18.iter_mut().enumerate() {
            let (n, k) = (nk / SLOTS, nk % SLOTS);
            *v = [(PI / 72.0 * (2 * n + 1) as f64 * (2 * k + 1) as f64).cos() as f32; LANES];
        }
        for (nk, v) in t.dct6.iter_mut().enumerate() {
            let (n, k) = (nk / 6, nk % 6);
            *v = [(PI / 24.0 * (2 * n + 1) as f64 * (2 * k + 1) as f64).cos() as f32; LANES];
        }
        for (i, w) in t.short_window.iter_mut().enumerate() {
            *w = [((PI / 12.0 * (i as f64 + 0.5)).sin() * fold_sign(i, 12)) as f32; LANES];
        }
        let long = |i: usize| (PI / 36.0 * (i as f64 + 0.5)).sin();
        let short = |i: usize| (PI / 12.0 * (i as f64 + 0.5)).sin();
        for i in 0..LONG {
            let sign = fold_sign(i, LONG);
            let start = match i {
                0..18 => long(i),
                18..24 => 1.0,
                24..30 => short(i - 18),
                _ => 0.0,
            };
            let stop = match i {
                0..6 => 0.0,
                6..12 => short(i - 6),
                12..18 => 1.0,
                _ => long(i),
            };
            t.windows[0][i] = [(sign * long(i)) as f32; LANES];
            t.windows[1][i] = [(sign * start) as f32; LANES];
            t.windows[2][i] = [(sign * stop) as f32; LANES];
        }
        t
    }
}

#[cfg(test)]
#[path = "hybrid_tests.rs"]
mod tests;
