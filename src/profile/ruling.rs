//! The Supreme Court's ruling of 2 June 2026, which overruled Cheshire
//! West, added to a council's own scenario: the same change in the law,
//! and the same screening of people already authorised, as the shipped
//! `scenarios/dols-2026*.toml`, so a council's answer and England's are
//! made alike.

use chrono::NaiveDate;

/// How far the ruling cuts the DoLS requests that still need authorising:
/// no national figure exists yet, so three assumptions are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ruling {
    /// 60-95% still need authorisation, most likely 80%
    Low,
    /// 35-75% still need authorisation, most likely 55%
    Central,
    /// 15-55% still need authorisation, most likely 35%
    High,
}

impl Ruling {
    /// The day the ruling took effect.
    pub fn date() -> NaiveDate {
        crate::model::supreme_court_ruling_2026()
    }

    /// Its name in scenario and report names.
    pub fn name(self) -> &'static str {
        match self {
            Ruling::Low => "low",
            Ruling::Central => "central",
            Ruling::High => "high",
        }
    }

    /// The share of requests still needing authorisation: (min, mode, max).
    fn share(self) -> (f64, f64, f64) {
        match self {
            Ruling::Low => (0.6, 0.8, 0.95),
            Ruling::Central => (0.35, 0.55, 0.75),
            Ruling::High => (0.15, 0.35, 0.55),
        }
    }

    /// The scenario's screening flow and change in the law, as TOML.
    pub(super) fn toml(self) -> String {
        let (min, mode, max) = self.share();
        let how_far = self.name();
        format!(
            r#"
# ----- the Supreme Court ruling of 2 June 2026 ({how_far} assumption), from caseflow new --ruling -----

[[flows]]
name = "reassessment"
label = "screening against the new test"
priority = 2
order = "deadline"         # with urgent requests, by deadline, before the rest
kind = "dols"
deadline_days = 180        # ASSUMPTION: the council aims to finish the wave in six months
effort_hours = {{ dist = "lognormal", median = 1.5, p90 = 4 }}   # ASSUMPTION: mean about 2 hours
duration_days = {{ dist = "uniform", min = 0.5, max = 3 }}       # ASSUMPTION: mostly a desk review of the file

[[legal_changes]]
name = "supreme_court_2026"
label = "the Supreme Court ruling overruling Cheshire West"
from = {date}
requests = ["urgent_dols", "standard_dols"]
multiplier = {{ dist = "triangular", min = {min}, mode = {mode}, max = {max} }}   # ASSUMPTION ({how_far}): share still needing authorisation
reassess = "reassessment"
"#,
            date = Ruling::date()
        )
    }
}

/// The values `caseflow calibrate` found for the council as it stands
/// (`calibrated`: the text of its overlay of `plain_file`, the scenario
/// made without the ruling), set on the ruling's scenario `ruling_file`
/// as an overlay named `name`: the ruling against the council as it
/// stands, with no value typed again. `None` when `calibrated` is not an
/// overlay of `plain_file`.
pub fn calibrated_overlay(calibrated: &str, plain_file: &str, ruling_file: &str, name: &str) -> Option<String> {
    let mut doc: toml::Table = calibrated.parse().ok()?;
    if doc.remove("base")?.as_str()? != plain_file {
        return None;
    }
    // The calibrated scenario's description says what calibration found
    // (and any value it found near an end of its range): it holds here too.
    let described = doc.remove("scenario").and_then(|s| s.get("description")?.as_str().map(str::to_string));
    let description = described.map_or(String::new(), |d| {
        let d = format!("{} With the Supreme Court ruling of 2 June 2026, as {ruling_file}.", d.trim_end());
        format!("description = {}\n", toml::Value::String(d))
    });
    let values = toml::to_string(&doc).ok()?;
    let from = format!("{}-calibrated.toml", plain_file.trim_end_matches(".toml"));
    Some(format!(
        "# {name}: the Supreme Court ruling of 2 June 2026\n\
# ({ruling_file}) with the values caseflow calibrate found for the council\n\
# as it stands ({from}); made by caseflow new --ruling. Compared with\n\
# {from} (caseflow compare), it shows what the ruling does: the two share\n\
# every value but the ruling.\n\
base = {ruling_file:?}\n\n[scenario]\nname = {name:?}\n{description}\n{values}"
    ))
}
