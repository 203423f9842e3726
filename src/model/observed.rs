//! Where a council stands: figures it observed (its DoLS return, its
//! waiting lists), each of a measure the simulation also produces, so a
//! run can say whether it reproduces them and calibration can make it.

use std::ops::Range;

use crate::results::{FlowMetric, RepResult, RequestMetric};

/// What an observation is of: requests taken together (the DoLS backlog
/// is urgent and standard requests), or one flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Requests(Vec<usize>),
    Flow(usize),
}

/// An observed measure, as councils report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Received in the window.
    Received,
    /// Completed in the window, as DoLS returns count them: decided, or
    /// closed without a decision.
    Completed,
    /// Decided (assessed and signed off) in the window.
    Decided,
    /// Ended without a decision in the window.
    ClosedUndecided,
    /// % of completions that ended without a decision.
    ClosedSharePct,
    /// % of completions within the deadline.
    WithinDeadlinePct,
    /// Mean days from request to completion.
    MeanDays,
    /// Not yet completed at the end of the window (the backlog).
    Backlog,
    /// Waiting for someone to take them, at the end of the window.
    Waiting,
}

impl Measure {
    pub const ALL: [Measure; 9] = [
        Measure::Received,
        Measure::Completed,
        Measure::Decided,
        Measure::ClosedUndecided,
        Measure::ClosedSharePct,
        Measure::WithinDeadlinePct,
        Measure::MeanDays,
        Measure::Backlog,
        Measure::Waiting,
    ];

    /// The name a scenario file gives it.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Received => "received",
            Measure::Completed => "completed",
            Measure::Decided => "decided",
            Measure::ClosedUndecided => "closed_undecided",
            Measure::ClosedSharePct => "closed_share",
            Measure::WithinDeadlinePct => "within_deadline",
            Measure::MeanDays => "mean_days",
            Measure::Backlog => "backlog",
            Measure::Waiting => "waiting",
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.key() == s)
    }

    /// In a few words, for a table row.
    pub fn words(self) -> &'static str {
        match self {
            Measure::Received => "received",
            Measure::Completed => "completed (decided or closed)",
            Measure::Decided => "decided",
            Measure::ClosedUndecided => "closed without a decision",
            Measure::ClosedSharePct => "% of completions closed without a decision",
            Measure::WithinDeadlinePct => "% completed within the deadline",
            Measure::MeanDays => "mean days to completion",
            Measure::Backlog => "not completed (the backlog)",
            Measure::Waiting => "waiting",
        }
    }

    /// A level at a moment, rather than a sum or share over a window.
    pub fn is_level(self) -> bool {
        matches!(self, Measure::Backlog | Measure::Waiting)
    }

    pub fn is_pct(self) -> bool {
        matches!(self, Measure::ClosedSharePct | Measure::WithinDeadlinePct)
    }

    pub fn is_days(self) -> bool {
        self == Measure::MeanDays
    }

    /// Whether a flow (not a request) has it.
    pub fn of_flows(self) -> bool {
        !matches!(self, Measure::Decided | Measure::ClosedUndecided | Measure::ClosedSharePct)
    }
}

/// Where one replication's value of an observed figure is read: a measure
/// of a subject over reporting periods (a level at the end of the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub of: Subject,
    pub measure: Measure,
    pub periods: Range<usize>,
}

impl Reading {
    /// The value in one replication; NaN where it does not exist (a share
    /// of no completions).
    pub fn read(&self, r: &RepResult) -> f64 {
        let mut t = Tally::default();
        match &self.of {
            Subject::Requests(list) => {
                for &q in list {
                    t.add_request(r, q, self.measure, self.periods.clone());
                }
            }
            Subject::Flow(f) => t.add_flow(r, *f, self.measure, self.periods.clone()),
        }
        t.value(self.measure)
    }
}

/// Sums that a windowed measure is made of.
#[derive(Debug, Default)]
struct Tally {
    sum: f64,
    weighted: f64,
    weight: f64,
}

impl Tally {
    fn add_request(&mut self, r: &RepResult, q: usize, m: Measure, periods: Range<usize>) {
        let v = |p: usize, k: RequestMetric| r.request_period(q, p, k);
        if m.is_level() {
            let last = periods.end - 1;
            let k = if m == Measure::Backlog { RequestMetric::Open } else { RequestMetric::Waiting };
            self.sum += v(last, k);
            return;
        }
        for p in periods {
            let completed = v(p, RequestMetric::Completed);
            match m {
                Measure::Received => self.sum += v(p, RequestMetric::Arrivals),
                Measure::Completed => self.sum += completed,
                Measure::Decided => self.sum += v(p, RequestMetric::Decided),
                Measure::ClosedUndecided => self.sum += v(p, RequestMetric::Withdrawn),
                Measure::ClosedSharePct => self.share(100.0 * v(p, RequestMetric::Withdrawn), completed),
                Measure::WithinDeadlinePct => self.mean(v(p, RequestMetric::WithinDeadlinePct), completed),
                Measure::MeanDays => self.mean(v(p, RequestMetric::MeanDaysToCompletion), completed),
                Measure::Backlog | Measure::Waiting => unreachable!("levels are read above"),
            }
        }
    }

    fn add_flow(&mut self, r: &RepResult, f: usize, m: Measure, periods: Range<usize>) {
        let v = |p: usize, k: FlowMetric| r.flow_period(f, p, k);
        if m.is_level() {
            let last = periods.end - 1;
            let k = if m == Measure::Backlog { FlowMetric::Open } else { FlowMetric::Waiting };
            self.sum += v(last, k);
            return;
        }
        for p in periods {
            let completed = v(p, FlowMetric::Completed);
            match m {
                Measure::Received => self.sum += v(p, FlowMetric::Arrivals),
                Measure::Completed => self.sum += completed,
                Measure::WithinDeadlinePct => self.mean(v(p, FlowMetric::WithinDeadlinePct), completed),
                Measure::MeanDays => self.mean(v(p, FlowMetric::MeanDaysToComplete), completed),
                _ => unreachable!("the checks keep request-only measures off flows"),
            }
        }
    }

    /// A per-period mean (or share) over `n` items, weighted by them.
    fn mean(&mut self, v: f64, n: f64) {
        if n > 0.0 && v.is_finite() {
            self.weighted += v * n;
            self.weight += n;
        }
    }

    /// A part (already scaled) of `n` items.
    fn share(&mut self, part: f64, n: f64) {
        self.weighted += part;
        self.weight += n;
    }

    fn value(&self, m: Measure) -> f64 {
        match m {
            Measure::ClosedSharePct | Measure::WithinDeadlinePct | Measure::MeanDays => {
                if self.weight > 0.0 {
                    self.weighted / self.weight
                } else {
                    f64::NAN
                }
            }
            _ => self.sum,
        }
    }
}

/// A figure the council observed, and how close the model must come.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub reading: Reading,
    pub value: f64,
    /// How far the simulated figure (its mean over futures) may be from
    /// the value, in the measure's own unit (points for a %).
    pub tolerance: f64,
    /// "standard DoLS requests", "urgent and standard DoLS requests".
    pub subject: String,
    /// "in 2026/27", "at the end of March 2027".
    pub when: String,
    /// Where the figure comes from, as the scenario says.
    pub source: Option<String>,
}

impl Observation {
    /// "standard DoLS requests: % completed within the deadline in 2026/27".
    pub fn label(&self) -> String {
        format!("{}: {} {}", self.subject, self.reading.measure.words(), self.when)
    }

    /// Whether a simulated value reproduces the observed one.
    pub fn reproduced_by(&self, simulated: f64) -> bool {
        simulated.is_finite() && (simulated - self.value).abs() <= self.tolerance
    }

    /// How far a simulated value is from the observed, in tolerances.
    pub fn misfit(&self, simulated: f64) -> f64 {
        if simulated.is_finite() { (simulated - self.value) / self.tolerance } else { f64::INFINITY }
    }
}

/// The default tolerance of an observed value: 5 points for a share, else
/// 15% of the value (at least 1).
pub fn default_tolerance(m: Measure, value: f64) -> f64 {
    if m.is_pct() { 5.0 } else { (0.15 * value.abs()).max(1.0) }
}
