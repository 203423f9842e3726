//! Reports: every chart is drawn from data, the headline agrees with the
//! CSV tables, and the HTML works in a real browser with no network.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use caseflow::runner::{self, RunConfig};
use caseflow::scenario;
use caseflow::summary::Stamp;
use caseflow::summary::doc::{ChartKind, Source};
use caseflow::summary::report;

use crate::harness::{caseflow, scratch_dir};

const REPS: &str = "40";
const SEED: &str = "9";

fn quickstart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml")
}

/// Run the quickstart through the command line into a fresh folder.
fn run_quickstart(name: &str) -> PathBuf {
    let out = scratch_dir(name);
    let q = quickstart();
    let run = caseflow(&["run", q.to_str().unwrap(), "-n", REPS, "--seed", SEED, "--quiet", "--out"], &out);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out.join("quickstart")
}

/// Rows of a CSV file as maps from column to value.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records().map(|rec| headers.iter().cloned().zip(rec.unwrap().iter().map(String::from)).collect()).collect()
}

#[test]
fn the_report_has_every_chart_with_data_and_its_headline_matches_the_tables() {
    let dir = run_quickstart("report-structure");
    // The same run through the library gives the report's data.
    let sc = scenario::load(&quickstart()).unwrap();
    let cfg = RunConfig { replications: REPS.parse().unwrap(), seed: SEED.parse().unwrap(), threads: None };
    let agg = runner::run(&sc.model, &cfg, &|| {}).unwrap();
    let stamp = Stamp::new(&sc.model.name, &sc.sha256, cfg.seed, cfg.replications);
    let rep = report::build(&sc.model, &agg, &stamp, &sc, None);

    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let charts = rep.charts();
    assert!(charts.len() >= 6, "expected at least six charts, got {}", charts.len());
    for chart in &charts {
        for ext in ["png", "svg"] {
            let path = dir.join("charts").join(format!("{}.{ext}", chart.id));
            let size = std::fs::metadata(&path).unwrap_or_else(|_| panic!("{} missing", path.display())).len();
            assert!(size > 5_000, "{} is only {size} bytes", path.display());
        }
        assert!(html.contains(&format!("data-chart=\"{}\"", chart.id)), "report.html lacks chart {}", chart.id);
        assert!(!chart.panels.is_empty(), "chart {} has no panels", chart.id);
        for panel in &chart.panels {
            assert!(!panel.series.is_empty(), "{}: panel {} has no series", chart.id, panel.title);
            for s in &panel.series {
                assert!(!s.x.is_empty(), "{}: {} is empty", chart.id, panel.title);
                assert!(s.p50.iter().all(|v| v.is_finite()), "{}: {} has gaps", chart.id, panel.title);
                if chart.kind != ChartKind::Histogram {
                    assert!(s.p10.iter().zip(&s.p90).all(|(a, b)| a <= b), "{}: P10 above P90", chart.id);
                }
            }
            let any = panel.series.iter().flat_map(|s| &s.p90).any(|&v| v > 0.0);
            assert!(any || chart.id == "backlog", "{}: {} is all zero", chart.id, panel.title);
        }
    }
    assert_eq!(html.matches("<svg").count(), charts.len(), "one inline SVG per chart");
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(attr), "the report must not load anything from the network ({attr})");
    }

    // Every headline figure equals the summary CSV's value.
    let kpis = read_csv(&dir.join("kpis.csv"));
    let totals = read_csv(&dir.join("totals_periods.csv"));
    let years = read_csv(&dir.join("year_totals.csv"));
    let sentences = rep.sentences();
    assert!(!sentences.is_empty());
    let mut checked = 0;
    for sentence in &sentences {
        assert!(html.contains(&caseflow::export::html::escape(&sentence.text)), "missing: {}", sentence.text);
        for fig in &sentence.figures {
            let row = match &fig.source {
                Source::Kpi { scope, name, metric } => kpis
                    .iter()
                    .find(|r| r["scope"] == *scope && r["name"] == *name && r["metric"] == *metric)
                    .unwrap_or_else(|| panic!("no kpis.csv row for {scope} {name} {metric}")),
                Source::TotalPeriod { metric, period } => totals
                    .iter()
                    .find(|r| r["metric"] == *metric && r["period"] == period.to_string())
                    .unwrap_or_else(|| panic!("no totals_periods.csv row for {metric} {period}")),
                Source::Year { year, metric } => years
                    .iter()
                    .find(|r| r["metric"] == *metric && r["financial_year"] == *year)
                    .unwrap_or_else(|| panic!("no year_totals.csv row for {metric} {year}")),
                other => panic!("the run report has no figure from {other:?}"),
            };
            for (col, v) in [("p10", fig.bands.p10), ("p50", fig.bands.p50), ("p90", fig.bands.p90)] {
                let csv: f64 = row[col].parse().unwrap();
                assert!((csv - v).abs() <= 1e-9 * v.abs().max(1.0), "{:?} {col}: CSV {csv}, headline {v}", fig.source);
            }
            checked += 1;
        }
    }
    assert!(checked >= 2, "too few headline figures checked");
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains(&sentences[0].text) && md.contains("charts/backlog.png"));
}

pub(crate) fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let out = Command::new("which").arg(name).output().ok()?;
        out.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    })
}

/// Load a page in headless Chromium with the network shut off; return
/// the DOM after scripts ran and the console messages.
pub(crate) fn browse(chrome: &Path, page: &Path, screenshot: &Path) -> (String, Vec<String>) {
    let profile = scratch_dir(&format!("chrome-{}", page.file_stem().unwrap().to_string_lossy()));
    let base = |cmd: &mut Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    };
    let url = format!("file://{}", page.display());
    let mut dump = Command::new(chrome);
    base(&mut dump);
    let out = dump.arg("--dump-dom").arg(&url).output().expect("chromium runs");
    let console: Vec<String> =
        String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.contains(":CONSOLE")).map(String::from).collect();
    let mut shot = Command::new(chrome);
    base(&mut shot);
    let status = shot
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg("--window-size=1280,3000")
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(screenshot.exists(), "no screenshot: {}", String::from_utf8_lossy(&status.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

/// The quickstart with two more social workers (8.5 FTE in the file).
const MORE: &str = r#"
[scenario]
name = "quickstart-more"

[[roles]]
name = "social_worker"
fte = 10.5
"#;

/// An overlay file's text: `base` naming the scenario at `base`, then `body`.
fn overlay_on(base: &Path, body: &str) -> String {
    let line = toml::Table::from_iter([("base".to_string(), toml::Value::from(base.display().to_string()))]);
    line.to_string() + body
}

#[test]
fn the_reports_render_in_a_browser_without_the_network() {
    let Some(chrome) = chromium() else {
        // CI installs Chromium (.ci/run), so there this always runs.
        eprintln!("skipped: no Chromium on this machine (CI installs it)");
        return;
    };
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/ci");
    std::fs::create_dir_all(&artifacts).unwrap();

    let dir = run_quickstart("report-browser");
    let (dom, console) = browse(&chrome, &dir.join("report.html"), &artifacts.join("report-screenshot.png"));
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(dom.contains("data-charts=\"ok\""), "a chart failed to render");

    // A comparison of the quickstart with a better-staffed variant: an
    // overlay file on it.
    let out = scratch_dir("compare-browser");
    let q = quickstart();
    let more = out.join("quickstart-more.toml");
    std::fs::write(&more, overlay_on(&q, MORE)).unwrap();
    let run = caseflow(&["compare", q.to_str().unwrap(), more.to_str().unwrap(), "-n", "20", "--quiet", "--out"], &out);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let page = out.join("compare-quickstart-vs-quickstart-more/compare.html");
    let (dom, console) = browse(&chrome, &page, &artifacts.join("compare-screenshot.png"));
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(dom.contains("data-charts=\"ok\""), "a comparison chart failed to render");
}

/// The assumptions list gives each flow's inputs as the file states them
/// (the rate, its growth and steps, the waiting list at the start and its
/// age, triage, what follows), not averages over the horizon.
#[test]
fn the_assumptions_list_states_the_files_inputs_not_horizon_averages() {
    let out = scratch_dir("report-inputs");
    let q = quickstart();
    let sets = [
        "flows.safeguarding.arrivals={ per_year = 1234, trend_per_year = 0.07, changes = [{ from = 2025-10-01, multiplier = 2 }] }",
        "flows.needs_assessment.initial={ waiting = 321, waiting_age_days = { dist = \"uniform\", min = 0, max = 90 } }",
        "flows.needs_assessment.triage=[0.2, 0.5, 0.3]",
        "roles.social_worker.dols_share=0.3",
        "roles.social_worker.dols_policy=\"fixed_share\"",
    ];
    let mut args = vec!["run", q.to_str().unwrap(), "-n", "4", "--quiet"];
    for s in &sets {
        args.extend(["--set", s]);
    }
    args.push("--out");
    let run = caseflow(&args, &out);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let md = std::fs::read_to_string(out.join("quickstart/report.md")).unwrap();
    let line = |label: &str| {
        md.lines().find(|l| l.starts_with(&format!("- **{label}**"))).unwrap_or_else(|| panic!("no line for {label}"))
    };
    let safeguarding = line("Flow: safeguarding");
    assert!(
        safeguarding.contains("arriving directly: 1,234 a year, growing 7% a year, ×2 from 2025-10-01"),
        "{safeguarding}"
    );
    let needs = line("Flow: needs assessment");
    assert!(needs.contains("321 waiting at the start, waiting uniform 0-90 days already"), "{needs}");
    assert!(needs.contains("triaged: high 20%, medium 50%, low 30%"), "{needs}");
    assert!(needs.contains("then 60% to review after uniform 42-56 days"), "{needs}");
    let sw = line("Role: social worker");
    assert!(sw.contains("30% of casework hours for DoLS, set aside each week"), "{sw}");
}

/// The Halton baseline with its BIAs giving DoLS a twentieth of their
/// casework hours: it cannot reproduce England's on-time share or backlog.
fn starved(dir: &Path) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/halton-2015-baseline.toml");
    let path = dir.join("starved.toml");
    let text = format!(
        "base = {:?}\n\n[scenario]\nname = \"starved\"\n\n[[roles]]\nname = \"social_worker_bia\"\ndols_share = 0.05\n",
        base.display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// "In short" of a scenario run for a few replications, and how many of
/// its observed figures the run misses.
fn in_short_of(path: &Path) -> (Vec<String>, usize) {
    let sc = scenario::load(path).unwrap();
    let cfg = RunConfig { replications: 20, seed: 1, threads: None };
    let agg = runner::run(&sc.model, &cfg, &|| {}).unwrap();
    let missed = report::today::checks(&sc.model, &agg).iter().filter(|c| !c.reproduced()).count();
    (report::in_short(&sc.model, &agg), missed)
}

#[test]
fn in_short_warns_first_when_the_run_does_not_start_where_the_council_stands() {
    // A scenario that misses some of its observed figures: the warning
    // comes before any figure, with the count the "today" section gives.
    let (council, missed) = in_short_of(&starved(&scratch_dir("in-short-not-reproduced")));
    assert!(missed > 0, "the starved scenario reproduces every figure");
    let first = &council[0];
    assert!(first.starts_with("Read these figures with care"), "{council:#?}");
    assert!(first.contains(&format!("does not reproduce {missed} of the ")), "{first}");
    // A scenario that gives no observed figures has nothing to warn of.
    let quickstart = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    let (quickstart, _) = in_short_of(&quickstart);
    assert!(quickstart.iter().all(|s| !s.contains("Read these figures with care")), "{quickstart:#?}");
}

#[test]
fn a_comparison_warns_first_when_its_baseline_does_not_start_where_the_council_stands() {
    let out = scratch_dir("compare-not-reproduced");
    let (base, other) =
        (starved(&out), Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/halton-2015-more-bias.toml"));
    let run =
        caseflow(&["compare", base.to_str().unwrap(), other.to_str().unwrap(), "-n", "20", "--quiet", "--out"], &out);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let md = std::fs::read_to_string(out.join("compare-starved-vs-halton-2015-more-bias/compare.md")).unwrap();
    let first = md.lines().find(|l| l.starts_with("- ")).unwrap_or_default();
    assert!(first.starts_with("- Read these differences with care: the baseline, starved, does not reproduce"), "{md}");
    // Mean days are those the run's headline and a DoLS return quote.
    assert!(md.contains("mean days to completion") && !md.contains("mean days to decision"), "{md}");
}

#[test]
fn the_budget_chart_sets_each_years_spend_against_its_budget() {
    use caseflow::results::BudgetMetric;
    use caseflow::stats::Bands;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/dols-2026.toml");
    let sc = scenario::load(&path).unwrap();
    assert!(!sc.model.budget.is_empty(), "dols-2026 has a DoLS budget");
    let cfg = RunConfig { replications: 8, seed: 3, threads: None };
    let agg = runner::run(&sc.model, &cfg, &|| {}).unwrap();
    let stamp = Stamp::new(&sc.model.name, &sc.sha256, cfg.seed, cfg.replications);
    let rep = report::build(&sc.model, &agg, &stamp, &sc, None);
    let charts = rep.charts();
    let chart = charts.iter().find(|c| c.id == "budget").expect("a chart of spend against budget");
    assert_eq!(chart.panels.len(), sc.model.budget.len(), "a panel per budget line");
    for (l, (panel, line)) in chart.panels.iter().zip(&sc.model.budget).enumerate() {
        let marker = panel.marker.as_ref().expect("the budget drawn over the bars");
        let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
        assert!(marker.steps.iter().zip(&line.per_year).all(|(&a, &b)| same(a, b)), "{:?}", marker.steps);
        assert_eq!(marker.steps.len(), sc.model.years.len());
        for (y, &p50) in panel.series[0].p50.iter().enumerate() {
            let spend = Bands::of(agg.budget(l, y, BudgetMetric::Spend));
            assert_eq!(p50, spend.p50, "year {y}: the bar is the spend the budget table gives");
        }
    }
}

#[test]
fn the_dual_role_bias_dols_hours_a_week_are_the_same_figure_wherever_said() {
    // The headline's "giving DoLS about N hours a week" and the sentence on
    // care management time lost read the same hours, and a share set aside
    // that the run did not use exactly is named beside the share used.
    let halton = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/halton-2015-baseline.toml");
    let (lines, _) = in_short_of(&halton);
    let text = lines.join("\n");
    let after = |marker: &str| {
        let i = text.find(marker).unwrap_or_else(|| panic!("no {marker:?} in {text}"));
        text[i + marker.len()..].split_whitespace().next().unwrap().to_string()
    };
    let said = after("giving DoLS about ");
    assert_eq!(said, after("hours to DoLS (about "), "{text}");
    let share: f64 = after("hours a week, ").trim_end_matches('%').parse().unwrap();
    let i = text.find("the casework of ").expect("the casework of N of their F FTE");
    let words: Vec<&str> = text[i..].split_whitespace().collect();
    let (of, fte): (f64, f64) = (words[3].parse().unwrap(), words[6].parse().unwrap());
    assert!((of - fte * share / 100.0).abs() < 0.1, "the casework of {of} of {fte} FTE at {share}%: {text}");
}

#[test]
fn a_dols_scenario_past_june_2026_without_the_ruling_says_it_leaves_it_out() {
    let shipped = |name: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    let says = |name: &str| {
        let (lines, _) = in_short_of(&shipped(name));
        lines.iter().any(|l| l.starts_with("This scenario leaves out the Supreme Court ruling of 2 June 2026"))
    };
    assert!(says("dols-2026-no-ruling.toml"), "runs to 2028 as if the law had not changed");
    assert!(!says("dols-2026.toml"), "has the ruling");
    assert!(!says("halton-2015-baseline.toml"), "ends in 2018");
}

#[test]
fn a_comparison_names_the_fees_of_what_any_scenario_buys_in() {
    let out = scratch_dir("compare-bought-in");
    let shipped = |name: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    let (base, other) = (shipped("halton-2015-baseline.toml"), shipped("halton-2015-independent-bias.toml"));
    let run =
        caseflow(&["compare", base.to_str().unwrap(), other.to_str().unwrap(), "-n", "10", "--quiet", "--out"], &out);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let md =
        std::fs::read_to_string(out.join("compare-halton-2015-baseline-vs-halton-2015-independent-bias/compare.md"))
            .unwrap();
    // The baseline buys in s12 doctors only; the other independent BIAs too.
    assert!(md.contains("bought-in assessment cost (s12 doctor and independent BIA)"), "{md}");
}

#[test]
fn a_staffing_answer_warns_first_when_the_scenario_does_not_start_where_the_council_stands() {
    let out = scratch_dir("staff-not-reproduced");
    let args = |path: &Path| {
        let o = out.to_str().unwrap().to_string();
        let path = path.to_str().unwrap().to_string();
        let v = ["staff", &path, "--vary", "roles.social_worker_bia.fte=19..21", "--target"];
        let mut a: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        a.extend(
            ["standard_dols.within_deadline >= 10%", "-n", "10", "--confirm", "10", "-q", "--force", "--out"]
                .map(String::from),
        );
        a.push(o);
        a
    };
    let answer = |path: &Path, name: &str| {
        let a = args(path);
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_caseflow")).args(&a).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let md = std::fs::read_to_string(out.join(format!("staff-{name}/staff.md"))).unwrap();
        md.split("## ").find(|s| s.starts_with("Answer")).unwrap_or_default().to_string()
    };
    let starved = answer(&starved(&out), "starved");
    let first = starved.lines().find(|l| l.starts_with("- ")).unwrap_or_default();
    assert!(first.starts_with("- Read this answer with care: starved, as it stands, does not reproduce"), "{starved}");
    let halton = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/halton-2015-baseline.toml");
    let calibrated = answer(&halton, "halton-2015-baseline");
    assert!(!calibrated.contains("Read this answer with care"), "{calibrated}");
}
