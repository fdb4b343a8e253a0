//! Evidently-compatible drift statistics.
//!
//! [`drift_report`] tests every column of a current [`Dataset`] against a
//! reference one with Evidently 0.7's `DataDriftPreset` rules: column typing
//! from the current data ([`infer_kind`]), cleaning (±inf and NaN dropped per
//! column), the default test per column ([`default_method`]), each method's
//! threshold and direction, and the dataset verdict `share >= drift_share`.
//! Scores match scipy / Evidently to ≤ 1e-9 relative.
//!
//! A [`Profile`] saves the cleaned reference once (sorted values per numerical
//! column, counts per category) and gives exactly the same report as the raw
//! reference for every implemented method, so a monitor never reloads
//! training data.
//!
//! Implemented methods ([`Method`]): ks (exact and asymptotic p-values),
//! wasserstein, psi, kl_div, jensenshannon, chisquare, z, hellinger, g_test,
//! TVD (permutation p-value with a caller-given seed), ed, mannw, t_test.
//! Not yet implemented: anderson, cramer_von_mises, es, fisher_exact,
//! empirical_mmd (asking for them is an [`crate::Error::InvalidConfig`]).
//!
//! Where Evidently crashes or returns NaN genre documents its result: an empty
//! column after cleaning is [`crate::Error::DriftEmptyColumn`]; a statistic
//! that is undefined (chi-square or G-test with a single category) has score
//! `None` and never counts as drift; a constant column is tested like any other
//! (z-test p = 1 when both samples hold the same single value).

pub mod column;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod profile;
pub mod report;
mod sort;
pub mod stats;
pub mod synthetic;
pub mod table;

pub use column::{ColumnKind, ColumnValues, Dataset, Sample, default_method, infer_kind};
pub use profile::Profile;
pub use report::{ColumnDrift, DriftOptions, DriftReport, drift_report, drift_report_with_profile};
pub use stats::Method;
