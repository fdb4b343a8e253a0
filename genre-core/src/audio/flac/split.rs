//! Decoding one FLAC stream on two threads without reading it first.
//!
//! FLAC frames are independent, so the stream is cut at a byte offset: the
//! first frame header at or after a target offset that parses, passes its
//! CRC-8 and agrees with STREAMINFO and the first frame (blocking strategy,
//! sample rate, channels, bits) starts the second part. The second thread
//! decodes from there (forwarding its samples in chunks to the first
//! thread's resampler when the load resamples, like the symphonia split);
//! the first decodes from the start and must arrive **exactly** at that
//! offset. If it does not — the "header" was a false sync inside a frame,
//! or corrupt data made the first part skip past it — the second part's
//! work is dropped and the first thread simply carries on in order. Since
//! a walk keeps no state across frames, the result is always that of one
//! sequential decode.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};

use super::metadata::StreamInfo;
use super::walk::{Stop, Walker};
use crate::Result;
use crate::audio::window::{Collector, Window};

/// Fewest bytes of frames worth a second thread (~1.5 s of 44.1 kHz
/// stereo FLAC).
const MIN_BYTES: usize = 1 << 18;

/// Time to resample a frame relative to decoding it, from a single-thread
/// profile of a 30 s 48 kHz stereo 16-bit FLAC loaded to 22,050 Hz mono:
/// libsoxr ~3.3 ns per input frame for a non-integer ratio (~2.3 ns for an
/// integer one), this decoder ~5 ns per sample (10 ns per stereo frame).
fn resample_cost(from: u32, to: u32, channels: usize) -> f64 {
    let resample = if to > 0 && from.is_multiple_of(to) {
        2.3
    } else {
        3.3
    };
    resample / (5.0 * channels as f64)
}

/// The byte offset near which to split a whole-stream load, or `None` to
/// decode on one thread.
pub(crate) fn plan(data: &[u8], start: usize, info: &StreamInfo, window: &Window) -> Option<usize> {
    let bytes = data.len().checked_sub(start)?;
    if !window.is_whole() || rayon::current_num_threads() < 2 || bytes < MIN_BYTES {
        return None;
    }
    // The first part also resamples everything when the load streams into
    // the resampler, so it decodes less.
    let share = match window
        .resample_to
        .filter(|&to| window.mono && to != info.sample_rate)
    {
        Some(to) => ((1.0 - resample_cost(info.sample_rate, to, info.channels)) / 2.0).max(0.1),
        None => 0.5,
    };
    Some(start + (bytes as f64 * share) as usize)
}

/// Decodes from `start` on two threads, the second from the first frame at
/// or after `target`.
pub(crate) fn decode(
    walker: &mut Walker<'_>,
    collector: &mut Collector,
    start: usize,
    target: usize,
    window: &Window,
    path: &Path,
) -> Result<Stop> {
    let never = AtomicBool::new(false);
    let data_len = walker.data_len();
    let Some(split) = walker.find_frame(target) else {
        return walker.run(start, data_len, collector, &never);
    };
    // The second part only collects (or forwards); the first resamples.
    let plain = Window {
        resample_to: None,
        ..*window
    };
    let info = walker.info();
    let mut second = Collector::new(&plain, info.sample_rate, info.channels, None, path)?;
    let mut second_walker = walker.fresh();
    let forward = window.mono && window.resample_to.is_some();
    let (tx, rx) = mpsc::channel();
    let mut rx = Some(rx);
    if forward {
        second.sink().forward_to(tx);
    } else {
        drop(tx);
    }
    let cancel = AtomicBool::new(false);
    let (first, later) = rayon::join(
        || {
            let stop = walker.run(start, split, collector, &never)?;
            if stop != Stop::At(split) {
                cancel.store(true, Ordering::Relaxed);
                return Ok(Some(stop));
            }
            if let Some(rx) = rx.take().filter(|_| forward) {
                take_forwarded(collector, &rx)?;
            }
            Ok::<_, crate::Error>(None)
        },
        || {
            let stop = second_walker.run(split, data_len, &mut second, &cancel);
            second.sink().close_forward();
            stop
        },
    );
    match first? {
        // Joined: the second part continues the first exactly.
        None => {
            let stop = later?;
            walker.malformed += second_walker.malformed;
            collector.append(second)?;
            Ok(stop)
        }
        // The first part ran past the split point: carry on in order.
        Some(Stop::At(pos)) => walker.run(pos, data_len, collector, &never),
        Some(stop) => Ok(stop),
    }
}

/// Feeds the chunks the second part forwards until it closes the channel.
/// Never waits for a second part that this thread still has to run (it may
/// sit in this thread's rayon queue): local work runs first.
fn take_forwarded(collector: &mut Collector, rx: &Receiver<Vec<f32>>) -> Result<()> {
    loop {
        let chunk = match rx.try_recv() {
            Ok(chunk) => chunk,
            Err(TryRecvError::Disconnected) => return Ok(()),
            Err(TryRecvError::Empty) => {
                if rayon::yield_local() == Some(rayon::Yield::Executed) {
                    continue;
                }
                match rx.recv() {
                    Ok(chunk) => chunk,
                    Err(_) => return Ok(()),
                }
            }
        };
        collector.sink().take_forwarded(&chunk)?;
    }
}
