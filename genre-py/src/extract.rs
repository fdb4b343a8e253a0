//! `genre.extract`: the seed's segments of many files, in parallel.

use std::path::PathBuf;

use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::errors::to_py_err;
use crate::runtime::detach_on;
use crate::segments::{PySegmentConfig, extractor, load_for};

/// What `extract` hands to the Python layer: all kept segments stacked, the
/// file each came from, its window index, and `(file index, exception)` for
/// every file that failed.
type Extracted<'py> = (
    Bound<'py, PyAny>,
    Bound<'py, PyArray1<u64>>,
    Bound<'py, PyArray1<u64>>,
    Vec<(usize, PyErr)>,
);

/// `extract(paths, config, n_jobs)`: loads and segments every file on a
/// rayon pool with the GIL released. Errors are returned, not raised; the
/// Python layer applies `on_error`.
#[pyfunction]
#[pyo3(signature = (paths, config=None, n_jobs=None))]
pub(crate) fn extract<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    config: Option<PyRef<'py, PySegmentConfig>>,
    n_jobs: Option<i64>,
) -> PyResult<Extracted<'py>> {
    let ex = extractor(config.as_deref())?;
    let results = detach_on(py, n_jobs, || {
        paths
            .par_iter()
            .map_init(
                || ex.mfcc().scratch(),
                |scratch, path| {
                    load_for(path.as_path().into(), &ex).and_then(|y| ex.extract_with(&y, scratch))
                },
            )
            .collect::<Vec<_>>()
    })?;
    let frames = ex.config().frames_per_segment();
    let n_mfcc = ex.config().n_mfcc;
    let kept: usize = results.iter().flatten().map(|s| s.count()).sum();
    let mut data = Vec::with_capacity(kept * frames * n_mfcc);
    let mut files = Vec::with_capacity(kept);
    let mut windows = Vec::with_capacity(kept);
    let mut errors = Vec::new();
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok(s) => {
                files.extend(std::iter::repeat_n(i as u64, s.count()));
                windows.extend(s.windows().iter().map(|&w| w as u64));
                data.extend_from_slice(s.as_slice());
            }
            Err(e) => errors.push((i, to_py_err(e))),
        }
    }
    let stacked = PyArray1::from_vec(py, data).reshape([kept, frames, n_mfcc])?;
    Ok((
        stacked.into_any(),
        PyArray1::from_vec(py, files),
        PyArray1::from_vec(py, windows),
        errors,
    ))
}
