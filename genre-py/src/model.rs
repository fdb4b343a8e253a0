//! `genre.Classifier` and its `Prediction`: ONNX genre models.

use std::sync::Arc;

use std::path::PathBuf;

use genre_core::model::{
    Aggregation, Classifier, InputLayout, ModelOptions, OutputKind, Prediction,
};
use numpy::{
    PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArrayDyn, PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::audio::sample_rate;
use crate::errors::{IntoPyResult, config_error, to_py_err};
use crate::runtime::detach_on;
use crate::segments::PySegmentConfig;
use crate::source::{Borrowed, Input};

/// A loaded genre model (thread-safe; share one instance).
#[pyclass(frozen, module = "genre", name = "Classifier")]
pub(crate) struct PyClassifier {
    model: Arc<Classifier>,
}

fn options(
    labels: Option<Vec<String>>,
    output: Option<&str>,
    ignore_sidecar: bool,
) -> PyResult<ModelOptions> {
    let output = match output {
        None => None,
        Some("probabilities") => Some(OutputKind::Probabilities),
        Some("logits") => Some(OutputKind::Logits),
        Some(other) => {
            return Err(config_error(
                "output",
                &format!("{other:?} is not \"probabilities\" or \"logits\""),
            ));
        }
    };
    Ok(ModelOptions {
        labels,
        features: None,
        output,
        ignore_sidecar,
    })
}

fn aggregation(name: &str) -> PyResult<Aggregation> {
    match name {
        "mean" => Ok(Aggregation::Mean),
        "majority" => Ok(Aggregation::Majority),
        other => Err(config_error(
            "aggregation",
            &format!("{other:?} is not \"mean\" or \"majority\""),
        )),
    }
}

/// A shape as Python prints a tuple: `(6, 130, 13)`, `(5,)`, `()`.
fn tuple_text(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => {
            let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
            format!("({})", dims.join(", "))
        }
    }
}

/// Checks that MFCC segments are `(n, frames, n_mfcc)` with `n >= 1`, or the
/// model's own input shape with its channel axis of 1 (`(n, frames, n_mfcc,
/// 1)` for NHWC, `(n, 1, frames, n_mfcc)` for NCHW). genre-core only sees the
/// values, so a transposed or reshaped array of the right size would
/// otherwise be classified.
fn check_segments_shape(model: &Classifier, shape: &[usize]) -> PyResult<()> {
    let (frames, n_mfcc) = (model.features().frames(), model.features().n_mfcc);
    let layout = model.layout();
    let matches = |f: usize, m: usize| f == frames && m == n_mfcc;
    let ok = match *shape {
        [n, f, m] => n > 0 && matches(f, m),
        [n, f, m, 1] if layout == InputLayout::Nhwc => n > 0 && matches(f, m),
        [n, 1, f, m] if layout == InputLayout::Nchw => n > 0 && matches(f, m),
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let channel = match layout {
        InputLayout::Nhwc => format!(" or (n, {frames}, {n_mfcc}, 1)"),
        InputLayout::Nchw => format!(" or (n, 1, {frames}, {n_mfcc})"),
        InputLayout::Sequence => String::new(),
    };
    Err(to_py_err(genre_core::Error::InvalidSegments {
        expected: format!(
            "shape (n, {frames}, {n_mfcc}){channel} with n >= 1 (this model's frames per segment and n_mfcc)"
        ),
        found: format!("shape {}", tuple_text(shape)),
    }))
}

#[pymethods]
impl PyClassifier {
    #[new]
    #[pyo3(signature = (model, *, labels=None, output=None, aggregation="mean", ignore_sidecar=false))]
    fn new(
        py: Python<'_>,
        model: Input<'_>,
        labels: Option<Vec<String>>,
        output: Option<&str>,
        aggregation: &str,
        ignore_sidecar: bool,
    ) -> PyResult<Self> {
        let opts = options(labels, output, ignore_sidecar)?;
        let agg = self::aggregation(aggregation)?;
        let data = model.borrow();
        let clf = py
            .detach(|| match data {
                Borrowed::Bytes(b) => Classifier::from_bytes(b, &opts),
                Borrowed::Path(p) => Classifier::from_path(p, &opts),
            })
            .into_py_result()?
            .with_aggregation(agg);
        Ok(PyClassifier {
            model: Arc::new(clf),
        })
    }

    /// Class labels in output order.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.model.labels().to_vec()
    }

    /// The feature configuration the model was trained on, as a dict.
    #[getter]
    fn feature_config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let f = self.model.features();
        let d = PyDict::new(py);
        d.set_item("sr", f.sr)?;
        d.set_item("n_mfcc", f.n_mfcc)?;
        d.set_item("n_fft", f.n_fft)?;
        d.set_item("hop_length", f.hop_length)?;
        d.set_item("n_mels", f.n_mels)?;
        d.set_item("segment_seconds", f.segment_seconds)?;
        d.set_item("frames", f.frames())?;
        Ok(d)
    }

    /// The segment configuration used for audio input.
    #[getter]
    fn segment_config(&self) -> PySegmentConfig {
        PySegmentConfig {
            inner: self.model.features().segment_config(),
        }
    }

    /// Predicts from a file path or encoded bytes; `name` (e.g. an opened
    /// file's path) labels bytes in error messages.
    #[pyo3(signature = (source, name=None, n_jobs=None))]
    fn predict_file(
        &self,
        py: Python<'_>,
        source: Input<'_>,
        name: Option<&str>,
        n_jobs: Option<i64>,
    ) -> PyResult<PyPrediction> {
        let data = source.borrow();
        let model = &self.model;
        detach_on(py, n_jobs, || model.predict_source(data.source(name)))?
            .into_py_result()
            .map(PyPrediction::from)
    }

    /// Predicts from a mono signal at `sr` Hz (resampled to the model's rate).
    #[pyo3(signature = (y, sr, n_jobs=None))]
    fn predict_signal(
        &self,
        py: Python<'_>,
        y: PyReadonlyArray1<'_, f32>,
        sr: i64,
        n_jobs: Option<i64>,
    ) -> PyResult<PyPrediction> {
        let sr = sample_rate("sr", sr)?;
        let signal = y.as_slice()?;
        let model = &self.model;
        detach_on(py, n_jobs, || model.predict_signal(signal, sr))?
            .into_py_result()
            .map(PyPrediction::from)
    }

    /// Predicts from MFCC segments `(n, frames, n_mfcc[, 1])`.
    #[pyo3(signature = (segments, n_jobs=None))]
    fn predict_segments(
        &self,
        py: Python<'_>,
        segments: PyReadonlyArrayDyn<'_, f32>,
        n_jobs: Option<i64>,
    ) -> PyResult<PyPrediction> {
        check_segments_shape(&self.model, segments.shape())?;
        let values = segments.as_slice()?;
        let model = &self.model;
        detach_on(py, n_jobs, || model.predict_segments(values))?
            .into_py_result()
            .map(PyPrediction::from)
    }

    /// Per-segment probabilities `(n, classes)` of MFCC segments.
    #[pyo3(signature = (segments, n_jobs=None))]
    fn probabilities<'py>(
        &self,
        py: Python<'py>,
        segments: PyReadonlyArrayDyn<'py, f32>,
        n_jobs: Option<i64>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        check_segments_shape(&self.model, segments.shape())?;
        let values = segments.as_slice()?;
        let model = &self.model;
        let probs = detach_on(py, n_jobs, || model.probabilities(values))?.into_py_result()?;
        let classes = model.labels().len().max(1);
        let rows = probs.len() / classes;
        numpy::PyArray1::from_vec(py, probs).reshape([rows, classes])
    }

    /// Predicts many files in parallel; each entry is a `Prediction` or the
    /// exception for that file.
    #[pyo3(signature = (paths, n_jobs=None))]
    fn predict_many(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        n_jobs: Option<i64>,
    ) -> PyResult<Vec<Py<PyAny>>> {
        let model = &self.model;
        let results = detach_on(py, n_jobs, || model.predict_files(&paths))?;
        results
            .into_iter()
            .map(|r| match r {
                Ok(p) => Ok(Py::new(py, PyPrediction::from(p))?.into_any()),
                Err(e) => Ok(to_py_err(e).into_value(py).into_any()),
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Classifier({:?}, labels={:?})",
            self.model.name(),
            self.model.labels()
        )
    }
}

/// One segment's result.
#[pyclass(frozen, module = "genre", name = "SegmentPrediction")]
pub(crate) struct PySegmentPrediction {
    genre: String,
    confidence: f32,
    probabilities: Vec<(String, f32)>,
}

#[pymethods]
impl PySegmentPrediction {
    /// The most probable label of this segment.
    #[getter]
    fn genre(&self) -> &str {
        &self.genre
    }
    /// Its probability.
    #[getter]
    fn confidence(&self) -> f32 {
        self.confidence
    }
    /// ``{label: probability}`` in label order.
    #[getter]
    fn probabilities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.probabilities)
    }
    fn __repr__(&self) -> String {
        format!(
            "SegmentPrediction(genre={:?}, confidence={})",
            self.genre, self.confidence
        )
    }
}

/// A track's prediction: the aggregated genre plus each segment's result.
#[pyclass(frozen, module = "genre", name = "Prediction")]
pub(crate) struct PyPrediction {
    inner: Prediction,
}

impl From<Prediction> for PyPrediction {
    fn from(inner: Prediction) -> Self {
        PyPrediction { inner }
    }
}

fn to_dict<'py>(py: Python<'py>, pairs: &[(String, f32)]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (label, p) in pairs {
        d.set_item(label, p)?;
    }
    Ok(d)
}

#[pymethods]
impl PyPrediction {
    /// The winning label.
    #[getter]
    fn genre(&self) -> &str {
        &self.inner.genre
    }
    /// Its aggregated probability (or vote share).
    #[getter]
    fn confidence(&self) -> f32 {
        self.inner.confidence
    }
    /// ``{label: probability}`` for every label, in label order.
    #[getter]
    fn probabilities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.inner.probabilities)
    }
    /// Per-segment results, in time order.
    #[getter]
    fn segments(&self) -> Vec<PySegmentPrediction> {
        let labels: Vec<&String> = self.inner.probabilities.iter().map(|(l, _)| l).collect();
        self.inner
            .segments
            .iter()
            .map(|s| PySegmentPrediction {
                genre: s.genre.clone(),
                confidence: s.confidence,
                probabilities: labels
                    .iter()
                    .map(|l| (*l).clone())
                    .zip(s.probabilities.iter().copied())
                    .collect(),
            })
            .collect()
    }
    /// ``{"genre", "confidence", "probabilities", "segments"}`` (JSON-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("genre", self.genre())?;
        d.set_item("confidence", self.confidence())?;
        d.set_item("probabilities", self.probabilities(py)?)?;
        let segments = self
            .segments()
            .iter()
            .map(|s| {
                let e = PyDict::new(py);
                e.set_item("genre", &s.genre)?;
                e.set_item("confidence", s.confidence)?;
                e.set_item("probabilities", s.probabilities(py)?)?;
                Ok(e)
            })
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("segments", segments)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "Prediction(genre={:?}, confidence={:.4}, segments={})",
            self.inner.genre,
            self.inner.confidence,
            self.inner.segments.len()
        )
    }
}
