//! One `Classifier` shared by many threads gives every thread the same answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use genre_core::model::{Classifier, ModelOptions};

#[test]
fn many_threads_share_one_classifier() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let clf = Arc::new(
        Classifier::from_path(
            dir.join("tests/fixtures/models/keras_nhwc_meta.onnx"),
            &ModelOptions::default(),
        )
        .expect("load"),
    );
    let seg = 130 * 13;
    // Distinct inputs per thread, deterministic.
    let inputs: Vec<Vec<f32>> = (0..16)
        .map(|t| {
            (0..3 * seg)
                .map(|i| (((i * 7 + t * 13) % 101) as f32 - 50.0) / 10.0)
                .collect()
        })
        .collect();
    let expected: Vec<Vec<f32>> = inputs
        .iter()
        .map(|x| clf.probabilities(x).expect("serial"))
        .collect();
    let handles: Vec<_> = (0..16)
        .map(|t| {
            let clf = Arc::clone(&clf);
            let x = inputs[t].clone();
            std::thread::spawn(move || {
                (0..20)
                    .map(|_| clf.probabilities(&x).expect("threaded"))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for (t, h) in handles.into_iter().enumerate() {
        for got in h.join().expect("no panic") {
            assert_eq!(got, expected[t], "thread {t}");
        }
    }
    // And the rayon batch API agrees too.
    let tracks: Vec<&[f32]> = inputs.iter().map(|v| v.as_slice()).collect();
    for (t, p) in clf.predict_many_segments(&tracks).into_iter().enumerate() {
        let p = p.expect("batch");
        let probs: Vec<f32> = p
            .segments
            .iter()
            .flat_map(|s| s.probabilities.clone())
            .collect();
        assert_eq!(probs, expected[t]);
    }
}
