//! The staffing search: it finds what queueing theory says, more BIAs
//! never make DoLS worse on the shipped baseline, and targets read as
//! written or are refused with a reason.

use std::path::Path;

use caseflow::compare::run_paired;
use caseflow::results::RequestKpi;
use caseflow::runner::RunConfig;
use caseflow::scenario::{self, Change};
use caseflow::staff::{self, Dim, Plan};

use crate::harness::{caseflow, scratch_dir};
use crate::queueing::mmc_wq;

/// An M/M/c queue: servers work around the clock on one item at a time.
fn mmc(lambda: f64) -> String {
    format!(
        r#"[scenario]
name = "mmc"
start = 2000-01-01
days = 4000
warmup_days = 100
period = "year"

[[flows]]
name = "work"
effort_hours = {{ dist = "exponential", mean = 24 }}
arrivals = {{ per_day = {lambda} }}

[[roles]]
name = "server"
count = 30
hours_per_week = 168
caseload_cap = 1
skills = ["work"]
"#
    )
}

/// The smallest c whose Erlang C mean wait is at most `w`.
fn erlang_minimum(lambda: f64, w: f64) -> u32 {
    (1..200).find(|&c| c as f64 > lambda && mmc_wq(c, lambda, 1.0) <= w).expect("a c")
}

#[test]
fn the_search_finds_erlang_cs_smallest_number_of_servers() {
    for (lambda, w) in [(18.0, 0.5), (5.0, 0.25)] {
        let c = erlang_minimum(lambda, w);
        // The target sits well between c - 1 and c, so chance cannot flip it.
        assert!(mmc_wq(c - 1, lambda, 1.0) > 1.3 * w && mmc_wq(c, lambda, 1.0) < w / 1.3, "a fair test at {lambda}");
        let dir = scratch_dir(&format!("search-mmc-{lambda}"));
        let path = dir.join("mmc.toml");
        std::fs::write(&path, mmc(lambda)).unwrap();
        let model = scenario::load(&path).unwrap().model;
        let lo = lambda.ceil() as u32 + 1;
        let plan = Plan {
            scenario: scenario::Source::File(path.clone()),
            base: Vec::new(),
            dims: vec![format!("roles.server.count={lo}..{}", lo + 12).parse::<Dim>().unwrap()],
            targets: staff::targets(
                &[format!("work.mean_wait_days <= {w} with probability 0.5").parse().unwrap()],
                None,
                &model,
            )
            .unwrap(),
            coarse: 12,
            confirm: 24,
            seed: 3,
            threads: None,
            now: None,
        };
        let out = staff::run(&plan, &model, &|_| {}, &std::sync::atomic::AtomicBool::new(false)).unwrap();
        let answer = &out.evaluated[out.answer.expect("an answer")];
        assert_eq!(answer.values[0] as u32, c, "Erlang C says {c} servers for a mean wait of {w} at {lambda} a day");
        assert!(out.evaluated.len() < 13, "cheaper than the grid: {} evaluations", out.evaluated.len());
        assert!(out.not_monotone.is_empty(), "{:?}", out.not_monotone);
    }
}

#[test]
fn more_social_worker_bias_never_lower_standard_dols_decided_within_21_days() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/halton-2015-baseline.toml");
    let with = |fte: f64| {
        let changes = [
            Change::set("roles.social_worker_bia.fte", fte),
            Change::set("scenario.name", format!("bia-{fte}")),
            Change::set("scenario.years", 2),
        ];
        scenario::load_with(&path, &changes).unwrap().model
    };
    let models = [with(13.0), with(16.0), with(19.0), with(22.0)];
    let refs: Vec<&caseflow::model::Model> = models.iter().collect();
    let cfg = RunConfig { replications: 24, seed: 8, threads: None };
    let paired = run_paired(&refs, &cfg, None, &|| {}).unwrap();
    let r = models[0].request_id("standard_dols").unwrap();
    let within: Vec<f64> =
        paired.aggregates.iter().map(|a| a.request_kpi(r, RequestKpi::WithinDeadlinePct).mean()).collect();
    eprintln!("standard DoLS within 21 days with 13, 16, 19, 22 BIAs: {within:?}");
    for w in within.windows(2) {
        assert!(w[1] >= w[0] - 0.5, "more BIAs made it worse: {within:?}");
    }
    assert!(within[3] > within[0] + 10.0, "BIAs are what limits it at 13: {within:?}");
}

#[test]
fn targets_read_as_written_or_are_refused_with_a_reason() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/halton-2015-baseline.toml");
    let m = scenario::load(&path).unwrap().model;
    let t = staff::target::parse("standard_dols.within_deadline >= 80% at month 12 with probability 0.9", &m).unwrap();
    assert_eq!((t.value, t.probability, t.month), (80.0, 0.9, Some(12)));
    assert!(t.label.contains("% completed within the deadline in month 12"), "{}", t.label);
    let t = staff::target::parse("total.backlog <= 50 at month 12", &m).unwrap();
    assert_eq!(t.probability, staff::target::DEFAULT_PROBABILITY);
    let t = staff::target::parse("needs_assessment.p90_wait <= 28", &m).unwrap();
    assert!(t.met_by(28.0) && !t.met_by(29.0));
    for (bad, why) in [
        ("standard_dols.within_deadline 80%", "no comparison"),
        ("standard.within_deadline >= 80%", "nothing in the scenario is called 'standard'"),
        ("standard_dols.speed >= 80%", "has no measure 'speed'"),
        ("standard_dols.within_deadline >= lots", "is not a number"),
        ("standard_dols.within_deadline >= 80% at month 40", "after the scenario's 36 months"),
        ("standard_dols.within_deadline >= 80% with probability 2", "between 0 and 1"),
        ("standard_dols.within_deadline >= 80% by Friday", "did not understand"),
    ] {
        let e = staff::target::parse(bad, &m).unwrap_err();
        assert!(e.contains(why), "{bad}: wanted '{why}', got {e}");
    }
}

#[test]
fn when_nothing_in_range_meets_the_targets_the_report_says_what_stops_it() {
    let out = scratch_dir("staff-none");
    let q = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    let run = caseflow(
        &[
            "staff",
            q.to_str().unwrap(),
            "--vary",
            "roles.occupational_therapist.fte=1..2",
            "--target",
            "needs_assessment.within_deadline >= 99%",
            "-n",
            "10",
            "--confirm",
            "10",
            "--out",
        ],
        &out,
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("Nothing in the range meets every target"), "{stdout}");
    // In the reports' words, not the file's keys.
    assert!(stdout.contains("The closest is occupational therapist (FTE) 2"), "{stdout}");
    assert!(!stdout.contains("roles.occupational_therapist"), "{stdout}");
    // The cost of the role searched and the change against the scenario as it stands.
    assert!(stdout.contains("occupational therapist cost £"), "{stdout}");
    assert!(stdout.contains("against the scenario as it stands, that is -£"), "{stdout}");
    let dir = out.join("staff-quickstart");
    for f in ["staff.html", "staff.md", "candidates.csv", "charts/frontier.png"] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    // candidates.csv holds numbers only.
    let mut csv = csv::Reader::from_path(dir.join("candidates.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == "change_in_cost_a_year_p50"), "{header:?}");
    let mut rows = 0;
    for row in csv.records() {
        for (h, cell) in header.iter().zip(row.unwrap().iter()) {
            assert!(cell.is_empty() || cell.parse::<f64>().is_ok(), "{h}: '{cell}' is not a number");
        }
        rows += 1;
    }
    assert!(rows >= 2, "candidates evaluated");
    let bad = caseflow(
        &["staff", q.to_str().unwrap(), "--vary", "roles.nobody.fte=1..2", "--target", "total.cost <= 1", "--out"],
        &out,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no role called 'nobody'"));
}
