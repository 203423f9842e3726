//! What is wrong with a scenario, and how it is shown: every problem with
//! its file, line and column, the line itself and a caret under the fault.

use std::fmt;
use std::ops::Range;

use super::locate::line_col;
use super::overlay::{Change, Origin, Sources};

/// Most problems printed for one scenario; the rest are counted.
pub const MAX_SHOWN: usize = 50;
/// Widest excerpt of a line shown under a problem, in characters.
const MAX_EXCERPT: usize = 120;

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
            Origin::Change(Change::Set { .. } | Change::Remove { .. }) => cut(&layer.name),
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
        for (i, p) in self.problems.iter().take(MAX_SHOWN).enumerate() {
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
        if n > MAX_SHOWN {
            writeln!(f, "... and {} more", n - MAX_SHOWN)?;
        }
        write!(f, "{n} problem{} in {}", if n == 1 { "" } else { "s" }, self.file)
    }
}

/// A `--set` as a message names it: cut to `MAX_EXCERPT` characters.
fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_EXCERPT {
        return s.to_string();
    }
    format!("{}...", s.chars().take(MAX_EXCERPT).collect::<String>())
}

/// The offending line with a caret under the span, as compilers show it
/// (without a line number for a one-line `--set`). A long line is cut to
/// a window around the span.
fn write_excerpt(f: &mut fmt::Formatter<'_>, text: &str, span: &Range<usize>, one_line: bool) -> fmt::Result {
    let (line, col) = line_col(text, span.start);
    let Some(content) = text.lines().nth(line - 1) else { return Ok(()) };
    let number = if one_line { String::new() } else { line.to_string() };
    let gutter = number.len();
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let width = text.get(start..end).and_then(|s| s.lines().next()).map_or(1, |s| s.chars().count().max(1));
    let chars = content.chars().count();
    let width = width.min(chars.saturating_sub(col - 1).max(1));
    // The window of the line shown: all of it, or MAX_EXCERPT characters
    // starting a little before the span.
    let (from, to) = if chars <= MAX_EXCERPT {
        (0, chars)
    } else {
        let from = (col - 1).saturating_sub(20).min(chars.saturating_sub(MAX_EXCERPT));
        (from, (from + MAX_EXCERPT).min(chars))
    };
    // Control characters would colour or move the terminal; each shows as
    // one '?' so the caret still lines up.
    let shown: String = content
        .chars()
        .skip(from)
        .take(to - from)
        .map(|c| if crate::model::names::is_control(c) { '?' } else { c })
        .collect();
    let (lead, tail) = (if from > 0 { "..." } else { "" }, if to < chars { "..." } else { "" });
    let caret_at = lead.len() + (col - 1 - from.min(col - 1));
    let width = width.min((to + lead.len()).saturating_sub(caret_at).max(1));
    writeln!(f, "{:gutter$} |", "")?;
    writeln!(f, "{number} | {lead}{shown}{tail}")?;
    writeln!(f, "{:gutter$} | {}{}", "", " ".repeat(caret_at), "^".repeat(width))
}
