//! Reading the files a user names: regular files only, each kind with a
//! size cap. A FIFO would block forever and `/dev/zero` would read until
//! memory runs out, so both are refused before a byte is read; a file
//! larger than any real one of its kind is refused with its size.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

const MB: u64 = 1024 * 1024;

/// What a file is read as, which sets its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A scenario, a base it names, or an overlay.
    Scenario,
    /// A history CSV (activity or staff).
    History,
    /// A council profile as TOML.
    Profile,
    /// A council profile as a spreadsheet.
    Workbook,
    /// A file caseflow wrote earlier (last year's `health_check.csv`).
    Report,
    /// A shard of a run: as large as the run, so no cap beyond the disk.
    Shard,
}

impl Kind {
    /// The most bytes a file of this kind may have.
    pub fn cap(self) -> u64 {
        match self {
            Kind::Scenario | Kind::Profile => 10 * MB,
            Kind::History => 200 * MB,
            Kind::Workbook | Kind::Report => 50 * MB,
            Kind::Shard => u64::MAX,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Scenario => "a scenario file",
            Kind::History => "a history file",
            Kind::Profile => "a council profile",
            Kind::Workbook => "a profile workbook",
            Kind::Report => "a health check's table",
            Kind::Shard => "a shard",
        }
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{} is {what}, not a regular file: give the path of a file", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    #[error("{} is {}, more than the {} allowed for {}", path.display(), Size(*size), Size(kind.cap()), kind.what())]
    TooLarge { path: PathBuf, size: u64, kind: Kind },
    #[error("{} is not UTF-8 text (save it as UTF-8)", path.display())]
    NotUtf8 { path: PathBuf },
}

impl InputError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            InputError::Io { path, .. }
            | InputError::NotAFile { path, .. }
            | InputError::TooLarge { path, .. }
            | InputError::NotUtf8 { path } => path,
        }
    }

    /// What is wrong, to follow a subject: "the file is a folder, not a
    /// regular file...", "the base scenario b.toml cannot be read: ...".
    pub fn reason(&self) -> String {
        match self {
            InputError::Io { source, .. } => format!("cannot be read: {source}"),
            other => {
                let full = other.to_string();
                let shown = other.path().display().to_string();
                full.strip_prefix(&shown).map_or(full.clone(), |r| r.trim_start().to_string())
            }
        }
    }
}

/// Bytes as people read them: "12.0 MB".
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} MB", self.0 as f64 / MB as f64)
    }
}

fn kind_of(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some(if t.is_dir() { "a folder" } else { "not a file" })
}

/// Check that `path` is a regular file within the cap of `kind`, without
/// reading it (for readers that open the file themselves).
pub fn check(path: &Path, kind: Kind) -> Result<(), InputError> {
    let meta = std::fs::metadata(path).map_err(|source| InputError::Io { path: path.into(), source })?;
    within(path, &meta, kind)
}

fn within(path: &Path, meta: &Metadata, kind: Kind) -> Result<(), InputError> {
    if let Some(what) = kind_of(meta) {
        return Err(InputError::NotAFile { path: path.into(), what });
    }
    if meta.len() > kind.cap() {
        return Err(InputError::TooLarge { path: path.into(), size: meta.len(), kind });
    }
    Ok(())
}

/// Open without blocking: a FIFO swapped in after the check must not hang
/// the open itself.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The bytes of a regular file of at most `kind`'s cap.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, InputError> {
    let io = |source| InputError::Io { path: path.into(), source };
    check(path, kind)?;
    let file = open(path).map_err(io)?;
    // The file opened may not be the one checked; check what was opened.
    within(path, &file.metadata().map_err(io)?, kind)?;
    let mut bytes = Vec::new();
    file.take(kind.cap().saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > kind.cap() {
        return Err(InputError::TooLarge { path: path.into(), size: bytes.len() as u64, kind });
    }
    Ok(bytes)
}

/// The text of a regular UTF-8 file of at most `kind`'s cap.
pub fn read_text(path: &Path, kind: Kind) -> Result<String, InputError> {
    String::from_utf8(read(path, kind)?).map_err(|_| InputError::NotUtf8 { path: path.into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused_before_reading() {
        assert!(matches!(read(Path::new("/dev/zero"), Kind::History), Err(InputError::NotAFile { .. })));
        assert!(matches!(read(Path::new("/"), Kind::Scenario), Err(InputError::NotAFile { what: "a folder", .. })));
        let e = read(Path::new("/dev/null"), Kind::Scenario).unwrap_err();
        assert_eq!(e.reason(), "is a device, not a regular file: give the path of a file");
        let e = read(Path::new("/no/such/file"), Kind::Scenario).unwrap_err();
        assert!(e.reason().starts_with("cannot be read: "), "{e}");
    }
}
