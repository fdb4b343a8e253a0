//! `genre.segments`, `genre.mean_mfcc` and `genre.SegmentConfig`: the seed's
//! GTZAN features.

use genre_core::audio::{self, LoadOptions};
use genre_core::features::{SegmentConfig, SegmentExtractor, Segments};
use numpy::{PyArray1, PyArray3, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyInt;

use crate::errors::{IntoPyResult, config_error};
use crate::plans::PlanCache;
use crate::runtime::detach;
use crate::source::Input;

static EXTRACTORS: PlanCache<SegmentConfig, SegmentExtractor> = PlanCache::new();

/// The seed's segmentation parameters (defaults: 22,050 Hz, the first 30 s
/// cut into 10 windows of 3 s, 13 MFCCs, ``n_fft=2048``, ``hop_length=512``).
#[pyclass(frozen, eq, module = "genre", name = "SegmentConfig")]
#[derive(Clone, PartialEq)]
pub(crate) struct PySegmentConfig {
    pub(crate) inner: SegmentConfig,
}

/// A `SegmentConfig` field given from Python: an `int` that fits `T`
/// (a negative or too large one is a `ConfigError`, not PyO3's
/// `OverflowError`); any other type is a `TypeError`.
fn count<T: TryFrom<u64>>(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<T>> {
    let Some(value) = value else {
        return Ok(None);
    };
    if !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, not {}",
            value.get_type().name()?
        )));
    }
    value
        .extract::<u64>()
        .ok()
        .and_then(|n| T::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| {
            config_error(
                name,
                &format!(
                    "{value} is not an integer from 0 to 2^{} - 1",
                    8 * std::mem::size_of::<T>()
                ),
            )
        })
}

#[pymethods]
impl PySegmentConfig {
    #[new]
    #[pyo3(signature = (*, sample_rate=None, track_seconds=None, num_segments=None, n_mfcc=None, n_fft=None, hop_length=None))]
    fn new(
        sample_rate: Option<&Bound<'_, PyAny>>,
        track_seconds: Option<&Bound<'_, PyAny>>,
        num_segments: Option<&Bound<'_, PyAny>>,
        n_mfcc: Option<&Bound<'_, PyAny>>,
        n_fft: Option<&Bound<'_, PyAny>>,
        hop_length: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let d = SegmentConfig::default();
        let inner = SegmentConfig {
            sample_rate: count("sample_rate", sample_rate)?.unwrap_or(d.sample_rate),
            track_seconds: count("track_seconds", track_seconds)?.unwrap_or(d.track_seconds),
            num_segments: count("num_segments", num_segments)?.unwrap_or(d.num_segments),
            n_mfcc: count("n_mfcc", n_mfcc)?.unwrap_or(d.n_mfcc),
            n_fft: count("n_fft", n_fft)?.unwrap_or(d.n_fft),
            hop_length: count("hop_length", hop_length)?.unwrap_or(d.hop_length),
        };
        // Validated now, so a bad config fails where it is written.
        SegmentExtractor::new(inner).into_py_result()?;
        Ok(PySegmentConfig { inner })
    }
    /// Sample rate the audio is loaded at (Hz).
    #[getter]
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate
    }
    /// Seconds of each track that are segmented.
    #[getter]
    fn track_seconds(&self) -> u32 {
        self.inner.track_seconds
    }
    /// Windows per track.
    #[getter]
    fn num_segments(&self) -> usize {
        self.inner.num_segments
    }
    /// MFCC coefficients per frame.
    #[getter]
    fn n_mfcc(&self) -> usize {
        self.inner.n_mfcc
    }
    /// FFT size.
    #[getter]
    fn n_fft(&self) -> usize {
        self.inner.n_fft
    }
    /// Hop between frames.
    #[getter]
    fn hop_length(&self) -> usize {
        self.inner.hop_length
    }
    /// Samples per window (66,150 by default).
    #[getter]
    fn samples_per_segment(&self) -> usize {
        self.inner.samples_per_segment()
    }
    /// MFCC frames per window (130 by default).
    #[getter]
    fn frames_per_segment(&self) -> usize {
        self.inner.frames_per_segment()
    }
    fn __repr__(&self) -> String {
        let c = &self.inner;
        format!(
            "SegmentConfig(sample_rate={}, track_seconds={}, num_segments={}, n_mfcc={}, n_fft={}, hop_length={})",
            c.sample_rate, c.track_seconds, c.num_segments, c.n_mfcc, c.n_fft, c.hop_length
        )
    }
}

/// The extractor for `config` (default when `None`).
pub(crate) fn extractor(
    config: Option<&PySegmentConfig>,
) -> PyResult<std::sync::Arc<SegmentExtractor>> {
    let config = config.map_or_else(SegmentConfig::default, |c| c.inner);
    EXTRACTORS
        .get(&config, |c| SegmentExtractor::new(*c))
        .into_py_result()
}

/// Loads `source` mono at the extractor's rate, as the seed does.
pub(crate) fn load_for(
    source: genre_core::audio::Source<'_>,
    extractor: &SegmentExtractor,
) -> genre_core::Result<Vec<f32>> {
    let options = LoadOptions {
        sr: Some(extractor.config().sample_rate),
        ..LoadOptions::default()
    };
    Ok(audio::load(source, &options)?.samples)
}

/// Segments as a `(n, frames, n_mfcc)` numpy array, without copying.
pub(crate) fn segments_to_numpy<'py>(
    py: Python<'py>,
    s: Segments,
) -> PyResult<Bound<'py, PyArray3<f32>>> {
    let shape = s.shape();
    PyArray1::from_vec(py, s.into_vec()).reshape([shape.0, shape.1, shape.2])
}

fn check_rate(sr: Option<u32>, extractor: &SegmentExtractor) -> PyResult<()> {
    let expected = extractor.config().sample_rate;
    match sr {
        Some(sr) if sr != expected => Err(config_error(
            "sr",
            &format!(
                "the signal is at {sr} Hz but the segment config expects {expected} Hz (resample it, or load the file by path)"
            ),
        )),
        _ => Ok(()),
    }
}

/// `segments_signal(y, sr, config)` → `(n, 130, 13)`.
#[pyfunction]
#[pyo3(signature = (y, sr=None, config=None))]
pub(crate) fn segments_signal<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f32>,
    sr: Option<u32>,
    config: Option<PyRef<'_, PySegmentConfig>>,
) -> PyResult<Bound<'py, PyArray3<f32>>> {
    let ex = extractor(config.as_deref())?;
    check_rate(sr, &ex)?;
    let signal = y.as_slice()?;
    let out = detach(py, || ex.extract(signal))?.into_py_result()?;
    segments_to_numpy(py, out)
}

/// `segments_file(source, name, config)` → `(n, 130, 13)`.
#[pyfunction]
#[pyo3(signature = (source, name=None, config=None))]
pub(crate) fn segments_file<'py>(
    py: Python<'py>,
    source: Input<'py>,
    name: Option<&str>,
    config: Option<PyRef<'_, PySegmentConfig>>,
) -> PyResult<Bound<'py, PyArray3<f32>>> {
    let ex = extractor(config.as_deref())?;
    let data = source.borrow();
    let out = detach(py, || {
        load_for(data.source(name), &ex).and_then(|y| ex.extract(&y))
    })?
    .into_py_result()?;
    segments_to_numpy(py, out)
}

/// `mean_mfcc_signal(y, sr, config)` → 13 floats.
#[pyfunction]
#[pyo3(signature = (y, sr=None, config=None))]
pub(crate) fn mean_mfcc_signal<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f32>,
    sr: Option<u32>,
    config: Option<PyRef<'_, PySegmentConfig>>,
) -> PyResult<Bound<'py, PyArray1<f32>>> {
    let ex = extractor(config.as_deref())?;
    check_rate(sr, &ex)?;
    let signal = y.as_slice()?;
    let out = detach(py, || ex.mean_mfcc(signal))?.into_py_result()?;
    Ok(PyArray1::from_vec(py, out))
}

/// `mean_mfcc_file(source, name, config)` → 13 floats.
#[pyfunction]
#[pyo3(signature = (source, name=None, config=None))]
pub(crate) fn mean_mfcc_file<'py>(
    py: Python<'py>,
    source: Input<'py>,
    name: Option<&str>,
    config: Option<PyRef<'_, PySegmentConfig>>,
) -> PyResult<Bound<'py, PyArray1<f32>>> {
    let ex = extractor(config.as_deref())?;
    let data = source.borrow();
    let out = detach(py, || {
        load_for(data.source(name), &ex).and_then(|y| ex.mean_mfcc(&y))
    })?
    .into_py_result()?;
    Ok(PyArray1::from_vec(py, out))
}
