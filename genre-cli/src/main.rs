//! `genre`: the command-line shell around genre-core.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Music-genre ML, fast and exact: librosa-identical features, ONNX
/// inference and Evidently-compatible drift statistics.
#[derive(Debug, Parser)]
#[command(name = "genre", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {}
}
