//! The engine's work per event, counted rather than timed, so it can be
//! checked on any machine: a change that makes each event do twice the
//! work it did when these were measured fails here.

use caseflow::engine::simulate_counting;
use caseflow::scenario;

/// Per shipped scenario: events in replication 0 at seed 1, and per
/// event the wake-up bookings, clock updates and item starts, as
/// measured when the engine was last made faster.
const MEASURED: [(&str, u64, [f64; 3]); 4] = [
    ("mm20.toml", 35_618, [0.749, 0.750, 0.500]),
    ("halton-2015-baseline.toml", 103_011, [0.702, 0.990, 0.547]),
    ("health-check-example.toml", 31_582, [0.701, 0.920, 0.461]),
    ("dols-2026.toml", 12_755, [0.626, 0.743, 0.541]),
];

#[test]
fn work_per_event_stays_within_twice_what_was_measured() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut failures = Vec::new();
    for (file, events, measured) in MEASURED {
        let model = scenario::load(&dir.join(file)).unwrap_or_else(|e| panic!("{file}:\n{e}")).model;
        let (_, work) = simulate_counting(&model, 1, 0);
        let now = work.per_event();
        println!(
            "{file}: {} events; per event {:.4} bookings, {:.4} clock updates, {:.4} item starts",
            work.events, now[0], now[1], now[2]
        );
        let ratio = work.events as f64 / events as f64;
        if !(0.8..1.25).contains(&ratio) {
            failures.push(format!("{file}: {} events per replication, measured {events}", work.events));
        }
        for (k, what) in ["bookings", "clock updates", "item starts"].into_iter().enumerate() {
            if now[k] >= 2.0 * measured[k] {
                failures.push(format!("{file}: {:.3} {what} per event, measured {:.3}", now[k], measured[k]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
