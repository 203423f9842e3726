//! `caseflow compare`: scenarios side by side on common random numbers,
//! the paired comparison (`crate::compare`) run and written as a report
//! (`summary::compare`).

use std::process::ExitCode;
use std::time::Instant;

use super::{CommandError, Out, print_warnings, progress_bar, say, sentences, shell_word, stop_flag};
use crate::cli::CompareArgs;
use crate::export::{self, ExportError, Staging};
use crate::model::Model;
use crate::runner::RunError;
use crate::scenario::Scenario;
use crate::summary;

/// Scenarios can be compared when each has its own name and all cover the
/// same dates by the same periods; their names, baseline first.
fn comparable(scenarios: &[Scenario]) -> Result<Vec<&str>, CommandError> {
    let mut names: Vec<&str> = Vec::new();
    for s in scenarios {
        if names.contains(&s.model.name.as_str()) {
            return Err(CommandError::SameName { name: s.model.name.clone() });
        }
        names.push(&s.model.name);
    }
    let first = &scenarios[0];
    for other in &scenarios[1..] {
        let (a, b) = (&first.model, &other.model);
        if a.start != b.start || a.horizon_days != b.horizon_days || a.periods.kind != b.periods.kind {
            return Err(CommandError::DifferentHorizons {
                first: first.file.clone(),
                first_start: a.start,
                first_days: a.horizon_days,
                other: other.file.clone(),
                other_start: b.start,
                other_days: b.horizon_days,
            });
        }
    }
    Ok(names)
}

/// `--at N` as the index of a reporting period of `model`.
fn at_period(at: Option<u32>, model: &Model) -> Result<Option<usize>, CommandError> {
    match at {
        None => Ok(None),
        Some(n) if (n as usize) <= model.periods.len() && n > 0 => Ok(Some(n as usize - 1)),
        Some(n) => Err(CommandError::AtOutOfRange {
            at: n,
            periods: model.periods.len(),
            kind: model.periods.kind.name().to_string(),
        }),
    }
}

pub(super) fn compare(args: &CompareArgs, out: Out) -> Result<ExitCode, CommandError> {
    args.sim.count("compare")?;
    let scenarios: Vec<Scenario> = args.scenarios.iter().map(|p| args.changes.load(p)).collect::<Result<_, _>>()?;
    scenarios.iter().for_each(print_warnings);
    let names = comparable(&scenarios)?;
    let models: Vec<&Model> = scenarios.iter().map(|s| &s.model).collect();
    let at = at_period(args.at, models[0])?;
    let cfg = args.sim.sized("compare", &models, args.quiet)?;
    let dir = args.out.join(format!("compare-{}", names.join("-vs-")));
    let staging = Staging::folder(&dir, args.force)?;
    let bar = progress_bar(cfg.replications, args.quiet, "compare");
    let started = Instant::now();
    let paired = crate::compare::run_paired_until(&models, &cfg, at, &|| bar.inc(1), stop_flag());
    bar.finish_and_clear();
    let paired = paired?;
    if let Some(a) = paired.aggregates.iter().find(|a| a.unbalanced > 0) {
        return Err(RunError::Unbalanced { replications: a.unbalanced }.into());
    }
    let entries: Vec<summary::compare::Entry> = scenarios
        .iter()
        .map(|s| summary::compare::Entry { model: &s.model, file: s.file.clone(), sha256: s.sha256.clone() })
        .collect();
    let mut table = summary::compare::table(&entries, &paired, cfg.seed, cfg.replications)
        .map_err(|e| ExportError::Tables { message: e.to_string() })?;
    let setup = summary::compare::Setup {
        entries: &entries,
        paired: &paired,
        seed: cfg.seed,
        replications: cfg.replications,
        at,
    };
    let comparison = summary::compare::build(&setup);
    export::write_comparison(staging.path(), &mut table, &comparison, &args.command_line(cfg.replications))?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        say!(
            out,
            "{} scenarios, {} replications each, seed {}: {:.2} s\n",
            scenarios.len(),
            cfg.replications,
            cfg.seed,
            started.elapsed().as_secs_f64()
        );
        for line in sentences(&comparison, "headline") {
            say!(out, "{line}\n");
        }
        say!(
            out,
            "Wrote {}/: compare.html (open it in a browser), compare.md, comparison.csv and .parquet, charts",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

impl CompareArgs {
    /// The command that makes this comparison again, with the replications it ran.
    pub fn command_line(&self, replications: u64) -> String {
        let files: Vec<String> = self.scenarios.iter().map(|f| shell_word(&f.display().to_string())).collect();
        format!(
            "caseflow compare {}{}{} --replications {replications} --seed {}",
            files.join(" "),
            self.changes.flags(),
            self.at.map_or(String::new(), |n| format!(" --at {n}")),
            self.sim.seed
        )
    }
}
