//! Orthonormal DCT-II (`scipy.fft.dct(x, type=2, norm="ortho")`), keeping
//! the first `n_out` coefficients, as a precomputed float64 matrix.

/// A truncated orthonormal DCT-II of length `n_in`, first `n_out` outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Dct {
    n_in: usize,
    n_out: usize,
    /// Row-major `(n_out, n_in)` basis.
    basis: Vec<f64>,
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
        let mut basis = Vec::with_capacity(n_in * n_out);
        for k in 0..n_out {
            let scale = if k == 0 {
                (1.0 / n).sqrt()
            } else {
                (2.0 / n).sqrt()
            };
            for i in 0..n_in {
                let arg = std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n);
                basis.push(scale * arg.cos());
            }
        }
        Self { n_in, n_out, basis }
    }

    /// Number of outputs kept.
    pub fn n_out(&self) -> usize {
        self.n_out
    }

    /// `out[k] = Σ_i basis[k, i] · input[i]`, accumulated in float64.
    pub fn apply(&self, input: &[f32], out: &mut [f32]) {
        for (o, row) in out
            .iter_mut()
            .zip(self.basis.chunks_exact(self.n_in.max(1)))
        {
            let acc: f64 = row.iter().zip(input).map(|(&b, &x)| b * f64::from(x)).sum();
            *o = acc as f32;
        }
    }
}
