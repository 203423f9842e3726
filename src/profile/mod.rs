//! A council profile: the figures a council actually has (population,
//! staff in post, DoLS requests and backlog, Care Act activity and
//! waiting lists, budgets), in about 30 lines of TOML or the spreadsheet
//! template, turned into a complete scenario. Every value the profile
//! does not give comes from a national default (`defaults`), written into
//! the scenario as an assumption to check, and the figures that say where
//! the council stands become its `[[observed]]` entries, with the values
//! it cannot know as `[[calibrate]]` entries for `caseflow calibrate`.

pub mod defaults;
mod fields;
mod generate;
mod people;
mod ruling;
pub mod xlsx;

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

pub use fields::{FIELDS, Field, number};
pub use generate::{scenario_name, scenario_text, scenario_text_at, scenario_text_with};
pub use ruling::{Ruling, calibrated_overlay};

/// What is wrong with a profile, naming the field (and, for a workbook,
/// the sheet and cell).
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{path}: the file {message}")]
    Read { path: String, message: String },
    #[error("{path}: {message}")]
    Toml { path: String, message: String },
    #[error("{}", problems.iter().map(|p| format!("{path}: {p}")).collect::<Vec<_>>().join("\n"))]
    Fields { path: String, problems: Vec<String> },
    #[error("{path}: {message}")]
    Workbook { path: String, message: String },
    #[error("{path}: {message}")]
    Template { path: String, message: String },
}

/// A profile as written. Every figure is optional to serde so that a
/// missing one is reported by name, with what it is, by `check`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub council: Council,
    #[serde(default)]
    pub staff: Staff,
    #[serde(default)]
    pub dols: Dols,
    #[serde(default)]
    pub care_act: CareAct,
    #[serde(default)]
    pub budget: Budget,
    /// People allocated per worker today and the safe caseload, for the
    /// principal social worker's health check; given, the scenario has one.
    pub caseloads: Option<Caseloads>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Council {
    pub name: Option<String>,
    pub label: Option<String>,
    pub population: Option<f64>,
    /// The day the figures describe; the run starts here.
    pub start: Option<toml::value::Datetime>,
    pub years: Option<f64>,
}

/// Staff in post (FTE), vacancies and agency cover (FTE).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posts {
    pub fte: Option<f64>,
    pub vacancies: Option<f64>,
    pub agency: Option<f64>,
    /// Mean salary of a post (£ a year, before on-costs).
    pub salary: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    /// All social workers, those who are also BIAs included.
    pub social_workers: Option<Posts>,
    /// Of the social workers, those who are also BIAs (FTE).
    pub social_workers_who_are_bias: Option<f64>,
    /// How their DoLS time is organised: "fixed_share", "dols_first" or
    /// "care_management_first".
    pub bia_dols_time: Option<String>,
    /// With a fixed share: the share of their casework hours for DoLS.
    pub bia_dols_share: Option<f64>,
    /// BIAs who do only DoLS.
    pub dols_team_bias: Option<Posts>,
    pub community_care_workers: Option<Posts>,
    pub occupational_therapists: Option<Posts>,
    pub practice_managers: Option<Posts>,
    /// Best interests assessments bought in a week, at most.
    pub independent_bias_per_week: Option<f64>,
    /// What one bought-in assessment costs (£).
    pub independent_bia_fee: Option<f64>,
    /// Employer's on-costs (national insurance, pension) as a share of salary.
    pub on_costs: Option<f64>,
    /// Staff who leave a year, as a share of those in post (every role).
    pub turnover: Option<f64>,
}

/// Last year's DoLS return, and today's backlog.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dols {
    pub urgent_requests: Option<f64>,
    /// Standard requests, renewals included.
    pub standard_requests: Option<f64>,
    /// Of the standard requests, renewals of an authorisation.
    pub renewals: Option<f64>,
    /// Requests not yet completed today.
    pub undecided: Option<f64>,
    /// Of them, waiting over a year.
    pub undecided_over_a_year: Option<f64>,
    /// Completed last year: decided, or closed without a decision.
    pub completed: Option<f64>,
    /// % of standard requests completed within 21 days.
    pub within_21_days: Option<f64>,
    /// Mean days to complete a request.
    pub mean_days: Option<f64>,
}

/// Care Act work last year, and how many wait today.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareAct {
    pub needs_assessments: Option<f64>,
    pub needs_assessments_waiting: Option<f64>,
    pub reviews: Option<f64>,
    pub reviews_waiting: Option<f64>,
    pub carers_assessments: Option<f64>,
    pub carers_assessments_waiting: Option<f64>,
    pub safeguarding_enquiries: Option<f64>,
    pub safeguarding_enquiries_waiting: Option<f64>,
    pub ot_assessments: Option<f64>,
    pub ot_assessments_waiting: Option<f64>,
}

/// A caseload as social workers count it: people allocated per worker.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caseload {
    /// People allocated per worker in post today.
    pub people: Option<f64>,
    /// The council's safe caseload, people per worker.
    pub safe: Option<f64>,
}

/// Caseloads of the staff groups who hold people.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caseloads {
    /// Social workers, those who are also BIAs included.
    pub social_workers: Option<Caseload>,
    pub community_care_workers: Option<Caseload>,
    pub occupational_therapists: Option<Caseload>,
}

/// Budgets a year.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    pub dols: Option<f64>,
    pub total: Option<f64>,
    /// The yearly pay award from the second financial year (a share).
    pub pay_award: Option<f64>,
}

/// A profile whose figures are all there and agree with each other.
#[derive(Debug, Clone)]
pub struct Checked {
    pub p: Profile,
    pub name: String,
    pub label: String,
    pub population: f64,
    pub start: NaiveDate,
    pub years: f64,
}

/// Read a profile from TOML or from the spreadsheet template (.xlsx).
pub fn read(path: &Path) -> Result<Checked, ProfileError> {
    let shown = path.display().to_string();
    let is_xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let profile = if is_xlsx {
        xlsx::read(path)?
    } else {
        let text = crate::input::read_text(path, crate::input::Kind::Profile)
            .map_err(|e| ProfileError::Read { path: shown.clone(), message: e.reason() })?;
        parse(&text, &shown)?
    };
    check(profile, &shown)
}

/// Parse profile TOML.
pub fn parse(text: &str, path: &str) -> Result<Profile, ProfileError> {
    toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| crate::scenario::locate::line_col(text, s.start));
        let place = at.map_or(String::new(), |(l, c)| format!(":{l}:{c}"));
        ProfileError::Toml { path: format!("{path}{place}"), message: fields::plain(e.message()) }
    })
}

/// Check that the figures are there and agree.
pub fn check(p: Profile, path: &str) -> Result<Checked, ProfileError> {
    let mut problems = Vec::new();
    fields::check_values(&p, &mut problems);
    fields::check_agreement(&p, &mut problems);
    let name = p.council.name.clone().unwrap_or_default();
    if name.is_empty() {
        problems
            .push("council.name: give the council a short name (letters, digits, - and _), e.g. \"northmoor\"".into());
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)) {
        problems.push(format!(
            "council.name: use letters, digits, - and _ only (got \"{name}\"); it names the scenario and its reports"
        ));
    }
    let start = p.council.start.as_ref().and_then(|d| {
        let d = d.date?;
        NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
    });
    if start.is_none() {
        problems
            .push("council.start: give the date the figures describe, e.g. 2026-04-01; the run starts there".into());
    }
    if !problems.is_empty() {
        return Err(ProfileError::Fields { path: path.to_string(), problems });
    }
    let label = p.council.label.clone().unwrap_or_else(|| name.clone());
    Ok(Checked {
        population: p.council.population.unwrap_or_default(),
        years: p.council.years.unwrap_or(2.0),
        start: start.expect("checked above"),
        name,
        label,
        p,
    })
}
