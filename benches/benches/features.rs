//! MFCC, segment and multi-file extraction speed (single thread unless
//! stated). Compare with librosa in one run: `benches/compare_features.py`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use genre_benches::test_signal;
use genre_core::features::{Matrix, Mfcc, MfccConfig, SegmentConfig, SegmentExtractor};

fn bench(c: &mut Criterion) {
    let y = test_signal(30.0, 1);
    let mfcc = Mfcc::new(MfccConfig {
        n_mfcc: 13,
        ..Default::default()
    })
    .unwrap();
    let mut scratch = mfcc.scratch();
    let mut out = Matrix::default();
    c.bench_function("mfcc_30s_compute_into", |b| {
        b.iter(|| {
            mfcc.compute_into(black_box(&y), &mut scratch, &mut out)
                .unwrap()
        })
    });
    c.bench_function("mfcc_30s_compute_parallel_rayon", |b| {
        b.iter(|| mfcc.compute_parallel(black_box(&y)).unwrap())
    });
    let seg = SegmentExtractor::new(SegmentConfig::default()).unwrap();
    let mut scratch = seg.mfcc().scratch();
    c.bench_function("segments_10x3s", |b| {
        b.iter(|| seg.extract_with(black_box(&y), &mut scratch).unwrap())
    });
    c.bench_function("segments_10x3s_rayon", |b| {
        b.iter(|| seg.extract_parallel(black_box(&y)).unwrap())
    });
    let files: Vec<Vec<f32>> = (0..16).map(|i| test_signal(30.0, i + 1)).collect();
    c.bench_function("segments_16_files_rayon", |b| {
        b.iter(|| seg.extract_batch(black_box(&files)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
