//! Category counts of a reference and a current sample over the union of
//! their categories — all a categorical test needs.

use super::merge::steps;

/// Counts per category of two samples, aligned on the union of categories.
///
/// `reference[i]` and `current[i]` count category `i`; `labels[i]` names it.
/// Categories are in ascending order (numbers before strings).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    /// Category labels in ascending order (empty for the distinct values of a
    /// numerical column, which are kept only as counts).
    pub labels: Vec<String>,
    /// Reference count per category.
    pub reference: Vec<u64>,
    /// Current count per category.
    pub current: Vec<u64>,
}

impl Counts {
    /// Total reference count.
    pub fn reference_total(&self) -> u64 {
        self.reference.iter().sum()
    }

    /// Total current count.
    pub fn current_total(&self) -> u64 {
        self.current.iter().sum()
    }

    /// Number of categories present in either sample.
    pub fn len(&self) -> usize {
        self.reference.len()
    }

    /// True when neither sample has a value.
    pub fn is_empty(&self) -> bool {
        self.reference.is_empty()
    }

    /// Categories with a non-zero reference count.
    pub(crate) fn reference_unique(&self) -> usize {
        self.reference.iter().filter(|&&c| c > 0).count()
    }

    /// Categories with a non-zero current count.
    pub(crate) fn current_unique(&self) -> usize {
        self.current.iter().filter(|&&c| c > 0).count()
    }

    /// Counts of the distinct values of two sorted numeric samples.
    pub(crate) fn from_sorted(a: &[f64], b: &[f64]) -> Self {
        let mut out = Counts::default();
        for s in steps(a, b) {
            out.reference.push(s.in_a as u64);
            out.current.push(s.in_b as u64);
        }
        out
    }
}

/// Shares `count / total` of each category in one sample.
pub(crate) fn shares(counts: &[u64], total: u64) -> Vec<f64> {
    let t = total as f64;
    counts.iter().map(|&c| c as f64 / t).collect()
}
