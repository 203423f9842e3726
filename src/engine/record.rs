//! Tallies kept during one replication, turned into a `RepResult` at the end.

use crate::results::{Balance, FlowKpi, FlowMetric, RepResult, RoleKpi, RoleMetric, WAIT_BIN_DAYS, WAIT_BINS};

#[derive(Debug, Clone, Copy, Default)]
struct FlowTally {
    arrivals: u64,
    completed: u64,
    withdrawn: u64,
    wait_sum: f64,
    wait_n: u64,
    done_sum: f64,
    done_n: u64,
    within: u64,
    with_deadline: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct FlowSnapshot {
    waiting: u64,
    open: u64,
    overdue: u64,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RoleTally {
    pub hours_available: f64,
    pub hours_worked: f64,
    pub case_days: f64,
    /// Days workers of the role spent in post.
    pub post_days: f64,
    pub staff: u64,
    pub caseload_max: u64,
}

/// Time-average of the number of items in a flow over the reported horizon.
#[derive(Debug, Clone, Copy, Default)]
struct InSystem {
    n: u64,
    last: f64,
    area: f64,
}

pub(crate) struct Recorder {
    origin: f64,
    end: f64,
    flows: usize,
    roles: usize,
    periods: usize,
    /// The reporting period now running; `None` in warm-up and after the end.
    pub period: Option<usize>,
    flow_periods: Vec<FlowTally>,
    snapshots: Vec<FlowSnapshot>,
    role_periods: Vec<RoleTally>,
    horizon: Vec<FlowTally>,
    in_system: Vec<InSystem>,
    wait_hist: Vec<u32>,
    pub balance: Vec<Balance>,
}

impl Recorder {
    pub fn new(origin: f64, end: f64, flows: usize, roles: usize, periods: usize) -> Recorder {
        Recorder {
            origin,
            end,
            flows,
            roles,
            periods,
            period: None,
            flow_periods: vec![FlowTally::default(); flows * periods],
            snapshots: vec![FlowSnapshot::default(); flows * periods],
            role_periods: vec![RoleTally::default(); roles * periods],
            horizon: vec![FlowTally::default(); flows],
            in_system: vec![InSystem::default(); flows],
            wait_hist: vec![0; flows * WAIT_BINS],
            balance: vec![Balance::default(); flows],
        }
    }

    /// Both the current period's tally and the horizon tally, while reporting.
    #[inline]
    fn tallies(&mut self, flow: usize) -> Option<(&mut FlowTally, &mut FlowTally)> {
        let p = self.period?;
        Some((&mut self.flow_periods[flow * self.periods + p], &mut self.horizon[flow]))
    }

    #[inline]
    fn in_system(&mut self, flow: usize, now: f64, up: bool) {
        let s = &mut self.in_system[flow];
        let from = s.last.max(self.origin);
        let to = now.min(self.end);
        if to > from {
            s.area += s.n as f64 * (to - from);
        }
        s.last = now;
        if up {
            s.n += 1;
        } else {
            s.n -= 1;
        }
    }

    #[inline]
    pub fn arrived(&mut self, flow: usize, now: f64) {
        self.balance[flow].arrived += 1;
        self.in_system(flow, now, true);
        if let Some((p, h)) = self.tallies(flow) {
            p.arrivals += 1;
            h.arrivals += 1;
        }
    }

    #[inline]
    pub fn allocated(&mut self, flow: usize, arrived: f64, now: f64) {
        let origin = self.origin;
        let wait = now - arrived;
        if let Some((p, h)) = self.tallies(flow) {
            p.wait_sum += wait;
            p.wait_n += 1;
            if arrived >= origin {
                h.wait_sum += wait;
                h.wait_n += 1;
                let bin = ((wait / WAIT_BIN_DAYS) as usize).min(WAIT_BINS - 1);
                self.wait_hist[flow * WAIT_BINS + bin] += 1;
            }
        }
    }

    #[inline]
    pub fn completed(&mut self, flow: usize, arrived: f64, deadline: f64, now: f64) {
        self.balance[flow].completed += 1;
        self.in_system(flow, now, false);
        let origin = self.origin;
        let days = now - arrived;
        let has_deadline = deadline.is_finite();
        let within = now <= deadline;
        if let Some((p, h)) = self.tallies(flow) {
            for t in [&mut *p, &mut *h] {
                t.completed += 1;
                if has_deadline {
                    t.with_deadline += 1;
                    t.within += within as u64;
                }
            }
            p.done_sum += days;
            p.done_n += 1;
            if arrived >= origin {
                h.done_sum += days;
                h.done_n += 1;
            }
        }
    }

    pub fn snapshot_flow(&mut self, period: usize, flow: usize, waiting: u64, open: u64, overdue: u64) {
        self.snapshots[flow * self.periods + period] = FlowSnapshot { waiting, open, overdue };
    }

    pub fn role_period(&mut self, period: usize, role: usize) -> &mut RoleTally {
        &mut self.role_periods[role * self.periods + period]
    }

    /// Close the time-average areas at the end of the horizon.
    pub fn close(&mut self, now: f64) {
        for f in 0..self.flows {
            let s = &mut self.in_system[f];
            let from = s.last.max(self.origin);
            let to = now.min(self.end);
            if to > from {
                s.area += s.n as f64 * (to - from);
            }
            s.last = now;
        }
    }

    pub fn finish(self, replication: u64, events: u64) -> RepResult {
        let np = self.periods;
        let days = self.end - self.origin;
        let ratio = |a: f64, n: u64| if n > 0 { a / n as f64 } else { f64::NAN };
        let pct = |a: u64, n: u64| if n > 0 { 100.0 * a as f64 / n as f64 } else { f64::NAN };
        let per = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let share = |a: f64, b: f64| if b > 0.0 { 100.0 * a / b } else { f64::NAN };

        let mut flow_periods = vec![f64::NAN; self.flows * np * FlowMetric::COUNT];
        for f in 0..self.flows {
            for p in 0..np {
                let t = &self.flow_periods[f * np + p];
                let s = &self.snapshots[f * np + p];
                let base = (f * np + p) * FlowMetric::COUNT;
                for m in FlowMetric::ALL {
                    flow_periods[base + m as usize] = match m {
                        FlowMetric::Arrivals => t.arrivals as f64,
                        FlowMetric::Completed => t.completed as f64,
                        FlowMetric::Withdrawn => t.withdrawn as f64,
                        FlowMetric::Waiting => s.waiting as f64,
                        FlowMetric::Open => s.open as f64,
                        FlowMetric::Overdue => s.overdue as f64,
                        FlowMetric::MeanWaitDays => ratio(t.wait_sum, t.wait_n),
                        FlowMetric::MeanDaysToComplete => ratio(t.done_sum, t.done_n),
                        FlowMetric::WithinDeadlinePct => pct(t.within, t.with_deadline),
                    };
                }
            }
        }

        let mut flow_kpis = vec![f64::NAN; self.flows * FlowKpi::COUNT];
        for f in 0..self.flows {
            let h = &self.horizon[f];
            let last = if np > 0 { self.snapshots[f * np + np - 1] } else { FlowSnapshot::default() };
            let base = f * FlowKpi::COUNT;
            for k in FlowKpi::ALL {
                flow_kpis[base + k as usize] = match k {
                    FlowKpi::Arrivals => h.arrivals as f64,
                    FlowKpi::Completed => h.completed as f64,
                    FlowKpi::Withdrawn => h.withdrawn as f64,
                    FlowKpi::WaitingAtEnd => last.waiting as f64,
                    FlowKpi::OpenAtEnd => last.open as f64,
                    FlowKpi::MeanWaitDays => ratio(h.wait_sum, h.wait_n),
                    FlowKpi::MeanDaysToComplete => ratio(h.done_sum, h.done_n),
                    FlowKpi::WithinDeadlinePct => pct(h.within, h.with_deadline),
                    FlowKpi::MeanInSystem => self.in_system[f].area / days,
                    FlowKpi::ArrivalsPerDay => h.arrivals as f64 / days,
                    FlowKpi::CompletedPerDay => h.completed as f64 / days,
                };
            }
        }

        let mut role_periods = vec![f64::NAN; self.roles * np * RoleMetric::COUNT];
        let mut role_kpis = vec![f64::NAN; self.roles * RoleKpi::COUNT];
        for r in 0..self.roles {
            let mut total = RoleTally::default();
            for p in 0..np {
                let t = &self.role_periods[r * np + p];
                let base = (r * np + p) * RoleMetric::COUNT;
                for m in RoleMetric::ALL {
                    role_periods[base + m as usize] = match m {
                        RoleMetric::Staff => t.staff as f64,
                        RoleMetric::HoursAvailable => t.hours_available,
                        RoleMetric::HoursWorked => t.hours_worked,
                        RoleMetric::UtilisationPct => share(t.hours_worked, t.hours_available),
                        RoleMetric::Caseload => per(t.case_days, t.post_days),
                        RoleMetric::CaseloadMax => t.caseload_max as f64,
                    };
                }
                total.hours_available += t.hours_available;
                total.hours_worked += t.hours_worked;
                total.case_days += t.case_days;
                total.post_days += t.post_days;
            }
            let base = r * RoleKpi::COUNT;
            for k in RoleKpi::ALL {
                role_kpis[base + k as usize] = match k {
                    RoleKpi::UtilisationPct => share(total.hours_worked, total.hours_available),
                    RoleKpi::Caseload => per(total.case_days, total.post_days),
                    RoleKpi::HoursWorked => total.hours_worked,
                };
            }
        }

        RepResult {
            replication,
            periods: np,
            flow_periods,
            role_periods,
            flow_kpis,
            role_kpis,
            wait_hist: self.wait_hist,
            balance: self.balance,
            events,
        }
    }
}
