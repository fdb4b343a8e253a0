//! Mann–Whitney U test, `scipy.stats.mannwhitneyu(ref, cur, alternative="less")`
//! as Evidently calls it: exact when a sample has at most 8 values and there are
//! no ties, otherwise the normal approximation with tie and continuity corrections.

use super::merge::steps;
use super::special::ndtr;

/// One-sided ("less") p-value for **sorted** non-empty samples `a` (reference), `b`.
pub(crate) fn mann_whitney_less(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len(), b.len());
    // Rank sum of `a` with average ranks for ties, and the tie term Σ(t³ − t).
    let mut rank = 0.0f64; // ranks assigned so far
    let mut r1 = 0.0f64;
    let mut tie_term = 0.0f64;
    let mut ties = false;
    for s in steps(a, b) {
        let t = (s.in_a + s.in_b) as f64;
        r1 += (rank + (t + 1.0) / 2.0) * s.in_a as f64;
        rank += t;
        ties |= t > 1.0;
        tie_term += t * t * t - t;
    }
    let (f1, f2) = (n1 as f64, n2 as f64);
    let u1 = r1 - f1 * (f1 + 1.0) / 2.0;
    let u2 = f1 * f2 - u1;
    let p = if (n1 > 8 && n2 > 8) || ties {
        let mu = f1 * f2 / 2.0;
        let n = f1 + f2;
        let s = (f1 * f2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
        let z = (u2 - mu - 0.5) / s;
        ndtr(-z)
    } else {
        exact_sf(n1, n2, u2)
    };
    p.clamp(0.0, 1.0)
}

/// Pr(U >= u) under H0 for sample sizes `n1`, `n2` without ties, from the
/// Gaussian-binomial generating function of U.
fn exact_sf(n1: usize, n2: usize, u: f64) -> f64 {
    let (m, n) = if n1 <= n2 { (n1, n2) } else { (n2, n1) };
    let max_u = m * n;
    // coefficients of prod_{i=1..m} (1 - q^{n+i}) / (1 - q^i)
    let mut c = vec![0.0f64; max_u + 1];
    if let Some(c0) = c.get_mut(0) {
        *c0 = 1.0;
    }
    for i in 1..=m {
        // multiply by (1 - q^{n+i})
        let s = n + i;
        for k in (s..=max_u).rev() {
            let sub = c.get(k - s).copied().unwrap_or(0.0);
            if let Some(ck) = c.get_mut(k) {
                *ck -= sub;
            }
        }
        // divide by (1 - q^i): running sum with stride i
        for k in i..=max_u {
            let add = c.get(k - i).copied().unwrap_or(0.0);
            if let Some(ck) = c.get_mut(k) {
                *ck += add;
            }
        }
    }
    let total: f64 = c.iter().sum();
    let k = u.ceil().max(0.0) as usize;
    let tail: f64 = c.iter().skip(k).sum();
    tail / total
}
