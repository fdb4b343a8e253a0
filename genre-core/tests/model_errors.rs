//! Bad models and bad inputs give typed errors, never panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use genre_core::Error;
use genre_core::model::{Classifier, ModelFeatures, ModelOptions};

fn model(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/models")
        .join(name)
}

fn load(name: &str) -> Result<Classifier, Error> {
    Classifier::from_path(model(name), &ModelOptions::default())
}

#[test]
fn not_onnx_is_a_decode_error() {
    assert!(matches!(
        load("not_onnx.onnx"),
        Err(Error::ModelDecode { .. })
    ));
    assert!(matches!(
        Classifier::from_bytes(b"", &ModelOptions::default()),
        Err(Error::ModelDecode { .. })
    ));
}

#[test]
fn truncated_model_is_a_decode_error() {
    let err = load("truncated.onnx").expect_err("truncated");
    assert!(matches!(err, Error::ModelDecode { .. }), "{err:?}");
    // Every prefix of a real model fails cleanly.
    let bytes = std::fs::read(model("keras_nhwc.onnx")).expect("read");
    for cut in [1, 10, 100, 1000, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            Classifier::from_bytes(&bytes[..cut], &ModelOptions::default()).is_err(),
            "cut {cut}"
        );
    }
}

#[test]
fn missing_file_is_an_io_error() {
    assert!(matches!(load("does_not_exist.onnx"), Err(Error::Io { .. })));
}

#[test]
fn wrong_input_rank_is_a_shape_error() {
    let err = load("bad_rank.onnx").expect_err("rank 2");
    assert!(
        matches!(err, Error::ModelShape { what: "input", .. }),
        "{err:?}"
    );
}

#[test]
fn input_disagreeing_with_feature_config_is_a_shape_error() {
    let err = load("bad_frames.onnx").expect_err("128 frames");
    assert!(
        matches!(err, Error::ModelShape { what: "input", .. }),
        "{err:?}"
    );
    // The same model loads when the feature config says 128 frames.
    let features = ModelFeatures {
        frames: Some(128),
        ..Default::default()
    };
    let opts = ModelOptions {
        features: Some(features),
        ..Default::default()
    };
    assert!(Classifier::from_path(model("bad_frames.onnx"), &opts).is_ok());
    // And a real CNN refuses a config it was not built for.
    let opts = ModelOptions {
        features: Some(ModelFeatures {
            n_mfcc: 20,
            ..Default::default()
        }),
        ..Default::default()
    };
    assert!(matches!(
        Classifier::from_path(model("keras_nhwc.onnx"), &opts),
        Err(Error::ModelShape { .. })
    ));
}

#[test]
fn unsupported_op_is_named() {
    match load("bad_op.onnx") {
        Err(Error::ModelUnsupportedOp { op, .. }) => {
            assert!(op.contains("FancyActivation") || !op.is_empty())
        }
        other => panic!("expected ModelUnsupportedOp, got {other:?}"),
    }
}

#[test]
fn label_count_must_match_outputs() {
    match load("bad_labels.onnx") {
        Err(Error::ModelLabels {
            labels: 5,
            outputs: 10,
            ..
        }) => {}
        other => panic!("expected ModelLabels, got {other:?}"),
    }
    let opts = ModelOptions {
        labels: Some(vec!["a".into(), "b".into()]),
        ..Default::default()
    };
    assert!(matches!(
        Classifier::from_path(model("keras_nhwc.onnx"), &opts),
        Err(Error::ModelLabels {
            labels: 2,
            outputs: 10,
            ..
        })
    ));
}

#[test]
fn wrong_segment_sizes_are_typed_errors() {
    let clf = load("keras_nhwc.onnx").expect("load");
    for len in [0, 1, 130 * 13 - 1, 130 * 13 + 1] {
        let x = vec![0f32; len];
        assert!(
            matches!(clf.predict_segments(&x), Err(Error::InvalidSegments { .. })),
            "len {len}"
        );
    }
    // Non-finite input is still an answer, not a panic.
    let x = vec![f32::NAN; 130 * 13];
    assert!(clf.predict_segments(&x).is_ok());
}
