//! Every module's error in one type, each wrapped (`#[from]`, its message
//! unchanged), for the commands (`app::CommandError`), which add their
//! own. Its exit code is the wrapped error's: 2 for bad input, 1
//! otherwise, 130 when stopped by Ctrl-C.

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
    #[error(transparent)]
    TooBig(#[from] crate::sizing::TooBig),
    #[error(transparent)]
    Shard(#[from] crate::shard::ShardError),
    #[error(transparent)]
    Run(#[from] crate::runner::RunError),
    #[error(transparent)]
    Compare(#[from] crate::compare::CompareError),
    #[error(transparent)]
    Staff(#[from] crate::staff::StaffError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Serve(#[from] crate::serve::ServeError),
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
            | Error::Profile(_)
            | Error::TooBig(_)
            | Error::Shard(_) => 2,
            Error::Calibration(e) => e.exit_code(),
            Error::Run(e) => e.exit_code(),
            Error::Compare(e) => e.exit_code(),
            Error::Staff(e) => e.exit_code(),
            Error::Export(e) => e.exit_code(),
            Error::Serve(e) => e.exit_code(),
        }
    }
}
