//! The run report, built section by section over the same bands as the
//! CSV tables. Each module makes one section; `build` puts them in order.

mod areas;
mod assumptions;
mod bottleneck;
mod headline;
mod inputs;
mod legal;
mod money;
pub mod today;
mod waiting;
mod work;
mod workforce;

pub use bottleneck::{Limit, StagePart, limits};

use crate::format::{Unit, month_year, thousands};
use crate::model::{Model, WorkKind};
use crate::precision::{Precision, percent};
use crate::scenario::Scenario;
use crate::stats::{Aggregate, Bands};
use crate::summary::Stamp;
use crate::summary::doc::{Block, Chart, ChartKind, Doc, Panel};
use crate::units::DAYS_PER_YEAR;

/// What every section of the run report reads: the model, the run's
/// bands, and the horizon they cover.
pub(crate) struct ReportInput<'a> {
    pub m: &'a Model,
    pub agg: &'a Aggregate,
    /// Years in the reported horizon.
    pub years: f64,
    /// The last reporting period.
    pub last: usize,
}

impl ReportInput<'_> {
    pub fn new<'a>(m: &'a Model, agg: &'a Aggregate) -> ReportInput<'a> {
        ReportInput { m, agg, years: m.horizon_days / DAYS_PER_YEAR, last: m.periods.len().saturating_sub(1) }
    }

    /// "March 2018": the end of the horizon.
    pub fn by(&self) -> String {
        month_year(self.m.periods.last_date(self.last))
    }

    pub fn has_dols(&self) -> bool {
        self.m.flows.iter().any(|f| f.kind == WorkKind::Dols)
    }

    /// Period start labels for a fan chart's x axis.
    pub fn ticks(&self) -> Vec<String> {
        (0..self.m.periods.len()).map(|p| crate::format::short_month(self.m.periods.starts[p])).collect()
    }

    /// A fan chart over the reporting periods.
    pub fn fan(&self, id: &str, title: &str, caption: &str, y: &str, panels: Vec<Panel>) -> Chart {
        Chart {
            id: id.into(),
            legend: if matches!(id, "staffing" | "caseload") { "lower" } else { "upper" },
            from_zero: id != "staffing",
            title: title.into(),
            caption: caption.into(),
            kind: ChartKind::Fan,
            x_label: format!("{} starting", self.m.periods.kind.name()),
            y_label: y.into(),
            x_ticks: self.ticks(),
            x_marks: year_starts(self.m),
            panels,
        }
    }
}

/// The periods that start a financial year (1 April), when there are at
/// least two, for the ticks of charts over time.
pub(crate) fn year_starts(m: &Model) -> Vec<usize> {
    use chrono::Datelike;
    let marks: Vec<usize> = (0..m.periods.len())
        .filter(|&p| {
            let d = m.periods.starts[p];
            d.month() == 4 && d.day() == 1
        })
        .collect();
    if marks.len() >= 2 { marks } else { Vec::new() }
}

/// "X (P10-P90: a-b)" in a sentence.
pub(crate) fn words(b: &Bands, unit: Unit) -> String {
    unit.band_words(b)
}

/// The report's "In short" sentences, for the console.
pub fn in_short(m: &Model, agg: &Aggregate) -> Vec<String> {
    let section = headline::section(&ReportInput::new(m, agg));
    section
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Sentences(s) => Some(s.iter().map(|s| s.text.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

pub fn build(m: &Model, agg: &Aggregate, stamp: &Stamp, scenario: &Scenario, precision: Option<&Precision>) -> Doc {
    let cx = ReportInput::new(m, agg);
    let sections = vec![
        headline::section(&cx),
        today::section(&cx),
        areas::section(&cx),
        work::section(&cx),
        bottleneck::section(&cx),
        waiting::section(&cx),
        workforce::section(&cx),
        money::section(&cx),
        assumptions::section(&cx, scenario),
    ];
    let mut meta = Vec::new();
    if !m.description.is_empty() {
        meta.push(m.description.clone());
    }
    meta.push(format!(
        "{} to {}, by {}; {} simulated futures (replications), seed {}{}",
        m.start,
        m.periods.last_date(cx.last),
        m.periods.kind.name(),
        thousands(stamp.replications as f64),
        stamp.seed,
        precision.map_or(".".to_string(), |p| format!(": {}", how_precise(p)))
    ));
    let mut reproduce = reproduce(stamp, scenario);
    if let Some(p) = precision {
        reproduce.push(("precision".into(), precision_row(p, stamp.replications)));
    }
    Doc { title: m.name.clone(), meta, sections: sections.into_iter().filter(|s| !s.is_empty()).collect(), reproduce }
}

/// How precise a run until precise got, for the line under the title.
fn how_precise(p: &Precision) -> String {
    let least = p.limiting.as_ref().map_or(String::new(), |(_, words)| format!("; the least settled is {words}"));
    if p.precise() {
        format!(
            "enough for every headline figure to be known within ±{} (95% confidence; reached ±{}{least}).",
            percent(p.tolerance),
            percent(p.reached.worst)
        )
    } else {
        format!(
            "the most allowed; the headline figures are known within ±{} (95% confidence), short of the ±{} asked for{least}{}.",
            percent(p.reached.worst),
            percent(p.tolerance),
            p.needed_words()
        )
    }
}

/// The reproduce row of a run until precise.
fn precision_row(p: &Precision, replications: u64) -> String {
    format!(
        "replications added {} at a time until every headline figure's 95% confidence interval was within ±{} of it, \
at most {}: {} after {}; --replications {replications} gives the same figures",
        crate::precision::BATCH,
        percent(p.tolerance),
        thousands(p.max_replications as f64),
        if p.precise() {
            format!("reached ±{}", percent(p.reached.worst))
        } else {
            format!("stopped at ±{}", percent(p.reached.worst))
        },
        thousands(replications as f64)
    )
}

/// The stamp rows every run report ends with.
pub(crate) fn reproduce(stamp: &Stamp, scenario: &Scenario) -> Vec<(String, String)> {
    let mut out = vec![("scenario".to_string(), stamp.scenario.clone())];
    for (file, sha) in &scenario.files {
        out.push((format!("file {file}"), format!("SHA-256 {sha}")));
    }
    for c in &scenario.changes {
        out.push(("changed".into(), c.clone()));
    }
    out.push(("resolved scenario SHA-256".into(), stamp.scenario_sha256.clone()));
    out.push(("seed".into(), stamp.seed.to_string()));
    out.push(("replications".into(), stamp.replications.to_string()));
    out
}
