//! Cells that a spreadsheet would run as a formula. Following the OWASP
//! guidance on CSV injection, a text cell that begins with `=`, `+`, `-`,
//! `@`, a tab or a carriage return gets a leading `'`, so Excel and
//! LibreOffice show it as text. Numbers (`-3.5`) and a lone `-` (no
//! value) cannot run and are left as they are. Every CSV and workbook
//! caseflow writes goes through here.

use std::borrow::Cow;
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::ExportError;

/// A cell's text, neutralised if a spreadsheet would run it.
pub fn safe(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s != "-" && s.trim().parse::<f64>().is_err();
    if risky { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// A copy of `df` with every text cell neutralised.
pub fn neutralised(df: &DataFrame) -> PolarsResult<DataFrame> {
    let columns = df
        .columns()
        .iter()
        .map(|c| {
            let s = c.as_materialized_series();
            match s.str() {
                Ok(text) if (0..text.len()).filter_map(|i| text.get(i)).any(|v| matches!(safe(v), Cow::Owned(_))) => {
                    let cleaned: StringChunked =
                        (0..text.len()).map(|i| text.get(i).map(|v| safe(v).into_owned())).collect();
                    Ok(cleaned.with_name(s.name().clone()).into_series().into_column())
                }
                _ => Ok(c.clone()),
            }
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(df.height(), columns)
}

/// A CSV file whose every cell goes through `safe`.
pub struct SafeCsv {
    w: csv::Writer<File>,
    path: PathBuf,
}

impl SafeCsv {
    pub fn create(path: &Path) -> Result<SafeCsv, ExportError> {
        let w = csv::Writer::from_path(path).map_err(|e| fail(path, e))?;
        Ok(SafeCsv { w, path: path.to_path_buf() })
    }

    pub fn row<I, S>(&mut self, cells: I) -> Result<(), ExportError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| safe(c.as_ref()).into_owned()).collect();
        self.w.write_record(&cells).map_err(|e| fail(&self.path, e))
    }

    pub fn finish(mut self) -> Result<(), ExportError> {
        self.w.flush().map_err(|e| fail(&self.path, e))
    }
}

fn fail(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::Write { path: path.to_path_buf(), message: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(safe("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(safe("+1+1"), "'+1+1");
        assert_eq!(safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe("-2+3"), "'-2+3");
        assert_eq!(safe("\t=1"), "'\t=1");
        assert_eq!(safe("-3.5"), "-3.5");
        assert_eq!(safe("-"), "-");
        assert_eq!(safe("social_worker"), "social_worker");
    }
}
