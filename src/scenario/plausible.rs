//! What every value in a scenario may be, whatever key it is at: numbers
//! finite and within a plausible range for their key, text free of
//! control characters and not too long. The checks of each part say what
//! a value must be for the model to make sense (> 0, a share); these say
//! what a person could mean, so `hours_per_week = 1e-308` or a lognormal
//! whose p90 is 1e300 is refused rather than simulated.
//!
//! The ranges are listed in docs/scenario-reference.md ("Plausible ranges"),
//! as `table()` writes them from `RANGES`.

use super::locate::{KeyPath, Seg};
use crate::model::names::is_control;

/// One key's plausible range: `*` stands for any entry of a list or any
/// key of a table (a role's caseload, a year's budget).
pub struct Range {
    pub key: &'static str,
    pub lo: f64,
    pub hi: f64,
    pub unit: &'static str,
}

const fn r(key: &'static str, lo: f64, hi: f64, unit: &'static str) -> Range {
    Range { key, lo, hi, unit }
}

/// Plausible ranges, wide enough for any council and for England as one
/// (`national-dols`); a distribution's every parameter but `cv` (its
/// `value`, `mean`, `median`, `p90`, `min`, `mode`, `max`) is held to its
/// key's range, and `cv` to 0 to 10.
pub const RANGES: &[Range] = &[
    r("scenario.years", 1.0, 270.0, "years"),
    r("scenario.days", 1.0, 100_000.0, "days"),
    r("scenario.warmup_days", 0.0, 100_000.0, "days"),
    r("flows.*.priority", -1000.0, 1000.0, ""),
    r("flows.*.effort_hours", 0.0, 2000.0, "hours"),
    r("flows.*.duration_days", 0.0, 36_500.0, "days"),
    r("flows.*.deadline_days", 0.01, 36_500.0, "days"),
    r("flows.*.extension_days", 0.0, 36_500.0, "days"),
    r("flows.*.diverted_share", 0.0, 1.0, "share"),
    r("flows.*.batch_days", 0.01, 3650.0, "days"),
    r("flows.*.triage.*", 0.0, 1.0, "share"),
    r("flows.*.arrivals.per_day", 0.0, 300_000.0, "a day"),
    r("flows.*.arrivals.per_week", 0.0, 2_000_000.0, "a week"),
    r("flows.*.arrivals.per_month", 0.0, 10_000_000.0, "a month"),
    r("flows.*.arrivals.per_year", 0.0, 100_000_000.0, "a year"),
    r("flows.*.arrivals.trend_per_year", -0.99, 2.0, "share a year"),
    r("flows.*.arrivals.damping", 0.0, 1.0, ""),
    r("flows.*.arrivals.seasonality.*", 0.0, 12.0, "factor"),
    r("flows.*.arrivals.dispersion", 0.0, 10.0, ""),
    r("flows.*.arrivals.level_cv", 0.0, 5.0, ""),
    r("flows.*.arrivals.trend_sd", 0.0, 1.0, ""),
    r("flows.*.arrivals.changes.*.multiplier", 0.0, 100.0, "factor"),
    r("flows.*.arrivals.ramps.*.multiplier", 0.0, 100.0, "factor"),
    r("flows.*.routes.*.probability", 0.0, 1.0, "share"),
    r("flows.*.routes.*.delay_days", 0.0, 36_500.0, "days"),
    r("flows.*.initial.waiting", 0.0, 10_000_000.0, "items"),
    r("flows.*.initial.waiting_age_days", 0.0, 36_500.0, "days"),
    r("flows.*.initial.in_service", 0.0, 10_000_000.0, "items"),
    r("flows.*.initial.scheduled", 0.0, 10_000_000.0, "items"),
    r("flows.*.initial.scheduled_over_days", 0.0, 36_500.0, "days"),
    r("flows.*.initial.allocated", 0.0, 10_000_000.0, "people"),
    r("flows.*.keep_allocated.share", 0.0, 1.0, "share"),
    r("flows.*.keep_allocated.days", 0.0, 36_500.0, "days"),
    r("flows.*.keep_allocated.hours_per_week", 0.0, 168.0, "hours"),
    r("flows.*.keep_allocated.transfer_share", 0.0, 1.0, "share"),
    r("roles.*.count", 0.0, 20_000.0, "posts"),
    r("roles.*.fte", 0.0, 20_000.0, "FTE"),
    r("roles.*.hours_per_week", 1.0, 168.0, "hours"),
    r("roles.*.casework_share", 0.0, 1.0, "share"),
    r("roles.*.caseload_cap", 0.0, 10_000.0, "items"),
    r("roles.*.per_week", 0.0, 100_000.0, "items a week"),
    r("roles.*.fee", 0.0, 1_000_000.0, "£"),
    r("roles.*.salary", 0.0, 1_000_000.0, "£ a year"),
    r("roles.*.on_costs", 0.0, 2.0, "share"),
    r("roles.*.turnover_per_year", 0.0, 3.0, "share a year"),
    r("roles.*.recruitment_days", 0.0, 3650.0, "days"),
    r("roles.*.vacancies", 0.0, 20_000.0, "FTE"),
    r("roles.*.dols_share", 0.0, 1.0, "share"),
    r("roles.*.new_starter.productivity", 0.0, 1.0, "share"),
    r("roles.*.new_starter.days", 0.0, 3650.0, "days"),
    r("roles.*.asye.share", 0.0, 1.0, "share"),
    r("roles.*.asye.caseload_cap", 0.0, 10_000.0, "items"),
    r("roles.*.asye.days", 0.0, 3650.0, "days"),
    r("roles.*.asye.development_share", 0.0, 1.0, "share"),
    r("roles.*.agency.after_days", 0.0, 3650.0, "days"),
    r("roles.*.agency.day_rate", 0.0, 100_000.0, "£ a day"),
    r("roles.*.agency.productivity", 0.0, 2.0, "share"),
    r("roles.*.overtime.hours_per_week", 0.0, 100.0, "hours"),
    r("roles.*.overtime.hourly_rate", 0.0, 10_000.0, "£ an hour"),
    r("roles.*.overtime.when_waiting_over", 0.0, 10_000_000.0, "items"),
    r("roles.*.plan.*.fte", 0.0, 20_000.0, "FTE"),
    r("roles.*.plan.*.per_week", 0.0, 100_000.0, "items a week"),
    r("roles.*.plan.*.recruitment_days", 0.0, 3650.0, "days"),
    r("roles.*.plan.*.leave", 0.0, 20_000.0, "FTE"),
    r("roles.*.plan.*.replaced_after_months", 0.0, 1200.0, "months"),
    r("absence.annual_leave_days", 0.0, 100.0, "days a year"),
    r("absence.leave_spell_days", 0.0, 100.0, "days"),
    r("absence.sickness_days", 0.0, 200.0, "days a year"),
    r("absence.sickness_spell_days", 0.0, 365.0, "days"),
    r("stocks.*.leave_rate_per_year", 0.0, 100.0, "a year"),
    r("latent_pools.*.size", 0.0, 100_000_000.0, "people"),
    r("latent_pools.*.identified_per_year", 0.0, 1.0, "share of the pool a year"),
    r("shocks.*.annual_probability", 0.0, 1.0, "probability"),
    r("shocks.*.spawn.*.count", 0.0, 1_000_000.0, "items"),
    r("legal_changes.*.multiplier", 0.0, 100.0, "factor"),
    r("inflation.pay", -0.5, 1.0, "share a year"),
    r("inflation.pay.*", -0.5, 1.0, "share a year"),
    r("inflation.agency", -0.5, 1.0, "share a year"),
    r("inflation.agency.*", -0.5, 1.0, "share a year"),
    r("inflation.fees", -0.5, 1.0, "share a year"),
    r("inflation.fees.*", -0.5, 1.0, "share a year"),
    r("budget.*", 0.0, 1e11, "£ a year"),
    r("budget.*.*", 0.0, 1e11, "£ a year"),
    r("supervision.hours", 0.0, 40.0, "hours"),
    r("supervision.cpd_share", 0.0, 1.0, "share"),
    r("supervision.cancel_above_load", 0.0, 10.0, "share"),
    r("supervision.asye.*.until_day", 0.0, 3650.0, "days"),
    r("health_check.caseload.*", 0.0, 1000.0, "people"),
    r("health_check.asye_share", 0.0, 1.0, "share"),
    r("health_check.over_threshold_pct.*", 0.0, 100.0, "%"),
    r("health_check.people_waiting.*", 0.0, 10_000_000.0, "people"),
    r("health_check.supervision_delivered_pct.*", 0.0, 100.0, "%"),
    r("health_check.asye_protected_pct.*", 0.0, 100.0, "%"),
    r("health_check.vacancy_pct.*", 0.0, 100.0, "%"),
    r("health_check.turnover_pct.*", 0.0, 300.0, "%"),
    r("health_check.agency_pct.*", 0.0, 100.0, "%"),
    r("health_check.sickness_days.*", 0.0, 365.0, "days a year"),
    r("health_check.utilisation_pct.*", 0.0, 100.0, "%"),
    r("observed.*.value", -1e12, 1e12, "the measure's unit"),
    r("observed.*.tolerance", 0.0, 1e12, "the measure's unit"),
];

/// The ranges as the Markdown table docs/scenario-reference.md holds: one
/// row per key, in the order of `RANGES`.
pub fn table() -> String {
    let mut out = String::from("| key | plausible range | unit |\n|---|---|---|\n");
    for r in RANGES {
        out.push_str(&format!("| `{}` | {} to {} | {} |\n", r.key, bound(r.lo), bound(r.hi), r.unit));
    }
    out
}

/// A bound as a person writes it: 36,500 or 0.01, and 1e11 where the
/// digits would be too many to count.
fn bound(x: f64) -> String {
    if x.abs() >= 1e10 {
        format!("{x:e}")
    } else if x.fract() == 0.0 {
        crate::format::thousands(x)
    } else {
        format!("{x}")
    }
}

/// A distribution's parameters held to its key's range.
const DIST_VALUES: [&str; 7] = ["value", "mean", "median", "p90", "min", "mode", "max"];
/// The most characters of a name-like text (a label), and of any other.
const MAX_LABEL: usize = 200;
const MAX_TEXT: usize = 20_000;
/// Keys whose text may run over lines.
const MULTILINE: [&str; 4] = ["description", "source", "note", "notes"];

/// Problems with the text of a scenario document: checked before
/// anything else, so no message repeats a control character.
pub fn text_problems(doc: &toml::Table) -> Vec<(KeyPath, String)> {
    let mut out = Vec::new();
    walk(doc, &KeyPath::root(), &mut |v, path| {
        if let toml::Value::String(s) = v {
            text(s, path, &mut out);
        }
    });
    out
}

/// Problems with the numbers of a scenario document that its checks
/// accepted.
pub fn number_problems(doc: &toml::Table) -> Vec<(KeyPath, String)> {
    let mut out = Vec::new();
    walk(doc, &KeyPath::root(), &mut |v, path| match v {
        toml::Value::Float(x) => number(*x, path, &mut out),
        toml::Value::Integer(i) => number(*i as f64, path, &mut out),
        _ => {}
    });
    out
}

fn walk(doc: &toml::Table, path: &KeyPath, leaf: &mut dyn FnMut(&toml::Value, &KeyPath)) {
    for (k, v) in doc {
        if k.chars().any(is_control) {
            // A key is text too: shown escaped, checked as a value.
            leaf(&toml::Value::String(k.clone()), &path.key(&crate::model::names::visible(k)));
        }
        value(v, &path.key(k), leaf);
    }
}

fn value(v: &toml::Value, path: &KeyPath, leaf: &mut dyn FnMut(&toml::Value, &KeyPath)) {
    match v {
        toml::Value::Table(t) => walk(t, path, leaf),
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                value(x, &path.index(i), leaf);
            }
        }
        other => leaf(other, path),
    }
}

/// The key path with every list index as `*`: `flows.*.effort_hours.p90`.
fn pattern(path: &KeyPath) -> Vec<String> {
    path.0
        .iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(_) => "*".into(),
        })
        .collect()
}

/// The range for a key: its own, its table's for any key (`budget.*`),
/// or, for a distribution's parameter, the range of the distribution's key.
pub fn range_of(path: &KeyPath) -> Option<&'static Range> {
    let segs = pattern(path);
    let find = |segs: &[String]| {
        RANGES.iter().find(|r| {
            let keys: Vec<&str> = r.key.split('.').collect();
            keys.len() == segs.len() && keys.iter().zip(segs).all(|(k, s)| *k == "*" || k == s)
        })
    };
    find(&segs).or_else(|| match segs.split_last() {
        Some((last, parent)) if DIST_VALUES.contains(&last.as_str()) => find(parent),
        _ => None,
    })
}

fn number(x: f64, path: &KeyPath, out: &mut Vec<(KeyPath, String)>) {
    if !x.is_finite() {
        out.push((path.clone(), format!("must be a finite number (got {x})")));
        return;
    }
    if matches!(path.0.last(), Some(Seg::Key(k)) if k == "cv") {
        if !(0.0..=10.0).contains(&x) {
            out.push((
                path.clone(),
                format!("a coefficient of variation is from 0 to 10 (got {})", super::check::shown(x)),
            ));
        }
        return;
    }
    let Some(r) = range_of(path) else { return };
    if x < r.lo || x > r.hi {
        let unit = if r.unit.is_empty() { String::new() } else { format!(" {}", r.unit) };
        out.push((
            path.clone(),
            format!(
                "{} is outside the plausible range {} to {}{unit} (see \"Plausible ranges\" in docs/scenario-reference.md)",
                super::check::shown(x),
                super::check::shown(r.lo),
                super::check::shown(r.hi),
            ),
        ));
    }
}

fn text(s: &str, path: &KeyPath, out: &mut Vec<(KeyPath, String)>) {
    let key = match path.0.last() {
        Some(Seg::Key(k)) => k.as_str(),
        _ => "",
    };
    let multiline = MULTILINE.contains(&key);
    if let Some(c) = s.chars().find(|&c| is_control(c) && !(multiline && (c == '\n' || c == '\t'))) {
        out.push((
            path.clone(),
            format!("contains the control character {} (text must be printable)", c.escape_unicode()),
        ));
    }
    let max = if key == "label" { MAX_LABEL } else { MAX_TEXT };
    let n = s.chars().count();
    if n > max {
        out.push((path.clone(), format!("is {n} characters long; at most {max} are allowed")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str) -> KeyPath {
        let mut p = KeyPath::root();
        for part in path.split('.') {
            p = match part.parse::<usize>() {
                Ok(i) => p.index(i),
                Err(_) => p.key(part),
            };
        }
        p
    }

    #[test]
    fn ranges_are_found_for_entries_tables_and_distribution_parameters() {
        assert_eq!(range_of(&at("roles.3.hours_per_week")).map(|r| r.hi), Some(168.0));
        assert_eq!(range_of(&at("flows.0.effort_hours.p90")).map(|r| r.key), Some("flows.*.effort_hours"));
        assert_eq!(range_of(&at("budget.dols.2026")).map(|r| r.key), Some("budget.*.*"));
        assert_eq!(range_of(&at("health_check.caseload.social_worker")).map(|r| r.hi), Some(1000.0));
        assert!(range_of(&at("calibrate.0.range.0")).is_none());
    }

    #[test]
    fn the_table_has_a_row_per_range_with_bounds_as_people_write_them() {
        let t = table();
        assert_eq!(t.lines().count(), RANGES.len() + 2);
        assert!(t.contains("| `flows.*.priority` | -1,000 to 1,000 |  |\n"), "{t}");
        assert!(t.contains("| `flows.*.deadline_days` | 0.01 to 36,500 | days |\n"), "{t}");
        assert!(t.contains("| `inflation.pay` | -0.5 to 1 | share a year |\n"), "{t}");
        assert!(t.contains("| `budget.*` | 0 to 1e11 | £ a year |\n"), "{t}");
        assert!(t.contains("| `observed.*.value` | -1e12 to 1e12 | the measure's unit |\n"), "{t}");
    }
}
