//! `first_call MODE [--spin none|busy|yield] [--spin-ms 50] [--install] [FILE]`:
//! one process, one first call: times a fresh extractor's first `mfcc`,
//! `melspec` or `segments` of a 30 s signal, the first `load` of FILE
//! (22,050 Hz mono), or the first `resample` of a 30 s 44.1 kHz mono
//! signal to 22,050 Hz (with how it went: `path`), with rayon's pool not
//! yet started — the way a Python
//! user's first call meets genre. With `--spin busy|yield` another thread
//! spins for `--spin-ms` (a busy loop, or one that calls `sched_yield` like
//! numpy's OpenBLAS worker after `import numpy`) and the call starts once
//! it runs, so one core is taken while the pool's workers wake up.
//! `--install` runs the call inside the pool (`pool.install`, as genre-py
//! does) instead of on the main thread. Prints one JSON line: the plan's
//! build time (`plan_ms`, 0 for loads), the first call (`ms`) and a second
//! call right after it (`second_ms`). `benches/first_call.py` runs it in
//! fresh processes and prints medians.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use genre_benches::test_signal;
use genre_core::audio::{LoadOptions, SplitKnobs, SplitPath, load, resample_traced};
use genre_core::features::{
    MelSpectrogram, MelSpectrogramConfig, Mfcc, MfccConfig, SegmentConfig, SegmentExtractor,
};

/// What the other core is doing.
#[derive(Clone, Copy, PartialEq)]
enum Spin {
    None,
    Busy,
    Yield,
}

/// Starts the spinner and returns once it runs.
fn spin(kind: Spin, ms: u64) -> Option<std::thread::JoinHandle<()>> {
    if kind == Spin::None {
        return None;
    }
    let running = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&running);
    let handle = std::thread::spawn(move || {
        let start = Instant::now();
        flag.store(true, Ordering::Release);
        while start.elapsed() < Duration::from_millis(ms) {
            if kind == Spin::Yield {
                std::thread::yield_now();
            } else {
                for _ in 0..64 {
                    std::hint::spin_loop();
                }
            }
        }
    });
    while !running.load(Ordering::Acquire) {
        std::hint::spin_loop();
    }
    Some(handle)
}

/// Times `f` twice: `(first, second)` in ms.
fn twice<T>(install: bool, mut f: impl FnMut() -> T + Send) -> (f64, f64) {
    let mut run = || {
        let mut times = [0.0; 2];
        for t in &mut times {
            let start = Instant::now();
            std::hint::black_box(f());
            *t = start.elapsed().as_secs_f64() * 1e3;
        }
        times
    };
    let [a, b] = if install {
        // The global pool, started by this call like genre-py's on its
        // first call.
        let pool_start = Instant::now();
        rayon::ThreadPoolBuilder::new()
            .build_global()
            .expect("global pool");
        rayon::scope(|_| {
            let inner = Instant::now();
            let [a, b] = run();
            [a + (inner - pool_start).as_secs_f64() * 1e3, b]
        })
    } else {
        run()
    };
    (a, b)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(mode) = args.next() else {
        eprintln!(
            "usage: first_call mfcc|melspec|segments|load [--spin none|busy|yield] [--spin-ms N] [--install] [FILE]"
        );
        return ExitCode::FAILURE;
    };
    let (mut kind, mut spin_ms, mut install, mut file) = (Spin::None, 50, false, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--spin" => {
                kind = match args.next().as_deref() {
                    Some("busy") => Spin::Busy,
                    Some("yield") => Spin::Yield,
                    _ => Spin::None,
                }
            }
            "--spin-ms" => spin_ms = args.next().and_then(|v| v.parse().ok()).unwrap_or(50),
            "--install" => install = true,
            other => file = Some(other.to_string()),
        }
    }
    let signal = test_signal(30.0, 1);
    let options = LoadOptions::default();
    let mfcc_config = MfccConfig {
        n_mfcc: 13,
        ..Default::default()
    };
    let mut path_note = String::new();
    let spinner = spin(kind, spin_ms);
    let plan_start = Instant::now();
    let ((first, second), plan) = match mode.as_str() {
        "mfcc" => {
            let plan = Mfcc::new(mfcc_config).unwrap();
            let t = plan_start.elapsed();
            (twice(install, || plan.compute(&signal).unwrap()), t)
        }
        "melspec" => {
            let plan = MelSpectrogram::new(MelSpectrogramConfig::default()).unwrap();
            let t = plan_start.elapsed();
            (twice(install, || plan.compute(&signal).unwrap()), t)
        }
        "segments" => {
            let plan = SegmentExtractor::new(SegmentConfig::default()).unwrap();
            let t = plan_start.elapsed();
            (twice(install, || plan.extract(&signal).unwrap()), t)
        }
        "resample" => {
            let x = test_signal(60.0, 7);
            let paths = std::sync::Mutex::new(Vec::new());
            let times = twice(install, || {
                let (y, path) =
                    resample_traced(&x, 44_100, 22_050, &SplitKnobs::default()).unwrap();
                paths.lock().unwrap().push(path);
                y
            });
            let paths = paths.into_inner().unwrap();
            let split = paths.iter().filter(|&&p| p == SplitPath::Split).count();
            eprintln!("resample paths: {paths:?}");
            path_note = format!(", \"splits\": {split}");
            (times, Duration::ZERO)
        }
        "load" => {
            let Some(file) = file else {
                eprintln!("load needs a FILE");
                return ExitCode::FAILURE;
            };
            let times = twice(install, || load(file.as_str(), &options).unwrap());
            (times, Duration::ZERO)
        }
        other => {
            eprintln!("unknown mode {other}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(s) = spinner {
        s.join().unwrap();
    }
    println!(
        "{{\"mode\": \"{mode}\", \"plan_ms\": {:.4}, \"ms\": {first:.4}, \"second_ms\": {second:.4}, \"threads\": {}{path_note}}}",
        plan.as_secs_f64() * 1e3,
        rayon::current_num_threads()
    );
    ExitCode::SUCCESS
}
