//! Several areas in one scenario: a regional DoLS hub, or the councils of
//! a region, each with its own demand and staff, run together.
//!
//! A file with `[[areas]]` names, for each area, a council scenario (with
//! `set` changes on top, as `--set` gives them). Each area is loaded and
//! checked on its own, so a problem is reported in the area's file at its
//! line; then every flow, role, stock, pool, shock, request and legal
//! change is renamed `<area>_<name>` (labelled "<Area>: ...") and the areas
//! are laid side by side in one scenario under the region's `[scenario]`
//! dates, with the working calendar, period and warm-up the areas share
//! (or the region sets). That scenario is an ordinary one: every command, report, target
//! and measure works on it, per area by the names, and in total over the
//! whole region by the totals. No worker of one area takes another's work.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::DeTable;

use super::locate::{KeyPath, path_at, span_of};
use super::overlay::{Change, Merged, Sources};
use super::{Problem, ScenarioError};
use super::{Scenario, header_comment, sha256_hex, to_toml};

/// The tables that hold named entries, each renamed per area.
const NAMED: [&str; 7] = ["flows", "roles", "stocks", "latent_pools", "shocks", "requests", "legal_changes"];

/// Tables of which a region keeps one: the region's own if it gives one,
/// else the one every area gives alike. A budget is the region's own or
/// none: the areas' budgets are theirs, not the region's.
const SHARED: [&str; 5] = ["absence", "inflation", "budget", "supervision", "health_check"];

/// Settings of `[scenario]` that change how the work runs, not only what
/// is reported: the region's own if it gives them, else the ones every
/// area gives alike, so that an area runs in the region as it runs alone.
const SHARED_SETTINGS: [&str; 4] = ["calendar", "bank_holidays", "warmup_days", "period"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    scenario: toml::Table,
    areas: Vec<RawArea>,
    absence: Option<toml::Value>,
    inflation: Option<toml::Value>,
    budget: Option<toml::Value>,
    supervision: Option<toml::Value>,
    health_check: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    name: String,
    label: Option<String>,
    /// A council scenario file, relative to the region's file.
    scenario: String,
    /// Changes on top of it, as `--set` takes them: `{ "roles.social_worker_bia.fte" = 12 }`.
    #[serde(default)]
    set: toml::Table,
}

/// Whether a merged scenario document is a region (it has areas).
pub(super) fn is_region(merged: &Merged<'_>) -> bool {
    merged.doc.get_ref().get("areas").is_some()
}

/// Load a region: each area on its own, then all of them side by side.
pub(super) fn resolve(
    sources: &Sources,
    merged: &Merged<'_>,
    file: &str,
    dir: &Path,
) -> Result<Scenario, ScenarioError> {
    let fail = |problems: Vec<Problem>| ScenarioError { file: file.to_string(), sources: sources.clone(), problems };
    let doc = merged.doc.get_ref();
    let region = RawRegion::deserialize(toml::de::Deserializer::from(merged.doc.clone())).map_err(|e| {
        let span = e.span();
        let path = span.as_ref().map(|s| path_at(doc, s.start).to_string()).unwrap_or_default();
        let mut message = e.message().trim().to_string();
        if let Some(hint) = area_hint(&path) {
            message.push_str(&hint);
        }
        fail(vec![Problem { path, message, span }])
    })?;
    // Placed by index, named by the area's name as `--set` would name it.
    let at = |path: KeyPath, message: String| {
        let span = span_of(doc, &path);
        let named = region
            .areas
            .iter()
            .enumerate()
            .fold(path.to_string(), |p, (i, a)| p.replace(&format!("areas[{i}]"), &format!("areas.{}", a.name)));
        fail(vec![Problem { path: named, message, span }])
    };
    let root = KeyPath::root();
    if region.areas.is_empty() {
        return Err(at(root.key("areas"), "give at least one area".into()));
    }
    let mut areas = Vec::new();
    for (i, a) in region.areas.iter().enumerate() {
        let kp = root.key("areas").index(i);
        if let Some((key, message)) = refused_area(&region.areas, i, dir) {
            return Err(at(kp.key(key), message));
        }
        areas.push(load_area(a, &kp, dir, file, doc, &fail)?);
    }
    let combined = combine(&region, &areas).map_err(|(key, m)| at(root.key(key), m))?;
    let body = to_toml(&combined);
    let resolved = resolved_text(file, &areas, &body);
    let mut model = super::parse(&resolved, file)?;
    if region.budget.is_none() && areas.iter().any(|area| area.body.contains_key("budget")) {
        model.warnings.push(
            "budget: the areas' own budgets are left out; a region's budget is given in the region's file".into(),
        );
    }
    model.warnings.extend(
        areas.iter().flat_map(|area| area.loaded.model.warnings.iter().map(move |w| format!("{}: {w}", area.raw.name))),
    );
    let mut files = sources.files();
    for area in &areas {
        for f in &area.loaded.files {
            if !files.contains(f) {
                files.push(f.clone());
            }
        }
    }
    let mut header = header_comment(sources.layer_text(0));
    for area in &areas {
        let h = area.loaded.header.lines().next().unwrap_or_default();
        header.push_str(&format!("\n\nArea {} ({}): {h}", area.label, area.raw.name));
    }
    let changes = sources
        .layers
        .iter()
        .filter(|l| matches!(l.origin, super::overlay::Origin::Change(_)))
        .map(|l| l.name.clone())
        .collect();
    Ok(Scenario {
        model,
        file: file.to_string(),
        sha256: sha256_hex(body.as_bytes()),
        header,
        files,
        changes,
        resolved,
    })
}

/// The combined scenario as text, headed by where each area came from.
fn resolved_text(file: &str, areas: &[Area<'_>], body: &str) -> String {
    let mut head = String::from("# Resolved scenario, made by caseflow from the region ");
    head.push_str(&format!("{file} and its areas:\n"));
    for area in areas {
        head.push_str(&format!("#   {}: {} ({})\n", area.raw.name, area.loaded.file, area.loaded.changes.join(" ")));
    }
    format!("{head}\n{}", body.trim_start())
}

/// One area of a region, loaded on its own and renamed.
struct Area<'r> {
    raw: &'r RawArea,
    label: String,
    /// The area's resolved scenario, its names prefixed with the area's.
    body: toml::Table,
    loaded: Scenario,
}

/// What is wrong with area `i` before it is loaded, as the key at fault
/// and a message: a bad or repeated name, or no scenario file.
fn refused_area(areas: &[RawArea], i: usize, dir: &Path) -> Option<(&'static str, String)> {
    let a = &areas[i];
    if a.name.is_empty()
        || a.name.len() > crate::model::names::MAX
        || !a.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Some((
            "name",
            format!(
                "'{}': an area's name is lower-case letters, digits and _, at most {} of them",
                crate::model::names::visible(&a.name),
                crate::model::names::MAX
            ),
        ));
    }
    if areas[..i].iter().any(|b| b.name == a.name) {
        return Some(("name", format!("two areas are called '{}'", a.name)));
    }
    let area_file = dir.join(&a.scenario);
    if !area_file.is_file() {
        let message = format!(
            "area '{}': no scenario file {} (an area's scenario is found beside the region's file)",
            a.name,
            area_file.display()
        );
        return Some(("scenario", message));
    }
    None
}

/// Load and check one area on its own, with its `set` changes, and rename
/// its entries for the region.
fn load_area<'r>(
    a: &'r RawArea,
    kp: &KeyPath,
    dir: &Path,
    file: &str,
    doc: &DeTable<'_>,
    fail: &impl Fn(Vec<Problem>) -> ScenarioError,
) -> Result<Area<'r>, ScenarioError> {
    let path = kp.to_string();
    let changes: Vec<Change> = a.set.iter().map(|(k, v)| Change::set(k, v.clone())).collect();
    let area_file = dir.join(&a.scenario);
    let loaded = super::load_with(&area_file, &changes).map_err(|mut e| {
        // A problem with one of the area's `set` changes was written
        // in the region's file, so it is placed there; one in the
        // area's scenario stays in that file, saying which area.
        let in_set = |p: &Problem| {
            p.span
                .as_ref()
                .and_then(|sp| e.sources.locate(sp.start))
                .is_some_and(|(l, _)| matches!(l.origin, super::overlay::Origin::Change(_)))
        };
        if !e.problems.is_empty() && e.problems.iter().all(in_set) {
            let set = kp.key("set");
            let span = span_of(doc, &set);
            let problems = e
                .problems
                .iter()
                .map(|p| Problem {
                    path: format!("areas.{}.set", a.name),
                    message: format!("area '{}': {}", a.name, p.message),
                    span: span.clone(),
                })
                .collect();
            return fail(problems);
        }
        for p in &mut e.problems {
            p.message = format!("{} (area '{}' of {file})", p.message, a.name);
        }
        e
    })?;
    let mut body: toml::Table = loaded.resolved.parse().map_err(|e: toml::de::Error| {
        fail(vec![Problem { path: path.clone(), message: format!("area '{}': {}", a.name, e.message()), span: None }])
    })?;
    let label = a.label.clone().unwrap_or_else(|| crate::format::capital(&a.name.replace('_', " ")));
    rename(&mut body, &a.name, &label, area_file.parent().unwrap_or(dir));
    Ok(Area { raw: a, label, body, loaded })
}

/// The areas laid side by side under the region's `[scenario]` and the
/// settings and tables they share; a failure is the region's key at
/// fault and why.
fn combine(region: &RawRegion, areas: &[Area<'_>]) -> Result<toml::Table, (&'static str, String)> {
    let mut meta = region.scenario.clone();
    for key in SHARED_SETTINGS {
        if meta.contains_key(key) {
            continue;
        }
        let given: Vec<(&str, Option<&toml::Value>)> = areas
            .iter()
            .map(|area| {
                let scenario = area.body.get("scenario").and_then(toml::Value::as_table);
                (area.raw.name.as_str(), scenario.and_then(|t| t.get(key)))
            })
            .collect();
        let (first, value) = given[0];
        if let Some((other, v)) = given.iter().find(|(_, v)| *v != value) {
            let says = |v: Option<&toml::Value>| v.map_or("nothing (the default)".to_string(), |v| v.to_string());
            let message = format!(
                "areas '{first}' and '{other}' differ in scenario.{key} ({} and {}); set scenario.{key} in this file",
                says(value),
                says(*v)
            );
            return Err(("scenario", message));
        }
        if let Some(v) = value {
            meta.insert(key.into(), v.clone());
        }
    }
    let names = areas
        .iter()
        .map(|area| {
            let mut t = toml::Table::new();
            t.insert("name".into(), toml::Value::String(area.raw.name.clone()));
            t.insert("label".into(), toml::Value::String(area.label.clone()));
            toml::Value::Table(t)
        })
        .collect();
    meta.insert("areas".into(), toml::Value::Array(names));
    let mut combined = toml::Table::new();
    combined.insert("scenario".into(), toml::Value::Table(meta));
    for key in NAMED {
        let all: Vec<toml::Value> = areas
            .iter()
            .flat_map(|area| area.body.get(key).and_then(toml::Value::as_array).cloned().unwrap_or_default())
            .collect();
        if !all.is_empty() {
            combined.insert(key.into(), toml::Value::Array(all));
        }
    }
    let given = [&region.absence, &region.inflation, &region.budget, &region.supervision, &region.health_check];
    for (key, own) in SHARED.iter().zip(given) {
        let value = match own {
            Some(v) => Some(v.clone()),
            None => shared(key, &areas.iter().map(|area| (area.raw.name.as_str(), &area.body)).collect::<Vec<_>>())
                .map_err(|m| (*key, m))?,
        };
        if let Some(v) = value {
            combined.insert((*key).into(), v);
        }
    }
    Ok(combined)
}

/// For a change aimed at a region as if it were a council (`roles.carrow_dols_bia.fte`):
/// how to make it through the area instead.
fn area_hint(path: &str) -> Option<String> {
    let (table, rest) = path.split_once('.').unwrap_or((path, ""));
    if !NAMED.contains(&table) {
        return None;
    }
    // `carrow_dols_bia.fte` names the area and the council's own entry.
    let (area, key) = match rest.split_once('.') {
        Some((entry, key)) => match entry.split_once('_') {
            Some((area, name)) => (area.to_string(), format!("{table}.{name}.{key}")),
            None => ("<area>".to_string(), format!("{table}.{entry}.{key}")),
        },
        None => ("<area>".to_string(), format!("{table}.<name>.<key>")),
    };
    Some(format!(
        "; a region's {table} belong to its areas: change one through its set, as in \
--set 'areas.{area}.set={{\"{key}\" = ...}}'"
    ))
}

/// A table the areas share: the one they all give alike, or none if none
/// gives it; areas that differ must have the region say which applies.
fn shared(key: &str, areas: &[(&str, &toml::Table)]) -> Result<Option<toml::Value>, String> {
    let given: Vec<(&str, &toml::Value)> = areas.iter().filter_map(|(n, b)| b.get(key).map(|v| (*n, v))).collect();
    let Some(&(first, value)) = given.first() else { return Ok(None) };
    if let Some((other, _)) = given.iter().find(|(_, v)| *v != value) {
        return Err(format!(
            "areas '{first}' and '{other}' have different [{key}] tables; give the region's own [{key}] in this file"
        ));
    }
    if key == "budget" {
        return Ok(None);
    }
    Ok(Some(value.clone()))
}

/// Rename every named entry of an area's scenario, and every reference to
/// one, to `<area>_<name>`; labels lead with the area's.
fn rename(body: &mut toml::Table, area: &str, label: &str, dir: &Path) {
    let p = |n: &str| toml::Value::String(format!("{area}_{n}"));
    let relabel = |t: &mut toml::Table, default: String| {
        let own = t.get("label").and_then(toml::Value::as_str).map_or(default, str::to_string);
        t.insert("label".into(), toml::Value::String(format!("{label}: {own}")));
    };
    let each = |body: &mut toml::Table, key: &str, f: &mut dyn FnMut(&mut toml::Table)| {
        for v in body.get_mut(key).and_then(toml::Value::as_array_mut).into_iter().flatten() {
            if let Some(t) = v.as_table_mut() {
                f(t);
            }
        }
    };
    let rename_str = |t: &mut toml::Table, key: &str| {
        if let Some(n) = t.get(key).and_then(toml::Value::as_str).map(str::to_string) {
            t.insert(key.into(), p(&n));
        }
    };
    let rename_list = |t: &mut toml::Table, key: &str| {
        if let Some(a) = t.get_mut(key).and_then(toml::Value::as_array_mut) {
            for v in a.iter_mut() {
                if let Some(n) = v.as_str().map(str::to_string) {
                    *v = p(&n);
                }
            }
        }
    };
    for key in NAMED {
        each(body, key, &mut |t| {
            let name = t.get("name").and_then(toml::Value::as_str).unwrap_or_default().to_string();
            let default = match key {
                "flows" | "roles" => crate::model::workforce::label_of(&name),
                _ => name.replace('_', " "),
            };
            if matches!(key, "flows" | "roles" | "requests") {
                relabel(t, default);
            } else if key == "legal_changes" {
                // Read as "after <the change>, as it applies in <Area>".
                let own = t.get("label").and_then(toml::Value::as_str).map_or(default, str::to_string);
                t.insert("label".into(), toml::Value::String(format!("{own}, as it applies in {label}")));
            }
            rename_str(t, "name");
        });
    }
    each(body, "flows", &mut |t| {
        rename_str(t, "stock");
        let name = t.get("name").and_then(toml::Value::as_str).map(|n| n[area.len() + 1..].to_string());
        if let Some(arrivals) = t.get_mut("arrivals").and_then(toml::Value::as_table_mut) {
            if let Some(h) = arrivals.get("history").and_then(toml::Value::as_str).map(PathBuf::from) {
                // History files are found beside the area's file, and a
                // history's column keeps the flow's own name.
                let full = if h.is_absolute() { h } else { dir.join(h) };
                arrivals.insert("history".into(), toml::Value::String(full.display().to_string()));
                if !arrivals.contains_key("flow") {
                    arrivals.insert("flow".into(), toml::Value::String(name.unwrap_or_default()));
                }
            }
        }
        for r in t.get_mut("routes").and_then(toml::Value::as_array_mut).into_iter().flatten() {
            if let Some(r) = r.as_table_mut() {
                rename_str(r, "to");
                rename_str(r, "from_latent_pool");
            }
        }
    });
    each(body, "roles", &mut |t| rename_list(t, "skills"));
    each(body, "latent_pools", &mut |t| rename_str(t, "to"));
    each(body, "shocks", &mut |t| {
        for s in t.get_mut("spawn").and_then(toml::Value::as_array_mut).into_iter().flatten() {
            if let Some(s) = s.as_table_mut() {
                rename_str(s, "flow");
            }
        }
    });
    each(body, "requests", &mut |t| rename_list(t, "stages"));
    each(body, "legal_changes", &mut |t| {
        rename_list(t, "requests");
        rename_str(t, "reassess");
    });
}
