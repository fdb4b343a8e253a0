//! The polyphase stage against the standard's synthesis flow chart
//! (ISO/IEC 11172-3 Figure A.2) evaluated in f64 on random subband samples.

use super::super::granule::{GRANULE, Subbands};
use super::super::test_rng::Rng;
use super::{Polyphase, window_value};
use std::f64::consts::PI;

#[test]
fn window_matches_table_b3() {
    // A sample of Table B.3 as printed (nine decimals).
    let printed = [
        (0, 0.000000000),
        (1, -0.000015259),
        (63, -0.003173828),
        (64, 0.003250122),
        (100, -0.010848999),
        (128, 0.031082153),
        (192, 0.100311279),
        (255, -1.144287109),
        (256, 1.144989014),
        (257, 1.144287109),
        (300, 0.246505737),
        (320, 0.100311279),
        (384, 0.031082153),
        (448, 0.003250122),
        (449, 0.003173828),
        (500, 0.000045776),
        (511, 0.000015259),
    ];
    for (i, want) in printed {
        let got = f64::from(window_value(i));
        assert!(
            (got - want).abs() <= 5e-10,
            "D[{i}] = {got}, Table B.3 says {want}"
        );
    }
    // The window is odd-symmetric about 256 outside multiples of 64.
    for i in 1..256 {
        let (a, b) = (window_value(i), window_value(512 - i));
        assert_eq!(
            a,
            if i % 64 == 0 { b } else { -b },
            "D[{i}] vs D[{}]",
            512 - i
        );
    }
}

/// The flow chart: shift V by 64, matrixing, build U from V, window by D,
/// sum 16 values per output sample.
struct Reference {
    v: Vec<f64>,
}

impl Reference {
    fn slot(&mut self, s: &[f64]) -> Vec<f64> {
        for i in (64..1024).rev() {
            self.v[i] = self.v[i - 64];
        }
        for i in 0..64 {
            self.v[i] = (0..32)
                .map(|k| (((16 + i) * (2 * k + 1)) as f64 * PI / 64.0).cos() * s[k])
                .sum();
        }
        let mut u = vec![0.0; 512];
        for i in 0..8 {
            for j in 0..32 {
                u[i * 64 + j] = self.v[i * 128 + j];
                u[i * 64 + 32 + j] = self.v[i * 128 + 96 + j];
            }
        }
        let w: Vec<f64> = (0..512)
            .map(|i| u[i] * f64::from(window_value(i)))
            .collect();
        (0..32)
            .map(|j| (0..16).map(|i| w[j + 32 * i]).sum())
            .collect()
    }
}

#[test]
fn matches_the_flow_chart() {
    let mut rng = Rng::new(5);
    let mut fast = Polyphase::new();
    let mut reference = Reference { v: vec![0.0; 1024] };
    let mut pcm = [0.0f32; GRANULE];
    let (mut err, mut peak) = (0.0f64, 0.0f64);
    for granule in 0..6 {
        // Loud, then quiet, then only a few subbands.
        let scale = [0.15, 0.15, 0.015, 0.15, 0.15, 0.15][granule];
        let mut input = Subbands([0.0; GRANULE]);
        for (n, v) in input.0.iter_mut().enumerate() {
            let live = granule != 4 || n / 18 < 3;
            *v = if live {
                (scale * rng.next()) as f32
            } else {
                0.0
            };
        }
        fast.granule(&input, &mut pcm);
        for (t, out) in pcm.chunks_exact(32).enumerate() {
            let s: Vec<f64> = (0..32).map(|sb| f64::from(input.0[sb * 18 + t])).collect();
            for (&a, b) in out.iter().zip(reference.slot(&s)) {
                err = err.max((f64::from(a) - b).abs());
                peak = peak.max(b.abs());
            }
        }
    }
    eprintln!("polyphase: max |Δ| {err:.2e}, peak {peak:.2}");
    assert!(peak > 0.5, "the test signal is too quiet ({peak})");
    assert!(err <= 1e-6, "max |Δ| {err:e} against the f64 flow chart");
}

#[test]
fn a_constant_dc_input_settles_to_a_constant() {
    // Subband 0 at a constant c makes a DC output of c (after the 512-tap
    // window fills): the filterbank's passband gain is one.
    let mut p = Polyphase::new();
    let mut input = Subbands([0.0; GRANULE]);
    for t in 0..18 {
        input.0[t] = 0.25;
    }
    let mut pcm = [0.0f32; GRANULE];
    for _ in 0..3 {
        p.granule(&input, &mut pcm);
    }
    for &v in &pcm {
        assert!((v - 0.25).abs() < 2e-3, "{v}");
    }
}

/// Six granules of random subband samples through a fresh filterbank.
fn run_sequence(seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let mut p = Polyphase::new();
    let mut input = Subbands([0.0; GRANULE]);
    let mut pcm = [0.0f32; GRANULE];
    let mut all = Vec::new();
    for _ in 0..6 {
        for v in input.0.iter_mut() {
            *v = (0.15 * rng.next()) as f32;
        }
        p.granule(&input, &mut pcm);
        all.extend_from_slice(&pcm);
    }
    all
}

#[test]
fn scalar_and_dispatched_agree() {
    let fast = run_sequence(3);
    let slow = super::super::lanes::scalar(|| run_sequence(3));
    assert!(
        fast.iter()
            .zip(&slow)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    );
}
