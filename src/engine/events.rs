//! The future-event list: a binary heap keyed by (time, sequence).
//!
//! Times are non-negative, so their IEEE-754 bit patterns order exactly as
//! the numbers do; packing them with a sequence number into one `u128`
//! makes ties first-in-first-out and keeps comparisons to integer compares,
//! with no float comparison deciding the order of two events.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The next exogenous arrival of a flow.
    Arrival { flow: u16 },
    /// A flow's arrival rate changes.
    RateChange { flow: u16 },
    /// A worker's earliest open item may be finished. Stale when the
    /// worker's generation has moved on.
    Done { worker: u32, generation: u32 },
    /// A follow-up item falls due and joins its flow.
    Due { item: u32 },
    /// A reporting period ends (or, the first time, reporting begins).
    Boundary,
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

#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl EventQueue {
    pub fn with_capacity(n: usize) -> EventQueue {
        EventQueue { heap: BinaryHeap::with_capacity(n), seq: 0 }
    }

    /// Schedule `event` at time `t` (days, >= 0).
    #[inline]
    pub fn push(&mut self, t: f64, event: Event) {
        debug_assert!(t >= 0.0 && t.is_finite(), "event time {t}");
        let key = ((t.to_bits() as u128) << 64) | self.seq as u128;
        self.seq += 1;
        self.heap.push(Entry { key, event });
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        self.heap.pop().map(|e| (f64::from_bits((e.key >> 64) as u64), e.event))
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
    fn tiny_time_differences_are_kept() {
        let mut q = EventQueue::default();
        let a = 1000.0_f64;
        let b = f64::from_bits(a.to_bits() + 1);
        q.push(b, Event::Arrival { flow: 1 });
        q.push(a, Event::Arrival { flow: 0 });
        assert_eq!(q.pop().unwrap().1, Event::Arrival { flow: 0 });
    }
}
