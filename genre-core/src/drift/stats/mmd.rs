//! Empirical maximum mean discrepancy, as Evidently's "empirical_mmd": an RBF
//! kernel whose width is the median heuristic on the reference, the unbiased
//! MMD² of reference vs current, and a 100-draw permutation p-value
//! `mean(mmd_observed <= mmd_permuted)`.
//!
//! The kernel and statistic follow Evidently bit for bit: squared distances as
//! `y² − 2·x·y + x²` (numpy's broadcast formula, not `(x − y)²`), the width
//! `sigma = sqrt(0.5 · d_med)` where `d_med` is `numpy.percentile(d_xx, 50,
//! method="nearest")` over all `n²` ordered reference pairs (found here by
//! selection over distinct values, without the `n²` matrix), `sqrt(0.5)` when
//! that is zero, and the diagonal removed. Evidently's permutations come from
//! numpy's global, unseeded generator; genre's from splitmix64 with the
//! caller's seed, so its p-value is reproducible and agrees with Evidently's in
//! distribution (not draw for draw).
//!
//! Cost: every pair of values is compared, `O((n + m)²)` time for 100
//! permutations at once and `O((n + m) · 101)` memory (Evidently holds the
//! `(n + m)²` kernel matrix); columns above [`MAX_VALUES`] values in total are
//! rejected with an error. Fewer than two values in a sample is undefined
//! (Evidently divides by zero).

use rayon::prelude::*;

use super::permutation::SplitMix64;

/// Number of permutations (Evidently's).
const PERMUTATIONS: usize = 100;

/// Largest `n + m` accepted (quadratic cost: about 5·10⁹ kernel evaluations).
pub const MAX_VALUES: usize = 30_000;

/// Evidently's squared distance of `x` (row) and `y` (column): `y² − 2xy + x²`.
#[inline]
fn dist(x: f64, y: f64) -> f64 {
    (y * y - 2.0 * (x * y)) + x * x
}

/// Distinct values of a sorted sample with their counts.
fn distinct(sorted: &[f64]) -> (Vec<f64>, Vec<u64>) {
    let (mut u, mut c): (Vec<f64>, Vec<u64>) = (Vec::new(), Vec::new());
    for &v in sorted {
        match (u.last(), c.last_mut()) {
            (Some(&last), Some(n)) if last == v => *n += 1,
            _ => {
                u.push(v);
                c.push(1);
            }
        }
    }
    (u, c)
}

/// Ordered pairs `(a, b)` of the multiset with `|fl(u_b − u_a)| <= tau`
/// (`strict`: `< tau`), weighted by counts.
fn count_within(u: &[f64], c: &[u64], prefix: &[u128], tau: f64, strict: bool) -> u128 {
    let inside = |d: f64| if strict { d < tau } else { d <= tau };
    let mut total: u128 = 0;
    let mut hi = 0usize;
    for (a, (&ua, &ca)) in u.iter().zip(c).enumerate() {
        // b > a with u_b − u_a inside the window (the difference grows with b).
        if hi < a + 1 {
            hi = a + 1;
        }
        while u.get(hi).is_some_and(|&ub| inside(ub - ua)) {
            hi += 1;
        }
        let above = prefix.get(hi).copied().unwrap_or(0) - prefix.get(a + 1).copied().unwrap_or(0);
        // (a, b) and (b, a) for b > a, plus (a, a) when 0 is inside.
        total += 2 * u128::from(ca) * above;
        if inside(0.0) {
            total += u128::from(ca) * u128::from(ca);
        }
    }
    total
}

/// `numpy.percentile(d_xx.flatten(), 50, method="nearest")` over all `n²`
/// ordered pairs of the sorted reference (`None` when selection cannot certify
/// the exact value, which needs pathological rounding).
fn median_pair_distance(sorted: &[f64]) -> Option<f64> {
    let (u, c) = distinct(sorted);
    let n = sorted.len() as u128;
    if n == 0 {
        return None;
    }
    let mut prefix = Vec::with_capacity(c.len() + 1);
    prefix.push(0u128);
    let mut acc = 0u128;
    for &ci in &c {
        acc += u128::from(ci);
        prefix.push(acc);
    }
    // numpy: index = around((count − 1) · 0.5), half to even.
    let count = n * n;
    let k = {
        let twice = count - 1; // index = twice / 2, rounded half to even
        let half = twice / 2;
        if twice % 2 == 1 && half % 2 == 1 {
            half + 1
        } else {
            half
        }
    };
    let span = match (u.first(), u.last()) {
        (Some(&lo), Some(&hi)) => hi - lo,
        _ => return None,
    };
    // Smallest tau with at least k + 1 pairs within tau (bisection on the bits
    // of non-negative floats, which order like the values).
    let (mut lo_bits, mut hi_bits) = (0u64, span.to_bits());
    if count_within(&u, &c, &prefix, 0.0, false) > k {
        hi_bits = 0;
    }
    while lo_bits < hi_bits {
        let mid = lo_bits + (hi_bits - lo_bits) / 2;
        if count_within(&u, &c, &prefix, f64::from_bits(mid), false) > k {
            hi_bits = mid;
        } else {
            lo_bits = mid + 1;
        }
    }
    let tau = f64::from_bits(hi_bits);
    let e = tau * tau;
    let big = u.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    // |dist − (u_a − u_b)²| stays below a few ulps of the largest square.
    let delta = 16.0 * f64::EPSILON * big * big + 8.0 * f64::EPSILON * e;
    let mut width = 4.0 * delta + f64::MIN_POSITIVE;
    for _ in 0..40 {
        let lo2 = (e - width).max(0.0);
        let hi2 = e + width;
        let (lo_t, hi_t) = (lo2.sqrt(), hi2.sqrt());
        let below = if lo_t > 0.0 {
            count_within(&u, &c, &prefix, lo_t, true)
        } else {
            0
        };
        let mut items: Vec<(f64, u128)> = Vec::new();
        for (a, (&ua, &ca)) in u.iter().zip(&c).enumerate() {
            if lo_t == 0.0 {
                items.push((dist(ua, ua), u128::from(ca) * u128::from(ca)));
            }
            // b > a with u_b − u_a in [lo_t, hi_t]; both orders of each pair.
            let mut b = a
                + 1
                + u.get(a + 1..)
                    .map_or(0, |tail| tail.partition_point(|&ub| ub - ua < lo_t));
            while let (Some(&ub), Some(&cb)) = (u.get(b), c.get(b)) {
                if ub - ua > hi_t {
                    break;
                }
                let w = u128::from(ca) * u128::from(cb);
                items.push((dist(ua, ub), w));
                items.push((dist(ub, ua), w));
                b += 1;
            }
            if items.len() > 50_000_000 {
                return None;
            }
        }
        items.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
        let want = k.checked_sub(below);
        let mut cum = 0u128;
        let mut chosen = None;
        if let Some(want) = want {
            for &(d, w) in &items {
                cum += w;
                if cum > want {
                    chosen = Some(d);
                    break;
                }
            }
        }
        if let Some(d) = chosen {
            let guard = delta + 4.0 * f64::EPSILON * hi2;
            let safe_low = lo_t == 0.0 || d > lo2 + guard;
            if safe_low && d < hi2 - guard {
                return Some(d);
            }
        }
        width *= 8.0;
    }
    None
}

/// Evidently's kernel width for the reference sample (sorted).
fn sigma(reference: &[f64]) -> f64 {
    match median_pair_distance(reference) {
        Some(d) => {
            let s = (0.5 * d).powf(0.5);
            if s == 0.0 { 0.5f64.powf(0.5) } else { s }
        }
        None => f64::NAN,
    }
}

/// Neumaier-compensated sum.
#[derive(Default, Clone, Copy)]
struct Sum {
    s: f64,
    c: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.s + x;
        if self.s.abs() >= x.abs() {
            self.c += (self.s - t) + x;
        } else {
            self.c += (x - t) + self.s;
        }
        self.s = t;
    }

    fn value(self) -> f64 {
        self.s + self.c
    }
}

/// The deterministic part of Evidently's `empirical_mmd`: `(mmd², sigma)` of
/// reference `x` against current `y`, summing the kernel matrix exactly as
/// Evidently lays it out. `None` when a sample has fewer than two values.
///
/// ```
/// use genre_core::drift::stats::empirical_mmd_statistic;
/// // Median of the 9 ordered squared distances (0 ×3, 4 ×4, 16 ×2) is 4: sigma = sqrt(2).
/// let (mmd, sigma) = empirical_mmd_statistic(&[0.0, 2.0, 4.0], &[20.0, 22.0, 24.0]).unwrap();
/// assert!((sigma - 2f64.sqrt()).abs() < 1e-15);
/// assert!(mmd > 0.5); // 2 · (4 e⁻¹ + 2 e⁻⁴) / 6, cross terms ≈ 0
/// ```
pub fn empirical_mmd_statistic(x: &[f64], y: &[f64]) -> Option<(f64, f64)> {
    let (n, m) = (x.len(), y.len());
    if n < 2 || m < 2 || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let mut sorted = x.to_vec();
    super::super::sort::sort_f64(&mut sorted);
    let sigma = sigma(&sorted);
    let gamma = 1.0 / (2.0 * (sigma * sigma));
    let k = |a: f64, b: f64| (-gamma * dist(a, b)).exp();
    let block = |rows: &[f64], cols: &[f64], skip_diag: bool| -> f64 {
        rows.par_iter()
            .enumerate()
            .map(|(i, &a)| {
                let mut s = Sum::default();
                for (j, &b) in cols.iter().enumerate() {
                    if !(skip_diag && i == j) {
                        s.add(k(a, b));
                    }
                }
                s.value()
            })
            .collect::<Vec<f64>>()
            .into_iter()
            .fold(Sum::default(), |mut acc, v| {
                acc.add(v);
                acc
            })
            .value()
    };
    let sxx = block(x, x, true);
    let syy = block(y, y, true);
    let sxy = block(x, y, false);
    let a = 1.0 / (n as f64 * (n as f64 - 1.0));
    let b = 1.0 / (m as f64 * (m as f64 - 1.0));
    let mean_xy = sxy / (n as f64 * m as f64);
    Some((a * sxx + b * syy - 2.0 * mean_xy, sigma))
}

/// Permutation p-value of the MMD for **sorted** samples, `PERMUTATIONS`
/// relabelings drawn from `seed`. NaN when a sample has fewer than two values
/// or the kernel width is undefined.
pub(crate) fn p_value(x: &[f64], y: &[f64], seed: u64) -> f64 {
    let (n, m) = (x.len(), y.len());
    if n < 2 || m < 2 {
        return f64::NAN;
    }
    let sigma = sigma(x);
    if !sigma.is_finite() {
        return f64::NAN;
    }
    let gamma = 1.0 / (2.0 * (sigma * sigma));
    let pool: Vec<f64> = x.iter().chain(y).copied().collect();
    let total = pool.len();
    // Column 0 is the observed labelling; columns 1..=P random ones.
    const P: usize = PERMUTATIONS + 1;
    let mut z: Vec<[f64; P]> = vec![[0.0f64; P]; total];
    for zi in z.iter_mut().take(n) {
        zi[0] = 1.0;
    }
    let mut rng = SplitMix64::new(seed);
    let mut idx: Vec<usize> = (0..total).collect();
    for p in 1..P {
        for i in 0..n {
            let j = i + rng.below((total - i) as u64) as usize;
            idx.swap(i, j);
        }
        for &member in idx.iter().take(n) {
            if let Some(zm) = z.get_mut(member) {
                zm[p] = 1.0;
            }
        }
    }
    // Rows in blocks of BLOCK share each z_j while it is in cache:
    // acc_i[p] = Σ_{j>i} k_ij z_j[p] and r_i = Σ_{j>i} k_ij.
    const BLOCK: usize = 32;
    let blocks: Vec<usize> = (0..total).step_by(BLOCK).collect();
    let (sxx, syy, t) = blocks
        .par_iter()
        .map(|&i0| {
            let rows = BLOCK.min(total - i0);
            let mut acc = vec![[0.0f64; P]; rows];
            let mut r = vec![0.0f64; rows];
            let vals = pool.get(i0..i0 + rows).unwrap_or(&[]);
            for (j, (&vj, zj)) in pool.iter().zip(&z).enumerate().skip(i0 + 1) {
                let upto = (j - i0).min(rows); // rows i < j
                for ((&vi, ai), ri) in vals.iter().zip(acc.iter_mut()).zip(r.iter_mut()).take(upto)
                {
                    let kij = (-gamma * dist(vi, vj)).exp();
                    *ri += kij;
                    for (a, &zz) in ai.iter_mut().zip(zj) {
                        *a += kij * zz;
                    }
                }
            }
            let (mut sxx, mut syy, mut t) = ([0.0f64; P], [0.0f64; P], 0.0f64);
            for ((ai, &ri), zi) in acc.iter().zip(&r).zip(z.iter().skip(i0)) {
                for p in 0..P {
                    sxx[p] += 2.0 * zi[p] * ai[p];
                    syy[p] += 2.0 * (1.0 - zi[p]) * (ri - ai[p]);
                }
                t += 2.0 * ri;
            }
            (sxx, syy, t)
        })
        .reduce(
            || ([0.0f64; P], [0.0f64; P], 0.0f64),
            |(mut a1, mut b1, t1), (a2, b2, t2)| {
                a1.iter_mut().zip(&a2).for_each(|(x, y)| *x += y);
                b1.iter_mut().zip(&b2).for_each(|(x, y)| *x += y);
                (a1, b1, t1 + t2)
            },
        );
    let a = 1.0 / (n as f64 * (n as f64 - 1.0));
    let b = 1.0 / (m as f64 * (m as f64 - 1.0));
    let nm = n as f64 * m as f64;
    let mmd: Vec<f64> = sxx
        .iter()
        .zip(&syy)
        .map(|(&xx, &yy)| a * xx + b * yy - 2.0 * ((t - xx - yy) / 2.0) / nm)
        .collect();
    let observed = mmd.first().copied().unwrap_or(f64::NAN);
    let hits = mmd.iter().skip(1).filter(|&&v| observed <= v).count();
    hits as f64 / PERMUTATIONS as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute_median(x: &[f64]) -> f64 {
        let mut all: Vec<f64> = x
            .iter()
            .flat_map(|&a| x.iter().map(move |&b| dist(a, b)))
            .collect();
        all.sort_unstable_by(f64::total_cmp);
        let count = all.len();
        let twice = count - 1;
        let half = twice / 2;
        let k = if twice % 2 == 1 && half % 2 == 1 {
            half + 1
        } else {
            half
        };
        all[k]
    }

    #[test]
    fn median_selection_matches_brute_force() {
        let mut rng = SplitMix64::new(7);
        for n in [1usize, 2, 3, 4, 5, 10, 31, 64, 200] {
            for quantised in [false, true] {
                let mut x: Vec<f64> = (0..n)
                    .map(|_| {
                        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                        let v = -250.0 + 60.0 * u;
                        if quantised {
                            (v * 2.0).round() / 2.0
                        } else {
                            v
                        }
                    })
                    .collect();
                x.sort_unstable_by(f64::total_cmp);
                assert_eq!(
                    median_pair_distance(&x),
                    Some(brute_median(&x)),
                    "n={n} q={quantised}"
                );
            }
        }
    }

    #[test]
    fn constant_reference_uses_unit_width() {
        let (_, s) = empirical_mmd_statistic(&[3.0, 3.0, 3.0], &[1.0, 2.0]).unwrap();
        assert_eq!(s, 0.5f64.powf(0.5));
    }

    #[test]
    fn permutation_p_value_extremes() {
        let x: Vec<f64> = (0..60).map(|i| i as f64 / 60.0).collect();
        let y: Vec<f64> = (0..50).map(|i| 10.0 + i as f64 / 50.0).collect();
        assert_eq!(p_value(&x, &y, 0), 0.0);
        // Identical samples: the observed MMD is the smallest possible.
        let p = p_value(&x, &x, 1);
        assert!(p > 0.9, "{p}");
    }
}
