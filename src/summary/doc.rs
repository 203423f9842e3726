//! What a report says, as plain data: a page of sections, each a list of
//! blocks (sentences, tables, charts, definitions). Every report — a run,
//! a comparison, a staffing search, a health check — is built as a `Doc`
//! by the summary modules; the HTML and Markdown exporters only lay it
//! out, so every number in them comes from here.

use crate::format::Unit;
use crate::stats::Bands;

/// A report page.
#[derive(Debug, Clone)]
pub struct Doc {
    pub title: String,
    /// Lines under the title: what the page is about, dates, replications.
    pub meta: Vec<String>,
    pub sections: Vec<Section>,
    /// What reproduces the figures, as (what, value) rows.
    pub reproduce: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// HTML id: stable, so tests and links can find the section.
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Block {
    /// A bulleted list of sentences.
    Sentences(Vec<Sentence>),
    Paragraph(String),
    /// A note in smaller type (how to read what follows).
    Note(String),
    Kpis(KpiTable),
    Table(Table),
    Chart(Chart),
    /// Terms and what they are.
    Definitions(Vec<(String, String)>),
    /// Preformatted text, folded under a summary line.
    Text {
        summary: String,
        text: String,
    },
}

impl Doc {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Every chart, in page order.
    pub fn charts(&self) -> Vec<&Chart> {
        self.blocks()
            .filter_map(|b| match b {
                Block::Chart(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    /// Every sentence, in page order.
    pub fn sentences(&self) -> Vec<&Sentence> {
        self.blocks()
            .flat_map(|b| match b {
                Block::Sentences(s) => s.iter().collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect()
    }

    fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.sections.iter().flat_map(|s| &s.blocks)
    }
}

impl Section {
    pub fn new(id: &str, title: &str) -> Section {
        Section { id: id.into(), title: title.into(), blocks: Vec::new() }
    }

    pub fn push(&mut self, b: Block) -> &mut Section {
        self.blocks.push(b);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// Where a figure in a sentence comes from in the CSV tables, so that a
/// test can check the sentence against them.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// `totals_periods.csv`: metric in period.
    TotalPeriod { metric: &'static str, period: usize },
    /// `kpis.csv`: a scope, name and metric.
    Kpi { scope: &'static str, name: String, metric: &'static str },
    /// `year_totals.csv`: metric in a financial year.
    Year { year: String, metric: &'static str },
    /// `workforce_kpis.csv`: a role, team or the total, and a metric.
    Workforce { scope: &'static str, name: String, metric: &'static str },
    /// `observed.csv` (a health check's last year, as the histories
    /// record it): its `value` for a scope, name and metric.
    Observed { scope: &'static str, name: String, metric: &'static str },
}

impl Source {
    pub fn kpi(scope: &'static str, name: &str, metric: &'static str) -> Source {
        Source::Kpi { scope, name: name.to_string(), metric }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub source: Source,
    pub bands: Bands,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub figures: Vec<Figure>,
}

impl Sentence {
    /// A sentence with no figure to check (a statement, a method).
    pub fn plain(text: impl Into<String>) -> Sentence {
        Sentence { text: text.into(), figures: Vec::new() }
    }
}

/// A measure with its band: a row of a key-figures table.
#[derive(Debug, Clone)]
pub struct KpiRow {
    pub label: String,
    pub bands: Bands,
    pub unit: Unit,
}

impl KpiRow {
    pub fn show(&self, v: f64) -> String {
        self.unit.show(v)
    }
}

#[derive(Debug, Clone)]
pub struct KpiTable {
    pub title: String,
    pub rows: Vec<KpiRow>,
}

/// A table of text cells, laid out as given; the first column is a label.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// P10-P90 band and P50 line over periods.
    Fan,
    /// Pooled distribution over bins of days.
    Histogram,
    /// One bar (P50) with a P10-P90 whisker per category.
    Bars,
    /// Bars stacked per category: each series a layer (P50).
    Stacked,
    /// Labelled points: x and y from each series' p50 (cost against
    /// attainment, say).
    Scatter,
}

/// A reference line: a deadline, an establishment, a caseload cap.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub label: String,
    pub value: f64,
    /// On a fan chart, a value per period instead of one level (an
    /// establishment that follows a staffing plan); on a bar chart, a
    /// value per bar (NaN for none: a budget missing for a year); empty
    /// for a level. `value` is then the highest, which the axis reaches.
    pub steps: Vec<f64>,
}

impl Marker {
    pub fn at(label: &str, value: f64) -> Marker {
        Marker { label: label.to_string(), value, steps: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub x: Vec<f64>,
    pub p10: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
}

impl Series {
    /// A series over x = 0, 1, 2, ... from a band per position.
    pub fn over(label: &str, n: usize, band: impl Fn(usize) -> Bands) -> Series {
        let mut s =
            Series { label: label.to_string(), x: Vec::new(), p10: Vec::new(), p50: Vec::new(), p90: Vec::new() };
        for i in 0..n {
            let b = band(i);
            s.x.push(i as f64);
            s.p10.push(b.p10);
            s.p50.push(b.p50);
            s.p90.push(b.p90);
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub series: Vec<Series>,
    pub marker: Option<Marker>,
    /// Observed values to set against the bands (a backtest's actuals).
    pub points: Vec<(f64, f64)>,
    /// This panel's own category labels (a stacked or bar chart whose
    /// panels have different categories); empty for the chart's `x_ticks`.
    pub ticks: Vec<String>,
    /// On a stacked chart, a P10-P90 whisker per category for the whole
    /// stack (the total's band, which is not the sum of the layers').
    pub whiskers: Vec<(f64, f64)>,
}

impl Panel {
    pub fn new(title: &str, series: Vec<Series>) -> Panel {
        Panel {
            title: title.to_string(),
            series,
            marker: None,
            points: Vec::new(),
            ticks: Vec::new(),
            whiskers: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem and HTML id.
    pub id: String,
    /// Where the legend goes: "upper" (left) or "lower" (right).
    pub legend: &'static str,
    /// Whether the y axis starts at zero (else near the lowest value).
    pub from_zero: bool,
    pub title: String,
    pub caption: String,
    pub kind: ChartKind,
    pub x_label: String,
    pub y_label: String,
    /// Labels of x positions 0, 1, 2, ... (periods or categories).
    pub x_ticks: Vec<String>,
    /// The x positions to label on a fan chart (the starts of financial
    /// years, say); empty to let the chart choose.
    pub x_marks: Vec<usize>,
    pub panels: Vec<Panel>,
}
