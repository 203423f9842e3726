//! The short summary table printed after a run.

use std::fmt::Write;

use crate::format::{decimal, thousands};
use crate::model::Model;
use crate::results::{FlowKpi, RoleKpi};
use crate::stats::{Aggregate, Band};

/// "P50 (P10-P90)" with the given formatter.
fn band(b: &Band, f: impl Fn(f64) -> String) -> String {
    if b.count() == 0 {
        return "-".into();
    }
    format!("{} ({}-{})", f(b.quantile(0.5)), f(b.quantile(0.1)), f(b.quantile(0.9)))
}

pub fn summary_table(model: &Model, agg: &Aggregate) -> String {
    let mut out = String::new();
    let years = model.horizon_days / 365.25;
    let rows: Vec<[String; 6]> = model
        .flows
        .iter()
        .enumerate()
        .map(|(f, flow)| {
            let k = |k| agg.flow_kpi(f, k);
            [
                flow.name.clone(),
                thousands(k(FlowKpi::Arrivals).quantile(0.5) / years),
                band(k(FlowKpi::WaitingAtEnd), thousands),
                band(k(FlowKpi::MeanWaitDays), |v| decimal(v, 1)),
                band(k(FlowKpi::MeanDaysToComplete), |v| decimal(v, 1)),
                if flow.deadline_days.is_some() {
                    band(k(FlowKpi::WithinDeadlinePct), |v| format!("{}%", decimal(v, 0)))
                } else {
                    "no deadline".into()
                },
            ]
        })
        .collect();
    let header = ["flow", "arrivals/year", "waiting at end", "mean wait (days)", "days to complete", "within deadline"];
    write_table(&mut out, &header, &rows);
    out.push('\n');
    let rows: Vec<[String; 4]> = model
        .roles
        .iter()
        .enumerate()
        .map(|(r, role)| {
            let k = |k| agg.role_kpi(r, k);
            [
                role.name.clone(),
                decimal(role.fte, 1),
                band(k(RoleKpi::UtilisationPct), |v| format!("{}%", decimal(v, 0))),
                band(k(RoleKpi::Caseload), |v| decimal(v, 1)),
            ]
        })
        .collect();
    write_table(&mut out, &["role", "fte", "utilisation", "caseload per worker"], &rows);
    out.push_str("Figures are P50 (P10-P90) over replications.\n");
    out
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
