//! Writing results to disk: the only module that creates files.

pub mod calibration;
pub mod cell;
pub mod charts;
pub mod console;
pub mod history;
pub mod html;
pub mod markdown;
pub mod partition;
pub mod staging;
pub mod xlsx;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use crate::runner::RunError;
use crate::shard::ShardError;
use crate::summary::doc::{Chart, Doc};
use crate::summary::{Stamp, Tables};

pub use staging::Staging;

/// Why a report, or a shard's file, could not be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    #[error("cannot write {}: {message}", path.display())]
    Write { path: PathBuf, message: String },
    /// The report folder (or history file) is there from an earlier run.
    #[error("{} already exists; add --force to replace it", path.display())]
    Exists { path: PathBuf },
    #[error(
        "{} is not a caseflow report folder ({reason}); caseflow will not replace it, even with --force",
        path.display()
    )]
    NotAReport { path: PathBuf, reason: String },
    #[error("cannot use {} for reports: {reason}", path.display())]
    OutPath { path: PathBuf, reason: String },
    /// Another run wrote the same report while this one was going.
    #[error(
        "{} was written by another caseflow run while this one was going; this run's report is kept in {} \
(move it, or run again with --force)",
        path.display(),
        kept.display()
    )]
    Raced { path: PathBuf, kept: PathBuf },
    #[error("internal error: building the tables failed ({message}); please report this with the scenario file")]
    Tables { message: String },
    #[error("internal error: drawing chart {chart} failed ({message}); please report this with the scenario file")]
    Chart { chart: String, message: String },
    #[error(transparent)]
    Shard(#[from] ShardError),
    /// Stopped before the report was put in place.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl ExportError {
    /// 2 when what the user named cannot be used, 1 when writing failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            ExportError::Input(_)
            | ExportError::Exists { .. }
            | ExportError::NotAReport { .. }
            | ExportError::OutPath { .. }
            | ExportError::Shard(_) => 2,
            ExportError::Run(e) => e.exit_code(),
            ExportError::Raced { .. }
            | ExportError::Write { .. }
            | ExportError::Tables { .. }
            | ExportError::Chart { .. } => 1,
        }
    }
}

/// The run's record, written beside the tables as `run.toml`.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    #[serde(flatten)]
    pub stamp: &'a Stamp,
    pub scenario_file: &'a str,
    /// Changes given on the command line, as `--set KEY=VALUE`.
    pub changes: Vec<String>,
    pub period: &'a str,
    pub start: String,
    pub horizon_days: f64,
    pub warmup_days: f64,
    pub files: Vec<String>,
    /// The scenario file and its bases, top first, with their SHA-256.
    pub scenario_files: Vec<Input>,
    /// Other files the scenario read, with their SHA-256 (last: TOML puts
    /// tables after plain values).
    pub inputs: Vec<Input>,
    /// How a run until precise stopped (absent for a fixed number of
    /// replications, which is what reproduces it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionRecord>,
    /// The resolved scenario (bases and changes merged) the run used; its
    /// SHA-256 is `scenario_sha256`.
    pub resolved: toml::Table,
}

/// The resolved scenario's text as a table for the manifest.
pub fn resolved_table(text: &str) -> toml::Table {
    text.parse().expect("the resolved scenario is TOML caseflow wrote")
}

/// A run until precise, in `run.toml`.
#[derive(Debug, Serialize)]
pub struct PrecisionRecord {
    /// The largest half-width of a headline figure's 95% confidence
    /// interval allowed, as % of the figure (or of its floor).
    pub tolerance_pct: f64,
    /// The largest reached.
    pub reached_pct: f64,
    /// Whether every headline figure was within the tolerance (else the
    /// run stopped at `max_replications`).
    pub precise: bool,
    /// The headline figure with the widest interval.
    pub least_settled: String,
    pub batch: u64,
    pub max_replications: u64,
    /// The headline figures, as `caseflow staff` targets name them.
    pub headline: Vec<String>,
}

impl PrecisionRecord {
    pub fn of(p: &crate::precision::Precision, headline: &[crate::precision::Headline]) -> PrecisionRecord {
        // Four decimals of a percentage: enough to read, stable to print.
        let pct = |share: f64| if share.is_finite() { (share * 1e6).round() / 1e4 } else { f64::MAX };
        PrecisionRecord {
            tolerance_pct: pct(p.tolerance),
            reached_pct: pct(p.reached.worst),
            precise: p.precise(),
            least_settled: p.limiting.as_ref().map(|(key, _)| key.clone()).unwrap_or_default(),
            batch: crate::precision::BATCH,
            max_replications: p.max_replications,
            headline: headline.iter().map(|h| h.key.clone()).collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Input {
    pub file: String,
    pub sha256: String,
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::Write { path: path.to_path_buf(), message: e.to_string() }
}

fn create(path: &Path) -> Result<BufWriter<File>, ExportError> {
    File::create(path).map(BufWriter::new).map_err(|e| write_err(path, e))
}

pub fn write_csv(df: &mut DataFrame, path: &Path) -> Result<(), ExportError> {
    let mut out = create(path)?;
    let mut safe = cell::neutralised(df).map_err(|e| write_err(path, e))?;
    CsvWriter::new(&mut out).include_header(true).finish(&mut safe).map_err(|e| write_err(path, e))?;
    out.flush().map_err(|e| write_err(path, e))
}

pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), ExportError> {
    let out = create(path)?;
    ParquetWriter::new(out).finish(df).map_err(|e| write_err(path, e))?;
    Ok(())
}

/// Write `bytes` to `dir/name`; returns the path.
pub fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, ExportError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| write_err(&path, e))?;
    Ok(path)
}

/// Write every table as CSV and Parquet, and the manifest, into `dir`.
/// Returns the files written, in order.
pub fn write_run(dir: &Path, tables: &mut Tables, mut manifest: Manifest<'_>) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
    let mut written = Vec::new();
    for (stem, df) in tables.named() {
        if df.height() == 0 {
            continue; // a table of requests in a scenario without any, say
        }
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
        format!(
            "# caseflow run record: the same scenario files, changes, seed and replications reproduce every figure.\n# [resolved] is the scenario the run used (its SHA-256 is scenario_sha256).\n{body}"
        )
    }
}

/// Write a report page as `<stem>.html` and `<stem>.md`, with its charts
/// (SVG and PNG under `charts/`), into `dir`. `command` reproduces it.
pub fn write_doc(dir: &Path, stem: &str, doc: &Doc, command: &str) -> Result<Vec<PathBuf>, ExportError> {
    let charts: Vec<Chart> = doc.charts().into_iter().cloned().collect();
    let (mut written, svgs) = write_charts(dir, &charts)?;
    let path = dir.join(format!("{stem}.html"));
    std::fs::write(&path, html::page(doc, &svgs, command)).map_err(|e| write_err(&path, e))?;
    written.push(path);
    let path = dir.join(format!("{stem}.md"));
    std::fs::write(&path, markdown::page(doc, "charts", command)).map_err(|e| write_err(&path, e))?;
    written.push(path);
    Ok(written)
}

/// The run report: `report.html`, `report.md` and charts.
pub fn write_report(dir: &Path, doc: &Doc, command: &str) -> Result<Vec<PathBuf>, ExportError> {
    write_doc(dir, "report", doc, command)
}

/// Each chart as `charts/<id>.svg` and `.png`; returns the files and the SVGs.
fn write_charts(dir: &Path, list: &[Chart]) -> Result<(Vec<PathBuf>, Vec<String>), ExportError> {
    let chart_dir = dir.join("charts");
    std::fs::create_dir_all(&chart_dir).map_err(|e| write_err(&chart_dir, e))?;
    let mut written = Vec::new();
    let mut svgs = Vec::new();
    for chart in list {
        let svg = charts::svg(chart)?;
        let path = chart_dir.join(format!("{}.svg", chart.id));
        std::fs::write(&path, &svg).map_err(|e| write_err(&path, e))?;
        written.push(path);
        let path = chart_dir.join(format!("{}.png", chart.id));
        charts::png(chart, &path)?;
        written.push(path);
        svgs.push(svg);
    }
    Ok((written, svgs))
}

/// Write a comparison: `comparison.csv` and `.parquet`, charts,
/// `compare.html` and `compare.md`.
pub fn write_comparison(
    dir: &Path,
    table: &mut DataFrame,
    doc: &Doc,
    command: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
    let mut written = Vec::new();
    let csv = dir.join("comparison.csv");
    write_csv(table, &csv)?;
    written.push(csv);
    let parquet = dir.join("comparison.parquet");
    write_parquet(table, &parquet)?;
    written.push(parquet);
    written.extend(write_doc(dir, "compare", doc, command)?);
    Ok(written)
}

/// A staffing search: `staff.html`, `staff.md`, charts, and the candidates
/// evaluated as `candidates.csv` (numbers only: shares 0-1, pounds).
pub fn write_staff(
    dir: &Path,
    doc: &Doc,
    candidates: &crate::summary::staff::Numbers,
    command: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
    let mut written = write_doc(dir, "staff", doc, command)?;
    let path = dir.join("candidates.csv");
    let mut w = cell::SafeCsv::create(&path)?;
    w.row(&candidates.header)?;
    for row in &candidates.rows {
        w.row(row.iter().map(|v| if v.is_finite() { v.to_string() } else { String::new() }))?;
    }
    w.finish()?;
    written.push(path);
    Ok(written)
}

/// Write a health check: the run's tables and `run.toml` (as `write_run`),
/// `health_check.csv` (the ratings, which `--previous` reads next year),
/// `observed.csv` (last year), and `health-check.html` and `.md` with
/// their charts.
pub fn write_health_check(
    dir: &Path,
    tables: &mut Tables,
    manifest: Manifest<'_>,
    ratings: &mut DataFrame,
    observed: &mut DataFrame,
    doc: &Doc,
    command: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut written = write_run(dir, tables, manifest)?;
    for (stem, df) in [("health_check", ratings), ("observed", observed)] {
        let path = dir.join(format!("{stem}.csv"));
        write_csv(df, &path)?;
        written.push(path);
    }
    written.extend(write_doc(dir, "health-check", doc, command)?);
    Ok(written)
}

/// Write a backtest: `backtest.csv`, `backtest.md` and its chart.
pub fn write_backtest(
    dir: &Path,
    checks: &[crate::backtest::Check],
    chart: &Chart,
    coverage: (f64, f64),
    inputs: &[(String, String)],
    command: &str,
    more: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
    let (mut written, _) = write_charts(dir, std::slice::from_ref(chart))?;
    let path = dir.join("backtest.csv");
    let mut w = cell::SafeCsv::create(&path)?;
    w.row([
        "flow",
        "period",
        "actual",
        "p5",
        "p10",
        "p50",
        "p90",
        "p95",
        "inside_p10_p90",
        "inside_p5_p95",
        "version",
    ])?;
    for c in checks {
        let mut row = vec![c.flow.clone(), c.period.clone(), format!("{}", c.actual)];
        row.extend(c.bands.iter().map(|b| format!("{b}")));
        row.push(c.in_80().to_string());
        row.push(c.in_90().to_string());
        row.push(env!("CARGO_PKG_VERSION").to_string());
        w.row(&row)?;
    }
    w.finish()?;
    written.push(path);
    let mut md = format!(
        "# Backtest\n\nCoverage over {} held-out periods: {:.0}% inside P10-P90 (80% expected), {:.0}% inside P5-P95 (90% expected).\n\n| flow | period | actual | P10 | P50 | P90 | inside P10-P90 | inside P5-P95 |\n|---|---|---:|---:|---:|---:|---|---|\n",
        checks.len(),
        100.0 * coverage.0,
        100.0 * coverage.1
    );
    for c in checks {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            c.flow,
            c.period,
            crate::format::thousands(c.actual),
            crate::format::thousands(c.bands[1]),
            crate::format::thousands(c.bands[2]),
            crate::format::thousands(c.bands[3]),
            if c.in_80() { "yes" } else { "no" },
            if c.in_90() { "yes" } else { "no" }
        ));
    }
    md.push_str(more);
    md.push_str("\n![backtest](charts/backtest.png)\n\nInputs:\n\n");
    for (f, sha) in inputs {
        md.push_str(&format!("- `{f}` sha256 `{sha}`\n"));
    }
    md.push_str(&format!("\nReproduce:\n\n    {command}\n"));
    let path = dir.join("backtest.md");
    std::fs::write(&path, md).map_err(|e| write_err(&path, e))?;
    written.push(path);
    Ok(written)
}
