//! "Money": cost by financial year and component, what the work costs
//! (staff time costed by activity beside the cash), DoLS cost, and the
//! chance of going over budget.

use super::ReportInput;
use crate::format::Unit;
use crate::model::WorkKind;
use crate::results::{BudgetMetric, FlowKpi, RequestKpi, TotalMetric, YearMetric};
use crate::stats::Bands;
use crate::summary::doc::{
    Block, Chart, ChartKind, Figure, KpiRow, KpiTable, Marker, Panel, Section, Sentence, Series, Source, Table,
};

/// "2015/16", or "2015/16 (part)" for a part-year.
fn year_label(cx: &ReportInput, y: usize) -> String {
    let fy = &cx.m.years[y];
    if fy.covered < 0.999 { format!("{} (part)", fy.label) } else { fy.label.clone() }
}

fn year(cx: &ReportInput, y: usize, k: YearMetric) -> Bands {
    Bands::of(cx.agg.year_total(y, k))
}

/// The DoLS cost of each year, in a sentence: staff time and fees.
pub(super) fn dols_sentence(cx: &ReportInput) -> Option<Sentence> {
    if !cx.has_dols() || cx.m.years.is_empty() {
        return None;
    }
    let mut figures = Vec::new();
    let years: Vec<String> = (0..cx.m.years.len())
        .map(|y| {
            let b = year(cx, y, YearMetric::DolsCost);
            figures.push(Figure {
                source: Source::Year { year: cx.m.years[y].label.clone(), metric: "dols_cost" },
                bands: b,
            });
            format!("{} in {}", Unit::Money.band_words(&b), year_label(cx, y))
        })
        .collect();
    let hours = Bands::of(cx.agg.total_kpi(TotalMetric::DolsHours));
    // A region's cost per decision is per area and request: its tables
    // have them, a sentence of ten would not be read.
    let per =
        cx.m.requests
            .iter()
            .enumerate()
            .filter(|(_, r)| cx.m.areas.is_empty() && cx.m.flows[r.first()].kind == WorkKind::Dols)
            .map(|(q, r)| {
                let b = Bands::of(cx.agg.request_kpi(q, RequestKpi::CostPerDecision));
                figures.push(Figure { source: Source::kpi("request", &r.name, "cost_per_decision"), bands: b });
                format!("{} per {} decided", Unit::Money.show(b.p50), singular(&r.label))
            })
            .collect::<Vec<_>>();
    let per = if per.is_empty() { String::new() } else { format!(" ({})", per.join("; ")) };
    Some(Sentence {
        text: format!(
            "DoLS costs {} in staff time and fees{per}; staff give it {} hours over the {:.1} years, time they are paid for whether or not DoLS takes it.",
            years.join(", "),
            Unit::Hours.show(hours.p50),
            cx.years
        ),
        figures,
    })
}

/// "standard DoLS requests" -> "standard DoLS request".
fn singular(label: &str) -> String {
    label.strip_suffix('s').unwrap_or(label).to_string()
}

/// The chance of going over each budget line, year by year.
pub(super) fn budget_sentences(cx: &ReportInput) -> Vec<Sentence> {
    cx.m.budget
        .iter()
        .enumerate()
        .map(|(l, line)| {
            let parts: Vec<String> = (0..cx.m.years.len())
                .filter(|&y| !line.per_year[y].is_nan())
                .map(|y| {
                    let p = cx.agg.budget(l, y, BudgetMetric::Over).mean();
                    let over = cx.agg.budget(l, y, BudgetMetric::Overspend).mean();
                    format!(
                        "{}: {} chance of spending more than {} (expected overspend {})",
                        year_label(cx, y),
                        Unit::Chance.show(p),
                        Unit::Money.show_given(line.per_year[y]),
                        Unit::Money.show(over)
                    )
                })
                .collect();
            Sentence::plain(format!("Budget for {}: {}.", line.item.label(), parts.join("; ")))
        })
        .collect()
}

pub(super) fn section(cx: &ReportInput) -> Section {
    let mut s = Section::new("money", "Money");
    // The DoLS cost and budget sentences lead the report's headline.
    if !cx.m.years.is_empty() {
        s.push(Block::Table(by_year(cx)));
        s.push(Block::Chart(year_chart(cx)));
    }
    s.push(Block::Kpis(activity(cx)));
    if !cx.m.budget.is_empty() {
        s.push(Block::Table(budget_table(cx)));
        s.push(Block::Chart(budget_chart(cx)));
    }
    s.push(Block::Note(
        "Staff time is costed at each role's cost per casework hour available (salary and on-costs, agency day rates and overtime, over the hours left after leave, sickness and vacancies), so the work's costs and the cost of time given to no work add up to the staff bill.".into(),
    ));
    if cx.agg.total_kpi(TotalMetric::CostTotal).quantile(0.9) > 0.0 {
        let np = cx.m.periods.len();
        let agg = cx.agg;
        let period = cx.m.periods.kind.name();
        s.push(Block::Chart(cx.fan(
            "cost",
            "Cost by period and cumulative",
            "All costs (staff, agency, bought-in assessments, overtime) in each period, and added up from the start.",
            "£",
            vec![
                Panel::new(
                    &format!("cost per {period}"),
                    vec![Series::over("cost", np, |p| Bands::of(agg.total_period(p, TotalMetric::CostTotal)))],
                ),
                Panel::new(
                    "cumulative cost",
                    vec![Series::over("cumulative", np, |p| {
                        Bands::of(agg.total_period(p, TotalMetric::CostCumulative))
                    })],
                ),
            ],
        )));
    }
    s
}

fn by_year(cx: &ReportInput) -> Table {
    let cols = [
        (YearMetric::CostStaff, "employed staff", Unit::Money),
        (YearMetric::CostAgency, "agency", Unit::Money),
        (YearMetric::CostBoughtIn, "bought-in assessments", Unit::Money),
        (YearMetric::CostOvertime, "overtime", Unit::Money),
        (YearMetric::CostTotal, "total", Unit::Money),
        (YearMetric::DolsCost, "of which DoLS work", Unit::Money),
        (YearMetric::DolsHours, "DoLS staff hours", Unit::Hours),
    ];
    let mut header = vec!["financial year".to_string()];
    header.extend(cols.iter().map(|c| format!("{} P50 (P10-P90)", c.1)));
    let rows = (0..cx.m.years.len())
        .map(|y| {
            let mut row = vec![year_label(cx, y)];
            row.extend(cols.iter().map(|&(k, _, unit)| unit.band(&year(cx, y, k))));
            row
        })
        .collect();
    Table { title: "By financial year".into(), header, rows }
}

fn year_chart(cx: &ReportInput) -> Chart {
    let n = cx.m.years.len();
    let layer = |label: &str, k: YearMetric| Series::over(label, n, |y| year(cx, y, k));
    let mut panel = Panel::new(
        "",
        vec![
            layer("employed staff", YearMetric::CostStaff),
            layer("agency", YearMetric::CostAgency),
            layer("bought-in assessments", YearMetric::CostBoughtIn),
            layer("overtime", YearMetric::CostOvertime),
        ],
    );
    panel.whiskers = (0..n).map(|y| year(cx, y, YearMetric::CostTotal)).map(|b| (b.p10, b.p90)).collect();
    Chart {
        id: "financial-years".into(),
        legend: "upper",
        from_zero: true,
        title: "Cost by financial year and component".into(),
        caption: "Each bar stacks the medians (P50) of employed staff, agency, bought-in assessment and overtime costs in a financial year (April to March); the whisker is the P10-P90 band of the year's total. A part-year at either end is shorter.".into(),
        kind: ChartKind::Stacked,
        x_label: "financial year".into(),
        y_label: "£".into(),
        x_ticks: (0..n).map(|y| year_label(cx, y)).collect(),
        x_marks: Vec::new(),
        panels: vec![panel],
    }
}

/// What each piece of work costs: staff time and fees, per request decided
/// and per item completed, beside the time given to no work.
fn activity(cx: &ReportInput) -> KpiTable {
    let (m, agg) = (cx.m, cx.agg);
    let mut t = KpiTable { title: "What the work costs (staff time and fees)".into(), rows: Vec::new() };
    for (q, r) in m.requests.iter().enumerate() {
        t.rows.push(KpiRow {
            label: format!("{}: cost a year", r.label),
            bands: Bands::of(agg.request_kpi(q, RequestKpi::Cost)).scaled(1.0 / cx.years),
            unit: Unit::Money,
        });
        t.rows.push(KpiRow {
            label: format!("{}: cost per request decided", r.label),
            bands: Bands::of(agg.request_kpi(q, RequestKpi::CostPerDecision)),
            unit: Unit::Money,
        });
    }
    for (f, flow) in m.flows.iter().enumerate().filter(|(_, f)| f.stage_of.is_none()) {
        if agg.flow_kpi(f, FlowKpi::Completed).mean() <= 0.0 {
            continue;
        }
        t.rows.push(KpiRow {
            label: format!("{}: cost per item completed", flow.label),
            bands: Bands::of(agg.flow_kpi(f, FlowKpi::CostPerCompleted)),
            unit: Unit::Money,
        });
    }
    t.rows.push(KpiRow {
        label: "staff time given to no work, a year".into(),
        bands: Bands::of(agg.total_kpi(TotalMetric::CostUnallocated)).scaled(1.0 / cx.years),
        unit: Unit::Money,
    });
    t
}

/// Each budget line's spend by financial year against the budget.
fn budget_chart(cx: &ReportInput) -> Chart {
    let n = cx.m.years.len();
    let panels =
        cx.m.budget
            .iter()
            .enumerate()
            .map(|(l, line)| {
                let spend = Series::over("spend", n, |y| Bands::of(cx.agg.budget(l, y, BudgetMetric::Spend)));
                let mut panel = Panel::new(&format!("budget for {}", line.item.label()), vec![spend]);
                let highest = line.per_year.iter().copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
                panel.marker = Some(Marker { label: "budget".into(), value: highest, steps: line.per_year.clone() });
                panel
            })
            .collect();
    Chart {
        id: "budget".into(),
        legend: "upper",
        from_zero: true,
        title: "Spend against budget by financial year".into(),
        caption: "Each bar is the P50 of a financial year's spend on the budget line, with its P10-P90 whisker; the line across it is the budget. The table above gives the chance of going over and the expected overspend.".into(),
        kind: ChartKind::Bars,
        x_label: "financial year".into(),
        y_label: "£".into(),
        x_ticks: (0..n).map(|y| year_label(cx, y)).collect(),
        x_marks: Vec::new(),
        panels,
    }
}

fn budget_table(cx: &ReportInput) -> Table {
    let mut rows = Vec::new();
    for (l, line) in cx.m.budget.iter().enumerate() {
        for y in (0..cx.m.years.len()).filter(|&y| !line.per_year[y].is_nan()) {
            rows.push(vec![
                line.item.label().to_string(),
                year_label(cx, y),
                Unit::Money.show_given(line.per_year[y]),
                Unit::Money.band(&Bands::of(cx.agg.budget(l, y, BudgetMetric::Spend))),
                Unit::Chance.show(cx.agg.budget(l, y, BudgetMetric::Over).mean()),
                Unit::Money.show(cx.agg.budget(l, y, BudgetMetric::Overspend).mean()),
            ]);
        }
    }
    Table {
        title: "Budgets".into(),
        header: [
            "budget for",
            "financial year",
            "budget",
            "spend P50 (P10-P90)",
            "chance of going over",
            "expected overspend",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}
