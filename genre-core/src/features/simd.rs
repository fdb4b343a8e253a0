//! Runtime instruction-set dispatch for the feature kernels.
//!
//! The crate is compiled for the baseline x86-64 target (SSE2), so loops
//! that LLVM vectorises only use 2-lane `f64` vectors. [`run`] executes a
//! [`Kernel`] inside a function compiled for x86-64-v3 (AVX2 + FMA) when the
//! CPU has it, through `pulp`'s safe dispatch (no `unsafe` here). Kernels are
//! scalar Rust marked `#[inline(always)]` plus explicit 4-lane `f64`
//! vectors ([`dot`]); without AVX2 those vectors are emulated with the same
//! 4 lanes (`pulp::Scalar256b`), and LLVM never contracts `a * b + c` into
//! an FMA without fast-math flags, so both paths compute the same
//! operations in the same order: genre's kernels give bit-identical results
//! with and without AVX2 (checked by the `scalar_and_dispatched_agree`
//! tests). The FFT is rustfft's, which picks its own AVX or SSE code.

use std::any::TypeId;
use std::sync::OnceLock;

use pulp::{Arch, Scalar, Scalar256b, Simd, WithSimd};

/// A computation to run under [`run`]. Implementations must mark
/// [`Kernel::call`] `#[inline(always)]`, and everything it calls in the hot
/// loop too, so the code is compiled for the dispatched instruction set.
/// `simd` always has 4 `f64` lanes.
pub(crate) trait Kernel {
    type Output;
    fn call<S: Simd>(self, simd: S) -> Self::Output;
}

struct Dispatch<K>(K);

impl<K: Kernel> WithSimd for Dispatch<K> {
    type Output = K::Output;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> K::Output {
        // The baseline path emulates the same 4 lanes as AVX2.
        if TypeId::of::<S>() == TypeId::of::<Scalar>() {
            self.0.call(Scalar256b)
        } else {
            self.0.call(simd)
        }
    }
}

/// `Σ a[i]·b[i]` in float64 over whole 4-lane groups (the callers pad both
/// to a multiple of 4), four partial sums added as `(s0 + s1) + (s2 + s3)`.
#[inline(always)]
pub(crate) fn dot<S: Simd>(simd: S, a: &[f64], b: &[f64]) -> f64 {
    let (a4, _) = S::as_simd_f64s(a);
    let (b4, _) = S::as_simd_f64s(b);
    let mut acc = simd.splat_f64s(0.0);
    for (&x, &y) in a4.iter().zip(b4) {
        acc = simd.add_f64s(acc, simd.mul_f64s(x, y));
    }
    let mut lanes = [0.0_f64; 4];
    simd.partial_store_f64s(&mut lanes, acc);
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// The AVX2 token the x86-64-v3 kernels of [`super::avx`] need.
#[cfg(target_arch = "x86_64")]
pub(crate) type Avx = pulp::x86::V3;

/// No AVX2 kernels off x86-64.
#[cfg(not(target_arch = "x86_64"))]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Avx {}

/// The AVX2 token when `S` is the dispatched x86-64-v3 instruction set;
/// `None` on the baseline path (also when tests force it), where the
/// portable code runs.
#[inline(always)]
pub(crate) fn avx<S: Simd>(_simd: S) -> Option<Avx> {
    #[cfg(target_arch = "x86_64")]
    if TypeId::of::<S>() == TypeId::of::<pulp::x86::V3>() {
        return pulp::x86::V3::try_new();
    }
    None
}

fn best() -> Arch {
    static ARCH: OnceLock<Arch> = OnceLock::new();
    *ARCH.get_or_init(Arch::new)
}

/// Runs `kernel` compiled for the best instruction set of this CPU.
#[inline]
pub(crate) fn run<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(test)]
    if FORCE_SCALAR.get() {
        return Arch::Scalar.dispatch(Dispatch(kernel));
    }
    best().dispatch(Dispatch(kernel))
}

#[cfg(test)]
thread_local! {
    static FORCE_SCALAR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every kernel on this thread compiled for the baseline
/// target only (tests compare it with the dispatched path).
#[cfg(test)]
pub(crate) fn scalar<R>(f: impl FnOnce() -> R) -> R {
    FORCE_SCALAR.set(true);
    let r = f();
    FORCE_SCALAR.set(false);
    r
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::features::{DbConfig, MelSpectrogram, MelSpectrogramConfig, Mfcc, MfccConfig};

    fn signal(n: usize) -> Vec<f32> {
        let mut state = 12_345_u32;
        (0..n)
            .map(|i| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (state >> 8) as f32 / (1 << 24) as f32 - 0.5;
                0.3 * (i as f32 * 0.031).sin() + 0.01 * noise
            })
            .collect()
    }

    #[test]
    fn scalar_and_dispatched_agree() {
        let y = signal(50_000);
        for config in [
            MfccConfig::default(),
            MfccConfig {
                n_mfcc: 13,
                lifter: 22.0,
                mel: MelSpectrogramConfig {
                    n_fft: 1023,
                    hop_length: 300,
                    n_mels: 41,
                    center: false,
                    ..Default::default()
                },
                ..Default::default()
            },
        ] {
            let mfcc = Mfcc::new(config).unwrap();
            let fast = mfcc.compute(&y).unwrap();
            let slow = super::scalar(|| mfcc.compute(&y).unwrap());
            assert_eq!(fast.shape(), slow.shape());
            let same = fast.as_slice().iter().zip(slow.as_slice());
            assert!(same.clone().all(|(a, b)| a.to_bits() == b.to_bits()));
            let mel = MelSpectrogram::new(config.mel).unwrap();
            let fast = mel.compute_db(&y, &DbConfig::default()).unwrap();
            let slow = super::scalar(|| mel.compute_db(&y, &DbConfig::default()).unwrap());
            assert_eq!(fast, slow);
        }
    }
}
