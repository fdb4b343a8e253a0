//! The polyphase synthesis filterbank (ISO/IEC 11172-3 2.4.3.2.2 and
//! Annex A Figure A.2): per time slot, matrixing of the 32 subband samples
//! into 64 values V shifted into a 1024-value FIFO, then the 512-tap window
//! D over 16 half-slices of V gives 32 PCM samples.
//!
//! The matrixing `V[i] = Σ_k cos((16 + i)(2k + 1)π/64) S[k]` is a 32-point
//! DCT-II `X` read with its symmetries: `V[i] = X[16 + i]` for i < 16,
//! `V[16] = 0`, `-X[48 - i]` up to 47, `-X[i - 48]` after. So the FIFO
//! keeps only `X` of the last 16 slots, and each window tap `D[32a + j]`
//! (slot age a, output j) reads one `±X[m]` of slot `t - a`: the signs are
//! folded into the window. Eight time slots go through the DCT (Lee's
//! recursive factorisation) and the windowing at once, one per lane.

use std::sync::OnceLock;

use pulp::Simd;

use super::granule::{GRANULE, Subbands};
use super::lanes::{Kernel, LANES, Lane, load, run, store};

/// Subbands, and PCM samples per time slot.
const SUBBANDS: usize = 32;
/// Time slots per granule.
const SLOTS: usize = 18;
/// Slot ages the window reaches.
const AGES: usize = 16;
/// Taps of the synthesis window D.
const TAPS: usize = 512;
/// Time slots of an MPEG-1 frame (two granules), synthesised together.
pub(crate) const FRAME_SLOTS: usize = 2 * SLOTS;
/// Matrixing outputs kept per `X[m]`: the previous call's last 15 slots,
/// then this call's (18 or 36).
const HISTORY: usize = AGES - 1 + FRAME_SLOTS;
/// First slots of the 8-slot batches of one granule's 18 slots and of a
/// frame's 36: every 8th, then one that overlaps the one before (its slots
/// are computed twice, identically): 24 slots' work for 18, 40 for 36.
const BATCHES: [usize; 3] = [0, 8, SLOTS - LANES];
const FRAME_BATCHES: [usize; 5] = [0, 8, 16, 24, FRAME_SLOTS - LANES];

/// The subband samples of a frame's two granules: sample `sb * 36 + t`
/// is time slot `t` (0..36) of subband `sb`.
#[derive(Clone)]
pub(crate) struct FrameSubbands(pub [f32; 2 * GRANULE]);

/// Polyphase synthesis of one output channel: its FIFO.
#[derive(Clone)]
pub(crate) struct Polyphase {
    /// `x[m][15 + t]`: the matrixing output `X[m]` of slot t of this
    /// granule (negative t: the previous granule's).
    x: [[f32; HISTORY]; SUBBANDS],
}

impl Polyphase {
    /// A filterbank with silence before the first granule.
    pub(crate) fn new() -> Self {
        Self {
            x: [[0.0; HISTORY]; SUBBANDS],
        }
    }

    /// Whether `other` holds the same state, bit for bit (the history of
    /// the last 15 slots).
    pub(crate) fn same_state(&self, other: &Self) -> bool {
        let bits = |p: &Self| {
            p.x.iter()
                .flat_map(|xm| &xm[..AGES - 1])
                .map(|v| v.to_bits())
                .collect::<Vec<_>>()
        };
        bits(self) == bits(other)
    }

    /// 576 PCM samples (f32, full scale ±1.0) of one granule.
    pub(crate) fn granule(&mut self, input: &Subbands, pcm: &mut [f32; GRANULE]) {
        run(Synthesis::<SLOTS, 3> {
            x: &mut self.x,
            t: tables(),
            input: &input.0,
            pcm,
            batches: BATCHES,
        });
    }

    /// 1152 PCM samples of a frame's two granules, in one go (fewer
    /// wasted slots than two granules apart; the same samples).
    pub(crate) fn frame(&mut self, input: &FrameSubbands, pcm: &mut [f32; 2 * GRANULE]) {
        run(Synthesis::<FRAME_SLOTS, 5> {
            x: &mut self.x,
            t: tables(),
            input: &input.0,
            pcm,
            batches: FRAME_BATCHES,
        });
    }
}

/// One call's synthesis of `N` slots in batches `batches`, for dispatch.
struct Synthesis<'a, const N: usize, const B: usize> {
    x: &'a mut [[f32; HISTORY]; SUBBANDS],
    t: &'a Tables,
    /// Sample `sb * N + t`.
    input: &'a [f32],
    /// Sample `32 t + j`.
    pcm: &'a mut [f32],
    batches: [usize; B],
}

impl<const N: usize, const B: usize> Kernel for Synthesis<'_, N, B> {
    #[inline(always)]
    fn call<S: Simd>(self, simd: S) {
        let Self {
            x,
            t,
            input,
            pcm,
            batches,
        } = self;
        let zero = simd.splat_f32s(0.0);
        let mut s = [zero; SUBBANDS];
        let mut tmp = [zero; SUBBANDS];
        for t0 in batches {
            for (k, v) in s.iter_mut().enumerate() {
                *v = load::<S>(&input[k * N + t0..]);
            }
            dct32(simd, &mut s, &mut tmp, t);
            for (xm, &v) in x.iter_mut().zip(&s) {
                store::<S>(&mut xm[AGES - 1 + t0..], v);
            }
        }
        for t0 in batches {
            // out[j][l]: sample j of slot t0 + l.
            let mut out = [[0.0f32; LANES]; SUBBANDS];
            for (j, (taps, out)) in t.taps.chunks_exact(AGES).zip(out.iter_mut()).enumerate() {
                // Even ages read V[j], odd ones V[32 + j]: X rows `even`
                // and `odd`, slot `t0 - a + lane` at `15 - a + lane`.
                let even = &x[v_source(j).1][t0..t0 + AGES - 1 + LANES];
                let odd = &x[v_source(SUBBANDS + j).1][t0..t0 + AGES - 1 + LANES];
                let mut acc = zero;
                for (a, tap) in taps.iter().enumerate() {
                    let row = if a % 2 == 0 { even } else { odd };
                    let v = load::<S>(&row[AGES - 1 - a..]);
                    acc = simd.add_f32s(acc, simd.mul_f32s(v, load::<S>(tap)));
                }
                store::<S>(out, acc);
            }
            for (l, slot) in pcm[t0 * SUBBANDS..(t0 + LANES) * SUBBANDS]
                .chunks_exact_mut(SUBBANDS)
                .enumerate()
            {
                for (o, out) in slot.iter_mut().zip(&out) {
                    *o = out[l];
                }
            }
        }
        for xm in x.iter_mut() {
            xm.copy_within(N..N + AGES - 1, 0);
        }
    }
}

/// Lee's split of an N-point DCT-II into two N/2-point ones: `tmp` gets the
/// sums `x[k] + x[N-1-k]`, then the differences scaled by
/// `1 / (2 cos((2k+1)π/2N))`.
#[inline(always)]
fn split<S: Simd>(simd: S, x: &[S::f32s], tmp: &mut [S::f32s], scale: &[Lane]) {
    let n = x.len();
    let (a, b) = tmp.split_at_mut(n / 2);
    for (k, ((a, b), c)) in a.iter_mut().zip(b.iter_mut()).zip(scale).enumerate() {
        let (p, q) = (x[k], x[n - 1 - k]);
        *a = simd.add_f32s(p, q);
        *b = simd.mul_f32s(simd.sub_f32s(p, q), load::<S>(c));
    }
}

/// Lee's merge of the two half transforms in `tmp`: `X[2m] = A[m]`,
/// `X[2m+1] = B[m] + B[m+1]` (`B[N/2] = 0`).
#[inline(always)]
fn merge<S: Simd>(simd: S, tmp: &[S::f32s], x: &mut [S::f32s]) {
    let h = x.len() / 2;
    let (a, b) = tmp.split_at(h);
    for m in 0..h - 1 {
        x[2 * m] = a[m];
        x[2 * m + 1] = simd.add_f32s(b[m], b[m + 1]);
    }
    x[2 * h - 2] = a[h - 1];
    x[2 * h - 1] = b[h - 1];
}

/// `X[m] = Σ_k x[k] cos(m (2k+1) π / 64)` in place, per lane (`tmp` is
/// scratch of the same length): one level of Lee's recursion per size.
#[inline(always)]
fn dct32<S: Simd>(simd: S, x: &mut [S::f32s], tmp: &mut [S::f32s], t: &Tables) {
    split(simd, x, tmp, &t.lee32);
    let (ta, tb) = tmp.split_at_mut(16);
    let (xa, xb) = x.split_at_mut(16);
    dct16(simd, ta, xa, t);
    dct16(simd, tb, xb, t);
    merge(simd, tmp, x);
}

#[inline(always)]
fn dct16<S: Simd>(simd: S, x: &mut [S::f32s], tmp: &mut [S::f32s], t: &Tables) {
    split(simd, x, tmp, &t.lee16);
    let (ta, tb) = tmp.split_at_mut(8);
    let (xa, xb) = x.split_at_mut(8);
    dct8(simd, ta, xa, t);
    dct8(simd, tb, xb, t);
    merge(simd, tmp, x);
}

#[inline(always)]
fn dct8<S: Simd>(simd: S, x: &mut [S::f32s], tmp: &mut [S::f32s], t: &Tables) {
    split(simd, x, tmp, &t.lee8);
    let (ta, tb) = tmp.split_at_mut(4);
    let (xa, xb) = x.split_at_mut(4);
    dct4(simd, ta, xa, t);
    dct4(simd, tb, xb, t);
    merge(simd, tmp, x);
}

#[inline(always)]
fn dct4<S: Simd>(simd: S, x: &mut [S::f32s], tmp: &mut [S::f32s], t: &Tables) {
    split(simd, x, tmp, &t.lee4);
    let (ta, tb) = tmp.split_at_mut(2);
    dct2(simd, ta, t);
    dct2(simd, tb, t);
    merge(simd, tmp, x);
}

#[inline(always)]
fn dct2<S: Simd>(simd: S, x: &mut [S::f32s], t: &Tables) {
    let (p, q) = (x[0], x[1]);
    x[0] = simd.add_f32s(p, q);
    x[1] = simd.mul_f32s(simd.sub_f32s(p, q), load::<S>(&t.lee2));
}

/// The first 257 values of the synthesis window D (Table B.3) times 2^16:
/// every value of the standard's table is an integer over 65,536 rounded to
/// nine decimals. The rest follows from `D[512 - i] = -D[i]`, except
/// `D[512 - i] = D[i]` for i = 64, 128 and 192.
#[rustfmt::skip]
const WINDOW_HEAD: [i32; 257] = [
    0, -1, -1, -1, -1, -1, -1, -2, -2, -2, -2, -3,
    -3, -4, -4, -5, -5, -6, -7, -7, -8, -9, -10, -11,
    -13, -14, -16, -17, -19, -21, -24, -26, -29, -31, -35, -38,
    -41, -45, -49, -53, -58, -63, -68, -73, -79, -85, -91, -97,
    -104, -111, -117, -125, -132, -139, -147, -154, -161, -169, -176, -183,
    -190, -196, -202, -208, 213, 218, 222, 225, 227, 228, 228, 227,
    224, 221, 215, 208, 200, 189, 177, 163, 146, 127, 106, 83,
    57, 29, -2, -36, -72, -111, -153, -197, -244, -294, -347, -401,
    -459, -519, -581, -645, -711, -779, -848, -919, -991, -1064, -1137, -1210,
    -1283, -1356, -1428, -1498, -1567, -1634, -1698, -1759, -1817, -1870, -1919, -1962,
    -2001, -2032, -2057, -2075, -2085, -2087, -2080, -2063, 2037, 2000, 1952, 1893,
    1822, 1739, 1644, 1535, 1414, 1280, 1131, 970, 794, 605, 402, 185,
    -45, -288, -545, -814, -1095, -1388, -1692, -2006, -2330, -2663, -3004, -3351,
    -3705, -4063, -4425, -4788, -5153, -5517, -5879, -6237, -6589, -6935, -7271, -7597,
    -7910, -8209, -8491, -8755, -8998, -9219, -9416, -9585, -9727, -9838, -9916, -9959,
    -9966, -9935, -9863, -9750, -9592, -9389, -9139, -8840, -8492, -8092, -7640, -7134,
    6574, 5959, 5288, 4561, 3776, 2935, 2037, 1082, 70, -998, -2122, -3300,
    -4533, -5818, -7154, -8540, -9975, -11455, -12980, -14548, -16155, -17799, -19478, -21189,
    -22929, -24694, -26482, -28289, -30112, -31947, -33791, -35640, -37489, -39336, -41176, -43006,
    -44821, -46617, -48390, -50137, -51853, -53534, -55178, -56778, -58333, -59838, -61289, -62684,
    -64019, -65290, -66494, -67629, -68692, -69679, -70590, -71420, -72169, -72835, -73415, -73908,
    -74313, -74630, -74856, -74992, 75038,
];

/// The synthesis window D, entry `i` of Table B.3.
fn window_value(i: usize) -> f32 {
    let k = match i {
        0..=256 => WINDOW_HEAD[i],
        _ if i.is_multiple_of(64) => WINDOW_HEAD[TAPS - i],
        _ => -WINDOW_HEAD[TAPS - i],
    };
    k as f32 / 65536.0
}

/// Coefficients computed once, each repeated in 8 lanes.
struct Tables {
    /// Lee's factors `1 / (2 cos((2k+1)π / 2N))` for N = 32, 16, 8, 4, 2.
    lee32: [Lane; 16],
    lee16: [Lane; 8],
    lee8: [Lane; 4],
    lee4: [Lane; 2],
    lee2: Lane,
    /// `taps[16 j + a]`: `±D[32a + j]`, the sign of the `X` value that
    /// V holds there (0 where V is 0).
    taps: [Lane; TAPS],
}

/// Lee's factors of an N-point split.
fn lee<const H: usize>() -> [Lane; H] {
    let n = (2 * H) as f64;
    let mut c = [[0.0; LANES]; H];
    for (k, v) in c.iter_mut().enumerate() {
        *v = [(0.5 / ((2 * k + 1) as f64 * std::f64::consts::PI / (2.0 * n)).cos()) as f32; LANES];
    }
    c
}

/// Where V value `i` (0..64) of a slot comes from: `(sign, m)` of `±X[m]`.
#[inline(always)]
fn v_source(i: usize) -> (f32, usize) {
    match i {
        0..16 => (1.0, 16 + i),
        16 => (0.0, 0),
        17..48 => (-1.0, 48 - i),
        _ => (-1.0, i - 48),
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut taps = [[0.0; LANES]; TAPS];
        for j in 0..SUBBANDS {
            for a in 0..AGES {
                // Even ages read V[j], odd ones V[32 + j].
                let sign = v_source(j + SUBBANDS * (a % 2)).0;
                taps[AGES * j + a] = [sign * window_value(SUBBANDS * a + j); LANES];
            }
        }
        Tables {
            lee32: lee(),
            lee16: lee(),
            lee8: lee(),
            lee4: lee(),
            lee2: lee::<1>()[0],
            taps,
        }
    })
}

#[cfg(test)]
#[path = "polyphase_tests.rs"]
mod tests;
