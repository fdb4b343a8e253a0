//! Times `genre_core::drift::drift_report` on seed-shaped data (the generator
//! `benches/compare_drift.py` mirrors), excluding data generation, and prints
//! one JSON line: `{"rows_ref", "rows_cur", "median_s", "min_s", "peak_rss_mb", "drifted"}`.
//!
//! Usage: `drift_bench ROWS_REF ROWS_CUR [REPEATS] [--profile] [--method NAME]`
//! (`--profile`: test against a saved reference profile instead of raw data;
//! `--method`: one method for the 13 float columns instead of the preset's choice).

use std::process::ExitCode;
use std::time::Instant;

use genre_core::drift::synthetic::seed_frame;
use genre_core::drift::{DriftOptions, Method, Profile, drift_report, drift_report_with_profile};

/// Peak resident set size in MiB (Linux `VmHWM`), 0 elsewhere.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let use_profile = args.iter().any(|a| a == "--profile");
    let nums: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let method = match args
        .iter()
        .position(|a| a == "--method")
        .map(|i| args.get(i + 1).map(|m| m.parse::<Method>()))
    {
        None => None,
        Some(Some(Ok(m))) => Some(m),
        Some(Some(Err(e))) => {
            eprintln!("drift_bench: {e}");
            return ExitCode::from(2);
        }
        Some(None) => {
            eprintln!("drift_bench: --method needs a name");
            return ExitCode::from(2);
        }
    };
    let (Some(&rows_ref), Some(&rows_cur)) = (nums.first(), nums.get(1)) else {
        eprintln!("usage: drift_bench ROWS_REF ROWS_CUR [REPEATS] [--profile]");
        return ExitCode::from(2);
    };
    let repeats = nums.get(2).copied().unwrap_or(5).max(1);
    let shift = [
        0.3, 0.0, 0.2, 0.0, 0.5, 0.0, 0.1, 0.0, 0.05, 0.4, 0.0, 0.15, 0.25,
    ];
    let reference = seed_frame(101, rows_ref, &[], false);
    let current = seed_frame(102, rows_cur, &shift, true);
    let options = match method {
        Some(m) => DriftOptions {
            columns: Some((1..=13).map(|i| format!("mfcc_{i}")).collect()),
            method: Some(m),
            ..DriftOptions::default()
        },
        None => DriftOptions::default(),
    };
    let profile = match use_profile
        .then(|| Profile::from_reference(&reference, None))
        .transpose()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("drift_bench: {e}");
            return ExitCode::from(2);
        }
    };
    let mut times = Vec::with_capacity(repeats);
    let mut drifted = 0;
    for _ in 0..repeats {
        let t = Instant::now();
        let report = match &profile {
            Some(p) => drift_report_with_profile(p, &current, &options),
            None => drift_report(&reference, &current, &options),
        };
        times.push(t.elapsed().as_secs_f64());
        match report {
            Ok(r) => drifted = r.count,
            Err(e) => {
                eprintln!("drift_bench: {e}");
                return ExitCode::from(2);
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    let min = times.first().copied().unwrap_or(f64::NAN);
    println!(
        "{{\"rows_ref\": {rows_ref}, \"rows_cur\": {rows_cur}, \"median_s\": {median}, \"min_s\": {min}, \
         \"peak_rss_mb\": {:.1}, \"drifted\": {drifted}}}",
        peak_rss_mb()
    );
    ExitCode::SUCCESS
}
