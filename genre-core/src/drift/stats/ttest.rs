//! Student's two-sample t-test with equal variances, `scipy.stats.ttest_ind`.

use super::special::t_sf;

/// Two-sided p-value of the pooled-variance t-test (samples of at least 2 values in total beyond 2).
pub(crate) fn t_test(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let (m1, m2) = (mean(a), mean(b));
    let var = |s: &[f64], m: f64| {
        s.iter().map(|&x| (x - m) * (x - m)).sum::<f64>() / (s.len() as f64 - 1.0)
    };
    let (v1, v2) = (var(a, m1), var(b, m2));
    let df = n1 + n2 - 2.0;
    let svar = ((n1 - 1.0) * v1 + (n2 - 1.0) * v2) / df;
    let t = (m1 - m2) / (svar * (1.0 / n1 + 1.0 / n2)).sqrt();
    (2.0 * t_sf(t.abs(), df)).clamp(0.0, 1.0)
}
