//! A flow's inputs as the scenario file gives them (arrivals with their
//! growth and steps, the work in hand at the start and its age, triage,
//! what follows), not as averages over the horizon: a reader checks the
//! report against the file line by line.

use crate::format::{decimal, pct, significant, thousands};
use crate::model::{Flow, Model};
use crate::scenario::Scenario;

/// The flow's arrivals in words, from the resolved file; `None` if it has
/// none of its own.
pub(super) fn arrivals(scenario: &Scenario, flow: &Flow) -> Option<String> {
    let value = scenario.value_at(&format!("flows.{}.arrivals", flow.name))?;
    let table = value.as_table()?;
    let mut parts = Vec::new();
    for (key, unit) in [("per_day", "day"), ("per_week", "week"), ("per_month", "month"), ("per_year", "year")] {
        if let Some(v) = table.get(key) {
            parts.push(format!("{} a {unit}", number(v, thousands)));
        }
    }
    if let Some(file) = table.get("history").and_then(|v| v.as_str()) {
        let of = table.get("flow").and_then(|v| v.as_str()).unwrap_or(&flow.name);
        parts.push(format!("fitted to {file} ({of})"));
    }
    if let Some(t) = table.get("trend_per_year").and_then(as_f64) {
        parts.push(match t {
            t if t > 0.0 => format!("growing {} a year", pct(100.0 * t)),
            t if t < 0.0 => format!("falling {} a year", pct(-100.0 * t)),
            _ => "no growth".into(),
        });
    }
    if let Some(d) = table.get("damping").and_then(as_f64) {
        parts.push(format!("each year's growth {} of the last", decimal(d, 2)));
    }
    if let Some(s) = table.get("seasonality").and_then(|v| v.as_array()) {
        let months: Vec<f64> = s.iter().filter_map(as_f64).collect();
        let (lo, hi) = months.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &m| (lo.min(m), hi.max(m)));
        parts.push(format!("seasonal: months from ×{} to ×{}", decimal(lo, 2), decimal(hi, 2)));
    }
    for change in table.get("changes").and_then(|v| v.as_array()).into_iter().flatten() {
        let (Some(from), Some(k)) = (change.get("from"), change.get("multiplier")) else { continue };
        parts.push(format!("×{} from {}", number(k, |v| significant(v, 3)), date(from)));
    }
    for ramp in table.get("ramps").and_then(|v| v.as_array()).into_iter().flatten() {
        let (Some(from), Some(to), Some(k)) = (ramp.get("from"), ramp.get("to"), ramp.get("multiplier")) else {
            continue;
        };
        parts.push(format!("rising to ×{} from {} to {}", number(k, |v| significant(v, 3)), date(from), date(to)));
    }
    if let Some(d) = table.get("dispersion").and_then(as_f64) {
        parts.push(format!("month-to-month variation {} (gamma variance)", significant(d, 2)));
    }
    if let Some(cv) = table.get("level_cv").and_then(as_f64) {
        parts.push(format!("level uncertain by {} (cv)", pct(100.0 * cv)));
    }
    if let Some(sd) = table.get("trend_sd").and_then(as_f64) {
        parts.push(format!("growth uncertain by {} points a year (sd)", decimal(100.0 * sd, 1)));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Triage shares, most urgent first ("high 50%, medium 25%, low 25%").
pub(super) fn triage(flow: &Flow) -> Option<String> {
    if flow.triage.len() < 2 {
        return None;
    }
    let names: &[&str] = match flow.triage.len() {
        3 => &["high", "medium", "low"],
        2 => &["high", "low"],
        _ => &[],
    };
    let mut last = 0.0;
    let shares: Vec<String> = flow
        .triage
        .iter()
        .enumerate()
        .map(|(i, &cum)| {
            let share = pct(100.0 * (cum - last));
            last = cum;
            names.get(i).map_or_else(|| format!("class {} {share}", i + 1), |n| format!("{n} {share}"))
        })
        .collect();
    Some(format!("triaged: {}", shares.join(", ")))
}

/// Work in hand at the start, with the age of what is waiting.
pub(super) fn initial(flow: &Flow) -> Option<String> {
    let i = &flow.initial;
    let mut parts = Vec::new();
    if i.waiting > 0 {
        let age =
            i.waiting_age_days.as_ref().map_or(String::new(), |d| format!(", waiting {} days already", d.describe()));
        parts.push(format!("{} waiting at the start{age}", thousands(f64::from(i.waiting))));
    }
    if i.in_service > 0 {
        parts.push(format!("{} in hand", thousands(f64::from(i.in_service))));
    }
    if i.scheduled > 0 {
        parts.push(format!(
            "{} already booked over {} days",
            thousands(f64::from(i.scheduled)),
            decimal(i.scheduled_over_days, 0)
        ));
    }
    if i.allocated > 0 {
        parts.push(format!("{} people allocated", thousands(f64::from(i.allocated))));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// What follows a completion: "then 1% to standard DoLS requests after
/// 365 days".
pub(super) fn routes(m: &Model, flow: &Flow) -> Option<String> {
    let mut parts = Vec::new();
    for group in &flow.route_groups {
        for r in &group.routes {
            let after = r.delay_days.as_ref().map_or(String::new(), |d| format!(" after {} days", d.describe()));
            let pool = r
                .from_latent_pool
                .map_or(String::new(), |p| format!(" (while {} has people)", m.latent_pools[p].name.replace('_', " ")));
            parts.push(format!("{} to {}{after}{pool}", pct(100.0 * r.probability), m.flow_title(r.to as usize)));
        }
    }
    (!parts.is_empty()).then(|| format!("then {}", parts.join("; ")))
}

fn as_f64(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// A number, or an uncertain one given as a distribution table.
fn number(v: &toml::Value, fmt: impl Fn(f64) -> String) -> String {
    match (as_f64(v), v.as_table()) {
        (Some(x), _) => fmt(x),
        (None, Some(t)) => {
            let fields: Vec<String> =
                t.iter().map(|(k, v)| format!("{k} {}", v.to_string().trim_matches('"'))).collect();
            format!("uncertain ({})", fields.join(", "))
        }
        _ => v.to_string(),
    }
}

fn date(v: &toml::Value) -> String {
    v.to_string().trim_matches('"').to_string()
}
