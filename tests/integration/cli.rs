//! The command line as a user meets it.

use crate::harness::{caseflow, scratch_dir};

#[test]
fn run_writes_tables_with_the_stamp_and_prints_a_summary() {
    let out_dir = scratch_dir("cli-run");
    let out = caseflow(&["run", "scenarios/quickstart.toml", "-n", "20", "--seed", "3", "--out"], &out_dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Named as the reports name them, not by their keys.
    assert!(stdout.contains("needs assessment") && !stdout.contains("needs_assessment"), "{stdout}");
    assert!(stdout.contains("social worker"), "{stdout}");
    let dir = out_dir.join("quickstart");
    // The stamp is the resolved scenario's hash; run.toml also holds the file's own.
    let sha = caseflow::scenario::load("scenarios/quickstart.toml".as_ref()).unwrap().sha256;
    let file_sha = caseflow::scenario::sha256_hex(&std::fs::read("scenarios/quickstart.toml").unwrap());
    for table in ["flow_periods", "role_periods", "kpis", "wait_histogram", "balance"] {
        let csv = std::fs::read_to_string(dir.join(format!("{table}.csv"))).unwrap();
        let mut lines = csv.lines();
        // The hash is in run.toml, not on every row.
        assert!(lines.next().unwrap().starts_with("scenario,seed,replications,version,"));
        let first = lines.next().unwrap_or_else(|| panic!("{table}.csv has no rows"));
        let version = env!("CARGO_PKG_VERSION");
        assert!(first.starts_with(&format!("quickstart,3,20,{version},")), "{table}: {first}");
        assert!(dir.join(format!("{table}.parquet")).exists());
    }
    let manifest = std::fs::read_to_string(dir.join("run.toml")).unwrap();
    assert!(manifest.contains(&sha) && manifest.contains("replications = 20"), "{manifest}");
    let record: toml::Table = manifest.parse().unwrap();
    assert_eq!(record["scenario_files"][0]["sha256"].as_str(), Some(file_sha.as_str()), "{manifest}");
    assert_eq!(record["resolved"]["scenario"]["name"].as_str(), Some("quickstart"), "{manifest}");
}

#[test]
fn missing_file_is_a_clear_error() {
    let out = caseflow(&["run"], std::path::Path::new("scenarios/no-such-file.toml"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("cannot read scenarios/no-such-file.toml"), "{stderr}");
}

#[test]
fn help_has_examples() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_caseflow")).args(["run", "--help"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Examples:") && stdout.contains("--replications"), "{stdout}");
}

/// The "Reproduce" line of a report, pasted into a shell as shown, writes
/// the same tables: `--set` values with spaces and quotes survive it.
#[test]
fn the_reproduce_line_pastes_and_runs_as_shown() {
    let out_dir = scratch_dir("cli-reproduce");
    let first = out_dir.join("first");
    let again = out_dir.join("again");
    let out = caseflow(
        &[
            "run",
            "scenarios/quickstart.toml",
            "-n",
            "12",
            "--seed",
            "5",
            "--quiet",
            "--set",
            "roles.social_worker.label=social workers' \"duty\" team",
            "--set",
            "roles.social_worker.fte=9.5",
            "--out",
        ],
        &first,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(first.join("quickstart/report.md")).unwrap();
    let line = md.lines().rev().find(|l| l.trim_start().starts_with("caseflow run")).expect("a reproduce line").trim();
    assert!(
        line.contains("--set 'roles.social_worker.fte=9.5'") || line.contains("--set roles.social_worker.fte=9.5"),
        "{line}"
    );
    let program = line.replacen("caseflow", env!("CARGO_BIN_EXE_caseflow"), 1);
    let shell = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{program} --quiet --out {}", again.display()))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("sh runs");
    assert!(shell.status.success(), "{line}\n{}", String::from_utf8_lossy(&shell.stderr));
    for table in ["kpis.csv", "flow_periods.csv", "role_periods.csv"] {
        let a = std::fs::read(first.join("quickstart").join(table)).unwrap();
        let b = std::fs::read(again.join("quickstart").join(table)).unwrap();
        assert!(a == b, "{table} differs when the reproduce line is run");
    }
    let run_toml = std::fs::read_to_string(again.join("quickstart/run.toml")).unwrap();
    assert!(run_toml.contains("social workers' \\\"duty\\\" team") || run_toml.contains("duty"), "{run_toml}");
}

/// Every run writes its tables as an Excel workbook beside the CSVs:
/// numbers as numbers, financial years as columns, the assumptions and
/// what reproduces them.
#[test]
fn a_run_writes_a_workbook_finance_can_open() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let out_dir = scratch_dir("cli-workbook");
    let out = caseflow(&["run", "scenarios/dols-2026.toml", "-n", "20", "--seed", "2", "--quiet", "--out"], &out_dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = out_dir.join("dols-2026/dols-2026.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names = book.sheet_names();
    for sheet in
        ["In short", "Cost by financial year", "Budget by financial year", "kpis", "flow_periods", "Assumptions"]
    {
        assert!(names.iter().any(|n| n == sheet), "no sheet {sheet} in {names:?}");
    }
    let years = book.worksheet_range("Cost by financial year").unwrap();
    let header: Vec<String> = years.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert!(header.iter().any(|h| h.starts_with("2026/27")), "financial years are the columns: {header:?}");
    let dols = years
        .rows()
        .find(|r| r[0].to_string().starts_with("DoLS: staff time") && matches!(&r[1], Data::String(s) if s == "P50"));
    let dols = dols.expect("a DoLS cost row");
    assert!(matches!(dols[2], Data::Float(v) if v > 10_000.0), "DoLS cost is a number: {:?}", dols[2]);
    let kpis = book.worksheet_range("kpis").unwrap();
    let head: Vec<String> = kpis.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let p50 = head.iter().position(|h| h == "p50").unwrap();
    assert!(!head.iter().any(|h| h == "scenario_sha256"), "no hash on every row: {head:?}");
    let numeric = kpis.rows().skip(1).filter(|r| matches!(r[p50], Data::Float(_))).count();
    assert!(numeric > 10, "the bands are numbers");
    let flows = book.worksheet_range("flow_periods").unwrap();
    let head: Vec<String> = flows.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let start = head.iter().position(|h| h == "period_start").unwrap();
    assert!(matches!(flows.rows().nth(1).unwrap()[start], Data::DateTime(_)), "period starts are dates");
    let assumptions = book.worksheet_range("Assumptions").unwrap();
    let text: Vec<String> =
        assumptions.rows().flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>()).collect();
    let sha = caseflow::scenario::load("scenarios/dols-2026.toml".as_ref()).unwrap().sha256;
    assert!(text.iter().any(|t| t == &sha), "the scenario's hash is among the provenance");
    assert!(text.iter().any(|t| t == env!("CARGO_PKG_VERSION")), "the version is among the provenance");
    assert!(text.iter().any(|t| t == "2"), "the seed is among the provenance");
}

/// A council's own scenario: its workbook carries the checks against what
/// the council observed and the values to check, as its report does.
#[test]
fn a_councils_workbook_has_its_observed_figures_and_assumptions_to_check() {
    use calamine::{Reader, Xlsx, open_workbook};
    let dir = scratch_dir("cli-workbook-council");
    let scenario = dir.join("eastbury.toml");
    let made = caseflow(&["new", "docs/profile-example.toml", "-q", "--force", "--out"], &scenario);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let out = caseflow(&["run", "-n", "10", "--quiet", "--out", dir.to_str().unwrap()], &scenario);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = dir.join("eastbury/eastbury.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = |book: &mut Xlsx<_>, sheet: &str| -> Vec<Vec<String>> {
        let range = book.worksheet_range(sheet).unwrap_or_else(|e| panic!("{sheet}: {e}"));
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    };
    let observed = text(&mut book, "Observed against simulated");
    assert!(observed.iter().any(|r| r.first().is_some_and(|c| c == "figure")), "a heading row: {observed:?}");
    assert!(observed.iter().any(|r| r.iter().any(|c| c.contains("% completed within the deadline"))), "{observed:?}");
    let assumptions = text(&mut book, "Assumptions");
    let at = assumptions.iter().position(|r| r[0] == "Assumptions to check").expect("the table of values to check");
    assert_eq!(assumptions[at + 1][..4], ["what", "value", "source", "in the scenario file at"]);
    assert!(assumptions.iter().any(|r| r.get(3).is_some_and(|c| c == "absence.annual_leave_days")), "{assumptions:?}");
}
