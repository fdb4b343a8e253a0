//! Per-column drift results and the dataset verdict, as Evidently's
//! `DataDriftPreset` computes them; serde JSON and a text table.

use std::collections::BTreeMap;
use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::column::{
    ColumnKind, Dataset, PreparedPair, Sample, default_method, kind_of, pair, union_distinct,
};
use super::profile::Profile;
use super::stats::{self, Method, Pair};
use crate::error::{Error, Result};

/// Options of a drift report; `Default` is Evidently's `DataDriftPreset()`.
#[derive(Clone, Debug, PartialEq)]
pub struct DriftOptions {
    /// Columns to test, in order (`None`: every column of the current data).
    pub columns: Option<Vec<String>>,
    /// One method for every column (`None`: Evidently's default choice).
    pub method: Option<Method>,
    /// Per-column methods (take precedence over `method`).
    pub per_column_method: BTreeMap<String, Method>,
    /// One threshold for every column (`None`: each method's default).
    pub threshold: Option<f64>,
    /// Per-column thresholds (take precedence over `threshold`).
    pub per_column_threshold: BTreeMap<String, f64>,
    /// Per-column kinds overriding the inferred ones.
    pub per_column_kind: BTreeMap<String, ColumnKind>,
    /// Dataset drift when `drifted / columns >= drift_share`.
    pub drift_share: f64,
    /// Seed of permutation tests (TVD, empirical_mmd).
    pub seed: u64,
}

impl Default for DriftOptions {
    fn default() -> Self {
        DriftOptions {
            columns: None,
            method: None,
            per_column_method: BTreeMap::new(),
            threshold: None,
            per_column_threshold: BTreeMap::new(),
            per_column_kind: BTreeMap::new(),
            drift_share: 0.5,
            seed: 0,
        }
    }
}

impl DriftOptions {
    /// Checks ranges once, before any work.
    pub fn validate(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.drift_share) {
            return Err(Error::InvalidConfig {
                parameter: "drift_share",
                reason: format!("must be within [0, 1], got {}", self.drift_share),
            });
        }
        let thresholds = self
            .threshold
            .iter()
            .chain(self.per_column_threshold.values());
        for &t in thresholds {
            if !t.is_finite() {
                return Err(Error::InvalidConfig {
                    parameter: "threshold",
                    reason: format!("must be finite, got {t}"),
                });
            }
        }
        Ok(())
    }
}

/// The result for one column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnDrift {
    /// Column name.
    pub column: String,
    /// How the column was tested.
    #[serde(rename = "type")]
    pub kind: ColumnKind,
    /// The statistic used.
    pub method: Method,
    /// p-value or distance; `None` (JSON `null`) where the statistic is undefined
    /// (e.g. chi-square with one category), which never counts as drift.
    pub score: Option<f64>,
    /// Threshold the score was compared with.
    pub threshold: f64,
    /// Whether the column drifted.
    pub drifted: bool,
    /// Reference values after cleaning.
    pub reference_size: usize,
    /// Current values after cleaning.
    pub current_size: usize,
}

/// Per-column results and the dataset verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    /// One entry per tested column, in column order.
    pub columns: Vec<ColumnDrift>,
    /// Number of drifted columns.
    pub count: usize,
    /// `count / columns`.
    pub share: f64,
    /// `share >= drift_share`.
    pub dataset_drift: bool,
}

impl DriftReport {
    /// Pretty JSON, shaped `{"columns": [...], "count", "share", "dataset_drift"}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self
            .columns
            .iter()
            .map(|c| c.column.len())
            .max()
            .unwrap_or(6)
            .max(6);
        writeln!(
            f,
            "{:<w$}  {:<11}  {:<13}  {:>12}  {:>9}  {:<7}  {:>9}  {:>9}",
            "column", "type", "method", "score", "threshold", "drifted", "ref size", "cur size"
        )?;
        for c in &self.columns {
            let score = c
                .score
                .map_or_else(|| "nan".to_string(), |s| format!("{s:.6e}"));
            writeln!(
                f,
                "{:<w$}  {:<11}  {:<13}  {:>12}  {:>9}  {:<7}  {:>9}  {:>9}",
                c.column,
                c.kind.name(),
                c.method.name(),
                score,
                c.threshold,
                if c.drifted { "yes" } else { "no" },
                c.reference_size,
                c.current_size
            )?;
        }
        writeln!(
            f,
            "dataset drift: {} ({} of {} columns drifted, share {:.4})",
            if self.dataset_drift { "yes" } else { "no" },
            self.count,
            self.columns.len(),
            self.share
        )
    }
}

/// Where reference columns come from: raw data or a saved profile.
pub(crate) trait ReferenceSource: Sync {
    fn sample(&self, column: &str) -> Result<std::borrow::Cow<'_, Sample>>;
}

impl ReferenceSource for Dataset {
    fn sample(&self, column: &str) -> Result<std::borrow::Cow<'_, Sample>> {
        let values = self.get(column).ok_or_else(|| Error::DriftInput {
            column: column.to_string(),
            reason: "is missing from the reference dataset".into(),
        })?;
        Ok(std::borrow::Cow::Owned(Sample::from_values(values)))
    }
}

impl ReferenceSource for Profile {
    fn sample(&self, column: &str) -> Result<std::borrow::Cow<'_, Sample>> {
        self.get(column)
            .map(std::borrow::Cow::Borrowed)
            .ok_or_else(|| Error::DriftInput {
                column: column.to_string(),
                reason: "is missing from the reference profile".into(),
            })
    }
}

/// Drift of `current` against the raw `reference` data.
///
/// ```
/// use genre_core::drift::{drift_report, ColumnValues, Dataset, DriftOptions};
/// let mut reference = Dataset::new();
/// reference.push("x", ColumnValues::Float((0..200).map(|i| i as f64).collect()))?;
/// let mut current = Dataset::new();
/// current.push("x", ColumnValues::Float((0..200).map(|i| i as f64 + 100.0).collect()))?;
/// let report = drift_report(&reference, &current, &DriftOptions::default())?;
/// assert_eq!(report.columns[0].method.name(), "ks");
/// assert!(report.dataset_drift);
/// # Ok::<(), genre_core::Error>(())
/// ```
pub fn drift_report(
    reference: &Dataset,
    current: &Dataset,
    options: &DriftOptions,
) -> Result<DriftReport> {
    run(reference, current, options)
}

/// Drift of `current` against a saved reference [`Profile`]: exactly the
/// results of [`drift_report`] on the raw reference data.
pub fn drift_report_with_profile(
    profile: &Profile,
    current: &Dataset,
    options: &DriftOptions,
) -> Result<DriftReport> {
    run(profile, current, options)
}

fn run<R: ReferenceSource>(
    reference: &R,
    current: &Dataset,
    options: &DriftOptions,
) -> Result<DriftReport> {
    options.validate()?;
    let names: Vec<String> = match &options.columns {
        Some(c) => c.clone(),
        None => current.names().map(str::to_string).collect(),
    };
    if names.is_empty() {
        return Err(Error::InvalidConfig {
            parameter: "columns",
            reason: "no columns to test".into(),
        });
    }
    let columns = names
        .par_iter()
        .map(|name| column_drift(reference, current, name, options))
        .collect::<Result<Vec<_>>>()?;
    let count = columns.iter().filter(|c| c.drifted).count();
    let share = count as f64 / columns.len() as f64;
    Ok(DriftReport {
        dataset_drift: share >= options.drift_share,
        columns,
        count,
        share,
    })
}

fn column_drift<R: ReferenceSource>(
    reference: &R,
    current: &Dataset,
    name: &str,
    options: &DriftOptions,
) -> Result<ColumnDrift> {
    let cur_values = current.get(name).ok_or_else(|| Error::DriftInput {
        column: name.to_string(),
        reason: "is missing from the current dataset".into(),
    })?;
    let c = Sample::from_values(cur_values);
    let kind = match options.per_column_kind.get(name) {
        Some(&k) => k,
        None => kind_of(name, &c)?,
    };
    let r = reference.sample(name)?;
    if r.is_empty() {
        return Err(Error::DriftEmptyColumn {
            column: name.to_string(),
            dataset: "reference",
        });
    }
    if c.is_empty() {
        return Err(Error::DriftEmptyColumn {
            column: name.to_string(),
            dataset: "current",
        });
    }
    let prepared = pair(name, kind, &r, &c)?;
    let (n_unique, pair) = match &prepared {
        PreparedPair::Numerical {
            reference,
            current,
            integer,
        } => (
            union_distinct(reference, current),
            Pair::Numerical {
                reference,
                current,
                integer: *integer,
            },
        ),
        PreparedPair::Categorical(counts) => (counts.len(), Pair::Categorical(counts)),
    };
    let method = options
        .per_column_method
        .get(name)
        .copied()
        .or(options.method)
        .unwrap_or_else(|| default_method(kind, r.len(), n_unique));
    if (options.per_column_method.contains_key(name) || options.method.is_some())
        && !method.accepts(kind)
    {
        return Err(Error::DriftInput {
            column: name.to_string(),
            reason: format!(
                "method {method} is not applicable to a {} column",
                kind.name()
            ),
        });
    }
    let threshold = options
        .per_column_threshold
        .get(name)
        .copied()
        .or(options.threshold)
        .unwrap_or_else(|| method.default_threshold());
    let score =
        stats::compute(method, &pair, options.seed).map_err(|reason| Error::DriftInput {
            column: name.to_string(),
            reason,
        })?;
    Ok(ColumnDrift {
        column: name.to_string(),
        kind,
        method,
        score: (!score.is_nan()).then_some(score),
        threshold,
        drifted: method.drifted(score, threshold),
        reference_size: r.len(),
        current_size: c.len(),
    })
}
