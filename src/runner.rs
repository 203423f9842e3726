//! Replications in parallel. Each replication draws only from streams
//! derived from (seed, replication index), and the reduction is exact
//! integer arithmetic, so results do not depend on the number of threads
//! or on which thread ran what.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::engine::simulate;
use crate::error::Error;
use crate::model::Model;
use crate::stats::Aggregate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunConfig {
    pub replications: u64,
    pub seed: u64,
    /// Worker threads; `None` uses one per core.
    pub threads: Option<usize>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig { replications: 100, seed: 1, threads: None }
    }
}

/// Run every replication and fold them into one aggregate. `progress` is
/// called once per finished replication, from any thread.
pub fn run(model: &Model, cfg: &RunConfig, progress: &(dyn Fn() + Sync)) -> Result<Aggregate, Error> {
    run_until(model, cfg, progress, &AtomicBool::new(false))
}

/// As `run`, stopping early when `stop` is set (Ctrl-C): replications
/// under way finish, no new one starts, and the run is `Error::Interrupted`.
pub fn run_until(
    model: &Model,
    cfg: &RunConfig,
    progress: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Result<Aggregate, Error> {
    let empty = || Aggregate::new(model.flows.len(), model.roles.len(), model.periods.len());
    let job = || {
        (0..cfg.replications)
            .into_par_iter()
            .fold(empty, |mut acc, rep| {
                if !stop.load(Ordering::Relaxed) {
                    acc.add(&simulate(model, cfg.seed, rep));
                    progress();
                }
                acc
            })
            .reduce(empty, Aggregate::merge)
    };
    let agg = in_pool(cfg.threads, job)?;
    if stop.load(Ordering::SeqCst) {
        return Err(Error::Interrupted);
    }
    Ok(agg)
}

/// Run `job` on a pool of `threads` threads, or on rayon's global pool.
pub fn in_pool<T: Send>(threads: Option<usize>, job: impl FnOnce() -> T + Send) -> Result<T, Error> {
    match threads {
        None => Ok(job()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::Threads { threads: n, message: e.to_string() })?;
            Ok(pool.install(job))
        }
    }
}
