//! `genre_core::audio::load` (librosa.load defaults: 22,050 Hz mono, libsoxr HQ).
//!
//! Files: every file in `$GENRE_BENCH_AUDIO` if set (compare_load.py writes
//! 30 s files there), else the bundled example clip, a FLAC and a WAV fixture.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use genre_core::audio::{LoadOptions, load};

fn files() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os("GENRE_BENCH_AUDIO") {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        return files;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    vec![
        root.join("examples/traveling_minstrels_20s.ogg"),
        root.join("tests/fixtures/audio/flac_16_48000_stereo.flac"),
        root.join("tests/fixtures/audio/wav_pcm16_22050_mono.wav"),
    ]
}

fn bench_load(c: &mut Criterion) {
    let options = LoadOptions::default();
    let mut group = c.benchmark_group("load_22050_mono");
    group.sample_size(10);
    for file in files() {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        group.bench_function(name, |b| {
            b.iter(|| load(file.as_path(), &options).map(|s| s.samples.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
