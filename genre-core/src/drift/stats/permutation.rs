//! Permutation tests with a caller-given seed.
//!
//! genre draws relabelings with its own splitmix64 generator over the cleaned,
//! sorted pool of values, so a p-value depends only on the data, the seed and
//! the number of draws: it is reproducible on every platform and identical
//! with a saved profile. Evidently's TVD seeds numpy's global generator with 0
//! and permutes rows in their original order (fixed for a given row order,
//! different after any reordering), and its empirical_mmd does not seed at
//! all; genre's p-values agree with both in distribution, not draw for draw
//! (tested statistically in `tests/drift_methods.rs`).

use super::categorical::total_variation;
use super::counts::Counts;

/// splitmix64: small, fast, and the same on every platform.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `0..n` (n > 0), by Lemire's multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// Two-sided permutation p-value of the total variation distance:
/// the share of `iterations` random relabelings whose TVD is at least the observed one.
pub(crate) fn tvd_p_value(counts: &Counts, seed: u64, iterations: usize) -> f64 {
    let observed = total_variation(&counts.reference, &counts.current);
    let n_ref = counts.reference_total() as usize;
    let mut pool: Vec<u32> = Vec::with_capacity(n_ref + counts.current_total() as usize);
    for (k, (&r, &c)) in counts.reference.iter().zip(&counts.current).enumerate() {
        pool.extend(std::iter::repeat_n(k as u32, (r + c) as usize));
    }
    let k = counts.len();
    let mut rng = SplitMix64::new(seed);
    let (mut perm_ref, mut perm_cur) = (vec![0u64; k], vec![0u64; k]);
    let mut hits = 0usize;
    for _ in 0..iterations {
        // Partial Fisher–Yates: the first n_ref slots become the new reference.
        let len = pool.len();
        for i in 0..n_ref.min(len) {
            let j = i + rng.below((len - i) as u64) as usize;
            pool.swap(i, j);
        }
        perm_ref.iter_mut().for_each(|v| *v = 0);
        perm_cur.iter_mut().for_each(|v| *v = 0);
        for (i, &cat) in pool.iter().enumerate() {
            let slot = if i < n_ref {
                &mut perm_ref
            } else {
                &mut perm_cur
            };
            if let Some(v) = slot.get_mut(cat as usize) {
                *v += 1;
            }
        }
        if observed <= total_variation(&perm_ref, &perm_cur).abs() {
            hits += 1;
        }
    }
    hits as f64 / iterations as f64
}
