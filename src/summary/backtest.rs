//! A backtest as report data: the actual-against-forecast chart.

use chrono::NaiveDate;

use super::doc::{Chart, ChartKind, Panel, Series};
use crate::backtest::Check;
use crate::history::read;

/// One panel per tested flow, titled by `titles` (one per flow): the history the fit saw (periods of the
/// held-out kind that end by `train_until`), then the forecast band over
/// the held-out periods with the actual counts.
pub fn chart(
    checks: &[Check],
    flows: &[String],
    titles: &[String],
    history: &[read::Series],
    train_until: NaiveDate,
) -> Chart {
    // One axis for every panel: periods by the day they end, so a level at
    // 31 March sits with the year it ends and a gap stays a gap.
    let end_of = |label: &str| read::parse_period(label).map(|s| s.end).ok();
    let mut axis: Vec<(NaiveDate, String)> = Vec::new();
    let mut per_flow = Vec::new();
    for (flow, title) in flows.iter().zip(titles) {
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
        for label in trained.iter().map(|(l, _)| l.as_str()).chain(rows.iter().map(|c| c.period.as_str())) {
            if let Some(end) = end_of(label) {
                match axis.iter_mut().find(|(e, _)| *e == end) {
                    // A period's own label reads better than a date.
                    Some((_, l)) if l.len() == 10 && label.len() != 10 => *l = label.to_string(),
                    Some(_) => {}
                    None => axis.push((end, label.to_string())),
                }
            }
        }
        per_flow.push((title, rows, trained));
    }
    axis.sort();
    let x_of = |label: &str| end_of(label).and_then(|e| axis.iter().position(|(a, _)| *a == e)).unwrap_or(0) as f64;
    let mut panels = Vec::new();
    for (title, rows, trained) in per_flow {
        let x: Vec<f64> = rows.iter().map(|c| x_of(&c.period)).collect();
        let band = |k: usize| rows.iter().map(|c| c.bands[k]).collect::<Vec<f64>>();
        let points = trained
            .iter()
            .map(|(label, count)| (x_of(label), *count))
            .chain(rows.iter().map(|c| (x_of(&c.period), c.actual)))
            .collect();
        let mut panel =
            Panel::new(title, vec![Series { label: "forecast".into(), x, p10: band(1), p50: band(2), p90: band(3) }]);
        panel.points = points;
        panels.push(panel);
    }
    let ticks: Vec<String> = axis.into_iter().map(|(_, l)| l).collect();
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
