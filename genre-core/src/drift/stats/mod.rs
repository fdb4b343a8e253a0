//! Per-column drift statistics, one file per family, with Evidently 0.7's
//! names, default thresholds and drift directions.

pub(crate) mod anderson;
pub(crate) mod binning;
pub(crate) mod categorical;
pub mod counts;
pub(crate) mod cramer_von_mises;
pub(crate) mod divergence;
pub(crate) mod energy;
pub(crate) mod epps_singleton;
pub(crate) mod fisher_exact;
pub(crate) mod hellinger;
pub(crate) mod hypergeom;
pub(crate) mod kolmogorov;
pub(crate) mod kolmogorov_exact;
pub(crate) mod ks;
pub(crate) mod loader;
pub(crate) mod merge;
pub(crate) mod mmd;
pub(crate) mod permutation;
pub(crate) mod rank;
pub(crate) mod special;
pub(crate) mod sym_eigen;
pub(crate) mod ttest;
pub(crate) mod wasserstein;

pub use mmd::{MAX_VALUES as EMPIRICAL_MMD_MAX_VALUES, empirical_mmd_statistic};

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::drift::column::ColumnKind;
use crate::error::{Error, Result};
use counts::Counts;

/// A drift statistic, named as in Evidently (`"ks"`, `"wasserstein"`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Method {
    /// Two-sample Kolmogorov–Smirnov p-value (`"ks"`).
    #[serde(rename = "ks")]
    Ks,
    /// Wasserstein distance normed by the reference std (`"wasserstein"`).
    #[serde(rename = "wasserstein")]
    Wasserstein,
    /// Population stability index (`"psi"`).
    #[serde(rename = "psi")]
    Psi,
    /// Kullback–Leibler divergence (`"kl_div"`).
    #[serde(rename = "kl_div")]
    KlDiv,
    /// Jensen–Shannon distance (`"jensenshannon"`).
    #[serde(rename = "jensenshannon")]
    JensenShannon,
    /// Chi-square p-value (`"chisquare"`).
    #[serde(rename = "chisquare")]
    ChiSquare,
    /// Two-proportion z-test p-value (`"z"`).
    #[serde(rename = "z")]
    Z,
    /// Hellinger distance (`"hellinger"`).
    #[serde(rename = "hellinger")]
    Hellinger,
    /// G-test p-value (`"g_test"`).
    #[serde(rename = "g_test")]
    GTest,
    /// Total variation distance permutation p-value (`"TVD"`), seeded.
    #[serde(rename = "TVD")]
    Tvd,
    /// Energy distance (`"ed"`).
    #[serde(rename = "ed")]
    Ed,
    /// One-sided Mann–Whitney U p-value (`"mannw"`).
    #[serde(rename = "mannw")]
    MannW,
    /// Student's t-test p-value (`"t_test"`).
    #[serde(rename = "t_test")]
    TTest,
    /// k-sample Anderson–Darling p-value, capped to `[0.001, 0.25]` (`"anderson"`).
    #[serde(rename = "anderson")]
    Anderson,
    /// Two-sample Cramér–von Mises p-value (`"cramer_von_mises"`).
    #[serde(rename = "cramer_von_mises")]
    CramerVonMises,
    /// Epps–Singleton p-value (`"es"`).
    #[serde(rename = "es")]
    Es,
    /// Fisher's exact test p-value for binary categories (`"fisher_exact"`).
    #[serde(rename = "fisher_exact")]
    FisherExact,
    /// Empirical MMD permutation p-value (`"empirical_mmd"`), seeded.
    #[serde(rename = "empirical_mmd")]
    EmpiricalMmd,
}

/// How a score is compared with its threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// A p-value: drift when `score < threshold`.
    PValueBelow,
    /// A p-value: drift when `score <= threshold`.
    PValueAtMost,
    /// A distance: drift when `score >= threshold`.
    DistanceAtLeast,
    /// A distance: drift when `score > threshold`.
    DistanceAbove,
}

impl Method {
    /// Every implemented method.
    pub const ALL: [Method; 18] = [
        Method::Ks,
        Method::Wasserstein,
        Method::Psi,
        Method::KlDiv,
        Method::JensenShannon,
        Method::ChiSquare,
        Method::Z,
        Method::Hellinger,
        Method::GTest,
        Method::Tvd,
        Method::Ed,
        Method::MannW,
        Method::TTest,
        Method::Anderson,
        Method::CramerVonMises,
        Method::Es,
        Method::FisherExact,
        Method::EmpiricalMmd,
    ];

    /// Evidently's name of the method.
    pub fn name(self) -> &'static str {
        match self {
            Method::Ks => "ks",
            Method::Wasserstein => "wasserstein",
            Method::Psi => "psi",
            Method::KlDiv => "kl_div",
            Method::JensenShannon => "jensenshannon",
            Method::ChiSquare => "chisquare",
            Method::Z => "z",
            Method::Hellinger => "hellinger",
            Method::GTest => "g_test",
            Method::Tvd => "TVD",
            Method::Ed => "ed",
            Method::MannW => "mannw",
            Method::TTest => "t_test",
            Method::Anderson => "anderson",
            Method::CramerVonMises => "cramer_von_mises",
            Method::Es => "es",
            Method::FisherExact => "fisher_exact",
            Method::EmpiricalMmd => "empirical_mmd",
        }
    }

    /// Evidently's default threshold.
    pub fn default_threshold(self) -> f64 {
        match self {
            Method::Ks
            | Method::ChiSquare
            | Method::Z
            | Method::MannW
            | Method::TTest
            | Method::Es => 0.05,
            _ => 0.1,
        }
    }

    /// How the score is compared with the threshold.
    pub fn direction(self) -> Direction {
        match self {
            Method::Ks | Method::CramerVonMises => Direction::PValueAtMost,
            Method::ChiSquare
            | Method::Z
            | Method::GTest
            | Method::Tvd
            | Method::MannW
            | Method::TTest
            | Method::Anderson
            | Method::Es
            | Method::FisherExact
            | Method::EmpiricalMmd => Direction::PValueBelow,
            Method::Ed => Direction::DistanceAbove,
            Method::Wasserstein
            | Method::Psi
            | Method::KlDiv
            | Method::JensenShannon
            | Method::Hellinger => Direction::DistanceAtLeast,
        }
    }

    /// Whether the method accepts a column of this kind.
    pub fn accepts(self, kind: ColumnKind) -> bool {
        match self {
            Method::Ks
            | Method::Wasserstein
            | Method::Ed
            | Method::MannW
            | Method::TTest
            | Method::Anderson
            | Method::CramerVonMises
            | Method::Es
            | Method::EmpiricalMmd => kind == ColumnKind::Numerical,
            Method::ChiSquare | Method::Z | Method::GTest | Method::Tvd | Method::FisherExact => {
                kind == ColumnKind::Categorical
            }
            Method::Psi | Method::KlDiv | Method::JensenShannon | Method::Hellinger => true,
        }
    }

    /// Whether `score` means drift at `threshold` (NaN never does).
    pub fn drifted(self, score: f64, threshold: f64) -> bool {
        match self.direction() {
            Direction::PValueBelow => score < threshold,
            Direction::PValueAtMost => score <= threshold,
            Direction::DistanceAtLeast => score >= threshold,
            Direction::DistanceAbove => score > threshold,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Method::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::InvalidConfig {
                parameter: "method",
                reason: format!(
                    "unknown drift method {s:?}; genre implements: {}",
                    Method::ALL.map(Method::name).join(", ")
                ),
            })
    }
}

/// The prepared pair of samples a statistic runs on.
pub(crate) enum Pair<'a> {
    /// Sorted, cleaned numerical samples; `integer` when both came from integer data.
    Numerical {
        reference: &'a [f64],
        current: &'a [f64],
        integer: bool,
    },
    /// Category counts over the union of categories (sorted ascending).
    Categorical(&'a Counts),
}

/// Computes `method` on `pair`; `seed` drives permutation tests.
///
/// Numerical-only methods on a categorical pair give NaN (callers check
/// [`Method::accepts`] first); count-based methods on a numerical pair count
/// its distinct values, as Evidently's default choice does for columns with
/// few distinct values. NaN means "undefined" (no score, never drift); `Err`
/// says why the column cannot be tested with this method at all.
pub(crate) fn compute(
    method: Method,
    pair: &Pair<'_>,
    seed: u64,
) -> std::result::Result<f64, String> {
    Ok(match method {
        Method::Psi | Method::KlDiv | Method::JensenShannon => {
            let (r, c) = binning::binned_shares(pair, method != Method::JensenShannon);
            match method {
                Method::Psi => divergence::psi(&r, &c),
                Method::KlDiv => divergence::kl_div(&r, &c),
                _ => divergence::jensenshannon(&r, &c),
            }
        }
        Method::ChiSquare | Method::Z | Method::GTest | Method::Tvd | Method::FisherExact => {
            let owned;
            let counts = match pair {
                Pair::Categorical(c) => *c,
                Pair::Numerical {
                    reference: a,
                    current: b,
                    ..
                } => {
                    owned = Counts::from_sorted(a, b);
                    &owned
                }
            };
            match method {
                Method::ChiSquare => categorical::chisquare(counts),
                Method::Z => categorical::z_test(counts, 0),
                Method::GTest => categorical::g_test(counts),
                Method::FisherExact => fisher_exact::p_value(counts)?,
                _ => permutation::tvd_p_value(counts, seed, 1000),
            }
        }
        Method::Hellinger => match pair {
            Pair::Categorical(c) => hellinger::categorical(c),
            Pair::Numerical {
                reference: a,
                current: b,
                integer,
            } => hellinger::numerical(a, b, merge::steps(a, b).count(), *integer),
        },
        Method::Ks
        | Method::Wasserstein
        | Method::Ed
        | Method::MannW
        | Method::TTest
        | Method::Anderson
        | Method::CramerVonMises
        | Method::Es
        | Method::EmpiricalMmd => {
            let Pair::Numerical {
                reference: a,
                current: b,
                ..
            } = pair
            else {
                return Ok(f64::NAN);
            };
            match method {
                Method::Ks => ks::p_value(a, b),
                Method::Wasserstein => wasserstein::normed(a, b),
                Method::Ed => energy::energy_distance(a, b),
                Method::MannW => rank::mann_whitney_less(a, b),
                Method::Anderson => anderson::p_value(a, b),
                Method::CramerVonMises => cramer_von_mises::p_value(a, b),
                Method::Es => epps_singleton::p_value(a, b),
                Method::EmpiricalMmd => {
                    let total = a.len() + b.len();
                    if total > mmd::MAX_VALUES {
                        return Err(format!(
                            "empirical_mmd compares every pair of values; at most {} values \
                             (reference + current) are accepted, got {total} — sample the \
                             column or use another method",
                            mmd::MAX_VALUES
                        ));
                    }
                    mmd::p_value(a, b, seed)
                }
                _ => ttest::t_test(a, b),
            }
        }
    })
}
