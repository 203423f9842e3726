//! Reporting periods: the time buckets every per-period output uses.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::units;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const NAMES: [&'static str; 5] = ["day", "week", "month", "quarter", "year"];

    pub fn parse(s: &str) -> Option<PeriodKind> {
        Some(match s {
            "day" => PeriodKind::Day,
            "week" => PeriodKind::Week,
            "month" => PeriodKind::Month,
            "quarter" => PeriodKind::Quarter,
            "year" => PeriodKind::Year,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }
}

/// Period `k` covers report days `[bounds[k], bounds[k+1])`, day 0 being
/// the scenario's start date. Months, quarters and years follow the
/// calendar from the start date; the last period may be cut short by the
/// horizon.
#[derive(Debug, Clone)]
pub struct Periods {
    pub kind: PeriodKind,
    pub bounds: Vec<f64>,
    pub starts: Vec<NaiveDate>,
}

impl Periods {
    pub fn new(kind: PeriodKind, start: NaiveDate, horizon: units::Days) -> Periods {
        let units::Days(horizon_days) = horizon;
        let mut bounds = vec![0.0];
        let mut starts = vec![start];
        let mut date = start;
        loop {
            let next = match kind {
                PeriodKind::Day => date + Days::new(1),
                PeriodKind::Week => date + Days::new(7),
                PeriodKind::Month => date + Months::new(1),
                PeriodKind::Quarter => date + Months::new(3),
                PeriodKind::Year => date + Months::new(12),
            };
            let day = (next - start).num_days() as f64;
            if day >= horizon_days {
                bounds.push(horizon_days);
                break;
            }
            bounds.push(day);
            starts.push(next);
            date = next;
        }
        Periods { kind, bounds, starts }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Length of period `k`.
    pub fn days(&self, k: usize) -> units::Days {
        units::Days(self.bounds[k + 1] - self.bounds[k])
    }

    /// The last date inside period `k`.
    pub fn last_date(&self, k: usize) -> NaiveDate {
        let days = self.bounds[k + 1].ceil() as u64;
        self.starts[0] + Days::new(days.saturating_sub(1))
    }

    /// A short label: "2015-04" for months, the ISO date otherwise.
    pub fn label(&self, k: usize) -> String {
        let d = self.starts[k];
        match self.kind {
            PeriodKind::Month => format!("{}-{:02}", d.year(), d.month()),
            _ => d.to_string(),
        }
    }
}

/// Report day (possibly fractional) of a calendar date.
pub fn day_of(start: NaiveDate, date: NaiveDate) -> f64 {
    (date - start).num_days() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_follow_the_calendar() {
        let p = Periods::new(PeriodKind::Month, d("2015-04-01"), units::Days(365.0));
        assert_eq!(p.len(), 12);
        assert_eq!(p.bounds[1], 30.0);
        assert_eq!(p.bounds[2], 61.0);
        assert_eq!(*p.bounds.last().unwrap(), 365.0);
        assert_eq!(p.label(11), "2016-03");
        assert_eq!(p.last_date(11), d("2016-03-30"));
    }

    #[test]
    fn last_period_is_cut_by_the_horizon() {
        let p = Periods::new(PeriodKind::Week, d("2020-01-01"), units::Days(10.0));
        assert_eq!(p.bounds, vec![0.0, 7.0, 10.0]);
        assert_eq!(p.days(1), units::Days(3.0));
    }
}
