//! "Key assumptions": what the model was given, in the report's words, and
//! the notes at the top of the scenario file.

use super::{ReportInput, inputs};
use crate::format::{decimal, money, pct, significant, thousands};
use crate::model::{Model, RoleKind};
use crate::results::{FlowKpi, RequestKpi};
use crate::scenario::Scenario;
use crate::stats::Bands;
use crate::summary::doc::{Block, Section, Table};
use crate::units::DAYS_PER_YEAR;

pub(super) fn section(cx: &ReportInput, scenario: &Scenario) -> Section {
    let mut s = Section::new("assumptions", "Key assumptions");
    if let Some(t) = to_check(cx.m, scenario) {
        s.push(Block::Paragraph(format!(
            "{} values in this scenario are national defaults or guesses, not the council's own figures: check each \
against what you know, and change it in the scenario file where it says.",
            t.rows.len()
        )));
        s.push(Block::Table(t));
    }
    s.push(Block::Definitions(items(cx, scenario)));
    if !scenario.header.is_empty() {
        s.push(Block::Text {
            summary: "Notes at the top of the scenario file (sources and assumptions)".into(),
            text: scenario.header.clone(),
        });
    }
    s
}

/// The scenario's `[[assumptions]]`: each value, as the model used it,
/// with where it comes from.
pub(crate) fn to_check(m: &Model, scenario: &Scenario) -> Option<Table> {
    if m.assumptions.is_empty() {
        return None;
    }
    let rows = m
        .assumptions
        .iter()
        .map(|(key, source)| {
            let value = scenario.value_at(key).map_or_else(|| "-".to_string(), |v| v.to_string());
            // A value given for this run is the user's, not the default's.
            let prefix = format!("--set {key}=");
            let source = match scenario.changes.iter().rev().find(|c| c.starts_with(&prefix)) {
                Some(set) => format!("given for this run: {set}"),
                None => source.clone(),
            };
            vec![key_words(m, key), value, source, key.clone()]
        })
        .collect();
    Some(Table {
        title: "Assumptions to check".into(),
        header: ["what", "value", "source", "in the scenario file at"].map(String::from).to_vec(),
        rows,
    })
}

/// A `--set` key in words: "social workers: share of hours that is casework".
pub(crate) fn key_words(m: &Model, key: &str) -> String {
    let segs: Vec<&str> = key.split('.').collect();
    let field = |f: &str| match f {
        "casework_share" => "share of contracted hours that is casework".to_string(),
        "caseload_cap" => "caseload cap (open pieces of work)".to_string(),
        "hours_per_week" => "contracted hours a week".to_string(),
        "turnover_per_year" => "turnover a year".to_string(),
        "recruitment_days" => "days to fill a vacant post".to_string(),
        "on_costs" => "on-costs (share of salary)".to_string(),
        "salary" => "salary a year".to_string(),
        "pay" => "pay award a year (share)".to_string(),
        "dols_share" => "share of casework hours for DoLS".to_string(),
        "agency" => "agency cover of vacant posts".to_string(),
        "fee" => "fee per assessment".to_string(),
        "per_week" => "assessments a week at most".to_string(),
        "fte" => "FTE".to_string(),
        "effort_hours" => "hours of work each".to_string(),
        "triage" => "triage shares (most urgent first)".to_string(),
        "arrivals" => "arriving a year".to_string(),
        "initial" => "waiting today".to_string(),
        "routes" => "what follows (renewals)".to_string(),
        "leave_rate_per_year" => "people leaving a year".to_string(),
        "annual_leave_days" => "annual leave days a year".to_string(),
        "sickness_days" => "sickness days a year".to_string(),
        other => other.replace('_', " "),
    };
    match segs.as_slice() {
        ["roles", name, rest @ ..] => {
            let label = m.roles.iter().find(|r| r.name == *name).map_or(name.replace('_', " "), |r| r.label.clone());
            format!("{label}: {}", field(&rest.join(".")))
        }
        ["flows", name, rest @ ..] => {
            let label = m.flow_id(name).map_or(name.replace('_', " "), |f| m.flow_title(f as usize));
            format!("{label}: {}", field(&rest.join(".")))
        }
        ["stocks", name, rest @ ..] => format!("{}: {}", name.replace('_', " "), field(&rest.join("."))),
        [table, rest @ ..] => format!("{}: {}", table.replace('_', " "), field(&rest.join("."))),
        [] => String::new(),
    }
}

/// One step of a staffing plan in words.
fn plan_step(m: &Model, s: &crate::model::workforce::PlanStep) -> String {
    use crate::model::workforce::PlanChange;
    let when = m.date_at(s.at);
    match &s.change {
        PlanChange::Fte { fte, vacant: false } => format!("{} FTE from {when}", decimal(*fte, 1)),
        PlanChange::Fte { fte, vacant: true } => {
            format!("{} FTE from {when} (new posts recruited to)", decimal(*fte, 1))
        }
        PlanChange::Agency(true) => format!("agency cover from {when}"),
        PlanChange::Agency(false) => format!("agency cover ends {when}"),
        PlanChange::PerWeek(w) => format!("up to {} a week from {when}", decimal(*w, 0)),
        PlanChange::Recruitment(Some(d)) => {
            format!("recruitment drive from {when}: posts filled in {} days on average", decimal(d.mean(), 0))
        }
        PlanChange::Recruitment(None) => format!("usual recruitment from {when}"),
    }
}

fn items(cx: &ReportInput, scenario: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    run_items(cx, scenario, &mut out);
    request_items(cx, &mut out);
    flow_items(cx, scenario, &mut out);
    role_items(cx, &mut out);
    other_items(cx, &mut out);
    out
}

/// Where the scenario came from, what is uncertain, and the horizon.
fn run_items(cx: &ReportInput, scenario: &Scenario, out: &mut Vec<(String, String)>) {
    let m = cx.m;
    if scenario.files.len() > 1 {
        let files: Vec<&str> = scenario.files.iter().map(|(f, _)| f.as_str()).collect();
        out.push(("Built from".into(), format!("{} (each file changes the one after it)", files.join(" on "))));
    }
    if !scenario.changes.is_empty() {
        out.push(("Changed for this run".into(), scenario.changes.join("; ")));
    }
    if let Some(u) = &m.uncertain {
        let params: Vec<String> = u
            .params()
            .iter()
            .map(|(name, d)| format!("{name}: {} (mean {})", d.describe(), significant(d.mean(), 4)))
            .collect();
        out.push((
            "Uncertain numbers".into(),
            format!(
                "each replication draws its own value of {}, so the bands carry this doubt as well as chance; \
the figures below show their means",
                params.join("; ")
            ),
        ));
    }
    let years = m.horizon_days / DAYS_PER_YEAR;
    out.push((
        "Horizon".into(),
        format!(
            "{} years from {} by {}, after {} days of warm-up; calendar: {}",
            decimal(years, 1),
            m.start,
            m.periods.kind.name(),
            decimal(m.warmup_days, 0),
            match m.calendar.kind {
                crate::model::CalendarKind::Continuous => "continuous (seven days a week)".to_string(),
                crate::model::CalendarKind::WorkingWeek { bank_holidays } =>
                    format!("Monday to Friday{}", if bank_holidays { ", England's bank holidays off" } else { "" }),
            }
        ),
    ));
}

/// Each request: its stages, how many arrive, its deadline.
fn request_items(cx: &ReportInput, out: &mut Vec<(String, String)>) {
    let m = cx.m;
    let years = m.horizon_days / DAYS_PER_YEAR;
    for (r, request) in m.requests.iter().enumerate() {
        let stages: Vec<&str> = request.stages.iter().map(|&f| m.flows[f as usize].label.as_str()).collect();
        let first = &m.flows[request.first()];
        let received = Bands::of(cx.agg.request_kpi(r, RequestKpi::Arrivals)).scaled(1.0 / years);
        let mut text = format!(
            "stages: {}; received {} a year in all (simulated, P50): new requests, renewals and people found through other work",
            stages.join(", then "),
            thousands(received.p50)
        );
        if let Some(d) = first.deadline_days {
            text.push_str(&format!("; deadline {d:.0} days"));
        }
        out.push((format!("Request: {}", request.label), text));
    }
}

/// Each flow: its demand, effort, deadline, priority and routes.
fn flow_items(cx: &ReportInput, scenario: &Scenario, out: &mut Vec<(String, String)>) {
    let m = cx.m;
    let years = m.horizon_days / DAYS_PER_YEAR;
    for (f, flow) in m.flows.iter().enumerate() {
        let total = Bands::of(cx.agg.flow_kpi(f, FlowKpi::Arrivals)).scaled(1.0 / years);
        let direct = inputs::arrivals(scenario, flow).map(|a| format!("arriving directly: {a}"));
        let mut parts = vec![direct.unwrap_or_else(|| "follow-ups only".into())];
        parts.push(format!("{} a year in all (simulated, P50)", thousands(total.p50)));
        parts.push(format!("effort mean {} hours", decimal(flow.effort_hours.mean(), 1)));
        if let Some(d) = &flow.duration_days {
            parts.push(format!("over at least {} days on average", decimal(d.mean(), 0)));
        }
        if let Some(d) = flow.deadline_days {
            parts.push(format!("deadline {} days", decimal(d, 0)));
        }
        parts.push(format!("priority {}", flow.priority));
        parts.extend([inputs::triage(flow), inputs::initial(flow), inputs::routes(m, flow)].into_iter().flatten());
        out.push((format!("Flow: {}", m.flow_title(f)), parts.join("; ")));
    }
}

/// Each role, and its plan.
fn role_items(cx: &ReportInput, out: &mut Vec<(String, String)>) {
    let m = cx.m;
    for role in &m.roles {
        let text = role_text(role);
        let text = if role.plan.is_empty() {
            text
        } else {
            let steps: Vec<String> = role.plan.iter().map(|s| plan_step(m, s)).collect();
            format!("{text}; plan: {}", steps.join(", "))
        };
        out.push((format!("Role: {}", role.label), text));
    }
}

/// What a role is: its staffing and pay, or what is bought in.
fn role_text(role: &crate::model::Role) -> String {
    match role.kind {
        RoleKind::BoughtIn { per_week, fee } => {
            format!("bought in: up to {} assessments a week at {} each", decimal(per_week, 0), money(fee))
        }
        RoleKind::Staff => {
            let mut parts = vec![
                format!("{} FTE", decimal(role.fte, 1)),
                format!(
                    "{} hours a week, {} casework",
                    decimal(role.hours_per_week, 1),
                    pct(100.0 * role.casework_share)
                ),
                format!("caseload cap {}", role.caseload_cap),
            ];
            if role.turnover_per_year > 0.0 {
                parts.push(format!("turnover {} a year", pct(100.0 * role.turnover_per_year)));
            }
            match role.dols_policy {
                crate::model::DolsPolicy::FixedShare { share, per } => parts.push(format!(
                    "{} of casework hours for DoLS, set aside each {}",
                    pct(100.0 * share),
                    match per {
                        crate::model::workforce::BudgetPeriod::Week => "week",
                        crate::model::workforce::BudgetPeriod::Month => "month",
                    }
                )),
                crate::model::DolsPolicy::DolsFirst => parts.push("DoLS first".into()),
                crate::model::DolsPolicy::CareManagementFirst => parts.push("care management first".into()),
                crate::model::DolsPolicy::ByPriority => {}
            }
            if role.salary > 0.0 {
                parts.push(format!("{} a year plus {} on-costs", money(role.salary), pct(100.0 * role.on_costs)));
            }
            parts.join("; ")
        }
    }
}

/// Absence, stocks, latent pools, changes in the law and shocks.
fn other_items(cx: &ReportInput, out: &mut Vec<(String, String)>) {
    let m = cx.m;
    if let Some(a) = &m.absence {
        out.push((
            "Absence".into(),
            format!(
                "{} days' leave and {} days' sickness a year per worker",
                decimal(a.annual_leave_days, 0),
                decimal(a.sickness_days, 0)
            ),
        ));
    }
    for s in &m.stocks {
        out.push((
            format!("Stock: {}", s.name.replace('_', " ")),
            format!("people leave at {} a year", decimal(s.leave_per_day * DAYS_PER_YEAR, 2)),
        ));
    }
    for p in &m.latent_pools {
        out.push((
            format!("Latent pool: {}", p.name.replace('_', " ")),
            format!(
                "{} people not yet identified; {} of those left found a year, besides routes",
                thousands(p.size as f64),
                pct(100.0 * p.identified_per_day * DAYS_PER_YEAR)
            ),
        ));
    }
    for k in 0..m.legal_changes.len() {
        out.push(super::legal::assumption(cx, k));
    }
    for s in &m.shocks {
        let when = match s.when {
            crate::model::ShockTime::At(t) => format!("on {}", m.date_at(t)),
            crate::model::ShockTime::Random { per_day } => {
                format!("at random, {} a year on average", decimal(per_day * DAYS_PER_YEAR, 2))
            }
        };
        out.push((format!("Shock: {}", s.name), when));
    }
}
