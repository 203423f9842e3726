//! Roles, posts and the people in them.

use super::{Dist, FlowId};
use crate::units::DAYS_PER_WEEK;

#[derive(Debug, Clone, PartialEq)]
pub enum RoleKind {
    /// Employed staff: hours, caseloads, salaries, turnover.
    Staff,
    /// Capacity bought per assessment (independent BIAs, s12 doctors): up
    /// to `per_week` assessments a week at `fee` each. Used only when no
    /// staff member with the skill has room.
    BoughtIn { per_week: f64, fee: f64 },
}

/// How a worker skilled for both care management and DoLS divides their time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DolsPolicy {
    /// Flow priorities alone decide.
    ByPriority,
    /// This share of each week's (or month's) hours is for DoLS, to be
    /// spent as DoLS work needs it (a whole day on an assessment, then back
    /// to care management); care management takes the rest.
    FixedShare { share: f64, per: BudgetPeriod },
    /// DoLS work is always taken first.
    DolsFirst,
    /// Care management is always taken first.
    CareManagementFirst,
}

/// What a fixed DoLS share is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetPeriod {
    Week,
    Month,
}

/// New starters work at reduced productivity for a while.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ramp {
    pub productivity: f64,
    pub days: f64,
}

/// Newly qualified social workers (assessed and supported year in
/// employment) have a protected caseload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Asye {
    /// Share of recruits who are newly qualified.
    pub share: f64,
    pub caseload_cap: u32,
    pub days: f64,
    /// Protected development time: a share of casework hours for learning
    /// while newly qualified (`None`: the role's own `cpd_share`).
    pub development_share: Option<f64>,
}

/// A vacancy is covered by an agency worker after a delay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agency {
    pub after_days: f64,
    /// Per working day, per full-time post.
    pub day_rate: f64,
    pub productivity: f64,
}

/// Extra paid hours while the role's waiting list is long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overtime {
    pub hours_per_week: f64,
    pub hourly_rate: f64,
    pub when_waiting_over: u32,
}

/// Leave and sickness, for every staff role that does not opt out.
#[derive(Debug, Clone)]
pub struct Absence {
    /// Working days a year, taken in spells of `leave_spell_days`.
    pub annual_leave_days: f64,
    pub leave_spell_days: f64,
    /// Working days lost a year, in spells of the given length.
    pub sickness_days: f64,
    pub sickness_spell_days: Dist,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    /// Plain-language name for reports ("social worker BIAs").
    pub label: String,
    pub kind: RoleKind,
    /// Establishment: funded full-time-equivalent posts.
    pub fte: f64,
    pub hours_per_week: f64,
    /// Share of contracted hours spent on casework (after supervision,
    /// admin, training and travel).
    pub casework_share: f64,
    pub caseload_cap: u32,
    pub skills: Vec<FlowId>,
    /// Annual salary per FTE, and on-costs as a share of it.
    pub salary: f64,
    pub on_costs: f64,
    /// Leavers per post-year.
    pub turnover_per_year: f64,
    /// Days from a vacancy to a new starter; `None` leaves posts vacant.
    pub recruitment_days: Option<Dist>,
    /// FTE vacant at the start, with recruitment under way.
    pub vacancies: f64,
    pub new_starter: Option<Ramp>,
    pub asye: Option<Asye>,
    pub agency: Option<Agency>,
    pub dols_policy: DolsPolicy,
    pub absence: bool,
    pub overtime: Option<Overtime>,
    /// Dated changes after the start, in time order (see `PlanStep`).
    pub plan: Vec<PlanStep>,
    /// The team its workers belong to (an index into `Model::teams`).
    pub team: Option<u16>,
    /// Whether its workers have the scenario's supervision sessions.
    pub supervised: bool,
    /// Protected development time (CPD): a share of casework hours.
    pub cpd_share: f64,
}

/// A dated change to a role: "+3 BIAs from October", "agency cover ends
/// in March", "independent BIAs: 10 a week from month 6".
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
    /// Engine time the change takes effect.
    pub at: f64,
    pub change: PlanChange,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanChange {
    /// The establishment becomes `fte`; posts that open are filled at once,
    /// or with `vacant` are recruited to. Posts that close hand their work back.
    Fte { fte: f64, vacant: bool },
    /// Agency cover of vacancies is used from now (true) or ends (false).
    Agency(bool),
    /// Bought-in capacity: the most assessments a week from now.
    PerWeek(f64),
    /// Vacancies open now or later are filled after this many days; `None`
    /// returns to the role's own `recruitment_days`.
    Recruitment(Option<Dist>),
}

impl PlanChange {
    /// What the change is about, to keep two changes of one thing apart.
    pub fn topic(&self) -> &'static str {
        match self {
            PlanChange::Fte { .. } => "fte",
            PlanChange::Agency(_) => "agency",
            PlanChange::PerWeek(_) => "per_week",
            PlanChange::Recruitment(_) => "recruitment_days",
        }
    }
}

impl Role {
    pub fn is_bought_in(&self) -> bool {
        matches!(self.kind, RoleKind::BoughtIn { .. })
    }

    /// Whether the role takes care management work as well as DoLS (a
    /// social worker who is also a BIA).
    pub fn does_care_management(&self, m: &super::Model) -> bool {
        self.skills.iter().any(|&f| m.flows[f as usize].kind == super::WorkKind::CareManagement)
    }

    /// Full cost of one FTE for a year.
    pub fn cost_per_fte_year(&self) -> f64 {
        self.salary * (1.0 + self.on_costs)
    }

    /// The largest establishment the role has at any time: its posts.
    pub fn max_fte(&self) -> f64 {
        self.plan
            .iter()
            .filter_map(|s| match s.change {
                PlanChange::Fte { fte, .. } => Some(fte),
                _ => None,
            })
            .fold(self.fte, f64::max)
    }

    /// Casework hours a day of a post of `fte` (assessments a day, for
    /// bought-in capacity).
    pub fn hours_per_day(&self, fte: f64) -> f64 {
        match self.kind {
            RoleKind::BoughtIn { per_week, .. } => per_week / DAYS_PER_WEEK,
            RoleKind::Staff => self.hours_per_week * self.casework_share / DAYS_PER_WEEK * fte,
        }
    }

    /// Share of casework hours given to protected development (CPD), for
    /// a newly qualified worker with `asye`.
    pub fn development_share(&self, asye: bool) -> f64 {
        match (asye, self.asye) {
            (true, Some(a)) => a.development_share.unwrap_or(self.cpd_share),
            _ => self.cpd_share,
        }
    }

    /// Casework hours a day of a post of `fte` once protected development
    /// time is taken out, and the development hours a day.
    pub fn rates(&self, fte: f64, asye: bool) -> (f64, f64) {
        let full = self.hours_per_day(fte);
        let dev = self.development_share(asye);
        if dev > 0.0 { (full * (1.0 - dev), full * dev) } else { (full, 0.0) }
    }

    /// Caseload cap of a post of `fte` (of an ASYE worker, with `asye`).
    pub fn cap_for(&self, fte: f64, asye: bool) -> u32 {
        let cap = match (asye, self.asye) {
            (true, Some(a)) => a.caseload_cap,
            _ => self.caseload_cap,
        };
        if self.is_bought_in() { cap } else { ((cap as f64 * fte).round() as u32).max(1) }
    }
}

/// One post as checked, before any replication (`engine::worker::Worker`
/// is its state during one). Whole FTEs are one post each; a fraction makes a part-time
/// post. A role with a staffing plan has posts for its largest
/// establishment; those beyond the current one are closed.
#[derive(Debug, Clone)]
pub struct PostSpec {
    pub role: u16,
    /// FTE of the post when open in full.
    pub share: f64,
    /// FTE of the post at the start: `share`, less for a post part-open,
    /// 0 for a post not yet (or no longer) in the establishment.
    pub fte: f64,
    /// Casework hours per day of the working clock (assessments per day
    /// for bought-in capacity).
    pub hours_per_day: f64,
    pub caseload_cap: u32,
    /// Flows this worker takes with their rank tier, best first: the tier
    /// orders DoLS against care management under the role's policy, then
    /// flow priority.
    pub skills: Vec<(u64, FlowId)>,
    pub vacant_at_start: bool,
}

/// The FTE of post `i` (of full size `share`) when the role's establishment
/// is `establishment`: posts fill in order.
pub fn post_fte(establishment: f64, i: usize, share: f64) -> f64 {
    let f = (establishment - i as f64).clamp(0.0, share);
    if f < 1e-9 { 0.0 } else { f }
}

/// A name as people write it: `social_worker_bia` -> "social worker BIA".
pub fn label_of(name: &str) -> String {
    const CAPITALS: [&str; 6] = ["bia", "ot", "asye", "dols", "chc", "psw"];
    name.split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| if CAPITALS.contains(&w.to_lowercase().as_str()) { w.to_uppercase() } else { w.to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}
