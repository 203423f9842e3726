//! Working calendars: when staff work, as a "working clock".
//!
//! The clock `work(t)` counts working time in days-equivalent: on a
//! working day of a five-day week it runs at 7/5, at weekends and on bank
//! holidays it stops, so a normal week still adds seven. Workers' hours and
//! items' durations are measured on this clock, so a 28-day duration is
//! four normal working weeks, and longer if they contain bank holidays.
//! Because the calendar is known in advance, the engine needs no events at
//! weekends: it maps clock readings to times with `time_at`.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// England and Wales bank holidays for `year`, with substitute days and
/// the one-off holidays since 1995.
pub fn england_bank_holidays(year: i32) -> Vec<NaiveDate> {
    let d = |m, day| NaiveDate::from_ymd_opt(year, m, day).expect("valid date");
    let mut out = Vec::new();
    // New Year's Day, moved to Monday if it falls at a weekend.
    out.push(next_weekday(d(1, 1)));
    let easter = easter_sunday(year);
    out.push(easter - Days::new(2));
    out.push(easter + Days::new(1));
    // Early May: first Monday, moved for VE day anniversaries.
    out.push(match year {
        1995 | 2020 => d(5, 8),
        _ => first_monday(year, 5),
    });
    // Spring: last Monday of May, moved for jubilees.
    out.push(match year {
        2002 => d(6, 4),
        2012 => d(6, 4),
        2022 => d(6, 2),
        _ => last_monday(year, 5),
    });
    out.push(last_monday(year, 8));
    // Christmas and Boxing Day with substitutes.
    let christmas = d(12, 25);
    match christmas.weekday() {
        Weekday::Sat => out.extend([d(12, 27), d(12, 28)]),
        Weekday::Sun => out.extend([d(12, 26), d(12, 27)]),
        Weekday::Fri => out.extend([christmas, d(12, 28)]),
        _ => out.extend([christmas, d(12, 26)]),
    }
    out.extend(match year {
        1999 => vec![d(12, 31)],
        2002 => vec![d(6, 3)],
        2011 => vec![d(4, 29)],
        2012 => vec![d(6, 5)],
        2022 => vec![d(6, 3), d(9, 19)],
        2023 => vec![d(5, 8)],
        _ => vec![],
    });
    out.sort();
    out
}

fn next_weekday(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => date + Days::new(2),
        Weekday::Sun => date + Days::new(1),
        _ => date,
    }
}

fn first_monday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1).expect("a first Monday")
}

fn last_monday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 5)
        .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 4))
        .expect("a fourth Monday")
}

/// Easter Sunday by the anonymous Gregorian algorithm.
fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a date")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarKind {
    /// Hours spread over all seven days; no holidays. For textbook models.
    Continuous,
    /// Monday to Friday, optionally without England's bank holidays.
    WorkingWeek { bank_holidays: bool },
}

/// The working clock over a simulation. Day `k` of the table starts at
/// engine time `first + k`.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub kind: CalendarKind,
    first: f64,
    /// Clock rate on each day.
    rate: Vec<f64>,
    /// Clock reading at the start of each day (one longer than `rate`).
    at: Vec<f64>,
    /// For each whole clock reading j, the first day whose end reading
    /// reaches j: where `time_at` starts looking.
    index: Vec<u32>,
}

impl Calendar {
    pub fn continuous() -> Calendar {
        Calendar { kind: CalendarKind::Continuous, first: 0.0, rate: Vec::new(), at: Vec::new(), index: Vec::new() }
    }

    /// A working week covering engine times [0, end]: `start` is the date
    /// at engine time `origin`.
    pub fn working_week(bank_holidays: bool, start: NaiveDate, origin: f64, end: f64) -> Calendar {
        let before = origin.ceil() as i64;
        let first = origin - before as f64;
        let days = (end - first).ceil() as i64 + 1;
        let first_date = start - Days::new(before as u64);
        let mut holidays = Vec::new();
        if bank_holidays {
            let last = first_date + Days::new(days as u64);
            for y in first_date.year()..=last.year() {
                holidays.extend(england_bank_holidays(y));
            }
        }
        let mut rate = Vec::with_capacity(days as usize);
        let mut at = Vec::with_capacity(days as usize + 1);
        let mut clock = 0.0_f64;
        for k in 0..days {
            let date = first_date + Days::new(k as u64);
            let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
            let r = if weekend || holidays.binary_search(&date).is_ok() { 0.0 } else { 7.0 / 5.0 };
            at.push(clock);
            rate.push(r);
            clock += r;
        }
        at.push(clock);
        let index =
            (0..=clock.ceil() as usize + 1).map(|j| at[1..].partition_point(|&end| end < j as f64) as u32).collect();
        Calendar { kind: CalendarKind::WorkingWeek { bank_holidays }, first, rate, at, index }
    }

    /// Working clock at engine time `t`.
    #[inline]
    pub fn work(&self, t: f64) -> f64 {
        if self.rate.is_empty() {
            return t;
        }
        let x = t - self.first;
        // Truncation is floor for x >= 0, without a call into libm.
        let k = (x.max(0.0) as usize).min(self.rate.len() - 1);
        self.at[k] + self.rate[k] * (x - k as f64)
    }

    /// The earliest engine time at which the clock reads `w`, or infinity
    /// if it never does within the table.
    #[inline]
    pub fn time_at(&self, w: f64) -> f64 {
        if self.rate.is_empty() {
            return w;
        }
        // First day whose end reading reaches w: from the index, a few
        // days' walk at most.
        let j = w.max(0.0) as usize;
        let Some(&start) = self.index.get(j) else { return f64::INFINITY };
        let mut k = start as usize;
        while k < self.rate.len() && self.at[k + 1] < w {
            k += 1;
        }
        if k >= self.rate.len() {
            return f64::INFINITY;
        }
        let into = if self.rate[k] > 0.0 { (w - self.at[k]).max(0.0) / self.rate[k] } else { 0.0 };
        self.first + k as f64 + into
    }

    /// Whether engine time `t` falls on a working day.
    pub fn is_working(&self, t: f64) -> bool {
        if self.rate.is_empty() {
            return true;
        }
        let k = ((t - self.first).max(0.0) as usize).min(self.rate.len() - 1);
        self.rate[k] > 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn bank_holidays_match_the_published_lists() {
        // gov.uk: England and Wales, 2015 and 2020 (VE day) and 2022.
        let h2015: Vec<String> = england_bank_holidays(2015).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            h2015,
            [
                "2015-01-01",
                "2015-04-03",
                "2015-04-06",
                "2015-05-04",
                "2015-05-25",
                "2015-08-31",
                "2015-12-25",
                "2015-12-28"
            ]
        );
        assert!(england_bank_holidays(2020).contains(&d("2020-05-08")));
        assert_eq!(england_bank_holidays(2022).len(), 10);
        assert!(england_bank_holidays(2016).contains(&d("2016-12-27")), "Christmas on Sunday");
        assert!(england_bank_holidays(2016).contains(&d("2016-12-26")));
    }

    #[test]
    fn a_normal_week_adds_seven_days() {
        // 2015-06-01 is a Monday with no holiday that week.
        let c = Calendar::working_week(true, d("2015-06-01"), 0.0, 30.0);
        assert!((c.work(7.0) - 7.0).abs() < 1e-12);
        assert!((c.work(5.0) - 7.0).abs() < 1e-12, "Friday night");
        assert!((c.work(6.5) - 7.0).abs() < 1e-12, "the clock stops at the weekend");
        assert_eq!(c.time_at(7.0), 5.0, "reached at the end of Friday");
        assert!((c.time_at(7.7) - 7.5).abs() < 1e-12, "Monday midday of week two");
        assert!(!c.is_working(5.5) && c.is_working(7.5));
    }

    #[test]
    fn bank_holidays_stop_the_clock() {
        // Week of Monday 2015-08-31 (summer bank holiday).
        let c = Calendar::working_week(true, d("2015-08-31"), 0.0, 10.0);
        assert!((c.work(7.0) - 5.6).abs() < 1e-12);
        let c = Calendar::working_week(false, d("2015-08-31"), 0.0, 10.0);
        assert!((c.work(7.0) - 7.0).abs() < 1e-12);
    }

    #[test]
    fn warm_up_days_come_before_the_start_date() {
        // Start (engine time 10) is Monday 2015-06-01; engine 0 is Friday 22 May.
        let c = Calendar::working_week(true, d("2015-06-01"), 10.0, 40.0);
        assert!((c.work(1.0) - 1.4).abs() < 1e-12, "Friday 22 May is a working day");
        // Monday 25 May 2015 was the spring bank holiday.
        assert!(!c.is_working(3.5));
        assert!(c.is_working(10.5));
    }

    #[test]
    fn time_at_inverts_work() {
        let c = Calendar::working_week(true, d("2015-03-30"), 3.3, 400.0);
        for i in 0..500 {
            let t = 0.37 * i as f64 + 0.01;
            let w = c.work(t);
            let back = c.time_at(w);
            assert!(back <= t + 1e-9, "{t} -> {w} -> {back}");
            assert!((c.work(back) - w).abs() < 1e-9);
        }
    }
}
