//! The profile as a spreadsheet a council fills in: one sheet, "Profile",
//! a row per figure (the order of `FIELDS`), the value in column C. The
//! template is written with rust_xlsxwriter and read back with calamine;
//! a workbook that is not the template is refused, naming the sheet and
//! the cell.

use std::io::{Cursor, Read, Seek};
use std::path::Path;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};

use super::fields::{FIELDS, Kind};
use super::{Profile, ProfileError};

pub const SHEET: &str = "Profile";
const HEADER: [&str; 5] = ["Section", "Figure", "Value", "Unit", "What it is"];

/// Where a figure's row is, and its key's two halves.
fn split(key: &str) -> (&str, &str) {
    key.split_once('.').expect("keys have a section")
}

/// A cell's name: row and column from 0 → "C7".
fn cell(row: u32, col: u16) -> String {
    format!("{}{}", (b'A' + col as u8) as char, row + 1)
}

/// Write the blank template.
pub fn write_template(path: &Path) -> Result<(), ProfileError> {
    let fail = |e: rust_xlsxwriter::XlsxError| ProfileError::Template {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name(SHEET).map_err(fail)?;
    let bold = Format::new().set_bold().set_background_color(Color::RGB(0xDDE7F0)).set_border(FormatBorder::Thin);
    let input = Format::new().set_background_color(Color::RGB(0xFFF6D5)).set_border(FormatBorder::Thin);
    let date = Format::new()
        .set_background_color(Color::RGB(0xFFF6D5))
        .set_border(FormatBorder::Thin)
        .set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_with_format(0, c as u16, *h, &bold).map_err(fail)?;
    }
    for (i, f) in FIELDS.iter().enumerate() {
        let row = i as u32 + 1;
        let (section, figure) = split(f.key);
        sheet.write(row, 0, section).map_err(fail)?;
        sheet.write(row, 1, figure).map_err(fail)?;
        let format = if f.kind == Kind::Date { &date } else { &input };
        sheet.write_blank(row, 2, format).map_err(fail)?;
        sheet.write(row, 3, f.kind.unit()).map_err(fail)?;
        let help = if f.required { format!("REQUIRED: {}", f.help) } else { f.help.to_string() };
        sheet.write_with_format(row, 4, help, &wrap).map_err(fail)?;
    }
    sheet.set_column_width(0, 12).map_err(fail)?;
    sheet.set_column_width(1, 38).map_err(fail)?;
    sheet.set_column_width(2, 16).map_err(fail)?;
    sheet.set_column_width(3, 14).map_err(fail)?;
    sheet.set_column_width(4, 80).map_err(fail)?;
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save(path).map_err(fail)
}

/// Read a filled-in template into a profile.
pub fn read(path: &Path) -> Result<Profile, ProfileError> {
    let shown = path.display().to_string();
    let fail = |message: String| ProfileError::Workbook { path: shown.clone(), message };
    crate::input::check(path, crate::input::Kind::Workbook).map_err(|e| fail(e.reason()))?;
    let book: Xlsx<_> = open_workbook(path).map_err(|e| fail(format!("cannot be read as an .xlsx workbook ({e})")))?;
    from_book(book, &shown)
}

/// A filled-in template sent as bytes (an upload on the what-if page),
/// `shown` by its file name.
pub fn from_bytes(bytes: Vec<u8>, shown: &str) -> Result<Profile, ProfileError> {
    let fail = |message: String| ProfileError::Workbook { path: shown.to_string(), message };
    let book = Xlsx::new(Cursor::new(bytes)).map_err(|e| fail(format!("cannot be read as an .xlsx workbook ({e})")))?;
    from_book(book, shown)
}

fn from_book<R: Read + Seek>(mut book: Xlsx<R>, shown: &str) -> Result<Profile, ProfileError> {
    let fail = |message: String| ProfileError::Workbook { path: shown.to_string(), message };
    let names = book.sheet_names();
    if let Some(other) = names.iter().find(|n| n.as_str() != SHEET) {
        return Err(fail(format!(
            "sheet '{other}' is not part of the template, which has one sheet, '{SHEET}'; copy the figures into the template's sheet"
        )));
    }
    let range = book.worksheet_range(SHEET).map_err(|_| {
        fail(format!("has no sheet '{SHEET}'; start from the template (caseflow new --template FILE.xlsx)"))
    })?;
    let at = |row: u32, col: u16| range.get_value((row, u32::from(col))).cloned().unwrap_or(Data::Empty);
    for (c, h) in HEADER.iter().enumerate() {
        let found = text(&at(0, c as u16));
        if found.trim() != *h {
            return Err(fail(format!(
                "{SHEET}!{}: expected the heading '{h}', found '{found}'; the template's columns must stay where they are",
                cell(0, c as u16)
            )));
        }
    }
    let mut doc = toml::Table::new();
    for (i, f) in FIELDS.iter().enumerate() {
        let row = i as u32 + 1;
        let (section, figure) = split(f.key);
        for (col, want) in [(0u16, section), (1u16, figure)] {
            let found = text(&at(row, col));
            if found.trim() != want {
                return Err(fail(format!(
                    "{SHEET}!{}: expected '{want}', found '{found}'; the rows of the template must stay in order",
                    cell(row, col)
                )));
            }
        }
        let place = format!("{SHEET}!{} ({})", cell(row, 2), f.key);
        if let Some(v) = value(&at(row, 2), f.kind).map_err(|why| fail(format!("{place}: {why}")))? {
            put(&mut doc, f.key, v);
        }
    }
    let extra = range.end().map_or(0, |(r, _)| r);
    if extra > FIELDS.len() as u32 {
        let first = (FIELDS.len() as u32 + 1..=extra).find(|&r| (0..5).any(|c| !at(r, c).is_empty()));
        if let Some(r) = first {
            return Err(fail(format!(
                "{SHEET}!A{}: rows below the last figure are not part of the template; remove them",
                r + 1
            )));
        }
    }
    Profile::deserialize(toml::Value::Table(doc)).map_err(|e| fail(super::fields::plain(&e.to_string())))
}

use serde::Deserialize;

/// A cell's text, as shown.
fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A cell's value as the field's kind needs it; `None` when blank.
fn value(d: &Data, kind: Kind) -> Result<Option<toml::Value>, String> {
    if matches!(d, Data::Empty) || matches!(d, Data::String(s) if s.trim().is_empty()) {
        return Ok(None);
    }
    match kind {
        Kind::Text => Ok(Some(toml::Value::String(text(d).trim().to_string()))),
        Kind::Date => {
            let date = match d {
                // Excel's serial day: days since 30 December 1899.
                Data::DateTime(dt) if dt.is_datetime() => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                    .and_then(|base| base.checked_add_days(chrono::Days::new(dt.as_f64().floor().max(0.0) as u64))),
                Data::DateTimeIso(s) | Data::String(s) => chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
                _ => None,
            };
            let date = date.ok_or_else(|| format!("expected a date like 2026-04-01, found '{}'", text(d)))?;
            let parsed: toml::value::Datetime = date.to_string().parse().map_err(|_| "not a date".to_string())?;
            Ok(Some(toml::Value::Datetime(parsed)))
        }
        _ => match d {
            Data::Int(i) => Ok(Some(toml::Value::Float(*i as f64))),
            Data::Float(x) => Ok(Some(toml::Value::Float(*x))),
            Data::String(s) => {
                match s.trim().replace(',', "").trim_start_matches('£').trim_end_matches('%').parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(Some(toml::Value::Float(x))),
                    _ => Err(format!("expected a number, found text '{s}'")),
                }
            }
            other => Err(format!("expected a number, found '{}'", text(other))),
        },
    }
}

/// Put a value at a dotted key, making tables as needed.
fn put(doc: &mut toml::Table, key: &str, v: toml::Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().expect("a key");
    let mut t = doc;
    for p in parts {
        t = t
            .entry(p.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .expect("keys nest tables only");
    }
    t.insert(last.to_string(), v);
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(cell(0, 0), "A1");
        assert_eq!(cell(6, 2), "C7");
    }
}
