//! Checks of `[[requests]]`: flows that are the stages of one request.
//!
//! A request's first stage holds everything about the request (arrivals,
//! deadline, kind of work, stock, deprivation, triage); later stages take
//! them from it, are taken by the request's deadline, and receive its
//! items by themselves. Only the last stage has outcomes.

use std::collections::HashMap;

use super::{Checker, Context};
use crate::model::{Flow, QueueOrder, Request, Route, RouteGroup};
use crate::scenario::locate::KeyPath;

pub(super) fn check_requests(
    c: &mut Checker,
    cx: &Context,
    path: &KeyPath,
    flows: &mut [Flow],
) -> Option<Vec<Request>> {
    let n = c.count();
    let mut owner: HashMap<usize, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, r) in cx.raw.requests.iter().enumerate() {
        let here = path.index(i);
        if cx.flow(&r.name).is_some() {
            c.err(here.key("name"), format!("'{}' is a flow's name; give the request a name of its own", r.name));
        }
        if r.stages.is_empty() {
            c.err(here.key("stages"), "list the flows the request passes through, first stage first");
            continue;
        }
        let mut stages = Vec::new();
        for (k, name) in r.stages.iter().enumerate() {
            let at = here.key("stages").index(k);
            match cx.flow(name) {
                None => c.err(at, format!("no flow is called '{name}'")),
                Some(f) if stages.contains(&f) => c.err(at, format!("'{name}' is listed twice")),
                Some(f) => match owner.insert(f as usize, i) {
                    Some(other) => {
                        c.err(at, format!("'{name}' is already a stage of request '{}'", cx.raw.requests[other].name))
                    }
                    None => stages.push(f),
                },
            }
        }
        if c.count() > n {
            continue;
        }
        stages_follow_the_first(c, cx, &r.name, &stages, flows);
        out.push(Request {
            name: r.name.clone(),
            label: r.label.clone().unwrap_or_else(|| r.name.replace('_', " ")),
            stages,
        });
    }
    if c.count() > n {
        return None;
    }
    for (r, request) in out.iter().enumerate() {
        for (k, &f) in request.stages.iter().enumerate() {
            flows[f as usize].stage_of = Some((r, k));
        }
        // Each stage hands its items to the next, keeping the deadline.
        for pair in request.stages.windows(2) {
            flows[pair[0] as usize].route_groups.push(RouteGroup {
                name: "next stage".into(),
                routes: vec![Route {
                    to: pair[1],
                    probability: 1.0,
                    delay_days: None,
                    keep_deadline: true,
                    from_latent_pool: None,
                }],
            });
        }
    }
    Some(out)
}

/// Later stages take the request's particulars from its first stage;
/// writing a different one on a later stage is refused.
fn stages_follow_the_first(c: &mut Checker, cx: &Context, request: &str, stages: &[u16], flows: &mut [Flow]) {
    let first = stages[0] as usize;
    let first_name = &cx.raw.flows[first].name;
    let last = stages.len() - 1;
    for (k, &f) in stages.iter().enumerate() {
        let f = f as usize;
        let raw = &cx.raw.flows[f];
        let at = KeyPath::root().key("flows").index(f);
        if k < last && !raw.routes.is_empty() {
            c.err(
                at.key("routes"),
                format!(
                    "'{}' is not the last stage of request '{request}': stages pass their items on by themselves, and outcomes go on the last stage",
                    raw.name
                ),
            );
        }
        if k == last {
            for (j, route) in raw.routes.iter().enumerate() {
                if route.delay_days.is_none() && stages.iter().any(|&s| cx.raw.flows[s as usize].name == route.to) {
                    c.err(
                        at.key("routes").index(j),
                        format!("a request's last stage cannot send its items straight back into request '{request}'; give the route a delay_days"),
                    );
                }
            }
        }
        if k == 0 {
            continue;
        }
        let on_first = |key: &str| {
            format!(
                "'{}' is a later stage of request '{request}': set {key} on its first stage, '{first_name}'",
                raw.name
            )
        };
        for (key, given) in [
            ("arrivals", raw.arrivals.is_some()),
            ("triage", raw.triage.is_some()),
            ("stock", raw.stock.is_some() && flows[f].stock != flows[first].stock),
            ("kind", raw.kind.is_some() && flows[f].kind != flows[first].kind),
            ("deadline_days", raw.deadline_days.is_some() && flows[f].deadline_days != flows[first].deadline_days),
            ("deprivation", raw.deprivation.is_some() && flows[f].deprivation != flows[first].deprivation),
            ("extension_days", raw.extension_days.is_some() && flows[f].deprivation != flows[first].deprivation),
        ] {
            if given {
                c.err(at.key(key), on_first(key));
            }
        }
        if raw.order.as_deref() == Some("fifo") {
            c.err(at.key("order"), format!("later stages of request '{request}' are taken by the request's deadline"));
        }
        let (stock, kind, deadline, deprivation) =
            (flows[first].stock, flows[first].kind, flows[first].deadline_days, flows[first].deprivation);
        let flow = &mut flows[f];
        flow.stock = stock;
        flow.kind = kind;
        flow.deadline_days = deadline;
        flow.deprivation = deprivation;
        flow.order = QueueOrder::Deadline;
    }
}
