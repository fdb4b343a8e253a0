//! The background warm-up `import genre` starts before it imports numpy.
//!
//! A new process's first `feature.mfcc` / `melspectrogram` / `segments`
//! builds its plan (FFT plan, window, mel filterbank, DCT: ~0.3 ms each),
//! and its first calls fault in fresh memory. When `import genre` is about
//! to import numpy (tens of milliseconds on the main thread),
//! `genre/__init__.py` first starts this thread (`GENRE_NO_WARMUP=1` skips
//! it). It moves off the main thread's core ([`placement`]), builds the
//! default plans, then faults in the allocator's first 20 MiB
//! ([`prefault`]). It never holds the GIL, touches no Python object and
//! only fills caches whose contents do not depend on who built them, so
//! results are the same with or without it. `os.register_at_fork(before=...)`
//! and `atexit` wait for it to finish, so a `fork()` never copies it mid-way
//! (holding a lock).
//!
//! Measured and left out (2 cores, fresh processes, 50 interleaved runs):
//! starting the worker pool early and running a short decode + MFCC on it
//! made the first `load` ~0.7 ms slower, not faster. numpy's OpenBLAS starts
//! a thread during `import numpy` that busy-waits on the other core for
//! ~50-100 ms after the import, and workers started early were woken next
//! to it. Only creating the pool at the end of this warm-up (no work on it,
//! the warm-up thread's affinity restored first) measured worse again: 40
//! interleaved processes at load ~5, import +12 ms, first load +1.4 ms. The
//! pool is still started by the first call.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use pyo3::prelude::*;

use crate::{features, placement, prefault, segments};

/// Whether a warm-up was started in this process (at most one ever is).
static STARTED: AtomicBool = AtomicBool::new(false);

/// Whether the warm-up faulted in the allocator's first memory.
static PREFAULTED: AtomicBool = AtomicBool::new(false);

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
    let main_cpu = placement::current_cpu();
    let spawned = std::thread::Builder::new()
        .name("genre-warmup".into())
        .spawn(move || warm_up(main_cpu));
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

/// Whether this process's warm-up faulted in the allocator's first memory
/// (for the tests; `False` until it has, and where it cannot).
#[pyfunction]
pub(crate) fn warmup_prefaulted() -> bool {
    PREFAULTED.load(Ordering::Acquire)
}

/// The warm-up itself, off `main_cpu` (the core `import genre` runs on):
/// the default plans, then the allocator's first memory (see the module
/// comment for what was measured and left out).
fn warm_up(main_cpu: Option<usize>) {
    if let Some(cpu) = main_cpu {
        placement::leave_cpu(cpu);
    }
    features::warm_default_plans();
    // Errors only mean less is warm; the first call reports them properly.
    drop(segments::extractor(None));
    PREFAULTED.store(prefault::fault_in_first_memory(), Ordering::Release);
}
