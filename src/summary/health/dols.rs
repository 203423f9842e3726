//! "DoLS and the BIAs' care management": the principal social worker's
//! question whether DoLS pulls BIAs off care management. The hours DoLS
//! takes from workers who also hold a caseload, and the same year ahead,
//! on the same simulated futures, with DoLS taking none of their time.

use super::RatedInput;
use crate::format::{Unit, capital, decimal};
use crate::model::{Model, WorkKind};
use crate::results::{RequestKpi, RoleKpi, Scope, WorkforceMetric as W};
use crate::stats::{Aggregate, Bands};
use crate::summary::doc::{Block, Section, Sentence, Table};

/// Staff roles that take DoLS work and care management both.
pub fn dual_roles(m: &Model) -> Vec<usize> {
    (0..m.roles.len())
        .filter(|&r| {
            let role = &m.roles[r];
            let kinds = |k: WorkKind| role.skills.iter().any(|&f| m.flows[f as usize].kind == k);
            !role.is_bought_in() && kinds(WorkKind::Dols) && kinds(WorkKind::CareManagement)
        })
        .collect()
}

/// One dual role's DoLS hours, as a share of its casework hours and as
/// FTE of casework time.
struct Given {
    role: usize,
    hours: Bands,
    share_pct: f64,
    fte: f64,
}

fn given(m: &Model, agg: &Aggregate, role: usize) -> Given {
    let hours = Bands::of(agg.role_kpi(role, RoleKpi::HoursDols));
    let available = Bands::of(agg.role_kpi(role, RoleKpi::HoursAvailable)).p50;
    let per_fte = available / m.roles[role].fte.max(f64::MIN_POSITIVE);
    Given { role, share_pct: 100.0 * hours.p50 / available, fte: hours.p50 / per_fte, hours }
}

/// "Social workers who are BIAs give DoLS 1,392 (P10-P90: ...) hours ...":
/// for the director's summary.
pub(super) fn sentences(cx: &RatedInput) -> Vec<Sentence> {
    let Some(without) = cx.input.without_dols else { return Vec::new() };
    dual_roles(cx.m)
        .into_iter()
        .map(|r| {
            let g = given(cx.m, cx.agg, r);
            let people = |agg: &Aggregate| workforce(cx, agg, Scope::Role(r), W::PeopleAllocated);
            Sentence::plain(format!(
                "DoLS takes {} hours of the casework time of {} in the year ahead ({} of it, the casework of {} of their {} FTE); if it took none, the same futures give them {} people allocated per worker rather than {}.",
                Unit::Count.band_words(&g.hours),
                cx.m.roles[r].label,
                Unit::Pct.show(g.share_pct),
                decimal(g.fte, 1),
                decimal(cx.m.roles[r].fte, 1),
                Unit::Ratio.show(people(without).p50),
                Unit::Ratio.show(people(cx.agg).p50),
            ))
        })
        .collect()
}

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("dols", "DoLS and the BIAs' care management");
    let Some(without) = cx.input.without_dols else { return s };
    let roles = dual_roles(cx.m);
    let given: Vec<Given> = roles.iter().map(|&r| given(cx.m, cx.agg, r)).collect();
    let words: Vec<String> = given
        .iter()
        .map(|g| {
            let role = &cx.m.roles[g.role];
            let set = match role.dols_policy {
                crate::model::DolsPolicy::FixedShare { share, .. } => format!(
                    " (the scenario sets {} of their contracted casework hours; leave and sickness do not reduce it, so it is more of the hours they are at work)",
                    Unit::Pct.show(100.0 * share)
                ),
                _ => String::new(),
            };
            format!(
                "{} ({} FTE) give DoLS {} hours of casework in the year ahead: {} of their casework hours at work{set}, the casework of {} of their {} FTE",
                capital(&role.label),
                decimal(role.fte, 1),
                Unit::Count.band_words(&g.hours),
                Unit::Pct.show(g.share_pct),
                decimal(g.fte, 1),
                decimal(role.fte, 1)
            )
        })
        .collect();
    s.push(Block::Paragraph(format!(
        "{}. To see what that does to care management, the year ahead was simulated again on the same futures with DoLS taking none of their time (the DoLS work then waits for others, or is not done).",
        words.join("; ")
    )));
    s.push(Block::Table(comparison(cx, without, &roles)));
    s
}

/// Each measure with DoLS as planned and with DoLS taking none of the
/// dual-role workers' time: their caseloads, their teams' waiting, and the
/// DoLS requests' timeliness.
fn comparison(cx: &RatedInput, without: &Aggregate, roles: &[usize]) -> Table {
    let m = cx.m;
    let mut rows = Vec::new();
    let mut row = |what: String, unit: Unit, with: Bands, without: Bands| {
        rows.push(vec![capital(&what), unit.band(&with), unit.band(&without)]);
    };
    let mut teams = Vec::new();
    for &r in roles {
        let label = &m.roles[r].label;
        for (k, unit, words) in [
            (W::PeopleAllocated, Unit::Ratio, "people allocated per worker"),
            (W::OverThresholdPct, Unit::Pct, "% of workers above the safe caseload"),
            (W::UtilisationPct, Unit::Pct, "casework hours worked (%)"),
        ] {
            let (a, b) = (workforce(cx, cx.agg, Scope::Role(r), k), workforce(cx, without, Scope::Role(r), k));
            if a.p50.is_finite() || b.p50.is_finite() {
                row(format!("{label}: {words}"), unit, a, b);
            }
        }
        teams.extend(m.roles[r].team.map(usize::from).filter(|t| !teams.contains(t)));
    }
    let waiting_in: Vec<Scope> =
        if teams.is_empty() { vec![Scope::Total] } else { teams.into_iter().map(Scope::Team).collect() };
    for scope in waiting_in {
        let (a, b) = (workforce(cx, cx.agg, scope, W::PeopleWaiting), workforce(cx, without, scope, W::PeopleWaiting));
        row(format!("{}: people waiting for allocation", scope.label(m)), Unit::Count, a, b);
    }
    for (q, request) in m.requests.iter().enumerate() {
        let kpi = |agg: &Aggregate, k| Bands::of(agg.request_kpi(q, k));
        row(
            format!("{}: % completed within the deadline", request.label),
            Unit::Pct,
            kpi(cx.agg, RequestKpi::WithinDeadlinePct),
            kpi(without, RequestKpi::WithinDeadlinePct),
        );
        row(
            format!("{}: not completed at the end", request.label),
            Unit::Count,
            kpi(cx.agg, RequestKpi::OpenAtEnd),
            kpi(without, RequestKpi::OpenAtEnd),
        );
    }
    Table {
        title: "The year ahead with DoLS as planned, and with DoLS taking none of their time: P50 (P10-P90)".into(),
        header: ["measure", "DoLS as planned", "DoLS taking none of their time"].map(String::from).to_vec(),
        rows,
    }
}

/// A workforce measure of a scope in either run (the two share scopes:
/// only a role's DoLS policy differs).
fn workforce(cx: &RatedInput, agg: &Aggregate, scope: Scope, k: W) -> Bands {
    match cx.scope_index(scope) {
        Some(i) => Bands::of(agg.workforce_kpi(i, k)),
        None => Bands { p10: f64::NAN, p50: f64::NAN, p90: f64::NAN, mean: f64::NAN },
    }
}
