//! Distances between binned shares: PSI, Kullback–Leibler (`scipy.stats.entropy`)
//! and Jensen–Shannon (`scipy.spatial.distance.jensenshannon`, natural log).

/// `scipy.special.rel_entr(x, y)`.
fn rel_entr(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x > 0.0 && y > 0.0 {
        x * (x / y).ln()
    } else if x == 0.0 && y >= 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// Population stability index `Σ (r − c) ln(r / c)` over zero-filled shares.
pub(crate) fn psi(r: &[f64], c: &[f64]) -> f64 {
    r.iter().zip(c).map(|(&r, &c)| (r - c) * (r / c).ln()).sum()
}

/// `scipy.stats.entropy(r, c)`: both renormalised, natural log.
pub(crate) fn kl_div(r: &[f64], c: &[f64]) -> f64 {
    let (sr, sc): (f64, f64) = (r.iter().sum(), c.iter().sum());
    r.iter()
        .zip(c)
        .map(|(&p, &q)| rel_entr(p / sr, q / sc))
        .sum()
}

/// `scipy.spatial.distance.jensenshannon(r, c)` (natural log).
pub(crate) fn jensenshannon(r: &[f64], c: &[f64]) -> f64 {
    let (sr, sc): (f64, f64) = (r.iter().sum(), c.iter().sum());
    let (mut left, mut right) = (0.0, 0.0);
    for (&p, &q) in r.iter().zip(c) {
        let (p, q) = (p / sr, q / sc);
        let m = (p + q) / 2.0;
        left += rel_entr(p, m);
        right += rel_entr(q, m);
    }
    ((left + right) / 2.0).sqrt()
}
