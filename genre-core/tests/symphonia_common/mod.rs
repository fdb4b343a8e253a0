//! symphonia's decode of a whole stream: the reference genre's own decoders
//! (FLAC, MP3) are tested against.

#![allow(dead_code, clippy::unwrap_used)]

use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// What symphonia decodes from a stream.
pub struct Reference {
    /// Interleaved f32 samples.
    pub samples: Vec<f32>,
    pub channels: usize,
    pub rate: u32,
    /// Packets that failed to decode and were skipped (as genre's symphonia
    /// path skips them).
    pub skipped: usize,
}

/// symphonia's decode of `data`, read until the reader stops.
pub fn decode(data: &[u8]) -> Reference {
    let stream = MediaSourceStream::new(
        Box::new(std::io::Cursor::new(data.to_vec())),
        Default::default(),
    );
    let mut reader = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .unwrap();
    let track = reader.default_track(TrackType::Audio).unwrap();
    let id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .unwrap()
        .audio()
        .unwrap()
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .unwrap();
    let mut reference = Reference {
        samples: Vec::new(),
        channels: params.channels.as_ref().map_or(0, |c| c.count()),
        rate: params.sample_rate.unwrap_or(0),
        skipped: 0,
    };
    let mut block = Vec::new();
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(p)) if p.track_id == id => p,
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => break,
        };
        match decoder.decode(&packet) {
            Ok(buf) => {
                reference.channels = buf.spec().channels().count();
                reference.rate = buf.spec().rate();
                buf.copy_to_vec_interleaved(&mut block);
                reference.samples.extend_from_slice(&block);
            }
            Err(SymError::DecodeError(_)) | Err(SymError::IoError(_)) => reference.skipped += 1,
            Err(e) => panic!("{e}"),
        }
    }
    reference
}

/// The f32 channel mean, in channel order (what a mono load computes).
pub fn mean(interleaved: &[f32], channels: usize) -> Vec<f32> {
    interleaved
        .chunks_exact(channels)
        .map(|frame| match frame {
            [l, r] => (l + r) / 2.0,
            _ => frame[1..].iter().fold(frame[0], |a, s| a + s) / channels as f32,
        })
        .collect()
}
