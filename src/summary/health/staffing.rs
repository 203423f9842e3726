//! "Staffing to reach safe caseloads": for each role whose caseload in
//! the year ahead is above its safe level, the smallest FTE the staffing
//! search found that brings people allocated per worker under it.

use super::Cx;
use crate::format::Unit;
use crate::summary::doc::{Block, Section, Table};

pub(super) fn section(cx: &Cx) -> Section {
    let mut s = Section::new("staffing", "Staffing to reach safe caseloads");
    if cx.input.staffing.is_empty() {
        if cx.staff_roles().iter().any(|&r| cx.threshold(r).is_some()) {
            s.push(Block::Paragraph(
                "Every role with a safe caseload is under it in the median future of the year ahead (or the search was not asked for), so no staffing was searched.".into(),
            ));
        }
        return s;
    }
    s.push(Block::Paragraph(
        "For each role above its safe caseload, the staffing search (caseflow staff) tried more FTE of that role alone, on the same simulated futures, for the smallest that keeps people allocated per worker under the safe caseload in at least 9 futures out of 10. Other roles stay as they are.".into(),
    ));
    let mut t = Table {
        title: String::new(),
        header: [
            "role",
            "safe caseload",
            "FTE now",
            "FTE needed",
            "people per worker then: P50 (P10-P90)",
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
            st.people.as_ref().map_or("-".into(), |b| Unit::Ratio.band(b)),
            st.cost.as_ref().map_or("-".into(), |c| Unit::Money.show(c.1.p50)),
            st.cost.as_ref().map_or("-".into(), |c| Unit::Money.show(c.0.p50)),
            st.note.clone(),
        ]);
    }
    s.push(Block::Table(t));
    let commands: Vec<String> = cx.input.staffing.iter().map(|st| st.command.clone()).collect();
    s.push(Block::Text { summary: "Each search on its own, with its full report".into(), text: commands.join("\n") });
    s
}
