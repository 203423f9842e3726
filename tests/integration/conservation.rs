//! Nothing is lost or double-counted, and Little's law holds.

use caseflow::engine::simulate;
use caseflow::results::{FlowKpi, FlowMetric};
use caseflow::runner::{self, RunConfig};

use crate::harness::{model, replications_for, sets, shipped, vary};

/// A network with everything the engine does: priorities, deadline order,
/// shared caseloads, immediate and delayed follow-ups, a repeating review.
pub const NETWORK: &str = r#"
[scenario]
name = "network"
start = "2020-01-01"
days = 730
warmup_days = 100
period = "month"

[[flows]]
name = "urgent"
priority = 1
effort_hours = { dist = "gamma", mean = 6, cv = 0.8 }
deadline_days = 7
arrivals = { per_day = 1.0, changes = [{ from = "2020-07-01", multiplier = 1.3 }] }

[[flows]]
name = "intake"
priority = 2
effort_hours = { dist = "exponential", mean = 1.5 }
arrivals = { per_week = 40 }
routes = [
  { to = "assess", probability = 0.5, group = "outcome" },
  { to = "urgent", probability = 0.1, group = "outcome" },
]

[[flows]]
name = "assess"
priority = 3
order = "deadline"
effort_hours = { dist = "lognormal", median = 5, p90 = 12 }
duration_days = { dist = "gamma", mean = 14, cv = 0.5 }
deadline_days = 28
routes = [{ to = "review", probability = 0.7, delay_days = { dist = "uniform", min = 42, max = 56 } }]

[[flows]]
name = "review"
priority = 4
effort_hours = { dist = "triangular", min = 1, mode = 2, max = 6 }
duration_days = { dist = "uniform", min = 5, max = 20 }
routes = [{ to = "review", probability = 0.3, delay_days = { dist = "fixed", value = 180 } }]

[[roles]]
name = "worker"
fte = 12.5
hours_per_week = 37
casework_share = 0.7
caseload_cap = 12
skills = ["urgent", "intake", "assess", "review"]

[[roles]]
name = "assistant"
count = 2
hours_per_week = 37
casework_share = 0.8
caseload_cap = 1
skills = ["intake", "review"]
"#;

#[test]
fn every_item_is_accounted_for_in_every_replication() {
    let m = model(NETWORK);
    let mut open_somewhere = false;
    let mut scheduled_somewhere = false;
    for rep in 0..20 {
        let r = simulate(&m, 5, rep);
        for (f, b) in r.balance.iter().enumerate() {
            assert!(b.holds(), "replication {rep}, flow {}: {b:?}", m.flows[f].name);
            assert!(b.completed > 0, "flow {} completed nothing", m.flows[f].name);
            open_somewhere |= b.waiting + b.in_service > 0;
            scheduled_somewhere |= b.scheduled > 0;
        }
    }
    // The test means something only if items were left in every state.
    assert!(open_somewhere && scheduled_somewhere);
}

#[test]
fn shipped_scenarios_conserve_items() {
    for (name, m) in shipped() {
        let replications = replications_for(&m, 8);
        let agg = runner::run(&m, &RunConfig { replications, seed: 3, threads: None }, &|| {}).unwrap();
        assert_eq!(agg.unbalanced, 0, "{name}");
        assert!(agg.balance.iter().all(|b| b.holds()), "{name}");
        assert!(agg.balance.iter().map(|b| b.completed).sum::<u64>() > 0, "{name}");
    }
}

/// The network run long, with yearly periods, for steady-state averages.
const LONG: [&str; 2] = ["scenario.days=20000", "scenario.period=\"year\""];

#[test]
fn littles_law_holds_per_flow() {
    // L = lambda W on a long run: time-average number in each flow against
    // arrival rate times mean days from arrival to completion.
    let m = vary(NETWORK, &sets(&LONG));
    let agg = runner::run(&m, &RunConfig { replications: 4, seed: 9, threads: None }, &|| {}).unwrap();
    for (f, flow) in m.flows.iter().enumerate() {
        let l = agg.flow_kpi(f, FlowKpi::MeanInSystem).mean();
        let lambda = agg.flow_kpi(f, FlowKpi::ArrivalsPerDay).mean();
        let w = agg.flow_kpi(f, FlowKpi::MeanDaysToComplete).mean();
        eprintln!("{}: L = {l:.3}, lambda W = {:.3}", flow.name, lambda * w);
        assert!(l > 0.1, "{}: too few items in the system to test", flow.name);
        assert!((l - lambda * w).abs() / l < 0.02, "{}: L = {l}, lambda W = {}", flow.name, lambda * w);
    }
}

#[test]
fn littles_law_holds_for_the_queue_and_its_period_means() {
    // Lq = lambda Wq: the number waiting, averaged over each period and
    // then over the periods, against arrival rate times mean days waited.
    let m = vary(NETWORK, &sets(&LONG));
    let agg = runner::run(&m, &RunConfig { replications: 4, seed: 9, threads: None }, &|| {}).unwrap();
    let mut tested = 0;
    for (f, flow) in m.flows.iter().enumerate() {
        let lq = (0..m.periods.len()).map(|p| agg.flow_period(f, p, FlowMetric::WaitingMean).mean()).sum::<f64>()
            / m.periods.len() as f64;
        let lambda = agg.flow_kpi(f, FlowKpi::ArrivalsPerDay).mean();
        let wq = agg.flow_kpi(f, FlowKpi::MeanWaitDays).mean();
        eprintln!("{}: Lq = {lq:.3}, lambda Wq = {:.3}", flow.name, lambda * wq);
        if lq < 0.05 {
            continue;
        }
        tested += 1;
        assert!((lq - lambda * wq).abs() / lq < 0.03, "{}: Lq = {lq}, lambda Wq = {}", flow.name, lambda * wq);
    }
    assert!(tested >= 2, "too few flows queue to test");
}
