//! `genre`: the command-line shell around genre-core.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod drift;
mod info;
mod load;
mod mfcc;
mod output;
mod predict;
mod segments;

/// Music-genre ML, fast and exact: librosa-identical features, ONNX
/// inference and Evidently-compatible drift statistics.
#[derive(Debug, Parser)]
#[command(name = "genre", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show an audio file's format, codec, sample rate, channels and length.
    Info(info::InfoArgs),
    /// Load audio like librosa.load and write it as .npy or float .wav.
    Load(load::LoadArgs),
    /// Evidently-compatible data drift between reference and current tables
    /// (exit 0: no dataset drift, 1: dataset drift, 2: error).
    Drift(drift::DriftArgs),
    /// MFCCs like librosa.feature.mfcc (JSON on stdout, or -o .npy/.csv/.json).
    Mfcc(mfcc::MfccArgs),
    /// The seed's GTZAN segments: 10 × 3 s windows → (n, 130, 13) MFCCs.
    Segments(segments::SegmentsArgs),
    /// Classify audio files with an ONNX genre model, or the built-in default model (exit 1 if any failed).
    Predict(predict::PredictArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Info(args) => info::run(args),
        Command::Load(args) => load::run(args),
        Command::Drift(args) => return drift::run(args),
        Command::Mfcc(args) => mfcc::run(args),
        Command::Segments(args) => segments::run(args),
        Command::Predict(args) => return predict::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let message = e.to_string();
            eprintln!("error: {message}");
            let mut source = e.source();
            while let Some(cause) = source {
                let cause_text = cause.to_string();
                if !message.contains(&cause_text) {
                    eprintln!("  caused by: {cause_text}");
                }
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
