//! Where a council stands: figures it observed (its DoLS return, its
//! waiting lists), each of a measure the simulation also produces, so a
//! run can say whether it reproduces them and calibration can make it.

use std::ops::Range;

/// What an observation is of: requests taken together (the DoLS backlog
/// is urgent and standard requests), flows taken together (waiting
/// lists that share one list of work), or the workers of roles taken
/// together (social workers, those who are BIAs included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Requests(Vec<usize>),
    Flows(Vec<usize>),
    /// Roles by their place among the workforce tables' scopes (staff
    /// roles, in the model's order, bought-in roles left out).
    Workers(Vec<usize>),
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
    /// People allocated per worker in post (a caseload as social workers
    /// count it), in the window's last period.
    PeopleAllocated,
}

impl Measure {
    pub const ALL: [Measure; 10] = [
        Measure::Received,
        Measure::Completed,
        Measure::Decided,
        Measure::ClosedUndecided,
        Measure::ClosedSharePct,
        Measure::WithinDeadlinePct,
        Measure::MeanDays,
        Measure::Backlog,
        Measure::Waiting,
        Measure::PeopleAllocated,
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
            Measure::PeopleAllocated => "people_allocated",
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
            Measure::PeopleAllocated => "people allocated per worker",
        }
    }

    /// A level at a moment, rather than a sum or share over a window.
    pub fn is_level(self) -> bool {
        matches!(self, Measure::Backlog | Measure::Waiting | Measure::PeopleAllocated)
    }

    pub fn is_pct(self) -> bool {
        matches!(self, Measure::ClosedSharePct | Measure::WithinDeadlinePct)
    }

    pub fn is_days(self) -> bool {
        self == Measure::MeanDays
    }

    /// Whether a flow (not a request) has it.
    pub fn of_flows(self) -> bool {
        !matches!(
            self,
            Measure::Decided | Measure::ClosedUndecided | Measure::ClosedSharePct | Measure::PeopleAllocated
        )
    }

    /// Whether workers have it: the one measure of roles.
    pub fn of_workers(self) -> bool {
        self == Measure::PeopleAllocated
    }
}

/// Where one replication's value of an observed figure is read: a measure
/// of a subject over reporting periods (a level at the end of the last).
/// The reading itself (`Reading::read`) is in results.rs, beside what a
/// replication records, which the checked model does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub of: Subject,
    pub measure: Measure,
    pub periods: Range<usize>,
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
