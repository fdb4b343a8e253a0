//! Energy distance, `scipy.stats.energy_distance`: `sqrt(2)` times the L2
//! distance between the empirical CDFs.

use super::merge::integrate_cdf_diff;

/// Energy distance of two **sorted** non-empty samples.
pub(crate) fn energy_distance(a: &[f64], b: &[f64]) -> f64 {
    std::f64::consts::SQRT_2 * integrate_cdf_diff(a, b, |d| d * d).sqrt()
}
