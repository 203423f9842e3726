//! How numbers read in tables and sentences.

use chrono::{Datelike, NaiveDate};

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
    if v.is_finite() { format!("{v:.places$}") } else { "-".into() }
}

pub fn pct(v: f64) -> String {
    if v.is_finite() { format!("{}%", decimal(v, 0)) } else { "-".into() }
}

/// Pounds: "£950", "£12,400", "£1.25m".
pub fn money(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v.abs() >= 1e6 { format!("£{}m", decimal(v / 1e6, 2)) } else { format!("£{}", thousands(v)) }
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

/// "Mar 18": short enough for an axis.
pub fn short_month(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{} {:02}", MONTHS[d.month0() as usize], d.year() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(5525.4), "5,525");
        assert_eq!(thousands(137540.0), "137,540");
        assert_eq!(thousands(-1200.0), "-1,200");
        assert_eq!(thousands(12.0), "12");
        assert_eq!(thousands(f64::NAN), "-");
        assert_eq!(money(9_086_745.0), "£9.09m");
        assert_eq!(money(12_400.4), "£12,400");
        assert_eq!(pct(20.6), "21%");
        let d: NaiveDate = "2018-03-31".parse().unwrap();
        assert_eq!(month_year(d), "March 2018");
        assert_eq!(short_month(d), "Mar 18");
    }
}
