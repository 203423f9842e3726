use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    caseflow::app::quiet_panics();
    let cli = caseflow::cli::Cli::parse();
    // A panic is a bug: the hook has said so in one line; exit 1 as for
    // any other failure that is not the user's.
    let Ok(result) = std::panic::catch_unwind(|| caseflow::app::run(cli)) else {
        return ExitCode::from(1);
    };
    match result {
        Ok(code) => code,
        // `caseflow run ... | head -1`: the reader has all it wanted.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
