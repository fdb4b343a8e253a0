//! # genre-core
//!
//! The hot path of music-genre ML, fast and exact: librosa-identical audio
//! loading and MFCC features, ONNX CNN inference, and Evidently-compatible
//! drift statistics. The Python package, the Node package and the `genre`
//! command-line tool are thin shells around this crate.

pub mod audio;
pub mod drift;
mod error;
pub mod features;
pub mod model;

pub use error::{Error, Result};

/// The workspace README's Rust examples, compiled by `cargo test --doc` so
/// they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
