//! Workforce mechanisms: calendars, absence, turnover, recruitment,
//! agency, new starters, protected caseloads, dual roles, overtime, costs.
//! Each test compares against a figure worked out by hand, or against the
//! same scenario without the mechanism.

use caseflow::results::{FlowKpi, RoleKpi, RoleMetric, TotalMetric};
use caseflow::scenario::Change;
use caseflow::stats::Aggregate;
use caseflow::units::DAYS_PER_YEAR;

use crate::harness::{run, run_varied, sets, vary};

/// One team and one flow; tests change it with `Change`s.
const TEAM: &str = r#"
[scenario]
name = "team"
start = 2015-06-01   # a Monday
days = 364           # 52 whole weeks
period = "week"

[[flows]]
name = "casework"
effort_hours = { dist = "gamma", mean = 6, cv = 0.5 }
duration_days = { dist = "uniform", min = 10, max = 30 }
deadline_days = 28
arrivals = { per_week = 20 }

[[roles]]
name = "social_worker"
fte = 10
hours_per_week = 37
casework_share = 0.6
caseload_cap = 20
salary = 39100
on_costs = 0.3
skills = ["casework"]
"#;

/// Monday to Friday with no bank holidays.
const WEEKDAYS: [&str; 2] = ["scenario.calendar=\"working_week\"", "scenario.bank_holidays=false"];

fn hours_available(agg: &Aggregate) -> f64 {
    (0..agg.periods).map(|p| agg.role_period(0, p, RoleMetric::HoursAvailable).mean()).sum()
}

#[test]
fn without_absence_or_turnover_hours_are_contracted_hours_times_casework_share() {
    let expected = 10.0 * 37.0 * 0.6 * 52.0;
    for calendar in [vec![], sets(&WEEKDAYS)] {
        let agg = run_varied(TEAM, &calendar, 3, 1);
        let got = hours_available(&agg);
        assert!((got - expected).abs() < 1e-6 * expected, "{calendar:?}: {got} vs {expected}");
    }
}

#[test]
fn bank_holidays_take_their_days() {
    // 2015-06-01 to 2016-05-29 holds seven bank holidays: 31 Aug, 25 and
    // 28 Dec, 1 Jan, 25 and 28 Mar, 2 May (30 May falls just outside).
    let agg = run_varied(TEAM, &sets(&["scenario.calendar=\"working_week\""]), 2, 1);
    let days_lost = 7.0;
    let expected = 10.0 * 37.0 * 0.6 * (52.0 - days_lost / 5.0);
    let got = hours_available(&agg);
    assert!((got - expected).abs() < 1e-6 * expected, "{got} vs {expected}");
}

#[test]
fn leave_and_sickness_reduce_hours_by_their_share() {
    let absence = r#"
[absence]
annual_leave_days = 27
leave_spell_days = 5
sickness_days = 10
sickness_spell_days = { dist = "lognormal", median = 2, p90 = 10 }
"#;
    let base = hours_available(&run_varied(TEAM, &sets(&WEEKDAYS), 40, 2));
    let mut with_absence = sets(&WEEKDAYS);
    with_absence.push(Change::overlay(absence));
    let away = hours_available(&run_varied(TEAM, &with_absence, 40, 2));
    // 37 of 260 working days away, less overlaps of leave and sickness.
    let lost = 1.0 - away / base;
    assert!((0.11..0.16).contains(&lost), "share of hours lost {lost:.3}, expected about 37/260 = 0.142");
}

#[test]
fn turnover_leaves_vacancies_for_the_recruitment_lag_and_agency_covers_them() {
    // Vacant FTE in steady state ~ posts x leavers a year x years to fill.
    let turnover = [
        "roles.social_worker.turnover_per_year=0.3",
        "roles.social_worker.recruitment_days={ dist = \"fixed\", value = 120 }",
    ];
    let agg = run_varied(TEAM, &sets(&turnover), 60, 3);
    let vacant: f64 = (20..52).map(|p| agg.role_period(0, p, RoleMetric::Vacant).mean()).sum::<f64>() / 32.0;
    let expected = 10.0 * 0.3 * 120.0 / DAYS_PER_YEAR;
    assert!((vacant - expected).abs() < 0.25 * expected, "vacant FTE {vacant:.2}, expected about {expected:.2}");
    let agency = [&turnover[..], &["roles.social_worker.agency={ after_days = 30, day_rate = 350 }"]].concat();
    let with_agency = run_varied(TEAM, &sets(&agency), 60, 3);
    let agency: f64 = (20..52).map(|p| with_agency.role_period(0, p, RoleMetric::Agency).mean()).sum::<f64>() / 32.0;
    // Agency covers days 30 to 120 of each vacancy: three quarters of it.
    assert!((agency - 0.75 * expected).abs() < 0.25 * expected, "agency FTE {agency:.2}");
    assert!(with_agency.total_kpi(TotalMetric::CostAgency).mean() > 0.0);
    assert_eq!(agg.total_kpi(TotalMetric::CostAgency).mean(), 0.0);
}

#[test]
fn new_starters_ramp_up() {
    let turnover = [
        "roles.social_worker.turnover_per_year=0.5",
        "roles.social_worker.recruitment_days={ dist = \"fixed\", value = 30 }",
    ];
    let plain = hours_available(&run_varied(TEAM, &sets(&turnover), 30, 4));
    let ramp_up = [&turnover[..], &["roles.social_worker.new_starter={ productivity = 0.5, days = 90 }"]].concat();
    let ramp = hours_available(&run_varied(TEAM, &sets(&ramp_up), 30, 4));
    assert!(ramp < 0.97 * plain, "ramp-up should cost hours: {ramp} vs {plain}");
}

#[test]
fn newly_qualified_staff_have_protected_caseloads() {
    // Overloaded team, everyone recruited quickly: with ASYE caps of 4 the
    // mean caseload falls.
    let heavy = [
        "flows.casework.arrivals.per_week=60",
        "roles.social_worker.turnover_per_year=1.0",
        "roles.social_worker.recruitment_days={ dist = \"fixed\", value = 5 }",
    ];
    let plain = run_varied(TEAM, &sets(&heavy), 10, 5).role_kpi(0, RoleKpi::Caseload).mean();
    let protected = [&heavy[..], &["roles.social_worker.asye={ share = 1.0, caseload_cap = 4, days = 365 }"]].concat();
    let asye = run_varied(TEAM, &sets(&protected), 10, 5).role_kpi(0, RoleKpi::Caseload).mean();
    assert!(asye < 0.8 * plain, "ASYE caseload {asye:.1} vs {plain:.1}");
}

#[test]
fn staff_cost_is_salary_and_on_costs_for_the_days_in_post() {
    let agg = run(TEAM, 2, 6);
    let expected = 10.0 * 39100.0 * 1.3 * 364.0 / DAYS_PER_YEAR;
    let got = agg.total_kpi(TotalMetric::CostStaff).mean();
    assert!((got - expected).abs() < 1e-6 * expected, "{got} vs {expected}");
    assert_eq!(agg.total_kpi(TotalMetric::CostTotal).mean(), got);
    // Cumulative cost over the horizon is where the running total ends,
    // not the sum of the running totals.
    let cumulative = agg.total_kpi(TotalMetric::CostCumulative).mean();
    assert!((cumulative - got).abs() < 1e-6 * got, "cumulative {cumulative} vs total {got}");
}

#[test]
fn overtime_is_worked_and_paid_while_the_waiting_list_is_long() {
    let heavy = "flows.casework.arrivals.per_week=45";
    let overtime = "roles.social_worker.overtime={ hours_per_week = 5, hourly_rate = 30, when_waiting_over = 10 }";
    let plain = run_varied(TEAM, &sets(&[heavy]), 20, 7);
    let ot = run_varied(TEAM, &sets(&[heavy, overtime]), 20, 7);
    assert!(ot.total_kpi(TotalMetric::CostOvertime).mean() > 0.0);
    assert!(
        ot.flow_kpi(0, FlowKpi::WaitingAtEnd).mean() < plain.flow_kpi(0, FlowKpi::WaitingAtEnd).mean(),
        "overtime should cut the waiting list"
    );
}

/// Dual-role workers holding care management and DoLS work.
const DUAL: &str = r#"
[scenario]
name = "dual"
start = 2015-04-01
years = 1
period = "month"

[[flows]]
name = "assessment"
priority = 1
effort_hours = { dist = "gamma", mean = 6, cv = 0.5 }
duration_days = { dist = "uniform", min = 10, max = 30 }
arrivals = { per_week = 30 }

[[flows]]
name = "dols"
priority = 2
kind = "dols"
effort_hours = { dist = "gamma", mean = 12, cv = 0.4 }
duration_days = { dist = "uniform", min = 5, max = 15 }
deadline_days = 21
deprivation = true
arrivals = { per_week = 8 }

[[roles]]
name = "social_worker_bia"
fte = 10
hours_per_week = 37
casework_share = 0.6
caseload_cap = 25
skills = ["assessment", "dols"]
"#;

#[test]
fn dual_role_policies_decide_how_much_time_dols_takes() {
    let share = |policy: &[&str]| {
        let agg = run_varied(DUAL, &sets(policy), 10, 8);
        let dols = agg.role_kpi(0, RoleKpi::HoursDols).mean();
        assert!((agg.total_kpi(TotalMetric::DolsHoursDualRole).mean() - dols).abs() < 1e-6);
        dols / agg.role_kpi(0, RoleKpi::HoursWorked).mean()
    };
    let by_priority = share(&[]);
    let dols_first = share(&["roles.social_worker_bia.dols_policy=\"dols_first\""]);
    let fixed =
        share(&["roles.social_worker_bia.dols_policy=\"fixed_share\"", "roles.social_worker_bia.dols_share=0.1"]);
    eprintln!("DoLS share of hours: by priority {by_priority:.3}, dols first {dols_first:.3}, fixed 10% {fixed:.3}");
    assert!(dols_first > by_priority + 0.02, "DoLS first should give DoLS more time");
    assert!(fixed < 0.12, "a 10% share should hold DoLS near 10%, got {fixed:.3}");
}

#[test]
fn raising_bia_capacity_lowers_the_dols_backlog() {
    let small = run_varied(DUAL, &sets(&["roles.social_worker_bia.fte=7"]), 20, 9);
    let large = run_varied(DUAL, &sets(&["roles.social_worker_bia.fte=12"]), 20, 9);
    let backlog = |a: &Aggregate| a.total_kpi(TotalMetric::DolsOpen).mean();
    let unauthorised = |a: &Aggregate| a.total_kpi(TotalMetric::UnauthorisedDays).mean();
    assert!(backlog(&large) < backlog(&small), "{} vs {}", backlog(&large), backlog(&small));
    assert!(unauthorised(&small) > 0.0);
    assert!(unauthorised(&large) < unauthorised(&small));
}

#[test]
fn bought_in_capacity_is_used_only_when_staff_are_full_and_is_paid_per_assessment() {
    let bought = r#"
[[roles]]
name = "independent_bia"
kind = "bought_in"
per_week = 3
fee = 350
skills = ["dols"]
"#;
    let mut light = sets(&["flows.dols.arrivals.per_week=1", "flows.assessment.arrivals.per_week=10"]);
    light.push(Change::overlay(bought));
    let agg = run_varied(DUAL, &light, 10, 10);
    assert_eq!(agg.role_kpi(1, RoleKpi::Cost).mean(), 0.0, "staff had room for everything");
    let mut heavy = sets(&["roles.social_worker_bia.fte=6"]);
    heavy.push(Change::overlay(bought));
    let agg = run_varied(DUAL, &heavy, 10, 10);
    let assessments: f64 = (0..agg.periods).map(|p| agg.role_period(1, p, RoleMetric::Assessments).mean()).sum();
    assert!(assessments > 50.0 && assessments <= 3.0 * 53.0, "bought-in assessments {assessments}");
    let cost = agg.role_kpi(1, RoleKpi::Cost).mean();
    assert!((cost - 350.0 * assessments).abs() < 1e-6 * cost, "cost {cost} for {assessments}");
    assert_eq!(vary(DUAL, &heavy).roles[1].name, "independent_bia", "the bought-in role is added after the staff");
}
