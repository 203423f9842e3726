//! The run as one Excel workbook, for a budget pack: what the report says
//! in short, cost by financial year with the years as columns, the budget
//! lines, a sheet per table (numbers as numbers, formatted as £, %, days
//! or dates by what each measure is), and the assumptions with what
//! reproduces the figures.

use polars::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::ExportError;
use super::cell::safe;
use crate::format::Unit;
use crate::model::Model;
use crate::results::{BudgetMetric, YearMetric};
use crate::stats::{Aggregate, Bands};
use crate::summary::Tables;
use crate::summary::doc::{Block, Doc};

/// The workbook's bytes: the same run gives the same bytes.
pub fn run_workbook(
    m: &Model,
    agg: &Aggregate,
    tables: &mut Tables,
    doc: &Doc,
    command: &str,
) -> Result<Vec<u8>, ExportError> {
    build(m, agg, tables, doc, command).map_err(|e| ExportError::Tables { message: format!("the workbook: {e}") })
}

fn build(m: &Model, agg: &Aggregate, tables: &mut Tables, doc: &Doc, command: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation date, so that the file depends on the run alone.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_title(&doc.title).set_creation_datetime(&epoch));
    let f = Formats::new();
    in_short(book.add_worksheet(), doc, &f)?;
    if let Some(today) = doc.section("today") {
        let ws = book.add_worksheet();
        ws.set_name("Observed against simulated")?;
        write_tables(ws, 0, &today.blocks, &f)?;
        ws.set_column_width(0, 60)?;
    }
    by_year(book.add_worksheet(), m, agg, &f)?;
    if !m.budget.is_empty() {
        budget(book.add_worksheet(), m, agg, &f)?;
    }
    for (stem, df) in tables.named() {
        if df.height() > 0 {
            table(book.add_worksheet(), stem, df, m, &f)?;
        }
    }
    assumptions(book.add_worksheet(), doc, command, &f)?;
    book.save_to_buffer()
}

/// Every format the workbook uses, made once: a format made for each cell
/// cost as much as writing the cell.
struct Formats {
    bold: Format,
    wrap: Format,
    date: Format,
    money: Format,
    whole_pct: Format,
    tenth_pct: Format,
    tenth: Format,
    whole: Format,
}

impl Formats {
    fn new() -> Formats {
        let num = |f: &str| Format::new().set_num_format(f);
        Formats {
            bold: Format::new().set_bold(),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            date: num("d mmm yyyy"),
            money: num("£#,##0"),
            whole_pct: num("0%"),
            tenth_pct: num("0.0%"),
            tenth: num("#,##0.0"),
            whole: num("#,##0"),
        }
    }

    /// Excel's number format for a unit, and the scale that turns a value
    /// into what the format shows (a percentage held as 0-100 becomes a
    /// share, as Excel's % format expects).
    fn of(&self, unit: Unit) -> (&Format, f64) {
        match unit {
            Unit::Money => (&self.money, 1.0),
            Unit::Pct => (&self.whole_pct, 0.01),
            Unit::Rate => (&self.tenth_pct, 0.01),
            Unit::Probability | Unit::Chance => (&self.whole_pct, 1.0),
            Unit::Days | Unit::Ratio => (&self.tenth, 1.0),
            Unit::Count | Unit::Hours => (&self.whole, 1.0),
        }
    }
}

fn number(ws: &mut Worksheet, row: u32, col: u16, v: f64, unit: Unit, f: &Formats) -> Result<(), XlsxError> {
    if v.is_finite() {
        let (format, scale) = f.of(unit);
        ws.write_number_with_format(row, col, v * scale, format)?;
    }
    Ok(())
}

fn header(ws: &mut Worksheet, row: u32, names: &[&str], f: &Formats) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, safe(name).as_ref(), &f.bold)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    Ok(())
}

/// The report's first section, a sentence a row.
fn in_short(ws: &mut Worksheet, doc: &Doc, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("In short")?;
    ws.write_string_with_format(0, 0, safe(&doc.title).as_ref(), &f.bold)?;
    let mut row = 1;
    for line in &doc.meta {
        ws.write_string(row, 0, safe(line).as_ref())?;
        row += 1;
    }
    row += 1;
    for s in doc.sections.first().into_iter().flat_map(|s| &s.blocks) {
        if let Block::Sentences(list) = s {
            for sentence in list {
                ws.write_string_with_format(row, 0, safe(&sentence.text).as_ref(), &f.wrap)?;
                row += 1;
            }
        }
    }
    ws.set_column_width(0, 140)?;
    Ok(())
}

fn year_label(k: YearMetric) -> String {
    match k.name() {
        "cost_staff" => "Employed staff".into(),
        "cost_agency" => "Agency".into(),
        "cost_bought_in" => "Bought-in assessments".into(),
        "cost_overtime" => "Overtime".into(),
        "cost_total" => "Total cost".into(),
        "dols_hours" => "DoLS: staff hours".into(),
        "dols_cost" => "DoLS: staff time and fees".into(),
        "cost_unallocated" => "Staff time given to no work".into(),
        "unauthorised_days" => "Person-days without authorisation".into(),
        other => other.replace('_', " "),
    }
}

/// Cost (and DoLS hours) by financial year: a row per measure and band,
/// the years as columns.
fn by_year(ws: &mut Worksheet, m: &Model, agg: &Aggregate, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Cost by financial year")?;
    let mut names = vec!["measure", "band"];
    let years: Vec<String> = m
        .years
        .iter()
        .map(|y| if y.covered < 0.999 { format!("{} (part)", y.label) } else { y.label.clone() })
        .collect();
    names.extend(years.iter().map(String::as_str));
    header(ws, 0, &names, f)?;
    let mut row = 1;
    for k in YearMetric::ALL {
        let unit = crate::format::Unit::of_measure(k.name());
        for (band, pick) in BANDS {
            ws.write_string(row, 0, safe(&year_label(k)).as_ref())?;
            ws.write_string(row, 1, safe(band).as_ref())?;
            for y in 0..m.years.len() {
                number(ws, row, 2 + y as u16, pick(&Bands::of(agg.year_total(y, k))), unit, f)?;
            }
            row += 1;
        }
    }
    ws.set_column_width(0, 36)?;
    ws.set_column_width(1, 10)?;
    ws.set_column_range_width(2, 1 + m.years.len().max(1) as u16, 16)?;
    Ok(())
}

/// A band's figure, by name.
type Pick = fn(&Bands) -> f64;

const BANDS: [(&str, Pick); 4] = [("P50", |b| b.p50), ("P10", |b| b.p10), ("P90", |b| b.p90), ("mean", |b| b.mean)];

/// A figure of a financial year, by its index.
type YearValue<'a> = dyn Fn(usize) -> f64 + 'a;

/// Each budget line by financial year: the budget, the spend's band, the
/// chance of going over and the expected overspend.
fn budget(ws: &mut Worksheet, m: &Model, agg: &Aggregate, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Budget by financial year")?;
    let mut names = vec!["budget line", "figure"];
    names.extend(m.years.iter().map(|y| y.label.as_str()));
    header(ws, 0, &names, f)?;
    let mut row = 1;
    for (l, line) in m.budget.iter().enumerate() {
        let rows: [(&str, Unit, &YearValue); 6] = [
            ("budget", Unit::Money, &|y| line.per_year[y]),
            ("spend P50", Unit::Money, &|y| agg.budget(l, y, BudgetMetric::Spend).quantile(0.5)),
            ("spend P10", Unit::Money, &|y| agg.budget(l, y, BudgetMetric::Spend).quantile(0.1)),
            ("spend P90", Unit::Money, &|y| agg.budget(l, y, BudgetMetric::Spend).quantile(0.9)),
            ("chance of spending more", Unit::Probability, &|y| agg.budget(l, y, BudgetMetric::Over).mean()),
            ("expected overspend", Unit::Money, &|y| agg.budget(l, y, BudgetMetric::Overspend).mean()),
        ];
        for (what, unit, value) in rows {
            ws.write_string(row, 0, safe(line.item.label()).as_ref())?;
            ws.write_string(row, 1, safe(what).as_ref())?;
            for y in 0..m.years.len() {
                number(ws, row, 2 + y as u16, value(y), unit, f)?;
            }
            row += 1;
        }
    }
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 26)?;
    ws.set_column_range_width(2, 1 + m.years.len().max(1) as u16, 16)?;
    Ok(())
}

/// A table's column as the sheet writes it.
enum Cells {
    Text(StringChunked),
    Numbers(Float64Chunked),
    Neither,
}

impl Cells {
    fn of(s: &Series) -> Cells {
        if let Ok(strings) = s.str() {
            return Cells::Text(strings.clone());
        }
        match s.cast(&DataType::Float64).map(|v| v.f64().cloned()) {
            Ok(Ok(numbers)) => Cells::Numbers(numbers),
            _ => Cells::Neither,
        }
    }
}

/// A table as the CSV has it, with a plain name beside each key, dates as
/// dates and each band formatted by its measure's unit.
fn table(ws: &mut Worksheet, stem: &str, df: &DataFrame, m: &Model, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(stem)?;
    let columns = df.columns();
    let names: Vec<String> = columns.iter().map(|c| c.name().to_string()).collect();
    let unit_col = names.iter().position(|n| n == "metric" || n == "item");
    let label_col = names.iter().position(|n| ["flow", "role", "request", "name"].contains(&n.as_str()));
    let mut head: Vec<&str> = names.iter().map(String::as_str).collect();
    if label_col.is_some() {
        head.push("label");
    }
    header(ws, 0, &head, f)?;
    // Each column read as text or numbers once, not once a cell: a cast
    // per cell made a large table's sheet quadratic in its rows.
    let cells: Vec<Cells> = columns.iter().map(|c| Cells::of(c.as_materialized_series())).collect();
    let text = |c: usize, r: usize| -> Option<String> {
        match &cells[c] {
            Cells::Text(s) => s.get(r).map(str::to_string),
            _ => None,
        }
    };
    for r in 0..df.height() {
        let row = r as u32 + 1;
        let unit = unit_col.and_then(|c| text(c, r)).map_or(Unit::Ratio, |m: String| Unit::of_measure(&m));
        for (c, column) in cells.iter().enumerate() {
            let name = names[c].as_str();
            if let Cells::Text(strings) = column {
                let Some(v) = strings.get(r) else { continue };
                match (name.ends_with("_start") || name.ends_with("_end"), date(v)) {
                    (true, Some(d)) => ws.write_datetime_with_format(row, c as u16, d, &f.date)?,
                    _ => ws.write_string(row, c as u16, safe(v).as_ref())?,
                };
            } else if let Cells::Numbers(numbers) = column {
                let Some(v) = numbers.get(r) else { continue };
                let unit = match name {
                    "mean" | "sd" | "ci95_low" | "ci95_high" | "p10" | "p50" | "p90" | "budget"
                    | "expected_overspend" => unit,
                    "probability_over" | "share" | "share_of_year_covered" => Unit::Probability,
                    _ => Unit::Count,
                };
                number(ws, row, c as u16, v, unit, f)?;
            }
        }
        if let Some(key) = label_col.and_then(|c| text(c, r)) {
            ws.write_string(row, names.len() as u16, safe(&label(m, &key)).as_ref())?;
        }
    }
    ws.autofit();
    Ok(())
}

/// A flow, role or request's name in the reports' words.
fn label(m: &Model, key: &str) -> String {
    if let Some(q) = m.request_id(key) {
        return m.requests[q].label.clone();
    }
    if let Some(fl) = m.flow_id(key) {
        return m.flow_title(fl as usize);
    }
    if let Some(r) = m.role_id(key) {
        return m.roles[r as usize].label.clone();
    }
    key.to_string()
}

fn date(text: &str) -> Option<ExcelDateTime> {
    let d: chrono::NaiveDate = text.parse().ok()?;
    use chrono::Datelike;
    ExcelDateTime::from_ymd(u16::try_from(d.year()).ok()?, d.month() as u8, d.day() as u8).ok()
}

/// The report's assumptions, then what reproduces the figures.
fn assumptions(ws: &mut Worksheet, doc: &Doc, command: &str, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Assumptions")?;
    ws.write_string_with_format(0, 0, "Key assumptions", &f.bold)?;
    let mut row = 1;
    for s in doc.section("assumptions").into_iter().flat_map(|s| &s.blocks) {
        match s {
            Block::Definitions(items) => {
                for (k, v) in items {
                    ws.write_string_with_format(row, 0, safe(k).as_ref(), &f.wrap)?;
                    ws.write_string_with_format(row, 1, safe(v).as_ref(), &f.wrap)?;
                    row += 1;
                }
            }
            Block::Text { summary, text } => {
                ws.write_string_with_format(row, 0, safe(summary).as_ref(), &f.wrap)?;
                ws.write_string_with_format(row, 1, safe(text).as_ref(), &f.wrap)?;
                row += 1;
            }
            _ => {}
        }
    }
    row = write_tables(ws, row + 1, doc.section("assumptions").into_iter().flat_map(|s| &s.blocks), f)?;
    ws.write_string_with_format(row, 0, "Provenance", &f.bold)?;
    row += 1;
    let version = [("caseflow version".to_string(), env!("CARGO_PKG_VERSION").to_string())];
    let command = [("command".to_string(), command.to_string())];
    for (k, v) in doc.reproduce.iter().chain(&version).chain(&command) {
        ws.write_string_with_format(row, 0, safe(k).as_ref(), &f.wrap)?;
        ws.write_string_with_format(row, 1, safe(v).as_ref(), &f.wrap)?;
        row += 1;
    }
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 120)?;
    Ok(())
}

/// The tables among `blocks` from `row` on, each under its title with a
/// bold heading, as the report shows them (cells as text); the row after
/// the last, and a blank one.
fn write_tables<'a>(
    ws: &mut Worksheet,
    mut row: u32,
    blocks: impl IntoIterator<Item = &'a Block>,
    f: &Formats,
) -> Result<u32, XlsxError> {
    for block in blocks {
        let Block::Table(t) = block else { continue };
        ws.write_string_with_format(row, 0, safe(&t.title).as_ref(), &f.bold)?;
        row += 1;
        for (c, h) in t.header.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, safe(h).as_ref(), &f.bold)?;
        }
        row += 1;
        for r in &t.rows {
            for (c, cell) in r.iter().enumerate() {
                ws.write_string_with_format(row, c as u16, safe(cell).as_ref(), &f.wrap)?;
            }
            row += 1;
        }
        row += 1;
    }
    Ok(row)
}
