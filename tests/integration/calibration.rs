//! Calibration: the shipped baselines reproduce what their headers say,
//! `caseflow calibrate` finds a value it was not told, and a run that misses
//! an observed figure says so.

use std::path::{Path, PathBuf};

use caseflow::runner::{self, RunConfig};
use caseflow::scenario;
use caseflow::summary::report::today;

use crate::harness::{caseflow, scratch_dir};

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

#[test]
fn the_calibrated_baselines_reproduce_the_observed_figures_their_headers_claim() {
    for name in ["halton-2015-baseline.toml", "dols-2026-no-ruling.toml"] {
        let path = shipped(name);
        let model = scenario::load(&path).unwrap_or_else(|e| panic!("{e}")).model;
        let agg = runner::run(&model, &RunConfig { replications: 200, seed: 1, threads: None }, &|| {}).unwrap();
        let checks = today::checks(&model, &agg);
        let reproduced = checks.iter().filter(|c| c.reproduced()).count();
        let claim = format!("{reproduced} of the {}", checks.len());
        let header = std::fs::read_to_string(&path).unwrap();
        assert!(
            header.contains(&claim),
            "{name}: the run reproduces {claim} observed figures; the header says otherwise"
        );
        assert!(reproduced * 3 >= checks.len() * 2, "{name}: only {claim} reproduced");
    }
}

/// A scenario whose care home leaving rate is `leave`, observed by its
/// backlog, on-time share and share closed undecided.
fn council(leave: f64, observed: &[(&str, &str, f64)], calibrate: bool) -> String {
    let base = shipped("dols-2026.toml");
    let mut s = format!(
        "base = {:?}\n\n[scenario]\nname = \"known\"\nyears = 1\n\n[[legal_changes]]\nname = \"supreme_court_2026\"\nremove = true\n\n[[stocks]]\nname = \"care_home\"\nleave_rate_per_year = {leave}\n",
        base.display().to_string()
    );
    for (of, measure, value) in observed {
        s += &format!("\n[[observed]]\nof = {of}\nmeasure = \"{measure}\"\nvalue = {value}\n");
    }
    if calibrate {
        s += "\n[[calibrate]]\nset = \"stocks.care_home.leave_rate_per_year\"\nrange = [0.2, 1.6]\n";
    }
    s
}

const READINGS: [(&str, &str); 3] = [
    ("[\"urgent_dols\", \"standard_dols\"]", "backlog"),
    ("\"standard_dols\"", "within_deadline"),
    ("[\"urgent_dols\", \"standard_dols\"]", "closed_share"),
];

#[test]
fn calibration_finds_a_leaving_rate_it_was_not_told() {
    let dir = scratch_dir("calibration-known");
    // The truth: people leave care homes at 1.0 a year. Its figures, simulated.
    let placeholders: Vec<(&str, &str, f64)> = READINGS.iter().map(|&(of, m)| (of, m, 1.0)).collect();
    let truth = dir.join("truth.toml");
    std::fs::write(&truth, council(1.0, &placeholders, false)).unwrap();
    let model = scenario::load(&truth).unwrap_or_else(|e| panic!("{e}")).model;
    let agg = runner::run(&model, &RunConfig { replications: 200, seed: 7, threads: None }, &|| {}).unwrap();
    let figures: Vec<(&str, &str, f64)> = READINGS
        .iter()
        .zip(today::checks(&model, &agg))
        .map(|(&(of, m), c)| (of, m, (c.simulated.mean * 10.0).round() / 10.0))
        .collect();
    // Told those figures and a wrong rate, calibration finds the rate again.
    let guess = dir.join("guess.toml");
    std::fs::write(&guess, council(0.4, &figures, true)).unwrap();
    let written = dir.join("found.toml");
    let out = caseflow(
        &[
            "calibrate",
            "-n",
            "60",
            "--confirm",
            "100",
            "-q",
            "--force",
            "--write",
            written.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ],
        &guess,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let found = std::fs::read_to_string(&written).unwrap();
    let value: f64 = found
        .lines()
        .find_map(|l| l.strip_prefix("leave_rate_per_year = "))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no rate in\n{found}"));
    assert!((value - 1.0).abs() <= 0.2, "found {value}, the truth is 1.0:\n{found}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("of its range:"), "found mid-range, nothing to warn of: {err}");
    // A range that stops short of the truth: the value is found at its top,
    // and the report and the console say the figures may need more.
    let short = dir.join("short.toml");
    std::fs::write(&short, council(0.4, &figures, true).replace("range = [0.2, 1.6]", "range = [0.2, 0.7]")).unwrap();
    let out = caseflow(
        &["calibrate", "-n", "60", "--confirm", "60", "-q", "--force", "--out", dir.to_str().unwrap()],
        &short,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    let warning = "Near the top of its range: stocks.care_home.leave_rate_per_year, found at 0.7 (range 0.2 to 0.7; \
the scenario gave 0.4). The observed figures may need a value beyond the range";
    assert!(err.contains(warning), "{err}");
    let md = std::fs::read_to_string(dir.join("calibrate-known/calibration.md")).unwrap();
    let in_short = md.split("## ").find(|s| s.starts_with("In short")).unwrap_or_default();
    assert!(in_short.contains(warning), "{md}");
    // Every report of the calibrated scenario says so under its title.
    let calibrated = scenario::load(&dir.join("known-calibrated.toml")).unwrap_or_else(|e| panic!("{e}"));
    let description = &calibrated.model.description;
    assert!(
        description
            .contains("stocks.care_home.leave_rate_per_year found at 0.7, given as 0.4, near the top of its range"),
        "{description}"
    );
}

#[test]
fn a_run_that_misses_an_observed_figure_warns_on_the_console() {
    let dir = scratch_dir("calibration-warning");
    let path = dir.join("far.toml");
    std::fs::write(&path, council(0.58, &[("\"standard_dols\"", "within_deadline", 90.0)], false)).unwrap();
    let out = caseflow(&["run", "-n", "20", "--out", dir.to_str().unwrap()], &path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "warning: the model does not reproduce standard DoLS applications: % completed within the deadline"
        ),
        "{err}"
    );
    assert!(err.contains("observed 90%"), "{err}");
}

/// England's DoLS shape in a council's first year: about a fifth of
/// standard requests on time, a backlog of at least 0.3 of a year's
/// requests, mean days well over 60, and roughly half of completions
/// closed undecided. Returns what departs from it.
fn departures_from_national_shape(changes: &[&str]) -> Vec<String> {
    use caseflow::model::observed::Measure;
    let changes: Vec<scenario::Change> = changes.iter().map(|c| scenario::Change::parse(c).unwrap()).collect();
    let model =
        scenario::load_with(&shipped("dols-2026-no-ruling.toml"), &changes).unwrap_or_else(|e| panic!("{e}")).model;
    let agg = runner::run(&model, &RunConfig { replications: 40, seed: 3, threads: None }, &|| {}).unwrap();
    let checks = today::checks(&model, &agg);
    let value = |m: Measure| {
        checks.iter().find(|c| c.observation.reading.measure == m).map(|c| c.simulated.mean).expect("observed")
    };
    let (received, backlog) = (value(Measure::Received), value(Measure::Backlog));
    let mut out = Vec::new();
    let on_time = value(Measure::WithinDeadlinePct);
    if !(10.0..=30.0).contains(&on_time) {
        out.push(format!("on time {on_time:.0}%"));
    }
    if backlog < 0.3 * received {
        out.push(format!("backlog {backlog:.0} of {received:.0} received"));
    }
    let days = value(Measure::MeanDays);
    if days < 100.0 {
        out.push(format!("mean days {days:.0}"));
    }
    let closed = value(Measure::ClosedSharePct);
    if !(35.0..=65.0).contains(&closed) {
        out.push(format!("closed undecided {closed:.0}%"));
    }
    out
}

/// Triage, an aged backlog at the start and requests that end undecided
/// when people leave: together they give England's shape, and without any
/// one of them it is lost, each in its own way.
#[test]
fn triage_an_aged_backlog_and_undecided_endings_are_each_needed_for_the_national_shape() {
    assert_eq!(departures_from_national_shape(&[]), Vec::<String>::new(), "the calibrated baseline");
    let no_triage =
        departures_from_national_shape(&["flows.standard_bia.triage=[1.0]", "flows.urgent_bia.triage=[1.0]"]);
    assert!(no_triage.iter().any(|d| d.starts_with("on time")), "without triage: {no_triage:?}");
    let no_backlog =
        departures_from_national_shape(&["flows.standard_bia.initial.waiting=0", "flows.urgent_bia.initial.waiting=0"]);
    assert!(no_backlog.iter().any(|d| d.starts_with("mean days")), "without the aged backlog: {no_backlog:?}");
    let no_endings = departures_from_national_shape(&[
        "stocks.care_home.leave_rate_per_year=0",
        "stocks.hospital_or_care_home.leave_rate_per_year=0",
    ]);
    assert!(no_endings.iter().any(|d| d.starts_with("closed undecided")), "without endings: {no_endings:?}");
}

#[test]
fn waiting_lists_observed_together_are_their_sum_and_a_list_may_not_mix_requests_and_flows() {
    let dir = scratch_dir("observed-flows");
    let overlay = |of: &str| {
        format!(
            "base = {:?}\n\n[scenario]\nname = \"lists\"\nyears = 1\n\n[[observed]]\nof = {of}\nmeasure = \"waiting\"\nvalue = 100\n",
            shipped("halton-2015-baseline.toml").display().to_string()
        )
    };
    let path = dir.join("lists.toml");
    let mut text = overlay("\"needs_assessment\"");
    text += "\n[[observed]]\nof = \"review\"\nmeasure = \"waiting\"\nvalue = 100\n";
    text += "\n[[observed]]\nof = [\"needs_assessment\", \"review\"]\nmeasure = \"waiting\"\nvalue = 200\n";
    std::fs::write(&path, text).unwrap();
    let model = scenario::load(&path).unwrap_or_else(|e| panic!("{e}")).model;
    let agg = runner::run(&model, &RunConfig { replications: 4, seed: 2, threads: None }, &|| {}).unwrap();
    let means: Vec<f64> = today::checks(&model, &agg).iter().map(|c| c.simulated.mean).collect();
    assert!((means[2] - (means[0] + means[1])).abs() < 1e-9, "{means:?}");
    assert_eq!(model.observed[2].label(), "needs assessments and reviews: waiting at 31 March 2016");

    std::fs::write(&path, overlay("[\"standard_dols\", \"review\"]")).unwrap();
    let err = scenario::load(&path).expect_err("a request and a flow in one list").to_string();
    assert!(err.contains("a list names requests or flows, not both"), "{err}");
}

#[test]
fn a_search_whose_design_spends_its_candidates_stops_instead_of_panicking() {
    // One value: a design of 6 points, then Nelder-Mead's first simplex
    // needs a 7th. With 6 allowed, the search stops there and says so.
    let dir = scratch_dir("calibration-spent");
    // Figures no candidate comes near, so the design never stops it early.
    let far = [5000.0, 99.0, 1.0];
    let placeholders: Vec<(&str, &str, f64)> = READINGS.iter().zip(far).map(|(&(of, m), v)| (of, m, v)).collect();
    let path = dir.join("spent.toml");
    std::fs::write(&path, council(0.4, &placeholders, true)).unwrap();
    let out = caseflow(
        &["calibrate", "-n", "10", "--confirm", "10", "--max-runs", "6", "--force", "--out", dir.to_str().unwrap()],
        &path,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("panicked"), "{stderr}");
    let report = std::fs::read_to_string(dir.join("calibrate-known/calibration.md")).unwrap();
    assert!(report.contains("the candidates it was allowed were spent"), "{report}");
}

#[test]
fn people_allocated_is_observed_of_roles_that_hold_people() {
    let dir = scratch_dir("observed-people");
    let path = dir.join("people.toml");
    let load = |base: &str, of: &str| {
        let text = format!(
            "base = {:?}\n\n[[observed]]\nof = {of}\nmeasure = \"people_allocated\"\nvalue = 18\n",
            shipped(base).display().to_string()
        );
        std::fs::write(&path, text).unwrap();
        scenario::load(&path)
    };
    let m = load("health-check-example.toml", "[\"social_worker\", \"social_worker_bia\"]")
        .unwrap_or_else(|e| panic!("{e}"));
    let agg = runner::run(&m.model, &RunConfig { replications: 4, seed: 2, threads: None }, &|| {}).unwrap();
    let check = &today::checks(&m.model, &agg)[0];
    assert!((10.0..30.0).contains(&check.simulated.mean), "{}", check.simulated.mean);
    assert_eq!(check.observed_words(), "18.0 ± 2.7");
    for (base, of, says) in [
        ("health-check-example.toml", "\"review\"", "a measure of roles"),
        ("health-check-example.toml", "\"independent_bia\"", "is bought in"),
        ("halton-2015-baseline.toml", "\"social_worker\"", "no flow has people = true"),
    ] {
        let err = load(base, of).map(|_| ()).expect_err(of).to_string();
        assert!(err.contains(says), "{of}: {err}");
    }
}
