//! The life of items and people: creation, follow-ups, withdrawal.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

use super::Sim;
use super::events::Event;
use super::items::{Item, NO_CASE, NOBODY, State};
use super::record::Ended;
use super::streams::{Stream, item_stream};

/// What a follow-up carries over from the item it comes from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Inherit {
    pub deadline: f64,
    pub lapse: f64,
    pub person: u32,
    pub class: u8,
    pub started: f64,
    /// The kept person's allocation, which follow-ups go back to.
    pub case: u32,
}

impl Sim<'_> {
    /// Create an item of flow `f` that joins (or is due) at time `at`. The
    /// item's own stream draws its effort and duration, and, if it starts
    /// a new person in a stock, when that person will leave it.
    pub(super) fn create(&mut self, f: usize, mut rng: Stream, at: f64, person: u32, inherit: Option<Inherit>) -> u32 {
        let flow = &self.m.flows[f];
        let effort = flow.effort_hours.sample(&mut rng);
        let duration = flow.duration_days.as_ref().map_or(0.0, |d| d.sample(&mut rng));
        let started = inherit.map_or(at, |i| i.started);
        let (deadline, lapse, class) = match inherit {
            Some(i) => (i.deadline, if flow.deprivation.is_some() { i.lapse } else { f64::INFINITY }, i.class),
            None => {
                let deadline = flow.deadline_days.map_or(f64::INFINITY, |d| at + d);
                let class = if flow.triage.is_empty() { 0 } else { flow.triage_class(rng.random()) };
                (deadline, flow.deprivation.map_or(f64::INFINITY, |ext| deadline + ext), class)
            }
        };
        let person = match flow.stock {
            None => NOBODY,
            Some(_) if person != NOBODY => person,
            Some(s) => self.new_person(s, &mut rng),
        };
        let id = self.items.insert(Item {
            flow: f as u16,
            state: State::Free,
            arrived: at,
            allocated: f64::NAN,
            started,
            deadline,
            lapse,
            effort,
            duration,
            person,
            class,
            counted: false,
            case: NO_CASE,
            rng,
        });
        if person != NOBODY {
            self.people.attach(person, id);
        }
        id
    }

    fn new_person(&mut self, stock: usize, rng: &mut Stream) -> u32 {
        let p = self.people.add();
        let rate = self.m.stocks[stock].leave_per_day;
        if rate > 0.0 {
            let e: f64 = Exp1.sample(rng);
            let t = self.now + e / rate;
            if t <= self.end {
                self.events.push(t, Event::PersonLeaves { person: p, generation: self.people.generation(p) });
            }
        }
        p
    }

    /// An item joins its flow.
    pub(super) fn join(&mut self, id: u32) {
        let f = self.items.get(id).flow as usize;
        self.rec.arrived(f, self.now);
        if self.m.flows[f].batch_days.is_some() {
            self.hold(f, id);
        } else {
            self.place(id);
        }
    }

    /// An item of a batched flow waits, unseen by workers, for the next batch.
    fn hold(&mut self, f: usize, id: u32) {
        self.rec.waiting(f, self.now, true);
        self.items.get_mut(id).state = State::Waiting;
        let g = self.items.generation(id);
        self.dispatch.hold(f, id, g);
    }

    /// A batch of flow `f` is released to the workers.
    pub(super) fn on_batch(&mut self, f: usize) {
        for (id, g) in self.dispatch.release(f) {
            // People who left since are gone with their items' generation.
            if self.items.generation(id) == g {
                self.rec.waiting(f, self.now, false);
                self.place(id);
            }
        }
        if let Some(days) = self.m.flows[f].batch_days {
            if self.now + days <= self.end {
                self.events.push(self.now + days, Event::Batch { flow: f as u16 });
            }
        }
    }

    /// Book a follow-up to join its flow at its `arrived` time.
    pub(super) fn schedule_due(&mut self, id: u32, state: State) {
        let item = self.items.get_mut(id);
        item.state = state;
        let (f, at) = (item.flow as usize, item.arrived);
        self.rec.balance[f].follow_ups_created += 1;
        self.events.push(at, Event::Due { item: id, generation: self.items.generation(id) });
    }

    pub(super) fn on_due(&mut self, id: u32) {
        let f = self.items.get(id).flow as usize;
        debug_assert_eq!(self.items.get(id).state, State::Scheduled);
        self.rec.balance[f].follow_ups_due += 1;
        self.join(id);
    }

    /// The outcomes of a completed item of flow `f`.
    pub(super) fn follow_up(&mut self, f: usize, item: &mut Item) {
        let m = self.m;
        let flow = &m.flows[f];
        if flow.route_groups.is_empty() {
            return;
        }
        if flow.diverted_share > 0.0 && item.rng.random::<f64>() < flow.diverted_share {
            return; // resolved by information and advice
        }
        for group in &flow.route_groups {
            let u: f64 = item.rng.random();
            let mut cumulative = 0.0;
            for route in &group.routes {
                cumulative += route.probability;
                if u < cumulative {
                    let child_seed = item.rng.next_u64();
                    let delay = route.delay_days.as_ref().map_or(0.0, |d| d.sample(&mut item.rng));
                    // After a change in the law, someone found through
                    // other work may no longer need the request.
                    if route.from_latent_pool.is_none()
                        && !self.legal.still_qualifies(m, route.to as usize, Some(f), &mut item.rng)
                    {
                        break;
                    }
                    if let Some(p) = route.from_latent_pool {
                        if !self.sources.take_one(p) {
                            break; // nobody left to find
                        }
                        self.schedule_identify(p);
                    }
                    let inherit = Inherit {
                        deadline: item.deadline,
                        lapse: item.lapse,
                        person: item.person,
                        class: item.class,
                        started: item.started,
                        case: item.case,
                    };
                    self.spawn(route.to as usize, child_seed, delay, inherit, route.keep_deadline);
                    break;
                }
            }
        }
    }

    pub(super) fn spawn(&mut self, to: usize, seed: u64, delay: f64, from: Inherit, keep_deadline: bool) {
        let at = self.now + delay;
        let inherit = keep_deadline.then_some(from);
        let id = self.create(to, item_stream(seed), at, from.person, inherit);
        self.items.get_mut(id).case = from.case;
        if delay > 0.0 {
            self.schedule_due(id, State::Scheduled);
        } else {
            let b = &mut self.rec.balance[to];
            b.follow_ups_created += 1;
            b.follow_ups_due += 1;
            self.join(id);
        }
    }

    /// Release an item's slot and its person's hold on it.
    pub(super) fn free_item(&mut self, id: u32) {
        let person = self.items.get(id).person;
        self.items.remove(id);
        if person != NOBODY {
            self.people.detach(person, id);
        }
    }

    /// A person leaves their stock: every item of theirs is withdrawn,
    /// waiting, in progress or booked.
    pub(super) fn on_person_leaves(&mut self, person: u32) {
        for id in self.people.items_of(person) {
            self.withdraw(id);
        }
    }

    /// An item leaves without completion: taken from its queue or worker,
    /// or, if only booked, cancelled.
    pub(super) fn withdraw(&mut self, id: u32) {
        let item = self.items.get(id);
        let (f, state) = (item.flow as usize, item.state);
        let ended = Ended { started: item.started, deadline: item.deadline, lapse: item.lapse };
        match state {
            State::Scheduled => self.rec.balance[f].follow_ups_cancelled += 1,
            State::Waiting => {
                self.rec.waiting(f, self.now, false);
                self.rec.withdrawn(f, ended, self.now);
            }
            State::InService => {
                let w = self.worker_holding(id).expect("an item in service has a worker");
                let counted = self.items.get(id).counted;
                let mut wk = self.touched(w);
                wk.withdraw(id);
                wk.people -= u32::from(counted);
                drop(wk);
                self.rec.serving(f, false);
                self.rec.withdrawn(f, ended, self.now);
                self.free_item(id);
                self.fill(w);
                self.reschedule(w);
                return;
            }
            State::Free => return,
        }
        // Queued entries and pending events expire with the generation.
        self.free_item(id);
    }

    fn worker_holding(&self, id: u32) -> Option<usize> {
        self.staff.iter().position(|w| w.open().any(|s| s.item == id))
    }

    /// Hand a worker's open items back to the queues (they left the post),
    /// with the work left on each, ahead of later arrivals.
    pub(super) fn requeue_all(&mut self, w: usize) {
        let ids: Vec<u32> = self.touched(w).open().map(|s| s.item).collect();
        for id in ids {
            let counted = self.items.get(id).counted;
            let mut wk = self.staff.post(w);
            let (left, pace) = wk.withdraw(id).expect("an open item");
            wk.people -= u32::from(counted);
            drop(wk);
            let item = self.items.get_mut(id);
            item.counted = false;
            item.effort = left.max(1e-9);
            item.duration = if pace > 0.0 { item.effort / pace } else { 0.0 };
            let f = item.flow as usize;
            self.rec.serving(f, false);
            self.place_again(id);
        }
        self.reschedule(w);
    }
}
