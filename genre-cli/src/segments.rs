//! `genre segments FILE`: the seed's GTZAN MFCC segments `(n, 130, 13)`.

use std::path::PathBuf;

use genre_core::features::{SegmentConfig, SegmentExtractor};

use crate::mfcc::{Format, emit, format_of, load_mono, write_npy};

/// Arguments of `genre segments`.
#[derive(Debug, clap::Args)]
pub struct SegmentsArgs {
    /// Audio file, loaded like `librosa.load(FILE, sr=22050, mono=True)`.
    /// The first 30 s are cut into 10 windows of 3 s; windows whose MFCC
    /// is not 130 frames long (the end of a short track) are dropped.
    pub file: PathBuf,
    /// Write to a file instead of JSON on stdout: `.npy` (float32, shaped
    /// `(segments, 130, 13)`) or `.json`.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Extracts and writes the segments.
pub fn run(args: &SegmentsArgs) -> Result<(), Box<dyn std::error::Error>> {
    let format = format_of(args.output.as_deref(), &[Format::Json, Format::Npy])?;
    let config = SegmentConfig::default();
    let extractor = SegmentExtractor::new(config)?;
    let samples = load_mono(&args.file, config.sample_rate)?;
    let segments = extractor.extract(&samples)?;
    let (n, frames, n_mfcc) = segments.shape();
    if n == 0 {
        eprintln!(
            "warning: {}: shorter than one {} s segment; no segments",
            args.file.display(),
            config.track_seconds as f64 / config.num_segments as f64
        );
    }
    let path = args.output.as_deref();
    match format {
        Format::Npy => write_npy(path, &[n, frames, n_mfcc], segments.as_slice()),
        _ => {
            let nested: Vec<Vec<&[f32]>> = (0..n)
                .filter_map(|i| segments.segment(i))
                .map(|s| s.chunks(n_mfcc.max(1)).collect())
                .collect();
            let doc = serde_json::json!({
                "file": args.file.display().to_string(),
                "shape": [n, frames, n_mfcc],
                "windows": segments.windows(),
                "segments": nested,
            });
            emit(path, &format!("{doc}\n"))
        }
    }
}
