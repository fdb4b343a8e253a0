//! Warming up while Python imports numpy.
//!
//! A new process pays, on its first `load` and `mfcc`, for starting the
//! pool's threads, building the default feature plans and faulting in the
//! code and memory they use (~2-4 ms, and more when the pool's threads are
//! slow to start). `genre/__init__.py` calls [`warm_up`] before it imports
//! numpy (~50 ms on one core), so this work runs on the otherwise idle core:
//! one decode of a short in-memory WAV with resampling and the default MFCCs
//! and mel spectrogram of a synthetic signal long enough to split over the
//! pool, all on the fork-safe pool. Values are never kept, only the plans.
//!
//! Fork safety: `os.register_at_fork(before=...)` calls [`warm_up_wait`],
//! so no fork happens while the warm-up thread holds a lock.

use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use genre_core::audio::{self, LoadOptions, Source};
use pyo3::prelude::*;

use crate::{features, runtime};

/// The warm-up thread while it may still run.
static THREAD: Mutex<Option<JoinHandle<()>>> = Mutex::new(None);

/// Starts the warm-up on a background thread (once per process; a no-op if
/// one is running). Failing to start a thread is not an error: the first
/// calls then do the work themselves.
#[pyfunction]
pub(crate) fn warm_up() {
    let mut slot = THREAD.lock().unwrap_or_else(PoisonError::into_inner);
    if slot.is_some() {
        return;
    }
    *slot = std::thread::Builder::new()
        .name("genre-warm-up".into())
        .spawn(run)
        .ok();
}

/// Waits for the warm-up to finish (the GIL released meanwhile).
#[pyfunction]
pub(crate) fn warm_up_wait(py: Python<'_>) {
    let handle = THREAD.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(handle) = handle {
        // A panic in the warm-up only means the first calls stay cold.
        let _ = py.detach(|| handle.join());
    }
}

/// The warm-up itself: everything on the shared pool, results dropped.
fn run() {
    let Ok(pool) = runtime::shared_pool() else {
        return;
    };
    pool.install(|| {
        // Errors are ignored: they would recur, and be reported, on real calls.
        let _ = audio::load(Source::bytes(&wav(), None), &LoadOptions::default());
        features::warm_up();
    });
}

/// Half a second of a 44.1 kHz stereo 16-bit WAV (a quiet tone), the format
/// and resampling of the common first call.
fn wav() -> Vec<u8> {
    const RATE: u32 = 44_100;
    const FRAMES: u32 = RATE / 2;
    let data_len = FRAMES * 4;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16_u32.to_le_bytes());
    out.extend_from_slice(&1_u16.to_le_bytes()); // PCM
    out.extend_from_slice(&2_u16.to_le_bytes()); // channels
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 4).to_le_bytes()); // bytes per second
    out.extend_from_slice(&4_u16.to_le_bytes()); // block align
    out.extend_from_slice(&16_u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..FRAMES {
        let v = ((f64::from(i) * 0.0627).sin() * 3_000.0) as i16;
        out.extend_from_slice(&v.to_le_bytes());
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}
