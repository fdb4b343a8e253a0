//! One `Classifier` shared by many threads gives every thread the same answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use genre_core::model::{Batching, Classifier, ModelOptions};

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

/// Splitting a track's segments over rayon threads gives exactly the bits of
/// the sequential run, for every pool size and segment count (odd ones too).
#[test]
fn parallel_segments_equal_sequential_bit_for_bit() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for model in ["keras_nhwc_meta", "torch_nchw_meta", "keras_logits"] {
        let clf = Classifier::from_path(
            dir.join(format!("tests/fixtures/models/{model}.onnx")),
            &ModelOptions::default(),
        )
        .expect("load");
        let seg = 130 * 13;
        let x: Vec<f32> = (0..13 * seg)
            .map(|i| (((i * 31) % 257) as f32 - 128.0) / 25.0)
            .collect();
        for threads in [1, 2, 3, 5] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            for n in [1, 2, 4, 7, 10, 13] {
                let x = &x[..n * seg];
                let sequential = clf
                    .probabilities_with(x, Batching::Sequential)
                    .expect("sequential");
                let (parallel, auto) = pool.install(|| {
                    (
                        clf.probabilities_with(x, Batching::Parallel)
                            .expect("parallel"),
                        clf.probabilities(x).expect("auto"),
                    )
                });
                assert_eq!(
                    parallel, sequential,
                    "{model}: {threads} threads, {n} segments"
                );
                assert_eq!(
                    auto, sequential,
                    "{model}: auto, {threads} threads, {n} segments"
                );
            }
        }
    }
}
