//! Demand fits that level off, choose their form on held-out error, and
//! say when they cannot be trusted (issues 11 and 13).

use caseflow::engine::simulate;
use caseflow::history::simulated;
use caseflow::history::{self, Fit, FitError, FitOptions, History, Series, TrendForm};
use caseflow::scenario;
use caseflow::units::DAYS_PER_YEAR;

use crate::harness::{caseflow, model, scratch_dir};

/// One flow with the given arrivals, reported by month over `years`.
fn scenario_with(arrivals: &str, years: u32) -> String {
    format!(
        r#"
[scenario]
name = "fitting"
start = 2015-04-01
years = {years}

[[flows]]
name = "demand"
effort_hours = {{ dist = "fixed", value = 1 }}
duration_days = {{ dist = "fixed", value = 1 }}
arrivals = {arrivals}

[[roles]]
name = "bought"
kind = "bought_in"
per_week = 10000
fee = 0
skills = ["demand"]
"#
    )
}

/// One replication's monthly arrivals as history.
fn simulated_history(arrivals: &str, years: u32, seed: u64) -> Series {
    let m = model(&scenario_with(arrivals, years));
    let r = simulate(&m, seed, 0);
    let mut text = String::from("period,flow,count\n");
    for row in simulated::activity(&m, &r) {
        text.push_str(&format!("{},{},{}\n", row.period, row.flow, row.count));
    }
    let History::Activity(mut series) = history::read::parse(&text, "simulated").unwrap() else { panic!() };
    series.remove(0)
}

fn history_of(text: &str) -> Series {
    let History::Activity(mut series) = history::read::parse(text, "test.csv").unwrap() else { panic!() };
    series.remove(0)
}

fn fit_with(s: &Series, opts: &FitOptions) -> Result<Fit, FitError> {
    history::fit(&s.name, &s.points, opts)
}

/// Demand rising fast and levelling off: 3,000 a year at the start,
/// growing 50% in the first year, each year's growth 0.6 of the last's
/// (a ceiling of 3,000 x 1.5^2.5, about 8,300), a little over-dispersed.
const DAMPED: &str = "{ per_year = 3000, trend_per_year = 0.5, damping = 0.6, dispersion = 0.002 }";
/// Steady growth of 8% a year.
const STEADY: &str = "{ per_year = 3000, trend_per_year = 0.08, dispersion = 0.002 }";

#[test]
fn issue_11_the_damped_trend_recovers_what_the_simulator_was_given() {
    // Stated tolerances: damping within 0.1, first-year growth within 10
    // points, level at the start within 8%, over six years of months.
    let at = "2015-04-01".parse().unwrap();
    for seed in [1, 2, 3] {
        let s = simulated_history(DAMPED, 6, seed);
        let opts = FitOptions { at: Some(at), trend: Some(TrendForm::Damped), ..FitOptions::default() };
        let f = fit_with(&s, &opts).unwrap();
        assert_eq!(f.form, TrendForm::Damped);
        assert!((f.damping - 0.6).abs() < 0.1, "seed {seed}: damping {}", f.damping);
        assert!((f.trend_per_year - 0.5).abs() < 0.1, "seed {seed}: growth {}", f.trend_per_year);
        assert!((f.per_year / 3000.0 - 1.0).abs() < 0.08, "seed {seed}: level {}", f.per_year);
        assert!(f.damping_se > 0.0 && f.damping_se < 0.2, "seed {seed}: damping se {}", f.damping_se);
        assert!(f.level_cv > 0.0 && f.trend_sd > 0.0, "seed {seed}: the fit's uncertainty is carried");
    }
}

#[test]
fn issue_11_a_fitted_damped_trend_pastes_into_a_scenario_and_levels_off() {
    // The printed line loads, and its monthly rates follow the curve:
    // growth slowing year on year toward the ceiling.
    let s = simulated_history(DAMPED, 6, 4);
    let f = fit_with(&s, &FitOptions { trend: Some(TrendForm::Damped), ..FitOptions::default() }).unwrap();
    let line = f.toml();
    assert!(line.contains("damping = "), "{line}");
    let m = model(&scenario_with(line.trim_start_matches("arrivals = "), 10));
    let a = m.flows[0].arrivals.as_ref().unwrap();
    let year = |y: f64| a.expected(y * DAYS_PER_YEAR, (y + 1.0) * DAYS_PER_YEAR);
    let growth: Vec<f64> = (0..9).map(|y| year(y as f64 + 1.0) / year(y as f64)).collect();
    for w in growth.windows(2) {
        assert!(w[1] < w[0] + 1e-9, "growth must slow: {growth:?}");
    }
    let ceiling = f.per_year * (f.trend_per_year.ln_1p() / (1.0 - f.damping)).exp();
    assert!(year(9.0) < ceiling && year(9.0) > 0.9 * ceiling, "{} vs ceiling {ceiling}", year(9.0));
}

#[test]
fn issue_11_the_form_is_chosen_on_held_out_error() {
    // Five seeds each: the steady series keeps the log-linear form and the
    // levelling-off one takes the damped form at least four times in five.
    let chosen = |arrivals: &str| -> Vec<Fit> {
        (10..15).map(|seed| fit_with(&simulated_history(arrivals, 6, seed), &FitOptions::default()).unwrap()).collect()
    };
    let steady = chosen(STEADY);
    let damped = chosen(DAMPED);
    for f in steady.iter().chain(&damped) {
        let (l, d) = f.selection.errors.expect("six years of months are enough to compare");
        assert!(l.is_finite() && d.is_finite() && f.selection.forecasts > 1);
        assert!(f.diagnostics().contains("held-out error of"), "{}", f.diagnostics());
    }
    let log_linear = steady.iter().filter(|f| f.form == TrendForm::LogLinear).count();
    let levelled = damped.iter().filter(|f| f.form == TrendForm::Damped).count();
    assert!(log_linear >= 4, "steady growth kept log-linear {log_linear} times in 5");
    assert!(levelled >= 4, "levelling-off demand chose the damped form {levelled} times in 5");
    for f in &damped {
        if f.form == TrendForm::Damped {
            let (l, d) = f.selection.errors.unwrap();
            assert!(d < l, "the damped form won on held-out error: {l} vs {d}");
        }
    }
}

#[test]
fn issue_11_fits_resting_on_too_few_points_are_warned_about() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let national = format!("{dir}/data/national-dols.csv");
    let History::Activity(series) = history::read(national.as_ref()).unwrap() else { panic!() };
    let dols = series.iter().find(|s| s.name == "dols_received").unwrap();
    let opts = FitOptions {
        until: Some("2017-03-31".parse().unwrap()),
        steps: vec!["2014-03-19".parse().unwrap()],
        ..FitOptions::default()
    };
    let f = fit_with(dols, &opts).unwrap();
    assert!(f.warnings.iter().any(|w| w.contains("3 periods after the step change of 2014-03-19")), "{:?}", f.warnings);
    assert!(f.diagnostics().contains("# warning: the fit rests on 3 periods"), "{}", f.diagnostics());
    // Two points and no step.
    let two = history_of("period,flow,count\n2012/13,dols,50\n2014-04-01..2014-09-30,dols,87\n");
    let f = fit_with(&two, &FitOptions::default()).unwrap();
    assert!(f.warnings.iter().any(|w| w.contains("rests on 2 periods")), "{:?}", f.warnings);
    // Six years of months: no such warning.
    let f = fit_with(&simulated_history(STEADY, 6, 1), &FitOptions::default()).unwrap();
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);

    // Carried to a scenario that fits at load time: it loads, with the warning.
    let text = scenario_with(
        &format!("{{ history = \"{national}\", flow = \"dols_received\", until = 2017-03-31, steps = [2014-03-19] }}"),
        1,
    );
    let m = model(&text);
    assert!(
        m.warnings.iter().any(|w| w.starts_with("flows[0].arrivals.history: ") && w.contains("3 periods after")),
        "{:?}",
        m.warnings
    );
    // ... and shown by validate.
    let scratch = scratch_dir("few-points");
    let path = scratch.join("few.toml");
    std::fs::write(&path, &text).unwrap();
    let out = caseflow(&["validate"], &path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("warning: ") && stderr.contains("3 periods after the step change"), "{stderr}");
}

/// `n` months near 500, the third of them `odd` (line 4).
fn months_with(n: usize, odd: u32) -> String {
    let mut text = String::from("period,flow,count\n");
    for i in 0..n {
        let c = if i == 2 { odd } else { [510, 488, 495, 530, 502, 480, 515][i % 7] };
        text.push_str(&format!("{}-{:02},demand,{c}\n", 2015 + (i + 3) / 12, (i + 3) % 12 + 1));
    }
    text
}

#[test]
fn issue_13_a_mistyped_count_is_refused_before_it_can_flood_a_run() {
    let s = history_of(&months_with(8, 1_000_000));
    let e = fit_with(&s, &FitOptions::default()).unwrap_err();
    assert!(matches!(e, FitError::Outlier { line: 4, .. }), "{e:?}");
    let message = e.to_string();
    assert!(message.contains("2015-06") && message.contains("line 4") && message.contains("typing error"), "{message}");
    // The scenario that fits at load time is refused at the key.
    let scratch = scratch_dir("outlier");
    let csv = scratch.join("outlier.csv");
    std::fs::write(&csv, months_with(8, 1_000_000)).unwrap();
    let text = scenario_with(&format!("{{ history = \"{}\" }}", csv.display()), 1);
    let e = scenario::parse(&text, "test.toml").unwrap_err();
    assert!(e.mentions("flows[0].arrivals.history", "2015-06 (1,000,000, line 4)"), "{e}");
    // A count three times too big among 18 months is flagged but fitted.
    let f = fit_with(&history_of(&months_with(18, 1_500)), &FitOptions::default()).unwrap();
    assert!(f.warnings.iter().any(|w| w.contains("2015-06 at line 4 (1,500)")), "{:?}", f.warnings);
    // Clean counts raise nothing.
    let f = fit_with(&history_of(&months_with(18, 505)), &FitOptions::default()).unwrap();
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

#[test]
fn issue_13_absurd_trends_are_refused() {
    // 1 then 1,000 a month: growth of about 1e36 a year.
    let s = history_of("period,flow,count\n2015-04,demand,1\n2015-05,demand,1000\n");
    let e = fit_with(&s, &FitOptions::default()).unwrap_err();
    assert!(matches!(e, FitError::Absurd { .. }), "{e:?}");
    assert!(e.to_string().contains("not believable") && e.to_string().contains("step change"), "{e}");
    // A tenfold typo in eight months: the trend's uncertainty is absurd,
    // and the refusal names the count that caused it.
    let e = fit_with(&history_of(&months_with(8, 5_000)), &FitOptions::default()).unwrap_err();
    assert!(matches!(e, FitError::Absurd { .. }), "{e:?}");
    assert!(e.to_string().contains("2015-06 at line 4"), "{e}");
    // A fall of a tenth a year or faster.
    let s = history_of("period,flow,count\n2015/16,demand,10000\n2016/17,demand,900\n2017/18,demand,80\n");
    let e = fit_with(&s, &FitOptions::default()).unwrap_err();
    assert!(e.to_string().contains("fall of"), "{e}");
}

#[test]
fn issue_13_no_advice_about_step_changes_that_were_never_given() {
    // Counts that fall to zero and stay there never converge.
    let text = "period,flow,count\n2015/16,demand,100\n2016/17,demand,0\n2017/18,demand,0\n2018/19,demand,0\n";
    let e = fit_with(&history_of(text), &FitOptions::default()).unwrap_err();
    assert!(matches!(e, FitError::NoConvergence { steps: 0, .. }), "{e:?}");
    assert!(!e.to_string().contains("fewer step changes"), "{e}");
    assert!(e.to_string().contains("fall to zero"), "{e}");
    let steps = FitOptions { steps: vec!["2016-06-01".parse().unwrap()], ..FitOptions::default() };
    let e = fit_with(&history_of(text), &steps).unwrap_err();
    assert!(e.to_string().contains("fewer step changes"), "{e}");
}

/// Every `arrivals = ...` line `caseflow fit` printed in a flow, and each
/// role's `turnover_per_year` and `recruitment_days` lines in a role (with
/// a recruitment lag of its own when the fit could not give one): they
/// must load. Returns how many blocks were checked.
fn check_printed_lines_load(stdout: &str, what: &str) -> usize {
    let mut checked = 0;
    for block in stdout.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
        let mut texts = Vec::new();
        for line in &lines {
            if let Some(arrivals) = line.strip_prefix("arrivals = ") {
                texts.push((line.to_string(), scenario_with(arrivals, 1)));
            }
        }
        if texts.is_empty() && !lines.is_empty() {
            let mut role = lines.join("\n");
            if !role.contains("recruitment_days") {
                role.push_str("\nrecruitment_days = { dist = \"exponential\", mean = 90 }");
            }
            let text = format!(
                "{}\n[[roles]]\nname = \"staff\"\nfte = 2\nhours_per_week = 37\ncaseload_cap = 10\nskills = [\"demand\"]\n{role}\n",
                scenario_with("{ per_year = 10 }", 1)
            );
            texts.push((role, text));
        }
        for (lines, text) in texts {
            if let Err(e) = scenario::parse(&text, "test.toml") {
                panic!("{what}: the printed lines do not load:\n{lines}\n{e}");
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn issue_13_every_line_fit_prints_loads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv") && !p.display().to_string().contains("snapshots"))
        .collect();
    files.sort();
    // And histories made to break fits.
    let scratch = scratch_dir("fit-lines");
    for (name, text) in [
        ("typo-x3.csv", months_with(18, 1_500)),
        ("typo-x10.csv", months_with(8, 5_000)),
        ("zeros.csv", "period,flow,count\n2015/16,a,100\n2016/17,a,20\n2017/18,a,1\n2018/19,a,0\n".into()),
        ("two.csv", "period,flow,count\n2015-04,a,3\n2015-05,a,0\n".into()),
        // Growth of 1e36 and a fall to 1e-36 a year: the fit used to print them.
        ("jump.csv", "period,flow,count\n2015-04,a,1\n2015-05,a,1000\n".into()),
        ("drop.csv", "period,flow,count\n2015-04,a,1000\n2015-05,a,1\n".into()),
    ] {
        let p = scratch.join(name);
        std::fs::write(&p, text).unwrap();
        files.push(p);
    }
    let flag_sets: [&[&str]; 5] = [
        &[],
        &["--trend", "damped"],
        &["--step", "2014-03-19"],
        &["--step", "2014-03-19", "--until", "2017-03-31"],
        &["--step", "2014-03-19", "--until", "2017-03-31", "--trend", "damped"],
    ];
    let mut checked = 0;
    for file in &files {
        for flags in flag_sets {
            let args: Vec<&str> = std::iter::once("fit").chain(flags.iter().copied()).collect();
            let out = caseflow(&args, file);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{stderr}");
            checked += check_printed_lines_load(&stdout, &format!("fit {} {flags:?}", file.display()));
        }
    }
    assert!(checked > 40, "only {checked} lines checked");
}

#[test]
fn issue_11_the_trend_keys_are_checked_with_their_paths() {
    let national = concat!(env!("CARGO_MANIFEST_DIR"), "/data/national-dols.csv");
    let history = format!("history = \"{national}\", flow = \"dols_received\", steps = [2014-03-19]");
    let cases = [
        (
            "{ per_year = 100, trend_per_year = 0.1, damping = 0 }".to_string(),
            "arrivals.damping",
            "must be above 0 and at most 1",
        ),
        ("{ per_year = 100, damping = 1.5 }".into(), "arrivals.damping", "(got 1.5)"),
        ("{ per_year = 100, trend = \"damped\" }".into(), "arrivals.trend", "goes with history"),
        (
            format!("{{ {history}, trend = \"cubic\" }}"),
            "arrivals.trend",
            "unknown trend form 'cubic' (expected auto, log_linear, damped)",
        ),
        (format!("{{ {history}, damping = 0.5 }}"), "arrivals.damping", "fitted from the history file"),
    ];
    for (arrivals, path, message) in cases {
        let e = scenario::parse(&scenario_with(&arrivals, 1), "test.toml").unwrap_err();
        assert!(e.mentions(path, message), "{arrivals}: wanted {path}: {message}, got:\n{e}");
    }
    // Both forms load from history; the damped one carries its damping.
    for (form, damped) in [("log_linear", false), ("damped", true), ("auto", false)] {
        let m = model(&scenario_with(&format!("{{ {history}, until = 2017-03-31, trend = \"{form}\" }}"), 3));
        let a = m.flows[0].arrivals.as_ref().unwrap();
        let year = |y: f64| a.expected(y * DAYS_PER_YEAR, (y + 1.0) * DAYS_PER_YEAR);
        let growth = year(2.0) / year(1.0);
        assert_eq!(growth < 1.05, damped, "{form}: growth in the third year {growth}");
    }
}
