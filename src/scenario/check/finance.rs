//! Checks of `[inflation]` and `[budget]`: figures a year, by financial
//! year where they change.

use super::Checker;
use crate::model::finance::{BudgetItem, BudgetLine, FinYear, Inflation};
use crate::scenario::locate::KeyPath;
use crate::scenario::raw::{RawBudget, RawInflation};

/// A figure for each financial year: one number for all, or a table by
/// year ("2026/27" = ...). Years the table leaves out take `missing`.
fn by_year(c: &mut Checker, v: &toml::Value, path: &KeyPath, years: &[FinYear], missing: f64) -> Option<Vec<f64>> {
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    match v {
        toml::Value::Table(t) => {
            let mut out = vec![missing; years.len()];
            let n = c.count();
            for (k, v) in t {
                let p = path.key(k);
                let Some(x) = number(v) else {
                    c.err(p, format!("must be a number (got {v})"));
                    continue;
                };
                match years.iter().position(|y| y.label == *k) {
                    Some(i) => out[i] = x,
                    None => {
                        let known: Vec<&str> = years.iter().map(|y| y.label.as_str()).collect();
                        c.err(p, format!("'{k}' is not a financial year of the scenario ({})", known.join(", ")));
                    }
                }
            }
            (c.count() == n).then_some(out)
        }
        other => {
            match number(other) {
                Some(x) => Some(vec![x; years.len()]),
                None => {
                    c.err(path.clone(), format!("must be a number, or a table by financial year such as {{ \"2026/27\" = 0.03 }} (got {other})"));
                    None
                }
            }
        }
    }
}

pub(super) fn check_inflation(
    c: &mut Checker,
    raw: Option<&RawInflation>,
    path: &KeyPath,
    years: &[FinYear],
) -> Option<Inflation> {
    let Some(raw) = raw else { return Some(Inflation::none(years.len())) };
    let n = c.count();
    let mut rates = |key: &str, v: &Option<toml::Value>| -> Vec<f64> {
        let p = path.key(key);
        let r = v.as_ref().and_then(|v| by_year(c, v, &p, years, 0.0)).unwrap_or_else(|| vec![0.0; years.len()]);
        if r.iter().any(|x| !(x.is_finite() && *x > -0.5 && *x < 1.0)) {
            c.err(p, "a yearly increase must be a share between -0.5 and 1 (0.03 is 3%)");
        }
        Inflation::factors(&r)
    };
    let inflation =
        Inflation { pay: rates("pay", &raw.pay), agency: rates("agency", &raw.agency), fees: rates("fees", &raw.fees) };
    (c.count() == n).then_some(inflation)
}

pub(super) fn check_budget(
    c: &mut Checker,
    raw: Option<&RawBudget>,
    path: &KeyPath,
    years: &[FinYear],
) -> Option<Vec<BudgetLine>> {
    let Some(raw) = raw else { return Some(Vec::new()) };
    let n = c.count();
    let mut out = Vec::new();
    for (item, v) in [
        (BudgetItem::Total, &raw.total),
        (BudgetItem::Staff, &raw.staff),
        (BudgetItem::Agency, &raw.agency),
        (BudgetItem::BoughtIn, &raw.bought_in),
        (BudgetItem::Overtime, &raw.overtime),
        (BudgetItem::Dols, &raw.dols),
    ] {
        let Some(v) = v else { continue };
        let p = path.key(item.key());
        let Some(per_year) = by_year(c, v, &p, years, f64::NAN) else { continue };
        if per_year.iter().any(|x| !(x.is_nan() || x.is_finite() && *x >= 0.0)) {
            c.err(p, "a budget must be an amount >= 0");
            continue;
        }
        // A part-year's budget is that share of the year's.
        let per_year = per_year.iter().zip(years).map(|(b, y)| b * y.covered).collect();
        out.push(BudgetLine { item, per_year });
    }
    (c.count() == n).then_some(out)
}
