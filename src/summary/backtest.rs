//! A backtest as report data: the actual-against-forecast chart.

use chrono::NaiveDate;

use super::doc::{Chart, ChartKind, Panel, Series};
use crate::history::backtest::Check;
use crate::history::read;

/// One panel per tested flow: the history the fit saw (periods of the
/// held-out kind that end by `train_until`), then the forecast band over
/// the held-out periods with the actual counts.
pub fn chart(checks: &[Check], flows: &[String], history: &[read::Series], train_until: NaiveDate) -> Chart {
    let mut panels = Vec::new();
    let mut ticks: Vec<String> = Vec::new();
    for flow in flows {
        let rows: Vec<&Check> = checks.iter().filter(|c| &c.flow == flow).collect();
        let Some(first) = rows.first() else { continue };
        // Training periods like the held-out ones (same label shape).
        let shape = |label: &str| (label.len(), label.contains('/'), label.contains('-'));
        let trained: Vec<(String, f64)> = history
            .iter()
            .filter(|s| &s.name == flow)
            .flat_map(|s| &s.points)
            .filter(|p| p.span.end <= train_until.succ_opt().unwrap_or(train_until))
            .map(|p| (p.span.label(), p.count))
            .filter(|(label, _)| shape(label) == shape(&first.period))
            .collect();
        let offset = trained.len();
        let labels: Vec<String> =
            trained.iter().map(|(l, _)| l.clone()).chain(rows.iter().map(|c| c.period.clone())).collect();
        if labels.len() > ticks.len() {
            ticks = labels;
        }
        let x: Vec<f64> = (0..rows.len()).map(|i| (offset + i) as f64).collect();
        let band = |k: usize| rows.iter().map(|c| c.bands[k]).collect::<Vec<f64>>();
        let points = trained
            .iter()
            .enumerate()
            .map(|(i, (_, count))| (i as f64, *count))
            .chain(rows.iter().enumerate().map(|(i, c)| ((offset + i) as f64, c.actual)))
            .collect();
        let mut panel = Panel::new(
            &flow.replace('_', " "),
            vec![Series { label: "forecast".into(), x, p10: band(1), p50: band(2), p90: band(3) }],
        );
        panel.points = points;
        panels.push(panel);
    }
    Chart {
        id: "backtest".into(),
        legend: "upper",
        from_zero: true,
        title: "Backtest: actual counts against the forecast".into(),
        caption: "Grey dots are the history the demand was fitted to; from the training date on, the band holds P10-P90 of simulated arrivals in each held-out period, the line is P50, and filled dots are the actual counts.".into(),
        kind: ChartKind::Fan,
        x_label: "period".into(),
        y_label: "count in period".into(),
        x_ticks: ticks,
        x_marks: Vec::new(),
        panels,
    }
}
