//! Shared helpers of the drift tests: golden loading and the seed-shaped
//! frames of a golden case.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use genre_core::drift::Dataset;
use serde_json::Value;

pub use genre_core::drift::synthetic::seed_frame;

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
