//! Shard partitions: a shard's per-replication results as one Parquet
//! file, one row per replication, and reading them back for the merge.
//! Writing and reading live together so the format has one home.
//!
//! Each array of a replication's results is a list column, in the order
//! `RepResult` documents, so the merge rebuilds every replication exactly
//! (Parquet keeps each 64-bit float as it was) and folds it into the same
//! aggregate the single run would have. What the shard is a part of is in
//! the file's metadata under [`RECORD_KEY`], as TOML. Rows are written a
//! batch at a time and read a batch at a time, so neither side holds more
//! than one batch of replications; a batch is at most `BATCH`
//! replications and about [`BATCH_BYTES`], so that a model of many areas,
//! whose every replication is tens of megabytes, is held a few
//! replications at a time.
//!
//! Beside each partition sits its checksum, `shard-I-of-N.parquet.sha256`,
//! in the form `sha256sum -c` reads. A Parquet file with a flipped bit in
//! a value still reads, with the value changed, so the merge checks every
//! file against its checksum before reading it.

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;

use super::ExportError;
use crate::input::InputError;
use crate::precision::BATCH;
use crate::results::{Balance, RepResult};
use crate::shard::{ShardError, ShardRecord};
use sha2::{Digest, Sha256};

/// The metadata key holding the shard's record.
pub const RECORD_KEY: &str = "caseflow.shard";

/// About the most bytes of replications held at once, writing or reading.
pub const BATCH_BYTES: usize = 64 << 20;

/// Replications in a batch of about `BATCH_BYTES`, of `bytes` each.
fn batch_of(bytes: usize) -> u64 {
    (BATCH_BYTES / bytes.max(1)).clamp(1, BATCH as usize) as u64
}

/// The columns of a partition and what each holds (docs/cluster.md lists them).
pub const COLUMNS: [(&str, &str); 18] = [
    ("replication", "the replication's number in the whole run, from 0"),
    ("events", "events simulated"),
    ("flow_periods", "per flow, period and flow_periods metric"),
    ("role_periods", "per role, period and role_periods metric"),
    ("flow_kpis", "per flow and kpis flow measure"),
    ("role_kpis", "per role and kpis role measure"),
    ("request_periods", "per request, period and request_periods metric"),
    ("request_kpis", "per request and kpis request measure"),
    ("total_periods", "per period and totals_periods metric"),
    ("total_kpis", "per kpis scenario measure"),
    ("year_totals", "per financial year and year_totals metric"),
    ("budget", "per budget line, financial year and over_budget, overspend, spend"),
    ("wait_hist", "per flow, items allocated by whole days waited"),
    ("done_hist", "per flow, items completed by whole days to complete"),
    ("balance", "per flow, the balance counts"),
    ("workforce_periods", "per workforce scope, period and workforce metric (empty when not tracked)"),
    ("workforce_kpis", "per workforce scope and workforce metric over the horizon (empty when not tracked)"),
    ("people_hist", "per role, workers in post at the ends of periods by people allocated (empty when not tracked)"),
];

const BALANCE_FIELDS: usize = 9;

fn schema() -> Schema {
    let list = |inner: DataType| DataType::List(Box::new(inner));
    COLUMNS
        .iter()
        .map(|&(name, _)| {
            let dtype = match name {
                "replication" | "events" => DataType::UInt64,
                "wait_hist" | "done_hist" | "people_hist" => list(DataType::UInt32),
                "balance" => list(DataType::UInt64),
                _ => list(DataType::Float64),
            };
            Field::new(name.into(), dtype)
        })
        .collect()
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::Write { path: path.to_path_buf(), message: e.to_string() }
}

/// A partition being written, a batch of replications at a time.
pub struct PartitionWriter {
    path: PathBuf,
    writer: BatchedWriter<BufWriter<File>>,
}

impl PartitionWriter {
    pub fn create(path: &Path, record: &ShardRecord) -> Result<PartitionWriter, ExportError> {
        let file = File::create(path).map_err(|e| write_err(path, e))?;
        let metadata = KeyValueMetadata::from_static(vec![(RECORD_KEY.to_string(), record.to_toml())]);
        let writer = ParquetWriter::new(BufWriter::new(file))
            .with_key_value_metadata(Some(metadata))
            .batched(&schema())
            .map_err(|e| write_err(path, e))?;
        Ok(PartitionWriter { path: path.to_path_buf(), writer })
    }

    /// Append replications, in order, as one row group, and say how many
    /// the next batch may hold.
    pub fn write(&mut self, batch: &[RepResult]) -> Result<u64, ExportError> {
        let df = frame(batch).map_err(|e| write_err(&self.path, e))?;
        self.writer.write_batch(&df).map_err(|e| write_err(&self.path, e))?;
        Ok(batch_of(df.estimated_size() / batch.len().max(1)))
    }

    /// Close the file, then write its checksum beside it.
    pub fn finish(self) -> Result<(), ExportError> {
        let PartitionWriter { path, writer } = self;
        let size = writer.finish().map_err(|e| write_err(&path, e))?;
        // Dropping the writer flushes its buffer, and says nothing if that
        // fails: the size on disk tells.
        drop(writer);
        let on_disk = std::fs::metadata(&path).map_err(|e| write_err(&path, e))?.len();
        if on_disk != size {
            return Err(write_err(&path, format!("{on_disk} of its {size} bytes were written")));
        }
        let line = format!("{}  {}\n", file_sha256(&path)?, file_name(&path));
        let sum = checksum_path(&path);
        std::fs::write(&sum, line).map_err(|e| write_err(&sum, e))
    }
}

/// The checksum file's name for a partition's: `shard-2-of-3.parquet.sha256`.
pub fn checksum_name(partition: &str) -> String {
    format!("{partition}.sha256")
}

fn checksum_path(partition: &Path) -> PathBuf {
    partition.with_file_name(checksum_name(&file_name(partition)))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// A file's SHA-256, read a block at a time.
fn file_sha256(path: &Path) -> Result<String, ExportError> {
    let read_err = |source| ExportError::from(InputError::Io { path: path.to_path_buf(), source });
    crate::input::check(path, crate::input::Kind::Shard)?;
    let mut file = File::open(path).map_err(read_err)?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut block).map_err(read_err)?;
        if n == 0 {
            break;
        }
        hasher.update(&block[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Check a partition against the checksum written beside it: refuse one
/// changed since (a flipped bit, a copy cut short) or without a checksum.
pub fn verify(path: &Path) -> Result<(), ExportError> {
    let damaged = |reason: String| ExportError::from(ShardError::Incomplete { path: path.to_path_buf(), reason });
    let sum = checksum_path(path);
    let text = std::fs::read_to_string(&sum)
        .map_err(|e| damaged(format!("its checksum file {} cannot be read ({e})", sum.display())))?;
    let recorded = text
        .split_whitespace()
        .next()
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| damaged(format!("its checksum file {} holds no SHA-256", sum.display())))?
        .to_ascii_lowercase();
    let now = file_sha256(path)?;
    if now != recorded {
        return Err(damaged(format!(
            "its SHA-256 is {} but {} records {} when it was written, so it has changed since \
(a damaged disk or copy, or a file cut short)",
            &now[..16],
            sum.display(),
            &recorded[..16]
        )));
    }
    Ok(())
}

fn frame(batch: &[RepResult]) -> PolarsResult<DataFrame> {
    fn floats(name: &str, batch: &[RepResult], get: impl Fn(&RepResult) -> &[f64]) -> Column {
        let rows: Vec<Series> = batch.iter().map(|r| Series::new(PlSmallStr::EMPTY, get(r))).collect();
        Column::new(name.into(), rows)
    }
    fn counts(name: &str, batch: &[RepResult], get: impl Fn(&RepResult) -> &[u32]) -> Column {
        let rows: Vec<Series> = batch.iter().map(|r| Series::new(PlSmallStr::EMPTY, get(r))).collect();
        Column::new(name.into(), rows)
    }
    let balance: Vec<Series> = batch
        .iter()
        .map(|r| Series::new(PlSmallStr::EMPTY, r.balance.iter().flat_map(balance_counts).collect::<Vec<u64>>()))
        .collect();
    let columns = vec![
        Column::new("replication".into(), batch.iter().map(|r| r.replication).collect::<Vec<u64>>()),
        Column::new("events".into(), batch.iter().map(|r| r.events).collect::<Vec<u64>>()),
        floats("flow_periods", batch, |r| &r.flow_periods),
        floats("role_periods", batch, |r| &r.role_periods),
        floats("flow_kpis", batch, |r| &r.flow_kpis),
        floats("role_kpis", batch, |r| &r.role_kpis),
        floats("request_periods", batch, |r| &r.request_periods),
        floats("request_kpis", batch, |r| &r.request_kpis),
        floats("total_periods", batch, |r| &r.total_periods),
        floats("total_kpis", batch, |r| &r.total_kpis),
        floats("year_totals", batch, |r| &r.year_totals),
        floats("budget", batch, |r| &r.budget),
        counts("wait_hist", batch, |r| &r.wait_hist),
        counts("done_hist", batch, |r| &r.done_hist),
        Column::new("balance".into(), balance),
        floats("workforce_periods", batch, |r| &r.workforce_periods),
        floats("workforce_kpis", batch, |r| &r.workforce_kpis),
        counts("people_hist", batch, |r| &r.people_hist),
    ];
    // An empty list column has no element type to infer; give every column the schema's.
    let schema = schema();
    let columns = columns
        .into_iter()
        .map(|c| {
            let dtype = schema.get(c.name()).expect("a column of the schema").clone();
            if c.dtype() == &dtype { Ok(c) } else { c.cast(&dtype) }
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(batch.len(), columns)
}

fn balance_counts(b: &Balance) -> [u64; BALANCE_FIELDS] {
    [
        b.arrived,
        b.completed,
        b.withdrawn,
        b.waiting,
        b.in_service,
        b.scheduled,
        b.follow_ups_created,
        b.follow_ups_due,
        b.follow_ups_cancelled,
    ]
}

fn balance_from(c: &[u64]) -> Balance {
    Balance {
        arrived: c[0],
        completed: c[1],
        withdrawn: c[2],
        waiting: c[3],
        in_service: c[4],
        scheduled: c[5],
        follow_ups_created: c[6],
        follow_ups_due: c[7],
        follow_ups_cancelled: c[8],
    }
}

fn not_a_shard(path: &Path, reason: impl std::fmt::Display) -> ExportError {
    ShardError::NotAShard { path: path.to_path_buf(), reason: reason.to_string() }.into()
}

fn open(path: &Path) -> Result<ParquetReader<File>, ExportError> {
    crate::input::check(path, crate::input::Kind::Shard)?;
    let file =
        File::open(path).map_err(|source| ExportError::from(InputError::Io { path: path.to_path_buf(), source }))?;
    Ok(ParquetReader::new(file))
}

/// A partition's record, from its metadata.
pub fn read_record(path: &Path) -> Result<ShardRecord, ExportError> {
    let mut reader = open(path)?;
    let metadata =
        reader.get_metadata().map_err(|e| not_a_shard(path, format!("it is not a readable Parquet file ({e})")))?;
    let text = metadata
        .key_value_metadata()
        .iter()
        .flatten()
        .find(|kv| kv.key == RECORD_KEY)
        .and_then(|kv| kv.value.clone())
        .ok_or_else(|| not_a_shard(path, "it has no caseflow shard record in its metadata"))?;
    ShardRecord::from_toml(&text).map_err(|e| not_a_shard(path, format!("its shard record does not read ({e})")))
}

/// Read a partition's replications in order, a batch at a time, handing
/// each to `each`. `periods` shapes the results as the model does.
pub fn read_results(
    path: &Path,
    periods: usize,
    each: &mut dyn FnMut(RepResult) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let damaged = |e: &dyn std::fmt::Display| {
        ExportError::from(ShardError::Incomplete { path: path.to_path_buf(), reason: e.to_string() })
    };
    let mut reader = open(path)?;
    let metadata = reader.get_metadata().map_err(|e| damaged(&e))?.clone();
    let rows = metadata.num_rows;
    let bytes = metadata.row_groups.iter().map(|g| g.total_byte_size()).sum::<usize>() / rows.max(1);
    let batch = batch_of(bytes) as usize;
    let mut offset = 0;
    while offset < rows {
        let len = (rows - offset).min(batch);
        let mut reader = open(path)?.with_slice(Some((offset, len)));
        reader.set_metadata(metadata.clone());
        let df = reader.finish().map_err(|e| damaged(&e))?;
        for rep in results(&df, periods).map_err(|e| damaged(&e))? {
            each(rep)?;
        }
        offset += len;
    }
    Ok(rows as u64)
}

fn results(df: &DataFrame, periods: usize) -> PolarsResult<Vec<RepResult>> {
    let list = |name: &str| -> PolarsResult<ListChunked> { Ok(df.column(name)?.list()?.clone()) };
    fn row<T: PolarsNumericType>(list: &ListChunked, i: usize) -> PolarsResult<Vec<T::Native>> {
        let s = list.get_as_series(i).ok_or_else(|| polars_err!(ComputeError: "row {i} is missing a list"))?;
        let ca = s.unpack::<T>()?;
        if ca.null_count() > 0 {
            polars_bail!(ComputeError: "row {i} has empty values");
        }
        Ok(ca.into_no_null_iter().collect())
    }
    let replication = df.column("replication")?.u64()?.clone();
    let events = df.column("events")?.u64()?.clone();
    let names = [
        "flow_periods",
        "role_periods",
        "flow_kpis",
        "role_kpis",
        "request_periods",
        "request_kpis",
        "total_periods",
        "total_kpis",
        "year_totals",
        "budget",
        "workforce_periods",
        "workforce_kpis",
    ];
    let floats: Vec<ListChunked> = names.iter().map(|n| list(n)).collect::<PolarsResult<_>>()?;
    let (wait, done, balance) = (list("wait_hist")?, list("done_hist")?, list("balance")?);
    let people = list("people_hist")?;
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let f = |k: usize| row::<Float64Type>(&floats[k], i);
        let counts = row::<UInt64Type>(&balance, i)?;
        if counts.len() % BALANCE_FIELDS != 0 {
            polars_bail!(ComputeError: "row {i} has a balance of {} counts", counts.len());
        }
        out.push(RepResult {
            replication: replication.get(i).ok_or_else(|| polars_err!(ComputeError: "row {i} has no replication"))?,
            periods,
            flow_periods: f(0)?,
            role_periods: f(1)?,
            flow_kpis: f(2)?,
            role_kpis: f(3)?,
            request_periods: f(4)?,
            request_kpis: f(5)?,
            total_periods: f(6)?,
            total_kpis: f(7)?,
            year_totals: f(8)?,
            budget: f(9)?,
            wait_hist: row::<UInt32Type>(&wait, i)?,
            done_hist: row::<UInt32Type>(&done, i)?,
            balance: counts.chunks(BALANCE_FIELDS).map(balance_from).collect(),
            events: events.get(i).ok_or_else(|| polars_err!(ComputeError: "row {i} has no events"))?,
            workforce_periods: f(10)?,
            workforce_kpis: f(11)?,
            people_hist: row::<UInt32Type>(&people, i)?,
        });
    }
    Ok(out)
}
