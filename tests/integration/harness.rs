//! Small helpers shared by the integration tests.

use caseflow::model::Model;
use caseflow::runner::{self, RunConfig};
use caseflow::scenario::{self, Change};
use caseflow::stats::Aggregate;

/// Parse scenario text, failing the test with the user-facing message.
pub fn model(text: &str) -> Model {
    vary(text, &[])
}

/// `KEY=VALUE` changes, as `--set` takes them.
pub fn sets(args: &[&str]) -> Vec<Change> {
    args.iter().map(|a| Change::parse(a).unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// Scenario text with changes on top: the way tests vary a scenario.
pub fn vary(text: &str, changes: &[Change]) -> Model {
    scenario::parse_with(text, "test.toml", changes).unwrap_or_else(|e| panic!("scenario did not load:\n{e}"))
}

/// Run scenario text with changes on top, checking that nothing was lost.
pub fn run_varied(text: &str, changes: &[Change], replications: u64, seed: u64) -> Aggregate {
    run_model(&vary(text, changes), replications, seed)
}

/// Run a model, checking that nothing was lost.
pub fn run_model(m: &Model, replications: u64, seed: u64) -> Aggregate {
    let agg = runner::run(m, &RunConfig { replications, seed, threads: None }, &|| {}).expect("run");
    assert_eq!(agg.unbalanced, 0, "items were lost or double-counted");
    agg
}

/// Replications for a test that runs every shipped scenario: `wanted`,
/// or 2 for a scenario of hundreds of flows (England's 152 councils),
/// whose every replication takes seconds.
pub fn replications_for(m: &Model, wanted: u64) -> u64 {
    if m.flows.len() > 200 { wanted.min(2) } else { wanted }
}

/// Every scenario shipped in scenarios/, loaded.
pub fn shipped() -> Vec<(String, Model)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for p in paths {
        let s = scenario::load(&p).unwrap_or_else(|e| panic!("{} did not load:\n{e}", p.display()));
        out.push((p.display().to_string(), s.model));
    }
    assert!(!out.is_empty(), "no scenarios shipped");
    out
}

/// A fresh, empty folder under cargo's scratch space for this test binary.
pub fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Run the caseflow binary with `args` and then `last` (a path), in the crate root.
pub fn caseflow(args: &[&str], last: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(args)
        .arg(last)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("caseflow runs")
}

/// Every file under `dir` by relative path, with its bytes.
pub fn read_dir_bytes(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under dir").display().to_string();
                out.insert(rel, std::fs::read(&p).expect("readable"));
            }
        }
    }
    out
}

/// Run scenario text, checking that nothing was lost.
pub fn run(text: &str, replications: u64, seed: u64) -> Aggregate {
    run_varied(text, &[], replications, seed)
}
