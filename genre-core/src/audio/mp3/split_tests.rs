//! The split decode equals the sequential one, bit for bit, at every cut
//! tried on every MP3 fixture, for stereo, mono and resampled mono loads;
//! a second part primed on too little (forced) is detected and dropped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use super::decode_planned;
use super::split::{self, JOINS, Plan};
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
        let plan = split::plan_at(stream, target)?;
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
