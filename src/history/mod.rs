//! Activity and staffing history: reading tidy CSVs, fitting demand and
//! turnover to them, and the series a simulation would have produced.

pub mod fit;
pub mod observed;
pub mod position;
pub mod read;
pub mod simulated;

pub use fit::{Fit, FitError, FitOptions, StaffFit, TrendForm, fit, fit_staff};
pub use read::{History, HistoryError, Point, Series, Span, parse_period, read};
