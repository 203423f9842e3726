//! The commands: load → validate → simulate → summarise → export.

mod history;
mod staff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Changes, Cli, Command, CompareArgs, RunArgs, SimArgs, ValidateArgs};
use crate::error::Error;
use crate::export::{self, Manifest, console};
use crate::runner::{self, RunConfig};
use crate::scenario::{self, Change, Scenario};
use crate::stats::Aggregate;
use crate::summary::{self, Stamp};

pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Run(args) => run_scenario(&args),
        Command::Compare(args) => compare(&args),
        Command::Staff(args) => staff::staff(&args),
        Command::Fit(args) => history::fit(&args),
        Command::Backtest(args) => history::backtest(&args),
        Command::History(args) => history::write_history(&args),
        Command::Validate(args) => validate(&args),
    }
}

impl Changes {
    /// The `--set` arguments as changes; a malformed one is refused.
    pub fn parsed(&self) -> Result<Vec<Change>, Error> {
        self.set.iter().map(|s| Change::parse(s).map_err(Error::Usage)).collect()
    }

    /// Load a scenario file with these changes on top.
    pub fn load(&self, path: &Path) -> Result<Scenario, Error> {
        scenario::load_with(path, &self.parsed()?)
    }
}

impl SimArgs {
    pub fn config(&self) -> RunConfig {
        RunConfig { replications: self.replications, seed: self.seed, threads: self.threads.map(usize::from) }
    }
}

pub(crate) fn progress_bar(total: u64, quiet: bool, label: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} replications ({per_sec}, {eta} left)")
        .expect("a valid progress template")
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label.to_string());
    bar
}

/// Simulate with a progress bar; checks the engine's own conservation.
pub fn simulate(scenario: &Scenario, sim: &SimArgs, quiet: bool) -> Result<(Aggregate, f64), Error> {
    let cfg = sim.config();
    let bar = progress_bar(cfg.replications, quiet, &scenario.model.name);
    let started = Instant::now();
    let agg = runner::run(&scenario.model, &cfg, &|| bar.inc(1))?;
    bar.finish_and_clear();
    if agg.unbalanced > 0 {
        return Err(Error::Internal(format!(
            "{} replications lost or double-counted items; please report this with the scenario file",
            agg.unbalanced
        )));
    }
    Ok((agg, started.elapsed().as_secs_f64()))
}

/// What a scenario's checks accepted but flagged, on standard error.
pub(crate) fn print_warnings(s: &Scenario) {
    for w in &s.model.warnings {
        eprintln!("warning: {}: {w}", s.file);
    }
}

fn run_scenario(args: &RunArgs) -> Result<ExitCode, Error> {
    let scenario = args.changes.load(&args.scenario)?;
    print_warnings(&scenario);
    let model = &scenario.model;
    let (agg, seconds) = simulate(&scenario, &args.sim, args.quiet)?;
    let stamp = Stamp::new(&model.name, &scenario.sha256, args.sim.seed, args.sim.replications);
    let mut tables = summary::tables(model, &agg, &stamp).map_err(|e| Error::Internal(e.to_string()))?;
    let dir = args.out.join(&model.name);
    let manifest = Manifest {
        stamp: &stamp,
        scenario_file: &scenario.file,
        scenario_files: scenario
            .files
            .iter()
            .map(|(file, sha256)| export::Input { file: file.clone(), sha256: sha256.clone() })
            .collect(),
        changes: scenario.changes.clone(),
        resolved: export::resolved_table(&scenario.resolved),
        period: model.periods.kind.name(),
        start: model.start.to_string(),
        horizon_days: model.horizon_days,
        warmup_days: model.warmup_days,
        inputs: model
            .inputs
            .iter()
            .map(|(file, sha256)| export::Input { file: file.clone(), sha256: sha256.clone() })
            .collect(),
        files: Vec::new(),
    };
    let mut files = export::write_run(&dir, &mut tables, manifest)?;
    let report = summary::report::build(model, &agg, &stamp, &scenario);
    let command = format!(
        "caseflow run {}{} --replications {} --seed {}",
        scenario.file,
        set_flags(&scenario),
        args.sim.replications,
        args.sim.seed
    );
    files.extend(export::write_report(&dir, &report, &command)?);
    if !args.quiet {
        print_header(&scenario, &stamp, &agg, seconds);
        print!("{}", console::summary_table(model, &agg));
        print_files(&dir, &files);
    }
    Ok(ExitCode::SUCCESS)
}

fn compare(args: &CompareArgs) -> Result<ExitCode, Error> {
    let scenarios: Vec<Scenario> = args.scenarios.iter().map(|p| args.changes.load(p)).collect::<Result<_, _>>()?;
    scenarios.iter().for_each(print_warnings);
    let mut names: Vec<&str> = Vec::new();
    for s in &scenarios {
        if names.contains(&s.model.name.as_str()) {
            return Err(Error::Usage(format!(
                "two scenarios are both called '{}'; give each its own [scenario] name",
                s.model.name
            )));
        }
        names.push(&s.model.name);
    }
    let models: Vec<&crate::model::Model> = scenarios.iter().map(|s| &s.model).collect();
    let (start, days) = (models[0].start, models[0].horizon_days);
    if let Some(other) = models.iter().find(|m| m.start != start || m.horizon_days != days) {
        return Err(Error::Usage(format!(
            "'{}' runs from {} for {} days but '{}' from {} for {} days; compare scenarios over the same horizon (--set scenario.start=... --set scenario.years=...)",
            models[0].name, start, days, other.name, other.start, other.horizon_days
        )));
    }
    let at = match args.at {
        None => None,
        Some(n) if (n as usize) <= models[0].periods.len() && n > 0 => Some(n as usize - 1),
        Some(n) => {
            return Err(Error::Usage(format!(
                "--at {n}: the scenarios report {} {}s; give a period from 1 to {}",
                models[0].periods.len(),
                models[0].periods.kind.name(),
                models[0].periods.len()
            )));
        }
    };
    let cfg = args.sim.config();
    let bar = progress_bar(cfg.replications, args.quiet, "compare");
    let started = Instant::now();
    let paired = crate::compare::run_paired(&models, &cfg, at, &|| bar.inc(1))?;
    bar.finish_and_clear();
    if paired.aggregates.iter().any(|a| a.unbalanced > 0) {
        return Err(Error::Internal(
            "items were lost or double-counted; please report this with the scenario files".into(),
        ));
    }
    let entries: Vec<summary::compare::Entry> = scenarios
        .iter()
        .map(|s| summary::compare::Entry { model: &s.model, file: s.file.clone(), sha256: s.sha256.clone() })
        .collect();
    let mut table = summary::compare::table(&entries, &paired, cfg.seed, cfg.replications)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let setup = summary::compare::Setup {
        entries: &entries,
        paired: &paired,
        seed: cfg.seed,
        replications: cfg.replications,
        at,
    };
    let comparison = summary::compare::build(&setup);
    let dir = args.out.join(format!("compare-{}", names.join("-vs-")));
    let files: Vec<String> = scenarios.iter().map(|s| s.file.clone()).collect();
    let command = format!(
        "caseflow compare {}{}{} --replications {} --seed {}",
        files.join(" "),
        set_flags(&scenarios[0]),
        args.at.map_or(String::new(), |n| format!(" --at {n}")),
        cfg.replications,
        cfg.seed
    );
    export::write_comparison(&dir, &mut table, &comparison, &command)?;
    if !args.quiet {
        println!(
            "{} scenarios, {} replications each, seed {}: {:.2} s\n",
            scenarios.len(),
            cfg.replications,
            cfg.seed,
            started.elapsed().as_secs_f64()
        );
        for s in comparison.section("headline").into_iter().flat_map(|s| &s.blocks) {
            if let crate::summary::doc::Block::Sentences(list) = s {
                for line in list {
                    println!("{}\n", line.text);
                }
            }
        }
        println!(
            "Wrote {}/: compare.html (open it in a browser), compare.md, comparison.csv and .parquet, charts",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_header(scenario: &Scenario, stamp: &Stamp, agg: &Aggregate, seconds: f64) {
    let m = &scenario.model;
    println!(
        "{} ({}, sha256 {}), seed {}, {} replications: {:.1} million events in {:.2} s",
        m.name,
        scenario.file,
        &stamp.scenario_sha256[..12],
        stamp.seed,
        stamp.replications,
        agg.events as f64 / 1e6,
        seconds
    );
    println!(
        "Reported from {} to {} by {}.\n",
        m.start,
        m.periods.last_date(m.periods.len() - 1),
        m.periods.kind.name()
    );
}

fn print_files(dir: &Path, files: &[PathBuf]) {
    let tables = files.iter().filter(|p| p.extension().is_some_and(|e| e == "csv")).count();
    let charts = files.iter().filter(|p| p.extension().is_some_and(|e| e == "png")).count();
    println!(
        "\nWrote {}/: report.html (open it in a browser), report.md, {charts} charts (PNG and SVG), {tables} tables (CSV and Parquet), run.toml",
        dir.display()
    );
}

/// The `--set` flags that reproduce a scenario's changes, quoted for a shell.
fn set_flags(s: &Scenario) -> String {
    s.changes.iter().map(|c| format!(" '{c}'")).collect()
}

fn validate(args: &ValidateArgs) -> Result<ExitCode, Error> {
    let changes = args.changes.parsed()?;
    let mut failed = 0;
    for path in &args.scenarios {
        match scenario::load_with(path, &changes) {
            Ok(s) if args.resolved => {
                print_warnings(&s);
                print!("{}", s.resolved);
            }
            Ok(s) => {
                let m = &s.model;
                let based = if s.files.len() > 1 {
                    let bases: Vec<&str> = s.files[1..].iter().map(|(f, _)| f.as_str()).collect();
                    format!(", on {}", bases.join(" on "))
                } else {
                    String::new()
                };
                println!(
                    "ok: {} ({}: {} flows, {} roles, {} workers, {} days from {}{based})",
                    s.file,
                    m.name,
                    m.flows.len(),
                    m.roles.len(),
                    m.workers.len(),
                    m.horizon_days,
                    m.start
                );
                print_warnings(&s);
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    Ok(if failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
