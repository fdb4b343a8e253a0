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
        self.granule_into::<SLOTS>(spectra, &mut out.0, 0);
    }

    /// [`Self::granule`] writing time slot `t` of subband `sb` to
    /// `out[sb * STRIDE + offset + t]` (an MPEG-1 frame's two granules go
    /// straight into [`super::polyphase::FrameSubbands`]); `out` holds
    /// `32 * STRIDE` values, `offset + 18 <= STRIDE`.
    pub(crate) fn granule_into<const STRIDE: usize>(
        &mut self,
        spectra: &mut [Spectrum],
        out: &mut [f32],
        offset: usize,
    ) {
        run(Synthesis::<STRIDE> {
            overlap: &mut self.overlap,
            t: tables(),
            spectra,
            out,
            offset,
        });
    }
}

/// One granule's butterflies, transforms and overlap-add, for dispatch.
struct Synthesis<'a, const STRIDE: usize> {
    overlap: &'a mut [[Lane; SLOTS]; GROUPS],
    t: &'a Tables,
    spectra: &'a mut [Spectrum],
    out: &'a mut [f32],
    offset: usize,
}

impl<const STRIDE: usize> Kernel for Synthesis<'_, STRIDE> {
    #[inline(always)]
    fn call<S: Simd>(self, simd: S) {
        let Self {
            overlap,
            t,
            spectra,
            out,
            offset,
        } = self;
        let mut live = 0;
        for s in spectra.iter_mut() {
            live = live.max(antialias(s, t));
        }
        let live_groups = live.div_ceil(LANES);
        let spectra = &*spectra;
        let zero = simd.splat_f32s(0.0);
        for (g, (overlap, out)) in overlap
            .iter_mut()
            .zip(out.chunks_exact_mut(LANES * STRIDE))
            .enumerate()
        {
            // Subband `8 g + l`, slot `i` at `l * STRIDE + offset + i`.
            let Some(out) = out.get_mut(offset..offset + (LANES - 1) * STRIDE + SLOTS) else {
                continue;
            };
            let mut z = [zero; LONG];
            if g < live_groups {
                for s in spectra {
                    transform(simd, t, s, g, &mut z);
                }
            }
            for (i, (ov, &tail)) in overlap.iter_mut().zip(&z[SLOTS..]).enumerate() {
                // Frequency inversion is folded into the windows.
                let v = simd.add_f32s(z[i], load::<S>(ov));
                let mut lanes = [0.0f32; LANES];
                store::<S>(&mut lanes, v);
                for (l, &v) in lanes.iter().enumerate() {
                    out[l * STRIDE + i] = v;
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

/// The 36-point IMDCT through the 18-point DCT-IV ([`dct4_split`] with the
/// 9-point DCT-III), windowed by a folded window (`LONG_FOLD` gives the
/// DCT-IV output of each sample).
#[inline(always)]
fn long<S: Simd>(
    simd: S,
    t: &Tables,
    x: &[S::f32s; SLOTS],
    window: &[Lane; LONG],
    z: &mut [S::f32s; LONG],
) {
    let (c, s) = dct4_split::<S, SLOTS, 9>(simd, x);
    let y: [S::f32s; SLOTS] =
        dct4_rotate(simd, &dct9(simd, t, &c), &dct9(simd, t, &s), &t.rotation18);
    for ((zi, w), &n) in z.iter_mut().zip(window).zip(&LONG_FOLD) {
        *zi = simd.add_f32s(*zi, simd.mul_f32s(y[n], load::<S>(w)));
    }
}

/// Three 12-point IMDCTs through the 6-point DCT-IV ([`dct4_split`] with the
/// 3-point DCT-III), windowed and placed at samples `6 + 6 w`.
#[inline(always)]
fn short<S: Simd>(simd: S, t: &Tables, x: &[S::f32s; SLOTS], z: &mut [S::f32s; LONG]) {
    for (w, x) in x.chunks_exact(6).enumerate() {
        let Ok(x) = <&[S::f32s; 6]>::try_from(x) else {
            continue;
        };
        let (c, s) = dct4_split::<S, 6, 3>(simd, x);
        let y: [S::f32s; 6] =
            dct4_rotate(simd, &dct3(simd, t, &c), &dct3(simd, t, &s), &t.rotation6);
        for ((zi, win), &n) in z[6 + 6 * w..18 + 6 * w]
            .iter_mut()
            .zip(&t.short_window)
            .zip(&SHORT_FOLD)
        {
            *zi = simd.add_f32s(*zi, simd.mul_f32s(y[n], load::<S>(win)));
        }
    }
}

/// The N-point DCT-IV `y[n] = Σ_k x[k] cos((2k + 1) θ_n)`,
/// `θ_n = π (2n + 1) / 4N`, through two M-point DCT-IIIs (`M = N / 2`,
/// `dct3`: `X[n] = Σ_j v[j] cos(π (2n + 1) j / 2M)`). With
/// `cos((2k + 1) θ) = cos(2kθ) cos θ − sin(2kθ) sin θ` on the line pairs
/// (2j − 1, 2j): `y[n] = cos θ_n · C[n] + sin θ_n · S[n]`, `C` the DCT-III
/// of `(x0, x1 + x2, x3 + x4, …)`, `S[n] = Σ_{j=1..M} s_j sin(π (2n + 1) j
/// / 2M)` of `s = (x1 − x2, x3 − x4, …, x_{N−1})`: `(−1)^n` times the
/// DCT-III of `s` reversed. Outputs `N − 1 − n` reuse both (`C` is even
/// and `S` odd about (N − 1)/2, `θ_{N−1−n} = π/2 − θ_n`), so each output
/// pair is one rotation by `rotation[4n..4n + 4]` = `cos θ_n`,
/// `(−1)^n sin θ_n`, `sin θ_n`, `−(−1)^n cos θ_n`: the rounding stays that
/// of an orthogonal transform, and the 18-point one takes ~200 operations
/// instead of 324 multiply-adds.
///
/// This half returns the DCT-IIIs' inputs `(c, s)`; [`dct4_rotate`] the
/// other.
#[inline(always)]
fn dct4_split<S: Simd, const N: usize, const M: usize>(
    simd: S,
    x: &[S::f32s; N],
) -> ([S::f32s; M], [S::f32s; M]) {
    let mut c = [x[0]; M];
    let mut s = [x[N - 1]; M];
    for j in 1..M {
        c[j] = simd.add_f32s(x[2 * j - 1], x[2 * j]);
        s[M - j] = simd.sub_f32s(x[2 * j - 1], x[2 * j]);
    }
    (c, s)
}

/// The DCT-IV's outputs from the DCT-IIIs of [`dct4_split`]'s `c` and `s`.
#[inline(always)]
fn dct4_rotate<S: Simd, const N: usize, const M: usize>(
    simd: S,
    c: &[S::f32s; M],
    s: &[S::f32s; M],
    rotation: &[Lane],
) -> [S::f32s; N] {
    let mut y = [c[0]; N];
    for (n, r) in rotation.chunks_exact(4).take(M).enumerate() {
        let (cn, sn) = (c[n], s[n]);
        y[n] = simd.add_f32s(
            simd.mul_f32s(cn, load::<S>(&r[0])),
            simd.mul_f32s(sn, load::<S>(&r[1])),
        );
        y[N - 1 - n] = simd.add_f32s(
            simd.mul_f32s(cn, load::<S>(&r[2])),
            simd.mul_f32s(sn, load::<S>(&r[3])),
        );
    }
    y
}

/// The 9-point DCT-III `X[n] = Σ_j v[j] cos(π (2n + 1) j / 18)` through its
/// symmetry `X[8 − n] = Σ_j (−1)^j v[j] cos(π (2n + 1) j / 18)`: the even
/// and odd halves of outputs 0..4 give two outputs each; `X[4]` takes no
/// multiply.
#[inline(always)]
fn dct9<S: Simd>(simd: S, t: &Tables, v: &[S::f32s; 9]) -> [S::f32s; 9] {
    let mut out = [v[0]; 9];
    for (n, (even, odd)) in t
        .dct9_even
        .chunks_exact(4)
        .zip(t.dct9_odd.chunks_exact(4))
        .enumerate()
    {
        let mut e = v[0];
        let mut o = simd.mul_f32s(v[1], load::<S>(&odd[0]));
        for m in 0..4 {
            e = simd.add_f32s(e, simd.mul_f32s(v[2 * m + 2], load::<S>(&even[m])));
        }
        for m in 1..4 {
            o = simd.add_f32s(o, simd.mul_f32s(v[2 * m + 1], load::<S>(&odd[m])));
        }
        out[n] = simd.add_f32s(e, o);
        out[8 - n] = simd.sub_f32s(e, o);
    }
    out[4] = simd.add_f32s(
        simd.sub_f32s(simd.add_f32s(simd.sub_f32s(v[0], v[2]), v[4]), v[6]),
        v[8],
    );
    out
}

/// The 3-point DCT-III `X[n] = Σ_j v[j] cos(π (2n + 1) j / 6)`:
/// `v0 + v2/2 ± v1 cos(π/6)` and `v0 − v2`.
#[inline(always)]
fn dct3<S: Simd>(simd: S, t: &Tables, v: &[S::f32s; 3]) -> [S::f32s; 3] {
    let e = simd.add_f32s(v[0], simd.mul_f32s(v[2], simd.splat_f32s(0.5)));
    let o = simd.mul_f32s(v[1], load::<S>(&t.cos_pi_6));
    [
        simd.add_f32s(e, o),
        simd.sub_f32s(v[0], v[2]),
        simd.sub_f32s(e, o),
    ]
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
#[inline(always)]
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
    /// The 9-point DCT-III's factors `cos(π (2n + 1) j / 18)` for outputs
    /// n in 0..4, at `4 n + m`: even j = 2m + 2, odd j = 2m + 1.
    dct9_even: [Lane; 16],
    dct9_odd: [Lane; 16],
    /// The output pairs' rotations of [`dct4_rotate`] for the 18-point and the
    /// 6-point DCT-IV.
    rotation18: [Lane; 36],
    rotation6: [Lane; 12],
    /// `cos(π/6)` for the 3-point DCT-III.
    cos_pi_6: Lane,
    /// The windows of block_type 0, 1 and 3 times the fold's signs and
    /// the frequency inversion's ([`inverted`]).
    windows: [[Lane; LONG]; 3],
    /// The block_type 2 window times the fold's signs and the frequency
    /// inversion's.
    short_window: [Lane; 12],
}

/// A window value `w` for sample `i` of an IMDCT in every lane, negated in
/// odd subbands (odd lanes) at odd samples: the frequency inversion, which
/// negates odd time slots of odd subbands. Samples `i` and `i + 18` (the
/// overlap added to slot `i` of the next granule) and the short windows'
/// samples `6 + 6w + i` have the parity of `i`, so the negation commutes
/// with the sums exactly.
fn inverted(w: f64, i: usize) -> Lane {
    let w = w as f32;
    std::array::from_fn(|lane| if lane % 2 == 1 && i % 2 == 1 { -w } else { w })
}

/// [`dct4_rotate`]'s rotations for the N-point DCT-IV (`R = 2N` values).
fn rotations<const R: usize>() -> [Lane; R] {
    let n_points = (R / 2) as f64;
    let mut r = [[0.0; LANES]; R];
    for (n, four) in r.chunks_exact_mut(4).enumerate() {
        let theta = std::f64::consts::PI / (4.0 * n_points) * (2 * n + 1) as f64;
        let sign = if n % 2 == 0 { 1.0 } else { -1.0 };
        for (v, x) in four.iter_mut().zip([
            theta.cos(),
            sign * theta.sin(),
            theta.sin(),
            -sign * theta.cos(),
        ]) {
            *v = [x as f32; LANES];
        }
    }
    r
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
            dct9_even: [[0.0; LANES]; 16],
            dct9_odd: [[0.0; LANES]; 16],
            rotation18: rotations(),
            rotation6: rotations(),
            cos_pi_6: [(PI / 6.0).cos() as f32; LANES],
            windows: [[[0.0; LANES]; LONG]; 3],
            short_window: [[0.0; LANES]; 12],
        };
        for (i, &c) in ALIAS_C.iter().enumerate() {
            let r = (1.0 + c * c).sqrt();
            t.cs[i] = (1.0 / r) as f32;
            t.ca[i] = (c / r) as f32;
        }
        let dct9 =
            |n: usize, j: usize| [(PI / 18.0 * (2 * n + 1) as f64 * j as f64).cos() as f32; LANES];
        for n in 0..4 {
            for m in 0..4 {
                t.dct9_even[4 * n + m] = dct9(n, 2 * m + 2);
                t.dct9_odd[4 * n + m] = dct9(n, 2 * m + 1);
            }
        }
        for (i, w) in t.short_window.iter_mut().enumerate() {
            *w = inverted((PI / 12.0 * (i as f64 + 0.5)).sin() * fold_sign(i, 12), i);
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
            t.windows[0][i] = inverted(sign * long(i), i);
            t.windows[1][i] = inverted(sign * start, i);
            t.windows[2][i] = inverted(sign * stop, i);
        }
        t
    }
}

#[cfg(test)]
#[path = "hybrid_tests.rs"]
mod tests;
