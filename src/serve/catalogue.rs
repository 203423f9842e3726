//! The scenarios the page offers: those in the scenarios folder and the
//! files given on the command line, and uploads kept in memory. A request
//! names a scenario by its id here, never by a path; an upload's `base`
//! may name only an offered file, and it may not name other files.
//!
//! A council profile becomes one more kind of entry: its text turned into
//! scenario text, loaded as an upload is (`Source::Text`).

use std::path::{Path, PathBuf};

use super::ServeError;
use crate::format::{Unit, thousands};
use crate::model::WorkKind;
use crate::scenario::{Change, Scenario, Source};
use crate::units::{DAYS_PER_WEEK, DAYS_PER_YEAR};

/// One scenario on offer.
#[derive(Debug, Clone)]
pub struct Entry {
    /// How requests name it: `shipped-3`, `upload-7`.
    pub id: String,
    /// The file name shown (`halton-2015-baseline.toml`, or the upload's).
    pub title: String,
    pub source: Source,
    pub description: String,
    /// Its key figures in plain words.
    pub figures: Vec<String>,
}

impl Entry {
    pub fn load(&self, changes: &[Change]) -> Result<Scenario, ServeError> {
        Ok(self.source.load(changes)?)
    }
}

/// The scenarios on offer.
pub struct Catalogue {
    pub shipped: Vec<Entry>,
    /// The folder an upload's base is read from.
    pub bases: PathBuf,
    uploads: Vec<Entry>,
    next_upload: u64,
}

/// Uploads kept at once; the oldest goes first.
const UPLOADS_KEPT: usize = 32;

impl Catalogue {
    /// Every scenario in `dir` that loads, then `files`.
    pub fn new(dir: &Path, files: &[PathBuf]) -> Catalogue {
        let mut paths: Vec<PathBuf> =
            std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
        paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        paths.sort();
        paths.extend(files.iter().cloned());
        let mut shipped = Vec::new();
        for path in paths {
            let title = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into());
            // A council profile is offered as the scenario `caseflow new` makes of it.
            let source = if is_profile(&path) {
                let Ok(c) = crate::profile::read(&path) else { continue };
                Source::Text {
                    text: crate::profile::scenario_text(&c, &title),
                    name: title.clone(),
                    bases: dir.to_path_buf(),
                }
            } else {
                Source::File(path)
            };
            let Ok(sc) = source.load(&[]) else { continue };
            shipped.push(Entry {
                id: format!("shipped-{}", shipped.len()),
                title,
                source,
                description: sc.model.description.clone(),
                figures: key_figures(&sc),
            });
        }
        Catalogue { shipped, bases: dir.to_path_buf(), uploads: Vec::new(), next_upload: 0 }
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.shipped.iter().chain(&self.uploads).find(|e| e.id == id)
    }

    /// Keep an upload that loads, and what else it offers (see
    /// `keep_profile`); its problems otherwise.
    pub fn upload(&mut self, name: &str, text: &str) -> Result<Vec<Entry>, ServeError> {
        let title = plain_name(name);
        match text.parse::<toml::Table>() {
            Ok(doc) if looks_like_profile(&doc) => {
                let checked = crate::profile::check(crate::profile::parse(text, &title)?, &title)?;
                self.keep_profile(title, &checked)
            }
            _ => Ok(vec![self.keep(title, text.to_string())?.clone()]),
        }
    }

    /// Keep a council's profile sent as the spreadsheet template
    /// (`caseflow new --template FILE.xlsx`), as `upload` keeps one.
    pub fn upload_workbook(&mut self, name: &str, bytes: Vec<u8>) -> Result<Vec<Entry>, ServeError> {
        let title = plain_name(name);
        let profile = crate::profile::xlsx::from_bytes(bytes, &title)?;
        let checked = crate::profile::check(profile, &title)?;
        self.keep_profile(title, &checked)
    }

    /// A council's profile as the scenario `caseflow new` makes of it and,
    /// when its figures are from before the Supreme Court's ruling of 2
    /// June 2026, also as `caseflow new --ruling central` makes it, so the
    /// page can answer what the ruling does to this council (the size of
    /// the change is a field of that scenario's form).
    fn keep_profile(&mut self, title: String, c: &crate::profile::Checked) -> Result<Vec<Entry>, ServeError> {
        use crate::profile::Ruling;
        let mut kept = vec![self.keep(title.clone(), crate::profile::scenario_text(c, &title))?.clone()];
        if c.start <= Ruling::date() {
            let text = crate::profile::scenario_text_with(c, &title, Some(Ruling::Central));
            let shown = format!("{title} with the ruling of {}", crate::format::long_date(Ruling::date()));
            kept.push(self.keep(shown, text)?.clone());
        }
        Ok(kept)
    }

    fn keep(&mut self, title: String, text: String) -> Result<&Entry, ServeError> {
        self.guard(&text, &title)?;
        let source = Source::Text { text, name: title.clone(), bases: self.bases.clone() };
        let sc = source.load(&[])?;
        self.next_upload += 1;
        if self.uploads.len() >= UPLOADS_KEPT {
            self.uploads.remove(0);
        }
        self.uploads.push(Entry {
            id: format!("upload-{}", self.next_upload),
            title,
            source,
            figures: key_figures(&sc),
            description: sc.model.description,
        });
        Ok(self.uploads.last().expect("just pushed"))
    }

    /// An upload may name as its base only a scenario on offer in the
    /// scenarios folder, and no other file (history CSVs, areas'
    /// scenarios): the server reads no path a request gives.
    fn guard(&self, text: &str, name: &str) -> Result<(), ServeError> {
        let Ok(doc) = text.parse::<toml::Table>() else { return Ok(()) }; // the loader reports it, with its place
        let offered = |f: &str| {
            self.shipped.iter().any(|e| {
                e.title == f && matches!(&e.source, Source::File(p) if p.parent() == Some(self.bases.as_path()))
            })
        };
        let mut problems = Vec::new();
        if let Some(base) = doc.get("base") {
            match base.as_str() {
                Some(b) if offered(b) => {}
                _ => problems.push((
                    "base".to_string(),
                    format!(
                        "an uploaded scenario's base must be one of the scenarios offered here, by its file name ({})",
                        self.base_names().join(", ")
                    ),
                )),
            }
        }
        find_files(&toml::Value::Table(doc), "", &mut problems);
        if problems.is_empty() {
            return Ok(());
        }
        let message = problems.iter().map(|(k, m)| format!("{k}: {m}")).collect::<Vec<_>>().join("; ");
        Err(ServeError::Upload { name: name.to_string(), message })
    }

    fn base_names(&self) -> Vec<&str> {
        self.shipped
            .iter()
            .filter(|e| matches!(&e.source, Source::File(p) if p.parent() == Some(self.bases.as_path())))
            .map(|e| e.title.as_str())
            .collect()
    }
}

/// A council profile (a `[council]` table and no `[scenario]`), or the
/// spreadsheet template.
fn is_profile(path: &Path) -> bool {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        return true;
    }
    crate::input::read_text(path, crate::input::Kind::Scenario)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| looks_like_profile(&t))
}

fn looks_like_profile(doc: &toml::Table) -> bool {
    doc.contains_key("council") && !doc.contains_key("scenario") && !doc.contains_key("base")
}

/// Keys that name files: refused in an upload.
fn find_files(v: &toml::Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let here = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                let names_file = k == "history" || (k == "scenario" && at.starts_with("areas"));
                if names_file && v.is_str() {
                    out.push((here, "an uploaded scenario cannot name a file on this machine".into()));
                } else {
                    find_files(v, &here, out);
                }
            }
        }
        toml::Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| find_files(v, &format!("{at}[{i}]"), out)),
        _ => {}
    }
}

/// An upload's name as shown: its file name's letters, digits and `-_.`.
fn plain_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| c.is_ascii_alphanumeric() || "-_. ".contains(*c)).take(80).collect();
    if clean.trim().is_empty() { "upload.toml".into() } else { clean }
}

/// A scenario's key figures in plain words, for choosing it.
pub fn key_figures(sc: &Scenario) -> Vec<String> {
    let m = &sc.model;
    let mut out = vec![format!(
        "{} from {} by {}, {} roles and {} kinds of work",
        years_words(m.horizon_days),
        crate::format::month_year(m.start),
        m.periods.kind.name(),
        m.roles.len(),
        m.flows.len()
    )];
    let staff: Vec<String> = m
        .roles
        .iter()
        .map(|r| {
            if r.is_bought_in() {
                format!("{}: up to {} a week", r.label, crate::format::decimal(r.hours_per_day(1.0) * DAYS_PER_WEEK, 0))
            } else {
                format!("{}: {} FTE", r.label, crate::format::decimal(r.fte, 1))
            }
        })
        .collect();
    out.push(format!("Staff: {}", staff.join("; ")));
    let demand: Vec<String> = m
        .requests
        .iter()
        .filter_map(|r| {
            let arrivals = m.flows[r.first()].arrivals.as_ref()?;
            // The rate in force at the start (after any warm-up).
            let at_start =
                arrivals.segments.iter().rfind(|s| s.start <= m.warmup_days).or(arrivals.segments.first())?;
            let per_year = at_start.rate_per_day * DAYS_PER_YEAR;
            // Renewals and requests that follow other work come on top: a
            // council's yearly figure counts them too.
            let first = r.first() as u16;
            let followed =
                m.flows.iter().any(|f| f.route_groups.iter().any(|g| g.routes.iter().any(|x| x.to == first)));
            let more = if followed { " new, plus renewals and follow-ups" } else { "" };
            Some(format!("{}: about {} a year{more}", r.label, thousands(per_year)))
        })
        .collect();
    if !demand.is_empty() {
        out.push(format!("Requests: {}", demand.join("; ")));
    }
    if m.flows.iter().any(|f| f.kind == WorkKind::Dols) {
        for l in &m.legal_changes {
            out.push(format!(
                "{} from {}: {} of people still need authorisation (on average)",
                l.label,
                crate::format::month_year(m.date_at(l.at)),
                Unit::Probability.show(l.still_required)
            ));
        }
    }
    for line in &m.budget {
        if let Some(first) = line.per_year.first() {
            out.push(format!("Budget for {}: {} in the first year", line.item.label(), Unit::Money.show_given(*first)));
        }
    }
    out
}

fn years_words(days: f64) -> String {
    let years = days / DAYS_PER_YEAR;
    if (years - years.round()).abs() < 0.02 {
        format!("{} years", years.round())
    } else {
        format!("{} days", thousands(days))
    }
}
