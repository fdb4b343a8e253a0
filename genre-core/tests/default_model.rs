//! The embedded default model: loads without a file, carries GTZAN's labels,
//! reproduces onnxruntime on genre segments of held-out synthetic tracks and
//! classifies each of them correctly (goldens written by
//! python-examples/training/make_default_model.py).
#![cfg(feature = "default-model")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use genre_core::model::{Classifier, GTZAN_LABELS};

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/golden/training")
        .join(name)
}

fn npy(name: &str) -> (Vec<u64>, Vec<f32>) {
    let path = golden(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let npy = npyz::NpyFile::new(std::io::BufReader::new(file)).expect("npy header");
    let shape = npy.shape().to_vec();
    (shape, npy.into_vec::<f32>().expect("f32 data"))
}

#[test]
fn default_model_has_the_gtzan_contract() {
    let clf = Classifier::default_model().expect("embedded model loads");
    assert_eq!(clf.labels(), GTZAN_LABELS);
    assert_eq!((clf.features().frames(), clf.features().n_mfcc), (130, 13));
    assert!(genre_core::model::DEFAULT_MODEL_ONNX.len() < 1 << 20);
}

#[test]
fn default_model_matches_onnxruntime_and_classifies_held_out_tracks() {
    let (shape, segments) = npy("default_model_segments.npy");
    let (pshape, expected) = npy("default_model_onnxruntime.npy");
    assert_eq!(shape, vec![10, 130, 13]);
    assert_eq!(pshape, vec![10, 10]);
    let tracks: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(golden("default_model_tracks.json")).unwrap(),
    )
    .unwrap();
    let clf = Classifier::default_model().unwrap();
    let got = clf.probabilities(&segments).unwrap();
    let worst = got
        .iter()
        .zip(&expected)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    eprintln!("default model: max |genre - onnxruntime| = {worst:e}");
    assert!(worst <= 1e-5, "max |genre - onnxruntime| = {worst}");
    for (i, row) in got.chunks(10).enumerate() {
        let best = (0..10).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
        assert_eq!(
            clf.labels()[best],
            tracks[i]["label"].as_str().unwrap(),
            "segment of {}",
            tracks[i]["file"]
        );
    }
}
