//! Errors a user can act on. Each says which file, line, column and key is
//! at fault; `main` maps them to exit codes (2 for bad input).

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use crate::scenario::locate::line_col;
use crate::scenario::overlay::{Change, Origin, Sources};

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
    /// Where, in the text of all the layers read (see `overlay::Sources`).
    pub span: Option<Range<usize>>,
}

/// Everything wrong with a scenario, with the text of each file (and
/// `--set`) it was built from, to point into.
#[derive(Debug, Clone)]
pub struct ScenarioError {
    /// The scenario as the user named it.
    pub file: String,
    pub sources: Sources,
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// Whether any problem's path and message contain both fragments.
    pub fn mentions(&self, path: &str, message: &str) -> bool {
        self.problems.iter().any(|p| p.path.contains(path) && p.message.contains(message))
    }

    /// Where a span is, as `file:line:col` (or `--set KEY=VALUE`).
    pub fn place(sources: &Sources, span: &Range<usize>) -> Option<String> {
        let (layer, local) = sources.locate(span.start)?;
        Some(match layer.origin {
            Origin::Change(Change::Set { .. } | Change::Remove { .. }) => layer.name.clone(),
            _ => {
                let (line, col) = line_col(&sources.text[layer.range.clone()], local);
                format!("{}:{line}:{col}", layer.name)
            }
        })
    }
}

impl std::error::Error for ScenarioError {}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let place =
                p.span.as_ref().and_then(|s| Self::place(&self.sources, s)).unwrap_or_else(|| self.file.clone());
            if p.path.is_empty() {
                writeln!(f, "{place}: {}", p.message)?;
            } else {
                writeln!(f, "{place}: {}: {}", p.path, p.message)?;
            }
            if let Some((layer, local)) = p.span.as_ref().and_then(|s| self.sources.locate(s.start)) {
                let text = &self.sources.text[layer.range.clone()];
                let len = p.span.as_ref().map_or(1, |s| s.len());
                let one_line = matches!(layer.origin, Origin::Change(Change::Set { .. } | Change::Remove { .. }));
                write_excerpt(f, text, &(local..local + len), one_line)?;
            }
        }
        let n = self.problems.len();
        write!(f, "{n} problem{} in {}", if n == 1 { "" } else { "s" }, self.file)
    }
}

/// The offending line with a caret under the span, as compilers show it
/// (without a line number for a one-line `--set`).
fn write_excerpt(f: &mut fmt::Formatter<'_>, text: &str, span: &Range<usize>, one_line: bool) -> fmt::Result {
    let (line, col) = line_col(text, span.start);
    let Some(content) = text.lines().nth(line - 1) else { return Ok(()) };
    let number = if one_line { String::new() } else { line.to_string() };
    let gutter = number.len();
    let width = text[span.start.min(text.len())..span.end.min(text.len())]
        .lines()
        .next()
        .map_or(1, |s| s.chars().count().max(1));
    let width = width.min(content.chars().count().saturating_sub(col - 1).max(1));
    writeln!(f, "{:gutter$} |", "")?;
    writeln!(f, "{number} | {content}")?;
    writeln!(f, "{:gutter$} | {}{}", "", " ".repeat(col - 1), "^".repeat(width))
}
