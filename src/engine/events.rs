//! The future-event list: a binary heap keyed by (time, sequence), with
//! workers' completions kept apart in a tournament tree.
//!
//! Times are non-negative, so their IEEE-754 bit patterns order exactly as
//! the numbers do; packing them with a sequence number into one `u128`
//! makes ties first-in-first-out and keeps comparisons to integer compares,
//! with no float comparison deciding the order of two events. Below the
//! sequence number a completion's key carries its worker, which never
//! decides an order (sequence numbers are unique) but lets the tree of
//! completions hold keys alone.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The next exogenous arrival of a flow.
    Arrival { flow: u16 },
    /// A flow's arrival rate changes.
    RateChange { flow: u16 },
    /// A worker's earliest open item is finished.
    Done { worker: u32 },
    /// A follow-up falls due and joins its flow, unless it was cancelled.
    Due { item: u32, generation: u32 },
    /// A reporting period ends (or, the first time, reporting begins).
    Boundary,
    /// A person leaves their stock (death, discharge, regained capacity).
    PersonLeaves { person: u32, generation: u32 },
    /// Someone in a latent pool is identified.
    Identify { pool: u16, generation: u32 },
    /// A shock strikes.
    Shock { shock: u16 },
    /// Something happens to a post; stale if the post changed hands.
    Staff { worker: u32, tenure: u32, what: StaffEvent },
    /// Start of a day: overtime switches on or off.
    Daily,
    /// Step `step` of role `role`'s staffing plan takes effect.
    Plan { role: u16, step: u16 },
    /// A new week (0) or month (1) of DoLS budgets for fixed-share workers.
    BudgetReset { per: u8 },
    /// A batched flow's waiting items are released to workers.
    Batch { flow: u16 },
    /// A change in the law takes effect.
    Legal { change: u16 },
    /// A kept person's allocation ends.
    CaseEnds { case: u32 },
    /// A post's supervision session is due; stale if the post changed hands.
    Supervision { worker: u32, generation: u32 },
    /// A supervision session ends.
    SupervisionEnds { worker: u32, generation: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffEvent {
    LeaveStarts,
    LeaveEnds,
    SickStarts,
    SickEnds,
    /// The person in post leaves the organisation.
    Leaves,
    /// A recruit starts in a vacant or agency-covered post.
    Starts,
    AgencyStarts,
    RampEnds,
    AsyeEnds,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u128,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest.
        other.key.cmp(&self.key)
    }
}

/// Set in every key but a boundary's, below the time and above any
/// sequence number, so that boundaries sort first among equal times.
const BEFORE_BOUNDARY_BIT: u128 = 1 << 63;

/// No completion booked.
const UNBOOKED: u128 = u128::MAX;

/// Days per block of far-future events.
const BLOCK: f64 = 8.0;
/// The last block: events further ahead than any horizon allowed (a few
/// thousand years) share it, rather than growing the list of blocks without
/// bound for an event that will never be reached.
const LAST_BLOCK: usize = 1 << 16;

/// Events in the next few days sit in a binary heap; later ones wait in
/// unsorted blocks of `BLOCK` days and join the heap when their block
/// comes up. Reviews booked a year ahead and people's departures years
/// ahead then cost nothing until they are near, and the heap stays small.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
    far: Vec<Vec<Entry>>,
    /// The first block not yet moved into the heap.
    next_block: usize,
    completions: Completions,
}

#[inline]
fn time_of(key: u128) -> f64 {
    f64::from_bits((key >> 64) as u64)
}

impl EventQueue {
    /// A queue for a model with `workers` posts.
    pub fn new(workers: usize) -> EventQueue {
        EventQueue { completions: Completions::new(workers), ..EventQueue::default() }
    }

    /// The key of an event at `t`: its time, then its place in the order
    /// of booking, with the low `worker_bits` left for a worker.
    #[inline]
    fn key(&mut self, t: f64) -> u128 {
        debug_assert!(t >= 0.0 && t.is_finite(), "event time {t}");
        let shift = self.completions.worker_bits;
        // Sequence numbers need 63 - shift bits: 2^43 bookings at the very
        // least (a million posts), far beyond any replication's events.
        debug_assert!(self.seq < 1 << (63 - shift), "too many events to order");
        let key = ((t.to_bits() as u128) << 64) | BEFORE_BOUNDARY_BIT | ((self.seq as u128) << shift);
        self.seq += 1;
        key
    }

    /// Book worker `w`'s next completion at `t`, replacing any booked
    /// before; `None` cancels it.
    #[inline]
    pub fn complete_at(&mut self, w: usize, t: Option<f64>) {
        let key = t.map_or(UNBOOKED, |t| self.key(t) | w as u128);
        self.completions.set(w, key);
    }

    /// Schedule `event` at time `t` (days, >= 0). A period boundary goes
    /// before anything else at its time, so that what happens on the
    /// first day of a period (a plan, a shock) counts in that period.
    #[inline]
    pub fn push(&mut self, t: f64, event: Event) {
        let mut key = self.key(t);
        if matches!(event, Event::Boundary) {
            key &= !BEFORE_BOUNDARY_BIT;
        }
        let entry = Entry { key, event };
        let block = ((t / BLOCK) as usize).min(LAST_BLOCK);
        if block < self.next_block {
            self.heap.push(entry);
        } else {
            if block >= self.far.len() {
                self.far.resize_with(block + 1, Vec::new);
            }
            self.far[block].push(entry);
        }
    }

    /// The earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        while self.next_block < self.far.len() {
            let start = self.next_block as f64 * BLOCK;
            if self.heap.peek().is_some_and(|e| time_of(e.key) < start) {
                break;
            }
            let block = std::mem::take(&mut self.far[self.next_block]);
            self.next_block += 1;
            self.heap.extend(block);
        }
        let done = self.completions.first();
        match self.heap.peek() {
            Some(e) if e.key < done => self.heap.pop().map(|e| (time_of(e.key), e.event)),
            // The booking stays until the worker is rebooked, which
            // handling their completion always does.
            _ if done < UNBOOKED => {
                let worker = (done & self.completions.worker_mask()) as u32;
                Some((time_of(done), Event::Done { worker }))
            }
            _ => None,
        }
    }
}

/// Each worker's next completion, if booked, as a tournament tree: a
/// worker has at most one, and it moves whenever their work changes, so
/// replacing it in place beats piling superseded entries into the heap.
#[derive(Debug)]
struct Completions {
    /// Node `i` holds the least key below it; leaves start at `size`, one
    /// per worker, `UNBOOKED` when nothing is booked. A key's low
    /// `worker_bits` name its worker.
    nodes: Vec<u128>,
    size: usize,
    worker_bits: u32,
}

impl Default for Completions {
    fn default() -> Self {
        Completions::new(0)
    }
}

impl Completions {
    fn new(workers: usize) -> Completions {
        let size = workers.next_power_of_two().max(2);
        Completions { nodes: vec![UNBOOKED; 2 * size], size, worker_bits: size.trailing_zeros() }
    }

    #[inline]
    fn worker_mask(&self) -> u128 {
        (1 << self.worker_bits) - 1
    }

    #[inline]
    fn set(&mut self, w: usize, key: u128) {
        let mut node = self.size + w;
        let mut best = key;
        self.nodes[node] = key;
        while node > 1 {
            best = best.min(self.nodes[node ^ 1]);
            node /= 2;
            if self.nodes[node] == best {
                break; // nothing above changes
            }
            self.nodes[node] = best;
        }
    }

    /// The earliest completion's key (`UNBOOKED` if none).
    #[inline]
    fn first(&self) -> u128 {
        self.nodes[1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_ties_in_insertion_order() {
        let mut q = EventQueue::default();
        q.push(2.0, Event::Arrival { flow: 0 });
        q.push(1.0, Event::Arrival { flow: 1 });
        q.push(1.0, Event::Arrival { flow: 2 });
        q.push(0.0, Event::Boundary);
        q.push(1.0, Event::Arrival { flow: 3 });
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (0.0, Event::Boundary),
                (1.0, Event::Arrival { flow: 1 }),
                (1.0, Event::Arrival { flow: 2 }),
                (1.0, Event::Arrival { flow: 3 }),
                (2.0, Event::Arrival { flow: 0 }),
            ]
        );
    }

    #[test]
    fn far_events_come_out_in_order() {
        let mut q = EventQueue::default();
        let times = [500.0, 3.0, 16.0, 8.0, 8.0, 7.999, 1000.5, 0.5, 24.0, 23.0];
        for (i, &t) in times.iter().enumerate() {
            q.push(t, Event::Arrival { flow: i as u16 });
        }
        let mut got = Vec::new();
        while let Some((t, e)) = q.pop() {
            got.push((t, e));
            if t == 3.0 {
                q.push(9.0, Event::Boundary); // pushed while running
            }
        }
        let order: Vec<f64> = got.iter().map(|g| g.0).collect();
        assert_eq!(order, vec![0.5, 3.0, 7.999, 8.0, 8.0, 9.0, 16.0, 23.0, 24.0, 500.0, 1000.5]);
        assert_eq!(got[3].1, Event::Arrival { flow: 3 }, "ties keep insertion order");
    }

    #[test]
    fn a_boundary_goes_before_whatever_else_falls_at_its_time() {
        let mut q = EventQueue::new(1);
        q.push(3.0, Event::Plan { role: 0, step: 0 });
        q.complete_at(0, Some(3.0));
        q.push(3.0, Event::Boundary);
        let first: Vec<_> = std::iter::from_fn(|| q.pop()).take(2).collect();
        assert_eq!(first[0], (3.0, Event::Boundary), "what happens on a period's first day counts in it");
        assert_eq!(first[1], (3.0, Event::Plan { role: 0, step: 0 }));
    }

    #[test]
    fn completions_interleave_with_events_in_time_then_booking_order() {
        let mut q = EventQueue::new(5);
        q.push(2.0, Event::Arrival { flow: 0 });
        q.complete_at(3, Some(1.0));
        q.complete_at(4, Some(2.0));
        q.complete_at(1, Some(5.0));
        q.complete_at(1, Some(0.5)); // rebooked earlier
        q.complete_at(0, Some(9.0));
        q.complete_at(0, None); // cancelled
        q.push(1.0, Event::Shock { shock: 0 });
        let order: Vec<_> = std::iter::from_fn(|| {
            let next = q.pop();
            if let Some((_, Event::Done { worker })) = next {
                q.complete_at(worker as usize, None); // as handling a completion does
            }
            next
        })
        .collect();
        assert_eq!(
            order,
            vec![
                (0.5, Event::Done { worker: 1 }),
                (1.0, Event::Done { worker: 3 }),
                (1.0, Event::Shock { shock: 0 }),
                (2.0, Event::Arrival { flow: 0 }),
                (2.0, Event::Done { worker: 4 }),
            ]
        );
    }

    #[test]
    fn tiny_time_differences_are_kept() {
        let mut q = EventQueue::default();
        let a = 1000.0_f64;
        let b = f64::from_bits(a.to_bits() + 1);
        q.push(b, Event::Arrival { flow: 1 });
        q.push(a, Event::Arrival { flow: 0 });
        assert_eq!(q.pop().unwrap().1, Event::Arrival { flow: 0 });
    }
}
