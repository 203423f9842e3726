//! A backtest as report data: the actual-against-forecast chart.

use super::report::{Chart, ChartKind, Panel, Series};
use crate::history::backtest::Check;

pub fn chart(checks: &[Check], flows: &[String]) -> Chart {
    let mut panels = Vec::new();
    let mut ticks: Vec<String> = Vec::new();
    for flow in flows {
        let rows: Vec<&Check> = checks.iter().filter(|c| &c.flow == flow).collect();
        if rows.len() > ticks.len() {
            ticks = rows.iter().map(|c| c.period.clone()).collect();
        }
        let x: Vec<f64> = (0..rows.len()).map(|i| i as f64).collect();
        let band = |k: usize| rows.iter().map(|c| c.bands[k]).collect::<Vec<f64>>();
        panels.push(Panel {
            title: flow.replace('_', " "),
            series: vec![Series { label: "forecast".into(), x: x.clone(), p10: band(1), p50: band(2), p90: band(3) }],
            marker: None,
            points: rows.iter().enumerate().map(|(i, c)| (i as f64, c.actual)).collect(),
        });
    }
    Chart {
        id: "backtest".into(),
        legend: "upper",
        from_zero: true,
        title: "Backtest: actual counts against the forecast".into(),
        caption: "Forecast from the history up to the training date: P10-P90 band and P50 line of simulated arrivals in each held-out period; dots are the actual counts.".into(),
        kind: ChartKind::Fan,
        x_label: "held-out period".into(),
        y_label: "count in period".into(),
        x_ticks: ticks,
        panels,
    }
}
