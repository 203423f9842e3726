//! The scenario file as written: a serde mirror of the TOML that accepts
//! only known keys. Numbers are read loosely (any number) and checked in
//! `check`, so a bad value gets a message about the rule it broke rather
//! than about Rust types.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: RawMeta,
    #[serde(default)]
    pub flows: Vec<RawFlow>,
    #[serde(default)]
    pub roles: Vec<RawRole>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// A date: `2015-04-01` or `"2015-04-01"`.
    pub start: toml::Value,
    pub years: Option<f64>,
    pub days: Option<f64>,
    pub warmup_days: Option<f64>,
    pub period: Option<String>,
    pub calendar: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    pub name: String,
    pub priority: Option<i64>,
    pub order: Option<String>,
    pub effort_hours: RawDist,
    pub duration_days: Option<RawDist>,
    pub deadline_days: Option<f64>,
    pub arrivals: Option<RawArrivals>,
    #[serde(default)]
    pub routes: Vec<RawRoute>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub per_day: Option<f64>,
    pub per_week: Option<f64>,
    pub per_month: Option<f64>,
    pub per_year: Option<f64>,
    #[serde(default)]
    pub changes: Vec<RawChange>,
}

/// From a date on, the rate is multiplied (Cheshire West: ×10 from
/// 2014-03-19). Multipliers of successive changes compound.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    pub from: toml::Value,
    pub multiplier: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub to: String,
    pub probability: f64,
    pub delay_days: Option<RawDist>,
    pub group: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub name: String,
    pub count: Option<f64>,
    pub fte: Option<f64>,
    pub hours_per_week: f64,
    pub casework_share: Option<f64>,
    pub caseload_cap: f64,
    pub skills: Vec<String>,
}

/// A distribution: `{ dist = "lognormal", median = 6, p90 = 14 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: String,
    pub value: Option<f64>,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub cv: Option<f64>,
    pub min: Option<f64>,
    pub mode: Option<f64>,
    pub max: Option<f64>,
}
