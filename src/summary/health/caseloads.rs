//! "Caseloads": people allocated per worker as social workers count them,
//! against each role's safe caseload, beside the two other numbers called
//! a caseload (open pieces of work, and the council's "average worker
//! case load" of work completed), by role and by team.

use super::RatedInput;
use crate::format::Unit;
use crate::model::Role;
use crate::results::{PEOPLE_BINS, Scope, WorkforceMetric as W};
use crate::stats::Bands;
use crate::summary::doc::{Block, Chart, ChartKind, Marker, Panel, Section, Series, Table};

/// One council's audit of caseloads (2024-25, FACTS.md), for roles whose
/// name says which of its four they are.
pub(super) fn audit(role: &Role) -> Option<f64> {
    let n = format!("{} {}", role.name, role.label).to_lowercase().replace(['_', '-'], " ");
    let words: Vec<&str> = n.split_whitespace().collect();
    let ot = words.iter().any(|w| *w == "ot" || *w == "ots");
    if (ot || n.contains("occupational")) && (n.contains("assistant") || n.contains("community")) {
        Some(40.0)
    } else if ot || n.contains("occupational therapist") {
        Some(29.7)
    } else if n.contains("community care") || n.contains("community case") {
        Some(22.2)
    } else if n.contains("social worker") {
        Some(18.4)
    } else {
        None
    }
}

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("caseloads", "Caseloads");
    let roles = cx.staff_roles();
    if roles.is_empty() || !cx.m.flows.iter().any(|f| f.people) {
        return s;
    }
    s.push(Block::Definitions(vec![
        (
            "People allocated per worker".into(),
            "the caseload as social workers count it: people whose work is open with the worker, and people kept allocated to them after it (ongoing care management), averaged over the year. This is the measure set against the safe caseload.".into(),
        ),
        (
            "Open pieces of work per worker".into(),
            "assessments, reviews and enquiries in progress at once: what the run report calls caseload.".into(),
        ),
        (
            "Completed per worker a year".into(),
            "assessments, reviews and other work with people completed, per FTE in post: what the seed council called its 'average worker case load' (43, 64 and 45 in 2012-15). It measures throughput, not the people each worker holds.".into(),
        ),
    ]));
    s.push(Block::Table(role_table(cx, &roles)));
    s.push(Block::Note(
        "\"Most held by one worker\" is the largest caseload of any worker at a month's end over the year. The audit figures are one council's, for comparison, not a standard.".into(),
    ));
    let teams: Vec<Scope> = cx.scopes.iter().copied().filter(|s| !matches!(s, Scope::Role(_))).collect();
    s.push(Block::Table(team_table(cx, &teams)));
    s.push(Block::Chart(people_chart(cx, &roles)));
    if let Some(c) = distribution(cx, &roles) {
        s.push(Block::Chart(c));
    }
    s.push(Block::Chart(waiting_chart(cx, &teams)));
    s
}

/// Each role: people allocated per worker against the safe caseload,
/// beside open work and throughput.
fn role_table(cx: &RatedInput, roles: &[usize]) -> Table {
    let mut t = Table {
        title: "By role".into(),
        header: [
            "role",
            "safe caseload",
            "people allocated per worker: P50 (P10-P90)",
            "% of workers above it",
            "most held by one worker",
            "last year",
            "one council's audit (2024-25)",
            "open pieces of work per worker",
            "completed per worker a year",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        rows: Vec::new(),
    };
    for &r in roles {
        let scope = Scope::Role(r);
        let band = |k| cx.ahead(scope, k).bands;
        t.rows.push(vec![
            cx.m.roles[r].label.clone(),
            cx.threshold(r).map_or("-".into(), |v| Unit::Ratio.show(v)),
            Unit::Ratio.band(&band(W::PeopleAllocated)),
            if cx.threshold(r).is_some() { Unit::Pct.band(&band(W::OverThresholdPct)) } else { "-".into() },
            Unit::Count.band(&band(W::PeopleAllocatedMax)),
            cx.observed(scope, W::PeopleAllocated).map_or("-".into(), |o| Unit::Ratio.show(o.bands.p50)),
            audit(&cx.m.roles[r]).map_or("-".into(), |v| Unit::Ratio.show(v)),
            Unit::Ratio.band(&band(W::Caseload)),
            Unit::Ratio.band(&band(W::CompletedPerWorkerYear)),
        ]);
    }
    t
}

/// Each team: its staff, people allocated and waiting.
fn team_table(cx: &RatedInput, teams: &[Scope]) -> Table {
    let mut t = Table {
        title: "By team".into(),
        header: [
            "team",
            "FTE in post at the end",
            "people allocated per worker",
            "people allocated in all",
            "waiting for allocation at the end",
            "% of workers above their safe caseload",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        rows: Vec::new(),
    };
    for &scope in teams {
        let band = |k| cx.ahead(scope, k).bands;
        t.rows.push(vec![
            scope.label(cx.m),
            Unit::Ratio.band(&band(W::Staff)),
            Unit::Ratio.band(&band(W::PeopleAllocated)),
            Unit::Count.band(&band(W::PeopleAllocatedTotal)),
            Unit::Count.band(&band(W::PeopleWaiting)),
            Unit::Pct.band(&band(W::OverThresholdPct)),
        ]);
    }
    t
}

fn fan(cx: &RatedInput, id: &str, title: &str, caption: &str, y: &str, panels: Vec<Panel>) -> Chart {
    Chart {
        id: id.into(),
        legend: "upper",
        from_zero: true,
        title: title.into(),
        caption: caption.into(),
        kind: ChartKind::Fan,
        x_label: format!("{} starting", cx.m.periods.kind.name()),
        y_label: y.into(),
        x_ticks: (0..cx.m.periods.len()).map(|p| crate::format::short_month(cx.m.periods.starts[p])).collect(),
        x_marks: Vec::new(),
        panels,
    }
}

fn people_chart(cx: &RatedInput, roles: &[usize]) -> Chart {
    let np = cx.m.periods.len();
    let panels = roles
        .iter()
        .filter_map(|&r| {
            let s = cx.scope_index(Scope::Role(r))?;
            let series =
                Series::over("people per worker", np, |p| Bands::of(cx.agg.workforce_period(s, p, W::PeopleAllocated)));
            let mut panel = Panel::new(&cx.m.roles[r].label, vec![series]);
            panel.marker = cx.threshold(r).map(|t| Marker::at("safe caseload", t));
            Some(panel)
        })
        .collect();
    fan(
        cx,
        "people-allocated",
        "People allocated per worker, by role",
        "People allocated per worker in post, averaged over each month: P10-P90 band and P50 line over the simulated futures; the dashed line is the role's safe caseload.",
        "people per worker",
        panels,
    )
}

/// How many workers hold how many people, at the ends of months.
fn distribution(cx: &RatedInput, roles: &[usize]) -> Option<Chart> {
    if cx.agg.people_hist.is_empty() {
        return None;
    }
    let panels: Vec<Panel> = roles
        .iter()
        .filter_map(|&r| {
            let hist = cx.agg.people_hist(r);
            let total: u64 = hist.iter().sum();
            if total == 0 {
                return None;
            }
            let last = hist.iter().rposition(|&c| c > 0).unwrap_or(0).max(cx.threshold(r).unwrap_or(0.0) as usize + 2);
            let shown = (last + 2).min(PEOPLE_BINS);
            let share: Vec<f64> = hist[..shown].iter().map(|&c| 100.0 * c as f64 / total as f64).collect();
            let mut panel = Panel::new(
                &cx.m.roles[r].label,
                vec![Series {
                    label: "% of workers".into(),
                    x: (0..shown).map(|b| b as f64).collect(),
                    p10: share.clone(),
                    p50: share.clone(),
                    p90: share,
                }],
            );
            // Bars stand from each count to the next, so the line after the
            // threshold's bar parts safe caseloads from those above.
            panel.marker =
                cx.threshold(r).map(|t| Marker::at(&format!("safe caseload {}", Unit::Ratio.show(t)), t.floor() + 1.0));
            Some(panel)
        })
        .collect();
    if panels.is_empty() {
        return None;
    }
    Some(Chart {
        id: "caseload-distribution".into(),
        legend: "upper",
        from_zero: true,
        title: "How many people each worker holds".into(),
        caption: "Share of workers in post holding each number of people, at the ends of months over the year, pooled over the simulated futures; bars right of the dashed line are above the safe caseload.".into(),
        kind: ChartKind::Histogram,
        x_label: "people allocated".into(),
        y_label: "% of workers".into(),
        x_ticks: Vec::new(),
        x_marks: Vec::new(),
        panels,
    })
}

fn waiting_chart(cx: &RatedInput, scopes: &[Scope]) -> Chart {
    let np = cx.m.periods.len();
    let panels = scopes
        .iter()
        .filter_map(|&scope| {
            let s = cx.scope_index(scope)?;
            let series = Series::over("waiting", np, |p| Bands::of(cx.agg.workforce_period(s, p, W::PeopleWaiting)));
            Some(Panel::new(&crate::format::capital(&scope.label(cx.m)), vec![series]))
        })
        .collect();
    fan(
        cx,
        "waiting-allocation",
        "People waiting for allocation",
        "People waiting for a worker at the end of each month (work not yet allocated, and people on vacant posts' caseloads): P10-P90 band and P50 line.",
        "people",
        panels,
    )
}
