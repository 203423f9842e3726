//! Checks of caseloads of people (`keep_allocated`), `[supervision]` and
//! `[health_check]`.

use super::dist::check_dist;
use super::{Checker, Context, shown};
use crate::model::Role;
use crate::model::health::{Every, HealthCheck, Keep, Rag, Rated, Supervision};
use crate::scenario::locate::KeyPath;
use crate::scenario::raw::{RawHealthCheck, RawKeep, RawSupervision};
use crate::units::DAYS_PER_WEEK;

/// Most hours a week one person kept allocated may take: more is a typo
/// for hours a month or a year.
const MAX_HOURS_PER_WEEK: f64 = 37.5;

pub(super) fn check_keep(c: &mut Checker, cx: &Context, k: &RawKeep, path: &KeyPath) -> Option<Keep> {
    let n = c.count();
    let share = match &k.share {
        None => Some(1.0),
        Some(v) => c.num(path.key("share"), v, 0.0, 1.0),
    };
    let days = check_dist(c, &k.days, &path.key("days"));
    if days.as_ref().is_some_and(|d| !d.is_positive()) {
        c.err(path.key("days"), "people must stay allocated for more than 0 days");
    }
    let hours = match k.hours_per_week {
        None => Some(0.0),
        Some(h) if h > MAX_HOURS_PER_WEEK => {
            c.err(
                path.key("hours_per_week"),
                format!("must be at most {MAX_HOURS_PER_WEEK} hours a week for one person (got {})", shown(h)),
            );
            None
        }
        Some(h) => c.non_negative(path.key("hours_per_week"), h),
    };
    let transfer = match (&k.transfer_to, &k.transfer_share) {
        (None, None) => Some(None),
        (None, Some(_)) => {
            c.err(path.key("transfer_share"), "transfer_share goes with transfer_to, the flow people transfer to");
            None
        }
        (Some(to), share) => {
            let flow = cx.flow(to);
            if flow.is_none() {
                c.err(path.key("transfer_to"), format!("no flow is called '{to}'"));
            }
            let share = match share {
                None => Some(1.0),
                Some(v) => c.num(path.key("transfer_share"), v, 0.0, 1.0),
            };
            flow.zip(share).map(Some)
        }
    };
    if c.count() > n {
        return None;
    }
    Some(Keep { share: share?, days: days?, hours_per_day: hours? / DAYS_PER_WEEK, transfer: transfer? })
}

pub(super) fn check_supervision(
    c: &mut Checker,
    s: Option<&RawSupervision>,
    path: &KeyPath,
) -> Option<Option<Supervision>> {
    let Some(s) = s else { return Some(None) };
    let n = c.count();
    let hours = if s.hours > 24.0 {
        c.err(path.key("hours"), format!("a session must be at most 24 hours (got {})", shown(s.hours)));
        None
    } else {
        c.positive(path.key("hours"), s.hours)
    };
    let every = |c: &mut Checker, p: KeyPath, v: Option<&str>| match v {
        None => Some(Every::Month),
        Some(e) => {
            let every = Every::parse(e);
            if every.is_none() {
                c.err(p, format!("unknown interval '{e}' (expected {})", Every::NAMES.join(", ")));
            }
            every
        }
    };
    let main = every(c, path.key("every"), s.every.as_deref());
    let mut asye = Vec::new();
    let mut last = 0.0;
    for (i, step) in s.asye.iter().enumerate() {
        let p = path.key("asye").index(i);
        let until = c.positive(p.key("until_day"), step.until_day);
        if let Some(u) = until {
            if u <= last {
                c.err(p.key("until_day"), format!("must be after the step before (day {last}); got {u}"));
            }
            last = u;
        }
        if let (Some(u), Some(e)) = (until, every(c, p.key("every"), Some(&step.every))) {
            asye.push((u, e));
        }
    }
    if let Some(v) = s.cpd_share {
        if !(0.0..0.9).contains(&v) {
            c.err(path.key("cpd_share"), format!("must be from 0 to below 0.9 (got {})", shown(v)));
        }
    }
    let cancel = match (s.when_busy.as_deref(), s.cancel_above_load) {
        (None | Some("keep"), None) => Some(None),
        (Some("cancel"), Some(load)) => {
            if load.is_finite() && load > 0.0 && load <= 2.0 {
                Some(Some(load))
            } else {
                c.err(path.key("cancel_above_load"), format!("must be above 0 and at most 2 (got {})", shown(load)));
                None
            }
        }
        (Some("cancel"), None) => {
            c.err(
                path.key("when_busy"),
                "cancel needs cancel_above_load: the share of a worker's hours promised to work above which sessions are cancelled",
            );
            None
        }
        (None | Some("keep"), Some(_)) => {
            c.err(path.key("cancel_above_load"), "cancel_above_load goes with when_busy = \"cancel\"");
            None
        }
        (Some(other), _) => {
            c.err(path.key("when_busy"), format!("unknown policy '{other}' (expected keep or cancel)"));
            None
        }
    };
    if c.count() > n {
        return None;
    }
    Some(Some(Supervision { hours: hours?, every: main?, asye, cancel_above_load: cancel? }))
}

pub(super) fn check_health(
    c: &mut Checker,
    cx: &Context,
    roles: &[Role],
    h: Option<&RawHealthCheck>,
    path: &KeyPath,
) -> Option<Option<HealthCheck>> {
    let Some(h) = h else { return Some(None) };
    let n = c.count();
    let caseload = caseload_thresholds(c, cx, roles, h, path);
    let asye_share = match h.asye_share {
        None => Some(0.9),
        Some(v) if v > 0.0 && v <= 1.0 => Some(v),
        Some(v) => {
            c.err(path.key("asye_share"), format!("must be above 0 and at most 1 (got {})", shown(v)));
            None
        }
    };
    let limits = rag_limits(c, h, path);
    if c.count() > n {
        return None;
    }
    Some(Some(HealthCheck { caseload, asye_share: asye_share?, limits }))
}

/// Each role's safe caseload, its own or its team's.
fn caseload_thresholds(
    c: &mut Checker,
    cx: &Context,
    roles: &[Role],
    h: &RawHealthCheck,
    path: &KeyPath,
) -> Vec<Option<f64>> {
    let teams = cx.teams();
    let mut caseload: Vec<Option<f64>> = vec![None; roles.len()];
    let mut by_team: Vec<(u16, f64)> = Vec::new();
    for (key, value) in h.caseload.iter().flatten() {
        let p = path.key("caseload").key(key);
        let Some(v) = value.as_float().or_else(|| value.as_integer().map(|i| i as f64)) else {
            c.err(p, format!("must be a number of people (got {value})"));
            continue;
        };
        let Some(v) = c.positive(p.clone(), v) else { continue };
        if let Some(r) = roles.iter().position(|r| r.name == *key) {
            if roles[r].is_bought_in() {
                c.err(p, "bought-in capacity has no caseload of people; set thresholds for staff roles");
            } else {
                caseload[r] = Some(v);
            }
        } else if let Some(t) = teams.iter().position(|t| t == key) {
            by_team.push((t as u16, v));
        } else {
            let names: Vec<&str> = roles
                .iter()
                .filter(|r| !r.is_bought_in())
                .map(|r| r.name.as_str())
                .chain(teams.iter().copied())
                .collect();
            c.err(p, format!("no role or team is called '{key}'; try one of: {}", names.join(", ")));
        }
    }
    // A team's threshold applies to its roles that have none of their own.
    for (t, v) in by_team {
        for (r, role) in roles.iter().enumerate() {
            if role.team == Some(t) && caseload[r].is_none() && !role.is_bought_in() {
                caseload[r] = Some(v);
            }
        }
    }
    caseload
}

/// The green and amber limits of each measure rated, or its defaults.
fn rag_limits(c: &mut Checker, h: &RawHealthCheck, path: &KeyPath) -> Vec<Rag> {
    let mut limits = Vec::new();
    for what in Rated::ALL {
        let Some(raw) = h.limits(what.key()) else {
            limits.push(what.default_limits());
            continue;
        };
        let p = path.key(what.key());
        let (green, amber) = (raw.green, raw.amber);
        if !(green.is_finite() && amber.is_finite() && green >= 0.0 && amber >= 0.0) {
            c.err(p, format!("green and amber must be numbers >= 0 (got {}, {})", shown(green), shown(amber)));
        } else if what.more_is_better() && amber > green {
            c.err(
                p,
                format!("more is better here, so amber ({}) must be at most green ({})", shown(amber), shown(green)),
            );
        } else if !what.more_is_better() && amber < green {
            c.err(
                p,
                format!("less is better here, so amber ({}) must be at least green ({})", shown(amber), shown(green)),
            );
        } else {
            limits.push(Rag { green, amber });
        }
    }
    limits
}
