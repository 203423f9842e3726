//! The workforce over time: leave, sickness, leavers, recruits, agency
//! cover, new starters, protected caseloads and overtime.

use std::ops::Range;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use super::Sim;
use super::events::{Event, StaffEvent};
use super::streams::{Stream, stream};
use super::worker::Occupant;
use crate::model::workforce::{BudgetPeriod, PlanChange, post_fte};
use crate::model::{CalendarKind, Dist, DolsPolicy, Model, RoleKind};
use crate::units::{DAYS_PER_WEEK, DAYS_PER_YEAR};

/// What the workforce is doing beyond each post: the posts' own random
/// streams, and per role its posts, whether overtime is worked and
/// vacancies covered by agency now, the recruitment drive under way,
/// and when DoLS budgets start again.
pub(super) struct Staffing {
    /// Per post: its own random stream (absence, turnover, recruits).
    rng: Vec<Stream>,
    /// Per role: its posts, a contiguous range of workers.
    posts: Vec<(usize, usize)>,
    overtime_on: Vec<bool>,
    /// Per role: whether vacancies get agency cover now (a plan can end it).
    agency_on: Vec<bool>,
    /// Per role: the recruitment lag of a drive under way, if any.
    recruitment: Vec<Option<Dist>>,
    /// When weekly (0) and monthly (1) DoLS budgets start again, and the
    /// next of each to come.
    resets: [Vec<f64>; 2],
    next_reset: [usize; 2],
}

impl Staffing {
    pub fn new(m: &Model, seed: u64, replication: u64) -> Staffing {
        let rng = m
            .posts
            .iter()
            .enumerate()
            .map(|(i, w)| stream(seed, replication, "staff", &format!("{}/{i}", m.roles[w.role as usize].name)))
            .collect();
        Staffing {
            rng,
            posts: role_posts(m),
            overtime_on: vec![false; m.roles.len()],
            agency_on: m.roles.iter().map(|r| r.agency.is_some()).collect(),
            recruitment: vec![None; m.roles.len()],
            resets: budget_resets(m),
            next_reset: [0, 0],
        }
    }

    /// The posts of role `r`: a contiguous range of workers.
    pub fn posts(&self, r: usize) -> Range<usize> {
        let (lo, hi) = self.posts[r];
        lo..hi
    }

    /// An exponential gap with the given mean, from post `w`'s stream.
    fn gap(&mut self, w: usize, mean: f64) -> f64 {
        let e: f64 = Exp1.sample(&mut self.rng[w]);
        e * mean
    }

    /// A recruit's lag for post `w` of role `r`, after the lag of any
    /// recruitment drive on now, else the role's own; none if the role
    /// does not recruit.
    fn recruitment_lag(&mut self, m: &Model, r: usize, w: usize) -> Option<f64> {
        let lag = self.recruitment[r].as_ref().or(m.roles[r].recruitment_days.as_ref())?;
        Some(lag.sample(&mut self.rng[w]))
    }

    /// Whether role `r`'s overtime is worked now; switching it returns
    /// whether it changed.
    fn switch_overtime(&mut self, r: usize, on: bool) -> bool {
        let changed = self.overtime_on[r] != on;
        self.overtime_on[r] = on;
        changed
    }

    /// When budget period `per` (0 week, 1 month) next starts, if ever.
    fn next_reset(&self, per: usize) -> Option<f64> {
        self.resets[per].get(self.next_reset[per]).copied()
    }

    /// Budget period `per` starts now: returns when it ends (the next
    /// start, or `end` if there is none).
    fn begin_period(&mut self, per: usize, end: f64) -> f64 {
        self.next_reset[per] += 1;
        self.next_reset(per).unwrap_or(end)
    }
}

/// Each role's posts as a half-open range of worker indices.
pub(super) fn role_posts(m: &Model) -> Vec<(usize, usize)> {
    let mut out = vec![(usize::MAX, 0usize); m.roles.len()];
    for (w, spec) in m.posts.iter().enumerate() {
        let r = &mut out[spec.role as usize];
        r.0 = r.0.min(w);
        r.1 = r.1.max(w + 1);
    }
    out.into_iter().map(|(lo, hi)| if lo == usize::MAX { (0, 0) } else { (lo, hi) }).collect()
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

impl Sim<'_> {
    /// Calendar days a spell of `working_days` away takes.
    fn spell_days(&self, working_days: f64) -> f64 {
        match self.m.calendar.kind {
            CalendarKind::Continuous => working_days,
            CalendarKind::WorkingWeek { .. } => working_days * 7.0 / 5.0,
        }
    }

    fn staff_event(&mut self, w: usize, after: f64, what: StaffEvent) {
        let t = self.now + after;
        if t <= self.end {
            let tenure = self.staff[w].tenure;
            self.events.push(t, Event::Staff { worker: w as u32, tenure, what });
        }
    }

    pub(super) fn start_staffing(&mut self) {
        let m = self.m;
        for w in 0..self.staff.len() {
            let spec = &m.posts[w];
            let role = &m.roles[spec.role as usize];
            if let RoleKind::BoughtIn { .. } = role.kind {
                continue;
            }
            if spec.fte == 0.0 {
                self.staff.post(w).set_occupant(Occupant::Closed);
            } else if spec.vacant_at_start {
                self.staff.post(w).set_occupant(Occupant::Vacant);
                self.start_vacancy(w);
            } else {
                self.schedule_leaving(w);
                // Sessions spread over the first days of the month.
                self.start_sessions(w, f64::NEG_INFINITY, Some((w % 20) as f64));
            }
            if role.absence && m.absence.is_some() {
                self.schedule_leave(w);
                self.schedule_sickness(w);
            }
        }
    }

    fn schedule_leaving(&mut self, w: usize) {
        let rate = self.m.roles[self.staff[w].role as usize].turnover_per_year;
        if rate > 0.0 {
            let after = self.staffing.gap(w, DAYS_PER_YEAR / rate);
            self.staff_event(w, after, StaffEvent::Leaves);
        }
    }

    /// A post has just become vacant: recruitment and agency cover begin.
    fn start_vacancy(&mut self, w: usize) {
        self.start_recruitment(w);
        let r = self.staff[w].role as usize;
        if let (Some(a), true) = (self.m.roles[r].agency, self.staffing.agency_on[r]) {
            self.staff_event(w, a.after_days, StaffEvent::AgencyStarts);
        }
    }

    /// Book a recruit for post `w`, after the lag of any recruitment drive
    /// on now, else the role's own.
    fn start_recruitment(&mut self, w: usize) {
        let r = self.staff[w].role as usize;
        if let Some(after) = self.staffing.recruitment_lag(self.m, r, w) {
            self.staff_event(w, after, StaffEvent::Starts);
        }
    }

    /// Step `k` of role `r`'s staffing plan takes effect.
    pub(super) fn on_plan(&mut self, r: usize, k: usize) {
        let m = self.m;
        let role = &m.roles[r];
        match role.plan[k].change.clone() {
            PlanChange::Fte { fte, vacant } => {
                for (i, w) in self.staffing.posts(r).enumerate() {
                    let new = post_fte(fte, i, m.posts[w].share);
                    let old = if self.staff[w].occupant() == Occupant::Closed { 0.0 } else { self.staff[w].fte };
                    if new == old {
                        continue;
                    }
                    if new == 0.0 {
                        self.close_post(w);
                    } else {
                        let asye = self.staff[w].asye;
                        let ((rate, dev), cap) = (role.rates(new, asye), role.cap_for(new, asye));
                        self.change_worker(w, |wk| {
                            wk.set_size(new, rate, cap);
                            wk.set_development(dev);
                        });
                        if old == 0.0 {
                            self.open_post(w, vacant);
                        }
                    }
                }
            }
            PlanChange::Agency(on) => {
                self.staffing.agency_on[r] = on;
                for w in self.staffing.posts(r) {
                    match self.staff[w].occupant() {
                        // Cover ends: the post is vacant again, recruitment goes on.
                        Occupant::Agency if !on => {
                            self.touched(w);
                            self.stop_sessions(w);
                            let mut wk = self.staff.post(w);
                            wk.set_occupant(Occupant::Vacant);
                            wk.set_productivity(1.0);
                            drop(wk);
                            self.requeue_all(w);
                        }
                        Occupant::Vacant if on => {
                            let after = role.agency.map_or(0.0, |a| a.after_days);
                            self.staff_event(w, after, StaffEvent::AgencyStarts);
                        }
                        _ => {}
                    }
                }
            }
            PlanChange::PerWeek(per_week) => {
                for w in self.staffing.posts(r) {
                    let cap = self.staff[w].cap;
                    self.change_worker(w, |wk| wk.set_size(1.0, per_week / DAYS_PER_WEEK, cap));
                }
            }
            PlanChange::Recruitment(lag) => {
                self.staffing.recruitment[r] = lag;
                // A drive also speeds up posts already being recruited to:
                // whichever recruit comes first takes the post.
                for w in self.staffing.posts(r) {
                    if matches!(self.staff[w].occupant(), Occupant::Vacant | Occupant::Agency) {
                        self.start_recruitment(w);
                    }
                }
            }
        }
    }

    /// A post joins the establishment: filled at once, or vacant and recruited to.
    fn open_post(&mut self, w: usize, vacant: bool) {
        let occupant = if vacant { Occupant::Vacant } else { Occupant::Permanent };
        self.change_worker(w, |wk| {
            wk.tenure = wk.tenure.wrapping_add(1);
            wk.set_occupant(occupant);
        });
        if vacant {
            self.start_vacancy(w);
        } else {
            self.schedule_leaving(w);
            self.start_sessions(w, self.now, None);
        }
    }

    /// A post leaves the establishment: whoever held it goes (not counted
    /// as a leaver), their work goes back to the queues.
    fn close_post(&mut self, w: usize) {
        self.touched(w);
        self.stop_sessions(w);
        let mut wk = self.staff.post(w);
        wk.tenure = wk.tenure.wrapping_add(1);
        wk.asye = false;
        wk.set_productivity(1.0);
        wk.set_occupant(Occupant::Closed);
        drop(wk);
        self.requeue_all(w);
        self.hand_on_cases(w);
    }

    fn schedule_leave(&mut self, w: usize) {
        let Some(a) = &self.m.absence else { return };
        if a.annual_leave_days <= 0.0 {
            return;
        }
        let spells = a.annual_leave_days / a.leave_spell_days;
        let mean_gap = (DAYS_PER_YEAR / spells - self.spell_days(a.leave_spell_days)).max(0.0);
        let after = self.staffing.gap(w, mean_gap);
        self.staff_event(w, after, StaffEvent::LeaveStarts);
    }

    fn schedule_sickness(&mut self, w: usize) {
        let Some(a) = &self.m.absence else { return };
        if a.sickness_days <= 0.0 {
            return;
        }
        let mean_spell = a.sickness_spell_days.mean();
        let spells = a.sickness_days / mean_spell;
        let mean_gap = (DAYS_PER_YEAR / spells - self.spell_days(mean_spell)).max(0.0);
        let after = self.staffing.gap(w, mean_gap);
        self.staff_event(w, after, StaffEvent::SickStarts);
    }

    pub(super) fn on_staff(&mut self, w: usize, tenure: u32, what: StaffEvent) {
        let m = self.m;
        let role = &m.roles[self.staff[w].role as usize];
        let current = self.staff[w].tenure == tenure;
        match what {
            StaffEvent::LeaveStarts => {
                self.change_worker(w, |wk| wk.set_away_on_leave(true));
                let days = self.spell_days(m.absence.as_ref().map_or(0.0, |a| a.leave_spell_days));
                self.staff_event(w, days, StaffEvent::LeaveEnds);
            }
            StaffEvent::LeaveEnds => {
                self.change_worker(w, |wk| wk.set_away_on_leave(false));
                self.schedule_leave(w);
            }
            StaffEvent::SickStarts => {
                self.change_worker(w, |wk| wk.set_away_sick(true));
                let spell = m.absence.as_ref().map_or(1.0, |a| a.sickness_spell_days.sample(&mut self.staffing.rng[w]));
                let days = self.spell_days(spell);
                self.staff_event(w, days, StaffEvent::SickEnds);
            }
            StaffEvent::SickEnds => {
                self.change_worker(w, |wk| wk.set_away_sick(false));
                self.schedule_sickness(w);
            }
            StaffEvent::Leaves if current && self.staff[w].occupant() == Occupant::Permanent => {
                self.permanent_leaves(w)
            }
            // A second recruit booked by a recruitment drive finds the post filled.
            StaffEvent::Starts
                if current && matches!(self.staff[w].occupant(), Occupant::Vacant | Occupant::Agency) =>
            {
                self.recruit_starts(w)
            }
            StaffEvent::AgencyStarts
                if current
                    && self.staff[w].occupant() == Occupant::Vacant
                    && self.staffing.agency_on[self.staff[w].role as usize] =>
            {
                let productivity = role.agency.map_or(1.0, |a| a.productivity);
                self.change_worker(w, |wk| {
                    wk.set_occupant(Occupant::Agency);
                    wk.set_productivity(productivity);
                });
                self.start_sessions(w, self.now, None);
            }
            StaffEvent::RampEnds if current && self.staff[w].occupant() == Occupant::Permanent => {
                self.change_worker(w, |wk| wk.set_productivity(1.0));
            }
            StaffEvent::AsyeEnds if current && self.staff[w].occupant() == Occupant::Permanent => {
                let development = role.development_share(true) != role.development_share(false);
                self.change_worker(w, |wk| {
                    wk.asye = false;
                    wk.cap = role.cap_for(wk.fte, false);
                    if development {
                        let (rate, dev) = role.rates(wk.fte, false);
                        let cap = wk.cap;
                        wk.set_size(wk.fte, rate, cap);
                        wk.set_development(dev);
                    }
                });
            }
            // Superseded: the post changed hands since this was booked.
            _ => {}
        }
    }

    /// A permanent worker leaves: the post falls vacant, its work goes
    /// back to the queues, and recruitment starts.
    #[inline]
    fn permanent_leaves(&mut self, w: usize) {
        let m = self.m;
        let role = &m.roles[self.staff[w].role as usize];
        self.touched(w);
        self.stop_sessions(w);
        let mut wk = self.staff.post(w);
        wk.acc.leavers += 1;
        wk.set_occupant(Occupant::Vacant);
        wk.tenure = wk.tenure.wrapping_add(1);
        wk.set_productivity(1.0);
        wk.asye = false;
        wk.cap = role.cap_for(wk.fte, false);
        if role.development_share(true) != role.development_share(false) {
            let (rate, dev) = role.rates(wk.fte, false);
            let (fte, cap) = (wk.fte, wk.cap);
            wk.set_size(fte, rate, cap);
            wk.set_development(dev);
        }
        drop(wk);
        self.requeue_all(w);
        self.start_vacancy(w);
    }

    /// A recruit starts in a vacant or agency-covered post, at a new
    /// starter's productivity and, if newly qualified, protected.
    #[inline]
    fn recruit_starts(&mut self, w: usize) {
        let m = self.m;
        let role = &m.roles[self.staff[w].role as usize];
        let asye = role.asye.filter(|a| self.staffing.rng[w].random::<f64>() < a.share);
        let ramp = role.new_starter;
        let development = role.development_share(true) != role.development_share(false);
        self.change_worker(w, |wk| {
            // An agency worker hands their caseload to the recruit.
            wk.acc.starters += 1;
            wk.set_occupant(Occupant::Permanent);
            wk.set_productivity(ramp.map_or(1.0, |r| r.productivity));
            wk.asye = asye.is_some();
            wk.cap = role.cap_for(wk.fte, wk.asye);
            if development {
                // Newly qualified: protected development time.
                let (rate, dev) = role.rates(wk.fte, wk.asye);
                let cap = wk.cap;
                wk.set_size(wk.fte, rate, cap);
                wk.set_development(dev);
            }
        });
        self.start_sessions(w, self.now, None);
        if let Some(r) = ramp {
            self.staff_event(w, r.days, StaffEvent::RampEnds);
        }
        if let Some(a) = asye {
            self.staff_event(w, a.days, StaffEvent::AsyeEnds);
        }
        self.schedule_leaving(w);
    }

    /// Book the next start of a DoLS budget period (0 week, 1 month).
    pub(super) fn next_budget_reset(&mut self, per: usize) {
        if let Some(t) = self.staffing.next_reset(per) {
            if t <= self.end {
                self.events.push(t, Event::BudgetReset { per: per as u8 });
            }
        }
    }

    /// A budget period starts: fixed-share workers get its share of the
    /// period's working hours for DoLS (what is left of the last is lost).
    pub(super) fn on_budget_reset(&mut self, per: usize) {
        let m = self.m;
        let until = self.staffing.begin_period(per, self.end);
        let work = m.calendar.work(until) - m.calendar.work(self.now);
        for w in 0..self.staff.len() {
            let DolsPolicy::FixedShare { share, per: p } = m.roles[self.staff[w].role as usize].dols_policy else {
                continue;
            };
            if p as usize == per {
                let hours = share * self.staff[w].rate * work;
                self.change_worker(w, |wk| wk.reset_budget(hours));
            }
        }
        self.next_budget_reset(per);
    }

    /// Each day, roles with overtime work it while their waiting list is
    /// over the threshold.
    pub(super) fn on_daily(&mut self) {
        let m = self.m;
        for (r, role) in m.roles.iter().enumerate() {
            let Some(ot) = role.overtime else { continue };
            let waiting: u64 = role.skills.iter().map(|&f| self.rec.waiting_now(f as usize)).sum();
            let on = waiting > u64::from(ot.when_waiting_over);
            if self.staffing.switch_overtime(r, on) {
                let extra = if on { ot.hours_per_week / (role.hours_per_week * role.casework_share) } else { 0.0 };
                for w in 0..self.staff.len() {
                    if self.staff[w].role as usize == r {
                        self.change_worker(w, |wk| wk.set_overtime(extra));
                    }
                }
            }
        }
        if self.now + 1.0 <= self.end {
            self.events.push(self.now + 1.0, Event::Daily);
        }
    }
}
