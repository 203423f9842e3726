//! A post and whoever fills it: holds several open items at once, each
//! worked at its own pace.
//!
//! An item needs `effort` hours spread over at least `duration` days (a
//! needs assessment: 6 hours over about four weeks of visits, calls and
//! write-up). Its pace is effort / duration hours a day, but never more
//! than the worker's whole casework rate. A worker takes new work while
//! they are in post and at work, have free hours (the paces of their open
//! items do not fill their rate) and are under their caseload cap. Taking
//! one item too many overbooks them, and then every open item slows down
//! in proportion, as a stretched worker's cases all drift.
//!
//! With no duration an item takes the worker's whole rate, so the worker
//! is an ordinary one-at-a-time server and textbook queues are reproduced
//! exactly.
//!
//! Items progress on the worker's own clock, which runs with the working
//! calendar (see `model::calendar`) times the worker's `speed` (0 when the
//! post is vacant or they are away, less than 1 for a new starter), and
//! slower while overbooked. Each open item stores the clock reading at
//! which it finishes, so only the earliest needs an event.

use crate::model::Calendar;

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub finish: f64,
    pub pace: f64,
    pub item: u32,
    /// Index of the item's flow in the worker's `work`.
    pub skill: u8,
    pub dols: bool,
}

// Within a lane every item advances on the same clock, so the order in
// which they finish is fixed when they are added: a heap on `finish`.
impl PartialEq for Slot {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Slot {}
impl PartialOrd for Slot {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Slot {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        // Clock readings are never negative, so their bits order as they do.
        debug_assert!(self.finish >= 0.0 && other.finish >= 0.0);
        (self.finish.to_bits(), self.item).cmp(&(other.finish.to_bits(), other.item))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occupant {
    /// Not in the establishment now (a staffing plan opens it later, or
    /// closed it): no one, no cost, no vacancy.
    Closed,
    Vacant,
    Permanent,
    Agency,
}

/// What a post gave and cost between two harvests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Accrued {
    pub hours_available: f64,
    pub hours_worked: f64,
    pub hours_dols: f64,
    /// Under a fixed DoLS share: the hours set aside for DoLS while in
    /// post, whether or not DoLS work used them (not reduced for leave,
    /// as the weekly budget is not).
    pub hours_dols_set_aside: f64,
    pub overtime_hours: f64,
    /// Open items times days, over days in post: caseload.
    pub case_days: f64,
    pub post_days: f64,
    /// FTE-days by who filled the post.
    pub permanent_fte_days: f64,
    pub agency_fte_days: f64,
    pub vacant_fte_days: f64,
    /// FTE working days covered by agency staff (for the day rate).
    pub agency_working_days: f64,
    pub completions: u64,
    /// People who left the post, and recruits who started in it.
    pub leavers: u64,
    pub starters: u64,
    /// People allocated times days, over days in post.
    pub people_days: f64,
    /// Items of people's work completed.
    pub people_completions: u64,
    /// FTE working days away sick.
    pub sick_days: f64,
    /// Hours of protected development time (CPD).
    pub development_hours: f64,
    /// Supervision hours due, and given.
    pub supervision_planned: f64,
    pub supervision_delivered: f64,
}

impl Accrued {
    pub fn add(&mut self, o: &Accrued) {
        self.hours_available += o.hours_available;
        self.hours_worked += o.hours_worked;
        self.hours_dols += o.hours_dols;
        self.hours_dols_set_aside += o.hours_dols_set_aside;
        self.overtime_hours += o.overtime_hours;
        self.case_days += o.case_days;
        self.post_days += o.post_days;
        self.permanent_fte_days += o.permanent_fte_days;
        self.agency_fte_days += o.agency_fte_days;
        self.vacant_fte_days += o.vacant_fte_days;
        self.agency_working_days += o.agency_working_days;
        self.completions += o.completions;
        self.leavers += o.leavers;
        self.starters += o.starters;
        self.people_days += o.people_days;
        self.people_completions += o.people_completions;
        self.sick_days += o.sick_days;
        self.development_hours += o.development_hours;
        self.supervision_planned += o.supervision_planned;
        self.supervision_delivered += o.supervision_delivered;
    }
}

/// The hours a worker gives one of the flows they take: the paces of its
/// open items, and the hours given since the last harvest.
///
/// Hours are settled only when the flow's paces change and at a harvest,
/// from how far its lane's work has run since (`Worker::lane_work`), so
/// bringing a worker up to date costs the same however many flows they
/// take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FlowWork {
    pub flow: u16,
    lane: u8,
    reserved: f64,
    /// Paces of the people kept allocated after this flow's work.
    case_pace: f64,
    /// The lane's work reading when `hours` was last settled.
    settled: f64,
    pub hours: f64,
}

impl FlowWork {
    /// Add the hours given since the last settlement, at the paces held
    /// since, up to the lane's work reading `lane_work`.
    #[inline]
    fn settle(&mut self, lane_work: f64) {
        self.hours += (self.reserved + self.case_pace) * (lane_work - self.settled);
        self.settled = lane_work;
    }
}

/// Slack for comparing sums of paces with the rate, so a worker whose
/// items exactly fill their hours counts as full despite rounding.
const FULL: f64 = 1.0 - 1e-9;

/// A fixed DoLS share as hours to spend on DoLS in the current week (or
/// month): spent at whatever pace the DoLS work in hand asks, up to the
/// worker's whole rate, so a BIA can give whole days to an assessment and
/// then go back to care management. An assessment under way may run on
/// into the next period's hours (up to one period's worth), which that
/// period then has less of; hours not used in a period are lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Budget {
    pub share: f64,
    /// Hours left this period; below zero when borrowed from the next.
    pub left: f64,
    /// Hours a period gives: also how far `left` may go below zero.
    pub per_period: f64,
}

/// A worker's items share one clock, except under a fixed DoLS share,
/// where DoLS items have a lane (and a clock) of their own, run from the
/// DoLS budget.
#[derive(Debug, Clone, Default)]
struct Lane {
    clock: f64,
    reserved: f64,
    slots: BinaryHeap<Reverse<Slot>>,
}

/// A post during one replication, started from its `model::PostSpec`.
#[derive(Debug, Clone)]
pub(crate) struct Worker {
    pub role: u16,
    pub fte: f64,
    pub cap: u32,
    /// Casework hours per day of the working clock at full speed.
    pub rate: f64,
    occupant: Occupant,
    away_on_leave: bool,
    away_sick: bool,
    /// In a supervision session.
    away_supervision: bool,
    /// Productivity of whoever is in post (new starters, agency).
    productivity: f64,
    /// Extra share of hours worked as overtime.
    overtime: f64,
    /// The DoLS budget, under a fixed-share policy.
    pub budget: Option<Budget>,
    lanes: [Lane; 2],
    /// Per lane: its clock's run since the start, never restarted (hours
    /// a day times this are the hours given to a flow).
    lane_work: [f64; 2],
    /// Engine time and calendar reading at the last `touch`.
    last: f64,
    last_work: f64,
    /// Sum of the paces of open DoLS items (in either lane), and how many
    /// there are.
    reserved_dols: f64,
    dols_open: u32,
    /// Sum of the paces of the people kept allocated to the post (care
    /// management, in lane 0 beside its open items).
    case_pace: f64,
    /// People kept allocated to the post after their work was done.
    pub cases: u32,
    /// People allocated: kept ones, and open items of people's work that
    /// are not for someone already kept here.
    pub people: u32,
    /// Hours a day of the working clock taken out for protected development.
    dev_rate: f64,
    /// `at_work()`, `speed()`, `given()` and the lanes' clock rates as of
    /// the last change: every change goes through a method that calls
    /// `refresh`, because they are read on every event.
    working: bool,
    speed: f64,
    given: [f64; 2],
    rates: [f64; 2],
    /// Bumped whenever the post changes hands, to expire its events.
    pub tenure: u32,
    /// Whether whoever is in post is newly qualified, on a protected caseload.
    pub asye: bool,
    pub acc: Accrued,
    /// Per flow the worker takes: hours given to it, for costing activity.
    pub work: Vec<FlowWork>,
}

impl Worker {
    /// A post; with `dols_share`, its DoLS budget starts empty until the
    /// first reset.
    /// `flows` are the flows the worker takes, each with whether it is DoLS.
    pub fn new(role: u16, fte: f64, cap: u32, rate: f64, dols_share: Option<f64>, flows: &[(u16, bool)]) -> Worker {
        let mut w = Worker {
            role,
            fte,
            cap,
            rate,
            occupant: Occupant::Permanent,
            away_on_leave: false,
            away_sick: false,
            away_supervision: false,
            productivity: 1.0,
            overtime: 0.0,
            budget: dols_share.map(|share| Budget { share, left: 0.0, per_period: 0.0 }),
            lanes: [Lane::default(), Lane::default()],
            lane_work: [0.0; 2],
            last: 0.0,
            last_work: 0.0,
            reserved_dols: 0.0,
            dols_open: 0,
            case_pace: 0.0,
            cases: 0,
            people: 0,
            dev_rate: 0.0,
            working: true,
            speed: 1.0,
            given: [0.0; 2],
            rates: [1.0; 2],
            tenure: 0,
            asye: false,
            acc: Accrued::default(),
            work: flows
                .iter()
                .map(|&(flow, dols)| FlowWork {
                    flow,
                    lane: u8::from(dols && dols_share.is_some()),
                    reserved: 0.0,
                    case_pace: 0.0,
                    settled: 0.0,
                    hours: 0.0,
                })
                .collect(),
        };
        w.refresh();
        w
    }

    #[inline]
    pub fn caseload(&self) -> usize {
        self.lanes[0].slots.len() + self.lanes[1].slots.len()
    }

    /// The open items.
    pub fn open(&self) -> impl Iterator<Item = &Slot> {
        self.lanes.iter().flat_map(|l| l.slots.iter().map(|r| &r.0))
    }

    #[inline]
    pub fn at_work(&self) -> bool {
        self.working
    }

    fn compute_working(&self) -> bool {
        matches!(self.occupant, Occupant::Permanent | Occupant::Agency)
            && !self.away_on_leave
            && !self.away_sick
            && !self.away_supervision
    }

    /// Whether someone (employed or agency) holds the post.
    #[inline]
    pub fn in_post(&self) -> bool {
        matches!(self.occupant, Occupant::Permanent | Occupant::Agency)
    }

    pub fn in_supervision(&self) -> bool {
        self.away_supervision
    }

    pub fn away(&self) -> bool {
        self.away_on_leave || self.away_sick || self.away_supervision
    }

    /// How fast the worker's clock runs against the calendar's.
    #[inline]
    fn compute_speed(&self) -> f64 {
        if self.at_work() { self.productivity * (1.0 + self.overtime) } else { 0.0 }
    }

    /// Recompute the cached rates after a change.
    #[inline]
    fn refresh(&mut self) {
        self.working = self.compute_working();
        self.speed = self.compute_speed();
        self.given = self.compute_given();
        self.rates = self.compute_rates();
    }

    pub fn occupant(&self) -> Occupant {
        self.occupant
    }

    pub fn set_occupant(&mut self, occupant: Occupant) {
        self.occupant = occupant;
        self.refresh();
    }

    pub fn set_away_on_leave(&mut self, away: bool) {
        self.away_on_leave = away;
        self.refresh();
    }

    pub fn set_away_sick(&mut self, away: bool) {
        self.away_sick = away;
        self.refresh();
    }

    pub fn set_away_supervision(&mut self, away: bool) {
        self.away_supervision = away;
        self.refresh();
    }

    /// Hours a day of the working clock set aside for protected development.
    pub fn set_development(&mut self, dev_rate: f64) {
        self.dev_rate = dev_rate;
    }

    /// A person stays allocated to the post after `flow`'s work, taking
    /// `pace` hours a day. Call `touch(now)` first; reschedule after.
    pub fn add_case(&mut self, flow: u16, pace: f64) {
        let skill = self.skill(flow);
        self.settle(skill);
        self.work[skill].case_pace += pace;
        self.case_pace += pace;
        self.cases += 1;
        self.people += 1;
        self.refresh();
    }

    /// A kept person's allocation ends. Call `touch(now)` first.
    pub fn remove_case(&mut self, flow: u16, pace: f64) {
        let skill = self.skill(flow);
        self.cases -= 1;
        self.people -= 1;
        if self.cases == 0 {
            // Start again from zero so that sums cannot drift.
            self.settle_all();
            self.case_pace = 0.0;
            for w in &mut self.work {
                w.case_pace = 0.0;
            }
        } else {
            self.settle(skill);
            self.work[skill].case_pace -= pace;
            self.case_pace -= pace;
        }
        self.refresh();
    }

    pub fn set_productivity(&mut self, productivity: f64) {
        self.productivity = productivity;
        self.refresh();
    }

    pub fn set_overtime(&mut self, overtime: f64) {
        self.overtime = overtime;
        self.refresh();
    }

    /// The post's size changes (a staffing plan): its FTE, casework hours
    /// a day (assessments, for bought-in capacity) and caseload cap.
    pub fn set_size(&mut self, fte: f64, rate: f64, cap: u32) {
        self.fte = fte;
        self.rate = rate;
        self.cap = cap;
        self.refresh();
    }

    /// The pace (hours a day) at which this worker would work an item.
    #[inline]
    pub fn pace(&self, effort: f64, duration: f64) -> f64 {
        if duration > 0.0 { (effort / duration).min(self.rate) } else { self.rate }
    }

    #[inline]
    fn lane_of(&self, dols: bool) -> usize {
        usize::from(dols && self.budget.is_some())
    }

    /// A new budget period begins with `hours` of DoLS time, less what
    /// the last period borrowed.
    pub fn reset_budget(&mut self, hours: f64) {
        if let Some(b) = &mut self.budget {
            b.left = b.left.min(0.0) + hours;
            b.per_period = hours;
        }
        self.refresh();
    }

    /// The DoLS budget, with what may be borrowed, ran out: DoLS work
    /// stops until the next period.
    pub fn budget_spent(&mut self) {
        if let Some(b) = &mut self.budget {
            b.left = -b.per_period;
        }
        self.refresh();
    }

    /// Hours of work left on the DoLS items in hand.
    fn dols_work_left(&self) -> f64 {
        let lane = &self.lanes[1];
        lane.slots.iter().map(|Reverse(s)| (s.finish - lane.clock).max(0.0) * s.pace).sum()
    }

    /// Hours a day (at full speed) each lane gets: under a fixed share,
    /// DoLS as much as its work asks while the budget lasts, care
    /// management the rest.
    #[inline]
    fn compute_given(&self) -> [f64; 2] {
        let care = self.lanes[0].reserved + self.case_pace;
        match self.budget {
            None => [care.min(self.rate), 0.0],
            Some(b) => {
                let dols = if b.left > -b.per_period { self.lanes[1].reserved.min(self.rate) } else { 0.0 };
                [care.min(self.rate - dols), dols]
            }
        }
    }

    /// Clock rate of each lane against the calendar: speed, slowed while
    /// the lane's items ask for more hours than it gets.
    #[inline]
    fn compute_rates(&self) -> [f64; 2] {
        let given = self.given;
        let speed = self.speed;
        let rate = |l: usize| {
            let r = if l == 0 { self.lanes[0].reserved + self.case_pace } else { self.lanes[1].reserved };
            if r > 0.0 { speed * given[l] / r } else { speed }
        };
        [rate(0), rate(1)]
    }

    /// Whether the worker takes new care management work and new DoLS
    /// work now. Under a fixed share, care management fills the hours that
    /// the DoLS work in hand leaves (up to the share: with none in hand,
    /// all of them). New DoLS work is taken by a worker with none in hand
    /// while any DoLS time is left, borrowing from the next period (so an
    /// urgent request is not left for next week), and by one with some in
    /// hand while this period's budget covers more than that work needs.
    #[inline]
    pub fn rooms(&self) -> [bool; 2] {
        if !self.at_work() || self.caseload() as u32 >= self.cap {
            return [false, false];
        }
        match self.budget {
            Some(b) => [
                self.lanes[0].reserved + self.case_pace + self.dols_claim() < self.rate * FULL,
                if self.lanes[1].slots.is_empty() {
                    b.left + b.per_period > 0.0
                } else {
                    self.dols_work_left() < b.left
                },
            ],
            None => [self.lanes[0].reserved + self.case_pace < self.rate * FULL; 2],
        }
    }

    /// Hours the DoLS work in hand claims of the worker's rate: all it asks
    /// for, or under a fixed share at most the share, and none while it is
    /// held up until the next period. Care management fills the rest, and
    /// allocation weighs a worker's load by it, so a BIA whose DoLS work
    /// waits for next week's hours is not taken for a busy one.
    #[inline]
    fn dols_claim(&self) -> f64 {
        match self.budget {
            Some(b) if b.left > -b.per_period => self.lanes[1].reserved.min(b.share * self.rate),
            Some(_) => 0.0,
            None => self.lanes[1].reserved,
        }
    }

    /// Whether the worker takes new work of this kind now.
    #[inline]
    pub fn has_room(&self, dols: bool) -> bool {
        self.rooms()[usize::from(dols)]
    }

    /// Share of the worker's hours promised to open items (over 1 when
    /// overbooked).
    #[inline]
    pub fn load(&self) -> f64 {
        if self.rate > 0.0 {
            (self.lanes[0].reserved + self.case_pace + self.dols_claim()) / self.rate
        } else {
            f64::INFINITY
        }
    }

    /// Bring the worker's clock and tallies up to `now`; returns whether
    /// there was time to bring them through.
    #[inline]
    pub fn touch(&mut self, now: f64, cal: &Calendar) -> bool {
        let dt = now - self.last;
        if dt <= 0.0 {
            return false;
        }
        let work = cal.work(now);
        let dw = work - self.last_work;
        let (speed, rates, given) = (self.speed, self.rates, self.given);
        let caseload = self.caseload() as f64;
        let people = self.people as f64;
        let a = &mut self.acc;
        match self.occupant {
            Occupant::Closed => {}
            Occupant::Vacant => a.vacant_fte_days += self.fte * dt,
            Occupant::Permanent => a.permanent_fte_days += self.fte * dt,
            Occupant::Agency => {
                a.agency_fte_days += self.fte * dt;
                a.agency_working_days += self.fte * dw * 5.0 / 7.0;
            }
        }
        if matches!(self.occupant, Occupant::Permanent | Occupant::Agency) {
            a.post_days += dt;
            a.case_days += caseload * dt;
            a.people_days += people * dt;
            if let Some(b) = &self.budget {
                a.hours_dols_set_aside += b.share * self.rate * dw;
            }
            if self.away_sick {
                // Working days: the clock runs 7/5 on a working week's days.
                let per = match cal.kind {
                    crate::model::CalendarKind::Continuous => 1.0,
                    crate::model::CalendarKind::WorkingWeek { .. } => 5.0 / 7.0,
                };
                a.sick_days += self.fte * dw * per;
            }
        }
        if speed > 0.0 && dw > 0.0 {
            let working = speed * dw;
            for ((lane, lane_work), rate) in self.lanes.iter_mut().zip(&mut self.lane_work).zip(rates) {
                let run = rate * dw;
                lane.clock += run;
                *lane_work += run;
            }
            a.hours_available += self.rate * working;
            a.hours_worked += (given[0] + given[1]) * working;
            a.hours_dols += if let Some(b) = &mut self.budget {
                b.left = (b.left - given[1] * working).max(-b.per_period);
                given[1] * working
            } else if self.reserved_dols > 0.0 {
                self.reserved_dols * given[0] / (self.lanes[0].reserved + self.case_pace) * working
            } else {
                0.0
            };
            a.overtime_hours += self.rate * self.productivity * self.overtime * dw;
            a.development_hours += self.dev_rate * working;
        }
        self.last = now;
        self.last_work = work;
        true
    }

    /// Allocate an item of `effort` hours at `pace`. Call `touch(now)`
    /// first. Returns whether the worker's next completion may have
    /// changed (and needs rescheduling).
    #[inline]
    pub fn add(&mut self, item: u32, flow: u16, effort: f64, pace: f64, dols: bool) -> bool {
        let (rates_before, given_before) = (self.rates, self.given);
        let first_before = self.first_left(&rates_before);
        let l = self.lane_of(dols);
        let skill = self.skill(flow);
        self.settle(skill);
        self.work[skill].reserved += pace;
        let lane = &mut self.lanes[l];
        let slot = Slot { finish: lane.clock + effort / pace, pace, item, skill: skill as u8, dols };
        lane.slots.push(Reverse(slot));
        lane.reserved += pace;
        if dols {
            self.reserved_dols += pace;
            self.dols_open += 1;
        }
        self.refresh();
        let rates = self.rates;
        // The booked wake-up reads the lanes' rates, and the DoLS lane's
        // hours only for when its budget runs out; while neither changed,
        // it stands unless the new item finishes first.
        let budget_changed = self.budget.is_some() && self.given[1] != given_before[1];
        rates != rates_before || budget_changed || self.work_left(&slot, &rates) < first_before
    }

    /// Calendar work from now until an open item finishes, at the given
    /// lane rates; infinity if it never will.
    #[inline]
    fn work_left(&self, slot: &Slot, rates: &[f64; 2]) -> f64 {
        let l = self.lane_of(slot.dols);
        if rates[l] > 0.0 { (slot.finish - self.lanes[l].clock).max(0.0) / rates[l] } else { f64::INFINITY }
    }

    /// Work until the first item finishes, and its lane.
    #[inline]
    fn first(&self, rates: &[f64; 2]) -> (f64, usize) {
        let mut best = (f64::INFINITY, 0);
        for (l, lane) in self.lanes.iter().enumerate() {
            if let Some(Reverse(s)) = lane.slots.peek() {
                let left = self.work_left(s, rates);
                if left < best.0 {
                    best = (left, l);
                }
            }
        }
        best
    }

    #[inline]
    fn first_left(&self, rates: &[f64; 2]) -> f64 {
        self.first(rates).0
    }

    /// When the earliest open item will finish at the current clock rates.
    /// Call `touch(now)` first.
    #[cfg(test)]
    pub fn next_finish(&self, cal: &Calendar) -> Option<f64> {
        self.next_wake(cal).filter(|w| !w.1).map(|w| w.0)
    }

    /// When the worker next needs attention, and whether it is because the
    /// DoLS budget runs out (else an item finishes). Call `touch(now)` first.
    #[inline]
    pub fn next_wake(&self, cal: &Calendar) -> Option<(f64, bool)> {
        let mut first = self.first_left(&self.rates);
        let mut budget = false;
        if let Some(b) = self.budget {
            let pace = self.given[1] * self.speed;
            let can_spend = b.left + b.per_period;
            if can_spend > 0.0 && pace > 0.0 && can_spend / pace < first {
                first = can_spend / pace;
                budget = true;
            }
        }
        if !first.is_finite() {
            return None;
        }
        let t = cal.time_at(self.last_work + first);
        // The calendar may round a hair before the last touch.
        if t.is_finite() { Some((t.max(self.last), budget)) } else { None }
    }

    /// Book-keeping after a slot left lane `l`.
    fn removed(&mut self, l: usize, slot: &Slot) {
        self.settle(slot.skill as usize);
        let lane = &mut self.lanes[l];
        lane.reserved -= slot.pace;
        self.work[slot.skill as usize].reserved -= slot.pace;
        if lane.slots.is_empty() {
            // Restart an empty lane from zero so that sums cannot drift
            // and clock readings stay small over long runs (keeping the
            // heap's allocation).
            lane.clock = 0.0;
            lane.reserved = 0.0;
            let lane_work = self.lane_work[l];
            for w in self.work.iter_mut().filter(|w| w.lane as usize == l) {
                w.settle(lane_work);
                w.reserved = 0.0;
            }
        }
        if slot.dols {
            self.reserved_dols -= slot.pace;
            self.dols_open -= 1;
            if self.dols_open == 0 {
                self.reserved_dols = 0.0;
            }
        }
        self.refresh();
    }

    /// Remove and return the item that finishes first. Call `touch(now)` first.
    #[inline]
    pub fn take_first(&mut self) -> u32 {
        let (_, l) = self.first(&self.rates);
        let Reverse(slot) = self.lanes[l].slots.pop().expect("an open item");
        self.removed(l, &slot);
        if !self.lanes[l].slots.is_empty() {
            self.lanes[l].clock = self.lanes[l].clock.max(slot.finish);
        }
        slot.item
    }

    /// Take an unfinished item away; returns the effort still to do and
    /// the pace it was worked at. Call `touch(now)` first.
    pub fn withdraw(&mut self, item: u32) -> Option<(f64, f64)> {
        let l = (0..2).find(|&l| self.lanes[l].slots.iter().any(|s| s.0.item == item))?;
        let clock = self.lanes[l].clock;
        let mut slots = std::mem::take(&mut self.lanes[l].slots).into_vec();
        let i = slots.iter().position(|s| s.0.item == item).expect("found above");
        let Reverse(slot) = slots.swap_remove(i);
        self.lanes[l].slots = slots.into();
        self.removed(l, &slot);
        Some((((slot.finish - clock) * slot.pace).max(0.0), slot.pace))
    }

    /// Hand back the accrued tallies and reset them, with each flow's
    /// `hours` brought up to date (the caller resets those).
    pub fn harvest(&mut self) -> Accrued {
        self.settle_all();
        std::mem::take(&mut self.acc)
    }

    /// The index in `work` of a flow the worker takes.
    #[inline]
    fn skill(&self, flow: u16) -> usize {
        self.work.iter().position(|w| w.flow == flow).expect("a flow the worker takes")
    }

    /// Bring flow `skill`'s hours up to date before its paces change.
    #[inline]
    fn settle(&mut self, skill: usize) {
        let lane_work = self.lane_work[self.work[skill].lane as usize];
        self.work[skill].settle(lane_work);
    }

    fn settle_all(&mut self) {
        let lane_work = self.lane_work;
        for w in &mut self.work {
            w.settle(lane_work[w.lane as usize]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flow 0 is care management, flow 1 DoLS.
    const FLOWS: [(u16, bool); 2] = [(0, false), (1, true)];

    fn flow(dols: bool) -> u16 {
        u16::from(dols)
    }

    fn cal() -> Calendar {
        Calendar::continuous()
    }

    fn worker(cap: u32, rate: f64) -> Worker {
        Worker::new(0, 1.0, cap, rate, None, &FLOWS)
    }

    #[test]
    fn without_a_duration_an_item_takes_the_whole_worker() {
        let mut w = worker(5, 5.0);
        let pace = w.pace(10.0, 0.0);
        assert_eq!(pace, 5.0);
        assert!(w.has_room(false));
        w.add(7, flow(false), 10.0, pace, false);
        assert!(!w.has_room(false), "a second item must wait");
        assert_eq!(w.next_finish(&cal()), Some(2.0));
        w.touch(2.0, &cal());
        assert_eq!(w.take_first(), 7);
        let a = w.harvest();
        assert_eq!((a.hours_available, a.hours_worked, a.case_days, a.post_days), (10.0, 10.0, 2.0, 2.0));
    }

    #[test]
    fn items_with_durations_share_the_worker() {
        // 5 hours a day; items of 6 hours over 20 days need 0.3 a day.
        let mut w = worker(12, 5.0);
        let pace = w.pace(6.0, 20.0);
        assert!((pace - 0.3).abs() < 1e-12);
        for i in 0..12 {
            assert!(w.has_room(false));
            w.add(i, flow(false), 6.0, pace, false);
        }
        assert!(!w.has_room(false), "the cap of 12 is reached before the hours");
        assert!((w.load() - 0.72).abs() < 1e-12);
        let t = w.next_finish(&cal()).unwrap();
        assert!((t - 20.0).abs() < 1e-9);
        w.touch(t, &cal());
        let a = w.harvest();
        assert!((a.hours_worked - 72.0).abs() < 1e-9, "12 items x 6 hours");
        assert!((a.hours_available - 100.0).abs() < 1e-9);
    }

    #[test]
    fn an_overbooked_worker_slows_every_item() {
        // 4 hours a day; three items at 2 hours a day overbook by half, so
        // items of 20 hours (10 days at full pace) take 15 days.
        let mut w = worker(10, 4.0);
        w.add(1, flow(false), 20.0, 2.0, false);
        assert!(w.has_room(false));
        w.add(2, flow(false), 20.0, 2.0, false);
        assert!(!w.has_room(false), "hours are full");
        w.add(3, flow(false), 20.0, 2.0, false);
        let t = w.next_finish(&cal()).unwrap();
        assert!((t - 15.0).abs() < 1e-9, "{t}");
        w.touch(t, &cal());
        assert!((w.harvest().hours_worked - 60.0).abs() < 1e-9, "worked at the full rate, no more");
    }

    #[test]
    fn time_away_delays_completion() {
        let mut w = worker(3, 5.0);
        w.add(1, flow(false), 5.0, w.pace(5.0, 10.0), false); // due on day 10
        w.touch(4.0, &cal());
        w.set_away_sick(true);
        assert_eq!(w.next_finish(&cal()), None);
        assert!(!w.has_room(false), "no new work while away");
        w.touch(6.0, &cal());
        w.set_away_sick(false);
        let t = w.next_finish(&cal()).unwrap();
        assert!((t - 12.0).abs() < 1e-12, "{t}");
    }

    #[test]
    fn a_fixed_dols_share_is_a_budget_spent_at_the_pace_dols_work_asks() {
        // 5 hours a day, 20% for DoLS: a week of 7 days holds 7 DoLS hours.
        let mut w = Worker::new(0, 1.0, 20, 5.0, Some(0.2), &FLOWS);
        assert!(!w.has_room(true), "no budget before the first period starts");
        w.reset_budget(0.2 * 5.0 * 7.0);
        w.add(1, flow(false), 40.0, 4.0, false); // care management takes 80%
        assert!(w.has_room(false), "with no DoLS in hand, care management may take the rest");
        assert!(w.has_room(true), "DoLS has its budget");
        w.add(2, flow(true), 10.0, 5.0, true); // a 10-hour assessment, worked flat out
        assert!(!w.has_room(false), "care management has the hours the share leaves");
        assert!(!w.has_room(true), "the 10 hours in hand need more than this week's 7");
        // DoLS takes whole days: the assessment is done in 2 days, borrowing
        // 3 hours from next week.
        let (t, budget) = w.next_wake(&cal()).unwrap();
        assert!(!budget && (t - 2.0).abs() < 1e-12, "{t} {budget}");
        w.touch(2.0, &cal());
        let a = w.harvest();
        assert!((a.hours_dols - 10.0).abs() < 1e-9, "{}", a.hours_dols);
        assert!((a.hours_worked - 10.0).abs() < 1e-9, "care management waited: {}", a.hours_worked);
        assert_eq!(w.take_first(), 2);
        assert!(w.has_room(true), "with none in hand, a new request may borrow from next week");
        w.touch(3.0, &cal());
        assert!((w.harvest().hours_worked - 4.0).abs() < 1e-9, "care management has the day back");
        w.reset_budget(7.0);
        assert!((w.budget.unwrap().left - 4.0).abs() < 1e-9, "next week has 7 - 3 borrowed");
        // A second assessment of 20 hours stops when what can be borrowed is
        // spent: 4 left + 7 of the week after, at 5 a day.
        w.add(3, flow(true), 20.0, 5.0, true);
        let (t, budget) = w.next_wake(&cal()).unwrap();
        assert!(budget && (t - 5.2).abs() < 1e-9, "{t} {budget}");
        w.touch(t, &cal());
        w.budget_spent();
        assert_eq!(w.next_wake(&cal()).map(|x| x.1), Some(false), "care management goes on");
    }

    #[test]
    fn rooms_agree_with_has_room() {
        let cases = [(None, [(1, 2.0, false), (2, 1.0, false)]), (Some(0.3), [(1, 3.0, false), (2, 1.2, true)])];
        for (share, items) in cases {
            let mut w = Worker::new(0, 1.0, 3, 5.0, share, &FLOWS);
            for (id, pace, dols) in items {
                assert_eq!(w.rooms(), [w.has_room(false), w.has_room(true)]);
                w.add(id, flow(dols), 10.0, pace, dols);
            }
            assert_eq!(w.rooms(), [w.has_room(false), w.has_room(true)]);
            w.set_away_sick(true);
            assert_eq!(w.rooms(), [false, false]);
        }
    }

    #[test]
    fn withdrawing_returns_the_work_left() {
        let mut w = worker(5, 4.0);
        w.add(1, flow(false), 8.0, 1.0, false);
        w.touch(3.0, &cal());
        let (left, pace) = w.withdraw(1).unwrap();
        assert!((left - 5.0).abs() < 1e-12 && pace == 1.0);
        assert_eq!(w.caseload(), 0);
    }
}
