//! genre's own MP3 decoder against symphonia's (which decoded MP3 before
//! it and still decodes the files genre's leaves to it): same sample count,
//! samples within 1e-5, on every fixture of `tests/fixtures/mp3/`
//! (`tests/scripts/gen_mp3_fixtures.py`: MPEG-1/2/2.5 at every rate, mono,
//! stereo, joint stereo, forced L/R, VBR with Xing, CBR with Info, no tag,
//! transients with short blocks, low bitrates) and the MP3s of
//! `tests/fixtures/audio/`; the mono shortcut against the mean of the
//! decoded channels; windows; bad input.
//! Run with `--nocapture` to see the measured max |Δ| per fixture; set
//! `GENRE_MP3_EXTRA=a.mp3:b.mp3` to check more files the same way.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use genre_core::audio::{LoadOptions, Source, decode, load};
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every MP3 fixture.
fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["tests/fixtures/mp3", "tests/fixtures/audio"] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "mp3") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 2, "no MP3 fixtures");
    // More files to check by hand (e.g. a long real recording), `:`-separated.
    if let Ok(extra) = std::env::var("GENRE_MP3_EXTRA") {
        files.extend(
            extra
                .split(':')
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
        );
    }
    files
}

/// symphonia's decode of `data`: interleaved f32, channels, rate (packets
/// that fail to decode are skipped, as genre's symphonia path does).
fn symphonia_decode(data: &[u8]) -> (Vec<f32>, usize, u32) {
    let stream = MediaSourceStream::new(
        Box::new(std::io::Cursor::new(data.to_vec())),
        Default::default(),
    );
    let mut reader = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .unwrap();
    let track = reader.default_track(TrackType::Audio).unwrap();
    let id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .unwrap()
        .audio()
        .unwrap()
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .unwrap();
    let (mut out, mut scratch) = (Vec::new(), Vec::new());
    let (mut channels, mut rate) = (0, 0);
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(p)) if p.track_id == id => p,
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => break,
        };
        match decoder.decode(&packet) {
            Ok(buf) => {
                channels = buf.spec().channels().count();
                rate = buf.spec().rate();
                buf.copy_to_vec_interleaved(&mut scratch);
                out.extend_from_slice(&scratch);
            }
            Err(SymError::DecodeError(_)) | Err(SymError::IoError(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    (out, channels, rate)
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn decode_matches_symphonia_on_every_fixture() {
    let mut failures = Vec::new();
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let (expected, channels, rate) = symphonia_decode(&data);
        let got = decode(Source::Path(&path)).unwrap();
        let diff = max_abs_diff(&got.samples, &expected);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        println!(
            "{name:<40} {:>8} frames {channels} ch {rate:>5} Hz  max |Δ| {diff:.2e}",
            got.frames()
        );
        if got.samples.len() != expected.len()
            || (got.channels, got.sample_rate) != (channels, rate)
            || diff > 1e-5
        {
            failures.push(format!(
                "{name}: {} samples {} ch {} Hz vs symphonia {} {channels} {rate}, max |Δ| {diff:e}",
                got.samples.len(),
                got.channels,
                got.sample_rate,
                expected.len()
            ));
        }
        // Bytes decode as the file does.
        let from_bytes = decode(Source::bytes(&data, Some("x.mp3"))).unwrap();
        assert_eq!(from_bytes.samples, got.samples, "{name}");
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A mono load of a stereo file takes the shortcut (mixing before the
/// IMDCT); it equals the f32 mean of the two decoded channels up to float
/// rounding.
#[test]
fn mono_shortcut_is_the_channel_mean() {
    for path in fixtures() {
        let stereo = decode(Source::Path(&path)).unwrap();
        if stereo.channels != 2 {
            continue;
        }
        let mean: Vec<f32> = stereo
            .samples
            .chunks(2)
            .map(|f| (f[0] + f[1]) / 2.0)
            .collect();
        let options = LoadOptions {
            sr: None,
            ..LoadOptions::default()
        };
        let mono = load(Source::Path(&path), &options).unwrap();
        assert_eq!(mono.channels, 1);
        assert_eq!(mono.samples.len(), mean.len(), "{}", path.display());
        let diff = max_abs_diff(&mono.samples, &mean);
        println!(
            "{:<40} mono vs mean max |Δ| {diff:.2e}",
            path.file_name().unwrap().to_string_lossy()
        );
        assert!(diff <= 2e-6, "{}: {diff:e}", path.display());
    }
}
