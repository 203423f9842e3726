//! History CSVs written in the shape `caseflow fit` reads.

use std::path::Path;

use super::ExportError;
use crate::history::simulated::{ActivityRow, StaffRow};

pub fn activity(path: &Path, rows: &[ActivityRow], note: &str) -> Result<(), ExportError> {
    let mut w = super::cell::SafeCsv::create(path)?;
    let completed = rows.iter().any(|r| r.completed.is_some());
    let header: &[&str] = if completed {
        &["period", "flow", "count", "completed", "source"]
    } else {
        &["period", "flow", "count", "source"]
    };
    w.row(header)?;
    for r in rows {
        let mut row = vec![r.period.clone(), r.flow.clone(), format!("{}", r.count)];
        if completed {
            row.push(format!("{}", r.completed.unwrap_or(0.0)));
        }
        row.push(note.to_string());
        w.row(&row)?;
    }
    w.finish()
}

pub fn staff(path: &Path, rows: &[StaffRow], note: &str) -> Result<(), ExportError> {
    let mut w = super::cell::SafeCsv::create(path)?;
    let extra = rows.iter().any(|r| !r.extra.is_empty());
    let mut header = vec!["period", "role", "starters", "leavers", "in_post", "vacancies"];
    if extra {
        header.extend(crate::history::read::STAFF_EXTRA);
    }
    header.push("source");
    w.row(&header)?;
    for r in rows {
        let mut row = vec![
            r.period.clone(),
            r.role.clone(),
            format!("{}", r.starters),
            format!("{}", r.leavers),
            format!("{}", r.in_post),
            format!("{}", r.vacancies),
        ];
        if extra {
            row.extend(r.extra.iter().map(|v| format!("{v}")));
        }
        row.push(note.to_string());
        w.row(&row)?;
    }
    w.finish()
}
