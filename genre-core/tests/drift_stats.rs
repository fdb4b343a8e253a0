//! Every implemented statistic against Evidently's own stattest functions
//! (scipy underneath) on seed-shaped data, including ks's exact (equal and
//! unequal sizes) and asymptotic p-values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod drift_common;

use drift_common::{frames, golden, rel};
use genre_core::drift::{ColumnKind, DriftOptions, Method, drift_report};

#[test]
fn statistics_match_evidently() {
    let g = golden("stats.json");
    let mut checked = 0;
    let mut worst: Vec<(String, f64)> = Vec::new();
    for case in g["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (reference, current) = frames(case);
        for res in case["results"].as_array().unwrap() {
            let Ok(method) = res["method"].as_str().unwrap().parse::<Method>() else {
                continue;
            };
            if res.get("error").is_some() {
                continue;
            }
            let col = res["column"].as_str().unwrap().to_string();
            let mut opts = DriftOptions {
                columns: Some(vec![col.clone()]),
                ..DriftOptions::default()
            };
            opts.per_column_method.insert(col.clone(), method);
            if col == "predicted_genre" {
                opts.per_column_kind
                    .insert(col.clone(), ColumnKind::Categorical);
            }
            let report = drift_report(&reference, &current, &opts).unwrap();
            let got = &report.columns[0];
            let want = res["score"].as_f64();
            match (got.score, want) {
                (Some(g), Some(w)) => {
                    // p-values in the subnormal range carry only a few significant bits;
                    // cramer_von_mises' asymptotic p-value is `1 − cdf` in scipy, so
                    // below ~1e-4 only its absolute error (a few ulps of 1) is meaningful.
                    let subnormal = g.abs().max(w.abs()) < 1e-300;
                    let r = if subnormal { 0.0 } else { rel(g, w) };
                    let absolute =
                        r > 1e-9 && method == Method::CramerVonMises && (g - w).abs() < 1e-13;
                    assert!(
                        r <= 1e-9 || absolute,
                        "{name}/{col}/{method}: {g:e} vs {w:e} (rel {r:e})"
                    );
                    let (key, r) = if absolute {
                        (format!("{}(abs, p<1e-4)", method.name()), (g - w).abs())
                    } else {
                        (method.name().to_string(), r)
                    };
                    match worst.iter_mut().find(|(m, _)| *m == key) {
                        Some((_, x)) => *x = x.max(r),
                        None => worst.push((key, r)),
                    }
                }
                (None, None) => {}
                (g, w) => panic!("{name}/{col}/{method}: {g:?} vs {w:?}"),
            }
            assert_eq!(
                got.drifted,
                res["drifted"].as_bool().unwrap(),
                "{name}/{col}/{method}: drifted"
            );
            assert_eq!(
                got.threshold,
                res["threshold"].as_f64().unwrap(),
                "{name}/{col}/{method}: threshold"
            );
            checked += 1;
        }
    }
    eprintln!("checked {checked} scores; worst relative error per method: {worst:?}");
    assert!(checked > 300, "only {checked} scores checked");
}
