//! `caseflow backtest --observed`: demand fitted to the history up to the
//! training date as in any backtest, supply calibrated to the training
//! years' figures, then one run from the scenario's start to the end of
//! the figures, each held-out figure checked against its bands.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use super::history::{absolute, backtest_options};
use super::{CommandError, Out, progress_bar, say, stop_flag};
use crate::backtest::supply::{self, Coverage, SupplyRule};
use crate::backtest::{self, BacktestError, Check};
use crate::calibrate::{self, Plan};
use crate::cli::BacktestArgs;
use crate::export;
use crate::format::Unit;
use crate::history::position::{self, Figure};
use crate::history::{self as hist, History};
use crate::model::periods::day_of;
use crate::scenario::{self, Change};
use crate::stats::Bands;

/// What calibration found, in words and as changes.
struct Calibrated {
    changes: Vec<Change>,
    lines: Vec<String>,
}

pub fn backtest(args: &BacktestArgs, observed: &Path, out: Out) -> Result<ExitCode, CommandError> {
    let started = Instant::now();
    let given = args.changes.set.clone();
    let sc = scenario::load_with(&args.scenario, &given)?;
    let History::Activity(series) = hist::read(&args.history)? else {
        return Err(CommandError::StaffHistory { file: args.history.clone() });
    };
    let opts = backtest_options(args);
    let rule = args.supply;
    let read = position::read(observed)?;
    let plan = backtest::plan(&sc.model, &series, &opts)?;
    let (start, held_start) = (sc.model.start, plan.start);
    if start >= held_start {
        return Err(BacktestError::StartsAfterTraining(start, opts.train_until).into());
    }
    let end = read.iter().map(Figure::end).chain([plan.end]).max().expect("the plan has an end");
    let scale = backtest::scale(&sc, &plan.flows)?;
    let (figures, notes) = supply::figures(&read, &series, &plan.flows, start, end);
    let (trained, held): (Vec<&Figure>, Vec<&Figure>) = figures
        .iter()
        .filter(|f| supply::trained(f, held_start).is_some())
        .partition(|f| supply::trained(f, held_start) == Some(true));
    if held.is_empty() {
        return Err(BacktestError::NothingHeldOut.into());
    }
    let demand = backtest::arrivals(&absolute(&args.history)?, &plan.flows, &opts, scale);
    let days = |to| Change::set("scenario.days", day_of(start, to));
    // Calibration fits supply, so it leaves out the received counts the demand fit has.
    let fitted: Vec<&Figure> =
        trained.iter().copied().filter(|f| !(f.of.len() == 1 && plan.flows.contains(&f.of[0]))).collect();
    let mut base: Vec<Change> = given.iter().cloned().chain(demand.iter().cloned()).collect();
    base.extend([days(held_start), supply::observed_change(&fitted, scale)]);
    let calibrated = calibrate_supply(args, &sc, base)?;
    let all: Vec<&Figure> = trained.iter().chain(&held).copied().collect();
    let mut changes: Vec<Change> = given.into_iter().chain(demand).chain(calibrated.changes.iter().cloned()).collect();
    changes.extend([days(end), supply::observed_change(&all, scale)]);
    let before_rule = scenario::load_with(&args.scenario, &changes)?;
    changes.extend(supply::held_out_supply(&before_rule, rule, held_start, &plan.flows));
    let fitted_sc = scenario::load_with(&args.scenario, &changes)?;
    super::print_warnings(&fitted_sc);
    let model = &fitted_sc.model;
    let held_out = super::history::simulate(args, model, &sc.model.name)?;
    let (agg, dir, staging) = (held_out.agg, held_out.dir, held_out.staging);
    let checks = supply::checks(model, &agg, &all, scale);
    let (fit, test) = checks.split_at(trained.len());
    let coverage = supply::by_series(test);
    let (c80, c90) = backtest::coverage(test);
    let seconds = started.elapsed().as_secs_f64();
    let words = Words { scale, rule, calibrated: &calibrated.lines, notes: &notes, seconds, fit, coverage: &coverage };
    let history = supply::as_history(&trained);
    let names: Vec<String> = coverage.iter().map(|c| c.series.clone()).collect();
    let titles = titles(&names, &all, model);
    let mut chart = crate::summary::backtest::chart(test, &names, &titles, &history, opts.train_until);
    chart.title = "Backtest with supply: the figures against the forecast".into();
    chart.caption = "Grey dots are the training figures the demand and supply were fitted to; from the training date on, the band holds P10-P90 of the simulated figure, the line is P50, and filled dots are the figures reported.".into();
    chart.y_label = "figure".into();
    let inputs: Vec<_> = sc.files.iter().cloned().chain(model.inputs.iter().cloned()).collect();
    export::write_backtest(staging.path(), test, &chart, (c80, c90), &inputs, &args.command_line(), &words.markdown())?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        print_checks(out, test)?;
        say!(out, "\n{}", words.text());
        say!(out, "Wrote {}/: backtest.csv, backtest.md, charts/backtest.png and .svg", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Each series titled as its observation reads: "Standard DoLS requests: decided".
fn titles(names: &[String], all: &[&Figure], model: &crate::model::Model) -> Vec<String> {
    names
        .iter()
        .map(|name| match all.iter().position(|f| &f.series() == name) {
            Some(i) => {
                let (o, subject) = (&model.observed[i], crate::format::capital(&model.observed[i].subject));
                let words = o.reading.measure.words();
                if subject.ends_with(words) { subject } else { format!("{subject}: {words}") }
            }
            None => name.clone(),
        })
        .collect()
}

/// Calibrate the scenario's `[[calibrate]]` values to the training
/// figures in `base`; nothing to do when it names none.
fn calibrate_supply(
    args: &BacktestArgs,
    sc: &scenario::Scenario,
    base: Vec<Change>,
) -> Result<Calibrated, CommandError> {
    if sc.model.unknowns.is_empty() {
        return Ok(Calibrated {
            changes: Vec::new(),
            lines: vec!["The scenario names no [[calibrate]] values: supply is as the file gives it.".into()],
        });
    }
    let plan = Plan {
        scenario: args.scenario.clone(),
        base,
        unknowns: sc.model.unknowns.clone(),
        replications: args.calibration_replications,
        confirm: args.calibration_replications,
        seed: args.seed,
        threads: args.threads.map(usize::from),
        max_runs: args.max_runs as usize,
    };
    let plan = super::calibrate::sized(plan, (args.max_memory, args.time), args.quiet)?;
    let bar = progress_bar(plan.max_runs as u64, args.quiet, "calibrate supply");
    let progress = |_: &calibrate::Run, n: usize| bar.set_position(n as u64);
    let found = calibrate::calibrate(plan, &progress, stop_flag());
    bar.finish_and_clear();
    let o = found?;
    let mut lines = vec![format!(
        "Calibrated to the training figures: {} candidates of {} replications ({}); misfit {:.2} as given, {:.2} at best.",
        o.runs.len(),
        o.plan.replications,
        o.stopped,
        o.as_given.misfit,
        o.runs.iter().map(|r| r.misfit).fold(f64::INFINITY, f64::min)
    )];
    for ((u, before), &t) in o.plan.unknowns.iter().zip(&o.values_before).zip(&o.best) {
        let was = before.as_ref().map_or("not set".into(), ToString::to_string);
        let label = u.label.clone().unwrap_or_else(|| u.key());
        lines.push(format!(
            "{label} (`{}`): {} (was {was}; range {} to {})",
            u.key(),
            u.toml_at(t),
            u.toml_at(0.0),
            u.toml_at(1.0)
        ));
    }
    Ok(Calibrated { changes: o.changes(), lines })
}

/// The figure's unit, from its series name ("within_deadline of ...").
fn unit(series: &str) -> Unit {
    match series.split(' ').next() {
        Some("within_deadline" | "closed_share") => Unit::Pct,
        Some("mean_days") => Unit::Days,
        Some("people_allocated") => Unit::Ratio,
        _ => Unit::Count,
    }
}

fn band(c: &Check) -> String {
    unit(&c.flow).band(&Bands { p10: c.bands[1], p50: c.bands[2], p90: c.bands[3], mean: f64::NAN })
}

fn print_checks(out: Out, checks: &[Check]) -> Result<(), CommandError> {
    say!(
        out,
        "{:<44} {:>10} {:>10} {:>30} {:>6} {:>7}",
        "series",
        "period",
        "actual",
        "forecast P50 (P10-P90)",
        "±",
        "80%"
    );
    for c in checks {
        say!(
            out,
            "{:<44} {:>10} {:>10} {:>30} {:>5.0}% {:>7}",
            c.flow,
            c.period,
            unit(&c.flow).show(c.actual),
            band(c),
            100.0 * supply::half_width(c),
            if c.in_80() { "in" } else { "out" }
        );
    }
    Ok(())
}

/// What the report and console say beside the table.
struct Words<'a> {
    scale: f64,
    rule: SupplyRule,
    calibrated: &'a [String],
    notes: &'a [String],
    seconds: f64,
    fit: &'a [Check],
    coverage: &'a [Coverage],
}

impl Words<'_> {
    fn coverage_rows(&self) -> Vec<[String; 4]> {
        self.coverage
            .iter()
            .map(|c| {
                [
                    c.series.clone(),
                    format!("{} of {} ({:.0}%)", c.inside, c.checked, 100.0 * c.share()),
                    format!("±{:.0}%", 100.0 * c.mean_half_width),
                    format!("±{:.0}%", 100.0 * c.max_half_width),
                ]
            })
            .collect()
    }

    fn sentences(&self) -> Vec<String> {
        let mut s =
            vec![format!("Supply after the training date: {} (--supply {}).", self.rule.words(), self.rule.name())];
        if self.scale != 1.0 {
            s.push(format!(
                "The model is {:.4} times the size the figures count (1/{:.0}); its counts are divided by that to compare. Chance alone varies a count about {:.0} times more, relative to its size, than at full size: the bands hold the demand forecast's uncertainty and the chance of a service this size, not of one {:.0} times bigger.",
                self.scale,
                1.0 / self.scale,
                (1.0 / self.scale).sqrt(),
                1.0 / self.scale
            ));
        }
        s.extend(self.calibrated.iter().cloned());
        s.extend(self.notes.iter().cloned());
        s.push(format!("Took {:.1} s.", self.seconds));
        s
    }

    fn text(&self) -> String {
        let mut t = format!(
            "{:<44} {:>16} {:>16} {:>16}\n",
            "series (held-out figures)", "inside P10-P90", "mean width", "widest"
        );
        for [a, b, c, d] in self.coverage_rows() {
            let _ = writeln!(t, "{a:<44} {b:>16} {c:>16} {d:>16}");
        }
        for s in self.sentences() {
            let _ = writeln!(t, "{s}");
        }
        t
    }

    fn markdown(&self) -> String {
        let mut md = String::from(
            "\n## Each series\n\nWidth is half the P10-P90 band as a share of its P50.\n\n| series | held-out figures inside P10-P90 | mean width | widest |\n|---|---|---|---|\n",
        );
        for [a, b, c, d] in self.coverage_rows() {
            let _ = writeln!(md, "| {a} | {b} | {c} | {d} |");
        }
        md.push_str("\n## The training years, as fitted\n\n| series | period | reported | simulated P50 (P10-P90) |\n|---|---|---:|---:|\n");
        for c in self.fit {
            let _ = writeln!(md, "| {} | {} | {} | {} |", c.flow, c.period, unit(&c.flow).show(c.actual), band(c));
        }
        md.push_str("\n## How\n\n");
        for s in self.sentences() {
            let _ = writeln!(md, "- {s}");
        }
        md
    }
}
