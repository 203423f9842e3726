//! Turning the file as written into a checked `Model`, collecting every
//! problem (not just the first) with the key path it belongs to.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};

use super::locate::KeyPath;
use super::raw::{RawArrivals, RawDist, RawFlow, RawMeta, RawRole, RawRoute, RawScenario};
use crate::model::periods::day_of;
use crate::model::{
    Arrivals, Dist, Flow, FlowId, Model, PeriodKind, Periods, QueueOrder, Role, Route, RouteGroup, Segment, Worker,
};

const DAYS_PER_YEAR: f64 = 365.25;
/// Longest horizon accepted, in days (about 270 years): beyond this a
/// typo is more likely than a plan.
const MAX_DAYS: f64 = 100_000.0;

#[derive(Default)]
pub(crate) struct Checker {
    pub problems: Vec<(KeyPath, String)>,
}

impl Checker {
    fn err(&mut self, path: KeyPath, message: impl Into<String>) {
        self.problems.push((path, message.into()));
    }

    fn positive(&mut self, path: KeyPath, v: f64) -> Option<f64> {
        if v.is_finite() && v > 0.0 {
            Some(v)
        } else {
            self.err(path, format!("must be > 0 (got {v})"));
            None
        }
    }

    fn non_negative(&mut self, path: KeyPath, v: f64) -> Option<f64> {
        if v.is_finite() && v >= 0.0 {
            Some(v)
        } else {
            self.err(path, format!("must be >= 0 (got {v})"));
            None
        }
    }

    fn date(&mut self, path: KeyPath, v: &toml::Value) -> Option<NaiveDate> {
        let parsed = match v {
            toml::Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                dt.date.and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32))
            }
            _ => None,
        };
        if parsed.is_none() {
            self.err(path, format!("expected a date like 2015-04-01 (got {v})"));
        }
        parsed
    }
}

pub(crate) fn check(raw: &RawScenario) -> Result<Model, Vec<(KeyPath, String)>> {
    let mut c = Checker::default();
    let root = KeyPath::root();
    let meta = check_meta(&mut c, &raw.scenario, &root.key("scenario"));

    let mut names: HashMap<&str, usize> = HashMap::new();
    let flows_path = root.key("flows");
    if raw.flows.is_empty() {
        c.err(root.key("flows"), "the scenario has no flows; add at least one [[flows]] table");
    }
    for (i, f) in raw.flows.iter().enumerate() {
        if f.name.trim().is_empty() {
            c.err(flows_path.index(i).key("name"), "must not be empty");
        } else if let Some(first) = names.insert(f.name.as_str(), i) {
            c.err(flows_path.index(i).key("name"), format!("flow '{}' is already defined at flows[{first}]", f.name));
        }
    }
    // Names resolve to the first definition so later checks can go on.
    let flow_id = |name: &str| -> Option<FlowId> { raw.flows.iter().position(|f| f.name == name).map(|i| i as FlowId) };

    let mut flows = Vec::new();
    for (i, f) in raw.flows.iter().enumerate() {
        let path = flows_path.index(i);
        if let Some(flow) = check_flow(&mut c, f, &path, meta.as_ref(), &flow_id) {
            flows.push(flow);
        }
    }
    check_instant_cycles(&mut c, raw, &flows_path, &flow_id);

    let roles_path = root.key("roles");
    if raw.roles.is_empty() {
        c.err(root.key("roles"), "the scenario has no roles; add at least one [[roles]] table");
    }
    let mut role_names: HashMap<&str, usize> = HashMap::new();
    let mut roles = Vec::new();
    for (i, r) in raw.roles.iter().enumerate() {
        let path = roles_path.index(i);
        if r.name.trim().is_empty() {
            c.err(path.key("name"), "must not be empty");
        } else if let Some(first) = role_names.insert(r.name.as_str(), i) {
            c.err(path.key("name"), format!("role '{}' is already defined at roles[{first}]", r.name));
        }
        if let Some(role) = check_role(&mut c, r, &path, &flow_id) {
            roles.push(role);
        }
    }

    for (i, f) in raw.flows.iter().enumerate() {
        let Some(id) = flow_id(&f.name) else { continue };
        if !roles.is_empty() && !roles.iter().any(|r| r.skills.contains(&id)) {
            c.err(
                flows_path.index(i).key("name"),
                format!("no role lists '{}' in its skills, so its work would never be done", f.name),
            );
        }
    }

    let Some(meta) = meta else { return Err(c.problems) };
    if !c.problems.is_empty() || flows.len() != raw.flows.len() || roles.len() != raw.roles.len() {
        return Err(c.problems);
    }

    let workers = expand_workers(&roles, &flows);
    for (w, worker) in workers.iter().enumerate() {
        for &f in &worker.skills {
            flows[f as usize].eligible.push(w as u32);
        }
    }
    let periods = Periods::new(meta.period, meta.start, meta.horizon_days);
    Ok(Model {
        name: raw.scenario.name.clone(),
        description: raw.scenario.description.clone(),
        start: meta.start,
        warmup_days: meta.warmup_days,
        horizon_days: meta.horizon_days,
        periods,
        flows,
        roles,
        workers,
    })
}

struct Meta {
    start: NaiveDate,
    horizon_days: f64,
    warmup_days: f64,
    period: PeriodKind,
}

fn check_meta(c: &mut Checker, m: &RawMeta, path: &KeyPath) -> Option<Meta> {
    let n = c.problems.len();
    if m.name.trim().is_empty() {
        c.err(path.key("name"), "must not be empty");
    } else if !m.name.chars().all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch)) || m.name.starts_with('.') {
        c.err(
            path.key("name"),
            format!("'{}' must use only letters, digits, '-', '_' and '.', as it names the report folder", m.name),
        );
    }
    let start = c.date(path.key("start"), &m.start);
    let horizon_days = match (m.years, m.days) {
        (Some(_), Some(_)) => {
            c.err(path.key("days"), "give either years or days, not both");
            None
        }
        (None, None) => {
            c.err(path.clone(), "missing the horizon: add `years = 3` or `days = 1000`");
            None
        }
        (Some(y), None) => {
            if !(y.is_finite() && y >= 1.0 && y.fract() == 0.0) {
                c.err(path.key("years"), format!("must be a whole number of years >= 1 (got {y}); use days otherwise"));
                None
            } else {
                start.map(|s| {
                    let end = s + Months::new(12 * y as u32);
                    day_of(s, end)
                })
            }
        }
        (None, Some(d)) => c.positive(path.key("days"), d),
    };
    if let Some(h) = horizon_days {
        if h > MAX_DAYS {
            c.err(path.clone(), format!("the horizon of {h} days is longer than the {MAX_DAYS} days allowed"));
        }
    }
    let warmup_days = c.non_negative(path.key("warmup_days"), m.warmup_days.unwrap_or(0.0));
    let period = match m.period.as_deref() {
        None => Some(PeriodKind::Month),
        Some(s) => {
            let p = PeriodKind::parse(s);
            if p.is_none() {
                c.err(
                    path.key("period"),
                    format!("unknown period '{s}' (expected one of {})", PeriodKind::NAMES.join(", ")),
                );
            }
            p
        }
    };
    if let Some(cal) = m.calendar.as_deref() {
        if cal != "continuous" {
            c.err(path.key("calendar"), format!("unknown calendar '{cal}' (expected continuous)"));
        }
    }
    if c.problems.len() > n {
        return None;
    }
    Some(Meta { start: start?, horizon_days: horizon_days?, warmup_days: warmup_days?, period: period? })
}

fn check_flow(
    c: &mut Checker,
    f: &RawFlow,
    path: &KeyPath,
    meta: Option<&Meta>,
    flow_id: &dyn Fn(&str) -> Option<FlowId>,
) -> Option<Flow> {
    let n = c.problems.len();
    let priority = match f.priority {
        None => Some(1),
        Some(p) if (0..=1_000_000).contains(&p) => Some(p as u32),
        Some(p) => {
            c.err(path.key("priority"), format!("must be a whole number from 0 to 1000000 (got {p})"));
            None
        }
    };
    let order = match f.order.as_deref() {
        None | Some("fifo") => Some(QueueOrder::Fifo),
        Some("deadline") => Some(QueueOrder::Deadline),
        Some(o) => {
            c.err(path.key("order"), format!("unknown order '{o}' (expected fifo or deadline)"));
            None
        }
    };
    let effort = check_dist(c, &f.effort_hours, &path.key("effort_hours"));
    if let Some(d) = &effort {
        if !d.is_positive() {
            c.err(path.key("effort_hours"), "effort must be > 0 hours");
        }
    }
    let duration = match &f.duration_days {
        None => Some(None),
        Some(d) => check_dist(c, d, &path.key("duration_days")).map(Some),
    };
    if let Some(Some(d)) = &duration {
        if !d.is_positive() {
            c.err(path.key("duration_days"), "duration must be > 0 days; leave it out for as fast as hours allow");
        }
    }
    let deadline = match f.deadline_days {
        None => Some(None),
        Some(d) => c.positive(path.key("deadline_days"), d).map(Some),
    };
    let arrivals = match (&f.arrivals, meta) {
        (None, _) => Some(None),
        (Some(a), Some(meta)) => check_arrivals(c, a, &path.key("arrivals"), meta).map(Some),
        (Some(_), None) => None,
    };
    let route_groups = check_routes(c, &f.routes, &path.key("routes"), flow_id);
    if c.problems.len() > n {
        return None;
    }
    Some(Flow {
        name: f.name.clone(),
        priority: priority?,
        order: order?,
        effort_hours: effort?,
        duration_days: duration?,
        deadline_days: deadline?,
        arrivals: arrivals?,
        route_groups: route_groups?,
        eligible: Vec::new(),
    })
}

fn check_arrivals(c: &mut Checker, a: &RawArrivals, path: &KeyPath, meta: &Meta) -> Option<Arrivals> {
    let given: Vec<(&str, f64, f64)> = [
        ("per_day", a.per_day, 1.0),
        ("per_week", a.per_week, 1.0 / 7.0),
        ("per_month", a.per_month, 12.0 / DAYS_PER_YEAR),
        ("per_year", a.per_year, 1.0 / DAYS_PER_YEAR),
    ]
    .into_iter()
    .filter_map(|(k, v, to_day)| v.map(|v| (k, v, to_day)))
    .collect();
    let base = match given.as_slice() {
        [] => {
            c.err(path.clone(), "missing the rate: add one of per_day, per_week, per_month or per_year");
            return None;
        }
        [(k, v, to_day)] => c.non_negative(path.key(k), *v)? * to_day,
        [_, (k, _, _), ..] => {
            c.err(path.key(k), "give one rate only (per_day, per_week, per_month or per_year)");
            return None;
        }
    };
    let mut changes = Vec::new();
    for (i, ch) in a.changes.iter().enumerate() {
        let p = path.key("changes").index(i);
        let date = c.date(p.key("from"), &ch.from);
        let mult = c.non_negative(p.key("multiplier"), ch.multiplier);
        if let (Some(date), Some(mult)) = (date, mult) {
            changes.push((meta.warmup_days + day_of(meta.start, date), mult));
        }
    }
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut segments = vec![Segment { start: 0.0, rate_per_day: base }];
    for (t, mult) in changes {
        let last = segments.last_mut().expect("at least one segment");
        let rate = last.rate_per_day * mult;
        if t <= last.start {
            // A change dated before the simulation starts applies from the start.
            last.rate_per_day = rate;
        } else {
            segments.push(Segment { start: t, rate_per_day: rate });
        }
    }
    Some(Arrivals { segments })
}

fn check_routes(
    c: &mut Checker,
    routes: &[RawRoute],
    path: &KeyPath,
    flow_id: &dyn Fn(&str) -> Option<FlowId>,
) -> Option<Vec<RouteGroup>> {
    let n = c.problems.len();
    let mut groups: Vec<(RouteGroup, Vec<usize>)> = Vec::new();
    for (i, r) in routes.iter().enumerate() {
        let p = path.index(i);
        let to = flow_id(&r.to);
        if to.is_none() {
            c.err(p.key("to"), format!("no flow is called '{}'", r.to));
        }
        let probability = if (0.0..=1.0).contains(&r.probability) {
            Some(r.probability)
        } else {
            c.err(p.key("probability"), format!("must be between 0 and 1 (got {})", r.probability));
            None
        };
        let delay = match &r.delay_days {
            None => Some(None),
            Some(d) => check_dist(c, d, &p.key("delay_days")).map(Some),
        };
        let (Some(to), Some(probability), Some(delay_days)) = (to, probability, delay) else { continue };
        let route = Route { to, probability, delay_days };
        let name = r.group.clone().unwrap_or_else(|| format!("route {i}"));
        match groups.iter_mut().find(|(g, _)| g.name == name) {
            Some((g, members)) => {
                g.routes.push(route);
                members.push(i);
            }
            None => groups.push((RouteGroup { name, routes: vec![route] }, vec![i])),
        }
    }
    for (g, members) in &groups {
        let total: f64 = g.routes.iter().map(|r| r.probability).sum();
        if total > 1.0 + 1e-9 {
            let last = *members.last().expect("group has a member");
            c.err(
                path.index(last).key("probability"),
                format!(
                    "the probabilities of group '{}' add up to {} (more than 1)",
                    g.name,
                    (total * 1e9).round() / 1e9
                ),
            );
        }
    }
    if c.problems.len() > n {
        return None;
    }
    Some(groups.into_iter().map(|(g, _)| g).collect())
}

/// Routes that send work straight back to a flow it came from, with no
/// delay anywhere on the loop, would let one item churn without end.
fn check_instant_cycles(c: &mut Checker, raw: &RawScenario, path: &KeyPath, flow_id: &dyn Fn(&str) -> Option<FlowId>) {
    let n = raw.flows.len();
    // Edges (to, route index) per flow, only for routes with no delay.
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, f) in raw.flows.iter().enumerate() {
        for (j, r) in f.routes.iter().enumerate() {
            let instant = match &r.delay_days {
                None => true,
                Some(d) => d.dist == "fixed" && d.value.unwrap_or(0.0) == 0.0,
            };
            if let (true, Some(to)) = (instant, flow_id(&r.to)) {
                if r.probability > 0.0 {
                    edges[i].push((to as usize, j));
                }
            }
        }
    }
    let mut state = vec![0u8; n];
    for f in 0..n {
        if state[f] != 0 {
            continue;
        }
        if let Some(cycle) = find_cycle(&edges, f, &mut state, &mut Vec::new()) {
            let mut names: Vec<&str> = cycle.iter().map(|&(f, _)| raw.flows[f].name.as_str()).collect();
            names.push(names[0]);
            let &(f, route) = cycle.last().expect("a cycle has an edge");
            c.err(
                path.index(f).key("routes").index(route),
                format!(
                    "routes form a loop with no delay ({}); give one route on the loop a delay_days",
                    names.join(" -> ")
                ),
            );
            return;
        }
    }
}

/// Depth-first search for a loop; `state` is 0 for unseen, 1 on the
/// current path, 2 finished. Returns the loop's edges as (flow, route).
fn find_cycle(
    edges: &[Vec<(usize, usize)>],
    f: usize,
    state: &mut [u8],
    path: &mut Vec<(usize, usize)>,
) -> Option<Vec<(usize, usize)>> {
    state[f] = 1;
    for &(to, route) in &edges[f] {
        path.push((f, route));
        if state[to] == 1 {
            let start = path.iter().position(|&(pf, _)| pf == to).expect("flow on the path");
            return Some(path[start..].to_vec());
        }
        if state[to] == 0 {
            if let Some(cycle) = find_cycle(edges, to, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
    }
    state[f] = 2;
    None
}

fn check_role(c: &mut Checker, r: &RawRole, path: &KeyPath, flow_id: &dyn Fn(&str) -> Option<FlowId>) -> Option<Role> {
    let n = c.problems.len();
    let fte = match (r.count, r.fte) {
        (Some(_), Some(_)) => {
            c.err(path.key("fte"), "give either count or fte, not both");
            None
        }
        (None, None) => {
            c.err(path.clone(), "missing the staffing: add `count = 3` (people) or `fte = 2.5`");
            None
        }
        (Some(n), None) => {
            if n.is_finite() && n >= 0.0 && n.fract() == 0.0 {
                Some(n)
            } else {
                c.err(path.key("count"), format!("must be a whole number >= 0 (got {n})"));
                None
            }
        }
        (None, Some(f)) => c.non_negative(path.key("fte"), f),
    };
    let hours = c.positive(path.key("hours_per_week"), r.hours_per_week);
    if let Some(h) = hours {
        if h > 168.0 {
            c.err(path.key("hours_per_week"), format!("must be at most 168, the hours in a week (got {h})"));
        }
    }
    let share = r.casework_share.unwrap_or(1.0);
    if !(share > 0.0 && share <= 1.0) {
        c.err(path.key("casework_share"), format!("must be more than 0 and at most 1 (got {share})"));
    }
    let cap = r.caseload_cap;
    if !(cap.is_finite() && cap >= 1.0 && cap.fract() == 0.0 && cap <= 100_000.0) {
        c.err(path.key("caseload_cap"), format!("must be a whole number >= 1 (got {cap})"));
    }
    let mut skills = Vec::new();
    if r.skills.is_empty() {
        c.err(path.key("skills"), "must list at least one flow");
    }
    for (j, s) in r.skills.iter().enumerate() {
        match flow_id(s) {
            None => c.err(path.key("skills").index(j), format!("no flow is called '{s}'")),
            Some(id) if skills.contains(&id) => c.err(path.key("skills").index(j), format!("'{s}' is listed twice")),
            Some(id) => skills.push(id),
        }
    }
    if c.problems.len() > n {
        return None;
    }
    Some(Role {
        name: r.name.clone(),
        fte: fte?,
        hours_per_week: hours?,
        casework_share: share,
        caseload_cap: cap as u32,
        skills,
    })
}

fn check_dist(c: &mut Checker, d: &RawDist, path: &KeyPath) -> Option<Dist> {
    const KINDS: &str = "fixed, exponential, lognormal, gamma, uniform, triangular";
    let params: [(&'static str, Option<f64>); 8] = [
        ("value", d.value),
        ("mean", d.mean),
        ("median", d.median),
        ("p90", d.p90),
        ("cv", d.cv),
        ("min", d.min),
        ("mode", d.mode),
        ("max", d.max),
    ];
    let wanted: &[&'static str] = match d.dist.as_str() {
        "fixed" => &["value"],
        "exponential" => &["mean"],
        "lognormal" => &["median", "p90"],
        "gamma" => &["mean", "cv"],
        "uniform" => &["min", "max"],
        "triangular" => &["min", "mode", "max"],
        other => {
            c.err(path.key("dist"), format!("unknown distribution '{other}' (expected one of {KINDS})"));
            return None;
        }
    };
    let n = c.problems.len();
    for (name, v) in params {
        let wanted_here = wanted.contains(&name);
        if v.is_some() && !wanted_here {
            c.err(path.key(name), format!("{} takes {}, not {name}", d.dist, wanted.join(" and ")));
        }
        if v.is_none() && wanted_here {
            c.err(path.clone(), format!("{} needs {name}", d.dist));
        }
    }
    if c.problems.len() > n {
        return None;
    }
    let get = |name: &str| params.iter().find(|(k, _)| *k == name).and_then(|(_, v)| *v).unwrap_or(f64::NAN);
    let built = match d.dist.as_str() {
        "fixed" => Dist::fixed(get("value")),
        "exponential" => Dist::exponential(get("mean")),
        "lognormal" => Dist::lognormal(get("median"), get("p90")),
        "gamma" => Dist::gamma(get("mean"), get("cv")),
        "uniform" => Dist::uniform(get("min"), get("max")),
        _ => Dist::triangular(get("min"), get("mode"), get("max")),
    };
    match built {
        Ok(dist) => Some(dist),
        Err(e) => {
            c.err(path.key(e.param), e.rule);
            None
        }
    }
}

/// One worker per whole FTE, and one part-time worker for any fraction,
/// whose hours and caseload cap are scaled down to match.
fn expand_workers(roles: &[Role], flows: &[Flow]) -> Vec<Worker> {
    let mut workers = Vec::new();
    for (r, role) in roles.iter().enumerate() {
        let mut skills = role.skills.clone();
        skills.sort_by_key(|&f| (flows[f as usize].priority, f));
        let whole = role.fte.floor() as usize;
        let fraction = role.fte - whole as f64;
        let hours_per_day = role.hours_per_week * role.casework_share / 7.0;
        let mut push = |share: f64| {
            workers.push(Worker {
                role: r as u16,
                hours_per_day: hours_per_day * share,
                caseload_cap: ((role.caseload_cap as f64 * share).round() as u32).max(1),
                skills: skills.clone(),
            })
        };
        for _ in 0..whole {
            push(1.0);
        }
        if fraction > 1e-9 {
            push(fraction);
        }
    }
    workers
}
