//! The docs name what is there: every file and module they name exists,
//! the architecture page names every file of src/, every link and anchor
//! between them leads somewhere, every page in docs/ is linked from the
//! README, and every key a scenario may hold is in the scenario reference.

use std::path::{Path, PathBuf};

use caseflow::scenario::raw::RawScenario;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page in docs/, with their text.
fn pages() -> Vec<(PathBuf, String)> {
    let mut paths = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, text)
        })
        .collect()
}

fn shown(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

/// Files the docs name that a command makes rather than the repository
/// holds: the scenario `caseflow new` writes from docs/profile-example.toml,
/// the overlays `caseflow calibrate` writes, the made-up file of an error
/// message, and the prefix `caseflow history --out` takes.
const MADE_BY_COMMANDS: [&str; 6] = [
    "scenarios/eastbury.toml",
    "scenarios/eastbury-calibrated.toml",
    "scenarios/eastbury-ruling-central-calibrated.toml",
    "scenarios/halton-2015-baseline-calibrated.toml",
    "scenarios/bad.toml",
    "data/synthetic",
];

/// Every `src/...`, `docs/...`, `scenarios/...`, `data/...` and
/// `scripts/...` path in a text: letters, digits and `_ - . / *`, ending
/// before punctuation that closes a sentence or a bracket. A path with
/// `<` (`scenarios/<name>.toml`) is a pattern, not a file, and is left out.
fn named_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for top in ["src/", "docs/", "scenarios/", "data/", "scripts/"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(top) {
            let start = from + i;
            from = start + top.len();
            let before = start.checked_sub(1).map(|b| bytes[b] as char);
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-')) {
                continue; // part of another path (`fuzz/corpus/scenario/`, `../data/`)
            }
            let end = text[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '*' | '<')))
                .map_or(text.len(), |n| start + n);
            let path = text[start..end].trim_end_matches('.');
            if !path.contains('<') {
                out.push(path.to_string());
            }
        }
    }
    out
}

/// Whether `pattern` (a path, a folder or a `*` glob in its last part)
/// names something in the repository.
fn exists(pattern: &str) -> bool {
    let path = root().join(pattern.trim_end_matches('/'));
    let Some((dir, name)) = pattern.rsplit_once('/').filter(|(_, n)| n.contains('*')) else {
        return path.exists();
    };
    let (prefix, suffix) = name.split_once('*').unwrap();
    std::fs::read_dir(root().join(dir)).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.len() >= prefix.len() + suffix.len() && n.starts_with(prefix) && n.ends_with(suffix)
        })
    })
}

#[test]
fn every_file_and_module_the_docs_name_exists() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for (page, text) in pages() {
        for path in named_paths(&text) {
            checked += 1;
            if !MADE_BY_COMMANDS.contains(&path.as_str()) && !exists(&path) {
                missing.push(format!("{}: {path}", shown(&page)));
            }
        }
    }
    assert!(missing.is_empty(), "the docs name paths that are not in the repository:\n{}", missing.join("\n"));
    // The architecture page names every module; the count keeps the
    // search itself honest.
    assert!(checked > 150, "only {checked} paths found in the docs");
}

/// Every file under `folder`, as paths from the repository's root.
fn files_under(folder: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(shown(&path));
        }
    }
}

#[test]
fn the_architecture_names_every_module_of_src() {
    let architecture = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    let named = named_paths(&architecture);
    let mut files = Vec::new();
    files_under(&root().join("src"), &mut files);
    let missing: Vec<&String> = files.iter().filter(|f| !named.contains(f)).collect();
    assert!(files.len() > 100, "only {} files in src/", files.len());
    assert!(missing.is_empty(), "docs/ARCHITECTURE.md does not name: {missing:?}");
}

#[test]
fn the_path_search_finds_what_it_should() {
    let text = "see src/app/run.rs, `docs/profile.md` (and scenarios/*.toml). ../data/x.csv fuzz/corpus/scenario/ scenarios/<name>.toml";
    assert_eq!(named_paths(text), ["src/app/run.rs", "docs/profile.md", "scenarios/*.toml"]);
    assert!(exists("scenarios/*.toml") && exists("data/health-check-example-*.csv") && exists("src/summary/report/"));
    assert!(!exists("src/summary/report.rs") && !exists("scenarios/*.yaml"));
}

/// GitHub's anchor for a heading: lower case, spaces to hyphens, and
/// anything but letters, digits, `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            out.push(anchor(line.trim_start_matches('#').trim()));
        }
    }
    out
}

/// Markdown link targets, `[text](target)`, that are not web addresses.
fn links(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(i, _)| {
            let rest = &text[i + 2..];
            rest.find(')').map(|end| rest[..end].to_string())
        })
        .filter(|t| !t.starts_with("http"))
        .collect()
}

#[test]
fn every_link_between_the_docs_leads_to_a_file_and_a_heading() {
    let mut broken = Vec::new();
    for (page, text) in pages() {
        for target in links(&text) {
            let (file, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let to = if file.is_empty() { page.clone() } else { page.parent().unwrap().join(file) };
            if !to.exists() {
                broken.push(format!("{}: {target} (no such file)", shown(&page)));
                continue;
            }
            if !fragment.is_empty() {
                let there = std::fs::read_to_string(&to).unwrap();
                if !anchors(&there).iter().any(|a| a == fragment) {
                    broken.push(format!("{}: {target} (no such heading)", shown(&page)));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert_eq!(anchor("Overlays and `--set`"), "overlays-and---set");
    assert_eq!(anchor("Calibration's observed.csv and runs.csv"), "calibrations-observedcsv-and-runscsv");
}

#[test]
fn every_page_in_docs_is_linked_from_the_readme() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let linked = links(&readme);
    for (page, _) in pages().into_iter().skip(1) {
        let name = format!("docs/{}", page.file_name().unwrap().to_string_lossy());
        assert!(linked.contains(&name), "README.md does not link to {name}");
    }
}

/// One scenario for each table a scenario may hold, with an unknown key
/// (at `@`) first, so that the refusal lists the keys the table takes.
const TABLES: [&str; 33] = [
    "@",
    "[scenario]\n@",
    "[scenario]\nareas = [{ @ }]",
    "[[flows]]\n@",
    "[[flows]]\neffort_hours = { @ }",
    "[[flows]]\narrivals = { @ }",
    "[[flows]]\narrivals = { changes = [{ @ }] }",
    "[[flows]]\narrivals = { ramps = [{ @ }] }",
    "[[flows]]\nroutes = [{ @ }]",
    "[[flows]]\ninitial = { @ }",
    "[[flows]]\nkeep_allocated = { @ }",
    "[[roles]]\n@",
    "[[roles]]\nplan = [{ @ }]",
    "[[roles]]\nnew_starter = { @ }",
    "[[roles]]\nasye = { @ }",
    "[[roles]]\nagency = { @ }",
    "[[roles]]\novertime = { @ }",
    "[absence]\n@",
    "[[stocks]]\n@",
    "[[latent_pools]]\n@",
    "[[shocks]]\n@",
    "[[shocks]]\nspawn = [{ @ }]",
    "[[requests]]\n@",
    "[[legal_changes]]\n@",
    "[inflation]\n@",
    "[budget]\n@",
    "[supervision]\n@",
    "[supervision]\nasye = [{ @ }]",
    "[health_check]\n@",
    "[health_check]\nvacancy_pct = { @ }",
    "[[observed]]\n@",
    "[[calibrate]]\n@",
    "[[assumptions]]\n@",
];

/// The keys a table takes, as serde lists them when it refuses an unknown
/// one: "unknown field `unknown_zzz`, expected one of `a`, `b`".
fn keys_of(table: &str) -> Vec<String> {
    let text = table.replace('@', "unknown_zzz = 1") + "\n";
    let e = toml::from_str::<RawScenario>(&text).expect_err("an unknown key is refused").to_string();
    let expected = e
        .split("unknown field `unknown_zzz`, expected")
        .nth(1)
        .unwrap_or_else(|| panic!("{text:?} was not refused for its unknown key: {e}"));
    let expected = expected.lines().next().unwrap_or("");
    expected.split('`').skip(1).step_by(2).map(String::from).collect()
}

#[test]
fn every_scenario_key_is_in_the_scenario_reference() {
    let reference = std::fs::read_to_string(root().join("docs/scenario-reference.md")).unwrap();
    let documented = |k: &str| {
        [format!("`{k}`"), format!("{k} = "), format!("[{k}]"), format!("[[{k}]]"), format!("`{k} = ")]
            .iter()
            .any(|form| reference.contains(form.as_str()))
    };
    let mut missing = Vec::new();
    let mut keys = 0;
    for table in TABLES {
        let found = keys_of(table);
        assert!(found.len() >= 2, "{table:?}: {found:?}");
        for key in found {
            keys += 1;
            if !documented(&key) {
                missing.push(format!("{key} (in {:?})", table.lines().next().unwrap_or("the top level")));
            }
        }
    }
    // Keys handled before the serde mirror: overlays and areas.
    for key in ["base", "remove", "areas", "set"] {
        if !documented(key) {
            missing.push(key.to_string());
        }
    }
    assert!(missing.is_empty(), "docs/scenario-reference.md does not document:\n{}", missing.join("\n"));
    assert!(keys > 150, "only {keys} keys found");
}
