//! The audio track of a symphonia-readable container: the one lookup that
//! [`decode`](super::decode) and [`info`](super::info) share.

use std::path::Path;

use symphonia::core::codecs::audio::{AudioCodecParameters, AudioDecoder, AudioDecoderOptions};
use symphonia::core::formats::well_known::FORMAT_ID_ISOMP4;
use symphonia::core::formats::{FormatReader, TrackType};

use super::decode::{probe, sym_error};
use super::mp4_edit;
use super::source::Source;
use crate::{Error, Result};

/// A probed container and its default audio track.
pub(crate) struct Track<'s> {
    pub reader: Box<dyn FormatReader + 's>,
    /// Id of the track's packets.
    pub id: u32,
    pub params: AudioCodecParameters,
    /// Frames the container claims (untrusted), of the decoded timeline
    /// (before [`lead`](Self::lead) is dropped).
    pub frames: Option<u64>,
    /// Frames to drop from the start of the decoded track: the start of an
    /// MP4 edit list (the AAC encoder priming), as ffmpeg drops them; 0 for
    /// every other container (see [`mp4_edit`]).
    pub lead: u64,
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
        let lead = match reader.format_info().format {
            FORMAT_ID_ISOMP4 => mp4_edit::lead_frames(source, id, params.sample_rate.unwrap_or(0)),
            _ => 0,
        };
        Ok(Track {
            reader,
            id,
            params,
            frames,
            lead,
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

    /// Frames the container claims once [`lead`](Self::lead) is dropped.
    pub fn frames_after_lead(&self) -> Option<u64> {
        self.frames.map(|f| f.saturating_sub(self.lead))
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
