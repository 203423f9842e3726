//! Engine throughput: `cargo bench --bench engine`.
//!
//! - `mm20/one_replication`: scenarios/mm20.toml (M/M/20, lambda = 18,
//!   mu = 1) with T = 100,000 days
//!   (about 1.8 million customers, 3.6 million events) on one thread;
//!   criterion's "thrpt" is events per second.
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

criterion_group!(benches, one_replication, many_replications, halton_baseline);
criterion_main!(benches);
