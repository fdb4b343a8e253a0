//! `genre._genre`: the private native module behind the `genre` Python package.
//!
//! Bindings only: every function extracts its arguments, runs genre-core with
//! the GIL released (`py.detach`) and converts the result. Numerics live in
//! genre-core; errors are mapped to the Python hierarchy in [`errors`].

#[allow(dead_code)] // used by the bindings as genre-core grows
mod errors;

use pyo3::prelude::*;

/// The native module. The public API is re-exported by `genre/__init__.py`.
#[pymodule]
fn _genre(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
