//! The types the Layer III frontend (bitstream → dequantized spectra) and the
//! synthesis stages ([`super::hybrid`], [`super::polyphase`]) share.

/// Spectral lines (and PCM samples) per granule per channel.
pub(crate) const GRANULE: usize = 576;

/// Window switching of one granule of one channel (ISO/IEC 11172-3 2.4.2.7:
/// block_type 0/1/2/3, mixed_block_flag).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// block_type 0.
    Long,
    /// block_type 1.
    Start,
    /// block_type 2 without mixed_block_flag.
    Short,
    /// block_type 2 with mixed_block_flag: subbands 0 and 1 (lines 0..36)
    /// are long, the rest short.
    Mixed,
    /// block_type 3.
    Stop,
}

/// One granule of one channel: dequantized spectral values after stereo
/// processing, in *subband order*: line `sb * 18 + i`. For the short part of
/// Short/Mixed blocks the frontend has already reordered the values so that
/// `i = window * 6 + k` (window 0..3, frequency k 0..6 inside subband sb).
/// `nonzero`: every line at or past it is 0.0 (lets the IMDCT skip subbands).
#[derive(Clone)]
pub(crate) struct Spectrum {
    pub xr: [f32; GRANULE],
    pub block: Block,
    pub nonzero: usize,
}

/// 18 time slots × 32 subbands of one granule, the hybrid stage's output and
/// the polyphase stage's input: sample `sb * 18 + t` is time slot `t` of
/// subband `sb` (each subband's 18 slots are contiguous: the hybrid stage
/// writes them so, and the polyphase stage loads eight slots of a subband
/// as one vector).
#[derive(Clone)]
pub(crate) struct Subbands(pub [f32; GRANULE]);

// The two synthesis stages live in their own files; these re-exports let the
// frontend name every shared type through this module.
#[allow(unused_imports)]
pub(crate) use super::hybrid::Hybrid;
#[allow(unused_imports)]
pub(crate) use super::polyphase::Polyphase;
