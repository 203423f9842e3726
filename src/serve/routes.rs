//! The page and its API. Scenarios are named by id, jobs by number;
//! nothing a request says is taken as a path.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::ServeError;
use super::catalogue::{Entry, key_figures};
use super::form::{self, Edits, FieldProblem};
use super::jobs::{self, Job, StaffQuestion};
use super::{App, Refused};
use crate::runner::RunConfig;
use crate::scenario::{Change, Scenario};

const PAGE: &str = include_str!("page.html");

pub fn router(app: Arc<App>) -> Router {
    let upload_limit = app.limits.max_upload;
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/api/scenarios", get(scenarios))
        .route("/api/form", get(form_of))
        .route("/api/upload", post(upload).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/api/upload-workbook", post(upload_workbook).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/api/check", post(check))
        .route("/api/run", post(run))
        .route("/api/compare", post(compare))
        .route("/api/staff", post(staff))
        .route("/api/jobs/{id}", get(job_view))
        .route("/api/jobs/{id}/events", get(job_events))
        .route("/api/jobs/{id}/cancel", post(cancel))
        .route("/api/jobs/{id}/{file}", get(download))
        .layer(DefaultBodyLimit::max(upload_limit + 64 * 1024))
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&app), super::guard))
        .with_state(app)
}

type Reply = Result<Response, Refused>;

fn bad(message: impl Into<String>) -> Refused {
    Refused(StatusCode::BAD_REQUEST, message.into())
}

/// Problems beside their fields, which the page shows in place: the
/// request was understood, and this is its answer (a browser would log a
/// 4xx as an error of the page).
fn problems(list: Vec<FieldProblem>) -> Response {
    Json(serde_json::json!({ "problems": list })).into_response()
}

fn entry(app: &App, id: &str) -> Result<Entry, Refused> {
    let catalogue = app.catalogue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    catalogue.get(id).cloned().ok_or_else(|| Refused(StatusCode::NOT_FOUND, format!("no scenario '{id}' here")))
}

/// Blocking work (loading, checking) off the server's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Refused> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| Refused(StatusCode::INTERNAL_SERVER_ERROR, "internal error; please report it".into()))
}

async fn scenarios(State(app): State<Arc<App>>) -> Reply {
    let catalogue = app.catalogue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let list: Vec<serde_json::Value> = catalogue
        .shipped
        .iter()
        .map(
            |e| serde_json::json!({ "id": e.id, "title": e.title, "description": e.description, "figures": e.figures }),
        )
        .collect();
    Ok(Json(list).into_response())
}

#[derive(Deserialize)]
struct Which {
    scenario: String,
}

async fn form_of(State(app): State<Arc<App>>, Query(q): Query<Which>) -> Reply {
    let e = entry(&app, &q.scenario)?;
    let sc = blocking(move || e.load(&[])).await?.map_err(|err| bad(err.to_string()))?;
    let figures = key_figures(&sc);
    Ok(Json(serde_json::json!({ "form": form::form(&sc), "figures": figures, "name": sc.model.name })).into_response())
}

#[derive(Deserialize)]
struct Upload {
    name: String,
    text: String,
}

async fn upload(State(app): State<Arc<App>>, Json(u): Json<Upload>) -> Reply {
    offer(app, move |c| c.upload(&u.name, &u.text)).await
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

/// A profile as the spreadsheet template: its bytes as they are, named in
/// the query, since a workbook is not text to put in JSON.
async fn upload_workbook(
    State(app): State<Arc<App>>,
    Query(n): Query<Named>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Reply {
    // Only a type a cross-site form cannot send without asking first.
    let binary = ["application/octet-stream", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"];
    let given = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !binary.contains(&given) {
        return Err(bad(format!("a workbook is sent as {}, not '{given}'", binary[0])));
    }
    offer(app, move |c| c.upload_workbook(&n.name, body.to_vec())).await
}

/// Add an upload to the scenarios on offer: its id, title and key figures,
/// with any other scenario it offers too under `also` (a council's profile
/// with the 2026 ruling); or its problems beside the upload field.
async fn offer(
    app: Arc<App>,
    add: impl FnOnce(&mut super::Catalogue) -> Result<Vec<Entry>, ServeError> + Send + 'static,
) -> Reply {
    let result = blocking(move || {
        let mut catalogue = app.catalogue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        add(&mut catalogue)
    })
    .await?;
    let shown = |e: &Entry| serde_json::json!({ "id": e.id, "title": e.title, "figures": e.figures });
    match result {
        Ok(kept) => {
            let mut reply = shown(&kept[0]);
            reply["also"] = kept[1..].iter().map(shown).collect();
            Ok(Json(reply).into_response())
        }
        Err(e) => Ok(problems(form::place(&e, &[], "upload"))),
    }
}

/// What every request that simulates sends.
#[derive(Deserialize)]
struct Ask {
    scenario: String,
    #[serde(default)]
    edits: Edits,
    #[serde(default = "default_replications")]
    replications: u64,
    #[serde(default = "default_seed")]
    seed: u64,
}

fn default_replications() -> u64 {
    1000
}

fn default_seed() -> u64 {
    1
}

/// The scenario with the edits on top, checked as the command line
/// checks it; problems beside their fields (as the response to send).
#[allow(clippy::result_large_err)]
async fn edited(
    app: &App,
    scenario: &str,
    edits: Edits,
) -> Result<Result<(Entry, Scenario, Vec<Change>), Response>, Refused> {
    let e = entry(app, scenario)?;
    blocking(move || {
        let base = e.load(&[]).map_err(|err| problems(form::place(&err, &[], "scenario")))?;
        let f = form::form(&base);
        let changes = form::changes(&f, &edits).map_err(problems)?;
        let plain: Vec<Change> = changes.iter().map(|(_, c)| c.clone()).collect();
        match e.load(&plain) {
            Ok(sc) => Ok((e, sc, plain)),
            Err(err) => Err(problems(form::place(&err, &changes, "scenario"))),
        }
    })
    .await
}

async fn check(State(app): State<Arc<App>>, Json(ask): Json<Ask>) -> Reply {
    Ok(match edited(&app, &ask.scenario, ask.edits).await? {
        Ok(_) => Json(serde_json::json!({ "problems": [] })).into_response(),
        Err(r) => r,
    })
}

fn config(app: &App, replications: u64, seed: u64) -> Result<RunConfig, Refused> {
    if replications == 0 || replications > app.limits.max_replications {
        return Err(bad(format!(
            "replications must be from 1 to {} on this server (asked for {replications})",
            app.limits.max_replications
        )));
    }
    Ok(RunConfig { replications, seed, threads: app.threads })
}

/// Start a job on a thread of its own; a panic fails the job, not the server.
fn launch(app: &App, kind: &'static str, total: u64, work: impl FnOnce(&Job) + Send + 'static) -> Reply {
    let Some(job) = app.jobs.start(kind, total) else {
        return Err(Refused(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "{} runs are going already (the most at once here); wait for one or cancel it",
                app.limits.max_runs
            ),
        ));
    };
    let id = job.id;
    std::thread::spawn(move || {
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&job)));
        if caught.is_err() {
            let mut v = job.view.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            v.state = "failed";
            v.error = Some("internal error in caseflow; please report it with the scenario".into());
            v.version += 1;
        }
    });
    Ok(Json(serde_json::json!({ "job": id })).into_response())
}

async fn run(State(app): State<Arc<App>>, Json(ask): Json<Ask>) -> Reply {
    let cfg = config(&app, ask.replications, ask.seed)?;
    let (_, sc, _) = match edited(&app, &ask.scenario, ask.edits).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    size_check(&sc, &cfg)?;
    let command = format!(
        "caseflow run {}.toml --replications {} --seed {}",
        crate::cli::shell_word(&sc.model.name),
        cfg.replications,
        cfg.seed
    );
    launch(&app, "run", cfg.replications, move |job| jobs::run(job, sc, cfg, command))
}

fn size_check(sc: &Scenario, cfg: &RunConfig) -> Result<(), Refused> {
    let seconds = crate::cli::TimeArgs::default().seconds();
    crate::sizing::size_check_job(&[(&[&sc.model], cfg.replications)], cfg.threads, (None, seconds), true)
        .map(|_| ())
        .map_err(|e| bad(e.to_string()))
}

async fn compare(State(app): State<Arc<App>>, Json(ask): Json<Ask>) -> Reply {
    let cfg = config(&app, ask.replications, ask.seed)?;
    let (e, sc, _) = match edited(&app, &ask.scenario, ask.edits).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let base = blocking(move || e.load(&[])).await?.map_err(|err| bad(err.to_string()))?;
    let mut edited = sc;
    if edited.sha256 == base.sha256 {
        return Err(bad(
            "nothing has been changed yet: change a figure above to compare it with the scenario as it stands",
        ));
    }
    edited.model.name = format!("{} (changed)", base.model.name);
    size_check(&edited, &cfg)?;
    launch(&app, "compare", 2 * cfg.replications, move |job| jobs::compare(job, base, edited, cfg))
}

#[derive(Deserialize)]
struct StaffAsk {
    #[serde(flatten)]
    ask: Ask,
    role: String,
    from: f64,
    to: f64,
    request: String,
    share: f64,
    month: u32,
    probability: f64,
}

async fn staff(State(app): State<Arc<App>>, Json(s): Json<StaffAsk>) -> Reply {
    let cfg = config(&app, s.ask.replications, s.ask.seed)?;
    if !(s.from >= 0.0 && s.to >= s.from && s.to - s.from <= 200.0) {
        return Err(bad("the range of staff to try must run up, and span at most 200"));
    }
    if !(0.0..=100.0).contains(&s.share) || !(1.0..=100.0).contains(&s.probability) {
        return Err(bad("the share and the probability are percentages, from 0 to 100"));
    }
    let (e, _, changes) = match edited(&app, &s.ask.scenario, s.ask.edits).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let target = format!(
        "{}.within_deadline >= {}% at month {} with probability {}",
        s.request,
        s.share,
        s.month,
        s.probability / 100.0
    );
    let values: Vec<f64> = (0..).map(|i| s.from + i as f64).take_while(|v| *v <= s.to + 1e-9).collect();
    let coarse = (cfg.replications / 5).clamp(20, 200);
    let q = StaffQuestion {
        key: format!("roles.{}.fte", s.role),
        values: values.clone(),
        target,
        replications: coarse,
        confirm: cfg.replications.max(coarse),
    };
    let total = ((values.len() as f64).log2().ceil() as u64 + 3) * coarse + 3 * q.confirm;
    let source = e.source.clone();
    launch(&app, "staff", total, move |job| jobs::staff(job, source, changes, q, cfg))
}

fn job(app: &App, id: u64) -> Result<Arc<Job>, Refused> {
    app.jobs
        .get(id)
        .ok_or_else(|| Refused(StatusCode::NOT_FOUND, format!("no run {id} here (it may have been cleared)")))
}

async fn job_view(State(app): State<Arc<App>>, Path(id): Path<u64>) -> Reply {
    Ok(Json(job(&app, id)?.view()).into_response())
}

/// The job's view whenever it changes, then once more when it ends.
async fn job_events(State(app): State<Arc<App>>, Path(id): Path<u64>) -> Reply {
    let job = job(&app, id)?;
    let stream = futures_util::stream::unfold((job, None::<(u64, u64)>, false), |(job, seen, ended)| async move {
        if ended {
            return None;
        }
        loop {
            let view = job.view();
            let now = (view.version, view.done);
            if seen != Some(now) {
                let ended = view.state != "running";
                let event = SseEvent::default().json_data(&view).unwrap_or_default();
                return Some((Ok::<_, Infallible>(event), (job, Some(now), ended)));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}

async fn cancel(State(app): State<Arc<App>>, Path(id): Path<u64>) -> Reply {
    job(&app, id)?.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(serde_json::json!({ "cancelled": id })).into_response())
}

async fn download(State(app): State<Arc<App>>, Path((id, file)): Path<(u64, String)>) -> Reply {
    let job = job(&app, id)?;
    let kind = match file.as_str() {
        "report.html" | "report.md" | "scenario.toml" | "workbook.xlsx" => file.clone(),
        other => return Err(Refused(StatusCode::NOT_FOUND, format!("no download '{other}'"))),
    };
    let made = blocking(move || {
        let finished = job.finished.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(f) = finished.as_ref() else {
            return Err(ServeError::Server { message: "the run has not finished".into() });
        };
        let name = f.scenario.model.name.clone();
        Ok(match kind.as_str() {
            "report.html" => (jobs::report(f, false)?.into_bytes(), "text/html; charset=utf-8", format!("{name}.html")),
            "report.md" => (jobs::report(f, true)?.into_bytes(), "text/markdown; charset=utf-8", format!("{name}.md")),
            "scenario.toml" => (f.scenario.resolved.clone().into_bytes(), "application/toml", format!("{name}.toml")),
            _ => (
                jobs::workbook(f)?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{name}.xlsx"),
            ),
        })
    })
    .await?;
    let (bytes, mime, name) = made.map_err(|e| Refused(StatusCode::CONFLICT, e.to_string()))?;
    let disposition = format!("attachment; filename=\"{}\"", name.replace(['"', '\\', '/'], "_"));
    Ok(([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
