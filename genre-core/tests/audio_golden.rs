//! `genre_core::audio::load` against `librosa.load` golden vectors.
//!
//! Fixtures and goldens come from `tests/scripts/gen_audio_golden.py`
//! (librosa 0.11.0 + soundfile/libsndfile + soxr). Tolerances: lossless
//! formats are bit-identical on x86_64, resampled or not (genre-soxr runs
//! the SSE engine python-soxr's wheels run); elsewhere the limits
//! apply (≤ 1e-6 native, ≤ 1e-4 resampled). Lossy (MP3, OGG Vorbis: a
//! different decoder than libsndfile's) ≤ 1e-3.
//! Run with `--nocapture` to see the measured max |Δ| per case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use genre_core::audio::{LoadOptions, load};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_npy(path: &Path) -> (Vec<u64>, Vec<f32>) {
    let bytes = std::fs::read(path).unwrap();
    let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
    let shape = npy.shape().to_vec();
    (shape, npy.into_vec::<f32>().unwrap())
}

fn tolerance(case: &Value) -> f32 {
    if case["lossy"].as_bool().unwrap() {
        1e-3
    } else if cfg!(target_arch = "x86_64") {
        0.0
    } else if case["resampled"].as_bool().unwrap() {
        1e-4
    } else {
        1e-6
    }
}

#[test]
fn load_matches_librosa_on_every_fixture() {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/golden/audio/manifest.json")).unwrap(),
    )
    .unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 40, "manifest has {} cases", cases.len());
    let mut failures = Vec::new();
    println!(
        "{:<50} {:>8} {:>11} {:>7}",
        "case", "samples", "max |Δ|", "limit"
    );
    for case in cases {
        let fixture = root()
            .join("tests/fixtures/audio")
            .join(case["fixture"].as_str().unwrap());
        let golden = case["golden"].as_str().unwrap();
        let options = LoadOptions {
            sr: case["sr"].as_u64().map(|sr| sr as u32),
            mono: case["mono"].as_bool().unwrap(),
            offset: case["offset"].as_f64().unwrap(),
            duration: case["duration"].as_f64(),
            ..LoadOptions::default()
        };
        let (shape, expected) = read_npy(&root().join("tests/golden/audio").join(golden));
        let signal = match load(&fixture, &options) {
            Ok(signal) => signal,
            Err(e) => {
                failures.push(format!("{golden}: {e}"));
                continue;
            }
        };
        let (want_channels, want_frames) = match shape.as_slice() {
            [n] => (1, *n as usize),
            [c, n] => (*c as usize, *n as usize),
            other => panic!("{golden}: shape {other:?}"),
        };
        assert_eq!(
            u64::from(signal.sample_rate),
            case["sample_rate"].as_u64().unwrap(),
            "{golden}"
        );
        if (signal.channels, signal.frames()) != (want_channels, want_frames) {
            failures.push(format!(
                "{golden}: shape ({}, {}) but librosa ({want_channels}, {want_frames})",
                signal.channels,
                signal.frames()
            ));
            continue;
        }
        let max = signal
            .samples
            .iter()
            .zip(&expected)
            // NaN (on either side) counts as an infinite error.
            .map(|(a, b)| {
                if (a - b).is_nan() {
                    f32::INFINITY
                } else {
                    (a - b).abs()
                }
            })
            .fold(0.0f32, f32::max);
        let limit = tolerance(case);
        println!(
            "{golden:<50} {:>8} {max:>11.3e} {limit:>7.0e}",
            expected.len()
        );
        if max > limit {
            failures.push(format!("{golden}: max |Δ| {max:e} > {limit:e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
