//! The scenario file as written: a serde mirror of the TOML that accepts
//! only known keys. Numbers are read loosely (any number) and checked in
//! `check`, so a bad value gets a message about the rule it broke rather
//! than about Rust types.

use serde::Deserialize;

/// Keys of which a table takes one: when a later layer (an overlay, a
/// `--set`) gives one, it replaces whichever the layers below gave, so
/// `--set scenario.days=60` works on a scenario written in years.
pub const ALTERNATIVES: [&[&str]; 3] =
    [&["years", "days"], &["count", "fte"], &["per_day", "per_week", "per_month", "per_year"]];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: RawMeta,
    #[serde(default)]
    pub flows: Vec<RawFlow>,
    #[serde(default)]
    pub roles: Vec<RawRole>,
    pub absence: Option<RawAbsence>,
    #[serde(default)]
    pub stocks: Vec<RawStock>,
    #[serde(default)]
    pub latent_pools: Vec<RawLatentPool>,
    #[serde(default)]
    pub shocks: Vec<RawShock>,
    #[serde(default)]
    pub requests: Vec<RawRequest>,
    #[serde(default)]
    pub legal_changes: Vec<RawLegalChange>,
    pub inflation: Option<RawInflation>,
    pub budget: Option<RawBudget>,
    pub supervision: Option<RawSupervision>,
    pub health_check: Option<RawHealthCheck>,
    /// Where the council stands: figures the run should reproduce.
    #[serde(default)]
    pub observed: Vec<RawObserved>,
    /// Values the council does not know, for `caseflow calibrate` to find.
    #[serde(default)]
    pub calibrate: Vec<RawCalibrate>,
    /// Values that are national defaults or guesses, for the council to check.
    #[serde(default)]
    pub assumptions: Vec<RawAssumption>,
}

/// A figure the council observed: `{ of = "standard_dols", measure =
/// "within_deadline", value = 18, year = "2026/27" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObserved {
    /// A request or flow, or a list of requests taken together.
    pub of: OneOrMany,
    pub measure: String,
    pub value: f64,
    /// A financial year of the run ("2026/27"); or `from` and `until`
    /// dates; or, for a backlog or waiting list, `at` a date. Without any,
    /// the first twelve months (a level at their end).
    pub year: Option<String>,
    pub from: Option<toml::Value>,
    pub until: Option<toml::Value>,
    pub at: Option<toml::Value>,
    /// In the measure's unit (points for a %); default 5 points, or 15%.
    pub tolerance: Option<f64>,
    pub source: Option<String>,
}

/// A name or a list of names.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn names(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// A value to calibrate: a key as `--set` names it, and the range it may
/// take (numbers, or lists of numbers moved together, such as triage shares).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibrate {
    pub set: OneOrMany,
    pub range: Vec<toml::Value>,
    pub label: Option<String>,
    #[serde(default)]
    pub first: bool,
    #[serde(default)]
    pub last: bool,
}

/// A value in the file that is a default or a guess: its key as `--set`
/// names it, and where it comes from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssumption {
    pub key: String,
    pub source: String,
}

/// Supervision sessions for every staff role that does not say
/// `supervision = false`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupervision {
    /// Hours a session.
    pub hours: f64,
    /// "week", "fortnight" or "month" (default).
    pub every: Option<String>,
    /// Newly qualified workers: `[{ until_day = 42, every = "week" }, ...]`.
    #[serde(default)]
    pub asye: Vec<RawAsyeSupervision>,
    /// Protected development time (CPD) of every supervised worker: a
    /// share of casework hours.
    pub cpd_share: Option<f64>,
    /// Under pressure: "keep" (default) or "cancel" sessions of workers
    /// whose promised hours are above `cancel_above_load`.
    pub when_busy: Option<String>,
    pub cancel_above_load: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAsyeSupervision {
    pub until_day: f64,
    pub every: String,
}

/// The health check: safe caseloads (people allocated per worker) by role
/// or team, and rating limits per measure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHealthCheck {
    /// People allocated per worker: `{ social_worker = 20, ot_team = 30 }`.
    pub caseload: Option<toml::Table>,
    pub asye_share: Option<f64>,
    pub over_threshold_pct: Option<RawRag>,
    pub people_waiting: Option<RawRag>,
    pub supervision_delivered_pct: Option<RawRag>,
    pub asye_protected_pct: Option<RawRag>,
    pub vacancy_pct: Option<RawRag>,
    pub turnover_pct: Option<RawRag>,
    pub agency_pct: Option<RawRag>,
    pub sickness_days: Option<RawRag>,
    pub utilisation_pct: Option<RawRag>,
}

/// Green up to (or, where more is better, from) `green`; amber up to `amber`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRag {
    pub green: f64,
    pub amber: f64,
}

impl RawHealthCheck {
    /// The limits given for a rated measure, by its key.
    pub fn limits(&self, key: &str) -> Option<&RawRag> {
        match key {
            "over_threshold_pct" => self.over_threshold_pct.as_ref(),
            "people_waiting" => self.people_waiting.as_ref(),
            "supervision_delivered_pct" => self.supervision_delivered_pct.as_ref(),
            "asye_protected_pct" => self.asye_protected_pct.as_ref(),
            "vacancy_pct" => self.vacancy_pct.as_ref(),
            "turnover_pct" => self.turnover_pct.as_ref(),
            "agency_pct" => self.agency_pct.as_ref(),
            "sickness_days" => self.sickness_days.as_ref(),
            "utilisation_pct" => self.utilisation_pct.as_ref(),
            _ => None,
        }
    }
}

/// After the work is done, a share of people stay allocated to the worker.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeep {
    /// Share of people kept (default 1).
    pub share: Option<Num>,
    /// How long they stay allocated.
    pub days: RawDist,
    /// Casework hours a week each person kept takes.
    pub hours_per_week: Option<f64>,
    /// When the allocation ends, a share of people transfer to this flow.
    pub transfer_to: Option<String>,
    pub transfer_share: Option<Num>,
}

/// Yearly increases: a number for every year, or a table by financial
/// year (`{ "2027/28" = 0.04 }`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInflation {
    pub pay: Option<toml::Value>,
    pub agency: Option<toml::Value>,
    pub fees: Option<toml::Value>,
}

/// Budgets a year (pounds): a number for every financial year, or a table
/// by financial year.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBudget {
    pub total: Option<toml::Value>,
    pub staff: Option<toml::Value>,
    pub agency: Option<toml::Value>,
    pub bought_in: Option<toml::Value>,
    pub overtime: Option<toml::Value>,
    pub dols: Option<toml::Value>,
}

/// A request that passes through several flows, its stages, in order: a
/// DoLS request is screened, assessed by a BIA and by a doctor, and
/// signed off, and is one request with one deadline to its users.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    pub name: String,
    pub label: Option<String>,
    pub stages: Vec<String>,
}

/// A change in the law on a date: fewer people need the requests named
/// (a court ruling that narrows who is deprived of liberty).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLegalChange {
    pub name: String,
    pub label: Option<String>,
    pub from: toml::Value,
    /// Requests (or flows) it applies to.
    pub requests: Vec<String>,
    /// The share of people who still need them under the new law.
    pub multiplier: Num,
    /// A flow that screens the open requests and authorisations in force
    /// on the date; without it they are decided at once.
    pub reassess: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// A date: `2015-04-01` or `"2015-04-01"`.
    pub start: toml::Value,
    pub years: Option<f64>,
    pub days: Option<f64>,
    pub warmup_days: Option<f64>,
    pub period: Option<String>,
    pub calendar: Option<String>,
    pub bank_holidays: Option<bool>,
    /// The areas laid side by side in this scenario (written by caseflow
    /// for a region): entries named `<area>_<name>` that give the same
    /// uncertain number draw it once for all areas.
    pub areas: Option<Vec<RawAreaTag>>,
}

/// An area laid out in a scenario of areas: its entries are named
/// `<name>_...`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAreaTag {
    pub name: String,
    pub label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    pub name: String,
    pub label: Option<String>,
    pub priority: Option<i64>,
    pub order: Option<String>,
    pub effort_hours: RawDist,
    pub duration_days: Option<RawDist>,
    pub deadline_days: Option<f64>,
    /// Which kind of work: care_management (default) or dols; a dual-role
    /// worker's policy divides their time between the two.
    pub kind: Option<String>,
    pub deprivation: Option<bool>,
    pub extension_days: Option<f64>,
    pub stock: Option<String>,
    pub diverted_share: Option<Num>,
    /// Items wait for the next batch, every this many days, before anyone
    /// takes them (sign-offs done once a week, say).
    pub batch_days: Option<f64>,
    /// Shares of triage classes, most urgent first: `[0.2, 0.5, 0.3]`.
    pub triage: Option<Vec<f64>>,
    pub arrivals: Option<RawArrivals>,
    #[serde(default)]
    pub routes: Vec<RawRoute>,
    pub initial: Option<RawInitial>,
    /// Items are people allocated to their worker (for caseloads of people).
    pub people: Option<bool>,
    pub keep_allocated: Option<RawKeep>,
    /// Only roles of this team take the flow.
    pub team: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub per_day: Option<Num>,
    pub per_week: Option<Num>,
    pub per_month: Option<Num>,
    pub per_year: Option<Num>,
    /// Growth per year, compounding: 0.03 is 3% a year.
    pub trend_per_year: Option<Num>,
    /// A damped trend: each year's growth (in logs) is this share of the
    /// year before's, so demand levels off; 0 < damping <= 1, and 1 (the
    /// default) is steady growth. `trend_per_year` is the first year's.
    pub damping: Option<f64>,
    /// Twelve monthly multipliers, January first (scaled to average 1).
    pub seasonality: Option<Vec<f64>>,
    /// Variance of a monthly gamma multiplier of mean 1 (negative
    /// binomial counts); 0 is plain Poisson.
    pub dispersion: Option<f64>,
    /// Forecast uncertainty: coefficient of variation of the level, and
    /// standard deviation of the log-growth a year, drawn per replication.
    pub level_cv: Option<f64>,
    pub trend_sd: Option<f64>,
    #[serde(default)]
    pub changes: Vec<RawChange>,
    #[serde(default)]
    pub ramps: Vec<RawRamp>,
    /// Fit the rate, trend, seasonality and dispersion to this history
    /// file (relative to the scenario file): its `flow` (default this
    /// flow's name), periods `from`/`until`, with step changes at `steps`
    /// and the trend form `trend` ("auto", the default, "log_linear" or
    /// "damped").
    pub history: Option<String>,
    pub flow: Option<String>,
    pub from: Option<toml::Value>,
    pub until: Option<toml::Value>,
    #[serde(default)]
    pub steps: Vec<toml::Value>,
    pub trend: Option<String>,
    /// The fitted rate times this: a model of part of what the history
    /// counts (one of England's 152 councils: 1/152).
    pub scale: Option<f64>,
}

/// From a date on, the rate is multiplied (Cheshire West: ×10 from
/// 2014-03-19). Multipliers of successive changes compound.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    pub from: toml::Value,
    pub multiplier: Num,
}

/// The rate moves in monthly steps from ×1 at `from` to ×`multiplier` at
/// `to`, and stays there.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRamp {
    pub from: toml::Value,
    pub to: toml::Value,
    pub multiplier: Num,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub to: String,
    pub probability: Num,
    pub delay_days: Option<RawDist>,
    pub group: Option<String>,
    pub keep_deadline: Option<bool>,
    pub from_latent_pool: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInitial {
    pub waiting: Option<f64>,
    pub waiting_age_days: Option<RawDist>,
    pub in_service: Option<f64>,
    pub scheduled: Option<f64>,
    pub scheduled_over_days: Option<f64>,
    /// People already allocated, with a flow's `keep_allocated`.
    pub allocated: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub name: String,
    pub label: Option<String>,
    pub kind: Option<String>,
    pub count: Option<f64>,
    pub fte: Option<f64>,
    pub hours_per_week: Option<f64>,
    pub casework_share: Option<Num>,
    pub caseload_cap: Option<f64>,
    pub skills: Vec<String>,
    pub per_week: Option<f64>,
    /// Bought-in capacity grows by this share a year (compounding, in
    /// monthly steps from the start) until a plan step sets per_week.
    pub growth_per_year: Option<f64>,
    pub fee: Option<f64>,
    pub salary: Option<f64>,
    pub on_costs: Option<f64>,
    pub turnover_per_year: Option<Num>,
    pub recruitment_days: Option<RawDist>,
    pub vacancies: Option<f64>,
    pub new_starter: Option<RawNewStarter>,
    pub asye: Option<RawAsye>,
    pub agency: Option<RawAgency>,
    pub dols_policy: Option<String>,
    pub dols_share: Option<Num>,
    /// With a fixed share: the share is of each "week" (default) or "month".
    pub dols_budget: Option<String>,
    pub absence: Option<bool>,
    pub overtime: Option<RawOvertime>,
    /// Dated changes: the staffing plan.
    #[serde(default)]
    pub plan: Vec<RawPlanStep>,
    /// The team its workers belong to.
    pub team: Option<String>,
    /// Whether the scenario's `[supervision]` applies (default true).
    pub supervision: Option<bool>,
}

/// One dated change to a role, from `from` (until `until`, if given).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlanStep {
    pub from: toml::Value,
    pub until: Option<toml::Value>,
    /// The establishment becomes this many FTE.
    pub fte: Option<f64>,
    /// New posts open as vacancies to recruit to, rather than filled.
    pub vacant: Option<bool>,
    /// Agency cover of vacancies starts (true) or ends (false).
    pub agency: Option<bool>,
    /// Bought-in capacity: the most assessments a week.
    pub per_week: Option<f64>,
    /// A recruitment drive: vacancies are filled after this many days.
    pub recruitment_days: Option<RawDist>,
    /// Staff leave on the date: the establishment falls by this many FTE.
    pub leave: Option<f64>,
    /// ... and their posts are filled again this many months later.
    pub replaced_after_months: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNewStarter {
    pub productivity: f64,
    pub days: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAsye {
    pub share: f64,
    pub caseload_cap: f64,
    pub days: Option<f64>,
    pub development_share: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgency {
    pub after_days: f64,
    pub day_rate: f64,
    pub productivity: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOvertime {
    pub hours_per_week: f64,
    pub hourly_rate: f64,
    pub when_waiting_over: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAbsence {
    pub annual_leave_days: Option<f64>,
    pub leave_spell_days: Option<f64>,
    pub sickness_days: Option<f64>,
    pub sickness_spell_days: Option<RawDist>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStock {
    pub name: String,
    pub leave_rate_per_year: Num,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLatentPool {
    pub name: String,
    pub size: f64,
    pub identified_per_year: Num,
    pub to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    pub name: String,
    pub date: Option<toml::Value>,
    pub annual_probability: Option<f64>,
    pub spawn: Vec<RawSpawn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpawn {
    pub flow: String,
    /// A number, or a distribution such as `{ dist = "uniform", min = 20, max = 60 }`.
    pub count: toml::Value,
}

/// A number that may be uncertain: a plain number, or a distribution
/// (`{ dist = "triangular", min = 0.3, mode = 0.5, max = 0.8 }`) drawn
/// once per replication, so that the bands carry what we do not know as
/// well as chance.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Num {
    Value(f64),
    Dist(RawDist),
}

/// A distribution: `{ dist = "lognormal", median = 6, p90 = 14 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: String,
    pub value: Option<f64>,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub cv: Option<f64>,
    pub min: Option<f64>,
    pub mode: Option<f64>,
    pub max: Option<f64>,
}
