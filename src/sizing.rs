//! How big a run will be, worked out from the checked model before any
//! simulating: posts, items of work, events and memory. The app refuses a
//! run beyond the limits, with the estimate in the message, and uses fewer
//! threads when that is what keeps memory within the limit (results do not
//! depend on the number of threads).
//!
//! The figures are high estimates, meant to catch scenarios that would
//! exhaust memory or run for days (a typo such as `per_year = 1e9`, or
//! `period = "day"` over decades), not to predict a run to the megabyte.
//! Items created in one replication are bounded by the expected count
//! (arrivals, initial work, latent pools, shocks, follow-ups generation by
//! generation) plus a margin for chance; memory counts what the engine
//! keeps per item alive, per post, per flow and per reporting period, and
//! the bands: the run's total, with at most `MAX_BUCKETS` buckets a band,
//! and each thread's over its last few replications.

use std::fmt;

use crate::model::{Dist, Model, RoleKind, ShockTime};
use crate::results::{FlowKpi, FlowMetric, RoleKpi, RoleMetric, TotalMetric, WAIT_BINS};
use crate::runner::FLUSH;
use crate::stats::MAX_BUCKETS;
use crate::units::{DAYS_PER_WEEK, DAYS_PER_YEAR};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Engine memory per item alive: the item, its slab slot, queue and event
/// entries and its person, with room for vectors that double as they grow.
const ITEM_BYTES: f64 = 384.0;
/// Per post: the engine's worker state, random stream and event entries.
const POST_BYTES: f64 = 1024.0;
/// Per flow: waiting-time and completion histograms (in the tallies and
/// the result), queues and streams.
const FLOW_BYTES: f64 = (WAIT_BINS * 4 * 4) as f64 + 4096.0;
/// Per flow and reporting period: the tally, snapshot and result values.
const FLOW_PERIOD_BYTES: f64 = 512.0;
/// Per role and reporting period.
const ROLE_PERIOD_BYTES: f64 = 768.0;
/// Per reporting period: totals and latent counts.
const PERIOD_BYTES: f64 = 256.0;
/// A band: its counts and sums, and room for its first buckets once it has
/// a value.
const BAND_BYTES: f64 = 80.0;
const BAND_FIRST_BYTES: f64 = 32.0;
/// Each distinct bucket of a band's quantile sketch, with the eighth more
/// its vector may have room for.
const BUCKET_BYTES: f64 = 9.0;
/// Per table row while the tables are built and written.
const ROW_BYTES: f64 = 512.0;
/// Anything else: the program, the model, buffers.
const BASE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// Events the estimate counts, simulated a second on one thread: below
/// the middle of the rates measured on the shipped scenarios (3.2 to 18.7
/// million; docs/performance.md, "How long a run takes"), so that the time
/// said before a long run is near what it takes, erring long.
pub const EVENTS_PER_SECOND: f64 = 4.0e6;
/// The longest run started without asking, in seconds.
pub const DEFAULT_MAX_SECONDS: f64 = 3600.0;

/// What a run may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub memory_bytes: f64,
    pub items_per_replication: f64,
    pub events_per_replication: f64,
    /// Wall-clock seconds; infinite once the user has said yes.
    pub seconds: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_bytes: 4.0 * GIB,
            items_per_replication: 5e7,
            events_per_replication: 1e9,
            seconds: DEFAULT_MAX_SECONDS,
        }
    }
}

impl Limits {
    /// The default limits with `gib` GiB of memory.
    pub fn with_memory_gib(gib: f64) -> Limits {
        Limits { memory_bytes: gib * GIB, ..Limits::default() }
    }
}

/// The default memory limit in GB: half the machine's memory (from
/// /proc/meminfo), or 4 GB where that cannot be read.
pub fn default_memory_gib() -> f64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some((kb * 1024.0 / GIB / 2.0).max(1.0))
        })
        .unwrap_or(4.0)
}

/// The size of a run of one or more models (several for a comparison,
/// which simulates each replication of every model together).
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Posts, over all models.
    pub posts: f64,
    /// Reporting periods (of the longest model).
    pub periods: usize,
    /// Items of work created in one replication (a high estimate).
    pub items: f64,
    /// Items alive at once (waiting, in progress or booked): what the
    /// engine holds in memory. All items created, unless the staff have
    /// room for the work, when Little's law bounds it.
    pub alive: f64,
    /// Events handled in one replication (a high estimate).
    pub events: f64,
    /// Engine memory while one replication runs, in bytes.
    pub replication_bytes: f64,
    /// One set of bands over replications, in bytes.
    pub aggregate_bytes: f64,
    /// One thread's set of bands over the few replications it folds
    /// before they are merged into the total, in bytes.
    pub accumulator_bytes: f64,
    /// Bytes of the tables built from the bands.
    pub table_bytes: f64,
    pub threads: usize,
    /// Replications of the run.
    pub replications: u64,
    /// The whole run, in bytes.
    pub memory_bytes: f64,
    /// Where the size comes from, to name the largest part.
    pub causes: Vec<Cause>,
}

/// One source of size: items, events and bytes it adds to a replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    pub items: f64,
    pub events: f64,
    pub bytes: f64,
    pub what: String,
}

impl Cause {
    fn items(n: f64, what: String) -> Cause {
        Cause { items: n, events: 4.0 * n, bytes: n * ITEM_BYTES, what }
    }
}

/// Items alive at once, at most `items` (all created). Where the staff
/// who do a group of flows have room for their work, in hours and in
/// caseload, items do not pile up: by Little's law those alive are the
/// arrival rate times the time an item is open (its duration, its effort
/// at one post's pace, and a margin for waiting), with room for chance;
/// follow-ups booked ahead add their rate times their delay.
fn alive_items(m: &Model, created: &[f64], items: f64, total_days: f64) -> f64 {
    let nf = m.flows.len();
    let group = staff_groups(m);
    let pace = Pace {
        rate: created.iter().map(|c| c / total_days.max(1.0)).collect(),
        effort: m.flows.iter().map(|f| f.effort_hours.mean()).collect(),
        duration: m.flows.iter().map(|f| f.duration_days.as_ref().map_or(0.0, Dist::mean)).collect(),
    };
    let mut roomy = vec![true; nf];
    // For groups without room: items sure to be finished, per flow.
    let mut finished = vec![0.0f64; nf];
    for g in 0..nf {
        let flows: Vec<usize> = (0..nf).filter(|&f| group[f] == g).collect();
        if !flows.is_empty() {
            judge_group(m, &flows, &pace, total_days, &mut roomy, &mut finished);
        }
    }
    let mut alive = 0.0;
    for f in 0..nf {
        alive += alive_in_flow(m, f, &pace, created, roomy[f], finished[f]);
    }
    with_margin(alive).min(items)
}

/// Per flow: items a day, hours an item, and days an item is open.
struct Pace {
    rate: Vec<f64>,
    effort: Vec<f64>,
    duration: Vec<f64>,
}

/// Each flow's group: flows and roles that share staff form groups, each
/// judged whole, named by one of its flows.
fn staff_groups(m: &Model) -> Vec<usize> {
    let mut group: Vec<usize> = (0..m.flows.len()).collect();
    fn root(g: &mut [usize], mut i: usize) -> usize {
        while g[i] != i {
            g[i] = g[g[i]];
            i = g[i];
        }
        i
    }
    for r in &m.roles {
        for w in r.skills.windows(2) {
            let (a, b) = (root(&mut group, w[0] as usize), root(&mut group, w[1] as usize));
            group[a] = b;
        }
    }
    (0..group.len()).map(|f| root(&mut group, f)).collect()
}

/// Whether a group of flows has room for its work, in hours and in
/// caseload, and, for each of its flows, the items it is sure to finish.
fn judge_group(m: &Model, flows: &[usize], pace: &Pace, total_days: f64, roomy: &mut [bool], finished: &mut [f64]) {
    let Pace { rate, effort, duration } = pace;
    let roles: Vec<&crate::model::Role> =
        m.roles.iter().filter(|r| r.skills.iter().any(|&s| flows.contains(&(s as usize)))).collect();
    let items_per_day: f64 = flows.iter().map(|&f| rate[f]).sum();
    let hours_needed: f64 = flows.iter().map(|&f| rate[f] * effort[f]).sum();
    let mean_effort = if items_per_day > 0.0 { hours_needed / items_per_day } else { 0.0 };
    let (hours, open, slowest_post) = capacity(&roles, mean_effort);
    let open_needed: f64 = flows.iter().map(|&f| rate[f] * (duration[f] + effort[f] / slowest_post)).sum();
    let bought = roles.iter().any(|r| r.is_bought_in());
    let fits = hours_needed <= 0.8 * hours && (bought || open_needed <= 0.8 * open);
    // Half of what the group could finish at full stretch, shared out
    // by demand: what stays alive is at most the rest.
    let by_hours = if mean_effort > 0.0 { hours / mean_effort } else { 0.0 };
    let by_caseload = if bought || open_needed <= 0.0 { f64::INFINITY } else { open / open_needed * items_per_day };
    let can_finish = 0.5 * total_days * by_hours.min(by_caseload);
    for &f in flows {
        roomy[f] = fits && slowest_post.is_finite();
        if items_per_day > 0.0 && can_finish.is_finite() {
            finished[f] = can_finish * rate[f] / items_per_day;
        }
    }
}

/// What the roles of a group can do, surely, in a day: hours, open items
/// held, and the hours a day of the slowest post.
fn capacity(roles: &[&crate::model::Role], mean_effort: f64) -> (f64, f64, f64) {
    let (mut hours, mut open) = (0.0, 0.0);
    let mut slowest_post = f64::INFINITY;
    for r in roles {
        match r.kind {
            RoleKind::BoughtIn { per_week, .. } => hours += per_week / DAYS_PER_WEEK * mean_effort,
            RoleKind::Staff => {
                // Posts open throughout: the least establishment of the plan.
                let least = r
                    .plan
                    .iter()
                    .filter_map(|s| match s.change {
                        crate::model::workforce::PlanChange::Fte { fte, .. } => Some(fte),
                        _ => None,
                    })
                    .fold(r.fte, f64::min);
                let posts = (least - r.vacancies).max(0.0);
                // Leave, sickness and turnover take some of the time.
                hours += 0.6 * r.hours_per_day(posts);
                open += 0.6 * f64::from(r.caseload_cap) * posts;
                if posts > 0.0 {
                    slowest_post = slowest_post.min(r.hours_per_day(1.0));
                }
            }
        }
    }
    (hours, open, slowest_post)
}

/// Items of flow `f` alive at once: by Little's law where its group has
/// room, else all not surely finished; and follow-ups booked ahead.
fn alive_in_flow(m: &Model, f: usize, pace: &Pace, created: &[f64], roomy: bool, finished: f64) -> f64 {
    let Pace { rate, effort, duration } = pace;
    let flow = &m.flows[f];
    let init = &flow.initial;
    let start = f64::from(init.waiting) + f64::from(init.in_service) + f64::from(init.scheduled);
    let open = if roomy {
        let slowest = m
            .roles
            .iter()
            .filter(|r| r.skills.contains(&(f as u16)) && !r.is_bought_in())
            .map(|r| r.hours_per_day(1.0))
            .fold(f64::INFINITY, f64::min);
        let at_pace = if slowest.is_finite() && slowest > 0.0 { effort[f] / slowest } else { 1.0 };
        // Twice the Little's-law level, plus a month of arrivals waiting.
        with_margin(2.0 * rate[f] * (duration[f] + at_pace + 30.0)) + start
    } else {
        (created[f] - finished).max(start + 0.05 * created[f])
    };
    let booked: f64 = flow
        .route_groups
        .iter()
        .flat_map(|g| &g.routes)
        .filter_map(|r| r.delay_days.as_ref().map(|d| (r, d.mean())))
        .map(|(r, delay)| with_margin(2.0 * rate[f] * r.probability * delay).min(created[r.to as usize]))
        .sum();
    open.min(created[f]) + booked
}

impl Estimate {
    /// The size of running `models` side by side for `replications` on
    /// `threads` threads.
    pub fn of(models: &[&Model], replications: u64, threads: usize) -> Estimate {
        let mut e = Estimate {
            posts: 0.0,
            periods: 0,
            items: 0.0,
            alive: 0.0,
            events: 0.0,
            replication_bytes: 0.0,
            aggregate_bytes: 0.0,
            accumulator_bytes: 0.0,
            table_bytes: 0.0,
            threads: threads.max(1),
            replications,
            memory_bytes: 0.0,
            causes: Vec::new(),
        };
        let mut causes = Vec::new();
        for m in models {
            let one = one_model(m, replications, &mut causes);
            e.posts += one.posts;
            e.periods = e.periods.max(m.periods.len());
            e.items += one.items;
            e.alive += one.alive;
            e.events += one.events;
            e.replication_bytes += one.replication_bytes;
            e.aggregate_bytes += one.aggregate_bytes;
            e.accumulator_bytes += one.accumulator_bytes;
            e.table_bytes += one.table_bytes;
        }
        if models.len() > 1 {
            // The paired differences: one band per measure per other model.
            let measures = models[0].flows.len() * FlowKpi::COUNT + models[0].roles.len() * RoleKpi::COUNT + 12;
            let bands = (models.len() - 1) as f64 * measures as f64;
            e.aggregate_bytes += bands * band_bytes(buckets(replications));
            e.accumulator_bytes += bands * band_bytes(buckets(replications.min(FLUSH)));
        }
        e.memory_bytes = e.memory_at(e.threads);
        e.causes = causes;
        e
    }

    /// A job of runs made one after another (a calibration's candidates, a
    /// health check's staffing searches): only one runs at a time, so the
    /// biggest part sets the memory, while the times add. Check each part
    /// on its own first: the events here are the job's mean per replication.
    pub fn combined(parts: Vec<Estimate>) -> Option<Estimate> {
        let replications: u64 = parts.iter().map(|e| e.replications).sum();
        let events: f64 = parts.iter().map(|e| e.events * e.replications as f64).sum();
        let biggest = parts.into_iter().max_by(|a, b| a.memory_bytes.total_cmp(&b.memory_bytes))?;
        Some(Estimate { replications, events: events / replications.max(1) as f64, ..biggest })
    }

    /// The largest part of the size by `what` (items, events or memory).
    pub fn cause(&self, what: Over) -> Option<&str> {
        let key = |c: &Cause| match what {
            Over::Items => c.items,
            Over::Events => c.events,
            Over::Memory => c.bytes,
            Over::Time => c.events,
        };
        self.causes.iter().filter(|c| key(c) > 0.0).max_by(|a, b| key(a).total_cmp(&key(b))).map(|c| c.what.as_str())
    }

    /// Memory of the run on `threads` threads: each thread runs a
    /// replication and keeps bands over its last few replications, which
    /// it merges into the total (with room for a second total: a precision
    /// run's batch before it is merged into the run's), then the tables
    /// are built from the total.
    pub fn memory_at(&self, threads: usize) -> f64 {
        let t = threads.max(1) as f64;
        let simulating = t * (self.replication_bytes + self.accumulator_bytes) + 2.0 * self.aggregate_bytes;
        let summarising = self.aggregate_bytes + self.table_bytes;
        BASE_BYTES + simulating.max(summarising)
    }

    /// Seconds the run takes on its threads: the events of every
    /// replication at the measured rate, the replications shared out.
    pub fn seconds(&self) -> f64 {
        let rounds = (self.replications as f64 / self.threads.max(1) as f64).ceil();
        self.events * rounds / EVENTS_PER_SECOND
    }

    /// How long the run may take at most, in words, for a run long enough that
    /// the user should hear before it starts; `None` for a short one.
    pub fn long_run(&self) -> Option<String> {
        (self.seconds() > 60.0).then(|| {
            format!(
                "this run may take up to about {} on {} thread{} (estimated high: {} replications of at most about {} events)",
                duration(self.seconds()),
                self.threads,
                if self.threads == 1 { "" } else { "s" },
                count(self.replications as f64),
                count(self.events)
            )
        })
    }

    /// Check against `limits`: the estimate on the most threads (up to the
    /// ones asked for) that fit, or why the run is refused.
    pub fn check(mut self, limits: &Limits) -> Result<Estimate, TooBig> {
        let refuse = |e: Estimate, what: Over| Err(TooBig { estimate: Box::new(e), limits: *limits, what });
        if !within(self.items, limits.items_per_replication) {
            return refuse(self, Over::Items);
        }
        if !within(self.events, limits.events_per_replication) {
            return refuse(self, Over::Events);
        }
        if !within(self.memory_at(1), limits.memory_bytes) {
            self.memory_bytes = self.memory_at(1);
            self.threads = 1;
            return refuse(self, Over::Memory);
        }
        while self.threads > 1 && !within(self.memory_at(self.threads), limits.memory_bytes) {
            self.threads -= 1;
        }
        self.memory_bytes = self.memory_at(self.threads);
        if !within(self.seconds(), limits.seconds) {
            return refuse(self, Over::Time);
        }
        Ok(self)
    }
}

/// `v` is a number no more than `limit` (NaN, from an overflow, is not).
fn within(v: f64, limit: f64) -> bool {
    v.partial_cmp(&limit).is_some_and(|o| o.is_le())
}

/// Which limit a run is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Items,
    Events,
    Memory,
    Time,
}

/// A run refused before it starts, with its estimate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct TooBig {
    pub estimate: Box<Estimate>,
    pub limits: Limits,
    pub what: Over,
}

impl fmt::Display for TooBig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.estimate;
        let l = &self.limits;
        let over = match self.what {
            Over::Items => format!(
                "{} items of work in one replication (the limit is {})",
                about(e.items),
                count(l.items_per_replication)
            ),
            Over::Events => format!(
                "{} events in one replication (the limit is {}, about {} minutes)",
                about(e.events),
                count(l.events_per_replication),
                (l.events_per_replication / 5e6 / 60.0).round()
            ),
            Over::Memory => format!(
                "{} even on one thread (the limit is {}; --max-memory GB raises it)",
                memory(e.memory_bytes),
                bytes(l.memory_bytes)
            ),
            Over::Time => {
                return write!(
                    f,
                    "this run would take about {} on {} thread{} ({} replications of about {} events, at {} events a second a thread), longer than the {} allowed without asking. Run it anyway with --yes, or allow longer with --max-time MINUTES (e.g. --max-time {}); fewer replications or a shorter horizon take less. {}",
                    duration(e.seconds()),
                    e.threads,
                    if e.threads == 1 { "" } else { "s" },
                    count(e.replications as f64),
                    count(e.events),
                    count(EVENTS_PER_SECOND),
                    duration(l.seconds),
                    (e.seconds() / 60.0).ceil(),
                    e.cause(self.what).map_or(String::new(), |c| format!("Most of it comes from {c}."))
                );
            }
        };
        if !e.items.is_finite() {
            return write!(
                f,
                "this run is too big to simulate: {over}. Some rate or count is so large that the numbers overflow. {}",
                e.cause(self.what).map_or(String::new(), |c| format!("It comes from {c}."))
            );
        }
        write!(
            f,
            "this run is too big to simulate: {over}. Estimate: {} posts, {} reporting periods, {} items and {} events a replication, {}. {}",
            count(e.posts),
            count(e.periods as f64),
            count(e.items),
            count(e.events),
            memory(e.memory_bytes),
            e.cause(self.what).map_or(String::new(), |c| format!("Most of it comes from {c}."))
        )
    }
}

/// "45 minutes", "3.2 hours", "12 days".
fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        "unboundedly long".into()
    } else if seconds < 90.0 {
        format!("{:.0} seconds", seconds.ceil())
    } else if seconds < 5400.0 {
        format!("{:.0} minutes", (seconds / 60.0).ceil())
    } else if seconds < 2.0 * 86400.0 {
        format!("{:.1} hours", seconds / 3600.0)
    } else {
        format!("{} days", count(seconds / 86400.0))
    }
}

/// "about 1,234", or "unboundedly many" when it overflowed.
fn about(v: f64) -> String {
    if v.is_finite() { format!("about {}", count(v)) } else { "unboundedly many".into() }
}

/// "about 3.2 GB of memory", or "unbounded memory".
fn memory(v: f64) -> String {
    if v.is_finite() { format!("about {} of memory", bytes(v)) } else { "unbounded memory".into() }
}

/// A number for people: 1,234 or 3.2e12.
fn count(v: f64) -> String {
    if !v.is_finite() {
        "unbounded".into()
    } else if v < 1e9 {
        crate::format::thousands(v.round())
    } else {
        format!("{v:.1e}")
    }
}

fn bytes(v: f64) -> String {
    if !v.is_finite() {
        "unbounded".into()
    } else if v >= 100.0 * GIB {
        format!("{} GB", count(v / GIB))
    } else if v >= GIB {
        format!("{:.1} GB", v / GIB)
    } else {
        format!("{:.0} MB", (v / 1024.0 / 1024.0).ceil())
    }
}

/// The most buckets a band over `replications` holds: one per value, up
/// to the bound at which it coarsens.
fn buckets(replications: u64) -> f64 {
    replications.min(MAX_BUCKETS as u64) as f64
}

fn band_bytes(buckets: f64) -> f64 {
    BAND_BYTES + if buckets > 0.0 { BAND_FIRST_BYTES + BUCKET_BYTES * buckets } else { 0.0 }
}

/// A high value of a distribution: its mean plus a margin for spread,
/// enough for the counts of shocks.
fn high(d: &Dist) -> f64 {
    3.0 * d.mean() + 10.0
}

/// A count of random events expected `mean` times, with a margin for chance.
fn with_margin(mean: f64) -> f64 {
    mean + 4.0 * mean.sqrt() + 20.0
}

fn one_model(m: &Model, replications: u64, causes: &mut Vec<Cause>) -> Estimate {
    let total_days = m.end_time();
    let entering = entering(m, total_days, causes);
    let (total, items) = with_follow_ups(m, entering, total_days, causes);
    let (posts, staff_events) = staff(m, total_days / DAYS_PER_YEAR, causes);
    let periods = m.periods.len();
    let segments: f64 = m.flows.iter().filter_map(|f| f.arrivals.as_ref()).map(|a| a.segments.len() as f64).sum();
    let overtime = if m.roles.iter().any(|r| r.overtime.is_some()) { total_days } else { 0.0 };
    let plan_steps: f64 = m.roles.iter().map(|r| r.plan.len() as f64).sum();
    let events = 4.0 * items + staff_events + segments + periods as f64 + overtime + plan_steps + 1_000.0;
    let alive = alive_items(m, &total, items, total_days);
    let bytes = Bytes::of(m, replications, alive, posts, causes);
    Estimate {
        posts,
        periods,
        items,
        alive,
        events,
        replication_bytes: bytes.replication,
        aggregate_bytes: bytes.aggregate,
        accumulator_bytes: bytes.accumulator,
        table_bytes: bytes.table,
        threads: 1,
        replications,
        memory_bytes: 0.0,
        causes: Vec::new(),
    }
}

/// Items entering each flow from outside routes: arrivals (a high
/// replication's), initial work, latent pools and shocks.
fn entering(m: &Model, total_days: f64, causes: &mut Vec<Cause>) -> Vec<f64> {
    let mut entering = vec![0.0f64; m.flows.len()];
    for (f, flow) in m.flows.iter().enumerate() {
        if let Some(a) = &flow.arrivals {
            // A high replication: two standard deviations of the level and
            // of the extra growth (which compounds from the start, segment
            // by segment), and of a year's monthly multipliers.
            let sd = 2.0 * a.trend_sd / DAYS_PER_YEAR;
            let mut expected = 0.0;
            for (k, seg) in a.segments.iter().enumerate() {
                let stop = a.segments.get(k + 1).map_or(total_days, |n| n.start).min(total_days);
                if stop > seg.start {
                    let mid = (seg.start + stop) / 2.0 - m.warmup_days;
                    expected += seg.rate_per_day * (stop - seg.start) * (sd * mid.max(0.0)).exp();
                }
            }
            let s2 = (1.0 + a.level_cv * a.level_cv).ln();
            let level = (2.0 * s2.sqrt()).exp();
            let dispersion = 1.0 + 2.0 * (a.dispersion.unwrap_or(0.0) / 12.0).sqrt();
            let n = expected * level * dispersion;
            entering[f] += n;
            causes.push(Cause::items(n, format!("the arrivals of flow '{}' ({} a replication)", flow.name, about(n))));
        }
        let init = &flow.initial;
        let initial = f64::from(init.waiting) + f64::from(init.in_service) + f64::from(init.scheduled);
        entering[f] += initial;
        causes.push(Cause::items(initial, format!("the initial work of flow '{}' ({})", flow.name, count(initial))));
    }
    for p in &m.latent_pools {
        entering[p.to as usize] += f64::from(p.size);
    }
    for s in &m.shocks {
        let strikes = match s.when {
            ShockTime::At(_) => 1.0,
            ShockTime::Random { per_day } => with_margin(per_day * total_days),
        };
        for (flow, n) in &s.spawn {
            let items = strikes * high(n);
            entering[*flow as usize] += items;
            causes.push(Cause::items(items, format!("shock '{}' ({} items)", s.name, about(items))));
        }
    }
    entering
}

/// Items of each flow once follow-ups are added, generation by
/// generation (each completed item of flow f sends on average
/// `routes[f][t]` items to flow t), and all items with a margin.
fn with_follow_ups(m: &Model, entering: Vec<f64>, total_days: f64, causes: &mut Vec<Cause>) -> (Vec<f64>, f64) {
    let nf = m.flows.len();
    let mut routes: Vec<Vec<(usize, f64)>> = vec![Vec::new(); nf];
    let mut shortest_delay = f64::INFINITY;
    for (f, flow) in m.flows.iter().enumerate() {
        let kept = 1.0 - flow.diverted_share;
        for g in &flow.route_groups {
            for r in &g.routes {
                routes[f].push((r.to as usize, r.probability * kept));
                if let Some(d) = &r.delay_days {
                    shortest_delay = shortest_delay.min(d.mean());
                }
            }
        }
    }
    // Loops go through a delay (loops without one are refused), so a chain
    // of follow-ups has at most this many generations in the horizon.
    let generations = (total_days / shortest_delay).ceil() + nf as f64 + 1.0;
    let mut total: Vec<f64> = entering.clone();
    let mut current = entering;
    let mut last_step = f64::INFINITY;
    let mut step_ratio = 0.0;
    let mut done = 0.0;
    while done < generations.min(2_000.0) {
        let mut next = vec![0.0f64; nf];
        for (f, out) in routes.iter().enumerate() {
            for &(t, p) in out {
                next[t] += current[f] * p;
            }
        }
        let step: f64 = next.iter().sum();
        let sum: f64 = total.iter().sum();
        for (t, v) in next.iter().enumerate() {
            total[t] += v;
        }
        done += 1.0;
        if step.is_finite() && last_step.is_finite() && last_step > 0.0 {
            step_ratio = step / last_step;
        }
        last_step = step;
        current = next;
        if step.is_nan() || step <= 1e-9 * sum {
            last_step = 0.0;
            break;
        }
    }
    let mut items: f64 = total.iter().sum();
    let left = generations - done;
    if left > 0.0 && last_step > 0.0 {
        // Still growing at the cut: carry the last generations' trend on.
        let extra = if step_ratio >= 1.0 - 1e-9 {
            last_step * left * step_ratio.max(1.0).powf(left.min(1e6))
        } else {
            last_step * step_ratio / (1.0 - step_ratio)
        };
        if extra > 0.0 {
            causes.push(Cause::items(extra, format!("follow-ups that repeat within the horizon ({})", about(extra))));
        }
        items += extra;
    }
    if !items.is_finite() {
        items = f64::INFINITY;
    }
    (total, with_margin(items))
}

/// Posts and the staff events they make (leave, sickness, turnover).
fn staff(m: &Model, years: f64, causes: &mut Vec<Cause>) -> (f64, f64) {
    let mut posts = 0.0;
    let mut staff_events = 0.0;
    for role in &m.roles {
        let n = match role.kind {
            RoleKind::BoughtIn { .. } => 1.0,
            RoleKind::Staff => role.max_fte().ceil(),
        };
        posts += n;
        if role.is_bought_in() {
            continue;
        }
        let mut per_post_year = 6.0 * role.turnover_per_year + 4.0;
        if role.absence {
            if let Some(a) = &m.absence {
                per_post_year += 2.0 * a.annual_leave_days / a.leave_spell_days;
                per_post_year += 2.0 * a.sickness_days / a.sickness_spell_days.mean().max(1e-300);
            }
        }
        let e = n * with_margin(per_post_year * years.max(1.0));
        staff_events += e;
        causes.push(Cause {
            items: 0.0,
            events: e,
            bytes: n * POST_BYTES,
            what: format!(
                "the staff of role '{}' ({} posts, with their leave, sickness and turnover)",
                role.name,
                count(n)
            ),
        });
    }
    (posts, staff_events)
}

/// The memory of a run's parts, in bytes.
struct Bytes {
    /// One replication's state.
    replication: f64,
    /// The bands of the whole run.
    aggregate: f64,
    /// A thread's bands before they are merged.
    accumulator: f64,
    /// The data frames of the summaries.
    table: f64,
}

impl Bytes {
    fn of(m: &Model, replications: u64, alive: f64, posts: f64, causes: &mut Vec<Cause>) -> Bytes {
        let nr = m.roles.len() as f64;
        let (nf, np) = (m.flows.len() as f64, m.periods.len() as f64);
        let replication = alive * ITEM_BYTES
            + posts * POST_BYTES
            + nf * FLOW_BYTES
            + nf * np * FLOW_PERIOD_BYTES
            + nr * np * ROLE_PERIOD_BYTES
            + np * PERIOD_BYTES;
        let period_bands =
            np * (nf * FlowMetric::COUNT as f64 + nr * RoleMetric::COUNT as f64 + TotalMetric::COUNT as f64);
        let other_bands = nf * FlowKpi::COUNT as f64 + nr * RoleKpi::COUNT as f64 + TotalMetric::COUNT as f64;
        let (k, few) = (buckets(replications), buckets(replications.min(FLUSH)));
        let histograms = nf * (WAIT_BINS as f64) * 16.0 + nf * 128.0;
        causes.push(Cause {
            items: 0.0,
            events: np,
            bytes: np * (nf * FLOW_PERIOD_BYTES + nr * ROLE_PERIOD_BYTES + PERIOD_BYTES)
                + period_bands * (2.0 * band_bytes(k) + band_bytes(few) + ROW_BYTES),
            what: format!(
                "the {} reporting periods (period = \"{}\") times {} flows and {} roles",
                count(np),
                m.periods.kind.name(),
                count(nf),
                count(nr)
            ),
        });
        Bytes {
            replication,
            aggregate: (period_bands + other_bands) * band_bytes(k) + histograms,
            accumulator: (period_bands + other_bands) * band_bytes(few) + histograms,
            table: (period_bands + other_bands + nf * WAIT_BINS as f64 * 2.0) * ROW_BYTES,
        }
    }
}

/// Estimate a job of runs one after another, each of some models for some
/// replications, and check it against the limits (memory in GB, time in
/// seconds): each run is checked on its own, and the job's time is theirs
/// added up. The threads to use: fewer than asked when that keeps memory
/// within the limit. The commands and the what-if page both size their
/// runs here.
pub fn size_check_job(
    runs: &[(&[&Model], u64)],
    threads: Option<usize>,
    (max_memory_gb, seconds): (Option<f64>, f64),
    quiet: bool,
) -> Result<Option<usize>, TooBig> {
    let max_memory_gb = max_memory_gb.unwrap_or_else(default_memory_gib);
    let asked = threads.unwrap_or_else(rayon::current_num_threads);
    let untimed = Limits { seconds: f64::INFINITY, ..Limits::with_memory_gib(max_memory_gb) };
    let parts = runs
        .iter()
        .map(|&(models, replications)| Estimate::of(models, replications, asked).check(&untimed))
        .collect::<Result<Vec<_>, _>>()?;
    let fewest = parts.iter().map(|e| e.threads).min().unwrap_or(asked);
    let parts = parts.into_iter().map(|e| Estimate { threads: fewest, ..e }).collect();
    let limits = Limits { seconds, ..untimed };
    // A job of no runs is within any limits.
    let Some(estimate) = Estimate::combined(parts) else { return Ok(threads) };
    let estimate = estimate.check(&limits)?;
    if let Some(note) = estimate.long_run().filter(|_| !quiet) {
        eprintln!("note: {note}");
    }
    if estimate.threads < asked {
        if !quiet {
            eprintln!(
                "note: using {} threads rather than {asked} to keep memory within {max_memory_gb:.1} GB (results are the same)",
                estimate.threads
            );
        }
        return Ok(Some(estimate.threads));
    }
    Ok(threads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_plainly() {
        assert_eq!(count(1234.4), "1,234");
        assert_eq!(count(3.2e12), "3.2e12");
        assert_eq!(count(f64::INFINITY), "unbounded");
        assert_eq!(bytes(3.0 * GIB), "3.0 GB");
        assert_eq!(bytes(5.0 * 1024.0 * 1024.0), "5 MB");
        assert_eq!(bytes(3800.0 * GIB), "3,800 GB");
    }
}
