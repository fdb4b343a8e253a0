//! `genre predict FILE... [--model M.onnx] [--labels a,b,…] [--json] [--top K]`:
//! the genre of each audio file. A file that fails does not stop the others;
//! the exit code says whether any failed.

use std::path::PathBuf;
use std::process::ExitCode;

use genre_core::model::{
    Aggregation, Classifier, DEFAULT_MODEL_NOTICE, DEFAULT_MODEL_ONNX, ModelOptions, Prediction,
};

/// Arguments of `genre predict`.
#[derive(Debug, clap::Args)]
pub struct PredictArgs {
    /// Audio files (format detected from the content), classified in parallel.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// ONNX model (Keras NHWC, PyTorch NCHW or [N, frames, n_mfcc] input);
    /// labels and features come from its metadata, a sidecar `<model>.json`
    /// or the GTZAN defaults. Without it, genre's built-in default model
    /// answers (trained on synthetic audio; a note on stderr says so).
    #[arg(long, short)]
    pub model: Option<PathBuf>,
    /// Class labels in output order, comma-separated (overrides the model's).
    #[arg(long, value_delimiter = ',')]
    pub labels: Option<Vec<String>>,
    /// One JSON object per line per file.
    #[arg(long)]
    pub json: bool,
    /// Show the K most probable genres (default: 1 in text, all in JSON).
    #[arg(long, value_name = "K")]
    pub top: Option<usize>,
    /// Combine segments by majority vote instead of mean probability.
    #[arg(long)]
    pub majority: bool,
}

/// Classifies every file; exit 0 if all succeeded, 1 otherwise.
pub fn run(args: &PredictArgs) -> ExitCode {
    let classifier = match load(args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let results = classifier.predict_files(&args.files);
    let mut failed = false;
    for (file, result) in args.files.iter().zip(results) {
        let name = file.display().to_string();
        match result {
            Ok(p) if args.json => println!("{}", json_line(&name, &p, args.top)),
            Ok(p) => println!("{}", text_line(&name, &p, args.top.unwrap_or(1))),
            Err(e) => {
                failed = true;
                if args.json {
                    println!(
                        "{}",
                        serde_json::json!({ "file": name, "error": e.to_string() })
                    );
                } else {
                    eprintln!("error: {e}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn load(args: &PredictArgs) -> Result<Classifier, String> {
    let options = ModelOptions {
        labels: args.labels.clone(),
        ..ModelOptions::default()
    };
    let aggregation = if args.majority {
        Aggregation::Majority
    } else {
        Aggregation::Mean
    };
    let classifier = match &args.model {
        Some(model) => Classifier::from_path(model, &options),
        None => {
            // Once per run, on stderr only (never in --json output).
            eprintln!("{DEFAULT_MODEL_NOTICE}");
            Classifier::from_bytes(DEFAULT_MODEL_ONNX, &options)
        }
    };
    classifier
        .map(|c| c.with_aggregation(aggregation))
        .map_err(|e| e.to_string())
}

fn text_line(file: &str, p: &Prediction, top: usize) -> String {
    let ranked: Vec<String> = p
        .top(top.max(1))
        .iter()
        .map(|(l, v)| format!("{l} {v:.3}"))
        .collect();
    format!(
        "{file}: {} ({} segments)",
        ranked.join(", "),
        p.segments.len()
    )
}

fn json_line(file: &str, p: &Prediction, top: Option<usize>) -> serde_json::Value {
    let k = top.unwrap_or(p.probabilities.len());
    let probabilities: serde_json::Map<String, serde_json::Value> = p
        .top(k)
        .into_iter()
        .map(|(l, v)| (l.to_owned(), serde_json::json!(v)))
        .collect();
    let segments: Vec<serde_json::Value> = p
        .segments
        .iter()
        .map(|s| serde_json::json!({ "genre": s.genre, "confidence": s.confidence }))
        .collect();
    serde_json::json!({
        "file": file,
        "genre": p.genre,
        "confidence": p.confidence,
        "probabilities": probabilities,
        "segments": segments,
    })
}
