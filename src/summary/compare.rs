//! The paired comparison of scenarios (`crate::compare`) as a table and
//! as report data.

use polars::prelude::*;

use super::doc::{Block, Chart, ChartKind, Doc, Panel, Section, Sentence, Series, Table};
use super::report;
use crate::compare::Paired;
use crate::format::{Unit, month_year, thousands};
use crate::measure;
use crate::model::{Model, RoleKind, WorkKind};
use crate::results::{FlowKpi, FlowMetric, TotalMetric, YearMetric};
use crate::stats::{Aggregate, Bands};

/// One scenario in a comparison, with what reproduces it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub model: &'a Model,
    pub file: String,
    pub sha256: String,
}

/// `comparison.csv`: every measure of every scenario against the first,
/// with the bands of both and of their paired difference.
pub fn table(entries: &[Entry], paired: &Paired, seed: u64, replications: u64) -> PolarsResult<DataFrame> {
    let base = &entries[0];
    let mut cols: Vec<(&str, Vec<String>)> =
        ["scenario_a", "scenario_a_sha256", "scenario_b", "scenario_b_sha256", "scope", "name", "metric"]
            .iter()
            .map(|&c| (c, Vec::new()))
            .collect();
    let num_names = [
        "a_p10",
        "a_p50",
        "a_p90",
        "b_p10",
        "b_p50",
        "b_p90",
        "diff_mean",
        "diff_ci95_low",
        "diff_ci95_high",
        "diff_p10",
        "diff_p50",
        "diff_p90",
    ];
    let mut nums: Vec<Vec<Option<f64>>> = vec![Vec::new(); num_names.len()];
    let opt = |v: f64| if v.is_finite() { Some(v) } else { None };
    for (i, diffs) in paired.differences.iter().enumerate() {
        let other = &entries[i + 1];
        for (m, d) in diffs {
            let a = m.base_band(&paired.aggregates[0]);
            let b = m.other_band(&paired.aggregates[i + 1]);
            let texts = [
                base.model.name.clone(),
                base.sha256.clone(),
                other.model.name.clone(),
                other.sha256.clone(),
                m.scope.to_string(),
                m.name.clone(),
                m.metric.to_string(),
            ];
            for (col, t) in cols.iter_mut().zip(texts) {
                col.1.push(t);
            }
            let values = [
                a.quantile(0.1),
                a.quantile(0.5),
                a.quantile(0.9),
                b.quantile(0.1),
                b.quantile(0.5),
                b.quantile(0.9),
                d.mean(),
                d.mean() - d.ci95(),
                d.mean() + d.ci95(),
                d.quantile(0.1),
                d.quantile(0.5),
                d.quantile(0.9),
            ];
            for (col, v) in nums.iter_mut().zip(values) {
                col.push(opt(v));
            }
        }
    }
    let n = cols[0].1.len();
    let mut columns: Vec<Column> = cols.into_iter().map(|(name, v)| Column::new(name.into(), v)).collect();
    columns.insert(4, Column::new("seed".into(), vec![seed; n]));
    columns.insert(5, Column::new("replications".into(), vec![replications as i64; n]));
    columns.insert(6, Column::new("version".into(), vec![env!("CARGO_PKG_VERSION"); n]));
    for (name, v) in num_names.iter().zip(nums) {
        columns.push(Column::new((*name).into(), v));
    }
    DataFrame::new(n, columns)
}

/// A measure shown side by side.
#[derive(Debug, Clone)]
struct Row {
    label: String,
    unit: Unit,
    /// Per scenario.
    values: Vec<Bands>,
    /// Per scenario after the first: paired difference from the first.
    differences: Vec<Bands>,
}

fn find(paired: &Paired, i: usize, scope: &str, name: &str, metric: &str) -> Option<Bands> {
    paired.differences[i]
        .iter()
        .find(|(m, _)| m.scope == scope && m.name == name && m.metric == metric)
        .map(|(_, b)| Bands::of(b))
}

/// What is compared, and when.
pub struct Setup<'a> {
    pub entries: &'a [Entry<'a>],
    pub paired: &'a Paired,
    pub seed: u64,
    pub replications: u64,
    /// Compare at the end of this reporting period rather than over the horizon.
    pub at: Option<usize>,
}

/// The rows of the side-by-side table: DoLS, requests, costs, then flows
/// with deadlines, each where every scenario has it.
fn rows(c: &Setup) -> Vec<Row> {
    let base = c.entries[0].model;
    let at = c.at;
    let mut out = Vec::new();
    let mut add = |scope: &'static str, name: &str, metric: &str, label: String, unit: Unit| {
        let mut values = Vec::new();
        for (e, agg) in c.entries.iter().zip(&c.paired.aggregates) {
            let all = measure::all(e.model, at);
            let Some(m) = all.iter().find(|m| m.scope == scope && m.name == name && m.metric == metric) else {
                return;
            };
            values.push(Bands::of(m.reading.band(agg)));
        }
        let differences = (0..c.entries.len() - 1).filter_map(|i| find(c.paired, i, scope, name, metric)).collect();
        out.push(Row { label, unit, values, differences });
    };
    let when = match at {
        None => "at the end".to_string(),
        Some(p) => format!("at the end of {}", month_year(base.periods.last_date(p))),
    };
    let over = match at {
        None => "over the horizon".to_string(),
        Some(p) => format!("in {}", month_year(base.periods.last_date(p))),
    };
    let (open, waiting, cost) = match at {
        None => ("open_at_end", "waiting_at_end", "cost_total"),
        Some(_) => ("open", "waiting", "cost_cumulative"),
    };
    if base.flows.iter().any(|f| f.kind == WorkKind::Dols) {
        add("scenario", "total", "dols_open", format!("DoLS backlog (requests open) {when}"), Unit::Count);
        add("scenario", "total", "unauthorised", format!("people without authorisation {when}"), Unit::Count);
        add("scenario", "total", "unauthorised_days", format!("person-days without authorisation {over}"), Unit::Count);
        add(
            "scenario",
            "total",
            "dols_hours_dual_role",
            format!("hours dual-role staff gave to DoLS {over}"),
            Unit::Hours,
        );
        add("scenario", "total", "dols_hours", format!("staff hours given to DoLS {over}"), Unit::Hours);
        add("scenario", "total", "dols_cost", format!("DoLS cost (staff time and fees) {over}"), Unit::Money);
    }
    for request in &base.requests {
        let label = &request.label;
        add(
            "request",
            &request.name,
            "within_deadline_pct",
            format!("{label}: % completed within the deadline {over}"),
            Unit::Pct,
        );
        // As the run's headline and councils' DoLS returns count them:
        // decided, or closed without a decision.
        let days = "mean_days_to_completion";
        add("request", &request.name, days, format!("{label}: mean days to completion {over}"), Unit::Days);
        add("request", &request.name, open, format!("{label}: open {when}"), Unit::Count);
    }
    let to_date = if at.is_some() {
        format!("total cost to {}", when.trim_start_matches("at the end of "))
    } else {
        "total cost".into()
    };
    add("scenario", "total", cost, to_date, Unit::Money);
    add("scenario", "total", "cost_agency", format!("agency cost {over}"), Unit::Money);
    add(
        "scenario",
        "total",
        "cost_bought_in",
        format!("bought-in assessment cost{} {over}", whose_fees(c)),
        Unit::Money,
    );
    for flow in base.flows.iter().filter(|f| f.stage_of.is_none()) {
        if flow.deadline_days.is_some() {
            let label = format!("{}: % within the deadline {over}", flow.label);
            add("flow", &flow.name, "within_deadline_pct", label, Unit::Pct);
        }
        add("flow", &flow.name, waiting, format!("{}: waiting for allocation {when}", flow.label), Unit::Count);
    }
    out
}

/// Per financial year: what DoLS work costs and the staff hours it takes
/// (when the scenarios have DoLS), and the total cost.
/// Whose fees bought-in assessments pay, " (s12 doctor and independent
/// BIA)": more best interests assessments done in house still buy more
/// mental health assessments from s12 doctors. Every scenario's bought-in
/// roles, since one compared may buy in what the first does not.
fn whose_fees(c: &Setup) -> String {
    let mut bought: Vec<&str> = Vec::new();
    for r in c.entries.iter().flat_map(|e| &e.model.roles).filter(|r| matches!(r.kind, RoleKind::BoughtIn { .. })) {
        if !bought.contains(&r.label.as_str()) {
            bought.push(r.label.as_str());
        }
    }
    if bought.is_empty() { String::new() } else { format!(" ({})", crate::format::list(&bought)) }
}

fn year_rows(c: &Setup) -> Vec<(String, Vec<Row>)> {
    let base = c.entries[0].model;
    if c.at.is_some() {
        return Vec::new();
    }
    let dols = base.flows.iter().any(|f| f.kind == WorkKind::Dols);
    let mut out = Vec::new();
    for (y, fy) in base.years.iter().enumerate() {
        let label = if fy.covered < 0.999 { format!("{} (part)", fy.label) } else { fy.label.clone() };
        let mut rows = Vec::new();
        let mut add = |metric: YearMetric, what: &str, unit: Unit| {
            let mut values = Vec::new();
            for agg in &c.paired.aggregates {
                values.push(Bands::of(measure::Reading::Year(y, metric).band(agg)));
            }
            let differences =
                (0..c.entries.len() - 1).filter_map(|i| find(c.paired, i, "year", &fy.label, metric.name())).collect();
            rows.push(Row { label: format!("{what}, {label}"), unit, values, differences });
        };
        if dols {
            add(YearMetric::DolsCost, "DoLS cost (staff time and fees)", Unit::Money);
            add(YearMetric::DolsHours, "staff hours given to DoLS", Unit::Hours);
            add(YearMetric::UnauthorisedDays, "person-days without authorisation", Unit::Count);
        }
        add(YearMetric::CostTotal, "total cost", Unit::Money);
        // Budgets: the chance each scenario spends more than the first's.
        for line in &base.budget {
            let limit = line.per_year[y];
            if limit.is_nan() {
                continue;
            }
            let name = format!("{} {}", line.item.key(), fy.label);
            let mut values = Vec::new();
            for (e, agg) in c.entries.iter().zip(&c.paired.aggregates) {
                let all = measure::all(e.model, None);
                let Some(m) = all.iter().find(|m| m.scope == "budget" && m.name == name && m.metric == "over_budget")
                else {
                    break;
                };
                values.push(Bands::of(m.reading.band(agg)));
            }
            if values.len() < c.entries.len() {
                continue;
            }
            let differences =
                (0..c.entries.len() - 1).filter_map(|i| find(c.paired, i, "budget", &name, "over_budget")).collect();
            rows.push(Row {
                label: format!(
                    "chance of spending more than the {} budget ({}), {label}",
                    line.item.label(),
                    Unit::Money.show_given(limit)
                ),
                unit: Unit::Chance,
                values,
                differences,
            });
        }
        out.push((label, rows));
    }
    out
}

/// What one scenario adds to the first's DoLS work, year by year.
fn dols_by_year(names: &[String], years: &[(String, Vec<Row>)]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate().skip(1) {
        let part = |k: usize| -> Vec<String> {
            years
                .iter()
                .filter_map(|(label, rows)| {
                    let r = rows.get(k)?;
                    Some(format!("{} in {label}", r.unit.band_diff(r.differences.get(i - 1)?)))
                })
                .collect()
        };
        let (cost, hours, bill) = (part(0), part(1), part(3));
        if cost.is_empty() {
            continue;
        }
        // The chance of overspending each budget, this scenario against the first.
        let mut chances = Vec::new();
        for (_, rows) in years {
            for r in rows.iter().filter(|r| r.unit == Unit::Chance) {
                let (Some(a), Some(b)) = (r.values.first(), r.values.get(i)) else { continue };
                let (this, first) = Unit::Chance.show_apart(b.mean, a.mean);
                chances.push(format!("{}: {this} against {first}", r.label));
            }
        }
        let chances = if chances.is_empty() { String::new() } else { format!(" The {}.", chances.join("; the ")) };
        out.push(Sentence::plain(format!(
            "DoLS work in {name} against {}: its cost (staff time at each role's cost per hour, and fees) changes by {}; staff hours on DoLS by {}. The total bill, the money the council pays out, changes by {}; the rest of the change in DoLS cost is staff time, paid either way, that goes to other work or comes from it.{chances}",
            names[0],
            cost.join(", "),
            hours.join(", "),
            bill.join(", ")
        )));
    }
    out
}

/// A warning first when the baseline does not start where the council
/// stands: every difference is measured from it.
fn baseline_not_reproduced(c: &Setup, name: &str) -> Option<Sentence> {
    let which = report::today::missed_words(c.entries[0].model, &c.paired.aggregates[0])?;
    Some(Sentence::plain(format!(
        "Read these differences with care: the baseline, {name}, does not reproduce {which} the council \
observed (its own run's report lists them), so they are measured from a start that is not where the council \
stands. {}",
        report::today::CALIBRATE_ADVICE
    )))
}

pub fn build(c: &Setup) -> Doc {
    let entries = c.entries;
    let names: Vec<String> = entries.iter().map(|e| e.model.name.clone()).collect();
    let rows = rows(c);
    let years = year_rows(c);
    let dols = entries[0].model.flows.iter().any(|f| f.kind == WorkKind::Dols);
    let mut headline = Section::new("headline", "In short");
    let mut said: Vec<Sentence> = baseline_not_reproduced(c, &names[0]).into_iter().collect();
    said.extend(sentences(&names, &rows));
    if dols {
        said.extend(dols_by_year(&names, &years));
    }
    headline.push(Block::Sentences(said));
    headline.push(Block::Note(format!(
        "Differences are paired: each simulated future's value in one scenario minus the same future's value in {}. Figures are P50 (P10-P90).",
        names[0]
    )));
    let mut side = Section::new("kpis", "Side by side");
    side.push(Block::Table(side_by_side(&names, &rows)));
    let mut money = Section::new("years", "By financial year");
    if !years.is_empty() {
        money.push(Block::Table(side_by_side(&names, years.iter().flat_map(|(_, rows)| rows))));
        money.push(Block::Note(
            "Financial years run April to March; a part-year covers only the months simulated. DoLS cost is the staff time given to DoLS at each role's cost per hour available, with fees for bought-in assessments.".into(),
        ));
    }
    let mut limits = Section::new("bottleneck", "What limits the work");
    limits.push(Block::Sentences(limit_sentences(c)));
    let mut charts_section = Section::new("charts", "Charts");
    for chart in charts(entries, &c.paired.aggregates) {
        charts_section.push(Block::Chart(chart));
    }
    let mut reproduce = Vec::new();
    for e in entries {
        reproduce.push((e.model.name.clone(), format!("{} (resolved SHA-256 {})", e.file, e.sha256)));
    }
    reproduce.push(("seed".into(), c.seed.to_string()));
    reproduce.push(("replications".into(), c.replications.to_string()));
    let when = match c.at {
        None => String::new(),
        Some(p) => {
            format!(" Compared at the end of {} (period {}).", month_year(entries[0].model.periods.last_date(p)), p + 1)
        }
    };
    Doc {
        title: format!("{} compared", names.join(" vs ")),
        meta: vec![format!(
            "The same {} simulated futures (replications, seed {}) for each scenario, so differences come from what the scenarios change.{when}",
            thousands(c.replications as f64),
            c.seed
        )],
        sections: vec![headline, side, money, limits, charts_section].into_iter().filter(|s| !s.is_empty()).collect(),
        reproduce,
    }
}

/// Each measure of each scenario, then its paired difference from the first.
fn side_by_side<'r>(names: &[String], rows: impl IntoIterator<Item = &'r Row>) -> Table {
    let mut header = vec!["measure".to_string()];
    header.extend(names.iter().map(|n| format!("{n} P50 (P10-P90)")));
    header.extend(names[1..].iter().map(|n| format!("{n} minus {} P50 (P10 to P90)", names[0])));
    let rows = rows
        .into_iter()
        .map(|r| {
            let mut cells = vec![r.label.clone()];
            cells.extend(r.values.iter().map(|v| r.unit.band(v)));
            cells.extend(r.differences.iter().map(|d| r.unit.band_diff(d)));
            cells
        })
        .collect();
    Table { title: String::new(), header, rows }
}

/// What limits the work in each scenario.
fn limit_sentences(c: &Setup) -> Vec<Sentence> {
    let mut said = Vec::new();
    for (e, agg) in c.entries.iter().zip(&c.paired.aggregates) {
        for l in report::limits(e.model, agg) {
            said.push(Sentence::plain(format!("{}: {}", e.model.name, l.sentence)));
        }
    }
    said
}

/// For each scenario after the first, the measures it changes clearly
/// (the paired difference's P10-P90 does not span zero), largest first.
fn sentences(names: &[String], rows: &[Row]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate().skip(1) {
        let mut clear: Vec<(&Row, Bands, f64)> = rows
            .iter()
            .filter_map(|r| {
                let d = *r.differences.get(i - 1)?;
                let base = r.values.first()?.p50.abs().max(1.0);
                ((d.p10 > 0.0 && d.p90 > 0.0) || (d.p10 < 0.0 && d.p90 < 0.0)).then_some((r, d, d.p50.abs() / base))
            })
            .collect();
        clear.sort_by(|a, b| b.2.total_cmp(&a.2));
        let parts: Vec<String> =
            clear.iter().take(6).map(|(r, d, _)| format!("{} by {}", r.label, r.unit.band_diff(d))).collect();
        out.push(Sentence::plain(if parts.is_empty() {
            format!(
                "Against {}, {} makes no clear difference: for every measure compared, the paired difference's P10-P90 includes zero.",
                names[0], name
            )
        } else {
            format!("Against {}, {} changes {}.", names[0], name, parts.join("; "))
        }));
    }
    out
}

fn overlay(
    label: &str,
    aggs: &[Aggregate],
    names: &[String],
    np: usize,
    read: impl Fn(&Aggregate, usize) -> Bands,
) -> Panel {
    Panel::new(label, aggs.iter().zip(names).map(|(a, name)| Series::over(name, np, |p| read(a, p))).collect())
}

fn charts(entries: &[Entry], aggs: &[Aggregate]) -> Vec<Chart> {
    let base = entries[0].model;
    // Periods are compared as far as every scenario reaches.
    let np = entries.iter().map(|e| e.model.periods.len()).min().unwrap_or(0);
    let names: Vec<String> = entries.iter().map(|e| e.model.name.clone()).collect();
    let ticks: Vec<String> = (0..np).map(|p| crate::format::short_month(base.periods.starts[p])).collect();
    let mut panels = Vec::new();
    if base.flows.iter().any(|f| f.kind == WorkKind::Dols) {
        panels.push(overlay("DoLS requests open", aggs, &names, np, |a, p| {
            Bands::of(a.total_period(p, TotalMetric::DolsOpen))
        }));
        panels.push(overlay("people without authorisation", aggs, &names, np, |a, p| {
            Bands::of(a.total_period(p, TotalMetric::Unauthorised))
        }));
    }
    panels.push(overlay("cumulative cost (£)", aggs, &names, np, |a, p| {
        Bands::of(a.total_period(p, TotalMetric::CostCumulative))
    }));
    let mut charts = vec![Chart {
        id: "compare-totals".into(),
        legend: "upper",
        from_zero: true,
        title: "Scenarios compared".into(),
        caption: "Each scenario's median (line) and P10-P90 band, from the same simulated futures.".into(),
        kind: ChartKind::Fan,
        x_label: format!("{} starting", base.periods.kind.name()),
        y_label: "people / £".into(),
        x_ticks: ticks.clone(),
        x_marks: report::year_starts(base),
        panels,
    }];
    // Waiting lists of the flows that wait most, in any scenario.
    let panels: Vec<Panel> =
        most_waiting(entries, aggs).iter().take(6).map(|name| waiting_panel(entries, aggs, &names, np, name)).collect();
    if !panels.is_empty() {
        charts.push(Chart {
            id: "compare-waiting".into(),
            legend: "upper",
            from_zero: true,
            title: "Waiting for allocation, scenarios compared".into(),
            caption: "Items waiting for allocation, averaged over each period, in the flows that wait most.".into(),
            kind: ChartKind::Fan,
            x_label: format!("{} starting", base.periods.kind.name()),
            y_label: "items waiting".into(),
            x_ticks: ticks,
            x_marks: report::year_starts(base),
            panels,
        });
    }
    charts
}

/// The flows every scenario has that have work waiting at the end in
/// any of them, most waiting first.
fn most_waiting(entries: &[Entry], aggs: &[Aggregate]) -> Vec<String> {
    let mut flows: Vec<(f64, String)> = entries[0]
        .model
        .flows
        .iter()
        .filter(|f| entries.iter().all(|e| e.model.flow_id(&f.name).is_some()))
        .map(|f| {
            let most = entries
                .iter()
                .zip(aggs)
                .map(|(e, a)| a.flow_kpi(e.model.flow_id(&f.name).map_or(0, usize::from), FlowKpi::WaitingAtEnd).mean())
                .fold(0.0, f64::max);
            (most, f.name.clone())
        })
        .filter(|(most, _)| *most > 0.0)
        .collect();
    flows.sort_by(|a, b| b.0.total_cmp(&a.0));
    flows.into_iter().map(|(_, name)| name).collect()
}

/// One flow's waiting list in each scenario, found by name in each.
fn waiting_panel(entries: &[Entry], aggs: &[Aggregate], names: &[String], np: usize, name: &str) -> Panel {
    let base = entries[0].model;
    let label = base.flow_id(name).map_or(name.to_string(), |f| base.flow_title(f as usize));
    let ids: Vec<usize> = entries.iter().map(|e| e.model.flow_id(name).map_or(0, usize::from)).collect();
    let mut panel = overlay(&label, aggs, names, np, |_, _| Bands { p10: 0.0, p50: 0.0, p90: 0.0, mean: 0.0 });
    for ((s, a), &f) in panel.series.iter_mut().zip(aggs).zip(&ids) {
        for p in 0..np {
            let b = Bands::of(a.flow_period(f, p, FlowMetric::WaitingMean));
            s.p10[p] = b.p10;
            s.p50[p] = b.p50;
            s.p90[p] = b.p90;
        }
    }
    panel
}
