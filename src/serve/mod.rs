//! `caseflow serve`: the what-if page. A local web server (axum) with
//! one page, built into the binary with everything it loads, over the
//! same code as the command line: scenarios and `--set` changes, the
//! runner, the report, comparison and staffing search, the exporters.
//!
//! Security: it listens on loopback unless told otherwise, and then asks
//! for a token; it answers only to its own host names (no DNS
//! rebinding) and takes state-changing requests only from its own page
//! (Origin); it limits uploads, runs at once and replications; it reads
//! no path a request gives; a bad request is a 4xx with a message.

mod catalogue;
mod error;
mod form;
mod jobs;
mod routes;

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::cli::ServeArgs;
pub use catalogue::Catalogue;
pub use error::ServeError;
pub use form::{Edits, Event, FieldProblem};

/// Limits on what one request may ask for.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_replications: u64,
    pub max_upload: usize,
    pub max_runs: usize,
}

/// The server's state, shared by every request.
pub struct App {
    pub catalogue: Mutex<Catalogue>,
    pub jobs: jobs::Jobs,
    pub limits: Limits,
    pub threads: Option<usize>,
    /// Required of every request when listening beyond loopback.
    pub token: Option<String>,
    /// The Host values it answers to (`127.0.0.1:8080`, `localhost:8080`).
    pub hosts: Vec<String>,
}

/// Everything a server needs, checked: what `serve` and the tests start.
pub struct Config {
    pub catalogue: Catalogue,
    pub limits: Limits,
    pub threads: Option<usize>,
    pub bind: IpAddr,
    pub port: u16,
    pub token: Option<String>,
}

/// A bound server, not yet serving: its address, token and the future
/// that serves.
pub struct Bound {
    pub addr: SocketAddr,
    pub url: String,
    listener: tokio::net::TcpListener,
    app: Arc<App>,
}

impl Config {
    /// Bind the address; the token is made here when not loopback.
    pub async fn bind(self) -> Result<Bound, ServeError> {
        let listener = tokio::net::TcpListener::bind((self.bind, self.port)).await.map_err(|e| ServeError::Server {
            message: format!("cannot listen on {}:{}: {e}", self.bind, self.port),
        })?;
        let addr = listener.local_addr().map_err(|e| ServeError::Server { message: e.to_string() })?;
        let token = match (self.bind.is_loopback(), self.token) {
            (true, t) => t,
            (false, Some(t)) => Some(t),
            (false, None) => Some(new_token()?),
        };
        let port = addr.port();
        let mut hosts = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
        if !self.bind.is_loopback() && !self.bind.is_unspecified() {
            hosts.push(SocketAddr::new(self.bind, port).to_string());
        }
        let shown = if self.bind.is_unspecified() { "127.0.0.1".to_string() } else { self.bind.to_string() };
        let shown = SocketAddr::new(shown.parse().unwrap_or(self.bind), port);
        let url = match &token {
            Some(t) => format!("http://{shown}/?token={t}"),
            None => format!("http://{shown}/"),
        };
        let app = Arc::new(App {
            catalogue: Mutex::new(self.catalogue),
            jobs: jobs::Jobs::new(self.limits.max_runs),
            limits: self.limits,
            threads: self.threads,
            token,
            hosts,
        });
        Ok(Bound { addr, url, listener, app })
    }
}

impl Bound {
    /// Serve until the process ends.
    pub async fn serve(self) -> Result<(), ServeError> {
        let router = routes::router(Arc::clone(&self.app));
        axum::serve(self.listener, router).await.map_err(|e| ServeError::Server { message: e.to_string() })
    }

    /// Allow a Host beyond the defaults (a machine's name, with --bind).
    pub fn also_answer_to(&mut self, host: &str) {
        if let Some(app) = Arc::get_mut(&mut self.app) {
            app.hosts.push(host.to_string());
        }
    }
}

/// 16 random bytes from the system, in hex.
fn new_token() -> Result<String, ServeError> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| ServeError::Server { message: format!("cannot make a token: {e}; give one with --token") })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn serve(args: &ServeArgs, out: &mut dyn Write) -> Result<ExitCode, ServeError> {
    let catalogue = Catalogue::new(&args.scenarios, &args.files);
    if catalogue.shipped.is_empty() {
        return Err(ServeError::Server {
            message: format!(
                "no scenario loads from {} or the files given; run it from caseflow's folder or give --scenarios",
                args.scenarios.display()
            ),
        });
    }
    let config = Config {
        catalogue,
        limits: Limits {
            max_replications: args.max_replications,
            max_upload: args.max_upload as usize,
            max_runs: args.max_runs as usize,
        },
        threads: args.threads.map(usize::from),
        bind: args.bind,
        port: args.port,
        token: None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Server { message: e.to_string() })?;
    runtime.block_on(async {
        let bound = config.bind().await?;
        writeln!(out, "caseflow serve: open {} in a browser (Ctrl-C stops it)", bound.url)
            .map_err(ServeError::Output)?;
        out.flush().map_err(ServeError::Output)?;
        bound.serve().await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A request refused, with a message for the page.
pub struct Refused(pub StatusCode, pub String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.0, axum::Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

/// Host, token and Origin checks, before any route.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    match check(&app, request.method(), request.headers(), request.uri().query()) {
        Ok(()) => next.run(request).await,
        Err(refused) => refused.into_response(),
    }
}

fn check(app: &App, method: &Method, headers: &HeaderMap, query: Option<&str>) -> Result<(), Refused> {
    let text = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok());
    let host = text(header::HOST).unwrap_or("");
    if !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err(Refused(
            StatusCode::MISDIRECTED_REQUEST,
            format!("this server answers to {} only, not to Host '{host}'", app.hosts.join(", ")),
        ));
    }
    if let Some(token) = &app.token {
        let given = headers
            .get("x-caseflow-token")
            .and_then(|v| v.to_str().ok())
            .or_else(|| query.and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token="))));
        if given != Some(token.as_str()) {
            return Err(Refused(
                StatusCode::UNAUTHORIZED,
                "this server needs its token: open the URL it printed, with ?token=".into(),
            ));
        }
    }
    let changes_state = ![Method::GET, Method::HEAD, Method::OPTIONS].contains(method);
    if changes_state {
        match text(header::ORIGIN) {
            Some(origin) => {
                let own = app.hosts.iter().any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")));
                if !own {
                    return Err(Refused(
                        StatusCode::FORBIDDEN,
                        format!(
                            "requests that change anything must come from this server's own page, not from {origin}"
                        ),
                    ));
                }
            }
            // No Origin: not a browser's cross-site request, unless it says so.
            None if headers.get("sec-fetch-site").is_some_and(|v| v != "same-origin" && v != "none") => {
                return Err(Refused(StatusCode::FORBIDDEN, "cross-site requests are refused".into()));
            }
            None => {}
        }
    }
    Ok(())
}
