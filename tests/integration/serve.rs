//! `caseflow serve`: the what-if page's server, and how it keeps itself
//! safe. Each test starts its own server on a free port of loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use caseflow::serve::{Catalogue, Config, Limits};

/// A server on a free port; its runtime lives as long as the test binary.
pub(crate) struct Server {
    pub addr: SocketAddr,
    pub url: String,
}

pub(crate) fn start(limits: Limits, bind: IpAddr) -> Server {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let config =
        Config { catalogue: Catalogue::new(&scenarios, &[]), limits, threads: Some(1), bind, port: 0, token: None };
    let runtime = Box::leak(Box::new(
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a runtime"),
    ));
    let bound = runtime.block_on(config.bind()).expect("binds");
    let (addr, url) = (bound.addr, bound.url.clone());
    runtime.spawn(bound.serve());
    Server { addr, url }
}

fn limits() -> Limits {
    Limits { max_replications: 100, max_upload: 4096, max_runs: 1 }
}

fn loopback() -> IpAddr {
    "127.0.0.1".parse().unwrap()
}

/// One HTTP/1.1 request; the status and body. `Host` is the server's
/// own unless `headers` gives one.
pub(crate) fn http(server: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    http_bytes(server, method, path, headers, body.as_bytes())
}

/// As `http`, for a body that need not be text.
fn http_bytes(server: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let port = server.addr.port();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    if !body.is_empty() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        req.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn own(server: &Server) -> String {
    format!("http://127.0.0.1:{}", server.addr.port())
}

fn post(server: &Server, path: &str, body: &str) -> (u16, String) {
    let origin = own(server);
    http(server, "POST", path, &[("Origin", &origin)], body)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// The id of a shipped scenario by its file name.
fn scenario_id(server: &Server, file: &str) -> String {
    let (status, body) = http(server, "GET", "/api/scenarios", &[], "");
    assert_eq!(status, 200, "{body}");
    let list = json(&body);
    let found = list.as_array().unwrap().iter().find(|s| s["title"] == file);
    found.unwrap_or_else(|| panic!("{file} not offered"))["id"].as_str().unwrap().to_string()
}

/// Wait for a job to end; its last view.
fn wait(server: &Server, job: u64) -> serde_json::Value {
    let until = Instant::now() + Duration::from_secs(300);
    loop {
        let (status, body) = http(server, "GET", &format!("/api/jobs/{job}"), &[], "");
        assert_eq!(status, 200, "{body}");
        let view = json(&body);
        if view["state"] != "running" {
            return view;
        }
        assert!(Instant::now() < until, "job {job} did not end");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn run(server: &Server, body: &str) -> u64 {
    let (status, reply) = post(server, "/api/run", body);
    assert_eq!(status, 200, "{reply}");
    json(&reply)["job"].as_u64().unwrap_or_else(|| panic!("no job: {reply}"))
}

#[test]
fn serve_listens_on_loopback_and_prints_its_url() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(["serve", "--port", "0"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("caseflow serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("no URL: {line}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let port: u16 = url.trim_start_matches("http://127.0.0.1:").trim_end_matches('/').parse().unwrap();
    let server = Server { addr: SocketAddr::from(([127, 0, 0, 1], port)), url: url.to_string() };
    let (status, page) = http(&server, "GET", "/", &[], "");
    assert_eq!(status, 200);
    // Everything the page loads is in it: no script, style or font from elsewhere.
    assert!(page.contains("<script>") && !page.contains("src=\"http") && !page.contains("href=\"http"), "{page}");
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn serve_beyond_loopback_asks_for_its_token() {
    let server = start(limits(), "0.0.0.0".parse().unwrap());
    let token = server.url.split("token=").nth(1).expect("a token in the URL it prints").to_string();
    assert!(token.len() >= 32, "{}", server.url);
    let (status, body) = http(&server, "GET", "/api/scenarios", &[], "");
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("needs its token"), "{body}");
    let (status, _) = http(&server, "GET", "/api/scenarios", &[("x-caseflow-token", "wrong")], "");
    assert_eq!(status, 401);
    let (status, _) = http(&server, "GET", "/api/scenarios", &[("x-caseflow-token", &token)], "");
    assert_eq!(status, 200);
    let (status, _) = http(&server, "GET", &format!("/?token={token}"), &[], "");
    assert_eq!(status, 200);
}

#[test]
fn serve_refuses_other_hosts_and_cross_site_requests() {
    let server = start(limits(), loopback());
    // DNS rebinding: a page from elsewhere reaching this port by a name of its own.
    let (status, body) = http(&server, "GET", "/api/scenarios", &[("Host", "attacker.example:8080")], "");
    assert_eq!(status, 421, "{body}");
    assert!(body.contains("answers to"), "{body}");
    let id = scenario_id(&server, "quickstart.toml");
    let ask = format!("{{\"scenario\":\"{id}\",\"replications\":10}}");
    // Another tab's page posting here.
    let (status, body) = http(&server, "POST", "/api/run", &[("Origin", "http://attacker.example")], &ask);
    assert_eq!(status, 403, "{body}");
    let (status, body) = http(&server, "POST", "/api/run", &[("Sec-Fetch-Site", "cross-site")], &ask);
    assert_eq!(status, 403, "{body}");
    let (status, body) = post(&server, "/api/check", &ask);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn serve_limits_upload_size_runs_at_once_and_replications() {
    let server = start(limits(), loopback());
    let big = format!("{{\"name\":\"big.toml\",\"text\":\"{}\"}}", "#".repeat(8000));
    let (status, _) = post(&server, "/api/upload", &big);
    assert_eq!(status, 413, "an upload over the limit");
    let id = scenario_id(&server, "halton-2015-baseline.toml");
    let (status, body) = post(&server, "/api/run", &format!("{{\"scenario\":\"{id}\",\"replications\":101}}"));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("replications must be from 1 to 100"), "{body}");
    let first = run(&server, &format!("{{\"scenario\":\"{id}\",\"replications\":100}}"));
    let (status, body) = post(&server, "/api/run", &format!("{{\"scenario\":\"{id}\",\"replications\":10}}"));
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("the most at once"), "{body}");
    let (status, _) = post(&server, &format!("/api/jobs/{first}/cancel"), "");
    assert_eq!(status, 200);
    assert_eq!(wait(&server, first)["state"], "cancelled");
}

#[test]
fn serve_reads_no_path_a_request_names() {
    let server = start(limits(), loopback());
    let upload = |text: &str| {
        let body = serde_json::json!({ "name": "../../etc/x.toml", "text": text }).to_string();
        let (status, reply) = post(&server, "/api/upload", &body);
        assert_eq!(status, 200, "{reply}");
        json(&reply)
    };
    let reply = upload("base = \"../Cargo.toml\"\n");
    let problem = reply["problems"][0]["message"].as_str().unwrap_or_default().to_string();
    assert_eq!(reply["problems"][0]["field"], "upload");
    assert!(problem.contains("base must be one of the scenarios offered here"), "{reply}");
    let reply = upload("base = \"/etc/passwd\"\n");
    assert!(reply["problems"][0]["message"].as_str().unwrap().contains("base must be one of"), "{reply}");
    let history = "[scenario]\nname = \"h\"\n\n[[flows]]\nname = \"w\"\neffort_hours = 1\narrivals = { history = \"/etc/passwd\" }\n";
    let reply = upload(history);
    assert!(reply["problems"][0]["message"].as_str().unwrap().contains("cannot name a file"), "{reply}");
    // A shipped scenario as a base is fine, and the upload's name is only a name.
    let ok = upload("base = \"quickstart.toml\"\n\n[scenario]\nname = \"quicker\"\n");
    assert!(ok["id"].as_str().is_some_and(|id| id.starts_with("upload-")), "{ok}");
    assert_eq!(ok["title"], "x.toml");
    let (status, _) = http(&server, "GET", "/api/form?scenario=..%2F..%2Fetc%2Fpasswd", &[], "");
    assert_eq!(status, 404);
    let (status, _) = http(&server, "GET", "/api/jobs/1/..%2F..%2FCargo.toml", &[], "");
    assert_eq!(status, 404);
}

#[test]
fn serve_answers_bad_requests_with_a_4xx_and_keeps_serving() {
    let server = start(limits(), loopback());
    for (method, path, body, want) in [
        ("POST", "/api/run", "{not json", 400),
        ("POST", "/api/run", "{\"replications\":10}", 422),
        ("POST", "/api/run", "{\"scenario\":\"shipped-9999\",\"replications\":10}", 404),
        ("GET", "/api/jobs/99999", "", 404),
        ("GET", "/api/jobs/abc", "", 400),
        ("GET", "/api/form", "", 400),
        (
            "POST",
            "/api/staff",
            "{\"scenario\":\"shipped-0\",\"role\":\"x\",\"from\":5,\"to\":1,\"request\":\"r\",\"share\":80,\"month\":1,\"probability\":90}",
            400,
        ),
        ("GET", "/no/such/page", "", 404),
    ] {
        let origin = own(&server);
        let (status, reply) = http(&server, method, path, &[("Origin", &origin)], body);
        assert_eq!(status, want, "{method} {path} {body}: {reply}");
    }
    // Field problems come back beside their fields.
    let id = scenario_id(&server, "quickstart.toml");
    let ask = format!("{{\"scenario\":\"{id}\",\"edits\":{{\"values\":{{\"roles.social_worker.fte\":\"-3\"}}}}}}");
    let (status, reply) = post(&server, "/api/check", &ask);
    assert_eq!(status, 200, "{reply}");
    let reply = json(&reply);
    assert_eq!(reply["problems"][0]["field"], "roles.social_worker.fte", "{reply}");
    let (status, _) = http(&server, "GET", "/", &[], "");
    assert_eq!(status, 200, "still serving");
}

/// A run from the page gives the command line's figures for the same
/// scenario, seed and replications, and its scenario download loads back
/// as the same scenario.
#[test]
fn serve_runs_give_the_command_lines_figures_and_the_scenario_round_trips() {
    let server = start(Limits { max_replications: 100, max_upload: 65536, max_runs: 2 }, loopback());
    let id = scenario_id(&server, "quickstart.toml");
    let edits = "{\"values\":{\"roles.social_worker.fte\":\"9.5\"},\"events\":[{\"role\":\"social_worker\",\"date\":\"2025-10-01\",\"leave\":2,\"months\":3}]}";
    let job = run(&server, &format!("{{\"scenario\":\"{id}\",\"edits\":{edits},\"replications\":30,\"seed\":4}}"));
    let view = wait(&server, job);
    assert_eq!(view["state"], "done", "{view}");
    assert_eq!(view["replications"], 30);
    let (status, toml) = http(&server, "GET", &format!("/api/jobs/{job}/scenario.toml"), &[], "");
    assert_eq!(status, 200);
    assert!(toml.contains("leave = 2") && toml.contains("fte = 9.5"), "{toml}");
    let dir = crate::harness::scratch_dir("serve-round-trip");
    let file = dir.join("quickstart.toml");
    std::fs::write(&file, &toml).unwrap();
    let out = crate::harness::caseflow(
        &["run", file.to_str().unwrap(), "-n", "30", "--seed", "4", "--out"],
        &dir.join("out"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    for sentence in view["in_short"].as_array().unwrap() {
        let sentence = sentence.as_str().unwrap();
        assert!(printed.contains(sentence), "the page says '{sentence}'; the command line:\n{printed}");
    }
    let (status, book) = http(&server, "GET", &format!("/api/jobs/{job}/workbook.xlsx"), &[], "");
    assert_eq!(status, 200);
    assert!(book.starts_with("PK"), "a workbook is a zip file");
}

/// Finished runs are let go as new ones come: memory stays flat however
/// many runs the page starts.
#[test]
fn serve_keeps_a_bounded_number_of_finished_runs() {
    let server = start(Limits { max_replications: 100, max_upload: 4096, max_runs: 1 }, loopback());
    let id = scenario_id(&server, "quickstart.toml");
    let mut jobs = Vec::new();
    for _ in 0..12 {
        let job = run(&server, &format!("{{\"scenario\":\"{id}\",\"replications\":10}}"));
        assert_eq!(wait(&server, job)["state"], "done");
        jobs.push(job);
    }
    let kept = jobs.iter().filter(|j| http(&server, "GET", &format!("/api/jobs/{j}"), &[], "").0 == 200).count();
    assert!(kept <= 5, "{kept} of 12 runs still held");
    let last = jobs.last().unwrap();
    assert_eq!(http(&server, "GET", &format!("/api/jobs/{last}/report.html"), &[], "").0, 200, "the latest is kept");
}

#[test]
fn a_council_profile_uploaded_as_the_spreadsheet_template_is_offered_as_the_scenario_it_makes() {
    let server = start(Limits { max_replications: 100, max_upload: 65536, max_runs: 1 }, loopback());
    let path = crate::harness::scratch_dir("serve-xlsx").join("eastbury.xlsx");
    crate::profile::filled(&path, |_| {});
    let bytes = std::fs::read(&path).unwrap();
    let origin = own(&server);
    let send = |bytes: &[u8], kind: &str| {
        let headers = [("Origin", origin.as_str()), ("Content-Type", kind)];
        http_bytes(&server, "POST", "/api/upload-workbook?name=eastbury.xlsx", &headers, bytes)
    };
    let (status, reply) = send(&bytes, "application/octet-stream");
    assert_eq!(status, 200, "{reply}");
    let entry = json(&reply);
    let id = entry["id"].as_str().unwrap_or_else(|| panic!("not offered: {reply}")).to_string();
    assert_eq!(entry["title"], "eastbury.xlsx");
    // The same scenario as the TOML profile makes: the same key figures.
    let toml = serde_json::json!({ "name": "eastbury.toml", "text": include_str!("../../docs/profile-example.toml") });
    let (_, from_toml) = post(&server, "/api/upload", &toml.to_string());
    assert_eq!(entry["figures"], json(&from_toml)["figures"]);
    let job = run(&server, &format!("{{\"scenario\":\"{id}\",\"replications\":10}}"));
    assert_eq!(wait(&server, job)["state"], "done");
    // Not a workbook, a blank figure, or text a cross-site form could send.
    let (_, reply) = send(b"not a workbook", "application/octet-stream");
    assert!(reply.contains("cannot be read as an .xlsx workbook"), "{reply}");
    crate::profile::filled(&path, |sheet| {
        sheet.write(3, 2, "about 180k").unwrap();
    });
    let (_, reply) = send(&std::fs::read(&path).unwrap(), "application/octet-stream");
    assert!(reply.contains("council.population"), "{reply}");
    let (status, reply) = send(&bytes, "text/plain");
    assert_eq!(status, 400, "{reply}");
}

#[test]
fn a_council_profile_uploaded_is_offered_as_the_scenario_it_makes() {
    let server = start(Limits { max_replications: 100, max_upload: 65536, max_runs: 1 }, loopback());
    let profile = include_str!("../../docs/profile-example.toml");
    let body = serde_json::json!({ "name": "eastbury.toml", "text": profile }).to_string();
    let (status, reply) = post(&server, "/api/upload", &body);
    assert_eq!(status, 200, "{reply}");
    let entry = json(&reply);
    let id = entry["id"].as_str().unwrap_or_else(|| panic!("not offered: {reply}")).to_string();
    assert_eq!(entry["title"], "eastbury.toml");
    let figures = entry["figures"].to_string();
    assert!(figures.contains("DoLS"), "its key figures in words: {reply}");
    // The profile's 950 standard requests include renewals, which the
    // scenario makes as authorisations end: the new ones are fewer.
    assert!(figures.contains("standard DoLS requests: about 570 a year new, plus renewals"), "{figures}");
    let job = run(&server, &format!("{{\"scenario\":\"{id}\",\"replications\":10}}"));
    assert_eq!(wait(&server, job)["state"], "done");
    // Its figures are from before the 2026 ruling, so it is offered with
    // the ruling too, whose size is a field of the form.
    let also = entry["also"].as_array().unwrap_or_else(|| panic!("nothing else offered: {reply}"));
    assert_eq!(also.len(), 1, "{reply}");
    assert_eq!(also[0]["title"], "eastbury.toml with the ruling of 2 June 2026");
    let ruling = also[0]["id"].as_str().unwrap();
    let (status, form) = http(&server, "GET", &format!("/api/form?scenario={ruling}"), &[], "");
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("legal_changes.") && form.contains("still need"), "the law's size is on the form: {form}");
    let (_, plain) = http(&server, "GET", &format!("/api/form?scenario={id}"), &[], "");
    assert!(!plain.contains("legal_changes."), "the council as it stands has no change in the law");
    // A profile of a day after the ruling already includes it.
    let later = profile.replace("start = 2026-04-01", "start = 2026-09-01");
    let body = serde_json::json!({ "name": "eastbury-later.toml", "text": later }).to_string();
    let (_, reply) = post(&server, "/api/upload", &body);
    assert_eq!(json(&reply)["also"].as_array().map(Vec::len), Some(0), "{reply}");
    // A profile with a figure missing is refused by name, beside the upload field.
    let bad = profile.replace("population = 180000", "");
    let body = serde_json::json!({ "name": "eastbury.toml", "text": bad }).to_string();
    let (_, reply) = post(&server, "/api/upload", &body);
    assert!(reply.contains("council.population"), "{reply}");
}
