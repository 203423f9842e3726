//! "Workforce": each role's use, caseload, staffing against establishment
//! and hours given to DoLS.

use super::ReportInput;
use crate::format::Unit;
use crate::results::{RoleKpi, RoleMetric};
use crate::stats::Bands;
use crate::summary::doc::{Block, Chart, ChartKind, KpiRow, KpiTable, Marker, Panel, Section, Series};

pub(super) fn section(cx: &ReportInput) -> Section {
    let mut s = Section::new("workforce", "Workforce");
    s.push(Block::Kpis(table(cx)));
    let staff: Vec<usize> = (0..cx.m.roles.len()).filter(|&r| !cx.m.roles[r].is_bought_in()).collect();
    let np = cx.m.periods.len();
    let agg = cx.agg;
    s.push(Block::Chart(
        cx.fan(
            "caseload",
            "Caseload per worker, by role",
            "Open items per worker in post, averaged over each period; the dashed line is the caseload cap.",
            "open items per worker",
            staff
                .iter()
                .map(|&r| {
                    let mut p = Panel::new(
                        &cx.m.roles[r].label,
                        vec![Series::over("caseload", np, |p| Bands::of(agg.role_period(r, p, RoleMetric::Caseload)))],
                    );
                    p.marker = Some(Marker::at("cap", cx.m.roles[r].caseload_cap as f64));
                    p
                })
                .collect(),
        ),
    ));
    s.push(Block::Chart(cx.fan(
        "staffing",
        "Staff in post against establishment, by role",
        "FTE in post (employed or agency) at the end of each period; the dashed line is the funded establishment, which follows any staffing plan.",
        "FTE",
        staff
            .iter()
            .map(|&r| {
                let mut p = Panel::new(
                    &cx.m.roles[r].label,
                    vec![Series::over("in post", np, |p| Bands::of(agg.role_period(r, p, RoleMetric::Staff)))],
                );
                p.marker = Some(establishment(cx, r));
                p
            })
            .collect(),
    )));
    s.push(Block::Chart(utilisation(cx)));
    s
}

fn table(cx: &ReportInput) -> KpiTable {
    let (m, agg) = (cx.m, cx.agg);
    let mut t = KpiTable { title: "By role".into(), rows: Vec::new() };
    for (r, role) in m.roles.iter().enumerate() {
        let row = |label: String, k: RoleKpi, unit| KpiRow { label, bands: Bands::of(agg.role_kpi(r, k)), unit };
        t.rows.push(row(format!("{}: utilisation", role.label), RoleKpi::UtilisationPct, Unit::Pct));
        if !role.is_bought_in() {
            t.rows.push(row(format!("{}: caseload per worker", role.label), RoleKpi::Caseload, Unit::Ratio));
            t.rows.push(KpiRow {
                label: format!(
                    "{}: FTE in post at the end (of {})",
                    role.label,
                    Unit::Ratio.show(agg.role_period(r, cx.last, RoleMetric::Establishment).quantile(0.5))
                ),
                bands: Bands::of(agg.role_period(r, cx.last, RoleMetric::Staff)),
                unit: Unit::Ratio,
            });
        }
        if agg.role_kpi(r, RoleKpi::HoursDols).mean() > 0.0 {
            // Bought-in capacity is counted in assessments, not hours.
            let (what, unit) = if role.is_bought_in() {
                ("DoLS assessments bought", Unit::Count)
            } else {
                ("hours given to DoLS", Unit::Hours)
            };
            t.rows.push(row(format!("{}: {what}", role.label), RoleKpi::HoursDols, unit));
        }
        t.rows.push(row(format!("{}: cost over {:.1} years", role.label, cx.years), RoleKpi::Cost, Unit::Money));
    }
    t
}

/// A role's funded establishment: a level, or a line per period when a
/// staffing plan changes it.
fn establishment(cx: &ReportInput, r: usize) -> Marker {
    let steps: Vec<f64> =
        (0..cx.m.periods.len()).map(|p| cx.agg.role_period(r, p, RoleMetric::Establishment).quantile(0.5)).collect();
    let level = cx.m.roles[r].fte;
    let mut marker = Marker::at("establishment", level);
    if steps.iter().any(|&v| (v - level).abs() > 1e-9) {
        marker.value = steps.iter().copied().fold(level, f64::max);
        marker.steps = steps;
    }
    marker
}

fn utilisation(cx: &ReportInput) -> Chart {
    let roles: Vec<usize> = (0..cx.m.roles.len()).collect();
    let util =
        Series::over("utilisation", roles.len(), |i| Bands::of(cx.agg.role_kpi(roles[i], RoleKpi::UtilisationPct)));
    Chart {
        id: "utilisation".into(),
        legend: "upper",
        from_zero: true,
        title: "Utilisation by role".into(),
        caption: "Casework hours worked as a share of hours available over the whole period: bar at the median, whisker P10-P90.".into(),
        kind: ChartKind::Bars,
        x_label: "role".into(),
        y_label: "% of hours available".into(),
        x_ticks: cx.m.roles.iter().map(|r| r.label.clone()).collect(),
        x_marks: Vec::new(),
        panels: vec![Panel::new("", vec![util])],
    }
}
