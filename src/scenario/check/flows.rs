//! Checks of `[[flows]]`: effort, deadlines, demand, routes, initial work.

use chrono::{Datelike, Months, NaiveDate, TimeDelta};

use super::dist::check_dist;
use super::{Checker, Context, Meta};
use crate::model::periods::day_of;
use crate::model::{Arrivals, Flow, Initial, QueueOrder, Route, RouteGroup, Segment, WorkKind};
use crate::scenario::locate::KeyPath;
use crate::scenario::raw::{Num, RawArrivals, RawFlow, RawInitial, RawRoute};
use crate::units::{DAYS_PER_WEEK, DAYS_PER_YEAR};

/// Largest over-dispersion accepted: the variance of the monthly gamma
/// multiplier (mean 1).
const MAX_DISPERSION: f64 = 10.0;

/// All flows, or `None` if any has a problem.
pub(super) fn check_flows(c: &mut Checker, cx: &Context, path: &KeyPath) -> Option<Vec<Flow>> {
    let n = c.count();
    let flows: Vec<Option<Flow>> =
        cx.raw.flows.iter().enumerate().map(|(i, f)| check_flow(c, cx, f, &path.index(i))).collect();
    if c.count() > n {
        return None;
    }
    flows.into_iter().collect()
}

fn check_flow(c: &mut Checker, cx: &Context, f: &RawFlow, path: &KeyPath) -> Option<Flow> {
    let n = c.count();
    let (priority, order) = check_queue(c, f, path);
    let effort = check_dist(c, &f.effort_hours, &path.key("effort_hours"));
    if effort.as_ref().is_some_and(|d| !d.is_positive()) {
        c.err(path.key("effort_hours"), "effort must be > 0 hours");
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
    let kind = check_kind(c, f, path);
    let deprivation = check_deprivation(c, f, path);
    let stock = f.stock.as_ref().map_or(Some(None), |name| check_stock(c, cx, name, path).map(Some));
    let diverted_share = match &f.diverted_share {
        None => Some(0.0),
        Some(v) => c.num(path.key("diverted_share"), v, 0.0, 1.0),
    };
    let batch_days = match f.batch_days {
        None => Some(None),
        Some(d) => c.positive(path.key("batch_days"), d).map(Some),
    };
    let triage = f.triage.as_ref().map_or(Some(Vec::new()), |shares| check_triage(c, shares, &path.key("triage")));
    let arrivals = match (&f.arrivals, cx.meta) {
        (None, _) => Some(None),
        (Some(a), Some(meta)) => check_arrivals(c, cx, a, &path.key("arrivals"), meta).map(Some),
        (Some(_), None) => None,
    };
    let route_groups = check_routes(c, cx, &f.routes, &path.key("routes"));
    let initial = match &f.initial {
        None => Some(Initial::default()),
        Some(i) => check_initial(c, i, &path.key("initial")),
    };
    let keep = match &f.keep_allocated {
        None => Some(None),
        Some(k) => super::health::check_keep(c, cx, k, &path.key("keep_allocated")).map(Some),
    };
    check_people(c, f, kind, initial.as_ref(), path);
    let team = f.team.as_ref().map_or(Some(None), |t| check_team(c, cx, t, path).map(Some));
    if c.count() > n {
        return None;
    }
    Some(Flow {
        name: f.name.clone(),
        label: f.label.clone().unwrap_or_else(|| crate::model::workforce::label_of(&f.name)),
        priority: priority?,
        order: order?,
        effort_hours: effort?,
        duration_days: duration?,
        deadline_days: deadline?,
        kind: kind?,
        deprivation: deprivation?,
        stock: stock?,
        diverted_share: diverted_share?,
        triage: triage?,
        arrivals: arrivals?,
        route_groups: route_groups?,
        initial: initial?,
        eligible: Vec::new(),
        batch_days: batch_days?,
        stage_of: None,
        people: f.people.unwrap_or(false) || f.keep_allocated.is_some(),
        keep: keep?,
        team: team?,
    })
}

/// The kind of work: care management, or DoLS.
fn check_kind(c: &mut Checker, f: &RawFlow, path: &KeyPath) -> Option<WorkKind> {
    match f.kind.as_deref() {
        None | Some("care_management") => Some(WorkKind::CareManagement),
        Some("dols") => Some(WorkKind::Dols),
        Some(other) => {
            c.err(path.key("kind"), format!("unknown kind of work '{other}' (expected care_management or dols)"));
            None
        }
    }
}

/// The stock a flow's people join, by name.
fn check_stock(c: &mut Checker, cx: &Context, name: &str, path: &KeyPath) -> Option<usize> {
    let s = cx.stock(name);
    if s.is_none() {
        c.err(path.key("stock"), format!("no stock is called '{name}' (add it under [[stocks]])"));
    }
    s
}

/// The team whose roles do a flow, by name.
fn check_team(c: &mut Checker, cx: &Context, t: &str, path: &KeyPath) -> Option<u16> {
    let team = cx.team(t);
    if team.is_none() {
        c.err(path.key("team"), format!("no role is in a team called '{t}' (teams are named by roles' team)"));
    }
    team
}

/// A flow's place in the queue: its priority and the order it is taken in.
fn check_queue(c: &mut Checker, f: &RawFlow, path: &KeyPath) -> (Option<u32>, Option<QueueOrder>) {
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
    (priority, order)
}

/// The extension of a deprivation flow, whose items are unauthorised
/// past their deadline; `Some(None)` for other flows.
fn check_deprivation(c: &mut Checker, f: &RawFlow, path: &KeyPath) -> Option<Option<f64>> {
    match (f.deprivation.unwrap_or(false), f.extension_days) {
        (false, None) => Some(None),
        (false, Some(_)) => {
            c.err(path.key("extension_days"), "an extension only applies to deprivation = true flows");
            None
        }
        (true, ext) => {
            if f.deadline_days.is_none() {
                c.err(path.key("deprivation"), "a deprivation flow needs deadline_days: unauthorised means past it");
            }
            c.non_negative(path.key("extension_days"), ext.unwrap_or(0.0)).map(Some)
        }
    }
}

/// Triage shares, most urgent class first, as cumulative shares.
fn check_triage(c: &mut Checker, shares: &[f64], path: &KeyPath) -> Option<Vec<f64>> {
    let sum: f64 = shares.iter().sum();
    if shares.is_empty() || shares.len() > 8 || shares.iter().any(|s| !(s.is_finite() && *s >= 0.0)) {
        c.err(path.clone(), "needs 1 to 8 shares >= 0, most urgent class first");
        None
    } else if (sum - 1.0).abs() > 1e-6 {
        c.err(path.clone(), format!("the shares must add up to 1 (they add up to {sum})"));
        None
    } else {
        let mut acc = 0.0;
        Some(
            shares
                .iter()
                .map(|s| {
                    acc += s;
                    acc
                })
                .collect(),
        )
    }
}

/// Items kept allocated are people, outside DoLS; people allocated at
/// the start need to be kept so.
fn check_people(c: &mut Checker, f: &RawFlow, kind: Option<WorkKind>, initial: Option<&Initial>, path: &KeyPath) {
    if f.keep_allocated.is_some() {
        if f.people == Some(false) {
            c.err(path.key("people"), "keep_allocated keeps people allocated, so the flow's items are people");
        }
        if kind == Some(WorkKind::Dols) {
            c.err(path.key("keep_allocated"), "DoLS work keeps no one allocated: leave keep_allocated out");
        }
    } else if initial.is_some_and(|i| i.allocated > 0) {
        c.err(
            path.key("initial").key("allocated"),
            "people allocated at the start need keep_allocated, which says for how long",
        );
    }
}

fn check_initial(c: &mut Checker, i: &RawInitial, path: &KeyPath) -> Option<Initial> {
    let n = c.count();
    let waiting = c.whole(path.key("waiting"), i.waiting.unwrap_or(0.0), 0.0);
    let in_service = c.whole(path.key("in_service"), i.in_service.unwrap_or(0.0), 0.0);
    let scheduled = c.whole(path.key("scheduled"), i.scheduled.unwrap_or(0.0), 0.0);
    let allocated = c.whole(path.key("allocated"), i.allocated.unwrap_or(0.0), 0.0);
    let age = match &i.waiting_age_days {
        None => Some(None),
        Some(d) => check_dist(c, d, &path.key("waiting_age_days")).map(Some),
    };
    let over = match (i.scheduled, i.scheduled_over_days) {
        (_, Some(d)) => c.positive(path.key("scheduled_over_days"), d).filter(|&d| {
            if d > super::MAX_DAYS {
                c.err(
                    path.key("scheduled_over_days"),
                    format!("must be at most {} days (got {})", super::MAX_DAYS, super::shown(d)),
                );
            }
            d <= super::MAX_DAYS
        }),
        (Some(s), None) if s > 0.0 => {
            c.err(path.key("scheduled_over_days"), "say over how many days the scheduled items fall due");
            None
        }
        _ => Some(0.0),
    };
    if c.count() > n {
        return None;
    }
    Some(Initial {
        waiting: waiting?,
        waiting_age_days: age?,
        in_service: in_service?,
        scheduled: scheduled?,
        scheduled_over_days: over?,
        allocated: allocated?,
    })
}

/// The demand shape, as written or as fitted to a history file.
#[derive(Clone, Debug)]
pub(crate) struct Shape {
    base: f64,
    trend: f64,
    /// Yearly damping of the trend (1: none).
    damping: f64,
    season: Option<Vec<f64>>,
    dispersion: f64,
    level_cv: f64,
    trend_sd: f64,
}

fn check_arrivals(c: &mut Checker, cx: &Context, a: &RawArrivals, path: &KeyPath, meta: &Meta) -> Option<Arrivals> {
    let n = c.count();
    let shape = match &a.history {
        // Re-checking with one replication's draws reuses the first fit.
        Some(file) => match c.fitted.get(&path.to_string()) {
            Some(shape) => Some(shape.clone()),
            None => {
                let shape = shape_from_history(c, cx, a, file, path, meta);
                if let Some(s) = &shape {
                    c.fitted.insert(path.to_string(), s.clone());
                }
                shape
            }
        },
        None => shape_as_written(c, a, path),
    };
    let time_of = |date: NaiveDate| meta.warmup_days + day_of(meta.start, date);
    let mut changes = Vec::new();
    for (i, ch) in a.changes.iter().enumerate() {
        let p = path.key("changes").index(i);
        let date = c.date(p.key("from"), &ch.from);
        let mult = c.num(p.key("multiplier"), &ch.multiplier, 0.0, f64::INFINITY);
        if let (Some(date), Some(mult)) = (date, mult) {
            changes.push((time_of(date), mult));
        }
    }
    let mut ramps = Vec::new();
    for (i, r) in a.ramps.iter().enumerate() {
        let p = path.key("ramps").index(i);
        let from = c.date(p.key("from"), &r.from);
        let to = c.date(p.key("to"), &r.to);
        let mult = c.num(p.key("multiplier"), &r.multiplier, 0.0, f64::INFINITY);
        if let (Some(from), Some(to), Some(mult)) = (from, to, mult) {
            if to <= from {
                c.err(p.key("to"), format!("must be after from ({from})"));
            } else {
                ramps.push((time_of(from), time_of(to), mult));
            }
        }
    }
    if c.count() > n {
        return None;
    }
    let shape = shape?;
    let dispersion = Some(shape.dispersion).filter(|&d| d > 0.0);
    let monthly = shape.trend != 0.0
        || shape.season.is_some()
        || dispersion.is_some()
        || !ramps.is_empty()
        || shape.trend_sd > 0.0;
    let trend = (shape.trend, shape.damping);
    let segments = segments(shape.base, meta, &changes, &ramps, trend, shape.season.as_deref(), monthly);
    Some(Arrivals { segments, dispersion, level_cv: shape.level_cv, trend_sd: shape.trend_sd })
}

fn shape_as_written(c: &mut Checker, a: &RawArrivals, path: &KeyPath) -> Option<Shape> {
    let n = c.count();
    for (key, given) in [
        ("flow", a.flow.is_some()),
        ("from", a.from.is_some()),
        ("until", a.until.is_some()),
        ("steps", !a.steps.is_empty()),
        ("trend", a.trend.is_some()),
        ("scale", a.scale.is_some()),
    ] {
        if given {
            c.err(path.key(key), format!("{key} goes with history = \"file.csv\""));
        }
    }
    let base = check_rate(c, a, path);
    let trend = match &a.trend_per_year {
        None => 0.0,
        // A growth rate above -1 (a fall of all demand is not a trend).
        Some(v) => c.num(path.key("trend_per_year"), v, -0.999, 100.0).unwrap_or(0.0),
    };
    let damping = a.damping.unwrap_or(1.0);
    if !(damping.is_finite() && damping > 0.0 && damping <= 1.0) {
        c.err(
            path.key("damping"),
            format!(
                "must be above 0 and at most 1: the share of each year's growth kept the next year (got {damping})"
            ),
        );
    }
    let season = a.seasonality.as_ref().and_then(|s| check_seasonality(c, s, &path.key("seasonality")));
    let dispersion = c.non_negative(path.key("dispersion"), a.dispersion.unwrap_or(0.0)).filter(|&d| {
        if d > MAX_DISPERSION {
            c.err(
                path.key("dispersion"),
                format!(
                    "must be at most {MAX_DISPERSION} (got {}): beyond that most months get almost no arrivals and a few get enormous numbers",
                    super::shown(d)
                ),
            );
        }
        d <= MAX_DISPERSION
    });
    let level_cv = c.non_negative(path.key("level_cv"), a.level_cv.unwrap_or(0.0));
    let trend_sd = c.non_negative(path.key("trend_sd"), a.trend_sd.unwrap_or(0.0));
    if c.count() > n {
        return None;
    }
    Some(Shape {
        base: base?,
        trend,
        damping,
        season,
        dispersion: dispersion?,
        level_cv: level_cv?,
        trend_sd: trend_sd?,
    })
}

/// Fit the flow's demand to a history file at the scenario's start date.
fn shape_from_history(
    c: &mut Checker,
    cx: &Context,
    a: &RawArrivals,
    file: &str,
    path: &KeyPath,
    meta: &Meta,
) -> Option<Shape> {
    let n = c.count();
    refuse_fitted_keys(c, a, path);
    let from = a.from.as_ref().and_then(|v| c.date(path.key("from"), v));
    let until = a.until.as_ref().and_then(|v| c.date(path.key("until"), v));
    let steps: Vec<NaiveDate> =
        a.steps.iter().enumerate().filter_map(|(i, v)| c.date(path.key("steps").index(i), v)).collect();
    let trend = a.trend.as_deref().and_then(|s| {
        let form = crate::history::TrendForm::parse(s);
        if form.is_none() {
            let names = crate::history::TrendForm::NAMES.join(", ");
            c.err(path.key("trend"), format!("unknown trend form '{s}' (expected {names})"));
        }
        form.flatten()
    });
    let scale = a.scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale > 0.0) {
        c.err(
            path.key("scale"),
            format!("must be above 0: the share of what the history counts that the scenario models (got {scale})"),
        );
    }
    if c.count() > n {
        return None;
    }
    let (shown, series) = read_activity(c, cx, file, path)?;
    let wanted = a.flow.clone().unwrap_or_else(|| cx.flow_name(path));
    let Some(s) = series.iter().find(|s| s.name == wanted) else {
        let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
        c.err(path.key("flow"), format!("{shown} has no flow '{wanted}' (it has {})", names.join(", ")));
        return None;
    };
    let opts = crate::history::FitOptions { from, until, steps, at: Some(meta.start), trend };
    match crate::history::fit(&wanted, &s.points, &opts) {
        Ok(f) => {
            for w in &f.warnings {
                c.warn(path.key("history"), format!("{shown}: '{wanted}': {w}"));
            }
            Some(Shape {
                base: scale * f.per_year / DAYS_PER_YEAR,
                trend: f.trend_per_year,
                damping: f.damping,
                season: (!f.seasonality.is_empty()).then_some(f.seasonality.clone()),
                dispersion: f.dispersion,
                level_cv: f.level_cv,
                trend_sd: f.trend_sd,
            })
        }
        Err(e) => {
            c.err(path.key("history"), format!("{shown}: {e}"));
            None
        }
    }
}

/// The rate as written, one of per_day, per_week, per_month or per_year, a day.
fn check_rate(c: &mut Checker, a: &RawArrivals, path: &KeyPath) -> Option<f64> {
    let given: Vec<(&str, &Num, f64)> = [
        ("per_day", &a.per_day, 1.0),
        ("per_week", &a.per_week, 1.0 / DAYS_PER_WEEK),
        ("per_month", &a.per_month, 12.0 / DAYS_PER_YEAR),
        ("per_year", &a.per_year, 1.0 / DAYS_PER_YEAR),
    ]
    .into_iter()
    .filter_map(|(k, v, to_day)| v.as_ref().map(|v| (k, v, to_day)))
    .collect();
    match given.as_slice() {
        [] => {
            c.err(
                path.clone(),
                "missing the rate: add one of per_day, per_week, per_month or per_year, or history = \"file.csv\"",
            );
            None
        }
        [(k, v, to_day)] => c.num(path.key(k), v, 0.0, f64::INFINITY).map(|v| v * to_day),
        [_, (k, _, _), ..] => {
            c.err(path.key(k), "give one rate only (per_day, per_week, per_month or per_year)");
            None
        }
    }
}

/// Twelve monthly multipliers, January first, scaled to average 1.
fn check_seasonality(c: &mut Checker, s: &[f64], path: &KeyPath) -> Option<Vec<f64>> {
    if s.len() == 12 && s.iter().all(|v| v.is_finite() && *v >= 0.0) && s.iter().sum::<f64>() > 0.0 {
        let mean = s.iter().sum::<f64>() / 12.0;
        return Some(s.iter().map(|v| v / mean).collect::<Vec<f64>>());
    }
    let why = if s.len() != 12 {
        format!("got {} values", s.len())
    } else if let Some((i, v)) = s.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
        format!("month {} is {v}", i + 1)
    } else {
        "they are all 0".to_string()
    };
    c.err(path.clone(), format!("needs 12 monthly multipliers >= 0, January first, not all 0 ({why})"));
    None
}

/// Keys a fit from history sets, refused beside it.
fn refuse_fitted_keys(c: &mut Checker, a: &RawArrivals, path: &KeyPath) {
    for (key, given) in [
        ("per_day", a.per_day.is_some()),
        ("per_week", a.per_week.is_some()),
        ("per_month", a.per_month.is_some()),
        ("per_year", a.per_year.is_some()),
        ("trend_per_year", a.trend_per_year.is_some()),
        ("damping", a.damping.is_some()),
        ("seasonality", a.seasonality.is_some()),
        ("dispersion", a.dispersion.is_some()),
        ("level_cv", a.level_cv.is_some()),
        ("trend_sd", a.trend_sd.is_some()),
    ] {
        if given {
            c.err(path.key(key), format!("{key} is fitted from the history file; leave it out"));
        }
    }
}

/// An activity history file beside the scenario, read and noted as an
/// input: its name as shown, and its series.
fn read_activity(
    c: &mut Checker,
    cx: &Context,
    file: &str,
    path: &KeyPath,
) -> Option<(String, Vec<crate::history::read::Series>)> {
    let resolved = (cx.dir_for)(&path.key("history")).join(file);
    let bytes = match crate::input::read(&resolved, crate::input::Kind::History) {
        Ok(b) => b,
        Err(e) => {
            c.err(path.key("history"), e.to_string());
            return None;
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let shown = resolved.display().to_string();
    let series = match crate::history::read::parse(&text, &shown) {
        Ok(crate::history::History::Activity(series)) => series,
        Ok(crate::history::History::Staff(_)) => {
            c.err(
                path.key("history"),
                format!("{shown} is staff history (starters, leavers); arrivals need period,flow,count"),
            );
            return None;
        }
        Err(e) => {
            c.err(path.key("history"), e.to_string());
            return None;
        }
    };
    c.inputs.push((shown.clone(), crate::scenario::sha256_hex(&bytes)));
    Some((shown, series))
}

/// Piecewise-constant rates: a new segment at every change date, and at
/// every month start when the rate varies by month. `trend` is the growth
/// over the first year and its yearly damping: the log-rate at `y` years
/// from the start grows by `ln(1 + growth) x damped_years(y, damping)`
/// (before the start, in a warm-up, at the first year's growth: a damped
/// curve run backwards would grow without bound).
fn segments(
    base: f64,
    meta: &Meta,
    changes: &[(f64, f64)],
    ramps: &[(f64, f64, f64)],
    (trend, damping): (f64, f64),
    season: Option<&[f64]>,
    monthly: bool,
) -> Vec<Segment> {
    let end = meta.warmup_days + meta.horizon_days;
    let date_at = |t: f64| meta.start + TimeDelta::days((t - meta.warmup_days).floor() as i64);
    let day0 = date_at(0.0);
    let time_of = |date: NaiveDate| meta.warmup_days + day_of(meta.start, date);
    let mut bounds = vec![0.0];
    bounds.extend(changes.iter().map(|&(t, _)| t).filter(|&t| t > 0.0 && t < end));
    if monthly {
        let mut month = NaiveDate::from_ymd_opt(day0.year(), day0.month(), 1).expect("first of month");
        while time_of(month) < end {
            let t = time_of(month);
            if t > 0.0 {
                bounds.push(t);
            }
            month = month + Months::new(1);
        }
    }
    bounds.sort_by(f64::total_cmp);
    bounds.dedup();
    let mut out = Vec::with_capacity(bounds.len());
    for (i, &start) in bounds.iter().enumerate() {
        let stop = bounds.get(i + 1).copied().unwrap_or(end).max(start);
        let mid = (start + stop) / 2.0;
        let mut rate = base;
        let years = (mid - meta.warmup_days) / DAYS_PER_YEAR;
        let years = if years > 0.0 { crate::history::fit::damped_years(years, damping) } else { years };
        rate *= (1.0 + trend).powf(years);
        if let Some(season) = season {
            rate *= season[date_at(start).month0() as usize];
        }
        for &(t, m) in changes {
            if t <= start {
                rate *= m;
            }
        }
        for &(from, to, m) in ramps {
            rate *= if mid <= from {
                1.0
            } else if mid >= to {
                m
            } else {
                1.0 + (m - 1.0) * (mid - from) / (to - from)
            };
        }
        out.push(Segment { start, rate_per_day: rate });
    }
    out
}

fn check_routes(c: &mut Checker, cx: &Context, routes: &[RawRoute], path: &KeyPath) -> Option<Vec<RouteGroup>> {
    let n = c.count();
    let mut groups: Vec<(RouteGroup, Vec<usize>)> = Vec::new();
    // The most each route's probability can be (its distribution's top).
    let mut most: Vec<f64> = Vec::new();
    for (i, r) in routes.iter().enumerate() {
        let p = path.index(i);
        let to = cx.flow(&r.to);
        if to.is_none() {
            c.err(p.key("to"), format!("no flow is called '{}'", r.to));
        }
        let probability = c.num(p.key("probability"), &r.probability, 0.0, 1.0);
        most.push(c.most(&r.probability));
        let delay = match &r.delay_days {
            None => Some(None),
            Some(d) => check_dist(c, d, &p.key("delay_days")).map(Some),
        };
        let from_pool = match &r.from_latent_pool {
            None => Some(None),
            Some(name) => {
                let pool = cx.latent_pool(name);
                if pool.is_none() {
                    c.err(
                        p.key("from_latent_pool"),
                        format!("no latent pool is called '{name}' (add it under [[latent_pools]])"),
                    );
                }
                pool.map(Some)
            }
        };
        let (Some(to), Some(probability), Some(delay_days), Some(from_pool)) = (to, probability, delay, from_pool)
        else {
            continue;
        };
        let route = Route {
            to,
            probability,
            delay_days,
            keep_deadline: r.keep_deadline.unwrap_or(false),
            from_latent_pool: from_pool,
        };
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
        // With uncertain probabilities, the group must add up to at most 1
        // however they are drawn.
        let total: f64 = members.iter().map(|&i| most[i]).sum();
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
    if c.count() > n {
        return None;
    }
    Some(groups.into_iter().map(|(g, _)| g).collect())
}

/// Routes that send work straight back to a flow it came from, with no
/// delay anywhere on the loop, would let one item churn without end.
pub(super) fn check_instant_cycles(c: &mut Checker, cx: &Context, path: &KeyPath) {
    let flows = &cx.raw.flows;
    let n = flows.len();
    // Edges (to, route index) per flow, only for routes with no delay.
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, f) in flows.iter().enumerate() {
        for (j, r) in f.routes.iter().enumerate() {
            let instant = match &r.delay_days {
                None => true,
                Some(d) => d.dist == "fixed" && d.value.unwrap_or(0.0) == 0.0,
            };
            if let (true, Some(to)) = (instant, cx.flow(&r.to)) {
                if c.most(&r.probability) > 0.0 {
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
            let mut names: Vec<&str> = cycle.iter().map(|&(f, _)| flows[f].name.as_str()).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PeriodKind;

    fn meta() -> Meta {
        Meta {
            start: "2015-04-01".parse().unwrap(),
            horizon_days: 366.0,
            warmup_days: 0.0,
            period: PeriodKind::Month,
            calendar: None,
        }
    }

    #[test]
    fn seasonality_follows_calendar_months() {
        let mut season = [1.0; 12];
        season[3] = 2.0; // April
        let mean = season.iter().sum::<f64>() / 12.0;
        let season: Vec<f64> = season.iter().map(|v| v / mean).collect();
        let s = segments(1.0, &meta(), &[], &[], (0.0, 1.0), Some(&season), true);
        assert_eq!(s.len(), 12);
        assert_eq!(s[0].start, 0.0);
        assert!((s[0].rate_per_day - 2.0 / mean).abs() < 1e-12, "April");
        assert_eq!(s[1].start, 30.0, "May starts on day 30");
        assert!((s[1].rate_per_day - 1.0 / mean).abs() < 1e-12);
    }

    #[test]
    fn trend_compounds_and_steps_multiply() {
        let changes = [(100.0, 1.7)];
        let s = segments(2.0, &meta(), &changes, &[], (0.10, 1.0), None, true);
        let before = s.iter().rev().find(|x| x.start < 100.0).unwrap();
        let after = s.iter().find(|x| x.start >= 100.0).unwrap();
        assert_eq!(after.start, 100.0);
        assert!(after.rate_per_day / before.rate_per_day > 1.69, "the step applies");
        let last = s.last().unwrap();
        // The last month's midpoint is about 0.96 years in.
        assert!((last.rate_per_day / (2.0 * 1.7) - 1.1f64.powf(0.958)).abs() < 0.01);
    }

    #[test]
    fn a_damped_trend_levels_off_at_its_ceiling() {
        // Growth of 100% in the first year, each year's growth (in logs)
        // half the year before's: the rate approaches 2^(1 / (1 - 0.5)) = 4.
        let ten = Meta { horizon_days: 3652.0, ..meta() };
        let s = segments(1.0, &ten, &[], &[], (1.0, 0.5), None, true);
        let at = |years: f64| s.iter().rev().find(|x| x.start <= years * DAYS_PER_YEAR).unwrap().rate_per_day;
        // April 2016, the thirteenth month: 2^D(its midpoint in years).
        let mid = (s[12].start + s[13].start) / 2.0 / DAYS_PER_YEAR;
        let want = 2f64.powf(crate::history::fit::damped_years(mid, 0.5));
        assert!((s[12].rate_per_day / want - 1.0).abs() < 1e-9, "{} vs {want}", s[12].rate_per_day);
        assert!(at(2.0) < 4.0 && at(9.9) > 3.99 && at(9.9) < 4.0, "{} {}", at(2.0), at(9.9));
        // Undamped, the same growth doubles every year.
        let s = segments(1.0, &ten, &[], &[], (1.0, 1.0), None, true);
        assert!(s.last().unwrap().rate_per_day > 500.0);
    }
}
