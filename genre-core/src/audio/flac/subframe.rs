//! Subframes (RFC 9639 §9.2): the header (type and wasted bits), then
//! constant, verbatim, fixed-predictor or LPC samples of one channel.

use super::bits::{Bits, Fault, Res};
use super::{predict, residual};

/// Subframe types.
enum Kind {
    Constant,
    Verbatim,
    Fixed(usize),
    Lpc(usize),
}

/// Reads the subframe header: type and wasted bits (< `bps`).
fn header(bits: &mut Bits<'_>, bps: u32) -> Res<(Kind, u32)> {
    if bits.read(1)? != 0 {
        return Err(Fault::Invalid("subframe padding bit set"));
    }
    let kind = match bits.read(6)? {
        0 => Kind::Constant,
        1 => Kind::Verbatim,
        t @ 8..=12 => Kind::Fixed(t as usize - 8),
        t @ 32..=63 => Kind::Lpc(t as usize - 31),
        _ => return Err(Fault::Invalid("reserved subframe type")),
    };
    let wasted = match bits.read(1)? {
        0 => 0,
        _ => bits.read_unary()?.saturating_add(1),
    };
    if wasted >= bps {
        return Err(Fault::Invalid("more wasted bits than bits per sample"));
    }
    Ok((kind, wasted))
}

/// Reads the LPC precision, shift and `order` coefficients.
fn lpc_params(bits: &mut Bits<'_>, order: usize, coefs: &mut [i32; 32]) -> Res<(u32, u32)> {
    let precision = bits.read(4)? + 1;
    if precision == 16 {
        return Err(Fault::Invalid("LPC precision 0b1111"));
    }
    let shift = bits.read_signed(5)?;
    let shift = u32::try_from(shift).map_err(|_| Fault::Invalid("negative LPC shift"))?;
    for c in coefs.iter_mut().take(order) {
        *c = bits.read_signed(precision)?;
    }
    Ok((precision, shift))
}

fn check_order(order: usize, len: usize) -> Res<()> {
    if order > len {
        return Err(Fault::Invalid("predictor order exceeds the block size"));
    }
    Ok(())
}

/// Decodes one subframe of `bps` ≤ 32 bits per sample into `out` (one
/// block).
pub(crate) fn decode(bits: &mut Bits<'_>, bps: u32, out: &mut [i32]) -> Res<()> {
    let (kind, wasted) = header(bits, bps)?;
    let bps = bps - wasted;
    let n = out.len();
    match kind {
        Kind::Constant => {
            let v = bits.read_signed(bps)?;
            out.fill(v);
        }
        Kind::Verbatim => {
            for s in out.iter_mut() {
                *s = bits.read_signed(bps)?;
            }
        }
        Kind::Fixed(order) => {
            check_order(order, n)?;
            let (warm, rest) = out.split_at_mut(order);
            for s in warm {
                *s = bits.read_signed(bps)?;
            }
            residual::decode(bits, n, order, rest)?;
            predict::fixed(order, out);
        }
        Kind::Lpc(order) => {
            check_order(order, n)?;
            let (warm, rest) = out.split_at_mut(order);
            for s in warm {
                *s = bits.read_signed(bps)?;
            }
            let mut coefs = [0i32; 32];
            let (precision, shift) = lpc_params(bits, order, &mut coefs)?;
            residual::decode(bits, n, order, rest)?;
            let coefs = coefs.get(..order).unwrap_or_default();
            predict::lpc(coefs, shift, bps, precision, out);
        }
    }
    if wasted > 0 {
        for s in out.iter_mut() {
            *s = s.wrapping_shl(wasted);
        }
    }
    Ok(())
}

/// Decodes one subframe of up to 33 bits per sample (the side channel of a
/// 32-bit stream) into `out`; `residual` is scratch of the same length.
pub(crate) fn decode_wide(
    bits: &mut Bits<'_>,
    bps: u32,
    out: &mut [i64],
    residual: &mut [i32],
) -> Res<()> {
    let (kind, wasted) = header(bits, bps)?;
    let bps = bps - wasted;
    let n = out.len();
    match kind {
        Kind::Constant => {
            let v = bits.read_signed_wide(bps)?;
            out.fill(v);
        }
        Kind::Verbatim => {
            for s in out.iter_mut() {
                *s = bits.read_signed_wide(bps)?;
            }
        }
        Kind::Fixed(order) | Kind::Lpc(order) => {
            check_order(order, n)?;
            for s in out.iter_mut().take(order) {
                *s = bits.read_signed_wide(bps)?;
            }
            let mut coefs = [0i32; 32];
            let params = match kind {
                Kind::Lpc(_) => Some(lpc_params(bits, order, &mut coefs)?),
                _ => None,
            };
            let rest = residual
                .get_mut(..n - order)
                .ok_or(Fault::Invalid("residual scratch too short"))?;
            residual::decode(bits, n, order, rest)?;
            match params {
                Some((_, shift)) => {
                    let mut wide = [0i64; 32];
                    for (w, &c) in wide.iter_mut().zip(&coefs) {
                        *w = i64::from(c);
                    }
                    let wide = wide.get(..order).unwrap_or_default();
                    predict::lpc_wide(wide, shift, rest, out);
                }
                None => predict::fixed_wide(order, rest, out),
            }
        }
    }
    if wasted > 0 {
        for s in out.iter_mut() {
            *s = s.wrapping_shl(wasted);
        }
    }
    Ok(())
}
