//! What one replication produces, and the names of its measures.
//!
//! The metric enums are the single source of the column names and meanings
//! that the summaries, exporters and docs/outputs.md use.

/// Per flow and reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowMetric {
    Arrivals,
    Completed,
    Withdrawn,
    NotRequired,
    RenewalsCancelled,
    Waiting,
    WaitingMean,
    Open,
    Overdue,
    MeanWaitDays,
    MeanServiceDays,
    MeanDaysToComplete,
    WithinDeadlinePct,
    Unauthorised,
    UnauthorisedDays,
    Hours,
    Cost,
}

impl FlowMetric {
    pub const ALL: [FlowMetric; 17] = [
        FlowMetric::Arrivals,
        FlowMetric::Completed,
        FlowMetric::Withdrawn,
        FlowMetric::NotRequired,
        FlowMetric::RenewalsCancelled,
        FlowMetric::Waiting,
        FlowMetric::WaitingMean,
        FlowMetric::Open,
        FlowMetric::Overdue,
        FlowMetric::MeanWaitDays,
        FlowMetric::MeanServiceDays,
        FlowMetric::MeanDaysToComplete,
        FlowMetric::WithinDeadlinePct,
        FlowMetric::Unauthorised,
        FlowMetric::UnauthorisedDays,
        FlowMetric::Hours,
        FlowMetric::Cost,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            FlowMetric::Arrivals => "arrivals",
            FlowMetric::Completed => "completed",
            FlowMetric::Withdrawn => "withdrawn",
            FlowMetric::NotRequired => "not_required",
            FlowMetric::RenewalsCancelled => "renewals_cancelled",
            FlowMetric::Waiting => "waiting",
            FlowMetric::WaitingMean => "waiting_mean",
            FlowMetric::Open => "open",
            FlowMetric::Overdue => "overdue",
            FlowMetric::MeanWaitDays => "mean_wait_days",
            FlowMetric::MeanServiceDays => "mean_service_days",
            FlowMetric::MeanDaysToComplete => "mean_days_to_complete",
            FlowMetric::WithinDeadlinePct => "within_deadline_pct",
            FlowMetric::Unauthorised => "unauthorised",
            FlowMetric::UnauthorisedDays => "unauthorised_days",
            FlowMetric::Hours => "hours",
            FlowMetric::Cost => "cost",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            FlowMetric::Arrivals => "items that joined the flow in the period (new and follow-up)",
            FlowMetric::Completed => "items completed in the period",
            FlowMetric::NotRequired => {
                "open items withdrawn in the period because, after a change in the law, the person no longer needs them (part of withdrawn)"
            }
            FlowMetric::RenewalsCancelled => {
                "booked follow-ups (renewals) cancelled in the period because, after a change in the law, the person no longer needs them"
            }
            FlowMetric::Withdrawn => "items that left without completion in the period",
            FlowMetric::Waiting => "items not yet allocated to a worker at the end of the period (the backlog)",
            FlowMetric::WaitingMean => {
                "items not yet allocated, averaged over the period (the backlog, free of weekend timing)"
            }
            FlowMetric::Open => "items waiting or allocated at the end of the period",
            FlowMetric::Overdue => "open items past their deadline at the end of the period",
            FlowMetric::MeanWaitDays => "mean days from arrival to allocation, over items allocated in the period",
            FlowMetric::MeanServiceDays => {
                "mean days from allocation to completion, over items completed in the period"
            }
            FlowMetric::MeanDaysToComplete => {
                "mean days from arrival (for a later stage of a request, from the request) to completion, over items completed in the period"
            }
            FlowMetric::WithinDeadlinePct => {
                "% of items completed in the period that finished within the flow's deadline"
            }
            FlowMetric::Unauthorised => {
                "people deprived of liberty without authorisation at the end of the period (open past deadline and any extension)"
            }
            FlowMetric::UnauthorisedDays => "person-days deprived of liberty without authorisation in the period",
            FlowMetric::Hours => "staff hours given to the flow's items in the period",
            FlowMetric::Cost => {
                "the flow's cost in the period: staff hours at their role's cost per hour available (salary, on-costs, agency, overtime), and fees for bought-in assessments (£)"
            }
        }
    }
}

/// Per role and reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleMetric {
    Establishment,
    Staff,
    Vacant,
    Agency,
    Starters,
    Leavers,
    HoursAvailable,
    HoursWorked,
    HoursDols,
    UtilisationPct,
    Caseload,
    CaseloadMax,
    Assessments,
    CostStaff,
    CostAgency,
    CostBoughtIn,
    CostOvertime,
}

impl RoleMetric {
    pub const ALL: [RoleMetric; 17] = [
        RoleMetric::Establishment,
        RoleMetric::Staff,
        RoleMetric::Vacant,
        RoleMetric::Agency,
        RoleMetric::Starters,
        RoleMetric::Leavers,
        RoleMetric::HoursAvailable,
        RoleMetric::HoursWorked,
        RoleMetric::HoursDols,
        RoleMetric::UtilisationPct,
        RoleMetric::Caseload,
        RoleMetric::CaseloadMax,
        RoleMetric::Assessments,
        RoleMetric::CostStaff,
        RoleMetric::CostAgency,
        RoleMetric::CostBoughtIn,
        RoleMetric::CostOvertime,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            RoleMetric::Establishment => "establishment",
            RoleMetric::Staff => "staff",
            RoleMetric::Vacant => "vacant",
            RoleMetric::Agency => "agency",
            RoleMetric::Starters => "starters",
            RoleMetric::Leavers => "leavers",
            RoleMetric::HoursAvailable => "hours_available",
            RoleMetric::HoursWorked => "hours_worked",
            RoleMetric::HoursDols => "hours_dols",
            RoleMetric::UtilisationPct => "utilisation_pct",
            RoleMetric::Caseload => "caseload",
            RoleMetric::CaseloadMax => "caseload_max",
            RoleMetric::Assessments => "assessments",
            RoleMetric::CostStaff => "cost_staff",
            RoleMetric::CostAgency => "cost_agency",
            RoleMetric::CostBoughtIn => "cost_bought_in",
            RoleMetric::CostOvertime => "cost_overtime",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            RoleMetric::Establishment => "FTE of funded posts at the end of the period (follows the staffing plan)",
            RoleMetric::Staff => "FTE in post (employed or agency) at the end of the period",
            RoleMetric::Vacant => "FTE vacant at the end of the period",
            RoleMetric::Agency => "FTE covered by agency staff at the end of the period",
            RoleMetric::Starters => "recruits who started in the period",
            RoleMetric::Leavers => "people who left in the period",
            RoleMetric::HoursAvailable => {
                "casework hours the role could give in the period (after leave, sickness, vacancies)"
            }
            RoleMetric::HoursWorked => "casework hours given to open items in the period",
            RoleMetric::HoursDols => "casework hours given to DoLS work in the period",
            RoleMetric::UtilisationPct => "hours worked as % of hours available",
            RoleMetric::Caseload => "open items per worker in post, averaged over the period",
            RoleMetric::CaseloadMax => "largest caseload of any worker at the end of the period",
            RoleMetric::Assessments => "items the role completed in the period",
            RoleMetric::CostStaff => "salary and on-costs of employed staff in the period (£)",
            RoleMetric::CostAgency => "agency day rates paid in the period (£)",
            RoleMetric::CostBoughtIn => "fees for bought-in assessments completed in the period (£)",
            RoleMetric::CostOvertime => "overtime paid in the period (£)",
        }
    }
}

/// Per flow over the whole reported horizon of one replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKpi {
    Arrivals,
    Completed,
    Withdrawn,
    NotRequired,
    RenewalsCancelled,
    WaitingAtEnd,
    OpenAtEnd,
    MeanWaitDays,
    MeanServiceDays,
    MeanDaysToComplete,
    WithinDeadlinePct,
    MeanInSystem,
    ArrivalsPerDay,
    CompletedPerDay,
    UnauthorisedDays,
    Hours,
    Cost,
    CostPerCompleted,
}

impl FlowKpi {
    pub const ALL: [FlowKpi; 18] = [
        FlowKpi::Arrivals,
        FlowKpi::Completed,
        FlowKpi::Withdrawn,
        FlowKpi::NotRequired,
        FlowKpi::RenewalsCancelled,
        FlowKpi::WaitingAtEnd,
        FlowKpi::OpenAtEnd,
        FlowKpi::MeanWaitDays,
        FlowKpi::MeanServiceDays,
        FlowKpi::MeanDaysToComplete,
        FlowKpi::WithinDeadlinePct,
        FlowKpi::MeanInSystem,
        FlowKpi::ArrivalsPerDay,
        FlowKpi::CompletedPerDay,
        FlowKpi::UnauthorisedDays,
        FlowKpi::Hours,
        FlowKpi::Cost,
        FlowKpi::CostPerCompleted,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            FlowKpi::Arrivals => "arrivals",
            FlowKpi::Completed => "completed",
            FlowKpi::Withdrawn => "withdrawn",
            FlowKpi::NotRequired => "not_required",
            FlowKpi::RenewalsCancelled => "renewals_cancelled",
            FlowKpi::WaitingAtEnd => "waiting_at_end",
            FlowKpi::OpenAtEnd => "open_at_end",
            FlowKpi::MeanWaitDays => "mean_wait_days",
            FlowKpi::MeanServiceDays => "mean_service_days",
            FlowKpi::MeanDaysToComplete => "mean_days_to_complete",
            FlowKpi::WithinDeadlinePct => "within_deadline_pct",
            FlowKpi::MeanInSystem => "mean_in_system",
            FlowKpi::ArrivalsPerDay => "arrivals_per_day",
            FlowKpi::CompletedPerDay => "completed_per_day",
            FlowKpi::UnauthorisedDays => "unauthorised_days",
            FlowKpi::Hours => "hours",
            FlowKpi::Cost => "cost",
            FlowKpi::CostPerCompleted => "cost_per_completed",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            FlowKpi::Arrivals => "items that joined the flow over the horizon",
            FlowKpi::Completed => "items completed over the horizon",
            FlowKpi::NotRequired => {
                "open items withdrawn because, after a change in the law, the person no longer needs them (part of withdrawn)"
            }
            FlowKpi::RenewalsCancelled => {
                "booked follow-ups (renewals) cancelled because, after a change in the law, the person no longer needs them"
            }
            FlowKpi::Withdrawn => "items withdrawn over the horizon",
            FlowKpi::WaitingAtEnd => "items unallocated at the end of the horizon",
            FlowKpi::OpenAtEnd => "items waiting or allocated at the end of the horizon",
            FlowKpi::MeanWaitDays => "mean days from arrival to allocation (items that arrived in the horizon)",
            FlowKpi::MeanServiceDays => {
                "mean days from allocation to completion (items that arrived and completed in the horizon)"
            }
            FlowKpi::MeanDaysToComplete => {
                "mean days from arrival (for a later stage of a request, from the request) to completion (items whose case began and completed in the horizon)"
            }
            FlowKpi::WithinDeadlinePct => "% of completions within the deadline",
            FlowKpi::MeanInSystem => "time-average number of items waiting or allocated",
            FlowKpi::ArrivalsPerDay => "arrivals per day",
            FlowKpi::CompletedPerDay => "completions per day",
            FlowKpi::UnauthorisedDays => "person-days deprived of liberty without authorisation",
            FlowKpi::Hours => "staff hours given to the flow over the horizon",
            FlowKpi::Cost => "the flow's cost (staff time and fees) over the horizon (£)",
            FlowKpi::CostPerCompleted => "the flow's cost over the horizon per item completed (£)",
        }
    }
}

/// Per request (a flow's stages taken as one) and reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestMetric {
    Arrivals,
    Completed,
    Decided,
    Withdrawn,
    NotRequired,
    RenewalsCancelled,
    Waiting,
    Open,
    WithinDeadlinePct,
    DecidedWithinDeadlinePct,
    MeanDaysToCompletion,
    MeanDaysToDecision,
    Unauthorised,
    UnauthorisedDays,
    Hours,
    Cost,
}

impl RequestMetric {
    pub const ALL: [RequestMetric; 16] = [
        RequestMetric::Arrivals,
        RequestMetric::Completed,
        RequestMetric::Decided,
        RequestMetric::Withdrawn,
        RequestMetric::NotRequired,
        RequestMetric::RenewalsCancelled,
        RequestMetric::Waiting,
        RequestMetric::Open,
        RequestMetric::WithinDeadlinePct,
        RequestMetric::DecidedWithinDeadlinePct,
        RequestMetric::MeanDaysToCompletion,
        RequestMetric::MeanDaysToDecision,
        RequestMetric::Unauthorised,
        RequestMetric::UnauthorisedDays,
        RequestMetric::Hours,
        RequestMetric::Cost,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            RequestMetric::Arrivals => "arrivals",
            RequestMetric::Completed => "completed",
            RequestMetric::Decided => "decided",
            RequestMetric::Withdrawn => "withdrawn",
            RequestMetric::NotRequired => "not_required",
            RequestMetric::RenewalsCancelled => "renewals_cancelled",
            RequestMetric::Waiting => "waiting",
            RequestMetric::Open => "open",
            RequestMetric::WithinDeadlinePct => "within_deadline_pct",
            RequestMetric::DecidedWithinDeadlinePct => "decided_within_deadline_pct",
            RequestMetric::MeanDaysToCompletion => "mean_days_to_completion",
            RequestMetric::MeanDaysToDecision => "mean_days_to_decision",
            RequestMetric::Unauthorised => "unauthorised",
            RequestMetric::UnauthorisedDays => "unauthorised_days",
            RequestMetric::Hours => "hours",
            RequestMetric::Cost => "cost",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            RequestMetric::Arrivals => "requests received in the period (new and renewals)",
            RequestMetric::Completed => {
                "requests completed in the period as councils' DoLS returns count them: decided, or closed without a decision"
            }
            RequestMetric::Decided => "requests decided (their last stage completed) in the period",
            RequestMetric::NotRequired => {
                "requests withdrawn in the period because, after a change in the law, the person no longer needs authorisation (part of withdrawn)"
            }
            RequestMetric::RenewalsCancelled => {
                "renewals cancelled in the period because, after a change in the law, the person no longer needs authorisation"
            }
            RequestMetric::Withdrawn => {
                "requests that ended without a decision in the period (the person died, moved or was discharged)"
            }
            RequestMetric::Waiting => {
                "requests waiting at any stage for someone to take them, at the end of the period"
            }
            RequestMetric::Open => "requests not yet decided, at any stage, at the end of the period: the backlog",
            RequestMetric::WithinDeadlinePct => {
                "% of requests completed in the period (decided or closed without a decision, as DoLS returns count them) that were completed within the deadline"
            }
            RequestMetric::DecidedWithinDeadlinePct => {
                "% of requests decided in the period that were decided within the deadline"
            }
            RequestMetric::MeanDaysToCompletion => {
                "mean days from request to completion (decision or closure without one, as DoLS returns count them), over requests completed in the period"
            }
            RequestMetric::MeanDaysToDecision => {
                "mean days from request to decision, over requests decided in the period"
            }
            RequestMetric::Unauthorised => {
                "people deprived of liberty without authorisation while their request waits, at the end of the period"
            }
            RequestMetric::UnauthorisedDays => "person-days without authorisation in the period",
            RequestMetric::Hours => "staff hours given to the requests' stages in the period",
            RequestMetric::Cost => "the requests' cost in the period: staff time and fees at every stage (£)",
        }
    }
}

/// Per request over the whole reported horizon of one replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKpi {
    Arrivals,
    Completed,
    Decided,
    Withdrawn,
    NotRequired,
    RenewalsCancelled,
    WaitingAtEnd,
    OpenAtEnd,
    WithinDeadlinePct,
    DecidedWithinDeadlinePct,
    MeanDaysToCompletion,
    MeanDaysToDecision,
    UnauthorisedDays,
    Hours,
    Cost,
    CostPerDecision,
}

impl RequestKpi {
    pub const ALL: [RequestKpi; 16] = [
        RequestKpi::Arrivals,
        RequestKpi::Completed,
        RequestKpi::Decided,
        RequestKpi::Withdrawn,
        RequestKpi::NotRequired,
        RequestKpi::RenewalsCancelled,
        RequestKpi::WaitingAtEnd,
        RequestKpi::OpenAtEnd,
        RequestKpi::WithinDeadlinePct,
        RequestKpi::DecidedWithinDeadlinePct,
        RequestKpi::MeanDaysToCompletion,
        RequestKpi::MeanDaysToDecision,
        RequestKpi::UnauthorisedDays,
        RequestKpi::Hours,
        RequestKpi::Cost,
        RequestKpi::CostPerDecision,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            RequestKpi::Arrivals => "arrivals",
            RequestKpi::Completed => "completed",
            RequestKpi::Decided => "decided",
            RequestKpi::Withdrawn => "withdrawn",
            RequestKpi::NotRequired => "not_required",
            RequestKpi::RenewalsCancelled => "renewals_cancelled",
            RequestKpi::WaitingAtEnd => "waiting_at_end",
            RequestKpi::OpenAtEnd => "open_at_end",
            RequestKpi::WithinDeadlinePct => "within_deadline_pct",
            RequestKpi::DecidedWithinDeadlinePct => "decided_within_deadline_pct",
            RequestKpi::MeanDaysToCompletion => "mean_days_to_completion",
            RequestKpi::MeanDaysToDecision => "mean_days_to_decision",
            RequestKpi::UnauthorisedDays => "unauthorised_days",
            RequestKpi::Hours => "hours",
            RequestKpi::Cost => "cost",
            RequestKpi::CostPerDecision => "cost_per_decision",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            RequestKpi::Arrivals => "requests received over the horizon (new and renewals)",
            RequestKpi::Completed => {
                "requests completed over the horizon as DoLS returns count them: decided, or closed without a decision"
            }
            RequestKpi::Decided => "requests decided over the horizon",
            RequestKpi::NotRequired => {
                "requests withdrawn because, after a change in the law, the person no longer needs authorisation (part of withdrawn)"
            }
            RequestKpi::RenewalsCancelled => {
                "renewals cancelled because, after a change in the law, the person no longer needs authorisation"
            }
            RequestKpi::Withdrawn => "requests that ended without a decision over the horizon",
            RequestKpi::WaitingAtEnd => "requests waiting at any stage at the end of the horizon",
            RequestKpi::OpenAtEnd => "requests not yet decided at the end of the horizon: the backlog",
            RequestKpi::WithinDeadlinePct => {
                "% of requests completed (decided or closed without a decision, as DoLS returns count them) within the deadline"
            }
            RequestKpi::DecidedWithinDeadlinePct => "% of requests decided that were decided within the deadline",
            RequestKpi::MeanDaysToCompletion => {
                "mean days from request to completion, decision or closure (requests made and completed in the horizon)"
            }
            RequestKpi::MeanDaysToDecision => {
                "mean days from request to decision (requests made and decided in the horizon)"
            }
            RequestKpi::UnauthorisedDays => "person-days without authorisation",
            RequestKpi::Hours => "staff hours given to the requests over the horizon",
            RequestKpi::Cost => "the requests' cost (staff time and fees) over the horizon (£)",
            RequestKpi::CostPerDecision => "the requests' cost over the horizon per request decided (£)",
        }
    }
}

/// Per role over the whole reported horizon of one replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleKpi {
    UtilisationPct,
    Caseload,
    HoursAvailable,
    HoursWorked,
    HoursDols,
    HoursDolsSetAside,
    Cost,
}

impl RoleKpi {
    pub const ALL: [RoleKpi; 7] = [
        RoleKpi::UtilisationPct,
        RoleKpi::Caseload,
        RoleKpi::HoursAvailable,
        RoleKpi::HoursWorked,
        RoleKpi::HoursDols,
        RoleKpi::HoursDolsSetAside,
        RoleKpi::Cost,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            RoleKpi::UtilisationPct => "utilisation_pct",
            RoleKpi::Caseload => "caseload",
            RoleKpi::HoursAvailable => "hours_available",
            RoleKpi::HoursWorked => "hours_worked",
            RoleKpi::HoursDols => "hours_dols",
            RoleKpi::HoursDolsSetAside => "hours_dols_set_aside",
            RoleKpi::Cost => "cost",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            RoleKpi::UtilisationPct => "hours worked as % of hours available",
            RoleKpi::Caseload => "time-average open items per worker",
            RoleKpi::HoursAvailable => "casework hours the role could give over the horizon",
            RoleKpi::HoursWorked => "casework hours given over the horizon",
            RoleKpi::HoursDols => "casework hours given to DoLS over the horizon",
            RoleKpi::HoursDolsSetAside => {
                "casework hours set aside for DoLS under a fixed share over the horizon, used or not (the weekly \
share is of contracted hours, not reduced for leave)"
            }
            RoleKpi::Cost => "all costs of the role over the horizon (£)",
        }
    }
}

/// Whole-scenario measures per reporting period: sums over flows and
/// roles taken within each replication, so their bands are bands of sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalMetric {
    DolsWaiting,
    DolsOpen,
    Unauthorised,
    UnauthorisedDays,
    DolsHoursDualRole,
    LatentUnidentified,
    CostStaff,
    CostAgency,
    CostBoughtIn,
    CostOvertime,
    CostTotal,
    CostCumulative,
    DolsHours,
    DolsCost,
    CostUnallocated,
}

impl TotalMetric {
    pub const ALL: [TotalMetric; 15] = [
        TotalMetric::DolsWaiting,
        TotalMetric::DolsOpen,
        TotalMetric::Unauthorised,
        TotalMetric::UnauthorisedDays,
        TotalMetric::DolsHoursDualRole,
        TotalMetric::LatentUnidentified,
        TotalMetric::CostStaff,
        TotalMetric::CostAgency,
        TotalMetric::CostBoughtIn,
        TotalMetric::CostOvertime,
        TotalMetric::CostTotal,
        TotalMetric::CostCumulative,
        TotalMetric::DolsHours,
        TotalMetric::DolsCost,
        TotalMetric::CostUnallocated,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            TotalMetric::DolsWaiting => "dols_waiting",
            TotalMetric::DolsOpen => "dols_open",
            TotalMetric::Unauthorised => "unauthorised",
            TotalMetric::UnauthorisedDays => "unauthorised_days",
            TotalMetric::DolsHoursDualRole => "dols_hours_dual_role",
            TotalMetric::LatentUnidentified => "latent_unidentified",
            TotalMetric::CostStaff => "cost_staff",
            TotalMetric::CostAgency => "cost_agency",
            TotalMetric::CostBoughtIn => "cost_bought_in",
            TotalMetric::CostOvertime => "cost_overtime",
            TotalMetric::CostTotal => "cost_total",
            TotalMetric::CostCumulative => "cost_cumulative",
            TotalMetric::DolsHours => "dols_hours",
            TotalMetric::DolsCost => "dols_cost",
            TotalMetric::CostUnallocated => "cost_unallocated",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            TotalMetric::DolsWaiting => "DoLS items not yet allocated at the end of the period",
            TotalMetric::DolsOpen => "DoLS items waiting or in progress at the end of the period: the DoLS backlog",
            TotalMetric::Unauthorised => "people deprived of liberty without authorisation at the end of the period",
            TotalMetric::UnauthorisedDays => "person-days without authorisation in the period",
            TotalMetric::DolsHoursDualRole => {
                "hours that workers with both care management and DoLS skills gave to DoLS: care management hours lost"
            }
            TotalMetric::LatentUnidentified => "people in latent pools not yet identified at the end of the period",
            TotalMetric::CostStaff => "employed staff cost in the period (£)",
            TotalMetric::CostAgency => "agency cost in the period (£)",
            TotalMetric::CostBoughtIn => "bought-in assessment fees in the period (£)",
            TotalMetric::CostOvertime => "overtime cost in the period (£)",
            TotalMetric::CostTotal => "all costs in the period (£)",
            TotalMetric::CostCumulative => "all costs from the start to the end of the period (£)",
            TotalMetric::DolsHours => "staff hours given to DoLS work in the period, by any role",
            TotalMetric::DolsCost => {
                "the cost of DoLS work in the period: staff hours at their cost per hour, and fees (£)"
            }
            TotalMetric::CostUnallocated => {
                "staff cost of hours available but given to no work in the period (£); with the work's costs it makes up the staff, agency and overtime cost"
            }
        }
    }

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

/// Per area of a scenario of areas (a council in a region), over the
/// horizon: sums over its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaMetric {
    Decided,
    OpenAtEnd,
    WithinDeadlinePct,
    UnauthorisedDays,
}

impl AreaMetric {
    pub const ALL: [AreaMetric; 4] =
        [AreaMetric::Decided, AreaMetric::OpenAtEnd, AreaMetric::WithinDeadlinePct, AreaMetric::UnauthorisedDays];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            AreaMetric::Decided => "decided",
            AreaMetric::OpenAtEnd => "open_at_end",
            AreaMetric::WithinDeadlinePct => "within_deadline_pct",
            AreaMetric::UnauthorisedDays => "unauthorised_days",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            AreaMetric::Decided => "requests of every kind decided over the horizon",
            AreaMetric::OpenAtEnd => "requests not yet decided at the end: the area's backlog",
            AreaMetric::WithinDeadlinePct => {
                "% of requests decided within their own deadline (7 days urgent, 21 standard)"
            }
            AreaMetric::UnauthorisedDays => "person-days deprived of liberty without authorisation over the horizon",
        }
    }

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

/// Per financial year (April to March): sums of the periods that start in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearMetric {
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

impl YearMetric {
    pub const ALL: [YearMetric; 9] = [
        YearMetric::CostStaff,
        YearMetric::CostAgency,
        YearMetric::CostBoughtIn,
        YearMetric::CostOvertime,
        YearMetric::CostTotal,
        YearMetric::DolsHours,
        YearMetric::DolsCost,
        YearMetric::CostUnallocated,
        YearMetric::UnauthorisedDays,
    ];
    pub const COUNT: usize = Self::ALL.len();

    /// The period measure a year's figure adds up.
    pub fn total(self) -> TotalMetric {
        match self {
            YearMetric::CostStaff => TotalMetric::CostStaff,
            YearMetric::CostAgency => TotalMetric::CostAgency,
            YearMetric::CostBoughtIn => TotalMetric::CostBoughtIn,
            YearMetric::CostOvertime => TotalMetric::CostOvertime,
            YearMetric::CostTotal => TotalMetric::CostTotal,
            YearMetric::DolsHours => TotalMetric::DolsHours,
            YearMetric::DolsCost => TotalMetric::DolsCost,
            YearMetric::CostUnallocated => TotalMetric::CostUnallocated,
            YearMetric::UnauthorisedDays => TotalMetric::UnauthorisedDays,
        }
    }

    pub fn name(self) -> &'static str {
        self.total().name()
    }
}

/// A budget line's test in a year: whether the cost went over, and by how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetMetric {
    /// 1 when the year's cost is over the budget, else 0 (its mean over
    /// replications is the probability of overspending).
    Over,
    /// How much over (0 when within): its mean is the expected overspend.
    Overspend,
    /// The year's cost on the line.
    Spend,
}

impl BudgetMetric {
    pub const ALL: [BudgetMetric; 3] = [BudgetMetric::Over, BudgetMetric::Overspend, BudgetMetric::Spend];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            BudgetMetric::Over => "over_budget",
            BudgetMetric::Overspend => "overspend",
            BudgetMetric::Spend => "spend",
        }
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

/// Per role, team or the whole workforce, and reporting period: caseloads
/// of people, supervision and development, and workforce rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkforceMetric {
    PeopleAllocated,
    PeopleAllocatedTotal,
    PeopleAllocatedMax,
    OverThresholdPct,
    PeopleWaiting,
    CompletedPerWorkerYear,
    Caseload,
    SupervisionPlannedHours,
    SupervisionDeliveredHours,
    SupervisionDeliveredPct,
    DevelopmentHours,
    VacancyPct,
    AgencyPct,
    TurnoverPct,
    SicknessDays,
    AsyeInPost,
    AsyeProtectedPct,
    Staff,
    UtilisationPct,
}

impl WorkforceMetric {
    pub const ALL: [WorkforceMetric; 19] = [
        WorkforceMetric::PeopleAllocated,
        WorkforceMetric::PeopleAllocatedTotal,
        WorkforceMetric::PeopleAllocatedMax,
        WorkforceMetric::OverThresholdPct,
        WorkforceMetric::PeopleWaiting,
        WorkforceMetric::CompletedPerWorkerYear,
        WorkforceMetric::Caseload,
        WorkforceMetric::SupervisionPlannedHours,
        WorkforceMetric::SupervisionDeliveredHours,
        WorkforceMetric::SupervisionDeliveredPct,
        WorkforceMetric::DevelopmentHours,
        WorkforceMetric::VacancyPct,
        WorkforceMetric::AgencyPct,
        WorkforceMetric::TurnoverPct,
        WorkforceMetric::SicknessDays,
        WorkforceMetric::AsyeInPost,
        WorkforceMetric::AsyeProtectedPct,
        WorkforceMetric::Staff,
        WorkforceMetric::UtilisationPct,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            WorkforceMetric::PeopleAllocated => "people_allocated",
            WorkforceMetric::PeopleAllocatedTotal => "people_allocated_total",
            WorkforceMetric::PeopleAllocatedMax => "people_allocated_max",
            WorkforceMetric::OverThresholdPct => "over_threshold_pct",
            WorkforceMetric::PeopleWaiting => "people_waiting",
            WorkforceMetric::CompletedPerWorkerYear => "completed_per_worker_year",
            WorkforceMetric::Caseload => "caseload",
            WorkforceMetric::SupervisionPlannedHours => "supervision_planned_hours",
            WorkforceMetric::SupervisionDeliveredHours => "supervision_delivered_hours",
            WorkforceMetric::SupervisionDeliveredPct => "supervision_delivered_pct",
            WorkforceMetric::DevelopmentHours => "development_hours",
            WorkforceMetric::VacancyPct => "vacancy_pct",
            WorkforceMetric::AgencyPct => "agency_pct",
            WorkforceMetric::TurnoverPct => "turnover_pct",
            WorkforceMetric::SicknessDays => "sickness_days",
            WorkforceMetric::AsyeInPost => "asye_in_post",
            WorkforceMetric::AsyeProtectedPct => "asye_protected_pct",
            WorkforceMetric::Staff => "staff",
            WorkforceMetric::UtilisationPct => "utilisation_pct",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            WorkforceMetric::PeopleAllocated => {
                "people allocated per worker in post, averaged over time: as social workers count a caseload (people with open work, and people kept allocated after it)"
            }
            WorkforceMetric::PeopleAllocatedTotal => "people allocated to the workers, averaged over time",
            WorkforceMetric::PeopleAllocatedMax => "most people allocated to one worker at the end of the period",
            WorkforceMetric::OverThresholdPct => {
                "% of workers in post with more people allocated than their role's caseload threshold, at the end of the period"
            }
            WorkforceMetric::PeopleWaiting => {
                "people waiting for allocation at the end of the period: waiting items of people's work, and people kept on vacant posts (teams and everyone only)"
            }
            WorkforceMetric::CompletedPerWorkerYear => {
                "items of people's work completed per FTE in post, a year: the measure the seed council called 'average worker case load' (assessments and reviews completed / workers)"
            }
            WorkforceMetric::Caseload => {
                "open items (pieces of work in progress) per worker in post, averaged over time"
            }
            WorkforceMetric::SupervisionPlannedHours => "supervision hours due to workers in post in the period",
            WorkforceMetric::SupervisionDeliveredHours => "supervision hours given in the period",
            WorkforceMetric::SupervisionDeliveredPct => "supervision hours given as % of hours due",
            WorkforceMetric::DevelopmentHours => "hours of protected development time (CPD, ASYE) taken in the period",
            WorkforceMetric::VacancyPct => {
                "FTE without an employed holder (vacant or covered by agency) as % of the establishment, averaged over time"
            }
            WorkforceMetric::AgencyPct => "agency FTE as % of FTE in post, averaged over time",
            WorkforceMetric::TurnoverPct => "leavers as % of employed FTE, a year",
            WorkforceMetric::SicknessDays => "working days lost to sickness per FTE in post, a year",
            WorkforceMetric::AsyeInPost => "newly qualified (ASYE) workers in post at the end of the period",
            WorkforceMetric::AsyeProtectedPct => {
                "% of ASYE workers in post whose people allocated are within their protected caseload (the role's threshold times asye_share), at the end of the period"
            }
            WorkforceMetric::Staff => "FTE in post (employed or agency) at the end of the period",
            WorkforceMetric::UtilisationPct => "casework hours worked as % of hours available",
        }
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

    use super::{FlowMetric, RepResult, RequestMetric};
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
                Subject::Flow(f) => t.add_flow(r, *f, self.measure, self.periods.clone()),
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
                    Measure::Backlog | Measure::Waiting => unreachable!("levels are read above"),
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
                Measure::ClosedSharePct | Measure::WithinDeadlinePct | Measure::MeanDays => {
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
