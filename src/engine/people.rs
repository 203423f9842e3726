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
    pub open: bool,
}

impl Sim<'_> {
    /// Whether item `id` is for a person kept allocated to post `w`.
    #[inline]
    pub(super) fn holds_case(&self, w: usize, id: u32) -> bool {
        let c = self.items.get(id).case;
        c != NO_CASE && self.cases[c as usize].open && self.cases[c as usize].post as usize == w
    }

    /// The worker a kept person's item goes back to: theirs, if in post,
    /// able to take the flow and with room for it.
    #[inline]
    pub(super) fn case_worker(&self, id: u32, f: usize) -> Option<usize> {
        let c = self.items.get(id).case;
        if c == NO_CASE || !self.cases[c as usize].open {
            return None;
        }
        let w = self.cases[c as usize].post as usize;
        let takes = self.staff_ranges[f].iter().any(|&(lo, hi)| (lo..hi).contains(&w));
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
        let already = item.case != NO_CASE && self.cases[item.case as usize].open;
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
        let c = self.cases.len() as u32;
        self.cases.push(Case { post: w as u32, flow: f as u16, pace, transfer, seed, person, open: true });
        self.staff.post(w).add_case(f as u16, pace);
        let t = self.now + days;
        if t <= self.end {
            self.events.push(t, Event::CaseEnds { case: c });
        }
        c
    }

    /// A kept person's allocation ends: the case closes, or transfers.
    pub(super) fn on_case_ends(&mut self, c: usize) {
        if !self.cases[c].open {
            return;
        }
        self.cases[c].open = false;
        let (w, flow, pace) = (self.cases[c].post as usize, self.cases[c].flow, self.cases[c].pace);
        self.change_worker(w, |wk| wk.remove_case(flow, pace));
        let m = self.m;
        let case = &self.cases[c];
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
        let (lo, hi) = self.role_posts[role];
        for c in 0..self.cases.len() {
            if !self.cases[c].open || self.cases[c].post as usize != w {
                continue;
            }
            let (flow, pace) = (self.cases[c].flow, self.cases[c].pace);
            self.change_worker(w, |wk| wk.remove_case(flow, pace));
            let to = (lo..hi)
                .filter(|&x| x != w && self.staff[x].occupant() != super::worker::Occupant::Closed)
                .min_by_key(|&x| (self.staff[x].people, x));
            match to {
                Some(x) => {
                    self.cases[c].post = x as u32;
                    self.change_worker(x, |wk| wk.add_case(flow, pace));
                }
                None => self.cases[c].open = false,
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
                let post = self.staff_ranges[f]
                    .iter()
                    .flat_map(|&(lo, hi)| lo..hi)
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
