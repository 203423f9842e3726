//! Checks of `[[roles]]` and `[absence]`, and posts from roles.

use super::dist::check_dist;
use super::{Checker, Context, shown};
use crate::model::workforce::{BudgetPeriod, PlanChange, PlanStep, label_of, post_fte};
use crate::model::{Absence, Agency, Asye, Dist, DolsPolicy, Flow, Overtime, PostSpec, Ramp, Role, RoleKind, WorkKind};
use crate::scenario::locate::KeyPath;
use crate::scenario::raw::{RawAbsence, RawAgency, RawAsye, RawOvertime, RawPlanStep, RawRole};
use crate::units::DAYS_PER_WEEK;

/// Caseload cap of bought-in capacity: in effect none; the weekly cap binds.
const UNCAPPED: u32 = 1_000_000;
/// Most FTE a role may have: far beyond any council, and each post is
/// simulated.
const MAX_FTE: f64 = 100_000.0;
/// Most a salary (a year per FTE) or a fee may be, in pounds.
const MAX_PAY: f64 = 10_000_000.0;
/// Shortest spell of absence, in working days.
const MIN_SPELL: f64 = 0.5;

/// An FTE from 0 to `MAX_FTE`.
fn fte_value(c: &mut Checker, path: KeyPath, v: f64) -> Option<f64> {
    let v = c.non_negative(path.clone(), v)?;
    if v > MAX_FTE {
        c.err(path, format!("must be at most {MAX_FTE} (got {}): every post is simulated", shown(v)));
        return None;
    }
    Some(v)
}

/// Money from 0 to `max` pounds.
fn money(c: &mut Checker, path: KeyPath, v: f64, max: f64) -> Option<f64> {
    let v = c.non_negative(path.clone(), v)?;
    if v > max {
        c.err(path, format!("must be at most {max} (got {})", shown(v)));
        return None;
    }
    Some(v)
}

/// All roles, or `None` if any has a problem.
pub(super) fn check_roles(c: &mut Checker, cx: &Context, path: &KeyPath) -> Option<Vec<Role>> {
    let n = c.count();
    let roles: Vec<Option<Role>> =
        cx.raw.roles.iter().enumerate().map(|(i, r)| check_role(c, cx, r, &path.index(i))).collect();
    if c.count() > n {
        return None;
    }
    roles.into_iter().collect()
}

/// Keys that only one kind of role takes, to refuse on the other.
fn refuse(c: &mut Checker, path: &KeyPath, kind: &str, keys: &[(&str, bool)]) {
    for (key, given) in keys {
        if *given {
            c.err(path.key(key), format!("{kind} roles do not take {key}"));
        }
    }
}

fn check_role(c: &mut Checker, cx: &Context, r: &RawRole, path: &KeyPath) -> Option<Role> {
    let n = c.count();
    let mut skills = Vec::new();
    if r.skills.is_empty() {
        c.err(path.key("skills"), "must list at least one flow");
    }
    for (j, s) in r.skills.iter().enumerate() {
        match cx.flow(s) {
            None => c.err(path.key("skills").index(j), format!("no flow is called '{s}'")),
            Some(id) if skills.contains(&id) => c.err(path.key("skills").index(j), format!("'{s}' is listed twice")),
            Some(id) => skills.push(id),
        }
    }
    let mut role = match r.kind.as_deref() {
        None | Some("staff") => check_staff(c, cx, r, path, skills),
        Some("bought_in") => check_bought_in(c, r, path, skills),
        Some(other) => {
            c.err(path.key("kind"), format!("unknown kind '{other}' (expected staff or bought_in)"));
            None
        }
    };
    if let Some(role) = role.as_mut() {
        role.plan = check_plan(c, cx, &r.plan, &path.key("plan"), role);
        if let Some(g) = r.growth_per_year {
            growth_steps(c, cx, g, &path.key("growth_per_year"), role);
        }
        role.team = r.team.as_deref().and_then(|t| cx.team(t));
        if let Some(problem) = r.team.as_deref().and_then(crate::model::names::problem) {
            c.err(path.key("team"), problem);
        }
    }
    if c.count() > n { None } else { role }
}

/// Bought-in capacity that grows: a plan step at each month start from the
/// scenario's start, compounding, until the first step that sets per_week
/// (a plan takes over from a trend) or the end of the run.
fn growth_steps(c: &mut Checker, cx: &Context, growth: f64, path: &KeyPath, role: &mut Role) {
    let RoleKind::BoughtIn { per_week, .. } = role.kind else {
        c.err(path.clone(), "staff roles do not take growth_per_year; give a plan of fte changes");
        return;
    };
    if !(growth.is_finite() && growth > -1.0 && growth <= 10.0) {
        c.err(path.clone(), format!("must be above -1 and at most 10: 0.05 is 5% a year (got {growth})"));
        return;
    }
    let Some(meta) = cx.meta else { return };
    let set_at = role.plan.iter().find(|s| matches!(s.change, PlanChange::PerWeek(_))).map(|s| s.at);
    let end = set_at.unwrap_or(f64::INFINITY).min(meta.warmup_days + meta.horizon_days);
    for k in 1.. {
        let Some(date) = meta.start.checked_add_months(chrono::Months::new(k)) else { break };
        let Some(at) = cx.time_of(date).filter(|&t| t < end) else { break };
        let change = PlanChange::PerWeek(per_week * (1.0 + growth).powf(f64::from(k) / 12.0));
        role.plan.push(PlanStep { at, change });
    }
    role.plan.sort_by(|a, b| a.at.total_cmp(&b.at));
}

/// A step as written, checked, before `until`s become changes back.
struct Dated {
    from: f64,
    until: Option<f64>,
    change: PlanChange,
    index: usize,
    /// FTE who leave: the establishment falls by this much from what it is then.
    leave: Option<f64>,
}

/// A role's staffing plan: each step changes one thing from a date (and
/// back at `until`). Changes of one thing may not overlap.
fn check_plan(c: &mut Checker, cx: &Context, steps: &[RawPlanStep], path: &KeyPath, role: &Role) -> Vec<PlanStep> {
    let n = c.count();
    let mut dated = Vec::new();
    for i in 0..steps.len() {
        dated.extend(check_step(c, cx, steps, i, &path.index(i), role));
    }
    if c.count() > n {
        return Vec::new();
    }
    dated.sort_by(|a, b| a.from.total_cmp(&b.from));
    in_order(c, path, role, dated)
}

/// Step `i` of a plan, checked and dated; `None` when it has a problem.
fn check_step(
    c: &mut Checker,
    cx: &Context,
    steps: &[RawPlanStep],
    i: usize,
    p: &KeyPath,
    role: &Role,
) -> Option<Dated> {
    let s = &steps[i];
    let (from, until) = step_dates(c, s, p);
    let given: Vec<&str> = [
        ("fte", s.fte.is_some()),
        ("agency", s.agency.is_some()),
        ("per_week", s.per_week.is_some()),
        ("recruitment_days", s.recruitment_days.is_some()),
        ("leave", s.leave.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, g)| g.then_some(k))
    .collect();
    if given.len() != 1 {
        let got = if given.is_empty() { "none".to_string() } else { given.join(" and ") };
        c.err(
            p.clone(),
            format!(
                "each step changes one thing: give one of fte, agency, per_week, recruitment_days or leave (got {got})"
            ),
        );
        return None;
    }
    if s.vacant.is_some() && s.fte.is_none() {
        c.err(p.key("vacant"), "vacant goes with fte: it says whether the new posts open vacant");
    }
    if s.vacant == Some(true) && role.recruitment_days.is_none() && !steps.iter().any(|x| x.recruitment_days.is_some())
    {
        c.err(p.key("vacant"), "the new posts would stay empty for good: give the role recruitment_days");
    }
    let change = plan_change(c, s, p, role);
    let from = from.and_then(|d| cx.time_of(d));
    let until = until.and_then(|d| cx.time_of(d));
    Some(Dated { from: from?, until, change: change?, index: i, leave: s.leave })
}

/// A step's `from`, and its `until` as written or as `replaced_after_months` gives it.
fn step_dates(c: &mut Checker, s: &RawPlanStep, p: &KeyPath) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
    let from = c.date(p.key("from"), &s.from);
    let mut until = s.until.as_ref().and_then(|u| c.date(p.key("until"), u));
    if let Some(months) = s.replaced_after_months {
        if s.leave.is_none() || s.until.is_some() {
            c.err(
                p.key("replaced_after_months"),
                "goes with leave, in place of until: when the posts are filled again",
            );
        } else if months == 0 {
            c.err(p.key("replaced_after_months"), "must be at least 1 (leave it out if they are not replaced)");
        }
        until = from.and_then(|f| f.checked_add_months(chrono::Months::new(months.max(1))));
    }
    if let (Some(f), Some(u)) = (from, until) {
        if u <= f {
            c.err(p.key("until"), format!("must be after from ({f}); got {u}"));
        }
    }
    (from, until)
}

/// The one thing a step changes, refused where the role's kind has no such thing.
fn plan_change(c: &mut Checker, s: &RawPlanStep, p: &KeyPath, role: &Role) -> Option<PlanChange> {
    let bought = role.is_bought_in();
    let staff_only = |c: &mut Checker, key: &str| {
        c.err(p.key(key), format!("bought-in capacity has no {key}; change its per_week instead"));
    };
    if let Some(f) = s.fte {
        if bought {
            staff_only(c, "fte");
            None
        } else {
            fte_value(c, p.key("fte"), f).map(|fte| PlanChange::Fte { fte, vacant: s.vacant.unwrap_or(false) })
        }
    } else if let Some(a) = s.agency {
        if bought {
            staff_only(c, "agency");
            None
        } else if a && role.agency.is_none() {
            c.err(p.key("agency"), "agency cover needs the role's agency table (after_days, day_rate) to say how");
            None
        } else {
            Some(PlanChange::Agency(a))
        }
    } else if let Some(n) = s.leave {
        if bought {
            staff_only(c, "leave");
            None
        } else {
            // The establishment it falls from is known once earlier steps are in.
            c.non_negative(p.key("leave"), n).map(|_| PlanChange::Fte { fte: 0.0, vacant: false })
        }
    } else if let Some(w) = s.per_week {
        if !bought {
            c.err(p.key("per_week"), "per_week is the weekly cap of bought-in capacity; staff roles change fte");
            None
        } else {
            c.non_negative(p.key("per_week"), w).map(PlanChange::PerWeek)
        }
    } else {
        let d = s.recruitment_days.as_ref().expect("one change is given");
        if bought {
            staff_only(c, "recruitment_days");
            None
        } else {
            check_dist(c, d, &p.key("recruitment_days")).map(|d| PlanChange::Recruitment(Some(d)))
        }
    }
}

/// Dated steps, in order, as plan steps: each `until` a change back to
/// what the topic was before, each `leave` taken from the establishment
/// then; changes of one topic may not overlap.
fn in_order(c: &mut Checker, path: &KeyPath, role: &Role, dated: Vec<Dated>) -> Vec<PlanStep> {
    // The value each topic has before any step, to go back to at `until`.
    let mut current: Vec<(&str, PlanChange)> = vec![
        ("fte", PlanChange::Fte { fte: role.fte, vacant: false }),
        ("agency", PlanChange::Agency(role.agency.is_some())),
        ("per_week", PlanChange::PerWeek(role.hours_per_day(1.0) * DAYS_PER_WEEK)),
        ("recruitment_days", PlanChange::Recruitment(None)),
    ];
    let mut busy_until: Vec<(&str, f64, usize)> = Vec::new();
    let mut out = Vec::new();
    for d in dated {
        let topic = d.change.topic();
        if let Some(&(_, end, other)) = busy_until.iter().find(|(t, end, _)| *t == topic && d.from < *end) {
            let _ = end;
            c.err(
                path.index(d.index).key("from"),
                format!("this {topic} change starts before the one at plan[{other}] ends; one thing changes at a time"),
            );
            continue;
        }
        let slot = current.iter_mut().find(|(t, _)| *t == topic).expect("every topic has a value");
        let change = match (d.leave, &slot.1) {
            (Some(n), PlanChange::Fte { fte, .. }) if n > *fte + 1e-9 => {
                c.err(path.index(d.index).key("leave"), format!("only {fte} FTE are in post then; {n} cannot leave"));
                continue;
            }
            (Some(n), PlanChange::Fte { fte, .. }) => PlanChange::Fte { fte: (fte - n).max(0.0), vacant: false },
            _ => d.change,
        };
        let before = std::mem::replace(&mut slot.1, change.clone());
        out.push(PlanStep { at: d.from.max(0.0), change });
        if let Some(until) = d.until {
            let back = match before {
                PlanChange::Fte { fte, .. } => PlanChange::Fte { fte, vacant: false },
                other => other,
            };
            slot.1 = back.clone();
            out.push(PlanStep { at: until.max(0.0), change: back });
            busy_until.push((topic, until, d.index));
        }
    }
    out.sort_by(|a, b| a.at.total_cmp(&b.at));
    out
}

fn check_bought_in(c: &mut Checker, r: &RawRole, path: &KeyPath, skills: Vec<u16>) -> Option<Role> {
    refuse(
        c,
        path,
        "bought_in",
        &[
            ("count", r.count.is_some()),
            ("fte", r.fte.is_some()),
            ("hours_per_week", r.hours_per_week.is_some()),
            ("casework_share", r.casework_share.is_some()),
            ("caseload_cap", r.caseload_cap.is_some()),
            ("salary", r.salary.is_some()),
            ("on_costs", r.on_costs.is_some()),
            ("turnover_per_year", r.turnover_per_year.is_some()),
            ("recruitment_days", r.recruitment_days.is_some()),
            ("vacancies", r.vacancies.is_some()),
            ("new_starter", r.new_starter.is_some()),
            ("asye", r.asye.is_some()),
            ("agency", r.agency.is_some()),
            ("dols_policy", r.dols_policy.is_some()),
            ("dols_share", r.dols_share.is_some()),
            ("dols_budget", r.dols_budget.is_some()),
            ("absence", r.absence.is_some()),
            ("overtime", r.overtime.is_some()),
            ("supervision", r.supervision.is_some()),
        ],
    );
    let per_week = match r.per_week {
        None => {
            c.err(path.clone(), "bought-in capacity needs per_week, the most assessments it can take a week");
            None
        }
        Some(v) => c.non_negative(path.key("per_week"), v),
    };
    let fee = money(c, path.key("fee"), r.fee.unwrap_or(0.0), MAX_PAY);
    Some(Role {
        name: r.name.clone(),
        label: r.label.clone().unwrap_or_else(|| label_of(&r.name)),
        kind: RoleKind::BoughtIn { per_week: per_week?, fee: fee? },
        fte: 1.0,
        hours_per_week: 0.0,
        casework_share: 1.0,
        caseload_cap: UNCAPPED,
        skills,
        salary: 0.0,
        on_costs: 0.0,
        turnover_per_year: 0.0,
        recruitment_days: None,
        vacancies: 0.0,
        new_starter: None,
        asye: None,
        agency: None,
        dols_policy: DolsPolicy::ByPriority,
        absence: false,
        overtime: None,
        plan: Vec::new(),
        team: None,
        supervised: false,
        cpd_share: 0.0,
    })
}

fn check_staff(c: &mut Checker, cx: &Context, r: &RawRole, path: &KeyPath, skills: Vec<u16>) -> Option<Role> {
    let n = c.count();
    refuse(c, path, "staff", &[("per_week", r.per_week.is_some()), ("fee", r.fee.is_some())]);
    let fte = staff_fte(c, r, path);
    let hours = match r.hours_per_week {
        None => {
            c.err(path.clone(), "missing hours_per_week (contracted hours of a full-time post)");
            None
        }
        Some(h) if h > 168.0 => {
            c.err(path.key("hours_per_week"), format!("must be at most 168, the hours in a week (got {h})"));
            None
        }
        Some(h) => c.positive(path.key("hours_per_week"), h),
    };
    let share = match &r.casework_share {
        None => 1.0,
        Some(v) => c.num(path.key("casework_share"), v, 0.001, 1.0).unwrap_or(1.0),
    };
    let cap = match r.caseload_cap {
        None => {
            c.err(path.clone(), "missing caseload_cap (open items a worker may hold at once)");
            None
        }
        Some(v) => c.whole(path.key("caseload_cap"), v, 1.0),
    };
    let salary = money(c, path.key("salary"), r.salary.unwrap_or(0.0), MAX_PAY);
    let on_costs = money(c, path.key("on_costs"), r.on_costs.unwrap_or(0.0), 10.0);
    let (turnover, recruitment, vacancies) = staff_turnover(c, r, path, fte);
    let new_starter = r.new_starter.as_ref().map_or(Some(None), |s| {
        let p = path.key("new_starter");
        let productivity = c.positive(p.key("productivity"), s.productivity).filter(|&v| {
            let ok = v <= 1.0;
            if !ok {
                c.err(p.key("productivity"), "must be at most 1 (a share of full productivity)");
            }
            ok
        });
        let days = c.positive(p.key("days"), s.days);
        productivity.zip(days).map(|(productivity, days)| Some(Ramp { productivity, days }))
    });
    let asye = r.asye.as_ref().map_or(Some(None), |a| check_asye(c, a, &path.key("asye"), r.caseload_cap).map(Some));
    let agency = r.agency.as_ref().map_or(Some(None), |a| check_agency(c, a, &path.key("agency")).map(Some));
    let dols_policy = check_dols_policy(c, r, path);
    let overtime = r.overtime.as_ref().map_or(Some(None), |o| check_overtime(c, o, &path.key("overtime")).map(Some));
    if c.count() > n {
        return None;
    }
    Some(Role {
        name: r.name.clone(),
        label: r.label.clone().unwrap_or_else(|| label_of(&r.name)),
        kind: RoleKind::Staff,
        fte: fte?,
        hours_per_week: hours?,
        casework_share: share,
        caseload_cap: cap?,
        skills,
        salary: salary?,
        on_costs: on_costs?,
        turnover_per_year: turnover?,
        recruitment_days: recruitment?,
        vacancies: vacancies?,
        new_starter: new_starter?,
        asye: asye?,
        agency: agency?,
        dols_policy: dols_policy?,
        absence: r.absence.unwrap_or(true),
        overtime: overtime?,
        plan: Vec::new(),
        team: None,
        supervised: cx.raw.supervision.is_some() && r.supervision.unwrap_or(true),
        cpd_share: if r.supervision.unwrap_or(true) {
            cx.raw.supervision.as_ref().and_then(|s| s.cpd_share).filter(|v| (0.0..0.9).contains(v)).unwrap_or(0.0)
        } else {
            0.0
        },
    })
}

/// A staff role's FTE, from `count` (people) or `fte`, one of them.
fn staff_fte(c: &mut Checker, r: &RawRole, path: &KeyPath) -> Option<f64> {
    match (r.count, r.fte) {
        (Some(_), Some(_)) => {
            c.err(path.key("fte"), "give either count or fte, not both");
            None
        }
        (None, None) => {
            c.err(path.clone(), "missing the staffing: add `count = 3` (people) or `fte = 2.5`");
            None
        }
        (Some(n), None) => c.whole(path.key("count"), n, 0.0).and_then(|n| fte_value(c, path.key("count"), n.into())),
        (None, Some(f)) => fte_value(c, path.key("fte"), f),
    }
}

/// Turnover, recruitment and vacancies, which only make sense together:
/// posts that fall empty need a time to fill them.
fn staff_turnover(
    c: &mut Checker,
    r: &RawRole,
    path: &KeyPath,
    fte: Option<f64>,
) -> (Option<f64>, Option<Option<Dist>>, Option<f64>) {
    let turnover = match &r.turnover_per_year {
        None => Some(0.0),
        Some(v) => c.num(path.key("turnover_per_year"), v, 0.0, f64::INFINITY),
    };
    let recruitment = match &r.recruitment_days {
        None => Some(None),
        Some(d) => check_dist(c, d, &path.key("recruitment_days")).map(Some),
    };
    if turnover.is_some_and(|t| t > 0.0) && r.recruitment_days.is_none() {
        c.err(path.key("turnover_per_year"), "leavers' posts would stay empty for good: add recruitment_days");
    }
    let vacancies = c.whole(path.key("vacancies"), r.vacancies.unwrap_or(0.0), 0.0).map(f64::from);
    if vacancies.is_some_and(|v| v > 0.0) && r.recruitment_days.is_none() {
        c.err(path.key("vacancies"), "vacant posts would stay empty for good: add recruitment_days");
    }
    if let (Some(v), Some(f)) = (vacancies, fte) {
        if v > f.floor() {
            c.err(path.key("vacancies"), format!("{v} vacant posts is more than the {} full-time posts", f.floor()));
        }
    }
    (turnover, recruitment, vacancies)
}

/// The protected first year of newly qualified social workers.
fn check_asye(c: &mut Checker, a: &RawAsye, p: &KeyPath, role_cap: Option<f64>) -> Option<Asye> {
    let share = c.share(p.key("share"), a.share);
    let cap = c.whole(p.key("caseload_cap"), a.caseload_cap, 1.0).filter(|&asye_cap| {
        let role_cap = role_cap.unwrap_or(f64::INFINITY);
        let ok = f64::from(asye_cap) <= role_cap;
        if !ok {
            c.err(
                p.key("caseload_cap"),
                format!(
                    "a protected caseload must not be above the role's caseload_cap of {role_cap} (got {asye_cap})"
                ),
            );
        }
        ok
    });
    let days = c.positive(p.key("days"), a.days.unwrap_or(365.0));
    let development = match a.development_share {
        None => Some(None),
        Some(v) if (0.0..0.9).contains(&v) => Some(Some(v)),
        Some(v) => {
            c.err(p.key("development_share"), format!("must be from 0 to below 0.9 (got {})", shown(v)));
            None
        }
    };
    match (share, cap, days, development) {
        (Some(share), Some(caseload_cap), Some(days), Some(development_share)) => {
            Some(Asye { share, caseload_cap, days, development_share })
        }
        _ => None,
    }
}

fn check_agency(c: &mut Checker, a: &RawAgency, p: &KeyPath) -> Option<Agency> {
    let after = c.non_negative(p.key("after_days"), a.after_days);
    let rate = money(c, p.key("day_rate"), a.day_rate, MAX_PAY / 100.0);
    let productivity = c.positive(p.key("productivity"), a.productivity.unwrap_or(1.0));
    match (after, rate, productivity) {
        (Some(after_days), Some(day_rate), Some(productivity)) => Some(Agency { after_days, day_rate, productivity }),
        _ => None,
    }
}

/// How a role shares its hours between DoLS and other work.
fn check_dols_policy(c: &mut Checker, r: &RawRole, path: &KeyPath) -> Option<DolsPolicy> {
    let policy = match (r.dols_policy.as_deref(), r.dols_share.as_ref()) {
        (None | Some("by_priority"), None) => Some(DolsPolicy::ByPriority),
        (Some("fixed_share"), Some(s)) => {
            let per = match r.dols_budget.as_deref() {
                None | Some("week") => Some(BudgetPeriod::Week),
                Some("month") => Some(BudgetPeriod::Month),
                Some(other) => {
                    c.err(path.key("dols_budget"), format!("unknown budget period '{other}' (expected week or month)"));
                    None
                }
            };
            match (c.num(path.key("dols_share"), s, 0.0, 1.0), per) {
                (Some(share), Some(per)) => Some(DolsPolicy::FixedShare { share, per }),
                _ => None,
            }
        }
        (Some("fixed_share"), None) => {
            c.err(path.key("dols_policy"), "fixed_share needs dols_share, the share of hours for DoLS");
            None
        }
        (Some("dols_first"), None) => Some(DolsPolicy::DolsFirst),
        (Some("care_management_first"), None) => Some(DolsPolicy::CareManagementFirst),
        (p @ (Some("by_priority" | "dols_first" | "care_management_first") | None), Some(_)) => {
            let p = p.unwrap_or("by_priority");
            c.err(path.key("dols_share"), format!("dols_share goes with dols_policy = \"fixed_share\", not {p}"));
            None
        }
        (Some(other), _) => {
            c.err(
                path.key("dols_policy"),
                format!(
                    "unknown policy '{other}' (expected by_priority, fixed_share, dols_first or care_management_first)"
                ),
            );
            None
        }
    };
    if r.dols_budget.is_some() && r.dols_policy.as_deref() != Some("fixed_share") {
        c.err(path.key("dols_budget"), "dols_budget goes with dols_policy = \"fixed_share\"");
    }
    policy
}

fn check_overtime(c: &mut Checker, o: &RawOvertime, p: &KeyPath) -> Option<Overtime> {
    let hours = c.positive(p.key("hours_per_week"), o.hours_per_week);
    let rate = money(c, p.key("hourly_rate"), o.hourly_rate, MAX_PAY / 1000.0);
    let over = c.whole(p.key("when_waiting_over"), o.when_waiting_over, 0.0);
    match (hours, rate, over) {
        (Some(hours_per_week), Some(hourly_rate), Some(when_waiting_over)) => {
            Some(Overtime { hours_per_week, hourly_rate, when_waiting_over })
        }
        _ => None,
    }
}

pub(super) fn check_absence(c: &mut Checker, a: Option<&RawAbsence>, path: &KeyPath) -> Option<Option<Absence>> {
    let Some(a) = a else { return Some(None) };
    let n = c.count();
    let leave = c.non_negative(path.key("annual_leave_days"), a.annual_leave_days.unwrap_or(0.0));
    let spell = c.positive(path.key("leave_spell_days"), a.leave_spell_days.unwrap_or(5.0)).filter(|&s| {
        if s < MIN_SPELL {
            c.err(
                path.key("leave_spell_days"),
                format!("must be at least {MIN_SPELL} (half a working day; got {})", shown(s)),
            );
        }
        s >= MIN_SPELL
    });
    let sick = c.non_negative(path.key("sickness_days"), a.sickness_days.unwrap_or(0.0));
    let sick_spell = match &a.sickness_spell_days {
        Some(d) => check_dist(c, d, &path.key("sickness_spell_days")),
        None if a.sickness_days.unwrap_or(0.0) > 0.0 => {
            c.err(path.clone(), "sickness_days needs sickness_spell_days, how long a spell lasts");
            None
        }
        None => Some(Dist::Fixed(1.0)),
    };
    if sick_spell.as_ref().is_some_and(|d| !d.is_positive()) {
        c.err(path.key("sickness_spell_days"), "spells must last more than 0 days");
    } else if let Some(mean) = sick_spell.as_ref().map(Dist::mean).filter(|&m| m.is_nan() || m < MIN_SPELL) {
        c.err(
            path.key("sickness_spell_days"),
            format!("spells must last at least {MIN_SPELL} working days on average (half a day; got {})", shown(mean)),
        );
    }
    if leave.is_some_and(|l| l > 200.0) || sick.is_some_and(|s| s > 200.0) {
        c.err(path.clone(), "more than 200 days a year away leaves no working year");
    }
    if c.count() > n {
        return None;
    }
    Some(Some(Absence {
        annual_leave_days: leave?,
        leave_spell_days: spell?,
        sickness_days: sick?,
        sickness_spell_days: sick_spell?,
    }))
}

/// Posts from roles: one per whole FTE and a part-time post for any
/// fraction, whose hours and caseload cap are scaled down to match. Fills
/// in each flow's eligible workers, staff before bought-in capacity.
pub(super) fn expand_posts(roles: &[Role], mut flows: Vec<Flow>) -> (Vec<PostSpec>, Vec<Flow>) {
    let mut specs = Vec::new();
    for (r, role) in roles.iter().enumerate() {
        // A flow routed to a team is taken only by that team's roles.
        let mut skills: Vec<(u64, u16)> = role
            .skills
            .iter()
            .filter(|&&f| flows[f as usize].team.is_none() || flows[f as usize].team == role.team)
            .map(|&f| {
                let flow = &flows[f as usize];
                let dols = flow.kind == WorkKind::Dols;
                let tier: u64 = match role.dols_policy {
                    DolsPolicy::DolsFirst => u64::from(!dols),
                    DolsPolicy::CareManagementFirst => u64::from(dols),
                    _ => 0,
                };
                ((tier << 32) | u64::from(flow.priority), f)
            })
            .collect();
        skills.sort();
        match role.kind {
            RoleKind::BoughtIn { .. } => specs.push(PostSpec {
                role: r as u16,
                share: 1.0,
                fte: 1.0,
                hours_per_day: role.rates(1.0, false).0,
                caseload_cap: role.caseload_cap,
                skills,
                vacant_at_start: false,
            }),
            RoleKind::Staff => {
                // Posts for the largest establishment in the plan; those
                // beyond today's start closed (fte 0) or part-open.
                let most = role.max_fte();
                let whole = most.floor() as usize;
                let fraction = most - whole as f64;
                let mut posts: Vec<f64> = vec![1.0; whole];
                if fraction > 1e-9 {
                    posts.push(fraction);
                }
                let vacant = role.vacancies as usize;
                for (i, &share) in posts.iter().enumerate() {
                    let fte = post_fte(role.fte, i, share);
                    specs.push(PostSpec {
                        role: r as u16,
                        share,
                        fte,
                        hours_per_day: role.rates(fte, false).0,
                        caseload_cap: role.cap_for(fte, false),
                        skills: skills.clone(),
                        vacant_at_start: i < vacant,
                    });
                }
            }
        }
    }
    for pass in [false, true] {
        for (w, spec) in specs.iter().enumerate() {
            let role = &roles[spec.role as usize];
            if role.is_bought_in() == pass {
                for &(_, f) in &spec.skills {
                    let team = flows[f as usize].team;
                    if team.is_none() || role.team == team {
                        flows[f as usize].eligible.push(w as u32);
                    }
                }
            }
        }
    }
    (specs, flows)
}
