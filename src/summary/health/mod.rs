//! The principal social worker's annual health check, built section by
//! section over the same bands as the workforce tables and over last
//! year's observed figures. Each module makes one section; `build` puts
//! them in order. `assess` rates each measure against the scenario's
//! limits once, and every section that shows a rating reads it from there.

mod caseloads;
mod director;
mod dols;
mod last_year;
mod method;
mod previous;
mod staffing;
mod standards;
mod supervision;
mod workforce;

pub use dols::dual_roles;
pub use previous::{Previous, read_previous};

use polars::prelude::{DataFrame, PolarsResult};

use crate::format::{Unit, month_year, thousands};
use crate::history::observed::Observed;
use crate::model::Model;
use crate::model::health::{Rag, Rated, Rating};
use crate::results::{Scope, WorkforceMetric, workforce_scopes};
use crate::scenario::Scenario;
use crate::stats::{Aggregate, Bands};
use crate::summary::doc::{Doc, Figure, Source};
use crate::summary::{Builder, Stamp};

/// What the health check found for one role's caseload threshold with
/// the staffing search (or why it did not search).
#[derive(Debug, Clone)]
pub struct Staffing {
    pub role: usize,
    pub threshold: f64,
    /// FTE in the scenario.
    pub now: f64,
    /// The green limit of the share of workers above the safe caseload,
    /// which the search brings the median within.
    pub limit: f64,
    /// The smallest FTE found, with the share of workers above the safe
    /// caseload, people allocated per worker and the role's cost a year
    /// there, and the cost a year now.
    pub answer: Option<f64>,
    pub over: Option<Bands>,
    pub people: Option<Bands>,
    pub cost: Option<(Bands, Bands)>,
    /// How it was searched, or why there is no answer.
    pub note: String,
    /// The command that repeats the search on its own.
    pub command: String,
}

/// Everything the report reads.
pub struct Input<'a> {
    pub model: &'a Model,
    pub agg: &'a Aggregate,
    pub stamp: &'a Stamp,
    pub scenario: &'a Scenario,
    pub observed: &'a Observed,
    /// Whether the scenario or history says it is synthetic.
    pub synthetic: bool,
    /// The history files read, with their SHA-256.
    pub histories: Vec<(String, String)>,
    pub staffing: &'a [Staffing],
    /// Whether the staffing search was asked for (not `--no-search`).
    pub searched: bool,
    /// The year ahead on the same futures with DoLS taking none of the
    /// dual-role workers' time.
    pub without_dols: Option<&'a Aggregate>,
    pub previous: Option<&'a Previous>,
}

/// What every section of the health check reads: its `Input`, the
/// workforce scopes, and each measure rated once against the limits.
pub(crate) struct RatedInput<'a> {
    pub m: &'a Model,
    pub agg: &'a Aggregate,
    pub input: &'a Input<'a>,
    pub scopes: Vec<Scope>,
    pub assessments: Vec<Assessment>,
}

impl RatedInput<'_> {
    /// The index of a scope in the workforce tables.
    pub fn scope_index(&self, s: Scope) -> Option<usize> {
        self.scopes.iter().position(|&x| x == s)
    }

    /// A workforce measure over the year ahead, with where it comes from.
    pub fn ahead(&self, s: Scope, k: WorkforceMetric) -> Figure {
        let bands = match self.scope_index(s) {
            Some(i) => Bands::of(self.agg.workforce_kpi(i, k)),
            None => Bands { p10: f64::NAN, p50: f64::NAN, p90: f64::NAN, mean: f64::NAN },
        };
        Figure { source: Source::Workforce { scope: s.kind(), name: s.name(self.m), metric: k.name() }, bands }
    }

    /// Last year's observed value of a workforce measure, if recorded.
    pub fn observed(&self, s: Scope, k: WorkforceMetric) -> Option<Figure> {
        let name = s.name(self.m);
        let v = self.input.observed.get(s.kind(), &name, k.name())?;
        Some(Figure {
            source: Source::Observed { scope: s.kind(), name, metric: k.name() },
            bands: Bands { p10: v, p50: v, p90: v, mean: v },
        })
    }

    /// "December 2026 to November 2027".
    pub fn year_ahead(&self) -> String {
        let last = self.m.periods.len().saturating_sub(1);
        format!("{} to {}", month_year(self.m.start), month_year(self.m.periods.last_date(last)))
    }

    /// "December 2025 to November 2026".
    pub fn last_year(&self) -> String {
        let o = self.input.observed;
        format!("{} to {}", month_year(o.from), month_year(o.to.pred_opt().unwrap_or(o.to)))
    }

    pub fn staff_roles(&self) -> Vec<usize> {
        self.scopes
            .iter()
            .filter_map(|s| match s {
                Scope::Role(r) => Some(*r),
                _ => None,
            })
            .collect()
    }

    pub fn threshold(&self, r: usize) -> Option<f64> {
        self.m.health.as_ref().and_then(|h| h.caseload[r])
    }
}

/// The Standards for Employers of Social Workers the model can speak to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standard {
    WorkforcePlanning,
    SafeWorkloads,
    Wellbeing,
    Supervision,
    Development,
}

impl Standard {
    pub const ALL: [Standard; 5] = [
        Standard::WorkforcePlanning,
        Standard::SafeWorkloads,
        Standard::Wellbeing,
        Standard::Supervision,
        Standard::Development,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Standard::WorkforcePlanning => "2. Workforce planning",
            Standard::SafeWorkloads => "3. Safe workloads and case allocation",
            Standard::Wellbeing => "4. Wellbeing",
            Standard::Supervision => "5. Supervision",
            Standard::Development => "6. Continuing professional development (ASYE)",
        }
    }

    pub fn of(r: Rated) -> Standard {
        match r {
            Rated::VacancyPct | Rated::TurnoverPct | Rated::AgencyPct => Standard::WorkforcePlanning,
            Rated::OverThresholdPct | Rated::PeopleWaiting => Standard::SafeWorkloads,
            Rated::SicknessDays | Rated::UtilisationPct => Standard::Wellbeing,
            Rated::SupervisionDeliveredPct => Standard::Supervision,
            Rated::AsyeProtectedPct => Standard::Development,
        }
    }
}

/// The workforce measure a rated measure reads.
pub fn metric_of(r: Rated) -> WorkforceMetric {
    match r {
        Rated::OverThresholdPct => WorkforceMetric::OverThresholdPct,
        Rated::PeopleWaiting => WorkforceMetric::PeopleWaiting,
        Rated::SupervisionDeliveredPct => WorkforceMetric::SupervisionDeliveredPct,
        Rated::AsyeProtectedPct => WorkforceMetric::AsyeProtectedPct,
        Rated::VacancyPct => WorkforceMetric::VacancyPct,
        Rated::TurnoverPct => WorkforceMetric::TurnoverPct,
        Rated::AgencyPct => WorkforceMetric::AgencyPct,
        Rated::SicknessDays => WorkforceMetric::SicknessDays,
        Rated::UtilisationPct => WorkforceMetric::UtilisationPct,
    }
}

/// How a rated measure reads.
pub fn unit_of(r: Rated) -> Unit {
    match r {
        Rated::PeopleWaiting => Unit::Count,
        Rated::SicknessDays => Unit::Ratio,
        Rated::VacancyPct | Rated::TurnoverPct | Rated::AgencyPct => Unit::Rate,
        _ => Unit::Pct,
    }
}

/// A rated measure in a few words.
pub fn words_of(r: Rated) -> &'static str {
    match r {
        Rated::OverThresholdPct => "workers above the safe caseload",
        Rated::PeopleWaiting => "people waiting for allocation",
        Rated::SupervisionDeliveredPct => "supervision delivered",
        Rated::AsyeProtectedPct => "newly qualified workers within their protected caseload",
        Rated::VacancyPct => "vacancy rate",
        Rated::TurnoverPct => "turnover a year",
        Rated::AgencyPct => "agency share of the workforce",
        Rated::SicknessDays => "sickness days per worker a year",
        Rated::UtilisationPct => "share of casework hours worked",
    }
}

/// The national figure for council adult social workers a measure is
/// set against, with where it comes from (FACTS.md).
pub fn national(r: Rated) -> Option<(f64, &'static str)> {
    match r {
        Rated::VacancyPct => Some((10.5, "Skills for Care, council adult social workers, 2023")),
        Rated::TurnoverPct => Some((14.5, "Skills for Care, council adult social workers, 2023")),
        Rated::AgencyPct => Some((10.0, "Skills for Care, about 10% in 2022-23")),
        Rated::SicknessDays => Some((10.4, "Skills for Care, council adult social care roles")),
        Rated::AsyeProtectedPct => {
            Some((51.0, "2018 survey: 49% of newly qualified workers promised a protected caseload did not get one"))
        }
        _ => None,
    }
}

/// One measure of one scope, rated for last year and the year ahead.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub standard: Standard,
    pub rated: Rated,
    pub scope: Scope,
    pub label: String,
    pub observed: Option<Figure>,
    pub ahead: Figure,
    pub rating_observed: Option<Rating>,
    pub rating_ahead: Option<Rating>,
    pub limits: Rag,
    pub reason: String,
}

/// "at most 10.5%" or "at least 90%".
pub fn limit_words(r: Rated, v: f64) -> String {
    let unit = unit_of(r);
    if r.more_is_better() { format!("at least {}", unit.show(v)) } else { format!("at most {}", unit.show(v)) }
}

/// Rate every measure the scenario can speak to: caseloads, utilisation
/// and supervision by role (and everyone), people waiting by team (and
/// everyone), the rest for everyone.
pub(crate) fn assess(m: &Model, agg: &Aggregate, observed: &Observed, scopes: &[Scope]) -> Vec<Assessment> {
    let Some(h) = &m.health else { return Vec::new() };
    let mut out = Vec::new();
    for rated in Rated::ALL {
        let k = metric_of(rated);
        let mut which: Vec<Scope> = match rated {
            Rated::OverThresholdPct => {
                scopes.iter().copied().filter(|s| matches!(s, Scope::Role(r) if h.caseload[*r].is_some())).collect()
            }
            Rated::PeopleWaiting => scopes.iter().copied().filter(|s| matches!(s, Scope::Team(_))).collect(),
            // A role that is worked to the bone, or loses its supervision,
            // is not hidden by an average over everyone.
            Rated::UtilisationPct | Rated::SupervisionDeliveredPct => {
                scopes.iter().copied().filter(|s| matches!(s, Scope::Role(_))).collect()
            }
            _ => Vec::new(),
        };
        which.push(Scope::Total);
        for scope in which {
            let Some(i) = scopes.iter().position(|&x| x == scope) else { continue };
            let bands = Bands::of(agg.workforce_kpi(i, k));
            let name = scope.name(m);
            let ahead = Figure {
                source: Source::Workforce { scope: scope.kind(), name: name.clone(), metric: k.name() },
                bands,
            };
            let observed = observed.get(scope.kind(), &name, k.name()).map(|v| Figure {
                source: Source::Observed { scope: scope.kind(), name: name.clone(), metric: k.name() },
                bands: Bands { p10: v, p50: v, p90: v, mean: v },
            });
            let limits = h.limits(rated);
            let unit = unit_of(rated);
            // A share of a group that most futures do not have (no newly
            // qualified worker in post, say) rests on too few to rate.
            let band = agg.workforce_kpi(i, k);
            let futures = agg.replications.max(1);
            let too_few = band.count() * 2 < futures;
            let rating_ahead = if too_few { None } else { limits.rate(rated, unit.as_shown(bands.p50)) };
            let rating_observed = observed.as_ref().and_then(|o| limits.rate(rated, unit.as_shown(o.bands.p50)));
            if rating_ahead.is_none() && rating_observed.is_none() {
                continue; // nothing to rate (no ASYE workers, say)
            }
            let mut reason = match rating_ahead {
                Some(r) => format!(
                    "year ahead {}: {} (green {}, amber {})",
                    unit.band_words(&bands),
                    r.name(),
                    limit_words(rated, limits.green),
                    limit_words(rated, limits.amber)
                ),
                None if too_few && band.count() > 0 => format!(
                    "not rated for the year ahead: only {} of {futures} simulated futures have anyone to measure ({} when they do)",
                    band.count(),
                    unit.band_words(&bands)
                ),
                None => "no value in the year ahead".to_string(),
            };
            if let Some(o) = &observed {
                reason.push_str(&format!("; last year {}", unit.show(o.bands.p50)));
            }
            if let Some((v, _)) = national(rated) {
                reason.push_str(&format!("; national {}", unit.show(v)));
            }
            reason.push_str(no_slack(rated, unit.as_shown(bands.p50)));
            out.push(Assessment {
                standard: Standard::of(rated),
                rated,
                scope,
                label: format!("{}: {}", scope.label(m), words_of(rated)),
                observed,
                ahead,
                rating_observed,
                rating_ahead,
                limits,
                reason,
            });
        }
    }
    out
}

/// What a role working every casework hour means: the model's workers
/// take waiting work whenever they have hours, so the share reaches 100%
/// wherever work waits for them, never more (overtime aside).
fn no_slack(rated: Rated, shown: f64) -> &'static str {
    if rated == Rated::UtilisationPct && shown >= 100.0 {
        "; every casework hour is used because work waits for this role: no slack, though no hours beyond the casework share"
    } else {
        ""
    }
}

/// The worst rating of a standard's measures in the year ahead.
pub fn standard_rating(assessments: &[Assessment], s: Standard) -> Option<Rating> {
    assessments.iter().filter(|a| a.standard == s).filter_map(|a| a.rating_ahead).max()
}

pub fn build(input: &Input) -> Doc {
    let m = input.model;
    let scopes = workforce_scopes(m);
    let assessments = assess(m, input.agg, input.observed, &scopes);
    let cx = RatedInput { m, agg: input.agg, input, scopes, assessments };
    let mut sections = vec![
        director::section(&cx),
        standards::section(&cx),
        caseloads::section(&cx),
        supervision::section(&cx),
        workforce::section(&cx),
        staffing::section(&cx),
        dols::section(&cx),
        last_year::section(&cx),
    ];
    if let Some(p) = input.previous {
        sections.push(previous::section(&cx, p));
    }
    sections.push(method::section(&cx));
    let mut meta = Vec::new();
    if input.synthetic {
        meta.push(
            "SYNTHETIC: a made-up council and made-up history, to show what the health check gives; no real council's figures."
                .to_string(),
        );
    }
    if !m.description.is_empty() {
        meta.push(m.description.clone());
    }
    meta.push(format!(
        "Last year observed: {}. The year ahead simulated from today's position: {}, {} simulated futures (replications), seed {}.",
        cx.last_year(),
        cx.year_ahead(),
        thousands(input.stamp.replications as f64),
        input.stamp.seed
    ));
    let mut reproduce = crate::summary::report::reproduce(input.stamp, input.scenario);
    for (file, sha) in &input.histories {
        reproduce.push((format!("history {file}"), format!("SHA-256 {sha}")));
    }
    Doc {
        title: format!("Social work health check: {}{}", m.name, if input.synthetic { " (SYNTHETIC)" } else { "" }),
        meta,
        sections: sections.into_iter().filter(|s| !s.is_empty()).collect(),
        reproduce,
    }
}

/// The ratings as a table (`health_check.csv`): what `--previous` reads
/// next year.
pub fn table(input: &Input) -> PolarsResult<DataFrame> {
    let m = input.model;
    let scopes = workforce_scopes(m);
    let mut b = Builder::default();
    for a in assess(m, input.agg, input.observed, &scopes) {
        b.text("standard", a.standard.title());
        b.text("measure", a.rated.key());
        b.text("scope", a.scope.kind());
        b.text("name", a.scope.name(m));
        b.text("year_ahead", cx_year(m));
        b.num("observed", a.observed.as_ref().map_or(f64::NAN, |o| o.bands.p50));
        b.text("rating_observed", a.rating_observed.map_or("", Rating::name));
        for (col, v) in [("p10", a.ahead.bands.p10), ("p50", a.ahead.bands.p50), ("p90", a.ahead.bands.p90)] {
            b.num(col, v);
        }
        b.text("rating", a.rating_ahead.map_or("", Rating::name));
        b.num("green", a.limits.green);
        b.num("amber", a.limits.amber);
        b.num("national", national(a.rated).map_or(f64::NAN, |n| n.0));
        b.text("reason", a.reason.clone());
        b.end_row();
    }
    b.finish(input.stamp)
}

/// "2026-12-01..2027-11-30": the year a health check looks ahead to.
fn cx_year(m: &Model) -> String {
    let last = m.periods.len().saturating_sub(1);
    format!("{}..{}", m.start, m.periods.last_date(last))
}

/// Last year's observed figures as a table (`observed.csv`).
pub fn observed_table(input: &Input) -> PolarsResult<DataFrame> {
    let o = input.observed;
    let mut b = Builder::default();
    for row in &o.rows {
        b.text("from", o.from.to_string());
        b.text("to", o.to.pred_opt().unwrap_or(o.to).to_string());
        b.text("scope", row.scope);
        b.text("name", row.name.clone());
        b.text("metric", row.metric);
        b.num("value", row.value);
        b.end_row();
    }
    b.finish(input.stamp)
}
