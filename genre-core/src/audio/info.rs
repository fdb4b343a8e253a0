//! Stream properties without decoding the audio (where the container says).

use std::io::Cursor;

use super::au;
use super::decode::{check_not_empty, decode, guarded, open, starts_with_au_magic};
use super::source::Source;
use super::track::Track;
use crate::Result;

/// What `genre info` prints: container, codec and size of the audio stream.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioInfo {
    /// Container, e.g. `wav`, `flac`, `ogg`, `au`.
    pub format: String,
    /// Codec, e.g. `pcm_s16le`, `vorbis`, `mp3`, `ulaw`.
    pub codec: String,
    /// Native sample rate in Hz.
    pub sample_rate: u32,
    /// Number of channels.
    pub channels: usize,
    /// Frames per channel (from the header when it states them, otherwise by
    /// decoding the stream). For MP4 (AAC, ALAC): the track's sample-table
    /// length minus the edit list's start (the encoder priming), i.e. the
    /// encoded audio without the trailing padding of the last packet, which
    /// [`load`](crate::audio::load) keeps as ffmpeg (and so librosa) does:
    /// an AAC load can be up to one packet (1,024 frames) longer.
    pub frames: u64,
    /// `frames / sample_rate`, in seconds. For MP4 this is what librosa's
    /// `get_duration(path=…)` reports (ffmpeg's printed duration, to 10 ms).
    pub duration: f64,
}

/// Reads the header of `source` and reports its stream properties. When the
/// header does not state the length (e.g. some MP3s), the stream is decoded
/// to count the frames (up to one hour).
///
/// ```
/// // A Sun .au header: 16-bit PCM, 8 kHz, mono, 4 bytes of data.
/// let mut au = b".snd".to_vec();
/// for v in [24u32, 4, 3, 8000, 1] { au.extend_from_slice(&v.to_be_bytes()); }
/// au.extend_from_slice(&[0, 1, 0, 2]);
/// let info = genre_core::audio::info(genre_core::audio::Source::bytes(&au, None))?;
/// assert_eq!((info.format.as_str(), info.codec.as_str()), ("au", "pcm_s16be"));
/// assert_eq!((info.sample_rate, info.channels, info.frames), (8000, 1, 2));
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn info(source: Source<'_>) -> Result<AudioInfo> {
    let path = source.name();
    let header = match source {
        Source::Bytes { data, .. } if data.starts_with(au::MAGIC) => {
            return au_info(&mut Cursor::new(data), source);
        }
        Source::Bytes { data, .. } => {
            check_not_empty(data.len() as u64, &path)?;
            symphonia_info(source)?
        }
        Source::Path(p) => {
            let mut file = open(p)?;
            if starts_with_au_magic(&mut file, p)? {
                return au_info(&mut std::io::BufReader::new(file), source);
            }
            drop(file);
            symphonia_info(source)?
        }
    };
    match header {
        Some(info) => Ok(info),
        None => {
            // The header does not say: count by decoding (bounded by max_duration).
            let partial = symphonia_partial(source)?;
            let decoded = decode(source)?;
            Ok(AudioInfo {
                sample_rate: decoded.sample_rate,
                channels: decoded.channels,
                frames: decoded.frames() as u64,
                duration: decoded.frames() as f64 / f64::from(decoded.sample_rate.max(1)),
                ..partial
            })
        }
    }
}

fn au_info(reader: &mut impl std::io::Read, source: Source<'_>) -> Result<AudioInfo> {
    let path = source.name();
    let header = au::Header::read(reader, &path)?;
    let frames = match header.claimed_frames() {
        Some(frames) => frames,
        None => decode(source)?.frames() as u64,
    };
    Ok(AudioInfo {
        format: "au".into(),
        codec: header.encoding.name().into(),
        sample_rate: header.sample_rate,
        channels: header.channels,
        frames,
        duration: frames as f64 / f64::from(header.sample_rate),
    })
}

/// Container and codec names of a symphonia stream, whatever the header states.
fn symphonia_partial(source: Source<'_>) -> Result<AudioInfo> {
    let mut info = describe(source)?;
    info.frames = 0;
    Ok(info)
}

/// `Some` when the header states rate, channels and length.
fn symphonia_info(source: Source<'_>) -> Result<Option<AudioInfo>> {
    let info = describe(source)?;
    Ok((info.sample_rate > 0 && info.channels > 0 && info.frames > 0).then_some(info))
}

fn describe(source: Source<'_>) -> Result<AudioInfo> {
    let path = source.name();
    guarded(&path, || describe_unguarded(source, &path))
}

fn describe_unguarded(source: Source<'_>, path: &std::path::Path) -> Result<AudioInfo> {
    let track = Track::open(source, path)?;
    let format = track.reader.format_info().short_name.to_string();
    let codec = symphonia::default::get_codecs()
        .get_audio_decoder(track.params.codec)
        .map_or_else(
            || format!("{:?}", track.params.codec),
            |d| d.codec.info.short_name.to_string(),
        );
    let sample_rate = track.sample_rate();
    let frames = track.frames_after_lead().unwrap_or(0);
    Ok(AudioInfo {
        format,
        codec,
        sample_rate,
        channels: track.channels(),
        frames,
        duration: frames as f64 / f64::from(sample_rate.max(1)),
    })
}
