//! Every report's "Reproduce" line, pasted into a shell as shown, makes the
//! same numbers again: files in a folder whose name has a space and a
//! quote, and a `--set` value with spaces and a quote, survive it.

use std::path::{Path, PathBuf};
use std::process::Command;

use caseflow::app::shell_word;

use crate::harness::scratch_dir;

/// A `--set` a shell would split and a quote would end, were it not quoted.
const AWKWARD_SET: &str = "scenario.description=it's a test, with spaces";

/// `<scratch>/it's a dir/` holding copies of `files` (paths from the crate
/// root, kept under their own folders so that relative paths still hold).
fn awkward_copies(scratch: &Path, files: &[&str]) -> PathBuf {
    let dir = scratch.join("it's a dir");
    for f in files {
        let to = dir.join(f);
        std::fs::create_dir_all(to.parent().expect("a folder")).expect("the folder is made");
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(f), &to).expect("the file is copied");
    }
    dir
}

fn caseflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("caseflow runs")
}

/// What a test runs: the command and its arguments (without `--out`),
/// the report holding its line and the tables to compare (both under
/// `--out`), and flags both runs take that the line leaves out.
struct Case<'a> {
    args: Vec<String>,
    report: &'a str,
    tables: &'a [&'a str],
    elsewhere: &'a [(&'a str, &'a str)],
}

/// Run the case, read the last "caseflow <command>" line of its report,
/// run that line with `sh -c` (to a second folder) and compare the tables.
fn pastes_and_runs(scratch: &Path, case: &Case) {
    let (first, again) = (scratch.join("first"), scratch.join("again"));
    let with_out = |out: &Path| {
        let mut args = case.args.clone();
        args.extend(["--quiet".into(), "--out".into(), out.display().to_string()]);
        for (flag, file) in case.elsewhere {
            args.extend([flag.to_string(), out.join(file).display().to_string()]);
        }
        args
    };
    let args = with_out(&first);
    let run = caseflow(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run.status.success(), "{args:?}\n{}", String::from_utf8_lossy(&run.stderr));
    let report = std::fs::read_to_string(first.join(case.report)).expect("the report is written");
    let start = format!("caseflow {} ", case.args[0]);
    let line = report.lines().map(str::trim).rev().find(|l| l.starts_with(&start)).expect("a reproduce line");
    // The folder's quote and the value's spaces are quoted for the shell.
    assert!(line.contains("it'\\''s a dir") && line.contains("it'\\''s a test, with spaces"), "{line}");
    let program = line.replacen("caseflow", &shell_word(env!("CARGO_BIN_EXE_caseflow")), 1);
    let rest: Vec<String> = with_out(&again)[case.args.len()..].iter().map(|a| shell_word(a)).collect();
    let shell = Command::new("sh")
        .arg("-c")
        .arg(format!("{program} {}", rest.join(" ")))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("sh runs");
    assert!(shell.status.success(), "{line}\n{}", String::from_utf8_lossy(&shell.stderr));
    for table in case.tables {
        let a = std::fs::read_to_string(first.join(table)).unwrap_or_else(|e| panic!("{table}: {e}"));
        let b = std::fs::read_to_string(again.join(table)).unwrap_or_else(|e| panic!("{table} again: {e}"));
        assert!(a == b, "{table} differs when the reproduce line runs:\n{line}");
    }
}

/// The arguments, each a string, with the awkward `--set` on the end.
fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).chain(["--set".into(), AWKWARD_SET.into()]).collect()
}

fn path(dir: &Path, file: &str) -> String {
    dir.join(file).display().to_string()
}

#[test]
fn a_run_reproduces() {
    let scratch = scratch_dir("reproduce-run");
    let dir = awkward_copies(&scratch, &["scenarios/quickstart.toml"]);
    let scenario = path(&dir, "scenarios/quickstart.toml");
    let case = Case {
        args: args(&["run", &scenario, "-n", "10", "--seed", "4"]),
        report: "quickstart/report.md",
        tables: &["quickstart/kpis.csv", "quickstart/flow_periods.csv"],
        elsewhere: &[],
    };
    pastes_and_runs(&scratch, &case);
}

#[test]
fn a_comparison_reproduces() {
    let scratch = scratch_dir("reproduce-compare");
    let dir = awkward_copies(&scratch, &["scenarios/quickstart.toml"]);
    let more = "base = \"quickstart.toml\"\n\n[scenario]\nname = \"quickstart-more\"\n\n[[roles]]\nname = \"social_worker\"\nfte = 10\n";
    std::fs::write(dir.join("scenarios/more staff.toml"), more).unwrap();
    let (a, b) = (path(&dir, "scenarios/quickstart.toml"), path(&dir, "scenarios/more staff.toml"));
    let case = Case {
        args: args(&["compare", &a, &b, "-n", "10", "--at", "3"]),
        report: "compare-quickstart-vs-quickstart-more/compare.md",
        tables: &["compare-quickstart-vs-quickstart-more/comparison.csv"],
        elsewhere: &[],
    };
    pastes_and_runs(&scratch, &case);
}

#[test]
fn a_staffing_search_reproduces() {
    let scratch = scratch_dir("reproduce-staff");
    let dir = awkward_copies(&scratch, &["scenarios/quickstart.toml"]);
    let scenario = path(&dir, "scenarios/quickstart.toml");
    let target = "needs_assessment.within_deadline >= 50% with probability 0.5";
    let list = ["staff", &scenario, "--vary", "roles.social_worker.fte=8..10", "--target", target, "--budget", "£9.5m"];
    let case = Case {
        args: args(&[&list[..], &["-n", "10", "--confirm", "10"]].concat()),
        report: "staff-quickstart/staff.md",
        tables: &["staff-quickstart/candidates.csv"],
        elsewhere: &[],
    };
    pastes_and_runs(&scratch, &case);
}

#[test]
fn a_calibration_reproduces() {
    let scratch = scratch_dir("reproduce-calibrate");
    let dir = awkward_copies(&scratch, &["scenarios/halton-2015-baseline.toml"]);
    let scenario = path(&dir, "scenarios/halton-2015-baseline.toml");
    let fit = "roles.social_worker_bia.dols_share=0.05..0.5";
    let case = Case {
        args: args(&["calibrate", &scenario, "-n", "10", "--confirm", "10", "--max-runs", "2", "--fit", fit]),
        report: "calibrate-halton-2015-baseline/calibration.md",
        tables: &["calibrate-halton-2015-baseline/observed.csv", "calibrate-halton-2015-baseline/runs.csv"],
        elsewhere: &[("--write", "calibrated.toml")],
    };
    pastes_and_runs(&scratch, &case);
}

#[test]
fn a_backtest_reproduces() {
    let scratch = scratch_dir("reproduce-backtest");
    let dir = awkward_copies(&scratch, &["scenarios/national-dols.toml", "data/national-dols.csv"]);
    let (scenario, history) = (path(&dir, "scenarios/national-dols.toml"), path(&dir, "data/national-dols.csv"));
    let dates = ["--train-until", "2017-03-31", "--step", "2014-03-19", "--from", "2012-04-01", "--trend", "damped"];
    let case = Case {
        args: args(&[&["backtest", &scenario, &history, "-n", "10"][..], &dates].concat()),
        report: "backtest-national-dols/backtest.md",
        tables: &["backtest-national-dols/backtest.csv"],
        elsewhere: &[],
    };
    pastes_and_runs(&scratch, &case);
}

#[test]
fn a_backtest_with_supply_reproduces() {
    let files = ["scenarios/national-dols-supply.toml", "data/national-dols.csv", "data/national-dols-snapshots.csv"];
    let scratch = scratch_dir("reproduce-supply");
    let dir = awkward_copies(&scratch, &files);
    let [scenario, history, observed] = files.map(|f| path(&dir, f));
    let dates = ["--train-until", "2019-03-31", "--step", "2014-03-19", "--trend", "damped"];
    let supply =
        ["--observed", &observed, "--supply", "constant", "--max-runs", "2", "--calibration-replications", "2"];
    let case = Case {
        args: args(&[&["backtest", &scenario, &history, "-n", "10"][..], &dates, &supply].concat()),
        report: "backtest-national-dols-supply/backtest.md",
        tables: &["backtest-national-dols-supply/backtest.csv"],
        elsewhere: &[],
    };
    pastes_and_runs(&scratch, &case);
}

#[test]
fn a_health_check_reproduces() {
    let files = [
        "scenarios/health-check-example.toml",
        "data/health-check-example-staff.csv",
        "data/health-check-example-activity.csv",
    ];
    let scratch = scratch_dir("reproduce-health");
    let dir = awkward_copies(&scratch, &files);
    let [scenario, staff, activity] = files.map(|f| path(&dir, f));
    let histories = ["--staff-history", &staff, "--activity-history", &activity];
    let case = Case {
        args: args(&[&["health-check", &scenario, "-n", "10", "--search-replications", "10"][..], &histories].concat()),
        report: "health-check-fenmouth-2026/health-check.md",
        tables: &["health-check-fenmouth-2026/health_check.csv", "health-check-fenmouth-2026/kpis.csv"],
        elsewhere: &[],
    };
    pastes_and_runs(&scratch, &case);
}
