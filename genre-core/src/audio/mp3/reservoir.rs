//! The bit reservoir (ISO/IEC 11172-3 2.4.3.4.3): a frame's main data
//! starts `main_data_begin` bytes back, inside the unused end of earlier
//! frames' main data. It holds at most [`CAPACITY`] bytes (a frame's own
//! main data plus up to 511 bytes from before).
//!
//! When a frame reaches further back than the bytes left over (the first
//! frame after a cut, or after a broken frame), the granules whose bits
//! are missing decode as silence and the rest of the frame decodes from what
//! is there — what symphonia does, whose output genre reproduces (libmpg123
//! drops such a frame the same way).

/// Largest amount of main data held.
pub(crate) const CAPACITY: usize = 2048;

#[derive(Clone)]
pub(crate) struct Reservoir {
    buf: Box<[u8; CAPACITY]>,
    len: usize,
    consumed: usize,
}

/// The frame's main data does not fit the reservoir (malformed).
#[derive(Debug)]
pub(crate) struct Overflow;

impl Reservoir {
    pub fn new() -> Self {
        Reservoir {
            buf: Box::new([0; CAPACITY]),
            len: 0,
            consumed: 0,
        }
    }

    /// Appends a frame's main data after the `begin` bytes it reuses;
    /// returns how many of those bytes are missing (0 normally).
    pub fn fill(&mut self, main: &[u8], begin: usize) -> Result<usize, Overflow> {
        let end = begin + main.len();
        if end > CAPACITY {
            return Err(Overflow);
        }
        let unread = self.len - self.consumed;
        let (kept, missing) = if begin <= unread {
            (begin, 0)
        } else {
            (unread, begin - unread)
        };
        self.buf.copy_within(self.len - kept..self.len, 0);
        if let Some(dst) = self.buf.get_mut(kept..kept + main.len()) {
            dst.copy_from_slice(main);
        }
        self.len = kept + main.len();
        self.consumed = 0;
        Ok(missing)
    }

    /// The main data of the frame last filled, from its first byte.
    pub fn data(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Marks the first `bytes` as used by the frame.
    pub fn consume(&mut self, bytes: usize) {
        self.consumed = self.len.min(self.consumed + bytes);
    }

    /// Whether `other` holds the same bytes in the same state.
    pub fn same_state(&self, other: &Reservoir) -> bool {
        (self.len, self.consumed) == (other.len, other.consumed) && self.data() == other.data()
    }

    /// Forgets everything (after a frame that failed to decode).
    pub fn clear(&mut self) {
        self.len = 0;
        self.consumed = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_the_unread_tail_and_reports_missing_bytes() {
        let mut r = Reservoir::new();
        assert_eq!(r.fill(&[1, 2, 3, 4], 0).ok(), Some(0));
        r.consume(1);
        // Reuses the last two bytes of the previous frame.
        assert_eq!(r.fill(&[5, 6], 2).ok(), Some(0));
        assert_eq!(r.data(), &[3, 4, 5, 6]);
        r.consume(4);
        // Nothing unread is left: 3 bytes are missing.
        assert_eq!(r.fill(&[7], 3).ok(), Some(3));
        assert_eq!(r.data(), &[7]);
        assert!(r.fill(&[0; 2000], 100).is_err());
        r.clear();
        assert!(r.data().is_empty());
    }
}
