//! "Supervision and development": supervision planned and delivered by
//! role, protected development time, and newly qualified workers'
//! protected caseloads.

use super::RatedInput;
use crate::format::{Unit, significant};
use crate::results::{Scope, WorkforceMetric as W};
use crate::summary::doc::{Block, Chart, ChartKind, Panel, Section, Series, Table};

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("supervision", "Supervision and development");
    let roles = cx.staff_roles();
    if roles.is_empty() {
        return s;
    }
    match &cx.m.supervision {
        None => {
            s.push(Block::Paragraph(
                "The scenario has no [supervision]: supervision is inside each role's casework share, so the model cannot say how much is delivered.".into(),
            ));
        }
        Some(sup) => {
            let asye: Vec<String> =
                sup.asye.iter().map(|(until, every)| format!("every {} to day {until:.0}", every.name())).collect();
            let policy = match sup.cancel_above_load {
                None => "Sessions are kept when a worker is busy; a worker away on leave or sick has theirs when back, if before the next is due.".to_string(),
                Some(l) => format!(
                    "Sessions are cancelled when more than {} of the worker's hours are promised to work; a worker away has theirs when back, if before the next is due.",
                    Unit::Pct.show(100.0 * l)
                ),
            };
            s.push(Block::Paragraph(format!(
                "Supervision: {} hours every {}{}. {policy} A session takes the worker away from casework for its hours.",
                significant(sup.hours, 3),
                sup.every.name(),
                if asye.is_empty() {
                    String::new()
                } else {
                    format!(" (newly qualified workers {}, then as everyone)", asye.join(", "))
                }
            )));
        }
    }
    let mut t = Table {
        title: "By role, over the year ahead".into(),
        header: [
            "role",
            "supervision hours due",
            "given",
            "% given: P50 (P10-P90)",
            "last year",
            "development hours",
            "newly qualified at the end",
            "% within protected caseload",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        rows: Vec::new(),
    };
    for scope in roles.iter().map(|&r| Scope::Role(r)).chain([Scope::Total]) {
        let band = |k| cx.ahead(scope, k).bands;
        t.rows.push(vec![
            crate::format::capital(&scope.label(cx.m)),
            Unit::Hours.band(&band(W::SupervisionPlannedHours)),
            Unit::Hours.band(&band(W::SupervisionDeliveredHours)),
            Unit::Pct.band(&band(W::SupervisionDeliveredPct)),
            cx.observed(scope, W::SupervisionDeliveredPct).map_or("-".into(), |o| Unit::Pct.show(o.bands.p50)),
            Unit::Hours.band(&band(W::DevelopmentHours)),
            Unit::Count.band(&band(W::AsyeInPost)),
            Unit::Pct.band(&band(W::AsyeProtectedPct)),
        ]);
    }
    s.push(Block::Table(t));
    s.push(Block::Note(format!(
        "A newly qualified (ASYE) worker is within their protected caseload when they hold no more than {} of their role's safe caseload; the share is over the ends of months.",
        cx.m.health.as_ref().map_or("-".into(), |h| Unit::Pct.show(100.0 * h.asye_share))
    )));
    if cx.m.supervision.is_some() {
        s.push(Block::Chart(chart(cx, &roles)));
    }
    s
}

fn chart(cx: &RatedInput, roles: &[usize]) -> Chart {
    let bands: Vec<_> = roles.iter().map(|&r| cx.ahead(Scope::Role(r), W::SupervisionDeliveredPct).bands).collect();
    let series = Series::over("% delivered", bands.len(), |i| bands[i]);
    Chart {
        id: "supervision".into(),
        legend: "upper",
        from_zero: true,
        title: "Supervision delivered, by role".into(),
        caption:
            "Supervision hours given as a share of hours due over the year ahead: bar at the median, whisker P10-P90."
                .into(),
        kind: ChartKind::Bars,
        x_label: "role".into(),
        y_label: "% of supervision due".into(),
        x_ticks: roles.iter().map(|&r| cx.m.roles[r].label.clone()).collect(),
        x_marks: Vec::new(),
        panels: vec![Panel::new("", vec![series])],
    }
}
