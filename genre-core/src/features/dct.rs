//! Orthonormal DCT-II (`scipy.fft.dct(x, type=2, norm="ortho")`), keeping
//! the first `n_out` coefficients, as a precomputed float64 matrix.

use super::simd::{self, Kernel};
use pulp::Simd;

/// Lane width the basis rows are padded to.
const LANES: usize = 4;

/// A truncated orthonormal DCT-II of length `n_in`, first `n_out` outputs.
///
/// Uses the basis symmetry `b[k, n-1-i] = (-1)^k b[k, i]`: even outputs
/// need only `x[i] + x[n-1-i]`, odd ones `x[i] - x[n-1-i]`, halving the work.
#[derive(Debug, Clone, PartialEq)]
pub struct Dct {
    n_in: usize,
    n_out: usize,
    /// `ceil(n_in / 2)` rounded up to a multiple of [`LANES`].
    half: usize,
    /// `n_out` rows of `half` values: basis row `k` over the first half of
    /// the input, zero-padded.
    basis: Vec<f64>,
}

/// Per-call working memory of [`Dct::apply`]: folded sums and differences.
#[derive(Debug, Clone, Default)]
pub(crate) struct DctScratch {
    sum: Vec<f64>,
    diff: Vec<f64>,
}

impl Dct {
    /// Builds the basis; `n_out <= n_in` is checked by the callers' configs.
    ///
    /// ```
    /// use genre_core::features::Dct;
    /// let dct = Dct::new(4, 2);
    /// let mut out = [0.0_f32; 2];
    /// dct.apply(&[1.0, 1.0, 1.0, 1.0], &mut out);
    /// assert!((out[0] - 2.0).abs() < 1e-6 && out[1].abs() < 1e-6);
    /// ```
    pub fn new(n_in: usize, n_out: usize) -> Self {
        let n = n_in as f64;
        let half = n_in.div_ceil(2).next_multiple_of(LANES);
        let mut basis = vec![0.0; half * n_out];
        for (k, row) in basis.chunks_exact_mut(half.max(1)).enumerate() {
            let scale = if k == 0 {
                (1.0 / n).sqrt()
            } else {
                (2.0 / n).sqrt()
            };
            for (i, b) in row.iter_mut().take(n_in.div_ceil(2)).enumerate() {
                let arg = std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n);
                *b = scale * arg.cos();
            }
        }
        Self {
            n_in,
            n_out,
            half,
            basis,
        }
    }

    /// Number of outputs kept.
    pub fn n_out(&self) -> usize {
        self.n_out
    }

    /// Working memory for [`Self::apply_with`].
    pub(crate) fn scratch(&self) -> DctScratch {
        DctScratch {
            sum: vec![0.0; self.half],
            diff: vec![0.0; self.half],
        }
    }

    /// `out[k] = Σ_i basis[k, i] · input[i]`, accumulated in float64 and
    /// rounded once to float32. `input` has `n_in` values, `out` `n_out`.
    pub fn apply(&self, input: &[f32], out: &mut [f32]) {
        simd::run(ApplyKernel {
            dct: self,
            input,
            out,
            scratch: &mut self.scratch(),
        });
    }

    /// [`Self::apply`] with caller-provided working memory.
    #[inline(always)]
    pub(crate) fn apply_with<S: Simd>(
        &self,
        simd: S,
        input: &[f32],
        out: &mut [f32],
        scratch: &mut DctScratch,
    ) {
        let n = self.n_in.min(input.len());
        let (sum, diff) = (&mut scratch.sum, &mut scratch.diff);
        sum.resize(self.half, 0.0);
        diff.resize(self.half, 0.0);
        // Fold: x[i] ± x[n-1-i] for i < n/2; the middle value of an odd
        // length stands alone (the odd basis rows are zero there).
        let input = input.get(..n).unwrap_or_default();
        let (front, back) = input.split_at(n / 2);
        for (((s, d), &a), &b) in sum
            .iter_mut()
            .zip(diff.iter_mut())
            .zip(front)
            .zip(back.iter().rev())
        {
            let (a, b) = (f64::from(a), f64::from(b));
            *s = a + b;
            *d = a - b;
        }
        if n % 2 == 1
            && let (Some(s), Some(d), Some(&m)) =
                (sum.get_mut(n / 2), diff.get_mut(n / 2), input.get(n / 2))
        {
            *s = f64::from(m);
            *d = f64::from(m);
        }
        let used = n.div_ceil(2);
        for v in [&mut *sum, &mut *diff] {
            v.iter_mut().skip(used).for_each(|x| *x = 0.0);
        }
        for (k, (o, row)) in out
            .iter_mut()
            .zip(self.basis.chunks_exact(self.half.max(1)))
            .enumerate()
        {
            let x = if k % 2 == 0 { &*sum } else { &*diff };
            *o = simd::dot(simd, row, x) as f32;
        }
    }
}

/// [`Dct::apply`] under [`simd::run`].
struct ApplyKernel<'a> {
    dct: &'a Dct,
    input: &'a [f32],
    out: &'a mut [f32],
    scratch: &'a mut DctScratch,
}

impl Kernel for ApplyKernel<'_> {
    type Output = ();

    #[inline(always)]
    fn call<S: Simd>(self, simd: S) {
        self.dct
            .apply_with(simd, self.input, self.out, self.scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::Dct;

    #[test]
    fn folded_dct_equals_the_definition() {
        for (n_in, n_out) in [(128, 20), (40, 13), (7, 7), (1, 1), (64, 64)] {
            let x: Vec<f32> = (0..n_in)
                .map(|i| ((i * 37 % 11) as f32 - 5.0) * 3.7)
                .collect();
            let mut got = vec![0.0_f32; n_out];
            Dct::new(n_in, n_out).apply(&x, &mut got);
            for (k, g) in got.iter().enumerate() {
                let n = n_in as f64;
                let scale = if k == 0 {
                    (1.0 / n).sqrt()
                } else {
                    (2.0 / n).sqrt()
                };
                let want: f64 = x
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| {
                        let arg = std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n);
                        scale * arg.cos() * f64::from(v)
                    })
                    .sum();
                assert!(
                    (f64::from(*g) - want).abs() <= 1e-4 * want.abs().max(1.0),
                    "{n_in} {k}"
                );
            }
        }
    }
}
