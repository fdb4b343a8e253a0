//! Exact CDFs of the two-sided one-sample KS statistic `Pr(D_n <= d)` used by
//! scipy's `kstwo` where the asymptotic expansions are not accurate: the Durbin
//! matrix method in Marsaglia, Tsang & Wang's form (scipy `_kolmogn_DMTW`) and
//! Pomeranz's recursion (scipy `_kolmogn_Pomeranz`), with the same power-of-two
//! rescaling of intermediate results.

const E128: i32 = 128;
const EP128: f64 = f64::from_bits((1023 + 128) << 52); // 2^128
const EM128: f64 = f64::from_bits((1023 - 128) << 52); // 2^-128

fn matmul(a: &[f64], b: &[f64], m: usize) -> Vec<f64> {
    let mut c = vec![0.0f64; m * m];
    for (i, crow) in c.chunks_exact_mut(m).enumerate() {
        for (kk, &aik) in a.iter().skip(i * m).take(m).enumerate() {
            if aik == 0.0 {
                continue;
            }
            for (cij, &bkj) in crow.iter_mut().zip(b.iter().skip(kk * m).take(m)) {
                *cij += aik * bkj;
            }
        }
    }
    c
}

/// `Pr(D_n <= d)` by the Durbin matrix: the `k`-th diagonal entry of
/// `(n!/n^n) H^n` for the `(2k − 1)²` matrix `H`, `d = (k − h)/n`.
pub(crate) fn durbin_cdf(n: u64, d: f64) -> f64 {
    if d >= 1.0 {
        return 1.0;
    }
    let nf = n as f64;
    let nd = nf * d;
    if nd <= 0.5 {
        return 0.0;
    }
    let k = nd.ceil() as usize;
    let h = k as f64 - nd;
    let m = 2 * k - 1;
    let mut v: Vec<f64> = (1..=m).map(|j| 1.0 - h.powf(j as f64)).collect();
    let mut w = vec![0.0f64; m];
    let mut fac = 1.0f64;
    for j in 1..=m {
        if let Some(wj) = w.get_mut(j - 1) {
            *wj = fac;
        }
        fac /= j as f64;
        if let Some(vj) = v.get_mut(j - 1) {
            *vj *= fac;
        }
    }
    let tt = (2.0 * h - 1.0).max(0.0).powf(m as f64) - 2.0 * h.powf(m as f64);
    if let Some(last) = v.last_mut() {
        *last = (1.0 + tt) * fac;
    }
    // H: w down the sub-diagonals of columns 1.., v in column 0, reversed v in the last row.
    let mut hm = vec![0.0f64; m * m];
    for i in 1..m {
        for r in (i - 1)..m {
            if let (Some(cell), Some(&wv)) = (hm.get_mut(r * m + i), w.get(r - (i - 1))) {
                *cell = wv;
            }
        }
    }
    for (r, &vr) in v.iter().enumerate() {
        if let Some(cell) = hm.get_mut(r * m) {
            *cell = vr;
        }
    }
    for (j, &vr) in v.iter().rev().enumerate() {
        if let Some(cell) = hm.get_mut((m - 1) * m + j) {
            *cell = vr;
        }
    }
    let mut pwr = vec![0.0f64; m * m];
    for i in 0..m {
        if let Some(cell) = pwr.get_mut(i * m + i) {
            *cell = 1.0;
        }
    }
    let (mut nn, mut expnt, mut hexpnt) = (n, 0i32, 0i32);
    let diag = (k - 1) * m + (k - 1);
    while nn > 0 {
        if nn % 2 == 1 {
            pwr = matmul(&pwr, &hm, m);
            expnt += hexpnt;
        }
        hm = matmul(&hm, &hm, m);
        hexpnt *= 2;
        if hm.get(diag).is_some_and(|x| x.abs() > EP128) {
            hm.iter_mut().for_each(|x| *x /= EP128);
            hexpnt += E128;
        }
        nn /= 2;
    }
    let mut p = pwr.get(diag).copied().unwrap_or(f64::NAN);
    for i in 1..=n {
        p = i as f64 * p / nf;
        if p.abs() < EM128 {
            p *= EP128;
            expnt -= E128;
        }
    }
    if expnt != 0 {
        p = libm::ldexp(p, expnt);
    }
    p.clamp(0.0, 1.0)
}

/// scipy's `_pomeranz_compute_j1j2`: the non-zero index range of row `i`.
fn j1j2(i: i64, n: i64, ll: i64, ceilf: i64, roundf: i64) -> (i64, i64) {
    let (j1, j2) = if i == 0 {
        (-ll - ceilf - 1, ll + ceilf - 1)
    } else {
        let (ip1div2, ip1mod2) = ((i + 1).div_euclid(2), (i + 1).rem_euclid(2));
        if ip1mod2 == 0 {
            if ip1div2 == n + 1 {
                (n - ll - ceilf - 1, n + ll + ceilf - 1)
            } else {
                (ip1div2 - 1 - ll - roundf - 1, ip1div2 + ll - 1 + ceilf - 1)
            }
        } else {
            (ip1div2 - 1 - ll - 1, ip1div2 + ll + roundf - 1)
        }
    };
    ((j1 + 2).max(0), j2.min(n))
}

/// `Pr(D_n <= x)` by Pomeranz's recursion (rows of Poisson-weighted convolutions).
pub(crate) fn pomeranz_cdf(n: u64, x: f64) -> f64 {
    let nf = n as f64;
    let ni = n as i64;
    let t = nf * x;
    let ll = t.floor() as i64;
    let f = t - ll as f64;
    let g = f.min(1.0 - f);
    let ceilf = i64::from(f > 0.0);
    let roundf = i64::from(f > 0.5);
    let npwrs = (2 * (ll + 1)).max(1) as usize;
    let mut gpower = vec![1.0f64; npwrs];
    let mut twogpower = vec![1.0f64; npwrs];
    let mut onem2gpower = vec![1.0f64; npwrs];
    let (g_n, two_g_n, one_m2g_n) = (g / nf, 2.0 * g / nf, (1.0 - 2.0 * g) / nf);
    for m in 1..npwrs {
        let mf = m as f64;
        let prev = |v: &[f64]| v.get(m - 1).copied().unwrap_or(0.0);
        let (a, b, c) = (prev(&gpower), prev(&twogpower), prev(&onem2gpower));
        if let Some(s) = gpower.get_mut(m) {
            *s = a * g_n / mf;
        }
        if let Some(s) = twogpower.get_mut(m) {
            *s = b * two_g_n / mf;
        }
        if let Some(s) = onem2gpower.get_mut(m) {
            *s = c * one_m2g_n / mf;
        }
    }
    let mut v0 = vec![0.0f64; npwrs];
    let mut v1 = vec![0.0f64; npwrs];
    if let Some(s) = v1.get_mut(0) {
        *s = 1.0;
    }
    let (mut v0s, mut v1s) = (0i64, 0i64);
    let mut expnt = 0i32;
    let (mut j1, _) = j1j2(0, ni, ll, ceilf, roundf);
    let mut conv: Vec<f64> = Vec::with_capacity(2 * npwrs);
    for i in 1..(2 * ni + 2) {
        let k1 = j1;
        std::mem::swap(&mut v0, &mut v1);
        std::mem::swap(&mut v0s, &mut v1s);
        v1.iter_mut().for_each(|s| *s = 0.0);
        let (nj1, j2) = j1j2(i, ni, ll, ceilf, roundf);
        j1 = nj1;
        let pwrs = if i == 1 || i == 2 * ni + 1 {
            &gpower
        } else if i % 2 == 1 {
            &twogpower
        } else {
            &onem2gpower
        };
        let ln2 = j2 - k1 + 1;
        if ln2 > 0 {
            // numpy slices clip at the end of the array.
            let start = (k1 - v0s).max(0) as usize;
            let a = v0
                .get(start..(start + ln2 as usize).min(v0.len()))
                .unwrap_or(&[]);
            let b = pwrs.get(..(ln2 as usize).min(pwrs.len())).unwrap_or(&[]);
            conv.clear();
            conv.resize((a.len() + b.len()).saturating_sub(1), 0.0);
            for (ia, &av) in a.iter().enumerate() {
                for (ib, &bv) in b.iter().enumerate() {
                    if let Some(c) = conv.get_mut(ia + ib) {
                        *c += av * bv;
                    }
                }
            }
            let conv_start = (j1 - k1).max(0) as usize;
            let conv_len = (j2 - j1 + 1).max(0) as usize;
            for (dst, &src) in v1
                .iter_mut()
                .zip(conv.iter().skip(conv_start).take(conv_len))
            {
                *dst = src;
            }
            let vmax = v1.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            if 0.0 < vmax && vmax < EM128 {
                v1.iter_mut().for_each(|s| *s *= EP128);
                expnt -= E128;
            }
            v1s = v0s + j1 - k1;
        }
    }
    let mut ans = v1
        .get((ni - v1s).max(0) as usize)
        .copied()
        .unwrap_or(f64::NAN);
    for m in 1..=n {
        if ans.abs() > EP128 {
            ans *= EM128;
            expnt += E128;
        }
        ans *= m as f64;
    }
    if expnt != 0 {
        ans = libm::ldexp(ans, expnt);
    }
    ans.clamp(0.0, 1.0)
}
