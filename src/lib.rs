//! # caseflow
//!
//! A Monte Carlo, discrete-event simulator of adult social care work
//! (contacts, Care Act assessments, reviews, safeguarding, DoLS) against a
//! workforce, for capacity and demand planning.
//!
//! ```text
//!  scenario.toml ─► scenario::load ─► Model ─► runner::run ─► Aggregate
//!                   (serde + checks)     (rayon × engine::simulate)
//!                                                        │
//!            reports/<name>/*.csv, *.parquet ◄─ export ◄─ summary (polars)
//! ```
//!
//! The engine does no I/O and knows nothing of polars; only `summary`
//! builds data frames and only `export` writes files.
//!
//! ```no_run
//! use caseflow::{runner, scenario};
//! let scenario = scenario::load("scenarios/quickstart.toml".as_ref()).unwrap();
//! let cfg = runner::RunConfig { replications: 200, seed: 42, threads: None };
//! let agg = runner::run(&scenario.model, &cfg, &|| {}).unwrap();
//! println!("{} replications, {} events", agg.replications, agg.events);
//! ```

// Since rust-version 1.88 clippy asks for let chains in place of nested
// `if let`s and for `is_multiple_of`; the code predates them, and
// rewriting every module is a change of its own.
#![allow(clippy::collapsible_if, clippy::manual_is_multiple_of)]

pub mod app;
pub mod backtest;
pub mod calibrate;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod error;
pub mod export;
pub mod format;
pub mod history;
pub mod input;
pub mod measure;
pub mod model;
pub mod precision;
pub mod profile;
pub mod results;
pub mod runner;
pub mod scenario;
pub mod serve;
pub mod shard;
pub mod sizing;
pub mod staff;
pub mod stats;
pub mod summary;
pub mod units;

pub use error::Error;
