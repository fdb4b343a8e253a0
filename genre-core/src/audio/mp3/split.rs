//! Decoding one MP3 stream on two threads.
//!
//! Modelled on the FLAC split: the stream is cut at the first frame the
//! decode reaches at or after a target byte offset (found by walking the
//! frame headers exactly as the decode will, so there is no false sync).
//! Unlike FLAC frames, Layer III frames depend on earlier ones through the
//! decoder's state: the bit reservoir (a frame's main data starts up to 511
//! bytes back), the IMDCT overlap (one granule) and the polyphase FIFO (16
//! time slots). All of it is determined by the last few frames, so the
//! second thread primes a fresh decoder on the frames of the
//! [`PRIME_BYTES`] before the cut, then decodes from the cut (forwarding
//! its samples to the first thread's resampler when the load resamples).
//! The first thread decodes up to the cut and compares its decoder's state
//! with the primed one, bit for bit: equal, the second part continues the
//! first exactly; different (a broken frame just before the cut, say), the
//! second part is dropped and the first thread carries on in order. The
//! result is always that of one sequential decode.
//!
//! Neither thread waits for a late one ([`Claims`]): when the first
//! thread reaches the cut before the second thread has started (its core
//! busy, say), it decodes on in order and the second part is never
//! decoded; when the second thread has started but falls behind (the
//! first part done, nothing forwarded to resample), the first thread takes
//! the second half of what is left, primed like the cut, and checked the
//! same way against the second thread's state where it stopped (different:
//! it decodes that half again in order from that state) — again each time
//! it runs out of forwarded samples, each half checked against the end of
//! the part before it.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

use super::claims::Claims;
use super::demux::{AudioFrame, AudioFrames, Stream};
use super::frame::FrameDecoder;
use super::run::{MAX_CONSECUTIVE_ERRORS, Run};
use crate::audio::decode::Decoded;
use crate::audio::window::{Collector, Window};
use crate::{Error, Result};

/// Fewest bytes of frames worth a second thread (~8 s at 128 kbit/s).
const MIN_BYTES: usize = 1 << 17;

/// Bytes of frames the second thread decodes before the cut to rebuild the
/// decoder's state: four times the reservoir's reach.
const PRIME_BYTES: usize = 2048;

/// Frames the second thread decodes before the cut, at least.
const PRIME_FRAMES: usize = 3;

/// Fewest frames left to the second thread worth taking half of (priming
/// takes about five); the tests' fixtures are short.
#[cfg(not(test))]
const MIN_TAKE: usize = 24;
#[cfg(test)]
const MIN_TAKE: usize = 6;

/// Time to resample a native frame relative to decoding it (mono
/// shortcut), as the share tuning found it: a 30 s 44.1 kHz stereo
/// 128 kbit/s MP3 loaded to 22,050 Hz mono on 2 threads (`time_load
/// --repeat 30`, 10 alternating rounds, load average ~1.7) took 6.32 /
/// 6.25 ms (median; min 6.20 / 6.05) for 0.25 / 0.30, and 0.20 / 0.35 /
/// 0.45 were slower. A one-thread perf profile puts libsoxr at ~26 % of
/// the samples and the frame decoder at ~70 % (ratio 0.37) since the
/// fused Huffman decoder; the first tuning (slower decoder) chose 0.25.
/// Re-checked after the faster IMDCT (decode ~7 % cheaper): 0.30 / 0.36 /
/// 0.42 took 6.9 / 7.1 / 7.7 ms (median of 6 alternating rounds, load
/// average ~1.6), and 0.24 was no faster than 0.30. A first part that is
/// too short no longer idles: it takes half of what the second has left.
const RESAMPLE_COST: f64 = 0.30;

/// Where the second part starts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    /// Header offset of the first frame of the second part.
    pub cut: usize,
    /// Header offset and timeline position of the first frame the second
    /// part primes on.
    pub prime: (usize, i64),
    /// Tests: the second thread sleeps this long before each frame.
    #[cfg(test)]
    pub pace: std::time::Duration,
    /// Tests: the first thread primes a half it takes on nothing.
    #[cfg(test)]
    pub take_unprimed: bool,
    /// Tests: the first thread waits at the cut until the second thread
    /// has started.
    #[cfg(test)]
    pub await_second: bool,
}

impl Plan {
    fn new(cut: usize, prime: (usize, i64)) -> Self {
        Plan {
            cut,
            prime,
            #[cfg(test)]
            pace: std::time::Duration::ZERO,
            #[cfg(test)]
            take_unprimed: false,
            #[cfg(test)]
            await_second: false,
        }
    }
}

/// The cut of a whole-stream load on two or more threads, or `None` to
/// decode on one.
pub(super) fn plan(stream: &Stream<'_>, window: &Window) -> Option<Plan> {
    let bytes = stream.data().len().checked_sub(stream.audio_start)?;
    if !window.is_whole() || rayon::current_num_threads() < 2 || bytes < MIN_BYTES {
        return None;
    }
    // The first part also resamples everything when the load streams into
    // the resampler, so it decodes less.
    let first = stream.frames().next()?;
    let resamples = window
        .resample_to
        .is_some_and(|to| window.mono && to != first.header.sample_rate);
    let share = if resamples {
        ((1.0 - RESAMPLE_COST) / 2.0).max(0.1)
    } else {
        0.5
    };
    plan_at(stream, stream.audio_start + (bytes as f64 * share) as usize)
}

/// The cut at the first audio frame at or after byte `target` (walking the
/// headers as the decode does), primed on the frames of the
/// [`PRIME_BYTES`] (and [`PRIME_FRAMES`]) before it.
pub(super) fn plan_at(stream: &Stream<'_>, target: usize) -> Option<Plan> {
    let (cut, prime) = find_cut(stream.frames(), |f| f.pos >= target)?;
    Some(Plan::new(cut.0, prime?))
}

/// `(pos, ts)` of a frame.
type At = (usize, i64);

/// The first frame of `frames` where `is_cut` holds, and the frame to
/// prime it from ([`prime_for`]).
fn find_cut<'a>(
    frames: AudioFrames<'a>,
    mut is_cut: impl FnMut(&AudioFrame<'a>) -> bool,
) -> Option<(At, Option<At>)> {
    let mut before: Vec<At> = Vec::new();
    for frame in frames {
        if is_cut(&frame) {
            return Some(((frame.pos, frame.ts), prime_for(&before, frame.pos)));
        }
        before.push((frame.pos, frame.ts));
    }
    None
}

/// Of the frames `before` a cut at byte `cut`, the latest at least
/// [`PRIME_FRAMES`] frames and [`PRIME_BYTES`] before it.
fn prime_for(before: &[At], cut: usize) -> Option<At> {
    before
        .iter()
        .rev()
        .enumerate()
        .find(|&(n, &(at, _))| n + 1 >= PRIME_FRAMES && cut - at >= PRIME_BYTES)
        .map(|(_, &at)| at)
}

/// How one part's frames went (the first failure decides the load, in
/// stream order).
struct PartEnd {
    /// `false`: a feature left to symphonia.
    supported: bool,
    /// Frames at its start that failed to decode (all of them when
    /// `decoded` is false).
    leading_errors: usize,
    /// Whether any frame decoded.
    decoded: bool,
}

/// Feeds `frames` to `run` until the stream ends, the collector is full,
/// a frame is unsupported, or `more` says stop (asked before each frame).
fn feed_part<'a>(
    run: &mut Run<'_>,
    frames: impl Iterator<Item = AudioFrame<'a>>,
    mut more: impl FnMut() -> bool,
) -> Result<PartEnd> {
    let mut end = PartEnd {
        supported: true,
        leading_errors: 0,
        decoded: false,
    };
    for frame in frames {
        if !more() {
            break;
        }
        if !run.feed(&frame)? {
            end.supported = false;
            break;
        }
        if !end.decoded {
            end.decoded = run.consecutive_errors() == 0;
            end.leading_errors = run.consecutive_errors();
        }
        if run.is_full() {
            break;
        }
    }
    Ok(end)
}

/// What the second thread hands back.
struct Later<'w> {
    run: Run<'w>,
    end: Result<PartEnd>,
}

/// A half of the second part the first thread took.
struct Taken<'w> {
    /// `(pos, ts)` of its first frame, and its count of frames.
    from: At,
    frames: usize,
    /// The decoder primed for it, before its first frame.
    primed: Box<FrameDecoder>,
    run: Run<'w>,
    end: Result<PartEnd>,
}

/// How the first thread's part ended.
enum First<'w> {
    /// A feature left to symphonia.
    Unsupported,
    /// It decoded everything itself, in order; `true`: from the cut
    /// because the second thread had not started.
    InOrder(bool),
    /// The second part continues it; the halves of it the first thread
    /// took, the last in the stream first.
    Joined(Vec<Box<Taken<'w>>>),
}

/// What both threads share.
struct Shared<'s> {
    stream: &'s Stream<'s>,
    plan: Plan,
    claims: Claims,
    /// The later parts' window (collects, never resamples).
    plain: Window,
    spec: (u32, usize),
    path: &'s Path,
}

/// Decodes `stream` on two threads as `plan` says.
pub(super) fn decode(
    stream: &Stream<'_>,
    plan: Plan,
    window: &Window,
    path: &Path,
) -> Result<Option<Decoded>> {
    let Some(first) = stream.frames().next() else {
        return Ok(None);
    };
    let shared = Shared {
        stream,
        plan,
        claims: Claims::new(),
        plain: Window {
            resample_to: None,
            ..*window
        },
        spec: (first.header.sample_rate, first.header.channels()),
        path,
    };
    let (spec, plain) = (shared.spec, &shared.plain);
    let mut collector = Collector::new(plain, spec.0, spec.1, None, path)?;
    let forward = window.mono && window.resample_to.is_some();
    let (tx, rx) = mpsc::channel();
    if forward {
        collector.sink().forward_to(tx);
    } else {
        drop(tx);
    }
    let mut run = Run::new(window, stream.claimed, path);
    let second = Run::into(collector, spec, plain, stream.claimed, path);
    let (primed_tx, primed_rx) = mpsc::channel();
    let (first_part, later) = rayon::join(
        || first_part(&shared, &mut run, forward.then_some(rx), primed_rx),
        || second_part(&shared, second, primed_tx),
    );
    let taken = match first_part? {
        First::Unsupported => return Ok(None),
        First::InOrder(_claimed) => {
            #[cfg(test)]
            CLAIMED.set(CLAIMED.get() + usize::from(_claimed));
            return run.finish().map(Some);
        }
        First::Joined(taken) => taken,
    };
    #[cfg(test)]
    JOINS.set(JOINS.get() + 1);
    let Later { run: second, end } = later;
    let end = end?;
    if !end.supported {
        return Ok(None);
    }
    // Failures straddling the cuts count together, as in order.
    let carried = straddle(run.consecutive_errors(), &end, &second, path)?;
    // The taken halves in stream order, each checked against the state
    // where the part before it ended.
    let mut parts = Vec::with_capacity(taken.len());
    for taken in taken.into_iter().rev() {
        let before = parts.last().map_or(&second, |(run, _)| run).decoder();
        let part = keep_or_redo(&shared, taken, before)?;
        parts.push(part);
    }
    if let (Some(c), Some(later)) = (run.collector(), second.into_collector()) {
        c.append(later)?;
    }
    let mut carried = carried;
    for (taken, end) in parts {
        let end = end?;
        if !end.supported {
            return Ok(None);
        }
        carried = straddle(carried, &end, &taken, path)?;
        if let (Some(c), Some(later)) = (run.collector(), taken.into_collector()) {
            c.append(later)?;
        }
    }
    run.finish().map(Some)
}

/// Checks the run of failed frames that `carried` (ending the parts before)
/// continues into a part (`end`, decoded by `run`); returns the failures
/// the part carries on to the next.
fn straddle(carried: usize, end: &PartEnd, run: &Run<'_>, path: &Path) -> Result<usize> {
    let straddling = carried + end.leading_errors;
    if carried > 0 && straddling >= MAX_CONSECUTIVE_ERRORS {
        return Err(Error::Decode {
            path: path.to_path_buf(),
            reason: format!("{straddling} consecutive MP3 frames failed to decode"),
        });
    }
    Ok(if end.decoded {
        run.consecutive_errors()
    } else {
        straddling
    })
}

/// The half the first thread took, when its primed state is the second
/// thread's where it stopped; otherwise that half decoded again in order
/// from that state.
fn keep_or_redo<'r>(
    shared: &'r Shared<'_>,
    taken: Box<Taken<'r>>,
    before: &FrameDecoder,
) -> Result<(Run<'r>, Result<PartEnd>)> {
    if before.same_state(&taken.primed) {
        #[cfg(test)]
        TAKEN.set(TAKEN.get() + 1);
        let Taken { run, end, .. } = *taken;
        return Ok((run, end));
    }
    #[cfg(test)]
    REDONE.set(REDONE.get() + 1);
    let mut run = shared.part_run()?;
    run.set_decoder(before.clone());
    let frames = shared.stream.frames_from(taken.from.0, taken.from.1);
    let end = feed_part(&mut run, frames.take(taken.frames), || true);
    Ok((run, end))
}

impl Shared<'_> {
    /// A run collecting a later part.
    fn part_run(&self) -> Result<Run<'_>> {
        let collector = Collector::new(&self.plain, self.spec.0, self.spec.1, None, self.path)?;
        Ok(Run::into(
            collector,
            self.spec,
            &self.plain,
            self.stream.claimed,
            self.path,
        ))
    }
}

/// The first thread: its part, then (when the second part continues it)
/// the forwarded samples, taking half of what is left when the second
/// thread falls behind.
fn first_part<'r>(
    shared: &'r Shared<'_>,
    run: &mut Run<'_>,
    forwarded: Option<Receiver<Vec<f32>>>,
    primed_rx: Receiver<Option<Box<FrameDecoder>>>,
) -> Result<First<'r>> {
    let (plan, claims) = (shared.plan, &shared.claims);
    let mut frames = shared.stream.frames();
    let mut cut = None;
    for frame in frames.by_ref() {
        if frame.pos >= plan.cut {
            cut = Some(frame);
            break;
        }
        let fed = run.feed(&frame);
        if !matches!(fed, Ok(true)) || run.is_full() {
            // The second part is not needed.
            claims.stop();
        }
        if !fed? {
            return Ok(First::Unsupported);
        }
        if run.is_full() {
            return Ok(First::InOrder(false));
        }
    }
    let at_cut = cut.as_ref().is_some_and(|f| f.pos == plan.cut);
    // (Running the second part here when no other thread took it.)
    #[cfg(test)]
    let waiting = std::time::Instant::now();
    #[cfg(test)]
    while plan.await_second && !claims.started() {
        if waiting.elapsed().as_millis() < 500
            || rayon::yield_local() != Some(rayon::Yield::Executed)
        {
            std::thread::yield_now();
        }
    }
    let claimed = at_cut && claims.take_all();
    let joined = at_cut
        && !claimed
        && recv_helping(&primed_rx)
            .flatten()
            .is_some_and(|primed: Box<FrameDecoder>| {
                run.spec() == Some(shared.spec)
                    && run.collector().is_some()
                    && run.decoder().same_state(&primed)
            });
    if !joined {
        // The second thread started late (or not at all), the stream
        // ends, or the primed state differs: carry on in order.
        claims.stop();
        for frame in cut.into_iter().chain(frames) {
            if run.is_full() {
                break;
            }
            if !run.feed(&frame)? {
                return Ok(First::Unsupported);
            }
        }
        return Ok(First::InOrder(claimed));
    }
    let Some(rx) = forwarded else {
        return Ok(First::Joined(take_half(shared)?.into_iter().collect()));
    };
    let mut taken = Vec::new();
    loop {
        let chunk = match rx.try_recv() {
            Ok(chunk) => chunk,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {
                // Nothing to resample: the second thread is behind.
                if let Some(half) = take_half(shared)? {
                    taken.push(half);
                    continue;
                }
                match recv_helping(&rx) {
                    Some(chunk) => chunk,
                    None => break,
                }
            }
        };
        if let Some(c) = run.collector() {
            c.sink().take_forwarded(&chunk)?;
        }
    }
    Ok(First::Joined(taken))
}

/// Takes the second half of the frames the second thread has not claimed
/// (when enough are left) and decodes it, primed like a cut.
fn take_half<'r>(shared: &'r Shared<'_>) -> Result<Option<Box<Taken<'r>>>> {
    let (stream, plan) = (shared.stream, shared.plan);
    // The frames from the second part's priming start; the cut's index.
    let walked: Vec<At> = stream
        .frames_from(plan.prime.0, plan.prime.1)
        .map(|f| (f.pos, f.ts))
        .collect();
    let cut = walked
        .iter()
        .position(|&(pos, _)| pos >= plan.cut)
        .unwrap_or(walked.len());
    let Some((from, until)) = shared.claims.take_half(walked.len() - cut, MIN_TAKE) else {
        return Ok(None);
    };
    // `take_half` returns an index below the count: never `None`.
    let (Some(&start), Some(before)) = (walked.get(cut + from), walked.get(..cut + from)) else {
        return Err(Error::Decode {
            path: shared.path.to_path_buf(),
            reason: "a split MP3 decode lost track of its frames".into(),
        });
    };
    let prime = prime_for(before, start.0)
        .or(before.first().copied())
        .unwrap_or(start);
    #[cfg(test)]
    let prime = if plan.take_unprimed { start } else { prime };
    let mut run = shared.part_run()?;
    for frame in stream.frames_from(prime.0, prime.1) {
        if frame.pos >= start.0 {
            break;
        }
        run.prime(&frame);
    }
    let primed = Box::new(run.decoder().clone());
    let frames = until - from;
    let end = feed_part(
        &mut run,
        stream.frames_from(start.0, start.1).take(frames),
        || true,
    );
    Ok(Some(Box::new(Taken {
        from: start,
        frames,
        primed,
        run,
        end,
    })))
}

/// The second thread: primes on the frames before the cut, hands its state
/// to the first thread, decodes the frames it claims from the cut on.
fn second_part<'r>(
    shared: &Shared<'_>,
    mut second: Run<'r>,
    primed_tx: Sender<Option<Box<FrameDecoder>>>,
) -> Later<'r> {
    let (plan, claims) = (shared.plan, &shared.claims);
    if !claims.claim() {
        // The first thread decodes it all.
        return Later {
            run: second,
            end: Ok(PartEnd {
                supported: true,
                leading_errors: 0,
                decoded: false,
            }),
        };
    }
    let mut frames = shared.stream.frames_from(plan.prime.0, plan.prime.1);
    let mut cut = None;
    for frame in frames.by_ref() {
        if frame.pos >= plan.cut {
            cut = Some(frame);
            break;
        }
        second.prime(&frame);
    }
    let at_cut = cut.as_ref().is_some_and(|f| f.pos == plan.cut);
    let _ = primed_tx.send(at_cut.then(|| Box::new(second.decoder().clone())));
    let mut first_frame = true;
    let end = feed_part(&mut second, cut.into_iter().chain(frames), || {
        // The cut frame was claimed before priming.
        let mine = std::mem::take(&mut first_frame) || claims.claim();
        #[cfg(test)]
        if mine && !plan.pace.is_zero() {
            std::thread::sleep(plan.pace);
        }
        mine
    });
    if let Some(c) = second.collector() {
        c.sink().close_forward();
    }
    Later { run: second, end }
}

/// Waits for the second part's message, running this thread's queued rayon
/// work meanwhile.
fn recv_helping<T>(rx: &Receiver<T>) -> Option<T> {
    loop {
        match rx.try_recv() {
            Ok(v) => return Some(v),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {
                if rayon::yield_local() != Some(rayon::Yield::Executed) {
                    return rx.recv().ok();
                }
            }
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Split decodes whose first thread decoded on from the cut because the
    /// second thread had not started, on this thread.
    pub(super) static CLAIMED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Split decodes whose second part was kept, on this thread.
    pub(super) static JOINS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// ... whose first thread took a half of the second part and kept it.
    pub(super) static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// ... whose taken half was decoded again (its primed state differed).
    pub(super) static REDONE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}
