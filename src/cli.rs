//! Command-line arguments (clap) and their conversion to checked options.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::backtest::supply::SupplyRule;
use crate::history::TrendForm;
use crate::scenario::Change;
use crate::shard::Shard;
use crate::staff::Dim;
use crate::staff::target::WrittenTarget;

#[derive(Debug, Parser)]
#[command(
    name = "caseflow",
    version,
    about = "Workforce capacity and DoLS demand planning for adult social care",
    long_about = "caseflow simulates the flows of adult social care work (contacts, Care Act \
assessments, reviews, safeguarding, DoLS) against a workforce, many times over, and reports \
backlogs, waiting times, caseloads and deadline breaches with P10/P50/P90 bands.",
    after_help = "Examples:\
\n  caseflow run scenarios/quickstart.toml\
\n  caseflow run scenarios/quickstart.toml --replications 2000 --seed 7 \\\
\n      --threads 2\
\n  caseflow run scenarios/halton-2015-baseline.toml --set \\\
\n      roles.social_worker_bia.fte=22\
\n  caseflow run scenarios/halton-2015-baseline.toml --precision 3%\
\n  caseflow run scenarios/halton-2015-baseline.toml -n 3000 --shard 1/3 \\\
\n      --out shards                            (and 2/3, 3/3; then:)\
\n  caseflow merge shards\
\n  caseflow validate scenarios/*.toml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write its tables under reports/<scenario>/
    #[command(after_help = "Examples:\
\n  caseflow run scenarios/quickstart.toml\
\n  caseflow run scenarios/quickstart.toml --replications 200 --out /tmp/reports\
\n  caseflow run scenarios/halton-2015-baseline.toml --set scenario.years=5\
\n  caseflow run scenarios/halton-2015-baseline.toml --set \\\
\n      roles.social_worker_bia.fte=22 --set scenario.name=plus-3-bias\
\n  caseflow run scenarios/halton-2015-baseline.toml --precision 3%\
\n  caseflow run scenarios/quickstart.toml --replications auto \\\
\n      --max-replications 5000\
\n  caseflow run scenarios/halton-2015-baseline.toml -n 3000 --shard 2/3 \\\
\n      --out shards\
\n\
\n--precision (or --replications auto, which is --precision 2%) adds\
\nreplications 100 at a time until the 95% confidence interval of every headline\
\nfigure is within that share of it; the report says how many it took, and that\
\nnumber (--replications N) reproduces it. --shard I/N runs part I of N of the\
\nreplications and writes it to <OUT>/<scenario>-shards/shard-I-of-N.parquet;\
\nonce every part has run, caseflow merge writes the report.")]
    Run(RunArgs),
    /// Run scenarios on the same simulated futures and compare them
    #[command(after_help = "Examples:\
\n  caseflow compare scenarios/halton-2015-baseline.toml \\\
\n      scenarios/halton-2015-more-bias.toml\
\n  caseflow compare a.toml b.toml c.toml --replications 500 --out /tmp/reports\
\n  caseflow compare scenarios/halton-2015-baseline.toml \\\
\n      scenarios/halton-2015-more-bias.toml --set scenario.years=5\
\n  caseflow compare scenarios/halton-2015-baseline.toml \\\
\n      scenarios/halton-2015-independent-bias.toml --at 12\
\n\
\nThe first scenario is the baseline; the others are compared with it. --set\
\nchanges every scenario alike.")]
    Compare(CompareArgs),
    /// Find the smallest staffing that meets targets
    #[command(after_help = "Examples:\
\n  caseflow staff scenarios/halton-2015-baseline.toml \\\
\n      --vary roles.social_worker_bia.fte=10..40 \\\
\n      --target \"standard_dols.within_deadline >= 80% at month 12\"\
\n  caseflow staff scenarios/halton-2015-independent-bias.toml --vary \\\
\n      roles.independent_bia.per_week=0..20 --budget 9.5m \\\
\n      --target \"standard_dols.within_deadline >= 80% at month 12\"\
\n  caseflow staff scenarios/mm20.toml --vary roles.server.count=15..30 \\\
\n      --target \"work.mean_wait_days <= 0.5 with probability 0.5\"\
\n\
\nTargets: NAME.MEASURE OP VALUE [at month N] [with probability P]\
\n  NAME     a request, flow or role of the scenario, or total\
\n  MEASURE  a measure as the tables name it (kpis.csv; request_periods.csv\
\n           etc. with 'at month'), or: within_deadline, backlog, cost,\
\n           p90_wait (a flow's P90 days waiting), utilisation\
\n  OP       >=, <=, > or <;   VALUE  80%, 28, 50, 9.5m\
\n  Without 'at month N' a measure is over the whole horizon; without a\
\n  probability, 0.9.\
\n\
\nThe first --vary is searched by bisection (more of it is taken to be better);\
\nfurther --vary keys form a grid. Candidates share the same simulated futures\
\n(common random numbers).")]
    Staff(StaffArgs),
    /// Find the values a council does not know so that the model reproduces where it stands today
    #[command(after_help = "Examples:\
\n  caseflow calibrate scenarios/dols-2026.toml\
\n  caseflow calibrate scenarios/halton-2015-baseline.toml --replications 100\
\n  caseflow calibrate my-council.toml --fit \\\
\n      roles.social_worker_bia.dols_share=0.05..0.5 --write \\\
\n      my-council-calibrated.toml\
\n\
\nThe scenario's [[observed]] entries say where the council stands (its DoLS\
\nbacklog, % completed within 21 days, mean days, completions, waiting lists,\
\neach at a date or over a year); its [[calibrate]] entries (or --fit) say which\
\nvalues the council does not know and the range each may take. Every candidate\
\nis simulated on the same futures (common random numbers); a space-filling\
\nstart and Nelder-Mead find the values whose simulated means come closest. The\
\nresult is an overlay of the scenario (base = the original) with those values,\
\nand a report of observed against simulated. caseflow run on the overlay checks\
\nitself against the same observed figures.")]
    Calibrate(CalibrateArgs),
    /// Make a scenario from a council profile: the figures a council has, national defaults for the rest
    #[command(after_help = "Examples:\
\n  caseflow new --template my-council.xlsx   (a blank profile; or .toml)\
\n  caseflow new my-council.xlsx              (writes scenarios/<name>.toml)\
\n  caseflow new docs/profile-example.toml --out /tmp/northmoor.toml\
\n  caseflow new my-council.toml --calibrate  (then <name>-calibrated.toml)\
\n  caseflow new my-council.toml --ruling central   (with the 2 June 2026 ruling)\
\n\
\nA profile gives population, staff in post by role (FTE, vacancies, agency),\
\nDoLS requests a year, the backlog today, % of standard requests completed\
\nwithin 21 days and mean days last year, Care Act activity and waiting lists,\
\nand budgets (docs/profile.md lists every figure). Each value it does not give\
\nis a national default, written into the scenario with its source and listed in\
\nevery report as an assumption to check. Where the council stands becomes the\
\nscenario's [[observed]] figures, which caseflow calibrate makes the model\
\nreproduce. With a [caseloads] table (people allocated per worker today, safe\
\ncaseloads) the scenario is ready for caseflow health-check.")]
    New(NewArgs),
    /// Fit demand (or turnover) to a history CSV and print it as scenario TOML
    #[command(after_help = "Examples:\
\n  caseflow fit data/synthetic-activity.csv\
\n  caseflow fit data/national-dols.csv --flows dols_received --step 2014-03-19 \\\
\n      --until 2017-03-31 --trend damped\
\n  caseflow fit data/synthetic-staff.csv\
\n\
\nActivity history has columns period,flow,count; staff history has\
\nperiod,role,starters,leavers,in_post[,vacancies]. Periods: 2014/15 (financial\
\nyear), 2015-04 (month), 2015 (year), 2015-04-06 (day), 2014-04-01..2014-09-30.")]
    Fit(FitArgs),
    /// Fit on history up to a date, simulate the rest, and report how often the actual counts fall in the bands
    #[command(after_help = "Examples:\
\n  caseflow backtest scenarios/national-dols.toml data/national-dols.csv \\\
\n      --train-until 2017-03-31 --step 2014-03-19 --trend damped\
\n  caseflow backtest scenarios/national-dols-supply.toml \\\
\n      data/national-dols.csv --observed data/national-dols-snapshots.csv \\\
\n      --train-until 2019-03-31 --step 2014-03-19 --trend damped")]
    Backtest(BacktestArgs),
    /// Write one replication's arrivals and staffing as history CSVs
    #[command(after_help = "Example:\
\n  caseflow history scenarios/synthetic-council.toml --seed 2024 \\\
\n      --out data/synthetic --force")]
    History(HistoryArgs),
    /// The principal social worker's annual health check: last year observed, the year ahead simulated, rated against the employer standards
    #[command(
        name = "health-check",
        after_help = "Examples:\
\n  caseflow health-check scenarios/health-check-example.toml \\\
\n      --staff-history data/health-check-example-staff.csv \\\
\n      --activity-history data/health-check-example-activity.csv\
\n  caseflow health-check scenarios/health-check-example.toml \\\
\n      --staff-history S.csv --activity-history A.csv \\\
\n      --previous reports/health-check-fenmouth-2026 --out reports/2027\
\n  caseflow health-check scenarios/health-check-example.toml \\\
\n      --staff-history S.csv --activity-history A.csv \\\
\n      --set health_check.caseload.social_worker=18 --no-search\
\n\
\nThe scenario describes today's position (staff, vacancies, people allocated,\
\nwork waiting) and has a [health_check] table with each role's safe caseload\
\n(people allocated per worker). For your own council: a council profile with a\
\n[caseloads] table, made into a scenario by caseflow new and calibrated, has\
\none (docs/psw.md). The year ahead is simulated from the scenario's start for\
\none year. Staff history: period,role,starters,leavers,in_post[,vacancies,\
\nagency,sickness_days,asye,asye_protected,people_allocated,supervision_due_hours,\
\nsupervision_given_hours]; activity history: period,flow,count[,completed].\
\nLast year is the last twelve months of the staff history. --previous takes the\
\nfolder last year's health check wrote (or its health_check.csv)."
    )]
    HealthCheck(HealthArgs),
    /// Combine the shards of a run (caseflow run --shard) into its report
    #[command(after_help = "Examples:\
\n  caseflow run scenarios/halton-2015-baseline.toml -n 3000 --shard 1/3 \\\
\n      --out shards                            (and 2/3, 3/3, anywhere)\
\n  caseflow merge shards\
\n  caseflow merge shards/halton-2015-baseline-shards --out /tmp/reports --force\
\n\
\nThe report is the one caseflow run with the same scenario, seed and\
\nreplications writes, byte for byte. The scenario is read again from the file\
\nthe shards ran (give --scenario if it has moved); it must not have changed.\
\nShards of different scenarios, seeds or splits, a shard given twice, or a\
\nshard missing are refused.")]
    Merge(MergeArgs),
    /// Open the what-if page: choose a scenario, change staff, demand and budgets, run, compare, download
    #[command(after_help = "Examples:\
\n  caseflow serve\
\n  caseflow serve my-council.toml --port 8090\
\n  caseflow serve --bind 0.0.0.0 --port 8080\
\n      (other machines need the token printed with the URL)\
\n\
\nThe page offers the scenarios in --scenarios (default: scenarios/) and the\
\nfiles given, and takes uploads whose base, if any, is one of those. It listens\
\non 127.0.0.1 unless --bind says otherwise; everything it serves is built in.")]
    Serve(ServeArgs),
    /// Check scenario files without running them
    #[command(after_help = "Examples:\
\n  caseflow validate scenarios/*.toml\
\n  caseflow validate --resolved scenarios/halton-2015-more-bias.toml\
\n  caseflow validate scenarios/halton-2015-baseline.toml --set \\\
\n      roles.social_worker_bia.fte=22")]
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario files to offer besides those in --scenarios
    pub files: Vec<PathBuf>,
    /// Folder of the scenarios to offer (and the only bases an upload may name)
    #[arg(long, default_value = "scenarios", value_name = "DIR")]
    pub scenarios: PathBuf,
    /// Address to listen on; any but loopback needs the token printed with the URL
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The most runs (or comparisons, or searches) at once
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub max_runs: u64,
    /// The most replications one request may ask for
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(10..=1_000_000))]
    pub max_replications: u64,
    /// The most bytes an uploaded scenario may have
    #[arg(long, default_value_t = 256 * 1024, value_parser = clap::value_parser!(u64).range(1024..=16_777_216))]
    pub max_upload: u64,
    /// Worker threads for the simulations (default: one per core)
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files (TOML)
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Print each scenario as checked: its bases and --set changes merged in
    #[arg(long)]
    pub resolved: bool,
    #[command(flatten)]
    pub changes: Changes,
}

/// Changes on top of scenario files, shared by every command that reads one.
#[derive(Debug, Args, Clone, Default)]
pub struct Changes {
    /// Change one value of the scenario, e.g. --set roles.social_worker_bia.fte=22
    /// (repeatable). Lists of named tables are entered by name
    /// (flows.contact.diverted_share=0.05); the value is TOML.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = change)]
    pub set: Vec<Change>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML)
    pub scenario: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Add replications until the 95% confidence interval of every headline figure is within
    /// this share of it, e.g. 2% or 0.5% (--replications auto is 2%)
    #[arg(long, value_name = "PCT", value_parser = tolerance)]
    pub precision: Option<f64>,
    /// The most replications --precision may run [default: 20000]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub max_replications: Option<u64>,
    /// Run part I of N of the replications and write it to <OUT>/<scenario name>-shards/ for caseflow merge
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Folder for reports; results go to <OUT>/<scenario name>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Replace the report folder if it is there from an earlier run
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folders holding shard-I-of-N.parquet files (their subfolders are searched too), or the files
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// The scenario file, if it is no longer where the shards read it (it must resolve to the same scenario)
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Folder for reports; results go to <OUT>/<scenario name>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Replace the report folder if it is there from an earlier run
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files (TOML): the baseline first
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub changes: Changes,
    /// Compare at the end of this reporting period (e.g. 12: month 12) rather than over the whole horizon
    #[arg(long, value_name = "PERIOD")]
    pub at: Option<u32>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Folder for reports; results go to <OUT>/compare-<a>-vs-<b>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Replace the report folder if it is there from an earlier run
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct StaffArgs {
    /// Scenario file (TOML)
    pub scenario: PathBuf,
    /// A key to vary over a range: KEY=LO..HI[:STEP] or KEY=A,B,C (repeatable; the first is bisected)
    #[arg(long = "vary", required = true, value_name = "KEY=RANGE")]
    pub vary: Vec<Dim>,
    /// A target every answer must meet (repeatable); see below
    #[arg(long = "target", value_name = "TARGET")]
    pub targets: Vec<WrittenTarget>,
    /// The most the total cost over the horizon may be (e.g. 9.5m)
    #[arg(long, value_name = "AMOUNT")]
    pub budget: Option<String>,
    #[command(flatten)]
    pub changes: Changes,
    /// Replications for each candidate while searching
    #[arg(long, short = 'n', default_value_t = 200, value_parser = clap::value_parser!(u64).range(10..=1_000_000))]
    pub replications: u64,
    /// Replications to confirm the answer with
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..=10_000_000))]
    pub confirm: u64,
    /// Base random seed; every candidate uses the same simulated futures
    #[arg(long, short, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core); results do not depend on it
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Folder for reports; results go to <OUT>/staff-<scenario>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Replace the report folder if it is there from an earlier run
    #[arg(long)]
    pub force: bool,
    /// Most memory each candidate's run may use, in GB (default: half the machine's)
    #[arg(long, value_name = "GB", value_parser = memory_gb)]
    pub max_memory: Option<f64>,
    #[command(flatten)]
    pub time: TimeArgs,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The council profile (.toml or the .xlsx template filled in)
    #[arg(required_unless_present = "template")]
    pub profile: Option<PathBuf>,
    /// Write a blank profile to fill in (.xlsx for the spreadsheet, .toml for text)
    #[arg(long, value_name = "FILE", conflicts_with = "profile")]
    pub template: Option<PathBuf>,
    /// Where to write the scenario [default: scenarios/<name>.toml]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Add the Supreme Court ruling of 2 June 2026 that overruled Cheshire West, with how far it cuts
    /// the DoLS requests that still need authorising (names the scenario <name>-ruling-<HOW_FAR>).
    /// The profile's figures are from before the ruling, so that scenario does not check itself
    /// against them and is not calibrated: the one made without --ruling does both
    #[arg(long, value_enum, value_name = "HOW_FAR", conflicts_with = "calibrate")]
    pub ruling: Option<crate::profile::Ruling>,
    /// Calibrate the new scenario at once (as caseflow calibrate with its defaults)
    #[arg(long)]
    pub calibrate: bool,
    /// Replace files that are there from an earlier run
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Scenario file (TOML) with [[observed]] figures
    pub scenario: PathBuf,
    /// Another value to calibrate, with its range: KEY=LOW..HIGH (repeatable)
    #[arg(long = "fit", value_name = "KEY=LOW..HIGH", value_parser = crate::calibrate::parse_fit)]
    pub fit: Vec<crate::model::Unknown>,
    #[command(flatten)]
    pub changes: Changes,
    /// Replications for each candidate while searching
    #[arg(long, short = 'n', default_value_t = 100, value_parser = clap::value_parser!(u64).range(10..=1_000_000))]
    pub replications: u64,
    /// Replications to confirm the calibrated scenario with
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=10_000_000))]
    pub confirm: u64,
    /// The most candidates to simulate
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(2..=10_000))]
    pub max_runs: u64,
    /// Base random seed; every candidate uses the same simulated futures
    #[arg(long, short, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core); results do not depend on it
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Most memory a run may use, in GB (default: half the machine's)
    #[arg(long, value_name = "GB", value_parser = memory_gb)]
    pub max_memory: Option<f64>,
    #[command(flatten)]
    pub time: TimeArgs,
    /// Where to write the calibrated scenario [default: beside the scenario, <name>-calibrated.toml]
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Folder for reports; results go to <OUT>/calibrate-<scenario>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Replace the report folder and the calibrated scenario if they are there from an earlier run
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// History file (CSV)
    pub history: PathBuf,
    /// Only these flows (or roles), comma-separated
    #[arg(long, value_delimiter = ',')]
    pub flows: Vec<String>,
    #[command(flatten)]
    pub window: FitWindow,
    /// Give the fitted rate for this date (a scenario's start); default: the end of the data
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub start: Option<NaiveDate>,
}

/// Which history a fit uses.
#[derive(Debug, Args, Clone)]
pub struct FitWindow {
    /// Use periods starting on or after this date
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub from: Option<NaiveDate>,
    /// Use periods ending on or before this date
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub until: Option<NaiveDate>,
    /// A known step change (repeat for more), e.g. Cheshire West: 2014-03-19
    #[arg(long = "step", value_name = "DATE", value_parser = date)]
    pub steps: Vec<NaiveDate>,
    /// Trend form: auto (chosen on held-out error), log_linear, or damped (growth that levels off)
    #[arg(long, value_name = "FORM", value_enum, default_value_t = Trend::Auto)]
    pub trend: Trend,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Scenario file (TOML) whose flows the history's flows are named after
    pub scenario: PathBuf,
    /// History file (CSV): period,flow,count
    pub history: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
    /// Train on periods ending on or before this date; test on the rest
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub train_until: NaiveDate,
    /// Use training periods starting on or after this date
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub from: Option<NaiveDate>,
    /// A known step change in the training data (repeat for more)
    #[arg(long = "step", value_name = "DATE", value_parser = date)]
    pub steps: Vec<NaiveDate>,
    /// Trend form: auto (chosen on held-out error), log_linear, or damped (growth that levels off)
    #[arg(long, value_name = "FORM", value_enum, default_value_t = Trend::Auto)]
    pub trend: Trend,
    /// Supply too: figures in the scenario's terms (period,of,measure,value), such as completions, the
    /// backlog, % within the deadline and mean days. Those up to --train-until calibrate the
    /// scenario's [[calibrate]] values; the rest are checked. The run starts at the scenario's start
    #[arg(long, value_name = "CSV")]
    pub observed: Option<PathBuf>,
    /// With --observed, supply after --train-until: pace (moves with the demand forecast from its
    /// level then), constant (stays at that level), or trend (as the scenario says)
    #[arg(long, value_name = "RULE", default_value = "pace", value_parser = supply_rule())]
    pub supply: SupplyRule,
    /// With --observed, most candidates calibration simulates
    #[arg(long, default_value_t = 150, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_runs: u32,
    /// With --observed, replications per calibration candidate (common random numbers)
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub calibration_replications: u64,
    /// Number of replications
    #[arg(long, short = 'n', default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub replications: u64,
    /// Base random seed
    #[arg(long, short, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core)
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Most memory the run may use, in GB (default: half the machine's)
    #[arg(long, value_name = "GB", value_parser = memory_gb)]
    pub max_memory: Option<f64>,
    #[command(flatten)]
    pub time: TimeArgs,
    /// Folder for reports; results go to <OUT>/backtest-<scenario>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Replace the report folder if it is there from an earlier run
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Scenario file (TOML)
    pub scenario: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
    /// Which replication to write
    #[arg(long, default_value_t = 0)]
    pub replication: u64,
    /// Base random seed
    #[arg(long, short, default_value_t = 1)]
    pub seed: u64,
    /// Path prefix: writes <OUT>-activity.csv and <OUT>-staff.csv
    #[arg(long, default_value = "history")]
    pub out: PathBuf,
    /// Replace the two files if they are there from an earlier run
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Scenario file (TOML): today's position, with a [health_check] table
    pub scenario: PathBuf,
    /// Staff history (CSV): starters, leavers, staff in post and more, by role and month
    #[arg(long, value_name = "CSV")]
    pub staff_history: PathBuf,
    /// Activity history (CSV): work received (count) and completed, by flow and month
    #[arg(long, value_name = "CSV")]
    pub activity_history: PathBuf,
    /// Last year's health check (its folder, or its health_check.csv), for a year-on-year comparison
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    #[command(flatten)]
    pub changes: Changes,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Replications for each candidate of the staffing search (the answer is confirmed with four times as many)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(10..=1_000_000))]
    pub search_replications: u64,
    /// Do not search for the staffing that brings caseloads under their safe level
    #[arg(long)]
    pub no_search: bool,
    /// Folder for reports; results go to <OUT>/health-check-<scenario>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Replace the report folder if it is there from an earlier run
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options every simulating command shares.
#[derive(Debug, Args, Clone, Copy)]
pub struct SimArgs {
    /// Number of replications (independent simulated futures) [default: 1000]; caseflow run also
    /// takes `auto`: until the headline figures are precise (as --precision 2%)
    #[arg(long, short = 'n', value_name = "N", value_parser = replications)]
    pub replications: Option<Replications>,
    /// Base random seed; the same seed gives the same numbers
    #[arg(long, short, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core); results do not depend on it
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Most memory the run may use, in GB (default: half the machine's): a
    /// bigger run is refused before it starts, or uses fewer threads
    #[arg(long, value_name = "GB", value_parser = memory_gb)]
    pub max_memory: Option<f64>,
    #[command(flatten)]
    pub time: TimeArgs,
}

/// How long a run may take before it is refused.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct TimeArgs {
    /// Longest run, in minutes, started without asking (default: 60): a run
    /// estimated to take longer is refused before it starts
    #[arg(long, value_name = "MINUTES", value_parser = minutes)]
    pub max_time: Option<f64>,
    /// Run however long the estimate says it will take
    #[arg(long)]
    pub yes: bool,
}

impl TimeArgs {
    /// The longest run allowed, in seconds.
    pub fn seconds(self) -> f64 {
        if self.yes { f64::INFINITY } else { self.max_time.map_or(crate::sizing::DEFAULT_MAX_SECONDS, |m| m * 60.0) }
    }
}

/// `--trend`: a form of trend, or `auto` to choose one on held-out error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Trend {
    Auto,
    #[value(name = "log_linear", alias = "log-linear")]
    LogLinear,
    Damped,
}

impl Trend {
    /// The form asked for; `None` for auto.
    pub fn form(self) -> Option<TrendForm> {
        match self {
            Trend::Auto => None,
            Trend::LogLinear => Some(TrendForm::LogLinear),
            Trend::Damped => Some(TrendForm::Damped),
        }
    }
}

/// A date as the history flags take it.
fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| "expected a date like 2017-03-31".to_string())
}

/// `--set KEY=VALUE`, its message without the flag and value clap names already.
fn change(s: &str) -> Result<Change, String> {
    Change::parse(s).map_err(|m| m.strip_prefix(&format!("--set {s}: ")).map_or(m.clone(), str::to_string))
}

/// `--supply`: one of the rules by name, the names listed in help and errors.
fn supply_rule() -> impl TypedValueParser<Value = SupplyRule> {
    PossibleValuesParser::new(SupplyRule::NAMES)
        .map(|s| SupplyRule::parse(&s).expect("the possible values are the rules' names"))
}

fn minutes(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.1..=1e7).contains(&v) => Ok(v),
        _ => Err(format!("expected a number of minutes from 0.1 to 10000000 (got '{s}')")),
    }
}

/// `--replications`: a number, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replications {
    Count(u64),
    Auto,
}

/// Replications when none are asked for.
pub const DEFAULT_REPLICATIONS: u64 = 1000;

fn replications(s: &str) -> Result<Replications, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("auto") {
        return Ok(Replications::Auto);
    }
    match s.replace(['_', ','], "").parse::<u64>() {
        Ok(n) if (1..=10_000_000).contains(&n) => Ok(Replications::Count(n)),
        _ => Err(format!("expected a number from 1 to 10000000, or auto (got '{s}')")),
    }
}

/// A share written as a percentage, `2%` or `2`, as a fraction (0.02).
fn tolerance(s: &str) -> Result<f64, String> {
    let number = s.trim().trim_end_matches('%').trim();
    match number.parse::<f64>() {
        Ok(p) if p.is_finite() && (0.01..=50.0).contains(&p) => Ok(p / 100.0),
        _ => Err(format!("expected a percentage from 0.01% to 50%, such as 2% (got '{s}')")),
    }
}

fn memory_gb(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.1..=1_000_000.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a number of GB from 0.1 to 1000000 (got '{s}')")),
    }
}

/// A word as a POSIX shell reads it back: bare when it has nothing the
/// shell would act on, else in single quotes (a quote inside as '\'').
pub fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// clap wraps help at the terminal's width, 100 columns when it cannot
    /// tell; a hand-broken line longer than 80 is broken again mid-phrase.
    #[test]
    fn every_help_footer_fits_in_80_columns() {
        let cli = Cli::command();
        let commands = std::iter::once(&cli).chain(cli.get_subcommands());
        let mut seen = 0;
        for c in commands {
            let Some(text) = c.get_after_help() else { continue };
            seen += 1;
            let text = text.to_string();
            assert!(text.contains("\n  caseflow "), "caseflow {} --help: examples keep their indent", c.get_name());
            for line in text.lines() {
                assert!(line.chars().count() <= 80, "caseflow {} --help: {} columns: {line}", c.get_name(), line.len());
            }
        }
        assert_eq!(seen, 1 + cli.get_subcommands().count(), "every command has examples");
    }
}
