//! A replication's activity and staffing as history rows, in the same
//! tidy shape `caseflow fit` reads: for synthetic histories and for
//! checking that fitting recovers what the simulator was given.

use chrono::Days;

use super::read::Span;
use crate::model::Model;
use crate::results::{FlowMetric, RepResult, RoleMetric};

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub period: String,
    pub flow: String,
    pub count: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StaffRow {
    pub period: String,
    pub role: String,
    pub starters: f64,
    pub leavers: f64,
    /// Employed FTE in post at the end of the period.
    pub in_post: f64,
    /// FTE without an employed holder (vacant or covered by agency).
    pub vacancies: f64,
}

fn span(m: &Model, p: usize) -> Span {
    let start = m.periods.starts[p];
    Span { start, end: start + Days::new(m.periods.days(p).round() as u64) }
}

/// Arrivals of every flow with arrivals of its own, period by period.
pub fn activity(m: &Model, r: &RepResult) -> Vec<ActivityRow> {
    let mut out = Vec::new();
    for p in 0..m.periods.len() {
        let period = span(m, p).label();
        for (f, flow) in m.flows.iter().enumerate() {
            if flow.arrivals.is_some() {
                out.push(ActivityRow {
                    period: period.clone(),
                    flow: flow.name.clone(),
                    count: r.flow_period(f, p, FlowMetric::Arrivals),
                });
            }
        }
    }
    out
}

/// Starters, leavers, staff in post and vacancies of every staff role.
pub fn staff(m: &Model, r: &RepResult) -> Vec<StaffRow> {
    let mut out = Vec::new();
    for p in 0..m.periods.len() {
        let period = span(m, p).label();
        for (x, role) in m.roles.iter().enumerate() {
            if role.is_bought_in() {
                continue;
            }
            let get = |k| r.role_period(x, p, k);
            out.push(StaffRow {
                period: period.clone(),
                role: role.name.clone(),
                starters: get(RoleMetric::Starters),
                leavers: get(RoleMetric::Leavers),
                in_post: get(RoleMetric::Staff) - get(RoleMetric::Agency),
                vacancies: get(RoleMetric::Vacant) + get(RoleMetric::Agency),
            });
        }
    }
    out
}
