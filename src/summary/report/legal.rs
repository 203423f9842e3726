//! Changes in the law: how much work screening takes, and how many
//! requests and renewals end because people no longer qualify.

use super::{ReportInput, words};
use crate::format::{Unit, long_date, month_year, pct, significant};
use crate::model::LegalChange;
use crate::results::{FlowKpi, FlowMetric, RequestKpi};
use crate::stats::Bands;
use crate::summary::doc::{Figure, Sentence, Source};

/// The share of people still needing the requests, in words: the range
/// each future draws from, or the one figure.
pub(super) fn share_in_words(cx: &ReportInput, k: usize) -> String {
    let change = &cx.m.legal_changes[k];
    // In a scenario of areas the areas share the number, named without
    // the area's prefix.
    let common = cx.m.areas.iter().find_map(|a| change.name.strip_prefix(&a.name)?.strip_prefix('_'));
    let key = format!("legal_changes.{}.multiplier", common.unwrap_or(&change.name));
    let drawn = cx.m.uncertain.as_ref().and_then(|u| u.params().into_iter().find(|(name, _)| *name == key));
    match drawn {
        Some((_, d)) => format!(
            "between {} and {} (drawn afresh in each simulated future; {} on average)",
            pct(100.0 * d.min()),
            pct(100.0 * d.max()),
            pct(100.0 * d.mean())
        ),
        None => pct(100.0 * change.still_required),
    }
}

/// A DoLS scenario that runs past 2 June 2026 without the Supreme
/// Court's ruling reads as if the law had not changed: say so, since a
/// council's own scenario made before the ruling leaves it out.
pub(super) fn without_the_ruling(cx: &ReportInput) -> Option<Sentence> {
    let m = cx.m;
    let ruling = crate::model::supreme_court_ruling_2026();
    let has_it = m.legal_changes.iter().any(|c| m.date_at(c.at) == ruling);
    if !cx.has_dols() || has_it || m.date_at(m.end_time()) <= ruling {
        return None;
    }
    Some(Sentence::plain(format!(
        "This scenario leaves out the Supreme Court ruling of {}, which overruled Cheshire West: its DoLS figures \
after that date are as if the law had not changed. For a council's own scenario, caseflow new PROFILE --ruling central \
(or low, or high) adds the ruling; caseflow compare runs the two side by side.",
        long_date(ruling)
    )))
}

/// One sentence per change in the law within the horizon.
pub(super) fn sentences(cx: &ReportInput) -> Vec<Sentence> {
    let (m, agg) = (cx.m, cx.agg);
    let mut out = Vec::new();
    for (k, change) in m.legal_changes.iter().enumerate() {
        if change.at < m.warmup_days || change.at > m.end_time() {
            continue;
        }
        let mut text = format!(
            "After {} ({}), {} of people still need authorisation.",
            change.label,
            long_date(m.date_at(change.at)),
            share_in_words(cx, k)
        );
        let mut figures = Vec::new();
        if let Some(f) = change.reassess {
            let flow = &m.flows[f as usize];
            let screened = Bands::of(agg.flow_kpi(f as usize, FlowKpi::Arrivals));
            let hours = Bands::of(agg.flow_kpi(f as usize, FlowKpi::Hours));
            let cost = Bands::of(agg.flow_kpi(f as usize, FlowKpi::Cost));
            text.push_str(&format!(
                " Everyone waiting or holding an authorisation is screened ({}): {} people, taking {} hours at a cost of {}{}.",
                flow.label,
                words(&screened, Unit::Count),
                words(&hours, Unit::Hours),
                Unit::Money.band(&cost),
                finished_by(cx, change).map_or(String::new(), |d| format!(", most of it done by {d}"))
            ));
            figures.push(Figure { source: Source::kpi("flow", &flow.name, "arrivals"), bands: screened });
            figures.push(Figure { source: Source::kpi("flow", &flow.name, "hours"), bands: hours });
            figures.push(Figure { source: Source::kpi("flow", &flow.name, "cost"), bands: cost });
        }
        let mut ended = Vec::new();
        for (r, request) in m.requests.iter().enumerate() {
            if !change.flows.contains(&request.stages[0]) {
                continue;
            }
            let withdrawn = Bands::of(agg.request_kpi(r, RequestKpi::NotRequired));
            let cancelled = Bands::of(agg.request_kpi(r, RequestKpi::RenewalsCancelled));
            let mut part = format!("{} {} withdrawn", Unit::Count.band(&withdrawn), request.label);
            if cancelled.p90 > 0.0 {
                part.push_str(&format!(" and {} of their renewals cancelled", Unit::Count.band(&cancelled)));
            }
            ended.push(part);
            figures.push(Figure { source: Source::kpi("request", &request.name, "not_required"), bands: withdrawn });
            figures
                .push(Figure { source: Source::kpi("request", &request.name, "renewals_cancelled"), bands: cancelled });
        }
        if !ended.is_empty() {
            text.push_str(&format!(" As people no longer qualify: {}.", ended.join("; ")));
        }
        out.push(Sentence { text, figures });
    }
    out
}

/// The month by whose end nine in ten screenings are done, in the
/// median future.
fn finished_by(cx: &ReportInput, change: &LegalChange) -> Option<String> {
    let f = change.reassess? as usize;
    let total = cx.agg.flow_kpi(f, FlowKpi::Arrivals).quantile(0.5);
    let mut done = 0.0;
    for p in 0..cx.m.periods.len() {
        done += cx.agg.flow_period(f, p, FlowMetric::Completed).quantile(0.5);
        if total > 0.0 && done >= 0.9 * total {
            return Some(month_year(cx.m.periods.last_date(p)));
        }
    }
    None
}

/// The change in the assumptions list.
pub(super) fn assumption(cx: &ReportInput, k: usize) -> (String, String) {
    let m = cx.m;
    let change = &m.legal_changes[k];
    let requests: Vec<String> = change
        .entries
        .iter()
        .map(|&f| {
            let flow = &m.flows[f as usize];
            flow.stage_of.map_or(flow.label.clone(), |(r, _)| m.requests[r].label.clone())
        })
        .collect();
    let mut text = format!(
        "from {}, for {}: {} of people still need them; new requests (direct, found through other work, from latent pools and shocks) are cut to that share",
        long_date(m.date_at(change.at)),
        requests.join(" and "),
        share_in_words(cx, k)
    );
    match change.reassess {
        Some(f) => text.push_str(&format!(
            "; people waiting or with a renewal booked on the date are screened by {} ({} hours each on average), and those who no longer qualify have their request withdrawn or renewal cancelled",
            m.flows[f as usize].label,
            significant(m.flows[f as usize].effort_hours.mean(), 2)
        )),
        None => text.push_str(
            "; people waiting or with a renewal booked on the date who no longer qualify have their request withdrawn or renewal cancelled at once",
        ),
    }
    (format!("Change in the law: {}", change.label), text)
}
