//! "In short": the few sentences a head of service reads first.

use super::{ReportInput, words};
use crate::format::Unit;
use crate::model::{DolsPolicy, RoleKind, WorkKind};
use crate::results::{FlowKpi, RequestKpi, TotalMetric};
use crate::stats::Bands;
use crate::summary::doc::{Block, Figure, Section, Sentence, Source};
use crate::units::DAYS_PER_WEEK;

pub(super) fn section(cx: &ReportInput) -> Section {
    let mut s = Section::new("headline", "In short");
    let mut sentences: Vec<Sentence> = not_reproduced(cx).into_iter().collect();
    if cx.has_dols() {
        sentences.extend(dols(cx));
    }
    // A region's changes in the law are told per area, in "Areas".
    if cx.m.areas.is_empty() {
        sentences.extend(super::legal::sentences(cx));
        sentences.extend(super::legal::without_the_ruling(cx));
    }
    sentences.extend(care_management(cx));
    let cost = Bands::of(cx.agg.total_kpi(TotalMetric::CostTotal));
    if cost.p50 > 0.0 {
        sentences.push(Sentence {
            text: format!("Total cost over {:.1} years: {}.", cx.years, words(&cost, Unit::Money)),
            figures: vec![Figure { source: Source::kpi("scenario", &cx.m.name, "cost_total"), bands: cost }],
        });
    }
    sentences.extend(super::money::dols_sentence(cx));
    sentences.extend(super::money::budget_sentences(cx));
    s.push(Block::Sentences(sentences));
    s.push(Block::Note(
        "Figures are medians (P50) with the range that 80% of simulated futures fall in (P10-P90). The range \
covers chance from one future to another, and doubt about any value the scenario gives as a range; not doubt \
about the values it gives as single numbers."
            .into(),
    ));
    s
}

/// A warning before anything else when the run does not start where the
/// council stands: every figure after it rests on that start, and a
/// narrow range would otherwise read as sureness.
fn not_reproduced(cx: &ReportInput) -> Option<Sentence> {
    let which = super::today::missed_words(cx.m, cx.agg)?;
    Some(Sentence::plain(format!(
        "Read these figures with care: the model does not reproduce {which} the council observed \
(see \"Does the model reproduce today?\"). Where this scenario is meant to be the council as it stands, its \
figures do not start where the council does, and their ranges do not cover that gap. {}",
        super::today::CALIBRATE_ADVICE
    )))
}

/// Who does the best interests assessments, in words: each staff role
/// with its FTE and, for dual-role staff, the share of their casework
/// hours they give DoLS in the run (P50); and bought-in assessments a week.
fn dols_capacity(cx: &ReportInput) -> String {
    let m = cx.m;
    let first_stage = |f: u16| {
        let flow = &m.flows[f as usize];
        flow.kind == WorkKind::Dols && flow.stage_of.is_none_or(|(_, k)| k == 0) && flow.deprivation.is_some()
    };
    let (mut staff, mut per_week) = (Vec::new(), 0.0);
    for (i, r) in m.roles.iter().enumerate().filter(|(_, r)| r.skills.iter().any(|&f| first_stage(f))) {
        match r.kind {
            RoleKind::Staff if r.does_care_management(m) => {
                let dols = Bands::of(cx.agg.role_kpi(i, crate::results::RoleKpi::HoursDols)).p50;
                let available = Bands::of(cx.agg.role_kpi(i, crate::results::RoleKpi::HoursAvailable)).p50;
                // A share of the casework hours they were at work, as the
                // run used them (a share set aside is of contracted hours,
                // which leave and sickness do not reduce), and that share
                // of their FTE: the casework time DoLS takes, as the health
                // check says it.
                let share = if available > 0.0 { dols / available } else { 0.0 };
                let per_week = dols / (m.horizon_days / DAYS_PER_WEEK);
                let set = match r.dols_policy {
                    DolsPolicy::FixedShare { share: set, .. } if (set - share).abs() >= 0.005 => {
                        format!("; {} set aside", Unit::Probability.show(set))
                    }
                    _ => String::new(),
                };
                staff.push(format!(
                    "{:.1} FTE of {} (giving DoLS about {} hours a week, {} of their casework hours at work, the casework of {:.1} of their {:.1} FTE{set})",
                    r.fte,
                    r.label,
                    Unit::Hours.show(per_week),
                    Unit::Probability.show(share),
                    r.fte * share,
                    r.fte,
                ));
            }
            RoleKind::Staff => staff.push(format!("{:.1} FTE of {}", r.fte, r.label)),
            RoleKind::BoughtIn { per_week: w, .. } => per_week += w,
        }
    }
    if per_week > 0.0 {
        staff.push(format!("{per_week:.0} bought-in assessments a week"));
    }
    crate::format::list(&staff.iter().map(String::as_str).collect::<Vec<_>>())
}

fn dols(cx: &ReportInput) -> Vec<Sentence> {
    let (m, agg) = (cx.m, cx.agg);
    let mut out = Vec::new();
    let backlog = Bands::of(agg.total_period(cx.last, TotalMetric::DolsOpen));
    let mut text = format!(
        "With {} doing best interests assessments, the DoLS backlog (requests not yet completed) is {} by {}",
        dols_capacity(cx),
        words(&backlog, Unit::Count),
        cx.by()
    );
    let mut figures =
        vec![Figure { source: Source::TotalPeriod { metric: "dols_open", period: cx.last }, bands: backlog }];
    // Each DoLS request with a deadline: how many are decided in time (in
    // a region, per area in "Areas" instead).
    let requests = if m.areas.is_empty() { m.requests.as_slice() } else { &[] };
    for (r, request) in requests.iter().enumerate() {
        let first = &m.flows[request.first()];
        let (WorkKind::Dols, Some(deadline)) = (first.kind, first.deadline_days) else { continue };
        let within = Bands::of(agg.request_kpi(r, RequestKpi::WithinDeadlinePct));
        let days = Bands::of(agg.request_kpi(r, RequestKpi::MeanDaysToCompletion));
        text.push_str(&format!(
            "; {} of {} are completed within {deadline:.0} days, in {} days on average",
            words(&within, Unit::Pct),
            request.label,
            Unit::Days.show(days.p50)
        ));
        figures.push(Figure { source: Source::kpi("request", &request.name, "within_deadline_pct"), bands: within });
        figures.push(Figure { source: Source::kpi("request", &request.name, "mean_days_to_completion"), bands: days });
    }
    text.push_str(" (completed: decided, or closed without a decision, as councils' DoLS returns count them).");
    out.push(Sentence { text, figures });

    let people = Bands::of(agg.total_period(cx.last, TotalMetric::Unauthorised));
    let days = Bands::of(agg.total_kpi(TotalMetric::UnauthorisedDays));
    out.push(Sentence {
        text: format!(
            "At the end, {} people are deprived of liberty without authorisation; {} person-days unauthorised over the period.",
            words(&people, Unit::Count),
            words(&days, Unit::Count)
        ),
        figures: vec![
            Figure { source: Source::TotalPeriod { metric: "unauthorised", period: cx.last }, bands: people },
            Figure { source: Source::kpi("scenario", &m.name, "unauthorised_days"), bands: days },
        ],
    });
    let lost = Bands::of(agg.total_kpi(TotalMetric::DolsHoursDualRole));
    if lost.p50 > 0.0 {
        out.push(Sentence {
            text: format!(
                "Over the {:.1} years, social workers who are also BIAs give {} hours to DoLS (about {} hours a week): care management time they do not have.",
                cx.years,
                words(&lost, Unit::Hours),
                Unit::Hours.show(lost.p50 / (m.horizon_days / DAYS_PER_WEEK))
            ),
            figures: vec![Figure { source: Source::kpi("scenario", &m.name, "dols_hours_dual_role"), bands: lost }],
        });
    }
    out
}

/// The care management flow with a deadline that takes most hours.
fn care_management(cx: &ReportInput) -> Option<Sentence> {
    let (m, agg) = (cx.m, cx.agg);
    let f = (0..m.flows.len())
        .filter(|&f| m.flows[f].kind == WorkKind::CareManagement && m.flows[f].deadline_days.is_some())
        .max_by(|&a, &b| {
            let hours = |f: usize| agg.flow_kpi(f, FlowKpi::Completed).mean() * m.flows[f].effort_hours.mean();
            hours(a).total_cmp(&hours(b))
        })?;
    let flow = &m.flows[f];
    let within = Bands::of(agg.flow_kpi(f, FlowKpi::WithinDeadlinePct));
    let waiting = Bands::of(agg.flow_kpi(f, FlowKpi::WaitingAtEnd));
    Some(Sentence {
        text: format!(
            "{} of {} are completed within {:.0} days; {} are waiting for allocation at the end.",
            words(&within, Unit::Pct),
            flow.label,
            flow.deadline_days.unwrap_or(0.0),
            words(&waiting, Unit::Count)
        ),
        figures: vec![
            Figure { source: Source::kpi("flow", &flow.name, "within_deadline_pct"), bands: within },
            Figure { source: Source::kpi("flow", &flow.name, "waiting_at_end"), bands: waiting },
        ],
    })
}
