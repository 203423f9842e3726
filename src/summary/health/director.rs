//! "For the director": what the health check says, in a few sentences a
//! principal social worker can put in front of a director. Every figure
//! is the P50 of the year ahead (with its P10-P90) or last year's
//! observed value, each read from its table.

use super::{RatedInput, Standard, standard_rating};
use crate::format::{Unit, capital};
use crate::model::health::{Rated, Rating};
use crate::results::{Scope, WorkforceMetric as W};
use crate::summary::doc::{Block, Figure, Section, Sentence};

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("summary", "For the director");
    let mut out = vec![overview(cx)];
    out.extend(caseloads(cx));
    out.extend(waiting(cx));
    out.extend(workforce(cx));
    out.extend(supervision(cx));
    out.extend(staffing(cx));
    out.extend(super::dols::sentences(cx));
    out.extend(seed_measure(cx));
    s.push(Block::Sentences(out));
    s.push(Block::Note(
        "Year-ahead figures are medians (P50) of the simulated futures with the range 80% of them fall in (P10-P90); last year's are as the council's records give them.".into(),
    ));
    s
}

fn overview(cx: &RatedInput) -> Sentence {
    let rated: Vec<(Standard, Rating)> =
        Standard::ALL.iter().filter_map(|&s| standard_rating(&cx.assessments, s).map(|r| (s, r))).collect();
    let count = |r: Rating| rated.iter().filter(|x| x.1 == r).count();
    let names = |r: Rating| rated.iter().filter(|x| x.1 == r).map(|x| x.0.title()).collect::<Vec<_>>().join("; ");
    let mut text = format!(
        "Of the {} employer standards the model can measure, the year ahead ({}) has {} green, {} amber and {} red.",
        rated.len(),
        cx.year_ahead(),
        count(Rating::Green),
        count(Rating::Amber),
        count(Rating::Red)
    );
    if count(Rating::Red) > 0 {
        text.push_str(&format!(" Red: {}.", names(Rating::Red)));
    }
    if count(Rating::Amber) > 0 {
        text.push_str(&format!(" Amber: {}.", names(Rating::Amber)));
    }
    Sentence::plain(text)
}

/// Each role with a safe caseload: people per worker against it, and the
/// share of workers above it; roles furthest over first, at most four.
fn caseloads(cx: &RatedInput) -> Vec<Sentence> {
    let mut roles: Vec<(usize, f64, Figure, Figure)> = cx
        .staff_roles()
        .into_iter()
        .filter_map(|r| {
            let t = cx.threshold(r)?;
            let people = cx.ahead(Scope::Role(r), W::PeopleAllocated);
            let over = cx.ahead(Scope::Role(r), W::OverThresholdPct);
            Some((r, t, people, over))
        })
        .filter(|x| x.2.bands.p50.is_finite())
        .collect();
    roles.sort_by(|a, b| (b.2.bands.p50 / b.1).total_cmp(&(a.2.bands.p50 / a.1)));
    roles
        .into_iter()
        .take(4)
        .map(|(r, t, people, over)| {
            let label = &cx.m.roles[r].label;
            let last = cx.observed(Scope::Role(r), W::PeopleAllocated);
            let mut text = format!(
                "{}: {} people allocated per worker (safe caseload {}); {} of them above it.",
                capital(label),
                Unit::Ratio.band_words(&people.bands),
                Unit::Ratio.show(t),
                Unit::Pct.band_words(&over.bands)
            );
            let mut figures = vec![people, over];
            if let Some(o) = last {
                text.pop();
                text.push_str(&format!(" (last year {} people per worker).", Unit::Ratio.show(o.bands.p50)));
                figures.push(o);
            }
            Sentence { text, figures }
        })
        .collect()
}

fn waiting(cx: &RatedInput) -> Option<Sentence> {
    let w = cx.ahead(Scope::Total, W::PeopleWaiting);
    if !w.bands.p50.is_finite() {
        return None;
    }
    Some(Sentence {
        text: format!(
            "At the end of a month in the year ahead, {} people would be waiting for allocation to a worker.",
            Unit::Count.band_words(&w.bands)
        ),
        figures: vec![w],
    })
}

fn workforce(cx: &RatedInput) -> Option<Sentence> {
    let mut parts = Vec::new();
    let mut figures = Vec::new();
    for (k, rated) in
        [(W::VacancyPct, Rated::VacancyPct), (W::TurnoverPct, Rated::TurnoverPct), (W::AgencyPct, Rated::AgencyPct)]
    {
        let ahead = cx.ahead(Scope::Total, k);
        if !ahead.bands.p50.is_finite() {
            continue;
        }
        let mut notes = Vec::new();
        let unit = super::unit_of(rated);
        let value = unit.show(ahead.bands.p50);
        figures.push(ahead);
        if let Some(o) = cx.observed(Scope::Total, k) {
            notes.push(format!("last year {}", unit.show(o.bands.p50)));
            figures.push(o);
        }
        if let Some((n, _)) = super::national(rated) {
            notes.push(format!("national {}", unit.show(n)));
        }
        let what = super::words_of(rated);
        parts.push(if notes.is_empty() {
            format!("{what} {value}")
        } else {
            format!("{what} {value} ({})", notes.join("; "))
        });
    }
    if parts.is_empty() {
        return None;
    }
    Some(Sentence { text: format!("Workforce in the year ahead: {}.", parts.join(", ")), figures })
}

fn supervision(cx: &RatedInput) -> Option<Sentence> {
    let s = cx.m.supervision.as_ref()?;
    let d = cx.ahead(Scope::Total, W::SupervisionDeliveredPct);
    if !d.bands.p50.is_finite() {
        return None;
    }
    let policy = match s.cancel_above_load {
        None => "sessions are kept under pressure".to_string(),
        Some(l) => format!(
            "sessions are cancelled when more than {} of a worker's hours are promised",
            Unit::Pct.show(100.0 * l)
        ),
    };
    let mut text = format!(
        "Supervision ({} hours a {}; {policy}): {} of planned hours would be delivered",
        crate::format::significant(s.hours, 3),
        s.every.name(),
        Unit::Pct.band_words(&d.bands)
    );
    let mut figures = vec![d];
    if let Some(o) = cx.observed(Scope::Total, W::SupervisionDeliveredPct) {
        text.push_str(&format!(", against {} last year", Unit::Pct.show(o.bands.p50)));
        figures.push(o);
    }
    text.push('.');
    Some(Sentence { text, figures })
}

fn staffing(cx: &RatedInput) -> Vec<Sentence> {
    cx.input
        .staffing
        .iter()
        .map(|st| {
            let label = &cx.m.roles[st.role].label;
            match (st.answer, &st.cost) {
                (Some(fte), Some((then, now))) => Sentence::plain(format!(
                    "To bring the {label} above their safe caseload ({} people) to {} or fewer would take {} FTE (now {}), about {} a year more.",
                    Unit::Ratio.show(st.threshold),
                    Unit::Pct.show(st.limit),
                    Unit::Ratio.show(fte),
                    Unit::Ratio.show(st.now),
                    Unit::Money.show(then.p50 - now.p50)
                )),
                _ => Sentence::plain(format!(
                    "{}: no staffing searched brings those above their safe caseload ({} people) to {} or fewer ({}).",
                    capital(label),
                    Unit::Ratio.show(st.threshold),
                    Unit::Pct.show(st.limit),
                    st.note
                )),
            }
        })
        .collect()
}

/// The seed council's measure, named as it named it.
fn seed_measure(cx: &RatedInput) -> Option<Sentence> {
    let ahead = cx.ahead(Scope::Total, W::CompletedPerWorkerYear);
    if !ahead.bands.p50.is_finite() {
        return None;
    }
    let mut text = format!(
        "Counted as the council's 'average worker case load' (assessments and reviews completed per worker a year), the year ahead gives {}",
        Unit::Ratio.band_words(&ahead.bands)
    );
    let mut figures = vec![ahead];
    if let Some(o) = cx.observed(Scope::Total, W::CompletedPerWorkerYear) {
        text.push_str(&format!(" against {} last year", Unit::Ratio.show(o.bands.p50)));
        figures.push(o);
    }
    text.push_str(": a measure of throughput, not of the people each worker holds.");
    Some(Sentence { text, figures })
}
