//! Bad input never panics or hangs: each case gives a typed error naming the
//! file, or (for truncated files) the frames that decoded plus a warning.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use genre_core::Error;
use genre_core::audio::{LoadOptions, Source, decode, info, load};

#[allow(dead_code)] // only its load options are used here
mod same_load;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/audio")
        .join(name)
}

/// A canonical 44-byte WAV header followed by `data`.
fn wav(format: u16, channels: u16, rate: u32, bits: u16, data_len: u32, data: &[u8]) -> Vec<u8> {
    let block = channels.wrapping_mul(bits / 8);
    let mut w = b"RIFF".to_vec();
    w.extend_from_slice(&(36u32.wrapping_add(data_len)).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&format.to_le_bytes());
    w.extend_from_slice(&channels.to_le_bytes());
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&(rate.wrapping_mul(u32::from(block))).to_le_bytes());
    w.extend_from_slice(&block.to_le_bytes());
    w.extend_from_slice(&bits.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data_len.to_le_bytes());
    w.extend_from_slice(data);
    w
}

/// A Sun .au header followed by `data`.
fn au(data_len: u32, encoding: u32, rate: u32, channels: u32, data: &[u8]) -> Vec<u8> {
    let mut a = b".snd".to_vec();
    for v in [24u32, data_len, encoding, rate, channels] {
        a.extend_from_slice(&v.to_be_bytes());
    }
    a.extend_from_slice(data);
    a
}

fn load_bytes(data: &[u8], name: &str) -> genre_core::Result<genre_core::audio::Signal> {
    load(
        Source::bytes(data, Some(name)),
        &LoadOptions {
            sr: None,
            ..Default::default()
        },
    )
}

fn assert_names(err: &Error, name: &str) {
    assert!(
        err.to_string().contains(name),
        "error does not name {name}: {err}"
    );
}

#[test]
fn empty_input_is_empty_audio() {
    let err = load(Source::bytes(&[], None), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::EmptyAudio { .. }), "{err:?}");
    assert_names(&err, "<bytes>");

    let dir = std::env::temp_dir().join(format!("genre-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    let err = load(&empty, &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::EmptyAudio { .. }), "{err:?}");
    assert_names(&err, "empty.wav");
    let err = info(Source::Path(&empty)).unwrap_err();
    assert!(matches!(err, Error::EmptyAudio { .. }), "{err:?}");

    // A directory and a missing path are I/O errors naming the path.
    let err = load(&dir, &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert_names(&err, "genre-empty-");
    let missing = dir.join("missing.flac");
    let err = load(&missing, &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(&err, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{err:?}"
    );
    assert_names(&err, "missing.flac");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn random_bytes_are_rejected_without_panic() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for len in [1usize, 3, 4, 17, 100, 1000, 4096, 65_536] {
        let data: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let err = load_bytes(&data, "noise.bin").unwrap_err();
        assert!(
            matches!(
                err,
                Error::UnsupportedFormat { .. } | Error::Decode { .. } | Error::EmptyAudio { .. }
            ),
            "{len} bytes: {err:?}"
        );
        assert_names(&err, "noise.bin");
    }
}

#[test]
fn header_without_data_is_empty_audio() {
    let err = load_bytes(&wav(1, 1, 8000, 16, 0, &[]), "nodata.wav").unwrap_err();
    assert!(matches!(err, Error::EmptyAudio { .. }), "{err:?}");
    assert_names(&err, "nodata.wav");
    let err = load_bytes(&au(0, 3, 8000, 1, &[]), "nodata.au").unwrap_err();
    assert!(matches!(err, Error::EmptyAudio { .. }), "{err:?}");
}

#[test]
fn zero_channels_or_rate_are_errors() {
    for (bytes, name) in [
        (wav(1, 0, 8000, 16, 4, &[0; 4]), "zero-ch.wav"),
        (wav(1, 1, 0, 16, 4, &[0; 4]), "zero-sr.wav"),
        (au(4, 3, 0, 1, &[0; 4]), "zero-sr.au"),
        (au(4, 3, 8000, 0, &[0; 4]), "zero-ch.au"),
    ] {
        let err = load_bytes(&bytes, name).unwrap_err();
        assert!(
            matches!(err, Error::Decode { .. } | Error::UnsupportedFormat { .. }),
            "{name}: {err:?}"
        );
        assert_names(&err, name);
    }
}

#[test]
fn unsupported_codecs_are_unsupported_format() {
    // WAV format tag 0x1234 (unknown) and .au encoding 23 (G.721 ADPCM).
    let err = load_bytes(&wav(0x1234, 1, 8000, 16, 4, &[0; 4]), "odd.wav").unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat { .. }), "{err:?}");
    assert_names(&err, "odd.wav");
    let err = load_bytes(&au(4, 23, 8000, 1, &[0; 4]), "g721.au").unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat { .. }), "{err:?}");
    assert!(err.to_string().contains("encoding 23"), "{err}");
}

#[test]
fn huge_length_claims_are_refused_before_allocating() {
    // 4 GiB of claimed 8 kHz mono 16-bit = 74 h; only 8 bytes present.
    let err = load_bytes(&wav(1, 1, 8000, 16, 0xFFFF_0000, &[0; 8]), "huge.wav").unwrap_err();
    assert!(matches!(err, Error::TooLong { .. }), "{err:?}");
    assert_names(&err, "huge.wav");
    let err = load_bytes(&au(0xFFFF_FFF0, 2, 8000, 1, &[0; 8]), "huge.au").unwrap_err();
    assert!(
        matches!(err, Error::TooLong { max_seconds, .. } if max_seconds == 3600.0),
        "{err:?}"
    );
    // A caller's limit applies to real files too.
    let options = LoadOptions {
        max_duration: 0.5,
        ..Default::default()
    };
    let err = load(&fixture("wav_pcm16_22050_mono.wav"), &options).unwrap_err();
    assert!(matches!(err, Error::TooLong { .. }), "{err:?}");
    // ... but only to the part requested.
    let options = LoadOptions {
        max_duration: 0.5,
        duration: Some(0.4),
        ..Default::default()
    };
    assert!(load(&fixture("wav_pcm16_22050_mono.wav"), &options).is_ok());
}

#[test]
fn offset_past_the_end_is_empty_audio() {
    let options = LoadOptions {
        offset: 10.0,
        ..Default::default()
    };
    let err = load(&fixture("wav_pcm16_22050_mono.wav"), &options).unwrap_err();
    assert!(matches!(err, Error::EmptyAudio { .. }), "{err:?}");
    assert!(err.to_string().contains("offset 10"), "{err}");
}

/// Truncated files return every whole frame present, like libsndfile, and
/// say where decoding stopped.
#[test]
fn truncated_pcm_returns_the_frames_present() {
    for name in [
        "wav_pcm16_22050_mono.wav",
        "au_pcm16_22050_mono.au",
        "aiff_16_44100_stereo.aiff",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let full = decode(Source::bytes(&bytes, None)).unwrap();
        let cut = &bytes[..bytes.len() / 2 + 1];
        let part = decode(Source::bytes(cut, Some(name))).unwrap();
        let t = part
            .truncated
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no truncation flag"));
        assert_eq!(t.expected_frames, Some(full.frames() as u64), "{name}");
        assert_eq!(t.decoded_frames, part.frames() as u64, "{name}");
        assert!(
            part.frames() > full.frames() / 3,
            "{name}: {} frames",
            part.frames()
        );
        assert_eq!(
            part.samples[..],
            full.samples[..part.samples.len()],
            "{name}"
        );
        assert!(full.truncated.is_none(), "{name}");
    }
}

#[test]
fn truncated_compressed_streams_never_panic() {
    for name in [
        "flac_16_48000_stereo.flac",
        "ogg_vorbis_44100_stereo.ogg",
        "mp3_44100_stereo.mp3",
        "m4a_aac_22050_mono.m4a",
        "m4a_alac_22050_mono.m4a",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let full = decode(Source::bytes(&bytes, None)).unwrap();
        for keep in [bytes.len() * 3 / 4, bytes.len() / 2, 200, 40] {
            match decode(Source::bytes(&bytes[..keep], Some(name))) {
                Ok(part) => assert!(part.frames() <= full.frames(), "{name} cut at {keep}"),
                Err(err) => assert_names(&err, name),
            }
        }
    }
}

#[test]
fn bytes_and_paths_load_the_same() {
    for entry in std::fs::read_dir(fixture("")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let from_path = load(&path, &LoadOptions::default()).unwrap();
        let from_bytes = load(Source::bytes(&bytes, None), &LoadOptions::default()).unwrap();
        assert_eq!(from_path, from_bytes, "{}", path.display());
    }
}

#[test]
fn mp4_codecs_decode() {
    // ALAC is lossless: it must equal the WAV it was encoded from.
    let alac = decode(Source::from(fixture("m4a_alac_22050_mono.m4a").as_path())).unwrap();
    let wav = decode(Source::from(fixture("wav_pcm16_22050_mono.wav").as_path())).unwrap();
    assert_eq!((alac.sample_rate, alac.channels), (22_050, 1));
    assert_eq!(alac.samples, wav.samples);
    // AAC is lossy; it decodes at the right rate to exactly ffmpeg's length
    // (and so librosa's): 45 packets of 1,024 frames minus the 1,024-frame
    // encoder priming of its edit list; the priming gone, it lines up with
    // the WAV (max |Δ| 0.075; alignment and offsets: tests/audio_mp4.rs).
    let aac = decode(Source::from(fixture("m4a_aac_22050_mono.m4a").as_path())).unwrap();
    assert_eq!((aac.sample_rate, aac.channels), (22_050, 1));
    assert_eq!(aac.frames(), 45_056);
    let max = aac
        .samples
        .iter()
        .zip(&wav.samples)
        .fold(0.0f32, |m, (a, w)| m.max((a - w).abs()));
    assert!(max < 0.1, "max |Δ| vs the WAV {max}");
}

#[test]
fn non_finite_float_samples_are_refused_like_librosa() {
    // Float32 stereo WAV, 4 frames; frame 2 holds a NaN on the right channel.
    let samples = [0.5f32, -0.5, 0.25, 0.0, 0.1, f32::NAN, 1.0, -1.0];
    let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let bytes = wav(3, 2, 8000, 32, data.len() as u32, &data);
    let name = "nan.wav";
    // librosa.load raises in to_mono (mono=True) and in resample (sr set):
    // librosa's defaults, another rate, stereo and the native rate mono.
    for options in &same_load::options()[..4] {
        let err = load(Source::bytes(&bytes, Some(name)), options).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{options:?}: {err}");
        assert_names(&err, name);
        assert!(err.to_string().contains("frame 2"), "{err}");
    }
    // mono=False, sr=None returns the samples as they are, NaN included.
    let raw = LoadOptions {
        sr: None,
        mono: false,
        ..Default::default()
    };
    let signal = load(Source::bytes(&bytes, Some(name)), &raw).unwrap();
    assert_eq!(signal.channels, 2);
    assert!(signal.channel(1).unwrap()[2].is_nan());
    assert_eq!(signal.channel(0).unwrap(), &[0.5, 0.25, 0.1, 1.0]);
    // Infinity is refused the same way.
    let inf: Vec<u8> = [0.0f32, f32::INFINITY]
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let err = load_bytes(&wav(3, 1, 8000, 32, 8, &inf), "inf.wav").unwrap_err();
    assert!(err.to_string().contains("frame 1"), "{err}");
}

#[test]
fn absurd_native_rates_resample_without_huge_buffers() {
    // 50 frames at a claimed 4 GHz and at 1 Hz, resampled to 22,050 Hz with
    // the default options: python-soxr's input block (48000 * in / out) would
    // be billions of frames; only real samples may be buffered.
    for rate in [4_000_000_000u32, 1] {
        let bytes = wav(1, 1, rate, 16, 100, &[1; 100]);
        match load(
            Source::bytes(&bytes, Some("rate.wav")),
            &LoadOptions::default(),
        ) {
            Ok(signal) => {
                let want = (50.0 * 22_050.0 / f64::from(rate)).ceil() as usize;
                assert_eq!(signal.samples.len(), want, "{rate} Hz");
            }
            Err(err) => assert_names(&err, "rate.wav"),
        }
    }
}
