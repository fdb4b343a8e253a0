//! genre's embedded default model: the seed's CNN trained by
//! `music-genre-pipeline` on a **synthetic** corpus (see `DEFAULT_MODEL.md`
//! beside this file for its data, held-out accuracy and how to reproduce it).
//!
//! It makes `genre predict FILE` and `genre.Classifier()` work out of the box;
//! its answers on real music are a demo. Compiled in by the default cargo
//! feature `default-model` (~190 kB); build with `--no-default-features` to
//! leave it out.

use super::{Classifier, ModelOptions};
use crate::Result;

/// The ONNX bytes of the embedded default model (with `genre.*` metadata).
pub const DEFAULT_MODEL_ONNX: &[u8] = include_bytes!("default_model.onnx");

/// What front ends tell users, once, when the embedded model answered.
pub const DEFAULT_MODEL_NOTICE: &str = "note: genre's built-in default model answered; it was trained on \
synthetic audio, not real music. Pass --model MODEL.onnx (or genre.Classifier(path)) for a model trained \
on your data: see python-examples/training (music-genre-pipeline).";

impl Classifier {
    /// Loads the embedded default model (GTZAN's ten genres, the seed's
    /// features), trained on synthetic audio.
    ///
    /// ```
    /// let clf = genre_core::model::Classifier::default_model()?;
    /// assert_eq!(clf.labels().len(), 10);
    /// assert_eq!(clf.labels()[0], "blues");
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn default_model() -> Result<Self> {
        Self::from_bytes(DEFAULT_MODEL_ONNX, &ModelOptions::default())
    }
}
