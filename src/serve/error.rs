//! The page's error: what the server refuses (an upload naming files) or
//! cannot do (listen, make a token, write to standard output), and the
//! errors of the modules it runs, each wrapped with its message unchanged.

use crate::compare::CompareError;
use crate::export::ExportError;
use crate::runner::RunError::{self, Interrupted};
use crate::staff::StaffError;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Compare(#[from] CompareError),
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Export(#[from] ExportError),
    /// An uploaded scenario the server refuses before loading it.
    #[error("{name}: {message}")]
    Upload { name: String, message: String },
    #[error("the server: {message}")]
    Server { message: String },
    /// Writing to standard output failed; a closed pipe (`| head`) ends
    /// the program quietly instead.
    #[error("cannot write to standard output: {0}")]
    Output(#[source] std::io::Error),
}

impl ServeError {
    /// 2 for anything wrong with what the user gave us, 130 when stopped
    /// by Ctrl-C, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            ServeError::Scenario(_)
            | ServeError::Profile(_)
            | ServeError::Upload { .. }
            | ServeError::Server { .. } => 2,
            ServeError::Run(e) => e.exit_code(),
            ServeError::Compare(e) => e.exit_code(),
            ServeError::Staff(e) => e.exit_code(),
            ServeError::Export(e) => e.exit_code(),
            ServeError::Output(_) => 1,
        }
    }

    /// Whether the run was stopped (the page's Cancel), whichever kind of
    /// run it was.
    pub fn is_interrupted(&self) -> bool {
        matches!(
            self,
            ServeError::Run(Interrupted)
                | ServeError::Compare(CompareError::Run(Interrupted))
                | ServeError::Staff(StaffError::Run(Interrupted))
                | ServeError::Export(ExportError::Run(Interrupted))
        )
    }
}
