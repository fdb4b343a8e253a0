//! One decode of a stream's frames into a [`Collector`]: the frame
//! decoder, the timeline trim (encoder delay and padding), the stream's
//! fixed rate and channel count, and the give-up rule for corrupt streams.
//! A split decode runs one per part ([`Run::prime`] brings a later part's
//! state up to date from the frames before it).

use std::path::Path;

use super::demux::AudioFrame;
use super::frame::{FrameDecoder, FrameError, FramePcm};
use super::header::Header;
use crate::audio::decode::Decoded;
use crate::audio::signal::Truncation;
use crate::audio::window::{Collector, Window};
use crate::{Error, Result};

/// Consecutive undecodable frames after which a stream is declared corrupt
/// (as for symphonia's packets).
pub(crate) const MAX_CONSECUTIVE_ERRORS: usize = 64;

/// One decode of a stream into a collector.
pub(crate) struct Run<'w> {
    decoder: FrameDecoder,
    /// Created by the first frame that decodes (its rate and channels).
    collector: Option<Collector>,
    /// (sample rate, channels) of the stream: the first audio frame's.
    spec: Option<(u32, usize)>,
    window: &'w Window,
    claimed: Option<u64>,
    path: &'w Path,
    consecutive_errors: usize,
}

impl<'w> Run<'w> {
    /// A run keeping the frames of `window`; `claimed`: the stream's length
    /// (trims the padding, reports truncation).
    pub fn new(window: &'w Window, claimed: Option<u64>, path: &'w Path) -> Self {
        Run {
            decoder: FrameDecoder::new(window.mono),
            collector: None,
            spec: None,
            window,
            claimed,
            path,
            consecutive_errors: 0,
        }
    }

    /// Whether every frame of the window has been collected.
    pub fn is_full(&self) -> bool {
        self.collector.as_ref().is_some_and(Collector::is_full)
    }

    /// Decodes one frame and keeps its samples inside `[0, claimed)` of the
    /// timeline. A frame that fails to decode is skipped; `false` when the
    /// stream uses a feature left to symphonia (restart it there).
    pub fn feed(&mut self, frame: &AudioFrame<'_>) -> Result<bool> {
        match self.frame(&frame.header, frame.bytes, frame.ts)? {
            Ok(()) => self.consecutive_errors = 0,
            Err(FrameError::Unsupported(_)) => return Ok(false),
            Err(FrameError::Bad(why)) => {
                self.consecutive_errors += 1;
                if self.consecutive_errors >= MAX_CONSECUTIVE_ERRORS {
                    return Err(Error::Decode {
                        path: self.path.to_path_buf(),
                        reason: format!(
                            "{} consecutive MP3 frames failed to decode ({why})",
                            self.consecutive_errors
                        ),
                    });
                }
            }
        }
        Ok(true)
    }

    /// Decodes a frame only to bring the decoder's state (bit reservoir,
    /// overlap, synthesis history) up to date: the frames before a split
    /// point; its samples and errors are dropped.
    pub fn prime(&mut self, frame: &AudioFrame<'_>) {
        if frame.header.layer == 3 {
            let _ = self.decoder.decode(&frame.header, frame.bytes);
        }
    }

    /// A run that collects into `collector` (a later part of a split
    /// decode) frames of `spec` (sample rate, channels).
    pub fn into(
        collector: Collector,
        spec: (u32, usize),
        window: &'w Window,
        claimed: Option<u64>,
        path: &'w Path,
    ) -> Self {
        Run {
            collector: Some(collector),
            spec: Some(spec),
            ..Run::new(window, claimed, path)
        }
    }

    /// Continues from `decoder`'s state (a later part decoded again in
    /// order from where the part before it stopped).
    pub fn set_decoder(&mut self, decoder: FrameDecoder) {
        self.decoder = decoder;
    }

    /// The frame decoder (its state after the frames fed so far).
    pub fn decoder(&self) -> &FrameDecoder {
        &self.decoder
    }

    /// (sample rate, channels) of the frames fed so far.
    pub fn spec(&self) -> Option<(u32, usize)> {
        self.spec
    }

    /// Frames in a row that failed to decode, up to the last one fed.
    pub fn consecutive_errors(&self) -> usize {
        self.consecutive_errors
    }

    /// The collector, once a frame decoded (or given to [`Self::into`]).
    pub fn collector(&mut self) -> Option<&mut Collector> {
        self.collector.as_mut()
    }

    /// The collector, ending the run.
    pub fn into_collector(self) -> Option<Collector> {
        self.collector
    }

    /// The outer error fails the load; the inner one is the frame's.
    fn frame(
        &mut self,
        header: &Header,
        bytes: &[u8],
        ts: i64,
    ) -> Result<std::result::Result<(), FrameError>> {
        let spec = *self
            .spec
            .get_or_insert((header.sample_rate, header.channels()));
        if spec != (header.sample_rate, header.channels()) {
            return Ok(Err(FrameError::Bad("the stream changes rate or channels")));
        }
        if header.layer != 3 {
            return Ok(Err(FrameError::Bad("not a Layer III frame")));
        }
        if let Err(e) = self.decoder.decode(header, bytes) {
            return Ok(Err(e));
        }
        let dur = header.samples() as i64;
        let from = (-ts).clamp(0, dur);
        let to = match self.claimed {
            Some(end) => {
                (i64::try_from(end).unwrap_or(i64::MAX).saturating_sub(ts)).clamp(from, dur)
            }
            None => dur,
        };
        let collector = match self.collector.as_mut() {
            Some(c) => c,
            None => {
                let c = Collector::new(self.window, spec.0, spec.1, self.claimed, self.path)?;
                self.collector.insert(c)
            }
        };
        let channels = self.decoder.out_channels(header);
        let pcm = &self.decoder.pcm;
        collector.push_with((to - from) as usize, |a, b, _mono, out| {
            push_pcm(pcm, channels, a + from as usize, b + from as usize, out);
        })?;
        Ok(Ok(()))
    }

    /// The decoded audio: every whole frame, with a [`Truncation`] when the
    /// stream ends before the length its tag (or symphonia's estimate)
    /// gives.
    pub fn finish(self) -> Result<Decoded> {
        let Some(collector) = self.collector else {
            return Err(Error::EmptyAudio {
                path: self.path.to_path_buf(),
                detail: ": the stream holds no audio frames".into(),
            });
        };
        let decoded_frames = collector.position();
        let truncated = self
            .claimed
            .filter(|&expected| decoded_frames < expected && !collector.is_full())
            .map(|expected| Truncation {
                expected_frames: Some(expected),
                decoded_frames,
                reason: "the data ends early".into(),
            });
        collector.into_decoded(truncated)
    }
}

/// Appends samples `from..to` of a frame's PCM, interleaving `channels`
/// channels.
fn push_pcm(pcm: &FramePcm, channels: usize, from: usize, to: usize, out: &mut Vec<f32>) {
    let [left, right] = pcm;
    let (Some(l), Some(r)) = (left.get(from..to), right.get(from..to)) else {
        return;
    };
    match channels {
        1 => out.extend_from_slice(l),
        _ => {
            for (l, r) in l.iter().zip(r) {
                out.push(*l);
                out.push(*r);
            }
        }
    }
}
