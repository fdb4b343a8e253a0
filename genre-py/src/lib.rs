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
mod warmup;

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

/// The built-in model's ONNX bytes. A function, not a module constant: the
/// 188 KB copy is made only when `Classifier()` asks for it, not at import.
#[pyfunction]
fn default_model_onnx(py: Python<'_>) -> Bound<'_, pyo3::types::PyBytes> {
    pyo3::types::PyBytes::new(py, genre_core::model::DEFAULT_MODEL_ONNX)
}

/// `(mfcc, melspectrogram, segments)`: how many plans each cache holds
/// (for the tests of the warm-up).
#[pyfunction]
fn cached_plans() -> (usize, usize, usize) {
    let (mfcc, mel) = features::cached_plans();
    (mfcc, mel, segments::cached_extractors())
}

/// The native module. The public API is re-exported by `genre/__init__.py`.
#[pymodule]
fn _genre(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(default_model_onnx, m)?)?;
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
    m.add_function(wrap_pyfunction!(warmup::start_warmup, m)?)?;
    m.add_function(wrap_pyfunction!(warmup::wait_warmup, m)?)?;
    m.add_function(wrap_pyfunction!(cached_plans, m)?)?;
    Ok(())
}
