//! Checks every feature function applies to its input signal once.

use crate::{Error, Result};

/// Rejects empty signals and NaN/infinite samples, like librosa's
/// `util.valid_audio` (which raises `ParameterError`).
pub(crate) fn check_signal(operation: &'static str, signal: &[f32]) -> Result<()> {
    if signal.is_empty() {
        return Err(Error::InvalidSignal {
            operation,
            reason: "the signal is empty".into(),
        });
    }
    // Branch-free scan first; locate the culprit only on failure.
    if all_finite(signal) {
        return Ok(());
    }
    if let Some(i) = signal.iter().position(|v| !v.is_finite()) {
        return Err(Error::InvalidSignal {
            operation,
            reason: format!("sample {i} is not finite ({})", signal[i]),
        });
    }
    Ok(())
}

/// Whether no sample is NaN or infinite, by a branch-free scan. A sample
/// is NaN or infinite when its exponent bits are all ones: adding one to
/// the exponent then carries into the sign bit, which an OR keeps. An
/// integer OR reduction, which vectorises on the baseline target whatever
/// inlines it.
pub(crate) fn all_finite(signal: &[f32]) -> bool {
    const EXPONENT: u32 = 0x7f80_0000;
    const CARRY: u32 = 0x0080_0000;
    let flags = signal.iter().fold(0_u32, |m, v| {
        m | (v.to_bits() & EXPONENT).wrapping_add(CARRY)
    });
    flags & 0x8000_0000 == 0
}

/// Error for a positive-integer parameter that is zero or too large.
pub(crate) fn check_range(
    parameter: &'static str,
    value: usize,
    min: usize,
    max: usize,
) -> Result<()> {
    if value < min || value > max {
        return Err(Error::InvalidConfig {
            parameter,
            reason: format!("{value} is outside {min}..={max}"),
        });
    }
    Ok(())
}
