//! Raw bindings to the vendored libsoxr 0.1.3 (LGPL-2.1-or-later), compiled
//! from source by `build.rs` with the SSE engine on x86_64, as python-soxr's
//! wheels are. Only what genre needs is declared; see `libsoxr/soxr.h`.
//!
//! Passing null `io_spec` and `quality_spec` to [`soxr_create`] means float32
//! interleaved I/O and `soxr_quality_spec(SOXR_HQ, 0)` (libsoxr's documented
//! defaults) — exactly what `soxr.resample(..., quality="soxr_hq")` uses.
#![allow(unsafe_code, non_camel_case_types, non_snake_case)]

pub mod alloc;

use std::ffi::{c_char, c_double, c_int, c_uint, c_void};

/// Opaque resampler state.
#[repr(C)]
pub struct soxr {
    _private: [u8; 0],
}

/// A resampler handle (`soxr_t`).
pub type soxr_t = *mut soxr;
/// Null for no error, else a static NUL-terminated message.
pub type soxr_error_t = *const c_char;

/// One stage of a resampler, as [`genre_soxr_stages`] reports it (genre's
/// view of libsoxr's private `stage_t`, from `src/stages.c`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct genre_soxr_stage_t {
    /// 1 DFT filter, 2 polyphase FIR, 3 half-band FIR, 0 other.
    pub kind: c_int,
    /// DFT, polyphase: the interpolation factor.
    pub L: c_int,
    /// DFT: decimation (negative: by `2^-step` in the frequency domain);
    /// polyphase: the clock step in `1/L` input samples.
    pub step: c_int,
    /// The initial clock (integer part).
    pub at: c_int,
    /// Polyphase: non-zero when the clock has a fractional part.
    pub fractional: c_int,
    /// DFT: the FFT length.
    pub dft_length: c_int,
    /// DFT: the filter length.
    pub num_taps: c_int,
    /// Zeros the stage's input FIFO starts with.
    pub preload: c_int,
    /// Past + future input samples a stage keeps.
    pub pre_post: c_int,
}

unsafe extern "C" {
    /// Writes up to `max` stages of channel 0 of `resampler` to `out` and
    /// returns how many stages it has (-1 for a resampler in an error state).
    pub fn genre_soxr_stages(resampler: soxr_t, out: *mut genre_soxr_stage_t, max: c_int) -> c_int;

    /// `soxr_create(input_rate, output_rate, num_channels, &error, io_spec,
    /// quality_spec, runtime_spec)`; the three specs may be null (defaults).
    pub fn soxr_create(
        input_rate: c_double,
        output_rate: c_double,
        num_channels: c_uint,
        error: *mut soxr_error_t,
        io_spec: *const c_void,
        quality_spec: *const c_void,
        runtime_spec: *const c_void,
    ) -> soxr_t;

    /// Feeds `ilen` frames from `input` (null = end of input, flush) and
    /// writes at most `olen` frames to `output`.
    pub fn soxr_process(
        resampler: soxr_t,
        input: *const c_void,
        ilen: usize,
        idone: *mut usize,
        output: *mut c_void,
        olen: usize,
        odone: *mut usize,
    ) -> soxr_error_t;

    /// Name of the engine the resampler runs (`"cr32s"` = SSE, `"cr32"`).
    pub fn soxr_engine(resampler: soxr_t) -> *const c_char;

    /// Frees a resampler from [`soxr_create`].
    pub fn soxr_delete(resampler: soxr_t);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn hq_float32_uses_the_engine_python_soxr_uses() {
        let mut err: soxr_error_t = std::ptr::null();
        // SAFETY: valid out-pointer for the error; null specs are documented defaults.
        let h = unsafe {
            soxr_create(
                44_100.0,
                22_050.0,
                1,
                &mut err,
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert!(err.is_null() && !h.is_null());
        // SAFETY: `h` is a live resampler; the engine name is a static C string.
        let engine = unsafe { CStr::from_ptr(soxr_engine(h)) }
            .to_str()
            .map(str::to_owned);
        // SAFETY: created above, deleted once.
        unsafe { soxr_delete(h) };
        let expected =
            if cfg!(target_arch = "x86_64") && std::env::var_os("SOXR_USE_SIMD").is_none() {
                "cr32s"
            } else {
                "cr32"
            };
        assert_eq!(engine.as_deref(), Ok(expected));
    }
}
