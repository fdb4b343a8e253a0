//! Array and audio writers the CLI commands share: `.npy` (float32) and
//! 32-bit float `.wav`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// What to write, from the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// NumPy `.npy`, float32, C order.
    Npy,
    /// RIFF WAVE, IEEE float 32-bit, interleaved.
    Wav,
}

impl OutputKind {
    /// `.npy` or `.wav` (case-insensitive); anything else is an error message.
    pub fn from_path(path: &Path) -> Result<Self, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("npy") => Ok(OutputKind::Npy),
            Some("wav") => Ok(OutputKind::Wav),
            _ => Err(format!(
                "{}: output must end in .npy or .wav",
                path.display()
            )),
        }
    }
}

/// Writes `data` (C order, `shape`) as a little-endian float32 `.npy` file.
pub fn write_npy_f32(path: &Path, shape: &[usize], data: &[f32]) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(&npy_header(shape))?;
    for v in data {
        out.write_all(&v.to_le_bytes())?;
    }
    out.flush()
}

/// The `.npy` v1.0 magic, version and header dict, padded to 64 bytes.
fn npy_header(shape: &[usize]) -> Vec<u8> {
    let dims = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut dict = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {dims}, }}");
    // magic (6) + version (2) + length (2) + dict + '\n' must be a multiple of 64.
    while (10 + dict.len() + 1) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    let mut header = b"\x93NUMPY\x01\x00".to_vec();
    header.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    header.extend_from_slice(dict.as_bytes());
    header
}

/// Writes channel-major `planar` samples as an interleaved 32-bit float WAV.
pub fn write_wav_f32(
    path: &Path,
    sample_rate: u32,
    channels: usize,
    planar: &[f32],
) -> std::io::Result<()> {
    let channels = channels.max(1);
    let frames = planar.len() / channels;
    let data_len = u32::try_from(frames * channels * 4).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "audio too long for a WAV file (4 GiB)",
        )
    })?;
    let ch = u16::try_from(channels)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "too many channels"))?;
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(b"RIFF")?;
    out.write_all(&(36 + data_len).to_le_bytes())?;
    out.write_all(b"WAVEfmt ")?;
    out.write_all(&16u32.to_le_bytes())?;
    out.write_all(&3u16.to_le_bytes())?; // WAVE_FORMAT_IEEE_FLOAT
    out.write_all(&ch.to_le_bytes())?;
    out.write_all(&sample_rate.to_le_bytes())?;
    out.write_all(&(sample_rate * 4 * u32::from(ch)).to_le_bytes())?;
    out.write_all(&(4 * ch).to_le_bytes())?;
    out.write_all(&32u16.to_le_bytes())?;
    out.write_all(b"data")?;
    out.write_all(&data_len.to_le_bytes())?;
    for i in 0..frames {
        for c in 0..channels {
            let v = planar.get(c * frames + i).copied().unwrap_or(0.0);
            out.write_all(&v.to_le_bytes())?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_is_aligned_and_describes_the_array() {
        for shape in [vec![5usize], vec![2, 7]] {
            let header = npy_header(&shape);
            assert_eq!(header.len() % 64, 0);
            let text = String::from_utf8_lossy(&header[10..]);
            assert!(text.contains("'descr': '<f4'"), "{text}");
            assert!(text.ends_with('\n'));
        }
        let one = npy_header(&[5]);
        assert!(String::from_utf8_lossy(&one).contains("'shape': (5,)"));
        let two = npy_header(&[2, 7]);
        assert!(String::from_utf8_lossy(&two).contains("'shape': (2, 7)"));
    }

    #[test]
    fn output_kind_follows_the_extension() {
        assert_eq!(
            OutputKind::from_path(Path::new("a.NPY")),
            Ok(OutputKind::Npy)
        );
        assert_eq!(
            OutputKind::from_path(Path::new("a.wav")),
            Ok(OutputKind::Wav)
        );
        assert!(OutputKind::from_path(Path::new("a.mp3")).is_err());
    }
}
