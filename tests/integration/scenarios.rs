//! The shipped scenarios: every shipped file is reproducible whatever the
//! thread count. (Each variant is an overlay of the baseline: overlays.rs.)

use caseflow::runner::{self, RunConfig};

use crate::harness::{replications_for, shipped};

#[test]
fn every_shipped_scenario_is_the_same_on_one_thread_and_several() {
    for (name, m) in shipped() {
        let run = |threads| {
            let replications = replications_for(&m, 6);
            runner::run(&m, &RunConfig { replications, seed: 11, threads: Some(threads) }, &|| {}).unwrap()
        };
        let one = run(1);
        assert!(one == run(3), "{name} depends on the thread count");
        assert!(one.events > 0);
    }
}
