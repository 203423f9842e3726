//! Writing results to disk: the only module that creates files.

pub mod console;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use crate::error::Error;
use crate::summary::{Stamp, Tables};

/// The run's record, written beside the tables as `run.toml`.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    #[serde(flatten)]
    pub stamp: &'a Stamp,
    pub scenario_file: &'a str,
    pub period: &'a str,
    pub start: String,
    pub horizon_days: f64,
    pub warmup_days: f64,
    pub files: Vec<String>,
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Write { path: path.to_path_buf(), message: e.to_string() }
}

fn create(path: &Path) -> Result<BufWriter<File>, Error> {
    File::create(path).map(BufWriter::new).map_err(|e| write_err(path, e))
}

pub fn write_csv(df: &mut DataFrame, path: &Path) -> Result<(), Error> {
    let mut out = create(path)?;
    CsvWriter::new(&mut out).include_header(true).finish(df).map_err(|e| write_err(path, e))?;
    out.flush().map_err(|e| write_err(path, e))
}

pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), Error> {
    let out = create(path)?;
    ParquetWriter::new(out).finish(df).map_err(|e| write_err(path, e))?;
    Ok(())
}

/// Write every table as CSV and Parquet, and the manifest, into `dir`.
/// Returns the files written, in order.
pub fn write_run(dir: &Path, tables: &mut Tables, mut manifest: Manifest<'_>) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
    let mut written = Vec::new();
    for (stem, df) in tables.named() {
        let csv = dir.join(format!("{stem}.csv"));
        write_csv(df, &csv)?;
        written.push(csv);
        let parquet = dir.join(format!("{stem}.parquet"));
        write_parquet(df, &parquet)?;
        written.push(parquet);
    }
    manifest.files = written.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
    let path = dir.join("run.toml");
    std::fs::write(&path, manifest.to_toml()).map_err(|e| write_err(&path, e))?;
    written.push(path);
    Ok(written)
}

impl Manifest<'_> {
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a manifest of plain values serialises");
        format!("# caseflow run record: the same scenario file, seed and replications reproduce every figure.\n{body}")
    }
}
