//! People allocated to workers: a person whose work is done may stay
//! allocated (ongoing care management) for a drawn time, taking some of
//! the worker's hours, until the case closes or transfers to another
//! team. Follow-ups of a kept person go back to their worker where they
//! can. A kept person stays with the post when its worker leaves: while
//! the post is vacant they wait for allocation, and whoever fills it next
//! (a recruit, agency cover) takes them on.

use rand::{Rng, RngExt};

use super::Sim;
use super::cases::Inherit;
use super::events::Event;
use super::items::NO_CASE;
use super::streams::stream;

/// One person kept allocated to a post.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub post: u32,
    /// The flow whose work kept them (their hours count as its hours).
    pub flow: u16,
    /// Casework hours a day of the working clock.
    pub pace: f64,
    /// Whether they transfer to the flow's `transfer_to` when it ends.
    pub transfer: bool,
    /// Random seed of the transfer's item.
    pub seed: u64,
    pub person: u32,
}

/// People kept allocated after their work, by case id (never reused, so
/// an item's case stays valid after the case closes).
#[derive(Debug, Default)]
pub(super) struct Cases {
    list: Vec<Case>,
    open: Vec<bool>,
}

impl Cases {
    /// The post case `c` is kept on, while it is open; none for `NO_CASE`.
    #[inline]
    pub fn post_of(&self, c: u32) -> Option<usize> {
        if c == NO_CASE || !self.open[c as usize] { None } else { Some(self.list[c as usize].post as usize) }
    }

    fn open(&mut self, case: Case) -> u32 {
        self.list.push(case);
        self.open.push(true);
        (self.list.len() - 1) as u32
    }

    /// Close case `c`; returns it if it was open.
    fn close(&mut self, c: usize) -> Option<&Case> {
        std::mem::replace(&mut self.open[c], false).then_some(&self.list[c])
    }

    /// The open cases kept on post `w`.
    fn on_post(&self, w: usize) -> Vec<usize> {
        (0..self.list.len()).filter(|&c| self.open[c] && self.list[c].post as usize == w).collect()
    }

    /// Open case `c` moves to post `w`.
    fn move_to(&mut self, c: usize, w: usize) {
        self.list[c].post = w as u32;
    }
}

impl Sim<'_> {
    /// Whether item `id` is for a person kept allocated to post `w`.
    #[inline]
    pub(super) fn holds_case(&self, w: usize, id: u32) -> bool {
        self.cases.post_of(self.items.get(id).case) == Some(w)
    }

    /// The worker a kept person's item goes back to: theirs, if in post,
    /// able to take the flow and with room for it.
    #[inline]
    pub(super) fn case_worker(&self, id: u32, f: usize) -> Option<usize> {
        let w = self.cases.post_of(self.items.get(id).case)?;
        let takes = self.dispatch.takes(f, w);
        let dols = self.m.flows[f].kind == crate::model::WorkKind::Dols;
        (takes && self.staff[w].has_room(dols)).then_some(w)
    }

    /// Item `id` of a flow with `keep_allocated` was completed by post
    /// `w`: its person may stay allocated. The draws come from the item's
    /// own stream, so its fate is the same whatever the staffing.
    pub(super) fn keep_allocated(&mut self, w: usize, id: u32) {
        let m = self.m;
        let f = self.items.get(id).flow as usize;
        let keep = m.flows[f].keep.as_ref().expect("a flow that keeps people");
        let item = self.items.get_mut(id);
        let u: f64 = item.rng.random();
        let days = keep.days.sample(&mut item.rng);
        let v: f64 = item.rng.random();
        let seed = item.rng.next_u64();
        let transfer = keep.transfer.is_some_and(|(_, p)| v < p);
        // Someone already kept by a worker stays with them.
        let already = self.cases.post_of(item.case).is_some();
        if u < keep.share && !already {
            let person = item.person;
            let c = self.open_case(w, f, days, transfer, seed, person);
            self.items.get_mut(id).case = c;
        }
    }

    /// Keep a person allocated to post `w` for `days`. The worker must be
    /// touched; the caller reschedules them.
    fn open_case(&mut self, w: usize, f: usize, days: f64, transfer: bool, seed: u64, person: u32) -> u32 {
        let pace = self.m.flows[f].keep.as_ref().map_or(0.0, |k| k.hours_per_day);
        let c = self.cases.open(Case { post: w as u32, flow: f as u16, pace, transfer, seed, person });
        self.staff.post(w).add_case(f as u16, pace);
        let t = self.now + days;
        if t <= self.end {
            self.events.push(t, Event::CaseEnds { case: c });
        }
        c
    }

    /// A kept person's allocation ends: the case closes, or transfers.
    pub(super) fn on_case_ends(&mut self, c: usize) {
        let Some(case) = self.cases.close(c).cloned() else { return };
        let (w, flow, pace) = (case.post as usize, case.flow, case.pace);
        self.change_worker(w, |wk| wk.remove_case(flow, pace));
        let m = self.m;
        if case.transfer {
            if let Some((to, _)) = m.flows[flow as usize].keep.as_ref().and_then(|k| k.transfer) {
                let from = Inherit {
                    deadline: f64::INFINITY,
                    lapse: f64::INFINITY,
                    person: case.person,
                    class: 0,
                    started: self.now,
                    case: NO_CASE,
                };
                let seed = case.seed;
                self.spawn(to as usize, seed, 0.0, from, false);
            }
        }
    }

    /// Post `w` closed: its kept people go to the open post of the same
    /// role with fewest people allocated, or, with none open, their cases close.
    pub(super) fn hand_on_cases(&mut self, w: usize) {
        if self.staff[w].cases == 0 {
            return;
        }
        let role = self.staff[w].role as usize;
        for c in self.cases.on_post(w) {
            let (flow, pace) = (self.cases.list[c].flow, self.cases.list[c].pace);
            self.change_worker(w, |wk| wk.remove_case(flow, pace));
            let to = self
                .staffing
                .posts(role)
                .filter(|&x| x != w && self.staff[x].occupant() != super::worker::Occupant::Closed)
                .min_by_key(|&x| (self.staff[x].people, x));
            match to {
                Some(x) => {
                    self.cases.move_to(c, x);
                    self.change_worker(x, |wk| wk.add_case(flow, pace));
                }
                None => {
                    self.cases.close(c);
                }
            }
        }
    }

    /// People already allocated at time 0, spread over the posts that
    /// take each flow (fewest people first), each with a uniform share of
    /// their time left.
    pub(super) fn initial_allocated(&mut self) {
        let m = self.m;
        for (f, flow) in m.flows.iter().enumerate() {
            let (Some(keep), n) = (&flow.keep, flow.initial.allocated) else { continue };
            if n == 0 {
                continue;
            }
            let mut rng = stream(self.seed, self.replication, "allocated", &flow.name);
            for _ in 0..n {
                let left: f64 = rng.random::<f64>().max(1e-6);
                let days = keep.days.sample(&mut rng) * left;
                let transfer = keep.transfer.is_some_and(|(_, p)| rng.random::<f64>() < p);
                let seed = rng.next_u64();
                let post = self
                    .dispatch
                    .staff_posts(f)
                    .filter(|&w| self.staff[w].occupant() != super::worker::Occupant::Closed)
                    .min_by_key(|&w| (self.staff[w].people, w));
                if let Some(w) = post {
                    self.touched(w);
                    self.open_case(w, f, days, transfer, seed, super::items::NOBODY);
                }
            }
        }
    }
}
