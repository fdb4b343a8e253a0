//! Bad FLAC input: truncation at every byte, flipped bytes, bad CRCs,
//! reserved or out-of-spec header fields. Every case gives `Ok` or a typed
//! error naming the file, never a panic; the documented behaviour holds:
//! - a stream cut anywhere returns the whole frames before the cut (a
//!   prefix of the full decode) and says it was truncated;
//! - a frame whose CRC-16 fails decodes as silence (libFLAC's behaviour);
//! - a header whose CRC-8 fails, or that disagrees with STREAMINFO, is no
//!   frame: decoding resumes at the next valid frame.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flac_common;

use std::path::{Path, PathBuf};

use flac_common::*;
use genre_core::Error;
use genre_core::audio::{Decoded, LoadOptions, Source, decode, load};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/fixtures/flac/{name}.flac"))
}

fn bits(samples: &[f32]) -> Vec<u32> {
    samples.iter().map(|s| s.to_bits()).collect()
}

fn decode_named(data: &[u8], name: &str) -> genre_core::Result<Decoded> {
    decode(Source::bytes(data, Some(name)))
}

fn assert_typed(err: &Error, name: &str) {
    assert!(
        matches!(
            err,
            Error::Decode { .. }
                | Error::EmptyAudio { .. }
                | Error::UnsupportedFormat { .. }
                | Error::TooLong { .. }
        ),
        "{name}: {err:?}"
    );
    assert!(err.to_string().contains(name), "{name}: {err}");
}

/// Three 64-sample mono 16-bit verbatim frames; the samples.
fn three_frames() -> (Vec<u8>, Vec<i64>, [usize; 3]) {
    let samples: Vec<i64> = (0..192).map(|i| (i * 733 % 30_011) - 15_000).collect();
    let mut data = stream_header(8000, 1, 16, 192);
    let mut starts = [0; 3];
    for (n, start) in starts.iter_mut().enumerate() {
        *start = data.len();
        let block = &samples[n * 64..(n + 1) * 64];
        data.extend(frame(frame_header(false, n as u64, 64, 0, 4), |w| {
            verbatim(w, 16, block)
        }));
    }
    (data, samples, starts)
}

#[test]
fn truncation_anywhere_returns_the_whole_frames_before_it() {
    for (name, step) in [
        ("b16_mono_block192", 1),
        ("b16_stereo_sides", 7),
        ("b24_6ch", 11),
    ] {
        let data = std::fs::read(fixture(name)).unwrap();
        let full = decode_named(&data, name).unwrap();
        for cut in (0..data.len()).step_by(step) {
            match decode_named(&data[..cut], name) {
                Ok(part) => {
                    assert!(part.frames() < full.frames(), "{name} cut at {cut}");
                    assert!(
                        bits(&part.samples) == bits(&full.samples[..part.samples.len()]),
                        "{name} cut at {cut}: not a prefix"
                    );
                    let t = part
                        .truncated
                        .as_ref()
                        .unwrap_or_else(|| panic!("{name} cut at {cut}: no truncation"));
                    assert_eq!(
                        t.decoded_frames,
                        part.frames() as u64,
                        "{name} cut at {cut}"
                    );
                    assert_eq!(
                        t.expected_frames,
                        Some(full.frames() as u64),
                        "{name} cut at {cut}"
                    );
                }
                Err(err) => assert_typed(&err, name),
            }
        }
    }
}

#[test]
fn flipped_bytes_never_panic() {
    let options = LoadOptions {
        duration: Some(1.0),
        ..Default::default()
    };
    for (name, step) in [
        ("b16_stereo_exhaustive", 13),
        ("b32_stereo", 17),
        ("b24_stereo_lpc32", 19),
    ] {
        let data = std::fs::read(fixture(name)).unwrap();
        let full = decode_named(&data, name).unwrap();
        for (k, pos) in (0..data.len()).step_by(step).enumerate() {
            let mut bad = data.clone();
            bad[pos] ^= [0xFF, 0x01, 0x80, 0x10][k % 4];
            match decode_named(&bad, name) {
                // Never more than the stream plus one bogus block.
                Ok(audio) => assert!(
                    audio.frames() <= full.frames() + 65_535,
                    "{name} flip at {pos}"
                ),
                Err(err) => assert_typed(&err, name),
            }
            if let Err(err) = load(Source::bytes(&bad, Some(name)), &options) {
                assert_typed(&err, name);
            }
        }
    }
}

#[test]
fn a_bad_crc16_frame_decodes_as_silence() {
    let (mut data, samples, starts) = three_frames();
    // A sample byte of frame 1 (after its 8-byte header and subframe byte).
    data[starts[1] + 20] ^= 0x40;
    let audio = decode_named(&data, "crc16.flac").unwrap();
    let mut expected: Vec<f32> = samples.iter().map(|&s| scaled(s, 16)).collect();
    expected[64..128].fill(0.0);
    assert_eq!(bits(&audio.samples), bits(&expected));
    assert!(audio.truncated.is_none());
}

#[test]
fn a_bad_crc8_header_is_skipped() {
    let (mut data, samples, starts) = three_frames();
    data[starts[1] + 7] ^= 0x01; // frame 1's CRC-8
    let audio = decode_named(&data, "crc8.flac").unwrap();
    let expected: Vec<f32> = samples[..64]
        .iter()
        .chain(&samples[128..])
        .map(|&s| scaled(s, 16))
        .collect();
    assert_eq!(bits(&audio.samples), bits(&expected));
    let t = audio.truncated.unwrap();
    assert_eq!((t.expected_frames, t.decoded_frames), (Some(192), 128));
}

/// Header fields the spec reserves, or that contradict STREAMINFO, make
/// the header no frame; STREAMINFO claims beyond the spec are errors.
#[test]
fn out_of_spec_fields_are_no_frames_or_errors() {
    let one_frame = |header: Vec<u8>| {
        let mut data = stream_header(8000, 1, 16, 64);
        data.extend(frame(header, |w| verbatim(w, 16, &[7; 64])));
        data
    };
    let mut reserved = Vec::new();
    // Block size code 0 (reserved), bit depth code 3 (reserved), 8
    // channels against STREAMINFO's 1, 24 bits against its 16, channel
    // code 11 (reserved), reserved bit set.
    for (byte, value) in [
        (2, 0x00),
        (3, 0x06),
        (3, 0x70 | 0x08),
        (3, 0x0C),
        (3, 0xB8),
        (3, 0x09),
    ] {
        let mut h = frame_header(false, 0, 64, 0, 4);
        h[byte] = value;
        let last = h.len() - 1;
        h[last] = crc8(&h[..last]);
        reserved.push(one_frame(h));
    }
    for (k, data) in reserved.iter().enumerate() {
        let name = format!("reserved{k}.flac");
        let err = decode_named(data, &name).unwrap_err();
        assert!(matches!(err, Error::EmptyAudio { .. }), "{name}: {err:?}");
        assert_typed(&err, &name);
    }
    // A valid frame still decodes.
    assert_eq!(
        decode_named(&one_frame(frame_header(false, 0, 64, 0, 4)), "ok.flac")
            .unwrap()
            .frames(),
        64
    );

    // STREAMINFO: sample rate 0, 3 bits per sample, a truncated block, a
    // length claim of 2^36 - 1 samples.
    let bad_info = [
        stream_header(0, 1, 16, 64),
        stream_header(8000, 1, 3, 64),
        stream_header(8000, 1, 16, 64)[..30].to_vec(),
    ];
    for (k, data) in bad_info.iter().enumerate() {
        let name = format!("info{k}.flac");
        let err = decode_named(data, &name).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{name}: {err:?}");
        assert_typed(&err, &name);
    }
    let mut huge = stream_header(8000, 1, 16, (1 << 36) - 1);
    huge.extend(frame(frame_header(false, 0, 64, 0, 4), |w| {
        verbatim(w, 16, &[7; 64])
    }));
    let err = decode_named(&huge, "huge.flac").unwrap_err();
    assert!(matches!(err, Error::TooLong { .. }), "{err:?}");

    // The largest block size (65535) decodes; 65536 cannot be coded.
    let mut data = stream_header(8000, 1, 16, 65_535);
    data.extend(frame(frame_header(false, 0, 65_535, 0, 4), |w| {
        w.put(0, 8); // constant
        w.put_signed(-3, 16);
    }));
    let audio = decode_named(&data, "big.flac").unwrap();
    assert_eq!(audio.frames(), 65_535);
    assert!(audio.samples.iter().all(|&s| s == scaled(-3, 16)));
}
