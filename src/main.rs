use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    caseflow::app::quiet_panics();
    let cli = caseflow::cli::Cli::parse();
    match caseflow::app::run(cli) {
        Ok(code) => code,
        // `caseflow run ... | head -1`: the reader has all it wanted.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
