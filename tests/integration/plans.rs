//! Staffing plans: dated changes to a role. Each test fails without the
//! mechanism it names.

use caseflow::results::{RoleMetric, TotalMetric};
use caseflow::stats::Aggregate;

use crate::harness::{run_varied, sets};

/// A team by the week from Monday 1 June 2015; no absence, so hours and
/// costs can be worked out by hand.
const TEAM: &str = r#"
[scenario]
name = "team"
start = 2015-06-01
days = 364
period = "week"

[[flows]]
name = "casework"
effort_hours = { dist = "gamma", mean = 6, cv = 0.5 }
duration_days = { dist = "uniform", min = 10, max = 30 }
arrivals = { per_week = 40 }

[[roles]]
name = "social_worker"
fte = 2
hours_per_week = 37
caseload_cap = 20
salary = 36525
skills = ["casework"]
"#;

/// Week 10 starts on 2015-08-10.
const WEEK_10: &str = "2015-08-10";

fn mean(agg: &Aggregate, role: usize, week: usize, m: RoleMetric) -> f64 {
    agg.role_period(role, week, m).mean()
}

#[test]
fn fte_steps_up_on_the_date_with_its_cost() {
    let plan = format!("roles.social_worker.plan=[{{ from = {WEEK_10}, fte = 5 }}]");
    let agg = run_varied(TEAM, &sets(&[&plan]), 3, 1);
    let plain = run_varied(TEAM, &[], 3, 1);
    for week in [0, 5, 9] {
        assert_eq!(mean(&agg, 0, week, RoleMetric::Establishment), 2.0, "week {week}");
        assert_eq!(mean(&agg, 0, week, RoleMetric::Staff), 2.0, "week {week}");
    }
    for week in [10, 30, 51] {
        assert_eq!(mean(&agg, 0, week, RoleMetric::Establishment), 5.0, "week {week}");
        assert_eq!(mean(&agg, 0, week, RoleMetric::Staff), 5.0, "in post from the date");
        assert_eq!(mean(&plain, 0, week, RoleMetric::Staff), 2.0);
    }
    // £36,525 a year is £100 a day per FTE: 2 FTE for 70 days, 5 for 294.
    let cost = agg.total_kpi(TotalMetric::CostStaff).mean();
    let expected = 100.0 * (2.0 * 70.0 + 5.0 * 294.0);
    assert!((cost - expected).abs() < 1e-6 * expected, "{cost} vs {expected}");
    let week_cost = agg.role_period(0, 10, RoleMetric::CostStaff).mean();
    assert!((week_cost - 3500.0).abs() < 1e-6, "a week of 5 FTE at £100 a day: {week_cost}");
}

#[test]
fn new_posts_can_open_vacant_and_be_recruited_to() {
    let plan = format!("roles.social_worker.plan=[{{ from = {WEEK_10}, fte = 5, vacant = true }}]");
    let lag = "roles.social_worker.recruitment_days={ dist = \"fixed\", value = 28 }";
    let agg = run_varied(TEAM, &sets(&[&plan, lag]), 3, 1);
    assert_eq!(mean(&agg, 0, 10, RoleMetric::Establishment), 5.0);
    assert_eq!(mean(&agg, 0, 10, RoleMetric::Vacant), 3.0, "vacant until recruited");
    assert_eq!(mean(&agg, 0, 15, RoleMetric::Staff), 5.0, "recruited four weeks later");
    let starters: f64 = (0..52).map(|w| mean(&agg, 0, w, RoleMetric::Starters)).sum();
    assert_eq!(starters, 3.0);
}

#[test]
fn fte_falls_and_posts_close_handing_their_work_back() {
    let plan = format!("roles.social_worker.plan=[{{ from = {WEEK_10}, fte = 1.5 }}]");
    let agg = run_varied(TEAM, &sets(&[&plan]), 3, 1);
    assert_eq!(mean(&agg, 0, 20, RoleMetric::Establishment), 1.5, "a post can shrink to a part-time post");
    assert_eq!(mean(&agg, 0, 20, RoleMetric::Staff), 1.5);
    assert_eq!(mean(&agg, 0, 20, RoleMetric::Vacant), 0.0, "a closed post is not a vacancy");
    let hours = mean(&agg, 0, 20, RoleMetric::HoursAvailable);
    assert!((hours - 1.5 * 37.0).abs() < 1e-6, "hours follow the FTE: {hours}");
}

#[test]
fn until_puts_the_establishment_back() {
    let plan = format!("roles.social_worker.plan=[{{ from = {WEEK_10}, until = 2015-10-05, fte = 4 }}]");
    let agg = run_varied(TEAM, &sets(&[&plan]), 2, 1);
    assert_eq!(mean(&agg, 0, 12, RoleMetric::Establishment), 4.0);
    assert_eq!(mean(&agg, 0, 18, RoleMetric::Establishment), 2.0, "back to 2 from 5 October (week 18)");
}

/// Every post vacant from the start, recruitment slow, agency cover after a week.
const COVERED: [&str; 3] = [
    "roles.social_worker.vacancies=2",
    "roles.social_worker.recruitment_days={ dist = \"fixed\", value = 300 }",
    "roles.social_worker.agency={ after_days = 7, day_rate = 400 }",
];

#[test]
fn agency_cover_stops_on_the_date() {
    let mut changes = sets(&COVERED);
    changes.extend(sets(&[&format!("roles.social_worker.plan=[{{ from = {WEEK_10}, agency = false }}]")]));
    let agg = run_varied(TEAM, &changes, 3, 2);
    let plain = run_varied(TEAM, &sets(&COVERED), 3, 2);
    assert_eq!(mean(&agg, 0, 5, RoleMetric::Agency), 2.0, "covered before the date");
    assert_eq!(mean(&agg, 0, 12, RoleMetric::Agency), 0.0, "no cover after it");
    assert_eq!(mean(&agg, 0, 12, RoleMetric::Vacant), 2.0);
    assert_eq!(mean(&plain, 0, 12, RoleMetric::Agency), 2.0);
    assert!(mean(&agg, 0, 12, RoleMetric::CostAgency) == 0.0 && mean(&plain, 0, 12, RoleMetric::CostAgency) > 0.0);
    assert_eq!(mean(&agg, 0, 50, RoleMetric::Staff), 2.0, "the recruits still arrive");
}

#[test]
fn a_recruitment_drive_fills_vacancies_sooner() {
    let slow =
        ["roles.social_worker.vacancies=2", "roles.social_worker.recruitment_days={ dist = \"fixed\", value = 300 }"];
    let drive = format!(
        "roles.social_worker.plan=[{{ from = {WEEK_10}, until = 2015-12-31, recruitment_days = {{ dist = \"fixed\", value = 14 }} }}]"
    );
    let mut changes = sets(&slow);
    changes.extend(sets(&[&drive]));
    let agg = run_varied(TEAM, &changes, 3, 3);
    let plain = run_varied(TEAM, &sets(&slow), 3, 3);
    assert_eq!(mean(&agg, 0, 9, RoleMetric::Staff), 0.0);
    assert_eq!(mean(&agg, 0, 12, RoleMetric::Staff), 2.0, "filled two weeks into the drive");
    assert_eq!(mean(&plain, 0, 12, RoleMetric::Staff), 0.0);
    let starters: f64 = (0..52).map(|w| mean(&agg, 0, w, RoleMetric::Starters)).sum();
    assert_eq!(starters, 2.0, "the slower recruit booked before the drive does not start as well");
}

const BOUGHT: &str = r#"
[[roles]]
name = "independent_bia"
kind = "bought_in"
per_week = 2
fee = 100
skills = ["casework"]
"#;

#[test]
fn a_changed_weekly_cap_applies_from_its_date() {
    let mut changes = vec![caseflow::scenario::Change::overlay(BOUGHT)];
    changes.extend(sets(&[
        "flows.casework.arrivals.per_week=60",
        &format!("roles.independent_bia.plan=[{{ from = {WEEK_10}, per_week = 10 }}]"),
    ]));
    let agg = run_varied(TEAM, &changes, 3, 4);
    let weekly = |w: usize| mean(&agg, 1, w, RoleMetric::Assessments);
    let before: f64 = (2..10).map(weekly).sum::<f64>() / 8.0;
    let after: f64 = (12..50).map(weekly).sum::<f64>() / 38.0;
    assert!((1.5..=2.0).contains(&before), "about 2 a week before: {before}");
    assert!((9.0..=10.0).contains(&after), "about 10 a week after: {after}");
    let fees = agg.role_kpi(1, caseflow::results::RoleKpi::Cost).mean();
    let done: f64 = (0..52).map(weekly).sum();
    assert!((fees - 100.0 * done).abs() < 1e-6 * fees, "paid per assessment: {fees} for {done}");
}

#[test]
fn a_plan_step_changes_one_thing_and_must_fit_the_role() {
    let bad = |change: &str, message: &str| {
        let e = caseflow::scenario::parse_with(TEAM, "team.toml", &sets(&[change])).unwrap_err();
        assert!(e.to_string().contains(message), "{change}: wanted '{message}', got\n{e}");
    };
    bad("roles.social_worker.plan=[{ from = 2015-08-10, fte = 3, agency = false }]", "each step changes one thing");
    bad("roles.social_worker.plan=[{ from = 2015-08-10 }]", "each step changes one thing");
    bad("roles.social_worker.plan=[{ from = 2015-08-10, per_week = 3 }]", "per_week is the weekly cap of bought-in");
    bad("roles.social_worker.plan=[{ from = 2015-08-10, agency = true }]", "needs the role's agency table");
    bad("roles.social_worker.plan=[{ from = 2015-08-10, until = 2015-08-01, fte = 3 }]", "must be after from");
    bad("roles.social_worker.plan=[{ from = 2015-08-10, vacant = true, agency = false }]", "vacant goes with fte");
    bad(
        "roles.social_worker.plan=[{ from = 2015-08-10, until = 2015-10-01, fte = 3 }, { from = 2015-09-01, fte = 4 }]",
        "starts before the one at plan[0] ends",
    );
    bad("roles.social_worker.plan=[{ from = \"soon\", fte = 3 }]", "expected a date");
}

/// "2 social workers leave on 10 August; replaced after 2 months": a plan
/// step from the command line, the establishment down by 2 from the date
/// and back when the posts are filled again.
#[test]
fn staff_leaving_on_a_date_and_replaced_months_later() {
    let changes = sets(&[
        "roles.social_worker.fte=5",
        "roles.social_worker.plan=[{ from = 2015-08-10, leave = 2, replaced_after_months = 2 }]",
    ]);
    let agg = run_varied(TEAM, &changes, 5, 1);
    assert_eq!(mean(&agg, 0, 9, RoleMetric::Establishment), 5.0, "before the date");
    assert_eq!(mean(&agg, 0, 10, RoleMetric::Establishment), 3.0, "from 10 August, two fewer");
    assert_eq!(mean(&agg, 0, 17, RoleMetric::Establishment), 3.0, "still two fewer in October's first week");
    // 10 October 2015 is in week 18 (from Monday 5 October).
    assert_eq!(mean(&agg, 0, 19, RoleMetric::Establishment), 5.0, "filled again two months on");
    let too_many = caseflow::scenario::parse_with(
        TEAM,
        "test.toml",
        &sets(&["roles.social_worker.plan=[{ from = 2015-08-10, leave = 3 }]"]),
    )
    .unwrap_err()
    .to_string();
    assert!(too_many.contains("only 2 FTE are in post then; 3 cannot leave"), "{too_many}");
    let stray = caseflow::scenario::parse_with(
        TEAM,
        "test.toml",
        &sets(&["roles.social_worker.plan=[{ from = 2015-08-10, fte = 3, replaced_after_months = 2 }]"]),
    )
    .unwrap_err()
    .to_string();
    assert!(stray.contains("goes with leave"), "{stray}");
}
