//! Long mono loads of PCM WAV to another rate read, convert and resample on
//! two threads (each its own part of the data chunk): the samples are those
//! of the load on one thread (which streams in order), bit for bit, from
//! bytes or from a file, for every integer width, mono and stereo, windows
//! and rates; float and truncated WAVs (which take other paths) too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod blocked_pool;
mod same_load;

use std::sync::OnceLock;

use blocked_pool::BlockedPool;
use genre_core::Result;
use genre_core::audio::{LoadOptions, Signal, Source, load};
use same_load::{assert_same, options};

/// A canonical WAV: `format` 1 (integer PCM) or 3 (float), the samples
/// given as little-endian bytes; `claim` overrides the data chunk length.
fn wav(
    format: u16,
    channels: u16,
    rate: u32,
    bits: u16,
    data: &[u8],
    claim: Option<u32>,
) -> Vec<u8> {
    let block = channels * bits / 8;
    let mut out = b"RIFF".to_vec();
    let claim = claim.unwrap_or(data.len() as u32);
    out.extend_from_slice(&(36 + claim).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&format.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    out.extend_from_slice(&block.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&claim.to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// `frames × channels` samples in [-1, 1): a sweep plus noise plus clicks.
fn signal(frames: usize, channels: usize) -> Vec<f64> {
    let mut s = 0x2545_f491u32;
    (0..frames * channels)
        .map(|i| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let t = (i / channels) as f64;
            let click = if i % 7919 == 0 { 0.5 } else { 0.0 };
            let noise = f64::from(s) / f64::from(u32::MAX) - 0.5;
            (0.4 * (t * t * 1e-6 + t * 0.01 * (1 + i % channels) as f64).sin()
                + 0.2 * noise
                + click)
                .clamp(-1.0, 0.999)
        })
        .collect()
}

fn encode(x: &[f64], bits: u16, float: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for &v in x {
        match (bits, float) {
            (8, _) => out.push(((v * 128.0) as i32 + 128) as u8),
            (16, _) => out.extend_from_slice(&((v * 32_768.0) as i16).to_le_bytes()),
            (24, _) => out.extend_from_slice(&((v * 8_388_608.0) as i32).to_le_bytes()[..3]),
            (32, false) => out.extend_from_slice(&((v * 2_147_483_648.0) as i32).to_le_bytes()),
            (32, true) => out.extend_from_slice(&(v as f32).to_le_bytes()),
            _ => unreachable!(),
        }
    }
    out
}

/// A load on a (kept, warm) pool of 1 or 2 threads.
fn load_on(threads: usize, source: Source<'_>, options: &LoadOptions) -> Result<Signal> {
    static POOLS: [OnceLock<rayon::ThreadPool>; 2] = [OnceLock::new(), OnceLock::new()];
    POOLS[threads - 1]
        .get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
        })
        .install(|| load(source, options))
}

/// Compares one-thread and two-thread loads of `file`, from bytes and from
/// a file on disk.
fn check(name: &str, file: &[u8]) {
    let dir = std::env::temp_dir().join(format!("genre-pcm-split-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.wav"));
    std::fs::write(&path, file).unwrap();
    for options in options() {
        let what = format!("{name} {options:?}");
        let one = load_on(1, Source::bytes(file, Some("clip")), &options);
        assert!(
            one.is_ok() || name.contains("nan"),
            "{what}: {:?}",
            one.as_ref().err()
        );
        assert_same(
            &one,
            &load_on(2, Source::bytes(file, Some("clip")), &options),
            &what,
        );
        let one = load_on(1, Source::Path(&path), &options);
        assert_same(
            &one,
            &load_on(2, Source::Path(&path), &options),
            &format!("{what} (file)"),
        );
    }
    std::fs::remove_file(&path).unwrap();
}

/// (One test, so that no other test's loads keep the pool's second thread
/// busy: most two-thread loads here do split.)
#[test]
fn two_threads_load_wavs_as_one_thread() {
    integer_wavs();
    float_truncated_and_non_finite_wavs();
}

fn integer_wavs() {
    for (rate, channels, bits) in [
        (44_100, 2, 16),
        (48_000, 2, 16),
        (44_100, 1, 16),
        (32_000, 2, 24),
        (44_100, 3, 32),
        (22_050 * 4, 2, 8),
    ] {
        let file = integer_wav(rate, channels, bits);
        check(&format!("pcm{bits}_{rate}_{channels}ch"), &file);
    }
}

/// An integer PCM WAV of 12 s: long enough for the second thread to join
/// in most loads.
fn integer_wav(rate: u32, channels: usize, bits: u16) -> Vec<u8> {
    let x = signal(rate as usize * 12 + 17, channels);
    wav(
        1,
        channels as u16,
        rate,
        bits,
        &encode(&x, bits, false),
        None,
    )
}

fn float_truncated_and_non_finite_wavs() {
    let rate = 44_100;
    let x = signal(rate as usize * 4, 2);
    let float = encode(&x, 32, true);
    check("float", &wav(3, 2, rate, 32, &float, None));
    let mut nan = float.clone();
    nan[400_000..400_004].copy_from_slice(&f32::NAN.to_le_bytes());
    check("float_nan", &wav(3, 2, rate, 32, &nan, None));
    let pcm = encode(&x, 16, false);
    // The data chunk claims 10 % more than the file holds.
    let claim = (pcm.len() + pcm.len() / 10) as u32 / 4 * 4;
    check("truncated", &wav(1, 2, rate, 16, &pcm, Some(claim)));
}

/// A two-thread pool whose second thread never comes (stuck for the whole
/// load): the calling thread reads, converts and resamples everything
/// itself without waiting for it, and the samples are the one-thread load's.
#[test]
fn a_stuck_second_thread_is_not_waited_for() {
    let file = integer_wav(44_100, 2, 16);
    let dir = std::env::temp_dir().join(format!("genre-pcm-stuck-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("stuck.wav");
    std::fs::write(&path, &file).unwrap();
    let stuck = BlockedPool::new();
    for options in options() {
        let what = format!("stuck worker {options:?}");
        let one = load_on(1, Source::bytes(&file, Some("clip")), &options);
        let got = stuck.run(&what, || load(Source::bytes(&file, Some("clip")), &options));
        assert_same(&one, &got, &what);
        let got = stuck.run(&what, || load(Source::Path(&path), &options));
        assert_same(&one, &got, &format!("{what} (file)"));
    }
    std::fs::remove_file(&path).unwrap();
}
