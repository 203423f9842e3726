//! The README's promises: its example scenario loads and runs, and it
//! documents every output column the tool writes.

use caseflow::results::{
    FlowKpi, FlowMetric, RequestKpi, RequestMetric, RoleKpi, RoleMetric, TotalMetric, WorkforceMetric, YearMetric,
};
use caseflow::runner::{self, RunConfig};

use crate::harness::model;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn the_example_scenario_loads_and_runs() {
    let text = readme();
    let start = text.find("A complete example").expect("example heading");
    let block = &text[start..];
    let open = block.find("```toml\n").expect("toml block") + "```toml\n".len();
    let close = block[open..].find("```").expect("end of block");
    let m = model(&block[open..open + close]);
    assert_eq!(m.name, "example");
    let agg = runner::run(&m, &RunConfig { replications: 4, seed: 1, threads: None }, &|| {}).unwrap();
    assert_eq!(agg.unbalanced, 0);
    assert!(agg.events > 0);
}

#[test]
fn every_metric_is_documented() {
    let text = readme();
    let names = FlowMetric::ALL
        .iter()
        .map(|m| m.name())
        .chain(RoleMetric::ALL.iter().map(|m| m.name()))
        .chain(FlowKpi::ALL.iter().map(|m| m.name()))
        .chain(RoleKpi::ALL.iter().map(|m| m.name()))
        .chain(RequestMetric::ALL.iter().map(|m| m.name()))
        .chain(RequestKpi::ALL.iter().map(|m| m.name()))
        .chain(TotalMetric::ALL.iter().map(|m| m.name()))
        .chain(YearMetric::ALL.iter().map(|m| m.name()))
        .chain(WorkforceMetric::ALL.iter().map(|m| m.name()))
        .chain(["year_totals", "budget", "probability_over", "expected_overspend"]);
    for name in names {
        assert!(text.contains(&format!("`{name}`")), "README does not document `{name}`");
    }
}
