//! `genre._genre`: the private native module behind the `genre` Python package.
//!
//! Bindings only: every function extracts its arguments, runs genre-core with
//! the GIL released (`py.detach`) and converts the result. Numerics live in
//! genre-core; errors are mapped to the Python hierarchy in [`errors`].

mod audio;
mod drift;
mod errors;
mod extract;
mod features;
mod model;
mod plans;
mod runtime;
mod segments;
mod source;

use pyo3::prelude::*;

/// genre-core's allocations (decoded audio, resampler blocks, feature
/// matrices, the arrays handed to numpy) come from mimalloc. With glibc's
/// malloc every call of several megabytes got fresh pages from the kernel
/// and faulted them in again (on rayon's threads the arena is trimmed after
/// each call): `genre.load` of a 30 s WAV spent a third of its time in page
/// faults. mimalloc keeps the freed pages for the next call. Python's own
/// objects and numpy's allocations are unaffected.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native module. The public API is re-exported by `genre/__init__.py`.
#[pymodule]
fn _genre(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "DEFAULT_MODEL_ONNX",
        pyo3::types::PyBytes::new(m.py(), genre_core::model::DEFAULT_MODEL_ONNX),
    )?;
    m.add(
        "DEFAULT_MODEL_NOTICE",
        genre_core::model::DEFAULT_MODEL_NOTICE,
    )?;
    m.add_function(wrap_pyfunction!(audio::load, m)?)?;
    m.add_function(wrap_pyfunction!(audio::info, m)?)?;
    m.add_class::<audio::PyAudioInfo>()?;
    m.add_class::<features::PyMelConfig>()?;
    m.add_function(wrap_pyfunction!(features::mfcc, m)?)?;
    m.add_function(wrap_pyfunction!(features::melspectrogram, m)?)?;
    m.add_function(wrap_pyfunction!(features::delta, m)?)?;
    m.add_function(wrap_pyfunction!(features::power_to_db_inplace, m)?)?;
    m.add_class::<segments::PySegmentConfig>()?;
    m.add_function(wrap_pyfunction!(segments::segments_signal, m)?)?;
    m.add_function(wrap_pyfunction!(segments::segments_file, m)?)?;
    m.add_function(wrap_pyfunction!(segments::mean_mfcc_signal, m)?)?;
    m.add_function(wrap_pyfunction!(segments::mean_mfcc_file, m)?)?;
    m.add_function(wrap_pyfunction!(extract::extract, m)?)?;
    m.add_class::<drift::PyProfile>()?;
    m.add_class::<model::PyClassifier>()?;
    m.add_class::<model::PyPrediction>()?;
    m.add_class::<model::PySegmentPrediction>()?;
    m.add_function(wrap_pyfunction!(drift::drift_report, m)?)?;
    Ok(())
}
