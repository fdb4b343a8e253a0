//! The split decode equals the sequential one, bit for bit, at every cut
//! tried on every MP3 fixture, for stereo, mono and resampled mono loads;
//! a second part primed on too little (forced) is detected and dropped; a
//! second thread that never starts (its worker blocked) leaves the first
//! thread decoding on in order; one that falls behind (slowed down) has
//! half of its frames taken by the first thread, kept when primed right and
//! decoded again in order when not (forced).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::decode_planned;
use super::split::{self, CLAIMED, JOINS, Plan, REDONE, TAKEN};
use crate::audio::decode::Decoded;
use crate::audio::split_fixtures::{self, windows};
use crate::audio::window::Window;

fn fixtures() -> Vec<PathBuf> {
    let files = split_fixtures::fixtures("mp3");
    assert!(files.len() >= 10);
    files
}

fn sequential(data: &[u8], path: &Path, window: &Window) -> Option<Decoded> {
    decode_planned(data, path, window, |_, _| None).unwrap()
}

fn split_at(
    data: &[u8],
    path: &Path,
    window: &Window,
    target: usize,
    prime_nothing: bool,
) -> Option<Decoded> {
    decode_planned(data, path, window, |stream, _| {
        let plan = Plan {
            await_second: true,
            ..split::plan_at(stream, target)?
        };
        if !prime_nothing {
            return Some(plan);
        }
        let cut = stream.frames().find(|f| f.pos == plan.cut)?;
        Some(Plan {
            prime: (cut.pos, cut.ts),
            ..plan
        })
    })
    .unwrap()
}

/// A split decode at the middle of the file with `plan` changed by `tweak`.
fn split_with(
    data: &[u8],
    path: &Path,
    window: &Window,
    tweak: impl Fn(Plan) -> Plan,
) -> Option<Decoded> {
    decode_planned(data, path, window, |stream, _| {
        Some(tweak(split::plan_at(stream, data.len() / 2)?))
    })
    .unwrap()
}

/// Calls `check` with every fixture (path, bytes) and load (window), and
/// that load's sequential decode.
fn for_each_load(mut check: impl FnMut(&Path, &[u8], &Window, Option<Decoded>)) {
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        for window in windows() {
            let want = sequential(&data, &path, &window);
            check(&path, &data, &window, want);
        }
    }
}

/// A pool of two threads.
fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
}

fn same(a: &Option<Decoded>, b: &Option<Decoded>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.channels == b.channels
                && a.sample_rate == b.sample_rate
                && a.truncated
                    .as_ref()
                    .map(|t| (t.expected_frames, t.decoded_frames))
                    == b.truncated
                        .as_ref()
                        .map(|t| (t.expected_frames, t.decoded_frames))
                && a.samples.len() == b.samples.len()
                && a.samples
                    .iter()
                    .zip(&b.samples)
                    .all(|(x, y)| x.to_bits() == y.to_bits())
        }
        _ => false,
    }
}

#[test]
fn split_decodes_equal_sequential_ones_on_every_fixture() {
    let (mut tried, joins_before) = (0, JOINS.get());
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        for window in windows() {
            let want = sequential(&data, &path, &window);
            for target in (0..data.len()).step_by(data.len() / 23 + 1) {
                let got = split_at(&data, &path, &window, target, false);
                assert!(
                    same(&got, &want),
                    "{} cut at {target} ({window:?})",
                    path.display()
                );
                tried += 1;
            }
        }
    }
    let joins = JOINS.get() - joins_before;
    eprintln!("{joins} of {tried} split decodes kept their second part");
    // Cuts within PRIME_BYTES of the start, or in a fixture genre leaves to
    // symphonia, stay sequential; most others join.
    assert!(joins * 2 > tried, "{joins} of {tried}");
}

#[test]
fn an_unprimed_second_part_is_dropped() {
    let (mut tried, joins_before) = (0, JOINS.get());
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let window = windows()[1];
        let want = sequential(&data, &path, &window);
        for target in [data.len() / 3, data.len() / 2] {
            let got = split_at(&data, &path, &window, target, true);
            assert!(same(&got, &want), "{} cut at {target}", path.display());
            tried += 1;
        }
    }
    assert!(tried > 0);
    // A fresh decoder never holds the state of a stream's middle.
    assert_eq!(JOINS.get(), joins_before);
}

#[test]
fn a_second_thread_that_never_starts_is_not_waited_for() {
    let pool = pool();
    let (mut claimed, mut tried) = (0, 0);
    for_each_load(|path, data, window, want| {
        // One worker blocked: the second part stays queued behind the
        // first, which finds it not started at the cut.
        let (started_tx, started_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        pool.spawn(move || {
            started_tx.send(()).unwrap();
            let _ = release_rx.recv();
        });
        started_rx.recv().unwrap();
        let (got, n) = pool.install(|| {
            let before = CLAIMED.get();
            let got = split_with(data, path, window, |plan| plan);
            (got, CLAIMED.get() - before)
        });
        release_tx.send(()).unwrap();
        assert!(same(&got, &want), "{} ({window:?})", path.display());
        claimed += n;
        tried += 1;
    });
    eprintln!("{claimed} of {tried} decodes went on in order at the cut");
    // Every fixture long enough to be cut at its middle.
    assert!(claimed * 2 > tried, "{claimed} of {tried}");
}

/// Split decodes of every fixture and load with a second thread slowed to
/// one frame per millisecond; the counts of (taken, redone) halves.
fn slowed(take_unprimed: bool) -> (usize, usize) {
    let pool = pool();
    let (mut taken, mut redone) = (0, 0);
    for_each_load(|path, data, window, want| {
        let (got, t, r) = pool.install(|| {
            let before = (TAKEN.get(), REDONE.get());
            let got = split_with(data, path, window, |plan| Plan {
                pace: Duration::from_millis(1),
                await_second: true,
                take_unprimed,
                ..plan
            });
            (got, TAKEN.get() - before.0, REDONE.get() - before.1)
        });
        assert!(same(&got, &want), "{} ({window:?})", path.display());
        (taken, redone) = (taken + t, redone + r);
    });
    (taken, redone)
}

#[test]
fn half_of_a_slow_second_part_is_taken() {
    let (taken, redone) = slowed(false);
    eprintln!("{taken} halves taken and kept, {redone} decoded again");
    assert!(taken >= 6, "{taken}");
    assert_eq!(redone, 0);
}

#[test]
fn a_taken_half_primed_on_nothing_is_decoded_again_in_order() {
    let (taken, redone) = slowed(true);
    eprintln!("{taken} halves taken and kept, {redone} decoded again");
    assert!(redone >= 6, "{redone}");
}
