//! Criterion: the seed's CNN on 1 and 10 segments with each batching strategy.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use genre_benches::mfcc_like_segments;
use genre_core::model::{Batching, Classifier, ModelOptions};

fn inference(c: &mut Criterion) {
    let model =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/models/keras_nhwc_meta.onnx");
    let Ok(clf) = Classifier::from_path(&model, &ModelOptions::default()) else {
        eprintln!("cannot load {}", model.display());
        return;
    };
    let mut group = c.benchmark_group("seed_cnn");
    for n in [1usize, 10] {
        let x = mfcc_like_segments(n);
        for (name, b) in [
            ("sequential", Batching::Sequential),
            ("parallel", Batching::Parallel),
            ("one_batch", Batching::OneBatch),
        ] {
            group.bench_function(format!("{name}/{n}"), |bench| {
                bench.iter(|| clf.probabilities_with(black_box(&x), b))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, inference);
criterion_main!(benches);
