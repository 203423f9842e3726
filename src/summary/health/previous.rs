//! "Compared with last year's health check": last year's forecast for
//! the year just gone against what the histories now say happened, and
//! this year's forecast against last year's.

use super::{RatedInput, unit_of};
use crate::model::health::{Rated, Rating};
use crate::summary::doc::{Block, Section, Table};

/// One row of last year's `health_check.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousRow {
    pub measure: String,
    pub scope: String,
    pub name: String,
    pub year_ahead: String,
    pub observed: Option<f64>,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub rating: Option<Rating>,
}

/// Last year's health check, as its `health_check.csv` has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    pub file: String,
    pub rows: Vec<PreviousRow>,
}

/// Read last year's `health_check.csv` from its text; `file` names it in
/// messages.
pub fn read_previous(text: &str, file: &str) -> Result<Previous, String> {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers: Vec<String> = r.headers().map_err(|e| format!("{file}: {e}"))?.iter().map(String::from).collect();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            format!("{file}: no column '{name}': --previous takes the folder (or health_check.csv) that last year's caseflow health-check wrote")
        })
    };
    let (measure, scope, name, year, observed) =
        (col("measure")?, col("scope")?, col("name")?, col("year_ahead")?, col("observed")?);
    let (p10, p50, p90, rating) = (col("p10")?, col("p50")?, col("p90")?, col("rating")?);
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| format!("{file}: {e}"))?;
        let num = |c: usize| rec.get(c).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
        let measure_key = rec.get(measure).unwrap_or("").to_string();
        if !Rated::ALL.iter().any(|r| r.key() == measure_key) {
            return Err(format!("{file}:{}: unknown measure '{measure_key}'", i + 2));
        }
        rows.push(PreviousRow {
            measure: measure_key,
            scope: rec.get(scope).unwrap_or("").to_string(),
            name: rec.get(name).unwrap_or("").to_string(),
            year_ahead: rec.get(year).unwrap_or("").to_string(),
            observed: Some(num(observed)).filter(|v| v.is_finite()),
            p10: num(p10),
            p50: num(p50),
            p90: num(p90),
            rating: rec.get(rating).and_then(Rating::parse),
        });
    }
    if rows.is_empty() {
        return Err(format!("{file}: no ratings in it"));
    }
    Ok(Previous { file: file.to_string(), rows })
}

pub(super) fn section(cx: &RatedInput, p: &Previous) -> Section {
    let mut s = Section::new("previous", "Compared with last year's health check");
    let year = p.rows.first().map_or(String::new(), |r| r.year_ahead.clone());
    s.push(Block::Paragraph(format!(
        "Last year's health check ({}) forecast the year {year}. Here its forecast is set against what the histories now record for that year, and this year's forecast against it.",
        p.file
    )));
    let mut t = Table {
        title: String::new(),
        header: [
            "measure",
            "last year's forecast: P50 (P10-P90)",
            "what happened",
            "inside the P10-P90?",
            "this year's forecast",
            "rating then",
            "rating now",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        rows: Vec::new(),
    };
    for a in &cx.assessments {
        let name = a.scope.name(cx.m);
        let Some(old) =
            p.rows.iter().find(|r| r.measure == a.rated.key() && r.scope == a.scope.kind() && r.name == name)
        else {
            continue;
        };
        let unit = unit_of(a.rated);
        let happened = a.observed.as_ref().map(|o| o.bands.p50);
        let inside = match happened {
            Some(v) if old.p10.is_finite() => {
                if v >= old.p10 && v <= old.p90 {
                    "yes"
                } else {
                    "no"
                }
            }
            _ => "-",
        };
        t.rows.push(vec![
            a.label.clone(),
            unit.band(&crate::stats::Bands { p10: old.p10, p50: old.p50, p90: old.p90, mean: f64::NAN }),
            happened.map_or("-".into(), |v| unit.show(v)),
            inside.into(),
            format!("{} ({})", unit.show(a.ahead.bands.p50), unit.show_difference(a.ahead.bands.p50 - old.p50)),
            old.rating.map_or("-", Rating::name).into(),
            a.rating_ahead.map_or("-", Rating::name).into(),
        ]);
    }
    if t.rows.is_empty() {
        s.push(Block::Note("No measure of last year's health check matches one of this year's.".into()));
    } else {
        s.push(Block::Table(t));
    }
    s
}
