//! Same seed, same numbers, whatever the thread count; other seeds differ.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use caseflow::results::RepResult;
use caseflow::runner::{self, Control, RunConfig, Sink};
use caseflow::stats::Aggregate;

use crate::conservation::NETWORK;
use crate::harness::{caseflow, model, read_dir_bytes, scratch_dir};

#[test]
fn aggregates_are_identical_for_any_thread_count() {
    let m = model(NETWORK);
    let run =
        |threads| runner::run(&m, &RunConfig { replications: 24, seed: 77, threads: Some(threads) }, &|| {}).unwrap();
    let one = run(1);
    assert_eq!(one.replications, 24);
    for threads in [2, 3, 8] {
        assert!(run(threads) == one, "{threads} threads gave different results from 1 thread");
    }
}

/// The page's runs refine as batches finish; the last aggregate is the
/// plain run's, whatever the batches and threads, and each batch's
/// aggregate is that of a plain run of as many replications.
#[test]
fn results_that_refine_by_batches_end_as_the_plain_run() {
    let m = model(NETWORK);
    let cfg = |threads| RunConfig { replications: 37, seed: 5, threads: Some(threads) };
    let plain = runner::run(&m, &cfg(1), &|| {}).unwrap();
    for (ends, threads) in [(&[3u64, 10, 20][..], 2), (&[1u64][..], 3), (&[][..], 1)] {
        let mut seen = Vec::new();
        let stop = AtomicBool::new(false);
        let last = runner::run_in_batches(
            &m,
            &cfg(threads),
            ends,
            &mut |agg| seen.push(agg.clone()),
            Control { progress: &|| {}, stop: &stop },
        )
        .unwrap();
        assert!(last == plain, "batches {ends:?} on {threads} threads");
        assert_eq!(seen.last(), Some(&plain));
        let first = &seen[0];
        let partial = runner::run(&m, &RunConfig { replications: first.replications, ..cfg(1) }, &|| {}).unwrap();
        assert!(*first == partial, "the first batch is a plain run of {} replications", first.replications);
    }
}

/// An aggregate that keeps count of how many are alive at once.
struct Counted<'a> {
    agg: Aggregate,
    alive: &'a AtomicUsize,
}

impl<'a> Counted<'a> {
    fn new(agg: Aggregate, alive: &'a AtomicUsize, most: &'a AtomicUsize) -> Counted<'a> {
        let now = alive.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(now, Ordering::SeqCst);
        Counted { agg, alive }
    }
}

/// Only the small aggregates of the threads are added to: the total is
/// only merged into.
impl Sink for Counted<'_> {
    type Item = RepResult;

    fn add(&mut self, r: RepResult) {
        assert!(self.agg.replications < runner::FLUSH, "an aggregate added to holds {}", self.agg.replications);
        self.agg.add(&r);
    }

    fn merge(mut self, mut other: Self) -> Self {
        let empty = || Aggregate::new(0, 0, 0, 0);
        let (a, b) = (std::mem::replace(&mut self.agg, empty()), std::mem::replace(&mut other.agg, empty()));
        self.agg = a.merge(b);
        self
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.alive.fetch_sub(1, Ordering::SeqCst);
    }
}

#[test]
fn a_run_keeps_a_total_and_one_small_aggregate_per_thread_whatever_the_replications() {
    // Memory must not grow with the number of aggregates alive, nor with
    // what each holds: rayon's own fold starts one for every piece it
    // splits the replications into, each growing with its piece.
    let m = model(NETWORK);
    let one = runner::run(&m, &RunConfig { replications: 300, seed: 3, threads: Some(1) }, &|| {}).unwrap();
    for threads in [1, 2, 3] {
        let (alive, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let new = || Counted::new(Aggregate::for_model(&m), &alive, &most);
        let cfg = RunConfig { replications: 300, seed: 3, threads: Some(threads) };
        let ctl = Control { progress: &|| {}, stop: &AtomicBool::new(false) };
        let total = runner::fold(&m, &cfg, new, ctl).unwrap();
        assert!(total.agg == one, "{threads} threads gave different results from 1 thread");
        drop(total);
        let most = most.into_inner();
        assert!(most <= threads + 1, "{most} aggregates alive at once on {threads} threads");
    }
}

#[test]
fn output_files_are_byte_identical_for_any_thread_count() {
    let scenario = format!("{}/scenarios/quickstart.toml", env!("CARGO_MANIFEST_DIR"));
    let mut outputs = Vec::new();
    for threads in ["1", "3"] {
        let out = scratch_dir(&format!("threads-{threads}"));
        let status =
            caseflow(&["run", &scenario, "-n", "40", "--seed", "5", "--threads", threads, "--quiet", "--out"], &out);
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        outputs.push(read_dir_bytes(&out.join("quickstart")));
    }
    assert!(outputs[0].len() >= 29, "expected tables, charts, reports and the manifest, got {:?}", outputs[0].keys());
    assert_eq!(outputs[0].keys().collect::<Vec<_>>(), outputs[1].keys().collect::<Vec<_>>());
    for (name, bytes) in &outputs[0] {
        assert!(bytes == &outputs[1][name], "{name} differs between 1 and 3 threads");
    }
}

#[test]
fn different_seeds_give_different_numbers() {
    let m = model(NETWORK);
    let run = |seed| runner::run(&m, &RunConfig { replications: 4, seed, threads: None }, &|| {}).unwrap();
    let (a, b) = (run(1), run(2));
    assert!(a.flow_periods != b.flow_periods);
    assert!(a.events != b.events);
}
