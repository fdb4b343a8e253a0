//! Audio inputs from Python: a path, or encoded bytes with a name.

use std::path::PathBuf;

use genre_core::audio::Source;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// What the Python layer passes: `bytes` (file content, e.g. an upload or a
/// file-like object's `read()`) or a path (`str` / `os.PathLike`).
#[derive(FromPyObject)]
pub(crate) enum Input<'py> {
    /// Encoded file content.
    Bytes(Bound<'py, PyBytes>),
    /// A file on disk.
    Path(PathBuf),
}

/// Borrowed view of an [`Input`] that can cross `py.detach` (bytes objects
/// are immutable, so borrowing their buffer without the GIL is sound).
pub(crate) enum Borrowed<'a> {
    Bytes(&'a [u8]),
    Path(&'a std::path::Path),
}

impl<'py> Input<'py> {
    /// The data, borrowed for the duration of a call.
    pub(crate) fn borrow(&self) -> Borrowed<'_> {
        match self {
            Input::Bytes(b) => Borrowed::Bytes(b.as_bytes()),
            Input::Path(p) => Borrowed::Path(p.as_path()),
        }
    }
}

impl<'a> Borrowed<'a> {
    /// The size of the encoded data in bytes (`None` if a path cannot be
    /// inspected: the load then reports why).
    pub(crate) fn len(&self) -> Option<u64> {
        match *self {
            Borrowed::Bytes(data) => u64::try_from(data.len()).ok(),
            Borrowed::Path(path) => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }

    /// The genre-core source; `name` labels bytes in error messages.
    pub(crate) fn source(&self, name: Option<&'a str>) -> Source<'a> {
        match *self {
            Borrowed::Bytes(data) => Source::bytes(data, name),
            Borrowed::Path(path) => Source::Path(path),
        }
    }
}
