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
    // `v * 0` is 0 for finite samples and NaN otherwise; NaN sticks.
    // Independent lanes, so it vectorises on the baseline target; 32 of
    // them are four independent vector additions per step, not one chain.
    let mut lanes = [0.0_f32; 32];
    let chunks = signal.chunks_exact(32);
    let rest = chunks.remainder();
    for c in chunks {
        for (m, &v) in lanes.iter_mut().zip(c) {
            *m += v * 0.0;
        }
    }
    let all_finite = lanes.iter().chain(rest).all(|v| v.is_finite());
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
