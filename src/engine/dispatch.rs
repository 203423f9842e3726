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

use super::events::EventQueue;
use super::items::{FlowQueue, Item, Items, State};
use super::{Sim, Wake};
use crate::model::{Model, WorkKind};

/// Half-open ranges of post indices.
type Ranges = Vec<(usize, usize)>;

/// The flows' queues, the items of batched flows held for their next
/// batch, who may take each flow, and what each post's booked wake-up is
/// for (it is booked in the event queue through `book` alone, so the two
/// cannot disagree).
pub(super) struct Dispatch {
    queues: Vec<FlowQueue>,
    /// Per flow released in batches: items held until the next batch.
    held: Vec<Vec<(u32, u32)>>,
    /// Per post: what its booked wake-up is for.
    wakes: Vec<Wake>,
    /// Per flow: ranges of workers (a role's posts are contiguous) who
    /// may take it, staff first, then bought-in capacity.
    staff_ranges: Vec<Ranges>,
    bought_ranges: Vec<Ranges>,
    /// Wake-ups booked (or cancelled), and items allocated to a worker.
    bookings: u64,
    starts: u64,
}

impl Dispatch {
    pub fn new(m: &Model) -> Dispatch {
        let (staff_ranges, bought_ranges) = eligible_ranges(m);
        Dispatch {
            queues: m.flows.iter().map(|f| FlowQueue::new(f.order, !f.triage.is_empty())).collect(),
            held: vec![Vec::new(); m.flows.len()],
            wakes: vec![Wake::Nothing; m.posts.len()],
            staff_ranges,
            bought_ranges,
            bookings: 0,
            starts: 0,
        }
    }

    /// Wake-ups booked (or cancelled) so far, and items allocated.
    pub fn counts(&self) -> (u64, u64) {
        (self.bookings, self.starts)
    }

    /// Whether post `w` is among the staff who take flow `f`.
    pub fn takes(&self, f: usize, w: usize) -> bool {
        self.staff_ranges[f].iter().any(|&(lo, hi)| (lo..hi).contains(&w))
    }

    /// The staff posts that take flow `f`, in order.
    pub fn staff_posts(&self, f: usize) -> impl Iterator<Item = usize> + '_ {
        self.staff_ranges[f].iter().flat_map(|&(lo, hi)| lo..hi)
    }

    /// An item of a batched flow waits, unseen by workers, for the next batch.
    pub fn hold(&mut self, f: usize, id: u32, generation: u32) {
        self.held[f].push((id, generation));
    }

    /// The items held for flow `f`'s batch, which is released now.
    pub fn release(&mut self, f: usize) -> Vec<(u32, u32)> {
        std::mem::take(&mut self.held[f])
    }

    /// Book post `w`'s next wake-up in `events` (none: `None`), and what it is for.
    fn book(&mut self, events: &mut EventQueue, w: usize, wake: Option<(f64, bool)>) {
        self.bookings += 1;
        self.wakes[w] = match wake {
            None => Wake::Nothing,
            Some((_, false)) => Wake::ItemDone,
            Some((_, true)) => Wake::BudgetSpent,
        };
        events.complete_at(w, wake.map(|(t, _)| t));
    }

    /// What post `w`'s wake-up, now due, was for; it is no longer booked.
    fn wake_due(&mut self, w: usize) -> Wake {
        std::mem::replace(&mut self.wakes[w], Wake::Nothing)
    }

    /// Drop withdrawn entries from the head of flow `f`'s queue; its
    /// head's (class, key), if any.
    fn head(&mut self, f: usize, items: &Items) -> Option<(u8, f64)> {
        self.queues[f].clean(items);
        self.queues[f].head()
    }
}

/// Each flow's eligible workers as ranges of post indices, staff roles
/// then bought-in roles, each in role order.
fn eligible_ranges(m: &Model) -> (Vec<Ranges>, Vec<Ranges>) {
    let role_range = super::staffing::role_posts(m);
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
                self.rec.waiting(f, self.now, true);
                let g = self.items.generation(id);
                let item = self.items.get_mut(id);
                item.state = State::Waiting;
                if front {
                    self.dispatch.queues[f].push_front(id, g, item);
                } else {
                    self.dispatch.queues[f].push(id, g, item);
                }
            }
        }
    }

    /// The least-loaded worker skilled for flow `f` with room, staff before
    /// bought-in capacity, lowest index first among equals.
    #[inline]
    fn free_worker(&self, f: usize) -> Option<usize> {
        let dols = self.is_dols(f);
        self.staff
            .least_loaded(dols, &self.dispatch.staff_ranges[f])
            .or_else(|| self.staff.least_loaded(dols, &self.dispatch.bought_ranges[f]))
    }

    /// Worker `w` may have room again: take picks while there is room.
    pub(super) fn fill(&mut self, w: usize) {
        while let Some(f) = self.pick(w) {
            let id = self.dispatch.queues[f].pop().expect("a pick is a queue head");
            self.rec.waiting(f, self.now, false);
            self.start(w, id);
        }
        // The caller reschedules.
    }

    /// The flow whose head is worker `w`'s pick, among the kinds of work
    /// they have room for.
    fn pick(&mut self, w: usize) -> Option<usize> {
        let m = self.m;
        let [room_cm, room_dols] = self.staff[w].rooms();
        if !room_cm && !room_dols {
            return None;
        }
        let mut best: Option<(u64, u8, f64, usize)> = None;
        for &(tier, f) in &m.posts[w].skills {
            let f = f as usize;
            if best.is_some_and(|b| tier > b.0) {
                break; // skills are sorted by tier
            }
            let room = if m.flows[f].kind == WorkKind::Dols { room_dols } else { room_cm };
            if !room || self.rec.waiting_now(f) == 0 {
                continue;
            }
            if let Some((class, key)) = self.dispatch.head(f, &self.items) {
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
        self.dispatch.starts += 1;
        let now = self.now;
        let bought_in = super::counts_assessments(&self.m.roles[self.staff[w].role as usize].kind);
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
        self.rec.serving(f, true);
        if first {
            self.rec.allocated(f, arrived, now);
        }
        let dols = self.is_dols(f);
        let counted = self.m.flows[f].people && !self.holds_case(w, id);
        self.items.get_mut(id).counted = counted;
        let unbooked = self.dispatch.wakes[w] == Wake::Nothing;
        let mut wk = self.touched(w);
        let pace = wk.pace(effort, duration);
        wk.people += u32::from(counted);
        wk.add(id, f as u16, effort, pace, dols) || unbooked
    }

    /// Replace worker `w`'s booked wake-up.
    pub(super) fn reschedule(&mut self, w: usize) {
        let wake = self.staff[w].next_wake(&self.m.calendar).filter(|&(t, _)| t <= self.end);
        self.dispatch.book(&mut self.events, w, wake);
    }

    pub(super) fn on_done(&mut self, w: usize) {
        let now = self.now;
        let mut wk = self.staff.post_at(w, now, &self.m.calendar);
        let wake = self.dispatch.wake_due(w);
        if wake == Wake::BudgetSpent {
            // The DoLS budget ran out: care management gets the hours back.
            wk.budget_spent();
            drop(wk);
            self.fill(w);
            self.reschedule(w);
            return;
        }
        let id = wk.take_first();
        wk.acc.completions += 1;
        let role = wk.role as usize;
        let item = self.items.get(id);
        let f = item.flow as usize;
        if self.m.flows[f].people {
            wk.people -= u32::from(item.counted);
            wk.acc.people_completions += 1;
        }
        drop(wk);
        if self.m.flows[f].people && self.m.flows[f].keep.is_some() {
            self.keep_allocated(w, id);
        }
        let item = self.items.get(id);
        if super::counts_assessments(&self.m.roles[role].kind) {
            self.rec.bought_completion(role, f);
        }
        self.rec.serving(f, false);
        self.rec.completed(f, item.started, item.allocated, item.deadline, item.lapse, now);
        // Waiting work is taken on before any follow-up is placed, so a
        // follow-up never jumps ahead of work that was already waiting.
        self.fill(w);
        self.reschedule(w);
        // Follow-ups first, so a person with more to come stays on record.
        if !self.m.flows[f].route_groups.is_empty() {
            let mut item: Item = self.items.get(id).clone();
            self.follow_up(f, &mut item);
        }
        self.free_item(id);
        self.screened(id);
    }
}
