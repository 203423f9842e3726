//! What one replication produces, and the names of its measures.
//!
//! The metric enums are the single source of the column names and meanings
//! that the summaries, exporters and docs/outputs.md use.

/// Declares a measure enum once. The order written is the order of `ALL`
/// and of the dense arrays of `RepResult` and the aggregate (a measure's
/// index is `m as usize`), so a new measure goes where its column should.
///
/// `enum E { Variant = "name": "meaning", .. }` is a measure of its own, named
/// as the tables print it; `enum E sums T { Variant, .. }` is a sum, over a
/// longer span, of the same-named measure of `T`, and takes its name.
macro_rules! measures {
    (@enum $(#[$doc:meta])* $Enum:ident { $($Variant:ident),+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $Enum {
            $($Variant),+
        }

        impl $Enum {
            pub const ALL: [Self; [$(stringify!($Variant)),+].len()] = [$(Self::$Variant),+];
            pub const COUNT: usize = Self::ALL.len();

            /// The measure the tables (and a user) call `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|m| m.name() == name)
            }
        }
    };
    ($(#[$doc:meta])* pub enum $Enum:ident { $($Variant:ident = $name:literal: $meaning:literal,)+ }) => {
        measures!(@enum $(#[$doc])* $Enum { $($Variant),+ });

        impl $Enum {
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$Variant => $name,)+
                }
            }

            pub fn description(self) -> &'static str {
                match self {
                    $(Self::$Variant => $meaning,)+
                }
            }
        }
    };
    ($(#[$doc:meta])* pub enum $Enum:ident sums $Of:ident { $($Variant:ident,)+ }) => {
        measures!(@enum $(#[$doc])* $Enum { $($Variant),+ });

        impl $Enum {
            /// The measure this one adds up.
            pub fn total(self) -> $Of {
                match self {
                    $(Self::$Variant => $Of::$Variant,)+
                }
            }

            pub fn name(self) -> &'static str {
                self.total().name()
            }
        }
    };
}

measures! {
    /// Per flow and reporting period.
    pub enum FlowMetric {
        Arrivals = "arrivals": "items that joined the flow in the period (new and follow-up)",
        Completed = "completed": "items completed in the period",
        Withdrawn = "withdrawn":
            "items that left without completion in the period (their person left the stock, or no longer needs the work after a change in the law)",
        NotRequired = "not_required":
            "open items withdrawn in the period because, after a change in the law, the person no longer needs them (part of withdrawn)",
        RenewalsCancelled = "renewals_cancelled":
            "booked follow-ups (renewals) cancelled in the period because, after a change in the law, the person no longer needs them",
        Waiting = "waiting": "items not yet allocated to a worker at the end of the period (the backlog)",
        WaitingMean = "waiting_mean":
            "items not yet allocated, averaged over the period (the charts use it: a snapshot taken on a Sunday counts the weekend's contacts)",
        Open = "open": "items waiting or allocated at the end of the period",
        Overdue = "overdue": "open items past their deadline at the end of the period",
        MeanWaitDays = "mean_wait_days": "mean days from arrival to allocation, over items allocated in the period",
        MeanServiceDays = "mean_service_days":
            "mean days from allocation to completion, over items completed in the period",
        MeanDaysToComplete = "mean_days_to_complete":
            "mean days from arrival to completion, over items completed in the period; for a later stage of a request (a route with keep_deadline) from the request's arrival, so the last stage gives the whole request's time",
        WithinDeadlinePct = "within_deadline_pct":
            "% of items completed in the period that finished within the deadline (a kept deadline for later stages)",
        Unauthorised = "unauthorised":
            "people deprived of liberty without authorisation at the end of the period (open past deadline and any extension)",
        UnauthorisedDays = "unauthorised_days": "person-days deprived of liberty without authorisation in the period",
        Hours = "hours": "staff hours given to the flow's items in the period (not bought-in assessments)",
        Cost = "cost":
            "the flow's cost in the period: its staff hours at their role's cost per hour available (salary and on-costs, agency day rates and overtime over the casework hours available), and fees for its bought-in assessments (£)",
    }
}

measures! {
    /// Per role and reporting period.
    pub enum RoleMetric {
        Establishment = "establishment": "FTE of funded posts at the end of the period (follows the staffing plan)",
        Staff = "staff": "FTE in post (employed or agency) at the end of the period",
        Vacant = "vacant": "FTE vacant at the end of the period",
        Agency = "agency": "FTE covered by agency staff at the end of the period",
        Starters = "starters": "recruits who started in the period",
        Leavers = "leavers": "people who left in the period",
        HoursAvailable = "hours_available":
            "casework hours the role could give in the period (after leave, sickness, vacancies)",
        HoursWorked = "hours_worked": "casework hours given to open items in the period",
        HoursDols = "hours_dols": "casework hours given to DoLS work in the period",
        UtilisationPct = "utilisation_pct": "hours worked as % of hours available",
        Caseload = "caseload": "open items per worker in post, averaged over the period",
        CaseloadMax = "caseload_max": "largest caseload of any worker at the end of the period",
        Assessments = "assessments": "items the role completed in the period",
        CostStaff = "cost_staff": "salary and on-costs of employed staff in the period (£)",
        CostAgency = "cost_agency": "agency day rates paid in the period (£)",
        CostBoughtIn = "cost_bought_in": "fees for bought-in assessments completed in the period (£)",
        CostOvertime = "cost_overtime": "overtime paid in the period (£)",
    }
}

measures! {
    /// Per flow over the whole reported horizon of one replication.
    pub enum FlowKpi {
        Arrivals = "arrivals": "items that joined the flow over the horizon",
        Completed = "completed": "items completed over the horizon",
        Withdrawn = "withdrawn": "items withdrawn over the horizon",
        NotRequired = "not_required":
            "open items withdrawn because, after a change in the law, the person no longer needs them (part of withdrawn)",
        RenewalsCancelled = "renewals_cancelled":
            "booked follow-ups (renewals) cancelled because, after a change in the law, the person no longer needs them",
        WaitingAtEnd = "waiting_at_end": "items unallocated at the end of the horizon",
        OpenAtEnd = "open_at_end": "items waiting or allocated at the end of the horizon",
        MeanWaitDays = "mean_wait_days": "mean days from arrival to allocation (items that arrived in the horizon)",
        MeanServiceDays = "mean_service_days":
            "mean days from allocation to completion (items that arrived and completed in the horizon)",
        MeanDaysToComplete = "mean_days_to_complete":
            "mean days from arrival (for a later stage of a request, from the request) to completion (items whose case began and completed in the horizon)",
        WithinDeadlinePct = "within_deadline_pct": "% of completions within the deadline",
        MeanInSystem = "mean_in_system": "time-average number of items waiting or allocated",
        ArrivalsPerDay = "arrivals_per_day": "arrivals per day",
        CompletedPerDay = "completed_per_day": "completions per day",
        UnauthorisedDays = "unauthorised_days": "person-days deprived of liberty without authorisation",
        Hours = "hours": "staff hours given to the flow over the horizon",
        Cost = "cost": "the flow's cost (staff time and fees) over the horizon (£)",
        CostPerCompleted = "cost_per_completed": "the flow's cost over the horizon per item completed (£)",
    }
}

measures! {
    /// Per request (a flow's stages taken as one) and reporting period.
    pub enum RequestMetric {
        Arrivals = "arrivals": "requests received in the period (new and renewals)",
        Completed = "completed":
            "requests completed in the period as councils' DoLS returns count them: decided, or closed without a decision (decided + withdrawn)",
        Decided = "decided": "requests decided (their last stage completed) in the period",
        Withdrawn = "withdrawn":
            "requests that ended without a decision in the period (the person died, moved or was discharged, or no longer needs authorisation)",
        NotRequired = "not_required":
            "requests withdrawn in the period because, after a change in the law, the person no longer needs authorisation (part of withdrawn)",
        RenewalsCancelled = "renewals_cancelled":
            "booked renewals cancelled in the period because, after a change in the law, the person no longer needs authorisation",
        Waiting = "waiting": "requests waiting at any stage for someone to take them, at the end of the period",
        Open = "open": "requests not yet decided, at any stage, at the end of the period: the backlog",
        WithinDeadlinePct = "within_deadline_pct":
            "% of requests completed in the period (decided or closed without a decision, as DoLS returns count them) that were completed within the deadline: the national \"% of standard applications completed within 21 days\"",
        DecidedWithinDeadlinePct = "decided_within_deadline_pct":
            "% of requests decided in the period that were decided within the deadline (closures left out)",
        MeanDaysToCompletion = "mean_days_to_completion":
            "mean days from request to completion (decision or closure), over requests completed in the period: the national \"average length of time for all completed applications\"",
        MeanDaysToDecision = "mean_days_to_decision":
            "mean days from request to decision, over requests decided in the period",
        Unauthorised = "unauthorised":
            "people deprived of liberty without authorisation while their request waits, at the end of the period",
        UnauthorisedDays = "unauthorised_days": "person-days without authorisation in the period",
        Hours = "hours": "staff hours given to the requests' stages in the period",
        Cost = "cost": "the requests' cost in the period: staff time and fees at every stage (£)",
    }
}

measures! {
    /// Per request over the whole reported horizon of one replication.
    pub enum RequestKpi {
        Arrivals = "arrivals": "requests received over the horizon (new and renewals)",
        Completed = "completed":
            "requests completed over the horizon as DoLS returns count them: decided, or closed without a decision",
        Decided = "decided": "requests decided over the horizon",
        Withdrawn = "withdrawn": "requests that ended without a decision over the horizon",
        NotRequired = "not_required":
            "requests withdrawn because, after a change in the law, the person no longer needs authorisation (part of withdrawn)",
        RenewalsCancelled = "renewals_cancelled":
            "renewals cancelled because, after a change in the law, the person no longer needs authorisation",
        WaitingAtEnd = "waiting_at_end": "requests waiting at any stage at the end of the horizon",
        OpenAtEnd = "open_at_end": "requests not yet decided at the end of the horizon: the backlog",
        WithinDeadlinePct = "within_deadline_pct":
            "% of requests completed (decided or closed without a decision, as DoLS returns count them) within the deadline",
        DecidedWithinDeadlinePct = "decided_within_deadline_pct":
            "% of requests decided that were decided within the deadline",
        MeanDaysToCompletion = "mean_days_to_completion":
            "mean days from request to completion, decision or closure, over requests completed in the horizon (those made before it, the backlog at the start, included), as DoLS returns count them",
        MeanDaysToDecision = "mean_days_to_decision":
            "mean days from request to decision (requests made and decided in the horizon)",
        UnauthorisedDays = "unauthorised_days": "person-days without authorisation",
        Hours = "hours": "staff hours given to the requests over the horizon",
        Cost = "cost": "the requests' cost (staff time and fees) over the horizon (£)",
        CostPerDecision = "cost_per_decision": "the requests' cost over the horizon per request decided (£)",
    }
}

measures! {
    /// Per role over the whole reported horizon of one replication.
    pub enum RoleKpi {
        UtilisationPct = "utilisation_pct": "hours worked as % of hours available",
        Caseload = "caseload": "time-average open items per worker",
        HoursAvailable = "hours_available": "casework hours the role could give over the horizon",
        HoursWorked = "hours_worked": "casework hours given over the horizon",
        HoursDols = "hours_dols": "casework hours given to DoLS over the horizon",
        HoursDolsSetAside = "hours_dols_set_aside":
            "casework hours set aside for DoLS under a fixed share over the horizon, used or not (the weekly share is of contracted hours, not reduced for leave)",
        Cost = "cost": "all costs of the role over the horizon (£)",
    }
}

measures! {
    /// Whole-scenario measures per reporting period: sums over flows and
    /// roles taken within each replication, so their bands are bands of sums.
    pub enum TotalMetric {
        DolsWaiting = "dols_waiting": "DoLS items not yet allocated at the end of the period",
        DolsOpen = "dols_open": "DoLS items waiting or in progress at the end of the period: the DoLS backlog",
        Unauthorised = "unauthorised": "people deprived of liberty without authorisation at the end of the period",
        UnauthorisedDays = "unauthorised_days": "person-days without authorisation in the period",
        DolsHoursDualRole = "dols_hours_dual_role":
            "hours that workers with both care management and DoLS skills gave to DoLS: care management hours lost",
        LatentUnidentified = "latent_unidentified":
            "people in latent pools not yet identified at the end of the period",
        CostStaff = "cost_staff": "employed staff cost in the period (£)",
        CostAgency = "cost_agency": "agency cost in the period (£)",
        CostBoughtIn = "cost_bought_in": "bought-in assessment fees in the period (£)",
        CostOvertime = "cost_overtime": "overtime cost in the period (£)",
        CostTotal = "cost_total": "all costs in the period (£)",
        CostCumulative = "cost_cumulative": "all costs from the start to the end of the period (£)",
        DolsHours = "dols_hours": "staff hours given to DoLS work in the period, by any role",
        DolsCost = "dols_cost": "the cost of DoLS work in the period: staff hours at their cost per hour, and fees (£)",
        CostUnallocated = "cost_unallocated":
            "staff cost of hours available but given to no work in the period (£); with the work's costs it makes up the staff, agency and overtime cost",
    }
}

impl TotalMetric {
    /// Whether the measure is a level at the period's end (rather than an
    /// amount over the period), so its horizon value is the last period's.
    pub fn is_level(self) -> bool {
        matches!(
            self,
            TotalMetric::DolsWaiting
                | TotalMetric::DolsOpen
                | TotalMetric::Unauthorised
                | TotalMetric::LatentUnidentified
                | TotalMetric::CostCumulative
        )
    }
}

measures! {
    /// Per area of a scenario of areas (a council in a region), over the
    /// horizon: sums over its requests.
    pub enum AreaMetric {
        Decided = "decided": "requests of every kind decided over the horizon",
        OpenAtEnd = "open_at_end": "requests not yet decided at the end: the area's backlog",
        WithinDeadlinePct = "within_deadline_pct":
            "% of requests decided within their own deadline (7 days urgent, 21 standard)",
        UnauthorisedDays = "unauthorised_days":
            "person-days deprived of liberty without authorisation over the horizon",
    }
}

impl AreaMetric {
    /// This replication's value for the area whose requests are `requests`.
    pub fn of(self, r: &RepResult, requests: &[usize]) -> f64 {
        let sum = |k: RequestKpi| requests.iter().map(|&q| r.request_kpi(q, k)).filter(|v| v.is_finite()).sum::<f64>();
        match self {
            AreaMetric::Decided => sum(RequestKpi::Decided),
            AreaMetric::OpenAtEnd => sum(RequestKpi::OpenAtEnd),
            AreaMetric::UnauthorisedDays => sum(RequestKpi::UnauthorisedDays),
            AreaMetric::WithinDeadlinePct => {
                let decided = sum(RequestKpi::Decided);
                let within: f64 = requests
                    .iter()
                    .map(|&q| {
                        r.request_kpi(q, RequestKpi::WithinDeadlinePct) / 100.0 * r.request_kpi(q, RequestKpi::Decided)
                    })
                    .filter(|v| v.is_finite())
                    .sum();
                if decided > 0.0 { 100.0 * within / decided } else { f64::NAN }
            }
        }
    }
}

measures! {
    /// Per financial year (April to March): sums of the periods that start in it.
    pub enum YearMetric sums TotalMetric {
        CostStaff,
        CostAgency,
        CostBoughtIn,
        CostOvertime,
        CostTotal,
        DolsHours,
        DolsCost,
        CostUnallocated,
        UnauthorisedDays,
    }
}

measures! {
    /// A budget line's test in a year: whether the cost went over, and by how much.
    pub enum BudgetMetric {
        Over = "over_budget":
            "1 when the year's cost is over the budget, else 0 (its mean over replications is the probability of overspending)",
        Overspend = "overspend": "how much over (0 when within): its mean is the expected overspend",
        Spend = "spend": "the year's cost on the line",
    }
}

/// Who a workforce measure is about: a staff role, a team, or the whole
/// workforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Role(usize),
    Team(usize),
    Total,
}

impl Scope {
    /// "role", "team" or "total", as the tables print it.
    pub fn kind(self) -> &'static str {
        match self {
            Scope::Role(_) => "role",
            Scope::Team(_) => "team",
            Scope::Total => "total",
        }
    }

    /// The role's or team's name, or "total".
    pub fn name(self, m: &crate::model::Model) -> String {
        match self {
            Scope::Role(r) => m.roles[r].name.clone(),
            Scope::Team(t) => m.teams[t].name.clone(),
            Scope::Total => "total".into(),
        }
    }

    /// A name for reports: "social workers", "complex care team".
    pub fn label(self, m: &crate::model::Model) -> String {
        match self {
            Scope::Role(r) => m.roles[r].label.clone(),
            Scope::Team(t) => format!("{} team", m.teams[t].label),
            Scope::Total => "everyone".into(),
        }
    }

    /// Whether staff role `r` is in this scope.
    pub fn has(self, m: &crate::model::Model, r: usize) -> bool {
        match self {
            Scope::Role(x) => x == r,
            Scope::Team(t) => m.roles[r].team == Some(t as u16),
            Scope::Total => true,
        }
    }
}

/// The scopes of the workforce tables, in order: staff roles, teams, then
/// everyone; none when the model does not track the workforce (see
/// `Model::tracks_workforce`).
pub fn workforce_scopes(m: &crate::model::Model) -> Vec<Scope> {
    if !m.tracks_workforce() {
        return Vec::new();
    }
    let mut out: Vec<Scope> = (0..m.roles.len()).filter(|&r| !m.roles[r].is_bought_in()).map(Scope::Role).collect();
    out.extend((0..m.teams.len()).map(Scope::Team));
    out.push(Scope::Total);
    out
}

measures! {
    /// Per role, team or the whole workforce, and reporting period: caseloads
    /// of people, supervision and development, and workforce rates.
    pub enum WorkforceMetric {
        PeopleAllocated = "people_allocated":
            "people allocated per worker in post, averaged over time: as social workers count a caseload (people with open work, and people kept allocated after it)",
        PeopleAllocatedTotal = "people_allocated_total": "people allocated to the workers, averaged over time",
        PeopleAllocatedMax = "people_allocated_max": "most people allocated to one worker at the end of the period",
        OverThresholdPct = "over_threshold_pct":
            "% of workers in post with more people allocated than their role's caseload threshold, at the end of the period",
        PeopleWaiting = "people_waiting":
            "people waiting for allocation at the end of the period: waiting items of people's work, and people kept on vacant posts (teams and everyone only)",
        CompletedPerWorkerYear = "completed_per_worker_year":
            "items of people's work completed per FTE in post, a year: the measure the seed council called 'average worker case load' (assessments and reviews completed / workers)",
        Caseload = "caseload": "open items (pieces of work in progress) per worker in post, averaged over time",
        SupervisionPlannedHours = "supervision_planned_hours": "supervision hours due to workers in post in the period",
        SupervisionDeliveredHours = "supervision_delivered_hours": "supervision hours given in the period",
        SupervisionDeliveredPct = "supervision_delivered_pct": "supervision hours given as % of hours due",
        DevelopmentHours = "development_hours": "hours of protected development time (CPD, ASYE) taken in the period",
        VacancyPct = "vacancy_pct":
            "FTE without an employed holder (vacant or covered by agency) as % of the establishment, averaged over time",
        AgencyPct = "agency_pct": "agency FTE as % of FTE in post, averaged over time",
        TurnoverPct = "turnover_pct": "leavers as % of employed FTE, a year",
        SicknessDays = "sickness_days": "working days lost to sickness per FTE in post, a year",
        AsyeInPost = "asye_in_post": "newly qualified (ASYE) workers in post at the end of the period",
        AsyeProtectedPct = "asye_protected_pct":
            "% of ASYE workers in post whose people allocated are within their protected caseload (the role's threshold times asye_share), at the end of the period",
        Staff = "staff": "FTE in post (employed or agency) at the end of the period",
        UtilisationPct = "utilisation_pct": "casework hours worked as % of hours available",
    }
}

/// Caseloads of people are counted per worker up to this many; the last
/// bin holds everyone with more.
pub const PEOPLE_BINS: usize = 151;

/// Width in days of each bin of the waiting-time histogram, and how many
/// bins; the last bin takes everything longer.
pub const WAIT_BIN_DAYS: f64 = 1.0;
pub const WAIT_BINS: usize = 731;

/// Where every item of a flow is at the end of a replication, counted from
/// independent tallies so that `arrived == completed + withdrawn + waiting
/// + in_service` checks the engine's bookkeeping rather than restating it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    pub arrived: u64,
    pub completed: u64,
    pub withdrawn: u64,
    pub waiting: u64,
    pub in_service: u64,
    /// Follow-ups created for this flow, not yet due.
    pub scheduled: u64,
    pub follow_ups_created: u64,
    pub follow_ups_due: u64,
    pub follow_ups_cancelled: u64,
}

impl Balance {
    pub fn holds(&self) -> bool {
        self.arrived == self.completed + self.withdrawn + self.waiting + self.in_service
            && self.follow_ups_created == self.follow_ups_due + self.follow_ups_cancelled + self.scheduled
    }
}

/// One replication's results. Dense arrays indexed
/// `[(flow * periods + period) * FlowMetric::COUNT + metric]` and alike;
/// a NaN marks a value that does not exist (a mean over no items).
#[derive(Debug, Clone)]
pub struct RepResult {
    pub replication: u64,
    pub periods: usize,
    pub flow_periods: Vec<f64>,
    pub role_periods: Vec<f64>,
    pub flow_kpis: Vec<f64>,
    pub role_kpis: Vec<f64>,
    /// `[(request * periods + period) * RequestMetric::COUNT + metric]`.
    pub request_periods: Vec<f64>,
    /// `[request * RequestKpi::COUNT + metric]`.
    pub request_kpis: Vec<f64>,
    /// `[period * TotalMetric::COUNT + metric]`.
    pub total_periods: Vec<f64>,
    /// `[metric]` over the horizon: sums, or end levels.
    pub total_kpis: Vec<f64>,
    /// `[year * YearMetric::COUNT + metric]`, per financial year.
    pub year_totals: Vec<f64>,
    /// `[(line * years + year) * BudgetMetric::COUNT + metric]`.
    pub budget: Vec<f64>,
    /// `[flow * WAIT_BINS + bin]`: items allocated in the horizon by days waited.
    pub wait_hist: Vec<u32>,
    /// `[flow * WAIT_BINS + bin]`: items completed in the horizon by days
    /// from the start of their case (their arrival, or their request's for
    /// later stages) to completion.
    pub done_hist: Vec<u32>,
    pub balance: Vec<Balance>,
    pub events: u64,
    /// `[(scope * periods + period) * WorkforceMetric::COUNT + metric]`,
    /// scopes as `workforce_scopes` lists them (empty when not tracked).
    pub workforce_periods: Vec<f64>,
    /// `[scope * WorkforceMetric::COUNT + metric]` over the horizon.
    pub workforce_kpis: Vec<f64>,
    /// `[role * PEOPLE_BINS + people]`: workers in post at the ends of
    /// periods by people allocated (empty when not tracked).
    pub people_hist: Vec<u32>,
}

impl RepResult {
    pub fn flow_period(&self, flow: usize, period: usize, m: FlowMetric) -> f64 {
        self.flow_periods[(flow * self.periods + period) * FlowMetric::COUNT + m as usize]
    }

    pub fn role_period(&self, role: usize, period: usize, m: RoleMetric) -> f64 {
        self.role_periods[(role * self.periods + period) * RoleMetric::COUNT + m as usize]
    }

    pub fn flow_kpi(&self, flow: usize, k: FlowKpi) -> f64 {
        self.flow_kpis[flow * FlowKpi::COUNT + k as usize]
    }

    pub fn role_kpi(&self, role: usize, k: RoleKpi) -> f64 {
        self.role_kpis[role * RoleKpi::COUNT + k as usize]
    }

    pub fn total_period(&self, period: usize, m: TotalMetric) -> f64 {
        self.total_periods[period * TotalMetric::COUNT + m as usize]
    }

    pub fn request_period(&self, request: usize, period: usize, m: RequestMetric) -> f64 {
        self.request_periods[(request * self.periods + period) * RequestMetric::COUNT + m as usize]
    }

    pub fn request_kpi(&self, request: usize, k: RequestKpi) -> f64 {
        self.request_kpis[request * RequestKpi::COUNT + k as usize]
    }

    pub fn total_kpi(&self, m: TotalMetric) -> f64 {
        self.total_kpis[m as usize]
    }

    pub fn workforce_period(&self, scope: usize, period: usize, m: WorkforceMetric) -> f64 {
        self.workforce_periods[(scope * self.periods + period) * WorkforceMetric::COUNT + m as usize]
    }

    pub fn workforce_kpi(&self, scope: usize, m: WorkforceMetric) -> f64 {
        self.workforce_kpis[scope * WorkforceMetric::COUNT + m as usize]
    }
}

/// Observed figures read from one replication: here rather than in
/// model/observed.rs, since the model is what a replication runs and knows
/// nothing of what it records.
mod observed {
    use std::ops::Range;

    use super::{FlowMetric, RepResult, RequestMetric, WorkforceMetric};
    use crate::model::observed::{Measure, Reading, Subject};

    impl Reading {
        /// The value in one replication; NaN where it does not exist (a share
        /// of no completions).
        pub fn read(&self, r: &RepResult) -> f64 {
            let mut t = Tally::default();
            match &self.of {
                Subject::Requests(list) => {
                    for &q in list {
                        t.add_request(r, q, self.measure, self.periods.clone());
                    }
                }
                Subject::Flows(list) => {
                    for &f in list {
                        t.add_flow(r, f, self.measure, self.periods.clone());
                    }
                }
                Subject::Workers(list) => {
                    for &s in list {
                        t.add_workers(r, s, self.periods.end - 1);
                    }
                }
            }
            t.value(self.measure)
        }
    }

    /// Sums that a windowed measure is made of.
    #[derive(Debug, Default)]
    struct Tally {
        sum: f64,
        weighted: f64,
        weight: f64,
    }

    impl Tally {
        fn add_request(&mut self, r: &RepResult, q: usize, m: Measure, periods: Range<usize>) {
            let v = |p: usize, k: RequestMetric| r.request_period(q, p, k);
            if m.is_level() {
                let last = periods.end - 1;
                let k = if m == Measure::Backlog { RequestMetric::Open } else { RequestMetric::Waiting };
                self.sum += v(last, k);
                return;
            }
            for p in periods {
                let completed = v(p, RequestMetric::Completed);
                match m {
                    Measure::Received => self.sum += v(p, RequestMetric::Arrivals),
                    Measure::Completed => self.sum += completed,
                    Measure::Decided => self.sum += v(p, RequestMetric::Decided),
                    Measure::ClosedUndecided => self.sum += v(p, RequestMetric::Withdrawn),
                    Measure::ClosedSharePct => self.share(100.0 * v(p, RequestMetric::Withdrawn), completed),
                    Measure::WithinDeadlinePct => self.mean(v(p, RequestMetric::WithinDeadlinePct), completed),
                    Measure::MeanDays => self.mean(v(p, RequestMetric::MeanDaysToCompletion), completed),
                    Measure::Backlog | Measure::Waiting | Measure::PeopleAllocated => {
                        unreachable!("levels are read above")
                    }
                }
            }
        }

        fn add_flow(&mut self, r: &RepResult, f: usize, m: Measure, periods: Range<usize>) {
            let v = |p: usize, k: FlowMetric| r.flow_period(f, p, k);
            if m.is_level() {
                let last = periods.end - 1;
                let k = if m == Measure::Backlog { FlowMetric::Open } else { FlowMetric::Waiting };
                self.sum += v(last, k);
                return;
            }
            for p in periods {
                let completed = v(p, FlowMetric::Completed);
                match m {
                    Measure::Received => self.sum += v(p, FlowMetric::Arrivals),
                    Measure::Completed => self.sum += completed,
                    Measure::WithinDeadlinePct => self.mean(v(p, FlowMetric::WithinDeadlinePct), completed),
                    Measure::MeanDays => self.mean(v(p, FlowMetric::MeanDaysToComplete), completed),
                    _ => unreachable!("the checks keep request-only measures off flows"),
                }
            }
        }

        /// People allocated per worker of scope `s` in `period`, weighted by
        /// the workers (people over people per worker), so that roles taken
        /// together give their people per worker together.
        fn add_workers(&mut self, r: &RepResult, s: usize, period: usize) {
            if r.workforce_periods.is_empty() {
                return;
            }
            let per = r.workforce_period(s, period, WorkforceMetric::PeopleAllocated);
            let total = r.workforce_period(s, period, WorkforceMetric::PeopleAllocatedTotal);
            if per > 0.0 && per.is_finite() {
                self.mean(per, total / per);
            }
        }

        /// A per-period mean (or share) over `n` items, weighted by them.
        fn mean(&mut self, v: f64, n: f64) {
            if n > 0.0 && v.is_finite() {
                self.weighted += v * n;
                self.weight += n;
            }
        }

        /// A part (already scaled) of `n` items.
        fn share(&mut self, part: f64, n: f64) {
            self.weighted += part;
            self.weight += n;
        }

        fn value(&self, m: Measure) -> f64 {
            match m {
                Measure::ClosedSharePct | Measure::WithinDeadlinePct | Measure::MeanDays | Measure::PeopleAllocated => {
                    if self.weight > 0.0 {
                        self.weighted / self.weight
                    } else {
                        f64::NAN
                    }
                }
                _ => self.sum,
            }
        }
    }
}
