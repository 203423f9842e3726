//! The staffing search of `caseflow staff`: the smallest staffing that
//! meets targets. Candidates are the scenario with changes on top (one
//! value per varied key), run on the same simulated futures (the same
//! seed: common random numbers), so that two candidates differ only by
//! what they change.
//!
//! Method. Attainment is taken to rise with the first varied key (more
//! staff, more capacity), so its smallest value that meets every service
//! target is found by bisection, separately for each combination of the
//! other keys (a grid). The cheapest of those is then confirmed with more
//! replications: moved up if it falls short, down while the value below
//! also meets the targets. Every evaluated point is checked against that
//! assumption, and a target that falls as the key rises is reported, not
//! hidden. Budget targets (cost) fall as staff rise, so they are checked
//! on the smallest staffing that meets the rest.

pub mod target;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::measure::Reading;
use crate::model::Model;
use crate::results::{RepResult, TotalMetric};
use crate::runner::{self, Control, RunConfig, RunError, Sink};
use crate::scenario::{self, Change, ScenarioError};
use crate::stats::{Aggregate, Band};
use crate::units::DAYS_PER_YEAR;
use std::sync::atomic::AtomicBool;
pub use target::{Target, WrittenTarget};

/// Why a staffing search cannot start or finish.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// A `--target` or `--budget` that does not parse, or none given.
    #[error("{message}")]
    Target { message: String },
    /// A candidate's scenario does not load.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Run(#[from] RunError),
}

impl StaffError {
    pub fn exit_code(&self) -> u8 {
        match self {
            StaffError::Target { .. } | StaffError::Scenario(_) => 2,
            StaffError::Run(e) => e.exit_code(),
        }
    }
}

/// A key varied over a range of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Dim {
    pub key: String,
    pub values: Vec<f64>,
}

impl FromStr for Dim {
    type Err = String;

    /// `KEY=LO..HI` or `KEY=LO..HI:STEP` (step 1 by default), or
    /// `KEY=A,B,C`.
    fn from_str(arg: &str) -> Result<Dim, String> {
        let fail = |why: &str| format!("{why}; write it as KEY=LO..HI[:STEP], e.g. roles.social_worker_bia.fte=10..40");
        let (key, range) = arg.split_once('=').ok_or_else(|| fail("no '='"))?;
        let key = key.trim().to_string();
        if key.is_empty() {
            return Err(fail("no key"));
        }
        let values = if let Some((lo, rest)) = range.split_once("..") {
            let (hi, step) = match rest.split_once(':') {
                Some((hi, step)) => (hi, step),
                None => (rest, "1"),
            };
            let num = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            let (Some(lo), Some(hi), Some(step)) = (num(lo), num(hi), num(step)) else {
                return Err(fail("the range needs numbers"));
            };
            if step <= 0.0 || hi < lo {
                return Err(fail("the range must run up from LO to HI by a positive STEP"));
            }
            let n = ((hi - lo) / step + 1e-9).floor() as usize + 1;
            if n > 10_000 {
                return Err(fail("more than 10,000 values"));
            }
            steps(lo, step, n)
        } else {
            let values: Option<Vec<f64>> =
                range.split(',').map(|s| s.trim().parse::<f64>().ok().filter(|v| v.is_finite())).collect();
            let mut values = values.ok_or_else(|| fail("the values must be numbers"))?;
            if values.len() > 10_000 {
                return Err(fail("more than 10,000 values"));
            }
            values.sort_by(f64::total_cmp);
            values
        };
        if values.is_empty() {
            return Err(fail("no values"));
        }
        Ok(Dim { key, values })
    }
}

/// `n` values from `lo` up by `step`, as a range reads.
fn steps(lo: f64, step: f64, n: usize) -> Vec<f64> {
    (0..n).map(|i| lo + i as f64 * step).collect()
}

impl fmt::Display for Dim {
    /// As `--vary` takes it: a range where three or more values are one
    /// (`KEY=10..40`, `KEY=0..1:0.25`), else the list; either reads back as
    /// these values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lo, hi) = (self.values[0], self.values[self.values.len() - 1]);
        if self.values.len() > 2 {
            let step = self.values[1] - lo;
            let range = if step == 1.0 { format!("{lo}..{hi}") } else { format!("{lo}..{hi}:{step}") };
            if steps(lo, step, self.values.len()) == self.values
                && format!("{}={range}", self.key).parse::<Dim>().is_ok_and(|d| d == *self)
            {
                return write!(f, "{}={range}", self.key);
            }
        }
        let list: Vec<String> = self.values.iter().map(f64::to_string).collect();
        write!(f, "{}={}", self.key, list.join(","))
    }
}

/// Most candidates a staffing grid may have: the product of the values of
/// every key varied.
pub const MAX_GRID: usize = 100_000;

/// Refuse a grid whose keys multiply to more than `MAX_GRID` candidates.
pub fn check_grid(dims: &[Dim]) -> Result<(), String> {
    let size = dims.iter().try_fold(1usize, |n, d| n.checked_mul(d.values.len())).unwrap_or(usize::MAX);
    if size > MAX_GRID {
        let sizes: Vec<String> = dims.iter().map(|d| format!("{} ({} values)", d.key, d.values.len())).collect();
        return Err(format!(
            "{} make {} candidates together, more than the {} a search may have; vary fewer keys, or use a coarser STEP",
            sizes.join(" x "),
            crate::format::thousands(size as f64),
            crate::format::thousands(MAX_GRID as f64)
        ));
    }
    Ok(())
}

/// About how many replications a search takes, to size it before it
/// starts and to show its progress: a bisection of the first key's values
/// (with its two ends and a check above its answer) at each point of the
/// other keys, then about two rounds of confirming.
pub fn replications_about(dims: &[Dim], coarse: u64, confirm: u64) -> u64 {
    let steps = (dims[0].values.len() as f64).log2().ceil() as u64 + 3;
    let outer: u64 = dims[1..].iter().map(|d| d.values.len() as u64).product();
    outer * steps * coarse + 2 * confirm.max(coarse)
}

/// What to search.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: scenario::Source,
    /// Changes on top of the scenario for every candidate (`--set`).
    pub base: Vec<Change>,
    pub dims: Vec<Dim>,
    pub targets: Vec<Target>,
    /// Replications for the bisection, and for confirming the answer.
    pub coarse: u64,
    pub confirm: u64,
    pub seed: u64,
    pub threads: Option<usize>,
    /// The varied keys' values in the scenario as it stands, when all are
    /// numbers: evaluated beside the answer, so its change in cost is paired.
    pub now: Option<Vec<f64>>,
}

/// One candidate, evaluated.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// One value per varied key, in the order of `Plan::dims`.
    pub values: Vec<f64>,
    pub replications: u64,
    /// Per target: replications that met it, and the band of its measure.
    pub met: Vec<u64>,
    pub bands: Vec<Band>,
    /// Cost a year over the simulated horizon.
    pub cost: Band,
    /// The same per replication, in replication order: to pair with
    /// another candidate's on the same futures.
    pub costs: Vec<(u64, f64)>,
    pub agg: Aggregate,
}

impl Candidate {
    /// The share of futures in which target `t` is met.
    pub fn probability(&self, t: usize) -> f64 {
        self.met[t] as f64 / self.replications.max(1) as f64
    }

    pub fn meets(&self, targets: &[Target], t: usize) -> bool {
        self.probability(t) >= targets[t].probability
    }

    /// Meets every target that is not about cost (`service`), or every one.
    pub fn meets_all(&self, targets: &[Target], service_only: bool) -> bool {
        (0..targets.len()).filter(|&t| !service_only || !is_budget(&targets[t])).all(|t| self.meets(targets, t))
    }

    /// How far the worst service target falls short of its probability
    /// (0 when all are met): for ranking what comes closest.
    pub fn shortfall(&self, targets: &[Target]) -> f64 {
        (0..targets.len())
            .filter(|&t| !is_budget(&targets[t]))
            .map(|t| (targets[t].probability - self.probability(t)).max(0.0))
            .fold(0.0, f64::max)
    }
}

/// A target on cost: it falls, not rises, with more staff.
pub fn is_budget(t: &Target) -> bool {
    matches!(t.reading, Reading::Total(m) | Reading::TotalAt(m, _) if matches!(m, TotalMetric::CostTotal | TotalMetric::CostCumulative | TotalMetric::CostStaff | TotalMetric::CostAgency | TotalMetric::CostBoughtIn))
}

/// What the search found.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub evaluated: Vec<Candidate>,
    /// Candidates in the full grid.
    pub grid: usize,
    /// The cheapest candidate that meets every target, confirmed.
    pub answer: Option<usize>,
    /// With no answer: the candidate that comes closest.
    pub closest: Option<usize>,
    /// Why there is no answer, when there is none and more can be said
    /// than that no candidate in the range meets every target.
    pub why_none: Option<String>,
    /// Targets that fell as the first key rose, in words.
    pub not_monotone: Vec<String>,
    pub method: String,
    /// Months simulated (when every target is at a month), else None.
    pub months: Option<usize>,
    /// Days simulated, when the search shortened the horizon.
    pub days: Option<f64>,
    /// The scenario as it stands (`Plan::now`), evaluated with as many
    /// replications as the answer (or the closest).
    pub baseline: Option<usize>,
}

/// The change in cost a year from `from` to `to`, future by future (both
/// run on the same futures); `None` when they do not share them.
pub fn cost_change(from: &Candidate, to: &Candidate) -> Option<Band> {
    if from.costs.len() != to.costs.len() || from.costs.iter().zip(&to.costs).any(|(a, b)| a.0 != b.0) {
        return None;
    }
    let mut band = Band::new();
    for (a, b) in from.costs.iter().zip(&to.costs) {
        band.add(b.1 - a.1);
    }
    Some(band)
}

/// Evaluations so far, so that no candidate is run twice at a size.
struct Search<'a> {
    plan: &'a Plan,
    model_days: Option<f64>,
    evaluated: Vec<Candidate>,
    progress: &'a (dyn Fn(u64) + Sync),
    stop: &'a AtomicBool,
}

/// The changes that make a candidate of `plan` with `values`, simulated
/// for `days` when the search shortened the horizon.
pub fn changes(plan: &Plan, days: Option<f64>, values: &[f64]) -> Vec<Change> {
    let mut out = plan.base.clone();
    for (d, v) in plan.dims.iter().zip(values) {
        out.push(Change::set(&d.key, toml_number(*v)));
    }
    if let Some(days) = days {
        out.push(Change::set("scenario.days", days));
    }
    out
}

impl Search<'_> {
    fn changes(&self, values: &[f64]) -> Vec<Change> {
        changes(self.plan, self.model_days, values)
    }

    /// The candidate at `values` with at least `reps` replications.
    fn eval(&mut self, values: &[f64], reps: u64) -> Result<usize, StaffError> {
        if let Some(i) = self.evaluated.iter().position(|c| c.values == values && c.replications >= reps) {
            return Ok(i);
        }
        let sc = self.plan.scenario.load(&self.changes(values))?;
        let m = &sc.model;
        let cfg = RunConfig { replications: reps, seed: self.plan.seed, threads: self.plan.threads };
        let progress = self.progress;
        let ctl = Control { progress: &|| progress(1), stop: self.stop };
        let targets = &self.plan.targets;
        let mut tally = runner::fold(m, &cfg, || Tally::new(m, targets), ctl)?;
        tally.costs.sort_by_key(|c| c.0);
        if tally.agg.unbalanced > 0 {
            return Err(RunError::Unbalanced { replications: tally.agg.unbalanced }.into());
        }
        self.evaluated.push(Candidate {
            values: values.to_vec(),
            replications: reps,
            met: tally.met,
            bands: tally.bands,
            cost: tally.cost,
            costs: tally.costs,
            agg: tally.agg,
        });
        Ok(self.evaluated.len() - 1)
    }

    fn meets(&mut self, values: &[f64], reps: u64, service_only: bool) -> Result<bool, StaffError> {
        let i = self.eval(values, reps)?;
        Ok(self.evaluated[i].meets_all(&self.plan.targets, service_only))
    }
}

/// A candidate's replications: how often each target is met, the bands of
/// the targets' measures and of the cost a year, and the aggregate.
struct Tally<'a> {
    targets: &'a [Target],
    years: f64,
    met: Vec<u64>,
    bands: Vec<Band>,
    cost: Band,
    costs: Vec<(u64, f64)>,
    agg: Aggregate,
}

impl<'a> Tally<'a> {
    fn new(m: &Model, targets: &'a [Target]) -> Tally<'a> {
        Tally {
            targets,
            years: m.horizon_days / DAYS_PER_YEAR,
            met: vec![0; targets.len()],
            bands: vec![Band::new(); targets.len()],
            cost: Band::new(),
            costs: Vec::new(),
            agg: Aggregate::for_model(m),
        }
    }
}

impl Sink for Tally<'_> {
    type Item = RepResult;

    fn add(&mut self, r: RepResult) {
        for (t, target) in self.targets.iter().enumerate() {
            let v = target.reading.read(&r);
            self.met[t] += u64::from(target.met_by(v));
            self.bands[t].add(v);
        }
        let cost = r.total_kpi(TotalMetric::CostTotal) / self.years;
        self.cost.add(cost);
        self.costs.push((r.replication, cost));
        self.agg.add(&r);
    }

    fn merge(mut self, o: Self) -> Self {
        for (a, b) in self.met.iter_mut().zip(o.met) {
            *a += b;
        }
        for (a, b) in self.bands.iter_mut().zip(&o.bands) {
            a.merge(b);
        }
        self.cost.merge(&o.cost);
        self.costs.extend(o.costs);
        self.agg = self.agg.merge(o.agg);
        self
    }
}

/// A value for TOML: whole numbers as integers, so `count` keys take them.
fn toml_number(v: f64) -> toml::Value {
    if v.fract() == 0.0 && v.abs() < 1e15 { toml::Value::Integer(v as i64) } else { toml::Value::Float(v) }
}

/// Every combination of the values of `dims`.
fn grid(dims: &[Dim]) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new()];
    for d in dims {
        out = out.into_iter().flat_map(|c| d.values.iter().map(move |&v| [c.clone(), vec![v]].concat())).collect();
    }
    out
}

/// The horizon to simulate: up to the last month any target reads, if
/// every target reads a month (so a search for month 12 runs a year).
fn horizon_days(m: &Model, targets: &[Target]) -> Option<(usize, f64)> {
    let months: Option<Vec<usize>> = targets.iter().map(|t| t.month).collect();
    let last = months?.into_iter().max()?;
    let end = m.periods.last_date(last - 1).succ_opt()?;
    Some((last, crate::model::periods::day_of(m.start, end)))
}

/// The scenario as it stands, run as a candidate is, when it gives
/// figures the council observed: an answer measured from a start that is
/// not where the council stands must say so.
pub fn as_it_stands(plan: &Plan, model: &Model, stop: &AtomicBool) -> Result<Option<Aggregate>, StaffError> {
    if model.observed.is_empty() {
        return Ok(None);
    }
    let cfg = crate::runner::RunConfig { replications: plan.coarse, seed: plan.seed, threads: plan.threads };
    Ok(Some(crate::runner::run_until(model, &cfg, crate::runner::Control { progress: &|| {}, stop })?))
}

/// Run the search. `model` is the scenario with `plan.base` on top, which
/// the targets were read against; `progress` hears of each replication,
/// and setting `stop` (Ctrl-C) ends the search with `RunError::Interrupted`.
pub fn run(
    plan: &Plan,
    model: &Model,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Outcome, StaffError> {
    let horizon = horizon_days(model, &plan.targets);
    let mut s = Search { plan, model_days: horizon.map(|h| h.1), evaluated: Vec::new(), progress, stop };
    let dims = &plan.dims;
    let outer = grid(&dims[1..]);
    // The smallest first value meeting the service targets, per combination.
    let mut found: Vec<Vec<f64>> = Vec::new();
    for rest in &outer {
        found.extend(s.smallest_meeting(rest)?);
    }
    let cheapest = found
        .iter()
        .map(|v| s.eval(v, plan.coarse).map(|i| (i, s.evaluated[i].cost.quantile(0.5))))
        .collect::<Result<Vec<_>, StaffError>>()?
        .into_iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| s.evaluated[i].values.clone());
    let (answer, why_none) = match cheapest {
        Some(best) => s.confirm(best)?,
        None => (None, None),
    };
    let closest = if answer.is_none() { s.closest() } else { None };
    let focus = answer.or(closest).map(|i| s.evaluated[i].replications);
    let baseline = match (&plan.now, focus) {
        (Some(now), Some(reps)) => Some(s.eval(now, reps)?),
        _ => None,
    };
    let not_monotone = monotone_check(plan, &s.evaluated);
    let grid_size: usize = dims.iter().map(|d| d.values.len()).product();
    Ok(Outcome {
        evaluated: s.evaluated,
        grid: grid_size,
        answer,
        closest,
        why_none,
        not_monotone,
        method: method(plan, outer.len()),
        months: horizon.map(|h| h.0),
        days: horizon.map(|h| h.1),
        baseline,
    })
}

impl Search<'_> {
    /// The smallest value of the first key that meets the service targets
    /// with the other keys at `rest`, by bisection; `None` when even the
    /// largest falls short.
    fn smallest_meeting(&mut self, rest: &[f64]) -> Result<Option<Vec<f64>>, StaffError> {
        let plan = self.plan;
        let (first, coarse) = (&plan.dims[0].values, plan.coarse);
        let at = |i: usize| [vec![first[i]], rest.to_vec()].concat();
        let (mut lo, mut hi) = (0usize, first.len() - 1);
        if !self.meets(&at(hi), coarse, true)? {
            return Ok(None);
        }
        if self.meets(&at(lo), coarse, true)? {
            return Ok(Some(at(lo)));
        }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if self.meets(&at(mid), coarse, true)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        // A point above the answer must meet the targets too, or the
        // answer rests on an assumption that does not hold.
        let check = (hi + first.len() - 1).div_ceil(2);
        if check != hi {
            self.eval(&at(check), coarse)?;
        }
        Ok(Some(at(hi)))
    }

    /// Confirm the cheapest candidate with more replications: up while
    /// short, down while the value below also meets the targets. The
    /// answer, or why there is none.
    fn confirm(&mut self, mut best: Vec<f64>) -> Result<(Option<usize>, Option<String>), StaffError> {
        let plan = self.plan;
        let first = &plan.dims[0].values;
        let mut k = first.iter().position(|&x| x == best[0]).expect("a value of the range");
        while !self.meets(&best, plan.confirm, true)? {
            if k + 1 == first.len() {
                let why =
                    format!("with {} replications, even {} = {} falls short", plan.confirm, plan.dims[0].key, first[k]);
                return Ok((None, Some(why)));
            }
            k += 1;
            best[0] = first[k];
        }
        while k > 0 {
            let below = [vec![first[k - 1]], best[1..].to_vec()].concat();
            if !self.meets(&below, plan.confirm, true)? {
                break;
            }
            k -= 1;
            best = below;
        }
        let i = self.eval(&best, plan.confirm)?;
        if self.evaluated[i].meets_all(&plan.targets, false) {
            return Ok((Some(i), None));
        }
        let budgets: Vec<String> = plan
            .targets
            .iter()
            .enumerate()
            .filter(|(t, target)| is_budget(target) && !self.evaluated[i].meets(&plan.targets, *t))
            .map(|(_, target)| target.goal())
            .collect();
        let why = format!(
            "the smallest staffing that meets the service targets does not meet {}, and more staff only cost more",
            budgets.join(" or ")
        );
        Ok((None, Some(why)))
    }

    /// The candidate nearest to meeting the targets, the one with more
    /// replications among equals.
    fn closest(&self) -> Option<usize> {
        let targets = &self.plan.targets;
        (0..self.evaluated.len()).min_by(|&a, &b| {
            let (ca, cb) = (&self.evaluated[a], &self.evaluated[b]);
            ca.shortfall(targets).total_cmp(&cb.shortfall(targets)).then(cb.replications.cmp(&ca.replications))
        })
    }
}

/// How the search went about it, in words.
fn method(plan: &Plan, combinations: usize) -> String {
    let dims = &plan.dims;
    format!(
        "bisection on {} ({} values){}, {} replications a candidate, the answer confirmed with {}",
        dims[0].key,
        dims[0].values.len(),
        if combinations > 1 {
            format!(
                " for each of the {} combinations of {}",
                combinations,
                dims[1..].iter().map(|d| d.key.as_str()).collect::<Vec<_>>().join(", ")
            )
        } else {
            String::new()
        },
        plan.coarse,
        plan.confirm
    )
}

/// Service targets should not fall as the first key rises (with the other
/// keys and the replications the same); say where one does by more than
/// chance would explain.
fn monotone_check(plan: &Plan, evaluated: &[Candidate]) -> Vec<String> {
    let mut out = Vec::new();
    for (t, target) in plan.targets.iter().enumerate().filter(|(_, t)| !is_budget(t)) {
        let mut groups: Vec<Vec<&Candidate>> = Vec::new();
        for c in evaluated {
            match groups.iter_mut().find(|g| g[0].values[1..] == c.values[1..] && g[0].replications == c.replications) {
                Some(g) => g.push(c),
                None => groups.push(vec![c]),
            }
        }
        for mut g in groups {
            g.sort_by(|a, b| a.values[0].total_cmp(&b.values[0]));
            for pair in g.windows(2) {
                let (a, b) = (pair[0].probability(t), pair[1].probability(t));
                // Two standard errors of the difference of two shares.
                let n = pair[0].replications as f64;
                let se = ((a * (1.0 - a) + b * (1.0 - b)) / n).sqrt().max(1.0 / n);
                if b < a - 2.0 * se {
                    out.push(format!(
                        "'{}' is met less often as {} rises from {} to {} ({} to {} of futures)",
                        target.text,
                        plan.dims[0].key,
                        pair[0].values[0],
                        pair[1].values[0],
                        crate::format::Unit::Probability.show(a),
                        crate::format::Unit::Probability.show(b)
                    ));
                }
            }
        }
    }
    out
}

/// A target given as text in code or on a page rather than to `--target`.
pub fn written(text: &str) -> Result<WrittenTarget, StaffError> {
    text.parse().map_err(|why: String| StaffError::Target { message: target::refused(text, &why) })
}

/// The targets of a plan, and the budget as a target on total cost,
/// resolved against the scenario with its base changes.
pub fn targets(written: &[WrittenTarget], budget: Option<&str>, m: &Model) -> Result<Vec<Target>, StaffError> {
    let resolve =
        |t: &WrittenTarget| t.resolve(m).map_err(|why| StaffError::Target { message: target::refused(&t.text, &why) });
    let mut out: Vec<Target> = written.iter().map(resolve).collect::<Result<_, _>>()?;
    if let Some(b) = budget {
        let value = target::number(b).ok_or_else(|| StaffError::Target {
            message: format!("--budget {b}: not an amount; write it as 9.5m or 950000"),
        })?;
        let years = m.horizon_days / DAYS_PER_YEAR;
        let mut t =
            target::parse(&format!("total.cost <= {value}"), m).map_err(|message| StaffError::Target { message })?;
        t.label = format!("total cost over the {years:.1} years");
        out.push(t);
    }
    if out.is_empty() {
        return Err(StaffError::Target { message: "give at least one --target (or --budget)".into() });
    }
    Ok(out)
}

/// The scenario a plan searches over, for reading targets against.
pub fn base_model(path: &Path, base: &[Change]) -> Result<Model, ScenarioError> {
    Ok(scenario::load_with(path, base)?.model)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `--vary` prints reads back as the same values: ranges as ranges
    /// where the values make one, lists otherwise.
    #[test]
    fn a_dim_prints_as_it_reads_back() {
        for (given, shown) in [
            ("k=10..40", "k=10..40"),
            ("k=10..40.5", "k=10..40"),
            ("k=0..1:0.25", "k=0..1:0.25"),
            ("k=3,1,2", "k=1..3"),
            ("k=1,5", "k=1,5"),
            ("k=7", "k=7"),
        ] {
            let d: Dim = given.parse().unwrap();
            assert_eq!(d.to_string(), shown, "{given}");
            assert_eq!(shown.parse::<Dim>().unwrap(), d, "{given}");
        }
        // A step that does not land exactly on each value prints the values.
        let d: Dim = "k=0.2..1:0.1".parse().unwrap();
        assert_eq!(d.to_string().parse::<Dim>().unwrap(), d, "{d}");
        assert!("k=1..".parse::<Dim>().unwrap_err().contains("the range needs numbers"));
    }
}
