//! "What limits the work": for each request (and each flow with a
//! deadline that is not a stage of one), where its days go, stage by
//! stage, waiting or in progress; how busy the people each stage waits
//! for are; and, in a sentence, which queue holds it up.

use super::ReportInput;
use crate::format::Unit;
use crate::model::{DolsPolicy, Model, RoleKind, WorkKind};
use crate::results::{FlowKpi, FlowMetric, RequestKpi, RoleKpi};
use crate::stats::{Aggregate, Bands};
use crate::summary::doc::{Block, Chart, ChartKind, Panel, Section, Sentence, Series, Table};

/// A resource counts as full from this use of its time.
const FULL_PCT: f64 = 95.0;
/// A queue that takes less than this share of the days holds nothing up.
const MINOR_WAIT: f64 = 0.2;

/// One stage of a request (or a flow on its own): the days waiting for
/// it and in progress, and who does it.
#[derive(Debug, Clone)]
pub struct StagePart {
    pub flow: usize,
    pub label: String,
    pub waiting_days: Bands,
    pub working_days: Bands,
    /// Mean number waiting for the stage over the horizon.
    pub queue: f64,
    /// The roles that do it, each with how much of the relevant time they
    /// use (%) and what that time is.
    pub resources: Vec<(String, f64, &'static str)>,
    /// Released to workers in batches every this many days, if so.
    pub batch_days: Option<f64>,
}

/// What limits a request or a flow.
#[derive(Debug, Clone)]
pub struct Limit {
    pub name: String,
    pub label: String,
    /// Days to decision (or to complete).
    pub days: Bands,
    pub parts: Vec<StagePart>,
    /// The stage whose queue takes the largest share of the days, if that
    /// share matters, and its share.
    pub worst: Option<(usize, f64)>,
    pub sentence: String,
}

impl Limit {
    /// Mean days of the stages' parts added up: the whole the shares are of.
    fn total(&self) -> f64 {
        self.parts.iter().map(|p| p.waiting_days.mean + p.working_days.mean).sum()
    }

    /// A part's share of the days, waiting (`true`) or in progress.
    pub fn share(&self, part: usize, waiting: bool) -> f64 {
        let p = &self.parts[part];
        let days = if waiting { p.waiting_days.mean } else { p.working_days.mean };
        let total = self.total();
        if total > 0.0 { days / total } else { 0.0 }
    }
}

/// How much of the time each role doing flow `f` can give to it is used:
/// for a fixed DoLS share, of the DoLS time; for bought-in capacity, of
/// the weekly cap; else of all casework hours.
fn resources(m: &Model, agg: &Aggregate, f: usize) -> Vec<(String, f64, &'static str)> {
    let dols = m.flows[f].kind == WorkKind::Dols;
    m.roles
        .iter()
        .enumerate()
        .filter(|(_, r)| r.skills.contains(&(f as u16)))
        .map(|(r, role)| {
            let k = |k: RoleKpi| agg.role_kpi(r, k).mean();
            let name = role.label.clone();
            match (role.kind.clone(), role.dols_policy) {
                (RoleKind::BoughtIn { .. }, _) => (name, k(RoleKpi::UtilisationPct), "of the weekly cap"),
                (RoleKind::Staff, DolsPolicy::FixedShare { .. }) if dols => {
                    let of = k(RoleKpi::HoursDolsSetAside);
                    let used = if of > 0.0 { 100.0 * k(RoleKpi::HoursDols) / of } else { f64::NAN };
                    (name, used, DOLS_TIME)
                }
                _ => (name, k(RoleKpi::UtilisationPct), "of hours"),
            }
        })
        .collect()
}

fn part(m: &Model, agg: &Aggregate, f: usize) -> StagePart {
    let np = m.periods.len().max(1);
    let queue =
        (0..m.periods.len()).map(|p| agg.flow_period(f, p, FlowMetric::WaitingMean).mean()).sum::<f64>() / np as f64;
    StagePart {
        flow: f,
        label: m.flows[f].label.clone(),
        waiting_days: Bands::of(agg.flow_kpi(f, FlowKpi::MeanWaitDays)),
        working_days: Bands::of(agg.flow_kpi(f, FlowKpi::MeanServiceDays)),
        queue,
        resources: resources(m, agg, f),
        batch_days: m.flows[f].batch_days,
    }
}

/// What limits each request, and each flow with a deadline that is not a
/// stage of one.
pub fn limits(m: &Model, agg: &Aggregate) -> Vec<Limit> {
    let mut out = Vec::new();
    for (r, request) in m.requests.iter().enumerate() {
        let parts = request.stages.iter().map(|&f| part(m, agg, f as usize)).collect();
        let days = Bands::of(agg.request_kpi(r, RequestKpi::MeanDaysToDecision));
        out.push(finish(request.name.clone(), request.label.clone(), days, parts, "to decision"));
    }
    for (f, flow) in m.flows.iter().enumerate() {
        if flow.stage_of.is_some() || flow.deadline_days.is_none() {
            continue;
        }
        let days = Bands::of(agg.flow_kpi(f, FlowKpi::MeanDaysToComplete));
        out.push(finish(flow.name.clone(), m.flow_title(f), days, vec![part(m, agg, f)], "to complete"));
    }
    out
}

/// A fixed DoLS share's hours, as the time a role's use is a share of.
const DOLS_TIME: &str = "of DoLS time";

fn use_words(resources: &[(String, f64, &'static str)]) -> String {
    let parts: Vec<String> = resources
        .iter()
        .map(|(name, used, of)| {
            // DoLS work may borrow next week's DoLS hours, which can take
            // the share used a little over the time set aside.
            let full = match *used {
                u if u > 100.0 && *of == DOLS_TIME => ", full, borrowing from weeks ahead",
                u if u >= FULL_PCT => ", full",
                _ => "",
            };
            format!("{name}: {} {of} used{full}", Unit::Pct.show(*used))
        })
        .collect();
    parts.join("; ")
}

fn finish(name: String, label: String, days: Bands, parts: Vec<StagePart>, to: &str) -> Limit {
    let mut limit = Limit { name, label, days, parts, worst: None, sentence: String::new() };
    let worst = (0..limit.parts.len())
        .map(|i| (i, limit.share(i, true)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|&(_, share)| share >= MINOR_WAIT);
    limit.worst = worst;
    let days = format!("{} days {to} on average", Unit::Days.show(limit.days.mean));
    if !limit.days.mean.is_finite() {
        let done = if to == "to decision" { "decided" } else { "completed" };
        limit.sentence = format!("No {} were {done}, so nothing can be said of what holds them up.", limit.label);
        return limit;
    }
    limit.sentence = match worst {
        Some((i, share)) => {
            let p = &limit.parts[i];
            let full = p.resources.iter().any(|r| r.1 >= FULL_PCT);
            // A flow of one stage waits for the people who do it, not for itself.
            let what = if p.label.eq_ignore_ascii_case(&limit.label) {
                "someone to take them".to_string()
            } else {
                p.label.clone()
            };
            format!(
                "{} wait longest for {}{}: {} of their {days} is spent waiting for it ({}){}.",
                sentence_case(&limit.label),
                what,
                p.batch_days.map_or(String::new(), |d| format!(", which is done in a batch every {d:.0} days")),
                Unit::Pct.show(100.0 * share),
                use_words(&p.resources),
                if full && p.batch_days.is_none() { "; more of that time would shorten the wait" } else { "" }
            )
        }
        None => {
            let (i, _) = (0..limit.parts.len())
                .map(|i| (i, limit.share(i, false)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap_or((0, 0.0));
            let p = &limit.parts[i];
            format!(
                "No queue holds {} up for long: most of their {days} is the work itself, {} in progress ({}).",
                limit.label,
                p.label,
                use_words(&p.resources)
            )
        }
    };
    limit
}

fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn section(cx: &ReportInput) -> Section {
    let mut s = Section::new("bottleneck", "What limits the work");
    let limits = limits(cx.m, cx.agg);
    if limits.is_empty() {
        return s;
    }
    s.push(Block::Sentences(limits.iter().map(|l| Sentence::plain(l.sentence.clone())).collect()));
    for l in limits.iter().filter(|l| l.parts.len() > 1 || l.worst.is_some()) {
        s.push(Block::Table(table(l)));
    }
    let staged: Vec<&Limit> = limits.iter().filter(|l| l.parts.len() > 1).collect();
    if !staged.is_empty() {
        s.push(Block::Chart(chart(&staged)));
    }
    s
}

fn table(l: &Limit) -> Table {
    let rows = l
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                p.label.clone(),
                use_words(&p.resources),
                Unit::Ratio.show(p.queue),
                Unit::Days.band(&p.waiting_days),
                Unit::Days.band(&p.working_days),
                Unit::Pct.show(100.0 * (l.share(i, true) + l.share(i, false))),
            ]
        })
        .collect();
    Table {
        title: format!("{}: where the days go", sentence_case(&l.label)),
        header: [
            "stage",
            "who does it, and how much of their time is used",
            "mean number waiting",
            "days waiting",
            "days in progress",
            "share of the days",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

fn chart(limits: &[&Limit]) -> Chart {
    let panels = limits
        .iter()
        .map(|l| {
            let n = l.parts.len();
            let layer = |label: &str, waiting: bool| {
                let mut s = Series::over(label, n, |i| {
                    let p = &l.parts[i];
                    if waiting { p.waiting_days } else { p.working_days }
                });
                // Stacked by the mean days, the figure the shares are of.
                s.p50 = (0..n)
                    .map(|i| if waiting { l.parts[i].waiting_days.mean } else { l.parts[i].working_days.mean })
                    .collect();
                s
            };
            let mut panel = Panel::new(&l.label, vec![layer("waiting", true), layer("in progress", false)]);
            // In an area's panel ("Ashby: urgent DoLS applications") its
            // stages need not say the area again.
            panel.ticks = l.parts.iter().map(|p| crate::model::within(&l.label, &p.label).to_string()).collect();
            panel
        })
        .collect();
    Chart {
        id: "bottleneck".into(),
        legend: "upper",
        from_zero: true,
        title: "Where the days go, stage by stage".into(),
        caption: "Mean days each request spends waiting for each stage (light) and with the stage in progress (dark), averaged over replications.".into(),
        kind: ChartKind::Stacked,
        x_label: "stage".into(),
        y_label: "days".into(),
        x_ticks: Vec::new(),
        x_marks: Vec::new(),
        panels,
    }
}
