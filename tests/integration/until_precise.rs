//! Replications until precise: the same seed stops at the same count and
//! gives the same figures whatever the threads; it stops at the first
//! batch that is precise, or at the cap; and a plain run of that count
//! reproduces it.

use caseflow::precision::{self, BATCH, Measure, Reached};
use caseflow::results::{FlowKpi, RequestKpi, TotalMetric};
use caseflow::runner::{self, Control, RunConfig, Until};
use caseflow::scenario;
use std::sync::atomic::AtomicBool;

use crate::conservation::NETWORK;
use crate::harness::{caseflow, model, read_dir_bytes, scratch_dir};

fn precise(m: &caseflow::model::Model, until: Until, threads: usize) -> (caseflow::stats::Aggregate, Reached) {
    let headline = precision::headline(m);
    let ctl = Control { progress: &|| {}, stop: &AtomicBool::new(false) };
    runner::run_precise(m, 9, Some(threads), until, &headline, &|_| {}, ctl).unwrap()
}

#[test]
fn the_same_seed_stops_at_the_same_count_whatever_the_threads() {
    let m = model(NETWORK);
    let until = Until { tolerance: 0.05, max_replications: 5_000 };
    let (one, reached) = precise(&m, until, 1);
    assert!(reached.within(0.05), "{reached:?}");
    assert_eq!(one.replications % BATCH, 0);
    assert!(one.replications > BATCH, "5% should take more than one batch here: {reached:?}");
    for threads in [2, 3] {
        let (agg, r) = precise(&m, until, threads);
        assert_eq!(r, reached, "{threads} threads stopped elsewhere");
        assert!(agg == one, "{threads} threads gave different figures");
    }
    // A plain run of the same count is the same run.
    let plain =
        runner::run(&m, &RunConfig { replications: one.replications, seed: 9, threads: Some(2) }, &|| {}).unwrap();
    assert!(plain == one);
    // ... and one batch fewer was not yet precise: it stops at the first batch that is.
    let fewer = RunConfig { replications: one.replications - BATCH, seed: 9, threads: None };
    let before = Reached::of(&precision::headline(&m), &runner::run(&m, &fewer, &|| {}).unwrap());
    assert!(!before.within(0.05), "{before:?}");
}

#[test]
fn a_run_that_cannot_be_precise_stops_at_the_cap() {
    let m = model(NETWORK);
    let (agg, reached) = precise(&m, Until { tolerance: 0.0001, max_replications: 250 }, 2);
    assert_eq!(agg.replications, 250, "the last batch is cut to the cap");
    assert!(!reached.within(0.0001));
    assert!(reached.limiting.is_some());
}

#[test]
fn the_headline_measures_are_the_documented_set() {
    let s = scenario::load("scenarios/halton-2015-baseline.toml".as_ref()).unwrap();
    let m = &s.model;
    let list = precision::headline(m);
    for (r, _) in m.requests.iter().enumerate() {
        assert!(list.iter().any(|h| h.measure == Measure::Request(r, RequestKpi::WithinDeadlinePct)));
        // The mean days the run's headline quotes: to completion, decided or closed.
        assert!(list.iter().any(|h| h.measure == Measure::Request(r, RequestKpi::MeanDaysToCompletion)));
    }
    for (f, _) in m.flows.iter().enumerate() {
        assert!(list.iter().any(|h| h.measure == Measure::Flow(f, FlowKpi::WaitingAtEnd)));
    }
    assert!(list.iter().any(|h| h.measure == Measure::Total(TotalMetric::DolsOpen)));
    assert!(list.iter().any(|h| h.measure == Measure::Total(TotalMetric::CostTotal)));
    assert!(list.iter().any(|h| h.key == "standard_dols.within_deadline_pct"), "{list:?}");
    // No DoLS work, no DoLS backlog among the headline measures.
    let q = scenario::load("scenarios/quickstart.toml".as_ref()).unwrap().model;
    assert!(!precision::headline(&q).iter().any(|h| h.measure == Measure::Total(TotalMetric::DolsOpen)));
}

#[test]
fn a_mean_near_zero_is_judged_against_its_floor() {
    // Two replications: 0 and 1 waiting at the end. Relative to a mean of
    // 0.5 the interval is enormous; relative to the floor of 10 items it is
    // what it is, about 1 in 10.
    let m = model(NETWORK);
    let mut agg = caseflow::stats::Aggregate::for_model(&m);
    let h = precision::headline(&m)
        .into_iter()
        .find(|h| matches!(h.measure, Measure::Flow(0, FlowKpi::WaitingAtEnd)))
        .unwrap();
    let mut r = caseflow::engine::simulate(&m, 1, 0);
    for waiting in [0.0, 1.0] {
        r.flow_kpis[FlowKpi::WaitingAtEnd as usize] = waiting;
        agg.add(&r);
    }
    let band = h.band(&agg);
    let expected = band.ci95() / precision::FLOOR_ITEMS;
    assert_eq!(h.relative_half_width(&agg), Some(expected));
    assert!(expected < band.ci95() / 0.5);
}

#[test]
fn the_command_reports_the_count_and_a_plain_run_of_it_reproduces_the_tables() {
    let out = scratch_dir("precision-cli");
    let run = caseflow(
        &["run", "scenarios/quickstart.toml", "--precision", "5%", "--seed", "4", "-j", "2", "--out"],
        &out.join("precise"),
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let record: toml::Table =
        std::fs::read_to_string(out.join("precise/quickstart/run.toml")).unwrap().parse().unwrap();
    let n = record["replications"].as_integer().unwrap();
    let p = &record["precision"];
    assert_eq!(p["tolerance_pct"].as_float(), Some(5.0));
    assert!(p["reached_pct"].as_float().unwrap() <= 5.0, "{p}");
    assert_eq!(p["precise"].as_bool(), Some(true));
    assert!(stdout.contains(&format!("Ran {n} replications")), "{stdout}");
    assert!(stdout.contains(&format!("--replications {n} --seed 4 reproduces them")), "{stdout}");
    let md = std::fs::read_to_string(out.join("precise/quickstart/report.md")).unwrap();
    assert!(md.contains("known within ±5%"), "{md}");
    assert!(md.contains(&format!("caseflow run scenarios/quickstart.toml --replications {n} --seed 4")), "{md}");

    let plain = caseflow(
        &["run", "scenarios/quickstart.toml", "-n", &n.to_string(), "--seed", "4", "-j", "1", "--quiet", "--out"],
        &out.join("plain"),
    );
    assert!(plain.status.success(), "{}", String::from_utf8_lossy(&plain.stderr));
    let (a, b) = (read_dir_bytes(&out.join("precise/quickstart")), read_dir_bytes(&out.join("plain/quickstart")));
    let tables: Vec<&String> = a.keys().filter(|k| k.ends_with(".csv") || k.ends_with(".parquet")).collect();
    assert!(tables.len() >= 16, "{tables:?}");
    for name in tables {
        assert!(a[name] == b[name], "{name} differs between --precision and --replications {n}");
    }
}

#[test]
fn flags_that_do_not_go_together_are_refused() {
    let out = scratch_dir("precision-flags");
    let cases: [(&[&str], &str); 5] = [
        (
            &["run", "scenarios/quickstart.toml", "--precision", "2%", "-n", "500"],
            "either --replications 500 or --precision",
        ),
        (
            &["run", "scenarios/quickstart.toml", "--max-replications", "500"],
            "--max-replications caps a run until precise",
        ),
        (
            &["run", "scenarios/quickstart.toml", "--replications", "auto", "--shard", "1/3"],
            "--shard needs a fixed number",
        ),
        (
            &["compare", "scenarios/quickstart.toml", "scenarios/quickstart.toml", "--replications", "auto"],
            "--replications auto is for caseflow run",
        ),
        (&["run", "scenarios/quickstart.toml", "--precision", "0"], "expected a percentage"),
    ];
    for (args, message) in cases {
        let o = caseflow(&[args, &["--out"]].concat(), &out);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "nothing written");
}
