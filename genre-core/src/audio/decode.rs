//! Decoding any supported container to interleaved f32 at the native rate.
//!
//! The format is found from the content: Sun `.au` and native FLAC (`fLaC`)
//! by their magic numbers and MP3 by its first frame headers (genre's own
//! decoders; see [`mp3`] for the MP3 streams it leaves to symphonia),
//! the rest by symphonia's
//! probe (WAV, AIFF, MP3, OGG Vorbis, FLAC in Ogg, CAF, MP4/M4A with AAC or
//! ALAC). Integer PCM is scaled like libsndfile (divided by 2^(bits-1));
//! float PCM is passed through. MP4 tracks start after their edit list's
//! start (the AAC encoder priming), as ffmpeg decodes them for librosa
//! (see `mp4_edit`).
//!
//! **Truncated files** decode like libsndfile reads them: every whole frame
//! present is returned, and [`Decoded::truncated`] says how many frames the
//! header promised and where decoding stopped. Packets that fail to decode
//! in the middle of a stream are skipped (as symphonia recommends); a stream
//! that yields nothing decodable is an [`Error::Decode`]. Native FLAC
//! follows libFLAC instead: a frame whose CRC-16 fails decodes as silence
//! (so the length stays the stream's), a malformed frame is skipped.

use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSource, MediaSourceStream, ReadOnlySource};
use symphonia::core::meta::MetadataOptions;

use super::au;
use super::flac;
use super::mp3;
use super::raw;
use super::signal::Truncation;
use super::source::Source;
use super::spare;
use super::split;
use super::stream::{End, Stream};
use super::track::Track;
use super::window::{FrameRange, Window};
use crate::{Error, Result};

/// Default `max_duration`: one hour.
pub const DEFAULT_MAX_DURATION: f64 = 3600.0;

/// Audio decoded at its native sample rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// Interleaved samples (`frame0 ch0, frame0 ch1, …`), f32 in [-1, 1] for
    /// integer formats.
    pub samples: Vec<f32>,
    /// Number of channels (of `samples`: 1 for a mono load).
    pub channels: usize,
    /// Native sample rate in Hz.
    pub sample_rate: u32,
    /// Set when the file ended before the length its header claims.
    pub truncated: Option<Truncation>,
}

impl Decoded {
    /// Number of frames (samples per channel).
    pub fn frames(&self) -> usize {
        self.samples.len() / self.channels.max(1)
    }
}

/// Decodes a whole file or buffer at its native rate (up to one hour; see
/// [`crate::audio::load`] for offset, duration, limits, mono and resampling).
///
/// ```
/// use genre_core::audio::{decode, Source};
///
/// // A 16-bit mono WAV with two samples: 16384 and -32768.
/// let mut wav = Vec::new();
/// wav.extend_from_slice(b"RIFF");
/// wav.extend_from_slice(&40u32.to_le_bytes());
/// wav.extend_from_slice(b"WAVEfmt ");
/// for v in [16u32] { wav.extend_from_slice(&v.to_le_bytes()); }
/// wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
/// wav.extend_from_slice(&1u16.to_le_bytes()); // mono
/// wav.extend_from_slice(&8000u32.to_le_bytes());
/// wav.extend_from_slice(&16000u32.to_le_bytes());
/// wav.extend_from_slice(&2u16.to_le_bytes());
/// wav.extend_from_slice(&16u16.to_le_bytes());
/// wav.extend_from_slice(b"data");
/// wav.extend_from_slice(&4u32.to_le_bytes());
/// wav.extend_from_slice(&16384i16.to_le_bytes());
/// wav.extend_from_slice(&(-32768i16).to_le_bytes());
///
/// let audio = decode(Source::bytes(&wav, Some("tiny.wav")))?;
/// assert_eq!((audio.sample_rate, audio.channels), (8000, 1));
/// assert_eq!(audio.samples, vec![0.5, -1.0]);
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn decode(source: Source<'_>) -> Result<Decoded> {
    decode_window(source, &Window::all(DEFAULT_MAX_DURATION))
}

/// Decodes the frames of `window` from `source`. When the window resamples
/// while decoding (a mono load to another rate), the samples come back at
/// that rate and `sample_rate` says so; otherwise at the native rate.
pub(crate) fn decode_window(source: Source<'_>, window: &Window) -> Result<Decoded> {
    let path = source.name();
    match source {
        Source::Bytes { data, .. } => {
            check_not_empty(data.len() as u64, &path)?;
            if data.starts_with(au::MAGIC) {
                au::decode(&mut Cursor::new(data), &path, window)
            } else if data.starts_with(flac::MAGIC) {
                flac::decode(data, &path, window)
            } else if let Some(decoded) = mp3::decode(data, &path, window)? {
                Ok(decoded)
            } else {
                guarded(&path, || decode_symphonia(source, &path, window))
            }
        }
        Source::Path(p) => {
            let mut file = open(p)?;
            let magic = read_magic(&mut file, p)?;
            if &magic == au::MAGIC {
                return au::decode(&mut std::io::BufReader::new(file), p, window);
            }
            let own = if &magic == flac::MAGIC {
                flac::decode_file(file, p, window)?
            } else if mp3::may_start(&magic) {
                mp3::decode_file(file, p, window)?
            } else {
                None
            };
            if let Some(decoded) = own {
                return Ok(decoded);
            }
            guarded(p, || decode_symphonia(source, p, window))
        }
    }
}

/// Runs symphonia code, turning a panic inside it into [`Error::Decode`].
///
/// Fuzzing found symphonia decoders that overflow integers on malformed
/// streams (a panic in builds with overflow checks); genre-core promises
/// errors, not panics, so calls into symphonia go through here.
pub(crate) fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::Decode {
            path: path.to_path_buf(),
            reason: "the decoder failed on malformed data".into(),
        })
    })
}

/// Opens a file for decoding: refuses directories and empty files with clear errors.
pub(crate) fn open(path: &Path) -> Result<File> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory, not an audio file",
        )));
    }
    check_not_empty(meta.len(), path)?;
    File::open(path).map_err(io)
}

pub(crate) fn check_not_empty(len: u64, path: &Path) -> Result<()> {
    if len == 0 {
        return Err(Error::EmptyAudio {
            path: path.to_path_buf(),
            detail: ": the file is empty (0 bytes)".into(),
        });
    }
    Ok(())
}

/// Whether the file starts with `.snd`; rewinds it either way.
pub(crate) fn starts_with_au_magic(file: &mut File, path: &Path) -> Result<bool> {
    Ok(&read_magic(file, path)? == au::MAGIC)
}

/// The first four bytes of the file (zeros past its end); rewinds it.
pub(crate) fn read_magic(file: &mut File, path: &Path) -> Result<[u8; 4]> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut magic = [0u8; 4];
    let mut filled = 0;
    while filled < magic.len() {
        match file.read(magic.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(magic)
}

/// Probes the content with symphonia. A truncated file whose header points
/// past its end (e.g. an AIFF cut inside its sound chunk) fails to probe as
/// a seekable file; it is then probed again as a plain stream, which reads
/// the header in order and stops at the data, as libsndfile does.
/// Returns the reader and whether it reads the source as seekable.
pub(crate) fn probe<'s>(source: Source<'s>) -> Result<(Box<dyn FormatReader + 's>, bool)> {
    let path = source.name();
    match probe_media(media(source, true)?, &path) {
        Err(Error::Decode { reason, .. }) if reason.starts_with(EOF_IN_HEADER) => {
            Ok((probe_media(media(source, false)?, &path)?, false))
        }
        other => Ok((other?, true)),
    }
}

const EOF_IN_HEADER: &str = "unexpected end of file";

fn media<'s>(source: Source<'s>, seekable: bool) -> Result<Box<dyn MediaSource + 's>> {
    Ok(match (source, seekable) {
        (Source::Bytes { data, .. }, true) => Box::new(Cursor::new(data)),
        (Source::Bytes { data, .. }, false) => Box::new(ReadOnlySource::new(Cursor::new(data))),
        (Source::Path(p), true) => Box::new(open(p)?),
        (Source::Path(p), false) => Box::new(ReadOnlySource::new(open(p)?)),
    })
}

fn probe_media<'s>(
    media: Box<dyn MediaSource + 's>,
    path: &Path,
) -> Result<Box<dyn FormatReader + 's>> {
    let stream = MediaSourceStream::new(media, Default::default());
    symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::Unsupported(what) => Error::UnsupportedFormat {
                path: path.to_path_buf(),
                reason: format!("not a recognised audio container ({what})"),
            },
            other => sym_error(path, other, "reading the header"),
        })
}

/// Maps a symphonia error to a genre error naming the file and the stage.
pub(crate) fn sym_error(path: &Path, e: SymError, stage: &str) -> Error {
    match e {
        SymError::Unsupported(what) => Error::UnsupportedFormat {
            path: path.to_path_buf(),
            reason: format!("{what} ({stage})"),
        },
        SymError::IoError(io) if io.kind() != std::io::ErrorKind::UnexpectedEof => Error::Io {
            path: path.to_path_buf(),
            source: io,
        },
        other => Error::Decode {
            path: path.to_path_buf(),
            reason: format!("{other} ({stage})"),
        },
    }
}

fn decode_symphonia(source: Source<'_>, path: &Path, window: &Window) -> Result<Decoded> {
    let mut track = Track::open(source, path)?;
    // Offset and duration count from the end of an MP4's lead.
    let window = &Window {
        lead: track.lead,
        ..*window
    };
    let claimed = track.frames;
    if track.params.sample_rate == Some(0) {
        return Err(Error::Decode {
            path: path.to_path_buf(),
            reason: "sample rate is 0".into(),
        });
    }
    if track.params.channels.is_some() && track.channels() == 0 {
        return Err(Error::Decode {
            path: path.to_path_buf(),
            reason: "zero channels".into(),
        });
    }
    let sample_rate = track.sample_rate();
    if let Some(total) = claimed.filter(|_| sample_rate > 0) {
        let range = FrameRange::new(window, sample_rate);
        let wanted = range.frames_wanted(total);
        if wanted > range.limit {
            return Err(Error::TooLong {
                path: path.to_path_buf(),
                seconds: wanted as f64 / f64::from(sample_rate),
                max_seconds: window.max_duration,
            });
        }
    }
    if let Some(layout) = raw::layout(&track) {
        if let Some(decoded) = raw::decode(track, layout, source, path, window)? {
            return Ok(decoded);
        }
        track = Track::open(source, path)?;
    }
    decode_packets(track, path, window)
}

/// Decodes `track` packet by packet with its symphonia decoder (on two
/// threads when that is worthwhile).
pub(crate) fn decode_packets(
    mut track: Track<'_>,
    path: &Path,
    window: &Window,
) -> Result<Decoded> {
    if let Some(priming) = split::worthwhile(&track, window) {
        return split::decode(track, window, path, priming);
    }
    let claimed = track.frames;
    let mut stream = Stream::new(spare::take(&track.params, path)?, window, claimed, path);
    let end = loop {
        if stream.is_full() {
            break End::Done;
        }
        match End::next(&mut *track.reader, track.id) {
            Ok(packet) => stream.feed(&packet)?,
            Err(end) => break end,
        }
    };
    spare::finish(stream, &track.params, end)
}
