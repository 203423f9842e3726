//! Council profiles: a short file of a council's own figures makes a
//! complete scenario; every default is marked as an assumption to check;
//! bad figures and bad workbooks are refused, naming the field or cell.

use caseflow::profile::{self, FIELDS, ProfileError, defaults};
use caseflow::scenario;

use crate::harness::{caseflow, scratch_dir};

const EXAMPLE: &str = include_str!("../../docs/profile-example.toml");

fn scenario_of(text: &str) -> String {
    let p = profile::parse(text, "p.toml").unwrap_or_else(|e| panic!("{e}"));
    let c = profile::check(p, "p.toml").unwrap_or_else(|e| panic!("{e}"));
    profile::scenario_text(&c, "p.toml")
}

fn problems(text: &str) -> String {
    match profile::parse(text, "p.toml").and_then(|p| profile::check(p, "p.toml")) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_example_profile_is_short_and_makes_a_scenario_that_loads_with_its_figures() {
    let lines = EXAMPLE.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).count();
    assert!(lines <= 40, "the example profile has {lines} lines of figures");
    let text = scenario_of(EXAMPLE);
    let m = scenario::parse(&text, "eastbury.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(text.lines().count() > 200, "a profile stands for a whole scenario");
    let role = |n: &str| m.roles.iter().find(|r| r.name == n).unwrap_or_else(|| panic!("role {n}"));
    // 30 in post less the 10 who are BIAs, plus the 4 vacant posts.
    assert_eq!(role("social_worker").fte, 24.0);
    assert_eq!(role("social_worker_bia").fte, 10.0);
    assert_eq!(role("dols_bia").fte, 5.0);
    assert!(!m.observed.is_empty() && !m.unknowns.is_empty());
    let backlog = m.observed.iter().find(|o| o.reading.measure.key() == "backlog").expect("a backlog observed");
    assert_eq!(backlog.value, 700.0);
    let within = m.observed.iter().find(|o| o.reading.measure.key() == "within_deadline").expect("21 days observed");
    assert_eq!(within.value, 21.0);
}

#[test]
fn every_default_is_marked_as_an_assumption_and_no_given_figure_is() {
    let text = scenario_of(EXAMPLE);
    let m = scenario::parse(&text, "eastbury.toml").unwrap();
    let assumed: Vec<&str> = m.assumptions.iter().map(|(k, _)| k.as_str()).collect();
    for key in [
        "roles.social_worker.casework_share",
        "roles.social_worker.salary",
        "roles.community_care_worker.caseload_cap",
        "flows.standard_bia.effort_hours",
        "flows.standard_bia.triage",
        "absence.sickness_days",
        "stocks.care_home.leave_rate_per_year",
        "roles.s12_doctor.fee",
        // the example gives no reviews waiting: a per-head default
        "flows.review.initial",
    ] {
        assert!(assumed.contains(&key), "{key} is a default but not marked:\n{assumed:?}");
    }
    for key in ["roles.social_worker.fte", "roles.social_worker_bia.fte", "flows.needs_assessment.initial"] {
        assert!(!assumed.contains(&key), "{key} is the profile's own figure but marked as an assumption");
    }
    // Each marked value has its source, and each is in the file.
    for (key, source) in &m.assumptions {
        assert!(!source.trim().is_empty(), "{key} has no source");
    }
}

#[test]
fn a_report_lists_the_assumptions_with_the_values_the_model_used() {
    let dir = scratch_dir("profile-report");
    let profile = dir.join("eastbury.toml");
    std::fs::write(&profile, EXAMPLE).unwrap();
    let scenario = dir.join("eastbury-scenario.toml");
    let out = caseflow(&["new", "--out", scenario.to_str().unwrap(), "--quiet"], &profile);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reports = dir.join("reports");
    let out = caseflow(&["run", "-n", "8", "--quiet", "--out", reports.to_str().unwrap()], &scenario);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(reports.join("eastbury/report.md")).unwrap();
    assert!(md.contains("### Assumptions to check"), "{md}");
    assert!(md.contains("social workers: share of contracted hours that is casework | 0.65 |"), "{md}");
    assert!(md.contains("Does the model reproduce today?"), "{md}");
    // A default the user sets for the run is theirs, and says so.
    let set = "roles.independent_bia.fee=350";
    let out = caseflow(
        &["run", "-n", "8", "--quiet", "--force", "--set", set, "--out", reports.to_str().unwrap()],
        &scenario,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(reports.join("eastbury/report.md")).unwrap();
    assert!(md.contains(&format!("| 350 | given for this run: --set {set} |")), "{md}");
}

#[test]
fn missing_impossible_and_contradictory_figures_are_refused_by_name() {
    let without = |key: &str| {
        EXAMPLE.lines().filter(|l| !l.trim_start().starts_with(&format!("{key} "))).collect::<Vec<_>>().join("\n")
    };
    let e = problems(&without("population"));
    assert!(e.contains("council.population: missing"), "{e}");
    let e = problems(&EXAMPLE.replace("within_21_days = 21", "within_21_days = 121"));
    assert!(e.contains("dols.within_21_days: is a percentage, so at most 100"), "{e}");
    let e = problems(&EXAMPLE.replace("within_21_days = 21", "within_21_days = 0.21"));
    assert!(e.contains("dols.within_21_days: is a percentage from 0 to 100 (got 0.21; for 18% write 18"), "{e}");
    let e = problems(&EXAMPLE.replace("undecided = 700", "undecided = 7000"));
    assert!(e.contains("dols.undecided: more requests undecided today (7000) than received in a whole year"), "{e}");
    let e = problems(
        &EXAMPLE
            .replace("urgent_requests = 1150", "urgent_requests = 0")
            .replace("standard_requests = 950", "standard_requests = 0"),
    );
    assert!(e.contains("dols.undecided: 700 requests undecided today, but no requests received last year"), "{e}");
    let e = problems(
        &EXAMPLE.replace("{ fte = 30, vacancies = 4, agency = 2 }", "{ fte = 30, vacancies = 1, agency = 2 }"),
    );
    assert!(e.contains("staff.social_workers.agency: 2 FTE of agency staff is more than the 1 FTE vacant"), "{e}");
    let e = problems(&EXAMPLE.replace("bia_dols_share = 0.2", "bia_dols_share = 20"));
    assert!(e.contains("staff.bia_dols_share: is a share from 0 to 1"), "{e}");
    let e = problems(&EXAMPLE.replace("population = 180000", "population = \"lots\""));
    assert!(e.contains("p.toml:9:") && e.contains("expected a number"), "{e}");
    let e = problems(&EXAMPLE.replace("mean_days = 128", "mean_days = 128\nbacklog = 5"));
    assert!(e.contains("unknown figure `backlog`"), "{e}");
}

/// A workbook laid out as the template, with the example's figures.
pub(crate) fn filled(path: &std::path::Path, edit: impl Fn(&mut rust_xlsxwriter::Worksheet)) {
    let p = profile::parse(EXAMPLE, "example").unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Profile").unwrap();
    for (c, h) in ["Section", "Figure", "Value", "Unit", "What it is"].iter().enumerate() {
        sheet.write(0, c as u16, *h).unwrap();
    }
    for (i, f) in FIELDS.iter().enumerate() {
        let row = i as u32 + 1;
        let (section, figure) = f.key.split_once('.').unwrap();
        sheet.write(row, 0, section).unwrap();
        sheet.write(row, 1, figure).unwrap();
        match f.key {
            "council.name" => sheet.write(row, 2, "eastbury").map(|_| ()),
            "council.label" => sheet.write(row, 2, "Eastbury Council").map(|_| ()),
            "council.start" => sheet.write(row, 2, "2026-04-01").map(|_| ()),
            key => match profile::number(&p, key) {
                Some(v) => sheet.write(row, 2, v).map(|_| ()),
                None => Ok(()),
            },
        }
        .unwrap();
    }
    edit(sheet);
    book.save(path).unwrap();
}

#[test]
fn the_spreadsheet_template_reads_back_as_the_same_profile() {
    let dir = scratch_dir("profile-xlsx");
    let template = dir.join("template.xlsx");
    let out = caseflow(&["new", "--quiet", "--template"], &template);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "--quiet prints nothing: {}", String::from_utf8_lossy(&out.stdout));
    // The blank template is refused for its missing figures, by name.
    let e = profile::read(&template).unwrap_err().to_string();
    assert!(e.contains("council.population: missing"), "{e}");
    let path = dir.join("eastbury.xlsx");
    filled(&path, |_| {});
    let from_xlsx = profile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let text = profile::scenario_text(&from_xlsx, "p.toml");
    assert_eq!(text, scenario_of(EXAMPLE));
}

/// A change made to the filled-in template before it is read.
type Edit = dyn Fn(&mut rust_xlsxwriter::Worksheet);

#[test]
fn a_workbook_that_is_not_the_template_is_refused_naming_the_sheet_and_cell() {
    let dir = scratch_dir("profile-xlsx-bad");
    let cases: [(&str, Box<Edit>, &str); 3] = [
        (
            "moved",
            Box::new(|s| {
                s.write(0, 2, "Unit").unwrap();
                s.write(0, 3, "Value").unwrap();
            }),
            "Profile!C1: expected the heading 'Value', found 'Unit'",
        ),
        (
            "text",
            Box::new(|s| {
                s.write(3, 2, "about 180k").unwrap();
            }),
            "Profile!C4 (council.population): expected a number, found text 'about 180k'",
        ),
        (
            "rows",
            Box::new(|s| {
                s.write(7, 1, "social_workers.vacancy").unwrap();
            }),
            "Profile!B8: expected 'social_workers.vacancies'",
        ),
    ];
    for (name, edit, expected) in cases {
        let path = dir.join(format!("{name}.xlsx"));
        filled(&path, edit);
        let e = profile::read(&path).unwrap_err().to_string();
        assert!(e.contains(expected), "{name}: {e}");
    }
    // Another sheet.
    let path = dir.join("extra.xlsx");
    filled(&path, |_| {});
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("Profile").unwrap();
    book.add_worksheet().set_name("Workings").unwrap();
    book.save(&path).unwrap();
    let e = profile::read(&path).unwrap_err();
    assert!(matches!(e, ProfileError::Workbook { .. }), "{e}");
    assert!(e.to_string().contains("sheet 'Workings' is not part of the template"), "{e}");
    // And from the command line: exit code 2, the message on stderr.
    let out = caseflow(&["new"], &path);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Workings"));
}

#[test]
fn every_field_and_default_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/profile.md")).unwrap();
    for f in FIELDS {
        assert!(doc.contains(&format!("`{}`", f.key)), "docs/profile.md does not list {}", f.key);
    }
    for d in defaults::ALL {
        assert!(doc.contains(d.what) && doc.contains(d.source), "docs/profile.md does not give {}", d.what);
    }
}

#[test]
fn sign_off_time_is_sized_to_the_councils_requests_not_left_a_bottleneck() {
    let text = scenario_of(EXAMPLE);
    let m = scenario::parse(&text, "eastbury.toml").unwrap_or_else(|e| panic!("{e}"));
    let managers = m.roles.iter().find(|r| r.name == "practice_manager").expect("practice managers");
    // 2,100 requests a year, 0.625 hours each, twice over, from 5 managers' 1,628 hours a year.
    assert!(managers.casework_share > 0.3 && managers.casework_share < 0.35, "{}", managers.casework_share);
    assert!(text.contains("sign 2,100 requests a year off twice over"), "{text}");
}

#[test]
fn a_profiles_needs_assessment_waiting_list_is_reproduced_by_calibration() {
    // The example council waits 260 for needs assessments. Care management
    // shares one list, and the casework share is found first, on its own:
    // the waiting list moves too steeply with it for a joint search.
    let dir = scratch_dir("profile-waiting");
    let made = dir.join("example.toml");
    std::fs::write(&made, scenario_of(EXAMPLE)).unwrap();
    let text = std::fs::read_to_string(&made).unwrap();
    assert!(text.contains("\"roles.social_worker.casework_share\"") && text.contains("first = true"), "{text}");
    let out = caseflow(
        &[
            "calibrate",
            "-n",
            "30",
            "--confirm",
            "60",
            "--max-runs",
            "40",
            "-q",
            "--force",
            "--out",
            dir.to_str().unwrap(),
        ],
        &made,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let observed = std::fs::read_to_string(dir.join("calibrate-eastbury/observed.csv")).unwrap();
    let row =
        observed.lines().find(|l| l.contains(",waiting,needs assessments,")).expect("the waiting list is observed");
    let cells: Vec<&str> = row.split(',').collect();
    let (before, after) = (cells[6].parse::<f64>().unwrap(), cells[7].parse::<f64>().unwrap());
    eprintln!("needs assessments waiting: observed 260, before {before:.0}, calibrated {after:.0}");
    assert!(row.ends_with(",true"), "not reproduced: {row}");
    assert!((before - 260.0).abs() > 100.0, "the scenario as made missed it before calibration: {row}");
    // With the waiting list left to the casework share while the DoLS
    // values are found, the BIAs' DoLS time is free to reproduce the
    // on-time share and the share closed undecided too (before, it was
    // pinned, and they came out at 12% against 21% and 63% against 50%).
    for measure in [",within_deadline,", ",closed_share,"] {
        let row = observed.lines().find(|l| l.contains(measure)).expect("observed");
        assert!(row.ends_with(",true"), "not reproduced: {row}");
    }
}

#[test]
fn a_council_can_add_the_2026_ruling_to_its_own_scenario_and_it_cuts_its_requests() {
    use caseflow::results::RequestKpi;
    use caseflow::runner::{self, RunConfig};
    let p = profile::parse(EXAMPLE, "p.toml").unwrap();
    let c = profile::check(p, "p.toml").unwrap();
    let without = scenario::parse(&profile::scenario_text(&c, "p.toml"), "a.toml").unwrap();
    let text = profile::scenario_text_with(&c, "p.toml", Some(profile::Ruling::Central));
    let with = scenario::parse(&text, "b.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(with.name, "eastbury-ruling-central");
    assert_eq!(with.legal_changes.len(), 1, "{text}");
    assert!(text.contains("from = 2026-06-02"), "{text}");
    assert!(text.contains("min = 0.35, mode = 0.55, max = 0.75"), "the central assumption, as dols-2026.toml");
    assert!(without.legal_changes.is_empty());
    // The profile's figures are from before the ruling: only the council
    // as it stands checks itself against them and is calibrated to them.
    assert!(!without.observed.is_empty());
    assert!(with.observed.is_empty() && !text.contains("[[calibrate]]"), "{text}");
    assert!(text.contains("eastbury.toml, made without"), "the header says where they are checked");
    // Every request and its renewals are on the same futures: the ruling
    // leaves fewer received, and fewer open at the end.
    let cfg = RunConfig { replications: 40, seed: 1, threads: None };
    let received = |m: &caseflow::model::Model, k: RequestKpi| {
        let agg = runner::run(m, &cfg, &|| {}).unwrap();
        (0..m.requests.len()).map(|q| agg.request_kpi(q, k).mean()).sum::<f64>()
    };
    let (before, after) = (received(&without, RequestKpi::Arrivals), received(&with, RequestKpi::Arrivals));
    assert!(after < 0.8 * before, "requests received: {after} with the ruling, {before} without");
    assert!(received(&with, RequestKpi::OpenAtEnd) < received(&without, RequestKpi::OpenAtEnd));
}

#[test]
fn the_ruling_is_refused_for_a_profile_that_starts_after_it() {
    let dir = scratch_dir("profile-ruling-late");
    let profile = dir.join("late.toml");
    std::fs::write(&profile, EXAMPLE.replace("start = 2026-04-01", "start = 2026-09-01")).unwrap();
    let out = caseflow(&["new", "--ruling", "central", "--out", dir.join("s.toml").to_str().unwrap()], &profile);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("late.toml describes 2026-09-01 (council.start), after the ruling of 2026-06-02"), "{err}");
    // Nor is a scenario with the ruling calibrated: the figures are from before it.
    std::fs::write(&profile, EXAMPLE).unwrap();
    let out = caseflow(
        &["new", "--ruling", "central", "--calibrate", "--out", dir.join("s.toml").to_str().unwrap()],
        &profile,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with '--calibrate'"));
}

#[test]
fn a_profile_that_gives_the_independent_bia_fee_has_it_used_and_not_assumed() {
    use caseflow::model::RoleKind;
    let fee_of = |text: &str| {
        let m = scenario::parse(&scenario_of(text), "f.toml").unwrap_or_else(|e| panic!("{e}"));
        let role = m.roles.iter().find(|r| r.name == "independent_bia").expect("independent BIAs");
        let RoleKind::BoughtIn { fee, .. } = role.kind else { panic!("bought in") };
        (fee, m.assumptions.iter().any(|(k, _)| k == "roles.independent_bia.fee"))
    };
    assert_eq!(fee_of(EXAMPLE), (defaults::INDEPENDENT_BIA_FEE.value, true), "the default, marked");
    let given =
        EXAMPLE.replace("independent_bias_per_week = 2", "independent_bias_per_week = 2\nindependent_bia_fee = 350");
    assert_eq!(fee_of(&given), (350.0, false), "the council's own fee, not an assumption");
    let e = problems(
        &EXAMPLE.replace("independent_bias_per_week = 2", "independent_bias_per_week = 2\nindependent_bia_fee = -5"),
    );
    assert!(e.contains("staff.independent_bia_fee: must be a number >= 0"), "{e}");
}

#[test]
fn a_profile_that_gives_salaries_and_on_costs_has_them_used_and_not_assumed() {
    let pay_of = |text: &str| {
        let m = scenario::parse(&scenario_of(text), "pay.toml").unwrap_or_else(|e| panic!("{e}"));
        let assumed = |key: String| m.assumptions.iter().any(|(k, _)| *k == key);
        m.roles
            .iter()
            .filter(|r| r.name != "independent_bia" && r.name != "s12_doctor")
            .map(|r| {
                let marked =
                    (assumed(format!("roles.{}.salary", r.name)), assumed(format!("roles.{}.on_costs", r.name)));
                (r.name.clone(), r.salary, r.on_costs, marked)
            })
            .collect::<Vec<_>>()
    };
    for (role, salary, on_costs, marked) in pay_of(EXAMPLE) {
        assert_eq!(on_costs, defaults::ON_COSTS.value, "{role}");
        assert!(salary > 20_000.0, "{role}: {salary}");
        assert_eq!(marked, (true, true), "{role}: national defaults are marked as assumptions");
    }
    let given = EXAMPLE
        .replace("agency = 2 }", "agency = 2, salary = 41000 }")
        .replace("dols_team_bias = { fte = 5 }", "dols_team_bias = { fte = 5, salary = 47000 }")
        .replace("community_care_workers = { fte = 18 }", "community_care_workers = { fte = 18, salary = 27000 }")
        .replace("occupational_therapists = { fte = 8 }", "occupational_therapists = { fte = 8, salary = 38000 }")
        .replace("practice_managers = { fte = 5 }", "practice_managers = { fte = 5, salary = 52000 }")
        .replace("independent_bias_per_week = 2", "independent_bias_per_week = 2\non_costs = 0.28");
    let expected = [
        ("social_worker", 41_000.0),
        ("social_worker_bia", 41_000.0),
        ("dols_bia", 47_000.0),
        ("community_care_worker", 27_000.0),
        ("occupational_therapist", 38_000.0),
        ("practice_manager", 52_000.0),
    ];
    let got = pay_of(&given);
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((role, salary, on_costs, marked), (want_role, want)) in got.into_iter().zip(expected) {
        assert_eq!((role.as_str(), salary, on_costs), (want_role, want, 0.28));
        assert_eq!(marked, (false, false), "{role}: the council's own pay is not an assumption");
    }
    // Practice managers' default FTE takes their salary too.
    let no_fte = EXAMPLE.replace("practice_managers = { fte = 5 }", "practice_managers = { salary = 52000 }");
    let managers = pay_of(&no_fte).into_iter().find(|r| r.0 == "practice_manager").unwrap();
    assert_eq!((managers.1, managers.2), (52_000.0, defaults::ON_COSTS.value));

    let e = problems(&EXAMPLE.replace("agency = 2 }", "agency = 2, salary = 39.1 }"));
    assert!(e.contains("staff.social_workers.salary") && e.contains("write 39100"), "{e}");
    let e = problems(
        &EXAMPLE.replace("community_care_workers = { fte = 18 }", "community_care_workers = { salary = 27000 }"),
    );
    assert!(e.contains("staff.community_care_workers.fte: missing"), "{e}");
    let e = problems(&EXAMPLE.replace("independent_bias_per_week = 2", "independent_bias_per_week = 2\non_costs = 30"));
    assert!(e.contains("staff.on_costs: is a share from 0 to 1"), "{e}");
}

#[test]
fn a_pay_award_raises_later_years_pay_and_its_absence_is_an_assumption() {
    let of = |text: &str| {
        let m = scenario::parse(&scenario_of(text), "award.toml").unwrap_or_else(|e| panic!("{e}"));
        let assumed = m.assumptions.iter().any(|(k, _)| k == "inflation.pay");
        (m.inflation.pay.clone(), assumed)
    };
    let (pay, assumed) = of(EXAMPLE);
    assert!(assumed, "no pay award given: listed as an assumption");
    assert!(pay.iter().all(|&f| f == 1.0), "{pay:?}");
    let (pay, assumed) = of(&EXAMPLE.replace("dols = 700000", "dols = 700000\npay_award = 0.04"));
    assert!(!assumed, "the council's own pay award is not an assumption");
    assert_eq!(pay.len(), 2, "two financial years: {pay:?}");
    assert_eq!(pay[0], 1.0);
    assert!((pay[1] - 1.04).abs() < 1e-12, "{pay:?}");
    let e = problems(&EXAMPLE.replace("dols = 700000", "dols = 700000\npay_award = 4"));
    assert!(e.contains("budget.pay_award: is a share from 0 to 1"), "{e}");
}

#[test]
fn a_scenario_is_never_written_over_its_own_profile() {
    let dir = scratch_dir("profile-out-is-profile");
    let profile = dir.join("mine.toml");
    std::fs::write(&profile, EXAMPLE).unwrap();
    let out = caseflow(&["new", "--force", "--out", profile.to_str().unwrap()], &profile);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("that is the profile itself"), "{err}");
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), EXAMPLE, "the profile is untouched");
}

#[test]
fn waiting_lists_taken_from_one_list_are_observed_as_their_total() {
    // Needs assessments and reviews share one list in the model, oldest
    // first: it can reproduce how many wait for either, not the split.
    let text =
        EXAMPLE.replace("needs_assessments_waiting = 260", "needs_assessments_waiting = 260\nreviews_waiting = 900");
    let s = scenario_of(&text);
    assert!(s.contains("of = [\"needs_assessment\", \"review\"]\nmeasure = \"waiting\"\nvalue = 1160"), "{s}");
    assert!(s.contains("260 needs assessments, 900 reviews waiting today"), "{s}");
    let m = scenario::parse(&s, "s.toml").unwrap_or_else(|e| panic!("{e}"));
    let waiting: Vec<_> = m.observed.iter().filter(|o| o.label().contains("waiting")).collect();
    assert_eq!(waiting.len(), 1, "one observed total");
    assert_eq!(waiting[0].label(), "needs assessments and reviews: waiting at 31 March 2027");
}

#[test]
fn the_scenarios_header_names_where_it_was_written() {
    let dir = scratch_dir("profile-header-path");
    let profile = dir.join("p.toml");
    std::fs::write(&profile, EXAMPLE).unwrap();
    let target = dir.join("mine").join("east.toml");
    let out = caseflow(&["new", "--force", "--out", target.to_str().unwrap()], &profile);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&target).unwrap();
    let calibrated = dir.join("mine").join("eastbury-calibrated.toml");
    assert!(text.contains(&format!("#   caseflow calibrate {}    (", target.display())), "{text}");
    assert!(text.contains(&format!("#   caseflow run {}\n", calibrated.display())), "{text}");
}

/// The example profile with today's caseloads, for the health check.
fn with_caseloads() -> String {
    format!(
        "{EXAMPLE}\n[caseloads]\nsocial_workers = {{ people = 18.4, safe = 20 }}\ncommunity_care_workers = {{ people = 22.2, safe = 25 }}\noccupational_therapists = {{ people = 29.7 }}\n"
    )
}

#[test]
fn a_profile_without_caseloads_makes_no_health_check_and_with_them_a_whole_one() {
    let plain = scenario::parse(&scenario_of(EXAMPLE), "eastbury.toml").unwrap();
    assert!(plain.health.is_none() && !plain.flows.iter().any(|f| f.people), "no [caseloads], no people");

    let text = scenario_of(&with_caseloads());
    let m = scenario::parse(&text, "eastbury.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(m.health.is_some(), "a [health_check] table");
    for flow in ["safeguarding", "needs_assessment", "carers_assessment", "review", "ot_assessment"] {
        let f = m.flows.iter().find(|f| f.name == flow).unwrap();
        assert!(f.people && f.keep.is_some(), "{flow} keeps people allocated");
    }
    // By Little's law: 952 people (30 social workers at 18.4, 18 community
    // care workers at 22.2) less the 559 in work, from 8,860 pieces of
    // work a year, stay 16 days.
    assert!(text.contains("mean = 16 }, hours_per_week = 0 }"), "{text}");
    // Today's caseloads are observed, the two care management groups
    // together (18.4 x 30 + 22.2 x 18 over 48 is 19.8), OTs on their own.
    let people: Vec<(f64, String)> = m
        .observed
        .iter()
        .filter(|o| o.reading.measure.key() == "people_allocated")
        .map(|o| (o.value, o.subject.clone()))
        .collect();
    assert_eq!(people.len(), 2, "{people:?}");
    assert_eq!(people[0].0, 19.8);
    assert!(people[0].1.contains("community care workers"), "{people:?}");
    assert_eq!(people[1].0, 29.7);
    // The days are found last; the OTs' safe caseload, not given, is assumed.
    assert_eq!(m.unknowns.iter().filter(|u| u.last).count(), 2);
    assert!(m.assumptions.iter().any(|(k, _)| k == "health_check.caseload.occupational_therapist"));
    assert!(!m.assumptions.iter().any(|(k, _)| k == "health_check.caseload.social_worker"), "given");
}

#[test]
fn people_waiting_are_rated_against_englands_level_for_the_councils_size() {
    use caseflow::model::health::Rated;
    let limits = |population: &str| {
        let text = scenario_of(&with_caseloads().replace("population = 180000", population));
        let m = scenario::parse(&text, "eastbury.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert!(m.assumptions.iter().any(|(k, s)| k == "health_check.people_waiting" && s.contains("ADASS")));
        m.health.expect("a health check").limits(Rated::PeopleWaiting)
    };
    // 8.9 a 1,000 people (5.2 waiting for an assessment, 3.7 reviews
    // overdue): 1,602 for Eastbury's 180,000, amber a quarter above.
    let small = limits("population = 180000");
    assert_eq!((small.green, small.amber), (1602.0, 2003.0));
    // A council twice the size is not rated red for its size alone.
    let large = limits("population = 360000");
    assert_eq!((large.green, large.amber), (3204.0, 4005.0));
}

#[test]
fn a_profile_with_caseloads_is_calibrated_to_them_and_takes_a_health_check() {
    let dir = scratch_dir("profile-caseloads");
    let made = dir.join("eastbury.toml");
    std::fs::write(&made, scenario_of(&with_caseloads())).unwrap();
    let found = dir.join("found.toml");
    let args = ["calibrate", "-n", "30", "--confirm", "60", "-q", "--force", "--out", dir.to_str().unwrap()];
    let out = caseflow(&[&args[..], &["--write", found.to_str().unwrap()]].concat(), &made);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let observed = std::fs::read_to_string(dir.join("calibrate-eastbury/observed.csv")).unwrap();
    let rows: Vec<&str> = observed.lines().filter(|l| l.contains(",people_allocated,")).collect();
    assert_eq!(rows.len(), 2, "{observed}");
    for row in rows {
        eprintln!("{row}");
        assert!(row.ends_with(",true"), "today's caseload not reproduced: {row}");
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let staff = format!("{root}/data/health-check-example-staff.csv");
    let activity = format!("{root}/data/health-check-example-activity.csv");
    let args = ["health-check", "-n", "20", "--no-search", "--staff-history", &staff, "--activity-history", &activity];
    let out = caseflow(&[&args[..], &["--out", dir.to_str().unwrap(), "--force"]].concat(), &found);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("people allocated per worker (safe caseload 20.0)"), "{stdout}");
}

#[test]
fn an_ot_waiting_list_is_made_by_the_ots_own_casework_share_found_last() {
    // OTs take only their own list, so their share moves no other figure.
    let text = EXAMPLE.replace("[care_act]", "[care_act]\not_assessments = 1100\not_assessments_waiting = 120");
    let m = scenario::parse(&scenario_of(&text), "eastbury.toml").unwrap();
    let ot = m.unknowns.iter().find(|u| u.key() == "roles.occupational_therapist.casework_share").expect("calibrated");
    assert!(ot.last && !ot.first);
    let plain = scenario::parse(&scenario_of(EXAMPLE), "eastbury.toml").unwrap();
    assert!(!plain.unknowns.iter().any(|u| u.key().contains("occupational_therapist")), "no OT list given, none");
}

#[test]
fn a_profiles_own_turnover_is_every_roles_and_not_assumed() {
    let text = EXAMPLE.replace("[staff]", "[staff]\nturnover = 0.19");
    let m = scenario::parse(&scenario_of(&text), "eastbury.toml").unwrap();
    for r in m.roles.iter().filter(|r| !r.is_bought_in() && r.name != "practice_manager") {
        assert_eq!(r.turnover_per_year, 0.19, "{}", r.name);
    }
    assert!(!m.assumptions.iter().any(|(k, _)| k.ends_with("turnover_per_year") && !k.contains("practice_manager")));
    let plain = scenario::parse(&scenario_of(EXAMPLE), "eastbury.toml").unwrap();
    assert!(plain.assumptions.iter().any(|(k, _)| k == "roles.social_worker.turnover_per_year"), "a default");
    assert!(problems(&EXAMPLE.replace("[staff]", "[staff]\nturnover = 17")).contains("staff.turnover"));
}

/// Excel keeps 21% typed in a cell as 0.21: the profile refuses it rather
/// than read 0.21%, and takes "21%" typed as text as 21.
#[test]
fn a_percentage_typed_with_a_percent_sign_in_the_workbook_is_not_read_as_a_hundredth() {
    let dir = scratch_dir("profile-xlsx-pct");
    let row = 1 + FIELDS.iter().position(|f| f.key == "dols.within_21_days").unwrap() as u32;
    let path = dir.join("pct.xlsx");
    filled(&path, |s| {
        let pct = rust_xlsxwriter::Format::new().set_num_format("0%");
        s.write_number_with_format(row, 2, 0.21, &pct).unwrap();
    });
    let e = profile::read(&path).unwrap_err().to_string();
    assert!(e.contains("dols.within_21_days: is a percentage from 0 to 100 (got 0.21; for 18% write 18"), "{e}");
    filled(&path, |s| {
        s.write(row, 2, "21%").unwrap();
    });
    let p = profile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(profile::number(&p.p, "dols.within_21_days"), Some(21.0));
}

/// Once the council as it stands is calibrated, `new --ruling` also sets
/// the ruling on the values calibration found, so that the two scenarios
/// differ by the ruling alone and nothing is typed again.
#[test]
fn the_ruling_is_set_on_the_values_calibrated_for_the_council_as_it_stands() {
    let dir = scratch_dir("profile-ruling-calibrated");
    let profile = dir.join("p.toml");
    std::fs::write(&profile, EXAMPLE).unwrap();
    let (plain, ruling) = (dir.join("eastbury.toml"), dir.join("eastbury-ruling-central.toml"));
    let ok = |out: std::process::Output| {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    // Before calibration: the ruling alone, and how to get the rest.
    ok(caseflow(&["new", "-q", "--out", plain.to_str().unwrap()], &profile));
    let said = ok(caseflow(&["new", "--ruling", "central", "--force", "--out", ruling.to_str().unwrap()], &profile));
    assert!(said.contains("then run this command again"), "{said}");
    assert!(!dir.join("eastbury-ruling-central-calibrated.toml").exists());
    let out = dir.to_str().unwrap();
    ok(caseflow(&["calibrate", "-n", "10", "--confirm", "10", "--max-runs", "8", "-q", "--yes", "--out", out], &plain));
    let calibrated = std::fs::read_to_string(dir.join("eastbury-calibrated.toml")).unwrap();
    let said = ok(caseflow(&["new", "--ruling", "central", "--force", "--out", ruling.to_str().unwrap()], &profile));
    let both_path = dir.join("eastbury-ruling-central-calibrated.toml");
    assert!(said.contains("caseflow compare") && said.contains("eastbury-ruling-central-calibrated.toml"), "{said}");
    let both = std::fs::read_to_string(&both_path).unwrap();
    let values: Vec<&str> = calibrated
        .lines()
        .filter(|l| l.contains("# calibrated"))
        .map(|l| l.split('#').next().unwrap().trim())
        .collect();
    assert!(!values.is_empty(), "{calibrated}");
    for v in values {
        assert!(both.contains(v), "{v} is not carried over:\n{both}");
    }
    let m = scenario::load(&both_path).unwrap_or_else(|e| panic!("{e}\n{both}")).model;
    assert_eq!(m.legal_changes.len(), 1, "the ruling");
    assert!(m.observed.is_empty(), "the figures are from before the ruling");
}
