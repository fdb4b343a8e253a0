//! Audio in, genre out: `predict_signal`, `predict_bytes`, `predict_file` and
//! `predict_files` agree with segment extraction + `predict_segments`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use genre_core::Error;
use genre_core::features::segments;
use genre_core::model::{Classifier, ModelOptions};

fn classifier() -> Classifier {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/models/keras_nhwc_meta.onnx");
    Classifier::from_path(path, &ModelOptions::default()).expect("load")
}

/// A deterministic music-like test signal: a few drifting partials and noise.
fn signal(seconds: f64, sr: u32) -> Vec<f32> {
    let n = (seconds * f64::from(sr)) as usize;
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(sr);
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state >> 40) as f64 / (1u64 << 24) as f64 - 0.5;
            let tone = (2.0 * std::f64::consts::PI * (220.0 + 30.0 * (0.3 * t).sin()) * t).sin()
                * 0.4
                + (2.0 * std::f64::consts::PI * 660.0 * t).sin() * 0.2 * (1.0 + (2.0 * t).sin());
            (tone + 0.1 * noise) as f32
        })
        .collect()
}

/// 16-bit PCM mono WAV bytes.
fn wav(samples: &[f32], sr: u32) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&sr.to_le_bytes());
    out.extend_from_slice(&(sr * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes());
    }
    out
}

#[test]
fn signal_prediction_is_segments_then_model() {
    let clf = classifier();
    let y = signal(30.0, 22_050);
    let p = clf.predict_signal(&y, 22_050).expect("predict");
    assert_eq!(p.segments.len(), 10);
    let direct = clf
        .predict_segments(segments(&y).expect("segments").as_slice())
        .expect("segments");
    assert_eq!(p, direct);
}

#[test]
fn bytes_and_file_match_the_decoded_signal() {
    let clf = classifier();
    let y = signal(30.0, 22_050);
    let bytes = wav(&y, 22_050);
    let dir = std::env::temp_dir().join(format!("genre-model-audio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("tone.wav");
    std::fs::write(&good, &bytes).unwrap();
    let short = dir.join("short.wav");
    std::fs::write(&short, wav(&y[..22_050], 22_050)).unwrap();
    let junk = dir.join("junk.wav");
    std::fs::write(&junk, b"not audio at all").unwrap();

    // What the decoder hands the model: 16-bit samples.
    let decoded: Vec<f32> = y
        .iter()
        .map(|s| f32::from((s.clamp(-1.0, 1.0) * 32767.0) as i16) / 32768.0)
        .collect();
    let expected = clf.predict_signal(&decoded, 22_050).expect("signal");
    assert_eq!(clf.predict_bytes(&bytes).expect("bytes"), expected);
    assert_eq!(clf.predict_file(&good).expect("file"), expected);

    let files: Vec<PathBuf> = vec![good.clone(), junk, short, dir.join("missing.wav"), good];
    let results = clf.predict_files(&files);
    assert_eq!(results.len(), 5);
    assert_eq!(results[0].as_ref().expect("first"), &expected);
    assert!(results[1].is_err());
    assert!(
        matches!(results[2], Err(Error::InvalidSegments { .. })),
        "{:?}",
        results[2]
    );
    assert!(
        matches!(results[3], Err(Error::Io { .. })),
        "{:?}",
        results[3]
    );
    assert_eq!(results[4].as_ref().expect("last"), &expected);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn other_sample_rates_are_resampled() {
    let clf = classifier();
    let p = clf
        .predict_signal(&signal(30.0, 44_100), 44_100)
        .expect("44.1 kHz");
    assert_eq!(p.segments.len(), 10);
    assert!(p.probabilities.iter().all(|(_, v)| v.is_finite()));
}
