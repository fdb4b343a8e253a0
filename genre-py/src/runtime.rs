//! Running genre-core's work off the GIL, on a fork-safe rayon pool.
//!
//! rayon's global pool does not survive `fork()`: a child inherits the pool's
//! bookkeeping but not its threads, so the first parallel call would wait
//! forever. The bindings therefore never use the global pool. They use a
//! pool owned by this module that remembers the process id it was built in;
//! a forked child (different pid) builds a fresh one. `n_jobs` different
//! from the shared pool's size gets a pool for that call only.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::config_error;
use crate::placement;

/// The shared pool and the process it belongs to.
static POOL: Mutex<Option<(u32, Arc<rayon::ThreadPool>)>> = Mutex::new(None);

/// Builds a pool of `threads` threads (0 = rayon's default: one per core,
/// or `RAYON_NUM_THREADS`). When it has exactly one thread per core the
/// process may use, thread `i` stays on the `i`-th of those cores
/// ([`placement`] says why); `GENRE_PIN_THREADS=0` turns that off. A pool of
/// another size (e.g. a CPU quota smaller than the cores: other processes
/// would pin to the same ones) is left to the scheduler.
fn build_pool(threads: usize) -> PyResult<rayon::ThreadPool> {
    let cpus = if pinning_enabled() {
        placement::allowed_cpus()
    } else {
        Vec::new()
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("genre-{i}"))
        .start_handler(move |i| {
            if cpus.len() == rayon::current_num_threads()
                && let Some(&cpu) = cpus.get(i)
            {
                placement::pin_to(cpu);
            }
        })
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start worker threads: {e}")))
}

/// Whether pool threads may be pinned (`GENRE_PIN_THREADS` unset or not `0`).
fn pinning_enabled() -> bool {
    std::env::var_os("GENRE_PIN_THREADS").is_none_or(|v| v != "0")
}

/// The process-wide pool (all cores), rebuilt after a `fork`.
fn shared_pool() -> PyResult<Arc<rayon::ThreadPool>> {
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, pool)) = slot.as_ref()
        && *owner == pid
    {
        return Ok(Arc::clone(pool));
    }
    let pool = Arc::new(build_pool(0)?);
    if let Some((_, stale)) = slot.replace((pid, Arc::clone(&pool))) {
        // Inherited from the parent: its threads do not exist here, so
        // dropping it could wait on them. Leak it instead (once per fork).
        std::mem::forget(stale);
    }
    Ok(pool)
}

/// The pool for `n_jobs` (joblib's convention: `None` or `-1` = all cores,
/// `-2` = all but one, a positive number = that many threads).
pub(crate) fn pool(n_jobs: Option<i64>) -> PyResult<Arc<rayon::ThreadPool>> {
    let threads = match n_jobs {
        None | Some(-1) => return shared_pool(),
        Some(n) if n > 0 => usize::try_from(n).unwrap_or(usize::MAX).min(4096),
        Some(n) if n < -1 => {
            // Asked only here: it reads the cgroup's CPU quota (~30 µs).
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            let back = usize::try_from(n.unsigned_abs() - 1).unwrap_or(usize::MAX);
            cores.saturating_sub(back).max(1)
        }
        Some(n) => {
            return Err(config_error(
                "n_jobs",
                &format!("{n} is not a number of jobs (use None, -1 or a positive integer)"),
            ));
        }
    };
    let shared = shared_pool()?;
    if shared.current_num_threads() == threads {
        return Ok(shared);
    }
    Ok(Arc::new(build_pool(threads)?))
}

/// Runs `work` with the GIL released on the shared pool. Every call whose
/// genre-core work may use rayon (two-thread decoding inside `audio::load`,
/// parallel segment windows) goes through here, so rayon's global pool is
/// never started and a forked child cannot block on its missing threads.
pub(crate) fn detach<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    detach_on(py, None, work)
}

/// Runs `work` with the GIL released on the pool for `n_jobs`.
pub(crate) fn detach_on<T, F>(py: Python<'_>, n_jobs: Option<i64>, work: F) -> PyResult<T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    let pool = pool(n_jobs)?;
    Ok(py.detach(|| pool.install(work)))
}

/// [`detach`] that imports the Python module `module` on the calling
/// thread while the pool runs `work`: a new process's first `genre.load`
/// decodes its file during numpy's import (tens of milliseconds) instead
/// of after it. The import holds the GIL only while it runs Python code;
/// waiting for `work` does not. An import error is returned after `work`
/// has finished (its result is then dropped).
pub(crate) fn detach_importing<T, F>(py: Python<'_>, module: &str, work: F) -> PyResult<T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    let pool = shared_pool()?;
    let mut out = None;
    py.detach(|| {
        pool.in_place_scope(|scope| {
            scope.spawn(|_| out = Some(work()));
            Python::attach(|py| py.import(module).map(drop))
        })
    })?;
    out.ok_or_else(|| PyRuntimeError::new_err("a worker thread returned no result"))
}

/// [`detach`] for work expected to take tens of microseconds (a short
/// file's load): the caller waits for it by yielding its core for up to
/// [`SPIN`] before it blocks. A blocked caller's (virtual) CPU goes idle,
/// and waking it again costs more than such a job; longer work is better
/// served by [`detach`], whose caller leaves its core to the workers.
pub(crate) fn detach_short<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    let pool = shared_pool()?;
    py.detach(|| spin_hand_off(&pool, work))
        .ok_or_else(|| PyRuntimeError::new_err("a worker thread returned no result"))
}

/// How long [`detach_short`]'s caller yields before it blocks.
const SPIN: Duration = Duration::from_micros(100);

/// `pool.install(work)` from outside the pool, yielding for up to [`SPIN`]
/// before blocking. A panic in `work` propagates as with `install` (`None`
/// cannot otherwise happen).
fn spin_hand_off<T, F>(pool: &rayon::ThreadPool, work: F) -> Option<T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    let done = AtomicBool::new(false);
    let mut out = None;
    pool.in_place_scope(|scope| {
        scope.spawn(|_| {
            out = Some(work());
            done.store(true, Ordering::Release);
        });
        let start = Instant::now();
        while !done.load(Ordering::Acquire) && start.elapsed() < SPIN {
            std::thread::yield_now();
        }
    });
    out
}
