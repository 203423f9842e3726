//! Errors a user can act on. Each says which file, line, column and key is
//! at fault; `main` maps them to exit codes (2 for bad input, 1 otherwise,
//! 130 when stopped by Ctrl-C). Every failure has its own variant, so a
//! test can match the one it expects.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use crate::scenario::locate::line_col;
use crate::scenario::overlay::{Change, Origin, Sources};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    #[error(transparent)]
    Backtest(#[from] crate::history::backtest::BacktestError),
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
    #[error("compare needs at least two scenarios")]
    TooFewScenarios,
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
    /// A `--target` or `--budget` that does not parse, or none given.
    #[error("{message}")]
    Target { message: String },
    #[error("{} has none of the flows asked for ({})", file.display(), wanted.join(", "))]
    NoSuchFlows { file: PathBuf, wanted: Vec<String> },
    #[error("{} is staff history; backtest needs period,flow,count", file.display())]
    StaffHistory { file: PathBuf },
    /// What the health check needs and did not get, naming the flag or key.
    #[error("{message}")]
    HealthCheck { message: String },
    #[error(transparent)]
    TooBig(#[from] crate::estimate::TooBig),
    /// The report folder (or history file) is there from an earlier run.
    #[error("{} already exists; add --force to replace it", path.display())]
    Exists { path: PathBuf },
    #[error(
        "{} is not a caseflow report folder ({reason}); caseflow will not replace it, even with --force",
        path.display()
    )]
    NotAReport { path: PathBuf, reason: String },
    #[error("cannot use {} for reports: {reason}", path.display())]
    OutPath { path: PathBuf, reason: String },
    /// Another run wrote the same report while this one was going.
    #[error(
        "{} was written by another caseflow run while this one was going; this run's report is kept in {} \
(move it, or run again with --force)",
        path.display(),
        kept.display()
    )]
    Raced { path: PathBuf, kept: PathBuf },
    #[error("stopped by {}: nothing was written", stop_signal_name())]
    Interrupted,
    #[error("cannot write {}: {message}", path.display())]
    Write { path: PathBuf, message: String },
    /// Writing to standard output failed; a closed pipe (`| head`) ends
    /// the program quietly instead.
    #[error("cannot write to standard output: {0}")]
    Output(#[source] std::io::Error),
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error(
        "internal error: {replications} replications lost or double-counted items; please report this with the scenario file"
    )]
    Unbalanced { replications: u64 },
    #[error(
        "give either --replications {replications} or --precision, not both (--precision runs until the figures are precise)"
    )]
    PrecisionAndCount { replications: u64 },
    #[error("--max-replications caps a run until precise: add --precision 2% (or --replications auto), or drop it")]
    MaxWithoutPrecision,
    #[error("--replications auto is for caseflow run; give caseflow {command} a number of replications")]
    AutoNotHere { command: &'static str },
    #[error(
        "--shard needs a fixed number of replications (--replications N): a shard cannot know when the others \
are precise. Run --precision once to find N, then shard that run"
    )]
    ShardWithPrecision,
    #[error("--shard {shard}: {replications} replications cannot be split into {shards} shards of at least one each")]
    ShardsExceedReplications { shard: crate::shard::Shard, shards: u32, replications: u64 },
    #[error("no shards to merge in {}: caseflow run --shard writes shard-I-of-N.parquet files", list(dirs))]
    NoShards { dirs: Vec<PathBuf> },
    #[error("{} is not a caseflow shard: {reason}", path.display())]
    NotAShard { path: PathBuf, reason: String },
    #[error(
        "{} and {} are shards of different scenarios ({first_scenario} and {other_scenario}); merge the shards of one run",
        first.display(),
        other.display()
    )]
    ShardScenarios { first: PathBuf, first_scenario: String, other: PathBuf, other_scenario: String },
    #[error(
        "{} and {} are shards of runs with different seeds ({first_seed} and {other_seed}); merge the shards of one run",
        first.display(),
        other.display()
    )]
    ShardSeeds { first: PathBuf, first_seed: String, other: PathBuf, other_seed: String },
    #[error(
        "{} and {} were written by different versions of caseflow ({first_version} and {other_version}); run every shard with one version",
        first.display(),
        other.display()
    )]
    ShardVersions { first: PathBuf, first_version: String, other: PathBuf, other_version: String },
    #[error(
        "{} is {first_split} but {} is {other_split}; merge the shards of one run",
        first.display(),
        other.display()
    )]
    ShardSplits { first: PathBuf, first_split: String, other: PathBuf, other_split: String },
    #[error("shard {shard} is there twice: {} and {}; give each shard once", first.display(), other.display())]
    ShardDuplicate { shard: crate::shard::Shard, first: PathBuf, other: PathBuf },
    #[error(
        "{} of {shards} {} missing; merge once every shard has finished",
        numbered(missing),
        if missing.len() == 1 { "is" } else { "are" }
    )]
    ShardsMissing { missing: Vec<u32>, shards: u32 },
    #[error("{} is incomplete or damaged: {reason}; run that shard again", path.display())]
    ShardIncomplete { path: PathBuf, reason: String },
    #[error(
        "{file} is not the scenario the shards ran (shards: sha256 {recorded}; {file}: {now}): either it has \
changed since, or it is another file (merge with the scenario the shards ran, as it was then, or run the shards again)"
    )]
    ShardScenarioChanged { file: String, recorded: String, now: String },
    #[error(
        "the shards ran {}, which is not there from this folder: run caseflow merge where the shards ran, or \
name the scenario with --scenario FILE",
        file.display()
    )]
    ShardScenarioMissing { file: PathBuf },
    #[error("internal error: {message}; please report this with the files named")]
    Internal { message: String },
    #[error("internal error: building the tables failed ({message}); please report this with the scenario file")]
    Tables { message: String },
    #[error("internal error: drawing chart {chart} failed ({message}); please report this with the scenario file")]
    Chart { chart: String, message: String },
}

impl Error {
    /// 2 for anything wrong with what the user gave us, 130 when stopped
    /// by Ctrl-C, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Read { .. }
            | Error::Input(_)
            | Error::Scenario(_)
            | Error::History(_)
            | Error::Backtest(_)
            | Error::Set { .. }
            | Error::SameName { .. }
            | Error::TooFewScenarios
            | Error::DifferentHorizons { .. }
            | Error::AtOutOfRange { .. }
            | Error::Vary { .. }
            | Error::Target { .. }
            | Error::NoSuchFlows { .. }
            | Error::StaffHistory { .. }
            | Error::HealthCheck { .. }
            | Error::TooBig(_)
            | Error::Exists { .. }
            | Error::NotAReport { .. }
            | Error::OutPath { .. }
            | Error::PrecisionAndCount { .. }
            | Error::MaxWithoutPrecision
            | Error::AutoNotHere { .. }
            | Error::Upload { .. }
            | Error::Serve { .. }
            | Error::ShardWithPrecision
            | Error::ShardsExceedReplications { .. }
            | Error::NoShards { .. }
            | Error::NotAShard { .. }
            | Error::ShardScenarios { .. }
            | Error::ShardSeeds { .. }
            | Error::ShardVersions { .. }
            | Error::ShardSplits { .. }
            | Error::ShardDuplicate { .. }
            | Error::ShardsMissing { .. }
            | Error::ShardIncomplete { .. }
            | Error::ShardScenarioChanged { .. }
            | Error::ShardScenarioMissing { .. } => 2,
            Error::Calibration(e) => e.exit_code(),
            Error::Profile(_) => 2,
            Error::Interrupted => 128 + stop_signal() as u8,
            Error::Raced { .. }
            | Error::Write { .. }
            | Error::Output(_)
            | Error::Threads { .. }
            | Error::Unbalanced { .. }
            | Error::Tables { .. }
            | Error::Internal { .. }
            | Error::Chart { .. } => 1,
        }
    }

    /// Whether this is standard output closed under us (`caseflow ... | head`),
    /// which ends the program quietly and successfully, as other tools do.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The signal that stopped the run (0 for none yet): the handler that
/// catches Ctrl-C and SIGTERM records which it was.
pub fn stop_signal_slot() -> &'static Arc<AtomicUsize> {
    static SLOT: OnceLock<Arc<AtomicUsize>> = OnceLock::new();
    SLOT.get_or_init(|| Arc::new(AtomicUsize::new(0)))
}

fn stop_signal() -> i32 {
    match stop_signal_slot().load(Ordering::SeqCst) {
        0 => signal_hook::consts::SIGINT,
        s => s as i32,
    }
}

/// How a message names the signal that stopped the run.
pub fn stop_signal_name() -> &'static str {
    if stop_signal() == signal_hook::consts::SIGTERM { "SIGTERM (a request to end the program)" } else { "Ctrl-C" }
}

/// Paths in a sentence: "a, b and c".
fn list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    match names.split_last() {
        None => "the folders given".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Shards in a sentence: "shard 2", "shards 2 and 3", "shards 1, 2 and 5 to 9".
fn numbered(missing: &[u32]) -> String {
    let mut items: Vec<String> = Vec::new();
    let mut i = 0;
    while i < missing.len() {
        let mut j = i;
        while j + 1 < missing.len() && missing[j + 1] == missing[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            items.push(format!("{} to {}", missing[i], missing[j]));
        } else {
            items.extend(missing[i..=j].iter().map(u32::to_string));
        }
        i = j + 1;
    }
    let text = match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    };
    if missing.len() == 1 { format!("shard {text}") } else { format!("shards {text}") }
}

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
        .map(|c| if crate::scenario::plausible::is_control(c) { '?' } else { c })
        .collect();
    let (lead, tail) = (if from > 0 { "..." } else { "" }, if to < chars { "..." } else { "" });
    let caret_at = lead.len() + (col - 1 - from.min(col - 1));
    let width = width.min((to + lead.len()).saturating_sub(caret_at).max(1));
    writeln!(f, "{:gutter$} |", "")?;
    writeln!(f, "{number} | {lead}{shown}{tail}")?;
    writeln!(f, "{:gutter$} | {}{}", "", " ".repeat(caret_at), "^".repeat(width))
}
