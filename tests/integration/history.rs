//! History: reading it strictly, fitting it, and backtesting against it.

use caseflow::backtest::{self, BacktestOptions};
use caseflow::engine::simulate;
use caseflow::history::simulated;
use caseflow::history::{self, FitOptions, History};
use caseflow::runner::{self, RunConfig};
use caseflow::scenario::{self, Change};

use crate::harness::{caseflow, scratch_dir, sets};

fn errors_of(text: &str) -> String {
    match history::read::parse(text, "history.csv") {
        Ok(h) => panic!("expected an error for:\n{text}\ngot {h:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn malformed_history_gets_clear_errors() {
    let cases = [
        ("", "the file is empty"),
        ("period,flow,count\n", "no data rows"),
        ("period,flow,cnt\n2015-04,a,1\n", "history.csv:1: missing column 'count'"),
        ("period,flow,count,colour\n2015-04,a,1,red\n", "history.csv:1: unknown column 'colour'"),
        ("period,flow,count\nApril 2015,a,1\n", "history.csv:2: period 'April 2015' is not a period"),
        ("period,flow,count\n2015-13,a,1\n", "history.csv:2: period '2015-13' is not a"),
        ("period,flow,count\n2015-04,a,-3\n", "history.csv:2: count must be a number >= 0 (got -3)"),
        ("period,flow,count\n2015-04,a,many\n", "history.csv:2: count must be a number >= 0 (got 'many')"),
        ("period,flow,count\n2015-04,a,2.5\n", "history.csv:2: count must be a whole number"),
        (
            "period,flow,count\n2015-04,a,1\n2015-05,a,1\n2015-04,a,2\n",
            "history.csv:4: duplicate period 2015-04 for 'a' (also at line 2)",
        ),
        ("period,flow,count\n2015/16,a,10\n2015-06,a,1\n", "history.csv:3: period 2015-06 overlaps 2015/16 for 'a'"),
        ("period,flow,count\n2015-04,a,1,9\n", "history.csv:2: not a CSV row"),
        ("period,flow,count\n2015-04,,1\n", "history.csv:2: the flow is empty"),
        ("period,role,starters,leavers\n2015-04,sw,1,2\n", "missing column 'in_post'"),
    ];
    for (text, wanted) in cases {
        let e = errors_of(text);
        assert!(e.contains(wanted), "for {text:?} wanted {wanted:?}, got:\n{e}");
    }
}

#[test]
fn fit_exits_2_on_bad_history_with_the_line() {
    let dir = scratch_dir("bad-history");
    let path = dir.join("bad.csv");
    std::fs::write(&path, "period,flow,count\n2015-04,a,1\n2015-05,a,-1\n").unwrap();
    let out = caseflow(&["fit"], &path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.csv:3: count must be a number >= 0"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

/// The synthetic council (data/synthetic-*.csv come from it): known
/// demand and turnover.
fn synthetic() -> caseflow::model::Model {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/synthetic-council.toml");
    scenario::load(path.as_ref()).unwrap().model
}

#[test]
fn fitting_recovers_what_the_simulator_was_given() {
    // Stated tolerances: level within 5%, trend within 2 points, monthly
    // factors within 0.08, no seasonality invented for flat flows;
    // turnover within 0.04 a year, recruitment lag within 35%.
    let m = synthetic();
    for seed in [3, 4, 5] {
        let r = simulate(&m, seed, 0);
        let rows = simulated::activity(&m, &r);
        let mut text = String::from("period,flow,count\n");
        for row in &rows {
            text.push_str(&format!("{},{},{}\n", row.period, row.flow, row.count));
        }
        let History::Activity(series) = history::read::parse(&text, "synthetic").unwrap() else { panic!() };
        let at = "2025-04-01".parse().unwrap();
        let opts = FitOptions { at: Some(at), ..FitOptions::default() };
        let fit =
            |name: &str| history::fit(name, &series.iter().find(|s| s.name == name).unwrap().points, &opts).unwrap();
        // contact: 6,000 a year growing 4% from April 2019, with seasonality.
        let c = fit("contact");
        let level = 6000.0 * 1.04f64.powi(6);
        assert!((c.per_year / level - 1.0).abs() < 0.05, "seed {seed}: contact level {} vs {level}", c.per_year);
        assert!((c.trend_per_year - 0.04).abs() < 0.02, "seed {seed}: contact trend {}", c.trend_per_year);
        let season = [1.2, 1.1, 1.0, 0.95, 0.9, 0.9, 0.85, 0.85, 0.95, 1.0, 1.1, 1.2];
        let mean = season.iter().sum::<f64>() / 12.0;
        assert_eq!(c.seasonality.len(), 12, "seed {seed}: seasonality not found");
        for (got, want) in c.seasonality.iter().zip(season) {
            assert!((got - want / mean).abs() < 0.08, "seed {seed}: {:?}", c.seasonality);
        }
        // needs assessments: flat 2,400, over-dispersed (0.02).
        let n = fit("needs_assessment");
        assert!((n.per_year / 2400.0 - 1.0).abs() < 0.08, "seed {seed}: {}", n.per_year);
        assert!(n.trend_per_year.abs() < 0.03, "seed {seed}: {}", n.trend_per_year);
        assert!(n.seasonality.is_empty(), "seed {seed}: seasonality invented: {:?}", n.seasonality);
        assert!(n.dispersion > 0.003 && n.dispersion < 0.05, "seed {seed}: dispersion {}", n.dispersion);
        // safeguarding: 1,200 growing 6%.
        let s = fit("safeguarding");
        assert!((s.per_year / (1200.0 * 1.06f64.powi(6)) - 1.0).abs() < 0.05, "seed {seed}: {}", s.per_year);
        assert!((s.trend_per_year - 0.06).abs() < 0.02, "seed {seed}: {}", s.trend_per_year);
        assert!(s.seasonality.is_empty(), "seed {seed}");

        let staff = simulated::staff(&m, &r);
        let mut text = String::from("period,role,starters,leavers,in_post,vacancies\n");
        for row in &staff {
            text.push_str(&format!(
                "{},{},{},{},{},{}\n",
                row.period, row.role, row.starters, row.leavers, row.in_post, row.vacancies
            ));
        }
        let History::Staff(roles) = history::read::parse(&text, "staff").unwrap() else { panic!() };
        let f = history::fit_staff("social_worker", &roles[0].1, &FitOptions::default()).unwrap();
        assert!((f.turnover_per_year - 0.15).abs() < 0.04, "seed {seed}: turnover {}", f.turnover_per_year);
        let lag = f.recruitment_days.unwrap();
        assert!((lag / 120.0 - 1.0).abs() < 0.35, "seed {seed}: recruitment lag {lag}");
    }
}

/// Contacts forecast from the synthetic council's history. The history
/// path is relative to the scenario, which is named as if it were a file
/// in the crate root (`FROM_HISTORY_FILE`).
const FROM_HISTORY: &str = r#"
[scenario]
name = "from-history"
start = 2025-04-01
years = 1

[[flows]]
name = "contact"
effort_hours = { dist = "fixed", value = 0.5 }
duration_days = { dist = "fixed", value = 1 }
arrivals = { history = "data/synthetic-activity.csv" }

[[roles]]
name = "worker"
fte = 10
hours_per_week = 37
caseload_cap = 100
skills = ["contact"]
"#;

const FROM_HISTORY_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/from-history.toml");

fn from_history(changes: &[Change]) -> Result<caseflow::model::Model, caseflow::scenario::ScenarioError> {
    scenario::parse_with(FROM_HISTORY, FROM_HISTORY_FILE, changes)
}

#[test]
fn a_scenario_can_take_its_arrivals_from_history() {
    let m = from_history(&[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.inputs.len(), 1, "the history file is recorded with its hash");
    let a = m.flows[0].arrivals.as_ref().unwrap();
    assert!(a.level_cv > 0.0 && a.trend_sd > 0.0, "the fit's uncertainty is carried into the forecast");
    let agg = runner::run(&m, &RunConfig { replications: 20, seed: 1, threads: None }, &|| {}).unwrap();
    let per_year = agg.flow_kpi(0, caseflow::results::FlowKpi::Arrivals).mean();
    // data/synthetic-activity.csv: about 7,500 contacts a year by April 2025.
    assert!((6800.0..8400.0).contains(&per_year), "{per_year}");

    let e = from_history(&sets(&["flows.contact.arrivals.flow=\"contacts\""])).unwrap_err();
    assert!(e.mentions("flows[0].arrivals.flow", "has no flow 'contacts'"), "{e}");
    let e = from_history(&sets(&["flows.contact.arrivals.history=\"data/no-such.csv\""])).unwrap_err();
    assert!(e.mentions("flows[0].arrivals.history", "cannot read"), "{e}");
    let e = from_history(&sets(&["flows.contact.arrivals.per_year=5"])).unwrap_err();
    assert!(e.mentions("flows[0].arrivals.per_year", "fitted from the history file"), "{e}");
}

#[test]
fn backtesting_the_synthetic_council_covers_about_as_often_as_it_should() {
    // Train on four years of the synthetic history, forecast the last two:
    // the data come from the model, so the bands should cover near their
    // nominal rates.
    let dir = env!("CARGO_MANIFEST_DIR");
    let path = format!("{dir}/data/synthetic-activity.csv");
    let History::Activity(series) = history::read(path.as_ref()).unwrap() else { panic!() };
    let sc_path = format!("{dir}/scenarios/synthetic-council.toml");
    let sc = scenario::load(sc_path.as_ref()).unwrap();
    let opts =
        BacktestOptions { train_until: "2023-03-31".parse().unwrap(), from: None, steps: Vec::new(), trend: None };
    let plan = backtest::plan(&sc.model, &series, &opts).unwrap();
    assert_eq!(plan.flows.len(), 3);
    let m = scenario::load_with(sc_path.as_ref(), &backtest::changes(&path, &plan, &opts)).unwrap().model;
    assert_eq!(m.start, "2023-04-01".parse().unwrap());
    let agg = runner::run(&m, &RunConfig { replications: 60, seed: 2, threads: None }, &|| {}).unwrap();
    let checks = backtest::checks(&m, &agg, &series, &plan);
    assert_eq!(checks.len(), 3 * 24, "two years of months for three flows");
    let (c80, c90) = backtest::coverage(&checks);
    eprintln!("synthetic backtest coverage: {c80:.2} in P10-P90, {c90:.2} in P5-P95");
    assert!((0.6..=0.97).contains(&c80), "P10-P90 coverage {c80}");
    assert!(c90 >= c80);
}

#[test]
fn the_backtest_command_writes_its_report() {
    let out = scratch_dir("backtest-cli");
    let dir = env!("CARGO_MANIFEST_DIR");
    let run = caseflow(
        &[
            "backtest",
            &format!("{dir}/scenarios/synthetic-council.toml"),
            &format!("{dir}/data/synthetic-activity.csv"),
            "--train-until",
            "2024-03-31",
            "-n",
            "20",
            "--quiet",
            "--out",
        ],
        &out,
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let d = out.join("backtest-synthetic-council");
    let csv = std::fs::read_to_string(d.join("backtest.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 12);
    assert!(d.join("charts/backtest.png").exists() && d.join("backtest.md").exists());
}

const SUPPLY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/national-dols-supply.toml");

#[test]
fn bought_in_capacity_grows_each_month_until_a_plan_sets_it() {
    let weekly = |changes: &[&str]| -> Vec<f64> {
        let m = scenario::load_with(SUPPLY.as_ref(), &sets(changes)).unwrap().model;
        let r = m.roles.iter().find(|r| r.name == "assessors").unwrap();
        r.plan
            .iter()
            .filter_map(|s| match s.change {
                caseflow::model::workforce::PlanChange::PerWeek(w) => Some(w),
                _ => None,
            })
            .collect()
    };
    let grown = weekly(&["roles.assessors.per_week=12", "roles.assessors.growth_per_year=0.1"]);
    assert_eq!(grown.len(), 35, "a step at each month start after the first of three years");
    assert!((grown[11] - 13.2).abs() < 1e-9, "a year on: 12 x 1.1, got {}", grown[11]);
    let planned = weekly(&[
        "roles.assessors.per_week=12",
        "roles.assessors.growth_per_year=0.1",
        "roles.assessors.plan=[{ from = 2017-04-01, per_week = 5 }]",
    ]);
    assert_eq!(planned.len(), 12, "growth until the plan's step, then the step");
    assert_eq!(planned.last(), Some(&5.0));
    let staff = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/dols-2026.toml");
    let e = scenario::load_with(staff.as_ref(), &sets(&["roles.dols_bia.growth_per_year=0.1"])).unwrap_err();
    let e = e.to_string();
    assert!(e.contains("roles[0].growth_per_year") && e.contains("staff roles do not take growth_per_year"), "{e}");
}

#[test]
fn history_arrivals_scale_the_fitted_rate() {
    let rate = |changes: &[&str]| {
        let m = scenario::load_with(SUPPLY.as_ref(), &sets(changes)).unwrap().model;
        m.flows[0].arrivals.as_ref().unwrap().segments[0].rate_per_day
    };
    let ratio = rate(&[]) / rate(&["flows.dols_received.arrivals.scale=1"]);
    assert!((ratio - 0.006579).abs() < 1e-12, "{ratio}");
    let e = scenario::load_with(SUPPLY.as_ref(), &sets(&["flows.dols_received.arrivals.scale=0"])).unwrap_err();
    let e = e.to_string();
    assert!(e.contains("flows[0].arrivals.scale") && e.contains("must be above 0"), "{e}");
}

#[test]
fn the_supply_backtest_runs_on_the_national_figures_and_states_the_coverage_it_computes() {
    let out = scratch_dir("backtest-supply");
    let run = caseflow(
        &[
            "backtest",
            "scenarios/national-dols-supply.toml",
            "data/national-dols.csv",
            "--observed",
            "data/national-dols-snapshots.csv",
            "--train-until",
            "2019-03-31",
            "--step",
            "2014-03-19",
            "--trend",
            "damped",
            "-n",
            "8",
            "--max-runs",
            "6",
            "--calibration-replications",
            "3",
            "--out",
        ],
        &out,
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let d = out.join("backtest-national-dols-supply");
    let md = std::fs::read_to_string(d.join("backtest.md")).unwrap();
    let mut rows = csv::Reader::from_path(d.join("backtest.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let number = |r: &csv::StringRecord, i: usize| r[i].parse::<f64>().unwrap();
    // The four series (and demand), each held-out year after the training date.
    let series = [
        ("received of dols_received", 5),
        ("completed of urgent_dols+standard_dols", 5),
        ("backlog of urgent_dols+standard_dols", 5),
        ("mean_days of urgent_dols+standard_dols", 4),
        ("within_deadline of standard_dols", 4),
    ];
    assert_eq!(rows.len(), series.iter().map(|s| s.1).sum::<usize>());
    for (name, held_out) in series {
        let mine: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == name).collect();
        assert_eq!(mine.len(), held_out, "{name}");
        assert!(mine.iter().all(|r| &r[1][..4] >= "2019"), "{name}: held-out periods only");
        let inside = mine.iter().filter(|r| {
            let (actual, p10, p90) = (number(r, 2), number(r, 4), number(r, 6));
            assert_eq!(&r[8] == "true", p10 <= actual && actual <= p90, "{name} {}", &r[1]);
            &r[8] == "true"
        });
        let inside = inside.count();
        let widths: Vec<f64> = mine.iter().map(|r| (number(r, 6) - number(r, 4)) / 2.0 / number(r, 5)).collect();
        let mean = widths.iter().sum::<f64>() / widths.len() as f64;
        let share = format!("{inside} of {held_out} ({:.0}%)", 100.0 * inside as f64 / held_out as f64);
        let width = format!("±{:.0}%", 100.0 * mean);
        let said = stdout.lines().find(|l| l.starts_with(name) && l.contains(" of ") && l.contains('±'));
        let said = said.unwrap_or_else(|| panic!("no coverage line for {name} in:\n{stdout}"));
        assert!(said.contains(&share) && said.contains(&width), "{said}: expected {share} and {width}");
        assert!(md.contains(&format!("| {name} | {share} | {width} |")), "{name}: {share} {width} not in backtest.md");
    }
    assert!(md.contains("1/152") && md.contains("--supply pace"), "the report says the scale and the supply rule");
}
