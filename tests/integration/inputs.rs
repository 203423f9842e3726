//! Bad history and bad names never become confident output (issue 23):
//! every history row is used or reported, names keep to their character
//! set, every read is of a regular file within its cap, a run's time is
//! estimated before it starts, values are plausible, and messages point
//! at what the user gave. One test (at least) per class.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use caseflow::history::{History, observed, read};
use caseflow::scenario::{self, plausible};
use chrono::NaiveDate;

use crate::harness::{caseflow, scratch_dir, sets};

const QUICKSTART: &str = "scenarios/quickstart.toml";
/// The example health check with its two histories.
const HEALTH_CHECK: [&str; 6] = [
    "health-check",
    "scenarios/health-check-example.toml",
    "--staff-history",
    "data/health-check-example-staff.csv",
    "--activity-history",
    "data/health-check-example-activity.csv",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run in the crate root.
fn cf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caseflow")).args(args).current_dir(root()).output().expect("caseflow runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn refused_with(o: &Output, wanted: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(wanted), "wanted {wanted:?} in:\n{}", stderr(o));
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn history_problems(text: &str) -> String {
    match read::parse_as_of(text, "h.csv", today()) {
        Ok(h) => panic!("accepted:\n{text}\n{h:?}"),
        Err(e) => e.to_string(),
    }
}

/// The history is refused, and its problems say `wanted`.
fn history_says(text: &str, wanted: &str) {
    let e = history_problems(text);
    assert!(e.contains(wanted), "wanted {wanted:?}, got\n{e}");
}

fn quickstart_text() -> String {
    std::fs::read_to_string(root().join(QUICKSTART)).unwrap()
}

/// The quickstart scenario's problems with changes on top, as shown.
fn quickstart_problems(text: &str, changes: &[&str]) -> String {
    match scenario::parse_with(text, "quickstart.toml", &sets(changes)) {
        Ok(_) => panic!("{changes:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

// History rows: each is used, or refused, or listed with why.

#[test]
fn history_dates_out_of_range_in_the_future_or_repeated_are_refused_with_the_line() {
    history_says(
        "period,flow,count\n2019-04,a,100\n9999-01,a,100\n",
        "h.csv:3: period 9999-01 is outside the years 1900 to 2200",
    );
    history_says(
        "period,flow,count\n2019-04,a,100\n2027-01,a,100\n",
        "h.csv:3: period 2027-01 starts after today (2026-12-01)",
    );
    history_says("period,flow,count\n1850/51,a,100\n", "h.csv:2: period 1850/51 is outside the years");
    history_says(
        "period,flow,count\n2019-04,a,100\n2019-04,a,90\n",
        "h.csv:3: duplicate period 2019-04 for 'a' (also at line 2)",
    );
    // A future written by `caseflow history` says it is synthetic.
    let synthetic = "period,flow,count,source\n2027-01,a,100,synthetic: caseflow\n";
    assert!(read::parse_as_of(synthetic, "h.csv", today()).is_ok());
}

#[test]
fn contradictory_history_counts_are_refused_with_the_line() {
    let staff = "period,role,starters,leavers,in_post\n2025-04,sw,0,1,40\n2025-05,sw,0,500,39\n";
    history_says(staff, "h.csv:3: leavers (500) is more than the 40 who could have left 'sw'");
    history_says(
        "period,role,starters,leavers,in_post,asye\n2025-04,sw,0,0,10,12\n",
        "h.csv:2: asye (12) is more than the staff in post (10)",
    );
    history_says(
        "period,role,starters,leavers,in_post,asye,asye_protected\n2025-04,sw,0,0,10,2,3\n",
        "asye_protected (3) is more than asye (2)",
    );
    let activity = "period,flow,count,completed\n2025-04,a,10,12\n2025-05,a,10,9\n2025-06,a,10,5000\n";
    history_says(activity, "h.csv:4: completed so far (5,021) is more than received so far (30)");
    history_says("period,flow,count\n2025-04,a,1e300\n", "count must be at most 1,000,000,000");
}

fn example() -> caseflow::model::Model {
    scenario::load(&root().join("scenarios/health-check-example.toml")).unwrap().model
}

#[test]
fn health_check_rows_of_unknown_roles_or_flows_or_outside_the_year_are_listed_with_why() {
    let m = example();
    let staff = "period,role,starters,leavers,in_post\n\
        2024-03,social_worker,0,0,20\n\
        2025-04,social_worker,0,0,20\n2025-04,social_workr,0,1,5\n";
    let activity = "period,flow,count\n2025-04,contact,400\n2025-04,contactt,9\n";
    let staff = read::parse_as_of(staff, "staff.csv", today()).unwrap();
    let activity = read::parse_as_of(activity, "activity.csv", today()).unwrap();
    let seen = observed::of(&m, &staff, &activity);
    let why = |name: &str| seen.dropped.iter().find(|d| d.name == name).map(|d| (d.line_list(), d.why.clone()));
    let (lines, w) = why("social_workr").expect("the unknown role is listed");
    assert_eq!(lines, "4");
    assert!(w.contains("not a role of the scenario"), "{w}");
    let (lines, w) = why("contactt").expect("the unknown flow is listed");
    assert_eq!(lines, "3");
    assert!(w.contains("not a flow of the scenario"), "{w}");
    let old = seen.dropped.iter().find(|d| d.name == "social_worker").expect("the row before the year is listed");
    assert_eq!(old.line_list(), "2");
    assert!(old.why.starts_with("outside last year"), "{}", old.why);
    let warnings = seen.warnings().join("\n");
    assert!(warnings.contains("'social_workr' (line 4)") && warnings.contains("'contactt' (line 3)"), "{warnings}");
}

#[test]
fn last_year_of_less_than_twelve_months_warns() {
    let m = example();
    let mut staff = String::from("period,role,starters,leavers,in_post\n");
    let mut activity = String::from("period,flow,count\n");
    for month in ["2026-01", "2026-02", "2026-03"] {
        staff.push_str(&format!("{month},social_worker,0,0,20\n"));
        activity.push_str(&format!("{month},contact,400\n"));
    }
    let staff = read::parse_as_of(&staff, "staff.csv", today()).unwrap();
    let activity = read::parse_as_of(&activity, "activity.csv", today()).unwrap();
    let seen = observed::of(&m, &staff, &activity);
    let warnings = seen.warnings().join("\n");
    assert!(warnings.contains("\"last year\" is not twelve months: the staff history covers 90 days"), "{warnings}");
    assert!(warnings.contains("the activity history has 90 days"), "{warnings}");
}

#[test]
fn previous_health_check_of_another_year_is_refused() {
    let out = scratch_dir("inputs-previous");
    let o = out.to_str().unwrap();
    let args = |extra: &[&str]| {
        let mut a = HEALTH_CHECK.to_vec();
        a.extend(["-n", "10", "--no-search", "--quiet", "--force", "--out", o]);
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let first = Command::new(env!("CARGO_BIN_EXE_caseflow")).args(args(&[])).current_dir(root()).output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    // The same year's check as "last year's": its forecast is 2026/27, the
    // year this one forecasts, not the year the histories record.
    let kept = out.join("same-year.csv");
    std::fs::copy(out.join("health-check-fenmouth-2026/health_check.csv"), &kept).unwrap();
    let again = Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(args(&["--previous", kept.to_str().unwrap()]))
        .current_dir(root())
        .output()
        .unwrap();
    refused_with(
        &again,
        "last year's health check forecast 2026-04-01 to 2027-03-31, the same year this health check forecasts",
    );
}

// Names.

/// Quickstart with the flow `review` renamed.
fn renamed(name: &str) -> String {
    quickstart_text().replace("\"review\"", &toml::Value::String(name.to_string()).to_string())
}

#[test]
fn names_outside_the_character_set_too_long_or_reserved_are_refused_with_the_key() {
    let cases = [
        ("=cmd|' /C calc'!A0", "has the character '='"),
        ("-review", "must start with a letter or digit"),
        ("review\u{1b}[31m", "contains the control character \\u{1b}"),
        ("two\nlines", "contains the control character \\u{a}"),
        ("total", "is reserved"),
    ];
    for (name, wanted) in cases {
        let e = quickstart_problems(&renamed(name), &[]);
        assert!(e.contains("flows[5].name") && e.contains(wanted), "{name:?}: wanted {wanted}, got\n{e}");
        assert!(!e.contains('\u{1b}'), "a control character reached the message: {e:?}");
    }
    let long = "r".repeat(65_536);
    let e = quickstart_problems(&renamed(&long), &[]);
    assert!(e.contains("flows[5].name: is 65536 characters long"), "{}", &e[..300.min(e.len())]);
    let e = quickstart_problems(&renamed(&"r".repeat(101)), &[]);
    assert!(e.contains("flows[5].name: is 101 characters long; a name is at most 100"), "{e}");
    assert!(scenario::parse(&renamed("Review (adults) & O'Neill-2"), "q.toml").is_ok(), "a plain name is fine");
    let e = quickstart_problems(&quickstart_text(), &["roles.social_worker.team=\"a@b\""]);
    assert!(e.contains("roles[0].team") && e.contains("'@'"), "{e}");
    let e = quickstart_problems(&renamed("a\tb"), &[]);
    assert!(e.contains("flows[5].name"), "{e}");
    // A history names its flows and roles the same way.
    history_says(
        "period,flow,count\n2025-04,=HYPERLINK(\"x\"),1\n",
        "h.csv:2: flow: '=HYPERLINK(\\\"x\\\")' has the character '='",
    );
}

#[test]
fn every_csv_and_workbook_cell_that_would_run_as_a_formula_is_neutralised() {
    use caseflow::export::cell::safe;
    for risky in ["=1+1", "+A1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"] {
        assert!(safe(risky).starts_with('\''), "{risky:?}");
    }
    for plain in ["-3.5", "+1", "-", "12", "social worker", ""] {
        assert_eq!(safe(plain), plain);
    }
    // Through the table writer every report's CSVs use.
    let dir = scratch_dir("inputs-csv");
    let path = dir.join("t.csv");
    let mut df = polars::prelude::df!("name" => ["=cmd|' /C calc'!A0", "ok", "-"], "v" => [-1.5, 2.0, 3.0]).unwrap();
    caseflow::export::write_csv(&mut df, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("'=cmd|' /C calc'!A0") && text.contains("\nok,2.0") && text.contains("-1.5"), "{text}");
    // A label (free text) reaches the workbook neutralised.
    let out = scratch_dir("inputs-xlsx");
    let o = cf(&[
        "run",
        QUICKSTART,
        "-n",
        "4",
        "--quiet",
        "--set",
        "flows.review.label=\"=HYPERLINK(\\\"http://x\\\")\"",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(out.join("quickstart/quickstart.xlsx")).unwrap();
    let mut seen = false;
    for sheet in wb.sheet_names() {
        let range = wb.worksheet_range(&sheet).unwrap();
        for cell in range.used_cells() {
            let text = cell.2.to_string();
            assert!(!text.starts_with('='), "{sheet}: {text}");
            seen |= text.starts_with("'=HYPERLINK");
        }
    }
    assert!(seen, "the label is in the workbook, neutralised");
}

// Reads.

fn fifo(dir: &Path) -> PathBuf {
    let path = dir.join("pipe.toml");
    let _ = std::fs::remove_file(&path);
    let made = Command::new("mkfifo").arg(&path).status().expect("mkfifo runs");
    assert!(made.success());
    path
}

/// Run `args` and require it to be refused within a few seconds.
fn refused_promptly(args: &[&str], wanted: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{args:?} still reading after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    refused_with(&child.wait_with_output().unwrap(), wanted);
}

#[test]
fn only_regular_files_are_read_and_each_kind_has_a_size_cap() {
    let dir = scratch_dir("inputs-reads");
    let pipe = fifo(&dir);
    let pipe = pipe.to_str().unwrap();
    let top = dir.join("top.toml");
    for (base, wanted) in [
        (pipe, "is a named pipe (FIFO), not a regular file"),
        ("/dev/zero", "is a device, not a regular file"),
        ("/dev/urandom", "is a device, not a regular file"),
        ("/tmp", "is a folder, not a regular file"),
    ] {
        std::fs::write(&top, format!("base = \"{base}\"\n[scenario]\nname = \"x\"\n")).unwrap();
        refused_promptly(&["validate", top.to_str().unwrap()], wanted);
    }
    refused_promptly(&["validate", pipe], "the file is a named pipe (FIFO), not a regular file");
    refused_promptly(&["fit", "/dev/zero"], "is a device, not a regular file");
    refused_promptly(&["fit", pipe], "is a named pipe (FIFO)");
    refused_promptly(&["new", "/dev/zero", "--out", dir.join("x.toml").to_str().unwrap()], "is a device");
    // Caps: a sparse file has the size without the disk.
    let big = dir.join("big.toml");
    std::fs::File::create(&big).unwrap().set_len(11 * 1024 * 1024).unwrap();
    refused_promptly(
        &["validate", big.to_str().unwrap()],
        "is 11.0 MB, more than the 10.0 MB allowed for a scenario file",
    );
    let huge = dir.join("huge.csv");
    std::fs::File::create(&huge).unwrap().set_len(201 * 1024 * 1024).unwrap();
    refused_promptly(&["fit", huge.to_str().unwrap()], "more than the 200.0 MB allowed for a history file");
    let e = caseflow::input::read(Path::new("/dev/zero"), caseflow::input::Kind::Report).unwrap_err();
    assert!(matches!(e, caseflow::input::InputError::NotAFile { .. }));
}

// Run time.

#[test]
fn a_run_estimated_over_the_time_limit_is_refused_unless_asked_for() {
    let o = cf(&["run", QUICKSTART, "-n", "10000", "--set", "scenario.years=270", "--quiet", "--out", "/nonexistent"]);
    refused_with(&o, "longer than the 60 minutes allowed without asking. Run it anyway with --yes");
    let o = cf(&["run", QUICKSTART, "-n", "100000", "--set", "roles.social_worker.fte=15000", "--quiet"]);
    refused_with(&o, "--max-time MINUTES");
    // A small limit refuses a small run; the estimate is up front.
    let o = cf(&["run", QUICKSTART, "-n", "100000", "--max-time", "0.1", "--quiet", "--out", "/nonexistent"]);
    refused_with(&o, "longer than the 6 seconds allowed");
    let staff = cf(&[
        "staff",
        QUICKSTART,
        "--vary",
        "roles.social_worker.fte=1..10000",
        "--vary",
        "roles.community_care_worker.fte=1..10000",
        "--target",
        "review.within_deadline_pct >= 80%",
    ]);
    refused_with(&staff, "make 100,000,000 candidates together, more than the 100,000 a search may have");
    let o = cf(&["staff", QUICKSTART, "--vary", "roles.social_worker.fte=1,nan", "--target", "total.cost <= 1m"]);
    refused_with(&o, "the values must be numbers");
}

#[test]
fn a_calibration_or_health_check_is_timed_as_a_whole_before_it_starts() {
    let halton = "scenarios/halton-2015-baseline.toml";
    // Each candidate alone is short: the refusal comes from adding them up.
    let one = cf(&["run", halton, "-n", "200", "--max-time", "0.5", "--quiet", "--out", "/nonexistent"]);
    assert!(!stderr(&one).contains("longer than"), "one run of 200 fits half a minute: {}", stderr(&one));
    let many = ["calibrate", halton, "-n", "200", "--max-runs", "200", "--max-time", "0.5", "--quiet"];
    let o = cf(&[&many[..], &["--out", "/nonexistent", "--write", "/nonexistent/x.toml"]].concat());
    refused_with(&o, "longer than the 30 seconds allowed without asking. Run it anyway with --yes");
    let health = [&HEALTH_CHECK[..], &["-n", "100", "--max-time", "0.1", "--quiet", "--out", "/nonexistent"]].concat();
    let o = cf(&[&health[..], &["--search-replications", "100000"]].concat());
    refused_with(&o, "longer than the 6 seconds allowed without asking");
    // Without the searches the same year ahead is well inside the limit,
    // and is refused only for the folder it cannot write.
    let o = cf(&[&health[..], &["--no-search"]].concat());
    assert!(!stderr(&o).contains("longer than"), "{}", stderr(&o));
}

// Values.

#[test]
fn values_outside_their_plausible_range_and_non_finite_numbers_are_refused() {
    let text = quickstart_text();
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &["roles.social_worker.hours_per_week=1e-308"],
            "roles[0].hours_per_week",
            "outside the plausible range 1 to 168",
        ),
        (&["flows.review.deadline_days=1e-308"], "deadline_days", "outside the plausible range"),
        (
            &["flows.review.effort_hours={ dist = \"lognormal\", median = 6, p90 = 1e300 }"],
            "effort_hours.p90",
            "outside the plausible range 0 to 2000 hours",
        ),
        (
            &[
                "roles.social_worker.turnover_per_year=1e6",
                "roles.social_worker.recruitment_days={ dist = \"fixed\", value = 60 }",
            ],
            "turnover_per_year",
            "outside the plausible range 0 to 3",
        ),
        (&["roles.social_worker.fte=nan"], "roles[0].fte", ""),
        (&["budget.total=inf"], "budget.total", ""),
    ];
    for (changes, path, wanted) in cases {
        let e = quickstart_problems(&text, changes);
        assert!(e.contains(path) && e.contains(wanted), "{changes:?}: wanted {path}: {wanted}, got\n{e}");
    }
    // A share of the pool a year, not a count: 5 is refused.
    let e = scenario::load_with(
        &root().join("scenarios/halton-2015-baseline.toml"),
        &sets(&["latent_pools.acid_test.identified_per_year=5"]),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("identified_per_year") && e.contains("share of the pool a year"), "{e}");
}

#[test]
fn every_plausible_range_is_documented_in_the_scenario_reference() {
    let reference = std::fs::read_to_string(root().join("docs/scenario-reference.md")).unwrap();
    let section = reference.split("## Plausible ranges").nth(1).expect("a Plausible ranges section");
    for r in plausible::RANGES {
        assert!(section.contains(&format!("`{}`", r.key)), "{} is not in docs/scenario-reference.md's table", r.key);
    }
    // The whole table, bounds and units as the checks hold them.
    let table = plausible::table();
    assert!(section.contains(&table), "docs/scenario-reference.md's plausible ranges should be, whole:\n{table}");
}

#[test]
fn every_shipped_scenario_and_a_generated_profile_scenario_is_within_the_ranges() {
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml")
            && let Err(e) = scenario::load(&path)
        {
            panic!("{}: {e}", path.display());
        }
    }
    let dir = scratch_dir("inputs-profile");
    let out = dir.join("profile.toml");
    let o = cf(&["new", "docs/profile-example.toml", "--out", out.to_str().unwrap(), "--force", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    scenario::load(&out).unwrap_or_else(|e| panic!("{e}"));
}

// Messages.

#[test]
fn messages_point_at_what_the_user_gave() {
    let dir = scratch_dir("inputs-messages");
    // A problem the file does not have alone names the --set that caused it.
    let o = cf(&["validate", QUICKSTART, "--set", "roles.occupational_therapist.fte=0"]);
    refused_with(&o, "--set roles.occupational_therapist.fte=0");
    assert!(stderr(&o).contains("this comes from --set roles.occupational_therapist.fte=0"), "{}", stderr(&o));
    // A scenario that is not UTF-8 is the scenario's own problem.
    let latin = dir.join("latin1.toml");
    std::fs::write(&latin, b"[scenario]\nname = \"caf\xe9\"\n").unwrap();
    let o = cf(&["validate", latin.to_str().unwrap()]);
    refused_with(&o, "latin1.toml: the file is not UTF-8 text");
    assert!(!stderr(&o).contains("base"), "{}", stderr(&o));
    let e = quickstart_problems(&quickstart_text(), &["scenario.name=\".\""]);
    assert!(e.contains("'.' must start with a letter or digit"), "{e}");
    assert!(!e.contains("'.' must use only"), "{e}");
    // fit names the row and the column.
    let csv = dir.join("bad.csv");
    std::fs::write(&csv, "period,flow,count\n2019-04,a,100\n2019-0x,a,100\n2019-06,a,1x0\n").unwrap();
    let o = cf(&["fit", csv.to_str().unwrap()]);
    refused_with(&o, "bad.csv:3: period '2019-0x' is not a period");
    assert!(stderr(&o).contains("bad.csv:4: count must be a number"), "{}", stderr(&o));
    let mut gap = String::from("period,flow,count\n1901-01,a,100\n");
    for m in 1..=12 {
        gap.push_str(&format!("2019-{m:02},a,100\n"));
    }
    std::fs::write(&csv, gap).unwrap();
    let o = cf(&["fit", csv.to_str().unwrap()]);
    refused_with(&o, "line 2, column period: 1901-01 is 118 years from the nearest other period (2019-01)");
}

#[test]
fn sigterm_is_reported_as_sigterm_not_ctrl_c() {
    let out = scratch_dir("inputs-sigterm");
    let child = Command::new(env!("CARGO_BIN_EXE_caseflow"))
        .args(["run", QUICKSTART, "-n", "1000000", "--yes", "--out", out.to_str().unwrap()])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0) == 0 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(143), "{}", stderr(&o));
    assert!(stderr(&o).contains("stopped by SIGTERM"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("Ctrl-C"), "{}", stderr(&o));
}

#[test]
fn a_history_within_the_rules_still_reads_as_before() {
    for f in ["data/synthetic-activity.csv", "data/synthetic-staff.csv", "data/halton.csv", "data/national-dols.csv"] {
        let h = read::read(&root().join(f)).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(h, History::Activity(_) | History::Staff(_)));
    }
    let o = caseflow(&["fit"], &root().join("data/synthetic-activity.csv"));
    assert!(o.status.success(), "{}", stderr(&o));
}
