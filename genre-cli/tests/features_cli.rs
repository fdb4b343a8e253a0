//! `genre mfcc` and `genre segments` end to end: output shapes and values
//! (`.npy`, JSON, CSV) equal the library's, and bad input fails cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use genre_core::audio::{LoadOptions, Source, load};
use genre_core::features::{
    MelSpectrogramConfig, Mfcc, MfccConfig, SegmentConfig, SegmentExtractor,
};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("genre-features-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A 2 s, 16-bit mono WAV at 22,050 Hz (shorter than one 3 s segment).
fn wav() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/audio/wav_pcm16_22050_mono.wav")
}

fn genre(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genre"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "genre failed: {stderr}");
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn read_npy(path: &Path) -> (Vec<usize>, Vec<f32>) {
    let bytes = std::fs::read(path).unwrap();
    let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
    let shape = npy.shape().iter().map(|&d| d as usize).collect();
    (shape, npy.into_vec::<f32>().unwrap())
}

fn load_mono(path: &Path) -> Vec<f32> {
    let options = LoadOptions {
        sr: Some(22_050),
        ..LoadOptions::default()
    };
    load(Source::Path(path), &options).unwrap().samples
}

fn mfcc_config(n_mfcc: usize, n_fft: usize, hop_length: usize, n_mels: usize) -> MfccConfig {
    MfccConfig {
        n_mfcc,
        mel: MelSpectrogramConfig {
            n_fft,
            hop_length,
            n_mels,
            ..MelSpectrogramConfig::default()
        },
        ..MfccConfig::default()
    }
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/traveling_minstrels_20s.ogg")
}

#[test]
fn mfcc_npy_json_csv_and_mean_equal_the_library() {
    let d = dir("mfcc");
    let wav = wav();
    let y = load_mono(&wav);
    let want = Mfcc::new(mfcc_config(13, 2048, 512, 128))
        .unwrap()
        .compute(&y)
        .unwrap();
    let (rows, cols) = want.shape();
    assert_eq!((rows, cols), (13, 87));

    // .npy: float32 (n_mfcc, frames), like librosa.
    let npy = d.join("m.npy");
    ok(&genre(&[
        "mfcc".as_ref(),
        wav.as_os_str(),
        "-o".as_ref(),
        npy.as_os_str(),
    ]));
    let (shape, values) = read_npy(&npy);
    assert_eq!(shape, vec![13, cols]);
    assert_eq!(values, want.as_slice());

    // JSON on stdout by default.
    let stdout = ok(&genre(&["mfcc".as_ref(), wav.as_os_str()]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["shape"], serde_json::json!([13, cols]));
    let json_rows = doc["mfcc"].as_array().unwrap();
    assert_eq!(json_rows.len(), 13);
    for (k, row) in json_rows.iter().enumerate() {
        let row: Vec<f32> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(row, want.row(k).unwrap());
    }

    // --mean: the seed's monitoring vector.
    let mean = d.join("mean.npy");
    ok(&genre(&[
        "mfcc".as_ref(),
        wav.as_os_str(),
        "--mean".as_ref(),
        "-o".as_ref(),
        mean.as_os_str(),
    ]));
    let (shape, values) = read_npy(&mean);
    assert_eq!(shape, vec![13]);
    assert_eq!(values, want.row_means());

    // Non-default parameters, CSV: one row per frame.
    let want = Mfcc::new(mfcc_config(20, 1024, 256, 64))
        .unwrap()
        .compute(&y)
        .unwrap();
    let csv = d.join("m.csv");
    ok(&genre(&[
        "mfcc".as_ref(),
        wav.as_os_str(),
        "--n-mfcc".as_ref(),
        "20".as_ref(),
        "--n-fft".as_ref(),
        "1024".as_ref(),
        "--hop-length".as_ref(),
        "256".as_ref(),
        "--n-mels".as_ref(),
        "64".as_ref(),
        "-o".as_ref(),
        csv.as_os_str(),
    ]));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header.len(), 21);
    assert_eq!((header[0], header[20]), ("frame", "mfcc_19"));
    let body: Vec<&str> = lines.collect();
    assert_eq!(body.len(), want.shape().1);
    for (t, line) in body.iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0].parse::<usize>().unwrap(), t);
        for (k, cell) in cells[1..].iter().enumerate() {
            assert_eq!(cell.parse::<f32>().unwrap(), want.get(k, t).unwrap());
        }
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn segments_npy_and_json_equal_the_library() {
    let d = dir("segments");
    let file = example();
    let want = SegmentExtractor::new(SegmentConfig::default())
        .unwrap()
        .extract(&load_mono(&file))
        .unwrap();
    // 20 s: six complete 3 s windows.
    assert_eq!(want.shape(), (6, 130, 13));

    let npy = d.join("s.npy");
    ok(&genre(&[
        "segments".as_ref(),
        file.as_os_str(),
        "-o".as_ref(),
        npy.as_os_str(),
    ]));
    let (shape, values) = read_npy(&npy);
    assert_eq!(shape, vec![6, 130, 13]);
    assert_eq!(values, want.as_slice());

    let stdout = ok(&genre(&["segments".as_ref(), file.as_os_str()]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["shape"], serde_json::json!([6, 130, 13]));
    assert_eq!(doc["windows"], serde_json::json!([0, 1, 2, 3, 4, 5]));
    let segs = doc["segments"].as_array().unwrap();
    assert_eq!(segs.len(), 6);
    let first: Vec<f32> = segs[0]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|frame| frame.as_array().unwrap().iter())
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    assert_eq!(first, want.segment(0).unwrap());

    // Shorter than one segment: no segments, a warning, success.
    let short = wav();
    let out = genre(&[
        "segments".as_ref(),
        short.as_os_str(),
        "-o".as_ref(),
        npy.as_os_str(),
    ]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no segments"));
    let (shape, values) = read_npy(&npy);
    assert_eq!(shape, vec![0, 130, 13]);
    assert!(values.is_empty());
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn bad_input_fails_with_a_message_not_a_panic() {
    let d = dir("bad");
    let wav = wav();
    let garbage = d.join("garbage.wav");
    std::fs::write(&garbage, b"not audio at all").unwrap();
    let missing = d.join("missing.wav");
    let cases: Vec<(Vec<&std::ffi::OsStr>, &str)> = vec![
        (
            vec![
                "mfcc".as_ref(),
                wav.as_os_str(),
                "--n-mfcc".as_ref(),
                "200".as_ref(),
            ],
            "n_mfcc",
        ),
        (
            vec![
                "mfcc".as_ref(),
                wav.as_os_str(),
                "--hop-length".as_ref(),
                "0".as_ref(),
            ],
            "hop_length",
        ),
        (
            vec![
                "mfcc".as_ref(),
                wav.as_os_str(),
                "-o".as_ref(),
                "out.txt".as_ref(),
            ],
            ".npy",
        ),
        (
            vec![
                "segments".as_ref(),
                wav.as_os_str(),
                "-o".as_ref(),
                "out.csv".as_ref(),
            ],
            ".npy",
        ),
        (vec!["mfcc".as_ref(), garbage.as_os_str()], "garbage.wav"),
        (
            vec!["segments".as_ref(), missing.as_os_str()],
            "missing.wav",
        ),
    ];
    for (args, needle) in cases {
        let out = genre(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    std::fs::remove_dir_all(&d).ok();
}
