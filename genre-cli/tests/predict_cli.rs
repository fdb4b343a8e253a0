//! `genre predict`: JSON lines per file, per-file errors, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/models/keras_nhwc_meta.onnx")
}

fn tone_wav(path: &Path, seconds: usize) {
    let sr = 22_050u32;
    let n = seconds * sr as usize;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + 2 * n as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 1] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&sr.to_le_bytes());
    out.extend_from_slice(&(sr * 2).to_le_bytes());
    for v in [2u16, 16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(2 * n as u32).to_le_bytes());
    for i in 0..n {
        let t = i as f32 / sr as f32;
        let s = (2.0 * std::f32::consts::PI * 440.0 * t).sin() * 0.3
            + (2.0 * std::f32::consts::PI * 97.0 * t).sin() * 0.2;
        out.extend_from_slice(&((s * 32767.0) as i16).to_le_bytes());
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn predict_prints_json_lines_and_reports_failures() {
    let dir = std::env::temp_dir().join(format!("genre-predict-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("tone.wav");
    tone_wav(&good, 30);
    let bad = dir.join("bad.wav");
    std::fs::write(&bad, b"nope").unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_genre"))
        .arg("predict")
        .arg(&good)
        .arg(&bad)
        .arg("--model")
        .arg(model())
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "one file failed");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let ok = &lines[0];
    assert_eq!(ok["file"], good.display().to_string());
    let genre = ok["genre"].as_str().unwrap();
    let probs = ok["probabilities"].as_object().unwrap();
    assert_eq!(probs.len(), 10);
    let total: f64 = probs.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-4);
    assert_eq!(probs[genre].as_f64(), ok["confidence"].as_f64());
    assert_eq!(ok["segments"].as_array().unwrap().len(), 10);
    assert_eq!(lines[1]["file"], bad.display().to_string());
    assert!(lines[1]["error"].as_str().is_some_and(|e| !e.is_empty()));

    // Text output, top 3, all files fine: exit 0.
    let out = Command::new(env!("CARGO_BIN_EXE_genre"))
        .args(["predict", "--top", "3", "--model"])
        .arg(model())
        .arg(&good)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("{}: {genre} ", good.display())),
        "{text}"
    );
    assert_eq!(text.matches(", ").count(), 2, "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn missing_file_or_bad_labels_fail_cleanly() {
    // Without --model the built-in default model answers; a file that does
    // not exist is a per-file error naming it, exit 1, no panic.
    let missing = std::env::temp_dir().join("genre-predict-cli-no-such-file.wav");
    let out = Command::new(env!("CARGO_BIN_EXE_genre"))
        .arg("predict")
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("genre-predict-cli-no-such-file.wav"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty());

    let out = Command::new(env!("CARGO_BIN_EXE_genre"))
        .args(["predict", "x.wav", "--labels", "a,b", "--model"])
        .arg(model())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("2 labels for 10"), "{err}");
}
