//! Properties of random valid scenarios (proptest): nothing is lost,
//! counts are never negative, thread counts do not change results, and the
//! pre-run size estimate bounds the memory a replication really uses,
//! measured by the counting allocator in `main.rs`.

use caseflow::engine::simulate;
use caseflow::results::{FlowMetric, RoleMetric};
use caseflow::runner::{self, RunConfig};
use caseflow::sizing::Estimate;
use caseflow::stats::Aggregate;
use proptest::prelude::*;

use crate::alloc::peak_during;
use crate::harness::model;

/// One flow of a random scenario.
#[derive(Debug, Clone)]
struct FlowSpec {
    per_year: f64,
    effort: f64,
    spread: f64,
    duration: Option<f64>,
    deadline: Option<f64>,
    order_deadline: bool,
    waiting: u32,
    /// A route to a later flow (no loops), or back to itself after a delay.
    route: Option<(f64, Option<f64>)>,
    dispersion: f64,
}

#[derive(Debug, Clone)]
struct RoleSpec {
    fte: f64,
    cap: u32,
    turnover: f64,
}

#[derive(Debug, Clone)]
struct Spec {
    days: u32,
    warmup: u32,
    period: &'static str,
    working_week: bool,
    absence: bool,
    flows: Vec<FlowSpec>,
    roles: Vec<RoleSpec>,
}

fn flow() -> impl Strategy<Value = FlowSpec> {
    (
        (0.0..3000.0f64, 0.2..20.0f64, 1.2..5.0f64, proptest::option::of(1.0..40.0f64)),
        (proptest::option::of(2.0..60.0f64), any::<bool>(), 0u32..50),
        (proptest::option::of((0.0..0.9f64, proptest::option::of(5.0..200.0f64))), prop_oneof![Just(0.0), 0.0..1.0f64]),
    )
        .prop_map(
            |((per_year, effort, spread, duration), (deadline, order_deadline, waiting), (route, dispersion))| {
                FlowSpec { per_year, effort, spread, duration, deadline, order_deadline, waiting, route, dispersion }
            },
        )
}

fn role() -> impl Strategy<Value = RoleSpec> {
    (0.5..12.0f64, 1u32..40, prop_oneof![Just(0.0), 0.0..0.5f64]).prop_map(|(fte, cap, turnover)| RoleSpec {
        fte,
        cap,
        turnover,
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (30u32..500, 0u32..120, prop_oneof![Just("week"), Just("month"), Just("quarter")]),
        (any::<bool>(), any::<bool>()),
        proptest::collection::vec(flow(), 1..5),
        proptest::collection::vec(role(), 1..4),
    )
        .prop_map(|((days, warmup, period), (working_week, absence), flows, roles)| Spec {
            days,
            warmup,
            period,
            working_week,
            absence,
            flows,
            roles,
        })
}

/// The spec as scenario TOML. The first role takes every flow, so every
/// flow has someone to do it.
fn toml(s: &Spec) -> String {
    let mut t = format!(
        "[scenario]\nname = \"random\"\nstart = 2020-01-01\ndays = {}\nwarmup_days = {}\nperiod = \"{}\"\n{}\n",
        s.days,
        s.warmup,
        s.period,
        if s.working_week { "calendar = \"working_week\"" } else { "" }
    );
    if s.absence {
        t.push_str("\n[absence]\nannual_leave_days = 27\nsickness_days = 8\nsickness_spell_days = { dist = \"lognormal\", median = 2, p90 = 10 }\n");
    }
    let n = s.flows.len();
    for (i, f) in s.flows.iter().enumerate() {
        t.push_str(&format!("\n[[flows]]\nname = \"f{i}\"\npriority = {}\n", i % 3));
        t.push_str(&format!(
            "effort_hours = {{ dist = \"lognormal\", median = {}, p90 = {} }}\n",
            f.effort,
            f.effort * f.spread
        ));
        if let Some(d) = f.duration {
            t.push_str(&format!("duration_days = {{ dist = \"uniform\", min = 0, max = {d} }}\n"));
        }
        if let Some(d) = f.deadline {
            t.push_str(&format!("deadline_days = {d}\n"));
            if f.order_deadline {
                t.push_str("order = \"deadline\"\n");
            }
        }
        if f.per_year > 0.0 || i == 0 {
            t.push_str(&format!("arrivals = {{ per_year = {}, dispersion = {} }}\n", f.per_year, f.dispersion));
        }
        if f.waiting > 0 {
            t.push_str(&format!("initial = {{ waiting = {} }}\n", f.waiting));
        }
        if let Some((p, delay)) = f.route {
            // A later flow at once, or this flow again after a delay.
            let (to, delay) = match delay {
                Some(d) => (i, format!(", delay_days = {{ dist = \"fixed\", value = {d} }}")),
                None if i + 1 < n => (i + 1, String::new()),
                None => (i, ", delay_days = { dist = \"fixed\", value = 30 }".to_string()),
            };
            t.push_str(&format!("routes = [{{ to = \"f{to}\", probability = {p}{delay} }}]\n"));
        }
    }
    for (i, r) in s.roles.iter().enumerate() {
        let mut skills: Vec<String> =
            (0..n).filter(|f| i == 0 || (f + i) % 2 == 0).map(|f| format!("\"f{f}\"")).collect();
        if skills.is_empty() {
            skills.push("\"f0\"".into());
        }
        t.push_str(&format!(
            "\n[[roles]]\nname = \"r{i}\"\nfte = {}\nhours_per_week = 37\ncasework_share = 0.7\ncaseload_cap = {}\nskills = [{}]\n",
            if i == 0 { r.fte.max(1.0) } else { r.fte },
            r.cap,
            skills.join(", ")
        ));
        if r.turnover > 0.0 {
            t.push_str(&format!(
                "turnover_per_year = {}\nrecruitment_days = {{ dist = \"uniform\", min = 20, max = 90 }}\n",
                r.turnover
            ));
        }
    }
    t
}

const COUNTS: [FlowMetric; 6] = [
    FlowMetric::Arrivals,
    FlowMetric::Completed,
    FlowMetric::Withdrawn,
    FlowMetric::Waiting,
    FlowMetric::Open,
    FlowMetric::Overdue,
];

fn counts_are_never_negative(m: &caseflow::model::Model, agg: &Aggregate) {
    for f in 0..m.flows.len() {
        for p in 0..m.periods.len() {
            for metric in COUNTS {
                let b = agg.flow_period(f, p, metric);
                assert!(b.count() == 0 || b.min() >= 0.0, "flow {f} period {p} {}: {}", metric.name(), b.min());
            }
        }
    }
    for r in 0..m.roles.len() {
        for p in 0..m.periods.len() {
            for metric in [RoleMetric::Staff, RoleMetric::Vacant, RoleMetric::HoursWorked, RoleMetric::Starters] {
                let b = agg.role_period(r, p, metric);
                assert!(b.count() == 0 || b.min() >= -1e-9, "role {r} period {p} {}: {}", metric.name(), b.min());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_scenarios_conserve_items_and_never_count_below_zero(s in spec(), seed in 0u64..1_000) {
        let m = model(&toml(&s));
        let agg = runner::run(&m, &RunConfig { replications: 3, seed, threads: Some(1) }, &|| {}).unwrap();
        prop_assert_eq!(agg.unbalanced, 0, "items lost or double-counted");
        for (f, b) in agg.balance.iter().enumerate() {
            prop_assert!(b.holds(), "flow {} does not balance: {:?}", f, b);
        }
        counts_are_never_negative(&m, &agg);
    }

    #[test]
    fn random_scenarios_give_the_same_results_on_any_number_of_threads(s in spec(), seed in 0u64..1_000) {
        let m = model(&toml(&s));
        let run = |threads| runner::run(&m, &RunConfig { replications: 6, seed, threads: Some(threads) }, &|| {}).unwrap();
        let one = run(1);
        prop_assert!(run(2) == one, "2 threads differ from 1");
        prop_assert!(run(3) == one, "3 threads differ from 1");
    }

    #[test]
    fn the_size_estimate_bounds_the_memory_a_run_uses(s in spec(), seed in 0u64..1_000) {
        let m = model(&toml(&s));
        let replications = 20;
        let e = Estimate::of(&[&m], replications, 1);
        // One replication on this thread: its peak allocation.
        let (r, used) = peak_during(|| simulate(&m, seed, 0));
        prop_assert!(
            used as f64 <= e.replication_bytes,
            "one replication used {} bytes, more than the estimate of {}", used, e.replication_bytes
        );
        prop_assert!((r.events as f64) <= e.events, "{} events, estimate {}", r.events, e.events);
        // The bands of all replications, folded on this thread.
        let (_, bands) = peak_during(|| {
            let mut agg = Aggregate::for_model(&m);
            for rep in 0..replications {
                agg.add(&simulate(&m, seed, rep));
            }
            agg
        });
        prop_assert!(
            bands as f64 <= e.aggregate_bytes + e.replication_bytes,
            "the bands used {} bytes, more than the estimate of {} (+ {} for a replication)",
            bands, e.aggregate_bytes, e.replication_bytes
        );
    }
}
