//! librosa's default resampler: libsoxr "HQ", as python-soxr drives it.
//!
//! `librosa.resample(y, res_type="soxr_hq")` calls `soxr.resample` once per
//! channel; python-soxr creates a libsoxr resampler with float32 I/O and
//! `soxr_quality_spec(SOXR_HQ, 0)`, feeds the input in blocks of
//! `max(1000, 48000 * in / out)` frames into an output buffer of
//! `n * out / in + 1` frames, flushes, and librosa then fixes the length to
//! `ceil(n * (out / in))`. This module does the same with the libsoxr that
//! `soxr-sys` builds from source (LGPL-2.1).

use std::ffi::CStr;

use crate::{Error, Result};

/// Resamples one channel from `from` Hz to `to` Hz exactly like
/// `librosa.resample(y, orig_sr=from, target_sr=to)` (`res_type="soxr_hq"`).
///
/// ```
/// let tone: Vec<f32> = (0..44_100).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
/// let y = genre_core::audio::resample(&tone, 44_100, 22_050)?;
/// assert_eq!(y.len(), 22_050);
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn resample(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>> {
    if from == 0 || to == 0 {
        return Err(Error::InvalidConfig {
            parameter: "sr",
            reason: format!("cannot resample from {from} Hz to {to} Hz"),
        });
    }
    if from == to {
        return Ok(input.to_vec());
    }
    let (from, to) = (f64::from(from), f64::from(to));
    let mut output = soxr_hq(input, from, to)?;
    // librosa: n_samples = int(np.ceil(n * (float(target_sr) / orig_sr)))
    let wanted = (input.len() as f64 * (to / from)).ceil() as usize;
    output.resize(wanted, 0.0);
    Ok(output)
}

/// RAII owner of a libsoxr resampler.
struct Soxr(soxr_sys::soxr_t);

impl Drop for Soxr {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful `soxr_create` and is
        // deleted exactly once, here.
        unsafe { soxr_sys::soxr_delete(self.0) }
    }
}

fn soxr_failure(what: &str, err: soxr_sys::soxr_error_t) -> Error {
    // SAFETY: libsoxr returns either null or a pointer to a static,
    // NUL-terminated message.
    #[allow(unsafe_code)]
    let message = unsafe { CStr::from_ptr(err) }
        .to_string_lossy()
        .into_owned();
    Error::InvalidConfig {
        parameter: "sr",
        reason: format!("libsoxr {what}: {message}"),
    }
}

/// python-soxr's `csoxr_divide_proc<float>` for one channel.
#[allow(unsafe_code)]
fn soxr_hq(input: &[f32], from: f64, to: f64) -> Result<Vec<f32>> {
    let ilen = input.len();
    let olen = (ilen as f64 * to / from + 1.0) as usize;
    let div_len = (48_000.0 * from / to).max(1000.0) as usize;

    let mut err: soxr_sys::soxr_error_t = std::ptr::null();
    // SAFETY: plain constructors of two C structs by value.
    let io_spec = unsafe {
        soxr_sys::soxr_io_spec(
            soxr_sys::soxr_datatype_t_SOXR_FLOAT32_I,
            soxr_sys::soxr_datatype_t_SOXR_FLOAT32_I,
        )
    };
    // SAFETY: as above; SOXR_20_BITQ is SOXR_HQ.
    let quality = unsafe { soxr_sys::soxr_quality_spec(soxr_sys::SOXR_20_BITQ.into(), 0) };
    // SAFETY: the spec pointers are valid for the call; a null runtime spec
    // means libsoxr's defaults, as python-soxr passes.
    let handle = unsafe {
        soxr_sys::soxr_create(from, to, 1, &mut err, &io_spec, &quality, std::ptr::null())
    };
    if !err.is_null() || handle.is_null() {
        if err.is_null() {
            return Err(Error::InvalidConfig {
                parameter: "sr",
                reason: "libsoxr could not create a resampler".into(),
            });
        }
        return Err(soxr_failure("create", err));
    }
    let soxr = Soxr(handle);

    let mut output = vec![0.0f32; olen];
    let mut out_pos = 0usize;
    let mut odone = 0usize;
    for block in input.chunks(div_len) {
        let room = output.get_mut(out_pos..).unwrap_or_default();
        // SAFETY: `block` is valid for `block.len()` f32 reads and `room`
        // for `room.len()` f32 writes; libsoxr writes at most that many.
        let e = unsafe {
            soxr_sys::soxr_process(
                soxr.0,
                block.as_ptr().cast(),
                block.len(),
                std::ptr::null_mut(),
                room.as_mut_ptr().cast(),
                room.len(),
                &mut odone,
            )
        };
        if !e.is_null() {
            return Err(soxr_failure("process", e));
        }
        out_pos += odone.min(room.len());
    }
    let room = output.get_mut(out_pos..).unwrap_or_default();
    // SAFETY: a null input with length 0 asks libsoxr to flush; `room` is
    // valid for `room.len()` writes.
    let e = unsafe {
        soxr_sys::soxr_process(
            soxr.0,
            std::ptr::null(),
            0,
            std::ptr::null_mut(),
            room.as_mut_ptr().cast(),
            room.len(),
            &mut odone,
        )
    };
    if !e.is_null() {
        return Err(soxr_failure("flush", e));
    }
    out_pos += odone.min(room.len());
    output.truncate(out_pos);
    Ok(output)
}
