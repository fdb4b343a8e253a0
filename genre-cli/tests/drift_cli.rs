//! `genre drift` end to end: exit codes, JSON, profiles and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("genre-drift-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_csv(path: &PathBuf, rows: usize, shift: f64, genre_skew: bool) {
    let mut s = String::from("mfcc_1,mfcc_2,count,predicted_genre\n");
    for i in 0..rows {
        let x = ((i * 7919) % 1000) as f64 / 10.0 + shift;
        let y = ((i * 104_729) % 997) as f64 / 7.0;
        let g = if genre_skew && i % 3 != 0 {
            "rock"
        } else {
            ["jazz", "rock", "pop"][i % 3]
        };
        s.push_str(&format!("{x},{y},{},{g}\n", i % 4));
    }
    std::fs::write(path, s).unwrap();
}

fn genre(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_genre"))
        .arg("drift")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn exit_codes_json_and_profile() {
    let d = dir("main");
    let (r, same, shifted) = (d.join("ref.csv"), d.join("same.csv"), d.join("shifted.csv"));
    write_csv(&r, 600, 0.0, false);
    write_csv(&same, 500, 0.0, false);
    write_csv(&shifted, 500, 30.0, true);

    let (code, out, err) = genre(&[r.as_os_str(), same.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dataset drift: no"), "{out}");

    let (code, out, err) = genre(&[r.as_os_str(), shifted.as_os_str(), "--json".as_ref()]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["dataset_drift"], true);
    let cols = v["columns"].as_array().unwrap();
    assert_eq!(cols.len(), 4);
    // pandas typing: an int column with 4 distinct values is categorical.
    let count = cols.iter().find(|c| c["column"] == "count").unwrap();
    assert_eq!(count["type"], "categorical");
    assert_eq!(count["method"], "chisquare");
    let m1 = cols.iter().find(|c| c["column"] == "mfcc_1").unwrap();
    assert_eq!(m1["method"], "ks");
    assert_eq!(m1["drifted"], true);

    // A saved profile gives the same JSON.
    let prof = d.join("ref.profile");
    let (code, _, err) = genre(&[r.as_os_str(), "--save-profile".as_ref(), prof.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    let (code, out2, err) = genre(&[prof.as_os_str(), shifted.as_os_str(), "--json".as_ref()]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, out2);

    // Overrides.
    let (code, out, err) = genre(&[
        r.as_os_str(),
        shifted.as_os_str(),
        "--json".as_ref(),
        "--method".as_ref(),
        "mfcc_1=wasserstein,mfcc_2=psi".as_ref(),
        "--threshold".as_ref(),
        "mfcc_1=5".as_ref(),
        "--columns".as_ref(),
        "mfcc_1,mfcc_2".as_ref(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["columns"][0]["method"], "wasserstein");
    assert_eq!(v["columns"][0]["threshold"], 5.0);
    assert_eq!(v["columns"][1]["method"], "psi");
}

#[test]
fn bad_input_is_exit_2_naming_column_and_row() {
    let d = dir("bad");
    let r = d.join("ref.csv");
    write_csv(&r, 50, 0.0, false);
    let bad = d.join("bad.csv");
    std::fs::write(
        &bad,
        "mfcc_1,mfcc_2,count,predicted_genre\n1.0,2.0,1,rock\n1.5,oops,2,pop\n",
    )
    .unwrap();
    let (code, _, err) = genre(&[r.as_os_str(), bad.as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("mfcc_2") && err.contains("row 2") && err.contains("oops"),
        "{err}"
    );

    let ragged = d.join("ragged.csv");
    std::fs::write(&ragged, "a,b\n1,2\n3\n").unwrap();
    let (code, _, err) = genre(&[r.as_os_str(), ragged.as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("malformed CSV") && err.contains("row 2"),
        "{err}"
    );

    let empty = d.join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let (code, _, err) = genre(&[r.as_os_str(), empty.as_os_str()]);
    assert_eq!(code, 2);
    assert!(err.contains("empty"), "{err}");

    let other = d.join("other.csv");
    std::fs::write(&other, "zzz\n1.0\n2.0\n").unwrap();
    let (code, _, err) = genre(&[r.as_os_str(), other.as_os_str()]);
    assert_eq!(code, 2);
    assert!(err.contains("zzz") && err.contains("missing"), "{err}");

    let (code, _, err) = genre(&[r.as_os_str(), d.join("nope.csv").as_os_str()]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.csv"), "{err}");
    assert!(!err.contains("panicked"));
}

/// The committed CSV and Parquet twins give Evidently's report (pandas typing,
/// NaN/inf cleaning, int column as categorical) and identical JSON.
#[test]
fn csv_and_parquet_fixtures_match_evidently() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests");
    let fx = root.join("fixtures/drift");
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("golden/drift/cli.json")).unwrap())
            .unwrap();
    let ev = &golden["evidently"];
    let mut outputs = Vec::new();
    for ext in ["csv", "parquet"] {
        let (r, c) = (
            fx.join(format!("reference.{ext}")),
            fx.join(format!("current.{ext}")),
        );
        let (code, out, err) = genre(&[r.as_os_str(), c.as_os_str(), "--json".as_ref()]);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("{ext}: {err}"));
        assert_eq!(
            code,
            if ev["dataset_drift"].as_bool().unwrap() {
                1
            } else {
                0
            },
            "{ext}: {err}"
        );
        for want in ev["columns"].as_array().unwrap() {
            let got = v["columns"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["column"] == want["column"])
                .unwrap();
            for key in [
                "type",
                "method",
                "drifted",
                "reference_size",
                "current_size",
                "threshold",
            ] {
                assert_eq!(got[key], want[key], "{ext}: {} {key}", want["column"]);
            }
            let (g, w) = (
                got["score"].as_f64().unwrap(),
                want["score"].as_f64().unwrap(),
            );
            assert!(
                (g - w).abs() <= 1e-9 * w.abs().max(g.abs()),
                "{ext}: {} {g} vs {w}",
                want["column"]
            );
        }
        assert_eq!(v["count"], ev["count"]);
        outputs.push(out);
    }
    assert_eq!(outputs[0], outputs[1], "CSV and Parquet reports differ");
}

#[test]
fn new_methods_by_name_with_profile_and_errors() {
    let d = dir("methods");
    let r = d.join("ref.csv");
    let c = d.join("cur.csv");
    write_csv(&r, 300, 0.0, false);
    write_csv(&c, 300, 4.0, true);
    let methods = "mfcc_1=anderson,mfcc_2=cramer_von_mises,count=fisher_exact";
    let args = |a: &PathBuf| {
        vec![
            a.clone().into_os_string(),
            c.clone().into_os_string(),
            "--json".into(),
            "--method".into(),
            methods.into(),
            "--columns".into(),
            "mfcc_1,mfcc_2".into(),
            "--seed".into(),
            "5".into(),
        ]
    };
    let raw = args(&r);
    let (code, out, err) = genre(&raw.iter().map(|s| s.as_os_str()).collect::<Vec<_>>());
    assert!(code == 0 || code == 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["columns"][0]["method"], "anderson");
    assert_eq!(v["columns"][0]["threshold"], 0.1);
    assert_eq!(v["columns"][1]["method"], "cramer_von_mises");
    // The profile gives byte-identical JSON.
    let prof = d.join("ref.profile");
    let (code, _, err) = genre(&[r.as_os_str(), "--save-profile".as_ref(), prof.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    let via_profile = args(&prof);
    let (_, out2, err) = genre(
        &via_profile
            .iter()
            .map(|s| s.as_os_str())
            .collect::<Vec<_>>(),
    );
    assert_eq!(out, out2, "{err}");
    // empirical_mmd and es by name, seeded: the same seed gives the same p-value.
    let run = || {
        genre(&[
            r.as_os_str(),
            c.as_os_str(),
            "--json".as_ref(),
            "--method".as_ref(),
            "mfcc_1=empirical_mmd,mfcc_2=es".as_ref(),
            "--columns".as_ref(),
            "mfcc_1,mfcc_2".as_ref(),
            "--seed".as_ref(),
            "11".as_ref(),
        ])
    };
    let (code, a, err) = run();
    assert!(code == 0 || code == 1, "{err}");
    assert_eq!(a, run().1);
    assert!(
        a.contains("\"empirical_mmd\"") && a.contains("\"es\""),
        "{a}"
    );
    // fisher_exact on a four-category column: a typed error naming the column.
    let (code, _, err) = genre(&[
        r.as_os_str(),
        c.as_os_str(),
        "--method".as_ref(),
        "count=fisher_exact".as_ref(),
        "--columns".as_ref(),
        "count".as_ref(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("count") && err.contains("binary"), "{err}");
}
