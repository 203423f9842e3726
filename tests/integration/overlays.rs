//! One way to vary a scenario: overlay files on a base, `--set` on the
//! command line, `Change`s in code. Each bad overlay gets its own message
//! with the file and line, and exit code 2.

use std::path::{Path, PathBuf};

use caseflow::model::Model;
use caseflow::scenario::{self, Change};

use crate::harness::{caseflow, scratch_dir, sets, shipped};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn load(name: &str, changes: &[Change]) -> Model {
    let path = scenarios_dir().join(format!("{name}.toml"));
    scenario::load_with(&path, changes).unwrap_or_else(|e| panic!("{e}")).model
}

/// Models compared through everything they hold.
fn same(a: &Model, b: &Model, what: &str) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}");
}

#[test]
fn each_halton_variant_is_a_short_overlay_that_resolves_to_the_baseline_with_its_change() {
    let cases: [(&str, Vec<Change>); 2] = [
        (
            "halton-2015-more-bias",
            sets(&[
                "scenario.name=halton-2015-more-bias",
                "scenario.description=\"Halton from April 2015 with three more social worker BIAs (22 instead of 19)\"",
                "roles.social_worker_bia.fte=22",
            ]),
        ),
        (
            "halton-2015-independent-bias",
            vec![
                Change::set("scenario.name", "halton-2015-independent-bias"),
                Change::set(
                    "scenario.description",
                    "Halton from April 2015 with independent BIAs bought in (up to 6 assessments a week)",
                ),
                Change::overlay(
                    "[[roles]]\nname = \"independent_bia\"\nkind = \"bought_in\"\nper_week = 6\nfee = 350\nskills = [\"dols_hospital\", \"dols_standard\"]\n",
                ),
            ],
        ),
    ];
    for (variant, changes) in cases {
        let text = std::fs::read_to_string(scenarios_dir().join(format!("{variant}.toml"))).unwrap();
        let lines = text.lines().count();
        assert!(lines < 40, "{variant} is {lines} lines; an overlay should say only what changes");
        assert!(text.contains("base = \"halton-2015-baseline.toml\""), "{variant} names its base");
        same(&load(variant, &[]), &load("halton-2015-baseline", &changes), variant);
    }
}

#[test]
fn every_shipped_scenario_resolves_to_text_that_loads_as_the_same_model() {
    for (path, model) in shipped() {
        let sc = scenario::load(path.as_ref()).unwrap();
        let again = scenario::parse(&sc.resolved, &path).unwrap_or_else(|e| panic!("{path} resolved:\n{e}"));
        same(&model, &again, &path);
        let resolved_again = scenario::load_with(path.as_ref(), &[]).unwrap();
        assert_eq!(sc.sha256, resolved_again.sha256, "{path}: the hash is of the scenario, stable");
    }
}

/// Write files into a fresh folder and return it.
fn files(name: &str, contents: &[(&str, &str)]) -> PathBuf {
    let dir = scratch_dir(name);
    for (file, text) in contents {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

const BASE: &str = r#"# base: a small team
[scenario]
name = "base"
start = 2015-04-01
years = 1

[[flows]]
name = "contact"
effort_hours = { dist = "exponential", mean = 1 }
arrivals = { per_day = 10 }
routes = [{ to = "assessment", probability = 0.5 }]

[[flows]]
name = "assessment"
effort_hours = { dist = "lognormal", median = 6, p90 = 12 }
deadline_days = 28

[[flows]]
name = "ot"
effort_hours = { dist = "fixed", value = 3 }
arrivals = { per_day = 1 }

[[roles]]
name = "social_worker"
count = 4
hours_per_week = 37
caseload_cap = 15
skills = ["contact", "assessment"]

[[roles]]
name = "ot"
count = 1
hours_per_week = 37
caseload_cap = 15
skills = ["ot"]
"#;

#[test]
fn overlays_merge_tables_key_by_key_and_lists_by_name_through_a_chain() {
    let dir = files(
        "overlay-chain",
        &[
            ("base.toml", BASE),
            (
                "middle.toml",
                r#"base = "base.toml"
[scenario]
name = "middle"

[[flows]]
name = "assessment"
deadline_days = 21            # changed, the rest kept

[[flows]]
name = "ot"
remove = true

[[roles]]
name = "ot"
remove = true

[[roles]]
name = "manager"              # added
count = 1
hours_per_week = 37
caseload_cap = 5
skills = ["assessment"]
"#,
            ),
            ("top.toml", "base = \"middle.toml\"\n[[roles]]\nname = \"social_worker\"\ncount = 6\n"),
        ],
    );
    let sc = scenario::load_with(&dir.join("top.toml"), &sets(&["scenario.years=2"])).unwrap_or_else(|e| panic!("{e}"));
    let m = &sc.model;
    assert_eq!(m.name, "middle");
    assert_eq!(m.flows.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["contact", "assessment"]);
    let assessment = &m.flows[1];
    assert_eq!(assessment.deadline_days, Some(21.0));
    assert_eq!(assessment.effort_hours.mean(), load_text_mean(), "keys not written in the overlay stay");
    assert_eq!(m.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["social_worker", "manager"]);
    assert_eq!(m.roles[0].fte, 6.0);
    assert!(m.horizon_days > 700.0, "--set goes on top of every file");
    let days = scenario::load_with(&dir.join("top.toml"), &sets(&["scenario.days=30", "roles.social_worker.fte=2.5"]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(days.model.horizon_days, 30.0, "days replaces the years written below");
    assert_eq!(days.model.roles[0].fte, 2.5, "fte replaces the count written below");
    assert_eq!(sc.files.len(), 3, "every file it came from, with its hash: {:?}", sc.files);
    assert!(sc.files[2].0.ends_with("base.toml"));
    assert_eq!(sc.changes, ["--set scenario.years=2"]);
    assert!(sc.header.contains("base: a small team"), "the base's header is kept: {}", sc.header);
}

fn load_text_mean() -> f64 {
    scenario::parse(BASE, "base.toml").unwrap().flows[1].effort_hours.mean()
}

/// Run `caseflow validate` on `file` with `extra` arguments: exit code and stderr.
fn validate(file: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["validate"];
    args.extend_from_slice(extra);
    let out = caseflow(&args, file);
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn assert_refused(file: &Path, extra: &[&str], place: &str, message: &str) {
    let (code, stderr) = validate(file, extra);
    eprintln!("{stderr}");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(place), "wanted the place {place}:\n{stderr}");
    assert!(stderr.contains(message), "wanted '{message}':\n{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RawRole"), "{stderr}");
}

#[test]
fn a_missing_base_is_refused_at_the_line_that_names_it() {
    let dir = files("overlay-missing", &[("top.toml", "# a variant\n\nbase = \"nowhere.toml\"\n")]);
    assert_refused(&dir.join("top.toml"), &[], "top.toml:3:8", "cannot be read");
}

#[test]
fn bases_that_go_round_in_a_circle_are_refused() {
    let dir = files(
        "overlay-cycle",
        &[("a.toml", "base = \"b.toml\"\n"), ("b.toml", "# b\nbase = \"a.toml\"\n[scenario]\nname = \"b\"\n")],
    );
    assert_refused(&dir.join("a.toml"), &[], "b.toml:2:8", "go round in a circle");
    let dir = files("overlay-base-late", &[("late.toml", "[scenario]\nname = \"x\"\nbase = \"a.toml\"\n")]);
    assert_refused(&dir.join("late.toml"), &[], "late.toml:3:1", "a base goes at the top of the file");
}

#[test]
fn an_unknown_key_in_an_overlay_is_refused_where_it_was_written() {
    let dir = files(
        "overlay-unknown",
        &[("base.toml", BASE), ("top.toml", "base = \"base.toml\"\n[[roles]]\nname = \"ot\"\novertme = 3\n")],
    );
    assert_refused(&dir.join("top.toml"), &[], "top.toml:4:1", "unknown field `overtme`");
}

#[test]
fn a_wrong_type_in_an_overlay_is_refused_in_words() {
    let dir = files(
        "overlay-type",
        &[("base.toml", BASE), ("top.toml", "base = \"base.toml\"\n[[roles]]\nname = \"ot\"\ncount = \"two\"\n")],
    );
    assert_refused(&dir.join("top.toml"), &[], "top.toml:4:9", "expected a number");
}

/// A base with a negative deadline (line 11, column 17).
const BAD_BASE: &str = r#"# base: a deadline that cannot be
[scenario]
name = "bad-base"
start = 2015-04-01
years = 1

[[flows]]
name = "assessment"
effort_hours = { dist = "fixed", value = 3 }
arrivals = { per_day = 1 }
deadline_days = -28

[[roles]]
name = "social_worker"
count = 1
hours_per_week = 37
caseload_cap = 15
skills = ["assessment"]
"#;

#[test]
fn a_problem_in_the_base_is_placed_in_the_base() {
    let dir = files("overlay-in-base", &[("base.toml", BAD_BASE), ("top.toml", "base = \"base.toml\"\n")]);
    assert_refused(&dir.join("top.toml"), &[], "base.toml:11:17", "must be");
}

#[test]
fn set_on_a_key_that_does_not_exist_is_refused_naming_the_set() {
    let dir = files("overlay-set", &[("base.toml", BASE)]);
    let file = dir.join("base.toml");
    assert_refused(&file, &["--set", "roles.nobody.count=3"], "--set roles.nobody.count=3", "no role called 'nobody'");
    assert_refused(&file, &["--set", "scenario.yeras=2"], "--set scenario.yeras=2", "unknown field `yeras`");
    assert_refused(&file, &["--set", "scenario.years.x=2"], "--set scenario.years.x=2", "single value");
    // Refused as the command line is read: the flag and the value named.
    assert_refused(&file, &["--set", "years"], "'years' for '--set <KEY=VALUE>'", "expected KEY=VALUE");
}

#[test]
fn set_with_a_value_of_the_wrong_type_is_refused_naming_the_set() {
    let dir = files("overlay-set-type", &[("base.toml", BASE)]);
    let file = dir.join("base.toml");
    assert_refused(&file, &["--set", "scenario.years=five"], "--set scenario.years=\"five\"", "expected a number");
    assert_refused(&file, &["--set", "roles.ot.count=-1"], "--set roles.ot.count=-1", "must be a whole number");
}

#[test]
fn removing_an_entry_that_others_route_to_says_where_it_was_removed() {
    let dir = files(
        "overlay-remove",
        &[
            ("base.toml", BASE),
            ("top.toml", "base = \"base.toml\"\n\n[[flows]]\nname = \"assessment\"\nremove = true\n"),
        ],
    );
    let (code, stderr) = validate(&dir.join("top.toml"), &[]);
    eprintln!("{stderr}");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("base.toml:11:"), "the route is in the base, line 11:\n{stderr}");
    assert!(stderr.contains("no flow is called 'assessment'"), "{stderr}");
    assert!(stderr.contains("was removed at ") && stderr.contains("top.toml:5:10"), "{stderr}");
    assert_eq!(validate(&dir.join("base.toml"), &[]).0, Some(0), "the base alone is fine");
}

#[test]
fn removing_what_is_not_there_is_refused() {
    let dir = files(
        "overlay-remove-missing",
        &[("base.toml", BASE), ("top.toml", "base = \"base.toml\"\n[[roles]]\nname = \"nurse\"\nremove = true\n")],
    );
    assert_refused(&dir.join("top.toml"), &[], "top.toml:4:10", "no role called 'nurse' to remove");
}

#[test]
fn every_command_that_takes_a_scenario_takes_set() {
    let out = scratch_dir("set-everywhere");
    let q = scenarios_dir().join("quickstart.toml");
    let q = q.to_str().unwrap();
    let set = ["--set", "scenario.name=quick5", "--set", "roles.social_worker.fte=10.5"];
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&set);
        all.push("--out");
        let o = caseflow(&all, &out);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let stdout = run(&["run", q, "-n", "5", "--quiet"]);
    assert!(stdout.is_empty());
    let record: toml::Table = std::fs::read_to_string(out.join("quick5/run.toml")).unwrap().parse().unwrap();
    assert_eq!(record["resolved"]["roles"][0]["fte"].as_float(), Some(10.5));
    let changes = record["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    let html = std::fs::read_to_string(out.join("quick5/report.html")).unwrap();
    assert!(html.contains("--set roles.social_worker.fte=10.5"), "the report says what was changed");
    // compare applies the changes to every scenario
    let more = scenarios_dir().join("halton-2015-more-bias.toml");
    let base = scenarios_dir().join("halton-2015-baseline.toml");
    let o = caseflow(
        &[
            "compare",
            base.to_str().unwrap(),
            more.to_str().unwrap(),
            "-n",
            "2",
            "--quiet",
            "--set",
            "scenario.days=60",
            "--set",
            "scenario.period=week",
            "--out",
        ],
        &out,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = caseflow(&["validate", "--set", "roles.social_worker.fte=10.5"], Path::new(q));
    assert!(v.status.success() && String::from_utf8_lossy(&v.stdout).contains("ok:"));
    let prefix = out.join("hist");
    let h = caseflow(&["history", q, "--set", "scenario.years=2", "--out"], &prefix);
    assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
}

#[test]
fn validate_prints_the_resolved_scenario() {
    let more = scenarios_dir().join("halton-2015-more-bias.toml");
    let out = caseflow(&["validate", "--resolved"], &more);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("halton-2015-baseline.toml (sha256 "), "{text}");
    assert!(!text.contains("base ="), "the base is merged in, not named");
    let resolved = scenario::parse(&text, more.to_str().unwrap()).unwrap();
    same(&resolved, &load("halton-2015-more-bias", &[]), "printed = loaded");
}

/// `--set roles.NAME={ ... }` adds a role that is not there, as an overlay
/// file's `[[roles]]` entry would: the same model either way.
#[test]
fn set_adds_an_entry_to_a_named_list() {
    let entry =
        "{ kind = \"bought_in\", label = \"independent BIAs\", per_week = 4, fee = 750, skills = [\"dols_standard\"] }";
    let by_set = load("halton-2015-baseline", &[Change::parse(&format!("roles.agency_bia={entry}")).unwrap()]);
    let overlay = "[[roles]]\nname = \"agency_bia\"\nkind = \"bought_in\"\nlabel = \"independent BIAs\"\nper_week = 4\nfee = 750\nskills = [\"dols_standard\"]\n";
    let by_overlay = load("halton-2015-baseline", &[Change::overlay(overlay)]);
    same(&by_set, &by_overlay, "a role added by --set is the overlay's");
    assert!(by_set.roles.iter().any(|r| r.name == "agency_bia" && r.label == "independent BIAs"));
    let dir = files("overlay-set-add", &[("base.toml", BASE)]);
    let file = dir.join("base.toml");
    assert_refused(&file, &["--set", "roles.nurse=3"], "--set roles.nurse=3", "give it whole as a table");
    assert_refused(
        &file,
        &["--set", "roles.nurse={ name = \"other\" }"],
        "--set roles.nurse={ name = \"other\" }",
        "name must be 'nurse'",
    );
}
