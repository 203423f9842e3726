//! How numbers read in tables and sentences: one place for units and for
//! the "P50 (P10-P90)" of a band.

use chrono::{Datelike, NaiveDate};

use crate::stats::Bands;

/// What a value measures, which decides how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// People, items, requests: whole numbers with thousands separators.
    Count,
    /// A percentage already in 0-100.
    Pct,
    /// A workforce rate in 0-100, to a tenth as published ("14.5%").
    Rate,
    /// Days, to a tenth.
    Days,
    /// Pounds: "£12,400", "£1.25m".
    Money,
    /// Hours, whole.
    Hours,
    /// FTE, caseloads and other ratios, to a tenth.
    Ratio,
    /// A probability in 0-1, shown as a percentage.
    Probability,
    /// Whether something happened in a simulated future (0 or 1): its
    /// band is summed up by its mean, the chance of it.
    Chance,
}

impl Unit {
    pub fn show(self, v: f64) -> String {
        match self {
            Unit::Count | Unit::Hours => thousands(v),
            Unit::Pct => pct(v),
            Unit::Rate => {
                if v.is_finite() {
                    format!("{}%", decimal(v, 1))
                } else {
                    "-".into()
                }
            }
            Unit::Days | Unit::Ratio => decimal(v, 1),
            Unit::Money => money(v),
            Unit::Probability => pct(100.0 * v),
            Unit::Chance => chance(v),
        }
    }

    /// Two values read against each other ("66% against 62%"): a
    /// percentage to as many decimals (up to three) as it takes for two
    /// different values not to read the same ("65.6% against 66.4%", not
    /// "66% against 66%").
    pub fn show_apart(self, a: f64, b: f64) -> (String, String) {
        let (x, y) = (self.show(a), self.show(b));
        let scale = match self {
            Unit::Pct => 1.0,
            Unit::Probability | Unit::Chance => 100.0,
            _ => return (x, y),
        };
        // Two chances beyond what a few hundred futures can tell apart
        // read the same.
        let saturated = self == Unit::Chance && (x == ">99%" || x == "<1%");
        if x != y || a == b || !a.is_finite() || !b.is_finite() || saturated {
            return (x, y);
        }
        let at = |places| (format!("{}%", decimal(scale * a, places)), format!("{}%", decimal(scale * b, places)));
        (1..=3).map(at).find(|(x, y)| x != y).unwrap_or_else(|| at(3))
    }

    /// The unit of a measure as the tables name it (`within_deadline_pct`,
    /// `cost_total`, `mean_wait_days`, `caseload`).
    pub fn of_measure(metric: &str) -> Unit {
        let ratio = ["caseload", "caseload_max", "establishment", "staff", "vacant", "agency", "sickness_days"];
        if metric.starts_with("people_allocated")
            || metric == "completed_per_worker_year"
            || metric.ends_with("_per_day")
            || ratio.contains(&metric)
        {
            Unit::Ratio
        } else if metric.ends_with("_pct") {
            Unit::Pct
        } else if metric.contains("cost") || metric.contains("spend") || metric == "budget" {
            Unit::Money
        } else if metric.contains("days") && !metric.contains("unauthorised") {
            Unit::Days
        } else if metric.contains("hours") {
            Unit::Hours
        } else {
            Unit::Count
        }
    }

    /// A figure the scenario gives (a budget), as given: money to the
    /// pound, so "£4,845,000" is not read back as "£4.84m".
    pub fn show_given(self, v: f64) -> String {
        match self {
            Unit::Money if v.is_finite() => format!("{}£{}", if v < 0.0 { "-" } else { "" }, thousands(v.abs())),
            _ => self.show(v),
        }
    }

    /// The value as a reader sees it shown: what a rating against a limit
    /// must compare, so that a figure shown as "14.5%" is within a limit
    /// of 14.5% whatever digits lie beyond.
    pub fn as_shown(self, v: f64) -> f64 {
        match self {
            Unit::Count | Unit::Hours | Unit::Pct => v.round(),
            Unit::Rate | Unit::Days | Unit::Ratio => (v * 10.0).round() / 10.0,
            Unit::Money => v,
            Unit::Probability | Unit::Chance => (v * 100.0).round() / 100.0,
        }
    }

    /// A difference with its sign; one that rounds to nothing has none.
    pub fn show_diff(self, v: f64) -> String {
        let s = self.show(v.abs());
        if !v.is_finite()
            || s.trim_start_matches('£').trim_end_matches(['%', 'm', 'k']).chars().all(|c| c == '0' || c == '.')
        {
            s
        } else if v > 0.0 {
            format!("+{s}")
        } else {
            format!("-{s}")
        }
    }

    /// A difference as a reader says it: a difference of percentages is in
    /// points ("-19 points"), not per cent.
    pub fn show_difference(self, v: f64) -> String {
        if matches!(self, Unit::Pct | Unit::Rate) {
            format!("{} points", self.show_diff(v).trim_end_matches('%'))
        } else {
            self.show_diff(v)
        }
    }

    /// "P50 (P10-P90)": the compact form for tables.
    pub fn band(self, b: &Bands) -> String {
        if self == Unit::Chance {
            return self.show(b.mean);
        }
        if !b.p50.is_finite() {
            return "-".into();
        }
        format!("{} ({}-{})", self.show(b.p50), self.show(b.p10), self.show(b.p90))
    }

    /// "P50 (P10-P90: low-high)": the form for sentences.
    pub fn band_words(self, b: &Bands) -> String {
        if self == Unit::Chance {
            return format!("a {} chance", self.show(b.mean));
        }
        if !b.p50.is_finite() {
            return "-".into();
        }
        format!("{} (P10-P90: {}-{})", self.show(b.p50), self.show(b.p10), self.show(b.p90))
    }

    /// A band of differences: "+P50 (P10 to P90)".
    pub fn band_diff(self, b: &Bands) -> String {
        if self == Unit::Chance {
            let points = 100.0 * b.mean;
            return if points.abs() < 0.5 { "0 points".into() } else { format!("{points:+.0} points") };
        }
        if !b.p50.is_finite() {
            return "-".into();
        }
        if matches!(self, Unit::Pct | Unit::Rate) {
            let points = |v: f64| self.show_diff(v).trim_end_matches('%').to_string();
            return format!("{} ({} to {})", self.show_difference(b.p50), points(b.p10), points(b.p90));
        }
        format!("{} ({} to {})", self.show_diff(b.p50), self.show_diff(b.p10), self.show_diff(b.p90))
    }
}

/// 5525.4 -> "5,525".
pub fn thousands(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let n = v.round() as i64;
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub fn decimal(v: f64, places: usize) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v.abs() >= 1e15 {
        // Never a wall of digits: a value this large is a fault upstream.
        format!("{v:.2e}")
    } else {
        format!("{v:.places$}")
    }
}

/// A parameter as a person would write it: `figures` significant figures,
/// no trailing zeros ("0.5333", "1800", "0.5").
pub fn significant(v: f64, figures: i32) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let places = if v == 0.0 { 0 } else { (figures - 1 - v.abs().log10().floor() as i32).clamp(0, 12) as usize };
    let s = format!("{v:.places$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

pub fn pct(v: f64) -> String {
    if v.is_finite() { format!("{}%", decimal(v, 0)) } else { "-".into() }
}

/// The chance of something over the simulated futures, as a percentage:
/// one that happened in every future (or none) is ">99%" ("<1%"),
/// as a few hundred futures cannot tell certain from very likely.
pub fn chance(p: f64) -> String {
    if !p.is_finite() {
        "-".into()
    } else if p >= 0.995 {
        ">99%".into()
    } else if p <= 0.005 {
        "<1%".into()
    } else {
        pct(100.0 * p)
    }
}

/// Pounds: "£950", "£12,400", "£1.25m".
pub fn money(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    // Three figures are all a budget reader needs; pounds below £10,000.
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    if a >= 1e6 {
        format!("{sign}£{}m", decimal(a / 1e6, 2))
    } else if a >= 99_950.0 {
        format!("{sign}£{}k", thousands(a / 1e3))
    } else if a >= 9_999.5 {
        format!("{sign}£{}k", decimal(a / 1e3, 1))
    } else {
        format!("{sign}£{}", thousands(a))
    }
}

/// "March 2018".
pub fn month_year(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {}", MONTHS[d.month0() as usize], d.year())
}

/// "2 June 2026".
pub fn long_date(d: NaiveDate) -> String {
    format!("{} {}", d.day(), month_year(d))
}

/// "Mar 18": short enough for an axis.
pub fn short_month(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{} {:02}", MONTHS[d.month0() as usize], d.year() % 100)
}

/// Names in a sentence: "A", "A and B", "A, B and C".
pub fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "social workers" -> "Social workers": a label at the start of a sentence.
pub fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_given_reads_as_given() {
        assert_eq!(Unit::Money.show_given(4_845_000.0), "£4,845,000");
        assert_eq!(Unit::Money.show(4_845_000.0), "£4.84m");
        assert_eq!(Unit::Pct.show_given(21.0), Unit::Pct.show(21.0));
    }

    #[test]
    fn two_chances_that_differ_never_read_the_same() {
        let apart = |a, b| Unit::Chance.show_apart(a, b);
        assert_eq!(apart(0.656, 0.664), ("65.6%".to_string(), "66.4%".to_string()));
        assert_eq!(apart(0.62, 0.66), ("62%".to_string(), "66%".to_string()), "whole numbers where they differ");
        assert_eq!(apart(0.66, 0.66), ("66%".to_string(), "66%".to_string()), "the same value reads the same");
        assert_eq!(Unit::Pct.show_apart(21.04, 20.96), ("21.04%".to_string(), "20.96%".to_string()));
        assert_eq!(Unit::Money.show_apart(1.0, 2.0), (Unit::Money.show(1.0), Unit::Money.show(2.0)));
    }

    #[test]
    fn names_are_listed_as_in_a_sentence() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["Ashby"]), "Ashby");
        assert_eq!(list(&["Ashby", "Carrow"]), "Ashby and Carrow");
        assert_eq!(list(&["Ashby", "Brookfield", "Carrow"]), "Ashby, Brookfield and Carrow");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(5525.4), "5,525");
        assert_eq!(thousands(137540.0), "137,540");
        assert_eq!(thousands(-1200.0), "-1,200");
        assert_eq!(thousands(12.0), "12");
        assert_eq!(thousands(f64::NAN), "-");
        assert_eq!(money(9_086_745.0), "£9.09m");
        assert_eq!(money(12_400.4), "£12.4k");
        assert_eq!(money(475_136.0), "£475k");
        assert_eq!(money(950.4), "£950");
        assert_eq!(money(-1500.0), "-£1,500");
        assert_eq!(pct(20.6), "21%");
        assert_eq!(significant(0.533333, 4), "0.5333");
        assert_eq!(significant(1800.0, 4), "1800");
        assert_eq!(significant(0.5, 4), "0.5");
        assert_eq!(significant(123456.0, 4), "123456");
        let d: NaiveDate = "2018-03-31".parse().unwrap();
        assert_eq!(month_year(d), "March 2018");
        assert_eq!(short_month(d), "Mar 18");
    }

    #[test]
    fn bands_read_with_their_units() {
        let b = Bands { p10: 12.0, p50: 20.6, p90: 31.0, mean: 21.0 };
        assert_eq!(Unit::Pct.band(&b), "21% (12%-31%)");
        assert_eq!(Unit::Days.band_words(&b), "20.6 (P10-P90: 12.0-31.0)");
        let d = Bands { p10: -1500.0, p50: 0.2, p90: 2500.0, mean: 0.0 };
        assert_eq!(Unit::Money.band_diff(&d), "£0 (-£1,500 to +£2,500)");
        assert_eq!(Unit::Probability.show(0.9), "90%");
        let over = Bands { p10: 0.0, p50: 1.0, p90: 1.0, mean: 0.67 };
        assert_eq!(Unit::Chance.band(&over), "67%");
        // Every future, or none, out of a few hundred is not certainty.
        assert_eq!(Unit::Chance.show(1.0), ">99%");
        assert_eq!(Unit::Chance.show(0.996), ">99%");
        assert_eq!(Unit::Chance.show(0.0), "<1%");
        assert_eq!(Unit::Chance.show(0.99), "99%");
        assert_eq!(Unit::Chance.show_apart(1.0, 0.996), (">99%".to_string(), ">99%".to_string()));
        assert_eq!(Unit::Chance.show_apart(0.664, 0.656), ("66.4%".to_string(), "65.6%".to_string()));
        assert_eq!(Unit::Probability.show(1.0), "100%", "a share of hours can be whole");
        assert_eq!(Unit::Chance.band_diff(&Bands { mean: -0.452, ..over }), "-45 points");
        assert_eq!(Unit::Count.band(&Bands { p10: f64::NAN, p50: f64::NAN, p90: f64::NAN, mean: f64::NAN }), "-");
    }
}
