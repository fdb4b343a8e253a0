//! Two-sample Cramér–von Mises test, `scipy.stats.cramervonmises_2samp(ref,
//! cur)` with `method="auto"`: the exact null distribution (Xiao, Gordon &
//! Yakovlev 2006, exact integer frequencies) when both samples have at most 20
//! values, otherwise Anderson's (1962) normalised statistic against the limiting
//! one-sample distribution (Csörgő & Faraway 1996).
//!
//! Evidently 0.7's "cramer_von_mises" runs its own copy of an older scipy
//! version. Its asymptotic branch is the same computation; its exact branch
//! raises under numpy 2 when the lattice values need an unsigned integer dtype
//! and otherwise counts paths in float32. genre follows scipy 1.17's exact
//! integer branch, so small-sample p-values are exact where Evidently's are
//! rounded or missing.

use std::collections::HashMap;

use super::merge::steps;
use super::special::bessel_k_scaled;

/// Largest sample size for which `method="auto"` uses the exact distribution.
const MAX_EXACT_N: usize = 20;

/// The statistic `U` (Anderson's eq. 10) from midranks of the pooled **sorted** samples.
fn u_statistic(a: &[f64], b: &[f64]) -> f64 {
    let (nx, ny) = (a.len() as f64, b.len() as f64);
    let (mut sx, mut sy) = (0.0f64, 0.0f64);
    let mut before = 0usize; // pooled values below the current one
    for s in steps(a, b) {
        let t = s.in_a + s.in_b;
        let rank = before as f64 + (t as f64 + 1.0) / 2.0;
        for i in (s.a_le - s.in_a)..s.a_le {
            let d = rank - (i + 1) as f64;
            sx += d * d;
        }
        for j in (s.b_le - s.in_b)..s.b_le {
            let d = rank - (j + 1) as f64;
            sy += d * d;
        }
        before += t;
    }
    nx * sx + ny * sy
}

/// p-value of `cramervonmises_2samp(a, b)` for **sorted** samples; NaN (scipy's
/// result) when a sample has fewer than two values.
pub(crate) fn p_value(a: &[f64], b: &[f64]) -> f64 {
    let (nx, ny) = (a.len(), b.len());
    if nx <= 1 || ny <= 1 {
        return f64::NAN;
    }
    let u = u_statistic(a, b);
    if nx.max(ny) <= MAX_EXACT_N {
        return exact_p(u, nx as u64, ny as u64);
    }
    let (nx, ny) = (nx as i128, ny as i128);
    let (k, n) = (nx * ny, nx + ny);
    let t = u / (k * n) as f64 - (4 * k - 1) as f64 / (6 * n) as f64;
    // Anderson's mean and variance of T (eqs. 11, 14), from exact integers as
    // Python computes them, then one division.
    let et = (1.0 + 1.0 / n as f64) / 6.0;
    let vt = ((n + 1) * (4 * k * n - 3 * (nx * nx + ny * ny) - 2 * k)) as f64
        / (45 * n * n * 4 * k) as f64;
    let tn = 1.0 / 6.0 + (t - et) / (45.0 * vt).sqrt();
    // scipy returns 1 below 0.003, where the limiting CDF is below 1.3e-18.
    if tn.is_nan() || tn < 0.003 {
        return 1.0;
    }
    (1.0 - cdf_cvm_inf(tn)).max(0.0)
}

/// CDF of the limiting Cramér–von Mises distribution (Csörgő & Faraway eq. 1.2),
/// summing terms until one is below 1e-7, as scipy does.
fn cdf_cvm_inf(x: f64) -> f64 {
    let pi15 = std::f64::consts::PI.powf(1.5);
    let mut total = 0.0f64;
    for k in 0..10_000u32 {
        let kf = f64::from(k);
        let u = (libm::lgamma(kf + 0.5) - libm::lgamma(kf + 1.0)).exp() / (pi15 * x.sqrt());
        let y = 4 * u64::from(k) + 1;
        let q = (y * y) as f64 / (16.0 * x);
        let z = u * (y as f64).sqrt() * bessel_k_scaled(0.25, q);
        total += z;
        if z.abs() < 1e-7 || z.is_nan() {
            break;
        }
    }
    total
}

/// numpy's float `floor_divide` (`npy_divmod`): floor of `a / b` with the
/// correction that keeps `a == b * q + r` consistent.
fn np_floor_divide(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        return a / b;
    }
    let modulo = a % b;
    let mut div = (a - modulo) / b;
    if modulo != 0.0 && ((b < 0.0) != (modulo < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let mut floordiv = div.floor();
        if div - floordiv > 0.5 {
            floordiv += 1.0;
        }
        floordiv
    } else {
        (0.0f64).copysign(a / b)
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Exact `Pr(U >= u)` by scipy's `_pval_cvm_2samp_exact`: frequency tables of
/// the lattice-path statistic `Σ (a v − b u)²`, one per cell, with exact counts.
fn exact_p(s: f64, m: u64, n: u64) -> f64 {
    let lcm = m / gcd(m, n) * n;
    let (a, b) = ((lcm / m) as i64, (lcm / n) as i64);
    let mn = m * n;
    let zeta = np_floor_divide(
        (lcm * lcm * (m + n)) as f64 * (6.0 * s - (mn * (4 * mn - 1)) as f64),
        (6 * mn * mn) as f64,
    );
    // gs[v]: value -> number of paths reaching (u, v).
    let mut gs: Vec<HashMap<u64, u64>> = vec![HashMap::new(); m as usize + 1];
    if let Some(g0) = gs.get_mut(0) {
        g0.insert(0, 1);
    }
    for u in 0..=n as i64 {
        let mut next: Vec<HashMap<u64, u64>> = Vec::with_capacity(gs.len());
        let mut tmp: HashMap<u64, u64> = HashMap::new();
        for (v, g) in gs.iter().enumerate() {
            for (&val, &c) in g {
                *tmp.entry(val).or_insert(0) += c;
            }
            let d = a * v as i64 - b * u;
            let add = (d * d) as u64;
            tmp = tmp.into_iter().map(|(val, c)| (val + add, c)).collect();
            next.push(tmp.clone());
        }
        gs = next;
    }
    let combinations = binomial(m + n, m);
    let hits: u64 = gs
        .get(m as usize)
        .map(|g| {
            g.iter()
                .filter(|&(&val, _)| val as f64 >= zeta)
                .map(|(_, &c)| c)
                .sum()
        })
        .unwrap_or(0);
    hits as f64 / combinations as f64
}

/// `C(n, k)` exactly (small arguments: n ≤ 40 here).
fn binomial(n: u64, k: u64) -> u64 {
    let k = k.min(n - k);
    let mut r: u128 = 1;
    for i in 0..k {
        r = r * u128::from(n - i) / u128::from(i + 1);
    }
    r as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_divide_matches_numpy() {
        assert_eq!(np_floor_divide(7.0, 2.0), 3.0);
        assert_eq!(np_floor_divide(-7.0, 2.0), -4.0);
        assert_eq!(np_floor_divide(-6.0, 2.0), -3.0);
    }

    #[test]
    fn exact_distribution_sums_to_one() {
        // U is at least its minimum, so Pr(U >= 0) = 1.
        assert_eq!(exact_p(0.0, 5, 7), 1.0);
        assert_eq!(binomial(40, 20), 137_846_528_820);
    }

    #[test]
    fn too_small_is_nan() {
        assert!(p_value(&[1.0], &[1.0, 2.0]).is_nan());
    }
}
