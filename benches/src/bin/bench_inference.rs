//! Times genre's inference strategies on one model and prints JSON, for
//! `benches/compare_inference.py`.
//!
//! `bench_inference MODEL.onnx [RUNS]`; optional env `GENRE_BENCH_AUDIO=file`
//! also times `predict_file` end to end.

use std::process::ExitCode;

use genre_benches::{median_time, mfcc_like_segments};

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
use genre_core::audio::{self, LoadOptions};
use genre_core::model::{Batching, Classifier, ModelOptions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(model) = args.next() else {
        eprintln!("usage: bench_inference MODEL.onnx [RUNS]");
        return ExitCode::FAILURE;
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(200);
    let load_ms = ms(median_time(5, || {
        Classifier::from_path(&model, &ModelOptions::default())
    }));
    let clf = match Classifier::from_path(&model, &ModelOptions::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let one = mfcc_like_segments(1);
    let ten = mfcc_like_segments(10);
    let mut out = vec![format!("\"load_ms\": {load_ms:.4}")];
    for (name, x) in [("1", &one), ("10", &ten)] {
        for (label, b) in [
            ("sequential", Batching::Sequential),
            ("parallel", Batching::Parallel),
            ("one_batch", Batching::OneBatch),
            ("auto", Batching::Auto),
        ] {
            let t = ms(median_time(runs, || clf.probabilities_with(x, b)));
            out.push(format!("\"{label}_{name}\": {t:.4}"));
        }
    }
    if let Ok(audio) = std::env::var("GENRE_BENCH_AUDIO") {
        let t = ms(median_time(20, || clf.predict_file(&audio)));
        out.push(format!("\"predict_file_ms\": {t:.4}"));
        // Where the time goes: decode + resample to mono 22,050 Hz, then
        // segments + MFCC + CNN on the loaded signal.
        let options = LoadOptions::default();
        let t = ms(median_time(20, || audio::load(audio.as_str(), &options)));
        out.push(format!("\"load_audio_ms\": {t:.4}"));
        if let Ok(signal) = audio::load(audio.as_str(), &options) {
            let t = ms(median_time(20, || {
                clf.predict_signal(&signal.samples, signal.sample_rate)
            }));
            out.push(format!("\"predict_signal_ms\": {t:.4}"));
        }
    }
    println!("{{{}}}", out.join(", "));
    ExitCode::SUCCESS
}
