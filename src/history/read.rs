//! Reading tidy history CSVs: one row per period and flow (or role).
//!
//! ```text
//! period,flow,count
//! 2014/15,dols_received,137540      financial year (April to March)
//! 2015-04,referrals,480             calendar month
//! 2015,referrals,5525               calendar year
//! 2015-04-06,referrals,17           one day
//! 2014-04-01..2014-09-30,dols,87     any run of days, both ends included
//! ```
//!
//! Every malformed row is reported with the file, line and reason.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};

use crate::units::DAYS_PER_YEAR;

/// A half-open span of days: [start, end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Span {
    pub fn days(&self) -> f64 {
        (self.end - self.start).num_days() as f64
    }

    /// The label this span was written as, or its dates.
    pub fn label(&self) -> String {
        let months = (self.end.year() - self.start.year()) * 12 + self.end.month() as i32 - self.start.month() as i32;
        if self.start.day() == 1 && self.end.day() == 1 {
            match (months, self.start.month()) {
                (1, _) => return format!("{}-{:02}", self.start.year(), self.start.month()),
                (12, 4) => return format!("{}/{:02}", self.start.year(), (self.start.year() + 1) % 100),
                (12, 1) => return self.start.year().to_string(),
                _ => {}
            }
        }
        if self.days() == 1.0 {
            return self.start.to_string();
        }
        format!("{}..{}", self.start, self.end.pred_opt().unwrap_or(self.end))
    }
}

/// Parse a period: `2014/15` (April to March; `2014-15` too when the
/// second number is over 12), `2015-04` (a month), `2015` (a year),
/// `2015-04-06` (a day), `2014-04-01..2014-09-30` (days, both included).
pub fn parse_period(s: &str) -> Result<Span, String> {
    let s = s.trim();
    let bad = || {
        format!(
            "'{s}' is not a period: write a financial year (2014/15), a month (2015-04), a year (2015), a date (2015-04-06) or dates (2014-04-01..2014-09-30)"
        )
    };
    if let Some((a, b)) = s.split_once("..") {
        let start = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").map_err(|_| bad())?;
        let last = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").map_err(|_| bad())?;
        if last < start {
            return Err(format!("'{s}' ends before it starts"));
        }
        return Ok(Span { start, end: last.succ_opt().ok_or_else(bad)? });
    }
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad);
    let num = |t: &str| t.parse::<i32>().map_err(|_| bad());
    let parts: Vec<&str> = s.split(['/', '-']).collect();
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y)?;
            Ok(Span { start: ymd(y, 1, 1)?, end: ymd(y + 1, 1, 1)? })
        }
        [y, z] if y.len() == 4 && z.len() == 2 && (s.contains('/') || num(z)? > 12) => {
            let y = num(y)?;
            if (y + 1) % 100 != num(z)? {
                if !s.contains('/') {
                    // 2015-13: a mistyped month more likely than a financial year.
                    return Err(format!(
                        "'{s}' is not a period: months go from 01 to 12, and a financial year starting in {y} is {y}/{:02}",
                        (y + 1) % 100
                    ));
                }
                return Err(format!("'{s}' is not a financial year: {}/{:02} follows {y}", y, (y + 1) % 100));
            }
            Ok(Span { start: ymd(y, 4, 1)?, end: ymd(y + 1, 4, 1)? })
        }
        [y, m] if y.len() == 4 && m.len() == 2 => {
            let start = ymd(num(y)?, num(m)? as u32, 1)?;
            Ok(Span { start, end: start + Months::new(1) })
        }
        [_, _, _] => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
            Ok(Span { start: d, end: d.succ_opt().ok_or_else(bad)? })
        }
        _ => Err(bad()),
    }
}

/// One observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub span: Span,
    pub count: f64,
    /// Items completed in the period, where the file says (column
    /// `completed`); `count` is then what was received.
    pub completed: Option<f64>,
    pub line: u64,
}

/// A flow's (or role's) observations in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

/// Staff observations for one role and period.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffPoint {
    pub span: Span,
    pub starters: f64,
    pub leavers: f64,
    pub in_post: f64,
    pub vacancies: Option<f64>,
    /// The health check's optional columns, each where the file has it.
    pub extra: StaffExtra,
    pub line: u64,
}

/// What a staff history may say beyond starters, leavers and staff in
/// post, for the health check: each value for the period (counts in it,
/// or levels at its end).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StaffExtra {
    /// FTE covered by agency staff at the end (part of `vacancies`).
    pub agency: Option<f64>,
    /// Working days lost to sickness in the period.
    pub sickness_days: Option<f64>,
    /// Newly qualified (ASYE) workers in post at the end, and those of
    /// them whose caseload was within its protected level.
    pub asye: Option<f64>,
    pub asye_protected: Option<f64>,
    /// People allocated to the role's workers at the end.
    pub people_allocated: Option<f64>,
    /// Supervision hours due, and given, in the period.
    pub supervision_due_hours: Option<f64>,
    pub supervision_given_hours: Option<f64>,
}

/// The optional columns of a staff history, in `StaffExtra` order.
pub const STAFF_EXTRA: [&str; 7] = [
    "agency",
    "sickness_days",
    "asye",
    "asye_protected",
    "people_allocated",
    "supervision_due_hours",
    "supervision_given_hours",
];

#[derive(Debug, Clone, PartialEq)]
pub enum History {
    /// `period,flow,count`
    Activity(Vec<Series>),
    /// `period,role,starters,leavers,in_post[,vacancies]`
    Staff(Vec<(String, Vec<StaffPoint>)>),
}

/// What is wrong with a history file: each problem with its line.
#[derive(Debug, Clone)]
pub struct HistoryError {
    pub file: String,
    pub problems: Vec<(Option<u64>, String)>,
}

impl std::error::Error for HistoryError {}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (line, msg) in &self.problems {
            match line {
                Some(l) => writeln!(f, "{}:{l}: {msg}", self.file)?,
                None => writeln!(f, "{}: {msg}", self.file)?,
            }
        }
        let n = self.problems.len();
        write!(f, "{n} problem{} in {}", if n == 1 { "" } else { "s" }, self.file)
    }
}

const ACTIVITY: [&str; 3] = ["period", "flow", "count"];
const STAFF: [&str; 5] = ["period", "role", "starters", "leavers", "in_post"];
/// Columns allowed beside the required ones, for people's notes.
const NOTES: [&str; 3] = ["source", "note", "notes"];
/// Stop listing problems after this many; the first are what matter.
const MAX_PROBLEMS: usize = 20;

pub fn read(path: &Path) -> Result<History, HistoryError> {
    read_with_text(path).map(|(history, _)| history)
}

/// As `read`, with the text read (for its checksum, and to look for
/// "synthetic" in it).
pub fn read_with_text(path: &Path) -> Result<(History, String), HistoryError> {
    let file = path.display().to_string();
    let text = crate::input::read_text(path, crate::input::Kind::History)
        .map_err(|e| HistoryError { file: file.clone(), problems: vec![(None, format!("the file {}", e.reason()))] })?;
    Ok((parse(&text, &file)?, text))
}

/// Periods are within these years, as scenario dates are.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;
/// The largest count or level a row may give: more than any council or
/// England has, so a larger one is a typing error.
const MAX_VALUE: f64 = 1e9;

/// Parse history text as of today; `file` is used in messages only.
pub fn parse(text: &str, file: &str) -> Result<History, HistoryError> {
    parse_as_of(text, file, chrono::Local::now().date_naive())
}

/// Parse history text, refusing periods that start after `today` (history
/// is what happened) unless the row's source says it is synthetic, as
/// `caseflow history` writes.
pub fn parse_as_of(text: &str, file: &str, today: NaiveDate) -> Result<History, HistoryError> {
    let fail = |problems: Vec<Problem>| HistoryError { file: file.to_string(), problems };
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(fail(vec![(Some(1), format!("cannot read the header: {e}"))])),
    };
    if headers.iter().all(|h| h.is_empty()) {
        return Err(fail(vec![(None, "the file is empty: expected a header such as period,flow,count".into())]));
    }
    let staff = headers.iter().any(|h| h == "leavers" || h == "role");
    let mut problems = column_problems(&headers, staff);
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                problems.push((line, format!("not a CSV row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.is_empty()) {
            continue;
        }
        let cells = Cells { headers: &headers, record: &record, line };
        if let Some(row) = read_row(&cells, staff, today, &mut problems) {
            rows.push(row);
            if problems.len() >= MAX_PROBLEMS {
                break;
            }
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push((None, "no data rows: the file has a header but nothing under it".into()));
    }
    problems.extend(contradictions(&rows).into_iter().take(MAX_PROBLEMS));
    problems.extend(overlaps(&rows));
    if !problems.is_empty() {
        problems.sort_by_key(|(l, _)| l.unwrap_or(0));
        return Err(fail(problems));
    }
    Ok(group(rows, staff))
}

/// A problem with a history file: the line, when there is one, and what.
type Problem = (Option<u64>, String);

/// Columns missing, or not known, for a file of this kind.
fn column_problems(headers: &[String], staff: bool) -> Vec<Problem> {
    let required: &[&str] = if staff { &STAFF } else { &ACTIVITY };
    let staff_optional: Vec<&str> = std::iter::once("vacancies").chain(STAFF_EXTRA).collect();
    let optional: &[&str] = if staff { &staff_optional } else { &["completed"] };
    let mut problems = Vec::new();
    for r in required {
        if !headers.iter().any(|h| h == r) {
            problems.push((Some(1), format!("missing column '{r}': the columns must include {}", required.join(", "))));
        }
    }
    for h in headers {
        if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) && !NOTES.contains(&h.as_str()) {
            problems.push((
                Some(1),
                format!(
                    "unknown column '{h}': expected {}{}, and optionally {}",
                    required.join(", "),
                    if optional.is_empty() { String::new() } else { format!(", {}", optional.join(", ")) },
                    NOTES.join(" or ")
                ),
            ));
        }
    }
    problems
}

/// One CSV row, its cells found by column name.
struct Cells<'a> {
    headers: &'a [String],
    record: &'a csv::StringRecord,
    line: u64,
}

impl<'a> Cells<'a> {
    fn has(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h == name)
    }

    /// The cell of a column; empty when there is no such column.
    fn get(&self, name: &str) -> &'a str {
        self.headers.iter().position(|h| h == name).and_then(|i| self.record.get(i)).unwrap_or("")
    }

    /// A number from 0 to `MAX_VALUE`: `Some(None)` when the cell is
    /// empty and may be, `None` when it has a problem (noted).
    fn number(&self, name: &str, required: bool, problems: &mut Vec<Problem>) -> Option<Option<f64>> {
        let line = self.line;
        let raw = self.get(name);
        if raw.is_empty() && !required {
            return Some(None);
        }
        match raw.parse::<f64>() {
            Ok(v) if (0.0..=MAX_VALUE).contains(&v) => Some(Some(v)),
            Ok(v) if v > MAX_VALUE => {
                problems.push((
                    Some(line),
                    format!("{name} must be at most 1,000,000,000 (got {}): check it for a typing error", raw),
                ));
                None
            }
            Ok(v) => {
                problems.push((Some(line), format!("{name} must be a number >= 0 (got {v})")));
                None
            }
            Err(_) => {
                problems.push((Some(line), format!("{name} must be a number >= 0 (got '{raw}')")));
                None
            }
        }
    }
}

/// One data row, named by its flow or role; `None` when it has a problem
/// (noted).
fn read_row(cells: &Cells<'_>, staff: bool, today: NaiveDate, problems: &mut Vec<Problem>) -> Option<(String, Row)> {
    let line = cells.line;
    let synthetic = cells.get("source").starts_with("synthetic");
    let span = match parse_period(cells.get("period")).and_then(|s| within(s, today, synthetic)) {
        Ok(s) => s,
        Err(e) => {
            problems.push((Some(line), format!("period {e}")));
            return None;
        }
    };
    let column = if staff { "role" } else { "flow" };
    let name = cells.get(column).to_string();
    if name.is_empty() {
        problems.push((Some(line), format!("the {column} is empty")));
        return None;
    }
    if let Some(p) = crate::model::names::problem(&name) {
        problems.push((Some(line), format!("{column}: {p}")));
        return None;
    }
    let row = if staff { staff_row(cells, span, problems)? } else { count_row(cells, span, problems)? };
    Some((name, row))
}

/// A row of a staff history: starters, leavers and in post, and what else is given.
fn staff_row(cells: &Cells<'_>, span: Span, problems: &mut Vec<Problem>) -> Option<Row> {
    let (Some(Some(starters)), Some(Some(leavers)), Some(Some(in_post)), Some(vacancies)) = (
        cells.number("starters", true, problems),
        cells.number("leavers", true, problems),
        cells.number("in_post", true, problems),
        if cells.has("vacancies") { cells.number("vacancies", false, problems) } else { Some(None) },
    ) else {
        return None;
    };
    let mut extra = [None; STAFF_EXTRA.len()];
    let mut bad = false;
    for (k, column) in STAFF_EXTRA.iter().enumerate() {
        if cells.has(column) {
            match cells.number(column, false, problems) {
                Some(v) => extra[k] = v,
                None => bad = true,
            }
        }
    }
    if bad {
        return None;
    }
    let [agency, sickness_days, asye, asye_protected, people_allocated, due, given] = extra;
    let extra = StaffExtra {
        agency,
        sickness_days,
        asye,
        asye_protected,
        people_allocated,
        supervision_due_hours: due,
        supervision_given_hours: given,
    };
    Some(Row::Staff(StaffPoint { span, starters, leavers, in_post, vacancies, extra, line: cells.line }))
}

/// A row of an activity history: a whole count, and completions if given.
fn count_row(cells: &Cells<'_>, span: Span, problems: &mut Vec<Problem>) -> Option<Row> {
    let Some(Some(count)) = cells.number("count", true, problems) else { return None };
    if count.fract() != 0.0 {
        problems.push((Some(cells.line), format!("count must be a whole number (got {count})")));
        return None;
    }
    let completed = if cells.has("completed") { cells.number("completed", false, problems)? } else { None };
    Some(Row::Count(Point { span, count, completed, line: cells.line }))
}

/// Each name's periods must not repeat or overlap.
fn overlaps(rows: &[(String, Row)]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut by_name: HashMap<&str, Vec<(Span, u64)>> = HashMap::new();
    for (name, row) in rows {
        by_name.entry(name).or_default().push(row.span_line());
    }
    for (name, spans) in &mut by_name {
        spans.sort();
        for w in spans.windows(2) {
            let ((a, la), (b, lb)) = (w[0], w[1]);
            if a == b {
                problems.push((
                    Some(la.max(lb)),
                    format!("duplicate period {} for '{name}' (also at line {})", b.label(), la.min(lb)),
                ));
            } else if b.start < a.end {
                problems.push((Some(la.max(lb)), format!("period {} overlaps {} for '{name}'", b.label(), a.label())));
            }
        }
    }
    problems
}

/// A period within the years allowed and, unless synthetic, not after today.
fn within(span: Span, today: NaiveDate, synthetic: bool) -> Result<Span, String> {
    if !YEARS.contains(&span.start.year()) || !YEARS.contains(&span.end.pred_opt().unwrap_or(span.end).year()) {
        return Err(format!(
            "{} is outside the years {} to {}: check it for a typing error",
            span.label(),
            YEARS.start(),
            YEARS.end()
        ));
    }
    if span.start > today && !synthetic {
        return Err(format!(
            "{} starts after today ({today}): history records what happened; check the date for a typing error",
            span.label()
        ));
    }
    Ok(span)
}

/// Counts that cannot all be true: more ASYEs (or protected ones) than
/// staff, more leavers than the staff who could have left, more work
/// completed than could have been waiting.
fn contradictions(rows: &[(String, Row)]) -> Vec<(Option<u64>, String)> {
    let mut out = Vec::new();
    let mut by_name: HashMap<&str, Vec<&Row>> = HashMap::new();
    for (name, row) in rows {
        by_name.entry(name).or_default().push(row);
    }
    let mut names: Vec<&&str> = by_name.keys().collect();
    names.sort();
    for name in names {
        let mut series = by_name[*name].clone();
        series.sort_by_key(|r| r.span_line());
        out.extend(staff_contradictions(name, &series));
        out.extend(completed_contradiction(name, &series));
    }
    out
}

fn staff_contradictions(name: &str, series: &[&Row]) -> Vec<(Option<u64>, String)> {
    let mut out = Vec::new();
    let mut before: Option<&StaffPoint> = None;
    for row in series {
        let Row::Staff(p) = row else { return out };
        let x = &p.extra;
        if let Some(asye) = x.asye.filter(|&a| a > p.in_post + x.agency.unwrap_or(0.0)) {
            out.push((
                Some(p.line),
                format!("asye ({asye}) is more than the staff in post ({}) for '{name}'", p.in_post),
            ));
        }
        if let (Some(asye), Some(protected)) = (x.asye, x.asye_protected.filter(|&v| v > x.asye.unwrap_or(0.0))) {
            out.push((Some(p.line), format!("asye_protected ({protected}) is more than asye ({asye}) for '{name}'")));
        }
        // Staff at the start: the period before's in post when it ends as
        // this one starts, else this one's.
        let start = before.filter(|b| b.span.end == p.span.start).map_or(p.in_post, |b| b.in_post);
        if p.leavers > start + p.starters {
            out.push((
                Some(p.line),
                format!(
                    "leavers ({}) is more than the {} who could have left '{name}' (in post at the start {start}, plus {} starters)",
                    p.leavers,
                    start + p.starters,
                    p.starters
                ),
            ));
        }
        before = Some(p);
    }
    out
}

/// Work completed so far may be more than received so far by at most a
/// year of receipts (work waiting when the file starts); more than that
/// is a contradiction, or the columns swapped.
fn completed_contradiction(name: &str, series: &[&Row]) -> Option<(Option<u64>, String)> {
    let points: Vec<&Point> =
        series.iter().filter_map(|r| if let Row::Count(p) = r { Some(p) } else { None }).collect();
    let first = points.first()?.span.start;
    let year_end = first + Months::new(12);
    let first_year: Vec<&&Point> = points.iter().filter(|p| p.span.start < year_end).collect();
    let days: f64 = first_year.iter().map(|p| p.span.days()).sum();
    let waiting = first_year.iter().map(|p| p.count).sum::<f64>() * (DAYS_PER_YEAR / days.max(1.0)).max(1.0);
    let (mut received, mut completed) = (0.0, 0.0);
    for p in &points {
        received += p.count;
        completed += p.completed?;
        if completed > received + waiting {
            return Some((
                Some(p.line),
                format!(
                    "completed so far ({}) is more than received so far ({}) plus a year of receipts ({}) that could have been waiting at the start, for '{name}': check the completed and count columns",
                    crate::format::thousands(completed),
                    crate::format::thousands(received),
                    crate::format::thousands(waiting.round())
                ),
            ));
        }
    }
    None
}

enum Row {
    Count(Point),
    Staff(StaffPoint),
}

impl Row {
    fn span_line(&self) -> (Span, u64) {
        match self {
            Row::Count(p) => (p.span, p.line),
            Row::Staff(p) => (p.span, p.line),
        }
    }
}

/// Rows grouped by name in order of first appearance, each in time order.
fn group(rows: Vec<(String, Row)>, staff: bool) -> History {
    let mut order: Vec<String> = Vec::new();
    let mut counts: HashMap<String, Vec<Point>> = HashMap::new();
    let mut people: HashMap<String, Vec<StaffPoint>> = HashMap::new();
    for (name, row) in rows {
        if !order.contains(&name) {
            order.push(name.clone());
        }
        match row {
            Row::Count(p) => counts.entry(name).or_default().push(p),
            Row::Staff(p) => people.entry(name).or_default().push(p),
        }
    }
    if staff {
        History::Staff(
            order
                .into_iter()
                .map(|n| {
                    let mut v = people.remove(&n).unwrap_or_default();
                    v.sort_by_key(|p| p.span);
                    (n, v)
                })
                .collect(),
        )
    } else {
        History::Activity(
            order
                .into_iter()
                .map(|n| {
                    let mut points = counts.remove(&n).unwrap_or_default();
                    points.sort_by_key(|p| p.span);
                    Series { name: n, points }
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_in_every_form() {
        assert_eq!(parse_period("2014/15").unwrap(), Span { start: d("2014-04-01"), end: d("2015-04-01") });
        assert_eq!(parse_period("2014-15").unwrap(), Span { start: d("2014-04-01"), end: d("2015-04-01") });
        assert_eq!(parse_period("1999/00").unwrap().end, d("2000-04-01"));
        assert_eq!(parse_period("2015-04").unwrap(), Span { start: d("2015-04-01"), end: d("2015-05-01") });
        assert_eq!(parse_period("2015").unwrap().days(), 365.0);
        assert_eq!(parse_period("2016-02-29").unwrap().days(), 1.0);
        assert!(parse_period("2014/16").unwrap_err().contains("2014/15 follows"));
        assert!(parse_period("April 2015").is_err());
        assert!(parse_period("2015-13").is_err());
        assert_eq!(parse_period("2014-04-01..2014-09-30").unwrap().days(), 183.0);
        assert!(parse_period("2014-09-30..2014-04-01").is_err());
        for s in ["2014/15", "2015-04", "2015", "2016-02-29", "2014-04-01..2014-09-30"] {
            assert_eq!(parse_period(s).unwrap().label(), s);
        }
    }
}
