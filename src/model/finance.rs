//! Money as finance sees it: financial years (April to March), pay and
//! price inflation by year, and budgets to set costs against.

use chrono::{Datelike, NaiveDate};

use super::Periods;
use crate::units::Days;

/// A financial year the horizon reaches, and the reporting periods (by
/// their start date) that fall in it.
#[derive(Debug, Clone, PartialEq)]
pub struct FinYear {
    /// "2026/27".
    pub label: String,
    /// 1 April.
    pub start: NaiveDate,
    pub periods: std::ops::Range<usize>,
    /// Share of the year the horizon covers (1 for a whole year): budgets
    /// of a part-year are pro-rated by it.
    pub covered: f64,
}

/// The financial year a date falls in, as its first calendar year.
pub fn fy_of(d: NaiveDate) -> i32 {
    if d.month() >= 4 { d.year() } else { d.year() - 1 }
}

pub fn fy_label(year: i32) -> String {
    format!("{year}/{:02}", (year + 1).rem_euclid(100))
}

/// The financial years of a horizon, from its periods.
pub fn years(periods: &Periods, horizon: Days) -> Vec<FinYear> {
    let mut out: Vec<FinYear> = Vec::new();
    for (p, &d) in periods.starts.iter().enumerate() {
        let y = fy_of(d);
        match out.last_mut() {
            Some(last) if fy_of(last.start) == y => last.periods.end = p + 1,
            _ => out.push(FinYear {
                label: fy_label(y),
                start: NaiveDate::from_ymd_opt(y, 4, 1).expect("1 April"),
                periods: p..p + 1,
                covered: 0.0,
            }),
        }
    }
    for fy in &mut out {
        let days = |p: usize| periods.bounds[p + 1].min(horizon.0) - periods.bounds[p];
        let covered: f64 = fy.periods.clone().map(days).sum();
        let length = (NaiveDate::from_ymd_opt(fy_of(fy.start) + 1, 4, 1).expect("1 April") - fy.start).num_days();
        fy.covered = (covered / length as f64).min(1.0);
    }
    out
}

/// Yearly increases of pay (salaries, on-costs, overtime), agency day
/// rates and fees, applied at the start of each financial year after the
/// first: the scenario's prices are the first year's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inflation {
    /// Per financial year of the horizon: the factor on each kind of price.
    pub pay: Vec<f64>,
    pub agency: Vec<f64>,
    pub fees: Vec<f64>,
}

impl Inflation {
    /// Factors of 1 throughout.
    pub fn none(years: usize) -> Inflation {
        Inflation { pay: vec![1.0; years], agency: vec![1.0; years], fees: vec![1.0; years] }
    }

    /// Factors from each year's increase (`rates[k]` from year k's start;
    /// the first year's is ignored).
    pub fn factors(rates: &[f64]) -> Vec<f64> {
        let mut f = 1.0;
        rates
            .iter()
            .enumerate()
            .map(|(k, r)| {
                if k > 0 {
                    f *= 1.0 + r;
                }
                f
            })
            .collect()
    }
}

/// What a budget line covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetItem {
    Total,
    Staff,
    Agency,
    BoughtIn,
    Overtime,
    /// DoLS work: staff time on DoLS flows, and fees for DoLS assessments.
    Dols,
}

impl BudgetItem {
    pub const ALL: [BudgetItem; 6] = [
        BudgetItem::Total,
        BudgetItem::Staff,
        BudgetItem::Agency,
        BudgetItem::BoughtIn,
        BudgetItem::Overtime,
        BudgetItem::Dols,
    ];

    pub fn key(self) -> &'static str {
        match self {
            BudgetItem::Total => "total",
            BudgetItem::Staff => "staff",
            BudgetItem::Agency => "agency",
            BudgetItem::BoughtIn => "bought_in",
            BudgetItem::Overtime => "overtime",
            BudgetItem::Dols => "dols",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BudgetItem::Total => "total cost",
            BudgetItem::Staff => "employed staff",
            BudgetItem::Agency => "agency",
            BudgetItem::BoughtIn => "bought-in assessments",
            BudgetItem::Overtime => "overtime",
            BudgetItem::Dols => "DoLS (staff time and fees)",
        }
    }
}

/// A budget for one item, per financial year of the horizon (pro-rated
/// for a part-year).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    pub item: BudgetItem,
    pub per_year: Vec<f64>,
}
