//! Backtesting supply as well as demand: the figures a service reported
//! (completions, its backlog, % within the deadline, mean days) become
//! `[[observed]]` entries; those of the training years are what
//! calibration fits the scenario's `[[calibrate]]` values to, and those
//! after are checked against the bands of a run from the scenario's start
//! to the end of the figures.
//!
//! Supply over the held-out years follows a rule that needs nothing after
//! the training date (`SupplyRule`).

use chrono::{Months, NaiveDate};

use super::Check;
use crate::history::position::Figure;
use crate::history::read::{Point, Series};
use crate::model::observed::Measure;
use crate::model::periods::day_of;
use crate::model::workforce::PlanChange;
use crate::model::{FlowId, Model, RoleKind};
use crate::scenario::{Change, Scenario};
use crate::stats::Aggregate;

/// How supply goes on after the training date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupplyRule {
    /// Capacity moves with the demand forecast's central path, from its
    /// level at the training date: the service keeps the state it was in.
    Pace,
    /// Capacity stays at its level at the training date.
    Constant,
    /// Whatever the scenario says goes on (a fitted growth continues).
    Trend,
}

impl SupplyRule {
    pub const NAMES: [&'static str; 3] = ["pace", "constant", "trend"];

    pub fn parse(s: &str) -> Option<SupplyRule> {
        match s {
            "pace" => Some(SupplyRule::Pace),
            "constant" => Some(SupplyRule::Constant),
            "trend" => Some(SupplyRule::Trend),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// In words, for reports.
    pub fn words(self) -> &'static str {
        match self {
            SupplyRule::Pace => {
                "capacity moves with the demand forecast (its central path) from its level at the training date"
            }
            SupplyRule::Constant => "capacity stays at its level at the training date",
            SupplyRule::Trend => "capacity goes on as the scenario says (a growth per year continues)",
        }
    }
}

/// The figures a run from `start` to `end` can check: the observed file's,
/// and each tested flow's counts received from the history; with the
/// reasons any were left out.
pub fn figures(
    observed: &[Figure],
    history: &[Series],
    flows: &[String],
    start: NaiveDate,
    end: NaiveDate,
) -> (Vec<Figure>, Vec<String>) {
    let received = history.iter().filter(|s| flows.contains(&s.name)).flat_map(|s| {
        s.points.iter().map(|p| Figure {
            span: p.span,
            of: vec![s.name.clone()],
            measure: Measure::Received,
            value: p.count,
            tolerance: None,
            source: None,
            line: p.line,
        })
    });
    let (mut kept, mut before) = (Vec::new(), Vec::new());
    for f in received.chain(observed.iter().cloned()) {
        if f.span.start < start {
            before.push(format!("{} {}", f.series(), f.span.label()));
        } else if f.span.end <= end.succ_opt().unwrap_or(end) {
            kept.push(f);
        }
    }
    let mut notes = Vec::new();
    if !before.is_empty() {
        notes.push(format!(
            "{} figures from before the run starts ({start}) are not used: {}",
            before.len(),
            before.join(", ")
        ));
    }
    (kept, notes)
}

/// Whether a figure is of the training years (ends by `held_start`), held
/// out (starts on or after it), or neither (straddles it).
pub fn trained(f: &Figure, held_start: NaiveDate) -> Option<bool> {
    if f.span.end <= held_start {
        Some(true)
    } else if f.span.start >= held_start {
        Some(false)
    } else {
        None
    }
}

/// The figures as the scenario's `[[observed]]`, in a model `scale` times
/// their size.
pub fn observed_change(figures: &[&Figure], scale: f64) -> Change {
    let list = figures.iter().map(|f| toml::Value::Table(f.observed(scale))).collect();
    Change::set("observed", toml::Value::Array(list))
}

/// The changes that make supply follow `rule` from `held_start`: each role
/// that takes a stage of a request gets a plan that keeps its steps before
/// the date and then sets its capacity (a weekly cap, or FTE) by the rule.
/// `flows` are the demand flows whose central path `Pace` follows.
pub fn held_out_supply(sc: &Scenario, rule: SupplyRule, held_start: NaiveDate, flows: &[String]) -> Vec<Change> {
    if rule == SupplyRule::Trend {
        return Vec::new();
    }
    let m = &sc.model;
    let t0 = m.warmup_days + day_of(m.start, held_start);
    let end = m.warmup_days + m.horizon_days;
    let request_work = |f: &FlowId| m.requests.iter().any(|r| r.stages.contains(f));
    let mut out = Vec::new();
    for role in m.roles.iter().filter(|r| r.skills.iter().any(request_work)) {
        let (key, base) = match role.kind {
            RoleKind::BoughtIn { per_week, .. } => ("per_week", per_week),
            _ => ("fte", role.fte),
        };
        let level = role
            .plan
            .iter()
            .filter(|s| s.at <= t0)
            .filter_map(|s| match s.change {
                PlanChange::PerWeek(w) if key == "per_week" => Some(w),
                PlanChange::Fte { fte, .. } if key == "fte" => Some(fte),
                _ => None,
            })
            .next_back()
            .unwrap_or(base);
        let mut steps: Vec<toml::Value> = match sc.value_at(&format!("roles.{}.plan", role.name)) {
            Some(toml::Value::Array(a)) => a.into_iter().filter(|s| starts_before(s, held_start)).collect(),
            _ => Vec::new(),
        };
        let reference = demand_rate(m, flows, t0 - 1.0);
        for k in 0.. {
            let Some(date) = held_start.checked_add_months(Months::new(k)) else { break };
            let t = m.warmup_days + day_of(m.start, date);
            if t >= end || (rule == SupplyRule::Constant && k > 0) {
                break;
            }
            let ratio =
                if rule == SupplyRule::Pace && reference > 0.0 { demand_rate(m, flows, t) / reference } else { 1.0 };
            let mut step = toml::Table::new();
            step.insert("from".into(), toml::Value::Datetime(date.to_string().parse().expect("a date")));
            step.insert(key.into(), (level * ratio).into());
            steps.push(toml::Value::Table(step));
        }
        out.push(Change::set(&format!("roles.{}.plan", role.name), toml::Value::Array(steps)));
    }
    out
}

/// Whether a plan step as written starts before `date`.
fn starts_before(step: &toml::Value, date: NaiveDate) -> bool {
    step.get("from").map(ToString::to_string).and_then(|s| s.parse::<NaiveDate>().ok()).is_some_and(|d| d < date)
}

/// The flows' arrivals a day at engine time `t`, on their central path.
fn demand_rate(m: &Model, flows: &[String], t: f64) -> f64 {
    flows
        .iter()
        .filter_map(|name| m.flow_id(name))
        .filter_map(|f| m.flows[f as usize].arrivals.as_ref())
        .filter_map(|a| a.segments.iter().rev().find(|s| s.start <= t).or(a.segments.first()))
        .map(|s| s.rate_per_day)
        .sum()
}

/// Each figure against the bands of its simulated values, back in the
/// figures' own size (a model `scale` times it). `figures` are in the
/// order of the model's observations.
pub fn checks(model: &Model, agg: &Aggregate, figures: &[&Figure], scale: f64) -> Vec<Check> {
    debug_assert_eq!(model.observed.len(), figures.len());
    figures
        .iter()
        .zip(&agg.observed)
        .map(|(f, band)| {
            let k = if f.is_count() { scale } else { 1.0 };
            Check {
                flow: f.series(),
                period: f.span.label(),
                actual: f.value,
                bands: [0.05, 0.1, 0.5, 0.9, 0.95].map(|q| band.quantile(q) / k),
            }
        })
        .collect()
}

/// The training figures of each series as history, for the chart.
pub fn as_history(figures: &[&Figure]) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for f in figures {
        let p = Point { span: f.span, count: f.value, completed: None, line: f.line };
        match out.iter_mut().find(|s| s.name == f.series()) {
            Some(s) => s.points.push(p),
            None => out.push(Series { name: f.series(), points: vec![p] }),
        }
    }
    out
}

/// One series' coverage: held-out figures inside P10-P90, and how wide
/// the bands are, as ± a share of their P50.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub series: String,
    pub checked: usize,
    pub inside: usize,
    pub mean_half_width: f64,
    pub max_half_width: f64,
}

impl Coverage {
    pub fn share(&self) -> f64 {
        self.inside as f64 / self.checked.max(1) as f64
    }
}

/// Half the P10-P90 band as a share of its P50.
pub fn half_width(c: &Check) -> f64 {
    (c.bands[3] - c.bands[1]) / 2.0 / c.bands[2].abs().max(f64::MIN_POSITIVE)
}

/// Coverage of each series, in order of first appearance.
pub fn by_series(checks: &[Check]) -> Vec<Coverage> {
    let mut names: Vec<&str> = Vec::new();
    for c in checks {
        if !names.contains(&c.flow.as_str()) {
            names.push(&c.flow);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let rows: Vec<&Check> = checks.iter().filter(|c| c.flow == name).collect();
            let widths: Vec<f64> = rows.iter().map(|c| half_width(c)).collect();
            Coverage {
                series: name.to_string(),
                checked: rows.len(),
                inside: rows.iter().filter(|c| c.in_80()).count(),
                mean_half_width: widths.iter().sum::<f64>() / widths.len().max(1) as f64,
                max_half_width: widths.iter().copied().fold(0.0, f64::max),
            }
        })
        .collect()
}
