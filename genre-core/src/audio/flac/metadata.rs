//! The `fLaC` marker and the metadata blocks before the first frame (RFC
//! 9639 §8): STREAMINFO is read, every other block is skipped.

/// The four bytes a native FLAC stream starts with.
pub(crate) const MAGIC: &[u8; 4] = b"fLaC";

/// What STREAMINFO says about the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StreamInfo {
    /// Sample rate in Hz (> 0).
    pub sample_rate: u32,
    /// Channels, 1–8.
    pub channels: usize,
    /// Bits per sample, 4–32.
    pub bits: u32,
    /// Interchannel samples in the stream; `None` when unknown (0).
    pub total: Option<u64>,
    /// Byte offset of the first frame.
    pub audio_start: usize,
}

/// Why the metadata could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MetaError {
    /// The data ends inside the metadata.
    Eof,
    /// A block is malformed.
    Invalid(String),
}

/// Reads the metadata blocks of a stream starting with [`MAGIC`].
pub(crate) fn read(data: &[u8]) -> Result<StreamInfo, MetaError> {
    let invalid = |what: &str| MetaError::Invalid(what.to_string());
    if !data.starts_with(MAGIC) {
        return Err(invalid("no fLaC marker"));
    }
    let mut pos = MAGIC.len();
    let mut info = None;
    loop {
        let &[h0, h1, h2, h3] = data
            .get(pos..)
            .and_then(|rest| rest.first_chunk::<4>())
            .ok_or(MetaError::Eof)?;
        let last = h0 & 0x80 != 0;
        let kind = h0 & 0x7F;
        let len = usize::from(h1) << 16 | usize::from(h2) << 8 | usize::from(h3);
        let body = data.get(pos + 4..pos + 4 + len).ok_or(MetaError::Eof)?;
        match (kind, info.is_some()) {
            (0, false) => info = Some(stream_info(body)?),
            (0, true) => return Err(invalid("a second STREAMINFO block")),
            (127, _) => return Err(invalid("metadata block type 127")),
            (_, false) => return Err(invalid("the first metadata block is not STREAMINFO")),
            _ => {}
        }
        pos += 4 + len;
        if last {
            break;
        }
    }
    let mut info = info.ok_or_else(|| invalid("no STREAMINFO block"))?;
    info.audio_start = pos;
    Ok(info)
}

fn stream_info(body: &[u8]) -> Result<StreamInfo, MetaError> {
    let invalid = |what: String| MetaError::Invalid(what);
    let Some(b) = body.first_chunk::<34>() else {
        return Err(invalid(format!(
            "STREAMINFO is {} bytes, not 34",
            body.len()
        )));
    };
    // Block and frame size bounds (bytes 0..10) are hints; frames carry
    // their own sizes and every buffer is bounded by 65535 samples.
    let packed = u64::from_be_bytes([b[10], b[11], b[12], b[13], b[14], b[15], b[16], b[17]]);
    let sample_rate = (packed >> 44) as u32;
    let channels = ((packed >> 41) & 7) as usize + 1;
    let bits = ((packed >> 36) & 31) as u32 + 1;
    let total = packed & ((1 << 36) - 1);
    if sample_rate == 0 {
        return Err(invalid("sample rate is 0".into()));
    }
    if bits < 4 {
        return Err(invalid(format!(
            "{bits} bits per sample (FLAC allows 4 to 32)"
        )));
    }
    Ok(StreamInfo {
        sample_rate,
        channels,
        bits,
        total: (total > 0).then_some(total),
        audio_start: 0,
    })
}
