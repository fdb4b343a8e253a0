//! `genre info FILE [--json]`: container, codec, rate, channels, length.

use std::path::PathBuf;

use genre_core::audio::{Source, info};

/// Arguments of `genre info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// Audio file (format detected from the content).
    pub file: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Prints the stream properties of the file.
pub fn run(args: &InfoArgs) -> Result<(), Box<dyn std::error::Error>> {
    let i = info(Source::Path(&args.file))?;
    if args.json {
        let value = serde_json::json!({
            "path": args.file.display().to_string(),
            "format": i.format,
            "codec": i.codec,
            "sample_rate": i.sample_rate,
            "channels": i.channels,
            "frames": i.frames,
            "duration": i.duration,
        });
        println!("{value}");
    } else {
        println!("path:        {}", args.file.display());
        println!("format:      {}", i.format);
        println!("codec:       {}", i.codec);
        println!("sample_rate: {}", i.sample_rate);
        println!("channels:    {}", i.channels);
        println!("frames:      {}", i.frames);
        println!("duration:    {:.3} s", i.duration);
    }
    Ok(())
}
