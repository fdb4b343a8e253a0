//! `genre.feature.*` and `genre.power_to_db`: librosa's feature functions.
//!
//! The Python layer hands over C-contiguous float32 arrays; results move
//! into numpy without a copy.

use genre_core::features::{
    self, DbConfig, Matrix, MelNorm, MelSpectrogram, MelSpectrogramConfig, Mfcc, MfccConfig,
    PARALLEL_MIN_FRAMES, PARALLEL_MIN_VALUES,
};
use numpy::{
    PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2, PyReadwriteArrayDyn,
    PyUntypedArrayMethods,
};
use pyo3::prelude::*;

use crate::errors::{IntoPyResult, config_error};
use crate::plans::PlanCache;
use crate::runtime::detach;

static MFCC_PLANS: PlanCache<MfccConfig, Mfcc> = PlanCache::new();

static MEL_PLANS: PlanCache<MelSpectrogramConfig, MelSpectrogram> = PlanCache::new();

/// What `mfcc` and `melspectrogram` need of their genre-core plan.
trait Plan: Sync {
    fn frames(&self, samples: usize) -> usize;
    /// Splits long signals over rayon's current threads.
    fn compute(&self, signal: &[f32]) -> genre_core::Result<Matrix>;
    /// On this thread only.
    fn compute_serial(&self, signal: &[f32]) -> genre_core::Result<Matrix>;
}

impl Plan for Mfcc {
    fn frames(&self, samples: usize) -> usize {
        self.n_frames(samples).unwrap_or(0)
    }
    fn compute(&self, signal: &[f32]) -> genre_core::Result<Matrix> {
        Mfcc::compute(self, signal)
    }
    fn compute_serial(&self, signal: &[f32]) -> genre_core::Result<Matrix> {
        let mut out = Matrix::default();
        self.compute_into(signal, &mut self.scratch(), &mut out)
            .map(|()| out)
    }
}

impl Plan for MelSpectrogram {
    fn frames(&self, samples: usize) -> usize {
        self.n_frames(samples).unwrap_or(0)
    }
    fn compute(&self, signal: &[f32]) -> genre_core::Result<Matrix> {
        MelSpectrogram::compute(self, signal)
    }
    fn compute_serial(&self, signal: &[f32]) -> genre_core::Result<Matrix> {
        let mut out = Matrix::default();
        self.compute_into(signal, &mut self.scratch(), &mut out)
            .map(|()| out)
    }
}

/// `plan` over `signal` as a numpy array: on the pool from
/// `PARALLEL_MIN_FRAMES` frames (where genre-core splits the frames over the
/// threads), else single-threaded on the calling thread, saving the
/// hand-off to a worker. Either runs with the GIL released; neither touches
/// rayon's global pool (see `runtime`).
fn run_plan<'py>(
    py: Python<'py>,
    plan: &impl Plan,
    signal: &[f32],
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let out = if plan.frames(signal.len()) >= PARALLEL_MIN_FRAMES {
        detach(py, || plan.compute(signal))?
    } else {
        py.detach(|| plan.compute_serial(signal))
    };
    matrix_to_numpy(py, out.into_py_result()?)
}

/// `work` over an array of `len` values: on the pool from
/// `PARALLEL_MIN_VALUES` (where genre-core splits it over the threads), else
/// on the calling thread (genre-core then does not touch rayon).
fn by_size<T: Send>(
    py: Python<'_>,
    len: usize,
    work: impl FnOnce() -> genre_core::Result<T> + Send,
) -> PyResult<T> {
    let out = if len >= PARALLEL_MIN_VALUES {
        detach(py, work)?
    } else {
        py.detach(work)
    };
    out.into_py_result()
}

/// A genre-core matrix as a 2-D numpy array, without copying the data.
pub(crate) fn matrix_to_numpy<'py>(
    py: Python<'py>,
    m: Matrix,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let (rows, cols) = m.shape();
    PyArray1::from_vec(py, m.into_vec()).reshape([rows, cols])
}

/// librosa's `norm=` of the mel filterbank: `"slaney"` or `None`.
fn mel_norm(norm: Option<&str>) -> PyResult<MelNorm> {
    match norm {
        Some("slaney") => Ok(MelNorm::Slaney),
        None => Ok(MelNorm::None),
        Some(other) => Err(config_error(
            "norm",
            &format!("{other:?} is not supported (use \"slaney\" or None)"),
        )),
    }
}

/// The mel-spectrogram parameters of `mfcc` and `melspectrogram`, built once
/// by the Python layer's normaliser (`genre.feature._mel_config`) and passed
/// to either function. Values are checked when the plan is built.
#[pyclass(frozen, module = "genre._genre", name = "MelConfig")]
pub(crate) struct PyMelConfig {
    inner: MelSpectrogramConfig,
}

#[pymethods]
impl PyMelConfig {
    #[new]
    #[pyo3(signature = (*, sr=22_050.0, n_fft=2048, hop_length=Some(512), win_length=None, center=true, n_mels=128, fmin=0.0, fmax=None, htk=false, norm=Some("slaney")))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        sr: f64,
        n_fft: usize,
        hop_length: Option<usize>,
        win_length: Option<usize>,
        center: bool,
        n_mels: usize,
        fmin: f64,
        fmax: Option<f64>,
        htk: bool,
        norm: Option<&str>,
    ) -> PyResult<Self> {
        let inner = MelSpectrogramConfig {
            sample_rate: sr,
            n_fft,
            // librosa: hop_length=None means win_length // 4.
            hop_length: hop_length.unwrap_or(win_length.unwrap_or(n_fft) / 4),
            win_length,
            center,
            n_mels,
            fmin,
            fmax,
            htk,
            norm: mel_norm(norm)?,
        };
        Ok(PyMelConfig { inner })
    }
}

/// `mfcc(y, mel, n_mfcc, lifter)` → `(n_mfcc, frames)` float32.
#[pyfunction]
#[pyo3(signature = (y, mel, *, n_mfcc=20, lifter=0.0))]
pub(crate) fn mfcc<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f32>,
    mel: &PyMelConfig,
    n_mfcc: usize,
    lifter: f32,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let config = MfccConfig {
        n_mfcc,
        lifter,
        db: DbConfig::default(),
        mel: mel.inner,
    };
    let signal = y.as_slice()?;
    let plan = py
        .detach(|| MFCC_PLANS.get(&config, |c| Mfcc::new(*c)))
        .into_py_result()?;
    run_plan(py, &*plan, signal)
}

/// `melspectrogram(y, mel)` → `(n_mels, frames)` float32 power. Like
/// `mfcc`: long signals are split over the pool's threads, short ones stay
/// on the calling thread.
#[pyfunction]
pub(crate) fn melspectrogram<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f32>,
    mel: &PyMelConfig,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let signal = y.as_slice()?;
    let plan = py
        .detach(|| MEL_PLANS.get(&mel.inner, |c| MelSpectrogram::new(*c)))
        .into_py_result()?;
    run_plan(py, &*plan, signal)
}

/// `delta(data, width, order)` along the last axis of a 2-D array.
#[pyfunction]
#[pyo3(signature = (data, *, width=9, order=1))]
pub(crate) fn delta<'py>(
    py: Python<'py>,
    data: PyReadonlyArray2<'py, f32>,
    width: usize,
    order: usize,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let (rows, cols) = (data.shape()[0], data.shape()[1]);
    let values = data.as_slice()?;
    let out = by_size(py, values.len(), || {
        features::delta_rows(values, rows, cols, width, order)
    })?;
    matrix_to_numpy(py, out)
}

/// `power_to_db(S, ref, amin, top_db)` in place on a float32 array.
#[pyfunction]
#[pyo3(signature = (s, *, reference=1.0, amin=1e-10, top_db=Some(80.0)))]
pub(crate) fn power_to_db_inplace(
    py: Python<'_>,
    mut s: PyReadwriteArrayDyn<'_, f32>,
    reference: f64,
    amin: f32,
    top_db: Option<f32>,
) -> PyResult<()> {
    let config = DbConfig {
        reference,
        amin,
        top_db,
    };
    let values = s.as_slice_mut()?;
    by_size(py, values.len(), || features::power_to_db(values, &config))
}
