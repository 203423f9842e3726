//! Demand and DoLS mechanisms: rate shapes, shocks, latent pools, stocks
//! of people, deprivation, prevention, and the work in hand at the start.

use caseflow::results::{FlowKpi, FlowMetric, TotalMetric};
use caseflow::scenario::Change;
use caseflow::stats::Aggregate;

use crate::harness::{run, run_varied, sets, vary};

/// A flow with generous staff, so arrivals are all that matters.
const FLOW: &str = r#"
[scenario]
name = "demand"
start = 2015-01-01
years = 2
period = "month"

[[flows]]
name = "contact"
effort_hours = { dist = "fixed", value = 0.5 }
duration_days = { dist = "fixed", value = 1 }
arrivals = { per_month = 30 }

[[roles]]
name = "worker"
fte = 20
hours_per_week = 37
caseload_cap = 100
skills = ["contact"]
"#;

/// The contact flow's arrivals replaced whole by `arrivals` (TOML).
fn arrivals(arrivals: &str) -> Vec<Change> {
    vec![Change::remove("flows.contact.arrivals"), Change::set_toml("flows.contact.arrivals", arrivals)]
}

fn monthly(agg: &Aggregate, flow: usize, m: FlowMetric) -> Vec<f64> {
    (0..agg.periods).map(|p| agg.flow_period(flow, p, m).mean()).collect()
}

#[test]
fn seasonality_shapes_the_months() {
    let agg =
        run_varied(FLOW, &arrivals("{ per_year = 1300, seasonality = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2] }"), 40, 1);
    let a = monthly(&agg, 0, FlowMetric::Arrivals);
    // 13 "units" a year: 100 a unit; December is two units.
    let per_day_dec = a[11] / 31.0;
    let per_day_nov = a[10] / 30.0;
    assert!((per_day_dec / per_day_nov - 2.0).abs() < 0.1, "December {} November {}", a[11], a[10]);
    assert!((a.iter().take(12).sum::<f64>() - 1300.0).abs() < 40.0);
}

#[test]
fn trend_and_step_change_multiply_the_rate() {
    let agg = run_varied(
        FLOW,
        &arrivals("{ per_year = 1000, trend_per_year = 0.2, changes = [{ from = 2016-01-01, multiplier = 3 }] }"),
        40,
        2,
    );
    let a = monthly(&agg, 0, FlowMetric::Arrivals);
    let (y1, y2): (f64, f64) = (a[..12].iter().sum(), a[12..].iter().sum());
    // Year 1 about 1000 x 1.1 (mid-year growth); year 2 x 3 x 1.2.
    assert!((y2 / y1 - 3.0 * 1.2).abs() < 0.15, "year 2 / year 1 = {}", y2 / y1);
}

#[test]
fn dispersion_makes_monthly_counts_overdispersed() {
    let var_to_mean = |given: &str| {
        let agg = run_varied(FLOW, &arrivals(given), 200, 3);
        let b = agg.flow_period(0, 5, FlowMetric::Arrivals);
        b.sd().powi(2) / b.mean()
    };
    let poisson = var_to_mean("{ per_month = 100 }");
    let nb = var_to_mean("{ per_month = 100, dispersion = 0.05 }");
    // Poisson: variance = mean. Gamma-Poisson: variance = mean + 0.05 mean^2 = 6 x mean.
    assert!((poisson - 1.0).abs() < 0.3, "Poisson variance/mean {poisson}");
    assert!((nb - 6.0).abs() < 1.5, "negative binomial variance/mean {nb}");
}

#[test]
fn a_provider_failure_raises_urgent_reviews_on_its_date() {
    let shock = r#"
[[shocks]]
name = "care home closure"
date = 2015-06-10
spawn = [{ flow = "contact", count = 40 }]
"#;
    let plain = run(FLOW, 20, 4);
    let hit = run_varied(FLOW, &[Change::overlay(shock)], 20, 4);
    let june = 5;
    let extra =
        hit.flow_period(0, june, FlowMetric::Arrivals).mean() - plain.flow_period(0, june, FlowMetric::Arrivals).mean();
    assert!((extra - 40.0).abs() < 1e-9, "June gained {extra} items");
    let may = 4;
    assert_eq!(hit.flow_period(0, may, FlowMetric::Arrivals), plain.flow_period(0, may, FlowMetric::Arrivals));
    let random = r#"
[[shocks]]
name = "care home closure"
annual_probability = 0.5
spawn = [{ flow = "contact", count = { dist = "uniform", min = 20, max = 60 } }]
"#;
    let agg = run_varied(FLOW, &[Change::overlay(random)], 200, 4);
    let gained = agg.flow_kpi(0, FlowKpi::Arrivals).mean() - plain.flow_kpi(0, FlowKpi::Arrivals).mean();
    // Two years at -ln(0.5) shocks a year, 40 items each.
    let expected = 2.0 * 0.5f64.ln().abs() * 40.0;
    assert!((gained - expected).abs() < 0.25 * expected, "gained {gained}, expected about {expected}");
}

/// DoLS requests from arrivals and a latent pool, for people who stay
/// (`stocks.dols.leave_rate_per_year` makes them leave).
const DOLS: &str = r#"
[scenario]
name = "dols"
start = 2015-04-01
years = 3
period = "month"

[[stocks]]
name = "dols"
leave_rate_per_year = 0

[[flows]]
name = "review"
effort_hours = { dist = "fixed", value = 2 }
duration_days = { dist = "fixed", value = 5 }
arrivals = { per_month = 40 }
routes = [{ to = "dols_standard", probability = 0.5, from_latent_pool = "care_homes" }]

[[flows]]
name = "dols_standard"
kind = "dols"
stock = "dols"
deprivation = true
deadline_days = 21
effort_hours = { dist = "fixed", value = 10 }
duration_days = { dist = "fixed", value = 10 }
routes = [{ to = "dols_signoff", probability = 1, keep_deadline = true }]

[[flows]]
name = "dols_signoff"
kind = "dols"
stock = "dols"
deprivation = true
deadline_days = 21
effort_hours = { dist = "fixed", value = 1 }
duration_days = { dist = "fixed", value = 10 }
routes = [{ to = "dols_standard", probability = 0.8, delay_days = { dist = "fixed", value = 300 } }]

[[roles]]
name = "bia"
fte = 2
hours_per_week = 37
casework_share = 0.6
caseload_cap = 30
skills = ["review", "dols_standard", "dols_signoff"]

[[latent_pools]]
name = "care_homes"
size = 300
identified_per_year = 0.5
to = "dols_standard"
"#;

#[test]
fn the_latent_pool_is_found_over_time_and_through_reviews() {
    let agg = run(DOLS, 20, 5);
    let latent: Vec<f64> =
        (0..agg.periods).map(|p| agg.total_period(p, TotalMetric::LatentUnidentified).mean()).collect();
    assert!(latent.windows(2).all(|w| w[1] <= w[0]), "the pool only shrinks");
    assert!(latent[0] < 300.0 && latent[35] < 5.0, "{latent:?}");
    // Reviews find people only while the pool lasts: early months far
    // more DoLS requests than late ones (renewals aside).
    let requests = monthly(&agg, 1, FlowMetric::Arrivals);
    assert!(requests[0] > 20.0, "{requests:?}");
}

#[test]
fn people_leaving_the_stock_withdraw_their_requests_and_renewals() {
    let stay = run(DOLS, 20, 6);
    let leave = run_varied(DOLS, &sets(&["stocks.dols.leave_rate_per_year=2"]), 20, 6);
    assert_eq!(stay.flow_kpi(1, FlowKpi::Withdrawn).mean(), 0.0);
    assert!(leave.flow_kpi(1, FlowKpi::Withdrawn).mean() > 0.0);
    let cancelled: u64 = leave.balance.iter().map(|b| b.follow_ups_cancelled).sum();
    assert!(cancelled > 0, "pending renewals of people who left are cancelled");
    assert!(leave.balance.iter().all(|b| b.holds()));
}

#[test]
fn unauthorised_days_count_the_time_past_the_deadline() {
    // One BIA-day a week short: requests wait well past 21 days.
    let agg = run_varied(DOLS, &sets(&["roles.bia.fte=1"]), 10, 7);
    let days = agg.total_kpi(TotalMetric::UnauthorisedDays).mean();
    let people = (0..agg.periods).map(|p| agg.total_period(p, TotalMetric::Unauthorised).mean()).fold(0.0, f64::max);
    assert!(days > 1000.0 && people > 10.0, "days {days}, people {people}");
    // Unauthorised days in a month cannot exceed people x days.
    for p in 0..agg.periods {
        let d = agg.total_period(p, TotalMetric::UnauthorisedDays).mean();
        let open = agg.total_period(p, TotalMetric::DolsOpen).mean();
        assert!(d <= (open + 60.0) * 31.0, "period {p}: {d} days with {open} open");
    }
    // The sign-off stage keeps the request's deadline: it is late too.
    assert!(agg.flow_kpi(2, FlowKpi::WithinDeadlinePct).mean() < 50.0);
    let generous = run_varied(DOLS, &sets(&["roles.bia.fte=10"]), 10, 7);
    assert!(generous.total_kpi(TotalMetric::UnauthorisedDays).mean() < 0.05 * days);
}

#[test]
fn the_last_stage_of_a_request_counts_its_days_from_the_request() {
    // Generous staffing: the assessment takes its 10 days and the
    // sign-off its 10 more, so a request takes about 20 days in all.
    let agg = run_varied(DOLS, &sets(&["roles.bia.fte=10"]), 10, 8);
    let assessment = agg.flow_kpi(1, FlowKpi::MeanDaysToComplete).mean();
    let request = agg.flow_kpi(2, FlowKpi::MeanDaysToComplete).mean();
    assert!((assessment - 10.0).abs() < 1.5, "assessment {assessment}");
    assert!((request - 20.0).abs() < 3.0, "sign-off, counted from the request: {request}");
}

#[test]
fn prevention_diverts_its_share_of_contacts() {
    // Half the contacts go on to an assessment, unless diverted first.
    let assessment = r#"
[[flows]]
name = "assessment"
effort_hours = { dist = "fixed", value = 1 }
"#;
    let changes = |share: f64| {
        let mut changes = sets(&[
            "flows.contact.arrivals.per_month=200",
            "flows.contact.routes=[{ to = \"assessment\", probability = 0.5 }]",
            "roles.worker.skills=[\"contact\", \"assessment\"]",
        ]);
        changes.push(Change::set("flows.contact.diverted_share", share));
        changes.push(Change::overlay(assessment));
        changes
    };
    let base = run_varied(FLOW, &changes(0.0), 20, 8).flow_kpi(1, FlowKpi::Arrivals).mean();
    let prevented = run_varied(FLOW, &changes(0.2), 20, 8).flow_kpi(1, FlowKpi::Arrivals).mean();
    assert!((prevented / base - 0.8).abs() < 0.03, "{prevented} / {base}");
}

#[test]
fn work_in_hand_at_the_start() {
    // One worker with room for three cases, ten contacts a month.
    let small = ["roles.worker.fte=1", "roles.worker.caseload_cap=3", "flows.contact.arrivals.per_month=10"];
    let initial = "flows.contact.initial={ waiting = 500, waiting_age_days = { dist = \"uniform\", min = 0, max = 60 }, in_service = 50, scheduled = 120, scheduled_over_days = 365 }";
    let with_initial = sets(&[&small[..], &[initial]].concat());
    let agg = run_varied(FLOW, &with_initial, 10, 9);
    let waiting = monthly(&agg, 0, FlowMetric::Waiting);
    assert!(waiting[0] > 300.0, "the backlog shows at the start: {waiting:?}");
    assert!(agg.flow_period(0, 0, FlowMetric::Overdue).mean() == 0.0, "no deadline, nothing overdue");
    // The 120 booked items fall due over the first year: 10 a month.
    let plain = run_varied(FLOW, &sets(&small), 10, 9);
    let extra: f64 = (0..12)
        .map(|p| {
            agg.flow_period(0, p, FlowMetric::Arrivals).mean() - plain.flow_period(0, p, FlowMetric::Arrivals).mean()
        })
        .sum();
    assert!((extra - 120.0).abs() < 1e-9, "{extra}");
    assert_eq!(vary(FLOW, &with_initial).flows[0].initial.scheduled, 120, "the work in hand is the contact flow's");
}
