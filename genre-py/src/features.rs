//! `genre.feature.*` and `genre.power_to_db`: librosa's feature functions.
//!
//! The Python layer hands over C-contiguous float32 arrays; results move
//! into numpy without a copy.

use genre_core::features::{
    self, DbConfig, Matrix, MelNorm, MelSpectrogram, MelSpectrogramConfig, Mfcc, MfccConfig,
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

/// MFCCs of at least this many frames are computed on the shared pool, where
/// `Mfcc::compute` splits them over the threads (genre-core goes parallel
/// from 256 frames); shorter signals stay on the calling thread with the
/// single-threaded `compute_into`, saving the ~50 µs hand-off to a worker.
/// Neither path touches rayon's global pool (see `runtime`).
const POOL_FROM_FRAMES: usize = 256;
static MEL_PLANS: PlanCache<MelSpectrogramConfig, MelSpectrogram> = PlanCache::new();

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
    let frames = plan.n_frames(signal.len()).unwrap_or(0);
    let out = if frames >= POOL_FROM_FRAMES {
        // `Mfcc::compute` splits long signals over the pool's threads.
        detach(py, || plan.compute(signal))?
    } else {
        py.detach(|| {
            let mut out = Matrix::default();
            plan.compute_into(signal, &mut plan.scratch(), &mut out)
                .map(|()| out)
        })
    };
    matrix_to_numpy(py, out.into_py_result()?)
}

/// `melspectrogram(y, mel)` → `(n_mels, frames)` float32 power.
#[pyfunction]
pub(crate) fn melspectrogram<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f32>,
    mel: &PyMelConfig,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let signal = y.as_slice()?;
    let out = py
        .detach(|| {
            MEL_PLANS
                .get(&mel.inner, |c| MelSpectrogram::new(*c))?
                .compute(signal)
        })
        .into_py_result()?;
    matrix_to_numpy(py, out)
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
    let out = py
        .detach(|| {
            Matrix::from_vec(rows, cols, values.to_vec())
                .and_then(|m| features::delta(&m, width, order))
        })
        .into_py_result()?;
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
    py.detach(|| features::power_to_db(values, &config))
        .into_py_result()
}
