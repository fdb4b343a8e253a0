//! Runtime instruction-set dispatch for genre's own model kernels.

use std::sync::OnceLock;

use pulp::Arch;

/// The best instruction set of this CPU that `pulp` supports (AVX2 + FMA on
/// x86-64 when present), detected once. Kernels run through
/// `arch().dispatch(..)` are compiled for it; no `unsafe` needed.
pub(crate) fn arch() -> Arch {
    static ARCH: OnceLock<Arch> = OnceLock::new();
    *ARCH.get_or_init(Arch::new)
}
