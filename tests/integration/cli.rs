//! The command line as a user meets it.

use crate::harness::{caseflow, scratch_dir};

#[test]
fn run_writes_tables_with_the_stamp_and_prints_a_summary() {
    let out_dir = scratch_dir("cli-run");
    let out = caseflow(&["run", "scenarios/quickstart.toml", "-n", "20", "--seed", "3", "--out"], &out_dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("needs_assessment"), "{stdout}");
    assert!(stdout.contains("social_worker"), "{stdout}");
    let dir = out_dir.join("quickstart");
    // The stamp is the resolved scenario's hash; run.toml also holds the file's own.
    let sha = caseflow::scenario::load("scenarios/quickstart.toml".as_ref()).unwrap().sha256;
    let file_sha = caseflow::scenario::sha256_hex(&std::fs::read("scenarios/quickstart.toml").unwrap());
    for table in ["flow_periods", "role_periods", "kpis", "wait_histogram", "balance"] {
        let csv = std::fs::read_to_string(dir.join(format!("{table}.csv"))).unwrap();
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().starts_with("scenario,scenario_sha256,seed,replications,version,"));
        let first = lines.next().unwrap_or_else(|| panic!("{table}.csv has no rows"));
        let version = env!("CARGO_PKG_VERSION");
        assert!(first.starts_with(&format!("quickstart,{sha},3,20,{version},")), "{table}: {first}");
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
