//! What the split-decode tests of genre's own decoders (FLAC, MP3) run on:
//! the fixture files of one format and the three kinds of load.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use super::decode::DEFAULT_MAX_DURATION;
use super::window::Window;

/// The repository's root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files ending in `.{ext}` in `tests/fixtures/{ext}` and
/// `tests/fixtures/audio`, sorted.
pub(crate) fn fixtures(ext: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        format!("tests/fixtures/{ext}"),
        "tests/fixtures/audio".into(),
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == ext) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A whole stereo load, a mono load at the native rate, and a mono load
/// resampled to 22,050 Hz.
pub(crate) fn windows() -> [Window; 3] {
    let all = Window::all(DEFAULT_MAX_DURATION);
    [
        all,
        Window { mono: true, ..all },
        Window {
            mono: true,
            resample_to: Some(22_050),
            check_finite: true,
            ..all
        },
    ]
}
