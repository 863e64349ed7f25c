//! The provenance manifest, `.agate/provenance.jsonl`: code generation pipelines append one
//! JSON line per generated block (path, line range, content hash, tool, model, prompt id,
//! time). The content hash keeps the attribution when the block moves: a block is found
//! again wherever its exact lines are.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Where generation pipelines record generated blocks, relative to the scan root.
pub const MANIFEST_PATH: &str = ".agate/provenance.jsonl";

/// The largest source file read to attribute its lines: far above any hand- or AI-written
/// source, and a tracked link to a device (`/dev/zero`) is refused rather than read forever.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One generated block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The file, relative to the repository root, with `/`.
    pub path: String,
    /// First line when recorded (1-based).
    pub start_line: u32,
    /// Last line when recorded (inclusive).
    pub end_line: u32,
    /// SHA-256 of the block's lines joined with `\n`, in hex.
    pub content_sha256: String,
    /// The generating tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// The model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The prompt or session id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_id: Option<String>,
    /// When (RFC 3339 or a date), as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// A signature over the entry's other fields ([`ManifestEntry::signed_bytes`]), so the
    /// claim that these lines are generated can be verified (`agate provenance verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<EntrySignature>,
}

/// The signature of a manifest entry: DSSE's encoding of [`PROVENANCE_PAYLOAD_TYPE`] and the
/// entry's signed bytes, signed with ed25519.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySignature {
    /// The signing key's id (`SHA256:` and hex).
    pub keyid: String,
    /// The signature, base64.
    pub sig: String,
}

/// What a manifest entry's signature says the signed bytes are.
pub const PROVENANCE_PAYLOAD_TYPE: &str = "application/vnd.agate.provenance+json";

impl ManifestEntry {
    /// The bytes a signature covers: the entry as JSON without its signature, fields in
    /// declaration order.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let unsigned = ManifestEntry {
            signature: None,
            ..self.clone()
        };
        serde_json::to_vec(&unsigned).unwrap_or_default()
    }
}

/// The largest manifest read: an entry is about 250 bytes, so this holds a quarter of a
/// million generated blocks; a device or runaway file cannot exhaust memory.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// The largest file `record` hashes lines of: far above any source file.
const MAX_RECORDED_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why the manifest could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// Reading or appending failed.
    #[error("{path}: {source}")]
    Io {
        /// The manifest.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The manifest or the recorded file is not a regular file, or too large.
    #[error(transparent)]
    File(#[from] agate_fs::FsError),
    /// A line is not a manifest entry.
    #[error(
        "{path}:{line}: not a provenance entry: {message}\n  help: each line is one JSON object written by `agate provenance record`"
    )]
    Invalid {
        /// The manifest.
        path: String,
        /// The 1-based line.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// The requested lines are not in the file.
    #[error("{path} has {lines} lines; cannot record lines {start}-{end}")]
    OutOfRange {
        /// The file.
        path: String,
        /// Its line count.
        lines: usize,
        /// Requested first line.
        start: u32,
        /// Requested last line.
        end: u32,
    },
}

/// Every entry of a manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// The entries, in file order.
    pub entries: Vec<ManifestEntry>,
}

impl Manifest {
    /// Reads a manifest; a missing file is an empty manifest.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let shown = path.display().to_string();
        let text = match agate_fs::read_to_string_bounded(path, MAX_MANIFEST_BYTES) {
            Ok(text) => text,
            Err(error) if error.is_not_found() => return Ok(Manifest::default()),
            Err(error) => return Err(error.into()),
        };
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry = serde_json::from_str(line).map_err(|error| ManifestError::Invalid {
                path: shown.clone(),
                line: index + 1,
                message: error.to_string(),
            })?;
            entries.push(entry);
        }
        Ok(Manifest { entries })
    }

    /// Returns the line ranges of `text` (the file at `path`) that match a recorded block:
    /// at the recorded place, or wherever the same lines moved to.
    pub fn ai_ranges(&self, path: &str, text: &str) -> Vec<(u32, u32, &ManifestEntry)> {
        let lines: Vec<&str> = text.lines().collect();
        let mut found = Vec::new();
        for entry in self.entries.iter().filter(|entry| entry.path == path) {
            let Some(length) = (entry.end_line + 1).checked_sub(entry.start_line) else {
                continue;
            };
            let length = length as usize;
            if length == 0 || length > lines.len() {
                continue;
            }
            let at =
                |start: usize| block_hash(&lines[start..start + length]) == entry.content_sha256;
            let recorded = (entry.start_line as usize)
                .checked_sub(1)
                .filter(|&start| start + length <= lines.len());
            let start = recorded
                .filter(|&start| at(start))
                .or_else(|| (0..=lines.len() - length).find(|&start| at(start)));
            if let Some(start) = start {
                let first = u32::try_from(start + 1).unwrap_or(u32::MAX);
                found.push((
                    first,
                    first + u32::try_from(length).unwrap_or(u32::MAX) - 1,
                    entry,
                ));
            }
        }
        found
    }
}

/// Records lines `start..=end` of the file at `file` (shown as `path`) in the manifest at
/// `manifest`, appending one line in a single write; `sign` signs the completed entry's
/// [`ManifestEntry::signed_bytes`] when the caller has a key.
pub fn record(
    manifest: &Path,
    file: &Path,
    mut entry: ManifestEntry,
    sign: impl FnOnce(&[u8]) -> Option<EntrySignature>,
) -> Result<ManifestEntry, ManifestError> {
    let io = |path: &Path| {
        let shown = path.display().to_string();
        move |source| ManifestError::Io {
            path: shown,
            source,
        }
    };
    let text = agate_fs::read_to_string_bounded(file, MAX_RECORDED_FILE_BYTES)?;
    let lines: Vec<&str> = text.lines().collect();
    let (start, end) = (entry.start_line, entry.end_line);
    if start == 0 || end < start || end as usize > lines.len() {
        return Err(ManifestError::OutOfRange {
            path: entry.path.clone(),
            lines: lines.len(),
            start,
            end,
        });
    }
    entry.content_sha256 = block_hash(&lines[start as usize - 1..end as usize]);
    entry.signature = sign(&entry.signed_bytes());
    if let Some(folder) = manifest
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        fs_err::create_dir_all(folder).map_err(io(manifest))?;
    }
    let mut line = serde_json::to_string(&entry).map_err(|error| io(manifest)(error.into()))?;
    line.push('\n');
    let mut handle = fs_err::OpenOptions::new()
        .create(true)
        .append(true)
        .open(manifest)
        .map_err(io(manifest))?;
    handle.write_all(line.as_bytes()).map_err(io(manifest))?;
    Ok(entry)
}

/// The manifest's content hash: SHA-256 of the lines joined with `\n`, hex.
pub fn block_hash(lines: &[&str]) -> String {
    let digest = Sha256::digest(lines.join("\n").as_bytes());
    digest
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, start: u32, end: u32) -> ManifestEntry {
        ManifestEntry {
            path: path.to_owned(),
            start_line: start,
            end_line: end,
            content_sha256: String::new(),
            tool: Some("codegen".to_owned()),
            model: Some("m-1".to_owned()),
            prompt_id: None,
            time: None,
            signature: None,
        }
    }

    #[test]
    fn recorded_blocks_are_found_where_they_are_and_after_they_move() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("app.py");
        std::fs::write(&file, "a\nb\nc\nd\n").unwrap();
        let manifest = dir.path().join(".agate/provenance.jsonl");
        record(&manifest, &file, entry("app.py", 2, 3), |_| None).unwrap();
        let loaded = Manifest::load(&manifest).unwrap();
        let at = |text: &str| -> Vec<(u32, u32)> {
            loaded
                .ai_ranges("app.py", text)
                .into_iter()
                .map(|(s, e, _)| (s, e))
                .collect()
        };
        assert_eq!(at("a\nb\nc\nd\n"), [(2, 3)]);
        assert_eq!(
            at("new\nline\na\nb\nc\nd\n"),
            [(4, 5)],
            "moved down by two lines"
        );
        assert!(
            at("a\nB\nc\nd\n").is_empty(),
            "edited: no longer the generated block"
        );
    }

    #[test]
    fn bad_ranges_and_corrupt_lines_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("app.py");
        std::fs::write(&file, "a\n").unwrap();
        let manifest = dir.path().join("p.jsonl");
        assert!(record(&manifest, &file, entry("app.py", 1, 5), |_| None).is_err());
        std::fs::write(&manifest, "{\"path\": 1}\n").unwrap();
        let error = Manifest::load(&manifest).unwrap_err().to_string();
        assert!(
            error.contains("p.jsonl:1: not a provenance entry"),
            "{error}"
        );
    }
}
