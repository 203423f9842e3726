//! National defaults: what a scenario made from a profile uses for each
//! value the profile does not give, and where it comes from. "FACTS" is
//! the project's sourced figures (FACTS.md, each with its own source);
//! "ASSUMPTION" marks a value no national source gives, which a council
//! should replace with its own. `docs/profile.md` lists them all (a test
//! keeps it in step).

/// One default: what it is, its value, and its source.
#[derive(Debug, Clone, Copy)]
pub struct Default {
    pub what: &'static str,
    pub value: f64,
    pub source: &'static str,
}

const fn d(what: &'static str, value: f64, source: &'static str) -> Default {
    Default { what, value, source }
}

/// England's population, for figures per head: ONS mid-2023 estimate.
pub const ENGLAND_POPULATION: Default =
    d("England's population", 57_106_398.0, "ONS mid-2023 population estimate for England (not in FACTS)");

pub const HOURS_PER_WEEK: Default = d("contracted hours a week, full time", 37.0, "MODEL: 37 hours a week full time");
pub const CASEWORK_SHARE: Default = d(
    "share of contracted hours that is casework (after supervision, admin, training, travel)",
    0.65,
    "ASSUMPTION: no national figure; calibrated where the profile gives a care management waiting list",
);
pub const DOLS_TEAM_CASEWORK: Default =
    d("share of a DoLS team BIA's hours that is casework", 0.8, "ASSUMPTION: a specialist team with less other work");
pub const MANAGER_CASEWORK: Default =
    d("share of a practice manager's hours for signing DoLS off", 0.1, "ASSUMPTION: mostly management");
pub const ANNUAL_LEAVE: Default =
    d("annual leave, working days a year", 27.0, "ASSUMPTION: local government leave after five years' service");
pub const SICKNESS: Default =
    d("sickness, working days a year", 10.4, "FACTS: about 10.4 days in council adult social care (Skills for Care)");
pub const TURNOVER: Default =
    d("staff turnover a year", 0.145, "FACTS: 14.5% for council adult social workers, 2023 (Skills for Care)");
pub const RECRUITMENT_DAYS: Default =
    d("days to fill a vacant post (median; 90% within twice that)", 120.0, "ASSUMPTION");
pub const AGENCY_AFTER_DAYS: Default = d("days before agency cover starts on a vacant post", 42.0, "ASSUMPTION");
pub const AGENCY_DAY_RATE: Default = d("agency day rate (£)", 300.0, "ASSUMPTION: FACTS has no confirmed agency rate");
pub const SALARY_SOCIAL_WORKER: Default =
    d("social worker salary (£)", 39_100.0, "FACTS: mean council adult social worker pay, 2022 (Skills for Care)");
pub const SALARY_BIA: Default = d("DoLS team BIA salary (£)", 45_000.0, "ASSUMPTION: senior practitioner grade");
pub const SALARY_CCW: Default = d("community care worker salary (£)", 25_000.0, "ASSUMPTION");
pub const SALARY_OT: Default = d("occupational therapist salary (£)", 36_000.0, "ASSUMPTION");
pub const SALARY_MANAGER: Default = d("practice manager salary (£)", 45_000.0, "ASSUMPTION");
pub const ON_COSTS: Default = d("employer's on-costs, share of salary", 0.3, "ASSUMPTION");
pub const CAP_SOCIAL_WORKER: Default =
    d("social worker caseload cap (open pieces of work)", 25.0, "ASSUMPTION: FACTS gives one council's mean of 18.4");
pub const CAP_CCW: Default =
    d("community care worker caseload cap", 30.0, "ASSUMPTION: FACTS gives one council's mean of 22.2");
pub const CAP_OT: Default =
    d("occupational therapist caseload cap", 35.0, "ASSUMPTION: FACTS gives one council's mean of 29.7");

pub const BIA_HOURS: Default =
    d("BIA hours per best interests assessment (mean)", 12.1, "FACTS: mean 12.1 hours, 2015 survey of 507 BIAs");
pub const BIA_DOLS_SHARE: Default = d(
    "share of a dual-role BIA's casework hours for DoLS",
    0.15,
    "ASSUMPTION: a starting point that calibration moves (the seed council's 87 assessments in six months were about 9% of its BIAs' hours)",
);
pub const GRANTED: Default = d(
    "share of decided requests granted",
    0.97,
    "FACTS: 4,315 of about 146,000 fully assessed applications not granted in 2023-24",
);
pub const URGENT_THEN_STANDARD: Default = d(
    "share of urgent requests decided that are followed by a standard authorisation, renewed before it ends",
    0.3,
    "ASSUMPTION: people likely to stay",
);
pub const AUTHORISATION_DAYS: Default =
    d("days a standard authorisation lasts (mean)", 252.0, "FACTS: 226-276 days on average, 2016-17 to 2023-24");
pub const RENEWAL_SHARE: Default = d(
    "share of standard requests that are renewals",
    0.4,
    "ASSUMPTION: FACTS has 80,150 standard authorisations granted in 2023-24, a quarter of applications; most come back as renewals",
);
pub const BACKLOG_PER_YEAR: Default = d(
    "requests not completed, as a share of a year's requests",
    0.37,
    "FACTS: 123,790 not completed at 31 March 2024 against 332,455 received in 2023-24",
);
pub const BACKLOG_STANDARD: Default =
    d("share of the backlog that is standard requests", 0.86, "ASSUMPTION: urgent requests end within weeks");
pub const BACKLOG_OVER_A_YEAR: Default =
    d("share of the backlog waiting over a year", 0.4, "FACTS: about 40% of England's March 2018 backlog");
pub const WITHIN_21_DAYS: Default =
    d("% of standard requests completed within 21 days", 19.0, "FACTS: England 2023-24");
pub const MEAN_DAYS: Default = d("mean days to complete a request", 144.0, "FACTS: England 2023-24");
pub const CLOSED_SHARE: Default = d(
    "% of completed requests closed without a decision",
    50.0,
    "FACTS: 162,655 of 323,870 completed in 2023-24 closed without any assessment",
);
pub const HOSPITAL_LEAVING: Default = d(
    "people with urgent requests leaving (discharge, death) a year",
    5.0,
    "ASSUMPTION: calibrated where the profile gives completions",
);
pub const CARE_HOME_LEAVING: Default = d(
    "care home residents with standard requests leaving (death, moves) a year",
    0.5,
    "ASSUMPTION: a starting point that calibration moves",
);
pub const S12_FEE: Default = d("s12 doctor fee per assessment (£)", 250.0, "FACTS: about £200-300 (unconfirmed)");
pub const INDEPENDENT_BIA_FEE: Default = d("independent BIA fee per assessment (£)", 400.0, "ASSUMPTION");

pub const NEEDS_PER_1000: Default = d(
    "Care Act needs assessments a year per 1,000 people",
    24.1,
    "the seed council (Halton, 2014/15): 3,040 needs assessments for about 126,000 people",
);
pub const REVIEWS_PER_1000: Default = d(
    "reviews a year per 1,000 people",
    15.2,
    "the seed council (Halton, 2014/15): 1,916 reviews for about 126,000 people",
);
pub const CARERS_PER_1000: Default = d(
    "carers' assessments a year per 1,000 people",
    6.6,
    "FACTS: 360,000-390,000 carers assessed or supported a year in England",
);
pub const SAFEGUARDING_PER_1000: Default = d(
    "safeguarding enquiries a year per 1,000 people",
    3.09,
    "FACTS: 176,560 section 42 enquiries in England, 2023-24",
);
pub const OT_PER_FTE: Default = d(
    "OT assessments a year per occupational therapist (FTE)",
    140.0,
    "ASSUMPTION: as the Halton scenarios (2,000 a year for 14 OT staff)",
);
pub const WAITING_ASSESSMENT_PER_1000: Default = d(
    "people waiting for a needs assessment per 1,000 people",
    5.2,
    "FACTS: 294,449 waiting for assessment in England, April 2022 (ADASS)",
);
pub const OVERDUE_REVIEWS_PER_1000: Default =
    d("reviews overdue per 1,000 people", 3.7, "FACTS: 210,106 overdue reviews in England (ADASS)");

pub const PEOPLE_SOCIAL_WORKER: Default = d(
    "people allocated per social worker today",
    18.4,
    "ASSUMPTION: FACTS gives one council's audit of 2024-25, not a national figure",
);
pub const PEOPLE_CCW: Default = d(
    "people allocated per community care worker today",
    22.2,
    "ASSUMPTION: FACTS gives one council's audit of 2024-25, not a national figure",
);
pub const PEOPLE_OT: Default = d(
    "people allocated per OT today",
    29.7,
    "ASSUMPTION: FACTS gives one council's audit of 2024-25, not a national figure",
);
pub const SAFE_SOCIAL_WORKER: Default = d(
    "safe caseload of a social worker (people allocated)",
    20.0,
    "ASSUMPTION: no national safe caseload; the shipped health check example's",
);
pub const SAFE_CCW: Default = d(
    "safe caseload of a community care worker",
    25.0,
    "ASSUMPTION: no national safe caseload; the shipped health check example's",
);
pub const SAFE_OT: Default =
    d("safe caseload of an OT", 32.0, "ASSUMPTION: no national safe caseload; the shipped health check example's");

/// Every default, for the documentation and its test.
pub const ALL: [Default; 49] = [
    ENGLAND_POPULATION,
    HOURS_PER_WEEK,
    CASEWORK_SHARE,
    DOLS_TEAM_CASEWORK,
    MANAGER_CASEWORK,
    ANNUAL_LEAVE,
    SICKNESS,
    TURNOVER,
    RECRUITMENT_DAYS,
    AGENCY_AFTER_DAYS,
    AGENCY_DAY_RATE,
    SALARY_SOCIAL_WORKER,
    SALARY_BIA,
    SALARY_CCW,
    SALARY_OT,
    SALARY_MANAGER,
    ON_COSTS,
    CAP_SOCIAL_WORKER,
    CAP_CCW,
    CAP_OT,
    BIA_HOURS,
    BIA_DOLS_SHARE,
    GRANTED,
    URGENT_THEN_STANDARD,
    AUTHORISATION_DAYS,
    RENEWAL_SHARE,
    BACKLOG_PER_YEAR,
    BACKLOG_STANDARD,
    BACKLOG_OVER_A_YEAR,
    WITHIN_21_DAYS,
    MEAN_DAYS,
    CLOSED_SHARE,
    HOSPITAL_LEAVING,
    CARE_HOME_LEAVING,
    S12_FEE,
    INDEPENDENT_BIA_FEE,
    NEEDS_PER_1000,
    REVIEWS_PER_1000,
    CARERS_PER_1000,
    SAFEGUARDING_PER_1000,
    OT_PER_FTE,
    WAITING_ASSESSMENT_PER_1000,
    OVERDUE_REVIEWS_PER_1000,
    PEOPLE_SOCIAL_WORKER,
    PEOPLE_CCW,
    PEOPLE_OT,
    SAFE_SOCIAL_WORKER,
    SAFE_CCW,
    SAFE_OT,
];
