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

use crate::model::{Model, RoleKind, WorkKind};
use crate::results::RepResult;
use arrivals::Sources;
use dispatch::Dispatch;
use events::{Event, EventQueue};
use items::{Items, People, State};
use legal::Legal;
use people::Cases;
use record::Recorder;
use staff::Staff;
use staffing::Staffing;
use streams::stream;
use supervision::Supervision;
use worker::Worker;

/// Run replication `replication` of `model` with the given base seed.
/// When the model has uncertain numbers, the replication first draws its
/// own value of each, from a stream named by the number, so two scenarios
/// compared draw the same values for the numbers they share.
pub fn simulate(model: &Model, seed: u64, replication: u64) -> RepResult {
    simulate_counting(model, seed, replication).0
}

/// As `simulate`, with a count of the work the replication took.
pub fn simulate_counting(model: &Model, seed: u64, replication: u64) -> (RepResult, Work) {
    match &model.uncertain {
        Some(u) => {
            let drawn = u.draw(&mut |name, dist| dist.sample(&mut stream(seed, replication, "uncertain", name)));
            run(&drawn, seed, replication)
        }
        None => run(model, seed, replication),
    }
}

/// The work one replication took, counted rather than timed so that it
/// can be checked on any machine: its events, and what they did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    pub events: u64,
    /// Posts' next wake-ups booked (or cancelled) in the event queue.
    pub bookings: u64,
    /// Times a post's clock and tallies were brought up to date.
    pub clock_updates: u64,
    /// Items allocated to a worker.
    pub item_starts: u64,
}

impl Work {
    /// Bookings, clock updates and item starts per event.
    pub fn per_event(&self) -> [f64; 3] {
        let n = self.events.max(1) as f64;
        [self.bookings as f64 / n, self.clock_updates as f64 / n, self.item_starts as f64 / n]
    }
}

fn run(model: &Model, seed: u64, replication: u64) -> (RepResult, Work) {
    let mut sim = Sim::new(model, seed, replication);
    sim.run();
    sim.finish()
}

/// What a post's booked wake-up (a `Done` event) is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    Nothing,
    ItemDone,
    /// The DoLS budget, with what may be borrowed, runs out.
    BudgetSpent,
}

/// One replication under way. The state lives in parts that keep their
/// own invariants (the posts, the queues and bookings, the sources of
/// work, the workforce, the law, supervision, people kept allocated);
/// `Sim` runs the events and moves work between the parts.
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
    staff: Staff,
    dispatch: Dispatch,
    sources: Sources,
    staffing: Staffing,
    legal: Legal,
    supervision: Supervision,
    cases: Cases,
    /// Per role: skilled for both care management and DoLS.
    dual_role: Vec<bool>,
    rec: Recorder,
    processed: u64,
}

impl<'m> Sim<'m> {
    fn new(m: &'m Model, seed: u64, replication: u64) -> Sim<'m> {
        let origin = m.warmup_days;
        let end = m.end_time();
        let nf = m.flows.len();
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
            events: EventQueue::new(m.posts.len()),
            next_boundary: 0,
            items: Items::default(),
            people: People::default(),
            staff: Staff::of(m),
            dispatch: Dispatch::new(m),
            sources: Sources::new(m, seed, replication),
            staffing: Staffing::new(m, seed, replication),
            legal: Legal::new(m, seed, replication),
            supervision: Supervision::new(m),
            cases: Cases::default(),
            dual_role,
            rec: Recorder::new(origin, end, nf, m.roles.len(), m.periods.len(), m.tracks_workforce()),
            processed: 0,
        };
        sim.book_fixed_events();
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

    /// Events whose times the scenario fixes: the first boundary, plans,
    /// budget periods, changes in the law and batches.
    fn book_fixed_events(&mut self) {
        let (m, end) = (self.m, self.end);
        self.events.push(self.origin, Event::Boundary);
        // Before anything else at the same time, so a plan dated at the
        // start shapes the posts from the first moment.
        for (r, role) in m.roles.iter().enumerate() {
            for (k, step) in role.plan.iter().enumerate() {
                if step.at <= end {
                    self.events.push(step.at, Event::Plan { role: r as u16, step: k as u16 });
                }
            }
        }
        for per in 0..2 {
            self.next_budget_reset(per);
        }
        for (k, l) in m.legal_changes.iter().enumerate() {
            if l.at <= end {
                self.events.push(l.at, Event::Legal { change: k as u16 });
            }
        }
        for (f, flow) in m.flows.iter().enumerate() {
            if let Some(days) = flow.batch_days.filter(|&d| d <= end) {
                self.events.push(days, Event::Batch { flow: f as u16 });
            }
        }
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
                    if self.sources.is_current(pool as usize, generation) {
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

    fn finish(mut self) -> (RepResult, Work) {
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
        let (bookings, item_starts) = self.dispatch.counts();
        let work = Work { events: self.processed, bookings, clock_updates: self.staff.updates(), item_starts };
        (self.rec.finish(self.m, &self.dual_role, self.replication, self.processed), work)
    }
}

/// Whether a role's kind makes its workers count one assessment per item
/// rather than hours.
fn counts_assessments(kind: &RoleKind) -> bool {
    matches!(kind, RoleKind::BoughtIn { .. })
}
