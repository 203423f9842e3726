//! Items of work and the per-flow queues they wait in.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::streams::Stream;
use crate::model::QueueOrder;

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
    /// Engine time of the deadline; infinity when the flow has none.
    pub deadline: f64,
    pub effort: f64,
    /// Least elapsed days the work takes; 0 for as fast as hours allow.
    pub duration: f64,
    /// This item's own random draws (effort, routing, delays, children),
    /// so the same arrival has the same fate whatever the staffing.
    pub rng: Stream,
}

/// A slab of items with a free list, so item ids stay small and memory is
/// reused as work completes.
#[derive(Debug, Default)]
pub(crate) struct Items {
    items: Vec<Item>,
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
            (self.items.len() - 1) as u32
        }
    }

    #[inline]
    pub fn remove(&mut self, id: u32) {
        self.items[id as usize].state = State::Free;
        self.free.push(id);
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
}

/// Waiting items of one flow, in the flow's allocation order.
#[derive(Debug)]
pub(crate) enum FlowQueue {
    Fifo(VecDeque<(f64, u32)>),
    /// Keyed by (deadline bits, sequence); deadlines are non-negative.
    Deadline(BinaryHeap<Reverse<(u64, u64, u32)>>, u64),
}

impl FlowQueue {
    pub fn new(order: QueueOrder) -> FlowQueue {
        match order {
            QueueOrder::Fifo => FlowQueue::Fifo(VecDeque::new()),
            QueueOrder::Deadline => FlowQueue::Deadline(BinaryHeap::new(), 0),
        }
    }

    #[inline]
    pub fn push(&mut self, id: u32, item: &Item) {
        match self {
            FlowQueue::Fifo(q) => q.push_back((item.arrived, id)),
            FlowQueue::Deadline(h, seq) => {
                h.push(Reverse((item.deadline.to_bits(), *seq, id)));
                *seq += 1;
            }
        }
    }

    /// The head item and its allocation key (arrival or deadline time).
    #[inline]
    pub fn head(&self) -> Option<(f64, u32)> {
        match self {
            FlowQueue::Fifo(q) => q.front().map(|&(t, id)| (t, id)),
            FlowQueue::Deadline(h, _) => h.peek().map(|Reverse((d, _, id))| (f64::from_bits(*d), *id)),
        }
    }

    #[inline]
    pub fn pop(&mut self) -> Option<u32> {
        match self {
            FlowQueue::Fifo(q) => q.pop_front().map(|(_, id)| id),
            FlowQueue::Deadline(h, _) => h.pop().map(|Reverse((_, _, id))| id),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            FlowQueue::Fifo(q) => q.len(),
            FlowQueue::Deadline(h, _) => h.len(),
        }
    }
}
