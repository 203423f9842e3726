//! The commands' error: what a command itself refuses (arguments that do
//! not go together, files of the wrong kind, scenarios that cannot be
//! compared) or cannot do (write to standard output), and any module's
//! error, wrapped as `error::Error` with its message unchanged. `main`
//! maps it to an exit code: 2 for bad input, 1 otherwise, 130 when stopped
//! by Ctrl-C. Every failure has its own variant, so a test can match the
//! one it expects.

use std::path::PathBuf;

use crate::error::Error;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// A module's error (`From` below, not `#[from]`).
    #[error(transparent)]
    Module(Error),
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
    #[error(
        "--ruling: {} describes {start} (council.start), after the ruling of {ruling}, so its own figures \
already include it; leave out --ruling",
        profile.display()
    )]
    RulingBeforeStart { profile: PathBuf, start: chrono::NaiveDate, ruling: chrono::NaiveDate },
    #[error(
        "--out {}: that is the profile itself; the scenario goes to another file (leave out --out for scenarios/<name>.toml)",
        profile.display()
    )]
    OutIsProfile { profile: PathBuf },
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
    #[error("internal error: {message}; please report this with the files named")]
    Internal { message: String },
}

/// `?` converts an error once, so a command that meets a module's error
/// (a `ScenarioError`, a `RunError`) turns it into a `CommandError`
/// through `Error` here; a `#[from]` for each would repeat `Error`.
impl<E> From<E> for CommandError
where
    Error: From<E>,
{
    fn from(e: E) -> Self {
        CommandError::Module(Error::from(e))
    }
}

impl CommandError {
    /// 2 for anything wrong with what the user gave us, 130 when stopped
    /// by Ctrl-C, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Module(e) => e.exit_code(),
            CommandError::Output(_) | CommandError::Internal { .. } => 1,
            CommandError::Set { .. }
            | CommandError::SameName { .. }
            | CommandError::DifferentHorizons { .. }
            | CommandError::AtOutOfRange { .. }
            | CommandError::Vary { .. }
            | CommandError::NoSuchFlows { .. }
            | CommandError::StaffHistory { .. }
            | CommandError::HealthCheck { .. }
            | CommandError::RulingBeforeStart { .. }
            | CommandError::OutIsProfile { .. }
            | CommandError::PrecisionAndCount { .. }
            | CommandError::MaxWithoutPrecision
            | CommandError::AutoNotHere { .. } => 2,
        }
    }

    /// Whether this is standard output closed under us (`caseflow ... | head`),
    /// which ends the program quietly and successfully, as other tools do.
    pub fn is_broken_pipe(&self) -> bool {
        let output = match self {
            CommandError::Output(e) => e,
            CommandError::Module(Error::Serve(crate::serve::ServeError::Output(e))) => e,
            _ => return false,
        };
        output.kind() == std::io::ErrorKind::BrokenPipe
    }
}
