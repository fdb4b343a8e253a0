//! `audio::resample` of a whole buffer on two threads gives the one
//! stream's samples bit for bit: every common rate to 22,050 Hz, many
//! split points, lengths around the threshold, silence, noise, clicks, a
//! sweep and real music (each channel); a start off the grid is caught by
//! the overlap check and falls back to the one stream.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::OnceLock;

use genre_core::audio::{LoadOptions, SplitKnobs, SplitPath, load, resample, resample_traced};

const RATES: [u32; 8] = [
    44_100, 48_000, 32_000, 24_000, 16_000, 11_025, 8_000, 96_000,
];

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|s| s.to_bits()).collect()
}

/// The one stream (never split).
fn one_stream(x: &[f32], from: u32) -> Vec<f32> {
    let knobs = SplitKnobs {
        min_frames: Some(usize::MAX),
        ..Default::default()
    };
    let (y, path) = resample_traced(x, from, 22_050, &knobs).unwrap();
    assert_eq!(path, SplitPath::OneStream);
    y
}

/// Two streams on an idle two-thread pool: the first part waits for the
/// second to start (without `patient` it would go on alone when the second
/// thread wakes up late, which is right but tests nothing).
fn traced(x: &[f32], from: u32, knobs: SplitKnobs) -> (Vec<f32>, SplitPath) {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    let knobs = SplitKnobs {
        patient: true,
        ..knobs
    };
    POOL.get_or_init(|| pool(2))
        .install(|| resample_traced(x, from, 22_050, &knobs).unwrap())
}

fn noise(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as f32 / u32::MAX as f32 - 0.5) * 1.8
        })
        .collect()
}

fn sweep(n: usize, rate: u32) -> Vec<f32> {
    // 20 Hz to the Nyquist frequency, exponentially.
    let (f0, f1) = (20.0f64, f64::from(rate) / 2.0);
    let t1 = n as f64 / f64::from(rate);
    let k = (f1 / f0).ln() / t1;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            (2.0 * std::f64::consts::PI * f0 * ((k * t).exp() - 1.0) / k).sin() as f32 * 0.9
        })
        .collect()
}

fn clicks(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| match i % 9_973 {
            0 => 1.0,
            1 => -1.0,
            _ => 0.0,
        })
        .collect()
}

fn signals(n: usize, rate: u32) -> Vec<(&'static str, Vec<f32>)> {
    vec![
        ("silence", vec![0.0; n]),
        ("noise", noise(n, rate)),
        ("clicks", clicks(n)),
        ("sweep", sweep(n, rate)),
    ]
}

#[test]
fn two_threads_give_the_one_streams_bits_for_every_rate_and_signal() {
    for rate in RATES {
        // Long enough for every rate's grid.
        let n = 200_000;
        for (name, x) in signals(n, rate) {
            let expected = one_stream(&x, rate);
            let (y, path) = traced(&x, rate, SplitKnobs::default());
            assert_eq!(path, SplitPath::Split, "{rate} {name}");
            assert_eq!(y.len(), expected.len(), "{rate} {name}");
            assert!(bits(&y) == bits(&expected), "{rate} {name}: samples differ");
        }
    }
}

#[test]
fn every_split_point_gives_the_same_bits() {
    for rate in [44_100, 48_000, 16_000] {
        let n = rate as usize * 5 + 123;
        let x = sweep(n, rate);
        let x: Vec<f32> = x
            .iter()
            .zip(noise(n, 7))
            .map(|(s, r)| s * 0.7 + r * 0.1)
            .collect();
        let expected = bits(&one_stream(&x, rate));
        let mut splits = 0;
        for step in 1..40 {
            let share = f64::from(step) / 40.0;
            let (y, path) = traced(
                &x,
                rate,
                SplitKnobs {
                    share: Some(share),
                    ..Default::default()
                },
            );
            assert_ne!(path, SplitPath::Mismatch, "{rate} at {share}");
            splits += usize::from(path == SplitPath::Split);
            assert!(
                bits(&y) == expected,
                "{rate} split at {share}: samples differ"
            );
        }
        assert!(splits >= 20, "{rate}: only {splits} split points taken");
    }
}

#[test]
fn lengths_around_the_threshold_and_odd_tails() {
    let rate = 44_100;
    let min = 1 << 16;
    let x = noise(min + 40_000, 3);
    for n in [
        min - 1,
        min,
        min + 1,
        min + 829,
        min + 830,
        min + 1659,
        min + 1660,
        min + 39_999,
    ] {
        let x = &x[..n];
        let expected = bits(&one_stream(x, rate));
        let (y, path) = traced(x, rate, SplitKnobs::default());
        assert!(bits(&y) == expected, "{n}: samples differ");
        if n < min {
            assert_eq!(path, SplitPath::OneStream, "{n}");
        } else {
            assert_ne!(path, SplitPath::Mismatch, "{n}");
        }
    }
    // Short buffers of every rate (down to one frame) with the threshold
    // lowered: split where a plan fits, always the same bits.
    for rate in RATES {
        for n in [1, 2, 999, 5_000, 20_000, 70_000] {
            let x = noise(n, n as u32);
            let expected = bits(&one_stream(&x, rate));
            let (y, path) = traced(
                &x,
                rate,
                SplitKnobs {
                    min_frames: Some(0),
                    ..Default::default()
                },
            );
            assert_ne!(path, SplitPath::Mismatch, "{rate} {n}");
            assert!(bits(&y) == expected, "{rate} {n}: samples differ");
        }
    }
}

/// A fresh stream started off the grid (by a whole number of outputs, so
/// the lengths add up) computes different bits; the overlap check sees it
/// and the one stream finishes alone.
#[test]
fn a_start_off_the_grid_is_caught_and_falls_back() {
    for rate in RATES {
        let n = 200_000;
        let x = noise(n, 11);
        let expected = bits(&one_stream(&x, rate));
        // Input frames per whole number of outputs.
        let unit = (rate / gcd(rate, 22_050)) as isize;
        for shift in [1, 2, 3, -1, -2].map(|k| k * unit) {
            let (y, path) = traced(
                &x,
                rate,
                SplitKnobs {
                    start_shift: shift,
                    ..Default::default()
                },
            );
            assert_eq!(path, SplitPath::Mismatch, "{rate} shifted by {shift}");
            assert!(
                bits(&y) == expected,
                "{rate} shifted by {shift}: samples differ"
            );
        }
        // A shift by a fraction of an output is refused up front.
        let (y, path) = traced(
            &x,
            rate,
            SplitKnobs {
                start_shift: unit + 1,
                ..Default::default()
            },
        );
        assert_eq!(
            path,
            if unit == 1 {
                SplitPath::Mismatch
            } else {
                SplitPath::OneStream
            }
        );
        assert!(bits(&y) == expected);
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A one-thread pool, or a pool busy with other buffers, never waits for
/// a second thread: the first part goes on alone when nobody took the
/// second (and the bits are the same either way).
#[test]
fn one_thread_and_busy_pools_give_the_same_bits() {
    let rate = 48_000;
    let x = noise(rate as usize * 6, 5);
    let expected = bits(&one_stream(&x, rate));
    let (y, path) = pool(1)
        .install(|| resample_traced(&x, rate, 22_050, &SplitKnobs::default()))
        .unwrap();
    assert_eq!(path, SplitPath::OneStream);
    assert!(bits(&y) == expected);
    use rayon::prelude::*;
    let results: Vec<Vec<f32>> = pool(2).install(|| {
        (0..6)
            .into_par_iter()
            .map(|_| resample(&x, rate, 22_050).unwrap())
            .collect()
    });
    for y in results {
        assert!(bits(&y) == expected);
    }
}

/// Real music: each channel of the bundled example (44.1 kHz stereo).
#[test]
fn each_channel_of_real_music() {
    let clip =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/traveling_minstrels_20s.ogg");
    let options = LoadOptions {
        sr: None,
        mono: false,
        ..Default::default()
    };
    let signal = load(clip.as_path(), &options).unwrap();
    assert_eq!(signal.channels, 2);
    let rate = signal.sample_rate;
    for (c, channel) in signal.samples.chunks_exact(signal.frames()).enumerate() {
        let expected = bits(&one_stream(channel, rate));
        let (y, path) = traced(channel, rate, SplitKnobs::default());
        assert_eq!(path, SplitPath::Split, "channel {c}");
        assert!(bits(&y) == expected, "channel {c}: samples differ");
    }
}
