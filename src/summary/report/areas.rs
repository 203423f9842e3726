//! "Areas": for a scenario of areas (the councils of a regional hub), each
//! area's DoLS requests in one row: decided, backlog, within deadline,
//! person-days unauthorised and DoLS cost by financial year. Each figure is
//! the area's own total in each simulated future, summarised over them.

use super::ReportInput;
use crate::format::Unit;
use crate::results::AreaMetric;
use crate::stats::Bands;
use crate::summary::doc::{Block, Section, Sentence, Table};

pub(super) fn section(cx: &ReportInput) -> Section {
    let (m, agg) = (cx.m, cx.agg);
    let mut s = Section::new("areas", "Areas");
    if m.areas.is_empty() || agg.area_kpis.is_empty() {
        return s;
    }
    let mut header: Vec<String> = vec![
        "area".into(),
        "requests decided".into(),
        "backlog at the end".into(),
        "decided within their deadline".into(),
        "person-days unauthorised".into(),
    ];
    header.extend(m.years.iter().map(|y| format!("DoLS cost {}", y.label)));
    let mut rows = Vec::new();
    let mut worst: Option<(usize, f64)> = None;
    for (a, area) in m.areas.iter().enumerate() {
        let kpi = |k: AreaMetric| Bands::of(agg.area_kpi(a, k));
        let within = kpi(AreaMetric::WithinDeadlinePct);
        if worst.is_none_or(|(_, w)| within.p50 < w) {
            worst = Some((a, within.p50));
        }
        let mut row = vec![
            area.label.clone(),
            Unit::Count.band(&kpi(AreaMetric::Decided)),
            Unit::Count.band(&kpi(AreaMetric::OpenAtEnd)),
            Unit::Pct.band(&within),
            Unit::Count.band(&kpi(AreaMetric::UnauthorisedDays)),
        ];
        row.extend((0..m.years.len()).map(|y| Unit::Money.band(&Bands::of(agg.area_dols_cost(a, y)))));
        rows.push(row);
    }
    if let Some(region) = agg.region() {
        let kpi = |k: AreaMetric| Bands::of(agg.area_kpi(region, k));
        let mut row = vec![
            "Region".to_string(),
            Unit::Count.band(&kpi(AreaMetric::Decided)),
            Unit::Count.band(&kpi(AreaMetric::OpenAtEnd)),
            Unit::Pct.band(&kpi(AreaMetric::WithinDeadlinePct)),
            Unit::Count.band(&kpi(AreaMetric::UnauthorisedDays)),
        ];
        row.extend((0..m.years.len()).map(|y| Unit::Money.band(&Bands::of(agg.area_dols_cost(region, y)))));
        rows.push(row);
    }
    if let Some((a, _)) = worst {
        let kpi = |k: AreaMetric| Bands::of(agg.area_kpi(a, k));
        let within = kpi(AreaMetric::WithinDeadlinePct);
        // An area whose middle 80% of futures reaches below the worst's
        // median could as well be the worst.
        let close: Vec<&str> = (0..m.areas.len())
            .filter(|&b| b != a && Bands::of(agg.area_kpi(b, AreaMetric::WithinDeadlinePct)).p10 <= within.p50)
            .map(|b| m.areas[b].label.as_str())
            .collect();
        let doubt = if close.is_empty() {
            String::new()
        } else {
            let whose = match close.as_slice() {
                [one] => format!("{one}'s share is"),
                many => format!("The shares of {} are", crate::format::list(many)),
            };
            format!(" {whose} as low in at least one simulated future in ten, so which area does worst is not settled.")
        };
        s.push(Block::Sentences(vec![Sentence::plain(format!(
            "{} decides the smallest share of its DoLS requests within their deadline: {}, with a backlog of {} at the end.{doubt}",
            m.areas[a].label,
            Unit::Pct.band_words(&within),
            Unit::Count.band_words(&kpi(AreaMetric::OpenAtEnd))
        ))]));
    }
    s.push(Block::Table(Table { title: "By area".into(), header, rows }));
    let legal = super::legal::sentences(cx);
    if !legal.is_empty() {
        s.push(Block::Sentences(legal));
    }
    s.push(Block::Note(
        "Each figure is the area's total (all its request types) in each simulated future: P50 (P10-P90). Urgent requests count against their 7-day deadline, standard ones against 21 days. The Region row is the region's total in each future: its P50 need not be the sum of the areas' P50s (a middle future for one area is not a middle future for all), though its mean is the sum of theirs (kpis.csv has the means).".into(),
    ));
    s
}
