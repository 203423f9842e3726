//! One way to vary a scenario: layers merged into one document before it
//! is checked.
//!
//! A scenario file may name a `base` (a path relative to itself); bases can
//! chain. Changes (`--set KEY=VALUE` on the command line, or `Change`s
//! built by code: benchmarks, backtests, the staffing search, tests) go on
//! top. Merging:
//!
//! - tables merge key by key, and a value replaces the one below it; a
//!   distribution (`{ dist = ... }`) is one value and replaces the old whole;
//! - arrays of named tables (`[[flows]]`, `[[roles]]`, ...) are matched by
//!   `name`: an entry changes the one of the same name key by key, is added
//!   if there is none, or with `remove = true` takes it out;
//! - any other array (skills, routes, seasonality) is replaced whole.
//!
//! Every layer's text is kept in one buffer, each at its own offset, so a
//! span in the merged document says which file (or `--set`) and line a
//! value came from.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::Problem;
use super::locate::KeyPath;
use crate::input::InputError;

/// Longest chain of bases followed before giving up.
const MAX_DEPTH: usize = 32;

/// One change on top of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Set the value at a dotted key (`roles.social_worker_bia.fte`); a
    /// table merges into the table below it. `value` is TOML text.
    Set { key: String, value: String },
    /// Take a key out if it is there (so that another can replace it:
    /// `years` for `days`, or a whole table rather than key by key).
    Remove { key: String },
    /// Scenario text merged as an overlay file is (tests that add a role).
    Overlay { text: String },
}

impl Change {
    /// A change from `KEY=VALUE` as given to `--set`. The value is TOML
    /// (`22`, `"text"`, `2015-10-01`, `{ per_year = 100 }`); a bare word
    /// that is not TOML is taken as text, so `scenario.period=week` works.
    pub fn parse(arg: &str) -> Result<Change, String> {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(format!("--set {arg}: expected KEY=VALUE, for example --set scenario.years=5"));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(format!("--set {arg}: the key must be dotted names, for example roles.social_worker.fte"));
        }
        if value.is_empty() {
            return Err(format!("--set {arg}: give a value after '='"));
        }
        let value = if DeValue::parse(value).is_ok() || looks_structured(value) {
            value.to_string()
        } else {
            toml::Value::String(value.to_string()).to_string()
        };
        Ok(Change::Set { key: key.to_string(), value })
    }

    /// Set `key` to a value built in code.
    pub fn set(key: &str, value: impl Into<toml::Value>) -> Change {
        Change::Set { key: key.to_string(), value: value.into().to_string() }
    }

    /// Set `key` to a value written as TOML text.
    pub fn set_toml(key: &str, value: &str) -> Change {
        Change::Set { key: key.to_string(), value: value.to_string() }
    }

    pub fn remove(key: &str) -> Change {
        Change::Remove { key: key.to_string() }
    }

    pub fn overlay(text: &str) -> Change {
        Change::Overlay { text: text.to_string() }
    }

    /// How the change is shown to users: as they would type it.
    pub fn label(&self) -> String {
        match self {
            Change::Set { key, value } => format!("--set {key}={value}"),
            Change::Remove { key } => format!("(remove {key})"),
            Change::Overlay { .. } => "(overlay)".to_string(),
        }
    }

    fn key(&self) -> &str {
        match self {
            Change::Set { key, .. } | Change::Remove { key } => key,
            Change::Overlay { .. } => "",
        }
    }
}

/// A value that was meant as TOML (a quote, table or array), so a parse
/// error is the user's to see rather than a reason to read it as text.
fn looks_structured(v: &str) -> bool {
    v.starts_with(['"', '\'', '{', '[']) || v.parse::<f64>().is_ok()
}

/// Where a layer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A scenario file, with the SHA-256 of its bytes.
    File {
        path: PathBuf,
        sha256: String,
    },
    /// Text given in code (tests), with the name it is shown under.
    Text,
    Change(Change),
}

/// One layer's text and where it sits in the shared buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// How messages name it: the path as given, or `--set KEY=VALUE`.
    pub name: String,
    pub origin: Origin,
    pub range: Range<usize>,
}

/// Every layer's text, one after another, so one span locates a value in
/// any of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    pub text: String,
    pub layers: Vec<Layer>,
}

impl Sources {
    fn push(&mut self, name: String, origin: Origin, text: &str) -> usize {
        let start = self.text.len();
        self.text.push_str(text);
        self.layers.push(Layer { name, origin, range: start..self.text.len() });
        // A newline between layers keeps every span inside one layer.
        self.text.push('\n');
        self.layers.len() - 1
    }

    pub fn layer_text(&self, layer: usize) -> &str {
        &self.text[self.layers[layer].range.clone()]
    }

    /// The layer holding byte `offset` of the buffer, and the offset in it.
    pub fn locate(&self, offset: usize) -> Option<(&Layer, usize)> {
        let l = self.layers.iter().find(|l| l.range.start <= offset && offset <= l.range.end)?;
        Some((l, offset - l.range.start))
    }

    /// The folder a relative path written in the layer at `offset` is read
    /// from: the folder of its file.
    pub fn dir_at(&self, offset: Option<usize>, fallback: &Path) -> PathBuf {
        match offset.and_then(|o| self.locate(o)) {
            Some((Layer { origin: Origin::File { path, .. }, .. }, _)) => {
                path.parent().map(Path::to_path_buf).unwrap_or_default()
            }
            _ => fallback.to_path_buf(),
        }
    }

    /// The scenario files read, top first, with their SHA-256.
    pub fn files(&self) -> Vec<(String, String)> {
        self.layers
            .iter()
            .filter_map(|l| match &l.origin {
                Origin::File { sha256, .. } => Some((l.name.clone(), sha256.clone())),
                _ => None,
            })
            .collect()
    }
}

/// A problem found while reading or merging layers: a message, and where.
type Found = (String, String, Option<Range<usize>>);

fn problem((path, message, span): Found) -> Problem {
    Problem { path, message, span }
}

/// Read `path` and the chain of bases it names, then add one layer per
/// change. On failure, returns what was read so far (to place the
/// problems) with the problems.
pub fn read(path: &Path, changes: &[Change]) -> Result<Sources, (Sources, Vec<Problem>)> {
    read_chain(Sources::default(), Some((path.to_path_buf(), path.display().to_string(), None)), changes)
}

/// Scenario text given whole (an upload, a council profile), named `name`,
/// whose `base`, if it names one, is read from `dir`; then the changes.
pub fn read_text(text: &str, name: &str, dir: &Path, changes: &[Change]) -> Result<Sources, (Sources, Vec<Problem>)> {
    let mut sources = Sources::default();
    let layer = sources.push(name.to_string(), Origin::Text, text);
    let next = match base_of(&sources, layer) {
        Ok(None) => None,
        Ok(Some((base, span))) => {
            let file = dir.join(base);
            Some((file.clone(), file.display().to_string(), Some(span)))
        }
        Err(p) => return Err((sources, vec![p])),
    };
    read_chain(sources, next, changes)
}

/// Read the file `next` names and the chain of bases after it onto `sources`.
fn read_chain(
    mut sources: Sources,
    mut next: Option<(PathBuf, String, Option<Range<usize>>)>,
    changes: &[Change],
) -> Result<Sources, (Sources, Vec<Problem>)> {
    let mut seen: Vec<PathBuf> = Vec::new();
    while let Some((file, shown, named_at)) = next.take() {
        let fail = |sources: Sources, message: String| {
            Err((sources, vec![problem(("base".into(), message, named_at.clone()))]))
        };
        let read = crate::input::read(&file, crate::input::Kind::Scenario).and_then(|bytes| {
            let text = String::from_utf8(bytes.clone()).map_err(|_| InputError::NotUtf8 { path: file.clone() })?;
            Ok((bytes, text))
        });
        let (bytes, text) = match read {
            Ok(read) => read,
            Err(e) if named_at.is_some() => {
                return fail(sources, format!("the base scenario {} {}", file.display(), e.reason()));
            }
            // The scenario itself: its own problem, not its `base`'s.
            Err(e) => {
                let message = match e {
                    InputError::Io { .. } => e.to_string(),
                    _ => format!("the file {}", e.reason()),
                };
                return Err((sources, vec![problem((String::new(), message, None))]));
            }
        };
        let canonical = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        if let Some(i) = seen.iter().position(|p| *p == canonical) {
            let chain: Vec<String> = sources.layers[i..].iter().map(|l| l.name.clone()).chain([shown]).collect();
            return fail(sources, format!("the bases go round in a circle: {}", chain.join(" -> ")));
        }
        if seen.len() >= MAX_DEPTH {
            return fail(sources, format!("more than {MAX_DEPTH} bases in a chain"));
        }
        seen.push(canonical);
        let sha256 = super::sha256_hex(&bytes);
        let layer = sources.push(shown, Origin::File { path: file.clone(), sha256 }, &text);
        match base_of(&sources, layer) {
            Ok(None) => {}
            Ok(Some((base, span))) => {
                let resolved = file.parent().unwrap_or(Path::new("")).join(&base);
                next = Some((resolved.clone(), resolved.display().to_string(), Some(span)));
            }
            Err(p) => return Err((sources, vec![p])),
        }
    }
    add_changes(&mut sources, changes);
    Ok(sources)
}

/// Sources for scenario text given in code: one layer, no base.
pub fn from_text(text: &str, name: &str, changes: &[Change]) -> Sources {
    let mut sources = Sources::default();
    sources.push(name.to_string(), Origin::Text, text);
    add_changes(&mut sources, changes);
    sources
}

fn add_changes(sources: &mut Sources, changes: &[Change]) {
    for c in changes {
        let text = match c {
            Change::Set { key, value } => format!("{key}={value}"),
            Change::Remove { key } => key.clone(),
            Change::Overlay { text } => text.clone(),
        };
        sources.push(c.label(), Origin::Change(c.clone()), &text);
    }
}

/// The `base = "..."` a file names, with the span of its value. A file
/// that does not parse is left for the merge to report.
fn base_of(sources: &Sources, layer: usize) -> Result<Option<(String, Range<usize>)>, Problem> {
    let at = sources.layers[layer].range.start;
    let Ok(doc) = DeTable::parse(sources.layer_text(layer)) else { return Ok(None) };
    let Some(v) = doc.get_ref().get("base") else { return Ok(None) };
    let span = shift(v.span(), at);
    match v.get_ref().as_str() {
        Some(s) if !s.trim().is_empty() => Ok(Some((s.to_string(), span))),
        _ => Err(problem(("base".into(), "must be the path of a scenario file, in quotes".into(), Some(span)))),
    }
}

fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}

/// What an overlay took out, so that a dangling reference to it can say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// "flow", "role", ...
    pub kind: String,
    pub name: String,
    pub span: Range<usize>,
}

/// The merged document, spanned into `sources.text`.
pub struct Merged<'a> {
    pub doc: Spanned<DeTable<'a>>,
    pub removed: Vec<Removed>,
}

/// Merge the layers: files from the deepest base up, then the changes.
pub fn merge(sources: &Sources) -> Result<Merged<'_>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut removed = Vec::new();
    let mut doc: Option<Spanned<DeTable<'_>>> = None;
    let files: Vec<usize> =
        (0..sources.layers.len()).filter(|&i| !matches!(sources.layers[i].origin, Origin::Change(_))).rev().collect();
    for (k, &i) in files.iter().enumerate() {
        let at = sources.layers[i].range.start;
        let parsed = match DeTable::parse(sources.layer_text(i)) {
            Ok(d) => d,
            Err(e) => {
                let span = e.span().map(|s| shift(s, at));
                problems.push(problem((String::new(), e.message().trim().to_string(), span)));
                continue;
            }
        };
        let span = shift(parsed.span(), at);
        let mut table = shift_table(parsed.into_inner(), at);
        table.remove("base");
        match doc.as_mut() {
            None if k == 0 => doc = Some(Spanned::new(span, table)),
            None => {}
            Some(d) => merge_table(d.get_mut(), table, &KeyPath::root(), &mut removed, &mut problems),
        }
    }
    let Some(mut doc) = doc else { return Err(problems) };
    if !problems.is_empty() {
        return Err(problems);
    }
    for layer in &sources.layers {
        let Origin::Change(change) = &layer.origin else { continue };
        if let Change::Overlay { .. } = change {
            match DeTable::parse(&sources.text[layer.range.clone()]) {
                Ok(t) => {
                    let table = shift_table(t.into_inner(), layer.range.start);
                    merge_table(doc.get_mut(), table, &KeyPath::root(), &mut removed, &mut problems);
                }
                Err(e) => {
                    let span = e.span().map(|s| shift(s, layer.range.start));
                    problems.push(problem((String::new(), e.message().trim().to_string(), span)));
                }
            }
        } else if let Err(p) = apply(doc.get_mut(), change, layer.range.clone(), sources) {
            problems.push(p);
        }
    }
    if problems.is_empty() { Ok(Merged { doc, removed }) } else { Err(problems) }
}

fn shift_value<'a>(v: Spanned<DeValue<'a>>, by: usize) -> Spanned<DeValue<'a>> {
    let span = shift(v.span(), by);
    let value = match v.into_inner() {
        DeValue::Table(t) => DeValue::Table(shift_table(t, by)),
        DeValue::Array(a) => {
            let mut out = DeArray::new();
            for e in a.iter() {
                out.push(shift_value(e.clone(), by));
            }
            DeValue::Array(out)
        }
        leaf => leaf,
    };
    Spanned::new(span, value)
}

fn shift_table(t: DeTable<'_>, by: usize) -> DeTable<'_> {
    let mut out = DeTable::new();
    for (k, v) in t {
        out.insert(Spanned::new(shift(k.span(), by), k.into_inner()), shift_value(v, by));
    }
    out
}

/// The singular of an array's key, for messages: "flows" -> "flow".
fn singular(key: &str) -> &str {
    key.strip_suffix('s').unwrap_or(key)
}

fn name_of<'v>(v: &'v Spanned<DeValue<'_>>) -> Option<&'v str> {
    v.get_ref().as_table()?.get("name")?.get_ref().as_str()
}

/// An array whose entries are all tables with a name.
fn is_named(a: &DeArray<'_>) -> bool {
    !a.is_empty() && a.iter().all(|e| name_of(e).is_some())
}

/// Take out of `base` the keys that `key` is an alternative to, unless
/// the layer on top gives them too (then the checks refuse both).
fn drop_alternatives(base: &mut DeTable<'_>, key: &str, given: &[String]) {
    for group in super::raw::ALTERNATIVES.iter().filter(|g| g.contains(&key)) {
        for other in group.iter().filter(|o| **o != key && !given.iter().any(|g| g == *o)) {
            base.remove(*other);
        }
    }
}

fn merge_table<'a>(
    base: &mut DeTable<'a>,
    over: DeTable<'a>,
    path: &KeyPath,
    removed: &mut Vec<Removed>,
    problems: &mut Vec<Problem>,
) {
    let given: Vec<String> = over.keys().map(|k| k.get_ref().to_string()).collect();
    for key in &given {
        drop_alternatives(base, key, &given);
    }
    for (k, v) in over {
        let key = k.get_ref().to_string();
        let here = path.key(&key);
        let Some(slot) = base.get_mut(key.as_str()) else {
            base.insert(k, strip_remove(v, &here, problems));
            continue;
        };
        let span = v.span();
        match (slot.get_mut(), v.into_inner()) {
            // A distribution is one value: a new one replaces the old whole.
            (DeValue::Table(_), DeValue::Table(o)) if o.contains_key("dist") => {
                *slot = Spanned::new(span, DeValue::Table(o));
            }
            (DeValue::Table(b), DeValue::Table(o)) => merge_table(b, o, &here, removed, problems),
            (DeValue::Array(b), DeValue::Array(o)) if is_named(b) && o.iter().all(|e| e.get_ref().is_table()) => {
                merge_named(b, o, &key, &here, removed, problems);
            }
            (_, value) => *slot = Spanned::new(span, value),
        }
    }
}

/// A new entry keeps no `remove` key; one that says `remove = true` has
/// nothing to remove.
fn strip_remove<'a>(v: Spanned<DeValue<'a>>, path: &KeyPath, problems: &mut Vec<Problem>) -> Spanned<DeValue<'a>> {
    let span = v.span();
    match v.into_inner() {
        DeValue::Array(a) if a.iter().any(|e| e.get_ref().as_table().is_some_and(|t| t.contains_key("remove"))) => {
            let mut out = DeArray::new();
            for (i, e) in a.iter().enumerate() {
                let mut e = e.clone();
                if let DeValue::Table(t) = e.get_mut() {
                    if let Some(r) = t.remove("remove") {
                        let message = "there is nothing below this file to remove it from".to_string();
                        if r.get_ref().as_bool() == Some(true) {
                            problems.push(problem((path.index(i).key("remove").to_string(), message, Some(r.span()))));
                        }
                    }
                }
                out.push(e);
            }
            Spanned::new(span, DeValue::Array(out))
        }
        other => Spanned::new(span, other),
    }
}

fn merge_named<'a>(
    base: &mut DeArray<'a>,
    over: DeArray<'a>,
    key: &str,
    path: &KeyPath,
    removed: &mut Vec<Removed>,
    problems: &mut Vec<Problem>,
) {
    let kind = singular(key);
    let mut entries: Vec<Spanned<DeValue<'a>>> = base.iter().cloned().collect();
    for (i, entry) in over.iter().enumerate() {
        let here = path.index(i);
        let span = entry.span();
        let DeValue::Table(mut table) = entry.get_ref().clone() else { continue };
        let Some(name) = table.get("name").and_then(|n| n.get_ref().as_str()).map(str::to_string) else {
            let message = format!("each [[{key}]] entry of an overlay needs the name of the {kind} it adds or changes");
            problems.push(problem((here.to_string(), message, Some(span))));
            continue;
        };
        let remove = match table.remove("remove") {
            None => None,
            Some(r) => match r.get_ref().as_bool() {
                Some(b) => Some((b, r.span())),
                None => {
                    problems.push(problem((
                        here.key("remove").to_string(),
                        "must be true or false".into(),
                        Some(r.span()),
                    )));
                    continue;
                }
            },
        };
        let found = entries.iter().position(|e| name_of(e) == Some(name.as_str()));
        match (remove, found) {
            (Some((true, at)), Some(j)) => {
                if let Some(other) = table.keys().find(|k| k.get_ref() != "name") {
                    let message =
                        format!("an entry with remove = true takes only its name (found {})", other.get_ref());
                    problems.push(problem((here.key(other.get_ref()).to_string(), message, Some(other.span()))));
                }
                entries.remove(j);
                removed.push(Removed { kind: kind.to_string(), name, span: at });
            }
            (Some((true, at)), None) => {
                let message = format!("there is no {kind} called '{name}' to remove");
                problems.push(problem((here.key("remove").to_string(), message, Some(at))));
            }
            (_, Some(j)) => {
                if let DeValue::Table(b) = entries[j].get_mut() {
                    merge_table(b, table, &path.index(j), removed, problems);
                }
            }
            (_, None) => entries.push(Spanned::new(span, DeValue::Table(table))),
        }
    }
    let mut out = DeArray::new();
    for e in entries {
        out.push(e);
    }
    *base = out;
}

/// Apply one change to the merged document; `layer` is its text's range.
fn apply<'a>(doc: &mut DeTable<'a>, change: &Change, layer: Range<usize>, sources: &'a Sources) -> Result<(), Problem> {
    let key = change.key();
    let key_span = layer.start..layer.start + key.len();
    let fail = |message: String| problem((key.to_string(), message, Some(key_span.clone())));
    let value = match change {
        Change::Remove { .. } | Change::Overlay { .. } => None,
        Change::Set { .. } => {
            let at = key_span.end + 1;
            match DeValue::parse(&sources.text[at..layer.end]) {
                Ok(v) => Some(shift_value(v, at)),
                Err(e) => {
                    let span = e.span().map(|s| shift(s, at));
                    return Err(problem((
                        key.to_string(),
                        format!("the value is not TOML: {}", e.message().trim()),
                        span,
                    )));
                }
            }
        }
    };
    let mut root = DeValue::Table(std::mem::take(doc));
    let result = walk(&mut root, key, value, &key_span);
    let DeValue::Table(t) = root else { unreachable!("the root stays a table") };
    *doc = t;
    result.map_err(fail)
}

/// Follow the dotted `key` down from `root` and set (or, with no value,
/// remove) what it names. Named lists are entered by name, others by index.
fn walk<'a>(
    root: &mut DeValue<'a>,
    key: &str,
    value: Option<Spanned<DeValue<'a>>>,
    key_span: &Range<usize>,
) -> Result<(), String> {
    let segs: Vec<&str> = key.split('.').collect();
    let mut cur = root;
    let mut walked = KeyPath::root();
    let mut parent_key = "";
    for (n, &seg) in segs.iter().enumerate() {
        let last = n + 1 == segs.len();
        cur = match cur {
            DeValue::Table(t) => {
                if last {
                    return put_in_table(t, seg, value, key_span, &walked.key(seg));
                }
                if !t.contains_key(seg) {
                    if value.is_none() {
                        return Ok(()); // nothing to remove
                    }
                    let k = Spanned::new(key_span.clone(), std::borrow::Cow::Owned(seg.to_string()));
                    t.insert(k, Spanned::new(key_span.clone(), DeValue::Table(DeTable::new())));
                }
                t.get_mut(seg).expect("present or just added").get_mut()
            }
            DeValue::Array(a) => {
                if last && is_named(a) && !a.iter().any(|e| name_of(e) == Some(seg)) {
                    return match value {
                        Some(v) => add_named(a, seg, v, key_span, parent_key),
                        None => entry_index(a, seg, parent_key, &walked).map(|_| ()),
                    };
                }
                let i = entry_index(a, seg, parent_key, &walked)?;
                if last {
                    return put_in_array(a, i, value, key_span);
                }
                a.as_mut()[i].get_mut()
            }
            _ => return Err(format!("{walked} is a single value, so it has no {seg}")),
        };
        walked = walked.key(seg);
        parent_key = seg;
    }
    Ok(())
}

/// Which entry of a list a key segment names: a name in a list of named
/// tables, else an index.
fn entry_index(a: &DeArray<'_>, seg: &str, key: &str, walked: &KeyPath) -> Result<usize, String> {
    if is_named(a) {
        return a.iter().position(|e| name_of(e) == Some(seg)).ok_or_else(|| {
            let names: Vec<&str> = a.iter().filter_map(name_of).collect();
            format!(
                "there is no {} called '{seg}' (there are: {}); add one whole, as {key}.{seg}={{ ... }}",
                singular(key),
                names.join(", ")
            )
        });
    }
    match seg.parse::<usize>() {
        Ok(i) if i < a.len() => Ok(i),
        _ => Err(format!(
            "{walked} is a list of {}: name an entry by its index, 0 to {}",
            a.len(),
            a.len().saturating_sub(1)
        )),
    }
}

/// A new entry of a list of named tables, from `KEY.NAME={ ... }`: the
/// table gets the name from the key (a `name` inside must agree).
fn add_named<'a>(
    a: &mut DeArray<'a>,
    seg: &str,
    value: Spanned<DeValue<'a>>,
    key_span: &Range<usize>,
    key: &str,
) -> Result<(), String> {
    let span = value.span();
    let DeValue::Table(mut t) = value.into_inner() else {
        return Err(format!(
            "there is no {} called '{seg}': to add one, give it whole as a table, {key}.{seg}={{ ... }}",
            singular(key)
        ));
    };
    match t.get("name").map(|n| n.get_ref().as_str()) {
        None => {
            let name = Spanned::new(key_span.clone(), DeValue::String(std::borrow::Cow::Owned(seg.to_string())));
            t.insert(Spanned::new(key_span.clone(), std::borrow::Cow::Borrowed("name")), name);
        }
        Some(Some(n)) if n == seg => {}
        Some(_) => return Err(format!("the new {}'s name must be '{seg}', as in the key", singular(key))),
    }
    a.push(Spanned::new(span, DeValue::Table(t)));
    Ok(())
}

fn put_in_table<'a>(
    t: &mut DeTable<'a>,
    seg: &str,
    value: Option<Spanned<DeValue<'a>>>,
    key_span: &Range<usize>,
    here: &KeyPath,
) -> Result<(), String> {
    let Some(value) = value else {
        t.remove(seg);
        return Ok(());
    };
    drop_alternatives(t, seg, &[]);
    match t.get_mut(seg) {
        Some(slot) => match (slot.get_mut(), value.get_ref()) {
            (DeValue::Table(b), DeValue::Table(o)) if !o.contains_key("dist") => {
                let DeValue::Table(o) = value.into_inner() else { unreachable!() };
                let (mut removed, mut problems) = (Vec::new(), Vec::new());
                merge_table(b, o, here, &mut removed, &mut problems);
                problems.first().map_or(Ok(()), |p| Err(p.message.clone()))
            }
            _ => {
                *slot = value;
                Ok(())
            }
        },
        None => {
            t.insert(Spanned::new(key_span.clone(), std::borrow::Cow::Owned(seg.to_string())), value);
            Ok(())
        }
    }
}

fn put_in_array<'a>(
    a: &mut DeArray<'a>,
    i: usize,
    value: Option<Spanned<DeValue<'a>>>,
    _key_span: &Range<usize>,
) -> Result<(), String> {
    match value {
        None => {
            let mut out = DeArray::new();
            for (j, e) in a.iter().enumerate() {
                if j != i {
                    out.push(e.clone());
                }
            }
            *a = out;
        }
        Some(v) => match (a.as_mut()[i].get_mut(), v.get_ref()) {
            (DeValue::Table(b), DeValue::Table(_)) => {
                let DeValue::Table(o) = v.into_inner() else { unreachable!() };
                let (mut removed, mut problems) = (Vec::new(), Vec::new());
                merge_table(b, o, &KeyPath::root(), &mut removed, &mut problems);
                if let Some(p) = problems.first() {
                    return Err(p.message.clone());
                }
            }
            _ => a.as_mut()[i] = v,
        },
    }
    Ok(())
}
