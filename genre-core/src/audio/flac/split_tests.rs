//! The split decode equals the sequential one at every split point tried:
//! on every FLAC fixture, and on a stream with a false sync planted inside
//! a frame (a copy of a valid header in verbatim samples).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::header;
use super::metadata;
use super::split;
use super::walk::{Stop, Walker};
use crate::audio::split_fixtures::{self, windows};
use crate::audio::window::{Collector, Window};

#[path = "../../../tests/flac_common/mod.rs"]
mod flac_common;

use flac_common::{frame, frame_header, stream_header, verbatim};

fn fixtures() -> Vec<PathBuf> {
    split_fixtures::fixtures("flac")
}

/// Decodes `data` in order, or split near `target`; the samples' bits.
fn run(data: &[u8], window: &Window, target: Option<usize>) -> Vec<u32> {
    let path = Path::new("x.flac");
    let info = metadata::read(data).unwrap();
    let mut collector =
        Collector::new(window, info.sample_rate, info.channels, None, path).unwrap();
    let (start, first) = header::find(data, info.audio_start, &info, None).unwrap();
    let mut walker = Walker::new(data, info, first.variable);
    let stop = match target {
        Some(target) => split::decode(&mut walker, &mut collector, start, target, window, path),
        None => walker.run(start, data.len(), &mut collector, &AtomicBool::new(false)),
    }
    .unwrap();
    assert!(
        matches!(stop, Stop::End { .. }) || stop == Stop::At(data.len()),
        "{stop:?}"
    );
    let (samples, _) = collector.finish().unwrap();
    samples.iter().map(|s| s.to_bits()).collect()
}

#[test]
fn split_decodes_equal_sequential_ones_on_every_fixture() {
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let step = (data.len() / 40).max(1);
        for window in windows() {
            let expected = run(&data, &window, None);
            for target in (0..data.len()).step_by(step).chain([data.len() - 1]) {
                assert!(
                    run(&data, &window, Some(target)) == expected,
                    "{}: split near byte {target} ({window:?})",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn a_false_sync_inside_a_frame_is_detected_and_the_decode_continues_in_order() {
    // Ten frames of 64 verbatim samples; frame 3 carries a copy of frame
    // 7's header (valid CRC-8, matching fields) in its samples.
    let fake = frame_header(false, 7, 64, 0, 4);
    assert_eq!(fake.len(), 8);
    let mut data = stream_header(8000, 1, 16, 640);
    let mut planted = 0;
    for n in 0..10u64 {
        let mut samples: Vec<i64> = (0..64)
            .map(|i| ((i * 977 + n as i64 * 131) % 20_001) - 10_000)
            .collect();
        if n == 3 {
            for (k, pair) in fake.chunks(2).enumerate() {
                samples[10 + k] = i64::from(i16::from_be_bytes([pair[0], pair[1]]));
            }
            // Header (8 bytes), subframe header (1), ten samples (20).
            planted = data.len() + 8 + 1 + 20;
        }
        data.extend(frame(frame_header(false, n, 64, 0, 4), |w| {
            verbatim(w, 16, &samples)
        }));
    }
    let info = metadata::read(&data).unwrap();
    assert_eq!(
        header::find(&data, planted - 5, &info, Some(false)).map(|f| f.0),
        Some(planted)
    );
    for window in windows() {
        let expected = run(&data, &window, None);
        let frames = if window.resample_to.is_some() {
            1764
        } else {
            640
        };
        assert_eq!(expected.len(), frames, "{window:?}");
        for target in planted - 12..=planted + 1 {
            assert!(
                run(&data, &window, Some(target)) == expected,
                "near byte {target} ({window:?})"
            );
        }
    }
}
