//! `caseflow new`: a scenario from a council profile, or a blank profile
//! to fill in.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{CommandError, Out, say, stop_flag};
use crate::cli::{CalibrateArgs, Changes, NewArgs, TimeArgs, shell_word};
use crate::export::{ExportError, Staging};
use crate::profile;

/// The example profile, which is also the TOML template.
const EXAMPLE: &str = include_str!("../../docs/profile-example.toml");

pub fn new(args: &NewArgs, out: Out) -> Result<ExitCode, CommandError> {
    if let Some(path) = &args.template {
        return template(path, args.force, args.quiet, out);
    }
    let path = args.profile.as_ref().expect("clap requires a profile without --template");
    let checked = profile::read(path)?;
    if args.ruling.is_some() && checked.start > profile::Ruling::date() {
        return Err(CommandError::RulingBeforeStart {
            profile: path.clone(),
            start: checked.start,
            ruling: profile::Ruling::date(),
        });
    }
    let name = profile::scenario_name(&checked, args.ruling);
    let target = args.out.clone().unwrap_or_else(|| Path::new("scenarios").join(format!("{name}.toml")));
    let text = profile::scenario_text_at(&checked, &path.display().to_string(), args.ruling, &target);
    let same = |a: &Path, b: &Path| a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(a, b)| a == b);
    if same(&target, path) {
        return Err(CommandError::OutIsProfile { profile: path.clone() });
    }
    // A scenario made from a profile that does not load is caseflow's fault.
    crate::scenario::parse(&text, &target.display().to_string()).map_err(|e| CommandError::Internal {
        message: format!("the scenario made from {} does not load:\n{e}", path.display()),
    })?;
    write(&target, &text, args.force)?;
    let calibrated = match args.ruling {
        Some(_) => ruling_calibrated(&checked, &name, &target, args.force)?,
        None => None,
    };
    let assumed = text.matches("\n[[assumptions]]").count();
    if !args.quiet {
        say!(
            out,
            "Wrote {}: {} from its profile, with {assumed} values that are national defaults (each with its source, under \
[[assumptions]]; every report lists them as assumptions to check).",
            target.display(),
            checked.label
        );
    }
    if args.calibrate {
        let cal = CalibrateArgs {
            scenario: target.clone(),
            fit: Vec::new(),
            changes: Changes::default(),
            replications: 100,
            confirm: 500,
            max_runs: 60,
            seed: 1,
            threads: None,
            max_memory: None,
            time: TimeArgs::default(),
            write: None,
            out: PathBuf::from("reports"),
            force: args.force,
            quiet: args.quiet,
        };
        return super::calibrate::calibrate(&cal, out);
    }
    if args.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    next_steps(out, &checked, args.ruling, &target, calibrated.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

/// With the ruling: when the scenario made without it has been calibrated
/// (`<name>-calibrated.toml` beside it), the same values set on the
/// ruling's scenario, so the two differ by the ruling alone. Returns the
/// calibrated scenario read and the overlay written.
fn ruling_calibrated(
    checked: &profile::Checked,
    name: &str,
    target: &Path,
    force: bool,
) -> Result<Option<(PathBuf, PathBuf)>, CommandError> {
    let plain = profile::scenario_name(checked, None);
    let from = target.with_file_name(format!("{plain}-calibrated.toml"));
    let Ok(text) = std::fs::read_to_string(&from) else { return Ok(None) };
    let ruling_file = target.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let overlay_name = format!("{name}-calibrated");
    let plain_file = format!("{plain}.toml");
    let Some(overlay) = profile::calibrated_overlay(&text, &plain_file, &ruling_file, &overlay_name) else {
        return Ok(None);
    };
    let written = target.with_file_name(format!("{overlay_name}.toml"));
    write(&written, &overlay, force)?;
    // Written from caseflow's own files: one that does not load is caseflow's fault.
    crate::scenario::load(&written).map_err(|e| CommandError::Internal {
        message: format!("the ruling with {}'s values does not load:\n{e}", from.display()),
    })?;
    Ok(Some((from, written)))
}

/// What to do next with the scenario written at `target`.
fn next_steps(
    out: Out,
    checked: &profile::Checked,
    ruling: Option<profile::Ruling>,
    target: &Path,
    calibrated: Option<&(PathBuf, PathBuf)>,
) -> Result<(), CommandError> {
    if let Some((from, written)) = calibrated {
        say!(
            out,
            "Wrote {}: the ruling with the values calibrated for the council as it stands ({}). Next: caseflow \
compare {} {} shows what the ruling does.",
            written.display(),
            from.display(),
            shell_word(&from.display().to_string()),
            shell_word(&written.display().to_string())
        );
    } else if ruling.is_some() {
        let plain = profile::scenario_name(checked, None);
        say!(
            out,
            "Next: caseflow run {}. The profile's figures are from before the ruling, so this scenario does not check \
itself against them: the one caseflow new makes without --ruling ({plain}.toml) does, and caseflow calibrate fits it \
to them. Calibrate that one first, then run this command again: it then also writes the ruling with the values \
calibration found ({plain}-calibrated.toml), so that the ruling is set against your council as it stands.",
            target.display()
        );
    } else {
        let people =
            if checked.p.caseloads.is_some() { ", how long people stay allocated to their worker" } else { "" };
        say!(
            out,
            "Next: caseflow calibrate {} finds what the profile cannot say (each BIA's effective DoLS time, triage, how \
often requests end undecided{people}) so that the model reproduces where the council stands.",
            target.display()
        );
        if people.is_empty() {
            say!(
                out,
                "For the principal social worker's health check, give the profile a [caseloads] table (docs/psw.md)."
            );
        } else {
            say!(
                out,
                "Then caseflow health-check runs on the calibrated scenario, with the council's staff and activity \
histories (docs/psw.md)."
            );
        }
    }
    Ok(())
}

fn template(path: &Path, force: bool, quiet: bool, out: Out) -> Result<ExitCode, CommandError> {
    let xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let staging = staging(path, force)?;
    let temp = staging.0.path().join(&staging.1);
    if xlsx {
        profile::xlsx::write_template(&temp)?;
    } else {
        std::fs::write(&temp, EXAMPLE)
            .map_err(|e| ExportError::Write { path: path.to_path_buf(), message: e.to_string() })?;
    }
    staging.0.finish(stop_flag())?;
    if !quiet {
        say!(
            out,
            "Wrote {}: fill in your council's figures ({}), then: caseflow new {}",
            path.display(),
            if xlsx { "column C; yellow cells" } else { "replace the example's" },
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A file written whole or not at all, refused if there unless `force`.
fn staging(target: &Path, force: bool) -> Result<(Staging, String), CommandError> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let folder =
        target.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok((Staging::files(&folder, std::slice::from_ref(&name), force)?, name))
}

fn write(target: &Path, text: &str, force: bool) -> Result<(), CommandError> {
    let (staging, name) = staging(target, force)?;
    let path = staging.path().join(name);
    std::fs::write(&path, text)
        .map_err(|e| ExportError::Write { path: target.to_path_buf(), message: e.to_string() })?;
    Ok(staging.finish(stop_flag())?)
}
