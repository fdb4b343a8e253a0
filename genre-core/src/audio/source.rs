//! Where audio comes from: a file path or bytes already in memory.

use std::path::{Path, PathBuf};

/// The name used in errors for bytes given without a name.
pub const BYTES_NAME: &str = "<bytes>";

/// Audio input: a path on disk, or an in-memory buffer (e.g. an HTTP upload).
///
/// The format is always detected from the content, never from the file
/// extension or the name.
///
/// ```
/// use genre_core::audio::Source;
///
/// let from_disk = Source::from("song.wav");
/// assert_eq!(from_disk.name().to_str(), Some("song.wav"));
///
/// let upload: &[u8] = b"RIFF....";
/// let in_memory = Source::bytes(upload, Some("upload.wav"));
/// assert_eq!(in_memory.name().to_str(), Some("upload.wav"));
/// assert_eq!(Source::bytes(upload, None).name().to_str(), Some("<bytes>"));
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// A file on disk.
    Path(&'a Path),
    /// Encoded bytes in memory, with a name used in error messages.
    Bytes {
        /// The encoded file content.
        data: &'a [u8],
        /// A name for messages: the caller's file name or [`BYTES_NAME`].
        name: &'a str,
    },
}

impl<'a> Source<'a> {
    /// In-memory bytes; `name` (e.g. the uploaded file's name) appears in errors.
    pub fn bytes(data: &'a [u8], name: Option<&'a str>) -> Self {
        Source::Bytes {
            data,
            name: name.unwrap_or(BYTES_NAME),
        }
    }

    /// The path, or the name given to the bytes, for error messages.
    pub fn name(&self) -> PathBuf {
        match self {
            Source::Path(path) => path.to_path_buf(),
            Source::Bytes { name, .. } => PathBuf::from(name),
        }
    }
}

impl<'a> From<&'a Path> for Source<'a> {
    fn from(path: &'a Path) -> Self {
        Source::Path(path)
    }
}

impl<'a> From<&'a PathBuf> for Source<'a> {
    fn from(path: &'a PathBuf) -> Self {
        Source::Path(path.as_path())
    }
}

impl<'a> From<&'a str> for Source<'a> {
    /// A string is a path (use [`Source::bytes`] for content).
    fn from(path: &'a str) -> Self {
        Source::Path(Path::new(path))
    }
}

impl<'a> From<&'a [u8]> for Source<'a> {
    fn from(data: &'a [u8]) -> Self {
        Source::bytes(data, None)
    }
}
