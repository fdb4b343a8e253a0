//! Two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(a, b)`
//! (two-sided, `method="auto"`): exact p-values when both samples have at most
//! 10,000 values, otherwise the asymptotic `kstwo.sf(D, round(n1 n2 / (n1 + n2)))`.

use super::kolmogorov::kstwo_sf;
use super::merge::steps;

/// Largest sample size for which `method="auto"` computes the exact p-value.
const MAX_AUTO_N: usize = 10_000;

/// The KS statistic `D` of two **sorted**, non-empty samples, bit-identical
/// to scipy's `searchsorted`-based computation.
pub(crate) fn statistic(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut max_s, mut min_s) = (f64::NEG_INFINITY, f64::INFINITY);
    for s in steps(a, b) {
        let diff = s.a_le as f64 / n1 - s.b_le as f64 / n2;
        max_s = max_s.max(diff);
        min_s = min_s.min(diff);
    }
    let min_s = (-min_s).clamp(0.0, 1.0);
    if min_s > max_s { min_s } else { max_s }
}

/// Two-sided p-value of `ks_2samp` for sorted samples `a`, `b` (non-empty).
pub(crate) fn p_value(a: &[f64], b: &[f64]) -> f64 {
    let d = statistic(a, b);
    p_value_of(d, a.len(), b.len())
}

/// p-value for statistic `d` and sample sizes `n1`, `n2` (both > 0).
pub(crate) fn p_value_of(d: f64, n1: usize, n2: usize) -> f64 {
    let g = gcd(n1, n2);
    if n1.max(n2) <= MAX_AUTO_N
        && let Some(p) = exact(n1, n2, g, d)
    {
        return p.clamp(0.0, 1.0);
    }
    let (m, n) = if n1 >= n2 {
        (n1 as f64, n2 as f64)
    } else {
        (n2 as f64, n1 as f64)
    };
    let en = m * n / (m + n);
    kstwo_sf(d, en.round_ties_even()).clamp(0.0, 1.0)
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// scipy's `_attempt_exact_2kssamp` for the two-sided alternative.
fn exact(n1: usize, n2: usize, g: usize, d: f64) -> Option<f64> {
    let lcm = (n1 / g) as f64 * n2 as f64;
    let h = (d * lcm).round_ties_even();
    if h == 0.0 {
        return Some(1.0);
    }
    let h = h as u64;
    let prob = if n1 == n2 {
        prob_outside_square(n1 as u64, h)
    } else {
        outer_prob_inside(n1 as u64, n2 as u64, g as u64, h)
    };
    (prob.is_finite() && (0.0..=1.0).contains(&prob)).then_some(prob)
}

/// Pr(D_{n,n} >= h/n), Horner-like alternating sum (scipy `_compute_prob_outside_square`).
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let (nf, hf) = (n as f64, h as f64);
    let mut p = 0.0;
    let mut k = (nf / hf).floor() as i64;
    while k >= 0 {
        let kf = k as f64;
        let mut p1 = 1.0;
        for j in 0..h {
            let jf = j as f64;
            p1 = (nf - kf * hf - jf) * p1 / (nf + kf * hf + jf + 1.0);
        }
        p = p1 * (1.0 - p);
        k -= 1;
    }
    2.0 * p
}

/// 1 − the proportion of lattice paths staying strictly inside the band
/// (scipy `_compute_outer_prob_inside_method`, Viehmann's recursion).
fn outer_prob_inside(m: u64, n: u64, g: u64, h: u64) -> f64 {
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (mg, ng) = ((m / g) as i64, (n / g) as i64);
    let (n, h) = (n as i64, h as i64);
    let mut minj: i64 = 0;
    let mut maxj: i64 = ((h as f64 / mg as f64).ceil() as i64).min(n + 1);
    let mut curlen = maxj - minj;
    let len_a = (2 * maxj + 2).min(n + 1).max(1) as usize;
    let mut a = vec![1.0f64; len_a];
    for v in a.iter_mut().take(maxj.max(0) as usize) {
        *v = 0.0;
    }
    for i in 1..=(m as i64) {
        let (lastminj, lastlen) = (minj, curlen);
        minj = ((((ng * i - h) as f64) / mg as f64).floor() as i64 + 1).max(0);
        minj = minj.min(n);
        maxj = (((ng * i + h) as f64 / mg as f64).ceil() as i64).min(n + 1);
        if maxj <= minj {
            return 1.0;
        }
        let mut val = if minj == 0 { 0.0 } else { 1.0 };
        let fi = i as f64;
        for jj in 0..(maxj - minj) {
            let j = (jj + minj) as f64;
            let src = a
                .get((jj + minj - lastminj) as usize)
                .copied()
                .unwrap_or(1.0);
            val = (src * fi + val * j) / (fi + j);
            if let Some(slot) = a.get_mut(jj as usize) {
                *slot = val;
            }
        }
        curlen = maxj - minj;
        if lastlen > curlen {
            let start = (maxj - minj) as usize;
            let end = (start + (lastlen - curlen) as usize).min(a.len());
            for v in a.iter_mut().take(end).skip(start) {
                *v = 1.0;
            }
        }
    }
    a.get((maxj - minj - 1) as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistic_with_ties() {
        let a = [1.0, 2.0, 2.0, 3.0];
        let b = [2.0, 3.0, 3.0];
        // cdf at 1: 1/4 - 0; at 2: 3/4 - 1/3; at 3: 1 - 1
        assert_eq!(statistic(&a, &b), 0.75 - 1.0 / 3.0);
    }

    #[test]
    fn identical_samples_have_p_one() {
        let a = [1.0, 2.0, 3.0];
        assert_eq!(p_value(&a, &a), 1.0);
    }
}
