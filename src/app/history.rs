//! The history commands: fit, backtest, history.

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::{CommandError, Out, progress_bar, say, shell_word, size_check, stop_flag};
use crate::backtest::{self, BacktestOptions};
use crate::cli::{BacktestArgs, FitArgs, FitWindow, HistoryArgs, TimeArgs};
use crate::export::{self, Staging};
use crate::history::{self as hist, FitOptions, History};
use crate::input::InputError;
use crate::runner::{self, Control, RunConfig};
use crate::scenario;

fn options(w: &FitWindow, start: Option<NaiveDate>) -> FitOptions {
    FitOptions { from: w.from, until: w.until, steps: w.steps.clone(), at: start, trend: w.trend.form() }
}

pub fn fit(args: &FitArgs, out: Out) -> Result<ExitCode, CommandError> {
    let (history, text) = hist::read::read_with_text(&args.history)?;
    let opts = options(&args.window, args.start);
    let bytes = text.as_bytes();
    say!(
        out,
        "# Fitted by caseflow {} from {} (sha256 {})",
        env!("CARGO_PKG_VERSION"),
        args.history.display(),
        &scenario::sha256_hex(bytes)[..12]
    );
    let wanted = |name: &str| args.flows.is_empty() || args.flows.iter().any(|f| f == name);
    let mut fitted = 0;
    let mut problems = Vec::new();
    match &history {
        History::Activity(series) => {
            say!(out, "# Paste each arrivals line into the [[flows]] table it names.\n");
            for s in series.iter().filter(|s| wanted(&s.name)) {
                match hist::fit(&s.name, &s.points, &opts) {
                    Ok(f) => {
                        say!(out, "{}\n{}\n", f.diagnostics(), f.toml());
                        fitted += 1;
                    }
                    Err(e) => problems.push(e.to_string()),
                }
            }
        }
        History::Staff(roles) => {
            say!(out, "# Paste these lines into the [[roles]] table each names.\n");
            for (role, points) in roles.iter().filter(|(r, _)| wanted(r)) {
                match hist::fit_staff(role, points, &opts) {
                    Ok(f) => {
                        say!(out, "{}\n", f.toml());
                        fitted += 1;
                    }
                    Err(e) => problems.push(e.to_string()),
                }
            }
        }
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    if fitted == 0 && problems.is_empty() {
        return Err(CommandError::NoSuchFlows { file: args.history.clone(), wanted: args.flows.clone() });
    }
    Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

/// The backtest's dates and trend form, from its flags.
pub(super) fn backtest_options(args: &BacktestArgs) -> BacktestOptions {
    BacktestOptions {
        train_until: args.train_until,
        from: args.from,
        steps: args.steps.clone(),
        trend: args.trend.form(),
    }
}

/// The history file as an absolute path, for scenario changes to name.
pub(super) fn absolute(path: &Path) -> Result<String, CommandError> {
    Ok(std::fs::canonicalize(path)
        .map_err(|source| InputError::Io { path: path.to_path_buf(), source })?
        .display()
        .to_string())
}

impl BacktestArgs {
    /// The command that makes this backtest again, supply too when it had
    /// observed figures.
    pub fn command_line(&self) -> String {
        let observed = self.observed.as_ref().map_or(String::new(), |o| {
            format!(
                " --observed {} --supply {} --max-runs {} --calibration-replications {}",
                shell_word(&o.display().to_string()),
                self.supply.name(),
                self.max_runs,
                self.calibration_replications
            )
        });
        format!(
            "caseflow backtest {} {}{} --train-until {}{}{}{}{observed} --replications {} --seed {}",
            shell_word(&self.scenario.display().to_string()),
            shell_word(&self.history.display().to_string()),
            self.changes.flags(),
            self.train_until,
            self.from.map_or(String::new(), |d| format!(" --from {d}")),
            self.steps.iter().map(|d| format!(" --step {d}")).collect::<String>(),
            self.trend.form().map_or(String::new(), |f| format!(" --trend {}", f.name())),
            self.replications,
            self.seed
        )
    }
}

pub fn backtest(args: &BacktestArgs, out: Out) -> Result<ExitCode, CommandError> {
    if let Some(observed) = &args.observed {
        return super::supply::backtest(args, observed, out);
    }
    let given = args.changes.set.clone();
    let sc = scenario::load_with(&args.scenario, &given)?;
    let History::Activity(series) = hist::read(&args.history)? else {
        return Err(CommandError::StaffHistory { file: args.history.clone() });
    };
    let opts = backtest_options(args);
    let plan = backtest::plan(&sc.model, &series, &opts)?;
    for (name, why) in &plan.skipped {
        let lines = series.iter().find(|s| &s.name == name).map_or(0, |s| s.points.len());
        eprintln!("warning: {}: flow '{name}' ({lines} rows) is not tested: {why}", args.history.display());
    }
    let history_path = absolute(&args.history)?;
    let changes: Vec<_> = given.into_iter().chain(backtest::changes(&history_path, &plan, &opts)).collect();
    let fitted = scenario::load_with(&args.scenario, &changes)?;
    super::print_warnings(&fitted);
    let model = fitted.model;
    let held_out = simulate(args, &model, &sc.model.name)?;
    let (agg, dir, staging) = (held_out.agg, held_out.dir, held_out.staging);
    let checks = backtest::checks(&model, &agg, &series, &plan);
    if checks.is_empty() {
        return Err(backtest::BacktestError::NothingLinesUp.into());
    }
    let (c80, c90) = backtest::coverage(&checks);
    let titles: Vec<String> = plan
        .flows
        .iter()
        .map(|name| model.flows.iter().position(|f| &f.name == name).map_or(name.clone(), |f| model.flow_title(f)))
        .collect();
    let chart = crate::summary::backtest::chart(&checks, &plan.flows, &titles, &series, opts.train_until);
    let inputs = sc.files.iter().cloned().chain(model.inputs.iter().cloned()).collect::<Vec<_>>();
    export::write_backtest(staging.path(), &checks, &chart, (c80, c90), &inputs, &args.command_line(), "")?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        say!(
            out,
            "{:<28} {:>12} {:>12} {:>26} {:>7} {:>7}",
            "flow",
            "period",
            "actual",
            "forecast P50 (P10-P90)",
            "80%",
            "90%"
        );
        for c in &checks {
            say!(
                out,
                "{:<28} {:>12} {:>12} {:>26} {:>7} {:>7}",
                c.flow,
                c.period,
                crate::format::thousands(c.actual),
                crate::format::Unit::Count.band(&crate::stats::Bands {
                    p10: c.bands[1],
                    p50: c.bands[2],
                    p90: c.bands[3],
                    mean: f64::NAN
                }),
                if c.in_80() { "in" } else { "out" },
                if c.in_90() { "in" } else { "out" }
            );
        }
        say!(
            out,
            "\nCoverage over {} held-out periods: {:.0}% inside P10-P90 (80% expected), {:.0}% inside P5-P95 (90% expected).",
            checks.len(),
            100.0 * c80,
            100.0 * c90
        );
        say!(out, "Wrote {}/: backtest.csv, backtest.md, charts/backtest.png and .svg", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// A backtest's run, sized and checked first, with the folder its report
/// is staged in.
pub(super) struct HeldOut {
    pub agg: crate::stats::Aggregate,
    pub dir: std::path::PathBuf,
    pub staging: Staging,
}

/// Check the run's size and time, stage `reports/backtest-<name>/`, and
/// simulate `model` with a progress bar.
pub(super) fn simulate(args: &BacktestArgs, model: &crate::model::Model, name: &str) -> Result<HeldOut, CommandError> {
    let threads = size_check(
        &[model],
        args.replications,
        args.threads.map(usize::from),
        (args.max_memory, args.time),
        args.quiet,
    )?;
    let cfg = RunConfig { replications: args.replications, seed: args.seed, threads };
    let dir = args.out.join(format!("backtest-{name}"));
    let staging = Staging::folder(&dir, args.force)?;
    let bar = progress_bar(cfg.replications, args.quiet, "backtest");
    let agg = runner::run_until(model, &cfg, Control { progress: &|| bar.inc(1), stop: stop_flag() });
    bar.finish_and_clear();
    Ok(HeldOut { agg: agg?, dir, staging })
}

pub fn write_history(args: &HistoryArgs, out: Out) -> Result<ExitCode, CommandError> {
    let sc = args.changes.load(&args.scenario)?;
    size_check(&[&sc.model], 1, Some(1), (None, TimeArgs::default()), true)?;
    let prefix = args.out.display().to_string();
    let activity = Path::new(&format!("{prefix}-activity.csv")).to_path_buf();
    let staff = Path::new(&format!("{prefix}-staff.csv")).to_path_buf();
    let dir = activity.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = Staging::files(&dir, &[name(&activity), name(&staff)], args.force)?;
    let r = crate::engine::simulate(&sc.model, args.seed, args.replication);
    let note = format!(
        "synthetic: caseflow {} replication {} seed {} of {} (sha256 {})",
        env!("CARGO_PKG_VERSION"),
        args.replication,
        args.seed,
        sc.file,
        &sc.sha256[..12]
    );
    export::history::activity(&staging.path().join(name(&activity)), &hist::simulated::activity(&sc.model, &r), &note)?;
    export::history::staff(&staging.path().join(name(&staff)), &hist::simulated::staff(&sc.model, &r), &note)?;
    staging.finish(stop_flag())?;
    say!(out, "Wrote {} and {}", activity.display(), staff.display());
    Ok(ExitCode::SUCCESS)
}
