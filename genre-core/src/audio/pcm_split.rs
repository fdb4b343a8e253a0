//! Long mono loads of integer PCM (WAV, AIFF) to another rate: each of the
//! two resampling threads of [`resample_split`] reads its own part of the
//! data chunk, converts and mixes it ([`pcm::convert`], the same
//! arithmetic as the one-pass collector) and resamples it, chunk by chunk —
//! no whole-file buffer at the native rate, and the conversion splits too.
//!
//! Taken only when nothing else can happen on the way: the data is all
//! there (a truncated file decodes in order, reporting the truncation), the
//! samples are integers (nothing to refuse as non-finite), and the load is
//! long enough to split; everything else streams as before.
//!
//! From a file, the second thread reads through its own handle of it
//! ([`Frames::detached`]), so the calling thread never waits for it.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::decode::Decoded;
use super::pcm::{self, Encoding, Layout};
use super::resample_split::{self, Frames, Scratch, SplitKnobs};
use super::window::{FrameRange, Window, too_long};
use crate::{Error, Result};

/// Where the data chunk is.
#[derive(Clone, Copy)]
pub(crate) enum Data<'a> {
    /// The whole file in memory.
    Bytes(&'a [u8]),
    /// An open file, read at offsets by each thread.
    File(&'a File),
}

impl Data<'_> {
    /// The file's length in bytes.
    fn len(&self) -> Option<u64> {
        match self {
            Data::Bytes(b) => u64::try_from(b.len()).ok(),
            Data::File(f) if cfg!(any(unix, windows)) => f.metadata().ok().map(|m| m.len()),
            Data::File(_) => None,
        }
    }
}

/// Whole frames of the data chunk, converted to the f32 channel mean.
struct PcmFrames<'a> {
    data: Data<'a>,
    /// Byte offset of the first frame to resample.
    first: u64,
    frames: usize,
    layout: Layout,
    path: &'a Path,
}

impl Frames for PcmFrames<'_> {
    fn len(&self) -> usize {
        self.frames
    }

    fn get<'s>(&'s self, range: Range<usize>, scratch: &'s mut Scratch) -> Result<&'s [f32]> {
        read(
            self.data,
            self.first,
            self.layout,
            self.path,
            range,
            scratch,
        )
    }

    fn detached(&self) -> Option<Arc<dyn Frames + Send>> {
        let Data::File(file) = self.data else {
            return None;
        };
        let owned = OwnedFile {
            file: file.try_clone().ok()?,
            first: self.first,
            frames: self.frames,
            layout: self.layout,
            path: self.path.to_path_buf(),
        };
        Some(Arc::new(owned))
    }
}

/// [`PcmFrames`] of a file through a handle of its own.
struct OwnedFile {
    file: File,
    first: u64,
    frames: usize,
    layout: Layout,
    path: PathBuf,
}

impl Frames for OwnedFile {
    fn len(&self) -> usize {
        self.frames
    }

    fn get<'s>(&'s self, range: Range<usize>, scratch: &'s mut Scratch) -> Result<&'s [f32]> {
        let data = Data::File(&self.file);
        read(data, self.first, self.layout, &self.path, range, scratch)
    }
}

/// Frames `range` of the data chunk whose frame 0 is at byte `first`,
/// converted to the f32 channel mean in `scratch`.
fn read<'s>(
    data: Data<'_>,
    first: u64,
    layout: Layout,
    path: &Path,
    range: Range<usize>,
    scratch: &'s mut Scratch,
) -> Result<&'s [f32]> {
    let frame_bytes = layout.frame_bytes();
    let from = first + (range.start * frame_bytes) as u64;
    let len = range.len() * frame_bytes;
    let Scratch { bytes, samples } = scratch;
    let bytes: &[u8] = match data {
        Data::Bytes(data) => usize::try_from(from)
            .ok()
            .and_then(|from| data.get(from..from.checked_add(len)?))
            .unwrap_or_default(),
        Data::File(file) => {
            bytes.resize(len, 0);
            read_exact_at(file, bytes, from).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            bytes
        }
    };
    samples.clear();
    let channels = layout.channels;
    pcm::convert(layout.encoding, bytes, channels, channels > 1, samples);
    Ok(samples)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Decodes and resamples the window of the `claimed` frames of the data
/// chunk at byte `start` on two threads; `None` when this load is not one
/// for it (decode it in order then).
pub(crate) fn decode(
    data: Data<'_>,
    start: u64,
    claimed: Option<u64>,
    layout: Layout,
    window: &Window,
    path: &Path,
) -> Result<Option<Decoded>> {
    let Some(to) = window.resample_to else {
        return Ok(None);
    };
    let integer = !matches!(layout.encoding, Encoding::F32(_) | Encoding::F64(_));
    let Some(total) = claimed else {
        return Ok(None);
    };
    if to == layout.sample_rate || !(window.mono || layout.channels == 1) || !integer {
        return Ok(None);
    }
    let frame_bytes = layout.frame_bytes() as u64;
    let complete = data
        .len()
        .and_then(|len| len.checked_sub(start))
        .is_some_and(|available| available / frame_bytes >= total);
    let range = FrameRange::new(window, layout.sample_rate);
    let wanted = range.frames_wanted(total);
    if wanted > range.limit {
        return Err(too_long(
            path,
            wanted,
            layout.sample_rate,
            window.max_duration,
        ));
    }
    let Ok(frames) = usize::try_from(wanted) else {
        return Ok(None);
    };
    if !complete || !resample_split::worthwhile(frames) {
        return Ok(None);
    }
    let input = PcmFrames {
        data,
        first: start + range.start * frame_bytes,
        frames,
        layout,
        path,
    };
    let (samples, _) =
        resample_split::resample_frames(&input, layout.sample_rate, to, &SplitKnobs::default())?;
    Ok(Some(Decoded {
        samples,
        channels: 1,
        sample_rate: to,
        truncated: None,
    }))
}
