//! People allocated to workers, for the principal social worker's health
//! check: a profile with a `[caseloads]` table makes a scenario whose
//! care management work is people who stay allocated after it, so that
//! `caseflow health-check` can rate caseloads against the safe ones.
//!
//! How long people stay allocated is the one thing the profile cannot
//! say. By Little's law, people allocated = people in work + people
//! allocated a day x days they stay; `new` sets the days from today's
//! caseload, and calibration finds them again from the model's own
//! work in hand.

use super::defaults::{self as d, Default};
use super::{Caseload, Checked};

/// The Care Act work people stay allocated after, shared by social
/// workers and community care workers.
pub const CARE_FLOWS: [&str; 4] = ["safeguarding", "needs_assessment", "carers_assessment", "review"];
pub const OT_FLOWS: [&str; 1] = ["ot_assessment"];

/// One staff group who hold people: its roles in the scenario, people per
/// worker today and the safe caseload, each from the profile or a default.
#[derive(Debug, Clone)]
pub struct Holders {
    /// The profile's name for the group (`caseloads.<key>`).
    pub key: &'static str,
    pub roles: Vec<&'static str>,
    /// FTE in post.
    pub in_post: f64,
    pub people: (f64, Option<Default>),
    pub safe: (f64, Option<Default>),
}

impl Holders {
    /// Whether the profile gave today's people per worker.
    pub fn people_given(&self) -> bool {
        self.people.1.is_none()
    }
}

/// The flows one pool of people stays allocated after, and for how long.
#[derive(Debug, Clone)]
pub struct Pool {
    pub flows: &'static [&'static str],
    /// Mean days a person stays allocated after the work is done.
    pub days: f64,
    /// Whether a group of the pool gave its people per worker: then the
    /// days are calibrated.
    pub observed: bool,
}

/// What a flow brings: requests a year and items in work at the start.
pub struct Flowing<'a> {
    pub name: &'a str,
    pub per_year: f64,
    pub in_service: f64,
}

/// The groups who hold people, for a profile with `[caseloads]`.
pub fn holders(c: &Checked, social_workers: f64, bias: f64, ccw: f64, ots: f64) -> Vec<Holders> {
    let Some(loads) = &c.p.caseloads else { return Vec::new() };
    let one = |key, roles: Vec<&'static str>, in_post, given: Option<Caseload>, people: Default, safe: Default| {
        let pick = |v: Option<f64>, def: Default| v.map_or((def.value, Some(def)), |v| (v, None));
        Holders {
            key,
            roles,
            in_post,
            people: pick(given.and_then(|g| g.people), people),
            safe: pick(given.and_then(|g| g.safe), safe),
        }
    };
    let mut out = Vec::new();
    if social_workers > 0.0 {
        let mut roles = Vec::new();
        if social_workers - bias > 0.0 || bias == 0.0 {
            roles.push("social_worker");
        }
        if bias > 0.0 {
            roles.push("social_worker_bia");
        }
        let (people, safe) = (d::PEOPLE_SOCIAL_WORKER, d::SAFE_SOCIAL_WORKER);
        out.push(one("social_workers", roles, social_workers, loads.social_workers, people, safe));
    }
    if ccw > 0.0 {
        let roles = vec!["community_care_worker"];
        out.push(one("community_care_workers", roles, ccw, loads.community_care_workers, d::PEOPLE_CCW, d::SAFE_CCW));
    }
    if ots > 0.0 {
        let roles = vec!["occupational_therapist"];
        out.push(one("occupational_therapists", roles, ots, loads.occupational_therapists, d::PEOPLE_OT, d::SAFE_OT));
    }
    out
}

/// The pools: care management (social workers and community care
/// workers), and occupational therapy where there are OTs.
pub fn pools(holders: &[Holders], flows: &[Flowing]) -> Vec<Pool> {
    let pool = |names: &'static [&'static str], keys: &[&str]| {
        let group: Vec<&Holders> = holders.iter().filter(|h| keys.contains(&h.key)).collect();
        if group.is_empty() {
            return None;
        }
        let people: f64 = group.iter().map(|h| h.people.0 * h.in_post).sum();
        let mine: Vec<&Flowing> = flows.iter().filter(|f| names.contains(&f.name)).collect();
        let per_day: f64 = mine.iter().map(|f| f.per_year).sum::<f64>() / 365.0;
        let in_work: f64 = mine.iter().map(|f| f.in_service).sum();
        let days = if per_day > 0.0 { ((people - in_work) / per_day).round().max(1.0) } else { 1.0 };
        Some(Pool { flows: names, days, observed: group.iter().any(|h| h.people_given()) })
    };
    [pool(&CARE_FLOWS, &["social_workers", "community_care_workers"]), pool(&OT_FLOWS, &["occupational_therapists"])]
        .into_iter()
        .flatten()
        .collect()
}

impl Pool {
    /// Whether the pool's people are held by `h`.
    pub fn holds(&self, h: &Holders) -> bool {
        let ot = h.key == "occupational_therapists";
        ot == (self.flows == OT_FLOWS)
    }

    /// People of `per_year` a year allocated at the start, as if steady.
    pub fn allocated(&self, per_year: f64) -> f64 {
        (per_year / 365.0 * self.days).round()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_make_todays_caseload_by_littles_law() {
        let h = Holders {
            key: "occupational_therapists",
            roles: vec!["occupational_therapist"],
            in_post: 10.0,
            people: (30.0, None),
            safe: (32.0, None),
        };
        // 300 people: 60 in work, 240 kept, from 2 a day: 120 days.
        let flows = [Flowing { name: "ot_assessment", per_year: 730.0, in_service: 60.0 }];
        let p = pools(&[h], &flows);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].days, 120.0);
        assert_eq!(p[0].allocated(730.0), 240.0);
        assert!(p[0].observed);
    }

    #[test]
    fn a_caseload_below_the_work_in_hand_keeps_people_a_day() {
        let h = Holders {
            key: "social_workers",
            roles: vec!["social_worker"],
            in_post: 1.0,
            people: (5.0, Some(d::PEOPLE_SOCIAL_WORKER)),
            safe: (20.0, None),
        };
        let flows = [Flowing { name: "review", per_year: 365.0, in_service: 50.0 }];
        let p = pools(&[h], &flows);
        assert_eq!(p[0].days, 1.0);
        assert!(!p[0].observed, "a default caseload is not where the council stands");
    }
}
