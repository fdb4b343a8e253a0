//! Where a fresh libsoxr stream can start so that its output is bit for bit
//! that of the one stream over the whole buffer.
//!
//! libsoxr HQ is a chain of stages, each with a FIFO that starts with
//! `preload` zeros (which is how the filter delay is trimmed: output 0 is
//! time-aligned with input 0). For the rates genre meets (to 22,050 Hz; see
//! `resample_split.rs` for the measured stages):
//!
//! - a **DFT stage** (overlap-save FFT filter, optionally ×2 up or /2 down in
//!   the frequency domain) filters blocks of `dft_length` FIFO samples that
//!   start every `S = (dft_length - (num_taps - 1) - at + L - 1) / L` input
//!   samples, each giving `S·L/M` outputs; FFT rounding makes every output
//!   depend on the whole block, so a second stream gives equal bits only
//!   when its blocks sit on the same FIFO positions: its start must be
//!   ≡ 0 (mod `S`) in that stage's input. 44,100 → 22,050 Hz is one such
//!   stage (`S` = 1660, 830 outputs per block).
//! - a **polyphase stage** (`L` phases, integer clock step `M` in `1/L`
//!   input samples) computes each output directly from the FIFO at clock
//!   position `at`; equal bits need the same clock positions: a start
//!   ≡ 0 (mod `M / gcd(L, M)`) in that stage's input (48,000 → 22,050 Hz:
//!   `L` = 147, `M` = 320 after a `S` = 1604 DFT low-pass, so starts every
//!   lcm(1604, 320) = 128,320 input frames).
//! - a **half-band stage** (÷2, direct FIR) needs an even start.
//!
//! A start `Q` shifts stage `i`'s input by `Q` times the rate ratio of the
//! stages before it; [`Grid`] is the smallest period of `Q` meeting every
//! stage's condition, found stage by stage. Other stage kinds (a DFT stage
//! with a non-power-of-two `L`, a decimating DFT stage in the time domain,
//! a fractional clock, the cubic stage) are not split (`None`).
//!
//! Before its start the fresh stream sees zeros instead of signal, so its
//! first outputs differ: [`Grid::transient`] bounds, in input frames, how
//! far that reaches (every stage's block or FIR span, twice, plus its
//! preload). The caller drops those outputs, and checks the overlap bit for
//! bit at run time anyway.

use genre_soxr::genre_soxr_stage_t;

/// Largest period (input frames) worth splitting on.
const MAX_PERIOD: u64 = 1 << 22;

/// The grid a fresh stream's start must sit on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Grid {
    /// Fresh streams may start at multiples of this many input frames.
    pub period: usize,
    /// Outputs of one `period` of input.
    pub period_out: usize,
    /// Input frames after its start within which a fresh stream's outputs
    /// may differ from the one stream's (a safe upper bound).
    pub transient: usize,
}

impl Grid {
    /// The grid of a chain of stages, or `None` when a stage cannot be
    /// restarted bit-exactly (or the period is impractically long).
    pub fn of(stages: &[genre_soxr_stage_t]) -> Option<Grid> {
        // A start `Q = k * period` shifts the current stage's input by
        // `k * shift` samples.
        let (mut period, mut shift) = (1u64, 1u64);
        let mut transient = 0f64;
        for stage in stages {
            let (modulus, out_per_modulus, span) = constraint(stage)?;
            let extra = modulus / gcd(shift, modulus);
            period = period.checked_mul(extra)?;
            shift = shift.checked_mul(extra)?;
            // Input frames per sample of this stage's input.
            let scale = period as f64 / shift as f64;
            transient += 2.0 * f64::from(span) * scale;
            shift = (shift / modulus).checked_mul(out_per_modulus)?;
            if period > MAX_PERIOD || shift == 0 {
                return None;
            }
        }
        Some(Grid {
            period: usize::try_from(period).ok()?,
            period_out: usize::try_from(shift).ok()?,
            transient: transient.ceil() as usize,
        })
    }

    /// The grid of a live resampler (channel 0).
    #[allow(unsafe_code)]
    pub fn of_soxr(handle: genre_soxr::soxr_t) -> Option<Grid> {
        let mut stages = [genre_soxr_stage_t::default(); 8];
        // SAFETY: `handle` is a live resampler; the function writes at most
        // `stages.len()` entries and only reads the resampler.
        let n = unsafe { genre_soxr::genre_soxr_stages(handle, stages.as_mut_ptr(), 8) };
        let n = usize::try_from(n).ok()?;
        Grid::of(stages.get(..n)?)
    }
}

/// A stage's condition on the shift of its input (a multiple of the
/// modulus), the output shift per modulus, and its memory (input samples).
fn constraint(s: &genre_soxr_stage_t) -> Option<(u64, u64, i32)> {
    let positive = |x: i32| u64::try_from(x).ok().filter(|&x| x > 0);
    match s.kind {
        // DFT stage.
        1 => {
            let l = positive(s.L)?;
            if !l.is_power_of_two() {
                // The clock moves between blocks: not a fixed block grid.
                return None;
            }
            let (dft, taps) = (positive(s.dft_length)?, positive(s.num_taps)?);
            let at = u64::try_from(s.at).ok()?;
            let stride = dft.checked_sub(taps - 1)?.checked_sub(at)?.div_ceil(l);
            let out = match s.step {
                1 => dft - (taps - 1),
                // Frequency-domain decimation by 2^m.
                m @ -8..=-1 => {
                    let m = m.unsigned_abs();
                    dft - (((1 << m) - 1) * dft + taps - 1) / (1 << m)
                }
                _ => return None,
            };
            // Outputs must follow the input exactly (no drifting phase).
            let decimation = if s.step < 0 {
                1 << s.step.unsigned_abs()
            } else {
                1
            };
            if stride == 0 || stride * l != out * decimation {
                return None;
            }
            let span = i32::try_from(dft / l).ok()? + s.preload;
            Some((stride, out, span))
        }
        // Polyphase stage with an integer clock.
        2 if s.fractional == 0 => {
            let (l, m) = (positive(s.L)?, positive(s.step)?);
            let modulus = m / gcd(l, m);
            Some((modulus, l / gcd(l, m), s.pre_post + s.preload))
        }
        // Half-band ÷2.
        3 => Some((2, 1, s.pre_post + s.preload)),
        _ => None,
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::resample::Resampler;

    fn grid(from: u32, to: u32) -> Option<Grid> {
        Resampler::new(from, to, 0).ok()?.grid()
    }

    /// The periods follow from libsoxr's stages for 22,050 Hz (see the
    /// module docs); `resample_split` tests check the bits.
    #[test]
    fn periods_of_the_common_rates() {
        let expect = |from, period, period_out| {
            let g = grid(from, 22_050).unwrap_or_else(|| panic!("{from}: no grid"));
            assert_eq!((g.period, g.period_out), (period, period_out), "{from}");
            // The period is a whole number of outputs at the exact ratio.
            assert_eq!(period as u64 * 22_050, period_out as u64 * u64::from(from));
            assert!(g.transient > 0 && g.transient < 40_000, "{from}: {g:?}");
        };
        expect(44_100, 1660, 830);
        expect(11_025, 830, 1660);
        expect(48_000, 128_320, 58_947);
        expect(96_000, 63_360, 14_553);
    }

    #[test]
    fn unsupported_stages_are_not_split() {
        let cubic = genre_soxr_stage_t {
            kind: 0,
            ..Default::default()
        };
        assert_eq!(Grid::of(&[cubic]), None);
        let fractional = genre_soxr_stage_t {
            kind: 2,
            L: 1,
            step: 3,
            fractional: 1,
            ..Default::default()
        };
        assert_eq!(Grid::of(&[fractional]), None);
    }
}
