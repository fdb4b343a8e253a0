//! Normed Wasserstein distance: `scipy.stats.wasserstein_distance(ref, cur)`
//! divided by `max(std(ref, ddof=0), 0.001)`, as Evidently's "wasserstein".

/// First Wasserstein distance of two **sorted** non-empty samples
/// (the area between the empirical CDFs).
pub(crate) fn distance(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut total = 0.0;
    let mut prev: Option<f64> = None;
    // Walk the merged values; between consecutive merged values the CDFs are
    // constant at (#a <= prev)/n1 and (#b <= prev)/n2.
    loop {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        if let Some(p) = prev {
            let delta = v - p;
            total += (i as f64 / n1 - j as f64 / n2).abs() * delta;
        }
        // Each merged element contributes one delta; equal values give zero deltas.
        if a.get(i).is_some_and(|&x| x == v) {
            i += 1;
        } else {
            j += 1;
        }
        prev = Some(v);
    }
    total
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
