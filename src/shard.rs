//! Shards: one run's replications split over machines, and put back
//! together.
//!
//! Shard `i` of `n` runs a contiguous block of the replications: with `N`
//! in all, replications `N(i-1)/n` up to (not including) `Ni/n`, rounded
//! down. Each replication draws only from the streams of (seed,
//! replication), so a shard's replications are exactly those of the single
//! run, and merging every shard's results gives the single run's figures.
//! Each shard records what it is a part of ([`ShardRecord`]); the merge
//! refuses parts of different runs, and sets with a shard missing or twice.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why shards cannot be run or merged: each names the file at fault and
/// what to do.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error(
        "--shard needs a fixed number of replications (--replications N): a shard cannot know when the others \
are precise. Run --precision once to find N, then shard that run"
    )]
    WithPrecision,
    #[error("--shard {shard}: {replications} replications cannot be split into {shards} shards of at least one each")]
    ExceedReplications { shard: Shard, shards: u32, replications: u64 },
    #[error("no shards to merge in {}: caseflow run --shard writes shard-I-of-N.parquet files", list(dirs))]
    NoShards { dirs: Vec<PathBuf> },
    #[error("{} is not a caseflow shard: {reason}", path.display())]
    NotAShard { path: PathBuf, reason: String },
    #[error(
        "{} and {} are shards of different scenarios ({first_scenario} and {other_scenario}); merge the shards of one run",
        first.display(),
        other.display()
    )]
    Scenarios { first: PathBuf, first_scenario: String, other: PathBuf, other_scenario: String },
    #[error(
        "{} and {} are shards of runs with different seeds ({first_seed} and {other_seed}); merge the shards of one run",
        first.display(),
        other.display()
    )]
    Seeds { first: PathBuf, first_seed: String, other: PathBuf, other_seed: String },
    #[error(
        "{} and {} were written by different versions of caseflow ({first_version} and {other_version}); run every shard with one version",
        first.display(),
        other.display()
    )]
    Versions { first: PathBuf, first_version: String, other: PathBuf, other_version: String },
    #[error(
        "{} is {first_split} but {} is {other_split}; merge the shards of one run",
        first.display(),
        other.display()
    )]
    Splits { first: PathBuf, first_split: String, other: PathBuf, other_split: String },
    #[error("shard {shard} is there twice: {} and {}; give each shard once", first.display(), other.display())]
    Duplicate { shard: Shard, first: PathBuf, other: PathBuf },
    #[error(
        "{} of {shards} {} missing; merge once every shard has finished",
        numbered(missing),
        if missing.len() == 1 { "is" } else { "are" }
    )]
    Missing { missing: Vec<u32>, shards: u32 },
    #[error("{} is incomplete or damaged: {reason}; run that shard again", path.display())]
    Incomplete { path: PathBuf, reason: String },
    #[error(
        "{file} is not the scenario the shards ran (shards: sha256 {recorded}; {file}: {now}): either it has \
changed since, or it is another file (merge with the scenario the shards ran, as it was then, or run the shards again)"
    )]
    ScenarioChanged { file: String, recorded: String, now: String },
    #[error(
        "the shards ran {}, which is not there from this folder: run caseflow merge where the shards ran, or \
name the scenario with --scenario FILE",
        file.display()
    )]
    ScenarioMissing { file: PathBuf },
}

/// Shard `index` of `count`, numbered from 1 as `--shard 2/3` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Shards are at most this many: more would leave most of them tiny.
    pub const MAX: u32 = 100_000;

    /// The replications this shard runs, of `total`.
    pub fn range(self, total: u64) -> Range<u64> {
        let at = |k: u32| (u128::from(total) * u128::from(k) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }

    /// The partition file's name: `shard-2-of-3.parquet`.
    pub fn file_name(self) -> String {
        format!("shard-{}-of-{}.parquet", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let expected = || format!("expected I/N, shard I of N, such as 2/3 (got '{s}')");
        let (i, n) = s.trim().split_once('/').ok_or_else(expected)?;
        let (index, count): (u32, u32) =
            (i.trim().parse().map_err(|_| expected())?, n.trim().parse().map_err(|_| expected())?);
        if count == 0 || count > Shard::MAX {
            return Err(format!("N must be from 1 to {} (got '{s}')", Shard::MAX));
        }
        if index == 0 || index > count {
            return Err(format!("shards are numbered from 1 to N: {index} is not one of 1 to {count}"));
        }
        Ok(Shard { index, count })
    }
}

/// What a partition is a part of: written into its Parquet file's
/// metadata, read back by the merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardRecord {
    pub scenario: String,
    /// Of the resolved scenario, as in every table's stamp.
    pub scenario_sha256: String,
    /// As text: TOML's integers stop at 2^63.
    pub seed: String,
    /// Replications of the whole run, all shards together.
    pub replications: u64,
    pub version: String,
    pub shard: u32,
    pub shards: u32,
    pub first_replication: u64,
    pub replications_in_shard: u64,
    /// The scenario file as the shard's command named it, and its
    /// `--set` changes: the merge loads the scenario the same way.
    pub scenario_file: String,
    pub changes: Vec<String>,
}

impl ShardRecord {
    pub fn shard(&self) -> Shard {
        Shard { index: self.shard, count: self.shards }
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a shard record of plain values serialises")
    }

    pub fn from_toml(text: &str) -> Result<ShardRecord, String> {
        toml::from_str(text).map_err(|e| e.message().to_string())
    }

    pub fn seed(&self) -> Result<u64, String> {
        self.seed.parse().map_err(|_| format!("its seed '{}' is not a whole number", self.seed))
    }

    /// "shard 2 of 3 of 1,000 replications"
    fn split(&self) -> String {
        format!(
            "shard {} of {} of {} replications",
            self.shard,
            self.shards,
            crate::format::thousands(self.replications as f64)
        )
    }
}

/// Check that `parts` are every shard of one run, each once, and return
/// them in shard order.
pub fn complete_set(mut parts: Vec<(PathBuf, ShardRecord)>) -> Result<Vec<(PathBuf, ShardRecord)>, ShardError> {
    let Some((first_path, first)) = parts.first().cloned() else {
        return Err(ShardError::NoShards { dirs: Vec::new() });
    };
    for (path, r) in &parts[1..] {
        let pair = || (first_path.clone(), path.clone());
        if r.scenario_sha256 != first.scenario_sha256 {
            let (first_path, other_path) = pair();
            return Err(ShardError::Scenarios {
                first: first_path,
                first_scenario: format!("{} (sha256 {})", first.scenario, short(&first.scenario_sha256)),
                other: other_path,
                other_scenario: format!("{} (sha256 {})", r.scenario, short(&r.scenario_sha256)),
            });
        }
        if r.seed != first.seed {
            let (first_path, other_path) = pair();
            return Err(ShardError::Seeds {
                first: first_path,
                first_seed: first.seed.clone(),
                other: other_path,
                other_seed: r.seed.clone(),
            });
        }
        if r.version != first.version {
            let (first_path, other_path) = pair();
            return Err(ShardError::Versions {
                first: first_path,
                first_version: first.version.clone(),
                other: other_path,
                other_version: r.version.clone(),
            });
        }
        if r.replications != first.replications || r.shards != first.shards {
            let (first_path, other_path) = pair();
            return Err(ShardError::Splits {
                first: first_path,
                first_split: first.split(),
                other: other_path,
                other_split: r.split(),
            });
        }
    }
    parts.sort_by_key(|(_, r)| r.shard);
    for pair in parts.windows(2) {
        if pair[0].1.shard == pair[1].1.shard {
            return Err(ShardError::Duplicate {
                shard: pair[0].1.shard(),
                first: pair[0].0.clone(),
                other: pair[1].0.clone(),
            });
        }
    }
    let missing: Vec<u32> =
        (1..=first.shards).filter(|i| parts.binary_search_by_key(i, |(_, r)| r.shard).is_err()).collect();
    if !missing.is_empty() {
        return Err(ShardError::Missing { missing, shards: first.shards });
    }
    for (path, r) in &parts {
        let range = r.shard().range(r.replications);
        if r.first_replication != range.start || r.replications_in_shard != range.end - range.start {
            return Err(ShardError::Incomplete {
                path: path.clone(),
                reason: format!(
                    "as {} it should hold replications {} to {}, but says it holds {} from {}",
                    r.split(),
                    range.start,
                    range.end.saturating_sub(1),
                    r.replications_in_shard,
                    r.first_replication
                ),
            });
        }
    }
    Ok(parts)
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

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_tile_the_replications() {
        for (total, n) in [(1000u64, 3u32), (7, 7), (10, 4), (1, 1), (5, 8)] {
            let mut next = 0;
            for index in 1..=n {
                let r = Shard { index, count: n }.range(total);
                assert_eq!(r.start, next);
                next = r.end;
            }
            assert_eq!(next, total);
        }
        assert_eq!(Shard { index: 2, count: 3 }.range(1000), 333..666);
    }

    #[test]
    fn parses_i_of_n() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        assert!("0/3".parse::<Shard>().unwrap_err().contains("numbered from 1"));
        assert!("4/3".parse::<Shard>().is_err());
        assert!("2".parse::<Shard>().unwrap_err().contains("I/N"));
        assert!("1/0".parse::<Shard>().is_err());
    }
}
