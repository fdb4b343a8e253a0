//! `librosa.feature.delta(data, width=9, order=1, axis=-1, mode="interp")`:
//! a Savitzky–Golay derivative along frames (`scipy.signal.savgol_filter`
//! with `polyorder = deriv = order`), edges fitted by polynomials.

use rayon::prelude::*;

use super::Matrix;
use super::db::PARALLEL_MIN_VALUES;
use super::matrix::check_shape;
use crate::{Error, Result};

/// Largest accepted `width`.
pub const MAX_DELTA_WIDTH: usize = 1001;

/// Delta features of `order` (1 = delta, 2 = delta-delta) along the
/// columns (frames) of `data`, each row independently, like
/// `librosa.feature.delta(data, width=width, order=order)`.
///
/// `width` must be odd, ≥ 3 and ≤ the number of frames; `order` ≥ 1 and
/// `< width`. Large inputs ([`super::PARALLEL_MIN_VALUES`] values or more)
/// are split by rows over rayon's threads, bit-identically.
///
/// ```
/// use genre_core::features::{delta, Matrix};
/// // A straight line has slope 2 everywhere, edges included.
/// let m = Matrix::from_vec(1, 12, (0..12).map(|t| 2.0 * t as f32).collect())?;
/// let d = delta(&m, 9, 1)?;
/// assert!(d.as_slice().iter().all(|v| (v - 2.0).abs() < 1e-5));
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn delta(data: &Matrix, width: usize, order: usize) -> Result<Matrix> {
    let (rows, cols) = data.shape();
    delta_rows(data.as_slice(), rows, cols, width, order)
}

/// [`delta`] of row-major `values` shaped `(rows, cols)`, without wrapping
/// them in a [`Matrix`] first.
///
/// ```
/// use genre_core::features::{delta, delta_rows, Matrix};
/// let v: Vec<f32> = (0..24).map(|t| (t * t) as f32).collect();
/// let m = Matrix::from_vec(2, 12, v.clone())?;
/// assert_eq!(delta_rows(&v, 2, 12, 9, 1)?, delta(&m, 9, 1)?);
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn delta_rows(
    values: &[f32],
    rows: usize,
    cols: usize,
    width: usize,
    order: usize,
) -> Result<Matrix> {
    check_shape(values.len(), rows, cols)?;
    if width < 3 || width % 2 != 1 || width > MAX_DELTA_WIDTH {
        return Err(Error::InvalidConfig {
            parameter: "width",
            reason: format!("{width} must be an odd integer in 3..={MAX_DELTA_WIDTH}"),
        });
    }
    if order == 0 || order >= width {
        return Err(Error::InvalidConfig {
            parameter: "order",
            reason: format!("{order} must be a positive integer below width={width}"),
        });
    }
    if width > cols {
        return Err(Error::InvalidConfig {
            parameter: "width",
            reason: format!(
                "{width} exceeds the {cols} frames (mode=\"interp\" needs width <= frames)"
            ),
        });
    }
    let g = savgol_weights(width, order, order)?;
    let mut out = Matrix::zeros(rows, cols);
    let dst = out.as_mut_slice();
    let row = |(x, y): (&[f32], &mut [f32])| delta_row(&g, width, x, y);
    if values.len() >= PARALLEL_MIN_VALUES && rayon::current_num_threads() > 1 {
        values
            .par_chunks_exact(cols)
            .zip(dst.par_chunks_exact_mut(cols))
            .for_each(row);
    } else {
        values
            .chunks_exact(cols)
            .zip(dst.chunks_exact_mut(cols))
            .for_each(row);
    }
    Ok(out)
}

/// One row of [`delta`]: `x` filtered into `y` (both `cols >= width` long)
/// with the `(width, width)` weights `g`.
fn delta_row(g: &[f64], width: usize, x: &[f32], y: &mut [f32]) {
    let cols = x.len();
    let half = width / 2;
    let dot = |row: usize, window: &[f32]| -> f32 {
        let w = g.get(row * width..(row + 1) * width).unwrap_or_default();
        w.iter()
            .zip(window)
            .map(|(&a, &b)| a * f64::from(b))
            .sum::<f64>() as f32
    };
    for (t, o) in y.iter_mut().enumerate() {
        *o = if t < half {
            dot(t, x.get(..width).unwrap_or_default())
        } else if t + half >= cols {
            dot(t + width - cols, x.get(cols - width..).unwrap_or_default())
        } else {
            dot(half, x.get(t - half..=t + half).unwrap_or_default())
        };
    }
}

/// `(width, width)` row-major weights: row `j` maps a window of `width`
/// samples to the `deriv`-th derivative, at position `j`, of the
/// least-squares polynomial of degree `polyorder` through them.
fn savgol_weights(width: usize, polyorder: usize, deriv: usize) -> Result<Vec<f64>> {
    let p = polyorder + 1;
    let half = (width / 2) as f64;
    let u: Vec<f64> = (0..width).map(|x| x as f64 - half).collect();
    // Normal equations N = AᵀA, A[x][i] = u_x^i.
    let mut n = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            n[i * p + j] = u.iter().map(|&v| v.powi((i + j) as i32)).sum();
        }
    }
    let inv = invert(&n, p).ok_or(Error::InvalidConfig {
        parameter: "width",
        reason: "the Savitzky-Golay system is singular".into(),
    })?;
    let mut g = vec![0.0; width * width];
    for (j, &uj) in u.iter().enumerate() {
        // d/du^deriv of Σ c_i u^i at u_j: Σ_i c_i · i!/(i-deriv)! · u_j^(i-deriv)
        let dvec: Vec<f64> = (0..p)
            .map(|i| {
                if i < deriv {
                    0.0
                } else {
                    let falling: f64 = ((i - deriv + 1)..=i).map(|k| k as f64).product();
                    falling * uj.powi((i - deriv) as i32)
                }
            })
            .collect();
        // weights = dvecᵀ · N⁻¹ · Aᵀ
        let tmp: Vec<f64> = (0..p)
            .map(|c| (0..p).map(|r| dvec[r] * inv[r * p + c]).sum())
            .collect();
        for (x, &ux) in u.iter().enumerate() {
            g[j * width + x] = (0..p).map(|i| tmp[i] * ux.powi(i as i32)).sum();
        }
    }
    Ok(g)
}

/// Gauss–Jordan inverse with partial pivoting of a small `p × p` matrix.
fn invert(m: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut a = m.to_vec();
    let mut inv: Vec<f64> = (0..p * p)
        .map(|k| f64::from(u8::from(k / p == k % p)))
        .collect();
    for col in 0..p {
        let pivot =
            (col..p).max_by(|&x, &y| a[x * p + col].abs().total_cmp(&a[y * p + col].abs()))?;
        if a[pivot * p + col] == 0.0 {
            return None;
        }
        for k in 0..p {
            a.swap(col * p + k, pivot * p + k);
            inv.swap(col * p + k, pivot * p + k);
        }
        let d = a[col * p + col];
        for k in 0..p {
            a[col * p + k] /= d;
            inv[col * p + k] /= d;
        }
        for r in 0..p {
            if r != col {
                let f = a[r * p + col];
                for k in 0..p {
                    a[r * p + k] -= f * a[col * p + k];
                    inv[r * p + k] -= f * inv[col * p + k];
                }
            }
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_order_interior_weights_are_k_over_60() {
        let g = savgol_weights(9, 1, 1).unwrap_or_default();
        for (x, w) in g[4 * 9..5 * 9].iter().enumerate() {
            assert!((w - (x as f64 - 4.0) / 60.0).abs() < 1e-14);
        }
    }
}
