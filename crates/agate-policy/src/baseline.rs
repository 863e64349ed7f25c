//! The baseline: findings a team accepted as legacy risk, keyed by fingerprint.
//!
//! Stored as `.agate/baseline.json`, sorted by path, rule and fingerprint so reviews see
//! small diffs, and written atomically (a temporary file renamed over the old one) so a crash
//! never leaves half a baseline.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use agate_model::Finding;
use serde::{Deserialize, Serialize};

use crate::error::{Place, PolicyError};

/// The baseline file's format version.
const BASELINE_VERSION: u32 = 1;

/// The largest baseline read: an entry is about 250 bytes, so 64 MiB holds a quarter of a
/// million accepted findings, far beyond any real legacy codebase, while a device or a
/// runaway file cannot exhaust memory.
pub(crate) const MAX_BASELINE_BYTES: u64 = 64 * 1024 * 1024;

/// The accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always 1.
    pub version: u32,
    /// Accepted findings, sorted.
    pub entries: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// Where it was (for people; matching uses the fingerprint).
    pub path: String,
    /// The rule.
    pub rule_id: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Who accepted it.
    pub added_by: String,
    /// When (`YYYY-MM-DD`).
    pub added_on: String,
    /// Why.
    pub reason: String,
}

impl Baseline {
    /// Reads a baseline; a missing file is an empty baseline, a corrupt one an error.
    pub fn load(path: &Path) -> Result<Baseline, PolicyError> {
        let text = match agate_fs::read_to_string_bounded(path, MAX_BASELINE_BYTES) {
            Ok(text) => text,
            Err(error) if error.is_not_found() => return Ok(Baseline::default()),
            Err(error) => return Err(error.into()),
        };
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|error| PolicyError::Invalid {
                at: Place {
                    file: path.display().to_string(),
                    position: Some((error.line() as u64, error.column() as u64)),
                },
                message: format!("corrupt baseline: {error}"),
                help:
                    "restore it from version control, or recreate it with `agate baseline create`"
                        .to_owned(),
            })?;
        if baseline.version != BASELINE_VERSION {
            return Err(PolicyError::Invalid {
                at: Place::file(&path.display().to_string()),
                message: format!("unsupported baseline version {}", baseline.version),
                help: "recreate it with `agate baseline create`".to_owned(),
            });
        }
        Ok(baseline)
    }

    /// Returns an index of the entries by fingerprint, for matching many findings.
    pub fn by_fingerprint(&self) -> HashMap<&str, &BaselineEntry> {
        self.entries
            .iter()
            .map(|entry| (entry.fingerprint.as_str(), entry))
            .collect()
    }

    /// Adds every finding not yet in the baseline; existing entries keep who, when and why.
    /// Returns how many were added.
    pub fn add(
        &mut self,
        findings: &[Finding],
        added_by: &str,
        added_on: &str,
        reason: &str,
    ) -> usize {
        self.version = BASELINE_VERSION;
        let mut known: BTreeSet<String> = self
            .entries
            .iter()
            .map(|entry| entry.fingerprint.clone())
            .collect();
        let mut added = 0;
        for finding in findings {
            if !known.insert(finding.fingerprint.as_str().to_owned()) {
                continue;
            }
            self.entries.push(BaselineEntry {
                path: finding.location.path.to_string(),
                rule_id: finding.rule_id.to_string(),
                fingerprint: finding.fingerprint.as_str().to_owned(),
                added_by: added_by.to_owned(),
                added_on: added_on.to_owned(),
                reason: reason.to_owned(),
            });
            added += 1;
        }
        self.entries.sort();
        added
    }

    /// Drops entries that match none of `findings`; returns how many were dropped.
    pub fn prune(&mut self, findings: &[Finding]) -> usize {
        let current: BTreeSet<&str> = findings
            .iter()
            .map(|finding| finding.fingerprint.as_str())
            .collect();
        let before = self.entries.len();
        self.entries
            .retain(|entry| current.contains(entry.fingerprint.as_str()));
        before - self.entries.len()
    }

    /// Writes the baseline atomically (see [`agate_fs::write_atomic`]): readers see the old
    /// file or the new one, never half; a replaced file keeps its permissions, a new one is
    /// readable by all (`0644`), as a file meant to be committed and reviewed should be.
    pub fn save(&self, path: &Path) -> Result<(), PolicyError> {
        let write_error = |source| PolicyError::Write {
            path: path.to_path_buf(),
            source,
        };
        if let Some(folder) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            fs_err::create_dir_all(folder).map_err(write_error)?;
        }
        let mut json =
            serde_json::to_string_pretty(self).map_err(|error| write_error(error.into()))?;
        json.push('\n');
        agate_fs::write_atomic(path, |out| out.write_all(json.as_bytes()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agate_model::{Confidence, Fingerprint, Location, Position, Severity};

    pub(crate) fn finding(path: &str, fingerprint: &str) -> Finding {
        let location = Location {
            path: path.into(),
            start: Position { line: 1, column: 1 },
            end: Position { line: 1, column: 2 },
        };
        Finding::new(
            "py.x",
            agate_model::Analyzer::Sast,
            Severity::High,
            Confidence::High,
            "m",
            location,
            Fingerprint::from_hex(fingerprint),
        )
    }

    #[test]
    fn round_trips_sorted_and_keeps_existing_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".agate/baseline.json");
        let mut baseline = Baseline::default();
        assert_eq!(
            baseline.add(
                &[finding("b.py", "02"), finding("a.py", "01")],
                "ana",
                "2026-11-26",
                "legacy"
            ),
            2
        );
        baseline.save(&path).unwrap();
        let mut loaded = Baseline::load(&path).unwrap();
        assert_eq!(loaded, baseline);
        assert_eq!(loaded.entries[0].path, "a.py", "sorted by path");
        assert_eq!(
            loaded.add(
                &[finding("a.py", "01"), finding("c.py", "03")],
                "bo",
                "2026-12-01",
                "x"
            ),
            1
        );
        assert_eq!(
            loaded.entries[0].added_by, "ana",
            "existing entries keep their author"
        );
        assert_eq!(loaded.prune(&[finding("c.py", "03")]), 2);
        assert_eq!(loaded.entries.len(), 1);
    }

    #[test]
    fn a_corrupt_baseline_is_an_error_and_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, "{\"version\": 1, \"entries\": [").unwrap();
        let error = Baseline::load(&path).unwrap_err();
        assert!(error.to_string().contains("corrupt baseline"), "{error}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"version\": 1, \"entries\": ["
        );
    }

    #[test]
    fn a_missing_baseline_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            Baseline::load(&dir.path().join("none.json"))
                .unwrap()
                .entries
                .is_empty()
        );
    }

    #[cfg(unix)]
    #[test]
    fn issue_7_a_baseline_is_written_readable_and_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".agate/baseline.json");
        Baseline::default().save(&path).unwrap();
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        Baseline::default().save(&path).unwrap();
        assert_eq!(mode(&path), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn issue_7_a_baseline_that_is_a_device_is_refused() {
        let error = Baseline::load(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`/dev/zero` is a character device, not a regular file"
        );
    }
}
