//! Engine throughput: `cargo bench --bench engine`.
//!
//! - `mm20/one_replication`: scenarios/mm20.toml (M/M/20, lambda = 18,
//!   mu = 1) with T = 100,000 days
//!   (about 1.8 million customers, 3.6 million events) on one thread;
//!   criterion's "thrpt" is events per second.
//! - `limit/mm20_hand_written`: the same queue as a minimal hand-written
//!   event loop (a binary heap of times, a FIFO of arrival times, a count
//!   of busy servers), with the engine's own random number generator and
//!   the same horizon: the practical speed limit, measured in the same
//!   sitting, so the ratio of the two throughputs is the figure to quote.
//! - `mm20_1000_reps/threads_N`: 1,000 replications with T = 1,000 on N
//!   threads; "thrpt" is replications per second.
//! - `halton_baseline_5y/...`: scenarios/halton-2015-baseline.toml run for
//!   five years instead of three: one replication on one thread (events
//!   per second) and 100 replications on every core (replications per
//!   second).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use caseflow::engine::simulate;
use caseflow::model::Model;
use caseflow::runner::{self, RunConfig};
use caseflow::scenario::{self, Change};

/// A shipped scenario (a file in scenarios/) with `changes` on top.
fn shipped(file: &str, changes: &[Change]) -> Model {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
    scenario::load_with(&path, changes).unwrap_or_else(|e| panic!("{file}:\n{e}")).model
}

/// scenarios/mm20.toml with its horizon set to `days`.
fn mm20(days: u32) -> Model {
    shipped("mm20.toml", &[Change::set("scenario.days", days)])
}

fn one_replication(c: &mut Criterion) {
    let model = mm20(100_000);
    let events = simulate(&model, 1, 0).events;
    let mut g = c.benchmark_group("mm20");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("one_replication", |b| b.iter(|| simulate(&model, 1, 0).events));
    g.finish();
}

/// M/M/20 (arrivals 18 a day, service mean 1 day) with nothing around it.
/// Returns the events handled and the mean wait, so neither is optimised away.
fn hand_written_mm20(horizon: f64, seed: u64) -> (u64, f64) {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Exp};
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, VecDeque};

    /// Time as order-preserving bits (times are non-negative), and whether
    /// the event is a departure.
    type Key = Reverse<(u64, bool)>;
    let key = |t: f64, departure: bool| -> Key { Reverse((t.to_bits(), departure)) };
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let (arrival, service) = (Exp::new(18.0).unwrap(), Exp::new(1.0).unwrap());
    let mut heap: BinaryHeap<Key> = BinaryHeap::with_capacity(64);
    let mut queue: VecDeque<f64> = VecDeque::with_capacity(1024);
    let (mut busy, mut events, mut waits, mut wait_sum) = (0usize, 0u64, 0u64, 0.0);
    heap.push(key(arrival.sample(&mut rng), false));
    while let Some(Reverse((bits, departure))) = heap.pop() {
        let now = f64::from_bits(bits);
        if now > horizon {
            break;
        }
        events += 1;
        if !departure {
            heap.push(key(now + arrival.sample(&mut rng), false));
            if busy < 20 {
                busy += 1;
                waits += 1;
                heap.push(key(now + service.sample(&mut rng), true));
            } else {
                queue.push_back(now);
            }
        } else if let Some(arrived) = queue.pop_front() {
            waits += 1;
            wait_sum += now - arrived;
            heap.push(key(now + service.sample(&mut rng), true));
        } else {
            busy -= 1;
        }
    }
    (events, wait_sum / waits as f64)
}

fn limit(c: &mut Criterion) {
    let (events, wait) = hand_written_mm20(100_000.0, 1);
    // Erlang C's mean wait for M/M/20 at load 0.9 is 0.275 days.
    assert!((wait - 0.275).abs() < 0.03, "the hand-written loop is not M/M/20: mean wait {wait}");
    let mut g = c.benchmark_group("limit");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("mm20_hand_written", |b| b.iter(|| hand_written_mm20(100_000.0, 1).0));
    g.finish();
}

fn many_replications(c: &mut Criterion) {
    let model = mm20(1_000);
    let mut g = c.benchmark_group("mm20_1000_reps");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1_000));
    for threads in [1, 2] {
        let cfg = RunConfig { replications: 1_000, seed: 1, threads: Some(threads) };
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| runner::run(&model, &cfg, &|| {}).expect("run").replications)
        });
    }
    g.finish();
}

/// The shipped baseline with its horizon set to five years.
fn halton_5y() -> Model {
    shipped("halton-2015-baseline.toml", &[Change::set("scenario.years", 5)])
}

fn halton_baseline(c: &mut Criterion) {
    let model = halton_5y();
    let mut g = c.benchmark_group("halton_baseline_5y");
    g.sample_size(10);
    g.throughput(Throughput::Elements(simulate(&model, 1, 0).events));
    g.bench_function("one_replication", |b| b.iter(|| simulate(&model, 1, 0).events));
    g.throughput(Throughput::Elements(100));
    let cfg = RunConfig { replications: 100, seed: 1, threads: None };
    g.bench_function("100_replications", |b| b.iter(|| runner::run(&model, &cfg, &|| {}).expect("run").replications));
    g.finish();
}

criterion_group!(benches, one_replication, limit, many_replications, halton_baseline);
criterion_main!(benches);
