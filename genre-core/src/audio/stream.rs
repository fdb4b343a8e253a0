//! Decoding a track's packets into a [`Collector`]: the per-packet rules
//! shared by the sequential loop and the split (two-thread) decode.

use std::path::Path;
use std::sync::mpsc::Sender;

use symphonia::core::codecs::audio::AudioDecoder;
use symphonia::core::errors::Error as SymError;
use symphonia::core::packet::Packet;

use super::decode::{Decoded, sym_error};
use super::signal::Truncation;
use super::window::{Collector, Window};
use crate::{Error, Result};

/// Consecutive undecodable packets after which a stream is declared corrupt.
const MAX_CONSECUTIVE_ERRORS: usize = 64;

/// How reading a track's packets ended.
pub(crate) enum End {
    /// The container says the track is over.
    Done,
    /// The file ended inside a packet or header.
    Eof,
    /// Reading failed otherwise.
    Failed(SymError),
    /// Reading panicked (a split decode reads on a thread of its own and
    /// resumes the panic where one decoder would have met it).
    Panicked(Box<dyn std::any::Any + Send>),
}

impl End {
    /// Reads the next packet of `track_id`, or how reading ended.
    pub fn next(
        reader: &mut dyn symphonia::core::formats::FormatReader,
        track_id: u32,
    ) -> std::result::Result<Packet, End> {
        loop {
            return match reader.next_packet() {
                Ok(Some(packet)) if packet.track_id != track_id => continue,
                Ok(Some(packet)) => Ok(packet),
                Ok(None) | Err(SymError::ResetRequired) => Err(End::Done),
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    Err(End::Eof)
                }
                Err(e) => Err(End::Failed(e)),
            };
        }
    }
}

/// One decoder feeding one collector.
pub(crate) struct Stream<'w> {
    decoder: Box<dyn AudioDecoder>,
    window: &'w Window,
    claimed: Option<u64>,
    path: &'w Path,
    collector: Option<Collector>,
    consecutive_errors: usize,
    /// Packets that failed to decode (and were skipped).
    pub skipped: usize,
    sample_rate: u32,
    channels: usize,
    /// Forward the collected samples here (given to the collector once it
    /// exists).
    forward: Option<Sender<Vec<f32>>>,
}

impl<'w> Stream<'w> {
    pub fn new(
        decoder: Box<dyn AudioDecoder>,
        window: &'w Window,
        claimed: Option<u64>,
        path: &'w Path,
    ) -> Self {
        Stream {
            decoder,
            window,
            claimed,
            path,
            collector: None,
            consecutive_errors: 0,
            skipped: 0,
            sample_rate: 0,
            channels: 0,
            forward: None,
        }
    }

    /// Sends the collected samples to `tx` in chunks as they decode.
    pub fn forward_to(&mut self, tx: Sender<Vec<f32>>) {
        match self.collector.as_mut() {
            Some(collector) => collector.sink().forward_to(tx),
            None => self.forward = Some(tx),
        }
    }

    /// Sends the last chunk and closes the channel of
    /// [`forward_to`](Self::forward_to).
    pub fn close_forward(&mut self) {
        self.forward = None;
        if let Some(collector) = self.collector.as_mut() {
            collector.sink().close_forward();
        }
    }

    /// Takes a chunk that the stream of the next part forwarded; `false`
    /// when this stream has no frames yet to continue.
    pub fn take_forwarded(&mut self, chunk: &[f32]) -> Result<bool> {
        match self.collector.as_mut() {
            Some(collector) => collector.sink().take_forwarded(chunk).map(|()| true),
            None => Ok(false),
        }
    }

    /// Whether every frame of the window has been collected.
    pub fn is_full(&self) -> bool {
        self.collector.as_ref().is_some_and(Collector::is_full)
    }

    /// Rate and channel count of the decoded audio (0 before the first frame).
    pub fn format(&self) -> (u32, usize) {
        (self.sample_rate, self.channels)
    }

    /// Decodes `packet` only to bring the decoder's state up to date (the
    /// packets before a split point); its audio and errors are dropped.
    pub fn prime(&mut self, packet: &Packet) {
        let _ = self.decoder.decode(packet);
    }

    /// Decodes one packet into the collector. Undecodable packets are skipped
    /// (as symphonia recommends) until too many fail in a row.
    pub fn feed(&mut self, packet: &Packet) -> Result<()> {
        let path = self.path;
        let buffer = match self.decoder.decode(packet) {
            Ok(buffer) => buffer,
            Err(SymError::DecodeError(_)) | Err(SymError::IoError(_)) => {
                self.consecutive_errors += 1;
                self.skipped += 1;
                if self.consecutive_errors >= MAX_CONSECUTIVE_ERRORS {
                    return Err(Error::Decode {
                        path: path.to_path_buf(),
                        reason: format!(
                            "{} consecutive packets failed to decode",
                            self.consecutive_errors
                        ),
                    });
                }
                return Ok(());
            }
            Err(e) => return Err(sym_error(path, e, "decoding")),
        };
        self.consecutive_errors = 0;
        let spec = buffer.spec();
        let (rate, count) = (spec.rate(), spec.channels().count());
        let sink = match self.collector.as_mut() {
            Some(sink) => {
                if (rate, count) != (self.sample_rate, self.channels) {
                    return Err(Error::Decode {
                        path: path.to_path_buf(),
                        reason: format!(
                            "stream changes from {} ch at {} Hz to {count} ch at {rate} Hz",
                            self.channels, self.sample_rate
                        ),
                    });
                }
                sink
            }
            None => {
                if rate == 0 || count == 0 {
                    return Err(Error::Decode {
                        path: path.to_path_buf(),
                        reason: format!("{count} channels at {rate} Hz"),
                    });
                }
                (self.sample_rate, self.channels) = (rate, count);
                let mut collector = Collector::new(self.window, rate, count, self.claimed, path)?;
                if let Some(tx) = self.forward.take() {
                    collector.sink().forward_to(tx);
                }
                self.collector.insert(collector)
            }
        };
        sink.push_buffer(&buffer)
    }

    /// Appends what `later` (the second half of a split decode) collected;
    /// hands back its decoder.
    pub fn append(&mut self, later: Stream<'_>) -> Result<Box<dyn AudioDecoder>> {
        let Stream {
            decoder,
            collector,
            sample_rate,
            channels,
            ..
        } = later;
        match (self.collector.as_mut(), collector) {
            (Some(first), Some(second)) => first.append(second)?,
            (None, second) => {
                self.collector = second;
                (self.sample_rate, self.channels) = (sample_rate, channels);
            }
            (Some(_), None) => {}
        }
        Ok(decoder)
    }

    /// The decoded audio, given how reading ended.
    pub fn finish(self, end: End) -> Result<Decoded> {
        self.finish_keeping_decoder(end).1
    }

    /// [`finish`](Self::finish), handing back the decoder too (to reuse it).
    pub fn finish_keeping_decoder(self, end: End) -> (Box<dyn AudioDecoder>, Result<Decoded>) {
        let Stream {
            decoder,
            collector,
            claimed,
            path,
            ..
        } = self;
        (decoder, finish(collector, claimed, path, end))
    }
}

/// The decoded audio of a stream's collector, given how reading ended.
fn finish(
    collector: Option<Collector>,
    claimed: Option<u64>,
    path: &Path,
    end: End,
) -> Result<Decoded> {
    let stopped = match end {
        End::Done => None,
        End::Eof => Some("unexpected end of file".to_string()),
        End::Failed(e) if collector.is_none() => {
            return Err(sym_error(path, e, "reading the first packet"));
        }
        End::Failed(e) => Some(e.to_string()),
        End::Panicked(payload) => std::panic::resume_unwind(payload),
    };
    let Some(collector) = collector else {
        return Err(Error::EmptyAudio {
            path: path.to_path_buf(),
            detail: stopped.map_or_else(
                || ": the stream holds no audio frames".into(),
                |why| format!(": decoding stopped before the first frame ({why})"),
            ),
        });
    };
    // Reported on the timeline after the lead, like `info().frames`.
    let lead = collector.lead();
    let decoded_frames = collector.position().saturating_sub(lead);
    let claimed = claimed.map(|c| c.saturating_sub(lead));
    let short = claimed.filter(|&expected| decoded_frames < expected && !collector.is_full());
    let truncated = match (short, stopped) {
        (None, None) => None,
        (expected_frames, reason) => Some(Truncation {
            expected_frames: expected_frames.or(claimed),
            decoded_frames,
            reason: reason.unwrap_or_else(|| "the data ends early".into()),
        }),
    };
    collector.into_decoded(truncated)
}

/// Every packet of `source`'s track, with its codec parameters (for tests).
#[cfg(test)]
pub(crate) fn read_packets(
    source: super::source::Source<'_>,
) -> Result<(
    symphonia::core::codecs::audio::AudioCodecParameters,
    Vec<Packet>,
)> {
    let path = source.name();
    let mut track = super::track::Track::open(source, &path)?;
    let mut packets = Vec::new();
    while let Ok(packet) = End::next(&mut *track.reader, track.id) {
        packets.push(packet);
    }
    Ok((track.params, packets))
}
