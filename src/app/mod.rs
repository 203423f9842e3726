//! The commands: load → validate → size → simulate → summarise → export.
//!
//! Every command writes what it prints through `Out`, so a closed pipe
//! (`caseflow run ... | head -1`) or a full disk is an error to report, or
//! a reason to stop quietly, never a panic.

mod calibrate;
mod compare;
mod error;
mod health;
mod history;
mod merge;
mod new;
mod run;
mod staff;
mod supply;

use std::io::Write;
use std::path::Path;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub use crate::cli::shell_word;
use crate::cli::{Changes, Cli, Command, DEFAULT_REPLICATIONS, Replications, SimArgs, TimeArgs, ValidateArgs};
use crate::model::Model;
use crate::runner::{self, Control, RunConfig, RunError};
use crate::scenario::{self, Change, Scenario};
use crate::stats::Aggregate;
use crate::summary;
pub use error::CommandError;

/// Where commands print: standard output, locked once.
pub(crate) type Out<'a> = &'a mut dyn Write;

/// `writeln!` to `Out`, with a failed write as `CommandError::Output`.
macro_rules! say {
    ($out:expr) => { writeln!($out).map_err($crate::app::CommandError::Output)? };
    ($out:expr, $($arg:tt)*) => { writeln!($out, $($arg)*).map_err($crate::app::CommandError::Output)? };
}
pub(crate) use say;

pub fn run(cli: Cli) -> Result<ExitCode, CommandError> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let out: Out = &mut lock;
    if !matches!(cli.command, Command::Fit(_) | Command::Validate(_) | Command::Serve(_)) {
        // From here Ctrl-C stops cleanly rather than killing a half-written report.
        stop_flag();
    }
    let code = match cli.command {
        Command::Run(args) => run::run(&args, out),
        Command::Merge(args) => merge::merge(&args, out),
        Command::Compare(args) => compare::compare(&args, out),
        Command::Staff(args) => staff::staff(&args, out),
        Command::Calibrate(args) => calibrate::calibrate(&args, out),
        Command::New(args) => new::new(&args, out),
        Command::Fit(args) => history::fit(&args, out),
        Command::Backtest(args) => history::backtest(&args, out),
        Command::History(args) => history::write_history(&args, out),
        Command::HealthCheck(args) => health::health_check(&args, out),
        Command::Validate(args) => validate(&args, out),
        Command::Serve(args) => Ok(crate::serve::serve(&args, out)?),
    }?;
    out.flush().map_err(CommandError::Output)?;
    Ok(code)
}

/// A last resort: a panic (a bug) prints one line asking for a report,
/// not a backtrace (`RUST_BACKTRACE=1` still shows one).
pub fn quiet_panics() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error in caseflow {}: {message}{place}; please report this with the command and scenario file",
            env!("CARGO_PKG_VERSION")
        );
    }));
}

/// Set by Ctrl-C (or SIGTERM): simulations stop at the next replication
/// and nothing is written. A second Ctrl-C ends the program at once.
pub(crate) fn stop_flag() -> &'static AtomicBool {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let which = crate::runner::stop_signal_slot();
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // The first signal sets the flag; one arriving when it is set exits.
            let _ = signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&flag));
            let _ = signal_hook::flag::register_usize(signal, Arc::clone(which), signal as usize);
            let _ = signal_hook::flag::register(signal, Arc::clone(&flag));
        }
        let watched = Arc::clone(&flag);
        std::thread::spawn(move || {
            while !watched.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            let again = if crate::runner::stop_signal_name() == "Ctrl-C" { "Ctrl-C" } else { "SIGTERM" };
            let _ = writeln!(
                std::io::stderr(),
                "\nStopping on {}: finishing the replications under way; nothing will be written ({again} again to quit at once)",
                crate::runner::stop_signal_name()
            );
        });
        flag
    })
}

impl Changes {
    /// Load a scenario file with these changes on top.
    pub fn load(&self, path: &Path) -> Result<Scenario, CommandError> {
        Ok(scenario::load_with(path, &self.set)?)
    }

    /// The `--set` flags that make these changes again.
    pub fn flags(&self) -> String {
        set_flags(&self.set)
    }
}

impl SimArgs {
    /// The number of replications asked for; `auto` is refused by the
    /// commands other than `run`.
    pub fn count(&self, command: &'static str) -> Result<u64, CommandError> {
        match self.replications {
            None => Ok(DEFAULT_REPLICATIONS),
            Some(Replications::Count(n)) => Ok(n),
            Some(Replications::Auto) => Err(CommandError::AutoNotHere { command }),
        }
    }

    /// The run's configuration once its size is known: refused if too big,
    /// on fewer threads if that keeps memory within the limit.
    pub fn sized(&self, command: &'static str, models: &[&Model], quiet: bool) -> Result<RunConfig, CommandError> {
        self.sized_for(self.count(command)?, models, quiet)
    }

    /// As `sized`, for `replications` whatever was asked.
    pub(crate) fn sized_for(
        &self,
        replications: u64,
        models: &[&Model],
        quiet: bool,
    ) -> Result<RunConfig, CommandError> {
        let threads = self.threads.map(usize::from);
        size_check(models, replications, threads, (self.max_memory, self.time), quiet).map(|threads| RunConfig {
            replications,
            seed: self.seed,
            threads,
        })
    }
}

/// Estimate the run and check it against the limits; the threads to use.
pub(crate) fn size_check(
    models: &[&Model],
    replications: u64,
    threads: Option<usize>,
    limits: (Option<f64>, TimeArgs),
    quiet: bool,
) -> Result<Option<usize>, CommandError> {
    size_check_job(&[(models, replications)], threads, limits, quiet)
}

/// As `size_check`, for a job of runs one after another, each of some
/// models for some replications (see `sizing::size_check_job`).
pub(crate) fn size_check_job(
    runs: &[(&[&Model], u64)],
    threads: Option<usize>,
    (max_memory_gb, time): (Option<f64>, TimeArgs),
    quiet: bool,
) -> Result<Option<usize>, CommandError> {
    Ok(crate::sizing::size_check_job(runs, threads, (max_memory_gb, time.seconds()), quiet)?)
}

/// Run a staffing search with `bar` showing its replications; the bar is
/// an estimate, so it never runs past its end.
pub(crate) fn search_with_bar(
    plan: &crate::staff::Plan,
    model: &crate::model::Model,
    bar: &ProgressBar,
) -> Result<crate::staff::Outcome, CommandError> {
    let found = crate::staff::run(
        plan,
        model,
        &|n| {
            if bar.position() + n < bar.length().unwrap_or(u64::MAX) {
                bar.inc(n);
            }
        },
        stop_flag(),
    );
    bar.finish_and_clear();
    Ok(found?)
}

pub(crate) fn progress_bar(total: u64, quiet: bool, label: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} replications ({rate} a second, {eta} left)")
        .expect("a valid progress template")
        .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}", state.per_sec());
        })
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label.to_string());
    bar
}

/// Simulate with a progress bar; checks the engine's own conservation.
pub fn simulate(scenario: &Scenario, cfg: &RunConfig, quiet: bool) -> Result<(Aggregate, f64), CommandError> {
    let bar = progress_bar(cfg.replications, quiet, &scenario.model.name);
    let started = Instant::now();
    let agg = runner::run_until(&scenario.model, cfg, Control { progress: &|| bar.inc(1), stop: stop_flag() });
    bar.finish_and_clear();
    let agg = agg?;
    if agg.unbalanced > 0 {
        return Err(RunError::Unbalanced { replications: agg.unbalanced }.into());
    }
    Ok((agg, started.elapsed().as_secs_f64()))
}

/// What a scenario's checks accepted but flagged, on standard error.
pub(crate) fn print_warnings(s: &Scenario) {
    for w in &s.model.warnings {
        eprintln!("warning: {}: {w}", s.file);
    }
}

/// The sentences of a report's section, as the console prints them.
pub(crate) fn sentences<'a>(doc: &'a summary::doc::Doc, section: &str) -> impl Iterator<Item = &'a str> {
    let blocks = doc.section(section).into_iter().flat_map(|s| &s.blocks);
    blocks
        .filter_map(|b| match b {
            summary::doc::Block::Sentences(list) => Some(list),
            _ => None,
        })
        .flatten()
        .map(|line| line.text.as_str())
}

/// `report` is the stem of the HTML and Markdown files ("report").
pub(crate) fn print_files(out: Out, dir: &Path, files: &[PathBuf], report: &str) -> Result<(), CommandError> {
    let tables = files.iter().filter(|p| p.extension().is_some_and(|e| e == "csv")).count();
    let charts = files.iter().filter(|p| p.extension().is_some_and(|e| e == "png")).count();
    let book = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .and_then(|p| p.file_name())
        .map_or(String::new(), |n| format!(", {} (the tables as an Excel workbook)", n.to_string_lossy()));
    say!(
        out,
        "\nWrote {}/: {report}.html (open it in a browser), {report}.md, {charts} charts (PNG and SVG), {tables} tables (CSV and Parquet){book}, run.toml",
        dir.display()
    );
    Ok(())
}

/// The `--set` flags that make `changes` again, each value quoted for a
/// shell on its own, so the line pastes and runs as shown.
pub(crate) fn set_flags(changes: &[Change]) -> String {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Set { key, value } => Some(format!(" --set {}", shell_word(&format!("{key}={value}")))),
            Change::Remove { .. } | Change::Overlay { .. } => None,
        })
        .collect()
}

fn validate(args: &ValidateArgs, out: Out) -> Result<ExitCode, CommandError> {
    let changes = &args.changes.set;
    let mut failed = 0;
    for path in &args.scenarios {
        // A scenario that loads but is too big to run fails here too, at
        // the default replications and threads.
        let loaded = scenario::load_with(path, changes).map_err(CommandError::from).and_then(|s| {
            // Validating sizes memory, items and events; how long a run
            // takes depends on the replications asked for when it runs.
            let time = TimeArgs { max_time: None, yes: true };
            let defaults = SimArgs { replications: None, seed: 1, threads: None, max_memory: None, time };
            defaults.sized("validate", &[&s.model], true).map(|_| s)
        });
        match loaded {
            Ok(s) if args.resolved => {
                print_warnings(&s);
                write!(out, "{}", s.resolved).map_err(CommandError::Output)?;
            }
            Ok(s) => {
                let m = &s.model;
                let based = if s.files.len() > 1 {
                    let bases: Vec<&str> = s.files[1..].iter().map(|(f, _)| f.as_str()).collect();
                    format!(", on {}", bases.join(" on "))
                } else {
                    String::new()
                };
                say!(
                    out,
                    "ok: {} ({}: {} flows, {} roles, {} workers, {} days from {}{based})",
                    s.file,
                    m.name,
                    m.flows.len(),
                    m.roles.len(),
                    m.posts.len(),
                    m.horizon_days,
                    m.start
                );
                print_warnings(&s);
            }
            Err(e) => {
                failed += 1;
                match e {
                    CommandError::Module(crate::Error::TooBig(_)) => eprintln!("error: {}: {e}", path.display()),
                    _ => eprintln!("error: {e}"),
                }
            }
        }
    }
    Ok(if failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
