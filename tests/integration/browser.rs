//! The what-if page in a real browser: Debian's Chromium, headless,
//! driven through ChromeDriver (WebDriver) with fantoccini. It changes
//! the BIAs, runs, sees the figures and the chart change, downloads the
//! workbook and reads it back, uploads a broken scenario and sees the
//! message beside its field, uploads a council's profile as the filled-in
//! spreadsheet template and sees its key figures, and finds no error in the browser's console.
//! The page's own timings (first figures, full results) go to the log.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::harness::scratch_dir;

fn which(name: &str) -> Option<PathBuf> {
    let out = Command::new("which").arg(name).output().ok()?;
    out.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// A child process ended when the test ends, however it ends.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `caseflow serve` on a free port; its URL.
fn serve() -> (Kill, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(["serve", "--port", "0", "--threads", "2"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("caseflow serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("a URL").to_string();
    (Kill(child), url)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// ChromeDriver's legacy log endpoint: the browser console's messages.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some("{\"type\":\"browser\"}".into()))
    }
}

/// The console's messages since the last call.
async fn console(c: &Client) -> Vec<(String, String)> {
    let v = c.issue_cmd(BrowserLog).await.expect("the browser's log");
    v.as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["level"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string()))
        .collect()
}

async fn wait_for(c: &Client, what: &str, script: &str, secs: u64) -> serde_json::Value {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = c.execute(script, vec![]).await.expect("script runs");
        if !(v.is_null() || v == false || v == "") {
            return v;
        }
        assert!(Instant::now() < until, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn set_value(c: &Client, css: &str, value: &str) {
    let script = format!(
        "const e = document.querySelector({css:?}); e.value = {value:?}; e.dispatchEvent(new Event('input', {{bubbles: true}})); e.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"
    );
    c.execute(&script, vec![]).await.expect("sets a value");
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.expect("clicks");
}

/// Run the page's scenario and wait for the full results; the figures and
/// first chart it shows, and the console's messages (the page's timings
/// among them, labelled).
async fn run_and_wait(c: &Client, label: &str) -> (String, String, Vec<(String, String)>) {
    click(c, "#run").await;
    wait_for(
        c,
        "the run to finish",
        "return document.querySelector('#downloads a') !== null && !document.getElementById('run').disabled;",
        600,
    )
    .await;
    let figures = c.execute("return document.getElementById('in-short').innerText;", vec![]).await.unwrap();
    let chart = c
        .execute("const s = document.querySelector('#charts svg'); return s ? s.outerHTML : '';", vec![])
        .await
        .unwrap();
    let messages = console(c)
        .await
        .into_iter()
        .map(|(level, m)| match m.rsplit_once("caseflow: ") {
            Some((_, t)) => (level, format!("{label}: {}", t.trim_end_matches('"'))),
            None => (level, m),
        })
        .collect();
    (figures.as_str().unwrap_or("").to_string(), chart.as_str().unwrap_or("").to_string(), messages)
}

async fn choose(c: &Client, file: &str) {
    // The list fills after the page loads, from the server: a loaded
    // machine can be slower than the test.
    let listed = format!("return [...document.getElementById('scenario').options].some(o => o.text === {file:?});");
    wait_for(c, "the scenario in the list", &listed, 60).await;
    let script = format!(
        "const s = document.getElementById('scenario'); const o = [...s.options].find(o => o.text === {file:?}); s.value = o.value; s.dispatchEvent(new Event('change')); return true;"
    );
    c.execute(&script, vec![]).await.unwrap();
    wait_for(c, "the form", "return document.querySelectorAll('#groups input').length > 0 && document.getElementById('figures').children.length > 0;", 60).await;
}

#[test]
fn the_what_if_page_works_in_a_real_browser() {
    let (Some(chrome), Some(driver)) = (which("chromium"), which("chromedriver")) else {
        // CI installs both (.ci/run), so there this always runs.
        eprintln!("skipped: no chromium and chromedriver on this machine (CI installs them)");
        return;
    };
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/ci");
    std::fs::create_dir_all(&artifacts).unwrap();
    let downloads = scratch_dir("browser-downloads");
    let profile = scratch_dir("browser-profile");
    let (_server, url) = serve();
    let port = free_port();
    let _driver = Kill(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chrome,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--window-size=1280,2200",
                         format!("--user-data-dir={}", profile.display())],
                "prefs": { "download.default_directory": downloads, "download.prompt_for_download": false },
            }),
        );
        caps.insert("goog:loggingPrefs".into(), serde_json::json!({ "browser": "ALL" }));
        let started = Instant::now();
        let c = loop {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot reach chromedriver: {e}"),
            }
        };
        c.goto(&url).await.expect("loads the page");
        choose(&c, "halton-2015-baseline.toml").await;
        c.screenshot().await.map(|png| std::fs::write(artifacts.join("serve-choose.png"), png)).unwrap().unwrap();
        let mut timings = Vec::new();

        // As it stands, then with more BIAs: the figures and the chart change.
        set_value(&c, "#replications", "200").await;
        let (before, chart_before, t) = run_and_wait(&c, "halton-2015-baseline, 200 futures").await;
        timings.extend(t);
        assert!(before.contains("standard DoLS"), "{before}");
        assert!(chart_before.contains("<svg"), "a chart is drawn");
        set_value(&c, "[data-id='roles.social_worker_bia.fte']", "30").await;
        let stale = wait_for(&c, "the stale mark", "return document.getElementById('results').classList.contains('stale');", 10).await;
        assert_eq!(stale, true, "results are marked stale once an input changes");
        let (after, chart_after, t) = run_and_wait(&c, "halton-2015-baseline, 30 BIAs, 200 futures").await;
        timings.extend(t);
        assert_ne!(before, after, "the figures change with the BIAs");
        assert_ne!(chart_before, chart_after, "the chart changes with the BIAs");
        c.screenshot().await.map(|png| std::fs::write(artifacts.join("serve-run.png"), png)).unwrap().unwrap();

        // The workbook, downloaded and read back.
        click(&c, "#download-workbook").await;
        let until = Instant::now() + Duration::from_secs(60);
        let book = loop {
            let found = std::fs::read_dir(&downloads).unwrap().filter_map(|e| e.ok().map(|e| e.path())).find(|p| p.extension().is_some_and(|x| x == "xlsx"));
            if let Some(p) = found {
                break p;
            }
            assert!(Instant::now() < until, "no workbook downloaded");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        {
            use calamine::Reader;
            let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).expect("the workbook opens");
            let short = wb.worksheet_range("In short").expect("an In short sheet");
            let text: Vec<String> = short.rows().map(|r| r[0].to_string()).collect();
            assert!(text.iter().any(|t| t.contains("standard DoLS")), "{text:?}");
            assert!(wb.sheet_names().iter().any(|n| n == "Cost by financial year"));
        }

        // Full runs, timed by the page: the seed council and a council from 2026.
        set_value(&c, "#replications", "1000").await;
        let (_, _, t) = run_and_wait(&c, "halton-2015-baseline, 1000 futures").await;
        timings.extend(t);
        choose(&c, "dols-2026.toml").await;
        set_value(&c, "#replications", "1000").await;
        let (_, _, t) = run_and_wait(&c, "dols-2026, 1000 futures").await;
        timings.extend(t);
        let lines: Vec<&str> = timings.iter().filter(|(_, m)| m.contains(" after ")).map(|(_, m)| m.as_str()).collect();
        for line in &lines {
            eprintln!("page timing: {line}");
        }
        std::fs::write(artifacts.join("serve-timings.txt"), lines.join("\n") + "\n").unwrap();

        // A broken scenario, uploaded: the message beside the upload field.
        let broken = scratch_dir("browser-upload").join("broken.toml");
        std::fs::write(&broken, "base = \"quickstart.toml\"\n\n[[roles]]\nname = \"social_worker\"\nfte = -3\n").unwrap();
        c.find(Locator::Css("#upload")).await.unwrap().send_keys(&broken.display().to_string()).await.unwrap();
        let message = wait_for(&c, "the upload's message", "return document.getElementById('problem-upload').textContent;", 30).await;
        let message = message.as_str().unwrap_or_default().to_string();
        assert!(message.contains("fte") && message.contains("broken.toml:5"), "{message}");
        c.screenshot().await.map(|png| std::fs::write(artifacts.join("serve-upload.png"), png)).unwrap().unwrap();

        // A council's profile as the filled-in spreadsheet template: offered,
        // chosen, and its key figures shown.
        let workbook = scratch_dir("browser-upload").join("eastbury.xlsx");
        crate::profile::filled(&workbook, |_| {});
        c.find(Locator::Css("#upload")).await.unwrap().send_keys(&workbook.display().to_string()).await.unwrap();
        let script = "const s = document.getElementById('scenario'); const o = s.options[s.selectedIndex]; \
                      return o && o.textContent.includes('eastbury.xlsx') ? document.getElementById('figures').innerText : null;";
        let page = wait_for(&c, "the workbook's scenario chosen", script, 30).await;
        assert!(page.as_str().unwrap_or_default().contains("DoLS"), "its key figures: {page}");
        // And, its figures being from before the 2026 ruling, with the ruling too.
        let options = c
            .execute("return Array.from(document.getElementById('scenario').options).map(o => o.textContent).join('\\n');", vec![])
            .await
            .unwrap();
        assert!(
            options.as_str().unwrap_or_default().contains("eastbury.xlsx with the ruling of 2 June 2026 (uploaded)"),
            "the council with the ruling is offered: {options}"
        );
        c.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
        c.screenshot().await.map(|png| std::fs::write(artifacts.join("serve-upload-workbook.png"), png)).unwrap().unwrap();

        timings.extend(console(&c).await);
        let errors: Vec<&(String, String)> = timings.iter().filter(|(level, _)| level == "SEVERE" || level == "WARNING").collect();
        assert!(errors.is_empty(), "console errors: {errors:#?}");
        c.close().await.unwrap();
    });
}
