//! [`Matrix`]: a row-major 2-D `f32` array shaped like numpy's.

use crate::{Error, Result};

/// A dense row-major `f32` matrix, the shape librosa returns.
///
/// MFCCs are `(n_mfcc, frames)` and mel spectrograms `(n_mels, frames)`,
/// exactly like `librosa.feature.mfcc` / `melspectrogram`.
///
/// ```
/// use genre_core::features::Matrix;
/// let m = Matrix::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])?;
/// assert_eq!(m.shape(), (2, 3));
/// assert_eq!(m.get(1, 0), Some(4.0));
/// assert_eq!(m.transpose().row(2), Some(&[3.0, 6.0][..]));
/// # Ok::<(), genre_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl Matrix {
    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows.saturating_mul(cols)],
        }
    }

    /// Wraps row-major `data`; its length must be `rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f32>) -> Result<Self> {
        check_shape(data.len(), rows, cols)?;
        Ok(Self { rows, cols, data })
    }

    /// Number of rows (coefficients or mel bands).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (frames).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// `(rows, cols)`, as numpy's `.shape`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The values, row-major.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// The values, row-major, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Consumes the matrix, returning its row-major values.
    pub fn into_vec(self) -> Vec<f32> {
        self.data
    }

    /// Row `r`, or `None` when out of range.
    pub fn row(&self, r: usize) -> Option<&[f32]> {
        if r >= self.rows {
            return None;
        }
        self.data.get(r * self.cols..(r + 1) * self.cols)
    }

    /// The value at `(r, c)`, or `None` when out of range.
    pub fn get(&self, r: usize, c: usize) -> Option<f32> {
        if r >= self.rows || c >= self.cols {
            return None;
        }
        self.data.get(r * self.cols + c).copied()
    }

    /// The transpose, e.g. `(n_mfcc, frames)` → `(frames, n_mfcc)`.
    pub fn transpose(&self) -> Matrix {
        let mut data = Vec::with_capacity(self.data.len());
        for c in 0..self.cols {
            data.extend(self.data.iter().skip(c).step_by(self.cols.max(1)));
        }
        Matrix {
            rows: self.cols,
            cols: self.rows,
            data,
        }
    }

    /// Mean of each row (over frames), accumulated in `f64`:
    /// `numpy.mean(m, axis=1)`.
    pub fn row_means(&self) -> Vec<f32> {
        (0..self.rows)
            .map(|r| {
                let row = self.row(r).unwrap_or_default();
                if row.is_empty() {
                    return f32::NAN;
                }
                let sum: f64 = row.iter().map(|&v| f64::from(v)).sum();
                (sum / row.len() as f64) as f32
            })
            .collect()
    }

    pub(crate) fn resize(&mut self, rows: usize, cols: usize) {
        self.rows = rows;
        self.cols = cols;
        self.data.resize(rows * cols, 0.0);
    }
}

/// Checks that `len` values can be shaped `(rows, cols)`.
pub(crate) fn check_shape(len: usize, rows: usize, cols: usize) -> Result<()> {
    if rows.checked_mul(cols) != Some(len) {
        return Err(Error::InvalidConfig {
            parameter: "data",
            reason: format!("{len} values cannot be shaped ({rows}, {cols})"),
        });
    }
    Ok(())
}
