//! Where genre's threads run: the warm-up thread off the main thread's
//! core, and one pool thread per core.
//!
//! Linux starts a new thread on its creator's core and moves it to an idle
//! one only when the load balancer next runs, milliseconds later. In fresh
//! processes (2 cores, perf sched) the warm-up thread preempted the main
//! thread in the middle of numpy's import in 4 of 10 runs while the other
//! core stood idle; a warm-up made to spin for 5 ms slowed `import genre`
//! by ~5 ms (70.9 vs 65.4 ms median of 30 interleaved processes), and by
//! nothing once it left the main thread's core; with the plans-only
//! warm-up, the main thread's off-CPU time during `import genre` went from
//! 3.0 to 0.3 ms (median of 40 processes at load ~5). So the warm-up thread
//! leaves the core the main thread was on when it started it, if it may run
//! on another one. Only the warm-up thread's own affinity changes, and it
//! ends with the warm-up; the pool's threads are not started by it.
//!
//! The pool's threads are each kept on a core of their own when the pool
//! has exactly one thread per core the process may use (see
//! `runtime::build_pool`). Unpinned, on this 2-core VM, a sleeping worker
//! woken by the other one after ≥ 10 ms of idleness was placed on the
//! waker's (busy) core in about half of the calls and ran only when the
//! waker finished (~2 ms later; a C program with two pthreads showed the
//! same), so a two-thread mfcc of 30 s took 4.4-4.7 ms instead of 2.3.
//! Pinned, the worker started within 0.15 ms in every call.

/// The core the calling thread runs on, if the OS says.
#[cfg(target_os = "linux")]
pub(crate) fn current_cpu() -> Option<usize> {
    // SAFETY: `sched_getcpu` takes no arguments and only returns a number
    // (-1 on error).
    #[allow(unsafe_code)]
    let cpu = unsafe { libc::sched_getcpu() };
    usize::try_from(cpu).ok()
}

/// Elsewhere: unknown.
#[cfg(not(target_os = "linux"))]
pub(crate) fn current_cpu() -> Option<usize> {
    None
}

/// Moves the calling thread off `cpu` when it may run elsewhere; whether
/// it did.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(crate) fn leave_cpu(cpu: usize) -> bool {
    let size = std::mem::size_of::<libc::cpu_set_t>();
    if cpu >= 8 * size {
        return false;
    }
    // SAFETY: `cpu_set_t` is a plain bit array, valid when zeroed.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid, writable `cpu_set_t` of `size` bytes; pid
    // 0 is the calling thread. The CPU_* helpers read and write bit `cpu`
    // of `set`, which is within it (checked above).
    unsafe {
        if libc::sched_getaffinity(0, size, &mut set) != 0 || !libc::CPU_ISSET(cpu, &set) {
            return false;
        }
        libc::CPU_CLR(cpu, &mut set);
        libc::CPU_COUNT(&set) > 0 && libc::sched_setaffinity(0, size, &set) == 0
    }
}

/// Elsewhere: stays.
#[cfg(not(target_os = "linux"))]
pub(crate) fn leave_cpu(_: usize) -> bool {
    false
}

/// The cores the calling thread may run on, in order (empty if unknown).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(crate) fn allowed_cpus() -> Vec<usize> {
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `cpu_set_t` is a plain bit array, valid when zeroed.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid, writable `cpu_set_t` of `size` bytes; pid 0
    // is the calling thread; CPU_ISSET reads bits below `8 * size` only.
    unsafe {
        if libc::sched_getaffinity(0, size, &mut set) != 0 {
            return Vec::new();
        }
        (0..8 * size)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect()
    }
}

/// Elsewhere: unknown.
#[cfg(not(target_os = "linux"))]
pub(crate) fn allowed_cpus() -> Vec<usize> {
    Vec::new()
}

/// Keeps the calling thread on `cpu`; whether it could.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(crate) fn pin_to(cpu: usize) -> bool {
    let size = std::mem::size_of::<libc::cpu_set_t>();
    if cpu >= 8 * size {
        return false;
    }
    // SAFETY: `cpu_set_t` is a plain bit array, valid when zeroed.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid, writable `cpu_set_t` of `size` bytes and
    // `cpu` is within it (checked above); pid 0 is the calling thread.
    unsafe {
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, size, &set) == 0
    }
}

/// Elsewhere: stays unpinned.
#[cfg(not(target_os = "linux"))]
pub(crate) fn pin_to(_: usize) -> bool {
    false
}
