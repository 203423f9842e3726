//! "Staffing to reach safe caseloads": for each role whose caseload in
//! the year ahead is above its safe level (or too many of whose workers
//! are), the smallest FTE the staffing search found that brings the share
//! of workers above it within its green limit.

use super::RatedInput;
use crate::format::Unit;
use crate::results::{Scope, WorkforceMetric};
use crate::summary::doc::{Block, Section, Table};

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("staffing", "Staffing to reach safe caseloads");
    if cx.input.staffing.is_empty() {
        let text = if !cx.input.searched {
            "The staffing search was not asked for (--no-search): without it, the health check finds the FTE each role above its safe caseload would need."
        } else {
            "In the median future of the year ahead every role with a safe caseload is under it, and no more of its workers are above it than the green limit, so no staffing was searched."
        };
        if cx.staff_roles().iter().any(|&r| cx.threshold(r).is_some()) {
            s.push(Block::Paragraph(text.into()));
        }
        return s;
    }
    s.push(Block::Paragraph(
        "For each role above its safe caseload, or with more of its workers above it than the green limit, the staffing search (caseflow staff) tried more FTE of that role alone, on the same simulated futures, for the smallest that brings the share of workers above the safe caseload within the green limit in the median future, as the rating reads it. Other roles stay as they are.".into(),
    ));
    let mut t = Table {
        title: String::new(),
        header: [
            "role",
            "safe caseload",
            "FTE now",
            "FTE needed",
            "% of workers above then: P50 (P10-P90)",
            "people per worker then",
            "the role's cost a year: now",
            "then",
            "how found",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        rows: Vec::new(),
    };
    for st in cx.input.staffing {
        t.rows.push(vec![
            cx.m.roles[st.role].label.clone(),
            Unit::Ratio.show(st.threshold),
            Unit::Ratio.show(st.now),
            st.answer.map_or("not found".into(), |v| Unit::Ratio.show(v)),
            st.over.as_ref().map_or("-".into(), |b| Unit::Pct.band(b)),
            st.people.as_ref().map_or("-".into(), |b| Unit::Ratio.band(b)),
            st.cost.as_ref().map_or("-".into(), |c| Unit::Money.show(c.1.p50)),
            st.cost.as_ref().map_or("-".into(), |c| Unit::Money.show(c.0.p50)),
            st.note.clone(),
        ]);
    }
    s.push(Block::Table(t));
    if let Some(text) = why_so_many(cx) {
        s.push(Block::Paragraph(text));
    }
    let commands: Vec<String> = cx.input.staffing.iter().map(|st| st.command.clone()).collect();
    s.push(Block::Text { summary: "Each search on its own, with its full report".into(), text: commands.join("\n") });
    s
}

/// Why the FTE needed can be far more than the mean caseload suggests,
/// with the figures of the first role found.
fn why_so_many(cx: &RatedInput) -> Option<String> {
    let (st, people) = cx.input.staffing.iter().find_map(|st| st.people.as_ref().map(|b| (st, b)))?;
    let mut text = format!(
        "Caseloads differ from worker to worker, so for few enough of them to be above the safe caseload the mean must fall well below it: {} then hold {} people per worker in the median future, against a safe {}.",
        cx.m.roles[st.role].label,
        Unit::Ratio.show(people.p50),
        Unit::Ratio.show(st.threshold)
    );
    let waiting = cx.ahead(Scope::Total, WorkforceMetric::PeopleWaiting).bands.p50;
    if waiting.is_finite() && waiting >= 1.0 {
        text.push_str(&format!(
            " The extra workers also take people now waiting for allocation ({} at the end of a month in the year ahead), so part of their time shortens the waiting list before it lowers caseloads.",
            Unit::Count.show(waiting)
        ));
    }
    if cx.input.staffing.len() > 1 {
        text.push_str(" Each role was searched on its own, so the FTE needed do not add up: more of one role takes work off the others who share its work.");
    }
    Some(text)
}
