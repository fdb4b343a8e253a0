//! Invalid configurations and signals give typed errors, never panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use genre_core::Error;
use genre_core::features::{
    DbConfig, Matrix, MelSpectrogramConfig, Mfcc, MfccConfig, SegmentConfig, SegmentExtractor,
    delta,
};

fn with_mel(f: impl FnOnce(&mut MelSpectrogramConfig)) -> MfccConfig {
    let mut c = MfccConfig::default();
    f(&mut c.mel);
    c
}

fn invalid_parameter(config: MfccConfig) -> &'static str {
    match Mfcc::new(config) {
        Err(Error::InvalidConfig { parameter, .. }) => parameter,
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
}

#[test]
fn invalid_configs_name_the_parameter() {
    assert_eq!(invalid_parameter(with_mel(|m| m.n_fft = 0)), "n_fft");
    assert_eq!(
        invalid_parameter(with_mel(|m| m.hop_length = 0)),
        "hop_length"
    );
    assert_eq!(invalid_parameter(with_mel(|m| m.n_mels = 0)), "n_mels");
    assert_eq!(
        invalid_parameter(MfccConfig {
            n_mfcc: 0,
            ..Default::default()
        }),
        "n_mfcc"
    );
    assert_eq!(
        invalid_parameter(MfccConfig {
            n_mfcc: 129,
            ..Default::default()
        }),
        "n_mfcc"
    );
    assert_eq!(
        invalid_parameter(with_mel(|m| m.fmax = Some(11_026.0))),
        "fmax"
    );
    assert_eq!(
        invalid_parameter(with_mel(|m| m.fmax = Some(f64::NAN))),
        "fmax"
    );
    assert_eq!(invalid_parameter(with_mel(|m| m.fmin = -1.0)), "fmin");
    assert_eq!(invalid_parameter(with_mel(|m| m.fmin = 12_000.0)), "fmax");
    assert_eq!(
        invalid_parameter(with_mel(|m| m.sample_rate = 0.0)),
        "sample_rate"
    );
    assert_eq!(
        invalid_parameter(with_mel(|m| m.win_length = Some(4096))),
        "win_length"
    );
    assert_eq!(
        invalid_parameter(with_mel(|m| m.n_fft = usize::MAX)),
        "n_fft"
    );
    assert_eq!(
        invalid_parameter(MfccConfig {
            lifter: -1.0,
            ..Default::default()
        }),
        "lifter"
    );
    let db = DbConfig {
        amin: 0.0,
        ..DbConfig::default()
    };
    assert_eq!(
        invalid_parameter(MfccConfig {
            db,
            ..Default::default()
        }),
        "amin"
    );
    let db = DbConfig {
        top_db: Some(-1.0),
        ..DbConfig::default()
    };
    assert_eq!(
        invalid_parameter(MfccConfig {
            db,
            ..Default::default()
        }),
        "top_db"
    );
    let seg = SegmentConfig {
        num_segments: 0,
        ..SegmentConfig::default()
    };
    assert!(matches!(
        SegmentExtractor::new(seg),
        Err(Error::InvalidConfig { .. })
    ));
    let seg = SegmentConfig {
        hop_length: 0,
        ..SegmentConfig::default()
    };
    assert!(matches!(
        SegmentExtractor::new(seg),
        Err(Error::InvalidConfig { .. })
    ));
}

#[test]
fn bad_signals_are_rejected() {
    let mfcc = Mfcc::new(MfccConfig::default()).unwrap();
    let bad = |y: &[f32]| matches!(mfcc.compute(y), Err(Error::InvalidSignal { .. }));
    assert!(bad(&[]));
    assert!(bad(&[0.0, f32::NAN, 0.0]));
    assert!(bad(&[f32::INFINITY; 4096]));
    assert!(bad(&[0.0, 0.0, f32::NEG_INFINITY]));
    let ex = SegmentExtractor::new(SegmentConfig::default()).unwrap();
    assert!(matches!(ex.extract(&[]), Err(Error::InvalidSignal { .. })));
    assert!(matches!(
        ex.mean_mfcc(&[f32::NAN]),
        Err(Error::InvalidSignal { .. })
    ));
    // Uncentred analysis needs at least n_fft samples.
    let nc = Mfcc::new(with_mel(|m| m.center = false)).unwrap();
    assert!(matches!(
        nc.compute(&[0.5; 2047]),
        Err(Error::InvalidSignal { .. })
    ));
    assert_eq!(nc.compute(&[0.5; 2048]).unwrap().shape(), (20, 1));
    // A single sample still gives one centred frame, like librosa.
    assert_eq!(mfcc.compute(&[0.5]).unwrap().shape(), (20, 1));
}

#[test]
fn delta_rejects_bad_widths_and_orders() {
    let m = Matrix::zeros(13, 10);
    for (w, o) in [(8, 1), (1, 1), (11, 1), (9, 0), (3, 3)] {
        assert!(
            matches!(delta(&m, w, o), Err(Error::InvalidConfig { .. })),
            "{w} {o}"
        );
    }
    assert_eq!(delta(&m, 9, 2).unwrap().shape(), (13, 10));
}

#[test]
fn extractor_is_send_sync_and_reusable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Mfcc>();
    assert_send_sync::<SegmentExtractor>();
    let mfcc = Mfcc::new(MfccConfig {
        n_mfcc: 13,
        ..Default::default()
    })
    .unwrap();
    let y: Vec<f32> = (0..50_000)
        .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5)
        .collect();
    let want = mfcc.compute(&y).unwrap();
    let mut scratch = mfcc.scratch();
    let mut out = Matrix::default();
    // Longer, then shorter, then the same signal: identical results.
    mfcc.compute_into(&y, &mut scratch, &mut out).unwrap();
    mfcc.compute_into(&y[..10_000], &mut scratch, &mut out)
        .unwrap();
    assert_eq!(out, mfcc.compute(&y[..10_000]).unwrap());
    mfcc.compute_into(&y, &mut scratch, &mut out).unwrap();
    assert_eq!(out, want);
    let threads: Vec<Matrix> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| s.spawn(|| mfcc.compute(&y).unwrap()))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(threads.iter().all(|m| *m == want));
}

#[test]
fn batch_extraction_matches_single() {
    let ex = SegmentExtractor::new(SegmentConfig::default()).unwrap();
    let a: Vec<f32> = (0..22_050 * 8)
        .map(|i| ((i * 31) % 97) as f32 / 97.0 - 0.5)
        .collect();
    let b: Vec<f32> = (0..22_050 * 4)
        .map(|i| ((i * 17) % 89) as f32 / 89.0 - 0.5)
        .collect();
    let batch = ex.extract_batch(&[a.clone(), b.clone(), Vec::new()]);
    assert_eq!(batch[0].as_ref().unwrap(), &ex.extract(&a).unwrap());
    assert_eq!(batch[1].as_ref().unwrap().shape(), (1, 130, 13));
    assert!(batch[2].is_err());
}
