//! Columns, Evidently's column typing, cleaning, and the default test choice.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::stats::Method;
use super::stats::counts::Counts;
use crate::error::{Error, Result};

/// Evidently's `INTEGER_CARDINALITY_LIMIT`: integer columns with at most this
/// many distinct values are categorical.
pub const INTEGER_CARDINALITY_LIMIT: usize = 10;

/// The values of one column, typed as pandas would hold them.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnValues {
    /// float64 (NaN and ±inf allowed; they are dropped before testing).
    Float(Vec<f64>),
    /// int64 (no missing values, as in pandas).
    Int(Vec<i64>),
    /// Strings (object dtype); `None` is a missing value.
    Str(Vec<Option<String>>),
}

impl ColumnValues {
    /// Number of rows, missing values included.
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Float(v) => v.len(),
            ColumnValues::Int(v) => v.len(),
            ColumnValues::Str(v) => v.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// pandas' dtype name, for messages.
    pub fn dtype(&self) -> &'static str {
        match self {
            ColumnValues::Float(_) => "float64",
            ColumnValues::Int(_) => "int64",
            ColumnValues::Str(_) => "object",
        }
    }
}

/// How a column is tested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Continuous values: ks / wasserstein by default.
    Numerical,
    /// Labels: chi-square / z / Jensen–Shannon by default.
    Categorical,
}

impl ColumnKind {
    /// `"numerical"` or `"categorical"`.
    pub fn name(self) -> &'static str {
        match self {
            ColumnKind::Numerical => "numerical",
            ColumnKind::Categorical => "categorical",
        }
    }
}

/// A table: named columns of equal length, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    columns: Vec<(String, ColumnValues)>,
}

impl Dataset {
    /// An empty dataset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a column; every column must have the same number of rows.
    ///
    /// ```
    /// use genre_core::drift::{ColumnValues, Dataset};
    /// let mut d = Dataset::new();
    /// d.push("x", ColumnValues::Float(vec![1.0, 2.0]))?;
    /// assert!(d.push("y", ColumnValues::Int(vec![1])).is_err());
    /// # Ok::<(), genre_core::Error>(())
    /// ```
    pub fn push(&mut self, name: impl Into<String>, values: ColumnValues) -> Result<()> {
        let name = name.into();
        if let Some((_, first)) = self.columns.first()
            && first.len() != values.len()
        {
            return Err(Error::DriftInput {
                column: name,
                reason: format!(
                    "has {} rows, other columns have {}",
                    values.len(),
                    first.len()
                ),
            });
        }
        if self.get(&name).is_some() {
            return Err(Error::DriftInput {
                column: name,
                reason: "appears twice".into(),
            });
        }
        self.columns.push((name, values));
        Ok(())
    }

    /// The column called `name`.
    pub fn get(&self, name: &str) -> Option<&ColumnValues> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Column names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(n, _)| n.as_str())
    }

    /// Number of rows (0 without columns).
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| v.len())
    }
}

/// Evidently's column typing (`infer_column_type`), applied to the current data:
/// float → numerical; int → categorical with ≤ 10 distinct values, else numerical;
/// strings → categorical, or text (unsupported) when more than half the
/// non-missing values are distinct.
pub fn infer_kind(name: &str, values: &ColumnValues) -> Result<ColumnKind> {
    kind_of(name, &Sample::from_values(values))
}

/// [`infer_kind`] from the cleaned sample of the column (its dtype is the
/// sample's: float or int values, or labels).
pub(crate) fn kind_of(name: &str, sample: &Sample) -> Result<ColumnKind> {
    match sample {
        Sample::Numeric { integer: false, .. } => Ok(ColumnKind::Numerical),
        Sample::Numeric {
            sorted,
            integer: true,
        } => {
            let distinct = super::stats::merge::steps(sorted, &[]).count();
            Ok(if distinct <= INTEGER_CARDINALITY_LIMIT {
                ColumnKind::Categorical
            } else {
                ColumnKind::Numerical
            })
        }
        Sample::Labels(labels) => {
            let present = sample.len();
            if present == 0 {
                return Err(Error::DriftEmptyColumn {
                    column: name.to_string(),
                    dataset: "current",
                });
            }
            if labels.len() as f64 > present as f64 * 0.5 {
                Err(Error::DriftInput {
                    column: name.to_string(),
                    reason: format!(
                        "is a text column ({} distinct of {present} values); text drift is not supported — \
                         declare it categorical or leave it out",
                        labels.len()
                    ),
                })
            } else {
                Ok(ColumnKind::Categorical)
            }
        }
    }
}

/// One sample of a column after cleaning (±inf and NaN / missing dropped):
/// what a saved reference profile stores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Sample {
    /// Sorted finite values; `integer` when they came from an int64 column.
    Numeric {
        /// Ascending, finite.
        sorted: Vec<f64>,
        /// From integer data (numpy's integer binning rules apply).
        integer: bool,
    },
    /// Count per string label, labels ascending.
    Labels(Vec<(String, u64)>),
}

impl Sample {
    /// Cleans and summarises a column.
    pub fn from_values(values: &ColumnValues) -> Sample {
        match values {
            ColumnValues::Float(v) => {
                let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
                super::sort::sort_f64(&mut s);
                normalise_zero(&mut s);
                Sample::Numeric {
                    sorted: s,
                    integer: false,
                }
            }
            ColumnValues::Int(v) => {
                let mut s: Vec<f64> = v.iter().map(|&x| x as f64).collect();
                super::sort::sort_f64(&mut s);
                Sample::Numeric {
                    sorted: s,
                    integer: true,
                }
            }
            ColumnValues::Str(v) => {
                let mut map: HashMap<&str, u64> = HashMap::new();
                for s in v.iter().flatten() {
                    *map.entry(s.as_str()).or_insert(0) += 1;
                }
                let mut out: Vec<(String, u64)> =
                    map.into_iter().map(|(k, c)| (k.to_string(), c)).collect();
                out.sort_unstable();
                Sample::Labels(out)
            }
        }
    }

    /// Number of values after cleaning.
    pub fn len(&self) -> usize {
        match self {
            Sample::Numeric { sorted, .. } => sorted.len(),
            Sample::Labels(l) => l.iter().map(|(_, c)| *c as usize).sum(),
        }
    }

    /// True when nothing is left after cleaning.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// -0.0 and 0.0 are one value for pandas; keep one representation after sorting.
fn normalise_zero(s: &mut [f64]) {
    for v in s.iter_mut() {
        if *v == 0.0 {
            *v = 0.0;
        }
    }
}

/// A prepared reference/current pair of one column.
pub(crate) enum PreparedPair<'a> {
    Numerical {
        reference: &'a [f64],
        current: &'a [f64],
        integer: bool,
    },
    Categorical(Counts),
}

/// Pairs two cleaned samples for a column of `kind`.
pub(crate) fn pair<'a>(
    name: &str,
    kind: ColumnKind,
    r: &'a Sample,
    c: &'a Sample,
) -> Result<PreparedPair<'a>> {
    match kind {
        ColumnKind::Numerical => match (r, c) {
            (
                Sample::Numeric {
                    sorted: a,
                    integer: ia,
                },
                Sample::Numeric {
                    sorted: b,
                    integer: ib,
                },
            ) => Ok(PreparedPair::Numerical {
                reference: a,
                current: b,
                integer: *ia && *ib,
            }),
            (Sample::Labels(_), _) => Err(Error::DriftInput {
                column: name.to_string(),
                reason: "in the reference dataset should contain numerical values only".into(),
            }),
            (_, Sample::Labels(_)) => Err(Error::DriftInput {
                column: name.to_string(),
                reason: "in the current dataset should contain numerical values only".into(),
            }),
        },
        ColumnKind::Categorical => Ok(PreparedPair::Categorical(category_counts(r, c))),
    }
}

/// A category key: numbers (ordered numerically) before strings.
#[derive(Debug, PartialEq, PartialOrd)]
enum Key<'a> {
    Num(f64),
    Str(&'a str),
}

fn keys(s: &Sample) -> Vec<(Key<'_>, u64)> {
    match s {
        Sample::Numeric { sorted, .. } => {
            let mut out: Vec<(Key<'_>, u64)> = Vec::new();
            for &v in sorted {
                match out.last_mut() {
                    Some((Key::Num(last), c)) if *last == v => *c += 1,
                    _ => out.push((Key::Num(v), 1)),
                }
            }
            out
        }
        Sample::Labels(l) => l.iter().map(|(k, c)| (Key::Str(k.as_str()), *c)).collect(),
    }
}

fn label(k: &Key<'_>, integer: bool) -> String {
    match k {
        Key::Num(v) if integer => format!("{}", *v as i64),
        Key::Num(v) => format!("{v:?}"),
        Key::Str(s) => (*s).to_string(),
    }
}

/// Counts over the union of categories of two samples, in ascending key order.
pub(crate) fn category_counts(r: &Sample, c: &Sample) -> Counts {
    let integer = matches!(
        (r, c),
        (
            Sample::Numeric { integer: true, .. },
            Sample::Numeric { integer: true, .. }
        )
    );
    let (kr, kc) = (keys(r), keys(c));
    let mut out = Counts::default();
    let (mut i, mut j) = (0, 0);
    loop {
        match (kr.get(i), kc.get(j)) {
            (None, None) => break,
            (Some((k, n)), None) => {
                out.labels.push(label(k, integer));
                out.reference.push(*n);
                out.current.push(0);
                i += 1;
            }
            (None, Some((k, n))) => {
                out.labels.push(label(k, integer));
                out.reference.push(0);
                out.current.push(*n);
                j += 1;
            }
            (Some((a, na)), Some((b, nb))) => {
                if a == b {
                    out.labels.push(label(a, integer));
                    out.reference.push(*na);
                    out.current.push(*nb);
                    i += 1;
                    j += 1;
                } else if a < b {
                    out.labels.push(label(a, integer));
                    out.reference.push(*na);
                    out.current.push(0);
                    i += 1;
                } else {
                    out.labels.push(label(b, integer));
                    out.reference.push(0);
                    out.current.push(*nb);
                    j += 1;
                }
            }
        }
    }
    out
}

/// Distinct values in the union of two sorted samples.
pub(crate) fn union_distinct(a: &[f64], b: &[f64]) -> usize {
    super::stats::merge::steps(a, b).count()
}

/// Evidently's default test for a column (`_get_default_stattest`).
///
/// `n_ref` is the cleaned reference size, `n_unique` the distinct values of
/// reference ∪ current.
pub fn default_method(kind: ColumnKind, n_ref: usize, n_unique: usize) -> Method {
    match (kind, n_ref <= 1000) {
        (ColumnKind::Numerical, true) if n_unique <= 2 => Method::Z,
        (ColumnKind::Numerical, true) if n_unique <= 5 => Method::ChiSquare,
        (ColumnKind::Numerical, true) => Method::Ks,
        (ColumnKind::Numerical, false) if n_unique <= 5 => Method::JensenShannon,
        (ColumnKind::Numerical, false) => Method::Wasserstein,
        (ColumnKind::Categorical, true) if n_unique <= 2 => Method::Z,
        (ColumnKind::Categorical, true) => Method::ChiSquare,
        (ColumnKind::Categorical, false) => Method::JensenShannon,
    }
}
