//! Criterion benches of the drift report on seed-shaped data.

use criterion::{Criterion, criterion_group, criterion_main};
use genre_core::drift::synthetic::seed_frame;
use genre_core::drift::{DriftOptions, Profile, drift_report, drift_report_with_profile};

fn bench(c: &mut Criterion) {
    let shift = [
        0.3, 0.0, 0.2, 0.0, 0.5, 0.0, 0.1, 0.0, 0.05, 0.4, 0.0, 0.15, 0.25,
    ];
    let opts = DriftOptions::default();
    let mut g = c.benchmark_group("drift_report");
    g.sample_size(10);
    for rows in [1_000usize, 5_000, 100_000] {
        let reference = seed_frame(101, rows, &[], false);
        let current = seed_frame(102, rows, &shift, true);
        g.bench_function(format!("raw_{rows}"), |b| {
            b.iter(|| drift_report(&reference, &current, &opts))
        });
        if let Ok(profile) = Profile::from_reference(&reference, None) {
            g.bench_function(format!("profile_{rows}"), |b| {
                b.iter(|| drift_report_with_profile(&profile, &current, &opts))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
