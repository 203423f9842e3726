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
use crate::units::DAYS_PER_YEAR;

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
    /// History rows not used (or used only in part), and why.
    pub dropped: Vec<Dropped>,
    /// Why "last year" is not twelve months, when it is not.
    pub short: Vec<String>,
}

/// Rows of one history, for one role or flow, left out for one reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    /// "staff" or "activity".
    pub history: &'static str,
    pub name: String,
    pub lines: Vec<u64>,
    pub why: String,
}

impl Dropped {
    /// Lines as a reader scans them: "2-13, 40".
    pub fn line_list(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < self.lines.len() {
            let mut j = i;
            while j + 1 < self.lines.len() && self.lines[j + 1] == self.lines[j] + 1 {
                j += 1;
            }
            out.push(if j > i { format!("{}-{}", self.lines[i], self.lines[j]) } else { self.lines[i].to_string() });
            i = j + 1;
        }
        out.join(", ")
    }
}

/// Record `line` against (history, name, why), keeping one entry each.
fn drop_row(dropped: &mut Vec<Dropped>, history: &'static str, name: &str, line: u64, why: String) {
    match dropped.iter_mut().find(|d| d.history == history && d.name == name && d.why == why) {
        Some(d) => d.lines.push(line),
        None => dropped.push(Dropped { history, name: name.to_string(), lines: vec![line], why }),
    }
}

impl Observed {
    pub fn get(&self, scope: &str, name: &str, metric: &str) -> Option<f64> {
        self.rows.iter().find(|r| r.scope == scope && r.name == name && r.metric == metric).map(|r| r.value)
    }

    /// What a person reading only the terminal must know: a year that is
    /// not twelve months, and rows whose name the scenario does not have.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = self.short.clone();
        for d in self.dropped.iter().filter(|d| !d.why.starts_with("outside")) {
            out.push(format!(
                "the {} history's {} '{}' ({} {}): {}",
                d.history,
                if d.history == "staff" { "role" } else { "flow" },
                d.name,
                if d.lines.len() == 1 { "line" } else { "lines" },
                d.line_list(),
                d.why
            ));
        }
        out
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
        let year = DAYS_PER_YEAR / self.days();
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
    let notes = Vec::new();
    let History::Staff(roles) = staff else {
        unreachable!("the caller passes staff history first");
    };
    let end = roles.iter().flat_map(|(_, ps)| ps.iter().map(|p| p.span.end)).max().unwrap_or(m.start);
    let from = end.checked_sub_months(Months::new(12)).unwrap_or(end);
    let outside = format!("outside last year ({from} to {}): not used", end.pred_opt().unwrap_or(end));
    let year = LastYear { from, end, outside };
    let mut dropped = Vec::new();
    let (mut rows, total) = staff_rows(m, roles, &year, &mut dropped);
    let mut short = Vec::new();
    if total.days() < 360.0 {
        short.push(format!(
            "\"last year\" is not twelve months: the staff history covers {:.0} days to {}, so its rates are scaled up to a year from part of one",
            total.days(),
            end.pred_opt().unwrap_or(end)
        ));
    }
    let (people_done, days) = activity_rows(m, activity, &year, &mut dropped, &mut rows);
    if days < 360.0 {
        short.push(format!(
            "\"last year\" is not twelve months: the activity history has {days:.0} days in the year to {}, so work completed a year is scaled up from part of one",
            end.pred_opt().unwrap_or(end)
        ));
    }
    if days > 0.0 && total.staff() > 0.0 {
        rows.push(Row {
            scope: "total",
            name: "total".into(),
            metric: WorkforceMetric::CompletedPerWorkerYear.name(),
            value: people_done / total.staff() * DAYS_PER_YEAR / days,
        });
    }
    Observed { from, to: end, rows, notes, dropped, short }
}

/// The twelve months the histories are read for, and what is said of
/// rows outside them.
struct LastYear {
    from: NaiveDate,
    end: NaiveDate,
    outside: String,
}

impl LastYear {
    fn holds(&self, s: &Span) -> bool {
        s.start >= self.from && s.end <= self.end
    }
}

/// The staff history's rows by role, by team and in total, and the total's sums.
fn staff_rows(
    m: &Model,
    roles: &[(String, Vec<StaffPoint>)],
    year: &LastYear,
    dropped: &mut Vec<Dropped>,
) -> (Vec<Row>, Sums) {
    let mut total = Sums::default();
    let mut teams: Vec<Sums> = m.teams.iter().map(|_| Sums::default()).collect();
    let mut rows = Vec::new();
    for (name, points) in roles {
        let mut sums = Sums::default();
        for p in points.iter().filter(|p| !year.holds(&p.span)) {
            drop_row(dropped, "staff", name, p.line, year.outside.clone());
        }
        for p in points.iter().filter(|p| year.holds(&p.span)) {
            if m.role_id(name).is_none() {
                let why = "not a role of the scenario: counted in the total only".to_string();
                drop_row(dropped, "staff", name, p.line, why);
            }
            sums.add(p);
            total.add(p);
            if let Some(t) = m.role_id(name).and_then(|r| m.roles[r as usize].team) {
                teams[t as usize].add(p);
            }
        }
        rows.extend(sums.rows("role", name));
    }
    for (t, sums) in teams.iter().enumerate() {
        rows.extend(sums.rows("team", &m.teams[t].name));
    }
    rows.extend(total.rows("total", "total"));
    (rows, total)
}

/// Work completed by each flow in the year (the `completed` column where
/// given, else `count`), added to `rows`; the work with people completed
/// and the days the activity history covers.
fn activity_rows(
    m: &Model,
    activity: &History,
    year: &LastYear,
    dropped: &mut Vec<Dropped>,
    rows: &mut Vec<Row>,
) -> (f64, f64) {
    let mut people_done = 0.0;
    let mut activity_days: Vec<Span> = Vec::new();
    if let History::Activity(series) = activity {
        for s in series {
            let done: f64 =
                s.points.iter().filter(|p| year.holds(&p.span)).map(|p| p.completed.unwrap_or(p.count)).sum();
            for p in &s.points {
                if !year.holds(&p.span) {
                    drop_row(dropped, "activity", &s.name, p.line, year.outside.clone());
                } else if m.flow_id(&s.name).is_none() {
                    let why = "not a flow of the scenario: its work is not counted as work with people".to_string();
                    drop_row(dropped, "activity", &s.name, p.line, why);
                }
            }
            for p in s.points.iter().filter(|p| year.holds(&p.span)) {
                if !activity_days.contains(&p.span) {
                    activity_days.push(p.span);
                }
            }
            rows.push(Row { scope: "flow", name: s.name.clone(), metric: "completed", value: done });
            if let Some(f) = m.flow_id(&s.name) {
                if m.flows[f as usize].people {
                    people_done += done;
                }
            }
        }
    }
    (people_done, activity_days.iter().map(Span::days).sum())
}
