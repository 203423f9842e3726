//! Changes in the law: from their date, new people are thinned at every
//! source, and people already in the system are screened once.

use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution};

use super::Sim;
use super::items::{NOBODY, State};
use super::streams::{Stream, item_stream, stream};
use crate::model::Model;
use std::collections::HashMap;

/// The changes in the law as they unfold in one replication: which have
/// taken effect, where new people enter the flows each applies to, and
/// the screenings under way.
pub(super) struct Legal {
    changes: Vec<Change>,
    /// Per flow: the changes for which it is where new people enter.
    entries: Vec<Vec<u16>>,
    /// Screening items under way after a change, by item id.
    screenings: HashMap<u32, Screening>,
}

/// A change in the law, as it unfolds in one replication.
struct Change {
    /// Whether its date has come: sources are thinned from then on.
    done: bool,
    rng: Stream,
}

/// Whom a screening is about: a person (all their items of the change's
/// requests, renewals included), or, for requests without a stock of
/// people, one item.
#[derive(Debug, Clone, Copy)]
enum Target {
    Person(u32),
    Item { id: u32, generation: u32 },
}

/// A screening under way: its change, whom it is about, and whether they
/// still qualify (drawn on the date, so the answer does not depend on
/// when the screening is done).
#[derive(Debug, Clone, Copy)]
struct Screening {
    change: usize,
    target: Target,
    still_required: bool,
}

impl Legal {
    pub fn new(m: &Model, seed: u64, replication: u64) -> Legal {
        let nf = m.flows.len();
        Legal {
            changes: m
                .legal_changes
                .iter()
                .map(|l| Change { done: false, rng: stream(seed, replication, "legal", &l.name) })
                .collect(),
            entries: (0..nf)
                .map(|f| {
                    let entered = |l: &&crate::model::LegalChange| l.entries.contains(&(f as u16));
                    m.legal_changes.iter().enumerate().filter(|(_, l)| entered(l)).map(|(k, _)| k as u16).collect()
                })
                .collect(),
            screenings: HashMap::new(),
        }
    }

    /// Whether a new person entering flow `to` from flow `from` (`None`
    /// for a shock) still qualifies; draws from `rng` only when a change
    /// in force applies. Renewals and the next stages of a request are
    /// the same people, screened already.
    pub fn still_qualifies(&self, m: &Model, to: usize, from: Option<usize>, rng: &mut impl Rng) -> bool {
        for &k in &self.entries[to] {
            let change = &m.legal_changes[k as usize];
            let own = from.is_some_and(|f| change.flows.contains(&(f as u16)));
            if self.changes[k as usize].done && !own && rng.random::<f64>() >= change.still_required {
                return false;
            }
        }
        true
    }

    /// The screening that item `id` was, if it was one; it is done.
    fn screening_done(&mut self, id: u32) -> Option<Screening> {
        if self.screenings.is_empty() { None } else { self.screenings.remove(&id) }
    }
}

impl Sim<'_> {
    /// The date of change `k`: thin the latent pools it applies to, and
    /// screen everyone with an open request or a renewal booked.
    pub(super) fn on_legal(&mut self, k: usize) {
        let m = self.m;
        let change = &m.legal_changes[k];
        self.legal.changes[k].done = true;
        for (p, pool) in m.latent_pools.iter().enumerate() {
            let n = self.sources.remaining(p);
            if change.entries.contains(&pool.to) && n > 0 {
                let b = Binomial::new(u64::from(n), change.still_required).expect("a share checked in 0..=1");
                self.sources.set_remaining(p, b.sample(&mut self.legal.changes[k].rng) as u32);
                self.schedule_identify(p);
            }
        }
        let mut targets = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (id, item) in self.items.live_ids() {
            let open = matches!(item.state, State::Waiting | State::InService | State::Scheduled);
            if !open || !change.flows.contains(&item.flow) {
                continue;
            }
            if item.person == NOBODY {
                targets.push(Target::Item { id, generation: self.items.generation(id) });
            } else if seen.insert(item.person) {
                targets.push(Target::Person(item.person));
            }
        }
        for target in targets {
            let still_required = self.legal.changes[k].rng.random::<f64>() < change.still_required;
            match change.reassess {
                None if !still_required => self.no_longer_required(k, target),
                None => {}
                Some(f) => {
                    let seed = self.legal.changes[k].rng.next_u64();
                    let id = self.create(f as usize, item_stream(seed), self.now, NOBODY, None);
                    self.legal.screenings.insert(id, Screening { change: k, target, still_required });
                    self.join(id);
                }
            }
        }
    }

    /// A screening item completed: act on its answer.
    pub(super) fn screened(&mut self, id: u32) {
        if let Some(s) = self.legal.screening_done(id) {
            if !s.still_required {
                self.no_longer_required(s.change, s.target);
            }
        }
    }

    /// The person no longer needs authorisation: their open requests are
    /// withdrawn and their booked renewals cancelled.
    fn no_longer_required(&mut self, k: usize, target: Target) {
        let flows = &self.m.legal_changes[k].flows;
        let ids: Vec<u32> = match target {
            Target::Person(p) => self.people.items_of(p),
            Target::Item { id, generation } if self.items.generation(id) == generation => vec![id],
            Target::Item { .. } => Vec::new(),
        };
        for id in ids {
            let item = self.items.get(id);
            if flows.contains(&item.flow) {
                let f = item.flow as usize;
                match item.state {
                    State::Scheduled => self.rec.not_required(f, true),
                    State::Waiting | State::InService => self.rec.not_required(f, false),
                    State::Free => continue,
                }
                self.withdraw(id);
            }
        }
    }
}
