//! Where new work comes from: arrival processes, latent pools, shocks.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1, Gamma, StandardNormal};

use super::Sim;
use super::events::Event;
use super::items::{NOBODY, State};
use super::streams::{Stream, item_stream, stream};
use crate::model::{Model, ShockTime};
use crate::units::DAYS_PER_YEAR;

/// Where new work comes from, each with its own random stream: per flow
/// its arrival process (and the stream that seeds its items), the latent
/// pools, and the shocks.
pub(super) struct Sources {
    arrivals: Vec<Option<ArrivalState>>,
    work: Vec<Stream>,
    latent: Vec<PoolState>,
    shocks: Vec<Stream>,
}

struct ArrivalState {
    segment: usize,
    rate: f64,
    /// This replication's draws of forecast uncertainty.
    level: f64,
    drift: f64,
    rng: Stream,
}

/// A latent pool: people not yet found. Its identification events carry
/// its generation, so a new draw supersedes the last.
struct PoolState {
    remaining: u32,
    generation: u32,
    rng: Stream,
}

impl Sources {
    pub fn new(m: &Model, seed: u64, replication: u64) -> Sources {
        Sources {
            arrivals: m
                .flows
                .iter()
                .map(|f| {
                    f.arrivals.as_ref().map(|a| {
                        let mut rng = stream(seed, replication, "arrivals", &f.name);
                        let (level, drift) = uncertainty(a, &mut rng);
                        ArrivalState { segment: 0, rate: 0.0, level, drift, rng }
                    })
                })
                .collect(),
            work: m.flows.iter().map(|f| stream(seed, replication, "work", &f.name)).collect(),
            latent: m
                .latent_pools
                .iter()
                .map(|p| PoolState {
                    remaining: p.size,
                    generation: 0,
                    rng: stream(seed, replication, "pool", &p.name),
                })
                .collect(),
            shocks: m.shocks.iter().map(|s| stream(seed, replication, "shock", &s.name)).collect(),
        }
    }

    /// Whether an identification event of pool `p` is its latest draw.
    pub fn is_current(&self, p: usize, generation: u32) -> bool {
        self.latent[p].generation == generation
    }

    /// People not yet found in pool `p`.
    pub fn remaining(&self, p: usize) -> u32 {
        self.latent[p].remaining
    }

    /// People not yet found in any pool.
    pub fn remaining_total(&self) -> u64 {
        self.latent.iter().map(|p| u64::from(p.remaining)).sum()
    }

    /// Someone in pool `p` is found through other work; false if nobody is left.
    pub fn take_one(&mut self, p: usize) -> bool {
        let pool = &mut self.latent[p];
        if pool.remaining == 0 {
            return false;
        }
        pool.remaining -= 1;
        true
    }

    /// Pool `p` now holds `n` people.
    pub fn set_remaining(&mut self, p: usize, n: u32) {
        self.latent[p].remaining = n;
    }
}

/// A replication's level multiplier and log-growth shock. Draws only when
/// there is uncertainty, so streams of scenarios without it do not shift.
pub(super) fn uncertainty(a: &crate::model::Arrivals, rng: &mut super::streams::Stream) -> (f64, f64) {
    let level = if a.level_cv > 0.0 {
        let s2 = (1.0 + a.level_cv * a.level_cv).ln();
        let z: f64 = StandardNormal.sample(rng);
        (s2.sqrt() * z - s2 / 2.0).exp()
    } else {
        1.0
    };
    let drift = if a.trend_sd > 0.0 {
        let z: f64 = StandardNormal.sample(rng);
        a.trend_sd * z
    } else {
        0.0
    };
    (level, drift)
}

impl Sim<'_> {
    pub(super) fn start_arrivals(&mut self, f: usize) {
        if self.sources.arrivals[f].is_some() {
            self.enter_segment(f, 0);
            self.schedule_arrival(f);
        }
    }

    /// Set the arrival rate of segment `k`, with its gamma multiplier when
    /// counts are over-dispersed.
    fn enter_segment(&mut self, f: usize, k: usize) {
        let arr = self.m.flows[f].arrivals.as_ref().expect("a flow with arrivals");
        let st = self.sources.arrivals[f].as_mut().expect("arrival state");
        st.segment = k;
        let mut rate = arr.segments[k].rate_per_day * st.level;
        if st.drift != 0.0 {
            let start = arr.segments[k].start;
            let stop = arr.segments.get(k + 1).map_or(self.end, |s| s.start).max(start);
            rate *= (st.drift * ((start + stop) / 2.0 - self.origin) / DAYS_PER_YEAR).exp();
        }
        if let Some(v) = arr.dispersion {
            let g = Gamma::new(1.0 / v, v).expect("dispersion checked positive");
            rate *= g.sample(&mut st.rng);
        }
        st.rate = rate;
    }

    fn schedule_arrival(&mut self, f: usize) {
        let arr = self.m.flows[f].arrivals.as_ref().expect("a flow with arrivals");
        let st = self.sources.arrivals[f].as_mut().expect("arrival state");
        let next = if st.rate > 0.0 {
            let e: f64 = Exp1.sample(&mut st.rng);
            self.now + e / st.rate
        } else {
            f64::INFINITY
        };
        let change = arr.segments.get(st.segment + 1).map_or(f64::INFINITY, |s| s.start);
        if next < change {
            if next <= self.end {
                self.events.push(next, Event::Arrival { flow: f as u16 });
            }
        } else if change <= self.end {
            // Memorylessness lets the draw restart at the new rate.
            self.events.push(change, Event::RateChange { flow: f as u16 });
        }
    }

    pub(super) fn on_rate_change(&mut self, f: usize) {
        let k = self.sources.arrivals[f].as_ref().expect("arrival state").segment + 1;
        self.enter_segment(f, k);
        self.schedule_arrival(f);
    }

    pub(super) fn on_arrival(&mut self, f: usize) {
        self.schedule_arrival(f);
        let seed = self.sources.work[f].next_u64();
        let id = self.create(f, item_stream(seed), self.now, NOBODY, None);
        self.join(id);
    }

    pub(super) fn start_pools_and_shocks(&mut self) {
        for p in 0..self.sources.latent.len() {
            self.schedule_identify(p);
        }
        for (s, shock) in self.m.shocks.iter().enumerate() {
            match shock.when {
                ShockTime::At(t) => self.events.push(t, Event::Shock { shock: s as u16 }),
                ShockTime::Random { .. } => self.schedule_random_shock(s),
            }
        }
    }

    /// Draw the next identification from a latent pool; any earlier draw
    /// is superseded (the pool may have shrunk through routes).
    pub(super) fn schedule_identify(&mut self, p: usize) {
        let rate = self.m.latent_pools[p].identified_per_day;
        let st = &mut self.sources.latent[p];
        st.generation = st.generation.wrapping_add(1);
        let per_day = st.remaining as f64 * rate;
        if per_day > 0.0 {
            let e: f64 = Exp1.sample(&mut st.rng);
            let t = self.now + e / per_day;
            if t <= self.end {
                self.events.push(t, Event::Identify { pool: p as u16, generation: st.generation });
            }
        }
    }

    pub(super) fn on_identify(&mut self, p: usize) {
        let pool = &mut self.sources.latent[p];
        pool.remaining -= 1;
        let seed = pool.rng.next_u64();
        let to = self.m.latent_pools[p].to as usize;
        let id = self.create(to, item_stream(seed), self.now, NOBODY, None);
        self.join(id);
        self.schedule_identify(p);
    }

    fn schedule_random_shock(&mut self, s: usize) {
        let ShockTime::Random { per_day } = self.m.shocks[s].when else { return };
        if per_day > 0.0 {
            let e: f64 = Exp1.sample(&mut self.sources.shocks[s]);
            let t = self.now + e / per_day;
            if t <= self.end {
                self.events.push(t, Event::Shock { shock: s as u16 });
            }
        }
    }

    pub(super) fn on_shock(&mut self, s: usize) {
        let m = self.m;
        for (flow, count) in &m.shocks[s].spawn {
            let rng = &mut self.sources.shocks[s];
            let n = count.sample(rng).round().max(0.0) as u64;
            for _ in 0..n {
                let rng = &mut self.sources.shocks[s];
                if !self.legal.still_qualifies(m, *flow as usize, None, rng) {
                    continue;
                }
                let seed = rng.next_u64();
                let id = self.create(*flow as usize, item_stream(seed), self.now, NOBODY, None);
                self.join(id);
            }
        }
        self.schedule_random_shock(s);
    }

    /// A triaged request still waiting past its deadline at the start was
    /// not screened high priority: councils take those first, so what has
    /// waited is what they put off. Drawn again from the other classes,
    /// in their shares; without this the start's aged backlog would be high
    /// priority as often as new requests, and its first months would go
    /// on requests long overdue while new high-priority ones wait.
    fn overdue_not_high(&mut self, f: usize, id: u32) {
        let flow = &self.m.flows[f];
        let item = self.items.get_mut(id);
        if item.class != 0 || item.deadline >= 0.0 || flow.triage.len() < 2 || flow.triage[0] >= 1.0 {
            return;
        }
        let high = flow.triage[0];
        item.class = flow.triage_class(high + (1.0 - high) * item.rng.random::<f64>());
    }

    /// Work in hand at time 0: waiting items with their ages, items
    /// already allocated part-done, follow-ups already booked.
    pub(super) fn initial_work(&mut self) {
        let m = self.m;
        for (f, flow) in m.flows.iter().enumerate() {
            let init = &flow.initial;
            let mut rng = super::streams::stream(self.seed, self.replication, "initial", &flow.name);
            for _ in 0..init.waiting {
                let age = init.waiting_age_days.as_ref().map_or(0.0, |d| d.sample(&mut rng));
                let id = self.create(f, item_stream(rng.next_u64()), -age, NOBODY, None);
                self.overdue_not_high(f, id);
                self.join(id);
            }
            for _ in 0..init.in_service {
                let id = self.create(f, item_stream(rng.next_u64()), 0.0, NOBODY, None);
                // Part-done: a uniform share of the work is left.
                let left: f64 = rng.random::<f64>().max(1e-6);
                let item = self.items.get_mut(id);
                item.effort *= left;
                item.duration *= left;
                self.join(id);
            }
            for i in 0..init.scheduled {
                let due = init.scheduled_over_days * (i as f64 + rng.random::<f64>()) / init.scheduled as f64;
                let id = self.create(f, item_stream(rng.next_u64()), due, NOBODY, None);
                self.schedule_due(id, State::Scheduled);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Sim;

    /// A triaged flow with a backlog at the start, half of it past its
    /// 21-day deadline (ages 0 to 42 days), screened half high priority.
    fn backlog() -> crate::model::Model {
        crate::scenario::parse(
            "[scenario]\nname = \"b\"\nstart = 2020-04-01\nyears = 1\n\n[[flows]]\nname = \"dols\"\norder = \"deadline\"\ndeadline_days = 21\ntriage = [0.5, 0.3, 0.2]\neffort_hours = { dist = \"fixed\", value = 1 }\ninitial = { waiting = 4000, waiting_age_days = { dist = \"uniform\", min = 0, max = 42 } }\n\n[[roles]]\nname = \"bia\"\nfte = 1\nhours_per_week = 37\ncaseload_cap = 10\nskills = [\"dols\"]\n",
            "b.toml",
        )
        .unwrap()
    }

    #[test]
    fn a_backlog_past_its_deadline_at_the_start_is_not_high_priority() {
        let m = backlog();
        let sim = Sim::new(&m, 1, 0);
        let (mut overdue, mut fresh) = ([0u32; 3], [0u32; 3]);
        for item in sim.items.live() {
            let counts = if item.deadline < 0.0 { &mut overdue } else { &mut fresh };
            counts[item.class as usize] += 1;
        }
        assert_eq!(overdue[0], 0, "overdue and high priority: {overdue:?}");
        // The rest keep the others' shares, 0.3 to 0.2, and those not yet
        // due keep every share.
        let medium = f64::from(overdue[1]) / f64::from(overdue[1] + overdue[2]);
        assert!((medium - 0.6).abs() < 0.05, "medium share of the overdue: {medium} {overdue:?}");
        let high = f64::from(fresh[0]) / f64::from(fresh.iter().sum::<u32>());
        assert!((high - 0.5).abs() < 0.05, "high share of those not yet due: {high} {fresh:?}");
    }
}
