//! The frame iterator: decodes frame after frame from a byte offset into a
//! [`Collector`], finding the next frame by its sync code when the data at
//! hand is not one (libFLAC's "lost sync" search).
//!
//! Corrupt data, as libFLAC (and so librosa) handles it:
//! - a frame whose CRC-16 does not match yields `block_size` frames of
//!   silence (the sample count stays that of the stream);
//! - a header that fails its CRC-8 or disagrees with STREAMINFO is not a
//!   frame: the search goes on from the next byte;
//! - a frame whose subframes are malformed is dropped, and the search goes
//!   on from where reading failed.
//!
//! The walk keeps no state from frame to frame beyond the stream's fixed
//! parameters, so a walk started at any frame boundary decodes exactly
//! what a walk from the start decodes from there on (see [`super::split`]).

use std::sync::atomic::{AtomicBool, Ordering};

use super::bits::Fault;
use super::frame::Frame;
use super::header;
use super::metadata::StreamInfo;
use crate::Result;
use crate::audio::window::Collector;

/// Where a walk stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// At this offset, the first frame boundary at or past the stop offset
    /// (or where it was cancelled).
    At(usize),
    /// The window is full.
    Full,
    /// No frame follows; `eof`: the data ended inside a frame.
    End { eof: bool },
}

/// Walks frames of one stream.
pub(crate) struct Walker<'d> {
    data: &'d [u8],
    info: StreamInfo,
    /// The blocking strategy of the stream's first frame.
    variable: bool,
    frame: Frame,
    /// Frames dropped as malformed.
    pub malformed: usize,
}

impl<'d> Walker<'d> {
    pub fn new(data: &'d [u8], info: StreamInfo, variable: bool) -> Self {
        Walker {
            data,
            info,
            variable,
            frame: Frame::default(),
            malformed: 0,
        }
    }

    /// Length of the stream's data.
    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    /// The stream's STREAMINFO.
    pub fn info(&self) -> StreamInfo {
        self.info
    }

    /// Offset of the first acceptable frame header at or after `from`.
    pub fn find_frame(&self, from: usize) -> Option<usize> {
        header::find(self.data, from, &self.info, Some(self.variable)).map(|(at, _)| at)
    }

    /// A walker of the same stream with its own buffers.
    pub fn fresh(&self) -> Self {
        Walker::new(self.data, self.info, self.variable)
    }

    /// Decodes frames from offset `pos` into `collector` until the next
    /// frame would start at or past `stop`, the window is full, the data
    /// ends, or `cancel` is set.
    pub fn run(
        &mut self,
        mut pos: usize,
        stop: usize,
        collector: &mut Collector,
        cancel: &AtomicBool,
    ) -> Result<Stop> {
        loop {
            if collector.is_full() {
                return Ok(Stop::Full);
            }
            if pos >= stop || cancel.load(Ordering::Relaxed) {
                return Ok(Stop::At(pos));
            }
            let Some(head) = header::parse(self.data, pos, &self.info, Some(self.variable)) else {
                match header::find(self.data, pos + 1, &self.info, Some(self.variable)) {
                    Some((at, _)) => {
                        pos = at;
                        continue;
                    }
                    None => return Ok(Stop::End { eof: false }),
                }
            };
            match self.frame.decode(self.data, pos, &head) {
                Ok(decoded) => {
                    let frame = &self.frame;
                    collector.push_with(head.block_size, |from, to, mono, out| {
                        if decoded.crc_ok {
                            frame.emit(&head, from, to, mono, out);
                        } else {
                            let channels = if mono { 1 } else { head.channels };
                            out.resize(out.len() + (to - from) * channels, 0.0);
                        }
                    })?;
                    pos = decoded.end;
                }
                Err((Fault::Eof, _)) => return Ok(Stop::End { eof: true }),
                Err((Fault::Invalid(_), at)) => {
                    self.malformed += 1;
                    pos = at.max(pos + 1);
                }
            }
        }
    }
}
