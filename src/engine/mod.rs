//! The discrete-event engine: one replication of a model, no I/O.
//!
//! ```text
//!   arrivals ──► flow queue ──► worker (holds items at their own pace)
//!      ▲             ▲                │ completes
//!      │             └── follow-up ◄──┤ (at once or after a delay)
//!   rate segments                     ▼
//!                                  recorder ──► RepResult
//! ```
//!
//! Time is in days. Simulated time 0 is the start of the warm-up; the
//! scenario's start date is at `model.warmup_days`.

mod dispatch;
mod events;
mod items;
mod record;
pub mod streams;
mod worker;

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

use crate::model::{FlowId, Model};
use crate::results::RepResult;
use events::{Event, EventQueue};
use items::{FlowQueue, Item, Items, State};
use record::Recorder;
use streams::{Stream, item_stream, stream};
use worker::Worker;

/// Run replication `replication` of `model` with the given base seed.
pub fn simulate(model: &Model, seed: u64, replication: u64) -> RepResult {
    let mut sim = Sim::new(model, seed, replication);
    sim.run();
    sim.finish()
}

struct ArrivalState {
    segment: usize,
    rate: f64,
    rng: Stream,
}

struct Sim<'m> {
    m: &'m Model,
    replication: u64,
    now: f64,
    origin: f64,
    events: EventQueue,
    next_boundary: usize,
    items: Items,
    queues: Vec<FlowQueue>,
    in_service: Vec<u64>,
    workers: Vec<Worker>,
    arrivals: Vec<Option<ArrivalState>>,
    work: Vec<Stream>,
    rec: Recorder,
    processed: u64,
}

impl<'m> Sim<'m> {
    fn new(m: &'m Model, seed: u64, replication: u64) -> Sim<'m> {
        let origin = m.warmup_days;
        let end = m.end_time();
        let nf = m.flows.len();
        let workers: Vec<Worker> =
            m.workers.iter().map(|w| Worker::new(w.role, w.caseload_cap, w.hours_per_day)).collect();
        let mut sim = Sim {
            m,
            replication,
            now: 0.0,
            origin,
            events: EventQueue::with_capacity(workers.len() + 2 * nf + 16),
            next_boundary: 0,
            items: Items::default(),
            queues: m.flows.iter().map(|f| FlowQueue::new(f.order)).collect(),
            in_service: vec![0; nf],
            workers,
            arrivals: m
                .flows
                .iter()
                .map(|f| {
                    f.arrivals.as_ref().map(|a| ArrivalState {
                        segment: 0,
                        rate: a.segments[0].rate_per_day,
                        rng: stream(seed, replication, "arrivals", &f.name),
                    })
                })
                .collect(),
            work: m.flows.iter().map(|f| stream(seed, replication, "work", &f.name)).collect(),
            rec: Recorder::new(origin, end, nf, m.roles.len(), m.periods.len()),
            processed: 0,
        };
        sim.events.push(origin, Event::Boundary);
        for f in 0..nf {
            sim.schedule_arrival(f);
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
                Event::Done { worker, generation } => {
                    if self.workers[worker as usize].generation == generation {
                        self.on_done(worker as usize);
                    }
                }
                Event::Due { item } => self.on_due(item),
                Event::Boundary => {
                    if self.on_boundary() {
                        break;
                    }
                }
            }
        }
    }

    // ----- arrivals -----

    fn schedule_arrival(&mut self, f: usize) {
        let m = self.m;
        let Some(arr) = m.flows[f].arrivals.as_ref() else { return };
        let st = self.arrivals[f].as_mut().expect("arrival state for a flow with arrivals");
        let next = if st.rate > 0.0 {
            let e: f64 = Exp1.sample(&mut st.rng);
            self.now + e / st.rate
        } else {
            f64::INFINITY
        };
        let change = arr.segments.get(st.segment + 1).map_or(f64::INFINITY, |s| s.start);
        if next < change {
            self.events.push(next, Event::Arrival { flow: f as u16 });
        } else if change.is_finite() {
            // Memorylessness lets the draw restart at the new rate.
            self.events.push(change, Event::RateChange { flow: f as u16 });
        }
    }

    fn on_rate_change(&mut self, f: usize) {
        let m = self.m;
        let arr = m.flows[f].arrivals.as_ref().expect("rate change for a flow with arrivals");
        let st = self.arrivals[f].as_mut().expect("arrival state");
        st.segment += 1;
        st.rate = arr.segments[st.segment].rate_per_day;
        self.schedule_arrival(f);
    }

    fn on_arrival(&mut self, f: usize) {
        self.schedule_arrival(f);
        let seed = self.work[f].next_u64();
        let id = self.create(f, item_stream(seed), self.now, State::Waiting);
        self.join(id);
    }

    /// Create an item of flow `f` that joins (or is due) at time `at`.
    fn create(&mut self, f: usize, mut rng: Stream, at: f64, state: State) -> u32 {
        let flow = &self.m.flows[f];
        let effort = flow.effort_hours.sample(&mut rng);
        let duration = flow.duration_days.as_ref().map_or(0.0, |d| d.sample(&mut rng));
        let deadline = flow.deadline_days.map_or(f64::INFINITY, |d| at + d);
        self.items.insert(Item { flow: f as FlowId, state, arrived: at, deadline, effort, duration, rng })
    }

    /// An item joins its flow.
    fn join(&mut self, id: u32) {
        let f = self.items.get(id).flow as usize;
        self.rec.arrived(f, self.now);
        self.place(id);
    }

    fn follow_up(&mut self, f: usize, rng: &mut Stream) {
        let m = self.m;
        for group in &m.flows[f].route_groups {
            let u: f64 = rng.random();
            let mut cumulative = 0.0;
            for route in &group.routes {
                cumulative += route.probability;
                if u < cumulative {
                    let child_seed = rng.next_u64();
                    let delay = route.delay_days.as_ref().map_or(0.0, |d| d.sample(rng));
                    self.spawn(route.to as usize, child_seed, delay);
                    break;
                }
            }
        }
    }

    fn spawn(&mut self, to: usize, seed: u64, delay: f64) {
        self.rec.balance[to].follow_ups_created += 1;
        if delay > 0.0 {
            let id = self.create(to, item_stream(seed), self.now + delay, State::Scheduled);
            self.events.push(self.now + delay, Event::Due { item: id });
        } else {
            self.rec.balance[to].follow_ups_due += 1;
            let id = self.create(to, item_stream(seed), self.now, State::Waiting);
            self.join(id);
        }
    }

    fn on_due(&mut self, id: u32) {
        let item = self.items.get(id);
        debug_assert_eq!(item.state, State::Scheduled);
        let f = item.flow as usize;
        self.rec.balance[f].follow_ups_due += 1;
        self.join(id);
    }

    // ----- reporting -----

    /// Handle the boundary between reporting periods. Returns true at the
    /// end of the horizon.
    fn on_boundary(&mut self) -> bool {
        let k = self.next_boundary;
        self.next_boundary += 1;
        let now = self.now;
        let periods = self.m.periods.len();
        let mut staff = vec![0u64; self.m.roles.len()];
        let mut max_caseload = vec![0u64; self.m.roles.len()];
        for wk in &mut self.workers {
            wk.touch(now);
            let accrued = wk.harvest();
            let r = wk.role as usize;
            staff[r] += 1;
            max_caseload[r] = max_caseload[r].max(wk.caseload() as u64);
            if k > 0 {
                let t = self.rec.role_period(k - 1, r);
                t.hours_available += accrued.hours_available;
                t.hours_worked += accrued.hours_worked;
                t.case_days += accrued.case_days;
                t.post_days += accrued.post_days;
            }
        }
        if k > 0 {
            let p = k - 1;
            for r in 0..self.m.roles.len() {
                let t = self.rec.role_period(p, r);
                t.staff = staff[r];
                t.caseload_max = max_caseload[r];
            }
            let mut overdue = vec![0u64; self.m.flows.len()];
            for item in self.items.live() {
                if matches!(item.state, State::Waiting | State::InService) && item.deadline < now {
                    overdue[item.flow as usize] += 1;
                }
            }
            for (f, &late) in overdue.iter().enumerate() {
                let waiting = self.queues[f].len() as u64;
                self.rec.snapshot_flow(p, f, waiting, waiting + self.in_service[f], late);
            }
        }
        if k < periods {
            self.rec.period = Some(k);
            self.events.push(self.origin + self.m.periods.bounds[k + 1], Event::Boundary);
            false
        } else {
            self.rec.period = None;
            true
        }
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
        for wk in &self.workers {
            for slot in &wk.open {
                in_service[self.items.get(slot.item).flow as usize] += 1;
            }
        }
        for f in 0..nf {
            let b = &mut self.rec.balance[f];
            b.waiting = waiting[f];
            b.in_service = in_service[f];
            b.scheduled = scheduled[f];
            debug_assert_eq!(waiting[f], self.queues[f].len() as u64);
        }
        self.rec.finish(self.replication, self.processed)
    }
}
