//! "How this was worked out": the model's assumptions as they bear on the
//! health check, and the settings it rated with.

use super::RatedInput;
use crate::format::{Unit, significant};
use crate::summary::doc::{Block, Section};
use crate::units::DAYS_PER_WEEK;

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("method", "How this was worked out");
    let m = cx.m;
    let mut items = vec![
        (
            "Today's position".to_string(),
            format!(
                "The scenario ({}) starts on {}: its staff, vacancies, work waiting and people already allocated are today's position; {} simulated futures run a year from there.",
                cx.input.scenario.file,
                m.start,
                crate::format::thousands(cx.input.stamp.replications as f64)
            ),
        ),
        (
            "People allocated".to_string(),
            "An item of a flow marked people = true is a person allocated to its worker while open. With keep_allocated, a share of people stay allocated after the work (ongoing care management) for a drawn time, taking hours each week, then close or transfer to another team; their follow-ups go back to them where that worker has room. When a worker leaves, the people kept with them wait for allocation until the post is filled (or covered by agency).".to_string(),
        ),
    ];
    let keeps: Vec<String> = m
        .flows
        .iter()
        .filter_map(|f| {
            let k = f.keep.as_ref()?;
            Some(format!(
                "{}: {} kept for {} days on average, {} hours a week",
                f.label,
                Unit::Pct.show(100.0 * k.share),
                significant(k.days.mean(), 3),
                significant(k.hours_per_day * DAYS_PER_WEEK, 3)
            ))
        })
        .collect();
    if !keeps.is_empty() {
        items.push(("Kept allocated".into(), keeps.join("; ")));
    }
    if let Some(h) = &m.health {
        let limits: Vec<String> = crate::model::health::Rated::ALL
            .iter()
            .map(|&r| {
                let l = h.limits(r);
                format!(
                    "{}: green {}, amber {}",
                    r.key(),
                    super::limit_words(r, l.green),
                    super::limit_words(r, l.amber)
                )
            })
            .collect();
        items.push(("Rating limits".into(), limits.join("; ")));
    }
    items.push((
        "Last year".into(),
        format!(
            "From {}; where a history has no column for a measure, last year's figure is missing (-).",
            cx.input.histories.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>().join(" and ")
        ),
    ));
    s.push(Block::Definitions(items));
    s
}
