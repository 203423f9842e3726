//! Scenarios side by side with common random numbers: replication `r` of
//! every scenario uses the same streams (arrivals, each item's fate), so
//! the paired difference of a measure isolates the effect of what the
//! scenarios change.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::engine::simulate;
use crate::error::Error;
use crate::model::Model;
use crate::results::{FlowKpi, RepResult, RoleKpi, TotalMetric};
use crate::runner::{RunConfig, in_pool};
use crate::stats::{Aggregate, Band};

/// What a measure reads from one replication's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Getter {
    Total(TotalMetric),
    Flow(usize, FlowKpi),
    Role(usize, RoleKpi),
}

impl Getter {
    fn read(self, r: &RepResult) -> f64 {
        match self {
            Getter::Total(t) => r.total_kpi(t),
            Getter::Flow(f, k) => r.flow_kpi(f, k),
            Getter::Role(x, k) => r.role_kpi(x, k),
        }
    }

    fn band(self, a: &Aggregate) -> &Band {
        match self {
            Getter::Total(t) => a.total_kpi(t),
            Getter::Flow(f, k) => a.flow_kpi(f, k),
            Getter::Role(x, k) => a.role_kpi(x, k),
        }
    }
}

/// A measure found in both the baseline and another scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub scope: &'static str,
    pub name: String,
    pub metric: &'static str,
    base: Getter,
    other: Getter,
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

/// The measures compared between the baseline `a` and scenario `b`:
/// every scenario total, and every flow and role KPI of flows and roles
/// with the same name in both.
pub fn measures(a: &Model, b: &Model) -> Vec<Measure> {
    let mut out: Vec<Measure> = TotalMetric::ALL
        .iter()
        .filter(|&&t| t != TotalMetric::CostCumulative)
        .map(|&t| Measure {
            scope: "scenario",
            name: "total".into(),
            metric: t.name(),
            base: Getter::Total(t),
            other: Getter::Total(t),
        })
        .collect();
    for (fa, flow) in a.flows.iter().enumerate() {
        if let Some(fb) = b.flow_id(&flow.name) {
            for k in FlowKpi::ALL {
                out.push(Measure {
                    scope: "flow",
                    name: flow.name.clone(),
                    metric: k.name(),
                    base: Getter::Flow(fa, k),
                    other: Getter::Flow(fb as usize, k),
                });
            }
        }
    }
    for (ra, role) in a.roles.iter().enumerate() {
        if let Some(rb) = b.role_id(&role.name) {
            for k in RoleKpi::ALL {
                out.push(Measure {
                    scope: "role",
                    name: role.name.clone(),
                    metric: k.name(),
                    base: Getter::Role(ra, k),
                    other: Getter::Role(rb as usize, k),
                });
            }
        }
    }
    out
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
            aggregates: models.iter().map(|m| Aggregate::new(m.flows.len(), m.roles.len(), m.periods.len())).collect(),
            differences: measures.iter().map(|ms| ms.iter().map(|m| (m.clone(), Band::new())).collect()).collect(),
        }
    }

    fn add(&mut self, results: &[RepResult]) {
        for (agg, r) in self.aggregates.iter_mut().zip(results) {
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

/// Run every model for the same replications and seed.
pub fn run_paired(models: &[&Model], cfg: &RunConfig, progress: &(dyn Fn() + Sync)) -> Result<Paired, Error> {
    run_paired_until(models, cfg, progress, &AtomicBool::new(false))
}

/// As `run_paired`, stopping early when `stop` is set (Ctrl-C).
pub fn run_paired_until(
    models: &[&Model],
    cfg: &RunConfig,
    progress: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Result<Paired, Error> {
    if models.len() < 2 {
        return Err(Error::TooFewScenarios);
    }
    let measures: Vec<Vec<Measure>> = models[1..].iter().map(|b| measures(models[0], b)).collect();
    let empty = || Paired::empty(models, &measures);
    let job = || {
        (0..cfg.replications)
            .into_par_iter()
            .fold(empty, |mut acc, rep| {
                if !stop.load(Ordering::Relaxed) {
                    let results: Vec<RepResult> = models.iter().map(|m| simulate(m, cfg.seed, rep)).collect();
                    acc.add(&results);
                    progress();
                }
                acc
            })
            .reduce(empty, Paired::merge)
    };
    let paired = in_pool(cfg.threads, job)?;
    if stop.load(Ordering::SeqCst) {
        return Err(Error::Interrupted);
    }
    Ok(paired)
}
