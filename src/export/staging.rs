//! Outputs written whole or not at all.
//!
//! A report is written into a hidden folder beside where it goes
//! (`reports/.quickstart.partial-<pid>-<n>`), and renamed into place only
//! once every file is complete. A rename within one folder is atomic, so
//! anyone looking sees the old report or the new one, never half of one,
//! and two runs writing the same report at once cannot mix their files:
//! each writes its own folder, and the second to finish finds the first's
//! report there. An existing report is replaced only with `--force`, and
//! then whole, so no chart of an earlier scenario is left behind. If the
//! run fails or is stopped, the hidden folder is removed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::ExportError;
use crate::runner::RunError;

/// What makes a folder a caseflow report that `--force` may replace: one
/// of these files.
pub const REPORT_MARKERS: [&str; 5] = ["run.toml", "compare.md", "backtest.md", "staff.md", "calibration.md"];

/// A folder (or a set of files in a folder) being written.
#[derive(Debug)]
pub struct Staging {
    /// Where the output goes: the report folder, or the folder the files go into.
    target: PathBuf,
    /// With files: their names, moved one by one into `target`.
    files: Vec<String>,
    temp: PathBuf,
    force: bool,
    /// Set once the temporary folder has been renamed away (or kept on purpose).
    finished: bool,
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{}-{}-{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn os_err(path: &Path, e: std::io::Error) -> ExportError {
    ExportError::Write { path: path.to_path_buf(), message: e.to_string() }
}

/// Why a folder may not be replaced, if it may not.
fn not_a_report(dir: &Path) -> Option<String> {
    if !dir.is_dir() {
        return Some("it is a file".into());
    }
    let Ok(mut entries) = std::fs::read_dir(dir) else { return Some("it cannot be read".into()) };
    if entries.next().is_none() || REPORT_MARKERS.iter().any(|m| dir.join(m).is_file()) {
        None
    } else {
        Some(format!("it has none of {}", REPORT_MARKERS.join(", ")))
    }
}

impl Staging {
    /// Prepare to write the folder `target`, before any simulating: refuse
    /// it if it is there already (unless `force` and it is a caseflow
    /// report), and make the hidden folder beside it, which proves the
    /// place can be written.
    pub fn folder(target: &Path, force: bool) -> Result<Staging, ExportError> {
        if target.exists() {
            if !force {
                return Err(ExportError::Exists { path: target.to_path_buf() });
            }
            if let Some(reason) = not_a_report(target) {
                return Err(ExportError::NotAReport { path: target.to_path_buf(), reason });
            }
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Staging::begin(target, name, Vec::new(), force)
    }

    /// Prepare to write `files` into the folder `target`, each replacing
    /// one there only with `force`.
    pub fn files(target: &Path, files: &[String], force: bool) -> Result<Staging, ExportError> {
        for f in files {
            let path = target.join(f);
            if path.exists() {
                if !force {
                    return Err(ExportError::Exists { path });
                }
                if path.is_dir() {
                    return Err(ExportError::NotAReport { path, reason: "it is a folder".into() });
                }
            }
        }
        Staging::begin(target, "caseflow".into(), files.to_vec(), force)
    }

    fn begin(target: &Path, name: String, files: Vec<String>, force: bool) -> Result<Staging, ExportError> {
        let parent = match (files.is_empty(), target.parent()) {
            (false, _) => target.to_path_buf(),
            (true, Some(p)) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if parent.exists() && !parent.is_dir() {
            return Err(ExportError::OutPath { path: parent, reason: "it is a file, not a folder".into() });
        }
        std::fs::create_dir_all(&parent)
            .map_err(|e| ExportError::OutPath { path: parent.clone(), reason: e.to_string() })?;
        let temp = parent.join(format!(".{name}.partial-{}", unique_suffix()));
        std::fs::create_dir(&temp).map_err(|e| ExportError::OutPath {
            path: if files.is_empty() { target.to_path_buf() } else { parent.clone() },
            reason: e.to_string(),
        })?;
        Ok(Staging { target: target.to_path_buf(), files, temp, force, finished: false })
    }

    /// The folder to write into now.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Where the output goes.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Move what was written into place, unless `stop` was set (Ctrl-C),
    /// in which case nothing is left behind.
    pub fn finish(mut self, stop: &AtomicBool) -> Result<(), ExportError> {
        if stop.load(Ordering::SeqCst) {
            return Err(RunError::Interrupted.into());
        }
        if self.files.is_empty() { self.finish_folder() } else { self.finish_files() }
    }

    fn finish_folder(&mut self) -> Result<(), ExportError> {
        for _ in 0..16 {
            match std::fs::rename(&self.temp, &self.target) {
                Ok(()) => {
                    self.finished = true;
                    return Ok(());
                }
                Err(_) if self.target.exists() => {
                    if !self.force || not_a_report(&self.target).is_some() {
                        // Another run finished first: keep this one's report.
                        self.finished = true;
                        return Err(ExportError::Raced { path: self.target.clone(), kept: self.temp.clone() });
                    }
                    // Move the old report aside, then put this one in its place.
                    let name = self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    let old = self.temp.with_file_name(format!(".{name}.replaced-{}", unique_suffix()));
                    if std::fs::rename(&self.target, &old).is_ok() {
                        let moved = std::fs::rename(&self.temp, &self.target);
                        let _ = std::fs::remove_dir_all(&old);
                        if moved.is_ok() {
                            self.finished = true;
                            return Ok(());
                        }
                    }
                }
                Err(e) => return Err(os_err(&self.target, e)),
            }
        }
        Err(ExportError::Write { path: self.target.clone(), message: "other runs kept replacing it".into() })
    }

    fn finish_files(&mut self) -> Result<(), ExportError> {
        if !self.force {
            if let Some(f) = self.files.iter().find(|f| self.target.join(f).exists()) {
                self.finished = true;
                return Err(ExportError::Raced { path: self.target.join(f), kept: self.temp.clone() });
            }
        }
        for f in &self.files {
            let to = self.target.join(f);
            std::fs::rename(self.temp.join(f), &to).map_err(|e| os_err(&to, e))?;
        }
        let _ = std::fs::remove_dir(&self.temp);
        self.finished = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("caseflow-staging-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_folder_appears_whole_and_only_on_finish() {
        let dir = scratch("whole");
        let target = dir.join("report");
        let s = Staging::folder(&target, false).unwrap();
        std::fs::write(s.path().join("run.toml"), "x").unwrap();
        assert!(!target.exists());
        s.finish(&AtomicBool::new(false)).unwrap();
        assert_eq!(std::fs::read_to_string(target.join("run.toml")).unwrap(), "x");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no hidden folder left");
        assert!(matches!(Staging::folder(&target, false), Err(ExportError::Exists { .. })));
        let s = Staging::folder(&target, true).unwrap();
        std::fs::write(s.path().join("run.toml"), "y").unwrap();
        s.finish(&AtomicBool::new(false)).unwrap();
        assert_eq!(std::fs::read_to_string(target.join("run.toml")).unwrap(), "y");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn a_stopped_or_dropped_folder_leaves_nothing() {
        let dir = scratch("stopped");
        let target = dir.join("report");
        let s = Staging::folder(&target, false).unwrap();
        std::fs::write(s.path().join("a.csv"), "x").unwrap();
        assert!(matches!(s.finish(&AtomicBool::new(true)), Err(ExportError::Run(RunError::Interrupted))));
        drop(Staging::folder(&target, false).unwrap());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[test]
    fn force_never_replaces_a_folder_that_is_not_a_report() {
        let dir = scratch("not-a-report");
        std::fs::create_dir_all(dir.join("documents")).unwrap();
        std::fs::write(dir.join("documents/letter.txt"), "keep me").unwrap();
        assert!(matches!(Staging::folder(&dir.join("documents"), true), Err(ExportError::NotAReport { .. })));
        assert!(dir.join("documents/letter.txt").exists());
    }

    #[test]
    fn the_second_of_two_runs_keeps_its_report_aside() {
        let dir = scratch("race");
        let target = dir.join("report");
        let a = Staging::folder(&target, false).unwrap();
        let b = Staging::folder(&target, false).unwrap();
        std::fs::write(a.path().join("run.toml"), "a").unwrap();
        std::fs::write(b.path().join("run.toml"), "b").unwrap();
        a.finish(&AtomicBool::new(false)).unwrap();
        let Err(ExportError::Raced { kept, .. }) = b.finish(&AtomicBool::new(false)) else { panic!("not refused") };
        assert_eq!(std::fs::read_to_string(target.join("run.toml")).unwrap(), "a");
        assert_eq!(std::fs::read_to_string(kept.join("run.toml")).unwrap(), "b");
    }
}
