//! Times genre's feature extraction for `benches/compare_features.py`.
//!
//! `features_time MODE INPUT.npy REPEATS` where MODE is `mfcc` (one
//! `(13, frames)` MFCC of the whole signal, one thread), `mfcc-par` (the
//! same split over rayon's threads), `segments` (the seed's 10 × 3 s
//! segments, one thread), `segments-par` (the same, rayon over the segments)
//! or `batch` (segments of every row of a 2-D input, rayon over rows). Prints one JSON line: per-call times in ms (min, median).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use genre_core::features::{Matrix, Mfcc, MfccConfig, SegmentConfig, SegmentExtractor};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, path, repeats) = match &args[..] {
        [_, m, p, r] => (m.as_str(), p.as_str(), r.parse::<usize>().expect("REPEATS")),
        _ => {
            eprintln!(
                "usage: features_time mfcc|mfcc-par|segments|segments-par|batch INPUT.npy REPEATS"
            );
            std::process::exit(2);
        }
    };
    let bytes = std::fs::read(path).expect("read input");
    let npy = npyz::NpyFile::new(&bytes[..]).expect("npy");
    let shape: Vec<usize> = npy.shape().iter().map(|&d| d as usize).collect();
    let data: Vec<f32> = npy.into_vec().expect("float32 npy");
    let rows: Vec<&[f32]> = match shape[..] {
        [_] => vec![&data[..]],
        [r, n] => (0..r).map(|i| &data[i * n..(i + 1) * n]).collect(),
        _ => panic!("1-D or 2-D input"),
    };
    let mut times = Vec::with_capacity(repeats);
    match mode {
        "mfcc" | "mfcc-par" => {
            let mfcc = Mfcc::new(MfccConfig {
                n_mfcc: 13,
                ..Default::default()
            })
            .unwrap();
            let mut scratch = mfcc.scratch();
            let mut out = Matrix::default();
            for _ in 0..repeats {
                let t = Instant::now();
                if mode == "mfcc" {
                    mfcc.compute_into(rows[0], &mut scratch, &mut out).unwrap();
                } else {
                    mfcc.compute_parallel_into(rows[0], &mut scratch, &mut out)
                        .unwrap();
                }
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        "segments" => {
            let ex = SegmentExtractor::new(SegmentConfig::default()).unwrap();
            let mut scratch = ex.mfcc().scratch();
            for _ in 0..repeats {
                let t = Instant::now();
                let s = ex.extract_with(rows[0], &mut scratch).unwrap();
                times.push(t.elapsed().as_secs_f64() * 1e3);
                assert_eq!(s.count(), 10);
            }
        }
        "segments-par" => {
            let ex = SegmentExtractor::new(SegmentConfig::default()).unwrap();
            for _ in 0..repeats {
                let t = Instant::now();
                let s = ex.extract_parallel(rows[0]).unwrap();
                times.push(t.elapsed().as_secs_f64() * 1e3);
                assert_eq!(s.count(), 10);
            }
        }
        "batch" => {
            let ex = SegmentExtractor::new(SegmentConfig::default()).unwrap();
            for _ in 0..repeats {
                let t = Instant::now();
                let all = ex.extract_batch(&rows);
                times.push(t.elapsed().as_secs_f64() * 1e3);
                assert!(all.iter().all(Result::is_ok));
            }
        }
        other => panic!("unknown mode {other}"),
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{{\"mode\": \"{mode}\", \"min_ms\": {:.4}, \"median_ms\": {median:.4}, \"threads\": {}}}",
        times[0],
        rayon::current_num_threads()
    );
}
