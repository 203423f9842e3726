//! Each kind of bad scenario file gets its own clear message that names
//! the key and the line. Most bad files are short overlays on the good
//! one, written out as `bad.toml` beside it; a file that must lack a key
//! or not be TOML at all is written out whole.

use std::path::PathBuf;

use caseflow::scenario;
use caseflow::scenario::ScenarioError;

use crate::harness::{caseflow, scratch_dir, sets};

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

/// A folder named `name` holding GOOD as good.toml and `bad` as bad.toml;
/// returns the path of bad.toml.
fn bad_file(name: &str, bad: &str) -> PathBuf {
    let dir = scratch_dir(name);
    std::fs::write(dir.join("good.toml"), GOOD).unwrap();
    std::fs::write(dir.join("bad.toml"), bad).unwrap();
    dir.join("bad.toml")
}

/// The error from loading `bad` as bad.toml (usually an overlay on GOOD).
fn error_of(name: &str, bad: &str) -> ScenarioError {
    match scenario::load(&bad_file(name, bad)) {
        Ok(_) => panic!("expected an error for:\n{bad}"),
        Err(e) => e,
    }
}

/// The error from loading `bad` names `path`, says `message`, and points
/// at line `line` of bad.toml.
fn assert_problem(name: &str, bad: &str, path: &str, message: &str, line: usize) {
    let e = error_of(name, bad);
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
    assert_eq!(m.posts.len(), 4);
    assert_eq!(m.horizon_days, 366.0); // April 2015 to April 2016 spans 29 Feb
}

/// GOOD with the contact flow's effort left out (an overlay cannot take a
/// key out, so the file is written whole).
const MISSING_EFFORT: &str = r#"[scenario]
name = "small"
start = 2015-04-01
years = 1

[[flows]]
name = "contact"
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

#[test]
fn missing_key() {
    assert_problem("missing-key", MISSING_EFFORT, "flows[0]", "missing field `effort_hours`", 6);
}

#[test]
fn wrong_type() {
    let bad = r#"base = "good.toml"

[[flows]]
name = "assessment"
deadline_days = "soon"
"#;
    assert_problem("wrong-type", bad, "flows[1].deadline_days", "invalid type: string \"soon\"", 5);
}

/// An overlay on GOOD giving the contacts a negative rate, on line 5.
const NEGATIVE_RATE: &str = r#"base = "good.toml"

[[flows]]
name = "contact"
arrivals = { per_day = -2 }
"#;

#[test]
fn negative_rate() {
    assert_problem("negative-rate", NEGATIVE_RATE, "flows[0].arrivals.per_day", "must be >= 0", 5);
}

#[test]
fn unknown_key() {
    let bad = r#"base = "good.toml"

[[roles]]
name = "social_worker"
overtme = true
"#;
    assert_problem("unknown-key", bad, "roles[0].overtme", "unknown field `overtme`", 5);
}

#[test]
fn unknown_flow_in_a_route() {
    let bad = r#"base = "good.toml"

[[flows]]
name = "contact"
routes = [{ to = "asessment", probability = 0.5 }]
"#;
    assert_problem("unknown-route", bad, "flows[0].routes[0].to", "no flow is called 'asessment'", 5);
}

#[test]
fn loop_with_no_delay() {
    let bad = r#"base = "good.toml"

[[flows]]
name = "assessment"
routes = [{ to = "contact", probability = 0.1 }]
"#;
    assert_problem(
        "loop-no-delay",
        bad,
        "flows[1].routes[0]",
        "loop with no delay (contact -> assessment -> contact)",
        5,
    );
}

#[test]
fn a_loop_with_a_delay_is_fine() {
    let back = "flows.assessment.routes=[{ to = \"contact\", probability = 0.1, delay_days = { dist = \"fixed\", value = 365 } }]";
    let m = scenario::parse_with(GOOD, "ok.toml", &sets(&[back])).unwrap_or_else(|e| panic!("{e}"));
    let back: Vec<_> = m.flows[1].route_groups.iter().flat_map(|g| &g.routes).collect();
    assert!(back.len() == 1 && back[0].delay_days.is_some(), "the route back, with its delay, is kept");
}

#[test]
fn bad_distribution_parameter() {
    // Tables merge key by key: only the median changes.
    let bad = r#"base = "good.toml"

[[flows]]
name = "assessment"
effort_hours = { median = -3 }
"#;
    assert_problem("bad-parameter", bad, "flows[1].effort_hours.median", "median must be > 0", 5);
}

#[test]
fn parameter_that_does_not_belong() {
    let bad = r#"base = "good.toml"

[[flows]]
name = "contact"
effort_hours = { p90 = 3 }
"#;
    assert_problem("foreign-parameter", bad, "flows[0].effort_hours.p90", "exponential takes mean, not p90", 5);
}

#[test]
fn unknown_skill_and_duplicate_flow_are_both_reported() {
    let changes = sets(&[
        "roles.social_worker.skills=[\"contact\", \"assessment\", \"dols\"]",
        "flows.assessment.name=\"contact\"",
    ]);
    let e = scenario::parse_with(GOOD, "bad.toml", &changes).unwrap_err();
    assert!(e.mentions("flows[1].name", "already defined at flows[0]"), "{e}");
    assert!(e.mentions("roles[0].skills[2]", "no flow is called 'dols'"), "{e}");
}

#[test]
fn bad_date_and_horizon() {
    let bad = "base = \"good.toml\"\n\n[scenario]\nstart = \"1 April 2015\"\n";
    assert_problem("bad-date", bad, "scenario.start", "expected a date like 2015-04-01", 4);
    // Given together in one file, years and days are both kept, and refused.
    let bad = "base = \"good.toml\"\n\n[scenario]\nyears = 1\ndays = 30\n";
    assert_problem("bad-horizon", bad, "scenario.days", "either years or days", 5);
}

#[test]
fn route_probabilities_over_one() {
    let bad = r#"base = "good.toml"

[[flows]]
name = "contact"
routes = [{ to = "assessment", probability = 0.7, group = "o" }, { to = "assessment", probability = 0.6, group = "o" }]
"#;
    assert_problem("route-probabilities", bad, "flows[0].routes[1].probability", "add up to 1.3", 5);
}

/// Not TOML: the array-of-tables header lacks its closing bracket.
const BROKEN: &str = r#"[scenario]
name = "small"
start = 2015-04-01
years = 1

[[flows]]
name = "contact"
effort_hours = { dist = "exponential", mean = 1 }
arrivals = { per_day = 10 }

[[roles]
name = "social_worker"
count = 4
hours_per_week = 37
caseload_cap = 15
skills = ["contact"]
"#;

#[test]
fn broken_toml() {
    let e = error_of("broken-toml", BROKEN);
    assert!(e.to_string().contains("bad.toml:11:"), "{e}");
}

#[test]
fn validate_exits_2_with_the_place_and_no_panic() {
    let path = bad_file("bad-scenario", NEGATIVE_RATE);
    let out = caseflow(&["validate"], &path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.toml:5:"), "{stderr}");
    assert!(stderr.contains("flows[0].arrivals.per_day: must be >= 0 (got -2)"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = caseflow(&["run"], &path);
    assert_eq!(out.status.code(), Some(2));
}
