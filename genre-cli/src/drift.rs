//! `genre drift`: Evidently-compatible drift report between two tables, or
//! between a saved reference profile and a table.
//!
//! Exit status: 0 no dataset drift, 1 dataset drift, 2 error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use genre_core::Error;
use genre_core::drift::parquet::read_parquet;
use genre_core::drift::table::{check_numeric_agreement, read_csv};
use genre_core::drift::{
    Dataset, DriftOptions, Method, Profile, drift_report, drift_report_with_profile,
};

/// Arguments of `genre drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Reference data: a CSV or Parquet file, or a profile saved with --save-profile.
    reference: PathBuf,
    /// Current data: a CSV or Parquet file (not needed with --save-profile).
    current: Option<PathBuf>,
    /// Columns to test, comma-separated (default: every column of the current data).
    #[arg(long, value_delimiter = ',')]
    columns: Option<Vec<String>>,
    /// Method for every column (`ks`) or per column (`col=ks`); comma-separated, repeatable.
    #[arg(long, value_delimiter = ',')]
    method: Vec<String>,
    /// Threshold for every column (`0.1`) or per column (`col=0.1`); comma-separated, repeatable.
    #[arg(long, value_delimiter = ',')]
    threshold: Vec<String>,
    /// Dataset drift when the share of drifted columns is at least this.
    #[arg(long, default_value_t = 0.5)]
    drift_share: f64,
    /// Seed of permutation tests (TVD, empirical_mmd).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Save the cleaned REFERENCE as a profile to this path and exit.
    #[arg(long, value_name = "PATH")]
    save_profile: Option<PathBuf>,
}

/// Runs the subcommand; errors go to stderr with exit status 2.
pub fn run(args: &DriftArgs) -> ExitCode {
    match execute(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("genre drift: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: &DriftArgs) -> Result<ExitCode, Error> {
    if let Some(out) = &args.save_profile {
        if args.current.is_some() {
            return Err(usage("--save-profile takes only the REFERENCE data"));
        }
        let reference = read_table(&args.reference)?;
        let profile = Profile::from_reference(&reference, args.columns.as_deref())?;
        profile.save(out)?;
        eprintln!(
            "saved profile of {} columns to {}",
            profile.names().count(),
            out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let current_path = args
        .current
        .as_ref()
        .ok_or_else(|| usage("CURRENT data is required"))?;
    let options = options(args)?;
    let current = read_table(current_path)?;
    let report = if is_profile(&args.reference)? {
        let profile = Profile::load(&args.reference)?;
        drift_report_with_profile(&profile, &current, &options)?
    } else {
        let reference = read_table(&args.reference)?;
        check_numeric_agreement(&reference, &args.reference, &current, current_path)?;
        drift_report(&reference, &current, &options)?
    };
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{report}");
    }
    Ok(if report.dataset_drift {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn usage(reason: &str) -> Error {
    Error::InvalidConfig {
        parameter: "arguments",
        reason: reason.to_string(),
    }
}

fn options(args: &DriftArgs) -> Result<DriftOptions, Error> {
    let mut o = DriftOptions {
        columns: args.columns.clone(),
        drift_share: args.drift_share,
        seed: args.seed,
        ..DriftOptions::default()
    };
    for m in &args.method {
        match m.split_once('=') {
            Some((col, name)) => {
                o.per_column_method
                    .insert(col.to_string(), name.parse::<Method>()?);
            }
            None => o.method = Some(m.parse::<Method>()?),
        }
    }
    let parse = |s: &str| {
        s.trim().parse::<f64>().map_err(|_| Error::InvalidConfig {
            parameter: "threshold",
            reason: format!("{s:?} is not a number"),
        })
    };
    for t in &args.threshold {
        match t.split_once('=') {
            Some((col, v)) => {
                o.per_column_threshold.insert(col.to_string(), parse(v)?);
            }
            None => o.threshold = Some(parse(t)?),
        }
    }
    o.validate()?;
    Ok(o)
}

/// A saved profile starts with genre's magic bytes.
fn is_profile(path: &Path) -> Result<bool, Error> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut magic = [0u8; 8];
    let n = f.read(&mut magic).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(n == 8 && &magic == b"GENREPF1")
}

/// Reads Parquet (recognised by its `PAR1` magic) or CSV.
fn read_table(path: &Path) -> Result<Dataset, Error> {
    if starts_with(path, b"PAR1")? {
        read_parquet(path)
    } else {
        read_csv(path)
    }
}

fn starts_with(path: &Path, magic: &[u8]) -> Result<bool, Error> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut head = vec![0u8; magic.len()];
    let n = f.read(&mut head).map_err(io)?;
    Ok(n == magic.len() && head == magic)
}
