//! "Waiting lists": backlogs over time, the DoLS backlog and people
//! without authorisation, and days to complete against deadlines.

use super::ReportInput;
use crate::results::{FlowMetric, TotalMetric, WAIT_BINS};
use crate::stats::Bands;
use crate::summary::doc::{Block, Chart, ChartKind, Marker, Panel, Section, Series};

pub(super) fn section(cx: &ReportInput) -> Section {
    let mut s = Section::new("waiting", "Waiting lists over time");
    if let Some(c) = backlog(cx) {
        s.push(Block::Chart(c));
    }
    if cx.has_dols() {
        s.push(Block::Chart(dols(cx)));
    }
    if let Some(c) = completion(cx) {
        s.push(Block::Chart(c));
    }
    s
}

fn backlog(cx: &ReportInput) -> Option<Chart> {
    let (m, agg) = (cx.m, cx.agg);
    let np = m.periods.len();
    let mut never: Vec<String> = Vec::new();
    let mut panels = Vec::new();
    for f in 0..m.flows.len() {
        let s = Series::over("waiting", np, |p| Bands::of(agg.flow_period(f, p, FlowMetric::WaitingMean)));
        // Less than one item waiting on average in 90% of futures.
        if s.p90.iter().all(|&v| v < 1.0) {
            never.push(m.flow_title(f));
        } else {
            panels.push(Panel::new(&m.flow_title(f), vec![s]));
        }
    }
    if panels.is_empty() {
        return None;
    }
    let mut caption = "Items not yet allocated to a worker, averaged over each period (a snapshot at the end of a period would swing with weekends): the shaded band holds 80% of futures (P10-P90), the line is the median.".to_string();
    if !never.is_empty() {
        caption.push_str(&format!(
            " Fewer than one waiting on average in 90% of futures, so not shown: {}.",
            never.join(", ")
        ));
    }
    Some(cx.fan("backlog", "Waiting for allocation, by flow", &caption, "items waiting", panels))
}

fn dols(cx: &ReportInput) -> Chart {
    let (np, agg) = (cx.m.periods.len(), cx.agg);
    cx.fan(
        "dols",
        "DoLS backlog and people without authorisation",
        "DoLS requests open (waiting or in progress at any stage) and people deprived of liberty past their deadline, at the end of each period.",
        "people",
        vec![
            Panel::new(
                "DoLS requests open",
                vec![Series::over("open", np, |p| Bands::of(agg.total_period(p, TotalMetric::DolsOpen)))],
            ),
            Panel::new(
                "deprived of liberty without authorisation",
                vec![Series::over("unauthorised", np, |p| Bands::of(agg.total_period(p, TotalMetric::Unauthorised)))],
            ),
        ],
    )
}

/// Days to complete for flows with deadlines that end a case (a request's
/// last stage, or a flow on its own), pooled over replications.
fn completion(cx: &ReportInput) -> Option<Chart> {
    let (m, agg) = (cx.m, cx.agg);
    let ends: Vec<usize> = (0..m.flows.len())
        .filter(|&f| {
            let flow = &m.flows[f];
            flow.deadline_days.is_some() && !flow.route_groups.iter().flat_map(|g| &g.routes).any(|r| r.keep_deadline)
        })
        .collect();
    if ends.is_empty() {
        return None;
    }
    let panels = ends
        .iter()
        .map(|&f| {
            let hist = agg.done_hist(f);
            let total: u64 = hist.iter().sum();
            // Show each flow up to its 99th percentile, and at least a
            // little past its deadline.
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
            // Bins of whole days, wide enough that a long tail has bars one
            // can see: at most 60 of them.
            let width = shown.div_ceil(60);
            let share: Vec<f64> = hist[..shown]
                .chunks(width)
                .map(|c| c.iter().sum::<u64>())
                .map(|c| if total > 0 { 100.0 * c as f64 / total as f64 } else { 0.0 })
                .collect();
            // A request's last stage stands for the request.
            let title = match m.flows[f].stage_of {
                Some((r, _)) => m.requests[r].label.clone(),
                None => m.flows[f].label.clone(),
            };
            let mut panel = Panel::new(
                &title,
                vec![Series {
                    label: if width == 1 { "% of items".into() } else { format!("% of items ({width}-day bins)") },
                    x: (0..share.len()).map(|b| (b * width) as f64).collect(),
                    p10: share.clone(),
                    p50: share.clone(),
                    p90: share,
                }],
            );
            panel.marker = Some(Marker::at("deadline", deadline));
            panel
        })
        .collect();
    Some(Chart {
        id: "completion".into(),
        legend: "upper",
        from_zero: true,
        title: "Days to complete, against the deadline".into(),
        caption: "Share of items completed (requests decided) after each number of days, pooled over all replications; a request counts from when it was made. The dashed line is the deadline.".into(),
        kind: ChartKind::Histogram,
        x_label: "days from arrival (or request) to completion".into(),
        y_label: "% of items".into(),
        x_ticks: Vec::new(),
        x_marks: Vec::new(),
        panels,
    })
}
