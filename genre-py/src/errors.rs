//! The one place where `genre_core::Error` becomes a Python exception.
//!
//! The exception classes are defined in pure Python (`genre/exceptions.py`)
//! so they can subclass two builtins (e.g. `DecodeError(GenreError,
//! ValueError)`); they are imported lazily here.

use std::io;

use pyo3::PyErr;
use pyo3::exceptions::{PyFileNotFoundError, PyIsADirectoryError, PyOSError, PyPermissionError};

pyo3::import_exception!(genre.exceptions, GenreError);
pyo3::import_exception!(genre.exceptions, ConfigError);
pyo3::import_exception!(genre.exceptions, DecodeError);
pyo3::import_exception!(genre.exceptions, UnsupportedFormatError);
pyo3::import_exception!(genre.exceptions, DriftError);
pyo3::import_exception!(genre.exceptions, ModelError);

/// Converts a genre-core error into the documented Python exception.
pub(crate) fn to_py_err(err: genre_core::Error) -> PyErr {
    let message = err.to_string();
    match err {
        genre_core::Error::Io { path, source } => {
            io_error(&path.to_string_lossy(), &source, message)
        }
        genre_core::Error::InvalidConfig { .. }
        | genre_core::Error::InvalidSignal { .. }
        | genre_core::Error::InvalidSegments { .. } => ConfigError::new_err(message),
        genre_core::Error::ModelDecode { .. }
        | genre_core::Error::ModelUnsupportedOp { .. }
        | genre_core::Error::ModelGraph { .. }
        | genre_core::Error::ModelShape { .. }
        | genre_core::Error::ModelLabels { .. }
        | genre_core::Error::ModelMetadata { .. }
        | genre_core::Error::Inference { .. } => ModelError::new_err(message),
        genre_core::Error::UnsupportedFormat { .. } => UnsupportedFormatError::new_err(message),
        genre_core::Error::Decode { .. }
        | genre_core::Error::EmptyAudio { .. }
        | genre_core::Error::TooLong { .. } => DecodeError::new_err(message),
        genre_core::Error::DriftInput { .. }
        | genre_core::Error::DriftEmptyColumn { .. }
        | genre_core::Error::Table { .. }
        | genre_core::Error::Profile { .. } => DriftError::new_err(message),
        _ => GenreError::new_err(message),
    }
}

/// A [`ConfigError`] for a binding-level argument check, worded like
/// genre-core's `InvalidConfig`.
pub(crate) fn config_error(parameter: &str, reason: &str) -> PyErr {
    ConfigError::new_err(format!("invalid {parameter}: {reason}"))
}

/// `OSError` subclasses with `errno`, `strerror` and `filename` set, as
/// Python's own `open()` raises them.
fn io_error(path: &str, source: &io::Error, message: String) -> PyErr {
    let errno = source
        .raw_os_error()
        .unwrap_or_else(|| errno_of(source.kind()));
    let args = (errno, message, path.to_owned());
    match source.kind() {
        io::ErrorKind::NotFound => PyFileNotFoundError::new_err(args),
        io::ErrorKind::PermissionDenied => PyPermissionError::new_err(args),
        io::ErrorKind::IsADirectory => PyIsADirectoryError::new_err(args),
        _ => PyOSError::new_err(args),
    }
}

/// The errno Python's `open()` would set for an error genre-core made
/// itself (a directory given as a file has no OS error code): `ENOENT`,
/// `EACCES` and `EISDIR` have the same values on Linux, macOS and Windows.
fn errno_of(kind: io::ErrorKind) -> i32 {
    match kind {
        io::ErrorKind::NotFound => 2,
        io::ErrorKind::PermissionDenied => 13,
        io::ErrorKind::IsADirectory => 21,
        _ => 0,
    }
}

/// `Result<T, genre_core::Error>` → `PyResult<T>`.
pub(crate) trait IntoPyResult<T> {
    /// Maps the error with [`to_py_err`].
    fn into_py_result(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPyResult<T> for genre_core::Result<T> {
    fn into_py_result(self) -> pyo3::PyResult<T> {
        self.map_err(to_py_err)
    }
}
