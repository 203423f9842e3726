//! Configured as textbook queues, the engine reproduces queueing theory.
//!
//! Servers work around the clock (168 hours a week) on one item at a time;
//! an effort of 24 hours is one day of service, so an exponential effort
//! with mean 24/mu hours gives service rate mu per day.

use caseflow::results::FlowKpi;
use caseflow::scenario::Change;
use caseflow::stats::Aggregate;

use crate::harness::run_varied;

/// Erlang C: probability an arrival waits in an M/M/c queue.
pub(crate) fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / c as f64;
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let top = term * a / c as f64 / (1.0 - rho);
    top / (sum + top)
}

/// Mean wait in queue of M/M/c.
pub(crate) fn mmc_wq(c: u32, lambda: f64, mu: f64) -> f64 {
    erlang_c(c, lambda / mu) / (c as f64 * mu - lambda)
}

/// An M/M/1 queue at load 0.5; `mmc` sets its figures.
const MMC: &str = r#"
[scenario]
name = "mmc"
start = "2000-01-01"
days = 1000
warmup_days = 100
period = "year"

[[flows]]
name = "customer"
effort_hours = { dist = "exponential", mean = 24 }
arrivals = { per_day = 0.5 }

[[roles]]
name = "server"
count = 1
hours_per_week = 168
caseload_cap = 1
skills = ["customer"]
"#;

/// M/M/c with arrival rate `lambda` and service rate `mu` a day, run for
/// `days` after `warmup` days.
fn mmc(c: u32, lambda: f64, mu: f64, days: f64, warmup: f64) -> Vec<Change> {
    vec![
        Change::set("scenario.days", days),
        Change::set("scenario.warmup_days", warmup),
        Change::set("flows.customer.effort_hours.mean", 24.0 / mu),
        Change::set("flows.customer.arrivals.per_day", lambda),
        Change::set("roles.server.count", c),
    ]
}

/// Assert that `theory` lies in the replications' 95% confidence interval
/// for the mean of `k` in flow `flow`, and that the interval is tight
/// enough to mean something.
fn assert_in_ci(agg: &Aggregate, flow: usize, k: FlowKpi, theory: f64, what: &str) {
    let band = agg.flow_kpi(flow, k);
    let (mean, half) = (band.mean(), band.ci95());
    eprintln!("{what}: simulated {mean:.4} ± {half:.4} (95% CI), theory {theory:.4}");
    assert!((mean - theory).abs() <= half, "{what}: theory {theory:.5} outside the 95% CI {mean:.5} ± {half:.5}");
    assert!(half < 0.05 * theory, "{what}: CI ±{half} too wide to test against {theory}");
}

#[test]
fn mm2_at_load_075_matches_erlang_c() {
    let (c, lambda, mu) = (2, 1.5, 1.0);
    let agg = run_varied(MMC, &mmc(c, lambda, mu, 20_000.0, 500.0), 30, 11);
    assert_in_ci(&agg, 0, FlowKpi::MeanWaitDays, mmc_wq(c, lambda, mu), "M/M/2 rho=0.75 Wq");
}

#[test]
fn mm20_at_load_09_matches_erlang_c() {
    let (c, lambda, mu) = (20, 18.0, 1.0);
    let agg = run_varied(MMC, &mmc(c, lambda, mu, 10_000.0, 500.0), 30, 12);
    assert_in_ci(&agg, 0, FlowKpi::MeanWaitDays, mmc_wq(c, lambda, mu), "M/M/20 rho=0.9 Wq");
}

#[test]
fn mm1_at_load_095_matches_erlang_c() {
    let (c, lambda, mu) = (1, 0.95, 1.0);
    let agg = run_varied(MMC, &mmc(c, lambda, mu, 100_000.0, 2_000.0), 40, 13);
    assert_in_ci(&agg, 0, FlowKpi::MeanWaitDays, mmc_wq(c, lambda, mu), "M/M/1 rho=0.95 Wq");
}

#[test]
fn erlang_c_helper_matches_published_values() {
    // M/M/1: P(wait) = rho. M/M/2 with a = 1: C = 1/3.
    assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
}

/// Two classes of customer at one server, urgent first; the test sets
/// the arrival rates.
const COBHAM: &str = r#"
[scenario]
name = "cobham"
start = "2000-01-01"
days = 50000
warmup_days = 1000
period = "year"

[[flows]]
name = "urgent"
priority = 1
effort_hours = { dist = "exponential", mean = 24 }
arrivals = { per_day = 0.3 }

[[flows]]
name = "routine"
priority = 2
effort_hours = { dist = "exponential", mean = 24 }
arrivals = { per_day = 0.5 }

[[roles]]
name = "server"
count = 1
hours_per_week = 168
caseload_cap = 1
skills = ["routine", "urgent"]
"#;

#[test]
fn two_class_priority_matches_cobham() {
    // M/M/1, non-preemptive priority: W_k = W0 / ((1 - s_{k-1})(1 - s_k)),
    // W0 = sum(lambda_i E[S_i^2]) / 2 with E[S^2] = 2 / mu^2.
    let (l1, l2, mu) = (0.3, 0.5, 1.0);
    let w0 = (l1 + l2) * 2.0 / (mu * mu) / 2.0;
    let s1 = l1 / mu;
    let s2 = s1 + l2 / mu;
    let w_high = w0 / (1.0 - s1);
    let w_low = w0 / ((1.0 - s1) * (1.0 - s2));
    let rates = [Change::set("flows.urgent.arrivals.per_day", l1), Change::set("flows.routine.arrivals.per_day", l2)];
    let agg = run_varied(COBHAM, &rates, 40, 21);
    assert_in_ci(&agg, 0, FlowKpi::MeanWaitDays, w_high, "Cobham high priority Wq");
    assert_in_ci(&agg, 1, FlowKpi::MeanWaitDays, w_low, "Cobham low priority Wq");
}

/// Two single-server stations in series; the test sets the rates.
const JACKSON: &str = r#"
[scenario]
name = "jackson"
start = "2000-01-01"
days = 50000
warmup_days = 1000
period = "year"

[[flows]]
name = "first"
effort_hours = { dist = "exponential", mean = 12 }
arrivals = { per_day = 1 }
routes = [ { to = "second", probability = 1.0 } ]

[[flows]]
name = "second"
effort_hours = { dist = "exponential", mean = 16 }

[[roles]]
name = "station1"
count = 1
hours_per_week = 168
caseload_cap = 1
skills = ["first"]

[[roles]]
name = "station2"
count = 1
hours_per_week = 168
caseload_cap = 1
skills = ["second"]
"#;

#[test]
fn tandem_matches_jackson() {
    // Two M/M/1 stations in series: each behaves as M/M/1 with the same
    // arrival rate (Burke), so L_i = rho_i / (1 - rho_i) and the time at
    // station i is 1 / (mu_i - lambda).
    let (lambda, mu1, mu2) = (1.0, 2.0, 1.5);
    let rates = [
        Change::set("flows.first.arrivals.per_day", lambda),
        Change::set("flows.first.effort_hours.mean", 24.0 / mu1),
        Change::set("flows.second.effort_hours.mean", 24.0 / mu2),
    ];
    let agg = run_varied(JACKSON, &rates, 30, 31);
    let (r1, r2) = (lambda / mu1, lambda / mu2);
    assert_in_ci(&agg, 0, FlowKpi::MeanDaysToComplete, 1.0 / (mu1 - lambda), "Jackson station 1 sojourn");
    assert_in_ci(&agg, 1, FlowKpi::MeanDaysToComplete, 1.0 / (mu2 - lambda), "Jackson station 2 sojourn");
    assert_in_ci(&agg, 0, FlowKpi::MeanInSystem, r1 / (1.0 - r1), "Jackson station 1 L");
    assert_in_ci(&agg, 1, FlowKpi::MeanInSystem, r2 / (1.0 - r2), "Jackson station 2 L");
}
