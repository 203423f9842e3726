//! `caseflow run`: a fixed number of replications, replications until the
//! headline figures are precise, or one shard of a run for `caseflow merge`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::{CommandError, Out, print_warnings, progress_bar, say, shell_word, simulate, stop_flag};
use crate::cli::{Changes, Replications, RunArgs};
use crate::export::partition::{self, PartitionWriter};
use crate::export::{self, ExportError, Manifest, PrecisionRecord, Staging, console};
use crate::precision::{self, BATCH, Precision, Reached, percent};
use crate::runner::{self, Control, RunError, Until};
use crate::scenario::Scenario;
use crate::shard::{Shard, ShardError, ShardRecord};
use crate::stats::Aggregate;
use crate::summary::{self, Stamp};

/// What `run`'s flags ask for, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Plan {
    Fixed(u64),
    Precise(Until),
    Shard { shard: Shard, replications: u64 },
}

impl Plan {
    fn of(args: &RunArgs) -> Result<Plan, CommandError> {
        let count = match args.sim.replications {
            Some(Replications::Count(n)) => Some(n),
            _ => None,
        };
        let tolerance = match (args.precision, args.sim.replications) {
            (Some(t), _) => Some(t),
            (None, Some(Replications::Auto)) => Some(precision::DEFAULT_TOLERANCE),
            (None, _) => None,
        };
        if let (Some(_), Some(n)) = (tolerance, count) {
            return Err(CommandError::PrecisionAndCount { replications: n });
        }
        if tolerance.is_none() && args.max_replications.is_some() {
            return Err(CommandError::MaxWithoutPrecision);
        }
        match (args.shard, tolerance) {
            (Some(_), Some(_)) => Err(ShardError::WithPrecision.into()),
            (Some(shard), None) => {
                let replications = count.unwrap_or(crate::cli::DEFAULT_REPLICATIONS);
                if u64::from(shard.count) > replications {
                    return Err(ShardError::ExceedReplications { shard, shards: shard.count, replications }.into());
                }
                Ok(Plan::Shard { shard, replications })
            }
            (None, Some(tolerance)) => Ok(Plan::Precise(Until {
                tolerance,
                max_replications: args.max_replications.unwrap_or(precision::DEFAULT_MAX_REPLICATIONS),
            })),
            (None, None) => Ok(Plan::Fixed(count.unwrap_or(crate::cli::DEFAULT_REPLICATIONS))),
        }
    }
}

pub(super) fn run(args: &RunArgs, out: Out) -> Result<ExitCode, CommandError> {
    let plan = Plan::of(args)?;
    let scenario = args.changes.load(&args.scenario)?;
    print_warnings(&scenario);
    match plan {
        Plan::Fixed(n) => fixed(args, &scenario, n, out),
        Plan::Precise(until) => until_precise(args, &scenario, until, out),
        Plan::Shard { shard, replications } => one_shard(args, &scenario, shard, replications, out),
    }
}

fn fixed(args: &RunArgs, scenario: &Scenario, replications: u64, out: Out) -> Result<ExitCode, CommandError> {
    let cfg = args.sim.sized_for(replications, &[&scenario.model], args.quiet)?;
    let dir = args.out.join(&scenario.model.name);
    let staging = Staging::folder(&dir, args.force)?;
    let (agg, seconds) = simulate(scenario, &cfg, args.quiet)?;
    let files = write_report(staging.path(), scenario, &agg, cfg.seed, None, &args.command_line(agg.replications))?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        print_summary(out, scenario, &agg, cfg.seed, &format!("in {seconds:.2} s"), None, &dir, &files)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn until_precise(args: &RunArgs, scenario: &Scenario, until: Until, out: Out) -> Result<ExitCode, CommandError> {
    let model = &scenario.model;
    // Sized for the cap: the most the run may take.
    let cfg = args.sim.sized_for(until.max_replications, &[model], args.quiet)?;
    let dir = args.out.join(&model.name);
    let staging = Staging::folder(&dir, args.force)?;
    let headline = precision::headline(model);
    let bar = progress_bar(BATCH.min(until.max_replications), args.quiet, &model.name);
    bar.set_message(format!("{}: towards ±{}", model.name, percent(until.tolerance)));
    let started = Instant::now();
    let batch_done = |r: &Reached| {
        // Only the bar's length follows this guess; what runs is fixed by the batches.
        let needed = (r.replications as f64 * (r.worst / until.tolerance).powi(2)).ceil();
        let guess = if needed.is_finite() { needed as u64 } else { until.max_replications };
        let next = (r.replications + BATCH).min(until.max_replications);
        bar.set_length(guess.div_ceil(BATCH).saturating_mul(BATCH).clamp(next, until.max_replications));
        bar.set_message(format!("{}: ±{} (towards ±{})", model.name, percent(r.worst), percent(until.tolerance)));
    };
    let ctl = Control { progress: &|| bar.inc(1), stop: stop_flag() };
    let result = runner::run_precise(model, cfg.seed, cfg.threads, until, &headline, &batch_done, ctl);
    bar.finish_and_clear();
    let (agg, reached) = result?;
    if agg.unbalanced > 0 {
        return Err(RunError::Unbalanced { replications: agg.unbalanced }.into());
    }
    let seconds = started.elapsed().as_secs_f64();
    let p = Precision::new(until.tolerance, until.max_replications, reached, &headline);
    let command = args.command_line(agg.replications);
    let files = write_report(staging.path(), scenario, &agg, cfg.seed, Some((&p, &headline)), &command)?;
    staging.finish(stop_flag())?;
    if !p.precise() {
        eprintln!(
            "warning: stopped at --max-replications {}: the headline figures are known within ±{}, not the ±{} asked for{}",
            p.max_replications,
            percent(p.reached.worst),
            percent(p.tolerance),
            p.needed_words()
        );
    }
    if !args.quiet {
        let least = p.limiting.as_ref().map_or(String::new(), |(_, words)| format!("; the least settled: {words}"));
        let how = if p.precise() { "until every headline figure was within" } else { "the most allowed; short of" };
        let note = format!(
            "Ran {} replications, {how} ±{} at 95% confidence (reached ±{}{least}{}); --replications {} --seed {} reproduces them.",
            agg.replications,
            percent(p.tolerance),
            percent(p.reached.worst),
            p.needed_words(),
            agg.replications,
            cfg.seed
        );
        print_summary(out, scenario, &agg, cfg.seed, &format!("in {seconds:.2} s"), Some(&note), &dir, &files)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn one_shard(
    args: &RunArgs,
    scenario: &Scenario,
    shard: Shard,
    total: u64,
    out: Out,
) -> Result<ExitCode, CommandError> {
    let model = &scenario.model;
    let range = shard.range(total);
    let mine = range.end - range.start;
    let cfg = args.sim.sized_for(mine, &[model], args.quiet)?;
    let cfg = runner::RunConfig { replications: total, ..cfg };
    let dir = args.out.join(format!("{}-shards", model.name));
    let name = shard.file_name();
    // The checksum goes into place first: a partition in view always has its own.
    let staging = Staging::files(&dir, &[partition::checksum_name(&name), name.clone()], args.force)?;
    let record = ShardRecord {
        scenario: model.name.clone(),
        scenario_sha256: scenario.sha256.clone(),
        seed: cfg.seed.to_string(),
        replications: total,
        version: env!("CARGO_PKG_VERSION").to_string(),
        shard: shard.index,
        shards: shard.count,
        first_replication: range.start,
        replications_in_shard: mine,
        scenario_file: scenario.file.clone(),
        // As given to --set, which is how the merge applies them again.
        changes: scenario.changes.iter().map(|c| c.strip_prefix("--set ").unwrap_or(c).to_string()).collect(),
    };
    let mut writer = PartitionWriter::create(&staging.path().join(&name), &record)?;
    let bar = progress_bar(mine, args.quiet, &format!("{} shard {shard}", model.name));
    let started = Instant::now();
    let ctl = Control { progress: &|| bar.inc(1), stop: stop_flag() };
    let events = runner::run_shard(model, &cfg, shard, &mut |batch| writer.write(&batch), ctl);
    bar.finish_and_clear();
    let events = events?;
    writer.finish()?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        say!(
            out,
            "{} ({}, sha256 {}), seed {}, shard {} of {}: replications {} to {} of {}, {:.1} million events in {:.2} s",
            model.name,
            scenario.file,
            &scenario.sha256[..12],
            cfg.seed,
            shard.index,
            shard.count,
            range.start,
            range.end - 1,
            total,
            events as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        say!(
            out,
            "Wrote {}; once all {} shards have run, caseflow merge {} writes the report to reports/{}/ \
(--out chooses another folder)",
            dir.join(&name).display(),
            shard.count,
            dir.display(),
            scenario.model.name
        );
    }
    Ok(ExitCode::SUCCESS)
}

impl RunArgs {
    /// The command that runs this again: the replications it ran, fixed.
    pub fn command_line(&self, replications: u64) -> String {
        run_line(&self.scenario, &self.changes, replications, self.sim.seed)
    }
}

/// `caseflow run` of a scenario file with changes, for so many
/// replications from a seed: what a run, or the shards merged, reproduces.
pub(super) fn run_line(scenario: &Path, changes: &Changes, replications: u64, seed: u64) -> String {
    format!(
        "caseflow run {}{} --replications {replications} --seed {seed}",
        shell_word(&scenario.display().to_string()),
        changes.flags()
    )
}

/// Write a run's tables, record and report into `dir`, with the `command`
/// that makes it again: the one place a run report is made, so a merge of
/// shards writes what the single run does.
pub(super) fn write_report(
    dir: &Path,
    scenario: &Scenario,
    agg: &Aggregate,
    seed: u64,
    precision: Option<(&Precision, &[precision::Headline])>,
    command: &str,
) -> Result<Vec<PathBuf>, CommandError> {
    let model = &scenario.model;
    for w in summary::report::today::warnings(model, agg) {
        eprintln!("warning: {w}");
    }
    let stamp = Stamp::new(&model.name, &scenario.sha256, seed, agg.replications);
    let mut tables = summary::tables(model, agg, &stamp).map_err(|e| ExportError::Tables { message: e.to_string() })?;
    let precision_record = precision.map(|(p, headline)| PrecisionRecord::of(p, headline));
    let manifest = Manifest { precision: precision_record, ..manifest(scenario, &stamp, &[]) };
    let mut files = export::write_run(dir, &mut tables, manifest)?;
    let report = summary::report::build(model, agg, &stamp, scenario, precision.map(|(p, _)| p));
    files.extend(export::write_report(dir, &report, command)?);
    let book = export::xlsx::run_workbook(model, agg, &mut tables, &report, command)?;
    files.push(export::write_bytes(dir, &format!("{}.xlsx", model.name), &book)?);
    Ok(files)
}

/// A report's record of what made it: the scenario's files, changes and
/// dates, and the files it read, `more` (a health check's histories) last.
pub(super) fn manifest<'a>(scenario: &'a Scenario, stamp: &'a Stamp, more: &[(String, String)]) -> Manifest<'a> {
    let model = &scenario.model;
    let input = |(file, sha256): &(String, String)| export::Input { file: file.clone(), sha256: sha256.clone() };
    Manifest {
        stamp,
        scenario_file: &scenario.file,
        scenario_files: scenario.files.iter().map(input).collect(),
        changes: scenario.changes.clone(),
        resolved: export::resolved_table(&scenario.resolved),
        period: model.periods.kind.name(),
        start: model.start.to_string(),
        horizon_days: model.horizon_days,
        warmup_days: model.warmup_days,
        inputs: model.inputs.iter().chain(more).map(input).collect(),
        files: Vec::new(),
        precision: None,
    }
}

/// What a run prints: the header (`timing` says how long, or how
/// merged), any `note`, the summary table and the files written.
#[allow(clippy::too_many_arguments)]
pub(super) fn print_summary(
    out: Out,
    scenario: &Scenario,
    agg: &Aggregate,
    seed: u64,
    timing: &str,
    note: Option<&str>,
    dir: &Path,
    files: &[PathBuf],
) -> Result<(), CommandError> {
    let m = &scenario.model;
    say!(
        out,
        "{} ({}, sha256 {}), seed {}, {} replications: {:.1} million events {timing}",
        m.name,
        scenario.file,
        &scenario.sha256[..12],
        seed,
        agg.replications,
        agg.events as f64 / 1e6
    );
    say!(
        out,
        "Reported from {} to {} by {}.",
        m.start,
        m.periods.last_date(m.periods.len() - 1),
        m.periods.kind.name()
    );
    if let Some(note) = note {
        say!(out, "{note}");
    }
    say!(out);
    // What the report says first, money and totals included.
    for sentence in crate::summary::report::in_short(m, agg) {
        say!(out, "- {sentence}");
    }
    say!(out);
    write!(out, "{}", console::summary_table(m, agg)).map_err(CommandError::Output)?;
    super::print_files(out, dir, files, "report")
}
