//! Where genre's pool threads run: each on a core of its own when the pool
//! has exactly one thread per core the process may use (see
//! `runtime::build_pool`).
//!
//! Unpinned, on this 2-core VM, a sleeping worker woken by the other one
//! after >= 10 ms of idleness was placed on the waker's (busy) core in about
//! half of the calls and ran only when the waker finished (~2 ms later; a C
//! program with two pthreads showed the same), so a two-thread mfcc of 30 s
//! took 4.4-4.7 ms instead of 2.3. Pinned, the worker started within
//! 0.15 ms in every call.

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
