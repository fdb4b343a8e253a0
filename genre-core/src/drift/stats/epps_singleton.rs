//! Epps–Singleton two-sample test, `scipy.stats.epps_singleton_2samp(ref, cur)`
//! as Evidently's "es" calls it: the empirical characteristic functions of both
//! samples at `t = (0.4, 0.8)` scaled by the semi-interquartile range of the
//! pooled sample, a quadratic form in their difference with the pseudo-inverse
//! of the pooled covariance, and a chi-square p-value with the covariance's
//! rank as degrees of freedom (small-sample correction below 25 values).
//!
//! Undefined (NaN, reported as no score) when a sample has fewer than five
//! values (scipy's result) or the pooled interquartile range is zero (Evidently
//! raises a ValueError there; scipy would return NaN).

use super::merge::steps;
use super::special::chi2_sf;
use super::sym_eigen::eigen_symmetric;

/// Evaluation points of the characteristic function (scipy's default).
const T: [f64; 2] = [0.4, 0.8];

/// The `k`-th smallest value (0-based) of the union of two sorted samples.
fn kth_pooled(a: &[f64], b: &[f64], k: usize) -> f64 {
    let mut last = f64::NAN;
    for s in steps(a, b) {
        last = s.value;
        if s.a_le + s.b_le > k {
            break;
        }
    }
    last
}

/// `numpy.percentile(pooled, 100 q)` with linear interpolation.
fn percentile_pooled(a: &[f64], b: &[f64], q: f64) -> f64 {
    let n = a.len() + b.len();
    let virt = (n - 1) as f64 * q;
    let prev = virt.floor();
    let gamma = virt - prev;
    let lo = prev as usize;
    let hi = (lo + 1).min(n - 1);
    let (x0, x1) = (kth_pooled(a, b, lo), kth_pooled(a, b, hi));
    let diff = x1 - x0;
    if gamma >= 0.5 {
        x1 - diff * (1.0 - gamma)
    } else {
        x0 + diff * gamma
    }
}

/// Means and biased covariance of `(cos t0 x, cos t1 x, sin t0 x, sin t1 x)`.
fn moments(x: &[f64], ts: [f64; 2]) -> ([f64; 4], [[f64; 4]; 4]) {
    let g = |v: f64| {
        [
            (ts[0] * v).cos(),
            (ts[1] * v).cos(),
            (ts[0] * v).sin(),
            (ts[1] * v).sin(),
        ]
    };
    let n = x.len() as f64;
    let mut mean = [0.0f64; 4];
    for &v in x {
        for (m, gv) in mean.iter_mut().zip(g(v)) {
            *m += gv;
        }
    }
    for m in &mut mean {
        *m /= n;
    }
    let mut cov = [[0.0f64; 4]; 4];
    for &v in x {
        let gv = g(v);
        let c: [f64; 4] = std::array::from_fn(|i| gv[i] - mean[i]);
        for (i, row) in cov.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell += c[i] * c[j];
            }
        }
    }
    // np.cov (ddof 1) times (n − 1)/n.
    for row in &mut cov {
        for cell in row.iter_mut() {
            *cell = *cell * (1.0 / (n - 1.0)) * (n - 1.0) / n;
        }
    }
    (mean, cov)
}

/// p-value of `epps_singleton_2samp(a, b)` for **sorted** samples (NaN where undefined).
pub(crate) fn p_value(a: &[f64], b: &[f64]) -> f64 {
    let (nx, ny) = (a.len(), b.len());
    if nx < 5 || ny < 5 {
        return f64::NAN;
    }
    let iqr = percentile_pooled(a, b, 0.75) - percentile_pooled(a, b, 0.25);
    if iqr == 0.0 || !iqr.is_finite() {
        return f64::NAN;
    }
    let sigma = iqr / 2.0;
    let ts = [T[0] / sigma, T[1] / sigma];
    let (mx, cx) = moments(a, ts);
    let (my, cy) = moments(b, ts);
    let n = (nx + ny) as f64;
    let (fx, fy) = (nx as f64, ny as f64);
    let est: [[f64; 4]; 4] =
        std::array::from_fn(|i| std::array::from_fn(|j| (n / fx) * cx[i][j] + (n / fy) * cy[i][j]));
    let (values, vectors) = eigen_symmetric(est);
    // Pseudo-inverse cutoff of numpy's pinv via the array API (rtol = max(M, N) eps).
    let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let cutoff = 4.0 * f64::EPSILON * largest;
    let g: [f64; 4] = std::array::from_fn(|i| mx[i] - my[i]);
    let mut w = 0.0f64;
    let mut rank = 0usize;
    for (lambda, v) in values.iter().zip(&vectors) {
        if lambda.abs() > cutoff {
            rank += 1;
            let proj: f64 = v.iter().zip(&g).map(|(vi, gi)| vi * gi).sum();
            w += proj * proj / lambda;
        }
    }
    w *= n;
    if nx.max(ny) < 25 {
        let corr = 1.0 / (1.0 + n.powf(-0.45) + 10.1 * (fx.powf(-1.7) + fy.powf(-1.7)));
        w *= corr;
    }
    chi2_sf(w, rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy() {
        // np.percentile([1, 2, 3, 4, 10], [25, 75]) = [2, 4]
        let a = [1.0, 3.0, 10.0];
        let b = [2.0, 4.0];
        assert_eq!(percentile_pooled(&a, &b, 0.25), 2.0);
        assert_eq!(percentile_pooled(&a, &b, 0.75), 4.0);
        // np.percentile([1, 2, 3, 4], 25) = 1.75
        assert_eq!(percentile_pooled(&[1.0, 2.0], &[3.0, 4.0], 0.25), 1.75);
    }

    #[test]
    fn undefined_cases() {
        assert!(p_value(&[1.0, 2.0, 3.0, 4.0], &[1.0, 2.0, 3.0, 4.0, 5.0]).is_nan());
        let c = [1.0; 6];
        assert!(p_value(&c, &c).is_nan());
    }
}
