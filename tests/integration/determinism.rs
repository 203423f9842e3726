//! Same seed, same numbers, whatever the thread count; other seeds differ.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use caseflow::runner::{self, RunConfig};
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

#[test]
fn a_run_keeps_at_most_one_aggregate_per_thread_whatever_the_replications() {
    // Memory must not grow with the number of aggregates alive: rayon's
    // own fold starts one for every piece it splits the replications into.
    let m = model(NETWORK);
    let one = runner::run(&m, &RunConfig { replications: 200, seed: 3, threads: Some(1) }, &|| {}).unwrap();
    for threads in [1, 2, 3] {
        let made = AtomicUsize::new(0);
        let empty = || {
            made.fetch_add(1, Ordering::SeqCst);
            Aggregate::for_model(&m)
        };
        let cfg = RunConfig { replications: 200, seed: 3, threads: Some(threads) };
        let stop = AtomicBool::new(false);
        let agg = runner::fold(&m, &cfg, empty, |a, r| a.add(&r), Aggregate::merge, &|| {}, &stop).unwrap();
        let made = made.into_inner();
        assert!((1..=threads).contains(&made), "{made} aggregates for 200 replications on {threads} threads");
        assert!(agg == one, "{threads} threads gave different results from 1 thread");
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
