//! Who decodes which frames of a split decode's second part.
//!
//! The second thread claims the frames after the cut one at a time (the
//! first claim before it primes its decoder), up to a limit the first
//! thread may lower: to zero before the second thread started (the first
//! thread then decodes on in order, no waiting for a late thread), or to
//! the middle of what is left (the first thread decodes the rest itself
//! when the second thread falls behind). One atomic word holds both: the
//! next index in the low half, the limit in the high half.

use std::sync::atomic::{AtomicU64, Ordering};

/// The index half of the word.
const INDEX: u64 = 0xffff_ffff;

/// The claims on the frames of one second part.
pub(super) struct Claims(AtomicU64);

impl Claims {
    /// No frame claimed, no limit.
    pub fn new() -> Self {
        Claims(AtomicU64::new(INDEX << 32))
    }

    /// The second thread claims its next frame (the first claim: the cut
    /// frame, before priming); `false`: stop, the rest is not its own.
    pub fn claim(&self) -> bool {
        let v = self.0.fetch_add(1, Ordering::AcqRel);
        (v & INDEX) < (v >> 32)
    }

    /// The first thread takes every frame, when the second thread has not
    /// claimed one yet.
    pub fn take_all(&self) -> bool {
        self.0
            .compare_exchange(INDEX << 32, 0, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Whether the second thread has claimed a frame.
    #[cfg(test)]
    pub fn started(&self) -> bool {
        self.0.load(Ordering::Acquire) & INDEX > 0
    }

    /// Stops the second thread at its next claim (its part is not used).
    pub fn stop(&self) {
        self.0.fetch_and(INDEX, Ordering::AcqRel);
    }

    /// The first thread takes the second half of the frames the second
    /// thread has not claimed (of `total` after the cut), when it has
    /// started and at least `min` are left: the indices of the first frame
    /// taken (the second thread decodes the frames before it) and of the
    /// frame after the last (the limit before: a half taken earlier starts
    /// there).
    pub fn take_half(&self, total: usize, min: usize) -> Option<(usize, usize)> {
        let mut v = self.0.load(Ordering::Acquire);
        loop {
            let (next, limit) = ((v & INDEX) as usize, (v >> 32) as usize);
            let end = limit.min(total);
            if next == 0 || end < next.saturating_add(min.max(2)) {
                return None;
            }
            let from = next + (end - next) / 2;
            let word = (from as u64) << 32 | (v & INDEX);
            match self
                .0
                .compare_exchange_weak(v, word, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some((from, end)),
                Err(now) => v = now,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_thread_claims_until_stopped() {
        let c = Claims::new();
        assert!((0..100).all(|_| c.claim()));
        c.stop();
        assert!(!c.claim());
        assert!(!c.claim());
    }

    #[test]
    fn all_is_taken_only_before_the_first_claim() {
        let c = Claims::new();
        assert!(c.take_all());
        assert!(!c.claim());
        let c = Claims::new();
        assert!(c.claim());
        assert!(!c.take_all());
        assert!(c.claim());
    }

    #[test]
    fn half_of_what_is_left_is_taken() {
        let c = Claims::new();
        assert_eq!(c.take_half(100, 8), None, "not started");
        for _ in 0..10 {
            assert!(c.claim());
        }
        // Frames 10..100 are left: the second thread keeps 10..55.
        assert_eq!(c.take_half(100, 8), Some((55, 100)));
        // Again: it keeps 10..32.
        assert_eq!(c.take_half(100, 8), Some((32, 55)));
        for _ in 10..32 {
            assert!(c.claim());
        }
        assert!(!c.claim());
        // Nothing left for another half.
        assert_eq!(c.take_half(100, 8), None);
        let c = Claims::new();
        for _ in 0..95 {
            assert!(c.claim());
        }
        assert_eq!(c.take_half(100, 8), None, "too few left");
    }
}
