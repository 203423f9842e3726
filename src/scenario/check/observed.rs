//! Checks of `[[observed]]` (where the council stands), `[[calibrate]]`
//! (what calibration may move) and `[[assumptions]]` (values to check).

use chrono::NaiveDate;

use super::Checker;
use crate::model::finance::FinYear;
use crate::model::observed::{Measure, Observation, Reading, Subject, default_tolerance};
use crate::model::{Flow, Periods, Request, Role, Unknown};
use crate::scenario::locate::KeyPath;
use crate::scenario::raw::{RawCalibrate, RawObserved};

/// What an observation can name.
pub(super) struct Names<'a> {
    pub flows: &'a [Flow],
    pub requests: &'a [Request],
    pub roles: &'a [Role],
    pub periods: &'a Periods,
    pub years: &'a [FinYear],
}

pub(super) fn check_observed(c: &mut Checker, raw: &[RawObserved], path: &KeyPath, n: &Names) -> Vec<Observation> {
    raw.iter().enumerate().filter_map(|(i, o)| one(c, o, &path.index(i), n)).collect()
}

fn one(c: &mut Checker, o: &RawObserved, here: &KeyPath, n: &Names) -> Option<Observation> {
    let measure = Measure::parse(&o.measure);
    if measure.is_none() {
        let all: Vec<&str> = Measure::ALL.iter().map(|m| m.key()).collect();
        c.err(here.key("measure"), format!("'{}' is not a measure; use one of: {}", o.measure, all.join(", ")));
    }
    let subject = subject(c, o, here, n, measure);
    let value = value(c, o, here, measure);
    let window = measure.and_then(|m| window(c, o, here, n, m));
    let (measure, (of, subject), value, (periods, when)) = (measure?, subject?, value?, window?);
    let tolerance = match o.tolerance {
        None => default_tolerance(measure, value),
        Some(t) if t.is_finite() && t > 0.0 => t,
        Some(t) => {
            c.err(here.key("tolerance"), format!("must be > 0 (got {t})"));
            return None;
        }
    };
    Some(Observation {
        reading: Reading { of, measure, periods },
        value,
        tolerance,
        subject,
        when,
        source: o.source.clone(),
    })
}

/// The requests or flow observed, and how a report names them.
fn subject(
    c: &mut Checker,
    o: &RawObserved,
    here: &KeyPath,
    n: &Names,
    measure: Option<Measure>,
) -> Option<(Subject, String)> {
    let names = o.of.names();
    if names.is_empty() {
        c.err(here.key("of"), "name a request or flow");
        return None;
    }
    if measure.is_some_and(Measure::of_workers) {
        return workers(c, here, n, &names);
    }
    let requests: Vec<Option<usize>> = names.iter().map(|s| n.requests.iter().position(|r| r.name == *s)).collect();
    if requests.iter().all(Option::is_some) {
        let ids: Vec<usize> = requests.into_iter().flatten().collect();
        let labels: Vec<&str> = ids.iter().map(|&q| n.requests[q].label.as_str()).collect();
        return Some((Subject::Requests(ids), and_list(&labels)));
    }
    let flows: Vec<Option<usize>> = names.iter().map(|s| n.flows.iter().position(|f| f.name == *s)).collect();
    if flows.iter().all(Option::is_some) {
        let ids: Vec<usize> = flows.into_iter().flatten().collect();
        if let Some(m) = measure.filter(|m| !m.of_flows()) {
            c.err(here.key("measure"), format!("'{}' is a measure of requests, and '{}' a flow", m.key(), names[0]));
            return None;
        }
        if let Some(&f) = ids.iter().find(|&&f| n.flows[f].stage_of.is_some()) {
            c.err(here.key("of"), format!("'{}' is a stage of a request; name the request", n.flows[f].name));
            return None;
        }
        let labels: Vec<&str> = ids.iter().map(|&f| n.flows[f].label.as_str()).collect();
        return Some((Subject::Flows(ids), and_list(&labels)));
    }
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|s| !n.requests.iter().any(|r| r.name == *s) && !n.flows.iter().any(|f| f.name == *s))
        .collect();
    if missing.is_empty() {
        c.err(here.key("of"), "a list names requests or flows, not both");
    } else {
        c.err(here.key("of"), format!("there is no request or flow called '{}'", missing.join("', '")));
    }
    None
}

/// The roles whose people allocated per worker are observed, as their
/// places among the workforce tables' scopes (staff roles in order).
fn workers(c: &mut Checker, here: &KeyPath, n: &Names, names: &[&str]) -> Option<(Subject, String)> {
    if !n.flows.iter().any(|f| f.people) {
        c.err(
            here.key("measure"),
            "no flow has people = true, so nobody is allocated to a worker; mark the flows whose items are people",
        );
        return None;
    }
    let staff: Vec<&Role> = n.roles.iter().filter(|r| !r.is_bought_in()).collect();
    let mut ids = Vec::new();
    for name in names {
        match staff.iter().position(|r| r.name == *name) {
            Some(s) => ids.push(s),
            None if n.roles.iter().any(|r| r.name == *name) => {
                c.err(here.key("of"), format!("'{name}' is bought in, so nobody is allocated to its workers"));
                return None;
            }
            None => {
                c.err(
                    here.key("of"),
                    format!("people_allocated is a measure of roles, and there is no role called '{name}'"),
                );
                return None;
            }
        }
    }
    let labels: Vec<&str> = ids.iter().map(|&s| staff[s].label.as_str()).collect();
    Some((Subject::Workers(ids), and_list(&labels)))
}

/// Labels in a list: "urgent and standard DoLS requests" when they end
/// alike, else "a, b and c".
fn and_list(items: &[&str]) -> String {
    let words: Vec<Vec<&str>> = items.iter().map(|s| s.split(' ').collect()).collect();
    let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
    let common = (0..shortest)
        .take_while(|&k| words.iter().all(|w| w[w.len() - 1 - k] == words[0][words[0].len() - 1 - k]))
        .count();
    let (heads, tail): (Vec<String>, String) = if common > 0 && common < shortest {
        let heads = words.iter().map(|w| w[..w.len() - common].join(" ")).collect();
        (heads, format!(" {}", words[0][words[0].len() - common..].join(" ")))
    } else {
        (items.iter().map(|s| s.to_string()).collect(), String::new())
    };
    let joined = match heads.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!("{joined}{tail}")
}

fn value(c: &mut Checker, o: &RawObserved, here: &KeyPath, measure: Option<Measure>) -> Option<f64> {
    let v = o.value;
    if !v.is_finite() || v < 0.0 {
        c.err(here.key("value"), format!("must be a number >= 0 (got {v})"));
        return None;
    }
    if measure.is_some_and(Measure::is_pct) && v > 100.0 {
        c.err(here.key("value"), format!("is a percentage, so at most 100 (got {v})"));
        return None;
    }
    Some(v)
}

/// The periods an observation reads, and how a report says when.
fn window(
    c: &mut Checker,
    o: &RawObserved,
    here: &KeyPath,
    n: &Names,
    m: Measure,
) -> Option<(std::ops::Range<usize>, String)> {
    let given = [o.year.is_some(), o.from.is_some() || o.until.is_some(), o.at.is_some()];
    if given.iter().filter(|&&g| g).count() > 1 {
        c.err(here.clone(), "give one of: year, from and until, at");
        return None;
    }
    let p = n.periods;
    if let Some(at) = &o.at {
        if !m.is_level() {
            c.err(here.key("at"), format!("'{}' is counted over a time: give a year, or from and until", m.key()));
            return None;
        }
        let date = c.date(here.key("at"), at)?;
        if after_the_run(c, &here.key("at"), p, date) {
            return None;
        }
        let k = period_of(p, date).or_else(|| {
            c.err(
                here.key("at"),
                format!("{date} is outside the run ({} to {})", p.starts[0], p.last_date(p.len() - 1)),
            );
            None
        })?;
        return Some((k..k + 1, format!("at {}", p.last_date(k).format("%-d %B %Y"))));
    }
    if let Some(label) = &o.year {
        let Some(y) = n.years.iter().find(|y| y.label == *label) else {
            let starts =
                label.get(..4).and_then(|y| y.parse::<i32>().ok()).and_then(|y| NaiveDate::from_ymd_opt(y, 4, 1));
            if starts.is_some_and(|d| after_the_run(c, &here.key("year"), p, d)) {
                return None;
            }
            let all: Vec<&str> = n.years.iter().map(|y| y.label.as_str()).collect();
            c.err(here.key("year"), format!("'{label}' is not a financial year of the run ({})", all.join(", ")));
            return None;
        };
        let when = if m.is_level() {
            format!("at {}", p.last_date(y.periods.end - 1).format("%-d %B %Y"))
        } else {
            format!("in {label}")
        };
        return Some((y.periods.clone(), when));
    }
    if o.from.is_some() || o.until.is_some() {
        let (Some(from), Some(until)) = (&o.from, &o.until) else {
            c.err(here.clone(), "give both from and until");
            return None;
        };
        let (from, until) = (c.date(here.key("from"), from)?, c.date(here.key("until"), until)?);
        if after_the_run(c, &here.key("from"), p, from) {
            return None;
        }
        let first = (0..p.len()).find(|&k| p.starts[k] >= from);
        let last = (0..p.len()).rev().find(|&k| p.last_date(k) <= until);
        return match (first, last) {
            (Some(a), Some(b)) if a <= b => Some((a..b + 1, span_words(n, a..b + 1))),
            _ => {
                c.err(here.clone(), format!("no whole reporting period of the run lies between {from} and {until}"));
                None
            }
        };
    }
    // The first year: last year's figures, for a council taken to be in
    // the same state a year on.
    let end = (0..p.len()).find(|&k| (p.last_date(k) - p.starts[0]).num_days() >= 364).map_or(p.len(), |k| k + 1);
    let when =
        if m.is_level() { format!("at {}", p.last_date(end - 1).format("%-d %B %Y")) } else { span_words(n, 0..end) };
    Some((0..end, when))
}

/// "in 2026/27" for a financial year, else "from April 2026 to March 2027"
/// (or dates, for periods shorter than a month).
fn span_words(n: &Names, periods: std::ops::Range<usize>) -> String {
    if let Some(y) = n.years.iter().find(|y| y.periods == periods) {
        return format!("in {}", y.label);
    }
    let p = n.periods;
    let (a, b) = (p.starts[periods.start], p.last_date(periods.end - 1));
    match p.kind {
        crate::model::PeriodKind::Day | crate::model::PeriodKind::Week => format!("from {a} to {b}"),
        _ => format!("from {} to {}", a.format("%B %Y"), b.format("%B %Y")),
    }
}

/// A figure observed after the run ends is not checked, with a warning,
/// so that a shorter run (`--set scenario.years=1`, or a staffing search
/// that simulates only up to its target's month) still runs.
fn after_the_run(c: &mut Checker, here: &KeyPath, p: &Periods, date: NaiveDate) -> bool {
    let end = p.last_date(p.len() - 1);
    if date <= end {
        return false;
    }
    c.warn(here.clone(), format!("not checked: {date} is after the run ends ({end})"));
    true
}

fn period_of(p: &Periods, date: NaiveDate) -> Option<usize> {
    (0..p.len()).find(|&k| p.starts[k] <= date && date <= p.last_date(k))
}

/// Each `[[calibrate]]` entry as a value calibration may move.
pub(super) fn check_unknowns(c: &mut Checker, raw: &[RawCalibrate], path: &KeyPath) -> Vec<Unknown> {
    let mut out = Vec::new();
    for (i, u) in raw.iter().enumerate() {
        let here = path.index(i);
        let keys: Vec<String> = u.set.names().iter().map(|k| k.trim().to_string()).collect();
        if keys.is_empty() || keys.iter().any(|k| k.is_empty() || k.split('.').any(str::is_empty)) {
            c.err(here.key("set"), "name the value as --set does, e.g. roles.social_worker_bia.dols_share");
            continue;
        }
        let numbers = |v: &toml::Value| -> Option<Vec<f64>> {
            match v {
                toml::Value::Array(a) => a.iter().map(number).collect(),
                other => number(other).map(|x| vec![x]),
            }
        };
        let (Some(low), Some(high)) = (u.range.first().and_then(numbers), u.range.get(1).and_then(numbers)) else {
            c.err(here.key("range"), "give two values, [low, high]: numbers, or lists of numbers of one length");
            continue;
        };
        if u.range.len() != 2 || low.len() != high.len() || low.iter().chain(&high).any(|x| !x.is_finite()) {
            c.err(here.key("range"), "give two values, [low, high]: numbers, or lists of numbers of one length");
            continue;
        }
        if low == high {
            c.err(here.key("range"), "the two ends are the same, so there is nothing to calibrate");
            continue;
        }
        let list = matches!(u.range[0], toml::Value::Array(_));
        let whole = u.range.iter().all(|v| matches!(v, toml::Value::Integer(_)));
        if u.first && u.last {
            c.err(here.key("last"), "a value is found first or last, not both");
            continue;
        }
        out.push(Unknown { keys, low, high, list, whole, label: u.label.clone(), first: u.first, last: u.last });
    }
    out
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}
