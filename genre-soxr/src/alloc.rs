//! libsoxr's heap. `alloc.h` renames libsoxr's `malloc`, `calloc`, `realloc`
//! and `free` to the functions below, which use Rust's global allocator.
//!
//! Why: with the C library's malloc, a resampler created on a worker thread
//! gets its FIFOs from that thread's glibc arena, which is trimmed when they
//! are freed, so every load faulted ~120 fresh pages back in (~0.5 ms of a
//! 30 s clip's 4 ms in the Python package). Through the global allocator
//! (mimalloc in the Python package) the freed memory is reused.
//!
//! Each block carries its size in a 16-byte header (which also keeps
//! malloc's 16-byte alignment), since Rust's `dealloc` needs the layout.

use std::alloc::{Layout, alloc, alloc_zeroed, dealloc, realloc};
use std::ffi::c_void;
use std::ptr::null_mut;

/// Bytes in front of each block: its requested size, padded to the alignment.
const HEADER: usize = 16;

/// The layout of a block of `size` bytes plus the header.
fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

/// Writes `size` into the header at `base` and returns the user pointer
/// (null if `base` is null).
///
/// # Safety
/// `base` is null or the start of a live block of at least `HEADER` bytes,
/// aligned to `HEADER`.
unsafe fn finish(base: *mut u8, size: usize) -> *mut c_void {
    if base.is_null() {
        return null_mut();
    }
    // SAFETY: per the contract, the header fits in the block and is aligned.
    unsafe {
        base.cast::<usize>().write(size);
        base.add(HEADER).cast()
    }
}

/// The block start and layout of a pointer from these functions.
///
/// # Safety
/// `ptr` is non-null and was returned by one of these functions and not freed.
unsafe fn block(ptr: *mut c_void) -> Option<(*mut u8, Layout)> {
    // SAFETY: per the contract, `HEADER` bytes before `ptr` hold the size.
    let base = unsafe { ptr.cast::<u8>().sub(HEADER) };
    // SAFETY: as above; the header was written by `finish`.
    let size = unsafe { base.cast::<usize>().read() };
    Some((base, layout(size)?))
}

/// `malloc` for libsoxr.
#[unsafe(no_mangle)]
pub extern "C" fn genre_soxr_malloc(size: usize) -> *mut c_void {
    match layout(size) {
        // SAFETY: the layout is non-zero-sized (it includes the header);
        // `finish` gets null or a fresh block of that layout.
        Some(l) => unsafe { finish(alloc(l), size) },
        None => null_mut(),
    }
}

/// `calloc` for libsoxr.
#[unsafe(no_mangle)]
pub extern "C" fn genre_soxr_calloc(count: usize, size: usize) -> *mut c_void {
    match count.checked_mul(size).and_then(|n| Some((n, layout(n)?))) {
        // SAFETY: as in `genre_soxr_malloc`.
        Some((n, l)) => unsafe { finish(alloc_zeroed(l), n) },
        None => null_mut(),
    }
}

/// `realloc` for libsoxr: null `ptr` allocates; on failure the old block is
/// left as it was and null is returned, as C requires.
///
/// # Safety
/// `ptr` is null or a live pointer from these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn genre_soxr_realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    if ptr.is_null() {
        return genre_soxr_malloc(size);
    }
    let Some(new) = layout(size) else {
        return null_mut();
    };
    // SAFETY: `ptr` is a live pointer from these functions.
    let Some((base, old)) = (unsafe { block(ptr) }) else {
        return null_mut();
    };
    // SAFETY: `base` was allocated with `old` by the global allocator; the
    // new size is non-zero and the layout valid; `finish` gets null or the
    // resized block.
    unsafe { finish(realloc(base, old, new.size()), size) }
}

/// `free` for libsoxr (null is ignored).
///
/// # Safety
/// `ptr` is null or a live pointer from these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn genre_soxr_free(ptr: *mut c_void) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: `ptr` is a live pointer from these functions, so its block was
    // allocated by the global allocator with this layout.
    unsafe {
        if let Some((base, l)) = block(ptr) {
            dealloc(base, l);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_through_realloc_and_free() {
        let p = genre_soxr_calloc(10, 8).cast::<u8>();
        assert!(!p.is_null());
        assert_eq!(p as usize % HEADER, 0);
        // SAFETY: 80 zeroed bytes were allocated.
        let zeroed = unsafe { std::slice::from_raw_parts(p, 80) };
        assert!(zeroed.iter().all(|&b| b == 0));
        // SAFETY: in bounds of the 80-byte block.
        unsafe { p.add(79).write(7) };
        // SAFETY: `p` is live; grown, the first 80 bytes are kept.
        let q = unsafe { genre_soxr_realloc(p.cast(), 1 << 20) }.cast::<u8>();
        assert!(!q.is_null());
        // SAFETY: in bounds of the grown block.
        assert_eq!(unsafe { q.add(79).read() }, 7);
        // SAFETY: `q` is live and freed once; null is ignored.
        unsafe {
            genre_soxr_free(q.cast());
            genre_soxr_free(null_mut());
        }
        let r = genre_soxr_malloc(0);
        assert!(!r.is_null());
        // SAFETY: `r` is live and freed once.
        unsafe { genre_soxr_free(r) };
        assert!(genre_soxr_calloc(usize::MAX, 2).is_null());
        assert!(genre_soxr_malloc(usize::MAX).is_null());
    }
}
