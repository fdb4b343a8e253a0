//! Orthonormal DCT-II (`scipy.fft.dct(x, type=2, norm="ortho")`), keeping
//! the first `n_out` coefficients, as a precomputed float64 matrix.

/// SIMD-friendly lane width of the basis rows.
const LANES: usize = 4;

/// A truncated orthonormal DCT-II of length `n_in`, first `n_out` outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Dct {
    n_in: usize,
    n_out: usize,
    /// `n_in` rows of `n_out.div_ceil(LANES)` lane groups: the transposed
    /// basis, zero-padded, so one input value updates all outputs at once.
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
        let mut basis = vec![[0.0; LANES]; n_in * groups];
        for i in 0..n_in {
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

    /// `out[k] = Σ_i basis[k, i] · input[i]` (in order of `i`), accumulated
    /// in float64 and rounded once to float32. `input` has `n_in` values,
    /// `out` `n_out`.
    pub fn apply(&self, input: &[f32], out: &mut [f32]) {
        let groups = self.n_out.div_ceil(LANES);
        let mut acc = [[0.0_f64; LANES]; 64];
        for (chunk, out) in out.chunks_mut(64 * LANES).enumerate() {
            let g0 = chunk * 64;
            let ng = out.len().div_ceil(LANES);
            let acc = &mut acc[..ng];
            acc.fill([0.0; LANES]);
            for (&x, row) in input.iter().zip(self.basis.chunks_exact(groups.max(1))) {
                let x = f64::from(x);
                for (a, b) in acc.iter_mut().zip(row.iter().skip(g0)) {
                    for l in 0..LANES {
                        a[l] += b[l] * x;
                    }
                }
            }
            for (o, &a) in out.iter_mut().zip(acc.iter().flatten()) {
                *o = a as f32;
            }
        }
        debug_assert!(input.len() == self.n_in);
    }
}
