//! Parity with Evidently 0.7's `Report([DataDriftPreset()])` on seed-shaped data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod drift_common;

use drift_common::{frames, golden, rel};
use genre_core::drift::{
    ColumnValues, DriftOptions, Profile, drift_report, drift_report_with_profile,
};
use serde_json::Value;

fn check_case(case: &Value) {
    let name = case["name"].as_str().unwrap();
    let (reference, current) = frames(case);
    // The generator must reproduce the Python values bit for bit.
    for (col, vals) in case["check"].as_object().unwrap() {
        match reference.get(col).unwrap() {
            ColumnValues::Float(v) => {
                for (i, want) in vals.as_array().unwrap().iter().enumerate() {
                    assert_eq!(
                        v[i],
                        want.as_f64().unwrap(),
                        "{name}: generator differs at {col}[{i}]"
                    );
                }
            }
            ColumnValues::Str(v) => {
                for (i, want) in vals.as_array().unwrap().iter().enumerate() {
                    assert_eq!(
                        v[i].as_deref(),
                        want.as_str(),
                        "{name}: generator differs at {col}[{i}]"
                    );
                }
            }
            ColumnValues::Int(_) => unreachable!(),
        }
    }
    let report = drift_report(&reference, &current, &DriftOptions::default()).unwrap();
    let ev = &case["evidently"];
    let want_cols = ev["columns"].as_array().unwrap();
    assert_eq!(
        report.columns.len(),
        want_cols.len(),
        "{name}: column count"
    );
    let mut worst = 0.0f64;
    for want in want_cols {
        let col = want["column"].as_str().unwrap();
        let got = report.columns.iter().find(|c| c.column == col).unwrap();
        assert_eq!(
            got.kind.name(),
            want["type"].as_str().unwrap(),
            "{name}/{col}: type"
        );
        assert_eq!(
            got.method.name(),
            want["method"].as_str().unwrap(),
            "{name}/{col}: method"
        );
        assert_eq!(
            got.threshold,
            want["threshold"].as_f64().unwrap(),
            "{name}/{col}: threshold"
        );
        assert_eq!(
            got.drifted,
            want["drifted"].as_bool().unwrap(),
            "{name}/{col}: drifted"
        );
        assert_eq!(
            got.reference_size as u64,
            want["reference_size"].as_u64().unwrap()
        );
        assert_eq!(
            got.current_size as u64,
            want["current_size"].as_u64().unwrap()
        );
        let (g, w) = (got.score.unwrap(), want["score"].as_f64().unwrap());
        let r = rel(g, w);
        worst = worst.max(r);
        assert!(
            r <= 1e-9,
            "{name}/{col} {}: score {g:e} vs Evidently {w:e} (rel {r:e})",
            got.method
        );
    }
    assert_eq!(
        report.count as u64,
        ev["count"].as_u64().unwrap(),
        "{name}: count"
    );
    assert_eq!(report.share, ev["share"].as_f64().unwrap(), "{name}: share");
    assert_eq!(
        report.dataset_drift,
        ev["dataset_drift"].as_bool().unwrap(),
        "{name}: dataset_drift"
    );
    eprintln!("{name}: worst relative score error {worst:e}");

    // A saved profile gives exactly the same report.
    let profile = Profile::from_reference(&reference, None).unwrap();
    let bytes = profile.to_bytes();
    let loaded = Profile::from_bytes(&bytes, std::path::Path::new("mem")).unwrap();
    let via_profile =
        drift_report_with_profile(&loaded, &current, &DriftOptions::default()).unwrap();
    assert_eq!(via_profile, report, "{name}: profile report differs");
}

#[test]
fn preset_matches_evidently_small() {
    let g = golden("preset.json");
    for case in g["cases"].as_array().unwrap() {
        let rows = case["reference"]["rows"].as_u64().unwrap();
        if rows <= 5000 {
            check_case(case);
        }
    }
}

#[test]
fn preset_matches_evidently_100k() {
    let g = golden("preset.json");
    for case in g["cases"].as_array().unwrap() {
        if case["reference"]["rows"].as_u64().unwrap() > 5000 {
            check_case(case);
        }
    }
}
