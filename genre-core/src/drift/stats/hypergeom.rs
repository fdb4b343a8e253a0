//! The hypergeometric distribution (population `total`, `good` successes in it,
//! `draws` drawn): probability mass from Loader's saddle-point binomial terms,
//! accurate to a few ulps for any size, and tails by the ratio recurrence.

use super::loader::ln_binom;

/// A hypergeometric distribution with integer parameters.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hypergeom {
    total: u64,
    good: u64,
    draws: u64,
}

impl Hypergeom {
    /// `good <= total`, `draws <= total`.
    pub(crate) fn new(total: u64, good: u64, draws: u64) -> Self {
        Hypergeom { total, good, draws }
    }

    /// Smallest value with positive probability.
    fn low(&self) -> u64 {
        (self.draws + self.good).saturating_sub(self.total)
    }

    /// Largest value with positive probability.
    fn high(&self) -> u64 {
        self.good.min(self.draws)
    }

    /// `Pr(X = x)`.
    pub(crate) fn pmf(&self, x: i64) -> f64 {
        if x < 0 || (x as u64) < self.low() || (x as u64) > self.high() {
            return 0.0;
        }
        let (m, k, n) = (self.total as f64, self.good as f64, self.draws as f64);
        if n == 0.0 || n == m {
            return 1.0;
        }
        let x = x as f64;
        let p = n / m;
        let q = (m - n) / m;
        (ln_binom(x, k, p, q) + ln_binom(n - x, m - k, p, q) - ln_binom(n, m, p, q)).exp()
    }

    /// `pmf(j − 1) / pmf(j)`.
    fn ratio_down(&self, j: u64) -> f64 {
        let (m, k, n, j) = (
            self.total as f64,
            self.good as f64,
            self.draws as f64,
            j as f64,
        );
        j * (m - k - n + j) / ((k - j + 1.0) * (n - j + 1.0))
    }

    /// `pmf(j + 1) / pmf(j)`.
    fn ratio_up(&self, j: u64) -> f64 {
        let (m, k, n, j) = (
            self.total as f64,
            self.good as f64,
            self.draws as f64,
            j as f64,
        );
        (k - j) * (n - j) / ((j + 1.0) * (m - k - n + j + 1.0))
    }

    /// `Pr(X <= x)`.
    pub(crate) fn cdf(&self, x: i64) -> f64 {
        if x < 0 || (x as u64) < self.low() {
            return 0.0;
        }
        if x as u64 >= self.high() {
            return 1.0;
        }
        self.tail(x as u64, false)
    }

    /// `Pr(X > x)`.
    pub(crate) fn sf(&self, x: i64) -> f64 {
        if x < 0 || (x as u64) < self.low() {
            return 1.0;
        }
        if x as u64 >= self.high() {
            return 0.0;
        }
        self.tail(x as u64 + 1, true)
    }

    /// `Σ pmf(j)` from `from` away from the mode (upwards or downwards) to the
    /// end of the support, by the ratio recurrence; stops once the terms, which
    /// shrink monotonically past the mode, no longer change the sum.
    fn tail(&self, from: u64, up: bool) -> f64 {
        let mut term = self.pmf(from as i64);
        let mut sum = term;
        let mut j = from;
        loop {
            if up {
                if j >= self.high() {
                    break;
                }
                term *= self.ratio_up(j);
                j += 1;
            } else {
                if j <= self.low() {
                    break;
                }
                term *= self.ratio_down(j);
                j -= 1;
            }
            sum += term;
            let past_mode = if up { j > self.mode() } else { j < self.mode() };
            if term <= sum * 1e-20 && past_mode {
                break;
            }
        }
        sum.min(1.0)
    }

    /// The mode `floor((draws + 1)(good + 1) / (total + 2))`: terms shrink
    /// monotonically away from it, so a tail sum may stop once they are negligible.
    pub(crate) fn mode(&self) -> u64 {
        ((u128::from(self.draws) + 1) * (u128::from(self.good) + 1) / (u128::from(self.total) + 2))
            as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_hypergeom() {
        // scipy.stats.hypergeom(M=50, n=20, N=15)
        let h = Hypergeom::new(50, 20, 15);
        let pmf6 = 0.2463736660162;
        assert!((h.pmf(6) / pmf6 - 1.0).abs() < 1e-13, "{}", h.pmf(6));
        let cdf4 = 0.1728649258126335;
        assert!((h.cdf(4) / cdf4 - 1.0).abs() < 1e-13, "{}", h.cdf(4));
        let sf9 = 0.013985119259116626;
        assert!((h.sf(9) / sf9 - 1.0).abs() < 1e-13, "{}", h.sf(9));
        let total: f64 = (0..=15).map(|x| h.pmf(x)).sum();
        assert!((total - 1.0).abs() < 1e-14);
    }
}
