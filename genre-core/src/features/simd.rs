//! Runtime instruction-set dispatch for the feature kernels.
//!
//! The crate is compiled for the baseline x86-64 target (SSE2), so loops
//! that LLVM vectorises only use 2-lane `f64` vectors. [`run`] executes a
//! [`Kernel`] inside a function compiled for x86-64-v3 (AVX2 + FMA) when the
//! CPU has it, through `pulp`'s safe dispatch (no `unsafe` here). Kernels are
//! plain scalar Rust marked `#[inline(always)]`, so both versions compute
//! the same operations in the same order: LLVM never contracts `a * b + c`
//! into an FMA without fast-math flags, so results are bit-identical on
//! every CPU (checked by the `scalar_and_dispatched_agree` tests).

use std::sync::OnceLock;

use pulp::{Arch, Simd, WithSimd};

/// A computation to run under [`run`]. Implementations must mark
/// [`Kernel::call`] `#[inline(always)]`, and everything it calls in the hot
/// loop too, so the code is compiled for the dispatched instruction set.
pub(crate) trait Kernel {
    type Output;
    fn call(self) -> Self::Output;
}

struct Dispatch<K>(K);

impl<K: Kernel> WithSimd for Dispatch<K> {
    type Output = K::Output;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) -> K::Output {
        self.0.call()
    }
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
