//! The paired comparison: scenarios side by side on common random
//! numbers. Replication `r` of every scenario uses the same streams
//! (arrivals, each item's fate), so the paired difference of a measure
//! isolates the effect of what the scenarios change. `caseflow compare`
//! (app/compare.rs) and the page run it; summary/compare.rs reports it.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::simulate;
use crate::measure::{self, Named, Reading};
use crate::model::Model;
use crate::results::RepResult;
use crate::runner::{Control, RunConfig, RunError, Sink, in_pool, par_fold};
use crate::stats::{Aggregate, Band};

/// Why a comparison has no figures.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("compare needs at least two scenarios")]
    TooFewScenarios,
    #[error(transparent)]
    Run(#[from] RunError),
}

impl CompareError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CompareError::TooFewScenarios => 2,
            CompareError::Run(e) => e.exit_code(),
        }
    }
}

/// A measure found in both the baseline and another scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub scope: &'static str,
    pub name: String,
    pub metric: &'static str,
    base: Reading,
    other: Reading,
}

impl Measure {
    /// The measure's band in the baseline's aggregate.
    pub fn base_band<'a>(&self, baseline: &'a Aggregate) -> &'a Band {
        self.base.band(baseline)
    }

    /// The measure's band in the other scenario's aggregate.
    pub fn other_band<'a>(&self, other: &'a Aggregate) -> &'a Band {
        self.other.band(other)
    }
}

/// The measures compared between the baseline `a` and scenario `b`, over
/// the horizon or at the end of period `at`: every scenario total, and
/// every measure of requests, flows and roles with the same name in both.
pub fn measures(a: &Model, b: &Model, at: Option<usize>) -> Vec<Measure> {
    let theirs = measure::all(b, at);
    measure::all(a, at)
        .into_iter()
        .filter_map(|Named { scope, name, metric, reading }| {
            let other = theirs.iter().find(|o| o.scope == scope && o.name == name && o.metric == metric)?;
            Some(Measure { scope, name, metric, base: reading, other: other.reading })
        })
        .collect()
}

/// Everything a comparison run produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paired {
    /// One aggregate per scenario, as a plain run would give.
    pub aggregates: Vec<Aggregate>,
    /// For each scenario after the first, the measures compared with the
    /// first, and the band of the paired differences (scenario - first).
    pub differences: Vec<Vec<(Measure, Band)>>,
}

impl Paired {
    fn empty(models: &[&Model], measures: &[Vec<Measure>]) -> Paired {
        Paired {
            aggregates: models.iter().map(|m| Aggregate::for_model(m)).collect(),
            differences: measures.iter().map(|ms| ms.iter().map(|m| (m.clone(), Band::new())).collect()).collect(),
        }
    }
}

impl Sink for Paired {
    /// One replication of every scenario, the first first.
    type Item = Vec<RepResult>;

    fn add(&mut self, results: Vec<RepResult>) {
        for (agg, r) in self.aggregates.iter_mut().zip(&results) {
            agg.add(r);
        }
        for (i, diffs) in self.differences.iter_mut().enumerate() {
            let (base, other) = (&results[0], &results[i + 1]);
            for (m, band) in diffs.iter_mut() {
                band.add(m.other.read(other) - m.base.read(base));
            }
        }
    }

    fn merge(mut self, other: Paired) -> Paired {
        self.aggregates = self.aggregates.into_iter().zip(other.aggregates).map(|(a, b)| a.merge(b)).collect();
        for (mine, theirs) in self.differences.iter_mut().zip(other.differences) {
            for ((_, a), (_, b)) in mine.iter_mut().zip(theirs) {
                a.merge(&b);
            }
        }
        self
    }
}

/// Run every model for the same replications and seed, comparing them
/// over the horizon or at the end of period `at`.
pub fn run_paired(
    models: &[&Model],
    cfg: &RunConfig,
    at: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Paired, CompareError> {
    run_paired_until(models, cfg, at, progress, &AtomicBool::new(false))
}

/// As `run_paired`, stopping early when `stop` is set (Ctrl-C).
pub fn run_paired_until(
    models: &[&Model],
    cfg: &RunConfig,
    at: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Result<Paired, CompareError> {
    if models.len() < 2 {
        return Err(CompareError::TooFewScenarios);
    }
    let measures: Vec<Vec<Measure>> = models[1..].iter().map(|b| measures(models[0], b, at)).collect();
    let empty = || Paired::empty(models, &measures);
    let job = || {
        let item = |rep| models.iter().map(|m| simulate(m, cfg.seed, rep)).collect::<Vec<RepResult>>();
        par_fold(0..cfg.replications, &item, &empty, Control { progress, stop })
    };
    let paired = in_pool(cfg.threads, job)?;
    if stop.load(Ordering::SeqCst) {
        return Err(RunError::Interrupted.into());
    }
    Ok(paired)
}
