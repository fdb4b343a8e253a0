//! Restoring samples from residuals (RFC 9639 §9.2.5–9.2.6): the fixed
//! predictors of order 0–4 and LPC of order 1–32, in place over a buffer
//! that holds the warm-up samples followed by the residuals.
//!
//! Integer arithmetic wraps: on a valid stream every sample fits its
//! subframe's bit depth, so wrapping sums of products are exact whenever
//! nothing is shifted (fixed predictors), and the LPC sum uses i32 only when
//! libFLAC's bound `bps + precision + ⌊log2 order⌋ ≤ 32` shows it cannot
//! overflow (else i64). On invalid data the results are garbage (caught by
//! the frame's CRC-16), never a panic.

use pulp::{Simd, WithSimd};

/// Applies `predict` (over the `N` previous samples, oldest first) to every
/// sample after the first `N`.
#[inline(always)]
fn restore<const N: usize>(out: &mut [i32], predict: impl Fn(&[i32; N]) -> i32) {
    for i in N..out.len() {
        let Some(history) = out.get(i - N..i).and_then(|h| h.first_chunk::<N>()) else {
            return;
        };
        let p = predict(history);
        if let Some(s) = out.get_mut(i) {
            *s = s.wrapping_add(p);
        }
    }
}

/// Fixed predictor of `order` 0–4.
pub(crate) fn fixed(order: usize, out: &mut [i32]) {
    super::cpu::arch().dispatch(Fixed { order, out });
}

/// [`fixed_dispatch`] as a `pulp` kernel.
struct Fixed<'a> {
    order: usize,
    out: &'a mut [i32],
}

impl WithSimd for Fixed<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        fixed_dispatch(self.order, self.out);
    }
}

#[inline(always)]
fn fixed_dispatch(order: usize, out: &mut [i32]) {
    match order {
        1 => restore::<1>(out, |&[a]| a),
        2 => restore::<2>(out, |&[b, a]| a.wrapping_mul(2).wrapping_sub(b)),
        3 => restore::<3>(out, |&[c, b, a]| {
            a.wrapping_sub(b).wrapping_mul(3).wrapping_add(c)
        }),
        4 => restore::<4>(out, |&[d, c, b, a]| {
            a.wrapping_add(c)
                .wrapping_mul(4)
                .wrapping_sub(b.wrapping_mul(6))
                .wrapping_sub(d)
        }),
        _ => {}
    }
}

/// Fixed predictor over i64 samples (the 33-bit side channel).
pub(crate) fn fixed_wide(order: usize, residual: &[i32], out: &mut [i64]) {
    const COEFS: [&[i64]; 5] = [&[], &[1], &[2, -1], &[3, -3, 1], &[4, -6, 4, -1]];
    let coefs = COEFS.get(order).copied().unwrap_or_default();
    lpc_wide(coefs, 0, residual, out);
}

/// LPC over i64 samples: `coefs[j]` weighs the sample `j + 1` back.
pub(crate) fn lpc_wide(coefs: &[i64], shift: u32, residual: &[i32], out: &mut [i64]) {
    let order = coefs.len();
    for i in order..out.len() {
        let sum = coefs.iter().enumerate().fold(0i64, |acc, (j, &c)| {
            acc.wrapping_add(c.wrapping_mul(out.get(i - 1 - j).copied().unwrap_or(0)))
        });
        let r = i64::from(residual.get(i - order).copied().unwrap_or(0));
        if let Some(s) = out.get_mut(i) {
            *s = r.wrapping_add(sum >> shift);
        }
    }
}

/// LPC with quantised `coefs` (`coefs[j]` weighs the sample `j + 1` back),
/// `shift` ≤ 15, on a subframe of `bps` bits with coefficient `precision`.
pub(crate) fn lpc(coefs: &[i32], shift: u32, bps: u32, precision: u32, out: &mut [i32]) {
    super::cpu::arch().dispatch(Lpc {
        coefs,
        shift,
        bps,
        precision,
        out,
    });
}

/// [`lpc_dispatch`] as a `pulp` kernel.
struct Lpc<'a> {
    coefs: &'a [i32],
    shift: u32,
    bps: u32,
    precision: u32,
    out: &'a mut [i32],
}

impl WithSimd for Lpc<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        lpc_dispatch(self.coefs, self.shift, self.bps, self.precision, self.out);
    }
}

#[inline(always)]
fn lpc_dispatch(coefs: &[i32], shift: u32, bps: u32, precision: u32, out: &mut [i32]) {
    let narrow = bps + precision + coefs.len().max(1).ilog2() <= 32;
    macro_rules! orders {
        ($($n:literal)*) => {
            match coefs.len() {
                $($n => {
                    let mut rev = [0i32; $n];
                    for (r, &c) in rev.iter_mut().zip(coefs.iter().rev()) {
                        *r = c;
                    }
                    if narrow { lpc32::<$n>(&rev, shift, out) } else { lpc64::<$n>(&rev, shift, out) }
                })*
                _ => lpc_any(coefs, shift, out),
            }
        };
    }
    orders!(1 2 3 4 5 6 7 8 9 10 11 12);
}

/// LPC of order `N` with an i32 sum; `rev` holds the coefficients oldest
/// sample first.
#[inline(always)]
fn lpc32<const N: usize>(rev: &[i32; N], shift: u32, out: &mut [i32]) {
    rolling::<N, i32>(
        rev,
        out,
        |c, s| c.wrapping_mul(s),
        |a, b| a.wrapping_add(b),
        |sum| sum >> shift,
    );
}

/// LPC of order `N` with an i64 sum.
#[inline(always)]
fn lpc64<const N: usize>(rev: &[i32; N], shift: u32, out: &mut [i32]) {
    rolling::<N, i64>(
        rev,
        out,
        |c, s| i64::from(c) * i64::from(s),
        |a, b| a.wrapping_add(b),
        |sum| (sum >> shift) as i32,
    );
}

/// Restores one sample per step, software-pipelined: the newest sample is
/// kept in a register, and the terms of the N − 1 older samples for the
/// *next* sample are summed while this one is finished (loop-carried, so
/// the compiler cannot reassociate them behind the newest term): only one
/// multiply, add, shift and add separate consecutive samples.
#[inline(always)]
fn rolling<const N: usize, A: Copy + Default>(
    rev: &[i32; N],
    out: &mut [i32],
    mul: impl Fn(i32, i32) -> A,
    add: impl Fn(A, A) -> A,
    finish: impl Fn(A) -> i32,
) {
    // Terms of the N - 1 older samples starting at `out[from]`.
    let older_terms = |out: &[i32], from: usize| {
        let mut sum = A::default();
        if let Some(h) = out.get(from..).and_then(|h| h.first_chunk::<N>()) {
            for m in 0..N - 1 {
                sum = add(sum, mul(rev[m], h[m]));
            }
        }
        sum
    };
    let Some(&(mut last)) = out.get(N.wrapping_sub(1)) else {
        return;
    };
    let mut older = older_terms(out, 0);
    for i in N..out.len() {
        // For sample i + 1: samples i + 1 - N ..= i - 1, all known.
        let next_older = older_terms(out, i + 1 - N);
        let Some(slot) = out.get_mut(i) else {
            return;
        };
        *slot = slot.wrapping_add(finish(add(older, mul(rev[N - 1], last))));
        last = *slot;
        older = next_older;
    }
}

/// LPC of any order (13–32) with an i64 sum.
fn lpc_any(coefs: &[i32], shift: u32, out: &mut [i32]) {
    let order = coefs.len();
    for i in order..out.len() {
        let sum = coefs.iter().enumerate().fold(0i64, |acc, (j, &c)| {
            acc.wrapping_add(i64::from(c) * i64::from(out.get(i - 1 - j).copied().unwrap_or(0)))
        });
        if let Some(s) = out.get_mut(i) {
            *s = s.wrapping_add((sum >> shift) as i32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every specialised path equals the plain i64 definition.
    #[test]
    fn specialised_lpc_and_fixed_match_the_definition() {
        let residual: Vec<i32> = (0..300).map(|i| ((i * 37) % 23) - 11).collect();
        for order in 1..=32usize {
            let coefs: Vec<i32> = (0..order).map(|j| ((j as i32 * 5) % 7) - 3).collect();
            let mut plain = residual.clone();
            lpc_any(&coefs, 8, &mut plain);
            // i32 sums (16 bits) and i64 sums (30 bits).
            for bps in [16, 30] {
                let mut fast = residual.clone();
                lpc(&coefs, 8, bps, 4, &mut fast);
                assert_eq!(fast, plain, "order {order}, {bps} bits");
            }
            let mut wide = vec![0i64; 300];
            wide[..order]
                .iter_mut()
                .zip(&residual)
                .for_each(|(w, &r)| *w = i64::from(r));
            let wc: Vec<i64> = coefs.iter().map(|&c| i64::from(c)).collect();
            lpc_wide(&wc, 8, &residual[order..], &mut wide);
            let wide: Vec<i32> = wide.iter().map(|&w| w as i32).collect();
            assert_eq!(wide, plain, "wide order {order}");
        }
        let fixed_coefs: [&[i32]; 5] = [&[], &[1], &[2, -1], &[3, -3, 1], &[4, -6, 4, -1]];
        for (order, coefs) in fixed_coefs.iter().enumerate() {
            let mut fast = residual.clone();
            fixed(order, &mut fast);
            let mut plain = residual.clone();
            lpc_any(coefs, 0, &mut plain);
            assert_eq!(fast, plain, "fixed order {order}");
        }
    }
}
