//! Fisher's exact test, as Evidently's "fisher_exact": the two-sided
//! `scipy.stats.fisher_exact` p-value of the 2×2 table
//! `[[current ones, current zeros], [reference ones, reference zeros]]` of a
//! binary categorical column.
//!
//! Evidently only accepts equal sample sizes and at most two categories; with
//! three or more categories in the union it maps the extra ones arbitrarily
//! (by Python's set order). genre tests any sizes (the test is well defined for
//! unequal row sums, and matches scipy on the same table) and rejects more than
//! two categories with a typed error. One category in total gives p = 1, as
//! scipy does for a table with an empty column.

use super::counts::Counts;
use super::hypergeom::Hypergeom;

/// scipy's relative tolerance for "as likely as the observed table".
const GAMMA: f64 = 1.0 + 1e-14;

/// The two-sided p-value, or why the column cannot be tested.
pub(crate) fn p_value(counts: &Counts) -> Result<f64, String> {
    if counts.len() > 2 {
        return Err(format!(
            "fisher_exact needs a binary column, found {} categories",
            counts.len()
        ));
    }
    let get = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    // Category 1 plays Evidently's "one", category 0 its "zero"; the two-sided
    // p-value does not depend on which is which.
    let table = [
        [get(&counts.current, 1), get(&counts.current, 0)],
        [get(&counts.reference, 1), get(&counts.reference, 0)],
    ];
    Ok(two_sided(table))
}

/// `scipy.stats.fisher_exact(table).pvalue` (two-sided) for a 2×2 table.
pub(crate) fn two_sided(c: [[u64; 2]; 2]) -> f64 {
    let [[c00, c01], [c10, c11]] = c;
    let (n1, n2) = (c00 + c01, c10 + c11);
    let n = c00 + c10;
    if n1 == 0 || n2 == 0 || n == 0 || c01 + c11 == 0 {
        return 1.0;
    }
    let h = Hypergeom::new(n1 + n2, n1, n);
    let mode = ((n + 1) as f64 * (n1 + 1) as f64 / (n1 + n2 + 2) as f64) as i64;
    let x = c00 as i64;
    let pexact = h.pmf(x);
    let pmode = h.pmf(mode);
    if (pexact - pmode).abs() / pexact.max(pmode) <= 1e-14 {
        return 1.0;
    }
    let n = n as i64;
    let p = if x < mode {
        let plower = h.cdf(x);
        if h.pmf(n) > pexact * GAMMA {
            return plower;
        }
        let guess = binary_search(|k| -h.pmf(k), -pexact * GAMMA, mode, n);
        plower + h.sf(guess)
    } else {
        let pupper = h.sf(x - 1);
        if h.pmf(0) > pexact * GAMMA {
            return pupper;
        }
        let guess = binary_search(|k| h.pmf(k), pexact * GAMMA, 0, mode);
        pupper + h.cdf(guess)
    };
    p.min(1.0)
}

/// scipy's `_binary_search`: the index `i` in `[lo, hi]` with `a(i) <= d < a(i + 1)`
/// for a function ascending on the range.
fn binary_search(a: impl Fn(i64) -> f64, d: f64, mut lo: i64, mut hi: i64) -> i64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let midval = a(mid);
        if midval < d {
            lo = mid + 1;
        } else if midval > d {
            hi = mid - 1;
        } else {
            return mid;
        }
    }
    if a(lo) <= d { lo } else { lo - 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scipy_examples() {
        // scipy.stats.fisher_exact([[8, 2], [1, 5]]).pvalue
        let p = two_sided([[8, 2], [1, 5]]);
        assert!((p / 0.034965034965034975 - 1.0).abs() < 1e-12, "{p}");
        // the doc example [[6, 2], [1, 4]]
        let p = two_sided([[6, 2], [1, 4]]);
        assert!((p / 0.10256410256410256 - 1.0).abs() < 1e-12, "{p}");
        assert_eq!(two_sided([[0, 0], [3, 4]]), 1.0);
    }

    #[test]
    fn more_than_two_categories_is_an_error() {
        let counts = Counts {
            labels: vec![],
            reference: vec![1, 2, 3],
            current: vec![3, 2, 1],
        };
        assert!(p_value(&counts).is_err());
    }
}
