//! "Workforce": vacancy, turnover, agency, sickness and newly qualified
//! workers' protected caseloads, last year and in the year ahead, against
//! the national figures for council adult social workers.

use super::{RatedInput, national, unit_of, words_of};
use crate::model::health::Rated;
use crate::results::{Scope, WorkforceMetric as W};
use crate::summary::doc::{Block, Section, Table};

const RATES: [Rated; 6] = [
    Rated::VacancyPct,
    Rated::TurnoverPct,
    Rated::AgencyPct,
    Rated::SicknessDays,
    Rated::AsyeProtectedPct,
    Rated::UtilisationPct,
];

pub(super) fn section(cx: &RatedInput) -> Section {
    let mut s = Section::new("workforce", "Workforce");
    if cx.scopes.is_empty() {
        return s;
    }
    let mut t = Table {
        title: "Everyone".into(),
        header: ["measure", "last year", "year ahead: P50 (P10-P90)", "national", "source of the national figure"]
            .into_iter()
            .map(String::from)
            .collect(),
        rows: Vec::new(),
    };
    for rated in RATES {
        let k = super::metric_of(rated);
        let unit = unit_of(rated);
        let ahead = cx.ahead(Scope::Total, k);
        let last = cx.observed(Scope::Total, k);
        if !ahead.bands.p50.is_finite() && last.is_none() {
            continue;
        }
        let (n, source) = national(rated).map_or(("-".to_string(), ""), |(v, src)| (unit.show(v), src));
        t.rows.push(vec![
            crate::format::capital(words_of(rated)),
            last.map_or("-".into(), |o| unit.show(o.bands.p50)),
            unit.band(&ahead.bands),
            n,
            source.to_string(),
        ]);
    }
    s.push(Block::Table(t));
    let mut t = Table {
        title: "By role and team, year ahead (last year)".into(),
        header: ["", "vacancy", "turnover a year", "agency", "sickness days a year", "FTE in post at the end"]
            .into_iter()
            .map(String::from)
            .collect(),
        rows: Vec::new(),
    };
    for &scope in cx.scopes.iter().filter(|s| !matches!(s, Scope::Total)) {
        let mut row = vec![crate::format::capital(&scope.label(cx.m))];
        for rated in [Rated::VacancyPct, Rated::TurnoverPct, Rated::AgencyPct, Rated::SicknessDays] {
            let k = super::metric_of(rated);
            let unit = unit_of(rated);
            let ahead = unit.show(cx.ahead(scope, k).bands.p50);
            row.push(match cx.observed(scope, k) {
                Some(o) => format!("{ahead} ({})", unit.show(o.bands.p50)),
                None => ahead,
            });
        }
        row.push(crate::format::Unit::Ratio.band(&cx.ahead(scope, W::Staff).bands));
        t.rows.push(row);
    }
    s.push(Block::Table(t));
    s.push(Block::Note(
        "Vacancy counts posts without an employed holder, whether vacant or covered by agency staff, as a share of the establishment; agency is agency staff as a share of everyone in post; turnover is leavers as a share of employed staff, a year; sickness is working days lost per FTE in post, a year.".into(),
    ));
    s
}
