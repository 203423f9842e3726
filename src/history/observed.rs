//! Last year as observed: workforce rates, caseloads and work completed
//! from a council's staff and activity history, in the same terms as the
//! simulated workforce measures, for the health check.
//!
//! The year is the last twelve months of the staff history (or what it
//! has, if less). Rates are worked out from the sums over the year, so a
//! team's rate is its workers', not an average of its roles':
//!
//! ```text
//! vacancy_pct    = 100 x vacancies / (in_post + vacancies)
//! agency_pct     = 100 x agency / (in_post + agency)
//! turnover_pct   = 100 x leavers / mean in_post, a year
//! sickness_days  = sickness_days / mean (in_post + agency), a year
//! people_allocated = people_allocated / (in_post + agency), at period ends
//! completed_per_worker_year = people's work completed / mean staff, a year
//! ```

use chrono::{Months, NaiveDate};

use super::read::{History, Span, StaffPoint};
use crate::model::Model;
use crate::results::WorkforceMetric;

/// One observed figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// "role", "team", "total" or "flow".
    pub scope: &'static str,
    pub name: String,
    /// A workforce measure's name, or "completed" for a flow.
    pub metric: &'static str,
    pub value: f64,
}

/// Last year, observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The first day of the year, and the day after its last.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<Row>,
    /// What was left out or could not be worked out, in words.
    pub notes: Vec<String>,
}

impl Observed {
    pub fn get(&self, scope: &str, name: &str, metric: &str) -> Option<f64> {
        self.rows.iter().find(|r| r.scope == scope && r.name == name && r.metric == metric).map(|r| r.value)
    }
}

/// Sums over a scope's points in the year.
#[derive(Default)]
struct Sums {
    spans: Vec<Span>,
    in_post: f64,
    vacancies: Option<f64>,
    agency: Option<f64>,
    leavers: f64,
    sickness: Option<f64>,
    asye: Option<f64>,
    asye_protected: Option<f64>,
    people: Option<f64>,
    due: Option<f64>,
    given: Option<f64>,
}

fn add(to: &mut Option<f64>, v: Option<f64>) {
    if let Some(v) = v {
        *to = Some(to.unwrap_or(0.0) + v);
    }
}

impl Sums {
    fn add(&mut self, p: &StaffPoint) {
        if !self.spans.contains(&p.span) {
            self.spans.push(p.span);
        }
        self.in_post += p.in_post;
        self.leavers += p.leavers;
        add(&mut self.vacancies, p.vacancies);
        let x = &p.extra;
        add(&mut self.agency, x.agency);
        add(&mut self.sickness, x.sickness_days);
        add(&mut self.asye, x.asye);
        add(&mut self.asye_protected, x.asye_protected);
        add(&mut self.people, x.people_allocated);
        add(&mut self.due, x.supervision_due_hours);
        add(&mut self.given, x.supervision_given_hours);
    }

    fn periods(&self) -> f64 {
        self.spans.len() as f64
    }

    fn days(&self) -> f64 {
        self.spans.iter().map(Span::days).sum()
    }

    /// Mean FTE in post (employed and agency) over the periods.
    fn staff(&self) -> f64 {
        (self.in_post + self.agency.unwrap_or(0.0)) / self.periods()
    }

    fn rows(&self, scope: &'static str, name: &str) -> Vec<Row> {
        let mut out = Vec::new();
        if self.spans.is_empty() {
            return out;
        }
        let year = 365.25 / self.days();
        let per = |a: f64, b: f64| if b > 0.0 { Some(a / b) } else { None };
        let staff_sum = self.in_post + self.agency.unwrap_or(0.0);
        let values = [
            (WorkforceMetric::Staff, Some(self.staff())),
            (WorkforceMetric::VacancyPct, self.vacancies.and_then(|v| per(100.0 * v, self.in_post + v))),
            (WorkforceMetric::AgencyPct, self.agency.and_then(|a| per(100.0 * a, self.in_post + a))),
            (WorkforceMetric::TurnoverPct, per(100.0 * self.leavers * year, self.in_post / self.periods())),
            (WorkforceMetric::SicknessDays, self.sickness.and_then(|d| per(d * year, self.staff()))),
            (
                WorkforceMetric::AsyeProtectedPct,
                self.asye.zip(self.asye_protected).and_then(|(a, p)| per(100.0 * p, a)),
            ),
            (WorkforceMetric::PeopleAllocated, self.people.and_then(|p| per(p, staff_sum))),
            (WorkforceMetric::SupervisionDeliveredPct, self.due.zip(self.given).and_then(|(d, g)| per(100.0 * g, d))),
        ];
        for (metric, value) in values {
            if let Some(value) = value.filter(|v| v.is_finite()) {
                out.push(Row { scope, name: name.to_string(), metric: metric.name(), value });
            }
        }
        out
    }
}

/// Last year as the histories record it, by role, team and in total, and
/// the work of each flow completed.
pub fn of(m: &Model, staff: &History, activity: &History) -> Observed {
    let mut notes = Vec::new();
    let History::Staff(roles) = staff else {
        unreachable!("the caller passes staff history first");
    };
    let end = roles.iter().flat_map(|(_, ps)| ps.iter().map(|p| p.span.end)).max().unwrap_or(m.start);
    let from = end.checked_sub_months(Months::new(12)).unwrap_or(end);
    let in_year = |s: &Span| s.start >= from && s.end <= end;
    let mut total = Sums::default();
    let mut teams: Vec<Sums> = m.teams.iter().map(|_| Sums::default()).collect();
    let mut rows = Vec::new();
    for (name, points) in roles {
        let mut sums = Sums::default();
        for p in points.iter().filter(|p| in_year(&p.span)) {
            sums.add(p);
            total.add(p);
            if let Some(t) = m.role_id(name).and_then(|r| m.roles[r as usize].team) {
                teams[t as usize].add(p);
            }
        }
        if m.role_id(name).is_none() {
            notes.push(format!(
                "the staff history's role '{name}' is not a role of the scenario: it counts in the total only"
            ));
        }
        rows.extend(sums.rows("role", name));
    }
    for (t, sums) in teams.iter().enumerate() {
        rows.extend(sums.rows("team", &m.teams[t].name));
    }
    rows.extend(total.rows("total", "total"));
    if total.days() < 360.0 {
        notes.push(format!(
            "the staff history covers {:.0} days of the year to {}, not a whole year: rates are scaled to a year",
            total.days(),
            end.pred_opt().unwrap_or(end)
        ));
    }
    // Work completed: the `completed` column where given, else `count`.
    let mut people_done = 0.0;
    let mut activity_days: Vec<Span> = Vec::new();
    if let History::Activity(series) = activity {
        for s in series {
            let done: f64 = s.points.iter().filter(|p| in_year(&p.span)).map(|p| p.completed.unwrap_or(p.count)).sum();
            for p in s.points.iter().filter(|p| in_year(&p.span)) {
                if !activity_days.contains(&p.span) {
                    activity_days.push(p.span);
                }
            }
            rows.push(Row { scope: "flow", name: s.name.clone(), metric: "completed", value: done });
            match m.flow_id(&s.name) {
                Some(f) if m.flows[f as usize].people => people_done += done,
                Some(_) => {}
                None => notes.push(format!("the activity history's flow '{}' is not a flow of the scenario", s.name)),
            }
        }
    }
    let days: f64 = activity_days.iter().map(Span::days).sum();
    if days > 0.0 && total.staff() > 0.0 {
        rows.push(Row {
            scope: "total",
            name: "total".into(),
            metric: WorkforceMetric::CompletedPerWorkerYear.name(),
            value: people_done / total.staff() * 365.25 / days,
        });
    }
    Observed { from, to: end, rows, notes }
}
