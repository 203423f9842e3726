//! Several areas in one scenario: each area checked in its own file, laid
//! side by side under the region's dates, none taking another's work, and
//! an uncertain number the areas share drawn once for all of them.

use std::path::{Path, PathBuf};

use caseflow::model::Dist;
use caseflow::results::FlowKpi;
use caseflow::scenario;

use crate::harness::{run_model, scratch_dir};

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

/// A region file in a scratch folder, its areas given as TOML.
fn region(name: &str, areas: &str) -> PathBuf {
    let dir = scratch_dir(name);
    let mm20 = shipped("mm20.toml");
    let text = format!(
        "[scenario]\nname = \"{name}\"\nstart = 2000-01-01\ndays = 400\nperiod = \"year\"\n{}",
        areas.replace("MM20", mm20.to_str().unwrap())
    );
    let file = dir.join("region.toml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn areas_are_laid_side_by_side_and_keep_their_own_work() {
    let file = region(
        "areas-two",
        "[[areas]]\nname = \"north\"\nscenario = \"MM20\"\n\n\
         [[areas]]\nname = \"south\"\nscenario = \"MM20\"\nset = { \"flows.customer.arrivals.per_day\" = 9, \"roles.server.count\" = 10 }\n",
    );
    let s = scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
    let m = &s.model;
    let names: Vec<&str> = m.flows.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["north_customer", "south_customer"]);
    assert_eq!(m.roles[1].label, "South: server");
    assert_eq!(m.posts.len(), 30, "20 servers in the north, 10 in the south");
    // The region's dates, not the areas'.
    assert_eq!(m.horizon_days, 400.0);
    // Every worker takes only their own area's flow.
    for w in &m.posts {
        let role = &m.roles[w.role as usize].name;
        for &(_, f) in &w.skills {
            let flow = &m.flows[f as usize].name;
            assert_eq!(role.split('_').next(), flow.split('_').next(), "{role} takes {flow}");
        }
    }
    let agg = run_model(m, 20, 1);
    let arrivals = |f: usize| agg.flow_kpi(f, FlowKpi::Arrivals).mean();
    // 18 and 9 a day over 400 days.
    assert!((arrivals(0) / 7200.0 - 1.0).abs() < 0.02, "north {}", arrivals(0));
    assert!((arrivals(1) / 3600.0 - 1.0).abs() < 0.02, "south {}", arrivals(1));
    // Both are M/M/c at 90% load; the smaller pool waits longer (Erlang C).
    let wait = |f: usize| agg.flow_kpi(f, FlowKpi::MeanWaitDays).mean();
    assert!(wait(1) > wait(0), "south {} north {}", wait(1), wait(0));
}

#[test]
fn the_ruling_is_one_uncertain_number_for_the_whole_region() {
    let s = scenario::load(&shipped("region-2026.toml")).unwrap_or_else(|e| panic!("{e}"));
    let u = s.model.uncertain.as_ref().expect("the ruling's effect is uncertain");
    let params = u.params();
    let rulings: Vec<&String> = params.iter().map(|(n, _)| n).filter(|n| n.contains("legal_changes")).collect();
    assert_eq!(rulings, ["legal_changes.supreme_court_2026.multiplier"], "one number, not one per area");
    // Each area's draw asks for the same name, so in a simulated future
    // every area has the same multiplier.
    let mut asked = Vec::new();
    let drawn = u.draw(&mut |name: &str, d: &Dist| {
        asked.push(name.to_string());
        if name.contains("legal_changes") { 0.42 } else { d.mean() }
    });
    assert_eq!(asked.iter().filter(|n| n.contains("legal_changes")).count(), 5, "five areas, one name");
    assert_eq!(drawn.legal_changes.len(), 5);
    assert!(drawn.legal_changes.iter().all(|l| l.still_required == 0.42));
}

#[test]
fn a_problem_in_an_area_is_reported_in_words_and_areas_that_differ_must_be_settled() {
    let file = region(
        "areas-bad-set",
        "[[areas]]\nname = \"north\"\nscenario = \"MM20\"\nset = { \"roles.nobody.fte\" = 3 }\n",
    );
    let e = scenario::load(&file).unwrap_err().to_string();
    assert!(e.contains("roles.nobody.fte") && e.contains("area 'north'"), "{e}");
    // The change was written in the region's file, so it is placed there.
    assert!(e.contains("region.toml:") && e.contains("areas.north.set"), "{e}");

    let file = region("areas-missing", "[[areas]]\nname = \"north\"\nscenario = \"nowhere.toml\"\n");
    let e = scenario::load(&file).unwrap_err().to_string();
    assert!(e.contains("areas.north.scenario") && e.contains("nowhere.toml"), "{e}");

    let file = region(
        "areas-absence",
        "[[areas]]\nname = \"north\"\nscenario = \"MM20\"\nset = { \"absence.annual_leave_days\" = 20 }\n\n\
         [[areas]]\nname = \"south\"\nscenario = \"MM20\"\nset = { \"absence.annual_leave_days\" = 30 }\n",
    );
    let e = scenario::load(&file).unwrap_err().to_string();
    assert!(e.contains("different [absence]"), "{e}");

    // A change aimed at the region as if it were a council says how to
    // make it through the area.
    let e = scenario::load_with(&shipped("region-2026.toml"), &[scenario::Change::set("roles.carrow_dols_bia.fte", 6)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("--set 'areas.carrow.set={\"roles.dols_bia.fte\" = ...}'"), "{e}");
    let s = scenario::load_with(
        &shipped("region-2026.toml"),
        &[scenario::Change::parse("areas.carrow.set={\"roles.dols_bia.fte\" = 6}").unwrap()],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let carrow = s.model.roles.iter().position(|r| r.name == "carrow_dols_bia").unwrap();
    assert_eq!(s.model.posts.iter().filter(|w| w.role as usize == carrow).count(), 6);

    let file = region(
        "areas-twice",
        "[[areas]]\nname = \"north\"\nscenario = \"MM20\"\n\n[[areas]]\nname = \"north\"\nscenario = \"MM20\"\n",
    );
    let e = scenario::load(&file).unwrap_err().to_string();
    assert!(e.contains("two areas are called 'north'"), "{e}");
}

#[test]
fn an_area_runs_in_the_region_on_the_calendar_it_runs_on_alone() {
    use caseflow::model::CalendarKind;
    let working_week = "set = { \"scenario.calendar\" = \"working_week\", \"scenario.bank_holidays\" = true }";
    let both = format!(
        "[[areas]]\nname = \"north\"\nscenario = \"MM20\"\n{working_week}\n\n\
         [[areas]]\nname = \"south\"\nscenario = \"MM20\"\n{working_week}\n"
    );
    let s = scenario::load(&region("areas-calendar", &both)).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(s.model.calendar.kind, CalendarKind::WorkingWeek { bank_holidays: true }),
        "the areas' working week, not the default seven days: {:?}",
        s.model.calendar.kind
    );
    // The region may say otherwise for all of them.
    let own = format!("calendar = \"continuous\"\nbank_holidays = false\n{both}");
    let s = scenario::load(&region("areas-calendar-own", &own)).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(s.model.calendar.kind, CalendarKind::Continuous));
    // Areas that run on different calendars must have the region settle it.
    let differ = format!(
        "[[areas]]\nname = \"north\"\nscenario = \"MM20\"\n{working_week}\n\n\
         [[areas]]\nname = \"south\"\nscenario = \"MM20\"\n"
    );
    let e = scenario::load(&region("areas-calendar-differ", &differ)).unwrap_err().to_string();
    assert!(
        e.contains("'north' and 'south' differ in scenario.calendar")
            && e.contains("set scenario.calendar in this file"),
        "{e}"
    );
}

#[test]
fn the_areas_add_up_to_the_region() {
    use caseflow::results::{AreaMetric, RequestKpi, YearMetric};
    let s = scenario::load_with(&shipped("region-2026.toml"), &[scenario::Change::set("scenario.years", 1)])
        .unwrap_or_else(|e| panic!("{e}"));
    let m = &s.model;
    assert_eq!(m.areas.len(), 5);
    assert_eq!(m.areas[2].label, "Carrow");
    let agg = run_model(m, 8, 3);
    // Means add exactly where medians need not: each area's DoLS cost in
    // the year sums to the region's, and its backlog to the requests'.
    let areas_cost: f64 = (0..5).map(|a| agg.area_dols_cost(a, 0).mean()).sum();
    let region_cost = agg.year_total(0, YearMetric::DolsCost).mean();
    assert!((areas_cost / region_cost - 1.0).abs() < 1e-9, "{areas_cost} against {region_cost}");
    let areas_open: f64 = (0..5).map(|a| agg.area_kpi(a, AreaMetric::OpenAtEnd).mean()).sum();
    let requests_open: f64 = (0..m.requests.len()).map(|r| agg.request_kpi(r, RequestKpi::OpenAtEnd).mean()).sum();
    assert!((areas_open - requests_open).abs() < 1e-6, "{areas_open} against {requests_open}");
    // The region's own row is its total in each future: the same bands as
    // the region's figures elsewhere, not sums of the areas' medians.
    let region = agg.region().expect("a scenario of areas has a region row");
    assert_eq!(region, 5);
    let (own, total) = (agg.area_dols_cost(region, 0), agg.year_total(0, YearMetric::DolsCost));
    assert_eq!(own.quantile(0.5), total.quantile(0.5));
    assert!((own.mean() / total.mean() - 1.0).abs() < 1e-12, "summed in another order, to rounding");
    let open = agg.area_kpi(region, AreaMetric::OpenAtEnd).mean();
    assert!((open - requests_open).abs() < 1e-6, "{open} against {requests_open}");
    // Within deadline pools an area's request types by how many each decided.
    for (a, area) in m.areas.iter().enumerate() {
        let pct = agg.area_kpi(a, AreaMetric::WithinDeadlinePct).mean();
        assert!((0.0..=100.0).contains(&pct), "{}: {pct}", area.name);
    }
}

#[test]
fn england_has_every_council_once_each_the_typical_council_scaled_by_its_population() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut reader = csv::Reader::from_path(root.join("data/england-councils.csv")).unwrap();
    let councils: Vec<(String, String, f64)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[2].parse().unwrap())
        })
        .collect();
    assert_eq!(councils.len(), 152);
    let england: f64 = councils.iter().map(|c| c.2).sum();
    assert_eq!(england, 56_489_800.0, "Census 2021's England");
    let number = |v: &toml::Value| v.as_float().or(v.as_integer().map(|i| i as f64)).unwrap();
    for file in ["england-2026.toml", "england-2026-no-ruling.toml"] {
        let doc: toml::Table = std::fs::read_to_string(shipped(file)).unwrap().parse().unwrap();
        let areas = doc["areas"].as_array().unwrap();
        assert_eq!(areas.len(), councils.len(), "{file}");
        for (area, (council, region, people)) in areas.iter().zip(&councils) {
            assert_eq!(area["label"].as_str().unwrap(), format!("{council} ({region})"), "{file}");
            let share = people * 152.0 / england;
            let set = &area["set"];
            // The typical council's figures times the share, as rounded in the file.
            for (key, typical, within) in [
                ("flows.urgent_bia.arrivals.per_year", 1100.0, 0.05),
                ("flows.standard_bia.initial.waiting", 700.0, 0.5),
                ("roles.dols_bia.fte", 6.0, 0.005),
            ] {
                let v = number(&set[key]);
                assert!(
                    (v - typical * share).abs() <= within + 1e-9,
                    "{file} {council}: {key} = {v}, not {typical} x {share}"
                );
            }
        }
        assert_eq!(scenario::load(&shipped(file)).unwrap().model.areas.len(), 152);
    }
}
