//! Bands over replications as data frames: the only place that builds
//! polars tables. Every table carries the reproducibility stamp. The
//! `report` module turns the same bands into a report's plain data.

pub mod backtest;
pub mod calibration;
pub mod compare;
pub mod doc;
pub mod health;
pub mod report;
pub mod staff;
pub mod words;

use polars::prelude::*;

use crate::model::Model;
use crate::results::{
    AreaMetric, BudgetMetric, FlowKpi, FlowMetric, PEOPLE_BINS, RequestKpi, RequestMetric, RoleKpi, RoleMetric,
    TotalMetric, WAIT_BIN_DAYS, WAIT_BINS, WorkforceMetric, YearMetric, workforce_scopes,
};
use crate::stats::{Aggregate, Band};

/// What is needed to reproduce a figure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stamp {
    pub scenario: String,
    pub scenario_sha256: String,
    #[serde(serialize_with = "seed_for_toml")]
    pub seed: u64,
    pub replications: u64,
    pub version: String,
}

impl Stamp {
    pub fn new(scenario: &str, sha256: &str, seed: u64, replications: u64) -> Stamp {
        Stamp {
            scenario: scenario.to_string(),
            scenario_sha256: sha256.to_string(),
            seed,
            replications,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// A seed as TOML can hold it: an integer up to 2^63 - 1, beyond that the
/// same digits as text (`seed = "18446744073709551615"`), which `--seed`
/// takes back as given.
fn seed_for_toml<S: serde::Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
    match i64::try_from(*seed) {
        Ok(v) => s.serialize_i64(v),
        Err(_) => s.serialize_str(&seed.to_string()),
    }
}

/// The tables of one run, each with the stamp columns first.
pub struct Tables {
    pub request_periods: DataFrame,
    pub flow_periods: DataFrame,
    pub role_periods: DataFrame,
    pub totals_periods: DataFrame,
    pub year_totals: DataFrame,
    pub budget: DataFrame,
    pub kpis: DataFrame,
    pub wait_histogram: DataFrame,
    pub completion_histogram: DataFrame,
    pub balance: DataFrame,
    /// Caseloads of people, supervision and workforce rates, by role, team
    /// and everyone: empty unless the scenario uses them.
    pub workforce_periods: DataFrame,
    pub workforce_kpis: DataFrame,
    pub caseload_histogram: DataFrame,
}

impl Tables {
    /// (file stem, table) pairs in a fixed order.
    pub fn named(&mut self) -> [(&'static str, &mut DataFrame); 13] {
        [
            ("request_periods", &mut self.request_periods),
            ("flow_periods", &mut self.flow_periods),
            ("role_periods", &mut self.role_periods),
            ("totals_periods", &mut self.totals_periods),
            ("year_totals", &mut self.year_totals),
            ("budget", &mut self.budget),
            ("kpis", &mut self.kpis),
            ("wait_histogram", &mut self.wait_histogram),
            ("completion_histogram", &mut self.completion_histogram),
            ("balance", &mut self.balance),
            ("workforce_periods", &mut self.workforce_periods),
            ("workforce_kpis", &mut self.workforce_kpis),
            ("caseload_histogram", &mut self.caseload_histogram),
        ]
    }
}

/// The quantiles reported for every band.
pub const QUANTILES: [(&str, f64); 3] = [("p10", 0.1), ("p50", 0.5), ("p90", 0.9)];

fn opt(v: f64) -> Option<f64> {
    if v.is_finite() { Some(v) } else { None }
}

/// Columns built up row by row.
#[derive(Default)]
pub(crate) struct Builder {
    text: Vec<(&'static str, Vec<String>)>,
    ints: Vec<(&'static str, Vec<i64>)>,
    nums: Vec<(&'static str, Vec<Option<f64>>)>,
    order: Vec<(&'static str, char)>,
    rows: usize,
}

impl Builder {
    pub(crate) fn text(&mut self, name: &'static str, v: impl Into<String>) {
        push_col(&mut self.text, &mut self.order, 't', name, v.into());
    }
    pub(crate) fn int(&mut self, name: &'static str, v: i64) {
        push_col(&mut self.ints, &mut self.order, 'i', name, v);
    }
    pub(crate) fn num(&mut self, name: &'static str, v: f64) {
        push_col(&mut self.nums, &mut self.order, 'n', name, opt(v));
    }
    pub(crate) fn band(&mut self, b: &Band) {
        self.num("mean", b.mean());
        for (name, q) in QUANTILES {
            self.num(name, b.quantile(q));
        }
        self.int("replications_with_value", b.count() as i64);
    }
    pub(crate) fn end_row(&mut self) {
        self.rows += 1;
    }

    pub(crate) fn finish(self, stamp: &Stamp) -> PolarsResult<DataFrame> {
        let n = self.rows;
        let mut columns = vec![
            // The scenario's SHA-256 is in run.toml, not on every row.
            Column::new("scenario".into(), vec![stamp.scenario.as_str(); n]),
            // Unsigned, as seeds are: every u64 seed is written as given.
            Column::new("seed".into(), vec![stamp.seed; n]),
            Column::new("replications".into(), vec![stamp.replications as i64; n]),
            Column::new("version".into(), vec![stamp.version.as_str(); n]),
        ];
        let Builder { mut text, mut ints, mut nums, order, .. } = self;
        for (name, kind) in order {
            let col = match kind {
                't' => take(&mut text, name).map(|v| Column::new(name.into(), v)),
                'i' => take(&mut ints, name).map(|v| Column::new(name.into(), v)),
                _ => take(&mut nums, name).map(|v| Column::new(name.into(), v)),
            };
            columns.push(col.expect("column recorded in order"));
        }
        DataFrame::new(n, columns)
    }
}

fn push_col<T>(
    cols: &mut Vec<(&'static str, Vec<T>)>,
    order: &mut Vec<(&'static str, char)>,
    kind: char,
    name: &'static str,
    v: T,
) {
    match cols.iter_mut().find(|(n, _)| *n == name) {
        Some((_, values)) => values.push(v),
        None => {
            cols.push((name, vec![v]));
            order.push((name, kind));
        }
    }
}

fn take<T>(cols: &mut Vec<(&'static str, Vec<T>)>, name: &str) -> Option<Vec<T>> {
    let i = cols.iter().position(|(n, _)| *n == name)?;
    Some(cols.swap_remove(i).1)
}

pub fn tables(model: &Model, agg: &Aggregate, stamp: &Stamp) -> PolarsResult<Tables> {
    Ok(Tables {
        request_periods: request_periods(model, agg).finish(stamp)?,
        flow_periods: flow_periods(model, agg).finish(stamp)?,
        role_periods: role_periods(model, agg).finish(stamp)?,
        totals_periods: totals_periods(model, agg).finish(stamp)?,
        year_totals: year_totals(model, agg).finish(stamp)?,
        budget: budget(model, agg).finish(stamp)?,
        kpis: kpis(model, agg).finish(stamp)?,
        wait_histogram: histogram(model, |f| agg.wait_hist(f)).finish(stamp)?,
        completion_histogram: histogram(model, |f| agg.done_hist(f)).finish(stamp)?,
        balance: balance(model, agg).finish(stamp)?,
        workforce_periods: workforce_periods(model, agg).finish(stamp)?,
        workforce_kpis: workforce_kpis(model, agg).finish(stamp)?,
        caseload_histogram: caseload_histogram(model, agg).finish(stamp)?,
    })
}

fn workforce_periods(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for (s, scope) in workforce_scopes(model).into_iter().enumerate() {
        for p in 0..model.periods.len() {
            for m in WorkforceMetric::ALL {
                b.text("scope", scope.kind());
                b.text("name", scope.name(model));
                period_columns(&mut b, model, p);
                b.text("metric", m.name());
                b.band(agg.workforce_period(s, p, m));
                b.end_row();
            }
        }
    }
    b
}

/// The workforce measures over the whole horizon, in the shape of `kpis`.
fn workforce_kpis(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for (s, scope) in workforce_scopes(model).into_iter().enumerate() {
        for m in WorkforceMetric::ALL {
            kpi_row(&mut b, scope.kind(), &scope.name(model), m.name(), agg.workforce_kpi(s, m));
        }
    }
    b
}

/// Workers in post at the ends of periods by people allocated, per staff
/// role, pooled over replications.
fn caseload_histogram(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    if agg.people_hist.is_empty() {
        return b;
    }
    for (r, role) in model.roles.iter().enumerate().filter(|(_, r)| !r.is_bought_in()) {
        let hist = agg.people_hist(r);
        let total: u64 = hist.iter().sum();
        let last_used = hist.iter().rposition(|&c| c > 0).unwrap_or(0);
        let threshold = model.health.as_ref().and_then(|h| h.caseload[r]);
        for (people, &count) in hist.iter().enumerate().take(last_used + 1) {
            b.text("role", role.name.clone());
            b.int("people", people as i64);
            b.text("or_more", if people + 1 == PEOPLE_BINS { "yes" } else { "no" });
            b.int("workers", count as i64);
            b.num("share", if total > 0 { count as f64 / total as f64 } else { f64::NAN });
            b.text("over_threshold", if threshold.is_some_and(|t| people as f64 > t) { "yes" } else { "no" });
            b.end_row();
        }
    }
    b
}

fn period_columns(b: &mut Builder, model: &Model, p: usize) {
    b.int("period", p as i64);
    b.text("period_label", model.periods.label(p));
    b.text("period_start", model.periods.starts[p].to_string());
    b.text("period_end", model.periods.last_date(p).to_string());
}

fn request_periods(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for (r, request) in model.requests.iter().enumerate() {
        for p in 0..model.periods.len() {
            for m in RequestMetric::ALL {
                b.text("request", request.name.clone());
                period_columns(&mut b, model, p);
                b.text("metric", m.name());
                b.band(agg.request_period(r, p, m));
                b.end_row();
            }
        }
    }
    b
}

fn flow_periods(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for (f, flow) in model.flows.iter().enumerate() {
        for p in 0..model.periods.len() {
            for m in FlowMetric::ALL {
                b.text("flow", flow.name.clone());
                period_columns(&mut b, model, p);
                b.text("metric", m.name());
                b.band(agg.flow_period(f, p, m));
                b.end_row();
            }
        }
    }
    b
}

fn role_periods(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for (r, role) in model.roles.iter().enumerate() {
        for p in 0..model.periods.len() {
            for m in RoleMetric::ALL {
                b.text("role", role.name.clone());
                period_columns(&mut b, model, p);
                b.text("metric", m.name());
                b.band(agg.role_period(r, p, m));
                b.end_row();
            }
        }
    }
    b
}

fn totals_periods(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for p in 0..model.periods.len() {
        for m in TotalMetric::ALL {
            period_columns(&mut b, model, p);
            b.text("metric", m.name());
            b.band(agg.total_period(p, m));
            b.end_row();
        }
    }
    b
}

fn year_totals(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for (y, fy) in model.years.iter().enumerate() {
        for m in YearMetric::ALL {
            b.text("financial_year", fy.label.clone());
            b.num("share_of_year_covered", fy.covered);
            b.text("metric", m.name());
            b.band(agg.year_total(y, m));
            b.end_row();
        }
    }
    b
}

fn budget(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for (l, line) in model.budget.iter().enumerate() {
        for (y, fy) in model.years.iter().enumerate() {
            b.text("item", line.item.key());
            b.text("financial_year", fy.label.clone());
            b.num("budget", line.per_year[y]);
            b.num("probability_over", agg.budget(l, y, BudgetMetric::Over).mean());
            b.num("expected_overspend", agg.budget(l, y, BudgetMetric::Overspend).mean());
            b.band(agg.budget(l, y, BudgetMetric::Spend));
            b.end_row();
        }
    }
    b
}

/// A row of a table in the shape of `kpis`: a measure's band with its
/// mean's confidence interval.
fn kpi_row(b: &mut Builder, scope: &str, name: &str, metric: &str, band: &Band) {
    b.text("scope", scope);
    b.text("name", name);
    b.text("metric", metric);
    b.num("mean", band.mean());
    b.num("sd", band.sd());
    b.num("ci95_low", band.mean() - band.ci95());
    b.num("ci95_high", band.mean() + band.ci95());
    for (q, v) in QUANTILES {
        b.num(q, band.quantile(v));
    }
    b.int("replications_with_value", band.count() as i64);
    b.end_row();
}

fn kpis(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    let row = kpi_row;
    for (r, request) in model.requests.iter().enumerate() {
        for k in RequestKpi::ALL {
            row(&mut b, "request", &request.name, k.name(), agg.request_kpi(r, k));
        }
    }
    for (f, flow) in model.flows.iter().enumerate() {
        for k in FlowKpi::ALL {
            row(&mut b, "flow", &flow.name, k.name(), agg.flow_kpi(f, k));
        }
    }
    for (r, role) in model.roles.iter().enumerate() {
        for k in RoleKpi::ALL {
            row(&mut b, "role", &role.name, k.name(), agg.role_kpi(r, k));
        }
    }
    for t in TotalMetric::ALL {
        row(&mut b, "scenario", &model.name, t.name(), agg.total_kpi(t));
    }
    // A region's areas: each area's own totals in each future.
    for (a, area) in model.areas.iter().enumerate().filter(|_| !agg.area_kpis.is_empty()) {
        for k in AreaMetric::ALL {
            row(&mut b, "area", &area.name, k.name(), agg.area_kpi(a, k));
        }
        for (y, fy) in model.years.iter().enumerate() {
            row(&mut b, "area", &area.name, &format!("dols_cost_{}", fy.label), agg.area_dols_cost(a, y));
        }
    }
    if let Some(region) = agg.region().filter(|_| !model.areas.is_empty()) {
        for k in AreaMetric::ALL {
            row(&mut b, "region", &model.name, k.name(), agg.area_kpi(region, k));
        }
        for (y, fy) in model.years.iter().enumerate() {
            row(&mut b, "region", &model.name, &format!("dols_cost_{}", fy.label), agg.area_dols_cost(region, y));
        }
    }
    b
}

fn histogram<'a>(model: &Model, hist_of: impl Fn(usize) -> &'a [u64]) -> Builder {
    let mut b = Builder::default();
    for (f, flow) in model.flows.iter().enumerate() {
        let hist = hist_of(f);
        let total: u64 = hist.iter().sum();
        let last_used = hist.iter().rposition(|&c| c > 0).unwrap_or(0);
        for (bin, &count) in hist.iter().enumerate().take(last_used + 1) {
            b.text("flow", flow.name.clone());
            b.num("from_days", bin as f64 * WAIT_BIN_DAYS);
            let to = if bin + 1 == WAIT_BINS { f64::INFINITY } else { (bin + 1) as f64 * WAIT_BIN_DAYS };
            b.num("to_days", to);
            b.int("items", count as i64);
            b.num("share", if total > 0 { count as f64 / total as f64 } else { f64::NAN });
            b.end_row();
        }
    }
    b
}

fn balance(model: &Model, agg: &Aggregate) -> Builder {
    let mut b = Builder::default();
    for (f, flow) in model.flows.iter().enumerate() {
        let x = &agg.balance[f];
        b.text("flow", flow.name.clone());
        for (name, v) in [
            ("arrived", x.arrived),
            ("completed", x.completed),
            ("withdrawn", x.withdrawn),
            ("waiting", x.waiting),
            ("in_service", x.in_service),
            ("follow_ups_created", x.follow_ups_created),
            ("follow_ups_due", x.follow_ups_due),
            ("follow_ups_cancelled", x.follow_ups_cancelled),
            ("follow_ups_scheduled", x.scheduled),
        ] {
            b.int(name, v as i64);
        }
        b.text("holds", if x.holds() { "yes" } else { "no" });
        b.end_row();
    }
    b
}
