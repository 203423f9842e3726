//! The health check: caseloads of people follow Little's law, supervision
//! is time taken from casework, ratings move with the thresholds, every
//! figure of the summary is its table's, and the report renders whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use caseflow::engine::simulate;
use caseflow::history::{self, observed};
use caseflow::results::{RoleKpi, Scope, WorkforceMetric, workforce_scopes};
use caseflow::runner::{self, RunConfig};
use caseflow::scenario;
use caseflow::summary::Stamp;
use caseflow::summary::doc::Source;
use caseflow::summary::health::{self, Input};

use crate::harness::{caseflow, model, scratch_dir};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> PathBuf {
    root().join("scenarios/health-check-example.toml")
}

fn staff_history() -> PathBuf {
    root().join("data/health-check-example-staff.csv")
}

fn activity_history() -> PathBuf {
    root().join("data/health-check-example-activity.csv")
}

fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records().map(|rec| headers.iter().cloned().zip(rec.unwrap().iter().map(String::from)).collect()).collect()
}

/// Run the example's health check through the command line, with extra
/// arguments; return its folder.
fn health_check(name: &str, extra: &[&str]) -> PathBuf {
    health_check_searched(name, &[&["--no-search"], extra].concat())
}

/// As `health_check`, with the staffing search unless `extra` says `--no-search`.
fn health_check_searched(name: &str, extra: &[&str]) -> PathBuf {
    let out = scratch_dir(name);
    let (sc, staff, activity) = (example(), staff_history(), activity_history());
    let mut args = vec![
        "health-check",
        sc.to_str().unwrap(),
        "--staff-history",
        staff.to_str().unwrap(),
        "--activity-history",
        activity.to_str().unwrap(),
        "-n",
        "40",
        "--seed",
        "3",
        "--quiet",
    ];
    args.extend(extra);
    args.push("--out");
    let run = caseflow(&args, &out);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out.join("health-check-fenmouth-2026")
}

/// One flow of people, lightly loaded so nobody waits: each person is
/// allocated for the work's 10 days and then, half of them, 40 more.
const LITTLE: &str = r#"
[scenario]
name = "little"
start = 2026-01-01
years = 4
warmup_days = 200

[[flows]]
name = "assessment"
people = true
effort_hours = { dist = "fixed", value = 1 }
duration_days = { dist = "fixed", value = 10 }
arrivals = { per_year = 365 }
keep_allocated = { share = 0.5, days = { dist = "fixed", value = 40 }, hours_per_week = 0.5 }

[[roles]]
name = "social_worker"
fte = 20
hours_per_week = 37
casework_share = 0.7
caseload_cap = 100
skills = ["assessment"]
"#;

#[test]
fn people_allocated_follow_littles_law() {
    let m = model(LITTLE);
    let scopes = workforce_scopes(&m);
    let total = scopes.iter().position(|&s| s == Scope::Total).expect("a total scope");
    let reps = 20;
    let mut allocated = 0.0;
    for rep in 0..reps {
        allocated += simulate(&m, 11, rep).workforce_kpi(total, WorkforceMetric::PeopleAllocatedTotal);
    }
    allocated /= reps as f64;
    // One person a day, each allocated 10 days, and half of them 40 more.
    let expected = 1.0 * (10.0 + 0.5 * 40.0);
    assert!(
        (allocated - expected).abs() < 0.03 * expected,
        "mean allocated {allocated}, Little's law gives {expected}"
    );
    // Per worker: the same people over 20 workers.
    let per = simulate(&m, 11, 0).workforce_kpi(total, WorkforceMetric::PeopleAllocated);
    assert!((per - expected / 20.0).abs() < 0.1 * expected / 20.0, "per worker {per}");
}

/// Two workers always busy: a backlog far beyond the year, no absence.
const BUSY: &str = r#"
[scenario]
name = "busy"
start = 2026-01-01
years = 1

[[flows]]
name = "assessment"
effort_hours = { dist = "fixed", value = 10 }
duration_days = { dist = "fixed", value = 1 }
initial = { waiting = 5000 }

[[roles]]
name = "social_worker"
fte = 2
hours_per_week = 37
casework_share = 0.7
caseload_cap = 5
skills = ["assessment"]
"#;

#[test]
fn supervision_takes_exactly_its_hours_from_casework() {
    let without = model(BUSY);
    let with = model(&format!("{BUSY}\n[supervision]\nhours = 1.5\nevery = \"month\"\n"));
    let a = simulate(&without, 5, 0);
    let b = simulate(&with, 5, 0);
    let total = workforce_scopes(&with).iter().position(|&s| s == Scope::Total).unwrap();
    let given = b.workforce_kpi(total, WorkforceMetric::SupervisionDeliveredHours);
    let due = b.workforce_kpi(total, WorkforceMetric::SupervisionPlannedHours);
    // Monthly sessions for two workers over a year: 11 or 12 each, all
    // given (the policy keeps them).
    assert!((given - due).abs() < 1e-9, "given {given}, due {due}");
    let sessions = given / 1.5;
    assert!((22.0..=24.0).contains(&sessions), "{sessions} sessions");
    let fall = a.role_kpi(0, RoleKpi::HoursWorked) - b.role_kpi(0, RoleKpi::HoursWorked);
    assert!((fall - given).abs() < 1e-6 * given, "casework fell by {fall} hours, supervision took {given}");
}

#[test]
fn a_worker_above_the_safe_caseload_turns_the_rating_from_green() {
    let rating = |dir: &Path, role: &str| {
        read_csv(&dir.join("health_check.csv"))
            .into_iter()
            .find(|r| r["measure"] == "over_threshold_pct" && r["scope"] == "role" && r["name"] == role)
            .unwrap_or_else(|| panic!("no over_threshold_pct row for {role}"))
    };
    let safe = health_check("health-safe", &["--set", "health_check.caseload.social_worker=1000"]);
    let row = rating(&safe, "social_worker");
    assert_eq!(row["rating"], "green", "{row:?}");
    assert_eq!(row["p50"].parse::<f64>().unwrap(), 0.0);
    let tight = health_check("health-tight", &["--set", "health_check.caseload.social_worker=15"]);
    let row = rating(&tight, "social_worker");
    assert!(row["p50"].parse::<f64>().unwrap() > 0.0, "{row:?}");
    assert_ne!(row["rating"], "green", "{row:?}");
    assert!(row["reason"].contains("green at most"), "the reason names the limits: {row:?}");
}

#[test]
fn the_health_check_renders_every_section_and_its_summary_matches_the_tables() {
    let dir = health_check("health-sections", &[]);
    let html = std::fs::read_to_string(dir.join("health-check.html")).unwrap();
    let md = std::fs::read_to_string(dir.join("health-check.md")).unwrap();
    for id in ["summary", "standards", "caseloads", "supervision", "workforce", "last-year", "staffing", "method"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "health-check.html lacks section {id}");
    }
    assert!(html.contains("SYNTHETIC"), "the example is labelled synthetic");
    // A role that uses every casework hour is said to have no slack; one with slack is not.
    let wellbeing = |who: &str| {
        let row = format!("| {who}: share of casework hours worked |");
        md.lines().find(|l| l.contains(&row)).unwrap_or_else(|| panic!("no row {row}")).to_string()
    };
    let full = wellbeing("DoLS team BIAs");
    assert!(full.contains("| 100% (") && full.contains("no slack"), "{full}");
    assert!(!wellbeing("social workers").contains("no slack"));
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(attr), "the report must not load anything from the network ({attr})");
    }

    // The same year ahead through the library gives the report's figures.
    let sc = scenario::load(&example()).unwrap();
    let cfg = RunConfig { replications: 40, seed: 3, threads: None };
    let agg = runner::run(&sc.model, &cfg, &|| {}).unwrap();
    let stamp = Stamp::new(&sc.model.name, &sc.sha256, cfg.seed, cfg.replications);
    let staff = history::read(&staff_history()).unwrap();
    let activity = history::read(&activity_history()).unwrap();
    let seen = observed::of(&sc.model, &staff, &activity);
    let input = Input {
        model: &sc.model,
        agg: &agg,
        stamp: &stamp,
        scenario: &sc,
        observed: &seen,
        synthetic: true,
        histories: Vec::new(),
        staffing: &[],
        searched: true,
        without_dols: None,
        previous: None,
    };
    let doc = health::build(&input);
    let workforce = read_csv(&dir.join("workforce_kpis.csv"));
    let observed_rows = read_csv(&dir.join("observed.csv"));
    let summary = doc.section("summary").expect("a summary section");
    let sentences: Vec<_> = summary
        .blocks
        .iter()
        .flat_map(|b| match b {
            caseflow::summary::doc::Block::Sentences(list) => list.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert!(sentences.len() >= 4, "a summary of several sentences");
    let mut checked = 0;
    for sentence in &sentences {
        assert!(html.contains(&caseflow::export::html::escape(&sentence.text)), "missing: {}", sentence.text);
        assert!(md.contains(&sentence.text), "health-check.md lacks: {}", sentence.text);
        for fig in &sentence.figures {
            let close = |csv: f64, v: f64| (csv - v).abs() <= 1e-9 * v.abs().max(1.0);
            match &fig.source {
                Source::Workforce { scope, name, metric } => {
                    let row = workforce
                        .iter()
                        .find(|r| r["scope"] == *scope && r["name"] == *name && r["metric"] == *metric)
                        .unwrap_or_else(|| panic!("no workforce_kpis.csv row for {scope} {name} {metric}"));
                    for (col, v) in [("p10", fig.bands.p10), ("p50", fig.bands.p50), ("p90", fig.bands.p90)] {
                        let csv: f64 = row[col].parse().unwrap();
                        assert!(close(csv, v), "{:?} {col}: CSV {csv}, summary {v}", fig.source);
                    }
                }
                Source::Observed { scope, name, metric } => {
                    let row = observed_rows
                        .iter()
                        .find(|r| r["scope"] == *scope && r["name"] == *name && r["metric"] == *metric)
                        .unwrap_or_else(|| panic!("no observed.csv row for {scope} {name} {metric}"));
                    let csv: f64 = row["value"].parse().unwrap();
                    assert!(close(csv, fig.bands.p50), "{:?}: CSV {csv}, summary {}", fig.source, fig.bands.p50);
                }
                other => panic!("the health check's summary has a figure from {other:?}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} figures checked");
}

#[test]
fn last_years_health_check_is_compared_year_on_year() {
    // Last year's check forecast 2025/26, the year the histories record.
    let last = health_check("health-last-year", &["--set", "scenario.start=2025-04-01"]);
    let dir = health_check("health-this-year", &["--previous", last.to_str().unwrap()]);
    let html = std::fs::read_to_string(dir.join("health-check.html")).unwrap();
    assert!(html.contains("id=\"previous\""), "no year-on-year section");
}

#[test]
fn the_health_check_loads_in_a_browser_without_console_errors() {
    let Some(chrome) = crate::report::chromium() else {
        eprintln!("skipped: no Chromium on this machine (CI installs it)");
        return;
    };
    let artifacts = root().join("reports/ci");
    std::fs::create_dir_all(&artifacts).unwrap();
    let dir = health_check("health-browser", &[]);
    let (dom, console) =
        crate::report::browse(&chrome, &dir.join("health-check.html"), &artifacts.join("health-check-screenshot.png"));
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(dom.contains("data-charts=\"ok\""), "a chart failed to render");
}

/// The PSW's question whether DoLS pulls BIAs off care management: the
/// health check gives the hours DoLS takes from the social workers who are
/// BIAs, and the same futures with DoLS taking none of their time; the
/// report's section is the one the two runs make.
#[test]
fn the_health_check_says_what_dols_takes_from_the_bias_care_management() {
    use caseflow::results::{RoleKpi, Scope, WorkforceMetric, workforce_scopes};
    use caseflow::scenario::Change;
    let dir = health_check("health-dols", &[]);
    let md = std::fs::read_to_string(dir.join("health-check.md")).unwrap();

    let sc = scenario::load(&example()).unwrap();
    let roles = health::dual_roles(&sc.model);
    let bia = sc.model.roles.iter().position(|r| r.name == "social_worker_bia").unwrap();
    assert_eq!(roles, vec![bia], "the example's dual-role BIAs");
    let cfg = RunConfig { replications: 40, seed: 3, threads: None };
    let agg = runner::run(&sc.model, &cfg, &|| {}).unwrap();
    let changes = [
        Change::set("roles.social_worker_bia.dols_policy", "fixed_share"),
        Change::set("roles.social_worker_bia.dols_share", 0.0),
    ];
    let alt = scenario::load_with(&example(), &changes).unwrap();
    let without = runner::run(&alt.model, &cfg, &|| {}).unwrap();
    assert!(agg.role_kpi(bia, RoleKpi::HoursDols).quantile(0.5) > 500.0, "the BIAs give DoLS time");
    assert_eq!(without.role_kpi(bia, RoleKpi::HoursDols).quantile(0.9), 0.0, "and none in the other run");
    let scope = workforce_scopes(&sc.model).iter().position(|&s| s == Scope::Role(bia)).unwrap();
    let people =
        |a: &caseflow::stats::Aggregate| a.workforce_kpi(scope, WorkforceMetric::PeopleAllocated).quantile(0.5);
    assert!(people(&without) > people(&agg), "without DoLS the BIAs hold more people");

    let stamp = Stamp::new(&sc.model.name, &sc.sha256, cfg.seed, cfg.replications);
    let seen = observed::of(
        &sc.model,
        &history::read(&staff_history()).unwrap(),
        &history::read(&activity_history()).unwrap(),
    );
    let input = Input {
        model: &sc.model,
        agg: &agg,
        stamp: &stamp,
        scenario: &sc,
        observed: &seen,
        synthetic: true,
        histories: Vec::new(),
        staffing: &[],
        searched: true,
        without_dols: Some(&without),
        previous: None,
    };
    let doc = health::build(&input);
    let section = doc.section("dols").expect("a DoLS section");
    let mut lines = 0;
    for block in &section.blocks {
        match block {
            caseflow::summary::doc::Block::Paragraph(p) => {
                assert!(md.contains(p.as_str()), "health-check.md lacks: {p}");
                lines += 1;
            }
            caseflow::summary::doc::Block::Table(t) => {
                for row in &t.rows {
                    let line = format!("| {} |", row.join(" | "));
                    assert!(md.contains(&line), "health-check.md lacks the row {line}");
                    lines += 1;
                }
            }
            _ => {}
        }
    }
    assert!(lines >= 5, "the section says little: {lines} lines");
}

#[test]
fn the_staffing_section_explains_its_asks_with_the_tables_figures() {
    let dir = health_check_searched("health-staffing-why", &["--search-replications", "10"]);
    let md = std::fs::read_to_string(dir.join("health-check.md")).unwrap();
    let section = md.split("## Staffing to reach safe caseloads").nth(1).expect("a staffing section");
    // The first role found: its row's people per worker then, and safe caseload.
    let row = section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| role"))
        .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
        .find(|cells| cells.len() > 7 && cells[6] != "-")
        .expect("a role whose staffing was found");
    let people = row[6].split(" (").next().unwrap();
    let said =
        format!("{} then hold {people} people per worker in the median future, against a safe {}.", row[1], row[2]);
    assert!(section.contains(&said), "lacks: {said}\n{section}");
    // The people waiting it names are the summary's median.
    let summary = md.split("people would be waiting for allocation").next().unwrap();
    let waiting = summary.rsplit("in the year ahead, ").next().unwrap().split(" (").next().unwrap();
    assert!(section.contains(&format!("({waiting} at the end of a month in the year ahead)")), "{waiting}\n{section}");
}
