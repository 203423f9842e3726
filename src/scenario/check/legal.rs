//! Checks of `[[legal_changes]]`: a dated change in the law that narrows
//! who needs the requests it names.

use super::{Checker, Context, Meta};
use crate::model::periods::day_of;
use crate::model::{Flow, FlowId, LegalChange, Request};
use crate::scenario::locate::KeyPath;

pub(super) fn check_legal_changes(
    c: &mut Checker,
    cx: &Context,
    path: &KeyPath,
    meta: &Meta,
    flows: &mut [Flow],
    requests: &[Request],
) -> Option<Vec<LegalChange>> {
    let n = c.count();
    let mut out = Vec::new();
    for (i, raw) in cx.raw.legal_changes.iter().enumerate() {
        let here = path.index(i);
        let date = c.date(here.key("from"), &raw.from);
        let still_required = c.num(here.key("multiplier"), &raw.multiplier, 0.0, 1.0);
        if raw.requests.is_empty() {
            c.err(here.key("requests"), "name the requests (or flows) the change applies to");
        }
        let (affected, entries) = affected_flows(c, cx, &raw.requests, &here, flows, requests);
        let reassess = raw
            .reassess
            .as_ref()
            .map_or(Some(None), |name| check_reassess(c, cx, name, &here, flows, &affected).map(Some));
        let (Some(date), Some(still_required), Some(reassess)) = (date, still_required, reassess) else { continue };
        if date <= meta.start - chrono::Days::new(meta.warmup_days as u64) {
            c.err(
                here.key("from"),
                format!("must be after the simulation begins (warm-up from before {})", meta.start),
            );
            continue;
        }
        out.push(LegalChange {
            name: raw.name.clone(),
            label: raw.label.clone().unwrap_or_else(|| raw.name.replace('_', " ")),
            at: meta.warmup_days + day_of(meta.start, date),
            still_required,
            flows: affected,
            entries,
            reassess,
        });
    }
    if c.count() > n {
        return None;
    }
    // Direct arrivals are thinned through their rate.
    for change in &out {
        for &f in &change.entries {
            if let Some(a) = flows[f as usize].arrivals.as_mut() {
                a.scale_from(change.at, change.still_required);
            }
        }
    }
    Some(out)
}

/// The flows a change applies to, every stage of each request named,
/// and the first stage of each (where its work enters).
fn affected_flows(
    c: &mut Checker,
    cx: &Context,
    names: &[String],
    here: &KeyPath,
    flows: &[Flow],
    requests: &[Request],
) -> (Vec<FlowId>, Vec<FlowId>) {
    let mut affected: Vec<FlowId> = Vec::new();
    let mut entries: Vec<FlowId> = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let stages: Vec<FlowId> = match (requests.iter().find(|r| r.name == *name), cx.flow(name)) {
            (Some(r), _) => r.stages.clone(),
            (None, Some(f)) => match flows[f as usize].stage_of {
                Some((r, _)) => {
                    let request = &requests[r].name;
                    c.err(
                        here.key("requests").index(k),
                        format!("'{name}' is a stage of request '{request}'; name the request"),
                    );
                    continue;
                }
                None => vec![f],
            },
            (None, None) => {
                c.err(here.key("requests").index(k), format!("no request or flow is called '{name}'"));
                continue;
            }
        };
        if stages.iter().any(|f| affected.contains(f)) {
            c.err(here.key("requests").index(k), format!("'{name}' is listed twice"));
            continue;
        }
        entries.push(stages[0]);
        affected.extend(stages);
    }
    (affected, entries)
}

/// The flow that screens people again after the change: one with no
/// work of its own, not among those the change applies to.
fn check_reassess(
    c: &mut Checker,
    cx: &Context,
    name: &str,
    here: &KeyPath,
    flows: &[Flow],
    affected: &[FlowId],
) -> Option<FlowId> {
    match cx.flow(name) {
        None => {
            c.err(here.key("reassess"), format!("no flow is called '{name}'"));
            None
        }
        Some(f) if affected.contains(&f) => {
            c.err(here.key("reassess"), format!("'{name}' is one of the flows the change applies to"));
            None
        }
        Some(f) => {
            let flow = &flows[f as usize];
            if flow.arrivals.is_some() || flow.stage_of.is_some() {
                c.err(
                    here.key("reassess"),
                    format!("'{name}' has work of its own; a reassessment flow takes only the screening"),
                );
            }
            Some(f)
        }
    }
}
