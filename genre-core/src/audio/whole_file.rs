//! Reading a whole file into memory for the decoders that work on a byte
//! slice (FLAC, MP3), into a buffer each thread keeps between loads.

use std::io::Read;
use std::path::Path;

use crate::{Error, Result};

/// Largest file read into memory to decode (a 1 h CD-quality stereo FLAC
/// is ~300 MB); larger files stream through symphonia instead.
const MAX_IN_MEMORY: u64 = 1 << 30;

/// Largest read buffer a thread keeps between loads.
const MAX_KEPT_BUFFER: usize = 16 << 20;

thread_local! {
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on the bytes of `file`; `None` when the file is too large to
/// hold in memory.
pub(crate) fn with_bytes<T>(
    file: std::fs::File,
    path: &Path,
    f: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<Option<T>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_IN_MEMORY {
        return Ok(None);
    }
    // A buffer kept per thread: reading into pages already mapped skips
    // the page faults of a fresh multi-megabyte allocation (~1 ms of a
    // 30 s file's load).
    let mut data = READ_BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    data.clear();
    data.reserve(len as usize);
    file.take(MAX_IN_MEMORY)
        .read_to_end(&mut data)
        .map_err(io)?;
    let result = f(&data).map(Some);
    if data.capacity() <= MAX_KEPT_BUFFER {
        READ_BUFFER.with(|b| *b.borrow_mut() = data);
    }
    result
}
