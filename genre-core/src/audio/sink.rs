//! Where the frames a [`Collector`](super::window::Collector) keeps go: a
//! growing buffer, or — for a mono load that resamples — straight into the
//! streaming resampler, block by block while the file decodes (no
//! whole-file buffer at the native rate). Also librosa's `valid_audio`
//! rule: the first NaN/±inf sample is noted as it arrives and refused at
//! the end, so errors keep the order of a load that checks afterwards.

use std::path::Path;
use std::sync::mpsc::Sender;

use super::resample::Resampler;
use crate::{Error, Result};

/// The kept samples of one collector.
pub(crate) struct Sink {
    /// Kept samples (interleaved), unless streaming.
    samples: Vec<f32>,
    channels: usize,
    /// The resampler and its target rate, when streaming: new samples are
    /// then written straight into its pending input.
    resampler: Option<(Resampler, u32)>,
    /// Samples committed so far.
    seen: usize,
    check_finite: bool,
    /// Kept-frame index of the first NaN or ±inf sample.
    non_finite: Option<u64>,
    /// Where full chunks of samples go as they arrive (the second half of a
    /// split decode hands them to the first half's resampler).
    forward: Option<Sender<Vec<f32>>>,
    /// Whether this sink forwarded its samples (so it holds none at the end).
    forwarded: bool,
}

/// Samples per forwarded chunk.
const FORWARD_CHUNK: usize = 1 << 14;

impl Sink {
    /// A sink for `channels`-channel samples at `native` Hz; streams into a
    /// resampler when `resample_to` asks for another rate of a mono signal.
    /// `reserve` (frames, already bounded by the caller) sizes the one
    /// buffer that fills: the samples, or the resampler's output.
    pub fn new(
        channels: usize,
        native: u32,
        resample_to: Option<u32>,
        check_finite: bool,
        reserve: usize,
    ) -> Result<Self> {
        let resampler = match resample_to {
            Some(to) if to != native && channels == 1 => {
                Some((Resampler::new(native, to, reserve)?, to))
            }
            _ => None,
        };
        let mut samples = Vec::new();
        if resampler.is_none() {
            samples.reserve_exact(reserve.saturating_mul(channels));
        }
        Ok(Sink {
            samples,
            channels: channels.max(1),
            resampler,
            seen: 0,
            check_finite,
            non_finite: None,
            forward: None,
            forwarded: false,
        })
    }

    /// The buffer new samples are appended to; call [`commit`](Self::commit)
    /// with its length from before.
    pub fn buffer(&mut self) -> &mut Vec<f32> {
        match self.resampler.as_mut() {
            Some((resampler, _)) => resampler.pending(),
            None => &mut self.samples,
        }
    }

    /// Takes the samples appended since `start`: checks them and, when
    /// streaming, feeds them to the resampler.
    pub fn commit(&mut self, start: usize) -> Result<()> {
        let (check, seen, channels) = (self.check_finite, self.seen, self.channels);
        let mut non_finite = self.non_finite;
        let buffer = self.buffer();
        let new = buffer.get(start..).unwrap_or_default();
        if check && non_finite.is_none() {
            non_finite = first_non_finite(new).map(|i| ((seen + i) / channels) as u64);
        }
        self.seen += new.len();
        self.non_finite = non_finite;
        if let Some(tx) = self.forward.as_ref()
            && self.samples.len() >= FORWARD_CHUNK
        {
            let chunk = std::mem::replace(&mut self.samples, Vec::with_capacity(2 * FORWARD_CHUNK));
            // A failed send means the receiving half gave up (its error
            // voids the split): nothing to do.
            let _ = tx.send(chunk);
        }
        if let Some((resampler, _)) = self.resampler.as_mut() {
            if non_finite.is_some() {
                // The load fails at the end: stop resampling.
                resampler.pending().clear();
            } else {
                resampler.flush_full()?;
            }
        }
        Ok(())
    }

    /// Sends every full chunk of samples to `tx` from now on.
    pub fn forward_to(&mut self, tx: Sender<Vec<f32>>) {
        self.forward = Some(tx);
        self.forwarded = true;
    }

    /// Sends what is left and drops the sender (ends the receiver's loop).
    pub fn close_forward(&mut self) {
        if let Some(tx) = self.forward.take()
            && !self.samples.is_empty()
        {
            let _ = tx.send(std::mem::take(&mut self.samples));
        }
    }

    /// Takes a chunk forwarded by the sink of the next part of the stream,
    /// as if it had been committed here.
    pub fn take_forwarded(&mut self, chunk: &[f32]) -> Result<()> {
        if self.check_finite && self.non_finite.is_none() {
            self.non_finite =
                first_non_finite(chunk).map(|i| ((self.seen + i) / self.channels) as u64);
        }
        self.seen += chunk.len();
        match self.resampler.as_mut() {
            Some((resampler, _)) if self.non_finite.is_none() => resampler.push(chunk),
            Some(_) => Ok(()),
            None => {
                self.samples.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    /// Takes what a later sink kept (the second half of a split decode,
    /// which never streams); `kept` is the frames this one kept before. A
    /// sink that forwarded its chunks here has nothing left to add.
    pub fn append(&mut self, later: Sink, kept: u64) -> Result<()> {
        if later.forwarded {
            return Ok(());
        }
        self.seen += later.seen;
        if self.non_finite.is_none() {
            self.non_finite = later.non_finite.map(|i| kept + i);
        }
        match self.resampler.as_mut() {
            Some((resampler, _)) => {
                if self.non_finite.is_none() {
                    resampler.push(&later.samples)?;
                }
            }
            None => self.samples.extend_from_slice(&later.samples),
        }
        Ok(())
    }

    /// The samples and their rate (`native`, or the resampler's target),
    /// or the error for a non-finite sample.
    pub fn finish(self, native: u32, path: &Path) -> Result<(Vec<f32>, u32)> {
        if let Some(frame) = self.non_finite {
            return Err(non_finite_error(path, frame));
        }
        match self.resampler {
            Some((resampler, to)) => Ok((resampler.finish()?, to)),
            None => Ok((self.samples, native)),
        }
    }
}

/// librosa's `valid_audio` error: `to_mono` and `resample` raise "Audio
/// buffer is not finite everywhere" on NaN or ±inf samples (float WAV/AU can
/// hold them). (A mono mean is non-finite exactly when one of its channels
/// is, or when it overflows.)
fn non_finite_error(path: &Path, frame: u64) -> Error {
    Error::Decode {
        path: path.to_path_buf(),
        reason: format!(
            "frame {frame} holds a NaN or infinite sample (librosa.load refuses non-finite \
             audio unless mono=False and sr=None)"
        ),
    }
}

/// Index of the first NaN or ±inf sample. Scans blocks with a branch-free
/// (vectorised) count of all-ones exponents first.
fn first_non_finite(samples: &[f32]) -> Option<usize> {
    const EXPONENT: u32 = 0x7f80_0000;
    let mut offset = 0;
    for block in samples.chunks(1024) {
        let hits: u32 = block
            .iter()
            .map(|s| u32::from(s.to_bits() & EXPONENT == EXPONENT))
            .sum();
        if hits > 0 {
            return block
                .iter()
                .position(|s| !s.is_finite())
                .map(|i| offset + i);
        }
        offset += block.len();
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn first_non_finite_finds_nan_and_inf() {
        let mut x = vec![0.5f32; 3000];
        assert_eq!(first_non_finite(&x), None);
        x[2500] = f32::NEG_INFINITY;
        x[2900] = f32::NAN;
        assert_eq!(first_non_finite(&x), Some(2500));
        x[7] = f32::NAN;
        assert_eq!(first_non_finite(&x), Some(7));
        assert_eq!(first_non_finite(&[f32::MAX, -f32::MAX]), None);
    }

    /// Streaming in blocks gives `resample`'s samples; a split's second
    /// half appended later continues the same stream.
    #[test]
    fn streamed_resampling_is_one_shot_resampling() {
        let x: Vec<f32> = (0..50_000).map(|i| (i as f32 * 0.013).sin()).collect();
        let expected = crate::audio::resample(&x, 44_100, 22_050).unwrap();
        let mut sink = Sink::new(1, 44_100, Some(22_050), true, 0).unwrap();
        for block in x[..30_000].chunks(1152) {
            let start = sink.buffer().len();
            sink.buffer().extend_from_slice(block);
            sink.commit(start).unwrap();
        }
        let mut later = Sink::new(1, 44_100, None, true, 0).unwrap();
        later.buffer().extend_from_slice(&x[30_000..]);
        later.commit(0).unwrap();
        sink.append(later, 30_000).unwrap();
        let (y, rate) = sink.finish(44_100, Path::new("x")).unwrap();
        assert_eq!(rate, 22_050);
        let bits = |v: &[f32]| v.iter().map(|s| s.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&y), bits(&expected));
    }

    #[test]
    fn non_finite_frames_are_counted_across_blocks_and_halves() {
        let mut sink = Sink::new(2, 8000, None, true, 0).unwrap();
        sink.buffer().extend_from_slice(&[0.0; 10]);
        sink.commit(0).unwrap();
        let mut later = Sink::new(2, 8000, None, true, 0).unwrap();
        later.buffer().extend_from_slice(&[0.0, 0.0, 0.0, f32::NAN]);
        later.commit(0).unwrap();
        sink.append(later, 5).unwrap();
        let err = sink.finish(8000, Path::new("nan.wav")).unwrap_err();
        assert!(err.to_string().contains("frame 6 "), "{err}");
    }
}
