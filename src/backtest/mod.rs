//! Backtesting: fit demand on history up to a date, simulate the rest,
//! and see how often the actual counts fall inside the forecast bands.

pub mod supply;

use chrono::NaiveDate;

use crate::history::fit::TrendForm;
use crate::history::read::{Series, Span};
use crate::model::{Model, PeriodKind};
use crate::results::FlowMetric;
use crate::scenario::Change;
use crate::stats::Aggregate;
use crate::units::Days;

#[derive(Debug, Clone)]
pub struct BacktestOptions {
    pub train_until: NaiveDate,
    pub from: Option<NaiveDate>,
    pub steps: Vec<NaiveDate>,
    /// The trend form to fit; `None` chooses on held-out error.
    pub trend: Option<TrendForm>,
}

/// Why a backtest cannot be run, each with its own variant.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BacktestError {
    #[error("--train-until {0} leaves no day after it to test on")]
    NoDayAfter(NaiveDate),
    #[error(
        "no flow has history both before and after {train_until} under a name the scenario uses for a flow with arrivals (the history has {})",
        names.join(", ")
    )]
    NoOverlap { train_until: NaiveDate, names: Vec<String> },
    #[error("line {line}, column period: held-out period {period} is not a day, month or year")]
    PeriodKind { period: String, line: u64 },
    #[error(
        "line {line}, column period: held-out periods mix kinds ({first} and {other}); backtest one kind at a time"
    )]
    MixedPeriods { first: String, other: String, line: u64 },
    #[error("the held-out periods must start on {0}, the day after training ends")]
    HeldOutStart(NaiveDate),
    #[error("no held-out period lines up with the simulated periods")]
    NothingLinesUp,
    #[error(
        "the scenario starts on {0}, after the training date: with --observed the run goes from the scenario's start through the training years to the end of the figures, so start it on or before {1}"
    )]
    StartsAfterTraining(NaiveDate, NaiveDate),
    #[error("the tested flows' arrivals have different scales ({0} and {1}); give them one scale")]
    MixedScales(f64, f64),
    #[error("no figure in --observed is after the training date, so there is nothing to check")]
    NothingHeldOut,
}

/// The held-out periods: the same kind of period for every flow, starting
/// the day after training ends.
#[derive(Debug, Clone)]
pub struct Plan {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub period: PeriodKind,
    pub flows: Vec<String>,
    /// History flows not tested, with why.
    pub skipped: Vec<(String, &'static str)>,
}

/// Which flows to test and over what: history flows that the scenario has
/// (with arrivals of their own), and periods after `train_until`.
pub fn plan(model: &Model, series: &[Series], opts: &BacktestOptions) -> Result<Plan, BacktestError> {
    let start = opts.train_until.succ_opt().ok_or(BacktestError::NoDayAfter(opts.train_until))?;
    let mut flows = Vec::new();
    let mut skipped = Vec::new();
    let mut spans: Vec<(Span, u64)> = Vec::new();
    for s in series {
        let Some(f) = model.flow_id(&s.name) else {
            skipped.push((s.name.clone(), "not a flow of the scenario"));
            continue;
        };
        if model.flows[f as usize].arrivals.is_none() {
            skipped.push((s.name.clone(), "the scenario's flow has no arrivals of its own"));
            continue;
        }
        let held: Vec<(Span, u64)> =
            s.points.iter().map(|p| (p.span, p.line)).filter(|(sp, _)| sp.start >= start).collect();
        let trained = s.points.iter().filter(|p| p.span.end <= start).count();
        if held.is_empty() || trained < 2 {
            skipped.push((s.name.clone(), "fewer than 2 periods before --train-until, or none after"));
            continue;
        }
        flows.push(s.name.clone());
        spans.extend(held);
    }
    if flows.is_empty() {
        let names = series.iter().map(|s| s.name.clone()).collect();
        return Err(BacktestError::NoOverlap { train_until: opts.train_until, names });
    }
    let kind = |sp: &Span| -> Option<PeriodKind> {
        let label = sp.label();
        match label.len() {
            7 if label.contains('-') => Some(PeriodKind::Month),
            7 if label.contains('/') => Some(PeriodKind::Year),
            4 => Some(PeriodKind::Year),
            10 => Some(PeriodKind::Day),
            _ => None,
        }
    };
    let (first, line) = spans[0];
    let period = kind(&first).ok_or_else(|| BacktestError::PeriodKind { period: first.label(), line })?;
    if let Some((other, line)) = spans.iter().find(|(s, _)| kind(s) != Some(period)) {
        return Err(BacktestError::MixedPeriods { first: first.label(), other: other.label(), line: *line });
    }
    if spans.iter().any(|(s, _)| s.start < start) || !spans.iter().any(|(s, _)| s.start == start) {
        return Err(BacktestError::HeldOutStart(start));
    }
    let end = spans.iter().map(|(s, _)| s.end).max().expect("some spans");
    Ok(Plan { start, end, period, flows, skipped })
}

/// The changes that turn a scenario into its backtest: starting the day
/// after training, running to the end of the history, reported by the
/// history's period, with each tested flow's arrivals fitted to its history.
pub fn changes(history_path: &str, plan: &Plan, opts: &BacktestOptions) -> Vec<Change> {
    let mut out = vec![
        Change::set("scenario.start", plan.start.to_string()),
        Change::set("scenario.days", (plan.end - plan.start).num_days()),
        Change::set("scenario.period", plan.period.name()),
    ];
    out.extend(arrivals(history_path, &plan.flows, opts, 1.0));
    out
}

/// Each flow's arrivals fitted to its history up to the training date, at
/// `scale` times the size the history counts (1: as counted).
pub fn arrivals(history_path: &str, flows: &[String], opts: &BacktestOptions, scale: f64) -> Vec<Change> {
    let mut out = Vec::new();
    for name in flows {
        let mut arrivals = toml::Table::new();
        arrivals.insert("history".into(), history_path.into());
        arrivals.insert("flow".into(), name.as_str().into());
        arrivals.insert("until".into(), opts.train_until.to_string().into());
        if let Some(f) = opts.from {
            arrivals.insert("from".into(), f.to_string().into());
        }
        if !opts.steps.is_empty() {
            let steps = opts.steps.iter().map(|d| toml::Value::from(d.to_string())).collect();
            arrivals.insert("steps".into(), toml::Value::Array(steps));
        }
        if let Some(form) = opts.trend {
            arrivals.insert("trend".into(), form.name().into());
        }
        if scale != 1.0 {
            arrivals.insert("scale".into(), scale.into());
        }
        // The fitted arrivals replace the scenario's whole, not key by key.
        let key = format!("flows.{name}.arrivals");
        out.push(Change::remove(&key));
        out.push(Change::set(&key, arrivals));
    }
    out
}

/// The scale the scenario models its tested flows at (`arrivals.scale`:
/// 1/152 for one average council of England's history), the same for all.
pub fn scale(sc: &crate::scenario::Scenario, flows: &[String]) -> Result<f64, BacktestError> {
    let of = |f: &String| {
        let v = sc.value_at(&format!("flows.{f}.arrivals.scale"));
        v.and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64))).unwrap_or(1.0)
    };
    let scales: Vec<f64> = flows.iter().map(of).collect();
    match scales.iter().find(|&&s| s != scales[0]) {
        Some(&other) => Err(BacktestError::MixedScales(scales[0], other)),
        None => Ok(scales.first().copied().unwrap_or(1.0)),
    }
}

/// One held-out period of one flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub flow: String,
    pub period: String,
    pub actual: f64,
    /// P5, P10, P50, P90, P95 of simulated arrivals.
    pub bands: [f64; 5],
}

impl Check {
    pub fn in_80(&self) -> bool {
        self.bands[1] <= self.actual && self.actual <= self.bands[3]
    }
    pub fn in_90(&self) -> bool {
        self.bands[0] <= self.actual && self.actual <= self.bands[4]
    }
}

/// Compare simulated arrivals with the actual counts, period by period.
pub fn checks(model: &Model, agg: &Aggregate, series: &[Series], plan: &Plan) -> Vec<Check> {
    let mut out = Vec::new();
    for name in &plan.flows {
        let f = model.flow_id(name).expect("planned flows exist") as usize;
        let s = series.iter().find(|s| &s.name == name).expect("planned flows have history");
        for p in 0..model.periods.len() {
            let start = model.periods.starts[p];
            let Some(actual) = s.points.iter().find(|pt| pt.span.start == start) else { continue };
            // Only whole periods compare like with like.
            let Days(days) = model.periods.days(p);
            if (days - actual.span.days()).abs() > 0.5 {
                continue;
            }
            let b = agg.flow_period(f, p, FlowMetric::Arrivals);
            out.push(Check {
                flow: name.clone(),
                period: actual.span.label(),
                actual: actual.count,
                bands: [0.05, 0.1, 0.5, 0.9, 0.95].map(|q| b.quantile(q)),
            });
        }
    }
    out
}

/// Share of checks inside the P10-P90 and P5-P95 bands.
pub fn coverage(checks: &[Check]) -> (f64, f64) {
    let n = checks.len().max(1) as f64;
    (checks.iter().filter(|c| c.in_80()).count() as f64 / n, checks.iter().filter(|c| c.in_90()).count() as f64 / n)
}
