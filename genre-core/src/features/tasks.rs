//! Small tasks pulled from one queue by the calling thread and rayon's
//! other threads, so a late or preempted worker costs at most the task it
//! holds.
//!
//! A static split (two pieces per thread) leaves a worker that wakes late,
//! or is preempted while holding its piece, owning a quarter of the call:
//! the caller then waits up to a scheduler time slice (~3–4 ms) for it —
//! the common case right after `import numpy`, whose OpenBLAS worker spins
//! on the other core. Here the caller starts on the tasks at once and
//! takes every task no other thread has claimed: it waits only for the
//! tasks a worker has actually started, each a few tens of microseconds.
//! Each task writes its own part of the output, so the result is the same
//! whichever thread runs which task.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::Result;

/// Runs `work(state, item)` for every item, on the calling thread and on
/// up to `rayon::current_num_threads() - 1` pool threads, each taking the
/// next unclaimed item until none is left, and combines the results with
/// `combine` (in no particular order: it must be commutative and
/// associative). A thread makes its state with `init` before its first
/// item, so a worker that comes too late makes none. After an error the
/// remaining items are skipped and the (first) error is returned.
pub(crate) fn pull_each<T, S, A>(
    items: Vec<T>,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, T) -> Result<A> + Sync,
    combine: impl Fn(A, A) -> A + Sync,
) -> Result<Option<A>>
where
    T: Send,
    A: Send,
{
    let helpers = rayon::current_num_threads()
        .min(items.len())
        .saturating_sub(1);
    let queue = Mutex::new(items.into_iter());
    let failed = AtomicBool::new(false);
    let next = || {
        if failed.load(Ordering::Relaxed) {
            return None;
        }
        queue.lock().unwrap_or_else(PoisonError::into_inner).next()
    };
    let run = || -> Result<Option<A>> {
        let Some(first) = next() else {
            return Ok(None);
        };
        let mut state = init();
        let result = (|| {
            let mut acc = work(&mut state, first)?;
            while let Some(item) = next() {
                acc = combine(acc, work(&mut state, item)?);
            }
            Ok(Some(acc))
        })();
        if result.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        result
    };
    if helpers == 0 {
        return run();
    }
    let mut results: Vec<Option<Result<Option<A>>>> = (0..helpers).map(|_| None).collect();
    let mine = rayon::scope(|scope| {
        for slot in results.iter_mut() {
            let run = &run;
            scope.spawn(move |_| *slot = Some(run()));
        }
        run()
    });
    let mut total = mine?;
    for result in results.into_iter().flatten() {
        if let Some(a) = result? {
            total = Some(match total {
                Some(t) => combine(t, a),
                None => a,
            });
        }
    }
    Ok(total)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Error;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn every_item_runs_once_on_any_pool() {
        for threads in [1, 2, 3, 8] {
            let sum = pool(threads).install(|| {
                pull_each(
                    (1..=1000u64).collect(),
                    || 0u32,
                    |calls, x| {
                        *calls += 1;
                        Ok(x)
                    },
                    |a, b| a + b,
                )
            });
            assert_eq!(sum.unwrap(), Some(500_500), "{threads} threads");
        }
        let none = pool(2).install(|| pull_each(Vec::<u8>::new(), || (), |_, x| Ok(x), |a, _| a));
        assert_eq!(none.unwrap(), None);
    }

    #[test]
    fn an_error_stops_the_rest() {
        let bad = |_: &mut (), x: u32| {
            if x == 3 {
                Err(Error::InvalidConfig {
                    parameter: "x",
                    reason: "three".into(),
                })
            } else {
                Ok(x)
            }
        };
        for threads in [1, 2, 4] {
            let r =
                pool(threads).install(|| pull_each((0..100).collect(), || (), bad, |a, b| a + b));
            assert!(r.is_err(), "{threads} threads");
        }
    }

    #[test]
    fn the_caller_finishes_while_the_only_worker_is_blocked() {
        // The pool's other thread is stuck until the call is done: every
        // item must run on the calling thread, which must not wait for it.
        let pool = pool(2);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started, blocked) = std::sync::mpsc::channel::<()>();
        pool.spawn(move || {
            let _ = started.send(());
            let _ = wait.recv();
        });
        blocked.recv().unwrap();
        let sum =
            pool.install(|| pull_each((0..100u32).collect(), || (), |_, x| Ok(x), |a, b| a + b));
        assert_eq!(sum.unwrap(), Some(4_950));
        release.send(()).unwrap();
    }
}
