//! `genre predict` without `--model`: the embedded default model answers and
//! says so once on stderr, never in the JSON on stdout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/traveling_minstrels_20s.ogg")
}

#[test]
fn default_model_answers_with_a_note_on_stderr() {
    let out = Command::new(env!("CARGO_BIN_EXE_genre"))
        .arg("predict")
        .arg(example())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line = stdout.trim_end();
    assert!(
        line.starts_with(&format!("{}: ", example().display())),
        "{line}"
    );
    let genre = line.split(": ").nth(1).unwrap().split(' ').next().unwrap();
    assert!(genre_core::model::GTZAN_LABELS.contains(&genre), "{line}");
    assert!(line.ends_with("(6 segments)"), "{line}");
    assert_eq!(stderr.matches("synthetic").count(), 1, "{stderr}");
    assert!(stderr.contains("--model"), "{stderr}");
}

#[test]
fn default_model_json_output_stays_pure_json() {
    let out = Command::new(env!("CARGO_BIN_EXE_genre"))
        .args(["predict", "--json"])
        .arg(example())
        .arg(example())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["genre"], lines[1]["genre"]);
    assert_eq!(lines[0]["probabilities"].as_object().unwrap().len(), 10);
    assert!(!stdout.contains("synthetic"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("synthetic").count(), 1, "{stderr}");
}
