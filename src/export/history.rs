//! History CSVs written in the shape `caseflow fit` reads.

use std::path::Path;

use crate::error::Error;
use crate::history::simulated::{ActivityRow, StaffRow};

fn fail(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Write { path: path.to_path_buf(), message: e.to_string() }
}

pub fn activity(path: &Path, rows: &[ActivityRow], note: &str) -> Result<(), Error> {
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(path, e))?;
    w.write_record(["period", "flow", "count", "source"]).map_err(|e| fail(path, e))?;
    for r in rows {
        w.write_record([r.period.as_str(), r.flow.as_str(), &format!("{}", r.count), note])
            .map_err(|e| fail(path, e))?;
    }
    w.flush().map_err(|e| fail(path, e))
}

pub fn staff(path: &Path, rows: &[StaffRow], note: &str) -> Result<(), Error> {
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(path, e))?;
    w.write_record(["period", "role", "starters", "leavers", "in_post", "vacancies", "source"])
        .map_err(|e| fail(path, e))?;
    for r in rows {
        w.write_record([
            r.period.as_str(),
            r.role.as_str(),
            &format!("{}", r.starters),
            &format!("{}", r.leavers),
            &format!("{}", r.in_post),
            &format!("{}", r.vacancies),
            note,
        ])
        .map_err(|e| fail(path, e))?;
    }
    w.flush().map_err(|e| fail(path, e))
}
