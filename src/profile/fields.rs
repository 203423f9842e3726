//! Every figure of a profile, once: its key, what it is, its unit and
//! whether it must be given. The TOML, the spreadsheet template, its
//! reader and the checks all follow this list.

use super::{Posts, Profile};

/// What kind of figure a field holds, which decides its checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    /// People, requests, assessments: a number >= 0.
    Count,
    /// Full-time equivalent staff.
    Fte,
    /// A share from 0 to 1.
    Share,
    /// A percentage from 0 to 100.
    Pct,
    Money,
    /// Pounds paid for one assessment.
    Fee,
    Days,
}

impl Kind {
    pub fn unit(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::Count => "number",
            Kind::Fte => "FTE",
            Kind::Share => "share (0 to 1)",
            Kind::Pct => "%",
            Kind::Money => "£ a year",
            Kind::Fee => "£ an assessment",
            Kind::Days => "days",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Dotted key, as in the TOML: `staff.social_workers.fte`.
    pub key: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// What it is, in the council's words.
    pub help: &'static str,
}

const fn f(key: &'static str, kind: Kind, required: bool, help: &'static str) -> Field {
    Field { key, kind, required, help }
}

/// The profile's figures, in the order the template lists them.
pub const FIELDS: [Field; 59] = [
    f("council.name", Kind::Text, true, "a short name for the scenario and its reports (letters, digits, - and _)"),
    f("council.label", Kind::Text, false, "the council's name as reports show it"),
    f("council.population", Kind::Count, true, "people living in the area (all ages)"),
    f("council.start", Kind::Date, true, "the day these figures describe; the run starts here"),
    f("council.years", Kind::Count, false, "years to simulate (default 2)"),
    f("staff.social_workers.fte", Kind::Fte, true, "social workers in post, those who are also BIAs included"),
    f("staff.social_workers.vacancies", Kind::Fte, false, "vacant social worker posts"),
    f("staff.social_workers.agency", Kind::Fte, false, "agency social workers covering vacant posts"),
    f("staff.social_workers.salary", Kind::Money, false, "social workers' mean salary, before on-costs"),
    f("staff.social_workers_who_are_bias", Kind::Fte, false, "of the social workers, those who are also BIAs"),
    f(
        "staff.bia_dols_time",
        Kind::Text,
        false,
        "how those BIAs' DoLS time is organised: fixed_share, dols_first or care_management_first",
    ),
    f("staff.bia_dols_share", Kind::Share, false, "with a fixed share: the share of their casework hours for DoLS"),
    f("staff.dols_team_bias.fte", Kind::Fte, false, "BIAs who do only DoLS, in post"),
    f("staff.dols_team_bias.vacancies", Kind::Fte, false, "vacant DoLS team BIA posts"),
    f("staff.dols_team_bias.agency", Kind::Fte, false, "agency BIAs covering vacant DoLS team posts"),
    f("staff.dols_team_bias.salary", Kind::Money, false, "DoLS team BIAs' mean salary, before on-costs"),
    f("staff.community_care_workers.fte", Kind::Fte, false, "community care workers (social work assistants) in post"),
    f("staff.community_care_workers.vacancies", Kind::Fte, false, "vacant community care worker posts"),
    f("staff.community_care_workers.agency", Kind::Fte, false, "agency community care workers"),
    f(
        "staff.community_care_workers.salary",
        Kind::Money,
        false,
        "community care workers' mean salary, before on-costs",
    ),
    f("staff.occupational_therapists.fte", Kind::Fte, false, "occupational therapists in post"),
    f("staff.occupational_therapists.vacancies", Kind::Fte, false, "vacant OT posts"),
    f("staff.occupational_therapists.agency", Kind::Fte, false, "agency OTs"),
    f("staff.occupational_therapists.salary", Kind::Money, false, "OTs' mean salary, before on-costs"),
    f("staff.practice_managers.fte", Kind::Fte, false, "practice managers and others who sign DoLS authorisations off"),
    f("staff.practice_managers.vacancies", Kind::Fte, false, "vacant practice manager posts"),
    f("staff.practice_managers.agency", Kind::Fte, false, "agency practice managers"),
    f("staff.practice_managers.salary", Kind::Money, false, "practice managers' mean salary, before on-costs"),
    f("staff.independent_bias_per_week", Kind::Count, false, "best interests assessments bought in a week, at most"),
    f("staff.independent_bia_fee", Kind::Fee, false, "what one bought-in best interests assessment costs"),
    f("staff.on_costs", Kind::Share, false, "employer's on-costs (national insurance, pension) as a share of salary"),
    f("staff.turnover", Kind::Share, false, "staff who leave a year, as a share of those in post (0.17 for 17%)"),
    f("dols.urgent_requests", Kind::Count, true, "urgent DoLS requests received last year"),
    f("dols.standard_requests", Kind::Count, true, "standard DoLS requests received last year, renewals included"),
    f("dols.renewals", Kind::Count, false, "of the standard requests, renewals of an authorisation"),
    f("dols.undecided", Kind::Count, false, "DoLS requests not yet completed today (the backlog)"),
    f("dols.undecided_over_a_year", Kind::Count, false, "of the backlog, requests waiting over a year"),
    f("dols.completed", Kind::Count, false, "requests completed last year: decided, or closed without a decision"),
    f("dols.within_21_days", Kind::Pct, false, "% of standard requests completed within 21 days last year"),
    f("dols.mean_days", Kind::Days, false, "mean days to complete a request last year"),
    f("care_act.needs_assessments", Kind::Count, false, "Care Act needs assessments last year"),
    f("care_act.needs_assessments_waiting", Kind::Count, false, "people waiting for a needs assessment today"),
    f("care_act.reviews", Kind::Count, false, "reviews last year"),
    f("care_act.reviews_waiting", Kind::Count, false, "reviews due and not yet started today"),
    f("care_act.carers_assessments", Kind::Count, false, "carers' assessments last year"),
    f("care_act.carers_assessments_waiting", Kind::Count, false, "carers waiting for an assessment today"),
    f("care_act.safeguarding_enquiries", Kind::Count, false, "section 42 safeguarding enquiries last year"),
    f(
        "care_act.safeguarding_enquiries_waiting",
        Kind::Count,
        false,
        "safeguarding enquiries waiting for allocation today",
    ),
    f("care_act.ot_assessments", Kind::Count, false, "occupational therapy assessments last year"),
    f("care_act.ot_assessments_waiting", Kind::Count, false, "people waiting for an OT assessment today"),
    f("budget.dols", Kind::Money, false, "the DoLS budget a year (staff time and fees)"),
    f("budget.total", Kind::Money, false, "the budget a year for all the work modelled"),
    f("budget.pay_award", Kind::Share, false, "the yearly pay award from the second financial year (0.03 for 3%)"),
    f(
        "caseloads.social_workers.people",
        Kind::Count,
        false,
        "people allocated per social worker today (for the health check)",
    ),
    f("caseloads.social_workers.safe", Kind::Count, false, "the safe caseload of a social worker, people allocated"),
    f(
        "caseloads.community_care_workers.people",
        Kind::Count,
        false,
        "people allocated per community care worker today",
    ),
    f("caseloads.community_care_workers.safe", Kind::Count, false, "the safe caseload of a community care worker"),
    f("caseloads.occupational_therapists.people", Kind::Count, false, "people allocated per OT today"),
    f("caseloads.occupational_therapists.safe", Kind::Count, false, "the safe caseload of an OT"),
];

/// The value of a numeric field, if given.
pub fn number(p: &Profile, key: &str) -> Option<f64> {
    let posts = |x: &Option<Posts>, k: &str| {
        x.as_ref().and_then(|x| match k {
            "fte" => x.fte,
            "vacancies" => x.vacancies,
            "agency" => x.agency,
            "salary" => x.salary,
            _ => None,
        })
    };
    let (s, d, c) = (&p.staff, &p.dols, &p.care_act);
    let parts: Vec<&str> = key.splitn(3, '.').collect();
    match parts.as_slice() {
        ["council", "population"] => p.council.population,
        ["council", "years"] => p.council.years,
        ["staff", "social_workers", k] => posts(&s.social_workers, k),
        ["staff", "dols_team_bias", k] => posts(&s.dols_team_bias, k),
        ["staff", "community_care_workers", k] => posts(&s.community_care_workers, k),
        ["staff", "occupational_therapists", k] => posts(&s.occupational_therapists, k),
        ["staff", "practice_managers", k] => posts(&s.practice_managers, k),
        ["staff", "social_workers_who_are_bias"] => s.social_workers_who_are_bias,
        ["staff", "bia_dols_share"] => s.bia_dols_share,
        ["staff", "independent_bias_per_week"] => s.independent_bias_per_week,
        ["staff", "independent_bia_fee"] => s.independent_bia_fee,
        ["staff", "on_costs"] => s.on_costs,
        ["staff", "turnover"] => s.turnover,
        ["dols", k] => match *k {
            "urgent_requests" => d.urgent_requests,
            "standard_requests" => d.standard_requests,
            "renewals" => d.renewals,
            "undecided" => d.undecided,
            "undecided_over_a_year" => d.undecided_over_a_year,
            "completed" => d.completed,
            "within_21_days" => d.within_21_days,
            "mean_days" => d.mean_days,
            _ => None,
        },
        ["care_act", k] => match *k {
            "needs_assessments" => c.needs_assessments,
            "needs_assessments_waiting" => c.needs_assessments_waiting,
            "reviews" => c.reviews,
            "reviews_waiting" => c.reviews_waiting,
            "carers_assessments" => c.carers_assessments,
            "carers_assessments_waiting" => c.carers_assessments_waiting,
            "safeguarding_enquiries" => c.safeguarding_enquiries,
            "safeguarding_enquiries_waiting" => c.safeguarding_enquiries_waiting,
            "ot_assessments" => c.ot_assessments,
            "ot_assessments_waiting" => c.ot_assessments_waiting,
            _ => None,
        },
        ["budget", "dols"] => p.budget.dols,
        ["budget", "total"] => p.budget.total,
        ["budget", "pay_award"] => p.budget.pay_award,
        ["caseloads", group, k] => {
            let c = p.caseloads.as_ref()?;
            let load = match *group {
                "social_workers" => c.social_workers,
                "community_care_workers" => c.community_care_workers,
                "occupational_therapists" => c.occupational_therapists,
                _ => None,
            }?;
            match *k {
                "people" => load.people,
                "safe" => load.safe,
                _ => None,
            }
        }
        _ => None,
    }
}

/// Each field on its own: required ones given, numbers in their range.
pub(super) fn check_values(p: &Profile, problems: &mut Vec<String>) {
    for field in FIELDS.iter().filter(|f| !matches!(f.kind, Kind::Text | Kind::Date)) {
        let v = number(p, field.key);
        match v {
            None if field.required => problems.push(format!("{}: missing; give {}", field.key, field.help)),
            None => {}
            Some(v) if !v.is_finite() || v < 0.0 => {
                problems.push(format!("{}: must be a number >= 0 (got {v})", field.key));
            }
            Some(v) if field.kind == Kind::Pct && v > 100.0 => {
                problems.push(format!("{}: is a percentage, so at most 100 (got {v})", field.key));
            }
            // A spreadsheet cell showing 18% holds 0.18: read as 0.18% it
            // would be a council that decides almost nothing in time.
            Some(v) if field.kind == Kind::Pct && v > 0.0 && v < 1.0 => {
                problems.push(format!(
                    "{}: is a percentage from 0 to 100 (got {v}; for 18% write 18, not 0.18: a spreadsheet cell \
showing 18% holds 0.18)",
                    field.key
                ));
            }
            Some(v) if field.kind == Kind::Share && v > 1.0 => {
                problems.push(format!("{}: is a share from 0 to 1 (got {v}; for 15% write 0.15)", field.key));
            }
            Some(_) => {}
        }
    }
    if p.council.population.is_some_and(|v| v < 1000.0) {
        problems
            .push("council.population: a council has more than 1,000 people; give everyone living in the area".into());
    }
    if p.council.years.is_some_and(|y| y.fract() != 0.0 || !(1.0..=10.0).contains(&y)) {
        problems.push("council.years: a whole number of years from 1 to 10".into());
    }
    if let Some(t) = &p.staff.bia_dols_time {
        if !["fixed_share", "dols_first", "care_management_first"].contains(&t.as_str()) {
            problems.push(format!(
                "staff.bia_dols_time: one of fixed_share, dols_first, care_management_first (got \"{t}\")"
            ));
        }
    }
}

/// Figures that contradict each other.
pub(super) fn check_agreement(p: &Profile, problems: &mut Vec<String>) {
    let mut say = |cond: bool, text: String| {
        if cond {
            problems.push(text);
        }
    };
    dols_agreement(p, &mut say);
    staff_agreement(p, &mut say);
    care_act_agreement(p, &mut say);
}

/// DoLS requests received last year, urgent and standard.
fn received(p: &Profile) -> f64 {
    p.dols.urgent_requests.unwrap_or(0.0) + p.dols.standard_requests.unwrap_or(0.0)
}

/// DoLS requests received, undecided, renewed and completed.
fn dols_agreement(p: &Profile, say: &mut impl FnMut(bool, String)) {
    let d = &p.dols;
    let received = received(p);
    if let Some(u) = d.undecided {
        say(
            u > 0.0 && received == 0.0,
            format!(
                "dols.undecided: {u} requests undecided today, but no requests received last year (dols.urgent_requests, dols.standard_requests)"
            ),
        );
        say(
            received > 0.0 && u > received,
            format!(
                "dols.undecided: more requests undecided today ({u}) than received in a whole year ({received}); check both figures"
            ),
        );
        if let Some(o) = d.undecided_over_a_year {
            say(
                o > u,
                format!("dols.undecided_over_a_year: {o} waiting over a year is more than the {u} undecided in all"),
            );
        }
    } else if let Some(o) = d.undecided_over_a_year {
        say(o > 0.0, "dols.undecided_over_a_year is given but dols.undecided (the whole backlog) is not".into());
    }
    if let (Some(r), Some(s)) = (d.renewals, d.standard_requests) {
        say(r > s, format!("dols.renewals: {r} renewals is more than the {s} standard requests they are part of"));
    }
    if let Some(c) = d.completed {
        let most = received + d.undecided.unwrap_or(0.0);
        say(
            c > most,
            format!(
                "dols.completed: {c} completed last year is more than received ({received}) and undecided today together"
            ),
        );
    }
}

/// Staff: BIAs among social workers, someone to assess, agency within vacancies.
fn staff_agreement(p: &Profile, say: &mut impl FnMut(bool, String)) {
    let received = received(p);
    let sw = p.staff.social_workers.and_then(|x| x.fte).unwrap_or(0.0);
    if let Some(b) = p.staff.social_workers_who_are_bias {
        say(
            b > sw,
            format!(
                "staff.social_workers_who_are_bias: {b} FTE is more than the {sw} FTE of social workers they are part of"
            ),
        );
    }
    let bias = p.staff.social_workers_who_are_bias.unwrap_or(0.0)
        + p.staff.dols_team_bias.and_then(|x| x.fte).unwrap_or(0.0)
        + p.staff.independent_bias_per_week.unwrap_or(0.0);
    say(
        received > 0.0 && bias == 0.0,
        "staff: nobody does best interests assessments: give staff.social_workers_who_are_bias, staff.dols_team_bias or staff.independent_bias_per_week".into(),
    );
    if p.staff.bia_dols_share.is_some() && p.staff.bia_dols_time.as_deref().is_some_and(|t| t != "fixed_share") {
        say(
            true,
            "staff.bia_dols_share is for bia_dols_time = \"fixed_share\"; leave it out with another policy".into(),
        );
    }
    for (name, posts) in [
        ("social_workers", p.staff.social_workers),
        ("dols_team_bias", p.staff.dols_team_bias),
        ("community_care_workers", p.staff.community_care_workers),
        ("occupational_therapists", p.staff.occupational_therapists),
        ("practice_managers", p.staff.practice_managers),
    ] {
        let Some(x) = posts else { continue };
        // Practice managers have a default FTE (one to eight social
        // workers), which their salary can go with.
        let needs_fte =
            x.vacancies.is_some() || x.agency.is_some() || (x.salary.is_some() && name != "practice_managers");
        if x.fte.is_none() && needs_fte {
            say(true, format!("staff.{name}.fte: missing; give the FTE in post with its vacancies, agency and salary"));
        }
        if let Some(pay) = x.salary {
            say(
                pay > 0.0 && pay < 5000.0,
                format!("staff.{name}.salary: £{pay} is a year's salary in pounds; for £39,100 write 39100, not 39.1"),
            );
        }
        if let (Some(a), v) = (x.agency, x.vacancies.unwrap_or(0.0)) {
            say(
                a > v,
                format!(
                    "staff.{name}.agency: {a} FTE of agency staff is more than the {v} FTE vacant; in caseflow agency staff cover vacant posts"
                ),
            );
        }
    }
}

/// Care Act work waiting needs the yearly figure that says how much arrives.
fn care_act_agreement(p: &Profile, say: &mut impl FnMut(bool, String)) {
    let c = &p.care_act;
    for (done, waiting, what) in [
        (c.needs_assessments, c.needs_assessments_waiting, "needs_assessments"),
        (c.reviews, c.reviews_waiting, "reviews"),
        (c.carers_assessments, c.carers_assessments_waiting, "carers_assessments"),
        (c.safeguarding_enquiries, c.safeguarding_enquiries_waiting, "safeguarding_enquiries"),
        (c.ot_assessments, c.ot_assessments_waiting, "ot_assessments"),
    ] {
        if let (Some(w), None | Some(0.0)) = (waiting, done) {
            say(
                w > 0.0,
                format!("care_act.{what}_waiting: {w} waiting, but no care_act.{what} a year to say how many arrive"),
            );
        }
    }
}

/// A serde message in the council's words.
pub(super) fn plain(message: &str) -> String {
    message
        // serde says "invalid type: string \"lots\", expected f64": one "expected" is enough.
        .replace(", expected f64", "")
        .replace("invalid type: string", "expected a number, found text")
        .replace("expected f64", "expected a number")
        .replace("unknown field", "unknown figure")
}
