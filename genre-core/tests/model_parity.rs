//! Parity with onnxruntime: every fixture export, at batch 1, 7 and 10, gives
//! the probabilities onnxruntime gave (goldens from tests/scripts/gen_model_golden.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use genre_core::model::{Batching, Classifier, InputLayout, ModelOptions, OutputKind};

const TOLERANCE: f32 = 1e-5;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn npy(path: &Path) -> (Vec<u64>, Vec<f32>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let npy = npyz::NpyFile::new(std::io::BufReader::new(file)).expect("npy header");
    let shape = npy.shape().to_vec();
    (shape, npy.into_vec::<f32>().expect("f32 data"))
}

fn manifest() -> serde_json::Value {
    let text =
        std::fs::read_to_string(root().join("tests/golden/model/manifest.json")).expect("manifest");
    serde_json::from_str(&text).expect("manifest json")
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn every_export_matches_onnxruntime_at_every_batch() {
    let (shape, inputs) = npy(&root().join("tests/golden/model/inputs.npy"));
    assert_eq!(shape, vec![10, 130, 13]);
    let seg = 130 * 13;
    let manifest = manifest();
    let models = manifest.as_object().expect("manifest object");
    assert!(
        models.len() >= 4,
        "expected at least the four Keras exports"
    );
    for (name, info) in models {
        let clf = Classifier::from_path(
            root().join(format!("tests/fixtures/models/{name}.onnx")),
            &ModelOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(clf.has_symbolic_batch(), "{name}: no symbolic batch");
        let layout = match info["layout"].as_str() {
            Some("nhwc") => InputLayout::Nhwc,
            Some("nchw") => InputLayout::Nchw,
            _ => InputLayout::Sequence,
        };
        assert_eq!(clf.layout(), layout, "{name}");
        let kind = if info["output"] == "logits" {
            OutputKind::Logits
        } else {
            OutputKind::Probabilities
        };
        assert_eq!(clf.output_kind(), kind, "{name}");
        for b in [1usize, 7, 10] {
            let (gshape, golden) = npy(&root().join(format!("tests/golden/model/{name}_b{b}.npy")));
            assert_eq!(gshape, vec![b as u64, 10]);
            let x = &inputs[..b * seg];
            let per_segment = clf
                .probabilities(x)
                .unwrap_or_else(|e| panic!("{name} b{b}: {e}"));
            let batched = clf
                .probabilities_with(x, Batching::OneBatch)
                .unwrap_or_else(|e| panic!("{name} b{b}: {e}"));
            let d1 = max_abs_diff(&per_segment, &golden);
            let d2 = max_abs_diff(&batched, &golden);
            println!("{name} batch {b}: max |dp| per-segment {d1:.2e}, one batch {d2:.2e}");
            assert!(d1 <= TOLERANCE, "{name} batch {b}: {d1}");
            assert!(d2 <= TOLERANCE, "{name} batch {b}: {d2}");
        }
    }
}

#[test]
fn labels_come_from_metadata_sidecar_or_defaults() {
    let dir = root().join("tests/fixtures/models");
    let meta = Classifier::from_path(dir.join("keras_nhwc_meta.onnx"), &ModelOptions::default())
        .expect("meta");
    assert_eq!(meta.labels()[9], "rock");
    let side = Classifier::from_path(dir.join("keras_logits.onnx"), &ModelOptions::default())
        .expect("sidecar");
    assert_eq!(side.labels()[3], "class3");
    assert_eq!(side.output_kind(), OutputKind::Logits);
    let no_side = ModelOptions {
        ignore_sidecar: true,
        ..Default::default()
    };
    let plain = Classifier::from_path(dir.join("keras_logits.onnx"), &no_side).expect("defaults");
    assert_eq!(plain.labels()[0], "blues");
    // Without the sidecar, the missing final softmax is detected from the graph.
    assert_eq!(plain.output_kind(), OutputKind::Logits);
    let bytes = std::fs::read(dir.join("keras_nhwc.onnx")).expect("read");
    let labels: Vec<String> = (0..10).map(|i| format!("g{i}")).collect();
    let opts = ModelOptions {
        labels: Some(labels.clone()),
        ..Default::default()
    };
    let explicit = Classifier::from_bytes(&bytes, &opts).expect("bytes");
    assert_eq!(explicit.labels(), labels.as_slice());
}

#[test]
fn prediction_is_the_mean_of_segments() {
    let (_, inputs) = npy(&root().join("tests/golden/model/inputs.npy"));
    let (_, golden) = npy(&root().join("tests/golden/model/keras_nhwc_meta_b10.npy"));
    let clf = Classifier::from_path(
        root().join("tests/fixtures/models/keras_nhwc_meta.onnx"),
        &ModelOptions::default(),
    )
    .expect("load");
    let p = clf.predict_segments(&inputs).expect("predict");
    assert_eq!(p.segments.len(), 10);
    let mean: Vec<f32> = (0..10)
        .map(|c| (0..10).map(|s| golden[s * 10 + c]).sum::<f32>() / 10.0)
        .collect();
    let best = (0..10)
        .max_by(|&a, &b| mean[a].total_cmp(&mean[b]))
        .expect("ten");
    assert_eq!(p.genre, clf.labels()[best]);
    for ((label, got), want) in p.probabilities.iter().zip(&mean) {
        assert!((got - want).abs() <= TOLERANCE, "{label}: {got} vs {want}");
    }
    assert!((p.confidence - mean[best]).abs() <= TOLERANCE);
}
