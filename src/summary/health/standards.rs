//! "Standards": a red, amber or green rating for each employer standard
//! the model can measure, for last year and the year ahead, with the
//! limits from the scenario and the reason for each.

use super::{RatedInput, Standard, standard_rating, unit_of};
use crate::summary::doc::{Block, Section, Table};

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("standards", "Standards for employers of social workers");
    if cx.assessments.is_empty() {
        return s;
    }
    s.push(Block::Paragraph(
        "Each standard is rated by its worst measure in the year ahead. A measure is rated on the median future (P50): green within the first limit, amber within the second, red beyond. The limits are the scenario's ([health_check]); where it gives none, workforce rates are green up to the latest national figure and amber up to a quarter above it.".into(),
    ));
    let mut summary = Table {
        title: "By standard".into(),
        header: vec!["standard".into(), "year ahead".into(), "last year".into()],
        rows: Vec::new(),
    };
    for st in Standard::ALL {
        let Some(ahead) = standard_rating(&cx.assessments, st) else { continue };
        let last = cx.assessments.iter().filter(|a| a.standard == st).filter_map(|a| a.rating_observed).max();
        summary.rows.push(vec![st.title().into(), ahead.name().into(), last.map_or("-", |r| r.name()).into()]);
    }
    s.push(Block::Table(summary));
    let mut t = Table {
        title: "By measure".into(),
        header: ["standard", "measure", "last year", "its rating", "year ahead: P50 (P10-P90)", "its rating", "why"]
            .into_iter()
            .map(String::from)
            .collect(),
        rows: Vec::new(),
    };
    for a in &cx.assessments {
        let unit = unit_of(a.rated);
        t.rows.push(vec![
            a.standard.title().to_string(),
            a.label.clone(),
            a.observed.as_ref().map_or("-".into(), |o| unit.show(o.bands.p50)),
            a.rating_observed.map_or("-", |r| r.name()).to_string(),
            unit.band(&a.ahead.bands),
            a.rating_ahead.map_or("-", |r| r.name()).to_string(),
            a.reason.clone(),
        ]);
    }
    s.push(Block::Table(t));
    s.push(Block::Note(
        "Not measured by the model, for the principal social worker's own evidence: 1. social work framework (strategic and professional leadership), 7. professional registration, 8. strategic partnerships.".into(),
    ));
    s
}
