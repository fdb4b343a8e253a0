//! The background warm-up `import genre` starts before it imports numpy.
//!
//! A new process's first `load` and `feature.mfcc` pay one-time costs:
//! starting the worker pool, building the default MFCC / mel / segment plans
//! (FFT plan, mel filterbank, DCT), and faulting in the decoder, resampler
//! and FFT code. `import numpy` keeps the main thread busy for tens of
//! milliseconds while the other cores idle, so `genre/__init__.py` starts
//! this thread first (`GENRE_NO_WARMUP=1` skips it). It never holds the GIL,
//! touches no Python object and only fills caches whose contents do not
//! depend on who built them, so results are the same with or without it.
//! `os.register_at_fork(before=...)` and `atexit` wait for it to finish, so a
//! `fork()` never copies it mid-way (holding a lock).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use genre_core::audio::{self, LoadOptions, Source};
use pyo3::prelude::*;

use crate::{features, runtime, segments};

/// Whether a warm-up was started in this process (at most one ever is).
static STARTED: AtomicBool = AtomicBool::new(false);

/// The running warm-up, until someone waits for it.
static RUNNING: Mutex<Option<JoinHandle<()>>> = Mutex::new(None);

/// Starts the warm-up thread unless one was started before; returns whether
/// this call started it. Never blocks on the work and never raises: if no
/// thread can be started, the first calls simply do the work themselves.
#[pyfunction]
pub(crate) fn start_warmup() -> bool {
    if STARTED.swap(true, Ordering::AcqRel) {
        return false;
    }
    let spawned = std::thread::Builder::new()
        .name("genre-warmup".into())
        .spawn(warm_up);
    match spawned {
        Ok(handle) => {
            *RUNNING.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
            true
        }
        Err(_) => false,
    }
}

/// Waits (with the GIL released) until the warm-up has finished; returns at
/// once if none is running.
#[pyfunction]
pub(crate) fn wait_warmup(py: Python<'_>) {
    let running = RUNNING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(handle) = running {
        // A panic in the warm-up only means it warmed less: ignore it.
        py.detach(|| drop(handle.join()));
    }
}

/// The warm-up itself: the pool's threads are started, the default plans
/// built, then each pool thread runs a short decode + resample (44.1 kHz
/// stereo -> 22,050 Hz mono, the common case) and an MFCC of the result,
/// which faults in the code, libsoxr's tables and the thread's own heap and
/// stack. On the pool, because genre-core may ask rayon for threads
/// (elsewhere that would start rayon's global pool).
fn warm_up() {
    // Errors only mean less is warm; the first call reports them properly.
    let Ok(pool) = runtime::pool(None) else {
        return;
    };
    let plan = features::warm_default_plans();
    drop(segments::extractor(None));
    let wav = stereo_wav(44_100, 11_025);
    let options = LoadOptions::default();
    pool.broadcast(|_| {
        if let (Ok(signal), Some(plan)) = (audio::load(Source::bytes(&wav, None), &options), &plan)
        {
            drop(features::mfcc_serial(plan, &signal.samples));
        }
    });
}

/// A 16-bit stereo WAV file of `frames` frames at `rate` Hz: a quiet
/// two-tone signal (non-zero, so no silent shortcut is taken).
fn stereo_wav(rate: u32, frames: u32) -> Vec<u8> {
    let data_len = frames * 4;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&2u16.to_le_bytes()); // channels
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 4).to_le_bytes()); // bytes per second
    out.extend_from_slice(&4u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..frames {
        // Two periodic ramps (periods of 100 and 37 frames), ±1,000 of 32,767.
        let left = (i % 100) as i16 * 20 - 1_000;
        let right = (i % 37) as i16 * 50 - 900;
        out.extend_from_slice(&left.to_le_bytes());
        out.extend_from_slice(&right.to_le_bytes());
    }
    out
}
