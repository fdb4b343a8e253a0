//! ONNX genre models with tract: any Keras or PyTorch export of a CNN over MFCC
//! segments, self-describing through `metadata_props`, near onnxruntime speed.
//!
//! See "The model contract" in the design notes: inputs `[N, 130, 13, 1]`
//! (Keras NHWC), `[N, 1, 130, 13]` (PyTorch NCHW) or `[N, 130, 13]`; output
//! `[N, classes]` probabilities or logits; labels and feature config from the
//! model, a sidecar `<model>.json`, explicit [`ModelOptions`] or GTZAN defaults.

mod classifier;
mod const_pads;
mod conv;
#[cfg(feature = "default-model")]
mod default_model;
mod fold;
mod fold_dense;
mod layout;
mod metadata;
mod onnx;
mod pool;
mod prediction;
mod proto;
mod rewrite;
mod simd;

pub use classifier::{Batching, Classifier};
#[cfg(feature = "default-model")]
pub use default_model::{DEFAULT_MODEL_NOTICE, DEFAULT_MODEL_ONNX};
pub use metadata::{GTZAN_LABELS, ModelFeatures, ModelOptions, OutputKind, sidecar_path};
pub use onnx::InputLayout;
pub use prediction::{Aggregation, Prediction, SegmentPrediction};
