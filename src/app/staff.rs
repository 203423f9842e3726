//! `caseflow staff`: the smallest staffing that meets targets.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use super::{CommandError, Out, progress_bar, say, sentences, set_flags, shell_word, size_check, stop_flag};
use crate::cli::StaffArgs;
use crate::export::{self, Staging};
use crate::scenario::{self, Change};
use crate::staff::{self, Dim, Outcome, Plan, WrittenTarget};
use crate::summary;

pub fn staff(args: &StaffArgs, out: Out) -> Result<ExitCode, CommandError> {
    let sc = args.changes.load(&args.scenario)?;
    check_vary(args)?;
    let targets = staff::targets(&args.targets, args.budget.as_deref(), &sc.model)?;
    // Sized (and timed) as the whole search: every candidate's replications.
    let estimate = staff::replications_about(&args.vary, args.replications, args.confirm);
    let threads =
        size_check(&[&sc.model], estimate, args.threads.map(usize::from), (args.max_memory, args.time), args.quiet)?;
    let dir = args.out.join(format!("staff-{}", sc.model.name));
    let staging = Staging::folder(&dir, args.force)?;
    let now: Vec<Option<String>> = args.vary.iter().map(|d| sc.value_at(&d.key).map(|v| v.to_string())).collect();
    let plan = Plan {
        scenario: scenario::Source::File(args.scenario.clone()),
        base: args.changes.set.clone(),
        dims: args.vary.clone(),
        targets,
        coarse: args.replications,
        confirm: args.confirm.max(args.replications),
        seed: args.seed,
        threads,
        now: now.iter().map(|v| v.as_deref().and_then(|v| v.parse::<f64>().ok())).collect(),
    };
    let started = Instant::now();
    let found = super::search_with_bar(&plan, &sc.model, &search_bar(estimate, args.quiet))?;
    let seconds = started.elapsed().as_secs_f64();
    let model_of = |c: &staff::Candidate| {
        scenario::load_with(&args.scenario, &staff::changes(&plan, found.days, &c.values)).ok().map(|s| s.model)
    };
    let today = staff::as_it_stands(&plan, &sc.model, stop_flag())?;
    let doc = summary::staff::build(&plan, &found, &sc.model, (&now, today.as_ref()), &model_of);
    let numbers = summary::staff::numbers(&plan, &found, &sc.model);
    export::write_staff(staging.path(), &doc, &numbers, &args.command_line())?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        print_outcome(out, &doc, &found, seconds, &dir)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The grid must not be too big, and each varied key must exist and take
/// its values: the scenario is loaded at the first and last of each.
fn check_vary(args: &StaffArgs) -> Result<(), CommandError> {
    staff::check_grid(&args.vary).map_err(|message| CommandError::Vary { message })?;
    for d in &args.vary {
        for v in [d.values[0], *d.values.last().expect("a value")] {
            let mut changes = args.changes.set.clone();
            changes.push(Change::set(&d.key, v));
            scenario::load_with(&args.scenario, &changes).map_err(|e| CommandError::Vary {
                message: format!("{}: at {v} the scenario does not load:\n{e}", d.key),
            })?;
        }
    }
    Ok(())
}

/// The search's bar: how far through, as a share, since its length is a guess.
fn search_bar(estimate: u64, quiet: bool) -> indicatif::ProgressBar {
    let bar = progress_bar(estimate, quiet, "staff");
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] about {percent}% ({elapsed} so far)")
            .expect("a valid progress template")
            .progress_chars("=> "),
    );
    bar
}

/// The headline, how many candidates it took, and where the report is.
fn print_outcome(
    out: Out,
    doc: &summary::doc::Doc,
    found: &Outcome,
    seconds: f64,
    dir: &Path,
) -> Result<(), CommandError> {
    for line in sentences(doc, "headline") {
        say!(out, "{line}\n");
    }
    say!(
        out,
        "{} candidates evaluated (of {} in the grid) in {seconds:.1} s.",
        found.evaluated.len(),
        crate::format::thousands(found.grid as f64)
    );
    say!(out, "Wrote {}/: staff.html (open it in a browser), staff.md, candidates.csv, charts", dir.display());
    Ok(())
}

impl StaffArgs {
    /// The command that makes this search again.
    pub fn command_line(&self) -> String {
        let search = Search { dims: &self.vary, targets: &self.targets, budget: self.budget.as_deref() };
        let (coarse, confirm) = (self.replications, self.confirm.max(self.replications));
        staff_line(&self.scenario, &self.changes.set, &search, (coarse, confirm, self.seed))
    }
}

/// What a staffing search varies and must meet.
pub(super) struct Search<'a> {
    pub dims: &'a [Dim],
    pub targets: &'a [WrittenTarget],
    pub budget: Option<&'a str>,
}

/// `caseflow staff` of a scenario file with changes, searching so, at
/// (replications, confirming replications, seed): the one way the line is
/// written, for the search's own report and the health check's.
pub(super) fn staff_line(
    scenario: &Path,
    changes: &[Change],
    search: &Search,
    (coarse, confirm, seed): (u64, u64, u64),
) -> String {
    format!(
        "caseflow staff {}{}{}{}{} --replications {coarse} --confirm {confirm} --seed {seed}",
        shell_word(&scenario.display().to_string()),
        set_flags(changes),
        search.dims.iter().map(|d| format!(" --vary {}", shell_word(&d.to_string()))).collect::<String>(),
        search.targets.iter().map(|t| format!(" --target {}", shell_word(&t.text))).collect::<String>(),
        search.budget.map_or(String::new(), |b| format!(" --budget {}", shell_word(b))),
    )
}
