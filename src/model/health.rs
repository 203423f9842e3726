//! Caseloads of people, teams, supervision and the standards of the
//! principal social worker's health check.
//!
//! Social workers count the *people* allocated to them, not the pieces of
//! work in progress. A flow marked `people` has items that are people: an
//! open item is a person allocated to its worker, a waiting one a person
//! waiting for allocation. With `keep_allocated`, a share of people stay
//! allocated to the worker after the work is done (ongoing care
//! management), taking some of the worker's hours each week, until the
//! case closes or transfers to another team.

use super::{Dist, FlowId};
use crate::units::{DAYS_PER_WEEK, DAYS_PER_YEAR};

/// People who stay allocated to their worker after a flow's work is done.
#[derive(Debug, Clone, PartialEq)]
pub struct Keep {
    /// Share of completed items whose person stays allocated.
    pub share: f64,
    /// Days the person stays allocated.
    pub days: Dist,
    /// Casework hours a day of the working clock each person takes
    /// (hours a week / 7).
    pub hours_per_day: f64,
    /// When the allocation ends, this share of people transfer: an item
    /// of the flow starts at once (a handover to another team).
    pub transfer: Option<(FlowId, f64)>,
}

/// A team: the roles whose `team` names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub name: String,
    /// Plain-language name for reports ("complex care").
    pub label: String,
}

/// How often a supervision session comes round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Week,
    Fortnight,
    Month,
}

impl Every {
    pub const NAMES: [&'static str; 3] = ["week", "fortnight", "month"];

    pub fn parse(s: &str) -> Option<Every> {
        Some(match s {
            "week" => Every::Week,
            "fortnight" => Every::Fortnight,
            "month" => Every::Month,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Every::Week => "week",
            Every::Fortnight => "fortnight",
            Every::Month => "month",
        }
    }

    /// Sessions a year.
    pub fn per_year(self) -> f64 {
        match self {
            Every::Week => DAYS_PER_YEAR / DAYS_PER_WEEK,
            Every::Fortnight => DAYS_PER_YEAR / (2.0 * DAYS_PER_WEEK),
            Every::Month => 12.0,
        }
    }
}

/// Supervision as sessions of a worker's time: they are away from
/// casework for the session, so casework hours fall by exactly its length.
#[derive(Debug, Clone, PartialEq)]
pub struct Supervision {
    /// Hours a session.
    pub hours: f64,
    pub every: Every,
    /// Newly qualified (ASYE) workers: until this many days after they
    /// started, sessions this often (in order); then `every`.
    pub asye: Vec<(f64, Every)>,
    /// Under pressure: a session is cancelled when more than this share
    /// of the worker's hours is promised to work; `None` keeps every one.
    pub cancel_above_load: Option<f64>,
}

/// Green and amber limits of one measure: green up to `green` (or from it,
/// for a measure where more is better), amber up to `amber`, red beyond.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rag {
    pub green: f64,
    pub amber: f64,
}

/// The measures a health check rates, each against limits in the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rated {
    /// % of workers with more people allocated than their threshold.
    OverThresholdPct,
    /// People waiting for allocation at the end of a period.
    PeopleWaiting,
    /// % of planned supervision delivered.
    SupervisionDeliveredPct,
    /// % of newly qualified workers within their protected caseload.
    AsyeProtectedPct,
    VacancyPct,
    TurnoverPct,
    AgencyPct,
    SicknessDays,
    UtilisationPct,
}

impl Rated {
    pub const ALL: [Rated; 9] = [
        Rated::OverThresholdPct,
        Rated::PeopleWaiting,
        Rated::SupervisionDeliveredPct,
        Rated::AsyeProtectedPct,
        Rated::VacancyPct,
        Rated::TurnoverPct,
        Rated::AgencyPct,
        Rated::SicknessDays,
        Rated::UtilisationPct,
    ];

    /// The key under `[health_check]`, which is also the measure's name in
    /// the workforce tables.
    pub fn key(self) -> &'static str {
        match self {
            Rated::OverThresholdPct => "over_threshold_pct",
            Rated::PeopleWaiting => "people_waiting",
            Rated::SupervisionDeliveredPct => "supervision_delivered_pct",
            Rated::AsyeProtectedPct => "asye_protected_pct",
            Rated::VacancyPct => "vacancy_pct",
            Rated::TurnoverPct => "turnover_pct",
            Rated::AgencyPct => "agency_pct",
            Rated::SicknessDays => "sickness_days",
            Rated::UtilisationPct => "utilisation_pct",
        }
    }

    /// Whether more of the measure is better.
    pub fn more_is_better(self) -> bool {
        matches!(self, Rated::SupervisionDeliveredPct | Rated::AsyeProtectedPct)
    }

    /// Limits used when the scenario gives none. Workforce rates are green
    /// up to the latest national figure for council adult social workers
    /// (Skills for Care 2023: vacancy 10.5%, turnover 14.5%, agency about
    /// 10%; sickness about 10.4 days) and amber up to a quarter above it;
    /// ASYE compliance is red below the 51% of newly qualified workers
    /// who got the protected caseload they were promised (2018 survey).
    pub fn default_limits(self) -> Rag {
        let (green, amber) = match self {
            Rated::OverThresholdPct => (0.0, 10.0),
            Rated::PeopleWaiting => (25.0, 75.0),
            Rated::SupervisionDeliveredPct => (90.0, 75.0),
            Rated::AsyeProtectedPct => (90.0, 51.0),
            Rated::VacancyPct => (10.5, 13.0),
            Rated::TurnoverPct => (14.5, 18.0),
            Rated::AgencyPct => (10.0, 12.5),
            Rated::SicknessDays => (10.4, 13.0),
            Rated::UtilisationPct => (85.0, 95.0),
        };
        Rag { green, amber }
    }
}

/// A rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rating {
    Green,
    Amber,
    Red,
}

impl Rating {
    pub fn name(self) -> &'static str {
        match self {
            Rating::Green => "green",
            Rating::Amber => "amber",
            Rating::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<Rating> {
        Some(match s {
            "green" => Rating::Green,
            "amber" => Rating::Amber,
            "red" => Rating::Red,
            _ => return None,
        })
    }
}

impl Rag {
    /// The rating of value `v` of measure `what`; `None` for no value.
    pub fn rate(self, what: Rated, v: f64) -> Option<Rating> {
        if !v.is_finite() {
            return None;
        }
        let within = |limit: f64| if what.more_is_better() { v >= limit } else { v <= limit };
        Some(if within(self.green) {
            Rating::Green
        } else if within(self.amber) {
            Rating::Amber
        } else {
            Rating::Red
        })
    }
}

/// The health check's settings: caseload thresholds and rating limits.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheck {
    /// Per role: the most people allocated to one worker that is a safe
    /// caseload; `None` where the scenario sets no threshold.
    pub caseload: Vec<Option<f64>>,
    /// A newly qualified worker's protected caseload as a share of their
    /// role's threshold.
    pub asye_share: f64,
    /// Limits per rated measure, in `Rated::ALL` order.
    pub limits: Vec<Rag>,
}

impl HealthCheck {
    pub fn limits(&self, what: Rated) -> Rag {
        let i = Rated::ALL.iter().position(|&r| r == what).expect("every measure has limits");
        self.limits[i]
    }

    /// The protected caseload of a newly qualified worker of role `r`.
    pub fn asye_threshold(&self, r: usize) -> Option<f64> {
        self.caseload.get(r).copied().flatten().map(|t| t * self.asye_share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_follow_the_direction_of_the_measure() {
        let vacancy = Rated::VacancyPct.default_limits();
        assert_eq!(vacancy.rate(Rated::VacancyPct, 9.0), Some(Rating::Green));
        assert_eq!(vacancy.rate(Rated::VacancyPct, 12.0), Some(Rating::Amber));
        assert_eq!(vacancy.rate(Rated::VacancyPct, 14.0), Some(Rating::Red));
        let sup = Rated::SupervisionDeliveredPct.default_limits();
        assert_eq!(sup.rate(Rated::SupervisionDeliveredPct, 95.0), Some(Rating::Green));
        assert_eq!(sup.rate(Rated::SupervisionDeliveredPct, 80.0), Some(Rating::Amber));
        assert_eq!(sup.rate(Rated::SupervisionDeliveredPct, 60.0), Some(Rating::Red));
        assert_eq!(sup.rate(Rated::SupervisionDeliveredPct, f64::NAN), None);
        let over = Rated::OverThresholdPct.default_limits();
        assert_eq!(over.rate(Rated::OverThresholdPct, 0.0), Some(Rating::Green));
        assert_eq!(over.rate(Rated::OverThresholdPct, 0.5), Some(Rating::Amber), "one worker above turns it amber");
    }
}
