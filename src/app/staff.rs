//! `caseflow staff`: the smallest staffing that meets targets.

use std::process::ExitCode;
use std::time::Instant;

use super::{Out, progress_bar, say, size_check, stop_flag};
use crate::cli::StaffArgs;
use crate::error::Error;
use crate::export::{self, Staging};
use crate::scenario::{self, Change};
use crate::search::{self, Dim, Plan};
use crate::summary;

pub fn staff(args: &StaffArgs, out: Out) -> Result<ExitCode, Error> {
    let base = args.changes.parsed()?;
    let sc = scenario::load_with(&args.scenario, &base)?;
    let dims: Vec<Dim> =
        args.vary.iter().map(|v| Dim::parse(v).map_err(|message| Error::Vary { message })).collect::<Result<_, _>>()?;
    search::check_grid(&dims).map_err(|message| Error::Vary { message })?;
    // Each varied key must exist and take the values: try the first and last.
    for d in &dims {
        for v in [d.values[0], *d.values.last().expect("a value")] {
            let mut changes = base.clone();
            changes.push(Change::set(&d.key, v));
            scenario::load_with(&args.scenario, &changes)
                .map_err(|e| Error::Vary { message: format!("{}: at {v} the scenario does not load:\n{e}", d.key) })?;
        }
    }
    let targets = search::targets(&args.targets, args.budget.as_deref(), &sc.model)?;
    // Sized (and timed) as the whole search: every candidate's replications.
    let estimate = search::replications_about(&dims, args.replications, args.confirm);
    let threads =
        size_check(&[&sc.model], estimate, args.threads.map(usize::from), (args.max_memory, args.time), args.quiet)?;
    let dir = args.out.join(format!("staff-{}", sc.model.name));
    let staging = Staging::folder(&dir, args.force)?;
    let plan = Plan {
        scenario: scenario::Source::File(args.scenario.clone()),
        base: base.clone(),
        dims,
        targets,
        coarse: args.replications,
        confirm: args.confirm.max(args.replications),
        seed: args.seed,
        threads,
        now: None,
    };
    let now: Vec<Option<String>> = plan.dims.iter().map(|d| sc.value_at(&d.key).map(|v| v.to_string())).collect();
    let plan = Plan { now: now.iter().map(|v| v.as_deref().and_then(|v| v.parse::<f64>().ok())).collect(), ..plan };
    let bar = progress_bar(estimate, args.quiet, "staff");
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] about {percent}% ({elapsed} so far)")
            .expect("a valid progress template")
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let found = super::search_with_bar(&plan, &sc.model, &bar)?;
    let seconds = started.elapsed().as_secs_f64();
    let model_of = |c: &search::Candidate| {
        scenario::load_with(&args.scenario, &search::changes(&plan, found.days, &c.values)).ok().map(|s| s.model)
    };
    let doc = summary::staff::build(&plan, &found, &sc.model, &now, &model_of);
    let command = format!(
        "caseflow staff {}{}{}{}{} --replications {} --confirm {} --seed {}",
        super::shell_word(&sc.file),
        super::set_flags(&sc),
        args.vary.iter().map(|v| format!(" --vary {}", super::shell_word(v))).collect::<String>(),
        args.targets.iter().map(|t| format!(" --target {}", super::shell_word(t))).collect::<String>(),
        args.budget.as_ref().map_or(String::new(), |b| format!(" --budget {}", super::shell_word(b))),
        plan.coarse,
        plan.confirm,
        plan.seed
    );
    let numbers = summary::staff::numbers(&plan, &found, &sc.model);
    export::write_staff(staging.path(), &doc, &numbers, &command)?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        for s in doc.section("headline").into_iter().flat_map(|s| &s.blocks) {
            if let summary::doc::Block::Sentences(list) = s {
                for line in list {
                    say!(out, "{}\n", line.text);
                }
            }
        }
        say!(
            out,
            "{} candidates evaluated (of {} in the grid) in {seconds:.1} s.",
            found.evaluated.len(),
            crate::format::thousands(found.grid as f64)
        );
        say!(out, "Wrote {}/: staff.html (open it in a browser), staff.md, candidates.csv, charts", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}
