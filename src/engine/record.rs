//! Tallies kept during one replication, turned into a `RepResult` at the end.

use super::worker::Accrued;
use crate::model::finance::BudgetItem;
use crate::model::{Model, RoleKind, WorkKind};
use crate::results::{
    Balance, BudgetMetric, FlowKpi, FlowMetric, PEOPLE_BINS, RepResult, RequestKpi, RequestMetric, RoleKpi, RoleMetric,
    Scope, TotalMetric, WAIT_BIN_DAYS, WAIT_BINS, WorkforceMetric, YearMetric, workforce_scopes,
};
use crate::units::{DAYS_PER_YEAR, Days};

#[derive(Debug, Clone, Copy, Default)]
struct FlowTally {
    arrivals: u64,
    completed: u64,
    withdrawn: u64,
    /// Of those withdrawn, no longer required after a change in the law;
    /// and booked follow-ups cancelled for that reason.
    not_required: u64,
    renewals_cancelled: u64,
    /// Of those withdrawn: their days from request, and those withdrawn
    /// by the deadline, for measures that count a closure as a completion.
    closed_days: f64,
    closed_n: u64,
    closed_within: u64,
    closed_with_deadline: u64,
    wait_sum: f64,
    wait_n: u64,
    service_sum: f64,
    service_n: u64,
    done_sum: f64,
    done_n: u64,
    within: u64,
    with_deadline: u64,
    unauthorised_days: f64,
    /// Mean number waiting over the period, set when it closes.
    waiting_mean: f64,
}

/// What the recorder needs of an item that ends without completion.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ended {
    /// When its request was made (a later stage counts from the request).
    pub started: f64,
    pub deadline: f64,
    /// When its person became unauthorised.
    pub lapse: f64,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FlowSnapshot {
    pub waiting: u64,
    pub open: u64,
    pub overdue: u64,
    pub unauthorised: u64,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RoleTally {
    pub acc: Accrued,
    pub establishment: f64,
    pub staff_fte: f64,
    pub vacant_fte: f64,
    pub agency_fte: f64,
    pub caseload_max: u64,
    /// At the period's end, when the workforce is tracked: workers in
    /// post; of them with a caseload threshold, and above it; the most
    /// people one holds; newly qualified workers, those with a protected
    /// caseload to keep within, and those within it; people kept on
    /// vacant posts.
    pub in_post: u32,
    pub rated: u32,
    pub over: u32,
    pub people_max: u32,
    pub asye: u32,
    pub asye_rated: u32,
    pub asye_within: u32,
    pub vacant_people: u64,
}

/// Time-average of the number of items in a flow over the reported horizon.
#[derive(Debug, Clone, Copy, Default)]
struct InSystem {
    n: u64,
    last: f64,
    area: f64,
}

/// The number of a flow's items waiting, and its time integral over the
/// current reporting period.
#[derive(Debug, Clone, Copy, Default)]
struct Waiting {
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
    /// Engine time the current period started.
    pub period_start: f64,
    flow_periods: Vec<FlowTally>,
    snapshots: Vec<FlowSnapshot>,
    role_periods: Vec<RoleTally>,
    latent: Vec<u64>,
    horizon: Vec<FlowTally>,
    in_system: Vec<InSystem>,
    waiting: Vec<Waiting>,
    /// Per flow: items with a worker now.
    in_service: Vec<u64>,
    wait_hist: Vec<u32>,
    done_hist: Vec<u32>,
    pub balance: Vec<Balance>,
    /// `[(role * flows + flow) * periods + period]`: hours staff of the
    /// role gave the flow, and bought-in assessments of it completed.
    role_flow_hours: Vec<f64>,
    bought_done: Vec<u64>,
    /// Whether the workforce measures are kept (`Model::tracks_workforce`).
    pub track: bool,
    /// `[role * PEOPLE_BINS + people]`, at the ends of periods.
    people_hist: Vec<u32>,
}

impl Recorder {
    pub fn new(origin: f64, end: f64, flows: usize, roles: usize, periods: usize, track: bool) -> Recorder {
        Recorder {
            origin,
            end,
            flows,
            roles,
            periods,
            period: None,
            period_start: origin,
            flow_periods: vec![FlowTally::default(); flows * periods],
            snapshots: vec![FlowSnapshot::default(); flows * periods],
            role_periods: vec![RoleTally::default(); roles * periods],
            latent: vec![0; periods],
            horizon: vec![FlowTally::default(); flows],
            in_system: vec![InSystem::default(); flows],
            waiting: vec![Waiting::default(); flows],
            in_service: vec![0; flows],
            wait_hist: vec![0; flows * WAIT_BINS],
            done_hist: vec![0; flows * WAIT_BINS],
            balance: vec![Balance::default(); flows],
            role_flow_hours: vec![0.0; roles * flows * periods],
            bought_done: vec![0; roles * flows * periods],
            track,
            people_hist: if track { vec![0; roles * PEOPLE_BINS] } else { Vec::new() },
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

    /// One more (or one fewer) of a flow's items waits from `now`.
    #[inline]
    pub fn waiting(&mut self, flow: usize, now: f64, up: bool) {
        let w = &mut self.waiting[flow];
        if self.period.is_some() {
            w.area += w.n as f64 * (now - w.last);
        }
        w.last = now;
        if up {
            w.n += 1;
        } else {
            w.n -= 1;
        }
    }

    /// Items of a flow waiting now.
    #[inline]
    pub fn waiting_now(&self, flow: usize) -> u64 {
        self.waiting[flow].n
    }

    /// One more (or one fewer) of a flow's items is with a worker.
    #[inline]
    pub fn serving(&mut self, flow: usize, up: bool) {
        if up {
            self.in_service[flow] += 1;
        } else {
            self.in_service[flow] -= 1;
        }
    }

    /// Items of a flow with a worker now.
    pub fn in_service_now(&self, flow: usize) -> u64 {
        self.in_service[flow]
    }

    /// A reporting period closes at `now` (or, with `None`, reporting
    /// begins): fix each flow's mean waiting and start the next integral.
    pub fn close_waiting(&mut self, period: Option<usize>, now: f64) {
        let length = now - self.period_start;
        for f in 0..self.flows {
            let w = &mut self.waiting[f];
            if let Some(p) = period {
                w.area += w.n as f64 * (now - w.last);
                self.flow_periods[f * self.periods + p].waiting_mean =
                    if length > 0.0 { w.area / length } else { w.n as f64 };
            }
            w.area = 0.0;
            w.last = now;
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
    pub fn completed(&mut self, flow: usize, started: f64, allocated: f64, deadline: f64, lapse: f64, now: f64) {
        self.balance[flow].completed += 1;
        self.in_system(flow, now, false);
        self.close_deprivation(flow, lapse, now);
        let origin = self.origin;
        // A later stage of a request counts from the request, as its
        // deadline does: "days to complete" is the person's wait.
        let days = now - started;
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
            p.service_sum += now - allocated;
            p.service_n += 1;
            if started >= origin {
                h.done_sum += days;
                h.done_n += 1;
            }
            if allocated >= origin {
                h.service_sum += now - allocated;
                h.service_n += 1;
            }
            let bin = (((now - started) / WAIT_BIN_DAYS) as usize).min(WAIT_BINS - 1);
            self.done_hist[flow * WAIT_BINS + bin] += 1;
        }
    }

    /// An open item left without completion (its person left the stock).
    pub fn withdrawn(&mut self, flow: usize, item: Ended, now: f64) {
        self.balance[flow].withdrawn += 1;
        self.in_system(flow, now, false);
        self.close_deprivation(flow, item.lapse, now);
        let origin = self.origin;
        let days = now - item.started;
        let has_deadline = item.deadline.is_finite();
        let within = now <= item.deadline;
        if let Some((p, h)) = self.tallies(flow) {
            for t in [&mut *p, &mut *h] {
                t.withdrawn += 1;
                if has_deadline {
                    t.closed_with_deadline += 1;
                    t.closed_within += within as u64;
                }
            }
            p.closed_days += days;
            p.closed_n += 1;
            if item.started >= origin {
                h.closed_days += days;
                h.closed_n += 1;
            }
        }
    }

    /// An item about to be withdrawn (or, if `booked`, cancelled) because
    /// its person no longer needs it after a change in the law.
    pub fn not_required(&mut self, flow: usize, booked: bool) {
        if let Some((p, h)) = self.tallies(flow) {
            for t in [p, h] {
                if booked {
                    t.renewals_cancelled += 1;
                } else {
                    t.not_required += 1;
                }
            }
        }
    }

    /// Count unauthorised days of an item leaving now, from the later of
    /// its lapse and the current period's start (boundaries counted the
    /// days before).
    #[inline]
    fn close_deprivation(&mut self, flow: usize, lapse: f64, now: f64) {
        if lapse < now {
            let from = lapse.max(self.period_start);
            self.unauthorised_days(flow, (now - from).max(0.0));
        }
    }

    pub fn unauthorised_days(&mut self, flow: usize, days: f64) {
        if let Some((p, h)) = self.tallies(flow) {
            p.unauthorised_days += days;
            h.unauthorised_days += days;
        }
    }

    pub fn snapshot_flow(&mut self, period: usize, flow: usize, s: FlowSnapshot) {
        self.snapshots[flow * self.periods + period] = s;
    }

    pub fn role_period(&mut self, period: usize, role: usize) -> &mut RoleTally {
        &mut self.role_periods[role * self.periods + period]
    }

    /// Hours staff of `role` gave `flow` in `period`.
    pub fn flow_hours(&mut self, period: usize, role: usize, flow: usize, hours: f64) {
        self.role_flow_hours[(role * self.flows + flow) * self.periods + period] += hours;
    }

    /// A bought-in assessment of `flow` completed now.
    pub fn bought_completion(&mut self, role: usize, flow: usize) {
        if let Some(p) = self.period {
            self.bought_done[(role * self.flows + flow) * self.periods + p] += 1;
        }
    }

    /// A worker in post of role `r` holds `people` at a period's end.
    pub fn people_at_end(&mut self, role: usize, people: u32) {
        self.people_hist[role * PEOPLE_BINS + (people as usize).min(PEOPLE_BINS - 1)] += 1;
    }

    pub fn snapshot_latent(&mut self, period: usize, remaining: u64) {
        self.latent[period] = remaining;
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

    pub fn finish(self, m: &Model, dual_role: &[bool], replication: u64, events: u64) -> RepResult {
        let np = self.periods;
        let mut totals = Totals(vec![0.0; np * TotalMetric::COUNT]);
        let tallies: Vec<&RoleTally> = self.role_periods.iter().collect();
        let costs = Costs::of(m, np, &tallies);
        let activity = Activity::of(m, np, &costs, &self.role_flow_hours, &self.bought_done);
        let flow_periods = self.flow_period_measures(m, &activity, &mut totals);
        let flow_kpis = self.flow_kpis(&activity);
        let (role_periods, role_kpis) = self.role_measures(dual_role, &costs, &mut totals);
        for p in 0..np {
            totals.add(p, TotalMetric::LatentUnidentified, self.latent[p] as f64);
            totals.add(p, TotalMetric::CostUnallocated, activity.unallocated[p]);
        }
        let totals = totals.cumulated();
        let total_kpis = TotalMetric::ALL
            .iter()
            .map(|&t| {
                let mut column = (0..np).map(|p| totals[p * TotalMetric::COUNT + t as usize]);
                if t.is_level() { column.next_back().unwrap_or(f64::NAN) } else { column.sum() }
            })
            .collect();
        let year_totals = years(m, &totals);
        let budget = budget(m, &year_totals);
        let tallies =
            Tallies { periods: &flow_periods, kpis: &flow_kpis, by_period: &self.flow_periods, horizon: &self.horizon };
        let (request_periods, request_kpis) = requests(m, np, tallies);
        let (workforce_periods, workforce_kpis) =
            if self.track { workforce(m, np, &self.role_periods, &self.snapshots) } else { (Vec::new(), Vec::new()) };
        RepResult {
            replication,
            periods: np,
            flow_periods,
            role_periods,
            flow_kpis,
            role_kpis,
            request_periods,
            request_kpis,
            total_periods: totals,
            total_kpis,
            year_totals,
            budget,
            wait_hist: self.wait_hist,
            done_hist: self.done_hist,
            balance: self.balance,
            events,
            workforce_periods,
            workforce_kpis,
            people_hist: self.people_hist,
        }
    }

    /// Every flow's measures in every period, adding the flows' part of
    /// the totals.
    fn flow_period_measures(&self, m: &Model, activity: &Activity, totals: &mut Totals) -> Vec<f64> {
        let np = self.periods;
        let mut flow_periods = vec![f64::NAN; self.flows * np * FlowMetric::COUNT];
        for f in 0..self.flows {
            let dols = m.flows[f].kind == WorkKind::Dols;
            // Screenings after a change in the law are DoLS work but not requests.
            let backlog = dols && !m.is_screening(f);
            for p in 0..np {
                let t = &self.flow_periods[f * np + p];
                let s = &self.snapshots[f * np + p];
                let (hours, cost) = (activity.hours[f * np + p], activity.cost[f * np + p]);
                let base = (f * np + p) * FlowMetric::COUNT;
                for k in FlowMetric::ALL {
                    flow_periods[base + k as usize] = match k {
                        FlowMetric::Arrivals => t.arrivals as f64,
                        FlowMetric::Completed => t.completed as f64,
                        FlowMetric::Withdrawn => t.withdrawn as f64,
                        FlowMetric::NotRequired => t.not_required as f64,
                        FlowMetric::RenewalsCancelled => t.renewals_cancelled as f64,
                        FlowMetric::Waiting => s.waiting as f64,
                        FlowMetric::WaitingMean => t.waiting_mean,
                        FlowMetric::Open => s.open as f64,
                        FlowMetric::Overdue => s.overdue as f64,
                        FlowMetric::MeanWaitDays => ratio(t.wait_sum, t.wait_n),
                        FlowMetric::MeanServiceDays => ratio(t.service_sum, t.service_n),
                        FlowMetric::MeanDaysToComplete => ratio(t.done_sum, t.done_n),
                        FlowMetric::WithinDeadlinePct => pct(t.within, t.with_deadline),
                        FlowMetric::Unauthorised => s.unauthorised as f64,
                        FlowMetric::UnauthorisedDays => t.unauthorised_days,
                        FlowMetric::Hours => hours,
                        FlowMetric::Cost => cost,
                    };
                }
                if backlog {
                    totals.add(p, TotalMetric::DolsWaiting, s.waiting as f64);
                    totals.add(p, TotalMetric::DolsOpen, s.open as f64);
                }
                if dols {
                    totals.add(p, TotalMetric::DolsHours, hours);
                    totals.add(p, TotalMetric::DolsCost, cost);
                }
                totals.add(p, TotalMetric::Unauthorised, s.unauthorised as f64);
                totals.add(p, TotalMetric::UnauthorisedDays, t.unauthorised_days);
            }
        }
        flow_periods
    }

    /// Every flow's measures over the horizon.
    fn flow_kpis(&self, activity: &Activity) -> Vec<f64> {
        let np = self.periods;
        let days = self.end - self.origin;
        let mut flow_kpis = vec![f64::NAN; self.flows * FlowKpi::COUNT];
        for f in 0..self.flows {
            let h = &self.horizon[f];
            let last = if np > 0 { self.snapshots[f * np + np - 1] } else { FlowSnapshot::default() };
            let hours: f64 = activity.hours[f * np..(f + 1) * np].iter().sum();
            let cost: f64 = activity.cost[f * np..(f + 1) * np].iter().sum();
            let base = f * FlowKpi::COUNT;
            for k in FlowKpi::ALL {
                flow_kpis[base + k as usize] = match k {
                    FlowKpi::Arrivals => h.arrivals as f64,
                    FlowKpi::Completed => h.completed as f64,
                    FlowKpi::Withdrawn => h.withdrawn as f64,
                    FlowKpi::NotRequired => h.not_required as f64,
                    FlowKpi::RenewalsCancelled => h.renewals_cancelled as f64,
                    FlowKpi::WaitingAtEnd => last.waiting as f64,
                    FlowKpi::OpenAtEnd => last.open as f64,
                    FlowKpi::MeanWaitDays => ratio(h.wait_sum, h.wait_n),
                    FlowKpi::MeanServiceDays => ratio(h.service_sum, h.service_n),
                    FlowKpi::MeanDaysToComplete => ratio(h.done_sum, h.done_n),
                    FlowKpi::WithinDeadlinePct => pct(h.within, h.with_deadline),
                    FlowKpi::MeanInSystem => self.in_system[f].area / days,
                    FlowKpi::ArrivalsPerDay => h.arrivals as f64 / days,
                    FlowKpi::CompletedPerDay => h.completed as f64 / days,
                    FlowKpi::UnauthorisedDays => h.unauthorised_days,
                    FlowKpi::Hours => hours,
                    FlowKpi::Cost => cost,
                    FlowKpi::CostPerCompleted => per(cost, h.completed as f64),
                };
            }
        }
        flow_kpis
    }

    /// Every role's measures in every period and over the horizon, adding
    /// the roles' part of the totals.
    fn role_measures(&self, dual_role: &[bool], costs: &Costs, totals: &mut Totals) -> (Vec<f64>, Vec<f64>) {
        let np = self.periods;
        let mut role_periods = vec![f64::NAN; self.roles * np * RoleMetric::COUNT];
        let mut role_kpis = vec![f64::NAN; self.roles * RoleKpi::COUNT];
        for (r, &dual) in dual_role.iter().enumerate().take(self.roles) {
            let mut sum = Accrued::default();
            let mut cost = 0.0;
            for p in 0..np {
                let t = &self.role_periods[r * np + p];
                let a = &t.acc;
                let c = costs.at(r, p);
                let base = (r * np + p) * RoleMetric::COUNT;
                fill_role_period(&mut role_periods[base..base + RoleMetric::COUNT], t, &c);
                totals.add(p, TotalMetric::CostStaff, c.staff);
                totals.add(p, TotalMetric::CostAgency, c.agency);
                totals.add(p, TotalMetric::CostBoughtIn, c.fees);
                totals.add(p, TotalMetric::CostOvertime, c.overtime);
                totals.add(p, TotalMetric::CostTotal, c.total());
                if dual {
                    totals.add(p, TotalMetric::DolsHoursDualRole, a.hours_dols);
                }
                cost += c.total();
                sum.add(a);
            }
            let base = r * RoleKpi::COUNT;
            for k in RoleKpi::ALL {
                role_kpis[base + k as usize] = match k {
                    RoleKpi::UtilisationPct => share(sum.hours_worked, sum.hours_available),
                    RoleKpi::Caseload => per(sum.case_days, sum.post_days),
                    RoleKpi::HoursAvailable => sum.hours_available,
                    RoleKpi::HoursWorked => sum.hours_worked,
                    RoleKpi::HoursDols => sum.hours_dols,
                    RoleKpi::HoursDolsSetAside => sum.hours_dols_set_aside,
                    RoleKpi::Cost => cost,
                };
            }
        }
        (role_periods, role_kpis)
    }
}

/// One role's measures in one period, from its tally and its costs.
fn fill_role_period(row: &mut [f64], t: &RoleTally, c: &Cost) {
    let a = &t.acc;
    for k in RoleMetric::ALL {
        row[k as usize] = match k {
            RoleMetric::Establishment => t.establishment,
            RoleMetric::Staff => t.staff_fte,
            RoleMetric::Vacant => t.vacant_fte,
            RoleMetric::Agency => t.agency_fte,
            RoleMetric::Starters => a.starters as f64,
            RoleMetric::Leavers => a.leavers as f64,
            RoleMetric::HoursAvailable => a.hours_available,
            RoleMetric::HoursWorked => a.hours_worked,
            RoleMetric::HoursDols => a.hours_dols,
            RoleMetric::UtilisationPct => share(a.hours_worked, a.hours_available),
            RoleMetric::Caseload => per(a.case_days, a.post_days),
            RoleMetric::CaseloadMax => t.caseload_max as f64,
            RoleMetric::Assessments => a.completions as f64,
            RoleMetric::CostStaff => c.staff,
            RoleMetric::CostAgency => c.agency,
            RoleMetric::CostBoughtIn => c.fees,
            RoleMetric::CostOvertime => c.overtime,
        };
    }
}

/// The whole-council measures of every period, added to as flows and
/// roles are read.
struct Totals(Vec<f64>);

impl Totals {
    #[inline]
    fn add(&mut self, p: usize, t: TotalMetric, v: f64) {
        self.0[p * TotalMetric::COUNT + t as usize] += v;
    }

    /// The rows with the cumulative cost filled in.
    fn cumulated(mut self) -> Vec<f64> {
        let mut cumulative = 0.0;
        for row in self.0.chunks_mut(TotalMetric::COUNT) {
            cumulative += row[TotalMetric::CostTotal as usize];
            row[TotalMetric::CostCumulative as usize] = cumulative;
        }
        self.0
    }
}

/// A mean from a sum and a count; NaN when nothing was counted.
fn ratio(sum: f64, n: u64) -> f64 {
    if n > 0 { sum / n as f64 } else { f64::NAN }
}

/// A percentage of a count; NaN of none.
fn pct(a: u64, n: u64) -> f64 {
    if n > 0 { 100.0 * a as f64 / n as f64 } else { f64::NAN }
}

/// `a` per `b`; NaN when there is no `b`.
fn per(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// `a` as a percentage of `b`; NaN when there is no `b`.
fn share(a: f64, b: f64) -> f64 {
    if b > 0.0 { 100.0 * a / b } else { f64::NAN }
}

/// The workforce measures of every scope (role, team, everyone) in every
/// period and over the horizon, from the roles' tallies: numerators and
/// denominators are added within the scope first, so a team's share is
/// its workers' share, not an average of its roles'.
fn workforce(m: &Model, np: usize, roles: &[RoleTally], snapshots: &[FlowSnapshot]) -> (Vec<f64>, Vec<f64>) {
    let scopes = workforce_scopes(m);
    let nf = m.flows.len();
    let flow_team: Vec<Option<u16>> = (0..nf).map(|f| m.flow_team(f)).collect();
    let mut periods = vec![f64::NAN; scopes.len() * np * WorkforceMetric::COUNT];
    let mut kpis = vec![f64::NAN; scopes.len() * WorkforceMetric::COUNT];
    for (s, &scope) in scopes.iter().enumerate() {
        let members: Vec<usize> =
            (0..m.roles.len()).filter(|&r| !m.roles[r].is_bought_in() && scope.has(m, r)).collect();
        // People waiting: in the scope's flows, and on its vacant posts.
        let waiting_at = |p: usize| -> f64 {
            let flows: u64 = (0..nf)
                .filter(|&f| {
                    m.flows[f].people
                        && match scope {
                            Scope::Role(_) => false,
                            Scope::Team(t) => flow_team[f] == Some(t as u16),
                            Scope::Total => true,
                        }
                })
                .map(|f| snapshots[f * np + p].waiting)
                .sum();
            let vacant: u64 = members.iter().map(|&r| roles[r * np + p].vacant_people).sum();
            (flows + vacant) as f64
        };
        let mut all = RoleTally::default();
        let mut horizon_max = 0u32;
        for p in 0..np {
            let mut t = RoleTally::default();
            for &r in &members {
                let x = &roles[r * np + p];
                t.acc.add(&x.acc);
                t.staff_fte += x.staff_fte;
                t.in_post += x.in_post;
                t.rated += x.rated;
                t.over += x.over;
                t.people_max = t.people_max.max(x.people_max);
                t.asye += x.asye;
                t.asye_rated += x.asye_rated;
                t.asye_within += x.asye_within;
            }
            let Days(days) = m.periods.days(p);
            let waiting = if matches!(scope, Scope::Role(_)) { f64::NAN } else { waiting_at(p) };
            let row = &mut periods[(s * np + p) * WorkforceMetric::COUNT..][..WorkforceMetric::COUNT];
            fill(row, &t, days, waiting);
            all.acc.add(&t.acc);
            all.rated += t.rated;
            all.over += t.over;
            all.asye_rated += t.asye_rated;
            all.asye_within += t.asye_within;
            horizon_max = horizon_max.max(t.people_max);
            if p + 1 == np {
                all.staff_fte = t.staff_fte;
                all.asye = t.asye;
            }
        }
        all.people_max = horizon_max;
        let days = m.horizon_days;
        let waiting = if matches!(scope, Scope::Role(_)) || np == 0 { f64::NAN } else { waiting_at(np - 1) };
        fill(&mut kpis[s * WorkforceMetric::COUNT..][..WorkforceMetric::COUNT], &all, days, waiting);
    }
    (periods, kpis)
}

/// One row of workforce measures from a scope's tally over `days`.
fn fill(row: &mut [f64], t: &RoleTally, days: f64, waiting: f64) {
    let a = &t.acc;
    let per = |x: f64, y: f64| if y > 0.0 { x / y } else { f64::NAN };
    let fte_days = a.permanent_fte_days + a.agency_fte_days;
    let funded = fte_days + a.vacant_fte_days;
    for k in WorkforceMetric::ALL {
        row[k as usize] = match k {
            WorkforceMetric::PeopleAllocated => per(a.people_days, a.post_days),
            WorkforceMetric::PeopleAllocatedTotal => per(a.people_days, days),
            WorkforceMetric::PeopleAllocatedMax => f64::from(t.people_max),
            WorkforceMetric::OverThresholdPct => per(100.0 * f64::from(t.over), f64::from(t.rated)),
            WorkforceMetric::PeopleWaiting => waiting,
            WorkforceMetric::CompletedPerWorkerYear => per(a.people_completions as f64 * DAYS_PER_YEAR, fte_days),
            WorkforceMetric::Caseload => per(a.case_days, a.post_days),
            WorkforceMetric::SupervisionPlannedHours => a.supervision_planned,
            WorkforceMetric::SupervisionDeliveredHours => a.supervision_delivered,
            WorkforceMetric::SupervisionDeliveredPct => per(100.0 * a.supervision_delivered, a.supervision_planned),
            WorkforceMetric::DevelopmentHours => a.development_hours,
            WorkforceMetric::VacancyPct => per(100.0 * (a.vacant_fte_days + a.agency_fte_days), funded),
            WorkforceMetric::AgencyPct => per(100.0 * a.agency_fte_days, fte_days),
            WorkforceMetric::TurnoverPct => per(100.0 * a.leavers as f64 * DAYS_PER_YEAR, a.permanent_fte_days),
            WorkforceMetric::SicknessDays => per(a.sick_days * DAYS_PER_YEAR, fte_days),
            WorkforceMetric::AsyeInPost => f64::from(t.asye),
            WorkforceMetric::AsyeProtectedPct => per(100.0 * f64::from(t.asye_within), f64::from(t.asye_rated)),
            WorkforceMetric::Staff => t.staff_fte,
            WorkforceMetric::UtilisationPct => per(100.0 * a.hours_worked, a.hours_available),
        };
    }
}

/// One role's costs in one period, at that period's prices.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    staff: f64,
    agency: f64,
    fees: f64,
    overtime: f64,
}

impl Cost {
    fn total(&self) -> f64 {
        self.staff + self.agency + self.fees + self.overtime
    }

    /// What the role's people cost, less what it buys per assessment.
    fn people(&self) -> f64 {
        self.staff + self.agency + self.overtime
    }
}

/// Every role's costs in every period, and what an hour of its staff's
/// time available costs.
struct Costs {
    np: usize,
    by: Vec<Cost>,
    /// `[role * np + period]`: people's cost per casework hour available.
    per_hour: Vec<f64>,
}

impl Costs {
    fn of(m: &Model, np: usize, tallies: &[&RoleTally]) -> Costs {
        let fy = fy_of_period(m, np);
        let mut by = Vec::with_capacity(m.roles.len() * np);
        let mut per_hour = Vec::with_capacity(m.roles.len() * np);
        for (r, role) in m.roles.iter().enumerate() {
            for p in 0..np {
                let a = &tallies[r * np + p].acc;
                let (pay, agency, fees) = (m.inflation.pay[fy[p]], m.inflation.agency[fy[p]], m.inflation.fees[fy[p]]);
                let c = Cost {
                    staff: pay * role.cost_per_fte_year() * a.permanent_fte_days / DAYS_PER_YEAR,
                    agency: agency * role.agency.map_or(0.0, |ag| ag.day_rate * a.agency_working_days),
                    fees: match role.kind {
                        RoleKind::BoughtIn { fee, .. } => fees * fee * a.completions as f64,
                        RoleKind::Staff => 0.0,
                    },
                    overtime: pay * role.overtime.map_or(0.0, |o| o.hourly_rate * a.overtime_hours),
                };
                let hourly = match role.kind {
                    RoleKind::Staff if a.hours_available > 0.0 => c.people() / a.hours_available,
                    _ => 0.0,
                };
                by.push(c);
                per_hour.push(hourly);
            }
        }
        Costs { np, by, per_hour }
    }

    fn at(&self, role: usize, period: usize) -> Cost {
        self.by[role * self.np + period]
    }
}

/// The financial year (index into `m.years`) of each period.
fn fy_of_period(m: &Model, np: usize) -> Vec<usize> {
    let mut out = vec![0; np];
    for (k, y) in m.years.iter().enumerate() {
        for p in y.periods.clone().filter(|&p| p < np) {
            out[p] = k;
        }
    }
    out
}

/// Each flow's hours and cost in each period: its staff hours at their
/// role's cost per hour, and its bought-in assessments' fees; and the
/// people's cost given to no work.
struct Activity {
    /// `[flow * np + period]`.
    hours: Vec<f64>,
    cost: Vec<f64>,
    /// `[period]`.
    unallocated: Vec<f64>,
}

impl Activity {
    fn of(m: &Model, np: usize, costs: &Costs, hours: &[f64], bought: &[u64]) -> Activity {
        let nf = m.flows.len();
        let fy = fy_of_period(m, np);
        let mut out = Activity { hours: vec![0.0; nf * np], cost: vec![0.0; nf * np], unallocated: vec![0.0; np] };
        for (r, role) in m.roles.iter().enumerate() {
            for (p, &year) in fy.iter().enumerate() {
                let mut given = 0.0;
                for f in 0..nf {
                    let i = (r * nf + f) * np + p;
                    match role.kind {
                        RoleKind::Staff => {
                            let cost = hours[i] * costs.per_hour[r * np + p];
                            out.hours[f * np + p] += hours[i];
                            out.cost[f * np + p] += cost;
                            given += cost;
                        }
                        RoleKind::BoughtIn { fee, .. } => {
                            out.cost[f * np + p] += m.inflation.fees[year] * fee * bought[i] as f64;
                        }
                    }
                }
                out.unallocated[p] += costs.at(r, p).people() - given;
            }
        }
        out
    }
}

/// Per financial year: the periods' totals added up.
fn years(m: &Model, totals: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(m.years.len() * YearMetric::COUNT);
    for y in &m.years {
        for k in YearMetric::ALL {
            out.push(y.periods.clone().map(|p| totals[p * TotalMetric::COUNT + k.total() as usize]).sum());
        }
    }
    out
}

/// Each budget line in each year: over or not, by how much, and the spend.
fn budget(m: &Model, years: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(m.budget.len() * m.years.len() * BudgetMetric::COUNT);
    for line in &m.budget {
        let metric = match line.item {
            BudgetItem::Total => YearMetric::CostTotal,
            BudgetItem::Staff => YearMetric::CostStaff,
            BudgetItem::Agency => YearMetric::CostAgency,
            BudgetItem::BoughtIn => YearMetric::CostBoughtIn,
            BudgetItem::Overtime => YearMetric::CostOvertime,
            BudgetItem::Dols => YearMetric::DolsCost,
        };
        for (k, &limit) in line.per_year.iter().enumerate() {
            let spend = years[k * YearMetric::COUNT + metric as usize];
            for b in BudgetMetric::ALL {
                out.push(match (b, limit.is_nan()) {
                    (_, true) => f64::NAN,
                    (BudgetMetric::Over, _) => f64::from(u8::from(spend > limit)),
                    (BudgetMetric::Overspend, _) => (spend - limit).max(0.0),
                    (BudgetMetric::Spend, _) => spend,
                });
            }
        }
    }
    out
}

/// Each request's measures from its stages' in the same replication: it
/// arrives at its first stage, is decided at its last, and is open,
/// waiting or unauthorised at any.
fn requests(m: &Model, np: usize, flows: Tallies<'_>) -> (Vec<f64>, Vec<f64>) {
    let Tallies { periods: flow_periods, kpis: flow_kpis, by_period, horizon } = flows;
    let fp = |f: usize, p: usize, k: FlowMetric| flow_periods[(f * np + p) * FlowMetric::COUNT + k as usize];
    let fk = |f: usize, k: FlowKpi| flow_kpis[f * FlowKpi::COUNT + k as usize];
    let mut periods = Vec::with_capacity(m.requests.len() * np * RequestMetric::COUNT);
    let mut kpis = Vec::with_capacity(m.requests.len() * RequestKpi::COUNT);
    for r in &m.requests {
        let (first, last) = (r.first(), r.last());
        let all = || r.stages.iter().map(|&f| f as usize);
        // Every completion in the periods, old requests from the backlog
        // at the start included, as a year's DoLS return counts them.
        let mut returned = Completions::default();
        for p in 0..np {
            let sum = |k: FlowMetric| all().map(|f| fp(f, p, k)).sum::<f64>();
            let ends = Completions::of(all().map(|f| &by_period[f * np + p]), &by_period[last * np + p], true);
            returned.add(&ends);
            for k in RequestMetric::ALL {
                periods.push(match k {
                    RequestMetric::Arrivals => fp(first, p, FlowMetric::Arrivals),
                    RequestMetric::Completed => ends.count(),
                    RequestMetric::Decided => fp(last, p, FlowMetric::Completed),
                    RequestMetric::Withdrawn => sum(FlowMetric::Withdrawn),
                    RequestMetric::NotRequired => sum(FlowMetric::NotRequired),
                    RequestMetric::RenewalsCancelled => sum(FlowMetric::RenewalsCancelled),
                    RequestMetric::Waiting => sum(FlowMetric::Waiting),
                    RequestMetric::Open => sum(FlowMetric::Open),
                    RequestMetric::WithinDeadlinePct => ends.within_pct(),
                    RequestMetric::DecidedWithinDeadlinePct => fp(last, p, FlowMetric::WithinDeadlinePct),
                    RequestMetric::MeanDaysToCompletion => ends.mean_days(),
                    RequestMetric::MeanDaysToDecision => fp(last, p, FlowMetric::MeanDaysToComplete),
                    RequestMetric::Unauthorised => sum(FlowMetric::Unauthorised),
                    RequestMetric::UnauthorisedDays => sum(FlowMetric::UnauthorisedDays),
                    RequestMetric::Hours => sum(FlowMetric::Hours),
                    RequestMetric::Cost => sum(FlowMetric::Cost),
                });
            }
        }
        let sum = |k: FlowKpi| all().map(|f| fk(f, k)).sum::<f64>();
        let ends = Completions::of(all().map(|f| &horizon[f]), &horizon[last], false);
        for k in RequestKpi::ALL {
            kpis.push(match k {
                RequestKpi::Arrivals => fk(first, FlowKpi::Arrivals),
                RequestKpi::Completed => ends.count(),
                RequestKpi::Decided => fk(last, FlowKpi::Completed),
                RequestKpi::Withdrawn => sum(FlowKpi::Withdrawn),
                RequestKpi::NotRequired => sum(FlowKpi::NotRequired),
                RequestKpi::RenewalsCancelled => sum(FlowKpi::RenewalsCancelled),
                RequestKpi::WaitingAtEnd => sum(FlowKpi::WaitingAtEnd),
                RequestKpi::OpenAtEnd => sum(FlowKpi::OpenAtEnd),
                RequestKpi::WithinDeadlinePct => ends.within_pct(),
                RequestKpi::DecidedWithinDeadlinePct => fk(last, FlowKpi::WithinDeadlinePct),
                RequestKpi::MeanDaysToCompletion => returned.mean_days(),
                RequestKpi::MeanDaysToDecision => fk(last, FlowKpi::MeanDaysToComplete),
                RequestKpi::UnauthorisedDays => sum(FlowKpi::UnauthorisedDays),
                RequestKpi::Hours => sum(FlowKpi::Hours),
                RequestKpi::Cost => sum(FlowKpi::Cost),
                RequestKpi::CostPerDecision => {
                    let decided = fk(last, FlowKpi::Completed);
                    if decided > 0.0 { sum(FlowKpi::Cost) / decided } else { f64::NAN }
                }
            });
        }
    }
    (periods, kpis)
}

/// The flows' measures and the tallies behind them, per period and over
/// the horizon.
struct Tallies<'a> {
    periods: &'a [f64],
    kpis: &'a [f64],
    by_period: &'a [FlowTally],
    horizon: &'a [FlowTally],
}

/// A request's completions as councils' DoLS returns count them: decided
/// at the last stage, or closed without a decision at any stage.
#[derive(Debug, Clone, Copy, Default)]
struct Completions {
    n: u64,
    with_deadline: u64,
    within: u64,
    days: f64,
    /// Completions whose days are counted (over the horizon, those of
    /// requests made in it, as for days to decision).
    days_n: u64,
}

impl Completions {
    fn of<'a>(stages: impl Iterator<Item = &'a FlowTally>, last: &FlowTally, in_period: bool) -> Completions {
        let mut c = Completions {
            n: last.completed,
            with_deadline: last.with_deadline,
            within: last.within,
            days: last.done_sum,
            days_n: last.done_n,
        };
        for t in stages {
            c.n += t.withdrawn;
            c.with_deadline += t.closed_with_deadline;
            c.within += t.closed_within;
            c.days += t.closed_days;
            c.days_n += t.closed_n;
        }
        debug_assert!(!in_period || c.days_n == c.n);
        c
    }

    fn add(&mut self, o: &Completions) {
        self.n += o.n;
        self.with_deadline += o.with_deadline;
        self.within += o.within;
        self.days += o.days;
        self.days_n += o.days_n;
    }

    fn count(&self) -> f64 {
        self.n as f64
    }

    fn within_pct(&self) -> f64 {
        if self.with_deadline > 0 { 100.0 * self.within as f64 / self.with_deadline as f64 } else { f64::NAN }
    }

    fn mean_days(&self) -> f64 {
        if self.days_n > 0 { self.days / self.days_n as f64 } else { f64::NAN }
    }
}
