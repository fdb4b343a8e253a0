//! `time_resample [--repeat N] [SECONDS [FROM_HZ...]]`: median wall time of
//! `genre_core::audio::resample` of a mono test signal (default 30 s) from
//! each rate (default 44,100 and 48,000 Hz) to 22,050 Hz, on the global
//! pool (`RAYON_NUM_THREADS` sets its size) and forced onto one stream, and
//! how the pool's call went; one JSON line per rate.

use std::process::ExitCode;

use genre_benches::{median_time, repeat_and_args, test_signal};
use genre_core::audio::{SplitKnobs, SplitPath, resample_traced};

fn main() -> ExitCode {
    let (repeat, args) = match repeat_and_args(40) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let seconds: f64 = match args.first().map(|s| s.parse()) {
        None => 30.0,
        Some(Ok(s)) => s,
        Some(Err(_)) => {
            eprintln!("error: SECONDS must be a number");
            return ExitCode::FAILURE;
        }
    };
    let mut rates: Vec<u32> = args.iter().skip(1).filter_map(|r| r.parse().ok()).collect();
    if rates.is_empty() {
        rates = vec![44_100, 48_000];
    }
    for from in rates {
        // The 22,050 Hz test signal, stretched to `from` frames per second.
        let x = test_signal(seconds * f64::from(from) / 22_050.0, 7);
        let one = SplitKnobs {
            min_frames: Some(usize::MAX),
            ..Default::default()
        };
        let auto = SplitKnobs::default();
        let run = |knobs: &SplitKnobs| resample_traced(&x, from, 22_050, knobs);
        let paths: Vec<SplitPath> = (0..repeat)
            .filter_map(|_| run(&auto).ok().map(|(_, p)| p))
            .collect();
        let split = paths.iter().filter(|&&p| p == SplitPath::Split).count();
        let t_auto = median_time(repeat, || run(&auto));
        let t_one = median_time(repeat, || run(&one));
        println!(
            "{{\"from\": {from}, \"seconds\": {seconds}, \"threads\": {}, \"ms\": {:.3}, \"one_stream_ms\": {:.3}, \"split\": \"{split}/{}\"}}",
            rayon::current_num_threads(),
            t_auto.as_secs_f64() * 1e3,
            t_one.as_secs_f64() * 1e3,
            paths.len()
        );
    }
    ExitCode::SUCCESS
}
