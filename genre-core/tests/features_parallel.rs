//! One signal's MFCC or mel spectrogram split over threads equals the
//! single-threaded result bit for bit, whatever the number of threads
//! (chunk boundaries move).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod blocked_pool;
mod features_common;

use blocked_pool::BlockedPool;
use features_common::lcg_signal;
use genre_core::features::{
    DbConfig, Matrix, MelSpectrogram, MelSpectrogramConfig, Mfcc, MfccConfig, PARALLEL_MIN_VALUES,
    SegmentConfig, SegmentExtractor, delta, power_to_db,
};

fn single(mfcc: &Mfcc, y: &[f32]) -> Matrix {
    let mut scratch = mfcc.scratch();
    let mut out = Matrix::default();
    mfcc.compute_into(y, &mut scratch, &mut out).unwrap();
    out
}

fn same_bits(a: &Matrix, b: &Matrix) -> bool {
    a.shape() == b.shape()
        && a.as_slice()
            .iter()
            .zip(b.as_slice())
            .all(|(x, y)| x.to_bits() == y.to_bits())
}

#[test]
fn parallel_mfcc_is_bit_identical_to_single_threaded() {
    // A loud burst in the middle moves the global top_db maximum into one chunk.
    let mut y = lcg_signal(22_050 * 7 + 333);
    for v in y.iter_mut().skip(80_000).take(2_000) {
        *v *= 40.0;
    }
    let configs = [
        MfccConfig {
            n_mfcc: 13,
            ..Default::default()
        },
        // Odd FFT size and hop, no centring, lifter, a low fmax.
        MfccConfig {
            n_mfcc: 17,
            lifter: 22.0,
            mel: MelSpectrogramConfig {
                center: false,
                fmax: Some(8_000.0),
                n_mels: 37,
                hop_length: 333,
                n_fft: 999,
                ..Default::default()
            },
            ..Default::default()
        },
    ];
    for config in configs {
        let mfcc = Mfcc::new(config).unwrap();
        for len in [y.len(), 2_048, 2_048 + 512 * 9, 22_050 * 3 + 1] {
            let y = &y[..len];
            let want = single(&mfcc, y);
            for threads in [1, 2, 3, 5] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let got = pool.install(|| mfcc.compute_parallel(y).unwrap());
                assert!(same_bits(&got, &want), "{len} samples, {threads} threads");
                let auto = pool.install(|| mfcc.compute(y).unwrap());
                assert!(same_bits(&auto, &want), "compute, {len}, {threads}");
            }
        }
    }
}

#[test]
fn parallel_mfcc_rejects_bad_signals() {
    // The split paths check the samples inside their tasks: the error must
    // be the single-threaded one (first bad sample), whatever the pool,
    // also when frames skip samples (hop > n_fft) and for short signals.
    let gaps = MelSpectrogramConfig {
        n_fft: 512,
        hop_length: 700,
        center: false,
        ..Default::default()
    };
    for mel in [MelSpectrogramConfig::default(), gaps] {
        let mfcc = Mfcc::new(MfccConfig {
            mel,
            ..Default::default()
        })
        .unwrap();
        let plan = MelSpectrogram::new(mel).unwrap();
        let db = DbConfig::default();
        let mut cases = vec![vec![], vec![f32::NAN; 100]];
        // 513: in a gap between frames (hop 700 > n_fft 512); 250_000: the
        // last sample, in no frame of `gaps`.
        let bad = [
            vec![(200_000, f32::NAN)],
            vec![(40_000, f32::INFINITY), (190_000, f32::NAN)],
            vec![(513, f32::NEG_INFINITY)],
            vec![(250_000, f32::NAN)],
        ];
        for samples in bad {
            let mut y = lcg_signal(250_001);
            for (at, v) in samples {
                y[at] = v;
            }
            cases.push(y);
        }
        for y in &cases {
            let want = {
                let mut scratch = mfcc.scratch();
                let err = mfcc.compute_into(y, &mut scratch, &mut Matrix::default());
                err.unwrap_err().to_string()
            };
            for threads in [1, 2, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| {
                    let errs = [
                        mfcc.compute_parallel(y).unwrap_err(),
                        mfcc.compute(y).unwrap_err(),
                        plan.compute(y).unwrap_err(),
                        plan.compute_db(y, &db).unwrap_err(),
                    ];
                    for e in errs {
                        assert_eq!(e.to_string(), want, "{threads} threads");
                    }
                });
            }
        }
    }
}

#[test]
fn parallel_melspectrogram_is_bit_identical_to_single_threaded() {
    let mut y = lcg_signal(22_050 * 7 + 333);
    for v in y.iter_mut().skip(80_000).take(2_000) {
        *v *= 40.0;
    }
    let db = DbConfig::default();
    for config in [
        MelSpectrogramConfig::default(),
        MelSpectrogramConfig {
            center: false,
            n_mels: 37,
            hop_length: 333,
            n_fft: 999,
            ..Default::default()
        },
    ] {
        let plan = MelSpectrogram::new(config).unwrap();
        for len in [y.len(), 2_048, 22_050 * 3 + 1] {
            let y = &y[..len];
            let mut want = Matrix::default();
            plan.compute_into(y, &mut plan.scratch(), &mut want)
                .unwrap();
            let mut want_db = want.clone();
            power_to_db(want_db.as_mut_slice(), &db).unwrap();
            for threads in [1, 2, 3, 5] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let (got, got_db) =
                    pool.install(|| (plan.compute(y).unwrap(), plan.compute_db(y, &db).unwrap()));
                assert!(same_bits(&got, &want), "{len} samples, {threads} threads");
                assert!(same_bits(&got_db, &want_db), "dB, {len}, {threads}");
            }
        }
    }
}

/// `pool(threads)` for each of 1, 2, 3 and 5 threads.
fn pools() -> impl Iterator<Item = (usize, rayon::ThreadPool)> {
    [1, 2, 3, 5].into_iter().map(|threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        (threads, pool)
    })
}

#[test]
fn parallel_power_to_db_and_delta_are_bit_identical() {
    let y = lcg_signal(PARALLEL_MIN_VALUES * 3 + 17);
    let power: Vec<f32> = y.iter().map(|v| v * v * 1e3).collect();
    let (rows, cols) = (power.len() / 1_000, 1_000);
    let m = Matrix::from_vec(rows, cols, power[..rows * cols].to_vec()).unwrap();
    let db = DbConfig {
        reference: 3.0,
        ..Default::default()
    };
    // Serial references: on a one-thread pool nothing is split.
    let (_, one) = pools().next().unwrap();
    let (want_db, want_delta) = one.install(|| {
        let mut s = power.clone();
        power_to_db(&mut s, &db).unwrap();
        (s, delta(&m, 9, 2).unwrap())
    });
    for (threads, pool) in pools() {
        let (got_db, got_delta) = pool.install(|| {
            let mut s = power.clone();
            power_to_db(&mut s, &db).unwrap();
            (s, delta(&m, 9, 2).unwrap())
        });
        let same = got_db
            .iter()
            .zip(&want_db)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "power_to_db, {threads} threads");
        assert!(
            same_bits(&got_delta, &want_delta),
            "delta, {threads} threads"
        );
    }
}

/// A worker that never comes (stuck for the whole call) changes no bit of
/// any split computation, and the calling thread does all the work itself
/// instead of waiting for it.
#[test]
fn a_stuck_worker_changes_nothing_and_is_not_waited_for() {
    let mut y = lcg_signal(22_050 * 31 + 99);
    for v in y.iter_mut().skip(300_000).take(3_000) {
        *v *= 30.0;
    }
    let mfcc = Mfcc::new(MfccConfig {
        n_mfcc: 13,
        ..Default::default()
    })
    .unwrap();
    let plan = mfcc.mel_spectrogram();
    let db = DbConfig::default();
    let segments = SegmentExtractor::new(SegmentConfig::default()).unwrap();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let want = one.install(|| {
        (
            single(&mfcc, &y),
            plan.compute(&y).unwrap(),
            plan.compute_db(&y, &db).unwrap(),
            segments.extract(&y).unwrap(),
            segments.mean_mfcc(&y).unwrap(),
        )
    });
    assert_eq!(want.3.count(), 10);
    let stuck = BlockedPool::new();
    for round in 0..3 {
        let got = stuck.run("features", || {
            (
                mfcc.compute(&y).unwrap(),
                mfcc.compute_parallel(&y).unwrap(),
                plan.compute(&y).unwrap(),
                plan.compute_db(&y, &db).unwrap(),
                segments.extract(&y).unwrap(),
                segments.extract_parallel(&y).unwrap(),
                segments.mean_mfcc(&y).unwrap(),
            )
        });
        assert!(same_bits(&got.0, &want.0), "mfcc, round {round}");
        assert!(same_bits(&got.1, &want.0), "mfcc parallel, round {round}");
        assert!(same_bits(&got.2, &want.1), "melspec, round {round}");
        assert!(same_bits(&got.3, &want.2), "melspec dB, round {round}");
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for s in [&got.4, &got.5] {
            assert_eq!(s.windows(), want.3.windows(), "round {round}");
            assert!(
                bits(s.as_slice()) == bits(want.3.as_slice()),
                "segments, round {round}"
            );
        }
        assert!(bits(&got.6) == bits(&want.4), "mean, round {round}");
    }
}
