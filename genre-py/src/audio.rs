//! `genre.load`, `genre.info`: audio decoding and `librosa.load`.

use std::sync::atomic::{AtomicBool, Ordering};

use genre_core::audio::{self, AudioInfo, LoadOptions};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;

use crate::errors::{IntoPyResult, config_error};
use crate::runtime::{detach, detach_importing, detach_short};
use crate::source::Input;

/// Whole files up to this size (a second of 16 kHz 16-bit WAV, two of a
/// 128 kbps MP3) load in at most a millisecond or so, on one thread: the
/// caller waits for them with `detach_short`.
const SHORT_FILE_BYTES: u64 = 32 * 1024;

/// A sample rate from Python: a positive integer that fits in `u32`.
pub(crate) fn sample_rate(parameter: &'static str, sr: i64) -> PyResult<u32> {
    u32::try_from(sr).ok().filter(|&sr| sr > 0).ok_or_else(|| {
        config_error(
            parameter,
            &format!("{sr} is not a positive sample rate in Hz"),
        )
    })
}

/// Whether numpy is in `sys.modules` (`import genre` does not import it;
/// the first load does). Once it is, it stays: later calls skip the lookup.
fn numpy_imported(py: Python<'_>) -> bool {
    static IMPORTED: AtomicBool = AtomicBool::new(false);
    if IMPORTED.load(Ordering::Relaxed) {
        return true;
    }
    let found = py
        .import("sys")
        .and_then(|sys| sys.getattr("modules"))
        .and_then(|modules| modules.contains("numpy"))
        .unwrap_or(false);
    IMPORTED.store(found, Ordering::Relaxed);
    found
}

/// `load(source, name, sr, mono, offset, duration, max_duration)` → `(y, sr)`,
/// `y` shaped `(n,)` or `(channels, n)` like librosa.
#[pyfunction]
#[pyo3(signature = (source, name=None, sr=Some(22_050), mono=true, offset=0.0, duration=None, max_duration=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn load<'py>(
    py: Python<'py>,
    source: Input<'py>,
    name: Option<&str>,
    sr: Option<i64>,
    mono: bool,
    offset: f64,
    duration: Option<f64>,
    max_duration: Option<f64>,
) -> PyResult<(Bound<'py, PyAny>, u32)> {
    let defaults = LoadOptions::default();
    let options = LoadOptions {
        sr: sr.map(|sr| sample_rate("sr", sr)).transpose()?,
        mono,
        offset,
        duration,
        max_duration: max_duration.unwrap_or(defaults.max_duration),
    };
    let data = source.borrow();
    let run = || audio::load(data.source(name), &options);
    // Every load runs on genre's pool: genre-core may ask rayon for threads
    // (two-thread decoding of a whole file, two-thread resampling of a long
    // PCM window), and from any other thread that would start rayon's global
    // pool, which a forked child cannot use. tests/test_extract.py checks
    // that no call starts it.
    let signal = if !numpy_imported(py) {
        // The array below needs numpy: import it while the file decodes.
        detach_importing(py, "numpy", run)?
    } else if data.len().is_some_and(|n| n <= SHORT_FILE_BYTES) {
        detach_short(py, run)?
    } else {
        detach(py, run)?
    };
    let signal = signal.into_py_result()?;
    let (channels, frames, rate) = (signal.channels, signal.frames(), signal.sample_rate);
    let array = PyArray1::from_vec(py, signal.samples);
    // librosa returns 1-D for one channel (mono, or a mono file with mono=False).
    let y = if channels == 1 {
        array.into_any()
    } else {
        array.reshape([channels, frames])?.into_any()
    };
    Ok((y, rate))
}

/// Stream properties read from the header (see `genre.info`).
#[pyclass(frozen, module = "genre", name = "AudioInfo")]
pub(crate) struct PyAudioInfo {
    inner: AudioInfo,
}

#[pymethods]
impl PyAudioInfo {
    /// Container, e.g. ``"wave"``, ``"mp3"``, ``"ogg"``, ``"au"``.
    #[getter]
    fn format(&self) -> &str {
        &self.inner.format
    }
    /// Codec, e.g. ``"pcm_s16le"``, ``"mp3"``, ``"vorbis"``.
    #[getter]
    fn codec(&self) -> &str {
        &self.inner.codec
    }
    /// Native sample rate in Hz.
    #[getter]
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate
    }
    /// Number of channels.
    #[getter]
    fn channels(&self) -> usize {
        self.inner.channels
    }
    /// Frames per channel.
    #[getter]
    fn frames(&self) -> u64 {
        self.inner.frames
    }
    /// Length in seconds (``frames / sample_rate``).
    #[getter]
    fn duration(&self) -> f64 {
        self.inner.duration
    }
    fn __repr__(&self) -> String {
        let i = &self.inner;
        format!(
            "AudioInfo(format={:?}, codec={:?}, sample_rate={}, channels={}, frames={}, duration={})",
            i.format, i.codec, i.sample_rate, i.channels, i.frames, i.duration
        )
    }
}

/// `info(source, name)` → [`PyAudioInfo`].
#[pyfunction]
#[pyo3(signature = (source, name=None))]
pub(crate) fn info(py: Python<'_>, source: Input<'_>, name: Option<&str>) -> PyResult<PyAudioInfo> {
    let data = source.borrow();
    let inner = py
        .detach(|| audio::info(data.source(name)))
        .into_py_result()?;
    Ok(PyAudioInfo { inner })
}
