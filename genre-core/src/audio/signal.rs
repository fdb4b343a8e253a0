//! The result of [`load`](super::load): samples at the requested rate.

/// Loaded audio: f32 samples, channel-major like librosa's `(channels, n)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    /// Samples of channel 0, then channel 1, …, each [`frames`](Self::frames)
    /// long. With `mono` (the default) there is one channel.
    pub samples: Vec<f32>,
    /// Number of channels (1 when loaded as mono).
    pub channels: usize,
    /// Sample rate of `samples` in Hz.
    pub sample_rate: u32,
    /// Set when the file ended before the length its header claims; the
    /// samples are then what decoded, like libsndfile returns them.
    pub truncated: Option<Truncation>,
}

impl Signal {
    /// Samples per channel.
    pub fn frames(&self) -> usize {
        self.samples.len() / self.channels.max(1)
    }

    /// Duration in seconds.
    pub fn duration(&self) -> f64 {
        self.frames() as f64 / f64::from(self.sample_rate.max(1))
    }

    /// The samples of one channel, or `None` past the last channel.
    pub fn channel(&self, index: usize) -> Option<&[f32]> {
        let frames = self.frames();
        self.samples
            .get(index.checked_mul(frames)?..index.checked_add(1)?.checked_mul(frames)?)
    }
}

/// A file that ended before the length its header claims (or whose stream
/// broke off): decoding returned every whole frame before that point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Truncation {
    /// Frames the header promised, when it states a length.
    pub expected_frames: Option<u64>,
    /// Frames decoded before the stream ended (at the native rate).
    pub decoded_frames: u64,
    /// Why decoding stopped.
    pub reason: String,
}

impl std::fmt::Display for Truncation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "decoding stopped at frame {}", self.decoded_frames)?;
        if let Some(expected) = self.expected_frames {
            write!(f, " of {expected} claimed by the header")?;
        }
        write!(f, " ({})", self.reason)
    }
}
