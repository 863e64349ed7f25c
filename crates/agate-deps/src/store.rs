//! The local advisory store: OSV records filed by package, one JSON file per
//! `<ecosystem>/<package>` under a folder the caller chooses, so a lookup reads only the
//! advisories of the packages a project uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::osv::Advisory;
use crate::version::Ecosystem;

/// Why the store could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A file is not a regular file, or too large.
    #[error(transparent)]
    File(#[from] agate_fs::FsError),
    /// An imported file is not an OSV record (or a list of them).
    #[error("{path}: not an OSV record: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Records read.
    pub records: usize,
    /// Package files written.
    pub packages: usize,
}

/// An advisory store in a folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store in `dir` (created on the first import).
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    /// The store's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether anything was ever imported.
    pub fn is_empty(&self) -> bool {
        !self.dir.join("osv").is_dir()
    }

    /// Imports OSV JSON: a record, a list of records, an OSV export zip (`all.zip`), or a
    /// folder of them (recursively).
    /// Records replace earlier ones with the same id; withdrawn ones are dropped.
    pub fn import(&self, path: &Path) -> Result<Imported, StoreError> {
        let mut files = Vec::new();
        collect_json(path, &mut files)?;
        let mut by_package: BTreeMap<(Ecosystem, String), Vec<serde_json::Value>> = BTreeMap::new();
        let mut imported = Imported::default();
        let mut sources: Vec<(String, Vec<u8>)> = Vec::new();
        for file in files {
            if file
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("zip"))
            {
                sources.extend(zip_entries(&file)?);
            } else {
                sources.push((
                    file.display().to_string(),
                    agate_fs::read_bounded(&file, MAX_IMPORT_BYTES)?,
                ));
            }
        }
        for (origin, bytes) in sources {
            let value: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|error| StoreError::Invalid {
                    path: origin.clone(),
                    message: error.to_string(),
                })?;
            let records = match value {
                serde_json::Value::Array(records) => records,
                record => vec![record],
            };
            for record in records {
                let advisory: Advisory =
                    serde_json::from_value(record.clone()).map_err(|error| {
                        StoreError::Invalid {
                            path: origin.clone(),
                            message: error.to_string(),
                        }
                    })?;
                imported.records += 1;
                for affected in &advisory.affected {
                    let Some(package) = &affected.package else {
                        continue;
                    };
                    let Some(ecosystem) = Ecosystem::from_osv(&package.ecosystem) else {
                        continue;
                    };
                    let key = (ecosystem, ecosystem.normalize_name(&package.name));
                    let list = by_package.entry(key).or_default();
                    if !list.iter().any(|known| known.get("id") == record.get("id")) {
                        list.push(record.clone());
                    }
                }
            }
        }
        for ((ecosystem, name), records) in by_package {
            let path = self.package_file(ecosystem, &name);
            let mut merged: Vec<serde_json::Value> = read_list(&path)?;
            for record in records {
                merged.retain(|known| known.get("id") != record.get("id"));
                if record.get("withdrawn").is_none() {
                    merged.push(record);
                }
            }
            write_atomically(&path, &serde_json::to_vec(&merged).unwrap_or_default())?;
            imported.packages += 1;
        }
        Ok(imported)
    }

    /// The advisories filed for a package.
    pub fn advisories(
        &self,
        ecosystem: Ecosystem,
        name: &str,
    ) -> Result<Vec<Advisory>, StoreError> {
        let path = self.package_file(ecosystem, &ecosystem.normalize_name(name));
        match agate_fs::read_bounded(&path, MAX_PACKAGE_BYTES) {
            // Straight into advisories: no intermediate JSON values on the lookup path.
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| StoreError::Invalid {
                path: path.display().to_string(),
                message: error.to_string(),
            }),
            Err(error) if error.is_not_found() => Ok(Vec::new()),
            Err(error) => Err(error.into()),
        }
    }

    /// `<dir>/osv/<ecosystem>/<hash>.json`: package names may hold `/`, `:` and `@`, so
    /// the file is named by the name's hash, never by the name itself.
    fn package_file(&self, ecosystem: Ecosystem, name: &str) -> PathBuf {
        let digest = Sha256::digest(name.as_bytes());
        let hex = digest.iter().take(16).fold(String::new(), |mut hex, byte| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{byte:02x}");
            hex
        });
        self.dir
            .join("osv")
            .join(ecosystem.as_osv())
            .join(format!("{hex}.json"))
    }
}

/// The largest JSON file `import` reads: one record, or a list of them (a whole
/// ecosystem's advisories as one list is about 100 MiB); the bound keeps a device or
/// runaway file from exhausting memory.
const MAX_IMPORT_BYTES: u64 = 512 * 1024 * 1024;

/// The largest package file of the store: every advisory of one package (hundreds at most,
/// a few kilobytes each).
const MAX_PACKAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The most an entry of an OSV zip export may expand to: records are kilobytes, so
/// anything near this is not an export (a zip bomb, or the wrong file).
const MAX_ENTRY_BYTES: u64 = 16 * 1024 * 1024;

/// The `.json` entries of an OSV export zip (`<ecosystem>/all.zip`), as `(name, bytes)`.
fn zip_entries(path: &Path) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    use std::io::Read as _;
    let invalid = |message: String| StoreError::Invalid {
        path: path.display().to_string(),
        message,
    };
    // A FIFO would block the open, a device never end: only a regular file is an export.
    if !fs_err::metadata(path)?.is_file() {
        return Err(invalid("not a regular file".to_owned()));
    }
    let file = fs_err::File::open(path)?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|error| invalid(format!("not a zip archive: {error}")))?;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let entry = archive
            .by_index(index)
            .map_err(|error| invalid(error.to_string()))?;
        let entry_name = entry
            .name()
            .map_err(|error| invalid(error.to_string()))?
            .into_owned();
        if !entry_name.to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        let name = format!("{}:{entry_name}", path.display());
        let mut bytes = Vec::new();
        entry.take(MAX_ENTRY_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            return Err(invalid(format!("{name} is too large for an OSV record")));
        }
        entries.push((name, bytes));
    }
    Ok(entries)
}

fn collect_json(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), StoreError> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs_err::read_dir(path)?
            .flatten()
            .map(|entry| entry.path())
            .collect();
        entries.sort();
        for entry in entries {
            collect_json(&entry, files)?;
        }
    } else if path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json") || ext.eq_ignore_ascii_case("zip"))
    {
        files.push(path.to_path_buf());
    } else if !path.exists() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{}: no such file or folder", path.display()),
        )));
    }
    Ok(())
}

fn read_list(path: &Path) -> Result<Vec<serde_json::Value>, StoreError> {
    match agate_fs::read_bounded(path, MAX_PACKAGE_BYTES) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| StoreError::Invalid {
            path: path.display().to_string(),
            message: error.to_string(),
        }),
        Err(error) if error.is_not_found() => Ok(Vec::new()),
        Err(error) => Err(error.into()),
    }
}

/// Writes through a temporary file and a rename: a reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    if let Some(folder) = path.parent() {
        fs_err::create_dir_all(folder)?;
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    fs_err::write(&temporary, bytes)?;
    fs_err::rename(&temporary, path)?;
    Ok(())
}
