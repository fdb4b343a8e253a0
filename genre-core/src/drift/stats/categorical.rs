//! Count-based tests: chi-square, two-proportion z, G-test, total variation distance.

use super::counts::Counts;
use super::special::{chi2_sf, ndtr};

/// Evidently's chi-square test: observed = current counts, expected =
/// reference counts × n_cur / n_ref; `scipy.stats.chisquare` p-value.
///
/// A category absent from the reference gives p = 0; a single category gives NaN.
pub(crate) fn chisquare(counts: &Counts) -> f64 {
    let k_norm = counts.current_total() as f64 / counts.reference_total() as f64;
    let stat: f64 = counts
        .reference
        .iter()
        .zip(&counts.current)
        .map(|(&r, &c)| {
            let exp = r as f64 * k_norm;
            let d = c as f64 - exp;
            d * d / exp
        })
        .sum();
    chi2_sf(stat, counts.len().saturating_sub(1))
}

/// Evidently's two-proportion z-test (`p = 2 (1 − Φ(|z|))`), where the
/// proportion is the share of values different from the smallest category.
pub(crate) fn z_test(counts: &Counts, smallest: usize) -> f64 {
    if counts.reference_unique() == 1 && counts.current_unique() == 1 {
        let r = counts.reference.iter().position(|&c| c > 0);
        let c = counts.current.iter().position(|&c| c > 0);
        if r == c {
            return 1.0;
        }
    }
    let n1 = counts.reference_total() as f64;
    let n2 = counts.current_total() as f64;
    let s1 = n1 - counts.reference.get(smallest).copied().unwrap_or(0) as f64;
    let s2 = n2 - counts.current.get(smallest).copied().unwrap_or(0) as f64;
    let p1 = s1 / n1;
    let p2 = s2 / n2;
    let p = (p1 * n1 + p2 * n2) / (n1 + n2);
    let z = (p1 - p2) / (p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)).sqrt();
    2.0 * (1.0 - ndtr(z.abs()))
}

/// G-test (`power_divergence(lambda_="log-likelihood")`) with raw reference
/// counts as expected frequencies, as Evidently does (meaningful for equal sizes).
pub(crate) fn g_test(counts: &Counts) -> f64 {
    let stat: f64 = 2.0
        * counts
            .reference
            .iter()
            .zip(&counts.current)
            .map(|(&e, &o)| {
                let (o, e) = (o as f64, e as f64);
                if o == 0.0 {
                    if e >= 0.0 { 0.0 } else { f64::INFINITY }
                } else if e > 0.0 {
                    o * (o / e).ln()
                } else {
                    f64::INFINITY
                }
            })
            .sum::<f64>();
    chi2_sf(stat, counts.len().saturating_sub(1))
}

/// Total variation distance `½ Σ |r/Σr − c/Σc|`.
pub(crate) fn total_variation(reference: &[u64], current: &[u64]) -> f64 {
    let sr: u64 = reference.iter().sum();
    let sc: u64 = current.iter().sum();
    0.5 * reference
        .iter()
        .zip(current)
        .map(|(&r, &c)| (r as f64 / sr as f64 - c as f64 / sc as f64).abs())
        .sum::<f64>()
}
