//! `genre mfcc FILE`: librosa.load + librosa.feature.mfcc, as JSON, CSV or `.npy`.

use std::io::Write;
use std::path::{Path, PathBuf};

use genre_core::audio::{LoadOptions, Source, load};
use genre_core::features::{MelSpectrogramConfig, Mfcc, MfccConfig};

use crate::output::write_npy_f32;

/// Arguments of `genre mfcc`.
#[derive(Debug, clap::Args)]
pub struct MfccArgs {
    /// Audio file (format detected from the content), loaded like
    /// `librosa.load(FILE, sr=22050, mono=True)`.
    pub file: PathBuf,
    /// Number of coefficients.
    #[arg(long, default_value_t = 13)]
    pub n_mfcc: usize,
    /// FFT size.
    #[arg(long, default_value_t = 2048)]
    pub n_fft: usize,
    /// Samples between frames.
    #[arg(long, default_value_t = 512)]
    pub hop_length: usize,
    /// Number of mel bands.
    #[arg(long, default_value_t = 128)]
    pub n_mels: usize,
    /// Sample rate to load at (Hz).
    #[arg(long, default_value_t = 22_050)]
    pub sr: u32,
    /// Output the mean over frames (the seed's monitoring vector) instead
    /// of every frame.
    #[arg(long)]
    pub mean: bool,
    /// Write to a file instead of JSON on stdout: `.npy` (float32, shaped
    /// `(n_mfcc, frames)` like librosa, or `(n_mfcc,)` with --mean), `.csv`
    /// (one row per frame) or `.json`.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Output formats of `genre mfcc` and `genre segments`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON document.
    Json,
    /// NumPy `.npy`, float32.
    Npy,
    /// Comma-separated values.
    Csv,
}

/// The format for `output` (JSON on stdout when `None`), limited to `allowed`.
pub fn format_of(output: Option<&Path>, allowed: &[Format]) -> Result<Format, String> {
    let Some(path) = output else {
        return Ok(Format::Json);
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = match ext.as_deref() {
        Some("json") => Some(Format::Json),
        Some("npy") => Some(Format::Npy),
        Some("csv") => Some(Format::Csv),
        _ => None,
    };
    match format {
        Some(f) if allowed.contains(&f) => Ok(f),
        _ => {
            let names: Vec<&str> = allowed
                .iter()
                .map(|f| match f {
                    Format::Json => ".json",
                    Format::Npy => ".npy",
                    Format::Csv => ".csv",
                })
                .collect();
            Err(format!(
                "{}: output must end in {}",
                path.display(),
                names.join(", ")
            ))
        }
    }
}

/// Loads `file` at `sr` as mono, warning on stderr when it was truncated.
pub fn load_mono(file: &Path, sr: u32) -> Result<Vec<f32>, Box<dyn std::error::Error>> {
    let options = LoadOptions {
        sr: Some(sr),
        ..LoadOptions::default()
    };
    let signal = load(Source::Path(file), &options)?;
    if let Some(truncated) = &signal.truncated {
        eprintln!("warning: {}: {truncated}", file.display());
    }
    Ok(signal.samples)
}

/// Writes `text` to `output`, or to stdout when `None`.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), Box<dyn std::error::Error>> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Computes and writes the MFCCs.
pub fn run(args: &MfccArgs) -> Result<(), Box<dyn std::error::Error>> {
    let format = format_of(
        args.output.as_deref(),
        &[Format::Json, Format::Npy, Format::Csv],
    )?;
    let config = MfccConfig {
        n_mfcc: args.n_mfcc,
        mel: MelSpectrogramConfig {
            sample_rate: f64::from(args.sr),
            n_fft: args.n_fft,
            hop_length: args.hop_length,
            n_mels: args.n_mels,
            ..MelSpectrogramConfig::default()
        },
        ..MfccConfig::default()
    };
    let extractor = Mfcc::new(config)?;
    let samples = load_mono(&args.file, args.sr)?;
    let mfcc = extractor.compute(&samples)?;
    let (rows, cols) = mfcc.shape();
    let path = args.output.as_deref();
    if args.mean {
        let mean = mfcc.row_means();
        return match format {
            Format::Npy => write_npy(path, &[rows], &mean),
            Format::Csv => {
                let header: Vec<String> = (0..rows).map(|k| format!("mfcc_{k}")).collect();
                emit(path, &format!("{}\n{}\n", header.join(","), csv_row(&mean)))
            }
            Format::Json => {
                let doc = serde_json::json!({
                    "file": args.file.display().to_string(),
                    "sample_rate": args.sr,
                    "n_mfcc": rows,
                    "frames": cols,
                    "mean": mean,
                });
                emit(path, &format!("{doc}\n"))
            }
        };
    }
    match format {
        Format::Npy => write_npy(path, &[rows, cols], mfcc.as_slice()),
        Format::Csv => {
            let t = mfcc.transpose();
            let mut text = String::from("frame");
            for k in 0..rows {
                text.push_str(&format!(",mfcc_{k}"));
            }
            text.push('\n');
            for f in 0..cols {
                text.push_str(&format!("{f},{}\n", csv_row(t.row(f).unwrap_or_default())));
            }
            emit(path, &text)
        }
        Format::Json => {
            let coefficients: Vec<&[f32]> = (0..rows).filter_map(|r| mfcc.row(r)).collect();
            let doc = serde_json::json!({
                "file": args.file.display().to_string(),
                "sample_rate": args.sr,
                "shape": [rows, cols],
                "mfcc": coefficients,
            });
            emit(path, &format!("{doc}\n"))
        }
    }
}

fn csv_row(values: &[f32]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Writes a float32 `.npy` (the path is always set for `.npy`).
pub fn write_npy(
    path: Option<&Path>,
    shape: &[usize],
    data: &[f32],
) -> Result<(), Box<dyn std::error::Error>> {
    let path = path.ok_or("an .npy output needs -o FILE.npy")?;
    write_npy_f32(path, shape, data).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}
