//! Normed Wasserstein distance: `scipy.stats.wasserstein_distance(ref, cur)`
//! divided by `max(std(ref, ddof=0), 0.001)`, as Evidently's "wasserstein".

use super::merge::integrate_cdf_diff;

/// First Wasserstein distance of two **sorted** non-empty samples
/// (the area between the empirical CDFs).
pub(crate) fn distance(a: &[f64], b: &[f64]) -> f64 {
    integrate_cdf_diff(a, b, f64::abs)
}

/// Population standard deviation (`numpy.std`, ddof = 0).
pub(crate) fn std_dev(a: &[f64]) -> f64 {
    let n = a.len() as f64;
    let mean = a.iter().sum::<f64>() / n;
    let var = a.iter().map(|&x| (x - mean) * (x - mean)).sum::<f64>() / n;
    var.sqrt()
}

/// Evidently's normed Wasserstein distance for sorted samples.
pub(crate) fn normed(a: &[f64], b: &[f64]) -> f64 {
    distance(a, b) / std_dev(a).max(0.001)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scipy_doc_example() {
        assert_eq!(distance(&[0.0, 1.0, 3.0], &[5.0, 6.0, 8.0]), 5.0);
    }
}
