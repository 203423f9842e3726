//! "Last year": what the staff and activity histories record for the
//! last twelve months, in the terms of the year-ahead measures.

use super::RatedInput;
use crate::format::Unit;
use crate::results::WorkforceMetric as W;
use crate::summary::doc::{Block, Section, Table};

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("last-year", "Last year, observed");
    let o = cx.input.observed;
    s.push(Block::Paragraph(format!(
        "From the staff and activity histories, {}: the figures the ratings call \"last year\".",
        cx.last_year()
    )));
    for w in &o.short {
        s.push(Block::Paragraph(format!("Warning: {w}.")));
    }
    let metrics = [
        (W::Staff, "FTE in post (mean)", Unit::Ratio),
        (W::PeopleAllocated, "people allocated per worker", Unit::Ratio),
        (W::VacancyPct, "vacancy", Unit::Pct),
        (W::TurnoverPct, "turnover a year", Unit::Pct),
        (W::AgencyPct, "agency", Unit::Pct),
        (W::SicknessDays, "sickness days per FTE", Unit::Ratio),
        (W::SupervisionDeliveredPct, "supervision given", Unit::Pct),
        (W::AsyeProtectedPct, "ASYE within protected caseload", Unit::Pct),
    ];
    let mut names: Vec<(&str, String)> = Vec::new();
    for r in &o.rows {
        if r.scope != "flow" && !names.iter().any(|(s, n)| *s == r.scope && *n == r.name) {
            names.push((r.scope, r.name.clone()));
        }
    }
    let mut t = Table {
        title: "Staff".into(),
        header: std::iter::once("".to_string()).chain(metrics.iter().map(|m| m.1.to_string())).collect(),
        rows: Vec::new(),
    };
    for (scope, name) in &names {
        let label = match *scope {
            "role" => cx.m.role_id(name).map_or(name.clone(), |r| cx.m.roles[r as usize].label.clone()),
            "team" => format!("{} team", crate::model::workforce::label_of(name)),
            _ => "everyone".into(),
        };
        let mut row = vec![crate::format::capital(&label)];
        for (k, _, unit) in &metrics {
            row.push(o.get(scope, name, k.name()).map_or("-".into(), |v| unit.show(v)));
        }
        t.rows.push(row);
    }
    s.push(Block::Table(t));
    let mut t = Table {
        title: "Work completed".into(),
        header: vec!["flow".into(), "completed in the year".into()],
        rows: Vec::new(),
    };
    for r in o.rows.iter().filter(|r| r.scope == "flow") {
        let label = cx.m.flow_id(&r.name).map_or(r.name.clone(), |f| cx.m.flow_title(f as usize));
        t.rows.push(vec![label, Unit::Count.show(r.value)]);
    }
    if let Some(v) = o.get("total", "total", W::CompletedPerWorkerYear.name()) {
        t.rows.push(vec![
            "work with people completed per worker a year (the council's 'average worker case load')".into(),
            Unit::Ratio.show(v),
        ]);
    }
    s.push(Block::Table(t));
    if !o.dropped.is_empty() {
        let mut t = Table {
            title: "History rows not used, and why".into(),
            header: ["history", "role or flow", "lines", "why"].into_iter().map(String::from).collect(),
            rows: Vec::new(),
        };
        for d in &o.dropped {
            t.rows.push(vec![d.history.into(), d.name.clone(), d.line_list(), d.why.clone()]);
        }
        s.push(Block::Table(t));
    }
    if !o.notes.is_empty() {
        s.push(Block::Note(o.notes.join("; ")));
    }
    s
}
