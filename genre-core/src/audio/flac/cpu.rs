//! Hot loops compiled for x86-64-v3 (LZCNT, BMI2 shifts, AVX2) when the CPU
//! has it, through `pulp`'s safe runtime dispatch; the same code runs
//! unchanged elsewhere (integer code: identical results).

use std::sync::OnceLock;

use pulp::Arch;

/// The instruction set the hot loops dispatch on, detected once.
pub(crate) fn arch() -> Arch {
    static ARCH: OnceLock<Arch> = OnceLock::new();
    *ARCH.get_or_init(Arch::new)
}
