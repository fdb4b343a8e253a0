//! Residuals (RFC 9639 §9.2.7): Rice (4-bit parameters) or Rice2 (5-bit)
//! partitions, each either Rice-coded or escaped to fixed-width values.

use pulp::{Simd, WithSimd};

use super::bits::{Bits, Fault, Res};

/// Decodes the residual of a subframe with `order` warm-up samples into
/// `out` (`block_size - order` values).
pub(crate) fn decode(
    bits: &mut Bits<'_>,
    block_size: usize,
    order: usize,
    out: &mut [i32],
) -> Res<()> {
    super::cpu::arch().dispatch(Partitions {
        bits,
        block_size,
        order,
        out,
    })
}

/// [`partitions`] as a `pulp` kernel.
struct Partitions<'r, 'd> {
    bits: &'r mut Bits<'d>,
    block_size: usize,
    order: usize,
    out: &'r mut [i32],
}

impl WithSimd for Partitions<'_, '_> {
    type Output = Res<()>;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) -> Res<()> {
        partitions(self.bits, self.block_size, self.order, self.out)
    }
}

#[inline(always)]
fn partitions(bits: &mut Bits<'_>, block_size: usize, order: usize, out: &mut [i32]) -> Res<()> {
    let (param_bits, escape) = match bits.read(2)? {
        0 => (4, 15),
        1 => (5, 31),
        _ => return Err(Fault::Invalid("reserved residual coding method")),
    };
    let partition_order = bits.read(4)?;
    let per_partition = block_size >> partition_order;
    if per_partition << partition_order != block_size || per_partition < order {
        return Err(Fault::Invalid(
            "partition order does not fit the block size",
        ));
    }
    let mut start = 0;
    for partition in 0..1usize << partition_order {
        let n = if partition == 0 {
            per_partition - order
        } else {
            per_partition
        };
        let slot = out
            .get_mut(start..start + n)
            .ok_or(Fault::Invalid("residual longer than the block"))?;
        start += n;
        let k = bits.read(param_bits)?;
        if k == escape {
            let width = bits.read(5)?;
            for s in slot {
                *s = bits.read_signed(width)?;
            }
        } else {
            bits.rice(k, slot)?;
        }
    }
    Ok(())
}
