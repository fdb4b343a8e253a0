//! Evidently's `get_binned_data`: shares per Sturges bin (numerical columns
//! whose reference has more than 20 distinct values) or per category, with
//! optional zero filling. Bin edges are bit-identical to
//! `numpy.histogram_bin_edges(values, bins="sturges")`.

use super::Pair;
use super::counts::{Counts, shares};

/// numpy's Sturges edges for values spanning `[min, max]` with `count` values.
///
/// `integer` mirrors numpy's rule that integer data never gets bins narrower than 1.
pub(crate) fn sturges_edges(min: f64, max: f64, count: usize, integer: bool) -> Vec<f64> {
    let (mut first, mut last) = (min, max);
    if first == last {
        first -= 0.5;
        last += 0.5;
    }
    let ptp = max - min;
    let n_bins = if count == 0 {
        1
    } else {
        let mut width = ptp / ((count as f64).log2() + 1.0);
        if width != 0.0 {
            if integer && width < 1.0 {
                width = 1.0;
            }
            ((last - first) / width).ceil() as usize
        } else {
            1
        }
    };
    linspace(first, last, n_bins + 1)
}

/// `numpy.linspace(start, stop, num)` with `endpoint=True`.
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let div = num.saturating_sub(1).max(1) as f64;
    let delta = stop - start;
    let step = delta / div;
    let mut out: Vec<f64> = (0..num)
        .map(|i| {
            if step == 0.0 {
                i as f64 / div * delta + start
            } else {
                i as f64 * step + start
            }
        })
        .collect();
    if num > 1
        && let Some(l) = out.last_mut()
    {
        *l = stop;
    }
    out
}

/// `numpy.histogram(sorted, bins=edges)` counts: `[e_i, e_{i+1})`, last bin closed.
pub(crate) fn histogram_sorted(sorted: &[f64], edges: &[f64]) -> Vec<u64> {
    let Some(&last) = edges.last() else {
        return Vec::new();
    };
    let lower: Vec<usize> = edges
        .iter()
        .map(|&e| sorted.partition_point(|&x| x < e))
        .collect();
    let upper_last = sorted.partition_point(|&x| x <= last);
    let k = edges.len().saturating_sub(1);
    (0..k)
        .map(|i| {
            let lo = lower.get(i).copied().unwrap_or(0);
            let hi = if i + 1 == k {
                upper_last
            } else {
                lower.get(i + 1).copied().unwrap_or(lo)
            };
            hi.saturating_sub(lo) as u64
        })
        .collect()
}

/// Reference and current shares as Evidently computes them for psi, kl_div and
/// jensenshannon: Sturges bins for a numerical column whose reference has more
/// than 20 distinct values, otherwise shares per distinct value / category.
pub(crate) fn binned_shares(pair: &Pair<'_>, fill_zeroes: bool) -> (Vec<f64>, Vec<f64>) {
    let (mut r, mut c) = match pair {
        Pair::Numerical {
            reference: a,
            current: b,
            integer,
        } if distinct(a) > 20 => {
            let (Some(&a0), Some(&b0), Some(&a1), Some(&b1)) =
                (a.first(), b.first(), a.last(), b.last())
            else {
                return (Vec::new(), Vec::new());
            };
            let edges = sturges_edges(a0.min(b0), a1.max(b1), a.len() + b.len(), *integer);
            (
                shares(&histogram_sorted(a, &edges), a.len() as u64),
                shares(&histogram_sorted(b, &edges), b.len() as u64),
            )
        }
        Pair::Numerical {
            reference, current, ..
        } => {
            let counts = Counts::from_sorted(reference, current);
            (
                shares(&counts.reference, counts.reference_total()),
                shares(&counts.current, counts.current_total()),
            )
        }
        Pair::Categorical(counts) => (
            shares(&counts.reference, counts.reference_total()),
            shares(&counts.current, counts.current_total()),
        ),
    };
    if fill_zeroes {
        fill(&mut r);
        fill(&mut c);
    }
    (r, c)
}

/// Distinct values of one sorted sample.
fn distinct(a: &[f64]) -> usize {
    super::merge::steps(a, &[]).count()
}

/// Evidently's zero filling: zeros become `min_nonzero / 1e6` if the smallest
/// non-zero share is at most 1e-4, else 1e-4 (no renormalisation).
fn fill(p: &mut [f64]) {
    let min_nz = p
        .iter()
        .copied()
        .filter(|&v| v != 0.0)
        .fold(f64::INFINITY, f64::min);
    if !min_nz.is_finite() {
        return;
    }
    let value = if min_nz <= 0.0001 {
        min_nz / 1e6
    } else {
        0.0001
    };
    for v in p.iter_mut().filter(|v| **v == 0.0) {
        *v = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sturges_like_numpy() {
        // numpy.histogram_bin_edges(np.arange(10.0), bins="sturges") -> 6 bins over [0, 9]
        let e = sturges_edges(0.0, 9.0, 10, false);
        assert_eq!(e.len(), 6);
        assert_eq!(e[0], 0.0);
        assert_eq!(e[5], 9.0);
        assert_eq!(e[1], 1.8);
    }

    #[test]
    fn histogram_last_bin_closed() {
        let e = [0.0, 1.0, 2.0];
        assert_eq!(histogram_sorted(&[0.0, 0.5, 1.0, 2.0, 3.0], &e), vec![2, 2]);
    }
}
