//! Period boundaries: snapshots of queues, caseloads and staffing.

use super::Sim;
use super::events::Event;
use super::items::State;
use super::record::FlowSnapshot;
use super::worker::Occupant;

impl Sim<'_> {
    /// Handle the boundary between reporting periods. Returns true at the
    /// end of the horizon.
    pub(super) fn on_boundary(&mut self) -> bool {
        let k = self.next_boundary;
        self.next_boundary += 1;
        let now = self.now;
        let m = self.m;
        let tallies = self.harvest_posts(k);
        if self.rec.track && k > 0 {
            for wk in self.staff.iter() {
                if wk.in_post() && !m.roles[wk.role as usize].is_bought_in() {
                    self.rec.people_at_end(wk.role as usize, wk.people);
                }
            }
        }
        if k > 0 {
            let p = k - 1;
            for (r, t) in tallies.into_iter().enumerate() {
                *self.rec.role_period(p, r) = t;
            }
            self.snapshot_flows(p);
        }
        self.rec.close_waiting(k.checked_sub(1), now);
        self.rec.period_start = now;
        if k < m.periods.len() {
            self.rec.period = Some(k);
            self.events.push(self.origin + m.periods.bounds[k + 1], Event::Boundary);
            false
        } else {
            self.rec.period = None;
            true
        }
    }

    /// Harvest every post into its role's tally for the period ending;
    /// at the first boundary this drops the warm-up.
    fn harvest_posts(&mut self, k: usize) -> Vec<super::record::RoleTally> {
        let (now, m) = (self.now, self.m);
        let nr = m.roles.len();
        let mut tallies = vec![super::record::RoleTally::default(); nr];
        for w in 0..self.staff.len() {
            let mut wk = self.staff.post_at(w, now, &m.calendar);
            let a = wk.harvest();
            let role = wk.role as usize;
            for w in &mut wk.work {
                if k > 0 {
                    self.rec.flow_hours(k - 1, role, w.flow as usize, w.hours);
                }
                w.hours = 0.0;
            }
            let t = &mut tallies[wk.role as usize];
            t.acc.add(&a);
            if wk.occupant() != Occupant::Closed {
                t.establishment += wk.fte;
            }
            match wk.occupant() {
                Occupant::Closed => {}
                Occupant::Vacant => t.vacant_fte += wk.fte,
                Occupant::Agency => {
                    t.agency_fte += wk.fte;
                    t.staff_fte += wk.fte;
                }
                Occupant::Permanent => t.staff_fte += wk.fte,
            }
            t.caseload_max = t.caseload_max.max(wk.caseload() as u64);
            if self.rec.track {
                if wk.in_post() {
                    let people = wk.people;
                    t.in_post += 1;
                    t.people_max = t.people_max.max(people);
                    let threshold = m.health.as_ref().and_then(|h| h.caseload[wk.role as usize]);
                    if let Some(limit) = threshold {
                        t.rated += 1;
                        t.over += u32::from(f64::from(people) > limit);
                    }
                    if wk.asye {
                        t.asye += 1;
                        if let Some(limit) = m.health.as_ref().and_then(|h| h.asye_threshold(wk.role as usize)) {
                            t.asye_rated += 1;
                            t.asye_within += u32::from(f64::from(people) <= limit);
                        }
                    }
                } else if wk.occupant() == Occupant::Vacant {
                    t.vacant_people += u64::from(wk.people);
                }
            }
        }
        tallies
    }

    /// Snapshot every flow's queue at the end of period `p`: waiting,
    /// open, overdue and unauthorised, and the days unauthorised in it.
    fn snapshot_flows(&mut self, p: usize) {
        let now = self.now;
        let nf = self.m.flows.len();
        let mut snaps = vec![FlowSnapshot::default(); nf];
        let mut late_days = vec![0.0; nf];
        let period_start = self.rec.period_start;
        for item in self.items.live() {
            if !matches!(item.state, State::Waiting | State::InService) {
                continue;
            }
            let s = &mut snaps[item.flow as usize];
            if item.deadline < now {
                s.overdue += 1;
            }
            if item.lapse < now {
                s.unauthorised += 1;
                late_days[item.flow as usize] += now - item.lapse.max(period_start);
            }
        }
        for f in 0..nf {
            self.rec.unauthorised_days(f, late_days[f]);
            let s = &mut snaps[f];
            s.waiting = self.rec.waiting_now(f);
            s.open = s.waiting + self.rec.in_service_now(f);
            self.rec.snapshot_flow(p, f, *s);
        }
        self.rec.snapshot_latent(p, self.sources.remaining_total());
    }
}
