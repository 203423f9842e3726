//! Regressions from the adversarial review (issue 13): reports are never
//! lost or mixed, nothing runs out of memory, hangs or panics, and every
//! message tells the truth. Each test is named after what it guards.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use caseflow::backtest::{self, BacktestError, BacktestOptions};
use caseflow::error::Error;
use caseflow::runner::RunError;
use caseflow::scenario::{self, Change};
use caseflow::sizing::{Estimate, Limits, Over};

use crate::harness::{read_dir_bytes, scratch_dir, sets};

const QUICKSTART: &str = "scenarios/quickstart.toml";

/// Run the binary in the crate root.
fn cf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("caseflow runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The quickstart scenario's text with changes on top, as a model or the
/// problems it has.
fn quickstart(changes: &[&str]) -> Result<caseflow::model::Model, caseflow::scenario::ScenarioError> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(QUICKSTART)).unwrap();
    scenario::parse_with(&text, "quickstart.toml", &sets(changes))
}

fn refused(changes: &[&str], path: &str, message: &str) {
    match quickstart(changes) {
        Ok(_) => panic!("{changes:?} was accepted"),
        Err(e) => assert!(e.mentions(path, message), "{changes:?}: expected {path}: {message}, got\n{e}"),
    }
}

/// Hidden folders a run left beside its report.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

fn seeds_in(dir: &Path) -> Vec<String> {
    let mut seeds: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .flat_map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            // The stamp: scenario, seed, replications, version.
            text.lines().skip(1).map(|l| l.split(',').nth(1).unwrap_or("").to_string()).collect::<Vec<_>>()
        })
        .collect();
    seeds.sort();
    seeds.dedup();
    seeds
}

// 1. Reports are written whole, and replaced only with --force.

#[test]
fn an_existing_report_is_refused_without_force_and_replaced_whole_with_it() {
    let out = scratch_dir("hardening-force");
    let o = out.to_str().unwrap();
    let first = cf(&["run", QUICKSTART, "-n", "4", "--quiet", "--out", o]);
    assert!(first.status.success(), "{}", stderr(&first));
    let stale = out.join("quickstart/charts/from-an-earlier-scenario.png");
    std::fs::write(&stale, b"stale").unwrap();

    let again = cf(&["run", QUICKSTART, "-n", "4", "--quiet", "--out", o]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("already exists; add --force to replace it"), "{}", stderr(&again));
    assert!(stale.exists(), "a refused run must not touch the report");

    let forced = cf(&["run", QUICKSTART, "-n", "4", "--seed", "9", "--quiet", "--force", "--out", o]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(!stale.exists(), "--force replaces the folder whole: no stale chart is left");
    assert_eq!(seeds_in(&out.join("quickstart")), ["9"]);
    assert!(leftovers(&out).is_empty(), "hidden folders left: {:?}", leftovers(&out));
}

#[test]
fn force_never_replaces_a_folder_that_is_not_a_report() {
    let out = scratch_dir("hardening-not-a-report");
    std::fs::create_dir_all(out.join("quickstart")).unwrap();
    std::fs::write(out.join("quickstart/letter.txt"), "keep me").unwrap();
    let o = cf(&["run", QUICKSTART, "-n", "2", "--force", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a caseflow report folder"), "{}", stderr(&o));
    assert!(out.join("quickstart/letter.txt").exists());
}

#[test]
fn concurrent_runs_into_one_folder_never_mix_their_files() {
    let out = scratch_dir("hardening-concurrent");
    let spawn = |seed: &str| {
        Command::new(env!("CARGO_BIN_EXE_caseflow"))
            .args(["run", QUICKSTART, "-n", "300", "--seed", seed, "--quiet", "--out", out.to_str().unwrap()])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("1"), spawn("2"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let codes = [a.status.code(), b.status.code()];
    assert!(codes.contains(&Some(0)), "one run finishes: {codes:?}\n{}\n{}", stderr(&a), stderr(&b));
    // The other is refused up front (2), or finds the first's report when it
    // finishes (1) and keeps its own aside, saying where.
    let loser = if a.status.success() { &b } else { &a };
    assert!(matches!(loser.status.code(), Some(1 | 2)), "{}", stderr(loser));
    let said = stderr(loser);
    assert!(said.contains("already exists") || said.contains("written by another caseflow run"), "{said}");
    let dir = out.join("quickstart");
    let seeds = seeds_in(&dir);
    assert_eq!(seeds.len(), 1, "tables from both runs in one folder: {seeds:?}");
    let manifest = std::fs::read_to_string(dir.join("run.toml")).unwrap();
    assert!(manifest.contains(&format!("seed = {}", seeds[0])), "run.toml disagrees with the tables");
}

#[test]
fn ctrl_c_stops_the_run_says_so_and_leaves_nothing_half_written() {
    let out = scratch_dir("hardening-ctrl-c");
    let child = Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(["run", QUICKSTART, "-n", "1000000", "--yes", "--out", out.to_str().unwrap()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it is simulating (its hidden folder exists).
    let started = Instant::now();
    while leftovers(&out).is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let waited = Instant::now();
    let o = child.wait_with_output().unwrap();
    assert!(waited.elapsed() < Duration::from_secs(20), "took {:?} to stop", waited.elapsed());
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("stopped by Ctrl-C: nothing was written"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "left behind: {:?}", leftovers(&out));
}

#[test]
fn history_files_are_refused_without_force_and_written_whole() {
    let out = scratch_dir("hardening-history");
    let prefix = out.join("synthetic");
    let args = ["history", "scenarios/synthetic-council.toml", "--seed", "3", "--out", prefix.to_str().unwrap()];
    let first = cf(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    let again = cf(&args);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists; add --force"), "{}", stderr(&again));
    let forced = cf(&[&args[..], &["--force"]].concat());
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

// 2. --out and the report path are checked before simulating.

#[test]
fn an_unwritable_out_is_refused_before_simulating() {
    let out = scratch_dir("hardening-unwritable");
    let file = out.join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let started = Instant::now();
    // Ten million replications would take hours: the refusal comes first.
    let o = cf(&["run", QUICKSTART, "-n", "10000000", "--yes", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot use"), "{}", stderr(&o));
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn an_over_long_scenario_name_is_refused_before_simulating() {
    let name = "n".repeat(300);
    let set = format!("scenario.name={name}");
    refused(&[&set], "scenario.name", "at most 100 are allowed");
    let o = cf(&["run", QUICKSTART, "-n", "10000000", "--set", &set, "--out", "/tmp"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

// 3. A size estimate before running.

fn estimate(changes: &[&str]) -> Result<Estimate, caseflow::sizing::TooBig> {
    let m = quickstart(changes).unwrap_or_else(|e| panic!("{e}"));
    Estimate::of(&[&m], 1000, 2).check(&Limits::default())
}

#[test]
fn the_size_estimate_refuses_absurd_scenarios_with_the_estimate_in_the_message() {
    let cases: [(&[&str], Over, &str); 4] = [
        // The largest values the plausible ranges allow.
        (&["flows.contact.arrivals.per_year=1e8"], Over::Items, "flow 'contact'"),
        (
            &["flows.contact.arrivals={ per_year = 1e6, changes = [{ from = 2025-06-01, multiplier = 100 }] }"],
            Over::Items,
            "flow 'contact'",
        ),
        (
            &[
                "flows.contact.initial={ waiting = 1e7, in_service = 1e7, scheduled = 1e7, scheduled_over_days = 300 }",
                "flows.review.initial={ waiting = 1e7, in_service = 1e7 }",
            ],
            Over::Items,
            "initial work of flow 'contact'",
        ),
        (&["scenario.period=day", "scenario.years=270"], Over::Memory, "reporting periods"),
    ];
    for (changes, what, cause) in cases {
        let e = estimate(changes).expect_err(&format!("{changes:?} was not refused"));
        assert_eq!(e.what, what, "{changes:?}: {e}");
        let message = e.to_string();
        assert!(message.contains("too big to simulate") && message.contains(cause), "{changes:?}: {message}");
    }
    let fine = estimate(&[]).unwrap();
    assert!(fine.memory_bytes < 1e9, "the quickstart is small: {fine:?}");
}

#[test]
fn huge_fte_is_refused_by_the_checks_at_once() {
    let started = Instant::now();
    refused(&["roles.social_worker.fte=1e9"], "roles[0].fte", "must be at most 100000");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn memory_per_thread_is_bounded_by_using_fewer_threads() {
    let m = quickstart(&["scenario.period=day", "scenario.years=20"]).unwrap();
    let e = Estimate::of(&[&m], 1000, 64);
    let limit = Limits { memory_bytes: e.memory_at(3), ..Limits::default() };
    let fitted = e.clone().check(&limit).unwrap();
    assert_eq!(fitted.threads, 3, "the most threads that fit");
    assert!(fitted.memory_bytes <= limit.memory_bytes);
    let o = cf(&["run", QUICKSTART, "--set", "scenario.period=day", "--set", "scenario.years=270", "--out", "/tmp/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("too big to simulate") && stderr(&o).contains("--max-memory"), "{}", stderr(&o));
}

#[test]
fn validate_refuses_a_scenario_too_big_to_run() {
    let o = cf(&["validate", QUICKSTART, "--set", "flows.contact.arrivals.per_year=1e8"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("too big to simulate"), "{}", stderr(&o));
}

// 4. Hangs.

#[test]
fn spell_lengths_near_zero_are_refused_not_simulated_forever() {
    refused(&["absence.leave_spell_days=1e-300"], "absence.leave_spell_days", "at least 0.5");
    refused(
        &["absence.sickness_spell_days={ dist = \"lognormal\", median = 1e-300, p90 = 2e-300 }"],
        "absence.sickness_spell_days",
        "at least 0.5",
    );
    // A follow-up that repeats every instant is refused by the estimate.
    let e = estimate(&[
        "flows.review.routes=[{ to = \"review\", probability = 1, delay_days = { dist = \"fixed\", value = 1e-300 } }]",
    ]);
    assert!(e.is_err(), "{e:?}");
}

// 5. Panics.

#[test]
fn out_of_range_dates_and_far_futures_are_refused_or_run_without_a_panic() {
    refused(&["scenario.start=0001-04-01"], "scenario.start", "between 1900-01-01 and 2200-12-31");
    refused(&["scenario.start=9999-04-01"], "scenario.start", "between 1900-01-01 and 2200-12-31");
    refused(
        &["flows.review.initial={ scheduled = 10, scheduled_over_days = 1e300 }"],
        "flows[5].initial.scheduled_over_days",
        "at most 100000",
    );
    refused(
        &[
            "flows.review.routes=[{ to = \"review\", probability = 1, delay_days = { dist = \"fixed\", value = 1e15 } }]",
        ],
        "flows[5].routes[0].delay_days.value",
        "outside the plausible range",
    );
    // Follow-ups due far beyond the horizon are never reached, and cost nothing.
    let m = quickstart(&[
        "flows.review.routes=[{ to = \"review\", probability = 1, delay_days = { dist = \"fixed\", value = 36500 } }]",
    ])
    .unwrap();
    let r = caseflow::engine::simulate(&m, 1, 0);
    assert!(r.balance.iter().all(|b| b.holds()));
}

#[test]
fn a_closed_pipe_ends_quietly_without_a_backtrace() {
    for command in [
        "run scenarios/quickstart.toml -n 3 --force --out target/pipe-test",
        "validate scenarios/quickstart.toml scenarios/mm20.toml scenarios/halton-2015-baseline.toml",
        "fit data/synthetic-activity.csv",
    ] {
        let script = format!("set -o pipefail; {} {command} | head -c 1 > /dev/null", env!("CARGO_BIN_EXE_caseflow"));
        let o = Command::new("bash").args(["-c", &script]).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
        assert!(o.status.success(), "{command}: {:?} {}", o.status.code(), stderr(&o));
        assert!(!stderr(&o).contains("panicked") && !stderr(&o).contains("Broken pipe"), "{command}: {}", stderr(&o));
    }
}

#[test]
fn a_full_disk_on_standard_output_is_an_error_not_a_panic() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let script = format!("{} fit data/synthetic-activity.csv > /dev/full", env!("CARGO_BIN_EXE_caseflow"));
    let o = Command::new("bash").args(["-c", &script]).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write to standard output"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn thousands_of_roles_chart_without_a_panic() {
    // An overlay on the shipped M/M/20 scenario adding 2,000 roles.
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mm20.toml");
    let mut text = format!("base = {:?}\n", base.to_str().unwrap());
    for i in 0..2000 {
        text.push_str(&format!(
            "\n[[roles]]\nname = \"extra_{i}\"\ncount = 1\nhours_per_week = 37\ncaseload_cap = 1\nskills = [\"customer\"]\n"
        ));
    }
    let dir = scratch_dir("hardening-roles");
    let file = dir.join("many-roles.toml");
    std::fs::write(&file, text).unwrap();
    let o = cf(&[
        "run",
        file.to_str().unwrap(),
        "--set",
        "scenario.days=30",
        "-n",
        "2",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A chart of one panel per role stays a page tall: 24 panels at most.
    let png = std::fs::read(dir.join("mm20/charts/caseload.png")).unwrap();
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert!(height <= 70 + 330 * 8, "caseload chart is {height} pixels tall");
    let html = std::fs::metadata(dir.join("mm20/report.html")).unwrap().len();
    assert!(html < 20_000_000, "report.html is {html} bytes");
}

// 6. The stamp reproduces.

#[test]
fn the_largest_seed_is_stamped_as_given_and_reproduces() {
    let out = scratch_dir("hardening-seed");
    let big = u64::MAX.to_string();
    let run = |dir: &str, seed: &str| {
        let o =
            cf(&["run", QUICKSTART, "-n", "3", "--seed", seed, "--quiet", "--out", out.join(dir).to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        out.join(dir).join("quickstart")
    };
    let first = run("a", &big);
    assert_eq!(seeds_in(&first), std::slice::from_ref(&big), "every table has the seed as given");
    let record: toml::Table = std::fs::read_to_string(first.join("run.toml")).unwrap().parse().unwrap();
    let stamped = record["seed"].as_str().expect("a seed beyond TOML's integers is text").to_string();
    assert_eq!(stamped, big);
    let again = run("b", &stamped);
    let (a, b) = (read_dir_bytes(&first), read_dir_bytes(&again));
    for (name, bytes) in &a {
        if name.ends_with(".csv") {
            assert!(bytes == &b[name], "{name} differs when the stamped seed is given back");
        }
    }
    // Seeds that fit stay integers.
    let small = run("c", "7");
    let record: toml::Table = std::fs::read_to_string(small.join("run.toml")).unwrap().parse().unwrap();
    assert_eq!(record["seed"].as_integer(), Some(7));
}

// 7. Messages that tell the truth.

#[test]
fn a_horizon_over_the_limit_says_what_the_limit_is() {
    refused(&["scenario.years=271"], "scenario.years", "must be at most 270 years");
    refused(&["scenario.years=2.5"], "scenario.years", "whole number of years");
}

#[test]
fn seasonality_problems_name_what_is_wrong() {
    refused(
        &["flows.contact.arrivals={ per_year = 100, seasonality = [1,1,1,1,1,1,1,1,1,1,1,-1] }"],
        "seasonality",
        "month 12 is -1",
    );
    refused(&["flows.contact.arrivals={ per_year = 100, seasonality = [1,2,3] }"], "seasonality", "got 3 values");
}

#[test]
fn messages_carry_no_rust_type_names() {
    let e = quickstart(&["flows.contact.priority=99999999999999999999"]).unwrap_err().to_string();
    for rust in ["i128", "i64", "u64", "f64", "struct", "Raw"] {
        assert!(!e.contains(rust), "{rust} in: {e}");
    }
    assert!(e.contains("99999999999999999999 is too large"), "{e}");
}

#[test]
fn more_flows_than_ids_hold_are_refused() {
    let mut text = String::from("[scenario]\nname = \"many\"\nstart = 2020-01-01\ndays = 10\n");
    for i in 0..65_536 {
        text.push_str(&format!("[[flows]]\nname = \"f{i}\"\neffort_hours = {{ dist = \"fixed\", value = 1 }}\n"));
    }
    text.push_str("[[roles]]\nname = \"r\"\ncount = 1\nhours_per_week = 37\ncaseload_cap = 1\nskills = [\"f0\"]\n");
    let e = scenario::parse(&text, "many.toml").unwrap_err();
    assert!(e.mentions("flows", "at most 65535"), "{e}");
}

#[test]
fn the_number_of_problems_printed_is_capped() {
    let mut text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(QUICKSTART)).unwrap();
    for i in 0..500 {
        text.push_str(&format!("\n[[stocks]]\nname = \"s{i}\"\nleave_rate_per_year = -1\n"));
    }
    let e = scenario::parse(&text, "many.toml").unwrap_err();
    assert_eq!(e.problems.len(), 500);
    let shown = e.to_string();
    assert!(shown.contains("... and 450 more"), "{}", &shown[shown.len().saturating_sub(300)..]);
    assert!(shown.len() < 50_000, "{} bytes of messages", shown.len());
}

#[test]
fn a_very_long_line_is_cut_in_messages() {
    let long = format!("flows.contact.label=\"{}\"", "x".repeat(100_000));
    let e = quickstart(&[&long, "flows.contact.diverted_share=7"]).unwrap_err().to_string();
    assert!(e.len() < 5_000, "{} bytes", e.len());
}

#[test]
fn comparing_scenarios_over_different_dates_is_refused() {
    let o = cf(&["compare", QUICKSTART, "scenarios/mm20.toml", "-n", "2", "--out", "/tmp/never"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("a comparison needs the same dates"), "{}", stderr(&o));
}

#[test]
fn a_mistyped_month_is_not_called_a_financial_year() {
    let e = caseflow::history::parse_period("2015-13").unwrap_err();
    assert!(e.contains("months go from 01 to 12"), "{e}");
    assert!(!e.contains("financial year:"), "{e}");
    assert!(caseflow::history::parse_period("2014-15").is_ok(), "2014-15 is still a financial year");
}

#[test]
fn fit_help_names_files_that_exist() {
    let o = cf(&["fit", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let named: Vec<&str> = help.split_whitespace().filter(|w| w.starts_with("data/")).collect();
    assert!(!named.is_empty(), "{help}");
    for f in named {
        assert!(root.join(f).exists(), "fit --help names {f}, which does not exist");
    }
}

#[test]
fn backtest_problems_point_at_the_scenario_not_a_comment() {
    let o = cf(&[
        "backtest",
        "scenarios/national-dols.toml",
        "data/national-dols.csv",
        "--train-until",
        "2010-03-31",
        "-n",
        "2",
        "--out",
        "/tmp/never",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(!said.contains("| #"), "a comment line is cited:\n{said}");
}

// 8. Nonsense is refused, with the reason.

#[test]
fn nonsense_values_are_refused_with_the_reason() {
    refused(&["flows.contact.arrivals={ per_year = 100, dispersion = 1e6 }"], "dispersion", "at most 10");
    refused(&["roles.social_worker.salary=1e308"], "roles[0].salary", "at most 10000000");
    refused(&["roles.social_worker.vacancies=2"], "roles[0].vacancies", "add recruitment_days");
    refused(
        &["roles.social_worker.asye={ share = 0.3, caseload_cap = 1000 }"],
        "asye.caseload_cap",
        "must not be above",
    );
    refused(
        &["roles.social_worker.plan=[{ from = 2025-06-01, fte = 12, vacant = true }]"],
        "plan[0].vacant",
        "stay empty for good",
    );
    refused(
        &["roles.social_worker.fte=0", "roles.community_care_worker.fte=0", "roles.occupational_therapist.fte=0"],
        "flows",
        "has no staff",
    );
}

// 9. Typed errors.

#[test]
fn every_failure_has_a_variant_a_test_can_match() {
    let m = scenario::load("scenarios/national-dols.toml".as_ref()).unwrap().model;
    let caseflow::history::History::Activity(series) =
        caseflow::history::read("data/national-dols.csv".as_ref()).unwrap()
    else {
        panic!("activity history")
    };
    let opts =
        |d: &str| BacktestOptions { train_until: d.parse().unwrap(), from: None, steps: Vec::new(), trend: None };
    assert!(matches!(backtest::plan(&m, &series, &opts("1990-03-31")), Err(BacktestError::NoOverlap { .. })));
    let last = BacktestOptions { train_until: chrono::NaiveDate::MAX, from: None, steps: Vec::new(), trend: None };
    assert!(matches!(backtest::plan(&m, &series, &last), Err(BacktestError::NoDayAfter(_))));
    let e = Error::from(BacktestError::NothingLinesUp);
    assert_eq!(e.exit_code(), 2);
    assert_eq!(Error::from(RunError::Interrupted).exit_code(), 130);
    assert_eq!(Error::from(RunError::Unbalanced { replications: 1 }).exit_code(), 1);
    assert!(Change::parse("no-equals").unwrap_err().contains("expected KEY=VALUE"));
    let _ = Change::parse("a=1").unwrap();
}
