//! Runs, comparisons and staffing searches started from the page: each a
//! job on a thread of its own, with its progress, its results so far, a
//! cancel flag and, once done, what the downloads are made from. Jobs
//! share the simulation code of the command line: the same scenario,
//! changes, seed and replications give the same numbers.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use super::ServeError;
use crate::export::{ExportError, charts, html, markdown, xlsx};
use crate::runner::{self, Control, RunConfig, RunError};
use crate::scenario::{Change, Scenario};
use crate::staff::{self, Dim, Plan};
use crate::stats::Aggregate;
use crate::summary::doc::{Block, Doc};
use crate::summary::{self, Stamp};

/// What the page sees of a job.
#[derive(Debug, Clone, Default, Serialize)]
pub struct View {
    pub kind: &'static str,
    pub done: u64,
    pub total: u64,
    /// "running", "done", "cancelled" or "failed".
    pub state: &'static str,
    pub error: Option<String>,
    /// Replications the figures below rest on.
    pub replications: u64,
    pub in_short: Vec<String>,
    /// Fan charts as SVG.
    pub charts: Vec<String>,
    /// The finished report's HTML (a comparison's or search's, whole).
    pub page: Option<String>,
    /// Bumped whenever the figures change.
    pub version: u64,
}

/// What the downloads of a finished run are made from.
pub struct Finished {
    pub scenario: Scenario,
    pub agg: Aggregate,
    pub seed: u64,
    pub command: String,
}

pub struct Job {
    pub id: u64,
    pub stop: AtomicBool,
    pub done: AtomicU64,
    pub view: Mutex<View>,
    pub finished: Mutex<Option<Finished>>,
}

impl Job {
    pub fn view(&self) -> View {
        let mut v = self.view.lock().unwrap_or_else(PoisonError::into_inner).clone();
        v.done = self.done.load(Ordering::Relaxed).min(v.total);
        v
    }

    fn update(&self, f: impl FnOnce(&mut View)) {
        let mut v = self.view.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut v);
        v.version += 1;
    }

    fn fail(&self, e: &ServeError) {
        let cancelled = e.is_interrupted();
        self.update(|v| {
            v.state = if cancelled { "cancelled" } else { "failed" };
            v.error = (!cancelled).then(|| e.to_string());
        });
    }
}

/// Jobs kept, finished or not; the oldest finished go first, so memory
/// stays flat however many runs the page starts.
pub struct Jobs {
    list: Mutex<VecDeque<Arc<Job>>>,
    next: AtomicU64,
    pub max_running: usize,
}

/// Finished jobs kept for their downloads.
const KEPT: usize = 4;

impl Jobs {
    pub fn new(max_running: usize) -> Jobs {
        Jobs { list: Mutex::new(VecDeque::new()), next: AtomicU64::new(1), max_running }
    }

    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        self.list.lock().unwrap_or_else(PoisonError::into_inner).iter().find(|j| j.id == id).cloned()
    }

    /// A new job, unless `max_running` are running already.
    pub fn start(&self, kind: &'static str, total: u64) -> Option<Arc<Job>> {
        let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        let running = list.iter().filter(|j| j.view().state == "running").count();
        if running >= self.max_running {
            return None;
        }
        while list.len() >= KEPT + self.max_running {
            let Some(i) = list.iter().position(|j| j.view().state != "running") else { break };
            list.remove(i);
        }
        let job = Arc::new(Job {
            id: self.next.fetch_add(1, Ordering::Relaxed),
            stop: AtomicBool::new(false),
            done: AtomicU64::new(0),
            view: Mutex::new(View { kind, total, state: "running", ..View::default() }),
            finished: Mutex::new(None),
        });
        list.push_back(Arc::clone(&job));
        Some(job)
    }

    pub fn len(&self) -> usize {
        self.list.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where batches end: the first few small, so the first figures come
/// within about a second, then every `BATCH`.
pub const EARLY_BATCHES: [u64; 4] = [20, 50, 100, 200];

/// Run `scenario` with figures that refine as batches finish.
pub fn run(job: &Job, scenario: Scenario, cfg: RunConfig, command: String) {
    let m = &scenario.model;
    let progress = || {
        job.done.fetch_add(1, Ordering::Relaxed);
    };
    let mut batch_done = |agg: &Aggregate| {
        let (in_short, charts) = live(&scenario, agg, cfg.seed);
        job.update(|v| {
            v.replications = agg.replications;
            v.in_short = in_short;
            v.charts = charts;
        });
    };
    let ctl = Control { progress: &progress, stop: &job.stop };
    let result = runner::run_in_batches(m, &cfg, &EARLY_BATCHES, &mut batch_done, ctl);
    match result {
        Ok(agg) if agg.unbalanced > 0 => job.fail(&RunError::Unbalanced { replications: agg.unbalanced }.into()),
        Ok(agg) => {
            *job.finished.lock().unwrap_or_else(PoisonError::into_inner) =
                Some(Finished { scenario, agg, seed: cfg.seed, command });
            job.update(|v| v.state = "done");
        }
        Err(e) => job.fail(&e.into()),
    }
}

/// The report's "in short" and its backlog and cost charts, from the
/// replications so far.
fn live(scenario: &Scenario, agg: &Aggregate, seed: u64) -> (Vec<String>, Vec<String>) {
    let m = &scenario.model;
    let stamp = Stamp::new(&m.name, &scenario.sha256, seed, agg.replications);
    let doc = summary::report::build(m, agg, &stamp, scenario, None);
    let wanted = ["dols", "backlog", "cost"];
    let mut charts: Vec<_> = doc.charts().into_iter().filter(|c| wanted.contains(&c.id.as_str())).collect();
    charts.sort_by_key(|c| wanted.iter().position(|w| *w == c.id));
    charts.truncate(2);
    let svgs = charts.into_iter().filter_map(|c| charts::svg(c).ok()).collect();
    (summary::report::in_short(m, agg), svgs)
}

/// The finished run's report, as HTML or Markdown.
pub fn report(f: &Finished, markdown_too: bool) -> Result<String, ServeError> {
    let doc = doc_of(f);
    if markdown_too {
        return Ok(markdown::page(&doc, "charts", &f.command));
    }
    let svgs = doc.charts().into_iter().map(charts::svg).collect::<Result<Vec<_>, _>>()?;
    Ok(html::page(&doc, &svgs, &f.command))
}

fn doc_of(f: &Finished) -> Doc {
    let m = &f.scenario.model;
    let stamp = Stamp::new(&m.name, &f.scenario.sha256, f.seed, f.agg.replications);
    summary::report::build(m, &f.agg, &stamp, &f.scenario, None)
}

/// The finished run's workbook.
pub fn workbook(f: &Finished) -> Result<Vec<u8>, ServeError> {
    let m = &f.scenario.model;
    let stamp = Stamp::new(&m.name, &f.scenario.sha256, f.seed, f.agg.replications);
    let mut tables = summary::tables(m, &f.agg, &stamp).map_err(|e| ExportError::Tables { message: e.to_string() })?;
    Ok(xlsx::run_workbook(m, &f.agg, &mut tables, &doc_of(f), &f.command)?)
}

/// Compare the scenario as it stands with the edited one on the same
/// simulated futures; the comparison report whole.
pub fn compare(job: &Job, base: Scenario, edited: Scenario, cfg: RunConfig) {
    let result = (|| {
        let models = [&base.model, &edited.model];
        let progress = || {
            job.done.fetch_add(1, Ordering::Relaxed);
        };
        let paired = crate::compare::run_paired_until(&models, &cfg, None, &progress, &job.stop)?;
        let entries: Vec<summary::compare::Entry> = [&base, &edited]
            .iter()
            .map(|s| summary::compare::Entry { model: &s.model, file: s.file.clone(), sha256: s.sha256.clone() })
            .collect();
        let setup = summary::compare::Setup {
            entries: &entries,
            paired: &paired,
            seed: cfg.seed,
            replications: cfg.replications,
            at: None,
        };
        let doc = summary::compare::build(&setup);
        page_of(&doc, "the page's comparison: the scenario as it stands against the edited one")
    })();
    finish_page(job, result);
}

/// The staffing question: the smallest value of `key` in `values` that
/// meets `target`, searched on the same futures.
pub struct StaffQuestion {
    pub key: String,
    pub values: Vec<f64>,
    pub target: String,
    pub replications: u64,
    pub confirm: u64,
}

pub fn staff(job: &Job, entry_source: crate::scenario::Source, base: Vec<Change>, q: StaffQuestion, cfg: RunConfig) {
    let result = (|| {
        let sc = entry_source.load(&base)?;
        let targets = staff::targets(&[staff::written(&q.target)?], None, &sc.model)?;
        let now_text = sc.value_at(&q.key).map(|v| v.to_string());
        let plan = Plan {
            scenario: entry_source.clone(),
            base: base.clone(),
            dims: vec![Dim { key: q.key.clone(), values: q.values.clone() }],
            targets,
            coarse: q.replications,
            confirm: q.confirm,
            seed: cfg.seed,
            threads: cfg.threads,
            now: now_text.as_deref().and_then(|v| v.parse().ok()).map(|v| vec![v]),
        };
        let progress = |n: u64| {
            job.done.fetch_add(n, Ordering::Relaxed);
        };
        let found = staff::run(&plan, &sc.model, &progress, &job.stop)?;
        let model_of = |c: &staff::Candidate| {
            plan.scenario.load(&staff::changes(&plan, found.days, &c.values)).ok().map(|s| s.model)
        };
        let today = staff::as_it_stands(&plan, &sc.model, &job.stop)?;
        let doc = summary::staff::build(&plan, &found, &sc.model, (&[now_text], today.as_ref()), &model_of);
        page_of(&doc, "the page's staffing question")
    })();
    finish_page(job, result);
}

/// A report page whole, and its first section's sentences.
fn page_of(doc: &Doc, how: &str) -> Result<(String, Vec<String>), ServeError> {
    let svgs = doc.charts().into_iter().map(charts::svg).collect::<Result<Vec<_>, _>>()?;
    let sentences = doc
        .sections
        .first()
        .into_iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Sentences(list) => Some(list.iter().map(|s| s.text.clone())),
            _ => None,
        })
        .flatten()
        .collect();
    Ok((html::page(doc, &svgs, how), sentences))
}

fn finish_page(job: &Job, result: Result<(String, Vec<String>), ServeError>) {
    match result {
        Ok((page, sentences)) => job.update(|v| {
            v.page = Some(page);
            v.in_short = sentences;
            v.state = "done";
        }),
        Err(e) => job.fail(&e),
    }
}
