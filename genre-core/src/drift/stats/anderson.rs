//! k-sample Anderson–Darling test for two samples, as Evidently's "anderson"
//! calls it: `scipy.stats.anderson_ksamp([ref, cur])` (midrank variant,
//! Scholz & Stephens 1987, eq. 7), p-value interpolated from the tabulated
//! critical values and capped / floored to `[0.001, 0.25]` as scipy does
//! (scipy warns; genre returns the capped value silently, as Evidently does).

use super::merge::steps;

/// scipy's interpolation coefficients: `np.polyfit(critical, log(sig), 2)` for
/// two samples (`m = k − 1 = 1`), a fixed quadratic in the normalised statistic.
#[allow(clippy::excessive_precision)]
const LOG_P_POLY: [f64; 3] = [0.01819809457411147, -1.0082265644652515, -1.077770279820484];

/// Tabulated critical values for `m = 1` are `b0 + b1 + b2` (Table 2 of
/// Scholz & Stephens); only the smallest (25 %) and largest (0.1 %) are needed.
const CRITICAL_MIN: f64 = 0.675 + -0.245 / 1.0 + -0.105 / 1.0;
const CRITICAL_MAX: f64 = 3.085 + 3.615 / 1.0 + -0.154 / 1.0;

/// The normalised statistic `A2` of `anderson_ksamp([a, b])` for **sorted**
/// non-empty samples; `None` when scipy raises (a single distinct value) or the
/// variance normalisation is undefined (fewer than four values in total).
pub(crate) fn statistic(a: &[f64], b: &[f64]) -> Option<f64> {
    let (na, nb) = (a.len(), b.len());
    let n_total = na + nb;
    if na == 0 || nb == 0 || steps(a, b).nth(1).is_none() {
        return None;
    }
    let n = n_total as f64;
    let (fa, fb) = (na as f64, nb as f64);
    // A2akN, eq. 7: sum over distinct values z_j of l_j/N (N M_ij − B_j n_i)² / (B_j (N − B_j) − N l_j / 4).
    let (mut sum_a, mut sum_b) = (0.0f64, 0.0f64);
    for s in steps(a, b) {
        let lj = (s.in_a + s.in_b) as f64;
        let left = ((s.a_le - s.in_a) + (s.b_le - s.in_b)) as f64;
        let bj = left + lj / 2.0;
        let denom = bj * (n - bj) - n * lj / 4.0;
        let ma = s.a_le as f64 - s.in_a as f64 / 2.0;
        let mb = s.b_le as f64 - s.in_b as f64 / 2.0;
        let da = n * ma - bj * fa;
        let db = n * mb - bj * fb;
        sum_a += lj / n * (da * da) / denom;
        sum_b += lj / n * (db * db) / denom;
    }
    let a2akn = (sum_a / fa + sum_b / fb) * ((n - 1.0) / n);

    // Mean and variance of A2akN under H0 (Scholz & Stephens, eq. 4), k = 2.
    let k = 2.0f64;
    let h_small = 1.0 / fa + 1.0 / fb;
    // hs_cs = cumsum(1 / [N−1, N−2, …, 2]); h = Σ_{i<N} 1/i; g = Σ hs_cs[i] / (i + 2).
    let mut cum = 0.0f64;
    let mut g = 0.0f64;
    for (idx, i) in (2..n_total).rev().enumerate() {
        cum += 1.0 / i as f64;
        g += cum / (idx + 2) as f64;
    }
    let h = cum + 1.0;
    let ca = (4.0 * g - 6.0) * (k - 1.0) + (10.0 - 6.0 * g) * h_small;
    let cb = (2.0 * g - 4.0) * k * k + 8.0 * h * k + (2.0 * g - 14.0 * h - 4.0) * h_small - 8.0 * h
        + 4.0 * g
        - 6.0;
    let cc = (6.0 * h + 2.0 * g - 2.0) * k * k
        + (4.0 * h - 4.0 * g + 6.0) * k
        + (2.0 * h - 6.0) * h_small
        + 4.0 * h;
    let cd = (2.0 * h + 6.0) * k * k - 4.0 * h * k;
    // scipy forms N**3 and N**2 as exact integers before multiplying.
    let n3 = (n_total as u128).pow(3) as f64;
    let n2 = (n_total as u128).pow(2) as f64;
    let sigmasq = (ca * n3 + cb * n2 + cc * n + cd) / ((n - 1.0) * (n - 2.0) * (n - 3.0));
    // scipy's math.sqrt raises on a negative (or NaN) variance.
    if sigmasq.is_nan() || sigmasq < 0.0 {
        return None;
    }
    let m = k - 1.0;
    Some((a2akn - m) / sigmasq.sqrt())
}

/// Evidently's "anderson" score: the capped / floored interpolated p-value.
pub(crate) fn p_value(a: &[f64], b: &[f64]) -> f64 {
    match statistic(a, b) {
        Some(a2) => p_from_statistic(a2),
        None => f64::NAN,
    }
}

fn p_from_statistic(a2: f64) -> f64 {
    if a2 < CRITICAL_MIN {
        0.25
    } else if a2 > CRITICAL_MAX {
        0.001
    } else {
        let [p0, p1, p2] = LOG_P_POLY;
        ((p0 * a2 + p1) * a2 + p2).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_and_floor() {
        assert_eq!(p_from_statistic(-1.0), 0.25);
        assert_eq!(p_from_statistic(10.0), 0.001);
        // At the tabulated 5 % critical value the interpolation is close to 0.05.
        let p = p_from_statistic(1.961);
        assert!((p - 0.05).abs() < 0.005, "{p}");
    }

    #[test]
    fn single_distinct_value_is_undefined() {
        assert!(p_value(&[1.0, 1.0], &[1.0]).is_nan());
    }
}
