//! A comparison of scenarios as a table and as report data.

use polars::prelude::*;

use super::report::{Bands, Chart, ChartKind, Marker, Panel, Series};
use crate::compare::Paired;
use crate::format::{decimal, money, pct, thousands};
use crate::model::Model;
use crate::results::{FlowKpi, FlowMetric, TotalMetric};
use crate::stats::Aggregate;

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
pub struct Row {
    pub label: String,
    pub unit: &'static str,
    /// Per scenario.
    pub values: Vec<Bands>,
    /// Per scenario after the first: paired difference from the first.
    pub differences: Vec<Bands>,
}

impl Row {
    pub fn show(&self, v: f64) -> String {
        match self.unit {
            "pct" => pct(v),
            "money" => money(v),
            "days" => decimal(v, 1),
            _ => thousands(v),
        }
    }

    /// A difference with its sign.
    pub fn show_diff(&self, v: f64) -> String {
        let s = self.show(v.abs());
        if s.trim_start_matches('£').trim_end_matches('%').chars().all(|c| c == '0' || c == '.') {
            s // rounds to nothing: no sign
        } else if v > 0.0 {
            format!("+{s}")
        } else if v < 0.0 {
            format!("-{s}")
        } else {
            s
        }
    }
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub names: Vec<String>,
    pub files: Vec<String>,
    pub shas: Vec<String>,
    pub headline: Vec<String>,
    pub rows: Vec<Row>,
    pub charts: Vec<Chart>,
    pub seed: u64,
    pub replications: u64,
}

fn find(paired: &Paired, i: usize, scope: &str, name: &str, metric: &str) -> Option<Bands> {
    paired.differences[i]
        .iter()
        .find(|(m, _)| m.scope == scope && m.name == name && m.metric == metric)
        .map(|(_, b)| Bands::of(b))
}

pub fn build(entries: &[Entry], paired: &Paired, seed: u64, replications: u64) -> Comparison {
    let base = entries[0].model;
    let mut rows = Vec::new();
    let mut total_row = |t: TotalMetric, label: &str, unit: &'static str| {
        let values: Vec<Bands> = paired.aggregates.iter().map(|a| Bands::of(a.total_kpi(t))).collect();
        let differences =
            (0..entries.len() - 1).filter_map(|i| find(paired, i, "scenario", "total", t.name())).collect();
        rows.push(Row { label: label.into(), unit, values, differences });
    };
    let has_dols = base.flows.iter().any(|f| f.pool == crate::model::Pool::Dols);
    if has_dols {
        total_row(TotalMetric::DolsOpen, "DoLS backlog at the end (requests open)", "count");
        total_row(TotalMetric::Unauthorised, "people without authorisation at the end", "count");
        total_row(TotalMetric::UnauthorisedDays, "person-days without authorisation", "count");
        total_row(TotalMetric::DolsHoursDualRole, "hours dual-role staff gave to DoLS", "count");
    }
    total_row(TotalMetric::CostTotal, "total cost", "money");
    total_row(TotalMetric::CostAgency, "agency cost", "money");
    total_row(TotalMetric::CostBoughtIn, "bought-in assessment cost", "money");
    // Flows with deadlines, compared where every scenario has them.
    for flow in &base.flows {
        let ids: Option<Vec<usize>> = entries.iter().map(|e| e.model.flow_id(&flow.name).map(usize::from)).collect();
        let Some(ids) = ids else { continue };
        for (k, label, unit) in [
            (FlowKpi::WithinDeadlinePct, "% within deadline", "pct"),
            (FlowKpi::WaitingAtEnd, "waiting at the end", "count"),
        ] {
            if k == FlowKpi::WithinDeadlinePct && flow.deadline_days.is_none() {
                continue;
            }
            let values = paired.aggregates.iter().zip(&ids).map(|(a, &f)| Bands::of(a.flow_kpi(f, k))).collect();
            let differences =
                (0..entries.len() - 1).filter_map(|i| find(paired, i, "flow", &flow.name, k.name())).collect();
            rows.push(Row { label: format!("{}: {label}", flow.label), unit, values, differences });
        }
    }
    let names: Vec<String> = entries.iter().map(|e| e.model.name.clone()).collect();
    let headline = headline(&names, &rows);
    Comparison {
        names,
        files: entries.iter().map(|e| e.file.clone()).collect(),
        shas: entries.iter().map(|e| e.sha256.clone()).collect(),
        headline,
        charts: charts(entries, &paired.aggregates),
        rows,
        seed,
        replications,
    }
}

fn headline(names: &[String], rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate().skip(1) {
        let parts: Vec<String> = rows
            .iter()
            .filter(|r| r.differences.get(i - 1).is_some_and(|d| d.p10 != 0.0 || d.p90 != 0.0))
            .take(5)
            .filter_map(|r| {
                let d = r.differences.get(i - 1)?;
                Some(format!(
                    "{} by {} (P10-P90: {} to {})",
                    r.label,
                    r.show_diff(d.p50),
                    r.show_diff(d.p10),
                    r.show_diff(d.p90)
                ))
            })
            .collect();
        if parts.is_empty() {
            out.push(format!("Against {}, {} makes no difference to the measures compared.", names[0], name));
        } else {
            out.push(format!("Against {}, {} changes {}.", names[0], name, parts.join("; ")));
        }
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
    Panel {
        title: label.into(),
        series: aggs
            .iter()
            .zip(names)
            .map(|(a, name)| {
                let mut s =
                    Series { label: name.clone(), x: Vec::new(), p10: Vec::new(), p50: Vec::new(), p90: Vec::new() };
                for p in 0..np {
                    let b = read(a, p);
                    s.x.push(p as f64);
                    s.p10.push(b.p10);
                    s.p50.push(b.p50);
                    s.p90.push(b.p90);
                }
                s
            })
            .collect(),
        marker: None::<Marker>,
        points: Vec::new(),
    }
}

fn charts(entries: &[Entry], aggs: &[Aggregate]) -> Vec<Chart> {
    let base = entries[0].model;
    // Periods are compared as far as every scenario reaches.
    let np = entries.iter().map(|e| e.model.periods.len()).min().unwrap_or(0);
    let names: Vec<String> = entries.iter().map(|e| e.model.name.clone()).collect();
    let ticks: Vec<String> = (0..np).map(|p| crate::format::short_month(base.periods.starts[p])).collect();
    let mut panels = Vec::new();
    if base.flows.iter().any(|f| f.pool == crate::model::Pool::Dols) {
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
        panels,
    }];
    // Waiting lists of the flows that wait most, in any scenario.
    let mut flows: Vec<(f64, String)> = base
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
    let panels: Vec<Panel> = flows
        .iter()
        .take(6)
        .map(|(_, name)| {
            let label = base.flow_id(name).map_or(name.clone(), |f| base.flows[f as usize].label.clone());
            let ids: Vec<usize> = entries.iter().map(|e| e.model.flow_id(name).map_or(0, usize::from)).collect();
            let mut panel = overlay(&label, aggs, &names, np, |_, _| Bands { p10: 0.0, p50: 0.0, p90: 0.0, mean: 0.0 });
            for ((s, a), &f) in panel.series.iter_mut().zip(aggs).zip(&ids) {
                for p in 0..np {
                    let b = Bands::of(a.flow_period(f, p, FlowMetric::WaitingMean));
                    s.p10[p] = b.p10;
                    s.p50[p] = b.p50;
                    s.p90[p] = b.p90;
                }
            }
            panel
        })
        .collect();
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
            panels,
        });
    }
    charts
}
