//! Analysis windows exactly as `scipy.signal.get_window(..., fftbins=True)`.

/// Periodic Hann window of `len` points in `f64`, computed like scipy:
/// `0.5 + 0.5 * cos(linspace(-π, π, len + 1))`, last point dropped.
pub(crate) fn hann_periodic(len: usize) -> Vec<f64> {
    if len == 1 {
        return vec![1.0];
    }
    let step = (std::f64::consts::PI - -std::f64::consts::PI) / len as f64;
    (0..len)
        .map(|n| {
            let fac = n as f64 * step + -std::f64::consts::PI;
            0.5 + 0.5 * fac.cos()
        })
        .collect()
}

/// Centres `window` in `size` zeros, like `librosa.util.pad_center`.
/// `window.len()` must not exceed `size` (checked by the config).
pub(crate) fn pad_center(window: &[f64], size: usize) -> Vec<f64> {
    let mut out = vec![0.0; size];
    let lpad = size.saturating_sub(window.len()) / 2;
    for (o, w) in out.iter_mut().skip(lpad).zip(window) {
        *o = *w;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hann_is_periodic_and_symmetric() {
        let w = hann_periodic(8);
        assert!(w[0].abs() < 1e-15);
        assert!((w[4] - 1.0).abs() < 1e-15);
        assert!((w[1] - w[7]).abs() < 1e-15);
        assert_eq!(
            pad_center(&[1.0, 2.0], 6),
            vec![0.0, 0.0, 1.0, 2.0, 0.0, 0.0]
        );
    }
}
