//! Decoding a whole compressed track on two threads, bit-identical to one.
//!
//! The packets are read first (cheap: no decoding), then the first half is
//! decoded on this thread while a second decoder takes the second half. A
//! mono load that resamples streams the first half into the resampler, then
//! the second half's samples in chunks as that half decodes (one resampler
//! stream, so the output is that of one decoder and one resampler).
//! Decoders of these codecs hold only a short memory of earlier packets, so
//! the second decoder first *primes* on the packets just before its half
//! (their audio is dropped) and then produces exactly the samples a single
//! decoder would:
//! - FLAC, ALAC: frames are independent (no priming);
//! - Vorbis: a packet overlaps only the previous one (window halves);
//! - MP3: the bit reservoir reaches at most 511 bytes (≤ 8 frames at the
//!   lowest bitrates) back, plus one granule of IMDCT overlap.
//!
//! (AAC is not split: symphonia's AAC decoder differs after priming, which
//! `split_matches_sequential` caught.)
//!
//! Any packet that fails to decode in either half voids the split: the
//! packets are then decoded again in order, so corrupt files behave exactly
//! as with one decoder. `split_matches_sequential` checks bit-identity at
//! many split points on every fixture.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::audio::well_known::{
    CODEC_ID_ALAC, CODEC_ID_FLAC, CODEC_ID_MP3, CODEC_ID_VORBIS,
};
use symphonia::core::packet::Packet;

use super::decode::Decoded;
use super::stream::{End, Stream};
use super::track::{Track, make_decoder};
use super::window::Window;
use crate::{Error, Result};

/// Fewest packets per half worth a second thread.
const MIN_PACKETS_PER_HALF: usize = 64;

/// Time to resample a frame relative to decoding it, from single-thread
/// timings of 30 s stereo loads to 22,050 Hz (quiet machine): libsoxr takes
/// ~2.3 ns per input frame for an integer ratio (44.1 kHz), ~3.5 ns
/// otherwise (48 kHz); symphonia ~14.6 ns to decode a FLAC/ALAC frame,
/// ~19.5 ns Vorbis or MP3. (A scan of the first half's share confirmed the
/// resulting optimum: 0.44 for 44.1 kHz Vorbis/MP3, ~0.38 for 48 kHz FLAC.)
fn resample_cost(params: &AudioCodecParameters, from: u32, to: u32) -> f64 {
    let resample = if to > 0 && from.is_multiple_of(to) {
        2.3
    } else {
        3.5
    };
    let decode = match params.codec {
        CODEC_ID_FLAC | CODEC_ID_ALAC => 14.6,
        _ => 19.5,
    };
    resample / decode
}

/// Packets the second decoder primes on, for codecs that split exactly.
pub(crate) fn priming(params: &AudioCodecParameters) -> Option<usize> {
    match params.codec {
        CODEC_ID_FLAC | CODEC_ID_ALAC => Some(0),
        CODEC_ID_VORBIS => Some(4),
        CODEC_ID_MP3 => Some(16),
        _ => None,
    }
}

/// Whether a load of `window` from `track` should decode on two threads.
pub(crate) fn worthwhile(track: &Track<'_>, window: &Window) -> Option<usize> {
    if !window.is_whole() || rayon::current_num_threads() < 2 {
        return None;
    }
    priming(&track.params)
}

/// Reads every packet of the track, then decodes it in two halves at once.
pub(crate) fn decode(
    mut track: Track<'_>,
    first: Stream<'_>,
    window: &Window,
    path: &Path,
    priming: usize,
) -> Result<Decoded> {
    let mut packets = Vec::new();
    let end = loop {
        match End::next(&mut *track.reader, track.id) {
            Ok(packet) => packets.push(packet),
            Err(end) => break end,
        }
    };
    // The first half also resamples (when the load streams into the
    // resampler), so it gets fewer packets: A decodes and resamples `split`
    // packets, then resamples B's samples as B decodes the rest, so that
    // both threads do about half of the decoding + resampling work.
    let from = track.sample_rate();
    let share = match window.resample_to.filter(|&to| window.mono && to != from) {
        Some(to) => (1.0 - resample_cost(&track.params, from, to)) / 2.0,
        None => 0.5,
    };
    let split = ((packets.len() + priming) as f64 * share) as usize;
    if split < MIN_PACKETS_PER_HALF + priming {
        return in_order(first, &packets, end);
    }
    // The second half only collects; the first takes its samples at the end.
    let plain = Window {
        resample_to: None,
        ..*window
    };
    let second = Stream::new(
        make_decoder(&track.params, path)?,
        &plain,
        track.frames,
        path,
    );
    match decode_at(first, second, &packets, split, priming) {
        Some(stream) => stream.finish(end),
        None => {
            let fresh = Stream::new(
                make_decoder(&track.params, path)?,
                window,
                track.frames,
                path,
            );
            in_order(fresh, &packets, end)
        }
    }
}

/// Decodes `packets[..split]` into `first` and `packets[split..]` into
/// `second` (primed on the `priming` packets before `split`) in parallel;
/// `None` when a packet failed to decode, a half failed (e.g. a limit) or
/// the halves disagree on the format: the caller must then decode in order,
/// which gives exactly the one-decoder result or error.
pub(crate) fn decode_at<'w>(
    mut first: Stream<'w>,
    mut second: Stream<'w>,
    packets: &[Packet],
    split: usize,
    priming: usize,
) -> Option<Stream<'w>> {
    let (head, tail) = packets.split_at(split.min(packets.len()));
    let primers = head
        .get(head.len().saturating_sub(priming)..)
        .unwrap_or_default();
    // A first half that resamples takes the second half's samples in chunks
    // as they decode (so resampling them overlaps the decoding).
    let forward = first.resamples();
    let (tx, rx) = mpsc::channel();
    // The receiver moves to the first half (a `Receiver` is `Send`, not `Sync`).
    let mut rx = Some(rx);
    if forward {
        second.forward_to(tx);
    } else {
        drop(tx);
    }
    let (a, b) = rayon::join(
        || {
            head.iter().try_for_each(|p| first.feed(p))?;
            if let Some(rx) = rx.take().filter(|_| forward) {
                return take_forwarded(&mut first, &rx);
            }
            Ok::<_, Error>(true)
        },
        || {
            primers.iter().for_each(|p| second.prime(p));
            let fed = tail.iter().try_for_each(|p| second.feed(p));
            // Always close: the first half waits for the channel to end.
            second.close_forward();
            fed
        },
    );
    let formats_agree =
        first.format() == (0, 0) || second.format() == (0, 0) || first.format() == second.format();
    if !matches!(a, Ok(true)) || b.is_err() || first.skipped + second.skipped > 0 || !formats_agree
    {
        return None;
    }
    first.append(second).ok()?;
    Some(first)
}

/// Resamples the chunks the second half forwards until it closes the
/// channel. Never waits for a second half that this thread still has to
/// run: rayon's `join` left it on this thread's queue unless another thread
/// took it, so local work runs first and blocking starts only when none is
/// left (the second half is then running elsewhere and never waits on us).
/// `Ok(false)` when the first half has no frames to continue from.
fn take_forwarded(first: &mut Stream<'_>, rx: &Receiver<Vec<f32>>) -> Result<bool> {
    let mut continues = true;
    loop {
        let chunk = match rx.try_recv() {
            Ok(chunk) => chunk,
            Err(TryRecvError::Disconnected) => return Ok(continues),
            Err(TryRecvError::Empty) => {
                if rayon::yield_local() == Some(rayon::Yield::Executed) {
                    continue;
                }
                match rx.recv() {
                    Ok(chunk) => chunk,
                    Err(_) => return Ok(continues),
                }
            }
        };
        continues &= first.take_forwarded(&chunk)?;
    }
}

/// Decodes `packets` with one decoder, in order.
fn in_order(mut stream: Stream<'_>, packets: &[Packet], end: End) -> Result<Decoded> {
    for packet in packets {
        stream.feed(packet)?;
    }
    stream.finish(end)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::path::PathBuf;

    use super::*;
    use crate::audio::decode::DEFAULT_MAX_DURATION;
    use crate::audio::resample::resample;
    use crate::audio::source::Source;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// Every fixture of a codec that splits, with its packets.
    fn splittable() -> Vec<(PathBuf, usize)> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/audio"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.push(root().join("examples/traveling_minstrels_20s.ogg"));
        files.sort();
        files
            .into_iter()
            .filter_map(|path| {
                let track = Track::open(Source::Path(&path), &path).ok()?;
                Some((path.clone(), priming(&track.params)?))
            })
            .collect()
    }

    fn packets(path: &Path) -> (AudioCodecParameters, Vec<Packet>) {
        let mut track = Track::open(Source::Path(path), path).unwrap();
        let mut packets = Vec::new();
        while let Ok(packet) = End::next(&mut *track.reader, track.id) {
            packets.push(packet);
        }
        (track.params, packets)
    }

    fn bits(decoded: &Decoded) -> Vec<u32> {
        decoded.samples.iter().map(|s| s.to_bits()).collect()
    }

    /// Decodes with a split at `split`; `None` if the split was refused.
    fn split_at(
        params: &AudioCodecParameters,
        packets: &[Packet],
        window: &Window,
        path: &Path,
        split: usize,
        priming: usize,
    ) -> Option<Decoded> {
        let plain = Window {
            resample_to: None,
            ..*window
        };
        let stream = |w| Stream::new(make_decoder(params, path).unwrap(), w, None, path);
        let joined = decode_at(stream(window), stream(&plain), packets, split, priming)?;
        Some(joined.finish(End::Done).unwrap())
    }

    #[test]
    fn split_matches_sequential() {
        let cases = splittable();
        let codecs: Vec<usize> = cases.iter().map(|(_, p)| *p).collect();
        assert!(
            [0, 4, 16].iter().all(|p| codecs.contains(p)),
            "fixtures cover FLAC, Vorbis and MP3: {cases:?}"
        );
        for (path, priming) in cases {
            let (params, packets) = packets(&path);
            let n = packets.len();
            // Every split point on the small fixtures, ~60 on the long clip.
            let step = (n / 60).max(1);
            // Interleaved, mono, and mono resampled while decoding (the
            // second half joins the first half's resampler stream).
            for (mono, resample_to) in [(false, None), (true, None), (true, Some(22_050))] {
                let window = Window {
                    mono,
                    ..Window::all(DEFAULT_MAX_DURATION)
                };
                let mut one =
                    Stream::new(make_decoder(&params, &path).unwrap(), &window, None, &path);
                for p in &packets {
                    one.feed(p).unwrap();
                }
                let mut expected = one.finish(End::Done).unwrap();
                if let Some(to) = resample_to.filter(|&to| to != expected.sample_rate) {
                    expected.samples =
                        resample(&expected.samples, expected.sample_rate, to).unwrap();
                }
                let expected = bits(&expected);
                let window = Window {
                    resample_to,
                    check_finite: true,
                    ..window
                };
                for split in (1..n).step_by(step).chain([n - 1]) {
                    let got = split_at(&params, &packets, &window, &path, split, priming)
                        .unwrap_or_else(|| panic!("{}: split {split} refused", path.display()));
                    assert!(
                        bits(&got) == expected,
                        "{} (mono {mono}, {resample_to:?} Hz): split at packet {split} of {n} differs",
                        path.display()
                    );
                }
            }
        }
    }

    /// On a pool whose only thread runs the first half, the second half
    /// waits in that thread's queue: the first half must run it rather than
    /// wait for its chunks (a hang otherwise).
    #[test]
    fn forwarding_never_waits_for_a_queued_second_half() {
        let (path, priming) = splittable()
            .into_iter()
            .find(|(p, _)| p.extension().is_some_and(|e| e == "ogg"))
            .unwrap();
        let (params, packets) = packets(&path);
        let window = Window {
            mono: true,
            resample_to: Some(22_050),
            check_finite: true,
            ..Window::all(DEFAULT_MAX_DURATION)
        };
        let split = packets.len() / 2;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let got = pool
            .install(|| split_at(&params, &packets, &window, &path, split, priming))
            .unwrap();
        let mut expected = split_at(
            &params,
            &packets,
            &Window {
                resample_to: None,
                ..window
            },
            &path,
            0,
            0,
        )
        .unwrap();
        expected.samples = resample(&expected.samples, expected.sample_rate, 22_050).unwrap();
        assert_eq!(bits(&got), bits(&expected));
    }

    /// The check above can fail: without priming, MP3 and Vorbis halves do
    /// differ from one decoder (their decoders carry state across packets).
    #[test]
    fn priming_is_needed_for_mp3_and_vorbis() {
        for (path, priming) in splittable().into_iter().filter(|(_, p)| *p > 0) {
            let (params, packets) = packets(&path);
            let window = Window::all(DEFAULT_MAX_DURATION);
            let reference = split_at(&params, &packets, &window, &path, 0, 0).unwrap();
            let n = packets.len();
            let differs = (priming + 1..n - 1).any(|split| {
                split_at(&params, &packets, &window, &path, split, 0)
                    .is_none_or(|d| bits(&d) != bits(&reference))
            });
            assert!(differs, "{}: unprimed splits all matched", path.display());
        }
    }
}
