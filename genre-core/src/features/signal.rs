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
    // Branch-free scan first (vectorises); locate the culprit only on failure.
    let all_finite = signal
        .chunks(4096)
        .all(|c| c.iter().fold(true, |ok, v| ok & v.is_finite()));
    if all_finite {
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
