//! A change in the law on a date: every source of new people is thinned
//! from the date, and people already in the system are screened once.

use caseflow::engine::simulate;
use caseflow::model::Model;
use caseflow::results::{FlowKpi, FlowMetric, RepResult};
use caseflow::scenario::Change;

use super::harness::{sets, vary};

/// Reviews find people who need DoLS; authorisations are renewed; a
/// reassessment flow screens everyone in the system on the ruling's date.
const RULING: &str = r#"
[scenario]
name = "ruling"
start = 2026-04-01
years = 2
warmup_days = 0
period = "month"

[[stocks]]
name = "care_home"
leave_rate_per_year = 0.3

[[flows]]
name = "review"
effort_hours = { dist = "fixed", value = 1 }
arrivals = { per_year = 2000 }
routes = [{ to = "dols", probability = 0.1 }]

[[flows]]
name = "dols"
kind = "dols"
stock = "care_home"
deprivation = true
deadline_days = 21
effort_hours = { dist = "fixed", value = 10 }
duration_days = { dist = "uniform", min = 2, max = 8 }
initial = { waiting = 300, scheduled = 400, scheduled_over_days = 365 }
routes = [{ to = "dols", probability = 1.0, delay_days = { dist = "uniform", min = 250, max = 350 } }]

[[flows]]
name = "reassessment"
kind = "dols"
priority = 0
effort_hours = { dist = "fixed", value = 2 }

[[roles]]
name = "bia"
fte = 4
hours_per_week = 37
casework_share = 0.8
caseload_cap = 20
skills = ["dols", "reassessment"]

[[roles]]
name = "social_worker"
fte = 3
hours_per_week = 37
casework_share = 0.8
caseload_cap = 30
skills = ["review"]

[[legal_changes]]
name = "ruling"
from = 2026-06-02
requests = ["dols"]
multiplier = 0.5
reassess = "reassessment"
"#;

const REVIEW: usize = 0;
const DOLS: usize = 1;
const REASSESSMENT: usize = 2;

/// Replications of `m`, each checked to have lost nothing: withdrawn and
/// cancelled work is accounted for like any other.
fn runs(m: &Model, reps: u64) -> Vec<RepResult> {
    let results: Vec<RepResult> = (0..reps).map(|rep| simulate(m, 21, rep)).collect();
    for r in &results {
        assert!(r.balance.iter().all(|b| b.holds()), "items were lost: {:?}", r.balance);
    }
    results
}

/// A flow's arrivals over periods `from..to`, summed over replications.
fn arrivals(results: &[RepResult], flow: usize, periods: std::ops::Range<usize>) -> f64 {
    results.iter().map(|r| periods.clone().map(|p| r.flow_period(flow, p, FlowMetric::Arrivals)).sum::<f64>()).sum()
}

fn without_ruling() -> Vec<Change> {
    vec![Change::remove("legal_changes")]
}

#[test]
fn requests_found_through_reviews_fall_from_the_date() {
    // Reviews are the only source: no work in hand, no renewals.
    let only_reviews = sets(&["flows.dols.initial={ waiting = 0 }", "flows.dols.routes=[]"]);
    let with = vary(RULING, &only_reviews);
    let without = vary(RULING, &[only_reviews.clone(), without_ruling()].concat());
    let (a, b) = (runs(&with, 40), runs(&without, 40));
    // April and May 2026, before the date: the same (common random numbers).
    assert_eq!(arrivals(&a, DOLS, 0..2), arrivals(&b, DOLS, 0..2));
    // The second year: half as many, within sampling error (about 8,000
    // requests found in 40 replications without the ruling).
    let ratio = arrivals(&a, DOLS, 12..24) / arrivals(&b, DOLS, 12..24);
    assert!((ratio - 0.5).abs() < 0.04, "requests found through reviews fell to {ratio:.3} of what they were");
    // Reviews themselves are untouched.
    assert_eq!(arrivals(&a, REVIEW, 0..24), arrivals(&b, REVIEW, 0..24));
}

#[test]
fn renewals_booked_before_the_date_are_cut_and_later_ones_are_not() {
    // Authorisations in force are the only source: renewals booked for the
    // coming year, each renewed again about ten months later.
    let only_renewals =
        sets(&["flows.review.routes=[]", "flows.dols.initial={ scheduled = 400, scheduled_over_days = 365 }"]);
    let with = vary(RULING, &only_renewals);
    let without = vary(RULING, &[only_renewals.clone(), without_ruling()].concat());
    let (a, b) = (runs(&with, 40), runs(&without, 40));
    let cancelled: f64 = a.iter().map(|r| r.flow_kpi(DOLS, FlowKpi::RenewalsCancelled)).sum();
    let screened: f64 = a.iter().map(|r| r.flow_kpi(REASSESSMENT, FlowKpi::Arrivals)).sum();
    assert!(screened > 0.0);
    // About half of those screened had their renewal (or open request) ended.
    let ended = cancelled + a.iter().map(|r| r.flow_kpi(DOLS, FlowKpi::NotRequired)).sum::<f64>();
    let share = ended / screened;
    let sd = (0.25 / screened).sqrt();
    assert!((share - 0.5).abs() < 4.0 * sd + 0.02, "{share:.3} of those screened no longer qualified");
    // Renewals due after the screening: about half as many as without it.
    let ratio = arrivals(&a, DOLS, 4..12) / arrivals(&b, DOLS, 4..12);
    assert!((ratio - 0.5).abs() < 0.06, "renewals fell to {ratio:.3}");
    // Everyone renewing in the second year was screened already or came
    // after the date: the ruling cuts them once, not again.
    let year2 = arrivals(&a, DOLS, 14..24) / arrivals(&b, DOLS, 14..24);
    assert!((year2 - 0.5).abs() < 0.08, "second-year renewals at {year2:.3}, not thinned twice");
}

#[test]
fn the_reassessment_wave_withdraws_its_share_and_takes_its_hours() {
    let m = vary(RULING, &[]);
    let results = runs(&m, 30);
    let mut screened = 0.0;
    let mut ended = 0.0;
    for r in &results {
        let done = r.flow_kpi(REASSESSMENT, FlowKpi::Completed);
        let hours = r.flow_kpi(REASSESSMENT, FlowKpi::Hours);
        // Two hours each, all of them in the horizon.
        assert!((hours - 2.0 * done).abs() < 1e-6, "{hours} hours for {done} screenings");
        assert_eq!(done, r.flow_kpi(REASSESSMENT, FlowKpi::Arrivals), "the wave is finished within the horizon");
        screened += done;
        ended += r.flow_kpi(DOLS, FlowKpi::NotRequired) + r.flow_kpi(DOLS, FlowKpi::RenewalsCancelled);
        // Withdrawn as no longer required is part of withdrawn.
        assert!(r.flow_kpi(DOLS, FlowKpi::NotRequired) <= r.flow_kpi(DOLS, FlowKpi::Withdrawn));
    }
    // Each person screened no longer qualifies with probability 1/2;
    // some leave the care home (or are decided and renewed) before their
    // screening ends, so the share is a little under a half.
    let share = ended / screened;
    let sd = (0.25 / screened).sqrt();
    assert!(share <= 0.5 + 4.0 * sd && share > 0.40, "{share:.3} of {screened} screened were withdrawn or cancelled");
    // The people waiting and booked on the date: about 700 at the start,
    // less those decided or gone by 2 June.
    let per_rep = screened / results.len() as f64;
    assert!((400.0..700.0).contains(&per_rep), "{per_rep} screened a replication");
}

#[test]
fn without_a_reassessment_flow_the_change_applies_on_the_date() {
    let m = vary(RULING, &[Change::remove("legal_changes.ruling.reassess")]);
    let results = runs(&m, 20);
    for r in &results {
        assert_eq!(r.flow_kpi(REASSESSMENT, FlowKpi::Arrivals), 0.0, "no screening work");
    }
    let ended: f64 = results
        .iter()
        .map(|r| r.flow_kpi(DOLS, FlowKpi::NotRequired) + r.flow_kpi(DOLS, FlowKpi::RenewalsCancelled))
        .sum();
    let per_rep = ended / results.len() as f64;
    // About 700 waiting or booked on the date, half of whom no longer qualify.
    assert!((300.0..400.0).contains(&per_rep), "{per_rep} requests and renewals ended on the date");
}

#[test]
fn an_uncertain_fall_is_drawn_once_per_replication_for_every_source() {
    let m = vary(
        RULING,
        &sets(&["legal_changes.ruling.multiplier={ dist = \"triangular\", min = 0.2, mode = 0.5, max = 0.8 }"]),
    );
    let names: Vec<String> = m.uncertain.as_ref().expect("uncertain").params().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["legal_changes.ruling.multiplier"]);
    // Replications differ in how much demand falls: the spread of the
    // second year's requests is far wider than chance alone gives.
    let spread = |m: &Model| {
        let v: Vec<f64> =
            runs(m, 40).iter().map(|r| (12..24).map(|p| r.flow_period(DOLS, p, FlowMetric::Arrivals)).sum()).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    };
    let fixed = vary(RULING, &[]);
    let (wide, narrow) = (spread(&m), spread(&fixed));
    assert!(wide > 2.0 * narrow, "sd {wide:.1} with an uncertain fall, {narrow:.1} with a fixed one");
}

#[test]
fn a_legal_change_is_checked() {
    let err =
        |changes: &[&str]| caseflow::scenario::parse_with(RULING, "test.toml", &sets(changes)).unwrap_err().to_string();
    let e = err(&["legal_changes.ruling.requests=[\"dol\"]"]);
    assert!(e.contains("no request or flow is called 'dol'"), "{e}");
    let e = err(&["legal_changes.ruling.reassess=\"dols\""]);
    assert!(e.contains("is one of the flows the change applies to"), "{e}");
    let e = err(&["legal_changes.ruling.multiplier=1.5"]);
    assert!(e.contains("must be between 0 and 1"), "{e}");
    let e = err(&["legal_changes.ruling.reassess=\"review\""]);
    assert!(e.contains("has work of its own"), "{e}");
}
