//! [`Classifier`]: a loaded genre model plus its contract, shared by threads.

use std::path::Path;

use rayon::prelude::*;

use super::super::audio::{self, LoadOptions, Source};
use super::super::features::SegmentExtractor;
use super::metadata::{ModelContract, ModelFeatures, ModelOptions, OutputKind, sidecar_path};
use super::onnx::{InputLayout, OnnxModel, OnnxProto};
use super::prediction::{Aggregation, Prediction, aggregate, softmax};
use crate::{Error, Result};

/// From this many segments on, [`Batching::Auto`] spreads them over threads.
const PARALLEL_MIN_SEGMENTS: usize = 4;

/// How segments go through tract. All give the same probabilities (to
/// float rounding); they differ only in speed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Batching {
    /// Parallel from a few segments on when rayon has more than one thread,
    /// sequential otherwise (fastest measured for the seed's CNN; see
    /// `benches/compare_inference.py`).
    #[default]
    Auto,
    /// One segment at a time through the batch-1 plan, on this thread.
    Sequential,
    /// Segments split into one sub-batch per rayon thread, each run segment
    /// by segment through the batch-1 plan (bit-identical to `Sequential`).
    Parallel,
    /// One tract run of the whole batch through the symbolic-batch plan.
    OneBatch,
}

/// A genre model ready to classify MFCC segments.
///
/// `Classifier` is `Send + Sync`: load it once and call it from any number of
/// threads (each call keeps its own scratch state).
///
/// ```no_run
/// use genre_core::model::{Classifier, ModelOptions};
/// let clf = Classifier::from_path("model.onnx", &ModelOptions::default())?;
/// let segments = vec![0f32; 10 * 130 * 13]; // ten [130 × 13] MFCC segments
/// let p = clf.predict_segments(&segments)?;
/// println!("{} ({:.2})", p.genre, p.confidence);
/// # Ok::<(), genre_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Classifier {
    model: OnnxModel,
    contract: ModelContract,
    aggregation: Aggregation,
    /// MFCC segmentation for audio input; `Err` says why the model's feature
    /// config cannot be computed (segment input still works).
    extractor: std::result::Result<SegmentExtractor, String>,
}

impl Classifier {
    /// Loads an ONNX model file. A sidecar `<model>.json` beside it is read
    /// unless `options.ignore_sidecar`.
    pub fn from_path(path: impl AsRef<Path>, options: &ModelOptions) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let sidecar = sidecar_path(path);
        Self::load(&bytes, &path.display().to_string(), Some(&sidecar), options)
    }

    /// Loads an ONNX model from memory.
    pub fn from_bytes(bytes: &[u8], options: &ModelOptions) -> Result<Self> {
        Self::load(bytes, "<bytes>", None, options)
    }

    fn load(
        bytes: &[u8],
        name: &str,
        sidecar: Option<&Path>,
        options: &ModelOptions,
    ) -> Result<Self> {
        let proto = OnnxProto::decode(bytes, name)?;
        let mut contract = ModelContract::resolve(name, &proto.metadata(), sidecar, options)?;
        let model = OnnxModel::plan(proto, &contract.features, contract.output)?;
        if model.classes() != contract.labels.len() {
            return Err(Error::ModelLabels {
                model: name.to_owned(),
                labels: contract.labels.len(),
                outputs: model.classes(),
            });
        }
        contract.output = Some(model.output());
        let features = &contract.features;
        let extractor = if features.n_mels != 128 {
            Err(format!(
                "n_mels = {} (genre computes MFCCs over 128 mel bands)",
                features.n_mels
            ))
        } else if features.frames() != features.segment_config().frames_per_segment() {
            Err("frames disagrees with the segment length".to_owned())
        } else {
            SegmentExtractor::new(features.segment_config()).map_err(|e| e.to_string())
        };
        Ok(Classifier {
            model,
            contract,
            aggregation: Aggregation::default(),
            extractor,
        })
    }

    /// Uses `aggregation` to combine segments into a track's genre.
    pub fn with_aggregation(mut self, aggregation: Aggregation) -> Self {
        self.aggregation = aggregation;
        self
    }

    /// Class labels in output order.
    pub fn labels(&self) -> &[String] {
        &self.contract.labels
    }

    /// The feature configuration the model expects.
    pub fn features(&self) -> &ModelFeatures {
        &self.contract.features
    }

    /// The model's input layout.
    pub fn layout(&self) -> InputLayout {
        self.model.layout()
    }

    /// Whether the model outputs probabilities or logits (softmax applied).
    pub fn output_kind(&self) -> OutputKind {
        self.model.output()
    }

    /// Whether one tract plan serves every batch size.
    pub fn has_symbolic_batch(&self) -> bool {
        self.model.has_symbolic_batch()
    }

    /// The model's name (its path, or `<bytes>`).
    pub fn name(&self) -> &str {
        self.model.name()
    }

    fn segment_count(&self, segments: &[f32]) -> Result<usize> {
        let len = self.contract.features.segment_len();
        if segments.is_empty() || !segments.len().is_multiple_of(len) {
            let (f, m) = (
                self.contract.features.frames(),
                self.contract.features.n_mfcc,
            );
            return Err(Error::InvalidSegments {
                expected: format!("a positive multiple of {f} × {m} = {len} values"),
                found: format!("{} values", segments.len()),
            });
        }
        Ok(segments.len() / len)
    }

    /// Class probabilities of each segment, `n × labels().len()` row-major,
    /// with the default [`Batching::Auto`].
    ///
    /// `segments` holds `n` row-major `[frames × n_mfcc]` MFCC matrices back
    /// to back (librosa's `mfcc(...).T` per segment, as the seed feeds Keras).
    pub fn probabilities(&self, segments: &[f32]) -> Result<Vec<f32>> {
        self.probabilities_with(segments, Batching::Auto)
    }

    /// [`probabilities`](Self::probabilities) with an explicit strategy.
    pub fn probabilities_with(&self, segments: &[f32], batching: Batching) -> Result<Vec<f32>> {
        let n = self.segment_count(segments)?;
        let seg = self.contract.features.segment_len();
        let c = self.model.classes();
        let mut out = vec![0f32; n * c];
        let threads = rayon::current_num_threads();
        let batching = match batching {
            Batching::Auto if n >= PARALLEL_MIN_SEGMENTS && threads > 1 => Batching::Parallel,
            Batching::Auto => Batching::Sequential,
            other => other,
        };
        match batching {
            Batching::Parallel => {
                // One sub-batch per thread, each run segment by segment
                // through the batch-1 plan: the same operations as
                // `Sequential`, so the same bits.
                let chunk = n.div_ceil(threads.max(1));
                segments
                    .par_chunks(chunk * seg)
                    .zip(out.par_chunks_mut(chunk * c))
                    .try_for_each(|(x, y)| self.model.run_each(x, y))?;
            }
            Batching::OneBatch => self.model.run_batch(segments, &mut out)?,
            _ => self.model.run_each(segments, &mut out)?,
        }
        if self.model.output() == OutputKind::Logits {
            out.chunks_exact_mut(c).for_each(softmax);
        }
        Ok(out)
    }

    /// Classifies a track given as MFCC segments (see
    /// [`probabilities`](Self::probabilities) for the layout).
    pub fn predict_segments(&self, segments: &[f32]) -> Result<Prediction> {
        let probs = self.probabilities(segments)?;
        Ok(aggregate(&self.contract.labels, &probs, self.aggregation))
    }

    /// Classifies a mono signal at `sample_rate` Hz (resampled with libsoxr HQ
    /// to the model's rate if needed): GTZAN segments, MFCC, CNN, aggregate.
    pub fn predict_signal(&self, samples: &[f32], sample_rate: u32) -> Result<Prediction> {
        let extractor = self
            .extractor
            .as_ref()
            .map_err(|reason| Error::InvalidConfig {
                parameter: "genre.features",
                reason: format!("cannot compute this model's features from audio: {reason}"),
            })?;
        let sr = self.contract.features.sr;
        let resampled;
        let signal = if sample_rate == sr {
            samples
        } else {
            resampled = audio::resample(samples, sample_rate, sr)?;
            &resampled
        };
        let segments = extractor.extract(signal)?;
        if segments.count() == 0 {
            return Err(Error::InvalidSegments {
                expected: format!(
                    "audio at least one {} s segment long",
                    self.contract.features.segment_seconds
                ),
                found: format!("{:.3} s", signal.len() as f64 / f64::from(sr)),
            });
        }
        self.predict_segments(segments.as_slice())
    }

    /// Decodes, loads (mono, model rate) and classifies an audio file.
    pub fn predict_file(&self, path: impl AsRef<Path>) -> Result<Prediction> {
        self.predict_source(Source::from(path.as_ref()))
    }

    /// Decodes and classifies an in-memory audio file (format probed by content).
    pub fn predict_bytes(&self, bytes: &[u8]) -> Result<Prediction> {
        self.predict_source(Source::from(bytes))
    }

    /// Decodes, loads (mono, model rate) and classifies audio from any
    /// [`Source`]: a path, or bytes with the name errors should give them.
    ///
    /// ```
    /// use genre_core::audio::Source;
    /// use genre_core::model::Classifier;
    /// let clf = Classifier::default_model()?;
    /// let err = clf.predict_source(Source::bytes(b"not audio", Some("upload.bin"))).unwrap_err();
    /// assert!(err.to_string().contains("upload.bin"));
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn predict_source(&self, source: Source<'_>) -> Result<Prediction> {
        let options = LoadOptions {
            sr: Some(self.contract.features.sr),
            ..LoadOptions::default()
        };
        let signal = audio::load(source, &options)?;
        self.predict_signal(&signal.samples, signal.sample_rate)
    }

    /// Classifies many audio files in parallel (all cores), one result per file.
    pub fn predict_files<P: AsRef<Path> + Sync>(&self, paths: &[P]) -> Vec<Result<Prediction>> {
        paths.par_iter().map(|p| self.predict_file(p)).collect()
    }

    /// Classifies many tracks in parallel, one result per track.
    pub fn predict_many_segments(&self, tracks: &[&[f32]]) -> Vec<Result<Prediction>> {
        tracks
            .par_iter()
            .map(|t| self.predict_segments(t))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifier_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Classifier>();
    }
}
