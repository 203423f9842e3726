//! Checks of `[[stocks]]`, `[[latent_pools]]` and `[[shocks]]`.

use super::dist::check_count;
use super::{Checker, Context};
use crate::model::{LatentPool, Shock, ShockTime, Stock};
use crate::scenario::locate::KeyPath;
use crate::units::DAYS_PER_YEAR;

pub(super) fn check_stocks(c: &mut Checker, cx: &Context, path: &KeyPath) -> Option<Vec<Stock>> {
    let n = c.count();
    let stocks: Vec<Option<Stock>> = cx
        .raw
        .stocks
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let rate = c.num(path.index(i).key("leave_rate_per_year"), &s.leave_rate_per_year, 0.0, f64::INFINITY)?;
            Some(Stock { name: s.name.clone(), leave_per_day: rate / DAYS_PER_YEAR })
        })
        .collect();
    if c.count() > n { None } else { stocks.into_iter().collect() }
}

pub(super) fn check_pools(c: &mut Checker, cx: &Context, path: &KeyPath) -> Option<Vec<LatentPool>> {
    let n = c.count();
    let pools: Vec<Option<LatentPool>> = cx
        .raw
        .latent_pools
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let path = path.index(i);
            let size = c.whole(path.key("size"), p.size, 0.0);
            let rate = c.num(path.key("identified_per_year"), &p.identified_per_year, 0.0, f64::INFINITY);
            let to = cx.flow(&p.to);
            if to.is_none() {
                c.err(path.key("to"), format!("no flow is called '{}'", p.to));
            }
            Some(LatentPool { name: p.name.clone(), size: size?, identified_per_day: rate? / DAYS_PER_YEAR, to: to? })
        })
        .collect();
    if c.count() > n { None } else { pools.into_iter().collect() }
}

pub(super) fn check_shocks(c: &mut Checker, cx: &Context, path: &KeyPath) -> Option<Vec<Shock>> {
    let n = c.count();
    let shocks: Vec<Option<Shock>> = cx
        .raw
        .shocks
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let path = path.index(i);
            let when = match (&s.date, s.annual_probability) {
                (Some(_), Some(_)) => {
                    c.err(path.key("annual_probability"), "give either a date or an annual_probability, not both");
                    None
                }
                (None, None) => {
                    c.err(path.clone(), "say when: `date = 2016-06-01` or `annual_probability = 0.1`");
                    None
                }
                (Some(d), None) => {
                    let date = c.date(path.key("date"), d)?;
                    let t = cx.time_of(date)?;
                    if t < 0.0 {
                        c.err(path.key("date"), "is before the simulation (and its warm-up) starts");
                        None
                    } else {
                        Some(ShockTime::At(t))
                    }
                }
                (None, Some(p)) => {
                    if (0.0..1.0).contains(&p) {
                        // A yearly chance p is a Poisson rate of -ln(1 - p) a year.
                        Some(ShockTime::Random { per_day: -(1.0 - p).ln() / DAYS_PER_YEAR })
                    } else {
                        c.err(path.key("annual_probability"), format!("must be at least 0 and below 1 (got {p})"));
                        None
                    }
                }
            };
            if s.spawn.is_empty() {
                c.err(path.key("spawn"), "must list at least one { flow, count }");
            }
            let mut spawn = Vec::new();
            for (j, sp) in s.spawn.iter().enumerate() {
                let p = path.key("spawn").index(j);
                let flow = cx.flow(&sp.flow);
                if flow.is_none() {
                    c.err(p.key("flow"), format!("no flow is called '{}'", sp.flow));
                }
                let count = check_count(c, &sp.count, &p.key("count"));
                if let (Some(flow), Some(count)) = (flow, count) {
                    spawn.push((flow, count));
                }
            }
            Some(Shock { name: s.name.clone(), when: when?, spawn })
        })
        .collect();
    if c.count() > n { None } else { shocks.into_iter().collect() }
}
