//! The short summary table printed after a run.

use std::fmt::Write;

use crate::format::{Unit, thousands};
use crate::model::{Model, RoleKind};
use crate::results::{FlowKpi, RequestKpi, RoleKpi};
use crate::stats::{Aggregate, Band, Bands};
use crate::units::DAYS_PER_YEAR;

fn band(b: &Band, unit: Unit) -> String {
    if b.count() == 0 { "-".into() } else { unit.band(&Bands::of(b)) }
}

pub fn summary_table(model: &Model, agg: &Aggregate) -> String {
    let mut out = String::new();
    let years = model.horizon_days / DAYS_PER_YEAR;
    if !model.requests.is_empty() {
        request_table(&mut out, model, agg, years);
    }
    flow_table(&mut out, model, agg, years);
    role_table(&mut out, model, agg);
    out.push_str("Figures are P50 (P10-P90) over replications.\n");
    out
}

/// Each request, received to decided.
fn request_table(out: &mut String, model: &Model, agg: &Aggregate, years: f64) {
    let rows: Vec<[String; 6]> = model
        .requests
        .iter()
        .enumerate()
        .map(|(r, request)| {
            let k = |k| agg.request_kpi(r, k);
            let deadline = model.flows[request.first()].deadline_days;
            [
                request.label.clone(),
                thousands(k(RequestKpi::Arrivals).quantile(0.5) / years),
                band(k(RequestKpi::OpenAtEnd), Unit::Count),
                band(k(RequestKpi::MeanDaysToCompletion), Unit::Days),
                match deadline {
                    Some(d) => format!("{} in {d:.0} days", band(k(RequestKpi::WithinDeadlinePct), Unit::Pct)),
                    None => "no deadline".into(),
                },
                thousands(k(RequestKpi::Withdrawn).quantile(0.5) / years),
            ]
        })
        .collect();
    let header = [
        "request",
        "received/year",
        "open at end",
        "days to complete",
        "completed within deadline",
        "ended undecided/year",
    ];
    write_table(out, &header, &rows);
    out.push('\n');
}

/// Each flow that is not a stage of a request.
fn flow_table(out: &mut String, model: &Model, agg: &Aggregate, years: f64) {
    let rows: Vec<[String; 6]> = model
        .flows
        .iter()
        .enumerate()
        .filter(|(_, flow)| flow.stage_of.is_none())
        .map(|(f, flow)| {
            let k = |k| agg.flow_kpi(f, k);
            [
                model.flow_title(f),
                thousands(k(FlowKpi::Arrivals).quantile(0.5) / years),
                band(k(FlowKpi::WaitingAtEnd), Unit::Count),
                band(k(FlowKpi::MeanWaitDays), Unit::Days),
                band(k(FlowKpi::MeanDaysToComplete), Unit::Days),
                if flow.deadline_days.is_some() {
                    band(k(FlowKpi::WithinDeadlinePct), Unit::Pct)
                } else {
                    "no deadline".into()
                },
            ]
        })
        .collect();
    let header = ["flow", "arrivals/year", "waiting at end", "mean wait (days)", "days to complete", "within deadline"];
    write_table(out, &header, &rows);
    out.push('\n');
}

/// Each role: its staff (or cap), how busy and how full.
fn role_table(out: &mut String, model: &Model, agg: &Aggregate) {
    let rows: Vec<[String; 4]> = model
        .roles
        .iter()
        .enumerate()
        .map(|(r, role)| {
            let k = |k| agg.role_kpi(r, k);
            // Bought-in capacity is a weekly cap of assessments, not staff.
            match role.kind {
                RoleKind::BoughtIn { per_week, .. } => [
                    role.label.clone(),
                    format!("{} a week", Unit::Ratio.show(per_week)),
                    band(k(RoleKpi::UtilisationPct), Unit::Pct),
                    "-".into(),
                ],
                _ => [
                    role.label.clone(),
                    Unit::Ratio.show(role.fte),
                    band(k(RoleKpi::UtilisationPct), Unit::Pct),
                    band(k(RoleKpi::Caseload), Unit::Ratio),
                ],
            }
        })
        .collect();
    write_table(out, &["role", "fte (or cap)", "utilisation", "caseload per worker"], &rows);
}

fn write_table<const N: usize>(out: &mut String, header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut String, cells: Vec<&str>| {
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i == 0 {
                let _ = write!(out, "{cell:<w$}");
            } else {
                let _ = write!(out, "  {cell:>w$}");
            }
        }
        out.push('\n');
    };
    line(out, header.to_vec());
    for row in rows {
        line(out, row.iter().map(String::as_str).collect());
    }
}
