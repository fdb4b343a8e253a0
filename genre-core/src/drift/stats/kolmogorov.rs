//! The distribution of the two-sided one-sample KS statistic, `kstwo.sf(x, n)`,
//! following scipy's `_kolmogn` (Simard & L'Ecuyer's choice of algorithms):
//! Ruben–Gambino at the extremes, `2 * smirnov(n, x)` for large `n x²`, the
//! Durbin matrix (small `n x²`, or `n x^1.5 <= 1.4` up to n = 100,000) and
//! Pomeranz's recursion (n <= 140) for exact values, and the Pelz–Good
//! expansion otherwise.

use std::f64::consts::PI;

use super::kolmogorov_exact::{durbin_cdf, pomeranz_cdf};
use super::loader::ln_binom;

const MIN_LOG: f64 = -708.0;
const SMIRNOV_MAX_COMPUTE_N: f64 = 1_000_000.0;
/// Stirling series coefficients B_{2j}/(2j)/(2j-1), j = 8..1 (numpy polyval order).
#[allow(clippy::excessive_precision)]
const STIRLING: [f64; 8] = [
    -2.955065359477124183e-2,
    6.4102564102564102564e-3,
    -1.9175269175269175269e-3,
    8.4175084175084175084e-4,
    -5.952380952380952381e-4,
    7.9365079365079365079e-4,
    -2.7777777777777777778e-3,
    8.3333333333333333333e-2,
];

/// `scipy.stats.kstwo.sf(x, n)` for an integer-valued `n >= 1`.
pub(crate) fn kstwo_sf(x: f64, n: f64) -> f64 {
    if x.is_nan() || n.is_nan() || n <= 0.0 || n.fract() != 0.0 {
        return f64::NAN;
    }
    if x >= 1.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let t = n * x;
    if t <= 1.0 {
        if t <= 0.5 {
            return 1.0;
        }
        let cdf = if n <= 140.0 {
            let mut p = 1.0;
            let mut k = 1.0;
            while k <= n {
                p *= k * (1.0 / n) * (2.0 * t - 1.0);
                k += 1.0;
            }
            p
        } else {
            (log_nfactorial_div_n_pow_n(n) + n * (2.0 * t - 1.0).ln()).exp()
        };
        return (1.0 - cdf).clamp(0.0, 1.0);
    }
    if t >= n - 1.0 {
        return (2.0 * (1.0 - x).powf(n)).clamp(0.0, 1.0);
    }
    if x >= 0.5 {
        return (2.0 * smirnov(n, x)).clamp(0.0, 1.0);
    }
    let nxsquared = t * x;
    if n <= 140.0 {
        // Reached from ks_2samp's asymptotic branch when one sample is small
        // (n = round(n1 n2 / (n1 + n2)) with the other above 10,000 values).
        let cdf = if nxsquared <= 0.754693 {
            durbin_cdf(n as u64, x)
        } else if nxsquared <= 4.0 {
            pomeranz_cdf(n as u64, x)
        } else {
            return (2.0 * smirnov(n, x)).clamp(0.0, 1.0);
        };
        return (1.0 - cdf).clamp(0.0, 1.0);
    }
    if nxsquared >= 370.0 {
        return 0.0;
    }
    if nxsquared >= 2.2 {
        return (2.0 * smirnov(n, x)).clamp(0.0, 1.0);
    }
    let cdf = if nxsquared >= 18.0 {
        1.0
    } else if n <= 100_000.0 && n * x.powf(1.5) <= 1.4 {
        durbin_cdf(n as u64, x)
    } else {
        pelz_good_cdf(n, x)
    };
    (1.0 - cdf).clamp(0.0, 1.0)
}

fn log_nfactorial_div_n_pow_n(n: f64) -> f64 {
    let rn = 1.0 / n;
    let v = rn / n;
    let poly = STIRLING.iter().fold(0.0, |acc, &c| acc * v + c);
    n.ln() / 2.0 - n + (2.0 * PI).ln() / 2.0 + rn * poly
}

/// Pelz–Good approximation to Pr(D_n <= x) (scipy `_kolmogn_PelzGood`).
fn pelz_good_cdf(n: f64, x: f64) -> f64 {
    let z = n.sqrt() * x;
    let (z2, z3, z4, z6) = (z * z, z.powi(3), z.powi(4), z.powi(6));
    let pi2 = PI * PI;
    let pi4 = pi2 * pi2;
    let pi6 = pi4 * pi2;
    let qlog = -pi2 / 8.0 / z2;
    if qlog < MIN_LOG {
        return 0.0;
    }
    let q = qlog.exp();
    let k1a = -z2;
    let k1b = pi2 / 4.0;
    let k2a = 6.0 * z6 + 2.0 * z4;
    let k2b = (2.0 * z4 - 5.0 * z2) * pi2 / 4.0;
    let k2c = pi4 * (1.0 - 2.0 * z2) / 16.0;
    let k3d = pi6 * (5.0 - 30.0 * z2) / 64.0;
    let k3c = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0;
    let k3b = pi2 * (135.0 * z4 - 96.0 * z6) / 4.0;
    let k3a = -30.0 * z6 - 90.0 * z.powi(8);
    let mut k = [0.0f64; 4];
    let maxk = (16.0 * z / PI).ceil() as i64;
    for kk in (1..=maxk).rev() {
        let m = (2 * kk - 1) as f64;
        let (m2, m4, m6) = (m * m, m.powi(4), m.powi(6));
        let qpower = q.powf((8 * kk) as f64);
        let coeffs = [
            1.0,
            k1a + k1b * m2,
            k2a + k2b * m2 + k2c * m4,
            k3a + k3b * m2 + k3c * m4 + k3d * m6,
        ];
        for (v, c) in k.iter_mut().zip(coeffs) {
            *v *= qpower;
            *v += c;
        }
    }
    let sqrt2pi = (2.0 * PI).sqrt();
    let div = [z, 6.0 * z4, 72.0 * z.powi(7), 6480.0 * z.powi(10)];
    for (v, d) in k.iter_mut().zip(div) {
        *v *= q;
        *v *= sqrt2pi;
        *v /= d;
    }
    let q = (-pi2 / 2.0 / z2).exp();
    let sqrt3z = 3f64.sqrt() * z;
    let (mut k2extra, mut k3extra) = (0.0, 0.0);
    for kk in (1..=maxk).rev() {
        let kf = kk as f64;
        let ks2 = kf * kf;
        let qp = q.powf(ks2);
        k2extra += ks2 * qp;
        let kspi = PI * kf;
        k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
    }
    k2extra *= pi2 * sqrt2pi / (-36.0 * z3);
    k3extra *= pi2 * sqrt2pi / (216.0 * z6);
    k[2] += k2extra;
    k[3] += k3extra;
    for (i, v) in k.iter_mut().enumerate() {
        *v /= n.powf(i as f64 / 2.0);
    }
    k.iter().sum()
}

/// One-sided Smirnov survival function `Pr(D+_n >= x)` (Birnbaum–Tingey sum),
/// the `smirnov(n, x)` of scipy.special, summed in log space.
pub(crate) fn smirnov(n: f64, x: f64) -> f64 {
    if !(n > 0.0 && (0.0..=1.0).contains(&x)) {
        return f64::NAN;
    }
    if n == 1.0 {
        return 1.0 - x;
    }
    if x == 0.0 {
        return 1.0;
    }
    if x == 1.0 {
        return 0.0;
    }
    let nx = n * x;
    let nxfl = nx.floor();
    if nxfl == 0.0 || (nxfl == 1.0 && nx == 1.0) {
        return 1.0 - x * (1.0 + x).powf(n - 1.0);
    }
    if -2.0 * n * x * x < -745.1332191019412 {
        return 0.0;
    }
    if nxfl >= n - 1.0 {
        return (1.0 - x).powf(n);
    }
    if n > SMIRNOV_MAX_COMPUTE_N {
        let logp = -(6.0 * n * x + 1.0).powi(2) / 18.0 / n;
        return if logp < -std::f64::consts::LN_2 {
            logp.exp()
        } else {
            1.0 + libm::expm1(logp)
        };
    }
    // sf = x * sum_{v=0}^{floor(n(1-x))} C(n,v) (1-x-v/n)^(n-v) (x+v/n)^(v-1):
    // with b = x + v/n and a = 1 − b each term is a binomial probability
    // Pr(Bin(n, b) = v) / b, evaluated by Loader's method (an accumulated
    // ln C(n, v) loses ~1e-9 relative by n = 250,000).
    let alpha = nx - nxfl;
    let last = (n - nxfl - if alpha == 0.0 { 2.0 } else { 1.0 }) as u64;
    let mut sum = 0.0f64;
    let mut v = 0u64;
    while v <= last {
        let vf = v as f64;
        let a = (n - vf) / n - x;
        let b = vf / n + x;
        let term = ln_binom(vf, n, b, a) - b.ln();
        sum += term.exp();
        v += 1;
    }
    (x * sum).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kstwo_sf_matches_scipy() {
        // scipy.stats.kstwo.sf(x, n)
        let cases = [
            (0.01, 5000.0, 0.6954557253913853),
            (0.03, 5000.0, 0.00024159234422666817),
            (0.005, 50000.0, 0.16353363492434803),
        ];
        for (x, n, want) in cases {
            let got = kstwo_sf(x, n);
            assert!(
                ((got - want) / want).abs() < 1e-10,
                "kstwo.sf({x}, {n}) = {got}, want {want}"
            );
        }
    }

    #[test]
    fn kstwo_sf_matches_scipy_on_every_branch() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/golden/drift/kstwo.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let rows = v["x_n_sf"].as_array().cloned().unwrap_or_default();
        assert!(rows.len() > 200, "missing {path}");
        let mut worst = 0.0f64;
        let mut bad = Vec::new();
        for r in rows {
            let (x, n, want) = (
                r[0].as_f64().unwrap_or(f64::NAN),
                r[1].as_f64().unwrap_or(f64::NAN),
                r[2].as_f64().unwrap_or(f64::NAN),
            );
            let got = kstwo_sf(x, n);
            let err = if got == want {
                0.0
            } else {
                ((got - want) / want).abs()
            };
            if err > 1e-9 {
                bad.push(format!(
                    "kstwo.sf({x}, {n}) = {got:e}, want {want:e} (rel {err:e})"
                ));
            }
            worst = worst.max(err);
        }
        eprintln!("kstwo.sf worst relative error {worst:e}");
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}
