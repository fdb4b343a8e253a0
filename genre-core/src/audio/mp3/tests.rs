//! Which streams genre's decoder takes (and which go to symphonia), and what
//! the fixtures contain. Parity with symphonia is in
//! `genre-core/tests/audio_mp3.rs`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use super::demux::Frames;
use super::granule::Block;
use super::header::Mode;
use super::run::Run;
use super::sideinfo::SideInfo;
use super::*;

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files: Vec<PathBuf> = ["tests/fixtures/mp3", "tests/fixtures/audio"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mp3"))
        .collect();
    files.sort();
    files
}

/// Counts of (long, start, short, mixed, stop) granule channels, of
/// mid/side frames, of frames, and of stereo granules whose channels
/// switch windows differently (a mono load then feeds both halves to one
/// hybrid stage; in joint stereo symphonia drops such frames, genre decodes
/// them as libmpg123 does — LAME never writes them).
fn census(data: &[u8]) -> ([usize; 5], usize, usize, usize) {
    let mut frames = Frames::new(data, demux::stream_start(data).unwrap());
    let (mut blocks, mut ms, mut n, mut mismatched) = ([0usize; 5], 0, 0, 0);
    while let Some((h, bytes)) = frames.next_frame() {
        n += 1;
        if matches!(h.mode, Mode::Joint { mid_side: true, .. }) {
            ms += 1;
        }
        let Some(Ok(si)) = bytes
            .get(h.header_len()..h.header_len() + h.side_info_len())
            .map(|b| SideInfo::read(b, &h))
        else {
            continue;
        };
        for g in &si.granules[..h.granules()] {
            if h.channels() == 2 && g[0].block != g[1].block {
                mismatched += 1;
            }
            for c in &g[..h.channels()] {
                let i = match c.block.0 {
                    Block::Long => 0,
                    Block::Start => 1,
                    Block::Short => 2,
                    Block::Mixed => 3,
                    Block::Stop => 4,
                };
                blocks[i] += 1;
            }
        }
    }
    (blocks, ms, n, mismatched)
}

#[test]
fn every_fixture_takes_genres_decoder() {
    let window = Window::all(3600.0);
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let decoded = decode(&data, &path, &window).unwrap();
        assert!(decoded.is_some(), "{} went to symphonia", path.display());
        let (blocks, ms, n, mismatched) = census(&data);
        println!(
            "{:<36} {n:>4} frames, {ms:>4} M/S, {mismatched} stereo granules with unequal blocks; \
             granule channels long/start/short/mixed/stop {blocks:?}",
            path.file_name().unwrap().to_string_lossy()
        );
        if path.to_string_lossy().contains("transients") {
            assert!(blocks[2] > 0, "{}: no short blocks", path.display());
        }
    }
}

/// A stream with intensity stereo restarts in symphonia (`None` here).
#[test]
fn intensity_stereo_goes_to_symphonia() {
    let path = fixtures()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("mpeg1_44100_joint_cbr_info"))
        .unwrap();
    let mut data = std::fs::read(&path).unwrap();
    let mut frames = Frames::new(&data, 0);
    let mut at = Vec::new();
    while let Some((h, _)) = frames.next_frame() {
        at.push(frames.pos - h.frame_len);
    }
    // Set the intensity bit of the mode extension of one frame.
    let mid = at[at.len() / 2];
    data[mid + 3] |= 0x50;
    assert!(
        decode(&data, &path, &Window::all(3600.0))
            .unwrap()
            .is_none()
    );
}

/// A run primed with the 8 frames before frame `k` continues exactly where
/// one sequential run is at frame `k` (bit reservoir, overlap and synthesis
/// state all rebuilt): what a split decode relies on.
#[test]
fn priming_eight_frames_continues_bit_exactly() {
    let window = Window::all(3600.0);
    for name in [
        "mpeg1_44100_joint_cbr_info",
        "mpeg1_44100_low_32k",
        "mpeg2_22050_joint",
    ] {
        let path = fixtures()
            .into_iter()
            .find(|p| p.to_string_lossy().contains(name))
            .unwrap();
        let data = std::fs::read(&path).unwrap();
        let stream = demux::Stream::open(&data).unwrap();
        let whole = decode(&data, &path, &window).unwrap().unwrap();
        let frames: Vec<_> = stream.frames().collect();
        let k = frames.len() / 2;
        let mut run = Run::new(&window, stream.claimed, &path);
        for f in &frames[k - 8..k] {
            run.prime(f);
        }
        for f in &frames[k..] {
            assert!(run.feed(f).unwrap());
        }
        assert!(frames[k].pos > 0);
        let part = run.finish().unwrap();
        let skip = usize::try_from(frames[k].ts).unwrap() * whole.channels;
        assert_eq!(part.samples.len(), whole.samples.len() - skip, "{name}");
        assert!(part.samples == whole.samples[skip..], "{name}");
    }
}
