//! Scenario files: layers (a file, its bases, `--set` changes) merged into
//! one document (`overlay`) → `RawScenario` (serde, unknown keys refused)
//! → checked `Model`. Every problem is reported with its file, line,
//! column and key path.

mod areas;
mod check;
pub mod locate;
pub mod overlay;
pub mod plausible;
mod problem;
pub mod raw;

use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::de::{DeTable, DeValue};

use crate::model::Model;
use locate::{KeyPath, path_at, span_of};
pub use overlay::Change;
use overlay::{Origin, Sources};
pub use problem::{Problem, ScenarioError};

/// A model with what it was read from, for the reproducibility stamp.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub model: Model,
    /// The path as the user gave it.
    pub file: String,
    /// SHA-256 of the resolved scenario (`resolved` without its comment
    /// lines), in hex: the identity of what the model was built from,
    /// whatever files it came from and however they were named.
    pub sha256: String,
    /// The comment block at the top of the file, then of each base: where
    /// scenarios say what they are and where their figures come from.
    pub header: String,
    /// Every scenario file read, top first, with the SHA-256 of its bytes.
    pub files: Vec<(String, String)>,
    /// Changes on top of the files, as the user gave them (`--set ...`).
    pub changes: Vec<String>,
    /// The merged scenario as TOML: what the checks and the model saw.
    pub resolved: String,
}

/// Load a scenario file (with its bases).
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_with(path, &[])
}

/// Load a scenario file (with its bases) and apply `changes` on top.
pub fn load_with(path: &Path, changes: &[Change]) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let sources = overlay::read(path, changes).map_err(|(sources, problems)| ScenarioError {
        file: file.clone(),
        sources,
        problems,
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    resolve(sources, &file, &dir)
}

/// Where a scenario comes from: a file (its bases beside it), or text
/// given whole (an upload, a council profile) whose `base`, if any, is
/// read from `bases`. What loads the one loads the other, with changes on top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(std::path::PathBuf),
    Text { text: String, name: String, bases: std::path::PathBuf },
}

impl Source {
    pub fn load(&self, changes: &[Change]) -> Result<Scenario, ScenarioError> {
        match self {
            Source::File(path) => load_with(path, changes),
            Source::Text { text, name, bases } => load_text(text, name, bases, changes),
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Text { name, .. } => f.write_str(name),
        }
    }
}

/// Load scenario text named `name`, whose `base` (if any) is a file in
/// `bases`, with `changes` on top.
pub fn load_text(text: &str, name: &str, bases: &Path, changes: &[Change]) -> Result<Scenario, ScenarioError> {
    let sources = overlay::read_text(text, name, bases, changes).map_err(|(sources, problems)| ScenarioError {
        file: name.to_string(),
        sources,
        problems,
    })?;
    resolve(sources, name, bases)
}

/// Parse and check scenario text; `file` names it in messages and history
/// files are found beside it.
pub fn parse(text: &str, file: &str) -> Result<Model, ScenarioError> {
    parse_with(text, file, &[])
}

/// As `parse`, with `changes` on top: how code varies a scenario given as text.
pub fn parse_with(text: &str, file: &str, changes: &[Change]) -> Result<Model, ScenarioError> {
    let sources = overlay::from_text(text, file, changes);
    let dir = Path::new(file).parent().map(Path::to_path_buf).unwrap_or_default();
    if let Ok(doc) = DeTable::parse(text) {
        if let Some(v) = doc.get_ref().get("base") {
            let message = "a scenario given as text cannot name a base; load it from a file".to_string();
            return Err(ScenarioError {
                file: file.to_string(),
                problems: vec![Problem { path: "base".into(), message, span: Some(v.span()) }],
                sources,
            });
        }
    }
    resolve(sources, file, &dir).map(|s| s.model)
}

fn resolve(sources: Sources, file: &str, dir: &Path) -> Result<Scenario, ScenarioError> {
    resolve_layers(sources.clone(), file, dir).map_err(|e| blame_changes(&sources, file, dir, e))
}

/// A problem placed in a file that the file alone does not have comes
/// from a change on top (`--set`): it is placed at that change, saying
/// where the key is, so the message names what the user typed.
fn blame_changes(sources: &Sources, file: &str, dir: &Path, mut e: ScenarioError) -> ScenarioError {
    let is_change = |i: usize| matches!(sources.layers[i].origin, Origin::Change(_));
    let changes: Vec<usize> = (0..sources.layers.len()).filter(|&i| is_change(i)).collect();
    let in_change = |p: &Problem| {
        p.span
            .as_ref()
            .and_then(|s| sources.locate(s.start))
            .is_some_and(|(l, _)| matches!(l.origin, Origin::Change(_)))
    };
    if changes.is_empty() || e.problems.iter().all(in_change) {
        return e;
    }
    let with = |keep: Option<usize>| {
        let layers = (0..sources.layers.len()).filter(|&i| !is_change(i) || Some(i) == keep);
        let only = Sources { text: sources.text.clone(), layers: layers.map(|i| sources.layers[i].clone()).collect() };
        resolve_layers(only, file, dir).err().map(|e| e.problems).unwrap_or_default()
    };
    let alone = with(None);
    let same = |a: &Problem, b: &Problem| a.path == b.path && a.message == b.message;
    for p in e.problems.iter_mut().filter(|p| !in_change(p)) {
        if alone.iter().any(|b| same(b, p)) {
            continue;
        }
        let at = p.span.as_ref().and_then(|s| ScenarioError::place(sources, s));
        let culprit = changes.iter().copied().find(|&c| with(Some(c)).iter().any(|b| same(b, p)));
        let (name, span) = match culprit {
            Some(c) => {
                let range = sources.layers[c].range.clone();
                (ScenarioError::place(sources, &range).unwrap_or_default(), Some(range))
            }
            None => {
                let names: Vec<String> =
                    changes.iter().filter_map(|&c| ScenarioError::place(sources, &sources.layers[c].range)).collect();
                (names.join(" with "), p.span.clone())
            }
        };
        p.message = format!(
            "{} (this comes from {name}{})",
            p.message,
            at.map_or(String::new(), |a| format!("; the key is at {a}"))
        );
        p.span = span;
    }
    e
}

fn resolve_layers(sources: Sources, file: &str, dir: &Path) -> Result<Scenario, ScenarioError> {
    let fail = |sources: &Sources, problems: Vec<Problem>| ScenarioError {
        file: file.to_string(),
        sources: sources.clone(),
        problems,
    };
    let merged = overlay::merge(&sources).map_err(|p| fail(&sources, p))?;
    let texts = plausible::text_problems(&table_value(merged.doc.get_ref()));
    if !texts.is_empty() {
        let doc = merged.doc.get_ref();
        let problems = texts.into_iter().map(|(path, message)| Problem {
            span: span_of(doc, &path),
            path: path.to_string(),
            message,
        });
        return Err(fail(&sources, problems.collect()));
    }
    if areas::is_region(&merged) {
        return areas::resolve(&sources, &merged, file, dir);
    }
    let doc = merged.doc.get_ref();
    let raw = match raw::RawScenario::deserialize(toml::de::Deserializer::from(merged.doc.clone())) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span();
            let path = span.as_ref().map(|s| path_at(doc, s.start).to_string()).unwrap_or_default();
            let mut message = plain_words(e.message().trim());
            if path.ends_with(".base") {
                message.push_str("; a base goes at the top of the file, before any [table]");
            }
            return Err(fail(&sources, vec![Problem { path, message, span }]));
        }
    };
    let dir_for = |path: &KeyPath| sources.dir_at(span_of(doc, path).map(|s| s.start), dir);
    let model = check::check(raw, &dir_for).map_err(|problems| {
        let problems = problems
            .into_iter()
            .map(|(path, message)| {
                let message = note_removed(&sources, &merged.removed, message);
                Problem { span: span_of(doc, &path), path: path.to_string(), message }
            })
            .collect();
        fail(&sources, problems)
    })?;
    let table = table_value(doc);
    let mut unnamed = keys_not_found(&model, &table);
    unnamed.extend(plausible::number_problems(&table));
    if !unnamed.is_empty() {
        let problems = unnamed.into_iter().map(|(path, message)| Problem {
            span: span_of(doc, &path),
            path: path.to_string(),
            message,
        });
        return Err(fail(&sources, problems.collect()));
    }
    let body = to_toml(&table);
    let sha256 = sha256_hex(body.as_bytes());
    let resolved = format!("{}\n{}", made_from(&sources), body.trim_start());
    let files = sources.files();
    let changes = sources
        .layers
        .iter()
        .filter_map(|l| match &l.origin {
            Origin::Change(_) => Some(l.name.clone()),
            _ => None,
        })
        .collect();
    let header = headers(&sources);
    Ok(Scenario { model, file: file.to_string(), sha256, header, files, changes, resolved })
}

/// A reader's message says what a value should be, not which Rust type
/// it fills.
fn plain_words(message: &str) -> String {
    const TYPES: [(&str, &str); 11] = [
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected text in quotes"),
        (
            "data did not match any variant of untagged enum Num",
            "expected a number, or a distribution such as { dist = \"triangular\", min = 0.3, mode = 0.5, max = 0.8 }",
        ),
        ("expected struct RawDist", "expected a distribution such as { dist = \"lognormal\", median = 6, p90 = 14 }"),
        ("expected struct RawArrivals", "expected a table such as { per_year = 100 }"),
        ("expected a sequence", "expected a list in [ ]"),
        ("expected struct ", "expected a table"),
    ];
    let mut out = message.to_string();
    for (rust, plain) in TYPES {
        if let Some(i) = out.find(rust) {
            let end = if rust.ends_with(' ') {
                out[i + rust.len()..].find(|c: char| !c.is_alphanumeric()).map_or(out.len(), |j| i + rust.len() + j)
            } else {
                i + rust.len()
            };
            out.replace_range(i..end, plain);
        }
    }
    // A whole number beyond 64 bits: "invalid type: integer `N` as i128".
    if let Some((n, rest)) = out.strip_prefix("invalid type: integer `").and_then(|r| r.split_once("` as i128")) {
        out = format!("{n} is too large{rest}");
    }
    out
}

impl Scenario {
    /// The value at a dotted key as `--set` names it (lists of named tables
    /// entered by name): what the scenario says before anything varies it.
    pub fn value_at(&self, key: &str) -> Option<toml::Value> {
        let doc: toml::Table = self.resolved.parse().ok()?;
        value_in(&doc, key).cloned()
    }
}

/// The value at a dotted key in a scenario document, as `--set` names it.
pub fn value_in<'a>(doc: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut segs = key.split('.');
    let mut cur = doc.get(segs.next()?)?;
    for seg in segs {
        cur = match cur {
            toml::Value::Table(t) => t.get(seg)?,
            toml::Value::Array(a) => a.iter().find(|e| e.get("name").and_then(|n| n.as_str()) == Some(seg))?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Keys that `[[assumptions]]` and `[[calibrate]]` name but the scenario
/// does not have.
fn keys_not_found(model: &Model, doc: &toml::Table) -> Vec<(KeyPath, String)> {
    let root = KeyPath::root();
    let assumed =
        model.assumptions.iter().enumerate().map(|(i, (key, _))| (root.key("assumptions").index(i).key("key"), key));
    let moved = model.unknowns.iter().enumerate().flat_map(|(i, u)| {
        let path = root.key("calibrate").index(i).key("set");
        u.keys.iter().map(move |k| (path.clone(), k))
    });
    assumed
        .chain(moved)
        .filter(|(_, key)| value_in(doc, key).is_none())
        .map(|(path, key)| (path, format!("the scenario has no value at '{key}' (name it as --set does)")))
        .collect()
}

/// A problem about a name that an overlay removed says where it went.
fn note_removed(sources: &Sources, removed: &[overlay::Removed], message: String) -> String {
    let Some(r) = removed.iter().find(|r| message.contains(&format!("'{}'", r.name))) else { return message };
    let place = ScenarioError::place(sources, &r.span).unwrap_or_default();
    format!("{message} (the {} '{}' was removed at {place})", r.kind, r.name)
}

/// The header of each file, top first, each base's labelled.
fn headers(sources: &Sources) -> String {
    let mut out = Vec::new();
    for (i, layer) in sources.layers.iter().enumerate() {
        if matches!(layer.origin, Origin::Change(_)) {
            continue;
        }
        let h = header_comment(sources.layer_text(i));
        if i == 0 {
            out.push(h);
        } else if !h.is_empty() {
            out.push(format!("From the base scenario {}:\n\n{h}", layer.name));
        }
    }
    out.retain(|h| !h.is_empty());
    out.join("\n\n")
}

/// The leading `#` comment lines, without the `#`.
pub fn header_comment(text: &str) -> String {
    text.lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .map(|l| {
            l.trim_start().trim_start_matches('#').strip_prefix(' ').unwrap_or(l.trim_start().trim_start_matches('#'))
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Comment lines naming what a resolved scenario was made from.
fn made_from(sources: &Sources) -> String {
    let mut head = String::from("# Resolved scenario, made by caseflow from:\n");
    for l in &sources.layers {
        match &l.origin {
            Origin::File { sha256, .. } => head.push_str(&format!("#   {} (sha256 {sha256})\n", l.name)),
            Origin::Text | Origin::Change(_) => head.push_str(&format!("#   {}\n", l.name)),
        }
    }
    head
}

/// A scenario table as TOML laid out as scenario files are: plain keys,
/// then `[table]`s and `[[list]]`s, with anything deeper inline.
fn to_toml(doc: &toml::Table) -> String {
    let mut out = String::new();
    let line = |out: &mut String, k: &str, v: &toml::Value| out.push_str(&format!("{} = {v}\n", bare_key(k)));
    let is_table_list =
        |v: &toml::Value| v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(toml::Value::is_table));
    for (k, v) in doc {
        if !v.is_table() && !is_table_list(v) {
            line(&mut out, k, v);
        }
    }
    for (k, v) in doc {
        if let Some(t) = v.as_table() {
            out.push_str(&format!("\n[{}]\n", bare_key(k)));
            t.iter().for_each(|(k, v)| line(&mut out, k, v));
        } else if is_table_list(v) {
            for entry in v.as_array().into_iter().flatten().filter_map(toml::Value::as_table) {
                out.push_str(&format!("\n[[{}]]\n", bare_key(k)));
                entry.iter().for_each(|(k, v)| line(&mut out, k, v));
            }
        }
    }
    out
}

/// A key as TOML writes it: bare if it can be, else quoted.
fn bare_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        toml::Value::String(k.to_string()).to_string()
    }
}

fn table_value(t: &DeTable<'_>) -> toml::Table {
    t.iter().map(|(k, v)| (k.get_ref().to_string(), plain(v.get_ref()))).collect()
}

/// A spanned parser value as a plain TOML value.
fn plain(v: &DeValue<'_>) -> toml::Value {
    match v {
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => toml::Value::Integer(n),
            // Beyond i64: keep its size as a float; the checks refuse it.
            Err(_) => toml::Value::Float(i.as_str().parse().unwrap_or(f64::INFINITY)),
        },
        DeValue::Float(x) => toml::Value::Float(x.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Datetime(d) => toml::Value::Datetime(*d),
        DeValue::Array(a) => toml::Value::Array(a.iter().map(|e| plain(e.get_ref())).collect()),
        DeValue::Table(t) => toml::Value::Table(table_value(t)),
    }
}
