//! genre's own FLAC decoder: bit-identical to symphonia's (the previous
//! path, kept here as the reference) and lossless against the signals the
//! fixtures encode; hand-made streams for what `flac` never writes (escape
//! partitions, variable block sizes, 4-bit samples).
//!
//! Fixtures: `tests/fixtures/flac/`, written by
//! `tests/scripts/gen_flac_fixtures.py` with `/usr/bin/flac` 1.4.2.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flac_common;
mod same_load;
mod symphonia_common;

use std::path::{Path, PathBuf};

use flac_common::*;
use genre_core::audio::{LoadOptions, Source, decode, load};
use symphonia_common::mean;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    root()
        .join("tests/fixtures/flac")
        .join(format!("{name}.flac"))
}

/// Every FLAC fixture: the decoder's own and the librosa-golden ones.
fn all_flac() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = FIXTURES.iter().map(|f| fixture(f.0)).collect();
    for entry in std::fs::read_dir(root().join("tests/fixtures/audio")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "flac") {
            files.push(path);
        }
    }
    files
}

fn bits(samples: &[f32]) -> Vec<u32> {
    samples.iter().map(|s| s.to_bits()).collect()
}

#[test]
fn fixtures_decode_to_the_signal_they_encode() {
    for &(name, kind, rate, channels, bits_per_sample, frames) in FIXTURES {
        let audio = decode(Source::from(fixture(name).as_path())).unwrap();
        assert_eq!(
            (audio.sample_rate, audio.channels),
            (rate, channels),
            "{name}"
        );
        assert_eq!(audio.frames() as u64, frames, "{name}");
        assert!(audio.truncated.is_none(), "{name}");
        let expected: Vec<f32> = (0..frames)
            .flat_map(|i| {
                (0..channels as u64)
                    .map(move |c| scaled(sample(kind, i, c, bits_per_sample), bits_per_sample))
            })
            .collect();
        assert!(
            bits(&audio.samples) == bits(&expected),
            "{name}: samples differ"
        );
    }
}

/// Bit-identical to symphonia (today's reference path) on every fixture but
/// the 32-bit one: symphonia 0.6.1 mis-decodes a 32-bit stereo frame's
/// 33-bit side channel (it reads 32 bits), while this decoder returns the
/// encoded signal exactly (`fixtures_decode_to_the_signal_they_encode`).
#[test]
fn decodes_bit_identically_to_symphonia() {
    for path in all_flac() {
        if path.ends_with("b32_stereo.flac") {
            continue;
        }
        let name = path.display();
        let reference = symphonia_common::decode(&std::fs::read(&path).unwrap());
        assert_eq!(reference.skipped, 0, "{name}");
        let (reference, channels) = (reference.samples, reference.channels);
        let ours = decode(Source::from(path.as_path())).unwrap();
        assert_eq!(ours.channels, channels, "{name}");
        assert!(
            bits(&ours.samples) == bits(&reference),
            "{name}: interleaved differs"
        );
        // The mono mix, at the native rate and resampled.
        let options = LoadOptions {
            sr: None,
            ..Default::default()
        };
        let mono = load(path.as_path(), &options).unwrap();
        assert!(
            bits(&mono.samples) == bits(&mean(&reference, channels)),
            "{name}: mono differs"
        );
        let resampled = load(path.as_path(), &LoadOptions::default()).unwrap();
        let expected =
            genre_core::audio::resample(&mean(&reference, channels), ours.sample_rate, 22_050)
                .unwrap();
        assert!(
            bits(&resampled.samples) == bits(&expected),
            "{name}: resampled differs"
        );
    }
}

#[test]
fn offsets_and_durations_cut_like_the_whole_decode() {
    let path = fixture("b16_stereo_exhaustive");
    let whole = decode(Source::from(path.as_path())).unwrap();
    for (offset, duration) in [
        (0.0, Some(0.01)),
        (0.05, None),
        (0.1, Some(0.03)),
        (0.2, Some(1.0)),
    ] {
        let options = LoadOptions {
            sr: None,
            mono: false,
            offset,
            duration,
            ..Default::default()
        };
        let part = load(path.as_path(), &options).unwrap();
        let start = (offset * 44_100.0) as usize;
        let len = duration
            .map_or(usize::MAX, |d| (d * 44_100.0) as usize)
            .min(whole.frames() - start);
        let left: Vec<f32> = whole.samples[start * 2..(start + len) * 2]
            .iter()
            .step_by(2)
            .copied()
            .collect();
        assert_eq!(
            bits(part.channel(0).unwrap()),
            bits(&left),
            "{offset} {duration:?}"
        );
    }
}

/// Escape-coded partitions (also of width 0), Rice2, variable block sizes
/// with sample numbers, a 4-bit stream and a 32-bit verbatim channel.
#[test]
fn hand_made_streams_decode() {
    // Fixed order 0 on a mono 16-bit frame of 32: partition 0 escaped to 7
    // bits, partition 1 Rice2 (5-bit parameter) k = 3.
    let residual: Vec<i64> = (0..32).map(|i| (i * 5 % 61) - 30).collect();
    let mut data = stream_header(8000, 1, 16, 64);
    data.extend(frame(frame_header(false, 0, 32, 0, 4), |w| {
        w.put(0b0001_0000, 8); // pad 0, fixed order 0 (0b001000), no wasted bits
        w.put(1, 2); // Rice2
        w.put(1, 4); // partition order 1
        w.put(31, 5); // escape
        w.put(7, 5);
        for &r in &residual[..16] {
            w.put_signed(r, 7);
        }
        w.put(3, 5);
        for &r in &residual[16..] {
            w.rice(r as i32, 3);
        }
    }));
    // A second frame: escape of width 0 (all zeros) on Rice (4-bit).
    data.extend(frame(frame_header(false, 1, 32, 0, 4), |w| {
        w.put(0b0001_0000, 8);
        w.put(0, 2);
        w.put(0, 4);
        w.put(15, 4);
        w.put(0, 5);
    }));
    let audio = decode(Source::bytes(&data, Some("escape.flac"))).unwrap();
    let mut expected: Vec<f32> = residual.iter().map(|&r| scaled(r, 16)).collect();
    expected.extend([0.0; 32]);
    assert_eq!(bits(&audio.samples), bits(&expected));

    // Variable block sizes 20 then 30, numbered by first sample.
    let mut data = stream_header(8000, 1, 16, 50);
    let samples: Vec<i64> = (0..50).map(|i| i * 611 - 15_000).collect();
    data.extend(frame(frame_header(true, 0, 20, 0, 0), |w| {
        verbatim(w, 16, &samples[..20])
    }));
    data.extend(frame(frame_header(true, 20, 30, 0, 0), |w| {
        verbatim(w, 16, &samples[20..])
    }));
    let audio = decode(Source::bytes(&data, Some("variable.flac"))).unwrap();
    let expected: Vec<f32> = samples.iter().map(|&s| scaled(s, 16)).collect();
    assert_eq!(bits(&audio.samples), bits(&expected));

    // 4 bits per sample (depth from STREAMINFO), stereo left/side.
    let mut data = stream_header(8000, 2, 4, 16);
    let left: Vec<i64> = (0..16).map(|i| i % 16 - 8).collect();
    let right: Vec<i64> = (0..16).map(|i| (i * 3) % 16 - 8).collect();
    let side: Vec<i64> = left.iter().zip(&right).map(|(l, r)| l - r).collect();
    data.extend(frame(frame_header(false, 0, 16, 8, 0), |w| {
        verbatim(w, 4, &left);
        verbatim(w, 5, &side);
    }));
    let audio = decode(Source::bytes(&data, Some("four.flac"))).unwrap();
    let expected: Vec<f32> = left
        .iter()
        .zip(&side)
        .flat_map(|(&l, &s)| [scaled(l, 4), scaled(l - s, 4)])
        .collect();
    assert_eq!(bits(&audio.samples), bits(&expected));

    // 32-bit right/side: the side channel needs 33 bits.
    let mut data = stream_header(8000, 2, 32, 4);
    let side = [i64::from(i32::MIN) - i64::from(i32::MAX), 0, 1, -(1 << 32)];
    let right = [i64::from(i32::MAX), 5, -7, i64::from(i32::MIN)];
    data.extend(frame(frame_header(false, 0, 4, 9, 7), |w| {
        verbatim(w, 33, &side);
        verbatim(w, 32, &right);
    }));
    let audio = decode(Source::bytes(&data, Some("wide.flac"))).unwrap();
    let expected_wide: Vec<f32> = side
        .iter()
        .zip(&right)
        .flat_map(|(&s, &r)| [scaled(s + r, 32), scaled(r, 32)])
        .collect();
    assert_eq!(bits(&audio.samples), bits(&expected_wide));

    // 31-bit mid/side (depth from STREAMINFO): decorrelated in i64.
    let mut data = stream_header(8000, 2, 31, 3);
    let left = [(1i64 << 30) - 1, -(1 << 30), 12_345];
    let right = [-(1i64 << 30), (1 << 30) - 1, -999];
    let mid: Vec<i64> = left.iter().zip(&right).map(|(l, r)| (l + r) >> 1).collect();
    let side: Vec<i64> = left.iter().zip(&right).map(|(l, r)| l - r).collect();
    data.extend(frame(frame_header(false, 0, 3, 10, 0), |w| {
        verbatim(w, 31, &mid);
        verbatim(w, 32, &side);
    }));
    let audio = decode(Source::bytes(&data, Some("ms31.flac"))).unwrap();
    let expected: Vec<f32> = left
        .iter()
        .zip(&right)
        .flat_map(|(&l, &r)| [scaled(l, 31), scaled(r, 31)])
        .collect();
    assert_eq!(bits(&audio.samples), bits(&expected));
}

/// A stream big enough to decode on two threads (≥ 256 KiB of frames):
/// 24 stereo verbatim frames of 4096 samples, one (frame 9) with a false
/// sync in its samples; 1 and 2 threads load the same bits.
#[test]
fn two_threads_load_what_one_thread_loads() {
    let blocks = 24u64;
    let mut data = stream_header(44_100, 2, 16, blocks * 4096);
    let fake = frame_header(false, 20, 4096, 1, 4);
    for n in 0..blocks {
        let mut left: Vec<i64> = (0..4096)
            .map(|i| sample("tone", n * 4096 + i, 0, 16))
            .collect();
        let right: Vec<i64> = (0..4096)
            .map(|i| sample("tone", n * 4096 + i, 1, 16))
            .collect();
        if n == 9 {
            for (k, pair) in fake.chunks(2).enumerate() {
                left[100 + k] = i64::from(i16::from_be_bytes([pair[0], pair[1]]));
            }
        }
        data.extend(frame(frame_header(false, n, 4096, 1, 4), |w| {
            verbatim(w, 16, &left);
            verbatim(w, 16, &right);
        }));
    }
    assert!(data.len() > 300_000);
    let on = |threads: usize, options: &LoadOptions| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| load(Source::bytes(&data, Some("big.flac")), options))
    };
    for options in same_load::options() {
        let (one, two) = (on(1, &options), on(2, &options));
        same_load::assert_same(&one, &two, &format!("{options:?}"));
        let one = one.unwrap();
        if options.sr.is_none() {
            assert_eq!(one.frames() as u64, blocks * 4096);
        }
    }
}
