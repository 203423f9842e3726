//! "Does the model reproduce today?": the scenario's observed figures
//! (where the council stands) against the same measures simulated.

use super::ReportInput;
use crate::format::Unit;
use crate::model::Model;
use crate::model::observed::Observation;
use crate::stats::{Aggregate, Bands};
use crate::summary::doc::{Block, Section, Table};

/// What to do about figures the run does not reproduce: calibrate, or,
/// for a scenario calibrated already, read why calibration could not.
pub const CALIBRATE_ADVICE: &str = "If it is not calibrated yet, caseflow calibrate finds the values that make it \
start there; if it is, its calibration report says which figures no values reproduce together with the rest, \
and those are the figures to check.";

/// The unit an observed figure reads in.
pub fn unit(o: &Observation) -> Unit {
    let m = o.reading.measure;
    if m.is_pct() {
        Unit::Pct
    } else if m.is_days() {
        Unit::Days
    } else if m.of_workers() {
        Unit::Ratio
    } else {
        Unit::Count
    }
}

/// One observed figure and the simulated one.
pub struct Check<'a> {
    pub observation: &'a Observation,
    pub simulated: Bands,
}

impl Check<'_> {
    /// Whether the simulated mean is within the tolerance of the observed.
    pub fn reproduced(&self) -> bool {
        self.observation.reproduced_by(self.simulated.mean)
    }

    /// "18% ± 5 points" or "600 ± 90".
    pub fn observed_words(&self) -> String {
        let u = unit(self.observation);
        let tol = match u {
            Unit::Pct => format!("{} points", crate::format::decimal(self.observation.tolerance, 1)),
            _ => u.show(self.observation.tolerance),
        };
        format!("{} ± {tol}", u.show(self.observation.value))
    }

    /// The simulated mean less the observed, in the measure's unit.
    pub fn gap_words(&self) -> String {
        unit(self.observation).show_difference(self.simulated.mean - self.observation.value)
    }
}

/// Every observed figure of `m` against the run.
pub fn checks<'a>(m: &'a Model, agg: &Aggregate) -> Vec<Check<'a>> {
    m.observed.iter().zip(&agg.observed).map(|(o, b)| Check { observation: o, simulated: Bands::of(b) }).collect()
}

/// The observed figures the run misses, in words ("2 of the 7 figures",
/// "the one figure"); `None` when it reproduces them all.
pub fn missed_words(m: &Model, agg: &Aggregate) -> Option<String> {
    let checks = checks(m, agg);
    let missed = checks.iter().filter(|c| !c.reproduced()).count();
    (missed > 0).then(|| match checks.len() {
        1 => "the one figure".to_string(),
        n => format!("{missed} of the {n} figures"),
    })
}

/// Warnings for the console: each observed figure the run does not
/// reproduce.
pub fn warnings(m: &Model, agg: &Aggregate) -> Vec<String> {
    checks(m, agg)
        .iter()
        .filter(|c| !c.reproduced())
        .map(|c| {
            format!(
                "the model does not reproduce {}: observed {}, simulated {} on average ({} off)",
                c.observation.label(),
                c.observed_words(),
                unit(c.observation).show(c.simulated.mean),
                c.gap_words()
            )
        })
        .collect()
}

pub(super) fn section(cx: &ReportInput) -> Section {
    let mut s = Section::new("today", "Does the model reproduce today?");
    let checks = checks(cx.m, cx.agg);
    if checks.is_empty() {
        return s;
    }
    let missed: Vec<&Check> = checks.iter().filter(|c| !c.reproduced()).collect();
    let verdict = if missed.is_empty() {
        format!(
            "Yes: the simulated mean of each of the {} figures the council observed is within its tolerance, \
so the model starts where the council stands.",
            checks.len()
        )
    } else {
        let names: Vec<String> = missed.iter().map(|c| c.observation.label()).collect();
        format!(
            "No: {} of the {} observed figures {} not reproduced ({}). Figures that rest on them are less \
trustworthy. {CALIBRATE_ADVICE}",
            missed.len(),
            checks.len(),
            if missed.len() == 1 { "is" } else { "are" },
            names.join("; ")
        )
    };
    s.push(Block::Paragraph(verdict));
    s.push(Block::Table(table(&checks)));
    s.push(Block::Note(
        "Observed: the council's own figure as the scenario gives it, with how close the model must come. \
Simulated: the same measure over the simulated futures, its mean and P50 (P10-P90). A DoLS request counts \
as completed when it is decided or closed without a decision, as councils' DoLS returns count them."
            .into(),
    ));
    s
}

pub(crate) fn table(checks: &[Check]) -> Table {
    let rows = checks
        .iter()
        .map(|c| {
            let u = unit(c.observation);
            vec![
                c.observation.label(),
                c.observed_words(),
                u.show(c.simulated.mean),
                u.band(&c.simulated),
                if c.reproduced() { "yes".into() } else { format!("no ({} off)", c.gap_words()) },
                c.observation.source.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        title: "Observed against simulated".into(),
        header: ["figure", "observed", "simulated (mean)", "simulated P50 (P10-P90)", "reproduced?", "source"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}
