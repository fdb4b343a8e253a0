//! A two-thread rayon pool whose second thread is stuck (a worker that
//! never comes, like one preempted for a whole call): work run on it must
//! finish on the calling worker alone, never waiting for the stuck one.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// How long the stuck thread waits before it gives up (and the call that
/// waited for it fails its check instead of hanging).
const STUCK_FOR: Duration = Duration::from_secs(20);

pub struct BlockedPool {
    pool: rayon::ThreadPool,
    release: Option<Sender<()>>,
    timed_out: Arc<AtomicBool>,
}

impl BlockedPool {
    /// Two threads, one of them blocked until this is dropped.
    pub fn new() -> Self {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (release, wait): (Sender<()>, Receiver<()>) = channel();
        let (started, blocked) = channel();
        let timed_out = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&timed_out);
        pool.spawn(move || {
            started.send(()).unwrap();
            if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(STUCK_FOR) {
                flag.store(true, Ordering::SeqCst);
            }
        });
        blocked.recv().unwrap();
        Self {
            pool,
            release: Some(release),
            timed_out,
        }
    }

    /// Runs `f` on the pool's free thread and checks it did not wait for
    /// the stuck one.
    pub fn run<T: Send>(&self, what: &str, f: impl FnOnce() -> T + Send) -> T {
        assert_eq!(self.pool.current_num_threads(), 2);
        let out = self.pool.install(f);
        assert!(
            !self.timed_out.load(Ordering::SeqCst),
            "{what}: waited for the stuck worker"
        );
        out
    }
}

impl Drop for BlockedPool {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.send(());
        }
    }
}
