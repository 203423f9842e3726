//! The discrete-event engine: one replication of a model, no I/O.
//!
//! ```text
//!   arrivals, latent pools, shocks ──► flow queue ──► worker (items at their own pace)
//!        ▲                               ▲                  │ completes
//!        │                               └── follow-up ◄────┤ (at once, or after a delay)
//!   rate segments                                            ▼
//!   people leave their stock ──► withdraw their items    recorder ──► RepResult
//!   staff: leave, sickness, turnover, recruitment, agency, overtime
//! ```
//!
//! Time is in days. Simulated time 0 is the start of the warm-up; the
//! scenario's start date is at `model.warmup_days`.

mod arrivals;
mod cases;
mod dispatch;
mod events;
mod items;
mod legal;
mod people;
mod record;
mod report;
mod staff;
mod staffing;
pub mod streams;
mod supervision;
mod worker;

use crate::model::workforce::BudgetPeriod;
use crate::model::{DolsPolicy, Model, RoleKind, WorkKind};
use crate::results::RepResult;
use events::{Event, EventQueue};
use items::{FlowQueue, Items, People, State};
use record::Recorder;
use staff::Staff;
use streams::{Stream, stream};
use worker::Worker;

/// Run replication `replication` of `model` with the given base seed.
/// When the model has uncertain numbers, the replication first draws its
/// own value of each, from a stream named by the number, so two scenarios
/// compared draw the same values for the numbers they share.
pub fn simulate(model: &Model, seed: u64, replication: u64) -> RepResult {
    match &model.uncertain {
        Some(u) => {
            let drawn = u.draw(&mut |name, dist| dist.sample(&mut stream(seed, replication, "uncertain", name)));
            run(&drawn, seed, replication)
        }
        None => run(model, seed, replication),
    }
}

fn run(model: &Model, seed: u64, replication: u64) -> RepResult {
    let mut sim = Sim::new(model, seed, replication);
    sim.run();
    sim.finish()
}

struct ArrivalState {
    segment: usize,
    rate: f64,
    /// This replication's draws of forecast uncertainty.
    level: f64,
    drift: f64,
    rng: Stream,
}

/// What a post's booked wake-up (a `Done` event) is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    Nothing,
    ItemDone,
    /// The DoLS budget, with what may be borrowed, runs out.
    BudgetSpent,
}

struct PoolState {
    remaining: u32,
    generation: u32,
    rng: Stream,
}

struct Sim<'m> {
    m: &'m Model,
    seed: u64,
    replication: u64,
    now: f64,
    origin: f64,
    end: f64,
    events: EventQueue,
    next_boundary: usize,
    items: Items,
    people: People,
    queues: Vec<FlowQueue>,
    staff: Staff,
    /// Per post: what its booked wake-up is for.
    wakes: Vec<Wake>,
    /// Per worker: their own random stream (absence, turnover, recruits).
    staff_rng: Vec<Stream>,
    /// Per flow: ranges of workers (a role's posts are contiguous) who
    /// may take it, staff first, then bought-in capacity.
    staff_ranges: Vec<Ranges>,
    bought_ranges: Vec<Ranges>,
    /// Per role: skilled for both care management and DoLS.
    dual_role: Vec<bool>,
    /// Per role with overtime: whether it is being worked now.
    overtime_on: Vec<bool>,
    /// Per role: its posts, a contiguous range of workers.
    role_posts: Vec<(usize, usize)>,
    /// Per role: whether vacancies get agency cover now (a plan can end it).
    agency_on: Vec<bool>,
    /// Per role: the recruitment lag of a drive under way, if any.
    recruitment: Vec<Option<crate::model::Dist>>,
    /// Per flow released in batches: items held until the next batch.
    held: Vec<Vec<(u32, u32)>>,
    /// When weekly (0) and monthly (1) DoLS budgets start again, and the
    /// next of each to come.
    budget_resets: [Vec<f64>; 2],
    next_reset: [usize; 2],
    arrivals: Vec<Option<ArrivalState>>,
    work: Vec<Stream>,
    latent: Vec<PoolState>,
    shock_rng: Vec<Stream>,
    legal: Vec<legal::LegalState>,
    /// Per flow: the legal changes for which it is where new people enter.
    legal_entries: Vec<Vec<u16>>,
    /// Screening items under way after a legal change, by item id.
    screenings: std::collections::HashMap<u32, legal::Screening>,
    /// People kept allocated after their work, by case id (never reused).
    cases: Vec<people::Case>,
    /// Per post, its supervision sessions (empty without supervision).
    sessions: Vec<supervision::Sessions>,
    rec: Recorder,
    processed: u64,
}

impl<'m> Sim<'m> {
    fn new(m: &'m Model, seed: u64, replication: u64) -> Sim<'m> {
        let origin = m.warmup_days;
        let end = m.end_time();
        let nf = m.flows.len();
        let workers: Vec<Worker> = m
            .workers
            .iter()
            .map(|w| {
                let role = &m.roles[w.role as usize];
                let share = match role.dols_policy {
                    DolsPolicy::FixedShare { share, .. } => Some(share),
                    _ => None,
                };
                let flows: Vec<(u16, bool)> =
                    w.skills.iter().map(|&(_, f)| (f, m.flows[f as usize].kind == WorkKind::Dols)).collect();
                let mut worker = Worker::new(w.role, w.fte, w.caseload_cap, w.hours_per_day, share, &flows);
                if role.cpd_share > 0.0 {
                    worker.set_development(role.rates(w.fte, false).1);
                }
                worker
            })
            .collect();
        let staff_rng = m
            .workers
            .iter()
            .enumerate()
            .map(|(i, w)| stream(seed, replication, "staff", &format!("{}/{i}", m.roles[w.role as usize].name)))
            .collect();
        let (staff_ranges, bought_ranges) = eligible_ranges(m);
        let dual_role = m
            .roles
            .iter()
            .map(|r| {
                let pools: Vec<WorkKind> = r.skills.iter().map(|&f| m.flows[f as usize].kind).collect();
                pools.contains(&WorkKind::Dols) && pools.contains(&WorkKind::CareManagement)
            })
            .collect();
        let mut sim = Sim {
            m,
            seed,
            replication,
            now: 0.0,
            origin,
            end,
            events: EventQueue::new(workers.len()),
            next_boundary: 0,
            items: Items::default(),
            people: People::default(),
            queues: m.flows.iter().map(|f| FlowQueue::new(f.order, !f.triage.is_empty())).collect(),
            staff_ranges,
            bought_ranges,
            wakes: vec![Wake::Nothing; workers.len()],
            staff: Staff::new(workers),
            staff_rng,
            dual_role,
            overtime_on: vec![false; m.roles.len()],
            role_posts: role_posts(m),
            agency_on: m.roles.iter().map(|r| r.agency.is_some()).collect(),
            recruitment: vec![None; m.roles.len()],
            held: vec![Vec::new(); nf],
            budget_resets: budget_resets(m),
            next_reset: [0, 0],
            arrivals: m
                .flows
                .iter()
                .map(|f| {
                    f.arrivals.as_ref().map(|a| {
                        let mut rng = stream(seed, replication, "arrivals", &f.name);
                        let (level, drift) = arrivals::uncertainty(a, &mut rng);
                        ArrivalState { segment: 0, rate: 0.0, level, drift, rng }
                    })
                })
                .collect(),
            work: m.flows.iter().map(|f| stream(seed, replication, "work", &f.name)).collect(),
            latent: m
                .latent_pools
                .iter()
                .map(|p| PoolState {
                    remaining: p.size,
                    generation: 0,
                    rng: stream(seed, replication, "pool", &p.name),
                })
                .collect(),
            shock_rng: m.shocks.iter().map(|s| stream(seed, replication, "shock", &s.name)).collect(),
            legal: m
                .legal_changes
                .iter()
                .map(|l| legal::LegalState { done: false, rng: stream(seed, replication, "legal", &l.name) })
                .collect(),
            legal_entries: (0..nf)
                .map(|f| {
                    let entered = |l: &&crate::model::LegalChange| l.entries.contains(&(f as u16));
                    m.legal_changes.iter().enumerate().filter(|(_, l)| entered(l)).map(|(k, _)| k as u16).collect()
                })
                .collect(),
            screenings: std::collections::HashMap::new(),
            cases: Vec::new(),
            sessions: if m.supervision.is_some() {
                vec![supervision::Sessions::default(); m.workers.len()]
            } else {
                Vec::new()
            },
            rec: Recorder::new(origin, end, nf, m.roles.len(), m.periods.len(), m.tracks_workforce()),
            processed: 0,
        };
        sim.events.push(origin, Event::Boundary);
        // Before anything else at the same time, so a plan dated at the
        // start shapes the posts from the first moment.
        for (r, role) in m.roles.iter().enumerate() {
            for (k, step) in role.plan.iter().enumerate() {
                if step.at <= end {
                    sim.events.push(step.at, Event::Plan { role: r as u16, step: k as u16 });
                }
            }
        }
        for per in 0..2 {
            sim.next_budget_reset(per);
        }
        for (k, l) in m.legal_changes.iter().enumerate() {
            if l.at <= end {
                sim.events.push(l.at, Event::Legal { change: k as u16 });
            }
        }
        for (f, flow) in m.flows.iter().enumerate() {
            if let Some(days) = flow.batch_days.filter(|&d| d <= end) {
                sim.events.push(days, Event::Batch { flow: f as u16 });
            }
        }
        sim.start_staffing();
        for f in 0..nf {
            sim.start_arrivals(f);
        }
        sim.start_pools_and_shocks();
        sim.initial_allocated();
        sim.initial_work();
        if m.roles.iter().any(|r| r.overtime.is_some()) {
            sim.events.push(0.0, Event::Daily);
        }
        sim
    }

    fn run(&mut self) {
        while let Some((t, event)) = self.events.pop() {
            self.now = t;
            self.processed += 1;
            match event {
                Event::Arrival { flow } => self.on_arrival(flow as usize),
                Event::RateChange { flow } => self.on_rate_change(flow as usize),
                Event::Done { worker } => self.on_done(worker as usize),
                Event::Due { item, generation } => {
                    if self.items.generation(item) == generation {
                        self.on_due(item);
                    }
                }
                Event::Boundary => {
                    if self.on_boundary() {
                        break;
                    }
                }
                Event::PersonLeaves { person, generation } => {
                    if self.people.generation(person) == generation {
                        self.on_person_leaves(person);
                    }
                }
                Event::Identify { pool, generation } => {
                    if self.latent[pool as usize].generation == generation {
                        self.on_identify(pool as usize);
                    }
                }
                Event::Shock { shock } => self.on_shock(shock as usize),
                Event::Staff { worker, tenure, what } => self.on_staff(worker as usize, tenure, what),
                Event::Daily => self.on_daily(),
                Event::Plan { role, step } => self.on_plan(role as usize, step as usize),
                Event::BudgetReset { per } => self.on_budget_reset(per as usize),
                Event::Batch { flow } => self.on_batch(flow as usize),
                Event::Legal { change } => self.on_legal(change as usize),
                Event::CaseEnds { case } => self.on_case_ends(case as usize),
                Event::Supervision { worker, generation } => self.on_supervision(worker as usize, generation),
                Event::SupervisionEnds { worker, generation } => self.on_supervision_ends(worker as usize, generation),
            }
        }
    }

    /// Touch worker `w` at `now`, change something about them, then
    /// reschedule their next completion and let them take work if they
    /// now have room.
    fn change_worker(&mut self, w: usize, change: impl FnOnce(&mut Worker)) {
        change(&mut self.touched(w));
        self.fill(w);
        self.reschedule(w);
    }

    /// Post `w` brought up to `now`, to change.
    #[inline]
    fn touched(&mut self, w: usize) -> staff::PostMut<'_> {
        self.staff.post_at(w, self.now, &self.m.calendar)
    }

    fn finish(mut self) -> RepResult {
        self.rec.close(self.now);
        // Count where every item is from the data structures themselves.
        let nf = self.m.flows.len();
        let mut waiting = vec![0u64; nf];
        let mut scheduled = vec![0u64; nf];
        for item in self.items.live() {
            match item.state {
                State::Waiting => waiting[item.flow as usize] += 1,
                State::Scheduled => scheduled[item.flow as usize] += 1,
                _ => {}
            }
        }
        let mut in_service = vec![0u64; nf];
        for wk in self.staff.iter() {
            for slot in wk.open() {
                in_service[self.items.get(slot.item).flow as usize] += 1;
            }
        }
        for f in 0..nf {
            let b = &mut self.rec.balance[f];
            b.waiting = waiting[f];
            b.in_service = in_service[f];
            b.scheduled = scheduled[f];
            debug_assert_eq!(waiting[f], self.rec.waiting_now(f));
            debug_assert_eq!(in_service[f], self.rec.in_service_now(f));
        }
        let dual = self.dual_role.clone();
        self.rec.finish(self.m, &dual, self.replication, self.processed)
    }
}

/// When DoLS budgets start again, for each budget period (week, month):
/// the start of the simulation, then every Monday (or 1st of the month),
/// up to the first after the end.
fn budget_resets(m: &Model) -> [Vec<f64>; 2] {
    use chrono::{Datelike, Weekday};
    let used = |p: BudgetPeriod| {
        m.roles.iter().any(|r| matches!(r.dols_policy, DolsPolicy::FixedShare { per, .. } if per == p))
    };
    let mut out = [Vec::new(), Vec::new()];
    for (i, period) in [BudgetPeriod::Week, BudgetPeriod::Month].into_iter().enumerate() {
        if !used(period) {
            continue;
        }
        out[i].push(0.0);
        let mut date = m.date_at(0.0);
        loop {
            date = date.succ_opt().expect("dates within the horizon");
            let starts = match period {
                BudgetPeriod::Week => date.weekday() == Weekday::Mon,
                BudgetPeriod::Month => date.day() == 1,
            };
            if starts {
                let t = m.time_of(date);
                out[i].push(t);
                if t > m.end_time() {
                    break;
                }
            }
        }
    }
    out
}

/// Half-open ranges of post indices.
type Ranges = Vec<(usize, usize)>;

/// Each role's posts as a half-open range of worker indices.
fn role_posts(m: &Model) -> Vec<(usize, usize)> {
    let mut out = vec![(usize::MAX, 0usize); m.roles.len()];
    for (w, spec) in m.workers.iter().enumerate() {
        let r = &mut out[spec.role as usize];
        r.0 = r.0.min(w);
        r.1 = r.1.max(w + 1);
    }
    out.into_iter().map(|(lo, hi)| if lo == usize::MAX { (0, 0) } else { (lo, hi) }).collect()
}

/// Each flow's eligible workers as ranges of post indices, staff roles
/// then bought-in roles, each in role order.
fn eligible_ranges(m: &Model) -> (Vec<Ranges>, Vec<Ranges>) {
    let role_range = role_posts(m);
    let ranges = |bought: bool| -> Vec<Ranges> {
        (0..m.flows.len())
            .map(|f| {
                m.roles
                    .iter()
                    .enumerate()
                    .filter(|(r, role)| {
                        role.is_bought_in() == bought
                            && role.skills.contains(&(f as u16))
                            && (m.flows[f].team.is_none() || m.flows[f].team == role.team)
                            && role_range[*r].1 > role_range[*r].0
                    })
                    .map(|(r, _)| role_range[r])
                    .collect()
            })
            .collect()
    };
    (ranges(false), ranges(true))
}

/// Whether a role's kind makes its workers count one assessment per item
/// rather than hours.
fn counts_assessments(kind: &RoleKind) -> bool {
    matches!(kind, RoleKind::BoughtIn { .. })
}
