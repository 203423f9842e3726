//! Command-line arguments (clap) and their conversion to checked options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "caseflow",
    version,
    about = "Workforce capacity and DoLS demand planning for adult social care",
    long_about = "caseflow simulates the flows of adult social care work (contacts, Care Act \
assessments, reviews, safeguarding, DoLS) against a workforce, many times over, and reports \
backlogs, waiting times, caseloads and deadline breaches with P10/P50/P90 bands.",
    after_help = "Examples:\n  caseflow run scenarios/quickstart.toml\n  caseflow run scenarios/quickstart.toml --replications 2000 --seed 7 --threads 2\n  caseflow validate scenarios/*.toml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write its tables under reports/<scenario>/
    #[command(
        after_help = "Examples:\n  caseflow run scenarios/quickstart.toml\n  caseflow run scenarios/quickstart.toml --replications 200 --out /tmp/reports"
    )]
    Run(RunArgs),
    /// Run scenarios on the same simulated futures and compare them
    #[command(
        after_help = "Examples:\n  caseflow compare scenarios/halton-2015-baseline.toml scenarios/halton-2015-more-bias.toml\n  caseflow compare a.toml b.toml c.toml --replications 500 --out /tmp/reports\n\nThe first scenario is the baseline; the others are compared with it."
    )]
    Compare(CompareArgs),
    /// Check scenario files without running them
    #[command(after_help = "Example:\n  caseflow validate scenarios/*.toml")]
    Validate {
        /// Scenario files (TOML)
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML)
    pub scenario: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Folder for reports; results go to <OUT>/<scenario name>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
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
    pub sim: SimArgs,
    /// Folder for reports; results go to <OUT>/compare-<a>-vs-<b>/
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options every simulating command shares.
#[derive(Debug, Args, Clone, Copy)]
pub struct SimArgs {
    /// Number of replications (independent simulated futures)
    #[arg(long, short = 'n', default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub replications: u64,
    /// Base random seed; the same seed gives the same numbers
    #[arg(long, short, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core); results do not depend on it
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}
