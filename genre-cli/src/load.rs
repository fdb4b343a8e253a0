//! `genre load FILE -o OUT`: librosa.load to a `.npy` or float `.wav`.

use std::path::PathBuf;

use genre_core::audio::{LoadOptions, Source, load};

use crate::output::{OutputKind, write_npy_f32, write_wav_f32};

/// Arguments of `genre load`.
#[derive(Debug, clap::Args)]
pub struct LoadArgs {
    /// Audio file (format detected from the content).
    pub file: PathBuf,
    /// Output: `.npy` (float32, shape (n,) or (channels, n)) or `.wav` (float32).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Target sample rate in Hz, or `native` to keep the file's rate.
    #[arg(long, default_value = "22050", value_parser = parse_sr)]
    pub sr: SampleRate,
    /// Average the channels into one (the default).
    #[arg(long, overrides_with = "no_mono")]
    pub mono: bool,
    /// Keep every channel.
    #[arg(long)]
    pub no_mono: bool,
    /// Seconds to skip from the start.
    #[arg(long, default_value_t = 0.0)]
    pub offset: f64,
    /// Seconds to load after the offset (default: to the end).
    #[arg(long)]
    pub duration: Option<f64>,
}

/// `--sr` value: a rate in Hz or the file's own rate.
#[derive(Clone, Copy, Debug)]
pub struct SampleRate(Option<u32>);

fn parse_sr(text: &str) -> Result<SampleRate, String> {
    if text.eq_ignore_ascii_case("native") {
        return Ok(SampleRate(None));
    }
    match text.parse::<u32>() {
        Ok(sr) if sr > 0 => Ok(SampleRate(Some(sr))),
        _ => Err(format!(
            "`{text}` is not a positive sample rate or `native`"
        )),
    }
}

/// Loads the file and writes the samples.
pub fn run(args: &LoadArgs) -> Result<(), Box<dyn std::error::Error>> {
    let kind = OutputKind::from_path(&args.output)?;
    let options = LoadOptions {
        sr: args.sr.0,
        mono: !args.no_mono,
        offset: args.offset,
        duration: args.duration,
        ..LoadOptions::default()
    };
    let signal = load(Source::Path(&args.file), &options)?;
    if let Some(truncated) = &signal.truncated {
        eprintln!("warning: {}: {truncated}", args.file.display());
    }
    let written = match kind {
        OutputKind::Npy if signal.channels == 1 => {
            write_npy_f32(&args.output, &[signal.frames()], &signal.samples)
        }
        OutputKind::Npy => write_npy_f32(
            &args.output,
            &[signal.channels, signal.frames()],
            &signal.samples,
        ),
        OutputKind::Wav => write_wav_f32(
            &args.output,
            signal.sample_rate,
            signal.channels,
            &signal.samples,
        ),
    };
    written.map_err(|e| format!("{}: {e}", args.output.display()))?;
    Ok(())
}
