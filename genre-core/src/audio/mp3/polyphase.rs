//! The polyphase synthesis filterbank (ISO/IEC 11172-3 2.4.3.2.2 and
//! Annex A Figure A.2): per time slot, matrixing of the 32 subband samples
//! into 64 values shifted into a 1024-value FIFO V, then the 512-tap window
//! D over 16 slices of V gives 32 PCM samples.

use std::sync::OnceLock;

use super::granule::{GRANULE, Subbands};

/// Subbands, and PCM samples per time slot.
const SUBBANDS: usize = 32;
/// Values the matrixing adds to V per time slot.
const SLICE: usize = 64;
/// Length of the V FIFO.
const FIFO: usize = 1024;
/// Taps of the synthesis window D.
const TAPS: usize = 512;

/// Polyphase synthesis of one output channel: its 1024-value V FIFO.
pub(crate) struct Polyphase {
    /// V, newest values first (`v[0..64]` from the latest time slot).
    v: [f32; FIFO],
}

impl Polyphase {
    /// A filterbank with silence before the first granule.
    pub(crate) fn new() -> Self {
        Self { v: [0.0; FIFO] }
    }

    /// 576 PCM samples (f32, full scale ±1.0) of one granule.
    pub(crate) fn granule(&mut self, input: &Subbands, pcm: &mut [f32; GRANULE]) {
        let t = tables();
        for (slot, out) in input
            .0
            .chunks_exact(SUBBANDS)
            .zip(pcm.chunks_exact_mut(SUBBANDS))
        {
            self.v.copy_within(0..FIFO - SLICE, SLICE);
            for (vi, row) in self.v.iter_mut().zip(&t.matrix) {
                *vi = row.iter().zip(slot).map(|(n, s)| n * s).sum();
            }
            for (j, o) in out.iter_mut().enumerate() {
                let mut acc = 0.0f32;
                for i in 0..16 {
                    // U[j + 32 i] = V[64 i + j (+ 32 for odd i)].
                    let v = self.v[SLICE * i + j + if i % 2 == 1 { 32 } else { 0 }];
                    acc += v * t.window[j + SUBBANDS * i];
                }
                *o = acc;
            }
        }
    }
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

/// Coefficients computed once.
struct Tables {
    /// `N[i][k] = cos((16 + i)(2k + 1) π / 64)`, rounded to f32.
    matrix: [[f32; SUBBANDS]; SLICE],
    /// D, all 512 taps.
    window: [f32; TAPS],
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut matrix = [[0.0; SUBBANDS]; SLICE];
        for (i, row) in matrix.iter_mut().enumerate() {
            for (k, n) in row.iter_mut().enumerate() {
                let angle = (16 + i) as f64 * (2 * k + 1) as f64 * std::f64::consts::PI / 64.0;
                *n = angle.cos() as f32;
            }
        }
        let mut window = [0.0; TAPS];
        for (i, d) in window.iter_mut().enumerate() {
            *d = window_value(i);
        }
        Tables { matrix, window }
    })
}

#[cfg(test)]
#[path = "polyphase_tests.rs"]
mod tests;
