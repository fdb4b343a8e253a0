//! Deterministic seed-shaped monitoring data for tests, benches and examples:
//! 13 float MFCC-mean columns (`mfcc_1` … `mfcc_13`, the last rounded to one
//! decimal so it has ties) and a `predicted_genre` column with GTZAN's labels.
//!
//! Values come from a counter-based splitmix64, so any row can be generated
//! independently; `tests/scripts/gen_drift_golden.py` mirrors it bit for bit
//! with numpy, which lets golden files store only parameters.

use super::column::{ColumnValues, Dataset};
use crate::model::GTZAN_LABELS;

const LOC: [f64; 13] = [
    -250.0, 110.0, -20.0, 40.0, -10.0, 15.0, -8.0, 10.0, -6.0, 5.0, -4.0, 3.0, -2.0,
];
const SCALE: [f64; 13] = [
    60.0, 25.0, 15.0, 12.0, 10.0, 8.0, 8.0, 7.0, 6.0, 6.0, 5.0, 5.0, 4.0,
];

/// Uniform in [0, 1) from splitmix64 of `seed + (idx + 1) · γ` (top 53 bits).
pub fn uniform(seed: u64, idx: u64) -> f64 {
    let x = seed.wrapping_add(idx.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut z = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `rows` rows of seed-shaped data. Column `c` is
/// `loc_c + scale_c · (u1 + u2 + u3 + u4 − 2 + shift_c)`; with `skew` the genre
/// draw is squared (drifting towards the first genres). Missing `shift`
/// entries count as 0.
///
/// ```
/// use genre_core::drift::synthetic::seed_frame;
/// let d = seed_frame(1, 5, &[], false);
/// assert_eq!(d.rows(), 5);
/// assert_eq!(d.names().count(), 14);
/// ```
pub fn seed_frame(seed: u64, rows: usize, shift: &[f64], skew: bool) -> Dataset {
    let mut d = Dataset::new();
    for c in 0..13u64 {
        let (loc, scale) = (LOC[c as usize], SCALE[c as usize]);
        let sh = shift.get(c as usize).copied().unwrap_or(0.0);
        let v: Vec<f64> = (0..rows as u64)
            .map(|r| {
                let base = (r * 14 + c) * 4;
                let mut s = uniform(seed, base);
                s += uniform(seed, base + 1);
                s += uniform(seed, base + 2);
                s += uniform(seed, base + 3);
                let v = loc + scale * ((s - 2.0) + sh);
                if c == 12 {
                    (v * 10.0).round_ties_even() / 10.0
                } else {
                    v
                }
            })
            .collect();
        // Names are unique and lengths equal, so push cannot fail.
        let _ = d.push(format!("mfcc_{}", c + 1), ColumnValues::Float(v));
    }
    let g: Vec<Option<String>> = (0..rows as u64)
        .map(|r| {
            let mut u = uniform(seed, (r * 14 + 13) * 4);
            if skew {
                u *= u;
            }
            let idx = ((u * 10.0) as usize).min(9);
            GTZAN_LABELS.get(idx).map(|s| (*s).to_string())
        })
        .collect();
    let _ = d.push("predicted_genre", ColumnValues::Str(g));
    d
}
