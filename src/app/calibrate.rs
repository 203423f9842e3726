//! `caseflow calibrate`: the values a council does not know, found so that
//! the model reproduces where it stands; written as an overlay of the
//! scenario, with a report of observed against simulated.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::{CommandError, Out, say, shell_word, stop_flag};
use crate::calibrate::{self, Outcome, Plan, write};
use crate::cli::{CalibrateArgs, TimeArgs};
use crate::export::{self, ExportError, Staging};
use crate::model::Model;
use crate::scenario;
use crate::summary;

pub fn calibrate(args: &CalibrateArgs, out: Out) -> Result<ExitCode, CommandError> {
    let base = args.changes.set.clone();
    let sc = scenario::load_with(&args.scenario, &base)?;
    super::print_warnings(&sc);
    let mut unknowns = sc.model.unknowns.clone();
    for u in &args.fit {
        unknowns.retain(|x| x.keys != u.keys);
        unknowns.push(u.clone());
    }
    let target = args.write.clone().unwrap_or_else(|| beside(&args.scenario, &sc.model.name));
    let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let folder =
        target.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let plan = Plan {
        scenario: args.scenario.clone(),
        base,
        unknowns,
        replications: args.replications,
        confirm: args.confirm,
        seed: args.seed,
        threads: args.threads.map(usize::from),
        max_runs: args.max_runs as usize,
    };
    let plan = sized(plan, (args.max_memory, args.time), args.quiet)?;
    let overlay_staging = Staging::files(&folder, std::slice::from_ref(&file_name), args.force)?;
    let dir = args.out.join(format!("calibrate-{}", sc.model.name));
    let staging = Staging::folder(&dir, args.force)?;
    let bar = super::progress_bar(plan.max_runs as u64, args.quiet, "calibrate");
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos} candidates (at most {len}; {elapsed} so far)")
            .expect("a valid progress template")
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let progress = |r: &calibrate::Run, n: usize| {
        bar.set_position(n as u64);
        bar.set_message(format!("calibrate: misfit {:.3}", r.misfit));
    };
    let found = calibrate::calibrate(plan, &progress, stop_flag());
    bar.finish_and_clear();
    let outcome = found?;
    let seconds = started.elapsed().as_secs_f64();
    let doc = summary::calibration::build(&outcome, seconds);
    export::calibration::write_calibration(staging.path(), &doc, &args.command_line(), &outcome)?;
    let text = overlay_text(&outcome, &target, &dir);
    let path = overlay_staging.path().join(&file_name);
    std::fs::write(&path, text).map_err(|e| ExportError::Write { path: target.clone(), message: e.to_string() })?;
    staging.finish(stop_flag())?;
    overlay_staging.finish(stop_flag())?;
    for c in &outcome.conflicts {
        eprintln!("warning: {}", summary::calibration::conflict_words(&outcome, c));
    }
    for w in summary::calibration::near_an_end_words(&outcome) {
        eprintln!("warning: {w}");
    }
    if !args.quiet {
        for line in super::sentences(&doc, "headline") {
            say!(out, "- {line}");
        }
        say!(
            out,
            "Wrote {} (the calibrated scenario: caseflow run {} checks itself against the observed figures)",
            target.display(),
            shell_word(&target.display().to_string())
        );
        say!(
            out,
            "Wrote {}/: calibration.html (open it in a browser), calibration.md, observed.csv, runs.csv, charts",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The plan once its every run is sized and timed: refused if too big or
/// too long, on fewer threads if that keeps memory within the limit.
pub(super) fn sized(plan: Plan, limits: (Option<f64>, TimeArgs), quiet: bool) -> Result<Plan, CommandError> {
    let runs = calibrate::runs(&plan)?;
    let models: Vec<[&Model; 1]> = runs.iter().map(|(s, _)| [&s.model]).collect();
    let job: Vec<(&[&Model], u64)> = models.iter().zip(&runs).map(|(m, (_, n))| (&m[..], *n)).collect();
    let threads = super::size_check_job(&job, plan.threads, limits, quiet)?;
    Ok(Plan { threads, ..plan })
}

/// `<folder of the scenario>/<name>-calibrated.toml`.
fn beside(scenario: &Path, name: &str) -> PathBuf {
    let folder = scenario.parent().unwrap_or_else(|| Path::new(""));
    folder.join(format!("{name}-calibrated.toml"))
}

/// The calibrated scenario: an overlay of the original (with any --set
/// changes made part of it), each value with where it came from.
fn overlay_text(o: &Outcome, target: &Path, report: &Path) -> String {
    let base = relative(&o.plan.scenario, target);
    let doc: toml::Table = o.before.resolved.parse().unwrap_or_default();
    let mut lines: Vec<write::Line> = Vec::new();
    for c in &o.plan.base {
        if let crate::scenario::Change::Set { key, value } = c {
            lines.push(write::Line { key: key.clone(), value: value.clone(), comment: "given with --set".into() });
        }
    }
    for ((u, before), &t) in o.plan.unknowns.iter().zip(&o.values_before).zip(&o.best) {
        let was = before.as_ref().map_or("not set".into(), ToString::to_string);
        let comment = format!("calibrated (was {was}; range {} to {})", u.toml_at(0.0), u.toml_at(1.0));
        for key in &u.keys {
            lines.push(write::Line { key: key.clone(), value: u.toml_at(t), comment: comment.clone() });
        }
    }
    let header = vec![
        format!("{}-calibrated: {} calibrated to where the council stands.", o.before.model.name, o.before.model.name),
        String::new(),
        format!("  caseflow run {}", shell_word(&target.display().to_string())),
        String::new(),
        format!(
            "Made by caseflow calibrate from {} ({} candidates of {} replications, seed {}).",
            o.plan.scenario.display(),
            o.runs.len(),
            o.plan.replications,
            o.plan.seed
        ),
        format!("Observed against simulated, and how the values were found: {}/calibration.html", report.display()),
    ];
    let name = format!("{}-calibrated", o.before.model.name);
    let description = summary::calibration::calibrated_description(o);
    write::overlay(&header, &base, (&name, &description), &doc, &lines)
}

/// `scenario` as a path from the folder `target` is in (how `base =` reads).
fn relative(scenario: &Path, target: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let from = abs(target.parent().unwrap_or_else(|| Path::new(".")));
    let to = abs(scenario);
    let (f, t): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out.display().to_string()
}

impl CalibrateArgs {
    /// The command that makes this calibration again.
    pub fn command_line(&self) -> String {
        let fits: String = self
            .fit
            .iter()
            .map(|u| format!(" --fit {}", shell_word(&format!("{}={}..{}", u.key(), u.low[0], u.high[0]))))
            .collect();
        format!(
            "caseflow calibrate {}{}{fits} --replications {} --confirm {} --max-runs {} --seed {}",
            shell_word(&self.scenario.display().to_string()),
            self.changes.flags(),
            self.replications,
            self.confirm,
            self.max_runs,
            self.seed
        )
    }
}
