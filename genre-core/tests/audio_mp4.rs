//! MP4 (AAC, ALAC): the edit list's start (the AAC encoder priming) is
//! dropped like ffmpeg drops it — librosa reads MP4 through audioread →
//! ffmpeg, since libsndfile cannot. The fixtures were made by ffmpeg from
//! `wav_pcm16_22050_mono.wav` (44,100 frames; tests/scripts/gen_audio_golden.py).
//! ffmpeg 5.1 decodes the AAC fixture to 45,056 frames (its 45 packets of
//! 1,024 frames minus the 1,024-frame priming of its `elst`; the trailing
//! padding is kept) aligned with the WAV; librosa 0.11 returns the same
//! 45,056 samples. Before genre read the edit list it returned 46,080,
//! 1,024 samples late (two MFCC hops).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use genre_core::Error;
use genre_core::audio::{LoadOptions, Source, decode, info, load, resample};

const AAC: &str = "m4a_aac_22050_mono.m4a";
const ALAC: &str = "m4a_alac_22050_mono.m4a";
const WAV: &str = "wav_pcm16_22050_mono.wav";

/// Frames of the AAC fixture as ffmpeg (and librosa) decode it.
const AAC_FRAMES: usize = 45_056;
/// Its `elst` media time: ffmpeg's AAC priming, in frames at 22,050 Hz.
const PRIMING: usize = 1024;
/// Frames its sample table (`stts`) claims: 44 packets of 1,024 and a last
/// one of 68, i.e. the priming and the WAV's 44,100 frames.
const STTS_FRAMES: u64 = 45_124;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/audio")
        .join(name)
}

fn native() -> LoadOptions {
    LoadOptions {
        sr: None,
        ..Default::default()
    }
}

fn samples(name: &str, options: &LoadOptions) -> Vec<f32> {
    load(&fixture(name), options).unwrap().samples
}

/// The lag (in samples, within ±`max_lag`) at which `b` best matches `a`
/// over `a`'s first `n` samples: `b[i + lag] ≈ a[i]`.
fn best_lag(a: &[f32], b: &[f32], n: usize, max_lag: usize) -> isize {
    let score = |lag: isize| -> f64 {
        (0..n)
            .filter_map(|i| {
                let j = usize::try_from(i as isize + lag).ok()?;
                Some(f64::from(a[i]) * f64::from(*b.get(j)?))
            })
            .sum()
    };
    let max_lag = max_lag as isize;
    (-max_lag..=max_lag)
        .max_by(|&x, &y| score(x).total_cmp(&score(y)))
        .unwrap()
}

/// Max |a - b| and the SNR of `a` against the reference `b` (dB), over
/// their common length.
fn difference(a: &[f32], b: &[f32]) -> (f32, f64) {
    let (mut err, mut sig, mut max) = (0.0f64, 0.0f64, 0.0f32);
    for (x, r) in a.iter().zip(b) {
        err += f64::from(x - r).powi(2);
        sig += f64::from(*r).powi(2);
        max = max.max((x - r).abs());
    }
    (max, 10.0 * (sig / err).log10())
}

#[test]
fn aac_drops_the_encoder_priming_like_ffmpeg() {
    let aac = samples(AAC, &native());
    let wav = samples(WAV, &native());
    assert_eq!((aac.len(), wav.len()), (AAC_FRAMES, 44_100));
    // Aligned with the WAV: cross-correlation over the first 0.5 s peaks at
    // lag 0 (it peaked at +1,024 while the priming was kept).
    assert_eq!(best_lag(&wav, &aac, 11_025, 2048), 0);
    // And close to it sample by sample, as a 64 kb/s encode is: max |Δ|
    // 0.075 and SNR 24.3 dB measured. With the priming kept (the AAC
    // samples 1,024 late) the same check fails: max |Δ| 0.34, SNR -3.2 dB.
    let (max, snr) = difference(&aac, &wav);
    println!("AAC vs WAV: max |Δ| {max}, SNR {snr:.2} dB");
    assert!(max < 0.1 && snr > 20.0, "max |Δ| {max}, SNR {snr} dB");
    let (max, snr) = difference(&aac, &wav[PRIMING..]);
    println!("AAC 1,024 late vs WAV: max |Δ| {max}, SNR {snr:.2} dB");
    assert!(max > 0.1 && snr < 3.0, "late: max |Δ| {max}, SNR {snr} dB");
    // The rest is the encoder's padding: its last packet, kept by ffmpeg.
    let tail = aac[wav.len()..].iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!(tail < 0.1, "padding peaks at {tail}");
}

#[test]
fn info_decode_and_load_agree_on_the_trimmed_length() {
    let path = fixture(AAC);
    // info: the sample table's length after the edit's start, i.e. the
    // encoded audio without the trailing padding: 44,100 frames, 2.0 s, as
    // `librosa.get_duration(path=…)` says (ffmpeg's printed duration).
    let meta = info(Source::Path(&path)).unwrap();
    assert_eq!(
        (meta.format.as_str(), meta.codec.as_str()),
        ("isomp4", "aac")
    );
    assert_eq!(meta.frames, STTS_FRAMES - PRIMING as u64);
    assert_eq!(meta.duration, 2.0);
    let decoded = decode(Source::Path(&path)).unwrap();
    assert_eq!(decoded.frames(), AAC_FRAMES);
    assert!(decoded.truncated.is_none());
    let bytes = std::fs::read(&path).unwrap();
    let from_bytes = load(Source::bytes(&bytes, Some(AAC)), &native()).unwrap();
    assert_eq!(from_bytes.samples, decoded.samples);
    // ALAC's edit starts at 0: nothing dropped.
    assert_eq!(info(Source::Path(&fixture(ALAC))).unwrap().frames, 44_100);
}

#[test]
fn offset_and_duration_count_from_the_end_of_the_priming() {
    let full = samples(AAC, &native());
    for (offset, duration, start, len) in [
        (0.5, Some(1.0), 11_025, Some(22_050)),
        (0.0, Some(0.25), 0, Some(5512)),
        (1.9, None, 41_895, None),
        // Past the end of the trimmed track but not of the priming-padded one.
        (2.0, Some(1.0), 44_100, Some(AAC_FRAMES - 44_100)),
    ] {
        let part = samples(
            AAC,
            &LoadOptions {
                offset,
                duration,
                ..native()
            },
        );
        let end = len.map_or(full.len(), |len| (start + len).min(full.len()));
        assert!(
            part == full[start..end],
            "offset {offset}, duration {duration:?}"
        );
    }
    let past = load(
        &fixture(AAC),
        &LoadOptions {
            offset: 2.05,
            ..native()
        },
    );
    assert!(matches!(past, Err(Error::EmptyAudio { .. })), "{past:?}");
}

#[test]
fn resampled_and_multichannel_loads_start_after_the_priming() {
    let full = samples(AAC, &native());
    // Mono resamples while decoding; mono=false resamples after: both are
    // libsoxr on the trimmed samples.
    let want = resample(&full, 22_050, 16_000).unwrap();
    for mono in [true, false] {
        let got = samples(
            AAC,
            &LoadOptions {
                sr: Some(16_000),
                mono,
                ..Default::default()
            },
        );
        assert_eq!(got.len(), AAC_FRAMES * 16_000 / 22_050 + 1);
        assert!(got == want, "mono {mono}");
    }
    // A window of a resampled load is the same window, then resampled.
    let cut = LoadOptions {
        sr: Some(16_000),
        offset: 0.5,
        duration: Some(1.0),
        ..Default::default()
    };
    let want = resample(&full[11_025..33_075], 22_050, 16_000).unwrap();
    assert!(samples(AAC, &cut) == want);
}

#[test]
fn alac_still_equals_the_wav() {
    for options in [
        native(),
        LoadOptions::default(),
        LoadOptions {
            offset: 0.5,
            duration: Some(1.0),
            ..native()
        },
    ] {
        assert_eq!(
            samples(ALAC, &options),
            samples(WAV, &options),
            "{options:?}"
        );
    }
}

// ---- hostile MP4s, built from the AAC fixture ----

/// A box found in a file: type, start, header length, end.
#[derive(Clone, Copy, Debug)]
struct Found {
    kind: [u8; 4],
    start: usize,
    header: usize,
    end: usize,
}

/// The boxes directly inside `data[start..end]` (well-formed input only).
fn boxes(data: &[u8], start: usize, end: usize) -> Vec<Found> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos + 8 <= end {
        let size = u32::from_be_bytes(data[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = data[pos + 4..pos + 8].try_into().unwrap();
        out.push(Found {
            kind,
            start: pos,
            header: 8,
            end: pos + size,
        });
        pos += size;
    }
    out
}

/// The box at `path` (types from the top level down).
fn find(data: &[u8], path: &[&[u8; 4]]) -> Found {
    let (mut start, mut end) = (0, data.len());
    let mut found = None;
    for kind in path {
        let b = *boxes(data, start, end)
            .iter()
            .find(|b| &&b.kind == kind)
            .unwrap();
        (start, end) = (b.start + b.header, b.end);
        found = Some(b);
    }
    found.unwrap()
}

fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = (8 + body.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// `data` with the body of the box at `path` replaced by `body` (the sizes
/// of it and its parents fixed). The AAC fixture's `moov` comes after its
/// `mdat`, so sample offsets stay valid.
fn replace_body(data: &[u8], path: &[&[u8; 4]], body: &[u8]) -> Vec<u8> {
    let target = find(data, path);
    let grow = body.len() as i64 - (target.end - target.start - target.header) as i64;
    let mut out = data[..target.start + target.header].to_vec();
    out.extend_from_slice(body);
    out.extend_from_slice(&data[target.end..]);
    for depth in 1..=path.len() {
        let b = find(data, &path[..depth]);
        let size = (b.end - b.start) as i64 + grow;
        out[b.start..b.start + 4].copy_from_slice(&(size as u32).to_be_bytes());
    }
    out
}

/// The fixture's `elst` body with `entries` (version 0).
fn elst(entries: &[(u32, i32)]) -> Vec<u8> {
    let mut body = vec![0, 0, 0, 0];
    body.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for &(duration, time) in entries {
        body.extend_from_slice(&duration.to_be_bytes());
        body.extend_from_slice(&time.to_be_bytes());
        body.extend_from_slice(&[0, 1, 0, 0]);
    }
    body
}

const ELST: &[&[u8; 4]] = &[b"moov", b"trak", b"edts", b"elst"];

/// Decodes `data` (never panicking): its frame count, or the error, which
/// must name the input.
fn frames(data: &[u8], name: &str) -> Result<usize, String> {
    match decode(Source::bytes(data, Some(name))) {
        Ok(decoded) => Ok(decoded.frames()),
        Err(e) => {
            let text = e.to_string();
            assert!(text.contains(name), "{text}");
            Err(text)
        }
    }
}

#[test]
fn other_edits_are_read_like_ffmpeg() {
    let bytes = std::fs::read(fixture(AAC)).unwrap();
    let full = samples(AAC, &native());
    let untrimmed = AAC_FRAMES + PRIMING;
    for (entries, want) in [
        // A leading empty edit (a gap) inserts nothing; the next edit's start counts.
        (vec![(500, -1), (2000, 1024)], AAC_FRAMES),
        (vec![(500, -1), (2000, 0)], untrimmed),
        (vec![(2000, 0)], untrimmed),
        (vec![(2000, 3072)], untrimmed - 3072),
        // Only empty edits, or none: nothing dropped.
        (vec![(500, -1)], untrimmed),
        (vec![], untrimmed),
    ] {
        let data = replace_body(&bytes, ELST, &elst(&entries));
        let got = decode(Source::bytes(&data, None)).unwrap();
        assert_eq!(got.frames(), want, "{entries:?}");
        let lead = untrimmed - want;
        if lead >= PRIMING {
            assert!(got.samples == full[lead - PRIMING..], "{entries:?}");
        }
        let lead = (untrimmed - want) as u64;
        assert_eq!(
            info(Source::bytes(&data, None)).unwrap().frames,
            STTS_FRAMES - lead
        );
    }
    // No edts at all: nothing dropped.
    let trak = find(&bytes, &[b"moov", b"trak"]);
    let without: Vec<u8> = boxes(&bytes, trak.start + 8, trak.end)
        .iter()
        .filter(|b| &b.kind != b"edts")
        .flat_map(|b| bytes[b.start..b.end].to_vec())
        .collect();
    let data = replace_body(&bytes, &[b"moov", b"trak"], &without);
    assert_eq!(frames(&data, "no-edts.m4a"), Ok(untrimmed));
    // An edit past the end drops everything: decode keeps no frame, and
    // load says so with a typed error.
    for time in [untrimmed as i32, i32::MAX] {
        let data = replace_body(&bytes, ELST, &elst(&[(2000, time)]));
        assert_eq!(frames(&data, "late.m4a"), Ok(0));
        let err = load(Source::bytes(&data, Some("late.m4a")), &native()).unwrap_err();
        assert!(matches!(err, Error::EmptyAudio { .. }), "{err}");
    }
}

#[test]
fn the_edit_of_the_decoded_track_is_used() {
    // A second copy of the track, listed first (so symphonia decodes it),
    // with track id 2 and a 2,048-frame edit; the original (id 1) keeps 1,024.
    let bytes = std::fs::read(fixture(AAC)).unwrap();
    let trak = find(&bytes, &[b"moov", b"trak"]);
    let copy = replace_body(&bytes, ELST, &elst(&[(2000, 2048)]));
    let copy_trak = find(&copy, &[b"moov", b"trak"]);
    let mut copy_trak = copy[copy_trak.start..copy_trak.end].to_vec();
    let tkhd = boxes(&copy_trak, 8, copy_trak.len())[0];
    assert_eq!(&tkhd.kind, b"tkhd");
    // tkhd version 0: version/flags, two times, then the track id.
    copy_trak[tkhd.start + 20..tkhd.start + 24].copy_from_slice(&2u32.to_be_bytes());
    let moov = find(&bytes, &[b"moov"]);
    let mut body = bytes[moov.start + 8..trak.start].to_vec();
    body.extend_from_slice(&copy_trak);
    body.extend_from_slice(&bytes[trak.start..moov.end]);
    let data = replace_body(&bytes, &[b"moov"], &body);
    let full = samples(AAC, &native());
    let got = decode(Source::bytes(&data, None)).unwrap();
    assert!(got.samples == full[1024..], "{} frames", got.frames());
}

#[test]
fn hostile_edit_lists_never_panic() {
    let bytes = std::fs::read(fixture(AAC)).unwrap();
    let elst_box = find(&bytes, ELST);
    let edts = find(&bytes, &[b"moov", b"trak", b"edts"]);
    let moov = find(&bytes, &[b"moov"]);
    let untrimmed = AAC_FRAMES + PRIMING;
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    // Entry counts past the box (a truncated elst), huge and zero.
    for count in [2u32, 1000, u32::MAX, 0] {
        let mut data = bytes.clone();
        let at = elst_box.start + 12;
        data[at..at + 4].copy_from_slice(&count.to_be_bytes());
        cases.push(("count", data));
    }
    // An elst cut short inside its entry (the sizes say so).
    let mut cut = elst(&[(2000, 1024)]);
    cut.truncate(14);
    cases.push(("cut", replace_body(&bytes, ELST, &cut)));
    // Box sizes: past the parent or the file, below the header, 64-bit
    // u64::MAX, 0 (to the end of the parent).
    for (at, size) in [
        (elst_box.start, u32::MAX),
        (elst_box.start, 3),
        (elst_box.start, 0),
        (edts.start, u32::MAX),
        (edts.start, 0),
        (moov.start, u32::MAX),
        (moov.start, 0),
    ] {
        let mut data = bytes.clone();
        data[at..at + 4].copy_from_slice(&size.to_be_bytes());
        cases.push(("size", data));
    }
    let mut large = bytes.clone();
    large[elst_box.start..elst_box.start + 4].copy_from_slice(&1u32.to_be_bytes());
    large[elst_box.start + 8..elst_box.start + 16].copy_from_slice(&u64::MAX.to_be_bytes());
    cases.push(("large", large));
    // Deep nesting: 10,000 nested edts (and trak) inside the edts and moov.
    let mut nested = boxed(b"elst", &elst(&[(1, 5)]));
    for _ in 0..10_000 {
        nested = boxed(b"edts", &nested);
    }
    let mut deep_edts = nested.clone();
    deep_edts.extend_from_slice(&bytes[elst_box.start..elst_box.end]);
    cases.push((
        "deep-edts",
        replace_body(&bytes, &[b"moov", b"trak", b"edts"], &deep_edts),
    ));
    let mut deep_moov = bytes[moov.start + 8..moov.end].to_vec();
    let mut traks = boxed(b"free", &[]);
    for _ in 0..10_000 {
        traks = boxed(b"trak", &traks);
    }
    deep_moov.extend_from_slice(&traks);
    cases.push(("deep-moov", replace_body(&bytes, &[b"moov"], &deep_moov)));
    // Many boxes in one parent.
    let mut many = vec![0u8; 0];
    for _ in 0..20_000 {
        many.extend_from_slice(&boxed(b"free", &[]));
    }
    many.extend_from_slice(&bytes[elst_box.start..elst_box.end]);
    cases.push((
        "many",
        replace_body(&bytes, &[b"moov", b"trak", b"edts"], &many),
    ));
    for (what, data) in cases {
        let name = format!("{what}.m4a");
        let got = frames(&data, &name);
        // The walker reads the edit (1,024 dropped) or gives up (nothing
        // dropped, as before), or symphonia refuses the file.
        assert!(
            matches!(got, Ok(n) if n == untrimmed || n == AAC_FRAMES) || got.is_err(),
            "{what}: {got:?}"
        );
        println!("{what:>10}: {got:?}");
        // info never panics either.
        let _ = info(Source::bytes(&data, Some(&name)));
    }
}
