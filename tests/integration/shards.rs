//! Shards: three shards and a merge write the single run's report, byte
//! for byte; a partition holds each replication as simulated; the merge
//! refuses parts of different runs and incomplete sets.

use std::path::{Path, PathBuf};

use caseflow::engine::simulate;
use caseflow::error::Error;
use caseflow::export::partition;
use caseflow::shard::{self, Shard, ShardRecord};

use crate::harness::{caseflow, read_dir_bytes, scratch_dir};

const HALTON: &str = "scenarios/halton-2015-baseline.toml";
/// One year keeps the test quick; as a `--set` it also checks that the
/// merge loads the scenario with the shards' changes.
const ONE_YEAR: &str = "scenario.years=1";

fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
}

fn run_shard(scenario: &str, seed: &str, n: &str, shard: &str, threads: &str, out: &Path) {
    ok(&caseflow(
        &[
            "run", scenario, "--set", ONE_YEAR, "-n", n, "--seed", seed, "--shard", shard, "-j", threads, "--quiet",
            "--out",
        ],
        out,
    ));
}

#[test]
fn three_shards_and_a_merge_write_the_single_run_byte_for_byte() {
    let dir = scratch_dir("shards-merge");
    ok(&caseflow(
        &["run", HALTON, "--set", ONE_YEAR, "-n", "30", "--seed", "8", "-j", "2", "--quiet", "--out"],
        &dir.join("single"),
    ));
    // Out of order, on different thread counts, as a cluster would.
    for (shard, threads) in [("3/3", "1"), ("1/3", "2"), ("2/3", "3")] {
        run_shard(HALTON, "8", "30", shard, threads, &dir.join("shards"));
    }
    let parts = dir.join("shards/halton-2015-baseline-shards");
    let mut names: Vec<String> =
        std::fs::read_dir(&parts).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["shard-1-of-3.parquet", "shard-2-of-3.parquet", "shard-3-of-3.parquet"]);
    let merged = caseflow(&["merge", "--out", &dir.join("merged").display().to_string()], &dir.join("shards"));
    ok(&merged);
    let stdout = String::from_utf8_lossy(&merged.stdout);
    assert!(stdout.contains("30 replications") && stdout.contains("merged from 3 shards"), "{stdout}");

    let single = read_dir_bytes(&dir.join("single/halton-2015-baseline"));
    let merged = read_dir_bytes(&dir.join("merged/halton-2015-baseline"));
    assert_eq!(single.keys().collect::<Vec<_>>(), merged.keys().collect::<Vec<_>>());
    for kind in ["csv", "parquet", "md", "html", "png", "svg", "toml"] {
        assert!(single.keys().any(|k| k.ends_with(kind)), "the report has no .{kind} file");
    }
    for (name, bytes) in &single {
        assert!(bytes == &merged[name], "{name} differs between the single run and 3 shards + merge");
    }
}

#[test]
fn a_partition_holds_each_replication_as_simulated() {
    let dir = scratch_dir("shards-partition");
    run_shard(HALTON, "5", "10", "2/2", "2", &dir);
    let path = dir.join("halton-2015-baseline-shards/shard-2-of-2.parquet");
    let record = partition::read_record(&path).unwrap();
    assert_eq!((record.shard, record.shards, record.replications), (2, 2, 10));
    assert_eq!((record.first_replication, record.replications_in_shard), (5, 5));
    assert_eq!(record.seed, "5");
    assert_eq!(record.changes, [ONE_YEAR]);
    let s = caseflow::scenario::load_with(HALTON.as_ref(), &crate::harness::sets(&[ONE_YEAR])).unwrap();
    assert_eq!(record.scenario_sha256, s.sha256);
    let mut seen = Vec::new();
    partition::read_results(&path, s.model.periods.len(), &mut |r| {
        let fresh = simulate(&s.model, 5, r.replication);
        // Bit for bit: NaN (no value) compares by its bits too.
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&r.flow_periods), bits(&fresh.flow_periods));
        assert_eq!(bits(&r.request_kpis), bits(&fresh.request_kpis));
        assert_eq!(bits(&r.budget), bits(&fresh.budget));
        assert_eq!(r.wait_hist, fresh.wait_hist);
        assert_eq!(r.balance, fresh.balance);
        assert_eq!(r.events, fresh.events);
        seen.push(r.replication);
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, [5, 6, 7, 8, 9]);
}

fn record(shard: u32, shards: u32) -> ShardRecord {
    let range = Shard { index: shard, count: shards }.range(100);
    ShardRecord {
        scenario: "quickstart".into(),
        scenario_sha256: "ab".repeat(32),
        seed: "1".into(),
        replications: 100,
        version: env!("CARGO_PKG_VERSION").into(),
        shard,
        shards,
        first_replication: range.start,
        replications_in_shard: range.end - range.start,
        scenario_file: "scenarios/quickstart.toml".into(),
        changes: Vec::new(),
    }
}

fn parts(records: Vec<ShardRecord>) -> Vec<(PathBuf, ShardRecord)> {
    records.into_iter().enumerate().map(|(i, r)| (PathBuf::from(format!("part{i}")), r)).collect()
}

#[test]
fn the_merge_takes_only_every_shard_of_one_run_once() {
    let all = parts(vec![record(2, 3), record(3, 3), record(1, 3)]);
    let ordered = shard::complete_set(all).unwrap();
    assert_eq!(ordered.iter().map(|(_, r)| r.shard).collect::<Vec<_>>(), [1, 2, 3]);

    let other_scenario = ShardRecord { scenario_sha256: "cd".repeat(32), ..record(2, 3) };
    assert!(matches!(
        shard::complete_set(parts(vec![record(1, 3), other_scenario])),
        Err(Error::ShardScenarios { .. })
    ));
    let other_seed = ShardRecord { seed: "2".into(), ..record(2, 3) };
    assert!(matches!(shard::complete_set(parts(vec![record(1, 3), other_seed])), Err(Error::ShardSeeds { .. })));
    let other_version = ShardRecord { version: "0.0.1".into(), ..record(2, 3) };
    assert!(matches!(shard::complete_set(parts(vec![record(1, 3), other_version])), Err(Error::ShardVersions { .. })));
    assert!(matches!(shard::complete_set(parts(vec![record(1, 3), record(2, 4)])), Err(Error::ShardSplits { .. })));
    let Err(Error::ShardDuplicate { shard, .. }) =
        shard::complete_set(parts(vec![record(1, 2), record(2, 2), record(2, 2)]))
    else {
        panic!("a shard given twice was taken");
    };
    assert_eq!(shard, Shard { index: 2, count: 2 });
    let e = shard::complete_set(parts(vec![record(1, 6), record(5, 6)])).unwrap_err();
    assert!(matches!(&e, Error::ShardsMissing { missing, shards: 6 } if missing == &[2, 3, 4, 6]), "{e:?}");
    assert_eq!(e.to_string(), "shards 2 to 4 and 6 of 6 are missing; merge once every shard has finished");
    let wrong_block = ShardRecord { first_replication: 40, ..record(2, 2) };
    assert!(matches!(shard::complete_set(parts(vec![record(1, 2), wrong_block])), Err(Error::ShardIncomplete { .. })));
}

#[test]
fn the_merge_refuses_mixed_incomplete_or_damaged_shards_with_clear_errors() {
    let dir = scratch_dir("shards-refused");
    let quick = "scenarios/quickstart.toml";
    let shards = |name: &str| dir.join(name).join("quickstart-shards");
    for s in ["1/2", "2/2"] {
        run_shard(quick, "1", "6", s, "1", &dir.join("a"));
    }
    run_shard(quick, "2", "6", "2/2", "1", &dir.join("seed2"));
    let merge = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_caseflow"))
            .arg("merge")
            .args(args)
            .args(["--out", &dir.join("reports").display().to_string()])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stdout));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let a1 = shards("a").join("shard-1-of-2.parquet").display().to_string();
    let a2 = shards("a").join("shard-2-of-2.parquet").display().to_string();
    let b2 = shards("seed2").join("shard-2-of-2.parquet").display().to_string();
    assert!(merge(&[&a1, &b2]).contains("different seeds (1 and 2)"));
    assert!(merge(&[&a1]).contains("shard 2 of 2 is missing"));
    assert!(merge(&[&a1, &a2, &b2]).contains("different seeds"));
    let copy = dir.join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(&a2, copy.join("shard-2-of-2.parquet")).unwrap();
    assert!(merge(&[&a1, &a2, &copy.display().to_string()]).contains("shard 2/2 is there twice"));
    assert!(merge(&[&dir.join("empty-or-missing").display().to_string()]).contains("cannot read"));
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    assert!(merge(&[&dir.join("empty").display().to_string()]).contains("no shards to merge"));
    // A cut-off file: not a shard any more.
    let bytes = std::fs::read(&a2).unwrap();
    std::fs::write(copy.join("shard-2-of-2.parquet"), &bytes[..bytes.len() / 2]).unwrap();
    let e = merge(&[&a1, &copy.display().to_string()]);
    assert!(e.contains("is not a caseflow shard"), "{e}");
    // A scenario changed between the shards and the merge.
    let moved = dir.join("quickstart.toml");
    std::fs::copy(quick, &moved).unwrap();
    let m = moved.display().to_string();
    for s in ["1/2", "2/2"] {
        ok(&caseflow(&["run", &m, "-n", "4", "--shard", s, "--quiet", "--out"], &dir.join("changed")));
    }
    let text = std::fs::read_to_string(&moved).unwrap().replacen("warmup_days = 180", "warmup_days = 150", 1);
    std::fs::write(&moved, text).unwrap();
    let e = merge(&[&dir.join("changed").display().to_string()]);
    assert!(e.contains("is not the scenario the shards ran") && e.contains("changed since"), "{e}");
    // ...or is no longer where the shards read it.
    std::fs::remove_file(&moved).unwrap();
    let e = merge(&[&dir.join("changed").display().to_string()]);
    assert!(e.contains("which is not there from this folder") && e.contains("--scenario FILE"), "{e}");
    assert!(!dir.join("reports").exists(), "nothing written");
}

#[test]
fn a_shard_cannot_be_empty() {
    let dir = scratch_dir("shards-empty");
    let o = caseflow(&["run", "scenarios/quickstart.toml", "-n", "2", "--shard", "3/3", "--out"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2 replications cannot be split into 3 shards"));
    let o = caseflow(&["run", "scenarios/quickstart.toml", "--shard", "0/3", "--out"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("numbered from 1"));
}
