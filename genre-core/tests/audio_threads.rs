//! A load on rayon's pool (two halves decoded at once, the first streamed
//! into the resampler while the second decodes) gives the samples of a
//! load on one thread, bit for bit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use genre_core::audio::{LoadOptions, Signal, load};

fn load_on(threads: usize, path: &Path, options: &LoadOptions) -> Signal {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| load(path, options))
        .unwrap()
}

#[test]
fn two_threads_load_what_one_thread_loads() {
    let clip =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/traveling_minstrels_20s.ogg");
    for options in [
        LoadOptions::default(),
        LoadOptions {
            sr: Some(16_000),
            ..Default::default()
        },
        LoadOptions {
            mono: false,
            ..Default::default()
        },
        LoadOptions {
            sr: None,
            ..Default::default()
        },
    ] {
        let one = load_on(1, &clip, &options);
        let two = load_on(2, &clip, &options);
        assert_eq!(one.samples.len(), two.samples.len(), "{options:?}");
        let same = one
            .samples
            .iter()
            .zip(&two.samples)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "{options:?}");
        assert_eq!(
            (one.sample_rate, one.channels),
            (two.sample_rate, two.channels)
        );
    }
}
