//! Items of work, the people they belong to, and the per-flow queues.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::streams::Stream;
use crate::model::QueueOrder;

/// No person: the item is not part of a stock of people.
pub(crate) const NOBODY: u32 = u32::MAX;
/// No case: the item's person is not kept allocated to anyone.
pub(crate) const NO_CASE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Free,
    /// A follow-up created but not yet due.
    Scheduled,
    Waiting,
    InService,
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub flow: u16,
    pub state: State,
    /// Engine time the item joined its flow (or is due to).
    pub arrived: f64,
    /// Engine time it was first allocated to a worker (NaN before), so a
    /// reallocation after its worker left does not count its wait again.
    pub allocated: f64,
    /// Engine time its case began: its own arrival, or for a later stage
    /// of a request (a route with `keep_deadline`) the request's.
    pub started: f64,
    /// Engine time of the deadline; infinity when there is none.
    pub deadline: f64,
    /// From this time the person is deprived of liberty without
    /// authorisation; infinity for flows that deprive no one.
    pub lapse: f64,
    /// Hours of work still to do (assessments, for bought-in capacity).
    pub effort: f64,
    /// Least elapsed days the work takes; 0 for as fast as hours allow.
    pub duration: f64,
    pub person: u32,
    /// Triage class (0 most urgent) from the flow's screening.
    pub class: u8,
    /// Whether the item counts as a person allocated to its worker (an
    /// item of people's work, for someone not already kept by them).
    pub counted: bool,
    /// The allocation (kept person) it belongs to, if any: it goes back to
    /// that worker where it can.
    pub case: u32,
    /// This item's own random draws (effort, routing, delays, children),
    /// so the same arrival has the same fate whatever the staffing.
    pub rng: Stream,
}

/// A slab of items with a free list, so item ids stay small and memory is
/// reused as work completes. Each slot has a generation, bumped when its
/// item goes, so that stale references (queued ids, pending events) can
/// be recognised.
#[derive(Debug, Default)]
pub(crate) struct Items {
    items: Vec<Item>,
    generations: Vec<u32>,
    free: Vec<u32>,
}

impl Items {
    #[inline]
    pub fn insert(&mut self, item: Item) -> u32 {
        if let Some(id) = self.free.pop() {
            self.items[id as usize] = item;
            id
        } else {
            self.items.push(item);
            self.generations.push(0);
            (self.items.len() - 1) as u32
        }
    }

    #[inline]
    pub fn remove(&mut self, id: u32) {
        self.items[id as usize].state = State::Free;
        self.generations[id as usize] = self.generations[id as usize].wrapping_add(1);
        self.free.push(id);
    }

    #[inline]
    pub fn generation(&self, id: u32) -> u32 {
        self.generations[id as usize]
    }

    #[inline]
    pub fn get(&self, id: u32) -> &Item {
        &self.items[id as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, id: u32) -> &mut Item {
        &mut self.items[id as usize]
    }

    pub fn live(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.state != State::Free)
    }

    /// Live items with their ids, in slot order.
    pub fn live_ids(&self) -> impl Iterator<Item = (u32, &Item)> {
        self.items.iter().enumerate().filter(|(_, i)| i.state != State::Free).map(|(id, i)| (id as u32, i))
    }
}

/// People in a stock, with their live items, so that when someone leaves
/// the stock their work can be withdrawn.
#[derive(Debug, Default)]
pub(crate) struct People {
    items: Vec<Vec<u32>>,
    generations: Vec<u32>,
    free: Vec<u32>,
}

impl People {
    pub fn add(&mut self) -> u32 {
        if let Some(p) = self.free.pop() {
            p
        } else {
            self.items.push(Vec::with_capacity(2));
            self.generations.push(0);
            (self.items.len() - 1) as u32
        }
    }

    pub fn generation(&self, p: u32) -> u32 {
        self.generations[p as usize]
    }

    pub fn attach(&mut self, p: u32, item: u32) {
        self.items[p as usize].push(item);
    }

    /// Detach an item; a person with no live items is forgotten.
    pub fn detach(&mut self, p: u32, item: u32) {
        let list = &mut self.items[p as usize];
        if let Some(i) = list.iter().position(|&x| x == item) {
            list.swap_remove(i);
        }
        if list.is_empty() {
            self.generations[p as usize] = self.generations[p as usize].wrapping_add(1);
            self.free.push(p);
        }
    }

    pub fn items_of(&self, p: u32) -> Vec<u32> {
        self.items[p as usize].clone()
    }
}

/// Waiting items of one flow, in the flow's allocation order. Entries
/// carry the item's generation; withdrawn items are skipped lazily.
#[derive(Debug)]
pub(crate) enum FlowQueue {
    /// First come, first served, one class.
    Fifo(VecDeque<(f64, u32, u32)>),
    /// Ordered by (triage class, key, sequence), where the key is the
    /// deadline or the arrival time, compared as order-preserving bits.
    Ranked { heap: BinaryHeap<Reverse<RankedEntry>>, seq: u64, by_deadline: bool },
}

/// (class, key bits, sequence, item, generation).
type RankedEntry = (u8, u64, u64, u32, u32);

/// Order-preserving bits of an f64: negative values first.
#[inline]
fn ordered_bits(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

#[inline]
fn from_ordered_bits(b: u64) -> f64 {
    f64::from_bits(if b >> 63 == 1 { b & !(1 << 63) } else { !b })
}

impl FlowQueue {
    pub fn new(order: QueueOrder, triage: bool) -> FlowQueue {
        match (order, triage) {
            (QueueOrder::Fifo, false) => FlowQueue::Fifo(VecDeque::new()),
            (order, _) => {
                FlowQueue::Ranked { heap: BinaryHeap::new(), seq: 0, by_deadline: order == QueueOrder::Deadline }
            }
        }
    }

    #[inline]
    pub fn push(&mut self, id: u32, generation: u32, item: &Item) {
        match self {
            FlowQueue::Fifo(q) => q.push_back((item.arrived, id, generation)),
            FlowQueue::Ranked { heap, seq, by_deadline } => {
                let key = if *by_deadline { item.deadline } else { item.arrived };
                heap.push(Reverse((item.class, ordered_bits(key), *seq, id, generation)));
                *seq += 1;
            }
        }
    }

    /// Put an item back at the front (FIFO) after its worker left.
    pub fn push_front(&mut self, id: u32, generation: u32, item: &Item) {
        match self {
            FlowQueue::Fifo(q) => q.push_front((item.arrived, id, generation)),
            FlowQueue::Ranked { .. } => self.push(id, generation, item),
        }
    }

    /// Drop withdrawn entries from the head.
    #[inline]
    pub fn clean(&mut self, items: &Items) {
        match self {
            FlowQueue::Fifo(q) => {
                while let Some(&(_, id, g)) = q.front() {
                    if items.generation(id) == g {
                        break;
                    }
                    q.pop_front();
                }
            }
            FlowQueue::Ranked { heap, .. } => {
                while let Some(&Reverse((_, _, _, id, g))) = heap.peek() {
                    if items.generation(id) == g {
                        break;
                    }
                    heap.pop();
                }
            }
        }
    }

    /// The head item's (class, key): its triage class and its deadline or
    /// arrival time. Call `clean` first.
    #[inline]
    pub fn head(&self) -> Option<(u8, f64)> {
        match self {
            FlowQueue::Fifo(q) => q.front().map(|&(t, _, _)| (0, t)),
            FlowQueue::Ranked { heap, .. } => heap.peek().map(|Reverse((c, k, _, _, _))| (*c, from_ordered_bits(*k))),
        }
    }

    #[inline]
    pub fn pop(&mut self) -> Option<u32> {
        match self {
            FlowQueue::Fifo(q) => q.pop_front().map(|(_, id, _)| id),
            FlowQueue::Ranked { heap, .. } => heap.pop().map(|Reverse((_, _, _, id, _))| id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_bits_sort_like_numbers() {
        let values = [-1e9, -3.5, -0.0, 0.0, 1e-300, 2.0, 7.5e10, f64::INFINITY];
        for w in values.windows(2) {
            assert!(ordered_bits(w[0]) <= ordered_bits(w[1]), "{} {}", w[0], w[1]);
        }
        for v in values {
            assert_eq!(from_ordered_bits(ordered_bits(v)), v);
        }
    }
}
