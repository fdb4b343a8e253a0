//! Orthonormal DCT-II (`scipy.fft.dct(x, type=2, norm="ortho")`), keeping
//! the first `n_out` coefficients, as a precomputed float64 matrix.

/// SIMD-friendly lane width of the basis rows.
const LANES: usize = 4;

/// A truncated orthonormal DCT-II of length `n_in`, first `n_out` outputs.
///
/// Uses the basis symmetry `b[k, n-1-i] = (-1)^k b[k, i]`: even outputs
/// need only `x[i] + x[n-1-i]`, odd ones `x[i] - x[n-1-i]`, halving the work.
#[derive(Debug, Clone, PartialEq)]
pub struct Dct {
    n_in: usize,
    n_out: usize,
    /// `n_in / 2` (+1 when odd) rows of `n_out.div_ceil(LANES)` lane groups:
    /// the transposed basis over the first half, zero-padded.
    basis: Vec<[f64; LANES]>,
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
        let groups = n_out.div_ceil(LANES);
        let half = n_in.div_ceil(2);
        let mut basis = vec![[0.0; LANES]; half * groups];
        for i in 0..half {
            for k in 0..n_out {
                let scale = if k == 0 {
                    (1.0 / n).sqrt()
                } else {
                    (2.0 / n).sqrt()
                };
                let arg = std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n);
                if let Some(g) = basis.get_mut(i * groups + k / LANES) {
                    g[k % LANES] = scale * arg.cos();
                }
            }
        }
        Self { n_in, n_out, basis }
    }

    /// Number of outputs kept.
    pub fn n_out(&self) -> usize {
        self.n_out
    }

    /// `out[k] = Σ_i basis[k, i] · input[i]`, accumulated in float64 and
    /// rounded once to float32. `input` has `n_in` values, `out` `n_out`.
    pub fn apply(&self, input: &[f32], out: &mut [f32]) {
        let groups = self.n_out.div_ceil(LANES);
        let n = self.n_in.min(input.len());
        // Even lanes take the folded sum, odd lanes the folded difference.
        let mut acc = [[0.0_f64; LANES]; 64];
        for (chunk, out) in out.chunks_mut(64 * LANES).enumerate() {
            let g0 = chunk * 64;
            let ng = out.len().div_ceil(LANES);
            let acc = &mut acc[..ng];
            acc.fill([0.0; LANES]);
            for (i, row) in self.basis.chunks_exact(groups.max(1)).enumerate() {
                let a = input.get(i).copied().map_or(0.0, f64::from);
                let j = n.saturating_sub(1 + i);
                // The middle value of an odd length is not folded.
                let b = if j > i {
                    input.get(j).copied().map_or(0.0, f64::from)
                } else {
                    0.0
                };
                let fold = [a + b, a - b, a + b, a - b];
                for (acc, basis) in acc.iter_mut().zip(row.iter().skip(g0)) {
                    for l in 0..LANES {
                        acc[l] += basis[l] * fold[l];
                    }
                }
            }
            for (o, &a) in out.iter_mut().zip(acc.iter().flatten()) {
                *o = a as f32;
            }
        }
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
