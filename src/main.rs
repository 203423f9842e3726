use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = caseflow::cli::Cli::parse();
    match caseflow::app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
