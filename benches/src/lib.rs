//! Shared helpers of genre's benches: deterministic test signals and timing.

use std::time::{Duration, Instant};

/// A deterministic 22,050 Hz music-like test signal of `seconds`: a few
/// harmonics with vibrato plus LCG noise, amplitude in ±0.6.
pub fn test_signal(seconds: f64, seed: u32) -> Vec<f32> {
    let sr = 22_050.0;
    let n = (seconds * sr) as usize;
    let mut s = seed;
    (0..n)
        .map(|i| {
            let t = i as f64 / sr;
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = f64::from(s >> 8) / f64::from(1u32 << 24) - 0.5;
            let f0 = 220.0 * (1.0 + 0.01 * (2.0 * std::f64::consts::PI * 5.0 * t).sin());
            let tone: f64 = (1..=5)
                .map(|h| (2.0 * std::f64::consts::PI * f0 * h as f64 * t).sin() / h as f64)
                .sum();
            (0.25 * tone + 0.1 * noise) as f32
        })
        .collect()
}

/// The command-line arguments after the program name, with a leading
/// `--repeat N` taken off: `(N or default_repeat, the rest)`, or the error
/// to print when N is not a number.
pub fn repeat_and_args(default_repeat: usize) -> Result<(usize, Vec<String>), String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("--repeat") {
        return Ok((default_repeat, args));
    }
    let repeat = args
        .get(1)
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| "--repeat needs a number".to_string())?;
    args.drain(..2);
    Ok((repeat, args))
}

/// Runs `f` once to warm up, then `repeat` times; returns the median wall time.
pub fn median_time<T>(repeat: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    let mut times: Vec<Duration> = (0..repeat.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Deterministic MFCC-like segments (`n × 130 × 13`), roughly the seed's scale.
pub fn mfcc_like_segments(n: usize) -> Vec<f32> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..n * 130 * 13)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
            if i % 13 == 0 { -5.0 + u } else { u * 0.6 }
        })
        .collect()
}
