//! What the page lets a person change, in plain words with units, ranges
//! and a note each, and how their edits become the `--set` changes the
//! command line takes: one way to vary a scenario, checked by the same
//! code, each problem placed beside the field it came from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ServeError;
use crate::format::significant;
use crate::model::{RoleKind, WorkKind};
use crate::scenario::ScenarioError;
use crate::scenario::overlay::Origin;
use crate::scenario::{Change, Scenario};

/// One field of the page.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// What the edit is sent back as.
    pub id: String,
    pub label: String,
    pub unit: String,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// As the scenario has it, in the field's unit.
    pub value: f64,
    pub help: String,
    #[serde(skip)]
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// The value at `key`, shown times `scale` (a share as a percentage).
    Value { key: String, scale: f64, whole: bool },
    /// A demand multiplier: `key` (an arrival rate of `base`) becomes base x value.
    Times { key: String, base: f64 },
    /// One corner of a triangular distribution at `key`, as a percentage.
    Corner { key: String, corner: &'static str },
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub title: String,
    pub help: String,
    pub fields: Vec<Field>,
}

/// A staff role, for dated events and the staffing question.
#[derive(Debug, Clone, Serialize)]
pub struct RoleChoice {
    pub name: String,
    pub label: String,
    pub fte: f64,
    /// The role's staffing plan as the scenario has it (TOML), which
    /// events are added to.
    #[serde(skip)]
    plan: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub groups: Vec<Group>,
    pub roles: Vec<RoleChoice>,
    /// Requests with a deadline, for the staffing question: (name, label).
    pub requests: Vec<Choice>,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub name: String,
    pub label: String,
}

/// A dated staffing event: `leave` FTE of `role` go on `date`, their posts
/// filled again `months` later (or not, with none).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Event {
    pub role: String,
    pub date: String,
    pub leave: f64,
    pub months: Option<u32>,
}

/// What the page sends: field values by id, as typed, and events.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Edits {
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub events: Vec<Event>,
}

fn number_at(sc: &Scenario, key: &str) -> Option<f64> {
    match sc.value_at(key)? {
        toml::Value::Integer(i) => Some(i as f64),
        toml::Value::Float(f) => Some(f),
        _ => None,
    }
}

fn value(id: &str, label: String, unit: &str, (min, max, step): (f64, f64, f64), now: f64, help: &str) -> Field {
    Field {
        id: id.to_string(),
        label,
        unit: unit.to_string(),
        min,
        max,
        step,
        value: now,
        help: help.to_string(),
        kind: Kind::Value { key: id.to_string(), scale: 1.0, whole: false },
    }
}

/// The fields for a scenario, grouped as the users think of them.
pub fn form(sc: &Scenario) -> Form {
    let m = &sc.model;
    let (mut staff, mut dols) = role_fields(sc);
    let mut demand = demand_fields(sc);
    demand.extend(legal_fields(sc));
    let mut budgets = budget_fields(sc);
    for f in staff.iter_mut().chain(dols.iter_mut()).chain(budgets.iter_mut()) {
        if let Kind::Value { key, scale, .. } = &f.kind {
            f.kind = Kind::Value { key: key.clone(), scale: *scale, whole: key.ends_with(".vacancies") };
        }
    }
    let group = |title: &str, help: &str, fields: Vec<Field>| Group { title: title.into(), help: help.into(), fields };
    let has_dols = m.flows.iter().any(|f| f.kind == WorkKind::Dols);
    let groups = vec![
        group("Staff by role", "Posts and vacancies at the start; dated changes go under 'Staff leaving'.", staff),
        group(
            if has_dols { "BIAs' DoLS time and bought-in assessments" } else { "Bought-in assessments" },
            "How much assessment capacity DoLS has.",
            dols,
        ),
        group("Demand and the law", "How much work arrives, and the size of a change in the law.", demand),
        group("Budgets", "What finance has set aside each year.", budgets),
    ];
    Form {
        groups: groups.into_iter().filter(|g| !g.fields.is_empty()).collect(),
        roles: m
            .roles
            .iter()
            .filter(|r| !r.is_bought_in())
            .map(|r| RoleChoice {
                name: r.name.clone(),
                label: r.label.clone(),
                fte: r.fte,
                plan: match sc.value_at(&format!("roles.{}.plan", r.name)) {
                    Some(toml::Value::Array(steps)) => steps.iter().map(|s| s.to_string()).collect(),
                    _ => Vec::new(),
                },
            })
            .collect(),
        requests: m
            .requests
            .iter()
            .filter(|r| m.flows[r.first()].deadline_days.is_some())
            .map(|r| Choice { name: r.name.clone(), label: r.label.clone() })
            .collect(),
        start: m.start.to_string(),
        end: m.periods.last_date(m.periods.len() - 1).to_string(),
    }
}

/// The fields of each role: staff roles' posts and vacancies, and DoLS
/// capacity (BIAs' share of the week, bought-in assessments).
fn role_fields(sc: &Scenario) -> (Vec<Field>, Vec<Field>) {
    let mut staff = Vec::new();
    let mut dols = Vec::new();
    for r in &sc.model.roles {
        let key = |k: &str| format!("roles.{}.{k}", r.name);
        match r.kind {
            RoleKind::BoughtIn { .. } => {
                let now = number_at(sc, &key("per_week")).unwrap_or(0.0);
                dols.push(value(
                    &key("per_week"),
                    format!("{}: assessments bought in a week, at most", r.label),
                    "a week",
                    (0.0, (2.0 * now).max(20.0).ceil(), 1.0),
                    now,
                    "The most assessments bought in each week (independent BIAs, s12 doctors); they are used only when no staff member with the skill has room.",
                ));
            }
            _ => {
                let hi = (2.0 * r.fte).max(r.fte + 10.0).ceil();
                staff.push(value(
                    &key("fte"),
                    format!("{}: establishment", r.label),
                    "FTE",
                    (0.0, hi, 0.5),
                    r.fte,
                    "Funded full-time-equivalent posts. A fraction makes one part-time post.",
                ));
                let vacant = number_at(sc, &key("vacancies")).unwrap_or(0.0);
                let mut v = value(
                    &key("vacancies"),
                    format!("{}: vacant at the start", r.label),
                    "posts",
                    (0.0, hi, 1.0),
                    vacant,
                    "Posts empty on the first day, being recruited to (agency staff cover them after a delay if the role has agency cover).",
                );
                v.kind = Kind::Value { key: key("vacancies"), scale: 1.0, whole: false };
                staff.push(v);
                if let Some(share) = number_at(sc, &key("dols_share")) {
                    let mut f = value(
                        &key("dols_share"),
                        format!("{}: share of the week for DoLS", r.label),
                        "% of the week",
                        (0.0, 100.0, 1.0),
                        share * 100.0,
                        "The share of each BIA's working week kept for DoLS assessments; care management takes the rest. An assumption: councils rarely measure it.",
                    );
                    f.kind = Kind::Value { key: key("dols_share"), scale: 100.0, whole: false };
                    dols.push(f);
                }
            }
        }
    }
    (staff, dols)
}

/// A multiplier of each flow's arrivals (a request's, by its first stage).
fn demand_fields(sc: &Scenario) -> Vec<Field> {
    let m = &sc.model;
    let mut demand = Vec::new();
    for (f, flow) in m.flows.iter().enumerate() {
        if flow.stage_of.is_some_and(|(_, stage)| stage > 0) {
            continue;
        }
        for unit in ["per_year", "per_month", "per_week", "per_day"] {
            let key = format!("flows.{}.arrivals.{unit}", flow.name);
            if let Some(base) = number_at(sc, &key) {
                // A request is known by its own name, not its first stage's.
                let label = match flow.stage_of {
                    Some((r, _)) => m.requests[r].label.clone(),
                    None => m.flow_title(f),
                };
                demand.push(Field {
                    id: format!("demand:{key}"),
                    label: format!("{label}: demand"),
                    unit: "× as now".into(),
                    min: 0.0,
                    max: 5.0,
                    step: 0.05,
                    value: 1.0,
                    help: format!(
                        "Multiplies the arrival rate ({} {}) for the whole run; 1.1 is 10% more.",
                        significant(base, 4),
                        unit.replace('_', " ")
                    ),
                    kind: Kind::Times { key, base },
                });
            }
        }
    }
    demand
}

/// The corners of each change in the law whose share still needing
/// authorisation is a triangle.
fn legal_fields(sc: &Scenario) -> Vec<Field> {
    let mut fields = Vec::new();
    for l in &sc.model.legal_changes {
        let key = format!("legal_changes.{}.multiplier", l.name);
        let corners = match sc.value_at(&key) {
            Some(toml::Value::Table(t)) if t.get("dist").and_then(|d| d.as_str()) == Some("triangular") => {
                ["min", "mode", "max"]
                    .map(|c| (c, t.get(c).and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))))
            }
            _ => continue,
        };
        for (corner, v) in corners {
            let Some(v) = v else { continue };
            let what = match corner {
                "min" => "lowest",
                "mode" => "most likely",
                _ => "highest",
            };
            fields.push(Field {
                id: format!("{key}#{corner}"),
                label: format!("{}: share who still need authorisation, {what}", l.label),
                unit: "%".into(),
                min: 0.0,
                max: 100.0,
                step: 1.0,
                value: v * 100.0,
                help: "After the change in the law, this share of people still need a DoLS authorisation. Each simulated future draws its own share from a triangle between the lowest and the highest, peaking at the most likely.".into(),
                kind: Kind::Corner { key: key.clone(), corner },
            });
        }
    }
    fields
}

fn budget_fields(sc: &Scenario) -> Vec<Field> {
    let mut budgets = Vec::new();
    for line in &sc.model.budget {
        let key = format!("budget.{}", line.item.key());
        if let Some(now) = number_at(sc, &key) {
            budgets.push(value(
                &key,
                format!("Budget a year: {}", line.item.label()),
                "£ a year",
                (0.0, (now * 10.0).max(1e6), 1000.0),
                now,
                "The yearly budget (pro-rated for a part-year); the results give the chance of spending more and the expected overspend.",
            ));
        }
    }
    budgets
}

/// A problem placed beside a field (or `upload`, or `events`), in words.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// The edits as changes, each with the field it came from; a value that
/// is not a number is a problem of its field.
pub fn changes(form: &Form, edits: &Edits) -> Result<Vec<(String, Change)>, Vec<FieldProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut corners: BTreeMap<String, Vec<(&'static str, f64, String)>> = BTreeMap::new();
    for f in form.groups.iter().flat_map(|g| &g.fields) {
        let Some(text) = edits.values.get(&f.id) else { continue };
        let Some(v) = text.trim().parse::<f64>().ok().filter(|v| v.is_finite()) else {
            problems.push(FieldProblem { field: f.id.clone(), message: format!("'{text}' is not a number") });
            continue;
        };
        if (v - f.value).abs() < 1e-12 {
            continue;
        }
        match &f.kind {
            Kind::Value { key, scale, whole } => {
                let v = v / scale;
                let value =
                    if *whole && v.fract() == 0.0 { toml::Value::Integer(v as i64) } else { toml::Value::Float(v) };
                out.push((f.id.clone(), Change::set(key, value)));
            }
            Kind::Times { key, base } => out.push((f.id.clone(), Change::set(key, base * v))),
            Kind::Corner { key, corner } => {
                corners.entry(key.clone()).or_default().push((corner, v / 100.0, f.id.clone()))
            }
        }
    }
    for (key, edited) in corners {
        let now = |c: &str| {
            form.groups
                .iter()
                .flat_map(|g| &g.fields)
                .find(|f| f.id == format!("{key}#{c}"))
                .map_or(0.0, |f| f.value / 100.0)
        };
        let pick = |c: &str| edited.iter().find(|e| e.0 == c).map_or(now(c), |e| e.1);
        let text = format!(
            "{{ dist = \"triangular\", min = {}, mode = {}, max = {} }}",
            pick("min"),
            pick("mode"),
            pick("max")
        );
        out.push((edited[0].2.clone(), Change::set_toml(&key, &text)));
    }
    let mut plans: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for e in &edits.events {
        let Some(role) = form.roles.iter().find(|r| r.name == e.role) else {
            problems.push(FieldProblem { field: "events".into(), message: format!("there is no role '{}'", e.role) });
            continue;
        };
        plans.entry(&role.name).or_insert_with(|| role.plan.clone());
        let date = toml::Value::String(e.date.clone());
        let months = e.months.map_or(String::new(), |m| format!(", replaced_after_months = {m}"));
        plans.entry(&e.role).or_default().push(format!("{{ from = {date}, leave = {}{months} }}", e.leave));
    }
    for (role, steps) in plans {
        // A list is replaced whole, so the scenario's own steps go first.
        out.push((
            "events".into(),
            Change::set_toml(&format!("roles.{role}.plan"), &format!("[{}]", steps.join(", "))),
        ));
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// A scenario's problems, each beside the field whose change caused it
/// (or beside `fallback`: the upload, or the scenario as a whole).
pub fn place(e: &ServeError, changes: &[(String, Change)], fallback: &str) -> Vec<FieldProblem> {
    let ServeError::Scenario(se) = e else {
        return vec![FieldProblem { field: fallback.into(), message: e.to_string() }];
    };
    se.problems
        .iter()
        .map(|p| {
            let field = field_of(se, p.span.as_ref(), changes).unwrap_or_else(|| fallback.to_string());
            let place = p.span.as_ref().and_then(|s| ScenarioError::place(&se.sources, s));
            let message = match place {
                Some(place) if field == fallback && !place.starts_with("--set") => {
                    format!("{place}: {}: {}", p.path, p.message)
                }
                _ => p.message.clone(),
            };
            FieldProblem { field, message }
        })
        .collect()
}

fn field_of(se: &ScenarioError, span: Option<&std::ops::Range<usize>>, changes: &[(String, Change)]) -> Option<String> {
    let (layer, _) = se.sources.locate(span?.start)?;
    let Origin::Change(change) = &layer.origin else { return None };
    changes.iter().find(|(_, c)| c == change).map(|(field, _)| field.clone())
}
