//! Hellinger distance as Evidently computes it.

use super::binning::{histogram_sorted, sturges_edges};
use super::counts::Counts;

/// Categorical: `sqrt(1 − clip(Σ sqrt(p q), 0, 1))` over category shares.
pub(crate) fn categorical(counts: &Counts) -> f64 {
    let (nr, nc) = (
        counts.reference_total() as f64,
        counts.current_total() as f64,
    );
    let bc: f64 = counts
        .reference
        .iter()
        .zip(&counts.current)
        .map(|(&r, &c)| ((r as f64 / nr) * (c as f64 / nc)).sqrt())
        .sum();
    (1.0 - bc.clamp(0.0, 1.0)).sqrt()
}

/// Numerical: Sturges edges over the *distinct* values of both samples,
/// density histograms, `BC = Σ sqrt(h1 h2) · bin_width`.
pub(crate) fn numerical(a: &[f64], b: &[f64], distinct: usize, integer: bool) -> f64 {
    let min = a
        .first()
        .copied()
        .unwrap_or(0.0)
        .min(b.first().copied().unwrap_or(f64::INFINITY));
    let max = a
        .last()
        .copied()
        .unwrap_or(0.0)
        .max(b.last().copied().unwrap_or(f64::NEG_INFINITY));
    let edges = sturges_edges(min, max, distinct, integer);
    let h1 = density(&histogram_sorted(a, &edges), &edges);
    let h2 = density(&histogram_sorted(b, &edges), &edges);
    let lo = edges.first().copied().unwrap_or(0.0);
    let hi = edges.last().copied().unwrap_or(0.0);
    let width = (hi - lo) / (edges.len().saturating_sub(1)) as f64;
    let bc: f64 = h1
        .iter()
        .zip(&h2)
        .map(|(&p, &q)| (p * q).sqrt() * width)
        .sum();
    (1.0 - bc.clamp(0.0, 1.0)).sqrt()
}

/// `numpy.histogram(..., density=True)`: `n / db / n.sum()`.
fn density(counts: &[u64], edges: &[f64]) -> Vec<f64> {
    let total: u64 = counts.iter().sum();
    counts
        .iter()
        .zip(edges.windows(2))
        .map(|(&c, w)| match w {
            [l, r] => c as f64 / (r - l) / total as f64,
            _ => 0.0,
        })
        .collect()
}
