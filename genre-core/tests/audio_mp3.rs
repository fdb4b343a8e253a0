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

mod symphonia_common;

use std::path::{Path, PathBuf};

use genre_core::audio::{Decoded, LoadOptions, Source, decode, load};

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

/// Max |Δ| between a native-rate mono load of `source` and the f32 mean of
/// its decoded channels `stereo` (same length checked).
fn mono_vs_mean(source: Source<'_>, stereo: &Decoded, what: &str) -> f32 {
    let options = LoadOptions {
        sr: None,
        ..LoadOptions::default()
    };
    let mono = load(source, &options).unwrap();
    let mean = symphonia_common::mean(&stereo.samples, stereo.channels);
    assert_eq!(mono.channels, 1, "{what}");
    assert_eq!(mono.samples.len(), mean.len(), "{what}");
    max_abs_diff(&mono.samples, &mean)
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
        let symphonia_common::Reference {
            samples: expected,
            channels,
            rate,
            ..
        } = symphonia_common::decode(&data);
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
        let diff = mono_vs_mean(Source::Path(&path), &stereo, &path.display().to_string());
        println!(
            "{:<40} mono vs mean max |Δ| {diff:.2e}",
            path.file_name().unwrap().to_string_lossy()
        );
        assert!(diff <= 2e-6, "{}: {diff:e}", path.display());
    }
}

/// Byte offsets of the frames of an MPEG-1 stream without ID3v2 (every
/// sync word at the end of the previous frame; CBR or VBR).
fn frame_offsets(data: &[u8]) -> Vec<usize> {
    let mut at = 0;
    let mut out = Vec::new();
    while at + 4 <= data.len() && data[at] == 0xff && data[at + 1] & 0xe0 == 0xe0 {
        let rates = [
            0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
        ];
        let bitrate = rates[usize::from(data[at + 2] >> 4)] * 1000;
        let len = 144 * bitrate / 44_100 + usize::from(data[at + 2] >> 1 & 1);
        out.push(at);
        at += len;
    }
    out
}

/// Sets `n` bits at bit `bit` (MSB first) of `data` to `value`.
fn set_bits(data: &mut [u8], bit: usize, n: usize, value: u32) {
    for i in 0..n {
        let b = bit + i;
        let v = (value >> (n - 1 - i)) & 1;
        data[b / 8] = (data[b / 8] & !(0x80 >> (b % 8))) | ((v as u8) << (7 - b % 8));
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/mp3").join(name)).unwrap()
}

/// genre's decode of `data` equals symphonia's (count and 1e-5).
fn assert_like_symphonia(data: &[u8], what: &str) {
    let got = decode(Source::bytes(data, Some(what))).unwrap();
    let symphonia_common::Reference {
        samples: expected,
        channels,
        rate,
        ..
    } = symphonia_common::decode(data);
    assert_eq!((got.channels, got.sample_rate), (channels, rate), "{what}");
    assert_eq!(got.samples.len(), expected.len(), "{what}");
    let diff = max_abs_diff(&got.samples, &expected);
    println!(
        "{what:<48} {:>7} samples, max |Δ| {diff:.2e}",
        expected.len()
    );
    assert!(diff <= 1e-5, "{what}: {diff:e}");
}

/// Truncated files, garbage between frames, impossible side info: genre
/// drops and resynchronises exactly where symphonia does.
#[test]
fn bad_streams_decode_like_symphonia() {
    let clean = fixture("mpeg1_44100_joint_cbr_info.mp3");
    let frames = frame_offsets(&clean);
    assert!(frames.len() > 40, "{} frames", frames.len());
    for cut in [frames[10] + 3, frames[20] + 100, clean.len() - 1] {
        assert_like_symphonia(&clean[..cut], &format!("truncated at byte {cut}"));
    }
    let mut garbage = clean[..frames[15]].to_vec();
    garbage.extend((0..700u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80));
    garbage.extend_from_slice(&clean[frames[15]..]);
    assert_like_symphonia(&garbage, "700 bytes of garbage between frames");
    // Side info of granule 0, channel 0 starts at bit 20 after the header.
    let side = |f: usize| frames[f] * 8 + 32 + 20;
    let mut big = clean.clone();
    set_bits(&mut big, side(12) + 12, 9, 300);
    assert_like_symphonia(&big, "big_values 300");
    let mut long = clean.clone();
    set_bits(&mut long, side(13), 12, 4095);
    assert_like_symphonia(&long, "part2_3_length past the frame");
    let mut reach = clean.clone();
    set_bits(&mut reach, frames[14] * 8 + 32, 9, 511);
    assert_like_symphonia(&reach, "main_data_begin 511");
    // Tables 4 and 14 (no codes) in a long-block granule.
    let mut tables = clean.clone();
    let f = (20..frames.len())
        .find(|&f| tables[(side(f) + 33) / 8] >> (7 - (side(f) + 33) % 8) & 1 == 0)
        .unwrap();
    set_bits(&mut tables, side(f) + 34, 5, 4);
    set_bits(&mut tables, side(f) + 39, 5, 14);
    assert_like_symphonia(&tables, "tables 4 and 14");
}

/// Random bytes, a header with nothing after it, and a Xing tag claiming a
/// huge length give typed errors; flipped bytes never panic.
#[test]
fn hostile_input_gives_typed_errors() {
    let noise: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    assert!(decode(Source::bytes(&noise, Some("noise"))).is_err());
    let clean = fixture("mpeg1_44100_joint_vbr_xing.mp3");
    let frames = frame_offsets(&clean);
    assert!(decode(Source::bytes(&clean[..frames[1]], Some("tag only"))).is_err());
    // The Xing frame count (after "Xing" and the flags).
    let xing = clean.windows(4).position(|w| w == b"Xing").unwrap();
    assert_ne!(clean[xing + 7] & 1, 0, "no frame count");
    let mut huge = clean.clone();
    huge[xing + 8..xing + 12].copy_from_slice(&u32::MAX.to_be_bytes());
    let err = decode(Source::bytes(&huge, Some("huge.mp3"))).unwrap_err();
    assert!(err.to_string().contains("huge.mp3"), "{err}");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..300 {
        let mut data = clean.clone();
        for _ in 0..8 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state % data.len() as u64) as usize;
            data[at] = (state >> 32) as u8;
        }
        let _ = decode(Source::bytes(&data, Some("flipped.mp3")));
        let _ = load(
            Source::bytes(&data, Some("flipped.mp3")),
            &LoadOptions::default(),
        );
    }
}

/// Channels that switch windows differently (no encoder here writes them:
/// LAME keeps both channels' block types equal): granule 0 of the right
/// channel of every fifth L/R frame becomes a start block (the side info
/// keeps its length). genre decodes them like symphonia, and a mono load
/// (one hybrid stage fed with both halves) equals the channel mean.
#[test]
fn channels_with_different_block_types() {
    let mut data = fixture("mpeg1_44100_stereo_lr_transients.mp3");
    let frames = frame_offsets(&data);
    let get = |d: &[u8], bit: usize, n: usize| -> u32 {
        (0..n).fold(0, |acc, i| {
            acc << 1 | u32::from(d[(bit + i) / 8] >> (7 - (bit + i) % 8) & 1)
        })
    };
    let mut changed = 0;
    for &f in frames.iter().skip(2).step_by(5) {
        // Granule 0, channel 1 starts 20 + 59 bits into the side info;
        // its window_switching flag is 33 bits in.
        let ch1 = f * 8 + 32 + 20 + 59;
        let ch0 = f * 8 + 32 + 20;
        if get(&data, ch1 + 33, 1) != 0 || get(&data, ch0 + 33, 1) != 0 {
            continue;
        }
        let tables = get(&data, ch1 + 34, 10);
        set_bits(&mut data, ch1 + 33, 1, 1);
        set_bits(&mut data, ch1 + 34, 3, 0b010); // block_type 1, not mixed
        set_bits(&mut data, ch1 + 37, 10, tables);
        set_bits(&mut data, ch1 + 47, 9, 0); // subblock gains
        changed += 1;
    }
    assert!(changed >= 5, "{changed} frames changed");
    assert_like_symphonia(&data, "start blocks in the right channel only");
    let stereo = decode(Source::bytes(&data, Some("x.mp3"))).unwrap();
    let diff = mono_vs_mean(Source::bytes(&data, Some("x.mp3")), &stereo, "start blocks");
    println!("start blocks in one channel: mono vs mean max |Δ| {diff:.2e}");
    assert!(diff <= 2e-6, "{diff:e}");
}
