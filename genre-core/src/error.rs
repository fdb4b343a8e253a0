//! The one error type of genre-core.
//!
//! Every fallible function in the crate returns [`Result`]. Variants carry
//! structured fields naming the file, column or parameter at fault, so the
//! bindings can map them to typed Python exceptions and Node error codes.

use std::path::PathBuf;

/// Everything that can go wrong in genre-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A configuration value is out of range or inconsistent.
    #[error("invalid {parameter}: {reason}")]
    InvalidConfig {
        /// The parameter at fault, e.g. `n_fft`.
        parameter: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// `Result` with genre-core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
