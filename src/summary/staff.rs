//! The staffing search as a report: the answer (or why there is none and
//! what stops it), the targets, every candidate evaluated, and the
//! frontier of cost against attainment.

use super::doc::{Block, Chart, ChartKind, Doc, Marker, Panel, Section, Sentence, Series, Table};
use super::{report, words};
use crate::format::{Unit, thousands};
use crate::model::Model;
use crate::results::RoleKpi;
use crate::staff::{Candidate, Outcome, Plan, cost_change, is_budget};
use crate::stats::{Aggregate, Bands};
use crate::units::DAYS_PER_YEAR;

/// "social workers who are also BIAs (FTE) 22, independent BIAs (assessments a week at most) 4".
pub fn values(plan: &Plan, m: &Model, c: &Candidate) -> String {
    words::values(m, &keys(plan), &c.values)
}

fn keys(plan: &Plan) -> Vec<&str> {
    plan.dims.iter().map(|d| d.key.as_str()).collect()
}

/// The role the first varied key is about (`roles.NAME.…`), if any.
pub fn role_searched(plan: &Plan, m: &Model) -> Option<usize> {
    let name = plan.dims.first()?.key.strip_prefix("roles.")?.split('.').next()?;
    m.role_id(name).map(usize::from)
}

/// A candidate's costs a year: the role searched, and the change from the
/// scenario as it stands (future by future).
pub struct Costs {
    pub role: Option<Bands>,
    pub change: Option<Bands>,
}

pub fn costs(plan: &Plan, out: &Outcome, m: &Model, c: &Candidate) -> Costs {
    let years = out.days.unwrap_or(m.horizon_days) / DAYS_PER_YEAR;
    let role = role_searched(plan, m).map(|r| Bands::of(c.agg.role_kpi(r, RoleKpi::Cost)).scaled(1.0 / years));
    let change = out.baseline.and_then(|b| cost_change(&out.evaluated[b], c)).map(|band| Bands::of(&band));
    Costs { role, change }
}

/// "It costs £9.1m a year in all (P10-P90: ...); social workers who are also
/// BIAs cost £1.0m of it, and the change from the scenario as it stands is
/// +£120k a year (...)."
fn cost_words(plan: &Plan, out: &Outcome, m: &Model, c: &Candidate) -> String {
    let k = costs(plan, out, m, c);
    let mut text = format!("It costs {} a year in all", Unit::Money.band_words(&Bands::of(&c.cost)));
    if let (Some(role), Some(r)) = (k.role, role_searched(plan, m)) {
        text.push_str(&format!("; {} cost {} a year of it", m.roles[r].label, Unit::Money.band_words(&role)));
    }
    if let Some(change) = k.change {
        text.push_str(&format!(
            "; against the scenario as it stands, that is {} a year, future by future",
            Unit::Money.band_diff(&change)
        ));
    }
    text.push('.');
    text
}

/// When more of what is varied barely moves a target that the answer only
/// just meets, the answer is where chance first tipped it over: say so,
/// so "8" is read as "about this many, and more will not buy much".
fn levels_off(plan: &Plan, out: &Outcome, m: &Model) -> Option<String> {
    let [dim] = plan.dims.as_slice() else { return None };
    let answer = &out.evaluated[out.answer?];
    let above: Vec<&Candidate> =
        out.evaluated.iter().filter(|c| c.replications == plan.coarse && c.values[0] >= answer.values[0]).collect();
    if above.len() < 3 {
        return None;
    }
    let top = above.iter().map(|c| c.values[0]).fold(f64::NEG_INFINITY, f64::max);
    plan.targets.iter().enumerate().find_map(|(t, target)| {
        let shares: Vec<f64> = above.iter().map(|c| c.probability(t)).collect();
        let lo = shares.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = shares.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (hi - lo < 0.08 && hi < target.probability + 0.08).then(|| {
            format!(
                "More than this barely helps: from {} {} to {top}, {} is met in {}-{} of futures, close to the {} needed, so the value that first meets it rests partly on chance; more of it will not buy much (what limits the work is said above).",
                words::key(m, &dim.key),
                words::number(answer.values[0]),
                target.label,
                Unit::Probability.show(lo),
                Unit::Probability.show(hi),
                Unit::Probability.show(target.probability),
            )
        })
    })
}

fn meeting(plan: &Plan, c: &Candidate) -> String {
    plan.targets
        .iter()
        .enumerate()
        .map(|(t, target)| {
            // Apart, so a shortfall never reads as "90% (needs 90%)".
            let (got, needs) = Unit::Probability.show_apart(c.probability(t), target.probability);
            format!("{} in {got} of futures (needs {needs})", target.goal())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// " (the scenario has 19)".
fn as_it_stands(plan: &Plan, m: &Model, now: &[Option<String>]) -> String {
    let known: Vec<String> = plan
        .dims
        .iter()
        .zip(now)
        .filter_map(|(d, v)| {
            v.as_ref().map(|v| if plan.dims.len() > 1 { format!("{} {v}", words::key(m, &d.key)) } else { v.clone() })
        })
        .collect();
    if known.is_empty() { String::new() } else { format!(" (the scenario has {})", known.join(", ")) }
}

/// The report. `model_of` gives the model of a candidate, for naming what
/// limits it.
/// `now` holds each varied key's value in the scenario as it stands.
/// `today` holds, with `now`, the scenario as it stands run, when it
/// gives figures the council observed.
pub fn build(
    plan: &Plan,
    out: &Outcome,
    model: &Model,
    today: (&[Option<String>], Option<&Aggregate>),
    model_of: &dyn Fn(&Candidate) -> Option<Model>,
) -> Doc {
    let (now, as_it_stands) = today;
    let name = &model.name;
    let focus = out.answer.or(out.closest).map(|i| &out.evaluated[i]);
    let mut answer = answer_section(plan, out, model, now, model_of);
    if let Some(which) = as_it_stands.and_then(|agg| report::today::missed_words(model, agg)) {
        answer.blocks.insert(
            0,
            Block::Sentences(vec![Sentence::plain(format!(
                "Read this answer with care: {name}, as it stands, does not reproduce {which} the council observed \
(caseflow run lists them), so the staffing it needs is measured from a start that is not where the council stands. {}",
                report::today::CALIBRATE_ADVICE
            ))]),
        );
    }
    let targets = targets_section(plan, out, focus);
    let candidates = candidates_section(plan, out, model);
    Doc {
        title: format!("{name}: staffing search"),
        meta: vec![
            model.description.clone(),
            format!(
                "Candidates are {name} with {} varied; all run on the same simulated futures (seed {}), so they differ only by what they change.",
                plan.dims.iter().map(|d| words::key(model, &d.key)).collect::<Vec<_>>().join(" and "),
                plan.seed
            ),
        ],
        sections: vec![answer, targets, candidates],
        reproduce: vec![
            ("scenario".into(), plan.scenario.to_string()),
            ("seed".into(), plan.seed.to_string()),
            ("replications".into(), format!("{} a candidate, {} to confirm", plan.coarse, plan.confirm)),
        ],
    }
}

/// The answer, or the closest candidate, what limits it, and how the search went.
fn answer_section(
    plan: &Plan,
    out: &Outcome,
    model: &Model,
    now: &[Option<String>],
    model_of: &dyn Fn(&Candidate) -> Option<Model>,
) -> Section {
    // The search says what it did in keys; the report, in words.
    let plain =
        |text: &str| plan.dims.iter().fold(text.to_string(), |t, d| t.replace(&d.key, &words::key(model, &d.key)));
    let mut answer = Section::new("headline", "Answer");
    let mut sentences = Vec::new();
    let focus = out.answer.or(out.closest).map(|i| &out.evaluated[i]);
    match (out.answer, focus) {
        (Some(_), Some(c)) => sentences.push(Sentence::plain(format!(
            "The smallest staffing that meets every target: {}{}. In {} simulated futures it meets {}. {}",
            values(plan, model, c),
            as_it_stands(plan, model, now),
            thousands(c.replications as f64),
            meeting(plan, c),
            cost_words(plan, out, model, c)
        ))),
        (None, Some(c)) => sentences.push(Sentence::plain(format!(
            "Nothing in the range meets every target{}. The closest is {}, which meets {}. {}",
            out.why_none.as_deref().map_or(String::new(), |why| format!(": {}", plain(why))),
            values(plan, model, c),
            meeting(plan, c),
            cost_words(plan, out, model, c)
        ))),
        _ => sentences.push(Sentence::plain(format!(
            "Nothing was evaluated: {}.",
            plain(out.why_none.as_deref().unwrap_or("no candidate"))
        ))),
    }
    if let Some(c) = focus {
        if let Some(m) = model_of(c) {
            let limits = report::limits(&m, &c.agg);
            let what = if out.answer.is_some() { "With it" } else { "What stops it" };
            for l in limits.iter().filter(|l| l.worst.is_some() || l.parts.len() > 1).take(3) {
                sentences.push(Sentence::plain(format!("{what}: {}", l.sentence)));
            }
        }
    }
    sentences.extend(levels_off(plan, out, model).map(Sentence::plain));
    sentences.push(Sentence::plain(format!(
        "Method: {}. {} candidates evaluated of the {} in the grid{}.",
        plain(&out.method),
        out.evaluated.len(),
        thousands(out.grid as f64),
        out.months.map_or(String::new(), |m| format!("; each simulated for the {m} months the targets read"))
    )));
    for w in &out.not_monotone {
        sentences.push(Sentence::plain(format!(
            "Not monotone: {}, so the smallest value found may not be the smallest that meets the targets; check the candidates below.",
            plain(w)
        )));
    }
    answer.push(Block::Sentences(sentences));
    answer
}

/// Each target, and how the answer (or the closest) does against it.
fn targets_section(plan: &Plan, out: &Outcome, focus: Option<&Candidate>) -> Section {
    let mut targets = Section::new("targets", "Targets");
    let mut rows = Vec::new();
    for (t, target) in plan.targets.iter().enumerate() {
        let mut row = vec![target.text.clone(), target.goal(), Unit::Probability.show(target.probability)];
        if let Some(c) = focus {
            row.push(Unit::Probability.show(c.probability(t)));
            row.push(target.unit.band(&Bands::of(&c.bands[t])));
        }
        rows.push(row);
    }
    let mut header = ["target as written", "meaning", "needed in this share of futures"].map(String::from).to_vec();
    if focus.is_some() {
        let who = if out.answer.is_some() { "the answer" } else { "the closest" };
        header.push(format!("met by {who}"));
        header.push(format!("{who}: P50 (P10-P90)"));
    }
    targets.push(Block::Table(Table { title: String::new(), header, rows }));
    targets
}

/// Every candidate evaluated, in order of the values varied.
fn candidates_section(plan: &Plan, out: &Outcome, model: &Model) -> Section {
    let mut candidates = Section::new("candidates", "Candidates evaluated");
    let mut header: Vec<String> = plan.dims.iter().map(|d| words::key(model, &d.key)).collect();
    header.push("replications".into());
    header.extend(plan.targets.iter().map(|t| format!("met: {}", t.goal())));
    header.push("meets all".into());
    header.push("cost a year P50 (P10-P90)".into());
    let role = role_searched(plan, model);
    if let Some(r) = role {
        header.push(format!("{} cost a year", model.roles[r].label));
    }
    if out.baseline.is_some() {
        header.push("change in cost a year, against the scenario as it stands".into());
    }
    let mut order: Vec<usize> = (0..out.evaluated.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&out.evaluated[a], &out.evaluated[b]);
        x.values.partial_cmp(&y.values).unwrap_or(std::cmp::Ordering::Equal).then(x.replications.cmp(&y.replications))
    });
    let rows = order
        .iter()
        .map(|&i| {
            let c = &out.evaluated[i];
            let mut row: Vec<String> = c.values.iter().map(|v| words::number(*v)).collect();
            row.push(thousands(c.replications as f64));
            row.extend((0..plan.targets.len()).map(|t| Unit::Probability.show(c.probability(t))));
            row.push(if c.meets_all(&plan.targets, false) { "yes".into() } else { "no".into() });
            row.push(Unit::Money.band(&Bands::of(&c.cost)));
            let k = costs(plan, out, model, c);
            if role.is_some() {
                row.push(k.role.map_or("-".into(), |b| Unit::Money.band(&b)));
            }
            if out.baseline.is_some() {
                row.push(k.change.map_or("-".into(), |b| Unit::Money.band_diff(&b)));
            }
            row
        })
        .collect();
    candidates.push(Block::Table(Table { title: String::new(), header, rows }));
    candidates.push(Block::Chart(frontier(plan, out, model)));
    candidates
}

/// Cost a year against the share of futures meeting the hardest service
/// target, one point a candidate (the best-replicated evaluation of each).
fn frontier(plan: &Plan, out: &Outcome, m: &Model) -> Chart {
    let mut best: Vec<&Candidate> = Vec::new();
    for c in &out.evaluated {
        match best.iter_mut().find(|b| b.values == c.values) {
            Some(b) if b.replications < c.replications => *b = c,
            Some(_) => {}
            None => best.push(c),
        }
    }
    best.sort_by(|a, b| a.cost.quantile(0.5).total_cmp(&b.cost.quantile(0.5)));
    let service: Vec<usize> = (0..plan.targets.len()).filter(|&t| !is_budget(&plan.targets[t])).collect();
    let attain = |c: &Candidate| service.iter().map(|&t| c.probability(t)).fold(1.0, f64::min);
    let x: Vec<f64> = best.iter().map(|c| c.cost.quantile(0.5)).collect();
    let y: Vec<f64> = best.iter().map(|c| 100.0 * attain(c)).collect();
    let mut panel =
        Panel::new("", vec![Series { label: "a candidate".into(), x, p10: y.clone(), p50: y.clone(), p90: y }]);
    panel.ticks =
        best.iter().map(|c| c.values.iter().map(|v| words::number(*v)).collect::<Vec<_>>().join("/")).collect();
    let needed = service.iter().map(|&t| plan.targets[t].probability).fold(0.0, f64::max);
    panel.marker = Some(Marker::at("probability needed", 100.0 * needed));
    Chart {
        id: "frontier".into(),
        legend: "lower",
        from_zero: true,
        title: "Cost against attainment".into(),
        caption: format!(
            "Each point is a candidate, labelled by its {}: its cost a year (P50) against the share of simulated futures in which it meets the hardest of the service targets.",
            plan.dims.iter().map(|d| words::key(m, &d.key)).collect::<Vec<_>>().join("/")
        ),
        kind: ChartKind::Scatter,
        x_label: "cost a year (£, P50)".into(),
        y_label: "% of futures meeting the targets".into(),
        x_ticks: Vec::new(),
        x_marks: Vec::new(),
        panels: vec![panel],
    }
}

/// The candidates as numbers, one row each, for `candidates.csv` and the
/// workbook: the varied keys (as written), replications, the share of
/// futures meeting each target (0-1), whether all are met (1 or 0), and
/// costs a year (P10, P50, P90), the role searched's and the change.
pub struct Numbers {
    pub header: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

pub fn numbers(plan: &Plan, out: &Outcome, model: &Model) -> Numbers {
    let mut header: Vec<String> = plan.dims.iter().map(|d| d.key.clone()).collect();
    header.push("replications".into());
    header.extend(plan.targets.iter().map(|t| format!("probability_met: {}", t.text)));
    header.push("meets_all".into());
    let band = ["p10", "p50", "p90"];
    header.extend(band.iter().map(|q| format!("cost_a_year_{q}")));
    let role = role_searched(plan, model);
    if role.is_some() {
        header.extend(band.iter().map(|q| format!("role_cost_a_year_{q}")));
    }
    if out.baseline.is_some() {
        header.extend(band.iter().map(|q| format!("change_in_cost_a_year_{q}")));
    }
    let spread = |b: Option<Bands>| b.map_or([f64::NAN; 3], |b| [b.p10, b.p50, b.p90]);
    let rows = out
        .evaluated
        .iter()
        .map(|c| {
            let mut row = c.values.clone();
            row.push(c.replications as f64);
            row.extend((0..plan.targets.len()).map(|t| c.probability(t)));
            row.push(if c.meets_all(&plan.targets, false) { 1.0 } else { 0.0 });
            row.extend(spread(Some(Bands::of(&c.cost))));
            let k = costs(plan, out, model, c);
            if role.is_some() {
                row.extend(spread(k.role));
            }
            if out.baseline.is_some() {
                row.extend(spread(k.change));
            }
            row
        })
        .collect();
    Numbers { header, rows }
}
