//! The model contract: class labels, the feature configuration the model was
//! trained on, and whether it outputs probabilities or logits.
//!
//! Sources, first match wins per item: explicit [`ModelOptions`], the ONNX
//! `metadata_props` (`genre.labels`, `genre.features`, `genre.output`), a
//! sidecar `<model>.json` (`{"labels": […], "features": {…}, "output": …}`),
//! then GTZAN defaults (ten genres in alphabetical order, the seed's features).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::features::SegmentConfig;
use crate::{Error, Result};

/// GTZAN's ten genres in alphabetical order: the seed's label order.
pub const GTZAN_LABELS: [&str; 10] = [
    "blues",
    "classical",
    "country",
    "disco",
    "hiphop",
    "jazz",
    "metal",
    "pop",
    "reggae",
    "rock",
];

/// The feature configuration a model was trained on (`genre.features`).
///
/// `Default` is the seed's GTZAN pipeline: 22,050 Hz, 13 MFCC, `n_fft` 2048,
/// hop 512, 128 mel bands, the first 30 s cut into 3 s segments of 130 frames
/// (see [`SegmentConfig`](crate::features::SegmentConfig)).
///
/// ```
/// let f = genre_core::model::ModelFeatures::default();
/// assert_eq!((f.frames(), f.n_mfcc), (130, 13));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelFeatures {
    /// Sample rate of the analysed signal, Hz.
    pub sr: u32,
    /// MFCC coefficients per frame.
    pub n_mfcc: usize,
    /// FFT size.
    pub n_fft: usize,
    /// Hop between frames, samples.
    pub hop_length: usize,
    /// Mel bands.
    pub n_mels: usize,
    /// Segment length, seconds.
    pub segment_seconds: f64,
    /// Seconds of a track that are cut into segments.
    pub track_seconds: u32,
    /// Frames per segment; computed from the above when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames: Option<usize>,
}

impl Default for ModelFeatures {
    fn default() -> Self {
        ModelFeatures {
            sr: 22_050,
            n_mfcc: 13,
            n_fft: 2048,
            hop_length: 512,
            n_mels: 128,
            segment_seconds: 3.0,
            track_seconds: 30,
            frames: None,
        }
    }
}

impl ModelFeatures {
    /// Frames per segment: the explicit `frames`, else the segmenter's
    /// `ceil(samples_per_segment / hop_length)`.
    pub fn frames(&self) -> usize {
        self.frames
            .unwrap_or_else(|| self.segment_config().frames_per_segment())
    }

    /// The GTZAN segmentation this model expects: `track_seconds` cut into
    /// `round(track_seconds / segment_seconds)` windows.
    pub fn segment_config(&self) -> SegmentConfig {
        let n = (f64::from(self.track_seconds) / self.segment_seconds).round();
        SegmentConfig {
            sample_rate: self.sr,
            track_seconds: self.track_seconds,
            num_segments: if n.is_finite() && n >= 1.0 {
                n as usize
            } else {
                1
            },
            n_mfcc: self.n_mfcc,
            n_fft: self.n_fft,
            hop_length: self.hop_length,
        }
    }

    /// Values per segment: `frames × n_mfcc`.
    pub fn segment_len(&self) -> usize {
        self.frames() * self.n_mfcc
    }

    fn validate(&self, model: &str) -> Result<()> {
        let bad = |reason: &str| Error::ModelMetadata {
            model: model.to_owned(),
            key: "genre.features",
            reason: reason.to_owned(),
        };
        if self.sr == 0 || self.n_mfcc == 0 || self.n_fft == 0 || self.hop_length == 0 {
            return Err(bad("sr, n_mfcc, n_fft and hop_length must be positive"));
        }
        if !(self.segment_seconds.is_finite() && self.segment_seconds > 0.0) {
            return Err(bad("segment_seconds must be a positive number"));
        }
        if self.track_seconds == 0 || f64::from(self.track_seconds) < self.segment_seconds {
            return Err(bad("track_seconds must be at least one segment long"));
        }
        if self.frames() == 0 || self.segment_len() > 1 << 24 {
            return Err(bad("frames × n_mfcc per segment is out of range"));
        }
        Ok(())
    }
}

/// What the model's output row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    /// Class probabilities (the graph ends in a softmax).
    Probabilities,
    /// Unnormalised scores; genre applies a softmax.
    Logits,
}

impl OutputKind {
    fn parse(model: &str, key: &'static str, s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "probabilities" | "probs" | "softmax" => Ok(OutputKind::Probabilities),
            "logits" => Ok(OutputKind::Logits),
            other => Err(Error::ModelMetadata {
                model: model.to_owned(),
                key,
                reason: format!("expected \"probabilities\" or \"logits\", found {other:?}"),
            }),
        }
    }
}

/// Explicit choices that override whatever the model file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelOptions {
    /// Class names in output order.
    pub labels: Option<Vec<String>>,
    /// Feature configuration the model expects.
    pub features: Option<ModelFeatures>,
    /// Whether outputs are probabilities or logits.
    pub output: Option<OutputKind>,
    /// Do not read a sidecar `<model>.json` beside a model loaded from a path.
    pub ignore_sidecar: bool,
}

/// The resolved contract of a loaded model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelContract {
    /// Class names in output order.
    pub labels: Vec<String>,
    /// Feature configuration.
    pub features: ModelFeatures,
    /// Output kind; `None` until the graph has been inspected.
    pub output: Option<OutputKind>,
}

/// The sidecar `<model>.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    labels: Option<Vec<String>>,
    features: Option<ModelFeatures>,
    output: Option<String>,
}

/// The sidecar path for a model: `x.onnx` → `x.json`.
pub fn sidecar_path(model: &Path) -> std::path::PathBuf {
    model.with_extension("json")
}

impl ModelContract {
    /// Resolves the contract from options, `metadata_props`, an optional
    /// sidecar file and the GTZAN defaults.
    pub(crate) fn resolve(
        model: &str,
        props: &[(String, String)],
        sidecar: Option<&Path>,
        options: &ModelOptions,
    ) -> Result<Self> {
        let prop = |key: &str| {
            props
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let side = match sidecar {
            Some(p) if !options.ignore_sidecar && p.is_file() => read_sidecar(p)?,
            _ => Sidecar::default(),
        };

        let labels = match (&options.labels, prop("genre.labels"), side.labels) {
            (Some(l), _, _) => l.clone(),
            (None, Some(json), _) => {
                serde_json::from_str::<Vec<String>>(json).map_err(|e| Error::ModelMetadata {
                    model: model.to_owned(),
                    key: "genre.labels",
                    reason: format!("not a JSON array of strings: {e}"),
                })?
            }
            (None, None, Some(l)) => l,
            (None, None, None) => GTZAN_LABELS.iter().map(|s| s.to_string()).collect(),
        };
        if labels.is_empty() {
            return Err(Error::ModelMetadata {
                model: model.to_owned(),
                key: "genre.labels",
                reason: "no labels".into(),
            });
        }

        let features = match (&options.features, prop("genre.features"), side.features) {
            (Some(f), _, _) => f.clone(),
            (None, Some(json), _) => {
                serde_json::from_str::<ModelFeatures>(json).map_err(|e| Error::ModelMetadata {
                    model: model.to_owned(),
                    key: "genre.features",
                    reason: format!("not a feature configuration: {e}"),
                })?
            }
            (None, None, Some(f)) => f,
            (None, None, None) => ModelFeatures::default(),
        };
        features.validate(model)?;

        let output = match (options.output, prop("genre.output"), side.output) {
            (Some(o), _, _) => Some(o),
            (None, Some(s), _) => Some(OutputKind::parse(model, "genre.output", s)?),
            (None, None, Some(s)) => Some(OutputKind::parse(model, "output", &s)?),
            (None, None, None) => None,
        };
        Ok(ModelContract {
            labels,
            features,
            output,
        })
    }
}

fn read_sidecar(path: &Path) -> Result<Sidecar> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::ModelMetadata {
        model: path.display().to_string(),
        key: "sidecar",
        reason: format!("invalid sidecar JSON: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_gtzan() {
        let c = ModelContract::resolve("m", &[], None, &ModelOptions::default()).unwrap();
        assert_eq!(c.labels.len(), 10);
        assert_eq!(c.labels[0], "blues");
        assert_eq!(c.features.frames(), 130);
        assert_eq!(c.output, None);
    }

    #[test]
    fn options_beat_metadata() {
        let props = vec![
            ("genre.labels".to_string(), r#"["a","b"]"#.to_string()),
            ("genre.output".to_string(), "logits".to_string()),
        ];
        let opts = ModelOptions {
            labels: Some(vec!["x".into()]),
            ..Default::default()
        };
        let c = ModelContract::resolve("m", &props, None, &opts).unwrap();
        assert_eq!(c.labels, vec!["x".to_string()]);
        assert_eq!(c.output, Some(OutputKind::Logits));
    }

    #[test]
    fn bad_metadata_is_a_typed_error() {
        let props = vec![("genre.labels".to_string(), "blues".to_string())];
        let err = ModelContract::resolve("m", &props, None, &ModelOptions::default());
        assert!(matches!(
            err,
            Err(Error::ModelMetadata {
                key: "genre.labels",
                ..
            })
        ));
    }
}
