//! Decoding a whole compressed track on two threads, bit-identical to one.
//!
//! The calling thread (a pool thread, when called from outside rayon's pool)
//! reads the packets and hands those of the first part
//! of the track, as they are read, to a second thread, which decodes them
//! at once (and, for a mono load that resamples, streams them into the
//! resampler). From the split point on, the reading thread decodes the rest
//! itself while it reads, and forwards the samples in chunks to the first
//! thread's resampler (one resampler stream, so the output is that of one
//! decoder and one resampler). The split point is a share of the length the
//! container claims (or, when it claims none, of the packets read first).
//!
//! Decoders of these codecs hold only a short memory of earlier packets, so
//! the second decoder first *primes* on the packets just before its part
//! (their audio is dropped) and then produces exactly the samples a single
//! decoder would:
//! - FLAC, ALAC: frames are independent (no priming);
//! - Vorbis: a packet overlaps only the previous one (window halves);
//! - MP3: the bit reservoir reaches at most 511 bytes (≤ 8 frames at the
//!   lowest bitrates) back, plus one granule of IMDCT overlap.
//!
//! (AAC is not split: symphonia's AAC decoder differs after priming, which
//! `split_matches_sequential` caught.) Both decoders come from
//! [`spare`] (a kept Vorbis decoder when one fits) and go
//! back there after a clean split.
//!
//! Every packet is kept until the end: any packet that fails to decode in
//! either part voids the split, and the packets are then decoded again in
//! order, so corrupt files behave exactly as with one decoder.
//! `split_matches_sequential` checks bit-identity at many split points on
//! every fixture.
//!
//! symphonia can panic on malformed streams (the caller turns a panic into
//! an error): a part whose decoder panics voids the split like an error,
//! and a panic while reading ends the reading where one decoder would have
//! met it, so the decode in order meets the same panic.
//!
//! No thread ever waits for work that is queued behind it: the reading half
//! runs on the calling thread and never blocks (its channels are
//! unbounded); only the first half waits, for packets and chunks that the
//! running (or finished) reading half sends. On a one-thread pool the
//! reading half runs to the end first and the first half then finds
//! everything queued.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};

use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::audio::well_known::{
    CODEC_ID_ALAC, CODEC_ID_FLAC, CODEC_ID_MP3, CODEC_ID_VORBIS,
};
use symphonia::core::packet::Packet;

use super::decode::Decoded;
use super::spare;
use super::stream::{End, Stream};
use super::track::Track;
use super::window::Window;
use crate::{Error, Result};

/// Fewest packets per part worth a second thread (when the container
/// claims no length and the packets are counted first).
const MIN_PACKETS_PER_HALF: usize = 64;

/// Fewest frames per part worth a second thread (about 1.5 s at 44.1 kHz:
/// making a second Vorbis decoder costs ~0.8 ms unless one is reused).
const MIN_FRAMES_PER_HALF: u64 = 1 << 16;

/// Time to resample a frame relative to decoding it, from single-thread
/// timings of 30 s stereo loads to 22,050 Hz (quiet machine): libsoxr takes
/// ~2.3 ns per input frame for an integer ratio (44.1 kHz), ~3.5 ns
/// otherwise (48 kHz); symphonia ~14.6 ns to decode a FLAC/ALAC frame,
/// ~19.5 ns Vorbis or MP3.
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

/// Time the reading thread spends reading the packets (Ogg pages and
/// their CRCs, MP3 frame headers), relative to decoding them. Fitted with
/// the priming cost below so that both threads finish together on 30 s
/// 44.1 kHz stereo files loaded to 22,050 Hz: at shares ~0.445 (Vorbis) and
/// ~0.455 (MP3) of the decoding for the first part, measured with
/// per-thread CPU times.
const READ_COST: f64 = 0.01;

/// Frames per packet, roughly (Vorbis long blocks, MP3), to price priming.
const PACKET_FRAMES: f64 = 1024.0;

/// Packets the second decoder primes on, for codecs that split exactly.
pub(crate) fn priming(params: &AudioCodecParameters) -> Option<usize> {
    match params.codec {
        CODEC_ID_FLAC | CODEC_ID_ALAC => Some(0),
        CODEC_ID_VORBIS => Some(4),
        CODEC_ID_MP3 => Some(16),
        _ => None,
    }
}

/// Whether a load of `window` from `track` should decode on two threads:
/// the packets the second decoder primes on, if so.
pub(crate) fn worthwhile(track: &Track<'_>, window: &Window) -> Option<usize> {
    if !window.is_whole() || rayon::current_num_threads() < 2 {
        return None;
    }
    // A track that claims to be short is decoded in order (the claim is
    // untrusted, but a wrong one only costs speed).
    if track.frames.is_some_and(|f| f < 2 * MIN_FRAMES_PER_HALF) {
        return None;
    }
    priming(&track.params)
}

/// Runs `f`, catching a panic of symphonia on a malformed stream.
fn unless_panics<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
}

/// Where the reading half stops handing packets to the first half.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SplitAt {
    /// Before the packet with this index (0-based).
    Packet(usize),
    /// Before the first packet whose timestamp reaches this one.
    Time(i64),
}

impl SplitAt {
    fn reached(self, index: usize, packet: &Packet) -> bool {
        match self {
            SplitAt::Packet(n) => index >= n,
            SplitAt::Time(ts) => packet.pts.get() >= ts,
        }
    }
}

/// How a split decode ended.
pub(crate) enum Outcome<'h> {
    /// Both parts decoded cleanly into this stream (the first part's, with
    /// the second part's samples appended or forwarded).
    Joined(Box<Stream<'h>>, End),
    /// The split must be redone in order: every packet, and how reading ended.
    Voided(Vec<Packet>, End),
    /// The decoder could not be made (as it could not in order).
    Failed(Error),
}

/// What the two parts of a split decode share.
pub(crate) struct Halves<'w> {
    params: &'w AudioCodecParameters,
    /// The load's window: the first part collects (and resamples) with it.
    window: &'w Window,
    /// The window of the second part: the same frames, never resampled.
    plain: Window,
    claimed: Option<u64>,
    path: &'w Path,
    priming: usize,
}

/// What the first part (decoded on the second thread) ends with.
struct First<'h> {
    stream: Result<Stream<'h>>,
    /// Every packet it was handed.
    head: Vec<Packet>,
    /// No packet or chunk failed.
    clean: bool,
}

/// What the reading part ends with.
struct Second<'h> {
    /// The second part's stream, once the split point was reached.
    stream: Option<Result<Stream<'h>>>,
    /// Every packet from the split point on.
    tail: Vec<Packet>,
    end: End,
    clean: bool,
}

impl<'w> Halves<'w> {
    pub fn new(
        params: &'w AudioCodecParameters,
        window: &'w Window,
        claimed: Option<u64>,
        path: &'w Path,
        priming: usize,
    ) -> Self {
        Halves {
            params,
            window,
            plain: Window {
                resample_to: None,
                ..*window
            },
            claimed,
            path,
            priming,
        }
    }

    /// Whether the first part resamples, taking the second part's samples
    /// in chunks.
    fn forwards(&self) -> bool {
        self.window.mono && self.window.resample_to.is_some()
    }

    /// The first part's share of the decoding, so that both threads finish
    /// together: the reading thread also does `extra` (reading, priming,
    /// relative to decoding everything); the first part also resamples
    /// everything (when it does).
    fn share(&self, from: u32, extra: f64) -> f64 {
        let resample = match self.window.resample_to.filter(|&to| to != from) {
            Some(to) if self.forwards() => resample_cost(self.params, from, to),
            _ => 0.0,
        };
        (1.0 + extra - resample) / 2.0
    }

    fn stream<'h>(&'h self, window: &'h Window) -> Result<Stream<'h>> {
        Ok(Stream::new(
            spare::take(self.params, self.path)?,
            window,
            self.claimed,
            self.path,
        ))
    }

    /// Reads the packets with `read` and decodes them in two parts split at
    /// `at`, the first on another thread (when the pool has a free one).
    pub fn run<'h>(
        &'h self,
        read: impl FnMut() -> std::result::Result<Packet, End> + Send,
        at: SplitAt,
    ) -> Outcome<'h> {
        let (packet_tx, packet_rx) = mpsc::channel();
        let (chunk_tx, chunk_rx) = mpsc::channel();
        let forward = self.forwards();
        let (second, first) = rayon::join(
            move || self.read_and_decode_second(read, at, packet_tx, forward.then_some(chunk_tx)),
            move || self.decode_first(packet_rx, forward.then_some(chunk_rx)),
        );
        self.join(first, second)
    }

    /// The first part: decodes the packets handed over until the reading
    /// part stops handing them, then takes the second part's chunks.
    fn decode_first<'h>(
        &'h self,
        packets: Receiver<Packet>,
        chunks: Option<Receiver<Vec<f32>>>,
    ) -> First<'h> {
        let mut stream = self.stream(self.window);
        let mut clean = stream.is_ok();
        let mut head = Vec::new();
        for packet in packets {
            if let (true, Ok(first)) = (clean, stream.as_mut()) {
                clean = matches!(unless_panics(|| first.feed(&packet)), Ok(Ok(())));
            }
            head.push(packet);
        }
        if let (Some(chunks), true, Ok(first)) = (chunks, clean, stream.as_mut()) {
            for chunk in &chunks {
                // `false`: the first part has no frames to continue from.
                if !matches!(first.take_forwarded(&chunk), Ok(true)) {
                    clean = false;
                    break;
                }
            }
        }
        First {
            stream,
            head,
            clean,
        }
    }

    /// The reading part: hands the packets before the split point to the
    /// first part as they are read (keeping the last `priming` back until
    /// its own decoder has primed on them), then decodes the rest as it
    /// reads them. Never blocks.
    fn read_and_decode_second<'h>(
        &'h self,
        mut read: impl FnMut() -> std::result::Result<Packet, End>,
        at: SplitAt,
        packets: Sender<Packet>,
        chunks: Option<Sender<Vec<f32>>>,
    ) -> Second<'h> {
        let mut read = || unless_panics(&mut read).unwrap_or_else(|p| Err(End::Panicked(p)));
        // A failed send means the first part is gone (its error voids the
        // split, which needs only the packets kept here): nothing to do.
        let hand = |packet| {
            let _ = packets.send(packet);
        };
        let mut recent = VecDeque::with_capacity(self.priming + 1);
        let mut index = 0;
        let mut next = loop {
            match read() {
                Ok(packet) if at.reached(index, &packet) => break Some(packet),
                Ok(packet) => {
                    recent.push_back(packet);
                    if recent.len() > self.priming
                        && let Some(oldest) = recent.pop_front()
                    {
                        hand(oldest);
                    }
                    index += 1;
                }
                Err(end) => {
                    recent.into_iter().for_each(&hand);
                    return Second {
                        stream: None,
                        tail: Vec::new(),
                        end,
                        clean: true,
                    };
                }
            }
        };
        // Made while the first part decodes.
        let mut stream = self.stream(&self.plain);
        let mut clean = stream.is_ok();
        if let Ok(second) = stream.as_mut() {
            clean = unless_panics(|| recent.iter().for_each(|p| second.prime(p))).is_ok();
            if let Some(chunks) = chunks {
                second.forward_to(chunks);
            }
        }
        recent.into_iter().for_each(&hand);
        drop(packets);
        let mut tail = Vec::new();
        let end = loop {
            let packet = match next.take().map_or_else(&mut read, Ok) {
                Ok(packet) => packet,
                Err(end) => break end,
            };
            if let (true, Ok(second)) = (clean, stream.as_mut()) {
                clean = matches!(unless_panics(|| second.feed(&packet)), Ok(Ok(())));
                if !clean {
                    // Ends the first part's wait for chunks: the split is void.
                    second.close_forward();
                }
            }
            tail.push(packet);
        };
        if let Ok(second) = stream.as_mut() {
            // Always close: the first part waits for the channel to end.
            second.close_forward();
        }
        Second {
            stream: Some(stream),
            tail,
            end,
            clean,
        }
    }

    /// Joins the two parts, or says why the split is void.
    fn join<'h>(&'h self, first: First<'h>, second: Second<'h>) -> Outcome<'h> {
        let mut stream = match first.stream {
            Ok(stream) => stream,
            Err(e) => return Outcome::Failed(e),
        };
        let voided = |mut head: Vec<Packet>, tail: Vec<Packet>, end| {
            head.extend(tail);
            Outcome::Voided(head, end)
        };
        let Some(later) = second.stream else {
            // Never split: the first part decoded every packet in order.
            return match first.clean {
                true => Outcome::Joined(Box::new(stream), second.end),
                false => voided(first.head, second.tail, second.end),
            };
        };
        let Ok(later) = later else {
            return voided(first.head, second.tail, second.end);
        };
        let formats_agree = stream.format() == (0, 0)
            || later.format() == (0, 0)
            || stream.format() == later.format();
        if !(first.clean && second.clean && formats_agree) || stream.skipped + later.skipped > 0 {
            return voided(first.head, second.tail, second.end);
        }
        match stream.append(later) {
            Ok(decoder) => spare::keep(self.params, decoder),
            Err(_) => return voided(first.head, second.tail, second.end),
        }
        Outcome::Joined(Box::new(stream), second.end)
    }

    /// The decoded audio of `outcome`, decoding in order when it was void.
    fn conclude(&self, outcome: Outcome<'_>) -> Result<Decoded> {
        match outcome {
            Outcome::Joined(stream, end) => spare::finish(*stream, self.params, end),
            Outcome::Voided(packets, end) => in_order(self.stream(self.window)?, &packets, end),
            Outcome::Failed(e) => Err(e),
        }
    }
}

/// Decodes the track on two threads, reading and decoding at once.
pub(crate) fn decode(
    mut track: Track<'_>,
    window: &Window,
    path: &Path,
    priming: usize,
) -> Result<Decoded> {
    let halves = Halves::new(&track.params, window, track.frames, path, priming);
    let from = track.sample_rate();
    let (reader, id) = (&mut *track.reader, track.id);
    let outcome = match track.frames {
        Some(frames) => {
            let frames = frames as f64;
            let share = halves.share(from, READ_COST + priming as f64 * PACKET_FRAMES / frames);
            let at = SplitAt::Time((frames * share) as i64);
            halves.run(|| End::next(reader, id), at)
        }
        None => {
            // No length to split by: count the packets first.
            let mut packets = Vec::new();
            let end = loop {
                match End::next(reader, id) {
                    Ok(packet) => packets.push(packet),
                    Err(end) => break end,
                }
            };
            let n = packets.len();
            let split = (n as f64 * halves.share(from, priming as f64 / n.max(1) as f64)) as usize;
            if split < MIN_PACKETS_PER_HALF + priming {
                return in_order(halves.stream(window)?, &packets, end);
            }
            halves.run(replay(packets, end), SplitAt::Packet(split))
        }
    };
    halves.conclude(outcome)
}

/// A reader over packets already read, ending as reading ended.
fn replay(
    packets: Vec<Packet>,
    end: End,
) -> impl FnMut() -> std::result::Result<Packet, End> + Send {
    let mut packets = packets.into_iter();
    let mut end = Some(end);
    move || {
        packets
            .next()
            .ok_or_else(|| end.take().unwrap_or(End::Done))
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
    use crate::audio::stream::read_packets;
    use crate::audio::track::make_decoder;

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
        read_packets(Source::Path(path)).unwrap()
    }

    /// The Vorbis clip: its path, priming, codec parameters and packets.
    fn vorbis_clip() -> (PathBuf, usize, AudioCodecParameters, Vec<Packet>) {
        let (path, priming) = splittable()
            .into_iter()
            .find(|(p, _)| p.extension().is_some_and(|e| e == "ogg"))
            .unwrap();
        let (params, packets) = packets(&path);
        (path, priming, params, packets)
    }

    fn bits(decoded: &Decoded) -> Vec<u32> {
        decoded.samples.iter().map(|s| s.to_bits()).collect()
    }

    /// Decodes with a split at `at`; `None` if the split was void.
    fn split_at(
        params: &AudioCodecParameters,
        packets: &[Packet],
        window: &Window,
        path: &Path,
        at: SplitAt,
        priming: usize,
    ) -> Option<Decoded> {
        let halves = Halves::new(params, window, None, path, priming);
        match halves.run(replay(packets.to_vec(), End::Done), at) {
            // Keeps the decoders: later splits reuse them.
            joined @ Outcome::Joined(..) => Some(halves.conclude(joined).unwrap()),
            Outcome::Voided(..) => None,
            Outcome::Failed(e) => panic!("{e}"),
        }
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
            // second part joins the first part's resampler stream).
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
                // Split points by index (0 and past the end: never split),
                // and by timestamp (a few, including one past the end).
                let by_index = (1..n).step_by(step).chain([n - 1, n + 5]);
                let by_time = packets
                    .iter()
                    .step_by((n / 7).max(1))
                    .map(|p| p.pts.get() + 1)
                    .chain([i64::MAX]);
                let ats = by_index
                    .map(SplitAt::Packet)
                    .chain(by_time.map(SplitAt::Time));
                for at in ats {
                    let got = split_at(&params, &packets, &window, &path, at, priming)
                        .unwrap_or_else(|| panic!("{}: split {at:?} void", path.display()));
                    assert!(
                        bits(&got) == expected,
                        "{} (mono {mono}, {resample_to:?} Hz): split at {at:?} of {n} packets differs",
                        path.display()
                    );
                }
            }
        }
    }

    /// On a pool whose only thread runs the reading part, the first part
    /// waits in that thread's queue: it runs after the reading part and
    /// finds every packet and chunk queued (a hang otherwise).
    #[test]
    fn a_one_thread_pool_runs_both_parts() {
        let (path, priming, params, packets) = vorbis_clip();
        let window = Window {
            mono: true,
            resample_to: Some(22_050),
            check_finite: true,
            ..Window::all(DEFAULT_MAX_DURATION)
        };
        let split = SplitAt::Packet(packets.len() / 2);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let got = pool
            .install(|| split_at(&params, &packets, &window, &path, split, priming))
            .unwrap();
        let plain = Window {
            resample_to: None,
            ..window
        };
        let never = SplitAt::Packet(usize::MAX);
        let mut expected = split_at(&params, &packets, &plain, &path, never, 0).unwrap();
        expected.samples = resample(&expected.samples, expected.sample_rate, 22_050).unwrap();
        assert_eq!(bits(&got), bits(&expected));
    }

    /// The check above can fail: without priming, MP3 and Vorbis parts do
    /// differ from one decoder (their decoders carry state across packets).
    #[test]
    fn priming_is_needed_for_mp3_and_vorbis() {
        for (path, priming) in splittable().into_iter().filter(|(_, p)| *p > 0) {
            let (params, packets) = packets(&path);
            let window = Window::all(DEFAULT_MAX_DURATION);
            let n = packets.len();
            let at = SplitAt::Packet;
            let reference = split_at(&params, &packets, &window, &path, at(n), 0).unwrap();
            let differs = (priming + 1..n - 1).any(|split| {
                split_at(&params, &packets, &window, &path, at(split), 0)
                    .is_none_or(|d| bits(&d) != bits(&reference))
            });
            assert!(differs, "{}: unprimed splits all matched", path.display());
        }
    }

    /// Decodes `data` in order, as `decode_packets` does on one thread.
    fn in_order_live(data: &[u8], window: &Window) -> Result<Decoded> {
        let path = Path::new("x");
        let mut track = Track::open(Source::bytes(data, None), path)?;
        let mut one = Stream::new(
            make_decoder(&track.params, path)?,
            window,
            track.frames,
            path,
        );
        let end = loop {
            match End::next(&mut *track.reader, track.id) {
                Ok(packet) => one.feed(&packet)?,
                Err(end) => break end,
            }
        };
        one.finish(end)
    }

    /// Decodes `data` split at `at` while reading it.
    fn split_live(data: &[u8], window: &Window, at: SplitAt) -> Result<Decoded> {
        let path = Path::new("x");
        let mut track = Track::open(Source::bytes(data, None), path)?;
        let priming = priming(&track.params).unwrap();
        let halves = Halves::new(&track.params, window, track.frames, path, priming);
        let (reader, id) = (&mut *track.reader, track.id);
        halves.conclude(halves.run(|| End::next(reader, id), at))
    }

    /// Split while reading (the real path), whole, truncated and corrupt
    /// files give what one decoder gives: the same samples and truncation
    /// report, or the same error.
    #[test]
    fn live_splits_of_truncated_and_corrupt_files_match_in_order() {
        let window = Window {
            mono: true,
            resample_to: Some(22_050),
            check_finite: true,
            ..Window::all(DEFAULT_MAX_DURATION)
        };
        for (path, _) in splittable() {
            let whole = std::fs::read(&path).unwrap();
            let n = whole.len();
            let mut corrupt = whole.clone();
            corrupt[n / 2..n / 2 + 64].fill(0x5a);
            let mut variants = vec![whole.clone(), whole[..n / 3].to_vec(), corrupt];
            variants.push(whole[..2 * n / 3].to_vec());
            for (v, data) in variants.iter().enumerate() {
                let expected = in_order_live(data, &window);
                let packets = read_packets(Source::bytes(data, None)).map_or(Vec::new(), |t| t.1);
                let times = [1, 4, 2].map(|k| {
                    packets
                        .get(packets.len() * k / 5)
                        .map_or(i64::MAX, |p| p.pts.get())
                });
                for ts in times {
                    let got = split_live(data, &window, SplitAt::Time(ts));
                    let same = match (&expected, &got) {
                        (Ok(a), Ok(b)) => bits(a) == bits(b) && a.truncated == b.truncated,
                        (Err(a), Err(b)) => a.to_string() == b.to_string(),
                        _ => false,
                    };
                    assert!(
                        same,
                        "{} variant {v}, split at ts {ts}: {:?} vs {:?}",
                        path.display(),
                        expected.as_ref().map(|d| (d.samples.len(), &d.truncated)),
                        got.as_ref().map(|d| (d.samples.len(), &d.truncated)),
                    );
                }
            }
        }
    }

    /// A reader that panics (symphonia can, on malformed streams) ends
    /// the split where one decoder would meet the panic: the panic resumes
    /// after the packets before it decode, and never hangs the other part.
    #[test]
    fn a_panic_while_reading_resumes_after_the_split() {
        let (path, priming, params, packets) = vorbis_clip();
        let window = Window::all(DEFAULT_MAX_DURATION);
        let n = packets.len();
        for (fail, split) in [(n / 4, n / 2), (3 * n / 4, n / 2)] {
            let halves = Halves::new(&params, &window, None, &path, priming);
            let mut next = packets.clone().into_iter().enumerate();
            let read = move || match next.next() {
                Some((i, _)) if i == fail => panic!("malformed packet {i}"),
                Some((_, packet)) => Ok(packet),
                None => Err(End::Done),
            };
            let result =
                unless_panics(|| halves.conclude(halves.run(read, SplitAt::Packet(split))));
            let message = result
                .err()
                .and_then(|p| p.downcast_ref::<String>().cloned());
            assert_eq!(message, Some(format!("malformed packet {fail}")));
        }
    }

    /// A packet that fails to decode in either part voids the split and
    /// every packet comes back, in order, for the decode in order.
    #[test]
    fn a_corrupt_packet_voids_the_split_and_keeps_every_packet() {
        let (path, priming, params, packets) = vorbis_clip();
        let window = Window::all(DEFAULT_MAX_DURATION);
        let n = packets.len();
        for corrupt in [n / 4, 3 * n / 4] {
            let mut bad = packets.clone();
            // A Vorbis audio packet whose first bit is set is refused.
            bad[corrupt].data = vec![0xff; 8].into_boxed_slice();
            let halves = Halves::new(&params, &window, None, &path, priming);
            let outcome = halves.run(replay(bad.clone(), End::Done), SplitAt::Packet(n / 2));
            let Outcome::Voided(kept, _) = outcome else {
                panic!("packet {corrupt} of {n} corrupt: the split was not void");
            };
            let same = kept.len() == n && kept.iter().zip(&bad).all(|(a, b)| a.data == b.data);
            assert!(same, "the packets came back out of order or incomplete");
        }
    }
}
