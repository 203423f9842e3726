//! The cluster files: their shards are every shard of one run, each once,
//! and their merge reads the folder the shards write.

use std::collections::BTreeSet;

use caseflow::shard::Shard;
use serde::Deserialize;
use serde_norway::Value;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The word after `flag` among shell words.
fn after<'a>(words: &[&'a str], flag: &str) -> &'a str {
    let i = words.iter().position(|w| *w == flag).unwrap_or_else(|| panic!("no {flag} in {words:?}"));
    words[i + 1]
}

/// The shards that running `template` (an `I/N` with shell variables) for
/// each task gives, with the variables substituted by `fill`.
fn shards(template: &str, tasks: impl Iterator<Item = u32>, fill: impl Fn(&str, u32) -> String) -> Vec<Shard> {
    tasks
        .map(|t| fill(template, t).parse::<Shard>().unwrap_or_else(|e| panic!("{template} for task {t}: {e}")))
        .collect()
}

fn is_every_shard_once(list: &[Shard], n: u32) -> bool {
    let set: BTreeSet<Shard> = list.iter().copied().collect();
    set.len() == list.len() && set == (1..=n).map(|index| Shard { index, count: n }).collect()
}

#[test]
fn the_kubernetes_indexed_job_runs_every_shard_once_and_the_merge_reads_them() {
    let text = read("deploy/kubernetes/caseflow-indexed-job.yaml");
    let docs: Vec<Value> =
        serde_norway::Deserializer::from_str(&text).map(|d| Value::deserialize(d).expect("valid YAML")).collect();
    let jobs: Vec<&Value> = docs.iter().filter(|d| d["kind"] == "Job").collect();
    let shards_job = jobs.iter().find(|j| j["spec"]["completionMode"] == "Indexed").expect("an Indexed Job");
    let merge_job = jobs.iter().find(|j| j["spec"]["completionMode"].is_null()).expect("a merge Job");
    let spec = &shards_job["spec"];
    let completions = spec["completions"].as_u64().expect("completions") as u32;
    let parallelism = spec["parallelism"].as_u64().expect("parallelism") as u32;
    assert!((1..=completions).contains(&parallelism), "parallelism {parallelism}, completions {completions}");

    let container = &spec["template"]["spec"]["containers"][0];
    let script: Vec<String> = ["command", "args"]
        .iter()
        .flat_map(|k| container[*k].as_sequence().cloned().unwrap_or_default())
        .map(|v| v.as_str().expect("a string").to_string())
        .collect();
    let script = script.join(" ");
    let words: Vec<&str> = script.split_whitespace().collect();
    assert!(words.windows(2).any(|w| w == ["caseflow", "run"]), "{script}");
    let template = after(&words, "--shard");
    let list =
        shards(template, 0..completions, |t, index| t.replace("$((JOB_COMPLETION_INDEX+1))", &(index + 1).to_string()));
    assert!(is_every_shard_once(&list, completions), "pods 0..{completions} run {list:?}");

    // What to run comes from the ConfigMap, not the command line.
    let config = docs.iter().find(|d| d["kind"] == "ConfigMap").expect("a ConfigMap");
    let config_name = config["metadata"]["name"].as_str().unwrap();
    assert_eq!(container["envFrom"][0]["configMapRef"]["name"].as_str(), Some(config_name));
    for (flag, key) in [("run", "SCENARIO"), ("--replications", "REPLICATIONS"), ("--seed", "SEED")] {
        assert_eq!(after(&words, flag), format!("\"${key}\""), "{flag} takes ${key}: {script}");
    }
    let data = &config["data"];
    let scenario = data["SCENARIO"].as_str().expect("SCENARIO");
    assert!(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario).is_file(), "{scenario} is not shipped");
    let replications: u64 = data["REPLICATIONS"].as_str().expect("REPLICATIONS as text").parse().unwrap();
    assert!(replications >= u64::from(completions), "{replications} replications for {completions} shards");
    data["SEED"].as_str().expect("SEED as text").parse::<u64>().unwrap();

    // The merge waits for the shards Job, reads where the shards write, on the same volume.
    let merge = &merge_job["spec"]["template"]["spec"];
    let wait = merge["initContainers"][0]["command"].as_sequence().expect("a wait command");
    let job_name = shards_job["metadata"]["name"].as_str().unwrap();
    assert!(wait.iter().any(|w| w.as_str() == Some(&format!("job/{job_name}"))), "{wait:?}");
    let merge_command: Vec<&str> =
        merge["containers"][0]["command"].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(&merge_command[..2], ["caseflow", "merge"]);
    assert_eq!(merge_command[2], after(&words, "--out"), "the merge reads the shards' --out folder");
    let claim = |pod: &Value| {
        let mount = &pod["containers"][0]["volumeMounts"][0];
        let volume = pod["volumes"].as_sequence().unwrap().iter().find(|v| v["name"] == mount["name"]).unwrap();
        (mount["mountPath"].as_str().unwrap().to_string(), volume["persistentVolumeClaim"]["claimName"].clone())
    };
    assert_eq!(claim(&spec["template"]["spec"]), claim(merge));
    assert!(merge_command[2].starts_with(&claim(merge).0), "the shards folder is on the shared volume");
}

#[test]
fn the_slurm_array_runs_every_shard_once_and_the_merge_reads_them() {
    let text = read("deploy/slurm/caseflow-array.sbatch");
    let array = text
        .lines()
        .find_map(|l| l.strip_prefix("#SBATCH --array="))
        .expect("an #SBATCH --array line")
        .split('%')
        .next()
        .unwrap();
    let (lo, hi) = array.split_once('-').expect("a range such as 1-8");
    let (lo, hi): (u32, u32) = (lo.parse().unwrap(), hi.parse().unwrap());
    let tasks = hi - lo + 1;
    // Shell words, with line continuations joined and quotes dropped.
    let script: String = text
        .replace("\\\n", " ")
        .replace('"', "")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let run_line = script.lines().find(|l| l.contains("caseflow run")).expect("a caseflow run line");
    let words: Vec<&str> = run_line.split_whitespace().collect();
    let template = after(&words, "--shard");
    let list = shards(template, lo..=hi, |t, id| {
        t.replace("${SLURM_ARRAY_TASK_ID}", &id.to_string()).replace("${SLURM_ARRAY_TASK_COUNT}", &tasks.to_string())
    });
    assert!(is_every_shard_once(&list, tasks), "--array={array} runs {list:?}");

    let merge_line = script.lines().find(|l| l.contains("caseflow merge")).expect("a caseflow merge line");
    let merge_words: Vec<&str> = merge_line.split_whitespace().collect();
    let at = merge_words.iter().position(|w| w.ends_with("caseflow")).unwrap();
    assert_eq!(merge_words[at + 1], "merge");
    assert_eq!(merge_words[at + 2], after(&words, "--out"), "the merge reads the shards' --out folder");
    assert!(merge_line.contains("afterok:${SLURM_ARRAY_JOB_ID}"), "the merge waits for the whole array: {merge_line}");
}
