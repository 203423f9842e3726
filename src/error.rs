//! The error of the top: the commands (`app`), the page (`serve`) and
//! `main`. Each module below returns its own error, which this wraps
//! (`#[from]`, its message unchanged); the variants of its own are the
//! command line's and the server's. `main` maps them to exit codes (2 for
//! bad input, 1 otherwise, 130 when stopped by Ctrl-C). Every failure has
//! its own variant, so a test can match the one it expects.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    #[error(transparent)]
    Backtest(#[from] crate::backtest::BacktestError),
    #[error(transparent)]
    Calibration(#[from] crate::calibrate::CalibrationError),
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// An uploaded scenario the server refuses before loading it.
    #[error("{name}: {message}")]
    Upload { name: String, message: String },
    #[error("the server: {message}")]
    Serve { message: String },
    /// A `--set` argument that is not `KEY=VALUE`.
    #[error("{message}")]
    Set { arg: String, message: String },
    #[error("two scenarios are both called '{name}'; give each its own [scenario] name")]
    SameName { name: String },
    #[error(
        "{first} covers {first_days} days from {first_start} but {other} covers {other_days} days from {other_start}: \
a comparison needs the same dates (give both the same start and years, or --set scenario.years=...)"
    )]
    DifferentHorizons {
        first: String,
        first_start: chrono::NaiveDate,
        first_days: f64,
        other: String,
        other_start: chrono::NaiveDate,
        other_days: f64,
    },
    #[error("--at {at}: the scenarios report {periods} {kind}s; give a period from 1 to {periods}")]
    AtOutOfRange { at: u32, periods: usize, kind: String },
    /// A `--vary` range that does not parse, or at whose ends the scenario
    /// does not load.
    #[error("--vary {message}")]
    Vary { message: String },
    #[error("{} has none of the flows asked for ({})", file.display(), wanted.join(", "))]
    NoSuchFlows { file: PathBuf, wanted: Vec<String> },
    #[error("{} is staff history; backtest needs period,flow,count", file.display())]
    StaffHistory { file: PathBuf },
    /// What the health check needs and did not get, naming the flag or key.
    #[error("{message}")]
    HealthCheck { message: String },
    #[error(transparent)]
    TooBig(#[from] crate::sizing::TooBig),
    /// Writing to standard output failed; a closed pipe (`| head`) ends
    /// the program quietly instead.
    #[error("cannot write to standard output: {0}")]
    Output(#[source] std::io::Error),
    #[error(
        "give either --replications {replications} or --precision, not both (--precision runs until the figures are precise)"
    )]
    PrecisionAndCount { replications: u64 },
    #[error("--max-replications caps a run until precise: add --precision 2% (or --replications auto), or drop it")]
    MaxWithoutPrecision,
    #[error("--replications auto is for caseflow run; give caseflow {command} a number of replications")]
    AutoNotHere { command: &'static str },
    #[error(transparent)]
    Shard(#[from] crate::shard::ShardError),
    #[error(transparent)]
    Run(#[from] crate::runner::RunError),
    #[error(transparent)]
    Compare(#[from] crate::compare::CompareError),
    #[error(transparent)]
    Search(#[from] crate::staff::StaffError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error("internal error: {message}; please report this with the files named")]
    Internal { message: String },
}

impl Error {
    /// 2 for anything wrong with what the user gave us, 130 when stopped
    /// by Ctrl-C, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_)
            | Error::Scenario(_)
            | Error::History(_)
            | Error::Backtest(_)
            | Error::Set { .. }
            | Error::SameName { .. }
            | Error::DifferentHorizons { .. }
            | Error::AtOutOfRange { .. }
            | Error::Vary { .. }
            | Error::NoSuchFlows { .. }
            | Error::StaffHistory { .. }
            | Error::HealthCheck { .. }
            | Error::TooBig(_)
            | Error::PrecisionAndCount { .. }
            | Error::MaxWithoutPrecision
            | Error::AutoNotHere { .. }
            | Error::Upload { .. }
            | Error::Serve { .. }
            | Error::Shard(_) => 2,
            Error::Calibration(e) => e.exit_code(),
            Error::Profile(_) => 2,
            Error::Run(e) => e.exit_code(),
            Error::Compare(e) => e.exit_code(),
            Error::Search(e) => e.exit_code(),
            Error::Export(e) => e.exit_code(),
            Error::Output(_) | Error::Internal { .. } => 1,
        }
    }

    /// Whether the run was stopped (Ctrl-C), whichever command's run it was.
    pub fn is_interrupted(&self) -> bool {
        use crate::calibrate::CalibrationError;
        use crate::compare::CompareError;
        use crate::export::ExportError;
        use crate::runner::RunError::Interrupted;
        use crate::staff::StaffError;
        matches!(
            self,
            Error::Run(Interrupted)
                | Error::Compare(CompareError::Run(Interrupted))
                | Error::Search(StaffError::Run(Interrupted))
                | Error::Calibration(CalibrationError::Run(Interrupted))
                | Error::Export(ExportError::Run(Interrupted))
        )
    }

    /// Whether this is standard output closed under us (`caseflow ... | head`),
    /// which ends the program quietly and successfully, as other tools do.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
