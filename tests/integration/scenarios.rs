//! The shipped scenarios: each variant differs from the baseline only as
//! its header says, and every shipped file is reproducible whatever the
//! thread count.

use caseflow::model::Model;
use caseflow::runner::{self, RunConfig};

use crate::harness::shipped;

fn load(name: &str) -> Model {
    let path = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    caseflow::scenario::load(path.as_ref()).unwrap_or_else(|e| panic!("{e}")).model
}

fn same_flows(a: &Model, b: &Model) {
    assert_eq!(a.flows.len(), b.flows.len());
    for (x, y) in a.flows.iter().zip(&b.flows) {
        let mut y = y.clone();
        y.eligible = x.eligible.clone();
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "flow {} differs", x.name);
    }
    assert_eq!(format!("{:?}", a.stocks), format!("{:?}", b.stocks));
    assert_eq!(format!("{:?}", a.pools), format!("{:?}", b.pools));
    assert_eq!(format!("{:?}", a.absence), format!("{:?}", b.absence));
    assert_eq!((a.start, a.horizon_days, a.warmup_days), (b.start, b.horizon_days, b.warmup_days));
}

#[test]
fn more_bias_differs_from_the_baseline_only_in_bia_staffing() {
    let (base, more) = (load("halton-2015-baseline"), load("halton-2015-more-bias"));
    same_flows(&base, &more);
    assert_eq!(base.roles.len(), more.roles.len());
    for (x, y) in base.roles.iter().zip(&more.roles) {
        let mut y = y.clone();
        if x.name == "social_worker_bia" {
            assert_eq!((x.fte, y.fte), (19.0, 22.0));
            y.fte = x.fte;
        }
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "role {} differs", x.name);
    }
}

#[test]
fn independent_bias_adds_only_bought_in_capacity() {
    let (base, ind) = (load("halton-2015-baseline"), load("halton-2015-independent-bias"));
    same_flows(&base, &ind);
    assert_eq!(base.roles.len() + 1, ind.roles.len());
    for (x, y) in base.roles.iter().zip(&ind.roles) {
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "role {} differs", x.name);
    }
    let extra = ind.roles.last().unwrap();
    assert!(extra.is_bought_in() && extra.name == "independent_bia");
}

#[test]
fn every_shipped_scenario_is_the_same_on_one_thread_and_several() {
    for (name, m) in shipped() {
        let run = |threads| {
            runner::run(&m, &RunConfig { replications: 6, seed: 11, threads: Some(threads) }, &|| {}).unwrap()
        };
        let one = run(1);
        assert!(one == run(3), "{name} depends on the thread count");
        assert!(one.events > 0);
    }
}
