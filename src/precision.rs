//! When a run has replications enough: the headline measures and how
//! precisely the replications so far pin down their means.
//!
//! A measure is precise when the half-width of the 95% confidence interval
//! of its mean is within the tolerance of the mean. A mean near zero (no
//! one waiting at the end, say) would need endless replications to pin
//! down to a share of itself, so the tolerance is of the larger of the
//! mean and a floor in the measure's own units: a small backlog is known
//! well enough when it is known to a fraction of ten items.

use crate::model::{Model, WorkKind};
use crate::results::{FlowKpi, RequestKpi, TotalMetric};
use crate::stats::{Aggregate, Band};

/// Replications are added this many at a time, whatever the threads, so
/// the same seed stops at the same count.
pub const BATCH: u64 = 100;
/// The most replications a precision run takes unless told otherwise.
pub const DEFAULT_MAX_REPLICATIONS: u64 = 20_000;
/// The tolerance of `--replications auto`.
pub const DEFAULT_TOLERANCE: f64 = 0.02;

/// Floors, in each measure's units, below which the tolerance is not of
/// the mean but of the floor.
pub const FLOOR_PERCENT: f64 = 50.0;
pub const FLOOR_DAYS: f64 = 7.0;
pub const FLOOR_ITEMS: f64 = 10.0;
pub const FLOOR_POUNDS: f64 = 10_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Request(usize, RequestKpi),
    Flow(usize, FlowKpi),
    Total(TotalMetric),
}

/// One headline measure: its place in the aggregate, names, and floor.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub measure: Measure,
    /// As the targets of `caseflow staff` name it: `standard_dols.within_deadline_pct`.
    pub key: String,
    /// In plain words: "% of standard DoLS requests completed within the deadline".
    pub words: String,
    pub floor: f64,
}

impl Headline {
    pub fn band<'a>(&self, agg: &'a Aggregate) -> &'a Band {
        match self.measure {
            Measure::Request(r, k) => agg.request_kpi(r, k),
            Measure::Flow(f, k) => agg.flow_kpi(f, k),
            Measure::Total(t) => agg.total_kpi(t),
        }
    }

    /// The half-width of the mean's 95% confidence interval as a share of
    /// the larger of the mean and the floor; `None` when no replication
    /// has a value (the measure does not arise), infinite when one has.
    pub fn relative_half_width(&self, agg: &Aggregate) -> Option<f64> {
        let band = self.band(agg);
        match band.count() {
            0 => None,
            1 => Some(f64::INFINITY),
            _ => Some(band.ci95() / band.mean().abs().max(self.floor)),
        }
    }
}

/// The headline measures of a model, in a fixed order: for each request,
/// the % completed within the deadline and the mean days to completion
/// (as the run's headline quotes them); for
/// each flow with a deadline outside a request, its % within the
/// deadline; for each flow, the number waiting at the end; the DoLS
/// backlog at the end (when there is DoLS work); and the total cost.
pub fn headline(m: &Model) -> Vec<Headline> {
    let mut out = Vec::new();
    for (r, req) in m.requests.iter().enumerate() {
        out.push(Headline {
            measure: Measure::Request(r, RequestKpi::WithinDeadlinePct),
            key: format!("{}.{}", req.name, RequestKpi::WithinDeadlinePct.name()),
            words: format!("% of {} completed within the deadline", req.label),
            floor: FLOOR_PERCENT,
        });
        out.push(Headline {
            measure: Measure::Request(r, RequestKpi::MeanDaysToCompletion),
            key: format!("{}.{}", req.name, RequestKpi::MeanDaysToCompletion.name()),
            words: format!("mean days to complete {}", req.label),
            floor: FLOOR_DAYS,
        });
    }
    for (f, flow) in m.flows.iter().enumerate() {
        if flow.deadline_days.is_some() && flow.stage_of.is_none() {
            out.push(Headline {
                measure: Measure::Flow(f, FlowKpi::WithinDeadlinePct),
                key: format!("{}.{}", flow.name, FlowKpi::WithinDeadlinePct.name()),
                words: format!("% of {} completed within the deadline", m.flow_title(f)),
                floor: FLOOR_PERCENT,
            });
        }
    }
    for (f, flow) in m.flows.iter().enumerate() {
        out.push(Headline {
            measure: Measure::Flow(f, FlowKpi::WaitingAtEnd),
            key: format!("{}.{}", flow.name, FlowKpi::WaitingAtEnd.name()),
            words: format!("{} waiting at the end", m.flow_title(f)),
            floor: FLOOR_ITEMS,
        });
    }
    if m.flows.iter().any(|f| f.kind == WorkKind::Dols) {
        out.push(Headline {
            measure: Measure::Total(TotalMetric::DolsOpen),
            key: format!("total.{}", TotalMetric::DolsOpen.name()),
            words: "the DoLS backlog at the end".into(),
            floor: FLOOR_ITEMS,
        });
    }
    out.push(Headline {
        measure: Measure::Total(TotalMetric::CostTotal),
        key: format!("total.{}", TotalMetric::CostTotal.name()),
        words: "the total cost".into(),
        floor: FLOOR_POUNDS,
    });
    out
}

/// How precise the headline measures are after the replications so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Reached {
    pub replications: u64,
    /// The largest relative half-width over the headline measures (0 when
    /// none has a value).
    pub worst: f64,
    /// The measure with that half-width: the last to settle.
    pub limiting: Option<usize>,
}

impl Reached {
    pub fn of(list: &[Headline], agg: &Aggregate) -> Reached {
        let mut worst = 0.0;
        let mut limiting = None;
        for (i, h) in list.iter().enumerate() {
            if let Some(w) = h.relative_half_width(agg) {
                // NaN (a band of equal values whose sd rounds below zero) is precise.
                if w > worst {
                    worst = w;
                    limiting = Some(i);
                }
            }
        }
        Reached { replications: agg.replications, worst, limiting }
    }

    pub fn within(&self, tolerance: f64) -> bool {
        self.worst <= tolerance
    }
}

/// What a precision run asked for and what it got, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    pub tolerance: f64,
    pub max_replications: u64,
    pub reached: Reached,
    /// The limiting measure's key and plain words.
    pub limiting: Option<(String, String)>,
}

impl Precision {
    pub fn new(tolerance: f64, max_replications: u64, reached: Reached, list: &[Headline]) -> Precision {
        let limiting = reached.limiting.map(|i| (list[i].key.clone(), list[i].words.clone()));
        Precision { tolerance, max_replications, reached, limiting }
    }

    /// Whether it stopped because the figures were precise (rather than at the cap).
    pub fn precise(&self) -> bool {
        self.reached.within(self.tolerance)
    }

    /// Short of the tolerance: about how many replications would reach it,
    /// as the half-width shrinks with the square root of the count, in
    /// whole batches. A guide, not a promise: the spread itself is an
    /// estimate.
    pub fn needed(&self) -> Option<u64> {
        let (worst, n) = (self.reached.worst, self.reached.replications);
        if self.precise() || !worst.is_finite() || n == 0 || self.tolerance <= 0.0 {
            return None;
        }
        let estimate = (n as f64 * (worst / self.tolerance).powi(2)).min(1e15) as u64;
        Some(estimate.div_ceil(BATCH) * BATCH)
    }

    /// "; about 3,800 replications would reach ±5% (--max-replications 3800)", or nothing.
    pub fn needed_words(&self) -> String {
        self.needed().map_or(String::new(), |n| {
            format!(
                "; about {} replications would reach ±{} (--max-replications {n})",
                crate::format::Unit::Count.show(n as f64),
                percent(self.tolerance)
            )
        })
    }
}

/// A share as a percentage for a sentence: "2%", "0.5%", "1.97%".
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return "unknown".into();
    }
    let p = share * 100.0;
    let text = format!("{p:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_of_the_tolerance_it_says_about_how_many_would_reach_it() {
        let at = |worst: f64, replications: u64| Precision {
            tolerance: 0.05,
            max_replications: replications,
            reached: Reached { replications, worst, limiting: None },
            limiting: None,
        };
        // Four times the half-width needs sixteen times the replications.
        assert_eq!(at(0.2, 500).needed(), Some(8_000));
        // Rounded up to whole batches.
        assert_eq!(at(0.06, 500).needed(), Some(800));
        assert_eq!(at(0.04, 500).needed(), None, "already precise");
        assert_eq!(at(f64::INFINITY, 1).needed(), None, "no spread to go on");
        assert!(at(0.2, 500).needed_words().contains("about 8,000 replications would reach ±5%"));
    }

    #[test]
    fn percent_drops_trailing_zeros() {
        assert_eq!(percent(0.02), "2%");
        assert_eq!(percent(0.005), "0.5%");
        assert_eq!(percent(0.019_73), "1.97%");
        assert_eq!(percent(f64::INFINITY), "unknown");
    }
}
