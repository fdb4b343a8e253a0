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
//! Implemented methods ([`Method`]) — every numerical and categorical test of
//! Evidently 0.7: ks (exact and asymptotic p-values), wasserstein, psi, kl_div,
//! jensenshannon, chisquare, z, hellinger, g_test, TVD and empirical_mmd
//! (permutation p-values with a caller-given seed; genre's splitmix64, so they
//! are reproducible and agree with Evidently's in distribution, not draw for
//! draw), ed, mannw, t_test, anderson (p capped to [0.001, 0.25] as scipy
//! does), cramer_von_mises (scipy 1.17's exact branch for ≤ 20 values — see
//! its module), es, fisher_exact.
//!
//! Where Evidently crashes or returns NaN genre documents its result: an empty
//! column after cleaning is [`crate::Error::DriftEmptyColumn`]; a statistic
//! that is undefined has score `None` and never counts as drift (chi-square or
//! G-test with a single category; anderson with one distinct value; es with
//! fewer than 5 values in a sample or a zero interquartile range;
//! cramer_von_mises or empirical_mmd with fewer than 2 values in a sample); a
//! constant column is otherwise tested like any other (z-test p = 1 when both
//! samples hold the same single value). fisher_exact on more than two
//! categories and empirical_mmd beyond [`stats::EMPIRICAL_MMD_MAX_VALUES`]
//! values are [`crate::Error::DriftInput`] errors; fisher_exact accepts
//! unequal sample sizes (Evidently refuses them).

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
