//! Faulting in the allocator's first memory before the first call needs it.
//!
//! mimalloc asks Linux to back its arena with transparent huge pages, and
//! the kernel zeroes each 2 MiB page when it is first touched. A new
//! process's first `genre.load` of a 30 s WAV touched seven fresh huge pages
//! on the worker threads (every new thread takes its first small, medium
//! and large pages from a fresh part of the arena, and the output needs
//! some more); their zeroing was half of that load's CPU time (perf, fresh
//! processes). [`fault_in_first_memory`], called from the warm-up thread
//! while `import genre` imports numpy, allocates [`FIRST_MEMORY`], writes
//! one byte per page and frees it: mimalloc keeps the freed memory mapped
//! (it returns it to the kernel only after its purge delay) and hands it to
//! the next allocations, so the first load, mfcc and a second load touch no
//! fresh page. Nothing else changes: the block is the warm-up's own, and
//! allocations get the same zeroed-or-overwritten memory as before.
//!
//! Measured and left out: `madvise(MADV_POPULATE_WRITE)` over the arena's
//! first 32 MiB did the same for the first load, but it holds the process's
//! memory-map lock while the kernel zeroes, and numpy's import (which maps
//! libraries and Python's object arenas) waited for it: `import genre` took
//! 3-12 ms longer (fresh processes, 2 cores). Page faults from writes take
//! only the one mapping's lock.

/// Bytes faulted in: with the pages the import itself touches, what a new
/// process's first `load` + `mfcc` of a 30 s file then allocates fits
/// (measured with /proc/self/pagemap: no page of the arena's first 32 MiB
/// was fresh after them).
const FIRST_MEMORY: usize = 20 << 20;

/// Bytes per page written to (the smallest page size; with huge pages most
/// writes hit a page already faulted in).
const PAGE: usize = 4096;

/// Faults in [`FIRST_MEMORY`] of the allocator's memory where the kernel
/// backs it with huge pages (elsewhere faulting in pages one by one would
/// cost more than the first calls save); returns whether it did.
pub(crate) fn fault_in_first_memory() -> bool {
    if !huge_pages_available() {
        return false;
    }
    // Zeroed: fresh memory from mimalloc is handed out without writing it.
    let mut block = vec![0u8; FIRST_MEMORY];
    for byte in block.iter_mut().step_by(PAGE) {
        *byte = 1;
    }
    drop(std::hint::black_box(block));
    true
}

/// Whether mimalloc's arena gets transparent huge pages: Linux with THP
/// not switched off, and mimalloc not told to avoid them.
fn huge_pages_available() -> bool {
    if !cfg!(target_os = "linux")
        || std::env::var_os("MIMALLOC_ALLOW_THP").is_some_and(|v| v == "0")
    {
        return false;
    }
    std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .is_ok_and(|mode| !mode.contains("[never]"))
}
