//! Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method
//! (accurate to a few ulps of the largest eigenvalue), for pseudo-inverses.

/// Eigenvalues and unit eigenvectors (`vectors[k]` belongs to `values[k]`) of
/// the symmetric matrix `a` (only its upper triangle is read).
// Index loops over a fixed N×N matrix: clearer than iterator chains here.
#[allow(clippy::needless_range_loop)]
pub(crate) fn eigen_symmetric<const N: usize>(mut a: [[f64; N]; N]) -> ([f64; N], [[f64; N]; N]) {
    // v holds eigenvectors as columns while iterating.
    let mut v = [[0.0f64; N]; N];
    for (i, row) in v.iter_mut().enumerate() {
        if let Some(d) = row.get_mut(i) {
            *d = 1.0;
        }
    }
    for i in 0..N {
        for j in 0..i {
            a[i][j] = a[j][i];
        }
    }
    for _sweep in 0..100 {
        let off: f64 = (0..N)
            .flat_map(|i| ((i + 1)..N).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        let diag: f64 = (0..N).map(|i| a[i][i] * a[i][i]).sum();
        if off == 0.0 || off <= diag * 1e-36 {
            break;
        }
        for p in 0..N {
            for q in (p + 1)..N {
                let apq = a[p][q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..N {
                    let (akp, akq) = (a[k][p], a[k][q]);
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for k in 0..N {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let values: [f64; N] = std::array::from_fn(|i| a[i][i]);
    let vectors: [[f64; N]; N] = std::array::from_fn(|k| std::array::from_fn(|i| v[i][k]));
    (values, vectors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconstructs_matrix() {
        let a = [
            [4.0, 1.0, 0.5, 0.0],
            [1.0, 3.0, 0.2, 0.1],
            [0.5, 0.2, 2.0, 0.3],
            [0.0, 0.1, 0.3, 1.0],
        ];
        let (values, vectors) = eigen_symmetric(a);
        for i in 0..4 {
            for j in 0..4 {
                let r: f64 = (0..4)
                    .map(|k| values[k] * vectors[k][i] * vectors[k][j])
                    .sum();
                assert!((r - a[i][j]).abs() < 1e-14, "{i},{j}: {r} vs {}", a[i][j]);
            }
        }
    }
}
