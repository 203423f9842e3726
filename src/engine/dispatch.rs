//! Who takes which waiting item, and when.
//!
//! A worker with room (free hours, under their cap) always takes their
//! *pick*: the best head of the queues they are skilled for, ranked by
//! flow priority, then key (arrival time, or deadline for deadline-ordered
//! flows), then flow order. So the engine keeps one invariant: no worker
//! with room has waiting work they are skilled for. It can break only
//! when an item joins a queue (`place`) or a worker gains room (`fill`).

use super::Sim;
use super::events::Event;
use super::items::State;

impl Sim<'_> {
    /// An item joins its flow: the least-loaded skilled worker with room
    /// takes it, or it waits. By the invariant, no waiting item could have
    /// been that worker's better pick.
    pub(super) fn place(&mut self, id: u32) {
        let f = self.items.get(id).flow as usize;
        match self.free_worker(f) {
            Some(w) => {
                self.start(w, id);
                self.reschedule(w);
            }
            None => {
                let item = self.items.get_mut(id);
                item.state = State::Waiting;
                self.queues[f].push(id, item);
            }
        }
    }

    /// The least-loaded worker skilled for flow `f` with room, lowest
    /// index first among equals.
    fn free_worker(&self, f: usize) -> Option<usize> {
        let mut best = None;
        let mut best_load = f64::INFINITY;
        for &w in &self.m.flows[f].eligible {
            let wk = &self.workers[w as usize];
            if wk.has_room() {
                let load = wk.load();
                if load < best_load {
                    best_load = load;
                    best = Some(w as usize);
                    if load == 0.0 {
                        break;
                    }
                }
            }
        }
        best
    }

    /// Worker `w` may have room again: take picks while there is room.
    fn fill(&mut self, w: usize) {
        while self.workers[w].has_room() {
            let Some(f) = self.pick(w) else { break };
            let id = self.queues[f].pop().expect("a pick is a queue head");
            self.start(w, id);
        }
    }

    /// The flow whose head is worker `w`'s pick.
    fn pick(&self, w: usize) -> Option<usize> {
        let mut best: Option<(u32, f64, usize)> = None;
        for &f in &self.m.workers[w].skills {
            let f = f as usize;
            let priority = self.m.flows[f].priority;
            if best.is_some_and(|b| priority > b.0) {
                break; // skills are sorted by priority
            }
            if let Some((key, _)) = self.queues[f].head() {
                if best.is_none_or(|b| key < b.1) {
                    best = Some((priority, key, f));
                }
            }
        }
        best.map(|b| b.2)
    }

    /// Allocate item `id` to worker `w`; the caller reschedules `w`.
    fn start(&mut self, w: usize, id: u32) {
        let now = self.now;
        let item = self.items.get_mut(id);
        item.state = State::InService;
        let (f, arrived, effort, duration) = (item.flow as usize, item.arrived, item.effort, item.duration);
        self.in_service[f] += 1;
        self.rec.allocated(f, arrived, now);
        let wk = &mut self.workers[w];
        wk.touch(now);
        let pace = wk.pace(effort, duration);
        wk.add(id, effort, pace);
    }

    /// Replace worker `w`'s pending completion event.
    pub(super) fn reschedule(&mut self, w: usize) {
        let wk = &mut self.workers[w];
        wk.generation = wk.generation.wrapping_add(1);
        if let Some(t) = wk.next_finish(self.now) {
            self.events.push(t, Event::Done { worker: w as u32, generation: wk.generation });
        }
    }

    pub(super) fn on_done(&mut self, w: usize) {
        let now = self.now;
        self.workers[w].touch(now);
        let id = self.workers[w].take_first();
        let mut item = self.items.get(id).clone();
        self.items.remove(id);
        let f = item.flow as usize;
        self.in_service[f] -= 1;
        self.rec.completed(f, item.arrived, item.deadline, now);
        // Waiting work is taken on before any follow-up is placed, so a
        // follow-up never jumps ahead of work that was already waiting.
        self.fill(w);
        self.reschedule(w);
        self.follow_up(f, &mut item.rng);
    }
}
