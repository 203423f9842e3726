//! "Requests and work": one row set per request (its stages taken as one),
//! then each flow of work that is not a stage of a request.

use super::ReportInput;
use crate::format::Unit;
use crate::results::{FlowKpi, RequestKpi, TotalMetric};
use crate::stats::Bands;
use crate::summary::doc::{Block, KpiRow, KpiTable, Section};

pub(super) fn section(cx: &ReportInput) -> Section {
    let mut s = Section::new("work", "Requests and work");
    if !cx.m.requests.is_empty() {
        s.push(Block::Kpis(requests(cx)));
    }
    if cx.has_dols() {
        s.push(Block::Kpis(dols_totals(cx)));
    }
    let flows = flows(cx);
    if !flows.rows.is_empty() {
        s.push(Block::Kpis(flows));
    }
    s
}

fn dols_totals(cx: &ReportInput) -> KpiTable {
    let mut t = KpiTable { title: "DoLS across the service".into(), rows: Vec::new() };
    for (metric, label, unit) in [
        (TotalMetric::DolsOpen, "DoLS requests open at the end (the backlog)", Unit::Count),
        (TotalMetric::DolsWaiting, "DoLS requests waiting for someone to take them at the end", Unit::Count),
        (TotalMetric::Unauthorised, "people deprived of liberty without authorisation at the end", Unit::Count),
        (TotalMetric::UnauthorisedDays, "person-days without authorisation", Unit::Count),
        (
            TotalMetric::DolsHoursDualRole,
            "hours dual-role staff gave to DoLS (care management hours lost)",
            Unit::Hours,
        ),
        (TotalMetric::LatentUnidentified, "people in latent pools not yet identified at the end", Unit::Count),
    ] {
        t.rows.push(KpiRow { label: label.into(), bands: Bands::of(cx.agg.total_kpi(metric)), unit });
    }
    t
}

fn requests(cx: &ReportInput) -> KpiTable {
    let (m, agg) = (cx.m, cx.agg);
    let mut t = KpiTable { title: "Requests (all their stages as one)".into(), rows: Vec::new() };
    for (r, request) in m.requests.iter().enumerate() {
        let row = |label: &str, k: RequestKpi, unit| KpiRow {
            label: format!("{}: {label}", request.label),
            bands: Bands::of(agg.request_kpi(r, k)),
            unit,
        };
        let per_year = |label: &str, k: RequestKpi| KpiRow {
            label: format!("{}: {label}", request.label),
            bands: Bands::of(agg.request_kpi(r, k)).scaled(1.0 / cx.years),
            unit: Unit::Count,
        };
        t.rows.push(per_year("received a year", RequestKpi::Arrivals));
        t.rows.push(per_year("completed a year (decided or closed without a decision)", RequestKpi::Completed));
        t.rows.push(per_year("decided a year", RequestKpi::Decided));
        let legal = m.legal_changes.iter().any(|l| l.flows.contains(&request.stages[0]));
        if legal {
            t.rows.push(per_year(
                "ended undecided a year (the person died, moved or left hospital, or no longer needs authorisation)",
                RequestKpi::Withdrawn,
            ));
            t.rows.push(per_year("of those, no longer needing authorisation a year", RequestKpi::NotRequired));
            t.rows.push(per_year(
                "renewals cancelled a year (no longer needing authorisation)",
                RequestKpi::RenewalsCancelled,
            ));
        } else {
            t.rows.push(per_year(
                "ended undecided a year (the person died, moved or left hospital)",
                RequestKpi::Withdrawn,
            ));
        }
        if let Some(d) = m.flows[request.first()].deadline_days {
            t.rows.push(row(&format!("% completed within {d:.0} days"), RequestKpi::WithinDeadlinePct, Unit::Pct));
            t.rows.push(row(
                &format!("% of decisions made within {d:.0} days"),
                RequestKpi::DecidedWithinDeadlinePct,
                Unit::Pct,
            ));
        }
        t.rows.push(row("mean days to completion", RequestKpi::MeanDaysToCompletion, Unit::Days));
        t.rows.push(row("mean days to decision", RequestKpi::MeanDaysToDecision, Unit::Days));
        t.rows.push(row("open at the end (the backlog)", RequestKpi::OpenAtEnd, Unit::Count));
        for &f in &request.stages {
            let f = f as usize;
            let stage = &m.flows[f].label;
            t.rows.push(KpiRow {
                label: format!("{}: days waiting for {stage}", request.label),
                bands: Bands::of(agg.flow_kpi(f, FlowKpi::MeanWaitDays)),
                unit: Unit::Days,
            });
            t.rows.push(KpiRow {
                label: format!("{}: days of {stage} in progress", request.label),
                bands: Bands::of(agg.flow_kpi(f, FlowKpi::MeanServiceDays)),
                unit: Unit::Days,
            });
        }
    }
    t
}

fn flows(cx: &ReportInput) -> KpiTable {
    let (m, agg) = (cx.m, cx.agg);
    let mut t = KpiTable { title: "Work".into(), rows: Vec::new() };
    for (f, flow) in m.flows.iter().enumerate().filter(|(_, f)| f.stage_of.is_none()) {
        let row = |label: String, k: FlowKpi, unit| KpiRow { label, bands: Bands::of(agg.flow_kpi(f, k)), unit };
        t.rows.push(KpiRow {
            label: format!("{}: arrivals a year", flow.label),
            bands: Bands::of(agg.flow_kpi(f, FlowKpi::Arrivals)).scaled(1.0 / cx.years),
            unit: Unit::Count,
        });
        t.rows.push(row(format!("{}: waiting at the end", flow.label), FlowKpi::WaitingAtEnd, Unit::Count));
        t.rows.push(row(format!("{}: mean days to allocation", flow.label), FlowKpi::MeanWaitDays, Unit::Days));
        t.rows.push(row(format!("{}: mean days to complete", flow.label), FlowKpi::MeanDaysToComplete, Unit::Days));
        if let Some(d) = flow.deadline_days {
            t.rows.push(row(format!("{}: % within {d:.0} days", flow.label), FlowKpi::WithinDeadlinePct, Unit::Pct));
        }
    }
    t
}
