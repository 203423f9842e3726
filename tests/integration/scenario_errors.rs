//! Each kind of bad scenario file gets its own clear message that names
//! the key and the line.

use caseflow::error::ScenarioError;
use caseflow::scenario;

use crate::harness::{caseflow, scratch_dir};

const GOOD: &str = r#"[scenario]
name = "small"
start = 2015-04-01
years = 1

[[flows]]
name = "contact"
effort_hours = { dist = "exponential", mean = 1 }
arrivals = { per_day = 10 }
routes = [{ to = "assessment", probability = 0.5 }]

[[flows]]
name = "assessment"
effort_hours = { dist = "lognormal", median = 6, p90 = 12 }
deadline_days = 28

[[roles]]
name = "social_worker"
count = 4
hours_per_week = 37
caseload_cap = 15
skills = ["contact", "assessment"]
"#;

fn error_of(text: &str) -> ScenarioError {
    match scenario::parse(text, "bad.toml") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// The error names `path`, says `message`, and points at line `line`.
fn assert_problem(text: &str, path: &str, message: &str, line: usize) {
    let e = error_of(text);
    let shown = e.to_string();
    eprintln!("{shown}");
    assert!(e.mentions(path, message), "wanted {path}: {message}; got\n{shown}");
    assert!(shown.contains(&format!("bad.toml:{line}:")), "wanted line {line}; got\n{shown}");
    assert!(!shown.contains("Error {"), "debug dump in message:\n{shown}");
}

#[test]
fn the_good_file_loads() {
    let m = scenario::parse(GOOD, "good.toml").unwrap();
    assert_eq!(m.flows.len(), 2);
    assert_eq!(m.workers.len(), 4);
    assert_eq!(m.horizon_days, 366.0); // April 2015 to April 2016 spans 29 Feb
}

#[test]
fn missing_key() {
    let text = GOOD.replace("effort_hours = { dist = \"exponential\", mean = 1 }\n", "");
    assert_problem(&text, "flows[0]", "missing field `effort_hours`", 6);
}

#[test]
fn wrong_type() {
    let text = GOOD.replace("deadline_days = 28", "deadline_days = \"soon\"");
    assert_problem(&text, "flows[1].deadline_days", "invalid type: string \"soon\"", 15);
}

#[test]
fn negative_rate() {
    let text = GOOD.replace("per_day = 10", "per_day = -2");
    assert_problem(&text, "flows[0].arrivals.per_day", "must be >= 0", 9);
}

#[test]
fn unknown_key() {
    let text = GOOD.replace("caseload_cap = 15", "caseload_cap = 15\novertme = true");
    assert_problem(&text, "roles[0].overtme", "unknown field `overtme`", 22);
}

#[test]
fn unknown_flow_in_a_route() {
    let text = GOOD.replace("to = \"assessment\"", "to = \"asessment\"");
    assert_problem(&text, "flows[0].routes[0].to", "no flow is called 'asessment'", 10);
}

#[test]
fn loop_with_no_delay() {
    let text = GOOD
        .replace("deadline_days = 28\n", "deadline_days = 28\nroutes = [{ to = \"contact\", probability = 0.1 }]\n");
    assert_problem(&text, "flows[1].routes[0]", "loop with no delay (contact -> assessment -> contact)", 16);
}

#[test]
fn a_loop_with_a_delay_is_fine() {
    let text = GOOD.replace(
        "deadline_days = 28\n",
        "deadline_days = 28\nroutes = [{ to = \"contact\", probability = 0.1, delay_days = { dist = \"fixed\", value = 365 } }]\n",
    );
    scenario::parse(&text, "ok.toml").unwrap();
}

#[test]
fn bad_distribution_parameter() {
    let text = GOOD.replace("median = 6", "median = -3");
    assert_problem(&text, "flows[1].effort_hours.median", "median must be > 0", 14);
}

#[test]
fn parameter_that_does_not_belong() {
    let text = GOOD.replace("mean = 1 }", "mean = 1, p90 = 3 }");
    assert_problem(&text, "flows[0].effort_hours.p90", "exponential takes mean, not p90", 8);
}

#[test]
fn unknown_skill_and_duplicate_flow_are_both_reported() {
    let text = GOOD
        .replace("skills = [\"contact\", \"assessment\"]", "skills = [\"contact\", \"assessment\", \"dols\"]")
        .replace("name = \"assessment\"", "name = \"contact\"");
    let e = error_of(&text);
    assert!(e.mentions("flows[1].name", "already defined at flows[0]"), "{e}");
    assert!(e.mentions("roles[0].skills[2]", "no flow is called 'dols'"), "{e}");
}

#[test]
fn bad_date_and_horizon() {
    let text = GOOD.replace("start = 2015-04-01", "start = \"1 April 2015\"");
    assert_problem(&text, "scenario.start", "expected a date like 2015-04-01", 3);
    let text = GOOD.replace("years = 1", "years = 1\ndays = 30");
    assert_problem(&text, "scenario.days", "either years or days", 5);
}

#[test]
fn route_probabilities_over_one() {
    let text = GOOD.replace(
        "routes = [{ to = \"assessment\", probability = 0.5 }]",
        "routes = [{ to = \"assessment\", probability = 0.7, group = \"o\" }, { to = \"assessment\", probability = 0.6, group = \"o\" }]",
    );
    assert_problem(&text, "flows[0].routes[1].probability", "add up to 1.3", 10);
}

#[test]
fn broken_toml() {
    let text = GOOD.replace("[[roles]]", "[[roles]");
    let e = error_of(&text);
    assert!(e.to_string().contains("bad.toml:17:"), "{e}");
}

#[test]
fn validate_exits_2_with_the_place_and_no_panic() {
    let dir = scratch_dir("bad-scenario");
    let path = dir.join("bad.toml");
    std::fs::write(&path, GOOD.replace("per_day = 10", "per_day = -2")).unwrap();
    let out = caseflow(&["validate"], &path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.toml:9:"), "{stderr}");
    assert!(stderr.contains("flows[0].arrivals.per_day: must be >= 0 (got -2)"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = caseflow(&["run"], &path);
    assert_eq!(out.status.code(), Some(2));
}
