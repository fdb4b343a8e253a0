//! A big-endian bit reader over a byte slice with a 64-bit buffer (RFC 9639
//! stores every field most significant bit first).

/// Why a read inside a frame failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The data ended inside the frame.
    Eof,
    /// A field holds a value the format forbids.
    Invalid(&'static str),
}

/// Result of a read inside a frame.
pub(crate) type Res<T> = std::result::Result<T, Fault>;

/// Reads bits from `data`. The unread bits sit left-aligned in `buf`; the
/// `avail` top bits are counted, bits below them are either zero or the
/// stream's next bits (refills OR the same bytes in again).
pub(crate) struct Bits<'a> {
    data: &'a [u8],
    /// Next byte of `data` not yet counted in `avail`.
    next: usize,
    buf: u64,
    avail: u32,
}

impl<'a> Bits<'a> {
    /// A reader starting at byte `start` of `data`.
    pub fn new(data: &'a [u8], start: usize) -> Self {
        Bits {
            data,
            next: start.min(data.len()),
            buf: 0,
            avail: 0,
        }
    }

    /// Byte offset of the next unread bit (rounded down).
    pub fn byte_pos(&self) -> usize {
        (self.next * 8 - self.avail as usize) / 8
    }

    /// Loads bytes until at least 56 bits are counted (or the data ends);
    /// never more than 63, so a shift by any count of buffered bits is < 64.
    #[inline(always)]
    fn refill(&mut self) {
        if let Some(word) = self
            .data
            .get(self.next..)
            .and_then(|rest| rest.first_chunk::<8>())
        {
            if self.avail < 56 {
                self.buf |= u64::from_be_bytes(*word) >> self.avail;
                let bytes = (63 - self.avail) / 8;
                self.next += bytes as usize;
                self.avail += bytes * 8;
            }
            return;
        }
        while self.avail <= 55 {
            let Some(&b) = self.data.get(self.next) else {
                break;
            };
            self.buf |= u64::from(b) << (56 - self.avail);
            self.next += 1;
            self.avail += 8;
        }
    }

    /// Reads `n` ≤ 32 bits as an unsigned number.
    #[inline(always)]
    pub fn read(&mut self, n: u32) -> Res<u32> {
        if n == 0 {
            return Ok(0);
        }
        if self.avail < n {
            self.refill();
            if self.avail < n {
                return Err(Fault::Eof);
            }
        }
        let value = (self.buf >> (64 - n)) as u32;
        self.buf <<= n;
        self.avail -= n;
        Ok(value)
    }

    /// Reads `n` ≤ 32 bits as a two's-complement number.
    #[inline(always)]
    pub fn read_signed(&mut self, n: u32) -> Res<i32> {
        let value = self.read(n)?;
        Ok(match n {
            0 => 0,
            n => ((value << (32 - n)) as i32) >> (32 - n),
        })
    }

    /// Reads `n` ≤ 33 bits as a two's-complement number (the side channel of
    /// a 32-bit stream has 33).
    pub fn read_signed_wide(&mut self, n: u32) -> Res<i64> {
        if n <= 32 {
            return self.read_signed(n).map(i64::from);
        }
        let high = u64::from(self.read(n - 32)?);
        let low = u64::from(self.read(32)?);
        let shift = 64 - n;
        Ok((((high << 32) | low) << shift) as i64 >> shift)
    }

    /// Counts zero bits up to the next one bit (which is consumed too).
    pub fn read_unary(&mut self) -> Res<u32> {
        let mut count = 0u32;
        loop {
            if self.avail == 0 {
                self.refill();
                if self.avail == 0 {
                    return Err(Fault::Eof);
                }
            }
            let zeros = self.buf.leading_zeros();
            if zeros < self.avail {
                self.buf = self.buf << zeros << 1;
                self.avail -= zeros + 1;
                return Ok(count.saturating_add(zeros));
            }
            count = count.saturating_add(self.avail);
            self.buf = 0;
            self.avail = 0;
        }
    }

    /// Decodes `out.len()` Rice codes with parameter `k` ≤ 30 (zigzag-folded
    /// residuals). The common case — quotient, stop bit and `k` low bits all
    /// in the buffer — is one `leading_zeros` and two shifts on register
    /// copies of the reader's state (written back only around the rare slow
    /// path and at the end).
    #[inline(always)]
    pub fn rice(&mut self, k: u32, out: &mut [i32]) -> Res<()> {
        let k1 = k + 1;
        let low_shift = 63 - k;
        let stop_bit = 1u32 << k;
        let data = self.data;
        let (mut buf, mut avail, mut next) = (self.buf, self.avail, self.next);
        for slot in out {
            if avail < 32 {
                match data.get(next..).and_then(|rest| rest.first_chunk::<8>()) {
                    Some(word) => {
                        buf |= u64::from_be_bytes(*word) >> avail;
                        let bytes = (63 - avail) / 8;
                        next += bytes as usize;
                        avail += bytes * 8;
                    }
                    None => {
                        (self.buf, self.avail, self.next) = (buf, avail, next);
                        self.refill();
                        (buf, avail, next) = (self.buf, self.avail, self.next);
                    }
                }
            }
            let zeros = buf.leading_zeros();
            // `avail` ≤ 63 (see `refill`), so the shift below is < 64.
            let folded = if zeros + k1 <= avail {
                // `buf << zeros` starts with the stop bit; shifted right by
                // `low_shift` it is the stop bit and the k low bits.
                let value = ((buf << zeros) >> low_shift) as u32;
                // `buf << k1` does not wait for `zeros`: the chain from one
                // code to the next is `leading_zeros` and one shift.
                buf = (buf << k1) << zeros;
                avail -= zeros + k1;
                (zeros << k).wrapping_add(value).wrapping_sub(stop_bit)
            } else {
                (self.buf, self.avail, self.next) = (buf, avail, next);
                let quotient = self.read_unary()?;
                let low = self.read(k)?;
                (buf, avail, next) = (self.buf, self.avail, self.next);
                (quotient << k) | low
            };
            *slot = ((folded >> 1) as i32) ^ -((folded & 1) as i32);
        }
        (self.buf, self.avail, self.next) = (buf, avail, next);
        Ok(())
    }

    /// Skips to the next byte boundary.
    pub fn align(&mut self) {
        let partial = self.avail % 8;
        self.buf <<= partial;
        self.avail -= partial;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_unary_and_rice_across_refills() {
        // 3 bits "101", then 12 zeros and a one (unary 12), then 0xA5 bytes.
        let mut data = vec![0b1010_0000, 0b0000_0001];
        data.extend(std::iter::repeat_n(0xA5u8, 20));
        let mut b = Bits::new(&data, 0);
        assert_eq!(b.read(3), Ok(0b101));
        assert_eq!(b.read_unary(), Ok(12));
        assert_eq!(b.byte_pos(), 2);
        assert_eq!(b.read_signed(4), Ok(-6)); // 0b1010
        b.align();
        assert_eq!(b.byte_pos(), 3);
        // Rice k=1 on 1010_0101 1010_0101: "1|0" "1|0" "01|0" "1|1" "01|0"
        // -> folded 0, 0, 2, 1, 2 -> 0, 0, 1, -1, 1.
        let mut out = [0i32; 5];
        b.rice(1, &mut out).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(out, [0, 0, 1, -1, 1]);
        let mut all = Bits::new(&data[..2], 0);
        assert_eq!(all.read(16), Ok(0b1010_0000_0000_0001));
        assert_eq!(all.read(1), Err(Fault::Eof));
        assert_eq!(
            Bits::new(&[0x80, 0, 0, 0, 0], 0).read_signed_wide(33),
            Ok(-(1 << 32))
        );
    }
}
