//! Distributions as written: `{ dist = "lognormal", median = 6, p90 = 14 }`.

use super::Checker;
use crate::model::Dist;
use crate::scenario::locate::KeyPath;
use crate::scenario::raw::RawDist;

pub(crate) fn check_dist(c: &mut Checker, d: &RawDist, path: &KeyPath) -> Option<Dist> {
    const KINDS: &str = "fixed, exponential, lognormal, gamma, uniform, triangular";
    let params: [(&'static str, Option<f64>); 8] = [
        ("value", d.value),
        ("mean", d.mean),
        ("median", d.median),
        ("p90", d.p90),
        ("cv", d.cv),
        ("min", d.min),
        ("mode", d.mode),
        ("max", d.max),
    ];
    let wanted: &[&'static str] = match d.dist.as_str() {
        "fixed" => &["value"],
        "exponential" => &["mean"],
        "lognormal" => &["median", "p90"],
        "gamma" => &["mean", "cv"],
        "uniform" => &["min", "max"],
        "triangular" => &["min", "mode", "max"],
        other => {
            c.err(path.key("dist"), format!("unknown distribution '{other}' (expected one of {KINDS})"));
            return None;
        }
    };
    let n = c.problems.len();
    for (name, v) in params {
        let wanted_here = wanted.contains(&name);
        if v.is_some() && !wanted_here {
            c.err(path.key(name), format!("{} takes {}, not {name}", d.dist, wanted.join(" and ")));
        }
        if v.is_none() && wanted_here {
            c.err(path.clone(), format!("{} needs {name}", d.dist));
        }
    }
    if c.problems.len() > n {
        return None;
    }
    let get = |name: &str| params.iter().find(|(k, _)| *k == name).and_then(|(_, v)| *v).unwrap_or(f64::NAN);
    let built = match d.dist.as_str() {
        "fixed" => Dist::fixed(get("value")),
        "exponential" => Dist::exponential(get("mean")),
        "lognormal" => Dist::lognormal(get("median"), get("p90")),
        "gamma" => Dist::gamma(get("mean"), get("cv")),
        "uniform" => Dist::uniform(get("min"), get("max")),
        _ => Dist::triangular(get("min"), get("mode"), get("max")),
    };
    match built {
        Ok(dist) => Some(dist),
        Err(e) => {
            c.err(path.key(e.param), e.rule);
            None
        }
    }
}

/// A count: a whole number, or a distribution of counts (rounded).
pub(crate) fn check_count(c: &mut Checker, v: &toml::Value, path: &KeyPath) -> Option<Dist> {
    match v {
        toml::Value::Integer(n) if *n >= 0 => Some(Dist::Fixed(*n as f64)),
        toml::Value::Float(x) if *x >= 0.0 && x.fract() == 0.0 => Some(Dist::Fixed(*x)),
        toml::Value::Table(_) => match v.clone().try_into::<RawDist>() {
            Ok(raw) => check_dist(c, &raw, path),
            Err(e) => {
                c.err(path.clone(), format!("not a distribution: {}", e.message().trim()));
                None
            }
        },
        other => {
            c.err(path.clone(), format!("expected a whole number >= 0 or a distribution (got {other})"));
            None
        }
    }
}
