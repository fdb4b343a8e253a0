//! An MSB-first bit reader over a byte slice with a 64-bit cache, refilled
//! eight bytes at a time. Reads past the end of the slice return zero bits;
//! [`Bits::position`] keeps counting, so a caller checks once, after a
//! whole unit (side info, one channel's main data), whether it overran.
//! Callers refill before they consume: one refill guarantees 56 bits.

#[derive(Clone, Copy)]
pub(crate) struct Bits<'a> {
    data: &'a [u8],
    /// Next unread byte of `data` not yet in the cache (past the end once
    /// reads run off it: it keeps counting).
    next: usize,
    /// Unread bits, left-aligned; the bits after the valid ones are zero
    /// or already the next bits of `data`.
    cache: u64,
    /// Valid bits in `cache` (0..=63).
    count: u32,
}

impl<'a> Bits<'a> {
    /// A reader starting at bit `bit` of `data`.
    pub fn new(data: &'a [u8], bit: usize) -> Self {
        let mut bits = Bits {
            data,
            next: bit / 8,
            cache: 0,
            count: 0,
        };
        bits.refill();
        bits.skip((bit % 8) as u32);
        bits
    }

    /// Tops the cache up to at least 56 valid bits.
    #[inline(always)]
    pub fn refill(&mut self) {
        if let Some(word) = self
            .data
            .get(self.next..self.next.wrapping_add(8))
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        {
            self.load(word);
        } else {
            *self = self.refilled_tail();
        }
    }

    /// Adds the whole bytes of `word` (the 8 bytes from `next`) that fit
    /// (none when 57 or more bits are cached); a partial byte loaded here
    /// is loaded again (with the same bits) by the next refill.
    /// `count + 8 * bytes` is `count | 56`.
    #[inline(always)]
    fn load(&mut self, word: [u8; 8]) {
        self.cache |= u64::from_be_bytes(word) >> self.count;
        self.next = self.next.wrapping_add(((63 - self.count) >> 3) as usize);
        self.count |= 56;
    }

    /// [`Self::refill`] within the last 8 bytes: zeros past the end. By
    /// value, so that a caller's reader can live in registers.
    #[cold]
    #[inline(never)]
    fn refilled_tail(mut self) -> Self {
        let word = std::array::from_fn(|i| {
            self.data
                .get(self.next.saturating_add(i))
                .copied()
                .unwrap_or(0)
        });
        self.load(word);
        self
    }

    /// Bits in the cache (at least 56 after a refill).
    #[inline(always)]
    pub fn cached(&self) -> u32 {
        self.count
    }

    /// The next `n` bits (1..=32) without consuming them; needs a refill
    /// done since `n` bits were last consumed.
    #[inline(always)]
    pub fn peek(&self, n: u32) -> u32 {
        (self.cache >> (64 - n)) as u32
    }

    /// Consumes `n` bits already in the cache (`n` ≤ [`Self::cached`]; a
    /// larger `n` is a caller's bug: it garbles the reader, never panics).
    #[inline(always)]
    pub fn skip(&mut self, n: u32) {
        self.cache = self.cache.wrapping_shl(n);
        self.count = self.count.wrapping_sub(n) & 63;
    }

    /// Reads `n` bits (0..=32).
    #[inline(always)]
    pub fn read(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        self.refill();
        let v = self.peek(n);
        self.skip(n);
        v
    }

    /// Reads one bit as a bool.
    #[inline(always)]
    pub fn flag(&mut self) -> bool {
        self.read(1) == 1
    }

    /// Skips `n` bits, any number.
    pub fn skip_long(&mut self, mut n: u64) {
        while n > 0 {
            self.refill();
            let step = n.min(32) as u32;
            self.skip(step);
            n -= u64::from(step);
        }
    }

    /// Bits consumed from the start of the slice.
    #[inline(always)]
    pub fn position(&self) -> u64 {
        (self.next as u64 * 8).wrapping_sub(u64::from(self.count))
    }

    /// Bits in the slice.
    pub fn len_bits(&self) -> u64 {
        self.data.len() as u64 * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_msb_first_across_refills() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        // Reference: every bit in order.
        let all: Vec<u32> = data
            .iter()
            .flat_map(|b| (0..8).rev().map(move |i| u32::from(b >> i & 1)))
            .collect();
        for start in [0usize, 3, 13] {
            let mut bits = Bits::new(&data, start);
            let mut at = start;
            for n in [1u32, 7, 13, 32, 5, 19, 2, 30, 11, 17, 3, 24] {
                let expected = all[at..at + n as usize]
                    .iter()
                    .fold(0u32, |acc, &b| acc << 1 | b);
                assert_eq!(bits.read(n), expected, "start {start} at {at} n {n}");
                at += n as usize;
                assert_eq!(bits.position(), at as u64);
            }
        }
        // Past the end: zeros, and the position keeps counting.
        let mut bits = Bits::new(&data[..2], 12);
        assert_eq!(bits.read(4), u32::from(data[1] & 15));
        assert_eq!(bits.read(20), 0);
        assert_eq!(bits.position(), 36);
        assert!(bits.position() > bits.len_bits());
    }
}
