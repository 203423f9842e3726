//! Where a service stood, period by period: figures in the model's own
//! terms, as a scenario's `[[observed]]` gives them, one a row.
//!
//! ```text
//! period,of,measure,value,source
//! 2017-03-31,urgent_dols+standard_dols,backlog,108545,not completed at 31 March
//! 2016/17,standard_dols,within_deadline,23,% of standard applications in 21 days
//! 2016/17,urgent_dols+standard_dols,mean_days,120,
//! ```
//!
//! `of` names a request or flow, or requests taken together joined by
//! `+`; `measure` is an `[[observed]]` measure; a level (backlog,
//! waiting) is at the end of its period (a date is a one-day period), any
//! other measure is over it. An optional `tolerance` column says how close
//! a calibrated model must come (default: 5 points for a %, else 15%).

use std::path::Path;

use super::read::{HistoryError, Span, parse_period};
use crate::model::observed::Measure;

/// One observed figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub span: Span,
    pub of: Vec<String>,
    pub measure: Measure,
    pub value: f64,
    pub tolerance: Option<f64>,
    pub source: Option<String>,
    pub line: u64,
}

impl Figure {
    /// The series the figure belongs to: "backlog of urgent_dols+standard_dols".
    pub fn series(&self) -> String {
        format!("{} of {}", self.measure.key(), self.of.join("+"))
    }

    /// Counts scale with the model's size; shares and days do not.
    pub fn is_count(&self) -> bool {
        !self.measure.is_pct() && !self.measure.is_days() && !self.measure.of_workers()
    }

    /// The last day the figure depends on.
    pub fn end(&self) -> chrono::NaiveDate {
        self.span.end
    }

    /// The figure as an `[[observed]]` entry of a model `scale` times the
    /// size of what it counts.
    pub fn observed(&self, scale: f64) -> toml::Table {
        let k = if self.is_count() { scale } else { 1.0 };
        let mut t = toml::Table::new();
        let of: Vec<toml::Value> = self.of.iter().map(|s| toml::Value::from(s.as_str())).collect();
        t.insert("of".into(), toml::Value::Array(of));
        t.insert("measure".into(), self.measure.key().into());
        t.insert("value".into(), (self.value * k).into());
        let label = self.span.label();
        let last = self.span.end.pred_opt().unwrap_or(self.span.end);
        if self.measure.is_level() {
            t.insert("at".into(), toml::Value::Datetime(date(last)));
        } else if label.contains('/') {
            t.insert("year".into(), label.into());
        } else {
            t.insert("from".into(), toml::Value::Datetime(date(self.span.start)));
            t.insert("until".into(), toml::Value::Datetime(date(last)));
        }
        if let Some(tol) = self.tolerance {
            t.insert("tolerance".into(), (tol * k).into());
        }
        if let Some(s) = &self.source {
            t.insert("source".into(), s.as_str().into());
        }
        t
    }
}

fn date(d: chrono::NaiveDate) -> toml::value::Datetime {
    d.to_string().parse().expect("a date is a TOML date")
}

const REQUIRED: [&str; 4] = ["period", "of", "measure", "value"];
const OPTIONAL: [&str; 4] = ["tolerance", "source", "note", "notes"];

pub fn read(path: &Path) -> Result<Vec<Figure>, HistoryError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| HistoryError { file: file.clone(), problems: vec![(None, format!("cannot read it: {e}"))] })?;
    parse(&text, &file)
}

/// Parse figures; `file` is used in messages only.
pub fn parse(text: &str, file: &str) -> Result<Vec<Figure>, HistoryError> {
    let fail = |problems: Vec<(Option<u64>, String)>| HistoryError { file: file.to_string(), problems };
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(fail(vec![(Some(1), format!("cannot read the header: {e}"))])),
    };
    let mut problems = Vec::new();
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            problems.push((Some(1), format!("missing column '{r}': the columns must include {}", REQUIRED.join(", "))));
        }
    }
    for h in headers.iter().filter(|h| !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str())) {
        problems.push((
            Some(1),
            format!("unknown column '{h}': expected {}, and optionally {}", REQUIRED.join(", "), OPTIONAL.join(", ")),
        ));
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut out: Vec<Figure> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push((e.position().map(|p| p.line()), format!("not a CSV row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |name: &str| col(name).and_then(|i| record.get(i)).unwrap_or("").to_string();
        match figure(&get, line) {
            Ok(f) => {
                if let Some(other) = out.iter().find(|o| o.span == f.span && o.series() == f.series()) {
                    problems.push((
                        Some(line),
                        format!("{} for {} again (also at line {})", f.series(), f.span.label(), other.line),
                    ));
                } else {
                    out.push(f);
                }
            }
            Err(why) => problems.push((Some(line), why)),
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push((None, "no data rows: the file has a header but nothing under it".into()));
    }
    if problems.is_empty() { Ok(out) } else { Err(fail(problems)) }
}

fn figure(get: &dyn Fn(&str) -> String, line: u64) -> Result<Figure, String> {
    let span = parse_period(&get("period"))?;
    let of: Vec<String> = get("of").split('+').map(|s| s.trim().to_string()).collect();
    if of.iter().any(String::is_empty) {
        return Err(format!("of must name a request or flow, or requests joined by + (got '{}')", get("of")));
    }
    let measure = Measure::parse(&get("measure")).ok_or_else(|| {
        let all: Vec<&str> = Measure::ALL.iter().map(|m| m.key()).collect();
        format!("'{}' is not a measure; use one of: {}", get("measure"), all.join(", "))
    })?;
    let number = |name: &str| -> Result<Option<f64>, String> {
        let raw = get(name);
        if raw.is_empty() {
            return Ok(None);
        }
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            _ => Err(format!("{name} must be a number >= 0 (got '{raw}')")),
        }
    };
    let value = number("value")?.ok_or("value is empty")?;
    if measure.is_pct() && value > 100.0 {
        return Err(format!("value is a percentage, so at most 100 (got {value})"));
    }
    let tolerance = number("tolerance")?;
    if tolerance == Some(0.0) {
        return Err("tolerance must be above 0".into());
    }
    let source = Some(get("source")).filter(|s| !s.is_empty());
    Ok(Figure { span, of, measure, value, tolerance, source, line })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_strictly_and_become_observed_entries() {
        let text = "period,of,measure,value,source\n\
                    2017-03-31,a+b,backlog,100,x\n\
                    2016/17,b,within_deadline,23,\n";
        let f = parse(text, "t.csv").unwrap();
        assert_eq!(f.len(), 2);
        let backlog = f[0].observed(0.5);
        assert_eq!(backlog["value"].as_float(), Some(50.0));
        assert_eq!(backlog["at"].to_string(), "2017-03-31");
        let pct = f[1].observed(0.5);
        assert_eq!(pct["value"].as_float(), Some(23.0));
        assert_eq!(pct["year"].as_str(), Some("2016/17"));
        for (bad, says) in [
            ("2016/17,b,within_deadline,123,\n", "at most 100"),
            ("2016/17,b,speed,1,\n", "not a measure"),
            ("2016/17,,backlog,1,\n", "of must name"),
            ("2016/17,b,backlog,-1,\n", "number >= 0"),
            ("2016/17,b,backlog,1,\n2016/17,b,backlog,2,\n", "again (also at line 2)"),
        ] {
            let e = parse(&format!("period,of,measure,value,source\n{bad}"), "t.csv").unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(e.contains("t.csv:2") || e.contains("t.csv:3"), "{e}");
        }
    }
}
