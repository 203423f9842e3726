//! A measure a user can name: a figure read from one replication's results
//! (for paired differences and targets) and from an aggregate (for its
//! band), over the whole horizon or at the end of one period.

use crate::model::Model;
use crate::results::{
    BudgetMetric, FlowKpi, FlowMetric, RepResult, RequestKpi, RequestMetric, RoleKpi, RoleMetric, TotalMetric,
    WAIT_BIN_DAYS, WAIT_BINS, WorkforceMetric, YearMetric,
};
use crate::stats::{Aggregate, Band};

/// Where a measure's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Total(TotalMetric),
    Flow(usize, FlowKpi),
    Role(usize, RoleKpi),
    Request(usize, RequestKpi),
    /// In (or at the end of) reporting period `p`.
    TotalAt(TotalMetric, usize),
    FlowAt(usize, FlowMetric, usize),
    RoleAt(usize, RoleMetric, usize),
    RequestAt(usize, RequestMetric, usize),
    /// A quantile (in thousandths) of the days a flow's items waited for
    /// allocation over the horizon, in whole days.
    WaitQuantile(usize, u16),
    /// In financial year `y` (an index into the model's years).
    Year(usize, YearMetric),
    /// Budget line `l` in financial year `y`.
    Budget(usize, usize, BudgetMetric),
    /// A workforce measure of scope `s` (an index into
    /// `results::workforce_scopes`), over the horizon or in period `p`.
    Workforce(usize, WorkforceMetric),
    WorkforceAt(usize, WorkforceMetric, usize),
}

impl Reading {
    pub fn read(self, r: &RepResult) -> f64 {
        match self {
            Reading::Total(t) => r.total_kpi(t),
            Reading::Flow(f, k) => r.flow_kpi(f, k),
            Reading::Role(x, k) => r.role_kpi(x, k),
            Reading::Request(q, k) => r.request_kpi(q, k),
            Reading::TotalAt(t, p) => r.total_period(p, t),
            Reading::FlowAt(f, m, p) => r.flow_period(f, p, m),
            Reading::RoleAt(x, m, p) => r.role_period(x, p, m),
            Reading::RequestAt(q, m, p) => r.request_period(q, p, m),
            Reading::WaitQuantile(f, q) => wait_quantile(r, f, f64::from(q) / 1000.0),
            Reading::Year(y, k) => r.year_totals[y * YearMetric::COUNT + k as usize],
            Reading::Budget(l, y, k) => {
                let years = r.year_totals.len() / YearMetric::COUNT;
                r.budget[(l * years + y) * BudgetMetric::COUNT + k as usize]
            }
            Reading::Workforce(s, k) => r.workforce_kpi(s, k),
            Reading::WorkforceAt(s, k, p) => r.workforce_period(s, p, k),
        }
    }

    /// The band of the measure in an aggregate; `None` for a measure that
    /// only replications hold (a quantile of each one's waits).
    pub fn band(self, a: &Aggregate) -> &Band {
        self.band_of(a).expect("a measure with a band")
    }

    pub fn band_of(self, a: &Aggregate) -> Option<&Band> {
        Some(match self {
            Reading::Total(t) => a.total_kpi(t),
            Reading::Flow(f, k) => a.flow_kpi(f, k),
            Reading::Role(x, k) => a.role_kpi(x, k),
            Reading::Request(q, k) => a.request_kpi(q, k),
            Reading::TotalAt(t, p) => a.total_period(p, t),
            Reading::FlowAt(f, m, p) => a.flow_period(f, p, m),
            Reading::RoleAt(x, m, p) => a.role_period(x, p, m),
            Reading::RequestAt(q, m, p) => a.request_period(q, p, m),
            Reading::WaitQuantile(..) => return None,
            Reading::Year(y, k) => a.year_total(y, k),
            Reading::Budget(l, y, k) => a.budget(l, y, k),
            Reading::Workforce(s, k) => a.workforce_kpi(s, k),
            Reading::WorkforceAt(s, k, p) => a.workforce_period(s, p, k),
        })
    }

    /// The period read, if the measure is at one.
    pub fn period(self) -> Option<usize> {
        match self {
            Reading::TotalAt(_, p)
            | Reading::FlowAt(_, _, p)
            | Reading::RoleAt(_, _, p)
            | Reading::RequestAt(_, _, p)
            | Reading::WorkforceAt(_, _, p) => Some(p),
            _ => None,
        }
    }
}

/// Quantile `q` of the whole days a flow's items waited in one
/// replication; NaN when none was allocated.
fn wait_quantile(r: &RepResult, f: usize, q: f64) -> f64 {
    let hist = &r.wait_hist[f * WAIT_BINS..(f + 1) * WAIT_BINS];
    let total: u64 = hist.iter().map(|&c| u64::from(c)).sum();
    if total == 0 {
        return f64::NAN;
    }
    let need = (q * total as f64).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (days, &c) in hist.iter().enumerate() {
        seen += u64::from(c);
        if seen >= need {
            return days as f64 * WAIT_BIN_DAYS;
        }
    }
    (WAIT_BINS - 1) as f64 * WAIT_BIN_DAYS
}

/// A measure by its names, as the tables print them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// "scenario", "request", "flow" or "role".
    pub scope: &'static str,
    /// The flow, request or role (or "total").
    pub name: String,
    pub metric: &'static str,
    pub reading: Reading,
}

/// Every measure of a model over the whole horizon, or, with `at`, in (or
/// at the end of) that reporting period.
pub fn all(m: &Model, at: Option<usize>) -> Vec<Named> {
    let mut out = Vec::new();
    let total = |t: TotalMetric| Named {
        scope: "scenario",
        name: "total".into(),
        metric: t.name(),
        reading: match at {
            None => Reading::Total(t),
            Some(p) => Reading::TotalAt(t, p),
        },
    };
    out.extend(
        TotalMetric::ALL.iter().filter(|&&t| at.is_some() || t != TotalMetric::CostCumulative).map(|&t| total(t)),
    );
    for (q, request) in m.requests.iter().enumerate() {
        match at {
            None => out.extend(RequestKpi::ALL.iter().map(|&k| Named {
                scope: "request",
                name: request.name.clone(),
                metric: k.name(),
                reading: Reading::Request(q, k),
            })),
            Some(p) => out.extend(RequestMetric::ALL.iter().map(|&k| Named {
                scope: "request",
                name: request.name.clone(),
                metric: k.name(),
                reading: Reading::RequestAt(q, k, p),
            })),
        }
    }
    for (f, flow) in m.flows.iter().enumerate() {
        match at {
            None => out.extend(FlowKpi::ALL.iter().map(|&k| Named {
                scope: "flow",
                name: flow.name.clone(),
                metric: k.name(),
                reading: Reading::Flow(f, k),
            })),
            Some(p) => out.extend(FlowMetric::ALL.iter().map(|&k| Named {
                scope: "flow",
                name: flow.name.clone(),
                metric: k.name(),
                reading: Reading::FlowAt(f, k, p),
            })),
        }
    }
    if at.is_none() {
        out.extend(year_measures(m));
    }
    for (x, role) in m.roles.iter().enumerate() {
        match at {
            None => out.extend(RoleKpi::ALL.iter().map(|&k| Named {
                scope: "role",
                name: role.name.clone(),
                metric: k.name(),
                reading: Reading::Role(x, k),
            })),
            Some(p) => out.extend(RoleMetric::ALL.iter().map(|&k| Named {
                scope: "role",
                name: role.name.clone(),
                metric: k.name(),
                reading: Reading::RoleAt(x, k, p),
            })),
        }
    }
    out
}

/// The measures of each financial year, and of each budget line in it:
/// over the horizon only, as a year is not a reporting period.
fn year_measures(m: &Model) -> Vec<Named> {
    let mut out = Vec::new();
    for (y, fy) in m.years.iter().enumerate() {
        out.extend(YearMetric::ALL.iter().map(|&k| Named {
            scope: "year",
            name: fy.label.clone(),
            metric: k.name(),
            reading: Reading::Year(y, k),
        }));
        for (l, line) in m.budget.iter().enumerate() {
            out.extend(BudgetMetric::ALL.iter().map(|&k| Named {
                scope: "budget",
                name: format!("{} {}", line.item.key(), fy.label),
                metric: k.name(),
                reading: Reading::Budget(l, y, k),
            }));
        }
    }
    out
}
