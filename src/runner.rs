//! Replications in parallel. Each replication draws only from streams
//! derived from (seed, replication index), and the reduction is exact
//! integer arithmetic, so results do not depend on the number of threads
//! or on which thread ran what.

use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::simulate;
use crate::error::Error;
use crate::model::Model;
use crate::results::RepResult;
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
    fold(model, cfg, || Aggregate::for_model(model), |acc, r| acc.add(&r), Aggregate::merge, progress, stop)
}

/// Run every replication and fold each result into an accumulator. For
/// results that do not depend on the thread count, `merge` must be exact
/// and order-free (integer counts, `Aggregate::merge`).
pub fn fold<A: Send>(
    model: &Model,
    cfg: &RunConfig,
    empty: impl Fn() -> A + Sync + Send,
    add: impl Fn(&mut A, RepResult) + Sync + Send,
    merge: impl Fn(A, A) -> A + Sync + Send,
    progress: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Result<A, Error> {
    let job = || {
        (0..cfg.replications)
            .into_par_iter()
            .fold(&empty, |mut acc, rep| {
                if !stop.load(Ordering::Relaxed) {
                    add(&mut acc, simulate(model, cfg.seed, rep));
                    progress();
                }
                acc
            })
            .reduce(&empty, &merge)
    };
    let out = in_pool(cfg.threads, job)?;
    if stop.load(Ordering::SeqCst) {
        return Err(Error::Interrupted);
    }
    Ok(out)
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
