//! Who takes which waiting item, and when.
//!
//! A worker with room always takes their *pick*: the best head of the
//! queues they are skilled for and have room for, ranked by their skill
//! tier (DoLS or care management first, under a dual-role policy), flow
//! priority, then key (arrival time, or deadline for deadline-ordered
//! flows), then flow order. So the engine keeps one invariant: no worker
//! with room for some work has such work waiting. It can break only when
//! an item joins a queue (`place`) or a worker gains room (`fill`).
//!
//! New work goes to the least-loaded staff member with room; bought-in
//! capacity is used only when no staff member has room.

use super::Sim;
use super::items::{Item, State};
use crate::model::WorkKind;

impl Sim<'_> {
    fn is_dols(&self, f: usize) -> bool {
        self.m.flows[f].kind == WorkKind::Dols
    }

    /// An item joins its flow's queue, or a worker at once.
    pub(super) fn place(&mut self, id: u32) {
        self.place_at(id, false);
    }

    /// As `place`, for an item handed back by a worker who left: it goes
    /// to the front of a first-come queue.
    pub(super) fn place_again(&mut self, id: u32) {
        self.place_at(id, true);
    }

    fn place_at(&mut self, id: u32, front: bool) {
        let f = self.items.get(id).flow as usize;
        let worker = match self.case_worker(id, f) {
            Some(w) => Some(w),
            None => self.free_worker(f),
        };
        match worker {
            Some(w) => {
                if self.start(w, id) {
                    self.reschedule(w);
                }
            }
            None => {
                self.waiting[f] += 1;
                self.rec.waiting(f, self.now, true);
                let g = self.items.generation(id);
                let item = self.items.get_mut(id);
                item.state = State::Waiting;
                if front {
                    self.queues[f].push_front(id, g, item);
                } else {
                    self.queues[f].push(id, g, item);
                }
            }
        }
    }

    /// The least-loaded worker skilled for flow `f` with room, staff before
    /// bought-in capacity, lowest index first among equals.
    #[inline]
    fn free_worker(&self, f: usize) -> Option<usize> {
        let keys = &self.room_key[usize::from(self.is_dols(f))];
        for ranges in [&self.staff_ranges[f], &self.bought_ranges[f]] {
            let mut best = None;
            let mut best_load = f64::INFINITY;
            'scan: for &(lo, hi) in ranges {
                for (i, &load) in keys[lo..hi].iter().enumerate() {
                    if load < best_load {
                        best_load = load;
                        best = Some(lo + i);
                        if load <= 0.0 {
                            break 'scan; // nobody has less than nothing to do
                        }
                    }
                }
            }
            if let Some(w) = best {
                debug_assert!(self.workers[w].has_room(usize::from(self.is_dols(f)) == 1), "room_key out of step");
                return best;
            }
        }
        None
    }

    /// Worker `w` may have room again: take picks while there is room.
    pub(super) fn fill(&mut self, w: usize) {
        while let Some(f) = self.pick(w) {
            let id = self.queues[f].pop().expect("a pick is a queue head");
            self.waiting[f] -= 1;
            self.rec.waiting(f, self.now, false);
            self.start(w, id);
        }
        // The caller reschedules.
    }

    /// The flow whose head is worker `w`'s pick, among the kinds of work
    /// they have room for.
    fn pick(&mut self, w: usize) -> Option<usize> {
        let m = self.m;
        let wk = &self.workers[w];
        let [room_cm, room_dols] = wk.rooms();
        if !room_cm && !room_dols {
            return None;
        }
        let mut best: Option<(u64, u8, f64, usize)> = None;
        for &(tier, f) in &m.workers[w].skills {
            let f = f as usize;
            if best.is_some_and(|b| tier > b.0) {
                break; // skills are sorted by tier
            }
            let room = if m.flows[f].kind == WorkKind::Dols { room_dols } else { room_cm };
            if !room || self.waiting[f] == 0 {
                continue;
            }
            self.queues[f].clean(&self.items);
            if let Some((class, key)) = self.queues[f].head() {
                if best.is_none_or(|b| (class, key) < (b.1, b.2)) {
                    best = Some((tier, class, key, f));
                }
            }
        }
        best.map(|b| b.3)
    }

    /// Allocate item `id` to worker `w`. Returns whether `w` needs
    /// rescheduling: their next completion changed or none is pending.
    fn start(&mut self, w: usize, id: u32) -> bool {
        let now = self.now;
        let bought_in = super::counts_assessments(&self.m.roles[self.workers[w].role as usize].kind);
        let item = self.items.get_mut(id);
        item.state = State::InService;
        // A reallocation (after a worker left) does not count its wait again.
        let first = item.allocated.is_nan();
        if first {
            item.allocated = now;
        }
        let (f, arrived, duration) = (item.flow as usize, item.arrived, item.duration);
        // Bought-in capacity is counted in assessments, one per item.
        let effort = if bought_in { 1.0 } else { item.effort };
        self.in_service[f] += 1;
        if first {
            self.rec.allocated(f, arrived, now);
        }
        let dols = self.is_dols(f);
        let counted = self.m.flows[f].people && !self.holds_case(w, id);
        self.items.get_mut(id).counted = counted;
        let wk = &mut self.workers[w];
        wk.touch(now, &self.m.calendar);
        let pace = wk.pace(effort, duration);
        wk.people += u32::from(counted);
        let changed = wk.add(id, f as u16, effort, pace, dols) || !wk.pending;
        self.sync(w);
        changed
    }

    /// Replace worker `w`'s pending completion event.
    pub(super) fn reschedule(&mut self, w: usize) {
        let wk = &mut self.workers[w];
        let wake = wk.next_wake(&self.m.calendar).filter(|&(t, _)| t <= self.end);
        wk.pending = wake.is_some();
        wk.wake_for_budget = wake.is_some_and(|(_, budget)| budget);
        self.events.complete_at(w, wake.map(|(t, _)| t));
    }

    pub(super) fn on_done(&mut self, w: usize) {
        let now = self.now;
        self.workers[w].touch(now, &self.m.calendar);
        self.workers[w].pending = false;
        if self.workers[w].wake_for_budget {
            // The DoLS budget ran out: care management gets the hours back.
            self.workers[w].budget_spent();
            self.sync(w);
            self.fill(w);
            self.reschedule(w);
            return;
        }
        let id = self.workers[w].take_first();
        self.workers[w].acc.completions += 1;
        let item = self.items.get(id);
        let f = item.flow as usize;
        if self.m.flows[f].people {
            let wk = &mut self.workers[w];
            wk.people -= u32::from(item.counted);
            wk.acc.people_completions += 1;
            if self.m.flows[f].keep.is_some() {
                self.keep_allocated(w, id);
            }
        }
        let item = self.items.get(id);
        let role = self.workers[w].role as usize;
        if super::counts_assessments(&self.m.roles[role].kind) {
            self.rec.bought_completion(role, f);
        }
        self.in_service[f] -= 1;
        self.rec.completed(f, item.started, item.allocated, item.deadline, item.lapse, now);
        // Waiting work is taken on before any follow-up is placed, so a
        // follow-up never jumps ahead of work that was already waiting.
        self.sync(w);
        self.fill(w);
        self.reschedule(w);
        // Follow-ups first, so a person with more to come stays on record.
        if !self.m.flows[f].route_groups.is_empty() {
            let mut item: Item = self.items.get(id).clone();
            self.follow_up(f, &mut item);
        }
        self.free_item(id);
        if !self.screenings.is_empty() {
            self.screened(id);
        }
    }
}
