//! Shards: three shards and a merge write the single run's report, byte
//! for byte; a partition holds each replication as simulated; the merge
//! refuses parts of different runs, incomplete sets, and files changed
//! since they were written (their checksums); large replications are
//! held a few at a time.

use std::path::{Path, PathBuf};

use caseflow::engine::simulate;
use caseflow::export::partition;
use caseflow::shard::{self, Shard, ShardError, ShardRecord};

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
    assert_eq!(
        names,
        [
            "shard-1-of-3.parquet",
            "shard-1-of-3.parquet.sha256",
            "shard-2-of-3.parquet",
            "shard-2-of-3.parquet.sha256",
            "shard-3-of-3.parquet",
            "shard-3-of-3.parquet.sha256"
        ]
    );
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
        Err(ShardError::Scenarios { .. })
    ));
    let other_seed = ShardRecord { seed: "2".into(), ..record(2, 3) };
    assert!(matches!(shard::complete_set(parts(vec![record(1, 3), other_seed])), Err(ShardError::Seeds { .. })));
    let other_version = ShardRecord { version: "0.0.1".into(), ..record(2, 3) };
    assert!(matches!(shard::complete_set(parts(vec![record(1, 3), other_version])), Err(ShardError::Versions { .. })));
    assert!(matches!(shard::complete_set(parts(vec![record(1, 3), record(2, 4)])), Err(ShardError::Splits { .. })));
    let Err(ShardError::Duplicate { shard, .. }) =
        shard::complete_set(parts(vec![record(1, 2), record(2, 2), record(2, 2)]))
    else {
        panic!("a shard given twice was taken");
    };
    assert_eq!(shard, Shard { index: 2, count: 2 });
    let e = shard::complete_set(parts(vec![record(1, 6), record(5, 6)])).unwrap_err();
    assert!(matches!(&e, ShardError::Missing { missing, shards: 6 } if missing == &[2, 3, 4, 6]), "{e:?}");
    assert_eq!(e.to_string(), "shards 2 to 4 and 6 of 6 are missing; merge once every shard has finished");
    let wrong_block = ShardRecord { first_replication: 40, ..record(2, 2) };
    assert!(matches!(shard::complete_set(parts(vec![record(1, 2), wrong_block])), Err(ShardError::Incomplete { .. })));
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
    for name in ["shard-2-of-2.parquet", "shard-2-of-2.parquet.sha256"] {
        std::fs::copy(shards("a").join(name), copy.join(name)).unwrap();
    }
    assert!(merge(&[&a1, &a2, &copy.display().to_string()]).contains("shard 2/2 is there twice"));
    assert!(merge(&[&dir.join("empty-or-missing").display().to_string()]).contains("cannot read"));
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    assert!(merge(&[&dir.join("empty").display().to_string()]).contains("no shards to merge"));
    // A file that is not a shard, with no checksum beside it.
    std::fs::write(copy.join("shard-2-of-2.parquet"), "not parquet").unwrap();
    std::fs::remove_file(copy.join("shard-2-of-2.parquet.sha256")).unwrap();
    let e = merge(&[&a1, &copy.display().to_string()]);
    assert!(e.contains("shard-2-of-2.parquet.sha256 cannot be read"), "{e}");
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

/// Merge `dir`'s shards, expecting a refusal (exit code 2): its message.
fn refused_merge(dir: &Path, out: &Path) -> String {
    let o = caseflow(&["merge", &dir.display().to_string(), "--out"], out);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stdout));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the shards folder `from` at `to`.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn a_flipped_bit_or_a_cut_in_any_shard_is_refused_naming_the_file() {
    let dir = scratch_dir("shards-damaged");
    for s in ["1/3", "2/3", "3/3"] {
        run_shard("scenarios/quickstart.toml", "4", "9", s, "1", &dir.join("good"));
    }
    let good = dir.join("good/quickstart-shards");
    for i in 1..=3 {
        let name = format!("shard-{i}-of-3.parquet");
        let bytes = std::fs::read(good.join(&name)).unwrap();
        // A bit in the data pages, in the middle of the footer, and the last byte.
        for at in [bytes.len() / 3, bytes.len() - 200, bytes.len() - 1] {
            let bad = dir.join(format!("flipped-{i}-{at}"));
            copy_folder(&good, &bad);
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x10;
            std::fs::write(bad.join(&name), &flipped).unwrap();
            let e = refused_merge(&bad, &dir.join("reports"));
            assert!(e.contains(&bad.join(&name).display().to_string()), "{e}");
            assert!(e.contains("has changed since") && e.contains(&format!("{name}.sha256 records")), "{e}");
        }
        let cut = dir.join(format!("cut-{i}"));
        copy_folder(&good, &cut);
        std::fs::write(cut.join(&name), &bytes[..bytes.len() - 1]).unwrap();
        let e = refused_merge(&cut, &dir.join("reports"));
        assert!(e.contains(&cut.join(&name).display().to_string()) && e.contains("cut short"), "{e}");
    }
    assert!(!dir.join("reports").exists(), "nothing written");
    ok(&caseflow(&["merge", &good.display().to_string(), "--quiet", "--out"], &dir.join("reports")));
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

#[test]
fn large_replications_are_written_a_few_at_a_time_and_read_back_whole() {
    let s = caseflow::scenario::load(Path::new("scenarios/quickstart.toml")).unwrap();
    let small = simulate(&s.model, 1, 0);
    let dir = scratch_dir("shards-large");
    let path = dir.join("shard-1-of-1.parquet");
    let record = ShardRecord { replications: 4, shard: 1, shards: 1, replications_in_shard: 4, ..record(1, 1) };
    let mut writer = partition::PartitionWriter::create(&path, &record).unwrap();
    assert_eq!(writer.write(std::slice::from_ref(&small)).unwrap(), 100, "small replications go 100 at a time");
    // Replications of 24 MB, as of a model of hundreds of areas: about 64 MB at a time.
    let large: Vec<_> = (1..4)
        .map(|i| {
            let mut r = small.clone();
            r.replication = i;
            r.flow_periods = (0..3 << 20).map(|k| (k + i as usize) as f64).collect();
            r
        })
        .collect();
    assert_eq!(writer.write(&large).unwrap(), 2, "then two at a time");
    writer.finish().unwrap();
    partition::verify(&path).unwrap();
    let mut seen = Vec::new();
    partition::read_results(&path, s.model.periods.len(), &mut |r| {
        let want = if r.replication == 0 { &small } else { &large[r.replication as usize - 1] };
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert!(bits(&r.flow_periods) == bits(&want.flow_periods), "replication {}", r.replication);
        seen.push(r.replication);
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, [0, 1, 2, 3]);
}
