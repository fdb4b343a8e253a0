//! Edge datasets (ties, integer categoricals, NaN/inf, unseen categories,
//! constant columns) against Evidently, and genre's documented behaviour where
//! Evidently has none.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod drift_common;

use drift_common::{golden, rel};
use genre_core::Error;
use genre_core::drift::{ColumnValues, Dataset, DriftOptions, Method, drift_report};
use serde_json::Value;

fn column(v: &Value) -> ColumnValues {
    let a = v.as_array().unwrap();
    if a.iter().all(|x| x.is_i64()) {
        return ColumnValues::Int(a.iter().map(|x| x.as_i64().unwrap()).collect());
    }
    if a.iter().any(|x| {
        x.as_str()
            .is_some_and(|s| !["nan", "inf", "-inf"].contains(&s))
    }) {
        return ColumnValues::Str(a.iter().map(|x| x.as_str().map(str::to_string)).collect());
    }
    ColumnValues::Float(
        a.iter()
            .map(|x| match x.as_str() {
                Some("nan") => f64::NAN,
                Some("inf") => f64::INFINITY,
                Some("-inf") => f64::NEG_INFINITY,
                _ => x.as_f64().unwrap(),
            })
            .collect(),
    )
}

fn dataset(v: &Value) -> Dataset {
    let mut d = Dataset::new();
    for (k, col) in v.as_object().unwrap() {
        d.push(k.clone(), column(col)).unwrap();
    }
    d
}

#[test]
fn edge_datasets_match_evidently() {
    let g = golden("edge.json");
    for case in g["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let ev = &case["evidently"];
        let (reference, current) = (dataset(&case["reference"]), dataset(&case["current"]));
        let report = drift_report(&reference, &current, &DriftOptions::default()).unwrap();
        for want in ev["columns"].as_array().unwrap() {
            let col = want["column"].as_str().unwrap();
            let got = report.columns.iter().find(|c| c.column == col).unwrap();
            assert_eq!(
                got.kind.name(),
                want["type"].as_str().unwrap(),
                "{name}/{col}"
            );
            assert_eq!(
                got.method.name(),
                want["method"].as_str().unwrap(),
                "{name}/{col}"
            );
            let (g, w) = (got.score.unwrap(), want["score"].as_f64().unwrap());
            assert!(rel(g, w) <= 1e-9, "{name}/{col}: {g:e} vs {w:e}");
            assert_eq!(
                got.drifted,
                want["drifted"].as_bool().unwrap(),
                "{name}/{col}"
            );
            assert_eq!(
                got.reference_size as u64,
                want["reference_size"].as_u64().unwrap(),
                "{name}/{col}"
            );
            assert_eq!(
                got.current_size as u64,
                want["current_size"].as_u64().unwrap(),
                "{name}/{col}"
            );
        }
        assert_eq!(report.count as u64, ev["count"].as_u64().unwrap(), "{name}");
        assert_eq!(
            report.dataset_drift,
            ev["dataset_drift"].as_bool().unwrap(),
            "{name}"
        );
    }
}

fn one(name: &str, v: ColumnValues) -> Dataset {
    let mut d = Dataset::new();
    d.push(name, v).unwrap();
    d
}

#[test]
fn empty_after_cleaning_is_a_typed_error() {
    let r = one("x", ColumnValues::Float(vec![f64::NAN, f64::INFINITY]));
    let c = one("x", ColumnValues::Float(vec![1.0, 2.0]));
    match drift_report(&r, &c, &DriftOptions::default()) {
        Err(Error::DriftEmptyColumn { column, dataset }) => {
            assert_eq!(column, "x");
            assert_eq!(dataset, "reference");
        }
        other => panic!("expected DriftEmptyColumn, got {other:?}"),
    }
}

#[test]
fn single_category_chisquare_is_undefined_not_drift() {
    let r = one("g", ColumnValues::Str(vec![Some("a".into()); 30]));
    let c = one("g", ColumnValues::Str(vec![Some("a".into()); 20]));
    let opts = DriftOptions {
        method: Some(Method::ChiSquare),
        ..DriftOptions::default()
    };
    let report = drift_report(&r, &c, &opts).unwrap();
    assert_eq!(report.columns[0].score, None);
    assert!(!report.columns[0].drifted);
    assert!(report.to_json().contains("\"score\": null"));
}

#[test]
fn missing_column_and_wrong_method_are_typed_errors() {
    let r = one("x", ColumnValues::Float(vec![1.0, 2.0, 3.0]));
    let c = one("y", ColumnValues::Float(vec![1.0, 2.0, 3.0]));
    let e = drift_report(&r, &c, &DriftOptions::default()).unwrap_err();
    assert!(
        matches!(&e, Error::DriftInput { column, .. } if column == "y"),
        "{e}"
    );
    let g = one(
        "g",
        ColumnValues::Str(
            ["a", "b", "a", "a", "b", "a"]
                .map(|s| Some(s.to_string()))
                .to_vec(),
        ),
    );
    let opts = DriftOptions {
        method: Some(Method::Ks),
        ..DriftOptions::default()
    };
    let e = drift_report(&g, &g, &opts).unwrap_err();
    assert!(e.to_string().contains("not applicable"), "{e}");
    let bad = DriftOptions {
        drift_share: 1.5,
        ..DriftOptions::default()
    };
    assert!(matches!(
        drift_report(&r, &r, &bad),
        Err(Error::InvalidConfig { .. })
    ));
}

#[test]
fn tiny_samples_do_not_panic() {
    for (a, b) in [
        (vec![1.0], vec![2.0]),
        (vec![1.0], vec![1.0]),
        (vec![0.0, 0.0], vec![-0.0]),
    ] {
        let r = one("x", ColumnValues::Float(a));
        let c = one("x", ColumnValues::Float(b));
        for m in Method::ALL {
            let opts = DriftOptions {
                method: Some(m),
                ..DriftOptions::default()
            };
            let _ = drift_report(&r, &c, &opts);
        }
    }
}

#[test]
fn tvd_is_reproducible_for_a_seed() {
    let r = one(
        "g",
        ColumnValues::Str((0..300).map(|i| Some(format!("c{}", i % 3))).collect()),
    );
    let c = one(
        "g",
        ColumnValues::Str(
            (0..300)
                .map(|i| Some(format!("c{}", (i % 5).min(2))))
                .collect(),
        ),
    );
    let opts = DriftOptions {
        method: Some(Method::Tvd),
        seed: 7,
        ..DriftOptions::default()
    };
    let a = drift_report(&r, &c, &opts).unwrap();
    let b = drift_report(&r, &c, &opts).unwrap();
    assert_eq!(a, b);
    let p = a.columns[0].score.unwrap();
    assert!(
        p < 0.01,
        "shifted shares should give a small permutation p-value, got {p}"
    );
    let same = drift_report(&r, &r, &opts).unwrap();
    assert_eq!(same.columns[0].score, Some(1.0));
}
