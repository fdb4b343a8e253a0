//! The audio track of a symphonia-readable container: the one lookup that
//! [`decode`](super::decode) and [`info`](super::info) share.

use std::path::Path;

use symphonia::core::codecs::audio::{AudioCodecParameters, AudioDecoder, AudioDecoderOptions};
use symphonia::core::formats::{FormatReader, TrackType};

use super::decode::{probe, sym_error};
use super::source::Source;
use crate::{Error, Result};

/// A probed container and its default audio track.
pub(crate) struct Track<'s> {
    pub reader: Box<dyn FormatReader + 's>,
    /// Id of the track's packets.
    pub id: u32,
    pub params: AudioCodecParameters,
    /// Frames the container claims (untrusted).
    pub frames: Option<u64>,
    /// Whether the source was probed as seekable (see [`probe`]).
    pub seekable: bool,
}

impl<'s> Track<'s> {
    /// Probes `source` by content and finds its default audio track.
    pub fn open(source: Source<'s>, path: &Path) -> Result<Self> {
        let (reader, seekable) = probe(source)?;
        let track = reader
            .default_track(TrackType::Audio)
            .ok_or_else(|| unsupported(path, "no audio track"))?;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| unsupported(path, "the track has no audio codec parameters"))?
            .clone();
        let (id, frames) = (track.id, track.num_frames);
        Ok(Track {
            reader,
            id,
            params,
            frames,
            seekable,
        })
    }

    /// Sample rate the header states (0 when it does not).
    pub fn sample_rate(&self) -> u32 {
        self.params.sample_rate.unwrap_or(0)
    }

    /// Channel count the header states (0 when it does not).
    pub fn channels(&self) -> usize {
        self.params.channels.as_ref().map_or(0, |c| c.count())
    }
}

/// A fresh decoder for the codec of `params`.
pub(crate) fn make_decoder(
    params: &AudioCodecParameters,
    path: &Path,
) -> Result<Box<dyn AudioDecoder>> {
    symphonia::default::get_codecs()
        .make_audio_decoder(params, &AudioDecoderOptions::default())
        .map_err(|e| sym_error(path, e, "opening the codec"))
}

fn unsupported(path: &Path, reason: &str) -> Error {
    Error::UnsupportedFormat {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}
