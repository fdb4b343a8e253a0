//! A small cache of feature plans keyed by their configuration, so repeated
//! calls with the same parameters reuse FFT plans and filterbanks.

use std::sync::{Arc, Mutex, PoisonError};

/// Most plans kept per kind; the oldest is dropped beyond this.
const CAPACITY: usize = 8;

/// Plans `P` built from configurations `C` (compared with `==`).
pub(crate) struct PlanCache<C, P> {
    plans: Mutex<Vec<(C, Arc<P>)>>,
}

impl<C: PartialEq + Clone, P> PlanCache<C, P> {
    /// An empty cache (usable in a `static`).
    pub(crate) const fn new() -> Self {
        PlanCache {
            plans: Mutex::new(Vec::new()),
        }
    }

    /// The plan for `config`, built with `build` on a miss.
    pub(crate) fn get<E>(
        &self,
        config: &C,
        build: impl FnOnce(&C) -> Result<P, E>,
    ) -> Result<Arc<P>, E> {
        {
            let plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((_, plan)) = plans.iter().find(|(c, _)| c == config) {
                return Ok(Arc::clone(plan));
            }
        }
        // Built outside the lock: other threads keep using cached plans.
        let plan = Arc::new(build(config)?);
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        if plans.len() >= CAPACITY {
            plans.remove(0);
        }
        plans.push((config.clone(), Arc::clone(&plan)));
        Ok(plan)
    }
}
