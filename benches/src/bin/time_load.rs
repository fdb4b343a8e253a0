//! `time_load [--repeat N] FILE...`: median wall time of
//! `genre_core::audio::load(file, sr=22050, mono)` per file, one JSON line
//! each (`{"file": ..., "ms": ...}`); used by `benches/compare_load.py`.

use std::process::ExitCode;

use genre_benches::{median_time, repeat_and_args};
use genre_core::audio::{LoadOptions, load};

fn main() -> ExitCode {
    let (repeat, args) = match repeat_and_args(20) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = LoadOptions::default();
    for file in &args {
        if let Err(e) = load(file.as_str(), &options) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        let t = median_time(repeat, || load(file.as_str(), &options));
        println!(
            "{{\"file\": {:?}, \"ms\": {:.3}}}",
            file,
            t.as_secs_f64() * 1e3
        );
    }
    ExitCode::SUCCESS
}
