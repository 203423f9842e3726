//! Reduction of replication results into bands, without keeping them.

mod band;

pub use band::{Band, MAX_BUCKETS};

/// P10, P50, P90 and mean of a band: what reports show of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub mean: f64,
}

impl Bands {
    pub fn of(b: &Band) -> Bands {
        Bands { p10: b.quantile(0.1), p50: b.quantile(0.5), p90: b.quantile(0.9), mean: b.mean() }
    }

    /// Each figure scaled by `k` (a total over years to a figure a year).
    pub fn scaled(self, k: f64) -> Bands {
        Bands { p10: self.p10 * k, p50: self.p50 * k, p90: self.p90 * k, mean: self.mean * k }
    }
}

use crate::model::Model;
use crate::results::{
    AreaMetric, Balance, BudgetMetric, FlowKpi, FlowMetric, PEOPLE_BINS, RepResult, RequestKpi, RequestMetric, RoleKpi,
    RoleMetric, TotalMetric, WAIT_BINS, WorkforceMetric, YearMetric,
};

/// Every measure of a run, summarised over the replications folded in so
/// far. Merging two aggregates gives exactly what folding all their
/// replications into one would have given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    pub flows: usize,
    pub roles: usize,
    pub requests: usize,
    pub periods: usize,
    /// Financial years, and budget lines.
    pub years: usize,
    pub budget_lines: usize,
    pub replications: u64,
    pub events: u64,
    pub flow_periods: Vec<Band>,
    pub role_periods: Vec<Band>,
    pub flow_kpis: Vec<Band>,
    pub role_kpis: Vec<Band>,
    pub request_periods: Vec<Band>,
    pub request_kpis: Vec<Band>,
    pub total_periods: Vec<Band>,
    pub total_kpis: Vec<Band>,
    pub year_totals: Vec<Band>,
    pub budget: Vec<Band>,
    /// Waiting times pooled over all replications, `[flow * WAIT_BINS + bin]`.
    pub wait_hist: Vec<u64>,
    /// Days to complete pooled over all replications, likewise.
    pub done_hist: Vec<u64>,
    /// Replications in which some flow's balance did not hold.
    pub unbalanced: u64,
    /// Balances summed over replications, per flow.
    pub balance: Vec<Balance>,
    /// Workforce scopes (roles, teams, everyone; 0 when not tracked).
    pub scopes: usize,
    pub workforce_periods: Vec<Band>,
    pub workforce_kpis: Vec<Band>,
    /// Workers in post at period ends by people allocated, pooled over
    /// replications, `[role * PEOPLE_BINS + people]`.
    pub people_hist: Vec<u64>,
    /// Areas of a scenario of areas: `[area * AreaMetric::COUNT + metric]`,
    /// and DoLS cost `[area * years + year]`, each summed over the area
    /// within a replication so that its bands are of the area's totals.
    pub area_kpis: Vec<Band>,
    pub area_years: Vec<Band>,
    area_index: Vec<AreaIndex>,
    /// The scenario's observed figures as each future simulates them, in
    /// the model's order.
    pub observed: Vec<Band>,
    observed_readings: Vec<crate::model::observed::Reading>,
}

/// What an area sums over: its requests, its DoLS flows, and the periods
/// of each financial year.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AreaIndex {
    requests: Vec<usize>,
    dols_flows: Vec<usize>,
    years: Vec<std::ops::Range<usize>>,
}

impl Aggregate {
    /// An empty aggregate shaped for `m`'s results.
    pub fn for_model(m: &Model) -> Aggregate {
        let mut a = Aggregate::new(m.flows.len(), m.roles.len(), m.requests.len(), m.periods.len());
        a.years = m.years.len();
        a.budget_lines = m.budget.len();
        a.year_totals = vec![Band::new(); a.years * YearMetric::COUNT];
        a.budget = vec![Band::new(); a.budget_lines * a.years * BudgetMetric::COUNT];
        a.scopes = crate::results::workforce_scopes(m).len();
        if a.scopes > 0 {
            a.workforce_periods = vec![Band::new(); a.scopes * a.periods * WorkforceMetric::COUNT];
            a.workforce_kpis = vec![Band::new(); a.scopes * WorkforceMetric::COUNT];
            a.people_hist = vec![0; a.roles * PEOPLE_BINS];
        }
        let index = |requests: Vec<usize>, flows: &mut dyn Iterator<Item = usize>| AreaIndex {
            requests,
            dols_flows: flows.filter(|&f| m.flows[f].kind == crate::model::WorkKind::Dols).collect(),
            years: m.years.iter().map(|y| y.periods.clone()).collect(),
        };
        a.area_index = m
            .areas
            .iter()
            .map(|area| index(area.requests.clone(), &mut area.flows.iter().map(|&f| f as usize)))
            .collect();
        if !m.areas.is_empty() {
            // The whole region, after its areas, summed within each future.
            a.area_index.push(index((0..m.requests.len()).collect(), &mut (0..m.flows.len())));
        }
        a.observed_readings = m.observed.iter().map(|o| o.reading.clone()).collect();
        a.observed = vec![Band::new(); m.observed.len()];
        a.area_kpis = vec![Band::new(); a.area_index.len() * AreaMetric::COUNT];
        a.area_years = vec![Band::new(); a.area_index.len() * a.years];
        a
    }

    /// The region's own totals, as an area's (after the areas); `None`
    /// for a scenario without areas.
    pub fn region(&self) -> Option<usize> {
        self.area_index.len().checked_sub(1)
    }

    pub fn area_kpi(&self, area: usize, k: AreaMetric) -> &Band {
        &self.area_kpis[area * AreaMetric::COUNT + k as usize]
    }

    /// An area's DoLS cost (staff time and fees) in financial year `y`.
    pub fn area_dols_cost(&self, area: usize, y: usize) -> &Band {
        &self.area_years[area * self.years + y]
    }

    pub fn new(flows: usize, roles: usize, requests: usize, periods: usize) -> Aggregate {
        Aggregate {
            flows,
            roles,
            requests,
            periods,
            years: 0,
            budget_lines: 0,
            year_totals: Vec::new(),
            budget: Vec::new(),
            replications: 0,
            events: 0,
            flow_periods: vec![Band::new(); flows * periods * FlowMetric::COUNT],
            role_periods: vec![Band::new(); roles * periods * RoleMetric::COUNT],
            flow_kpis: vec![Band::new(); flows * FlowKpi::COUNT],
            role_kpis: vec![Band::new(); roles * RoleKpi::COUNT],
            request_periods: vec![Band::new(); requests * periods * RequestMetric::COUNT],
            request_kpis: vec![Band::new(); requests * RequestKpi::COUNT],
            total_periods: vec![Band::new(); periods * TotalMetric::COUNT],
            total_kpis: vec![Band::new(); TotalMetric::COUNT],
            wait_hist: vec![0; flows * WAIT_BINS],
            done_hist: vec![0; flows * WAIT_BINS],
            unbalanced: 0,
            balance: vec![Balance::default(); flows],
            scopes: 0,
            workforce_periods: Vec::new(),
            workforce_kpis: Vec::new(),
            people_hist: Vec::new(),
            area_kpis: Vec::new(),
            area_years: Vec::new(),
            area_index: Vec::new(),
            observed: Vec::new(),
            observed_readings: Vec::new(),
        }
    }

    pub fn add(&mut self, r: &RepResult) {
        for (a, index) in self.area_index.iter().enumerate() {
            for k in AreaMetric::ALL {
                self.area_kpis[a * AreaMetric::COUNT + k as usize].add(k.of(r, &index.requests));
            }
            for (y, periods) in index.years.iter().enumerate() {
                let cost: f64 = index
                    .dols_flows
                    .iter()
                    .flat_map(|&f| periods.clone().map(move |p| r.flow_period(f, p, FlowMetric::Cost)))
                    .sum();
                self.area_years[a * index.years.len() + y].add(cost);
            }
        }
        for (band, reading) in self.observed.iter_mut().zip(&self.observed_readings) {
            band.add(reading.read(r));
        }
        self.replications += 1;
        self.events += r.events;
        add_all(&mut self.flow_periods, &r.flow_periods);
        add_all(&mut self.role_periods, &r.role_periods);
        add_all(&mut self.flow_kpis, &r.flow_kpis);
        add_all(&mut self.role_kpis, &r.role_kpis);
        add_all(&mut self.request_periods, &r.request_periods);
        add_all(&mut self.request_kpis, &r.request_kpis);
        add_all(&mut self.total_periods, &r.total_periods);
        add_all(&mut self.total_kpis, &r.total_kpis);
        add_all(&mut self.year_totals, &r.year_totals);
        add_all(&mut self.budget, &r.budget);
        add_all(&mut self.workforce_periods, &r.workforce_periods);
        add_all(&mut self.workforce_kpis, &r.workforce_kpis);
        for (a, &b) in self.people_hist.iter_mut().zip(&r.people_hist) {
            *a += u64::from(b);
        }
        for (a, &b) in self.wait_hist.iter_mut().zip(&r.wait_hist) {
            *a += b as u64;
        }
        for (a, &b) in self.done_hist.iter_mut().zip(&r.done_hist) {
            *a += b as u64;
        }
        if !r.balance.iter().all(Balance::holds) {
            self.unbalanced += 1;
        }
        for (a, b) in self.balance.iter_mut().zip(&r.balance) {
            add_balance(a, b);
        }
    }

    /// Whether a replication's results have this aggregate's shape (one
    /// read back from a file might not).
    pub fn fits(&self, r: &RepResult) -> bool {
        r.flow_periods.len() == self.flow_periods.len()
            && r.role_periods.len() == self.role_periods.len()
            && r.flow_kpis.len() == self.flow_kpis.len()
            && r.role_kpis.len() == self.role_kpis.len()
            && r.request_periods.len() == self.request_periods.len()
            && r.request_kpis.len() == self.request_kpis.len()
            && r.total_periods.len() == self.total_periods.len()
            && r.total_kpis.len() == self.total_kpis.len()
            && r.year_totals.len() == self.year_totals.len()
            && r.budget.len() == self.budget.len()
            && r.wait_hist.len() == self.wait_hist.len()
            && r.done_hist.len() == self.done_hist.len()
            && r.balance.len() == self.balance.len()
    }

    pub fn merge(mut self, other: Aggregate) -> Aggregate {
        merge_all(&mut self.area_kpis, &other.area_kpis);
        merge_all(&mut self.area_years, &other.area_years);
        merge_all(&mut self.observed, &other.observed);
        self.replications += other.replications;
        self.events += other.events;
        merge_all(&mut self.flow_periods, &other.flow_periods);
        merge_all(&mut self.role_periods, &other.role_periods);
        merge_all(&mut self.flow_kpis, &other.flow_kpis);
        merge_all(&mut self.role_kpis, &other.role_kpis);
        merge_all(&mut self.request_periods, &other.request_periods);
        merge_all(&mut self.request_kpis, &other.request_kpis);
        merge_all(&mut self.total_periods, &other.total_periods);
        merge_all(&mut self.total_kpis, &other.total_kpis);
        merge_all(&mut self.year_totals, &other.year_totals);
        merge_all(&mut self.budget, &other.budget);
        merge_all(&mut self.workforce_periods, &other.workforce_periods);
        merge_all(&mut self.workforce_kpis, &other.workforce_kpis);
        for (a, b) in self.people_hist.iter_mut().zip(&other.people_hist) {
            *a += b;
        }
        for (a, b) in self.wait_hist.iter_mut().zip(&other.wait_hist) {
            *a += b;
        }
        for (a, b) in self.done_hist.iter_mut().zip(&other.done_hist) {
            *a += b;
        }
        self.unbalanced += other.unbalanced;
        for (a, b) in self.balance.iter_mut().zip(&other.balance) {
            add_balance(a, b);
        }
        self
    }

    pub fn flow_period(&self, flow: usize, period: usize, m: FlowMetric) -> &Band {
        &self.flow_periods[(flow * self.periods + period) * FlowMetric::COUNT + m as usize]
    }

    pub fn role_period(&self, role: usize, period: usize, m: RoleMetric) -> &Band {
        &self.role_periods[(role * self.periods + period) * RoleMetric::COUNT + m as usize]
    }

    pub fn flow_kpi(&self, flow: usize, k: FlowKpi) -> &Band {
        &self.flow_kpis[flow * FlowKpi::COUNT + k as usize]
    }

    pub fn role_kpi(&self, role: usize, k: RoleKpi) -> &Band {
        &self.role_kpis[role * RoleKpi::COUNT + k as usize]
    }

    pub fn request_period(&self, request: usize, period: usize, m: RequestMetric) -> &Band {
        &self.request_periods[(request * self.periods + period) * RequestMetric::COUNT + m as usize]
    }

    pub fn request_kpi(&self, request: usize, k: RequestKpi) -> &Band {
        &self.request_kpis[request * RequestKpi::COUNT + k as usize]
    }

    pub fn total_period(&self, period: usize, m: TotalMetric) -> &Band {
        &self.total_periods[period * TotalMetric::COUNT + m as usize]
    }

    pub fn total_kpi(&self, m: TotalMetric) -> &Band {
        &self.total_kpis[m as usize]
    }

    pub fn year_total(&self, year: usize, m: YearMetric) -> &Band {
        &self.year_totals[year * YearMetric::COUNT + m as usize]
    }

    pub fn budget(&self, line: usize, year: usize, m: BudgetMetric) -> &Band {
        &self.budget[(line * self.years + year) * BudgetMetric::COUNT + m as usize]
    }

    pub fn workforce_period(&self, scope: usize, period: usize, m: WorkforceMetric) -> &Band {
        &self.workforce_periods[(scope * self.periods + period) * WorkforceMetric::COUNT + m as usize]
    }

    pub fn workforce_kpi(&self, scope: usize, m: WorkforceMetric) -> &Band {
        &self.workforce_kpis[scope * WorkforceMetric::COUNT + m as usize]
    }

    /// Workers of role `r` in post at period ends, by people allocated.
    pub fn people_hist(&self, r: usize) -> &[u64] {
        &self.people_hist[r * PEOPLE_BINS..(r + 1) * PEOPLE_BINS]
    }

    pub fn wait_hist(&self, flow: usize) -> &[u64] {
        &self.wait_hist[flow * WAIT_BINS..(flow + 1) * WAIT_BINS]
    }

    pub fn done_hist(&self, flow: usize) -> &[u64] {
        &self.done_hist[flow * WAIT_BINS..(flow + 1) * WAIT_BINS]
    }
}

fn add_all(bands: &mut [Band], values: &[f64]) {
    debug_assert_eq!(bands.len(), values.len());
    for (b, &v) in bands.iter_mut().zip(values) {
        b.add(v);
    }
}

fn merge_all(bands: &mut [Band], other: &[Band]) {
    for (a, b) in bands.iter_mut().zip(other) {
        a.merge(b);
    }
}

fn add_balance(a: &mut Balance, b: &Balance) {
    a.arrived += b.arrived;
    a.completed += b.completed;
    a.withdrawn += b.withdrawn;
    a.waiting += b.waiting;
    a.in_service += b.in_service;
    a.scheduled += b.scheduled;
    a.follow_ups_created += b.follow_ups_created;
    a.follow_ups_due += b.follow_ups_due;
    a.follow_ups_cancelled += b.follow_ups_cancelled;
}
