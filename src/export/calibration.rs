//! What `caseflow calibrate` writes: its report, `observed.csv` (each
//! observed figure against the simulated one) and `runs.csv` (every
//! candidate tried), and the calibrated scenario as an overlay file.

use std::path::{Path, PathBuf};

use super::ExportError;
use super::{write_doc, write_err};
use crate::calibrate::Outcome;
use crate::stats::Bands;
use crate::summary::doc::Doc;

pub fn write_calibration(dir: &Path, doc: &Doc, command: &str, o: &Outcome) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
    let mut written = write_doc(dir, "calibration", doc, command)?;
    written.push(observed(dir, o)?);
    written.push(runs(dir, o)?);
    Ok(written)
}

fn observed(dir: &Path, o: &Outcome) -> Result<PathBuf, ExportError> {
    let path = dir.join("observed.csv");
    let mut w = super::cell::SafeCsv::create(&path)?;
    let header = [
        "figure",
        "measure",
        "of",
        "when",
        "observed",
        "tolerance",
        "before_mean",
        "mean",
        "p10",
        "p50",
        "p90",
        "reproduced",
    ];
    w.row(header)?;
    for (j, obs) in o.after.model.observed.iter().enumerate() {
        let b = Bands::of(&o.agg.observed[j]);
        let before = o.as_given.means[j];
        let row = [
            obs.label(),
            obs.reading.measure.key().to_string(),
            obs.subject.clone(),
            obs.when.clone(),
            obs.value.to_string(),
            obs.tolerance.to_string(),
            before.to_string(),
            b.mean.to_string(),
            b.p10.to_string(),
            b.p50.to_string(),
            b.p90.to_string(),
            obs.reproduced_by(b.mean).to_string(),
        ];
        w.row(row)?;
    }
    w.finish()?;
    Ok(path)
}

fn runs(dir: &Path, o: &Outcome) -> Result<PathBuf, ExportError> {
    let path = dir.join("runs.csv");
    let mut w = super::cell::SafeCsv::create(&path)?;
    let mut header = vec!["run".to_string()];
    header.extend(o.plan.unknowns.iter().map(|u| u.key()));
    header.push("misfit".into());
    header.extend((0..o.after.model.observed.len()).map(|j| format!("observed_{}_mean", j + 1)));
    w.row(&header)?;
    for (i, r) in o.runs.iter().enumerate() {
        let mut row = vec![(i + 1).to_string()];
        row.extend(o.plan.unknowns.iter().zip(&r.t).map(|(u, &t)| u.toml_at(t)));
        row.push(r.misfit.to_string());
        row.extend(r.means.iter().map(f64::to_string));
        w.row(&row)?;
    }
    w.finish()?;
    Ok(path)
}
