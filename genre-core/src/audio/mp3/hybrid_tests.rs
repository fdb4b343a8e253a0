//! The hybrid stage against a direct f64 evaluation of the standard's
//! formulas (ISO/IEC 11172-3 2.4.3.4.10) on random spectra.

use super::super::granule::{Block, GRANULE, Spectrum, Subbands};
use super::super::test_rng::Rng;
use super::Hybrid;
use std::f64::consts::PI;

/// The standard's window for block_type `bt` (0, 1, 3) at sample i of 36.
fn long_window(bt: u8, i: usize) -> f64 {
    let long = (PI / 36.0 * (i as f64 + 0.5)).sin();
    match (bt, i) {
        (1, 18..=23) | (3, 12..=17) => 1.0,
        (1, 24..=29) => (PI / 12.0 * (i as f64 - 18.0 + 0.5)).sin(),
        (1, 30..) | (3, 0..=5) => 0.0,
        (3, 6..=11) => (PI / 12.0 * (i as f64 - 6.0 + 0.5)).sin(),
        _ => long,
    }
}

/// `x_i = Σ_k X_k cos(π/(2n) (2i + 1 + n/2)(2k + 1))`, i in 0..n.
fn imdct(x: &[f64], n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            x.iter()
                .enumerate()
                .map(|(k, &v)| {
                    v * (PI / (2 * n) as f64 * (2 * i + 1 + n / 2) as f64 * (2 * k + 1) as f64)
                        .cos()
                })
                .sum()
        })
        .collect()
}

/// The whole hybrid synthesis of one channel in f64, as the standard's
/// decoding process describes it.
struct Reference {
    overlap: [[f64; 18]; 32],
}

impl Reference {
    fn granule(&mut self, spectra: &[(Vec<f64>, Block)]) -> Vec<f64> {
        let mut out = vec![0.0; GRANULE];
        let mut z = vec![[0.0f64; 36]; 32];
        for (xr, block) in spectra {
            let mut xr = xr.clone();
            let sblim = match block {
                Block::Short => 1,
                Block::Mixed => 2,
                _ => 32,
            };
            for sb in 1..sblim {
                for i in 0..8 {
                    let c = [
                        -0.6, -0.535, -0.33, -0.185, -0.095, -0.041, -0.0142, -0.0037,
                    ][i];
                    let cs = 1.0 / (1.0f64 + c * c).sqrt();
                    let ca = c * cs;
                    let (lo, hi) = (xr[18 * sb - 1 - i], xr[18 * sb + i]);
                    xr[18 * sb - 1 - i] = lo * cs - hi * ca;
                    xr[18 * sb + i] = hi * cs + lo * ca;
                }
            }
            for (sb, zs) in z.iter_mut().enumerate() {
                let lines = &xr[18 * sb..18 * sb + 18];
                let bt = match (block, sb) {
                    (Block::Long, _) | (Block::Mixed, 0 | 1) => 0,
                    (Block::Start, _) => 1,
                    (Block::Stop, _) => 3,
                    _ => 2,
                };
                if bt == 2 {
                    for w in 0..3 {
                        let y = imdct(&lines[6 * w..6 * w + 6], 12);
                        for (i, v) in y.iter().enumerate() {
                            zs[6 + 6 * w + i] += v * (PI / 12.0 * (i as f64 + 0.5)).sin();
                        }
                    }
                } else {
                    for (i, v) in imdct(lines, 36).iter().enumerate() {
                        zs[i] += v * long_window(bt, i);
                    }
                }
            }
        }
        for (sb, zs) in z.iter().enumerate() {
            for i in 0..18 {
                let mut v = zs[i] + self.overlap[sb][i];
                if sb % 2 == 1 && i % 2 == 1 {
                    v = -v;
                }
                out[sb * 18 + i] = v;
                self.overlap[sb][i] = zs[i + 18];
            }
        }
        out
    }
}

/// Random lines below `nonzero`, scaled so outputs stay near full scale.
fn random_lines(rng: &mut Rng, nonzero: usize) -> Vec<f64> {
    (0..GRANULE)
        .map(|i| if i < nonzero { 0.4 * rng.next() } else { 0.0 })
        .collect()
}

fn spectrum(xr: &[f64], block: Block, nonzero: usize) -> Spectrum {
    let mut s = Spectrum {
        xr: [0.0; GRANULE],
        block,
        nonzero,
    };
    for (d, &v) in s.xr.iter_mut().zip(xr) {
        *d = v as f32;
    }
    s
}

/// Runs `granules` (each a list of (block, nonzero) per summed spectrum)
/// through both and returns the max |Δ| and the max |reference|.
fn compare(seed: u64, granules: &[&[(Block, usize)]]) -> (f64, f64) {
    let mut rng = Rng::new(seed);
    let mut fast = Hybrid::new();
    let mut reference = Reference {
        overlap: [[0.0; 18]; 32],
    };
    let mut out = Subbands([0.0; GRANULE]);
    let (mut err, mut peak) = (0.0f64, 0.0f64);
    for parts in granules {
        let lines: Vec<(Vec<f64>, Block)> = parts
            .iter()
            .map(|&(b, nz)| (random_lines(&mut rng, nz), b))
            .collect();
        // The reference sees the f32-rounded inputs.
        let lines: Vec<(Vec<f64>, Block)> = lines
            .into_iter()
            .map(|(xr, b)| (xr.iter().map(|&v| f64::from(v as f32)).collect(), b))
            .collect();
        let mut spectra: Vec<Spectrum> = lines
            .iter()
            .zip(parts.iter())
            .map(|((xr, b), &(_, nz))| spectrum(xr, *b, nz))
            .collect();
        fast.granule(&mut spectra, &mut out);
        let want = reference.granule(&lines);
        for (&a, &b) in out.0.iter().zip(&want) {
            err = err.max((f64::from(a) - b).abs());
            peak = peak.max(b.abs());
        }
    }
    (err, peak)
}

/// Asserts a sequence matches the reference to 1e-6 of full scale (outputs
/// reach about ±2).
fn check(name: &str, seed: u64, granules: &[&[(Block, usize)]]) {
    let (err, peak) = compare(seed, granules);
    eprintln!("hybrid {name}: max |Δ| {err:.2e}, peak {peak:.2}");
    assert!(peak > 0.5, "{name}: the test signal is too quiet ({peak})");
    assert!(
        err <= 1e-6,
        "{name}: max |Δ| {err:e} against the f64 standard formulas"
    );
}

const ALL: usize = GRANULE;

#[test]
fn every_block_type_alone() {
    for (i, block) in [
        Block::Long,
        Block::Start,
        Block::Short,
        Block::Mixed,
        Block::Stop,
    ]
    .into_iter()
    .enumerate()
    {
        check(
            &format!("{block:?}"),
            7 + i as u64,
            &[&[(block, ALL)], &[(block, ALL)], &[(block, ALL)]],
        );
    }
}

#[test]
fn window_switching_sequences() {
    use Block::*;
    check(
        "Long Start Short Stop Long",
        11,
        &[
            &[(Long, ALL)],
            &[(Start, ALL)],
            &[(Short, ALL)],
            &[(Short, ALL)],
            &[(Stop, ALL)],
            &[(Long, ALL)],
        ],
    );
    check(
        "Long Start Mixed Stop Long",
        12,
        &[
            &[(Long, ALL)],
            &[(Start, ALL)],
            &[(Mixed, ALL)],
            &[(Mixed, ALL)],
            &[(Stop, ALL)],
            &[(Long, ALL)],
        ],
    );
    check(
        "Short Mixed Short",
        13,
        &[
            &[(Short, ALL)],
            &[(Mixed, ALL)],
            &[(Short, ALL)],
            &[(Long, ALL)],
        ],
    );
}

#[test]
fn two_spectra_with_different_windows_are_summed() {
    use Block::*;
    check(
        "mixed pairs",
        21,
        &[
            &[(Long, ALL), (Start, ALL)],
            &[(Start, ALL), (Short, ALL)],
            &[(Short, ALL), (Mixed, ALL)],
            &[(Stop, ALL), (Short, ALL)],
            &[(Long, ALL), (Stop, ALL)],
        ],
    );
}

#[test]
fn spectra_ending_early() {
    use Block::*;
    for nz in [0, 1, 8, 17, 18, 19, 26, 36, 100, 300, 558, 575] {
        check(
            &format!("nonzero {nz}"),
            31 + nz as u64,
            &[
                &[(Long, nz)],
                &[(Start, nz)],
                &[(Short, nz)],
                &[(Mixed, nz)],
                &[(Stop, nz)],
                &[(Long, nz), (Short, ALL)],
            ],
        );
    }
}

#[test]
fn silence_stays_silent() {
    let mut h = Hybrid::new();
    let mut out = Subbands([1.0; GRANULE]);
    let mut s = [spectrum(&[0.0; GRANULE], Block::Long, 0)];
    h.granule(&mut s, &mut out);
    assert!(out.0.iter().all(|&v| v == 0.0));
}

/// A granule sequence through a fresh stage: every output, in order.
fn run_sequence(seed: u64) -> Vec<f32> {
    use Block::*;
    let mut rng = Rng::new(seed);
    let mut h = Hybrid::new();
    let mut out = Subbands([0.0; GRANULE]);
    let mut all = Vec::new();
    for (n, parts) in [
        &[(Long, ALL)][..],
        &[(Start, 300)],
        &[(Short, ALL)],
        &[(Mixed, 200), (Short, 100)],
        &[(Stop, 400)],
        &[(Long, 10), (Long, 500)],
    ]
    .iter()
    .enumerate()
    {
        let mut spectra: Vec<Spectrum> = parts
            .iter()
            .map(|&(b, nz)| spectrum(&random_lines(&mut rng, nz), b, nz))
            .collect();
        h.granule(&mut spectra, &mut out);
        all.extend_from_slice(&out.0);
        assert!(out.0.iter().all(|v| v.is_finite()), "granule {n}");
    }
    all
}

#[test]
fn scalar_and_dispatched_agree() {
    let fast = run_sequence(77);
    let slow = super::super::lanes::scalar(|| run_sequence(77));
    assert!(
        fast.iter()
            .zip(&slow)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    );
}
