//! What a report says, as plain data: the headline, the KPI tables, the
//! charts' series and the assumptions. The HTML, Markdown and chart
//! exporters only lay this out, so every number in them comes from here,
//! and from the same bands as the CSV tables.

use crate::format::{decimal, money, month_year, pct, thousands};
use crate::model::{Model, RoleKind, WorkKind};
use crate::results::{FlowKpi, FlowMetric, RoleKpi, RoleMetric, TotalMetric, WAIT_BINS};
use crate::scenario::Scenario;
use crate::stats::{Aggregate, Band};
use crate::summary::Stamp;

/// P10, P50, P90 and mean of a band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub mean: f64,
}

impl Bands {
    pub fn of(b: &Band) -> Bands {
        Bands { p10: b.quantile(0.1), p50: b.quantile(0.5), p90: b.quantile(0.9), mean: b.mean() }
    }
}

/// Where a headline figure comes from in the CSV tables, so that a test
/// can check the sentence against them.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// `totals_periods.csv`: metric in period.
    TotalPeriod { metric: &'static str, period: usize },
    /// `kpis.csv`: a scope, name and metric.
    Kpi { scope: &'static str, name: String, metric: &'static str },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub source: Source,
    pub bands: Bands,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone)]
pub struct KpiRow {
    pub label: String,
    pub bands: Bands,
    /// How to show a value: "count", "pct", "days", "money", "hours", "ratio".
    pub unit: &'static str,
}

#[derive(Debug, Clone)]
pub struct KpiTable {
    pub title: String,
    pub rows: Vec<KpiRow>,
}

impl KpiRow {
    pub fn show(&self, v: f64) -> String {
        match self.unit {
            "pct" => pct(v),
            "days" => decimal(v, 1),
            "money" => money(v),
            "ratio" => decimal(v, 1),
            _ => thousands(v),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// P10-P90 band and P50 line over periods.
    Fan,
    /// Pooled distribution over bins of days.
    Histogram,
    /// One bar (P50) with a P10-P90 whisker per category.
    Bars,
}

/// A reference line: a deadline, an establishment, a caseload cap.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub label: String,
    pub value: f64,
    /// On a fan chart, a value per period instead of one level (an
    /// establishment that follows a staffing plan); empty for a level.
    pub steps: Vec<f64>,
}

impl Marker {
    pub fn at(label: &str, value: f64) -> Marker {
        Marker { label: label.to_string(), value, steps: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub x: Vec<f64>,
    pub p10: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub series: Vec<Series>,
    pub marker: Option<Marker>,
    /// Observed values to set against the bands (a backtest's actuals).
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem and HTML id.
    pub id: String,
    /// Where the legend goes: "upper" (left) or "lower" (right).
    pub legend: &'static str,
    /// Whether the y axis starts at zero (else near the lowest value).
    pub from_zero: bool,
    pub title: String,
    pub caption: String,
    pub kind: ChartKind,
    pub x_label: String,
    pub y_label: String,
    /// Labels of x positions 0, 1, 2, ... (periods or categories).
    pub x_ticks: Vec<String>,
    pub panels: Vec<Panel>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub title: String,
    pub description: String,
    pub from: String,
    pub to: String,
    pub period: String,
    pub headline: Vec<Sentence>,
    pub tables: Vec<KpiTable>,
    pub charts: Vec<Chart>,
    pub assumptions: Vec<(String, String)>,
    pub notes: String,
    pub stamp: Stamp,
    pub scenario_file: String,
}

fn source_kpi(scope: &'static str, name: &str, metric: &'static str) -> Source {
    Source::Kpi { scope, name: name.to_string(), metric }
}

fn band_text(b: &Bands, show: impl Fn(f64) -> String) -> String {
    format!("{} (P10-P90: {}-{})", show(b.p50), show(b.p10), show(b.p90))
}

/// Staff FTE able to take DoLS work, and bought-in DoLS assessments a week.
fn dols_capacity(m: &Model) -> (f64, f64) {
    let mut fte = 0.0;
    let mut per_week = 0.0;
    for r in &m.roles {
        let dols = r
            .skills
            .iter()
            .any(|&f| m.flows[f as usize].kind == WorkKind::Dols && m.flows[f as usize].deprivation.is_some());
        let first_stage = r.skills.iter().any(|&f| {
            let flow = &m.flows[f as usize];
            flow.kind == WorkKind::Dols && flow.arrivals.is_some()
        });
        if !(dols && first_stage) {
            continue;
        }
        match r.kind {
            RoleKind::Staff => fte += r.fte,
            RoleKind::BoughtIn { per_week: w, .. } => per_week += w,
        }
    }
    (fte, per_week)
}

/// Flows that end a DoLS request: deprivation flows with no onward route
/// that keeps the deadline.
fn decision_flows(m: &Model) -> Vec<usize> {
    (0..m.flows.len())
        .filter(|&f| {
            let flow = &m.flows[f];
            flow.deprivation.is_some()
                && !flow.route_groups.iter().flat_map(|g| &g.routes).any(|r| r.keep_deadline && r.delay_days.is_none())
        })
        .collect()
}

fn headline(m: &Model, agg: &Aggregate) -> Vec<Sentence> {
    let last = m.periods.len().saturating_sub(1);
    let by = month_year(m.periods.last_date(last));
    let mut out = Vec::new();
    let has_dols = m.flows.iter().any(|f| f.kind == WorkKind::Dols);
    if has_dols {
        let backlog = Bands::of(agg.total_period(last, TotalMetric::DolsOpen));
        let (fte, bought) = dols_capacity(m);
        let bought = if bought > 0.0 {
            format!(" and {} bought-in assessments a week", decimal(bought, 0))
        } else {
            String::new()
        };
        let mut text = format!(
            "With {} FTE of staff doing DoLS assessments{bought}, the DoLS backlog reaches {} by {by}",
            decimal(fte, 1),
            band_text(&backlog, thousands)
        );
        let mut figures =
            vec![Figure { source: Source::TotalPeriod { metric: "dols_open", period: last }, bands: backlog }];
        let mut decisions = decision_flows(m);
        decisions.sort_by(|&a, &b| {
            let d = |f: usize| m.flows[f].deadline_days.unwrap_or(0.0);
            d(b).total_cmp(&d(a))
        });
        if let Some(&f) = decisions.first() {
            let flow = &m.flows[f];
            let within = Bands::of(agg.flow_kpi(f, FlowKpi::WithinDeadlinePct));
            text.push_str(&format!(
                "; {} of {} are within {} days",
                band_text(&within, pct),
                flow.label,
                decimal(flow.deadline_days.unwrap_or(0.0), 0)
            ));
            figures.push(Figure { source: source_kpi("flow", &flow.name, "within_deadline_pct"), bands: within });
        }
        text.push('.');
        out.push(Sentence { text, figures });

        let people = Bands::of(agg.total_period(last, TotalMetric::Unauthorised));
        let days = Bands::of(agg.total_kpi(TotalMetric::UnauthorisedDays));
        out.push(Sentence {
            text: format!(
                "At the end, {} people are deprived of liberty without authorisation; {} person-days unauthorised over the period.",
                band_text(&people, thousands),
                band_text(&days, thousands)
            ),
            figures: vec![
                Figure { source: Source::TotalPeriod { metric: "unauthorised", period: last }, bands: people },
                Figure { source: source_kpi("scenario", &m.name, "unauthorised_days"), bands: days },
            ],
        });
        let lost = Bands::of(agg.total_kpi(TotalMetric::DolsHoursDualRole));
        if lost.p50 > 0.0 {
            out.push(Sentence {
                text: format!(
                    "Over the {} years, social workers who are also BIAs give {} hours to DoLS (about {} hours a week): care management time they do not have.",
                    decimal(m.horizon_days / 365.25, 1),
                    band_text(&lost, thousands),
                    thousands(lost.p50 / (m.horizon_days / 7.0))
                ),
                figures: vec![Figure { source: source_kpi("scenario", &m.name, "dols_hours_dual_role"), bands: lost }],
            });
        }
    }
    // The care management flow with a deadline that takes most hours.
    let cm = (0..m.flows.len())
        .filter(|&f| m.flows[f].kind == WorkKind::CareManagement && m.flows[f].deadline_days.is_some())
        .max_by(|&a, &b| {
            let hours = |f: usize| agg.flow_kpi(f, FlowKpi::Completed).mean() * m.flows[f].effort_hours.mean();
            hours(a).total_cmp(&hours(b))
        });
    if let Some(f) = cm {
        let flow = &m.flows[f];
        let within = Bands::of(agg.flow_kpi(f, FlowKpi::WithinDeadlinePct));
        let waiting = Bands::of(agg.flow_kpi(f, FlowKpi::WaitingAtEnd));
        out.push(Sentence {
            text: format!(
                "{} of {} are completed within {} days; {} are waiting for allocation at the end.",
                band_text(&within, pct),
                flow.label,
                decimal(flow.deadline_days.unwrap_or(0.0), 0),
                band_text(&waiting, thousands)
            ),
            figures: vec![
                Figure { source: source_kpi("flow", &flow.name, "within_deadline_pct"), bands: within },
                Figure { source: source_kpi("flow", &flow.name, "waiting_at_end"), bands: waiting },
            ],
        });
    }
    let cost = Bands::of(agg.total_kpi(TotalMetric::CostTotal));
    if cost.p50 > 0.0 {
        let years = m.horizon_days / 365.25;
        out.push(Sentence {
            text: format!("Total cost over {} years: {}.", decimal(years, 1), band_text(&cost, money)),
            figures: vec![Figure { source: source_kpi("scenario", &m.name, "cost_total"), bands: cost }],
        });
    }
    out
}

fn tables(m: &Model, agg: &Aggregate) -> Vec<KpiTable> {
    let years = m.horizon_days / 365.25;
    let mut flows = KpiTable { title: "Work".into(), rows: Vec::new() };
    for (f, flow) in m.flows.iter().enumerate() {
        let row = |label: String, k: FlowKpi, unit| KpiRow { label, bands: Bands::of(agg.flow_kpi(f, k)), unit };
        let mut per_year = Bands::of(agg.flow_kpi(f, FlowKpi::Arrivals));
        for v in [&mut per_year.p10, &mut per_year.p50, &mut per_year.p90, &mut per_year.mean] {
            *v /= years;
        }
        flows.rows.push(KpiRow { label: format!("{}: arrivals a year", flow.label), bands: per_year, unit: "count" });
        flows.rows.push(row(format!("{}: waiting at the end", flow.label), FlowKpi::WaitingAtEnd, "count"));
        flows.rows.push(row(format!("{}: mean days to allocation", flow.label), FlowKpi::MeanWaitDays, "days"));
        flows.rows.push(row(format!("{}: mean days to complete", flow.label), FlowKpi::MeanDaysToComplete, "days"));
        if let Some(d) = flow.deadline_days {
            flows.rows.push(row(
                format!("{}: % within {} days", flow.label, decimal(d, 0)),
                FlowKpi::WithinDeadlinePct,
                "pct",
            ));
        }
    }
    let mut roles = KpiTable { title: "Workforce".into(), rows: Vec::new() };
    for (r, role) in m.roles.iter().enumerate() {
        let row = |label: String, k: RoleKpi, unit| KpiRow { label, bands: Bands::of(agg.role_kpi(r, k)), unit };
        roles.rows.push(row(format!("{}: utilisation", role.name), RoleKpi::UtilisationPct, "pct"));
        if !role.is_bought_in() {
            roles.rows.push(row(format!("{}: caseload per worker", role.name), RoleKpi::Caseload, "ratio"));
            let last = m.periods.len() - 1;
            roles.rows.push(KpiRow {
                label: format!(
                    "{}: FTE in post at the end (of {})",
                    role.name,
                    decimal(agg.role_period(r, last, RoleMetric::Establishment).quantile(0.5), 1)
                ),
                bands: Bands::of(agg.role_period(r, last, RoleMetric::Staff)),
                unit: "ratio",
            });
        }
        if agg.role_kpi(r, RoleKpi::HoursDols).mean() > 0.0 {
            // Bought-in capacity is counted in assessments, not hours.
            let what = if role.is_bought_in() { "DoLS assessments bought" } else { "hours given to DoLS" };
            roles.rows.push(row(format!("{}: {what}", role.name), RoleKpi::HoursDols, "count"));
        }
        roles.rows.push(row(format!("{}: cost", role.name), RoleKpi::Cost, "money"));
    }
    let mut totals = KpiTable { title: "Whole service".into(), rows: Vec::new() };
    for t in TotalMetric::ALL {
        let unit = match t {
            TotalMetric::CostStaff
            | TotalMetric::CostAgency
            | TotalMetric::CostBoughtIn
            | TotalMetric::CostOvertime
            | TotalMetric::CostTotal
            | TotalMetric::CostCumulative => "money",
            _ => "count",
        };
        let label = match t {
            TotalMetric::CostCumulative => continue, // the same as cost_total over the horizon
            TotalMetric::DolsWaiting => "DoLS requests waiting for a BIA at the end",
            TotalMetric::DolsOpen => "DoLS backlog at the end: requests waiting or in progress",
            TotalMetric::Unauthorised => "people deprived of liberty without authorisation at the end",
            TotalMetric::UnauthorisedDays => "person-days without authorisation",
            TotalMetric::DolsHoursDualRole => "hours dual-role staff gave to DoLS (care management hours lost)",
            TotalMetric::LatentUnidentified => "people in latent pools not yet identified at the end",
            TotalMetric::CostStaff => "employed staff cost",
            TotalMetric::CostAgency => "agency cost",
            TotalMetric::CostBoughtIn => "bought-in assessment fees",
            TotalMetric::CostOvertime => "overtime cost",
            TotalMetric::CostTotal => "total cost",
        };
        totals.rows.push(KpiRow { label: label.to_string(), bands: Bands::of(agg.total_kpi(t)), unit });
    }
    vec![totals, flows, roles]
}

fn series(label: &str, n: usize, band: impl Fn(usize) -> Bands) -> Series {
    let mut s = Series { label: label.to_string(), x: Vec::new(), p10: Vec::new(), p50: Vec::new(), p90: Vec::new() };
    for p in 0..n {
        let b = band(p);
        s.x.push(p as f64);
        s.p10.push(b.p10);
        s.p50.push(b.p50);
        s.p90.push(b.p90);
    }
    s
}

fn charts(m: &Model, agg: &Aggregate) -> Vec<Chart> {
    let np = m.periods.len();
    let ticks: Vec<String> = (0..np).map(|p| crate::format::short_month(m.periods.starts[p])).collect();
    let period = m.periods.kind.name();
    let fan = |id: &str, title: &str, caption: &str, y: &str, panels: Vec<Panel>| Chart {
        id: id.into(),
        legend: if matches!(id, "staffing" | "caseload") { "lower" } else { "upper" },
        from_zero: id != "staffing",
        title: title.into(),
        caption: caption.into(),
        kind: ChartKind::Fan,
        x_label: format!("{period} starting"),
        y_label: y.into(),
        x_ticks: ticks.clone(),
        panels,
    };
    let mut out = Vec::new();
    let mut never: Vec<&str> = Vec::new();
    let mut backlog = Vec::new();
    for (f, flow) in m.flows.iter().enumerate() {
        let s = series("waiting", np, |p| Bands::of(agg.flow_period(f, p, FlowMetric::WaitingMean)));
        // Less than one item waiting on average in 90% of futures.
        if s.p90.iter().all(|&v| v < 1.0) {
            never.push(&flow.label);
        } else {
            backlog.push(Panel { title: flow.label.clone(), series: vec![s], marker: None, points: Vec::new() });
        }
    }
    let mut caption = "Items not yet allocated to a worker, averaged over each period (a snapshot at the end of a period would swing with weekends): the shaded band holds 80% of futures (P10-P90), the line is the median.".to_string();
    if !never.is_empty() {
        caption.push_str(&format!(
            " Fewer than one waiting on average in 90% of futures, so not shown: {}.",
            never.join(", ")
        ));
    }
    if !backlog.is_empty() {
        out.push(fan("backlog", "Waiting for allocation, by flow", &caption, "items waiting", backlog));
    }
    if m.flows.iter().any(|f| f.kind == WorkKind::Dols) {
        out.push(fan(
            "dols",
            "DoLS backlog and people without authorisation",
            "DoLS requests open (waiting or in progress) and people deprived of liberty past their deadline, at the end of each period.",
            "people",
            vec![
                Panel {
                    title: "DoLS requests open".into(),
                    series: vec![series("open", np, |p| Bands::of(agg.total_period(p, TotalMetric::DolsOpen)))],
                    marker: None, points: Vec::new()
                },
                Panel {
                    title: "deprived of liberty without authorisation".into(),
                    series: vec![series("unauthorised", np, |p| Bands::of(agg.total_period(p, TotalMetric::Unauthorised)))],
                    marker: None, points: Vec::new()
                },
            ],
        ));
    }
    let staff_roles: Vec<usize> = (0..m.roles.len()).filter(|&r| !m.roles[r].is_bought_in()).collect();
    out.push(fan(
        "caseload",
        "Caseload per worker, by role",
        "Open items per worker in post, averaged over each period; the dashed line is the caseload cap.",
        "open items per worker",
        staff_roles
            .iter()
            .map(|&r| Panel {
                title: m.roles[r].name.replace('_', " "),
                series: vec![series("caseload", np, |p| Bands::of(agg.role_period(r, p, RoleMetric::Caseload)))],
                marker: Some(Marker::at("cap", m.roles[r].caseload_cap as f64)),
                points: Vec::new(),
            })
            .collect(),
    ));
    out.push(fan(
        "staffing",
        "Staff in post against establishment, by role",
        "FTE in post (employed or agency) at the end of each period; the dashed line is the funded establishment, which follows any staffing plan.",
        "FTE",
        staff_roles
            .iter()
            .map(|&r| Panel {
                title: m.roles[r].name.replace('_', " "),
                series: vec![series("in post", np, |p| Bands::of(agg.role_period(r, p, RoleMetric::Staff)))],
                marker: Some(establishment(m, agg, r)),
                points: Vec::new(),
            })
            .collect(),
    ));
    if agg.total_kpi(TotalMetric::CostTotal).quantile(0.9) > 0.0 {
        out.push(fan(
            "cost",
            "Cost by period and cumulative",
            "All costs (staff, agency, bought-in assessments, overtime) in each period, and added up from the start.",
            "£",
            vec![
                Panel {
                    title: format!("cost per {period}"),
                    series: vec![series("cost", np, |p| Bands::of(agg.total_period(p, TotalMetric::CostTotal)))],
                    marker: None,
                    points: Vec::new(),
                },
                Panel {
                    title: "cumulative cost".into(),
                    series: vec![series("cumulative", np, |p| {
                        Bands::of(agg.total_period(p, TotalMetric::CostCumulative))
                    })],
                    marker: None,
                    points: Vec::new(),
                },
            ],
        ));
    }
    // Days to complete for flows with deadlines that end a case, pooled
    // over replications; later stages of a request count from its start.
    let ends: Vec<usize> = (0..m.flows.len())
        .filter(|&f| {
            let flow = &m.flows[f];
            flow.deadline_days.is_some() && !flow.route_groups.iter().flat_map(|g| &g.routes).any(|r| r.keep_deadline)
        })
        .collect();
    if !ends.is_empty() {
        let panels = ends
            .iter()
            .map(|&f| {
                let hist = agg.done_hist(f);
                let total: u64 = hist.iter().sum();
                // Show each flow up to its 99th percentile, and at least
                // a little past its deadline.
                let mut seen = 0;
                let p99 = hist
                    .iter()
                    .position(|&c| {
                        seen += c;
                        seen as f64 >= 0.99 * total as f64
                    })
                    .unwrap_or(0);
                let deadline = m.flows[f].deadline_days.unwrap_or(0.0);
                let shown = (p99 + 2).max(deadline as usize + 8).min(WAIT_BINS - 1);
                // Bins of whole days, wide enough that a long tail has
                // bars one can see: at most 60 of them.
                let width = shown.div_ceil(60);
                let share: Vec<f64> = hist[..shown]
                    .chunks(width)
                    .map(|c| c.iter().sum::<u64>())
                    .map(|c| if total > 0 { 100.0 * c as f64 / total as f64 } else { 0.0 })
                    .collect();
                Panel {
                    title: m.flows[f].label.clone(),
                    series: vec![Series {
                        label: if width == 1 { "% of items".into() } else { format!("% of items ({width}-day bins)") },
                        x: (0..share.len()).map(|b| (b * width) as f64).collect(),
                        p10: share.clone(),
                        p50: share.clone(),
                        p90: share,
                    }],
                    marker: Some(Marker::at("deadline", deadline)),
                    points: Vec::new(),
                }
            })
            .collect();
        out.push(Chart {
            id: "completion".into(),
            legend: "upper",
            from_zero: true,
            title: "Days to complete, against the deadline".into(),
            caption: "Share of items completed after each number of days, pooled over all replications; for the last stage of a request (sign-off, say) days count from the request. The dashed line is the deadline.".into(),
            kind: ChartKind::Histogram,
            x_label: "days from arrival (or request) to completion".into(),
            y_label: "% of items".into(),
            x_ticks: Vec::new(),
            panels,
        });
    }
    let roles: Vec<usize> = (0..m.roles.len()).collect();
    let util = series("utilisation", roles.len(), |i| Bands::of(agg.role_kpi(roles[i], RoleKpi::UtilisationPct)));
    out.push(Chart {
        id: "utilisation".into(),
        legend: "upper",
        from_zero: true,
        title: "Utilisation by role".into(),
        caption: "Casework hours worked as a share of hours available over the whole period: bar at the median, whisker P10-P90.".into(),
        kind: ChartKind::Bars,
        x_label: "role".into(),
        y_label: "% of hours available".into(),
        x_ticks: m.roles.iter().map(|r| r.name.replace('_', " ")).collect(),
        panels: vec![Panel { title: String::new(), series: vec![util], marker: None, points: Vec::new() }],
    });
    out
}

/// One step of a staffing plan in words.
fn plan_step(m: &Model, s: &crate::model::workforce::PlanStep) -> String {
    use crate::model::workforce::PlanChange;
    let when = m.date_at(s.at);
    match &s.change {
        PlanChange::Fte { fte, vacant: false } => format!("{} FTE from {when}", decimal(*fte, 1)),
        PlanChange::Fte { fte, vacant: true } => {
            format!("{} FTE from {when} (new posts recruited to)", decimal(*fte, 1))
        }
        PlanChange::Agency(true) => format!("agency cover from {when}"),
        PlanChange::Agency(false) => format!("agency cover ends {when}"),
        PlanChange::PerWeek(w) => format!("up to {} a week from {when}", decimal(*w, 0)),
        PlanChange::Recruitment(Some(d)) => {
            format!("recruitment drive from {when}: posts filled in {} days on average", decimal(d.mean(), 0))
        }
        PlanChange::Recruitment(None) => format!("usual recruitment from {when}"),
    }
}

/// A role's funded establishment: a level, or a line per period when a
/// staffing plan changes it.
fn establishment(m: &Model, agg: &Aggregate, r: usize) -> Marker {
    let steps: Vec<f64> =
        (0..m.periods.len()).map(|p| agg.role_period(r, p, RoleMetric::Establishment).quantile(0.5)).collect();
    let level = m.roles[r].fte;
    let mut marker = Marker::at("establishment", level);
    if steps.iter().any(|&v| (v - level).abs() > 1e-9) {
        marker.value = steps.iter().copied().fold(level, f64::max);
        marker.steps = steps;
    }
    marker
}

fn assumptions(m: &Model, scenario: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if scenario.files.len() > 1 {
        let files: Vec<&str> = scenario.files.iter().map(|(f, _)| f.as_str()).collect();
        out.push(("Built from".into(), format!("{} (each file changes the one after it)", files.join(" on "))));
    }
    if !scenario.changes.is_empty() {
        out.push(("Changed for this run".into(), scenario.changes.join("; ")));
    }
    let years = m.horizon_days / 365.25;
    out.push((
        "Horizon".into(),
        format!(
            "{} years from {} by {}, after {} days of warm-up; calendar: {}",
            decimal(years, 1),
            m.start,
            m.periods.kind.name(),
            decimal(m.warmup_days, 0),
            match m.calendar.kind {
                crate::model::CalendarKind::Continuous => "continuous (seven days a week)".to_string(),
                crate::model::CalendarKind::WorkingWeek { bank_holidays } =>
                    format!("Monday to Friday{}", if bank_holidays { ", England's bank holidays off" } else { "" }),
            }
        ),
    ));
    for flow in &m.flows {
        let rate = flow.arrivals.as_ref().map(|a| {
            let per_year = a.expected(m.warmup_days, m.end_time()) / years;
            format!("{} a year on average", thousands(per_year))
        });
        let mut parts = vec![rate.unwrap_or_else(|| "follow-ups only".into())];
        parts.push(format!("effort mean {} hours", decimal(flow.effort_hours.mean(), 1)));
        if let Some(d) = &flow.duration_days {
            parts.push(format!("over at least {} days on average", decimal(d.mean(), 0)));
        }
        if let Some(d) = flow.deadline_days {
            parts.push(format!("deadline {} days", decimal(d, 0)));
        }
        parts.push(format!("priority {}", flow.priority));
        out.push((format!("Flow: {}", flow.label), parts.join("; ")));
    }
    for role in &m.roles {
        let text = match role.kind {
            RoleKind::BoughtIn { per_week, fee } => {
                format!("bought in: up to {} assessments a week at {} each", decimal(per_week, 0), money(fee))
            }
            RoleKind::Staff => {
                let mut parts = vec![
                    format!("{} FTE", decimal(role.fte, 1)),
                    format!(
                        "{} hours a week, {} casework",
                        decimal(role.hours_per_week, 1),
                        pct(100.0 * role.casework_share)
                    ),
                    format!("caseload cap {}", role.caseload_cap),
                ];
                if role.turnover_per_year > 0.0 {
                    parts.push(format!("turnover {} a year", pct(100.0 * role.turnover_per_year)));
                }
                match role.dols_policy {
                    crate::model::DolsPolicy::FixedShare { share, per } => parts.push(format!(
                        "{} of each {}'s hours for DoLS",
                        pct(100.0 * share),
                        match per {
                            crate::model::workforce::BudgetPeriod::Week => "week",
                            crate::model::workforce::BudgetPeriod::Month => "month",
                        }
                    )),
                    crate::model::DolsPolicy::DolsFirst => parts.push("DoLS first".into()),
                    crate::model::DolsPolicy::CareManagementFirst => parts.push("care management first".into()),
                    crate::model::DolsPolicy::ByPriority => {}
                }
                if role.salary > 0.0 {
                    parts.push(format!("{} a year plus {} on-costs", money(role.salary), pct(100.0 * role.on_costs)));
                }
                parts.join("; ")
            }
        };
        let text = if role.plan.is_empty() {
            text
        } else {
            let steps: Vec<String> = role.plan.iter().map(|s| plan_step(m, s)).collect();
            format!("{text}; plan: {}", steps.join(", "))
        };
        out.push((format!("Role: {}", role.name.replace('_', " ")), text));
    }
    if let Some(a) = &m.absence {
        out.push((
            "Absence".into(),
            format!(
                "{} days' leave and {} days' sickness a year per worker",
                decimal(a.annual_leave_days, 0),
                decimal(a.sickness_days, 0)
            ),
        ));
    }
    for s in &m.stocks {
        out.push((
            format!("Stock: {}", s.name.replace('_', " ")),
            format!("people leave at {} a year", decimal(s.leave_per_day * 365.25, 2)),
        ));
    }
    for p in &m.latent_pools {
        out.push((
            format!("Latent pool: {}", p.name.replace('_', " ")),
            format!(
                "{} people not yet identified; {} of those left found a year, besides routes",
                thousands(p.size as f64),
                pct(100.0 * p.identified_per_day * 365.25)
            ),
        ));
    }
    for s in &m.shocks {
        let when = match s.when {
            crate::model::ShockTime::At(t) => format!("on {}", m.date_at(t)),
            crate::model::ShockTime::Random { per_day } => {
                format!("at random, {} a year on average", decimal(per_day * 365.25, 2))
            }
        };
        out.push((format!("Shock: {}", s.name), when));
    }
    out
}

pub fn build(m: &Model, agg: &Aggregate, stamp: &Stamp, scenario: &Scenario) -> Report {
    let last = m.periods.len().saturating_sub(1);
    Report {
        title: m.name.clone(),
        description: m.description.clone(),
        from: m.start.to_string(),
        to: m.periods.last_date(last).to_string(),
        period: m.periods.kind.name().to_string(),
        headline: headline(m, agg),
        tables: tables(m, agg),
        charts: charts(m, agg),
        assumptions: assumptions(m, scenario),
        notes: scenario.header.clone(),
        stamp: stamp.clone(),
        scenario_file: scenario.file.clone(),
    }
}
