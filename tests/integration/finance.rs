//! Money: financial years, what each activity costs, budgets, and numbers
//! given as distributions.

use caseflow::engine::simulate;
use caseflow::model::finance::fy_of;
use caseflow::results::{BudgetMetric, FlowKpi, TotalMetric, YearMetric};
use caseflow::units::{DAYS_PER_WEEK, DAYS_PER_YEAR};

use super::harness::{run_varied, sets, vary};

const QUICKSTART: &str = include_str!("../../scenarios/quickstart.toml");

/// One team, one kind of work, pay known exactly: no absence, seven-day
/// calendar, every hour casework, and a bought-in assessor with a fee.
const ONE_TEAM: &str = r#"
[scenario]
name = "one-team"
start = 2025-10-01
years = 2
warmup_days = 60
period = "month"

[[flows]]
name = "assessment"
effort_hours = { dist = "lognormal", median = 6, p90 = 12 }
duration_days = { dist = "uniform", min = 5, max = 20 }
deadline_days = 28
arrivals = { per_year = 1500 }

[[flows]]
name = "review"
priority = 2
effort_hours = { dist = "gamma", mean = 3, cv = 0.5 }
arrivals = { per_year = 600 }

[[roles]]
name = "social_worker"
fte = 6
hours_per_week = 37
casework_share = 1.0
caseload_cap = 25
salary = 40000
on_costs = 0.25
skills = ["assessment", "review"]

[[roles]]
name = "independent"
kind = "bought_in"
per_week = 3
fee = 450
skills = ["assessment"]
"#;

#[test]
fn financial_year_totals_are_the_sums_of_their_months() {
    let m = vary(ONE_TEAM, &[]);
    // Starting in October, two years span three financial years: half,
    // whole and half.
    let labels: Vec<&str> = m.years.iter().map(|y| y.label.as_str()).collect();
    assert_eq!(labels, ["2025/26", "2026/27", "2027/28"]);
    for rep in 0..3 {
        let r = simulate(&m, 5, rep);
        for (k, year) in m.years.iter().enumerate() {
            for metric in YearMetric::ALL {
                // The months are found by their dates, not the year's range.
                let months: f64 = (0..m.periods.len())
                    .filter(|&p| fy_of(m.periods.last_date(p)) == fy_of(year.start))
                    .map(|p| r.total_period(p, metric.total()))
                    .sum();
                let total = r.year_totals[k * YearMetric::ALL.len() + metric as usize];
                assert!(
                    (total - months).abs() <= 1e-6 * months.abs().max(1.0),
                    "{} {}: year {total} but its months add to {months}",
                    year.label,
                    metric.name()
                );
            }
        }
        let staff: f64 = (0..m.periods.len()).map(|p| r.total_period(p, TotalMetric::CostStaff)).sum();
        assert!(staff > 0.0, "the team was paid");
    }
}

#[test]
fn activity_costs_add_up_to_the_cost_of_the_hours() {
    let m = vary(ONE_TEAM, &[]);
    let r = simulate(&m, 3, 0);
    let (assessment, review) = (0, 1);
    // Pay per available hour: salary and on-costs over 37 hours a week,
    // every week of the year (no leave or sickness in this scenario).
    let hourly = 40_000.0 * 1.25 / (37.0 * DAYS_PER_YEAR / DAYS_PER_WEEK);
    let staff_cost = |f: usize| r.flow_kpi(f, FlowKpi::Cost);
    let hours = |f: usize| r.flow_kpi(f, FlowKpi::Hours);
    // Every fee is for an assessment.
    let fees = r.total_kpi(TotalMetric::CostBoughtIn);
    assert!(fees > 0.0 && fees % 450.0 < 1e-6, "the independent assessor was used, at £450 a time ({fees})");
    let expect = hours(assessment) * hourly + fees;
    assert!(
        (staff_cost(assessment) - expect).abs() < 0.01 * expect,
        "assessments cost {} but their {} staff hours and fees make {expect}",
        staff_cost(assessment),
        hours(assessment)
    );
    let expect = hours(review) * hourly;
    assert!((staff_cost(review) - expect).abs() < 0.01 * expect, "reviews cost {} not {expect}", staff_cost(review));
    // With the hours given to no work, the activities make up the bill.
    let total = |k: TotalMetric| r.total_kpi(k);
    let activities = staff_cost(assessment) + staff_cost(review) + total(TotalMetric::CostUnallocated);
    let bill = total(TotalMetric::CostStaff)
        + total(TotalMetric::CostAgency)
        + total(TotalMetric::CostOvertime)
        + total(TotalMetric::CostBoughtIn);
    assert!((activities - bill).abs() < 1e-6 * bill, "activities {activities} against the bill {bill}");
    // And the bill is six people's pay for two years.
    let pay = 6.0 * 40_000.0 * 1.25 * 2.0;
    let staff = total(TotalMetric::CostStaff);
    assert!((staff - pay).abs() < 0.01 * pay, "staff cost {staff} against {pay} for six people over two years");
}

#[test]
fn the_chance_of_overspending_is_the_share_of_futures_over_budget() {
    // A budget near the middle of the simulated costs, so some futures
    // overspend and some do not.
    let base = vary(ONE_TEAM, &[]);
    let reps = 60;
    let year = 1; // 2026/27, a whole year
    let totals: Vec<f64> = (0..reps)
        .map(|rep| simulate(&base, 11, rep).year_totals[year * YearMetric::ALL.len() + YearMetric::CostTotal as usize])
        .collect();
    let mut sorted = totals.clone();
    sorted.sort_by(f64::total_cmp);
    let budget = sorted[reps as usize * 2 / 3];
    let changes = sets(&[&format!("budget.total={{ \"2026/27\" = {budget} }}")]);
    let m = vary(ONE_TEAM, &changes);
    let agg =
        caseflow::runner::run(&m, &caseflow::runner::RunConfig { replications: reps, seed: 11, threads: None }, &|| {})
            .expect("run");
    let over = totals.iter().filter(|&&t| t > budget).count() as f64 / reps as f64;
    let said = agg.budget(0, year, BudgetMetric::Over).mean();
    assert!((said - over).abs() < 1e-12, "the report says {said} but {over} of the futures overspent");
    assert!(over > 0.1 && over < 0.6, "the test's budget should split the futures ({over})");
    let overspend: f64 = totals.iter().map(|t| (t - budget).max(0.0)).sum::<f64>() / reps as f64;
    let said = agg.budget(0, year, BudgetMetric::Overspend).mean();
    assert!((said - overspend).abs() < 1e-6 * overspend, "expected overspend {said} against {overspend}");
}

#[test]
fn an_uncertain_number_widens_the_bands_and_a_fixed_one_does_not() {
    let width = |changes: &[&str]| {
        let agg = run_varied(QUICKSTART, &sets(changes), 200, 7);
        let b = agg.flow_kpi(1, FlowKpi::Arrivals);
        (b.quantile(0.9) - b.quantile(0.1), agg)
    };
    let (plain, plain_agg) = width(&[]);
    let (fixed, fixed_agg) = width(&["flows.contact.arrivals.per_year={ dist = \"fixed\", value = 1800 }"]);
    let (uncertain, _) =
        width(&["flows.contact.arrivals.per_year={ dist = \"triangular\", min = 1200, mode = 1800, max = 2400 }"]);
    // Chance alone: about 1.28 x 2 x sqrt(1800) = 109 contacts a year.
    assert_eq!(plain, fixed, "a number given as a fixed distribution is the plain number");
    assert_eq!(
        plain_agg.total_kpi(TotalMetric::CostTotal).mean(),
        fixed_agg.total_kpi(TotalMetric::CostTotal).mean(),
        "a fixed distribution draws nothing"
    );
    // The triangular has a standard deviation of 245 a year, so P10-P90
    // about 630: several times the width from chance.
    assert!(uncertain > 3.0 * plain, "P10-P90 of contacts {uncertain} with doubt about the rate, {plain} without");
}

#[test]
fn each_replication_draws_its_own_value_and_the_same_one_for_every_scenario() {
    let changes = sets(&[
        "roles.social_worker.turnover_per_year={ dist = \"uniform\", min = 0.05, max = 0.35 }",
        "roles.social_worker.recruitment_days={ dist = \"fixed\", value = 90 }",
    ]);
    let m = vary(QUICKSTART, &changes);
    let u = m.uncertain.as_ref().expect("the model knows its uncertain numbers");
    let names: Vec<String> = u.params().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["roles.social_worker.turnover_per_year"]);
    // Another scenario drawing the same number draws the same values
    // (common random numbers), and the central model uses the mean.
    let other = vary(QUICKSTART, &[changes.clone(), sets(&["roles.social_worker.fte=12"])].concat());
    let role = m.role_id("social_worker").unwrap() as usize;
    assert!((m.roles[role].turnover_per_year - 0.2).abs() < 1e-12, "the model's own value is the mean");
    for rep in 0..4 {
        let mut seen = Vec::new();
        for model in [&m, &other] {
            let mut value = None;
            model.uncertain.as_ref().unwrap().draw(&mut |name, dist| {
                use rand::SeedableRng;
                let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(rep);
                let v = dist.sample(&mut rng);
                value = Some((name.to_string(), v));
                v
            });
            seen.push(value.expect("one number drawn"));
        }
        assert_eq!(seen[0], seen[1]);
    }
    let a = simulate(&m, 1, 0);
    let b = simulate(&m, 1, 1);
    assert_ne!(a.year_totals, b.year_totals, "replications differ");
}

#[test]
fn a_distribution_whose_range_breaks_a_rule_is_refused() {
    let bad = "flows.contact.diverted_share={ dist = \"uniform\", min = 0.2, max = 1.2 }";
    let err = caseflow::scenario::parse_with(QUICKSTART, "test.toml", &sets(&[bad])).unwrap_err().to_string();
    assert!(err.contains("must be between 0 and 1 (its distribution runs from 0.2 to 1.2)"), "{err}");
    let bad = "flows.contact.arrivals.per_year=\"lots\"";
    let err = caseflow::scenario::parse_with(QUICKSTART, "test.toml", &sets(&[bad])).unwrap_err().to_string();
    assert!(err.contains("expected a number, or a distribution"), "{err}");
}
