//! The units time is counted in, and the quantiles of the normal
//! distribution, each written once.
//!
//! The model's clock runs in days. A year is the average one, leap years
//! included, so that rates per year and per day convert the same way
//! everywhere (scenario files, the engine's tallies, fits of history).

/// Days in a year, on average over the leap-year cycle.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// Days in an average month: a twelfth of a year.
pub const DAYS_PER_MONTH: f64 = DAYS_PER_YEAR / 12.0;

pub const DAYS_PER_WEEK: f64 = 7.0;

/// The 90th percentile of the standard normal distribution: a lognormal's
/// P90 is its median times `exp(sigma * Z90)`, and an 80% band is a mean
/// ± `Z90` standard errors.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// A length of time in days, where one passes between modules: the
/// lengths of reporting periods and the horizon they cover.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Days(pub f64);
