//! Errors a user can act on. Each says which file, line, column and key is
//! at fault; `main` maps them to exit codes (2 for bad input).

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use crate::scenario::locate::line_col;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// 2 for anything wrong with what the user gave us, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Read { .. } | Error::Scenario(_) | Error::History(_) | Error::Usage(_) => 2,
            Error::Write { .. } | Error::Threads { .. } | Error::Internal(_) => 1,
        }
    }
}

/// One thing wrong with a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The key at fault, as `flows[2].effort_hours.median`.
    pub path: String,
    pub message: String,
    pub span: Option<Range<usize>>,
}

/// Everything wrong with a scenario file, with the text to point into.
#[derive(Debug, Clone)]
pub struct ScenarioError {
    pub file: String,
    pub text: String,
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// Whether any problem's path and message contain both fragments.
    pub fn mentions(&self, path: &str, message: &str) -> bool {
        self.problems.iter().any(|p| p.path.contains(path) && p.message.contains(message))
    }
}

impl std::error::Error for ScenarioError {}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let place = match &p.span {
                Some(span) => {
                    let (line, col) = line_col(&self.text, span.start);
                    format!("{}:{line}:{col}", self.file)
                }
                None => self.file.clone(),
            };
            if p.path.is_empty() {
                writeln!(f, "{place}: {}", p.message)?;
            } else {
                writeln!(f, "{place}: {}: {}", p.path, p.message)?;
            }
            if let Some(span) = &p.span {
                write_excerpt(f, &self.text, span)?;
            }
        }
        let n = self.problems.len();
        write!(f, "{n} problem{} in {}", if n == 1 { "" } else { "s" }, self.file)
    }
}

/// The offending line with a caret under the span, as compilers show it.
fn write_excerpt(f: &mut fmt::Formatter<'_>, text: &str, span: &Range<usize>) -> fmt::Result {
    let (line, col) = line_col(text, span.start);
    let Some(content) = text.lines().nth(line - 1) else { return Ok(()) };
    let gutter = line.to_string().len();
    let width = text[span.start.min(text.len())..span.end.min(text.len())]
        .lines()
        .next()
        .map_or(1, |s| s.chars().count().max(1));
    let width = width.min(content.chars().count().saturating_sub(col - 1).max(1));
    writeln!(f, "{:gutter$} |", "")?;
    writeln!(f, "{line} | {content}")?;
    writeln!(f, "{:gutter$} | {}{}", "", " ".repeat(col - 1), "^".repeat(width))
}
