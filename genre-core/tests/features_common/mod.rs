//! Shared helpers of the features tests: golden files and the LCG signal.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

pub const SR: usize = 22_050;

pub fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/features")
}

/// Reads a `.npy` file: (shape, values as f32). Accepts f32 and i16 (÷ 32768).
pub fn read_npy(name: &str) -> (Vec<usize>, Vec<f32>) {
    let path = golden_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
    let shape: Vec<usize> = npy.shape().iter().map(|&d| d as usize).collect();
    let descr = npy.dtype().descr();
    let values = if descr.contains("i2") {
        npy.into_vec::<i16>()
            .unwrap()
            .into_iter()
            .map(|v| f32::from(v) / 32768.0)
            .collect()
    } else {
        npy.into_vec::<f32>().unwrap()
    };
    (shape, values)
}

pub fn manifest() -> serde_json::Value {
    let text = std::fs::read_to_string(golden_dir().join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The generator's deterministic long signal (see `lcg_signal` in
/// tests/scripts/gen_features_golden.py).
pub fn lcg_signal(n: usize) -> Vec<f32> {
    let mut s: u32 = 12345;
    (0..n)
        .map(|i| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = (s >> 16) as i64 - 32768;
            let square = if (i / 25) % 2 == 0 { 4096 } else { -4096 };
            let shift = (i / (SR / 2)) % 12;
            let x = (v + square) >> shift;
            (x as f64 / 32768.0) as f32
        })
        .collect()
}

/// Largest absolute difference; panics on a length mismatch.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len(), "length mismatch");
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).abs())
        .fold(0.0, f64::max)
}
