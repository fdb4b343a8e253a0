//! Per-column drift statistics, one file per family, with Evidently 0.7's
//! names, default thresholds and drift directions.

pub(crate) mod binning;
pub(crate) mod categorical;
pub mod counts;
pub(crate) mod divergence;
pub(crate) mod hellinger;
pub(crate) mod kolmogorov;
pub(crate) mod ks;
pub(crate) mod permutation;
pub(crate) mod special;
pub(crate) mod wasserstein;

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
}

impl Method {
    /// Every implemented method.
    pub const ALL: [Method; 10] = [
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
        }
    }

    /// Evidently's default threshold.
    pub fn default_threshold(self) -> f64 {
        match self {
            Method::Ks | Method::ChiSquare | Method::Z => 0.05,
            _ => 0.1,
        }
    }

    /// How the score is compared with the threshold.
    pub fn direction(self) -> Direction {
        match self {
            Method::Ks => Direction::PValueAtMost,
            Method::ChiSquare | Method::Z | Method::GTest | Method::Tvd => Direction::PValueBelow,
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
            Method::Ks | Method::Wasserstein => kind == ColumnKind::Numerical,
            Method::ChiSquare | Method::Z | Method::GTest | Method::Tvd => {
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
pub(crate) fn compute(method: Method, pair: &Pair<'_>, seed: u64) -> f64 {
    match (method, pair) {
        (
            Method::Ks,
            Pair::Numerical {
                reference, current, ..
            },
        ) => ks::p_value(reference, current),
        (
            Method::Wasserstein,
            Pair::Numerical {
                reference, current, ..
            },
        ) => wasserstein::normed(reference, current),
        (
            Method::Hellinger,
            Pair::Numerical {
                reference,
                current,
                integer,
            },
        ) => {
            let c = Counts::from_sorted(reference, current);
            hellinger::numerical(reference, current, c.len(), *integer)
        }
        (Method::Hellinger, Pair::Categorical(c)) => hellinger::categorical(c),
        (Method::Psi | Method::KlDiv | Method::JensenShannon, _) => {
            let fill = method != Method::JensenShannon;
            let (r, c) = match pair {
                Pair::Numerical {
                    reference,
                    current,
                    integer,
                } => {
                    let counts = Counts::from_sorted(reference, current);
                    binning::binned_shares(Some((reference, current, *integer)), &counts, fill)
                }
                Pair::Categorical(counts) => binning::binned_shares(None, counts, fill),
            };
            match method {
                Method::Psi => divergence::psi(&r, &c),
                Method::KlDiv => divergence::kl_div(&r, &c),
                _ => divergence::jensenshannon(&r, &c),
            }
        }
        (Method::ChiSquare | Method::Z | Method::GTest | Method::Tvd, _) => {
            let owned;
            let counts = match pair {
                Pair::Categorical(c) => *c,
                Pair::Numerical {
                    reference, current, ..
                } => {
                    owned = Counts::from_sorted(reference, current);
                    &owned
                }
            };
            match method {
                Method::ChiSquare => categorical::chisquare(counts),
                Method::Z => categorical::z_test(counts, 0),
                Method::GTest => categorical::g_test(counts),
                _ => permutation::tvd_p_value(counts, seed, 1000),
            }
        }
        (Method::Ks | Method::Wasserstein, Pair::Categorical(_)) => f64::NAN,
    }
}
