//! Calibration: find the values a council does not know (each BIA's
//! effective DoLS hours, triage shares, how often waiting requests end
//! undecided) so that the simulated position matches the one it observed.
//!
//! Method. Each unknown is a point `t` in 0..1 along its range. A
//! candidate is the scenario with those values set on top (the one way to
//! vary a scenario), simulated only as far as the last observation, with
//! the same seed for every candidate: common random numbers, so two
//! candidates differ by what they change, not by chance. Its misfit is
//! the sum over observations of ln(1 + d²), d = (simulated mean −
//! observed) / tolerance: like d² near the figure, but a figure no values
//! can reach (a waiting list the model clears whatever the DoLS values)
//! adds little more the further it is, so it cannot drag the others away
//! from figures they can reproduce.
//! A small space-filling design (the current values, then a Halton
//! sequence) finds a start; Nelder-Mead (argmin) refines it, inside the
//! ranges, until every observation is within half its tolerance,
//! two simplexes' worth of candidates in a row gain almost nothing, the
//! simplex stops moving, or the runs allowed are spent. The best
//! values are then confirmed with more replications over the whole
//! horizon.

mod search;
use search::Target;
pub use search::{STALL_GAIN, design_size};
pub mod write;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use crate::model::Unknown;
use crate::model::observed::Reading;
use crate::results::RepResult;
use crate::runner::{self, Control, RunConfig, RunError, Sink};
use crate::scenario::{self, Change, Scenario, ScenarioError};
use crate::stats::{Aggregate, Band};

/// Why calibration cannot start or go on.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    #[error(
        "{file} gives no observed figures to calibrate to; add [[observed]] entries (where the council stands: \
its DoLS backlog, % completed within 21 days, mean days, waiting lists), or make the scenario from a council \
profile with `caseflow new`"
    )]
    NothingObserved { file: String },
    #[error(
        "{file} names no values to calibrate; add [[calibrate]] entries (set = KEY, range = [LOW, HIGH]) or give \
--fit KEY=LOW..HIGH"
    )]
    NothingToCalibrate { file: String },
    #[error("--fit {arg}: {why}; write it as KEY=LOW..HIGH, e.g. roles.social_worker_bia.dols_share=0.05..0.5")]
    Fit { arg: String, why: String },
    #[error("internal error: the calibration search failed ({message}); please report this with the scenario file")]
    Search { message: String },
    /// The scenario, or a candidate made from it, does not load.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Run(#[from] RunError),
}

impl CalibrationError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CalibrationError::Search { .. } => 1,
            CalibrationError::Run(e) => e.exit_code(),
            _ => 2,
        }
    }
}

/// What to calibrate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: PathBuf,
    /// Changes on top of the scenario for every candidate (`--set`).
    pub base: Vec<Change>,
    /// The scenario's `[[calibrate]]` entries, and any given on the
    /// command line.
    pub unknowns: Vec<Unknown>,
    /// Replications per candidate, and for confirming the best.
    pub replications: u64,
    pub confirm: u64,
    pub seed: u64,
    pub threads: Option<usize>,
    /// Most candidates to simulate.
    pub max_runs: usize,
}

/// One candidate simulated: where it is, the simulated mean of each
/// observation, and its misfit.
#[derive(Debug, Clone)]
pub struct Run {
    pub t: Vec<f64>,
    pub means: Vec<f64>,
    pub misfit: f64,
}

/// An observation the best values do not reproduce, and why.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub observation: usize,
    /// The smallest misfit of this observation alone over every candidate
    /// (in tolerances): above 1, no value in the ranges reproduced it.
    pub nearest: f64,
    /// Unknowns the best values sit at an end of.
    pub at_bounds: Vec<usize>,
}

/// What calibration found.
#[derive(Debug)]
pub struct Outcome {
    pub plan: Plan,
    /// The scenario as it was (with `--set`), and as calibrated.
    pub before: Scenario,
    pub after: Scenario,
    /// Each unknown's value before (as the scenario gives it) and after.
    pub values_before: Vec<Option<toml::Value>>,
    pub best: Vec<f64>,
    /// The scenario as given, simulated as the candidates are.
    pub as_given: Run,
    pub runs: Vec<Run>,
    /// The calibrated scenario over its whole horizon, `confirm`
    /// replications.
    pub agg: Aggregate,
    pub conflicts: Vec<Conflict>,
    /// How the search stopped, in words.
    pub stopped: String,
}

impl Outcome {
    /// The calibrated values as `--set` changes.
    pub fn changes(&self) -> Vec<Change> {
        changes(&self.plan.unknowns, &self.best)
    }
}

/// `--fit KEY=LOW..HIGH`: a value to calibrate given on the command line.
pub fn parse_fit(arg: &str) -> Result<Unknown, CalibrationError> {
    let fail = |why: &str| CalibrationError::Fit { arg: arg.to_string(), why: why.to_string() };
    let (key, range) = arg.split_once('=').ok_or_else(|| fail("no '='"))?;
    let key = key.trim();
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(fail("the key must be dotted names"));
    }
    let (lo_text, hi_text) = range.split_once("..").ok_or_else(|| fail("no '..' between LOW and HIGH"))?;
    let num = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    let (Some(low), Some(high)) = (num(lo_text), num(hi_text)) else {
        return Err(fail("LOW and HIGH must be numbers"));
    };
    if low >= high {
        return Err(fail("LOW must be below HIGH"));
    }
    let whole = [lo_text, hi_text].iter().all(|s| s.trim().parse::<i64>().is_ok());
    Ok(Unknown {
        keys: vec![key.to_string()],
        low: vec![low],
        high: vec![high],
        list: false,
        whole,
        label: None,
        first: false,
        last: false,
    })
}

/// The changes that put each unknown at its point.
pub fn changes(unknowns: &[Unknown], t: &[f64]) -> Vec<Change> {
    unknowns.iter().zip(t).flat_map(|(u, &t)| u.keys.iter().map(move |k| Change::set_toml(k, &u.toml_at(t)))).collect()
}

/// Calibrate. `progress` is told each candidate as it finishes.
pub fn calibrate(
    plan: Plan,
    progress: &(dyn Fn(&Run, usize) + Sync),
    stop: &AtomicBool,
) -> Result<Outcome, CalibrationError> {
    let before = scenario::load_with(&plan.scenario, &plan.base)?;
    if before.model.observed.is_empty() {
        return Err(CalibrationError::NothingObserved { file: before.file.clone() });
    }
    if plan.unknowns.is_empty() {
        return Err(CalibrationError::NothingToCalibrate { file: before.file.clone() });
    }
    let values_before: Vec<Option<toml::Value>> = plan.unknowns.iter().map(|u| before.value_at(&u.keys[0])).collect();
    let start: Vec<f64> = plan
        .unknowns
        .iter()
        .zip(&values_before)
        .map(|(u, v)| v.as_ref().and_then(|v| u.position(&numbers(v))).map_or(0.5, |t| t.clamp(0.0, 1.0)))
        .collect();
    let horizon = observed_days(&before);
    // Each candidate: the scenario with changes on top, simulated up to
    // the last observation on the same futures.
    let simulate = |extra: Vec<Change>, t: &[f64]| -> Result<Run, CalibrationError> {
        let s = up_to(&plan, extra, horizon)?;
        let cfg = RunConfig { replications: plan.replications, seed: plan.seed, threads: plan.threads };
        let n = s.model.observed.len();
        let readings: Vec<_> = s.model.observed.iter().map(|o| o.reading.clone()).collect();
        let new = || Observed { readings: &readings, bands: vec![Band::new(); n] };
        let bands = runner::fold(&s.model, &cfg, new, Control { progress: &|| {}, stop })?.bands;
        let means: Vec<f64> = bands.iter().map(Band::mean).collect();
        let misfit = Target::all(&s.model.observed).misfit(&means);
        Ok(Run { t: t.to_vec(), means, misfit })
    };
    let as_given = simulate(Vec::new(), &start)?;
    let evaluate = |t: &[f64]| simulate(self::changes(&plan.unknowns, t), t);
    let found = staged(&plan, &start, &before.model.observed, &evaluate, progress, stop)?;
    let mut changes = plan.base.clone();
    changes.extend(self::changes(&plan.unknowns, &found.best));
    let after = scenario::load_with(&plan.scenario, &changes)?;
    let cfg = RunConfig { replications: plan.confirm, seed: plan.seed, threads: plan.threads };
    let agg = runner::run_until(&after.model, &cfg, Control { progress: &|| {}, stop })?;
    let conflicts = conflicts(&after, &agg, &found.runs, &found.best);
    Ok(Outcome {
        plan,
        before,
        after,
        values_before,
        best: found.best,
        as_given,
        runs: found.runs,
        agg,
        conflicts,
        stopped: found.stopped,
    })
}

/// Points in the design of the values found first.
pub const FIRST_DESIGN: usize = 12;
/// Candidates for finding the first values again.
const AGAIN: usize = 10;

/// Candidates for each value found last, on its own.
pub const LAST: usize = 14;
/// Points in the design of a value found last.
const LAST_DESIGN: usize = 8;

/// Which stage of a staged search: what it searches and on what.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    First,
    Rest,
    FirstAgain,
    /// Values that move only their own figures (how long people stay
    /// allocated moves caseloads and nothing else): each on its own, last.
    Last,
}

impl Stage {
    /// The stage in a report's words; a value found last by its name.
    fn words(self, plan: &Plan, stage: &[usize]) -> String {
        match self {
            Stage::First => "for the values found first".into(),
            Stage::Rest => "then for the rest".into(),
            Stage::FirstAgain => "then for the first again".into(),
            Stage::Last => format!("then for {}", plan.unknowns[stage[0]].name()),
        }
    }
}

/// The search, in stages, each holding the other values where they are:
/// the unknowns marked `first` on their own, then the rest, then the first
/// again, since they still move with the rest (the BIAs' DoLS time moves a
/// waiting list too). A joint search does not do: a figure far off adds
/// little to the misfit, so it trades a reachable waiting list for small
/// gains elsewhere. The middle stage has the runs the two others (16 and
/// 10 candidates) leave. Values marked `last` move only their own
/// figures, so each is found on its own at the end, with `LAST` + 2
/// candidates of its own, and the others' search is not made harder.
fn staged(
    plan: &Plan,
    start: &[f64],
    observed: &[crate::model::observed::Observation],
    evaluate: &(dyn Fn(&[f64]) -> Result<Run, CalibrationError> + Sync),
    progress: &(dyn Fn(&Run, usize) + Sync),
    stop: &AtomicBool,
) -> Result<search::Found, CalibrationError> {
    let (last, main): (Vec<usize>, Vec<usize>) = (0..start.len()).partition(|&i| plan.unknowns[i].last);
    let reserved = (LAST + 2) * last.len();
    let mut all = search::Found { best: Vec::new(), runs: Vec::new(), stopped: String::new() };
    let moved_by_last = if main.is_empty() && last.len() < 2 {
        vec![vec![false; observed.len()]; last.len()]
    } else {
        figures_of(&last, start, observed, evaluate, progress, &mut all)?
    };
    // The figures of values found after the `k`th found last (all of them
    // before any).
    let after =
        |k: usize| -> Vec<bool> { (0..observed.len()).map(|j| moved_by_last[k..].iter().any(|m| m[j])).collect() };
    let lasts = after(0);
    let stages = stages_of(plan, &main, &last);
    let mut at = start.to_vec();
    let mut words = Vec::new();
    let mut theirs = vec![false; observed.len()];
    let staged_at_all = stages.len() > 1;
    for (kind, stage, budget, points) in stages {
        let budget = budget.min((plan.max_runs + reserved).saturating_sub(all.runs.len()));
        if budget < 2 {
            break;
        }
        let done = all.runs.len();
        let held = at.clone();
        let whole = |t: &[f64]| -> Vec<f64> {
            let mut w = held.clone();
            stage.iter().zip(t).for_each(|(&i, &x)| w[i] = x);
            w
        };
        // The middle stage leaves the figures the first values move
        // steeply to them, as they are found again after it: held where
        // they are, those figures would pin the rest (more DoLS time
        // lengthens a waiting list the first values can shorten).
        // The values found last are left their own figures until then.
        let left: Vec<bool> = match kind {
            Stage::Rest => theirs.iter().zip(&lasts).map(|(a, b)| *a || *b).collect(),
            Stage::First | Stage::FirstAgain => lasts.clone(),
            Stage::Last => after(last.iter().position(|&i| i == stage[0]).map_or(last.len(), |k| k + 1)),
        };
        let target = Target::without(observed, &left);
        let evaluate_stage =
            |t: &[f64]| evaluate(&whole(t)).map(|r| Run { t: t.to_vec(), misfit: target.misfit(&r.means), ..r });
        let progress_stage = |r: &Run, n: usize| progress(r, done + n);
        let sub: Vec<f64> = stage.iter().map(|&i| at[i]).collect();
        let found = search::minimise(&sub, points, budget, &target, &evaluate_stage, &progress_stage, stop)?;
        if kind == Stage::First {
            theirs = moved_steeply(observed, &found.runs);
        }
        at = whole(&found.best);
        let full = Target::all(observed);
        all.runs.extend(found.runs.into_iter().map(|r| Run { t: whole(&r.t), misfit: full.misfit(&r.means), ..r }));
        let said =
            if staged_at_all { format!("{}, {}", kind.words(plan, &stage), found.stopped) } else { found.stopped };
        words.push(said);
    }
    all.best = at;
    all.stopped = words.join("; ");
    Ok(all)
}

/// The stages of a search: what each searches, its candidates and its
/// design's points.
fn stages_of(plan: &Plan, main: &[usize], last: &[usize]) -> Vec<(Stage, Vec<usize>, usize, usize)> {
    let (first, rest): (Vec<usize>, Vec<usize>) = main.iter().partition(|&&i| plan.unknowns[i].first);
    let mut stages: Vec<(Stage, Vec<usize>, usize, usize)> = Vec::new();
    if first.is_empty() || rest.is_empty() {
        // Nothing to find first, or nothing else: one search.
        if !main.is_empty() {
            let points = search::design_size(main.len());
            stages.push((Stage::Rest, main.to_vec(), plan.max_runs, points));
        }
    } else {
        // A value found first moves its figure steeply, so its first design is
        // dense: in one dimension, points a twelfth of the range apart. Found
        // again, it starts where it was, and needs only a few candidates.
        let ends = FIRST_DESIGN + 4 + AGAIN;
        stages.push((Stage::First, first.clone(), FIRST_DESIGN + 4, FIRST_DESIGN));
        let points = search::design_size(rest.len());
        stages.push((Stage::Rest, rest, plan.max_runs.saturating_sub(ends).max(2), points));
        stages.push((Stage::FirstAgain, first, AGAIN, 1));
    }
    stages.extend(last.iter().map(|&i| (Stage::Last, vec![i], LAST, LAST_DESIGN)));
    stages
}

/// The figures each value found last moves: the value at both ends of its
/// range, the rest as given, and the figures that span more than `STEEP`
/// tolerances between them.
fn figures_of(
    last: &[usize],
    start: &[f64],
    observed: &[crate::model::observed::Observation],
    evaluate: &(dyn Fn(&[f64]) -> Result<Run, CalibrationError> + Sync),
    progress: &(dyn Fn(&Run, usize) + Sync),
    all: &mut search::Found,
) -> Result<Vec<Vec<bool>>, CalibrationError> {
    let mut theirs = Vec::new();
    for &i in last {
        let mut ends = Vec::new();
        for end in [0.0, 1.0] {
            let mut t = start.to_vec();
            t[i] = end;
            let run = evaluate(&t)?;
            progress(&run, all.runs.len() + 1);
            all.runs.push(run.clone());
            ends.push(run);
        }
        theirs.push(moved_steeply(observed, &ends));
    }
    Ok(theirs)
}

/// A figure moves steeply with a value when, over the value's design,
/// its simulated mean spans more than this many tolerances.
const STEEP: f64 = 2.0;

/// The figures that `runs` (candidates differing only in some values) move
/// by more than `STEEP` tolerances.
fn moved_steeply(observed: &[crate::model::observed::Observation], runs: &[Run]) -> Vec<bool> {
    (0..observed.len())
        .map(|j| {
            let d = runs.iter().map(|r| observed[j].misfit(r.means[j])).filter(|d| d.is_finite());
            let (lo, hi) = d.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
            hi - lo > STEEP
        })
        .collect()
}

/// The numbers of a TOML value (a number, or a list of them).
fn numbers(v: &toml::Value) -> Vec<f64> {
    let one = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    match v {
        toml::Value::Array(a) => a.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

/// Days of the horizon up to the end of the last observation's periods:
/// candidates are simulated no further.
/// The scenario with the plan's changes and `extra` on top, cut at `days`.
fn up_to(plan: &Plan, extra: Vec<Change>, days: f64) -> Result<Scenario, ScenarioError> {
    let mut changes = plan.base.clone();
    changes.extend(extra);
    changes.push(Change::set("scenario.days", days));
    scenario::load_with(&plan.scenario, &changes)
}

/// The runs a calibration makes, to size it before it starts: the scenario
/// as given and every candidate, each up to the last observation, then the
/// calibrated scenario over its whole horizon to confirm it.
pub fn runs(plan: &Plan) -> Result<[(Scenario, u64); 2], ScenarioError> {
    let whole = scenario::load_with(&plan.scenario, &plan.base)?;
    let searched = up_to(plan, Vec::new(), observed_days(&whole))?;
    Ok([(searched, (plan.max_runs as u64 + 1) * plan.replications), (whole, plan.confirm)])
}

/// The bands, over a candidate's replications, of the figures the
/// council observed.
struct Observed<'a> {
    readings: &'a [Reading],
    bands: Vec<Band>,
}

impl Sink for Observed<'_> {
    type Item = RepResult;

    fn add(&mut self, r: RepResult) {
        self.bands.iter_mut().zip(self.readings).for_each(|(b, x)| b.add(x.read(&r)));
    }

    fn merge(mut self, other: Self) -> Self {
        self.bands.iter_mut().zip(&other.bands).for_each(|(x, y)| x.merge(y));
        self
    }
}

fn observed_days(s: &Scenario) -> f64 {
    let m = &s.model;
    let last = m.observed.iter().map(|o| o.reading.periods.end).max().unwrap_or(m.periods.len());
    m.periods.bounds[last]
}

/// Observations the calibrated scenario does not reproduce, with the
/// nearest any candidate came to each and the unknowns at an end of their
/// range.
fn conflicts(after: &Scenario, agg: &Aggregate, runs: &[Run], best: &[f64]) -> Vec<Conflict> {
    let m = &after.model;
    let at_bounds: Vec<usize> = (0..best.len()).filter(|&i| best[i] <= 0.005 || best[i] >= 0.995).collect();
    m.observed
        .iter()
        .enumerate()
        .filter(|(j, o)| !o.reproduced_by(agg.observed[*j].mean()))
        .map(|(j, o)| Conflict {
            observation: j,
            nearest: runs.iter().map(|r| o.misfit(r.means[j]).abs()).fold(f64::INFINITY, f64::min),
            at_bounds: at_bounds.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::search::Target;
    use super::{Run, moved_steeply};
    use crate::model::observed::{Measure, Observation, Reading, Subject};

    /// Two figures, each observed as 100 within 10.
    fn two() -> Vec<Observation> {
        let figure = |f: usize| Observation {
            reading: Reading { of: Subject::Flows(vec![f]), measure: Measure::Waiting, periods: 0..1 },
            value: 100.0,
            tolerance: 10.0,
            subject: format!("flow {f}"),
            when: "at the end".into(),
            source: None,
        };
        vec![figure(0), figure(1)]
    }

    fn run(means: [f64; 2]) -> Run {
        Run { t: vec![0.5], means: means.to_vec(), misfit: 0.0 }
    }

    #[test]
    fn a_figure_the_first_values_move_steeply_is_left_to_them_in_the_middle_stage() {
        let observed = two();
        // Over the first values' design the first figure spans 5
        // tolerances, the second 1.
        let design = [run([100.0, 100.0]), run([150.0, 110.0]), run([120.0, 105.0])];
        assert_eq!(moved_steeply(&observed, &design), [true, false]);
        let middle = Target::without(&observed, &[true, false]);
        let far_on_the_first = [200.0, 100.0];
        assert_eq!(middle.misfit(&far_on_the_first), 0.0, "the first figure is not counted");
        assert!(Target::all(&observed).misfit(&far_on_the_first) > 4.0);
        // Were every figure theirs, the middle stage counts them all.
        assert!(Target::without(&observed, &[true, true]).misfit(&far_on_the_first) > 4.0);
    }
}
