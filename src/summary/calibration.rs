//! The calibration report: what the council observed against what the
//! model simulates, before and after, which values moved and how far,
//! and what could not be reproduced.

use crate::calibrate::{Conflict, Outcome};
use crate::format::{Unit, decimal, thousands};
use crate::model::observed::{Measure, Observation, Subject};
use crate::summary::doc::{Block, Chart, ChartKind, Doc, Marker, Panel, Section, Sentence, Series, Table};
use crate::summary::report::today::{self, Check};

pub fn build(o: &Outcome, seconds: f64) -> Doc {
    let m = &o.after.model;
    let checks = today::checks(m, &o.agg);
    let mut sections = vec![headline(o, &checks, seconds), moved(o), observed(o, &checks)];
    sections.push(method(o));
    Doc {
        title: format!("{}: calibrated to where it stands", o.before.model.name),
        meta: vec![format!(
            "{} unknown values fitted to {} observed figures; {} candidates of {} replications each, seed {}; \
confirmed with {} replications.",
            o.plan.unknowns.len(),
            m.observed.len(),
            o.runs.len(),
            thousands(o.plan.replications as f64),
            o.plan.seed,
            thousands(o.plan.confirm as f64)
        )],
        sections,
        reproduce: vec![
            ("scenario".into(), o.before.file.clone()),
            ("resolved scenario SHA-256".into(), o.before.sha256.clone()),
            ("seed".into(), o.plan.seed.to_string()),
            ("replications per candidate".into(), o.plan.replications.to_string()),
            ("confirming replications".into(), o.plan.confirm.to_string()),
        ],
    }
}

fn headline(o: &Outcome, checks: &[Check], seconds: f64) -> Section {
    let mut s = Section::new("headline", "In short");
    let mut out = Vec::new();
    let missed = checks.iter().filter(|c| !c.reproduced()).count();
    out.push(Sentence::plain(if missed == 0 {
        format!("The calibrated scenario reproduces all {} observed figures within their tolerances.", checks.len())
    } else {
        format!(
            "The calibrated scenario reproduces {} of the {} observed figures; {missed} {} not reproduced by any \
values in the ranges together with the rest (see below).",
            checks.len() - missed,
            checks.len(),
            if missed == 1 { "is" } else { "are" }
        )
    }));
    for (u, (before, &t)) in o.plan.unknowns.iter().zip(o.values_before.iter().zip(&o.best)) {
        let was = before.as_ref().map_or("not set".to_string(), ToString::to_string);
        out.push(Sentence::plain(format!("{}: {} (was {was}).", u.name(), u.toml_at(t))));
    }
    out.extend(near_an_end_words(o).into_iter().map(Sentence::plain));
    out.extend(o.conflicts.iter().map(|c| Sentence::plain(conflict_words(o, c))));
    // How the search stopped is for the method section: here, its size.
    out.push(Sentence::plain(format!(
        "{} settings of these values were tried, each over {} simulated futures, in {seconds:.1} s.",
        o.runs.len(),
        thousands(o.plan.replications as f64)
    )));
    s.push(Block::Sentences(out));
    s
}

/// How close to an end of its range, as a share of the range, a value
/// may be found before the report warns that it may belong beyond.
const NEAR_AN_END: f64 = 0.05;

/// Each value found near an end of its range: its unknown's index and
/// which end.
fn near_an_end(o: &Outcome) -> Vec<(usize, &'static str)> {
    let end = |t: f64| match t {
        t if t >= 1.0 - NEAR_AN_END => Some("top"),
        t if t <= NEAR_AN_END => Some("bottom"),
        _ => None,
    };
    o.best.iter().enumerate().filter_map(|(i, &t)| end(t).map(|e| (i, e))).collect()
}

/// A warning for each value found near an end of its range: the figures
/// may want it beyond the range, and whatever rests on it (a budget's
/// overspend, a staffing answer) is then less sure than its band says.
pub fn near_an_end_words(o: &Outcome) -> Vec<String> {
    near_an_end(o)
        .into_iter()
        .map(|(i, end)| {
            let (u, t) = (&o.plan.unknowns[i], o.best[i]);
            let given = o.values_before[i].as_ref().map_or(String::new(), |v| format!("; the scenario gave {v}"));
            format!(
                "Near the {end} of its range: {}, found at {} (range {} to {}{given}). The observed figures may \
need a value beyond the range, and every figure that rests on this one (costs, overspends, staffing) is less sure \
than its band shows. Check it against what the council knows, or widen its range ([[calibrate]] range) and \
calibrate again.",
                u.name(),
                u.toml_at(t),
                u.toml_at(0.0),
                u.toml_at(1.0)
            )
        })
        .collect()
}

/// The calibrated scenario's description: the original's, then what was
/// found near an end of its range, so that every report of it says so
/// under its title.
pub fn calibrated_description(o: &Outcome) -> String {
    let near: Vec<String> = near_an_end(o)
        .into_iter()
        .map(|(i, end)| {
            let (u, t) = (&o.plan.unknowns[i], o.best[i]);
            let given = o.values_before[i].as_ref().map_or(String::new(), |v| format!(", given as {v}"));
            format!("{} found at {}{given}, near the {end} of its range", u.name(), u.toml_at(t))
        })
        .collect();
    let base = o.before.model.description.trim_end_matches('.');
    if near.is_empty() {
        return format!("{base}. Calibrated to where the council stands.");
    }
    format!(
        "{base}. Calibrated to where the council stands, with {}: what rests on it is less sure than its band shows \
(see the calibration report).",
        near.join("; ")
    )
}

/// Why an observation is not reproduced, in words.
pub fn conflict_words(o: &Outcome, c: &Conflict) -> String {
    let obs = &o.after.model.observed[c.observation];
    let at_ends: Vec<String> =
        c.at_bounds.iter().map(|&i| format!("{} is at an end of its range", o.plan.unknowns[i].name())).collect();
    let ends = if at_ends.is_empty() { String::new() } else { format!(" ({})", at_ends.join("; ")) };
    if c.nearest > 1.0 {
        format!(
            "No values in the ranges reproduce {}: observed {}, and the nearest any candidate came was {} \
tolerances away{ends}. Check the figure, widen a range, or calibrate another value.",
            obs.label(),
            today::unit(obs).show(obs.value),
            decimal(c.nearest, 1)
        )
    } else {
        format!(
            "{} is reproduced by some values in the ranges, but not together with the other figures: they conflict \
under this model{ends}. Check which figure is less certain, or calibrate another value.",
            crate::format::capital(&obs.label())
        )
    }
}

fn moved(o: &Outcome) -> Section {
    let mut s = Section::new("moved", "Values calibrated");
    let rows = o
        .plan
        .unknowns
        .iter()
        .zip(o.values_before.iter().zip(&o.best))
        .map(|(u, (before, &t))| {
            let moved = match before.as_ref().and_then(|v| u.moved(&numbers(v), t)) {
                Some(share) => format!("{} of the range", Unit::Pct.show(100.0 * share)),
                None => "-".into(),
            };
            vec![
                u.name(),
                u.key(),
                before.as_ref().map_or("not set".into(), ToString::to_string),
                u.toml_at(t),
                format!("{} to {}", u.toml_at(0.0), u.toml_at(1.0)),
                moved,
            ]
        })
        .collect();
    s.push(Block::Table(Table {
        title: "What calibration moved".into(),
        header: ["value", "key", "before", "calibrated", "range", "moved"].map(String::from).to_vec(),
        rows,
    }));
    s.push(Block::Note(format!(
        "The calibrated scenario is written as an overlay of the original (base = {}), so the original is unchanged \
and the difference is these values alone.",
        o.before.file
    )));
    s
}

fn observed(o: &Outcome, checks: &[Check]) -> Section {
    let mut s = Section::new("today", "Observed against simulated");
    let mut t = today::table(checks);
    t.title = "Observed against simulated, calibrated".into();
    t.header.insert(2, "before (mean)".into());
    for (row, (c, &m)) in t.rows.iter_mut().zip(checks.iter().zip(&o.as_given.means)) {
        row.insert(2, today::unit(c.observation).show(m));
    }
    s.push(Block::Table(t));
    s.push(Block::Chart(chart(o, checks)));
    s.push(Block::Note(
        "Before: the scenario as given, simulated as the candidates are (up to the last observation). \
Calibrated: the calibrated scenario over its whole horizon. A DoLS request counts as completed when it is \
decided or closed without a decision, as councils' DoLS returns count them."
            .into(),
    ));
    s
}

/// One panel per observation: the simulated band, before and calibrated,
/// against the observed value.
fn chart(o: &Outcome, checks: &[Check]) -> Chart {
    let panels = checks
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let before = o.as_given.means[j];
            let b = c.simulated;
            let series = Series {
                label: "simulated".into(),
                x: vec![0.0, 1.0],
                p10: vec![before, b.p10],
                p50: vec![before, b.p50],
                p90: vec![before, b.p90],
            };
            let mut p = Panel::new(&short_label(c.observation), vec![series]);
            p.marker = Some(Marker::at("observed", c.observation.value));
            p
        })
        .collect();
    Chart {
        id: "observed".into(),
        legend: "upper",
        from_zero: true,
        title: "Observed against simulated".into(),
        caption: "Each panel is one figure the council observed (the line), with the simulated mean before \
calibration and the calibrated P50 and P10-P90."
            .into(),
        kind: ChartKind::Bars,
        x_label: String::new(),
        y_label: String::new(),
        x_ticks: vec!["before".into(), "calibrated".into()],
        x_marks: Vec::new(),
        panels,
    }
}

/// A panel's title: what and when, short enough to read above a small
/// chart. A flow is named, as a council observes several waiting lists;
/// the requests observed are in the table beside the chart.
fn short_label(obs: &Observation) -> String {
    let what = match obs.reading.of {
        Subject::Flows(_) | Subject::Workers(_) => format!("{}: {}", obs.subject, obs.reading.measure.words()),
        Subject::Requests(_) => match obs.reading.measure {
            Measure::Backlog => "backlog (not completed)".to_string(),
            m => m.words().to_string(),
        },
    };
    format!("{what} {}", obs.when)
}

fn numbers(v: &toml::Value) -> Vec<f64> {
    let one = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    match v {
        toml::Value::Array(a) => a.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

fn method(o: &Outcome) -> Section {
    let mut s = Section::new("method", "How the values were found");
    s.push(Block::Paragraph(format!(
        "Each value the council does not know is a point along its range. A candidate is the scenario with those \
values set on top, simulated {} times up to the last observed date with the same seed for every candidate \
(common random numbers, so candidates differ by what they change, not by chance). Its misfit is the sum over \
the observed figures of ln(1 + d²), d = (simulated mean − observed) / tolerance: like d² near a figure, but a \
figure no values can reach adds little more the further it is, so it cannot pull the rest away. The search starts from the scenario's own \
values and a spread of {} more points (a Halton sequence), then refines the best with Nelder-Mead inside the \
ranges until every figure is within half its tolerance, the search stops improving (twice as many candidates \
in a row as the values searched together, plus two, bring the misfit down by less than {}), or {} candidates \
have been simulated. The calibrated values are then run {} times over the whole horizon.",
        o.plan.replications,
        crate::calibrate::design_size(o.plan.unknowns.len()) - 1,
        crate::calibrate::STALL_GAIN,
        o.plan.max_runs,
        o.plan.confirm
    )));
    let first: Vec<String> = o.plan.unknowns.iter().filter(|u| u.first).map(crate::model::Unknown::name).collect();
    let last: Vec<String> = o.plan.unknowns.iter().filter(|u| u.last).map(crate::model::Unknown::name).collect();
    if !first.is_empty() && first.len() + last.len() < o.plan.unknowns.len() {
        s.push(Block::Paragraph(format!(
            "In stages, each with its own share of the candidates: {} was found first, on its own (a design of {} \
points); then the other values, with it held, leaving out the figures it moved by more than two tolerances (it is \
found again for them); then it again on its own, with them held, on every figure. A figure far off adds little to \
the misfit, so a joint search would trade a figure this value alone moves steeply for small gains elsewhere.",
            first.join(" and "),
            crate::calibrate::FIRST_DESIGN
        )));
    }
    if !last.is_empty() {
        s.push(Block::Paragraph(format!(
            "{} {}, so {} found last, on its own, with the other values held at what was found ({} candidates \
each, beyond the {} above). Until then the figures {} were left out: those that moved by more than two tolerances \
between the two ends of its range, the other values as given.",
            crate::format::capital(&last.join(" and ")),
            if last.len() > 1 { "each move only their own figures" } else { "moves only its own figures" },
            if last.len() > 1 { "each was" } else { "it was" },
            crate::calibrate::LAST + 2,
            o.plan.max_runs,
            if last.len() > 1 { "each moves" } else { "it moves" }
        )));
    }
    s.push(Block::Paragraph(format!("The search stopped because {}.", o.stopped)));
    let best = o.runs.iter().map(|r| r.misfit).fold(f64::INFINITY, f64::min);
    s.push(Block::Note(format!("Smallest misfit found: {}.", decimal(best, 3))));
    s
}
