//! A load on rayon's pool (the packets read on one thread and handed to a
//! second decoder as they are read, the rest decoded by the reading thread,
//! both streamed into one resampler) gives the samples of a load on one
//! thread, bit for bit — also for truncated and corrupt files, which must
//! load (or fail) exactly as they do in order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod same_load;

use std::path::{Path, PathBuf};

use genre_core::Result;
use genre_core::audio::{LoadOptions, Signal, Source, info, load};
use same_load::{assert_same, options};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load_on(threads: usize, data: &[u8], options: &LoadOptions) -> Result<Signal> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| load(Source::bytes(data, Some("clip")), options))
}

/// ~6 s of MPEG-1 layer III: the 44.1 kHz fixture's audio frames eight
/// times over, without its Xing frame (whose frame count would make the
/// file short), so that the length is estimated from the size and the load
/// splits.
fn long_mp3() -> Vec<u8> {
    let mp3 = std::fs::read(root().join("tests/fixtures/audio/mp3_44100_stereo.mp3")).unwrap();
    // MPEG-1 layer III, no CRC: bitrate index in the high nibble of byte 2,
    // 44.1 kHz, padding bit 1 of byte 2.
    assert_eq!(&mp3[..2], &[0xff, 0xfb], "the fixture starts with a frame");
    assert_eq!(mp3[2] & 0x0c, 0, "44.1 kHz");
    let kbps = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    let bitrate = kbps[usize::from(mp3[2] >> 4)] * 1000;
    let first = 144 * bitrate / 44_100 + usize::from((mp3[2] >> 1) & 1);
    assert_eq!(&mp3[first..first + 2], &[0xff, 0xfb], "a frame follows");
    mp3[first..].repeat(8)
}

fn clips() -> Vec<(&'static str, Vec<u8>)> {
    let ogg = std::fs::read(root().join("examples/traveling_minstrels_20s.ogg")).unwrap();
    let mp3 = long_mp3();
    for data in [&ogg, &mp3] {
        let claimed = info(Source::bytes(data, None)).unwrap().frames;
        assert!(claimed > 200_000, "long enough to split: {claimed} frames");
    }
    vec![("ogg", ogg), ("mp3", mp3)]
}

#[test]
fn two_threads_load_what_one_thread_loads() {
    for (name, data) in clips() {
        for options in options() {
            let what = format!("{name} {options:?}");
            assert_same(
                &load_on(1, &data, &options),
                &load_on(2, &data, &options),
                &what,
            );
        }
    }
}

#[test]
fn truncated_and_corrupt_files_load_on_two_threads_as_on_one() {
    for (name, data) in clips() {
        let n = data.len();
        let mut variants = Vec::new();
        for cut in [n / 5, n / 2, 4 * n / 5, n - 100] {
            variants.push((format!("cut at byte {cut}"), data[..cut].to_vec()));
        }
        for at in [n / 4, 3 * n / 4] {
            let mut bad = data.clone();
            bad[at..at + 300].fill(0x3c);
            variants.push((format!("junk at byte {at}"), bad));
        }
        let mut bad = data.clone();
        for i in (n / 10..n).step_by(n / 40) {
            bad[i] ^= 0x5a;
        }
        variants.push(("bytes flipped throughout".into(), bad));
        for (how, variant) in &variants {
            for options in &options()[..3] {
                let what = format!("{name} {how} {options:?}");
                assert_same(
                    &load_on(1, variant, options),
                    &load_on(2, variant, options),
                    &what,
                );
            }
        }
    }
}

/// Loads reuse Vorbis decoders (reset) of earlier loads with the same
/// headers, whole or stopped early by a window: the samples never depend on
/// what was loaded before.
#[test]
fn loads_give_the_same_samples_in_any_order() {
    let (_, ogg) = clips().swap_remove(0);
    let windows = [
        (0.0, None),
        (5.0, Some(3.0)),
        (0.0, Some(2.0)),
        (12.5, None),
    ];
    let run = |order: &[usize], threads: usize| {
        let mut got = vec![None; windows.len()];
        for &i in order {
            let (offset, duration) = windows[i];
            let options = LoadOptions {
                offset,
                duration,
                ..Default::default()
            };
            got[i] = Some(load_on(threads, &ogg, &options).unwrap().samples);
        }
        got
    };
    let forward = run(&[0, 1, 2, 3], 1);
    for (order, threads) in [([3, 2, 1, 0], 1), ([1, 0, 3, 0], 2), ([2, 3, 0, 1], 2)] {
        let again = run(&order, threads);
        for i in order {
            let len = |v: &Option<Vec<f32>>| v.as_ref().map(Vec::len);
            let same = len(&forward[i]) == len(&again[i])
                && forward[i]
                    .iter()
                    .flatten()
                    .zip(again[i].iter().flatten())
                    .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "window {:?} after {order:?}", windows[i]);
        }
    }
}
