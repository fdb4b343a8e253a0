//! WAV and AIFF fast path: symphonia reads the header (so exactly the files
//! it accepts are accepted, with the same rate, channels and length), then
//! the PCM frames are read straight from the file bytes and converted (and
//! mixed, for mono loads) in one pass by [`pcm`](super::pcm) — no packets,
//! no planar buffers, no interleaving copy.
//!
//! The samples are bit for bit those of symphonia's PCM decoder (same
//! scaling, same frames: a data chunk cut short by the end of the file
//! yields every whole frame present, as libsndfile reads it);
//! `fast_path_matches_symphonia` checks every layout it takes.
//!
//! Taken only when the layout is plain: a WAV or AIFF read as seekable,
//! integer (8/16/24/32-bit, no shifted "valid bits") or float (32/64-bit)
//! samples, and for WAV a `data` chunk of known length. Anything else
//! (A-law/μ-law, ADPCM, streamed WAVs of unknown length, …) goes through
//! symphonia as before.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use symphonia::core::codecs::audio::well_known::{
    CODEC_ID_PCM_F32BE, CODEC_ID_PCM_F32LE, CODEC_ID_PCM_F64BE, CODEC_ID_PCM_F64LE,
    CODEC_ID_PCM_S8, CODEC_ID_PCM_S16BE, CODEC_ID_PCM_S16LE, CODEC_ID_PCM_S24BE,
    CODEC_ID_PCM_S24LE, CODEC_ID_PCM_S32BE, CODEC_ID_PCM_S32LE, CODEC_ID_PCM_U8,
};
use symphonia::core::formats::well_known::{FORMAT_ID_AIFF, FORMAT_ID_WAVE};
use symphonia::core::io::ReadBytes;

use super::decode::{Decoded, open};
use super::pcm::{self, Encoding, Layout};
use super::pcm_split::{self, Data};
use super::source::Source;
use super::track::Track;
use super::window::Window;
use crate::{Error, Result};

/// The PCM layout of `track` when the fast path can read it.
pub(crate) fn layout(track: &Track<'_>) -> Option<Layout> {
    let format = track.reader.format_info().format;
    if !(format == FORMAT_ID_WAVE || format == FORMAT_ID_AIFF) || !track.seekable {
        return None;
    }
    let params = &track.params;
    // symphonia shifts samples up when fewer bits are coded than decoded.
    if params.bits_per_coded_sample != params.bits_per_sample {
        return None;
    }
    let encoding = match params.codec {
        CODEC_ID_PCM_U8 => Encoding::U8,
        CODEC_ID_PCM_S8 => Encoding::S8,
        CODEC_ID_PCM_S16LE => Encoding::S16(false),
        CODEC_ID_PCM_S16BE => Encoding::S16(true),
        CODEC_ID_PCM_S24LE => Encoding::S24(false),
        CODEC_ID_PCM_S24BE => Encoding::S24(true),
        CODEC_ID_PCM_S32LE => Encoding::S32(false),
        CODEC_ID_PCM_S32BE => Encoding::S32(true),
        CODEC_ID_PCM_F32LE => Encoding::F32(false),
        CODEC_ID_PCM_F32BE => Encoding::F32(true),
        CODEC_ID_PCM_F64LE => Encoding::F64(false),
        CODEC_ID_PCM_F64BE => Encoding::F64(true),
        _ => return None,
    };
    let (channels, sample_rate) = (track.channels(), track.sample_rate());
    (channels > 0 && sample_rate > 0).then_some(Layout {
        encoding,
        channels,
        sample_rate,
    })
}

/// Decodes the frames of `window` from the data chunk of `track`; `None`
/// when the WAV's data chunk turns out not to be plain (decode it with
/// symphonia then).
pub(crate) fn decode(
    track: Track<'_>,
    layout: Layout,
    source: Source<'_>,
    path: &Path,
    window: &Window,
) -> Result<Option<Decoded>> {
    let is_wave = track.reader.format_info().format == FORMAT_ID_WAVE;
    let claimed = track.frames;
    // symphonia's reader stops right at the first data byte.
    let start = track.reader.into_inner().pos();
    match source {
        Source::Bytes { data, .. } => {
            let mut cursor = Cursor::new(data);
            let Some(claimed) = data_frames(&mut cursor, start, is_wave, claimed, layout, path)?
            else {
                return Ok(None);
            };
            if let Some(decoded) =
                pcm_split::decode(Data::Bytes(data), start, claimed, layout, window, path)?
            {
                return Ok(Some(decoded));
            }
            read_data(&mut cursor, start, claimed, layout, window, path).map(Some)
        }
        Source::Path(p) => {
            let mut file = open(p)?;
            let Some(claimed) = data_frames(&mut file, start, is_wave, claimed, layout, path)?
            else {
                return Ok(None);
            };
            if let Some(decoded) =
                pcm_split::decode(Data::File(&file), start, claimed, layout, window, path)?
            {
                return Ok(Some(decoded));
            }
            read_data(&mut file, start, claimed, layout, window, path).map(Some)
        }
    }
}

/// The frames the data chunk holds (the track's claim, checked for WAV);
/// `None` when the WAV's data chunk is not plain.
fn data_frames(
    reader: &mut (impl Read + Seek),
    start: u64,
    is_wave: bool,
    claimed: Option<u64>,
    layout: Layout,
    path: &Path,
) -> Result<Option<Option<u64>>> {
    if !is_wave {
        return Ok(Some(claimed));
    }
    // The data chunk's own length: a `fact` chunk may have set the
    // track's frame count when the data length is unknown (streamed
    // WAVs), which symphonia then reads to the end of the file.
    let mut header = [0u8; 8];
    reader
        .seek(SeekFrom::Start(start.saturating_sub(8)))
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let n = pcm::read_full(reader, &mut header, path)?;
    let [d, a, t, b, l0, l1, l2, l3] = header;
    let len = u32::from_le_bytes([l0, l1, l2, l3]);
    if n < 8 || [d, a, t, b] != *b"data" || len == u32::MAX {
        return Ok(None);
    }
    let frames = u64::from(len) / layout.frame_bytes() as u64;
    Ok((claimed == Some(frames)).then_some(claimed))
}

/// Decodes the `claimed` frames of the data chunk at `start` in order.
fn read_data(
    reader: &mut (impl Read + Seek),
    start: u64,
    claimed: Option<u64>,
    layout: Layout,
    window: &Window,
    path: &Path,
) -> Result<Decoded> {
    reader
        .seek(SeekFrom::Start(start))
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let frame_bytes = layout.frame_bytes() as u64;
    let limit = claimed.map_or(u64::MAX, |frames| frames.saturating_mul(frame_bytes));
    pcm::decode_stream(&mut reader.take(limit), layout, claimed, window, path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::audio::decode::{DEFAULT_MAX_DURATION, decode_packets, decode_window};

    /// A WAV in memory: `fmt ` of `format` (1 PCM, 3 float, 0xFFFE
    /// extensible with `sub` 1 or 3), a `fact` chunk for non-PCM, a `JUNK` chunk, a
    /// `data` chunk claiming `claim` bytes holding `data`, and a trailing
    /// chunk after it when the data is complete.
    fn wav(format: u16, sub: u16, channels: u16, bits: u16, claim: u32, data: &[u8]) -> Vec<u8> {
        let block = channels * bits / 8;
        let mut fmt = Vec::new();
        for v in [format, channels] {
            fmt.extend_from_slice(&v.to_le_bytes());
        }
        for v in [22_050u32, 22_050 * u32::from(block)] {
            fmt.extend_from_slice(&v.to_le_bytes());
        }
        for v in [block, bits] {
            fmt.extend_from_slice(&v.to_le_bytes());
        }
        if format == 0xFFFE {
            for v in [22u16, bits] {
                fmt.extend_from_slice(&v.to_le_bytes());
            }
            fmt.extend_from_slice(&((1u32 << channels) - 1).to_le_bytes());
            fmt.extend_from_slice(&sub.to_le_bytes());
            fmt.extend_from_slice(&[
                0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
            ]);
        }
        let mut body = b"WAVE".to_vec();
        let mut chunk = |tag: &[u8], content: &[u8], len: u32| {
            body.extend_from_slice(tag);
            body.extend_from_slice(&len.to_le_bytes());
            body.extend_from_slice(content);
            if content.len() % 2 == 1 && content.len() == len as usize {
                body.push(0);
            }
        };
        chunk(b"fmt ", &fmt, fmt.len() as u32);
        if format != 1 {
            let frames = data.len() as u32 / u32::from(block);
            chunk(b"fact", &frames.to_le_bytes(), 4);
        }
        chunk(b"JUNK", b"abcde", 5);
        chunk(b"data", data, claim);
        if data.len() == claim as usize {
            chunk(b"JUNK", b"xyz\0", 4);
        }
        let mut file = b"RIFF".to_vec();
        // A cut file's RIFF length still counts the missing bytes.
        let riff_len =
            (body.len() as u64 + u64::from(claim) - data.len() as u64).min(u64::from(u32::MAX));
        file.extend_from_slice(&(riff_len as u32).to_le_bytes());
        file.extend_from_slice(&body);
        file
    }

    /// Deterministic sample bytes: integers use every bit pattern; floats
    /// are finite values in [-1, 1).
    fn samples(float_bits: Option<u16>, len: usize) -> Vec<u8> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        match float_bits {
            None => (0..len).map(|_| next() as u8).collect(),
            Some(32) => (0..len / 4)
                .flat_map(|_| ((next() >> 40) as f32 / 8_388_608.0 - 1.0).to_le_bytes())
                .collect(),
            Some(_) => (0..len / 8)
                .flat_map(|_| ((next() >> 11) as f64 / 4_503_599_627_370_496.0 - 1.0).to_le_bytes())
                .collect(),
        }
    }

    fn windows() -> Vec<Window> {
        let all = Window::all(DEFAULT_MAX_DURATION);
        let cut = Window {
            offset: 0.01,
            duration: Some(0.05),
            ..all
        };
        [all, cut]
            .into_iter()
            .flat_map(|w| [false, true].map(|mono| Window { mono, ..w }))
            .collect()
    }

    fn with_symphonia(bytes: &[u8], window: &Window) -> Result<Decoded> {
        let path = Path::new("x.wav");
        let track = Track::open(Source::bytes(bytes, None), path)?;
        assert!(layout(&track).is_some(), "fast path not taken");
        decode_packets(track, path, window)
    }

    fn bits(d: &Decoded) -> Vec<u32> {
        d.samples.iter().map(|s| s.to_bits()).collect()
    }

    fn cases() -> Vec<(String, Vec<u8>)> {
        let mut cases = Vec::new();
        for (format, sub, bit_depths) in [
            (1u16, 0u16, &[8u16, 16, 24, 32][..]),
            (3, 0, &[32, 64]),
            (0xFFFE, 1, &[8, 16, 24, 32]),
            (0xFFFE, 3, &[32, 64]),
        ] {
            for &bits in bit_depths {
                for channels in [1u16, 2, 3] {
                    let block = usize::from(channels * bits / 8);
                    let float = (format == 3 || sub == 3).then_some(bits);
                    // 3,000 frames (several symphonia packets) plus an odd tail.
                    let mut data = samples(float, 3000 * block);
                    data.extend_from_slice(&[0x55; 3][..block.min(3) - 1]);
                    let name = format!("fmt {format:#x}/{sub} {bits}-bit {channels} ch");
                    cases.push((
                        name.clone(),
                        wav(format, sub, channels, bits, data.len() as u32, &data),
                    ));
                    // The file ends inside the data chunk (mid-frame).
                    let cut = &data[..2500 * block + block / 2];
                    cases.push((
                        format!("{name} truncated"),
                        wav(format, sub, channels, bits, data.len() as u32, cut),
                    ));
                }
            }
        }
        cases
    }

    #[test]
    fn fast_path_matches_symphonia() {
        for (name, bytes) in cases() {
            for window in windows() {
                let fast = decode_window(Source::bytes(&bytes, None), &window).unwrap();
                let slow = with_symphonia(&bytes, &window).unwrap();
                let what = format!("{name}, {window:?}");
                assert_eq!(
                    (fast.channels, fast.sample_rate),
                    (slow.channels, slow.sample_rate),
                    "{what}"
                );
                assert_eq!(bits(&fast), bits(&slow), "{what}");
                if !name.ends_with("truncated") {
                    assert_eq!(fast.truncated, slow.truncated, "{what}");
                    continue;
                }
                let frames = |d: &Decoded| {
                    d.truncated
                        .as_ref()
                        .map(|t| (t.expected_frames, t.decoded_frames))
                };
                assert_eq!(frames(&fast), frames(&slow), "{what}");
                if window.is_whole() {
                    assert_eq!(frames(&fast), Some((Some(3000), 2500)), "{what}");
                    assert_eq!(fast.frames(), 2500, "{what}");
                } else {
                    // The window ends before the cut: nothing is missing.
                    assert_eq!(frames(&fast), None, "{what}");
                }
            }
        }
    }

    #[test]
    fn fast_path_matches_symphonia_on_fixtures() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/audio");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let Ok(track) = Track::open(Source::bytes(&bytes, None), &path) else {
                continue; // .au
            };
            if layout(&track).is_none() {
                continue;
            }
            seen += 1;
            for window in windows() {
                let fast = decode_window(Source::Path(&path), &window).unwrap();
                let slow = with_symphonia(&bytes, &window).unwrap();
                assert_eq!(fast, slow, "{}", path.display());
            }
        }
        // Every WAV fixture (PCM u8/16/24/32, float 32/64, extensible) and the AIFF.
        assert!(seen >= 9, "{seen} fixtures took the fast path");
    }

    /// Corrupt headers and cuts never panic in the fast path (which runs
    /// here without the `guarded` net that catches panics in symphonia).
    #[test]
    fn mutated_files_never_panic() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let window = Window {
            mono: true,
            resample_to: Some(16_000),
            check_finite: true,
            ..Window::all(DEFAULT_MAX_DURATION)
        };
        let path = Path::new("m.wav");
        let mut taken = 0;
        for (_, bytes) in cases().into_iter().step_by(3) {
            for _ in 0..40 {
                let mut m = bytes.clone();
                for _ in 0..1 + next() % 4 {
                    let at = (next() % 80) as usize % m.len();
                    m[at] = next() as u8;
                }
                m.truncate(m.len() - (next() as usize % m.len()) / 2);
                let Ok(track) = Track::open(Source::bytes(&m, None), path) else {
                    continue;
                };
                if let Some(layout) = layout(&track) {
                    taken += 1;
                    let _ = super::decode(track, layout, Source::bytes(&m, None), path, &window);
                }
            }
        }
        assert!(taken > 100, "only {taken} mutants reached the fast path");
    }

    #[test]
    fn unusual_wavs_go_through_symphonia() {
        // A streamed WAV (data length unknown) is read to the end by
        // symphonia; the fast path declines it.
        let data = samples(None, 64);
        let bytes = wav(1, 0, 1, 16, u32::MAX, &data);
        let window = Window::all(DEFAULT_MAX_DURATION);
        let decoded = decode_window(Source::bytes(&bytes, None), &window).unwrap();
        let path = Path::new("x");
        let track = Track::open(Source::bytes(&bytes, None), path).unwrap();
        let layout = layout(&track).unwrap();
        assert!(
            super::decode(track, layout, Source::bytes(&bytes, None), path, &window)
                .unwrap()
                .is_none()
        );
        assert_eq!(decoded.frames(), 32);
    }
}
