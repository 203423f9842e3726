//! The checked model the engine runs. Only `scenario::check` builds one, so
//! every value here has passed validation: rates are finite and
//! non-negative, routes point at real flows, every flow someone can do.

pub mod dist;
pub mod periods;

pub use dist::Dist;
pub use periods::{PeriodKind, Periods};

use chrono::NaiveDate;

pub type FlowId = u16;
pub type RoleId = u16;

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: String,
    /// The first reported date. Simulated time 0 is `warmup_days` before it.
    pub start: NaiveDate,
    /// Days simulated before `start` and left out of every output, so a
    /// system that starts empty can reach its working level first.
    pub warmup_days: f64,
    /// Days reported from `start`.
    pub horizon_days: f64,
    pub periods: Periods,
    pub flows: Vec<Flow>,
    pub roles: Vec<Role>,
    pub workers: Vec<Worker>,
}

impl Model {
    pub fn flow_id(&self, name: &str) -> Option<FlowId> {
        self.flows.iter().position(|f| f.name == name).map(|i| i as FlowId)
    }

    pub fn role_id(&self, name: &str) -> Option<RoleId> {
        self.roles.iter().position(|r| r.name == name).map(|i| i as RoleId)
    }

    /// Engine time at which simulation stops.
    pub fn end_time(&self) -> f64 {
        self.warmup_days + self.horizon_days
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOrder {
    /// First come, first served.
    Fifo,
    /// Earliest deadline first; items without a deadline go last.
    Deadline,
}

#[derive(Debug, Clone)]
pub struct Flow {
    pub name: String,
    /// Lower numbers are allocated first.
    pub priority: u32,
    pub order: QueueOrder,
    /// Hours of a worker's casework time one item takes.
    pub effort_hours: Dist,
    /// Least elapsed days over which the effort is spread (visits, calls,
    /// waiting on others); `None` means as fast as the worker's hours allow.
    pub duration_days: Option<Dist>,
    pub deadline_days: Option<f64>,
    pub arrivals: Option<Arrivals>,
    /// Outcomes on completion; each group picks at most one route.
    pub route_groups: Vec<RouteGroup>,
    /// Workers who may take this flow, in worker order.
    pub eligible: Vec<u32>,
}

/// Exogenous arrivals: a Poisson process whose rate is constant on each
/// segment. Segment boundaries are in engine time (warm-up included).
#[derive(Debug, Clone)]
pub struct Arrivals {
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub start: f64,
    pub rate_per_day: f64,
}

impl Arrivals {
    pub fn constant(rate_per_day: f64) -> Arrivals {
        Arrivals { segments: vec![Segment { start: 0.0, rate_per_day }] }
    }

    /// Expected arrivals in engine time [a, b).
    pub fn expected(&self, a: f64, b: f64) -> f64 {
        let mut total = 0.0;
        for (i, s) in self.segments.iter().enumerate() {
            let end = self.segments.get(i + 1).map_or(f64::INFINITY, |n| n.start);
            let lo = s.start.max(a);
            let hi = end.min(b);
            if hi > lo {
                total += (hi - lo) * s.rate_per_day;
            }
        }
        total
    }
}

#[derive(Debug, Clone)]
pub struct RouteGroup {
    pub name: String,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub to: FlowId,
    pub probability: f64,
    /// Days until the follow-up is due; `None` means at once.
    pub delay_days: Option<Dist>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub fte: f64,
    pub hours_per_week: f64,
    /// Share of contracted hours spent on casework (after supervision,
    /// admin, training and travel).
    pub casework_share: f64,
    pub caseload_cap: u32,
    pub skills: Vec<FlowId>,
}

/// One person (or part-time post) in post.
#[derive(Debug, Clone)]
pub struct Worker {
    pub role: RoleId,
    /// Casework hours delivered per day while working.
    pub hours_per_day: f64,
    pub caseload_cap: u32,
    /// Flows this worker takes, highest priority first.
    pub skills: Vec<FlowId>,
}
