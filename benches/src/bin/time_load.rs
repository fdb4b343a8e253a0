//! `time_load [--repeat N] FILE...`: median wall time of
//! `genre_core::audio::load(file, sr=22050, mono)` per file, one JSON line
//! each (`{"file": ..., "ms": ...}`); used by `benches/compare_load.py`.

use std::process::ExitCode;

use genre_benches::median_time;
use genre_core::audio::{LoadOptions, load};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 20usize;
    if args.first().map(String::as_str) == Some("--repeat") {
        match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) => repeat = n,
            None => {
                eprintln!("error: --repeat needs a number");
                return ExitCode::FAILURE;
            }
        }
        args.drain(..2);
    }
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
