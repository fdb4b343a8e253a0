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

use std::path::Path;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use super::demux::Stream;
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

/// Time to resample a native frame relative to decoding it (mono
/// shortcut), as the share tuning found it: a 30 s 44.1 kHz stereo
/// 128 kbit/s MP3 loaded to 22,050 Hz mono on 2 threads (`time_load
/// --repeat 30`, 10 alternating rounds, load average ~1.7) took 6.32 /
/// 6.25 ms (median; min 6.20 / 6.05) for 0.25 / 0.30, and 0.20 / 0.35 /
/// 0.45 were slower. A one-thread perf profile puts libsoxr at ~26 % of
/// the samples and the frame decoder at ~70 % (ratio 0.37) since the
/// fused Huffman decoder; the first tuning (slower decoder) chose 0.25.
const RESAMPLE_COST: f64 = 0.30;

/// Where the second part starts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    /// Header offset of the first frame of the second part.
    pub cut: usize,
    /// Header offset and timeline position of the first frame the second
    /// part primes on.
    pub prime: (usize, i64),
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
    let mut before: Vec<(usize, i64)> = Vec::new();
    for frame in stream.frames() {
        if frame.pos >= target {
            let prime =
                before.iter().rev().enumerate().find(|&(n, &(at, _))| {
                    n + 1 >= PRIME_FRAMES && frame.pos - at >= PRIME_BYTES
                })?;
            return Some(Plan {
                cut: frame.pos,
                prime: *prime.1,
            });
        }
        before.push((frame.pos, frame.ts));
    }
    None
}

/// What the second part hands back.
struct Later<'w> {
    run: Run<'w>,
    /// `false`: a feature left to symphonia.
    supported: bool,
    /// Frames at the start of the second part that failed to decode.
    leading_errors: usize,
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
    // The second part only collects (or forwards); the first resamples.
    let plain = Window {
        resample_to: None,
        ..*window
    };
    let spec = (first.header.sample_rate, first.header.channels());
    let mut collector = Collector::new(&plain, spec.0, spec.1, None, path)?;
    let forward = window.mono && window.resample_to.is_some();
    let (tx, rx) = mpsc::channel();
    if forward {
        collector.sink().forward_to(tx);
    } else {
        drop(tx);
    }
    let mut run = Run::new(window, stream.claimed, path);
    let mut second = Run::into(collector, spec, &plain, stream.claimed, path);
    let mut frames = stream.frames();
    let (primed_tx, primed_rx) = mpsc::channel();
    let (first_part, later) = rayon::join(
        || {
            // Moved in: a receiver stays on one thread.
            let (rx, primed_rx) = (rx, primed_rx);
            let mut cut = None;
            for frame in frames.by_ref() {
                if frame.pos >= plan.cut {
                    cut = Some(frame);
                    break;
                }
                if !run.feed(&frame)? {
                    return Ok::<_, Error>((false, None, false));
                }
                if run.is_full() {
                    return Ok((true, None, false));
                }
            }
            let joined = cut.as_ref().is_some_and(|f| f.pos == plan.cut)
                && recv_helping(&primed_rx)
                    .flatten()
                    .is_some_and(|primed: Box<FrameDecoder>| {
                        run.spec() == Some(spec)
                            && run.collector().is_some()
                            && run.decoder().same_state(&primed)
                    });
            if joined && forward {
                take_forwarded(&mut run, &rx)?;
            }
            Ok((true, cut, joined))
        },
        || {
            let mut frames = stream.frames_from(plan.prime.0, plan.prime.1);
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
            let result = (|| {
                let (mut supported, mut leading_errors, mut decoded) = (true, 0, false);
                for frame in cut.into_iter().chain(frames) {
                    if !second.feed(&frame)? {
                        supported = false;
                        break;
                    }
                    if !decoded {
                        decoded = second.consecutive_errors() == 0;
                        leading_errors = second.consecutive_errors();
                    }
                    if second.is_full() {
                        break;
                    }
                }
                Ok::<_, Error>((supported, leading_errors))
            })();
            if let Some(c) = second.collector() {
                c.sink().close_forward();
            }
            let (supported, leading_errors) = result?;
            Ok::<_, Error>(Later {
                run: second,
                supported,
                leading_errors,
            })
        },
    );
    let (supported, cut, joined) = first_part?;
    #[cfg(test)]
    JOINS.set(JOINS.get() + usize::from(joined));
    if !supported {
        return Ok(None);
    }
    if !joined {
        // Cut short (the collector is full, or the stream ends), or the
        // primed state differs: carry on in order.
        for frame in cut.into_iter().chain(frames) {
            if run.is_full() {
                break;
            }
            if !run.feed(&frame)? {
                return Ok(None);
            }
        }
        return run.finish().map(Some);
    }
    let later = later?;
    if !later.supported {
        return Ok(None);
    }
    // Failures straddling the cut count together, as in order.
    let straddling = run.consecutive_errors() + later.leading_errors;
    if run.consecutive_errors() > 0 && straddling >= MAX_CONSECUTIVE_ERRORS {
        return Err(Error::Decode {
            path: path.to_path_buf(),
            reason: format!("{straddling} consecutive MP3 frames failed to decode"),
        });
    }
    if let (Some(c), Some(later)) = (run.collector(), later.run.into_collector()) {
        c.append(later)?;
    }
    run.finish().map(Some)
}

/// Waits for the second part's message, running this thread's queued rayon
/// work meanwhile (the second part may sit in that queue).
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

/// Feeds the chunks the second part forwards to the first part's sink until
/// it closes the channel.
fn take_forwarded(run: &mut Run<'_>, rx: &Receiver<Vec<f32>>) -> Result<()> {
    while let Some(chunk) = recv_helping(rx) {
        if let Some(c) = run.collector() {
            c.sink().take_forwarded(&chunk)?;
        }
    }
    Ok(())
}

#[cfg(test)]
thread_local! {
    /// Split decodes whose second part was kept, on this thread.
    pub(super) static JOINS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}
