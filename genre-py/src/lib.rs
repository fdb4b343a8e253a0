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
mod placement;
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

/// How long mimalloc keeps freed memory before returning it to the kernel
/// (its default is 1 s). A call of a few MB frees its buffers and the next
/// call allocates them again; with the default, mimalloc purged some of that
/// memory between calls anyway, and `genre.segments` of a 30 s MP3 faulted
/// up to ~100 pages back in per call (0-2 with 10 s). 10 s is also
/// jemalloc's default decay. An explicit `MIMALLOC_PURGE_DELAY` wins.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// Sets [`PURGE_DELAY_MS`] unless the environment chose a delay.
#[allow(unsafe_code)]
fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // `mi_option_purge_delay` in mimalloc's `mi_option_t` (v2 and v3).
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    unsafe extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: `mi_option_set` is part of the statically linked mimalloc
    // (the global allocator above); it takes a valid option id and a value
    // and may be called at any time from any thread.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// The built-in model's ONNX bytes. A function, not a module constant: the
/// 188 KB copy is made only when `Classifier()` asks for it, not at import.
#[pyfunction]
fn default_model_onnx(py: Python<'_>) -> Bound<'_, pyo3::types::PyBytes> {
    pyo3::types::PyBytes::new(py, genre_core::model::DEFAULT_MODEL_ONNX)
}

/// The native module. The public API is re-exported by `genre/__init__.py`.
#[pymodule]
fn _genre(m: &Bound<'_, PyModule>) -> PyResult<()> {
    tune_allocator();
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
    Ok(())
}
