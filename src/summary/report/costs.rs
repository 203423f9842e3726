//! "Costs": the whole service's cost by component, and over time.

use super::Cx;
use crate::format::Unit;
use crate::results::TotalMetric;
use crate::stats::Bands;
use crate::summary::doc::{Block, KpiRow, KpiTable, Panel, Section, Series};

pub(super) fn section(cx: &Cx) -> Section {
    let mut s = Section::new("costs", "Costs");
    let agg = cx.agg;
    let mut t = KpiTable { title: format!("Over {:.1} years", cx.years), rows: Vec::new() };
    for (metric, label) in [
        (TotalMetric::CostStaff, "employed staff"),
        (TotalMetric::CostAgency, "agency"),
        (TotalMetric::CostBoughtIn, "bought-in assessment fees"),
        (TotalMetric::CostOvertime, "overtime"),
        (TotalMetric::CostTotal, "total"),
    ] {
        t.rows.push(KpiRow { label: label.into(), bands: Bands::of(agg.total_kpi(metric)), unit: Unit::Money });
    }
    s.push(Block::Kpis(t));
    if agg.total_kpi(TotalMetric::CostTotal).quantile(0.9) > 0.0 {
        let np = cx.m.periods.len();
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
