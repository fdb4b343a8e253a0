//! Vorbis decoders kept for the next track with the same headers.
//!
//! Making a Vorbis decoder builds every codebook of the stream's setup
//! header: ~0.8 ms, as long as decoding 1.3 s of audio (and paid by both
//! threads of a split decode). Files encoded with the same encoder settings share
//! their identification and setup headers (a data set converted in one go
//! usually does), so a decoder that finished a track cleanly is kept, and
//! the next track with byte-identical headers gets it back *reset*: the
//! decoder then holds nothing of its last stream (its only state across
//! packets is the overlap buffer and the previous block size, which
//! `reset` clears), and decodes bit for bit like a new one
//! (`reused_decoders_decode_like_new_ones`).

use std::path::Path;
use std::sync::Mutex;

use symphonia::core::codecs::audio::well_known::CODEC_ID_VORBIS;
use symphonia::core::codecs::audio::{AudioCodecParameters, AudioDecoder};

use super::decode::Decoded;
use super::stream::{End, Stream};
use super::track::make_decoder;
use crate::Result;

/// Most decoders kept (two per split decode; a few hundred kB each).
const MAX_SPARE: usize = 4;

struct Spare {
    headers: Box<[u8]>,
    decoder: Box<dyn AudioDecoder>,
}

static SPARE: Mutex<Vec<Spare>> = Mutex::new(Vec::new());

/// The headers that decide a decoder's tables, for codecs whose decoders
/// are worth keeping.
fn headers(params: &AudioCodecParameters) -> Option<&[u8]> {
    match params.codec {
        CODEC_ID_VORBIS => params.extra_data.as_deref(),
        _ => None,
    }
}

/// A decoder for `params`: a kept one with the same headers (reset), or a
/// new one.
pub(crate) fn take(params: &AudioCodecParameters, path: &Path) -> Result<Box<dyn AudioDecoder>> {
    let kept = headers(params).and_then(|headers| {
        let mut spare = SPARE.lock().ok()?;
        let i = spare.iter().position(|s| *s.headers == *headers)?;
        Some(spare.remove(i).decoder)
    });
    match kept {
        Some(mut decoder) => {
            decoder.reset();
            Ok(decoder)
        }
        None => make_decoder(params, path),
    }
}

/// Keeps `decoder`, made for `params`, for the next track with the same
/// headers. Only for a decoder that decoded every packet it was given
/// without an error or a panic.
pub(crate) fn keep(params: &AudioCodecParameters, decoder: Box<dyn AudioDecoder>) {
    let Some(headers) = headers(params) else {
        return;
    };
    if let Ok(mut spare) = SPARE.lock() {
        if spare.len() >= MAX_SPARE {
            spare.remove(0);
        }
        spare.push(Spare {
            headers: headers.into(),
            decoder,
        });
    }
}

/// [`Stream::finish`], keeping the decoder (made for `params`) when it
/// decoded every packet without an error.
pub(crate) fn finish(
    stream: Stream<'_>,
    params: &AudioCodecParameters,
    end: End,
) -> Result<Decoded> {
    let clean = stream.skipped == 0;
    let (decoder, decoded) = stream.finish_keeping_decoder(end);
    if clean && decoded.is_ok() {
        keep(params, decoder);
    }
    decoded
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::PathBuf;

    use symphonia::core::packet::Packet;

    use super::*;
    use crate::audio::source::Source;
    use crate::audio::stream::read_packets;

    fn packets(path: &Path) -> (AudioCodecParameters, Vec<Packet>) {
        read_packets(Source::Path(path)).unwrap()
    }

    /// Every sample bit and frame count of `packets` decoded by `decoder`.
    fn decode_all(decoder: &mut dyn AudioDecoder, packets: &[Packet]) -> Vec<u32> {
        let mut out = Vec::new();
        let mut scratch: Vec<f32> = Vec::new();
        for packet in packets {
            let Ok(buffer) = decoder.decode(packet) else {
                out.push(u32::MAX);
                continue;
            };
            out.push(buffer.frames() as u32);
            buffer.copy_to_vec_interleaved(&mut scratch);
            out.extend(scratch.iter().map(|s| s.to_bits()));
        }
        out
    }

    /// A decoder that decoded a track (wholly, or stopped half way, or
    /// primed from the middle) decodes the next one like a new decoder.
    #[test]
    fn reused_decoders_decode_like_new_ones() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let files = [
            root.join("examples/traveling_minstrels_20s.ogg"),
            root.join("tests/fixtures/audio/ogg_vorbis_44100_stereo.ogg"),
            root.join("tests/fixtures/audio/ogg_vorbis_22050_mono.ogg"),
        ];
        let tracks: Vec<_> = files.iter().map(|path| packets(path)).collect();
        for (path, (params, packets)) in files.iter().zip(&tracks) {
            assert!(headers(params).is_some(), "{}", path.display());
            let path = path.as_path();
            let expected = decode_all(&mut *make_decoder(params, path).unwrap(), packets);
            let n = packets.len();
            for before in [&packets[..], &packets[..n / 2], &packets[n / 2..n / 2 + 3]] {
                let mut used = make_decoder(params, path).unwrap();
                decode_all(&mut *used, before);
                used.reset();
                assert!(decode_all(&mut *used, packets) == expected);
                decode_all(&mut *used, before);
                keep(params, used);
                // A kept one, reset (or a new one, when another test took
                // it first).
                let mut reused = take(params, path).unwrap();
                assert!(decode_all(&mut *reused, packets) == expected);
            }
            // Decoders kept for other headers are not handed out for these.
            for (other, _) in tracks.iter().filter(|(p, _)| headers(p) != headers(params)) {
                keep(other, make_decoder(other, path).unwrap());
            }
            let mut new = take(params, path).unwrap();
            assert!(
                decode_all(&mut *new, packets) == expected,
                "{}",
                path.display()
            );
        }
    }

    #[test]
    fn only_vorbis_decoders_are_kept() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let path = root.join("tests/fixtures/audio/mp3_44100_stereo.mp3");
        let (params, _) = packets(&path);
        assert!(headers(&params).is_none());
    }
}
