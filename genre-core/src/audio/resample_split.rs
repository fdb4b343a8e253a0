//! Resampling a whole buffer on two threads, bit for bit the one stream.
//!
//! libsoxr's stages for the common rates to 22,050 Hz (HQ, float32, the
//! SSE engine; `genre_soxr_stages` reads them from a live resampler):
//!
//! | from | stages (DFT: FFT length, taps, input per block) | period (input frames) | fresh outputs that differ |
//! |---|---|---|---|
//! | 44,100 | DFT 2048, 389 taps, ÷2 in the F-domain (1660 → 830) | 1,660 | first 830 |
//! | 11,025 | DFT 2048, 389 taps, ×2 in the F-domain (830 → 1660) | 830 | first 1,660 |
//! | 48,000 | DFT 2048, 445 taps (1604); polyphase 147/320, 16 taps | 128,320 | first 737 |
//! | 24,000 | DFT ×2 (802); polyphase 147/320 | 64,160 | first 737 |
//! | 32,000 | DFT ×2 (730); polyphase 441/1280 | 46,720 | first 504 |
//! | 16,000 / 8,000 | DFT ×2 (820); polyphase 882/1280 (882/640) | 13,120 / 6,560 | first 1,130 / 2,259 |
//! | 96,000 | half-band ÷2; DFT 2048, 465 taps (1584); polyphase 147/320 | 63,360 | first 728 |
//!
//! (Measured on noise: a start on the grid gives the one stream's bits
//! after the first block(s); a start 1 frame or half a period off differs
//! from the one stream on every later output. [`Grid::transient`] is
//! 2.7–3.2× the measured reach.)
//!
//! The calling thread runs the one stream, in chunks. When another pool
//! thread picks up the second part, it looks how far the first has read and
//! picks a grid point `start` that leaves both about the same work
//! ([`Grid`]: every stage's blocks and clock then line up with the one
//! stream's), starts a fresh resampler there, resamples `[start, n)` and
//! flushes. The first part reads on to at least `stop = start + overrun`
//! (the fresh stream's transient, the one stream's latency and an overlap
//! to check), and until the fresh stream is done. The fresh stream's
//! outputs from `check_from` on (past its [`transient`](Grid::transient))
//! replace the one stream's; every output both computed from `check_from`
//! on must agree **bit for bit**, otherwise (or if anything failed) the
//! calling thread resamples the rest itself, so the result never depends
//! on the grid analysis being right. The flush gives `round(n / io_ratio)`
//! samples in total; a start is taken only when the fresh stream's count
//! adds up to the same, so both ends match too.
//!
//! No thread waits for work queued behind it or for a slow thread: if no
//! other thread has picked up the second part by the end of the input (a
//! one-thread pool, or a pool busy with other files), or the fresh stream
//! is still running then (a descheduled thread), the first part finishes
//! alone — the one stream's cost — and the fresh stream stops at its next
//! chunk. When the input can be handed over ([`Frames::detached`]: a file
//! read at offsets), the second part is a detached job that owns its
//! input, so the calling thread returns at once even when the other thread
//! is preempted in the middle of a chunk (a `rayon::join` would wait for it
//! to be scheduled again, a whole time slice on a busy core).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::resample::{FEED_FRAMES, Resampler, fixed_length};
use super::resample_grid::Grid;
use crate::Result;

/// Input frames to resample, produced chunk by chunk by whichever thread
/// resamples them (so a conversion from file bytes splits and fuses too).
pub(crate) trait Frames: Sync {
    /// Number of frames.
    fn len(&self) -> usize;

    /// Frames `range` (within `len`), written to `scratch` if they must be
    /// made.
    fn get<'a>(&'a self, range: Range<usize>, scratch: &'a mut Scratch) -> Result<&'a [f32]>;

    /// The same frames owned by a value another thread can keep after the
    /// call returns, when that is cheap (no copy of the data); `None`
    /// otherwise.
    fn detached(&self) -> Option<Arc<dyn Frames + Send>> {
        None
    }
}

/// A thread's buffers for [`Frames::get`].
#[derive(Default)]
pub(crate) struct Scratch {
    pub bytes: Vec<u8>,
    pub samples: Vec<f32>,
}

impl Frames for [f32] {
    fn len(&self) -> usize {
        <[f32]>::len(self)
    }

    fn get<'a>(&'a self, range: Range<usize>, _: &'a mut Scratch) -> Result<&'a [f32]> {
        Ok(<[f32]>::get(self, range).unwrap_or_default())
    }
}

/// Feeds frames `range` of `input` to `resampler` in chunks.
fn feed(
    resampler: &mut Resampler,
    input: &(impl Frames + ?Sized),
    range: Range<usize>,
    scratch: &mut Scratch,
) -> Result<()> {
    let mut at = range.start;
    while at < range.end {
        let end = (at + FEED_FRAMES).min(range.end);
        resampler.feed(input.get(at..end, scratch)?)?;
        at = end;
    }
    Ok(())
}

/// Fewest input frames worth a second thread: ~1.5 s at 44.1 kHz (a thread
/// hand-off and a second resampler cost ~0.1 ms; a 44.1 kHz frame ~2.3 ns).
pub(crate) const MIN_SPLIT_FRAMES: usize = 1 << 16;

/// Fewest outputs the overlap check compares.
const MIN_CHECK: usize = 2048;

/// How a buffer was resampled.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitPath {
    /// One stream (short input, no second thread in time, or no grid).
    OneStream,
    /// Two streams, stitched after a bit-exact overlap check.
    Split,
    /// Two streams that disagreed on the overlap: the one stream's result.
    Mismatch,
}

/// Test and bench knobs of [`resample_traced`].
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct SplitKnobs {
    /// Moves the fresh stream's start off the grid by this many frames, a
    /// whole number of outputs (a wrong start: the overlap check must catch
    /// it); other shifts are refused (one stream).
    pub start_shift: isize,
    /// Shortest input to split instead of [`MIN_SPLIT_FRAMES`].
    pub min_frames: Option<usize>,
    /// Where to start the fresh stream, as a share of the input, instead of
    /// balancing the work left when the second thread starts.
    pub share: Option<f64>,
    /// The first part waits for the second to pick its start, and to
    /// finish, (running pool work meanwhile) instead of going on alone:
    /// tests, where threads start late or run slowly.
    pub patient: bool,
}

/// Where the two streams meet.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// First input frame of the fresh stream (on the grid).
    start: usize,
    /// The one stream stops once it has read this far.
    stop: usize,
    /// One-stream index of the fresh stream's first output.
    skip_out: usize,
    /// First output taken from the fresh stream.
    check_from: usize,
}

/// libsoxr's total output for `n` input frames: `_soxr_flush` sets it to
/// `(int64)(n / io_ratio + .5)`.
fn soxr_count(n: usize, io_ratio: f64) -> usize {
    (n as f64 / io_ratio + 0.5) as usize
}

/// The rates, the grid and what follows from them.
#[derive(Clone, Copy, Debug)]
struct Split {
    n: usize,
    from: u32,
    to: u32,
    grid: Grid,
    /// Input the one stream reads past the fresh start: the transient, the
    /// one stream's own latency (≤ the transient) and the checked overlap.
    overrun: usize,
}

impl Split {
    fn new(n: usize, from: u32, to: u32, grid: Grid) -> Split {
        let ratio = f64::from(to) / f64::from(from);
        let check_in = grid
            .transient
            .max((MIN_CHECK as f64 / ratio).ceil() as usize);
        Split {
            n,
            from,
            to,
            grid,
            overrun: 2 * grid.transient + check_in,
        }
    }

    /// A plan whose fresh stream starts at the grid point nearest `ideal`
    /// (or a neighbour), moved by the knobs' shift; `None` if none fits.
    fn plan(&self, ideal: usize, knobs: &SplitKnobs) -> Option<Plan> {
        let (from, to) = (self.from as isize, self.to as isize);
        let ratio = f64::from(self.to) / f64::from(self.from);
        let io_ratio = f64::from(self.from) / f64::from(self.to);
        let shift = knobs.start_shift;
        let shift_out = shift * to / from;
        if shift_out * from != shift * to {
            return None;
        }
        let Grid {
            period, period_out, ..
        } = self.grid;
        let whole = soxr_count(self.n, io_ratio);
        let k = (ideal + period / 2) / period;
        [k, k + 1, k.saturating_sub(1)].into_iter().find_map(|k| {
            let skip_out = k.checked_mul(period_out)?.checked_add_signed(shift_out)?;
            let start = k.checked_mul(period)?.checked_add_signed(shift)?;
            let stop = start.checked_add(self.overrun)?;
            // Worth a thread, and the fresh stream's flush gives as many
            // samples as the one stream's would (so the ends match).
            let fits = k > 0 && stop.saturating_add(self.overrun) < self.n;
            (fits && whole == skip_out + soxr_count(self.n - start, io_ratio)).then(|| Plan {
                start,
                stop,
                skip_out,
                check_from: skip_out + (self.grid.transient as f64 * ratio).ceil() as usize,
            })
        })
    }

    /// The plan the second thread picks when it starts, the first having
    /// read `progress` frames: both then have about as much left.
    fn plan_from(&self, progress: usize, knobs: &SplitKnobs) -> Option<Plan> {
        let ideal = match knobs.share {
            Some(share) => (self.n as f64 * share) as usize,
            None => (self.n + progress).checked_sub(self.overrun)? / 2,
        };
        self.plan(ideal, knobs)
    }
}

/// Whether resampling `frames` frames on this pool may split (the grid and
/// a free thread decide at run time).
pub(crate) fn worthwhile(frames: usize) -> bool {
    frames >= MIN_SPLIT_FRAMES && rayon::current_num_threads() > 1
}

/// `resample` of a whole buffer: on two threads when it pays (see the
/// module docs), always the one stream's samples.
pub(crate) fn resample_whole(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>> {
    resample_traced(input, from, to, &SplitKnobs::default()).map(|(y, _)| y)
}

/// No second stream (yet): the value of [`Meeting::start`].
const UNDECIDED: usize = usize::MAX;
/// No second stream, ever.
const ALONE: usize = usize::MAX - 1;

/// What the two threads share.
struct Meeting {
    /// Input frames the one stream has read.
    progress: AtomicUsize,
    /// The fresh stream's start: [`UNDECIDED`], [`ALONE`], or an input
    /// frame (the second thread set a plan).
    start: AtomicUsize,
    /// The second thread's plan (set before `start`).
    plan: OnceLock<Plan>,
    /// The one stream finished alone: the fresh one may stop.
    abandoned: AtomicBool,
    /// The fresh stream is done (or failed, or never started).
    fresh_done: AtomicBool,
    /// A detached second part's result, set before `fresh_done`.
    fresh: Mutex<Option<Result<Vec<f32>>>>,
}

impl Meeting {
    /// Sets the start once; whether this call set it.
    fn decide(&self, start: usize) -> bool {
        self.start
            .compare_exchange(UNDECIDED, start, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

/// [`resample_whole`], telling how it went (tests and benches).
#[doc(hidden)]
pub fn resample_traced(
    input: &[f32],
    from: u32,
    to: u32,
    knobs: &SplitKnobs,
) -> Result<(Vec<f32>, SplitPath)> {
    resample_frames(input, from, to, knobs)
}

/// Resamples all of `input` (see the module docs).
pub(crate) fn resample_frames(
    input: &(impl Frames + ?Sized),
    from: u32,
    to: u32,
    knobs: &SplitKnobs,
) -> Result<(Vec<f32>, SplitPath)> {
    let n = input.len();
    let mut first = Resampler::new(from, to, n)?;
    let min_frames = knobs.min_frames.unwrap_or(MIN_SPLIT_FRAMES);
    let split = (n >= min_frames && rayon::current_num_threads() > 1)
        .then(|| first.grid())
        .flatten()
        .map(|grid| Split::new(n, from, to, grid));
    let Some(split) = split else {
        feed(&mut first, input, 0..n, &mut Scratch::default())?;
        return Ok((first.finish()?, SplitPath::OneStream));
    };
    let meeting = Arc::new(Meeting {
        progress: AtomicUsize::new(0),
        start: AtomicUsize::new(UNDECIDED),
        plan: OnceLock::new(),
        abandoned: AtomicBool::new(false),
        fresh_done: AtomicBool::new(false),
        fresh: Mutex::new(None),
    });
    let (first, second) = match input.detached() {
        Some(owned) => {
            let (shared, detached_knobs) = (Arc::clone(&meeting), *knobs);
            rayon::spawn(move || {
                let fresh = run_second(&*owned, &split, &shared, &detached_knobs);
                // Published before `fresh_done`.
                *shared.fresh.lock().unwrap_or_else(PoisonError::into_inner) = fresh;
                shared.fresh_done.store(true, Ordering::Release);
            });
            let first = run_first(first, input, &meeting, knobs.patient);
            let second = match &first {
                Ok(First::Head(..)) => meeting
                    .fresh
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take(),
                _ => None,
            };
            (first, second)
        }
        None => rayon::join(
            || run_first(first, input, &meeting, knobs.patient),
            || {
                let fresh = run_second(input, &split, &meeting, knobs);
                meeting.fresh_done.store(true, Ordering::Release);
                fresh
            },
        ),
    };
    let (mut first, plan) = match first? {
        First::Whole(y) => return Ok((y, SplitPath::OneStream)),
        First::Head(first, plan) => (first, plan),
    };
    if let Some(Ok(fresh)) = second
        && let Some(fresh) = agreeing_part(first.output(), &fresh, &plan)
    {
        let mut y = first.into_output();
        y.truncate(plan.check_from);
        y.extend_from_slice(fresh);
        y.resize(fixed_length(n, f64::from(to) / f64::from(from)), 0.0);
        return Ok((y, SplitPath::Split));
    }
    // The fresh stream failed or disagreed: the one stream goes on.
    let read = meeting.progress.load(Ordering::Acquire);
    feed(&mut first, input, read..n, &mut Scratch::default())?;
    Ok((first.finish()?, SplitPath::Mismatch))
}

/// What the first part ends with.
enum First {
    /// It resampled everything alone.
    Whole(Vec<f32>),
    /// Its stream up to (at least) the plan's `stop`.
    Head(Resampler, Plan),
}

/// The one stream: reads on in chunks until the fresh stream is done past
/// its plan's `stop`, or to the end (alone) when no second thread came in
/// time or the fresh stream is still running there (a thread of a busy
/// machine: the one stream then never waits for it).
fn run_first(
    mut first: Resampler,
    input: &(impl Frames + ?Sized),
    meeting: &Meeting,
    patient: bool,
) -> Result<First> {
    let mut scratch = Scratch::default();
    while patient && meeting.start.load(Ordering::Acquire) == UNDECIDED {
        rayon::yield_now();
    }
    let mut read = 0;
    loop {
        let start = meeting.start.load(Ordering::Acquire);
        let plan = (start != UNDECIDED && start != ALONE)
            .then(|| meeting.plan.get().copied())
            .flatten();
        if let Some(plan) = plan
            && read >= plan.stop
            && read < input.len()
        {
            if meeting.fresh_done.load(Ordering::Acquire) {
                return Ok(First::Head(first, plan));
            }
            if patient {
                rayon::yield_now();
                continue;
            }
        }
        if read == input.len() {
            if start == UNDECIDED && !meeting.decide(ALONE) {
                continue;
            }
            meeting.abandoned.store(true, Ordering::Release);
            return first.finish().map(First::Whole);
        }
        let end = (read + FEED_FRAMES).min(input.len());
        first.feed(input.get(read..end, &mut scratch)?)?;
        read = end;
        meeting.progress.store(read, Ordering::Release);
    }
}

/// The fresh stream: picks its start from the first part's progress (or
/// gives up), then resamples to the end and flushes, unless the first part
/// finished alone meanwhile.
fn run_second(
    input: &(impl Frames + ?Sized),
    split: &Split,
    meeting: &Meeting,
    knobs: &SplitKnobs,
) -> Option<Result<Vec<f32>>> {
    let progress = meeting.progress.load(Ordering::Acquire);
    let Some(plan) = split.plan_from(progress, knobs) else {
        meeting.decide(ALONE);
        return None;
    };
    // Only this thread sets the plan, once, before publishing its start.
    if meeting.plan.set(plan).is_err() || !meeting.decide(plan.start) {
        return None;
    }
    let run = || {
        let n = input.len();
        let mut fresh = Resampler::new(split.from, split.to, n - plan.start)?;
        let mut scratch = Scratch::default();
        let mut at = plan.start;
        while at < n {
            if meeting.abandoned.load(Ordering::Acquire) {
                return Ok(None);
            }
            let end = (at + FEED_FRAMES).min(n);
            fresh.feed(input.get(at..end, &mut scratch)?)?;
            at = end;
        }
        fresh.finish_raw().map(Some)
    };
    run().transpose()
}

/// The fresh stream's outputs from the plan's `check_from` on, when they
/// agree bit for bit with every output the one stream computed there (at
/// least [`MIN_CHECK`]).
fn agreeing_part<'f>(head: &[f32], fresh: &'f [f32], plan: &Plan) -> Option<&'f [f32]> {
    let fresh = fresh.get(plan.check_from.checked_sub(plan.skip_out)?..)?;
    let overlap = head.get(plan.check_from..)?;
    let same = overlap.len() >= MIN_CHECK
        && fresh.len() >= overlap.len()
        && fresh
            .iter()
            .zip(overlap)
            .all(|(a, b)| a.to_bits() == b.to_bits());
    same.then_some(fresh)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Frames behind an `Arc`, handed over whole: the detached path.
    struct Shared(Arc<Vec<f32>>);

    impl Frames for Shared {
        fn len(&self) -> usize {
            self.0.len()
        }

        fn get<'a>(&'a self, range: Range<usize>, _: &'a mut Scratch) -> Result<&'a [f32]> {
            Ok(self.0.get(range).unwrap_or_default())
        }

        fn detached(&self) -> Option<Arc<dyn Frames + Send>> {
            Some(Arc::new(Shared(Arc::clone(&self.0))))
        }
    }

    #[test]
    fn a_detached_second_part_gives_the_one_streams_samples() {
        let mut s = 0x2545_f491_u32;
        let x: Vec<f32> = (0..44_100 * 9 + 123)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s as f32 / u32::MAX as f32 - 0.5) * 1.8
            })
            .collect();
        let alone = SplitKnobs {
            min_frames: Some(usize::MAX),
            ..Default::default()
        };
        let (want, path) = resample_frames(&x[..], 44_100, 22_050, &alone).unwrap();
        assert_eq!(path, SplitPath::OneStream);
        let input = Shared(Arc::new(x));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let bits = |y: &[f32]| y.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        for knobs in [
            SplitKnobs {
                patient: true,
                ..Default::default()
            },
            SplitKnobs::default(),
        ] {
            for _ in 0..5 {
                let (got, path) = pool
                    .install(|| resample_frames(&input, 44_100, 22_050, &knobs))
                    .unwrap();
                assert!(bits(&got) == bits(&want), "{path:?}, {knobs:?}");
                if knobs.patient {
                    assert_eq!(path, SplitPath::Split);
                }
            }
        }
    }
}
