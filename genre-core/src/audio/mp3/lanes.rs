//! Eight f32 lanes and the instruction-set dispatch of the synthesis
//! stages.
//!
//! The crate targets baseline x86-64 (SSE2). The stages' kernels are
//! written with `pulp`'s 8-lane `f32` vectors and marked `#[inline(always)]`;
//! [`run`] executes them inside a function compiled for x86-64-v3 (AVX2)
//! when the CPU has it, through `pulp`'s safe dispatch. Elsewhere the same
//! 8 lanes are emulated (`pulp::Scalar256b`). Both compute the same
//! operations (separate multiplies and adds, never fused) in the same
//! order: the results are bit-identical (the `scalar_and_dispatched_agree`
//! tests).

use std::sync::OnceLock;

use pulp::{Arch, Scalar256b, Simd, WithSimd};

/// Lanes per vector.
pub(super) const LANES: usize = 8;

/// One value per lane, in memory.
pub(super) type Lane = [f32; LANES];

fn best() -> Arch {
    static ARCH: OnceLock<Arch> = OnceLock::new();
    *ARCH.get_or_init(Arch::new)
}

/// A computation to run under [`run`]. Implementations mark
/// [`Kernel::call`] `#[inline(always)]`, and everything it calls in the hot
/// loop too, so that it is compiled for the dispatched instruction set (a
/// closure would stay a baseline function called from the dispatcher).
pub(super) trait Kernel {
    /// `simd` always has 8 `f32` lanes.
    fn call<S: Simd>(self, simd: S);
}

struct Dispatch<K>(K);

impl<K: Kernel> WithSimd for Dispatch<K> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        if size_of::<S::f32s>() == size_of::<Lane>() {
            self.0.call(simd)
        } else {
            self.0.call(Scalar256b)
        }
    }
}

/// Runs `kernel` compiled for the best instruction set of this CPU.
#[inline]
pub(super) fn run<K: Kernel>(kernel: K) {
    #[cfg(test)]
    if FORCE_SCALAR.get() {
        return Arch::Scalar.dispatch(Dispatch(kernel));
    }
    best().dispatch(Dispatch(kernel))
}

/// The 8 values at the start of `x` (which holds at least 8).
#[inline(always)]
pub(super) fn load<S: Simd>(x: &[f32]) -> S::f32s {
    S::as_simd_f32s(x).0[0]
}

/// Stores `v` to the first 8 values of `x` (which holds at least 8).
#[inline(always)]
pub(super) fn store<S: Simd>(x: &mut [f32], v: S::f32s) {
    S::as_mut_simd_f32s(x).0[0] = v;
}

#[cfg(test)]
thread_local! {
    static FORCE_SCALAR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the stages on this thread compiled for the baseline target
/// only (tests compare it with the dispatched path).
#[cfg(test)]
pub(super) fn scalar<R>(f: impl FnOnce() -> R) -> R {
    FORCE_SCALAR.set(true);
    let r = f();
    FORCE_SCALAR.set(false);
    r
}
