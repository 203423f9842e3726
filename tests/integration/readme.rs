//! What the docs promise: the scenario reference's example loads and
//! runs, the outputs reference documents every measure the tool writes,
//! and the cluster and precision pages every shard column, shard record
//! key and precision field. (The README points to these pages; the
//! checks read the page each text lives on.)

use caseflow::results::{
    AreaMetric, BudgetMetric, FlowKpi, FlowMetric, RequestKpi, RequestMetric, RoleKpi, RoleMetric, TotalMetric,
    WorkforceMetric, YearMetric,
};
use caseflow::runner::{self, RunConfig};

use crate::harness::model;

fn doc(name: &str) -> String {
    let path = format!("{}/docs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_example_scenario_loads_and_runs() {
    let text = doc("scenario-reference.md");
    let start = text.find("## A complete example").expect("example heading");
    let block = &text[start..];
    let open = block.find("```toml\n").expect("toml block") + "```toml\n".len();
    let close = block[open..].find("```").expect("end of block");
    let m = model(&block[open..open + close]);
    assert_eq!(m.name, "example");
    let agg = runner::run(&m, &RunConfig { replications: 4, seed: 1, threads: None }, &|| {}).unwrap();
    assert_eq!(agg.unbalanced, 0);
    assert!(agg.events > 0);
}

/// The rows of the first table after `marker` in a page, as (name,
/// meaning) from `| \`name\` | meaning |`.
fn table_after<'a>(text: &'a str, marker: &str) -> Vec<(&'a str, &'a str)> {
    let at = text.find(marker).unwrap_or_else(|| panic!("docs/outputs.md has no {marker}"));
    let rows: Vec<(&str, &str)> = text[at..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.strip_prefix("| `")?.strip_suffix(" |")?.split_once("` | "))
        .collect();
    assert!(!rows.is_empty(), "docs/outputs.md has no table of measures after {marker}");
    rows
}

/// Each measure's (name, description), in its enum's order.
fn described<M: Copy>(
    all: &[M],
    name: fn(M) -> &'static str,
    description: fn(M) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|&m| (name(m), description(m))).collect()
}

/// A measure's meaning is written once, in results.rs; the outputs
/// reference shows it word for word in the table of its kind of measure,
/// so the two cannot drift apart.
#[test]
fn every_measure_is_documented_with_its_own_description() {
    let text = doc("outputs.md");
    let kinds = [
        ("**`request_periods`**", described(&RequestMetric::ALL, RequestMetric::name, RequestMetric::description)),
        ("**`flow_periods`**", described(&FlowMetric::ALL, FlowMetric::name, FlowMetric::description)),
        ("**`role_periods`**", described(&RoleMetric::ALL, RoleMetric::name, RoleMetric::description)),
        ("**`totals_periods`**", described(&TotalMetric::ALL, TotalMetric::name, TotalMetric::description)),
        ("**`budget`**", described(&BudgetMetric::ALL, BudgetMetric::name, BudgetMetric::description)),
        ("Flow measures (scope `flow`)", described(&FlowKpi::ALL, FlowKpi::name, FlowKpi::description)),
        ("Request measures (scope `request`)", described(&RequestKpi::ALL, RequestKpi::name, RequestKpi::description)),
        ("Role measures (scope `role`)", described(&RoleKpi::ALL, RoleKpi::name, RoleKpi::description)),
        ("Area measures (scope `area`", described(&AreaMetric::ALL, AreaMetric::name, AreaMetric::description)),
        ("Workforce measures", described(&WorkforceMetric::ALL, WorkforceMetric::name, WorkforceMetric::description)),
    ];
    let mut wrong = Vec::new();
    for (marker, measures) in kinds {
        let rows = table_after(&text, marker);
        for (name, description) in measures {
            match rows.iter().find(|(n, _)| *n == name) {
                Some((_, d)) if *d == description => {}
                Some((_, d)) => {
                    wrong.push(format!("{marker} `{name}`:\n  docs:       {d}\n  results.rs: {description}"))
                }
                None => wrong.push(format!("{marker} has no row for `{name}`")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/outputs.md and results.rs differ on {} measures:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The measures that are sums of others, and the budget's columns, have
/// no meaning of their own to check; their names are there.
#[test]
fn the_year_totals_and_budget_columns_are_documented() {
    let text = doc("outputs.md");
    let names =
        YearMetric::ALL.iter().map(|m| m.name()).chain(["year_totals", "probability_over", "expected_overspend"]);
    for name in names {
        assert!(text.contains(&format!("`{name}`")), "docs/outputs.md does not document `{name}`");
    }
}

#[test]
fn shards_and_the_cluster_files_are_documented() {
    let text = doc("cluster.md");
    for (column, _) in caseflow::export::partition::COLUMNS {
        assert!(
            text.contains(&format!("| `{column}` |")),
            "docs/cluster.md does not document the partition column `{column}`"
        );
    }
    let record = caseflow::shard::ShardRecord {
        scenario: String::new(),
        scenario_sha256: String::new(),
        seed: String::new(),
        replications: 0,
        version: String::new(),
        shard: 1,
        shards: 1,
        first_replication: 0,
        replications_in_shard: 0,
        scenario_file: String::new(),
        changes: Vec::new(),
    };
    let fields: toml::Table = record.to_toml().parse().unwrap();
    for key in fields.keys() {
        assert!(text.contains(&format!("`{key}`")), "docs/cluster.md does not document the shard record's `{key}`");
    }
    for needed in [
        "`--shard I/N`",
        "`caseflow merge DIR...`",
        "`--scenario FILE`",
        "# Running on a cluster",
        "`deploy/slurm/caseflow-array.sbatch`",
        "`deploy/kubernetes/caseflow-indexed-job.yaml`",
    ] {
        assert!(text.contains(needed), "docs/cluster.md does not mention {needed}");
    }
}

#[test]
fn runs_until_precise_are_documented() {
    let text = doc("precision.md");
    for field in ["tolerance_pct", "reached_pct", "precise", "least_settled", "batch", "max_replications", "headline"] {
        assert!(
            text.contains(&format!("`{field}`")),
            "docs/precision.md does not document run.toml's precision `{field}`"
        );
    }
    use caseflow::precision::{FLOOR_DAYS, FLOOR_ITEMS, FLOOR_PERCENT, FLOOR_POUNDS};
    for floor in [
        format!("{FLOOR_PERCENT} percentage points"),
        format!("{FLOOR_DAYS} days"),
        format!("{FLOOR_ITEMS} items"),
        format!("£{}", caseflow::format::thousands(FLOOR_POUNDS)),
    ] {
        assert!(text.contains(&floor), "docs/precision.md does not give the floor {floor}");
    }
    for needed in ["`--precision 2%`", "`--replications auto`", "`--max-replications N`"] {
        assert!(text.contains(needed), "docs/precision.md does not mention {needed}");
    }
}
