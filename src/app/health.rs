//! `caseflow health-check`: last year from the histories, the year ahead
//! simulated from today's position, ratings against the employer
//! standards, the staffing that brings caseloads to a safe level, and
//! last year's health check beside this one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::staff::{Search, staff_line};
use super::{CommandError, Out, print_files, progress_bar, say, sentences, shell_word, simulate, stop_flag};
use crate::cli::HealthArgs;
use crate::export::{self, ExportError, Staging};
use crate::history::{self as hist, History, observed};
use crate::model::Model;
use crate::model::health::Rated;
use crate::results::{RoleKpi, Scope, WorkforceMetric, workforce_scopes};
use crate::scenario::{self, Change, Scenario};
use crate::staff::{self, Dim, Plan};
use crate::stats::{Aggregate, Bands};
use crate::summary::health::{self, Input, Staffing};
use crate::summary::{self, Stamp};
use crate::units::DAYS_PER_YEAR;

fn fail(message: impl Into<String>) -> CommandError {
    CommandError::HealthCheck { message: message.into() }
}

/// The scenario over one year from its start, whatever horizon it has.
fn year_ahead(args: &HealthArgs) -> Result<(Scenario, Vec<Change>), CommandError> {
    let mut changes = args.changes.set.clone();
    let sc = scenario::load_with(&args.scenario, &changes)?;
    let m = &sc.model;
    let one_year = crate::model::periods::day_of(m.start, m.start + chrono::Months::new(12));
    if m.horizon_days == one_year {
        return Ok((sc, changes));
    }
    changes.push(Change::set("scenario.years", 1));
    Ok((scenario::load_with(&args.scenario, &changes)?, changes))
}

/// What the health check needs of a scenario.
fn check_scenario(sc: &Scenario) -> Result<(), CommandError> {
    let m = &sc.model;
    if m.health.is_none() {
        return Err(fail(format!(
            "{}: the scenario has no [health_check] table; add one with each role's safe caseload (people allocated per worker), e.g.\n\n[health_check]\ncaseload = {{ {} = 20 }}\n\nA scenario made by caseflow new has one when its profile has a [caseloads] table (docs/psw.md).",
            sc.file,
            m.roles.iter().find(|r| !r.is_bought_in()).map_or("social_worker", |r| r.name.as_str())
        )));
    }
    if !m.flows.iter().any(|f| f.people) {
        return Err(fail(format!(
            "{}: no flow has people = true (or keep_allocated), so nobody is ever allocated to a worker; mark the flows whose items are people (assessments, reviews, enquiries)",
            sc.file
        )));
    }
    Ok(())
}

/// Read a history file that must be of one kind.
fn history(path: &Path, staff: bool, flag: &str) -> Result<(History, String), CommandError> {
    let (h, text) = hist::read::read_with_text(path)?;
    match (&h, staff) {
        (History::Staff(_), true) | (History::Activity(_), false) => Ok((h, text)),
        (History::Activity(_), true) => Err(fail(format!(
            "--{flag} {}: this is activity history (period,flow,count); give the staff history (period,role,starters,leavers,in_post,...)",
            path.display()
        ))),
        (History::Staff(_), false) => Err(fail(format!(
            "--{flag} {}: this is staff history; give the activity history (period,flow,count[,completed])",
            path.display()
        ))),
    }
}

fn sha256(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Last year's health check: its folder or its `health_check.csv`.
fn previous(path: &Path) -> Result<health::Previous, CommandError> {
    let file = if path.is_dir() { path.join("health_check.csv") } else { path.to_path_buf() };
    let text = crate::input::read_text(&file, crate::input::Kind::Report).map_err(|e| {
        fail(format!(
            "--previous {}: {} {}; give the folder last year's caseflow health-check wrote",
            path.display(),
            file.display(),
            e.reason()
        ))
    })?;
    health::read_previous(&text, &file.display().to_string()).map_err(fail)
}

/// Last year's health check must have forecast the year the histories
/// now record, or "what happened" is set against another year's forecast.
fn same_year(p: &health::Previous, seen: &observed::Observed, m: &Model, path: &Path) -> Result<(), CommandError> {
    let forecast = p.rows.first().map_or("", |r| r.year_ahead.as_str());
    let dates = forecast.split_once("..").and_then(|(a, b)| {
        Some((a.parse::<chrono::NaiveDate>().ok()?, b.parse::<chrono::NaiveDate>().ok()?.succ_opt()?))
    });
    let Some((from, to)) = dates else {
        return Err(fail(format!(
            "--previous {}: its year_ahead '{forecast}' is not a span of dates like 2025-04-01..2026-03-31; give the folder last year's caseflow health-check wrote",
            path.display()
        )));
    };
    // A month either way: a year of history may start on another day.
    let near = |a: chrono::NaiveDate, b: chrono::NaiveDate| (a - b).num_days().abs() <= 31;
    if near(from, seen.from) && near(to, seen.to) {
        return Ok(());
    }
    let why = if near(from, m.start) {
        "the same year this health check forecasts".to_string()
    } else {
        format!("not the year the histories record last ({} to {})", seen.from, seen.to.pred_opt().unwrap_or(seen.to))
    };
    Err(fail(format!(
        "--previous {}: last year's health check forecast {} to {}, {why}; give the health check run a year ago, whose year ahead is the histories' last year",
        path.display(),
        from,
        to.pred_opt().unwrap_or(to)
    )))
}

pub fn health_check(args: &HealthArgs, out: Out) -> Result<ExitCode, CommandError> {
    let (sc, changes) = year_ahead(args)?;
    super::print_warnings(&sc);
    check_scenario(&sc)?;
    let model = &sc.model;
    let past = LastYear::read(args, &sc)?;
    let cfg = sized(args, &sc)?;
    let dir = args.out.join(format!("health-check-{}", model.name));
    let staging = Staging::folder(&dir, args.force)?;
    let (agg, seconds) = simulate(&sc, &cfg, args.quiet)?;
    let staffing = if args.no_search { Vec::new() } else { search_staffing(args, &sc, &changes, &agg, cfg.threads)? };
    let without_dols = without_dols(args, &changes, &cfg)?;
    let stamp = Stamp::new(&model.name, &sc.sha256, cfg.seed, cfg.replications);
    let input = Input {
        model,
        agg: &agg,
        stamp: &stamp,
        scenario: &sc,
        observed: &past.observed,
        synthetic: past.synthetic,
        histories: past.histories.clone(),
        staffing: &staffing,
        searched: !args.no_search,
        without_dols: without_dols.as_ref(),
        previous: past.previous.as_ref(),
    };
    let tables_err = |e: polars::prelude::PolarsError| ExportError::Tables { message: e.to_string() };
    let mut tables = summary::tables(model, &agg, &stamp).map_err(tables_err)?;
    let mut ratings = health::table(&input).map_err(tables_err)?;
    let mut seen = health::observed_table(&input).map_err(tables_err)?;
    let doc = health::build(&input);
    let manifest = super::run::manifest(&sc, &stamp, &past.histories);
    let command = args.command_line(cfg.replications);
    let files =
        export::write_health_check(staging.path(), &mut tables, manifest, &mut ratings, &mut seen, &doc, &command)?;
    staging.finish(stop_flag())?;
    if !args.quiet {
        say!(
            out,
            "{} ({}), seed {}, {} replications of the year ahead: {:.1} s\n",
            model.name,
            sc.file,
            cfg.seed,
            cfg.replications,
            seconds
        );
        print_summary(out, &doc, files, &dir)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Last year as the histories record it, and last year's health check.
struct LastYear {
    observed: observed::Observed,
    /// Whether the scenario or a history says it is synthetic.
    synthetic: bool,
    /// Each history file as given, with its SHA-256.
    histories: Vec<(String, String)>,
    previous: Option<health::Previous>,
}

impl LastYear {
    fn read(args: &HealthArgs, sc: &Scenario) -> Result<LastYear, CommandError> {
        let model = &sc.model;
        let (staff, staff_text) = history(&args.staff_history, true, "staff-history")?;
        let (activity, activity_text) = history(&args.activity_history, false, "activity-history")?;
        let observed = observed::of(model, &staff, &activity);
        let synthetic = [model.description.as_str(), sc.header.as_str(), &staff_text, &activity_text]
            .iter()
            .any(|t| t.to_lowercase().contains("synthetic"));
        let previous = args.previous.as_deref().map(previous).transpose()?;
        if let (Some(p), Some(path)) = (&previous, &args.previous) {
            same_year(p, &observed, model, path)?;
        }
        for line in observed.warnings() {
            eprintln!("warning: {line}");
        }
        let histories = vec![
            (args.staff_history.display().to_string(), sha256(&staff_text)),
            (args.activity_history.display().to_string(), sha256(&activity_text)),
        ];
        Ok(LastYear { observed, synthetic, histories, previous })
    }
}

/// The summary's sentences and the files written, the health check's page last.
fn print_summary(out: Out, doc: &summary::doc::Doc, files: Vec<PathBuf>, dir: &Path) -> Result<(), CommandError> {
    for line in sentences(doc, "summary") {
        say!(out, "- {line}");
    }
    let files: Vec<PathBuf> = files.into_iter().filter(|f| !f.ends_with("health-check.html")).collect();
    print_files(out, dir, &files, "health-check")?;
    say!(out, "The health check: {}", dir.join("health-check.html").display());
    Ok(())
}

impl HealthArgs {
    /// The command that makes this health check again, with the replications it ran.
    pub fn command_line(&self, replications: u64) -> String {
        let path = |p: &Path| shell_word(&p.display().to_string());
        format!(
            "caseflow health-check {}{} --staff-history {} --activity-history {}{} --replications {replications} --seed {}{}",
            path(&self.scenario),
            self.changes.flags(),
            path(&self.staff_history),
            path(&self.activity_history),
            self.previous.as_deref().map_or(String::new(), |p| format!(" --previous {}", path(p))),
            self.sim.seed,
            if self.no_search {
                " --no-search".to_string()
            } else {
                format!(" --search-replications {}", self.search_replications)
            }
        )
    }
}

/// The health check's run configuration, once the whole of it is sized
/// and timed: the year ahead, again without DoLS where a role does both,
/// and at most a staffing search for each role with a safe caseload.
fn sized(args: &HealthArgs, sc: &Scenario) -> Result<crate::runner::RunConfig, CommandError> {
    let m = &sc.model;
    let n = args.sim.count("health-check")?;
    let mut runs = vec![n];
    if !health::dual_roles(m).is_empty() {
        runs.push(n);
    }
    if let Some(h) = m.health.as_ref().filter(|_| !args.no_search) {
        for (r, role) in m.roles.iter().enumerate().filter(|(r, role)| h.caseload[*r].is_some() && role.fte > 0.0) {
            let dims = [Dim { key: format!("roles.{}.fte", m.roles[r].name), values: search_values(role.fte) }];
            runs.push(staff::replications_about(&dims, args.search_replications, 4 * args.search_replications));
        }
    }
    let models = [m];
    let job: Vec<(&[&Model], u64)> = runs.iter().map(|&k| (&models[..], k)).collect();
    let limits = (args.sim.max_memory, args.sim.time);
    let threads = super::size_check_job(&job, args.sim.threads.map(usize::from), limits, args.quiet)?;
    Ok(crate::runner::RunConfig { replications: n, seed: args.sim.seed, threads })
}

/// The FTEs a staffing search of a role tries: from today's up to twice
/// it, or four more, whichever is more.
fn search_values(fte: f64) -> Vec<f64> {
    let hi = (fte * 2.0).ceil().max(fte + 4.0);
    (0..).map(|i| fte + i as f64).take_while(|&v| v <= hi).collect()
}

/// For each role whose median caseload in the year ahead is above its
/// safe level, or whose share of workers above it is not green, the
/// smallest FTE of that role (others as they are) that brings the share
/// of workers above the safe caseload within its green limit in the
/// median future: the same median the rating reads.
/// The year ahead again on the same futures with DoLS taking none of the
/// time of the workers who also do care management: what DoLS costs their
/// care management. `None` when no role does both.
fn without_dols(
    args: &HealthArgs,
    changes: &[Change],
    cfg: &crate::runner::RunConfig,
) -> Result<Option<Aggregate>, CommandError> {
    let sc = scenario::load_with(&args.scenario, changes)?;
    let roles = health::dual_roles(&sc.model);
    if roles.is_empty() {
        return Ok(None);
    }
    let mut changes = changes.to_vec();
    for r in roles {
        let name = &sc.model.roles[r].name;
        changes.push(Change::set(&format!("roles.{name}.dols_policy"), "fixed_share"));
        changes.push(Change::set(&format!("roles.{name}.dols_share"), 0.0));
    }
    let alt = scenario::load_with(&args.scenario, &changes)?;
    Ok(Some(simulate(&alt, cfg, args.quiet)?.0))
}

fn search_staffing(
    args: &HealthArgs,
    sc: &Scenario,
    changes: &[Change],
    agg: &Aggregate,
    threads: Option<usize>,
) -> Result<Vec<Staffing>, CommandError> {
    let m = &sc.model;
    let scopes = workforce_scopes(m);
    let years = m.horizon_days / DAYS_PER_YEAR;
    let Some(health) = m.health.as_ref() else { return Ok(Vec::new()) };
    let limit = health.limits(Rated::OverThresholdPct).green;
    let mut out = Vec::new();
    for (r, role) in m.roles.iter().enumerate() {
        let Some(threshold) = health.caseload[r] else { continue };
        let Some(s) = scopes.iter().position(|&x| x == Scope::Role(r)) else { continue };
        let people = Bands::of(agg.workforce_kpi(s, WorkforceMetric::PeopleAllocated)).p50;
        let over = Bands::of(agg.workforce_kpi(s, WorkforceMetric::OverThresholdPct)).p50;
        if (people <= threshold && over <= limit) || role.fte <= 0.0 {
            continue;
        }
        let dims = [Dim { key: format!("roles.{}.fte", role.name), values: search_values(role.fte) }];
        let target = format!("{}.over_threshold_pct <= {} with probability 0.5", role.name, limit);
        let written = [staff::written(&target)?];
        let plan = Plan {
            scenario: scenario::Source::File(args.scenario.clone()),
            base: changes.to_vec(),
            dims: dims.to_vec(),
            targets: staff::targets(&written, None, m)?,
            coarse: args.search_replications,
            confirm: 4 * args.search_replications,
            seed: args.sim.seed,
            threads,
            now: None,
        };
        let estimate = staff::replications_about(&plan.dims, plan.coarse, plan.confirm);
        let bar = progress_bar(estimate, args.quiet, &format!("staffing {}", role.name));
        let found = super::search_with_bar(&plan, m, &bar)?;
        let now_cost = Bands::of(agg.role_kpi(r, RoleKpi::Cost)).scaled(1.0 / years);
        let answer = found.answer.map(|i| &found.evaluated[i]);
        let cost_at = |agg: &Aggregate, model: &Model| {
            let r = model.role_id(&role.name).map(usize::from).unwrap_or(r);
            Bands::of(agg.role_kpi(r, RoleKpi::Cost)).scaled(1.0 / years)
        };
        out.push(Staffing {
            role: r,
            threshold,
            now: role.fte,
            answer: answer.map(|c| c.values[0]),
            limit,
            over: answer.map(|c| Bands::of(&c.bands[0])),
            people: answer.map(|c| Bands::of(c.agg.workforce_kpi(s, WorkforceMetric::PeopleAllocated))),
            cost: answer.map(|c| (cost_at(&c.agg, m), now_cost)),
            note: match answer {
                Some(_) => found.method.clone(),
                None => found.why_none.clone().unwrap_or_else(|| "no staffing in the range meets every target".into()),
            },
            command: staff_line(
                &args.scenario,
                changes,
                &Search { dims: &dims, targets: &written, budget: None },
                (plan.coarse, plan.confirm, plan.seed),
            ),
        });
    }
    Ok(out)
}
