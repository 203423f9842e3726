//! The checked model the engine runs. Only `scenario::check` builds one, so
//! every value here has passed validation: rates are finite and
//! non-negative, routes point at real flows, every flow someone can do.

pub mod calendar;
pub mod dist;
pub mod finance;
pub mod health;
pub mod names;
pub mod observed;
pub mod periods;
pub mod workforce;

pub use calendar::{Calendar, CalendarKind};
pub use dist::Dist;
pub use periods::{PeriodKind, Periods};
pub use workforce::{Absence, Agency, Asye, DolsPolicy, Overtime, PostSpec, Ramp, Role, RoleKind};

use chrono::NaiveDate;

pub type FlowId = u16;
pub type RoleId = u16;

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: String,
    /// The first reported date. Simulated time 0 is `warmup_days` before it.
    pub start: NaiveDate,
    /// Days simulated before `start` and left out of every output, so a
    /// system that starts empty can reach its working level first.
    pub warmup_days: f64,
    /// Days reported from `start`.
    pub horizon_days: f64,
    pub periods: Periods,
    /// The financial years the periods fall in.
    pub years: Vec<finance::FinYear>,
    pub inflation: finance::Inflation,
    pub budget: Vec<finance::BudgetLine>,
    pub calendar: Calendar,
    pub flows: Vec<Flow>,
    pub roles: Vec<Role>,
    pub posts: Vec<PostSpec>,
    /// Leave and sickness for roles that have them.
    pub absence: Option<Absence>,
    pub stocks: Vec<Stock>,
    pub latent_pools: Vec<LatentPool>,
    pub shocks: Vec<Shock>,
    /// Requests that pass through several flows (their stages).
    pub requests: Vec<Request>,
    /// Changes in the law that narrow who needs a request, each on a date.
    pub legal_changes: Vec<LegalChange>,
    /// Teams, as the roles name them, in order of first mention.
    pub teams: Vec<health::Team>,
    /// Supervision sessions for every staff role that has them.
    pub supervision: Option<health::Supervision>,
    /// Caseload thresholds and rating limits of the health check.
    pub health: Option<health::HealthCheck>,
    /// In a scenario of areas (a region), each area's flows and requests.
    pub areas: Vec<Area>,
    /// Other files the scenario read (history CSVs), with their SHA-256.
    pub inputs: Vec<(String, String)>,
    /// What the checks accepted but the user should know, each led by its
    /// key path (a demand fit resting on few points).
    pub warnings: Vec<String>,
    /// Numbers given as distributions: each replication draws its own.
    pub uncertain: Option<std::sync::Arc<dyn Draw>>,
    /// Where the council stands: figures the run should reproduce.
    pub observed: Vec<observed::Observation>,
    /// Values calibration may move, and their ranges.
    pub unknowns: Vec<Unknown>,
    /// Values that are defaults or guesses (key as `--set` names it, and
    /// where it comes from), for every report to list.
    pub assumptions: Vec<(String, String)>,
}

/// A value the council does not know, which calibration finds within a
/// range: a number, or a list of numbers moved together (triage shares).
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    /// As `--set` names it: one key, or several moved together (every
    /// Care Act role's casework share, say).
    pub keys: Vec<String>,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
    /// Whether the value is a list.
    pub list: bool,
    /// Whether it takes whole numbers only (both ends of its range are
    /// written as whole numbers: caseload caps, say).
    pub whole: bool,
    pub label: Option<String>,
    /// Found first, on its own, with the rest held at their given values;
    /// then the rest with it held at what was found. For a value that
    /// alone moves a figure so steeply that a joint search steps over it
    /// (a casework share and a waiting list).
    pub first: bool,
    /// Found last, on its own, with the rest held at what was found: for
    /// a value that moves only its own figures (how long people stay
    /// allocated moves caseloads, and nothing else).
    pub last: bool,
}

impl Unknown {
    /// The keys as one name: "a" or "a + b".
    pub fn key(&self) -> String {
        self.keys.join(" + ")
    }

    /// As a report names it: its label, else its keys.
    pub fn name(&self) -> String {
        self.label.clone().unwrap_or_else(|| self.key())
    }

    /// The value a fraction `t` (0 to 1) of the way from low to high.
    pub fn at(&self, t: f64) -> Vec<f64> {
        self.low.iter().zip(&self.high).map(|(a, b)| a + t * (b - a)).collect()
    }

    /// The value at `t` as TOML writes it, rounded to what a person would
    /// write (4 significant figures).
    pub fn toml_at(&self, t: f64) -> String {
        if !self.list {
            let one = |x: f64| if self.whole { format!("{}", x.round()) } else { tidy(x) };
            return self.at(t).iter().map(|&x| one(x)).collect::<Vec<_>>().join(", ");
        }
        // A list to 4 decimal places that keeps its sum (shares that add
        // up to 1 still do): the rounding left over goes on the last.
        let round = |x: f64| (x * 1e4).round() / 1e4;
        let raw = self.at(t);
        let mut v: Vec<f64> = raw.iter().map(|&x| round(x)).collect();
        let left = round(raw.iter().sum::<f64>()) - v.iter().sum::<f64>();
        if let Some(last) = v.last_mut() {
            *last = round(*last + left);
        }
        let shown: Vec<String> = v.iter().map(|x| trim_zeros(&format!("{x:.4}"))).collect();
        format!("[{}]", shown.join(", "))
    }

    /// How far the value at `t` is from `value`, as a share of the range's
    /// length. A list given off the line between the ends (triage shares
    /// [0.2, 0.4, 0.4] on a range whose high shares take from the low)
    /// moves by its distance, though its `position` may not change.
    pub fn moved(&self, value: &[f64], t: f64) -> Option<f64> {
        let norm = |v: &mut dyn Iterator<Item = f64>| v.map(|x| x * x).sum::<f64>().sqrt();
        let length = norm(&mut self.low.iter().zip(&self.high).map(|(a, b)| b - a));
        if value.len() != self.low.len() || length == 0.0 {
            return None;
        }
        Some(norm(&mut self.at(t).iter().zip(value).map(|(a, b)| a - b)) / length)
    }

    /// The fraction of the way from low to high a value lies (of its first
    /// number that differs between the ends).
    pub fn position(&self, value: &[f64]) -> Option<f64> {
        let k = (0..self.low.len()).find(|&k| self.low[k] != self.high[k])?;
        Some((value.get(k)? - self.low[k]) / (self.high[k] - self.low[k]))
    }
}

/// A number to 4 significant figures, as a TOML float or integer.
pub fn tidy(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".into();
    }
    let digits = 3 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    let r = (x * scale).round() / scale;
    trim_zeros(&format!("{r:.*}", digits.max(0) as usize))
}

/// "0.2500" as "0.25", "3.0" as "3".
fn trim_zeros(s: &str) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
}

/// A model some of whose numbers are uncertain. Each replication draws a
/// value for each and runs the model those values make, so the bands carry
/// the doubt about the numbers as well as the chance in the work.
pub trait Draw: std::fmt::Debug + Send + Sync {
    /// The model made by one set of draws; `sample` gives the value of the
    /// named number. The result has no uncertain numbers of its own.
    fn draw(&self, sample: &mut dyn FnMut(&str, &Dist) -> f64) -> Model;
    /// Each uncertain number's name (as `--set` names it) and distribution.
    fn params(&self) -> Vec<(String, Dist)>;
}

impl Model {
    pub fn flow_id(&self, name: &str) -> Option<FlowId> {
        self.flows.iter().position(|f| f.name == name).map(|i| i as FlowId)
    }

    /// A flow's name in a report: a stage's label with its request's
    /// ("standard DoLS requests: sign-off"), else its own.
    pub fn flow_title(&self, f: usize) -> String {
        let flow = &self.flows[f];
        match flow.stage_of {
            Some((r, _)) => {
                let request = &self.requests[r].label;
                format!("{request}: {}", within(request, &flow.label))
            }
            None => flow.label.clone(),
        }
    }

    /// Whether flow `f` screens people after a change in the law (DoLS
    /// work, but not requests: it is no part of the backlog).
    pub fn is_screening(&self, f: usize) -> bool {
        self.legal_changes.iter().any(|l| l.reassess == Some(f as FlowId))
    }

    pub fn request_id(&self, name: &str) -> Option<usize> {
        self.requests.iter().position(|r| r.name == name)
    }

    pub fn role_id(&self, name: &str) -> Option<RoleId> {
        self.roles.iter().position(|r| r.name == name).map(|i| i as RoleId)
    }

    /// The calendar date of engine time `t` (the day it falls in).
    pub fn date_at(&self, t: f64) -> NaiveDate {
        self.start + chrono::TimeDelta::days((t - self.warmup_days).floor() as i64)
    }

    /// Whether the scenario uses caseloads of people, teams, supervision or
    /// the health check: only then are the workforce measures kept, so a
    /// scenario without them runs as it did before they existed.
    pub fn tracks_workforce(&self) -> bool {
        self.flows.iter().any(|f| f.people)
            || !self.teams.is_empty()
            || self.supervision.is_some()
            || self.health.is_some()
            || self.roles.iter().any(|r| r.cpd_share > 0.0)
    }

    /// The team a flow's waiting people belong to: the flow's own, or the
    /// one team of every staff role that takes it.
    pub fn flow_team(&self, f: usize) -> Option<u16> {
        let flow = &self.flows[f];
        if flow.team.is_some() {
            return flow.team;
        }
        let mut teams =
            self.roles.iter().filter(|r| !r.is_bought_in() && r.skills.contains(&(f as u16))).map(|r| r.team);
        let first = teams.next()??;
        teams.all(|t| t == Some(first)).then_some(first)
    }

    /// The engine time at which a calendar date starts.
    pub fn time_of(&self, date: NaiveDate) -> f64 {
        self.warmup_days + periods::day_of(self.start, date)
    }

    /// Engine time at which simulation stops.
    pub fn end_time(&self) -> f64 {
        self.warmup_days + self.horizon_days
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOrder {
    /// First come, first served.
    Fifo,
    /// Earliest deadline first; items without a deadline go last.
    Deadline,
}

#[derive(Debug, Clone)]
pub struct Flow {
    pub name: String,
    /// Plain-language name for reports ("needs assessments").
    pub label: String,
    /// Lower numbers are allocated first.
    pub priority: u32,
    pub order: QueueOrder,
    /// Hours of a worker's casework time one item takes.
    pub effort_hours: Dist,
    /// Least elapsed days over which the effort is spread (visits, calls,
    /// waiting on others); `None` means as fast as the worker's hours allow.
    pub duration_days: Option<Dist>,
    pub deadline_days: Option<f64>,
    /// Which of a dual-role worker's two kinds of work this is.
    pub kind: WorkKind,
    /// People are deprived of liberty while an item is open; past its
    /// deadline plus this many days' extension they are unauthorised.
    pub deprivation: Option<f64>,
    /// Items belong to people in this stock, who leave it at a hazard rate;
    /// their open and pending items are then withdrawn.
    pub stock: Option<usize>,
    /// Extra share of completions resolved by information and advice, with
    /// no follow-up (a prevention lever).
    pub diverted_share: f64,
    /// Screening: cumulative shares of triage classes, most urgent first
    /// (empty: one class). Waiting items are taken by class, then order.
    pub triage: Vec<f64>,
    pub arrivals: Option<Arrivals>,
    /// Outcomes on completion; each group picks at most one route.
    pub route_groups: Vec<RouteGroup>,
    /// Work in hand when the simulation starts.
    pub initial: Initial,
    /// Workers who may take this flow: staff first, then bought-in, each
    /// in worker order.
    pub eligible: Vec<u32>,
    /// Items are released to workers in batches, every this many days.
    pub batch_days: Option<f64>,
    /// The request this flow is a stage of, and which stage (0 first).
    pub stage_of: Option<(usize, usize)>,
    /// Its items are people: an open one is a person allocated to its
    /// worker, a waiting one a person waiting for allocation.
    pub people: bool,
    /// People who stay allocated after the work is done.
    pub keep: Option<health::Keep>,
    /// Only roles of this team take it.
    pub team: Option<u16>,
}

impl Flow {
    /// The triage class (0 most urgent) that a uniform draw `u` in 0..1
    /// falls in.
    pub fn triage_class(&self, u: f64) -> u8 {
        self.triage.iter().position(|&c| u < c).unwrap_or(self.triage.len().saturating_sub(1)) as u8
    }
}

/// A label shown under another that names its area already ("Carrow:
/// standard DoLS applications"): without the area ("sign-off", not
/// "Carrow: sign-off"). Labels outside a region are as they are.
pub fn within<'a>(context: &str, label: &'a str) -> &'a str {
    context
        .split_once(": ")
        .and_then(|(area, _)| label.strip_prefix(area).and_then(|rest| rest.strip_prefix(": ")))
        .unwrap_or(label)
}

/// One area of a scenario of areas: a council in a regional hub.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub name: String,
    /// Plain-language name for reports ("Ashby").
    pub label: String,
    pub flows: Vec<FlowId>,
    pub requests: Vec<usize>,
}

/// A request that passes through several flows, its stages: one request
/// with one deadline and one decision to its users, whatever the steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub name: String,
    /// Plain-language name for reports ("standard DoLS requests").
    pub label: String,
    /// The flows it passes through, in order; the last one decides it.
    pub stages: Vec<FlowId>,
}

impl Request {
    pub fn first(&self) -> usize {
        self.stages[0] as usize
    }

    pub fn last(&self) -> usize {
        *self.stages.last().expect("a request has a stage") as usize
    }
}

/// The day the Supreme Court overruled Cheshire West ([2026] UKSC 16).
pub fn supreme_court_ruling_2026() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 2).expect("a valid date")
}

/// A change in the law on a date after which only a share of people need
/// the requests it names. Every source of new people is thinned from the
/// date: direct arrivals (their rate), routes from other flows (a review
/// that finds a DoLS need), latent pools (the not yet identified) and
/// shocks. People already in the system (open requests, authorisations in
/// force with a renewal booked) are screened once, on the date or by a
/// reassessment flow; those who no longer qualify have their request
/// withdrawn and their renewal cancelled. Renewals of people who still
/// qualify are not thinned again.
#[derive(Debug, Clone)]
pub struct LegalChange {
    pub name: String,
    /// Plain-language name for reports ("the Supreme Court ruling").
    pub label: String,
    /// Engine time it takes effect.
    pub at: f64,
    /// Share of people who still need the requests under the new law.
    pub still_required: f64,
    /// Every flow of the requests it names (all their stages).
    pub flows: Vec<FlowId>,
    /// The first stage of each: where new people enter.
    pub entries: Vec<FlowId>,
    /// The flow whose items screen people in the system on the date.
    pub reassess: Option<FlowId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkKind {
    CareManagement,
    Dols,
}

impl WorkKind {
    pub fn name(self) -> &'static str {
        match self {
            WorkKind::CareManagement => "care_management",
            WorkKind::Dols => "dols",
        }
    }
}

/// Work already in the system at simulated time 0.
#[derive(Debug, Clone, Default)]
pub struct Initial {
    /// Unallocated items, and how long they have waited already.
    pub waiting: u32,
    pub waiting_age_days: Option<Dist>,
    /// Items already allocated, spread over the skilled workers.
    pub in_service: u32,
    /// Follow-ups already booked (reviews, renewals), falling due evenly
    /// over the next `scheduled_over_days`.
    pub scheduled: u32,
    pub scheduled_over_days: f64,
    /// People already allocated (kept after their work), spread over the
    /// workers who take the flow, each with part of their time left.
    pub allocated: u32,
}

/// A stock of people (for example everyone subject to DoLS) who leave it
/// by death, discharge or regaining capacity.
#[derive(Debug, Clone)]
pub struct Stock {
    pub name: String,
    pub leave_per_day: f64,
}

/// People who need the service but have not been identified yet (the
/// Cheshire West "acid test" population). They are found at a rate, and
/// by routes that draw on the pool (a review that spots a DoLS need).
#[derive(Debug, Clone)]
pub struct LatentPool {
    pub name: String,
    pub size: u32,
    /// Share of those still unidentified who are found per day.
    pub identified_per_day: f64,
    pub to: FlowId,
}

/// A sudden burst of work: a care home closes, and its residents need
/// urgent reviews and new DoLS requests where they move.
#[derive(Debug, Clone)]
pub struct Shock {
    pub name: String,
    pub when: ShockTime,
    pub spawn: Vec<(FlowId, Dist)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShockTime {
    /// At this engine time.
    At(f64),
    /// At random, this many times a day on average.
    Random { per_day: f64 },
}

/// Exogenous arrivals: a Poisson process whose rate is constant on each
/// segment. Segment boundaries are in engine time (warm-up included).
/// With `dispersion`, each segment's rate is multiplied by a gamma draw of
/// mean 1 and variance `dispersion`, making counts negative binomial.
#[derive(Debug, Clone)]
pub struct Arrivals {
    pub segments: Vec<Segment>,
    pub dispersion: Option<f64>,
    /// Forecast uncertainty, drawn once per replication: the rate is
    /// multiplied by a lognormal of this coefficient of variation (mean 1)
    /// and by exp(e x years since the start) with e ~ Normal(0, trend_sd).
    pub level_cv: f64,
    pub trend_sd: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub start: f64,
    pub rate_per_day: f64,
}

impl Arrivals {
    pub fn constant(rate_per_day: f64) -> Arrivals {
        Arrivals {
            segments: vec![Segment { start: 0.0, rate_per_day }],
            dispersion: None,
            level_cv: 0.0,
            trend_sd: 0.0,
        }
    }

    /// Multiply the rate from engine time `t` on by `k`, splitting the
    /// segment that `t` falls in.
    pub fn scale_from(&mut self, t: f64, k: f64) {
        let at = self.segments.partition_point(|s| s.start < t);
        if at > 0 && self.segments.get(at).is_none_or(|s| s.start > t) {
            let rate = self.segments[at - 1].rate_per_day;
            self.segments.insert(at, Segment { start: t, rate_per_day: rate });
        }
        for s in &mut self.segments[at..] {
            s.rate_per_day *= k;
        }
    }

    /// Expected arrivals in engine time [a, b).
    pub fn expected(&self, a: f64, b: f64) -> f64 {
        let mut total = 0.0;
        for (i, s) in self.segments.iter().enumerate() {
            let end = self.segments.get(i + 1).map_or(f64::INFINITY, |n| n.start);
            let lo = s.start.max(a);
            let hi = end.min(b);
            if hi > lo {
                total += (hi - lo) * s.rate_per_day;
            }
        }
        total
    }
}

#[derive(Debug, Clone)]
pub struct RouteGroup {
    pub name: String,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub to: FlowId,
    pub probability: f64,
    /// Days until the follow-up is due; `None` means at once.
    pub delay_days: Option<Dist>,
    /// The follow-up is the next stage of the same case: it keeps the
    /// deadline (and deprivation clock) of the item it comes from.
    pub keep_deadline: bool,
    /// The route needs someone from this latent pool, and happens only
    /// while the pool is not empty.
    pub from_latent_pool: Option<usize>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_label_under_its_area_does_not_name_the_area_again() {
        use super::within;
        assert_eq!(within("Carrow: standard DoLS applications", "Carrow: sign-off"), "sign-off");
        assert_eq!(within("Carrow: standard DoLS applications", "Ashby: sign-off"), "Ashby: sign-off");
        assert_eq!(within("standard DoLS requests", "sign-off"), "sign-off");
        assert_eq!(within("Carrow: x", "Carrowby: sign-off"), "Carrowby: sign-off");
    }

    #[test]
    fn a_triage_given_off_its_range_line_moves_by_its_distance() {
        let triage = super::Unknown {
            keys: vec!["flows.standard_bia.triage".into()],
            low: vec![0.05, 0.35, 0.6],
            high: vec![0.6, 0.25, 0.15],
            list: true,
            whole: false,
            label: None,
            first: false,
            last: false,
        };
        let given = [0.2, 0.4, 0.4];
        let t = triage.position(&given).unwrap();
        // Same high share, so the same position; but medium and low moved.
        let moved = triage.moved(&given, t).unwrap();
        assert!((moved - 0.1523).abs() < 1e-3, "{moved}");
        assert!(triage.moved(&triage.at(0.3), 0.3).unwrap() < 1e-12);
        let share = super::Unknown { keys: vec!["x".into()], low: vec![0.1], high: vec![0.5], list: false, ..triage };
        assert!((share.moved(&[0.2], 0.75).unwrap() - 0.5).abs() < 1e-12);
    }
}
