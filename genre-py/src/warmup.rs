//! The background warm-up `import genre` starts when numpy is not imported yet.
//!
//! A new process's first `feature.mfcc` / `melspectrogram` / `segments`
//! builds its plan (FFT plan, window, mel filterbank, DCT: ~0.3 ms each).
//! When numpy's import is still to come (tens of milliseconds on the main
//! thread, by the caller or in the first `genre.load`), `genre/__init__.py`
//! starts this thread to build the
//! default plans (`GENRE_NO_WARMUP=1` skips it), on another core than the
//! main thread's ([`placement`]). It never holds the GIL, touches no Python
//! object and only fills caches whose contents do not depend on who built
//! them, so results are the same with or without it.
//! `os.register_at_fork(before=...)` and `atexit` wait for it to finish, so a
//! `fork()` never copies it mid-way (holding a lock).
//!
//! Measured and left out (2 cores, fresh processes, interleaved runs):
//! - Starting the worker pool early and running a short decode + MFCC on it
//!   made the first `load` ~0.7 ms slower, not faster (50 runs). numpy's
//!   OpenBLAS starts a thread during `import numpy` that busy-waits on the
//!   other core for ~50-100 ms after the import, and workers started early
//!   were woken next to it. Only creating the pool at the end of the
//!   warm-up (no work on it) measured worse as well (40 runs at load ~5:
//!   import +12 ms, first load +1.4 ms). The pool is started by the first
//!   call.
//! - A new process's first `load` of a 30 s WAV zeroes ~7 fresh 2 MiB pages
//!   (mimalloc's arena is backed by transparent huge pages, and each new
//!   thread takes its first pages from a fresh part of it): with perf, half
//!   of that load's CPU time. Faulting in the allocator's first 20 MiB here
//!   (a block written once per page and freed, which mimalloc then hands
//!   to the workers; /proc/self/pagemap showed no fresh page in the first
//!   load, mfcc and second load) made the first load 0.8-0.9 ms faster, but
//!   the main thread then spent 12-43 ms longer *off-CPU* while runnable
//!   during `import genre` on a busy machine (load 5-7, 40 processes per
//!   variant; its CPU time unchanged, also at the lowest priority), and
//!   0.3-1.6 ms longer at load ~2. `madvise(MADV_POPULATE_WRITE)` of the
//!   arena's first 32 MiB instead held the memory-map lock numpy's import
//!   waits for (import +3 to +12 ms). Left out: the first load pays for its
//!   fresh pages.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use pyo3::prelude::*;

use crate::{features, placement, segments};

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

/// The warm-up itself, off `main_cpu` (the core `import genre` runs on):
/// the default plans (see the module comment for what was measured and
/// left out).
fn warm_up(main_cpu: Option<usize>) {
    if let Some(cpu) = main_cpu {
        placement::leave_cpu(cpu);
    }
    features::warm_default_plans();
    // Errors only mean less is warm; the first call reports them properly.
    drop(segments::extractor(None));
}
