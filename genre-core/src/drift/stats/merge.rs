//! Walking two sorted samples together, one distinct value at a time — the
//! shared core of the ECDF-based statistics (KS, Wasserstein, energy distance,
//! ranks) and of distinct-value counting.

/// One distinct value of the union of two sorted samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Step {
    /// The value.
    pub value: f64,
    /// Its multiplicity in the first sample.
    pub in_a: usize,
    /// Its multiplicity in the second sample.
    pub in_b: usize,
    /// Values of the first sample that are `<= value`.
    pub a_le: usize,
    /// Values of the second sample that are `<= value`.
    pub b_le: usize,
}

/// Iterator over the distinct values of two ascending samples, in ascending order.
pub(crate) struct Steps<'a> {
    a: &'a [f64],
    b: &'a [f64],
    i: usize,
    j: usize,
}

/// The distinct values of `a ∪ b` (both ascending) with their multiplicities.
pub(crate) fn steps<'a>(a: &'a [f64], b: &'a [f64]) -> Steps<'a> {
    Steps { a, b, i: 0, j: 0 }
}

impl Iterator for Steps<'_> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        let value = match (self.a.get(self.i), self.b.get(self.j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => return None,
        };
        let (i0, j0) = (self.i, self.j);
        while self.a.get(self.i).is_some_and(|&x| x == value) {
            self.i += 1;
        }
        while self.b.get(self.j).is_some_and(|&y| y == value) {
            self.j += 1;
        }
        Some(Step {
            value,
            in_a: self.i - i0,
            in_b: self.j - j0,
            a_le: self.i,
            b_le: self.j,
        })
    }
}

/// `Σ f(F_a(v_k) − F_b(v_k)) · (v_{k+1} − v_k)` over consecutive distinct values:
/// the integral of `f` of the ECDF difference (scipy's `_cdf_distance` core).
pub(crate) fn integrate_cdf_diff(a: &[f64], b: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let mut total = 0.0;
    let mut prev: Option<(f64, f64)> = None;
    for s in steps(a, b) {
        if let Some((v, d)) = prev {
            total += f(d) * (s.value - v);
        }
        prev = Some((s.value, s.a_le as f64 / n1 - s.b_le as f64 / n2));
    }
    total
}
