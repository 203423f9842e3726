//! A replication's activity and staffing as history rows, in the same
//! tidy shape `caseflow fit` reads: for synthetic histories and for
//! checking that fitting recovers what the simulator was given.

use chrono::Days;

use super::read::{STAFF_EXTRA, Span};
use crate::model::Model;
use crate::results::{FlowMetric, RepResult, RoleMetric, Scope, WorkforceMetric, workforce_scopes};
use crate::units::DAYS_PER_YEAR;

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub period: String,
    pub flow: String,
    pub count: f64,
    /// Items completed, for scenarios with caseloads of people (the health
    /// check reads it).
    pub completed: Option<f64>,
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
    /// The health check's columns (`STAFF_EXTRA`), for scenarios that
    /// track the workforce; empty otherwise.
    pub extra: Vec<f64>,
}

fn span(m: &Model, p: usize) -> Span {
    let start = m.periods.starts[p];
    Span { start, end: start + Days::new(m.periods.days(p).0.round() as u64) }
}

/// Arrivals of every flow with arrivals of its own, period by period; with
/// caseloads of people, also every flow of people's work (a council's
/// records count assessments and reviews however they arose), so that
/// last year's work completed per worker counts all of it.
pub fn activity(m: &Model, r: &RepResult) -> Vec<ActivityRow> {
    let mut out = Vec::new();
    for p in 0..m.periods.len() {
        let period = span(m, p).label();
        for (f, flow) in m.flows.iter().enumerate() {
            if flow.arrivals.is_some() || (flow.people && m.tracks_workforce()) {
                out.push(ActivityRow {
                    period: period.clone(),
                    flow: flow.name.clone(),
                    count: r.flow_period(f, p, FlowMetric::Arrivals),
                    completed: m.tracks_workforce().then(|| r.flow_period(f, p, FlowMetric::Completed)),
                });
            }
        }
    }
    out
}

/// Starters, leavers, staff in post and vacancies of every staff role.
pub fn staff(m: &Model, r: &RepResult) -> Vec<StaffRow> {
    let scopes = workforce_scopes(m);
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
                extra: match scopes.iter().position(|&s| s == Scope::Role(x)) {
                    Some(s) => extra(m, r, s, p, get(RoleMetric::Agency)),
                    None => Vec::new(),
                },
            });
        }
    }
    out
}

/// The health check's columns of one role and period, as a council's
/// records would give them: agency FTE, sickness days, ASYE workers and
/// those within their protected caseload, people allocated and
/// supervision hours. Sickness days and people allocated are the
/// period's rates times the staff in post at its end, rounded.
fn extra(m: &Model, r: &RepResult, s: usize, p: usize, agency: f64) -> Vec<f64> {
    let w = |k| r.workforce_period(s, p, k);
    let days = m.periods.days(p).0;
    let staff = w(WorkforceMetric::Staff);
    let sick = w(WorkforceMetric::SicknessDays) * staff * days / DAYS_PER_YEAR;
    let asye = w(WorkforceMetric::AsyeInPost);
    let within = asye * w(WorkforceMetric::AsyeProtectedPct) / 100.0;
    let values = [
        agency,
        if sick.is_finite() { sick.round() } else { 0.0 },
        asye,
        if within.is_finite() { within.round() } else { 0.0 },
        w(WorkforceMetric::PeopleAllocatedTotal).round(),
        w(WorkforceMetric::SupervisionPlannedHours),
        w(WorkforceMetric::SupervisionDeliveredHours),
    ];
    debug_assert_eq!(values.len(), STAFF_EXTRA.len());
    values.iter().map(|v| if v.is_finite() { *v } else { 0.0 }).collect()
}
