//! `caseflow merge`: the shards of a run put back together into the report
//! the single run writes.
//!
//! Each replication is read back as it was simulated, a batch at a time,
//! and folded into the run's one total a few replications at a time, so
//! memory grows with neither the number of replications nor the number of
//! shards; shards are read side by side, and the aggregate's merge is
//! exact, so the report is the single run's, byte for byte.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::run::{print_summary, run_line, write_report};
use super::{CommandError, Out, progress_bar, stop_flag};
use crate::cli::{Changes, MergeArgs};
use crate::export::partition;
use crate::export::{ExportError, Staging};
use crate::input::InputError;
use crate::runner::{FLUSH, RunError, Total};
use crate::scenario::{self, Change};
use crate::shard::{self, ShardError, ShardRecord};
use crate::stats::Aggregate;

pub(super) fn merge(args: &MergeArgs, out: Out) -> Result<ExitCode, CommandError> {
    let files = partitions(&args.dirs)?;
    if files.is_empty() {
        return Err(ShardError::NoShards { dirs: args.dirs.clone() }.into());
    }
    // Every file is checked whole before any is read: a flipped bit in a
    // value would still read, as another number.
    files.par_iter().try_for_each(|p| partition::verify(p))?;
    let records: Vec<(PathBuf, ShardRecord)> =
        files.into_iter().map(|p| partition::read_record(&p).map(|r| (p, r))).collect::<Result<_, _>>()?;
    let parts = shard::complete_set(records)?;
    let (first_path, first) = &parts[0];
    let seed = first.seed().map_err(|reason| ShardError::NotAShard { path: first_path.clone(), reason })?;
    let changes: Vec<Change> = first
        .changes
        .iter()
        .map(|c| Change::parse(c).map_err(|message| CommandError::Set { arg: c.clone(), message }))
        .collect::<Result<_, _>>()?;
    let file = args.scenario.clone().unwrap_or_else(|| PathBuf::from(&first.scenario_file));
    if args.scenario.is_none() && !file.is_file() {
        return Err(ShardError::ScenarioMissing { file }.into());
    }
    let scenario = scenario::load_with(&file, &changes)?;
    if scenario.sha256 != first.scenario_sha256 {
        return Err(ShardError::ScenarioChanged {
            file: scenario.file.clone(),
            recorded: first.scenario_sha256.clone(),
            now: scenario.sha256.clone(),
        }
        .into());
    }
    let model = &scenario.model;
    let dir = args.out.join(&model.name);
    let staging = Staging::folder(&dir, args.force)?;
    let bar = progress_bar(first.replications, args.quiet, &format!("merge {}", model.name));
    let started = Instant::now();
    // Shards are read side by side, each folded into the one total a few
    // replications at a time; merging aggregates is exact and order-free,
    // so this is the single run's.
    let total = Total::new();
    parts
        .par_iter()
        .try_for_each(|(path, record)| fold_shard(model, path, record, &bar, &total))
        .inspect_err(|_| bar.finish_and_clear())?;
    bar.finish_and_clear();
    let agg = total.into_inner().unwrap_or_else(|| Aggregate::for_model(model));
    if agg.unbalanced > 0 {
        return Err(RunError::Unbalanced { replications: agg.unbalanced }.into());
    }
    let command = run_line(&file, &Changes { set: changes }, agg.replications, seed);
    let written = write_report(staging.path(), &scenario, &agg, seed, None, &command)?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        let timing = format!("merged from {} shards in {:.2} s", parts.len(), started.elapsed().as_secs_f64());
        print_summary(out, &scenario, &agg, seed, &timing, None, &dir, &written)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Read one shard's replications back, in order, into the total: `FLUSH`
/// at a time into an aggregate of their own, then that into the total, so
/// the merge holds the total and a small aggregate a thread, however many
/// shards and replications.
fn fold_shard(
    model: &crate::model::Model,
    path: &Path,
    record: &ShardRecord,
    bar: &indicatif::ProgressBar,
    total: &Total<Aggregate>,
) -> Result<(), CommandError> {
    let mut agg = Aggregate::for_model(model);
    let mut next = record.first_replication;
    let damaged = |reason: String| ExportError::from(ShardError::Incomplete { path: path.to_path_buf(), reason });
    let rows = partition::read_results(path, model.periods.len(), &mut |rep| {
        if rep.replication != next {
            return Err(damaged(format!("replication {} is where {next} should be", rep.replication)));
        }
        if !agg.fits(&rep) {
            return Err(damaged(format!("replication {next} does not have the scenario's shape")));
        }
        if stop_flag().load(Ordering::SeqCst) {
            return Err(RunError::Interrupted.into());
        }
        agg.add(&rep);
        bar.inc(1);
        next += 1;
        if agg.replications >= FLUSH {
            total.add(std::mem::replace(&mut agg, Aggregate::for_model(model)));
        }
        Ok(())
    })?;
    if rows != record.replications_in_shard {
        return Err(
            damaged(format!("it holds {rows} replications of the {} it should", record.replications_in_shard)).into()
        );
    }
    total.add(agg);
    Ok(())
}

/// The shard files named, or in the folders named and their subfolders,
/// in order. Hidden entries are skipped: a shard still being written sits
/// in a hidden folder beside where it goes.
fn partitions(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, CommandError> {
    let mut out = Vec::new();
    for d in dirs {
        if d.is_file() {
            out.push(d.clone());
            continue;
        }
        let entries = listed(d)?;
        for p in &entries {
            if p.is_dir() {
                out.extend(listed(p)?.into_iter().filter(|q| is_shard_file(q)));
            } else if is_shard_file(p) {
                out.push(p.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A folder's visible entries, sorted.
fn listed(dir: &Path) -> Result<Vec<PathBuf>, CommandError> {
    let read = std::fs::read_dir(dir).map_err(|source| InputError::Io { path: dir.to_path_buf(), source })?;
    let mut out = Vec::new();
    for entry in read {
        let entry = entry.map_err(|source| InputError::Io { path: dir.to_path_buf(), source })?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

fn is_shard_file(p: &Path) -> bool {
    p.is_file()
        && p.file_name()
            .map(|n| n.to_string_lossy())
            .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".parquet"))
}
