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

    /// The data is not audio in a container and codec genre can read.
    #[error("{path}: unsupported format: {reason}")]
    UnsupportedFormat {
        /// The file (or the caller's name for in-memory bytes).
        path: PathBuf,
        /// What was not recognised or is not supported.
        reason: String,
    },

    /// The container was recognised but its header or stream is malformed.
    #[error("{path}: cannot decode: {reason}")]
    Decode {
        /// The file (or the caller's name for in-memory bytes).
        path: PathBuf,
        /// What is malformed, and where decoding stopped.
        reason: String,
    },

    /// The audio (or the part requested) is longer than the configured limit.
    #[error(
        "{path}: {seconds:.1} s of audio exceeds the limit of {max_seconds:.1} s (max_duration)"
    )]
    TooLong {
        /// The file (or the caller's name for in-memory bytes).
        path: PathBuf,
        /// How long the file claims or turned out to be, in seconds.
        seconds: f64,
        /// The configured `max_duration`.
        max_seconds: f64,
    },

    /// The file decoded to zero samples (or the requested range is empty).
    #[error("{path}: no audio samples{detail}")]
    EmptyAudio {
        /// The file (or the caller's name for in-memory bytes).
        path: PathBuf,
        /// Extra context, e.g. " after offset 12.0 s"; empty when none.
        detail: String,
    },

    /// A configuration value is out of range or inconsistent.
    #[error("invalid {parameter}: {reason}")]
    InvalidConfig {
        /// The parameter at fault, e.g. `n_fft`.
        parameter: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// A signal given to feature extraction cannot be analysed (empty,
    /// too short for the configuration, or holding NaN/infinite samples).
    #[error("invalid signal for {operation}: {reason}")]
    InvalidSignal {
        /// The operation that rejected the signal, e.g. `mfcc`.
        operation: &'static str,
        /// What is wrong with the signal.
        reason: String,
    },

    /// A drift input column is missing, of the wrong type or otherwise unusable.
    #[error("column {column:?} {reason}")]
    DriftInput {
        /// The column at fault.
        column: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A drift column has no values left after dropping NaN and ±inf.
    #[error(
        "column {column:?} is empty in the {dataset} dataset after dropping missing and infinite values"
    )]
    DriftEmptyColumn {
        /// The column at fault.
        column: String,
        /// `"reference"` or `"current"`.
        dataset: &'static str,
    },

    /// A table file (CSV, Parquet) is empty, malformed or holds a bad value.
    #[error("{}{}{}: {reason}", path.display(), row.map(|r| format!(", row {r}")).unwrap_or_default(), column.as_ref().map(|c| format!(", column {c:?}")).unwrap_or_default())]
    Table {
        /// The file.
        path: PathBuf,
        /// 1-based data row (0: the header), when known.
        row: Option<usize>,
        /// The column, when known.
        column: Option<String>,
        /// What is wrong.
        reason: String,
    },

    /// A saved drift reference profile cannot be read.
    #[error("{}: {reason}", path.display())]
    Profile {
        /// The profile file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// The bytes are not a readable ONNX model (not ONNX, truncated, no graph).
    #[error("{model}: not a readable ONNX model: {reason}")]
    ModelDecode {
        /// The model path, or `<bytes>`.
        model: String,
        /// What the decoder said.
        reason: String,
    },

    /// The ONNX graph uses an operator tract does not implement.
    #[error("{model}: unsupported ONNX operator {op} (node {node:?})")]
    ModelUnsupportedOp {
        /// The model path, or `<bytes>`.
        model: String,
        /// The graph node using it.
        node: String,
        /// The operator.
        op: String,
    },

    /// tract could not type, optimise or plan the graph.
    #[error("{model}: cannot build this ONNX graph: {reason}")]
    ModelGraph {
        /// The model path, or `<bytes>`.
        model: String,
        /// What tract said.
        reason: String,
    },

    /// The model's input or output shape does not fit the model contract.
    #[error("{model}: {what} shape is {found}, expected {expected}")]
    ModelShape {
        /// The model path, or `<bytes>`.
        model: String,
        /// `input` or `output`.
        what: &'static str,
        /// The accepted shapes.
        expected: String,
        /// The model's shape.
        found: String,
    },

    /// The number of labels differs from the model's number of outputs.
    #[error("{model}: {labels} labels for {outputs} model outputs")]
    ModelLabels {
        /// The model path, or `<bytes>`.
        model: String,
        /// Labels given (metadata, sidecar, options or defaults).
        labels: usize,
        /// Classes the model outputs.
        outputs: usize,
    },

    /// A `genre.*` metadata entry or sidecar file is malformed.
    #[error("{model}: invalid {key}: {reason}")]
    ModelMetadata {
        /// The model (or sidecar) path, or `<bytes>`.
        model: String,
        /// The metadata key or file at fault.
        key: &'static str,
        /// What is wrong.
        reason: String,
    },

    /// Running the model failed.
    #[error("{model}: inference failed: {reason}")]
    Inference {
        /// The model path, or `<bytes>`.
        model: String,
        /// What tract said.
        reason: String,
    },

    /// MFCC segments handed to a classifier have the wrong size.
    #[error("invalid segments: expected {expected}, found {found}")]
    InvalidSegments {
        /// What the model needs.
        expected: String,
        /// What was given.
        found: String,
    },
}

/// `Result` with genre-core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
