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
use caseflow::scenario;

/// scenarios/mm20.toml with its horizon set to `days`.
fn mm20(days: u32) -> Model {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/mm20.toml");
    let text = std::fs::read_to_string(path).expect("the shipped M/M/20 scenario");
    assert!(text.contains("\ndays = 1000\n"), "the M/M/20 horizon line moved");
    scenario::parse(&text.replace("\ndays = 1000\n", &format!("\ndays = {days}\n")), path).expect("valid M/M/20")
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
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/halton-2015-baseline.toml");
    let text = std::fs::read_to_string(path).expect("the shipped baseline");
    assert!(text.contains("\nyears = 3"), "the baseline's horizon line moved");
    scenario::parse(&text.replace("\nyears = 3", "\nyears = 5"), path).expect("valid baseline")
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
