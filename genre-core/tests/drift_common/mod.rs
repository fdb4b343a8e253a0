//! Shared helpers of the drift tests: the seed-shaped data generator that
//! `tests/scripts/gen_drift_golden.py` mirrors bit for bit, and golden loading.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use genre_core::drift::{ColumnValues, Dataset};
use serde_json::Value;

pub const GENRES: [&str; 10] = [
    "blues",
    "classical",
    "country",
    "disco",
    "hiphop",
    "jazz",
    "metal",
    "pop",
    "reggae",
    "rock",
];
const LOC: [f64; 13] = [
    -250.0, 110.0, -20.0, 40.0, -10.0, 15.0, -8.0, 10.0, -6.0, 5.0, -4.0, 3.0, -2.0,
];
const SCALE: [f64; 13] = [
    60.0, 25.0, 15.0, 12.0, 10.0, 8.0, 8.0, 7.0, 6.0, 6.0, 5.0, 5.0, 4.0,
];

fn uniform(seed: u64, idx: u64) -> f64 {
    let x = seed.wrapping_add(idx.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut z = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 * 2f64.powi(-53)
}

/// 13 MFCC-mean float columns + `predicted_genre`, as the Python generator.
pub fn seed_frame(seed: u64, rows: usize, shift: &[f64], skew: bool) -> Dataset {
    let mut d = Dataset::new();
    for c in 0..13u64 {
        let v: Vec<f64> = (0..rows as u64)
            .map(|r| {
                let base = (r * 14 + c) * 4;
                let mut s = uniform(seed, base);
                s += uniform(seed, base + 1);
                s += uniform(seed, base + 2);
                s += uniform(seed, base + 3);
                let mut v = LOC[c as usize] + SCALE[c as usize] * ((s - 2.0) + shift[c as usize]);
                if c == 12 {
                    v = (v * 10.0).round_ties_even() / 10.0;
                }
                v
            })
            .collect();
        d.push(format!("mfcc_{}", c + 1), ColumnValues::Float(v))
            .unwrap();
    }
    let g: Vec<Option<String>> = (0..rows as u64)
        .map(|r| {
            let mut u = uniform(seed, (r * 14 + 13) * 4);
            if skew {
                u *= u;
            }
            let idx = ((u * 10.0) as usize).min(9);
            Some(GENRES[idx].to_string())
        })
        .collect();
    d.push("predicted_genre", ColumnValues::Str(g)).unwrap();
    d
}

pub fn golden(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/golden/drift")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The reference and current frames of a golden case.
pub fn frames(case: &Value) -> (Dataset, Dataset) {
    let f = |p: &Value| {
        let shift: Vec<f64> = p["shift"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        seed_frame(
            p["seed"].as_u64().unwrap(),
            p["rows"].as_u64().unwrap() as usize,
            &shift,
            p["skew"].as_bool().unwrap(),
        )
    };
    (f(&case["reference"]), f(&case["current"]))
}

/// Relative difference, treating two zeros as equal.
pub fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}
