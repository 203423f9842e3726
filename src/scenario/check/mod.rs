//! Turning the file as written into a checked `Model`, collecting every
//! problem (not just the first) with the key path it belongs to.

mod dist;
mod finance;
mod flows;
mod health;
mod legal;
mod observed;
mod requests;
mod stocks;
mod workforce;

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};

use super::locate::{KeyPath, Seg};
use super::raw::{Num, RawMeta, RawScenario};
use crate::model::names;
use crate::model::periods::day_of;
use crate::model::{Calendar, Dist, Draw, FlowId, Model, PeriodKind, Periods};
use crate::units::Days;
use dist::check_dist;
use std::sync::Arc;

/// Longest horizon accepted, in days (about 270 years): beyond this a
/// typo is more likely than a plan. Also the longest span any length of
/// time in a scenario may have.
pub(crate) const MAX_DAYS: f64 = 100_000.0;
/// Longest horizon in whole years.
const MAX_YEARS: f64 = 270.0;
/// Most flows or roles: their ids are 16-bit.
const MAX_IDS: usize = u16::MAX as usize;
/// Longest scenario name: it names the report folder.
const MAX_NAME: usize = 100;
/// Scenario dates are within these years (bank holidays and calendars are
/// worked out for them).
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A number as a message shows it: as written for everyday sizes, in
/// scientific notation for extreme ones (`1e-300`, not 300 zeros).
pub(crate) fn shown(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-6..1e15).contains(&v.abs()) { format!("{v:e}") } else { format!("{v}") }
}

#[derive(Default)]
pub(crate) struct Checker {
    pub problems: Vec<(KeyPath, String)>,
    /// What loads but the user should know (a fit resting on few points).
    pub warnings: Vec<(KeyPath, String)>,
    /// Files read besides the scenario, with their SHA-256.
    pub inputs: Vec<(String, String)>,
    /// When re-checking with one replication's draws: the value of each
    /// uncertain number, by its key path.
    pub draws: HashMap<String, f64>,
    /// Uncertain numbers met (key path and distribution), on a first check.
    pub uncertain: Vec<(KeyPath, Dist)>,
    /// Demand fitted to history files, by key path: fitted once, reused
    /// when re-checking with draws.
    pub fitted: HashMap<String, flows::Shape>,
}

impl Checker {
    pub fn err(&mut self, path: KeyPath, message: impl Into<String>) {
        self.problems.push((path, message.into()));
    }

    pub fn warn(&mut self, path: KeyPath, message: impl Into<String>) {
        self.warnings.push((path, message.into()));
    }

    pub fn count(&self) -> usize {
        self.problems.len()
    }

    pub fn positive(&mut self, path: KeyPath, v: f64) -> Option<f64> {
        if v.is_finite() && v > 0.0 {
            Some(v)
        } else {
            self.err(path, format!("must be > 0 (got {})", shown(v)));
            None
        }
    }

    /// A number that may be uncertain, every value of which (the whole
    /// range of its distribution) must lie in `lo..=hi`. Its value is the
    /// distribution's mean, or this replication's draw when re-checking.
    pub fn num(&mut self, path: KeyPath, v: &Num, lo: f64, hi: f64) -> Option<f64> {
        let (value, least, most) = match v {
            Num::Value(x) => (*x, *x, *x),
            Num::Dist(d) => {
                let dist = check_dist(self, d, &path)?;
                let key = path.to_string();
                let value = match self.draws.get(&key) {
                    Some(&x) => x,
                    None => {
                        self.uncertain.push((path.clone(), dist.clone()));
                        dist.mean()
                    }
                };
                (value, dist.min(), dist.max())
            }
        };
        if value.is_finite() && least >= lo && most <= hi {
            return Some(value);
        }
        let rule = match (lo, hi) {
            (0.0, 1.0) => "must be between 0 and 1".to_string(),
            (lo, f64::INFINITY) => format!("must be >= {lo}"),
            (lo, hi) => format!("must be between {lo} and {hi}"),
        };
        let got = if least == most {
            format!("got {value}")
        } else {
            format!("its distribution runs from {least} to {most}")
        };
        self.err(path, format!("{rule} ({got})"));
        None
    }

    /// The largest value an uncertain number can take.
    pub fn most(&self, v: &Num) -> f64 {
        match v {
            Num::Value(x) => *x,
            Num::Dist(d) => {
                let mut scratch = Checker::default();
                check_dist(&mut scratch, d, &KeyPath::root()).map_or(f64::NAN, |d| d.max())
            }
        }
    }

    pub fn non_negative(&mut self, path: KeyPath, v: f64) -> Option<f64> {
        if v.is_finite() && v >= 0.0 {
            Some(v)
        } else {
            self.err(path, format!("must be >= 0 (got {})", shown(v)));
            None
        }
    }

    /// A share: 0 to 1 inclusive.
    pub fn share(&mut self, path: KeyPath, v: f64) -> Option<f64> {
        if (0.0..=1.0).contains(&v) {
            Some(v)
        } else {
            self.err(path, format!("must be between 0 and 1 (got {})", shown(v)));
            None
        }
    }

    /// A whole number from `min` up.
    pub fn whole(&mut self, path: KeyPath, v: f64, min: f64) -> Option<u32> {
        if v.is_finite() && v >= min && v.fract() == 0.0 && v <= u32::MAX as f64 {
            Some(v as u32)
        } else {
            self.err(path, format!("must be a whole number >= {min} (got {})", shown(v)));
            None
        }
    }

    pub fn date(&mut self, path: KeyPath, v: &toml::Value) -> Option<NaiveDate> {
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

/// What the checks of one part need to know about the rest.
pub(crate) struct Context<'a> {
    pub raw: &'a RawScenario,
    pub meta: Option<&'a Meta>,
    /// The folder of the file a key was written in: other files it names
    /// are found from there.
    pub dir_for: &'a dyn Fn(&KeyPath) -> std::path::PathBuf,
}

impl Context<'_> {
    /// Names resolve to the first definition, so checks can go on after a
    /// duplicate.
    pub fn flow(&self, name: &str) -> Option<FlowId> {
        self.raw.flows.iter().position(|f| f.name == name).map(|i| i as FlowId)
    }

    /// The name of the flow a `flows[i]...` path is in.
    pub fn flow_name(&self, path: &KeyPath) -> String {
        match path.0.get(1) {
            Some(super::locate::Seg::Index(i)) => self.raw.flows.get(*i).map_or(String::new(), |f| f.name.clone()),
            _ => String::new(),
        }
    }

    pub fn stock(&self, name: &str) -> Option<usize> {
        self.raw.stocks.iter().position(|s| s.name == name)
    }

    /// Teams in order of first mention by a role.
    pub fn teams(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for t in self.raw.roles.iter().filter_map(|r| r.team.as_deref()) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    pub fn team(&self, name: &str) -> Option<u16> {
        self.teams().iter().position(|t| *t == name).map(|i| i as u16)
    }

    pub fn latent_pool(&self, name: &str) -> Option<usize> {
        self.raw.latent_pools.iter().position(|p| p.name == name)
    }

    /// Engine time of a calendar date.
    pub fn time_of(&self, date: NaiveDate) -> Option<f64> {
        self.meta.map(|m| m.warmup_days + day_of(m.start, date))
    }
}

/// Report each name used twice in a list of named tables.
fn unique_names<'a>(c: &mut Checker, path: &KeyPath, what: &str, names: impl Iterator<Item = &'a str>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.enumerate() {
        if let Some(problem) = names::problem(name) {
            c.err(path.index(i).key("name"), problem);
        } else if let Some(first) = seen.insert(name, i) {
            c.err(path.index(i).key("name"), format!("{what} '{name}' is already defined at {path}[{first}]"));
        }
    }
}

/// Check a scenario into a model. Numbers given as distributions take
/// their mean here; the model carries them so each replication can draw
/// its own (see [`Uncertain`]).
pub(crate) fn check(
    raw: RawScenario,
    dir_for: &dyn Fn(&KeyPath) -> std::path::PathBuf,
) -> Result<Model, Vec<(KeyPath, String)>> {
    let mut c = Checker::default();
    let mut model = check_with(&mut c, &raw, dir_for)?;
    if !c.uncertain.is_empty() {
        let params = c.uncertain.into_iter().map(|(path, dist)| (path.clone(), name_of(&raw, &path), dist)).collect();
        model.uncertain = Some(Arc::new(Uncertain { raw, fitted: c.fitted, params }));
    }
    Ok(model)
}

/// The scenario as written, with the numbers it gives as distributions:
/// drawing re-checks it with one value for each. History files were fitted
/// once, on the first check, so drawing reads no files.
#[derive(Debug)]
struct Uncertain {
    raw: RawScenario,
    fitted: HashMap<String, flows::Shape>,
    /// Key path, name as `--set` gives it, distribution.
    params: Vec<(KeyPath, String, Dist)>,
}

impl Draw for Uncertain {
    fn draw(&self, sample: &mut dyn FnMut(&str, &Dist) -> f64) -> Model {
        let draws = self.params.iter().map(|(path, name, dist)| (path.to_string(), sample(name, dist))).collect();
        let mut c = Checker { draws, fitted: self.fitted.clone(), ..Checker::default() };
        let no_files = |_: &KeyPath| std::path::PathBuf::new();
        match check_with(&mut c, &self.raw, &no_files) {
            Ok(model) => model,
            // Every draw lies in its distribution's range, which the first
            // check accepted whole, so a drawn model cannot fail its checks.
            Err(problems) => panic!("a drawn scenario failed its checks: {problems:?}"),
        }
    }

    fn params(&self) -> Vec<(String, Dist)> {
        let mut out: Vec<(String, Dist)> = Vec::new();
        for (_, name, dist) in &self.params {
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.clone(), dist.clone()));
            }
        }
        out
    }
}

/// An entry's name without its area's prefix, in a scenario of areas: the
/// ruling's effect, say, is one uncertain number for the whole region,
/// not one per council.
fn area_common<'a>(raw: &RawScenario, name: &'a str) -> &'a str {
    let areas = raw.scenario.areas.iter().flatten();
    areas.filter_map(|a| name.strip_prefix(a.name.as_str())?.strip_prefix('_')).next().unwrap_or(name)
}

/// A key path as `--set` names it (lists of named tables by name:
/// `flows.contact.arrivals.per_year`); in a scenario of areas, without
/// the area's prefix, as draws are shared by that name.
fn name_of(raw: &RawScenario, path: &KeyPath) -> String {
    let mut out = String::new();
    let mut list: Option<&str> = None;
    for seg in &path.0 {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
                list = (out == *k).then_some(k.as_str());
            }
            Seg::Index(i) => {
                let name = match list {
                    Some("flows") => raw.flows.get(*i).map(|f| f.name.as_str()),
                    Some("roles") => raw.roles.get(*i).map(|r| r.name.as_str()),
                    Some("stocks") => raw.stocks.get(*i).map(|s| s.name.as_str()),
                    Some("latent_pools") => raw.latent_pools.get(*i).map(|p| p.name.as_str()),
                    Some("requests") => raw.requests.get(*i).map(|r| r.name.as_str()),
                    Some("legal_changes") => raw.legal_changes.get(*i).map(|l| l.name.as_str()),
                    _ => None,
                };
                match name {
                    Some(n) => {
                        out.push('.');
                        out.push_str(area_common(raw, n));
                    }
                    None => out.push_str(&format!("[{i}]")),
                }
                list = None;
            }
        }
    }
    out
}

fn check_with(
    c: &mut Checker,
    raw: &RawScenario,
    dir_for: &dyn Fn(&KeyPath) -> std::path::PathBuf,
) -> Result<Model, Vec<(KeyPath, String)>> {
    let root = KeyPath::root();
    let meta = check_meta(c, &raw.scenario, &root.key("scenario"));
    let cx = Context { raw, meta: meta.as_ref(), dir_for };
    if !check_counts(c, raw, &root) {
        return Err(std::mem::take(&mut c.problems));
    }
    let Some(parts) = check_parts(c, &cx, &root) else {
        return Err(std::mem::take(&mut c.problems));
    };
    if !c.problems.is_empty() {
        return Err(std::mem::take(&mut c.problems));
    }
    complete(c, &cx, parts)
}

/// Flows and roles, at least one of each, and no kind of entry beyond
/// what the engine can number; `false` when there are too many to check.
fn check_counts(c: &mut Checker, raw: &RawScenario, root: &KeyPath) -> bool {
    if raw.flows.is_empty() {
        c.err(root.key("flows"), "the scenario has no flows; add at least one [[flows]] table");
    }
    if raw.roles.is_empty() {
        c.err(root.key("roles"), "the scenario has no roles; add at least one [[roles]] table");
    }
    for (key, n) in
        [("flows", raw.flows.len()), ("roles", raw.roles.len()), ("stocks", raw.stocks.len())].into_iter().chain([
            ("latent_pools", raw.latent_pools.len()),
            ("shocks", raw.shocks.len()),
            ("requests", raw.requests.len()),
        ])
    {
        if n > MAX_IDS {
            c.err(root.key(key), format!("has {n} entries; at most {MAX_IDS} are allowed"));
            return false;
        }
    }
    true
}

/// The entries of a scenario, each checked, once all of them passed.
struct Parts {
    meta: Meta,
    flows: Vec<crate::model::Flow>,
    roles: Vec<crate::model::Role>,
    absence: Option<crate::model::Absence>,
    stocks: Vec<crate::model::Stock>,
    pools: Vec<crate::model::LatentPool>,
    shocks: Vec<crate::model::Shock>,
    requests: Vec<crate::model::Request>,
    legal_changes: Vec<crate::model::LegalChange>,
}

/// Every entry checked, each problem collected; `None` when any has one.
fn check_parts(c: &mut Checker, cx: &Context, root: &KeyPath) -> Option<Parts> {
    let raw = cx.raw;
    unique_names(c, &root.key("flows"), "flow", raw.flows.iter().map(|f| f.name.as_str()));
    unique_names(c, &root.key("roles"), "role", raw.roles.iter().map(|r| r.name.as_str()));
    unique_names(c, &root.key("stocks"), "stock", raw.stocks.iter().map(|s| s.name.as_str()));
    unique_names(c, &root.key("latent_pools"), "latent pool", raw.latent_pools.iter().map(|p| p.name.as_str()));
    unique_names(c, &root.key("shocks"), "shock", raw.shocks.iter().map(|s| s.name.as_str()));

    let mut flows = flows::check_flows(c, cx, &root.key("flows"));
    flows::check_instant_cycles(c, cx, &root.key("flows"));
    let roles = workforce::check_roles(c, cx, &root.key("roles"));
    let absence = workforce::check_absence(c, raw.absence.as_ref(), &root.key("absence"));
    let stocks = stocks::check_stocks(c, cx, &root.key("stocks"));
    let pools = stocks::check_pools(c, cx, &root.key("latent_pools"));
    let shocks = stocks::check_shocks(c, cx, &root.key("shocks"));
    unique_names(c, &root.key("requests"), "request", raw.requests.iter().map(|r| r.name.as_str()));
    let requests = flows.as_mut().and_then(|f| requests::check_requests(c, cx, &root.key("requests"), f));
    unique_names(c, &root.key("legal_changes"), "legal change", raw.legal_changes.iter().map(|l| l.name.as_str()));
    let legal_changes = match (flows.as_mut(), &requests, cx.meta) {
        (Some(f), Some(r), Some(meta)) => legal::check_legal_changes(c, cx, &root.key("legal_changes"), meta, f, r),
        _ => None,
    };
    if let Some(roles) = &roles {
        check_work_is_done(c, cx, roles, root);
    }
    Some(Parts {
        meta: cx.meta.cloned()?,
        flows: flows?,
        roles: roles?,
        absence: absence?,
        stocks: stocks?,
        pools: pools?,
        shocks: shocks?,
        requests: requests?,
        legal_changes: legal_changes?,
    })
}

/// Every flow needs a role, in its team if it has one, with staff at
/// some time, or its work would never be done.
fn check_work_is_done(c: &mut Checker, cx: &Context, roles: &[crate::model::Role], root: &KeyPath) {
    for (i, f) in cx.raw.flows.iter().enumerate() {
        let Some(id) = cx.flow(&f.name) else { continue };
        let team = f.team.as_deref().and_then(|t| cx.team(t));
        let skilled: Vec<&crate::model::Role> =
            roles.iter().filter(|r| r.skills.contains(&id) && (team.is_none() || r.team == team)).collect();
        if skilled.is_empty() && team.is_some() {
            c.err(
                root.key("flows").index(i).key("team"),
                format!(
                    "no role in team '{}' lists '{}' in its skills, so its work would never be done",
                    f.team.as_deref().unwrap_or(""),
                    f.name
                ),
            );
        } else if skilled.is_empty() {
            c.err(
                root.key("flows").index(i).key("name"),
                format!("no role lists '{}' in its skills, so its work would never be done", f.name),
            );
        } else if skilled.iter().all(|r| !r.is_bought_in() && r.max_fte() == 0.0) {
            let names: Vec<&str> = skilled.iter().map(|r| r.name.as_str()).collect();
            c.err(
                root.key("flows").index(i).key("name"),
                format!(
                    "every role that does '{}' ({}) has no staff (fte = 0) at any time, so its work would never be done",
                    f.name,
                    names.join(", ")
                ),
            );
        }
    }
}

/// The checks that need every entry checked first (money, supervision,
/// the health check, observed figures), then the model.
fn complete(c: &mut Checker, cx: &Context, parts: Parts) -> Result<Model, Vec<(KeyPath, String)>> {
    let (raw, root) = (cx.raw, KeyPath::root());
    let Parts { meta, flows, roles, absence, stocks, pools, shocks, requests, legal_changes } = parts;
    let periods = Periods::new(meta.period, meta.start, Days(meta.horizon_days));
    let years = crate::model::finance::years(&periods, Days(meta.horizon_days));
    let inflation = finance::check_inflation(c, raw.inflation.as_ref(), &root.key("inflation"), &years);
    let budget = finance::check_budget(c, raw.budget.as_ref(), &root.key("budget"), &years);
    let supervision = health::check_supervision(c, raw.supervision.as_ref(), &root.key("supervision"));
    let health = health::check_health(c, cx, &roles, raw.health_check.as_ref(), &root.key("health_check"));
    let (Some(inflation), Some(budget), Some(supervision), Some(health)) = (inflation, budget, supervision, health)
    else {
        return Err(std::mem::take(&mut c.problems));
    };
    let names = observed::Names { flows: &flows, requests: &requests, roles: &roles, periods: &periods, years: &years };
    let observed = observed::check_observed(c, &raw.observed, &root.key("observed"), &names);
    let unknowns = observed::check_unknowns(c, &raw.calibrate, &root.key("calibrate"));
    let assumptions = raw.assumptions.iter().map(|a| (a.key.clone(), a.source.clone())).collect();
    if !c.problems.is_empty() {
        return Err(std::mem::take(&mut c.problems));
    }
    let teams = cx
        .teams()
        .into_iter()
        .map(|t| crate::model::health::Team { name: t.to_string(), label: crate::model::workforce::label_of(t) })
        .collect();
    let (posts, flows) = workforce::expand_posts(&roles, flows);
    let end = meta.warmup_days + meta.horizon_days;
    let calendar = match meta.calendar {
        None => Calendar::continuous(),
        Some(bank_holidays) => Calendar::working_week(bank_holidays, meta.start, meta.warmup_days, end),
    };
    let areas = areas_of(raw, &flows, &requests);
    Ok(Model {
        areas,
        name: raw.scenario.name.clone(),
        description: raw.scenario.description.clone(),
        start: meta.start,
        warmup_days: meta.warmup_days,
        horizon_days: meta.horizon_days,
        periods,
        years,
        inflation,
        budget,
        calendar,
        flows,
        roles,
        posts,
        absence,
        stocks,
        latent_pools: pools,
        requests,
        legal_changes,
        shocks,
        teams,
        supervision,
        health,
        inputs: std::mem::take(&mut c.inputs),
        warnings: std::mem::take(&mut c.warnings)
            .into_iter()
            .map(|(path, message)| format!("{path}: {message}"))
            .collect(),
        uncertain: None,
        observed,
        unknowns,
        assumptions,
    })
}

/// The areas of a scenario of areas, each with its flows and requests
/// (named `<area>_...`).
fn areas_of(
    raw: &RawScenario,
    flows: &[crate::model::Flow],
    requests: &[crate::model::Request],
) -> Vec<crate::model::Area> {
    let mine = |area: &str, name: &str| name.strip_prefix(area).is_some_and(|rest| rest.starts_with('_'));
    raw.scenario
        .areas
        .iter()
        .flatten()
        .map(|a| crate::model::Area {
            name: a.name.clone(),
            label: a.label.clone(),
            flows: (0..flows.len()).filter(|&f| mine(&a.name, &flows[f].name)).map(|f| f as FlowId).collect(),
            requests: (0..requests.len()).filter(|&r| mine(&a.name, &requests[r].name)).collect(),
        })
        .collect()
}

#[derive(Clone)]
pub(crate) struct Meta {
    pub start: NaiveDate,
    pub horizon_days: f64,
    pub warmup_days: f64,
    pub period: PeriodKind,
    /// `None` for continuous, else whether bank holidays are kept.
    pub calendar: Option<bool>,
}

fn check_meta(c: &mut Checker, m: &RawMeta, path: &KeyPath) -> Option<Meta> {
    let n = c.count();
    check_scenario_name(c, &m.name, path);
    let start = c.date(path.key("start"), &m.start).filter(|d| {
        let ok = YEARS.contains(&d.year());
        if !ok {
            c.err(
                path.key("start"),
                format!("must be between {}-01-01 and {}-12-31 (got {d})", YEARS.start(), YEARS.end()),
            );
        }
        ok
    });
    let horizon_days = check_horizon(c, m, path, start);
    let warmup_days = c.non_negative(path.key("warmup_days"), m.warmup_days.unwrap_or(0.0));
    if warmup_days.is_some_and(|w| w > MAX_DAYS) {
        c.err(path.key("warmup_days"), format!("must be at most {MAX_DAYS} days"));
    }
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
    let calendar = match m.calendar.as_deref() {
        None | Some("continuous") => {
            // A seven-day week keeps no bank holidays; saying so is fine,
            // so a file with them can be run seven days a week with
            // `--set scenario.calendar=continuous --set scenario.bank_holidays=false`.
            if m.bank_holidays == Some(true) {
                c.err(path.key("bank_holidays"), "bank holidays need calendar = \"working_week\"");
            }
            Some(None)
        }
        Some("working_week") => Some(Some(m.bank_holidays.unwrap_or(true))),
        Some(other) => {
            c.err(path.key("calendar"), format!("unknown calendar '{other}' (expected continuous or working_week)"));
            None
        }
    };
    if c.count() > n {
        return None;
    }
    Some(Meta {
        start: start?,
        horizon_days: horizon_days?,
        warmup_days: warmup_days?,
        period: period?,
        calendar: calendar?,
    })
}

/// A scenario's name names its report folder, so it must make a safe one.
fn check_scenario_name(c: &mut Checker, name: &str, path: &KeyPath) {
    if name.trim().is_empty() {
        c.err(path.key("name"), "must not be empty");
    } else if !name.chars().all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch)) {
        c.err(
            path.key("name"),
            format!(
                "'{}' must use only letters, digits, '-', '_' and '.', as it names the report folder",
                names::visible(name)
            ),
        );
    } else if !name.starts_with(|ch: char| ch.is_ascii_alphanumeric()) {
        c.err(
            path.key("name"),
            format!(
                "'{}' must start with a letter or digit (not '{}'), as it names the report folder",
                name,
                name.chars().next().unwrap_or(' ')
            ),
        );
    } else if name.len() > MAX_NAME {
        c.err(
            path.key("name"),
            format!("is {} characters long; at most {MAX_NAME} are allowed, as it names the report folder", name.len()),
        );
    }
}

/// The horizon in days, from `years` (whole calendar years from the
/// start) or `days`, one of them.
fn check_horizon(c: &mut Checker, m: &RawMeta, path: &KeyPath, start: Option<NaiveDate>) -> Option<f64> {
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
                c.err(
                    path.key("years"),
                    format!("must be a whole number of years >= 1 (got {}); use days otherwise", shown(y)),
                );
                None
            } else if y > MAX_YEARS {
                c.err(path.key("years"), format!("must be at most {MAX_YEARS} years (got {})", shown(y)));
                None
            } else {
                start.map(|s| day_of(s, s + Months::new(12 * y as u32)))
            }
        }
        (None, Some(d)) => c.positive(path.key("days"), d),
    };
    if let Some(h) = horizon_days {
        if h > MAX_DAYS {
            c.err(path.clone(), format!("the horizon of {h} days is longer than the {MAX_DAYS} days allowed"));
        }
    }
    horizon_days
}
