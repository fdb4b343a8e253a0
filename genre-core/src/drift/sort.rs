//! Sorting finite f64 samples fast: an LSD radix sort on order-preserving
//! integer keys (11-bit digits, passes whose digit is constant skipped), which
//! beats comparison sorts several-fold on the 10⁵–10⁶-value columns drift sees.

/// Below this length a comparison sort is faster.
const RADIX_MIN: usize = 4096;

/// Sorts `v` ascending by `f64::total_cmp` (NaN-free input sorts numerically).
pub(crate) fn sort_f64(v: &mut [f64]) {
    if v.len() < RADIX_MIN {
        v.sort_unstable_by(f64::total_cmp);
        return;
    }
    // Order-preserving map f64 -> u64 (flip all bits of negatives, the sign bit of positives).
    let key = |x: f64| {
        let b = x.to_bits();
        if b >> 63 == 1 { !b } else { b | (1 << 63) }
    };
    let unkey = |k: u64| f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k });
    let mut a: Vec<u64> = v.iter().map(|&x| key(x)).collect();
    let mut b = vec![0u64; a.len()];
    const BITS: u32 = 11;
    const RADIX: usize = 1 << BITS;
    let mut shift = 0u32;
    while shift < 64 {
        let mut counts = vec![0usize; RADIX];
        for &k in &a {
            if let Some(c) = counts.get_mut(((k >> shift) as usize) & (RADIX - 1)) {
                *c += 1;
            }
        }
        if counts.contains(&a.len()) {
            shift += BITS;
            continue; // every key has the same digit here
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &k in &a {
            let d = ((k >> shift) as usize) & (RADIX - 1);
            if let Some(pos) = counts.get_mut(d) {
                if let Some(slot) = b.get_mut(*pos) {
                    *slot = k;
                }
                *pos += 1;
            }
        }
        std::mem::swap(&mut a, &mut b);
        shift += BITS;
    }
    for (x, k) in v.iter_mut().zip(a) {
        *x = unkey(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_matches_comparison_sort() {
        let mut x: u64 = 12345;
        let mut v: Vec<f64> = (0..10_000)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let m = (x >> 11) as f64 / (1u64 << 53) as f64;
                match i % 7 {
                    0 => -m * 1e6,
                    1 => 0.0,
                    2 => -0.0,
                    3 => (m * 10.0).round(),
                    _ => m * 1e-300 - 0.5,
                }
            })
            .collect();
        let mut want = v.clone();
        want.sort_by(f64::total_cmp);
        sort_f64(&mut v);
        assert_eq!(
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            want.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }
}
