//! Replications in parallel. Each replication draws only from streams
//! derived from (seed, replication index), and the reduction is exact
//! integer arithmetic, so results do not depend on the number of threads
//! or on which thread ran what.

use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::engine::simulate;
use crate::model::Model;
use crate::precision::{BATCH, Headline, Reached};
use crate::results::RepResult;
use crate::shard::Shard;
use crate::stats::Aggregate;

/// Why a run of replications ended without its figures.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("stopped by {}: nothing was written", stop_signal_name())]
    Interrupted,
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error(
        "internal error: {replications} replications lost or double-counted items; please report this with the scenario file"
    )]
    Unbalanced { replications: u64 },
}

impl RunError {
    /// 128 and the signal when stopped, as shells report it; 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Interrupted => 128 + stop_signal() as u8,
            RunError::Threads { .. } | RunError::Unbalanced { .. } => 1,
        }
    }
}

/// The signal that stopped the run (0 for none yet): the handler that
/// catches Ctrl-C and SIGTERM records which it was.
pub fn stop_signal_slot() -> &'static Arc<AtomicUsize> {
    static SLOT: OnceLock<Arc<AtomicUsize>> = OnceLock::new();
    SLOT.get_or_init(|| Arc::new(AtomicUsize::new(0)))
}

fn stop_signal() -> i32 {
    match stop_signal_slot().load(Ordering::SeqCst) {
        0 => signal_hook::consts::SIGINT,
        s => s as i32,
    }
}

/// How a message names the signal that stopped the run.
pub fn stop_signal_name() -> &'static str {
    if stop_signal() == signal_hook::consts::SIGTERM { "SIGTERM (a request to end the program)" } else { "Ctrl-C" }
}

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

/// How a run reports and how it is stopped.
#[derive(Clone, Copy)]
pub struct Control<'a> {
    /// Called once per finished replication, from any thread.
    pub progress: &'a (dyn Fn() + Sync),
    /// Set (Ctrl-C) to stop: replications under way finish, no new one
    /// starts, and the run is `RunError::Interrupted`.
    pub stop: &'a AtomicBool,
}

impl Control<'_> {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// What a fold adds items up into. Each thread fills one of its own and
/// they are merged, in an order that depends on timing: for results that
/// do not depend on the thread count, `merge` must be exact and order-free
/// (integer counts, `Aggregate::merge`).
pub trait Sink: Send {
    type Item;
    fn add(&mut self, item: Self::Item);
    fn merge(self, other: Self) -> Self;
}

impl Sink for Aggregate {
    type Item = RepResult;

    fn add(&mut self, r: RepResult) {
        Aggregate::add(self, &r);
    }

    fn merge(self, other: Aggregate) -> Aggregate {
        Aggregate::merge(self, other)
    }
}

/// Run every replication and fold them into one aggregate. `progress` is
/// called once per finished replication, from any thread.
pub fn run(model: &Model, cfg: &RunConfig, progress: &(dyn Fn() + Sync)) -> Result<Aggregate, RunError> {
    run_until(model, cfg, Control { progress, stop: &AtomicBool::new(false) })
}

/// As `run`, stopping early when `ctl.stop` is set.
pub fn run_until(model: &Model, cfg: &RunConfig, ctl: Control) -> Result<Aggregate, RunError> {
    fold(model, cfg, || Aggregate::for_model(model), ctl)
}

/// Run every replication and add each result to a sink made by `new`.
pub fn fold<S: Sink<Item = RepResult>>(
    model: &Model,
    cfg: &RunConfig,
    new: impl Fn() -> S + Sync + Send,
    ctl: Control,
) -> Result<S, RunError> {
    let out = in_pool(cfg.threads, || fold_range(model, cfg.seed, 0..cfg.replications, &new, ctl))?;
    if ctl.stopped() {
        return Err(RunError::Interrupted);
    }
    Ok(out)
}

/// Fold the replications in `range` on the current pool.
fn fold_range<S: Sink<Item = RepResult>>(
    model: &Model,
    seed: u64,
    range: Range<u64>,
    new: &(impl Fn() -> S + Sync + Send),
    ctl: Control,
) -> S {
    par_fold(range, &|rep| simulate(model, seed, rep), new, ctl)
}

/// Items a thread's sink takes before it is merged into the total.
pub const FLUSH: u64 = 16;

/// Compute `item(i)` for every `i` in `range` in parallel and fold the
/// items into one total.
///
/// Each item is added to a small sink, taken from a shared stack only to
/// add to it (the item is computed without one) and put back at once;
/// after `FLUSH` items it is merged into the total, under a lock, and a
/// fresh one is started. So at any moment there are the total and at most
/// one small sink per thread, holding fewer than `FLUSH` items each,
/// however many items there are and however rayon splits the range.
/// (rayon's own `fold` starts an accumulator for every piece of the range
/// it splits off, each growing with its piece, and keeps several alive
/// until they are reduced.) Which items end up in which sink depends on
/// timing, hence an exact, order-free `merge`.
pub fn par_fold<S: Sink>(
    range: Range<u64>,
    item: &(impl Fn(u64) -> S::Item + Sync + Send),
    new: &(impl Fn() -> S + Sync + Send),
    ctl: Control,
) -> S {
    let total = Total::new();
    let spare: Mutex<Vec<(S, u64)>> = Mutex::new(Vec::new());
    range.into_par_iter().for_each(|i| {
        if ctl.stop.load(Ordering::Relaxed) {
            return;
        }
        let t = item(i);
        let taken = spare.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let (mut sink, added) = taken.unwrap_or_else(|| (new(), 0));
        sink.add(t);
        if added + 1 >= FLUSH {
            total.add(sink);
        } else {
            spare.lock().unwrap_or_else(PoisonError::into_inner).push((sink, added + 1));
        }
        (ctl.progress)();
    });
    for (sink, _) in spare.into_inner().unwrap_or_else(PoisonError::into_inner) {
        total.add(sink);
    }
    total.into_inner().unwrap_or_else(new)
}

/// The total of a fold that threads add their sinks to, one at a time,
/// each as it fills: memory holds the total and what the threads are
/// filling, however many items there are.
pub struct Total<S> {
    sum: Mutex<Option<S>>,
}

impl<S: Sink> Total<S> {
    pub fn new() -> Total<S> {
        Total { sum: Mutex::new(None) }
    }

    /// Merge `sink` into the total.
    pub fn add(&self, sink: S) {
        let mut sum = self.sum.lock().unwrap_or_else(PoisonError::into_inner);
        *sum = Some(match sum.take() {
            Some(t) => t.merge(sink),
            None => sink,
        });
    }

    /// The total, or `None` if nothing was added.
    pub fn into_inner(self) -> Option<S> {
        self.sum.into_inner().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<S: Sink> Default for Total<S> {
    fn default() -> Self {
        Total::new()
    }
}

/// Until when a precision run adds replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Until {
    /// The largest relative half-width allowed (0.02 for 2%).
    pub tolerance: f64,
    pub max_replications: u64,
}

/// Add replications in batches of `BATCH` until every headline measure is
/// within the tolerance or the cap is reached. Batch `k` is replications
/// `k * BATCH ..`, each drawn from its own (seed, replication) streams, and
/// batches merge exactly, so the stopping point and every figure are those
/// of a plain run of the same count, whatever the threads. `batch_done` is
/// told the precision after each batch.
pub fn run_precise(
    model: &Model,
    seed: u64,
    threads: Option<usize>,
    until: Until,
    headline: &[Headline],
    batch_done: &(dyn Fn(&Reached) + Sync),
    ctl: Control,
) -> Result<(Aggregate, Reached), RunError> {
    let job = || {
        let mut agg = Aggregate::for_model(model);
        loop {
            let done = agg.replications;
            let next = (done + BATCH).min(until.max_replications);
            let batch = fold_range(model, seed, done..next, &|| Aggregate::for_model(model), ctl);
            agg = agg.merge(batch);
            let reached = Reached::of(headline, &agg);
            batch_done(&reached);
            if ctl.stopped() || reached.within(until.tolerance) || next >= until.max_replications {
                return (agg, reached);
            }
        }
    };
    let out = in_pool(threads, job)?;
    if ctl.stopped() {
        return Err(RunError::Interrupted);
    }
    Ok(out)
}

/// Run `cfg.replications` in batches ending at each of `ends` (then every
/// `BATCH`), telling `batch_done` the aggregate so far after each: results
/// that refine as batches finish. Batches merge exactly, so the last
/// aggregate is the plain run's, whatever the batches and the threads.
pub fn run_in_batches(
    model: &Model,
    cfg: &RunConfig,
    ends: &[u64],
    batch_done: &mut (dyn FnMut(&Aggregate) + Send),
    ctl: Control,
) -> Result<Aggregate, RunError> {
    let job = || {
        let mut agg = Aggregate::for_model(model);
        while agg.replications < cfg.replications && !ctl.stopped() {
            let done = agg.replications;
            let end = ends.iter().copied().find(|&e| e > done).unwrap_or(done + BATCH).min(cfg.replications);
            let batch = fold_range(model, cfg.seed, done..end, &|| Aggregate::for_model(model), ctl);
            agg = agg.merge(batch);
            if !ctl.stopped() {
                batch_done(&agg);
            }
        }
        agg
    };
    let out = in_pool(cfg.threads, job)?;
    if ctl.stopped() {
        return Err(RunError::Interrupted);
    }
    Ok(out)
}

/// Run one shard's replications in batches, handing each batch's results
/// to `write` in replication order. The first batch is a replication a
/// thread; `write` answers each batch with how many replications the next
/// may hold (at most `BATCH`, at least one a thread), so a shard holds no
/// more in memory than its writer allows, however large the model.
/// Returns the events simulated.
pub fn run_shard<E: From<RunError> + Send>(
    model: &Model,
    cfg: &RunConfig,
    shard: Shard,
    write: &mut (dyn FnMut(Vec<RepResult>) -> Result<u64, E> + Send),
    ctl: Control,
) -> Result<u64, E> {
    let range = shard.range(cfg.replications);
    let job = || {
        let threads = rayon::current_num_threads() as u64;
        let mut events = 0;
        let mut from = range.start;
        let mut size = threads;
        while from < range.end {
            let to = (from + size.clamp(1, BATCH)).min(range.end);
            let batch: Vec<RepResult> = (from..to)
                .into_par_iter()
                .map(|rep| {
                    let r = simulate(model, cfg.seed, rep);
                    (ctl.progress)();
                    r
                })
                .collect();
            if ctl.stopped() {
                return Err(RunError::Interrupted.into());
            }
            let unbalanced = batch.iter().filter(|r| !r.balance.iter().all(|b| b.holds())).count() as u64;
            if unbalanced > 0 {
                return Err(RunError::Unbalanced { replications: unbalanced }.into());
            }
            events += batch.iter().map(|r| r.events).sum::<u64>();
            size = write(batch)?.max(threads);
            from = to;
        }
        Ok(events)
    };
    in_pool(cfg.threads, job)?
}

/// Run `job` on a pool of `threads` threads, or on rayon's global pool.
pub fn in_pool<T: Send>(threads: Option<usize>, job: impl FnOnce() -> T + Send) -> Result<T, RunError> {
    match threads {
        None => Ok(job()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| RunError::Threads { threads: n, message: e.to_string() })?;
            Ok(pool.install(job))
        }
    }
}
