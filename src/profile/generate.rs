//! A complete scenario from a checked profile: the profile's figures as
//! given, national defaults for the rest (each in `[[assumptions]]` with
//! its source), where the council stands as `[[observed]]`, and what
//! calibration should find as `[[calibrate]]`.

use super::Checked;
use super::defaults::{self as d, Default};
use super::people::{self, Flowing, Holders, Pool};
use super::ruling::Ruling;
use crate::format::thousands;

/// The scenario text and what it assumed, built a section at a time.
struct Out {
    text: String,
    assumed: Vec<(String, String)>,
    observed: Vec<String>,
    calibrate: Vec<String>,
}

impl Out {
    fn line(&mut self, s: impl AsRef<str>) {
        self.text.push_str(s.as_ref());
        self.text.push('\n');
    }

    /// `key = value  # source`, recording the key as assumed.
    fn assume(&mut self, table_key: &str, field: &str, value: String, source: &str) {
        self.line(format!("{field} = {value}  # {source}"));
        self.assumed.push((format!("{table_key}.{field}"), source.to_string()));
    }

    fn default(&mut self, table_key: &str, field: &str, def: Default) {
        self.assume(table_key, field, num(def.value), def.source);
    }

    /// `key = value  # profile` when the profile gives it, else the default.
    fn given_or(&mut self, table_key: &str, field: &str, given: Option<f64>, def: Default) {
        match given {
            Some(v) => self.line(format!("{field} = {}  # profile", num(v))),
            None => self.default(table_key, field, def),
        }
    }
}

/// A number as a scenario writes it.
fn num(v: f64) -> String {
    crate::model::tidy(v)
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A figure of the profile, or a default from it (marked).
enum Given {
    Profile(f64),
    Default(f64, String),
}

impl Given {
    fn value(&self) -> f64 {
        match self {
            Given::Profile(v) | Given::Default(v, _) => *v,
        }
    }
}

/// The council's figures that the generator needs, with defaults filled.
struct Figures {
    urgent: f64,
    standard: f64,
    renewals: Given,
    backlog: Given,
    over_a_year: f64,
    social_workers: f64,
    bias: f64,
    dols_team: f64,
    ccw: f64,
    ots: f64,
    managers: Given,
    independent: f64,
    /// The fee for one bought-in assessment, if the profile gives it.
    independent_fee: Option<f64>,
    /// The 2026 ruling, if the scenario is to have it.
    ruling: Option<Ruling>,
}

impl Figures {
    /// The DoLS work a BIA takes: the screening wave too, under the ruling.
    fn bia_skills(&self) -> &'static str {
        match self.ruling {
            Some(_) => "\"urgent_bia\", \"standard_bia\", \"reassessment\"",
            None => "\"urgent_bia\", \"standard_bia\"",
        }
    }
}

fn figures(c: &Checked) -> Figures {
    let (s, dl) = (&c.p.staff, &c.p.dols);
    let urgent = dl.urgent_requests.unwrap_or(0.0);
    let standard = dl.standard_requests.unwrap_or(0.0);
    let renewals = match dl.renewals {
        Some(r) => Given::Profile(r),
        None => Given::Default((standard * d::RENEWAL_SHARE.value).round(), d::RENEWAL_SHARE.source.into()),
    };
    let backlog = match dl.undecided {
        Some(u) => Given::Profile(u),
        None => {
            Given::Default(((urgent + standard) * d::BACKLOG_PER_YEAR.value).round(), d::BACKLOG_PER_YEAR.source.into())
        }
    };
    let over_a_year = match (dl.undecided_over_a_year, backlog.value()) {
        (Some(o), b) if b > 0.0 => o / b,
        _ => d::BACKLOG_OVER_A_YEAR.value,
    };
    let fte = |p: &Option<super::Posts>| p.and_then(|x| x.fte).unwrap_or(0.0);
    let social_workers = fte(&s.social_workers);
    let managers = match s.practice_managers.and_then(|x| x.fte) {
        Some(m) => Given::Profile(m),
        None => Given::Default(
            (social_workers / 8.0).max(1.0).round(),
            "ASSUMPTION: one practice manager to eight social workers signs DoLS off".into(),
        ),
    };
    Figures {
        urgent,
        standard,
        renewals,
        backlog,
        over_a_year,
        social_workers,
        bias: s.social_workers_who_are_bias.unwrap_or(0.0),
        dols_team: fte(&s.dols_team_bias),
        ccw: fte(&s.community_care_workers),
        ots: fte(&s.occupational_therapists),
        managers,
        independent: s.independent_bias_per_week.unwrap_or(0.0),
        independent_fee: s.independent_bia_fee,
        ruling: None,
    }
}

/// The scenario's name: the council's, and which ruling it has.
pub fn scenario_name(c: &Checked, ruling: Option<Ruling>) -> String {
    match ruling {
        Some(r) => format!("{}-ruling-{}", c.name, r.name()),
        None => c.name.clone(),
    }
}

/// The scenario for a checked profile read from `profile_file`.
pub fn scenario_text(c: &Checked, profile_file: &str) -> String {
    scenario_text_with(c, profile_file, None)
}

/// As `scenario_text`, with the Supreme Court's 2026 ruling if asked for.
pub fn scenario_text_with(c: &Checked, profile_file: &str, ruling: Option<Ruling>) -> String {
    let at = std::path::Path::new("scenarios").join(format!("{}.toml", scenario_name(c, ruling)));
    scenario_text_at(c, profile_file, ruling, &at)
}

/// As `scenario_text_with`, for a scenario written at `at`, which the
/// commands in its header name.
pub fn scenario_text_at(c: &Checked, profile_file: &str, ruling: Option<Ruling>, at: &std::path::Path) -> String {
    let f = Figures { ruling, ..figures(c) };
    let mut o = Out { text: String::new(), assumed: Vec::new(), observed: Vec::new(), calibrate: Vec::new() };
    let holders = people::holders(c, f.social_workers, f.bias, f.ccw, f.ots);
    header(&mut o, c, profile_file, ruling, at);
    health_check(&mut o, &holders, c.population);
    let pools = care_act(&mut o, c, &f, &holders);
    dols(&mut o, c, &f);
    roles(&mut o, c, &f);
    // The profile's figures are from before the ruling, which changes
    // the year they are set in: only the council as it stands checks
    // itself against them, and is calibrated to them.
    if ruling.is_none() {
        observed(&mut o, c, &f);
        caseloads_observed(&mut o, &holders, &pools);
        o.line("\n# ----- where the council stands (from its profile), for every run to check -----");
        for obs in std::mem::take(&mut o.observed) {
            o.line(obs);
        }
        o.line("\n# ----- what the profile cannot say: caseflow calibrate finds these -----");
        for cal in std::mem::take(&mut o.calibrate) {
            o.line(cal);
        }
    }
    o.line("\n# ----- values that are national defaults or guesses: check them -----");
    for (key, source) in std::mem::take(&mut o.assumed) {
        o.line(format!("\n[[assumptions]]\nkey = {}\nsource = {}", quoted(&key), quoted(&source)));
    }
    o.text
}

fn header(o: &mut Out, c: &Checked, profile_file: &str, ruling: Option<Ruling>, at: &std::path::Path) {
    let name = &scenario_name(c, ruling);
    let calibrated = at.with_file_name(format!("{name}-calibrated.toml"));
    o.line(format!("# {name}: {}'s adult social care and DoLS from {}, made by caseflow new", c.label, c.start));
    o.line(format!("# from the council profile {profile_file}."));
    o.line("#");
    match ruling {
        None => {
            o.line(format!("#   caseflow calibrate {}    (finds what the profile cannot say)", at.display()));
            o.line(format!("#   caseflow run {}", calibrated.display()));
        }
        Some(_) => {
            o.line(format!("#   caseflow run {}", at.display()));
            o.line("#");
            let day = crate::format::long_date(Ruling::date());
            o.line(format!("# The profile's figures describe the year before the ruling of {day},"));
            o.line("# which changes the year they would be checked in, so this scenario neither checks");
            o.line(format!("# itself against them nor is calibrated to them: {}.toml, made without", c.name));
            o.line("# --ruling, does both for the council as it stands.");
        }
    }
    o.line("#");
    o.line("# Every figure the profile gives is used as given. Every other value is a");
    o.line("# national default with its source (FACTS: ../shared/FACTS.md; ASSUMPTION: no");
    o.line("# national figure), listed under [[assumptions]] at the end, which every report");
    o.line("# shows as assumptions to check.");
    if ruling.is_none() {
        o.line("# [[observed]] is where the council stands; every run checks itself against it.");
        o.line("# [[calibrate]] names what calibration finds.");
    }
    o.line("\n[scenario]");
    o.line(format!("name = {}", quoted(name)));
    o.line(format!(
        "description = {}",
        quoted(&format!(
            "{}: Care Act work and DoLS from {}, from its council profile{}",
            c.label,
            c.start,
            ruling.map_or(String::new(), |r| format!(
                ", with the Supreme Court ruling of {} ({} assumption)",
                Ruling::date(),
                r.name()
            ))
        ))
    ));
    o.line(format!("start = {}", c.start));
    o.line(format!("years = {}", num(c.years)));
    o.line("warmup_days = 0           # today's position is given below");
    o.line("period = \"month\"\ncalendar = \"working_week\"\nbank_holidays = true");
    o.line("\n[absence]");
    o.default("absence", "annual_leave_days", d::ANNUAL_LEAVE);
    o.line("leave_spell_days = 5");
    o.default("absence", "sickness_days", d::SICKNESS);
    o.line("sickness_spell_days = { dist = \"lognormal\", median = 2, p90 = 15 }");
    let b = &c.p.budget;
    if b.dols.is_some() || b.total.is_some() {
        o.line("\n[budget]                  # a year, from the profile");
        if let Some(v) = b.dols {
            o.line(format!("dols = {}", num(v)));
        }
        if let Some(v) = b.total {
            o.line(format!("total = {}", num(v)));
        }
    }
    o.line("\n[inflation]               # yearly increases from the second financial year");
    match b.pay_award {
        Some(v) => o.line(format!("pay = {}  # profile", num(v))),
        None => o.assume(
            "inflation",
            "pay",
            "0".into(),
            "ASSUMPTION: no pay award in the profile (budget.pay_award), so later years are costed at this year's pay",
        ),
    }
}

/// A Care Act flow: its rate and waiting list from the profile or per
/// head, with the Halton scenarios' effort and duration (assumptions).
struct CareFlow {
    name: &'static str,
    label: &'static str,
    priority: u32,
    /// Allocated from the one care management list, oldest first.
    one_list: bool,
    effort: (f64, f64),
    duration: (f64, f64),
    deadline: Option<f64>,
    per_year: (Option<f64>, Default),
    waiting: (Option<f64>, Option<Default>),
}

/// The priority of the one list needs assessments, carers' assessments and
/// reviews are allocated from, oldest first: a shortage of casework hours
/// then shows in each of their waiting lists, as councils report them.
/// (With reviews and carers' assessments below needs assessments, tried
/// on a 320,000-person profile, needs assessments never waited until
/// the other two were starved, and no casework share made the council's
/// needs assessment waiting list.)
const ONE_LIST: u32 = 4;

fn care_flows(c: &Checked, f: &Figures) -> Vec<CareFlow> {
    let ca = &c.p.care_act;
    let mut out = vec![
        CareFlow {
            name: "safeguarding",
            label: "safeguarding enquiries",
            priority: 1,
            one_list: false,
            effort: (6.0, 15.0),
            duration: (21.0, 45.0),
            deadline: Some(28.0),
            per_year: (ca.safeguarding_enquiries, d::SAFEGUARDING_PER_1000),
            waiting: (ca.safeguarding_enquiries_waiting, None),
        },
        CareFlow {
            name: "needs_assessment",
            label: "needs assessments",
            priority: ONE_LIST,
            one_list: true,
            effort: (4.0, 10.0),
            duration: (21.0, 50.0),
            deadline: Some(28.0),
            per_year: (ca.needs_assessments, d::NEEDS_PER_1000),
            waiting: (ca.needs_assessments_waiting, Some(d::WAITING_ASSESSMENT_PER_1000)),
        },
        CareFlow {
            name: "carers_assessment",
            label: "carers' assessments",
            priority: ONE_LIST,
            one_list: true,
            effort: (2.5, 5.0),
            duration: (14.0, 30.0),
            deadline: Some(28.0),
            per_year: (ca.carers_assessments, d::CARERS_PER_1000),
            waiting: (ca.carers_assessments_waiting, None),
        },
        CareFlow {
            name: "review",
            label: "reviews",
            priority: ONE_LIST,
            one_list: true,
            effort: (2.5, 6.0),
            duration: (14.0, 35.0),
            deadline: None,
            per_year: (ca.reviews, d::REVIEWS_PER_1000),
            waiting: (ca.reviews_waiting, Some(d::OVERDUE_REVIEWS_PER_1000)),
        },
    ];
    if f.ots > 0.0 {
        out.push(CareFlow {
            name: "ot_assessment",
            label: "OT assessments",
            priority: 4,
            one_list: false,
            effort: (5.0, 12.0),
            duration: (14.0, 35.0),
            deadline: Some(42.0),
            per_year: (ca.ot_assessments, d::OT_PER_FTE),
            waiting: (ca.ot_assessments_waiting, None),
        });
    }
    out
}

/// The safe caseloads, for `caseflow health-check`, when the profile has
/// `[caseloads]`.
fn health_check(o: &mut Out, holders: &[Holders], population: f64) {
    if holders.is_empty() {
        return;
    }
    o.line("\n# The principal social worker's health check (caseflow health-check): safe caseloads,");
    o.line("# people allocated per worker. Limits not given here are the national figures.");
    o.line("[health_check]");
    o.assume(
        "health_check",
        "over_threshold_pct",
        "{ green = 10, amber = 25 }".into(),
        "ASSUMPTION: green while a tenth of workers or fewer are above their safe caseload, as the shipped example",
    );
    let (green, amber, source) = waiting_limits(population);
    o.assume(
        "health_check",
        "people_waiting",
        format!("{{ green = {}, amber = {} }}", num(green), num(amber)),
        &source,
    );
    o.line("\n[health_check.caseload]");
    for h in holders {
        for role in &h.roles {
            match h.safe.1 {
                None => o.line(format!("{role} = {}  # profile", num(h.safe.0))),
                Some(def) => o.default("health_check.caseload", role, def),
            }
        }
    }
}

/// Limits for people waiting for allocation, sized to the council: green
/// up to England's level for its population (people waiting for an
/// assessment and reviews overdue), amber up to a quarter above it, as
/// the workforce rates are rated against the national ones. A fixed
/// number would rate a large council red for its size alone.
fn waiting_limits(population: f64) -> (f64, f64, String) {
    let per_1000 = d::WAITING_ASSESSMENT_PER_1000.value + d::OVERDUE_REVIEWS_PER_1000.value;
    let green = (per_1000 * population / 1000.0).round().max(1.0);
    let amber = (1.25 * green).round();
    let source = format!(
        "FACTS: England's level for {} people, {} a 1,000 waiting for an assessment or a review (ADASS, April 2022: 294,449 and 210,106); amber up to a quarter above it",
        thousands(population),
        num(per_1000)
    );
    (green, amber, source)
}

/// Today's people allocated per worker, where the profile gives them, and
/// how long people stay allocated, which calibration finds from them. The
/// groups of a pool are observed together: one value (the days) cannot
/// make two groups' caseloads, and how the model shares work between
/// social workers and community care workers is its own.
fn caseloads_observed(o: &mut Out, holders: &[Holders], pools: &[Pool]) {
    for p in pools.iter().filter(|p| p.observed) {
        let given: Vec<&Holders> = holders.iter().filter(|h| h.people_given() && p.holds(h)).collect();
        let roles: Vec<String> = given.iter().flat_map(|h| h.roles.iter().map(|r| quoted(r))).collect();
        let of = if roles.len() == 1 { roles[0].clone() } else { format!("[{}]", roles.join(", ")) };
        let in_post: f64 = given.iter().map(|h| h.in_post).sum();
        let value = given.iter().map(|h| h.people.0 * h.in_post).sum::<f64>() / in_post;
        let each: Vec<String> = given
            .iter()
            .map(|h| format!("{} per {}", num(h.people.0), h.key.trim_end_matches('s').replace('_', " ")))
            .collect();
        let source = if given.len() > 1 {
            format!(
                "profile: people allocated per worker today ({}), together; taken to stay steady; within one person",
                each.join(", ")
            )
        } else {
            "profile: people allocated per worker today, taken to stay steady; within one person".to_string()
        };
        o.observed.push(format!(
            "{}\ntolerance = 1",
            observation(&of, "people_allocated", (value * 10.0).round() / 10.0, &source)
        ));
        let keys: Vec<String> = p.flows.iter().map(|f| format!("\"flows.{f}.keep_allocated.days.mean\"")).collect();
        let what = if p.flows == people::OT_FLOWS { "an OT assessment" } else { "care management work" };
        o.calibrate.push(format!(
            "\n[[calibrate]]\nset = [{}]\nrange = [1, {}]\nlabel = \"mean days people stay allocated after {what}\"\nlast = true  # moves caseloads only: found on its own, last",
            keys.join(", "),
            num((3.0 * p.days + 30.0).round())
        ));
    }
}

/// A Care Act flow's requests a year (and whether the profile gave them)
/// and its work in hand at the start: a year's rate over the time each
/// piece takes.
fn rate_of(c: &Checked, f: &Figures, flow: &CareFlow) -> (f64, bool, f64) {
    let (per_year, given) = match flow.per_year.0 {
        Some(v) => (v, true),
        None => {
            let per = if flow.name == "ot_assessment" { f.ots } else { c.population / 1000.0 };
            ((flow.per_year.1.value * per).round(), false)
        }
    };
    (per_year, given, (per_year * flow.duration.0 * 1.3 / 365.0).round())
}

/// The Care Act flows, and the pools of people who stay allocated after
/// them (none without `[caseloads]`).
fn care_act(o: &mut Out, c: &Checked, f: &Figures, holders: &[Holders]) -> Vec<Pool> {
    o.line("\n# ----- the Care Act pathway: rates a year and waiting lists from the profile -----");
    o.line("# (effort and durations: ASSUMPTION, as the Halton scenarios)");
    o.line("# Needs assessments, carers' assessments and reviews are allocated from one list,");
    o.line("# oldest first (one priority): a shortage of casework hours shows in each waiting list.");
    let flows: Vec<(CareFlow, (f64, bool, f64))> = care_flows(c, f)
        .into_iter()
        .map(|flow| {
            let rate = rate_of(c, f, &flow);
            (flow, rate)
        })
        .collect();
    let flowing: Vec<Flowing> =
        flows.iter().map(|(fl, r)| Flowing { name: fl.name, per_year: r.0, in_service: r.2 }).collect();
    let pools = people::pools(holders, &flowing);
    if !pools.is_empty() {
        o.line("# People stay allocated to their worker after the work (caseloads for the health check).");
    }
    for (flow, (per_year, given, in_service)) in flows {
        care_flow(o, c, &flow, (per_year, given, in_service), pools.iter().find(|p| p.flows.contains(&flow.name)));
    }
    pools
}

fn care_flow(o: &mut Out, c: &Checked, flow: &CareFlow, rate: (f64, bool, f64), pool: Option<&Pool>) {
    let (per_year, given, in_service) = rate;
    let key = format!("flows.{}", flow.name);
    o.line(format!("\n[[flows]]\nname = \"{}\"\nlabel = \"{}\"\npriority = {}", flow.name, flow.label, flow.priority));
    if flow.deadline.is_some() && !flow.one_list {
        o.line("order = \"deadline\"");
    }
    o.line(format!(
        "effort_hours = {{ dist = \"lognormal\", median = {}, p90 = {} }}  # ASSUMPTION",
        num(flow.effort.0),
        num(flow.effort.1)
    ));
    o.assumed.push((format!("{key}.effort_hours"), "ASSUMPTION: as the Halton scenarios".into()));
    o.line(format!(
        "duration_days = {{ dist = \"lognormal\", median = {}, p90 = {} }}  # ASSUMPTION",
        num(flow.duration.0),
        num(flow.duration.1)
    ));
    if let Some(dl) = flow.deadline {
        o.line(format!("deadline_days = {}  # ASSUMPTION: a local standard", num(dl)));
    }
    if given {
        o.line(format!("arrivals = {{ per_year = {} }}  # profile", num(per_year)));
    } else {
        o.assume(&key, "arrivals", format!("{{ per_year = {} }}", num(per_year)), flow.per_year.1.source);
    }
    let waiting = match flow.waiting {
        (Some(w), _) => w,
        (None, Some(def)) => (def.value * c.population / 1000.0).round(),
        (None, None) => 0.0,
    };
    let allocated = pool.map_or(String::new(), |p| format!(", allocated = {}", num(p.allocated(per_year))));
    o.line(format!(
        "initial = {{ waiting = {}, waiting_age_days = {{ dist = \"uniform\", min = 0, max = 60 }}, in_service = {}{allocated} }}",
        num(waiting),
        num(in_service)
    ));
    if flow.waiting.0.is_none() && flow.waiting.1.is_some() {
        o.assumed.push((
            format!("{key}.initial"),
            format!("waiting list per head: {}", flow.waiting.1.map_or("", |d| d.source)),
        ));
    }
    if let Some(p) = pool {
        o.line("people = true");
        o.line(format!(
            "keep_allocated = {{ share = 1, days = {{ dist = \"exponential\", mean = {} }}, hours_per_week = 0 }}  # {}",
            num(p.days),
            KEEP_SOURCE
        ));
        o.assumed.push((format!("{key}.keep_allocated"), KEEP_SOURCE.into()));
    }
}

/// Why people stay allocated as they do, beside each flow that keeps them.
const KEEP_SOURCE: &str =
    "ASSUMPTION: every person stays allocated, their hours within the casework share; days from today's caseload";

fn dols(o: &mut Out, c: &Checked, f: &Figures) {
    let _ = c;
    o.line("\n# ----- DoLS: urgent and standard requests, each one unit through a best interests");
    o.line("# assessment, a mental health assessment and sign-off -----");
    o.line("\n[[stocks]]\nname = \"hospital_or_care_home\"    # where people with urgent requests are");
    o.default("stocks.hospital_or_care_home", "leave_rate_per_year", d::HOSPITAL_LEAVING);
    o.line("\n[[stocks]]\nname = \"care_home\"");
    o.default("stocks.care_home", "leave_rate_per_year", d::CARE_HOME_LEAVING);
    o.line("\n[[requests]]\nname = \"urgent_dols\"\nlabel = \"urgent DoLS requests\"\nstages = [\"urgent_bia\", \"urgent_mha\", \"urgent_signoff\"]");
    o.line("\n[[requests]]\nname = \"standard_dols\"\nlabel = \"standard DoLS requests\"\nstages = [\"standard_bia\", \"standard_mha\", \"standard_signoff\"]");
    let backlog = f.backlog.value();
    let standard_backlog = (backlog * d::BACKLOG_STANDARD.value).round();
    let urgent_backlog = backlog - standard_backlog;
    if let Given::Default(_, source) = &f.backlog {
        o.assumed.push(("flows.standard_bia.initial".into(), format!("backlog not given: {source}")));
    }
    o.assumed.push((
        "flows.urgent_bia.initial".into(),
        format!("share of the backlog that is urgent: {}", d::BACKLOG_STANDARD.source),
    ));
    let effort = format!("{{ dist = \"gamma\", mean = {}, cv = 0.4 }}", num(d::BIA_HOURS.value));
    urgent_flows(o, f, urgent_backlog, &effort);
    standard_flows(o, f, standard_backlog, effort);
    if let Some(r) = f.ruling {
        o.line(r.toml());
    }
}

/// The stages of an urgent request: assessment within 7 days (14 extended),
/// mental health assessment, sign-off; some go on to a standard request.
fn urgent_flows(o: &mut Out, f: &Figures, backlog: f64, effort: &str) {
    o.line("\n[[flows]]\nname = \"urgent_bia\"\nlabel = \"best interests assessment\"\npriority = 2\norder = \"deadline\"\nkind = \"dols\"");
    o.line("stock = \"hospital_or_care_home\"\ndeprivation = true\ndeadline_days = 7\nextension_days = 7    # an urgent authorisation may be extended once by 7 days");
    o.assume(
        "flows.urgent_bia",
        "triage",
        "[0.3, 0.7]".into(),
        "ASSUMPTION: 30% screened high priority (people likely to stay)",
    );
    o.assume("flows.urgent_bia", "effort_hours", effort.to_string(), d::BIA_HOURS.source);
    o.line("duration_days = { dist = \"uniform\", min = 1, max = 5 }  # ASSUMPTION");
    o.line(format!("arrivals = {{ per_year = {} }}  # profile", num(f.urgent)));
    o.line(format!(
        "initial = {{ waiting = {}, waiting_age_days = {{ dist = \"uniform\", min = 0, max = 60 }} }}",
        num(backlog)
    ));
    o.line("\n[[flows]]\nname = \"urgent_mha\"\nlabel = \"mental health assessment\"\npriority = 2");
    o.line("effort_hours = { dist = \"fixed\", value = 1 }\nduration_days = { dist = \"uniform\", min = 0.5, max = 3 }  # ASSUMPTION");
    o.line("\n[[flows]]\nname = \"urgent_signoff\"\nlabel = \"sign-off\"\npriority = 2");
    o.line("effort_hours = { dist = \"uniform\", min = 0.25, max = 1 }  # ASSUMPTION\nduration_days = { dist = \"fixed\", value = 0.5 }");
    o.assume(
        "flows.urgent_signoff",
        "routes",
        format!(
            "[{{ to = \"standard_bia\", probability = {}, delay_days = {{ dist = \"triangular\", min = 69, mode = 344, max = 344 }} }}]",
            num(d::URGENT_THEN_STANDARD.value)
        ),
        d::URGENT_THEN_STANDARD.source,
    );
}

/// The stages of a standard request, with the backlog and the
/// authorisations in force that come up for renewal.
fn standard_flows(o: &mut Out, f: &Figures, backlog: f64, effort: String) {
    let renewals = f.renewals.value();
    let new_standard = (f.standard - renewals).max(0.0);
    let age_max = if f.over_a_year < 0.99 { 365.0 / (1.0 - f.over_a_year) } else { 3650.0 };
    let in_force = (renewals * d::AUTHORISATION_DAYS.value / 365.0).round();
    o.line("\n[[flows]]\nname = \"standard_bia\"\nlabel = \"best interests assessment\"\npriority = 2\norder = \"deadline\"\nkind = \"dols\"");
    o.line("stock = \"care_home\"\ndeprivation = true\ndeadline_days = 21");
    o.assume(
        "flows.standard_bia",
        "triage",
        "[0.2, 0.4, 0.4]".into(),
        "ASSUMPTION: high, medium and low priority (the ADASS screening tool); calibrated",
    );
    o.assume("flows.standard_bia", "effort_hours", effort, d::BIA_HOURS.source);
    o.line("duration_days = { dist = \"uniform\", min = 3, max = 10 }  # ASSUMPTION");
    match &f.renewals {
        Given::Profile(_) => o.line(format!(
            "arrivals = {{ per_year = {} }}  # profile: standard requests less renewals",
            num(new_standard)
        )),
        Given::Default(_, source) => o.assume(
            "flows.standard_bia",
            "arrivals",
            format!("{{ per_year = {} }}", num(new_standard)),
            &format!("standard requests less renewals; renewals not given: {source}"),
        ),
    }
    o.line(format!(
        "initial = {{ waiting = {}, waiting_age_days = {{ dist = \"uniform\", min = 0, max = {} }}, scheduled = {}, scheduled_over_days = 300 }}",
        num(backlog),
        num(age_max.round()),
        num(in_force)
    ));
    o.line(format!(
        "# the backlog's ages: {}% over a year (those past 21 days are medium or low priority: high ones are taken first); {in_force} authorisations in force, renewed as they end",
        num(100.0 * f.over_a_year)
    ));
    o.line("\n[[flows]]\nname = \"standard_mha\"\nlabel = \"mental health assessment\"\npriority = 3");
    o.line("effort_hours = { dist = \"fixed\", value = 1 }\nduration_days = { dist = \"uniform\", min = 0.5, max = 5 }  # ASSUMPTION");
    o.line("\n[[flows]]\nname = \"standard_signoff\"\nlabel = \"sign-off\"\npriority = 3");
    o.line("effort_hours = { dist = \"uniform\", min = 0.25, max = 1 }  # ASSUMPTION\nduration_days = { dist = \"fixed\", value = 0.5 }");
    o.line("batch_days = 3.5  # ASSUMPTION: signed off twice a week");
    o.assume(
        "flows.standard_signoff",
        "routes",
        format!(
            "[{{ to = \"standard_bia\", probability = {}, delay_days = {{ dist = \"triangular\", min = 69, mode = 344, max = 344 }} }}]",
            num(d::GRANTED.value)
        ),
        &format!("granted: {}; the authorisation lasts 90-365 days (mean 252; {}), and a renewal is requested 21 days before it ends", d::GRANTED.source, d::AUTHORISATION_DAYS.source),
    );
}

/// A staff role's posts: FTE in post plus vacancies, with agency cover,
/// and their pay.
fn posts(o: &mut Out, key: &str, p: Option<super::Posts>, fte: f64, s: &super::Staff, salary: Default) {
    let vacant = p.and_then(|x| x.vacancies).unwrap_or(0.0);
    o.line(format!(
        "fte = {}  # profile: {} in post{}",
        num(fte + vacant),
        num(fte),
        if vacant > 0.0 { format!(" and {} vacant", num(vacant)) } else { String::new() }
    ));
    if vacant > 0.0 {
        o.line(format!("vacancies = {}", num(vacant)));
    }
    o.default(key, "hours_per_week", d::HOURS_PER_WEEK);
    o.given_or(key, "turnover_per_year", s.turnover, d::TURNOVER);
    assume_recruitment(o, key);
    let agency = p.and_then(|x| x.agency).unwrap_or(0.0);
    if agency > 0.0 {
        o.assume(
            key,
            "agency",
            format!(
                "{{ after_days = {}, day_rate = {} }}",
                num(d::AGENCY_AFTER_DAYS.value),
                num(d::AGENCY_DAY_RATE.value)
            ),
            &format!(
                "ASSUMPTION: agency covers each vacant post after 42 days at £300 a day (the profile has {} FTE of \
agency staff; the model covers every vacancy, not that number)",
                num(agency)
            ),
        );
    }
    pay(o, key, p.and_then(|x| x.salary), s, salary);
}

/// A role's salary and on-costs, from the profile where it gives them.
fn pay(o: &mut Out, key: &str, salary: Option<f64>, s: &super::Staff, def: Default) {
    o.given_or(key, "salary", salary, def);
    o.given_or(key, "on_costs", s.on_costs, d::ON_COSTS);
}

/// The national default time to fill a post, with its spread.
fn assume_recruitment(o: &mut Out, key: &str) {
    o.assume(
        key,
        "recruitment_days",
        format!(
            "{{ dist = \"lognormal\", median = {}, p90 = {} }}",
            num(d::RECRUITMENT_DAYS.value),
            num(2.0 * d::RECRUITMENT_DAYS.value)
        ),
        d::RECRUITMENT_DAYS.source,
    );
}

fn roles(o: &mut Out, c: &Checked, f: &Figures) {
    let s = &c.p.staff;
    o.line("\n# ----- the workforce: staff in post and vacancies from the profile -----");
    let care = "\"safeguarding\", \"needs_assessment\", \"review\"";
    let carers = if f.ccw > 0.0 { "" } else { ", \"carers_assessment\"" };
    let plain_sw = f.social_workers - f.bias;
    if plain_sw > 0.0 || f.bias == 0.0 {
        o.line("\n[[roles]]\nname = \"social_worker\"\nlabel = \"social workers\"");
        posts(o, "roles.social_worker", s.social_workers, plain_sw.max(0.0), s, d::SALARY_SOCIAL_WORKER);
        o.default("roles.social_worker", "casework_share", d::CASEWORK_SHARE);
        o.default("roles.social_worker", "caseload_cap", d::CAP_SOCIAL_WORKER);
        o.line(format!("skills = [{care}{carers}]"));
    }
    if f.bias > 0.0 {
        bia_role(o, c, f, &format!("{care}{carers}"));
    }
    if f.dols_team > 0.0 {
        o.line("\n[[roles]]\nname = \"dols_bia\"\nlabel = \"DoLS team BIAs\"");
        posts(o, "roles.dols_bia", s.dols_team_bias, f.dols_team, s, d::SALARY_BIA);
        o.default("roles.dols_bia", "casework_share", d::DOLS_TEAM_CASEWORK);
        o.line("caseload_cap = 12  # ASSUMPTION");
        o.line(format!("skills = [{}]", f.bia_skills()));
    }
    if f.ccw > 0.0 {
        o.line("\n[[roles]]\nname = \"community_care_worker\"\nlabel = \"community care workers\"");
        posts(o, "roles.community_care_worker", s.community_care_workers, f.ccw, s, d::SALARY_CCW);
        o.default("roles.community_care_worker", "casework_share", d::CASEWORK_SHARE);
        o.default("roles.community_care_worker", "caseload_cap", d::CAP_CCW);
        o.line("skills = [\"needs_assessment\", \"carers_assessment\", \"review\"]");
    }
    if f.ots > 0.0 {
        o.line("\n[[roles]]\nname = \"occupational_therapist\"\nlabel = \"occupational therapists\"");
        posts(o, "roles.occupational_therapist", s.occupational_therapists, f.ots, s, d::SALARY_OT);
        o.default("roles.occupational_therapist", "casework_share", d::CASEWORK_SHARE);
        o.default("roles.occupational_therapist", "caseload_cap", d::CAP_OT);
        o.line("skills = [\"ot_assessment\"]");
    }
    o.line("\n[[roles]]\nname = \"practice_manager\"\nlabel = \"practice managers (signing DoLS off)\"");
    match &f.managers {
        Given::Profile(m) => posts(o, "roles.practice_manager", s.practice_managers, *m, s, d::SALARY_MANAGER),
        Given::Default(m, source) => {
            o.assume("roles.practice_manager", "fte", num(*m), source);
            o.default("roles.practice_manager", "hours_per_week", d::HOURS_PER_WEEK);
            pay(o, "roles.practice_manager", s.practice_managers.and_then(|x| x.salary), s, d::SALARY_MANAGER);
        }
    }
    signoff_share(o, f);
    o.line("caseload_cap = 40");
    o.line("skills = [\"urgent_signoff\", \"standard_signoff\"]");
    bought_in_roles(o, f);
}

/// Social workers who are also BIAs: casework and DoLS, the share of
/// the week each gets as the profile says or a default.
fn bia_role(o: &mut Out, c: &Checked, f: &Figures, skills: &str) {
    let s = &c.p.staff;
    o.line("\n[[roles]]\nname = \"social_worker_bia\"\nlabel = \"social workers who are also BIAs\"");
    o.line(format!("fte = {}  # profile", num(f.bias)));
    o.default("roles.social_worker_bia", "hours_per_week", d::HOURS_PER_WEEK);
    o.default("roles.social_worker_bia", "casework_share", d::CASEWORK_SHARE);
    o.default("roles.social_worker_bia", "caseload_cap", d::CAP_SOCIAL_WORKER);
    pay(o, "roles.social_worker_bia", s.social_workers.and_then(|x| x.salary), s, d::SALARY_SOCIAL_WORKER);
    o.given_or("roles.social_worker_bia", "turnover_per_year", s.turnover, d::TURNOVER);
    assume_recruitment(o, "roles.social_worker_bia");
    let policy = s.bia_dols_time.clone().unwrap_or_else(|| "fixed_share".into());
    o.line(format!(
        "dols_policy = \"{policy}\"  # {}",
        if s.bia_dols_time.is_some() { "profile" } else { "ASSUMPTION: a share of the week" }
    ));
    if policy == "fixed_share" {
        match s.bia_dols_share {
            Some(v) => o.line(format!(
                "dols_share = {}  # profile (calibration finds the share they give in practice)",
                num(v)
            )),
            None => o.default("roles.social_worker_bia", "dols_share", d::BIA_DOLS_SHARE),
        }
    }
    o.line(format!("skills = [{skills}, {}]", f.bia_skills()));
}

/// Bought-in assessments: independent BIAs if the profile uses them, and
/// s12 doctors, never the constraint.
fn bought_in_roles(o: &mut Out, f: &Figures) {
    if f.independent > 0.0 {
        o.line("\n[[roles]]\nname = \"independent_bia\"\nlabel = \"independent BIAs\"\nkind = \"bought_in\"");
        o.line(format!("per_week = {}  # profile", num(f.independent)));
        o.given_or("roles.independent_bia", "fee", f.independent_fee, d::INDEPENDENT_BIA_FEE);
        // Bought in for assessments, not for the screening wave.
        o.line("skills = [\"urgent_bia\", \"standard_bia\"]");
    }
    o.line("\n[[roles]]\nname = \"s12_doctor\"\nlabel = \"s12 doctors\"\nkind = \"bought_in\"");
    let per_week = ((f.urgent + f.standard) / 52.0 * 1.5).ceil().max(5.0);
    o.assume(
        "roles.s12_doctor",
        "per_week",
        num(per_week),
        "ASSUMPTION: half as many again as requests need, so never the constraint",
    );
    o.default("roles.s12_doctor", "fee", d::S12_FEE);
    o.line("skills = [\"urgent_mha\", \"standard_mha\"]");
}

/// Hours a sign-off takes on average (the sign-off flows' 0.25-1 hours).
const SIGNOFF_HOURS: f64 = 0.625;
/// Working hours a full-time post gives in a year, after leave and sickness.
const HOURS_A_YEAR: f64 = 37.0 * 44.0;

/// The practice managers' share for signing DoLS off: the national default,
/// or, where the council's requests need more, enough to sign them off
/// twice over. No figure for it was found, and a default that made sign-off
/// the bottleneck would be an answer nobody measured.
fn signoff_share(o: &mut Out, f: &Figures) {
    let requests = f.urgent + f.standard; // renewals are among the standard requests
    let needed = 2.0 * requests * SIGNOFF_HOURS / (f.managers.value().max(1.0) * HOURS_A_YEAR);
    if needed <= d::MANAGER_CASEWORK.value {
        o.default("roles.practice_manager", "casework_share", d::MANAGER_CASEWORK);
        return;
    }
    let share = (needed * 100.0).ceil() / 100.0;
    let source = format!(
        "ASSUMPTION: enough to sign {} requests a year off twice over, at {SIGNOFF_HOURS} hours each (the national default, {}, would make sign-off the bottleneck)",
        thousands(requests),
        num(d::MANAGER_CASEWORK.value)
    );
    o.assume("roles.practice_manager", "casework_share", num(share.min(0.9)), &source);
}

/// One `[[observed]]` entry.
fn observation(of: &str, measure: &str, value: f64, source: &str) -> String {
    format!("\n[[observed]]\nof = {of}\nmeasure = \"{measure}\"\nvalue = {}\nsource = {}", num(value), quoted(source))
}

/// One `[[observed]]` entry with its own tolerance: `share` of the value,
/// but at least 10.
fn observation_within(of: &str, measure: &str, value: f64, source: &str, share: f64) -> String {
    format!("{}\ntolerance = {}", observation(of, measure, value, source), num((share * value).max(10.0)))
}

fn observed(o: &mut Out, c: &Checked, f: &Figures) {
    let dl = &c.p.dols;
    let all = "[\"urgent_dols\", \"standard_dols\"]";
    let given = "profile: last year";
    let national = |def: Default| format!("not in the profile; national default, {}", def.source);
    let received = f.urgent + f.standard;
    // Demand the model makes for itself (renewals, urgent requests
    // followed by standard ones) adds to what arrives new: every run
    // checks the sum against the council's own count.
    for (request, count) in [("urgent_dols", f.urgent), ("standard_dols", f.standard)] {
        let source = "profile: last year; within 10% (ASSUMPTION: a year's requests vary by about that)";
        o.observed.push(observation_within(&quoted(request), "received", count, source, 0.1));
    }
    o.observed.push(observation(
        "\"standard_dols\"",
        "within_deadline",
        dl.within_21_days.unwrap_or(d::WITHIN_21_DAYS.value),
        &dl.within_21_days.map_or_else(|| national(d::WITHIN_21_DAYS), |_| given.into()),
    ));
    let backlog_source = match &f.backlog {
        Given::Profile(_) => "profile: requests undecided today, taken to stay steady".to_string(),
        Given::Default(_, s) => format!("not in the profile; national default, {s}"),
    };
    o.observed.push(observation(all, "backlog", f.backlog.value(), &backlog_source));
    o.observed.push(observation(
        all,
        "mean_days",
        dl.mean_days.unwrap_or(d::MEAN_DAYS.value),
        &dl.mean_days.map_or_else(|| national(d::MEAN_DAYS), |_| given.into()),
    ));
    let completed = dl.completed.unwrap_or((received * 323_870.0 / 332_455.0).round());
    let completed_source = dl.completed.map_or_else(
        || "not in the profile; as England in 2023-24, 97.4% of a year's requests (FACTS)".to_string(),
        |_| given.into(),
    );
    o.observed.push(observation(all, "completed", completed, &completed_source));
    o.observed.push(observation(all, "closed_share", d::CLOSED_SHARE.value, &national(d::CLOSED_SHARE)));
    let ca = &c.p.care_act;
    waiting_on_one_list(o, c);
    for (flow, waiting) in [
        ("safeguarding", ca.safeguarding_enquiries_waiting),
        ("ot_assessment", ca.ot_assessments_waiting.filter(|_| f.ots > 0.0)),
    ] {
        if let Some(w) = waiting {
            o.observed.push(observation_within(&quoted(flow), "waiting", w, WAITING_TODAY, 0.15));
        }
    }
    calibrate(o, c, f);
}

const WAITING_TODAY: &str = "profile: waiting today, taken to stay steady";

/// Needs assessments, reviews and carers' assessments are allocated from
/// one list, oldest first, so the model splits whoever waits among them
/// in proportion to their requests. Two or more of their waiting lists
/// given are observed as one total, which the model can reproduce; each
/// on its own it could not (a council with many overdue reviews and few
/// waiting assessments has its own order of work).
fn waiting_on_one_list(o: &mut Out, c: &Checked) {
    let ca = &c.p.care_act;
    let given: Vec<(&str, &str, f64)> = [
        ("needs_assessment", "needs assessments", ca.needs_assessments_waiting),
        ("review", "reviews", ca.reviews_waiting),
        ("carers_assessment", "carers' assessments", ca.carers_assessments_waiting),
    ]
    .into_iter()
    .filter_map(|(flow, words, w)| w.map(|w| (flow, words, w)))
    .collect();
    let source = match given.as_slice() {
        [] => return,
        [_] => WAITING_TODAY.to_string(),
        _ => {
            let each: Vec<String> = given.iter().map(|(_, words, w)| format!("{} {words}", thousands(*w))).collect();
            format!(
                "profile: {} waiting today, taken to stay steady; together, as the model takes them from one list, \
oldest first, and so cannot reproduce each",
                each.join(", ")
            )
        }
    };
    let of: Vec<String> = given.iter().map(|(flow, _, _)| quoted(flow)).collect();
    let of = if of.len() == 1 { of[0].clone() } else { format!("[{}]", of.join(", ")) };
    let total: f64 = given.iter().map(|(_, _, w)| w).sum();
    o.observed.push(observation_within(&of, "waiting", total, &source, 0.15));
}

/// The values no council measures: the DoLS ones, and, where the profile
/// gives a care management waiting list, the share of the care management
/// roles' hours that is casework (their one list makes the waiting lists
/// move together with it), and the OTs' where their waiting list is given.
fn calibrate(o: &mut Out, c: &Checked, f: &Figures) {
    let ca = &c.p.care_act;
    if [ca.needs_assessments_waiting, ca.carers_assessments_waiting, ca.reviews_waiting].iter().any(Option::is_some) {
        let plain_sw = f.social_workers - f.bias > 0.0 || f.bias == 0.0;
        // Not the BIAs': their DoLS time is a share of their casework, so
        // theirs would move the DoLS figures too.
        let roles = [("social_worker", plain_sw), ("community_care_worker", f.ccw > 0.0)];
        let keys: Vec<String> =
            roles.iter().filter(|(_, here)| *here).map(|(r, _)| format!("\"roles.{r}.casework_share\"")).collect();
        o.calibrate.push(format!(
            "\n[[calibrate]]\nset = [{}]\nrange = [0.3, 0.8]\nlabel = \"share of care management staff's hours that is casework\"\nfirst = true  # a waiting list moves steeply with it: found on its own first",
            keys.join(", ")
        ));
    }
    // OTs take their own list and nothing else: a waiting list given for
    // it is theirs to make, and their share moves no other figure.
    if f.ots > 0.0 && ca.ot_assessments_waiting.is_some() {
        o.calibrate.push("\n[[calibrate]]\nset = \"roles.occupational_therapist.casework_share\"\nrange = [0.3, 0.8]\nlabel = \"share of OTs' hours that is casework\"\nlast = true  # moves the OTs' own figures only: found on its own, last".into());
    }
    let fixed = c.p.staff.bia_dols_time.as_deref().unwrap_or("fixed_share") == "fixed_share";
    if f.bias > 0.0 && fixed {
        o.calibrate.push("\n[[calibrate]]\nset = \"roles.social_worker_bia.dols_share\"\nrange = [0.02, 0.8]\nlabel = \"share of dual-role BIAs' casework hours given to DoLS\"".into());
    } else if f.dols_team > 0.0 {
        o.calibrate.push("\n[[calibrate]]\nset = \"roles.dols_bia.casework_share\"\nrange = [0.3, 0.95]\nlabel = \"share of DoLS team BIAs' hours spent assessing\"".into());
    }
    o.calibrate.push("\n[[calibrate]]\nset = \"flows.standard_bia.triage\"\nrange = [[0.05, 0.35, 0.6], [0.6, 0.25, 0.15]]\nlabel = \"triage of standard requests (high, medium, low priority)\"".into());
    o.calibrate.push("\n[[calibrate]]\nset = \"stocks.care_home.leave_rate_per_year\"\nrange = [0.1, 2.0]\nlabel = \"care home residents with standard requests leaving a year (requests that end undecided)\"".into());
    o.calibrate.push("\n[[calibrate]]\nset = \"stocks.hospital_or_care_home.leave_rate_per_year\"\nrange = [1.0, 15.0]\nlabel = \"people with urgent requests leaving a year (discharge, death)\"".into());
}
