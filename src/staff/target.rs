//! Targets on the measures users already see, with a time and a
//! probability:
//!
//! ```text
//! TARGET  := MEASURE OP VALUE [at month N] [with probability P]
//! MEASURE := NAME.METRIC     NAME: a request, flow or role, or "total"
//! OP      := >= | <= | > | <
//! VALUE   := 80%  |  28  |  £9.5m  |  950k
//! ```
//!
//! `standard_dols.within_deadline >= 80% at month 12 with probability 0.9`
//! holds when, in at least 90% of simulated futures, at least 80% of the
//! standard DoLS requests decided in month 12 were decided within the
//! deadline. Without "at month N" a measure is over the whole horizon;
//! without a probability, 0.9.

use crate::format::Unit;
use crate::measure::Reading;
use crate::model::Model;
use crate::results::{
    FlowKpi, FlowMetric, RequestKpi, RequestMetric, RoleKpi, RoleMetric, Scope, TotalMetric, WorkforceMetric,
    workforce_scopes,
};

/// The probability a target must be met with when none is given.
pub const DEFAULT_PROBABILITY: f64 = 0.9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    AtLeast,
    AtMost,
    Above,
    Below,
}

impl Op {
    pub fn holds(self, v: f64, limit: f64) -> bool {
        match self {
            Op::AtLeast => v >= limit,
            Op::AtMost => v <= limit,
            Op::Above => v > limit,
            Op::Below => v < limit,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::AtLeast => ">=",
            Op::AtMost => "<=",
            Op::Above => ">",
            Op::Below => "<",
        }
    }

    /// Whether more of a measure is better for this target.
    pub fn wants_more(self) -> bool {
        matches!(self, Op::AtLeast | Op::Above)
    }
}

/// A checked target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// As the user wrote it.
    pub text: String,
    /// "standard DoLS requests: % completed within the deadline in month 12".
    pub label: String,
    pub reading: Reading,
    pub op: Op,
    pub value: f64,
    pub unit: Unit,
    /// The last month the target reads, if it is at a month.
    pub month: Option<usize>,
    pub probability: f64,
}

impl Target {
    /// Whether one replication's value meets the target (a value that does
    /// not exist, such as a share of no decisions, does not).
    pub fn met_by(&self, v: f64) -> bool {
        v.is_finite() && self.op.holds(v, self.value)
    }

    /// "% completed within the deadline >= 80%".
    pub fn goal(&self) -> String {
        format!("{} {} {}", self.label, self.op.symbol(), self.unit.show(self.value))
    }
}

/// The names a target can be about, for messages.
fn names(m: &Model) -> String {
    let mut all = vec!["total".to_string()];
    all.extend(m.requests.iter().map(|r| r.name.clone()));
    all.extend(m.flows.iter().map(|f| f.name.clone()));
    all.extend(m.roles.iter().map(|r| r.name.clone()));
    all.extend(m.teams.iter().map(|t| t.name.clone()));
    all.join(", ")
}

/// A metric's name from the aliases people type.
fn canonical(scope: &str, metric: &str, at: bool) -> String {
    let m = metric.trim().to_lowercase().replace([' ', '-'], "_");
    let alias = match (scope, m.as_str(), at) {
        (_, "within_deadline" | "within_deadline_%" | "within", _) => "within_deadline_pct",
        ("total", "backlog" | "dols_backlog", _) => "dols_open",
        ("request" | "flow", "backlog", false) => "open_at_end",
        ("request" | "flow", "backlog", true) => "open",
        ("total", "cost", false) => "cost_total",
        ("total", "cost", true) => "cost_cumulative",
        ("flow", "p90_wait" | "wait_p90" | "p90_wait_days", _) => "wait_p90_days",
        ("request", "days_to_decision", _) => "mean_days_to_decision",
        (_, "utilisation", _) => "utilisation_pct",
        _ => return m,
    };
    alias.to_string()
}

/// A metric in a few words, for sentences about targets.
fn words(metric: &str) -> String {
    match metric {
        "within_deadline_pct" => "% completed within the deadline".into(),
        "open" | "open_at_end" => "open (the backlog)".into(),
        "waiting" | "waiting_at_end" => "waiting for allocation".into(),
        "mean_days_to_decision" => "mean days to decision".into(),
        "mean_wait_days" => "mean days waiting for allocation".into(),
        "wait_p90_days" => "P90 of days waiting for allocation".into(),
        "dols_open" => "DoLS requests open (the backlog)".into(),
        "cost_total" => "total cost".into(),
        "cost_cumulative" => "cost to date".into(),
        "utilisation_pct" => "utilisation".into(),
        "people_allocated" => "people allocated per worker".into(),
        "over_threshold_pct" => "% of workers above the caseload threshold".into(),
        other => other.replace('_', " "),
    }
}

/// Whether a metric is a level at a moment (rather than over a period).
fn is_level(metric: &str) -> bool {
    matches!(
        metric,
        "open" | "waiting" | "dols_open" | "dols_waiting" | "unauthorised" | "staff" | "vacant" | "establishment"
    )
}

fn unit_of(metric: &str) -> Unit {
    Unit::of_measure(metric)
}

/// A reading with what it is about and the metric's name.
type Found = (Reading, String, String);

/// The reading of `name.metric`, at period `at` or over the horizon, with
/// what it is about and the metric's name.
fn reading(m: &Model, name: &str, metric: &str, at: Option<usize>) -> Result<Found, String> {
    let unknown = |what: &str, list: Vec<&'static str>| {
        format!("'{name}' has no measure '{metric}' {what}; try one of: {}", list.join(", "))
    };
    if name == "total" {
        return total(metric, at, &unknown);
    }
    if let Some(q) = m.request_id(name) {
        return request(m, q, metric, at, &unknown);
    }
    if let Some(f) = m.flow_id(name) {
        return flow(m, name, f as usize, metric, at, &unknown);
    }
    if let Some(x) = m.role_id(name) {
        return role(m, x as usize, metric, at, &unknown);
    }
    if let Some(t) = m.teams.iter().position(|t| t.name == name) {
        let metric = canonical("team", metric, at.is_some());
        let scope = Scope::Team(t);
        return workforce(m, scope, &metric, at)
            .map(|r| (r, scope.label(m), metric.clone()))
            .ok_or_else(|| unknown("", WorkforceMetric::ALL.iter().map(|k| k.name()).collect()));
    }
    Err(format!("nothing in the scenario is called '{name}'; targets can be about: {}", names(m)))
}

/// What a refusal of an unknown metric says: over what, and the metrics there are.
type Unknown<'a> = dyn Fn(&str, Vec<&'static str>) -> String + 'a;

fn total(metric: &str, at: Option<usize>, unknown: &Unknown) -> Result<Found, String> {
    let metric = canonical("total", metric, at.is_some());
    let t = TotalMetric::ALL.iter().copied().find(|t| t.name() == metric);
    let Some(t) = t else { return Err(unknown("", TotalMetric::ALL.iter().map(|t| t.name()).collect())) };
    let r = match at {
        None => Reading::Total(t),
        Some(p) => Reading::TotalAt(t, p),
    };
    Ok((r, "the service".to_string(), metric))
}

fn request(m: &Model, q: usize, metric: &str, at: Option<usize>, unknown: &Unknown) -> Result<Found, String> {
    let metric = canonical("request", metric, at.is_some());
    let label = &m.requests[q].label;
    match at {
        None => RequestKpi::ALL
            .iter()
            .find(|k| k.name() == metric)
            .map(|&k| (Reading::Request(q, k), label.clone(), metric.clone()))
            .ok_or_else(|| unknown("over the horizon", RequestKpi::ALL.iter().map(|k| k.name()).collect())),
        Some(p) => RequestMetric::ALL
            .iter()
            .find(|k| k.name() == metric)
            .map(|&k| (Reading::RequestAt(q, k, p), label.clone(), metric.clone()))
            .ok_or_else(|| unknown("at a month", RequestMetric::ALL.iter().map(|k| k.name()).collect())),
    }
}

fn flow(m: &Model, name: &str, f: usize, metric: &str, at: Option<usize>, unknown: &Unknown) -> Result<Found, String> {
    let metric = canonical("flow", metric, at.is_some());
    let label = m.flow_title(f);
    if metric == "wait_p90_days" {
        if at.is_some() {
            return Err(format!("{name}.p90_wait is over the whole run; leave out 'at month'"));
        }
        return Ok((Reading::WaitQuantile(f, 900), label, metric));
    }
    match at {
        None => FlowKpi::ALL
            .iter()
            .find(|k| k.name() == metric)
            .map(|&k| (Reading::Flow(f, k), label.clone(), metric.clone()))
            .ok_or_else(|| {
                let mut list: Vec<&str> = FlowKpi::ALL.iter().map(|k| k.name()).collect();
                list.push("p90_wait");
                unknown("over the horizon", list)
            }),
        Some(p) => FlowMetric::ALL
            .iter()
            .find(|k| k.name() == metric)
            .map(|&k| (Reading::FlowAt(f, k, p), label.clone(), metric.clone()))
            .ok_or_else(|| unknown("at a month", FlowMetric::ALL.iter().map(|k| k.name()).collect())),
    }
}

/// A role's own measures, or the workforce measures kept for it.
fn role(m: &Model, x: usize, metric: &str, at: Option<usize>, unknown: &Unknown) -> Result<Found, String> {
    let metric = canonical("role", metric, at.is_some());
    let label = &m.roles[x].label;
    let own = match at {
        None => RoleKpi::ALL.iter().find(|k| k.name() == metric).map(|&k| Reading::Role(x, k)),
        Some(p) => RoleMetric::ALL.iter().find(|k| k.name() == metric).map(|&k| Reading::RoleAt(x, k, p)),
    };
    if let Some(r) = own.or_else(|| workforce(m, Scope::Role(x), &metric, at)) {
        return Ok((r, label.clone(), metric));
    }
    let mut list: Vec<&str> = match at {
        None => RoleKpi::ALL.iter().map(|k| k.name()).collect(),
        Some(_) => RoleMetric::ALL.iter().map(|k| k.name()).collect(),
    };
    if !workforce_scopes(m).is_empty() {
        let more: Vec<&str> = WorkforceMetric::ALL.iter().map(|k| k.name()).filter(|n| !list.contains(n)).collect();
        list.extend(more);
    }
    Err(unknown(if at.is_some() { "at a month" } else { "over the horizon" }, list))
}

/// A workforce measure (people allocated, supervision, rates) of a role or
/// team, when the scenario keeps them.
fn workforce(m: &Model, scope: Scope, metric: &str, at: Option<usize>) -> Option<Reading> {
    let s = workforce_scopes(m).iter().position(|&x| x == scope)?;
    let k = WorkforceMetric::from_name(metric)?;
    Some(match at {
        None => Reading::Workforce(s, k),
        Some(p) => Reading::WorkforceAt(s, k, p),
    })
}

/// A value as written: "80%", "28", "£9.5m", "950k", "1,200".
pub fn number(s: &str) -> Option<f64> {
    let t = s.trim().trim_start_matches('£').replace(',', "");
    let (t, scale) = if let Some(v) = t.strip_suffix(['m', 'M']) {
        (v.to_string(), 1e6)
    } else if let Some(v) = t.strip_suffix(['k', 'K']) {
        (v.to_string(), 1e3)
    } else if let Some(v) = t.strip_suffix('%') {
        (v.to_string(), 1.0)
    } else {
        (t, 1.0)
    };
    let v: f64 = t.trim().parse().ok()?;
    (v.is_finite()).then_some(v * scale)
}

/// A target as written: its grammar checked, its names not yet looked up
/// in a scenario (`resolve` does that, once the model is known).
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenTarget {
    /// As the user wrote it, trimmed.
    pub text: String,
    name: String,
    metric: String,
    op: Op,
    value: f64,
    month: Option<usize>,
    probability: f64,
}

impl std::fmt::Display for WrittenTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for WrittenTarget {
    type Err = String;

    fn from_str(text: &str) -> Result<WrittenTarget, String> {
        let (measure, op, rest) = comparison(text)?;
        let Some((name, metric)) = measure.rsplit_once('.') else {
            return Err(format!(
                "'{measure}' should be NAME.MEASURE, e.g. standard_dols.within_deadline or total.dols_open"
            ));
        };
        let (value_text, tail) = match rest.split_once(char::is_whitespace) {
            Some((v, tail)) => (v, tail.to_lowercase()),
            None => (rest, String::new()),
        };
        let value = number(value_text).ok_or_else(|| format!("'{}' is not a number", value_text.trim()))?;
        let (month, probability) = when_and_how_sure(&tail)?;
        if month == Some(0) {
            return Err("months count from 1".into());
        }
        Ok(WrittenTarget {
            text: text.trim().to_string(),
            name: name.trim().to_string(),
            metric: metric.to_string(),
            op,
            value,
            month,
            probability,
        })
    }
}

/// The measure, comparison and what follows it: the first comparison
/// written splits the text.
fn comparison(text: &str) -> Result<(&str, Op, &str), String> {
    let ops = [
        (">=", Op::AtLeast),
        ("<=", Op::AtMost),
        ("≥", Op::AtLeast),
        ("≤", Op::AtMost),
        (">", Op::Above),
        ("<", Op::Below),
    ];
    let Some((i, sym, op)) = ops.iter().filter_map(|&(s, op)| text.find(s).map(|i| (i, s, op))).min_by_key(|x| x.0)
    else {
        return Err(
            "no comparison: write it as MEASURE >= VALUE, e.g. standard_dols.within_deadline >= 80% at month 12".into(),
        );
    };
    Ok((text[..i].trim(), op, text[i + sym.len()..].trim()))
}

/// `at month N` and `with probability P`, in either order, each optional.
fn when_and_how_sure(tail: &str) -> Result<(Option<usize>, f64), String> {
    let mut tail = tail.to_string();
    let mut month = None;
    let mut probability = DEFAULT_PROBABILITY;
    while !tail.trim().is_empty() {
        let t = tail.trim_start().to_string();
        let words: Vec<&str> = t.split_whitespace().collect();
        match words.as_slice() {
            ["at", "month", n, ..] => {
                let n: usize = n.parse().map_err(|_| format!("'at month {n}' needs a whole number of months"))?;
                month = Some(n);
                tail = words[3..].join(" ");
            }
            ["with", "probability", p, ..] => {
                let p = number(p).map(|v| if p.ends_with('%') { v / 100.0 } else { v });
                probability = p
                    .filter(|p| (0.0..=1.0).contains(p))
                    .ok_or("the probability must be between 0 and 1 (or 0% and 100%)")?;
                tail = words[3..].join(" ");
            }
            _ => {
                return Err(format!(
                    "did not understand '{}'; expected 'at month N' or 'with probability P'",
                    t.trim()
                ));
            }
        }
    }
    Ok((month, probability))
}

impl WrittenTarget {
    /// The target against a scenario: its names looked up, its month
    /// within the scenario's.
    pub fn resolve(&self, m: &Model) -> Result<Target, String> {
        let at = match self.month {
            None => None,
            Some(n) if m.periods.kind != crate::model::PeriodKind::Month => {
                return Err(format!(
                    "the scenario reports by {}, not by month; --set scenario.period=month to target month {n}",
                    m.periods.kind.name()
                ));
            }
            Some(n) if n > m.periods.len() => {
                return Err(format!("month {n} is after the scenario's {} months", m.periods.len()));
            }
            Some(n) => Some(n - 1),
        };
        let (reading, subject, metric) = reading(m, &self.name, &self.metric, at)?;
        let when = match self.month {
            Some(n) if is_level(&metric) => format!(" at the end of month {n}"),
            Some(n) => format!(" in month {n}"),
            None => String::new(),
        };
        Ok(Target {
            text: self.text.clone(),
            label: format!("{subject}: {}{when}", words(&metric)),
            reading,
            op: self.op,
            value: self.value,
            unit: unit_of(&metric),
            month: self.month,
            probability: self.probability,
        })
    }
}

/// Parse a target against a model; a refusal names the target.
pub fn parse(text: &str, m: &Model) -> Result<Target, String> {
    text.parse::<WrittenTarget>().and_then(|t| t.resolve(m)).map_err(|why| refused(text, &why))
}

/// How a refused target reads: the target, then why.
pub fn refused(text: &str, why: &str) -> String {
    format!("--target \"{text}\": {why}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(number("80%"), Some(80.0));
        assert_eq!(number("£9.5m"), Some(9.5e6));
        assert_eq!(number("950k"), Some(950_000.0));
        assert_eq!(number("1,200"), Some(1200.0));
        assert_eq!(number("lots"), None);
    }

    /// The grammar is checked without a scenario; the names wait for one.
    #[test]
    fn a_target_reads_without_a_model() {
        let t: WrittenTarget = " nobody.speed >= 80% at month 12 with probability 0.5 ".parse().unwrap();
        assert_eq!(t.to_string(), "nobody.speed >= 80% at month 12 with probability 0.5");
        assert_eq!((t.op, t.value, t.month, t.probability), (Op::AtLeast, 80.0, Some(12), 0.5));
        assert_eq!("a.b <= 1 at month 0".parse::<WrittenTarget>().unwrap_err(), "months count from 1");
        assert!("a.b 1".parse::<WrittenTarget>().unwrap_err().starts_with("no comparison"));
    }
}
