//! `librosa.load` in Rust: decode, cut, downmix, resample.

use super::decode::{DEFAULT_MAX_DURATION, decode_window};
use super::resample::resample;
use super::signal::Signal;
use super::source::Source;
use super::window::Window;
use crate::{Error, Result};

/// Options of [`load`], with `librosa.load`'s defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadOptions {
    /// Target sample rate; `None` keeps the native rate. Default 22,050 Hz.
    pub sr: Option<u32>,
    /// Average the channels into one (`np.mean` in f32). Default `true`.
    pub mono: bool,
    /// Seconds to skip: `int(offset * native_sr)` frames. Default 0.
    pub offset: f64,
    /// Seconds to keep after `offset`: `int(duration * native_sr)` frames;
    /// `None` (default) keeps the rest of the file.
    pub duration: Option<f64>,
    /// Most audio (seconds, after `offset`/`duration`) a load may hold, so a
    /// small file claiming days of audio cannot exhaust memory. Default 1 h.
    pub max_duration: f64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            sr: Some(22_050),
            mono: true,
            offset: 0.0,
            duration: None,
            max_duration: DEFAULT_MAX_DURATION,
        }
    }
}

impl LoadOptions {
    /// Checks every field; [`load`] calls this first.
    pub fn validate(&self) -> Result<()> {
        let invalid = |parameter, reason: String| Err(Error::InvalidConfig { parameter, reason });
        if self.sr == Some(0) {
            return invalid("sr", "the target sample rate must be positive".into());
        }
        if !(self.offset.is_finite() && self.offset >= 0.0) {
            return invalid(
                "offset",
                format!("{} is not a non-negative number of seconds", self.offset),
            );
        }
        if let Some(d) = self.duration.filter(|d| !(d.is_finite() && *d > 0.0)) {
            return invalid(
                "duration",
                format!("{d} is not a positive number of seconds"),
            );
        }
        if self.max_duration.is_nan() || self.max_duration <= 0.0 {
            return invalid(
                "max_duration",
                format!("{} is not a positive number of seconds", self.max_duration),
            );
        }
        Ok(())
    }
}

/// Loads audio like `librosa.load(path, sr=22050, mono=True, offset=0.0,
/// duration=None)`: decodes (by content) at the native rate, keeps
/// `int(offset*sr)`.. `+int(duration*sr)` frames, averages channels in f32
/// when `mono`, and resamples each channel with libsoxr HQ to `sr`, fixing
/// the length to `ceil(n * sr / native_sr)`.
///
/// MP4 (M4A with AAC or ALAC), which librosa reads through audioread →
/// ffmpeg, is decoded like ffmpeg decodes it: the frames before the start
/// of the track's edit list (the AAC encoder priming, 1,024 or 2,112
/// frames) are dropped first and `offset`/`duration` count from there; the
/// encoder padding after the last real sample is kept, as ffmpeg keeps it.
///
/// ```no_run
/// use genre_core::audio::{load, LoadOptions};
///
/// let signal = load("examples/traveling_minstrels_20s.ogg", &LoadOptions::default())?;
/// assert_eq!((signal.sample_rate, signal.channels), (22_050, 1));
///
/// // Stereo at the native rate, seconds 5..8.
/// let opts = LoadOptions { sr: None, mono: false, offset: 5.0, duration: Some(3.0), ..Default::default() };
/// let stereo = load("examples/traveling_minstrels_20s.ogg", &opts)?;
/// println!("{} frames × {} channels", stereo.frames(), stereo.channels);
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn load<'a>(source: impl Into<Source<'a>>, options: &LoadOptions) -> Result<Signal> {
    options.validate()?;
    let source = source.into();
    let window = Window {
        offset: options.offset,
        duration: options.duration,
        max_duration: options.max_duration,
        mono: options.mono,
        // A mono signal is resampled while it decodes; channels of a
        // multi-channel one below, one after another.
        resample_to: options.sr.filter(|_| options.mono),
        // librosa's `valid_audio`: `to_mono` and `resample` refuse NaN/±inf
        // (float WAV/AU can hold them); only `mono=False, sr=None` passes
        // them through.
        check_finite: options.mono || options.sr.is_some(),
        // Set by the decoder from the container (an MP4's edit list).
        lead: 0,
    };
    let decoded = decode_window(source, &window)?;
    let channels = decoded.channels.max(1);
    let frames = decoded.frames();
    if frames == 0 {
        return Err(Error::EmptyAudio {
            path: source.name(),
            detail: if options.offset > 0.0 {
                format!(" after offset {} s", options.offset)
            } else {
                String::new()
            },
        });
    }
    let truncated = decoded.truncated;
    let sample_rate = decoded.sample_rate;
    // A mono load arrives already averaged (one channel) and resampled.
    let planar = deinterleave(decoded.samples, channels);
    let samples = match options.sr {
        Some(sr) if sr != sample_rate => {
            let mut out = Vec::new();
            for channel in planar.chunks_exact(frames) {
                out.extend(resample(channel, sample_rate, sr)?);
            }
            out
        }
        _ => planar,
    };
    Ok(Signal {
        samples,
        channels,
        sample_rate: options.sr.unwrap_or(sample_rate),
        truncated,
    })
}

/// Interleaved frames to channel-major planes.
fn deinterleave(samples: Vec<f32>, channels: usize) -> Vec<f32> {
    if channels <= 1 {
        return samples;
    }
    let frames = samples.len() / channels;
    let mut planar = vec![0.0f32; frames * channels];
    for (c, plane) in planar.chunks_exact_mut(frames.max(1)).enumerate() {
        for (slot, frame) in plane.iter_mut().zip(samples.chunks_exact(channels)) {
            *slot = frame.get(c).copied().unwrap_or(0.0);
        }
    }
    planar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deinterleave_orders_by_channel() {
        assert_eq!(
            deinterleave(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3),
            vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
        );
    }

    #[test]
    fn options_reject_nonsense() {
        for bad in [
            LoadOptions {
                sr: Some(0),
                ..Default::default()
            },
            LoadOptions {
                offset: -1.0,
                ..Default::default()
            },
            LoadOptions {
                offset: f64::NAN,
                ..Default::default()
            },
            LoadOptions {
                duration: Some(0.0),
                ..Default::default()
            },
            LoadOptions {
                max_duration: 0.0,
                ..Default::default()
            },
        ] {
            assert!(
                matches!(bad.validate(), Err(Error::InvalidConfig { .. })),
                "{bad:?}"
            );
        }
        assert!(LoadOptions::default().validate().is_ok());
    }
}
